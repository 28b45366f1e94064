//! The compatibility engine: can a reader holding one schema read data written with another?
//!
//! Two schema languages, one report shape:
//!
//! - [`json`]: JSON Schema, modelled on Confluent Schema Registry's difference types (each change
//!   between two schemas is classified, e.g. `TYPE_NARROWED`, `MAX_LENGTH_DECREASED`,
//!   `PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL`), under the STRICT (default) or LENIENT policy.
//! - [`avro`]: Avro, per the specification's schema-resolution rules (promotions, reader
//!   defaults, enum defaults, unions, aliases, named types, fixed, logical types).
//!
//! [`check`] applies a [`Compatibility`] mode over a version history: BACKWARD asks whether the new
//! schema reads data written with the previous one, FORWARD whether the previous schema reads data
//! written with the new one, FULL both; the transitive modes ask it of every kept version.
//!
//! Each breaking [`Change`] carries a [`Witness`]: a JSON value (JSON Schema) or an Avro datum (in
//! Avro's JSON encoding) that the writer's schema admits and the reader cannot read, or the reason
//! there is none; and a [`Change::divergence`] line where the verdict is stricter or looser than
//! Confluent Schema Registry's or Apache Avro Java's.
//!
//! Everything here is pure: schemas come in as text, verdicts go out as values.

// Library code reports bad input as errors; it does not panic on it.
#![warn(clippy::unwrap_used, clippy::expect_used)]

pub mod avro;
pub mod json;
pub mod path;

use std::fmt;

pub use path::{SchemaPath, Segment};
pub use tidings::Compatibility;

/// The schema language of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SchemaFormat {
    /// JSON Schema (draft-07 and 2020-12 keywords).
    JsonSchema,
    /// Avro (`.avsc`).
    Avro,
}

impl SchemaFormat {
    /// The format a file name implies: `.avsc` is Avro, `.json` is JSON Schema.
    pub fn from_file_name(name: &str) -> Option<Self> {
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".avsc") {
            Some(Self::Avro)
        } else if lower.ends_with(".json") {
            Some(Self::JsonSchema)
        } else {
            None
        }
    }

    /// `json-schema` or `avro`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::JsonSchema => "json-schema",
            Self::Avro => "avro",
        }
    }
}

impl fmt::Display for SchemaFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How strictly JSON Schema content models are judged (Confluent's two policies). Avro ignores it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Policy {
    /// An open content model may hold any property, so adding a property to it, or closing it,
    /// can break a reader. Confluent's default.
    #[default]
    Strict,
    /// Writers are assumed to have written only declared properties, so adding an optional
    /// property to an open model, and narrowing or removing `additionalProperties`, are allowed.
    Lenient,
}

impl Policy {
    /// `strict` or `lenient`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Strict => "strict",
            Self::Lenient => "lenient",
        }
    }
}

impl std::str::FromStr for Policy {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "strict" => Ok(Self::Strict),
            "lenient" => Ok(Self::Lenient),
            other => Err(format!(
                "unknown policy `{other}`; expected strict or lenient"
            )),
        }
    }
}

/// Which way data flows in one comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Direction {
    /// The new schema reads data written with an old one.
    Backward,
    /// An old schema reads data written with the new one.
    Forward,
}

impl Direction {
    /// `BACKWARD` or `FORWARD`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Backward => "BACKWARD",
            Self::Forward => "FORWARD",
        }
    }
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One difference between a writer's and a reader's schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The rule, as an upper-case code: `TYPE_CHANGED`, `READER_FIELD_MISSING_DEFAULT_VALUE`, …
    pub rule: &'static str,
    /// Where, inside the schema.
    pub path: SchemaPath,
    /// What changed, for people: `integer → string`, `symbols removed: B`.
    pub detail: String,
    /// Whether a reader survives this change.
    pub compatible: bool,
    /// For a breaking change, the data that proves it (see [`Witness`]); `None` when compatible.
    pub witness: Option<Witness>,
    /// One line when this verdict is stricter or looser than Confluent Schema Registry's (JSON
    /// Schema) or Apache Avro Java's (Avro) for the same change.
    pub divergence: Option<&'static str>,
}

