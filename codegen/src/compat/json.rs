//! JSON Schema compatibility, modelled on Confluent Schema Registry's JSON Schema differ.
//!
//! A document is first loaded into a small typed model, the way Confluent's loader does it:
//! `type` picks a typed schema (`{"type": ["string","null"]}` is `anyOf` of two), `enum`/`const`,
//! `not` and the combinators are schemas of their own, and a schema object holding several of them
//! is their `allOf`. Local `$ref`s (`#/$defs/…`, `#/definitions/…`) are followed, cycles included.
//!
//! Then the writer's schema (`original`) and the reader's (`update`) are walked together and each
//! difference is classified with Confluent's difference types. Whether a type is compatible depends
//! on the [`Policy`]. Where Confluent's rules are silent the engine judges by meaning (which data
//! the reader accepts), and these extensions are listed on [`Difference`].

use std::collections::{HashMap, HashSet};

use regex::Regex;
use serde_json::Value;

use super::path::{SchemaPath, Segment};
use super::{Change, CompatError, Policy, SchemaFormat};

type NodeId = usize;

/// A loaded JSON Schema document.
#[derive(Debug, Clone)]
pub struct JsonSchema {
    nodes: Vec<Node>,
    root: NodeId,
}

#[derive(Debug, Clone)]
struct Node {
    raw: Value,
    annotations: Annotations,
    kind: Kind,
}

#[derive(Debug, Clone, Default, PartialEq)]
struct Annotations {
    id: Option<Value>,
    title: Option<Value>,
    description: Option<Value>,
    default: Option<Value>,
}

#[derive(Debug, Clone)]
enum Kind {
    True,
    False,
    Empty,
    Null,
    Boolean,
    String(StringRules),
    Number(NumberRules),
    Object(ObjectRules),
    Array(ArrayRules),
    Enum(Vec<Value>),
    Not(NodeId),
    Combined(Criterion, Vec<NodeId>),
    Ref {
        name: Option<String>,
        target: NodeId,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Criterion {
    All,
    Any,
    One,
}

impl Criterion {
    const fn keyword(self) -> &'static str {
        match self {
            Self::All => "allOf",
            Self::Any => "anyOf",
            Self::One => "oneOf",
        }
    }
}

#[derive(Debug, Clone, Default)]
struct StringRules {
    min_length: Option<u64>,
    max_length: Option<u64>,
    pattern: Option<String>,
    format: Option<String>,
}

#[derive(Debug, Clone, Default)]
struct NumberRules {
    integer: bool,
    minimum: Option<f64>,
    maximum: Option<f64>,
    exclusive_minimum: Option<f64>,
    exclusive_maximum: Option<f64>,
    multiple_of: Option<f64>,
    format: Option<String>,
}

/// What an object or array accepts beyond what it declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Additional {
    /// Anything (`true`, `{}` or absent).
    Allowed,
    /// Nothing (`false`).
    Forbidden,
    /// Values of this schema.
    Schema(NodeId),
}

#[derive(Debug, Clone)]
enum Dependency {
    Properties(Vec<String>),
    Schema(NodeId),
}

#[derive(Debug, Clone, Default)]
struct ObjectRules {
    properties: Vec<(String, NodeId)>,
    required: Vec<String>,
    additional: Option<Additional>,
    patterns: Vec<(Regex, NodeId)>,
    min_properties: Option<u64>,
    max_properties: Option<u64>,
    dependencies: Vec<(String, Dependency)>,
}

#[derive(Debug, Clone, Default)]
struct ArrayRules {
    tuple: Vec<NodeId>,
    rest: Option<Additional>,
    /// `rest` came from an all-items `items` schema rather than `additionalItems`.
    rest_is_items: bool,
    min_items: Option<u64>,
    max_items: Option<u64>,
    unique_items: bool,
}

impl ObjectRules {
    fn additional(&self) -> Additional {
        self.additional.unwrap_or(Additional::Allowed)
    }

    fn property(&self, name: &str) -> Option<NodeId> {
        self.properties
            .iter()
            .find(|(candidate, _)| candidate == name)
            .map(|(_, id)| *id)
    }

    /// The schema a property not declared in `properties` would be checked against.
    fn covering(&self, name: &str) -> Additional {
        self.patterns
            .iter()
            .find(|(pattern, _)| pattern.is_match(name))
            .map(|(_, id)| Additional::Schema(*id))
            .unwrap_or_else(|| self.additional())
    }
}

impl ArrayRules {
    fn rest(&self) -> Additional {
        self.rest.unwrap_or(Additional::Allowed)
    }
}

const STRING_KEYWORDS: &[&str] = &["minLength", "maxLength", "pattern"];
const NUMBER_KEYWORDS: &[&str] = &[
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
];
const OBJECT_KEYWORDS: &[&str] = &[
    "properties",
    "required",
    "additionalProperties",
    "patternProperties",
    "minProperties",
    "maxProperties",
    "dependencies",
    "dependentRequired",
    "dependentSchemas",
    "unevaluatedProperties",
];
const ARRAY_KEYWORDS: &[&str] = &[
    "items",
    "prefixItems",
    "additionalItems",
    "minItems",
    "maxItems",
    "uniqueItems",
];
const UNSUPPORTED: &[(&str, &str)] = &[
    ("if", "express the condition with oneOf/anyOf"),
    ("then", "express the condition with oneOf/anyOf"),
    ("else", "express the condition with oneOf/anyOf"),
    ("contains", "describe the items with `items`"),
    ("propertyNames", "describe the keys with patternProperties"),
    ("$dynamicRef", "use a local `$ref`"),
    ("unevaluatedItems", "use `items`/`prefixItems`"),
];

impl JsonSchema {
    /// Loads a schema from JSON text.
    pub fn parse_str(text: &str) -> Result<Self, CompatError> {
        let value: Value =
            serde_json::from_str(text).map_err(|err| CompatError::Syntax(err.to_string()))?;
        Self::from_value(&value)
    }

    /// Loads a schema from a JSON value.
    pub fn from_value(value: &Value) -> Result<Self, CompatError> {
        let mut loader = Loader {
            document: value,
            nodes: Vec::new(),
            by_pointer: HashMap::new(),
        };
        let root = loader.load("#".into(), value)?;
        Ok(Self {
            nodes: loader.nodes,
            root,
        })
    }

    fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id]
    }
}

fn invalid(pointer: &str, message: impl std::fmt::Display) -> CompatError {
    CompatError::Invalid {
        format: SchemaFormat::JsonSchema,
        message: format!("{pointer}: {message}"),
    }
}

struct Loader<'a> {
    document: &'a Value,
    nodes: Vec<Node>,
    by_pointer: HashMap<String, NodeId>,
}

