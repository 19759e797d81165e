//! Category accuracy on the labelled corpus: real failures produced by
//! running real code (see tests/corpus/README.md), each labelled by hand.
//! The accuracy is printed (`cargo test -p fixpoint-triage --test corpus --
//! --nocapture`) and recorded in docs/triage.md.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use fixpoint_core::Run;
use fixpoint_triage::{ProjectIndex, classify};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

/// The project's sources: in the corpus, or the bundled example itself.
fn sources(project: &str) -> PathBuf {
    let inside = corpus().join("projects").join(project);
    if inside.is_dir() {
        inside
    } else {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../examples")
            .join(project)
    }
}

#[test]
fn category_accuracy_on_the_labelled_corpus() {
    let labels: toml::Table = toml::from_str(&fs::read_to_string(corpus().join("labels.toml")).unwrap()).unwrap();
    let mut total = 0_u32;
    let mut correct = 0_u32;
    let mut per_category: BTreeMap<String, (u32, u32)> = BTreeMap::new();
    let mut misses = Vec::new();
    for (project, table) in &labels {
        let document = fs::read_to_string(corpus().join("runs").join(format!("{project}.json"))).unwrap();
        let run: Run = serde_json::from_str(&document).unwrap();
        let index = ProjectIndex::from_sources(&fixpoint_python::read_project(&sources(project)));
        let table = table.as_table().unwrap();
        for test in run
            .tests
            .iter()
            .filter(|t| t.outcome.is_failing() || t.outcome == fixpoint_core::Outcome::Flaky)
        {
            assert!(
                table.contains_key(&test.nodeid),
                "{project}: {} failed but has no label",
                test.nodeid
            );
        }
        for (nodeid, expected) in table {
            let expected = expected.as_str().unwrap();
            let test = run
                .tests
                .iter()
                .find(|t| &t.nodeid == nodeid)
                .unwrap_or_else(|| panic!("{project}: the label {nodeid} names no result"));
            let got = classify(test, &index).id;
            total += 1;
            let entry = per_category.entry(expected.to_owned()).or_default();
            entry.1 += 1;
            if got == expected {
                correct += 1;
                entry.0 += 1;
            } else {
                misses.push(format!("{project}: {nodeid}: expected {expected}, got {got}"));
            }
        }
    }
    let accuracy = f64::from(correct) / f64::from(total.max(1));
    println!("category accuracy: {correct}/{total} = {:.1}%", accuracy * 100.0);
    for (category, (right, all)) in &per_category {
        println!("  {category:<30} {right:>3}/{all:<3}");
    }
    for miss in &misses {
        println!("  miss: {miss}");
    }
    assert!(
        total >= 150,
        "the corpus holds {total} labelled failures, fewer than 150"
    );
    assert!(
        per_category.len() >= 25,
        "the corpus covers {} categories",
        per_category.len()
    );
    assert!(
        accuracy >= 0.95,
        "category accuracy {:.1}% is under 95%:\n{}",
        accuracy * 100.0,
        misses.join("\n")
    );
}
