//! The calls whose 1.x form 2.0 refuses, rewritten where the call is known
//! to be SQLAlchemy's: list arguments, keyword parameters, the engine's
//! inspection methods, and the legacy positional `whereclause`.

use std::collections::BTreeSet;

use fixpoint_python::ast::{Expr, ExprCall, Stmt};
use fixpoint_python::text_size::Ranged;

use super::{Work, keyword};
use crate::{Applicability, Edit};

/// `select()`'s 1.x keywords and the method each becomes.
const SELECT_KEYWORDS: &[(&str, &str)] = &[
    ("whereclause", "where"),
    ("from_obj", "select_from"),
    ("group_by", "group_by"),
    ("having", "having"),
    ("order_by", "order_by"),
    ("limit", "limit"),
    ("offset", "offset"),
];

/// Keywords of `Connection.execute` / `Session.execute` in 2.0: a call that
/// passes one already speaks 2.0.
const EXECUTE_KEYWORDS: &[&str] = &[
    "parameters",
    "params",
    "execution_options",
    "bind_arguments",
    "mapper",
    "clause",
    "_parent_execute_state",
    "_add_event",
];

pub(super) fn convert_calls(work: &mut Work<'_>, suite: &[Stmt], calls: &[&ExprCall]) {
    let tables = table_names(work, suite, calls);
    for &call in calls {
        if work.taken.contains(&call.start().to_usize()) {
            continue;
        }
        let func = call.func.as_ref();
        if work.names.is(func, "select") {
            select_list(work, call);
        } else if ["exists", "case"].iter().any(|name| work.names.is(func, name)) {
            if let Some(list) = list_argument(call) {
                unwrap_list(work, call, list, "a list of");
            }
        } else if let Expr::Attribute(method) = func {
            match method.attr.as_str() {
                // A select's method, where the receiver shows it is one.
                "with_only_columns" if work.text(method.value.range()).contains("select(") => {
                    if let Some(list) = list_argument(call) {
                        unwrap_list(work, call, list, "a list of");
                    }
                }
                "execute" => execute_keywords(work, call, false),
                "table_names" | "has_table" => inspection(work, call, &method.value, method.attr.as_str(), false),
                "select" | "update" | "delete" | "insert" if is_table(&method.value, &tables) => {
                    legacy_where(work, call, method.attr.as_str(), Applicability::Safe);
                }
                _ => {}
            }
        }
        if work.names.is(func, "Table") {
            autoload_beside_autoload_with(work, call);
        }
        if work.names.is(func, "mapper") && call.arguments.args.len() >= 2 {
            classical_mapping(work, call);
        }
        if ["Session", "sessionmaker", "scoped_session"]
            .iter()
            .any(|name| work.names.is(func, name))
            && let Some(autocommit) = keyword(call, "autocommit")
        {
            let at = autocommit.start().to_usize();
            work.report(
                at,
                "`autocommit=True` is gone in 2.0: a session always works in a transaction; commit it (`session.commit()`) or use `with session.begin():`".to_owned(),
            );
        }
    }
}

/// The single list (or list comprehension) argument of a call.
fn list_argument(call: &ExprCall) -> Option<&Expr> {
    match call.arguments.args.first() {
        Some(first @ (Expr::List(_) | Expr::ListComp(_))) => Some(first),
        _ => None,
    }
}

/// The edits that spread a list argument: its brackets go (with a trailing
/// comma inside them, which the call's own would double), a comprehension
/// is starred.
pub(super) fn spread(list: &Expr) -> Vec<Edit> {
    let start = list.start().to_usize();
    let end = list.end().to_usize();
    match list {
        Expr::ListComp(_) => vec![Edit::insertion(start, "*")],
        Expr::List(items) => match items.elts.last() {
            Some(final_item) => vec![
                Edit::deletion(start, start + 1),
                Edit::deletion(final_item.end().to_usize(), end),
            ],
            None => vec![Edit::deletion(start, end)],
        },
        _ => Vec::new(),
    }
}

