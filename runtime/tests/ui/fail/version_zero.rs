use serde::{Deserialize, Serialize};
use tidings::Event;

#[derive(Serialize, Deserialize, schemars::JsonSchema, Event)]
#[event(name = "assessment.result.published", topic = "huleedu.assessment.result.published.v0", version = 0, key = job_id)]
struct AssessmentResult {
    job_id: String,
}

fn main() {}
