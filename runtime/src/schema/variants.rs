//! Names for the variants of Rust enums that carry data.
//!
//! schemars writes the variants of a tagged enum (serde's external, internal and adjacent
//! tagging) as anonymous objects inside the enum's `oneOf`. Avro unions, pydantic unions and
//! TypeScript unions are unions of *named* types, so each such variant becomes an entry of
//! `$defs` named after the enum and the variant (`Shape` + `"circle"` → `ShapeCircle`), and the
//! `oneOf` refers to it. The values the schema accepts do not change.
//!
//! - Internal (`#[serde(tag = "kind")]`) and adjacent (`tag`, `content`) tagging: every variant
//!   holds the tag as a property with one `const` value; that value names the variant. A newtype
//!   variant of a struct (`Square(SquareData)` under internal tagging) is the struct's fields plus
//!   the tag, which schemars states as a `$ref` beside the tag's property; closed, the two would
//!   refuse each other's keys, so the struct's properties are copied into the variant.
//! - External tagging (serde's default): each variant with data is an object of one required
//!   key, the variant's name; unit variants are strings, and become one named string enum
//!   (`<Enum>Unit`).
//!
//! An enum whose variants cannot be told apart this way (untagged, with inline struct variants) is
//! left as it is; the Avro mapping refuses it with what to do instead.

use serde_json::{Map, Value};

/// Gives every data-carrying variant of every tagged enum in `root` a name in `$defs`.
pub(super) fn name_variants(root: &mut Value) {
    let Some(defs) = root.get("$defs").and_then(Value::as_object).cloned() else {
        return;
    };
    let mut new_defs: Map<String, Value> = Map::new();
    let mut rewritten: Vec<(String, Value)> = Vec::new();
    for (enum_name, schema) in &defs {
        if schema.get("properties").is_some() {
            // An object with a composition beside its own properties (a flattened enum).
            continue;
        }
        let Some(branches) = schema.get("oneOf").and_then(Value::as_array) else {
            continue;
        };
        let Some(named) = variant_names(branches) else {
            continue;
        };
        let mut branches = branches.clone();
        let mut changed = false;
        for (branch, variant) in branches.iter_mut().zip(named) {
            let Some(variant) = variant else { continue };
            let Some(body) = variant_body(branch, &defs) else {
                continue;
            };
            let mut name = nested_type_name(enum_name, &variant);
            let mut suffix = 2;
            while defs.contains_key(&name) || new_defs.contains_key(&name) {
                name = format!("{enum_name}{}{suffix}", pascal(&variant));
                suffix += 1;
            }
            new_defs.insert(name.clone(), body);
            *branch = serde_json::json!({ "$ref": format!("#/$defs/{name}") });
            changed = true;
        }
        if changed {
            let mut schema = schema.clone();
            if let Some(object) = schema.as_object_mut() {
                object.insert("oneOf".into(), Value::Array(branches));
            }
            rewritten.push((enum_name.clone(), schema));
        }
    }
    if let Some(defs) = root.get_mut("$defs").and_then(Value::as_object_mut) {
        for (name, schema) in rewritten {
            defs.insert(name, schema);
        }
        defs.extend(new_defs);
    }
}

