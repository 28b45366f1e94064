//! Partition-key functions for events whose key is not a plain field.

use crate::identity::LoginFailedV1;
use crate::llm_provider::LLMUsageAnalyticsV1;

/// Usage reports are keyed by their period, so reports for the same window stay in order.
pub fn usage_period(event: &LLMUsageAnalyticsV1) -> String {
    format!("{}/{}", event.period_start, event.period_end)
}

/// Failed logins are keyed by the attempted email, hashed: keys show up in broker tools and logs,
/// and an email is personal data. FNV-1a (64 bit) over the trimmed, lowercased address is stable
/// across releases and platforms, so every attempt on one address lands on one partition.
pub fn login_email(event: &LoginFailedV1) -> String {
    let normalized = event.email.trim().to_lowercase();
    let hash = normalized
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
        });
    format!("email-{hash:016x}")
}
