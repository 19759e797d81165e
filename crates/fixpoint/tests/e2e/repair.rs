//! `fixpoint repair` against a scripted model: a real HTTP server on loopback
//! that speaks the OpenAI (or Anthropic) protocol and answers from a script,
//! while the fixes are applied, verified by real pytest runs, reverted
//! through the journal and committed with real git.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use fixpoint_repair::test_util::{Protocol, Recorded, Reply, ScriptedServer};
use serde_json::Value;

use crate::support::{
    copy_of, fixpoint, fixpoint_env, git, git_init, project, python, repository, stderr, stdout, user_output,
};

pub(crate) const KEY: &str = "sk-e2e-0123456789abcdefghijklmnop";
pub(crate) const DISCOUNT: &str = "tests/test_pricing.py::test_discount";

/// An answer that replaces `search` with `replace` in `path`.
pub(crate) fn edit(path: &str, search: &str, replace: &str) -> String {
    format!(
        "Here is the fix.\n\n{path}\n```python\n<<<<<<< SEARCH\n{search}\n=======\n{replace}\n>>>>>>> REPLACE\n```\n"
    )
}

pub(crate) const BUGGY: &str = "    return total - total * percent / 10";

pub(crate) fn right_fix() -> Reply {
    Reply::Answer(edit(
        "calc/pricing.py",
        BUGGY,
        "    return total - total * percent / 100",
    ))
}

/// Still wrong: 200 - 2 = 198.
fn wrong_fix() -> Reply {
    Reply::Answer(edit(
        "calc/pricing.py",
        BUGGY,
        "    return total - total * percent / 1000",
    ))
}

/// Makes test_discount pass and test_no_discount fail.
fn breaking_fix() -> Reply {
    Reply::Answer(edit("calc/pricing.py", BUGGY, "    return total * 0.9"))
}

