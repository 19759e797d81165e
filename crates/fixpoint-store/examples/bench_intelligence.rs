//! How well the slowdown detector and the prioritized run do on a generated
//! history with known answers.
//!
//! `cargo run --release -p fixpoint-store --example bench_intelligence -- [RUNS] [TESTS] [SEED]`
//! (default 200 runs of 2,000 tests, seed 42) prints one JSON object:
//! precision, recall and time of each slowdown method, and the APFD and
//! the failures caught within 10%, 25% and 50% of the suite's time of each
//! order. `bench/intelligence/run.sh` runs it and writes the figures into
//! docs/benchmarks.md.
//!
//! The history is built in memory (no database): what is measured is the
//! analysis, not the store.
//!
//! Durations: each test has a base time (log-normal, median 50 ms, clamped
//! to 5 ms - 5 s); each run multiplies it by ±15% of noise, by the run's
//! machine (±8%, and one run in 50 on a machine twice as slow), and one
//! result in 50 by 1.5x-3x (a pause, a cold cache); 3% of the tests are
//! bimodal (one run in four takes 2x-3x: a cache miss, a retry). 2% of the
//! tests get slower for good, 3x-6x, from a run after the 20th and before
//! the last 3.
//!
//! Failures: the suite has 100 modules; each test reaches its own module and
//! up to three others through the import graph, and three tests in ten also
//! depend on one more module the graph does not show (a fixture, a data
//! file, a dynamic import). Three runs in four are a new commit that changes one
//! to three modules (the others rerun the same code); half the changes
//! break something, and then each test reaching the module fails with
//! probability 0.4 and stays broken until a later commit fixes it (one in
//! two per commit). 0.5% of the tests are chronic (fail 70% of the time),
//! 3% flaky (fail 20% of the time, at random), 1% always skipped.

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use fixpoint_core::{Counts, Outcome};
use fixpoint_store::priority::{self, Order, Weights};
use fixpoint_store::slowdown::{Detector, Method};
use fixpoint_store::{OutcomeRow, RunRow};
use serde_json::{Value, json};

/// Marsaglia's xorshift64*: small, fast and deterministic.
struct Random(u64);

impl Random {
    fn new(seed: u64) -> Self {
        // Never zero, and different seeds far apart from the first draw.
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1_u64 << 53) as f64
    }

    fn between(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * self.unit()
    }

    /// Uniform in `0..n`.
    fn below(&mut self, n: usize) -> usize {
        (self.unit() * n as f64) as usize % n.max(1)
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Standard normal (Box-Muller).
    fn normal(&mut self) -> f64 {
        let u = self.unit().max(f64::MIN_POSITIVE);
        let v = self.unit();
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i + 1));
        }
    }
}

/// Why a test failed in a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Cause {
    /// Broken by this run's change.
    NewBreakage,
    /// Broken by an earlier change, not yet fixed.
    StillBroken,
    Chronic,
    Flaky,
}

