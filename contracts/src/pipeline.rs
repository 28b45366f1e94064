use crate::prelude::*;

/// Event published when a pipeline request is denied due to insufficient credits or rate limits.
///
/// This event is published by the Batch Orchestrator Service when credit checking fails
/// before pipeline execution. It triggers teacher notifications and API Gateway 402 responses.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "pipeline.denied",
    topic = "huleedu.pipeline.denied.v1",
    version = 1,
    key = batch_id,
)]
pub struct PipelineDeniedV1 {
    #[serde(default = "default_event_name_pipeline_denied_v1")]
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
    /// ID of the batch whose pipeline was denied
    pub batch_id: String,
    /// User who requested the pipeline
    pub user_id: String,
    /// Organization ID (if applicable)
    pub org_id: Option<String>,
    /// Name of the pipeline that was requested
    pub requested_pipeline: String,
    /// Reason for denial: 'insufficient_credits' or 'rate_limit_exceeded'
    pub denial_reason: String,
    /// Total credits required for the pipeline
    pub required_credits: i64,
    /// Credits currently available
    pub available_credits: i64,
    /// Breakdown of required resources by type (e.g., {'cj_comparison': 45, 'ai_feedback': 10})
    pub resource_breakdown: Option<IndexMap<String, i64>>,
    /// When the denial occurred
    #[serde(default = "Timestamp::now")]
    pub denied_at: Timestamp,
}

fn default_event_name_pipeline_denied_v1() -> ProcessingEvent {
    ProcessingEvent::PipelineDenied
}
