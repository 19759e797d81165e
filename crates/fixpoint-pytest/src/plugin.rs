//! The pytest plugin fixpoint carries inside its binary.

use std::fs;
use std::path::{Path, PathBuf};

use crate::PytestError;

/// The module name pytest loads with `-p`.
pub const MODULE: &str = "fixpoint_pytest_plugin";

/// The plugin's source: the event schema lives here and in `events.rs`.
pub const PLUGIN_SOURCE: &str = include_str!("../plugin/fixpoint_pytest_plugin.py");

/// The script that starts pytest as its console script does.
pub const BOOT_SOURCE: &str = include_str!("../plugin/fixpoint_pytest_boot.py");

/// Writes the plugin and its boot script into `dir`, which then holds nothing
/// else; returns the boot script's path.
pub fn install(dir: &Path) -> Result<PathBuf, PytestError> {
    let write = |name: &str, text: &str| {
        let path = dir.join(name);
        fs::write(&path, text).map_err(|e| PytestError::io(format!("could not write {}", path.display()), e))?;
        Ok::<_, PytestError>(path)
    };
    write(&format!("{MODULE}.py"), PLUGIN_SOURCE)?;
    write("fixpoint_pytest_boot.py", BOOT_SOURCE)
}
