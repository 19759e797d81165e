//! Python source as fixpoint's fixers need it, read with Ruff's own parser
//! (`ruff_python_parser`): does it parse, what does a module import and
//! define at its top level, where does a new import go, and what is the
//! dotted name of a file.
//!
//! ```
//! let module = fixpoint_python::summarize("'''Loot.'''\nimport os\nfrom typing import Any\n\nx = 1\n").unwrap();
//! assert!(module.binds("os") && module.binds("Any") && module.binds("x"));
//! assert_eq!(module.insert_at, 45);
//! ```

mod calls;
mod graph;
mod names;
mod symbols;
mod usage;

use std::path::Path;
use std::sync::Arc;

pub use calls::{CallShape, call_sites};
pub use graph::{FileImports, ImportGraph};
pub use names::unbound_names;
use rayon::prelude::*;
use ruff_python_ast::{Expr, ModModule, Stmt};
use ruff_python_parser::parse_module;
use ruff_text_size::Ranged;
pub use symbols::{Definitions, SymbolIndex, read_project};
pub use usage::annotation_only_names;
/// Ruff's crates, re-exported so that every fixpoint crate uses the one pinned version.
pub use {ruff_python_ast as ast, ruff_python_parser as parser, ruff_text_size as text_size};

/// Where a source stops being Python.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub message: String,
    /// Byte offset of the error.
    pub offset: usize,
}

impl std::fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} at byte {}", self.message, self.offset)
    }
}

/// One name of an import statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedName {
    pub name: String,
    pub asname: Option<String>,
    /// Byte offset just after this name (and its `as` part).
    pub end: usize,
}

impl ImportedName {
    /// The name the import binds in the module.
    pub fn bound(&self) -> &str {
        self.asname
            .as_deref()
            .unwrap_or_else(|| self.name.split('.').next().unwrap_or(&self.name))
    }
}

/// A top-level `import` or `from ... import` statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import {
    /// `Some(module)` for `from module import ...` (without the leading dots).
    pub from: Option<String>,
    /// Leading dots of a relative import.
    pub level: u32,
    pub names: Vec<ImportedName>,
    pub start: usize,
    pub end: usize,
}

/// What a module holds at its top level.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ModuleSummary {
    pub imports: Vec<Import>,
    /// Names bound at the top level: imports, functions, classes, assignments.
    pub defined: Vec<String>,
    /// Where a new import belongs: after the docstring, `from __future__` and
    /// the leading block of imports.
    pub insert_at: usize,
    /// The syntax tree it was read from, kept by [`summarize`] so that
    /// everyone who looks at the same source parses it once.
    tree: Tree,
}

/// A module's syntax tree, shared by the clones of its summary. It takes
/// no part in a summary's equality: two summaries of one source are equal.
#[derive(Clone, Default)]
struct Tree(Option<Arc<ModModule>>);

impl PartialEq for Tree {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for Tree {}

impl std::fmt::Debug for Tree {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() { "Tree(..)" } else { "Tree(none)" })
    }
}

impl ModuleSummary {
    /// The module's top-level statements, when the summary was read by
    /// [`summarize`] (a summary built by hand has none).
    pub fn suite(&self) -> Option<&[Stmt]> {
        self.tree.0.as_deref().map(|module| module.body.as_slice())
    }

    /// [`unbound_names`] of the source this summary was read from, without
    /// parsing it again; `source` is parsed only for a summary without its tree.
    pub fn unbound_names(&self, source: &str) -> Result<Vec<(String, usize)>, SyntaxError> {
        match self.suite() {
            Some(suite) => Ok(names::unbound_in(suite)),
            None => unbound_names(source),
        }
    }

    /// [`annotation_only_names`] of the source this summary was read from,
    /// without parsing it again (see [`ModuleSummary::unbound_names`]).
    pub fn annotation_only_names(&self, source: &str) -> Option<std::collections::BTreeSet<String>> {
        match self.suite() {
            Some(suite) => Some(usage::annotation_only_in(suite)),
            None => annotation_only_names(source),
        }
    }

    /// Drops the syntax tree: for a summary that is kept while others are read.
    #[must_use]
    pub fn without_tree(mut self) -> Self {
        self.tree = Tree::default();
        self
    }

    pub fn binds(&self, name: &str) -> bool {
        self.defined.iter().any(|defined| defined == name)
    }

    /// The top-level `from module import ...` statement, if any.
    pub fn from_import(&self, module: &str) -> Option<&Import> {
        self.imports.iter().find(|import| {
            import.level == 0 && import.from.as_deref() == Some(module) && import.names.iter().all(|n| n.name != "*")
        })
    }
}

