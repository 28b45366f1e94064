use crate::prelude::*;

/// Event payload for LLM comparison results delivered via callback.
/// Supports both success and error scenarios.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "llm_provider.comparison_result",
    topic = "huleedu.llm_provider.comparison_result.v1",
    version = 1,
    key = request_id,
)]
#[schemars(transform = tidings::rules::exactly_one_of(&["winner", "error_detail"]))]
#[schemars(transform = tidings::rules::required_with("winner", &["justification", "confidence"]))]
pub struct LLMComparisonResultV1 {
    /// Original queue ID from LLM Provider Service
    pub request_id: String,
    /// Correlation ID for distributed tracing
    pub correlation_id: Uuid,
    /// Selected essay: 'essay_a' or 'essay_b'
    pub winner: Option<EssayComparisonWinner>,
    /// Justification for the decision
    #[schemars(length(max = 500))]
    pub justification: Option<String>,
    /// Confidence score (1-5)
    #[schemars(range(min = 1.0, max = 5.0))]
    pub confidence: Option<f64>,
    /// Structured error information if comparison failed
    pub error_detail: Option<ErrorDetail>,
    /// Provider used for comparison
    pub provider: LLMProviderType,
    /// Model name/version used
    pub model: String,
    /// Total processing time in milliseconds
    #[schemars(range(min = 0))]
    pub response_time_ms: i64,
    /// Token usage breakdown
    #[serde(default)]
    pub token_usage: TokenUsage,
    /// Estimated cost in USD
    #[schemars(range(min = 0.0))]
    pub cost_estimate: f64,
    /// When request was originally submitted
    pub requested_at: Timestamp,
    /// When processing completed
    pub completed_at: Timestamp,
    /// Distributed trace ID
    pub trace_id: Option<String>,
    /// Opaque CJ-supplied metadata echoed back in callbacks. Must always include `essay_a_id`/`essay_b_id` for correlation; `bos_batch_id`, `prompt_sha256`, and future batching hints are additive.
    #[serde(default)]
    pub request_metadata: ComparisonRequestMetadata,
}

/// Event published when cost threshold is exceeded.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "llm_provider.cost.alert",
    topic = "huleedu.llm_provider.cost_alert.v1",
    version = 1,
    key = alert_type,
)]
pub struct LLMCostAlertV1 {
    pub alert_type: String,
    pub provider: Option<LLMProviderType>,
    pub current_cost: f64,
    pub threshold: f64,
    pub period: String,
    #[serde(default)]
    pub metadata: CostAlertMetadata,
}

/// Event for downstream cost aggregation and billing (Result Aggregator Service).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "llm_provider.cost.tracking",
    topic = "huleedu.llm_provider.cost_tracking.v1",
    version = 1,
    key = correlation_id,
)]
pub struct LLMCostTrackingV1 {
    pub correlation_id: Uuid,
    pub provider: LLMProviderType,
    pub model: String,
    pub request_type: String,
    pub cost_estimate_usd: f64,
    pub token_usage: IndexMap<String, i64>,
    pub user_id: Option<String>,
    pub organization_id: Option<String>,
    pub service_name: String,
    pub request_timestamp: Timestamp,
    pub response_time_ms: i64,
    #[serde(default)]
    pub metadata: LlmRequestMetadata,
}

/// Event published when LLM provider experiences failure.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "llm_provider.failure",
    topic = "huleedu.llm_provider.failure.v1",
    version = 1,
    key = correlation_id,
)]
pub struct LLMProviderFailureV1 {
    pub provider: LLMProviderType,
    pub failure_type: String,
    pub correlation_id: Uuid,
    pub error_details: String,
    #[serde(default)]
    pub circuit_breaker_opened: bool,
    #[serde(default)]
    pub metadata: LlmRequestMetadata,
}

/// Event published when LLM request completes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "llm_provider.request.completed",
    topic = "huleedu.llm_provider.request_completed.v1",
    version = 1,
    key = correlation_id,
)]
pub struct LLMRequestCompletedV1 {
    pub provider: LLMProviderType,
    pub request_type: String,
    pub correlation_id: Uuid,
    pub success: bool,
    pub response_time_ms: i64,
    pub error_message: Option<String>,
    pub token_usage: Option<IndexMap<String, i64>>,
    pub cost_estimate: Option<f64>,
    #[serde(default)]
    pub metadata: LlmRequestMetadata,
}

/// Event published when LLM request begins.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "llm_provider.request.started",
    topic = "huleedu.llm_provider.request_started.v1",
    version = 1,
    key = correlation_id,
)]
pub struct LLMRequestStartedV1 {
    pub provider: LLMProviderType,
    pub request_type: String,
    pub correlation_id: Uuid,
    pub user_id: Option<String>,
    #[serde(default)]
    pub metadata: LlmRequestMetadata,
}

/// Periodic analytics event for LLM usage.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "llm_provider.usage.analytics",
    topic = "huleedu.llm_provider.usage_analytics.v1",
    version = 1,
    key_fn = crate::keys::usage_period,
)]
pub struct LLMUsageAnalyticsV1 {
    pub period_start: Timestamp,
    pub period_end: Timestamp,
    pub provider_stats: IndexMap<String, ProviderStats>,
    pub total_requests: i64,
    pub successful_requests: i64,
    pub failed_requests: i64,
    pub total_tokens: IndexMap<String, i64>,
    pub total_cost: f64,
    pub average_response_time_ms: f64,
    #[serde(default)]
    pub metadata: UsageAnalyticsMetadata,
}

/// Token usage breakdown for LLM operations.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TokenUsage {
    /// Number of tokens in the prompt
    #[serde(default)]
    #[schemars(range(min = 0))]
    pub prompt_tokens: i64,
    /// Number of tokens in the completion
    #[serde(default)]
    #[schemars(range(min = 0))]
    pub completion_tokens: i64,
    /// Total number of tokens used
    #[serde(default)]
    #[schemars(range(min = 0))]
    pub total_tokens: i64,
}

/// Context of an LLM request, as the provider service records it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LlmRequestMetadata {
    /// Kind of request, e.g. `comparison`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_type: Option<String>,
    /// Model name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Id of the queued request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue_id: Option<String>,
    /// Batch the request serves.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bos_batch_id: Option<String>,
    /// When the failure was observed, as the provider wrote it (Python `isoformat()`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<String>,
}

/// Identifies the comparison an LLM result belongs to.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ComparisonRequestMetadata {
    /// First essay of the pair.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub essay_a_id: Option<String>,
    /// Second essay of the pair.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub essay_b_id: Option<String>,
    /// Batch the comparison serves.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bos_batch_id: Option<String>,
    /// SHA-256 of the prompt sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt_sha256: Option<String>,
}

/// Context of a cost alert.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CostAlertMetadata {
    /// Currency of the amounts, e.g. `USD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
}

/// Context of a usage report.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct UsageAnalyticsMetadata {
    /// Aggregation window, e.g. `hourly`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aggregation: Option<String>,
}

/// One provider's share of a usage report.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ProviderStats {
    /// Requests sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requests: Option<i64>,
    /// Requests that failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failures: Option<i64>,
    /// Mean response time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avg_response_time_ms: Option<f64>,
}
