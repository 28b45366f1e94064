use serde::{Deserialize, Serialize};
use tidings::Event;

#[derive(Serialize, Deserialize, schemars::JsonSchema, Event)]
#[event(name = "essay.created", topic = "acme.essay.events.v1", version = 1, key = essay_id)]
struct EssayCreated {
    essay_id: String,
}

#[derive(Serialize, Deserialize, schemars::JsonSchema, Event)]
#[event(name = "essay.deleted", topic = "acme.essay.events.v1", version = 1, key = essay_id)]
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
