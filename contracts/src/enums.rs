use crate::prelude::*;

/// How student association was validated.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
pub enum AssociationValidationMethod {
    #[serde(rename = "human")]
    Human,
    #[serde(rename = "timeout")]
    Timeout,
    #[serde(rename = "auto")]
    Auto,
}

/// Specific error codes for Batch Conductor Service pipeline operations.
///
/// These codes provide domain-specific error classification for pipeline
/// dependency resolution, cycle detection, and compatibility validation.
/// Follows service-specific enum pattern for architectural consistency.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
pub enum BatchConductorErrorCode {
    #[serde(rename = "BCS_PIPELINE_DEPENDENCY_RESOLUTION_FAILED")]
    BcsPipelineDependencyResolutionFailed,
    #[serde(rename = "BCS_PIPELINE_DEPENDENCY_CYCLE_DETECTED")]
    BcsPipelineDependencyCycleDetected,
    #[serde(rename = "BCS_PIPELINE_COMPATIBILITY_FAILED")]
    BcsPipelineCompatibilityFailed,
}

/// Batch-level state machine for GUEST and REGULAR batch flows.
///
/// GUEST flow: AWAITING_CONTENT_VALIDATION → AWAITING_PIPELINE_CONFIGURATION →
/// READY_FOR_PIPELINE_EXECUTION → PROCESSING_PIPELINES → terminal.
///
/// REGULAR flow: AWAITING_CONTENT_VALIDATION → AWAITING_STUDENT_VALIDATION →
/// STUDENT_VALIDATION_COMPLETED → READY_FOR_PIPELINE_EXECUTION →
/// PROCESSING_PIPELINES → terminal.
///
/// Terminal states: COMPLETED_SUCCESSFULLY, COMPLETED_WITH_FAILURES,
/// FAILED_CRITICALLY, CANCELLED.
///
/// See: libs/common_core/docs/status-state-machines.md
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
pub enum BatchStatus {
    #[serde(rename = "awaiting_content_validation")]
    AwaitingContentValidation,
    #[serde(rename = "content_ingestion_failed")]
    ContentIngestionFailed,
    #[serde(rename = "awaiting_pipeline_configuration")]
    AwaitingPipelineConfiguration,
    #[serde(rename = "ready_for_pipeline_execution")]
    ReadyForPipelineExecution,
    #[serde(rename = "processing_pipelines")]
    ProcessingPipelines,
    #[serde(rename = "awaiting_student_validation")]
    AwaitingStudentValidation,
    #[serde(rename = "student_validation_completed")]
    StudentValidationCompleted,
    #[serde(rename = "validation_timeout_processed")]
    ValidationTimeoutProcessed,
    #[serde(rename = "completed_successfully")]
    CompletedSuccessfully,
    #[serde(rename = "completed_with_failures")]
    CompletedWithFailures,
    #[serde(rename = "failed_critically")]
    FailedCritically,
    #[serde(rename = "cancelled")]
    Cancelled,
}

/// CJ Assessment Service domain-specific error codes.
///
/// These codes represent errors unique to the Comparative Judgement algorithm
/// and callback correlation system. Generic errors like timeouts or external
/// service failures should use the base ErrorCode enum.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
pub enum CJAssessmentErrorCode {
    #[serde(rename = "CJ_INSUFFICIENT_COMPARISONS")]
    CjInsufficientComparisons,
    #[serde(rename = "CJ_SCORE_CONVERGENCE_FAILED")]
    CjScoreConvergenceFailed,
    #[serde(rename = "CJ_COMPARISON_IMBALANCE")]
    CjComparisonImbalance,
    #[serde(rename = "CJ_CALLBACK_CORRELATION_FAILED")]
    CjCallbackCorrelationFailed,
}

