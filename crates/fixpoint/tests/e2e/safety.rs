//! The confinement promises, attacked as a hostile user, model or client
//! would: links out of the project, `./.git/...`, `a/../..`, options where a
//! path belongs, a tampered journal, and SIGKILL in the middle of a fix.

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::support::{fixpoint, mcp_client, one_error_line, project, python, stderr, stdout};

/// Every file below `dir` (not `.fixpoint/`, caches or links) with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let name = entry.file_name();
            if [".fixpoint", "__pycache__", ".pytest_cache"].contains(&name.to_str().unwrap()) {
                continue;
            }
            let kind = entry.file_type().unwrap();
            let path = entry.path();
            if kind.is_symlink() {
                out.insert(path.strip_prefix(root).unwrap().to_path_buf(), {
                    let mut link = b"-> ".to_vec();
                    link.extend(fs::read_link(&path).unwrap().to_string_lossy().as_bytes());
                    link
                });
            } else if kind.is_dir() {
                walk(root, &path, out);
            } else {
                out.insert(path.strip_prefix(root).unwrap().to_path_buf(), fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// Files of fixpoint's own temporary naming anywhere below `dir`.
fn temp_files(dir: &Path) -> Vec<String> {
    snapshot(dir)
        .into_keys()
        .map(|p| p.display().to_string())
        .filter(|p| p.rsplit('/').next().unwrap().starts_with(".fixpoint-tmp-"))
        .collect()
}

const V1_MODULE: &str = "from pydantic import BaseModel\n\n\nclass Linked(BaseModel):\n    id: int\n\n    class Config:\n        orm_mode = True\n";

#[test]
fn fix_never_writes_through_a_link_that_leaves_the_project() {
    let (keep, dir) = project("confined");
    let outside = keep.path().join("outside");
    fs::create_dir_all(outside.join("pkg")).unwrap();
    fs::write(outside.join("pkg/models.py"), V1_MODULE).unwrap();
    fs::write(outside.join("single.py"), V1_MODULE).unwrap();
    symlink(outside.join("pkg"), dir.join("shop/linked")).unwrap();
    symlink(outside.join("single.py"), dir.join("shop/single.py")).unwrap();
    let before_outside = snapshot(&outside);

    let python = python();
    let output = fixpoint(&dir, &["fix", "--all", "--python", python.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("30 fixes applied (FP003: 30)"),
        "{}",
        stdout(&output)
    );
    assert_eq!(
        snapshot(&outside),
        before_outside,
        "nothing outside the project changed"
    );
    assert!(
        fs::symlink_metadata(dir.join("shop/single.py"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(
        fs::read_to_string(dir.join("shop/order_00.py"))
            .unwrap()
            .contains("ConfigDict")
    );

    // The same for `check`, which reads: what lies outside is not read as the project's.
    let output = fixpoint(&dir, &["check", "--python", python.to_str().unwrap()]);
    assert!(!stdout(&output).contains("linked/"), "{}", stdout(&output));
    assert!(!stdout(&output).contains("single.py"), "{}", stdout(&output));
}

#[test]
fn undo_refuses_a_tampered_journal_and_verify_names_the_entry() {
    let (keep, dir) = project("confined");
    let python = python();
    let output = fixpoint(&dir, &["fix", "--all", "--python", python.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    let fixed = snapshot(&dir);
    let journal = dir.join(".fixpoint/journal");
    let entry = fs::read_dir(&journal).unwrap().next().unwrap().unwrap().path();
    let id = entry.file_name().unwrap().to_str().unwrap().to_owned();
    let verified = fixpoint(&dir, &["journal", "--verify"]);
    assert_eq!(
        stdout(&verified),
        "The journal proves itself: 1 entry, every seal, link and backup hash matches.\n"
    );

    // The manifest's backup pointed at a file outside the project.
    let victim = keep.path().join("hostname");
    fs::write(&victim, "a file outside\n").unwrap();
    let manifest = entry.join("manifest.json");
    let original = fs::read_to_string(&manifest).unwrap();
    let escape = format!("../../../../../../../../../..{}", victim.display());
    fs::write(&manifest, original.replacen("\"files/0\"", &format!("{escape:?}"), 1)).unwrap();
    let line = one_error_line(&fixpoint(&dir, &["undo"]));
    assert_eq!(
        line,
        format!(
            "fixpoint: error: journal entry {id} does not prove itself: its manifest does not match its seal (it was edited); nothing was restored (`fixpoint journal --verify` checks every entry)"
        )
    );
    let line = one_error_line(&fixpoint(&dir, &["journal", "--verify"]));
    assert!(
        line.contains(&format!("journal entry {id} does not prove itself")),
        "{line}"
    );
    assert_eq!(snapshot(&dir), fixed, "nothing was restored");

    // A backup swapped for other bytes.
    fs::write(&manifest, &original).unwrap();
    fs::write(entry.join("files/0"), "import os\nos.system('touch /tmp/owned')\n").unwrap();
    let line = one_error_line(&fixpoint(&dir, &["undo", "--force"]));
    assert_eq!(
        line,
        format!(
            "fixpoint: error: journal entry {id} does not prove itself: the backup of shop/order_00.py: it does not match the hash the journal recorded; nothing was restored (`fixpoint journal --verify` checks every entry)"
        )
    );
    assert_eq!(snapshot(&dir), fixed);
}

#[test]
fn report_and_docs_outputs_stay_inside_the_project() {
    let (keep, dir) = project("confined");
    let python = python();
    let run = fixpoint(&dir, &["run", "--python", python.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    fs::create_dir_all(dir.join(".git")).unwrap();
    let outside = keep.path().join("elsewhere.html");
    for (target, message) in [
        (
            outside.display().to_string(),
            format!("fixpoint: error: refused: `{}` is outside the project ({})", outside.display(), dir.canonicalize().unwrap().display()),
        ),
        (
            "./.git/hooks/pre-commit".to_owned(),
            "fixpoint: error: refused: `.git/hooks/pre-commit` is inside `.git/`, which fixpoint never reads as source nor writes".to_owned(),
        ),
    ] {
        let line = one_error_line(&fixpoint(&dir, &["report", "--format", "html", "-o", &target]));
        assert_eq!(line, message);
    }
    assert!(!outside.exists());
    assert!(!dir.join(".git/hooks/pre-commit").exists());
    let output = fixpoint(&dir, &["report", "--format", "html", "-o", "./health.html"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(dir.join("health.html").is_file());

    // `docs --out`, attacked the same ways, plus a linked directory.
    let elsewhere = keep.path().join("elsewhere");
    fs::create_dir_all(&elsewhere).unwrap();
    symlink(&elsewhere, dir.join("linked")).unwrap();
    let root = dir.canonicalize().unwrap();
    for (out, message) in [
        (
            "../escaped".to_owned(),
            format!("`../escaped` is outside the project ({})", root.display()),
        ),
        (
            "docs/../../x".to_owned(),
            format!("`docs/../../x` is outside the project ({})", root.display()),
        ),
        (
            elsewhere.display().to_string(),
            format!("`{}` is outside the project ({})", elsewhere.display(), root.display()),
        ),
        (
            "./.git/docs".to_owned(),
            "`.git/docs` is inside `.git/`, which fixpoint never reads as source nor writes".to_owned(),
        ),
        (
            "-x".to_owned(),
            "`-x` starts with `-`: it would be read as an option, not a path".to_owned(),
        ),
        (
            "linked".to_owned(),
            "`linked` is a symbolic link; fixpoint does not replace links".to_owned(),
        ),
        (
            "linked/health".to_owned(),
            "`linked/health` goes through the symbolic link `linked`; fixpoint does not write through links".to_owned(),
        ),
    ] {
        let line = one_error_line(&fixpoint(&dir, &["docs", &format!("--out={out}")]));
        assert_eq!(line, format!("fixpoint: error: refused: {message}"), "{out}");
    }
    assert_eq!(fs::read_dir(&elsewhere).unwrap().count(), 0, "nothing written outside");
    assert!(!keep.path().join("escaped").exists() && !keep.path().join("x").exists());
}

#[test]
fn the_read_only_mcp_server_passes_no_option_to_pytest_and_serves_nothing_from_outside() {
    let (keep, dir) = project("confined");
    let python = python();
    let run = fixpoint(&dir, &["run", "--python", python.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let outside = keep.path().join("outside");
    fs::create_dir_all(outside.join("victim")).unwrap();
    fs::write(outside.join("victim/keep.txt"), "must survive\n").unwrap();
    fs::write(outside.join("secret.py"), "TOKEN = 'outside-secret-0451'\n").unwrap();
    fs::write(
        outside.join("secret.mdc"),
        "---\ndescription: x\nalwaysApply: true\n---\noutside-rule-0451\n",
    )
    .unwrap();
    symlink(&outside, dir.join("shop/linked")).unwrap();
    symlink(outside.join("secret.py"), dir.join("shop/secret.py")).unwrap();
    fs::create_dir_all(dir.join(".cursor/rules")).unwrap();
    symlink(outside.join("secret.mdc"), dir.join(".cursor/rules/leak.mdc")).unwrap();

    let output = mcp_client("attacks.py", &dir, &[outside.as_os_str()]);
    let printed = stdout(&output);
    assert!(
        output.status.success() && printed.ends_with("all attacks refused\n"),
        "{printed}\n{}",
        stderr(&output)
    );
    assert_eq!(
        fs::read_to_string(outside.join("victim/keep.txt")).unwrap(),
        "must survive\n"
    );
    assert!(!outside.join("out.xml").exists());
}

/// SIGKILL at evenly spread moments of `fix`, then `undo`: every user file
/// byte-identical, no temporary file left. `FIXPOINT_KILL_TRIALS` sets the
/// number of moments (`scripts/kill-test` runs 20).
#[test]
fn fix_killed_at_any_moment_is_undone_to_the_last_byte() {
    let trials: u32 = std::env::var("FIXPOINT_KILL_TRIALS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(5);
    let (_keep, dir) = project("confined");
    let python = python();
    let args = ["fix", "--all", "--python", python.to_str().unwrap()];
    let pristine = snapshot(&dir);

    // How long a whole fix takes here, to spread the kills over it.
    let started = Instant::now();
    let output = fixpoint(&dir, &args);
    assert!(output.status.success(), "{}", stderr(&output));
    let whole = started.elapsed();
    assert!(fixpoint(&dir, &["undo"]).status.success());
    assert_eq!(snapshot(&dir), pristine);

    let mut interrupted = 0;
    let mut with_entry = 0;
    for trial in 0..trials {
        let moment = whole.mul_f64(f64::from(trial) / f64::from(trials.max(1)));
        let mut child = Command::new(env!("CARGO_BIN_EXE_fixpoint"))
            .args(args)
            .current_dir(&dir)
            .env("NO_COLOR", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(moment);
        let finished = child.try_wait().unwrap().is_some();
        let _ = child.kill();
        let _ = child.wait();
        if !finished {
            interrupted += 1;
        }
        let journal = dir.join(".fixpoint/journal");
        let entries = fs::read_dir(&journal).map_or(0, Iterator::count);
        if entries > 0 {
            with_entry += u32::from(!finished);
            let undo = fixpoint(&dir, &["undo", "--force"]);
            assert!(
                undo.status.success() || stderr(&undo).contains("nothing to undo"),
                "trial {trial} at {moment:?}: {}",
                stderr(&undo)
            );
        }
        // Any command removes what a killed fixpoint left half-written.
        assert!(fixpoint(&dir, &["journal"]).status.success());
        assert_eq!(temp_files(&dir), Vec::<String>::new(), "trial {trial} at {moment:?}");
        assert_eq!(snapshot(&dir), pristine, "trial {trial} at {moment:?}");
        fs::remove_dir_all(&journal).ok();
    }
    eprintln!(
        "{trials} kills, {interrupted} of them while fix was still running, {with_entry} of those after its journal entry began"
    );
}

#[test]
fn a_run_argument_that_is_an_option_or_leaves_the_project_is_refused() {
    let (_keep, dir) = project("confined");
    let python = python();
    for (args, message) in [
        (vec!["run", "../../etc/passwd"], "is outside the project"),
        (vec!["run", "./.git/config"], "is inside `.git/`"),
        (vec!["run", "-k=--basetemp=/tmp/x"], "starts with `-`"),
        (
            vec!["run", "tests/nope.py::test_x"],
            "`tests/nope.py::test_x` does not exist",
        ),
    ] {
        let mut args = args.clone();
        args.extend(["--python", python.to_str().unwrap()]);
        let line = one_error_line(&fixpoint(&dir, &args));
        assert!(line.contains(message), "{args:?}: {line}");
    }
    // Typed as a user would, from the root and from a subdirectory.
    for (cwd, path) in [
        (dir.clone(), "./tests/"),
        (dir.join("tests"), "test_orders.py"),
        (dir.join("tests"), "."),
    ] {
        let output = fixpoint(&cwd, &["run", path, "--python", python.to_str().unwrap()]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{path} from {}: {}",
            cwd.display(),
            stderr(&output)
        );
        assert!(stdout(&output).contains("1 passed"), "{}", stdout(&output));
    }
}

/// The `PATHS` of every command that reads or writes source: `fix`, `fix
/// --diff`, `check`, `migrate pydantic` and `context`.
const PATH_COMMANDS: [&[&str]; 5] = [
    &["fix", "--all"],
    &["fix", "--all", "--diff"],
    &["check"],
    &["migrate", "pydantic", "--no-verify"],
    &["context"],
];

#[test]
fn source_paths_that_leave_the_project_are_refused_by_every_command() {
    let (_keep, dir) = project("confined");
    let outside = tempfile::tempdir().unwrap();
    fs::copy(dir.join("shop/order_00.py"), outside.path().join("order_00.py")).unwrap();
    symlink(outside.path(), dir.join("linked")).unwrap();
    symlink(outside.path().join("order_00.py"), dir.join("shop/linked_order.py")).unwrap();
    fs::create_dir(dir.join(".git")).unwrap();
    fs::write(dir.join(".git/config"), "[core]\n").unwrap();
    let before = snapshot(&dir);
    let outside_path = outside.path().display().to_string();
    let root = dir.display().to_string();
    for command in PATH_COMMANDS {
        for (path, why) in [
            (
                "linked/",
                "`linked/` leads outside the project through the symbolic link `linked`".to_owned(),
            ),
            (
                "shop/linked_order.py",
                "`shop/linked_order.py` leads outside the project through the symbolic link `shop/linked_order.py`"
                    .to_owned(),
            ),
            (
                "./.git/config",
                "`./.git/config` is inside `.git/`, which fixpoint never reads as source nor writes".to_owned(),
            ),
            (
                "shop/../../x",
                format!("`shop/../../x` is outside the project ({root})"),
            ),
            (
                &outside_path,
                format!("`{outside_path}` is outside the project ({root})"),
            ),
            (
                "-x",
                "`-x` starts with `-`: it would be read as an option, not a path".to_owned(),
            ),
            ("nope/", "`nope/` does not exist".to_owned()),
        ] {
            let mut args = command.to_vec();
            args.extend(["--", path]);
            let output = fixpoint(&dir, &args);
            assert_eq!(output.status.code(), Some(2), "{args:?}: {}", stderr(&output));
            assert_eq!(
                one_error_line(&output),
                format!("fixpoint: error: refused: {why}"),
                "{args:?}"
            );
            assert_eq!(stdout(&output), "", "{args:?}");
        }
    }
    assert_eq!(snapshot(&dir), before, "a refused command changed the project");
    assert_eq!(
        fs::read_to_string(outside.path().join("order_00.py")).unwrap(),
        fs::read_to_string(dir.join("shop/order_00.py")).unwrap(),
        "a refused command changed a file outside"
    );
}

#[test]
fn source_paths_typed_as_users_do_select_what_they_name() {
    let (_keep, dir) = project("confined");
    let whole_project = stdout(&fixpoint(&dir, &["check"]));
    assert!(whole_project.contains("30 fixable"), "{whole_project}");
    let absolute = dir.display().to_string();
    let absolute_shop = dir.join("shop").display().to_string();
    let tests = dir.join("tests");
    // The same commands, none of them writing.
    let readers: [&[&str]; 5] = [
        &["fix", "--all", "--dry-run"],
        &["fix", "--all", "--diff"],
        &["check"],
        &["migrate", "pydantic", "--dry-run"],
        &["context"],
    ];
    for command in readers {
        // The root, named four ways, selects what no path does; `shop`,
        // named five ways, what `shop` does.
        for (reference, typed) in [
            (
                None,
                vec![(&dir, "."), (&dir, "./"), (&dir, absolute.as_str()), (&tests, "..")],
            ),
            (
                Some("shop"),
                vec![
                    (&dir, "./shop"),
                    (&dir, "shop/"),
                    (&dir, absolute_shop.as_str()),
                    (&dir, "tests/../shop"),
                    (&tests, "../shop"),
                ],
            ),
        ] {
            let mut args = command.to_vec();
            args.extend(reference);
            let expected = fixpoint(&dir, &args);
            // `check` exits 1 on findings, the others 0.
            let code = expected.status.code();
            assert!(matches!(code, Some(0 | 1)), "{args:?}: {}", stderr(&expected));
            let expected = stdout(&expected);
            assert!(
                !expected.is_empty() && !expected.contains("All checks passed"),
                "{args:?}: {expected}"
            );
            for (cwd, path) in typed {
                let mut args = command.to_vec();
                args.push(path);
                let output = fixpoint(cwd, &args);
                assert_eq!(
                    output.status.code(),
                    code,
                    "{args:?} from {}: {}",
                    cwd.display(),
                    stderr(&output)
                );
                assert_eq!(stdout(&output), expected, "{args:?} from {}", cwd.display());
            }
        }
    }
    let shop = stdout(&fixpoint(&dir, &["check", "shop"]));
    assert_eq!(shop, whole_project, "every finding is in shop/");
    // One file selects that file, and a name prefix is not a directory.
    let one = stdout(&fixpoint(&dir, &["check", "shop/order_00.py"]));
    assert!(one.contains("shop/order_00.py") && one.contains("1 fixable"), "{one}");
    assert!(!one.contains("order_01"), "{one}");
    fs::write(dir.join("shop_extra.py"), "").unwrap();
    let none = fixpoint(&dir, &["check", "shop_extra.py"]);
    assert_eq!(stdout(&none), "All checks passed.\n");
    // A path with no Python file in it is an error, not an empty success.
    fs::create_dir(dir.join("docs")).unwrap();
    fs::write(dir.join("docs/notes.md"), "# Notes\n").unwrap();
    for command in [
        &["check"][..],
        &["fix", "--all", "--dry-run"],
        &["migrate", "pydantic", "--dry-run"],
    ] {
        for path in ["docs/", "pyproject.toml"] {
            let mut args = command.to_vec();
            args.push(path);
            let output = fixpoint(&dir, &args);
            assert_eq!(output.status.code(), Some(2), "{args:?}");
            assert_eq!(
                one_error_line(&output),
                format!("fixpoint: error: `{path}` selects no Python file")
            );
        }
    }
}
