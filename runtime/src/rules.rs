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
//! Each rule becomes one entry of the object's `allOf` in the JSON Schema, marked with
//! [`RULE_KEYWORD`] and written with `required`, `not`, `enum`, `oneOf` and `anyOf` only, so any
//! 2020-12 validator (python-jsonschema, ajv) enforces it. [`crate::validate`] (and so
//! `Event::validate` and the outbox) reports a broken rule as one [`crate::Violation`] whose
//! `rule` is the rule's name and whose `fields` name the fields; the Python package checks it in a
//! pydantic `model_validator`; Avro has no such constraints and carries the fields unchanged.
//! A rule of a field name the type does not have is refused when the schemas are generated.

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
}

impl RuleKind {
    /// The rule's name in schemas and errors: `exactly_one_of`, `at_least_one_of`,
    /// `at_most_one_of`, `required_with`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ExactlyOneOf => "exactly_one_of",
            Self::AtLeastOneOf => "at_least_one_of",
            Self::AtMostOneOf => "at_most_one_of",
            Self::RequiredWith => "required_with",
        }
    }

    /// The kind named `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        [
            Self::ExactlyOneOf,
            Self::AtLeastOneOf,
            Self::AtMostOneOf,
            Self::RequiredWith,
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
        }
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