/// `f([a, b], ...)` → `f(a, b, ...)`; `f([x for x in y])` → `f(*[x for x in y])`.
pub(super) fn unwrap_list(work: &mut Work<'_>, call: &ExprCall, list: &Expr, what: &str) {
    let items_end = match list {
        Expr::List(items) => items.elts.last().map_or(list.end(), Ranged::end).to_usize(),
        _ => list.end().to_usize(),
    };
    if work.has_comment(items_end, list.end().to_usize()) {
        return;
    }
    let edits = spread(list);
    let function = work.text(call.func.range()).to_owned();
    work.taken.insert(call.start().to_usize());
    work.push(
        Applicability::Safe,
        edits,
        format!("`{function}({what} ...)` → `{function}(...)`: 2.0 takes them as positional arguments"),
        Vec::new(),
    );
}

/// `select([cols], whereclause, from_obj=..., order_by=[...])` →
/// `select(cols).where(whereclause).select_from(...).order_by(...)`.
fn select_list(work: &mut Work<'_>, call: &ExprCall) {
    let Some(list) = list_argument(call) else { return };
    let arguments = &call.arguments;
    let mut methods: Vec<String> = Vec::new();
    let positional = [("whereclause", "where"), ("from_obj", "select_from")];
    if arguments.args.len() > 1 + positional.len() || arguments.args[1..].iter().any(|a| matches!(a, Expr::Starred(_)))
    {
        return work.report(
            call.start().to_usize(),
            "`select([...], ...)` with more than a whereclause and from_obj: rewrite it as `select(...).where(...)` by hand".to_owned(),
        );
    }
    for (argument, (_, method)) in arguments.args[1..].iter().zip(positional) {
        methods.push(method_call(work, method, argument));
    }
    for keyword in &arguments.keywords {
        let Some(name) = keyword.arg.as_ref().map(fixpoint_python::ast::Identifier::as_str) else {
            return work.report(
                call.start().to_usize(),
                "`select([...], **kwargs)`: its keywords are methods in 2.0; rewrite it by hand".to_owned(),
            );
        };
        if name == "distinct" {
            match &keyword.value {
                Expr::BooleanLiteral(flag) if flag.value => methods.push(".distinct()".to_owned()),
                Expr::BooleanLiteral(_) => {}
                _ => {
                    return work.report(
                        keyword.start().to_usize(),
                        "`select(..., distinct=...)`: use `.distinct()` in 2.0".to_owned(),
                    );
                }
            }
            continue;
        }
        let Some((_, method)) = SELECT_KEYWORDS.iter().find(|(old, _)| *old == name) else {
            return work.report(
                keyword.start().to_usize(),
                format!("`select(..., {name}=...)` has no 2.0 equivalent this fixer knows: rewrite it by hand"),
            );
        };
        methods.push(method_call(work, method, &keyword.value));
    }
    let list_end = list.end().to_usize();
    let arguments_end = arguments
        .args
        .iter()
        .map(Ranged::end)
        .chain(arguments.keywords.iter().map(Ranged::end))
        .max()
        .map_or(list_end, |end| end.to_usize());
    let last_item = match list {
        Expr::List(items) => items.elts.last().map_or(list_end, |item| item.end().to_usize()),
        _ => list_end,
    };
    if work.has_comment(last_item, arguments_end) {
        return work.report(
            call.start().to_usize(),
            "`select([...], ...)` with comments between its arguments: rewrite it by hand".to_owned(),
        );
    }
    let mut edits = spread(list);
    if arguments_end > list_end {
        edits.push(Edit::deletion(list_end, arguments_end));
    }
    let call_end = call.end().to_usize();
    if !methods.is_empty() {
        edits.push(Edit::insertion(call_end, methods.concat()));
    }
    work.taken.insert(call.start().to_usize());
    let function = work.text(call.func.range()).to_owned();
    let message = if methods.is_empty() {
        format!("`{function}([...])` → `{function}(...)`: 2.0 takes the columns as positional arguments")
    } else {
        format!(
            "`{function}([...], ...)` → `{function}(...){}`: 2.0 takes the columns as positional arguments and the rest as methods",
            methods
                .iter()
                .map(|m| m.split('(').next().unwrap_or(m).to_owned() + "(...)")
                .collect::<String>()
        )
    };
    work.push(Applicability::Safe, edits, message, Vec::new());
}

