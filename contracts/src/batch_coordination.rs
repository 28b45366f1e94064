use crate::prelude::*;

/// Event indicating all expected content has been provisioned for a batch.
///
/// Publisher: Essay Lifecycle Service (ELS)
/// Consumer: Batch Orchestrator Service (BOS)
/// Topic: batch.content.provisioning.completed
///
/// Flow for GUEST batches (class_id = null):
/// 1. ELS publishes this event when all content is provisioned
/// 2. BOS receives event and directly transitions batch to READY_FOR_PIPELINE_EXECUTION
/// 3. No student matching needed, no BatchEssaysReady event needed
///
/// Flow for REGULAR batches (class_id exists):
/// 1. ELS publishes this event when all content is provisioned
/// 2. BOS receives event and initiates Phase 1 student matching
/// 3. Student matching flow completes with StudentAssociationsConfirmedV1
/// 4. ELS then publishes BatchEssaysReady with student associations
/// 5. BOS transitions to READY_FOR_PIPELINE_EXECUTION
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "batch.content.provisioning.completed",
    topic = "huleedu.batch.content.provisioning.completed.v1",
    version = 1,
    key = batch_id,
)]
pub struct BatchContentProvisioningCompletedV1 {
    /// Event type identifier
    #[serde(default = "default_batch_content_provisioning_completed_v1_event")]
    pub event: String,
    /// Batch identifier
    pub batch_id: String,
    /// Number of essays successfully provisioned
    pub provisioned_count: i64,
    /// Originally expected essay count
    pub expected_count: i64,
    /// Course code for language detection
    pub course_code: CourseCode,
    /// User who owns this batch
    pub user_id: String,
    /// All provisioned essays with content references - used by BOS for GUEST batches
    pub essays_for_processing: Vec<EssayProcessingInputRefV1>,
    /// Request correlation ID
    #[serde(default = "Uuid::new_v4")]
    pub correlation_id: Uuid,
    #[serde(default = "Timestamp::now")]
    pub timestamp: Timestamp,
}

/// Summary of batch processing errors for observability and metrics.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BatchErrorSummary {
    /// Total number of errors in batch
    pub total_errors: i64,
    /// Error categories e.g., {'validation': 3, 'extraction': 2}
    pub error_categories: IndexMap<String, i64>,
    /// True if no essays succeeded in batch (complete failure)
    #[serde(default)]
    pub critical_failure: bool,
}

/// Event indicating batch is ready for Phase 2 pipeline processing.
///
/// Publisher: Essay Lifecycle Service (ELS)
/// Consumer: Batch Orchestrator Service (BOS)
/// Topic: batch.essays.ready
/// Handler: BOS - BatchEssaysReadyHandler.handle_batch_essays_ready()
///
/// IMPORTANT: This event is ONLY published for REGULAR batches after student associations.
/// GUEST batches do NOT receive this event - they transition directly from
/// BatchContentProvisioningCompletedV1 to READY_FOR_PIPELINE_EXECUTION.
///
/// Flow for REGULAR batches only:
/// 1. ELS receives StudentAssociationsConfirmedV1 from Class Management
/// 2. ELS updates essays with student associations
/// 3. ELS publishes this event with enriched essay data
/// 4. BOS stores essays and transitions to READY_FOR_PIPELINE_EXECUTION
///
/// ARCHITECTURAL CHANGE: This event has been completely rewritten to eliminate the
/// validation_failures anti-pattern. Error handling now uses separate
/// BatchValidationErrorsV1 events following HuleEdu structured error handling standards.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "batch.essays.ready",
    topic = "huleedu.els.batch.essays.ready.v1",
    version = 1,
    key = batch_id,
)]
pub struct BatchEssaysReady {
    /// Event type identifier
    #[serde(default = "default_batch_essays_ready_event")]
    pub event: String,
    /// Batch identifier
    pub batch_id: String,
    /// List of essays ready for processing with their content references
    pub ready_essays: Vec<EssayProcessingInputRefV1>,
    /// Processing metadata
    pub metadata: SystemProcessingMetadata,
    /// Course code from BOS lean registration
    pub course_code: CourseCode,
    /// Language inferred from course_code
    pub course_language: String,
    /// Content Service reference for prompt payloads
    pub student_prompt_ref: Option<StorageReferenceMetadata>,
    /// GUEST or REGULAR - determines processing behavior
    pub class_type: String,
}

