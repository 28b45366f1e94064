//! The intermediate model every emitter reads: what the catalogue declares, with the schemas
//! already computed, in catalogue order.

use serde::Serialize;
use serde_json::Value;
use tidings::registry::CataloguePayload;
use tidings::schema::SchemaError;
use tidings::{
    Catalogue, Compatibility, EventDescriptor, KeyFallback, KeySpec, SourceLocation, TopicConfig,
};

use crate::example;

/// One catalogue, ready for the emitters.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CatalogModel {
    /// Name of the catalogue, e.g. `HuleEdu`.
    pub catalogue: String,
    /// Name of the catalogue enum in the schemas, e.g. `ProcessingEvent`.
    pub catalogue_enum: String,
    /// Every event, in catalogue order.
    pub events: Vec<EventModel>,
    /// What the project sets about its packages and documents.
    pub project: ProjectSettings,
}

/// What a project sets about its generated packages and documents (the `[package]` and
/// `[asyncapi]` tables of `tidings.toml`). [`ProjectSettings::defaults`] derives every name from
/// the catalogue's.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProjectSettings {
    /// The packages' version and the AsyncAPI document's `info.version`.
    pub version: String,
    /// SPDX licence expression of the packages and the AsyncAPI document; none is written when
    /// unset.
    pub license: Option<String>,
    /// One line on what the catalogue is, for the package descriptions and the AsyncAPI `info`.
    pub description: Option<String>,
    /// Import name of the Python package, e.g. `shop_contracts` (distribution name: with `-`).
    pub python_package: String,
    /// Name of the npm package, e.g. `@shop/contracts`.
    pub npm_package: String,
    /// The command that regenerates the files, written in every header and in drift findings.
    pub generate_command: String,
    /// AsyncAPI `info.contact.name`; none is written when unset.
    pub contact: Option<String>,
    /// AsyncAPI `servers`, in order; a placeholder `kafka` server at `localhost:9092` when empty.
    pub servers: Vec<AsyncApiServer>,
}

/// One AsyncAPI server (AsyncAPI 3.0 Server Object).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AsyncApiServer {
    /// The key under `servers`, e.g. `production`.
    pub name: String,
    /// `host[:port]`, e.g. `kafka.internal:9092`.
    pub host: String,
    /// `kafka` or `kafka-secure`.
    pub protocol: String,
    /// What the server is.
    pub description: Option<String>,
}

impl ProjectSettings {
    /// Names derived from the catalogue's (`Shop` → `shop_contracts`, `@shop/contracts`),
    /// version 0.1.0, no licence, `cargo xtask gen`.
    pub fn defaults(catalogue: &str) -> Self {
        let lower = catalogue.to_ascii_lowercase();
        Self {
            version: "0.1.0".into(),
            license: None,
            description: None,
            python_package: format!("{lower}_contracts"),
            npm_package: format!("@{lower}/contracts"),
            generate_command: crate::GENERATE_COMMAND.into(),
            contact: None,
            servers: Vec::new(),
        }
    }
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
    /// An example payload: synthesised from the schema, decoded into the Rust type, validated and
    /// serialized again (see [`crate::example`]).
    #[serde(skip)]
    pub example: Value,
    /// The partition key of [`Self::example`], as the Rust contract computes it.
    #[serde(skip)]
    pub example_key: String,
}

/// A contract whose schemas or example could not be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{member} ({file}:{line}): {problem}")]
pub struct ModelError {
    /// The member.
    pub member: String,
    /// Contract file.
    pub file: &'static str,
    /// Contract line.
    pub line: u32,
    /// What went wrong.
    #[source]
    pub problem: ModelProblem,
}

/// What went wrong with one contract.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ModelProblem {
    /// The Avro schema cannot be derived.
    #[error(transparent)]
    Schema(#[from] SchemaError),
    /// The partition key's path, in the names the payload has on the wire, does not give the
    /// key the Rust contract computes for the example.
    #[error(
        "the partition key `{}` is `{}` on the wire, which reads {:?} from the example where the contract computes {:?}; name the key's fields as serde writes them (a `#[serde(rename)]` the schema does not show cannot be followed)",
        .0.rust, .0.wire, .0.found, .0.expected
    )]
    Key(Box<KeyMismatch>),
    /// The example synthesised from the JSON Schema is not accepted by the Rust type.
    #[error(
        "the example synthesised from the schema is rejected: {0}; give the field a valid `#[schemars(example = ...)]`"
    )]
    Example(String),
}

/// A partition key whose wire path does not read the key the contract computes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyMismatch {
    /// The key as declared.
    pub rust: String,
    /// The key in wire names.
    pub wire: String,
    /// What the wire path reads from the example.
    pub found: Option<String>,
    /// What the Rust contract computes.
    pub expected: String,
}

impl CatalogModel {
    /// Builds the model of the catalogue whose typed payload is `P`, failing on the first contract
    /// whose Avro schema cannot be derived or whose example the Rust type rejects.
    ///
    /// The project settings are [`ProjectSettings::defaults`]; replace them with
    /// [`with_project`](Self::with_project).
    pub fn of<P>(catalogue: &str) -> Result<Self, ModelError>
    where
        P: CataloguePayload,
        P::Member: schemars::JsonSchema,
    {
        let events: Vec<EventModel> = <P::Member as Catalogue>::ALL
            .iter()
            .map(|member| {
                let descriptor = member.descriptor();
                let mut event = EventModel::new(member.member(), descriptor)?;
                (event.example, event.example_key) = typed_example::<P>(*member, &event)?;
                event.key = wire_key(&event, &descriptor.key)?;
                Ok(event)
            })
            .collect::<Result<_, _>>()?;
        Ok(Self {
            catalogue: catalogue.to_owned(),
            catalogue_enum: <P::Member as schemars::JsonSchema>::schema_name().into_owned(),
            events,
            project: ProjectSettings::defaults(catalogue),
        })
    }
}