/// The variant name of each branch of a `oneOf` (`None` for a branch that is not a variant with
/// data), or `None` when the branches are not the variants of a tagged enum: for internal and
/// adjacent tagging the tag's `const`, for external tagging the one key of the branch (unit
/// variants: `"unit"`, or their value when each has a branch of its own).
pub fn variant_names(branches: &[Value]) -> Option<Vec<Option<String>>> {
    let is_object = |b: &Value| b.get("properties").and_then(Value::as_object).is_some();
    let objects: Vec<&Value> = branches.iter().filter(|b| is_object(b)).collect();
    if objects.is_empty() {
        return None;
    }
    // Internal or adjacent tagging: one property every object branch requires, with one string
    // `const` each, the consts distinct.
    let first = objects[0].get("properties").and_then(Value::as_object)?;
    let tag = first.keys().find(|key| {
        objects
            .iter()
            .all(|branch| tag_value(branch, key).is_some())
    });
    if let Some(tag) = tag.filter(|_| objects.len() == branches.len()) {
        let names: Vec<Option<String>> = branches.iter().map(|b| tag_value(b, tag)).collect();
        return distinct(names);
    }
    // External tagging: each object branch has exactly one property, required; other branches
    // are unit variants (strings).
    let names: Vec<Option<String>> = branches
        .iter()
        .map(|branch| {
            let properties = branch.get("properties").and_then(Value::as_object)?;
            let (only, _) = properties.iter().next().filter(|_| properties.len() == 1)?;
            required(branch)
                .contains(&only.as_str())
                .then(|| only.clone())
        })
        .collect();
    let units_are_strings = branches.iter().all(|branch| {
        is_object(branch)
            || (branch.get("type").and_then(Value::as_str) == Some("string")
                && (branch.get("enum").is_some() || branch.get("const").is_some()))
    });
    if !units_are_strings
        || names.iter().filter(|n| n.is_some()).count() != objects.len()
        || branches.iter().any(|b| b.get("$ref").is_some())
    {
        return None;
    }
    let mut names = distinct(names)?;
    // Unit variants: one string enum of their values (`<Enum>Unit`), or when schemars wrote one
    // branch per unit variant (variants with doc comments), each named after its value.
    let units = branches.iter().filter(|b| !is_object(b)).count();
    for (branch, name) in branches.iter().zip(names.iter_mut()) {
        if !is_object(branch) {
            *name = if units == 1 {
                Some("unit".into())
            } else {
                branch
                    .get("const")
                    .or_else(|| branch.get("enum").and_then(|e| e.get(0)))
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            };
        }
    }
    Some(names)
}

fn distinct(names: Vec<Option<String>>) -> Option<Vec<Option<String>>> {
    let present: Vec<&String> = names.iter().flatten().collect();
    let unique: std::collections::BTreeSet<&String> = present.iter().copied().collect();
    (unique.len() == present.len()).then_some(names)
}

