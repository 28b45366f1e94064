//! The payload types of a catalogue as a small language-neutral model, read from the JSON Schemas:
//! classes (objects with properties), enums, and field types. The Python and TypeScript emitters
//! render it; neither reads JSON Schema itself.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::model::CatalogModel;

/// A field's type.
#[derive(Debug, Clone, PartialEq)]
pub enum Ty {
    /// A string with optional constraints.
    String(Bounds),
    /// `format: uuid`.
    Uuid,
    /// `format: date-time`.
    DateTime,
    /// `format: date` (a calendar date, `YYYY-MM-DD`).
    Date,
    /// `format: email`.
    Email,
    /// An integer.
    Integer(Bounds),
    /// A number.
    Number(Bounds),
    /// `true`/`false`.
    Boolean,
    /// A list.
    Array(Box<Ty>, Bounds),
    /// An object with arbitrary keys and values of one type.
    Map(Box<Ty>),
    /// Any JSON object (a documented untyped field).
    AnyObject,
    /// Any JSON value.
    Any,
    /// A named class or enum.
    Named(String),
    /// One of these literal strings (an enum that is not a named type).
    Literals(Vec<String>),
    /// The type, or `null`.
    Nullable(Box<Ty>),
    /// Any of these types.
    Union(Vec<Ty>),
}

/// Constraints that apply to a type.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Bounds {
    /// `minimum` / `minLength` / `minItems`.
    pub min: Option<serde_json::Number>,
    /// `maximum` / `maxLength` / `maxItems`.
    pub max: Option<serde_json::Number>,
    /// `exclusiveMinimum`.
    pub exclusive_min: Option<serde_json::Number>,
    /// `exclusiveMaximum`.
    pub exclusive_max: Option<serde_json::Number>,
    /// `pattern`.
    pub pattern: Option<String>,
}

impl Ty {
    /// Whether this type or one inside it is [`Ty::Email`] (the Python package then needs
    /// `email-validator`).
    pub fn mentions_email(&self) -> bool {
        match self {
            Ty::Email => true,
            Ty::Array(inner, _) | Ty::Map(inner) | Ty::Nullable(inner) => inner.mentions_email(),
            Ty::Union(members) => members.iter().any(Ty::mentions_email),
            _ => false,
        }
    }
}

impl Bounds {
    /// Whether no constraint is set.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// A field of a class.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Wire name.
    pub name: String,
    /// Doc comment.
    pub description: Option<String>,
    /// Type.
    pub ty: Ty,
    /// Whether the key must be present.
    pub required: bool,
    /// Static default, when the schema states one.
    pub default: Option<Value>,
}

/// An object type.
#[derive(Debug, Clone, PartialEq)]
pub struct Class {
    /// Type name.
    pub name: String,
    /// Doc comment.
    pub description: Option<String>,
    /// Fields in wire order.
    pub fields: Vec<Field>,
    /// Cross-field rules (`tidings::rules`), in declaration order.
    pub rules: Vec<tidings::rules::Rule>,
}

/// A string enum.
#[derive(Debug, Clone, PartialEq)]
pub struct Enum {
    /// Type name.
    pub name: String,
    /// Doc comment.
    pub description: Option<String>,
    /// The values, in declaration order.
    pub values: Vec<String>,
    /// Each value's doc comment (a Rust variant's), by position.
    pub value_docs: Vec<Option<String>>,
}

/// A named type that is neither a class nor an enum, e.g. a union of enums.
#[derive(Debug, Clone, PartialEq)]
pub struct Alias {
    /// Type name.
    pub name: String,
    /// Doc comment.
    pub description: Option<String>,
    /// What it stands for.
    pub ty: Ty,
    /// For a union of classes that each hold this field with one literal value (a Rust enum
    /// with serde's internal or adjacent tagging): the field's wire name, which tells the
    /// members apart (pydantic's `Field(discriminator=…)`; a TypeScript tagged union).
    pub discriminator: Option<String>,
}

/// Every named type of a catalogue, classes in dependency order (a class comes after the classes
/// its fields name).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TypeModel {
    /// String enums, by name.
    pub enums: Vec<Enum>,
    /// Aliases, by name; they name enums, classes (a union of structs) and other aliases.
    pub aliases: Vec<Alias>,
    /// Classes, dependencies first.
    pub classes: Vec<Class>,
}

