//! The confinement policy: the one place that decides whether fixpoint may
//! read a path, write it, or hand it to pytest or git as an argument.
//!
//! Every reader and writer (fix, undo, the journal, repair, testdata, rules,
//! docs, reports, context, the MCP tools and resources) asks a [`Policy`];
//! nobody checks paths on their own. The policy
//!
//! - normalises what a user, a model or a client typed (`.`, `./dir`, `dir/`,
//!   `a/../b`, duplicate separators, an absolute path inside the project, a
//!   path relative to the directory the user stands in) into one path
//!   relative to the project root;
//! - refuses anything outside the root, and anything inside `.git/`, `.hg/`,
//!   `.svn/`, `.fixpoint/`, a virtual environment (a directory holding
//!   `pyvenv.cfg`, or named `.venv`, `venv`, `.tox`, `.nox`) or
//!   `site-packages`/`dist-packages`;
//! - lets a read follow a symbolic link only while the link's target stays
//!   inside the project and out of those places;
//! - refuses every write that would go through a symbolic link (a linked
//!   directory on the way) or replace one (the file itself is a link): the
//!   link is named, its target left alone;
//! - refuses an argument that starts with `-`, so that a path can never
//!   become an option of the tool it is passed to.
//!
//! ```
//! # let dir = tempfile::tempdir().unwrap();
//! # std::fs::create_dir(dir.path().join("app")).unwrap();
//! use fixpoint_paths::Policy;
//! let policy = Policy::new(dir.path()).unwrap();
//! assert_eq!(policy.relative("./app/../app/dice.py").unwrap(), "app/dice.py");
//! assert!(policy.writable(".git/config").is_err());
//! assert!(policy.writable("app/../../elsewhere.py").is_err());
//! ```

use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

mod leftovers;
mod pytest_files;

pub use leftovers::{TEMP_PREFIX, remove_leftovers, temp_prefix};
pub use pytest_files::{is_conftest, is_test_module};

/// Directory names that are never read into the project's source nor written.
const PROTECTED_DIRS: [&str; 4] = [".git", ".hg", ".svn", ".fixpoint"];

/// Directory names that hold installed packages or an environment.
const ENVIRONMENT_DIRS: [&str; 6] = [".venv", "venv", ".tox", ".nox", "site-packages", "dist-packages"];

/// Why a path was refused. Each message names the path as it was given and
/// says what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("an empty path names nothing")]
    Empty,
    #[error("`{path}` starts with `-`: it would be read as an option, not a path")]
    OptionLike { path: String },
    #[error("`{path}` is outside the project ({root})")]
    Outside { path: String, root: String },
    #[error("`{path}` is inside {area}, which fixpoint never reads as source nor writes")]
    Protected { path: String, area: String },
    #[error("`{path}` leads outside the project through the symbolic link `{link}`")]
    LinkLeadsOut { path: String, link: String },
    #[error("`{path}` goes through the symbolic link `{link}`; fixpoint does not write through links")]
    ThroughLink { path: String, link: String },
    #[error("`{path}` is a symbolic link; fixpoint does not replace links")]
    ReplacesLink { path: String },
    #[error("`{path}` does not exist")]
    Missing { path: String },
    #[error("`{path}` is not valid UTF-8")]
    NotUtf8 { path: String },
}

/// The confinement policy of one project.
#[derive(Debug, Clone)]
pub struct Policy {
    /// The root as given (absolute), and as the file system resolves it.
    given: PathBuf,
    canonical: PathBuf,
}

impl Policy {
    /// The policy of the project at `root`, which must exist.
    pub fn new(root: &Path) -> io::Result<Self> {
        let canonical = root.canonicalize()?;
        let given = if root.is_absolute() {
            root.to_path_buf()
        } else {
            canonical.clone()
        };
        Ok(Self { given, canonical })
    }

    /// The project root, resolved.
    pub fn root(&self) -> &Path {
        &self.canonical
    }

    /// `path` as a path relative to the root, with forward slashes and no
    /// `.` or `..` (`"."` for the root itself). A relative path is read from
    /// the root; see [`Policy::relative_from`] for one typed in a
    /// subdirectory. Refuses what leaves the root; looks at nothing on disk
    /// but the root.
    pub fn relative(&self, path: &str) -> Result<String, Refusal> {
        self.relative_from(path, None)
    }

    /// Like [`Policy::relative`], with a relative `path` read from `cwd` (the
    /// directory the user typed it in) when `cwd` is inside the project.
    pub fn relative_from(&self, path: &str, cwd: Option<&Path>) -> Result<String, Refusal> {
        if path.is_empty() {
            return Err(Refusal::Empty);
        }
        if path.starts_with('-') {
            return Err(Refusal::OptionLike { path: path.to_owned() });
        }
        let given = Path::new(path);
        let (mut parts, tail) = if given.is_absolute() {
            let normal = lexical(given).ok_or_else(|| self.outside(path))?;
            let below = strip_root(&normal, &self.given)
                .or_else(|| strip_root(&normal, &self.canonical))
                .or_else(|| strip_root(&resolve_existing(&normal), &self.canonical))
                .ok_or_else(|| self.outside(path))?;
            (Vec::new(), below)
        } else {
            let start = cwd.and_then(|cwd| self.inside_parts(cwd)).unwrap_or_default();
            (start, given.to_path_buf())
        };
        for component in tail.components() {
            match component {
                Component::CurDir => {}
                Component::ParentDir => {
                    if parts.pop().is_none() {
                        return Err(self.outside(path));
                    }
                }
                Component::Normal(part) => {
                    let part = part
                        .to_str()
                        .ok_or_else(|| Refusal::NotUtf8 { path: path.to_owned() })?;
                    parts.push(part.to_owned());
                }
                Component::RootDir | Component::Prefix(_) => return Err(self.outside(path)),
            }
        }
        Ok(if parts.is_empty() {
            ".".to_owned()
        } else {
            parts.join("/")
        })
    }

