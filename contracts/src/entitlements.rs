use crate::prelude::*;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "entitlements.credit.balance.changed",
    topic = "huleedu.entitlements.credit.balance.changed.v1",
    version = 1,
    key = subject.id,
)]
pub struct CreditBalanceChangedV1 {
    pub subject: SubjectRefV1,
    pub delta: i64,
    pub new_balance: i64,
    pub reason: String,
    pub correlation_id: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "entitlements.rate_limit.exceeded",
    topic = "huleedu.entitlements.rate_limit.exceeded.v1",
    version = 1,
    key = subject.id,
)]
pub struct RateLimitExceededV1 {
    pub subject: SubjectRefV1,
    pub metric: String,
    pub limit: i64,
    pub window_seconds: i64,
    pub correlation_id: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "entitlements.resource.access.granted",
    topic = "huleedu.entitlements.resource.access.granted.v1",
    version = 1,
    key = resource_id,
)]
pub struct ResourceAccessGrantedV1 {
    pub resource_id: String,
    pub subject: Option<SubjectRefV1>,
    pub email_hash: Option<String>,
    #[serde(default = "default_resource_access_granted_v1_rights")]
    pub rights: Vec<String>,
    pub expires_at: Option<Timestamp>,
    pub correlation_id: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SubjectRefV1 {
    pub r#type: SubjectType,
    pub id: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "entitlements.subscription.activated",
    topic = "huleedu.entitlements.subscription.activated.v1",
    version = 1,
    key = subject.id,
)]
pub struct SubscriptionActivatedV1 {
    pub subject: SubjectRefV1,
    pub plan_id: String,
    pub activated_at: Timestamp,
    pub correlation_id: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "entitlements.subscription.canceled",
    topic = "huleedu.entitlements.subscription.canceled.v1",
    version = 1,
    key = subject.id,
)]
pub struct SubscriptionCanceledV1 {
    pub subject: SubjectRefV1,
    pub plan_id: String,
    pub canceled_at: Timestamp,
    pub correlation_id: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "entitlements.subscription.changed",
    topic = "huleedu.entitlements.subscription.changed.v1",
    version = 1,
    key = subject.id,
)]
pub struct SubscriptionChangedV1 {
    pub subject: SubjectRefV1,
    pub old_plan_id: Option<String>,
    pub new_plan_id: String,
    pub changed_at: Timestamp,
    pub correlation_id: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "entitlements.usage.authorized",
    topic = "huleedu.entitlements.usage.authorized.v1",
    version = 1,
    key = subject.id,
)]
pub struct UsageAuthorizedV1 {
    pub subject: SubjectRefV1,
    pub metric: String,
    #[serde(default = "default_usage_authorized_v1_amount")]
    pub amount: i64,
    pub authorization_id: String,
    pub expires_at: Option<Timestamp>,
    pub correlation_id: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "entitlements.usage.recorded",
    topic = "huleedu.entitlements.usage.recorded.v1",
    version = 1,
    key = subject.id,
)]
pub struct UsageRecordedV1 {
    pub subject: SubjectRefV1,
    pub metric: String,
    #[serde(default = "default_usage_recorded_v1_amount")]
    pub amount: i64,
    pub period_start: Timestamp,
    pub period_end: Timestamp,
    pub correlation_id: String,
}

fn default_resource_access_granted_v1_rights() -> Vec<String> {
    vec!["read".to_owned()]
}

fn default_usage_authorized_v1_amount() -> i64 {
    1
}

fn default_usage_recorded_v1_amount() -> i64 {
    1
}
