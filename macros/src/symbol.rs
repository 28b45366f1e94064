//! Attribute names, in one place.

pub const EVENT: &str = "event";

pub const NAME: &str = "name";
pub const TOPIC: &str = "topic";
pub const VERSION: &str = "version";
pub const KEY: &str = "key";
pub const KEY_FALLBACK: &str = "key_fallback";
pub const KEY_FN: &str = "key_fn";
pub const COMPATIBILITY: &str = "compatibility";
pub const CLEANUP_POLICY: &str = "cleanup_policy";
pub const RETENTION_MS: &str = "retention_ms";
pub const PARTITIONS: &str = "partitions";
pub const REPLICATION_FACTOR: &str = "replication_factor";
pub const NAMESPACE: &str = "namespace";
pub const RICH: &str = "rich";

/// Every attribute `#[event(...)]` accepts, in the order the docs list them.
pub const ALL: [&str; 13] = [
    NAME,
    TOPIC,
    VERSION,
    KEY,
    KEY_FALLBACK,
    KEY_FN,
    COMPATIBILITY,
    CLEANUP_POLICY,
    RETENTION_MS,
    PARTITIONS,
    REPLICATION_FACTOR,
    NAMESPACE,
    RICH,
];

/// Compatibility modes as written in the attribute.
pub const COMPATIBILITY_MODES: [(&str, &str); 7] = [
    ("none", "None"),
    ("backward", "Backward"),
    ("backward_transitive", "BackwardTransitive"),
    ("forward", "Forward"),
    ("forward_transitive", "ForwardTransitive"),
    ("full", "Full"),
    ("full_transitive", "FullTransitive"),
];

/// Cleanup policies as written in the attribute.
pub const CLEANUP_POLICIES: [(&str, &str); 4] = [
    ("delete", "Delete"),
    ("compact", "Compact"),
    ("compact,delete", "CompactDelete"),
    ("delete,compact", "CompactDelete"),
];
