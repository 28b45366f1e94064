//! Comparative-judgement (CJ) assessment: the thin completion event for the essay lifecycle and
//! the rich result event for result aggregation.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tidings::{Event, Timestamp};

use crate::ProcessingEvent;
use crate::artifact::ArtifactRef;
use crate::metadata::SystemProcessingMetadata;
use crate::status::EntityStatus;

/// Rich result of a CJ assessment, for the result aggregator: one typed result per essay, with the
/// model that produced them and how the run was calibrated.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "assessment.result.published",
    topic = "huleedu.assessment.result.published.v1",
    version = 1,
    key = cj_assessment_job_id,
    cleanup_policy = "compact,delete",
    retention_ms = 604800000
)]
pub struct AssessmentResultV1 {
    /// Which catalogue event this payload is.
    #[serde(default = "assessment_result_published")]
    pub event_name: ProcessingEvent,
    /// The entity the event is about (the batch).
    pub entity_id: Option<String>,
    /// Kind of entity.
    pub entity_type: Option<String>,
    /// Parent entity.
    pub parent_id: Option<String>,
    /// When the event was created.
    #[serde(default = "Timestamp::now")]
    pub timestamp: Timestamp,
    /// The assessed batch.
    pub batch_id: String,
    /// The CJ job that produced the results; the partition key.
    pub cj_assessment_job_id: String,
    /// The assignment the essays answer.
    #[schemars(length(max = 100))]
    pub assignment_id: Option<String>,
    /// Assessment method, e.g. `cj_assessment`.
    pub assessment_method: String,
    /// Model that judged the comparisons.
    pub model_used: String,
    /// Provider of that model.
    pub model_provider: String,
    /// Model version, when the provider reports one.
    pub model_version: Option<String>,
    /// One result per essay, anchors included.
    pub essay_results: Vec<EssayResultV1>,
    /// How the run was calibrated and how long it took.
    #[serde(default)]
    pub assessment_metadata: AssessmentMetadata,
    /// When the assessment finished.
    #[serde(default = "Timestamp::now")]
    pub assessed_at: Timestamp,
}

fn assessment_result_published() -> ProcessingEvent {
    ProcessingEvent::AssessmentResultPublished
}

/// Typed assessment result for one essay.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct EssayResultV1 {
    /// Unique identifier for the essay (anchors use `ANCHOR_<id>`).
    pub essay_id: String,
    /// Normalized score between 0 and 1 for cross-service consistency.
    #[schemars(range(min = 0.0, max = 1.0))]
    pub normalized_score: f64,
    /// Letter grade (A+, A, A-, …, F, U).
    #[schemars(regex(pattern = r"^([A-F][+-]?|U)$"))]
    pub letter_grade: String,
    /// Confidence in the assessment accuracy.
    #[schemars(range(min = 0.0, max = 1.0))]
    pub confidence_score: f64,
    /// Human-readable confidence category.
    pub confidence_label: ConfidenceLabel,
    /// Bradley-Terry score for comparative ranking.
    pub bt_score: f64,
    /// Rank position within the assessment batch (1-based).
    #[schemars(extend("exclusiveMinimum" = 0))]
    pub rank: i64,
    /// Whether this essay serves as an anchor for grade calibration.
    #[serde(default)]
    pub is_anchor: bool,
    /// Detailed feedback, stored in the content service.
    pub feedback_uri: Option<ArtifactRef>,
    /// Detailed assessment metrics, stored in the content service.
    pub metrics_uri: Option<ArtifactRef>,
    /// Display name for UIs (e.g. `ANCHOR GRADE A` for anchors).
    pub display_name: Option<String>,
}

/// Confidence category of an essay result.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum ConfidenceLabel {
    High,
    Mid,
    Low,
}

/// Calibration and run statistics of a CJ assessment.
///
/// Typed from what the CJ service writes; every key is optional because the Python model is an
/// open dict and older producers omit some.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AssessmentMetadata {
    /// Number of anchor essays used for calibration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anchor_essays_used: Option<i64>,
    /// Calibration method, e.g. `anchor`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calibration_method: Option<String>,
    /// Anchor essays per grade.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anchor_grade_distribution: Option<BTreeMap<String, i64>>,
    /// Number of pairwise comparisons judged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comparison_count: Option<i64>,
    /// Wall-clock duration of the run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub processing_duration_seconds: Option<f64>,
    /// Sampling temperature of the judging model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub llm_temperature: Option<f64>,
    /// The assignment assessed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 100))]
    pub assignment_id: Option<String>,
    /// Course code, e.g. `ENG5`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub course_code: Option<String>,
}

/// Thin completion event of a CJ assessment, for the essay lifecycle's state machine. Business
/// data goes to the result aggregator in [`AssessmentResultV1`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "cj_assessment.completed",
    topic = "huleedu.cj_assessment.completed.v1",
    version = 1,
    key = cj_assessment_job_id,
    cleanup_policy = "delete",
    retention_ms = 86400000,
    rich = AssessmentResultV1
)]
pub struct CJAssessmentCompletedV1 {
    /// Which catalogue event this payload is.
    #[serde(default = "cj_assessment_completed")]
    pub event_name: ProcessingEvent,
    /// The entity the event is about (the batch).
    pub entity_id: Option<String>,
    /// Kind of entity.
    pub entity_type: Option<String>,
    /// Parent entity.
    pub parent_id: Option<String>,
    /// When the event was created.
    #[serde(default = "Timestamp::now")]
    pub timestamp: Timestamp,
    /// New status of the entity after this transition.
    pub status: EntityStatus,
    /// Operational context of this event's creation.
    pub system_metadata: SystemProcessingMetadata,
    /// The CJ job; the partition key.
    pub cj_assessment_job_id: String,
    /// Counts for state management.
    #[serde(default)]
    pub processing_summary: CjProcessingSummary,
}

fn cj_assessment_completed() -> ProcessingEvent {
    ProcessingEvent::CjAssessmentCompleted
}

/// Summary of a CJ run, for state management.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CjProcessingSummary {
    /// Essays in the run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_essays: Option<i64>,
    /// Essays assessed successfully.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub successful: Option<i64>,
    /// Essays that failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed: Option<i64>,
    /// Ids of the successful essays.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub successful_essay_ids: Option<Vec<String>>,
    /// Ids of the failed essays.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed_essay_ids: Option<Vec<String>>,
    /// Wall-clock duration of the run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub processing_time_seconds: Option<f64>,
    /// Whether the batch had a single essay (CJ needs pairs, so it is graded differently).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub single_essay_batch: Option<bool>,
}
