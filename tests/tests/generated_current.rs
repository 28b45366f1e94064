//! generated/ matches what the contracts generate, and the check notices when it does not.

use std::path::{Path, PathBuf};

use huleedu_contracts::ProcessingEvent;
use tidings_codegen::{CatalogModel, Staleness, sync};

fn generated_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated")
}

fn model() -> CatalogModel {
    CatalogModel::of::<ProcessingEvent>("HuleEdu").expect("every contract has an Avro schema")
}

#[test]
fn committed_output_is_current() {
    let files = tidings_codegen::generate(&model());
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
    let files = tidings_codegen::generate(&edited);
    let stale = sync::check(&generated_dir(), &files, &["README.md"]).unwrap();
    let topic = &edited.events[0].topic;
    assert_eq!(stale.len(), 1, "{stale:#?}");
    assert_eq!(
        stale[0].path,
        Path::new(&format!("schemas/json/{topic}.json"))
    );
    assert_eq!(stale[0].staleness, Staleness::Outdated);
}

#[test]
fn generation_is_deterministic() {
    assert_eq!(
        tidings_codegen::generate(&model()),
        tidings_codegen::generate(&model())
    );
}
