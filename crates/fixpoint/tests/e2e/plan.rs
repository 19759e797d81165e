//! `fixpoint plan` and `fixpoint workflow` on the example and on fixture
//! projects, through the binary with real pytest: a story per open pattern,
//! statuses that follow the runs, notes that survive regeneration, a state
//! chain that catches every edit, lessons from a fix verification took back
//! and from a scripted repair the tests reverted, and the stories served to
//! the official MCP client.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use fixpoint_repair::test_util::{Protocol, Reply, ScriptedServer};
use serde_json::Value;

use crate::repair::{KEY, edit, exits};
use crate::support::{
    deterministic_dreamforge, example_python, fixpoint, fixpoint_env, git_init, mcp_client, project, python, stderr,
    stdout, user_output,
};

fn json_file(path: &Path) -> Value {
    serde_json::from_str(&fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))).unwrap()
}

/// The plan's stories: id → (status, tests).
fn stories(dir: &Path) -> BTreeMap<String, (String, Vec<String>)> {
    json_file(&dir.join(".ai/plan.json"))["stories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|story| {
            let tests = story["tests"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t.as_str().unwrap().to_owned())
                .collect();
            (
                story["id"].as_str().unwrap().to_owned(),
                (story["status"].as_str().unwrap().to_owned(), tests),
            )
        })
        .collect()
}

