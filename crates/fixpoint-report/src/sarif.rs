//! SARIF 2.1.0: one rule per failure category that occurred, one result per
//! failing test located at its crash line (a project file), so that
//! code-scanning views show each failure where it happened. The pattern id
//! is the result's partial fingerprint, which keeps a failure's identity
//! stable across runs.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::model::{PatternEntry, Report, TestEntry};

pub fn render(report: &Report, version: &str) -> Value {
    let patterns: BTreeMap<&str, &PatternEntry> = report.patterns.iter().map(|p| (p.id.as_str(), p)).collect();
    // Rules in the order their category first occurs.
    let mut rules: Vec<(&str, Option<&PatternEntry>)> = Vec::new();
    for test in report.failures() {
        let category = test.category.as_deref().unwrap_or("unknown");
        if !rules.iter().any(|(id, _)| *id == category) {
            let pattern = test.pattern.as_deref().and_then(|id| patterns.get(id).copied());
            rules.push((category, pattern));
        }
    }
    let rule_objects: Vec<Value> = rules
        .iter()
        .map(|(id, pattern)| {
            let mut rule = json!({
                "id": id,
                "name": camel(id),
                "defaultConfiguration": {"level": "error"},
                "helpUri": fixpoint_core::category_docs_url(id),
            });
            if let Some(pattern) = pattern {
                rule["shortDescription"] = json!({"text": pattern.title});
                rule["fullDescription"] = json!({"text": pattern.explanation});
                rule["help"] = json!({"text": format!("Fix: {}. {}", pattern.fix, pattern.manual)});
            }
            rule
        })
        .collect();
    let results: Vec<Value> = report
        .failures()
        .map(|test| {
            let category = test.category.as_deref().unwrap_or("unknown");
            let index = rules.iter().position(|(id, _)| *id == category).unwrap_or(0);
            result(test, category, index)
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "fixpoint",
                "version": version,
                "semanticVersion": version,
                "informationUri": "https://github.com/fixpoint-dev/fixpoint",
                "rules": rule_objects,
            }},
            "invocations": [{"executionSuccessful": true}],
            "results": results,
        }],
    })
}

fn result(test: &TestEntry, category: &str, rule_index: usize) -> Value {
    let (path, line) = match (&test.crash_path, test.crash_line) {
        (Some(path), line) if !path.starts_with('/') => (path.as_str(), line),
        _ => (test.path.as_str(), None),
    };
    let mut region = json!({});
    if let Some(line) = line.filter(|l| *l > 0) {
        region = json!({"startLine": line});
    }
    let mut location = json!({"physicalLocation": {"artifactLocation": {"uri": path}}});
    if region.as_object().is_some_and(|r| !r.is_empty()) {
        location["physicalLocation"]["region"] = region;
    }
    let message = test.message.as_deref().unwrap_or("failed");
    let mut value = json!({
        "ruleId": category,
        "ruleIndex": rule_index,
        "level": "error",
        "message": {"text": format!("{} {}: {}", test.nodeid, test.outcome, message)},
        "locations": [location],
        "properties": {"nodeid": test.nodeid, "outcome": test.outcome},
    });
    if let Some(pattern) = &test.pattern {
        value["partialFingerprints"] = json!({"fixpointPattern/v1": pattern});
    }
    value
}

/// `sqlalchemy-table-redefined` → `SqlalchemyTableRedefined`.
fn camel(id: &str) -> String {
    id.split('-')
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}
