//! Kafka record sizes, as the producer and the broker count them. One place for the limits the
//! outbox checks at enqueue and the relay's producer enforces at send, so that they agree: what
//! the outbox accepts, the relay can publish.

/// The largest record the outbox accepts by default, counted as Kafka counts it: value + key +
/// header names and values + [`RECORD_OVERHEAD`]. Kafka's own default limits are close above it
/// (librdkafka's `message.max.bytes` 1,000,000, a broker's `message.max.bytes` 1,048,588).
pub const MAX_RECORD_BYTES: usize = 1_000_000;

/// What the relay's and the dead-letter producer's `message.max.bytes` is set to: room for a
/// record of [`MAX_RECORD_BYTES`] plus framing, and for the `dlq_*` headers a dead-letter copy
/// adds. A record above it is refused by the producer before it is sent.
pub const PRODUCER_MESSAGE_MAX_BYTES: usize = 1_048_576;

/// Bytes a record costs beyond its value, key and header text (the record-batch v2 framing:
/// length, attributes, timestamp and offset deltas, and per header two lengths), taken high.
pub const RECORD_OVERHEAD: usize = 64;

/// Framing bytes per header, taken high.
pub const HEADER_OVERHEAD: usize = 10;

/// The size of a record as the producer and the broker check it, taken high: value + key +
/// every header name and value, plus framing.
pub fn record_size<'a>(
    value: usize,
    key: usize,
    headers: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> usize {
    let headers: usize = headers
        .into_iter()
        .map(|(name, value)| name.len() + value.len() + HEADER_OVERHEAD)
        .sum();
    value + key + headers + RECORD_OVERHEAD
}
