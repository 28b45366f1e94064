//! `check-schemas`: what the current contracts change, judged against a baseline (generated/ as
//! released), as findings with the Rust location of each.
//!
//! Pure: the caller supplies the model, the freshly generated files, the baseline's files, the
//! drift between the contracts and the working tree, and the source index.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt;

use serde_json::Value;

use crate::compat::{self, Change, Comparison, Policy, Schema, SchemaFormat, Witness};
use crate::emit;
use crate::history::History;
use crate::model::{CatalogModel, EventModel};
use crate::source::{Location, SourceIndex};
use crate::sync::{StaleFile, Staleness};

/// How much a finding matters. Errors and warnings fail the check; notices inform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// A change that breaks consumers, or an inconsistent tree.
    Error,
    /// A change that needs a decision.
    Warning,
    /// Something to know, already accepted by the contracts (a documented untyped field).
    Notice,
}

impl Severity {
    /// `error`, `warning` or `notice`, as GitHub annotations spell them.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warning => "warning",
            Self::Notice => "notice",
        }
    }
}

/// One thing `check-schemas` reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// How much it matters.
    pub severity: Severity,
    /// Upper-case code: `TYPE_CHANGED`, `EVENT_REMOVED`, `DRIFT`, `UNTYPED_FIELD`, …
    pub code: String,
    /// The Rust source that declares what the finding is about, when known.
    pub location: Option<Location>,
    /// What the finding is about: `AssessmentResultV1 essay_results[].rank`, a topic, a file.
    pub subject: String,
    /// What is wrong.
    pub message: String,
    /// For compatibility findings: the direction and the schema language, e.g. `BACKWARD`.
    pub context: Vec<String>,
    /// For a breaking compatibility finding: the data that proves it, or why there is none.
    pub witness: Option<Witness>,
    /// For a compatibility finding: how the verdict departs from Confluent Schema Registry's or
    /// Apache Avro Java's, when it does.
    pub divergence: Option<&'static str>,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(location) = &self.location {
            write!(f, "{location}: ")?;
        }
        write!(f, "{}: {} ({}", self.subject, self.message, self.code)?;
        for part in &self.context {
            write!(f, ", {part}")?;
        }
        f.write_str(")")?;
        for line in self.explanation() {
            write!(f, "\n    {line}")?;
        }
        Ok(())
    }
}

impl Finding {
    /// A GitHub Actions workflow command: `::error file=…,line=…,title=…::…`.
    pub fn github(&self) -> String {
        let mut properties = Vec::new();
        if let Some(location) = &self.location {
            properties.push(format!("file={}", location.file));
            properties.push(format!("line={}", location.line));
        }
        properties.push(format!("title={}", self.code));
        let mut message = format!("{}: {}", self.subject, self.message);
        for line in self.explanation() {
            message.push('\n');
            message.push_str(&line);
        }
        let message = message
            .replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A");
        format!(
            "::{} {}::{}",
            self.severity.as_str(),
            properties.join(","),
            message
        )
    }

    /// The finding as JSON.
    pub fn to_json(&self) -> Value {
        serde_json::json!({
            "severity": self.severity.as_str(),
            "code": self.code,
            "file": self.location.as_ref().map(|l| l.file.clone()),
            "line": self.location.as_ref().map(|l| l.line),
            "subject": self.subject,
            "message": self.message,
            "context": self.context,
            "witness": self.witness.as_ref().map(Witness::to_json),
            "divergence": self.divergence,
        })
    }

    /// The witness and the divergence from Confluent's or Java's verdict, one line each.
    pub fn explanation(&self) -> Vec<String> {
        self.witness
            .iter()
            .map(Witness::describe)
            .chain(self.divergence.map(str::to_owned))
            .collect()
    }
}

/// The released state to compare with: the files of an output directory (relative paths).
#[derive(Debug, Clone, Default)]
pub struct Baseline {
    /// `(relative path, contents)`.
    pub files: BTreeMap<String, String>,
}

/// The baseline is unusable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BaselineError {
    /// No `catalog.json`.
    #[error("the baseline has no catalog.json; point --baseline at a generated/ directory")]
    NoCatalog,
    /// `catalog.json` is not what `gen` writes.
    #[error("the baseline's catalog.json is not a tidings catalogue: {0}")]
    BadCatalog(String),
    /// The history does not read.
    #[error("the baseline's history: {0}")]
    History(#[from] crate::history::HistoryError),
    /// A baseline schema does not load.
    #[error("the baseline's {path}: {message}")]
    Schema {
        /// The file.
        path: String,
        /// What is wrong.
        message: String,
    },
}

