use serde::{Deserialize, Serialize};
use tidings::Event;

#[derive(Serialize, Deserialize, schemars::JsonSchema, Event)]
#[event(name = "assessment.result.published", topic = "huleedu.Assessment.v1", version = 1, key = job, retention = 5)]
struct AssessmentResult {
    job_id: String,
}

fn main() {}
