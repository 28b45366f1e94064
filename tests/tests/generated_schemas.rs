//! The generated schemas are valid, and the JSON Schema and the Avro schema of each event describe
//! the same data: the same fields in the same order, the same optionality, the same enum values.

use std::path::{Path, PathBuf};

use huleedu_contracts::ProcessingEventPayload;
use serde_json::Value;
use tidings_codegen::CatalogModel;

fn generated(kind: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../generated/schemas")
        .join(kind);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

fn read(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn every_json_schema_is_valid_against_the_2020_12_meta_schema() {
    let files = generated("json");
    assert_eq!(files.len(), 74, "73 payloads and the envelope");
    for path in files {
        let schema = read(&path);
        assert_eq!(
            schema["$schema"],
            "https://json-schema.org/draft/2020-12/schema"
        );
        if let Err(err) = jsonschema::meta::validate(&schema) {
            panic!("{}: {err}", path.display());
        }
    }
}

#[test]
fn every_avro_schema_parses() {
    let files = generated("avro");
    assert_eq!(files.len(), 73);
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        if let Err(err) = apache_avro::Schema::parse_str(&text) {
            panic!("{}: {err}", path.display());
        }
    }
}

/// Walks a JSON Schema and an Avro schema of the same value side by side.
struct Agreement<'a> {
    json_root: &'a Value,
    namespace: String,
    avro_named: std::collections::HashMap<String, Value>,
    findings: Vec<String>,
}

fn deref<'v>(root: &'v Value, schema: &'v Value) -> &'v Value {
    match schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/$defs/"))
    {
        Some(name) => deref(root, &root["$defs"][name]),
        None => schema,
    }
}

/// The JSON schema without its null alternative, and whether it admits null.
fn json_non_null<'v>(root: &'v Value, schema: &'v Value) -> (&'v Value, bool) {
    let schema = deref(root, schema);
    if let Some(branches) = schema.get("anyOf").and_then(Value::as_array) {
        let rest: Vec<&Value> = branches
            .iter()
            .filter(|b| b.get("type") != Some(&Value::from("null")))
            .collect();
        if rest.len() == 1 && rest.len() < branches.len() {
            return (deref(root, rest[0]), true);
        }
        return (schema, rest.len() < branches.len());
    }
    let nullable = schema
        .get("type")
        .and_then(Value::as_array)
        .is_some_and(|t| t.contains(&Value::from("null")));
    (schema, nullable)
}

impl<'a> Agreement<'a> {
    /// Records every named type of an Avro schema, wherever it is defined.
    fn register(&mut self, avro: &Value) {
        match avro {
            Value::Object(object) => {
                let named = matches!(
                    object.get("type").and_then(Value::as_str),
                    Some("record" | "enum" | "fixed")
                );
                if let (true, Some(name)) = (named, object.get("name").and_then(Value::as_str)) {
                    self.avro_named
                        .insert(format!("{}.{name}", self.namespace), avro.clone());
                }
                object.values().for_each(|value| self.register(value));
            }
            Value::Array(items) => items.iter().for_each(|value| self.register(value)),
            _ => {}
        }
    }

    fn avro_resolve(&mut self, avro: &Value) -> Value {
        match avro {
            Value::String(name) if name.contains('.') => self
                .avro_named
                .get(name)
                .cloned()
                .unwrap_or_else(|| avro.clone()),
            Value::Object(object) => {
                if let Some(name) = object.get("name").and_then(Value::as_str) {
                    self.avro_named
                        .insert(format!("{}.{name}", self.namespace), avro.clone());
                }
                avro.clone()
            }
            other => other.clone(),
        }
    }

    fn avro_non_null(&mut self, avro: &Value) -> (Value, bool) {
        match avro {
            Value::Array(branches) => {
                let nullable = branches.iter().any(|b| b == "null");
                let rest: Vec<Value> = branches.iter().filter(|b| *b != "null").cloned().collect();
                if rest.len() == 1 {
                    (self.avro_resolve(&rest[0]), nullable)
                } else {
                    (Value::Array(rest), nullable)
                }
            }
            other => (self.avro_resolve(other), false),
        }
    }

