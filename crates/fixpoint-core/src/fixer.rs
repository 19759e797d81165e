//! The fixer registry: every batch fixer's stable facts, in one table.
//!
//! A fixer's code (`FP002`) and name (`missing-import`) are written here and
//! nowhere else. Its implementation (a file in `fixpoint-fix`'s `fixers/`;
//! FP008's in `fixpoint-app`'s `testdata`) names its [`FixerCode`], and so do
//! triage's catalog entries that suggest it. `--select`/`--ignore` parsing,
//! the fixer lists in `--help`, `check`'s rules, the commands triage, docs
//! and guidelines print, and the fixer table of `docs/fixes.md` are derived
//! from [`FIXERS`]; adding a fixer is one row here and one file there.

use std::fmt::{self, Write as _};

/// A batch fixer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FixerCode {
    SqlalchemyExtendExisting,
    MissingImport,
    PydanticV2,
    StubMissing,
    TypeCheckingImport,
    SkipDocumented,
    PydanticV1Namespace,
    TestdataFixture,
    SqlalchemyV2,
}

/// What every front end knows of a fixer without running it.
#[derive(Debug)]
pub struct FixerInfo {
    pub code: FixerCode,
    /// The stable code users type, e.g. `FP002`.
    pub id: &'static str,
    /// The stable name users may type instead, e.g. `missing-import`.
    pub name: &'static str,
    /// One line for `--help` and the docs.
    pub summary: &'static str,
    /// Every fix it makes is unsafe: it changes nothing without `--unsafe-fixes`.
    pub unsafe_only: bool,
    /// It runs only when `--select` names it.
    pub opt_in: bool,
    /// It finds what it fixes from the source alone, so `check` runs it as a rule.
    pub check_rule: bool,
    /// Its edits in several files make one change (FP008: the conftest's
    /// fixtures and the tests' markers that use them): verification keeps
    /// or takes back its files together.
    pub one_change: bool,
}

/// Every fixer, in code order.
pub static FIXERS: [FixerInfo; 9] = [
    FixerInfo {
        code: FixerCode::SqlalchemyExtendExisting,
        id: "FP001",
        name: "sqlalchemy-extend-existing",
        summary: "a table defined twice: the model module imported by its one real name, or `extend_existing=True` where that is safe",
        unsafe_only: false,
        opt_in: false,
        check_rule: true,
        one_change: false,
    },
    FixerInfo {
        code: FixerCode::MissingImport,
        id: "FP002",
        name: "missing-import",
        summary: "a name used but never imported: the import, from the project or the standard library",
        unsafe_only: false,
        opt_in: false,
        check_rule: true,
        one_change: false,
    },
    FixerInfo {
        code: FixerCode::PydanticV2,
        id: "FP003",
        name: "pydantic-v2",
        summary: "Pydantic 1 models, validators, config and methods rewritten to the Pydantic 2 API",
        unsafe_only: false,
        opt_in: false,
        check_rule: true,
        one_change: false,
    },
    FixerInfo {
        code: FixerCode::StubMissing,
        id: "FP004",
        name: "stub-missing",
        summary: "a function imported or called that nobody wrote: a stub with its call sites' parameters",
        unsafe_only: true,
        opt_in: false,
        check_rule: false,
        one_change: false,
    },
    FixerInfo {
        code: FixerCode::TypeCheckingImport,
        id: "FP005",
        name: "type-checking-import",
        summary: "an import used only in annotations that closes an import cycle: under `if TYPE_CHECKING:`",
        unsafe_only: false,
        opt_in: false,
        check_rule: true,
        one_change: false,
    },
    FixerInfo {
        code: FixerCode::SkipDocumented,
        id: "FP006",
        name: "skip-documented",
        summary: "a test that still fails for a known pattern: marked xfail (or skip) with the pattern as reason",
        unsafe_only: true,
        opt_in: true,
        check_rule: false,
        one_change: false,
    },
    FixerInfo {
        code: FixerCode::PydanticV1Namespace,
        id: "FP007",
        name: "pydantic-v1-namespace",
        summary: "a module's Pydantic imports moved to the `pydantic.v1` namespace (chosen per module by `migrate pydantic`)",
        unsafe_only: false,
        opt_in: true,
        check_rule: false,
        one_change: false,
    },
    FixerInfo {
        code: FixerCode::TestdataFixture,
        id: "FP008",
        name: "testdata-fixture",
        summary: "a model's missing fixtures and the reference data a lookup found no row in, from `fixpoint testdata`",
        unsafe_only: false,
        opt_in: false,
        check_rule: false,
        one_change: true,
    },
    FixerInfo {
        code: FixerCode::SqlalchemyV2,
        id: "FP009",
        name: "sqlalchemy-v2",
        summary: "SQLAlchemy 1.x calls rewritten to the 2.0 API (`select([...])`, bound metadata, string SQL, rows as mappings, moved names)",
        unsafe_only: false,
        opt_in: false,
        check_rule: false,
        one_change: false,
    },
];

impl FixerCode {
    /// Every fixer, in code order.
    pub fn all() -> impl Iterator<Item = FixerCode> {
        FIXERS.iter().map(|info| info.code)
    }

