//! A failure's fingerprint: what stays the same when the same cause breaks
//! another test, or the same test again tomorrow.

use sha2::{Digest, Sha256};

use crate::catalog::Category;
use crate::failure::Failure;

/// Categories whose cause is the missing thing itself, wherever it is
/// imported or requested from: their failures group across locations.
/// A model's ignored v1 `class Config` fails wherever the model is used.
const LOCATION_FREE: [&str; 6] = [
    "module-not-found",
    "import-missing-name",
    "circular-import",
    "fixture-not-found",
    "timeout",
    "pydantic-v1-config",
];

/// `category | exception | masked headline | innermost project file:function`.
pub fn fingerprint(category: &Category, failure: &Failure<'_>) -> String {
    let location = if LOCATION_FREE.contains(&category.id) {
        String::new()
    } else {
        crate::traceback::innermost_project_frame(&failure.frames)
            .map(|frame| format!("{}:{}", frame.path, frame.function))
            .unwrap_or_default()
    };
    format!(
        "{}|{}|{}|{}",
        category.id,
        failure.short_exception(),
        mask(failure.headline()),
        location
    )
}

/// A short stable id for a fingerprint: `P` and six hex digits.
pub fn pattern_id(fingerprint: &str) -> String {
    let digest = Sha256::digest(fingerprint.as_bytes());
    format!("P{:02x}{:02x}{:02x}", digest[0], digest[1], digest[2])
}

/// Masks what changes from run to run: numbers, addresses, temporary paths
/// and ids. Digits inside names (`table_2`, `sha256`) are kept.
pub fn mask(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    let mut at = 0;
    while at < chars.len() {
        let c = chars[at];
        let previous = at.checked_sub(1).map(|p| chars[p]);
        let word_before = previous.is_some_and(|p| p.is_alphanumeric() || p == '_');
        // Absolute paths differ between machines and checkouts: temporary
        // ones go whole, others keep their file name.
        if c == '/' && !word_before && previous.is_none_or(|p| !matches!(p, '/' | '.')) {
            let end = chars[at..]
                .iter()
                .position(|ch| ch.is_whitespace() || matches!(ch, '\'' | '"' | ')' | ',' | ']' | ':'))
                .map_or(chars.len(), |len| at + len);
            let path: String = chars[at..end].iter().collect();
            // An installed file is the same file wherever the environment is.
            let installed = ["/site-packages/", "/dist-packages/"]
                .iter()
                .find_map(|marker| path.find(marker).map(|at| &path[at + 1..]));
            if let Some(installed) = installed {
                out.push_str("<env>/");
                out.push_str(installed);
                at = end;
                continue;
            }
            if path.matches('/').count() >= 2 {
                let temporary = ["/tmp/", "/var/folders/", "/private/var/"]
                    .iter()
                    .any(|p| path.starts_with(p));
                if temporary {
                    out.push_str("<tmp>");
                } else {
                    out.push_str(".../");
                    out.push_str(path.rsplit('/').next().unwrap_or_default());
                }
                at = end;
                continue;
            }
        }
        if c.is_ascii_digit() && !word_before {
            // 0x7f3a..., 1234, 3.25, or a uuid-looking run of hex and dashes.
            let mut end = at;
            let hex = c == '0' && chars.get(at + 1) == Some(&'x');
            if hex {
                end += 2;
                while end < chars.len() && chars[end].is_ascii_hexdigit() {
                    end += 1;
                }
                out.push_str("0x?");
            } else {
                while end < chars.len() && (chars[end].is_ascii_hexdigit() || chars[end] == '.' || chars[end] == '-') {
                    end += 1;
                }
                // Trailing dots and dashes belong to the sentence, not the number.
                while end > at + 1 && matches!(chars[end - 1], '.' | '-') {
                    end -= 1;
                }
                let token: String = chars[at..end].iter().collect();
                let after: String = chars[end..chars.len().min(end + 2)].iter().collect();
                let wordlike = token.chars().all(|ch| ch.is_ascii_digit())
                    && (["st", "nd", "rd", "th"].contains(&after.as_str())
                        || after.starts_with('d') && after[1..].starts_with(|ch: char| ch.is_ascii_digit()));
                if wordlike || token.chars().any(|ch| ch.is_ascii_alphabetic()) && token.len() < 8 {
                    // `2d6`, `3rd`, `1st`: part of a word after all.
                    out.push_str(&token);
                } else {
                    out.push('N');
                }
            }
            at = end;
            continue;
        }
        out.push(c);
        at += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_volatile_parts_and_keeps_names() {
        assert_eq!(mask("assert 15 == 12"), "assert N == N");
        assert_eq!(mask("<Session object at 0x7fd376db0350>"), "<Session object at 0x?>");
        assert_eq!(
            mask("No such file: '/tmp/pytest-of-root/pytest-7/test_x0/data.json'"),
            "No such file: '<tmp>'"
        );
        assert_eq!(
            mask("Table 'roll_logs2' is already defined"),
            "Table 'roll_logs2' is already defined"
        );
        assert_eq!(
            mask("took 3.25s, id 5f0c2a1e-9b7d-4c1e-8f3a-2b6d9e0a1c3f."),
            "took Ns, id N."
        );
        assert_eq!(mask("roll 2d6 for the 3rd time"), "roll 2d6 for the 3rd time");
        assert_eq!(
            mask("1 validation error for CharacterRead"),
            "N validation error for CharacterRead"
        );
        assert_eq!(
            mask("cannot import name 'x' from 'app.loot' (/home/ci/build/app/loot.py)"),
            "cannot import name 'x' from 'app.loot' (.../loot.py)"
        );
        assert_eq!(
            mask(
                "cannot import name 'X' from 'pydantic' (/tmp/a/.venv/lib/python3.11/site-packages/pydantic/__init__.py)"
            ),
            mask(
                "cannot import name 'X' from 'pydantic' (/home/b/venv/lib/python3.11/site-packages/pydantic/__init__.py)"
            )
        );
        assert_eq!(mask("ratio 1/2 and a/b"), "ratio N/N and a/b");
    }

    #[test]
    fn pattern_ids_are_short_and_stable() {
        assert_eq!(pattern_id("x"), pattern_id("x"));
        assert_ne!(pattern_id("x"), pattern_id("y"));
        assert_eq!(pattern_id("x").len(), 7);
    }
}
