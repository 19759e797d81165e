use super::*;

fn project() -> (tempfile::TempDir, Journal) {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("app")).unwrap();
    fs::write(
        dir.path().join("app/loot.py"),
        b"x = Decimal(1)\r\n\xff odd bytes kept\n",
    )
    .unwrap();
    let journal = Journal::new(dir.path());
    (dir, journal)
}

#[test]
fn undo_restores_byte_identical_originals_and_removes_created_files() {
    let (dir, journal) = project();
    let original = fs::read(dir.path().join("app/loot.py")).unwrap();
    let mut change = journal.begin("fixpoint fix").unwrap();
    change
        .write(
            "app/loot.py",
            b"from decimal import Decimal\nx = Decimal(1)\n",
            &["FP002".into()],
        )
        .unwrap();
    change
        .write("app/new.py", b"def stub(): ...\n", &["FP004".into()])
        .unwrap();
    let manifest = change.finish().unwrap();
    assert_eq!(manifest.state, State::Complete);
    assert_eq!(journal.entries().unwrap()[0].files.len(), 2);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(dir.path().join("app/new.py"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(
            mode & 0o777,
            0o644,
            "a created file is readable by all, as any new file"
        );
    }

    let undone = journal.undo(None, false).unwrap();
    assert_eq!(undone.state, State::Undone);
    assert_eq!(fs::read(dir.path().join("app/loot.py")).unwrap(), original);
    assert!(!dir.path().join("app/new.py").exists());
    assert!(matches!(journal.undo(None, false), Err(JournalError::Empty)));
}

#[test]
fn a_removed_file_comes_back_on_undo() {
    let (dir, journal) = project();
    let original = fs::read(dir.path().join("app/loot.py")).unwrap();
    let mut change = journal.begin("fixpoint rules migrate").unwrap();
    change.write("app/moved.py", &original, &["migrate".into()]).unwrap();
    change.remove("app/loot.py", &["migrate".into()]).unwrap();
    change.finish().unwrap();
    assert!(!dir.path().join("app/loot.py").exists());
    journal.undo(None, false).unwrap();
    assert_eq!(fs::read(dir.path().join("app/loot.py")).unwrap(), original);
    assert!(!dir.path().join("app/moved.py").exists());
}

#[test]
fn a_file_changed_since_is_refused_unless_forced() {
    let (dir, journal) = project();
    let original = fs::read(dir.path().join("app/loot.py")).unwrap();
    let mut change = journal.begin("fixpoint fix").unwrap();
    change.write("app/loot.py", b"fixed\n", &["FP002".into()]).unwrap();
    let id = change.finish().unwrap().id;
    fs::write(dir.path().join("app/loot.py"), "edited by hand\n").unwrap();
    let error = journal.undo(Some(&id), false).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("app/loot.py changed since fixpoint wrote it"),
        "{error}"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("app/loot.py")).unwrap(),
        "edited by hand\n"
    );
    journal.undo(Some(&id), true).unwrap();
    assert_eq!(fs::read(dir.path().join("app/loot.py")).unwrap(), original);
}

#[test]
fn a_change_killed_half_way_is_noticed_and_undone() {
    let (dir, journal) = project();
    let original = fs::read(dir.path().join("app/loot.py")).unwrap();
    let mut change = journal.begin("fixpoint fix").unwrap();
    change.write("app/loot.py", b"half\n", &["FP002".into()]).unwrap();
    drop(change); // killed before finish()
    let open = journal.unfinished().unwrap();
    assert_eq!(open.len(), 1);
    journal.undo(Some(&open[0].id), false).unwrap();
    assert_eq!(fs::read(dir.path().join("app/loot.py")).unwrap(), original);
    assert!(journal.unfinished().unwrap().is_empty());
}

#[test]
fn paths_outside_the_project_are_refused_and_empty_changes_vanish() {
    let (_dir, journal) = project();
    let mut change = journal.begin("fixpoint fix").unwrap();
    assert!(matches!(
        change.write("../evil.py", b"x", &[]),
        Err(JournalError::Refused(fixpoint_paths::Refusal::Outside { .. }))
    ));
    assert!(matches!(
        change.write("/etc/passwd", b"x", &[]),
        Err(JournalError::Refused(fixpoint_paths::Refusal::Outside { .. }))
    ));
    change.finish().unwrap();
    assert!(journal.entries().unwrap().is_empty());
}

/// A finished change to `app/loot.py`; returns its id.
fn one_change(journal: &Journal) -> String {
    let mut change = journal.begin("fixpoint fix").unwrap();
    change.write("app/loot.py", b"fixed\n", &["FP002".into()]).unwrap();
    change.finish().unwrap().id
}

fn manifest_path(dir: &Path, id: &str) -> PathBuf {
    dir.join(".fixpoint/journal").join(id).join("manifest.json")
}

/// Rewrites entry `id`'s manifest through `edit` and seals it again, as an
/// attacker who knows the algorithm would.
fn forge(dir: &Path, id: &str, edit: impl FnOnce(&mut Manifest)) {
    let path = manifest_path(dir, id);
    let mut manifest: Manifest = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
    edit(&mut manifest);
    change::save_manifest(path.parent().unwrap(), &manifest).unwrap();
}

