//! Cross-field rules: constraints that tie several fields of one object together, declared on the
//! Rust type and carried by every target.
//!
//! ```
//! use serde::{Deserialize, Serialize};
//! use tidings::schemars::{self, JsonSchema};
//!
//! /// Either a canonical assignment or an ad-hoc prompt, never both.
//! #[derive(Serialize, Deserialize, JsonSchema)]
//! #[schemars(transform = tidings::rules::exactly_one_of(&["assignment_id", "prompt_ref"]))]
//! struct PromptSelection {
//!     assignment_id: Option<String>,
//!     prompt_ref: Option<String>,
//! }
//! ```
//!
//! A field is **given** when it is present, not `null` and not the empty string `""`. The rules:
//!
//! | rule | holds when |
//! |---|---|
//! | [`exactly_one_of`] | exactly one of the fields is given |
//! | [`at_least_one_of`] | one or more of the fields are given |
//! | [`at_most_one_of`] | no two of the fields are given |
//! | [`required_with`] | when the first field is given, each of the others is given |
//!
//! One more kind is not a constraint but a **derived default**, what a pydantic
//! `model_validator(mode="before")` does: [`filled_from`] fills a field that is absent or `null`
//! from other string fields, joined by a space and trimmed (HuleEdu's `PersonNameV1` fills
//! `legal_full_name` from `first_name` and `last_name`). Every value keeps it, so its JSON Schema
//! entry constrains nothing and carries only the marker and a description; the Python package fills
//! the field when a model is built or parsed; the outbox writes it filled, and the consumer
//! ([`crate::consumer`]) fills it before a payload is decoded into its Rust type (for records from
//! other producers), so no consumer sees it empty. [`fill_defaults`] does the same for a payload
//! read by other means.
//!
//! Each rule becomes one entry of the object's `allOf` in the JSON Schema, marked with
//! [`RULE_KEYWORD`] and written with `required`, `not`, `enum`, `oneOf` and `anyOf` only, so any
//! 2020-12 validator (python-jsonschema, ajv) enforces it. [`crate::validate`] (and so
//! `Event::validate` and the outbox) reports a broken rule as one [`crate::Violation`] whose
//! `rule` is the rule's name and whose `fields` name the fields; the Python package checks it in a
//! pydantic `model_validator`; Avro has no such constraints and carries the fields unchanged.
//! A rule naming a field its object does not have on the wire, or a derived default over a field
//! that is not text, is refused when the schemas are generated ([`check_rules`]:
//! `SchemaError::UnknownRuleField`, `SchemaError::FillNotText`).

use schemars::Schema;
use schemars::transform::Transform;
use serde_json::{Map, Value, json};

/// Marks an `allOf` entry as a cross-field rule: `{"kind": "exactly_one_of", "fields": [...]}`.
pub const RULE_KEYWORD: &str = "x-tidings-rule";

/// The kinds of cross-field rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleKind {
    /// Exactly one of the fields is given.
    ExactlyOneOf,
    /// One or more of the fields are given.
    AtLeastOneOf,
    /// No two of the fields are given.
    AtMostOneOf,
    /// When the first field is given, each of the others is given.
    RequiredWith,
    /// Not a constraint: when the first field is absent or `null`, it is filled with the other
    /// fields' strings joined by a space and trimmed.
    FilledFrom,
}

impl RuleKind {
    /// The rule's name in schemas and errors: `exactly_one_of`, `at_least_one_of`,
    /// `at_most_one_of`, `required_with`, `filled_from`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ExactlyOneOf => "exactly_one_of",
            Self::AtLeastOneOf => "at_least_one_of",
            Self::AtMostOneOf => "at_most_one_of",
            Self::RequiredWith => "required_with",
            Self::FilledFrom => "filled_from",
        }
    }

    /// The kind named `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        [
            Self::ExactlyOneOf,
            Self::AtLeastOneOf,
            Self::AtMostOneOf,
            Self::RequiredWith,
            Self::FilledFrom,
        ]
        .into_iter()
        .find(|kind| kind.as_str() == name)
    }
}

/// A cross-field rule; a schemars [`Transform`], used as
/// `#[schemars(transform = tidings::rules::exactly_one_of(&["a", "b"]))]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// What must hold.
    pub kind: RuleKind,
    /// The fields, by wire name (for [`RuleKind::RequiredWith`], the condition first).
    pub fields: Vec<String>,
}

