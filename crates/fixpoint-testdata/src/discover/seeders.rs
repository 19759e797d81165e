//! The project's own reference-data seeders: top-level functions that put
//! rows of the project's models into the database (a starter catalog,
//! lookup tables), through the SQLAlchemy session they are given or through
//! Django's ORM. Such rows are domain data no factory can invent, so the
//! generated fixtures call the project's function instead.

use std::collections::BTreeSet;

use fixpoint_python::ast::visitor::{self, Visitor};
use fixpoint_python::ast::{self, Expr, Stmt};

use super::python::{Module, simple_name};
use crate::model::{Framework, Seeder};

/// Parameter names a session goes by, when it has no `Session` annotation.
const SESSION_NAMES: [&str; 5] = ["session", "db_session", "dbsession", "db", "sess"];

/// How a seeder's name starts (`seed_items`, `load_fixtures`)...
const SEEDER_NAMES: [&str; 7] = ["seed", "load", "populate", "bootstrap", "init", "insert", "install"];

/// ... or what its module is called (`app/seed.py`, `app/reference_data.py`).
const SEEDER_MODULES: [&str; 8] = [
    "seed",
    "seeds",
    "seeding",
    "fixtures",
    "reference",
    "reference_data",
    "initial_data",
    "bootstrap",
];

/// Methods that put rows into a session.
const ADDING: [&str; 5] = ["add", "add_all", "merge", "bulk_save_objects", "execute"];

/// Django manager methods that create rows, and `save`.
const DJANGO_CREATING: [&str; 5] = ["create", "bulk_create", "get_or_create", "update_or_create", "save"];

/// The seeders among the modules' top-level functions. A function counts
/// when it says it seeds (by its name or its module's), is not decorated,
/// and either
/// - its only required parameter is a session, it adds to that session, and
///   it builds rows of a SQLAlchemy model (`Item(...)` or `insert(Item)`); or
/// - it has no required parameter and creates rows of a Django model
///   (`Publisher.objects.get_or_create(...)`, `Publisher(...).save()`).
///
/// A service such as `add_user(session)` is not reference data, and is left out.
pub fn discover(modules: &[Module], sqlalchemy: &BTreeSet<&str>, django: &BTreeSet<&str>) -> Vec<Seeder> {
    let mut seeders = Vec::new();
    for module in modules {
        let stem = module.name.rsplit('.').next().unwrap_or(&module.name);
        let seeding_module = SEEDER_MODULES.contains(&stem);
        for statement in &module.suite {
            let Stmt::FunctionDef(function) = statement else {
                continue;
            };
            let name = function.name.as_str();
            let says_it_seeds = seeding_module || SEEDER_NAMES.iter().any(|prefix| name.starts_with(prefix));
            // A decorated function may not be called as written (a pytest
            // fixture cannot be called at all).
            if function.is_async || name.starts_with('_') || !says_it_seeds || !function.decorator_list.is_empty() {
                continue;
            }
            let (session, models, framework) = match session_parameter(&function.parameters) {
                Some(session) => (Some(session), sqlalchemy, Framework::Sqlalchemy),
                None if takes_nothing(&function.parameters) => (None, django, Framework::Django),
                None => continue,
            };
            let mut found = Rows {
                session,
                models,
                adds: false,
                built: BTreeSet::new(),
            };
            for statement in &function.body {
                found.visit_stmt(statement);
            }
            if !found.adds || found.built.is_empty() {
                continue;
            }
            // `seed_items` → `seeded_items`; when two seeders would share a
            // fixture, the second keeps its whole name, and a third is left out.
            let short = format!("seeded_{}", stem_of(name));
            let full = format!("seeded_{name}");
            let Some(fixture) = [short, full]
                .into_iter()
                .find(|f| !seeders.iter().any(|s: &Seeder| s.fixture == *f))
            else {
                continue;
            };
            let offset = function.range.start().to_usize();
            seeders.push(Seeder {
                function: name.to_owned(),
                module: module.name.clone(),
                path: module.path.clone(),
                line: module.source[..offset].matches('\n').count() + 1,
                models: found.built.into_iter().collect(),
                fixture,
                framework,
            });
        }
    }
    seeders
}

