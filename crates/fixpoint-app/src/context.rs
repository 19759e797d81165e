//! `fixpoint context`: the files an LLM needs, packed into one document
//! within a token budget: the files under some paths (honouring
//! `.gitignore`), or, for a failing test, the test, the project files its
//! traceback passes through and the modules it imports. Secrets are
//! redacted and `.env` files never included.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use fixpoint_repair::Redactor;
use fixpoint_repair::prompt::estimate_tokens;
use fixpoint_repair::redact::is_dotenv;
use serde::Serialize;

use crate::{AppError, Project};

/// Files larger than this are left out whole (generated or data files).
const MAX_FILE_BYTES: u64 = 512 * 1024;

#[derive(Debug, Clone, Serialize)]
pub struct PackedFile {
    pub path: String,
    /// Estimated at 4 characters a token.
    pub tokens: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Context {
    pub budget: usize,
    pub tokens: usize,
    pub files: Vec<PackedFile>,
    /// Files that did not fit, with their size.
    pub omitted: Vec<PackedFile>,
}

/// What to pack.
#[derive(Debug, Clone)]
pub enum Selection {
    /// Files and directories, relative to the project (all of it when empty).
    Paths(Vec<String>),
    /// A failing test of the history.
    For(String),
}

pub fn pack(
    project: &Project,
    store: Option<&mut dyn fixpoint_store::Store>,
    selection: &Selection,
    budget: usize,
) -> Result<Context, AppError> {
    let root = &project.root;
    let candidates: Vec<String> = match selection {
        Selection::Paths(paths) => {
            let paths = crate::paths::selection(project, paths)?;
            let ignore = GitIgnore::read(root);
            fixpoint_rules::project_files(root)
                .into_iter()
                .filter(|file| crate::paths::selects(&paths, file))
                .filter(|file| !ignore.ignores(file))
                .collect()
        }
        Selection::For(nodeid) => {
            let store = store.ok_or_else(|| AppError::Usage("--for needs the history".into()))?;
            crate::repair::context_paths(project, store, nodeid)?
        }
    };
    let policy = crate::paths::policy(project)?;
    let redactor = Redactor::new(root, std::env::vars());
    let mut context = Context {
        budget,
        tokens: 0,
        files: Vec::new(),
        omitted: Vec::new(),
    };
    for path in candidates {
        let name = path.rsplit('/').next().unwrap_or(&path);
        if is_dotenv(name) {
            continue;
        }
        // Never through a link out of the project, nor from `.git/` or an environment.
        let Ok(full) = policy.readable(&path) else { continue };
        if fs::metadata(&full).map_or(true, |m| m.len() > MAX_FILE_BYTES) {
            continue;
        }
        let Ok(bytes) = fs::read(&full) else { continue };
        // Text only: a NUL byte says binary.
        if bytes.contains(&0) {
            continue;
        }
        let text = redactor.redact(&String::from_utf8_lossy(&bytes));
        let tokens = estimate_tokens(&text);
        if context.tokens + tokens > budget {
            context.omitted.push(PackedFile {
                path,
                tokens,
                content: None,
            });
            continue;
        }
        context.tokens += tokens;
        context.files.push(PackedFile {
            path,
            tokens,
            content: Some(text),
        });
    }
    Ok(context)
}

/// The document in `format`: `markdown`, `xml` or `json`.
pub fn render(context: &Context, format: &str) -> String {
    match format {
        "json" => serde_json::to_string_pretty(context).unwrap_or_default() + "\n",
        "xml" => {
            let mut out = format!(
                "<context tokens=\"{}\" budget=\"{}\" files=\"{}\">\n",
                context.tokens,
                context.budget,
                context.files.len()
            );
            for file in &context.files {
                let text = file
                    .content
                    .as_deref()
                    .unwrap_or_default()
                    .replace("]]>", "]]]]><![CDATA[>");
                let _ = writeln!(
                    out,
                    "<file path=\"{}\" tokens=\"{}\"><![CDATA[{text}]]></file>",
                    xml_attribute(&file.path),
                    file.tokens
                );
            }
            for file in &context.omitted {
                let _ = writeln!(
                    out,
                    "<omitted path=\"{}\" tokens=\"{}\"/>",
                    xml_attribute(&file.path),
                    file.tokens
                );
            }
            out.push_str("</context>\n");
            out
        }
        _ => {
            let mut out = format!(
                "# Context: {} files, {} tokens (of a {} budget)\n",
                context.files.len(),
                context.tokens,
                context.budget
            );
            for file in &context.files {
                let text = file.content.as_deref().unwrap_or_default();
                let fence = if text.contains("```") { "````" } else { "```" };
                let language = match file.path.rsplit_once('.').map(|(_, e)| e) {
                    Some("py") => "python",
                    Some("toml") => "toml",
                    Some("md") => "markdown",
                    Some("json") => "json",
                    Some("yaml" | "yml") => "yaml",
                    _ => "",
                };
                let _ = write!(
                    out,
                    "\n## {} ({} tokens)\n\n{fence}{language}\n{}\n{fence}\n",
                    file.path,
                    file.tokens,
                    text.trim_end()
                );
            }
            if !context.omitted.is_empty() {
                out.push_str("\n## Left out (over the budget)\n\n");
                for file in &context.omitted {
                    let _ = writeln!(out, "- {} ({} tokens)", file.path, file.tokens);
                }
            }
            out
        }
    }
}

fn xml_attribute(text: &str) -> String {
    text.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;")
}

/// The root `.gitignore`'s patterns: `*` globs, `dir/` for directories,
/// `/x` anchored at the root, and `!x` to take a file back.
struct GitIgnore {
    patterns: Vec<(String, bool, bool)>,
}

impl GitIgnore {
    fn read(root: &Path) -> Self {
        let text = fs::read_to_string(root.join(".gitignore")).unwrap_or_default();
        let patterns = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(|line| {
                let (negated, line) = line.strip_prefix('!').map_or((false, line), |rest| (true, rest));
                let directory = line.ends_with('/');
                (line.trim_end_matches('/').to_owned(), directory, negated)
            })
            .collect();
        Self { patterns }
    }

