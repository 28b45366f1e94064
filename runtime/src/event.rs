//! The [`Event`] trait: what a contract knows about itself.
//!
//! `#[derive(Event)]` implements it; see the crate docs for the attribute syntax. Everything about
//! an event that other tools need (code generators, the compatibility checker, the outbox, the
//! relay) is in its [`EventDescriptor`], a `const`, so it can be read without a value in hand.

use std::fmt;
use std::str::FromStr;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::key::PartitionKey;
use crate::schema::SchemaError;

/// A typed event contract: a payload type bound to a name, a topic, a version and a key.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an event contract",
    label = "not an event: it lacks `#[derive(Event)]`",
    note = "derive it on the payload: `#[derive(Serialize, Deserialize, JsonSchema, Event)]` with `#[event(name = \"…\", topic = \"….v1\", version = 1, key = field)]`"
)]
pub trait Event:
    Serialize + DeserializeOwned + schemars::JsonSchema + Send + Sync + 'static
{
    /// Everything the contract declares.
    const DESCRIPTOR: EventDescriptor;

    /// The dotted event name, e.g. `assessment.result.published`.
    const NAME: &'static str = Self::DESCRIPTOR.name;

    /// The Kafka topic, e.g. `huleedu.assessment.result.published.v1`.
    const TOPIC: &'static str = Self::DESCRIPTOR.topic;

    /// The major version of the payload schema; the topic ends in `.v{VERSION}`.
    const VERSION: u32 = Self::DESCRIPTOR.version;

    /// The partition key of this value, resolved as the contract declares.
    fn partition_key(&self) -> PartitionKey<'_>;

    /// Checks this value against the contract's constraints (ranges, patterns, lengths, enums).
    fn validate(&self) -> Result<(), crate::validate::ValidationError> {
        crate::validate::validate(self)
    }
}

/// The thin half of a thin/rich pair: a small state event for orchestrators whose business data
/// travels in a separate rich event for aggregators. Declared with `#[event(rich = RichType)]`.
pub trait ThinEvent: Event {
    /// The rich event published alongside this one.
    type Rich: Event;
}

/// What a contract declares, as data.
#[derive(Clone, Copy)]
pub struct EventDescriptor {
    /// Dotted event name.
    pub name: &'static str,
    /// Kafka topic.
    pub topic: &'static str,
    /// Major schema version, equal to the topic's `.vN` suffix.
    pub version: u32,
    /// Rust type name of the payload.
    pub type_name: &'static str,
    /// The payload type's doc comment, or `""`.
    pub description: &'static str,
    /// How the partition key is resolved.
    pub key: KeySpec,
    /// Schema evolution rule checked for this event.
    pub compatibility: Compatibility,
    /// Topic-level settings (cleanup policy, retention) that differ from the deployment's defaults.
    pub topic_config: TopicConfig,
    /// Avro namespace of the payload's named types.
    pub avro_namespace: &'static str,
    /// For the thin half of a thin/rich pair, the name of the rich event.
    pub rich_counterpart: Option<&'static str>,
    /// Where the contract is defined.
    pub source: SourceLocation,
    /// The payload's JSON Schema (2020-12).
    pub json_schema: fn() -> serde_json::Value,
    /// The payload's Avro schema, derived from the JSON Schema.
    pub avro_schema: fn() -> Result<serde_json::Value, SchemaError>,
}

impl fmt::Debug for EventDescriptor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventDescriptor")
            .field("name", &self.name)
            .field("topic", &self.topic)
            .field("version", &self.version)
            .field("type_name", &self.type_name)
            .field("key", &self.key)
            .field("compatibility", &self.compatibility)
            .field("topic_config", &self.topic_config)
            .field("rich_counterpart", &self.rich_counterpart)
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

/// Where a contract is defined: the file as the compiler saw it and the line of the type's name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct SourceLocation {
    /// Path of the source file, relative to the crate that defines the contract.
    pub file: &'static str,
    /// 1-based line.
    pub line: u32,
}

/// How an event's partition key is found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeySpec {
    /// A field, or a dotted path through nested fields.
    Field {
        /// e.g. `cj_assessment_job_id` or `system_metadata.entity_id`.
        path: &'static str,
        /// Used when the field is an `Option` that is `None`.
        fallback: Option<KeyFallback>,
    },
    /// A function `fn(&Payload) -> impl Into<PartitionKey>`.
    Function {
        /// The function's path as written in the contract.
        path: &'static str,
    },
}

/// The fallback of an optional key field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyFallback {
    /// Another field (or dotted path).
    Field(&'static str),
    /// A fixed string.
    Literal(&'static str),
}

impl fmt::Display for KeySpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Field {
                path,
                fallback: None,
            } => f.write_str(path),
            Self::Field {
                path,
                fallback: Some(KeyFallback::Field(other)),
            } => {
                write!(f, "{path} ?? {other}")
            }
            Self::Field {
                path,
                fallback: Some(KeyFallback::Literal(text)),
            } => {
                write!(f, "{path} ?? {text:?}")
            }
            Self::Function { path } => write!(f, "{path}(&event)"),
        }
    }
}

