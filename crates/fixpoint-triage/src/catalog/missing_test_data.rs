//! The `missing-test-data` category: missing test data. Its explanation and
//! fix are user documentation: `docs/categories.md` is generated from them.

use fixpoint_core::FixerCode;

use super::{Category, Failure, ProjectIndex, Remedy};

pub static CATEGORY: Category = Category {
    id: "missing-test-data",
    title: "Missing test data",
    explanation: "The test needs data that is not there: a data file that was never committed, or database rows that no fixture created.",
    fix: Remedy::Fixer {
        code: FixerCode::TestdataFixture,
        manual: "rows that one of the project's own seeders creates (`seed_items(session)`): FP008 generates a `seeded_items` fixture that runs it and marks the test to use it; other rows: create them in a fixture (`fixpoint testdata generate` writes factories for the models)",
    },
    matches,
};

/// The fix for a data file that was never committed: its content is domain
/// data no model yields, so it is the repair loop's (which may create the
/// file the test failed to open, even under `tests/`) or a person's.
pub static FILE_FIX: Remedy = Remedy::Repair {
    manual: "add the data file the test opens, with the content the test expects; `fixpoint repair` may create it",
};

/// File extensions of data a test would load.
const DATA: [&str; 14] = [
    "json", "csv", "tsv", "yaml", "yml", "toml", "xml", "txt", "sql", "db", "sqlite", "parquet", "xlsx", "jsonl",
];

/// Whether a path looks like test data: a data format, or a data directory.
/// A missing program (`FileNotFoundError: 'mailhog'`) does not.
fn is_data_path(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let extension = name
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default();
    DATA.contains(&extension.as_str())
        || ["/data/", "/fixtures/", "/testdata/"]
            .iter()
            .any(|dir| path.contains(dir))
}

/// The data file a failure could not open, as its message gives it: a
/// `FileNotFoundError` on a path that looks like data. A directory a fixture
/// cleans up (at teardown) is not test data.
pub fn missing_data_path<'f>(failure: &'f Failure<'_>) -> Option<&'f str> {
    if !failure.exception_is("FileNotFoundError") || failure.test.phase == Some(fixpoint_core::Phase::Teardown) {
        return None;
    }
    let path = failure
        .headline()
        .rsplit(": ")
        .next()
        .unwrap_or_default()
        .trim_matches(['\'', '"']);
    is_data_path(path).then_some(path)
}

fn matches(failure: &Failure<'_>, _project: &ProjectIndex) -> bool {
    missing_data_path(failure).is_some()
        || failure.exception_is("NoResultFound")
        || failure.says("No row was found")
        || failure.short_exception().ends_with("NotFound")
        || failure.short_exception().ends_with("DoesNotExist")
}
