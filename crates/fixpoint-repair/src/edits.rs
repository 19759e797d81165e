//! The edit format the model answers in: search/replace blocks, each after
//! the line that names its file (Aider's format).
//!
//! ````text
//! app/dice.py
//! ```python
//! <<<<<<< SEARCH
//!     return rng.randrange(1, sides)
//! =======
//!     return rng.randrange(1, sides + 1)
//! >>>>>>> REPLACE
//! ```
//! ````
//!
//! Parsing is tolerant: fences are optional, the file line may be wrapped in
//! backticks or bold, markers may have 5 to 9 characters. Applying is exact
//! first; failing that, the search text is matched line by line ignoring
//! trailing whitespace, then ignoring a uniform difference of indentation
//! (the replacement is re-indented by the same amount). A search that matches
//! in more than one place is refused rather than guessed.

use std::collections::BTreeMap;

/// One search/replace block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditBlock {
    /// As the model wrote it (relative to the project root, `/`-separated).
    pub path: String,
    /// Empty: create the file.
    pub search: String,
    pub replace: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("the answer has no SEARCH/REPLACE block")]
    NoBlocks,
    #[error("a SEARCH/REPLACE block does not name its file on the line before it")]
    NoPath,
    #[error("a SEARCH/REPLACE block for {path} is not closed with `>>>>>>> REPLACE`")]
    Unclosed { path: String },
    #[error("{path}: no such file (an empty SEARCH creates a file; a non-empty one needs the file to exist)")]
    NoFile { path: String },
    #[error("{path}: an empty SEARCH would create the file, but it exists")]
    Exists { path: String },
    #[error("{path}: the SEARCH text was not found:\n{search}")]
    NotFound { path: String, search: String },
    #[error("{path}: the SEARCH text matches {count} places; include more lines so it matches one:\n{search}")]
    Ambiguous { path: String, search: String, count: usize },
}

/// Reads every block out of a model's answer.
pub fn parse(answer: &str) -> Result<Vec<EditBlock>, EditError> {
    let lines: Vec<&str> = answer.lines().collect();
    let mut blocks = Vec::new();
    let mut index = 0;
    let mut last_path: Option<String> = None;
    while index < lines.len() {
        if !is_marker(lines[index], '<', Some("SEARCH")) {
            index += 1;
            continue;
        }
        let path = path_before(&lines[..index])
            .or_else(|| last_path.clone())
            .ok_or(EditError::NoPath)?;
        let mut search = Vec::new();
        let mut replace = Vec::new();
        let mut in_replace = false;
        let mut closed = false;
        index += 1;
        while index < lines.len() {
            let line = lines[index];
            index += 1;
            if !in_replace && is_marker(line, '=', None) {
                in_replace = true;
            } else if in_replace && is_marker(line, '>', Some("REPLACE")) {
                closed = true;
                break;
            } else if in_replace {
                replace.push(line);
            } else {
                search.push(line);
            }
        }
        if !closed {
            return Err(EditError::Unclosed { path });
        }
        blocks.push(EditBlock {
            path: path.clone(),
            search: join(&search),
            replace: join(&replace),
        });
        last_path = Some(path);
    }
    if blocks.is_empty() {
        return Err(EditError::NoBlocks);
    }
    Ok(blocks)
}

fn join(lines: &[&str]) -> String {
    if lines.is_empty() {
        return String::new();
    }
    let mut text = lines.join("\n");
    text.push('\n');
    text
}

/// `<<<<<<< SEARCH`, `=======`, `>>>>>>> REPLACE`, with 5 to 9 marker characters.
fn is_marker(line: &str, mark: char, word: Option<&str>) -> bool {
    let line = line.trim();
    let count = line.chars().take_while(|&c| c == mark).count();
    if !(5..=9).contains(&count) {
        return false;
    }
    let rest = line[count..].trim();
    match word {
        Some(word) => rest.eq_ignore_ascii_case(word),
        None => rest.is_empty(),
    }
}

/// The nearest line above a block that names a file: skips blank lines and
/// fences, strips backticks, bold, a `File:` label and a trailing colon.
fn path_before(lines: &[&str]) -> Option<String> {
    for line in lines.iter().rev() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            continue;
        }
        let mut name = trimmed
            .trim_start_matches('#')
            .trim()
            .trim_matches(|c| c == '`' || c == '*')
            .trim();
        for label in ["File:", "file:", "Path:", "path:"] {
            if let Some(rest) = name.strip_prefix(label) {
                name = rest.trim().trim_matches(|c| c == '`' || c == '*').trim();
            }
        }
        let name = name.trim_end_matches(':').trim();
        let looks_like_path = !name.is_empty()
            && !name.contains(char::is_whitespace)
            && (name.contains('.') || name.contains('/'))
            && !is_marker(name, '>', Some("REPLACE"));
        return looks_like_path.then(|| name.to_owned());
    }
    None
}

