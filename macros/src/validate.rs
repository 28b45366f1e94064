//! Checks the parsed input and builds the validated [`Contract`] that `expand` turns into code.

use proc_macro2::Span;
use syn::{Data, DeriveInput, Fields, Ident, LitStr};

use crate::attr::{Fallback, FieldPath, RawAttrs};
use crate::ctx::Ctxt;
use crate::symbol;

/// A contract whose every part has been checked.
pub struct Contract {
    pub ident: Ident,
    pub doc: String,
    pub name: String,
    pub topic: String,
    pub version: u32,
    pub key: Key,
    pub compatibility: &'static str,
    pub cleanup_policy: Option<&'static str>,
    pub retention_ms: Option<u64>,
    pub partitions: Option<u32>,
    pub replication_factor: Option<u32>,
    pub namespace: String,
    pub rich: Option<syn::Type>,
}

pub enum Key {
    Field {
        path: FieldPath,
        fallback: Option<Fallback>,
    },
    Function(syn::Path),
}

/// Whether the input is a shape the derive can implement at all (a non-generic struct with named
/// fields). The fallback impl is only emitted for such inputs.
pub fn supports_fallback(input: &DeriveInput) -> bool {
    input.generics.params.is_empty() && !matches!(input.data, Data::Union(_))
}

pub fn validate(cx: &mut Ctxt, input: &DeriveInput, raw: RawAttrs) -> Option<Contract> {
    let fields = named_fields(cx, input);
    if let Data::Struct(syn::DataStruct {
        fields: Fields::Named(named),
        ..
    }) = &input.data
    {
        crate::shapes::check(cx, named);
    }
    if !input.generics.params.is_empty() {
        cx.error_spanned_by(
            &input.generics,
            "an event payload cannot be generic: each event has exactly one schema; use a concrete type",
        );
    }
    let missing_span = raw.attr_span.unwrap_or_else(|| input.ident.span());
    let require = |cx: &mut Ctxt, present: bool, what: &str, example: &str| {
        if !present {
            cx.error_at(
                missing_span,
                format!("missing `{what}`: add `#[event({what} = {example})]`"),
            );
        }
    };
    require(
        cx,
        raw.name.is_some(),
        symbol::NAME,
        "\"domain.thing.happened\"",
    );
    require(
        cx,
        raw.topic.is_some(),
        symbol::TOPIC,
        "\"org.domain.thing.happened.v1\"",
    );
    require(cx, raw.version.is_some(), symbol::VERSION, "1");

    let name = raw.name.as_ref().and_then(|lit| check_name(cx, lit));
    let version = raw
        .version
        .as_ref()
        .and_then(|lit| match lit.base10_parse::<u32>() {
            Ok(v) if v >= 1 => Some(v),
            _ => {
                cx.error_spanned_by(
                    lit,
                    "`version` is the major schema version: a whole number from 1",
                );
                None
            }
        });
    let topic = raw
        .topic
        .as_ref()
        .and_then(|lit| check_topic(cx, lit, version));
    let key = check_key(cx, &raw, fields.as_ref(), missing_span);
    let compatibility = match &raw.compatibility {
        None => Some("Backward"),
        Some(lit) => lookup(cx, lit, &symbol::COMPATIBILITY_MODES, "compatibility mode"),
    };
    let cleanup_policy = match &raw.cleanup_policy {
        None => Some(None),
        Some(lit) => lookup(cx, lit, &symbol::CLEANUP_POLICIES, "cleanup policy").map(Some),
    };
    let retention_ms = match &raw.retention_ms {
        None => Some(None),
        Some(lit) => match lit.base10_parse::<u64>() {
            Ok(ms) if ms > 0 => Some(Some(ms)),
            _ => {
                cx.error_spanned_by(lit, "`retention_ms` is a positive number of milliseconds, e.g. 604800000 for 7 days");
                None
            }
        },
    };
    let mut count = |lit: &Option<syn::LitInt>, what: &str| match lit {
        None => Some(None),
        Some(lit) => match lit.base10_parse::<u32>() {
            Ok(n) if (1..=100_000).contains(&n) => Some(Some(n)),
            _ => {
                cx.error_spanned_by(lit, format!("`{what}` is a whole number from 1, e.g. 3"));
                None
            }
        },
    };
    let partitions = count(&raw.partitions, symbol::PARTITIONS);
    let replication_factor = count(&raw.replication_factor, symbol::REPLICATION_FACTOR);
    let namespace = match (&raw.namespace, &topic) {
        (Some(lit), _) => check_namespace(cx, lit),
        (None, Some(topic)) => Some(topic.split('.').take(2).collect::<Vec<_>>().join(".")),
        (None, None) => None,
    };

    if cx.has_errors() {
        return None;
    }
    Some(Contract {
        ident: input.ident.clone(),
        doc: doc_comment(&input.attrs),
        name: name?,
        topic: topic?,
        version: version?,
        key: key?,
        compatibility: compatibility?,
        cleanup_policy: cleanup_policy?,
        retention_ms: retention_ms?,
        partitions: partitions?,
        replication_factor: replication_factor?,
        namespace: namespace?,
        rich: raw.rich,
    })
}