/// The fixture project in git, with a first run recorded.
pub(crate) fn prepared() -> (tempfile::TempDir, PathBuf) {
    let (keep, dir) = project("repair");
    git_init(&dir);
    let python = python();
    let output = fixpoint(&dir, &["run", "--python", python.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    (keep, dir)
}

pub(crate) fn repair(dir: &Path, server: &ScriptedServer, extra: &[&str]) -> Output {
    repair_env(dir, server, extra, &[("FIXPOINT_API_KEY", KEY)])
}

fn repair_env(dir: &Path, server: &ScriptedServer, extra: &[&str], env: &[(&str, &str)]) -> Output {
    let python = python();
    let url = server.base_url();
    let mut args = vec![
        "repair",
        "--python",
        python.to_str().unwrap(),
        "--model",
        "scripted-model",
        "--base-url",
        &url,
    ];
    args.extend_from_slice(extra);
    fixpoint_env(dir, &args, env)
}

/// Asserts the exit code, showing what the command printed when it differs.
pub(crate) fn exits(output: &Output, code: i32) {
    assert_eq!(
        output.status.code(),
        Some(code),
        "{}\n{}",
        stdout(output),
        stderr(output)
    );
}

/// `fixpoint attempts --output-format json`, newest first.
pub(crate) fn attempts(dir: &Path) -> Vec<Value> {
    let output = fixpoint(dir, &["attempts", "--output-format", "json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    serde_json::from_slice::<Value>(&output.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

pub(crate) fn commits(dir: &Path) -> Vec<String> {
    git(dir, &["log", "--format=%B%x00"])
        .split('\0')
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .map(str::to_owned)
        .collect()
}

pub(crate) fn pricing(dir: &Path) -> String {
    fs::read_to_string(dir.join("calc/pricing.py")).unwrap()
}

pub(crate) fn original_pricing() -> String {
    fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/projects/repair/calc/pricing.py")).unwrap()
}

fn journal(dir: &Path) -> Vec<Value> {
    let output = fixpoint(dir, &["journal", "--output-format", "json"]);
    serde_json::from_slice::<Value>(&output.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn a_right_first_answer_is_applied_verified_and_committed() {
    let (_keep, dir) = prepared();
    let server = ScriptedServer::queue(Protocol::OpenAi, vec![right_fix()]);
    let output = repair(&dir, &server, &[DISCOUNT]);
    exits(&output, 0);
    assert!(pricing(&dir).contains("percent / 100\n"));
    user_output(&dir).bind(|| insta::assert_snapshot!("repair_right_first_answer", stdout(&output)));

    // What the model was sent: one request, the protocol's shape, the context.
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.path, "/v1/chat/completions");
    assert_eq!(request.header("authorization"), Some(format!("Bearer {KEY}").as_str()));
    assert_eq!(request.json()["model"], "scripted-model");
    assert_eq!(request.temperature(), Some(0.4));
    let messages = request.messages();
    assert!(messages[0].contains("SEARCH"), "the system prompt explains the format");
    let prompt = &messages[1];
    assert!(prompt.contains(&format!("The test `{DISCOUNT}` fails.")), "{prompt}");
    assert!(prompt.contains("assert 0.0 == 180"), "the failure output: {prompt}");
    assert!(
        prompt.contains("### tests/test_pricing.py (the failing test)"),
        "{prompt}"
    );
    assert!(prompt.contains("### calc/pricing.py"), "{prompt}");
    assert!(prompt.contains(BUGGY), "{prompt}");

    // One commit naming the test, the attempt and the model; the tree is clean.
    let log = commits(&dir);
    assert_eq!(log.len(), 2, "{log:?}");
    assert!(
        log[0].starts_with(&format!("fixpoint repair: fix {DISCOUNT}")),
        "{}",
        log[0]
    );
    assert!(
        log[0].contains("Attempt 1 of 3 by scripted-model (openai) at temperature 0.4"),
        "{}",
        log[0]
    );
    assert_eq!(git(&dir, &["status", "--porcelain", "--untracked-files=no"]), "");
    assert_eq!(
        git(&dir, &["show", "--name-only", "--format="]).trim(),
        "calc/pricing.py"
    );

    // The attempt is in the history.
    let rows = attempts(&dir);
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!(row["nodeid"], DISCOUNT);
    assert_eq!(
        (row["attempt"].as_u64(), row["verdict"].as_str()),
        (Some(1), Some("fixed"))
    );
    assert_eq!(row["model"], "scripted-model");
    assert!(row["prompt_tokens"].as_u64().unwrap() > 0);
    assert!(
        row["diff"]
            .as_str()
            .unwrap()
            .contains("+    return total - total * percent / 100")
    );
    assert_eq!(
        row["git_commit"].as_str().unwrap(),
        git(&dir, &["rev-parse", "HEAD"]).trim()
    );
    assert!(row["run_id"].as_i64().is_some());
    let listed = stdout(&fixpoint(&dir, &["attempts", DISCOUNT]));
    assert!(listed.contains("attempt 1 at 0.4  scripted-model  fixed"), "{listed}");
}

#[test]
fn a_wrong_answer_is_reverted_and_the_retry_hears_why_at_a_higher_temperature() {
    let (_keep, dir) = prepared();
    let server = ScriptedServer::queue(Protocol::OpenAi, vec![wrong_fix(), right_fix()]);
    let output = repair(&dir, &server, &[DISCOUNT]);
    exits(&output, 0);
    assert!(pricing(&dir).contains("percent / 100\n"));

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].temperature(), Some(0.4));
    assert_eq!(requests[1].temperature(), Some(0.5));
    let second = requests[1].json();
    let turns = second["messages"].as_array().unwrap();
    // system, the failure, the wrong answer, the feedback.
    assert_eq!(turns.len(), 4);
    assert_eq!(turns[2]["role"], "assistant");
    assert!(turns[2]["content"].as_str().unwrap().contains("percent / 1000"));
    let feedback = turns[3]["content"].as_str().unwrap();
    assert!(
        feedback.contains(&format!("the test {DISCOUNT} still fails")),
        "{feedback}"
    );
    assert!(feedback.contains("198"), "the new failure output: {feedback}");

    // The wrong change was taken back through the journal.
    let entries = journal(&dir);
    let states: Vec<&str> = entries.iter().map(|e| e["state"].as_str().unwrap()).collect();
    assert_eq!(states.len(), 2, "{entries:?}");
    assert!(states.contains(&"undone") && states.contains(&"complete"), "{states:?}");

    let rows = attempts(&dir);
    let verdicts: Vec<(&str, f64)> = rows
        .iter()
        .map(|r| (r["verdict"].as_str().unwrap(), r["temperature"].as_f64().unwrap()))
        .collect();
    assert_eq!(verdicts, [("fixed", 0.5), ("reverted", 0.4)]);
    assert!(rows[1]["reason"].as_str().unwrap().contains("still fails"));
    let log = commits(&dir);
    assert_eq!(log.len(), 2);
    assert!(log[0].contains("Attempt 2 of 3"), "{}", log[0]);
}

#[test]
fn a_fix_that_breaks_another_test_is_reverted() {
    let (_keep, dir) = prepared();
    let server = ScriptedServer::queue(Protocol::OpenAi, vec![breaking_fix()]);
    let output = repair(&dir, &server, &[DISCOUNT, "--max-retries", "1"]);
    exits(&output, 1);
    assert_eq!(pricing(&dir), original_pricing(), "byte for byte as before");
    assert_eq!(commits(&dir).len(), 1);
    let rows = attempts(&dir);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["verdict"], "reverted");
    let reason = rows[0]["reason"].as_str().unwrap();
    assert!(
        reason.contains("broke 1 test(s)") && reason.contains("test_no_discount"),
        "{reason}"
    );
    assert!(
        stdout(&output).contains("repaired 0 of 1 target in 1 attempt;"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn malformed_and_misplaced_answers_are_not_applied_and_the_model_is_told() {
    let (_keep, dir) = prepared();
    let server = ScriptedServer::queue(
        Protocol::OpenAi,
        vec![
            Reply::Answer("You should divide by 100 instead of 10.".into()),
            Reply::Answer(edit("calc/pricing.py", "    return total * percent", "    return 0")),
            Reply::Answer("calc/pricing.py\n<<<<<<< SEARCH\n    return total\n=======\n".into()),
        ],
    );
    let output = repair(&dir, &server, &[DISCOUNT]);
    exits(&output, 1);
    assert_eq!(pricing(&dir), original_pricing());
    assert!(journal(&dir).is_empty(), "nothing was written");
    let rows = attempts(&dir);
    let verdicts: Vec<&str> = rows.iter().map(|r| r["verdict"].as_str().unwrap()).collect();
    assert_eq!(verdicts, ["malformed", "refused", "malformed"]);
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    assert!(
        requests[1].last_message().contains("no SEARCH/REPLACE block"),
        "{}",
        requests[1].last_message()
    );
    assert!(
        requests[2].last_message().contains("SEARCH text was not found"),
        "{}",
        requests[2].last_message()
    );
}

#[test]
fn edits_outside_the_project_or_to_tests_are_refused_unless_allowed() {
    let (keep, dir) = prepared();
    let escape = Reply::Answer(edit("../escaped.py", "", "print('out')"));
    let weaken = Reply::Answer(edit(
        "tests/test_pricing.py",
        "    assert discount(200, 10) == 180",
        "    assert discount(200, 10) == 0",
    ));
    let server = ScriptedServer::queue(Protocol::OpenAi, vec![escape, weaken.clone()]);
    let output = repair(&dir, &server, &[DISCOUNT, "--max-retries", "2"]);
    exits(&output, 1);
    assert!(!keep.path().join("escaped.py").exists());
    let rows = attempts(&dir);
    let reasons: Vec<&str> = rows.iter().map(|r| r["reason"].as_str().unwrap()).collect();
    assert!(reasons[1].contains("is outside the project"), "{reasons:?}");
    assert!(reasons[0].contains("test file"), "{reasons:?}");
    assert!(rows.iter().all(|r| r["verdict"] == "refused"));
    let tests_before = fs::read_to_string(dir.join("tests/test_pricing.py")).unwrap();
    assert!(tests_before.contains("== 180"));

    // Allowed, the same edit goes through: the weakened test passes against the
    // buggy code, which is exactly why it takes a flag.
    let server = ScriptedServer::queue(Protocol::OpenAi, vec![weaken]);
    let output = repair(&dir, &server, &[DISCOUNT, "--max-retries", "1", "--allow-test-edits"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let rows = attempts(&dir);
    assert_eq!(rows[0]["verdict"], "fixed", "{:?}", rows[0]);
    assert!(
        rows[0]["diff"]
            .as_str()
            .unwrap()
            .contains("+++ b/tests/test_pricing.py")
    );
    assert!(
        fs::read_to_string(dir.join("tests/test_pricing.py"))
            .unwrap()
            .contains("== 0\n")
    );
    assert!(!server.requests()[0].messages()[0].contains("Do not edit test files"));
}

/// A model server that answers 429 once, then the right fix.
fn throttled_once() -> ScriptedServer {
    let throttled = Reply::Status {
        status: 429,
        retry_after: Some(0),
    };
    ScriptedServer::queue(Protocol::OpenAi, vec![throttled, right_fix()])
}

#[test]
fn a_429_is_retried_and_the_repair_goes_on() {
    let (_keep, dir) = prepared();
    let server = throttled_once();
    let output = repair(&dir, &server, &[DISCOUNT]);
    exits(&output, 0);
    assert_eq!(server.requests().len(), 2);
    assert_eq!(
        server.requests()[0].body,
        server.requests()[1].body,
        "the same request again"
    );
    let rows = attempts(&dir);
    assert_eq!(rows.len(), 1, "a retried request is one attempt");
    assert_eq!(rows[0]["verdict"], "fixed");
}

#[test]
fn the_http_retries_and_max_tokens_flags_override_the_settings() {
    let (_keep, dir) = prepared();
    let pyproject = dir.join("pyproject.toml");
    let settings = fs::read_to_string(&pyproject).unwrap();
    let settings = settings.replace("http-retries = 1", "http-retries = 5\nmax-tokens = 1000");
    fs::write(&pyproject, settings).unwrap();
    git(&dir, &["commit", "--quiet", "-am", "repair settings"]);
    let server = throttled_once();
    let output = repair(&dir, &server, &[DISCOUNT, "--http-retries", "0", "--max-tokens", "77"]);
    let requests = server.requests();
    assert_eq!(requests.len(), 1, "no retry: {}", stderr(&output));
    assert_eq!(requests[0].json()["max_tokens"], 77);
    assert_eq!(pricing(&dir), original_pricing());
    exits(&output, 2);
}

#[test]
fn a_silent_model_times_out_with_one_clear_line_and_nothing_changes() {
    let (_keep, dir) = prepared();
    let server = ScriptedServer::start(Protocol::OpenAi, |_, _| {
        Reply::Delay(Duration::from_secs(5), Box::new(right_fix()))
    });
    let output = repair(&dir, &server, &[DISCOUNT, "--request-timeout", "0.5"]);
    exits(&output, 2);
    let error = stderr(&output);
    assert!(error.contains("did not answer within 0.5 s (2 tries)"), "{error}");
    assert!(!error.contains(KEY));
    assert_eq!(
        server.requests().len(),
        2,
        "tried, then retried once (http-retries = 1)"
    );
    assert_eq!(pricing(&dir), original_pricing());
    let rows = attempts(&dir);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["verdict"], "error");
}

#[test]
fn speaks_the_anthropic_messages_api() {
    let (_keep, dir) = prepared();
    let server = ScriptedServer::queue(Protocol::Anthropic, vec![right_fix()]);
    let output = repair_env(
        &dir,
        &server,
        &[DISCOUNT, "--provider", "anthropic"],
        &[("ANTHROPIC_API_KEY", KEY)],
    );
    exits(&output, 0);
    let request = &server.requests()[0];
    assert_eq!(request.path, "/v1/messages");
    assert_eq!(request.header("x-api-key"), Some(KEY));
    assert_eq!(request.header("anthropic-version"), Some("2023-06-01"));
    assert!(request.json()["system"].as_str().unwrap().contains("SEARCH"));
    assert_eq!(attempts(&dir)[0]["provider"], "anthropic");
}

#[test]
fn secrets_never_reach_the_model_the_history_or_the_output() {
    let (_keep, dir) = prepared();
    let env_canary = "canary-env-7f3a0c52";
    let dotenv_canary = "canary-dotenv-91c2e7d4";
    // The first run must see the canary in the environment for its failure to print it.
    let python = python();
    let rerun = fixpoint_env(
        &dir,
        &["run", "--python", python.to_str().unwrap()],
        &[("SERVICE_API_KEY", env_canary)],
    );
    let document = stdout(&fixpoint(&dir, &["show", "latest", "--output-format", "json"]));
    assert!(
        document.contains(env_canary),
        "the failure does print the secret: {}",
        stderr(&rerun)
    );
    assert!(
        document.contains(dotenv_canary),
        "the failure does print the .env value"
    );

    let server = ScriptedServer::start(Protocol::OpenAi, |_, _| Reply::Answer("No idea.".into()));
    let env = [("FIXPOINT_API_KEY", KEY), ("SERVICE_API_KEY", env_canary)];
    let output = repair_env(
        &dir,
        &server,
        &[
            "tests/test_settings.py::test_service_key_is_the_production_one",
            "tests/test_settings.py::test_database_password_is_set",
            "--max-retries",
            "2",
        ],
        &env,
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let requests: Vec<Recorded> = server.requests();
    assert_eq!(requests.len(), 4);
    for request in &requests {
        for canary in [env_canary, dotenv_canary] {
            assert!(!request.body.contains(canary), "{canary} was sent: {}", request.body);
        }
        assert!(request.body.contains("[REDACTED]"), "{}", request.body);
    }
    for entry in fs::read_dir(dir.join(".fixpoint")).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            let bytes = fs::read(&path).unwrap();
            let text = String::from_utf8_lossy(&bytes);
            assert!(!text.contains(KEY), "the key is in {}", path.display());
        }
    }
    let attempts_text = stdout(&fixpoint(&dir, &["attempts", "--output-format", "json"]));
    for canary in [env_canary, dotenv_canary, KEY] {
        assert!(!attempts_text.contains(canary), "{canary}");
        assert!(
            !stdout(&output).contains(canary) && !stderr(&output).contains(canary),
            "{canary}"
        );
    }
}

#[test]
fn refuses_to_start_without_a_model_or_on_a_dirty_tree() {
    let (_keep, dir) = prepared();
    let server = ScriptedServer::queue(Protocol::OpenAi, vec![right_fix()]);
    let output = fixpoint(&dir, &["repair", DISCOUNT]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("no model to repair with: pass --model"),
        "{}",
        stderr(&output)
    );

    fs::write(dir.join("calc/pricing.py"), format!("{}# edited\n", original_pricing())).unwrap();
    let output = repair(&dir, &server, &[DISCOUNT]);
    assert_eq!(output.status.code(), Some(2));
    let error = stderr(&output);
    assert!(
        error.contains("uncommitted changes (calc/pricing.py)") && error.contains("--allow-dirty"),
        "{error}"
    );
    assert!(server.requests().is_empty(), "nothing was asked");

    // Allowed, on a new branch, without committing.
    let output = repair(
        &dir,
        &server,
        &[DISCOUNT, "--allow-dirty", "--no-commit", "--branch", "repairs"],
    );
    exits(&output, 0);
    assert_eq!(git(&dir, &["branch", "--show-current"]).trim(), "repairs");
    assert_eq!(commits(&dir).len(), 1, "nothing committed");
    assert!(pricing(&dir).contains("percent / 100\n") && pricing(&dir).ends_with("# edited\n"));
}

/// The fix for each planted logic bug of the bundled example, as a model
/// that knows it would answer.
fn dreamforge_fix(prompt: &str) -> Option<String> {
    let fixes = [
        (
            "tests/dice/test_roll.py::test_modifier_is_added_once",
            "dreamforge/dice.py",
            "        total += face + expression.modifier",
            "        total += face\n    total += expression.modifier",
        ),
        (
            "tests/dice/test_roll.py::test_every_face_can_come_up",
            "dreamforge/dice.py",
            "    return rng.randrange(1, sides)",
            "    return rng.randrange(1, sides + 1)",
        ),
        (
            "tests/dice/test_roll.py::test_d20_average_is_about_ten_and_a_half",
            "dreamforge/dice.py",
            "    return rng.randrange(1, sides)",
            "    return rng.randrange(1, sides + 1)",
        ),
        (
            "tests/services/test_characters.py::test_level_for_xp_at_exact_threshold",
            "dreamforge/services/characters.py",
            "        if experience > threshold:",
            "        if experience >= threshold:",
        ),
        (
            "tests/services/test_encounters.py::test_adjusted_xp_for_six_goblins",
            "dreamforge/services/encounters.py",
            "    if monster_count < 6:",
            "    if monster_count <= 6:",
        ),
    ];
    if prompt.contains(&format!("The test `{BESTIARY}` fails.")) {
        return Some(edit(MONSTERS, "", MONSTERS_JSON));
    }
    fixes
        .iter()
        .find(|(nodeid, ..)| prompt.contains(&format!("The test `{nodeid}` fails.")))
        .map(|(_, path, search, replace)| edit(path, search, replace))
}

const BESTIARY: &str = "tests/services/test_bestiary.py::test_load_bestiary";
const MONSTERS: &str = "tests/data/monsters.json";
/// The data file test_load_bestiary opens and nothing generates: which
/// monsters a bestiary holds is domain knowledge, the model's part.
const MONSTERS_JSON: &str = r#"[
  {"name": "Goblin", "challenge_rating": "1/4", "armor_class": 15, "hit_points": 7, "dexterity": 14},
  {"name": "Bugbear", "challenge_rating": "1", "armor_class": 16, "hit_points": 27, "dexterity": 14},
  {"name": "Ogre", "challenge_rating": "2", "armor_class": 11, "hit_points": 59, "dexterity": 8},
  {"name": "Owlbear", "challenge_rating": "3", "armor_class": 13, "hit_points": 59, "dexterity": 12}
]"#;

/// The bundled example in a git repository of its own, with a first run
/// recorded, and a model that answers with the real fix of each planted bug.
fn dreamforge_in_git() -> (tempfile::TempDir, PathBuf, ScriptedServer) {
    let (keep, dir) = copy_of(&repository().join("examples/dreamforge"));
    fs::write(dir.join(".gitignore"), ".fixpoint/\n__pycache__/\n.pytest_cache/\n").unwrap();
    git_init(&dir);
    let python = python();
    let output = fixpoint(&dir, &["run", "--python", python.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let server = ScriptedServer::start(Protocol::OpenAi, |request, _| {
        let prompt = request.messages().get(1).cloned().unwrap_or_default();
        dreamforge_fix(&prompt).map_or(Reply::Answer("I cannot fix this one.".into()), Reply::Answer)
    });
    (keep, dir, server)
}

#[test]
fn dreamforge_logic_bugs_are_repaired_one_commit_each() {
    let (_keep, dir, server) = dreamforge_in_git();
    let python = python();
    let python = python.to_str().unwrap();
    let targets = [
        "tests/dice/test_roll.py::test_modifier_is_added_once",
        "tests/dice/test_roll.py::test_every_face_can_come_up",
        "tests/dice/test_roll.py::test_d20_average_is_about_ten_and_a_half",
        "tests/services/test_characters.py::test_level_for_xp_at_exact_threshold",
        "tests/services/test_encounters.py::test_adjusted_xp_for_six_goblins",
    ];
    let mut args = targets.to_vec();
    args.push("--max-retries");
    args.push("1");
    let output = repair(&dir, &server, &args);
    let printed = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{printed}\n{}", stderr(&output));
    // The d20 average is fixed by the same change as every face: no request for it.
    assert_eq!(server.requests().len(), 4, "{printed}");
    assert!(printed.contains("skipped: it passes now"), "{printed}");
    assert!(printed.contains("repaired 4 of 5 targets in 4 attempts;"), "{printed}");

    let log = commits(&dir);
    assert_eq!(log.len(), 5, "one commit per repaired bug: {log:?}");
    for nodeid in [targets[0], targets[1], targets[3], targets[4]] {
        assert!(
            log.iter()
                .any(|m| m.starts_with(&format!("fixpoint repair: fix {nodeid}"))),
            "{nodeid}: {log:?}"
        );
    }
    let rows = attempts(&dir);
    assert_eq!(rows.len(), 4);
    assert!(
        rows.iter()
            .all(|r| r["verdict"] == "fixed" && r["git_commit"].is_string())
    );

    // A fresh run agrees: every planted logic bug's test passes.
    let output = fixpoint(
        &dir,
        &[
            "run",
            "--python",
            python,
            "--output-format",
            "json",
            "tests/dice/test_roll.py",
        ],
    );
    let document: Value = serde_json::from_slice(&output.stdout).unwrap();
    for test in document["tests"].as_array().unwrap() {
        if targets.contains(&test["nodeid"].as_str().unwrap()) {
            assert_eq!(test["outcome"], "passed", "{}", test["nodeid"]);
        }
    }
    let characters = fs::read_to_string(dir.join("dreamforge/services/characters.py")).unwrap();
    assert!(characters.contains("if experience >= threshold:"));
}

#[test]
fn fix_then_repair_sends_only_what_the_batch_fixes_left() {
    let (_keep, dir, server) = dreamforge_in_git();
    let python = python();
    let python = python.to_str().unwrap();
    let url = server.base_url();
    let output = fixpoint_env(
        &dir,
        &[
            "fix",
            "--repair",
            "--python",
            python,
            "--model",
            "scripted-model",
            "--base-url",
            &url,
            "--max-retries",
            "1",
        ],
        &[("FIXPOINT_API_KEY", KEY)],
    );
    let printed = stdout(&output);
    assert_eq!(
        output.status.code(),
        Some(1),
        "some failures are beyond both: {printed}\n{}",
        stderr(&output)
    );
    assert!(
        printed.contains("fixes applied"),
        "the batch fixes ran first: {printed}"
    );

    // The batch fixes are one journal entry; every repair is another, and a commit.
    let entries = journal(&dir);
    assert!(
        entries
            .iter()
            .any(|e| e["files"][0]["codes"][0].as_str().unwrap_or("").starts_with("FP")),
        "{entries:?}"
    );
    let log = commits(&dir);
    assert_eq!(
        log.len(),
        6,
        "four logic bugs and the missing data file, one commit each: {log:?}"
    );
    assert!(dir.join(MONSTERS).is_file());

    // Nothing a batch fixer handles reached the model.
    let requests = server.requests();
    assert!(!requests.is_empty());
    for request in &requests {
        let prompt = &request.messages()[1];
        assert!(
            !prompt.contains("Table 'roll_logs' is already defined"),
            "FP001's failure was sent: {prompt}"
        );
        assert!(
            !prompt.contains("NameError: name 'Decimal'"),
            "FP002's failure was sent: {prompt}"
        );
        assert!(
            !prompt.contains("The test `tests/services/test_loot.py::test_find_item_in_catalog` fails."),
            "FP008's seeded catalog failure was sent: {prompt}"
        );
    }
}

#[test]
fn a_missing_data_file_may_be_created_but_the_test_beside_it_not_edited() {
    let (_keep, dir, _) = dreamforge_in_git();
    // Creating the data file is allowed; weakening the test in the same answer is not.
    let both = format!(
        "{}{}",
        edit(MONSTERS, "", MONSTERS_JSON),
        edit(
            "tests/services/test_bestiary.py",
            "    assert bestiary[\"goblin\"].xp == 50",
            "    assert True"
        )
    );
    let server = ScriptedServer::queue(
        Protocol::OpenAi,
        vec![Reply::Answer(both), Reply::Answer(edit(MONSTERS, "", MONSTERS_JSON))],
    );
    let output = repair(&dir, &server, &[BESTIARY, "--max-retries", "2"]);
    exits(&output, 0);
    let first = &server.requests()[0].messages()[1];
    assert!(
        first.contains("The test cannot open `tests/data/monsters.json`: it does not exist. You may create it"),
        "{first}"
    );
    let rows = attempts(&dir);
    assert_eq!(rows[1]["verdict"], "refused");
    assert!(
        rows[1]["reason"]
            .as_str()
            .unwrap()
            .starts_with("tests/services/test_bestiary.py: it is a test file"),
        "{:?}",
        rows[1]
    );
    assert_eq!(rows[0]["verdict"], "fixed", "{:?}", rows[0]);
    assert_eq!(fs::read_to_string(dir.join(MONSTERS)).unwrap().trim(), MONSTERS_JSON);
    let log = commits(&dir);
    assert!(
        log[0].starts_with(&format!("fixpoint repair: fix {BESTIARY}")),
        "{log:?}"
    );
    // Any other new file under tests/ is still a test edit.
    let extra_file = edit("tests/data/extra.json", "", "[]");
    let server = ScriptedServer::queue(Protocol::OpenAi, vec![Reply::Answer(extra_file)]);
    fs::remove_file(dir.join(MONSTERS)).unwrap();
    git(&dir, &["commit", "-qam", "drop the data again"]);
    let python = python();
    fixpoint(
        &dir,
        &[
            "run",
            "--python",
            python.to_str().unwrap(),
            "tests/services/test_bestiary.py",
        ],
    );
    let output = repair(&dir, &server, &[BESTIARY, "--max-retries", "1"]);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    assert!(!dir.join("tests/data/extra.json").exists());
}

#[test]
fn a_pattern_is_repaired_through_its_representative() {
    let (_keep, dir) = prepared();
    let triage = fixpoint(&dir, &["triage", "--output-format", "json"]);
    let document: Value = serde_json::from_slice(&triage.stdout).unwrap();
    let pattern = document["triage"]["patterns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["failures"][0] == DISCOUNT)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let server = ScriptedServer::queue(Protocol::OpenAi, vec![right_fix()]);
    let output = repair(&dir, &server, &["--pattern", &pattern]);
    exits(&output, 0);
    assert_eq!(server.requests().len(), 1, "only that pattern");
    let rows = attempts(&dir);
    assert_eq!(
        (rows[0]["nodeid"].as_str(), rows[0]["pattern"].as_str()),
        (Some(DISCOUNT), Some(pattern.as_str()))
    );

    let output = repair(&dir, &server, &["--pattern", "Pnothing"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("no pattern `Pnothing`"), "{}", stderr(&output));

    // Without arguments: every pattern still failing. The latest run is the
    // verification of the fix above (tests/test_pricing.py only); the other
    // failures are known from the whole-suite run before it.
    let server = ScriptedServer::start(Protocol::OpenAi, |_, _| Reply::Answer("No idea.".into()));
    let output = repair(&dir, &server, &["--max-retries", "1"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let asked: Vec<String> = server.requests().iter().map(|r| r.messages()[1].clone()).collect();
    assert_eq!(asked.len(), 2, "{}", stdout(&output));
    assert!(asked.iter().all(|prompt| prompt.contains("tests/test_settings.py::")));
}

#[test]
fn the_spending_cap_stops_the_loop_and_says_so() {
    let (_keep, dir) = prepared();
    let server = ScriptedServer::queue(Protocol::OpenAi, vec![wrong_fix(), right_fix()]);
    let output = repair(&dir, &server, &[DISCOUNT, "--token-budget", "50"]);
    exits(&output, 1);
    assert_eq!(server.requests().len(), 1, "the first answer spent the budget");
    assert!(
        stderr(&output).contains("repair stopped: the spending cap of 50 tokens is reached"),
        "{}",
        stderr(&output)
    );
    assert_eq!(pricing(&dir), original_pricing());
    let server = ScriptedServer::queue(Protocol::OpenAi, vec![wrong_fix()]);
    let report = repair(
        &dir,
        &server,
        &[DISCOUNT, "--token-budget", "50", "--output-format", "json"],
    );
    let document: Value = serde_json::from_slice(&report.stdout).unwrap();
    assert!(document["tokens"].as_u64().unwrap() > 50, "{document}");
    assert_eq!(document["targets"][0]["status"]["status"], "stopped", "{document}");
    assert!(
        document["stopped"].as_str().unwrap().contains("spending cap"),
        "{document}"
    );
}
