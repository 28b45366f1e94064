//! Operational metadata attached to state events.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tidings::{Timestamp, Untyped};

use crate::status::ProcessingStage;

/// Operational context of an event's creation: which entity, which stage, and what went wrong.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SystemProcessingMetadata {
    /// The entity this metadata describes.
    pub entity_id: String,
    /// Kind of entity (`essay`, `batch`, …).
    pub entity_type: String,
    /// The parent entity, e.g. the batch of an essay.
    pub parent_id: Option<String>,
    /// When the metadata was recorded.
    #[serde(default = "Timestamp::now")]
    pub timestamp: Timestamp,
    /// Stage of the operation.
    pub processing_stage: Option<ProcessingStage>,
    /// When processing started.
    pub started_at: Option<Timestamp>,
    /// When processing ended.
    pub completed_at: Option<Timestamp>,
    /// Free-text event label. Producers write event names here but also ad-hoc strings such as
    /// `results_ready`, so it is not the catalogue enum.
    pub event: Option<String>,
    /// What went wrong; empty on success.
    #[serde(default)]
    pub error_info: ErrorInfo,
}

/// Error summary recorded by a failing producer.
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
