//! `.workflow/state-chain/chain.json`: one entry per real event — a run, a
//! verification run, a fix, an undo, a repair attempt — each holding the
//! SHA-256 of its content and the hash of the entry before it.
//!
//! An entry's `hash` is the SHA-256 of its index, kind, source, time,
//! `content_sha256` and `prev_hash`; the first entry's `prev_hash` is 64
//! zeros. Editing an entry's content breaks its `content_sha256`, editing
//! anything else its `hash`, removing or inserting one the next `prev_hash`.
//! A fix entry carries the journal entry's own seal, so the two chains
//! vouch for each other. The chain only grows: a sync appends the events
//! it has not seen, and refuses to append to a broken chain.

use std::collections::BTreeSet;

use fixpoint_fix::journal::{Manifest, State, hash};
use fixpoint_store::{AttemptRow, RunRow};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{read_file, write_file};
use crate::{AppError, Project};

pub const CHAIN_FILE: &str = ".workflow/state-chain/chain.json";
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One link of the chain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub index: u64,
    /// `run`, `verification`, `fix`, `undo` or `repair-attempt`.
    pub kind: String,
    /// What it records, in the history or the journal: `run:12`,
    /// `journal:<id>`, `undo:<id>`, `attempt:3`.
    pub source: String,
    pub at: String,
    pub content: Value,
    pub content_sha256: String,
    pub prev_hash: String,
    pub hash: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Chain {
    pub entries: Vec<Entry>,
}

/// What `fixpoint workflow verify` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainCheck {
    pub entries: usize,
    /// The first broken entry: its index and source, and what is wrong.
    pub broken: Option<Broken>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Broken {
    pub index: u64,
    pub source: String,
    pub reason: String,
}

fn link_hash(index: u64, kind: &str, source: &str, at: &str, content_sha256: &str, prev_hash: &str) -> String {
    let linked = json!({
        "index": index, "kind": kind, "source": source, "at": at,
        "content_sha256": content_sha256, "prev_hash": prev_hash,
    });
    hash(&serde_json::to_vec(&linked).unwrap_or_default())
}

fn content_hash(content: &Value) -> String {
    hash(&serde_json::to_vec(content).unwrap_or_default())
}

/// Reads the chain; a file that is not one is an error that says so.
pub fn read(project: &Project) -> Result<Chain, AppError> {
    match read_file(project, CHAIN_FILE)? {
        None => Ok(Chain::default()),
        Some(text) => {
            serde_json::from_str(&text).map_err(|e| AppError::Usage(format!("{CHAIN_FILE} is not a state chain ({e})")))
        }
    }
}

/// Checks every link of `chain`, oldest first.
pub fn check(chain: &Chain) -> ChainCheck {
    let mut prev = GENESIS.to_owned();
    for (position, entry) in chain.entries.iter().enumerate() {
        let broken = |reason: &str| {
            Some(Broken {
                index: entry.index,
                source: entry.source.clone(),
                reason: reason.to_owned(),
            })
        };
        let reason = if entry.index != position as u64 {
            broken(&format!(
                "it is at position {position}: an entry before it was removed or inserted"
            ))
        } else if entry.prev_hash != prev {
            broken("its prev_hash is not the hash of the entry before it")
        } else if content_hash(&entry.content) != entry.content_sha256 {
            broken("its content does not match its content_sha256: the content was edited")
        } else if link_hash(
            entry.index,
            &entry.kind,
            &entry.source,
            &entry.at,
            &entry.content_sha256,
            &entry.prev_hash,
        ) != entry.hash
        {
            broken("its hash does not match: the entry was edited")
        } else {
            None
        };
        if reason.is_some() {
            return ChainCheck {
                entries: chain.entries.len(),
                broken: reason,
            };
        }
        prev.clone_from(&entry.hash);
    }
    ChainCheck {
        entries: chain.entries.len(),
        broken: None,
    }
}

/// `fixpoint workflow verify`: every link, and every fix entry's
/// `journal_seal` against the journal entry it names, where that still
/// exists (the two chains vouch for each other).
pub fn verify(project: &Project) -> Result<ChainCheck, AppError> {
    if read_file(project, CHAIN_FILE)?.is_none() {
        return Err(AppError::Usage(format!(
            "no state chain ({CHAIN_FILE}): `fixpoint workflow` writes it"
        )));
    }
    let chain = read(project)?;
    let mut checked = check(&chain);
    if checked.broken.is_none() {
        let journal = fixpoint_fix::journal::Journal::new(&project.root).entries()?;
        checked.broken = chain.entries.iter().filter(|e| e.kind == "fix").find_map(|entry| {
            let id = entry.content["journal_id"].as_str()?;
            let manifest = journal.iter().find(|m| m.id == id)?;
            (entry.content["journal_seal"].as_str() != manifest.seal.as_deref()).then(|| Broken {
                index: entry.index,
                source: entry.source.clone(),
                reason: format!("its journal_seal is not the seal of journal entry {id}"),
            })
        });
    }
    Ok(checked)
}