impl Loader<'_> {
    fn push(&mut self, node: Node) -> NodeId {
        self.nodes.push(node);
        self.nodes.len() - 1
    }

    fn load(&mut self, pointer: String, value: &Value) -> Result<NodeId, CompatError> {
        if let Some(id) = self.by_pointer.get(&pointer) {
            return Ok(*id);
        }
        let id = self.push(Node {
            raw: Value::Null,
            annotations: Annotations::default(),
            kind: Kind::Empty,
        });
        self.by_pointer.insert(pointer.clone(), id);
        let node = self.build(&pointer, value)?;
        self.nodes[id] = node;
        Ok(id)
    }

    fn build(&mut self, pointer: &str, value: &Value) -> Result<Node, CompatError> {
        let object = match value {
            Value::Bool(true) => return Ok(leaf(value, Kind::True)),
            Value::Bool(false) => return Ok(leaf(value, Kind::False)),
            Value::Object(object) => object,
            other => {
                return Err(invalid(
                    pointer,
                    format!("a schema must be an object or a boolean, found {other}"),
                ));
            }
        };
        for (keyword, hint) in UNSUPPORTED {
            if object.contains_key(*keyword) {
                return Err(CompatError::Unsupported {
                    path: pointer.to_owned(),
                    keyword: (*keyword).to_owned(),
                    hint,
                });
            }
        }
        let annotations = Annotations {
            id: object.get("$id").or_else(|| object.get("id")).cloned(),
            title: object.get("title").cloned(),
            description: object.get("description").cloned(),
            default: object.get("default").cloned(),
        };

        let mut parts = Vec::new();
        if let Some(reference) = object.get("$ref") {
            parts.push(self.reference(pointer, reference)?);
        }
        parts.extend(self.typed(pointer, object)?);
        if let Some(values) = object.get("enum") {
            let Value::Array(values) = values else {
                return Err(invalid(pointer, "`enum` must be an array"));
            };
            parts.push(self.push(leaf(&Value::Null, Kind::Enum(values.clone()))));
        }
        if let Some(constant) = object.get("const") {
            parts.push(self.push(leaf(&Value::Null, Kind::Enum(vec![constant.clone()]))));
        }
        if let Some(negated) = object.get("not") {
            let inner = self.load(format!("{pointer}/not"), negated)?;
            parts.push(self.push(leaf(&Value::Null, Kind::Not(inner))));
        }
        for criterion in [Criterion::All, Criterion::Any, Criterion::One] {
            let Some(branches) = object.get(criterion.keyword()) else {
                continue;
            };
            let Value::Array(branches) = branches else {
                return Err(invalid(
                    pointer,
                    format!("`{}` must be an array", criterion.keyword()),
                ));
            };
            let mut ids = Vec::new();
            for (index, branch) in branches.iter().enumerate() {
                ids.push(self.load(format!("{pointer}/{}/{index}", criterion.keyword()), branch)?);
            }
            parts.push(self.push(leaf(&Value::Null, Kind::Combined(criterion, ids))));
        }

        let kind = match parts.len() {
            0 => Kind::Empty,
            1 => self.nodes[parts[0]].kind.clone(),
            _ => Kind::Combined(Criterion::All, parts),
        };
        Ok(Node {
            raw: value.clone(),
            annotations,
            kind,
        })
    }

    fn reference(&mut self, pointer: &str, reference: &Value) -> Result<NodeId, CompatError> {
        let Some(reference) = reference.as_str() else {
            return Err(invalid(pointer, "`$ref` must be a string"));
        };
        let unresolved = || CompatError::UnresolvedRef {
            path: pointer.to_owned(),
            reference: reference.to_owned(),
        };
        let local = reference.strip_prefix('#').ok_or_else(unresolved)?;
        let target = if local.is_empty() {
            self.document
        } else {
            self.document.pointer(local).ok_or_else(unresolved)?
        };
        let name = local
            .rsplit('/')
            .next()
            .filter(|_| local.starts_with("/$defs/") || local.starts_with("/definitions/"))
            .map(|name| name.replace("~1", "/").replace("~0", "~"));
        let target = self.load(format!("#{local}"), target)?;
        Ok(self.push(leaf(&Value::Null, Kind::Ref { name, target })))
    }

    /// The typed part of a schema object: from `type`, or inferred from type-specific keywords.
    fn typed(
        &mut self,
        pointer: &str,
        object: &serde_json::Map<String, Value>,
    ) -> Result<Vec<NodeId>, CompatError> {
        let names: Vec<String> = match object.get("type") {
            Some(Value::String(name)) => vec![name.clone()],
            Some(Value::Array(names)) => names
                .iter()
                .map(|name| {
                    name.as_str()
                        .map(str::to_owned)
                        .ok_or_else(|| invalid(pointer, "`type` entries must be strings"))
                })
                .collect::<Result<_, _>>()?,
            Some(_) => return Err(invalid(pointer, "`type` must be a string or an array")),
            None => {
                let has = |keywords: &[&str]| keywords.iter().any(|k| object.contains_key(*k));
                let mut inferred = Vec::new();
                for (keywords, name) in [
                    (OBJECT_KEYWORDS, "object"),
                    (ARRAY_KEYWORDS, "array"),
                    (STRING_KEYWORDS, "string"),
                    (NUMBER_KEYWORDS, "number"),
                ] {
                    if has(keywords) {
                        inferred.push(name.to_owned());
                    }
                }
                inferred
            }
        };
        let mut typed = Vec::new();
        for name in &names {
            let kind = match name.as_str() {
                "null" => Kind::Null,
                "boolean" => Kind::Boolean,
                "string" => Kind::String(string_rules(pointer, object)?),
                "number" | "integer" => {
                    let mut rules = number_rules(pointer, object)?;
                    rules.integer = name == "integer";
                    Kind::Number(rules)
                }
                "object" => Kind::Object(self.object_rules(pointer, object)?),
                "array" => Kind::Array(self.array_rules(pointer, object)?),
                other => return Err(invalid(pointer, format!("unknown type `{other}`"))),
            };
            typed.push(self.push(leaf(&Value::Null, kind)));
        }
        if typed.len() > 1 {
            return Ok(vec![
                self.push(leaf(&Value::Null, Kind::Combined(Criterion::Any, typed))),
            ]);
        }
        // Keywords of types the schema does not declare are ignored, as validators ignore them.
        Ok(typed)
    }

    fn object_rules(
        &mut self,
        pointer: &str,
        object: &serde_json::Map<String, Value>,
    ) -> Result<ObjectRules, CompatError> {
        let mut rules = ObjectRules::default();
        if let Some(properties) = object.get("properties") {
            let Value::Object(properties) = properties else {
                return Err(invalid(pointer, "`properties` must be an object"));
            };
            for (name, schema) in properties {
                let id = self.load(format!("{pointer}/properties/{name}"), schema)?;
                rules.properties.push((name.clone(), id));
            }
        }
        if let Some(required) = object.get("required") {
            rules.required = string_list(pointer, "required", required)?;
        }
        rules.additional = match object.get("additionalProperties") {
            Some(schema) => {
                Some(self.additional(&format!("{pointer}/additionalProperties"), schema)?)
            }
            None => match object.get("unevaluatedProperties") {
                Some(Value::Bool(false)) => Some(Additional::Forbidden),
                _ => None,
            },
        };
        if let Some(patterns) = object.get("patternProperties") {
            let Value::Object(patterns) = patterns else {
                return Err(invalid(pointer, "`patternProperties` must be an object"));
            };
            for (pattern, schema) in patterns {
                let regex = Regex::new(pattern).map_err(|err| {
                    invalid(
                        pointer,
                        format!("pattern `{pattern}` does not compile: {err}"),
                    )
                })?;
                let id = self.load(format!("{pointer}/patternProperties/{pattern}"), schema)?;
                rules.patterns.push((regex, id));
            }
        }
        rules.min_properties = count(pointer, object, "minProperties")?;
        rules.max_properties = count(pointer, object, "maxProperties")?;
        for keyword in ["dependencies", "dependentRequired", "dependentSchemas"] {
            let Some(dependencies) = object.get(keyword) else {
                continue;
            };
            let Value::Object(dependencies) = dependencies else {
                return Err(invalid(pointer, format!("`{keyword}` must be an object")));
            };
            for (name, dependency) in dependencies {
                let dependency = match dependency {
                    Value::Array(_) => {
                        Dependency::Properties(string_list(pointer, keyword, dependency)?)
                    }
                    schema => Dependency::Schema(
                        self.load(format!("{pointer}/{keyword}/{name}"), schema)?,
                    ),
                };
                rules.dependencies.push((name.clone(), dependency));
            }
        }
        Ok(rules)
    }

    fn array_rules(
        &mut self,
        pointer: &str,
        object: &serde_json::Map<String, Value>,
    ) -> Result<ArrayRules, CompatError> {
        let mut rules = ArrayRules::default();
        let (tuple, rest) = if let Some(prefix) = object.get("prefixItems") {
            (Some(("prefixItems", prefix)), object.get("items"))
        } else if let Some(Value::Array(_)) = object.get("items") {
            (
                object.get("items").map(|items| ("items", items)),
                object.get("additionalItems"),
            )
        } else if let Some(items) = object.get("items") {
            rules.rest_is_items = true;
            (None, Some(items))
        } else {
            (None, object.get("additionalItems"))
        };
        if let Some((keyword, tuple)) = tuple {
            let Value::Array(items) = tuple else {
                return Err(invalid(pointer, format!("`{keyword}` must be an array")));
            };
            for (index, item) in items.iter().enumerate() {
                rules
                    .tuple
                    .push(self.load(format!("{pointer}/{keyword}/{index}"), item)?);
            }
        }
        if let Some(rest) = rest {
            rules.rest = Some(self.additional(&format!("{pointer}/items"), rest)?);
        }
        rules.min_items = count(pointer, object, "minItems")?;
        rules.max_items = count(pointer, object, "maxItems")?;
        rules.unique_items = object.get("uniqueItems") == Some(&Value::Bool(true));
        Ok(rules)
    }

    fn additional(&mut self, pointer: &str, schema: &Value) -> Result<Additional, CompatError> {
        Ok(match schema {
            Value::Bool(true) => Additional::Allowed,
            Value::Bool(false) => Additional::Forbidden,
            schema => {
                let id = self.load(pointer.to_owned(), schema)?;
                if matches!(self.nodes[id].kind, Kind::Empty | Kind::True) {
                    Additional::Allowed
                } else {
                    Additional::Schema(id)
                }
            }
        })
    }
}