/// Exactly one of `fields` is given.
pub fn exactly_one_of(fields: &[&str]) -> Rule {
    Rule::new(RuleKind::ExactlyOneOf, fields)
}

/// One or more of `fields` are given.
pub fn at_least_one_of(fields: &[&str]) -> Rule {
    Rule::new(RuleKind::AtLeastOneOf, fields)
}

/// No two of `fields` are given.
pub fn at_most_one_of(fields: &[&str]) -> Rule {
    Rule::new(RuleKind::AtMostOneOf, fields)
}

/// When `field` is given, each of `required` is given too.
pub fn required_with(field: &str, required: &[&str]) -> Rule {
    let mut fields = vec![field];
    fields.extend_from_slice(required);
    Rule::new(RuleKind::RequiredWith, &fields)
}

/// When `field` is absent or `null`, it is filled with the strings of `sources`, joined by a space
/// and trimmed (sources that are absent, `null` or not strings are left out; with none left, the
/// field stays as it is). A derived default, not a constraint: see the [module docs](self).
pub fn filled_from(field: &str, sources: &[&str]) -> Rule {
    let mut fields = vec![field];
    fields.extend_from_slice(sources);
    Rule::new(RuleKind::FilledFrom, &fields)
}

fn quoted(fields: &[String]) -> String {
    let names: Vec<String> = fields.iter().map(|f| format!("`{f}`")).collect();
    match names.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The values that count as not given (besides absence).
fn blank() -> Value {
    json!([null, ""])
}

/// The subschema "every field of `fields` is given". `additionalProperties: true` says outright
/// that the subschema constrains only these fields (and keeps it from being closed).
fn given(fields: &[String]) -> Value {
    let properties: Map<String, Value> = fields
        .iter()
        .map(|field| (field.clone(), json!({ "not": { "enum": blank() } })))
        .collect();
    json!({ "required": fields, "properties": properties, "additionalProperties": true })
}

impl Rule {
    fn new(kind: RuleKind, fields: &[&str]) -> Self {
        Self {
            kind,
            fields: fields.iter().map(|f| (*f).to_owned()).collect(),
        }
    }

    /// What the rule says, naming the fields: "exactly one of `a` and `b` must be given".
    pub fn describe(&self) -> String {
        let all = quoted(&self.fields);
        match self.kind {
            RuleKind::ExactlyOneOf => format!("exactly one of {all} must be given"),
            RuleKind::AtLeastOneOf => format!("at least one of {all} must be given"),
            RuleKind::AtMostOneOf => format!("at most one of {all} may be given"),
            RuleKind::RequiredWith => match self.fields.split_first() {
                Some((first, rest)) => {
                    format!("when `{first}` is given, {} must be given", quoted(rest))
                }
                None => String::new(),
            },
            RuleKind::FilledFrom => match self.fields.split_first() {
                Some((first, rest)) => format!(
                    "when `{first}` is absent or null, it is filled with {} joined by a space, trimmed",
                    quoted(rest)
                ),
                None => String::new(),
            },
        }
    }

    /// Whether the rule is a constraint a value can break (every kind but
    /// [`RuleKind::FilledFrom`]).
    pub fn is_constraint(&self) -> bool {
        self.kind != RuleKind::FilledFrom
    }

    /// Applies a derived default ([`RuleKind::FilledFrom`]) to `object`; returns whether it filled
    /// the field. Other kinds leave `object` as it is.
    pub fn fill(&self, object: &mut Map<String, Value>) -> bool {
        let (RuleKind::FilledFrom, Some((field, sources))) = (self.kind, self.fields.split_first())
        else {
            return false;
        };
        if object.get(field).is_some_and(|value| !value.is_null()) {
            return false;
        }
        let parts: Vec<&str> = sources
            .iter()
            .filter_map(|source| object.get(source)?.as_str())
            .collect();
        if parts.is_empty() {
            return false;
        }
        // Trimmed as Python's `str.strip()` trims, so both languages fill the same string: Unicode
        // White_Space and the four information separators U+001C..U+001F.
        let filled = parts
            .join(" ")
            .trim_matches(|c: char| c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c))
            .to_owned();
        object.insert(field.clone(), Value::String(filled));
        true
    }

    /// The rule as a JSON Schema `allOf` entry (marked with [`RULE_KEYWORD`]).
    pub fn to_json_schema(&self) -> Value {
        let one = |field: &String| given(std::slice::from_ref(field));
        let mut entry = match self.kind {
            RuleKind::ExactlyOneOf => {
                json!({ "oneOf": self.fields.iter().map(one).collect::<Vec<_>>() })
            }
            RuleKind::AtLeastOneOf => {
                json!({ "anyOf": self.fields.iter().map(one).collect::<Vec<_>>() })
            }
            RuleKind::AtMostOneOf => {
                let mut pairs = Vec::new();
                for (index, first) in self.fields.iter().enumerate() {
                    for second in &self.fields[index + 1..] {
                        pairs.push(given(&[first.clone(), second.clone()]));
                    }
                }
                json!({ "not": { "anyOf": pairs } })
            }
            RuleKind::RequiredWith => match self.fields.split_first() {
                Some((first, _)) => json!({
                    "anyOf": [
                        { "not": one(first) },
                        given(&self.fields),
                    ]
                }),
                None => json!({}),
            },
            // A derived default constrains nothing: the entry only carries the marker.
            RuleKind::FilledFrom => json!({}),
        };
        if let Value::Object(entry) = &mut entry {
            entry.insert(
                RULE_KEYWORD.into(),
                json!({ "kind": self.kind.as_str(), "fields": self.fields }),
            );
            entry.insert("description".into(), Value::String(self.describe()));
        }
        entry
    }

    /// Reads the rule of an `allOf` entry, if it is one.
    pub fn from_json_schema(entry: &Value) -> Option<Self> {
        let marker = entry.get(RULE_KEYWORD)?;
        let kind = RuleKind::from_name(marker.get("kind")?.as_str()?)?;
        let fields = marker
            .get("fields")?
            .as_array()?
            .iter()
            .map(|f| f.as_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()?;
        Some(Self { kind, fields })
    }

    /// Whether `object` (a JSON object's members) keeps the rule.
    pub fn holds(&self, object: &Map<String, Value>) -> bool {
        let is_given = |field: &String| object.get(field).is_some_and(|v| !v.is_null() && v != "");
        let count = self.fields.iter().filter(|f| is_given(f)).count();
        match self.kind {
            RuleKind::ExactlyOneOf => count == 1,
            RuleKind::AtLeastOneOf => count >= 1,
            RuleKind::AtMostOneOf => count <= 1,
            RuleKind::RequiredWith => match self.fields.split_first() {
                Some((first, rest)) => !is_given(first) || rest.iter().all(is_given),
                None => true,
            },
            RuleKind::FilledFrom => true,
        }
    }
}

/// The rules of an object schema (its `allOf` entries marked with [`RULE_KEYWORD`]).
pub fn rules_of(schema: &Value) -> Vec<Rule> {
    schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Rule::from_json_schema)
        .collect()
}

