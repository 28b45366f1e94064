use crate::prelude::*;

/// Rich assessment result event sent directly to Result Aggregator Service.
///
/// This event contains the full business data from CJ Assessment, including
/// scores, grades, and rankings. Published alongside the thin CJAssessmentCompletedV1
/// event that goes to ELS for state tracking.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "assessment.result.published",
    topic = "huleedu.assessment.result.published.v1",
    version = 1,
    key = cj_assessment_job_id,
    cleanup_policy = "compact,delete",
    retention_ms = 604800000,
)]
pub struct AssessmentResultV1 {
    #[serde(default = "default_event_name_assessment_result_v1")]
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
    /// BOS batch ID
    pub batch_id: String,
    /// Internal CJ batch ID
    pub cj_assessment_job_id: String,
    /// Assignment identifier for this assessment batch, if available
    #[schemars(length(max = 100))]
    pub assignment_id: Option<String>,
    /// Method used: cj_assessment, nlp_random_forest, etc
    pub assessment_method: String,
    /// Specific model: claude-3-opus, gpt-4, etc
    pub model_used: String,
    /// Provider: anthropic, openai, internal
    pub model_provider: String,
    /// Model version if applicable
    pub model_version: Option<String>,
    /// List of student essay assessment results using typed validation
    pub essay_results: Vec<EssayResultV1>,
    /// Additional assessment context
    #[serde(default)]
    pub assessment_metadata: AssessmentMetadata,
    #[serde(default = "Timestamp::now")]
    pub assessed_at: Timestamp,
}

/// Result event from CJ Assessment Service to ELS (thin event for state management).
///
/// CRITICAL: This is a thin event following clean architecture principles.
/// It contains ONLY state tracking information - NO business data.
/// Business data (rankings, scores, grade projections) goes to RAS via AssessmentResultV1.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "cj_assessment.completed",
    topic = "huleedu.cj_assessment.completed.v1",
    version = 1,
    key = cj_assessment_job_id,
    cleanup_policy = "delete",
    retention_ms = 86400000,
    rich = AssessmentResultV1,
)]
pub struct CJAssessmentCompletedV1 {
    #[serde(default = "default_event_name_cj_assessment_completed_v1")]
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
    pub cj_assessment_job_id: String,
    /// Summary of batch processing results for state management
    #[serde(default)]
    pub processing_summary: ProcessingSummary,
}

/// Failure event from CJ Assessment Service to ELS reporting processing failure.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "cj_assessment.failed",
    topic = "huleedu.cj_assessment.failed.v1",
    version = 1,
    key = cj_assessment_job_id,
)]
pub struct CJAssessmentFailedV1 {
    #[serde(default = "default_event_name_cj_assessment_failed_v1")]
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
    pub cj_assessment_job_id: String,
}

/// Request event from ELS to CJ Assessment Service to perform CJ on a list of essays.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[schemars(rename = "ELS_CJAssessmentRequestV1")]
#[event(
    name = "els.cj_assessment.requested",
    topic = "huleedu.els.cj_assessment.requested.v1",
    version = 1,
    key = entity_id, key_fallback = system_metadata.entity_id,
)]
pub struct ElsCjAssessmentRequestV1 {
    #[serde(default = "default_event_name_els_cj_assessment_request_v1")]
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
    pub system_metadata: SystemProcessingMetadata,
    pub essays_for_cj: Vec<EssayProcessingInputRefV1>,
    pub language: String,
    pub course_code: CourseCode,
    /// Content Service reference for the student prompt text
    pub student_prompt_ref: Option<StorageReferenceMetadata>,
    /// Optional LLM configuration overrides for this assessment batch
    pub llm_config_overrides: Option<LLMConfigOverrides>,
    /// Assignment context for grade projection
    #[schemars(length(max = 100))]
    pub assignment_id: Option<String>,
    /// User who owns the assessment request
    pub user_id: String,
    /// Organization, if applicable
    pub org_id: Option<String>,
}