fn named_fields<'a>(
    cx: &mut Ctxt,
    input: &'a DeriveInput,
) -> Option<Vec<(&'a Ident, &'a syn::Type)>> {
    match &input.data {
        Data::Struct(data) => {
            match &data.fields {
                Fields::Named(named) => Some(
                    named
                        .named
                        .iter()
                        .filter_map(|f| f.ident.as_ref().map(|ident| (ident, &f.ty)))
                        .collect(),
                ),
                Fields::Unnamed(unnamed) => {
                    cx.error_spanned_by(unnamed, "an event payload must have named fields: they become the schema's properties");
                    None
                }
                Fields::Unit => {
                    cx.error_spanned_by(&input.ident, "an event payload must have named fields; a unit struct carries no data and has no key");
                    None
                }
            }
        }
        Data::Enum(data) => {
            cx.error_spanned_by(data.enum_token, "`#[derive(Event)]` supports structs with named fields, not enums; put the enum in a field of a payload struct");
            None
        }
        Data::Union(data) => {
            cx.error_spanned_by(
                data.union_token,
                "`#[derive(Event)]` supports structs with named fields, not unions",
            );
            None
        }
    }
}

/// `a.b.c`: lowercase segments of `[a-z][a-z0-9_]*`, at least two.
fn check_name(cx: &mut Ctxt, lit: &LitStr) -> Option<String> {
    let value = lit.value();
    let segments: Vec<&str> = value.split('.').collect();
    if segments.len() >= 2 && segments.iter().all(|s| is_lower_segment(s)) {
        Some(value)
    } else {
        cx.error_spanned_by(lit, format!(
            "event name `{value}` must be dotted lowercase segments, e.g. \"assessment.result.published\" (each segment [a-z][a-z0-9_]*)"
        ));
        None
    }
}

/// `^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+\.v[1-9][0-9]*$`, with `.vN` equal to the version.
fn check_topic(cx: &mut Ctxt, lit: &LitStr, version: Option<u32>) -> Option<String> {
    let value = lit.value();
    let segments: Vec<&str> = value.split('.').collect();
    let suffix = segments.last().and_then(|s| s.strip_prefix('v'));
    let topic_version = suffix
        .filter(|digits| {
            !digits.is_empty()
                && !digits.starts_with('0')
                && digits.bytes().all(|b| b.is_ascii_digit())
        })
        .and_then(|digits| digits.parse::<u32>().ok());
    let well_formed = segments.len() >= 3
        && segments[..segments.len() - 1]
            .iter()
            .all(|s| is_lower_segment(s))
        && topic_version.is_some();
    if !well_formed {
        cx.error_spanned_by(lit, format!(
            "topic `{value}` must match ^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+\\.v[1-9][0-9]*$, e.g. \"orders.order.placed.v1\""
        ));
        return None;
    }
    match (topic_version, version) {
        (Some(tv), Some(v)) if tv != v => {
            cx.error_spanned_by(lit, format!(
                "topic `{value}` ends in `.v{tv}` but the event declares `version = {v}`; a major version and its topic suffix must agree"
            ));
            None
        }
        _ => Some(value),
    }
}

fn is_lower_segment(segment: &str) -> bool {
    let mut bytes = segment.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_lowercase())
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

fn check_namespace(cx: &mut Ctxt, lit: &LitStr) -> Option<String> {
    let value = lit.value();
    let valid = value.split('.').all(|part| {
        let mut chars = part.chars();
        chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
    });
    if valid {
        Some(value)
    } else {
        cx.error_spanned_by(
            lit,
            format!("`{value}` is not an Avro namespace: dotted names of [A-Za-z_][A-Za-z0-9_]*"),
        );
        None
    }
}

