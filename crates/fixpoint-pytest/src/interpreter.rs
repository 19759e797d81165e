//! Finding the Python interpreter that runs the project's tests.

use std::env;
use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::PytestError;

/// Where the interpreter came from: said in every error about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Flag,
    EnvVar,
    ProjectVenv,
    VirtualEnv,
    Path,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Origin::Flag => "--python",
            Origin::EnvVar => "FIXPOINT_PYTHON",
            Origin::ProjectVenv => "the project's virtual environment",
            Origin::VirtualEnv => "VIRTUAL_ENV",
            Origin::Path => "python3 on PATH",
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interpreter {
    pub path: PathBuf,
    pub origin: Origin,
}

/// Finds the interpreter, in order: `--python`, `FIXPOINT_PYTHON`, the
/// project's `.venv/` or `venv/`, `VIRTUAL_ENV`, `python3` on `PATH`.
///
/// `lookup` reads environment variables (injected so tests need not mutate
/// the process environment).
pub fn discover(
    flag: Option<&Path>,
    project: &Path,
    lookup: &dyn Fn(&str) -> Option<OsString>,
) -> Result<Interpreter, PytestError> {
    let explicit = flag.map(|path| (path.to_path_buf(), Origin::Flag)).or_else(|| {
        lookup("FIXPOINT_PYTHON")
            .filter(|v| !v.is_empty())
            .map(|v| (PathBuf::from(v), Origin::EnvVar))
    });
    if let Some((path, origin)) = explicit {
        let path = resolve_command(&path, lookup).ok_or_else(|| PytestError::InterpreterNotFound {
            path: path.clone(),
            origin: origin.to_string(),
        })?;
        return Ok(Interpreter { path, origin });
    }
    for venv in [".venv", "venv"] {
        let candidate = venv_python(&project.join(venv));
        if candidate.is_file() {
            return Ok(Interpreter {
                path: candidate,
                origin: Origin::ProjectVenv,
            });
        }
    }
    if let Some(venv) = lookup("VIRTUAL_ENV").filter(|v| !v.is_empty()) {
        let candidate = venv_python(Path::new(&venv));
        if candidate.is_file() {
            return Ok(Interpreter {
                path: candidate,
                origin: Origin::VirtualEnv,
            });
        }
    }
    resolve_command(Path::new("python3"), lookup)
        .map(|path| Interpreter {
            path,
            origin: Origin::Path,
        })
        .ok_or_else(|| PytestError::NoInterpreter {
            project: project.to_path_buf(),
        })
}

fn venv_python(venv: &Path) -> PathBuf {
    venv.join("bin").join("python")
}

/// A path with a separator is taken as is; a bare name is searched on `PATH`.
fn resolve_command(command: &Path, lookup: &dyn Fn(&str) -> Option<OsString>) -> Option<PathBuf> {
    if command.components().count() > 1 {
        // Absolute, so that it names the file the user meant: pytest runs in
        // the project directory, where a relative path would mean another.
        let command = std::path::absolute(command).ok()?;
        return command.is_file().then_some(command);
    }
    let path = lookup("PATH")?;
    env::split_paths(&path)
        .map(|dir| dir.join(command))
        .find(|candidate| candidate.is_file())
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;

    fn fake_venv(root: &Path, name: &str) -> PathBuf {
        let bin = root.join(name).join("bin");
        fs::create_dir_all(&bin).unwrap();
        fs::write(bin.join("python"), "").unwrap();
        bin.join("python")
    }

    #[test]
    fn follows_the_documented_order() {
        let dir = tempfile::tempdir().unwrap();
        let project = dir.path().join("project");
        let elsewhere = fake_venv(dir.path(), "env-var");
        let active = fake_venv(dir.path(), "active");
        let path_bin = dir.path().join("pathbin");
        fs::create_dir_all(&path_bin).unwrap();
        fs::write(path_bin.join("python3"), "").unwrap();
        let env = |fixpoint: bool| {
            let elsewhere = elsewhere.clone();
            let active = dir.path().join("active");
            let path_bin = path_bin.clone();
            move |key: &str| match key {
                "FIXPOINT_PYTHON" if fixpoint => Some(elsewhere.clone().into_os_string()),
                "VIRTUAL_ENV" => Some(active.clone().into_os_string()),
                "PATH" => Some(path_bin.clone().into_os_string()),
                _ => None,
            }
        };
        let flag = discover(Some(&active), &project, &env(true)).unwrap();
        assert_eq!((flag.path, flag.origin), (active.clone(), Origin::Flag));
        assert_eq!(discover(None, &project, &env(true)).unwrap().origin, Origin::EnvVar);
        assert_eq!(
            discover(None, &project, &env(false)).unwrap().origin,
            Origin::VirtualEnv
        );
        let venv = fake_venv(&project, "venv");
        let found = discover(None, &project, &env(false)).unwrap();
        assert_eq!((found.path, found.origin), (venv, Origin::ProjectVenv));
        let dotvenv = fake_venv(&project, ".venv");
        assert_eq!(discover(None, &project, &env(false)).unwrap().path, dotvenv);
        let no_venvs = dir.path().join("bare");
        let only_path = |key: &str| (key == "PATH").then(|| path_bin.clone().into_os_string());
        assert_eq!(discover(None, &no_venvs, &only_path).unwrap().origin, Origin::Path);
    }

    #[test]
    fn missing_interpreters_are_clear_errors() {
        let dir = tempfile::tempdir().unwrap();
        let nothing = |_: &str| None;
        let err = discover(Some(Path::new("/no/such/python")), dir.path(), &nothing).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Python interpreter `/no/such/python` (from --python) does not exist"
        );
        let err = discover(None, dir.path(), &nothing).unwrap_err();
        assert!(err.to_string().starts_with("no Python interpreter found"), "{err}");
    }
}
