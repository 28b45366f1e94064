//! The corpus the independent soundness check reads (`tests/cross-language/check_compat.py`, run
//! by `cargo xtask cross-check`): every direction of the case files, and mutations of the
//! catalogue's own JSON Schemas (fields added, removed, retyped, made required or optional;
//! bounds moved; enums changed; combinators edited; objects opened or closed; formats changed),
//! each with the engine's verdict and its findings' witnesses.
//!
//! With `TIDINGS_COMPAT_CORPUS=<file>` the corpus is written there. Whether or not it is written,
//! the test checks it the cheap way too: witnesses against the `jsonschema` crate, and compatible
//! verdicts against the values the engine draws from the writer's schema.

use serde_json::{Map, Value, json};
use tidings_codegen::compat::{self, Change, Policy, Schema, SchemaFormat, Witness};

fn root() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn read_json(path: &std::path::Path) -> Value {
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

/// Every schema object in `value`, as JSON pointers, outermost first.
fn schema_pointers(value: &Value, pointer: &str, out: &mut Vec<String>) {
    let Value::Object(object) = value else {
        return;
    };
    out.push(pointer.to_owned());
    let escape = |key: &str| key.replace('~', "~0").replace('/', "~1");
    for keyword in ["properties", "$defs", "definitions", "patternProperties"] {
        if let Some(Value::Object(children)) = object.get(keyword) {
            for (name, child) in children {
                schema_pointers(child, &format!("{pointer}/{keyword}/{}", escape(name)), out);
            }
        }
    }
    for keyword in ["items", "additionalProperties", "not"] {
        if let Some(child) = object.get(keyword) {
            schema_pointers(child, &format!("{pointer}/{keyword}"), out);
        }
    }
    for keyword in ["oneOf", "anyOf", "allOf", "prefixItems"] {
        if let Some(Value::Array(children)) = object.get(keyword) {
            for (index, child) in children.iter().enumerate() {
                schema_pointers(child, &format!("{pointer}/{keyword}/{index}"), out);
            }
        }
    }
}

type Mutation = (&'static str, fn(&mut Map<String, Value>) -> bool);

/// Edits of one schema object; each returns whether it applied.
const MUTATIONS: &[Mutation] = &[
    ("optional property added", |o| {
        let Some(Value::Object(props)) = o.get_mut("properties") else {
            return false;
        };
        props.insert("zz_added".into(), json!({"type": "string"}));
        true
    }),
    ("required property added", |o| {
        let Some(Value::Object(props)) = o.get_mut("properties") else {
            return false;
        };
        props.insert("zz_required".into(), json!({"type": "integer"}));
        let required = o.entry("required").or_insert_with(|| json!([]));
        required.as_array_mut().is_some_and(|r| {
            r.push("zz_required".into());
            true
        })
    }),
    ("property removed", |o| {
        let Some(Value::Object(props)) = o.get_mut("properties") else {
            return false;
        };
        let Some(name) = props.keys().next_back().cloned() else {
            return false;
        };
        props.remove(&name);
        if let Some(Value::Array(required)) = o.get_mut("required") {
            required.retain(|r| r != &Value::String(name.clone()));
        }
        true
    }),
    ("property made required", |o| {
        let Some(Value::Object(props)) = o.get("properties") else {
            return false;
        };
        let required: Vec<Value> = o
            .get("required")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let Some(name) = props
            .keys()
            .find(|k| !required.contains(&Value::String((*k).clone())))
            .cloned()
        else {
            return false;
        };
        let list = o.entry("required").or_insert_with(|| json!([]));
        list.as_array_mut().is_some_and(|r| {
            r.push(name.into());
            true
        })
    }),
    ("required dropped", |o| {
        let Some(Value::Array(required)) = o.get_mut("required") else {
            return false;
        };
        required.pop().is_some()
    }),
    ("undeclared property required", |o| {
        if !o.contains_key("properties") {
            return false;
        }
        let list = o.entry("required").or_insert_with(|| json!([]));
        list.as_array_mut().is_some_and(|r| {
            r.push("zz_undeclared".into());
            true
        })
    }),
    ("object opened or closed", |o| {
        if !o.contains_key("properties") {
            return false;
        }
        match o.get("additionalProperties") {
            Some(Value::Bool(false)) => {
                o.remove("additionalProperties");
            }
            _ => {
                o.insert("additionalProperties".into(), Value::Bool(false));
            }
        }
        true
    }),
    ("retyped", |o| {
        let next = match o.get("type").and_then(Value::as_str) {
            Some("string") => "integer",
            Some("integer") => "number",
            Some("number") => "integer",
            Some("boolean") => "string",
            _ => return false,
        };
        o.insert("type".into(), next.into());
        true
    }),
    ("made nullable", |o| {
        let Some(Value::String(t)) = o.get("type").cloned() else {
            return false;
        };
        o.insert("type".into(), json!([t, "null"]));
        true
    }),
    ("minimum raised", |o| {
        if !matches!(
            o.get("type").and_then(Value::as_str),
            Some("integer" | "number")
        ) {
            return false;
        }
        let min = o
            .get("minimum")
            .and_then(Value::as_f64)
            .map_or(1.0, |m| m + 1.0);
        o.insert("minimum".into(), json!(min));
        true
    }),
    ("maximum lowered", |o| {
        if !matches!(
            o.get("type").and_then(Value::as_str),
            Some("integer" | "number")
        ) {
            return false;
        }
        let max = o
            .get("maximum")
            .and_then(Value::as_f64)
            .map_or(1000.0, |m| m - 1.0);
        o.insert("maximum".into(), json!(max));
        true
    }),
    ("bounds widened", |o| {
        let mut changed = false;
        for key in ["minimum", "minLength", "minItems"] {
            if o.remove(key).is_some() {
                changed = true;
            }
        }
        if let Some(max) = o.get("maximum").and_then(Value::as_f64) {
            o.insert("maximum".into(), json!(max + 1.0));
            changed = true;
        }
        changed
    }),
    ("maxLength set", |o| {
        if o.get("type").and_then(Value::as_str) != Some("string") || o.contains_key("format") {
            return false;
        }
        o.insert("maxLength".into(), json!(3));
        true
    }),
    ("minItems set", |o| {
        if o.get("type").and_then(Value::as_str) != Some("array") {
            return false;
        }
        o.insert("minItems".into(), json!(1));
        true
    }),
    ("enum value added", |o| {
        let Some(Value::Array(values)) = o.get_mut("enum") else {
            return false;
        };
        values.push("zz_new".into());
        true
    }),
    ("enum value removed", |o| {
        let Some(Value::Array(values)) = o.get_mut("enum") else {
            return false;
        };
        values.len() > 1 && values.pop().is_some()
    }),
    ("enum rewritten as oneOf of consts", |o| {
        let Some(Value::Array(values)) = o.remove("enum") else {
            return false;
        };
        let branches: Vec<Value> = values.into_iter().map(|v| json!({"const": v})).collect();
        o.insert("oneOf".into(), Value::Array(branches));
        true
    }),
    ("branch added", |o| {
        for keyword in ["oneOf", "anyOf"] {
            if let Some(Value::Array(branches)) = o.get_mut(keyword) {
                branches.push(json!({"type": "integer"}));
                return true;
            }
        }
        false
    }),
    ("branch removed", |o| {
        for keyword in ["oneOf", "anyOf"] {
            if let Some(Value::Array(branches)) = o.get_mut(keyword) {
                return branches.len() > 1 && branches.pop().is_some();
            }
        }
        false
    }),
    ("oneOf and anyOf swapped", |o| {
        if let Some(branches) = o.remove("oneOf") {
            o.insert("anyOf".into(), branches);
            true
        } else if let Some(branches) = o.remove("anyOf") {
            o.insert("oneOf".into(), branches);
            true
        } else {
            false
        }
    }),
    ("number format changed", |o| {
        let next = match o.get("format").and_then(Value::as_str) {
            Some("int64") => "int32",
            Some("int32") => "int64",
            Some("uint32") => "uint64",
            Some("double") => "float",
            _ => return false,
        };
        o.insert("format".into(), next.into());
        true
    }),
];

/// Mutated copies of `schema`: each mutation at up to `per_kind` locations.
fn mutate(schema: &Value, per_kind: usize) -> Vec<(String, Value)> {
    let mut pointers = Vec::new();
    schema_pointers(schema, "", &mut pointers);
    let mut out = Vec::new();
    for (name, mutation) in MUTATIONS {
        let mut applied = 0;
        for pointer in &pointers {
            if applied == per_kind {
                break;
            }
            let mut copy = schema.clone();
            let Some(Value::Object(object)) = copy.pointer_mut(pointer) else {
                continue;
            };
            if mutation(object) {
                applied += 1;
                out.push((format!("{name} at #{pointer}"), copy));
            }
        }
    }
    out
}

fn finding(change: &Change) -> Value {
    json!({
        "rule": change.rule,
        "path": change.path.pointer(),
        "compatible": change.compatible,
        "witness": change.witness.as_ref().map(Witness::to_json),
        "divergence": change.divergence,
    })
}

/// One direction: the engine's verdict with its findings.
fn entry(
    source: &str,
    description: &str,
    direction: &str,
    format: SchemaFormat,
    writer: &Value,
    reader: &Value,
) -> Option<Value> {
    let load = |v: &Value| Schema::parse(format, &v.to_string()).ok();
    let (w, r) = (load(writer)?, load(reader)?);
    let changes = compat::diff(&w, &r, Policy::Strict).ok()?;
    Some(json!({
        "source": source,
        "description": description,
        "direction": direction,
        "format": format.as_str(),
        "writer": writer,
        "reader": reader,
        "compatible": changes.iter().all(|c| c.compatible),
        "assumes_defaults": changes.iter().any(|c| c.rule.contains("_WITH_DEFAULT_")),
        "findings": changes.iter().filter(|c| !c.compatible || c.divergence.is_some()).map(finding).collect::<Vec<_>>(),
    }))
}

fn corpus() -> (Vec<Value>, usize) {
    let mut entries = Vec::new();
    for (file, format) in [
        ("avro.json", SchemaFormat::Avro),
        ("json_schema.json", SchemaFormat::JsonSchema),
    ] {
        let cases = read_json(&root().join("codegen/compat/tests/cases").join(file));
        for case in cases.as_array().into_iter().flatten() {
            if case.get("invalid").is_some() {
                continue;
            }
            let description = case["description"].as_str().unwrap_or_default();
            for (direction, writer, reader) in [
                ("backward", &case["old"], &case["new"]),
                ("forward", &case["new"], &case["old"]),
            ] {
                entries.extend(entry(
                    &format!("cases/{file}"),
                    description,
                    direction,
                    format,
                    writer,
                    reader,
                ));
            }
        }
    }
    let dir = root().join("generated/schemas/json");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("generated schemas")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    files.sort();
    let mut mutations = 0;
    for path in files {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        let original = read_json(&path);
        for (description, mutated) in mutate(&original, 1) {
            mutations += 1;
            let source = format!("mutation of {name}");
            for (direction, writer, reader) in [
                ("backward", &original, &mutated),
                ("forward", &mutated, &original),
            ] {
                entries.extend(entry(
                    &source,
                    &description,
                    direction,
                    SchemaFormat::JsonSchema,
                    writer,
                    reader,
                ));
            }
        }
    }
    (entries, mutations)
}

/// Drawn values checked per compatible pair here; the Python check draws its own.
const DRAWN_PER_PAIR: usize = 40;

fn numeric_format(schema: &Value) -> bool {
    let text = schema.to_string();
    [
        "int8",
        "int16",
        "int32",
        "int64",
        "uint8",
        "uint16",
        "uint32",
        "uint64",
        "\"float\"",
        "\"double\"",
    ]
    .iter()
    .any(|format| text.contains(format))
}

fn json_validator(schema: &Value) -> Option<jsonschema::Validator> {
    let text = schema.to_string();
    let modern = text.contains("2020-12")
        || ["prefixItems", "dependentRequired", "dependentSchemas"]
            .iter()
            .any(|k| text.contains(k));
    let draft = if modern {
        jsonschema::Draft::Draft202012
    } else {
        jsonschema::Draft::Draft7
    };
    jsonschema::options()
        .with_draft(draft)
        .should_validate_formats(true)
        .build(schema)
        .ok()
}

#[test]
fn corpus_verdicts_hold_against_the_jsonschema_crate() {
    let (entries, mutations) = corpus();
    let pairs = entries.len();
    let compatible = entries.iter().filter(|e| e["compatible"] == true).count();
    let mut witnesses = 0;
    let mut drawn_checked = 0;
    let mut format_only = 0;
    let mut contradictions = Vec::new();
    for entry in entries.iter().filter(|e| e["format"] == "json-schema") {
        let (writer, reader) = (&entry["writer"], &entry["reader"]);
        let (Some(old), Some(new)) = (json_validator(writer), json_validator(reader)) else {
            continue;
        };
        let label = format!(
            "{} — {} [{}]",
            entry["source"], entry["description"], entry["direction"]
        );
        for finding in entry["findings"].as_array().into_iter().flatten() {
            let Some(value) = finding["witness"].get("value") else {
                continue;
            };
            let rule = finding["rule"].as_str().unwrap_or_default();
            if rule.contains("FORMAT") {
                format_only += 1;
                continue;
            }
            if old.is_valid(value) && new.is_valid(value) && numeric_format(reader) {
                // The break is a numeric `format` range, which the crate does not assert (the
                // Python check does, with a format checker).
                format_only += 1;
                continue;
            }
            witnesses += 1;
            if !old.is_valid(value) || new.is_valid(value) {
                contradictions.push(format!("{label}: {rule} witness {value} does not hold"));
            }
        }
        // Drawn values for the compatible case rows here; for the mutations, the Python check.
        let case_row = entry["source"]
            .as_str()
            .is_some_and(|s| s.starts_with("cases/"));
        if case_row && entry["compatible"] == true && entry["assumes_defaults"] == false {
            let load = |v: &Value| match Schema::parse(SchemaFormat::JsonSchema, &v.to_string()) {
                Ok(Schema::Json(schema)) => Some(schema),
                _ => None,
            };
            let (Some(w), Some(r)) = (load(writer), load(reader)) else {
                continue;
            };
            let drawn = compat::json::witness::draw(&w, &r);
            // An even spread of at most DRAWN_PER_PAIR values keeps the debug build quick.
            let step = drawn.len().div_ceil(DRAWN_PER_PAIR).max(1);
            for drawn in drawn.into_iter().step_by(step) {
                if old.is_valid(&drawn.value) {
                    drawn_checked += 1;
                    if !new.is_valid(&drawn.value) {
                        contradictions.push(format!(
                            "{label}: compatible, but {} breaks it",
                            drawn.value
                        ));
                        break;
                    }
                }
            }
        }
    }
    println!(
        "corpus: {pairs} directed pairs ({mutations} mutations of the catalogue, both directions, and the case rows), {compatible} compatible; {witnesses} witnesses ({format_only} more rest on a numeric format) and {drawn_checked} drawn values checked with the jsonschema crate; {} contradictions",
        contradictions.len()
    );
    if let Some(path) = std::env::var_os("TIDINGS_COMPAT_CORPUS") {
        let text = serde_json::to_string(&json!({"pairs": entries})).expect("serializes");
        std::fs::write(&path, text)
            .unwrap_or_else(|err| panic!("{}: {err}", path.to_string_lossy()));
    }
    assert!(mutations >= 500, "only {mutations} mutations");
    assert!(contradictions.is_empty(), "{}", contradictions.join("\n"));
}