impl TypeModel {
    /// Whether any class field or alias is (or holds) an email address.
    pub fn mentions_email(&self) -> bool {
        self.classes
            .iter()
            .flat_map(|class| &class.fields)
            .map(|field| &field.ty)
            .chain(self.aliases.iter().map(|alias| &alias.ty))
            .any(Ty::mentions_email)
    }

    /// The types of every payload in `model`, plus the envelope as `EventEnvelope`.
    pub fn of(model: &CatalogModel, envelope: &Value) -> Self {
        let mut found = Found::default();
        for event in &model.events {
            found.reserve(&event.json_schema, &event.type_name);
        }
        found.reserve(envelope, "EventEnvelope");
        found.reserved.insert(model.catalogue_enum.clone());
        for event in &model.events {
            collect(&event.json_schema, &event.type_name, &mut found);
        }
        collect(envelope, "EventEnvelope", &mut found);
        // The packages' catalogue helpers name the catalogue enum, so it is defined whether or
        // not a payload has a field of its type.
        found
            .enums
            .entry(model.catalogue_enum.clone())
            .or_insert_with(|| Enum {
                name: model.catalogue_enum.clone(),
                description: Some(format!("The events of the {} catalogue.", model.catalogue)),
                values: model
                    .events
                    .iter()
                    .map(|event| event.name.clone())
                    .collect(),
                value_docs: Vec::new(),
            });
        for alias in found.aliases.values_mut() {
            alias.discriminator = discriminator(&alias.ty, &found.classes);
        }
        Self {
            enums: found.enums.into_values().collect(),
            aliases: alias_order(found.aliases),
            classes: dependency_order(found.classes),
        }
    }

    /// The class named `name`.
    pub fn class(&self, name: &str) -> Option<&Class> {
        self.classes.iter().find(|c| c.name == name)
    }
}

/// The field that tells the members of a union of classes apart: required in each, one literal
/// value in each, the values distinct.
fn discriminator(ty: &Ty, classes: &BTreeMap<String, Class>) -> Option<String> {
    let Ty::Union(members) = ty else {
        return None;
    };
    let members: Vec<&Class> = members
        .iter()
        .map(|member| match member {
            Ty::Named(name) => classes.get(name),
            _ => None,
        })
        .collect::<Option<_>>()?;
    let literal = |class: &Class, tag: &str| {
        class.fields.iter().find_map(|field| match &field.ty {
            Ty::Literals(values) if field.name == tag && field.required && values.len() == 1 => {
                Some(values[0].clone())
            }
            _ => None,
        })
    };
    let first = members.first()?;
    first
        .fields
        .iter()
        .map(|f| f.name.as_str())
        .find(|tag| {
            let values: Option<Vec<String>> = members.iter().map(|c| literal(c, tag)).collect();
            values.is_some_and(|values| {
                let distinct: std::collections::BTreeSet<&String> = values.iter().collect();
                distinct.len() == values.len()
            })
        })
        .map(str::to_owned)
}

#[derive(Default)]
struct Found {
    enums: BTreeMap<String, Enum>,
    aliases: BTreeMap<String, Alias>,
    classes: BTreeMap<String, Class>,
    /// The names of `$defs` entries and payloads, which an object written inline is not named.
    reserved: std::collections::BTreeSet<String>,
    /// The schema of each `$defs` entry by the type name it was given.
    def_schemas: BTreeMap<String, Value>,
    /// For the schema being read: `$defs` entries whose name an earlier schema gave to another
    /// type (two Rust types of one name in different modules), and the names they get instead.
    renames: BTreeMap<String, String>,
}

impl Found {
    /// Reserves the names `schema` gives its types.
    fn reserve(&mut self, schema: &Value, root_name: &str) {
        if let Some(defs) = schema.get("$defs").and_then(Value::as_object) {
            self.reserved.extend(defs.keys().cloned());
        }
        self.reserved.insert(root_name.to_owned());
    }

    /// `hint`, or `hint2`, `hint3`, … when a type of that name exists or is reserved.
    fn unused_name(&self, hint: &str) -> String {
        let taken = |name: &str| {
            self.reserved.contains(name)
                || self.enums.contains_key(name)
                || self.aliases.contains_key(name)
                || self.classes.contains_key(name)
        };
        let mut name = hint.to_owned();
        let mut suffix = 2;
        while taken(&name) {
            name = format!("{hint}{suffix}");
            suffix += 1;
        }
        name
    }
}

