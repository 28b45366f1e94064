//! Rust-side enforcement of a contract's constraints: a value is checked against the event's own
//! JSON Schema, so nothing the schema forbids (a score of 1.5, a grade `Z`, a rank of 0) can be
//! published, and the error names the field and the rule.
//!
//! Each event type's validator is compiled once and cached for the life of the process. Formats
//! (`email`, `uuid`, `date-time`) are asserted, as pydantic does for `EmailStr`, `UUID` and
//! `datetime`.
//!
//! Serialized payloads are validated in place ([`validate_json`]): the bytes are read into a flat
//! tape whose strings point into them, which costs a fraction of building a `serde_json::Value`.

mod finite;
mod tape;

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, OnceLock, RwLock};

use jsonschema::json::{Json, SerdeJson};
use serde_json::Value;

use crate::event::Event;
#[cfg(feature = "postgres")]
pub(crate) use tape::{Recorded, SerializeError, to_vec_recorded};
use tape::{Tape, TapeJson};

/// One broken constraint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// JSON pointer to the offending value inside the payload, e.g. `/essay_results/0/rank`.
    pub path: String,
    /// The schema keyword that failed, e.g. `exclusiveMinimum`, `pattern`, `required`.
    pub rule: String,
    /// What the validator says, with the offending value replaced by `value` (it may be
    /// personal data).
    pub message: String,
    /// For a cross-field rule ([`crate::rules`]), its fields by wire name; `rule` is then the
    /// rule's name (`exactly_one_of`, …) and `path` the object's. Empty otherwise.
    pub fields: Vec<String>,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() {
            "/"
        } else {
            &self.path
        };
        write!(f, "{path}: {} ({})", self.message, self.rule)
    }
}

/// The deepest nesting of arrays and objects an event envelope may have (the envelope object
/// itself is level 1, its `data` level 2). serde_json, and so tidings' consumer, refuse to read
/// documents nested deeper than 128 levels; the outbox refuses events above this limit, so that
/// what it accepts, a consumer can read.
pub const MAX_NESTING: usize = 100;

/// A payload broke its contract.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ValidationError {
    /// The value does not satisfy the schema.
    #[error("{event} payload breaks its contract: {}", join(.violations))]
    Invalid {
        /// Dotted event name.
        event: &'static str,
        /// Every broken constraint.
        violations: Vec<Violation>,
    },
    /// The value could not be serialized to JSON at all.
    #[error("{event} payload cannot be serialized: {message}")]
    Serialize {
        /// Dotted event name.
        event: &'static str,
        /// serde_json's message.
        message: String,
    },
    /// A number in the value is NaN or infinite, which JSON cannot represent (RFC 8259 §6);
    /// serde_json would have written it as `null`.
    #[error(
        "{event} payload cannot be serialized: the number at {path} is {value}, which JSON cannot represent; send a finite number, or leave an optional field empty"
    )]
    NonFiniteNumber {
        /// Dotted event name.
        event: &'static str,
        /// JSON pointer to the number inside the payload, e.g. `/scores/2`.
        path: String,
        /// `NaN`, `infinity` or `-infinity`.
        value: &'static str,
    },
    /// The bytes given to [`validate_json`] are not one JSON document.
    #[error("{event} payload is not valid JSON: {message}; pass the serialized payload itself")]
    NotJson {
        /// Dotted event name.
        event: &'static str,
        /// The parser's message, with line and column.
        message: String,
    },
    /// The event's own schema does not compile; a bug in the contract, not in the value.
    #[error("the JSON Schema of {event} does not compile: {message}")]
    Schema {
        /// Dotted event name.
        event: &'static str,
        /// The compiler's message.
        message: String,
    },
}

impl ValidationError {
    /// The broken constraints, empty for the other kinds.
    pub fn violations(&self) -> &[Violation] {
        match self {
            Self::Invalid { violations, .. } => violations,
            _ => &[],
        }
    }
}

fn join(violations: &[Violation]) -> String {
    violations
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

type Cache = RwLock<HashMap<(TypeId, TypeId), Arc<dyn Any + Send + Sync>>>;

/// The compiled validator of `T`'s schema for instances in representation `F`.
fn validator<T: Event, F: Json>() -> Result<Arc<jsonschema::Validator<F>>, ValidationError> {
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let cache = CACHE.get_or_init(Cache::default);
    let key = (TypeId::of::<T>(), TypeId::of::<F>());
    let cached = cache.read().ok().and_then(|map| map.get(&key).cloned());
    if let Some(found) = cached.and_then(|any| any.downcast::<jsonschema::Validator<F>>().ok()) {
        return Ok(found);
    }
    let schema = (T::DESCRIPTOR.json_schema)();
    let compiled = jsonschema::options_for::<F>()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(&schema)
        .map_err(|err| ValidationError::Schema {
            event: T::NAME,
            message: err.to_string(),
        })?;
    let compiled = Arc::new(compiled);
    if let Ok(mut map) = cache.write() {
        map.entry(key).or_insert_with(|| compiled.clone());
    }
    Ok(compiled)
}

/// Runs `validator` on `instance`; on failure, collects every broken constraint.
fn check<'i, T: Event, F: Json>(
    validator: &'i jsonschema::Validator<F>,
    instance: F::Node<'i>,
) -> Result<(), ValidationError> {
    if validator.is_valid(instance.clone()) {
        return Ok(());
    }
    let mut violations = Vec::new();
    // Only on failure: the schema, to tell cross-field rules from the rest.
    let schema = (T::DESCRIPTOR.json_schema)();
    for error in validator.iter_errors(instance) {
        flatten(&error, &schema, &mut violations);
    }
    Err(ValidationError::Invalid {
        event: T::NAME,
        violations,
    })
}

