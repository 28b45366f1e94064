//! Writes a JSON value (an event payload as it travels in JSON) as an Avro datum under the
//! payload's generated Avro schema, so JSON and Avro consumers can be fed the same event.
//!
//! The mapping is the one `tidings::schema` uses to derive the Avro schemas: UUID strings become
//! `uuid`, timestamps `timestamp-micros`, dates (`YYYY-MM-DD`) `date`, enum values their symbol (through `json_values` where a
//! value is not an Avro name), `null` the `null` branch of a union, and a value that is not a string
//! under a `string` schema (a documented untyped field, `logicalType: json`) its JSON text.

use apache_avro::Schema as Avro;
use apache_avro::types::Value as Datum;
use serde_json::Value;
use tidings::schema::JSON_VALUES_KEY;
use tidings::time::Timestamp;

use crate::compat::avro::AvroSchema;

/// A value that does not fit the schema.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DatumError {
    /// The Avro schema does not parse.
    #[error("the Avro schema does not parse: {0}")]
    Schema(String),
    /// The value at `path` does not fit.
    #[error("{path}: {message}")]
    Mismatch {
        /// Where, e.g. `essay_results[0].rank`.
        path: String,
        /// What does not fit.
        message: String,
    },
    /// apache-avro refused to write the datum.
    #[error("cannot write the datum: {0}")]
    Write(String),
}

/// The Avro binary encoding (a single datum, no container) of `value` under `schema`.
pub fn encode(schema: &Value, value: &Value) -> Result<Vec<u8>, DatumError> {
    let schema =
        AvroSchema::from_value(schema).map_err(|err| DatumError::Schema(err.to_string()))?;
    let datum = Converter { schema: &schema }.convert(schema.root(), value, "")?;
    apache_avro::to_avro_datum(schema.root(), datum)
        .map_err(|err| DatumError::Write(err.to_string()))
}

/// Decodes a datum written by [`encode`], for round-trip checks.
pub fn decode(schema: &Value, bytes: &[u8]) -> Result<Datum, DatumError> {
    let parsed = Avro::parse(schema).map_err(|err| DatumError::Schema(err.to_string()))?;
    apache_avro::from_avro_datum(&parsed, &mut &bytes[..], None)
        .map_err(|err| DatumError::Write(err.to_string()))
}

struct Converter<'a> {
    schema: &'a AvroSchema,
}

fn mismatch(path: &str, message: impl Into<String>) -> DatumError {
    DatumError::Mismatch {
        path: if path.is_empty() {
            "(root)".into()
        } else {
            path.to_owned()
        },
        message: message.into(),
    }
}