/// The proof of a breaking change.
///
/// - JSON Schema: a JSON value the writer's schema accepts and the reader's rejects.
/// - Avro: a datum of the writer's schema, in the specification's JSON encoding (a union value
///   other than `null` is an object keyed by its branch's type name, its full name for named
///   types; `bytes` and `fixed` are strings of code points 0–255; logical types are written as
///   their underlying type, a `uuid` as its text), that a reader holding the reader's schema
///   cannot decode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Witness {
    /// A value that shows the break.
    Value(serde_json::Value),
    /// Why the engine could not build one.
    Unavailable(String),
}

impl Witness {
    /// The value, when there is one.
    pub fn value(&self) -> Option<&serde_json::Value> {
        match self {
            Self::Value(value) => Some(value),
            Self::Unavailable(_) => None,
        }
    }

    /// One line for people: the value as compact JSON, or why there is none.
    pub fn describe(&self) -> String {
        match self {
            Self::Value(value) => format!("witness {value}"),
            Self::Unavailable(reason) => format!("no witness: {reason}"),
        }
    }

    /// The witness as JSON: `{"value": …}` or `{"unavailable": "…"}`.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Self::Value(value) => serde_json::json!({ "value": value }),
            Self::Unavailable(reason) => serde_json::json!({ "unavailable": reason }),
        }
    }
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.field_path(), self.rule)?;
        if !self.detail.is_empty() {
            write!(f, ": {}", self.detail)?;
        }
        Ok(())
    }
}

/// A schema that could not be read or is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CompatError {
    /// Not JSON at all.
    #[error("not valid JSON: {0}")]
    Syntax(String),
    /// JSON, but not a schema of the expected language.
    #[error("not a valid {format} schema: {message}")]
    Invalid {
        /// The expected language.
        format: SchemaFormat,
        /// What is wrong.
        message: String,
    },
    /// A `$ref` that does not resolve inside the document.
    #[error(
        "{path}: `$ref` `{reference}` does not resolve inside the document; only local references (`#/...`) are supported"
    )]
    UnresolvedRef {
        /// Where the reference sits.
        path: String,
        /// The reference.
        reference: String,
    },
    /// A keyword the engine cannot judge, so any verdict would be a guess.
    #[error("{path}: `{keyword}` is not supported by the compatibility engine; {hint}")]
    Unsupported {
        /// Where the keyword sits.
        path: String,
        /// The keyword.
        keyword: String,
        /// What to do instead.
        hint: &'static str,
    },
    /// The two schemas are in different languages.
    #[error(
        "cannot compare {old} with {new}; give two `.json` (JSON Schema) or two `.avsc` (Avro) files"
    )]
    MixedFormats {
        /// The old schema's language.
        old: SchemaFormat,
        /// The new schema's language.
        new: SchemaFormat,
    },
}

/// A parsed schema of either language.
#[derive(Debug, Clone)]
pub enum Schema {
    /// JSON Schema.
    Json(json::JsonSchema),
    /// Avro.
    Avro(avro::AvroSchema),
}

impl Schema {
    /// Parses `text` as a schema in `format`.
    pub fn parse(format: SchemaFormat, text: &str) -> Result<Self, CompatError> {
        match format {
            SchemaFormat::JsonSchema => json::JsonSchema::parse_str(text).map(Self::Json),
            SchemaFormat::Avro => avro::AvroSchema::parse_str(text).map(Self::Avro),
        }
    }

    /// The schema's language.
    pub fn format(&self) -> SchemaFormat {
        match self {
            Self::Json(_) => SchemaFormat::JsonSchema,
            Self::Avro(_) => SchemaFormat::Avro,
        }
    }
}

/// Every difference met when a reader holding `reader` reads data written with `writer`.
pub fn diff(writer: &Schema, reader: &Schema, policy: Policy) -> Result<Vec<Change>, CompatError> {
    match (writer, reader) {
        (Schema::Json(writer), Schema::Json(reader)) => Ok(json::diff(writer, reader, policy)),
        (Schema::Avro(writer), Schema::Avro(reader)) => Ok(avro::diff(writer, reader)),
        _ => Err(CompatError::MixedFormats {
            old: writer.format(),
            new: reader.format(),
        }),
    }
}