/// Fills every derived default ([`filled_from`]) of `schema` (a root schema, its `$ref`s pointing
/// into it) in `value`, at whatever depth the rule's object sits: in properties, array items, map
/// values and the branches of `allOf`/`anyOf`/`oneOf`. Returns how many fields it filled.
pub fn fill_defaults(schema: &Value, value: &mut Value) -> usize {
    fill_at(schema, schema, value, Depth::default())
}

/// Fills the derived defaults of a payload of the event `descriptor` describes, as the consumer does
/// before decoding it; returns how many fields it filled. The event's schema is read once per
/// process and kept only when it has derived defaults, so for most events this costs a map lookup.
pub fn fill_payload_defaults(descriptor: &crate::EventDescriptor, payload: &mut Value) -> usize {
    fills_of(descriptor).map_or(0, |schema| fill_defaults(&schema, payload))
}

/// The JSON Schema of the event `descriptor` describes, when it has derived defaults (read once per
/// process and event).
pub(crate) fn fills_of(descriptor: &crate::EventDescriptor) -> Option<std::sync::Arc<Value>> {
    type Fills =
        std::sync::RwLock<std::collections::HashMap<String, Option<std::sync::Arc<Value>>>>;
    static FILLS: std::sync::OnceLock<Fills> = std::sync::OnceLock::new();
    let fills = FILLS.get_or_init(Fills::default);
    let cached = fills
        .read()
        .ok()
        .and_then(|map| map.get(descriptor.name).cloned());
    match cached {
        Some(schema) => schema,
        None => {
            let schema = (descriptor.json_schema)();
            let schema = has_fills(&schema).then(|| std::sync::Arc::new(schema));
            if let Ok(mut map) = fills.write() {
                map.insert(descriptor.name.to_owned(), schema.clone());
            }
            schema
        }
    }
}

