//! A prioritized run (`fixpoint run --order ... --budget ...`): the ranking
//! comes from the history (`fixpoint_store::priority`), the files changed
//! since the last green run from git, what they reach from the import graph;
//! the plugin sorts the collected tests by it and cuts them to the budget.

use std::collections::{BTreeSet, HashMap};
use std::time::{SystemTime, UNIX_EPOCH};

use fixpoint_pytest::runner::Ordering;
use fixpoint_store::priority::{self, Order, Weights};
use fixpoint_store::{OutcomeFilter, RunRow, Store};

use crate::{AppError, Project};

/// Runs of history a ranking reads.
const RANK_RUNS: usize = 50;

/// What the caller asked for: `--order`, `--budget`, `--seed`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OrderRequest {
    pub order: Option<Order>,
    /// Wall-clock seconds the run may take.
    pub budget: Option<f64>,
    /// The seed of `--order random` [default: from the clock, and printed].
    pub seed: Option<u64>,
    /// The history to rank from when the run is not recorded (`--db`; the
    /// recording's own otherwise).
    pub db: Option<String>,
}

impl OrderRequest {
    pub fn is_empty(&self) -> bool {
        self.order.is_none() && self.budget.is_none() && self.seed.is_none()
    }
}

/// The plugin's ordering for `request`, and each test's estimated seconds
/// (the median of its recorded durations) for the budget and `-j`.
pub fn plan(
    store: &mut dyn Store,
    project: &Project,
    request: &OrderRequest,
    jobs: u32,
) -> Result<(Ordering, HashMap<String, f64>, String), AppError> {
    if request.seed.is_some() && request.order != Some(Order::Random) {
        return Err(AppError::Usage(
            "--seed is the seed of `--order random`: pass --order random with it, or leave it out".into(),
        ));
    }
    if let Some(budget) = request.budget
        && !(budget.is_finite() && budget > 0.0)
    {
        return Err(AppError::Usage(format!(
            "--budget must be a positive duration, not {budget} seconds"
        )));
    }
    let runs = store.runs(RANK_RUNS)?;
    let ids: Vec<i64> = runs.iter().map(|run| run.id).collect();
    let outcomes = store.outcomes(&ids, OutcomeFilter::All)?;
    let mut seconds: HashMap<String, Vec<f64>> = HashMap::new();
    for row in &outcomes {
        seconds.entry(row.nodeid.clone()).or_default().push(row.duration);
    }
    let durations: HashMap<String, f64> = seconds
        .into_iter()
        .map(|(nodeid, mut values)| (nodeid, crate::slow::median(&mut values)))
        .collect();
    if request.budget.is_some() && durations.is_empty() {
        return Err(AppError::Usage(
            "--budget needs recorded durations and the history has none: run the suite once with `fixpoint run`".into(),
        ));
    }
    // A budget alone runs the tests most likely to fail first.
    let order = request.order.unwrap_or(Order::Risk);
    let seed = (order == Order::Random).then(|| request.seed.unwrap_or_else(clock_seed));
    let scores = if order == Order::Random {
        priority::Ranking {
            scores: Vec::new(),
            new_test_score: 0.0,
        }
    } else {
        let reached = if order == Order::Risk {
            reached_by_changes(project, &runs)
        } else {
            Reach::default()
        };
        priority::rank(
            order,
            &runs,
            &outcomes,
            &|nodeid| reached.reaches(nodeid),
            &Weights::default(),
        )
    };
    let label = match seed {
        Some(seed) => format!("random:{seed}"),
        None => order.as_str().to_owned(),
    };
    let ordering = Ordering {
        scores: scores.scores,
        new_test_score: scores.new_test_score,
        seed,
        budget: request.budget.map(|budget| budget * f64::from(jobs.max(1))),
        longest: request.budget,
    };
    Ok((ordering, durations, label))
}

fn clock_seed() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs() % 1_000_000)
}

/// The test files and conftest directories that files changed since the
/// last green run reach through the import graph.
#[derive(Debug, Default)]
struct Reach {
    tests: BTreeSet<String>,
}