/// Typed assessment result for individual essay.
///
/// ARCHITECTURAL FOUNDATION: This model establishes the pattern for all assessment
/// results across HuleEdu services. Future services (NLP, Spellcheck, AI Feedback)
/// will adopt this same structure or extend it, enabling consistent typed models
/// throughout the assessment pipeline and Result Aggregator Service.
///
/// This replaces the untyped dict[str, Any] approach with proper validation,
/// better IDE support, and schema evolution capabilities.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct EssayResultV1 {
    /// Unique identifier for the essay
    pub essay_id: String,
    /// Normalized score between 0 and 1 for cross-service consistency
    #[schemars(range(min = 0.0, max = 1.0))]
    pub normalized_score: f64,
    /// Letter grade (A+, A, A-, B+, B, B-, C+, C, C-, D+, D, D-, F, U)
    #[schemars(regex(pattern = r"^([A-F][+-]?|U)$"))]
    #[schemars(example = &"B+")]
    pub letter_grade: String,
    /// Confidence in the assessment accuracy
    #[schemars(range(min = 0.0, max = 1.0))]
    pub confidence_score: f64,
    /// Human-readable confidence category
    pub confidence_label: ConfidenceLabel,
    /// Bradley-Terry score for comparative ranking
    pub bt_score: f64,
    /// Rank position within the assessment batch (1-based)
    #[schemars(extend("exclusiveMinimum" = 0))]
    pub rank: i64,
    /// Whether this essay serves as an anchor for grade calibration
    #[serde(default)]
    pub is_anchor: bool,
    /// URI to detailed feedback content (if available and >50KB)
    pub feedback_uri: Option<ArtifactRef>,
    /// URI to detailed assessment metrics (if available and >50KB)
    pub metrics_uri: Option<ArtifactRef>,
    /// Human-readable display name for UI purposes (e.g., 'ANCHOR GRADE A' for anchors)
    pub display_name: Option<String>,
}

/// LLM configuration overrides for CJ assessment requests.
///
/// Allows dynamic configuration of LLM parameters at request time,
/// overriding service defaults for specific assessment batches.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LLMConfigOverrides {
    /// LLM model to use (e.g., 'gpt-4o-mini')
    pub model_override: Option<String>,
    /// Temperature for LLM generation
    #[schemars(range(min = 0.0, max = 2.0))]
    pub temperature_override: Option<f64>,
    /// Maximum tokens for LLM response
    #[schemars(extend("exclusiveMinimum" = 0))]
    pub max_tokens_override: Option<i64>,
    /// LLM provider to use (e.g., 'openai', 'anthropic')
    pub provider_override: Option<String>,
    /// System prompt to force for this batch (caller-supplied instructions).
    pub system_prompt_override: Option<String>,
    /// Judge rubric text to force for this batch (overrides hydrated rubric).
    pub judge_rubric_override: Option<String>,
    /// Optional reasoning effort hint for GPT-5 family models ('none', 'low', 'medium', 'high').
    pub reasoning_effort: Option<String>,
    /// Optional output verbosity hint for GPT-5 family models ('low', 'medium', 'high').
    pub output_verbosity: Option<String>,
}

fn default_event_name_assessment_result_v1() -> ProcessingEvent {
    ProcessingEvent::AssessmentResultPublished
}

fn default_event_name_cj_assessment_completed_v1() -> ProcessingEvent {
    ProcessingEvent::CjAssessmentCompleted
}

fn default_event_name_cj_assessment_failed_v1() -> ProcessingEvent {
    ProcessingEvent::CjAssessmentFailed
}

fn default_event_name_els_cj_assessment_request_v1() -> ProcessingEvent {
    ProcessingEvent::ElsCjAssessmentRequested
}

/// Calibration and run statistics of a CJ assessment.
///
/// Typed from what the CJ service writes; every key is optional because the Python model is an
/// open dict.
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
    pub anchor_grade_distribution: Option<IndexMap<String, i64>>,
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
