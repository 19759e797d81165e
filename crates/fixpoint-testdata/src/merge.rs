//! Regeneration that keeps what a person wrote: the lines between
//! `# CUSTOM: KEY` and `# END CUSTOM` carry over to the new text under the
//! same key, and fixpoint's block of a conftest (between its begin and end
//! markers) is replaced while every line outside it stays as it is.
//!
//! Lines a person changed anywhere else would be lost, so every generated
//! text ends with a seal: the SHA-256 of the text outside its CUSTOM blocks.
//! A text whose seal no longer matches was edited by hand (see
//! [`Syntax::edits`]).
//!
//! The markers are comments of the generated file's language: [`PYTHON`]
//! for fixtures and seeds, [`MARKDOWN`] for the plan's documents (`.ai/`).

use std::collections::{BTreeMap, BTreeSet};

use sha2::{Digest, Sha256};

pub const BLOCK_BEGIN: &str = "# --- fixpoint testdata: generated fixtures (edit only inside `# CUSTOM` blocks) ---";
pub const BLOCK_END: &str = "# --- fixpoint testdata: end ---";

/// How a generated file's language writes the CUSTOM markers and the seal.
#[derive(Debug, Clone, Copy)]
pub struct Syntax {
    /// Starts a block; the key follows (`# CUSTOM: `).
    custom: &'static str,
    /// Ends a block (the whole line, trimmed).
    end_custom: &'static str,
    /// Starts the seal line; the hash follows.
    seal: &'static str,
    /// What follows the hash on the seal line.
    seal_note: &'static str,
    /// What closes a marker line after its key (` -->` in Markdown).
    close: &'static str,
    /// The line before blocks whose place in the new text is gone.
    orphans: &'static str,
}

/// `# CUSTOM: KEY` ... `# END CUSTOM`.
pub const PYTHON: Syntax = Syntax {
    custom: "# CUSTOM: ",
    end_custom: "# END CUSTOM",
    seal: "# fixpoint testdata sha256: ",
    seal_note: " (of the text outside the CUSTOM blocks; edits there are kept, others need --force)",
    close: "",
    orphans: "# Blocks whose model is gone, kept by fixpoint:",
};

/// `<!-- CUSTOM: KEY -->` ... `<!-- END CUSTOM -->`, invisible when rendered.
pub const MARKDOWN: Syntax = Syntax {
    custom: "<!-- CUSTOM: ",
    end_custom: "<!-- END CUSTOM -->",
    seal: "<!-- fixpoint sha256: ",
    seal_note: " (of the text outside the CUSTOM blocks: write your notes inside them) -->",
    close: " -->",
    orphans: "<!-- Blocks whose place is gone, kept by fixpoint: -->",
};

