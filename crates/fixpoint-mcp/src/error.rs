//! A tool's failure stays typed inside the server and becomes the one message
//! a client reads only at the edge, in [`crate::server::FixpointServer`]'s
//! `blocking`, with its causes joined as the command line prints them.

use fixpoint_app::AppError;

#[derive(Debug)]
pub(crate) enum ToolError {
    /// A use case failed; its source chain is kept for the message.
    App(AppError),
    /// The server itself refused the call (an unknown resource, a missing rule).
    Refused(String),
}

impl ToolError {
    /// `error: cause: cause`, as `fixpoint` prints an error.
    pub(crate) fn into_message(self) -> String {
        match self {
            Self::App(error) => {
                let mut message = error.to_string();
                let mut source = std::error::Error::source(&error);
                while let Some(cause) = source {
                    message.push_str(": ");
                    message.push_str(&cause.to_string());
                    source = cause.source();
                }
                message
            }
            Self::Refused(message) => message,
        }
    }
}

impl From<AppError> for ToolError {
    fn from(error: AppError) -> Self {
        Self::App(error)
    }
}

impl From<String> for ToolError {
    fn from(message: String) -> Self {
        Self::Refused(message)
    }
}

impl From<&str> for ToolError {
    fn from(message: &str) -> Self {
        Self::Refused(message.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_io_error_keeps_its_cause_in_the_message() {
        let error = AppError::io(
            "could not create out",
            std::io::Error::new(std::io::ErrorKind::PermissionDenied, "permission denied"),
        );
        assert_eq!(
            ToolError::from(error).into_message(),
            "could not create out: permission denied"
        );
    }
}
