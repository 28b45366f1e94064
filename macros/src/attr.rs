//! Parsing `#[event(...)]` into [`RawAttrs`]. Only syntax is checked here; meaning is checked in
//! `validate`.

use proc_macro2::{Span, TokenStream};
use syn::meta::ParseNestedMeta;
use syn::parse::ParseStream;
use syn::spanned::Spanned;
use syn::{Ident, LitInt, LitStr, Token};

use crate::ctx::Ctxt;
use crate::symbol;

/// A dotted field path as written: `a.b.c`, each segment with its own span.
#[derive(Clone)]
pub struct FieldPath {
    pub segments: Vec<Ident>,
}

impl FieldPath {
    pub fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut segments = vec![input.parse::<Ident>()?];
        while input.peek(Token![.]) {
            input.parse::<Token![.]>()?;
            segments.push(input.parse::<Ident>()?);
        }
        Ok(Self { segments })
    }

    pub fn dotted(&self) -> String {
        self.segments
            .iter()
            .map(Ident::to_string)
            .collect::<Vec<_>>()
            .join(".")
    }

    pub fn span(&self) -> Span {
        let first = self.segments[0].span();
        self.segments
            .last()
            .and_then(|last| first.join(last.span()))
            .unwrap_or(first)
    }
}

#[derive(Clone)]
pub enum Fallback {
    Path(FieldPath),
    Literal(LitStr),
}

/// The attribute values as written, each with its span.
#[derive(Default)]
pub struct RawAttrs {
    /// The `event` path of the first `#[event]` attribute, for errors about missing values.
    pub attr_span: Option<Span>,
    pub name: Option<LitStr>,
    pub topic: Option<LitStr>,
    pub version: Option<LitInt>,
    pub key: Option<FieldPath>,
    pub key_fallback: Option<Fallback>,
    pub key_fn: Option<syn::Path>,
    pub compatibility: Option<LitStr>,
    pub cleanup_policy: Option<LitStr>,
    pub retention_ms: Option<LitInt>,
    pub partitions: Option<LitInt>,
    pub replication_factor: Option<LitInt>,
    pub namespace: Option<LitStr>,
    pub rich: Option<syn::Type>,
}

/// Reads every `#[event(...)]` attribute; the values of several attributes are merged.
pub fn parse_event_attrs(cx: &mut Ctxt, attrs: &[syn::Attribute]) -> RawAttrs {
    let mut raw = RawAttrs::default();
    for attr in attrs.iter().filter(|a| a.path().is_ident(symbol::EVENT)) {
        raw.attr_span.get_or_insert(attr.path().span());
        if let syn::Meta::Path(_) = attr.meta {
            cx.error_spanned_by(
                attr,
                "expected `#[event(name = \"…\", topic = \"…\", version = N, key = field)]`",
            );
            continue;
        }
        let result = attr.parse_nested_meta(|meta| parse_one(cx, &mut raw, meta));
        if let Err(err) = result {
            cx.push(err);
        }
    }
    raw
}

fn parse_one(cx: &mut Ctxt, raw: &mut RawAttrs, meta: ParseNestedMeta) -> syn::Result<()> {
    let Some(ident) = meta.path.get_ident().cloned() else {
        cx.error_spanned_by(
            &meta.path,
            unknown_message(&meta.path.to_token_stream_string()),
        );
        return skip_value(&meta);
    };
    let name = ident.to_string();
    macro_rules! set {
        ($slot:expr, $value:expr) => {{
            let value = $value;
            if $slot.is_some() {
                cx.error_spanned_by(
                    &ident,
                    format!("duplicate `{name}` attribute; give it once"),
                );
            } else {
                $slot = Some(value);
            }
        }};
    }
    match name.as_str() {
        symbol::NAME => set!(raw.name, meta.value()?.parse::<LitStr>()?),
        symbol::TOPIC => set!(raw.topic, meta.value()?.parse::<LitStr>()?),
        symbol::VERSION => set!(raw.version, meta.value()?.parse::<LitInt>()?),
        symbol::KEY => set!(raw.key, FieldPath::parse(meta.value()?)?),
        symbol::KEY_FALLBACK => {
            let input = meta.value()?;
            let fallback = if input.peek(LitStr) {
                Fallback::Literal(input.parse()?)
            } else {
                Fallback::Path(FieldPath::parse(input)?)
            };
            set!(raw.key_fallback, fallback)
        }
        symbol::KEY_FN => set!(raw.key_fn, meta.value()?.parse::<syn::Path>()?),
        symbol::COMPATIBILITY => set!(raw.compatibility, meta.value()?.parse::<LitStr>()?),
        symbol::CLEANUP_POLICY => set!(raw.cleanup_policy, meta.value()?.parse::<LitStr>()?),
        symbol::RETENTION_MS => set!(raw.retention_ms, meta.value()?.parse::<LitInt>()?),
        symbol::PARTITIONS => set!(raw.partitions, meta.value()?.parse::<LitInt>()?),
        symbol::REPLICATION_FACTOR => {
            set!(raw.replication_factor, meta.value()?.parse::<LitInt>()?)
        }
        symbol::NAMESPACE => set!(raw.namespace, meta.value()?.parse::<LitStr>()?),
        symbol::RICH => set!(raw.rich, meta.value()?.parse::<syn::Type>()?),
        _ => {
            cx.error_spanned_by(&ident, unknown_message(&name));
            skip_value(&meta)?;
        }
    }
    Ok(())
}

/// Consumes `= value` or `(…)` after an unknown name so parsing can go on to the next one.
fn skip_value(meta: &ParseNestedMeta) -> syn::Result<()> {
    if meta.input.peek(Token![=]) {
        meta.value()?.parse::<syn::Expr>()?;
    } else if meta.input.peek(syn::token::Paren) {
        let content;
        syn::parenthesized!(content in meta.input);
        content.parse::<TokenStream>()?;
    }
    Ok(())
}

fn unknown_message(name: &str) -> String {
    let suggestion = symbol::ALL
        .iter()
        .map(|known| (edit_distance(name, known), known))
        .filter(|(distance, _)| *distance <= 2)
        .min()
        .map(|(_, known)| format!("; did you mean `{known}`?"))
        .unwrap_or_default();
    format!(
        "unknown event attribute `{name}`{suggestion} (expected one of: {})",
        symbol::ALL.join(", ")
    )
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

trait PathText {
    fn to_token_stream_string(&self) -> String;
}

impl PathText for syn::Path {
    fn to_token_stream_string(&self) -> String {
        quote::ToTokens::to_token_stream(self)
            .to_string()
            .replace(' ', "")
    }
}
