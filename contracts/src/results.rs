use crate::prelude::*;

/// CJ Assessment phase completed for batch.
///
/// Published when the CJ Assessment service completes ranking/scoring
/// for a batch of essays. This is a thin event - detailed rankings
/// can be fetched via the CJ Assessment or RAS query APIs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "batch.assessment.completed",
    topic = "huleedu.ras.batch.assessment.completed.v1",
    version = 1,
    key = batch_id,
)]
pub struct BatchAssessmentCompletedV1 {
    #[serde(default = "default_event_name_batch_assessment_completed_v1")]
    pub event_name: ProcessingEvent,
    /// Business entity ID this event relates to (essay_id, batch_id, user_id). For correlation and tracing across service boundaries.
    pub entity_id: Option<String>,
    /// Type of business entity (essay, batch, user). Clarifies entity_id context when multiple entity types share ID space.
    pub entity_type: Option<String>,
    /// Parent entity ID for hierarchical relationships (batch_id for essay events). Enables workflow correlation across parent-child boundaries.
    pub parent_id: Option<String>,
    /// Event creation timestamp in UTC. Auto-generated at event construction.
    #[serde(default = "Timestamp::now")]
    pub timestamp: Timestamp,
    /// New status of the entity after this state machine transition. Use EssayStatus for essay entities, BatchStatus for batch entities.
    pub status: EntityStatus,
    /// Operational context of THIS event's creation (service, correlation_id, error_info). Includes tracing and error tracking data.
    pub system_metadata: SystemProcessingMetadata,
    pub batch_id: String,
    pub user_id: String,
    pub assessment_job_id: String,
    pub rankings_summary: Vec<RankingSummaryEntry>,
}

/// Batch processing completed with all results available.
///
/// Published when all processing phases are complete and results are
/// ready for teacher review. This is a thin event - detailed results
/// can be fetched via the RAS query API.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "batch.results.ready",
    topic = "huleedu.ras.batch.results.ready.v1",
    version = 1,
    key = batch_id,
)]
pub struct BatchResultsReadyV1 {
    #[serde(default = "default_event_name_batch_results_ready_v1")]
    pub event_name: ProcessingEvent,
    /// Business entity ID this event relates to (essay_id, batch_id, user_id). For correlation and tracing across service boundaries.
    pub entity_id: Option<String>,
    /// Type of business entity (essay, batch, user). Clarifies entity_id context when multiple entity types share ID space.
    pub entity_type: Option<String>,
    /// Parent entity ID for hierarchical relationships (batch_id for essay events). Enables workflow correlation across parent-child boundaries.
    pub parent_id: Option<String>,
    /// Event creation timestamp in UTC. Auto-generated at event construction.
    #[serde(default = "Timestamp::now")]
    pub timestamp: Timestamp,
    /// New status of the entity after this state machine transition. Use EssayStatus for essay entities, BatchStatus for batch entities.
    pub status: EntityStatus,
    /// Operational context of THIS event's creation (service, correlation_id, error_info). Includes tracing and error tracking data.
    pub system_metadata: SystemProcessingMetadata,
    pub batch_id: String,
    pub user_id: String,
    pub total_essays: i64,
    pub completed_essays: i64,
    pub phase_results: IndexMap<String, PhaseResultSummary>,
    pub overall_status: BatchStatus,
    pub processing_duration_seconds: f64,
}

/// Summary of results for a processing phase.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PhaseResultSummary {
    pub phase_name: String,
    pub status: String,
    pub completed_count: i64,
    pub failed_count: i64,
    pub processing_time_seconds: Option<f64>,
}

fn default_event_name_batch_assessment_completed_v1() -> ProcessingEvent {
    ProcessingEvent::BatchAssessmentCompleted
}

fn default_event_name_batch_results_ready_v1() -> ProcessingEvent {
    ProcessingEvent::BatchResultsReady
}

/// One essay's line in a batch ranking.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RankingSummaryEntry {
    /// The essay.
    pub essay_id: String,
    /// 1-based rank.
    #[schemars(extend("exclusiveMinimum" = 0))]
    pub rank: i64,
    /// Comparative score (Bradley-Terry).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// Letter grade.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^([A-F][+-]?|U)$"))]
    #[schemars(example = &"B+")]
    pub letter_grade: Option<String>,
    /// Confidence in the grade, 0 to 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0.0, max = 1.0))]
    pub confidence_score: Option<f64>,
    /// Confidence category.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence_label: Option<ConfidenceLabel>,
}
