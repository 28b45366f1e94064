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
    /// The trace id consumers log: the correlation id.
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
    /// A header has text of the wrong form. The text itself is not repeated in the message,
    /// since header values can carry personal data (logs and dead-letter headers show the
    /// message).
    #[error("header `{name}` has an invalid value: {reason}")]
    Invalid {
        /// Header name.
        name: &'static str,
        /// What was expected.
        reason: &'static str,
    },
}

/// How a record's headers compare with its body.
///
/// The envelope body is the source of truth: every standard header is a copy of a body field.
/// A consumer reads the body whatever the headers say, and reports what this finds (metrics
/// `kafka_event_headers_missing_total` and `kafka_event_headers_invalid_total`, and a warning for
/// contradictions). Only names are kept, never values.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HeaderCheck {
    /// Required standard headers the record lacks (producers that send no headers, such as
    /// HuleEdu's Python relay, lack all eight).
    pub missing: Vec<&'static str>,
    /// Headers present but unreadable: not UTF-8, or not of their form (`schema_version: "1.0"`).
    pub malformed: Vec<&'static str>,
    /// Readable headers that say something other than the body (an `event_id` that differs from
    /// the envelope's, say).
    pub contradicting: Vec<&'static str>,
}

impl HeaderCheck {
    /// Whether the record carried the full standard set, each header agreeing with the body.
    pub fn is_clean(&self) -> bool {
        self.missing.is_empty() && self.malformed.is_empty() && self.contradicting.is_empty()
    }
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
                names::TRACE_ID: {"type": "string", "description": "The envelope's correlation_id, for consumers that log a trace id."},
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
        let found = standard_slots(headers);
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

impl StandardHeaders {
    /// Compares a record's headers with `self`, the set its body implies
    /// ([`from_envelope`](Self::from_envelope)). Values are compared by meaning, not by text: a
    /// UUID in upper case, `occurred_at` with `+00:00` instead of `Z`, or a naive timestamp agree
    /// with the body when they name the same value. Other headers are ignored; when a name
    /// repeats, the last value counts.
    pub fn check_pairs<'a, I>(&self, headers: I) -> HeaderCheck
    where
        I: IntoIterator<Item = (&'a str, &'a [u8])>,
    {
        let found = standard_slots(headers);
        let mut check = HeaderCheck::default();
        for (slot, name) in names::ALL.iter().copied().enumerate() {
            let Some(bytes) = found[slot] else {
                if name != names::TRACEPARENT {
                    check.missing.push(name);
                }
                continue;
            };
            let Ok(text) = std::str::from_utf8(bytes) else {
                check.malformed.push(name);
                continue;
            };
            match self.agrees(name, text) {
                Ok(true) => {}
                Ok(false) => check.contradicting.push(name),
                Err(_) => check.malformed.push(name),
            }
        }
        check
    }

    /// Whether header `name` with `text` says what `self` says; an error when the text is not of
    /// the header's form.
    fn agrees(&self, name: &'static str, text: &str) -> Result<bool, HeaderError> {
        Ok(match name {
            names::EVENT_ID => parse_with((name, text), Uuid::from_str)? == self.event_id,
            names::CORRELATION_ID => {
                parse_with((name, text), Uuid::from_str)? == self.correlation_id
            }
            names::TRACE_ID => match Uuid::from_str(text) {
                Ok(id) => id.to_string() == self.trace_id,
                Err(_) => text == self.trace_id,
            },
            names::TRACEPARENT => {
                let trace = parse_with((name, text), TraceParent::from_str)?;
                // A producer's tracing may set its own context; only a readable one is expected.
                self.traceparent.is_none_or(|expected| expected == trace)
            }
            names::SCHEMA_VERSION => {
                parse_with((name, text), u32::from_str)? == self.schema_version
            }
            names::OCCURRED_AT => {
                parse_with((name, text), Timestamp::from_str)? == self.occurred_at
            }
            names::EVENT_TYPE => text == self.event_type,
            names::CONTENT_TYPE => text == self.content_type,
            names::SOURCE_SERVICE => text == self.source_service,
            _ => true,
        })
    }
}

/// The value of each standard header, in [`names::ALL`] order; when a name repeats, the last value
/// wins, as Kafka clients do for `last_header`. Other headers are ignored.
fn standard_slots<'a>(
    headers: impl IntoIterator<Item = (&'a str, &'a [u8])>,
) -> [Option<&'a [u8]>; names::ALL.len()] {
    let mut found = [None; names::ALL.len()];
    for (name, value) in headers {
        if let Some(slot) = names::ALL.iter().position(|known| *known == name) {
            found[slot] = Some(value);
        }
    }
    found
}

