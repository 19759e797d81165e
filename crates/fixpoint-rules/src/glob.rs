//! The glob patterns rules use: `*` (within a path segment), `?`, `**`
//! (any number of segments), `{a,b}` alternatives and `[...]` classes,
//! matched against `/`-separated paths relative to the project root. A
//! pattern without a `/` matches the file name at any depth, as in
//! `.gitignore` and Cursor.

/// Whether `path` matches `pattern`.
pub fn matches(pattern: &str, path: &str) -> bool {
    expand_braces(pattern).iter().any(|pattern| {
        let pattern = pattern.trim_start_matches("./");
        let anchored = if pattern.contains('/') {
            pattern.to_owned()
        } else {
            format!("**/{pattern}")
        };
        let wanted: Vec<&str> = anchored.split('/').collect();
        let parts: Vec<&str> = path.split('/').collect();
        segments(&wanted, &parts)
    })
}

fn segments(pattern: &[&str], path: &[&str]) -> bool {
    match pattern.split_first() {
        None => path.is_empty(),
        Some((&"**", rest)) => (0..=path.len()).any(|skip| segments(rest, &path[skip..])),
        Some((first, rest)) => match path.split_first() {
            Some((name, tail)) => segment(first.as_bytes(), name.as_bytes()) && segments(rest, tail),
            None => false,
        },
    }
}

/// One segment: `*`, `?` and `[...]`.
fn segment(pattern: &[u8], name: &[u8]) -> bool {
    match pattern.split_first() {
        None => name.is_empty(),
        Some((b'*', rest)) => (0..=name.len()).any(|skip| segment(rest, &name[skip..])),
        Some((b'?', rest)) => !name.is_empty() && segment(rest, &name[1..]),
        Some((b'[', rest)) => {
            let Some(close) = rest.iter().position(|&c| c == b']') else {
                return name.first() == Some(&b'[') && segment(rest, &name[1..]);
            };
            let (class, after) = (&rest[..close], &rest[close + 1..]);
            let Some((&c, tail)) = name.split_first() else {
                return false;
            };
            let (negated, class) = match class.first() {
                Some(b'!' | b'^') => (true, &class[1..]),
                _ => (false, class),
            };
            let mut hit = false;
            let mut i = 0;
            while i < class.len() {
                if i + 2 < class.len() && class[i + 1] == b'-' {
                    hit |= class[i] <= c && c <= class[i + 2];
                    i += 3;
                } else {
                    hit |= class[i] == c;
                    i += 1;
                }
            }
            hit != negated && segment(after, tail)
        }
        Some((&p, rest)) => name.first() == Some(&p) && segment(rest, &name[1..]),
    }
}

/// `a/{b,c}/*.{py,pyi}` → the four patterns it stands for.
fn expand_braces(pattern: &str) -> Vec<String> {
    let Some(open) = pattern.find('{') else {
        return vec![pattern.to_owned()];
    };
    let Some(close) = pattern[open..].find('}').map(|c| c + open) else {
        return vec![pattern.to_owned()];
    };
    let (head, tail) = (&pattern[..open], &pattern[close + 1..]);
    pattern[open + 1..close]
        .split(',')
        .flat_map(|choice| expand_braces(&format!("{head}{choice}{tail}")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn matches_as_cursor_and_gitignore_do() {
        assert!(matches("**/*.py", "app/models/user.py"));
        assert!(matches("**/*.py", "setup.py"));
        assert!(matches("*.py", "app/models/user.py"), "no slash: any depth");
        assert!(matches("app/**/*.py", "app/x.py"));
        assert!(matches("app/**/*.py", "app/a/b/x.py"));
        assert!(!matches("app/*.py", "app/a/x.py"));
        assert!(matches("src/**/*.{ts,tsx}", "src/ui/app.tsx"));
        assert!(matches("tests/test_?.py", "tests/test_a.py"));
        assert!(matches("tests/test_[ab].py", "tests/test_b.py"));
        assert!(!matches("tests/test_[!ab].py", "tests/test_b.py"));
        assert!(!matches("docs/*.md", "app/x.py"));
    }
}
