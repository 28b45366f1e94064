use crate::prelude::*;

/// Universal teacher notification event.
///
/// Services emit this event when they determine a teacher needs to be notified.
/// The WebSocket service consumes ONLY these events, not internal domain events.
///
/// Security: The emitting service MUST verify the teacher owns the related resources
/// before emitting this event. WebSocket service trusts the teacher_id provided.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "teacher.notification.requested",
    topic = "huleedu.notification.teacher.requested.v1",
    version = 1,
    key = teacher_id,
)]
pub struct TeacherNotificationRequestedV1 {
    /// Teacher to notify (already authorized)
    pub teacher_id: String,
    /// One of the 15 defined notification types
    pub notification_type: String,
    /// UI category for grouping
    pub category: WebSocketEventCategory,
    /// Delivery priority
    pub priority: NotificationPriority,
    /// Type-specific notification data
    #[schemars(extend("x-tidings-untyped" = "the shape depends on notification_type and is rendered by the websocket service as-is"))]
    pub payload: Untyped,
    /// Teacher action needed
    #[serde(default)]
    pub action_required: bool,
    /// Action deadline
    pub deadline_timestamp: Option<Timestamp>,
    /// Links to originating internal event
    pub correlation_id: String,
    /// Related batch if applicable
    pub batch_id: Option<String>,
    /// Related class if applicable
    pub class_id: Option<String>,
    #[serde(default = "Timestamp::now")]
    pub timestamp: Timestamp,
}