    /// The absolute path fixpoint may read for `path` (relative to the
    /// root, or absolute inside it). A symbolic link may be followed while
    /// its target stays inside the project and out of the protected places.
    pub fn readable(&self, path: &str) -> Result<PathBuf, Refusal> {
        let relative = self.relative(path)?;
        self.refuse_protected(path, &relative)?;
        let absolute = self.absolute(&relative);
        let resolved = resolve_existing(&absolute);
        let Some(inside) = strip_root(&resolved, &self.canonical) else {
            return Err(Refusal::LinkLeadsOut {
                path: path.to_owned(),
                link: self.first_link(&relative).unwrap_or_else(|| relative.clone()),
            });
        };
        let inside = inside.to_string_lossy().replace('\\', "/");
        if inside != relative {
            self.refuse_protected(path, &inside)?;
        }
        Ok(absolute)
    }

    /// Like [`Policy::readable`], for a path that must exist.
    pub fn existing(&self, path: &str) -> Result<PathBuf, Refusal> {
        let absolute = self.readable(path)?;
        if fs::symlink_metadata(&absolute).is_err() {
            return Err(Refusal::Missing { path: path.to_owned() });
        }
        Ok(absolute)
    }

    /// The absolute path fixpoint may write (or create, or remove) for
    /// `path`: inside the project, out of the protected places, and with no
    /// symbolic link on the way nor at the end.
    pub fn writable(&self, path: &str) -> Result<PathBuf, Refusal> {
        let relative = self.relative(path)?;
        if relative == "." {
            return Err(Refusal::Protected {
                path: path.to_owned(),
                area: "the project root itself".to_owned(),
            });
        }
        self.refuse_protected(path, &relative)?;
        let mut at = self.canonical.clone();
        let parts: Vec<&str> = relative.split('/').collect();
        for (index, part) in parts.iter().enumerate() {
            at.push(part);
            match fs::symlink_metadata(&at) {
                Ok(metadata) if metadata.file_type().is_symlink() => {
                    let link = parts[..=index].join("/");
                    return Err(if index + 1 == parts.len() {
                        Refusal::ReplacesLink { path: path.to_owned() }
                    } else {
                        Refusal::ThroughLink {
                            path: path.to_owned(),
                            link,
                        }
                    });
                }
                Ok(_) => {}
                Err(_) => break,
            }
        }
        Ok(self.absolute(&relative))
    }

    /// Like [`Policy::writable`] for a symbolic link itself (to remove it or
    /// bring it back): the directories on the way may not be links, the last
    /// component may.
    pub fn writable_link(&self, path: &str) -> Result<PathBuf, Refusal> {
        let relative = self.relative(path)?;
        let parent = relative.rsplit_once('/').map(|(parent, _)| parent);
        if let Some(parent) = parent {
            self.writable(parent).map_err(|refusal| match refusal {
                Refusal::ReplacesLink { .. } => Refusal::ThroughLink {
                    path: path.to_owned(),
                    link: parent.to_owned(),
                },
                other => other,
            })?;
        } else {
            self.refuse_protected(path, &relative)?;
        }
        self.refuse_protected(path, &relative)?;
        Ok(self.absolute(&relative))
    }

    /// A path or pytest node id (`file::Class::test[param]`) that a client,
    /// a model or a user sent to be passed to pytest or git: not an option,
    /// inside the project, existing and readable. Returns it relative to the
    /// root, its `::` part unchanged. `cwd` is where a user typed it.
    pub fn argument(&self, argument: &str, cwd: Option<&Path>) -> Result<String, Refusal> {
        if argument.starts_with('-') {
            return Err(Refusal::OptionLike {
                path: argument.to_owned(),
            });
        }
        let (file, rest) = match argument.split_once("::") {
            Some((file, rest)) => (file, Some(rest)),
            None => (argument, None),
        };
        let relative = self.relative_from(file, cwd).map_err(|refusal| match refusal {
            Refusal::Empty => Refusal::Missing {
                path: argument.to_owned(),
            },
            other => other,
        })?;
        self.existing(&relative).map_err(|refusal| rename(refusal, argument))?;
        Ok(match rest {
            Some(rest) => format!("{relative}::{rest}"),
            None => relative,
        })
    }

