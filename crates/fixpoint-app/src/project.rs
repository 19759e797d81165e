use std::env;
use std::path::{Path, PathBuf};

use crate::{AppError, Settings};

/// Files that mark a Python project's root.
const ROOT_MARKERS: [&str; 6] = [
    "fixpoint.toml",
    "pyproject.toml",
    "pytest.ini",
    "setup.cfg",
    "tox.ini",
    "setup.py",
];

/// A Python project fixpoint works on: its root directory and settings.
#[derive(Debug, Clone)]
pub struct Project {
    /// Absolute path of the project root; pytest runs here.
    pub root: PathBuf,
    pub settings: Settings,
    /// The file the settings came from, if any.
    pub settings_file: Option<PathBuf>,
}

impl Project {
    /// Opens `dir` (from `--project`), or else the nearest directory at or
    /// above the current one that holds a project file (`pyproject.toml`,
    /// `pytest.ini`, ...), or else the current directory.
    pub fn open(dir: Option<&Path>) -> Result<Self, AppError> {
        let cwd = env::current_dir().map_err(|_| AppError::Usage("the current directory is not readable".into()))?;
        let root = match dir {
            Some(dir) => {
                let dir = cwd.join(dir);
                if !dir.exists() {
                    return Err(AppError::NoProject { path: dir });
                }
                if !dir.is_dir() {
                    return Err(AppError::NotADirectory { path: dir });
                }
                dir
            }
            None => cwd
                .ancestors()
                .find(|candidate| ROOT_MARKERS.iter().any(|marker| candidate.join(marker).is_file()))
                .unwrap_or(&cwd)
                .to_path_buf(),
        };
        let root = root.canonicalize().unwrap_or(root);
        // A fixpoint killed between writing a temporary file and renaming it
        // left that file in the tree: the next command takes it away.
        if root.join(".fixpoint").is_dir()
            && let Ok(policy) = fixpoint_paths::Policy::new(&root)
        {
            fixpoint_paths::remove_leftovers(&policy);
        }
        let (settings, settings_file) = Settings::load(&root)?;
        Ok(Self {
            root,
            settings,
            settings_file,
        })
    }
}