/// One comparison made for a mode: the new schema against one kept version, in one direction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparison {
    /// Which way data flows.
    pub direction: Direction,
    /// Index of the kept version in the history (0 = oldest).
    pub version: usize,
    /// Every difference, compatible or not.
    pub changes: Vec<Change>,
}

/// The verdict of a mode over a history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The mode applied.
    pub mode: Compatibility,
    /// Each comparison made.
    pub comparisons: Vec<Comparison>,
}

impl Report {
    /// Whether every comparison passed.
    pub fn is_compatible(&self) -> bool {
        self.incompatibilities().next().is_none()
    }

    /// The breaking changes, with the comparison each came from.
    pub fn incompatibilities(&self) -> impl Iterator<Item = (&Comparison, &Change)> {
        self.comparisons.iter().flat_map(|comparison| {
            comparison
                .changes
                .iter()
                .filter(|change| !change.compatible)
                .map(move |change| (comparison, change))
        })
    }
}

/// Applies `mode` to `new` against `history` (oldest first; the last entry is the previous
/// version). Non-transitive modes compare with the previous version only.
pub fn check(
    mode: Compatibility,
    policy: Policy,
    history: &[Schema],
    new: &Schema,
) -> Result<Report, CompatError> {
    let mut comparisons = Vec::new();
    let first = if mode.is_transitive() {
        0
    } else {
        history.len().saturating_sub(1)
    };
    for (version, old) in history.iter().enumerate().skip(first) {
        if mode.checks_backward() {
            comparisons.push(Comparison {
                direction: Direction::Backward,
                version,
                changes: diff(old, new, policy)?,
            });
        }
        if mode.checks_forward() {
            comparisons.push(Comparison {
                direction: Direction::Forward,
                version,
                changes: diff(new, old, policy)?,
            });
        }
    }
    Ok(Report { mode, comparisons })
}

impl Change {
    /// The lines that back the verdict: the witness of a breaking change, and how the verdict
    /// differs from Confluent's or Apache Avro Java's, when it does.
    pub fn explanation(&self) -> Vec<String> {
        let mut lines = Vec::new();
        if let Some(witness) = &self.witness {
            lines.push(witness.describe());
        }
        if let Some(divergence) = self.divergence {
            lines.push(divergence.to_owned());
        }
        lines
    }

    /// The change as JSON, for `--format json`.
    pub fn to_json(&self, format: SchemaFormat) -> serde_json::Value {
        let mut object = serde_json::Map::new();
        object.insert("rule".into(), self.rule.into());
        object.insert("field".into(), self.path.field_path().into());
        if format == SchemaFormat::JsonSchema {
            object.insert("pointer".into(), self.path.pointer().into());
        }
        object.insert("detail".into(), self.detail.clone().into());
        object.insert("compatible".into(), self.compatible.into());
        if let Some(witness) = &self.witness {
            object.insert("witness".into(), witness.to_json());
        }
        if let Some(divergence) = self.divergence {
            object.insert("divergence".into(), divergence.into());
        }
        serde_json::Value::Object(object)
    }
}

