//! The dev dependencies the generated code needs (`factory-boy`, `faker`),
//! added to the project's dev requirements file or to `pyproject.toml`'s
//! `[dependency-groups] dev` (PEP 735).

use std::path::Path;

/// Pins the generated code is tested with.
pub const PINS: &[(&str, &str)] = &[("factory-boy", "factory-boy>=3.3"), ("faker", "Faker>=30")];

/// The file to change (from the root) and its new text, for the `missing` names.
pub fn add(root: &Path, missing: &[String]) -> Option<(String, String)> {
    let lines: Vec<&str> = PINS
        .iter()
        .filter(|(name, _)| missing.iter().any(|m| m == name))
        .map(|(_, pin)| *pin)
        .collect();
    if lines.is_empty() {
        return None;
    }
    for file in [
        "requirements-dev.txt",
        "dev-requirements.txt",
        "requirements/dev.txt",
        "requirements_dev.txt",
        "requirements-test.txt",
    ] {
        if let Ok(text) = std::fs::read_to_string(root.join(file)) {
            let mut out = text;
            if !out.is_empty() && !out.ends_with('\n') {
                out.push('\n');
            }
            for line in &lines {
                out.push_str(line);
                out.push('\n');
            }
            return Some((file.to_owned(), out));
        }
    }
    let pyproject = std::fs::read_to_string(root.join("pyproject.toml")).unwrap_or_default();
    Some(("pyproject.toml".to_owned(), add_to_pyproject(&pyproject, &lines)))
}

/// Adds the requirements to `[dependency-groups] dev`, creating what is missing;
/// the rest of the text is kept byte for byte.
pub fn add_to_pyproject(text: &str, requirements: &[&str]) -> String {
    let quoted: Vec<String> = requirements.iter().map(|r| format!("\"{r}\"")).collect();
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let table = lines.iter().position(|l| l.trim() == "[dependency-groups]");
    if let Some(table) = table {
        let end = lines[table + 1..]
            .iter()
            .position(|l| l.trim_start().starts_with('['))
            .map_or(lines.len(), |at| table + 1 + at);
        if let Some(dev) = (table + 1..end).find(|&i| {
            let l = lines[i].trim_start();
            l.starts_with("dev") && l[3..].trim_start().starts_with('=')
        }) {
            // `dev = [` ... : insert right after the opening bracket.
            let line = lines[dev];
            let open = line.find('[').map_or(line.len(), |at| at + 1);
            let inserted = if line[open..].trim().starts_with(']') {
                format!("{}{}{}", &line[..open], quoted.join(", "), &line[open..])
            } else if line[open..].trim().is_empty() {
                format!(
                    "{}\n{}",
                    &line[..open],
                    quoted.iter().fold(String::new(), |mut all, q| {
                        all.push_str("    ");
                        all.push_str(q);
                        all.push_str(",\n");
                        all
                    })
                )
                .trim_end_matches('\n')
                .to_owned()
                    + "\n"
            } else {
                format!("{}{}, {}", &line[..open], quoted.join(", "), &line[open..])
            };
            let mut out: String = lines[..dev].concat();
            out.push_str(&inserted);
            out.push_str(&lines[dev + 1..].concat());
            return out;
        }
        let mut out: String = lines[..=table].concat();
        out.push_str("dev = [");
        out.push_str(&quoted.join(", "));
        out.push_str("]\n");
        out.push_str(&lines[table + 1..].concat());
        return out;
    }
    let mut out = text.to_owned();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    if !out.is_empty() {
        out.push('\n');
    }
    out.push_str("[dependency-groups]\ndev = [");
    out.push_str(&quoted.join(", "));
    out.push_str("]\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adds_a_dev_group_or_joins_one() {
        let reqs = ["factory-boy>=3.3", "Faker>=30"];
        let added = add_to_pyproject("[project]\nname = \"x\"\n", &reqs);
        assert_eq!(
            added,
            "[project]\nname = \"x\"\n\n[dependency-groups]\ndev = [\"factory-boy>=3.3\", \"Faker>=30\"]\n"
        );
        let joined = add_to_pyproject("[dependency-groups]\ndev = [\"pytest\"]\n[tool.x]\n", &reqs[..1]);
        assert_eq!(
            joined,
            "[dependency-groups]\ndev = [\"factory-boy>=3.3\", \"pytest\"]\n[tool.x]\n"
        );
        let multiline = add_to_pyproject("[dependency-groups]\ndev = [\n    \"pytest\",\n]\n", &reqs[..1]);
        assert_eq!(
            multiline,
            "[dependency-groups]\ndev = [\n    \"factory-boy>=3.3\",\n    \"pytest\",\n]\n"
        );
        for text in [added, joined, multiline] {
            assert!(text.parse::<toml::Table>().is_ok(), "{text}");
        }
    }
}