/// The fixpoint command of a recorded command line (`fix` in
/// `/usr/bin/fixpoint --project app fix -q`): its first word after the
/// program that is neither a flag nor a global flag's value.
fn subcommand(command: &str) -> Option<&str> {
    let mut words = command.split_whitespace().skip(1);
    while let Some(word) = words.next() {
        if matches!(word, "--project" | "--python" | "--db") {
            words.next();
        } else if !word.starts_with('-') {
            return Some(word);
        }
    }
    None
}

/// An event not yet in the chain.
struct Event {
    kind: &'static str,
    source: String,
    at: String,
    content: Value,
}

/// Appends every event of the history and the journal the chain does not
/// hold yet, oldest first; returns how many.
pub(super) fn append(
    project: &Project,
    runs: &[RunRow],
    journal: &[Manifest],
    attempts: &[AttemptRow],
) -> Result<usize, AppError> {
    let mut chain = read(project)?;
    if let Some(broken) = check(&chain).broken {
        return Err(AppError::Usage(format!(
            "the state chain is broken at entry {} ({}): {}; nothing was appended (`fixpoint workflow verify` shows it, `fixpoint workflow --clean-workflow` starts it again)",
            broken.index, broken.source, broken.reason
        )));
    }
    // An event is its source and its time: a history made again numbers its
    // runs from 1, and those are new events.
    let known: BTreeSet<(&str, &str)> = chain
        .entries
        .iter()
        .map(|e| (e.source.as_str(), e.at.as_str()))
        .collect();
    let mut events: Vec<Event> = Vec::new();
    for run in runs {
        let verification = matches!(subcommand(&run.command), Some("fix" | "repair" | "migrate"));
        events.push(Event {
            kind: if verification { "verification" } else { "run" },
            source: format!("run:{}", run.id),
            at: run.finished_at.clone(),
            content: json!({
                "run_id": run.id,
                "command": run.command,
                "source": run.source,
                "git_commit": run.git_commit,
                "whole_suite": run.is_whole_suite(),
                "total": run.counts.total,
                "passed": run.counts.passed,
                "failed": run.counts.failed,
                "error": run.counts.error,
                "skipped": run.counts.skipped,
                "flaky": run.counts.flaky,
            }),
        });
    }
    for entry in journal.iter().filter(|m| m.state != State::Open) {
        events.push(Event {
            kind: "fix",
            source: format!("journal:{}", entry.id),
            at: entry.created_at.clone(),
            content: json!({
                "journal_id": entry.id,
                "command": entry.command,
                "codes": entry.codes(),
                "files": entry.files.iter().map(|f| json!({"path": f.path, "before": f.before, "after": f.after})).collect::<Vec<_>>(),
                "journal_seal": entry.seal,
            }),
        });
        if entry.state == State::Undone {
            events.push(Event {
                kind: "undo",
                source: format!("undo:{}", entry.id),
                at: entry.undone_at.clone().unwrap_or_else(|| entry.created_at.clone()),
                content: json!({
                    "journal_id": entry.id,
                    "refused": entry.refused,
                }),
            });
        }
    }
    for attempt in attempts {
        events.push(Event {
            kind: "repair-attempt",
            source: format!("attempt:{}", attempt.id),
            at: attempt.finished_at.clone(),
            content: json!({
                "attempt_id": attempt.id,
                "nodeid": attempt.nodeid,
                "pattern": attempt.pattern,
                "attempt": attempt.attempt,
                "provider": attempt.provider,
                "model": attempt.model,
                "verdict": attempt.verdict,
                "reason": attempt.reason,
                "prompt_tokens": attempt.prompt_tokens,
                "completion_tokens": attempt.completion_tokens,
                "diff_sha256": hash(attempt.diff.as_bytes()),
                "journal_id": attempt.journal_id,
                "run_id": attempt.run_id,
            }),
        });
    }
    events.retain(|event| !known.contains(&(event.source.as_str(), event.at.as_str())));
    // Oldest first. In the same millisecond an undo goes before the next
    // fix (verification takes a trial back, then writes the next), except
    // that an entry's own fix always precedes its undo.
    let order = |kind: &str| match kind {
        "undo" => 0,
        "fix" => 1,
        _ => 2,
    };
    let journal_id = |event: &Event| event.source.split_once(':').map(|(_, id)| id.to_owned());
    events.sort_by(|a, b| {
        a.at.cmp(&b.at).then_with(|| {
            let own = journal_id(a) == journal_id(b) && a.kind != b.kind && [a.kind, b.kind].contains(&"undo");
            if own {
                // fix:X before undo:X
                order(b.kind).cmp(&order(a.kind))
            } else {
                order(a.kind).cmp(&order(b.kind)).then(a.source.cmp(&b.source))
            }
        })
    });
    let added = events.len();
    for event in events {
        let index = chain.entries.len() as u64;
        let prev_hash = chain
            .entries
            .last()
            .map_or_else(|| GENESIS.to_owned(), |e| e.hash.clone());
        let content_sha256 = content_hash(&event.content);
        let hash = link_hash(index, event.kind, &event.source, &event.at, &content_sha256, &prev_hash);
        chain.entries.push(Entry {
            index,
            kind: event.kind.to_owned(),
            source: event.source,
            at: event.at,
            content: event.content,
            content_sha256,
            prev_hash,
            hash,
        });
    }
    if added > 0 || read_file(project, CHAIN_FILE)?.is_none() {
        let text = serde_json::to_string_pretty(&chain).unwrap_or_default() + "\n";
        write_file(project, CHAIN_FILE, &text)?;
    }
    Ok(added)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{Chain, Entry, GENESIS, check, content_hash, link_hash, subcommand};

    fn chain_of(contents: &[serde_json::Value]) -> Chain {
        let mut chain = Chain::default();
        for (index, content) in contents.iter().enumerate() {
            let index = index as u64;
            let prev_hash = chain
                .entries
                .last()
                .map_or_else(|| GENESIS.to_owned(), |e: &Entry| e.hash.clone());
            let content_sha256 = content_hash(content);
            let at = format!("2026-12-07T10:00:0{index}.000Z");
            let source = format!("run:{}", index + 1);
            chain.entries.push(Entry {
                hash: link_hash(index, "run", &source, &at, &content_sha256, &prev_hash),
                index,
                kind: "run".to_owned(),
                source,
                at,
                content: content.clone(),
                content_sha256,
                prev_hash,
            });
        }
        chain
    }

    #[test]
    fn every_kind_of_edit_names_the_entry_it_broke() {
        let chain = chain_of(&[json!({"passed": 1}), json!({"passed": 2}), json!({"passed": 3})]);
        assert_eq!(check(&chain).broken, None);
        let broken = |edit: fn(&mut Chain)| {
            let mut chain = chain_of(&[json!({"passed": 1}), json!({"passed": 2}), json!({"passed": 3})]);
            edit(&mut chain);
            let broken = check(&chain).broken.unwrap();
            (broken.index, broken.source, broken.reason)
        };
        let (index, source, reason) = broken(|c| c.entries[1].content = json!({"passed": 20}));
        assert_eq!((index, source.as_str()), (1, "run:2"));
        assert!(reason.contains("content was edited"), "{reason}");
        let (index, _, reason) = broken(|c| c.entries[2].kind = "fix".to_owned());
        assert_eq!(index, 2);
        assert!(reason.contains("its hash does not match"), "{reason}");
        let (index, _, reason) = broken(|c| {
            c.entries.remove(0);
        });
        assert_eq!(index, 1);
        assert!(reason.contains("removed or inserted"), "{reason}");
        // Rewriting an entry whole, with its hashes made again, breaks the next link.
        let (index, _, reason) = broken(|c| {
            let content = json!({"passed": 99});
            let entry = &mut c.entries[1];
            entry.content_sha256 = content_hash(&content);
            entry.content = content;
            entry.hash = link_hash(
                1,
                "run",
                &entry.source,
                &entry.at,
                &entry.content_sha256,
                &entry.prev_hash,
            );
        });
        assert_eq!(index, 2);
        assert!(reason.contains("prev_hash"), "{reason}");
    }

    #[test]
    fn the_subcommand_of_a_recorded_command_line() {
        assert_eq!(subcommand("/work/target/fixpoint fix -q"), Some("fix"));
        assert_eq!(
            subcommand("fixpoint --project ./app --db x.db repair tests/a.py::t"),
            Some("repair")
        );
        assert_eq!(subcommand("fixpoint -q run -k fix"), Some("run"));
        assert_eq!(subcommand("fixpoint"), None);
    }
}
