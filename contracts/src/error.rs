use crate::prelude::*;

/// The canonical, PURE data model for an error in the HuleEdu platform.
/// This model contains only data fields and no behavior.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ErrorDetail {
    pub error_code: AnyErrorCode,
    pub message: String,
    pub correlation_id: Uuid,
    pub timestamp: Timestamp,
    pub service: String,
    pub operation: String,
    #[serde(default)]
    #[schemars(extend("x-tidings-untyped" = "the keys depend on the error code; each raising site attaches its own context"))]
    pub details: Untyped,
    pub stack_trace: Option<String>,
    pub trace_id: Option<String>,
    pub span_id: Option<String>,
}