/// Checks an already built JSON value of a payload of event `T`.
pub fn validate_value<T: Event>(value: &Value) -> Result<(), ValidationError> {
    check::<T, SerdeJson>(&*validator::<T, SerdeJson>()?, value)
}

/// Checks a serialized payload of event `T`, reading the bytes in place.
pub fn validate_json<T: Event>(payload: &[u8]) -> Result<(), ValidationError> {
    let tape = Tape::parse(payload).map_err(|err| ValidationError::NotJson {
        event: T::NAME,
        message: err.to_string(),
    })?;
    check::<T, TapeJson>(&*validator::<T, TapeJson>()?, tape.root())
}

/// Checks the `data` member of an envelope of event `T` serialized by [`to_vec_recorded`].
#[cfg(feature = "postgres")]
pub(crate) fn validate_recorded_envelope<T: Event>(
    envelope: &[u8],
    recorded: Recorded,
) -> Result<(), ValidationError> {
    let not_json = |message: String| ValidationError::NotJson {
        event: T::NAME,
        message,
    };
    let tape = recorded
        .tape(envelope)
        .map_err(|err| not_json(err.to_string()))?;
    let data = tape
        .root()
        .member("data")
        .ok_or_else(|| not_json("the envelope has no `data` member".into()))?;
    check::<T, TapeJson>(&*validator::<T, TapeJson>()?, data)
}

/// Adds the violations of `error` to `out`. An `anyOf`/`oneOf` failure is replaced by the errors of
/// the one alternative that applies to the value, so `Option<Struct>` fields report the broken
/// field inside the struct rather than "not valid under any of the schemas". Alternatives whose
/// only complaint is the value's type (the `null` branch of an optional field) do not apply.
fn flatten(error: &jsonschema::ValidationError<'_>, schema: &Value, out: &mut Vec<Violation>) {
    use jsonschema::error::ValidationErrorKind;

    if let Some(rule) = rule_at(schema, &error.schema_path().to_string()) {
        let path = error.instance_path().to_string();
        let rule_name = rule.kind.as_str();
        let seen = out
            .iter()
            .any(|v| v.path == path && v.rule == rule_name && v.fields == rule.fields);
        if !seen {
            out.push(Violation {
                path,
                rule: rule_name.to_owned(),
                message: rule.describe(),
                fields: rule.fields,
            });
        }
        return;
    }

    let branches = match error.kind() {
        ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context } => {
            Some(context)
        }
        _ => None,
    };
    if let Some(branches) = branches {
        let at = error.instance_path().to_string();
        let type_mismatch_only = |errors: &Vec<jsonschema::ValidationError<'static>>| {
            errors.len() == 1
                && matches!(errors[0].kind(), ValidationErrorKind::Type { .. })
                && errors[0].instance_path().to_string() == at
        };
        let applicable: Vec<_> = branches
            .iter()
            .filter(|errors| !type_mismatch_only(errors))
            .collect();
        if let [only] = applicable.as_slice() {
            for inner in only.iter() {
                flatten(inner, schema, out);
            }
            return;
        }
    }
    out.push(Violation {
        path: error.instance_path().to_string(),
        rule: error.kind().keyword().to_owned(),
        // Without the value itself: payloads carry personal data, and this message reaches logs,
        // errors and dead-letter headers.
        message: error.masked().to_string(),
        fields: Vec::new(),
    });
}

/// The cross-field rule the keyword at `location` (a JSON pointer into `schema`, through `$ref`s)
/// belongs to, if any.
fn rule_at(schema: &Value, location: &str) -> Option<crate::rules::Rule> {
    let mut node = schema;
    for segment in location.split('/').skip(1) {
        let segment = segment.replace("~1", "/").replace("~0", "~");
        node = if segment == "$ref" {
            let target = node.get("$ref")?.as_str()?.strip_prefix('#')?;
            schema.pointer(target)?
        } else {
            match node {
                Value::Object(map) => map.get(&segment)?,
                Value::Array(items) => items.get(segment.parse::<usize>().ok()?)?,
                _ => return None,
            }
        };
        if let Some(rule) = crate::rules::Rule::from_json_schema(node) {
            return Some(rule);
        }
    }
    None
}

/// Checks a payload of event `T`.
pub fn validate<T: Event>(event: &T) -> Result<(), ValidationError> {
    to_vec_validated(event).map(drop)
}

/// Serializes a payload of event `T` to JSON, as `serde_json::to_vec` does, and checks it on the
/// way: the validator reads a tape recorded while the bytes were written, so the check costs a
/// fraction of reading them back.
pub fn to_vec_validated<T: Event>(event: &T) -> Result<Vec<u8>, ValidationError> {
    let serialize = |message: String| ValidationError::Serialize {
        event: T::NAME,
        message,
    };
    let (bytes, recorded) = tape::to_vec_recorded(event).map_err(|err| match err {
        tape::SerializeError::Json(err) => serialize(err.to_string()),
        tape::SerializeError::NonFinite { kind, path } => ValidationError::NonFiniteNumber {
            event: T::NAME,
            path,
            value: kind.as_str(),
        },
    })?;
    let tape = recorded
        .tape(&bytes)
        .map_err(|err| serialize(err.to_string()))?;
    check::<T, TapeJson>(&*validator::<T, TapeJson>()?, tape.root())?;
    Ok(bytes)
}
