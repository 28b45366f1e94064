//! One JSON Schema (2020-12) per event payload: `schemas/json/<topic>.json`.
//!
//! Each schema gets `$id` = `urn:<catalogue>:schema:<topic>` and the generated-file `$comment`.
//! Content model: payload objects are *closed* (`additionalProperties: false`, set by
//! `tidings::schema::settings`), except maps and the documented untyped fields. Confluent judges
//! closed and open models differently: with a closed model, adding an optional field is backward
//! compatible (no old event can carry it) and removing a field is not (old events still carry it
//! and a closed reader rejects them). With an open model it is the other way round, so an open
//! model would make the everyday change, a new optional field, a break under the STRICT policy.
//! Decoders stay tolerant of unknown keys (serde, pydantic's default `extra="ignore"`); the closed
//! model governs schema validators and the compatibility check.

use serde_json::{Map, Value};

use crate::emit::json_file;
use crate::model::{CatalogModel, EventModel};
use crate::sync::GeneratedFile;

/// `$id` of an event's payload schema.
pub fn schema_id(model: &CatalogModel, event: &EventModel) -> String {
    format!(
        "urn:{}:schema:{}",
        model.catalogue.to_ascii_lowercase(),
        event.topic
    )
}

/// Where an event's JSON Schema is written.
pub fn path(topic: &str) -> String {
    format!("schemas/json/{topic}.json")
}

/// Where the envelope's JSON Schema is written.
pub const ENVELOPE_PATH: &str = "schemas/json/envelope.json";

/// The JSON Schema of the envelope every event travels in; `data` is any object (each event's
/// payload schema describes it).
pub fn envelope_schema(model: &CatalogModel) -> Value {
    let mut schema = Map::new();
    schema.insert(
        "$id".into(),
        Value::String(format!(
            "urn:{}:schema:envelope",
            model.catalogue.to_ascii_lowercase()
        )),
    );
    let generated =
        tidings::schema::json_schema_of::<tidings::EventEnvelope<serde_json::Map<String, Value>>>();
    if let Value::Object(fields) = generated {
        for (key, value) in fields {
            let value = if key == "title" {
                Value::String("EventEnvelope".into())
            } else {
                value
            };
            schema.insert(key, value);
        }
    }
    Value::Object(schema)
}

pub fn emit(model: &CatalogModel) -> Vec<GeneratedFile> {
    let envelope = json_file(
        model,
        ENVELOPE_PATH.to_owned(),
        "EventEnvelope",
        &envelope_schema(model),
    );
    std::iter::once(envelope)
        .chain(model.events.iter().map(|event| {
            let mut schema = Map::new();
            schema.insert("$id".into(), Value::String(schema_id(model, event)));
            if let Value::Object(fields) = &event.json_schema {
                for (key, value) in fields {
                    schema.insert(key.clone(), value.clone());
                }
            }
            json_file(
                model,
                path(&event.topic),
                &event.type_name,
                &Value::Object(schema),
            )
        }))
        .collect()
}
