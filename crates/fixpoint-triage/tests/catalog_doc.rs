//! `docs/categories.md` is generated from the catalog; this test fails when
//! the two drift apart (`FIXPOINT_UPDATE_DOCS=1` rewrites the file).

use std::path::Path;

#[test]
fn the_category_reference_matches_the_code() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/categories.md");
    let expected = fixpoint_triage::catalog::markdown();
    if std::env::var_os("FIXPOINT_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &expected).unwrap();
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        actual == expected,
        "docs/categories.md is out of date: run FIXPOINT_UPDATE_DOCS=1 cargo test -p fixpoint-triage --test catalog_doc"
    );
}
