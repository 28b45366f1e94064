//! The standard Kafka header set, derived from an envelope.
//!
//! Every record tidings publishes carries these headers, so consumers can route, deduplicate and
//! trace without parsing the body. Values are UTF-8 strings. The names are defined here and only
//! here ([`names`]).
//!
//! | header | value |
//! |---|---|
//! | `event_id` | envelope `event_id`, hyphenated UUID |
//! | `event_type` | envelope `event_type` |
//! | `trace_id` | envelope `correlation_id` (what HuleEdu's consumers read it as) |
//! | `traceparent` | W3C trace context from `metadata.traceparent`; only when present and valid |
//! | `schema_version` | envelope `schema_version`, decimal |
//! | `occurred_at` | envelope `event_timestamp`, same text as in the body |
//! | `content_type` | `application/json` |
//! | `correlation_id` | envelope `correlation_id` |
//! | `source_service` | envelope `source_service` |

use std::str::FromStr;

use uuid::Uuid;

use crate::envelope::EventEnvelope;
use crate::time::Timestamp;
use crate::trace::TraceParent;

/// Header names.
pub mod names {
    /// The envelope's event id.
    pub const EVENT_ID: &str = "event_id";
    /// The envelope's event type.
    pub const EVENT_TYPE: &str = "event_type";
    /// The trace id HuleEdu consumers log: the correlation id.
    pub const TRACE_ID: &str = "trace_id";
    /// W3C trace context.
    pub const TRACEPARENT: &str = "traceparent";
    /// Envelope structure version.
    pub const SCHEMA_VERSION: &str = "schema_version";
    /// Event time.
    pub const OCCURRED_AT: &str = "occurred_at";
    /// Body encoding.
    pub const CONTENT_TYPE: &str = "content_type";
    /// Business operation id.
    pub const CORRELATION_ID: &str = "correlation_id";
    /// Producing service.
    pub const SOURCE_SERVICE: &str = "source_service";

    /// Every standard header, in the order they are written.
    pub const ALL: [&str; 9] = [
        EVENT_ID,
        EVENT_TYPE,
        TRACE_ID,
        TRACEPARENT,
        SCHEMA_VERSION,
        OCCURRED_AT,
        CONTENT_TYPE,
        CORRELATION_ID,
        SOURCE_SERVICE,
    ];

    /// Dead-letter headers, added to a record copied to a dead-letter topic.
    pub mod dead_letter {
        /// Why the record was dead-lettered (`undecodable`, `unknown_event_type`, …).
        pub const REASON: &str = "dlq_reason";
        /// The error in words.
        pub const ERROR: &str = "dlq_error";
        /// Where the record was read from.
        pub const ORIGINAL_TOPIC: &str = "dlq_original_topic";
        /// Partition it was read from.
        pub const ORIGINAL_PARTITION: &str = "dlq_original_partition";
        /// Offset it was read at.
        pub const ORIGINAL_OFFSET: &str = "dlq_original_offset";
        /// The consumer group that gave up on it.
        pub const CONSUMER_GROUP: &str = "dlq_consumer_group";
        /// When.
        pub const FAILED_AT: &str = "dlq_failed_at";
    }

    /// The headers every record must carry (all but `traceparent`).
    pub const REQUIRED: [&str; 8] = [
        EVENT_ID,
        EVENT_TYPE,
        TRACE_ID,
        SCHEMA_VERSION,
        OCCURRED_AT,
        CONTENT_TYPE,
        CORRELATION_ID,
        SOURCE_SERVICE,
    ];
}

/// The content type of every body tidings writes.
pub const CONTENT_TYPE_JSON: &str = "application/json";

/// The standard headers of one record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StandardHeaders {
    /// `event_id`.
    pub event_id: Uuid,
    /// `event_type`.
    pub event_type: String,
    /// `trace_id`.
    pub trace_id: String,
    /// `traceparent`, when the envelope has a trace context.
    pub traceparent: Option<TraceParent>,
    /// `schema_version`.
    pub schema_version: u32,
    /// `occurred_at`.
    pub occurred_at: Timestamp,
    /// `content_type`.
    pub content_type: String,
    /// `correlation_id`.
    pub correlation_id: Uuid,
    /// `source_service`.
    pub source_service: String,
}

/// A record's headers did not form a valid standard set.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HeaderError {
    /// A required header is absent.
    #[error("required header `{name}` is missing; tidings producers always send it")]
    Missing {
        /// Header name.
        name: &'static str,
    },
    /// A header's bytes are not UTF-8.
    #[error("header `{name}` is not UTF-8 text")]
    NotUtf8 {
        /// Header name.
        name: &'static str,
    },
    /// A header has text of the wrong form.
    #[error("header `{name}` has an invalid value `{value}`: {reason}")]
    Invalid {
        /// Header name.
        name: &'static str,
        /// The text received.
        value: String,
        /// What was expected.
        reason: String,
    },
}

