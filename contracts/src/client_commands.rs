use crate::prelude::*;

/// Command sent from the API Gateway to signal a user's request to run a
/// processing pipeline on an existing, fully uploaded batch.
///
/// This event is published to Kafka when a client requests pipeline execution
/// via the API Gateway, and consumed by the Batch Orchestrator Service (BOS).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "client.batch.pipeline.request",
    topic = "huleedu.commands.batch.pipeline.v1",
    version = 1,
    key = batch_id,
)]
pub struct ClientBatchPipelineRequestV1 {
    /// The unique identifier of the target batch.
    #[schemars(length(min = 1, max = 255))]
    #[serde(deserialize_with = "crate::strip::string")]
    pub batch_id: String,
    /// The final pipeline the user wants to run (e.g., 'ai_feedback',
    /// 'cj_assessment').
    #[schemars(length(min = 1, max = 100))]
    #[serde(deserialize_with = "crate::strip::string")]
    pub requested_pipeline: String,
    /// Client-provided correlation ID for request tracking.
    #[serde(default = "Uuid::new_v4")]
    pub client_correlation_id: Uuid,
    /// The ID of the authenticated user who owns this batch.
    #[schemars(length(min = 1, max = 255))]
    #[serde(deserialize_with = "crate::strip::string")]
    pub user_id: String,
    /// Flag indicating this is a user-initiated retry request.
    #[serde(default)]
    pub is_retry: bool,
    /// Optional user-provided reason for the retry.
    #[schemars(length(max = 500))]
    #[serde(default, deserialize_with = "crate::strip::optional")]
    pub retry_reason: Option<String>,
    /// Prompt-selection metadata for pipelines that require student prompts.
    pub prompt_payload: Option<PipelinePromptPayload>,
}

/// Carries prompt-selection metadata for pipelines that require student prompts.
///
/// Exactly one of assignment_id (canonical prompt) or cms_prompt_ref (ad-hoc teacher prompt)
/// must be supplied.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(transform = tidings::rules::exactly_one_of(&["assignment_id", "cms_prompt_ref"]))]
pub struct PipelinePromptPayload {
    /// Canonical assignment identifier for system-managed prompts
    #[schemars(length(max = 100))]
    pub assignment_id: Option<String>,
    /// Content Service reference for teacher-provided prompt payloads
    pub cms_prompt_ref: Option<StorageReferenceMetadata>,
}
