//! JSON Schema (as schemars writes it) → Avro.
//!
//! | JSON Schema | Avro |
//! |---|---|
//! | `object` with `properties` | `record`; property order is field order |
//! | `object` with only `additionalProperties: S` | `map` of S |
//! | `array` with `items: S` | `array` of S |
//! | `string` + `format: uuid` | `{"type": "string", "logicalType": "uuid"}` |
//! | `string` + `format: date-time` | `{"type": "long", "logicalType": "timestamp-micros"}` |
//! | `string` with `enum` / `const` | `enum` (symbols must be Avro names) |
//! | `integer` (`int32`/`int16`/`int8`/unsigned below 32 bits) | `int`, otherwise `long` (the JSON Schema of `u64`, `usize`, `u128` and `i128` is bounded to `long`'s range, see `schema::settings`) |
//! | `number` (`float`) | `float`, otherwise `double` |
//! | `anyOf [S, null]` / `type: [t, "null"]` | `["null", S]`, default `null` |
//! | `$ref: #/$defs/X` | named type `X`, defined once, then referenced by name |
//! | `properties` beside `oneOf`/`anyOf`/`allOf` (`#[serde(flatten)]` of an enum) | one `record`: the object's fields, then each alternative's fields, optional (`["null", S]`) |
//!
//! A field that is not required and not nullable gets its JSON default when it has one, and
//! otherwise becomes `["null", S]` with default `null`, because a writer may leave it out. A
//! default is converted through the type wherever it is nested and however often a named type is
//! used: an enum value becomes its symbol.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use super::SchemaError;

/// Attribute of an Avro enum whose symbols differ from the JSON values: the JSON values, in
/// symbol order.
pub const JSON_VALUES_KEY: &str = "json_values";

/// Converts a root JSON Schema into an Avro schema named `name` in `namespace`.
pub fn avro_from_json_schema(
    root: &Value,
    name: &str,
    namespace: &str,
) -> Result<Value, SchemaError> {
    let empty = Map::new();
    let defs = root
        .get("$defs")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let mut converter = Converter {
        defs,
        namespace,
        defined: BTreeSet::new(),
        named: std::collections::BTreeMap::new(),
        unnamed: BTreeSet::new(),
        claimed: BTreeSet::new(),
        defining: Some(name.to_owned()),
    };
    converter.defined.insert(name.to_owned());
    let mut record = converter.convert(root, "", name)?;
    if let Some(object) = record.as_object_mut() {
        object.insert("namespace".into(), Value::String(namespace.to_owned()));
    }
    Ok(record)
}

struct Converter<'a> {
    defs: &'a Map<String, Value>,
    namespace: &'a str,
    defined: BTreeSet<String>,
    /// Named types by full name, as first defined: later uses are the bare name, and a default
    /// given at a later use is converted through the definition.
    named: std::collections::BTreeMap<String, Value>,
    /// Definitions that became an Avro type without a name (a union, an array, a map): each
    /// use repeats the type, whose named parts are by then referred to by name.
    unnamed: BTreeSet<String>,
    /// Names of the named types written so far: a schema may define a name once (Avro
    /// specification, "Names").
    claimed: BTreeSet<String>,
    /// The `$defs` entry (or the root) being converted, whose named type takes its name.
    defining: Option<String>,
}

/// A converted type and whether it admits null.
struct Converted {
    avro: Value,
    nullable: bool,
}

