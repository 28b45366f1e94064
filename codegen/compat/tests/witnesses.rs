//! Every witness the engine gives for a case row is checked with independent implementations:
//! JSON Schema witnesses with the `jsonschema` crate (the writer's schema accepts the value, the
//! reader's rejects it), Avro witnesses with apache-avro (the datum is valid for the writer's
//! schema and cannot be read with the reader's). For the compatible rows of JSON Schema, every
//! value the engine draws from the writer's schema that the writer accepts must be accepted by
//! the reader too (a compatible verdict has no counterexample among them).

use std::collections::HashMap;

use apache_avro::Schema as AvroSchema;
use apache_avro::types::Value as Datum;
use serde_json::Value;
use tidings_compat::{self as compat, Change, Policy, Schema, SchemaFormat, Witness};

fn cases(file: &str) -> Vec<Value> {
    let path = format!("{}/tests/cases/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{path}: {err}"));
    serde_json::from_str(&text).expect("cases are JSON")
}

/// The rows of `file` that load, with each direction: (description, direction, writer, reader).
fn directions(file: &str) -> Vec<(String, &'static str, Value, Value)> {
    let mut out = Vec::new();
    for case in cases(file) {
        if case.get("invalid").is_some() {
            continue;
        }
        let description = case["description"].as_str().unwrap_or_default().to_owned();
        out.push((
            description.clone(),
            "backward",
            case["old"].clone(),
            case["new"].clone(),
        ));
        out.push((
            description,
            "forward",
            case["new"].clone(),
            case["old"].clone(),
        ));
    }
    out
}

fn diff(format: SchemaFormat, writer: &Value, reader: &Value) -> Vec<Change> {
    let load = |v: &Value| Schema::parse(format, &v.to_string()).expect("case schema loads");
    compat::diff(&load(writer), &load(reader), Policy::Strict).expect("same format")
}

/// The draft a case schema is written in: 2020-12 keywords pick 2020-12, else draft 7 (tuples
/// as `items` arrays, `dependencies`).
fn json_validator(schema: &Value) -> jsonschema::Validator {
    let text = schema.to_string();
    let modern = [
        "prefixItems",
        "dependentRequired",
        "dependentSchemas",
        "unevaluatedProperties",
    ]
    .iter()
    .any(|k| text.contains(k));
    let draft = if modern {
        jsonschema::Draft::Draft202012
    } else {
        jsonschema::Draft::Draft7
    };
    jsonschema::options()
        .with_draft(draft)
        .should_validate_formats(true)
        .build(schema)
        .unwrap_or_else(|err| panic!("{schema}: {err}"))
}

/// Rules whose witnesses turn on a numeric `format` no general validator asserts.
fn numeric_format_rule(rule: &str) -> bool {
    rule.starts_with("NUMBER_FORMAT_") || rule.starts_with("FORMAT_")
}