impl Syntax {
    /// The key of a block's opening line, if it is one.
    fn opening<'t>(&self, trimmed: &'t str) -> Option<&'t str> {
        let key = trimmed.strip_prefix(self.custom)?;
        Some(key.strip_suffix(self.close.trim_start()).unwrap_or(key).trim())
    }

    fn is_seal(&self, trimmed: &str) -> bool {
        trimmed.starts_with(self.seal)
    }

    /// The text a seal covers: without the seal line, every CUSTOM body emptied.
    fn sealed_part(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut inside = false;
        for line in text.split_inclusive('\n') {
            let trimmed = line.trim();
            if inside && trimmed != self.end_custom {
                continue;
            }
            inside = self.opening(trimmed).is_some();
            if !self.is_seal(trimmed) && trimmed != BLOCK_BEGIN && trimmed != BLOCK_END {
                out.push_str(line);
            }
        }
        out
    }

    fn digest(&self, text: &str) -> String {
        use std::fmt::Write as _;
        Sha256::digest(self.sealed_part(text).as_bytes())
            .iter()
            .take(16)
            .fold(String::new(), |mut hex, byte| {
                let _ = write!(hex, "{byte:02x}");
                hex
            })
    }

    /// `text` with its seal as the last line (an older seal replaced).
    pub fn seal(&self, text: &str) -> String {
        let mut out: String = text
            .split_inclusive('\n')
            .filter(|line| !self.is_seal(line.trim()))
            .collect();
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        let hash = self.digest(&out);
        out.push_str(self.seal);
        out.push_str(&hash);
        out.push_str(self.seal_note);
        out.push('\n');
        out
    }

    /// How a person changed a generated text outside its CUSTOM blocks:
    /// `None` when they did not (its seal matches). Otherwise the numbers
    /// (from 1) of its lines that `next` would drop (the edited ones, and
    /// any the models' changes replace: the seal says that the text was
    /// edited, not where); empty when the edit only removed lines.
    /// A text without a seal was not written by fixpoint, or not by this
    /// version: it counts as edited.
    pub fn edits(&self, previous: &str, next: &str) -> Option<Vec<usize>> {
        let recorded = previous
            .lines()
            .rev()
            .find_map(|line| line.trim().strip_prefix(self.seal))
            .and_then(|rest| rest.split_whitespace().next());
        if recorded == Some(self.digest(previous).as_str()) || previous == next {
            return None;
        }
        let kept: BTreeSet<&str> = next.lines().collect();
        let mut inside = false;
        let mut lost = Vec::new();
        for (index, line) in previous.lines().enumerate() {
            let trimmed = line.trim();
            if inside && trimmed != self.end_custom {
                continue;
            }
            inside = self.opening(trimmed).is_some();
            if !self.is_seal(trimmed) && !kept.contains(line) {
                lost.push(index + 1);
            }
        }
        Some(lost)
    }

    /// The custom blocks of a text: key → the lines between the markers.
    pub fn custom_blocks(&self, text: &str) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        let mut current: Option<(String, String)> = None;
        for line in text.split_inclusive('\n') {
            let trimmed = line.trim();
            if let Some((key, body)) = current.as_mut() {
                if trimmed == self.end_custom {
                    out.insert(std::mem::take(key), std::mem::take(body));
                    current = None;
                } else {
                    body.push_str(line);
                }
            } else if let Some(key) = self.opening(trimmed) {
                current = Some((key.to_owned(), String::new()));
            }
        }
        out
    }

    /// `generated` with the bodies of `previous`'s custom blocks put back. A
    /// block whose key the new text no longer has is kept at the end, so
    /// nothing a person wrote is lost.
    pub fn keep_custom(&self, generated: &str, previous: Option<&str>) -> String {
        let Some(previous) = previous else {
            return generated.to_owned();
        };
        let mut blocks = self.custom_blocks(previous);
        let mut out = String::with_capacity(generated.len());
        let mut skipping = false;
        for line in generated.split_inclusive('\n') {
            let trimmed = line.trim();
            if skipping {
                if trimmed == self.end_custom {
                    skipping = false;
                    out.push_str(line);
                }
                continue;
            }
            out.push_str(line);
            if let Some(key) = self.opening(trimmed)
                && let Some(body) = blocks.remove(key)
            {
                out.push_str(&body);
                skipping = true;
            }
        }
        let orphans: Vec<(String, String)> = blocks.into_iter().filter(|(_, body)| !body.trim().is_empty()).collect();
        if !orphans.is_empty() {
            out.push_str("\n\n");
            out.push_str(self.orphans);
            out.push('\n');
            for (key, body) in orphans {
                out.push_str(self.custom);
                out.push_str(&key);
                out.push_str(self.close);
                out.push('\n');
                out.push_str(&body);
                out.push_str(self.end_custom);
                out.push('\n');
            }
        }
        out
    }
}

/// [`Syntax::edits`] for fixpoint's block of a conftest, in the conftest's
/// line numbers; `None` also when it has no block yet (one is appended).
pub fn block_edits(previous: &str, next: &str) -> Option<Vec<usize>> {
    let (start, end) = block_range(previous)?;
    let next = block_range(next).map_or("", |(s, e)| &next[s..e]);
    let offset = previous[..start].lines().count();
    PYTHON
        .edits(&previous[start..end], next)
        .map(|lines| lines.into_iter().map(|line| line + offset).collect())
}

/// The text without fixpoint's block.
pub fn without_block(text: &str) -> String {
    match block_range(text) {
        Some((start, end)) => format!("{}{}", &text[..start], &text[end..]),
        None => text.to_owned(),
    }
}

fn block_range(text: &str) -> Option<(usize, usize)> {
    let start = text.find(BLOCK_BEGIN)?;
    let end = text[start..].find(BLOCK_END).map(|at| start + at + BLOCK_END.len())?;
    let end = if text[end..].starts_with('\n') { end + 1 } else { end };
    Some((start, end))
}

