//! `fixpoint import` of files that real pytest just wrote, against `fixpoint run`.

use crate::support::{fixpoint, outcomes, project, pytest, run_json};

#[test]
fn imported_junit_and_reportlog_agree_with_a_live_run() {
    let (_keep, written) = project("outcomes");
    let output = pytest(
        &written,
        &["--junitxml=report.xml", "--report-log=report.jsonl", "-p", "no:xdist"],
    );
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );

    let (_keep2, live_dir) = project("outcomes");
    let (_, live) = run_json(&live_dir, &[]);
    let live = outcomes(&live);

    for (file, source) in [("report.jsonl", "import:reportlog"), ("report.xml", "import:junit")] {
        let output = fixpoint(&written, &["import", file, "--output-format", "json"]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let document: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(document["info"]["source"], source);
        let mut expected = live.clone();
        if source == "import:junit" {
            // JUnit XML has no word for an unexpected pass: pytest writes it as a pass.
            expected.insert("tests/test_basic.py::test_unexpected_pass".into(), "passed".into());
        }
        assert_eq!(outcomes(&document), expected, "{file}");
        let broken = document["tests"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["nodeid"] == "tests/test_broken_import.py")
            .unwrap();
        assert_eq!(broken["phase"], "collection", "{file}: collection errors never vanish");
        assert_eq!(broken["exception_type"], "ModuleNotFoundError", "{file}");
    }
}
