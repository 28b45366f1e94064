//! Code generation for tidings catalogues.
//!
//! Data flows one way: a catalogue's contracts → [`model::CatalogModel`] (one intermediate model)
//! → pure emitters in [`emit`] (each a function from the model to files) → [`sync`], which writes
//! the files or checks that the committed ones are current.

// Library code reports bad input as errors; it does not panic on it.
#![warn(clippy::unwrap_used, clippy::expect_used)]

pub mod compat;
pub mod emit;
pub mod model;
pub mod sync;

pub use model::{CatalogModel, EventModel, ModelError};
pub use sync::{GeneratedFile, StaleFile, Staleness};

/// The command that regenerates the committed output; every generated file names it.
pub const GENERATE_COMMAND: &str = "cargo xtask gen";

/// Every file generated for `model`, sorted by path.
pub fn generate(model: &CatalogModel) -> Vec<GeneratedFile> {
    let mut files = Vec::new();
    files.extend(emit::catalog::emit(model));
    files.extend(emit::json_schema::emit(model));
    files.extend(emit::avro::emit(model));
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}