/// Names the generated Python models module imports; a catalogue type of such a name is renamed
/// `<Name>Type`, and a field of such a name gets another attribute (see the Python emitter).
pub const PYTHON_NAMES: &[&str] = &[
    "Annotated",
    "Any",
    "BaseModel",
    "ConfigDict",
    "EmailStr",
    "Enum",
    "Field",
    "Literal",
    "RootModel",
    "UUID",
    "datetime",
    "model_validator",
    "timezone",
    "uuid4",
];

/// TypeScript's global types that a catalogue type of the same name would shadow; such a type is
/// renamed `<Name>Type`.
pub const TYPESCRIPT_NAMES: &[&str] = &[
    "Array",
    "Boolean",
    "Date",
    "Error",
    "Exclude",
    "Extract",
    "Function",
    "Map",
    "NonNullable",
    "Number",
    "Object",
    "Omit",
    "Partial",
    "Pick",
    "Promise",
    "Readonly",
    "Record",
    "Required",
    "ReturnType",
    "Set",
    "String",
    "Symbol",
];

fn collect(schema: &Value, root_name: &str, found: &mut Found) {
    found.renames.clear();
    let defs = schema.get("$defs").and_then(Value::as_object);
    for (name, def) in defs.into_iter().flatten() {
        // A type named like one the generated modules import (`Field`, `Record`, …) is
        // `<Name>Type`.
        let base =
            if PYTHON_NAMES.contains(&name.as_str()) || TYPESCRIPT_NAMES.contains(&name.as_str()) {
                format!("{name}Type")
            } else {
                name.clone()
            };
        let given = match found.def_schemas.get(&base) {
            Some(earlier) if earlier == def => base,
            Some(_) => {
                let other = found
                    .def_schemas
                    .iter()
                    .find(|(_, schema)| *schema == def)
                    .map(|(other, _)| other.clone());
                match other {
                    Some(other) => other,
                    None => {
                        let renamed = found.unused_name(&base);
                        found.def_schemas.insert(renamed.clone(), def.clone());
                        renamed
                    }
                }
            }
            None => {
                found.def_schemas.insert(base.clone(), def.clone());
                base
            }
        };
        if given != *name {
            found.reserved.insert(given.clone());
            found.renames.insert(name.clone(), given);
        }
    }
    for (name, def) in defs.into_iter().flatten() {
        let name = found
            .renames
            .get(name)
            .cloned()
            .unwrap_or_else(|| name.clone());
        named(&name, def, found);
    }
    named(root_name, schema, found);
}

