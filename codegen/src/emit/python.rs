//! A pip-installable Python package (pydantic v2): `python/pyproject.toml` and
//! `python/<catalogue>_contracts/` with the payload models and their constraints, the envelope,
//! and the catalogue (`ProcessingEvent` with its topic, key and payload maps). Rendered with tera
//! from [`TypeModel`](crate::types::TypeModel).

use serde::Serialize;
use serde_json::Value;

use crate::emit::{Rendering, header, render};
use crate::model::CatalogModel;
use crate::sync::GeneratedFile;
use crate::types::{Bounds, Class, Enum, Field, Ty, TypeModel};

const MODELS: &str = include_str!("../../templates/python/models.py.tera");
const EVENTS: &str = include_str!("../../templates/python/events.py.tera");
const INIT: &str = include_str!("../../templates/python/__init__.py.tera");
const OUTBOX: &str = include_str!("../../templates/python/outbox.py.tera");
const PYPROJECT: &str = include_str!("../../templates/python/pyproject.toml.tera");

const KEYWORDS: &[&str] = &[
    "False",
    "None",
    "True",
    "and",
    "as",
    "assert",
    "async",
    "await",
    "break",
    "class",
    "continue",
    "def",
    "del",
    "elif",
    "else",
    "except",
    "finally",
    "for",
    "from",
    "global",
    "if",
    "import",
    "in",
    "is",
    "lambda",
    "nonlocal",
    "not",
    "or",
    "pass",
    "raise",
    "return",
    "try",
    "while",
    "with",
    "yield",
    "model_config",
];

#[derive(Serialize)]
struct EnumView {
    name: String,
    doc: String,
    members: Vec<MemberView>,
}

#[derive(Serialize)]
struct MemberView {
    name: String,
    value: String,
    /// The value's doc comment, as a Python string literal (an attribute docstring).
    doc: Option<String>,
}

#[derive(Serialize)]
struct AliasView {
    name: String,
    doc: String,
    annotation: String,
    /// An event's payload that is a union (a flattened enum): a `RootModel`, so that it has
    /// `model_validate` and `model_dump` as every payload model does.
    root_model: bool,
}

#[derive(Serialize)]
struct ClassView {
    name: String,
    doc: String,
    fields: Vec<FieldView>,
    rules: Vec<RuleView>,
    fills: Vec<FillView>,
}

/// A derived default (`tidings::rules::filled_from`), as the arguments of `_fill_from` in
/// models.py: each field by wire name and attribute name, since a model is built from either.
#[derive(Serialize)]
struct FillView {
    field: String,
    sources: String,
}

/// A cross-field rule, as the arguments of `_check_rule` in models.py.
#[derive(Serialize)]
struct RuleView {
    kind: String,
    attributes: String,
    message: String,
}

#[derive(Serialize)]
struct FieldView {
    attribute: String,
    annotation: String,
    arguments: String,
}

#[derive(Serialize)]
struct EventView {
    member: String,
    topic: String,
    key: String,
    payload: String,
}

/// The Python package's import name, e.g. `huleedu_contracts`.
pub fn package_name(model: &CatalogModel) -> String {
    model.project.python_package.clone()
}

/// A Python string literal (JSON string syntax is valid Python).
fn literal(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".into())
}

fn docstring(text: Option<&str>, fallback: &str) -> String {
    text.unwrap_or(fallback)
        .replace('\\', "\\\\")
        .replace("\"\"\"", "\\\"\\\"\\\"")
        .trim_end_matches('"')
        .to_owned()
}

/// An enum member name for `value`: upper snake case, a valid identifier.
fn member_name(value: &str) -> String {
    let mut name: String = value
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, '_');
    }
    name
}

/// A bound as Python reads it: integers exactly, `3.0` as `3`.
fn number(value: &serde_json::Number) -> String {
    match value.as_f64() {
        Some(float)
            if !value.is_i64() && !value.is_u64() && float.fract() == 0.0 && float.abs() < 1e15 =>
        {
            format!("{}", float as i64)
        }
        _ => value.to_string(),
    }
}

