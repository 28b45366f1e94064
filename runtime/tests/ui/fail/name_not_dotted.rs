use serde::{Deserialize, Serialize};
use tidings::Event;

#[derive(Serialize, Deserialize, schemars::JsonSchema, Event)]
#[event(name = "AssessmentResultPublished", topic = "huleedu.assessment.result.published.v1", version = 1, key = job_id)]
struct AssessmentResult {
    job_id: String,
}

fn main() {}
