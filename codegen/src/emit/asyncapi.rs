//! `asyncapi.yaml` (AsyncAPI 3.0): one channel per topic with its Kafka binding and topic
//! configuration, one `send` operation and one message per event, the standard headers as the
//! message headers schema, a key schema per event, and each event's example.
//!
//! Topic configuration is what the contract declares. Where it declares nothing, the channel states
//! the documented default, [`DEFAULT_CLEANUP_POLICY`] and [`DEFAULT_RETENTION_MS`] (Kafka's own
//! broker defaults, written out so the document is complete).
//!
//! Schemas are hoisted into `components/schemas` (every `$defs` entry once, each payload by type
//! name), and `$ref`s are rewritten to point there.

use serde_json::{Map, Value, json};
use tidings::headers::StandardHeaders;

use crate::emit::{examples, header};
use crate::model::{CatalogModel, EventModel};
use crate::sync::GeneratedFile;

/// `cleanup.policy` of a topic whose contract declares none.
pub const DEFAULT_CLEANUP_POLICY: &str = "delete";
/// `retention.ms` of a topic whose contract declares none: 7 days.
pub const DEFAULT_RETENTION_MS: u64 = 604_800_000;

const KAFKA_BINDING_VERSION: &str = "0.5.0";

/// A YAML document that could not be written.
#[derive(Debug, thiserror::Error)]
#[error("asyncapi.yaml cannot be written: {0}")]
pub struct AsyncApiError(String);