#[derive(Debug, Clone)]
struct BaselineEvent {
    member: String,
    topic: String,
    version: u64,
    payload: String,
    key: String,
    location: Option<Location>,
}

impl Baseline {
    fn events(&self) -> Result<Vec<BaselineEvent>, BaselineError> {
        let text = self
            .files
            .get("catalog.json")
            .ok_or(BaselineError::NoCatalog)?;
        let catalog: Value =
            serde_json::from_str(text).map_err(|err| BaselineError::BadCatalog(err.to_string()))?;
        let events = catalog["events"]
            .as_array()
            .ok_or_else(|| BaselineError::BadCatalog("no `events` array".into()))?;
        events
            .iter()
            .map(|event| {
                let text = |key: &str| {
                    event[key].as_str().map(str::to_owned).ok_or_else(|| {
                        BaselineError::BadCatalog(format!("an event without `{key}`"))
                    })
                };
                Ok(BaselineEvent {
                    member: text("member")?,
                    topic: text("topic")?,
                    version: event["version"].as_u64().unwrap_or(1),
                    payload: text("payload")?,
                    key: text("key")?,
                    location: event["source"]["file"].as_str().map(|file| Location {
                        file: file.to_owned(),
                        line: event["source"]["line"]
                            .as_u64()
                            .and_then(|l| u32::try_from(l).ok())
                            .unwrap_or(0),
                    }),
                })
            })
            .collect()
    }

    fn history(&self) -> Result<History, BaselineError> {
        Ok(History::from_files(
            self.files.iter().map(|(p, c)| (p.as_str(), c.as_str())),
        )?)
    }

    /// The kept versions of `topic` in `format`, oldest first: the history when the baseline has
    /// one, else its current schema file.
    fn versions(
        &self,
        history: &History,
        topic: &str,
        format: SchemaFormat,
    ) -> Result<Vec<Schema>, BaselineError> {
        let revisions = history.revisions(topic);
        let texts: Vec<(String, &str)> = if revisions.is_empty() {
            let path = match format {
                SchemaFormat::JsonSchema => emit::json_schema::path(topic),
                SchemaFormat::Avro => emit::avro::path(topic),
            };
            self.files
                .get(&path)
                .map(|text| vec![(path.clone(), text.as_str())])
                .unwrap_or_default()
        } else {
            revisions
                .iter()
                .map(|r| match format {
                    SchemaFormat::JsonSchema => (
                        crate::history::revision_path(topic, r.number, "json"),
                        r.json.as_str(),
                    ),
                    SchemaFormat::Avro => (
                        crate::history::revision_path(topic, r.number, "avsc"),
                        r.avro.as_str(),
                    ),
                })
                .collect()
        };
        texts
            .into_iter()
            .map(|(path, text)| {
                Schema::parse(format, text).map_err(|err| BaselineError::Schema {
                    path,
                    message: err.to_string(),
                })
            })
            .collect()
    }
}

/// Everything `check-schemas` looks at.
#[derive(Debug)]
pub struct CheckInput<'a> {
    /// The current contracts.
    pub model: &'a CatalogModel,
    /// The baseline (released) output directory.
    pub baseline: &'a Baseline,
    /// Files of the working tree's generated/ that differ from what the contracts generate.
    pub drift: &'a [StaleFile],
    /// Where contract types and fields are declared.
    pub sources: &'a SourceIndex,
    /// JSON Schema content-model policy.
    pub policy: Policy,
    /// Breaking changes the project has reviewed and accepted.
    pub accepted: &'a [AcceptedBreak],
}

/// A breaking change reviewed and accepted: the incompatibilities that revision `revision` of
/// `topic` brings against the revisions before it are reported as notices with the reason, not as
/// errors. For a contract that now states a constraint its consumers already enforced (a
/// cross-field rule their own models checked), or a break coordinated with every consumer. Only
/// that revision is covered: a later change is checked as usual (under a transitive mode, a later
/// revision compared with one before `revision` can report the same break again).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcceptedBreak {
    /// The event's topic.
    pub topic: String,
    /// The revision (its number in `history/<topic>/`) whose breaks are accepted.
    pub revision: usize,
    /// Why: printed with every finding it covers.
    pub reason: String,
}

