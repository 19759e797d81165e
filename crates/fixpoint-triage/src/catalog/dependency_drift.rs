//! The `dependency-drift` category: a name missing from an installed
//! library. Its explanation and fix are user documentation:
//! `docs/categories.md` is generated from them.

use std::fs;
use std::path::Path;

use serde::Serialize;

use super::{Category, Failure, ProjectIndex, Remedy};

pub static CATEGORY: Category = Category {
    id: "dependency-drift",
    title: "Name missing from an installed library",
    explanation: "`from M import X` fails where M is an installed third-party package (its file is in `site-packages`): the installed version is not the one the code was written for. A stub written into the library would be lost on the next install.",
    fix: Remedy::Manual(
        "pin the package to the version the code was written for in the project's requirements, or move the code to the installed version's API",
    ),
    matches,
};

/// The fix for drift in a library fixpoint migrates.
pub static PYDANTIC_FIX: Remedy = Remedy::Migrate {
    library: "pydantic",
    manual: "move the code to the installed Pydantic's API (migrate does it where it can, verified by the tests), or pin Pydantic to the version it was written for",
};

fn matches(failure: &Failure<'_>, _project: &ProjectIndex) -> bool {
    missing_from(failure).is_some()
}

/// The top-level module of the installed package a name is missing from
/// (`pydantic`), read from the failure alone; no file is read.
pub fn package_module<'f>(failure: &'f Failure<'_>) -> Option<&'f str> {
    missing_from(failure).map(|(top, _)| top)
}

/// The installed package a failure's missing name was looked for in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Package {
    /// The top-level module: `pydantic`.
    pub module: String,
    /// The distribution that installed it and its version, read from the
    /// `*.dist-info` beside it when this machine has that directory.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distribution: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

/// The installed package a name is missing from, with its distribution and
/// version from the `*.dist-info` beside it (read once per pattern).
pub fn installed(failure: &Failure<'_>) -> Option<Package> {
    let (top, site_packages) = missing_from(failure)?;
    let (distribution, version) = site_packages
        .and_then(|site| distribution(Path::new(site), top))
        .unzip();
    Some(Package {
        module: top.to_owned(),
        distribution,
        version,
    })
}

/// The top-level module a name is missing from and the site-packages
/// directory it is installed in (when the failure shows it), for:
/// - `ImportError: cannot import name 'X' from 'pkg.sub' (/…/site-packages/pkg/sub.py)`;
/// - Pydantic's own `` `pydantic:X` has been removed in V2 ``;
/// - `AttributeError: module 'pkg' has no attribute 'X'` raised inside the
///   package (its module `__getattr__`, a frame in `site-packages/pkg/`).
fn missing_from<'f>(failure: &'f Failure<'_>) -> Option<(&'f str, Option<&'f str>)> {
    if failure.exception_is("ImportError") {
        let line = failure.text.lines().find(|line| line.contains("cannot import name"))?;
        let (_, rest) = line.split_once("' from '")?;
        let (module, rest) = rest.split_once('\'')?;
        let file = rest.trim().strip_prefix('(')?.strip_suffix(')')?;
        Some((module.split('.').next()?, Some(site_packages_of(file)?)))
    } else if failure.exception_is("PydanticImportError") && failure.says("has been removed in V2") {
        Some(("pydantic", frame_in(failure, "pydantic")))
    } else if failure.exception_is("AttributeError") {
        let line = failure.text.lines().find(|line| line.contains("has no attribute"))?;
        let (_, rest) = line.split_once("module '")?;
        let (module, _) = rest.split_once('\'')?;
        let top = module.split('.').next()?;
        Some((top, Some(frame_in(failure, top)?)))
    } else {
        None
    }
}

/// `/v/lib/python3.11/site-packages/` of a file installed there.
fn site_packages_of(file: &str) -> Option<&str> {
    ["/site-packages/", "/dist-packages/"]
        .into_iter()
        .find_map(|marker| file.find(marker).map(|at| &file[..at + marker.len()]))
}

/// The site-packages directory of a traceback frame inside the package `top`.
fn frame_in<'f>(failure: &'f Failure<'_>, top: &str) -> Option<&'f str> {
    failure.frames.iter().find_map(|frame| {
        let site = site_packages_of(&frame.path)?;
        frame.path[site.len()..].starts_with(&format!("{top}/")).then_some(site)
    })
}

