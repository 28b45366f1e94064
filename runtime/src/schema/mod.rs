//! Schemas of event payloads: JSON Schema 2020-12 from the Rust types (through schemars), and an
//! Avro schema derived from that JSON Schema, so the two can never describe different data.

mod avro;
mod variants;

use schemars::generate::SchemaSettings;
use schemars::transform::{RecursiveTransform, Transform};
use schemars::{JsonSchema, Schema};
use serde_json::Value;

use crate::event::Event;

pub use avro::{JSON_VALUES_KEY, avro_from_json_schema, avro_symbol};
pub use variants::{nested_type_name, variant_names};

/// A cross-field rule or derived default (`tidings::rules`) that names a field its object does not
/// have on the wire ([`SchemaError::UnknownRuleField`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{path}: the rule `{rule}` names `{field}`, which is not a field of this object on the wire (its fields: {known}); name fields as serde writes them (after `rename`/`rename_all`)"
)]
pub struct UnknownRuleField {
    /// The object's schema (`#/$defs/<Type>`, or `#` for the payload).
    pub path: String,
    /// The rule's kind (`exactly_one_of`, `filled_from`, …).
    pub rule: &'static str,
    /// The name that matches no field.
    pub field: String,
    /// The object's fields, comma-separated.
    pub known: String,
}

/// A JSON Schema construct that has no Avro equivalent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SchemaError {
    /// The schema at `path` accepts any JSON value; Avro needs a type.
    #[error(
        "{path}: the schema accepts any value, which Avro cannot express; give the field a concrete type"
    )]
    Untyped {
        /// JSON pointer-like path inside the payload.
        path: String,
    },
    /// The construct at `path` is not supported.
    #[error("{path}: {construct} has no Avro mapping; {hint}")]
    Unsupported {
        /// Path inside the payload.
        path: String,
        /// What was found.
        construct: String,
        /// What to do instead.
        hint: &'static str,
    },
    /// A field's wire name is not an Avro name, so no Avro record can carry it under that name.
    #[error(
        "{path}: the field name `{name}` is not a valid Avro name (letters, digits and `_`, not starting with a digit); rename it on the wire, e.g. `#[serde(rename = \"{suggestion}\")]`",
        suggestion = suggest_avro_name(.name)
    )]
    InvalidFieldName {
        /// Path inside the payload.
        path: String,
        /// The wire name.
        name: String,
    },
    /// A `$ref` points outside `$defs`.
    #[error("{path}: `$ref` `{reference}` does not name an entry of `$defs`")]
    DanglingRef {
        /// Path inside the payload.
        path: String,
        /// The reference.
        reference: String,
    },
    /// A cross-field rule or derived default (`tidings::rules`) names a field its object does
    /// not have on the wire.
    #[error(transparent)]
    UnknownRuleField(Box<UnknownRuleField>),
    /// A rule (`tidings::rules`) without the fields it needs: a derived default without sources,
    /// or a constraint of no fields.
    #[error(
        "{path}: the rule `{rule}` names too few fields; a constraint needs one or more, `filled_from` the field and one or more sources"
    )]
    EmptyRule {
        /// The object's schema (`#/$defs/<Type>`, or `#` for the payload).
        path: String,
        /// The rule's kind.
        rule: &'static str,
    },
    /// A derived default (`tidings::rules::filled_from`) fills or reads a field that is not plain
    /// text.
    #[error(
        "{path}: `filled_from` joins text, but `{field}` is not a plain string field (a `Uuid`, date, enum or number reads as another type in Python); fill a `String`/`Option<String>` from `String`/`Option<String>` fields"
    )]
    FillNotText {
        /// The object's schema (`#/$defs/<Type>`, or `#` for the payload).
        path: String,
        /// The field that is not text.
        field: String,
    },
}

fn suggest_avro_name(name: &str) -> String {
    let mapped: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if mapped.starts_with(|c: char| c.is_ascii_digit()) || mapped.is_empty() {
        format!("_{mapped}")
    } else {
        mapped
    }
}