impl Cause {
    fn as_str(self) -> &'static str {
        match self {
            Cause::NewBreakage => "broken by this run's change",
            Cause::StillBroken => "broken earlier, not yet fixed",
            Cause::Chronic => "chronic",
            Cause::Flaky => "flaky",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Plain,
    Chronic,
    Flaky,
    Skipped,
}

struct Test {
    nodeid: String,
    base: f64,
    kind: Kind,
    /// Takes 2x-3x in one run of four.
    bimodal: Option<f64>,
    /// (first slow run index, factor).
    slowdown: Option<(usize, f64)>,
    /// The modules it reaches through the import graph.
    reaches: Vec<usize>,
    /// A module it depends on that the import graph does not show (a
    /// fixture, a data file, a dynamic import).
    hidden: Option<usize>,
}

struct History {
    tests: Vec<Test>,
    runs: Vec<RunRow>,
    /// `tests.len()` rows per run, run after run, tests in order.
    outcomes: Vec<OutcomeRow>,
    /// Per run: the modules its commit changed.
    changed: Vec<Vec<usize>>,
    /// Per run: why each failing test failed.
    causes: Vec<HashMap<usize, Cause>>,
}

const MODULES: usize = 100;

fn run_row(id: i64, code: &str, counts: Counts) -> RunRow {
    RunRow {
        id,
        source: "run".into(),
        started_at: format!("2026-11-{:02}T{:02}:00:00.000Z", 1 + id / 24 % 28, id % 24),
        git_commit: Some(code.to_owned()),
        git_branch: Some("main".into()),
        git_dirty: Some(false),
        command: "fixpoint run".into(),
        project: "/bench".into(),
        workers: 1,
        counts,
        code_hash: Some(code.to_owned()),
        ..RunRow::default()
    }
}

fn generate(runs: usize, count: usize, seed: u64) -> History {
    let mut random = Random::new(seed);
    let modules = MODULES.min(count.max(1));
    let tests: Vec<Test> = (0..count)
        .map(|t| {
            let module = t * modules / count;
            let mut reaches = vec![module];
            for _ in 0..random.below(4) {
                let other = random.below(modules);
                if !reaches.contains(&other) {
                    reaches.push(other);
                }
            }
            let kind = match random.unit() {
                u if u < 0.005 => Kind::Chronic,
                u if u < 0.035 => Kind::Flaky,
                u if u < 0.045 => Kind::Skipped,
                _ => Kind::Plain,
            };
            let hidden = random
                .chance(0.3)
                .then(|| random.below(modules))
                .filter(|m| !reaches.contains(m));
            let bimodal = random.chance(0.03).then(|| random.between(2.0, 3.0));
            let slowdown =
                (runs > 24 && random.chance(0.02)).then(|| (20 + random.below(runs - 23), random.between(3.0, 6.0)));
            Test {
                nodeid: format!("tests/test_m{module:03}.py::test_{t:05}"),
                base: (0.05_f64.ln() + 1.2 * random.normal()).exp().clamp(0.005, 5.0),
                kind,
                bimodal,
                slowdown,
                reaches,
                hidden,
            }
        })
        .collect();
    let mut reached_by: Vec<Vec<usize>> = vec![Vec::new(); modules];
    for (t, test) in tests.iter().enumerate() {
        for &module in test.reaches.iter().chain(&test.hidden) {
            reached_by[module].push(t);
        }
    }

    let mut history = History {
        runs: Vec::with_capacity(runs),
        outcomes: Vec::with_capacity(runs * count),
        changed: Vec::with_capacity(runs),
        causes: Vec::with_capacity(runs),
        tests,
    };
    // Per test: the run whose change broke it, while it is broken.
    let mut broken: Vec<Option<usize>> = vec![None; count];
    let mut commit = 0_u32;
    for r in 0..runs {
        let new_commit = r == 0 || random.chance(0.75);
        let mut changed = Vec::new();
        if new_commit {
            commit += 1;
            for slot in &mut broken {
                if slot.is_some() && random.chance(0.5) {
                    *slot = None;
                }
            }
            for _ in 0..=random.below(3) {
                let module = random.below(modules);
                changed.push(module);
                if random.chance(0.5) {
                    for &t in &reached_by[module] {
                        if broken[t].is_none() && random.chance(0.4) {
                            broken[t] = Some(r);
                        }
                    }
                }
            }
        }
        let machine = random.between(0.92, 1.08) * if random.chance(0.02) { 2.0 } else { 1.0 };
        let mut counts = Counts::default();
        let mut causes = HashMap::new();
        for (t, test) in history.tests.iter().enumerate() {
            let cause = match (broken[t], test.kind) {
                (Some(at), _) if at == r => Some(Cause::NewBreakage),
                (Some(_), _) => Some(Cause::StillBroken),
                (None, Kind::Chronic) if random.chance(0.7) => Some(Cause::Chronic),
                (None, Kind::Flaky) if random.chance(0.2) => Some(Cause::Flaky),
                _ => None,
            };
            let mut seconds = test.base * machine * random.between(0.85, 1.15);
            if let Some((start, factor)) = test.slowdown
                && r >= start
            {
                seconds *= factor;
            }
            if let Some(factor) = test.bimodal
                && random.chance(0.25)
            {
                seconds *= factor;
            }
            if random.chance(0.02) {
                seconds *= random.between(1.5, 3.0);
            }
            seconds += random.between(0.0, 0.0005);
            let outcome = if test.kind == Kind::Skipped {
                seconds = 0.0003;
                Outcome::Skipped
            } else if let Some(cause) = cause {
                causes.insert(t, cause);
                Outcome::Failed
            } else {
                Outcome::Passed
            };
            counts.add(outcome);
            history.outcomes.push(OutcomeRow {
                run_id: r as i64 + 1,
                nodeid: test.nodeid.clone(),
                outcome,
                duration: seconds,
            });
        }
        history
            .runs
            .push(run_row(r as i64 + 1, &format!("commit-{commit:04}"), counts));
        history.changed.push(changed);
        history.causes.push(causes);
    }
    history
}

fn median_of(samples: &mut [f64]) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

/// Precision, recall and time of each method over the whole history.
fn slowdowns(history: &History) -> Value {
    // Where each injected slowdown shows: the first run from its start where the test passed.
    let mut passed_runs: HashMap<&str, Vec<i64>> = HashMap::new();
    for row in &history.outcomes {
        if row.outcome == Outcome::Passed {
            passed_runs.entry(&row.nodeid).or_default().push(row.run_id);
        }
    }
    let position = |nodeid: &str, run_id: i64| {
        passed_runs
            .get(nodeid)
            .map_or(0, |runs| runs.partition_point(|&id| id < run_id))
    };
    let injected: HashMap<&str, usize> = history
        .tests
        .iter()
        .filter(|test| test.kind != Kind::Skipped)
        .filter_map(|test| {
            test.slowdown
                .map(|(start, _)| (test.nodeid.as_str(), position(&test.nodeid, start as i64 + 1)))
        })
        .collect();
    let bimodal: HashSet<&str> = history
        .tests
        .iter()
        .filter(|test| test.bimodal.is_some())
        .map(|test| test.nodeid.as_str())
        .collect();
    let methods: Vec<Value> = Method::ALL
        .into_iter()
        .map(|method| {
            let detector = Detector::new(method);
            let mut times = Vec::new();
            let mut found = Vec::new();
            for _ in 0..5 {
                let start = Instant::now();
                found = detector.detect_all(&history.outcomes);
                times.push(start.elapsed().as_secs_f64() * 1000.0);
            }
            let (mut hits, mut exact, mut misplaced, mut on_bimodal) = (0, 0, 0, 0);
            for slowdown in &found {
                if let Some(&expected) = injected.get(slowdown.nodeid.as_str()) {
                    let off = position(&slowdown.nodeid, slowdown.run_id).abs_diff(expected);
                    if off <= 2 {
                        hits += 1;
                        exact += usize::from(off == 0);
                    } else {
                        misplaced += 1;
                    }
                } else if bimodal.contains(slowdown.nodeid.as_str()) {
                    on_bimodal += 1;
                }
            }
            let reported = found.len();
            json!({
                "method": method.as_str(),
                "threshold": detector.threshold,
                "window": detector.window,
                "min_samples": detector.min_samples,
                "reported": reported,
                "true_positives": hits,
                "located_exactly": exact,
                "misplaced": misplaced,
                "false_alarms": reported - hits - misplaced,
                "false_alarms_on_bimodal": on_bimodal,
                "precision": if reported == 0 { 1.0 } else { hits as f64 / reported as f64 },
                "recall": if injected.is_empty() { 1.0 } else { hits as f64 / injected.len() as f64 },
                "detector_ms": median_of(&mut times),
            })
        })
        .collect();
    json!({
        "injected": injected.len(),
        "bimodal_tests": bimodal.len(),
        "methods": methods,
    })
}

/// APFD of an order of `n` tests with the failing ones at these 1-based positions.
fn apfd(n: usize, positions: &[usize]) -> f64 {
    let m = positions.len() as f64;
    let sum: usize = positions.iter().sum();
    1.0 - sum as f64 / (n as f64 * m) + 1.0 / (2.0 * n as f64)
}

const BUDGETS: [f64; 3] = [0.10, 0.25, 0.50];
const EVALUATIONS: usize = 20;
const HISTORY_WINDOW: usize = 50;
const RANDOM_SEEDS: u64 = 10;

/// Per order: the APFD and the share of the failures caught within each budget
/// of one evaluation run.
struct Score {
    apfd: f64,
    caught: [f64; 3],
}

fn score_order(order: &[&str], failing: &HashSet<&str>, estimate: &HashMap<&str, f64>, total: f64) -> Score {
    let positions: Vec<usize> = order
        .iter()
        .enumerate()
        .filter(|(_, id)| failing.contains(*id))
        .map(|(k, _)| k + 1)
        .collect();
    let ranked: Vec<(String, f64)> = order
        .iter()
        .map(|id| ((*id).to_owned(), estimate.get(id).copied().unwrap_or(0.0)))
        .collect();
    let caught = BUDGETS.map(|share| {
        let (kept, _) = priority::within_budget(&ranked, share * total);
        kept.iter().filter(|id| failing.contains(id.as_str())).count() as f64 / failing.len() as f64
    });
    Score {
        apfd: apfd(order.len(), &positions),
        caught,
    }
}

fn prioritization(history: &History) -> Value {
    let runs = history.runs.len();
    let count = history.tests.len();
    let index: HashMap<&str, usize> = history
        .tests
        .iter()
        .enumerate()
        .map(|(t, test)| (test.nodeid.as_str(), t))
        .collect();
    let collected: Vec<String> = history.tests.iter().map(|t| t.nodeid.clone()).collect();
    let weights = Weights::default();
    let labels = ["risk", "failed-first", "duration", "random"];
    let mut totals: HashMap<&str, (f64, [f64; 3])> = HashMap::new();
    let mut rank_ms: Vec<f64> = Vec::new();
    let mut evaluated = 0_usize;
    let mut faults = 0_usize;
    let mut causes: HashMap<&str, usize> = HashMap::new();
    for e in runs.saturating_sub(EVALUATIONS).max(1)..runs {
        let failing: HashSet<&str> = history.causes[e]
            .keys()
            .map(|&t| history.tests[t].nodeid.as_str())
            .collect();
        if failing.is_empty() {
            continue;
        }
        evaluated += 1;
        faults += failing.len();
        for cause in history.causes[e].values() {
            *causes.entry(cause.as_str()).or_default() += 1;
        }
        // Only what was known before run `e`: the runs before it, newest first.
        let first = e.saturating_sub(HISTORY_WINDOW);
        let past: Vec<RunRow> = history.runs[first..e].iter().rev().cloned().collect();
        let outcomes = &history.outcomes[first * count..e * count];
        let changed: HashSet<usize> = history.changed[e].iter().copied().collect();
        let reaches = |nodeid: &str| {
            index
                .get(nodeid)
                .is_some_and(|&t| history.tests[t].reaches.iter().any(|m| changed.contains(m)))
        };
        // The estimate a budget is cut with: the median of the past durations.
        let durations = priority::rank(Order::Duration, &past, outcomes, &reaches, &weights);
        let estimate: HashMap<&str, f64> = durations
            .scores
            .iter()
            .map(|(id, score)| (id.as_str(), -score))
            .collect();
        let total: f64 = estimate.values().sum();
        let mut add = |label: &'static str, score: &Score, share: f64| {
            let entry = totals.entry(label).or_insert((0.0, [0.0; 3]));
            entry.0 += score.apfd * share;
            for (sum, caught) in entry.1.iter_mut().zip(score.caught) {
                *sum += caught * share;
            }
        };
        for (label, order) in [("risk", Order::Risk), ("failed-first", Order::FailedFirst)] {
            let start = Instant::now();
            let ranking = priority::rank(order, &past, outcomes, &reaches, &weights);
            if order == Order::Risk {
                rank_ms.push(start.elapsed().as_secs_f64() * 1000.0);
            }
            add(
                label,
                &score_order(&ranking.apply(&collected), &failing, &estimate, total),
                1.0,
            );
        }
        add(
            "duration",
            &score_order(&durations.apply(&collected), &failing, &estimate, total),
            1.0,
        );
        for seed in 1..=RANDOM_SEEDS {
            let mut order: Vec<&str> = collected.iter().map(String::as_str).collect();
            Random::new(seed * 1_000 + e as u64).shuffle(&mut order);
            add(
                "random",
                &score_order(&order, &failing, &estimate, total),
                1.0 / RANDOM_SEEDS as f64,
            );
        }
    }
    let n = evaluated.max(1) as f64;
    let orders: Vec<Value> = labels
        .iter()
        .map(|label| {
            let (apfd, caught) = totals.get(label).copied().unwrap_or((0.0, [0.0; 3]));
            json!({
                "order": label,
                "apfd": apfd / n,
                "caught": caught.map(|c| c / n),
            })
        })
        .collect();
    let of = |label: &str| totals.get(label).copied().unwrap_or((0.0, [0.0; 3]));
    let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { 0.0 };
    let (risk, random, failed_first) = (of("risk"), of("random"), of("failed-first"));
    json!({
        "evaluation_runs": evaluated,
        "history_window": HISTORY_WINDOW,
        "random_seeds": RANDOM_SEEDS,
        "faults": faults,
        "faults_per_run": faults as f64 / n,
        "causes": causes,
        "budgets": BUDGETS,
        "weights": {
            "failure": weights.failure,
            "half_life": weights.half_life,
            "flaky": weights.flaky,
            "changed": weights.changed,
            "new_test": weights.new_test,
        },
        "orders": orders,
        "risk_vs_random": {
            "apfd": ratio(risk.0, random.0),
            "caught": ([0, 1, 2].map(|k| ratio(risk.1[k], random.1[k]))),
        },
        "risk_vs_failed_first": {
            "apfd": ratio(risk.0, failed_first.0),
            "caught": ([0, 1, 2].map(|k| ratio(risk.1[k], failed_first.1[k]))),
        },
        "rank_ms": median_of(&mut rank_ms),
    })
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number = |k: usize, default: u64| -> u64 {
        args.get(k).map_or(default, |text| {
            text.parse().unwrap_or_else(|_| {
                eprintln!("usage: bench_intelligence [RUNS] [TESTS] [SEED]");
                std::process::exit(2);
            })
        })
    };
    let (runs, tests, seed) = (number(0, 200) as usize, number(1, 2_000) as usize, number(2, 42));
    if runs < 2 || tests == 0 {
        eprintln!("bench_intelligence needs at least 2 runs and 1 test");
        std::process::exit(2);
    }
    let start = Instant::now();
    let history = generate(runs, tests, seed);
    let generate_ms = start.elapsed().as_secs_f64() * 1000.0;
    let report = json!({
        "runs": runs,
        "tests": tests,
        "seed": seed,
        "results": history.outcomes.len(),
        "generate_ms": generate_ms,
        "slowdown": slowdowns(&history),
        "priority": prioritization(&history),
    });
    println!("{report}");
}