/// Event to register batch processing expectations with ELS.
///
/// Publisher: Batch Orchestrator Service (BOS)
/// Consumer: Essay Lifecycle Service (ELS)
/// Topic: batch.essays.registered
/// Handler: ELS - DefaultBatchCoordinationHandler.handle_batch_essays_registered()
///
/// Flow:
/// 1. API Gateway sends BatchRegistrationRequestV1 to BOS (with/without class_id)
/// 2. BOS creates batch record and generates essay IDs
/// 3. BOS publishes this event to ELS
/// 4. ELS creates essay slots and starts tracking content provisioning
///
/// This establishes the count-based coordination contract between BOS and ELS.
/// Enhanced to include course context so ELS can create proper BatchEssaysReady events.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "batch.essays.registered",
    topic = "huleedu.batch.essays.registered.v1",
    version = 1,
    key = entity_id,
)]
pub struct BatchEssaysRegistered {
    /// Event type identifier
    #[serde(default = "default_batch_essays_registered_event")]
    pub event: String,
    /// Unique batch identifier
    pub entity_id: String,
    /// Number of essays expected in this batch
    pub expected_essay_count: i64,
    /// List of essay IDs that will be processed
    pub essay_ids: Vec<String>,
    /// Processing metadata
    pub metadata: SystemProcessingMetadata,
    /// Course code from batch registration
    pub course_code: CourseCode,
    /// Content Service reference for student prompt payloads
    pub student_prompt_ref: Option<StorageReferenceMetadata>,
    /// User who owns this batch
    pub user_id: String,
    /// Organization ID for credit attribution, None for individual users
    pub org_id: Option<String>,
    /// Class ID for REGULAR batches requiring student matching, None for GUEST batches
    pub class_id: Option<String>,
}

/// Event indicating that all requested pipeline phases have completed for a batch.
///
/// Publisher: Batch Orchestrator Service (BOS)
/// Consumer: API Gateway, UI Services, Batch Conductor Service (BCS)
/// Topic: batch.pipeline.completed
///
/// Published when:
/// 1. All requested pipeline phases have completed (successfully or with failures)
/// 2. No more phases remain in the requested_pipelines list
/// 3. Pipeline execution has reached its terminal state
///
/// This event enables:
/// - Multi-pipeline support by clearing active pipeline state
/// - UI notifications of pipeline completion
/// - BCS to track completed phases for dependency resolution
/// - API Gateway to update batch status for clients
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "batch.pipeline.completed",
    topic = "huleedu.batch.pipeline.completed.v1",
    version = 1,
    key = batch_id,
)]
pub struct BatchPipelineCompletedV1 {
    /// Event type identifier
    #[serde(default = "default_batch_pipeline_completed_v1_event")]
    pub event: String,
    /// Batch identifier
    pub batch_id: String,
    /// List of phase names that were completed in this pipeline execution
    pub completed_phases: Vec<String>,
    /// Final pipeline status. Must be a BatchStatus enum value (e.g., BatchStatus.COMPLETED_SUCCESSFULLY, BatchStatus.COMPLETED_WITH_FAILURES, BatchStatus.FAILED_CRITICALLY)
    pub final_status: BatchStatus,
    /// Total duration of pipeline execution in seconds
    pub processing_duration_seconds: f64,
    /// Number of essays that completed successfully across all phases
    pub successful_essay_count: i64,
    /// Number of essays that failed in any phase
    pub failed_essay_count: i64,
    /// Correlation ID from the original pipeline request
    pub correlation_id: Uuid,
    /// Processing metadata
    pub metadata: SystemProcessingMetadata,
}

