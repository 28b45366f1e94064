//! Loading a JSON Schema document into the typed model the differ walks.

use std::collections::HashMap;

use regex::Regex;
use serde_json::Value;

use crate::{CompatError, SchemaFormat};

pub(super) type NodeId = usize;

/// A loaded JSON Schema document.
#[derive(Debug, Clone)]
pub struct JsonSchema {
    pub(super) nodes: Vec<Node>,
    pub(super) root: NodeId,
}

#[derive(Debug, Clone)]
pub(super) struct Node {
    pub(super) raw: Value,
    pub(super) annotations: Annotations,
    pub(super) kind: Kind,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Annotations {
    pub(super) id: Option<Value>,
    pub(super) title: Option<Value>,
    pub(super) description: Option<Value>,
    pub(super) default: Option<Value>,
}

#[derive(Debug, Clone)]
pub(super) enum Kind {
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
pub(super) enum Criterion {
    All,
    Any,
    One,
}

impl Criterion {
    pub(super) const fn keyword(self) -> &'static str {
        match self {
            Self::All => "allOf",
            Self::Any => "anyOf",
            Self::One => "oneOf",
        }
    }
}

#[derive(Debug, Clone, Default)]
pub(super) struct StringRules {
    pub(super) min_length: Option<u64>,
    pub(super) max_length: Option<u64>,
    pub(super) pattern: Option<String>,
    /// `pattern` compiled; `None` also when it uses syntax the `regex` crate lacks (look-around,
    /// back-references), which the validator then treats as matching everything.
    pub(super) pattern_regex: Option<Regex>,
    pub(super) format: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub(super) struct NumberRules {
    pub(super) integer: bool,
    pub(super) minimum: Option<f64>,
    pub(super) maximum: Option<f64>,
    pub(super) exclusive_minimum: Option<f64>,
    pub(super) exclusive_maximum: Option<f64>,
    pub(super) multiple_of: Option<f64>,
    pub(super) format: Option<String>,
}

/// What an object or array accepts beyond what it declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Additional {
    /// Anything (`true`, `{}` or absent).
    Allowed,
    /// Nothing (`false`).
    Forbidden,
    /// Values of this schema.
    Schema(NodeId),
}

#[derive(Debug, Clone)]
pub(super) enum Dependency {
    Properties(Vec<String>),
    Schema(NodeId),
}

#[derive(Debug, Clone, Default)]
pub(super) struct ObjectRules {
    pub(super) properties: Vec<(String, NodeId)>,
    pub(super) required: Vec<String>,
    pub(super) additional: Option<Additional>,
    /// `patternProperties`: each pattern, compiled, with its schema. Every pattern a name
    /// matches applies, also to declared properties.
    pub(super) patterns: Vec<(Regex, NodeId)>,
    pub(super) min_properties: Option<u64>,
    pub(super) max_properties: Option<u64>,
    pub(super) dependencies: Vec<(String, Dependency)>,
}

#[derive(Debug, Clone, Default)]
pub(super) struct ArrayRules {
    pub(super) tuple: Vec<NodeId>,
    pub(super) rest: Option<Additional>,
    /// `rest` came from an all-items `items` schema rather than `additionalItems`.
    pub(super) rest_is_items: bool,
    pub(super) min_items: Option<u64>,
    pub(super) max_items: Option<u64>,
    pub(super) unique_items: bool,
}

impl ObjectRules {
    pub(super) fn additional(&self) -> Additional {
        self.additional.unwrap_or(Additional::Allowed)
    }

    pub(super) fn property(&self, name: &str) -> Option<NodeId> {
        self.properties
            .iter()
            .find(|(candidate, _)| candidate == name)
            .map(|(_, id)| *id)
    }

    /// The schema a property not declared in `properties` would be checked against.
    pub(super) fn covering(&self, name: &str) -> Additional {
        self.patterns
            .iter()
            .find(|(pattern, _)| pattern.is_match(name))
            .map(|(_, id)| Additional::Schema(*id))
            .unwrap_or_else(|| self.additional())
    }
}

impl ArrayRules {
    pub(super) fn rest(&self) -> Additional {
        self.rest.unwrap_or(Additional::Allowed)
    }
}

pub(super) const STRING_KEYWORDS: &[&str] = &["minLength", "maxLength", "pattern"];
pub(super) const NUMBER_KEYWORDS: &[&str] = &[
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
];
pub(super) const OBJECT_KEYWORDS: &[&str] = &[
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
pub(super) const ARRAY_KEYWORDS: &[&str] = &[
    "items",
    "prefixItems",
    "additionalItems",
    "minItems",
    "maxItems",
    "uniqueItems",
];
pub(super) const UNSUPPORTED: &[(&str, &str)] = &[
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

    pub(super) fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id]
    }
}

pub(super) fn invalid(pointer: &str, message: impl std::fmt::Display) -> CompatError {
    CompatError::Invalid {
        format: SchemaFormat::JsonSchema,
        message: format!("{pointer}: {message}"),
    }
}

pub(super) struct Loader<'a> {
    pub(super) document: &'a Value,
    pub(super) nodes: Vec<Node>,
    pub(super) by_pointer: HashMap<String, NodeId>,
}

impl Loader<'_> {
    pub(super) fn push(&mut self, node: Node) -> NodeId {
        self.nodes.push(node);
        self.nodes.len() - 1
    }

    pub(super) fn load(&mut self, pointer: String, value: &Value) -> Result<NodeId, CompatError> {
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

    pub(super) fn build(&mut self, pointer: &str, value: &Value) -> Result<Node, CompatError> {
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

    pub(super) fn reference(
        &mut self,
        pointer: &str,
        reference: &Value,
    ) -> Result<NodeId, CompatError> {
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
    pub(super) fn typed(
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

    pub(super) fn object_rules(
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

    pub(super) fn array_rules(
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

    pub(super) fn additional(
        &mut self,
        pointer: &str,
        schema: &Value,
    ) -> Result<Additional, CompatError> {
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

pub(super) fn leaf(raw: &Value, kind: Kind) -> Node {
    Node {
        raw: raw.clone(),
        annotations: Annotations::default(),
        kind,
    }
}

pub(super) fn string_list(
    pointer: &str,
    keyword: &str,
    value: &Value,
) -> Result<Vec<String>, CompatError> {
    let error = || invalid(pointer, format!("`{keyword}` must be an array of strings"));
    value
        .as_array()
        .ok_or_else(error)?
        .iter()
        .map(|item| item.as_str().map(str::to_owned).ok_or_else(error))
        .collect()
}

pub(super) fn count(
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

pub(super) fn number(
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

pub(super) fn string_rules(
    pointer: &str,
    object: &serde_json::Map<String, Value>,
) -> Result<StringRules, CompatError> {
    let pattern = object
        .get("pattern")
        .and_then(Value::as_str)
        .map(str::to_owned);
    Ok(StringRules {
        min_length: count(pointer, object, "minLength")?,
        max_length: count(pointer, object, "maxLength")?,
        pattern_regex: pattern.as_deref().and_then(|p| Regex::new(p).ok()),
        pattern,
        format: object
            .get("format")
            .and_then(Value::as_str)
            .map(str::to_owned),
    })
}

pub(super) fn number_rules(
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