/// `.method(value)`, a list or tuple literal's elements spread as the
/// method's arguments (`order_by=[a, b]` → `.order_by(a, b)`).
fn method_call(work: &Work<'_>, method: &str, value: &Expr) -> String {
    let arguments = match value {
        Expr::List(list) => list
            .elts
            .iter()
            .map(|e| work.text(e.range()))
            .collect::<Vec<_>>()
            .join(", "),
        Expr::Tuple(tuple) => tuple
            .elts
            .iter()
            .map(|e| work.text(e.range()))
            .collect::<Vec<_>>()
            .join(", "),
        other => work.text(other.range()).to_owned(),
    };
    format!(".{method}({arguments})")
}

/// `conn.execute(stmt, a=1, b=2)` → `conn.execute(stmt, {"a": 1, "b": 2})`:
/// 2.0 takes parameters as a dictionary only (a DB-API cursor's `execute`
/// takes no keywords, so a call with them is SQLAlchemy's).
/// `known`: a traceback showed SQLAlchemy refusing this very call.
pub(super) fn execute_keywords(work: &mut Work<'_>, call: &ExprCall, known: bool) {
    let arguments = &call.arguments;
    let ([statement], [.., last]) = (&arguments.args[..], &arguments.keywords[..]) else {
        return;
    };
    if matches!(statement, Expr::Starred(_))
        || arguments.keywords.iter().any(|k| {
            k.arg
                .as_ref()
                .is_some_and(|arg| EXECUTE_KEYWORDS.contains(&arg.as_str()))
        })
    {
        return;
    }
    let Expr::Attribute(method) = call.func.as_ref() else {
        return;
    };
    if keyword(call, "bind").is_some() {
        return work.report(
            call.start().to_usize(),
            "`session.execute(stmt, bind=...)`: 2.0 takes the bind as `bind_arguments={\"bind\": ...}`".to_owned(),
        );
    }
    // A cursor's or an executor's `execute` takes keywords of its own: safe
    // on a receiver named as a connection or a session, unsafe elsewhere
    // (the line a traceback shows SQLAlchemy refusing is safe, `lines.rs`).
    let applicability = if known
        || named_like(
            work.text(method.value.range()),
            &["conn", "connection", "session", "sess", "db"],
        ) {
        Applicability::Safe
    } else {
        Applicability::Unsafe
    };
    let (start, end) = (statement.end().to_usize(), last.end().to_usize());
    if work.has_comment(start, end) {
        return;
    }
    let entries: Vec<String> = arguments
        .keywords
        .iter()
        .map(|k| match &k.arg {
            Some(arg) => format!("\"{}\": {}", arg.as_str(), work.text(k.value.range())),
            None => format!("**{}", work.text(k.value.range())),
        })
        .collect();
    work.taken.insert(call.start().to_usize());
    work.push(
        applicability,
        vec![Edit::replacement(start, end, format!(", {{{}}}", entries.join(", ")))],
        "`.execute(stmt, name=value)` → `.execute(stmt, {\"name\": value})`: 2.0 takes the parameters as a dictionary"
            .to_owned(),
        Vec::new(),
    );
}

/// `engine.table_names()` → `inspect(engine).get_table_names()`,
/// `engine.has_table(name)` → `inspect(engine).has_table(name)`.
/// `known`: a traceback showed an `Engine` refusing this very call.
pub(super) fn inspection(work: &mut Work<'_>, call: &ExprCall, receiver: &Expr, method: &str, known: bool) {
    // `dialect.has_table(connection, name)` is the dialect's own method.
    if let Expr::Attribute(attribute) = receiver
        && attribute.attr.as_str() == "dialect"
    {
        return;
    }
    // An engine's method, where the receiver's name says it is one (the
    // line a traceback shows an `Engine` refusing goes through `lines.rs`).
    if !known && !named_like(work.text(receiver.range()), &["engine", "bind", "eng"]) {
        return;
    }
    let positional = call.arguments.args.len();
    let (new_method, fits) = match method {
        "table_names" => ("get_table_names", positional == 0),
        _ => ("has_table", positional == 1),
    };
    // `inspect(engine).has_table(name)` is 2.0's form already.
    let inspected = matches!(receiver, Expr::Call(inner) if matches!(inner.func.as_ref(), Expr::Name(n) if n.id.as_str() == "inspect" || n.id.as_str() == "sqlalchemy_inspect") || matches!(inner.func.as_ref(), Expr::Attribute(a) if a.attr.as_str() == "inspect"));
    if !fits || inspected {
        return;
    }
    let (inspect, need) = work.names.spelling("inspect", work.module);
    let receiver_text = work.text(receiver.range()).to_owned();
    let arguments = work.text(call.arguments.range()).to_owned();
    work.taken.insert(call.start().to_usize());
    work.push(
        Applicability::Safe,
        vec![Edit::replacement(
            call.start().to_usize(),
            call.end().to_usize(),
            format!("{inspect}({receiver_text}).{new_method}{arguments}"),
        )],
        format!("`{receiver_text}.{method}(...)` → `{inspect}({receiver_text}).{new_method}(...)`: 2.0 moved it to the inspector"),
        need.into_iter().collect(),
    );
}