/// Whether `source` is valid Python.
pub fn parses(source: &str) -> Result<(), SyntaxError> {
    parse_module(source).map(|_| ()).map_err(|error| SyntaxError {
        message: error.error.to_string(),
        offset: error.location.start().to_usize(),
    })
}

/// Parses a module (the one place fixpoint calls Ruff's parser for a whole module).
pub fn parse(source: &str) -> Result<ModModule, SyntaxError> {
    parse_module(source)
        .map(ruff_python_parser::Parsed::into_syntax)
        .map_err(|error| SyntaxError {
            message: error.error.to_string(),
            offset: error.location.start().to_usize(),
        })
}

/// Reads a module's top level; the summary keeps the syntax tree (see
/// [`ModuleSummary::suite`]).
pub fn summarize(source: &str) -> Result<ModuleSummary, SyntaxError> {
    let module = parse(source)?;
    let mut summary = summarize_suite(source, &module.body);
    summary.tree = Tree(Some(Arc::new(module)));
    Ok(summary)
}

/// Reads the top level of a module already parsed from `source`; the
/// summary keeps no tree.
pub fn summarize_suite(source: &str, suite: &[Stmt]) -> ModuleSummary {
    let mut summary = ModuleSummary::default();
    let mut leading = true;
    for (index, statement) in suite.iter().enumerate() {
        match statement {
            Stmt::Import(import) => {
                let names = imported_names(&import.names);
                summary.defined.extend(names.iter().map(|n| n.bound().to_owned()));
                summary.imports.push(Import {
                    from: None,
                    level: 0,
                    names,
                    start: import.range.start().to_usize(),
                    end: import.range.end().to_usize(),
                });
            }
            Stmt::ImportFrom(import) => {
                let names = imported_names(&import.names);
                summary.defined.extend(
                    names
                        .iter()
                        .filter(|n| n.name != "*")
                        .map(|n| n.asname.clone().unwrap_or_else(|| n.name.clone())),
                );
                summary.imports.push(Import {
                    from: import.module.as_ref().map(|m| m.as_str().to_owned()),
                    level: import.level,
                    names,
                    start: import.range.start().to_usize(),
                    end: import.range.end().to_usize(),
                });
            }
            Stmt::FunctionDef(function) => summary.defined.push(function.name.as_str().to_owned()),
            Stmt::ClassDef(class) => summary.defined.push(class.name.as_str().to_owned()),
            Stmt::Assign(assign) => {
                for target in &assign.targets {
                    names_in_target(target, &mut summary.defined);
                }
            }
            Stmt::AnnAssign(assign) => names_in_target(&assign.target, &mut summary.defined),
            _ => {}
        }
        let is_docstring =
            index == 0 && matches!(statement, Stmt::Expr(expr) if matches!(*expr.value, Expr::StringLiteral(_)));
        let in_block = is_docstring || matches!(statement, Stmt::Import(_) | Stmt::ImportFrom(_));
        if leading && in_block {
            summary.insert_at = line_end(source, statement.range().end().to_usize());
        } else {
            leading = false;
        }
    }
    if summary.insert_at == 0 {
        summary.insert_at = after_header_comments(source);
    }
    summary
}

fn imported_names(aliases: &[ruff_python_ast::Alias]) -> Vec<ImportedName> {
    aliases
        .iter()
        .map(|alias| ImportedName {
            name: alias.name.as_str().to_owned(),
            asname: alias.asname.as_ref().map(|a| a.as_str().to_owned()),
            end: alias.range().end().to_usize(),
        })
        .collect()
}

fn names_in_target(target: &Expr, out: &mut Vec<String>) {
    match target {
        Expr::Name(name) => out.push(name.id.as_str().to_owned()),
        Expr::Tuple(tuple) => tuple.elts.iter().for_each(|e| names_in_target(e, out)),
        Expr::List(list) => list.elts.iter().for_each(|e| names_in_target(e, out)),
        _ => {}
    }
}

/// The offset just past the end of the line holding `offset`.
fn line_end(source: &str, offset: usize) -> usize {
    source[offset..].find('\n').map_or(source.len(), |at| offset + at + 1)
}

/// A shebang and an encoding declaration must stay on the first lines.
fn after_header_comments(source: &str) -> usize {
    let mut at = 0;
    for line in source.split_inclusive('\n').take(2) {
        if line.starts_with("#!") || (line.starts_with('#') && line.contains("coding")) {
            at += line.len();
        } else {
            break;
        }
    }
    at
}