/// A seeder's name without the verb: `seed_items` → `items`.
fn stem_of(function: &str) -> &str {
    [
        "seed_",
        "load_",
        "populate_",
        "insert_",
        "install_",
        "bootstrap_",
        "init_",
    ]
    .iter()
    .find_map(|prefix| function.strip_prefix(prefix))
    .filter(|rest| !rest.is_empty())
    .unwrap_or(function)
}

/// Whether every parameter has a default (or there are none).
fn takes_nothing(parameters: &ast::Parameters) -> bool {
    parameters
        .posonlyargs
        .iter()
        .chain(&parameters.args)
        .chain(&parameters.kwonlyargs)
        .all(|p| p.default.is_some())
}

/// The session parameter, when it is the function's only required one.
fn session_parameter(parameters: &ast::Parameters) -> Option<&str> {
    let positional: Vec<&ast::ParameterWithDefault> = parameters.posonlyargs.iter().chain(&parameters.args).collect();
    let first = positional.first()?;
    let required_after = positional[1..].iter().any(|p| p.default.is_none())
        || parameters.kwonlyargs.iter().any(|p| p.default.is_none());
    if first.default.is_some() || required_after {
        return None;
    }
    let name = first.parameter.name.as_str();
    let annotated = first
        .parameter
        .annotation
        .as_deref()
        .and_then(annotation_name)
        .is_some_and(|n| n == "Session" || n == "scoped_session");
    (annotated || SESSION_NAMES.contains(&name)).then_some(name)
}

/// `Session`, `orm.Session` or `"Session"` → `Session`.
fn annotation_name(expr: &Expr) -> Option<&str> {
    match expr {
        Expr::StringLiteral(literal) => literal.value.to_str().rsplit('.').next(),
        other => simple_name(other),
    }
}

/// What a function body does with its session (SQLAlchemy) or the ORM
/// (Django, no session) and the models.
struct Rows<'m> {
    session: Option<&'m str>,
    models: &'m BTreeSet<&'m str>,
    adds: bool,
    built: BTreeSet<String>,
}

