use std::fs;
use std::os::unix::fs::symlink;

use super::*;

/// A project with `app/dice.py`, `tests/test_dice.py`, a virtual environment
/// under an unusual name, and a directory outside it.
fn project() -> (tempfile::TempDir, PathBuf, PathBuf, Policy) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("project");
    let outside = dir.path().join("outside");
    for sub in ["app", "tests", "env311/lib", ".git", "outside"] {
        fs::create_dir_all(root.join(sub)).unwrap();
    }
    fs::create_dir_all(&outside).unwrap();
    fs::write(outside.join("secret.txt"), "outside\n").unwrap();
    fs::write(root.join("app/dice.py"), "def roll(): ...\n").unwrap();
    fs::write(root.join("tests/test_dice.py"), "def test_roll(): ...\n").unwrap();
    fs::write(root.join("env311/pyvenv.cfg"), "home = /usr/bin\n").unwrap();
    fs::write(root.join(".git/config"), "[core]\n").unwrap();
    let policy = Policy::new(&root).unwrap();
    (dir, root, outside, policy)
}

#[test]
fn paths_are_normalised_the_way_users_type_them() {
    let (_dir, root, _outside, policy) = project();
    for (typed, expected) in [
        (".", "."),
        ("./", "."),
        ("app", "app"),
        ("app/", "app"),
        ("./app", "app"),
        ("./app//dice.py", "app/dice.py"),
        ("app/../tests/./test_dice.py", "tests/test_dice.py"),
        ("missing/new.py", "missing/new.py"),
    ] {
        assert_eq!(policy.relative(typed).unwrap(), expected, "{typed}");
    }
    let absolute = root.join("app/dice.py");
    assert_eq!(policy.relative(absolute.to_str().unwrap()).unwrap(), "app/dice.py");
    let sub = root.join("tests");
    assert_eq!(
        policy.relative_from("test_dice.py", Some(&sub)).unwrap(),
        "tests/test_dice.py"
    );
    assert_eq!(policy.relative_from("../app", Some(&sub)).unwrap(), "app");
    assert_eq!(policy.relative_from(".", Some(&sub)).unwrap(), "tests");
    // A directory outside the project is no base: the path is read from the root.
    assert_eq!(policy.relative_from("app", Some(Path::new("/"))).unwrap(), "app");
}

#[test]
fn what_leaves_the_root_is_refused() {
    let (_dir, root, outside, policy) = project();
    let beside = root.join("../outside/secret.txt");
    for typed in [
        "..",
        "../outside/secret.txt",
        "a/../..",
        "app/../../outside",
        "/etc/passwd",
        beside.to_str().unwrap(),
        outside.to_str().unwrap(),
    ] {
        assert!(
            matches!(policy.relative(typed), Err(Refusal::Outside { .. })),
            "{typed}: {:?}",
            policy.relative(typed)
        );
        assert!(policy.writable(typed).is_err(), "{typed}");
        assert!(policy.readable(typed).is_err(), "{typed}");
    }
    assert_eq!(
        policy
            .relative_from("../../x", Some(&root.join("tests")))
            .unwrap_err()
            .to_string(),
        format!("`../../x` is outside the project ({})", root.display())
    );
}

#[test]
fn protected_places_are_never_written_nor_read_as_source() {
    let (_dir, _root, _outside, policy) = project();
    for typed in [
        ".git/config",
        "./.git/config",
        "app/../.git/hooks/pre-commit",
        ".GIT/config",
        ".fixpoint/journal/x/manifest.json",
        ".hg/hgrc",
        ".venv/lib/python3.11/site-packages/x.py",
        "venv/bin/activate",
        "env311/lib/x.py",
        "vendor/site-packages/pkg.py",
        ".tox/py311/x",
    ] {
        let refusal = policy.writable(typed).unwrap_err();
        assert!(matches!(refusal, Refusal::Protected { .. }), "{typed}: {refusal:?}");
        assert!(policy.readable(typed).is_err(), "{typed}");
    }
    assert_eq!(
        policy.writable("./.git/config").unwrap_err().to_string(),
        "`./.git/config` is inside `.git/`, which fixpoint never reads as source nor writes"
    );
    assert_eq!(
        policy.writable("env311/lib/x.py").unwrap_err().to_string(),
        "`env311/lib/x.py` is inside the virtual environment `env311/`, which fixpoint never reads as source nor writes"
    );
    assert!(policy.writable(".").is_err(), "the root itself is not a file");
    assert!(policy.writable("app/.gitignore").is_ok());
    assert!(policy.writable("app/environment.py").is_ok());
}

