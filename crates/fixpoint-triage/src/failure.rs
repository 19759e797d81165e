use fixpoint_core::TestResult;

use crate::traceback::{Frame, error_lines, frames};

/// One failing test as the matchers see it.
pub struct Failure<'a> {
    pub test: &'a TestResult,
    /// The exception's qualified type as recorded, or empty.
    pub exception: &'a str,
    /// The error text: the traceback's `E` lines, else the crash message,
    /// else the one-line message. Holds the exception's name too.
    pub text: String,
    pub frames: Vec<Frame>,
}

impl<'a> Failure<'a> {
    pub fn new(test: &'a TestResult) -> Self {
        let longrepr = test.longrepr.as_deref().unwrap_or_default();
        let errors = error_lines(longrepr);
        let mut error_text = if errors.is_empty() {
            test.crash
                .as_ref()
                .map(|crash| crash.message.clone())
                .or_else(|| test.message.clone())
                .unwrap_or_default()
        } else {
            errors.join("\n")
        };
        if let Some(message) = test
            .message
            .as_ref()
            .filter(|message| !error_text.contains(message.as_str()))
        {
            error_text.push('\n');
            error_text.push_str(message);
        }
        Self {
            test,
            exception: test.exception_type.as_deref().unwrap_or_default(),
            text: error_text,
            frames: frames(longrepr),
        }
    }

    /// The exception's name without its module: `InvalidRequestError`.
    pub fn short_exception(&self) -> &str {
        self.exception.rsplit('.').next().unwrap_or_default()
    }

    pub fn exception_is(&self, name: &str) -> bool {
        self.short_exception() == name
    }

    /// The error text (or the exception's name) contains `needle`.
    pub fn says(&self, needle: &str) -> bool {
        self.text.contains(needle) || self.exception.contains(needle)
    }

    /// The first line of the error: what the pattern is named by.
    pub fn headline(&self) -> &str {
        self.text
            .lines()
            .find(|line| !line.trim().is_empty())
            .unwrap_or(self.exception)
    }
}
