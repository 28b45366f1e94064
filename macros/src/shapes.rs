//! Field types whose serde form no target states faithfully, refused where the derive can see
//! them: in the payload's own field types, at any depth of their generic arguments (tuples,
//! `Option<Option<_>>`, maps keyed by integers, chrono's `DateTime`).
//!
//! Nested types (a struct inside the payload) are checked when the schemas are made: the Avro
//! mapping refuses tuples and integer-keyed maps there with the same advice.

use syn::{GenericArgument, PathArguments, Type};

use crate::ctx::Ctxt;

/// Checks each serialized field's type.
pub fn check(cx: &mut Ctxt, fields: &syn::FieldsNamed) {
    for field in &fields.named {
        if custom_or_skipped(&field.attrs) {
            continue;
        }
        walk(cx, &field.ty);
    }
}

/// A field whose wire form is not its type's (`serde(with)`, `schemars(with)`), or that is not
/// serialized (`serde(skip)`, `serde(skip_serializing)`).
fn custom_or_skipped(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|attr| {
        let serde = attr.path().is_ident("serde");
        if !serde && !attr.path().is_ident("schemars") {
            return false;
        }
        let Ok(list) = attr.meta.require_list() else {
            return false;
        };
        list.tokens.clone().into_iter().any(|token| {
            let proc_macro2::TokenTree::Ident(ident) = token else {
                return false;
            };
            let word = ident.to_string();
            matches!(word.as_str(), "with" | "serialize_with" | "schema_with")
                || (serde && matches!(word.as_str(), "skip" | "skip_serializing"))
        })
    })
}

fn walk(cx: &mut Ctxt, ty: &Type) {
    match ty {
        Type::Tuple(tuple) if !tuple.elems.is_empty() => cx.error_spanned_by(
            tuple,
            "a tuple is written by serde as an array with one type per position, which Avro, \
             pydantic and TypeScript arrays cannot state; use a struct with named fields, or a \
             `Vec` of one type",
        ),
        Type::Tuple(_) => {}
        Type::Array(array) => walk(cx, &array.elem),
        Type::Slice(slice) => walk(cx, &slice.elem),
        Type::Reference(reference) => walk(cx, &reference.elem),
        Type::Paren(paren) => walk(cx, &paren.elem),
        Type::Group(group) => walk(cx, &group.elem),
        Type::Path(path) => {
            let Some(last) = path.path.segments.last() else {
                return;
            };
            let arguments = type_arguments(&last.arguments);
            let name = last.ident.to_string();
            if name == "Option"
                && arguments
                    .first()
                    .is_some_and(|inner| is_named(inner, "Option"))
            {
                cx.error_spanned_by(
                    ty,
                    "`Option<Option<_>>`: serde writes `None` and `Some(None)` alike as `null`, so \
                     no reader can tell them apart; use `Option<_>`, or an enum that names each state",
                );
                return;
            }
            if name == "DateTime" {
                cx.error_spanned_by(
                    ty,
                    "`DateTime` is written by serde with nanoseconds and any offset, which Avro's \
                     `timestamp-micros` and the other targets do not keep; use `tidings::Timestamp` \
                     (UTC, microseconds)",
                );
                return;
            }
            if MAPS.contains(&name.as_str())
                && let Some(key) = arguments.first().and_then(|key| integer_name(key))
            {
                cx.error_spanned_by(
                    ty,
                    format!(
                        "a map keyed by `{key}`: JSON object keys are strings, so Avro, pydantic and \
                         TypeScript read these keys as text; key the map by `String`, or use a `Vec` \
                         of structs that hold the key as a field"
                    ),
                );
            }
            for argument in arguments {
                walk(cx, argument);
            }
        }
        _ => {}
    }
}

const MAPS: [&str; 4] = ["BTreeMap", "HashMap", "IndexMap", "Map"];

const INTEGERS: [&str; 12] = [
    "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128", "isize",
];

fn type_arguments(arguments: &PathArguments) -> Vec<&Type> {
    match arguments {
        PathArguments::AngleBracketed(angle) => angle
            .args
            .iter()
            .filter_map(|argument| match argument {
                GenericArgument::Type(ty) => Some(ty),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn last_segment_name(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(path) => path.path.segments.last().map(|s| s.ident.to_string()),
        Type::Paren(paren) => last_segment_name(&paren.elem),
        Type::Group(group) => last_segment_name(&group.elem),
        _ => None,
    }
}

fn is_named(ty: &Type, name: &str) -> bool {
    last_segment_name(ty).is_some_and(|n| n == name)
}

fn integer_name(ty: &Type) -> Option<String> {
    last_segment_name(ty).filter(|n| INTEGERS.contains(&n.as_str()))
}