/// Names assigned from SQLAlchemy's `Table(...)` anywhere in the module,
/// and `Model.__table__`: receivers whose `.select(x)` is the table's.
fn table_names(work: &Work<'_>, suite: &[Stmt], calls: &[&ExprCall]) -> BTreeSet<String> {
    let made_by_table: BTreeSet<usize> = calls
        .iter()
        .filter(|call| work.names.is(&call.func, "Table"))
        .map(|call| call.start().to_usize())
        .collect();
    let mut names = BTreeSet::new();
    let assignments = super::super::statements::statements(suite, |statement| match statement {
        Stmt::Assign(assign) => Some(assign),
        _ => None,
    });
    for assign in assignments {
        if let Expr::Call(call) = assign.value.as_ref()
            && made_by_table.contains(&call.start().to_usize())
        {
            for target in &assign.targets {
                names.insert(work.text(target.range()).to_owned());
            }
        }
    }
    names
}

fn is_table(receiver: &Expr, tables: &BTreeSet<String>) -> bool {
    match receiver {
        Expr::Name(name) => tables.contains(name.id.as_str()),
        Expr::Attribute(attribute) => attribute.attr.as_str() == "__table__",
        _ => false,
    }
}

/// `table.select(whereclause)` → `table.select().where(whereclause)`;
/// `update(whereclause, values)`, `delete(whereclause)`, `insert(values)`
/// likewise: 2.0 takes no positional arguments there.
pub(super) fn legacy_where(work: &mut Work<'_>, call: &ExprCall, method: &str, applicability: Applicability) {
    let arguments = &call.arguments;
    if arguments.args.is_empty() || arguments.args.iter().any(|a| matches!(a, Expr::Starred(_))) {
        return;
    }
    let order: &[&str] = match method {
        "select" | "delete" => &["where"],
        "update" => &["where", "values"],
        "insert" => &["values"],
        _ => return,
    };
    if arguments.args.len() > order.len() {
        return;
    }
    let mut methods: Vec<String> = arguments
        .args
        .iter()
        .zip(order)
        .map(|(argument, name)| format!(".{name}({})", work.text(argument.range())))
        .collect();
    // `values=` and `whereclause=` keywords of the same call.
    for keyword in &arguments.keywords {
        match keyword.arg.as_ref().map(fixpoint_python::ast::Identifier::as_str) {
            Some("values") => methods.push(format!(".values({})", work.text(keyword.value.range()))),
            Some("whereclause") => methods.push(format!(".where({})", work.text(keyword.value.range()))),
            _ => return,
        }
    }
    let inner = call.arguments.range();
    if work.has_comment(inner.start().to_usize(), inner.end().to_usize()) {
        return;
    }
    let receiver = match call.func.as_ref() {
        Expr::Attribute(attribute) => work.text(attribute.value.range()).to_owned(),
        _ => return,
    };
    work.taken.insert(call.start().to_usize());
    work.push(
        applicability,
        vec![Edit::replacement(
            inner.start().to_usize(),
            call.end().to_usize(),
            format!("(){}", methods.concat()),
        )],
        format!(
            "`{receiver}.{method}(...)` → `{receiver}.{method}(){}`: 2.0 takes no positional arguments there",
            methods
                .iter()
                .map(|m| m.split('(').next().unwrap_or(m).to_owned() + "(...)")
                .collect::<String>()
        ),
        Vec::new(),
    );
}

