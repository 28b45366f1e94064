//! Constraints are enforced in Rust: nothing the schema forbids can be published, and the error
//! names the field and the rule.

mod support;

use huleedu_contracts::{AssessmentResultV1, ProcessingEvent, ProcessingEventPayload};
use serde_json::{Value, json};
use support::{events_tsv, read_json};
use tidings::{Event, ValidationError};

fn assessment_result() -> AssessmentResultV1 {
    serde_json::from_value(read_json("examples/AssessmentResultV1.json")).unwrap()
}

#[test]
fn named_invalid_essay_results_are_rejected() {
    type Edit = fn(&mut AssessmentResultV1);
    let table: [(&str, Edit, &str, &str); 5] = [
        (
            "normalized_score 1.5",
            |r| r.essay_results[0].normalized_score = 1.5,
            "/essay_results/0/normalized_score",
            "maximum",
        ),
        (
            "normalized_score -0.1",
            |r| r.essay_results[0].normalized_score = -0.1,
            "/essay_results/0/normalized_score",
            "minimum",
        ),
        (
            "letter_grade Z",
            |r| r.essay_results[1].letter_grade = "Z".into(),
            "/essay_results/1/letter_grade",
            "pattern",
        ),
        (
            "rank 0",
            |r| r.essay_results[2].rank = 0,
            "/essay_results/2/rank",
            "exclusiveMinimum",
        ),
        (
            "confidence_score 2",
            |r| r.essay_results[0].confidence_score = 2.0,
            "/essay_results/0/confidence_score",
            "maximum",
        ),
    ];
    assert!(assessment_result().validate().is_ok());
    for (case, edit, path, rule) in table {
        let mut result = assessment_result();
        edit(&mut result);
        let err = result.validate().expect_err(case);
        let ValidationError::Invalid { event, violations } = &err else {
            panic!("{case}: {err}")
        };
        assert_eq!(*event, "assessment.result.published");
        assert_eq!(violations.len(), 1, "{case}: {err}");
        assert_eq!(violations[0].path, path, "{case}");
        assert_eq!(violations[0].rule, rule, "{case}");
        let field = path.rsplit('/').next().unwrap();
        assert!(
            err.to_string().contains(field),
            "{case}: message does not name the field: {err}"
        );
    }
}

#[test]
fn every_violation_is_reported_at_once() {
    let mut result = assessment_result();
    result.essay_results[0].normalized_score = 1.5;
    result.essay_results[0].rank = -1;
    result.assignment_id = Some("x".repeat(101));
    let err = result.validate().unwrap_err();
    let paths: Vec<&str> = err.violations().iter().map(|v| v.path.as_str()).collect();
    assert_eq!(paths.len(), 3, "{err}");
    for expected in [
        "/essay_results/0/normalized_score",
        "/essay_results/0/rank",
        "/assignment_id",
    ] {
        assert!(
            paths.contains(&expected),
            "{expected} missing from {paths:?}"
        );
    }
}

/// One invalid value for a constrained field, found in an example payload.
struct Mutation {
    pointer: String,
    field: String,
    keyword: &'static str,
    bad: Value,
}

fn deref<'a>(root: &'a Value, schema: &'a Value) -> &'a Value {
    match schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/$defs/"))
    {
        Some(name) => deref(root, &root["$defs"][name]),
        None => schema,
    }
}

fn non_null<'a>(root: &'a Value, schema: &'a Value) -> &'a Value {
    let schema = deref(root, schema);
    match schema.get("anyOf").and_then(Value::as_array) {
        Some(branches) => {
            let rest: Vec<&Value> = branches
                .iter()
                .filter(|b| b.get("type") != Some(&json!("null")))
                .collect();
            if rest.len() == 1 {
                deref(root, rest[0])
            } else {
                schema
            }
        }
        None => schema,
    }
}