impl Report {
    /// A people-readable report: the verdict, then one line per change, breaking ones first.
    pub fn to_text(&self, format: SchemaFormat) -> String {
        let breaking = self.incompatibilities().count();
        let total: usize = self.comparisons.iter().map(|c| c.changes.len()).sum();
        let mode = self.mode.as_str().to_ascii_uppercase();
        let mut out = if self.comparisons.is_empty() {
            format!("compatible under {mode}: nothing to check\n")
        } else if breaking == 0 {
            format!("compatible under {mode} ({total} change(s), none breaking)\n")
        } else {
            format!("incompatible under {mode}: {breaking} breaking change(s) of {total}\n")
        };
        let multiple_versions = self
            .comparisons
            .iter()
            .map(|c| c.version)
            .collect::<std::collections::BTreeSet<_>>()
            .len()
            > 1;
        for wanted in [false, true] {
            for comparison in &self.comparisons {
                for change in comparison.changes.iter().filter(|c| c.compatible == wanted) {
                    let verdict = if change.compatible { "ok" } else { "BREAKING" };
                    let against = if multiple_versions {
                        format!(" v{}", comparison.version + 1)
                    } else {
                        String::new()
                    };
                    let detail = if change.detail.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", change.detail)
                    };
                    let pointer = if format == SchemaFormat::JsonSchema {
                        format!(" ({})", change.path.pointer())
                    } else {
                        String::new()
                    };
                    out.push_str(&format!(
                        "  {verdict:<8} {}{against} {} {}{detail}{pointer}\n",
                        comparison.direction,
                        change.path.field_path(),
                        change.rule,
                    ));
                    for line in change.explanation() {
                        out.push_str(&format!("           {line}\n"));
                    }
                }
            }
        }
        out
    }

    /// The report as JSON, for `--format json`.
    pub fn to_json(&self, format: SchemaFormat) -> serde_json::Value {
        let comparisons: Vec<serde_json::Value> = self
            .comparisons
            .iter()
            .map(|comparison| {
                serde_json::json!({
                    "direction": comparison.direction.as_str(),
                    "version": comparison.version + 1,
                    "changes": comparison
                        .changes
                        .iter()
                        .map(|change| change.to_json(format))
                        .collect::<Vec<_>>(),
                })
            })
            .collect();
        serde_json::json!({
            "compatible": self.is_compatible(),
            "mode": self.mode.as_str().to_ascii_uppercase(),
            "format": format.as_str(),
            "comparisons": comparisons,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(text: &str) -> Schema {
        Schema::parse(SchemaFormat::JsonSchema, text).unwrap()
    }

    #[test]
    fn modes_pick_directions_and_versions() {
        let v1 = json(
            r#"{"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":false}"#,
        );
        let v2 = json(
            r#"{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}},"additionalProperties":false}"#,
        );
        let v3 = json(
            r#"{"type":"object","properties":{"b":{"type":"string"}},"additionalProperties":false}"#,
        );
        let history = [v1, v2];

        // v2 → v3 removes `a` from a closed model: new readers reject old data.
        let backward = check(Compatibility::Backward, Policy::Strict, &history, &v3).unwrap();
        assert!(!backward.is_compatible());
        assert_eq!(backward.comparisons.len(), 1);
        assert_eq!(backward.comparisons[0].version, 1);

        // Old readers of v2 accept v3 data (no `a`, `b` declared): forward holds.
        let forward = check(Compatibility::Forward, Policy::Strict, &history, &v3).unwrap();
        assert!(forward.is_compatible(), "{forward:?}");
        // v1 is closed and lacks `b`: v1 readers reject v3 data.
        let transitive = check(
            Compatibility::ForwardTransitive,
            Policy::Strict,
            &history,
            &v3,
        )
        .unwrap();
        assert!(!transitive.is_compatible());
        assert_eq!(transitive.comparisons.len(), 2);
        assert_eq!(
            transitive
                .incompatibilities()
                .next()
                .map(|(c, _)| c.version),
            Some(0)
        );

        let full = check(Compatibility::Full, Policy::Strict, &history, &v3).unwrap();
        assert_eq!(full.comparisons.len(), 2);
        assert!(!full.is_compatible());
        let none = check(Compatibility::None, Policy::Strict, &history, &v3).unwrap();
        assert!(none.comparisons.is_empty() && none.is_compatible());
    }

    #[test]
    fn formats_do_not_mix() {
        let avro = Schema::parse(SchemaFormat::Avro, r#""string""#).unwrap();
        let err = diff(&json("{}"), &avro, Policy::Strict).unwrap_err();
        assert!(matches!(err, CompatError::MixedFormats { .. }));
        assert_eq!(
            SchemaFormat::from_file_name("a/b.AVSC"),
            Some(SchemaFormat::Avro)
        );
        assert_eq!(SchemaFormat::from_file_name("x.yaml"), None);
    }
}
