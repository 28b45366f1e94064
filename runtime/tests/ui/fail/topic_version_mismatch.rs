use serde::{Deserialize, Serialize};
use tidings::Event;

#[derive(Serialize, Deserialize, schemars::JsonSchema, Event)]
#[event(name = "assessment.result.published", topic = "huleedu.assessment.result.published.v1", version = 2, key = job_id)]
struct AssessmentResultV2 {
    job_id: String,
}

fn main() {}