fn parse_with<T, E>(
    (name, value): (&'static str, &str),
    parse: impl FnOnce(&str) -> Result<T, E>,
) -> Result<T, HeaderError> {
    parse(value).map_err(|_| HeaderError::Invalid {
        name,
        reason: match name {
            names::EVENT_ID | names::CORRELATION_ID => "expected a UUID",
            names::SCHEMA_VERSION => "expected a decimal integer",
            names::OCCURRED_AT => "expected an ISO 8601 date-time",
            names::TRACEPARENT => "expected a W3C traceparent",
            _ => "unreadable",
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn implied() -> StandardHeaders {
        StandardHeaders {
            event_id: Uuid::from_u128(0xabc),
            event_type: "acme.thing.happened.v1".into(),
            trace_id: Uuid::from_u128(2).to_string(),
            traceparent: None,
            schema_version: 1,
            occurred_at: "2025-03-14T09:30:00.5Z".parse().unwrap(),
            content_type: CONTENT_TYPE_JSON.into(),
            correlation_id: Uuid::from_u128(2),
            source_service: "svc".into(),
        }
    }

    fn check(pairs: &[(&str, String)]) -> HeaderCheck {
        implied().check_pairs(pairs.iter().map(|(k, v)| (*k, v.as_bytes())))
    }

    #[test]
    fn the_set_a_tidings_producer_writes_is_clean() {
        let pairs: Vec<(&str, String)> = implied().to_pairs();
        assert!(check(&pairs).is_clean());
    }

    #[test]
    fn values_are_compared_by_meaning_not_by_text() {
        // As HuleEdu's planned header set writes them: Python isoformat offsets, upper-case UUIDs.
        let pairs: Vec<(&str, String)> = implied()
            .to_pairs()
            .into_iter()
            .map(|(k, v)| match k {
                names::OCCURRED_AT => (k, "2025-03-14T09:30:00.500000+00:00".to_owned()),
                names::EVENT_ID => (k, v.to_uppercase()),
                _ => (k, v),
            })
            .collect();
        assert!(check(&pairs).is_clean(), "{:?}", check(&pairs));
    }

    #[test]
    fn missing_malformed_and_contradicting_headers_are_named() {
        assert_eq!(check(&[]).missing, names::REQUIRED.to_vec());
        let pairs: Vec<(&str, String)> = implied()
            .to_pairs()
            .into_iter()
            .filter(|(k, _)| *k != names::CORRELATION_ID)
            .map(|(k, v)| match k {
                names::SCHEMA_VERSION => (k, "1.0".to_owned()),
                names::EVENT_ID => (k, Uuid::from_u128(7).to_string()),
                names::SOURCE_SERVICE => (k, "other".to_owned()),
                _ => (k, v),
            })
            .collect();
        let found = check(&pairs);
        assert_eq!(found.missing, [names::CORRELATION_ID]);
        assert_eq!(found.malformed, [names::SCHEMA_VERSION]);
        assert_eq!(
            found.contradicting,
            [names::EVENT_ID, names::SOURCE_SERVICE]
        );
        let not_utf8 = implied().check_pairs([(names::EVENT_TYPE, &[0xff, 0xfe][..])]);
        assert_eq!(not_utf8.malformed, [names::EVENT_TYPE]);
    }
}
