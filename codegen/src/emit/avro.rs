//! One Avro schema per event payload: `schemas/avro/<topic>.avsc`.

use crate::emit::json_file;
use crate::model::CatalogModel;
use crate::sync::GeneratedFile;

/// Where an event's Avro schema is written.
pub fn path(topic: &str) -> String {
    format!("schemas/avro/{topic}.avsc")
}

pub fn emit(model: &CatalogModel) -> Vec<GeneratedFile> {
    model
        .events
        .iter()
        .map(|event| {
            json_file(
                model,
                path(&event.topic),
                &event.type_name,
                &event.avro_schema,
            )
        })
        .collect()
}