fn description(schema: &Value) -> Option<String> {
    schema
        .get("description")
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// The string values of an enumeration: `enum`, or `oneOf`/`anyOf` of one `const` per value (a
/// Rust enum whose variants carry doc comments).
/// The doc comment of each value of an enumeration written as `oneOf`/`anyOf` of one `const`
/// per value (empty otherwise).
fn value_docs(schema: &Value) -> Vec<Option<String>> {
    schema
        .get("oneOf")
        .or_else(|| schema.get("anyOf"))
        .and_then(Value::as_array)
        .map(|branches| branches.iter().map(description).collect())
        .unwrap_or_default()
}

fn enumeration(schema: &Value) -> Option<Vec<String>> {
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        return Some(
            values
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
        );
    }
    let branches = schema
        .get("oneOf")
        .or_else(|| schema.get("anyOf"))
        .and_then(Value::as_array)?;
    let values: Option<Vec<String>> = branches
        .iter()
        .map(|branch| {
            branch
                .get("const")
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .collect();
    values.filter(|v| v.len() > 1)
}

fn named(name: &str, schema: &Value, found: &mut Found) {
    if found.enums.contains_key(name)
        || found.aliases.contains_key(name)
        || found.classes.contains_key(name)
    {
        return;
    }
    if let Some(values) = enumeration(schema) {
        found.enums.insert(
            name.to_owned(),
            Enum {
                name: name.to_owned(),
                description: description(schema),
                value_docs: value_docs(schema),
                values,
            },
        );
        return;
    }
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
        let ty = ty(schema, name, found);
        found.aliases.insert(
            name.to_owned(),
            Alias {
                name: name.to_owned(),
                description: description(schema),
                ty,
                discriminator: None,
            },
        );
        return;
    };
    let mut fields = fields_of(name, properties, schema, found);
    // `allOf` parts beside the properties (a flattened struct): their fields are the object's.
    for part in shape_branches(schema, "allOf") {
        if let Some(properties) = part.get("properties").and_then(Value::as_object) {
            fields.extend(fields_of(name, properties, part, found));
        }
    }
    let variants = flattened_variants(schema);
    if !variants.is_empty() {
        // A flattened enum: one class per variant, the object's fields and the variant's, and the
        // type a union of them (what serde writes is one of these objects).
        let mut members = Vec::with_capacity(variants.len());
        for (variant, branch) in variants {
            let class_name = found.unused_name(&tidings::schema::nested_type_name(name, &variant));
            let mut variant_fields = fields.clone();
            if let Some(properties) = branch.get("properties").and_then(Value::as_object) {
                variant_fields.extend(fields_of(&class_name, properties, branch, found));
            }
            found.classes.insert(
                class_name.clone(),
                Class {
                    name: class_name.clone(),
                    description: description(schema),
                    fields: variant_fields,
                    rules: tidings::rules::rules_of(schema),
                },
            );
            members.push(Ty::Named(class_name));
        }
        found.aliases.insert(
            name.to_owned(),
            Alias {
                name: name.to_owned(),
                description: description(schema),
                ty: Ty::Union(members),
                discriminator: None,
            },
        );
        return;
    }
    found.classes.insert(
        name.to_owned(),
        Class {
            name: name.to_owned(),
            description: description(schema),
            fields,
            rules: tidings::rules::rules_of(schema),
        },
    );
}

/// The fields of `owner`; an object written inline in a field becomes a class named after the
/// owner and the field (`TargetBatch` + `batch` → `TargetBatchBatch`, as its Avro record).
fn fields_of(
    owner: &str,
    properties: &serde_json::Map<String, Value>,
    schema: &Value,
    found: &mut Found,
) -> Vec<Field> {
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    properties
        .iter()
        .map(|(field, property)| Field {
            name: field.clone(),
            description: description(property),
            ty: ty(
                property,
                &tidings::schema::nested_type_name(owner, field),
                found,
            ),
            required: required.contains(&field.as_str()),
            default: property.get("default").cloned(),
        })
        .collect()
}

/// The branches of `keyword` that are parts of the object's shape (not cross-field rules).
fn shape_branches<'s>(schema: &'s Value, keyword: &str) -> Vec<&'s Value> {
    schema
        .get(keyword)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|branch| !tidings::rules::is_rule(branch))
        .collect()
}

/// The variants of an enum flattened into an object with properties (`oneOf`/`anyOf` beside the
/// properties), each with its variant name (`essay`, `batch`; by position when the enum's tagging
/// does not name them). Empty when the object has none.
fn flattened_variants(schema: &Value) -> Vec<(String, &Value)> {
    for keyword in ["oneOf", "anyOf"] {
        let branches = shape_branches(schema, keyword);
        if branches.is_empty() {
            continue;
        }
        let owned: Vec<Value> = branches.iter().map(|b| (*b).clone()).collect();
        let names = tidings::schema::variant_names(&owned).unwrap_or_default();
        return branches
            .into_iter()
            .enumerate()
            .map(|(index, branch)| {
                let variant = names
                    .get(index)
                    .cloned()
                    .flatten()
                    .unwrap_or_else(|| format!("variant{}", index + 1));
                (variant, branch)
            })
            .collect();
    }
    Vec::new()
}

fn bounds(schema: &Value, min: &str, max: &str) -> Bounds {
    // As written: an integer bound such as `u64`'s 9223372036854775807 is not a float.
    let number = |key: &str| match schema.get(key) {
        Some(Value::Number(n)) => Some(n.clone()),
        _ => None,
    };
    Bounds {
        min: number(min),
        max: number(max),
        exclusive_min: number("exclusiveMinimum"),
        exclusive_max: number("exclusiveMaximum"),
        pattern: schema
            .get("pattern")
            .and_then(Value::as_str)
            .map(str::to_owned),
    }
}

