//! W3C Trace Context (`traceparent`), carried in envelope metadata and in the Kafka headers.

use std::fmt;
use std::str::FromStr;

/// A parsed `traceparent` value: `00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TraceParent {
    trace_id: u128,
    parent_id: u64,
    flags: u8,
}

/// Why a `traceparent` value was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{value}` is not a W3C traceparent ({reason}); expected `00-<32 hex>-<16 hex>-<2 hex>`, e.g. `00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01`"
)]
pub struct TraceParentError {
    value: String,
    reason: &'static str,
}

impl TraceParent {
    /// A trace context; fails when either id is all zeros, which the W3C spec forbids.
    pub fn new(trace_id: u128, parent_id: u64, sampled: bool) -> Result<Self, TraceParentError> {
        let candidate = Self {
            trace_id,
            parent_id,
            flags: u8::from(sampled),
        };
        candidate.check().map(|()| candidate)
    }

    /// The 16-byte trace id as 32 lowercase hex digits.
    pub fn trace_id_hex(&self) -> String {
        format!("{:032x}", self.trace_id)
    }

    /// Whether the sampled flag is set.
    pub fn sampled(&self) -> bool {
        self.flags & 1 == 1
    }

    fn check(&self) -> Result<(), TraceParentError> {
        let reason = if self.trace_id == 0 {
            "the trace id is all zeros"
        } else if self.parent_id == 0 {
            "the parent id is all zeros"
        } else {
            return Ok(());
        };
        Err(TraceParentError {
            value: self.to_string(),
            reason,
        })
    }
}

impl fmt::Display for TraceParent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "00-{:032x}-{:016x}-{:02x}",
            self.trace_id, self.parent_id, self.flags
        )
    }
}

impl FromStr for TraceParent {
    type Err = TraceParentError;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        let fail = |reason| TraceParentError {
            value: value.to_owned(),
            reason,
        };
        let parts: Vec<&str> = value.split('-').collect();
        let [version, trace, parent, flags] = parts.as_slice() else {
            return Err(fail("it does not have four dash-separated parts"));
        };
        let lower_hex = |s: &str, len: usize| {
            s.len() == len
                && s.bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        };
        if !lower_hex(version, 2) || *version == "ff" {
            return Err(fail("the version is not two lowercase hex digits below ff"));
        }
        if *version == "00" && parts.len() != 4 {
            return Err(fail("version 00 has exactly four parts"));
        }
        if !lower_hex(trace, 32) {
            return Err(fail("the trace id is not 32 lowercase hex digits"));
        }
        if !lower_hex(parent, 16) {
            return Err(fail("the parent id is not 16 lowercase hex digits"));
        }
        if !lower_hex(flags, 2) {
            return Err(fail("the flags are not two lowercase hex digits"));
        }
        let parsed = Self {
            trace_id: u128::from_str_radix(trace, 16).map_err(|_| fail("bad trace id"))?,
            parent_id: u64::from_str_radix(parent, 16).map_err(|_| fail("bad parent id"))?,
            flags: u8::from_str_radix(flags, 16).map_err(|_| fail("bad flags"))?,
        };
        parsed.check().map_err(|e| TraceParentError {
            value: value.to_owned(),
            ..e
        })?;
        Ok(parsed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_example_round_trips() {
        let text = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        let tp: TraceParent = text.parse().unwrap();
        assert_eq!(tp.to_string(), text);
        assert!(tp.sampled());
        assert_eq!(tp.trace_id_hex(), "4bf92f3577b34da6a3ce929d0e0e4736");
    }

    #[test]
    fn malformed_values_are_rejected() {
        for bad in [
            "",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
        ] {
            assert!(bad.parse::<TraceParent>().is_err(), "{bad:?} accepted");
        }
        assert!(TraceParent::new(0, 1, true).is_err());
    }
}
