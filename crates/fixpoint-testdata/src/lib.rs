//! Test data from a Python project's own models.
//!
//! [`discover`] reads the models statically (Ruff's parser; nothing is
//! imported): SQLAlchemy (classic `Column` and 2.0 `Mapped`/`mapped_column`),
//! Django, Pydantic and `prisma/schema.prisma`, with their fields, sizes,
//! constraints, keys, relationships and enums, into a [`ModelGraph`] whose
//! persisted models are in creation order. [`generate`] writes factory_boy
//! factories, a seed script and pytest fixtures from it; [`merge`] keeps the
//! blocks a person marked `# CUSTOM` when a file is generated again.
//!
//! ```
//! let root = std::path::Path::new("/project");
//! let sources = vec![(
//!     "app/models.py".to_owned(),
//!     "from sqlalchemy import Column, Integer, String\nfrom app.db import Base\n\nclass Author(Base):\n    __tablename__ = 'authors'\n    id = Column(Integer, primary_key=True)\n    name = Column(String(80), nullable=False)\n".to_owned(),
//! )];
//! let graph = fixpoint_testdata::discover_sources(root, &sources);
//! let author = graph.model("Author").unwrap();
//! assert_eq!(author.field("name").unwrap().max_length, Some(80));
//! assert_eq!(graph.order, ["Author"]);
//! ```

pub mod decisions;
pub mod deps;
mod discover;
pub mod generate;
pub mod merge;
pub mod model;
mod order;

pub use discover::{dependency_files, discover, discover_sources, is_model_source, read_stack};
pub use generate::{GeneratedFile, Layout, generate};
pub use model::ModelGraph;