fn constraints(bounds: &Bounds, length: bool) -> Vec<String> {
    let mut out = Vec::new();
    let (min, max) = if length {
        ("min_length", "max_length")
    } else {
        ("ge", "le")
    };
    if let Some(v) = &bounds.min {
        out.push(format!("{min}={}", number(v)));
    }
    if let Some(v) = &bounds.max {
        out.push(format!("{max}={}", number(v)));
    }
    if let Some(v) = &bounds.exclusive_min {
        out.push(format!("gt={}", number(v)));
    }
    if let Some(v) = &bounds.exclusive_max {
        out.push(format!("lt={}", number(v)));
    }
    if let Some(pattern) = &bounds.pattern {
        out.push(format!("pattern={}", literal(pattern)));
    }
    out
}

fn annotated(base: &str, constraints: Vec<String>) -> String {
    if constraints.is_empty() {
        base.to_owned()
    } else {
        format!("Annotated[{base}, Field({})]", constraints.join(", "))
    }
}

/// The Python annotation of a type.
pub fn annotation(ty: &Ty) -> String {
    match ty {
        Ty::String(bounds) => annotated("str", constraints(bounds, true)),
        Ty::Uuid => "UUID".into(),
        Ty::DateTime => "datetime".into(),
        // Aliased on import: a field named `date` would hide the type in its class.
        Ty::Date => "_date".into(),
        Ty::Email => "EmailStr".into(),
        Ty::Integer(bounds) => annotated("int", constraints(bounds, false)),
        Ty::Number(bounds) => annotated("float", constraints(bounds, false)),
        Ty::Boolean => "bool".into(),
        Ty::Array(items, bounds) => annotated(
            &format!("list[{}]", annotation(items)),
            constraints(bounds, true),
        ),
        Ty::Map(values) => format!("dict[str, {}]", annotation(values)),
        Ty::AnyObject => "dict[str, Any]".into(),
        Ty::Any => "Any".into(),
        Ty::Named(name) => name.clone(),
        Ty::Literals(values) => format!(
            "Literal[{}]",
            values
                .iter()
                .map(|v| literal(v))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Ty::Nullable(inner) => format!("{} | None", annotation(inner)),
        Ty::Union(types) => types.iter().map(annotation).collect::<Vec<_>>().join(" | "),
    }
}

/// A Python expression for a JSON value.
fn python_value(value: &Value) -> String {
    match value {
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => literal(s),
        Value::Array(items) => format!(
            "[{}]",
            items
                .iter()
                .map(python_value)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Value::Object(map) => format!(
            "{{{}}}",
            map.iter()
                .map(|(k, v)| format!("{}: {}", literal(k), python_value(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn default_argument(field: &Field, types: &TypeModel) -> Option<String> {
    let named = |ty: &Ty| match ty {
        Ty::Named(name) => Some(name.clone()),
        Ty::Nullable(inner) => match inner.as_ref() {
            Ty::Named(name) => Some(name.clone()),
            _ => None,
        },
        _ => None,
    };
    match (&field.default, field.required) {
        // A variant's tag (one literal value): the class knows it, so it need not be passed.
        (_, true) => match &field.ty {
            Ty::Literals(values) if values.len() == 1 => {
                Some(format!("default={}", literal(&values[0])))
            }
            _ => None,
        },
        (Some(Value::String(value)), false)
            if named(&field.ty).is_some_and(|n| types.enums.iter().any(|e| e.name == n)) =>
        {
            Some(format!(
                "default={}({})",
                named(&field.ty).unwrap_or_default(),
                literal(value)
            ))
        }
        (Some(value @ Value::Object(_)), false) if named(&field.ty).is_some() => Some(format!(
            "default_factory=lambda: {}.model_validate({})",
            named(&field.ty).unwrap_or_default(),
            python_value(value)
        )),
        (Some(value @ (Value::Object(_) | Value::Array(_))), false) => {
            Some(format!("default_factory=lambda: {}", python_value(value)))
        }
        (Some(value), false) => Some(format!("default={}", python_value(value))),
        // Defaults computed at run time are not in the schema; restore the usual ones.
        (None, false) if field.ty == Ty::Uuid => Some("default_factory=uuid4".into()),
        (None, false) if field.ty == Ty::DateTime => {
            Some("default_factory=lambda: datetime.now(timezone.utc)".into())
        }
        (None, false) => Some("default=None".into()),
    }
}

/// The Python attribute of a field: its wire name, or when that is a keyword, not an
/// identifier, private to pydantic (a leading `_`) or the name of a type the module imports
/// (`datetime`, `Field`, …, which the annotations would then read as the field), a lower-case
/// identifier with a trailing `_` (the wire name becomes its alias).
fn attribute(wire_name: &str) -> String {
    let shadows_an_import = crate::types::PYTHON_NAMES.contains(&wire_name);
    if KEYWORDS.contains(&wire_name)
        || shadows_an_import
        || wire_name.starts_with('_')
        || !wire_name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        let name = member_name(wire_name).to_ascii_lowercase();
        let name = name.trim_start_matches('_');
        if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
            format!("field_{name}_")
        } else {
            format!("{name}_")
        }
    } else {
        wire_name.to_owned()
    }
}

/// An alias's annotation: a union of classes told apart by a tag field is a pydantic
/// discriminated union.
fn alias_annotation(alias: &crate::types::Alias) -> String {
    match &alias.discriminator {
        Some(tag) => format!(
            "Annotated[{}, Field(discriminator={})]",
            annotation(&alias.ty),
            literal(&attribute(tag))
        ),
        None => annotation(&alias.ty),
    }
}

fn field_view(field: &Field, types: &TypeModel) -> FieldView {
    let attribute = attribute(&field.name);
    let mut annotation = annotation(&field.ty);
    let mut arguments = Vec::new();
    if let Some(default) = default_argument(field, types) {
        if default == "default=None" && !matches!(field.ty, Ty::Nullable(_)) {
            annotation = format!("{annotation} | None");
        }
        arguments.push(default);
    }
    if attribute != field.name {
        arguments.push(format!("alias={}", literal(&field.name)));
    }
    if let Some(description) = &field.description {
        arguments.push(format!("description={}", literal(description)));
    }
    FieldView {
        attribute,
        annotation,
        arguments: arguments.join(", "),
    }
}

fn enum_view(e: &Enum, model: &CatalogModel) -> EnumView {
    let members = e
        .values
        .iter()
        .enumerate()
        .map(|(index, value)| {
            let name = model
                .events
                .iter()
                .find(|event| e.name == model.catalogue_enum && event.name == *value)
                .map_or_else(|| member_name(value), |event| event.member.clone());
            MemberView {
                name,
                value: literal(value),
                doc: e
                    .value_docs
                    .get(index)
                    .cloned()
                    .flatten()
                    .map(|doc| docstring(Some(&doc), "")),
            }
        })
        .collect();
    EnumView {
        name: e.name.clone(),
        doc: docstring(e.description.as_deref(), &e.name),
        members,
    }
}

fn class_view(class: &Class, types: &TypeModel) -> ClassView {
    let fields: Vec<FieldView> = class.fields.iter().map(|f| field_view(f, types)).collect();
    let attribute = |wire: &str| {
        class
            .fields
            .iter()
            .zip(&fields)
            .find(|(field, _)| field.name == wire)
            .map_or_else(|| wire.to_owned(), |(_, view)| view.attribute.clone())
    };
    // Both names a field can be given by (pydantic's `populate_by_name`), the wire name first.
    let names = |wire: &String| {
        let attribute = attribute(wire);
        if &attribute == wire {
            format!("({},)", literal(wire))
        } else {
            format!("({}, {})", literal(wire), literal(&attribute))
        }
    };
    let fills = class
        .rules
        .iter()
        .filter(|rule| !rule.is_constraint())
        .filter_map(|rule| {
            let (field, sources) = rule.fields.split_first()?;
            let sources: Vec<String> = sources.iter().map(names).collect();
            Some(FillView {
                field: names(field),
                sources: format!("({},)", sources.join(", ")),
            })
        })
        .collect();
    let rules = class
        .rules
        .iter()
        .filter(|rule| rule.is_constraint())
        .map(|rule| {
            let attributes: Vec<String> = rule
                .fields
                .iter()
                .map(|field| literal(&attribute(field)))
                .collect();
            RuleView {
                kind: literal(rule.kind.as_str()),
                // A tuple, with the trailing comma one element needs.
                attributes: format!("({},)", attributes.join(", ")),
                message: literal(&format!("{}: {}", rule.kind.as_str(), rule.describe())),
            }
        })
        .collect();
    ClassView {
        name: class.name.clone(),
        doc: docstring(class.description.as_deref(), &class.name),
        fields,
        rules,
        fills,
    }
}

pub fn emit(model: &CatalogModel, types: &TypeModel) -> Result<Vec<GeneratedFile>, Rendering> {
    let package = package_name(model);
    let mut context = tera::Context::new();
    context.insert("header", &header(model, &model.catalogue));
    context.insert("catalogue", &model.catalogue);
    context.insert("catalogue_enum", &model.catalogue_enum);
    context.insert("version", &model.project.version);
    // Quoted here: JSON string syntax is valid in TOML and JSON alike.
    let quote = |text: &str| serde_json::to_string(text).unwrap_or_default();
    context.insert("license", &model.project.license.as_deref().map(quote));
    let standard = format!(
        "Typed event contracts of the {} catalogue (pydantic v2), generated by tidings",
        model.catalogue
    );
    let description = model.project.description.clone().unwrap_or(standard);
    context.insert("description", &quote(&description));
    context.insert("package", &package);
    context.insert("uses_email", &types.mentions_email());
    let uses = |constraint: bool| {
        types.classes.iter().any(|class| {
            class
                .rules
                .iter()
                .any(|rule| rule.is_constraint() == constraint)
        })
    };
    context.insert("uses_rules", &uses(true));
    context.insert("uses_fills", &uses(false));
    context.insert("distribution", &package.replace('_', "-"));
    let enums: Vec<EnumView> = types.enums.iter().map(|e| enum_view(e, model)).collect();
    let classes: Vec<ClassView> = types.classes.iter().map(|c| class_view(c, types)).collect();
    context.insert("enums", &enums);
    let aliases: Vec<AliasView> = types
        .aliases
        .iter()
        .map(|a| AliasView {
            name: a.name.clone(),
            doc: docstring(a.description.as_deref(), &a.name),
            annotation: alias_annotation(a),
            root_model: model.events.iter().any(|e| e.type_name == a.name),
        })
        .collect();
    context.insert(
        "uses_root_model",
        &aliases.iter().any(|alias| alias.root_model),
    );
    context.insert("aliases", &aliases);
    context.insert("classes", &classes);
    let events: Vec<EventView> = model
        .events
        .iter()
        .map(|e| EventView {
            member: e.member.clone(),
            topic: e.topic.clone(),
            key: literal(&e.key),
            payload: e.type_name.clone(),
        })
        .collect();
    context.insert("events", &events);
    Ok(vec![
        render("python/pyproject.toml", PYPROJECT, &context)?,
        render(&format!("python/{package}/__init__.py"), INIT, &context)?,
        render(&format!("python/{package}/models.py"), MODELS, &context)?,
        render(&format!("python/{package}/events.py"), EVENTS, &context)?,
        render(&format!("python/{package}/outbox.py"), OUTBOX, &context)?,
        // PEP 561 marker: type checkers read only whether it says `partial`.
        GeneratedFile {
            path: format!("python/{package}/py.typed").into(),
            contents: format!("# {}\n", header(model, &model.catalogue)),
        },
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Alias;

    #[test]
    fn integer_bounds_are_written_exactly() {
        let schema = serde_json::json!({"type": "integer", "format": "uint64", "minimum": 0, "maximum": 9223372036854775807_u64});
        let ty = crate::types::Ty::Integer(match crate::types::tests_support::ty_of(&schema) {
            Ty::Integer(bounds) => bounds,
            other => panic!("{other:?}"),
        });
        assert_eq!(
            annotation(&ty),
            "Annotated[int, Field(ge=0, le=9223372036854775807)]"
        );
    }

    #[test]
    fn a_discriminated_alias_names_the_tag_by_its_python_attribute() {
        let alias = |tag: &str| Alias {
            name: "Shape".into(),
            description: None,
            ty: Ty::Union(vec![Ty::Named("A".into()), Ty::Named("B".into())]),
            discriminator: Some(tag.into()),
        };
        assert_eq!(
            alias_annotation(&alias("kind")),
            r#"Annotated[A | B, Field(discriminator="kind")]"#
        );
        // A keyword is an attribute with `_` and the wire name as its alias; pydantic's
        // discriminator names the attribute.
        assert_eq!(
            alias_annotation(&alias("class")),
            r#"Annotated[A | B, Field(discriminator="class_")]"#
        );
        let plain = Alias {
            discriminator: None,
            ..alias("kind")
        };
        assert_eq!(alias_annotation(&plain), "A | B");
    }
}
