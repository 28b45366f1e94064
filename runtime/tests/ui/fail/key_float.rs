use serde::{Deserialize, Serialize};
use tidings::Event;

#[derive(Serialize, Deserialize, schemars::JsonSchema, Event)]
#[event(name = "essay.scored", topic = "huleedu.essay.scored.v1", version = 1, key = score)]
struct EssayScored {
    essay_id: String,
    score: f64,
}

fn main() {}