/// Turns a breaking finding into a notice when `revision` of `topic` is accepted.
fn accept(finding: &mut Finding, accepted: &[AcceptedBreak], topic: &str, revision: usize) {
    if let Some(accepted) = accepted
        .iter()
        .find(|a| a.topic == topic && a.revision == revision)
    {
        finding.severity = Severity::Notice;
        finding.context.push(format!(
            "accepted in revision {revision}: {}",
            accepted.reason
        ));
    }
}

/// Runs every check. Findings come sorted: errors first, then by location.
pub fn check_schemas(input: &CheckInput<'_>) -> Result<Vec<Finding>, BaselineError> {
    let mut findings = Vec::new();
    drift(
        input.drift,
        &input.model.project.generate_command,
        &mut findings,
    );

    let released = input.baseline.events()?;
    let history = input.baseline.history()?;
    let current: HashSet<&str> = input
        .model
        .events
        .iter()
        .map(|e| e.member.as_str())
        .collect();
    let by_member: HashMap<&str, &BaselineEvent> =
        released.iter().map(|e| (e.member.as_str(), e)).collect();
    for old in &released {
        if !current.contains(old.member.as_str()) {
            findings.push(Finding {
                severity: Severity::Error,
                code: "EVENT_REMOVED".into(),
                location: old.location.clone(),
                subject: format!("{} ({})", old.member, old.topic),
                message: format!(
                    "the event was removed; consumers of `{}` lose their producer. Keep it, or deprecate it and remove it in a release that consumers have left",
                    old.topic
                ),
                context: Vec::new(),
                witness: None,
                divergence: None,
            });
        }
    }

    for event in &input.model.events {
        let at = event_location(event, input.sources);
        let Some(old) = by_member.get(event.member.as_str()) else {
            findings.push(Finding {
                severity: Severity::Notice,
                code: "EVENT_ADDED".into(),
                location: Some(at),
                subject: format!("{} ({})", event.type_name, event.topic),
                message: "new event".into(),
                context: Vec::new(),
                witness: None,
                divergence: None,
            });
            continue;
        };
        if old.topic != event.topic {
            if u64::from(event.version) > old.version {
                findings.push(Finding {
                    severity: Severity::Notice,
                    code: "NEW_TOPIC".into(),
                    location: Some(at),
                    subject: event.type_name.clone(),
                    message: format!(
                        "new major version v{}: published on the new topic `{}` instead of `{}`, so it is not checked against v{}",
                        event.version, event.topic, old.topic, old.version
                    ),
                    context: Vec::new(),
                    witness: None,
                    divergence: None,
                });
                continue;
            }
            findings.push(Finding {
                severity: Severity::Error,
                code: "TOPIC_CHANGED".into(),
                location: Some(at.clone()),
                subject: event.type_name.clone(),
                message: format!(
                    "topic changed `{}` → `{}` without a new major version; consumers subscribed to the old topic stop receiving it. Keep the topic, or bump `version` to publish a new `.v{}` topic",
                    old.topic,
                    event.topic,
                    old.version + 1
                ),
                context: Vec::new(),
                witness: None,
                divergence: None,
            });
        }
        if old.key != event.key {
            findings.push(Finding {
                severity: Severity::Error,
                code: "KEY_CHANGED".into(),
                location: Some(at.clone()),
                subject: event.type_name.clone(),
                message: format!(
                    "partition key changed `{}` → `{}`; events of one entity may now land on other partitions, out of order with those already published",
                    old.key, event.key
                ),
                context: Vec::new(),
                witness: None,
                divergence: None,
            });
        }
        if old.payload != event.type_name {
            findings.push(Finding {
                severity: Severity::Notice,
                code: "PAYLOAD_RENAMED".into(),
                location: Some(at.clone()),
                subject: event.type_name.clone(),
                message: format!("payload type renamed from `{}`", old.payload),
                context: Vec::new(),
                witness: None,
                divergence: None,
            });
        }
        compatibility(input, event, &old.topic, &history, &mut findings)?;
    }

    lint(input.model, input.sources, &mut findings);
    findings.sort_by(|a, b| {
        (a.severity, &a.location, &a.subject).cmp(&(b.severity, &b.location, &b.subject))
    });
    findings.dedup();
    Ok(findings)
}

