//! Retry delays: exponential, capped, with jitter so that rows failing together do not retry
//! together.

use std::time::Duration;

/// Exponential backoff with "equal jitter": half the delay is fixed, half random.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// Delay after the first failure (before jitter).
    pub base: Duration,
    /// Upper bound of any delay.
    pub cap: Duration,
}

impl Backoff {
    /// The delay before attempt `attempts + 1`, after `attempts` failures (at least 1). `unit` is a
    /// random number in [0, 1).
    pub fn delay(&self, attempts: u32, unit: f64) -> Duration {
        let exponent = attempts.saturating_sub(1).min(30);
        let full = self.base.saturating_mul(1 << exponent).min(self.cap);
        full / 2 + full.mul_f64(unit.clamp(0.0, 1.0) / 2.0)
    }
}

/// A random number in [0, 1), from the OS generator behind UUID v4.
pub fn random_unit() -> f64 {
    (uuid::Uuid::new_v4().as_u128() as u64 >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_then_cap_and_stay_within_jitter_bounds() {
        let backoff = Backoff {
            base: Duration::from_millis(100),
            cap: Duration::from_secs(2),
        };
        let expected_full = [100, 200, 400, 800, 1600, 2000, 2000];
        for (i, full) in expected_full.iter().enumerate() {
            let attempts = i as u32 + 1;
            assert_eq!(
                backoff.delay(attempts, 0.0),
                Duration::from_millis(full / 2)
            );
            assert_eq!(backoff.delay(attempts, 1.0), Duration::from_millis(*full));
        }
        assert!(
            (0..1000)
                .map(|_| random_unit())
                .all(|u| (0.0..1.0).contains(&u))
        );
    }
}