/// Specific error codes for Class Management Service.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
pub enum ClassManagementErrorCode {
    #[serde(rename = "COURSE_NOT_FOUND")]
    CourseNotFound,
    #[serde(rename = "COURSE_VALIDATION_ERROR")]
    CourseValidationError,
    #[serde(rename = "MULTIPLE_COURSE_ERROR")]
    MultipleCourseError,
    #[serde(rename = "CLASS_NOT_FOUND")]
    ClassNotFound,
    #[serde(rename = "STUDENT_NOT_FOUND")]
    StudentNotFound,
}

/// Human-readable confidence category
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
pub enum ConfidenceLabel {
    #[serde(rename = "HIGH")]
    High,
    #[serde(rename = "MID")]
    Mid,
    #[serde(rename = "LOW")]
    Low,
}

/// Content type discriminators for StorageReferenceMetadata storage references.
///
/// Defines content type categories for content stored in Content Service and
/// referenced via StorageReferenceMetadata. Each type represents a distinct
/// content artifact produced by a service during essay/batch processing.
///
/// Storage Pattern:
/// - Services store content in Content Service with ContentType discriminator
/// - StorageReferenceMetadata.add_reference(content_type, storage_id, path)
/// creates typed reference
/// - Downstream services retrieve content using storage_id and validate
/// content_type matches expected artifact
///
/// Producer/Consumer relationships documented inline for each value.
///
/// See: libs/common_core/docs/storage-references.md
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
pub enum ContentType {
    #[serde(rename = "original_essay")]
    OriginalEssay,
    #[serde(rename = "corrected_text")]
    CorrectedText,
    #[serde(rename = "processing_log")]
    ProcessingLog,
    #[serde(rename = "nlp_metrics_json")]
    NlpMetricsJson,
    #[serde(rename = "student_facing_ai_feedback_text")]
    StudentFacingAiFeedbackText,
    #[serde(rename = "ai_editor_revision_text")]
    AiEditorRevisionText,
    #[serde(rename = "ai_detailed_analysis_json")]
    AiDetailedAnalysisJson,
    #[serde(rename = "grammar_analysis_json")]
    GrammarAnalysisJson,
    #[serde(rename = "cj_results_json")]
    CjResultsJson,
    #[serde(rename = "raw_upload_blob")]
    RawUploadBlob,
    #[serde(rename = "extracted_plaintext")]
    ExtractedPlaintext,
    #[serde(rename = "student_prompt_text")]
    StudentPromptText,
}

/// Predefined course codes for HuleEdu platform.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
pub enum CourseCode {
    #[serde(rename = "ENG5")]
    Eng5,
    #[serde(rename = "ENG6")]
    Eng6,
    #[serde(rename = "ENG7")]
    Eng7,
    #[serde(rename = "SV1")]
    Sv1,
    #[serde(rename = "SV2")]
    Sv2,
    #[serde(rename = "SV3")]
    Sv3,
}

/// Email category for analytics and filtering. Determines email priority and handling rules.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
pub enum EmailCategory {
    #[serde(rename = "verification")]
    Verification,
    #[serde(rename = "password_reset")]
    PasswordReset,
    #[serde(rename = "receipt")]
    Receipt,
    #[serde(rename = "teacher_notification")]
    TeacherNotification,
    #[serde(rename = "system")]
    System,
}

