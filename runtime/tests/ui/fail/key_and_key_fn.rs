use serde::{Deserialize, Serialize};
use tidings::Event;

fn job_key(event: &AssessmentResult) -> String {
    event.job_id.clone()
}

#[derive(Serialize, Deserialize, schemars::JsonSchema, Event)]
#[event(name = "assessment.result.published", topic = "huleedu.assessment.result.published.v1", version = 1, key = job_id, key_fn = job_key)]
struct AssessmentResult {
    job_id: String,
}

fn main() {}