impl<'a> Visitor<'a> for Rows<'_> {
    fn visit_expr(&mut self, expr: &'a Expr) {
        if let Expr::Call(call) = expr {
            let called = simple_name(&call.func).unwrap_or_default();
            match (self.session, call.func.as_ref()) {
                // session.add(...)
                (Some(session), Expr::Attribute(method))
                    if ADDING.contains(&method.attr.as_str())
                        && matches!(method.value.as_ref(), Expr::Name(n) if n.id.as_str() == session) =>
                {
                    self.adds = true;
                }
                // Publisher.objects.create(...), anything.save()
                (None, Expr::Attribute(method)) if DJANGO_CREATING.contains(&method.attr.as_str()) => {
                    self.adds = true;
                    if let Expr::Attribute(manager) = method.value.as_ref()
                        && let Some(model) = simple_name(&manager.value)
                        && self.models.contains(model)
                    {
                        self.built.insert(model.to_owned());
                    }
                }
                // Item(...), insert(Item)
                _ if self.models.contains(called) => {
                    self.built.insert(called.to_owned());
                }
                _ if called == "insert" && self.session.is_some() => {
                    if let Some(target) = call.arguments.args.first().and_then(simple_name)
                        && self.models.contains(target)
                    {
                        self.built.insert(target.to_owned());
                    }
                }
                _ => {}
            }
        }
        visitor::walk_expr(self, expr);
    }

    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        // A nested function or class is not this function's own work.
        if !matches!(stmt, Stmt::FunctionDef(_) | Stmt::ClassDef(_)) {
            visitor::walk_stmt(self, stmt);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discover::python::parse;

    fn seeders_in(module: &str, source: &str) -> Vec<Seeder> {
        let path = format!("{}.py", module.replace('.', "/"));
        let (modules, _) = parse(vec![(path, module.into(), source.into())]);
        discover(
            &modules,
            &BTreeSet::from(["Item", "Tag"]),
            &BTreeSet::from(["Publisher"]),
        )
    }

    fn seeders(source: &str) -> Vec<Seeder> {
        seeders_in("app.seed", source)
    }

    #[test]
    fn finds_functions_that_add_model_rows_to_their_session() {
        let found = seeders(
            "from sqlalchemy import insert\nfrom sqlalchemy.orm import Session\n\nITEMS = [('Torch', 1)]\n\n\
             def seed_items(s: Session) -> int:\n    for name, value in ITEMS:\n        s.add(Item(name=name, value=value))\n    s.flush()\n    return 1\n\n\
             def seed_tags(db, *, fresh=False):\n    db.execute(insert(Tag), [{'name': 'x'}])\n",
        );
        let names: Vec<(&str, usize, &[String])> = found
            .iter()
            .map(|s| (s.function.as_str(), s.line, s.models.as_slice()))
            .collect();
        assert_eq!(
            names,
            [
                ("seed_items", 6, &["Item".to_owned()][..]),
                ("seed_tags", 12, &["Tag".to_owned()][..])
            ]
        );
        assert_eq!(found[0].module, "app.seed");
        assert_eq!(found[0].fixture, "seeded_items");
    }

    #[test]
    fn leaves_out_functions_that_need_more_or_add_nothing() {
        let found = seeders(
            "def needs_more(session, name):\n    session.add(Item(name=name))\n\n\
             def builds_only(session):\n    return Item(name='x')\n\n\
             def adds_no_model(session):\n    session.add(object())\n\n\
             def _private(session):\n    session.add(Item())\n\n\
             async def seed_async(session):\n    session.add(Item())\n\n\
             def not_a_session(payload):\n    payload.add(Item())\n\n\
             def nested(session):\n    def inner():\n        session.add(Item())\n    return inner\n\n\
             @pytest.fixture\ndef seeded(session):\n    session.add(Item())\n",
        );
        assert_eq!(found, []);
    }

    #[test]
    fn outside_a_seeding_module_only_a_seeding_name_counts() {
        let source = "def add_item(session):\n    session.add(Item(name='x'))\n\n\
                      def load_tags(session):\n    session.add_all([Tag(name='a'), Tag(name='b')])\n";
        let names = |found: Vec<Seeder>| found.into_iter().map(|s| s.function).collect::<Vec<_>>();
        assert_eq!(names(seeders_in("app.services", source)), ["load_tags"]);
        assert_eq!(
            names(seeders_in("app.reference_data", source)),
            ["add_item", "load_tags"]
        );
    }

    #[test]
    fn seeders_that_would_share_a_fixture_get_their_own() {
        let found = seeders(
            "def seed_items(session):\n    session.add(Item())\n\n\
             def load_items(session):\n    session.add(Item())\n\n\
             def load_items(session):\n    session.add(Item())\n",
        );
        let fixtures: Vec<&str> = found.iter().map(|s| s.fixture.as_str()).collect();
        assert_eq!(fixtures, ["seeded_items", "seeded_load_items"]);
    }

    #[test]
    fn django_seeders_take_nothing_and_create_through_the_orm() {
        let found = seeders(
            "def seed_publishers(fresh=False):\n    return [Publisher.objects.get_or_create(name=n)[0] for n in 'ab']\n\n\
             def load_saved():\n    Publisher(name='x').save()\n\n\
             def load_nothing():\n    return Publisher(name='x')\n\n\
             def load_other():\n    Other.objects.create(name='x')\n",
        );
        let found: Vec<(&str, Framework, &[String])> = found
            .iter()
            .map(|s| (s.function.as_str(), s.framework, s.models.as_slice()))
            .collect();
        let publisher = ["Publisher".to_owned()];
        assert_eq!(
            found,
            [
                ("seed_publishers", Framework::Django, &publisher[..]),
                ("load_saved", Framework::Django, &publisher[..])
            ]
        );
    }
}