    fn ignores(&self, file: &str) -> bool {
        let mut ignored = false;
        for (pattern, directory, negated) in &self.patterns {
            let anchored = pattern.strip_prefix('/');
            let glob = anchored.unwrap_or(pattern);
            // A pattern matches the file or one of its parent directories.
            let parts: Vec<&str> = file.split('/').collect();
            let hit = (1..=parts.len()).any(|n| {
                let prefix = parts[..n].join("/");
                let is_dir = n < parts.len();
                if *directory && !is_dir {
                    return false;
                }
                // Anchored (`/x`) or with a slash inside: from the root only.
                if anchored.is_some() && !glob.contains('/') {
                    !prefix.contains('/') && fixpoint_rules::glob::matches(glob, &prefix)
                } else {
                    fixpoint_rules::glob::matches(glob, &prefix)
                }
            });
            if hit {
                ignored = !negated;
            }
        }
        ignored
    }
}

#[cfg(test)]
mod tests {
    use super::GitIgnore;

    #[test]
    fn honours_gitignore_patterns() {
        let ignore = GitIgnore {
            patterns: vec![
                ("*.log".into(), false, false),
                ("build".into(), true, false),
                ("/secret.txt".into(), false, false),
                ("keep.log".into(), false, true),
            ],
        };
        assert!(ignore.ignores("app/debug.log"));
        assert!(!ignore.ignores("app/keep.log"));
        assert!(ignore.ignores("build/out.py"));
        assert!(ignore.ignores("sub/build/out.py"));
        assert!(!ignore.ignores("build.py"));
        assert!(ignore.ignores("secret.txt"));
        assert!(!ignore.ignores("docs/secret.txt"));
        assert!(!ignore.ignores("app/main.py"));
    }
}
