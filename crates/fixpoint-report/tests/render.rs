//! Every format of one small report, snapshot-tested: what a reader of each
//! would see.

use fixpoint_core::{Counts, Outcome};
use fixpoint_report::docs::{Guideline, SeenPattern};
use fixpoint_report::{
    ComparisonEntry, FixEntry, Format, PatternEntry, PatternTrendRow, Report, RunSummary, SlowEntry, SlowdownEntry,
    TestEntry, TrendPoint, render,
};

fn test(nodeid: &str, outcome: Outcome, message: Option<&str>, crash: Option<(&str, u32)>) -> TestEntry {
    let failing = outcome.is_failing();
    TestEntry {
        nodeid: nodeid.into(),
        path: nodeid.split("::").next().unwrap().into(),
        outcome,
        duration: 0.012,
        cpu_time: Some(0.011),
        peak_rss: Some(48 * 1024 * 1024),
        message: message.map(str::to_owned),
        exception_type: failing.then(|| "AssertionError".to_owned()),
        traceback: failing.then(|| format!("E   {}", message.unwrap_or_default())),
        crash_path: crash.map(|(p, _)| p.to_owned()),
        crash_line: crash.map(|(_, l)| l),
        category: failing.then(|| "assertion".to_owned()),
        pattern: failing.then(|| "P123abc".to_owned()),
    }
}

fn sample() -> Report {
    let tests = vec![
        test("tests/test_dice.py::test_roll", Outcome::Passed, None, None),
        test(
            "tests/test_dice.py::test_faces",
            Outcome::Failed,
            Some("assert {1, 2} == {1, 2, 3} <&>"),
            Some(("tests/test_dice.py", 12)),
        ),
        test(
            "tests/test_dice.py::TestBig::test_gpu",
            Outcome::Skipped,
            Some("needs a GPU"),
            None,
        ),
        test("tests/test_broken.py", Outcome::Error, Some("ImportError: no"), None),
    ];
    let mut counts = Counts::default();
    for t in &tests {
        counts.add(t.outcome);
    }
    let run = RunSummary {
        id: 7,
        started_at: "2026-11-22T07:00:00.000Z".into(),
        duration: 1.5,
        git_commit: Some("0123456789abcdef".into()),
        git_branch: Some("main".into()),
        host: Some("ci-1".into()),
        counts,
        pass_rate: counts.pass_rate(),
    };
    Report {
        schema_version: 1,
        tool: "fixpoint 0.1.0".into(),
        project: "dice".into(),
        baseline: Some(RunSummary { id: 3, ..run.clone() }),
        trend: vec![
            TrendPoint {
                run_id: 3,
                started_at: "2026-11-20T07:00:00.000Z".into(),
                git_commit: None,
                total: 4,
                passed: 0,
                failing: 3,
                pass_rate: Some(0.0),
            },
            TrendPoint {
                run_id: 7,
                started_at: "2026-11-22T07:00:00.000Z".into(),
                git_commit: None,
                total: 4,
                passed: 1,
                failing: 2,
                pass_rate: Some(1.0 / 3.0),
            },
        ],
        patterns: vec![PatternEntry {
            id: "P123abc".into(),
            category: "assertion".into(),
            title: "Assertion failed".into(),
            explanation: "An assert failed.".into(),
            message: "assert {1, 2} == {1, 2, 3} <&>".into(),
            blast_radius: 2,
            failures: vec!["tests/test_dice.py::test_faces".into(), "tests/test_broken.py".into()],
            location: Some("dice.py:4".into()),
            fix: "code change (repair loop)".into(),
            fixer: None,
            manual: "Fix the code under test.".into(),
            traceback: "E   assert".into(),
        }],
        pattern_trend: vec![PatternTrendRow {
            pattern: "P123abc".into(),
            title: "Assertion failed".into(),
            blast_radius: vec![3, 2],
        }],
        run,
        tests,
        fixes: vec![FixEntry {
            at: "2026-11-21T07:00:00.000Z".into(),
            kind: "fixer".into(),
            by: "FP002".into(),
            files: vec!["dice.py".into()],
            journal_id: Some("20261121070000000".into()),
            state: "complete".into(),
            test: None,
            commit: None,
            added: 1,
            removed: 0,
        }],
        flaky: Vec::new(),
        comparison: Some(ComparisonEntry {
            base_run: 3,
            new_failures: Vec::new(),
            fixed: vec!["tests/test_dice.py::test_roll".into()],
        }),
        slowest: vec![SlowEntry {
            nodeid: "tests/test_dice.py::test_roll".into(),
            duration: 1.25,
            share: 0.5,
            cpu_time: Some(1.2),
            peak_rss: Some(300 * 1024 * 1024),
        }],
        slowdowns: vec![SlowdownEntry {
            nodeid: "tests/test_dice.py::test_roll".into(),
            run_id: 5,
            before_median: 0.25,
            after_median: 1.25,
            score: 12.5,
            method: "mad".into(),
        }],
    }
}

/// Every text format whole, by its `--format` name: text and Markdown, JUnit
/// (escaped, cases named as pytest names them), SARIF and GitHub annotations
/// (failures located). HTML and JSON are checked below by what they hold.
#[test]
fn every_text_format_renders_the_sample_whole() {
    for (name, format) in Format::ALL {
        if !matches!(format, Format::Html | Format::Json) {
            insta::assert_snapshot!(name, render(&sample(), format, "0.1.0"));
        }
    }
}

#[test]
fn the_dashboard_escapes_and_holds_every_table() {
    let html = render(&sample(), Format::Html, "0.1.0");
    assert!(html.contains("assert {1, 2} == {1, 2, 3} &lt;&amp;&gt;"));
    assert!(!html.contains("<&>"));
    for table in ["patterns", "failures", "fixes", "flaky", "skipped"] {
        assert!(html.contains(&format!("<table id=\"{table}\"")), "{table}");
    }
    assert_eq!(html.matches("<circle class=\"point\"").count(), 2);
}

#[test]
fn docs() {
    let seen = vec![SeenPattern {
        id: "P123abc".into(),
        category: "assertion".into(),
        title: "Assertion failed".into(),
        explanation: "An assert failed.".into(),
        message: "assert 1 == 2".into(),
        first_run: 3,
        last_run: 7,
        peak: 3,
        status: fixpoint_report::docs::PatternStatus::Open,
        solved_by: String::new(),
        fix: "code change (repair loop)".into(),
        tests: vec!["tests/test_dice.py::test_faces".into()],
    }];
    let guidelines = vec![Guideline {
        category: "assertion".into(),
        title: "Assertion failed".into(),
        rule: "Change behaviour and its tests together.".into(),
        check: None,
        patterns: 1,
    }];
    for (name, text) in fixpoint_report::docs::render(&sample(), &seen, &guidelines) {
        insta::assert_snapshot!(name, text);
    }
}
