//! Code generation for tidings catalogues.
//!
//! Data flows one way: a catalogue's contracts → [`model::CatalogModel`] (one intermediate model)
//! → pure emitters in [`emit`] (each a function from the model to files) → [`sync`], which writes
//! the files or checks that the committed ones are current.

// Library code reports bad input as errors; it does not panic on it.
#![warn(clippy::unwrap_used, clippy::expect_used)]

pub mod avro_datum;
pub mod check;
pub use tidings_compat as compat;
pub mod emit;
pub mod example;
pub mod history;
pub mod model;
pub mod source;
pub mod sync;
pub mod types;

pub use history::History;
pub use model::{AsyncApiServer, CatalogModel, EventModel, ModelError, ProjectSettings};
pub use sync::{GeneratedFile, StaleFile, Staleness};

/// The default command that regenerates the committed output ([`ProjectSettings::generate_command`]).
pub const GENERATE_COMMAND: &str = "cargo xtask gen";

/// Every file generated for `model`, sorted by path: the schemas, the catalogue, and the version
/// history, which is `released` plus the current schemas where they changed.
pub fn generate(
    model: &CatalogModel,
    released: &History,
) -> Result<Vec<GeneratedFile>, emit::Rendering> {
    let mut files = Vec::new();
    files.extend(emit::catalog::emit(model));
    files.extend(emit::json_schema::emit(model));
    files.extend(emit::avro::emit(model));
    files.extend(emit::examples::emit(model));
    let envelope = emit::json_schema::envelope_schema(model);
    let types = types::TypeModel::of(model, &envelope);
    files.extend(emit::python::emit(model, &types)?);
    files.extend(emit::typescript::emit(model, &types, &envelope)?);
    files.push(
        emit::asyncapi::emit(model, &envelope).map_err(|err| emit::Rendering {
            template: "asyncapi.yaml".into(),
            message: err.to_string(),
        })?,
    );
    let by_path: std::collections::HashMap<&std::path::Path, &str> = files
        .iter()
        .map(|f| (f.path.as_path(), f.contents.as_str()))
        .collect();
    let paths: Vec<(String, String)> = model
        .events
        .iter()
        .map(|event| {
            (
                emit::json_schema::path(&event.topic),
                emit::avro::path(&event.topic),
            )
        })
        .collect();
    let current: Vec<(&str, &str, &str)> = model
        .events
        .iter()
        .zip(&paths)
        .filter_map(|(event, (json, avro))| {
            Some((
                event.topic.as_str(),
                *by_path.get(std::path::Path::new(json))?,
                *by_path.get(std::path::Path::new(avro))?,
            ))
        })
        .collect();
    let history = released.advance(current).files();
    files.extend(history);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}