fn is_integer(schema: &Value) -> bool {
    schema.get("type") == Some(&json!("integer"))
        || schema
            .get("type")
            .and_then(Value::as_array)
            .is_some_and(|t| t.contains(&json!("integer")))
}

fn violates_pattern(pattern: &str) -> Value {
    let check = jsonschema::draft202012::new(&json!({"pattern": pattern})).unwrap();
    ["Z", "", "not a uri", "!!", "a b"]
        .into_iter()
        .map(Value::from)
        .find(|candidate| !check.is_valid(candidate))
        .unwrap_or_else(|| panic!("no candidate violates {pattern}"))
}

fn bad_values(root: &Value, schema: &Value) -> Vec<(&'static str, Value)> {
    let schema = non_null(root, schema);
    let step = |integer| if integer { json!(1) } else { json!(0.5) };
    let number = |v: &Value| v.as_f64().unwrap();
    let integer = is_integer(schema);
    let mut out = Vec::new();
    if let Some(m) = schema.get("minimum") {
        out.push(("minimum", json!(number(m) - number(&step(integer)))));
    }
    if let Some(m) = schema.get("maximum") {
        out.push(("maximum", json!(number(m) + number(&step(integer)))));
    }
    if let Some(m) = schema.get("exclusiveMinimum") {
        out.push(("exclusiveMinimum", m.clone()));
    }
    if let Some(m) = schema.get("exclusiveMaximum") {
        out.push(("exclusiveMaximum", m.clone()));
    }
    if let Some(n) = schema
        .get("minLength")
        .and_then(Value::as_u64)
        .filter(|n| *n > 0)
    {
        out.push(("minLength", json!("x".repeat(n as usize - 1))));
    }
    if let Some(n) = schema.get("maxLength").and_then(Value::as_u64) {
        out.push(("maxLength", json!("x".repeat(n as usize + 1))));
    }
    if let Some(pattern) = schema.get("pattern").and_then(Value::as_str) {
        out.push(("pattern", violates_pattern(pattern)));
    }
    if schema.get("enum").is_some() {
        out.push(("enum", json!("__not_a_member__")));
    }
    if schema.get("format") == Some(&json!("email")) {
        out.push(("format", json!("not-an-email")));
    }
    out
}

fn collect(root: &Value, schema: &Value, value: &Value, pointer: &str, out: &mut Vec<Mutation>) {
    let schema = non_null(root, schema);
    if let (Some(properties), Some(object)) = (
        schema.get("properties").and_then(Value::as_object),
        value.as_object(),
    ) {
        for (name, property) in properties {
            let Some(field_value) = object.get(name).filter(|v| !v.is_null()) else {
                continue;
            };
            let field_pointer = format!("{pointer}/{name}");
            for (keyword, bad) in bad_values(root, property) {
                out.push(Mutation {
                    pointer: field_pointer.clone(),
                    field: name.clone(),
                    keyword,
                    bad,
                });
            }
            collect(root, property, field_value, &field_pointer, out);
        }
    }
    if let (Some(items), Some(first)) = (
        schema.get("items"),
        value.as_array().and_then(|a| a.first()),
    ) {
        collect(root, items, first, &format!("{pointer}/0"), out);
    }
}

fn example_of(member: ProcessingEvent) -> Option<Value> {
    let rows = events_tsv();
    let row = rows.iter().find(|row| row.member == member.member())?;
    match &row.payload_class {
        Some(class) => Some(read_json(&format!("examples/{class}.json"))),
        None => {
            let path = format!("examples/candidates/{}.json", member.descriptor().type_name);
            support::reference_dir()
                .join(&path)
                .exists()
                .then(|| read_json(&path))
        }
    }
}

