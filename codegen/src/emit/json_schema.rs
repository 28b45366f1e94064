//! One JSON Schema (2020-12) per event payload: `schemas/json/<topic>.json`.
//!
//! Each schema gets `$id` = `urn:<catalogue>:schema:<topic>` and the generated-file `$comment`.
//! Content model: payloads are *open* (no `additionalProperties: false`), because HuleEdu's
//! pydantic models ignore unknown keys and older consumers must keep reading events that gained
//! optional fields. Under Confluent's rules an open model makes adding an optional property
//! backward compatible, and removing one is checked against `additionalProperties`.

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

pub fn emit(model: &CatalogModel) -> Vec<GeneratedFile> {
    model
        .events
        .iter()
        .map(|event| {
            let mut schema = Map::new();
            schema.insert("$id".into(), Value::String(schema_id(model, event)));
            if let Value::Object(fields) = &event.json_schema {
                for (key, value) in fields {
                    schema.insert(key.clone(), value.clone());
                }
            }
            json_file(
                format!("schemas/json/{}.json", event.topic),
                &event.type_name,
                &Value::Object(schema),
            )
        })
        .collect()
}
