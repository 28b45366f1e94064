//! Spellchecking: the thin phase-completion event and the rich per-essay result.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tidings::{Event, Timestamp};

use crate::ProcessingEvent;
use crate::metadata::SystemProcessingMetadata;
use crate::status::{EntityStatus, ProcessingStatus};

/// Thin event for essay-lifecycle state management and batch coordination (~300 bytes).
/// The corrections themselves travel in [`SpellcheckResultV1`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "spellcheck.phase.completed",
    topic = "huleedu.batch.spellcheck.phase.completed.v1",
    version = 1,
    key = batch_id,
    cleanup_policy = "delete",
    retention_ms = 86400000,
    rich = SpellcheckResultV1
)]
pub struct SpellcheckPhaseCompletedV1 {
    /// The essay.
    pub entity_id: String,
    /// The essay's batch; the partition key.
    pub batch_id: String,
    /// Correlation id for tracing (a plain string in this model).
    pub correlation_id: String,
    /// `completed` or `failed`.
    pub status: ProcessingStatus,
    /// Storage id of the corrected text, on success.
    pub corrected_text_storage_id: Option<String>,
    /// Error code, on failure (the producer truncates it to 100 characters).
    pub error_code: Option<String>,
    /// Processing duration in milliseconds.
    pub processing_duration_ms: i64,
    /// Event timestamp.
    pub timestamp: Timestamp,
}

/// Rich spellcheck result of one essay, for result aggregation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "spellcheck.results",
    topic = "huleedu.essay.spellcheck.results.v1",
    version = 1,
    key = batch_id
)]
pub struct SpellcheckResultV1 {
    /// Which catalogue event this payload is. The producer copies `essay.spellcheck.completed`
    /// here from the request, so it is not always `spellcheck.results`.
    pub event_name: ProcessingEvent,
    /// The essay.
    pub entity_id: Option<String>,
    /// Kind of entity.
    pub entity_type: Option<String>,
    /// The essay's batch.
    pub parent_id: Option<String>,
    /// When the event was created.
    #[serde(default = "Timestamp::now")]
    pub timestamp: Timestamp,
    /// New status of the essay.
    pub status: EntityStatus,
    /// Operational context of this event's creation.
    pub system_metadata: SystemProcessingMetadata,
    /// Batch identifier; the partition key.
    pub batch_id: String,
    /// Correlation id for tracing (a plain string in this model).
    pub correlation_id: String,
    /// User id, if available.
    pub user_id: Option<String>,
    /// Total number of corrections.
    pub corrections_made: i64,
    /// Detailed correction metrics.
    pub correction_metrics: SpellcheckMetricsV1,
    /// Storage id of the original text.
    pub original_text_storage_id: String,
    /// Storage id of the corrected text, if successful.
    pub corrected_text_storage_id: Option<String>,
    /// Processing duration in milliseconds.
    pub processing_duration_ms: i64,
    /// Version of the spellchecker.
    #[serde(default = "default_processor_version")]
    pub processor_version: String,
}

fn default_processor_version() -> String {
    "pyspellchecker_1.0_L2_swedish".to_owned()
}

/// Correction counts of one essay.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SpellcheckMetricsV1 {
    /// All corrections.
    pub total_corrections: i64,
    /// Corrections from the L2 learner dictionary.
    pub l2_dictionary_corrections: i64,
    /// Corrections from the general spellchecker.
    pub spellchecker_corrections: i64,
    /// Words in the essay.
    pub word_count: i64,
    /// Corrections per 100 words.
    pub correction_density: f64,
}
