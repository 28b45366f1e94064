use serde::{Deserialize, Serialize};
use tidings::Event;

#[derive(Serialize, Deserialize, schemars::JsonSchema, Event)]
#[event(name = "assessment.result.published", topic = "huleedu.assessment.result.published.v1", version = 1, key = cj_job_id)]
struct AssessmentResult {
    cj_assessment_job_id: String,
    batch_id: String,
}

fn main() {}