/// Applies the blocks to the files they name; `read` gives a file's current
/// text (`None`: it does not exist). Returns the new text of every file
/// touched, in path order, or the first block that cannot apply.
pub fn apply(
    blocks: &[EditBlock],
    read: &mut dyn FnMut(&str) -> Option<String>,
) -> Result<BTreeMap<String, String>, EditError> {
    let mut files: BTreeMap<String, String> = BTreeMap::new();
    for block in blocks {
        let current = match files.get(&block.path) {
            Some(text) => Some(text.clone()),
            None => read(&block.path),
        };
        let updated = match current {
            None if block.search.trim().is_empty() => block.replace.clone(),
            None => {
                return Err(EditError::NoFile {
                    path: block.path.clone(),
                });
            }
            Some(_) if block.search.trim().is_empty() => {
                return Err(EditError::Exists {
                    path: block.path.clone(),
                });
            }
            Some(text) => replace_once(&text, block)?,
        };
        files.insert(block.path.clone(), updated);
    }
    Ok(files)
}

fn replace_once(text: &str, block: &EditBlock) -> Result<String, EditError> {
    let ambiguous = |count| EditError::Ambiguous {
        path: block.path.clone(),
        search: block.search.clone(),
        count,
    };
    let count = text.matches(block.search.as_str()).count();
    if count == 1 {
        return Ok(text.replacen(block.search.as_str(), &block.replace, 1));
    }
    if count > 1 {
        return Err(ambiguous(count));
    }
    for loose in [Loose::TrailingWhitespace, Loose::Indentation] {
        let found = line_matches(text, &block.search, loose);
        match found.as_slice() {
            [] => {}
            [(start, end, indent)] => return Ok(splice(text, *start, *end, &block.replace, indent)),
            more => return Err(ambiguous(more.len())),
        }
    }
    Err(EditError::NotFound {
        path: block.path.clone(),
        search: block.search.clone(),
    })
}

#[derive(Clone, Copy)]
enum Loose {
    TrailingWhitespace,
    Indentation,
}

/// How to re-indent a replacement: the search's indentation and the file's.
type Reindent = Option<(String, String)>;

/// Every run of lines (as line indices `start..end`) that the search's lines
/// match under `loose`.
fn line_matches(text: &str, search: &str, loose: Loose) -> Vec<(usize, usize, Reindent)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut wanted: Vec<&str> = search.lines().collect();
    while wanted.first().is_some_and(|l| l.trim().is_empty()) {
        wanted.remove(0);
    }
    while wanted.last().is_some_and(|l| l.trim().is_empty()) {
        wanted.pop();
    }
    if wanted.is_empty() || wanted.len() > lines.len() {
        return Vec::new();
    }
    let indent_of = |line: &str| line[..line.len() - line.trim_start().len()].to_owned();
    let first_wanted = wanted.iter().find(|l| !l.trim().is_empty()).copied().unwrap_or("");
    let mut found = Vec::new();
    for start in 0..=lines.len() - wanted.len() {
        let window = &lines[start..start + wanted.len()];
        let matched = match loose {
            Loose::TrailingWhitespace => window.iter().zip(&wanted).all(|(a, b)| a.trim_end() == b.trim_end()),
            Loose::Indentation => {
                let first_here = window
                    .iter()
                    .zip(&wanted)
                    .find(|(_, w)| !w.trim().is_empty())
                    .map_or("", |(a, _)| *a);
                let (theirs, ours) = (indent_of(first_wanted), indent_of(first_here));
                window.iter().zip(&wanted).all(|(a, b)| {
                    if b.trim().is_empty() {
                        return a.trim().is_empty();
                    }
                    match (a.strip_prefix(ours.as_str()), b.strip_prefix(theirs.as_str())) {
                        (Some(a), Some(b)) => a.trim_end() == b.trim_end(),
                        _ => false,
                    }
                })
            }
        };
        if matched {
            let reindent = match loose {
                Loose::TrailingWhitespace => None,
                Loose::Indentation => Some((
                    indent_of(first_wanted),
                    indent_of(
                        window
                            .iter()
                            .zip(&wanted)
                            .find(|(_, w)| !w.trim().is_empty())
                            .map_or("", |(a, _)| *a),
                    ),
                )),
            };
            found.push((start, start + wanted.len(), reindent));
        }
    }
    found
}

