//! One valid example envelope per event: `examples/<topic>.json`, holding
//! `{"$comment", "member", "topic", "partition_key", "envelope"}` (the key the Rust contract computes
//! for it, which writers in other languages check theirs against). The payload is the model's example (a Rust value,
//! see [`crate::example`]); the envelope around it is deterministic (ids are UUID v5 of the event
//! name, the timestamp is fixed), so the files are the same on every run.

use serde_json::{Map, Value, json};
use tidings::EventEnvelope;
use tidings::time::Timestamp;

use crate::emit::json_file;
use crate::example::EXAMPLE_TIMESTAMP;
use crate::model::{CatalogModel, EventModel};
use crate::sync::GeneratedFile;

/// Where an event's example is written.
pub fn path(topic: &str) -> String {
    format!("examples/{topic}.json")
}

/// The example envelope of `event`.
pub fn envelope(event: &EventModel) -> Value {
    let timestamp: Timestamp = EXAMPLE_TIMESTAMP
        .parse()
        .unwrap_or_else(|_| Timestamp::from(chrono::DateTime::<chrono::Utc>::UNIX_EPOCH));
    let envelope = EventEnvelope {
        event_id: tidings::envelope::deterministic_event_id(&event.name, "example"),
        event_type: event.topic.clone(),
        event_timestamp: timestamp,
        source_service: "example-service".to_owned(),
        schema_version: tidings::envelope::ENVELOPE_SCHEMA_VERSION,
        correlation_id: tidings::envelope::deterministic_event_id(
            &event.name,
            "example-correlation",
        ),
        data_schema_uri: None,
        data: event.example.clone(),
        metadata: Some(Map::from_iter([(
            tidings::envelope::TRACEPARENT_METADATA_KEY.to_owned(),
            json!("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
        )])),
    };
    serde_json::to_value(&envelope).unwrap_or_default()
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
                &json!({
                    "member": event.member,
                    "topic": event.topic,
                    "partition_key": event.example_key,
                    "envelope": envelope(event),
                }),
            )
        })
        .collect()
}