impl Reach {
    fn reaches(&self, nodeid: &str) -> bool {
        let file = fixpoint_core::TestResult::file_of(nodeid);
        self.tests.iter().any(|reached| {
            reached == file
                || reached == "."
                || file
                    .strip_prefix(reached.as_str())
                    .is_some_and(|rest| rest.starts_with('/'))
        })
    }
}

/// The last green run is the newest whole-suite run where nothing failed
/// (else the newest run at all): the changes since its commit are what can
/// have broken something.
fn reached_by_changes(project: &Project, runs: &[RunRow]) -> Reach {
    let since = runs
        .iter()
        .find(|run| run.is_whole_suite() && run.counts.failing() == 0)
        .or_else(|| runs.first())
        .and_then(|run| run.git_commit.clone());
    let changed = since
        .and_then(|commit| fixpoint_git::Git::open(&project.root)?.changed_since(&commit))
        .unwrap_or_default();
    let changed: Vec<String> = changed
        .into_iter()
        .filter(|path| {
            std::path::Path::new(path)
                .extension()
                .is_some_and(|ext| ext.eq_ignore_ascii_case("py"))
        })
        .collect();
    if changed.is_empty() {
        return Reach::default();
    }
    let sources = fixpoint_python::read_project(&project.root);
    let graph = fixpoint_python::ImportGraph::build(&project.root, &sources);
    Reach {
        tests: graph.affected_tests(&changed).into_iter().collect(),
    }
}

/// The longest `--budget`: a budget beyond it is no budget.
const LONGEST_BUDGET: f64 = 100.0 * 24.0 * 3600.0;

/// `90s`, `2m`, `1h30m`, `1.5h` or plain seconds, as seconds: hours, minutes
/// and seconds in that order, each at most once.
pub fn parse_duration(text: &str) -> Result<f64, String> {
    let invalid = || format!("`{text}` is not a duration: write it as 90s, 2m, 1h30m or a number of seconds");
    let text = text.trim();
    let total = match text.parse::<f64>() {
        Ok(seconds) => seconds,
        Err(_) => units_total(text).ok_or_else(invalid)?,
    };
    if !total.is_finite() {
        return Err(invalid());
    }
    if total <= 0.0 {
        return Err(format!("a budget must be longer than zero, not `{text}`"));
    }
    if total > LONGEST_BUDGET {
        return Err(format!(
            "`{text}` is more than 100 days: leave --budget out to run every test"
        ));
    }
    Ok(total)
}

/// `1h30m` as seconds: hours, minutes and seconds in that order, each at
/// most once; `None` for anything else.
fn units_total(text: &str) -> Option<f64> {
    let (mut total, mut number) = (0.0, String::new());
    // The units still allowed, largest first: `30s1h` is refused.
    let mut units: &[(char, f64)] = &[('h', 3600.0), ('m', 60.0), ('s', 1.0)];
    for c in text.chars() {
        if c.is_ascii_digit() || c == '.' {
            number.push(c);
            continue;
        }
        let at = units.iter().position(|(unit, _)| *unit == c)?;
        let value: f64 = number.parse().ok()?;
        total += value * units[at].1;
        units = &units[at + 1..];
        number.clear();
    }
    (number.is_empty() && !text.is_empty()).then_some(total)
}

#[cfg(test)]
mod tests {
    use super::parse_duration;

    #[test]
    fn durations_read_as_people_write_them() {
        for (text, seconds) in [
            ("90", 90.0),
            ("90s", 90.0),
            ("2m", 120.0),
            ("1h30m", 5400.0),
            ("1.5h", 5400.0),
            ("0.5s", 0.5),
        ] {
            assert_eq!(parse_duration(text), Ok(seconds), "{text}");
        }
        for text in [
            "",
            "0",
            "0s",
            "-5",
            "nan",
            "inf",
            "1e400",
            "1e308",
            "2 minutes",
            "5x",
            "m",
            "1h30",
            "s5",
            "30s1h",
            "1m1m",
        ] {
            assert!(parse_duration(text).is_err(), "{text}");
        }
        assert_eq!(
            parse_duration("0").unwrap_err(),
            "a budget must be longer than zero, not `0`"
        );
    }
}