/// Base error code enum with 42 cross-service error categories.
///
/// Provides generic error codes for common failure scenarios across all HuleEdu
/// services (validation, timeouts, auth, external service failures, etc.).
///
/// Extension Pattern:
/// - USE base ErrorCode values when error fits generic category (TIMEOUT,
/// VALIDATION_ERROR, RATE_LIMIT, etc.)
/// - EXTEND with service-specific enum (e.g., CJAssessmentErrorCode) ONLY when
/// error represents domain-specific business logic that can't be expressed
/// by generic codes
/// - Service-specific enums layer domain nuance on top while base ErrorCode
/// centralizes cross-service error buckets
///
/// Error codes integrate with SystemProcessingMetadata.error_info structure
/// for distributed tracing and operational context.
///
/// See: libs/huleedu_service_libs/error_handling/ for canonical error raising,
/// logging, and handling patterns tied to both base and extended error codes.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
pub enum ErrorCode {
    #[serde(rename = "UNKNOWN_ERROR")]
    UnknownError,
    #[serde(rename = "VALIDATION_ERROR")]
    ValidationError,
    #[serde(rename = "RESOURCE_NOT_FOUND")]
    ResourceNotFound,
    #[serde(rename = "CONFIGURATION_ERROR")]
    ConfigurationError,
    #[serde(rename = "EXTERNAL_SERVICE_ERROR")]
    ExternalServiceError,
    #[serde(rename = "KAFKA_PUBLISH_ERROR")]
    KafkaPublishError,
    #[serde(rename = "CONTENT_SERVICE_ERROR")]
    ContentServiceError,
    #[serde(rename = "SPELLCHECK_SERVICE_ERROR")]
    SpellcheckServiceError,
    #[serde(rename = "NLP_SERVICE_ERROR")]
    NlpServiceError,
    #[serde(rename = "AI_FEEDBACK_SERVICE_ERROR")]
    AiFeedbackServiceError,
    #[serde(rename = "CJ_ASSESSMENT_SERVICE_ERROR")]
    CjAssessmentServiceError,
    #[serde(rename = "LLM_PROVIDER_SERVICE_ERROR")]
    LlmProviderServiceError,
    #[serde(rename = "MISSING_REQUIRED_FIELD")]
    MissingRequiredField,
    #[serde(rename = "INVALID_CONFIGURATION")]
    InvalidConfiguration,
    #[serde(rename = "TIMEOUT")]
    Timeout,
    #[serde(rename = "CONNECTION_ERROR")]
    ConnectionError,
    #[serde(rename = "SERVICE_UNAVAILABLE")]
    ServiceUnavailable,
    #[serde(rename = "RATE_LIMIT")]
    RateLimit,
    #[serde(rename = "QUOTA_EXCEEDED")]
    QuotaExceeded,
    #[serde(rename = "AUTHENTICATION_ERROR")]
    AuthenticationError,
    #[serde(rename = "AUTHORIZATION_ERROR")]
    AuthorizationError,
    #[serde(rename = "INVALID_API_KEY")]
    InvalidApiKey,
    #[serde(rename = "INVALID_REQUEST")]
    InvalidRequest,
    #[serde(rename = "INVALID_RESPONSE")]
    InvalidResponse,
    #[serde(rename = "PARSING_ERROR")]
    ParsingError,
    #[serde(rename = "CIRCUIT_BREAKER_OPEN")]
    CircuitBreakerOpen,
    #[serde(rename = "REQUEST_QUEUED")]
    RequestQueued,
    #[serde(rename = "PROCESSING_ERROR")]
    ProcessingError,
    #[serde(rename = "INITIALIZATION_FAILED")]
    InitializationFailed,
}

/// Essay comparison result values using assessment domain language.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
pub enum EssayComparisonWinner {
    #[serde(rename = "Essay A")]
    EssayA,
    #[serde(rename = "Essay B")]
    EssayB,
}

