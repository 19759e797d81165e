//! Which files pytest treats as tests, by name: what every part of fixpoint
//! that asks "is this a test?" asks here.

/// A test module by pytest's default `python_files` (`test_*.py`,
/// `*_test.py`); `path` is `/`-separated, relative or not.
pub fn is_test_module(path: &str) -> bool {
    let name = file_name(path);
    std::path::Path::new(name).extension().is_some_and(|ext| ext == "py")
        && (name.starts_with("test_") || name.ends_with("_test.py"))
}

/// A `conftest.py`: fixtures and hooks every test below it sees.
pub fn is_conftest(path: &str) -> bool {
    file_name(path) == "conftest.py"
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_pytest_collects_by_default() {
        for test in [
            "test_a.py",
            "tests/test_a.py",
            "pkg/a_test.py",
            "/abs/tests/unit/test_x.py",
        ] {
            assert!(is_test_module(test), "{test}");
        }
        for other in [
            "test.py",
            "a.py",
            "tests/helpers.py",
            "test_a.pyi",
            "test_a.txt",
            "tests/conftest.py",
            "testing.py",
        ] {
            assert!(!is_test_module(other), "{other}");
        }
        assert!(is_conftest("conftest.py") && is_conftest("tests/unit/conftest.py"));
        assert!(!is_conftest("tests/my_conftest.py"));
    }
}