impl Converter<'_> {
    fn convert(&mut self, schema: &Value, path: &str, name: &str) -> Result<Value, SchemaError> {
        let converted = self.convert_inner(schema, path, name)?;
        Ok(if converted.nullable {
            with_null(converted.avro)
        } else {
            converted.avro
        })
    }

    fn convert_inner(
        &mut self,
        schema: &Value,
        path: &str,
        name: &str,
    ) -> Result<Converted, SchemaError> {
        let Some(object) = schema.as_object() else {
            return Err(SchemaError::Untyped {
                path: display(path),
            });
        };
        if object.contains_key(crate::untyped::UNTYPED_KEYWORD) {
            let avro = json!({"type": "string", "logicalType": "json"});
            return Ok(Converted {
                avro,
                nullable: false,
            });
        }
        if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
            return self.reference(reference, path).map(|avro| Converted {
                avro,
                nullable: false,
            });
        }
        // Cross-field rules (`crate::rules`) are constraints Avro cannot state; the fields they
        // name are the record's own.
        let shape_branches = |keyword: &str| {
            object
                .get(keyword)
                .and_then(Value::as_array)
                .is_some_and(|branches| branches.iter().any(|b| !crate::rules::is_rule(b)))
        };
        if object.contains_key("properties")
            && ["allOf", "anyOf", "oneOf"]
                .iter()
                .any(|keyword| shape_branches(keyword))
        {
            return self.flattened(object, path, name).map(|avro| Converted {
                avro,
                nullable: false,
            });
        }
        for keyword in ["anyOf", "oneOf"] {
            if let Some(branches) = object.get(keyword).and_then(Value::as_array) {
                return self.union(branches, object, path, name);
            }
        }
        if let Some(Value::Array(values)) = object.get("enum") {
            return self.enumeration(values, object, path, name);
        }
        if let Some(value) = object.get("const") {
            return self.enumeration(std::slice::from_ref(value), object, path, name);
        }
        let (kind, nullable) = match object.get("type") {
            Some(Value::String(kind)) => (kind.as_str(), false),
            Some(Value::Array(kinds)) => {
                let non_null: Vec<&str> = kinds
                    .iter()
                    .filter_map(Value::as_str)
                    .filter(|k| *k != "null")
                    .collect();
                match non_null.as_slice() {
                    [single] => (*single, non_null.len() < kinds.len()),
                    _ => {
                        return Err(SchemaError::Unsupported {
                            path: display(path),
                            construct: format!("a value of several types {kinds:?}"),
                            hint: "use one type per field, or a Rust enum of structs",
                        });
                    }
                }
            }
            _ => {
                return Err(SchemaError::Untyped {
                    path: display(path),
                });
            }
        };
        let avro = self.typed(kind, object, path, name)?;
        Ok(Converted { avro, nullable })
    }

    fn typed(
        &mut self,
        kind: &str,
        object: &Map<String, Value>,
        path: &str,
        name: &str,
    ) -> Result<Value, SchemaError> {
        let format = object.get("format").and_then(Value::as_str);
        Ok(match kind {
            "string" => match format {
                Some("uuid") => json!({"type": "string", "logicalType": "uuid"}),
                Some("date-time") => json!({"type": "long", "logicalType": "timestamp-micros"}),
                // A calendar date (`chrono::NaiveDate`): days since 1970-01-01.
                Some("date") => json!({"type": "int", "logicalType": "date"}),
                _ => json!("string"),
            },
            "integer" => match format {
                Some("int8" | "int16" | "int32" | "uint8" | "uint16") => json!("int"),
                _ => json!("long"),
            },
            "number" => match format {
                Some("float") => json!("float"),
                _ => json!("double"),
            },
            "boolean" => json!("boolean"),
            "null" => json!("null"),
            "array" => {
                if object.contains_key("prefixItems") {
                    // A tuple: one schema per position, which an Avro array cannot state.
                    return Err(SchemaError::Unsupported {
                        path: display(path),
                        construct: "a tuple (one type per position)".into(),
                        hint: "use a struct with named fields, or a Vec of one type",
                    });
                }
                let items = object.get("items").ok_or_else(|| SchemaError::Untyped {
                    path: format!("{}[]", display(path)),
                })?;
                let item_name = format!("{name}Item");
                json!({"type": "array", "items": self.convert(items, &format!("{path}[]"), &item_name)?})
            }
            "object" => match object.get("properties").and_then(Value::as_object) {
                Some(properties) => self.record(properties, object, path, name)?,
                None => {
                    if object.contains_key("patternProperties") {
                        // schemars' map with integer keys (`BTreeMap<u32, _>`): keys limited by
                        // a pattern, which an Avro map (any string key) cannot state.
                        return Err(SchemaError::Unsupported {
                            path: display(path),
                            construct: "a map whose keys are limited by a pattern (integer keys)"
                                .into(),
                            hint: "key the map by String (`BTreeMap<String, _>`), or make it a list of records",
                        });
                    }
                    let values = object.get("additionalProperties").filter(|v| v.is_object());
                    let Some(values) = values else {
                        return Err(SchemaError::Untyped {
                            path: display(path),
                        });
                    };
                    let value_name = format!("{name}Value");
                    json!({"type": "map", "values": self.convert(values, &format!("{path}{{}}"), &value_name)?})
                }
            },
            other => {
                return Err(SchemaError::Unsupported {
                    path: display(path),
                    construct: format!("JSON type `{other}`"),
                    hint: "use a string, number, integer, boolean, array or object",
                });
            }
        })
    }

    fn record(
        &mut self,
        properties: &Map<String, Value>,
        object: &Map<String, Value>,
        path: &str,
        name: &str,
    ) -> Result<Value, SchemaError> {
        let required: BTreeSet<&str> = object
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let mut fields = Vec::with_capacity(properties.len());
        for (field_name, field_schema) in properties {
            let field_path = format!("{path}/{field_name}");
            if !is_avro_name(field_name) {
                return Err(SchemaError::InvalidFieldName {
                    path: field_path,
                    name: field_name.clone(),
                });
            }
            let type_name = format!("{name}{}", pascal_case(field_name));
            let converted = self.convert_inner(field_schema, &field_path, &type_name)?;
            let default = field_schema.get("default");
            let mut field = Map::new();
            field.insert("name".into(), Value::String(field_name.clone()));
            let is_required = required.contains(field_name.as_str());
            if converted.nullable || (!is_required && default.is_none()) {
                field.insert("type".into(), with_null(converted.avro));
                field.insert("default".into(), Value::Null);
            } else {
                if let (false, Some(default)) = (is_required, default) {
                    field.insert(
                        "default".into(),
                        self.avro_default(&converted.avro, default),
                    );
                }
                field.insert("type".into(), converted.avro);
            }
            if let Some(doc) = field_schema.get("description").and_then(Value::as_str) {
                field.insert("doc".into(), Value::String(doc.to_owned()));
            }
            fields.push(Value::Object(field));
        }
        let mut record = Map::new();
        record.insert("type".into(), json!("record"));
        record.insert("name".into(), Value::String(self.claim(name)));
        if let Some(doc) = object.get("description").and_then(Value::as_str) {
            record.insert("doc".into(), Value::String(doc.to_owned()));
        }
        record.insert("fields".into(), Value::Array(fields));
        Ok(Value::Object(record))
    }

    /// An object with properties of its own and alternatives beside them (`#[serde(flatten)]` of
    /// an enum): one record with the object's fields and every alternative's fields, those of
    /// `oneOf`/`anyOf` alternatives optional (`["null", T]`, default `null`), those of `allOf`
    /// parts as they are required there. A value holds one alternative's keys; its Avro datum
    /// holds `null` for the others, which a reader drops to get the JSON value back.
    fn flattened(
        &mut self,
        object: &Map<String, Value>,
        path: &str,
        name: &str,
    ) -> Result<Value, SchemaError> {
        let mut properties = object
            .get("properties")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let mut required: Vec<Value> = object
            .get("required")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for keyword in ["allOf", "anyOf", "oneOf"] {
            let Some(branches) = object.get(keyword).and_then(Value::as_array) else {
                continue;
            };
            for (index, branch) in branches.iter().enumerate() {
                if crate::rules::is_rule(branch) {
                    continue;
                }
                let unsupported = |construct: String| SchemaError::Unsupported {
                    path: display(path),
                    construct,
                    hint: "nest the enum in a field of its own instead of flattening it",
                };
                let branch = match branch.get("$ref").and_then(Value::as_str) {
                    Some(reference) => reference
                        .strip_prefix("#/$defs/")
                        .and_then(|def| self.defs.get(def))
                        .unwrap_or(branch),
                    None => branch,
                };
                let Some(branch_properties) = branch.get("properties").and_then(Value::as_object)
                else {
                    return Err(unsupported(format!(
                        "alternative {index} of a flattened {keyword} without properties"
                    )));
                };
                for (field, schema) in branch_properties {
                    if properties.contains_key(field) {
                        return Err(unsupported(format!(
                            "property `{field}` in several parts of a flattened {keyword}"
                        )));
                    }
                    properties.insert(field.clone(), schema.clone());
                }
                if keyword == "allOf" {
                    required.extend(
                        branch
                            .get("required")
                            .and_then(Value::as_array)
                            .cloned()
                            .unwrap_or_default(),
                    );
                }
            }
        }
        let mut merged = object.clone();
        merged.insert("required".into(), Value::Array(required));
        self.record(&properties, &merged, path, name)
    }

    fn enumeration(
        &mut self,
        values: &[Value],
        object: &Map<String, Value>,
        path: &str,
        name: &str,
    ) -> Result<Converted, SchemaError> {
        let mut texts = Vec::with_capacity(values.len());
        let mut nullable = false;
        for value in values {
            match value {
                Value::Null => nullable = true,
                Value::String(text) => texts.push(text.clone()),
                other => {
                    return Err(SchemaError::Unsupported {
                        path: display(path),
                        construct: format!("enum value {other}"),
                        hint: "Avro enums hold strings; use a string enum",
                    });
                }
            }
        }
        let symbols: Vec<String> = texts.iter().map(|text| avro_symbol(text)).collect();
        let distinct: BTreeSet<&String> = symbols.iter().collect();
        if distinct.len() != symbols.len() {
            return Err(SchemaError::Unsupported {
                path: display(path),
                construct: format!("enum values {texts:?}"),
                hint: "two values map to the same Avro symbol once characters outside [A-Za-z0-9_] become `_`",
            });
        }
        let mut avro = Map::new();
        avro.insert("type".into(), json!("enum"));
        avro.insert("name".into(), Value::String(self.claim(name)));
        if let Some(doc) = object.get("description").and_then(Value::as_str) {
            avro.insert("doc".into(), Value::String(doc.to_owned()));
        }
        avro.insert("symbols".into(), json!(symbols));
        if symbols != texts {
            // The JSON value of symbol i is json_values[i]; encoders and decoders map by position.
            avro.insert(JSON_VALUES_KEY.into(), json!(texts));
        }
        Ok(Converted {
            avro: Value::Object(avro),
            nullable,
        })
    }

    fn union(
        &mut self,
        branches: &[Value],
        object: &serde_json::Map<String, Value>,
        path: &str,
        name: &str,
    ) -> Result<Converted, SchemaError> {
        let is_null = |branch: &Value| branch.get("type").and_then(Value::as_str) == Some("null");
        let non_null: Vec<&Value> = branches.iter().filter(|b| !is_null(b)).collect();
        let nullable = non_null.len() < branches.len();
        // A Rust enum whose variants carry doc comments: `oneOf` of one `const` (or one-value
        // `enum`) per variant. That is an enumeration.
        let constants: Option<Vec<Value>> = non_null
            .iter()
            .map(|branch| {
                branch.get("const").cloned().or_else(|| {
                    match branch
                        .get("enum")
                        .and_then(Value::as_array)
                        .map(Vec::as_slice)
                    {
                        Some([only]) => Some(only.clone()),
                        _ => None,
                    }
                })
            })
            .collect();
        if let Some(constants) = constants.filter(|c| c.len() > 1 && c.iter().all(Value::is_string))
        {
            let mut converted = self.enumeration(&constants, object, path, name)?;
            converted.nullable |= nullable;
            return Ok(converted);
        }
        match non_null.as_slice() {
            [single] => {
                let inner = self.convert_inner(single, path, name)?;
                Ok(Converted {
                    avro: inner.avro,
                    nullable: nullable || inner.nullable,
                })
            }
            several => {
                // Named types (structs, enums), and at most one of each unnamed Avro type
                // (`string`, `long`, `array`, …; Avro specification, "Unions"): an untagged
                // enum of `String`, `i64`, `Vec<_>`, … variants.
                let mut alternatives = Vec::with_capacity(several.len());
                let mut unnamed_kinds = BTreeSet::new();
                for (index, branch) in several.iter().enumerate() {
                    if branch.get("$ref").is_none() && branch.get("properties").is_some() {
                        return Err(SchemaError::Unsupported {
                            path: display(path),
                            construct: format!(
                                "alternative {index} of a union is not a named type"
                            ),
                            hint: "make each alternative its own Rust type (struct or enum)",
                        });
                    }
                    let avro = self.convert(branch, path, name)?;
                    let kind = match &avro {
                        Value::String(kind) if !kind.contains('.') => Some(kind.clone()),
                        Value::Object(object) => match object.get("type").and_then(Value::as_str) {
                            Some("record" | "enum" | "fixed") => None,
                            Some(kind) => Some(kind.to_owned()),
                            None => None,
                        },
                        _ => None,
                    };
                    if let Some(kind) = kind
                        && !unnamed_kinds.insert(kind.clone())
                    {
                        return Err(SchemaError::Unsupported {
                            path: display(path),
                            construct: format!(
                                "alternative {index} of a union is a second `{kind}`"
                            ),
                            hint: "an Avro union holds one alternative of each unnamed type; wrap one of them in a struct",
                        });
                    }
                    alternatives.push(avro);
                }
                Ok(Converted {
                    avro: Value::Array(alternatives),
                    nullable,
                })
            }
        }
    }

    /// The name a named type written at `name` gets: a `$defs` entry's own name for the entry,
    /// and for a type written inline (`<Record><Field>`, `<Array>Item`, …) that name unless a
    /// `$defs` entry or an earlier type has it, then `name2`, `name3`, ….
    fn claim(&mut self, name: &str) -> String {
        if self.defining.as_deref() == Some(name) {
            self.defining = None;
            self.claimed.insert(name.to_owned());
            return name.to_owned();
        }
        let mut candidate = name.to_owned();
        let mut suffix = 2;
        while self.defs.contains_key(&candidate) || self.claimed.contains(&candidate) {
            candidate = format!("{name}{suffix}");
            suffix += 1;
        }
        self.claimed.insert(candidate.clone());
        candidate
    }

    fn reference(&mut self, reference: &str, path: &str) -> Result<Value, SchemaError> {
        let dangling = || SchemaError::DanglingRef {
            path: display(path),
            reference: reference.to_owned(),
        };
        let def_name = reference.strip_prefix("#/$defs/").ok_or_else(dangling)?;
        let target = self.defs.get(def_name).ok_or_else(dangling)?;
        if self.unnamed.contains(def_name) {
            return self.convert(target, path, def_name);
        }
        if self.defined.contains(def_name) {
            return Ok(Value::String(format!("{}.{def_name}", self.namespace)));
        }
        self.defined.insert(def_name.to_owned());
        let outer = self.defining.replace(def_name.to_owned());
        let avro = self.convert(target, path, def_name);
        self.defining = outer;
        let avro = avro?;
        let named = avro
            .get("type")
            .and_then(Value::as_str)
            .is_some_and(|kind| matches!(kind, "record" | "enum" | "fixed"));
        if named {
            self.named
                .insert(format!("{}.{def_name}", self.namespace), avro.clone());
        } else {
            self.unnamed.insert(def_name.to_owned());
        }
        Ok(avro)
    }

    /// A JSON default as Avro wants it, through named types however often they are used: an
    /// enum default is the symbol of the JSON value, wherever it is nested (record fields, array
    /// items, map values); an untyped value (a JSON-text string) defaults to the text of its JSON
    /// default; a union's default is for its first branch (Avro 1.11 specification, "Unions").
    fn avro_default(&self, avro: &Value, default: &Value) -> Value {
        match avro {
            Value::String(name) => match self.named.get(name) {
                Some(definition) => self.avro_default(definition, default),
                None => default.clone(),
            },
            Value::Array(branches) => branches
                .first()
                .map(|first| self.avro_default(first, default))
                .unwrap_or_else(|| default.clone()),
            Value::Object(object) => {
                let logical = object.get("logicalType").and_then(Value::as_str);
                match (object.get("type"), logical, default) {
                    (Some(Value::String(kind)), _, Value::String(text)) if kind == "enum" => {
                        Value::String(avro_symbol(text))
                    }
                    (Some(Value::String(kind)), Some("json"), default) if kind == "string" => {
                        Value::String(default.to_string())
                    }
                    (Some(Value::String(kind)), _, Value::Object(values)) if kind == "record" => {
                        let fields = object.get("fields").and_then(Value::as_array);
                        let mut converted = values.clone();
                        for field in fields.into_iter().flatten() {
                            let (Some(name), Some(field_type)) =
                                (field.get("name").and_then(Value::as_str), field.get("type"))
                            else {
                                continue;
                            };
                            if let Some(value) = values.get(name) {
                                converted
                                    .insert(name.to_owned(), self.avro_default(field_type, value));
                            }
                        }
                        Value::Object(converted)
                    }
                    (Some(Value::String(kind)), _, Value::Array(items)) if kind == "array" => {
                        let item_type = object.get("items").unwrap_or(&Value::Null);
                        Value::Array(
                            items
                                .iter()
                                .map(|item| self.avro_default(item_type, item))
                                .collect(),
                        )
                    }
                    (Some(Value::String(kind)), _, Value::Object(values)) if kind == "map" => {
                        let value_type = object.get("values").unwrap_or(&Value::Null);
                        Value::Object(
                            values
                                .iter()
                                .map(|(k, v)| (k.clone(), self.avro_default(value_type, v)))
                                .collect(),
                        )
                    }
                    // A nested type written in place (`{"type": {"type": "enum", …}}`).
                    (Some(inner @ (Value::Object(_) | Value::String(_))), _, _) if !matches!(inner, Value::String(k) if is_primitive(k)) => {
                        self.avro_default(inner, default)
                    }
                    _ => default.clone(),
                }
            }
            _ => default.clone(),
        }
    }
}