fn leaf(raw: &Value, kind: Kind) -> Node {
    Node {
        raw: raw.clone(),
        annotations: Annotations::default(),
        kind,
    }
}

fn string_list(pointer: &str, keyword: &str, value: &Value) -> Result<Vec<String>, CompatError> {
    let error = || invalid(pointer, format!("`{keyword}` must be an array of strings"));
    value
        .as_array()
        .ok_or_else(error)?
        .iter()
        .map(|item| item.as_str().map(str::to_owned).ok_or_else(error))
        .collect()
}

fn count(
    pointer: &str,
    object: &serde_json::Map<String, Value>,
    keyword: &str,
) -> Result<Option<u64>, CompatError> {
    match object.get(keyword) {
        None => Ok(None),
        Some(value) => value
            .as_u64()
            .or_else(|| {
                value
                    .as_f64()
                    .filter(|v| v.fract() == 0.0 && *v >= 0.0)
                    .map(|v| v as u64)
            })
            .map(Some)
            .ok_or_else(|| {
                invalid(
                    pointer,
                    format!("`{keyword}` must be a non-negative integer"),
                )
            }),
    }
}

fn number(
    pointer: &str,
    object: &serde_json::Map<String, Value>,
    keyword: &str,
) -> Result<Option<f64>, CompatError> {
    match object.get(keyword) {
        None | Some(Value::Bool(_)) => Ok(None),
        Some(value) => value
            .as_f64()
            .map(Some)
            .ok_or_else(|| invalid(pointer, format!("`{keyword}` must be a number"))),
    }
}

fn string_rules(
    pointer: &str,
    object: &serde_json::Map<String, Value>,
) -> Result<StringRules, CompatError> {
    Ok(StringRules {
        min_length: count(pointer, object, "minLength")?,
        max_length: count(pointer, object, "maxLength")?,
        pattern: object
            .get("pattern")
            .and_then(Value::as_str)
            .map(str::to_owned),
        format: object
            .get("format")
            .and_then(Value::as_str)
            .map(str::to_owned),
    })
}

