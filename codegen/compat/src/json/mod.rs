//! JSON Schema compatibility, modelled on Confluent Schema Registry's JSON Schema differ.
//!
//! A document is first loaded into a small typed model, the way Confluent's loader does it:
//! `type` picks a typed schema (`{"type": ["string","null"]}` is `anyOf` of two), `enum`/`const`,
//! `not` and the combinators are schemas of their own, and a schema object holding several of them
//! is their `allOf`. Local `$ref`s (`#/$defs/…`, `#/definitions/…`) are followed, cycles included.
//!
//! Then the writer's schema (`original`) and the reader's (`update`) are walked together and each
//! difference is classified with Confluent's difference types. Whether a type is compatible depends
//! on the [`Policy`]. Where Confluent's rules are silent the engine judges by meaning (which data
//! the reader accepts), and these extensions are listed on [`Difference`].

mod differ;
mod difference;
mod formats;
mod load;
mod semantics;
mod validate;
pub mod witness;

pub use differ::diff;
pub use difference::Difference;
pub use load::JsonSchema;
