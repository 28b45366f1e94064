use serde::{Deserialize, Serialize};
use tidings::Event;

#[derive(Serialize, Deserialize, schemars::JsonSchema, Event)]
#[event(name = "essay.created", topic = "acme.essay.created.v1", version = 1, key = essay_id)]
struct EssayCreated {
    essay_id: String,
}

/// Forgot `#[derive(Event)]`.
#[derive(Serialize, Deserialize, schemars::JsonSchema)]
struct EssayDeleted {
    essay_id: String,
}

tidings::catalogue! {
    pub enum AcmeEvent {
        EssayCreated => EssayCreated,
        EssayDeleted => EssayDeleted,
    }
}

fn main() {}
