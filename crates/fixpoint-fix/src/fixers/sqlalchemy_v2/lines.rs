//! Rewrites that need to know a receiver's type, which the source does not
//! tell: a test's traceback under 2.0 does. Where a failure was raised at a
//! line of the project (`row["name"]` on a `Row`, a string run on a
//! `Connection`), the target names that line, and the rewrite acts there
//! only. The target carries the line's text, so a line that moved (an
//! import added above it) is still found, and one already rewritten is not.

use fixpoint_python::ast::{Expr, ExprCall, Stmt};
use fixpoint_python::text_size::Ranged;
use fixpoint_triage::traceback::frames;

use super::{ProjectFacts, Target, Work};
use crate::fixers::FailureView;
use crate::{Applicability, Edit};

/// The construct a failure shows at its line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A string run on a `Connection`: `conn.exec_driver_sql(...)`.
    DriverSql,
    /// A string run on a `Session`: `session.execute(text(...))`.
    Text,
    /// `row["col"]` → `row._mapping["col"]`.
    RowSubscript,
    /// `row.keys()` → `row._mapping.keys()`.
    RowKeys,
    /// `dict(row)` → `dict(row._mapping)`.
    RowDict,
    /// `t.select(where)` → `t.select().where(where)` on any receiver.
    LegacyWhere,
    /// `session.transaction` → `session.get_transaction()`.
    SessionTransaction,
    /// `select([...])` and friends by name, whatever the module imports.
    SelectList,
    /// `conn.execute(stmt, a=1)` → `conn.execute(stmt, {"a": 1})`.
    ExecuteKeywords,
    /// `engine.table_names()` → `inspect(engine).get_table_names()`.
    Inspection,
}

const KINDS: &[(Kind, &str)] = &[
    (Kind::DriverSql, "driver-sql"),
    (Kind::Text, "text"),
    (Kind::RowSubscript, "row-subscript"),
    (Kind::RowKeys, "row-keys"),
    (Kind::RowDict, "row-dict"),
    (Kind::LegacyWhere, "legacy-where"),
    (Kind::SessionTransaction, "session-transaction"),
    (Kind::SelectList, "select-list"),
    (Kind::ExecuteKeywords, "execute-keywords"),
    (Kind::Inspection, "inspection"),
];

fn kind_of(failure: &FailureView<'_>) -> Option<Kind> {
    let says =
        |needle: &str| failure.messages().iter().any(|m| m.contains(needle)) || failure.longrepr().contains(needle);
    match failure.category {
        "sqlalchemy-textual-sql" if says("Not an executable object") => Some(Kind::DriverSql),
        "sqlalchemy-textual-sql" => Some(Kind::Text),
        "sqlalchemy-row-mapping" if says("tuple indices must be integers or slices, not str") => {
            Some(Kind::RowSubscript)
        }
        "sqlalchemy-row-mapping" if says("for column 'keys'") => Some(Kind::RowKeys),
        "sqlalchemy-row-mapping" => Some(Kind::RowDict),
        "sqlalchemy-legacy-where" => Some(Kind::LegacyWhere),
        "sqlalchemy-session-transaction" => Some(Kind::SessionTransaction),
        "sqlalchemy-select-list" => Some(Kind::SelectList),
        "sqlalchemy-execute-keywords" => Some(Kind::ExecuteKeywords),
        "sqlalchemy-connectionless"
            if says("object has no attribute 'table_names'") || says("object has no attribute 'has_table'") =>
        {
            Some(Kind::Inspection)
        }
        _ => None,
    }
}

/// The line target of a failure: `kind`, line number and the line's text,
/// one per line of the name.
pub(super) fn line_target(failure: &FailureView<'_>, facts: &ProjectFacts) -> Option<Target> {
    let kind = kind_of(failure)?;
    let (_, label) = KINDS.iter().find(|(k, _)| *k == kind)?;
    // The innermost frame in a file of the project: a compiled extension's
    // frame (`lib/sqlalchemy/cyextension/resultproxy.pyx`) reads as relative.
    let frames = frames(failure.longrepr());
    let (frame, source) = frames.iter().rev().find_map(|frame| {
        facts
            .sources
            .iter()
            .find(|(path, _)| *path == frame.path)
            .map(|(_, source)| (frame, source))
    })?;
    let text = source.lines().nth(frame.line.checked_sub(1)? as usize)?;
    // The string SQLAlchemy refused, as its message quotes it: which
    // `execute` of the line ran it (none when it was not a string).
    let sql = match kind {
        Kind::DriverSql | Kind::Text => Some(refused_sql(failure)?),
        _ => None,
    };
    let mut name = format!("{label}\n{}\n{}", frame.line, text.trim());
    if let Some(sql) = sql {
        name.push('\n');
        name.push_str(&sql);
    }
    Some(Target {
        code: fixpoint_core::FixerCode::SqlalchemyV2,
        path: frame.path.clone(),
        name,
    })
}

