//! The pieces of fixpoint's LLM repair loop that do not run tests: the model
//! client ([`client`]), what the model is told ([`prompt`]), the
//! search/replace edit format it answers in ([`edits`]), keeping secrets out
//! of prompts ([`redact`]). The loop itself, which applies through the
//! journal, reruns tests, records attempts and commits (`fixpoint-git`), is a
//! use case in `fixpoint-app`.
//!
//! ```
//! use fixpoint_repair::edits;
//!
//! let answer = "app/dice.py\n<<<<<<< SEARCH\nreturn 1\n=======\nreturn 2\n>>>>>>> REPLACE\n";
//! let blocks = edits::parse(answer)?;
//! let files = edits::apply(&blocks, &mut |_| Some("def f():\n    return 1\n".to_owned()))?;
//! assert_eq!(files["app/dice.py"], "def f():\n    return 2\n");
//! # Ok::<(), edits::EditError>(())
//! ```

pub mod client;
pub mod edits;
pub mod prompt;
pub mod redact;
#[cfg(feature = "test-util")]
pub mod test_util;

pub use client::{ApiKey, Client, Completion, LlmError, Message, ModelConfig, Provider};
pub use redact::Redactor;
