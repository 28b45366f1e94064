//! The HuleEdu event catalogue as tidings contracts.
//!
//! Every event is a payload type with `#[derive(Event)]`, grouped by domain in the modules below,
//! and [`ProcessingEvent`] lists them all: adding an event is its type plus one line in the
//! catalogue at the end of this file. The payloads are wire-compatible with HuleEdu's Python
//! (pydantic) models: same field names and order, same optionality and defaults, same enum values.
//! See `contracts/README.md` for where tidings deliberately differs.

// Library code reports bad input as errors; it does not panic on it.
#![warn(clippy::unwrap_used, clippy::expect_used)]
// Doc comments are HuleEdu's field and model descriptions, kept word for word because they become
// the schema descriptions other languages see; some use reStructuredText-style lists.
#![allow(clippy::doc_lazy_continuation)]

pub mod ai_feedback;
pub mod artifact;
pub mod batch_commands;
pub mod batch_coordination;
pub mod cj_assessment;
pub mod class_management;
pub mod client_commands;
pub mod editor_revision;
pub mod els_bos;
pub mod email;
pub mod entitlements;
pub mod enums;
pub mod error;
pub mod essay_lifecycle;
pub mod essay_requests;
pub mod file;
pub mod file_management;
pub mod identity;
pub mod keys;
pub mod llm_provider;
pub mod metadata;
pub mod nlp;
pub mod notification;
mod nullable;
pub mod pipeline;
pub mod resource_consumption;
pub mod results;
pub mod spellcheck;
mod strip;
pub mod validation;

pub use ai_feedback::*;
pub use artifact::ArtifactRef;
pub use batch_commands::*;
pub use batch_coordination::*;
pub use cj_assessment::*;
pub use class_management::*;
pub use client_commands::*;
pub use editor_revision::*;
pub use els_bos::*;
pub use email::*;
pub use entitlements::*;
pub use enums::*;
pub use error::*;
pub use essay_lifecycle::*;
pub use essay_requests::*;
pub use file::*;
pub use file_management::*;
pub use identity::*;
pub use llm_provider::*;
pub use metadata::*;
pub use nlp::*;
pub use notification::*;
pub use pipeline::*;
pub use resource_consumption::*;
pub use results::*;
pub use spellcheck::*;
pub use validation::*;

/// What every contract module imports.
mod prelude {
    pub use indexmap::IndexMap;
    pub use schemars::JsonSchema;
    pub use serde::{Deserialize, Serialize};
    pub use tidings::{Event, Timestamp, Untyped};
    pub use uuid::Uuid;

    // Every public type of the crate: the modules refer to each other freely.
    pub use crate::*;
}