/// Fine-grained essay state machine through processing pipeline.
///
/// Tracks essay from upload through all processing phases (spellcheck, NLP, CJ, etc.).
/// Each phase has AWAITING, IN_PROGRESS, SUCCESS, FAILED states.
///
/// Terminal states: ALL_PROCESSING_COMPLETED, ESSAY_CRITICAL_FAILURE.
///
/// See: libs/common_core/docs/status-state-machines.md
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
pub enum EssayStatus {
    #[serde(rename = "uploaded")]
    Uploaded,
    #[serde(rename = "text_extracted")]
    TextExtracted,
    #[serde(rename = "content_ingesting")]
    ContentIngesting,
    #[serde(rename = "content_ingestion_failed")]
    ContentIngestionFailed,
    #[serde(rename = "ready_for_processing")]
    ReadyForProcessing,
    #[serde(rename = "awaiting_spellcheck")]
    AwaitingSpellcheck,
    #[serde(rename = "spellchecking_in_progress")]
    SpellcheckingInProgress,
    #[serde(rename = "spellchecked_success")]
    SpellcheckedSuccess,
    #[serde(rename = "spellcheck_failed")]
    SpellcheckFailed,
    #[serde(rename = "awaiting_nlp")]
    AwaitingNlp,
    #[serde(rename = "nlp_processing_in_progress")]
    NlpProcessingInProgress,
    #[serde(rename = "nlp_success")]
    NlpSuccess,
    #[serde(rename = "nlp_failed")]
    NlpFailed,
    #[serde(rename = "awaiting_ai_feedback")]
    AwaitingAiFeedback,
    #[serde(rename = "ai_feedback_processing_in_progress")]
    AiFeedbackProcessingInProgress,
    #[serde(rename = "ai_feedback_success")]
    AiFeedbackSuccess,
    #[serde(rename = "ai_feedback_failed")]
    AiFeedbackFailed,
    #[serde(rename = "awaiting_editor_revision")]
    AwaitingEditorRevision,
    #[serde(rename = "editor_revision_processing_in_progress")]
    EditorRevisionProcessingInProgress,
    #[serde(rename = "editor_revision_success")]
    EditorRevisionSuccess,
    #[serde(rename = "editor_revision_failed")]
    EditorRevisionFailed,
    #[serde(rename = "awaiting_grammar_check")]
    AwaitingGrammarCheck,
    #[serde(rename = "grammar_check_processing_in_progress")]
    GrammarCheckProcessingInProgress,
    #[serde(rename = "grammar_check_success")]
    GrammarCheckSuccess,
    #[serde(rename = "grammar_check_failed")]
    GrammarCheckFailed,
    #[serde(rename = "awaiting_cj_assessment")]
    AwaitingCjAssessment,
    #[serde(rename = "cj_assessment_processing_in_progress")]
    CjAssessmentProcessingInProgress,
    #[serde(rename = "cj_assessment_success")]
    CjAssessmentSuccess,
    #[serde(rename = "cj_assessment_failed")]
    CjAssessmentFailed,
    #[serde(rename = "all_processing_completed")]
    AllProcessingCompleted,
    #[serde(rename = "essay_critical_failure")]
    EssayCriticalFailure,
}

/// Specific error codes for file validation failures.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
pub enum FileValidationErrorCode {
    #[serde(rename = "EMPTY_CONTENT")]
    EmptyContent,
    #[serde(rename = "CONTENT_TOO_SHORT")]
    ContentTooShort,
    #[serde(rename = "CONTENT_TOO_LONG")]
    ContentTooLong,
    #[serde(rename = "RAW_STORAGE_FAILED")]
    RawStorageFailed,
    #[serde(rename = "TEXT_EXTRACTION_FAILED")]
    TextExtractionFailed,
    #[serde(rename = "ENCRYPTED_FILE_UNSUPPORTED")]
    EncryptedFileUnsupported,
    #[serde(rename = "UNKNOWN_VALIDATION_ERROR")]
    UnknownValidationError,
}

