//! The machinery under every change fixpoint makes to a project's files.
//!
//! Ruff's model: an [`Edit`] replaces a byte range, a [`Fix`] is a set of
//! edits with an [`Applicability`]; [`apply`] applies fixes to one source in a
//! pass that skips overlapping edits. The [`journal`] keeps each original
//! before a file is written, writes atomically, and undoes a whole change
//! byte for byte, refusing a file that changed since.
//!
//! The batch fixers ([`fixers`], one per file) run through the [`engine`]
//! in passes until nothing changes; `fixpoint fix` and `fixpoint undo` are
//! built on these.
//!
//! ```
//! use fixpoint_fix::{Applicability, Edit, Fix, apply};
//! let source = "import os\nx = Decimal(1)\n";
//! let fix = Fix::new("FP002", Applicability::Safe, vec![Edit::insertion(0, "from decimal import Decimal\n")]);
//! let result = apply(source, &[fix]);
//! assert_eq!(result.output, "from decimal import Decimal\nimport os\nx = Decimal(1)\n");
//! ```

mod edit;
pub mod engine;
pub mod fixers;
pub mod journal;

pub use edit::{Applicability, Applied, Edit, Fix, apply};
