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
}

const KINDS: &[(Kind, &str)] = &[
    (Kind::DriverSql, "driver-sql"),
    (Kind::Text, "text"),
    (Kind::RowSubscript, "row-subscript"),
    (Kind::RowKeys, "row-keys"),
    (Kind::RowDict, "row-dict"),
    (Kind::LegacyWhere, "legacy-where"),
    (Kind::SessionTransaction, "session-transaction"),
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
    Some(Target {
        code: fixpoint_core::FixerCode::SqlalchemyV2,
        path: frame.path.clone(),
        name: format!("{label}\n{}\n{}", frame.line, text.trim()),
    })
}

/// The byte range of the line `name` points at in the current source: the
/// line with its text nearest to its recorded number.
fn located(source: &str, name: &str) -> Option<(Kind, usize, usize)> {
    let mut parts = name.splitn(3, '\n');
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
            let Some(call) = calls.iter().copied().find(|call| {
                on_line(call.range())
                    && matches!(call.func.as_ref(), Expr::Attribute(m) if m.attr.as_str() == "execute")
                    && !call.arguments.args.is_empty()
            }) else {
                return;
            };
            string_sql(work, call, kind);
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
                    Expr::Subscript(subscript)
                        if matches!(subscript.slice.as_ref(), Expr::StringLiteral(_))
                            && !is_mapping(&subscript.value) =>
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
        _ => work.text(expr.range()).to_lowercase().contains("row"),
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