impl CatalogModel {
    /// The same model with these project settings.
    pub fn with_project(mut self, project: ProjectSettings) -> Self {
        self.project = project;
        self
    }
}

fn typed_example<P: CataloguePayload>(
    member: P::Member,
    event: &EventModel,
) -> Result<(Value, String), ModelError> {
    let error = |message: String| ModelError {
        member: event.member.clone(),
        file: event.source.file,
        line: event.source.line,
        problem: ModelProblem::Example(message),
    };
    let raw = example::synthesize(&event.json_schema);
    let payload = P::decode(member, raw).map_err(|err| error(err.to_string()))?;
    payload.validate().map_err(|err| error(err.to_string()))?;
    let key = payload.partition_key().as_str().to_owned();
    let value = serde_json::to_value(&payload).map_err(|err| error(err.to_string()))?;
    Ok((value, key))
}

impl EventModel {
    fn new(member: &str, d: &EventDescriptor) -> Result<Self, ModelError> {
        let avro_schema = (d.avro_schema)().map_err(|source| ModelError {
            member: member.to_owned(),
            file: d.source.file,
            line: d.source.line,
            problem: ModelProblem::Schema(source),
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
            example: Value::Null,
            example_key: String::new(),
        })
    }
}

fn key_text(key: &KeySpec) -> String {
    key.to_string()
}

/// The key as the other languages read it from the JSON payload: each field of its path by its
/// wire name (`order_ref.shop_code` → `orderRef.shopCode` under `rename_all = "camelCase"`),
/// checked against the example: the path must read the key the Rust contract computes.
fn wire_key(event: &EventModel, key: &KeySpec) -> Result<String, ModelError> {
    let KeySpec::Field { path, fallback } = key else {
        return Ok(event.key.clone());
    };
    let schema = &event.json_schema;
    let wire_main = wire_path(schema, path);
    let (wire, fallback_value) = match fallback {
        None => (wire_main.clone(), None),
        Some(KeyFallback::Field(other)) => {
            let wire_other = wire_path(schema, other);
            (
                format!("{wire_main} ?? {wire_other}"),
                Some(Fallback::Path(wire_other)),
            )
        }
        Some(KeyFallback::Literal(text)) => (
            format!("{wire_main} ?? {text:?}"),
            Some(Fallback::Text((*text).to_owned())),
        ),
    };
    let read = |path: &str| {
        let mut value = &event.example;
        for segment in path.split('.') {
            value = value.get(segment)?;
        }
        match value {
            Value::String(text) => Some(text.clone()),
            Value::Number(number) => Some(number.to_string()),
            _ => None,
        }
    };
    let found = read(&wire_main).or_else(|| match &fallback_value {
        Some(Fallback::Path(other)) => read(other),
        Some(Fallback::Text(text)) => Some(text.clone()),
        None => None,
    });
    if found.as_deref() != Some(event.example_key.as_str()) {
        return Err(ModelError {
            member: event.member.clone(),
            file: event.source.file,
            line: event.source.line,
            problem: ModelProblem::Key(Box::new(KeyMismatch {
                rust: event.key.clone(),
                wire,
                found,
                expected: event.example_key.clone(),
            })),
        });
    }
    Ok(wire)
}

enum Fallback {
    Path(String),
    Text(String),
}

/// A dotted path of Rust field names in wire names: each segment is the property the object's
/// schema has under that name, or under the name one of serde's `rename_all` cases gives it.
/// A segment the schema does not show stays as it is (the example check then reports it).
fn wire_path(root: &Value, path: &str) -> String {
    use heck::{ToKebabCase, ToLowerCamelCase, ToPascalCase, ToShoutyKebabCase, ToShoutySnakeCase};
    let mut schema = root;
    let mut out = Vec::new();
    for segment in path.split('.') {
        let object = resolve(root, schema);
        let properties = object.get("properties").and_then(Value::as_object);
        let candidates = [
            segment.to_owned(),
            segment.to_lower_camel_case(),
            segment.to_pascal_case(),
            segment.to_kebab_case(),
            segment.to_shouty_snake_case(),
            segment.to_shouty_kebab_case(),
            segment.replace('_', "").to_lowercase(),
            segment.replace('_', "").to_uppercase(),
        ];
        let found = properties.and_then(|properties| {
            candidates
                .iter()
                .find_map(|name| properties.get(name).map(|s| (name.clone(), s)))
        });
        match found {
            Some((name, property)) => {
                out.push(name);
                schema = property;
            }
            None => {
                out.push(segment.to_owned());
                schema = &Value::Null;
            }
        }
    }
    out.join(".")
}

/// The object schema behind `$ref`s and `Option`'s `anyOf [T, null]`.
fn resolve<'a>(root: &'a Value, mut schema: &'a Value) -> &'a Value {
    for _ in 0..16 {
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            match reference
                .strip_prefix("#/$defs/")
                .and_then(|name| root.get("$defs")?.get(name))
            {
                Some(target) => schema = target,
                None => return schema,
            }
        } else if let Some(branches) = schema.get("anyOf").and_then(Value::as_array) {
            match branches
                .iter()
                .find(|b| b.get("type").and_then(Value::as_str) != Some("null"))
            {
                Some(branch) => schema = branch,
                None => return schema,
            }
        } else {
            return schema;
        }
    }
    schema
}
