//! A validator over the loaded model: whether a schema accepts a JSON value. It serves the
//! engine's semantic checks (the values of an `enum` the reader keeps) and its witnesses, which
//! tests confirm with the `jsonschema` crate and Python's `jsonschema`.
//!
//! It asserts the numeric formats of [`super::formats`] and `uuid`, `date`, `date-time`, `email`,
//! `ipv4`, `ipv6`; other
//! formats are annotations. A `pattern` the `regex` crate cannot compile matches everything.

use serde_json::Value;

use super::formats;
use super::load::{Additional, ArrayRules, Criterion, Dependency, JsonSchema, Kind, NodeId};
use super::load::{NumberRules, ObjectRules, StringRules};

/// Deeper than any value a schema of this engine is checked with; past it, nothing is accepted.
const MAX_DEPTH: usize = 96;

impl JsonSchema {
    /// Whether the schema accepts `value`.
    pub fn accepts(&self, value: &Value) -> bool {
        self.accepts_at(self.root, value)
    }

    pub(super) fn accepts_at(&self, id: NodeId, value: &Value) -> bool {
        accepts(self, id, value, 0)
    }
}

fn accepts(schema: &JsonSchema, id: NodeId, value: &Value, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    let next = depth + 1;
    match &schema.node(id).kind {
        Kind::True | Kind::Empty => true,
        Kind::False => false,
        Kind::Null => value.is_null(),
        Kind::Boolean => value.is_boolean(),
        Kind::String(rules) => value.as_str().is_some_and(|text| string(rules, text)),
        Kind::Number(rules) => value
            .as_f64()
            .is_some_and(|n| value.is_number() && number(rules, n)),
        Kind::Object(rules) => value
            .as_object()
            .is_some_and(|members| object(schema, rules, value, members, next)),
        Kind::Array(rules) => value
            .as_array()
            .is_some_and(|items| array(schema, rules, items, next)),
        Kind::Enum(values) => values.iter().any(|candidate| equal(candidate, value)),
        Kind::Not(inner) => !accepts(schema, *inner, value, next),
        Kind::Combined(Criterion::All, parts) => {
            parts.iter().all(|part| accepts(schema, *part, value, next))
        }
        Kind::Combined(Criterion::Any, parts) => {
            parts.iter().any(|part| accepts(schema, *part, value, next))
        }
        Kind::Combined(Criterion::One, parts) => {
            parts
                .iter()
                .filter(|part| accepts(schema, **part, value, next))
                .take(2)
                .count()
                == 1
        }
        Kind::Ref { target, .. } => accepts(schema, *target, value, next),
    }
}

/// JSON equality as JSON Schema defines it: numbers by value (`1` equals `1.0`).
pub(super) fn equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(x), Some(y)) => x == y,
            _ => match (x.as_u64(), y.as_u64()) {
                (Some(x), Some(y)) => x == y,
                _ => x.as_f64() == y.as_f64(),
            },
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| equal(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(key, value)| y.get(key).is_some_and(|other| equal(value, other)))
        }
        _ => a == b,
    }
}

fn string(rules: &StringRules, text: &str) -> bool {
    let length = text.chars().count() as u64;
    rules.min_length.is_none_or(|min| length >= min)
        && rules.max_length.is_none_or(|max| length <= max)
        && rules
            .pattern_regex
            .as_ref()
            .is_none_or(|regex| regex.is_match(text))
        && rules
            .format
            .as_deref()
            .is_none_or(|format| string_format(format, text))
}

/// The string formats the validator asserts; any other format passes.
pub(super) fn string_format(format: &str, text: &str) -> bool {
    let digits =
        |part: &str, count: usize| part.len() == count && part.bytes().all(|b| b.is_ascii_digit());
    let date = |text: &str| {
        let parts: Vec<&str> = text.split('-').collect();
        matches!(parts.as_slice(), [y, m, d] if digits(y, 4) && digits(m, 2) && digits(d, 2)
            && (1..=12).contains(&m.parse::<u32>().unwrap_or(0))
            && (1..=31).contains(&d.parse::<u32>().unwrap_or(0)))
    };
    match format {
        "uuid" => uuid::Uuid::try_parse(text).is_ok() && text.len() == 36,
        "date" => date(text),
        "date-time" => chrono::DateTime::parse_from_rfc3339(text).is_ok(),
        "email" => text.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && !domain.is_empty() && !domain.contains('@')
        }),
        "ipv4" => text.parse::<std::net::Ipv4Addr>().is_ok(),
        "ipv6" => text.parse::<std::net::Ipv6Addr>().is_ok(),
        _ => true,
    }
}

fn number(rules: &NumberRules, n: f64) -> bool {
    let multiple = |step: f64| {
        step <= 0.0 || {
            let quotient = n / step;
            (quotient - quotient.round()).abs() < 1e-9
        }
    };
    (!rules.integer || n.fract() == 0.0)
        && rules.minimum.is_none_or(|min| n >= min)
        && rules.maximum.is_none_or(|max| n <= max)
        && rules.exclusive_minimum.is_none_or(|min| n > min)
        && rules.exclusive_maximum.is_none_or(|max| n < max)
        && rules.multiple_of.is_none_or(multiple)
        && rules
            .format
            .as_deref()
            .and_then(formats::range)
            .is_none_or(|range| range.contains(n))
}

fn additional(schema: &JsonSchema, rule: Additional, value: &Value, depth: usize) -> bool {
    match rule {
        Additional::Allowed => true,
        Additional::Forbidden => false,
        Additional::Schema(id) => accepts(schema, id, value, depth),
    }
}

fn object(
    schema: &JsonSchema,
    rules: &ObjectRules,
    whole: &Value,
    members: &serde_json::Map<String, Value>,
    depth: usize,
) -> bool {
    let count = members.len() as u64;
    if rules.min_properties.is_some_and(|min| count < min)
        || rules.max_properties.is_some_and(|max| count > max)
        || rules
            .required
            .iter()
            .any(|name| !members.contains_key(name))
    {
        return false;
    }
    for (name, value) in members {
        let declared = rules.property(name);
        if let Some(id) = declared
            && !accepts(schema, id, value, depth)
        {
            return false;
        }
        let mut matched = false;
        for (pattern, id) in &rules.patterns {
            if pattern.is_match(name) {
                matched = true;
                if !accepts(schema, *id, value, depth) {
                    return false;
                }
            }
        }
        if declared.is_none() && !matched && !additional(schema, rules.additional(), value, depth) {
            return false;
        }
    }
    rules.dependencies.iter().all(|(name, dependency)| {
        !members.contains_key(name)
            || match dependency {
                Dependency::Properties(names) => names.iter().all(|n| members.contains_key(n)),
                Dependency::Schema(id) => accepts(schema, *id, whole, depth),
            }
    })
}

fn array(schema: &JsonSchema, rules: &ArrayRules, items: &[Value], depth: usize) -> bool {
    let count = items.len() as u64;
    if rules.min_items.is_some_and(|min| count < min)
        || rules.max_items.is_some_and(|max| count > max)
    {
        return false;
    }
    if rules.unique_items
        && items
            .iter()
            .enumerate()
            .any(|(i, a)| items[..i].iter().any(|b| equal(a, b)))
    {
        return false;
    }
    items
        .iter()
        .enumerate()
        .all(|(index, item)| match rules.tuple.get(index) {
            Some(id) => accepts(schema, *id, item, depth),
            None => additional(schema, rules.rest(), item, depth),
        })
}
