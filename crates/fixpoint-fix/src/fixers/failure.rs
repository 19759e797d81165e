//! A failing test as the fixers read it to find their targets: its
//! messages, its project frames, and the triage verdict it got.

use fixpoint_core::{FixerCode, TestResult};
use fixpoint_triage::traceback::{Frame, frames, innermost_project_frame, is_project_path};

use super::Target;

/// One failing test of the run `fix` answers.
pub struct FailureView<'a> {
    pub test: &'a TestResult,
    /// Its triage category (`""` when triage gave it none).
    pub category: &'a str,
    /// Its pattern id (`""` when triage gave it none).
    pub pattern: &'a str,
}

impl FailureView<'_> {
    /// Its one-line message and its crash message.
    pub fn messages(&self) -> Vec<&str> {
        [
            self.test.message.as_deref(),
            self.test.crash.as_ref().map(|crash| crash.message.as_str()),
        ]
        .into_iter()
        .flatten()
        .collect()
    }

    pub fn longrepr(&self) -> &str {
        self.test.longrepr.as_deref().unwrap_or_default()
    }

    /// The frames of its traceback in the project's own files.
    pub fn project_frames(&self) -> Vec<Frame> {
        frames(self.longrepr()).into_iter().filter(Frame::is_project).collect()
    }

    /// One target per project frame: `name` in every project file the
    /// traceback passes through.
    pub fn frame_targets(&self, code: FixerCode, name: &str) -> Vec<Target> {
        self.project_frames()
            .into_iter()
            .map(|frame| Target {
                code,
                path: frame.path,
                name: name.to_owned(),
            })
            .collect()
    }

    /// The file it was raised in, if it is the project's.
    pub fn raised_in(&self) -> Option<String> {
        if let Some(crash) = self.test.crash.as_ref().filter(|crash| is_project_path(&crash.path)) {
            return Some(crash.path.clone());
        }
        innermost_project_frame(&frames(self.longrepr())).map(|frame| frame.path.clone())
    }

    /// Its crash site, if it is in the project.
    pub fn project_crash_path(&self) -> Option<&str> {
        self.test
            .crash
            .as_ref()
            .map(|crash| crash.path.as_str())
            .filter(|path| is_project_path(path))
    }
}