/// The start of the SQL string a failure quotes (`Not an executable object:
/// 'SELECT 1'`, `Textual SQL expression 'SELECT ...' should be ...`), without
/// the `...` SQLAlchemy cuts it with.
fn refused_sql(failure: &FailureView<'_>) -> Option<String> {
    let longrepr = failure.longrepr();
    let messages = failure.messages();
    let texts = messages.iter().copied().chain(std::iter::once(longrepr));
    for text in texts {
        for marker in ["Not an executable object: ", "Textual SQL expression "] {
            let Some(at) = text.find(marker) else { continue };
            let rest = &text[at + marker.len()..];
            let quote = rest.chars().next()?;
            if quote != '\'' && quote != '"' {
                return None;
            }
            let body = &rest[1..];
            let end = body.find(quote).unwrap_or(body.len());
            let sql = body[..end].trim_end_matches("...").trim_end();
            return Some(sql.to_owned());
        }
    }
    None
}

/// The byte range of the line `name` points at in the current source: the
/// line with its text nearest to its recorded number.
fn located(source: &str, name: &str) -> Option<(Kind, usize, usize)> {
    let mut parts = name.splitn(4, '\n');
    let label = parts.next()?;
    let kind = KINDS.iter().find(|(_, l)| *l == label)?.0;
    let line: usize = parts.next()?.parse().ok()?;
    let text = parts.next()?;
    let mut best: Option<(usize, usize, usize)> = None;
    let mut start = 0;
    for (index, content) in source.split_inclusive('\n').enumerate() {
        if content.trim() == text {
            let distance = (index + 1).abs_diff(line);
            if best.is_none_or(|(d, _, _)| distance < d) {
                best = Some((distance, start, start + content.len()));
            }
        }
        start += content.len();
    }
    best.map(|(_, start, end)| (kind, start, end))
}

