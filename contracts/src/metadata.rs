use crate::prelude::*;

/// Standard essay reference for processing service requests.
///
/// Minimal general-purpose contract used across ALL processing services
/// (CJ, NLP, Spellcheck, AI Feedback). Contains essay_id and text_storage_id
/// (Content Service reference).
///
/// Specialized services define extended contracts when additional metadata needed
/// (e.g., AIFeedbackInputDataV1 adds student_id, class_context).
///
/// Producer: Essay Lifecycle Service (ELS)
/// Consumers: All processing services
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct EssayProcessingInputRefV1 {
    /// Unique essay identifier
    pub essay_id: String,
    /// Content Service storage_id for essay text
    pub text_storage_id: String,
    /// Spellcheck metrics from Phase 2 (error_count, correction_count). Available for downstream services after spellcheck completes.
    pub spellcheck_metrics: Option<SpellcheckMetricsV1>,
}

/// References to Content Service for large payloads (>50KB).
///
/// Pattern for handling event data >50KB. Store data in Content Service,
/// include storage_id reference in event instead of inline data.
///
/// Multiple ContentType references can exist in single instance. Each reference
/// contains storage_id (required) and path_hint (optional debugging aid).
///
/// Usage:
/// storage_ref = StorageReferenceMetadata()
/// storage_ref.add_reference(
/// ContentType.CJ_RESULTS_JSON, storage_id, "cj/batch_123/results.json"
/// )
/// event_data.results_ref = storage_ref
///
/// Retrieval:
/// ref = event.results_ref.references[ContentType.CJ_RESULTS_JSON]
/// data = await content_service.fetch(ref["storage_id"], correlation_id)
///
/// See: libs/common_core/docs/storage-references.md
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct StorageReferenceMetadata {
    /// ContentType to {"storage_id": str, "path": str} mapping. storage_id required, path optional.
    #[serde(default)]
    pub references: IndexMap<ContentType, StorageRef>,
}

/// Processing state metadata for thin events (ProcessingUpdate).
///
/// Tracks processing lifecycle: timestamps, stage, errors. Used in thin events
/// for state management (ELS, BOS). Contains NO business data.
///
/// error_info structure:
/// {
/// "error_code": str,      # From ErrorCode or service-specific enum
/// "error_message": str,   # Human-readable description
/// "error_type": str,      # Exception class name
/// "context": dict         # Optional additional context
/// }
///
/// See: libs/common_core/docs/error-patterns.md
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SystemProcessingMetadata {
    /// ID of entity being processed (batch_id, essay_id, etc.)
    pub entity_id: String,
    /// Entity type (batch, essay, job, etc.)
    pub entity_type: String,
    /// Parent entity ID if hierarchical
    pub parent_id: Option<String>,
    /// Metadata creation timestamp UTC
    #[serde(default = "Timestamp::now")]
    pub timestamp: Timestamp,
    /// Current processing stage (PENDING, PROCESSING, COMPLETED, FAILED, etc.)
    pub processing_stage: Option<ProcessingStage>,
    /// Processing start timestamp UTC
    pub started_at: Option<Timestamp>,
    /// Processing completion timestamp UTC
    pub completed_at: Option<Timestamp>,
    /// Event name string from ProcessingEvent enum value
    pub event: Option<String>,
    /// Error details on failure: error_code, error_message, error_type, context. See docs/error-patterns.md
    #[serde(default)]
    pub error_info: ErrorInfo,
}

/// Where one piece of content lives in the content service.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct StorageRef {
    /// Content-service storage id.
    pub storage_id: String,
    /// Path inside the store, when the producer records one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

/// Error summary recorded by a failing producer; empty on success.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ErrorInfo {
    /// Machine-readable error code, e.g. `CJ_INSUFFICIENT_COMPARISONS`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    /// Human-readable message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
    /// Exception class that carried the error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_type: Option<String>,
    /// Details that differ per error code.
    #[serde(default, skip_serializing_if = "Untyped::is_empty")]
    #[schemars(extend("x-tidings-untyped" = "each error code attaches different context keys; producers build it ad hoc"))]
    pub context: Untyped,
}

/// Counts of a batch-level processing run, for state management.
///
/// Typed from what the CJ and NLP services write; every key is optional because the Python model
/// is an open dict.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ProcessingSummary {
    /// Essays in the run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_essays: Option<i64>,
    /// Essays processed successfully.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub successful: Option<i64>,
    /// Essays that failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed: Option<i64>,
    /// Ids of the successful essays.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub successful_essay_ids: Option<Vec<String>>,
    /// Ids of the failed essays.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed_essay_ids: Option<Vec<String>>,
    /// Wall-clock duration of the run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub processing_time_seconds: Option<f64>,
    /// Whether the batch had a single essay (CJ needs pairs, so it is graded differently).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub single_essay_batch: Option<bool>,
}

/// A person's name. `legal_full_name`, when absent or null, is filled with `first_name` and
/// `last_name` joined by a space, trimmed: a consumer never sees it empty (HuleEdu's
/// before-validator, `common_core/metadata_models.py`; here `tidings::rules::filled_from`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(transform = tidings::rules::filled_from("legal_full_name", &["first_name", "last_name"]))]
pub struct PersonNameV1 {
    /// Given name.
    pub first_name: String,
    /// Family name.
    pub last_name: String,
    /// The full legal name; filled from the first and last names when absent or null.
    #[serde(default)]
    pub legal_full_name: Option<String>,
}