fn required(branch: &Value) -> Vec<&str> {
    branch
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// The `const` string a branch's required property `tag` holds.
fn tag_value(branch: &Value, tag: &str) -> Option<String> {
    let property = branch.get("properties")?.get(tag)?;
    let value = property.get("const").and_then(Value::as_str).or_else(|| {
        match property.get("enum").and_then(Value::as_array)?.as_slice() {
            [only] => only.as_str(),
            _ => None,
        }
    })?;
    required(branch).contains(&tag).then(|| value.to_owned())
}

/// The schema of the named variant: the branch itself, or for a branch that refers to a struct
/// beside its own properties, the struct's properties merged in. `None` when the referred type
/// is not a plain struct (the branch then stays inline).
fn variant_body(branch: &Value, defs: &Map<String, Value>) -> Option<Value> {
    let object = branch.as_object()?;
    if object.get("type").and_then(Value::as_str) == Some("string") {
        return Some(branch.clone());
    }
    let Some(reference) = object.get("$ref").and_then(Value::as_str) else {
        return Some(branch.clone());
    };
    let target = defs.get(reference.strip_prefix("#/$defs/")?)?.as_object()?;
    let plain = target.get("properties").is_some()
        && !target.contains_key("$ref")
        && ["oneOf", "anyOf"].iter().all(|k| !target.contains_key(*k))
        && target
            .get("allOf")
            .and_then(Value::as_array)
            .is_none_or(|parts| parts.iter().all(crate::rules::is_rule));
    if !plain {
        return None;
    }
    let mut merged = object.clone();
    merged.remove("$ref");
    let mut properties = merged
        .get("properties")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    for (key, schema) in target.get("properties")?.as_object()? {
        if properties.contains_key(key) {
            // The struct has a field of the tag's name; serde refuses such a type.
            return None;
        }
        properties.insert(key.clone(), schema.clone());
    }
    let mut required: Vec<Value> = merged
        .get("required")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    required.extend(
        target
            .get("required")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default(),
    );
    merged.insert("properties".into(), Value::Object(properties));
    merged.insert("required".into(), Value::Array(required));
    for key in ["description", "allOf"] {
        if let (Some(value), false) = (target.get(key), merged.contains_key(key)) {
            merged.insert(key.into(), value.clone());
        }
    }
    Some(Value::Object(merged))
}

/// The name of a type inside `owner`: a variant of an enum (or of an enum flattened into an
/// object), or an object written inline in a field: `("Shape", "circle")` → `ShapeCircle`,
/// `("Phase", "phase.final")` → `PhasePhaseFinal`, `("Inner", "display_name")` →
/// `InnerDisplayName` (as the Avro mapping names inline records).
pub fn nested_type_name(owner: &str, variant: &str) -> String {
    format!("{owner}{}", pascal(variant))
}

/// `"circle"`, `"Circle"`, `"phase.final"` → `Circle`, `Circle`, `PhaseFinal`.
fn pascal(text: &str) -> String {
    let name: String = text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect();
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("V{name}")
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn internally_tagged_variants_are_named_after_their_tag() {
        let mut root = json!({"$defs": {
            "Shape": {"oneOf": [
                {"type": "object", "properties": {"kind": {"type": "string", "const": "circle"}, "r": {"type": "number"}}, "required": ["kind", "r"], "additionalProperties": false},
                {"$ref": "#/$defs/Sq", "type": "object", "properties": {"kind": {"type": "string", "const": "square"}}, "required": ["kind"], "additionalProperties": false}
            ]},
            "Sq": {"type": "object", "properties": {"side": {"type": "number"}}, "required": ["side"], "additionalProperties": false}
        }});
        name_variants(&mut root);
        let defs = &root["$defs"];
        assert_eq!(
            defs["Shape"]["oneOf"],
            json!([{"$ref": "#/$defs/ShapeCircle"}, {"$ref": "#/$defs/ShapeSquare"}])
        );
        assert_eq!(
            defs["ShapeSquare"]["properties"],
            json!({"kind": {"type": "string", "const": "square"}, "side": {"type": "number"}})
        );
        assert_eq!(defs["ShapeSquare"]["required"], json!(["kind", "side"]));
        assert!(defs["ShapeSquare"].get("$ref").is_none());
    }

    #[test]
    fn externally_tagged_variants_are_named_after_their_key_and_units_become_one_enum() {
        let mut root = json!({"$defs": {
            "Target": {"oneOf": [
                {"type": "string", "enum": ["nobody"]},
                {"type": "object", "properties": {"essay": {"type": "string"}}, "required": ["essay"], "additionalProperties": false},
                {"type": "object", "properties": {"batch_set": {"type": "integer"}}, "required": ["batch_set"], "additionalProperties": false}
            ]}
        }});
        name_variants(&mut root);
        assert_eq!(
            root["$defs"]["Target"]["oneOf"],
            json!([{"$ref": "#/$defs/TargetUnit"}, {"$ref": "#/$defs/TargetEssay"}, {"$ref": "#/$defs/TargetBatchSet"}])
        );
        assert_eq!(
            root["$defs"]["TargetUnit"],
            json!({"type": "string", "enum": ["nobody"]})
        );
    }

    #[test]
    fn untagged_inline_variants_and_string_enums_stay_as_they_are() {
        let untouched = json!({"$defs": {
            "Inline": {"anyOf": [
                {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]},
                {"type": "object", "properties": {"b": {"type": "integer"}}, "required": ["b"]}
            ]},
            "Level": {"oneOf": [{"type": "string", "const": "low"}, {"type": "string", "const": "high"}]},
            "Ambiguous": {"oneOf": [
                {"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "string"}}, "required": ["a"]},
                {"type": "object", "properties": {"c": {"type": "string"}}, "required": ["c"]}
            ]}
        }});
        let mut root = untouched.clone();
        name_variants(&mut root);
        assert_eq!(root, untouched);
    }
}