fn is_primitive(kind: &str) -> bool {
    matches!(
        kind,
        "null"
            | "boolean"
            | "int"
            | "long"
            | "float"
            | "double"
            | "bytes"
            | "string"
            | "record"
            | "enum"
            | "array"
            | "map"
            | "fixed"
    )
}

/// `["null", …]` around a type, or `null` added first to a union (Avro unions do not nest).
fn with_null(avro: Value) -> Value {
    match avro {
        Value::Array(mut alternatives) => {
            if !alternatives.contains(&Value::Null) && !alternatives.contains(&json!("null")) {
                alternatives.insert(0, json!("null"));
            }
            Value::Array(alternatives)
        }
        other => json!(["null", other]),
    }
}

fn display(path: &str) -> String {
    if path.is_empty() {
        "/".to_owned()
    } else {
        path.to_owned()
    }
}

/// The Avro symbol of an enum value: the value itself when it is a valid Avro name, otherwise the
/// value with every character outside `[A-Za-z0-9_]` replaced by `_` (and `_` prefixed when it
/// starts with a digit). `assessment.result.published` → `assessment_result_published`.
pub fn avro_symbol(text: &str) -> String {
    let mut symbol: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if !symbol.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        symbol.insert(0, '_');
    }
    symbol
}

fn pascal_case(snake: &str) -> String {
    snake
        .split('_')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// Whether `name` is an Avro name: `[A-Za-z_][A-Za-z0-9_]*` (Avro specification, "Names").
fn is_avro_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic() || first == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_fields_and_logical_types() {
        let schema = json!({
            "type": "object",
            "description": "A thing.",
            "properties": {
                "id": {"type": "string", "format": "uuid"},
                "at": {"type": "string", "format": "date-time"},
                "note": {"type": ["string", "null"]},
                "count": {"type": "integer", "format": "uint32"},
                "flag": {"type": "boolean", "default": false},
                "tags": {"type": "object", "additionalProperties": {"type": "string"}},
                "kind": {"$ref": "#/$defs/Kind"},
                "other_kind": {"$ref": "#/$defs/Kind"}
            },
            "required": ["id", "at", "count", "kind", "other_kind", "tags"],
            "$defs": {"Kind": {"type": "string", "enum": ["HIGH", "LOW"]}}
        });
        let avro = avro_from_json_schema(&schema, "Thing", "huleedu.test").unwrap();
        assert_eq!(
            avro,
            json!({
                "type": "record", "name": "Thing", "doc": "A thing.",
                "fields": [
                    {"name": "id", "type": {"type": "string", "logicalType": "uuid"}},
                    {"name": "at", "type": {"type": "long", "logicalType": "timestamp-micros"}},
                    {"name": "note", "type": ["null", "string"], "default": null},
                    {"name": "count", "type": "long"},
                    {"name": "flag", "type": "boolean", "default": false},
                    {"name": "tags", "type": {"type": "map", "values": "string"}},
                    {"name": "kind", "type": {"type": "enum", "name": "Kind", "symbols": ["HIGH", "LOW"]}},
                    {"name": "other_kind", "type": "huleedu.test.Kind"}
                ],
                "namespace": "huleedu.test"
            })
        );
    }

    #[test]
    fn untyped_and_invalid_symbols_are_errors_with_paths() {
        let untyped = json!({"type": "object", "properties": {"extra": {}}, "required": ["extra"]});
        let err = avro_from_json_schema(&untyped, "X", "ns").unwrap_err();
        assert_eq!(
            err,
            SchemaError::Untyped {
                path: "/extra".into()
            }
        );

        let clash = json!({"type": "object", "properties": {"w": {"type": "string", "enum": ["a.b", "a_b"]}}});
        let err = avro_from_json_schema(&clash, "X", "ns").unwrap_err();
        assert!(err.to_string().starts_with("/w: enum values"), "{err}");
    }

    #[test]
    fn enum_defaults_become_symbols() {
        let schema = json!({
            "type": "object",
            "properties": {"name": {"$ref": "#/$defs/Name", "default": "a.b"}},
            "$defs": {"Name": {"type": "string", "enum": ["a.b", "c.d"]}}
        });
        let avro = avro_from_json_schema(&schema, "X", "ns").unwrap();
        assert_eq!(avro["fields"][0]["default"], "a_b");
    }

    #[test]
    fn enum_values_that_are_not_avro_names_keep_their_json_values() {
        let schema = json!({"type": "string", "enum": ["Essay A", "essay.b", "9lives"]});
        let avro = avro_from_json_schema(&schema, "Winner", "ns").unwrap();
        assert_eq!(avro["symbols"], json!(["Essay_A", "essay_b", "_9lives"]));
        assert_eq!(
            avro[JSON_VALUES_KEY],
            json!(["Essay A", "essay.b", "9lives"])
        );
    }
}