fn number_rules(
    pointer: &str,
    object: &serde_json::Map<String, Value>,
) -> Result<NumberRules, CompatError> {
    Ok(NumberRules {
        integer: false,
        minimum: number(pointer, object, "minimum")?,
        maximum: number(pointer, object, "maximum")?,
        exclusive_minimum: number(pointer, object, "exclusiveMinimum")?,
        exclusive_maximum: number(pointer, object, "exclusiveMaximum")?,
        multiple_of: number(pointer, object, "multipleOf")?,
        format: object
            .get("format")
            .and_then(Value::as_str)
            .map(str::to_owned),
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Compatible,
    /// Compatible under [`Policy::Lenient`] only.
    Lenient,
    Breaking,
}

macro_rules! differences {
    ($($(#[$doc:meta])* $name:ident => $verdict:ident,)*) => {
        /// A classified difference between a writer's and a reader's JSON Schema. The names are
        /// Confluent's; `FORMAT_*`, `REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL`,
        /// `ITEM_ADDED_TO_OPEN_CONTENT_MODEL`, `ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL`,
        /// `MULTIPLE_OF_EXPANDED` and the `*_ADDED` constraint types are tidings' own, for
        /// cases Confluent's differ does not name.
        #[allow(non_camel_case_types, missing_docs)]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Difference {
            $($(#[$doc])* $name,)*
        }

        impl Difference {
            /// Every difference type.
            pub const ALL: &'static [Self] = &[$(Self::$name,)*];

            /// The upper-case code, e.g. `TYPE_CHANGED`.
            pub const fn code(self) -> &'static str {
                match self {
                    $(Self::$name => stringify!($name),)*
                }
            }

            const fn verdict(self) -> Verdict {
                match self {
                    $(Self::$name => Verdict::$verdict,)*
                }
            }
        }
    };
}

differences! {
    ID_CHANGED => Compatible,
    DESCRIPTION_CHANGED => Compatible,
    TITLE_CHANGED => Compatible,
    DEFAULT_CHANGED => Compatible,
    SCHEMA_ADDED => Breaking,
    SCHEMA_REMOVED => Compatible,
    TYPE_EXTENDED => Compatible,
    TYPE_NARROWED => Breaking,
    TYPE_CHANGED => Breaking,
    MAX_LENGTH_ADDED => Breaking,
    MAX_LENGTH_REMOVED => Compatible,
    MAX_LENGTH_INCREASED => Compatible,
    MAX_LENGTH_DECREASED => Breaking,
    MIN_LENGTH_ADDED => Breaking,
    MIN_LENGTH_REMOVED => Compatible,
    MIN_LENGTH_INCREASED => Breaking,
    MIN_LENGTH_DECREASED => Compatible,
    PATTERN_ADDED => Breaking,
    PATTERN_REMOVED => Compatible,
    PATTERN_CHANGED => Breaking,
    FORMAT_ADDED => Breaking,
    FORMAT_REMOVED => Compatible,
    FORMAT_CHANGED => Breaking,
    MAXIMUM_ADDED => Breaking,
    MAXIMUM_REMOVED => Compatible,
    MAXIMUM_INCREASED => Compatible,
    MAXIMUM_DECREASED => Breaking,
    MINIMUM_ADDED => Breaking,
    MINIMUM_REMOVED => Compatible,
    MINIMUM_INCREASED => Breaking,
    MINIMUM_DECREASED => Compatible,
    EXCLUSIVE_MAXIMUM_ADDED => Breaking,
    EXCLUSIVE_MAXIMUM_REMOVED => Compatible,
    EXCLUSIVE_MAXIMUM_INCREASED => Compatible,
    EXCLUSIVE_MAXIMUM_DECREASED => Breaking,
    EXCLUSIVE_MINIMUM_ADDED => Breaking,
    EXCLUSIVE_MINIMUM_REMOVED => Compatible,
    EXCLUSIVE_MINIMUM_INCREASED => Breaking,
    EXCLUSIVE_MINIMUM_DECREASED => Compatible,
    MULTIPLE_OF_ADDED => Breaking,
    MULTIPLE_OF_REMOVED => Compatible,
    MULTIPLE_OF_REDUCED => Compatible,
    MULTIPLE_OF_EXPANDED => Breaking,
    MULTIPLE_OF_CHANGED => Breaking,
    REQUIRED_ATTRIBUTE_ADDED => Breaking,
    REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED => Compatible,
    REQUIRED_ATTRIBUTE_REMOVED => Compatible,
    DEPENDENCY_ARRAY_ADDED => Breaking,
    DEPENDENCY_ARRAY_REMOVED => Compatible,
    DEPENDENCY_ARRAY_EXTENDED => Breaking,
    DEPENDENCY_ARRAY_NARROWED => Compatible,
    DEPENDENCY_ARRAY_CHANGED => Breaking,
    DEPENDENCY_SCHEMA_ADDED => Breaking,
    DEPENDENCY_SCHEMA_REMOVED => Compatible,
    MAX_PROPERTIES_ADDED => Breaking,
    MAX_PROPERTIES_REMOVED => Compatible,
    MAX_PROPERTIES_INCREASED => Compatible,
    MAX_PROPERTIES_DECREASED => Breaking,
    MIN_PROPERTIES_ADDED => Breaking,
    MIN_PROPERTIES_REMOVED => Compatible,
    MIN_PROPERTIES_INCREASED => Breaking,
    MIN_PROPERTIES_DECREASED => Compatible,
    ADDITIONAL_PROPERTIES_ADDED => Compatible,
    ADDITIONAL_PROPERTIES_REMOVED => Lenient,
    ADDITIONAL_PROPERTIES_EXTENDED => Compatible,
    ADDITIONAL_PROPERTIES_NARROWED => Lenient,
    OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL => Lenient,
    REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL => Breaking,
    PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL => Compatible,
    REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL => Breaking,
    REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL => Compatible,
    OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL => Compatible,
    PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL => Compatible,
    PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL => Compatible,
    PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL => Breaking,
    PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL => Compatible,
    PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL => Breaking,
    PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL => Compatible,
    PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL => Breaking,
    MAX_ITEMS_ADDED => Breaking,
    MAX_ITEMS_REMOVED => Compatible,
    MAX_ITEMS_INCREASED => Compatible,
    MAX_ITEMS_DECREASED => Breaking,
    MIN_ITEMS_ADDED => Breaking,
    MIN_ITEMS_REMOVED => Compatible,
    MIN_ITEMS_INCREASED => Breaking,
    MIN_ITEMS_DECREASED => Compatible,
    UNIQUE_ITEMS_ADDED => Breaking,
    UNIQUE_ITEMS_REMOVED => Compatible,
    ADDITIONAL_ITEMS_ADDED => Compatible,
    ADDITIONAL_ITEMS_REMOVED => Lenient,
    ADDITIONAL_ITEMS_EXTENDED => Compatible,
    ADDITIONAL_ITEMS_NARROWED => Lenient,
    ITEM_ADDED_TO_OPEN_CONTENT_MODEL => Lenient,
    ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL => Compatible,
    ITEM_ADDED_TO_CLOSED_CONTENT_MODEL => Compatible,
    ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL => Compatible,
    ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL => Compatible,
    ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL => Breaking,
    ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL => Compatible,
    ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL => Breaking,
    ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL => Compatible,
    ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL => Breaking,
    ENUM_ARRAY_EXTENDED => Compatible,
    ENUM_ARRAY_NARROWED => Breaking,
    ENUM_ARRAY_CHANGED => Breaking,
    COMBINED_TYPE_EXTENDED => Compatible,
    COMBINED_TYPE_CHANGED => Breaking,
    PRODUCT_TYPE_EXTENDED => Breaking,
    PRODUCT_TYPE_NARROWED => Compatible,
    SUM_TYPE_EXTENDED => Compatible,
    SUM_TYPE_NARROWED => Breaking,
    COMBINED_TYPE_SUBSCHEMAS_CHANGED => Breaking,
    NOT_TYPE_EXTENDED => Breaking,
    NOT_TYPE_NARROWED => Compatible,
}

impl Difference {
    /// Whether a reader survives this difference under `policy`.
    pub fn is_compatible(self, policy: Policy) -> bool {
        match self.verdict() {
            Verdict::Compatible => true,
            Verdict::Lenient => policy == Policy::Lenient,
            Verdict::Breaking => false,
        }
    }
}

/// Every difference a reader holding `reader` meets when it reads data written with `writer`
/// (Confluent's `original` → `update`).
pub fn diff(writer: &JsonSchema, reader: &JsonSchema, policy: Policy) -> Vec<Change> {
    let mut differ = Differ {
        old: writer,
        new: reader,
        policy,
        visiting: HashSet::new(),
    };
    differ.compare(writer.root, reader.root, &SchemaPath::root())
}

struct Differ<'a> {
    old: &'a JsonSchema,
    new: &'a JsonSchema,
    policy: Policy,
    visiting: HashSet<(NodeId, NodeId)>,
}

fn all_compatible(changes: &[Change]) -> bool {
    changes.iter().all(|change| change.compatible)
}

fn class(kind: &Kind) -> &'static str {
    match kind {
        Kind::True => "true",
        Kind::False => "false",
        Kind::Empty => "{}",
        Kind::Null => "null",
        Kind::Boolean => "boolean",
        Kind::String(_) => "string",
        Kind::Number(rules) if rules.integer => "integer",
        Kind::Number(_) => "number",
        Kind::Object(_) => "object",
        Kind::Array(_) => "array",
        Kind::Enum(_) => "enum",
        Kind::Not(_) => "not",
        Kind::Combined(criterion, _) => criterion.keyword(),
        Kind::Ref { .. } => "$ref",
    }
}

fn same_class(a: &Kind, b: &Kind) -> bool {
    matches!(
        (a, b),
        (Kind::Number(_), Kind::Number(_))
            | (Kind::True, Kind::True)
            | (Kind::False, Kind::False)
            | (Kind::Empty, Kind::Empty)
            | (Kind::Null, Kind::Null)
            | (Kind::Boolean, Kind::Boolean)
            | (Kind::String(_), Kind::String(_))
            | (Kind::Object(_), Kind::Object(_))
            | (Kind::Array(_), Kind::Array(_))
            | (Kind::Enum(_), Kind::Enum(_))
            | (Kind::Not(_), Kind::Not(_))
    )
}

fn distinct(schema: &JsonSchema, ids: &[NodeId]) -> Vec<(usize, NodeId)> {
    let mut seen: Vec<&Value> = Vec::new();
    let mut out = Vec::new();
    for (index, id) in ids.iter().enumerate() {
        let raw = &schema.node(*id).raw;
        if raw.is_null() || !seen.contains(&raw) {
            seen.push(raw);
            out.push((index, *id));
        }
    }
    out
}

impl Differ<'_> {
    fn change(
        &self,
        difference: Difference,
        path: SchemaPath,
        detail: impl Into<String>,
    ) -> Change {
        Change {
            rule: difference.code(),
            path,
            detail: detail.into(),
            compatible: difference.is_compatible(self.policy),
        }
    }

    fn resolve(&self, schema: &JsonSchema, mut id: NodeId) -> (NodeId, Option<String>) {
        let mut name = None;
        for _ in 0..64 {
            match &schema.node(id).kind {
                Kind::Ref {
                    name: ref_name,
                    target,
                } => {
                    if ref_name.is_some() {
                        name.clone_from(ref_name);
                    }
                    id = *target;
                }
                _ => return (id, name),
            }
        }
        (id, name)
    }

    fn compare(&mut self, o: NodeId, u: NodeId, path: &SchemaPath) -> Vec<Change> {
        let outer = (o, u);
        let (o, old_name) = self.resolve(self.old, o);
        let (u, new_name) = self.resolve(self.new, u);
        let path = match new_name.or(old_name) {
            Some(name) => path.join(Segment::Type(name)),
            None => path.clone(),
        };
        if !self.visiting.insert((o, u)) {
            // Already comparing this pair further up (a recursive type): assume it holds.
            return Vec::new();
        }
        let mut changes = self.compare_resolved(o, u, &path);
        if changes
            .iter()
            .all(|c| c.rule != Difference::TYPE_CHANGED.code())
        {
            let annotated = self.annotations(outer.0, outer.1, &path);
            changes.splice(0..0, annotated);
        }
        self.visiting.remove(&(o, u));
        changes
    }

    fn annotations(&self, o: NodeId, u: NodeId, path: &SchemaPath) -> Vec<Change> {
        let (a, b) = (&self.old.node(o).annotations, &self.new.node(u).annotations);
        let mut changes = Vec::new();
        for (old, new, difference) in [
            (&a.id, &b.id, Difference::ID_CHANGED),
            (&a.title, &b.title, Difference::TITLE_CHANGED),
            (
                &a.description,
                &b.description,
                Difference::DESCRIPTION_CHANGED,
            ),
            (&a.default, &b.default, Difference::DEFAULT_CHANGED),
        ] {
            if old != new {
                changes.push(self.change(difference, path.clone(), ""));
            }
        }
        changes
    }

    fn compare_resolved(&mut self, o: NodeId, u: NodeId, path: &SchemaPath) -> Vec<Change> {
        let old_kind = &self.old.node(o).kind;
        let new_kind = &self.new.node(u).kind;
        if matches!(old_kind, Kind::False) || matches!(new_kind, Kind::Empty | Kind::True) {
            // Nothing was written, or the reader accepts anything.
            return Vec::new();
        }
        match (old_kind, new_kind) {
            (Kind::Combined(oc, os), Kind::Combined(uc, us)) => {
                return self.combined(*oc, os, *uc, us, path);
            }
            (_, Kind::Combined(uc, us)) => return self.became_combined(o, *uc, us, path),
            (Kind::Combined(oc, os), _) => return self.was_combined(*oc, os, u, path),
            _ => {}
        }
        if !same_class(old_kind, new_kind) {
            return vec![self.change(
                Difference::TYPE_CHANGED,
                path.clone(),
                format!("{} → {}", class(old_kind), class(new_kind)),
            )];
        }
        match (old_kind, new_kind) {
            (Kind::String(a), Kind::String(b)) => self.strings(a, b, path),
            (Kind::Number(a), Kind::Number(b)) => self.numbers(a, b, path),
            (Kind::Enum(a), Kind::Enum(b)) => self.enums(a, b, path),
            (Kind::Object(a), Kind::Object(b)) => self.objects(a, b, path),
            (Kind::Array(a), Kind::Array(b)) => self.arrays(a, b, path),
            (Kind::Not(a), Kind::Not(b)) => self.nots(*a, *b, path),
            _ => Vec::new(),
        }
    }

    /// A plain schema became a combination.
    fn became_combined(
        &mut self,
        o: NodeId,
        criterion: Criterion,
        branches: &[NodeId],
        path: &SchemaPath,
    ) -> Vec<Change> {
        if let [only] = branches {
            return self.compare(o, *only, path);
        }
        match criterion {
            Criterion::Any | Criterion::One => {
                for (index, branch) in branches.iter().enumerate() {
                    let mut changes = self.compare(
                        o,
                        *branch,
                        &path.join(Segment::Branch(criterion.keyword(), index)),
                    );
                    if all_compatible(&changes) {
                        changes.push(self.change(
                            Difference::SUM_TYPE_EXTENDED,
                            path.clone(),
                            format!("now one of {} branches", branches.len()),
                        ));
                        return changes;
                    }
                }
                vec![self.change(
                    Difference::TYPE_CHANGED,
                    path.clone(),
                    format!(
                        "{} → {} with no branch accepting the old values",
                        class(&self.old.node(o).kind),
                        criterion.keyword()
                    ),
                )]
            }
            Criterion::All => branches
                .iter()
                .enumerate()
                .flat_map(|(index, branch)| {
                    self.compare(o, *branch, &path.join(Segment::Branch("allOf", index)))
                })
                .collect(),
        }
    }

    /// A combination became a plain schema.
    fn was_combined(
        &mut self,
        criterion: Criterion,
        branches: &[NodeId],
        u: NodeId,
        path: &SchemaPath,
    ) -> Vec<Change> {
        if let [only] = branches {
            return self.compare(*only, u, path);
        }
        match criterion {
            Criterion::All => {
                for branch in branches {
                    let mut changes = self.compare(*branch, u, path);
                    if all_compatible(&changes) {
                        changes.push(self.change(
                            Difference::PRODUCT_TYPE_NARROWED,
                            path.clone(),
                            "",
                        ));
                        return changes;
                    }
                }
                vec![self.change(
                    Difference::TYPE_CHANGED,
                    path.clone(),
                    format!("allOf → {}", class(&self.new.node(u).kind)),
                )]
            }
            Criterion::Any | Criterion::One => {
                let mut changes: Vec<Change> = branches
                    .iter()
                    .flat_map(|branch| self.compare(*branch, u, path))
                    .collect();
                if !all_compatible(&changes) {
                    changes.push(self.change(
                        Difference::SUM_TYPE_NARROWED,
                        path.clone(),
                        format!(
                            "{} of {} branches → {}",
                            criterion.keyword(),
                            branches.len(),
                            class(&self.new.node(u).kind)
                        ),
                    ));
                }
                changes
            }
        }
    }

    fn combined(
        &mut self,
        oc: Criterion,
        os: &[NodeId],
        uc: Criterion,
        us: &[NodeId],
        path: &SchemaPath,
    ) -> Vec<Change> {
        let os = distinct(self.old, os);
        let us = distinct(self.new, us);
        let mut changes = Vec::new();
        if oc != uc {
            let extended = uc == Criterion::Any
                || (uc == Criterion::One && (oc == Criterion::All || os.len() == 1))
                || (uc == Criterion::All && os.len() == 1 && us.len() == 1);
            if !extended {
                return vec![self.change(
                    Difference::COMBINED_TYPE_CHANGED,
                    path.clone(),
                    format!("{} → {}", oc.keyword(), uc.keyword()),
                )];
            }
            changes.push(self.change(
                Difference::COMBINED_TYPE_EXTENDED,
                path.clone(),
                format!("{} → {}", oc.keyword(), uc.keyword()),
            ));
        }
        if os.len() < us.len() {
            let difference = if uc == Criterion::All {
                Difference::PRODUCT_TYPE_EXTENDED
            } else {
                Difference::SUM_TYPE_EXTENDED
            };
            changes.push(self.change(
                difference,
                path.clone(),
                format!("{} → {} branches", os.len(), us.len()),
            ));
        } else if os.len() > us.len() {
            let difference = if oc == Criterion::All {
                Difference::PRODUCT_TYPE_NARROWED
            } else {
                Difference::SUM_TYPE_NARROWED
            };
            changes.push(self.change(
                difference,
                path.clone(),
                format!("{} → {} branches", os.len(), us.len()),
            ));
        }

        let mut outcomes: Vec<Vec<Option<Vec<Change>>>> = Vec::new();
        let mut rejected: Vec<Vec<Change>> = Vec::new();
        for (index, o) in &os {
            let branch_path = path.join(Segment::Branch(oc.keyword(), *index));
            let mut row = Vec::new();
            let mut closest: Option<Vec<Change>> = None;
            for (_, u) in &us {
                let result = self.compare(*o, *u, &branch_path);
                if all_compatible(&result) {
                    row.push(Some(result));
                    continue;
                }
                row.push(None);
                // The nearest miss explains the failure: same kind of schema, fewest breaks.
                let (old_kind, new_kind) = (
                    &self.old.node(self.resolve(self.old, *o).0).kind,
                    &self.new.node(self.resolve(self.new, *u).0).kind,
                );
                let same_kind = same_class(old_kind, new_kind)
                    || matches!(
                        (old_kind, new_kind),
                        (Kind::Combined(..), Kind::Combined(..))
                    );
                let breaks = result.iter().filter(|c| !c.compatible).count();
                let better = closest
                    .as_ref()
                    .is_none_or(|best| breaks < best.iter().filter(|c| !c.compatible).count());
                if same_kind && better {
                    closest = Some(result.into_iter().filter(|c| !c.compatible).collect());
                }
            }
            outcomes.push(row);
            rejected.push(closest.unwrap_or_default());
        }
        let matched = maximum_matching(&outcomes);
        if matched.len() < os.len().min(us.len()) {
            let matched_rows: HashSet<usize> = matched.iter().map(|(row, _)| *row).collect();
            let reasons: Vec<String> = rejected
                .iter()
                .enumerate()
                .filter(|(row, _)| !matched_rows.contains(row))
                .flat_map(|(_, changes)| changes.iter().map(|c| format!("{c}")))
                .collect();
            let mut detail = format!(
                "only {} of {} old branches have a compatible new branch",
                matched.len(),
                os.len().min(us.len())
            );
            if !reasons.is_empty() {
                detail.push_str(&format!(" ({})", reasons.join("; ")));
            }
            changes.push(self.change(
                Difference::COMBINED_TYPE_SUBSCHEMAS_CHANGED,
                path.clone(),
                detail,
            ));
        } else {
            for (row, column) in matched {
                if let Some(result) = outcomes[row][column].take() {
                    changes.extend(result);
                }
            }
        }
        changes
    }

    fn nots(&mut self, o: NodeId, u: NodeId, path: &SchemaPath) -> Vec<Change> {
        // The reader forbids what its `not` matches: it must match no more than the writer's did,
        // which is the reverse comparison.
        let mut reverse = Differ {
            old: self.new,
            new: self.old,
            policy: self.policy,
            visiting: HashSet::new(),
        };
        let changes = reverse.compare(u, o, &path.join(Segment::Not));
        if !all_compatible(&changes) {
            vec![self.change(
                Difference::NOT_TYPE_EXTENDED,
                path.join(Segment::Not),
                "the reader's `not` excludes values the writer allowed",
            )]
        } else if changes.is_empty() {
            Vec::new()
        } else {
            vec![self.change(Difference::NOT_TYPE_NARROWED, path.join(Segment::Not), "")]
        }
    }

    fn enums(&self, a: &[Value], b: &[Value], path: &SchemaPath) -> Vec<Change> {
        let removed: Vec<&Value> = a.iter().filter(|v| !b.contains(v)).collect();
        let added: Vec<&Value> = b.iter().filter(|v| !a.contains(v)).collect();
        let list = |values: &[&Value]| {
            values
                .iter()
                .map(|v| v.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let path = path.keyword("enum");
        match (removed.is_empty(), added.is_empty()) {
            (true, true) => Vec::new(),
            (true, false) => vec![self.change(
                Difference::ENUM_ARRAY_EXTENDED,
                path,
                format!("added {}", list(&added)),
            )],
            (false, true) => vec![self.change(
                Difference::ENUM_ARRAY_NARROWED,
                path,
                format!("removed {}", list(&removed)),
            )],
            (false, false) => vec![self.change(
                Difference::ENUM_ARRAY_CHANGED,
                path,
                format!("removed {}; added {}", list(&removed), list(&added)),
            )],
        }
    }

    fn strings(&self, a: &StringRules, b: &StringRules, path: &SchemaPath) -> Vec<Change> {
        let mut changes = Vec::new();
        self.bound(
            &mut changes,
            path,
            "maxLength",
            a.max_length,
            b.max_length,
            [
                Difference::MAX_LENGTH_ADDED,
                Difference::MAX_LENGTH_REMOVED,
                Difference::MAX_LENGTH_INCREASED,
                Difference::MAX_LENGTH_DECREASED,
            ],
        );
        self.bound(
            &mut changes,
            path,
            "minLength",
            a.min_length,
            b.min_length,
            [
                Difference::MIN_LENGTH_ADDED,
                Difference::MIN_LENGTH_REMOVED,
                Difference::MIN_LENGTH_INCREASED,
                Difference::MIN_LENGTH_DECREASED,
            ],
        );
        self.exact(
            &mut changes,
            path,
            "pattern",
            &a.pattern,
            &b.pattern,
            [
                Difference::PATTERN_ADDED,
                Difference::PATTERN_REMOVED,
                Difference::PATTERN_CHANGED,
            ],
        );
        self.exact(
            &mut changes,
            path,
            "format",
            &a.format,
            &b.format,
            [
                Difference::FORMAT_ADDED,
                Difference::FORMAT_REMOVED,
                Difference::FORMAT_CHANGED,
            ],
        );
        changes
    }

    fn numbers(&self, a: &NumberRules, b: &NumberRules, path: &SchemaPath) -> Vec<Change> {
        let mut changes = Vec::new();
        if a.integer && !b.integer {
            changes.push(self.change(Difference::TYPE_EXTENDED, path.clone(), "integer → number"));
        } else if !a.integer && b.integer {
            changes.push(self.change(Difference::TYPE_NARROWED, path.clone(), "number → integer"));
        }
        self.bound(
            &mut changes,
            path,
            "maximum",
            a.maximum,
            b.maximum,
            [
                Difference::MAXIMUM_ADDED,
                Difference::MAXIMUM_REMOVED,
                Difference::MAXIMUM_INCREASED,
                Difference::MAXIMUM_DECREASED,
            ],
        );
        self.bound(
            &mut changes,
            path,
            "minimum",
            a.minimum,
            b.minimum,
            [
                Difference::MINIMUM_ADDED,
                Difference::MINIMUM_REMOVED,
                Difference::MINIMUM_INCREASED,
                Difference::MINIMUM_DECREASED,
            ],
        );
        self.bound(
            &mut changes,
            path,
            "exclusiveMaximum",
            a.exclusive_maximum,
            b.exclusive_maximum,
            [
                Difference::EXCLUSIVE_MAXIMUM_ADDED,
                Difference::EXCLUSIVE_MAXIMUM_REMOVED,
                Difference::EXCLUSIVE_MAXIMUM_INCREASED,
                Difference::EXCLUSIVE_MAXIMUM_DECREASED,
            ],
        );
        self.bound(
            &mut changes,
            path,
            "exclusiveMinimum",
            a.exclusive_minimum,
            b.exclusive_minimum,
            [
                Difference::EXCLUSIVE_MINIMUM_ADDED,
                Difference::EXCLUSIVE_MINIMUM_REMOVED,
                Difference::EXCLUSIVE_MINIMUM_INCREASED,
                Difference::EXCLUSIVE_MINIMUM_DECREASED,
            ],
        );
        let multiple = path.keyword("multipleOf");
        match (a.multiple_of, b.multiple_of) {
            (None, Some(new)) => changes.push(self.change(
                Difference::MULTIPLE_OF_ADDED,
                multiple,
                format!("multipleOf {new}"),
            )),
            (Some(old), None) => changes.push(self.change(
                Difference::MULTIPLE_OF_REMOVED,
                multiple,
                format!("was {old}"),
            )),
            (Some(old), Some(new)) if old != new => {
                let divides = |a: f64, b: f64| b != 0.0 && ((a / b) - (a / b).round()).abs() < 1e-9;
                let difference = if divides(old, new) {
                    Difference::MULTIPLE_OF_REDUCED
                } else if divides(new, old) {
                    Difference::MULTIPLE_OF_EXPANDED
                } else {
                    Difference::MULTIPLE_OF_CHANGED
                };
                changes.push(self.change(difference, multiple, format!("{old} → {new}")));
            }
            _ => {}
        }
        self.exact(
            &mut changes,
            path,
            "format",
            &a.format,
            &b.format,
            [
                Difference::FORMAT_ADDED,
                Difference::FORMAT_REMOVED,
                Difference::FORMAT_CHANGED,
            ],
        );
        changes
    }

    fn bound<T: PartialOrd + std::fmt::Display + Copy>(
        &self,
        changes: &mut Vec<Change>,
        path: &SchemaPath,
        keyword: &str,
        old: Option<T>,
        new: Option<T>,
        [added, removed, increased, decreased]: [Difference; 4],
    ) {
        let path = path.keyword(keyword);
        let change = match (old, new) {
            (None, Some(new)) => Some((added, format!("{keyword} {new}"))),
            (Some(old), None) => Some((removed, format!("was {old}"))),
            (Some(old), Some(new)) if new > old => Some((increased, format!("{old} → {new}"))),
            (Some(old), Some(new)) if new < old => Some((decreased, format!("{old} → {new}"))),
            _ => None,
        };
        if let Some((difference, detail)) = change {
            changes.push(self.change(difference, path, detail));
        }
    }

    fn exact(
        &self,
        changes: &mut Vec<Change>,
        path: &SchemaPath,
        keyword: &str,
        old: &Option<String>,
        new: &Option<String>,
        [added, removed, changed]: [Difference; 3],
    ) {
        let path = path.keyword(keyword);
        match (old, new) {
            (None, Some(new)) => {
                changes.push(self.change(added, path, format!("{keyword} `{new}`")))
            }
            (Some(old), None) => changes.push(self.change(removed, path, format!("was `{old}`"))),
            (Some(old), Some(new)) if old != new => {
                changes.push(self.change(changed, path, format!("`{old}` → `{new}`")));
            }
            _ => {}
        }
    }

    fn objects(&mut self, a: &ObjectRules, b: &ObjectRules, path: &SchemaPath) -> Vec<Change> {
        let mut changes = Vec::new();
        let additional = path.join(Segment::Values);
        match (a.additional(), b.additional()) {
            (Additional::Allowed, Additional::Allowed)
            | (Additional::Forbidden, Additional::Forbidden) => {}
            (Additional::Forbidden, _) => {
                changes.push(self.change(Difference::ADDITIONAL_PROPERTIES_ADDED, additional, ""));
            }
            (_, Additional::Forbidden) => changes.push(self.change(
                Difference::ADDITIONAL_PROPERTIES_REMOVED,
                additional,
                "the object is now closed",
            )),
            (Additional::Schema(_), Additional::Allowed) => {
                changes.push(self.change(
                    Difference::ADDITIONAL_PROPERTIES_EXTENDED,
                    additional,
                    "",
                ));
            }
            (Additional::Allowed, Additional::Schema(_)) => {
                changes.push(self.change(
                    Difference::ADDITIONAL_PROPERTIES_NARROWED,
                    additional,
                    "",
                ));
            }
            (Additional::Schema(o), Additional::Schema(u)) => {
                changes.extend(self.compare(o, u, &additional));
            }
        }

        for (name, old) in &a.dependencies {
            let at = path.join(Segment::Dependency(name.clone()));
            let new = b
                .dependencies
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, d)| d);
            match (old, new) {
                (Dependency::Properties(_), None) => {
                    changes.push(self.change(Difference::DEPENDENCY_ARRAY_REMOVED, at, ""));
                }
                (Dependency::Schema(_), None) => {
                    changes.push(self.change(Difference::DEPENDENCY_SCHEMA_REMOVED, at, ""));
                }
                (Dependency::Properties(o), Some(Dependency::Properties(u))) => {
                    let narrowed = u.iter().all(|p| o.contains(p));
                    let extended = o.iter().all(|p| u.contains(p));
                    let difference = match (narrowed, extended) {
                        (true, true) => None,
                        (true, false) => Some(Difference::DEPENDENCY_ARRAY_NARROWED),
                        (false, true) => Some(Difference::DEPENDENCY_ARRAY_EXTENDED),
                        (false, false) => Some(Difference::DEPENDENCY_ARRAY_CHANGED),
                    };
                    if let Some(difference) = difference {
                        changes.push(self.change(difference, at, format!("{o:?} → {u:?}")));
                    }
                }
                (Dependency::Schema(o), Some(Dependency::Schema(u))) => {
                    changes.extend(self.compare(*o, *u, &at));
                }
                _ => changes.push(self.change(
                    Difference::TYPE_CHANGED,
                    at,
                    "dependency kind changed",
                )),
            }
        }
        for (name, new) in &b.dependencies {
            if a.dependencies.iter().any(|(n, _)| n == name) {
                continue;
            }
            let at = path.join(Segment::Dependency(name.clone()));
            let difference = match new {
                Dependency::Properties(_) => Difference::DEPENDENCY_ARRAY_ADDED,
                Dependency::Schema(_) => Difference::DEPENDENCY_SCHEMA_ADDED,
            };
            changes.push(self.change(difference, at, ""));
        }

        for name in &a.required {
            if !b.required.contains(name) {
                changes.push(self.change(
                    Difference::REQUIRED_ATTRIBUTE_REMOVED,
                    path.join(Segment::Field(name.clone())).keyword("required"),
                    format!("`{name}` is no longer required"),
                ));
            }
        }
        for name in &b.required {
            if a.required.contains(name) || a.property(name).is_none() {
                continue;
            }
            let Some(property) = b.property(name) else {
                continue;
            };
            let difference = if self.has_default(property) {
                Difference::REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED
            } else {
                Difference::REQUIRED_ATTRIBUTE_ADDED
            };
            changes.push(self.change(
                difference,
                path.join(Segment::Field(name.clone())).keyword("required"),
                format!("`{name}` is now required"),
            ));
        }

        self.bound(
            &mut changes,
            path,
            "maxProperties",
            a.max_properties,
            b.max_properties,
            [
                Difference::MAX_PROPERTIES_ADDED,
                Difference::MAX_PROPERTIES_REMOVED,
                Difference::MAX_PROPERTIES_INCREASED,
                Difference::MAX_PROPERTIES_DECREASED,
            ],
        );
        self.bound(
            &mut changes,
            path,
            "minProperties",
            a.min_properties,
            b.min_properties,
            [
                Difference::MIN_PROPERTIES_ADDED,
                Difference::MIN_PROPERTIES_REMOVED,
                Difference::MIN_PROPERTIES_INCREASED,
                Difference::MIN_PROPERTIES_DECREASED,
            ],
        );

        for (name, old) in &a.properties {
            let at = path.join(Segment::Field(name.clone()));
            match b.property(name) {
                Some(new) => changes.extend(self.compare(*old, new, &at)),
                None => changes.extend(self.property_removed(*old, b, name, &at)),
            }
        }
        for (name, new) in &b.properties {
            if a.property(name).is_none() {
                let at = path.join(Segment::Field(name.clone()));
                changes.extend(self.property_added(a, *new, b.required.contains(name), name, &at));
            }
        }
        changes
    }

    fn has_default(&self, id: NodeId) -> bool {
        let (resolved, _) = self.resolve(self.new, id);
        self.new.node(id).annotations.default.is_some()
            || self.new.node(resolved).annotations.default.is_some()
    }

    /// A property the writer declared is gone from the reader: the reader now judges it by its
    /// pattern properties or `additionalProperties`.
    fn property_removed(
        &mut self,
        old: NodeId,
        reader: &ObjectRules,
        name: &str,
        at: &SchemaPath,
    ) -> Vec<Change> {
        match reader.covering(name) {
            Additional::Allowed => vec![self.change(
                Difference::PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL,
                at.clone(),
                format!("`{name}` removed"),
            )],
            Additional::Forbidden => {
                let (resolved, _) = self.resolve(self.old, old);
                if matches!(self.old.node(resolved).kind, Kind::False) {
                    vec![self.change(
                        Difference::PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL,
                        at.clone(),
                        "",
                    )]
                } else {
                    vec![self.change(
                        Difference::PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL,
                        at.clone(),
                        format!("`{name}` removed; the reader rejects data that still carries it"),
                    )]
                }
            }
            Additional::Schema(covering) => {
                let mut changes = self.compare(old, covering, at);
                let difference = if all_compatible(&changes) {
                    Difference::PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
                } else {
                    Difference::PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
                };
                changes.push(self.change(difference, at.clone(), format!("`{name}` removed")));
                changes
            }
        }
    }

    /// A property the writer did not declare appears in the reader: the writer judged it by its
    /// pattern properties or `additionalProperties`.
    fn property_added(
        &mut self,
        writer: &ObjectRules,
        new: NodeId,
        required: bool,
        name: &str,
        at: &SchemaPath,
    ) -> Vec<Change> {
        let with_default = self.has_default(new);
        let unopen = |this: &Self| {
            let difference = match (required, with_default) {
                (false, _) => Difference::OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL,
                (true, true) => {
                    Difference::REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL
                }
                (true, false) => Difference::REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL,
            };
            this.change(difference, at.clone(), format!("`{name}` added"))
        };
        match writer.covering(name) {
            Additional::Allowed => {
                let (resolved, _) = self.resolve(self.new, new);
                let difference = if matches!(self.new.node(resolved).kind, Kind::Empty | Kind::True)
                {
                    Difference::PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL
                } else if required && !with_default {
                    Difference::REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL
                } else {
                    Difference::OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL
                };
                vec![self.change(
                    difference,
                    at.clone(),
                    format!(
                        "`{name}` added to an open object, where old data may hold any `{name}`"
                    ),
                )]
            }
            Additional::Forbidden => vec![unopen(self)],
            Additional::Schema(covering) => {
                let mut changes = self.compare(covering, new, at);
                let difference = if all_compatible(&changes) {
                    Difference::PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
                } else {
                    Difference::PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
                };
                changes.push(self.change(difference, at.clone(), ""));
                changes.push(unopen(self));
                changes
            }
        }
    }

    fn arrays(&mut self, a: &ArrayRules, b: &ArrayRules, path: &SchemaPath) -> Vec<Change> {
        let mut changes = Vec::new();
        self.bound(
            &mut changes,
            path,
            "maxItems",
            a.max_items,
            b.max_items,
            [
                Difference::MAX_ITEMS_ADDED,
                Difference::MAX_ITEMS_REMOVED,
                Difference::MAX_ITEMS_INCREASED,
                Difference::MAX_ITEMS_DECREASED,
            ],
        );
        self.bound(
            &mut changes,
            path,
            "minItems",
            a.min_items,
            b.min_items,
            [
                Difference::MIN_ITEMS_ADDED,
                Difference::MIN_ITEMS_REMOVED,
                Difference::MIN_ITEMS_INCREASED,
                Difference::MIN_ITEMS_DECREASED,
            ],
        );
        match (a.unique_items, b.unique_items) {
            (false, true) => changes.push(self.change(
                Difference::UNIQUE_ITEMS_ADDED,
                path.keyword("uniqueItems"),
                "",
            )),
            (true, false) => changes.push(self.change(
                Difference::UNIQUE_ITEMS_REMOVED,
                path.keyword("uniqueItems"),
                "",
            )),
            _ => {}
        }

        for index in 0..a.tuple.len().max(b.tuple.len()) {
            let at = path.join(Segment::TupleItem(index));
            match (a.tuple.get(index), b.tuple.get(index)) {
                (Some(o), Some(u)) => changes.extend(self.compare(*o, *u, &at)),
                (Some(o), None) => changes.extend(self.item_removed(*o, b.rest(), &at)),
                (None, Some(u)) => changes.extend(self.item_added(a.rest(), *u, &at)),
                (None, None) => {}
            }
        }

        let items_keyword = a.rest_is_items || b.rest_is_items;
        let rest_path = if items_keyword {
            path.join(Segment::Items)
        } else {
            path.join(Segment::AdditionalItems)
        };
        match (a.rest(), b.rest()) {
            (Additional::Allowed, Additional::Allowed)
            | (Additional::Forbidden, Additional::Forbidden) => {}
            (Additional::Schema(o), Additional::Schema(u)) => {
                changes.extend(self.compare(o, u, &rest_path));
            }
            (Additional::Allowed, Additional::Schema(_)) if items_keyword => {
                changes.push(self.change(
                    Difference::SCHEMA_ADDED,
                    rest_path,
                    "items now constrained",
                ));
            }
            (Additional::Schema(_), Additional::Allowed) if items_keyword => {
                changes.push(self.change(Difference::SCHEMA_REMOVED, rest_path, ""));
            }
            (Additional::Forbidden, _) => {
                changes.push(self.change(Difference::ADDITIONAL_ITEMS_ADDED, rest_path, ""));
            }
            (_, Additional::Forbidden) => {
                changes.push(self.change(Difference::ADDITIONAL_ITEMS_REMOVED, rest_path, ""));
            }
            (Additional::Schema(_), Additional::Allowed) => {
                changes.push(self.change(Difference::ADDITIONAL_ITEMS_EXTENDED, rest_path, ""));
            }
            (Additional::Allowed, Additional::Schema(_)) => {
                changes.push(self.change(Difference::ADDITIONAL_ITEMS_NARROWED, rest_path, ""));
            }
        }
        changes
    }

    fn item_removed(
        &mut self,
        old: NodeId,
        reader_rest: Additional,
        at: &SchemaPath,
    ) -> Vec<Change> {
        match reader_rest {
            Additional::Allowed => vec![self.change(
                Difference::ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL,
                at.clone(),
                "",
            )],
            Additional::Forbidden => {
                let (resolved, _) = self.resolve(self.old, old);
                let difference = if matches!(self.old.node(resolved).kind, Kind::False) {
                    Difference::ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL
                } else {
                    Difference::ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL
                };
                vec![self.change(difference, at.clone(), "")]
            }
            Additional::Schema(covering) => {
                let mut changes = self.compare(old, covering, at);
                let difference = if all_compatible(&changes) {
                    Difference::ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
                } else {
                    Difference::ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
                };
                changes.push(self.change(difference, at.clone(), ""));
                changes
            }
        }
    }

    fn item_added(&mut self, writer_rest: Additional, new: NodeId, at: &SchemaPath) -> Vec<Change> {
        match writer_rest {
            Additional::Allowed => {
                let (resolved, _) = self.resolve(self.new, new);
                let difference = if matches!(self.new.node(resolved).kind, Kind::Empty | Kind::True)
                {
                    Difference::ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL
                } else {
                    Difference::ITEM_ADDED_TO_OPEN_CONTENT_MODEL
                };
                vec![self.change(difference, at.clone(), "")]
            }
            Additional::Forbidden => vec![self.change(
                Difference::ITEM_ADDED_TO_CLOSED_CONTENT_MODEL,
                at.clone(),
                "",
            )],
            Additional::Schema(covering) => {
                let mut changes = self.compare(covering, new, at);
                let difference = if all_compatible(&changes) {
                    Difference::ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
                } else {
                    Difference::ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
                };
                changes.push(self.change(difference, at.clone(), ""));
                changes
            }
        }
    }
}

/// Maximum bipartite matching (Kuhn's algorithm) over the compatible pairs of `outcomes`
/// (rows: old branches, columns: new branches). Returns the matched `(row, column)` pairs.
fn maximum_matching<T>(outcomes: &[Vec<Option<T>>]) -> Vec<(usize, usize)> {
    let columns = outcomes.first().map_or(0, Vec::len);
    let mut owner: Vec<Option<usize>> = vec![None; columns];
    fn augment<T>(
        row: usize,
        outcomes: &[Vec<Option<T>>],
        owner: &mut [Option<usize>],
        seen: &mut [bool],
    ) -> bool {
        for column in 0..owner.len() {
            if outcomes[row][column].is_none() || seen[column] {
                continue;
            }
            seen[column] = true;
            let free = match owner[column] {
                None => true,
                Some(other) => augment(other, outcomes, owner, seen),
            };
            if free {
                owner[column] = Some(row);
                return true;
            }
        }
        false
    }
    for row in 0..outcomes.len() {
        let mut seen = vec![false; columns];
        augment(row, outcomes, &mut owner, &mut seen);
    }
    owner
        .iter()
        .enumerate()
        .filter_map(|(column, row)| row.map(|row| (row, column)))
        .collect()
}
