use crate::prelude::*;

/// Email verification request event data.
///
/// Producer: Identity Service
/// Consumer: Email Service (sends verification email)
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "identity.email.verification.requested",
    topic = "huleedu.identity.email.verification.requested.v1",
    version = 1,
    key = user_id,
)]
pub struct EmailVerificationRequestedV1 {
    pub user_id: String,
    #[schemars(email)]
    pub email: String,
    pub verification_token: String,
    pub expires_at: Timestamp,
    pub correlation_id: String,
}

/// Email verification completion event data.
///
/// Producer: Identity Service
/// Consumers: Entitlements Service (activate account), Analytics
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "identity.email.verified",
    topic = "huleedu.identity.email.verified.v1",
    version = 1,
    key = user_id,
)]
pub struct EmailVerifiedV1 {
    pub user_id: String,
    pub verified_at: Timestamp,
    pub correlation_id: String,
}

/// Failed login attempt event data.
///
/// Producer: Identity Service
/// Consumers: Security monitoring, Rate limiting
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "identity.login.failed",
    topic = "huleedu.identity.login.failed.v1",
    version = 1,
    key_fn = crate::keys::login_email,
)]
pub struct LoginFailedV1 {
    #[schemars(email)]
    pub email: String,
    pub reason: LoginFailureReason,
    pub timestamp: Timestamp,
    pub correlation_id: String,
}

/// Successful login event data.
///
/// Producer: Identity Service
/// Consumers: Analytics, Audit logging
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "identity.login.succeeded",
    topic = "huleedu.identity.login.succeeded.v1",
    version = 1,
    key = user_id,
)]
pub struct LoginSucceededV1 {
    pub user_id: String,
    pub org_id: Option<String>,
    pub timestamp: Timestamp,
    pub correlation_id: String,
}

/// Password reset completion event data.
///
/// Producer: Identity Service
/// Consumers: Analytics, Audit logging
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "identity.password.reset.completed",
    topic = "huleedu.identity.password.reset.completed.v1",
    version = 1,
    key = user_id,
)]
pub struct PasswordResetCompletedV1 {
    pub user_id: String,
    pub reset_at: Timestamp,
    pub correlation_id: String,
}

/// Password reset request event data.
///
/// Producer: Identity Service
/// Consumer: Email Service (sends reset email)
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "identity.password.reset.requested",
    topic = "huleedu.identity.password.reset.requested.v1",
    version = 1,
    key = user_id,
)]
pub struct PasswordResetRequestedV1 {
    pub user_id: String,
    #[schemars(email)]
    pub email: String,
    pub token_id: String,
    pub expires_at: Timestamp,
    pub correlation_id: String,
}

/// User registration event data.
///
/// Producer: Identity Service
/// Consumers: Email Service (welcome email), Entitlements Service (create quota)
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "identity.user.registered",
    topic = "huleedu.identity.user.registered.v1",
    version = 1,
    key = user_id,
)]
pub struct UserRegisteredV1 {
    pub user_id: String,
    pub org_id: Option<String>,
    #[schemars(email)]
    pub email: String,
    pub registered_at: Timestamp,
    pub correlation_id: String,
}
