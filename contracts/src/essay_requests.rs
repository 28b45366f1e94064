use crate::prelude::*;

/// Request data for ELS to request spellcheck processing for an individual essay.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "essay.spellcheck.requested",
    topic = "huleedu.essay.spellcheck.requested.v1",
    version = 1,
    key = system_metadata.entity_id,
)]
pub struct EssayLifecycleSpellcheckRequestV1 {
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
    pub text_storage_id: String,
    pub language: String,
}
