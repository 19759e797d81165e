//! fixpoint's reports. The application layer gathers a [`Report`] once from
//! the history, triage, the journal and the repair attempts; each format
//! renders it: terminal text and Markdown ([`markdown`]), the self-contained
//! HTML dashboard ([`html`]), JSON (the [`Report`] itself), JUnit XML
//! ([`junit`]), SARIF 2.1.0 ([`sarif`]) and GitHub Actions annotations
//! ([`github`]). [`docs`] writes the test-health documentation.
//!
//! Rendering is pure: no file, clock or environment is read here.

pub mod docs;
pub mod github;
pub mod html;
pub mod junit;
pub mod markdown;
mod model;
pub mod sarif;

pub use model::{
    ComparisonEntry, FixEntry, FlakyEntry, PatternEntry, PatternTrendRow, Report, RunSummary, SCHEMA_VERSION,
    SlowEntry, SlowdownEntry, TestEntry, TrendPoint, percent,
};

/// `1 test`, `2 tests`, `2 fixes`, `2 entries`: a count with its noun,
/// singular or plural (English rules for the nouns fixpoint counts).
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        return format!("{n} {noun}");
    }
    let plural = if let Some(stem) = noun
        .strip_suffix('y')
        .filter(|stem| !stem.ends_with(['a', 'e', 'i', 'o', 'u']))
    {
        format!("{stem}ies")
    } else if noun.ends_with(['s', 'x']) || noun.ends_with("ch") || noun.ends_with("sh") {
        format!("{noun}es")
    } else {
        format!("{noun}s")
    };
    format!("{n} {plural}")
}

/// Seconds as a person reads them: `0.042s`, `4.20s`, `2m05s`, `1h02m`.
pub fn seconds(value: f64) -> String {
    let value = value.max(0.0);
    if value < 1.0 {
        format!("{value:.3}s")
    } else if value < 60.0 {
        format!("{value:.2}s")
    } else if value < 3600.0 {
        let whole = value.round() as u64;
        format!("{}m{:02}s", whole / 60, whole % 60)
    } else {
        let minutes = (value / 60.0).round() as u64;
        format!("{}h{:02}m", minutes / 60, minutes % 60)
    }
}

/// Bytes of memory in MiB as a person reads them: `43.6 MB`, `1.25 GB`.
pub fn megabytes(bytes: u64) -> String {
    let mib = bytes as f64 / (1024.0 * 1024.0);
    if mib >= 1024.0 {
        format!("{:.2} GB", mib / 1024.0)
    } else {
        format!("{mib:.1} MB")
    }
}

/// The formats `fixpoint report --format` knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Markdown,
    Html,
    Json,
    Junit,
    Sarif,
    Github,
}

impl Format {
    /// Every format by the name `--format` takes, in the order `--help` lists them.
    pub const ALL: [(&'static str, Format); 7] = [
        ("text", Format::Text),
        ("markdown", Format::Markdown),
        ("html", Format::Html),
        ("json", Format::Json),
        ("junit", Format::Junit),
        ("sarif", Format::Sarif),
        ("github", Format::Github),
    ];

    /// The format named `name` (as in [`Format::ALL`]).
    pub fn named(name: &str) -> Option<Format> {
        Self::ALL
            .iter()
            .find(|(known, _)| *known == name)
            .map(|(_, format)| *format)
    }
}

/// The report in `format`; `version` is fixpoint's, for the formats that name the tool.
pub fn render(report: &Report, format: Format, version: &str) -> String {
    match format {
        Format::Text => markdown::render_text(report),
        Format::Markdown => markdown::render(report),
        Format::Html => html::render(report),
        Format::Json => serde_json::to_string_pretty(report).unwrap_or_default() + "\n",
        Format::Junit => junit::render(report),
        Format::Sarif => serde_json::to_string_pretty(&sarif::render(report, version)).unwrap_or_default() + "\n",
        Format::Github => github::annotations(report),
    }
}

#[cfg(test)]
mod format_tests {
    use super::{Format, count};

    /// A new format fails to compile here until it is in `Format::ALL`.
    #[test]
    fn every_format_has_a_name() {
        for format in [
            Format::Text,
            Format::Markdown,
            Format::Html,
            Format::Json,
            Format::Junit,
            Format::Sarif,
            Format::Github,
        ] {
            let name = match format {
                Format::Text => "text",
                Format::Markdown => "markdown",
                Format::Html => "html",
                Format::Json => "json",
                Format::Junit => "junit",
                Format::Sarif => "sarif",
                Format::Github => "github",
            };
            assert_eq!(Format::named(name), Some(format), "{name}");
        }
        assert_eq!(Format::ALL.len(), 7);
    }

    #[test]
    fn counts_say_singular_and_plural() {
        let said: Vec<String> = [
            (1, "test"),
            (2, "test"),
            (0, "fix"),
            (2, "entry"),
            (2, "day"),
            (3, "match"),
        ]
        .iter()
        .map(|(n, noun)| count(*n, noun))
        .collect();
        assert_eq!(
            said,
            ["1 test", "2 tests", "0 fixes", "2 entries", "2 days", "3 matches"]
        );
    }
}