tidings::catalogue! {
    /// Every event of the HuleEdu platform, in the order of HuleEdu's Python enum. `as_str()` is
    /// the dotted name (the Python enum value), `member()` the Python member name, `topic()` the
    /// Kafka topic.
    pub enum ProcessingEvent {
        BatchEssaysRegistered => BatchEssaysRegistered,
        BatchEssaysReady => BatchEssaysReady,
        BatchPipelineCompleted => BatchPipelineCompletedV1,
        BatchPhaseSkipped => PhaseSkippedV1,
        EssaySlotAssigned => EssaySlotAssignedV1,
        EssayContentProvisioned => EssayContentProvisionedV1,
        ExcessContentProvisioned => ExcessContentProvisionedV1,
        EssayValidationFailed => EssayValidationFailedV1,
        BatchContentProvisioningCompleted => BatchContentProvisioningCompletedV1,
        BatchStudentMatchingInitiateCommand => BatchServiceStudentMatchingInitiateCommandDataV1,
        BatchStudentMatchingRequested => BatchStudentMatchingRequestedV1,
        BatchSpellcheckInitiateCommand => BatchServiceSpellcheckInitiateCommandDataV1,
        BatchCjAssessmentInitiateCommand => BatchServiceCJAssessmentInitiateCommandDataV1,
        BatchAiFeedbackInitiateCommand => BatchServiceAIFeedbackInitiateCommandDataV1,
        BatchNlpInitiateCommand => BatchServiceNLPInitiateCommandDataV1,
        BatchNlpInitiateCommandV2 => BatchServiceNLPInitiateCommandDataV2,
        ElsBatchPhaseOutcome => ELSBatchPhaseOutcomeV1,
        BatchValidationErrors => BatchValidationErrorsV1,
        ClientBatchPipelineRequest => ClientBatchPipelineRequestV1,
        PipelineDenied => PipelineDeniedV1,
        EssaySpellcheckCompleted => SpellcheckResultDataV1,
        EssaySpellcheckRequested => EssayLifecycleSpellcheckRequestV1,
        SpellcheckPhaseCompleted => SpellcheckPhaseCompletedV1,
        SpellcheckResults => SpellcheckResultV1,
        BatchNlpProcessingRequested => BatchNlpProcessingRequestedV1,
        BatchNlpProcessingRequestedV2 => BatchNlpProcessingRequestedV2,
        ElsCjAssessmentRequested => ElsCjAssessmentRequestV1,
        CjAssessmentCompleted => CJAssessmentCompletedV1,
        CjAssessmentFailed => CJAssessmentFailedV1,
        EssayNlpCompleted => EssayNlpCompletedV1,
        BatchNlpAnalysisCompleted => BatchNlpAnalysisCompletedV1,
        BatchAuthorMatchesSuggested => BatchAuthorMatchesSuggestedV1,
        EssayAifeedbackCompleted => AIFeedbackResultDataV1,
        EssayEditorRevisionCompleted => EditorRevisionCompletedV1,
        EssayStudentAssociationUpdated => EssayStudentAssociationUpdatedV1,
        BatchFileAdded => BatchFileAddedV1,
        BatchFileRemoved => BatchFileRemovedV1,
        ClassCreated => ClassCreatedV1,
        ClassUpdated => ClassUpdatedV1,
        StudentCreated => StudentCreatedV1,
        StudentUpdated => StudentUpdatedV1,
        StudentAssociationsConfirmed => StudentAssociationsConfirmedV1,
        ValidationTimeoutProcessed => ValidationTimeoutProcessedV1,
        TeacherNotificationRequested => TeacherNotificationRequestedV1,
        BatchResultsReady => BatchResultsReadyV1,
        BatchAssessmentCompleted => BatchAssessmentCompletedV1,
        AssessmentResultPublished => AssessmentResultV1,
        ResourceConsumptionReported => ResourceConsumptionV1,
        LlmRequestStarted => LLMRequestStartedV1,
        LlmRequestCompleted => LLMRequestCompletedV1,
        LlmProviderFailure => LLMProviderFailureV1,
        LlmUsageAnalytics => LLMUsageAnalyticsV1,
        LlmCostAlert => LLMCostAlertV1,
        LlmCostTracking => LLMCostTrackingV1,
        LlmComparisonResult => LLMComparisonResultV1,
        IdentityUserRegistered => UserRegisteredV1,
        IdentityEmailVerificationRequested => EmailVerificationRequestedV1,
        IdentityEmailVerified => EmailVerifiedV1,
        IdentityPasswordResetRequested => PasswordResetRequestedV1,
        IdentityPasswordResetCompleted => PasswordResetCompletedV1,
        IdentityLoginSucceeded => LoginSucceededV1,
        IdentityLoginFailed => LoginFailedV1,
        EmailNotificationRequested => NotificationEmailRequestedV1,
        EmailSent => EmailSentV1,
        EmailDeliveryFailed => EmailDeliveryFailedV1,
        EntitlementsSubscriptionActivated => SubscriptionActivatedV1,
        EntitlementsSubscriptionChanged => SubscriptionChangedV1,
        EntitlementsSubscriptionCanceled => SubscriptionCanceledV1,
        EntitlementsUsageAuthorized => UsageAuthorizedV1,
        EntitlementsUsageRecorded => UsageRecordedV1,
        EntitlementsCreditBalanceChanged => CreditBalanceChangedV1,
        EntitlementsRateLimitExceeded => RateLimitExceededV1,
        EntitlementsResourceAccessGranted => ResourceAccessGrantedV1,
    }
}