/// Whether `schema` holds a derived default anywhere (so [`fill_defaults`] can change a value).
pub fn has_fills(schema: &Value) -> bool {
    match schema {
        Value::Object(members) => {
            Rule::from_json_schema(schema).is_some_and(|rule| !rule.is_constraint())
                || members.values().any(has_fills)
        }
        Value::Array(items) => items.iter().any(has_fills),
        _ => false,
    }
}

/// How deep a walk is: in the value (deeper than any payload a consumer accepts, 100 levels), and
/// in schema hops (`$ref`, `allOf`, a union's branch) since the last value level, which ends a
/// cycle of references that no value follows.
#[derive(Debug, Clone, Copy, Default)]
struct Depth {
    value: usize,
    hops: usize,
}

impl Depth {
    const MAX_VALUE: usize = 256;
    const MAX_HOPS: usize = 64;

    fn exceeded(self) -> bool {
        self.value > Self::MAX_VALUE || self.hops > Self::MAX_HOPS
    }

    /// One schema hop, on the same value.
    fn hop(self) -> Self {
        Self {
            hops: self.hops + 1,
            ..self
        }
    }

    /// Into a member or item of the value.
    fn member(self) -> Self {
        Self {
            value: self.value + 1,
            hops: 0,
        }
    }
}

fn fill_at(root: &Value, node: &Value, value: &mut Value, depth: Depth) -> usize {
    if depth.exceeded() {
        return 0;
    }
    let mut filled = 0;
    // `$ref` applies beside the node's other keywords (2020-12 §8.2.3.1).
    if let Some(target) = referenced(root, node) {
        filled += fill_at(root, target, value, depth.hop());
    }
    for branch in branches(node, "allOf") {
        filled += fill_at(root, branch, value, depth.hop());
    }
    // Of a union, the first branch the value can be, as serde reads an untagged enum: a
    // variant's default is not another's, and the walk stays linear in the value.
    for keyword in ["anyOf", "oneOf"] {
        if let Some(branch) =
            branches(node, keyword).find(|branch| may_match(root, branch, value, depth.hop()))
        {
            filled += fill_at(root, branch, value, depth.hop());
        }
    }
    match value {
        Value::Object(object) => {
            filled += rules_of(node)
                .iter()
                .filter(|rule| rule.fill(object))
                .count();
            let properties = node.get("properties").and_then(Value::as_object);
            let additional = node
                .get("additionalProperties")
                .filter(|schema| schema.is_object());
            for (name, member) in object.iter_mut() {
                match properties.and_then(|p| p.get(name)) {
                    Some(schema) => filled += fill_at(root, schema, member, depth.member()),
                    None => {
                        if let Some(schema) = additional {
                            filled += fill_at(root, schema, member, depth.member());
                        }
                    }
                }
            }
        }
        Value::Array(items) => {
            let prefix = node.get("prefixItems").and_then(Value::as_array);
            for (index, item) in items.iter_mut().enumerate() {
                let schema = prefix
                    .and_then(|p| p.get(index))
                    .or_else(|| node.get("items").filter(|s| s.is_object()));
                if let Some(schema) = schema {
                    filled += fill_at(root, schema, item, depth.member());
                }
            }
        }
        _ => {}
    }
    filled
}

/// The schema a node's `$ref` (a JSON pointer into `root`) names.
fn referenced<'r>(root: &'r Value, node: &Value) -> Option<&'r Value> {
    let reference = node.get("$ref")?.as_str()?;
    root.pointer(reference.strip_prefix('#')?)
}

/// The entries of `keyword` that are parts of the shape (not rules).
fn branches<'n>(node: &'n Value, keyword: &str) -> impl Iterator<Item = &'n Value> {
    node.get(keyword)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|branch| !is_rule(branch))
}

