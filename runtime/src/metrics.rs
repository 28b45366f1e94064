//! Metric names, in one place. tidings records through the `metrics` facade; install any recorder
//! (with the `prometheus` feature, [`install_prometheus`] serves them over HTTP).

/// Gauge: rows waiting to be published.
pub const OUTBOX_DEPTH: &str = "outbox_depth";
/// Gauge: age in seconds of the oldest pending row.
pub const OUTBOX_OLDEST_PENDING_AGE_SECONDS: &str = "outbox_oldest_pending_age_seconds";
/// Counter: rows published and acknowledged by the broker.
pub const OUTBOX_PUBLISHED_TOTAL: &str = "outbox_published_total";
/// Counter: failed publish attempts.
pub const OUTBOX_FAILED_TOTAL: &str = "outbox_failed_total";
/// Counter: rows moved to the dead state.
pub const OUTBOX_DEAD_TOTAL: &str = "outbox_dead_total";
/// Counter: rows enqueued.
pub const OUTBOX_ENQUEUED_TOTAL: &str = "outbox_enqueued_total";
/// Counter: payloads above the size target (a warning, not an error).
pub const OUTBOX_PAYLOAD_OVER_TARGET_TOTAL: &str = "outbox_payload_over_target_total";
/// Histogram: rows per relay batch.
pub const OUTBOX_BATCH_SIZE: &str = "outbox_batch_size";
/// Histogram: seconds from sending a batch to the last acknowledgement.
pub const OUTBOX_PUBLISH_LATENCY_SECONDS: &str = "outbox_publish_latency_seconds";
/// Counter: relay work that failed on the database, by `stage`: `batch` (claiming or marking a
/// batch), `settle`, `lease` (refreshing the shard leases), `depth`, `cleanup`. The error is in
/// the log. Rows stay pending and are retried.
pub const OUTBOX_RELAY_ERRORS_TOTAL: &str = "outbox_relay_errors_total";
/// Counter: relay batches whose records failed because their topic does not exist on the
/// cluster, labelled `topic`; the error log says the same.
pub const OUTBOX_TOPIC_MISSING_TOTAL: &str = "outbox_topic_missing_total";
/// Counter: records received without a required standard header.
pub const KAFKA_EVENT_HEADERS_MISSING_TOTAL: &str = "kafka_event_headers_missing_total";
/// Counter: consumed records with a standard header that is malformed (`problem="malformed"`) or
/// contradicts the body (`problem="contradicting"`), labelled `topic`, `header` and `problem`.
/// The record is still read from its body.
pub const KAFKA_EVENT_HEADERS_INVALID_TOTAL: &str = "kafka_event_headers_invalid_total";
/// Counter: errors the Kafka consumer reported (broker connection, decompression, …), labelled
/// `consumer_group`; the error is in the log.
pub const KAFKA_CONSUMER_ERRORS_TOTAL: &str = "kafka_consumer_errors_total";
/// Counter: client-level errors of tidings' producers (authentication refused, TLS handshake
/// failed, all brokers down), labelled `client` (`relay`, `dead_letter`); each is logged.
pub const KAFKA_CLIENT_ERRORS_TOTAL: &str = "kafka_client_errors_total";
/// Counter: poison records that could not be written to their dead-letter topic even without
/// their original headers (too large for it), labelled `consumer_group`. Each is logged with its
/// topic, partition and offset.
pub const KAFKA_DEAD_LETTER_FAILED_TOTAL: &str = "kafka_dead_letter_failed_total";
/// Histogram: seconds spent resolving a partition key.
pub const PARTITION_KEY_RESOLUTION_SECONDS: &str = "partition_key_resolution_seconds";
/// Counter: redelivered events skipped by the idempotent consumer.
pub const KAFKA_DUPLICATE_EVENTS_TOTAL: &str = "kafka_duplicate_events_total";

/// Serves every metric in the Prometheus text format on `address` (e.g. `0.0.0.0:9464`).
#[cfg(feature = "prometheus")]
pub fn install_prometheus(
    address: std::net::SocketAddr,
) -> Result<(), metrics_exporter_prometheus::BuildError> {
    metrics_exporter_prometheus::PrometheusBuilder::new()
        .with_http_listener(address)
        .install()
}
