use serde::{Deserialize, Serialize};
use tidings::Event;

#[derive(Serialize, Deserialize, schemars::JsonSchema, Event)]
struct AssessmentResult {
    job_id: String,
}

fn main() {}