    fn compare(&mut self, at: &str, json: &'a Value, avro: &Value, json_optional: bool) {
        let (json, json_nullable) = json_non_null(self.json_root, json);
        let (avro, avro_nullable) = self.avro_non_null(avro);
        if (json_nullable || json_optional) != avro_nullable {
            self.findings.push(format!(
                "{at}: optional in JSON {}, in Avro {avro_nullable}",
                json_nullable || json_optional
            ));
        }
        if json.get("x-tidings-untyped").is_some() {
            return;
        }
        if let Some(values) = json.get("enum").and_then(Value::as_array) {
            let avro_values = avro
                .get("json_values")
                .or_else(|| avro.get("symbols"))
                .cloned()
                .unwrap_or_default();
            let json_values: Vec<Value> = values.iter().filter(|v| !v.is_null()).cloned().collect();
            if Value::Array(json_values.clone()) != avro_values {
                self.findings.push(format!(
                    "{at}: enum values differ: {json_values:?} vs {avro_values}"
                ));
            }
            return;
        }
        if let Some(properties) = json.get("properties").and_then(Value::as_object) {
            let required: Vec<&str> = json["required"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            let fields = avro["fields"].as_array().cloned().unwrap_or_default();
            let json_names: Vec<&String> = properties.keys().collect();
            let avro_names: Vec<String> = fields
                .iter()
                .map(|f| f["name"].as_str().unwrap_or_default().to_owned())
                .collect();
            if json_names
                .iter()
                .map(|n| n.as_str())
                .ne(avro_names.iter().map(String::as_str))
            {
                self.findings.push(format!(
                    "{at}: fields differ: {json_names:?} vs {avro_names:?}"
                ));
                return;
            }
            for (field, (name, property)) in fields.iter().zip(properties) {
                let has_default = property.get("default").is_some()
                    && field.get("default").is_some()
                    && !field["default"].is_null();
                let optional = !required.contains(&name.as_str()) && !has_default;
                self.compare(&format!("{at}.{name}"), property, &field["type"], optional);
            }
            return;
        }
        if let (Some(items), Some(avro_items)) = (json.get("items"), avro.get("items")) {
            let avro_items = avro_items.clone();
            self.compare(&format!("{at}[]"), items, &avro_items, false);
        }
    }
}

#[test]
fn json_schema_and_avro_agree_for_every_event() {
    let model = CatalogModel::of::<ProcessingEventPayload>("HuleEdu").unwrap();
    let mut findings = Vec::new();
    for event in &model.events {
        let mut agreement = Agreement {
            json_root: &event.json_schema,
            namespace: event.avro_namespace.clone(),
            avro_named: Default::default(),
            findings: Vec::new(),
        };
        agreement.register(&event.avro_schema);
        agreement.compare(
            &event.type_name,
            &event.json_schema,
            &event.avro_schema,
            false,
        );
        findings.extend(agreement.findings);
    }
    assert!(
        findings.is_empty(),
        "{} disagreements:\n{}",
        findings.len(),
        findings.join("\n")
    );
}

fn validator(schema: &Value) -> jsonschema::Validator {
    jsonschema::options()
        .should_validate_formats(true)
        .build(schema)
        .unwrap_or_else(|err| panic!("schema does not compile: {err}"))
}

/// Every example envelope validates against the envelope schema, and its payload against the
/// event's schema, with formats asserted.
#[test]
fn every_example_validates_against_its_schemas() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated");
    let envelope = validator(&read(&root.join("schemas/json/envelope.json")));
    let mut examples: Vec<PathBuf> = std::fs::read_dir(root.join("examples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    examples.sort();
    assert_eq!(examples.len(), 73);
    for path in examples {
        let example = read(&path);
        let topic = example["topic"].as_str().unwrap();
        let payload = validator(&read(&root.join(format!("schemas/json/{topic}.json"))));
        let errors: Vec<String> = envelope
            .iter_errors(&example["envelope"])
            .chain(payload.iter_errors(&example["envelope"]["data"]))
            .map(|e| format!("{}: {e}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", path.display());
        assert_eq!(example["envelope"]["event_type"], topic);
    }
}

/// The examples are not trivially valid: the schemas reject a broken copy.
#[test]
fn the_example_schemas_reject_broken_payloads() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated");
    let topic = "huleedu.assessment.result.published.v1";
    let payload = validator(&read(&root.join(format!("schemas/json/{topic}.json"))));
    let example = read(&root.join(format!("examples/{topic}.json")));
    for (pointer, bad) in [
        ("/essay_results/0/normalized_score", serde_json::json!(1.5)),
        ("/essay_results/0/letter_grade", serde_json::json!("Z")),
        ("/essay_results/0/rank", serde_json::json!(0)),
    ] {
        let mut data = example["envelope"]["data"].clone();
        *data.pointer_mut(pointer).unwrap() = bad;
        assert!(!payload.is_valid(&data), "{pointer} accepted");
    }
    let mut extra = example["envelope"]["data"].clone();
    extra["unknown_field"] = serde_json::json!(1);
    assert!(!payload.is_valid(&extra), "closed content model");
}

/// Every example's payload writes as an Avro datum under its generated schema and reads back.
#[test]
fn every_example_writes_as_avro_and_reads_back() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated");
    let model = CatalogModel::of::<ProcessingEventPayload>("HuleEdu").unwrap();
    for event in &model.events {
        let example = read(&root.join(format!("examples/{}.json", event.topic)));
        let data = &example["envelope"]["data"];
        let bytes = tidings_codegen::avro_datum::encode(&event.avro_schema, data)
            .unwrap_or_else(|err| panic!("{}: {err}", event.topic));
        let decoded = tidings_codegen::avro_datum::decode(&event.avro_schema, &bytes)
            .unwrap_or_else(|err| panic!("{}: {err}", event.topic));
        assert!(
            matches!(decoded, apache_avro::types::Value::Record(_)),
            "{}",
            event.topic
        );
    }
}
