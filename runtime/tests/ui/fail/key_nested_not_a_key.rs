use serde::{Deserialize, Serialize};
use tidings::Event;

#[derive(Serialize, Deserialize, schemars::JsonSchema)]
struct Metadata {
    tags: Vec<String>,
}

#[derive(Serialize, Deserialize, schemars::JsonSchema, Event)]
#[event(name = "essay.tagged", topic = "huleedu.essay.tagged.v1", version = 1, key = metadata.tags)]
struct EssayTagged {
    metadata: Metadata,
}

fn main() {}