#[test]
fn entries_are_chained_and_verify_names_the_first_broken_one() {
    let (dir, journal) = project();
    let first = one_change(&journal);
    let second = one_change(&journal);
    let third = one_change(&journal);
    let entries = journal.entries().unwrap();
    assert_eq!(entries[2].previous, None);
    assert_eq!(entries[1].previous, entries[2].seal);
    assert_eq!(entries[0].previous, entries[1].seal);
    assert_eq!(
        journal.verify().unwrap(),
        Verified {
            entries: 3,
            unsealed: 0
        }
    );

    // Undoing an old entry changes its state, not its seal.
    journal.undo(Some(&first), true).unwrap();
    assert!(journal.verify().is_ok());

    // An edit by hand, without sealing again.
    let path = manifest_path(dir.path(), &second);
    let text = fs::read_to_string(&path)
        .unwrap()
        .replace("fixpoint fix", "fixpoint fox");
    fs::write(&path, text).unwrap();
    let error = journal.verify().unwrap_err().to_string();
    assert_eq!(
        error,
        format!(
            "journal entry {second} does not prove itself: its manifest does not match its seal (it was edited); nothing was restored (`fixpoint journal --verify` checks every entry)"
        )
    );
    // Sealed again: the next entry no longer follows it.
    forge(dir.path(), &second, |m| m.command = "fixpoint fox".into());
    let error = journal.verify().unwrap_err().to_string();
    assert!(
        error.starts_with(&format!(
            "journal entry {third} does not prove itself: it does not follow"
        )),
        "{error}"
    );
    assert!(journal.undo(None, true).is_err(), "undo refuses a broken chain");

    // A removed entry breaks the chain too.
    let (dir, journal) = project();
    let _ = one_change(&journal);
    let middle = one_change(&journal);
    let last = one_change(&journal);
    fs::remove_dir_all(dir.path().join(".fixpoint/journal").join(&middle)).unwrap();
    let error = journal.verify().unwrap_err().to_string();
    assert!(
        error.starts_with(&format!("journal entry {last} does not prove itself")),
        "{error}"
    );
}

#[test]
fn a_backup_that_is_not_the_recorded_original_is_never_restored() {
    let (dir, journal) = project();
    let id = one_change(&journal);
    let backup = dir.path().join(".fixpoint/journal").join(&id).join("files/0");
    fs::write(&backup, "import os; os.system('evil')\n").unwrap();
    let error = journal.undo(None, false).unwrap_err().to_string();
    assert_eq!(
        error,
        format!(
            "journal entry {id} does not prove itself: the backup of app/loot.py: it does not match the hash the journal recorded; nothing was restored (`fixpoint journal --verify` checks every entry)"
        )
    );
    assert_eq!(fs::read(dir.path().join("app/loot.py")).unwrap(), b"fixed\n");
}

#[test]
fn a_forged_manifest_cannot_copy_files_from_outside_nor_write_into_git() {
    let (dir, journal) = project();
    let outside = tempfile::tempdir().unwrap();
    fs::write(outside.path().join("hostname"), "elsewhere\n").unwrap();
    fs::create_dir_all(dir.path().join(".git")).unwrap();
    fs::write(dir.path().join(".git/config"), "[core]\n").unwrap();

    let id = one_change(&journal);
    let escape = format!("../../../../../../../..{}", outside.path().join("hostname").display());
    forge(dir.path(), &id, |m| m.files[0].backup = Some(escape.clone()));
    let error = journal.undo(None, true).unwrap_err().to_string();
    assert!(error.contains("is not a backup inside the entry"), "{error}");
    assert_eq!(fs::read(dir.path().join("app/loot.py")).unwrap(), b"fixed\n");

    let (dir, journal) = project();
    fs::create_dir_all(dir.path().join(".git")).unwrap();
    fs::write(dir.path().join(".git/config"), "[core]\n").unwrap();
    let id = one_change(&journal);
    forge(dir.path(), &id, |m| m.files[0].path = "./.git/config".into());
    let error = journal.undo(Some(&id), true).unwrap_err().to_string();
    assert_eq!(
        error,
        "`./.git/config` is inside `.git/`, which fixpoint never reads as source nor writes"
    );
    assert_eq!(fs::read_to_string(dir.path().join(".git/config")).unwrap(), "[core]\n");
}

#[test]
fn writes_through_links_are_refused_and_a_removed_link_comes_back_as_a_link() {
    let (dir, journal) = project();
    let outside = tempfile::tempdir().unwrap();
    fs::write(outside.path().join("shared.py"), "x = 1\n").unwrap();
    std::os::unix::fs::symlink(outside.path(), dir.path().join("linked")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("shared.py"), dir.path().join("app/shared.py")).unwrap();

    let mut change = journal.begin("fixpoint fix").unwrap();
    for path in [
        "linked/shared.py",
        "app/shared.py",
        "./.git/config",
        ".fixpoint/x",
        "app/../../x.py",
    ] {
        assert!(
            matches!(change.write(path, b"y = 2\n", &[]), Err(JournalError::Refused(_))),
            "{path}"
        );
    }
    change.remove("app/shared.py", &["rules-migrate".into()]).unwrap();
    change.finish().unwrap();
    assert!(fs::symlink_metadata(dir.path().join("app/shared.py")).is_err());
    assert_eq!(fs::read_to_string(outside.path().join("shared.py")).unwrap(), "x = 1\n");

    journal.undo(None, false).unwrap();
    let restored = dir.path().join("app/shared.py");
    assert!(fs::symlink_metadata(&restored).unwrap().file_type().is_symlink());
    assert_eq!(fs::read_link(&restored).unwrap(), outside.path().join("shared.py"));
}

#[test]
fn temporary_files_are_named_as_fixpoint_s_own() {
    let (dir, journal) = project();
    let _ = one_change(&journal);
    let names: Vec<String> = fs::read_dir(dir.path().join("app"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["loot.py"], "no temporary file stays behind");
    assert!(fixpoint_paths::temp_prefix().starts_with(fixpoint_paths::TEMP_PREFIX));
}