/// Whether `value` can be an instance of `node`, judged by what tells a union's branches apart:
/// the JSON type, the required members, and members fixed by `const` or a one-value `enum` (a
/// tag). Only where this says no is a branch skipped.
fn may_match(root: &Value, node: &Value, value: &Value, depth: Depth) -> bool {
    if depth.exceeded() {
        return true;
    }
    if referenced(root, node).is_some_and(|target| !may_match(root, target, value, depth.hop())) {
        return false;
    }
    if branches(node, "allOf").any(|branch| !may_match(root, branch, value, depth.hop())) {
        return false;
    }
    let type_name = match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    };
    let admits =
        |allowed: &Value| allowed == type_name || (allowed == "number" && type_name == "integer");
    match node.get("type") {
        Some(Value::Array(types)) if !types.iter().any(admits) => return false,
        Some(allowed @ Value::String(_)) if !admits(allowed) => return false,
        _ => {}
    }
    if let Some(fixed) = node.get("const") {
        return fixed == value;
    }
    if let Some([only]) = node
        .get("enum")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
    {
        return only == value;
    }
    let Value::Object(object) = value else {
        return true;
    };
    let required = node.get("required").and_then(Value::as_array);
    if required
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .any(|name| !object.contains_key(name))
    {
        return false;
    }
    let properties = node.get("properties").and_then(Value::as_object);
    // A closed object (`additionalProperties: false`) holds only its own properties.
    if node.get("additionalProperties") == Some(&Value::Bool(false))
        && object
            .keys()
            .any(|name| !properties.is_some_and(|p| p.contains_key(name)))
    {
        return false;
    }
    properties.into_iter().flatten().all(|(name, schema)| {
        object.get(name).is_none_or(|member| {
            !is_fixed(schema) || may_match(root, schema, member, depth.member())
        })
    })
}

/// Whether a property schema fixes its value (`const` or a one-value `enum`), as a tag does.
fn is_fixed(schema: &Value) -> bool {
    schema.get("const").is_some()
        || schema
            .get("enum")
            .and_then(Value::as_array)
            .is_some_and(|values| values.len() == 1)
}

/// Checks every rule of `schema` (a root schema): each names fields its object has on the wire
/// (its own properties or those of its `allOf`/`anyOf`/`oneOf` branches); a derived default has
/// sources, fills a field every value of the object has (not one of a single variant's), and
/// fills and reads plain text only (a string without `format`, `enum` or `const`, which every
/// target reads as a string: a `uuid` or `date` is a `UUID` or `date` in Python). Run when an
/// event's schemas are derived ([`crate::schema::avro_schema_of`]), so such a rule is refused at
/// `gen`.
pub fn check_rules(schema: &Value) -> Result<(), crate::schema::SchemaError> {
    check_rules_at(schema, schema, "#".to_owned(), 0)
}

/// Deeper than any schema tidings derives; the check ends there.
const CHECK_DEPTH: usize = 256;

fn check_rules_at(
    root: &Value,
    node: &Value,
    path: String,
    depth: usize,
) -> Result<(), crate::schema::SchemaError> {
    if depth > CHECK_DEPTH {
        return Ok(());
    }
    match node {
        Value::Object(members) => {
            for rule in rules_of(node) {
                check_rule(root, node, &path, &rule)?;
            }
            for (name, member) in members {
                check_rules_at(root, member, format!("{path}/{name}"), depth + 1)?;
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                check_rules_at(root, item, format!("{path}/{index}"), depth + 1)?;
            }
        }
        _ => {}
    }
    Ok(())
}

fn check_rule(
    root: &Value,
    node: &Value,
    path: &str,
    rule: &Rule,
) -> Result<(), crate::schema::SchemaError> {
    use crate::schema::SchemaError;
    let mut fields = Map::new();
    collect_fields(root, node, &mut fields, true, 0);
    let unknown = |field: &String, known: &Map<String, Value>| {
        SchemaError::UnknownRuleField(Box::new(crate::schema::UnknownRuleField {
            path: path.to_owned(),
            rule: rule.kind.as_str(),
            field: field.clone(),
            known: known.keys().cloned().collect::<Vec<_>>().join(", "),
        }))
    };
    let minimum = if rule.is_constraint() { 1 } else { 2 };
    if rule.fields.len() < minimum {
        return Err(SchemaError::EmptyRule {
            path: path.to_owned(),
            rule: rule.kind.as_str(),
        });
    }
    for field in &rule.fields {
        let schema = fields.get(field).ok_or_else(|| unknown(field, &fields))?;
        if !rule.is_constraint() && !is_plain_text(root, schema, 0) {
            return Err(SchemaError::FillNotText {
                path: path.to_owned(),
                field: field.clone(),
            });
        }
    }
    if let (false, Some(filled)) = (rule.is_constraint(), rule.fields.first()) {
        let mut own = Map::new();
        collect_fields(root, node, &mut own, false, 0);
        if !own.contains_key(filled) {
            return Err(unknown(filled, &own));
        }
    }
    Ok(())
}

