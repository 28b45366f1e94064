//! Confluent Schema Registry's own JSON Schema compatibility cases, read from
//! `../shared/conformance/json-schema-compat` (or `$JSON_SCHEMA_COMPAT_DIR`), each run through the
//! engine: BACKWARD under the STRICT policy must give `compatible`, and LENIENT must give
//! `compatible_lenient` where a case states it.

use std::path::PathBuf;

use serde_json::Value;
use tidings_compat::{self as compat, Compatibility, Policy, Schema, SchemaFormat};

fn cases_dir() -> PathBuf {
    std::env::var_os("JSON_SCHEMA_COMPAT_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../../shared/conformance/json-schema-compat")
        })
}

fn load(value: &Value) -> Schema {
    Schema::parse(SchemaFormat::JsonSchema, &value.to_string()).expect("case schema loads")
}

/// Cases where the engine departs from Confluent's verdict on purpose, each because Confluent's is
/// wrong about the data: the engine's finding carries a witness, a value the original schema
/// accepts and the update rejects, and a line saying it is stricter than Confluent.
const DELIBERATE_DEPARTURES: &[(&str, &str)] = &[(
    "Detect required array to be changed",
    "`required` gains `bar`, which no property declares: `{\"foo\":\"x\"}` is valid before and invalid after",
)];

fn verdict(policy: Policy, original: &Value, update: &Value) -> (bool, Vec<String>) {
    let report = compat::check(
        Compatibility::Backward,
        policy,
        &[load(original)],
        &load(update),
    )
    .expect("comparable");
    let rules = report.comparisons[0]
        .changes
        .iter()
        .map(|change| format!("{} {}", change.rule, change.path.pointer()))
        .collect();
    (report.is_compatible(), rules)
}

#[test]
fn engine_agrees_with_every_confluent_case() {
    let dir = cases_dir();
    let mut total = 0;
    let mut lenient_total = 0;
    let mut same_rules = 0;
    let mut disagreements = Vec::new();
    let mut departures = 0;
    for file in [
        "diff-schema-examples.json",
        "diff-combined-schema-examples.json",
    ] {
        let path = dir.join(file);
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
        let cases: Vec<Value> = serde_json::from_str(&text).expect("cases are JSON");
        for (index, case) in cases.iter().enumerate() {
            total += 1;
            let description = case["description"].as_str().unwrap_or_default();
            let (compatible, rules) = verdict(
                Policy::Strict,
                &case["original_schema"],
                &case["update_schema"],
            );
            let expected = case["compatible"].as_bool().expect("compatible is a bool");
            if let Some((_, why)) = DELIBERATE_DEPARTURES
                .iter()
                .find(|(d, _)| *d == description)
            {
                departures += 1;
                println!("{file}#{index} {description}: departs from Confluent on purpose: {why}");
                if compatible == expected {
                    disagreements.push(format!(
                        "{description}: expected the engine to depart from Confluent"
                    ));
                }
                let changes = compat::diff(
                    &load(&case["original_schema"]),
                    &load(&case["update_schema"]),
                    Policy::Strict,
                )
                .expect("comparable");
                let proven = changes.iter().filter(|c| !c.compatible).all(|c| {
                    c.divergence.is_some() && matches!(c.witness, Some(compat::Witness::Value(_)))
                });
                if !proven {
                    disagreements.push(format!(
                        "{description}: the departure lacks a witness or its divergence line: {changes:?}"
                    ));
                }
                continue;
            }
            if compatible != expected {
                disagreements.push(format!(
                    "{file}#{index} {description}: STRICT expected {expected}, got {compatible}; engine saw {rules:?}; Confluent saw {}",
                    case["changes"]
                ));
            }
            let theirs: Vec<String> = case["changes"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|c| {
                    c.as_str()
                        .and_then(|c| c.split(' ').next())
                        .map(str::to_owned)
                })
                .collect();
            let mut ours: Vec<String> = rules
                .iter()
                .filter_map(|r| r.split(' ').next().map(str::to_owned))
                .collect();
            let mut theirs_sorted = theirs.clone();
            theirs_sorted.sort();
            theirs_sorted.dedup();
            ours.sort();
            ours.dedup();
            if ours == theirs_sorted {
                same_rules += 1;
            } else {
                println!(
                    "{file}#{index} {description}: engine saw {rules:?}; Confluent saw {}",
                    case["changes"]
                );
            }
            if let Some(expected) = case.get("compatible_lenient").and_then(Value::as_bool) {
                lenient_total += 1;
                let (lenient, rules) = verdict(
                    Policy::Lenient,
                    &case["original_schema"],
                    &case["update_schema"],
                );
                if lenient != expected {
                    disagreements.push(format!(
                        "{file}#{index} {description}: LENIENT expected {expected}, got {lenient}; engine saw {rules:?}"
                    ));
                }
            }
        }
    }
    println!(
        "confluent cases: {total} STRICT verdicts, {lenient_total} LENIENT verdicts; {} disagreements; identical difference types in {same_rules}/{total}",
        disagreements.len()
    );
    assert_eq!(total, 132, "the two files hold 132 cases");
    assert_eq!(departures, DELIBERATE_DEPARTURES.len());
    assert_eq!(
        same_rules + departures,
        total,
        "every case should yield Confluent's own set of difference types"
    );
    assert!(
        disagreements.is_empty(),
        "{} disagreements:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}