/// Identity Service domain-specific error codes.
///
/// These codes represent errors unique to authentication, user management,
/// and token operations. Generic errors like timeouts or connection failures
/// should use the base ErrorCode enum.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
pub enum IdentityErrorCode {
    #[serde(rename = "IDENTITY_INVALID_CREDENTIALS")]
    IdentityInvalidCredentials,
    #[serde(rename = "IDENTITY_USER_NOT_FOUND")]
    IdentityUserNotFound,
    #[serde(rename = "IDENTITY_USER_ALREADY_EXISTS")]
    IdentityUserAlreadyExists,
    #[serde(rename = "IDENTITY_EMAIL_NOT_VERIFIED")]
    IdentityEmailNotVerified,
    #[serde(rename = "IDENTITY_ACCOUNT_LOCKED")]
    IdentityAccountLocked,
    #[serde(rename = "IDENTITY_TOKEN_EXPIRED")]
    IdentityTokenExpired,
    #[serde(rename = "IDENTITY_TOKEN_INVALID")]
    IdentityTokenInvalid,
    #[serde(rename = "IDENTITY_REFRESH_TOKEN_INVALID")]
    IdentityRefreshTokenInvalid,
    #[serde(rename = "IDENTITY_REFRESH_TOKEN_EXPIRED")]
    IdentityRefreshTokenExpired,
    #[serde(rename = "IDENTITY_VERIFICATION_TOKEN_EXPIRED")]
    IdentityVerificationTokenExpired,
    #[serde(rename = "IDENTITY_VERIFICATION_TOKEN_INVALID")]
    IdentityVerificationTokenInvalid,
    #[serde(rename = "IDENTITY_EMAIL_ALREADY_VERIFIED")]
    IdentityEmailAlreadyVerified,
    #[serde(rename = "IDENTITY_RESET_TOKEN_EXPIRED")]
    IdentityResetTokenExpired,
    #[serde(rename = "IDENTITY_RESET_TOKEN_INVALID")]
    IdentityResetTokenInvalid,
    #[serde(rename = "IDENTITY_PASSWORD_RESET_NOT_REQUESTED")]
    IdentityPasswordResetNotRequested,
}

/// Error codes specific to LLM Provider Service.
///
/// Covers provider communication, request validation, processing,
/// and response handling errors.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
pub enum LLMErrorCode {
    #[serde(rename = "LLM_PROVIDER_UNAVAILABLE")]
    LlmProviderUnavailable,
    #[serde(rename = "LLM_PROVIDER_RATE_LIMIT")]
    LlmProviderRateLimit,
    #[serde(rename = "LLM_PROVIDER_TIMEOUT")]
    LlmProviderTimeout,
    #[serde(rename = "LLM_PROVIDER_API_ERROR")]
    LlmProviderApiError,
    #[serde(rename = "LLM_INVALID_PROMPT")]
    LlmInvalidPrompt,
    #[serde(rename = "LLM_CONTENT_TOO_LONG")]
    LlmContentTooLong,
    #[serde(rename = "LLM_INVALID_CONFIG")]
    LlmInvalidConfig,
    #[serde(rename = "LLM_QUEUE_FULL")]
    LlmQueueFull,
    #[serde(rename = "LLM_INTERNAL_ERROR")]
    LlmInternalError,
    #[serde(rename = "LLM_CALLBACK_TOPIC_MISSING")]
    LlmCallbackTopicMissing,
    #[serde(rename = "LLM_INVALID_CALLBACK_TOPIC")]
    LlmInvalidCallbackTopic,
    #[serde(rename = "LLM_PARSING_ERROR")]
    LlmParsingError,
    #[serde(rename = "LLM_INVALID_RESPONSE")]
    LlmInvalidResponse,
    #[serde(rename = "LLM_COST_LIMIT_EXCEEDED")]
    LlmCostLimitExceeded,
    #[serde(rename = "LLM_CONFIGURATION_ERROR")]
    LlmConfigurationError,
}

/// Standardized LLM provider identifiers for HuleEdu platform.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
pub enum LLMProviderType {
    #[serde(rename = "anthropic")]
    Anthropic,
    #[serde(rename = "openai")]
    Openai,
    #[serde(rename = "google")]
    Google,
    #[serde(rename = "openrouter")]
    Openrouter,
    #[serde(rename = "mock")]
    Mock,
}

/// Standardized reasons for login failure.
///
/// These values are used in LoginFailedV1 events and throughout the
/// authentication flow for consistent failure categorization.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
pub enum LoginFailureReason {
    #[serde(rename = "user_not_found")]
    UserNotFound,
    #[serde(rename = "invalid_password")]
    InvalidPassword,
    #[serde(rename = "account_locked")]
    AccountLocked,
    #[serde(rename = "email_unverified")]
    EmailUnverified,
    #[serde(rename = "rate_limit_exceeded")]
    RateLimitExceeded,
}