/// The dotted module name of a Python file, from the project root: leading
/// directories without `__init__.py` (a `src/` layout, `tests/`) are dropped.
pub fn module_name(root: &Path, file: &Path) -> Option<String> {
    let relative = file.strip_prefix(root).ok()?;
    let stem = relative.with_extension("");
    let parts: Vec<String> = stem
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let (last, dirs) = parts.split_last()?;
    // Keep the innermost run of directories that are packages.
    let mut start = dirs.len();
    while start > 0 && root.join(dirs[..start].join("/")).join("__init__.py").is_file() {
        start -= 1;
    }
    let mut name: Vec<&str> = dirs[start..].iter().map(String::as_str).collect();
    if last != "__init__" {
        name.push(last);
    }
    (!name.is_empty()).then(|| name.join("."))
}

/// The libraries whose import makes a module a Pydantic module.
pub const PYDANTIC_LIBRARIES: &[&str] = &["pydantic", "pydantic_settings"];

/// Whether a module imports any of the libraries `roots` (`pydantic` also
/// matches `pydantic.v1`), anywhere in it: at the top, in a `try:`, in a
/// function. Relative imports are the project's own, never a library.
pub fn imports_any(suite: &[Stmt], roots: &[&str]) -> bool {
    struct Finder<'r> {
        roots: &'r [&'r str],
        found: bool,
    }
    impl Finder<'_> {
        fn matches(&self, module: &str) -> bool {
            let root = module.split('.').next().unwrap_or(module);
            self.roots.contains(&root)
        }
    }
    impl<'a> ruff_python_ast::visitor::Visitor<'a> for Finder<'_> {
        fn visit_stmt(&mut self, statement: &'a Stmt) {
            match statement {
                Stmt::Import(import) => {
                    self.found |= import.names.iter().any(|alias| self.matches(alias.name.as_str()));
                }
                Stmt::ImportFrom(import) if import.level == 0 => {
                    self.found |= import.module.as_ref().is_some_and(|m| self.matches(m.as_str()));
                }
                _ => ruff_python_ast::visitor::walk_stmt(self, statement),
            }
        }
        // Imports are statements; expressions hold none.
        fn visit_expr(&mut self, _: &'a Expr) {}
    }
    let mut finder = Finder { roots, found: false };
    ruff_python_ast::visitor::Visitor::visit_body(&mut finder, suite);
    finder.found
}

/// What [`pydantic_models`] reads of one module: whether it imports
/// Pydantic, and its classes (at any depth: tests define models inside
/// their functions) with the names of their bases.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ModelClasses {
    imports_pydantic: bool,
    classes: Vec<(String, Vec<String>)>,
}

