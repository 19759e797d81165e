//! pytest markers on test functions: finding a test by its node-id name and
//! putting a decorator line above it. Shared by FP006 (`xfail`/`skip`) and
//! FP008 (`usefixtures`).

use fixpoint_python::ModuleSummary;
use fixpoint_python::ast::{Stmt, StmtFunctionDef};
use fixpoint_python::parser::parse_module;
use fixpoint_python::text_size::Ranged;

use super::lines::line_start;
use crate::{Applicability, Edit, Fix, apply};

/// A module's test functions by the name a node id gives them: `test_x` at
/// the top level, `TestClass::test_x` in a class.
pub fn test_functions(suite: &[Stmt]) -> Vec<(String, &StmtFunctionDef)> {
    let mut functions = Vec::new();
    for statement in suite {
        match statement {
            Stmt::FunctionDef(function) => functions.push((function.name.as_str().to_owned(), function)),
            Stmt::ClassDef(class) => {
                for member in &class.body {
                    if let Stmt::FunctionDef(function) = member {
                        functions.push((format!("{}::{}", class.name.as_str(), function.name.as_str()), function));
                    }
                }
            }
            _ => {}
        }
    }
    functions
}

/// Whether one of the function's decorators contains `needle`.
pub fn decorated_with(source: &str, function: &StmtFunctionDef, needle: &str) -> bool {
    function
        .decorator_list
        .iter()
        .any(|d| source[d.range().start().to_usize()..d.range().end().to_usize()].contains(needle))
}

/// The insertion of `@{decorator}` on its own line above the function and
/// its decorators, indented as the function is.
pub fn decorator_insertion(source: &str, function: &StmtFunctionDef, decorator: &str) -> Edit {
    let first = function
        .decorator_list
        .first()
        .map_or(function.range.start(), Ranged::start)
        .to_usize();
    let at = line_start(source, first);
    let indent: String = source[at..first].chars().take_while(|c| c.is_whitespace()).collect();
    Edit::insertion(at, format!("{indent}@{decorator}\n"))
}

/// Adds `import pytest` to `edits` when the module lacks it; returns how
/// many lines it adds above the edits. At the point of an insertion already
/// there (a test first in its module) it joins that insertion, since two
/// insertions at one point conflict.
pub fn import_pytest(module: &ModuleSummary, edits: &mut Vec<Edit>) -> usize {
    if module.binds("pytest") {
        return 0;
    }
    if let Some(edit) = edits
        .iter_mut()
        .find(|e| e.start == module.insert_at && e.end == e.start)
    {
        edit.content.insert_str(0, "import pytest\n\n\n");
        3
    } else {
        edits.push(Edit::insertion(module.insert_at, "import pytest\n"));
        1
    }
}

/// `source` with `@{decorator}` on the test `name` (`test_x` or
/// `Class::test_x`) and `import pytest` when the module lacks it, and the
/// (1-based) line the decorator is on in it; `None` when there is no such
/// test, it is already decorated with something containing `already`, or
/// the source does not parse.
pub fn mark_test(source: &str, name: &str, decorator: &str, already: &str) -> Option<(String, usize)> {
    let parsed = parse_module(source).ok()?;
    let module = fixpoint_python::summarize(source).ok()?;
    let (_, function) = test_functions(parsed.suite()).into_iter().find(|(n, _)| n == name)?;
    if decorated_with(source, function, already) {
        return None;
    }
    let mark = decorator_insertion(source, function, decorator);
    let mut line = source[..mark.start].matches('\n').count() + 1;
    let mut edits = vec![mark];
    line += import_pytest(&module, &mut edits);
    let fixes = [Fix::new("", Applicability::Safe, edits)];
    let applied = apply(source, &fixes);
    (applied.applied.len() == 1).then_some((applied.output, line))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_a_method_or_function_once_and_imports_pytest() {
        let source = "\"\"\"Doc.\"\"\"\nimport os\n\n\nclass TestLoot:\n    @staticmethod\n    def test_find(session):\n        pass\n";
        let (marked, line) = mark_test(
            source,
            "TestLoot::test_find",
            "pytest.mark.usefixtures(\"seeded\")",
            "\"seeded\"",
        )
        .unwrap();
        assert_eq!(line, 7);
        assert_eq!(
            marked,
            "\"\"\"Doc.\"\"\"\nimport os\nimport pytest\n\n\nclass TestLoot:\n    @pytest.mark.usefixtures(\"seeded\")\n    @staticmethod\n    def test_find(session):\n        pass\n"
        );
        assert_eq!(
            mark_test(
                &marked,
                "TestLoot::test_find",
                "pytest.mark.usefixtures(\"seeded\")",
                "\"seeded\""
            ),
            None
        );
        assert_eq!(mark_test(source, "test_find", "x", "x"), None);
    }

    #[test]
    fn a_test_first_in_its_module_gets_the_import_above_it() {
        let (marked, line) = mark_test("def test_a():\n    pass\n", "test_a", "pytest.mark.slow", "slow").unwrap();
        assert_eq!(
            marked,
            "import pytest\n\n\n@pytest.mark.slow\ndef test_a():\n    pass\n"
        );
        assert_eq!(line, 4);
    }
}
