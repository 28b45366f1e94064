//! Procedural macros of tidings. Use them through the `tidings` crate, which re-exports them.
//!
//! `#[derive(Event)]` runs in three stages, each its own module: `attr` parses the attributes,
//! `validate` checks them against the struct (and `shapes` the field types no target states
//! faithfully) and builds a contract, `expand` emits the impl. Every
//! error is collected with its span; when there is any, a placeholder impl is emitted next to
//! them so the user sees only the real mistakes.

// Library code reports bad input as errors; it does not panic on it.
#![warn(clippy::unwrap_used, clippy::expect_used)]

use proc_macro::TokenStream;
use syn::{DeriveInput, parse_macro_input};

mod attr;
mod catalogue;
mod ctx;
mod expand;
mod key_part;
mod shapes;
mod symbol;
mod validate;

/// Implements `tidings::Event`. See the `tidings` crate docs for the `#[event(...)]` attributes.
#[proc_macro_derive(Event, attributes(event))]
pub fn derive_event(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    let mut cx = ctx::Ctxt::default();
    let raw = attr::parse_event_attrs(&mut cx, &input.attrs);
    let contract = validate::validate(&mut cx, &input, raw);
    match contract {
        Some(contract) if !cx.has_errors() => expand::expand(&contract).into(),
        _ => {
            let mut tokens = cx.into_compile_errors();
            if validate::supports_fallback(&input) {
                tokens.extend(expand::fallback(&input.ident));
            }
            tokens.into()
        }
    }
}

/// Implements `tidings::KeyPart` for a newtype over a key type (String, Uuid, an integer).
#[proc_macro_derive(KeyPart)]
pub fn derive_key_part(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    key_part::derive(&input)
        .unwrap_or_else(|e| e.to_compile_error())
        .into()
}

/// Declares a catalogue enum: `catalogue! { pub enum Name { Variant => Payload, … } }`.
#[proc_macro]
pub fn catalogue(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as catalogue::CatalogueInput);
    catalogue::expand(input).into()
}
