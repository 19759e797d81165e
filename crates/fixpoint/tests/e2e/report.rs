//! Reports as the tools that read them see them: JUnit checked against
//! pytest's schema and read back by `fixpoint import`, SARIF checked by
//! Microsoft's SARIF multitool, the HTML dashboard rendered by a real
//! headless Chromium; and `docs`, `check`, `ci` and `init` on real projects.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::support::{
    copy_of, deterministic_dreamforge, fixpoint, fixpoint_env, git_init, outcomes_in_order, project, python,
    repository, stderr, stdout, user_output,
};

fn tool(variable: &str) -> PathBuf {
    PathBuf::from(std::env::var_os(variable).unwrap_or_else(|| {
        panic!("{variable} is not set: run the tests with scripts/test, which fetches the tools the report tests use")
    }))
}

fn json(output: &std::process::Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", stderr(output)))
}

/// Dreamforge with two whole-suite runs around the batch fixes.
fn dreamforge_with_history() -> (tempfile::TempDir, PathBuf) {
    let (keep, dir) = copy_of(&repository().join("examples/dreamforge"));
    let python = python();
    let python = python.to_str().unwrap();
    // The planted hang is killed after 3 s instead of the example's 10.
    let first = fixpoint(&dir, &["run", "--python", python, "--test-timeout", "3"]);
    assert_eq!(first.status.code(), Some(1), "{}", stderr(&first));
    let fixed = fixpoint(&dir, &["fix"]);
    assert_eq!(fixed.status.code(), Some(0), "{}", stderr(&fixed));
    let second = fixpoint(&dir, &["run", "--python", python, "--test-timeout", "3"]);
    assert_eq!(second.status.code(), Some(1), "{}", stderr(&second));
    (keep, dir)
}

/// Chromium's DOM of `page` (after its scripts ran), opened at `fragment`.
fn rendered(page: &Path, fragment: &str, screenshot: Option<&Path>) -> String {
    let profile = tempfile::tempdir().unwrap();
    let mut command = Command::new(tool("FIXPOINT_TEST_CHROMIUM"));
    command.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,2400",
    ]);
    command.arg(format!("--user-data-dir={}", profile.path().display()));
    match screenshot {
        Some(file) => command.arg(format!("--screenshot={}", file.display())),
        None => command.arg("--dump-dom"),
    };
    command.arg(format!("file://{}{fragment}", page.display()));
    let output = command.output().unwrap();
    assert!(output.status.success(), "chromium: {}", stderr(&output));
    stdout(&output)
}

/// The `<tr>` rows of a table's body in a DOM dump.
fn rows<'a>(dom: &'a str, table: &str) -> Vec<&'a str> {
    let start = dom
        .find(&format!("<table id=\"{table}\""))
        .unwrap_or_else(|| panic!("no table {table}"));
    let body = &dom[start..];
    let body = &body[body.find("<tbody>").unwrap()..body.find("</tbody>").unwrap()];
    body.split("<tr").skip(1).collect()
}

fn attribute<'a>(element: &'a str, name: &str) -> Option<&'a str> {
    let at = element.find(&format!("{name}=\""))? + name.len() + 2;
    Some(&element[at..at + element[at..].find('"')?])
}