/// Event for batch validation failures - replaces legacy inline error pattern.
///
/// This event follows structured error handling principles with clean separation
/// from success events. Replaces the anti-pattern of embedding validation_failures
/// in BatchEssaysReady success events.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "batch.validation.errors",
    topic = "huleedu.els.batch.validation.errors.v1",
    version = 1,
    key = batch_id,
)]
pub struct BatchValidationErrorsV1 {
    /// Event type identifier
    #[serde(default = "default_batch_validation_errors_v1_event")]
    pub event: String,
    /// Batch identifier
    pub batch_id: String,
    /// List of essays that failed validation with structured error details
    pub failed_essays: Vec<EssayValidationError>,
    /// Summary of errors for observability and metrics
    pub error_summary: BatchErrorSummary,
    /// Request correlation ID
    #[serde(default = "Uuid::new_v4")]
    pub correlation_id: Uuid,
    /// Processing metadata
    pub metadata: SystemProcessingMetadata,
}

/// Structured validation error for an essay following HuleEdu error standards.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct EssayValidationError {
    /// Essay ID that failed validation
    pub essay_id: String,
    /// Original file name that failed
    pub file_name: String,
    /// Structured error detail using HuleEdu error handling
    pub error_detail: ErrorDetail,
    /// When the validation failure occurred
    #[serde(default = "Timestamp::now")]
    pub failed_at: Timestamp,
}

/// Event sent by ELS when content cannot be assigned to any available slot.
///
/// This occurs when more files are uploaded than expected_essay_count for a batch.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "excess.content.provisioned",
    topic = "huleedu.els.excess.content.provisioned.v1",
    version = 1,
    key = batch_id,
)]
pub struct ExcessContentProvisionedV1 {
    /// Event type identifier
    #[serde(default = "default_excess_content_provisioned_v1_event")]
    pub event: String,
    /// Batch identifier
    pub batch_id: String,
    /// Original uploaded file name
    pub original_file_name: String,
    /// Content Service storage ID
    pub text_storage_id: String,
    /// Reason for excess content (e.g., 'NO_AVAILABLE_SLOT')
    pub reason: String,
    /// Request correlation ID
    #[serde(default = "Uuid::new_v4")]
    pub correlation_id: Uuid,
    #[serde(default = "Timestamp::now")]
    pub timestamp: Timestamp,
}

/// Event indicating that a phase was skipped during pipeline resolution due to prior completion.
///
/// Publisher: Batch Conductor Service (BCS)
/// Consumer: Test harnesses, monitoring services, API Gateway
/// Topic: batch.phase.skipped
///
/// Published when:
/// 1. BCS resolves a pipeline and finds that a phase was already completed
/// 2. The phase is pruned from the execution list
/// 3. Results from the previous completion will be reused
///
/// This event enables:
/// - Test harnesses to track which phases were pruned
/// - Monitoring and observability of pipeline optimization
/// - UI to show users which phases were skipped and why
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "batch.phase.skipped",
    topic = "huleedu.batch.phase.skipped.v1",
    version = 1,
    key = batch_id,
)]
pub struct PhaseSkippedV1 {
    /// Event type identifier
    #[serde(default = "default_phase_skipped_v1_event")]
    pub event: String,
    /// Batch identifier
    pub batch_id: String,
    /// Name of the phase that was skipped
    pub phase_name: String,
    /// Reason why phase was skipped (e.g., 'already_completed')
    #[serde(default = "default_phase_skipped_v1_skip_reason")]
    pub skip_reason: String,
    /// Storage ID from previous completion that will be reused
    pub storage_id: Option<String>,
    /// Correlation ID from the pipeline request
    pub correlation_id: Uuid,
    /// Processing metadata
    pub metadata: SystemProcessingMetadata,
}

fn default_batch_content_provisioning_completed_v1_event() -> String {
    "batch.content.provisioning.completed".to_owned()
}

fn default_batch_essays_ready_event() -> String {
    "batch.essays.ready".to_owned()
}

fn default_batch_essays_registered_event() -> String {
    "batch.essays.registered".to_owned()
}

fn default_batch_pipeline_completed_v1_event() -> String {
    "batch.pipeline.completed".to_owned()
}

fn default_batch_validation_errors_v1_event() -> String {
    "batch.validation.errors.v1".to_owned()
}

fn default_excess_content_provisioned_v1_event() -> String {
    "excess.content.provisioned".to_owned()
}

fn default_phase_skipped_v1_event() -> String {
    "batch.phase.skipped".to_owned()
}

fn default_phase_skipped_v1_skip_reason() -> String {
    "already_completed".to_owned()
}
