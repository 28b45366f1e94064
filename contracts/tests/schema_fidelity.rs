//! The port is faithful: for every payload class (and every model nested in one), the JSON Schema
//! tidings generates has the same fields in the same order, the same required set, the same
//! constraints, enum values and static defaults as the Python reference schema.
//!
//! Deliberate differences are listed in `ALLOWED` with their reason (and in contracts/README.md).

mod support;

use std::collections::BTreeSet;

use huleedu_contracts::ProcessingEvent;
use serde_json::Value;
use support::read_json;

/// (location, finding) pairs that are intended.
const ALLOWED: &[(&str, &str)] = &[
    // `content://…` URIs are ArtifactRef, which checks the URI form.
    (
        "EssayResultV1.feedback_uri",
        "pattern: python None, tidings Some(String(\"^[a-z][a-z0-9+.-]*://\\\\S+$\"))",
    ),
    (
        "EssayResultV1.metrics_uri",
        "pattern: python None, tidings Some(String(\"^[a-z][a-z0-9+.-]*://\\\\S+$\"))",
    ),
    // Python builds the default with `default_factory=TokenUsage`, which its schema does not show;
    // schemars writes the value that factory produces.
    (
        "LLMComparisonResultV1.token_usage",
        "default: python None, tidings Some(Object {\"prompt_tokens\": Number(0), \"completion_tokens\": Number(0), \"total_tokens\": Number(0)})",
    ),
];

const CONSTRAINTS: [&str; 7] = [
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "pattern",
];

struct Comparison<'a> {
    python_root: &'a Value,
    rust_root: &'a Value,
    findings: Vec<(String, String)>,
    visited: BTreeSet<String>,
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

/// The schema without its `null` alternative, and whether it admits null.
fn non_null<'a>(root: &'a Value, schema: &'a Value) -> (&'a Value, bool) {
    let schema = deref(root, schema);
    if let Some(branches) = schema.get("anyOf").and_then(Value::as_array) {
        let rest: Vec<&Value> = branches
            .iter()
            .filter(|b| b.get("type") != Some(&Value::from("null")))
            .collect();
        if rest.len() == 1 && rest.len() < branches.len() {
            return (deref(root, rest[0]), true);
        }
    }
    let nullable = schema
        .get("type")
        .and_then(Value::as_array)
        .is_some_and(|t| t.contains(&Value::from("null")));
    (schema, nullable)
}

fn kind(schema: &Value) -> Option<String> {
    match schema.get("type") {
        Some(Value::String(t)) => Some(t.clone()),
        Some(Value::Array(types)) => types
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .map(str::to_owned),
        _ if schema.get("enum").is_some() => Some("string".into()),
        _ => None,
    }
}

fn enum_values(schema: &Value) -> Option<BTreeSet<String>> {
    schema
        .get("enum")
        .and_then(Value::as_array)
        .map(|values| values.iter().map(ToString::to_string).collect())
}

