//! Secrets never enter a prompt. A [`Redactor`] knows the values to hide
//! (environment variables whose names say they hold a secret, every value in
//! the project's `.env` files) and also hides anything shaped like a known
//! kind of key (`sk-...`, `ghp_...`, `AKIA...`), wherever it appears: a
//! traceback that printed an environment variable, a source file with a
//! token pasted in.

use std::fs;
use std::path::Path;

/// What replaces a secret.
pub const REDACTED: &str = "[REDACTED]";

/// Parts of environment variable names that mark a secret.
const SECRET_NAME_PARTS: [&str; 9] = [
    "KEY",
    "TOKEN",
    "SECRET",
    "PASSWORD",
    "PASSWD",
    "CREDENTIAL",
    "AUTH",
    "PRIVATE",
    "SESSION",
];

/// Prefixes of well-known credentials; a word that starts with one and is
/// long enough is hidden even when its value is known nowhere else.
const KEY_PREFIXES: [&str; 9] = [
    "sk-",
    "sk_live_",
    "rk_live_",
    "ghp_",
    "gho_",
    "github_pat_",
    "glpat-",
    "xoxb-",
    "AKIA",
];

/// Values shorter than this are not treated as secrets (`DEBUG=1`).
const MIN_SECRET_LEN: usize = 6;

#[derive(Debug, Clone, Default)]
pub struct Redactor {
    /// Longest first, so that a secret containing another is hidden whole.
    secrets: Vec<String>,
}

impl Redactor {
    /// The secrets of `environment` (name/value pairs) and of the `.env`
    /// files at the project root (`.env`, `.env.local`, `.env.test`, ...).
    pub fn new(root: &Path, environment: impl IntoIterator<Item = (String, String)>) -> Self {
        let mut secrets: Vec<String> = environment
            .into_iter()
            .filter(|(name, _)| is_secret_name(name))
            .map(|(_, value)| value)
            .collect();
        if let Ok(entries) = fs::read_dir(root) {
            for entry in entries.flatten() {
                let name = entry.file_name();
                if is_dotenv(&name.to_string_lossy())
                    && let Ok(text) = fs::read_to_string(entry.path())
                {
                    secrets.extend(dotenv_values(&text));
                }
            }
        }
        secrets.retain(|value| value.len() >= MIN_SECRET_LEN);
        secrets.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        secrets.dedup();
        Self { secrets }
    }

    /// `text` with every known secret and every key-shaped word replaced.
    pub fn redact(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for secret in &self.secrets {
            if out.contains(secret.as_str()) {
                out = out.replace(secret.as_str(), REDACTED);
            }
        }
        redact_key_shapes(&out)
    }
}

/// `.env`, `.env.local`, ... but not `.envrc` or `.environment`.
pub fn is_dotenv(file_name: &str) -> bool {
    file_name == ".env" || file_name.starts_with(".env.")
}

fn is_secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    SECRET_NAME_PARTS.iter().any(|part| upper.contains(part))
}

/// The values of `NAME=value` lines (`export` and quotes allowed).
fn dotenv_values(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| {
            let line = line.trim();
            let line = line.strip_prefix("export ").unwrap_or(line);
            if line.starts_with('#') {
                return None;
            }
            let (_, value) = line.split_once('=')?;
            let value = value.trim().trim_matches(|c| c == '"' || c == '\'');
            (!value.is_empty()).then(|| value.to_owned())
        })
        .collect()
}

fn redact_key_shapes(text: &str) -> String {
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(is_word) {
        out.push_str(&rest[..start]);
        let word_len = rest[start..].find(|c: char| !is_word(c)).unwrap_or(rest.len() - start);
        let word = &rest[start..start + word_len];
        if word.len() >= 20 && KEY_PREFIXES.iter().any(|prefix| word.starts_with(prefix)) {
            out.push_str(REDACTED);
        } else {
            out.push_str(word);
        }
        rest = &rest[start + word_len..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hides_secret_environment_values_and_dotenv_values() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(
            dir.path().join(".env"),
            "# local\nDATABASE_URL=postgres://u:hunter22@db/x\nexport NAME='plain-looking-value'\nDEBUG=1\n",
        )
        .unwrap();
        let redactor = Redactor::new(
            dir.path(),
            [
                ("SERVICE_API_KEY".to_owned(), "canary-1234".to_owned()),
                ("HOME".to_owned(), "/home/someone".to_owned()),
            ],
        );
        let text = "key canary-1234 url postgres://u:hunter22@db/x name plain-looking-value home /home/someone debug=1";
        let clean = redactor.redact(text);
        assert!(!clean.contains("canary-1234"), "{clean}");
        assert!(!clean.contains("hunter22"), "{clean}");
        assert!(!clean.contains("plain-looking-value"), "{clean}");
        assert!(clean.contains("/home/someone"), "{clean}");
        assert!(clean.contains("debug=1"), "{clean}");
    }

    #[test]
    fn hides_key_shaped_words() {
        let redactor = Redactor::default();
        let clean = redactor.redact("token = \"sk-proj-abcdefghijklmnopqrstuvwxyz\" and sk-short");
        assert_eq!(clean, "token = \"[REDACTED]\" and sk-short");
    }

    #[test]
    fn names_dotenv_files() {
        assert!(is_dotenv(".env") && is_dotenv(".env.local"));
        assert!(!is_dotenv(".envrc") && !is_dotenv("env.py"));
    }
}
