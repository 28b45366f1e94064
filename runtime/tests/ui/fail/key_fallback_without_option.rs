use serde::{Deserialize, Serialize};
use tidings::Event;

#[derive(Serialize, Deserialize, schemars::JsonSchema, Event)]
#[event(name = "essay.slot.assigned", topic = "huleedu.els.essay.slot.assigned.v1", version = 1, key = batch_id, key_fallback = "none")]
struct EssaySlotAssigned {
    batch_id: String,
}

fn main() {}
