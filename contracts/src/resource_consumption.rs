use crate::prelude::*;

/// Event for tracking billable resource consumption.
///
/// Published by processing services (e.g., CJ Assessment, AI Feedback) to report
/// actual resource usage. Consumed by Entitlements Service for credit tracking.
///
/// Notes:
/// - `entity_id` and `entity_type` from BaseEventData identify the business entity
/// (typically BOS batch id and "batch").
/// - Correlation and transport metadata is carried by the EventEnvelope.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "resource.consumption.reported",
    topic = "huleedu.resource.consumption.v1",
    version = 1,
    key = user_id,
)]
pub struct ResourceConsumptionV1 {
    /// Canonical name for resource consumption events
    #[serde(default = "default_event_name_resource_consumption_v1")]
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
    /// User who owns the workload
    pub user_id: String,
    /// Organization, if applicable
    pub org_id: Option<String>,
    /// Billable metric (e.g., "cj_comparison", "ai_feedback_generation")
    pub resource_type: String,
    /// Number of resources consumed
    #[schemars(range(min = 0))]
    pub quantity: i64,
    /// Producing service name
    pub service_name: String,
    /// Internal job or processing ID for tracing
    pub processing_id: String,
    /// Timestamp of consumption
    #[serde(default = "Timestamp::now")]
    pub consumed_at: Timestamp,
}

fn default_event_name_resource_consumption_v1() -> ProcessingEvent {
    ProcessingEvent::ResourceConsumptionReported
}
