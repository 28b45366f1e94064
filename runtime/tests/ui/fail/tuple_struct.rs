use serde::{Deserialize, Serialize};
use tidings::Event;

#[derive(Serialize, Deserialize, schemars::JsonSchema, Event)]
#[event(name = "assessment.result.published", topic = "huleedu.assessment.result.published.v1", version = 1, key = job_id)]
struct AssessmentResult(String, f64);

fn main() {}
