use serde::{Deserialize, Serialize};
use tidings::Event;

#[derive(Serialize, Deserialize, schemars::JsonSchema, Event)]
#[event(name = "essay.slot.assigned", topic = "huleedu.els.essay.slot.assigned.v1", version = 1, key = entity_id)]
struct EssaySlotAssigned {
    entity_id: Option<String>,
    batch_id: String,
}

fn main() {}
