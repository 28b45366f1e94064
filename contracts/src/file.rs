use crate::prelude::*;

/// Event indicating file content has been extracted and stored.
///
/// Publisher: File Service
/// Consumer: Essay Lifecycle Service (ELS)
/// Topic: essay.content.provisioned
/// Handler: ELS - DefaultBatchCoordinationHandler.handle_essay_content_provisioned()
///
/// Flow (all batches):
/// 1. Client uploads file via API to File Service
/// 2. File Service extracts text content and stores in Content Service
/// 3. File Service publishes this event
/// 4. ELS assigns content to available essay slot
/// 5. When all slots filled, ELS publishes BatchContentProvisioningCompletedV1
///
/// This event decouples File Service from internal essay ID management.
/// File Service simply announces that content has been provisioned for a batch.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "essay.content.provisioned",
    topic = "huleedu.file.essay.content.provisioned.v1",
    version = 1,
    key = entity_id,
)]
pub struct EssayContentProvisionedV1 {
    /// Event type identifier
    #[serde(default = "default_essay_content_provisioned_v1_event")]
    pub event: String,
    /// Batch identifier this content belongs to
    pub entity_id: String,
    /// Unique identifier for this file upload
    pub file_upload_id: String,
    /// Original uploaded file name
    pub original_file_name: String,
    /// Storage ID of the original, unmodified raw file blob.
    pub raw_file_storage_id: String,
    /// Content Service storage ID for extracted text
    pub text_storage_id: String,
    /// Size of processed file in bytes
    pub file_size_bytes: i64,
    /// MD5 hash of file content
    pub content_md5_hash: Option<String>,
    /// Request correlation ID
    #[serde(default = "Uuid::new_v4")]
    pub correlation_id: Uuid,
    #[serde(default = "Timestamp::now")]
    pub timestamp: Timestamp,
}

/// Event published when file content validation fails.
///
/// Enables ELS to adjust slot expectations and BOS to track
/// actual vs expected essay counts for informed pipeline decisions.
/// This event is critical for maintaining BOS/ELS coordination when
/// validation prevents files from reaching content storage.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "essay.validation.failed",
    topic = "huleedu.file.essay.validation.failed.v1",
    version = 1,
    key = entity_id,
)]
pub struct EssayValidationFailedV1 {
    /// Event type identifier
    #[serde(default = "default_essay_validation_failed_v1_event")]
    pub event: String,
    /// Batch identifier this failed validation belongs to
    pub entity_id: String,
    /// Unique identifier for this file upload
    pub file_upload_id: String,
    /// Name of the file that failed validation
    pub original_file_name: String,
    /// Storage ID of the raw file blob that failed validation.
    pub raw_file_storage_id: String,
    /// Specific validation error code from FileValidationErrorCode enum
    pub validation_error_code: FileValidationErrorCode,
    /// Structured error detail with context
    pub validation_error_detail: ErrorDetail,
    /// Size of the failed file for metrics and analysis
    pub file_size_bytes: i64,
    /// Request correlation ID
    #[serde(default = "Uuid::new_v4")]
    pub correlation_id: Uuid,
    /// Validation failure timestamp
    #[serde(default = "Timestamp::now")]
    pub timestamp: Timestamp,
}

fn default_essay_content_provisioned_v1_event() -> String {
    "essay.content.provisioned".to_owned()
}

fn default_essay_validation_failed_v1_event() -> String {
    "essay.validation.failed".to_owned()
}
