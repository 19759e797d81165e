//! Regeneration that keeps what a person wrote: the lines between
//! `# CUSTOM: KEY` and `# END CUSTOM` carry over to the new text under the
//! same key, and fixpoint's block of a conftest (between its begin and end
//! markers) is replaced while every line outside it stays as it is.

use std::collections::BTreeMap;

pub const BLOCK_BEGIN: &str = "# --- fixpoint testdata: generated fixtures (edit only inside `# CUSTOM` blocks) ---";
pub const BLOCK_END: &str = "# --- fixpoint testdata: end ---";
const CUSTOM: &str = "# CUSTOM: ";
const END_CUSTOM: &str = "# END CUSTOM";

/// The custom blocks of a text: key → the lines between the markers.
pub fn custom_blocks(text: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut current: Option<(String, String)> = None;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        if let Some((key, body)) = current.as_mut() {
            if trimmed == END_CUSTOM {
                out.insert(std::mem::take(key), std::mem::take(body));
                current = None;
            } else {
                body.push_str(line);
            }
        } else if let Some(key) = trimmed.strip_prefix(CUSTOM) {
            current = Some((key.trim().to_owned(), String::new()));
        }
    }
    out
}

/// `generated` with the bodies of `previous`'s custom blocks put back. A block
/// whose key the new text no longer has is kept at the end, so nothing a
/// person wrote is lost.
pub fn keep_custom(generated: &str, previous: Option<&str>) -> String {
    let Some(previous) = previous else {
        return generated.to_owned();
    };
    let mut blocks = custom_blocks(previous);
    let mut out = String::with_capacity(generated.len());
    let mut skipping = false;
    for line in generated.split_inclusive('\n') {
        let trimmed = line.trim();
        if skipping {
            if trimmed == END_CUSTOM {
                skipping = false;
                out.push_str(line);
            }
            continue;
        }
        out.push_str(line);
        if let Some(key) = trimmed.strip_prefix(CUSTOM)
            && let Some(body) = blocks.remove(key.trim())
        {
            out.push_str(&body);
            skipping = true;
        }
    }
    let orphans: Vec<(String, String)> = blocks.into_iter().filter(|(_, body)| !body.trim().is_empty()).collect();
    if !orphans.is_empty() {
        out.push_str("\n\n# Blocks whose model is gone, kept by fixpoint:\n");
        for (key, body) in orphans {
            out.push_str(CUSTOM);
            out.push_str(&key);
            out.push('\n');
            out.push_str(&body);
            out.push_str(END_CUSTOM);
            out.push('\n');
        }
    }
    out
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
    let wrapped = |body: &str| format!("{BLOCK_BEGIN}\n{body}{BLOCK_END}\n");
    match block_range(conftest) {
        Some((start, end)) => {
            let kept = keep_custom(block, Some(&conftest[start..end]));
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
        let merged = keep_custom(new, Some(old));
        assert_eq!(
            merged,
            "b\n    # CUSTOM: AFactory\n    x = 1\n    # END CUSTOM\n\n\n# Blocks whose model is gone, kept by fixpoint:\n# CUSTOM: Gone\ny = 2\n# END CUSTOM\n"
        );
        assert_eq!(
            keep_custom(&merged, Some(&merged)),
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
}
