//! One example payload per event, synthesised from its JSON Schema and then passed through the
//! Rust type: decoded into the payload type, validated against the contract, serialized again.
//! So every example is a real Rust value, and a schema the Rust type disagrees with fails here.
//!
//! Synthesis is deterministic: the same schema gives the same example on every machine. Values
//! come, in order of preference, from `examples`, `const`, the first `enum` value, a non-null
//! `default`, and otherwise from the type and its constraints (a UUID v5 of the field path for
//! `format: uuid`, a fixed instant for `date-time`, a number inside the bounds, …). A `pattern`
//! cannot be inverted, so a patterned string needs `#[schemars(example = &"…")]` on its field.

use serde_json::{Map, Value, json};
use uuid::Uuid;

/// Nesting from which optional values are left empty, so recursive types end.
const RECURSION_DEPTH: usize = 6;

/// Namespace of example UUIDs.
const EXAMPLE_NAMESPACE: Uuid = Uuid::from_u128(0x7f0e_1c2a_3b4d_4e5f_8a9b_0c1d_2e3f_4a5b);

/// The instant every example timestamp uses.
pub const EXAMPLE_TIMESTAMP: &str = "2025-01-15T10:30:00Z";

/// A payload synthesised from `schema` (a root schema with `$defs`).
pub fn synthesize(schema: &Value) -> Value {
    Synthesizer {
        root: schema,
        depth: 0,
    }
    .value(schema, "")
}

struct Synthesizer<'a> {
    root: &'a Value,
    depth: usize,
}

impl Synthesizer<'_> {
    fn resolve<'s>(&'s self, schema: &'s Value) -> &'s Value {
        let mut current = schema;
        for _ in 0..16 {
            match current.get("$ref").and_then(Value::as_str) {
                Some(reference) => match reference
                    .strip_prefix('#')
                    .and_then(|pointer| self.root.pointer(pointer))
                {
                    Some(target) => current = target,
                    None => return current,
                },
                None => return current,
            }
        }
        current
    }

    fn value(&mut self, schema: &Value, path: &str) -> Value {
        if let Some(example) = schema
            .get("examples")
            .and_then(Value::as_array)
            .and_then(|e| e.first())
        {
            return example.clone();
        }
        if let Some(default) = schema
            .get("default")
            .filter(|d| !d.is_null() && !is_empty(d))
        {
            return default.clone();
        }
        if schema.get("$ref").is_some() {
            let target = self.resolve(schema).clone();
            if target.get("$ref").is_none() {
                return self.value(&target, path);
            }
        }
        if let Some(constant) = schema.get("const") {
            return constant.clone();
        }
        if let Some(first) = schema
            .get("enum")
            .and_then(Value::as_array)
            .and_then(|values| values.iter().find(|v| !v.is_null()))
        {
            return first.clone();
        }
        let nullable = |branches: &Vec<Value>| {
            branches
                .iter()
                .any(|b| b.get("type") == Some(&json!("null")))
        };
        if self.depth >= RECURSION_DEPTH
            && schema
                .get("anyOf")
                .and_then(Value::as_array)
                .is_some_and(nullable)
        {
            // An optional recursive field (`Option<Box<Node>>`) ends the recursion.
            return Value::Null;
        }
        if schema.get("properties").is_some() {
            // An object, with or without a flattened enum (`oneOf` beside the properties).
            return self.object(schema, path);
        }
        for keyword in ["anyOf", "oneOf", "allOf"] {
            if let Some(branch) =
                schema
                    .get(keyword)
                    .and_then(Value::as_array)
                    .and_then(|branches| {
                        branches.iter().find(|b| {
                            b.get("type") != Some(&json!("null")) && !tidings::rules::is_rule(b)
                        })
                    })
            {
                return self.value(branch, path);
            }
        }
        let kind = match schema.get("type") {
            Some(Value::String(kind)) => kind.as_str(),
            Some(Value::Array(kinds)) => kinds
                .iter()
                .filter_map(Value::as_str)
                .find(|k| *k != "null")
                .unwrap_or("null"),
            _ if schema.get("properties").is_some() => "object",
            _ => "object",
        };
        match kind {
            "object" => self.object(schema, path),
            "array" => {
                let min_items = schema.get("minItems").and_then(Value::as_u64).unwrap_or(0);
                // One item shows the shape; below `RECURSION_DEPTH` as few as allowed, so a
                // recursive type (a tree of `Vec<Node>`) ends.
                let count = if self.depth >= RECURSION_DEPTH {
                    min_items
                } else {
                    min_items.max(1)
                };
                let items = schema.get("items").cloned().unwrap_or(json!({}));
                (0..count)
                    .map(|index| self.value(&items, &format!("{path}[{index}]")))
                    .collect()
            }
            "string" => string(schema, path),
            "integer" => {
                let value = lower_bound(schema, 1.0, 1.0);
                json!(value.ceil() as i64)
            }
            "number" => {
                let low = lower_bound(schema, 0.0, 0.0);
                let high = upper_bound(schema);
                json!(match high {
                    Some(high) => (low + high) / 2.0,
                    None => low + 0.5,
                })
            }
            "boolean" => json!(true),
            _ => Value::Null,
        }
    }

    fn object(&mut self, schema: &Value, path: &str) -> Value {
        let mut object = Map::new();
        if self.depth > 8 {
            return Value::Object(object);
        }
        self.depth += 1;
        if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
            for (name, property) in properties {
                let at = if path.is_empty() {
                    name.clone()
                } else {
                    format!("{path}.{name}")
                };
                object.insert(name.clone(), self.value(property, &at));
            }
        } else if let Some(values) = schema.get("additionalProperties").filter(|v| v.is_object()) {
            let values = values.clone();
            object.insert(
                "example".into(),
                self.value(&values, &format!("{path}.example")),
            );
        } else {
            object.insert("note".into(), json!("example"));
        }
        // The parts beside the properties (flattened types): every `allOf` part, the first
        // alternative of a `oneOf`/`anyOf`.
        if schema.get("properties").is_some() {
            for keyword in ["allOf", "oneOf", "anyOf"] {
                let branches: Vec<Value> = schema
                    .get(keyword)
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter(|b| {
                        !tidings::rules::is_rule(b) && b.get("type") != Some(&json!("null"))
                    })
                    .cloned()
                    .collect();
                let parts = if keyword == "allOf" {
                    &branches[..]
                } else {
                    &branches[..branches.len().min(1)]
                };
                for part in parts {
                    if let Value::Object(fields) = self.value(part, path) {
                        object.extend(fields);
                    }
                }
            }
        }
        for rule in tidings::rules::rules_of(schema) {
            keep_rule(&rule, schema, &mut object);
        }
        self.depth -= 1;
        Value::Object(object)
    }
}

