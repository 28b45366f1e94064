//! One Avro schema per event payload: `schemas/avro/<topic>.avsc`.

use crate::emit::json_file;
use crate::model::CatalogModel;
use crate::sync::GeneratedFile;

pub fn emit(model: &CatalogModel) -> Vec<GeneratedFile> {
    model
        .events
        .iter()
        .map(|event| {
            json_file(
                format!("schemas/avro/{}.avsc", event.topic),
                &event.type_name,
                &event.avro_schema,
            )
        })
        .collect()
}
