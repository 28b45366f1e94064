//! UTC timestamps as the Python services write them.
//!
//! Pydantic dumps an aware UTC `datetime` as `2025-03-14T09:30:00.123456Z`: microsecond precision,
//! the fraction omitted when it is zero, and a `Z` suffix. [`Timestamp`] serializes exactly like
//! that, so a value read from a Python producer serializes back to the same string.
//!
//! On input it accepts what HuleEdu producers actually send: RFC 3339 with `Z` or any offset
//! (converted to UTC), and *naive* timestamps with no offset at all (several producers use
//! `utcnow()`), which are taken as UTC. Fractions finer than a microsecond are truncated. Those two
//! normalisations (offset → `Z`, precision → µs) are the only ones, and they are applied everywhere
//! a timestamp is read: payloads, envelopes and headers.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, NaiveDateTime, SubsecRound, Timelike, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An instant in UTC with microsecond precision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(DateTime<Utc>);

/// A string that is not an ISO 8601 / RFC 3339 date-time.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not an ISO 8601 date-time; expected e.g. `2025-03-14T09:30:00.123456Z`")]
pub struct TimestampParseError {
    input: String,
}

impl Timestamp {
    /// The current instant, truncated to microseconds.
    pub fn now() -> Self {
        Self::from_datetime(Utc::now())
    }

    /// Wraps a chrono value, truncating it to microseconds.
    pub fn from_datetime(value: DateTime<Utc>) -> Self {
        Self(value.trunc_subsecs(6))
    }

    /// The instant as a chrono value.
    pub fn as_datetime(&self) -> DateTime<Utc> {
        self.0
    }

    /// Microseconds since the Unix epoch, the unit of Avro's `timestamp-micros`.
    pub fn timestamp_micros(&self) -> i64 {
        self.0.timestamp_micros()
    }

    /// The instant `micros` microseconds after the Unix epoch, if it is representable.
    pub fn from_timestamp_micros(micros: i64) -> Option<Self> {
        DateTime::from_timestamp_micros(micros).map(Self)
    }
}

impl From<DateTime<Utc>> for Timestamp {
    fn from(value: DateTime<Utc>) -> Self {
        Self::from_datetime(value)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let micros = self.0.timestamp_subsec_micros();
        let (date, time) = (self.0.date_naive(), self.0.time());
        if (0..=9999).contains(&date.year()) && time.nanosecond() < 1_000_000_000 {
            // Written field by field: chrono's `format` parses its pattern on every call, and
            // every envelope and header set writes timestamps.
            write!(
                f,
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
                date.year(),
                date.month(),
                date.day(),
                time.hour(),
                time.minute(),
                time.second()
            )?;
        } else {
            write!(f, "{}", self.0.format("%Y-%m-%dT%H:%M:%S"))?;
        }
        if micros != 0 {
            write!(f, ".{micros:06}")?;
        }
        f.write_str("Z")
    }
}

impl FromStr for Timestamp {
    type Err = TimestampParseError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        if let Ok(aware) = DateTime::parse_from_rfc3339(input) {
            return Ok(Self::from_datetime(aware.with_timezone(&Utc)));
        }
        // Python's isoformat() separator is `T`; a space is what `str(datetime)` writes.
        for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"] {
            if let Ok(naive) = NaiveDateTime::parse_from_str(input, format) {
                return Ok(Self::from_datetime(naive.and_utc()));
            }
        }
        Err(TimestampParseError {
            input: input.to_owned(),
        })
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl schemars::JsonSchema for Timestamp {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Timestamp".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string", "format": "date-time" })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_format_round_trips() {
        for text in [
            "2025-03-14T09:48:34.471337Z",
            "2025-03-14T09:30:00Z",
            "2025-03-14T09:30:00.050000Z",
        ] {
            let ts: Timestamp = text.parse().unwrap();
            assert_eq!(ts.to_string(), text);
        }
    }

    #[test]
    fn offsets_and_naive_inputs_normalise_to_utc() {
        let cases = [
            ("2025-03-14T11:30:00+02:00", "2025-03-14T09:30:00Z"),
            ("2025-03-14T09:30:00.123456", "2025-03-14T09:30:00.123456Z"),
            ("2025-03-14 09:30:00", "2025-03-14T09:30:00Z"),
            (
                "2025-03-14T09:30:00.123456789Z",
                "2025-03-14T09:30:00.123456Z",
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(
                input.parse::<Timestamp>().unwrap().to_string(),
                expected,
                "{input}"
            );
        }
    }

    #[test]
    fn garbage_is_a_typed_error() {
        let err = "yesterday".parse::<Timestamp>().unwrap_err();
        // The message says what is expected, not what was given (values may be personal data).
        assert!(
            err.to_string().starts_with("not an ISO 8601 date-time"),
            "{err}"
        );
        assert!(!err.to_string().contains("yesterday"));
        assert!(serde_json::from_str::<Timestamp>("\"14/03/2025\"").is_err());
    }

    #[test]
    fn now_has_microsecond_precision() {
        let now = Timestamp::now();
        assert_eq!(now.as_datetime().timestamp_subsec_nanos() % 1_000, 0);
        assert_eq!(
            Timestamp::from_timestamp_micros(now.timestamp_micros()),
            Some(now)
        );
    }
}
