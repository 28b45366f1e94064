//! Kafka glue (feature `kafka`): the standard headers on rdkafka records, and producer settings.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use rdkafka::ClientConfig;
use rdkafka::client::ClientContext;
use rdkafka::config::RDKafkaLogLevel;
use rdkafka::error::KafkaError;
use rdkafka::message::{Header, Headers, OwnedHeaders};

use crate::headers::{HeaderError, StandardHeaders};

/// rdkafka headers from `(name, value)` pairs.
pub fn to_kafka_headers<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> OwnedHeaders {
    pairs
        .into_iter()
        .fold(OwnedHeaders::new(), |headers, (key, value)| {
            headers.insert(Header {
                key,
                value: Some(value.as_bytes()),
            })
        })
}

/// The standard headers of a received record.
pub fn standard_headers<H: Headers>(headers: Option<&H>) -> Result<StandardHeaders, HeaderError> {
    let pairs = headers
        .into_iter()
        .flat_map(|headers| headers.iter())
        .filter_map(|header| header.value.map(|value| (header.key, value)));
    StandardHeaders::from_pairs(pairs)
}

/// The compression the relay and the dead-letter producer use unless told otherwise: none.
///
/// Every Kafka client reads uncompressed records as installed. Python's aiokafka and
/// kafka-python need extra packages for lz4, snappy and zstd (`UnsupportedCodecError` otherwise),
/// so a compressed default would make the records unreadable to most Python services. Teams
/// that control their consumers set `compression.type` (`gzip`, `snappy`, `lz4`, `zstd`: all
/// built in) through the producer settings.
pub const DEFAULT_COMPRESSION: &str = "none";

/// Producer settings for the relay: idempotent (no duplicates or reordering from internal
/// retries), `acks=all`, no compression ([`DEFAULT_COMPRESSION`]), and batching tuned for
/// throughput at low latency. `message_timeout_ms` bounds how long a record may wait for an
/// acknowledgement before it counts as failed.
pub fn producer_config(bootstrap_servers: &str, message_timeout_ms: u64) -> ClientConfig {
    let mut config = ClientConfig::new();
    config
        .set("bootstrap.servers", bootstrap_servers)
        .set("enable.idempotence", "true")
        .set("acks", "all")
        // Kafka's default partitioner, as the Java and Python clients use: a key lands on the same
        // partition whichever of them produced it.
        .set("partitioner", "murmur2_random")
        .set("compression.type", DEFAULT_COMPRESSION)
        .set("linger.ms", "2")
        .set("batch.num.messages", "10000")
        .set("batch.size", "1000000")
        .set("queue.buffering.max.messages", "200000")
        .set(
            "message.max.bytes",
            crate::record::PRODUCER_MESSAGE_MAX_BYTES.to_string(),
        )
        .set("message.timeout.ms", message_timeout_ms.to_string())
        // A record for a topic the cluster does not have fails after 2 s (librdkafka waits 30 s
        // by default), so the relay reports the missing topic within seconds.
        .set("topic.metadata.propagation.max.ms", "2000");
    config
}

/// A client context for tidings' producers (the relay's, the consumer's dead-letter producer):
/// librdkafka's client-level errors (authentication refused, TLS handshake failed, every broker
/// down) go to the log and `kafka_client_errors_total{client}` instead of nowhere, and the last
/// one is kept, so that a record that times out can say why.
#[derive(Debug, Clone)]
pub struct ReportingContext {
    client: &'static str,
    last_error: Arc<Mutex<Option<(Instant, String)>>>,
}

impl ReportingContext {
    /// A context for the client named `client` in logs and metrics (`relay`, `dead_letter`).
    pub fn new(client: &'static str) -> Self {
        Self {
            client,
            last_error: Arc::default(),
        }
    }

    /// The last client error and when it happened.
    pub fn last_error(&self) -> Option<(Instant, String)> {
        self.last_error
            .lock()
            .map(|last| last.clone())
            .unwrap_or_default()
    }
}

impl ClientContext for ReportingContext {
    fn log(&self, level: RDKafkaLogLevel, facility: &str, message: &str) {
        use RDKafkaLogLevel as L;
        let client = self.client;
        match level {
            L::Emerg | L::Alert | L::Critical | L::Error => {
                tracing::error!(client, facility, "librdkafka: {message}")
            }
            L::Warning => tracing::warn!(client, facility, "librdkafka: {message}"),
            L::Notice | L::Info => tracing::info!(client, facility, "librdkafka: {message}"),
            L::Debug => tracing::debug!(client, facility, "librdkafka: {message}"),
        }
    }

    fn error(&self, error: KafkaError, reason: &str) {
        metrics::counter!(crate::metrics::KAFKA_CLIENT_ERRORS_TOTAL, "client" => self.client)
            .increment(1);
        tracing::error!(client = self.client, error = %error, reason, "Kafka client error");
        if let Ok(mut last) = self.last_error.lock() {
            // "All brokers down" follows the cause (a refused login, a failed handshake); keep
            // the cause when it is recent.
            let consequence = matches!(
                error.rdkafka_error_code(),
                Some(rdkafka::types::RDKafkaErrorCode::AllBrokersDown)
            );
            let recent_cause = last
                .as_ref()
                .is_some_and(|(at, _)| at.elapsed() < std::time::Duration::from_secs(60));
            if !(consequence && recent_cause) {
                *last = Some((Instant::now(), format!("{error}: {reason}")));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use rdkafka::message::{Message, OwnedMessage, Timestamp};

    use super::*;
    use crate::envelope::ENVELOPE_SCHEMA_VERSION;
    use crate::time::Timestamp as EventTime;

    #[test]
    fn headers_survive_a_round_trip_through_rdkafka_types() {
        let standard = StandardHeaders {
            event_id: uuid::Uuid::from_u128(1),
            event_type: "acme.thing.happened.v1".into(),
            trace_id: uuid::Uuid::from_u128(2).to_string(),
            traceparent: Some(
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
                    .parse()
                    .unwrap(),
            ),
            schema_version: ENVELOPE_SCHEMA_VERSION,
            occurred_at: "2025-03-14T09:30:00.5Z".parse::<EventTime>().unwrap(),
            content_type: "application/json".into(),
            correlation_id: uuid::Uuid::from_u128(2),
            source_service: "svc".into(),
        };
        let pairs = standard.to_pairs();
        let owned = to_kafka_headers(pairs.iter().map(|(k, v)| (*k, v.as_str())));
        let message = OwnedMessage::new(
            None,
            None,
            "t".into(),
            Timestamp::NotAvailable,
            0,
            0,
            Some(owned),
        );
        let read = standard_headers(message.headers()).unwrap();
        assert_eq!(read, standard);
    }

    #[test]
    fn a_missing_header_is_named() {
        let owned = to_kafka_headers([("event_id", "00000000-0000-0000-0000-000000000001")]);
        let message = OwnedMessage::new(
            None,
            None,
            "t".into(),
            Timestamp::NotAvailable,
            0,
            0,
            Some(owned),
        );
        let err = standard_headers(message.headers()).unwrap_err();
        assert_eq!(err, HeaderError::Missing { name: "event_type" });
    }
}