/// Rewrites `#/$defs/X` references to `#/components/schemas/X` and drops document-level keywords.
fn hoist(schema: &Value) -> Value {
    match schema {
        Value::Object(object) => Value::Object(
            object
                .iter()
                .filter(|(key, _)| {
                    !matches!(key.as_str(), "$schema" | "$id" | "$comment" | "$defs")
                })
                .map(|(key, value)| {
                    let value =
                        match (key.as_str(), value) {
                            ("$ref", Value::String(reference)) => Value::String(
                                reference.replacen("#/$defs/", "#/components/schemas/", 1),
                            ),
                            _ => hoist(value),
                        };
                    (key.clone(), value)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(hoist).collect()),
        other => other.clone(),
    }
}

fn topic_configuration(event: &EventModel) -> Value {
    let policy = event
        .topic_config
        .cleanup_policy
        .map_or(DEFAULT_CLEANUP_POLICY.to_owned(), |p| p.as_str().to_owned());
    let policy: Vec<&str> = policy.split(',').map(str::trim).collect();
    json!({
        "cleanup.policy": policy,
        "retention.ms": event.topic_config.retention_ms.unwrap_or(DEFAULT_RETENTION_MS),
    })
}

/// The channel's Kafka binding; partitions and replicas only when the contract declares them.
fn kafka_channel_binding(event: &EventModel) -> Value {
    let mut binding = json!({
        "topic": event.topic,
        "topicConfiguration": topic_configuration(event),
        "bindingVersion": KAFKA_BINDING_VERSION,
    });
    if let Some(partitions) = event.topic_config.partitions {
        binding["partitions"] = partitions.into();
    }
    if let Some(replicas) = event.topic_config.replication_factor {
        binding["replicas"] = replicas.into();
    }
    binding
}

fn key_schema(event: &EventModel) -> Value {
    json!({
        "type": "string",
        "description": format!(
            "Partition key: `{}` of the payload. Records of one key keep their order.",
            event.key
        ),
    })
}

fn example_headers(envelope: &Value) -> Value {
    let parsed: Result<tidings::EventEnvelope<Value>, _> = serde_json::from_value(envelope.clone());
    match parsed {
        Ok(envelope) => Value::Object(
            StandardHeaders::from_envelope(&envelope)
                .to_pairs()
                .into_iter()
                .map(|(name, value)| (name.to_owned(), Value::String(value)))
                .collect(),
        ),
        Err(_) => json!({}),
    }
}

/// The AsyncAPI document as a JSON value.
pub fn document(model: &CatalogModel, envelope_schema: &Value) -> Value {
    let mut schemas = Map::new();
    schemas.insert("EventEnvelope".into(), hoist(envelope_schema));
    schemas.insert("StandardHeaders".into(), StandardHeaders::json_schema());
    for event in &model.events {
        if let Some(defs) = event.json_schema.get("$defs").and_then(Value::as_object) {
            for (name, def) in defs {
                schemas.entry(name.clone()).or_insert_with(|| hoist(def));
            }
        }
        schemas
            .entry(event.type_name.clone())
            .or_insert_with(|| hoist(&event.json_schema));
    }

    let mut channels = Map::new();
    let mut operations = Map::new();
    let mut messages = Map::new();
    for event in &model.events {
        let id = &event.member;
        let message_ref = format!("#/components/messages/{id}");
        channels.insert(
            id.clone(),
            json!({
                "address": event.topic,
                "title": event.topic,
                "description": format!("Topic of `{}` ({}), schema version {}.", event.name, event.type_name, event.version),
                "messages": { id.clone(): { "$ref": message_ref } },
                "bindings": { "kafka": kafka_channel_binding(event) },
            }),
        );
        operations.insert(
            format!("send_{id}"),
            json!({
                "action": "send",
                "title": format!("Publish {}", event.name),
                "summary": format!("Publish `{}` on `{}` through the outbox.", event.name, event.topic),
                "description": format!("Producers write the event through the transactional outbox; the relay publishes it keyed by `{}`.", event.key),
                "channel": { "$ref": format!("#/channels/{id}") },
                "messages": [ { "$ref": format!("#/channels/{id}/messages/{id}") } ],
            }),
        );
        let envelope = examples::envelope(event);
        messages.insert(
            id.clone(),
            json!({
                "name": event.name,
                "title": event.type_name,
                "summary": event.description.lines().next().unwrap_or_default(),
                "description": event.description,
                "contentType": "application/json",
                "headers": { "$ref": "#/components/schemas/StandardHeaders" },
                "payload": {
                    "allOf": [
                        { "$ref": "#/components/schemas/EventEnvelope" },
                        {
                            "type": "object",
                            "properties": {
                                "event_type": { "const": event.topic },
                                "data": { "$ref": format!("#/components/schemas/{}", event.type_name) },
                            },
                        },
                    ],
                },
                "correlationId": {
                    "description": "The envelope's correlation id.",
                    "location": "$message.payload#/correlation_id",
                },
                "bindings": {
                    "kafka": {
                        "key": key_schema(event),
                        "bindingVersion": KAFKA_BINDING_VERSION,
                    }
                },
                "examples": [
                    {
                        "name": "example",
                        "summary": format!("A valid `{}` event.", event.name),
                        "headers": example_headers(&envelope),
                        "payload": envelope,
                    }
                ],
            }),
        );
    }

    let project = &model.project;
    let mut info = Map::new();
    info.insert("title".into(), json!(format!("{} events", model.catalogue)));
    info.insert("version".into(), json!(project.version));
    let summary = project
        .description
        .clone()
        .unwrap_or_else(|| format!("Every event of the {} catalogue.", model.catalogue));
    info.insert(
        "description".into(),
        json!(format!(
            "{summary} One channel per Kafka topic. Generated by tidings from the Rust contracts. Topics without declared configuration use cleanup.policy={DEFAULT_CLEANUP_POLICY} and retention.ms={DEFAULT_RETENTION_MS}."
        )),
    );
    if let Some(contact) = &project.contact {
        info.insert("contact".into(), json!({ "name": contact }));
    }
    if let Some(license) = &project.license {
        info.insert("license".into(), json!({ "name": license }));
    }
    info.insert("tags".into(), json!([ { "name": "events" } ]));
    let mut servers = Map::new();
    for server in &project.servers {
        let mut entry = Map::new();
        entry.insert("host".into(), json!(server.host));
        entry.insert("protocol".into(), json!(server.protocol));
        if let Some(description) = &server.description {
            entry.insert("description".into(), json!(description));
        }
        servers.insert(server.name.clone(), Value::Object(entry));
    }
    if servers.is_empty() {
        servers.insert(
            "kafka".into(),
            json!({
                "host": "localhost:9092",
                "protocol": "kafka",
                "description": "Any Kafka cluster; services read the address from KAFKA_BOOTSTRAP_SERVERS.",
            }),
        );
    }
    json!({
        "asyncapi": "3.0.0",
        "info": info,
        "defaultContentType": "application/json",
        "servers": servers,
        "channels": channels,
        "operations": operations,
        "components": {
            "messages": messages,
            "schemas": schemas,
        },
    })
}

pub fn emit(model: &CatalogModel, envelope_schema: &Value) -> Result<GeneratedFile, AsyncApiError> {
    let yaml = serde_norway::to_string(&document(model, envelope_schema))
        .map_err(|err| AsyncApiError(err.to_string()))?;
    Ok(GeneratedFile {
        path: "asyncapi.yaml".into(),
        contents: format!("# {}\n{yaml}", header(model, &model.catalogue)),
    })
}