/// The latest run's outcome of every result, from `fixpoint show`.
fn latest_outcomes(dir: &Path) -> BTreeMap<String, String> {
    let output = fixpoint(dir, &["show", "--output-format", "json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let document: Value = serde_json::from_slice(&output.stdout).unwrap();
    document["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["nodeid"].as_str().unwrap().to_owned(),
                r["outcome"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn the_example() -> (tempfile::TempDir, std::path::PathBuf) {
    let (keep, dir) = deterministic_dreamforge();
    git_init(&dir);
    let python = example_python();
    let output = fixpoint(&dir, &["run", "--no-progress", "--python", python.to_str().unwrap()]);
    exits(&output, 1);
    (keep, dir)
}

#[test]
fn plan_writes_a_story_per_open_pattern_and_the_runs_move_them_to_done() {
    let (_keep, dir) = the_example();
    let output = fixpoint(&dir, &["triage", "--output-format", "json"]);
    let triage: Value = serde_json::from_slice(&output.stdout).unwrap();
    let patterns: BTreeSet<String> = triage["triage"]["patterns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_owned())
        .collect();

    let output = fixpoint(&dir, &["plan"]);
    exits(&output, 0);
    user_output(&dir).bind(|| insta::assert_snapshot!("plan_first", stdout(&output)));
    let planned = stories(&dir);
    assert_eq!(
        planned.keys().cloned().collect::<BTreeSet<_>>(),
        patterns,
        "a story per open pattern"
    );
    assert!(planned.values().all(|(status, _)| status == "Draft"));
    let files: BTreeSet<String> = fs::read_dir(dir.join(".ai/stories"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(files, patterns.iter().map(|id| format!("{id}.md")).collect());
    // One story, whole.
    let dice = planned
        .iter()
        .find(|(_, (_, tests))| tests == &["tests/dice/test_roll.py::test_modifier_is_added_once"])
        .map(|(id, _)| id.clone())
        .expect("a story for the modifier test");
    let story = fs::read_to_string(dir.join(format!(".ai/stories/{dice}.md"))).unwrap();
    let mut settings = user_output(&dir);
    settings.add_filter(r"fixpoint sha256: [0-9a-f]{32}", "fixpoint sha256: [SEAL]");
    settings.add_filter(&dice, "[STORY]");
    settings.bind(|| insta::assert_snapshot!("plan_story", story));

    // Notes inside the CUSTOM blocks survive everything that follows.
    let note = "Dana says: the modifier is applied in DiceExpression.total.\n";
    let story_path = dir.join(format!(".ai/stories/{dice}.md"));
    fs::write(
        &story_path,
        story.replace("<!-- CUSTOM: notes -->\n", &format!("<!-- CUSTOM: notes -->\n{note}")),
    )
    .unwrap();

    // A batch fix and a whole-suite run: no `plan` in between, the run moves the statuses.
    let python = example_python();
    exits(
        &fixpoint(&dir, &["fix", "--no-progress", "--python", python.to_str().unwrap()]),
        0,
    );
    let run = fixpoint(&dir, &["run", "--no-progress", "--python", python.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    let outcomes = latest_outcomes(&dir);
    let passes = |test: &String| {
        if test.contains("::") {
            return matches!(
                outcomes.get(test).map(String::as_str),
                Some("passed" | "flaky" | "xfailed")
            );
        }
        let inside: Vec<&String> = outcomes
            .iter()
            .filter(|(id, _)| id.starts_with(&format!("{test}::")))
            .map(|(_, o)| o)
            .collect();
        !outcomes.contains_key(test) && !inside.is_empty() && inside.iter().all(|o| *o == "passed")
    };
    let after = stories(&dir);
    let done: BTreeSet<&String> = after
        .iter()
        .filter(|(_, (s, _))| s == "Done")
        .map(|(id, _)| id)
        .collect();
    let all_pass: BTreeSet<&String> = after
        .iter()
        .filter(|(_, (_, tests))| tests.iter().all(passes))
        .map(|(id, _)| id)
        .collect();
    assert_eq!(done, all_pass, "Done is exactly the stories whose tests all pass");
    assert!(done.len() >= 5, "the batch fixes finished stories: {done:?}");
    assert!(done.len() < after.len(), "and left some open");
    for id in &done {
        let text = fs::read_to_string(dir.join(format!(".ai/stories/{id}.md"))).unwrap();
        assert!(text.contains("- Status: **Done**"), "{text}");
        assert!(!text.contains("- [ ] "), "every criterion ticked: {text}");
    }
    assert!(
        fs::read_to_string(&story_path).unwrap().contains(note),
        "the notes are kept"
    );
    let prd = fs::read_to_string(dir.join(".ai/prd.md")).unwrap();
    assert!(
        prd.contains("- Latest whole-suite run 3 (") && prd.contains(&format!("{} Done", done.len())),
        "{prd}"
    );

    // `plan` after the run notes where each pattern was last seen; a second
    // one on the same history changes nothing.
    exits(&fixpoint(&dir, &["plan"]), 0);
    let again = fixpoint(&dir, &["plan"]);
    exits(&again, 0);
    assert!(stdout(&again).contains("(0 new)"), "{}", stdout(&again));
    assert!(stdout(&again).contains("Wrote 0 of "), "{}", stdout(&again));

    // A file edited outside its CUSTOM block is left as it is, unless --force.
    let prd_path = dir.join(".ai/prd.md");
    let edited = prd.replace("## Goal", "## Our goal (edited by hand)");
    fs::write(&prd_path, &edited).unwrap();
    let output = fixpoint(&dir, &["plan"]);
    exits(&output, 0);
    assert!(
        stdout(&output).contains("Left .ai/prd.md as it is: edited outside its CUSTOM block"),
        "{}",
        stdout(&output)
    );
    assert_eq!(fs::read_to_string(&prd_path).unwrap(), edited);
    exits(&fixpoint(&dir, &["plan", "--force"]), 0);
    assert_eq!(fs::read_to_string(&prd_path).unwrap(), prd);

    // The rule an assistant reads, and the AGENTS.md line; both valid rules.
    let rule = fs::read_to_string(dir.join(".cursor/rules/fixpoint-workflow.mdc")).unwrap();
    assert!(rule.starts_with("---\ndescription: "), "{rule}");
    let rules = fixpoint(&dir, &["rules", "list", "--output-format", "json"]);
    let rules: Value = serde_json::from_slice(&rules.stdout).unwrap();
    let workflow_rule = rules
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "fixpoint-workflow")
        .unwrap()
        .clone();
    assert_eq!(workflow_rule["type"], "agent", "{workflow_rule}");
    exits(&fixpoint(&dir, &["rules", "validate"]), 0);
    let agents = fs::read_to_string(dir.join("AGENTS.md")).unwrap();
    assert!(agents.contains("The road to green is planned in `.ai/`"), "{agents}");
}

#[test]
fn plan_without_a_history_or_without_a_whole_suite_run_says_what_to_do() {
    let (_keep, dir) = project("verify");
    let output = fixpoint(&dir, &["plan"]);
    exits(&output, 2);
    let (_keep2, dir2) = project("verify");
    let python = python();
    let partial = fixpoint(
        &dir2,
        &[
            "run",
            "--python",
            python.to_str().unwrap(),
            "tests/test_loot.py::test_coins",
        ],
    );
    assert_eq!(partial.status.code(), Some(1), "{}", stderr(&partial));
    let output = fixpoint(&dir2, &["plan"]);
    exits(&output, 2);
    insta::assert_snapshot!(
        "plan_errors",
        format!("{}{}", stderr(&fixpoint(&dir, &["plan"])), stderr(&output))
    );
    assert!(!dir2.join(".ai").exists(), "nothing written");
}

/// The chain of the fixture where verification takes a fix back: every entry
/// is a real event, `verify` passes, and each kind of tampering is named.
#[test]
fn the_state_chain_records_real_events_and_names_the_entry_that_was_edited() {
    let (_keep, dir) = project("verify");
    git_init(&dir);
    let python = python();
    let python = python.to_str().unwrap();
    assert_eq!(fixpoint(&dir, &["run", "--python", python]).status.code(), Some(1));
    exits(&fixpoint(&dir, &["fix", "--no-progress", "--python", python]), 0);
    let output = fixpoint(&dir, &["workflow"]);
    exits(&output, 0);
    let journal: Value =
        serde_json::from_slice(&fixpoint(&dir, &["journal", "--output-format", "json"]).stdout).unwrap();
    let chain_path = dir.join(".workflow/state-chain/chain.json");
    let chain = json_file(&chain_path);
    let entries = chain["entries"].as_array().unwrap();
    let runs = fixpoint(&dir, &["history", "--output-format", "json"]);
    let runs: Value = serde_json::from_slice(&runs.stdout).unwrap();
    let run_count = runs["runs"].as_array().unwrap().len();
    let journal_count = journal.as_array().unwrap().len();
    let undone = journal
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["state"] == "undone")
        .count();
    assert_eq!(
        entries.len(),
        run_count + journal_count + undone,
        "an entry per run, journal entry and undo: {chain:#}"
    );
    let kinds: BTreeSet<&str> = entries.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        BTreeSet::from(["fix", "run", "undo", "verification"]),
        "{chain:#}"
    );
    assert_eq!(
        stdout(&output),
        format!(
            "State chain: {} entries appended, {} in all. Lessons: 1. Evaluations: none (no plan: `fixpoint plan` writes the stories).\n",
            entries.len(),
            entries.len()
        )
    );

    // The lesson: which fix, which files, which patterns, why.
    let lessons = json_file(&dir.join(".workflow/reflexion/index.json"));
    let lesson = &lessons["lessons"][0];
    assert_eq!(lesson["kind"], "fix-taken-back");
    assert_eq!(lesson["files"], serde_json::json!(["app/loot.py"]));
    assert_eq!(lesson["codes"], serde_json::json!(["FP002"]));
    assert_eq!(
        lesson["why"],
        "broke tests/test_loot.py::test_the_module_exports_nothing_but_value"
    );
    assert_eq!(lesson["run_id"], 1);
    let source = lesson["source"].as_str().unwrap().strip_prefix("journal:").unwrap();
    let refused = journal.as_array().unwrap().iter().find(|e| e["id"] == source).unwrap();
    assert_eq!(
        refused["state"], "undone",
        "the lesson points at the trial verification undid"
    );
    let output = fixpoint(&dir, &["triage", "1", "--output-format", "json"]);
    let triage: Value = serde_json::from_slice(&output.stdout).unwrap();
    // The FP002 patterns the refused file concerns, not the one kept in app/coins.py.
    let fp002: Vec<&Value> = triage["triage"]["patterns"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["fix"]["code"] == "FP002")
        .filter(|p| {
            p["locations"]
                .as_array()
                .unwrap()
                .iter()
                .any(|l| l.as_str().unwrap().starts_with("app/loot.py:"))
        })
        .map(|p| &p["id"])
        .collect();
    assert_eq!(fp002.len(), 1, "{triage:#}");
    assert_eq!(lesson["patterns"].as_array().unwrap().iter().collect::<Vec<_>>(), fp002);

    let verify = fixpoint(&dir, &["workflow", "verify"]);
    exits(&verify, 0);
    assert_eq!(
        stdout(&verify),
        format!("State chain: {} entries, no broken links.\n", entries.len())
    );
    // A second sync appends nothing.
    assert!(stdout(&fixpoint(&dir, &["workflow"])).starts_with("State chain: 0 entries appended"));

    let original = fs::read_to_string(&chain_path).unwrap();
    let tamper = |edit: &dyn Fn(&mut Value)| -> String {
        let mut chain: Value = serde_json::from_str(&original).unwrap();
        edit(&mut chain);
        fs::write(&chain_path, serde_json::to_string_pretty(&chain).unwrap()).unwrap();
        let output = fixpoint(&dir, &["workflow", "verify"]);
        exits(&output, 1);
        stdout(&output)
    };
    let source_of = |index: usize| entries[index]["source"].as_str().unwrap().to_owned();
    let edited_content = tamper(&|chain| chain["entries"][1]["content"]["command"] = "fixpoint run".into());
    let edited_time = tamper(&|chain| chain["entries"][2]["at"] = "2020-01-01T00:00:00.000Z".into());
    let removed = tamper(&|chain| {
        chain["entries"].as_array_mut().unwrap().remove(1);
    });
    let relinked = tamper(&|chain| chain["entries"][3]["prev_hash"] = chain["entries"][1]["hash"].clone());
    let n = entries.len();
    assert_eq!(
        [edited_content, edited_time, removed, relinked].concat(),
        format!(
            "State chain broken at entry 1 ({}): its content does not match its content_sha256: the content was edited ({n} entries checked).\n\
             State chain broken at entry 2 ({}): its hash does not match: the entry was edited ({n} entries checked).\n\
             State chain broken at entry 2 ({}): it is at position 1: an entry before it was removed or inserted ({} entries checked).\n\
             State chain broken at entry 3 ({}): its prev_hash is not the hash of the entry before it ({n} entries checked).\n",
            source_of(1),
            source_of(2),
            source_of(2),
            n - 1,
            source_of(3),
        )
    );
    // A broken chain takes nothing more.
    let sync = fixpoint(&dir, &["workflow"]);
    exits(&sync, 2);
    assert!(
        stderr(&sync).contains("the state chain is broken at entry 3"),
        "{}",
        stderr(&sync)
    );

    // --clean-workflow: the execution state goes, the planning files stay.
    fs::write(dir.join(".workflow/decisions.md"), "# Decisions\n").unwrap();
    let clean = fixpoint(&dir, &["workflow", "--clean-workflow"]);
    exits(&clean, 0);
    assert_eq!(
        stdout(&clean),
        "Removed .workflow/state-chain, .workflow/reflexion, .workflow/evals; the planning files (.ai/, .workflow's decisions) are kept.\n"
    );
    assert!(dir.join(".workflow/decisions.md").is_file());
    exits(&fixpoint(&dir, &["workflow"]), 0);
    exits(&fixpoint(&dir, &["workflow", "verify"]), 0);
}

/// A scripted repair whose answer the tests reject: the lesson names the
/// attempt, its file and why; the story's evaluation counts it, with the
/// tokens the history recorded; and the story is In Progress.
#[test]
fn a_reverted_repair_is_a_lesson_and_counts_in_its_storys_evaluation() {
    let (_keep, dir) = the_example();
    exits(&fixpoint(&dir, &["plan"]), 0);
    fs::write(
        dir.join("pyproject.toml"),
        fs::read_to_string(dir.join("pyproject.toml")).unwrap().replacen(
            "[tool.fixpoint]\n",
            "[tool.fixpoint]\nworkflow = true\n",
            1,
        ),
    )
    .unwrap();
    // The plan and the setting committed: the runs that follow rewrite `.ai/`,
    // which the repair's clean-tree check leaves out.
    crate::support::git(&dir, &["add", "--all"]);
    crate::support::git(&dir, &["commit", "--quiet", "-m", "plan"]);
    let target = "tests/dice/test_roll.py::test_modifier_is_added_once";
    let useless = Reply::Answer(edit(
        "dreamforge/dice.py",
        "    modifier: int = 0",
        "    modifier: int = 0  # the modifier",
    ));
    let server = ScriptedServer::queue(Protocol::OpenAi, vec![useless]);
    let python = example_python();
    let url = server.base_url();
    let output = fixpoint_env(
        &dir,
        &[
            "repair",
            "--python",
            python.to_str().unwrap(),
            "--model",
            "scripted-model",
            "--base-url",
            &url,
            "--max-retries",
            "1",
            target,
        ],
        &[("FIXPOINT_API_KEY", KEY)],
    );
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}\n{}",
        stdout(&output),
        stderr(&output)
    );
    let attempts: Value =
        serde_json::from_slice(&fixpoint(&dir, &["attempts", "--output-format", "json"]).stdout).unwrap();
    let attempt = &attempts[0];
    assert_eq!(attempt["verdict"], "reverted", "{attempt:#}");

    // `workflow = true`: the repair's verification run already wrote .workflow/.
    let lessons = json_file(&dir.join(".workflow/reflexion/index.json"));
    let lesson = lessons["lessons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["kind"] == "repair-reverted")
        .unwrap()
        .clone();
    assert_eq!(lesson["source"], format!("attempt:{}", attempt["id"]));
    assert_eq!(lesson["nodeid"], target);
    assert_eq!(lesson["files"], serde_json::json!(["dreamforge/dice.py"]));
    assert_eq!(lesson["why"], attempt["reason"]);
    assert!(!lesson["why"].as_str().unwrap().is_empty());

    let story = stories(&dir)
        .into_iter()
        .find(|(_, (_, tests))| tests == &[target])
        .unwrap();
    assert_eq!(story.1.0, "In Progress", "the repair loop tried it");
    let evals = json_file(&dir.join(".workflow/evals/task-evals.json"));
    let task = evals["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["story"] == story.0.as_str())
        .unwrap();
    let tokens = attempt["prompt_tokens"].as_u64().unwrap() + attempt["completion_tokens"].as_u64().unwrap();
    assert_eq!(task["attempts"], 1);
    assert_eq!(task["reverted"], 1);
    assert_eq!(task["tokens"], tokens);
    assert_eq!(task["status"], "In Progress");
    let rerun = attempt["run_id"].as_i64().map(|id| {
        let show: Value =
            serde_json::from_slice(&fixpoint(&dir, &["show", &id.to_string(), "--output-format", "json"]).stdout)
                .unwrap();
        show["run"]["counts"]["total"].as_u64().unwrap()
    });
    assert_eq!(task["tests_rerun"].as_u64(), Some(rerun.unwrap_or(0)));
    let chain = json_file(&dir.join(".workflow/state-chain/chain.json"));
    assert!(
        chain["entries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "repair-attempt" && e["source"] == lesson["source"]),
        "{chain:#}"
    );
    exits(&fixpoint(&dir, &["workflow", "verify"]), 0);

    // The stories through the official MCP client.
    let next = {
        let planned: Value = json_file(&dir.join(".ai/plan.json"));
        let mut open: Vec<&Value> = planned["stories"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["status"] == "Draft" || s["status"] == "In Progress")
            .collect();
        open.sort_by(|a, b| {
            b["impact"]
                .as_u64()
                .cmp(&a["impact"].as_u64())
                .then((b["status"] == "In Progress").cmp(&(a["status"] == "In Progress")))
                .then(a["id"].as_str().cmp(&b["id"].as_str()))
        });
        open[0]["id"].as_str().unwrap().to_owned()
    };
    let output = mcp_client(
        "plan.py",
        &dir,
        &[std::ffi::OsStr::new(&next), std::ffi::OsStr::new(&story.0)],
    );
    let printed = stdout(&output);
    assert!(
        output.status.success() && printed.ends_with("all checks passed\n"),
        "{printed}\n{}",
        stderr(&output)
    );
}

/// What a careless or hostile hand does to the plan and the chain: nothing
/// is written outside `.ai/`, unreadable state is never taken for no
/// state, the team's AGENTS.md is never cut, and a partial run that fails
/// again takes a story out of Done.
#[test]
fn hostile_plans_chains_and_agents_files_are_refused_and_nothing_is_lost() {
    let (_keep, dir) = project("verify");
    git_init(&dir);
    let python = python();
    let python = python.to_str().unwrap();
    assert_eq!(fixpoint(&dir, &["run", "--python", python]).status.code(), Some(1));
    exits(&fixpoint(&dir, &["plan"]), 0);
    let plan_path = dir.join(".ai/plan.json");
    let good_plan = fs::read_to_string(&plan_path).unwrap();

    // A story id that is a path: refused by `plan`, ignored by `run`, nothing written.
    fs::write(dir.join("README.md"), "# Ours\n").unwrap();
    let mut hostile: Value = serde_json::from_str(&good_plan).unwrap();
    hostile["stories"][0]["id"] = "../../README".into();
    fs::write(&plan_path, serde_json::to_string(&hostile).unwrap()).unwrap();
    let output = fixpoint(&dir, &["plan", "--force"]);
    exits(&output, 2);
    assert_eq!(
        stderr(&output),
        "fixpoint: error: .ai/plan.json holds a story that is not a triage pattern (id `../../README`, category `name-error`): fixpoint writes nothing from it; move the file away and run `fixpoint plan` again\n"
    );
    assert_eq!(fixpoint(&dir, &["run", "--python", python]).status.code(), Some(1));
    assert_eq!(fs::read_to_string(dir.join("README.md")).unwrap(), "# Ours\n");
    assert!(!dir.join("README.md.md").exists() && !dir.join(".ai/README.md").exists());

    // A plan that is not UTF-8 is not "no plan": the run leaves it as it is.
    let mut bytes = good_plan.clone().into_bytes();
    bytes.push(0xff);
    fs::write(&plan_path, &bytes).unwrap();
    assert_eq!(fixpoint(&dir, &["run", "--python", python]).status.code(), Some(1));
    assert_eq!(fs::read(&plan_path).unwrap(), bytes);
    let output = fixpoint(&dir, &["plan"]);
    exits(&output, 2);
    assert_eq!(
        stderr(&output),
        "fixpoint: error: .ai/plan.json is not UTF-8 text: fixpoint leaves it as it is\n"
    );
    fs::write(&plan_path, &good_plan).unwrap();

    // A chain with a byte that is not UTF-8 is not started again.
    exits(&fixpoint(&dir, &["workflow"]), 0);
    let chain_path = dir.join(".workflow/state-chain/chain.json");
    let mut chain = fs::read(&chain_path).unwrap();
    chain.push(0xff);
    fs::write(&chain_path, &chain).unwrap();
    for args in [&["workflow"][..], &["workflow", "verify"]] {
        let output = fixpoint(&dir, args);
        exits(&output, 2);
        assert!(
            stderr(&output).contains("chain.json is not UTF-8 text"),
            "{}",
            stderr(&output)
        );
    }
    assert_eq!(fs::read(&chain_path).unwrap(), chain);
    fs::remove_file(&chain_path).unwrap();

    // An AGENTS.md with one marker: which of its text is fixpoint's cannot be told.
    let agents = "# Team\n\n<!-- fixpoint:workflow:start -->\nOur deploy notes.\n";
    fs::write(dir.join("AGENTS.md"), agents).unwrap();
    let output = fixpoint(&dir, &["plan"]);
    exits(&output, 0);
    assert!(
        stdout(&output).contains("Left AGENTS.md as it is"),
        "{}",
        stdout(&output)
    );
    assert_eq!(fs::read_to_string(dir.join("AGENTS.md")).unwrap(), agents);

    // Done after the fix and a whole-suite run; a partial run that fails again undoes that.
    exits(&fixpoint(&dir, &["fix", "--no-progress", "--python", python]), 0);
    assert_eq!(fixpoint(&dir, &["run", "--python", python]).status.code(), Some(1));
    let coins = stories(&dir)
        .into_iter()
        .find(|(_, (_, tests))| tests == &["tests/test_loot.py::test_coins"])
        .unwrap();
    assert_eq!(coins.1.0, "Done");
    crate::support::git(&dir, &["checkout", "--", "app/coins.py"]);
    let partial = fixpoint(&dir, &["run", "--python", python, "tests/test_loot.py::test_coins"]);
    assert_eq!(partial.status.code(), Some(1), "{}", stderr(&partial));
    let story = json_file(&plan_path)["stories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == coins.0.as_str())
        .unwrap()
        .clone();
    assert_eq!(story["status"], "In Progress");
    assert_eq!(
        story["reason"],
        "its test passes in run 5, a whole-suite run, but one failed again in run 6, a partial run; a whole-suite run decides"
    );
}
