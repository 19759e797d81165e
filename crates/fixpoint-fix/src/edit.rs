use serde::{Deserialize, Serialize};

/// Replaces the bytes `start..end` of a source with `content`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Edit {
    pub start: usize,
    pub end: usize,
    pub content: String,
}

impl Edit {
    pub fn replacement(start: usize, end: usize, content: impl Into<String>) -> Self {
        Self {
            start,
            end,
            content: content.into(),
        }
    }

    pub fn insertion(at: usize, content: impl Into<String>) -> Self {
        Self::replacement(at, at, content)
    }

    pub fn deletion(start: usize, end: usize) -> Self {
        Self::replacement(start, end, "")
    }

    fn overlaps(&self, other: &Edit) -> bool {
        // Two insertions at one point conflict too: their order would be a guess.
        self.start < other.end && other.start < self.end || self.start == other.start
    }
}

/// How sure a fixer is that its fix keeps the code's meaning, as in Ruff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Applicability {
    /// Shown, never applied (the change needs a person's judgement).
    DisplayOnly,
    /// Applied only with `--unsafe-fixes`.
    Unsafe,
    /// Applied by default.
    Safe,
}

/// One fixer's change to one file: all its edits apply, or none do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fix {
    /// The fixer's code, e.g. `FP002`.
    pub code: String,
    pub applicability: Applicability,
    pub edits: Vec<Edit>,
    /// What the fix does, for the log: ``add `from decimal import Decimal` ``.
    pub message: String,
}

impl Fix {
    pub fn new(code: impl Into<String>, applicability: Applicability, edits: Vec<Edit>) -> Self {
        Self {
            code: code.into(),
            applicability,
            edits,
            message: String::new(),
        }
    }

    #[must_use]
    pub fn with_message(mut self, message: impl Into<String>) -> Self {
        self.message = message.into();
        self
    }
}

/// What one pass did to a source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    pub output: String,
    /// Indexes (into the given fixes) of the fixes applied.
    pub applied: Vec<usize>,
    /// Fixes left for the next pass because they overlap one applied before.
    pub deferred: Vec<usize>,
    /// Fixes whose edits fall outside the source or off a character boundary.
    pub invalid: Vec<usize>,
}

/// Applies fixes in one pass: in order of their first edit, skipping any fix
/// that overlaps one already taken (run again to apply those). Bytes outside
/// the edited ranges are kept exactly.
pub fn apply(source: &str, fixes: &[Fix]) -> Applied {
    let mut order: Vec<usize> = (0..fixes.len()).collect();
    order.sort_by_key(|&i| fixes[i].edits.iter().map(|e| e.start).min().unwrap_or(usize::MAX));
    let mut taken: Vec<&Edit> = Vec::new();
    let (mut applied, mut deferred, mut invalid) = (Vec::new(), Vec::new(), Vec::new());
    for index in order {
        let edits = &fixes[index].edits;
        let valid = !edits.is_empty()
            && edits.iter().all(|e| {
                e.start <= e.end
                    && e.end <= source.len()
                    && source.is_char_boundary(e.start)
                    && source.is_char_boundary(e.end)
            })
            && !edits
                .iter()
                .enumerate()
                .any(|(i, a)| edits[i + 1..].iter().any(|b| a.overlaps(b)));
        if !valid {
            invalid.push(index);
        } else if edits.iter().any(|e| taken.iter().any(|t| t.overlaps(e))) {
            deferred.push(index);
        } else {
            taken.extend(edits.iter());
            applied.push(index);
        }
    }
    taken.sort_by_key(|e| (e.start, e.end));
    let mut output = String::with_capacity(source.len());
    let mut at = 0;
    for edit in taken {
        output.push_str(&source[at..edit.start]);
        output.push_str(&edit.content);
        at = edit.end;
    }
    output.push_str(&source[at..]);
    Applied {
        output,
        applied,
        deferred,
        invalid,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fix(edits: Vec<Edit>) -> Fix {
        Fix::new("FP000", Applicability::Safe, edits)
    }

    #[test]
    fn applies_edits_and_keeps_everything_else() {
        let source = "a = 1  # keep me\nb = 2\n";
        let result = apply(
            source,
            &[
                fix(vec![Edit::replacement(4, 5, "10")]),
                fix(vec![Edit::replacement(21, 22, "20")]),
            ],
        );
        assert_eq!(result.output, "a = 10  # keep me\nb = 20\n");
        assert_eq!(result.applied, [0, 1]);
    }

    #[test]
    fn overlapping_fixes_wait_for_the_next_pass() {
        let source = "value = compute()\n";
        let first = fix(vec![Edit::replacement(8, 15, "calc")]);
        let second = fix(vec![Edit::replacement(10, 17, "x()")]);
        let result = apply(source, &[second, first]);
        assert_eq!(result.output, "value = calc()\n");
        assert_eq!((result.applied, result.deferred), (vec![1], vec![0]));
    }

    #[test]
    fn edits_off_the_source_or_inside_a_character_are_refused() {
        let source = "é = 1\n";
        let result = apply(
            source,
            &[
                fix(vec![Edit::insertion(1, "x")]),
                fix(vec![Edit::insertion(99, "x")]),
                fix(vec![]),
            ],
        );
        assert_eq!(result.output, source);
        assert_eq!(result.invalid, [0, 1, 2]);
    }

    #[test]
    fn two_insertions_at_one_point_do_not_both_apply() {
        let result = apply(
            "x\n",
            &[
                fix(vec![Edit::insertion(0, "a\n")]),
                fix(vec![Edit::insertion(0, "b\n")]),
            ],
        );
        assert_eq!(result.output, "a\nx\n");
        assert_eq!(result.deferred, [1]);
    }
}
