//! The fixer table of `docs/fixes.md` is generated from the fixer registry;
//! this test fails when the two drift apart (`FIXPOINT_UPDATE_DOCS=1`
//! rewrites the table, and nothing else of the file).

use std::path::Path;

const START: &str = "<!-- fixers:start";
const END: &str = "<!-- fixers:end -->";

#[test]
fn the_fixer_table_matches_the_registry() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/fixes.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let start = text.find(START).expect("docs/fixes.md has no fixers:start marker");
    let start = start + text[start..].find('\n').unwrap() + 1;
    let end = text.find(END).expect("docs/fixes.md has no fixers:end marker");
    let expected = fixpoint_core::fixer::fixer_table();
    if std::env::var_os("FIXPOINT_UPDATE_DOCS").is_some() {
        std::fs::write(&path, format!("{}{expected}{}", &text[..start], &text[end..])).unwrap();
        return;
    }
    assert!(
        text[start..end] == expected,
        "the fixer table of docs/fixes.md is out of date: run FIXPOINT_UPDATE_DOCS=1 cargo test -p fixpoint-core --test fixer_doc"
    );
}