fn drift(drift: &[StaleFile], generate_command: &str, findings: &mut Vec<Finding>) {
    for stale in drift {
        let what = match stale.staleness {
            Staleness::Missing => "is missing",
            Staleness::Outdated => "does not match the contracts",
            Staleness::Orphaned => "is no longer generated",
        };
        findings.push(Finding {
            severity: Severity::Error,
            code: "DRIFT".into(),
            location: None,
            subject: format!("generated/{}", stale.path.display()),
            message: format!("{what}; run `{}` and commit the result", generate_command),
            context: Vec::new(),
            witness: None,
            divergence: None,
        });
    }
}

fn compatibility(
    input: &CheckInput<'_>,
    event: &EventModel,
    topic: &str,
    history: &History,
    findings: &mut Vec<Finding>,
) -> Result<(), BaselineError> {
    let current = [
        (
            SchemaFormat::JsonSchema,
            serde_json::to_string(&event.json_schema).unwrap_or_default(),
        ),
        (
            SchemaFormat::Avro,
            serde_json::to_string(&event.avro_schema).unwrap_or_default(),
        ),
    ];
    for (format, text) in current {
        let versions = input.baseline.versions(history, topic, format)?;
        if versions.is_empty() {
            continue;
        }
        let new = Schema::parse(format, &text).map_err(|err| BaselineError::Schema {
            path: format!("the current schema of {}", event.type_name),
            message: err.to_string(),
        })?;
        // The released chain first: every revision must be compatible with those before it, as a
        // registry checks each registration. A breaking change committed together with its
        // regenerated history is already in the baseline, so comparing only the current schema
        // with the latest revision would pass it.
        for released in 1..versions.len() {
            let report = compat::check(
                event.compatibility,
                input.policy,
                &versions[..released],
                &versions[released],
            )
            .map_err(|err| BaselineError::Schema {
                path: topic.to_owned(),
                message: err.to_string(),
            })?;
            for (comparison, change) in report.incompatibilities() {
                let mut finding = incompatible(
                    event,
                    input.sources,
                    comparison,
                    change,
                    format,
                    Some(released),
                );
                finding
                    .context
                    .insert(0, format!("released revision {} of {topic}", released + 1));
                accept(&mut finding, input.accepted, topic, released + 1);
                findings.push(finding);
            }
        }
        let report =
            compat::check(event.compatibility, input.policy, &versions, &new).map_err(|err| {
                BaselineError::Schema {
                    path: topic.to_owned(),
                    message: err.to_string(),
                }
            })?;
        let transitive = event.compatibility.is_transitive() && versions.len() > 1;
        // The revision the current schema is: the latest released one when unchanged, else the
        // next.
        let current_value = match format {
            SchemaFormat::JsonSchema => &event.json_schema,
            SchemaFormat::Avro => &event.avro_schema,
        };
        let unchanged = history
            .revisions(topic)
            .last()
            .map(|r| match format {
                SchemaFormat::JsonSchema => r.json.as_str(),
                SchemaFormat::Avro => r.avro.as_str(),
            })
            .and_then(|text| serde_json::from_str::<serde_json::Value>(text).ok())
            .is_some_and(|latest| &latest == current_value);
        let revision = if unchanged {
            versions.len()
        } else {
            versions.len() + 1
        };
        for (comparison, change) in report.incompatibilities() {
            let mut finding = incompatible(
                event,
                input.sources,
                comparison,
                change,
                format,
                transitive.then_some(versions.len()),
            );
            accept(&mut finding, input.accepted, topic, revision);
            findings.push(finding);
        }
    }
    Ok(())
}

fn incompatible(
    event: &EventModel,
    sources: &SourceIndex,
    comparison: &Comparison,
    change: &Change,
    format: SchemaFormat,
    versions: Option<usize>,
) -> Finding {
    let mut context = vec![comparison.direction.as_str().to_owned()];
    if let Some(_count) = versions {
        context.push(format!("against revision {}", comparison.version + 1));
    }
    context.push(format.as_str().to_owned());
    Finding {
        severity: Severity::Error,
        code: change.rule.to_owned(),
        location: Some(change_location(event, &change.path, sources)),
        subject: format!("{} {}", event.type_name, change.path.field_path()),
        message: if change.detail.is_empty() {
            "breaks readers".into()
        } else {
            change.detail.clone()
        },
        context,
        witness: change.witness.clone(),
        divergence: change.divergence,
    }
}

