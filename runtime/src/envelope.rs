//! [`EventEnvelope`], wire-compatible with HuleEdu's Python `EventEnvelope`.
//!
//! The JSON form has the same nine keys, in the same order, with the same value formats:
//! hyphenated UUID strings, timestamps as in [`crate::time`], `schema_version` as a number, and
//! `data_schema_uri` and `metadata` as explicit `null` when unset. Unknown keys are ignored on input,
//! as pydantic does, and missing optional keys get the Python defaults.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::event::Event;
use crate::time::Timestamp;
use crate::trace::TraceParent;

/// The version of the envelope structure itself; 1 is the only one so far.
pub const ENVELOPE_SCHEMA_VERSION: u32 = 1;

/// Envelope metadata key of the W3C trace context.
pub const TRACEPARENT_METADATA_KEY: &str = "traceparent";

/// Namespace of deterministic event ids ([`deterministic_event_id`]).
///
/// Fixed forever: changing it would change every deterministic id and defeat deduplication.
pub const EVENT_ID_NAMESPACE: Uuid = Uuid::from_u128(0x5f1c_2b1e_8a4d_4c7b_9f3e_0d6a_71b2_c4e9);

/// An event as it travels: identity, provenance and tracing around a typed payload.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct EventEnvelope<T> {
    /// Unique id of this event; consumers deduplicate on it.
    #[serde(default = "Uuid::new_v4")]
    pub event_id: Uuid,
    /// What the payload is: tidings writes the topic. Readers also accept the dotted event name.
    pub event_type: String,
    /// When the event was created.
    #[serde(default = "Timestamp::now")]
    pub event_timestamp: Timestamp,
    /// The producing service.
    pub source_service: String,
    /// Version of the envelope structure (not of the payload).
    #[serde(default = "default_schema_version")]
    pub schema_version: u32,
    /// Ties together the events of one business operation.
    #[serde(default = "Uuid::new_v4")]
    pub correlation_id: Uuid,
    /// Where the payload's schema can be fetched (optional; tidings does not read it).
    #[serde(default)]
    pub data_schema_uri: Option<String>,
    /// The payload.
    pub data: T,
    /// Free-form producer metadata; trace context travels here under `traceparent`.
    #[serde(default)]
    pub metadata: Option<Map<String, Value>>,
}

fn default_schema_version() -> u32 {
    ENVELOPE_SCHEMA_VERSION
}

/// A deterministic (UUID v5) event id, for producers that must emit the same id when they retry
/// the same logical event: the same `event_name` and `idempotency_key` always give the same id,
/// so consumers drop the repeat.
pub fn deterministic_event_id(event_name: &str, idempotency_key: &str) -> Uuid {
    let mut name = Vec::with_capacity(event_name.len() + 1 + idempotency_key.len());
    name.extend_from_slice(event_name.as_bytes());
    name.push(b'\n');
    name.extend_from_slice(idempotency_key.as_bytes());
    Uuid::new_v5(&EVENT_ID_NAMESPACE, &name)
}

impl<T: Event> EventEnvelope<T> {
    /// Starts an envelope for `data` produced by `source_service`.
    ///
    /// `build()` fills a fresh v4 `event_id`, the current time, a fresh `correlation_id`, and
    /// `event_type` = the event's topic, unless the builder was told otherwise.
    pub fn builder(source_service: impl Into<String>, data: T) -> EnvelopeBuilder<T> {
        EnvelopeBuilder {
            source_service: source_service.into(),
            data,
            event_id: None,
            event_timestamp: None,
            correlation_id: None,
            data_schema_uri: None,
            metadata: None,
        }
    }

    /// An envelope with every default: shorthand for `builder(source_service, data).build()`.
    pub fn new(source_service: impl Into<String>, data: T) -> Self {
        Self::builder(source_service, data).build()
    }
}

