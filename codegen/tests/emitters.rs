//! Snapshots of every emitter's output for a small fixture catalogue: two events, a nested type,
//! an enum, an optional field, a constraint, declared topic configuration and a UUID key.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tidings::Event;
use tidings_codegen::{CatalogModel, History};

/// Letter grade of an essay.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub enum Grade {
    /// Top grade.
    A,
    /// Second grade.
    B,
}

/// Where a score came from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Origin {
    /// Model that produced the score.
    pub model: String,
}

/// An essay was scored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "essay.scored",
    topic = "demo.essay.scored.v1",
    version = 1,
    key = essay_id,
    cleanup_policy = "compact,delete",
    retention_ms = 604800000
)]
pub struct EssayScoredV1 {
    /// The essay.
    pub essay_id: String,
    /// Normalised score.
    #[schemars(range(min = 0.0, max = 1.0))]
    pub score: f64,
    /// The grade.
    pub grade: Grade,
    /// Free-text note, if any.
    pub note: Option<String>,
    /// Who scored it.
    pub origin: Origin,
}

/// A class was created.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "class.created",
    topic = "demo.class.created.v1",
    version = 1,
    key = class_id
)]
pub struct ClassCreatedV1 {
    /// The class.
    pub class_id: uuid::Uuid,
    /// Display name.
    #[schemars(length(min = 1, max = 80))]
    pub name: String,
    /// Labels.
    #[serde(default)]
    pub tags: Vec<String>,
}

tidings::catalogue! {
    /// The fixture catalogue.
    pub enum DemoEvent {
        EssayScored => EssayScoredV1,
        ClassCreated => ClassCreatedV1,
    }
}

#[test]
fn every_emitter_matches_its_snapshot() {
    let model = CatalogModel::of::<DemoEventPayload>("Demo").expect("fixture contracts build");
    let files = tidings_codegen::generate(&model, &History::default()).expect("templates render");
    let paths: Vec<String> = files.iter().map(|f| f.path.display().to_string()).collect();
    insta::assert_debug_snapshot!("file_list", paths);
    for file in &files {
        let name = file.path.display().to_string().replace(['/', '.'], "_");
        insta::assert_snapshot!(name, file.contents);
    }
}