    /// Whether a directory walk may descend into (or read) `path`, an entry
    /// it found below the root: protected places and environments are
    /// skipped, and so is a symbolic link that leads out of the project or
    /// to a directory (which could loop).
    pub fn walkable(&self, path: &Path) -> bool {
        let Some(relative) = strip_root(path, &self.given).or_else(|| strip_root(path, &self.canonical)) else {
            return false;
        };
        let relative = relative.to_string_lossy().replace('\\', "/");
        if self.protected_area(&relative).is_some() {
            return false;
        }
        match fs::symlink_metadata(path) {
            Ok(metadata) if metadata.file_type().is_symlink() => !path.is_dir() && self.readable(&relative).is_ok(),
            Ok(_) => true,
            Err(_) => false,
        }
    }

    /// Where `relative` falls in a protected place, if it does: the place's
    /// description.
    pub fn protected_area(&self, relative: &str) -> Option<String> {
        let parts: Vec<&str> = relative.split('/').filter(|p| !p.is_empty() && *p != ".").collect();
        let mut at = self.canonical.clone();
        for (index, part) in parts.iter().enumerate() {
            let lower = part.to_ascii_lowercase();
            if PROTECTED_DIRS.contains(&lower.as_str()) {
                return Some(format!("`{}/`", parts[..=index].join("/")));
            }
            if ENVIRONMENT_DIRS.contains(&lower.as_str()) || lower.starts_with(".venv") {
                return Some(format!("the environment `{}/`", parts[..=index].join("/")));
            }
            at.push(part);
            if at.join("pyvenv.cfg").is_file() {
                return Some(format!("the virtual environment `{}/`", parts[..=index].join("/")));
            }
        }
        None
    }

    fn refuse_protected(&self, given: &str, relative: &str) -> Result<(), Refusal> {
        match self.protected_area(relative) {
            Some(area) => Err(Refusal::Protected {
                path: given.to_owned(),
                area,
            }),
            None => Ok(()),
        }
    }

    fn absolute(&self, relative: &str) -> PathBuf {
        if relative == "." {
            self.canonical.clone()
        } else {
            self.canonical.join(relative)
        }
    }

    /// The first symbolic link on the way to `relative`, if any.
    fn first_link(&self, relative: &str) -> Option<String> {
        let parts: Vec<&str> = relative.split('/').collect();
        let mut at = self.canonical.clone();
        for (index, part) in parts.iter().enumerate() {
            at.push(part);
            if fs::symlink_metadata(&at).is_ok_and(|m| m.file_type().is_symlink()) {
                return Some(parts[..=index].join("/"));
            }
        }
        None
    }

    /// The components of `dir` below the root, if it is at or below it.
    fn inside_parts(&self, dir: &Path) -> Option<Vec<String>> {
        let relative = strip_root(dir, &self.given).or_else(|| {
            strip_root(dir, &self.canonical).or_else(|| strip_root(&dir.canonicalize().ok()?, &self.canonical))
        })?;
        let mut parts = Vec::new();
        for component in relative.components() {
            match component {
                Component::Normal(part) => parts.push(part.to_str()?.to_owned()),
                Component::ParentDir => {
                    parts.pop()?;
                }
                _ => {}
            }
        }
        Some(parts)
    }

    fn outside(&self, path: &str) -> Refusal {
        Refusal::Outside {
            path: path.to_owned(),
            root: self.given.display().to_string(),
        }
    }
}

/// An absolute path with `.` and `..` folded away lexically; `None` when
/// `..` would climb above the file system's root.
fn lexical(path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir => {
                if !out.pop() || out.as_os_str().is_empty() {
                    return None;
                }
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    Some(out)
}

/// `path` below `root`, if it is (lexically) at or below it.
fn strip_root(path: &Path, root: &Path) -> Option<PathBuf> {
    path.strip_prefix(root).ok().map(Path::to_path_buf)
}

/// `path` with every symbolic link resolved: the deepest existing ancestor
/// is resolved by the file system and the rest appended as it is.
fn resolve_existing(path: &Path) -> PathBuf {
    let mut existing = path.to_path_buf();
    let mut rest = Vec::new();
    loop {
        if let Ok(resolved) = existing.canonicalize() {
            let mut out = resolved;
            out.extend(rest.iter().rev());
            return out;
        }
        // A dangling link resolves to nowhere: treat it as leading out.
        if fs::symlink_metadata(&existing).is_ok_and(|m| m.file_type().is_symlink()) {
            return PathBuf::from("/");
        }
        match (existing.file_name().map(ToOwned::to_owned), existing.pop()) {
            (Some(name), true) => rest.push(name),
            _ => return path.to_path_buf(),
        }
    }
}

/// A refusal of a path part, named by the whole argument.
fn rename(refusal: Refusal, argument: &str) -> Refusal {
    let path = argument.to_owned();
    match refusal {
        Refusal::Outside { root, .. } => Refusal::Outside { path, root },
        Refusal::Protected { area, .. } => Refusal::Protected { path, area },
        Refusal::LinkLeadsOut { link, .. } => Refusal::LinkLeadsOut { path, link },
        Refusal::Missing { .. } => Refusal::Missing { path },
        other => other,
    }
}

#[cfg(test)]
mod tests;