impl Comparison<'_> {
    fn note(&mut self, at: &str, finding: String) {
        self.findings.push((at.to_owned(), finding));
    }

    fn object(&mut self, at: &str, python: &Value, rust: &Value) {
        let title = python
            .get("title")
            .and_then(Value::as_str)
            .unwrap_or(at)
            .to_owned();
        if !self.visited.insert(title.clone()) {
            return;
        }
        let python_props = python["properties"]
            .as_object()
            .cloned()
            .unwrap_or_default();
        let rust_props = rust["properties"].as_object().cloned().unwrap_or_default();
        let python_names: BTreeSet<&String> = python_props.keys().collect();
        let rust_names: BTreeSet<&String> = rust_props.keys().collect();
        if python_names != rust_names {
            self.note(
                &title,
                format!("fields: python {python_names:?}, tidings {rust_names:?}"),
            );
            return;
        }
        let required = |schema: &Value| -> BTreeSet<String> {
            schema["required"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        };
        if required(python) != required(rust) {
            self.note(
                &title,
                format!(
                    "required: python {:?}, tidings {:?}",
                    required(python),
                    required(rust)
                ),
            );
        }
        for (name, python_prop) in &python_props {
            self.property(&format!("{title}.{name}"), python_prop, &rust_props[name]);
        }
    }

    fn property(&mut self, at: &str, python: &Value, rust: &Value) {
        let (py, py_null) = non_null(self.python_root, python);
        let (rs, rs_null) = non_null(self.rust_root, rust);
        if py_null != rs_null {
            self.note(at, format!("nullable: python {py_null}, tidings {rs_null}"));
        }
        let python_default = python
            .get("default")
            .or_else(|| deref(self.python_root, python).get("default"));
        let rust_default = rust.get("default");
        // `default: null` on a nullable field and no default say the same; so do a Python
        // `default_factory` (absent from its schema) and an empty `{}` / `[]` default.
        let python_default = python_default.filter(|d| !d.is_null());
        let rust_default = rust_default.filter(|d| {
            !d.is_null()
                && !matches!(d, Value::Object(o) if o.is_empty())
                && !matches!(d, Value::Array(a) if a.is_empty())
        });
        if python_default != rust_default {
            self.note(
                at,
                format!("default: python {python_default:?}, tidings {rust_default:?}"),
            );
        }
        for keyword in CONSTRAINTS {
            let (a, b) = (py.get(keyword), rs.get(keyword));
            let same = match (a, b) {
                (Some(x), Some(y)) => x == y || x.as_f64().is_some() && x.as_f64() == y.as_f64(),
                (None, None) => true,
                _ => false,
            };
            if !same {
                self.note(at, format!("{keyword}: python {a:?}, tidings {b:?}"));
            }
        }
        if enum_values(py) != enum_values(rs) && py.get("enum").is_some() {
            self.note(
                at,
                format!(
                    "enum: python {:?}, tidings {:?}",
                    enum_values(py),
                    enum_values(rs)
                ),
            );
        }
        let (py_kind, rs_kind) = (kind(py), kind(rs));
        // `{}` / additionalProperties-only objects in Python are typed models in tidings.
        if py_kind.is_some() && py_kind != rs_kind {
            self.note(at, format!("type: python {py_kind:?}, tidings {rs_kind:?}"));
        }
        match py_kind.as_deref() {
            Some("object") if py.get("properties").is_some() => self.object(at, py, rs),
            Some("array") => {
                let (pi, ri) = (&py["items"], &rs["items"]);
                self.property(&format!("{at}[]"), pi, ri);
            }
            Some("object") => {
                if let (Some(pv), Some(rv)) = (
                    py.get("additionalProperties"),
                    rs.get("additionalProperties"),
                ) && pv.is_object()
                    && rv.is_object()
                {
                    self.property(&format!("{at}{{}}"), pv, rv);
                }
            }
            _ => {}
        }
        if let (Some(branches), Some(rust_branches)) = (
            py.get("anyOf").and_then(Value::as_array),
            rs.get("anyOf").and_then(Value::as_array),
        ) && branches.len() != rust_branches.len()
        {
            let finding = format!(
                "union: python {} alternatives, tidings {}",
                branches.len(),
                rust_branches.len()
            );
            self.note(at, finding);
        }
    }
}

fn python_class(rust_type: &str) -> &str {
    match rust_type {
        "ElsCjAssessmentRequestV1" => "ELS_CJAssessmentRequestV1",
        other => other,
    }
}

#[test]
fn every_payload_schema_matches_the_python_reference() {
    let mut findings = Vec::new();
    let mut compared = 0;
    for member in ProcessingEvent::ALL {
        let descriptor = member.descriptor();
        let class = python_class(descriptor.type_name);
        let path = support::reference_dir().join(format!("schemas/{class}.json"));
        if !path.exists() {
            assert_eq!(
                *member,
                ProcessingEvent::EssayEditorRevisionCompleted,
                "only the designed payload has no reference schema"
            );
            continue;
        }
        let python = read_json(&format!("schemas/{class}.json"));
        let rust = (descriptor.json_schema)();
        let mut comparison = Comparison {
            python_root: &python,
            rust_root: &rust,
            findings: Vec::new(),
            visited: BTreeSet::new(),
        };
        comparison.object(class, &python, &rust);
        compared += comparison.visited.len();
        findings.extend(comparison.findings);
    }
    findings.sort();
    findings.dedup();
    let unexpected: Vec<String> = findings
        .iter()
        .filter(|(at, what)| !ALLOWED.iter().any(|(a, w)| a == at && w == what))
        .map(|(at, what)| format!("{at}: {what}"))
        .collect();
    assert!(
        unexpected.is_empty(),
        "{} differences:\n{}",
        unexpected.len(),
        unexpected.join("\n")
    );
    assert!(compared >= 72, "compared {compared} models");
}

#[test]
fn field_order_matches_the_python_declaration_order() {
    let order = read_json("schemas/_field_order.json");
    for member in ProcessingEvent::ALL {
        let descriptor = member.descriptor();
        let Some(python) = order.get(python_class(descriptor.type_name)) else {
            continue;
        };
        let expected: Vec<&str> = python["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["name"].as_str().unwrap())
            .collect();
        let schema = (descriptor.json_schema)();
        let actual: Vec<&str> = schema["properties"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(actual, expected, "{}", descriptor.type_name);
    }
}
