//! Reading pytest's traceback text: its frames, which of them are the
//! project's own, and a version trimmed to those.

/// One frame of a traceback.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Frame {
    /// As pytest printed it: relative to the rootdir for the project's files.
    pub path: String,
    pub line: u32,
    /// The function, or `<module>` for code run at import.
    pub function: String,
}

impl Frame {
    /// A frame in the project's own code: a relative path outside any
    /// virtual environment or installed package.
    pub fn is_project(&self) -> bool {
        is_project_path(&self.path)
    }
}

pub fn is_project_path(path: &str) -> bool {
    !path.starts_with('/')
        && !path.starts_with('<')
        && !path.contains("site-packages")
        && !path.contains("dist-packages")
        && !path.starts_with(".venv/")
        && !path.starts_with("venv/")
        && !path.contains("/lib/python")
}

/// `path.py:12: in name` (short and collection tracebacks) or, closing an
/// entry of a long traceback, `path.py:12: ` / `path.py:12: ExceptionType`.
fn location(line: &str) -> Option<(&str, u32, Option<&str>)> {
    let (path, rest) = line.split_once(".py:")?;
    if path.is_empty() || path.contains(' ') {
        return None;
    }
    let (number, tail) = rest.split_once(':')?;
    let number: u32 = number.parse().ok()?;
    let function = tail.trim().strip_prefix("in ").map(str::trim);
    Some((&line[..path.len() + 3], number, function))
}

/// The frames of a pytest traceback, outermost first.
pub fn frames(text: &str) -> Vec<Frame> {
    let mut frames = Vec::new();
    let mut last_def: Option<String> = None;
    for line in text.lines() {
        let trimmed = line.trim_start_matches(['>', ' ']);
        if let Some(rest) = trimmed
            .strip_prefix("def ")
            .or_else(|| trimmed.strip_prefix("async def "))
        {
            last_def = rest.split('(').next().map(|name| name.trim().to_owned());
            continue;
        }
        if line.starts_with("_ _ _") {
            last_def = None;
            continue;
        }
        if let Some((path, number, function)) = location(line) {
            let function = function
                .map(str::to_owned)
                .or_else(|| last_def.take())
                .unwrap_or_else(|| "<module>".to_owned());
            frames.push(Frame {
                path: path.to_owned(),
                line: number,
                function,
            });
        }
    }
    frames
}

/// The innermost frame in the project's own code.
pub fn innermost_project_frame(frames: &[Frame]) -> Option<&Frame> {
    frames.iter().rev().find(|frame| frame.is_project())
}

/// The traceback with library frames folded away: what a developer reads
/// first. Entries located outside the project become one `[... N library
/// frames ...]` line; the `E` lines that say what went wrong are always kept.
///
/// pytest writes two styles: collection and `--tb=short` tracebacks start
/// each entry with `path:line: in function`; long ones end each entry with
/// `path:line: ` and separate entries with `_ _ _` lines.
pub fn trim_to_project(text: &str) -> String {
    let lines: Vec<&str> = text.lines().filter(|line| !line.starts_with("_ _ _")).collect();
    let location_first = lines
        .iter()
        .any(|line| location(line).is_some_and(|(_, _, function)| function.is_some()));
    let mut entries: Vec<(Option<&str>, Vec<&str>)> = Vec::new();
    let mut current: (Option<&str>, Vec<&str>) = (None, Vec::new());
    for line in lines {
        let place = location(line).map(|(path, _, _)| path);
        if location_first && place.is_some() {
            if !current.1.is_empty() {
                entries.push(std::mem::take(&mut current));
            }
            current = (place, vec![line]);
        } else {
            current.1.push(line);
            if !location_first && place.is_some() {
                current.0 = place;
                entries.push(std::mem::take(&mut current));
            }
        }
    }
    if !current.1.is_empty() {
        entries.push(current);
    }
    let mut out: Vec<String> = Vec::new();
    let mut hidden = 0_usize;
    let mut hidden_errors: Vec<&str> = Vec::new();
    let flush = |out: &mut Vec<String>, hidden: &mut usize, errors: &mut Vec<&str>| {
        if *hidden > 0 {
            out.push(format!(
                "[... {hidden} library frame{} ...]",
                if *hidden == 1 { "" } else { "s" }
            ));
            out.extend(errors.drain(..).map(str::to_owned));
            *hidden = 0;
        }
    };
    for (path, entry) in entries {
        if path.is_none_or(is_project_path) {
            flush(&mut out, &mut hidden, &mut hidden_errors);
            out.extend(entry.iter().map(|line| (*line).to_owned()));
        } else {
            hidden += 1;
            hidden_errors.extend(entry.iter().filter(|line| line.starts_with("E ")));
        }
    }
    flush(&mut out, &mut hidden, &mut hidden_errors);
    while out.first().is_some_and(|line| line.trim().is_empty()) {
        out.remove(0);
    }
    out.join("\n")
}

