use crate::prelude::*;

/// Email delivery failure event for error handling and monitoring.
///
/// **Producer service**: Email Service.
///
/// **Consumer services**: Analytics, error handling systems,
/// Monitoring/Alerting pipelines.
///
/// **Topic**: ``huleedu.email.delivery.failed.v1``
///
/// Published when Email Service fails to deliver via the configured provider.
/// Triggers retry logic, alerting, and provider reliability monitoring.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "email.delivery_failed",
    topic = "huleedu.email.delivery_failed.v1",
    version = 1,
    key = message_id,
)]
pub struct EmailDeliveryFailedV1 {
    /// Message identifier from original NotificationEmailRequestedV1. Links request to failure event.
    pub message_id: String,
    /// External email provider that failed (e.g., resend, sendgrid). For provider reliability analysis.
    pub provider: String,
    /// Timestamp when delivery failure occurred. UTC timezone.
    pub failed_at: Timestamp,
    /// Failure reason from provider (e.g., invalid email, rate limit, provider error). For error analysis and retry logic.
    pub reason: String,
    /// Distributed tracing ID from original request. Enables end-to-end error correlation.
    pub correlation_id: String,
}

/// Email successfully sent confirmation event.
///
/// **Producer service**: Email Service.
///
/// **Consumer services**: Analytics, Audit logging, Result Aggregator
/// pipelines that track notification SLAs.
///
/// **Topic**: ``huleedu.email.sent.v1``
///
/// Published after Email Service receives success confirmation from the external
/// provider. Used for analytics, billing tracking, and audit trails, and it
/// allows clients to correlate request-to-delivery using ``message_id`` and
/// ``correlation_id``.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "email.sent",
    topic = "huleedu.email.sent.v1",
    version = 1,
    key = message_id,
)]
pub struct EmailSentV1 {
    /// Message identifier from original NotificationEmailRequestedV1. Links request to delivery confirmation.
    pub message_id: String,
    /// External email provider used (e.g., resend, sendgrid). For analytics and provider reliability tracking.
    pub provider: String,
    /// Timestamp when email was successfully sent by provider. UTC timezone.
    pub sent_at: Timestamp,
    /// Distributed tracing ID from original request. Enables end-to-end correlation.
    pub correlation_id: String,
}

/// Email send request event for transactional notifications.
///
/// **Producer services**: Identity Service, Class Management Service,
/// Batch Orchestrator Service, or any service that needs transactional email.
///
/// **Consumer service**: Email Service.
///
/// **Topic**: ``huleedu.email.notification.requested.v1``
///
/// Workflow:
/// 1. Service publishes :class:`NotificationEmailRequestedV1` to Kafka.
/// 2. Email Service consumes the event and sends via external provider (Resend,
/// SendGrid, etc.).
/// 3. Email Service publishes :class:`EmailSentV1` or
/// :class:`EmailDeliveryFailedV1` based on provider response.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "email.notification.requested",
    topic = "huleedu.email.notification.requested.v1",
    version = 1,
    key = message_id,
)]
pub struct NotificationEmailRequestedV1 {
    /// Unique message identifier for idempotency and tracking. Generate with uuid4().
    pub message_id: String,
    /// Email template identifier recognized by Email Service. Templates define subject, HTML body, and variable placeholders.
    pub template_id: String,
    /// Recipient email address. Validated by Pydantic EmailStr.
    #[schemars(email)]
    pub to: String,
    /// Template variables for email personalization (e.g., user_name, verification_link). Keys match template placeholders.
    #[serde(default)]
    pub variables: IndexMap<String, String>,
    /// Email category for analytics and filtering. Determines email priority and handling rules.
    pub category: EmailCategory,
    /// Distributed tracing ID. MUST propagate from originating request for end-to-end correlation.
    pub correlation_id: String,
}