/// Schema compatibility modes, as Confluent Schema Registry names them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Compatibility {
    /// No check.
    None,
    /// New readers can read data written with the previous schema.
    #[default]
    Backward,
    /// New readers can read data written with every earlier schema.
    BackwardTransitive,
    /// Previous readers can read data written with the new schema.
    Forward,
    /// Every earlier reader can read data written with the new schema.
    ForwardTransitive,
    /// Backward and forward against the previous schema.
    Full,
    /// Backward and forward against every earlier schema.
    FullTransitive,
}

impl Compatibility {
    /// Every mode, in the order Confluent documents them.
    pub const ALL: [Self; 7] = [
        Self::None,
        Self::Backward,
        Self::BackwardTransitive,
        Self::Forward,
        Self::ForwardTransitive,
        Self::Full,
        Self::FullTransitive,
    ];

    /// The mode's name in lower snake case, as written in `#[event(compatibility = "…")]`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Backward => "backward",
            Self::BackwardTransitive => "backward_transitive",
            Self::Forward => "forward",
            Self::ForwardTransitive => "forward_transitive",
            Self::Full => "full",
            Self::FullTransitive => "full_transitive",
        }
    }

    /// Whether the new schema must read data written with older ones.
    pub const fn checks_backward(self) -> bool {
        matches!(
            self,
            Self::Backward | Self::BackwardTransitive | Self::Full | Self::FullTransitive
        )
    }

    /// Whether older schemas must read data written with the new one.
    pub const fn checks_forward(self) -> bool {
        matches!(
            self,
            Self::Forward | Self::ForwardTransitive | Self::Full | Self::FullTransitive
        )
    }

    /// Whether the check runs against every kept version rather than only the latest.
    pub const fn is_transitive(self) -> bool {
        matches!(
            self,
            Self::BackwardTransitive | Self::ForwardTransitive | Self::FullTransitive
        )
    }
}

impl fmt::Display for Compatibility {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An unknown compatibility mode name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown compatibility mode `{0}`; expected one of none, backward, backward_transitive, forward, forward_transitive, full, full_transitive"
)]
pub struct UnknownCompatibility(pub String);

impl FromStr for Compatibility {
    type Err = UnknownCompatibility;

    /// Accepts `backward`, `BACKWARD`, `backward-transitive` and the like.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase().replace('-', "_");
        Self::ALL
            .into_iter()
            .find(|mode| mode.as_str() == wanted)
            .ok_or_else(|| UnknownCompatibility(s.to_owned()))
    }
}

/// Topic-level configuration declared by a contract. `None` leaves the deployment's default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TopicConfig {
    /// `cleanup.policy`.
    pub cleanup_policy: Option<CleanupPolicy>,
    /// `retention.ms`.
    pub retention_ms: Option<u64>,
    /// Partition count, when the contract declares one (`#[event(partitions = 6)]`); otherwise
    /// the deployment's default (`cargo xtask topics --partitions`).
    pub partitions: Option<u32>,
    /// Replication factor, when the contract declares one; otherwise the deployment's default.
    pub replication_factor: Option<u32>,
}

/// Kafka's `cleanup.policy`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum CleanupPolicy {
    /// `delete`: segments are removed after the retention period.
    #[serde(rename = "delete")]
    Delete,
    /// `compact`: only the latest record per key is kept.
    #[serde(rename = "compact")]
    Compact,
    /// `compact,delete`: compacted, and removed after the retention period.
    #[serde(rename = "compact,delete")]
    CompactDelete,
}

impl CleanupPolicy {
    /// The value as Kafka writes it.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Delete => "delete",
            Self::Compact => "compact",
            Self::CompactDelete => "compact,delete",
        }
    }
}

impl fmt::Display for CleanupPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compatibility_names_parse_in_any_common_spelling() {
        for mode in Compatibility::ALL {
            assert_eq!(mode.as_str().parse::<Compatibility>(), Ok(mode));
            let shouty = serde_json::to_value(mode).unwrap();
            assert_eq!(shouty.as_str().unwrap().parse::<Compatibility>(), Ok(mode));
        }
        assert_eq!("full-transitive".parse(), Ok(Compatibility::FullTransitive));
        assert!("sideways".parse::<Compatibility>().is_err());
    }

    #[test]
    fn mode_directions() {
        assert!(Compatibility::Full.checks_backward() && Compatibility::Full.checks_forward());
        assert!(!Compatibility::None.checks_backward() && !Compatibility::None.checks_forward());
        assert!(Compatibility::ForwardTransitive.is_transitive());
        assert!(!Compatibility::Backward.is_transitive());
    }

    #[test]
    fn key_specs_display_as_written() {
        let spec = KeySpec::Field {
            path: "system_metadata.entity_id",
            fallback: Some(KeyFallback::Literal("unknown")),
        };
        assert_eq!(spec.to_string(), "system_metadata.entity_id ?? \"unknown\"");
        assert_eq!(
            KeySpec::Function { path: "keys::of" }.to_string(),
            "keys::of(&event)"
        );
    }
}