fn event_location(event: &EventModel, sources: &SourceIndex) -> Location {
    sources
        .type_location(&event.type_name)
        .cloned()
        .unwrap_or_else(|| Location {
            file: event.source.file.to_owned(),
            line: event.source.line,
        })
}

/// The Rust declaration a schema path leads to: the field of the innermost named type, else
/// that type, else the event.
fn change_location(
    event: &EventModel,
    path: &compat::SchemaPath,
    sources: &SourceIndex,
) -> Location {
    let (type_name, field) = path.declaring_type();
    let type_name = type_name.unwrap_or(&event.type_name);
    field
        .and_then(|field| sources.member_location(type_name, field))
        .or_else(|| sources.type_location(type_name))
        .cloned()
        .unwrap_or_else(|| event_location(event, sources))
}

/// Naming rule: dotted lower-case names; topics end in `.v<version>`.
fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.split('.').all(|segment| {
            !segment.is_empty()
                && segment
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        })
        && name.starts_with(|c: char| c.is_ascii_lowercase())
}

fn lint(model: &CatalogModel, sources: &SourceIndex, findings: &mut Vec<Finding>) {
    for event in &model.events {
        let at = event_location(event, sources);
        let suffix = format!(".v{}", event.version);
        let topic_ok = valid_name(&event.topic) && event.topic.ends_with(&suffix);
        if !topic_ok || !valid_name(&event.name) {
            findings.push(Finding {
                severity: Severity::Error,
                code: "NAMING".into(),
                location: Some(at.clone()),
                subject: event.type_name.clone(),
                message: format!(
                    "event `{}` on topic `{}`: names are dotted lower-case segments (a-z, 0-9, _) and a topic ends in `{suffix}`",
                    event.name, event.topic
                ),
                context: Vec::new(),
                witness: None,
                divergence: None,
            });
        }
        if event.key.contains("?? \"") {
            findings.push(Finding {
                severity: Severity::Notice,
                code: "CONSTANT_KEY_FALLBACK".into(),
                location: Some(at.clone()),
                subject: event.type_name.clone(),
                message: format!(
                    "key `{}` falls back to a constant, so events without the field share one partition",
                    event.key
                ),
                context: Vec::new(),
                witness: None,
                divergence: None,
            });
        }
    }
    for (type_name, field, reason) in untyped_fields(model) {
        let location = sources
            .member_location(&type_name, &field)
            .or_else(|| sources.type_location(&type_name))
            .cloned();
        findings.push(Finding {
            severity: Severity::Notice,
            code: "UNTYPED_FIELD".into(),
            location,
            subject: format!("{type_name}.{field}"),
            message: format!("accepts any JSON object: {reason}"),
            context: Vec::new(),
            witness: None,
            divergence: None,
        });
    }
}

/// Every field marked `x-tidings-untyped`, as `(declaring type, field, reason)`, once each.
pub fn untyped_fields(model: &CatalogModel) -> BTreeSet<(String, String, String)> {
    let mut found = BTreeSet::new();
    for event in &model.events {
        let mut scan = |type_name: &str, schema: &Value| {
            if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
                for (field, property) in properties {
                    if let Some(reason) = property
                        .get(tidings::untyped::UNTYPED_KEYWORD)
                        .and_then(Value::as_str)
                    {
                        found.insert((type_name.to_owned(), field.clone(), reason.to_owned()));
                    }
                }
            }
        };
        scan(&event.type_name, &event.json_schema);
        if let Some(defs) = event.json_schema.get("$defs").and_then(Value::as_object) {
            for (name, schema) in defs {
                scan(name, schema);
            }
        }
    }
    found
}

/// The one-line summary printed after the findings.
pub fn summary(model: &CatalogModel, findings: &[Finding]) -> String {
    let count = |severity| findings.iter().filter(|f| f.severity == severity).count();
    let untyped: Vec<String> = untyped_fields(model)
        .into_iter()
        .map(|(t, f, _)| format!("{t}.{f}"))
        .collect();
    format!(
        "check-schemas: {} error(s), {} warning(s), {} notice(s) over {} events; {} untyped field(s){}",
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Notice),
        model.events.len(),
        untyped.len(),
        if untyped.is_empty() {
            String::new()
        } else {
            format!(": {}", untyped.join(", "))
        }
    )
}