impl ModelClasses {
    /// The classes of a module already parsed from `source`.
    pub fn of(source: &str, suite: &[Stmt]) -> Self {
        struct Classes(Vec<(String, Vec<String>)>);
        impl<'a> ruff_python_ast::visitor::Visitor<'a> for Classes {
            fn visit_stmt(&mut self, statement: &'a Stmt) {
                if let Stmt::ClassDef(class) = statement {
                    self.0.push((class.name.as_str().to_owned(), base_names(class)));
                }
                ruff_python_ast::visitor::walk_stmt(self, statement);
            }
            fn visit_expr(&mut self, _: &'a Expr) {}
        }
        if !source.contains("class ") {
            return Self::default();
        }
        let mut found = Classes(Vec::new());
        ruff_python_ast::visitor::Visitor::visit_body(&mut found, suite);
        let classes = found.0;
        Self {
            imports_pydantic: imports_any(suite, PYDANTIC_LIBRARIES),
            classes,
        }
    }
}

fn base_names(class: &ruff_python_ast::StmtClassDef) -> Vec<String> {
    class
        .arguments
        .as_ref()
        .map(|arguments| {
            arguments
                .args
                .iter()
                .filter_map(|base| match base {
                    Expr::Name(name) => Some(name.id.as_str().to_owned()),
                    Expr::Attribute(attribute) => Some(attribute.attr.as_str().to_owned()),
                    Expr::Subscript(subscript) => match subscript.value.as_ref() {
                        Expr::Name(name) => Some(name.id.as_str().to_owned()),
                        _ => None,
                    },
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Names of the project's Pydantic model classes: classes that derive from
/// `BaseModel`, `BaseSettings` or `GenericModel` in a module that imports
/// Pydantic, or from another such class (by name, across every source
/// given). A project that never imports Pydantic has none, whatever its
/// classes are called. The sources are parsed in parallel.
pub fn pydantic_models(sources: &[(String, String)]) -> std::collections::BTreeSet<String> {
    let modules: Vec<ModelClasses> = sources
        .par_iter()
        .filter(|(_, source)| source.contains("class "))
        .filter_map(|(_, source)| Some(ModelClasses::of(source, &parse(source).ok()?.body)))
        .collect();
    pydantic_models_of(&modules)
}

/// [`pydantic_models`] of modules already read.
pub fn pydantic_models_of(modules: &[ModelClasses]) -> std::collections::BTreeSet<String> {
    const BASES: [&str; 3] = ["BaseModel", "BaseSettings", "GenericModel"];
    let mut models = std::collections::BTreeSet::new();
    for module in modules.iter().filter(|module| module.imports_pydantic) {
        for (name, bases) in &module.classes {
            for base in bases.iter().filter(|base| BASES.contains(&base.as_str())) {
                models.insert(base.clone());
                models.insert(name.clone());
            }
        }
    }
    loop {
        let before = models.len();
        for (name, bases) in modules.iter().flat_map(|module| &module.classes) {
            if bases.iter().any(|base| models.contains(base)) {
                models.insert(name.clone());
            }
        }
        if models.len() == before {
            return models;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;

    #[test]
    fn reads_imports_definitions_and_the_insertion_point() {
        let source = "#!/usr/bin/env python\n\"\"\"Doc.\"\"\"\nfrom __future__ import annotations\nimport os.path\nfrom typing import (\n    Any,\n    Optional as Opt,\n)\n\nTOTAL, (a, b) = 1, (2, 3)\nlimit: int = 3\n\ndef roll(): ...\nclass Dice: ...\nimport late\n";
        let module = summarize(source).unwrap();
        for name in [
            "annotations",
            "os",
            "Any",
            "Opt",
            "TOTAL",
            "a",
            "b",
            "limit",
            "roll",
            "Dice",
            "late",
        ] {
            assert!(module.binds(name), "{name}");
        }
        assert!(!module.binds("Optional"));
        assert_eq!(
            &source[module.insert_at..=module.insert_at],
            "\n",
            "after the import block, before the blank line"
        );
        assert_eq!(
            module.from_import("typing").unwrap().names[1].asname.as_deref(),
            Some("Opt")
        );
    }

    #[test]
    fn a_module_without_imports_takes_them_after_its_header() {
        let source = "# -*- coding: utf-8 -*-\nx = Decimal(1)\n";
        assert_eq!(summarize(source).unwrap().insert_at, 24);
        assert_eq!(summarize("x = 1\n").unwrap().insert_at, 0);
    }

    #[test]
    fn reports_syntax_errors() {
        assert!(parses("def f(:\n    pass\n").is_err());
        assert!(parses("def f():\n    pass\n").is_ok());
        assert!(summarize("x = (").is_err());
    }

    #[test]
    fn dotted_names_follow_packages() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("src/app/services")).unwrap();
        fs::write(root.join("src/app/__init__.py"), "").unwrap();
        fs::write(root.join("src/app/services/__init__.py"), "").unwrap();
        assert_eq!(
            module_name(root, &root.join("src/app/services/loot.py")).as_deref(),
            Some("app.services.loot")
        );
        assert_eq!(
            module_name(root, &root.join("src/app/__init__.py")).as_deref(),
            Some("app")
        );
        assert_eq!(
            module_name(root, &root.join("tests/test_x.py")).as_deref(),
            Some("test_x")
        );
    }

    #[test]
    fn pydantic_models_need_a_module_that_imports_pydantic() {
        let source = |path: &str, text: &str| (path.to_owned(), text.to_owned());
        // A library with its own `BaseModel` and `.copy()` methods is no Pydantic project.
        let plain = [source(
            "orm.py",
            "class BaseModel:\n    pass\n\nclass Row(BaseModel):\n    pass\n",
        )];
        assert!(pydantic_models(&plain).is_empty());
        let project = [
            source(
                "base.py",
                "try:\n    from pydantic.v1 import BaseModel\nexcept ImportError:\n    from pydantic import BaseModel\n\nclass Base(BaseModel):\n    pass\n",
            ),
            source(
                "hero.py",
                "from .base import Base\n\nclass Hero(Base):\n    pass\n\nclass Other:\n    pass\n",
            ),
        ];
        let names: Vec<String> = pydantic_models(&project).into_iter().collect();
        assert_eq!(names, ["Base", "BaseModel", "Hero"]);
        // Models a test defines inside its function count, with no model at the top.
        let nested = [source(
            "test_local.py",
            "from pydantic import BaseModel

def test_it():
    class A(BaseModel):
        b: 'B'

    class B(A):
        pass
",
        )];
        let names: Vec<String> = pydantic_models(&nested).into_iter().collect();
        assert_eq!(names, ["A", "B", "BaseModel"]);
        let parsed = parse_module("def f():\n    import pydantic_settings.sources\n").unwrap();
        assert!(imports_any(parsed.suite(), PYDANTIC_LIBRARIES));
        let parsed = parse_module("from .pydantic import x\nimport pydanticx\n").unwrap();
        assert!(!imports_any(parsed.suite(), PYDANTIC_LIBRARIES));
    }
}