impl Converter<'_> {
    fn convert(&self, schema: &Avro, value: &Value, path: &str) -> Result<Datum, DatumError> {
        let schema = match self.schema.resolve(schema) {
            Avro::Ref { name } => {
                return Err(mismatch(path, format!("unknown named type {}", name.name)));
            }
            other => other,
        };
        Ok(match (schema, value) {
            (Avro::Null, Value::Null) => Datum::Null,
            (Avro::Boolean, Value::Bool(b)) => Datum::Boolean(*b),
            (Avro::Int, Value::Number(n)) => Datum::Int(
                n.as_i64()
                    .and_then(|v| i32::try_from(v).ok())
                    .ok_or_else(|| mismatch(path, format!("{n} is not an int")))?,
            ),
            (Avro::Long, Value::Number(n)) => Datum::Long(
                n.as_i64()
                    .ok_or_else(|| mismatch(path, format!("{n} is not a long")))?,
            ),
            (Avro::Float, Value::Number(n)) => Datum::Float(n.as_f64().unwrap_or_default() as f32),
            (Avro::Double, Value::Number(n)) => Datum::Double(n.as_f64().unwrap_or_default()),
            (Avro::String, Value::String(s)) => Datum::String(s.clone()),
            (Avro::String, other) => Datum::String(other.to_string()),
            (Avro::Bytes, Value::String(s)) => Datum::Bytes(s.as_bytes().to_vec()),
            (Avro::Uuid, Value::String(s)) => Datum::Uuid(
                uuid::Uuid::parse_str(s).map_err(|err| mismatch(path, err.to_string()))?,
            ),
            (Avro::Date, Value::String(s)) => Datum::Date(
                chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                    .ok()
                    .and_then(|date| {
                        let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1)?;
                        i32::try_from((date - epoch).num_days()).ok()
                    })
                    .ok_or_else(|| mismatch(path, format!("`{s}` is not a date (YYYY-MM-DD)")))?,
            ),
            (Avro::TimestampMicros, Value::String(s)) => Datum::TimestampMicros(
                s.parse::<Timestamp>()
                    .map_err(|err| mismatch(path, err.to_string()))?
                    .timestamp_micros(),
            ),
            (Avro::Enum(e), Value::String(s)) => {
                let position = e.symbols.iter().position(|symbol| symbol == s).or_else(|| {
                    e.attributes
                        .get(JSON_VALUES_KEY)
                        .and_then(Value::as_array)
                        .and_then(|values| values.iter().position(|v| v == value))
                });
                let position = position.ok_or_else(|| {
                    mismatch(path, format!("`{s}` is not a symbol of {}", e.name.name))
                })?;
                Datum::Enum(
                    u32::try_from(position).unwrap_or_default(),
                    e.symbols[position].clone(),
                )
            }
            (Avro::Array(array), Value::Array(items)) => Datum::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| self.convert(&array.items, item, &format!("{path}[{i}]")))
                    .collect::<Result<_, _>>()?,
            ),
            (Avro::Map(map), Value::Object(entries)) => Datum::Map(
                entries
                    .iter()
                    .map(|(k, v)| {
                        Ok((
                            k.clone(),
                            self.convert(&map.types, v, &format!("{path}.{k}"))?,
                        ))
                    })
                    .collect::<Result<_, DatumError>>()?,
            ),
            (Avro::Record(record), Value::Object(object)) => Datum::Record(
                record
                    .fields
                    .iter()
                    .map(|field| {
                        let at = if path.is_empty() {
                            field.name.clone()
                        } else {
                            format!("{path}.{}", field.name)
                        };
                        let value = object
                            .get(&field.name)
                            .or(field.default.as_ref())
                            .unwrap_or(&Value::Null);
                        Ok((field.name.clone(), self.convert(&field.schema, value, &at)?))
                    })
                    .collect::<Result<_, DatumError>>()?,
            ),
            (Avro::Union(union), value) => {
                let mut last = None;
                // First the branch of the value's own JSON type; a `string` branch takes a value
                // of another type as its JSON text (an untyped field) only when none does.
                let branches = union.variants().iter().enumerate();
                let text_last = branches.clone().filter(|(_, branch)| {
                    value.is_string() || !matches!(self.schema.resolve(branch), Avro::String)
                });
                let text = branches.filter(|(_, branch)| {
                    !value.is_string() && matches!(self.schema.resolve(branch), Avro::String)
                });
                for (index, branch) in text_last.chain(text) {
                    // A record branch holds only its own keys: the variants of a tagged enum are
                    // told apart by them (and by their tags' one-symbol enums).
                    if let (Avro::Record(record), Value::Object(object)) =
                        (self.schema.resolve(branch), value)
                        && let Some(key) = object
                            .keys()
                            .find(|key| !record.fields.iter().any(|f| &f.name == *key))
                    {
                        last = Some(mismatch(
                            path,
                            format!("`{key}` is not a field of {}", record.name.name),
                        ));
                        continue;
                    }
                    match self.convert(branch, value, path) {
                        Ok(datum) => {
                            return Ok(Datum::Union(
                                u32::try_from(index).unwrap_or_default(),
                                Box::new(datum),
                            ));
                        }
                        Err(err) => last = Some(err),
                    }
                }
                return Err(last.unwrap_or_else(|| mismatch(path, "empty union")));
            }
            (schema, value) => {
                return Err(mismatch(
                    path,
                    format!(
                        "{value} does not fit {:?}",
                        apache_avro::schema::SchemaKind::from(schema)
                    ),
                ));
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The variants of an externally tagged enum with optional content: each record would take
    /// the other's value with its field `null`; the keys tell them apart.
    #[test]
    fn a_union_of_records_takes_the_record_that_has_the_value_s_keys() {
        let schema = json!({"type": "record", "name": "P", "fields": [{"name": "v", "type": [
            {"type": "record", "name": "Essay", "fields": [{"name": "essay", "type": ["null", "string"], "default": null}]},
            {"type": "record", "name": "Batch", "fields": [{"name": "batch", "type": ["null", "string"], "default": null}]}
        ]}]});
        let bytes = encode(&schema, &json!({"v": {"batch": "b1"}})).unwrap();
        let Datum::Record(fields) = decode(&schema, &bytes).unwrap() else {
            panic!("a record")
        };
        let Datum::Union(branch, _) = &fields[0].1 else {
            panic!("a union")
        };
        assert_eq!(*branch, 1);
        let err = encode(&schema, &json!({"v": {"other": 1}})).unwrap_err();
        assert!(err.to_string().contains("`other` is not a field"), "{err}");
    }
}