    pub fn info(self) -> &'static FixerInfo {
        // The table is in declaration order; the test below holds it there.
        &FIXERS[self as usize]
    }

    /// `FP002`.
    pub fn id(self) -> &'static str {
        self.info().id
    }

    /// `missing-import`.
    pub fn name(self) -> &'static str {
        self.info().name
    }

    /// The fixer a user means by a code or a name (`fp002` as `FP002`).
    pub fn parse(text: &str) -> Option<FixerCode> {
        let text = text.trim();
        FIXERS
            .iter()
            .find(|info| info.id.eq_ignore_ascii_case(text) || info.name == text)
            .map(|info| info.code)
    }

    /// The command that applies this fixer, with `--unsafe-fixes` when it
    /// would change nothing without it.
    pub fn fix_command(self) -> String {
        let info = self.info();
        let unsafe_flag = if info.unsafe_only { " --unsafe-fixes" } else { "" };
        format!("fixpoint fix --select {}{unsafe_flag}", info.id)
    }

    /// The `check` command for this fixer's rule, when it is one.
    pub fn check_command(self) -> Option<String> {
        self.info()
            .check_rule
            .then(|| format!("fixpoint check --select {}", self.id()))
    }
}

impl fmt::Display for FixerCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// Parses a `--select`/`--ignore` list of codes or names, keeping those
/// `allowed` accepts; the first entry that names none is the error.
pub fn parse_fixers(list: &[String], allowed: impl Fn(FixerCode) -> bool) -> Result<Vec<FixerCode>, String> {
    let mut codes = Vec::new();
    for item in list.iter().filter(|item| !item.trim().is_empty()) {
        match FixerCode::parse(item).filter(|code| allowed(*code)) {
            Some(code) if !codes.contains(&code) => codes.push(code),
            Some(_) => {}
            None => return Err(item.trim().to_owned()),
        }
    }
    Ok(codes)
}

/// The fixers `check` runs as rules: those that find their pattern in the
/// source alone.
pub fn check_rules() -> impl Iterator<Item = FixerCode> {
    FixerCode::all().filter(|code| code.info().check_rule)
}

/// The fixers a `--select`/`--ignore` pair picks: the selected ones, else
/// every one that is not opt-in; never an ignored one.
pub fn selected_fixers(select: &[FixerCode], ignore: &[FixerCode]) -> Vec<FixerCode> {
    FixerCode::all()
        .filter(|code| {
            if select.is_empty() {
                !code.info().opt_in
            } else {
                select.contains(code)
            }
        })
        .filter(|code| !ignore.contains(code))
        .collect()
}

/// `FP001 sqlalchemy-extend-existing, FP004 stub-missing (unsafe), ...` for
/// `--help`: the fixers `keep` keeps, with their safety and opt-in.
pub fn fixer_list(keep: impl Fn(&FixerInfo) -> bool) -> String {
    FIXERS
        .iter()
        .filter(|info| keep(info))
        .map(|info| {
            let notes: Vec<&str> = [(info.opt_in, "opt-in"), (info.unsafe_only, "unsafe")]
                .into_iter()
                .filter_map(|(on, note)| on.then_some(note))
                .collect();
            if notes.is_empty() {
                format!("{} {}", info.id, info.name)
            } else {
                format!("{} {} ({})", info.id, info.name, notes.join(", "))
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The fixer list at the end of `--help`: one line per fixer `keep` keeps
/// (what each does is in docs/fixes.md: a summary would wrap).
pub fn fixer_help(heading: &str, keep: impl Fn(&FixerInfo) -> bool) -> String {
    let mut help = format!("{heading}:\n");
    for info in FIXERS.iter().filter(|info| keep(info)) {
        let notes: Vec<&str> = [(info.opt_in, "opt-in"), (info.unsafe_only, "unsafe")]
            .into_iter()
            .filter_map(|(on, note)| on.then_some(note))
            .collect();
        let notes = if notes.is_empty() {
            String::new()
        } else {
            format!(" ({})", notes.join(", "))
        };
        let _ = writeln!(help, "  {} {}{notes}", info.id, info.name);
    }
    help
}

/// The fixer table of `docs/fixes.md`.
pub fn fixer_table() -> String {
    let mut table = String::from(
        "| code | name | what it fixes | needs `--unsafe-fixes` | runs | `check` rule |\n| --- | --- | --- | --- | --- | --- |\n",
    );
    for info in &FIXERS {
        let safety = if info.unsafe_only {
            "always"
        } else {
            "for the fixes it marks unsafe"
        };
        let runs = if info.opt_in { "when selected" } else { "by default" };
        let rule = if info.check_rule { "yes" } else { "no" };
        let _ = writeln!(
            table,
            "| `{}` | {} | {} | {safety} | {runs} | {rule} |",
            info.id, info.name, info.summary
        );
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_in_code_order_and_codes_and_names_are_unique() {
        for (at, info) in FIXERS.iter().enumerate() {
            assert_eq!(info.code as usize, at, "{} is out of order", info.id);
            assert_eq!(info.id, format!("FP{:03}", at + 1));
            assert_eq!(FixerCode::parse(info.id), Some(info.code));
            assert_eq!(FixerCode::parse(info.name), Some(info.code));
        }
    }

    #[test]
    fn commands_and_selection_follow_the_table() {
        assert_eq!(
            FixerCode::StubMissing.fix_command(),
            "fixpoint fix --select FP004 --unsafe-fixes"
        );
        assert_eq!(FixerCode::MissingImport.fix_command(), "fixpoint fix --select FP002");
        assert_eq!(FixerCode::StubMissing.check_command(), None);
        let default = selected_fixers(&[], &[FixerCode::StubMissing]);
        assert!(!default.contains(&FixerCode::SkipDocumented) && !default.contains(&FixerCode::StubMissing));
        assert_eq!(
            parse_fixers(&["fp002".into(), "skip-documented".into()], |_| true),
            Ok(vec![FixerCode::MissingImport, FixerCode::SkipDocumented])
        );
        assert_eq!(
            parse_fixers(&["FP002".into(), "FP099".into()], |_| true),
            Err("FP099".to_owned())
        );
        assert_eq!(
            parse_fixers(&["FP004".into()], |code| code.info().check_rule),
            Err("FP004".to_owned())
        );
    }
}
