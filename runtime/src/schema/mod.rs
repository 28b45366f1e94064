//! Schemas of event payloads: JSON Schema 2020-12 from the Rust types (through schemars), and an
//! Avro schema derived from that JSON Schema, so the two can never describe different data.

mod avro;

use schemars::generate::SchemaSettings;
use schemars::transform::{RecursiveTransform, Transform};
use schemars::{JsonSchema, Schema};
use serde_json::Value;

use crate::event::Event;

pub use avro::{JSON_VALUES_KEY, avro_from_json_schema, avro_symbol};

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
    /// A `$ref` points outside `$defs`.
    #[error("{path}: `$ref` `{reference}` does not name an entry of `$defs`")]
    DanglingRef {
        /// Path inside the payload.
        path: String,
        /// The reference.
        reference: String,
    },
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
pub fn settings() -> SchemaSettings {
    SchemaSettings::draft2020_12()
        .with_transform(RecursiveTransform(strip_runtime_defaults))
        .with_transform(RecursiveTransform(require_marked_nullables))
        .with_transform(RecursiveTransform(close_objects))
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

/// The JSON Schema (2020-12) of a type, as a JSON value.
pub fn json_schema_of<T: JsonSchema>() -> Value {
    let schema = settings().into_generator().into_root_schema_for::<T>();
    schema.to_value()
}

/// The Avro schema of an event's payload: a record named after the payload type, in the event's
/// Avro namespace.
pub fn avro_schema_of<T: Event>() -> Result<Value, SchemaError> {
    let json = json_schema_of::<T>();
    avro_from_json_schema(&json, &T::schema_name(), T::DESCRIPTOR.avro_namespace)
}

/// Applies `transform` to a schema and all its subschemas (re-exported for code generators).
pub fn transform_all(schema: &mut Schema, transform: impl FnMut(&mut Schema)) {
    RecursiveTransform(transform).transform(schema);
}