/// The distribution in `site_packages` that installed the module `top`, and
/// its version: a `NAME-VERSION.dist-info` whose `top_level.txt` lists the
/// module, or whose name is the module's.
fn distribution(site_packages: &Path, top: &str) -> Option<(String, String)> {
    let normalized = |name: &str| name.to_ascii_lowercase().replace(['-', '.'], "_");
    let installed: Vec<(String, String)> = fs::read_dir(site_packages)
        .ok()?
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let (distribution, version) = name.strip_suffix(".dist-info")?.rsplit_once('-')?;
            Some((distribution.to_owned(), version.to_owned()))
        })
        .collect();
    // By name first; only then the `top_level.txt` of each (PyYAML → yaml).
    let by_name = installed.iter().find(|(name, _)| normalized(name) == normalized(top));
    by_name
        .or_else(|| {
            installed.iter().find(|(name, version)| {
                fs::read_to_string(site_packages.join(format!("{name}-{version}.dist-info/top_level.txt")))
                    .is_ok_and(|text| text.lines().any(|line| line.trim() == top))
            })
        })
        .cloned()
}

#[cfg(test)]
mod tests {
    use fixpoint_core::{Outcome, TestResult};

    use super::*;

    fn failure(message: &str) -> TestResult {
        let mut test = TestResult::new("tests/test_a.py", "tests/test_a.py", None);
        test.outcome = Outcome::Error;
        test.exception_type = Some("ImportError".into());
        test.longrepr = Some(format!(
            "tests/test_a.py:1: in <module>\n    from x import y\nE   {message}"
        ));
        test
    }

    #[test]
    fn names_the_installed_package_and_its_version() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("lib/python3.11/site-packages");
        fs::create_dir_all(site.join("pydantic")).unwrap();
        fs::create_dir_all(site.join("pydantic-2.9.2.dist-info")).unwrap();
        fs::create_dir_all(site.join("PyYAML-6.0.1.dist-info")).unwrap();
        fs::write(site.join("PyYAML-6.0.1.dist-info/top_level.txt"), "_yaml\nyaml\n").unwrap();
        let message = format!(
            "ImportError: cannot import name 'ConfigError' from 'pydantic' ({}/pydantic/__init__.py)",
            site.display()
        );
        let test = failure(&message);
        assert_eq!(
            installed(&Failure::new(&test)),
            Some(Package {
                module: "pydantic".into(),
                distribution: Some("pydantic".into()),
                version: Some("2.9.2".into()),
            })
        );
        let message = format!(
            "ImportError: cannot import name 'CLoader' from 'yaml.loader' ({}/yaml/loader.py)",
            site.display()
        );
        let test = failure(&message);
        let package = installed(&Failure::new(&test)).unwrap();
        assert_eq!(
            (package.distribution.as_deref(), package.version.as_deref()),
            (Some("PyYAML"), Some("6.0.1"))
        );
    }

    #[test]
    fn pydantic_removals_and_attributes_raised_inside_a_package_are_drift() {
        let mut test = failure("");
        test.exception_type = Some("pydantic.errors.PydanticImportError".into());
        test.longrepr = Some(
            "app/a.py:1: in <module>\n    from pydantic import validate_model\n/v/lib/python3.11/site-packages/pydantic/_migration.py:302: in wrapper\n    raise PydanticImportError(f'`{import_path}` has been removed in V2.')\nE   pydantic.errors.PydanticImportError: `pydantic:validate_model` has been removed in V2.".into(),
        );
        assert_eq!(
            installed(&Failure::new(&test)).map(|p| p.module),
            Some("pydantic".into())
        );
        let mut test = failure("");
        test.exception_type = Some("AttributeError".into());
        test.longrepr = Some("app/a.py:3: in f\n    lib.gone()\n/v/lib/python3.11/site-packages/lib/__init__.py:9: in __getattr__\n    raise AttributeError(name)\nE   AttributeError: module 'lib' has no attribute 'gone'".into());
        assert_eq!(installed(&Failure::new(&test)).map(|p| p.module), Some("lib".into()));
        // Raised in the project's own frame: nothing says the module is installed.
        test.longrepr =
            Some("app/a.py:3: in f\n    lib.gone()\nE   AttributeError: module 'lib' has no attribute 'gone'".into());
        assert_eq!(installed(&Failure::new(&test)), None);
    }

    #[test]
    fn a_project_module_or_a_vanished_machine_is_not_a_version() {
        let test = failure("ImportError: cannot import name 'split' from 'app.loot' (/home/ci/app/loot.py)");
        assert_eq!(installed(&Failure::new(&test)), None);
        let test = failure(
            "ImportError: cannot import name 'x' from 'lib' (/gone/venv/lib/python3.11/site-packages/lib/__init__.py)",
        );
        assert_eq!(
            installed(&Failure::new(&test)),
            Some(Package {
                module: "lib".into(),
                distribution: None,
                version: None
            })
        );
    }
}