#[test]
fn json_schema_witnesses_are_accepted_by_the_writer_and_rejected_by_the_reader() {
    let mut confirmed = 0;
    let mut format_only = 0;
    let mut failures = Vec::new();
    let mut unavailable = Vec::new();
    // The rows written for issue #14's kinds must each prove their breaks.
    let kinds: Vec<String> = cases("json_schema.json")
        .iter()
        .filter(|c| c.get("kind").is_some())
        .filter_map(|c| c["description"].as_str().map(str::to_owned))
        .collect();
    for (description, direction, writer, reader) in directions("json_schema.json") {
        let changes = diff(SchemaFormat::JsonSchema, &writer, &reader);
        let (old, new) = (json_validator(&writer), json_validator(&reader));
        for change in changes.iter().filter(|c| !c.compatible) {
            match &change.witness {
                Some(Witness::Value(value)) => {
                    if numeric_format_rule(change.rule) {
                        format_only += 1;
                        continue;
                    }
                    if !old.is_valid(value) || new.is_valid(value) {
                        failures.push(format!(
                            "{description} [{direction}] {}: witness {value}: writer accepts {}, reader accepts {}",
                            change.rule,
                            old.is_valid(value),
                            new.is_valid(value)
                        ));
                    } else {
                        confirmed += 1;
                    }
                }
                Some(Witness::Unavailable(reason)) if !kinds.contains(&description) => {
                    unavailable.push(format!(
                        "{description} [{direction}] {}: {reason}",
                        change.rule
                    ));
                }
                other => failures.push(format!(
                    "{description} [{direction}] {}: no witness: {other:?}",
                    change.rule
                )),
            }
        }
    }
    println!(
        "json schema witnesses confirmed by the jsonschema crate: {confirmed}; numeric-format witnesses (not asserted by the crate): {format_only}; without a witness: {}\n{}",
        unavailable.len(),
        unavailable.join("\n")
    );
    assert!(confirmed > 30);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn compatible_json_schema_rows_have_no_counterexample_among_drawn_values() {
    let mut checked = 0;
    let mut pairs = 0;
    let mut failures = Vec::new();
    for (description, direction, writer, reader) in directions("json_schema.json") {
        let changes = diff(SchemaFormat::JsonSchema, &writer, &reader);
        // Confluent's `*_WITH_DEFAULT_*` rules pass a required property that has a default,
        // for readers that fill defaults in; a validator does not, so they are not checked here.
        if changes
            .iter()
            .any(|c| !c.compatible || c.rule.contains("_WITH_DEFAULT_"))
        {
            continue;
        }
        pairs += 1;
        let (old, new) = (json_validator(&writer), json_validator(&reader));
        let Ok(Schema::Json(loaded)) = Schema::parse(SchemaFormat::JsonSchema, &writer.to_string())
        else {
            panic!("loads");
        };
        let Ok(Schema::Json(reader_loaded)) =
            Schema::parse(SchemaFormat::JsonSchema, &reader.to_string())
        else {
            panic!("loads");
        };
        for drawn in compat::json::witness::draw(&loaded, &reader_loaded) {
            if !old.is_valid(&drawn.value) {
                continue;
            }
            checked += 1;
            if !new.is_valid(&drawn.value) && !writer.to_string().contains("\"format\"") {
                failures.push(format!(
                    "{description} [{direction}]: compatible, but {} is accepted by the writer and rejected by the reader",
                    drawn.value
                ));
            }
        }
    }
    println!("compatible json schema directions: {pairs}; drawn values checked: {checked}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn avro_witnesses_are_valid_for_the_writer_and_unreadable_by_the_reader() {
    use apache_avro::schema_compatibility::SchemaCompatibility;
    let mut confirmed = 0;
    let mut by_schema_check = 0;
    let mut unavailable = Vec::new();
    let mut failures = Vec::new();
    for (description, direction, writer, reader) in directions("avro.json") {
        let changes = diff(SchemaFormat::Avro, &writer, &reader);
        let writer_schema = AvroSchema::parse(&writer).expect("parses");
        let reader_schema = AvroSchema::parse(&reader).expect("parses");
        for change in changes.iter().filter(|c| !c.compatible) {
            let value = match &change.witness {
                Some(Witness::Value(value)) => value,
                Some(Witness::Unavailable(reason)) => {
                    unavailable.push(format!(
                        "{description} [{direction}] {}: {reason}",
                        change.rule
                    ));
                    continue;
                }
                None => {
                    failures.push(format!(
                        "{description} [{direction}] {}: no witness",
                        change.rule
                    ));
                    continue;
                }
            };
            let names = named_types(&writer_schema);
            let datum = match from_json(&writer_schema, value, &names) {
                Ok(datum) => datum,
                Err(err) => {
                    failures.push(format!("{description} [{direction}] {}: witness {value} does not fit the writer: {err}", change.rule));
                    continue;
                }
            };
            let bytes = match apache_avro::to_avro_datum(&writer_schema, datum) {
                Ok(bytes) => bytes,
                Err(err) => {
                    failures.push(format!("{description} [{direction}] {}: witness {value} is not valid for the writer: {err}", change.rule));
                    continue;
                }
            };
            let read = apache_avro::from_avro_datum(
                &writer_schema,
                &mut bytes.as_slice(),
                Some(&reader_schema),
            );
            if read.is_err() {
                confirmed += 1;
            } else if SchemaCompatibility::can_read(&writer_schema, &reader_schema).is_err() {
                // apache-avro resolves a datum value by value (a record by its field names, a
                // long that fits into an int); its schema check, like Java's resolver, refuses
                // the pair.
                by_schema_check += 1;
            } else {
                failures.push(format!(
                    "{description} [{direction}] {}: apache-avro reads witness {value} with the reader's schema",
                    change.rule
                ));
            }
        }
    }
    println!(
        "avro witnesses confirmed by apache-avro: {confirmed} by datum resolution, {by_schema_check} by its schema check; without a witness: {}\n{}",
        unavailable.len(),
        unavailable.join("\n")
    );
    assert!(confirmed > 10);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn named_types(schema: &AvroSchema) -> HashMap<String, AvroSchema> {
    fn walk(schema: &AvroSchema, out: &mut HashMap<String, AvroSchema>) {
        match schema {
            AvroSchema::Record(r) => {
                out.insert(r.name.fullname(None), schema.clone());
                r.fields.iter().for_each(|f| walk(&f.schema, out));
            }
            AvroSchema::Enum(e) => {
                out.insert(e.name.fullname(None), schema.clone());
            }
            AvroSchema::Fixed(f) => {
                out.insert(f.name.fullname(None), schema.clone());
            }
            AvroSchema::Array(a) => walk(&a.items, out),
            AvroSchema::Map(m) => walk(&m.types, out),
            AvroSchema::Union(u) => u.variants().iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut out = HashMap::new();
    walk(schema, &mut out);
    out
}

/// The name that selects a union branch in Avro's JSON encoding.
fn branch_name(schema: &AvroSchema) -> String {
    match schema {
        AvroSchema::Record(r) => r.name.fullname(None),
        AvroSchema::Enum(e) => e.name.fullname(None),
        AvroSchema::Fixed(f) => f.name.fullname(None),
        AvroSchema::Ref { name } => name.fullname(None),
        AvroSchema::Decimal(d) => branch_name(&d.inner),
        AvroSchema::Null => "null".into(),
        AvroSchema::Boolean => "boolean".into(),
        AvroSchema::Int | AvroSchema::Date | AvroSchema::TimeMillis => "int".into(),
        AvroSchema::Float => "float".into(),
        AvroSchema::Double => "double".into(),
        AvroSchema::Bytes | AvroSchema::BigDecimal => "bytes".into(),
        AvroSchema::String | AvroSchema::Uuid => "string".into(),
        AvroSchema::Array(_) => "array".into(),
        AvroSchema::Map(_) => "map".into(),
        _ => "long".into(),
    }
}

fn bytes_of(value: &Value) -> Result<Vec<u8>, String> {
    let text = value.as_str().ok_or("expected a string of bytes")?;
    text.chars()
        .map(|c| u8::try_from(u32::from(c)).map_err(|_| "a code point above 255".to_owned()))
        .collect()
}

/// A datum from its JSON encoding under `schema`.
fn from_json(
    schema: &AvroSchema,
    value: &Value,
    names: &HashMap<String, AvroSchema>,
) -> Result<Datum, String> {
    let int = || {
        value
            .as_i64()
            .ok_or_else(|| format!("expected an integer, got {value}"))
    };
    Ok(match schema {
        AvroSchema::Ref { name } => {
            let target = names
                .get(&name.fullname(None))
                .ok_or("unresolved reference")?;
            return from_json(target, value, names);
        }
        AvroSchema::Null => Datum::Null,
        AvroSchema::Boolean => Datum::Boolean(value.as_bool().ok_or("expected a boolean")?),
        AvroSchema::Int => Datum::Int(int()? as i32),
        AvroSchema::Long => Datum::Long(int()?),
        AvroSchema::Date => Datum::Date(int()? as i32),
        AvroSchema::TimeMillis => Datum::TimeMillis(int()? as i32),
        AvroSchema::TimeMicros => Datum::TimeMicros(int()?),
        AvroSchema::TimestampMillis => Datum::TimestampMillis(int()?),
        AvroSchema::TimestampMicros => Datum::TimestampMicros(int()?),
        AvroSchema::TimestampNanos => Datum::TimestampNanos(int()?),
        AvroSchema::LocalTimestampMillis => Datum::LocalTimestampMillis(int()?),
        AvroSchema::LocalTimestampMicros => Datum::LocalTimestampMicros(int()?),
        AvroSchema::LocalTimestampNanos => Datum::LocalTimestampNanos(int()?),
        AvroSchema::Float => Datum::Float(value.as_f64().ok_or("expected a number")? as f32),
        AvroSchema::Double => Datum::Double(value.as_f64().ok_or("expected a number")?),
        AvroSchema::String => Datum::String(value.as_str().ok_or("expected a string")?.into()),
        AvroSchema::Uuid => Datum::Uuid(
            apache_avro::Uuid::parse_str(value.as_str().ok_or("expected a string")?)
                .map_err(|err| err.to_string())?,
        ),
        AvroSchema::Bytes => Datum::Bytes(bytes_of(value)?),
        AvroSchema::Decimal(_) => Datum::Decimal(apache_avro::Decimal::from(bytes_of(value)?)),
        AvroSchema::Fixed(f) => Datum::Fixed(f.size, bytes_of(value)?),
        AvroSchema::Enum(e) => {
            let symbol = value.as_str().ok_or("expected a symbol")?;
            let index = e
                .symbols
                .iter()
                .position(|s| s == symbol)
                .ok_or("unknown symbol")?;
            Datum::Enum(index as u32, symbol.into())
        }
        AvroSchema::Array(a) => Datum::Array(
            value
                .as_array()
                .ok_or("expected an array")?
                .iter()
                .map(|item| from_json(&a.items, item, names))
                .collect::<Result<_, _>>()?,
        ),
        AvroSchema::Map(m) => Datum::Map(
            value
                .as_object()
                .ok_or("expected an object")?
                .iter()
                .map(|(k, v)| Ok((k.clone(), from_json(&m.types, v, names)?)))
                .collect::<Result<_, String>>()?,
        ),
        AvroSchema::Record(r) => {
            let members = value.as_object().ok_or("expected an object")?;
            Datum::Record(
                r.fields
                    .iter()
                    .map(|f| {
                        let member = members.get(&f.name).ok_or(format!("missing {}", f.name))?;
                        Ok((f.name.clone(), from_json(&f.schema, member, names)?))
                    })
                    .collect::<Result<_, String>>()?,
            )
        }
        AvroSchema::Union(u) => {
            let (index, branch, inner) = match value {
                Value::Null => {
                    let index = u
                        .variants()
                        .iter()
                        .position(|b| matches!(b, AvroSchema::Null))
                        .ok_or("null is not a branch")?;
                    (index, &u.variants()[index], value)
                }
                Value::Object(wrapped) if wrapped.len() == 1 => {
                    let (name, inner) = wrapped.iter().next().ok_or("empty")?;
                    let index = u
                        .variants()
                        .iter()
                        .position(|b| &branch_name(b) == name)
                        .ok_or(format!("no branch named {name}"))?;
                    (index, &u.variants()[index], inner)
                }
                _ => {
                    return Err(format!(
                        "a union value must be null or {{branch: value}}: {value}"
                    ));
                }
            };
            Datum::Union(index as u32, Box::new(from_json(branch, inner, names)?))
        }
        other => return Err(format!("unsupported schema {other:?}")),
    })
}