/// Replaces lines `start..end` of `text` with `replacement`, re-indented.
fn splice(text: &str, start: usize, end: usize, replacement: &str, reindent: &Reindent) -> String {
    let mut out = String::with_capacity(text.len() + replacement.len());
    let mut replaced = false;
    for (index, line) in text.split_inclusive('\n').enumerate() {
        if index < start || index >= end {
            out.push_str(line);
            continue;
        }
        if replaced {
            continue;
        }
        replaced = true;
        for new_line in replacement.split_inclusive('\n') {
            match reindent {
                Some((theirs, ours)) if !new_line.trim().is_empty() => match new_line.strip_prefix(theirs.as_str()) {
                    Some(rest) => {
                        out.push_str(ours);
                        out.push_str(rest);
                    }
                    None => out.push_str(new_line),
                },
                _ => out.push_str(new_line),
            }
        }
        if !replacement.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(path: &str, text: &str, answer: &str) -> Result<String, EditError> {
        let blocks = parse(answer)?;
        let files = apply(&blocks, &mut |p| (p == path).then(|| text.to_owned()))?;
        Ok(files[path].clone())
    }

    const DICE: &str = "def roll_die(rng, sides):\n    return rng.randrange(1, sides)\n\n\ndef other():\n    pass\n";

    #[test]
    fn applies_a_fenced_block() {
        let answer = "Here is the fix.\n\napp/dice.py\n```python\n<<<<<<< SEARCH\n    return rng.randrange(1, sides)\n=======\n    return rng.randrange(1, sides + 1)\n>>>>>>> REPLACE\n```\n";
        let fixed = one("app/dice.py", DICE, answer).unwrap();
        assert!(fixed.contains("randrange(1, sides + 1)"), "{fixed}");
        assert!(fixed.ends_with("def other():\n    pass\n"));
    }

    #[test]
    fn reads_the_file_name_in_backticks_bold_or_after_a_label() {
        for name in [
            "`app/dice.py`",
            "**app/dice.py**",
            "File: app/dice.py",
            "### app/dice.py:",
        ] {
            let answer = format!("{name}\n<<<<<<< SEARCH\ndef other():\n=======\ndef renamed():\n>>>>>>> REPLACE\n");
            assert_eq!(parse(&answer).unwrap()[0].path, "app/dice.py", "{name}");
        }
    }

    #[test]
    fn tolerates_trailing_whitespace_and_shifted_indentation() {
        let answer = "app/dice.py\n<<<<<<< SEARCH\nreturn rng.randrange(1, sides)   \n=======\nreturn rng.randrange(1, sides + 1)\n>>>>>>> REPLACE\n";
        let fixed = one("app/dice.py", DICE, answer).unwrap();
        assert!(fixed.contains("\n    return rng.randrange(1, sides + 1)\n"), "{fixed}");
    }

    #[test]
    fn refuses_what_it_cannot_place() {
        let missing = "app/dice.py\n<<<<<<< SEARCH\nnot there\n=======\nx\n>>>>>>> REPLACE\n";
        assert!(matches!(
            one("app/dice.py", DICE, missing),
            Err(EditError::NotFound { .. })
        ));
        let twice = "app/dice.py\n<<<<<<< SEARCH\n    pass\n=======\n    return 1\n>>>>>>> REPLACE\n";
        let text = "def a():\n    pass\n\ndef b():\n    pass\n";
        assert!(matches!(
            one("app/dice.py", text, twice),
            Err(EditError::Ambiguous { count: 2, .. })
        ));
        assert_eq!(parse("just prose"), Err(EditError::NoBlocks));
        assert!(matches!(
            parse("app/dice.py\n<<<<<<< SEARCH\nx\n=======\ny\n"),
            Err(EditError::Unclosed { .. })
        ));
        assert_eq!(
            parse("<<<<<<< SEARCH\nx\n=======\ny\n>>>>>>> REPLACE\n"),
            Err(EditError::NoPath)
        );
    }

    #[test]
    fn an_empty_search_creates_a_file_and_later_blocks_see_earlier_ones() {
        let answer = "new/mod.py\n<<<<<<< SEARCH\n=======\nX = 1\n>>>>>>> REPLACE\n\nnew/mod.py\n<<<<<<< SEARCH\nX = 1\n=======\nX = 2\n>>>>>>> REPLACE\n";
        let files = apply(&parse(answer).unwrap(), &mut |_| None).unwrap();
        assert_eq!(files["new/mod.py"], "X = 2\n");
        let exists = "a.py\n<<<<<<< SEARCH\n=======\nX = 1\n>>>>>>> REPLACE\n";
        assert!(matches!(one("a.py", "Y = 1\n", exists), Err(EditError::Exists { .. })));
    }
}