/// `Table(..., autoload=True, autoload_with=engine)` → `autoload` dropped:
/// 2.0 reflects whenever `autoload_with` is given and refuses `autoload`.
fn autoload_beside_autoload_with(work: &mut Work<'_>, call: &ExprCall) {
    let (Some(autoload), Some(_)) = (keyword(call, "autoload"), keyword(call, "autoload_with")) else {
        return;
    };
    let Some((start, end)) = keyword_span(work, call, autoload.start().to_usize()) else {
        return;
    };
    work.push(
        Applicability::Safe,
        vec![Edit::deletion(start, end)],
        "`Table(..., autoload=True, autoload_with=...)` → `autoload` dropped: 2.0 reflects when `autoload_with` is given".to_owned(),
        Vec::new(),
    );
}

/// The range that removes the argument starting at `start` with its
/// separating comma (the one before it, else the one after), if no comment
/// sits there.
pub(super) fn keyword_span(work: &Work<'_>, call: &ExprCall, start: usize) -> Option<(usize, usize)> {
    let all: Vec<(usize, usize)> = {
        let mut all: Vec<(usize, usize)> = call
            .arguments
            .args
            .iter()
            .map(|a| (a.start().to_usize(), a.end().to_usize()))
            .chain(
                call.arguments
                    .keywords
                    .iter()
                    .map(|k| (k.start().to_usize(), k.end().to_usize())),
            )
            .collect();
        all.sort_unstable();
        all
    };
    let at = all.iter().position(|&(s, _)| s == start)?;
    let span = if at > 0 {
        (all[at - 1].1, all[at].1)
    } else if let Some(next) = all.get(1) {
        (all[0].0, next.0)
    } else {
        (all[0].0, all[0].1)
    };
    (!work.has_comment(span.0, span.1)).then_some(span)
}

/// `mapper(Class, table, ...)` → `registry().map_imperatively(Class, table,
/// ...)`: 2.0 maps classically through a registry only. Each call gets its
/// own registry, which resolves a relationship given by class; one given by
/// name (`properties={"x": relationship("Other")}`) looks the name up in
/// that registry alone, so such a call is unsafe.
fn classical_mapping(work: &mut Work<'_>, call: &ExprCall) {
    // `registry` comes from `sqlalchemy.orm`, not the package's top level.
    let (registry, need) = match work.names.functions.iter().find(|(_, f)| f.as_str() == "registry") {
        Some((local, _)) => (local.clone(), None),
        None if !work.module.binds("registry") => ("registry".to_owned(), Some("orm.registry")),
        None => ("sqlalchemy_registry".to_owned(), Some("orm.registry")),
    };
    let by_name = keyword(call, "properties").is_some_and(|p| {
        let text = work.text(p.value.range());
        text.contains("relationship(\"") || text.contains("relationship('") || text.contains("relation(")
    });
    let applicability = if by_name {
        Applicability::Unsafe
    } else {
        Applicability::Safe
    };
    let func = call.func.range();
    work.taken.insert(call.start().to_usize());
    work.push(
        applicability,
        vec![Edit::replacement(
            func.start().to_usize(),
            func.end().to_usize(),
            format!("{registry}().map_imperatively"),
        )],
        format!("`mapper(Class, table)` → `{registry}().map_imperatively(Class, table)`: 2.0 maps classically through a registry"),
        need.into_iter().collect(),
    );
}

/// Whether the last name of an expression (`self.db.session` → `session`),
/// split at underscores, has one of `words` as a part (`conn`,
/// `read_conn`, `connection2`; not `reconnect`).
pub(super) fn named_like(expr: &str, words: &[&str]) -> bool {
    let last = expr.rsplit('.').next().unwrap_or(expr).to_lowercase();
    last.split('_')
        .map(|part| part.trim_end_matches(|c: char| c.is_ascii_digit()))
        .any(|part| words.iter().any(|word| part == *word || part == format!("{word}s")))
}
