//! The project's path policy (`fixpoint-paths`), as the use cases ask it.
//!
//! Every path a user, a model or an MCP client names goes through
//! [`fixpoint_paths::Policy`]; these helpers build it for a project and turn
//! its refusals into the one-line messages front ends print.

use std::path::Path;

use fixpoint_paths::{Policy, Refusal};

use crate::{AppError, Project};

/// The policy of `project`.
pub fn policy(project: &Project) -> Result<Policy, AppError> {
    Policy::new(&project.root).map_err(|e| AppError::io(format!("could not read {}", project.root.display()), e))
}

/// The message for a refused argument: which one, and why.
pub fn refused(argument: &str, refusal: &Refusal) -> String {
    match refusal {
        Refusal::Empty => format!("refused the argument `{argument}`: {refusal}"),
        _ => format!("refused: {refusal}"),
    }
}

/// `path` (a file, directory or pytest node id) normalised from the project
/// root if the policy lets fixpoint read it; it need not exist (a test
/// recorded in the history may be gone). A message saying why not otherwise.
pub fn confined(root: &Path, path: &str) -> Result<String, String> {
    let policy = Policy::new(root).map_err(|e| format!("{}: {e}", root.display()))?;
    let (file, rest) = match path.split_once("::") {
        Some((file, rest)) => (file, Some(rest)),
        None => (path, None),
    };
    let relative = policy.relative(file).map_err(|r| refused(path, &r))?;
    policy.readable(&relative).map_err(|r| refused(path, &r))?;
    Ok(match rest {
        Some(rest) => format!("{relative}::{rest}"),
        None => relative,
    })
}

/// A path or node id that goes to pytest: approved by the policy and existing.
pub fn argument(root: &Path, path: &str) -> Result<String, String> {
    let policy = Policy::new(root).map_err(|e| format!("{}: {e}", root.display()))?;
    policy.argument(path, None).map_err(|r| refused(path, &r))
}

/// A path (or node id) the user typed, read from `cwd`, where they stand;
/// when nothing is there, it is taken as relative to the project (pytest's
/// own view). Either way the policy approves it: inside the project,
/// existing, not an option. Returned relative to the root.
pub fn typed(policy: &Policy, path: &str, cwd: &Path) -> Result<String, AppError> {
    let file = path.split("::").next().unwrap_or(path);
    let there = !path.starts_with('-') && !Path::new(file).is_absolute() && cwd.join(file).exists();
    let inside = cwd.starts_with(policy.root());
    let resolved = match (there, inside) {
        (true, true) => policy.argument(path, Some(cwd)),
        // From above the project, `proj/tests/...` names a path inside it.
        (true, false) => policy.argument(&cwd.join(path).display().to_string(), None),
        (false, _) => policy.argument(path, None),
    };
    resolved.map_err(|refusal| AppError::Usage(refused(path, &refusal)))
}

/// The `PATHS` of `fix`, `check`, `migrate` and `context`, as users type them
/// (`.`, `./dir`, `dir/`, an absolute path, from a subdirectory): each
/// approved by the policy and made relative to the root. A path that names
/// nothing is an error, so a typo is not a silent "0 fixes"; a path that is
/// the root itself selects everything (the empty selection).
pub fn selection(project: &Project, paths: &[String]) -> Result<Vec<String>, AppError> {
    let policy = policy(project)?;
    let cwd = std::env::current_dir().unwrap_or_else(|_| project.root.clone());
    let mut selected = Vec::new();
    for path in paths {
        let relative = typed(&policy, path, &cwd)?;
        if relative == "." {
            return Ok(Vec::new());
        }
        selected.push(relative);
    }
    Ok(selected)
}

/// [`selection`] for the commands that read Python source (`fix`, `check`,
/// `migrate`): each path must hold a Python file, so `check docs/` is an
/// error that says so, not "All checks passed".
pub fn python_selection(project: &Project, paths: &[String]) -> Result<Vec<String>, AppError> {
    let selected = selection(project, paths)?;
    if selected.is_empty() {
        return Ok(selected);
    }
    let python: Vec<String> = fixpoint_rules::project_files(&project.root)
        .into_iter()
        .filter(|file| {
            Path::new(file)
                .extension()
                .is_some_and(|ext| ext == "py" || ext == "pyi")
        })
        .collect();
    for (typed, path) in paths.iter().zip(&selected) {
        if !python.iter().any(|file| selects(std::slice::from_ref(path), file)) {
            return Err(AppError::Usage(format!("`{typed}` selects no Python file")));
        }
    }
    Ok(selected)
}

/// Whether the project file `file` (relative to the root) is one of the
/// `selection`'s paths or below one (everything when it is empty): `app`
/// selects `app/x.py`, not `application.py`.
pub fn selects(selection: &[String], file: &str) -> bool {
    selection.is_empty()
        || selection.iter().any(|path| {
            file.strip_prefix(path.as_str())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        })
}

/// Writes a file the user asked for (`report -o`, `ci --junit`): `path` as
/// typed from the current directory, approved by the policy (inside the
/// project, out of `.git/` and environments, not through a link), atomically.
pub fn write_output(project: &Project, path: &Path, bytes: &[u8]) -> Result<(), AppError> {
    let policy = policy(project)?;
    let typed = path.to_string_lossy();
    let cwd = std::env::current_dir().ok();
    let relative = policy.relative_from(&typed, cwd.as_deref())?;
    let target = policy.writable(&relative)?;
    fixpoint_fix::journal::write_atomically(&target, bytes)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_paths_inside_the_project() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join(".git")).unwrap();
        assert_eq!(
            confined(root, "./tests/test_a.py::test_x").unwrap(),
            "tests/test_a.py::test_x"
        );
        assert_eq!(confined(root, "tests/../app.py").unwrap(), "app.py");
        for bad in [
            "../x.py",
            "/etc/passwd",
            "tests/../../x.py",
            "../../etc/passwd::t",
            "--basetemp=/tmp",
            "./.git/config",
        ] {
            assert!(confined(root, bad).is_err(), "{bad}");
        }
        assert_eq!(
            argument(root, "--junitxml=/tmp/x.xml").unwrap_err(),
            "refused: `--junitxml=/tmp/x.xml` starts with `-`: it would be read as an option, not a path"
        );
    }
}
