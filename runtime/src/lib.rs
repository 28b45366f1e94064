//! # tidings
//!
//! Typed event contracts for services that talk over Kafka: one Rust type per event is the source
//! of truth for its name, topic, key, version and schemas.
//!
//! ```
//! use serde::{Deserialize, Serialize};
//! use tidings::{Event, EventEnvelope, StandardHeaders};
//!
//! /// A batch finished its assessment.
//! #[derive(Debug, Serialize, Deserialize, schemars::JsonSchema, Event)]
//! #[event(
//!     name = "batch.assessment.completed",
//!     topic = "acme.batch.assessment.completed.v1",
//!     version = 1,
//!     key = batch_id,
//! )]
//! struct BatchAssessmentCompleted {
//!     batch_id: String,
//!     essays: u32,
//! }
//!
//! let event = BatchAssessmentCompleted { batch_id: "b-17".into(), essays: 24 };
//! assert_eq!(event.partition_key().as_str(), "b-17");
//!
//! let envelope = EventEnvelope::new("assessment-service", event);
//! assert_eq!(envelope.event_type, "acme.batch.assessment.completed.v1");
//! let headers = StandardHeaders::from_envelope(&envelope).to_pairs();
//! assert_eq!(headers[0], ("event_id", envelope.event_id.to_string()));
//! ```
//!
//! ## `#[event(...)]`
//!
//! | attribute | meaning |
//! |---|---|
//! | `name = "a.b.c"` | dotted event name (required) |
//! | `topic = "x.y.z.v1"` | Kafka topic, ending in `.v{version}` (required) |
//! | `version = 1` | major schema version (required) |
//! | `key = field` or `key = outer.inner` | partition key field or nested path |
//! | `key_fallback = other` or `key_fallback = "text"` | used when an `Option` key is `None` |
//! | `key_fn = path::to::function` | `fn(&Payload) -> impl Into<PartitionKey>` instead of `key` |
//! | `compatibility = "backward"` | schema evolution mode (default `backward`) |
//! | `cleanup_policy = "compact,delete"` | topic `cleanup.policy` |
//! | `retention_ms = 604800000` | topic `retention.ms` |
//! | `namespace = "acme.assessment"` | Avro namespace (default: the topic's first two segments) |
//! | `rich = RichPayload` | marks this event as the thin half of a thin/rich pair |
//!
//! Exactly one of `key` and `key_fn` is required. Mistakes are compile errors that point at the
//! offending token.

// Library code reports bad input as errors; it does not panic on it.
#![warn(clippy::unwrap_used, clippy::expect_used)]

extern crate self as tidings;

#[cfg(all(feature = "postgres", feature = "kafka"))]
pub mod consumer;
pub mod decode;
pub mod envelope;
pub mod event;
pub mod headers;
#[cfg(feature = "kafka")]
pub mod kafka;
pub mod key;
pub mod metrics;
#[cfg(feature = "postgres")]
pub mod outbox;
pub mod record;
pub mod registry;
#[cfg(all(feature = "postgres", feature = "kafka"))]
pub mod relay;
pub mod rules;
pub mod schema;
#[cfg(feature = "testing")]
pub mod testing;
pub mod time;
#[cfg(feature = "kafka")]
pub mod topics;
pub mod trace;
pub mod untyped;
pub mod validate;

pub use decode::DecodeError;
pub use envelope::{EnvelopeBuilder, EventEnvelope, deterministic_event_id};
pub use event::{
    CleanupPolicy, Compatibility, Event, EventDescriptor, KeyFallback, KeySpec, SourceLocation,
    ThinEvent, TopicConfig,
};
pub use headers::{HeaderCheck, HeaderError, StandardHeaders};
pub use key::{KeyPart, PartitionKey};
pub use registry::{Catalogue, CataloguePayload, UnknownEvent};
pub use time::Timestamp;
pub use trace::TraceParent;
pub use untyped::Untyped;
pub use validate::{ValidationError, Violation};

/// The outbox test vectors of docs/OUTBOX.md as JSON (`runtime/vectors/outbox.json`): key →
/// shard, envelope → payload and headers, as this crate writes them, for checking writers in other
/// languages against it (checked against the runtime by `tests/outbox_vectors.rs`).
pub const OUTBOX_TEST_VECTORS: &str = include_str!("../vectors/outbox.json");

/// Derives [`Event`](trait@Event); see the crate docs for the attributes.
pub use tidings_macros::Event;
/// Derives [`KeyPart`](trait@KeyPart) for a newtype over a key type.
pub use tidings_macros::KeyPart;
/// Declares a catalogue enum; see [`registry`].
pub use tidings_macros::catalogue;

/// The schemars tidings derives schemas with (1.x). Contracts derive `JsonSchema` from a direct
/// `schemars = "1"` dependency (features `derive` and, for `Uuid` fields, `uuid1`), or from this
/// one with `#[schemars(crate = "tidings::schemars")]`.
pub use schemars;

#[doc(hidden)]
pub mod __private {
    pub use schemars;
    pub use serde;
    pub use serde_json;
}
