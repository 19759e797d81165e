//! Splitting a group's argument strings the way a POSIX shell would.

/// Splits `-k "a and b"` into `["-k", "a and b"]`: whitespace separates words,
/// single and double quotes group them, a backslash escapes the next character.
pub fn split_words(text: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some('"') | None, '\\') => {
                if let Some(next) = chars.next() {
                    word.push(next);
                    in_word = true;
                }
            }
            (Some(_), c) => word.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                in_word = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            (None, c) => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if quote.is_some() {
        return Err(format!("unclosed quote in `{text}`"));
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::split_words;

    #[test]
    fn splits_like_a_shell() {
        assert_eq!(split_words("tests/models").unwrap(), ["tests/models"]);
        assert_eq!(split_words("-m db").unwrap(), ["-m", "db"]);
        assert_eq!(
            split_words(r#"-k "slow and not db""#).unwrap(),
            ["-k", "slow and not db"]
        );
        assert_eq!(split_words(r"-k 'it''s' a\ b").unwrap(), ["-k", "its", "a b"]);
        assert_eq!(split_words("  ").unwrap(), Vec::<String>::new());
        assert!(split_words("-k 'open").is_err());
    }
}
