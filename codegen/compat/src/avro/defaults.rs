//! Field defaults checked against the specification: a default is the JSON encoding of a value of
//! the field's type, and a union's default is a value of its *first* branch. apache-avro's parser
//! accepts a default of any branch, and a reader filling a field from a default its own type does
//! not admit fails at run time, so such a schema is refused as invalid (exit 2).

use std::collections::HashSet;

use apache_avro::Schema as Avro;
use serde_json::Value;

use super::{AvroSchema, type_name};

/// Checks every record field default reachable from the root; the first offence, as a message.
pub(super) fn check(schema: &AvroSchema) -> Result<(), String> {
    let mut seen = HashSet::new();
    walk(schema, schema.root(), &mut seen)
}

fn walk<'a>(
    schema: &'a AvroSchema,
    node: &'a Avro,
    seen: &mut HashSet<String>,
) -> Result<(), String> {
    match schema.resolve(node) {
        Avro::Record(record) => {
            if !seen.insert(record.name.fullname(None)) {
                return Ok(());
            }
            for field in &record.fields {
                if let Some(default) = &field.default {
                    admits(schema, &field.schema, default, 0).map_err(|why| {
                        format!(
                            "field `{}` of record `{}`: default {default} is not valid: {why}",
                            field.name,
                            record.name.fullname(None)
                        )
                    })?;
                }
                walk(schema, &field.schema, seen)?;
            }
            Ok(())
        }
        Avro::Array(array) => walk(schema, &array.items, seen),
        Avro::Map(map) => walk(schema, &map.types, seen),
        Avro::Union(union) => union
            .variants()
            .iter()
            .try_for_each(|branch| walk(schema, branch, seen)),
        _ => Ok(()),
    }
}

/// Deep enough for any real schema; a default nested deeper is refused rather than followed.
const MAX_DEPTH: usize = 64;

/// Whether `value` is the JSON encoding of a value of `node`, as a default must be.
pub(super) fn admits(
    schema: &AvroSchema,
    node: &Avro,
    value: &Value,
    depth: usize,
) -> Result<(), String> {
    if depth > MAX_DEPTH {
        return Err("nested too deeply".into());
    }
    let node = schema.resolve(node);
    let expected = |what: &str| Err(format!("expected {what} for {}", type_name(node)));
    match node {
        Avro::Null => match value {
            Value::Null => Ok(()),
            _ => expected("null"),
        },
        Avro::Boolean => match value {
            Value::Bool(_) => Ok(()),
            _ => expected("true or false"),
        },
        Avro::Int | Avro::Date | Avro::TimeMillis => match value.as_i64() {
            Some(n) if i32::try_from(n).is_ok() => Ok(()),
            _ => expected("an integer in the 32-bit range"),
        },
        Avro::Long
        | Avro::TimeMicros
        | Avro::TimestampMillis
        | Avro::TimestampMicros
        | Avro::TimestampNanos
        | Avro::LocalTimestampMillis
        | Avro::LocalTimestampMicros
        | Avro::LocalTimestampNanos => match value.as_i64() {
            Some(_) => Ok(()),
            None => expected("an integer in the 64-bit range"),
        },
        Avro::Float | Avro::Double => match value {
            Value::Number(_) => Ok(()),
            Value::String(s) if matches!(s.as_str(), "NaN" | "Infinity" | "-Infinity") => Ok(()),
            _ => expected("a number"),
        },
        Avro::String | Avro::Uuid => match value {
            Value::String(_) => Ok(()),
            _ => expected("a string"),
        },
        Avro::Bytes | Avro::BigDecimal => {
            byte_string(value, None).or_else(|_| expected("a string of code points 0-255"))
        }
        Avro::Decimal(decimal) => admits(schema, &decimal.inner, value, depth + 1),
        Avro::Fixed(fixed) => byte_string(value, Some(fixed.size))
            .or_else(|_| expected(&format!("a string of {} code points 0-255", fixed.size))),
        Avro::Duration => {
            byte_string(value, Some(12)).or_else(|_| expected("a string of 12 code points 0-255"))
        }
        Avro::Enum(e) => match value {
            Value::String(symbol) if e.symbols.contains(symbol) => Ok(()),
            _ => expected(&format!("one of the symbols {}", e.symbols.join(", "))),
        },
        Avro::Array(array) => match value {
            Value::Array(items) => items
                .iter()
                .try_for_each(|item| admits(schema, &array.items, item, depth + 1)),
            _ => expected("an array"),
        },
        Avro::Map(map) => match value {
            Value::Object(entries) => entries
                .values()
                .try_for_each(|item| admits(schema, &map.types, item, depth + 1)),
            _ => expected("an object"),
        },
        Avro::Record(record) => {
            let Value::Object(members) = value else {
                return expected("an object");
            };
            for field in &record.fields {
                match members.get(&field.name).or(field.default.as_ref()) {
                    Some(member) => admits(schema, &field.schema, member, depth + 1)
                        .map_err(|why| format!("`{}`: {why}", field.name))?,
                    None => {
                        return Err(format!("`{}` is missing and has no default", field.name));
                    }
                }
            }
            Ok(())
        }
        Avro::Union(union) => match union.variants().first() {
            Some(first) => admits(schema, first, value, depth + 1).map_err(|why| {
                format!(
                    "a union's default must be a value of its first branch ({}): {why}",
                    type_name(schema.resolve(first))
                )
            }),
            None => Err("an empty union has no values".into()),
        },
        Avro::Ref { name } => Err(format!("`{}` does not resolve", name.fullname(None))),
    }
}

fn byte_string(value: &Value, size: Option<usize>) -> Result<(), ()> {
    let Value::String(text) = value else {
        return Err(());
    };
    let bytes = text.chars().all(|c| u32::from(c) <= 0xFF);
    let length = text.chars().count();
    if bytes && size.is_none_or(|size| size == length) {
        Ok(())
    } else {
        Err(())
    }
}
