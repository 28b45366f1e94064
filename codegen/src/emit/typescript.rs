//! A TypeScript package: `typescript/package.json`, `tsconfig.json` (strict) and `src/` with the
//! payload types, the topic map and the JSON Schemas exported for ajv. Rendered with tera from
//! [`TypeModel`](crate::types::TypeModel).

use serde::Serialize;

use crate::emit::{Rendering, header, render};
use crate::model::CatalogModel;
use crate::sync::GeneratedFile;
use crate::types::{Ty, TypeModel};

const PACKAGE: &str = include_str!("../../templates/typescript/package.json.tera");
const TSCONFIG: &str = include_str!("../../templates/typescript/tsconfig.json.tera");
const TYPES: &str = include_str!("../../templates/typescript/types.ts.tera");
const CATALOG: &str = include_str!("../../templates/typescript/catalog.ts.tera");
const SCHEMAS: &str = include_str!("../../templates/typescript/schemas.ts.tera");
const INDEX: &str = include_str!("../../templates/typescript/index.ts.tera");

#[derive(Serialize)]
struct EnumView {
    name: String,
    doc: String,
    union: String,
    list: String,
}

#[derive(Serialize)]
struct AliasView {
    name: String,
    doc: String,
    ty: String,
}

#[derive(Serialize)]
struct ClassView {
    name: String,
    doc: String,
    fields: Vec<FieldView>,
}

#[derive(Serialize)]
struct FieldView {
    name: String,
    doc: Option<String>,
    ty: String,
    optional: bool,
}

#[derive(Serialize)]
struct EventView {
    name: String,
    topic: String,
    key: String,
    payload: String,
}

#[derive(Serialize)]
struct SchemaView {
    topic: String,
    schema: String,
}

fn string(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".into())
}

fn doc(text: Option<&str>, fallback: &str) -> String {
    text.unwrap_or(fallback)
        .replace("*/", "* /")
        .replace('\n', "\n * ")
}

/// The TypeScript type of a field type.
pub fn type_of(ty: &Ty) -> String {
    match ty {
        Ty::String(_) | Ty::Uuid | Ty::DateTime | Ty::Email => "string".into(),
        Ty::Integer(_) | Ty::Number(_) => "number".into(),
        Ty::Boolean => "boolean".into(),
        Ty::Array(items, _) => format!("Array<{}>", type_of(items)),
        Ty::Map(values) => format!("Record<string, {}>", type_of(values)),
        Ty::AnyObject => "Record<string, unknown>".into(),
        Ty::Any => "unknown".into(),
        Ty::Named(name) => name.clone(),
        Ty::Literals(values) => values
            .iter()
            .map(|v| string(v))
            .collect::<Vec<_>>()
            .join(" | "),
        Ty::Nullable(inner) => format!("{} | null", type_of(inner)),
        Ty::Union(types) => types.iter().map(type_of).collect::<Vec<_>>().join(" | "),
    }
}

fn property_name(name: &str) -> String {
    let plain = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if plain { name.to_owned() } else { string(name) }
}

/// The npm package name, e.g. `@huleedu/contracts`.
pub fn package_name(model: &CatalogModel) -> String {
    format!("@{}/contracts", model.catalogue.to_ascii_lowercase())
}

pub fn emit(
    model: &CatalogModel,
    types: &TypeModel,
    envelope: &serde_json::Value,
) -> Result<Vec<GeneratedFile>, Rendering> {
    let mut context = tera::Context::new();
    context.insert("header", &header(&model.catalogue));
    context.insert("catalogue", &model.catalogue);
    context.insert("catalogue_enum", &model.catalogue_enum);
    context.insert("version", env!("CARGO_PKG_VERSION"));
    context.insert("package", &package_name(model));
    let enums: Vec<EnumView> = types
        .enums
        .iter()
        .map(|e| {
            let values: Vec<String> = e.values.iter().map(|v| string(v)).collect();
            EnumView {
                name: e.name.clone(),
                doc: doc(e.description.as_deref(), &e.name),
                union: if values.is_empty() {
                    "never".into()
                } else {
                    values.join(" | ")
                },
                list: values.join(", "),
            }
        })
        .collect();
    let aliases: Vec<AliasView> = types
        .aliases
        .iter()
        .map(|a| AliasView {
            name: a.name.clone(),
            doc: doc(a.description.as_deref(), &a.name),
            ty: type_of(&a.ty),
        })
        .collect();
    let classes: Vec<ClassView> = types
        .classes
        .iter()
        .map(|c| ClassView {
            name: c.name.clone(),
            doc: doc(c.description.as_deref(), &c.name),
            fields: c
                .fields
                .iter()
                .map(|f| FieldView {
                    name: property_name(&f.name),
                    doc: f.description.as_deref().map(|d| doc(Some(d), "")),
                    ty: type_of(&f.ty),
                    optional: !f.required,
                })
                .collect(),
        })
        .collect();
    let events: Vec<EventView> = model
        .events
        .iter()
        .map(|e| EventView {
            name: e.name.clone(),
            topic: e.topic.clone(),
            key: string(&e.key),
            payload: e.type_name.clone(),
        })
        .collect();
    let schemas: Vec<SchemaView> = model
        .events
        .iter()
        .map(|e| SchemaView {
            topic: e.topic.clone(),
            schema: serde_json::to_string(&e.json_schema).unwrap_or_default(),
        })
        .collect();
    context.insert("enums", &enums);
    context.insert("aliases", &aliases);
    context.insert("classes", &classes);
    context.insert("events", &events);
    context.insert("schemas", &schemas);
    context.insert(
        "envelope",
        &serde_json::to_string(envelope).unwrap_or_default(),
    );
    Ok(vec![
        render("typescript/package.json", PACKAGE, &context)?,
        render("typescript/tsconfig.json", TSCONFIG, &context)?,
        render("typescript/src/types.ts", TYPES, &context)?,
        render("typescript/src/catalog.ts", CATALOG, &context)?,
        render("typescript/src/schemas.ts", SCHEMAS, &context)?,
        render("typescript/src/index.ts", INDEX, &context)?,
    ])
}
