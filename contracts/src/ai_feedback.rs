use crate::prelude::*;

/// Metadata about AI feedback generation and processing.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AIFeedbackMetadata {
    pub model_version: String,
    #[serde(default = "Timestamp::now")]
    pub generation_timestamp: Timestamp,
    pub feedback_type: String,
    pub processing_time_seconds: Option<f64>,
}

/// Data payload for an event indicating the result of AI feedback processing for an essay.
/// This event is published by the AI Feedback Service and consumed by ELS.
/// It follows the "thin event" principle by referencing bulky feedback content
/// stored elsewhere if applicable.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "essay.aifeedback.completed",
    topic = "huleedu.essay.aifeedback.completed.v1",
    version = 1,
    key = entity_id, key_fallback = system_metadata.entity_id,
)]
pub struct AIFeedbackResultDataV1 {
    /// The specific type of processing event.
    #[serde(default = "default_event_name_ai_feedback_result_data_v1")]
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
    /// Metadata and summary details about the generated AI feedback.
    pub feedback_details: AIFeedbackMetadata,
    /// Optional storage ID of the detailed feedback content if stored separately.
    pub feedback_content_storage_id: Option<String>,
    /// Optional dictionary for any additional metrics or scores from feedback processing.
    pub additional_metrics: Option<FeedbackMetrics>,
}

fn default_event_name_ai_feedback_result_data_v1() -> ProcessingEvent {
    ProcessingEvent::EssayAifeedbackCompleted
}

/// Counts of a generated feedback text.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FeedbackMetrics {
    /// Words in the feedback.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feedback_word_count: Option<i64>,
    /// Strengths the feedback names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strengths_identified: Option<i64>,
    /// Improvements the feedback suggests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub improvements_suggested: Option<i64>,
}