#[test]
fn every_constrained_field_rejects_invalid_values_naming_the_field() {
    let mut checked = Vec::new();
    for member in ProcessingEvent::ALL {
        let Some(example) = example_of(*member) else {
            continue;
        };
        let schema = (member.descriptor().json_schema)();
        let mut mutations = Vec::new();
        collect(&schema, &schema, &example, "", &mut mutations);
        for mutation in mutations {
            let mut json = example.clone();
            *json.pointer_mut(&mutation.pointer).unwrap() = mutation.bad.clone();
            let case = format!(
                "{member} {} = {} ({})",
                mutation.pointer, mutation.bad, mutation.keyword
            );
            let message = match ProcessingEventPayload::decode(*member, json) {
                Err(err) => err.to_string(),
                Ok(payload) => {
                    let err = payload.validate().expect_err(&case);
                    assert!(
                        err.violations().iter().any(|v| v.path == mutation.pointer),
                        "{case}: no violation at the field: {err}"
                    );
                    err.to_string()
                }
            };
            assert!(
                message.contains(&mutation.field),
                "{case}: error does not name the field: {message}"
            );
            checked.push(case);
        }
    }
    println!(
        "{} invalid variants rejected:\n{}",
        checked.len(),
        checked.join("\n")
    );
    assert!(
        checked.len() >= 60,
        "only {} constrained fields found in the examples",
        checked.len()
    );
}

#[test]
fn client_pipeline_requests_strip_whitespace_before_length_checks() {
    let mut json = read_json("examples/ClientBatchPipelineRequestV1.json");
    json["batch_id"] = json!("  batch-17 \n");
    json["retry_reason"] = json!(" retry ");
    let payload =
        ProcessingEventPayload::decode(ProcessingEvent::ClientBatchPipelineRequest, json.clone())
            .unwrap();
    let written = serde_json::to_value(&payload).unwrap();
    assert_eq!(written["batch_id"], "batch-17");
    assert_eq!(written["retry_reason"], "retry");

    json["requested_pipeline"] = json!("   ");
    let payload =
        ProcessingEventPayload::decode(ProcessingEvent::ClientBatchPipelineRequest, json).unwrap();
    let err = payload.validate().unwrap_err();
    assert_eq!(err.violations()[0].path, "/requested_pipeline");
    assert_eq!(err.violations()[0].rule, "minLength");
}

#[test]
fn optional_stripped_fields_may_be_absent() {
    let mut json = read_json("examples/ClientBatchPipelineRequestV1.json");
    json.as_object_mut().unwrap().remove("retry_reason");
    let payload =
        ProcessingEventPayload::decode(ProcessingEvent::ClientBatchPipelineRequest, json).unwrap();
    assert_eq!(
        serde_json::to_value(&payload).unwrap()["retry_reason"],
        Value::Null
    );
}

/// HuleEdu's `PersonNameV1`: `legal_full_name`, absent or null, is filled from the first and last
/// names as its pydantic before-validator fills it (`f"{first} {last}".strip()`).
#[test]
fn person_name_fills_its_legal_full_name_as_huleedu_does() {
    let schema =
        serde_json::to_value(schemars::schema_for!(huleedu_contracts::PersonNameV1)).unwrap();
    let cases = [
        (
            json!({"first_name": "Ada", "last_name": "Lovelace"}),
            json!("Ada Lovelace"),
        ),
        (
            json!({"first_name": "Ada", "last_name": "Lovelace", "legal_full_name": null}),
            json!("Ada Lovelace"),
        ),
        (
            json!({"first_name": " Ada", "last_name": " "}),
            json!("Ada"),
        ),
        (
            json!({"first_name": "", "last_name": "Lovelace"}),
            json!("Lovelace"),
        ),
        (
            json!({"first_name": "Ada", "last_name": "Lovelace", "legal_full_name": "Augusta Ada King"}),
            json!("Augusta Ada King"),
        ),
    ];
    for (mut value, expected) in cases {
        tidings::rules::fill_defaults(&schema, &mut value);
        assert_eq!(value["legal_full_name"], expected, "{value}");
        let name: huleedu_contracts::PersonNameV1 = serde_json::from_value(value).unwrap();
        assert!(name.legal_full_name.is_some());
    }
}