/// Field marker for "the key must be present, the value may be null" (pydantic's `x: T | None`
/// without a default). Put `#[schemars(extend("x-tidings-required" = true))]` on an `Option`
/// field; the generated schema lists the field under `required` and keeps it nullable.
pub const REQUIRED_NULLABLE_KEYWORD: &str = "x-tidings-required";

/// The settings every payload schema is generated with: draft 2020-12, nested types under `$defs`.
///
/// Objects are closed (`additionalProperties: false`) unless they declare otherwise. Under
/// Confluent's compatibility rules a closed content model makes adding an optional field
/// backward compatible and removing a field a break, which is how event payloads evolve. Decoders
/// stay tolerant: serde and pydantic ignore unknown keys, and tidings validates typed values,
/// which hold no unknown keys.
///
/// Defaults that are computed at run time (a fresh UUID, the current time) are left out of the
/// schema: a schema is a contract, and "now" is not a value it can state.
///
/// An object with properties beside a composition (a flattened enum) is closed with
/// `unevaluatedProperties: false` instead, and integers are bounded to their Rust type's range
/// (types wider than Avro's `long` to its range), so every schema describes the same values.
pub fn settings() -> SchemaSettings {
    SchemaSettings::draft2020_12()
        .with_transform(RecursiveTransform(strip_runtime_defaults))
        .with_transform(RecursiveTransform(require_marked_nullables))
        .with_transform(RecursiveTransform(close_objects))
        .with_transform(RecursiveTransform(close_composed_objects))
        .with_transform(RecursiveTransform(bound_integers))
        .with_transform(RecursiveTransform(standard_formats))
}

/// schemars names chrono's `NaiveDateTime` and `NaiveTime` with formats JSON Schema does not
/// define (`partial-date-time`, `partial-time`), which validators ignore or, in strict mode (ajv),
/// refuse. They become the pattern of the text chrono writes, which every validator enforces.
fn standard_formats(schema: &mut Schema) {
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    let (pattern, example) = match object.get("format").and_then(Value::as_str) {
        Some("partial-date-time") => (
            r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?$",
            "2025-01-15T10:30:00",
        ),
        Some("partial-time") => (r"^[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?$", "10:30:00"),
        _ => return,
    };
    object.remove("format");
    object.insert("pattern".into(), Value::String(pattern.to_owned()));
    object
        .entry("examples")
        .or_insert_with(|| Value::Array(vec![Value::String(example.to_owned())]));
}

const COMPOSITION: [&str; 3] = ["allOf", "oneOf", "anyOf"];

/// An object with properties of its own and a composition (`#[serde(flatten)]` of an enum, whose
/// variant's key sits next to the struct's own): `additionalProperties: false` on the object or on
/// a branch would refuse the other's properties, and so every value. The object is closed with
/// `unevaluatedProperties: false` instead (JSON Schema 2020-12 §11.3), which counts the
/// properties the matching branch evaluated, and its branches are left open.
fn close_composed_objects(schema: &mut Schema) {
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    if !object.contains_key("properties") {
        return;
    }
    let mut composed = false;
    for keyword in COMPOSITION {
        let Some(Value::Array(branches)) = object.get_mut(keyword) else {
            continue;
        };
        // Cross-field rules constrain the object's own fields; they are not parts of its shape.
        for branch in branches
            .iter_mut()
            .filter(|branch| !crate::rules::is_rule(branch))
            .filter_map(Value::as_object_mut)
        {
            if branch.contains_key("properties")
                && branch.get("additionalProperties") == Some(&Value::Bool(false))
            {
                branch.remove("additionalProperties");
            }
            composed = true;
        }
    }
    if composed && object.get("additionalProperties") == Some(&Value::Bool(false)) {
        object.remove("additionalProperties");
        object.insert("unevaluatedProperties".into(), Value::Bool(false));
    }
}