/// `conftest` with fixpoint's block set to `block` (custom blocks kept):
/// replaced where it is, or appended after everything else.
pub fn put_block(conftest: &str, block: &str) -> String {
    let wrapped = |body: &str| format!("{BLOCK_BEGIN}\n{}{BLOCK_END}\n", PYTHON.seal(body));
    match block_range(conftest) {
        Some((start, end)) => {
            let kept = PYTHON.keep_custom(block, Some(&conftest[start..end]));
            format!("{}{}{}", &conftest[..start], wrapped(&kept), &conftest[end..])
        }
        None if conftest.trim().is_empty() => wrapped(block),
        None => {
            let mut out = conftest.to_owned();
            if !out.ends_with('\n') {
                out.push('\n');
            }
            out.push_str("\n\n");
            out.push_str(&wrapped(block));
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn custom_blocks_survive_regeneration() {
        let old = "a\n    # CUSTOM: AFactory\n    x = 1\n    # END CUSTOM\n# CUSTOM: Gone\ny = 2\n# END CUSTOM\n";
        let new = "b\n    # CUSTOM: AFactory\n    # END CUSTOM\n";
        let merged = PYTHON.keep_custom(new, Some(old));
        assert_eq!(
            merged,
            "b\n    # CUSTOM: AFactory\n    x = 1\n    # END CUSTOM\n\n\n# Blocks whose model is gone, kept by fixpoint:\n# CUSTOM: Gone\ny = 2\n# END CUSTOM\n"
        );
        assert_eq!(
            PYTHON.keep_custom(&merged, Some(&merged)),
            merged,
            "a second merge changes nothing"
        );
    }

    #[test]
    fn the_block_is_appended_then_replaced_in_place() {
        let conftest = "import pytest\n\n@pytest.fixture\ndef x(): ...\n";
        let once = put_block(conftest, "one\n# CUSTOM: fixtures\n# END CUSTOM\n");
        assert!(once.starts_with(conftest));
        let edited = once.replace("# CUSTOM: fixtures\n", "# CUSTOM: fixtures\nmine = 1\n");
        let twice = put_block(&format!("{edited}# after\n"), "two\n# CUSTOM: fixtures\n# END CUSTOM\n");
        assert!(twice.starts_with(conftest));
        assert!(twice.contains("two\n# CUSTOM: fixtures\nmine = 1\n# END CUSTOM\n"));
        assert!(!twice.contains("one\n"));
        assert!(twice.ends_with("# after\n"));
        assert_eq!(without_block(&twice), format!("{conftest}\n\n# after\n"));
    }

    #[test]
    fn a_seal_tells_hand_edits_outside_the_custom_blocks() {
        let generated = PYTHON.seal("a = 1\n# CUSTOM: A\n# END CUSTOM\nb = 2\n");
        assert_eq!(PYTHON.seal(&generated), generated, "sealing twice changes nothing");
        let next = PYTHON.seal("a = 1\n# CUSTOM: A\n# END CUSTOM\nb = 3\n");
        assert_eq!(PYTHON.edits(&generated, &next), None, "untouched: regenerate freely");
        let custom = generated.replace("# CUSTOM: A\n", "# CUSTOM: A\nmine = 1\n");
        assert_eq!(
            PYTHON.edits(&custom, &next),
            None,
            "inside a CUSTOM block is kept anyway"
        );
        let edited = generated.replace("a = 1\n", "a = 1\nextra = 9\n");
        assert_eq!(PYTHON.edits(&edited, &generated), Some(vec![2]), "line 2 would be lost");
        // With the models changed too, their changed lines would go as well.
        assert_eq!(PYTHON.edits(&edited, &next), Some(vec![2, 5]));
        assert_eq!(
            PYTHON.edits(&generated.replace("a = 1\n", ""), &generated),
            Some(vec![])
        );
        assert_eq!(
            PYTHON.edits("written = 'by hand'\n", &next),
            Some(vec![1]),
            "no seal: not ours"
        );
        assert_eq!(PYTHON.edits(&next, &next), None);
    }

    #[test]
    fn the_conftest_block_is_sealed_and_its_edits_found_by_conftest_line() {
        let conftest = put_block("import pytest\n", "x = 1\n");
        let next = put_block(&conftest, "x = 2\n");
        assert_eq!(block_edits(&conftest, &next), None);
        let edited = conftest.replace("x = 1\n", "x = 1\ny = 5\n");
        let next = put_block(&edited, "x = 1\n");
        let line = edited.lines().position(|l| l == "y = 5").unwrap() + 1;
        assert_eq!(block_edits(&edited, &next), Some(vec![line]));
        assert_eq!(block_edits("import pytest\n", &next), None, "no block yet: appended");
    }

    #[test]
    fn markdown_blocks_are_html_comments() {
        let generated = MARKDOWN.seal("# Story\n\n<!-- CUSTOM: notes -->\n<!-- END CUSTOM -->\n");
        let mine = generated.replace("<!-- CUSTOM: notes -->\n", "<!-- CUSTOM: notes -->\nAsk Dana first.\n");
        assert_eq!(
            MARKDOWN.edits(&mine, &generated),
            None,
            "notes inside the block are no edit"
        );
        let next = MARKDOWN.seal(&MARKDOWN.keep_custom(
            "# Story, done\n\n<!-- CUSTOM: notes -->\n<!-- END CUSTOM -->\n",
            Some(&mine),
        ));
        assert!(
            next.contains("<!-- CUSTOM: notes -->\nAsk Dana first.\n<!-- END CUSTOM -->\n"),
            "{next}"
        );
        assert_eq!(
            MARKDOWN.edits(&mine.replace("# Story", "# My story"), &next),
            Some(vec![1])
        );
    }
}