pub(super) fn convert_line(work: &mut Work<'_>, suite: &[Stmt], calls: &[&ExprCall], name: &str) {
    let Some((kind, start, end)) = located(work.source, name) else {
        return;
    };
    let on_line = |range: fixpoint_python::text_size::TextRange| {
        range.start().to_usize() >= start && range.start().to_usize() < end
    };
    match kind {
        Kind::DriverSql | Kind::Text => {
            let sql = name.splitn(4, '\n').nth(3).unwrap_or_default();
            let executes: Vec<&ExprCall> = calls
                .iter()
                .copied()
                .filter(|call| {
                    on_line(call.range())
                        && matches!(call.func.as_ref(), Expr::Attribute(m) if m.attr.as_str() == "execute")
                        && !call.arguments.args.is_empty()
                })
                .collect();
            // The `execute` whose string is the one refused; else the only
            // one on the line whose statement is not a string literal (a
            // variable holding the SQL).
            let literal = |call: &&ExprCall| match &call.arguments.args[0] {
                Expr::StringLiteral(text) => Some(text.value.to_str().to_owned()),
                _ => None,
            };
            let chosen = executes
                .iter()
                .find(|call| literal(call).is_some_and(|text| !sql.is_empty() && text.starts_with(sql)))
                .or_else(|| match &executes[..] {
                    [only] if literal(only).is_none() => Some(only),
                    _ => None,
                });
            if let Some(call) = chosen {
                string_sql(work, call, kind);
            }
        }
        Kind::SelectList => {
            for call in calls.iter().copied().filter(|call| on_line(call.range())) {
                let named = match call.func.as_ref() {
                    Expr::Name(n) => n.id.as_str(),
                    Expr::Attribute(a) => a.attr.as_str(),
                    _ => "",
                };
                if ["select", "case", "exists", "with_only_columns"].contains(&named)
                    && !work.taken.contains(&call.start().to_usize())
                    && let Some(list @ Expr::List(_)) = call.arguments.args.first()
                {
                    super::calls::unwrap_list(work, call, list, "a list of");
                }
            }
        }
        Kind::ExecuteKeywords => {
            for call in calls.iter().copied().filter(|call| on_line(call.range())) {
                if matches!(call.func.as_ref(), Expr::Attribute(m) if m.attr.as_str() == "execute")
                    && !work.taken.contains(&call.start().to_usize())
                {
                    super::calls::execute_keywords(work, call, true);
                }
            }
        }
        Kind::Inspection => {
            for call in calls.iter().copied().filter(|call| on_line(call.range())) {
                if let Expr::Attribute(method) = call.func.as_ref()
                    && matches!(method.attr.as_str(), "table_names" | "has_table")
                    && !work.taken.contains(&call.start().to_usize())
                {
                    let name = method.attr.as_str().to_owned();
                    super::calls::inspection(work, call, &method.value, &name, true);
                }
            }
        }
        Kind::LegacyWhere => {
            for call in calls.iter().copied().filter(|call| on_line(call.range())) {
                if let Expr::Attribute(method) = call.func.as_ref()
                    && matches!(method.attr.as_str(), "select" | "update" | "delete" | "insert")
                    && !work.taken.contains(&call.start().to_usize())
                {
                    let method = method.attr.as_str().to_owned();
                    super::calls::legacy_where(work, call, &method, Applicability::Safe);
                }
            }
        }
        Kind::SessionTransaction => {
            for attribute in super::attributes_in(suite)
                .into_iter()
                .filter(|a| on_line(a.range()) && a.attr.as_str() == "transaction")
            {
                let name = &attribute.attr;
                let receiver = work.text(attribute.value.range()).to_owned();
                work.push(
                    Applicability::Safe,
                    vec![Edit::replacement(
                        name.start().to_usize(),
                        name.end().to_usize(),
                        "get_transaction()",
                    )],
                    format!("`{receiver}.transaction` → `{receiver}.get_transaction()`: 2.0 removed the attribute"),
                    Vec::new(),
                );
            }
        }
        Kind::RowSubscript => {
            let subscripts: Vec<&Expr> = subscripts_in(suite)
                .into_iter()
                .filter(|s| on_line(s.range()))
                .filter_map(|s| match s {
                    // `row["data"]["k"]`: only the innermost reads the row.
                    Expr::Subscript(subscript)
                        if matches!(subscript.slice.as_ref(), Expr::StringLiteral(_))
                            && !is_mapping(&subscript.value)
                            && !matches!(subscript.value.as_ref(), Expr::Subscript(_)) =>
                    {
                        Some(subscript.value.as_ref())
                    }
                    _ => None,
                })
                .collect();
            through_mapping(work, &subscripts, "`{row}[...]` → `{row}._mapping[...]`");
        }
        Kind::RowKeys => {
            let receivers: Vec<&Expr> = calls
                .iter()
                .filter(|call| on_line(call.range()) && call.arguments.args.is_empty())
                .filter_map(|call| match call.func.as_ref() {
                    Expr::Attribute(m) if m.attr.as_str() == "keys" && !is_mapping(&m.value) => Some(m.value.as_ref()),
                    _ => None,
                })
                .collect();
            through_mapping(work, &receivers, "`{row}.keys()` → `{row}._mapping.keys()`");
        }
        Kind::RowDict => {
            let rows: Vec<&Expr> = calls
                .iter()
                .filter(|call| on_line(call.range()) && call.arguments.keywords.is_empty())
                .filter(|call| matches!(call.func.as_ref(), Expr::Name(n) if n.id.as_str() == "dict"))
                .filter_map(|call| match &call.arguments.args[..] {
                    [row] if !is_mapping(row) && !matches!(row, Expr::Dict(_) | Expr::List(_) | Expr::Starred(_)) => {
                        Some(row)
                    }
                    _ => None,
                })
                .collect();
            through_mapping(work, &rows, "`dict({row})` → `dict({row}._mapping)`");
        }
    }
}

