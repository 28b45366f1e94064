//! The intermediate model every emitter reads: what the catalogue declares, with the schemas
//! already computed, in catalogue order.

use serde::Serialize;
use serde_json::Value;
use tidings::schema::SchemaError;
use tidings::{Catalogue, Compatibility, EventDescriptor, KeySpec, SourceLocation, TopicConfig};

/// One catalogue, ready for the emitters.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CatalogModel {
    /// Name of the catalogue enum, e.g. `ProcessingEvent`.
    pub catalogue: String,
    /// Every event, in catalogue order.
    pub events: Vec<EventModel>,
}

/// One event of the catalogue.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventModel {
    /// SCREAMING_SNAKE_CASE member name.
    pub member: String,
    /// Dotted event name.
    pub name: String,
    /// Kafka topic.
    pub topic: String,
    /// Major schema version.
    pub version: u32,
    /// Payload type name.
    pub type_name: String,
    /// Payload doc comment.
    pub description: String,
    /// The key, as declared (`cj_assessment_job_id`, `meta.id ?? batch_id`, …).
    pub key: String,
    /// Schema evolution mode.
    pub compatibility: Compatibility,
    /// Topic configuration declared by the contract.
    pub topic_config: TopicConfig,
    /// Name of the rich event when this is the thin half of a pair.
    pub rich_counterpart: Option<String>,
    /// Where the contract is defined.
    pub source: SourceLocation,
    /// Avro namespace.
    pub avro_namespace: String,
    /// JSON Schema of the payload.
    #[serde(skip)]
    pub json_schema: Value,
    /// Avro schema of the payload.
    #[serde(skip)]
    pub avro_schema: Value,
}

/// A contract whose schemas could not be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{member} ({file}:{line}): {source}")]
pub struct ModelError {
    /// The member.
    pub member: String,
    /// Contract file.
    pub file: &'static str,
    /// Contract line.
    pub line: u32,
    /// What went wrong.
    #[source]
    pub source: SchemaError,
}

impl CatalogModel {
    /// Builds the model of catalogue `C`, failing on the first contract whose Avro schema cannot
    /// be derived.
    pub fn of<C: Catalogue>(catalogue: &str) -> Result<Self, ModelError> {
        let events = C::ALL
            .iter()
            .map(|member| EventModel::new(member.member(), member.descriptor()))
            .collect::<Result<_, _>>()?;
        Ok(Self {
            catalogue: catalogue.to_owned(),
            events,
        })
    }
}

impl EventModel {
    fn new(member: &str, d: &EventDescriptor) -> Result<Self, ModelError> {
        let avro_schema = (d.avro_schema)().map_err(|source| ModelError {
            member: member.to_owned(),
            file: d.source.file,
            line: d.source.line,
            source,
        })?;
        Ok(Self {
            member: member.to_owned(),
            name: d.name.to_owned(),
            topic: d.topic.to_owned(),
            version: d.version,
            type_name: d.type_name.to_owned(),
            description: d.description.to_owned(),
            key: key_text(&d.key),
            compatibility: d.compatibility,
            topic_config: d.topic_config,
            rich_counterpart: d.rich_counterpart.map(str::to_owned),
            source: d.source,
            avro_namespace: d.avro_namespace.to_owned(),
            json_schema: (d.json_schema)(),
            avro_schema,
        })
    }
}

fn key_text(key: &KeySpec) -> String {
    key.to_string()
}
