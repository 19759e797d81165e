//! The bundled example: every failure planted in `examples/dreamforge` (listed
//! in its FAILURES.md) is recorded, and everything else passes.

use std::collections::BTreeMap;
use std::fs;

use crate::support::{copy_of, repository, run_json, test};

/// FAILURES.md's table: node id (or module path) → category.
fn planted() -> BTreeMap<String, String> {
    let text = fs::read_to_string(repository().join("examples/dreamforge/FAILURES.md")).unwrap();
    text.lines()
        .filter(|line| line.starts_with("| `"))
        .map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            (cells[1].trim_matches('`').to_owned(), cells[2].to_owned())
        })
        .collect()
}

#[test]
fn every_planted_failure_is_recorded_and_the_rest_pass() {
    let planted = planted();
    assert!(planted.len() >= 24, "FAILURES.md lists {} failures", planted.len());
    let (_keep, dir) = copy_of(&repository().join("examples/dreamforge"));
    let (code, document) = run_json(&dir, &["--test-timeout", "3", "-j", "2"]);
    assert_eq!(code, 1);

    for (nodeid, category) in &planted {
        let result = test(&document, nodeid);
        let outcome = result["outcome"].as_str().unwrap();
        match category.as_str() {
            "flaky" => assert!(matches!(outcome, "passed" | "failed"), "{nodeid}: {outcome}"),
            "timeout" => assert_eq!(outcome, "timeout", "{nodeid}"),
            _ if !nodeid.contains("::") => {
                assert_eq!(
                    (outcome, result["phase"].as_str()),
                    ("error", Some("collection")),
                    "{nodeid}"
                );
            }
            _ => assert!(matches!(outcome, "failed" | "error"), "{nodeid}: {outcome}"),
        }
    }
    for result in document["tests"].as_array().unwrap() {
        let nodeid = result["nodeid"].as_str().unwrap();
        if !planted.contains_key(nodeid) {
            assert_eq!(result["outcome"], "passed", "{nodeid} is not a planted failure");
        }
    }
    assert!(document["counts"]["total"].as_u64().unwrap() >= 60 + 6);
}