/// Makes `object` keep a cross-field rule: of fields that must not be given together, the first
/// given one stays and the others are left out (or `null` where required). Every field of the
/// object is synthesised given, so the rules that need fields given already hold.
fn keep_rule(rule: &tidings::rules::Rule, schema: &Value, object: &mut Map<String, Value>) {
    use tidings::rules::RuleKind;

    if !matches!(rule.kind, RuleKind::ExactlyOneOf | RuleKind::AtMostOneOf) {
        return;
    }
    let required = |field: &str| {
        schema
            .get("required")
            .and_then(Value::as_array)
            .is_some_and(|names| names.iter().any(|name| name == field))
    };
    let mut kept = false;
    for field in &rule.fields {
        let given = object
            .get(field)
            .is_some_and(|value| !value.is_null() && value != "");
        if !given {
            continue;
        }
        if !kept {
            kept = true;
        } else if required(field) {
            object.insert(field.clone(), Value::Null);
        } else {
            object.remove(field);
        }
    }
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Object(map) => map.is_empty(),
        Value::Array(items) => items.is_empty(),
        _ => false,
    }
}

fn lower_bound(schema: &Value, fallback: f64, step: f64) -> f64 {
    if let Some(minimum) = schema.get("minimum").and_then(Value::as_f64) {
        minimum.max(fallback.min(minimum.max(fallback)))
    } else if let Some(exclusive) = schema.get("exclusiveMinimum").and_then(Value::as_f64) {
        exclusive + step
    } else {
        fallback
    }
}

fn upper_bound(schema: &Value) -> Option<f64> {
    schema
        .get("maximum")
        .and_then(Value::as_f64)
        .or_else(|| schema.get("exclusiveMaximum").and_then(Value::as_f64))
}

fn string(schema: &Value, path: &str) -> Value {
    let text = match schema.get("format").and_then(Value::as_str) {
        Some("uuid") => Uuid::new_v5(&EXAMPLE_NAMESPACE, path.as_bytes()).to_string(),
        Some("date-time") => EXAMPLE_TIMESTAMP.to_owned(),
        Some("date") => "2025-01-15".to_owned(),
        Some("email") => "user@example.com".to_owned(),
        Some("uri") => format!("https://example.com/{}", path.replace('.', "/")),
        _ => {
            let field = path.rsplit('.').next().unwrap_or(path);
            let field = field.split('[').next().unwrap_or(field);
            if field.is_empty() {
                "example".to_owned()
            } else {
                format!("example-{field}")
            }
        }
    };
    let min = schema.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
    let max = schema
        .get("maxLength")
        .and_then(Value::as_u64)
        .map_or(usize::MAX, |m| m as usize);
    let mut text: String = text.chars().take(max).collect();
    while text.chars().count() < min {
        text.push('x');
    }
    Value::String(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn honours_examples_enums_formats_bounds_and_refs() {
        let schema = json!({
            "type": "object",
            "properties": {
                "id": {"type": "string", "format": "uuid"},
                "grade": {"type": "string", "pattern": "^[A-F]$", "examples": ["B"]},
                "kind": {"$ref": "#/$defs/Kind"},
                "score": {"type": "number", "minimum": 0.0, "maximum": 1.0},
                "rank": {"type": "integer", "exclusiveMinimum": 0},
                "note": {"type": ["string", "null"], "maxLength": 4},
                "at": {"type": "string", "format": "date-time"},
                "tags": {"type": "array", "items": {"type": "string"}, "minItems": 2}
            },
            "$defs": {"Kind": {"type": "string", "enum": ["essay", "batch"]}}
        });
        let example = synthesize(&schema);
        assert_eq!(example["grade"], "B");
        assert_eq!(example["kind"], "essay");
        assert_eq!(example["score"], 0.5);
        assert_eq!(example["rank"], 1);
        assert_eq!(example["note"], "exam");
        assert_eq!(example["at"], EXAMPLE_TIMESTAMP);
        assert_eq!(example["tags"].as_array().map(Vec::len), Some(2));
        assert!(Uuid::parse_str(example["id"].as_str().unwrap_or_default()).is_ok());
        assert_eq!(synthesize(&schema), example, "deterministic");
    }
}
