//! Paths a user or a client sends are confined to the project root.

use std::path::{Component, Path};

/// `path` (a file, directory or pytest node id) if it stays inside the
/// project; a message saying why not otherwise.
pub fn confined(root: &Path, path: &str) -> Result<String, String> {
    let file = path.split("::").next().unwrap_or(path);
    let relative = Path::new(file);
    let escapes = relative.is_absolute()
        || relative
            .components()
            .try_fold(0i32, |depth, part| match part {
                Component::ParentDir if depth == 0 => None,
                Component::ParentDir => Some(depth - 1),
                Component::Normal(_) => Some(depth + 1),
                _ => Some(depth),
            })
            .is_none();
    if escapes {
        return Err(format!(
            "`{path}` is outside the project: paths are relative to {}",
            root.display()
        ));
    }
    // A symbolic link inside the project may still lead out of it.
    if let (Ok(resolved), Ok(root)) = (root.join(relative).canonicalize(), root.canonicalize())
        && !resolved.starts_with(&root)
    {
        return Err(format!("`{path}` leads outside the project"));
    }
    Ok(path.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_paths_inside_the_project() {
        let root = Path::new("/nonexistent/project");
        assert!(confined(root, "tests/test_a.py::test_x").is_ok());
        assert!(confined(root, "tests/../app.py").is_ok());
        for bad in ["../x.py", "/etc/passwd", "tests/../../x.py", "../../etc/passwd::t"] {
            assert!(confined(root, bad).is_err(), "{bad}");
        }
    }
}