/// The properties of an object schema, with those of its `$ref` and `allOf` parts, and with
/// `unions` those of its `anyOf`/`oneOf` branches (the fields of some variants only).
fn collect_fields(
    root: &Value,
    node: &Value,
    fields: &mut Map<String, Value>,
    unions: bool,
    depth: usize,
) {
    if depth > CHECK_DEPTH {
        return;
    }
    if let Some(target) = referenced(root, node) {
        collect_fields(root, target, fields, unions, depth + 1);
    }
    for (name, schema) in node
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        fields.entry(name.clone()).or_insert_with(|| schema.clone());
    }
    let keywords: &[&str] = if unions {
        &["allOf", "anyOf", "oneOf"]
    } else {
        &["allOf"]
    };
    for keyword in keywords {
        for branch in branches(node, keyword) {
            collect_fields(root, branch, fields, unions, depth + 1);
        }
    }
}

/// Whether a field's schema is plain text, or null: `"type": "string"` (or `["string", "null"]`,
/// or a union of such) without a `format` other than `email`, `enum` or `const`.
fn is_plain_text(root: &Value, schema: &Value, depth: usize) -> bool {
    if depth > CHECK_DEPTH {
        return false;
    }
    if let Some(target) = referenced(root, schema) {
        return is_plain_text(root, target, depth + 1);
    }
    if schema.get("enum").is_some() || schema.get("const").is_some() {
        return false;
    }
    if schema.get("format").is_some_and(|format| format != "email") {
        return false;
    }
    let text_or_null = |name: &Value| name == "string" || name == "null";
    match schema.get("type") {
        Some(name @ Value::String(_)) => name == "string",
        Some(Value::Array(names)) => {
            names.iter().all(text_or_null) && names.iter().any(|name| name == "string")
        }
        Some(_) => false,
        None => ["anyOf", "oneOf"].iter().any(|keyword| {
            let mut parts = branches(schema, keyword).peekable();
            parts.peek().is_some()
                && parts.all(|branch| {
                    branch.get("type") == Some(&json!("null"))
                        || is_plain_text(root, branch, depth + 1)
                })
        }),
    }
}

/// Whether an `allOf`/`anyOf`/`oneOf` entry is a cross-field rule, not a part of the shape.
pub fn is_rule(entry: &Value) -> bool {
    entry.get(RULE_KEYWORD).is_some()
}

impl Transform for Rule {
    fn transform(&mut self, schema: &mut Schema) {
        let entry = self.to_json_schema();
        let object = schema.ensure_object();
        match object.get_mut("allOf") {
            Some(Value::Array(entries)) => entries.push(entry),
            _ => {
                object.insert("allOf".into(), Value::Array(vec![entry]));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(value: Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn the_json_schema_of_each_rule_agrees_with_holds_on_every_combination() {
        let rules = [
            exactly_one_of(&["a", "b", "c"]),
            at_least_one_of(&["a", "b"]),
            at_most_one_of(&["a", "b", "c"]),
            required_with("a", &["b", "c"]),
        ];
        let values = [
            None,
            Some(Value::Null),
            Some(json!("")),
            Some(json!("x")),
            Some(json!(0)),
        ];
        for rule in &rules {
            let schema = json!({ "type": "object", "allOf": [rule.to_json_schema()] });
            let validator = jsonschema::draft202012::new(&schema).expect("the rule compiles");
            let mut checked = 0;
            for a in &values {
                for b in &values {
                    for c in &values {
                        let mut members = Map::new();
                        for (name, value) in [("a", a), ("b", b), ("c", c)] {
                            if let Some(value) = value {
                                members.insert(name.into(), value.clone());
                            }
                        }
                        members.insert("other".into(), json!(1));
                        let instance = Value::Object(members.clone());
                        assert_eq!(
                            validator.is_valid(&instance),
                            rule.holds(&members),
                            "{} on {instance}",
                            rule.describe()
                        );
                        checked += 1;
                    }
                }
            }
            assert_eq!(checked, 125);
        }
    }

    #[test]
    fn a_rule_reads_back_from_its_schema_and_names_its_fields() {
        let rule = required_with("winner", &["justification", "confidence"]);
        assert_eq!(
            Rule::from_json_schema(&rule.to_json_schema()),
            Some(rule.clone())
        );
        assert_eq!(
            rule.describe(),
            "when `winner` is given, `justification` and `confidence` must be given"
        );
        assert!(rule.holds(&object(json!({"winner": null}))));
        assert!(!rule.holds(&object(json!({"winner": "a", "confidence": 2}))));
    }
}
