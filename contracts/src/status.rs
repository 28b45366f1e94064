//! Lifecycle enums shared by many events.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// State of one essay in the processing state machine.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EssayStatus {
    Uploaded,
    TextExtracted,
    ContentIngesting,
    ContentIngestionFailed,
    ReadyForProcessing,
    AwaitingSpellcheck,
    SpellcheckingInProgress,
    SpellcheckedSuccess,
    SpellcheckFailed,
    AwaitingNlp,
    NlpProcessingInProgress,
    NlpSuccess,
    NlpFailed,
    AwaitingAiFeedback,
    AiFeedbackProcessingInProgress,
    AiFeedbackSuccess,
    AiFeedbackFailed,
    AwaitingEditorRevision,
    EditorRevisionProcessingInProgress,
    EditorRevisionSuccess,
    EditorRevisionFailed,
    AwaitingGrammarCheck,
    GrammarCheckProcessingInProgress,
    GrammarCheckSuccess,
    GrammarCheckFailed,
    AwaitingCjAssessment,
    CjAssessmentProcessingInProgress,
    CjAssessmentSuccess,
    CjAssessmentFailed,
    AllProcessingCompleted,
    EssayCriticalFailure,
}

/// State of a batch of essays.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BatchStatus {
    AwaitingContentValidation,
    ContentIngestionFailed,
    AwaitingPipelineConfiguration,
    ReadyForPipelineExecution,
    ProcessingPipelines,
    AwaitingStudentValidation,
    StudentValidationCompleted,
    ValidationTimeoutProcessed,
    CompletedSuccessfully,
    CompletedWithFailures,
    FailedCritically,
    Cancelled,
}

/// The new status of the entity a state event is about: an essay status for essays, a batch
/// status for batches.
///
/// `content_ingestion_failed` exists in both enums; it reads as the essay status, and since both
/// write the same string the wire value is unchanged either way.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum EntityStatus {
    Essay(EssayStatus),
    Batch(BatchStatus),
}

/// Stage of an operation, as recorded in [`SystemProcessingMetadata`](crate::SystemProcessingMetadata).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProcessingStage {
    Pending,
    Initialized,
    Processing,
    Completed,
    Failed,
    Cancelled,
}

/// Outcome of a unit of processing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProcessingStatus {
    Pending,
    InProgress,
    Completed,
    Failed,
}