impl<T> EventEnvelope<T> {
    /// The trace context in `metadata.traceparent`, if there is a valid one.
    pub fn trace_parent(&self) -> Option<TraceParent> {
        self.metadata
            .as_ref()?
            .get(TRACEPARENT_METADATA_KEY)?
            .as_str()?
            .parse()
            .ok()
    }

    /// The same envelope around a payload converted by `f`, or `f`'s error.
    pub fn try_map_data<U, E>(
        self,
        f: impl FnOnce(T) -> Result<U, E>,
    ) -> Result<EventEnvelope<U>, E> {
        let EventEnvelope {
            event_id,
            event_type,
            event_timestamp,
            source_service,
            schema_version,
            correlation_id,
            data_schema_uri,
            data,
            metadata,
        } = self;
        Ok(EventEnvelope {
            event_id,
            event_type,
            event_timestamp,
            source_service,
            schema_version,
            correlation_id,
            data_schema_uri,
            data: f(data)?,
            metadata,
        })
    }

    /// The same envelope around another payload (used when decoding `data` in a second phase).
    pub fn map_data<U>(self, f: impl FnOnce(T) -> U) -> EventEnvelope<U> {
        match self.try_map_data(|data| Ok::<U, std::convert::Infallible>(f(data))) {
            Ok(envelope) => envelope,
            Err(never) => match never {},
        }
    }
}

/// Builds an [`EventEnvelope`]; see [`EventEnvelope::builder`].
#[derive(Debug)]
#[must_use = "call .build() to get the envelope"]
pub struct EnvelopeBuilder<T> {
    source_service: String,
    data: T,
    event_id: Option<Uuid>,
    event_timestamp: Option<Timestamp>,
    correlation_id: Option<Uuid>,
    data_schema_uri: Option<String>,
    metadata: Option<Map<String, Value>>,
}

impl<T: Event> EnvelopeBuilder<T> {
    /// Uses this event id instead of a fresh v4.
    pub fn event_id(mut self, id: Uuid) -> Self {
        self.event_id = Some(id);
        self
    }

    /// Uses a deterministic v5 id derived from the event name and `idempotency_key`
    /// (see [`deterministic_event_id`]).
    pub fn idempotency_key(mut self, idempotency_key: &str) -> Self {
        self.event_id = Some(deterministic_event_id(T::NAME, idempotency_key));
        self
    }

    /// Sets the event time instead of now.
    pub fn event_timestamp(mut self, at: Timestamp) -> Self {
        self.event_timestamp = Some(at);
        self
    }

    /// Joins an existing business operation.
    pub fn correlation_id(mut self, id: Uuid) -> Self {
        self.correlation_id = Some(id);
        self
    }

    /// Sets `data_schema_uri`.
    pub fn data_schema_uri(mut self, uri: impl Into<String>) -> Self {
        self.data_schema_uri = Some(uri.into());
        self
    }

    /// Adds one metadata entry.
    pub fn metadata_entry(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.metadata
            .get_or_insert_with(Map::new)
            .insert(key.into(), value.into());
        self
    }

    /// Records the W3C trace context; the relay sends it as the `traceparent` header.
    pub fn trace_parent(self, trace: TraceParent) -> Self {
        self.metadata_entry(TRACEPARENT_METADATA_KEY, trace.to_string())
    }

    /// The envelope.
    pub fn build(self) -> EventEnvelope<T> {
        EventEnvelope {
            event_id: self.event_id.unwrap_or_else(Uuid::new_v4),
            event_type: T::TOPIC.to_owned(),
            event_timestamp: self.event_timestamp.unwrap_or_else(Timestamp::now),
            source_service: self.source_service,
            schema_version: ENVELOPE_SCHEMA_VERSION,
            correlation_id: self.correlation_id.unwrap_or_else(Uuid::new_v4),
            data_schema_uri: self.data_schema_uri,
            data: self.data,
            metadata: self.metadata,
        }
    }
}