#[test]
fn a_link_out_of_the_project_is_neither_read_nor_written() {
    let (_dir, root, outside, policy) = project();
    symlink(&outside, root.join("linked_dir")).unwrap();
    symlink(outside.join("secret.txt"), root.join("app/linked.py")).unwrap();
    symlink(root.join(".git/config"), root.join("app/gitconfig.py")).unwrap();
    symlink(root.join("nowhere"), root.join("app/dangling.py")).unwrap();

    assert_eq!(
        policy.readable("linked_dir/secret.txt").unwrap_err(),
        Refusal::LinkLeadsOut {
            path: "linked_dir/secret.txt".into(),
            link: "linked_dir".into()
        }
    );
    assert!(matches!(
        policy.readable("app/linked.py"),
        Err(Refusal::LinkLeadsOut { .. })
    ));
    assert!(matches!(
        policy.readable("app/gitconfig.py"),
        Err(Refusal::Protected { .. })
    ));
    assert!(policy.readable("app/dangling.py").is_err());
    assert_eq!(
        policy.writable("linked_dir/new.py").unwrap_err(),
        Refusal::ThroughLink {
            path: "linked_dir/new.py".into(),
            link: "linked_dir".into()
        }
    );
    assert_eq!(
        policy.writable("app/linked.py").unwrap_err().to_string(),
        "`app/linked.py` is a symbolic link; fixpoint does not replace links"
    );
    assert!(!policy.walkable(&root.join("linked_dir")));
    assert!(!policy.walkable(&root.join("app/linked.py")));
    assert!(!policy.walkable(&root.join(".git")));
    assert!(!policy.walkable(&root.join("env311")));
    assert!(policy.walkable(&root.join("app/dice.py")));
}

#[test]
fn a_link_inside_the_project_is_read_but_never_written_through() {
    let (_dir, root, _outside, policy) = project();
    symlink(root.join("app"), root.join("alias")).unwrap();
    symlink(root.join("app/dice.py"), root.join("tests/dice_link.py")).unwrap();
    assert_eq!(
        policy.readable("alias/dice.py").unwrap(),
        root.canonicalize().unwrap().join("alias/dice.py")
    );
    assert!(policy.readable("tests/dice_link.py").is_ok());
    assert!(matches!(
        policy.writable("alias/dice.py"),
        Err(Refusal::ThroughLink { .. })
    ));
    assert!(matches!(
        policy.writable("tests/dice_link.py"),
        Err(Refusal::ReplacesLink { .. })
    ));
    assert!(
        policy.writable_link("tests/dice_link.py").is_ok(),
        "the link itself may be removed"
    );
    assert!(policy.writable_link("alias/x.py").is_err());
    assert!(policy.walkable(&root.join("tests/dice_link.py")));
    assert!(!policy.walkable(&root.join("alias")), "a linked directory could loop");
}

#[test]
fn arguments_for_tools_are_existing_paths_never_options() {
    let (_dir, root, _outside, policy) = project();
    assert_eq!(
        policy.argument("tests/test_dice.py::test_roll[1-2]", None).unwrap(),
        "tests/test_dice.py::test_roll[1-2]"
    );
    assert_eq!(policy.argument("./tests/", None).unwrap(), "tests");
    assert_eq!(
        policy
            .argument("test_dice.py::test_roll", Some(&root.join("tests")))
            .unwrap(),
        "tests/test_dice.py::test_roll"
    );
    for (argument, message) in [
        (
            "--basetemp=/tmp/x",
            "`--basetemp=/tmp/x` starts with `-`: it would be read as an option, not a path",
        ),
        ("-p", "`-p` starts with `-`: it would be read as an option, not a path"),
        ("tests/nope.py::test_x", "`tests/nope.py::test_x` does not exist"),
        ("::test_x", "`::test_x` does not exist"),
    ] {
        assert_eq!(policy.argument(argument, None).unwrap_err().to_string(), message);
    }
    assert!(matches!(
        policy.argument("../outside/secret.txt", None),
        Err(Refusal::Outside { .. })
    ));
    assert!(matches!(
        policy.argument(".git/config", None),
        Err(Refusal::Protected { .. })
    ));
}

#[test]
fn leftover_temporary_files_of_dead_processes_are_removed() {
    let (_dir, root, outside, policy) = project();
    // A pid that cannot be alive: above the kernel's maximum.
    let dead = format!("{TEMP_PREFIX}4294967-abc");
    let mine = format!("{}xyz", temp_prefix());
    fs::write(root.join("app").join(&dead), "half").unwrap();
    fs::write(root.join("app").join(&mine), "in flight").unwrap();
    fs::write(root.join(".git").join(&dead), "not ours to sweep").unwrap();
    fs::write(outside.join(&dead), "outside").unwrap();
    symlink(&outside, root.join("linked_dir")).unwrap();
    fs::write(root.join("app/.fixpoint-notes"), "a user's file").unwrap();

    assert_eq!(remove_leftovers(&policy), [format!("app/{dead}")]);
    assert!(root.join("app").join(&mine).exists(), "a live writer's file stays");
    assert!(root.join(".git").join(&dead).exists());
    assert!(outside.join(&dead).exists(), "nothing outside is touched");
    assert!(root.join("app/.fixpoint-notes").exists());
    assert!(remove_leftovers(&policy).is_empty());
}
