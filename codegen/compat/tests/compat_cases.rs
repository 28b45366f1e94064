//! tidings' own compatibility cases, written from the Avro specification's resolution rules and
//! Confluent's JSON Schema rules (tests/cases/*.json). Each case states the verdict in both
//! directions (BACKWARD: the new schema reads old data; FORWARD: the old schema reads new data)
//! and the rule that decides it.

use serde_json::Value;
use tidings_compat::{self as compat, Policy, Schema, SchemaFormat};

fn cases(file: &str) -> Vec<Value> {
    let path = format!("{}/tests/cases/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{path}: {err}"));
    serde_json::from_str(&text).expect("cases are JSON")
}

fn parse(format: SchemaFormat, value: &Value) -> Schema {
    Schema::parse(format, &value.to_string())
        .unwrap_or_else(|err| panic!("case schema {value} does not load: {err}"))
}

/// Runs every case of `file`; returns the failures.
fn run(file: &str, format: SchemaFormat) -> (usize, Vec<String>) {
    let mut failures = Vec::new();
    let all = cases(file);
    for case in &all {
        let description = case["description"].as_str().unwrap_or_default();
        if let Some(side) = case.get("invalid").and_then(Value::as_str) {
            // The schema on `side` must be refused as invalid input (exit 2).
            if let Ok(schema) = Schema::parse(format, &case[side].to_string()) {
                failures.push(format!(
                    "{description}: the {side} schema should be invalid, but loads: {schema:?}"
                ));
            }
            continue;
        }
        let old = parse(format, &case["old"]);
        let new = parse(format, &case["new"]);
        for (direction, writer, reader, policy) in [
            ("backward", &old, &new, Policy::Strict),
            ("forward", &new, &old, Policy::Strict),
            ("backward_lenient", &old, &new, Policy::Lenient),
        ] {
            let Some(expected) = case.get(direction).and_then(Value::as_bool).or_else(|| {
                (direction == "backward_lenient")
                    .then(|| case["backward"].as_bool())
                    .flatten()
            }) else {
                continue;
            };
            let changes = compat::diff(writer, reader, policy).expect("same format");
            let compatible = changes.iter().all(|c| c.compatible);
            let rules: Vec<&str> = changes.iter().map(|c| c.rule).collect();
            if compatible != expected {
                failures.push(format!(
                    "{description} [{direction}]: expected compatible={expected}, got {compatible}: {rules:?}"
                ));
            }
            let rule_key = format!("{}_rule", direction.trim_end_matches("_lenient"));
            if direction != "backward_lenient"
                && let Some(rule) = case.get(&rule_key).and_then(Value::as_str)
                && !rules.contains(&rule)
            {
                failures.push(format!(
                    "{description} [{direction}]: expected rule {rule}, got {rules:?}"
                ));
            }
        }
    }
    (all.len(), failures)
}

#[test]
fn avro_cases_hold_in_both_directions() {
    let (count, failures) = run("avro.json", SchemaFormat::Avro);
    println!("avro cases: {count}");
    assert!(count >= 40);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn json_schema_cases_hold_in_both_directions() {
    let (count, failures) = run("json_schema.json", SchemaFormat::JsonSchema);
    println!("json schema cases: {count}");
    assert!(count >= 39);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// apache-avro's own checker agrees with the engine except where it does not implement a rule of
/// the specification: enum defaults (Avro 1.9) and reader aliases of named types. Logical types
/// are left out: the engine is stricter about them on purpose (see `compat::avro`).
#[test]
fn avro_verdicts_match_apache_avro_outside_logical_types() {
    use apache_avro::schema_compatibility::SchemaCompatibility;
    let mut compared = 0;
    let mut disagreements = Vec::new();
    for case in cases("avro.json") {
        let description = case["description"].as_str().unwrap_or_default();
        let logical = case.to_string().contains("logicalType");
        if logical || case.get("invalid").is_some() {
            continue;
        }
        let old = apache_avro::Schema::parse(&case["old"]).expect("parses");
        let new = apache_avro::Schema::parse(&case["new"]).expect("parses");
        for (direction, writer, reader) in [("backward", &old, &new), ("forward", &new, &old)] {
            compared += 1;
            let theirs = SchemaCompatibility::can_read(writer, reader).is_ok();
            let ours = case[direction].as_bool().expect("verdict");
            let (w, r) = if direction == "backward" {
                (&case["old"], &case["new"])
            } else {
                (&case["new"], &case["old"])
            };
            let changes = compat::diff(
                &parse(SchemaFormat::Avro, w),
                &parse(SchemaFormat::Avro, r),
                Policy::Strict,
            )
            .expect("same format");
            let unimplemented_upstream = changes
                .iter()
                .any(|c| c.rule == "ENUM_DEFAULT_USED" || c.rule == "ALIAS_MATCHED");
            if theirs != ours && !(unimplemented_upstream && ours) {
                disagreements.push(format!(
                    "{description} [{direction}]: apache-avro says {theirs}"
                ));
            }
        }
    }
    println!("compared with apache-avro: {compared}, disagreements: {disagreements:?}");
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}

/// Every schema the catalogue generates and keeps in its history loads: the stricter checks on
/// Avro defaults refuse none of them.
#[test]
fn generated_schemas_load() {
    let root = format!("{}/../../generated", env!("CARGO_MANIFEST_DIR"));
    let mut pending = vec![std::path::PathBuf::from(&root)];
    let mut loaded = 0;
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("generated/ reads") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            let name = path.to_string_lossy().into_owned();
            let format = match SchemaFormat::from_file_name(&name) {
                Some(SchemaFormat::Avro) => SchemaFormat::Avro,
                Some(SchemaFormat::JsonSchema)
                    if name.contains("/schemas/json/") || name.contains("/history/") =>
                {
                    SchemaFormat::JsonSchema
                }
                _ => continue,
            };
            let text = std::fs::read_to_string(&path).expect("schema reads");
            if let Err(err) = Schema::parse(format, &text) {
                panic!("{name}: {err}");
            }
            loaded += 1;
        }
    }
    println!("generated schemas loaded: {loaded}");
    assert!(loaded > 100);
}
