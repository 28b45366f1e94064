//! generated/ matches what the contracts generate, and the check notices when it does not.

use std::path::{Path, PathBuf};

use huleedu_contracts::ProcessingEventPayload;
use tidings_codegen::{CatalogModel, History, Staleness, sync};

fn generated_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated")
}

/// The history committed in generated/ (a fresh checkout has no drafts).
fn released() -> History {
    let tree = sync::read_tree(&generated_dir()).unwrap();
    History::from_files(tree.iter().map(|(p, c)| (p.as_str(), c.as_str()))).unwrap()
}

/// The model as `cargo xtask gen` builds it: with the settings of tidings.toml.
fn model() -> CatalogModel {
    let project = tidings_cli::project::Project::load(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../tidings.toml"),
    )
    .expect("tidings.toml reads");
    project
        .model::<ProcessingEventPayload>()
        .expect("every contract has an Avro schema")
}

#[test]
fn committed_output_is_current() {
    let files = tidings_codegen::generate(&model(), &released()).unwrap();
    let stale = sync::check(&generated_dir(), &files, &["README.md"]).unwrap();
    assert!(
        stale.is_empty(),
        "stale files, run `cargo xtask gen`: {stale:#?}"
    );
}

#[test]
fn an_edited_contract_makes_the_output_stale() {
    let mut edited = model();
    let event = &mut edited.events[0];
    event.description.push_str(" Edited.");
    let description = event.description.clone();
    if let Some(object) = event.json_schema.as_object_mut() {
        object.insert("description".into(), description.into());
    }
    let files = tidings_codegen::generate(&edited, &released()).unwrap();
    let stale = sync::check(&generated_dir(), &files, &["README.md"]).unwrap();
    let topic = &edited.events[0].topic;
    let summary: Vec<(PathBuf, Staleness)> = stale
        .iter()
        .map(|s| (s.path.clone(), s.staleness))
        .collect();
    let next = released().revisions(topic).len() + 1;
    // The schema file changes, the history gains the new schema as its next revision, and every
    // output that carries descriptions follows: the AsyncAPI document and both packages.
    assert_eq!(
        summary,
        [
            (PathBuf::from("asyncapi.yaml"), Staleness::Outdated),
            (
                PathBuf::from(format!("history/{topic}/{next:04}.avsc")),
                Staleness::Missing
            ),
            (
                PathBuf::from(format!("history/{topic}/{next:04}.json")),
                Staleness::Missing
            ),
            (
                PathBuf::from("python/huleedu_contracts/models.py"),
                Staleness::Outdated
            ),
            (
                PathBuf::from(format!("schemas/json/{topic}.json")),
                Staleness::Outdated
            ),
            (
                PathBuf::from("typescript/src/schemas.ts"),
                Staleness::Outdated
            ),
            (
                PathBuf::from("typescript/src/types.ts"),
                Staleness::Outdated
            ),
        ],
        "{stale:#?}"
    );
}

#[test]
fn generation_is_deterministic() {
    assert_eq!(
        tidings_codegen::generate(&model(), &released()).unwrap(),
        tidings_codegen::generate(&model(), &released()).unwrap()
    );
}
