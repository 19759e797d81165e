//! The model graph: what discovery finds and generation reads.

use serde::Serialize;

/// Where a model comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Framework {
    Sqlalchemy,
    Django,
    Pydantic,
    Prisma,
}

impl Framework {
    pub fn name(self) -> &'static str {
        match self {
            Self::Sqlalchemy => "sqlalchemy",
            Self::Django => "django",
            Self::Pydantic => "pydantic",
            Self::Prisma => "prisma",
        }
    }

    /// Whether its models are rows of a database the seed script fills.
    pub fn is_persisted(self) -> bool {
        matches!(self, Self::Sqlalchemy | Self::Django | Self::Prisma)
    }
}

/// A field's kind, as the generator needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Integer,
    BigInteger,
    SmallInteger,
    Float,
    Decimal,
    String,
    Text,
    Boolean,
    Date,
    DateTime,
    Time,
    Interval,
    Uuid,
    Json,
    Binary,
    Enum,
    Email,
    Url,
    /// A nested model (Pydantic), named by `Field::target`.
    Model,
    /// A list of nested models (Pydantic), named by `Field::target`.
    ModelList,
    /// A list of plain values.
    List,
    Unknown,
}

impl Kind {
    pub fn is_integer(self) -> bool {
        matches!(self, Self::Integer | Self::BigInteger | Self::SmallInteger)
    }

    pub fn is_textual(self) -> bool {
        matches!(self, Self::String | Self::Text | Self::Email | Self::Url)
    }
}

/// One allowed value of an enum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnumValue {
    /// The member's name (`DRAFT`), or the value itself for a list of strings.
    pub name: String,
    /// The value as Python source: `'draft'`, `3`.
    pub value: String,
}

/// An enum: a Python `Enum` class, or the strings of an inline `Enum("a", "b")` / `choices=`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnumDef {
    /// The class name, or `None` for inline values.
    pub class: Option<String>,
    /// The module that defines the class.
    pub module: Option<String>,
    pub values: Vec<EnumValue>,
}

/// A foreign key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ForeignKey {
    /// The table (SQLAlchemy) or model (Django, Prisma) it points at, as written.
    pub table: String,
    pub column: String,
    /// The model it resolves to.
    pub model: Option<String>,
    pub on_delete: Option<String>,
}

/// One column or field.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Field {
    pub name: String,
    pub kind: Kind,
    /// The type as written (`String(120)`, `Mapped[str | None]`, `EmailStr`).
    pub type_text: String,
    /// The name the model's constructor takes, when it differs (a Pydantic alias).
    pub alias: Option<String>,
    pub nullable: bool,
    pub primary_key: bool,
    /// The database or the model fills it (an integer primary key, `auto_now`).
    pub generated: bool,
    pub unique: bool,
    /// The default as written, when there is one (`default=`, `server_default=`, `= value`).
    pub default: Option<String>,
    pub max_length: Option<u32>,
    pub min_length: Option<u32>,
    pub precision: Option<u32>,
    pub scale: Option<u32>,
    /// Inclusive numeric bounds, from check constraints or `ge`/`le`/validators.
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub choices: Option<EnumDef>,
    pub foreign_key: Option<ForeignKey>,
    /// The nested model, for `Kind::Model` and `Kind::ModelList`.
    pub target: Option<String>,
    /// What the project's decisions (`.workflow/`) say of it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided: Option<crate::decisions::Decided>,
}

impl Field {
    pub fn new(name: &str, kind: Kind, type_text: &str) -> Self {
        Self {
            name: name.to_owned(),
            kind,
            type_text: type_text.to_owned(),
            alias: None,
            nullable: false,
            primary_key: false,
            generated: false,
            unique: false,
            default: None,
            max_length: None,
            min_length: None,
            precision: None,
            scale: None,
            min: None,
            max: None,
            choices: None,
            decided: None,
            foreign_key: None,
            target: None,
        }
    }
}

/// How many of the other side one row holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Cardinality {
    ManyToOne,
    OneToMany,
    OneToOne,
    ManyToMany,
}

/// A relationship between two models.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Relationship {
    pub name: String,
    pub target: String,
    pub cardinality: Cardinality,
    pub back_populates: Option<String>,
    /// The foreign-key field of this model it goes through (many-to-one, one-to-one).
    pub through_field: Option<String>,
}

/// A check constraint: its name, when it has one, and its condition as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub name: Option<String>,
    pub sql: String,
}

/// One model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Model {
    pub name: String,
    pub framework: Framework,
    /// The dotted module that defines it (`app.models`), or the schema file for Prisma.
    pub module: String,
    pub path: String,
    pub line: usize,
    pub table: Option<String>,
    pub fields: Vec<Field>,
    pub relationships: Vec<Relationship>,
    /// Groups of fields unique together.
    pub unique_together: Vec<Vec<String>>,
    /// Check constraints.
    pub checks: Vec<Check>,
}

impl Model {
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }
}

/// A project function that puts reference data (rows no factory can
/// invent: a catalog, lookup tables) into the database: through the
/// SQLAlchemy session it is given, or through Django's ORM.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Seeder {
    pub function: String,
    /// Its module's dotted name.
    pub module: String,
    pub path: String,
    pub line: usize,
    /// The models it creates rows of.
    pub models: Vec<String>,
    /// The generated fixture that runs it: `seed_items` → `seeded_items`.
    pub fixture: String,
    /// SQLAlchemy (it takes the session) or Django (it takes nothing).
    pub framework: Framework,
}

/// A foreign key left out of the creation order to break a cycle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BrokenEdge {
    pub model: String,
    pub field: String,
    pub target: String,
}

/// A model discovery found and left out, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skipped {
    pub model: String,
    pub path: String,
    pub reason: String,
}

/// What the project's dependencies say.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Stack {
    /// The frameworks the project depends on (lower-case distribution names).
    pub frameworks: Vec<String>,
    /// Where the dependencies were read.
    pub sources: Vec<String>,
    /// Dev dependencies the generated code needs that the project does not declare.
    pub missing: Vec<String>,
}

/// Everything discovery found.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ModelGraph {
    pub stack: Stack,
    pub models: Vec<Model>,
    /// The persisted models in creation order: every model after the ones its foreign keys point at.
    pub order: Vec<String>,
    pub broken_cycles: Vec<BrokenEdge>,
    /// Cycles no nullable key could break.
    pub cycles: Vec<Vec<String>>,
    pub skipped: Vec<Skipped>,
    /// The project's own reference-data functions.
    pub seeders: Vec<Seeder>,
    /// Files that could not be read as Python.
    pub unreadable: Vec<String>,
}

impl ModelGraph {
    pub fn model(&self, name: &str) -> Option<&Model> {
        self.models.iter().find(|m| m.name == name)
    }
}