/// The type a property schema describes. An object written inline (not a `$ref`) becomes a
/// class named `hint`.
fn ty(schema: &Value, hint: &str, found: &mut Found) -> Ty {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let name = reference.rsplit('/').next().unwrap_or(reference);
        let name = found.renames.get(name).map_or(name, String::as_str);
        return Ty::Named(name.to_owned());
    }
    if let Some(values) = enumeration(schema) {
        return Ty::Literals(values);
    }
    if let Some(Value::String(value)) = schema.get("const") {
        return Ty::Literals(vec![value.clone()]);
    }
    if schema.get("properties").is_some() {
        let name = found.unused_name(hint);
        named(&name, schema, found);
        let inner = Ty::Named(name);
        let nullable = schema
            .get("type")
            .and_then(Value::as_array)
            .is_some_and(|kinds| kinds.iter().any(|k| k == "null"));
        return if nullable {
            Ty::Nullable(Box::new(inner))
        } else {
            inner
        };
    }
    if let Some(branches) = schema
        .get("anyOf")
        .or_else(|| schema.get("oneOf"))
        .and_then(Value::as_array)
    {
        let nullable = branches
            .iter()
            .any(|b| b.get("type") == Some(&Value::String("null".into())));
        let others: Vec<&Value> = branches
            .iter()
            .filter(|b| b.get("type") != Some(&Value::String("null".into())))
            .collect();
        let inner = match others.as_slice() {
            [only] => ty(only, hint, found),
            many => Ty::Union(
                many.iter()
                    .enumerate()
                    .map(|(index, b)| ty(b, &format!("{hint}{}", index + 1), found))
                    .collect(),
            ),
        };
        return if nullable {
            Ty::Nullable(Box::new(inner))
        } else {
            inner
        };
    }
    let (kind, nullable) = match schema.get("type") {
        Some(Value::String(kind)) => (kind.as_str(), false),
        Some(Value::Array(kinds)) => (
            kinds
                .iter()
                .filter_map(Value::as_str)
                .find(|k| *k != "null")
                .unwrap_or("null"),
            kinds.iter().any(|k| k == "null"),
        ),
        _ => ("any", false),
    };
    let inner = match kind {
        "string" => match schema.get("format").and_then(Value::as_str) {
            Some("uuid") => Ty::Uuid,
            Some("date-time") => Ty::DateTime,
            Some("date") => Ty::Date,
            Some("email") => Ty::Email,
            _ => Ty::String(bounds(schema, "minLength", "maxLength")),
        },
        "integer" => Ty::Integer(bounds(schema, "minimum", "maximum")),
        "number" => Ty::Number(bounds(schema, "minimum", "maximum")),
        "boolean" => Ty::Boolean,
        "array" => Ty::Array(
            Box::new(
                schema
                    .get("items")
                    .map_or(Ty::Any, |items| ty(items, &format!("{hint}Item"), found)),
            ),
            bounds(schema, "minItems", "maxItems"),
        ),
        "object" => match schema.get("additionalProperties") {
            Some(values) if values.is_object() => {
                Ty::Map(Box::new(ty(values, &format!("{hint}Value"), found)))
            }
            _ => Ty::AnyObject,
        },
        _ => Ty::Any,
    };
    if nullable {
        Ty::Nullable(Box::new(inner))
    } else {
        inner
    }
}

fn names_in(ty: &Ty, out: &mut Vec<String>) {
    match ty {
        Ty::Named(name) => out.push(name.clone()),
        Ty::Array(inner, _) | Ty::Map(inner) | Ty::Nullable(inner) => names_in(inner, out),
        Ty::Union(types) => types.iter().for_each(|t| names_in(t, out)),
        _ => {}
    }
}

/// Aliases in dependency order: an alias comes after the aliases it names (Python evaluates an
/// alias's right-hand side when the module loads).
fn alias_order(mut pending: BTreeMap<String, Alias>) -> Vec<Alias> {
    let mut ordered = Vec::with_capacity(pending.len());
    while !pending.is_empty() {
        let ready: Vec<String> = pending
            .iter()
            .filter(|(name, alias)| {
                let mut names = Vec::new();
                names_in(&alias.ty, &mut names);
                names.iter().all(|n| n == *name || !pending.contains_key(n))
            })
            .map(|(name, _)| name.clone())
            .collect();
        // A cycle of aliases cannot be ordered; keep the rest as they are.
        let ready = if ready.is_empty() {
            pending.keys().cloned().collect()
        } else {
            ready
        };
        for name in ready {
            if let Some(alias) = pending.remove(&name) {
                ordered.push(alias);
            }
        }
    }
    ordered
}

