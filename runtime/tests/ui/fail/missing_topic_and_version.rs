use serde::{Deserialize, Serialize};
use tidings::Event;

#[derive(Serialize, Deserialize, schemars::JsonSchema, Event)]
#[event(name = "assessment.result.published", key = job_id)]
struct AssessmentResult {
    job_id: String,
}

fn main() {}