/// `x._mapping` already.
fn is_mapping(expr: &Expr) -> bool {
    matches!(expr, Expr::Attribute(a) if a.attr.as_str() == "_mapping")
}

/// Whether an expression reads as a row: a name with `row` in it, or a
/// call that returns one (`result.first()`, `.fetchone()`, `.one()`).
fn looks_like_row(work: &Work<'_>, expr: &Expr) -> bool {
    match expr {
        Expr::Call(call) => matches!(
            call.func.as_ref(),
            Expr::Attribute(m) if matches!(m.attr.as_str(), "first" | "fetchone" | "one" | "one_or_none")
        ),
        _ => super::calls::named_like(work.text(expr.range()), &["row"]),
    }
}

/// Reads each of these rows through `._mapping`: safe where the line holds
/// one candidate (the traceback says it is a `Row`) or the candidate reads
/// as a row, unsafe for the others. `message` names the row `{row}`.
fn through_mapping(work: &mut Work<'_>, rows: &[&Expr], message: &str) {
    let single = rows.len() == 1;
    for row in rows {
        let applicability = if single || looks_like_row(work, row) {
            Applicability::Safe
        } else {
            Applicability::Unsafe
        };
        let end = row.end().to_usize();
        let edit = if matches!(
            row,
            Expr::Name(_) | Expr::Attribute(_) | Expr::Call(_) | Expr::Subscript(_)
        ) {
            Edit::insertion(end, "._mapping")
        } else {
            Edit::replacement(
                row.start().to_usize(),
                end,
                format!("({})._mapping", work.text(row.range())),
            )
        };
        work.push(
            applicability,
            vec![edit],
            format!(
                "{}: a 2.0 `Row` is a named tuple, its mapping view takes names",
                message.replace("{row}", work.text(row.range()))
            ),
            Vec::new(),
        );
    }
}

/// A string statement on the line's `execute`: `exec_driver_sql` on a
/// `Connection` (1.x passed the string to the driver as it is), `text(...)`
/// on a `Session` (1.x wrapped it in `text()` itself).
fn string_sql(work: &mut Work<'_>, call: &ExprCall, kind: Kind) {
    let Expr::Attribute(method) = call.func.as_ref() else {
        return;
    };
    let statement = &call.arguments.args[0];
    // Already `text(...)`: the line still reads the same when the string
    // sits on the next line.
    let declared = matches!(statement, Expr::Call(inner) if matches!(
        inner.func.as_ref(),
        Expr::Name(n) if n.id.as_str() == "text" || n.id.as_str() == "sqlalchemy_text"
    ) || matches!(inner.func.as_ref(), Expr::Attribute(a) if a.attr.as_str() == "text"));
    if declared || work.taken.contains(&call.start().to_usize()) {
        return;
    }
    work.taken.insert(call.start().to_usize());
    if kind == Kind::DriverSql {
        if !call.arguments.keywords.is_empty() {
            return work.report(
                call.start().to_usize(),
                "a string run with keyword parameters: wrap it in `text(...)` and pass the parameters as a dictionary"
                    .to_owned(),
            );
        }
        let attr = &method.attr;
        return work.push(
            Applicability::Safe,
            vec![Edit::replacement(attr.start().to_usize(), attr.end().to_usize(), "exec_driver_sql")],
            "`conn.execute(\"SQL\")` → `conn.exec_driver_sql(\"SQL\")`: 2.0 runs plain strings only through `exec_driver_sql`, as 1.x did".to_owned(),
            Vec::new(),
        );
    }
    let (text, need) = work.names.spelling("text", work.module);
    let statement_text = work.text(statement.range()).to_owned();
    work.push(
        Applicability::Safe,
        vec![Edit::replacement(
            statement.start().to_usize(),
            statement.end().to_usize(),
            format!("{text}({statement_text})"),
        )],
        format!("`session.execute(\"SQL\")` → `session.execute({text}(\"SQL\"))`: 2.0 wants textual SQL declared, as 1.x did implicitly"),
        need.into_iter().collect(),
    );
}

/// Every subscript expression of the module, at any depth.
fn subscripts_in(suite: &[Stmt]) -> Vec<&Expr> {
    super::super::statements::expressions(suite, |expr| matches!(expr, Expr::Subscript(_)).then_some(expr))
}
