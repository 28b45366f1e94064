use serde::{Deserialize, Serialize};
use tidings::Event;

#[derive(Serialize, Deserialize, schemars::JsonSchema, Event)]
#[event(name = "assessment.result.published", topic = "huleedu.assessment.result.published.v1", version = 1, key = job_id)]
enum AssessmentResult {
    Passed { job_id: String },
    Failed { job_id: String },
}

fn main() {}