#[test]
fn every_report_format_is_read_by_the_tools_that_consume_it() {
    let (_keep, dir) = dreamforge_with_history();
    let report = json(&fixpoint(&dir, &["report", "--format", "json"]));
    assert_eq!(report["schema_version"], 1);
    let failing = report["run"]["counts"]["failed"].as_u64().unwrap()
        + report["run"]["counts"]["error"].as_u64().unwrap()
        + report["run"]["counts"]["timeout"].as_u64().unwrap()
        + report["run"]["counts"]["crashed"].as_u64().unwrap();
    let trend = report["trend"].as_array().unwrap();
    assert_eq!(trend.len(), 2);
    assert!(
        trend[0]["failing"].as_u64() > trend[1]["failing"].as_u64(),
        "the batch fixes helped: {trend:?}"
    );
    assert_eq!(report["baseline"]["id"], trend[0]["run_id"]);
    assert_eq!(report["fixes"][0]["kind"], "fixer");
    assert!(report["fixes"][0]["added"].as_u64().unwrap() > 0);
    let triage = json(&fixpoint(&dir, &["triage", "--output-format", "json"]));
    assert_eq!(
        report["patterns"].as_array().unwrap().len(),
        triage["triage"]["patterns"].as_array().unwrap().len()
    );

    // JUnit: valid against the schema pytest is tested with, and read back whole.
    let junit = dir.join("junit.xml");
    let output = fixpoint(
        &dir,
        &["report", "--format", "junit", "--output", junit.to_str().unwrap()],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let validate = Command::new(python())
        .args([
            "-c",
            "import sys; from lxml import etree; schema = etree.XMLSchema(etree.parse(sys.argv[1])); \
             document = etree.parse(sys.argv[2]); schema.assertValid(document); \
             print(len(document.findall('.//testcase')))",
        ])
        .arg(tool("FIXPOINT_TEST_JUNIT_XSD"))
        .arg(&junit)
        .output()
        .unwrap();
    assert!(validate.status.success(), "junit-10.xsd: {}", stderr(&validate));
    let total = report["run"]["counts"]["total"].as_u64().unwrap();
    assert_eq!(stdout(&validate).trim(), total.to_string());
    // Into a history of its own, so that this project's stays as it was.
    let elsewhere = dir.join("elsewhere.db");
    let imported = fixpoint(
        &dir,
        &[
            "import",
            junit.to_str().unwrap(),
            "--output-format",
            "json",
            "--db",
            elsewhere.to_str().unwrap(),
        ],
    );
    let imported = json(&imported);
    let outcome_of = |document: &Value| -> Vec<(String, String)> {
        let mut all = outcomes_in_order(document);
        all.sort();
        all
    };
    assert_eq!(outcome_of(&imported), outcome_of(&report), "JUnit round trip");

    // SARIF: the multitool finds no error against the 2.1.0 schema and its rules.
    let sarif = dir.join("report.sarif");
    fixpoint(
        &dir,
        &["report", "--format", "sarif", "--output", sarif.to_str().unwrap()],
    );
    let checked = dir.join("validation.sarif");
    let validation = Command::new(tool("FIXPOINT_TEST_SARIF_VALIDATOR"))
        .arg("validate")
        .arg(&sarif)
        .arg("--output")
        .arg(&checked)
        .output()
        .unwrap();
    assert!(validation.status.success(), "{}", stdout(&validation));
    let verdicts: Value = serde_json::from_str(&fs::read_to_string(&checked).unwrap()).unwrap();
    let errors: Vec<&Value> = verdicts["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["level"] == "error")
        .collect();
    assert!(errors.is_empty(), "SARIF errors: {errors:#?}");
    let document: Value = serde_json::from_str(&fs::read_to_string(&sarif).unwrap()).unwrap();
    let results = document["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len() as u64, failing);
    let dice = results
        .iter()
        .find(|r| r["properties"]["nodeid"] == "tests/dice/test_roll.py::test_every_face_can_come_up")
        .unwrap();
    let location = &dice["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "tests/dice/test_roll.py");
    assert!(location["region"]["startLine"].as_u64().unwrap() > 1);

    // GitHub: one annotation per failure, and the job summary.
    let summary = dir.join("summary.md");
    let output = fixpoint_env(
        &dir,
        &["report", "--format", "github"],
        &[("GITHUB_STEP_SUMMARY", summary.to_str().unwrap())],
    );
    let annotations = stdout(&output);
    assert_eq!(
        annotations.lines().filter(|l| l.starts_with("::error file=")).count() as u64,
        failing
    );
    assert!(
        fs::read_to_string(&summary)
            .unwrap()
            .starts_with("# Test health: dreamforge")
    );

    // Markdown.
    let markdown = stdout(&fixpoint(&dir, &["report", "--format", "markdown"]));
    for section in ["## Patterns", "## Fixes applied", "## Remaining failures", "## Trend"] {
        assert!(markdown.contains(section), "{section}");
    }

    // The dashboard, in Chromium.
    let page = dir.join("dashboard.html");
    fixpoint(
        &dir,
        &["report", "--format", "html", "--output", page.to_str().unwrap()],
    );
    let html = fs::read_to_string(&page).unwrap();
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "self-contained"
    );
    let dom = rendered(&page, "", None);
    let card = &dom[dom.find("data-count=\"failing\"").unwrap()..];
    let value = &card[card.find("class=\"value\">").unwrap() + 14..];
    assert_eq!(
        &value[..value.find('<').unwrap()],
        failing.to_string(),
        "the failing card"
    );
    let points: Vec<&str> = dom.split("<circle class=\"point\"").skip(1).collect();
    assert_eq!(points.len(), 2, "a point per run");
    for (point, expected) in points.iter().zip(trend) {
        let rate: f64 = attribute(point, "data-rate").unwrap().parse().unwrap();
        assert!((rate - expected["pass_rate"].as_f64().unwrap()).abs() < 1e-3);
    }
    assert_eq!(
        rows(&dom, "patterns").len(),
        report["patterns"].as_array().unwrap().len()
    );
    assert!(rows(&dom, "patterns").iter().all(|r| !r.starts_with(" hidden")));

    // Filtering (from the address, as a shared link would) hides what does not match.
    let filtered = rendered(&page, "#filter=dice", None);
    let failures = rows(&filtered, "failures");
    let shown: Vec<&&str> = failures.iter().filter(|r| !r.starts_with(" hidden")).collect();
    assert!(
        !shown.is_empty() && shown.len() < failures.len(),
        "{} of {}",
        shown.len(),
        failures.len()
    );
    assert!(shown.iter().all(|r| r.contains("dice")));
    assert!(filtered.contains(&format!("data-for=\"failures\">{}<", shown.len())));
    // Sorting by a column.
    let sorted = rendered(&page, "#sort=patterns:tests:asc", None);
    let sizes: Vec<u64> = rows(&sorted, "patterns")
        .iter()
        .map(|r| attribute(r, "data-value").unwrap().parse().unwrap())
        .collect();
    assert!(sizes.windows(2).all(|w| w[0] <= w[1]), "{sizes:?}");
    assert!(sorted.contains("aria-sort=\"ascending\""));

    // The screenshot is kept for a person to look at.
    let artifacts = Path::new(env!("CARGO_TARGET_TMPDIR")).join("artifacts");
    fs::create_dir_all(&artifacts).unwrap();
    let shot = artifacts.join("dashboard.png");
    rendered(&page, "", Some(&shot));
    assert!(fs::metadata(&shot).unwrap().len() > 10_000);

    // The documentation, twice: the second time nothing changes.
    let docs = fixpoint(&dir, &["docs"]);
    assert!(docs.status.success(), "{}", stderr(&docs));
    assert_eq!(stdout(&docs).matches("wrote").count(), 4, "{}", stdout(&docs));
    let again = stdout(&fixpoint(&dir, &["docs"]));
    assert_eq!(again.matches("unchanged").count(), 4, "{again}");
    let health = dir.join("docs/test-health");
    let guidelines = fs::read_to_string(health.join("GUIDELINES.md")).unwrap();
    assert!(guidelines.contains("One import path per model module"), "{guidelines}");
    assert!(guidelines.contains("fixpoint check --select FP001"), "{guidelines}");
    // Every check the guidelines cite runs: it exits 0 or 1, never 2 ("not a check rule").
    let cited: Vec<&str> = guidelines
        .split('`')
        .filter(|span| span.starts_with("fixpoint check"))
        .collect();
    assert!(!cited.is_empty(), "{guidelines}");
    for command in cited {
        let words: Vec<&str> = command.split_whitespace().skip(1).collect();
        let output = fixpoint(&dir, &words);
        assert!(
            matches!(output.status.code(), Some(0 | 1)),
            "`{command}`: {}",
            stderr(&output)
        );
    }
    let patterns = fs::read_to_string(health.join("PATTERNS.md")).unwrap();
    assert!(
        patterns.contains("Solved by batch fix FP002 (missing-import)"),
        "{patterns}"
    );
    let fixes = fs::read_to_string(health.join("FIXES.md")).unwrap();
    assert!(fixes.contains("| fixer | FP001"), "{fixes}");
    let remaining = fs::read_to_string(health.join("REMAINING.md")).unwrap();
    assert!(remaining.contains("tests/dice/test_roll.py::test_every_face_can_come_up"));
}

#[test]
fn check_finds_fixes_and_then_passes() {
    let (_keep, dir) = copy_of(&repository().join("examples/dreamforge"));
    let output = fixpoint(&dir, &["check"]);
    assert_eq!(output.status.code(), Some(1));
    let printed = stdout(&output);
    insta::assert_snapshot!("check_dreamforge", printed);
    // The project typed as users type it finds the same.
    let absolute = dir.to_str().unwrap().to_owned();
    for typed in [".", "./", absolute.as_str()] {
        let same = fixpoint(&dir, &["check", typed]);
        assert_eq!(
            (same.status.code(), stdout(&same)),
            (Some(1), printed.clone()),
            "check {typed}"
        );
    }
    let only = stdout(&fixpoint(&dir, &["check", "--select", "FP001"]));
    insta::assert_snapshot!("check_dreamforge_fp001", only);
    let bad = fixpoint(&dir, &["check", "--select", "FP999"]);
    assert_eq!(bad.status.code(), Some(2));
    insta::assert_snapshot!("check_unknown_rule", stderr(&bad));

    let fixed = fixpoint(&dir, &["check", "--fix"]);
    assert_eq!(fixed.status.code(), Some(0), "{}", stdout(&fixed));
    user_output(&dir).bind(|| insta::assert_snapshot!("check_fix_dreamforge", stdout(&fixed)));
    let clean = fixpoint(&dir, &["check"]);
    assert_eq!(clean.status.code(), Some(0), "{}", stdout(&clean));
    assert_eq!(stdout(&clean), "All checks passed.\n");
    let undone = fixpoint(&dir, &["undo"]);
    assert!(undone.status.success());
    assert_eq!(
        fixpoint(&dir, &["check"]).status.code(),
        Some(1),
        "undo brings the findings back"
    );
}

#[test]
fn ci_fails_for_a_new_failure_and_not_for_a_known_one() {
    // Dreamforge's dice and character tests (its flaky and hanging tests left out),
    // against a recorded run of the same tests.
    let (_keep, dir) = copy_of(&repository().join("examples/dreamforge"));
    let python = python();
    let python = python.to_str().unwrap();
    let paths = ["tests/dice/test_roll.py", "tests/services/test_characters.py"];
    let mut run = vec!["run", "--python", python];
    run.extend(paths);
    assert_eq!(fixpoint(&dir, &run).status.code(), Some(1));
    let mut ci = vec!["ci", "--python", python, "--baseline-run", "1"];
    ci.extend(paths);

    let output = fixpoint(&dir, &ci);
    let printed = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "known failures pass: {printed}");
    assert!(
        printed.contains("known failures") && printed.contains("ci: passed"),
        "{printed}"
    );
    let mut strict = ci.clone();
    strict.push("--strict");
    assert_eq!(
        fixpoint(&dir, &strict).status.code(),
        Some(1),
        "--strict fails on known failures"
    );

    // Break passing tests: every level comes out one too high.
    let characters = dir.join("dreamforge/services/characters.py");
    let source = fs::read_to_string(&characters).unwrap();
    let broken = source.replacen("    return level\n", "    return level + 1\n", 1);
    assert_ne!(source, broken, "the line to break is there");
    fs::write(&characters, broken).unwrap();
    let junit = dir.join("ci-junit.xml");
    let mut with_outputs = ci.clone();
    with_outputs.extend(["--junit", junit.to_str().unwrap(), "--github"]);
    let output = fixpoint(&dir, &with_outputs);
    let printed = stdout(&output);
    assert_eq!(
        output.status.code(),
        Some(1),
        "a new failure fails the build: {printed}"
    );
    let new_part = &printed[printed.find("new failures").expect("new failures are listed")..];
    let new_part = &new_part[..new_part.find("known failures").unwrap_or(new_part.len())];
    assert!(new_part.contains("test_level_for_xp_between_thresholds"), "{printed}");
    assert!(
        printed.contains("::error file=") && printed.contains("::warning file="),
        "{printed}"
    );
    assert!(fs::read_to_string(&junit).unwrap().contains("<testsuite"));
}

/// `fixpoint ci` in `dir` with git's global and system configuration out of
/// the way, so that only the repository's own settings count.
fn ci_in(dir: &Path, extra: &[&str]) -> std::process::Output {
    let python = python();
    let mut args = vec!["ci", "--python", python.to_str().unwrap()];
    args.extend_from_slice(extra);
    fixpoint_env(
        dir,
        &args,
        &[("GIT_CONFIG_GLOBAL", "/dev/null"), ("GIT_CONFIG_NOSYSTEM", "1")],
    )
}

#[test]
fn ci_takes_its_baseline_from_the_default_branch() {
    // On `master`, with nothing configured: the branch that exists.
    let (_keep, dir) = project("repair");
    crate::history::init_on(&dir, "master");
    let first = ci_in(&dir, &["--output-format", "json"]);
    assert_eq!(first.status.code(), Some(1), "no baseline yet: every failure is new");
    assert_eq!(json(&first)["baseline"], Value::Null);
    let second = ci_in(&dir, &[]);
    assert_eq!(second.status.code(), Some(0), "{}", stdout(&second));
    insta::with_settings!({filters => vec![(r"(?m)^run #(\d+): .*$", "run #$1: [totals]")]}, {
        insta::assert_snapshot!("ci_on_master", stdout(&second));
    });
    let verdict = json(&ci_in(&dir, &["--output-format", "json"]));
    assert_eq!(
        verdict["baseline"],
        "run #2 on master (the default branch: the branch of that name in the repository)"
    );
    assert_eq!(verdict["known_failures"].as_array().unwrap().len(), 3);
    // --baseline-branch still wins, and is named.
    let other = ci_in(&dir, &["--baseline-branch", "release"]);
    assert_eq!(other.status.code(), Some(1), "no run on `release`");
    assert!(
        stdout(&other)
            .contains("baseline: none (no whole-suite run on release (--baseline-branch) in the history yet)"),
        "{}",
        stdout(&other)
    );

    // On `main`.
    let (_keep_main, main) = project("repair");
    git_init(&main);
    assert_eq!(ci_in(&main, &[]).status.code(), Some(1));
    let verdict = json(&ci_in(&main, &["--output-format", "json"]));
    assert_eq!(
        verdict["baseline"],
        "run #1 on main (the default branch: the branch of that name in the repository)"
    );

    // init.defaultBranch names a branch that exists: it is the default.
    let (_keep_dev, dev) = project("repair");
    crate::history::init_on(&dev, "develop");
    crate::support::git(&dev, &["branch", "main"]);
    crate::support::git(&dev, &["config", "init.defaultBranch", "develop"]);
    assert_eq!(ci_in(&dev, &[]).status.code(), Some(1));
    let verdict = json(&ci_in(&dev, &["--output-format", "json"]));
    assert_eq!(
        verdict["baseline"],
        "run #1 on develop (the default branch: init.defaultBranch)"
    );

    // A remote's HEAD comes first: origin says `trunk`, the work goes on on `master`.
    let remote = tempfile::tempdir().unwrap();
    let origin = remote.path().join("origin.git");
    crate::support::git(remote.path(), &["init", "--quiet", "--bare", "origin.git"]);
    crate::support::git(&dir, &["branch", "trunk"]);
    crate::support::git(&dir, &["remote", "add", "origin", origin.to_str().unwrap()]);
    crate::support::git(&dir, &["push", "--quiet", "origin", "trunk", "master"]);
    crate::support::git(&origin, &["symbolic-ref", "HEAD", "refs/heads/trunk"]);
    crate::support::git(&dir, &["remote", "set-head", "origin", "--auto"]);
    let none_yet = ci_in(&dir, &["--output-format", "json"]);
    assert_eq!(none_yet.status.code(), Some(1), "nothing recorded on trunk yet");
    assert_eq!(
        json(&none_yet)["baseline_branch"],
        "trunk (the default branch: origin/HEAD)"
    );
    crate::support::git(&dir, &["checkout", "--quiet", "trunk"]);
    let on_trunk = ci_in(&dir, &["--output-format", "json"]);
    crate::support::git(&dir, &["checkout", "--quiet", "master"]);
    let verdict = json(&ci_in(&dir, &["--output-format", "json"]));
    assert_eq!(
        verdict["baseline"],
        format!(
            "run #{} on trunk (the default branch: origin/HEAD)",
            json(&on_trunk)["run_id"]
        )
    );

    // A baseline file works the same, with no history.
    let python = python();
    let python = python.to_str().unwrap();
    let baseline = dir.join("baseline.json");
    fs::write(&baseline, stdout(&fixpoint(&dir, &["report", "--format", "json"]))).unwrap();
    fs::remove_dir_all(dir.join(".fixpoint")).unwrap();
    let from_file = fixpoint(
        &dir,
        &["ci", "--python", python, "--baseline", baseline.to_str().unwrap()],
    );
    assert_eq!(from_file.status.code(), Some(0), "{}", stdout(&from_file));
    fs::write(&baseline, "{}").unwrap();
    let bad = fixpoint(
        &dir,
        &["ci", "--python", python, "--baseline", baseline.to_str().unwrap()],
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("no `tests` array"), "{}", stderr(&bad));
}

#[test]
fn init_adds_what_is_missing_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(root.join("pyproject.toml"), "[project]\nname = \"shop\"\n").unwrap();
    let output = fixpoint(root, &["init"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let printed = stdout(&output);
    assert!(
        printed.contains("created   .github/workflows/fixpoint.yml"),
        "{printed}"
    );
    assert!(printed.contains("appended  pyproject.toml"), "{printed}");
    let workflow = fs::read_to_string(root.join(".github/workflows/fixpoint.yml")).unwrap();
    assert!(workflow.contains("fixpoint ci") && workflow.contains("fixpoint check"));
    let pyproject = fs::read_to_string(root.join("pyproject.toml")).unwrap();
    assert!(pyproject.starts_with("[project]\nname = \"shop\"\n") && pyproject.contains("[tool.fixpoint]"));
    assert!(
        fs::read_to_string(root.join(".pre-commit-config.yaml"))
            .unwrap()
            .contains("entry: fixpoint check")
    );
    // The settings it wrote are ones fixpoint reads.
    assert!(fixpoint(root, &["check"]).status.code().is_some_and(|c| c < 2));

    let again = stdout(&fixpoint(root, &["init"]));
    assert_eq!(again.matches("unchanged").count(), 3, "{again}");

    assert!(fixpoint(root, &["undo"]).status.success());
    assert!(!root.join(".github/workflows/fixpoint.yml").exists());
    assert_eq!(
        fs::read_to_string(root.join("pyproject.toml")).unwrap(),
        "[project]\nname = \"shop\"\n"
    );

    fs::write(root.join(".pre-commit-config.yaml"), "repos: []\n").unwrap();
    let printed = stdout(&fixpoint(root, &["init"]));
    assert!(
        printed.contains("unchanged .pre-commit-config.yaml (it exists; add this yourself)"),
        "{printed}"
    );
    assert_eq!(
        fs::read_to_string(root.join(".pre-commit-config.yaml")).unwrap(),
        "repos: []\n"
    );
}

/// A generated document with the temporary directory masked.
fn masked(text: &str, dir: &Path) -> String {
    text.replace(dir.to_str().unwrap(), "[project]")
}

#[test]
fn docs_count_patterns_from_the_run_remaining_describes() {
    let (_keep, dir) = deterministic_dreamforge();
    let python = python();
    let python = python.to_str().unwrap();
    assert_eq!(fixpoint(&dir, &["run", "--python", python]).status.code(), Some(1));
    // Unverified: the history holds the two runs below and nothing else.
    assert_eq!(fixpoint(&dir, &["fix", "--no-verify"]).status.code(), Some(0));
    // A partial run: the dice tests, and the loot tests whose missing import was fixed.
    let partial = fixpoint(
        &dir,
        &["run", "--python", python, "tests/dice", "tests/services/test_loot.py"],
    );
    assert_eq!(partial.status.code(), Some(1), "{}", stderr(&partial));
    let docs = fixpoint(&dir, &["docs"]);
    assert!(docs.status.success(), "{}", stderr(&docs));
    let health = dir.join("docs/test-health");
    let read = |name: &str| masked(&fs::read_to_string(health.join(name)).unwrap(), &dir);
    let patterns = read("PATTERNS.md");
    let remaining = read("REMAINING.md");
    // The open count is REMAINING.md's count of failing patterns.
    let failing_sections = remaining.matches("\n### P").count();
    let summary = patterns.lines().find(|l| l.contains("patterns seen")).unwrap();
    assert!(
        summary.contains(&format!(": {failing_sections} open, ")),
        "{summary} / {failing_sections} failing in REMAINING.md"
    );
    insta::assert_snapshot!("docs_partial_patterns", patterns);
    insta::assert_snapshot!("docs_partial_remaining", remaining);
}