/// The `E   ` lines of a traceback, without the prefix.
pub fn error_lines(text: &str) -> Vec<&str> {
    text.lines()
        .filter_map(|line| {
            line.strip_prefix('E')
                .filter(|rest| rest.starts_with(' '))
                .map(str::trim)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLLECTION: &str = "tests/models/test_roll_log.py:4: in <module>\n    from models.roll_log import RollLog\ndreamforge/models/roll_log.py:21: in <module>\n    class RollLog(Base):\n.venv/lib/python3.11/site-packages/sqlalchemy/orm/decl_api.py:846: in __init_subclass__\n    _as_declarative(cls._sa_registry, cls, cls.__dict__)\n.venv/lib/python3.11/site-packages/sqlalchemy/sql/schema.py:461: in _new\n    raise exc.InvalidRequestError(\nE   sqlalchemy.exc.InvalidRequestError: Table 'roll_logs' is already defined for this MetaData instance.";

    const LONG: &str = "    def test_inventory_value_in_gold(session, party, gear):\n>       assert inventory_value(fighter) == Decimal(\"16\")\n\ntests/services/test_loot.py:60: \n_ _ _ _ _ _ _ _\n\ncharacter = Character(id=1)\n\n    def inventory_value(character: Character) -> Decimal:\n>       total = Decimal(0)\nE       NameError: name 'Decimal' is not defined\n\ndreamforge/services/loot.py:57: NameError";

    #[test]
    fn reads_frames_of_both_traceback_styles() {
        let frames = frames(COLLECTION);
        assert_eq!(frames.len(), 4);
        assert_eq!(
            (frames[1].path.as_str(), frames[1].line, frames[1].function.as_str()),
            ("dreamforge/models/roll_log.py", 21, "<module>")
        );
        assert_eq!(
            innermost_project_frame(&frames).unwrap().path,
            "dreamforge/models/roll_log.py"
        );

        let frames = super::frames(LONG);
        let names: Vec<(&str, u32, &str)> = frames
            .iter()
            .map(|f| (f.path.as_str(), f.line, f.function.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                ("tests/services/test_loot.py", 60, "test_inventory_value_in_gold"),
                ("dreamforge/services/loot.py", 57, "inventory_value")
            ]
        );
    }

    #[test]
    fn trimming_folds_library_frames_and_keeps_the_error() {
        let trimmed = trim_to_project(COLLECTION);
        assert!(
            trimmed.contains("dreamforge/models/roll_log.py:21: in <module>"),
            "{trimmed}"
        );
        assert!(!trimmed.contains("decl_api.py"), "{trimmed}");
        assert!(
            trimmed.contains("    class RollLog(Base):\n[... 2 library frames ...]"),
            "{trimmed}"
        );
        assert!(
            trimmed.ends_with("is already defined for this MetaData instance."),
            "{trimmed}"
        );
        let long = trim_to_project(LONG);
        assert!(long.contains("dreamforge/services/loot.py:57: NameError"), "{long}");
        assert!(!long.contains("library frame"), "{long}");
    }

    #[test]
    fn project_paths() {
        assert!(is_project_path("dreamforge/db.py"));
        assert!(!is_project_path(".venv/lib/python3.11/site-packages/x.py"));
        assert!(!is_project_path("/usr/lib/python3.11/importlib/__init__.py"));
        assert!(!is_project_path("<frozen importlib._bootstrap>"));
    }
}
