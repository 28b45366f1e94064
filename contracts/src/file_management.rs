use crate::prelude::*;

/// Event published when file is added to existing batch.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "batch.file.added",
    topic = "huleedu.file.batch.file.added.v1",
    version = 1,
    key = batch_id,
)]
pub struct BatchFileAddedV1 {
    #[serde(default = "default_batch_file_added_v1_event")]
    pub event: String,
    /// Batch identifier
    pub batch_id: String,
    /// Unique identifier for this file upload
    pub file_upload_id: String,
    /// Original filename
    pub filename: String,
    /// User who added the file
    pub user_id: String,
    #[serde(default = "Uuid::new_v4")]
    pub correlation_id: Uuid,
    #[serde(default = "Timestamp::now")]
    pub timestamp: Timestamp,
}

/// Event published when file is removed from batch.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "batch.file.removed",
    topic = "huleedu.file.batch.file.removed.v1",
    version = 1,
    key = batch_id,
)]
pub struct BatchFileRemovedV1 {
    #[serde(default = "default_batch_file_removed_v1_event")]
    pub event: String,
    /// Batch identifier
    pub batch_id: String,
    /// File upload identifier to remove
    pub file_upload_id: String,
    /// Original filename
    pub filename: String,
    /// User who removed the file
    pub user_id: String,
    #[serde(default = "Uuid::new_v4")]
    pub correlation_id: Uuid,
    #[serde(default = "Timestamp::now")]
    pub timestamp: Timestamp,
}

fn default_batch_file_added_v1_event() -> String {
    "batch.file.added".to_owned()
}

fn default_batch_file_removed_v1_event() -> String {
    "batch.file.removed".to_owned()
}