/// Notification priority levels for teacher notifications.
///
/// Priority determines delivery urgency and UI presentation.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
pub enum NotificationPriority {
    #[serde(rename = "critical")]
    Critical,
    #[serde(rename = "immediate")]
    Immediate,
    #[serde(rename = "high")]
    High,
    #[serde(rename = "standard")]
    Standard,
    #[serde(rename = "low")]
    Low,
}

/// All valid pipeline phase names for BOS/BCS orchestration.
///
/// The enum provides type-safe keys for ``phase_initiators_map`` definitions and
/// :class:`ProcessingPipelineState` attributes, eliminating magic strings when
/// publishing pipeline events or storing requested pipelines in BOS.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
pub enum PhaseName {
    #[serde(rename = "spellcheck")]
    Spellcheck,
    #[serde(rename = "ai_feedback")]
    AiFeedback,
    #[serde(rename = "cj_assessment")]
    CjAssessment,
    #[serde(rename = "nlp")]
    Nlp,
    #[serde(rename = "student_matching")]
    StudentMatching,
}

/// Generic processing lifecycle stages for thin events (ProcessingUpdate).
///
/// Used in state-tracking events (CJAssessmentCompletedV1, etc.). Represents
/// high-level processing outcome: success, failure, or cancellation.
///
/// terminal() returns states that end processing (COMPLETED, FAILED, CANCELLED).
/// active() returns non-terminal states (COMPLETED, INITIALIZED, PROCESSING).
///
/// See: libs/common_core/docs/dual-event-pattern.md
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
pub enum ProcessingStage {
    #[serde(rename = "pending")]
    Pending,
    #[serde(rename = "initialized")]
    Initialized,
    #[serde(rename = "processing")]
    Processing,
    #[serde(rename = "completed")]
    Completed,
    #[serde(rename = "failed")]
    Failed,
    #[serde(rename = "cancelled")]
    Cancelled,
}

/// Generic processing status (simpler than ProcessingStage).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
pub enum ProcessingStatus {
    #[serde(rename = "pending")]
    Pending,
    #[serde(rename = "in_progress")]
    InProgress,
    #[serde(rename = "completed")]
    Completed,
    #[serde(rename = "failed")]
    Failed,
}

/// Business logic specific error codes for spellchecker service operations.
///
/// Note: Common operations use generic ErrorCode enum (CONNECTION_ERROR,
/// PROCESSING_ERROR, CONTENT_SERVICE_ERROR, KAFKA_PUBLISH_ERROR, etc.)
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
pub enum SpellcheckerErrorCode {
    #[serde(rename = "SPELL_EVENT_CORRELATION_ERROR")]
    SpellEventCorrelationError,
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
pub enum SubjectType {
    #[serde(rename = "org")]
    Org,
    #[serde(rename = "user")]
    User,
}

/// Categories for WebSocket event prioritization and filtering.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
pub enum WebSocketEventCategory {
    #[serde(rename = "batch_progress")]
    BatchProgress,
    #[serde(rename = "processing_results")]
    ProcessingResults,
    #[serde(rename = "file_operations")]
    FileOperations,
    #[serde(rename = "class_management")]
    ClassManagement,
    #[serde(rename = "student_workflow")]
    StudentWorkflow,
    #[serde(rename = "system_alerts")]
    SystemAlerts,
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

/// An error code from any service's error enum. On the wire it is the code's string.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum AnyErrorCode {
    Common(ErrorCode),
    BatchConductor(BatchConductorErrorCode),
    CjAssessment(CJAssessmentErrorCode),
    ClassManagement(ClassManagementErrorCode),
    FileValidation(FileValidationErrorCode),
    Identity(IdentityErrorCode),
    Llm(LLMErrorCode),
    Spellchecker(SpellcheckerErrorCode),
}