fn dependency_order(mut pending: BTreeMap<String, Class>) -> Vec<Class> {
    let mut ordered: Vec<Class> = Vec::new();
    while !pending.is_empty() {
        let ready: Vec<String> = pending
            .iter()
            .filter(|(_, class)| {
                let mut names = Vec::new();
                for field in &class.fields {
                    names_in(&field.ty, &mut names);
                }
                names
                    .iter()
                    .all(|n| !pending.contains_key(n) || n == &class.name)
            })
            .map(|(name, _)| name.clone())
            .collect();
        // A cycle: take the first remaining class; the languages resolve forward references.
        let ready = if ready.is_empty() {
            pending.keys().take(1).cloned().collect()
        } else {
            ready
        };
        for name in ready {
            if let Some(class) = pending.remove(&name) {
                ordered.push(class);
            }
        }
    }
    ordered
}

/// The type of a lone property schema, for other modules' tests.
#[cfg(test)]
pub(crate) mod tests_support {
    use super::*;

    pub(crate) fn ty_of(schema: &Value) -> Ty {
        ty(schema, "Test", &mut Found::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(schema: &Value) -> Found {
        let mut found = Found::default();
        collect(schema, "Payload", &mut found);
        found
    }

    #[test]
    fn a_union_of_classes_with_one_literal_tag_each_is_discriminated_by_it() {
        let schema = tidings::schema::json_schema_of::<Holder>();
        let found = found(&schema);
        let alias = |name: &str| &found.aliases[name];
        assert_eq!(
            alias("Shape").ty,
            Ty::Union(vec![
                Ty::Named("ShapeCircle".into()),
                Ty::Named("ShapeSquare".into())
            ])
        );
        assert_eq!(
            discriminator(&alias("Shape").ty, &found.classes).as_deref(),
            Some("kind")
        );
        assert_eq!(
            discriminator(&alias("Pair").ty, &found.classes).as_deref(),
            Some("class")
        );
        // External tagging: each variant its own key, no common tag.
        assert_eq!(discriminator(&alias("Target").ty, &found.classes), None);
        assert_eq!(
            found.classes["ShapeCircle"].fields[0].ty,
            Ty::Literals(vec!["circle".into()])
        );
    }

    #[test]
    fn an_inline_object_is_a_class_named_after_its_owner_and_field_never_taking_a_def_s_name() {
        let schema = serde_json::json!({
            "type": "object",
            "properties": {
                "inner": {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]},
                "other": {"$ref": "#/$defs/HolderInner"}
            },
            "required": ["inner", "other"],
            "$defs": {"HolderInner": {"type": "object", "properties": {"b": {"type": "integer"}}}}
        });
        let mut found = Found::default();
        found.reserve(&schema, "Holder");
        collect(&schema, "Holder", &mut found);
        let holder = &found.classes["Holder"];
        assert_eq!(holder.fields[0].ty, Ty::Named("HolderInner2".into()));
        assert_eq!(holder.fields[1].ty, Ty::Named("HolderInner".into()));
        assert_eq!(found.classes["HolderInner2"].fields[0].name, "a");
        assert_eq!(found.classes["HolderInner"].fields[0].name, "b");
    }

    #[derive(schemars::JsonSchema)]
    #[serde(tag = "kind", rename_all = "snake_case")]
    #[allow(dead_code)]
    enum Shape {
        Circle { radius: f64 },
        Square { side: f64 },
    }

    #[derive(schemars::JsonSchema)]
    #[serde(tag = "class", content = "value")]
    #[allow(dead_code)]
    enum Pair {
        A(i32),
        B(String),
    }

    #[derive(schemars::JsonSchema)]
    #[serde(rename_all = "snake_case")]
    #[allow(dead_code)]
    enum Target {
        Nobody,
        Essay(String),
    }

    #[derive(schemars::JsonSchema)]
    #[allow(dead_code)]
    struct Holder {
        shape: Shape,
        pair: Pair,
        target: Target,
    }
}