/// The range of each integer format schemars writes: the Rust type's own, and for types wider
/// than Avro's `long` (`u64`, `usize`, `u128`, `i128`) the range of `long` (signed 64-bit).
/// `int64` (`i64`) is left as it is: its format states exactly `long`'s range, which every
/// target reads as such.
fn integer_range(format: &str) -> Option<(i64, i64)> {
    Some(match format {
        "int8" => (i8::MIN.into(), i8::MAX.into()),
        "int16" => (i16::MIN.into(), i16::MAX.into()),
        "int32" => (i32::MIN.into(), i32::MAX.into()),
        "uint8" => (0, u8::MAX.into()),
        "uint16" => (0, u16::MAX.into()),
        "uint32" => (0, u32::MAX.into()),
        "uint64" | "uint" | "uint128" => (0, i64::MAX),
        "int128" => (i64::MIN, i64::MAX),
        _ => return None,
    })
}

/// Bounds every integer to the range of its Rust type, and integers of types wider than Avro's
/// `long` to `long`'s range, so the JSON Schema, the Avro schema and the models generated from
/// them (pydantic `ge`/`le`, ajv) describe the same values: a `u8` field refuses 256 everywhere,
/// a `u64` field accepts 0 ..= 9223372036854775807, and a larger value is refused by validation
/// (`Event::validate`, the outbox) instead of being written as JSON that a reader cannot hold.
/// A tighter bound the contract declares is kept.
fn bound_integers(schema: &mut Schema) {
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    let Some((min, max)) = object
        .get("format")
        .and_then(Value::as_str)
        .and_then(integer_range)
    else {
        return;
    };
    if !object
        .get("maximum")
        .and_then(Value::as_f64)
        .is_some_and(|m| m <= max as f64)
    {
        object.insert("maximum".into(), Value::from(max));
    }
    if !object
        .get("minimum")
        .and_then(Value::as_f64)
        .is_some_and(|m| m >= min as f64)
    {
        object.insert("minimum".into(), Value::from(min));
    }
}

/// Closes every object that declares properties and says nothing about others.
fn close_objects(schema: &mut Schema) {
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    if object.contains_key("properties") && !object.contains_key("additionalProperties") {
        object.insert("additionalProperties".into(), Value::Bool(false));
    }
}

fn require_marked_nullables(schema: &mut Schema) {
    let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) else {
        return;
    };
    let marked: Vec<String> = properties
        .iter_mut()
        .filter_map(|(name, property)| {
            let object = property.as_object_mut()?;
            object
                .remove(REQUIRED_NULLABLE_KEYWORD)
                .map(|_| name.clone())
        })
        .collect();
    if marked.is_empty() {
        return;
    }
    let required = schema
        .ensure_object()
        .entry("required")
        .or_insert_with(|| Value::Array(Vec::new()));
    if let Value::Array(required) = required {
        for name in marked {
            if !required.iter().any(|existing| existing == name.as_str()) {
                required.push(Value::String(name));
            }
        }
    }
}

fn strip_runtime_defaults(schema: &mut Schema) {
    let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) else {
        return;
    };
    for property in properties.values_mut() {
        let Some(object) = property.as_object_mut() else {
            continue;
        };
        let format = object.get("format").and_then(Value::as_str);
        let nullable_format = object
            .get("anyOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .find_map(|branch| branch.get("format").and_then(Value::as_str));
        if matches!(format.or(nullable_format), Some("date-time" | "uuid")) {
            object.remove("default");
        }
    }
}

/// The JSON Schema (2020-12) of a type, as a JSON value. Each data-carrying variant of a tagged
/// enum is a named entry of `$defs` (`<Enum><Variant>`), so every target maps the enum to a union
/// of named types.
pub fn json_schema_of<T: JsonSchema>() -> Value {
    let schema = settings().into_generator().into_root_schema_for::<T>();
    let mut value = schema.to_value();
    variants::name_variants(&mut value);
    value
}

/// The Avro schema of an event's payload: a record named after the payload type, in the event's
/// Avro namespace.
pub fn avro_schema_of<T: Event>() -> Result<Value, SchemaError> {
    let json = json_schema_of::<T>();
    crate::rules::check_rules(&json)?;
    avro_from_json_schema(&json, &T::schema_name(), T::DESCRIPTOR.avro_namespace)
}

/// Applies `transform` to a schema and all its subschemas (re-exported for code generators).
pub fn transform_all(schema: &mut Schema, transform: impl FnMut(&mut Schema)) {
    RecursiveTransform(transform).transform(schema);
}