impl StandardHeaders {
    /// JSON Schema (2020-12) of the standard header set as a JSON object of string values, for
    /// AsyncAPI message headers and for consumers that check headers.
    pub fn json_schema() -> serde_json::Value {
        let uuid = |description: &str| serde_json::json!({"type": "string", "format": "uuid", "description": description});
        serde_json::json!({
            "type": "object",
            "description": "The standard headers every tidings record carries; values are UTF-8 strings.",
            "properties": {
                names::EVENT_ID: uuid("The envelope's event_id."),
                names::EVENT_TYPE: {"type": "string", "description": "The envelope's event_type (the topic)."},
                names::TRACE_ID: {"type": "string", "description": "The envelope's correlation_id, as HuleEdu consumers log it."},
                names::TRACEPARENT: {
                    "type": "string",
                    "pattern": "^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$",
                    "description": "W3C trace context from metadata.traceparent; only when present and valid."
                },
                names::SCHEMA_VERSION: {"type": "string", "pattern": "^[0-9]+$", "description": "The envelope's schema_version, in decimal."},
                names::OCCURRED_AT: {"type": "string", "format": "date-time", "description": "The envelope's event_timestamp, as in the body."},
                names::CONTENT_TYPE: {"type": "string", "const": CONTENT_TYPE_JSON, "description": "Encoding of the record value."},
                names::CORRELATION_ID: uuid("The envelope's correlation_id."),
                names::SOURCE_SERVICE: {"type": "string", "description": "The producing service."},
            },
            "required": names::ALL.iter().filter(|name| **name != names::TRACEPARENT).collect::<Vec<_>>(),
        })
    }

    /// The headers of an envelope.
    pub fn from_envelope<T>(envelope: &EventEnvelope<T>) -> Self {
        Self {
            event_id: envelope.event_id,
            event_type: envelope.event_type.clone(),
            trace_id: envelope.correlation_id.to_string(),
            traceparent: envelope.trace_parent(),
            schema_version: envelope.schema_version,
            occurred_at: envelope.event_timestamp,
            content_type: CONTENT_TYPE_JSON.to_owned(),
            correlation_id: envelope.correlation_id,
            source_service: envelope.source_service.clone(),
        }
    }

    /// The headers as `(name, value)` pairs, in [`names::ALL`] order; `traceparent` only when set.
    pub fn to_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::with_capacity(names::ALL.len());
        pairs.push((names::EVENT_ID, self.event_id.to_string()));
        pairs.push((names::EVENT_TYPE, self.event_type.clone()));
        pairs.push((names::TRACE_ID, self.trace_id.clone()));
        if let Some(trace) = &self.traceparent {
            pairs.push((names::TRACEPARENT, trace.to_string()));
        }
        pairs.push((names::SCHEMA_VERSION, self.schema_version.to_string()));
        pairs.push((names::OCCURRED_AT, self.occurred_at.to_string()));
        pairs.push((names::CONTENT_TYPE, self.content_type.clone()));
        pairs.push((names::CORRELATION_ID, self.correlation_id.to_string()));
        pairs.push((names::SOURCE_SERVICE, self.source_service.clone()));
        pairs
    }

    /// Reads the standard set back from a record's headers. Other headers are ignored; when a
    /// name repeats, the last value wins, as Kafka clients do for `last_header`.
    pub fn from_pairs<'a, I>(headers: I) -> Result<Self, HeaderError>
    where
        I: IntoIterator<Item = (&'a str, &'a [u8])>,
    {
        let mut found: [Option<&'a [u8]>; names::ALL.len()] = [None; names::ALL.len()];
        for (name, value) in headers {
            if let Some(slot) = names::ALL.iter().position(|known| *known == name) {
                found[slot] = Some(value);
            }
        }
        let text = |name: &'static str| -> Result<Option<&'a str>, HeaderError> {
            let slot = names::ALL.iter().position(|known| *known == name);
            match slot.and_then(|i| found[i]) {
                None => Ok(None),
                Some(bytes) => std::str::from_utf8(bytes)
                    .map(Some)
                    .map_err(|_| HeaderError::NotUtf8 { name }),
            }
        };
        let required = |name: &'static str| text(name)?.ok_or(HeaderError::Missing { name });
        let parsed = |name: &'static str| -> Result<_, HeaderError> {
            let value = required(name)?;
            Ok((name, value))
        };

        Ok(Self {
            event_id: parse_with(parsed(names::EVENT_ID)?, Uuid::from_str)?,
            event_type: required(names::EVENT_TYPE)?.to_owned(),
            trace_id: required(names::TRACE_ID)?.to_owned(),
            traceparent: match text(names::TRACEPARENT)? {
                None => None,
                Some(value) => Some(parse_with(
                    (names::TRACEPARENT, value),
                    TraceParent::from_str,
                )?),
            },
            schema_version: parse_with(parsed(names::SCHEMA_VERSION)?, u32::from_str)?,
            occurred_at: parse_with(parsed(names::OCCURRED_AT)?, Timestamp::from_str)?,
            content_type: required(names::CONTENT_TYPE)?.to_owned(),
            correlation_id: parse_with(parsed(names::CORRELATION_ID)?, Uuid::from_str)?,
            source_service: required(names::SOURCE_SERVICE)?.to_owned(),
        })
    }
}

fn parse_with<T, E: std::fmt::Display>(
    (name, value): (&'static str, &str),
    parse: impl FnOnce(&str) -> Result<T, E>,
) -> Result<T, HeaderError> {
    parse(value).map_err(|err| HeaderError::Invalid {
        name,
        value: value.to_owned(),
        reason: err.to_string(),
    })
}