fn lookup(
    cx: &mut Ctxt,
    lit: &LitStr,
    table: &[(&str, &'static str)],
    what: &str,
) -> Option<&'static str> {
    let value = lit.value();
    let found = table
        .iter()
        .find(|(written, _)| *written == value)
        .map(|(_, variant)| *variant);
    if found.is_none() {
        let expected: Vec<String> = table
            .iter()
            .map(|(written, _)| format!("\"{written}\""))
            .collect();
        cx.error_spanned_by(
            lit,
            format!(
                "unknown {what} \"{value}\"; expected one of {}",
                expected.join(", ")
            ),
        );
    }
    found
}

fn check_key(
    cx: &mut Ctxt,
    raw: &RawAttrs,
    fields: Option<&Vec<(&Ident, &syn::Type)>>,
    missing_span: Span,
) -> Option<Key> {
    match (&raw.key, &raw.key_fn) {
        (Some(_), Some(key_fn)) => {
            cx.error_spanned_by(key_fn, "give either `key` or `key_fn`, not both");
            None
        }
        (None, None) => {
            cx.error_at(missing_span, "missing partition key: add `#[event(key = field)]`, `key = outer.inner` or `key_fn = path::to::function`");
            None
        }
        (None, Some(key_fn)) => {
            if let Some(fallback) = &raw.key_fallback {
                cx.error_at(fallback_span(fallback), "`key_fallback` goes with `key`, not with `key_fn`: the function decides the key itself");
                return None;
            }
            Some(Key::Function(key_fn.clone()))
        }
        (Some(path), None) => {
            let fields = fields?;
            let first = &path.segments[0];
            let Some((_, ty)) = fields.iter().find(|(ident, _)| *ident == first) else {
                let names: Vec<String> = fields
                    .iter()
                    .map(|(ident, _)| format!("`{ident}`"))
                    .collect();
                cx.error_spanned_by(
                    first,
                    format!(
                        "no field `{first}` in this struct; the key must name a field (fields: {})",
                        names.join(", ")
                    ),
                );
                return None;
            };
            let is_option = is_option(ty);
            let direct = path.segments.len() == 1;
            match &raw.key_fallback {
                None if direct && is_option => {
                    cx.error_spanned_by(first, format!(
                        "`{first}` is an Option, so some events would have no key; add `key_fallback = other_field` or `key_fallback = \"text\"`"
                    ));
                    None
                }
                Some(fallback) if direct && !is_option => {
                    cx.error_at(fallback_span(fallback), format!("`key_fallback` only applies when the key field is an Option, and `{first}` is not"));
                    None
                }
                Some(Fallback::Path(fallback)) => {
                    let head = &fallback.segments[0];
                    if fields.iter().any(|(ident, _)| *ident == head) {
                        Some(Key::Field {
                            path: path.clone(),
                            fallback: raw.key_fallback.clone(),
                        })
                    } else {
                        cx.error_spanned_by(
                            head,
                            format!("no field `{head}` in this struct for `key_fallback`"),
                        );
                        None
                    }
                }
                fallback => Some(Key::Field {
                    path: path.clone(),
                    fallback: fallback.clone(),
                }),
            }
        }
    }
}

fn fallback_span(fallback: &Fallback) -> Span {
    match fallback {
        Fallback::Path(path) => path.span(),
        Fallback::Literal(lit) => lit.span(),
    }
}

fn is_option(ty: &syn::Type) -> bool {
    match ty {
        syn::Type::Path(path) => {
            path.qself.is_none()
                && path
                    .path
                    .segments
                    .last()
                    .is_some_and(|s| s.ident == "Option")
        }
        syn::Type::Group(group) => is_option(&group.elem),
        syn::Type::Paren(paren) => is_option(&paren.elem),
        _ => false,
    }
}

/// The `///` doc comment, one line per attribute, with the single leading space removed.
pub fn doc_comment(attrs: &[syn::Attribute]) -> String {
    let lines: Vec<String> = attrs
        .iter()
        .filter(|attr| attr.path().is_ident("doc"))
        .filter_map(|attr| match &attr.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        })
        .map(|line| line.strip_prefix(' ').map(str::to_owned).unwrap_or(line))
        .collect();
    lines.join("\n").trim().to_owned()
}
