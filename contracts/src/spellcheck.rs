use crate::prelude::*;

/// Metrics that spellchecker can ACTUALLY provide.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SpellcheckMetricsV1 {
    /// Total number of corrections made
    pub total_corrections: i64,
    /// Number of Swedish learner error corrections
    pub l2_dictionary_corrections: i64,
    /// Number of general spelling corrections
    pub spellchecker_corrections: i64,
    /// Total word count for density calculation
    pub word_count: i64,
    /// Corrections per 100 words
    pub correction_density: f64,
}

/// Thin event for ELS state management and BCS batch coordination.
///
/// Published to: huleedu.batch.spellcheck.phase.completed.v1
/// Consumers: ELS, BCS
///
/// Minimal data needed for state transitions (~300 bytes).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "spellcheck.phase.completed",
    topic = "huleedu.batch.spellcheck.phase.completed.v1",
    version = 1,
    key = batch_id,
    cleanup_policy = "delete",
    retention_ms = 86400000,
    rich = SpellcheckResultV1,
)]
pub struct SpellcheckPhaseCompletedV1 {
    /// Essay ID
    pub entity_id: String,
    /// Batch ID
    pub batch_id: String,
    /// Correlation ID for tracing
    pub correlation_id: String,
    /// SUCCESS or FAILED
    pub status: ProcessingStatus,
    /// Storage ID of corrected text if successful
    pub corrected_text_storage_id: Option<String>,
    /// Error code if failed
    pub error_code: Option<String>,
    /// Processing duration in milliseconds
    pub processing_duration_ms: i64,
    /// Event timestamp
    pub timestamp: Timestamp,
}

/// Data representing the result of a spellcheck.
/// 'event_name' (from BaseEventData) should be
/// ProcessingEvent.ESSAY_SPELLCHECK_COMPLETED.value
/// 'status' (from ProcessingUpdate) indicates outcome
/// (e.g., SPELLCHECKED_SUCCESS or _FAILED).
/// 'system_metadata' provides context for this result event, including error_info if failed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "essay.spellcheck.completed",
    topic = "huleedu.essay.spellcheck.completed.v1",
    version = 1,
    key = parent_id, key_fallback = system_metadata.entity_id,
)]
pub struct SpellcheckResultDataV1 {
    /// Specific event name from ProcessingEvent enum. Pydantic coerces from string during deserialization.
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
    /// Storage ID of the original text that was spellchecked.
    pub original_text_storage_id: String,
    /// Ref to corrected text, logs.
    pub storage_metadata: Option<StorageReferenceMetadata>,
    /// Number of corrections made.
    pub corrections_made: Option<i64>,
}

/// Rich event for RAS business data aggregation.
///
/// Published to: huleedu.essay.spellcheck.results.v1
/// Consumers: RAS, future NLP services
///
/// Contains full business results from spellcheck processing.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "spellcheck.results",
    topic = "huleedu.essay.spellcheck.results.v1",
    version = 1,
    key = batch_id,
)]
pub struct SpellcheckResultV1 {
    /// Specific event name from ProcessingEvent enum. Pydantic coerces from string during deserialization.
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
    /// Batch identifier for explicit context
    pub batch_id: String,
    /// Correlation ID for tracing
    pub correlation_id: String,
    /// User ID if available
    pub user_id: Option<String>,
    /// Total number of corrections
    pub corrections_made: i64,
    /// Detailed correction metrics
    pub correction_metrics: SpellcheckMetricsV1,
    /// Storage ID of original text
    pub original_text_storage_id: String,
    /// Storage ID of corrected text if successful
    pub corrected_text_storage_id: Option<String>,
    /// Processing duration in milliseconds
    pub processing_duration_ms: i64,
    /// Version of the spellchecker processor
    #[serde(default = "default_spellcheck_result_v1_processor_version")]
    pub processor_version: String,
}

fn default_spellcheck_result_v1_processor_version() -> String {
    "pyspellchecker_1.0_L2_swedish".to_owned()
}
