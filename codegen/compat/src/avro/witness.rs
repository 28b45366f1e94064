//! Witnesses of Avro breaks: a datum of the writer's schema, in the specification's JSON
//! encoding, that holds the value a reader cannot resolve where the break is.

use apache_avro::Schema as Avro;
use serde_json::{Map, Value};

use super::{AvroSchema, logical};
use crate::Witness;

/// One step from the writer's datum down to the value being resolved.
#[derive(Debug, Clone)]
pub(super) enum Frame {
    /// A field of this writer record.
    Field { record: Avro, field: String },
    /// One item of an array.
    Item,
    /// One value of a map.
    Value,
    /// Branch `index` of this writer union.
    Branch { union: Avro, index: usize },
}

/// Deep enough for real schemas; a recursive type that cannot end sooner gets no sample.
const MAX_DEPTH: usize = 32;

/// The datum that holds `leaf` inside `frames`, outermost first.
pub(super) fn build(writer: &AvroSchema, frames: &[Frame], leaf: Option<Value>) -> Witness {
    let Some(mut value) = leaf else {
        return Witness::Unavailable(
            "the writer's type has no finite value to sample (a recursive type without an end)"
                .into(),
        );
    };
    for frame in frames.iter().rev() {
        value = match frame {
            Frame::Item => Value::Array(vec![value]),
            Frame::Value => {
                let mut entry = Map::new();
                entry.insert("key".into(), value);
                Value::Object(entry)
            }
            Frame::Branch { union, index } => {
                let Avro::Union(union) = union else {
                    return Witness::Unavailable("internal: a union frame without a union".into());
                };
                match union.variants().get(*index) {
                    Some(branch) => in_union(writer, branch, value),
                    None => return Witness::Unavailable("internal: no such union branch".into()),
                }
            }
            Frame::Field { record, field } => {
                let Avro::Record(record) = record else {
                    return Witness::Unavailable("internal: a field frame without a record".into());
                };
                let mut members = Map::new();
                for member in &record.fields {
                    let member_value = if &member.name == field {
                        value.clone()
                    } else {
                        match sample_at(writer, &member.schema, 1) {
                            Some(sampled) => sampled,
                            None => {
                                return Witness::Unavailable(format!(
                                    "field `{}` has no finite value to sample",
                                    member.name
                                ));
                            }
                        }
                    };
                    members.insert(member.name.clone(), member_value);
                }
                Value::Object(members)
            }
        };
    }
    Witness::Value(value)
}

/// The JSON encoding of `value` as a value of union branch `branch`: `null` as is, any other
/// value as `{"<type name>": value}`.
fn in_union(writer: &AvroSchema, branch: &Avro, value: Value) -> Value {
    let branch = writer.resolve(branch);
    if matches!(branch, Avro::Null) {
        return value;
    }
    let mut wrapped = Map::new();
    wrapped.insert(branch_name(branch), value);
    Value::Object(wrapped)
}

/// The name that selects `branch` in a union's JSON encoding.
pub(super) fn branch_name(branch: &Avro) -> String {
    if let Some((underlying, _)) = logical(branch)
        && !matches!(branch, Avro::Decimal(_))
    {
        return branch_name(&underlying);
    }
    match branch {
        Avro::Record(record) => record.name.fullname(None),
        Avro::Enum(e) => e.name.fullname(None),
        Avro::Fixed(f) => f.name.fullname(None),
        Avro::Decimal(decimal) => branch_name(&decimal.inner),
        Avro::Ref { name } => name.fullname(None),
        Avro::Null => "null".into(),
        Avro::Boolean => "boolean".into(),
        Avro::Int => "int".into(),
        Avro::Long => "long".into(),
        Avro::Float => "float".into(),
        Avro::Double => "double".into(),
        Avro::Bytes => "bytes".into(),
        Avro::Array(_) => "array".into(),
        Avro::Map(_) => "map".into(),
        Avro::Union(_) => "union".into(),
        Avro::Duration => "fixed".into(),
        _ => "string".into(),
    }
}

/// A value of `schema`, as small as possible.
pub(super) fn sample(writer: &AvroSchema, schema: &Avro) -> Option<Value> {
    sample_at(writer, schema, 0)
}

fn sample_at(writer: &AvroSchema, schema: &Avro, depth: usize) -> Option<Value> {
    if depth > MAX_DEPTH {
        return None;
    }
    let schema = writer.resolve(schema);
    Some(match schema {
        Avro::Null => Value::Null,
        Avro::Boolean => Value::Bool(false),
        Avro::Int
        | Avro::Long
        | Avro::Date
        | Avro::TimeMillis
        | Avro::TimeMicros
        | Avro::TimestampMillis
        | Avro::TimestampMicros
        | Avro::TimestampNanos
        | Avro::LocalTimestampMillis
        | Avro::LocalTimestampMicros
        | Avro::LocalTimestampNanos => Value::from(0),
        Avro::Float | Avro::Double => Value::from(0.0),
        Avro::String => Value::String(String::new()),
        Avro::Uuid => Value::String("00000000-0000-0000-0000-000000000000".into()),
        Avro::Bytes | Avro::BigDecimal => Value::String("\u{0}".into()),
        Avro::Decimal(decimal) => sample_at(writer, &decimal.inner, depth + 1)?,
        Avro::Fixed(fixed) => Value::String("\u{0}".repeat(fixed.size)),
        Avro::Duration => Value::String("\u{0}".repeat(12)),
        Avro::Enum(e) => Value::String(e.symbols.first()?.clone()),
        Avro::Array(_) => Value::Array(Vec::new()),
        Avro::Map(_) => Value::Object(Map::new()),
        Avro::Record(record) => {
            let mut members = Map::new();
            for field in &record.fields {
                members.insert(
                    field.name.clone(),
                    sample_at(writer, &field.schema, depth + 1)?,
                );
            }
            Value::Object(members)
        }
        Avro::Union(union) => {
            // `null` ends a recursion soonest; else the first branch that has a value.
            let variants = union.variants();
            if variants
                .iter()
                .any(|b| matches!(writer.resolve(b), Avro::Null))
            {
                return Some(Value::Null);
            }
            variants.iter().find_map(|branch| {
                sample_at(writer, branch, depth + 1).map(|value| in_union(writer, branch, value))
            })?
        }
        Avro::Ref { .. } => return None,
    })
}
