use crate::prelude::*;

/// Event published by ELS to notify BOS about the completion of a processing phase for a batch.
///
/// This event is critical for dynamic pipeline orchestration, allowing BOS to:
/// 1. Track phase completion across all essays in a batch
/// 2. Determine the next phase in the pipeline sequence
/// 3. Handle partial success scenarios (some essays succeed, others fail)
/// 4. Propagate only successful essays to the next phase
///
/// The event includes the list of successfully processed essays with their updated
/// text_storage_id references, which BOS uses to initiate the next phase.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "els.batch.phase.outcome",
    topic = "huleedu.els.batch.phase.outcome.v1",
    version = 1,
    key = batch_id,
    cleanup_policy = "delete",
    retention_ms = 86400000,
)]
pub struct ELSBatchPhaseOutcomeV1 {
    /// Unique identifier of the batch that completed the phase
    pub batch_id: String,
    /// Name of the phase that was completed. Must be a PhaseName enum value (e.g., PhaseName.SPELLCHECK, PhaseName.AI_FEEDBACK, PhaseName.CJ_ASSESSMENT)
    pub phase_name: PhaseName,
    /// Overall status of the phase completion. Must be a BatchStatus enum value (e.g., BatchStatus.COMPLETED_SUCCESSFULLY, BatchStatus.COMPLETED_WITH_FAILURES, BatchStatus.FAILED_CRITICALLY)
    pub phase_status: BatchStatus,
    /// List of essays that successfully completed this phase, with updated text_storage_id references for the next phase
    pub processed_essays: Vec<EssayProcessingInputRefV1>,
    /// List of essay IDs that failed during this phase and should not be included in subsequent phases
    pub failed_essay_ids: Vec<String>,
    /// Correlation ID for tracking related events across services
    #[serde(default = "Uuid::new_v4")]
    pub correlation_id: Uuid,
}
