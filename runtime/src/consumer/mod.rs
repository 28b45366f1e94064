//! The idempotent consumer (features `postgres` + `kafka`).
//!
//! ```ignore
//! struct RecordResult;
//! impl Handler<ProcessingEventPayload> for RecordResult {
//!     async fn handle(&self, event: &Received<ProcessingEventPayload>, tx: &mut PgConnection) -> Result<(), HandlerError> {
//!         if let ProcessingEventPayload::AssessmentResultPublished(result) = &event.envelope.data {
//!             sqlx::query("INSERT INTO results ...").bind(&result.batch_id).execute(&mut *tx).await?;
//!         }
//!         Ok(())
//!     }
//! }
//!
//! let consumer = EventConsumer::<ProcessingEventPayload>::builder(brokers, "result-aggregator", pool)
//!     .events(&[ProcessingEvent::AssessmentResultPublished])
//!     .build()?;
//! consumer.run(&RecordResult, shutdown_signal).await?;
//! ```
//!
//! For every record:
//!
//! 1. The body is decoded as an envelope; a body that is not one is poison. The body is the
//!    source of truth: the standard headers are compared with it, and missing, malformed or
//!    contradicting headers are counted and logged (by name, never by value), not dead-lettered
//!    ([`ConsumerBuilder::require_headers`] makes them poison). Records from producers that send
//!    no headers, such as HuleEdu's Python relay, are read like any other.
//! 2. The member is chosen from the topic, or, on a shared topic, from the envelope's
//!    `event_type`; unknown is poison. The payload is decoded into the catalogue's payload enum
//!    and validated against the contract; failures are poison.
//! 3. In one Postgres transaction, the event id is recorded in the inbox and the handler runs with
//!    that transaction. A redelivered event finds its id there: it is skipped and counted
//!    (`kafka_duplicate_events_total`). The record's offset is stored for commit only after the
//!    transaction commits, so effects happen exactly once however often Kafka redelivers.
//! 4. A handler error rolls back and is retried with backoff; after the last attempt the record is
//!    dead-lettered.
//!
//! Poison goes to `<topic>.dlq` (or one configured topic) with the original key, value and headers
//! plus `dlq_*` headers naming the reason, the error, the original topic, partition and offset;
//! its offset is committed once the dead-letter topic acknowledged it. Bad input never stops the
//! loop. A database outage does: the record is retried until the database is back, because
//! skipping it would lose it.

mod inbox;

use std::future::Future;
use std::time::Duration;

use rdkafka::ClientConfig;
use rdkafka::Message;
use rdkafka::consumer::{CommitMode, Consumer, StreamConsumer};
use rdkafka::error::KafkaError;
use rdkafka::message::{BorrowedMessage, Header, Headers, OwnedHeaders};
use rdkafka::producer::{FutureProducer, FutureRecord};

use crate::kafka::ReportingContext;
use serde_json::Value;
use sqlx::{PgConnection, PgPool};

use crate::decode;
use crate::envelope::EventEnvelope;
use crate::headers::{HeaderCheck, HeaderError, StandardHeaders, names};
use crate::metrics as metric_names;
use crate::registry::{Catalogue, CataloguePayload};
use crate::relay::Backoff;
use crate::time::Timestamp;

pub use inbox::Inbox;

/// An error from a handler; it is retried, then dead-lettered.
pub type HandlerError = Box<dyn std::error::Error + Send + Sync>;

/// A decoded, validated event.
#[derive(Debug, Clone)]
pub struct Received<P> {
    /// The envelope with the typed payload.
    pub envelope: EventEnvelope<P>,
    /// The standard headers, when the record carried the full set and each agreed with the body.
    pub headers: Option<StandardHeaders>,
    /// How the record's headers compared with its body (missing, malformed, contradicting).
    pub header_check: HeaderCheck,
    /// Topic it was read from.
    pub topic: String,
    /// Partition.
    pub partition: i32,
    /// Offset.
    pub offset: i64,
    /// The record key.
    pub key: Option<String>,
}

/// Handles events of catalogue payload `P` inside the consumer's transaction.
pub trait Handler<P>: Send + Sync {
    /// Applies the event's effects through `tx`; they commit together with the inbox entry.
    fn handle(
        &self,
        event: &Received<P>,
        tx: &mut PgConnection,
    ) -> impl Future<Output = Result<(), HandlerError>> + Send;
}

/// Why a record was dead-lettered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PoisonReason {
    /// Not JSON, or not an envelope of the member's payload type.
    Undecodable,
    /// Neither the topic nor `event_type` names a member of the catalogue.
    UnknownEventType,
    /// The topic belongs to one member and `event_type` names another (by topic or dotted
    /// name). An `event_type` that names no member is not a mismatch: the topic decides.
    EventTypeMismatch,
    /// Decoded, but breaks the contract's constraints.
    SchemaInvalid,
    /// A required standard header is absent.
    MissingHeader,
    /// A standard header has a malformed value.
    InvalidHeader,
    /// The handler failed on every attempt.
    HandlerFailed,
}

impl PoisonReason {
    /// The value of the `dlq_reason` header.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Undecodable => "undecodable",
            Self::UnknownEventType => "unknown_event_type",
            Self::EventTypeMismatch => "event_type_mismatch",
            Self::SchemaInvalid => "schema_invalid",
            Self::MissingHeader => "missing_header",
            Self::InvalidHeader => "invalid_header",
            Self::HandlerFailed => "handler_failed",
        }
    }
}

/// What can stop a consumer.
#[derive(Debug, thiserror::Error)]
pub enum ConsumerError {
    /// The Kafka client could not be created or could not subscribe.
    #[error("Kafka client error: {0}; check bootstrap.servers, the group id and the topic names")]
    Kafka(#[from] KafkaError),
    /// The inbox names are not valid identifiers.
    #[error(transparent)]
    Inbox(#[from] crate::outbox::InvalidIdent),
}

/// Counts of one consumer run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ConsumerStats {
    /// Events whose handler committed.
    pub handled: u64,
    /// Redelivered events skipped through the inbox.
    pub duplicates: u64,
    /// Records sent to a dead-letter topic.
    pub dead_lettered: u64,
    /// Handler attempts that failed and were retried.
    pub handler_retries: u64,
}

/// Builds an [`EventConsumer`].
#[must_use]
pub struct ConsumerBuilder<P: CataloguePayload> {
    bootstrap_servers: String,
    group: String,
    pool: PgPool,
    members: Vec<P::Member>,
    shared_topics: Vec<String>,
    inbox: Inbox,
    dead_letter_topic: Option<String>,
    handler_attempts: u32,
    backoff: Backoff,
    require_headers: bool,
    overrides: Vec<(String, String)>,
    dead_letter_overrides: Vec<(String, String)>,
}

impl<P: CataloguePayload> std::fmt::Debug for ConsumerBuilder<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConsumerBuilder")
            .field("group", &self.group)
            .field("members", &self.members)
            .finish_non_exhaustive()
    }
}

impl<P: CataloguePayload> ConsumerBuilder<P> {
    /// Subscribes to the topics of these members.
    pub fn events(mut self, members: &[P::Member]) -> Self {
        self.members.extend_from_slice(members);
        self
    }

    /// Also subscribes to a topic that carries several event types; each record's member is
    /// chosen by its `event_type` (a catalogue topic or dotted name).
    pub fn shared_topic(mut self, topic: impl Into<String>) -> Self {
        self.shared_topics.push(topic.into());
        self
    }

    /// The inbox table (default `public.tidings_inbox`).
    pub fn inbox(mut self, inbox: Inbox) -> Self {
        self.inbox = inbox;
        self
    }

    /// One dead-letter topic for everything, instead of `<topic>.dlq`.
    pub fn dead_letter_topic(mut self, topic: impl Into<String>) -> Self {
        self.dead_letter_topic = Some(topic.into());
        self
    }

    /// Attempts of a failing handler before the record is dead-lettered (default 3), and the
    /// delays between them.
    pub fn handler_retries(mut self, attempts: u32, backoff: Backoff) -> Self {
        self.handler_attempts = attempts.max(1);
        self.backoff = backoff;
        self
    }

    /// Whether a record whose standard headers are missing, malformed or contradict its body is
    /// poison (default false: the body is the source of truth, and records from producers that
    /// send no headers, such as HuleEdu's Python relay, are read from it).
    pub fn require_headers(mut self, require: bool) -> Self {
        self.require_headers = require;
        self
    }

    /// An extra rdkafka setting for the consumer and its dead-letter producer alike (bootstrap
    /// servers, `security.protocol`, `ssl.*`, `sasl.*`, `client.id`, …). A consumer-only setting
    /// is ignored by the producer, with a librdkafka warning.
    pub fn kafka_setting(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.overrides.push((key.into(), value.into()));
        self
    }

    /// An extra rdkafka setting for the dead-letter producer only (`compression.type`, say),
    /// applied after [`kafka_setting`](Self::kafka_setting)s.
    pub fn dead_letter_producer_setting(
        mut self,
        key: impl Into<String>,
        value: impl Into<String>,
    ) -> Self {
        self.dead_letter_overrides.push((key.into(), value.into()));
        self
    }

    /// The consumer, subscribed.
    pub fn build(self) -> Result<EventConsumer<P>, ConsumerError> {
        let mut config = ClientConfig::new();
        config
            .set("bootstrap.servers", &self.bootstrap_servers)
            .set("group.id", &self.group)
            .set("enable.auto.commit", "true")
            .set("auto.commit.interval.ms", "500")
            // Offsets are stored by hand, after the handler's transaction commits.
            .set("enable.auto.offset.store", "false")
            .set("auto.offset.reset", "earliest")
            .set("fetch.wait.max.ms", "50");
        for (key, value) in &self.overrides {
            config.set(key, value);
        }
        let consumer: StreamConsumer = config.create()?;
        let mut topics: Vec<&str> = self.members.iter().map(|member| member.topic()).collect();
        topics.extend(self.shared_topics.iter().map(String::as_str));
        topics.sort_unstable();
        topics.dedup();
        consumer.subscribe(&topics)?;
        let mut producer = crate::kafka::producer_config(&self.bootstrap_servers, 30_000);
        for (key, value) in self.overrides.iter().chain(&self.dead_letter_overrides) {
            producer.set(key, value);
        }
        let dead_letters: FutureProducer<ReportingContext> =
            producer.create_with_context(ReportingContext::new("dead_letter"))?;
        Ok(EventConsumer {
            consumer,
            dead_letters,
            pool: self.pool,
            group: self.group,
            inbox: self.inbox,
            dead_letter_topic: self.dead_letter_topic,
            handler_attempts: self.handler_attempts,
            backoff: self.backoff,
            require_headers: self.require_headers,
            _payload: std::marker::PhantomData,
        })
    }
}

/// Consumes catalogue events exactly once into Postgres; see the module docs.
pub struct EventConsumer<P: CataloguePayload> {
    consumer: StreamConsumer,
    dead_letters: FutureProducer<ReportingContext>,
    pool: PgPool,
    group: String,
    inbox: Inbox,
    dead_letter_topic: Option<String>,
    handler_attempts: u32,
    backoff: Backoff,
    require_headers: bool,
    _payload: std::marker::PhantomData<fn() -> P>,
}

impl<P: CataloguePayload> std::fmt::Debug for EventConsumer<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventConsumer")
            .field("group", &self.group)
            .finish_non_exhaustive()
    }
}

struct Poison {
    reason: PoisonReason,
    error: String,
}

impl<P: CataloguePayload> EventConsumer<P> {
    /// A consumer in `group`, reading from `bootstrap_servers`, with its inbox in `pool`.
    pub fn builder(
        bootstrap_servers: impl Into<String>,
        group: impl Into<String>,
        pool: PgPool,
    ) -> ConsumerBuilder<P> {
        ConsumerBuilder {
            bootstrap_servers: bootstrap_servers.into(),
            group: group.into(),
            pool,
            members: Vec::new(),
            shared_topics: Vec::new(),
            inbox: Inbox::default(),
            dead_letter_topic: None,
            handler_attempts: 3,
            backoff: Backoff {
                base: Duration::from_millis(100),
                cap: Duration::from_secs(5),
            },
            require_headers: false,
            overrides: Vec::new(),
            dead_letter_overrides: Vec::new(),
        }
    }

    /// Whether the group has assigned partitions to this consumer yet (while [`run`](Self::run) is
    /// polling). Until then nothing is consumed; use it to wait before measuring latency.
    pub fn is_assigned(&self) -> bool {
        self.consumer
            .assignment()
            .map(|assignment| assignment.count() > 0)
            .unwrap_or(false)
    }

    /// Consumes until `shutdown` resolves, then commits the stored offsets.
    pub async fn run<H: Handler<P>>(
        &self,
        handler: &H,
        shutdown: impl Future<Output = ()>,
    ) -> Result<ConsumerStats, ConsumerError> {
        let mut stats = ConsumerStats::default();
        let (stopping, stopping_rx) = tokio::sync::watch::channel(false);
        tokio::pin!(shutdown);
        loop {
            let message = tokio::select! {
                _ = &mut shutdown => break,
                message = self.consumer.recv() => message,
            };
            match message {
                Ok(message) => {
                    // A record in progress finishes, but its waits (a database outage, handler
                    // retries, a dead-letter topic refusing writes) end at shutdown. A record left
                    // that way has no stored offset: the next run reads it again, and the inbox
                    // drops what already took effect.
                    let processing =
                        self.process(&message, handler, &mut stats, stopping_rx.clone());
                    tokio::pin!(processing);
                    tokio::select! {
                        () = &mut processing => {}
                        _ = &mut shutdown => {
                            let _ = stopping.send(true);
                            processing.await;
                            break;
                        }
                    }
                }
                Err(err) => {
                    metrics::counter!(metric_names::KAFKA_CONSUMER_ERRORS_TOTAL, "consumer_group" => self.group.clone()).increment(1);
                    tracing::warn!(error = %err, "consumer error");
                }
            }
        }
        match self.consumer.commit_consumer_state(CommitMode::Sync) {
            Ok(())
            | Err(KafkaError::ConsumerCommit(rdkafka::types::RDKafkaErrorCode::NoOffset)) => {}
            Err(err) => {
                tracing::warn!(error = %err, "final offset commit failed; the inbox absorbs the repeats")
            }
        }
        // Leave the group now, so its partitions move to the other members at once rather than
        // after the session timeout.
        self.consumer.unsubscribe();
        Ok(stats)
    }

    #[tracing::instrument(name = "consumer.process", skip_all, fields(topic = message.topic(), partition = message.partition(), offset = message.offset()))]
    async fn process<H: Handler<P>>(
        &self,
        message: &BorrowedMessage<'_>,
        handler: &H,
        stats: &mut ConsumerStats,
        mut stopping: tokio::sync::watch::Receiver<bool>,
    ) {
        match self.decode(message) {
            Err(poison) => {
                if !self.dead_letter(message, &poison, &mut stopping).await {
                    return;
                }
                stats.dead_lettered += 1;
            }
            Ok((received, method)) => {
                let mut attempt = 0;
                loop {
                    match self.apply(&received, handler).await {
                        Ok(true) => {
                            stats.handled += 1;
                            break;
                        }
                        Ok(false) => {
                            stats.duplicates += 1;
                            metrics::counter!(metric_names::KAFKA_DUPLICATE_EVENTS_TOTAL,
                                "consumer_group" => self.group.clone(), "method" => method)
                            .increment(1);
                            break;
                        }
                        Err(Failure::Database(err)) => {
                            tracing::warn!(error = %err, "database unavailable (or the inbox table missing: run Inbox::migrate); retrying the record");
                            if stopped_while_waiting(&mut stopping, self.backoff.cap).await {
                                return;
                            }
                        }
                        Err(Failure::Handler(err)) => {
                            attempt += 1;
                            if attempt >= self.handler_attempts {
                                let poison = Poison {
                                    reason: PoisonReason::HandlerFailed,
                                    error: err.to_string(),
                                };
                                if !self.dead_letter(message, &poison, &mut stopping).await {
                                    return;
                                }
                                stats.dead_lettered += 1;
                                break;
                            }
                            stats.handler_retries += 1;
                            let delay = self.backoff.delay(attempt, crate::relay::random_unit());
                            if stopped_while_waiting(&mut stopping, delay).await {
                                return;
                            }
                        }
                    }
                }
            }
        }
        if let Err(err) = self.consumer.store_offset_from_message(message) {
            tracing::warn!(error = %err, "cannot store the offset; the record will be redelivered and skipped");
        }
    }

    /// Inbox entry and handler in one transaction. Ok(false) for a duplicate.
    async fn apply<H: Handler<P>>(
        &self,
        received: &Received<P>,
        handler: &H,
    ) -> Result<bool, Failure> {
        let mut tx = self.pool.begin().await.map_err(Failure::Database)?;
        let fresh = self
            .inbox
            .record(
                &mut tx,
                &self.group,
                received.envelope.event_id,
                &received.topic,
                received.partition,
                received.offset,
            )
            .await
            .map_err(Failure::Database)?;
        if !fresh {
            tx.rollback().await.map_err(Failure::Database)?;
            return Ok(false);
        }
        if let Err(err) = handler.handle(received, &mut tx).await {
            let _ = tx.rollback().await;
            return Err(Failure::Handler(err));
        }
        tx.commit().await.map_err(Failure::Database)?;
        Ok(true)
    }

    fn decode(&self, message: &BorrowedMessage<'_>) -> Result<(Received<P>, &'static str), Poison> {
        // The body is the source of truth; headers are checked against it afterwards.
        let payload = message.payload().unwrap_or_default();
        let raw: EventEnvelope<Value> = decode::from_slice(payload).map_err(|err| Poison {
            reason: PoisonReason::Undecodable,
            error: format!("not an event envelope: {err}"),
        })?;
        let implied = StandardHeaders::from_envelope(&raw);
        let check = implied.check_pairs(
            message
                .headers()
                .into_iter()
                .flat_map(|headers| headers.iter())
                .filter_map(|header| header.value.map(|value| (header.key, value))),
        );
        self.report_headers(message.topic(), &check)?;
        let member = match (
            P::Member::from_topic(message.topic()),
            member_named::<P::Member>(&raw.event_type),
        ) {
            // An event_type naming another member: one event sent to another's topic. Its body
            // may even decode as the topic's member; acting on it would be acting on a guess.
            (Some(by_topic), Some(by_type)) if by_topic != by_type => {
                return Err(Poison {
                    reason: PoisonReason::EventTypeMismatch,
                    error: format!(
                        "topic `{}` carries {} events, but the envelope's event_type names {}; \
                         the producer sent one event to another event's topic",
                        message.topic(),
                        by_topic.as_str(),
                        by_type.as_str()
                    ),
                });
            }
            (Some(member), _) | (None, Some(member)) => member,
            (None, None) => {
                return Err(Poison {
                    reason: PoisonReason::UnknownEventType,
                    error: format!(
                        "neither the topic nor the envelope's event_type names an event of the \
                         catalogue (topic `{}`)",
                        message.topic()
                    ),
                });
            }
        };
        let envelope = raw
            .try_map_data(|mut data| {
                // Derived defaults (`tidings::rules::filled_from`) are filled as a pydantic
                // consumer fills them, before the payload is read.
                crate::rules::fill_payload_defaults(member.descriptor(), &mut data);
                P::decode(member, data)
            })
            .map_err(|err| Poison {
                reason: PoisonReason::Undecodable,
                error: format!("not a {} payload: {err}", member.as_str()),
            })?;
        envelope.data.validate().map_err(|err| Poison {
            reason: PoisonReason::SchemaInvalid,
            error: err.to_string(),
        })?;
        let (headers, method) = if check.is_clean() {
            (Some(implied), "header")
        } else {
            (None, "body")
        };
        Ok((
            Received {
                envelope,
                headers,
                header_check: check,
                topic: message.topic().to_owned(),
                partition: message.partition(),
                offset: message.offset(),
                key: message
                    .key()
                    .map(|key| String::from_utf8_lossy(key).into_owned()),
            },
            method,
        ))
    }

    /// Counts and logs what is wrong with a record's headers; poison only when headers are
    /// required ([`ConsumerBuilder::require_headers`]).
    fn report_headers(&self, topic: &str, check: &HeaderCheck) -> Result<(), Poison> {
        if !check.missing.is_empty() {
            metrics::counter!(metric_names::KAFKA_EVENT_HEADERS_MISSING_TOTAL, "topic" => topic.to_owned())
                .increment(1);
        }
        for (problem, headers) in [
            ("malformed", &check.malformed),
            ("contradicting", &check.contradicting),
        ] {
            for header in headers.iter().copied() {
                metrics::counter!(metric_names::KAFKA_EVENT_HEADERS_INVALID_TOTAL,
                    "topic" => topic.to_owned(), "header" => header, "problem" => problem)
                .increment(1);
            }
        }
        if !check.contradicting.is_empty() {
            tracing::warn!(headers = ?check.contradicting, "record headers contradict its body; the body is used");
        }
        if self.require_headers {
            if let Some(name) = check.missing.first() {
                return Err(Poison {
                    reason: PoisonReason::MissingHeader,
                    error: HeaderError::Missing { name }.to_string(),
                });
            }
            if let Some(name) = check.malformed.iter().chain(&check.contradicting).next() {
                return Err(Poison {
                    reason: PoisonReason::InvalidHeader,
                    error: format!("header `{name}` is malformed or contradicts the body"),
                });
            }
        }
        Ok(())
    }

    /// Copies the record to its dead-letter topic and waits for the acknowledgement; false when
    /// shutdown interrupted the retries (the offset must not be stored then). Transient
    /// errors are retried with backoff (until shutdown): committing the offset of a record that
    /// is nowhere would lose it. A copy too large for the dead-letter topic is sent again with the
    /// `dlq_*` headers only; if even that is too large, the record is skipped with an error log
    /// and `kafka_dead_letter_failed_total`, since no retry can succeed (it stays in its topic).
    async fn dead_letter(
        &self,
        message: &BorrowedMessage<'_>,
        poison: &Poison,
        stopping: &mut tokio::sync::watch::Receiver<bool>,
    ) -> bool {
        let topic = self
            .dead_letter_topic
            .clone()
            .unwrap_or_else(|| format!("{}.dlq", message.topic()));
        tracing::warn!(
            reason = poison.reason.as_str(),
            topic = message.topic(),
            offset = message.offset(),
            "dead-lettering a record"
        );
        let failed_at = Timestamp::now().to_string();
        let error: String = poison.error.chars().take(1000).collect();
        let mut headers = dead_letter_headers(
            &poison.reason,
            &error,
            message,
            &self.group,
            &failed_at,
            message.headers(),
        );
        let mut attempt = 0;
        let mut trimmed = false;
        loop {
            let mut record = FutureRecord::<[u8], [u8]>::to(&topic).headers(headers.clone());
            if let Some(key) = message.key() {
                record = record.key(key);
            }
            if let Some(payload) = message.payload() {
                record = record.payload(payload);
            }
            match self.dead_letters.send(record, Duration::from_secs(5)).await {
                Ok(_) => return true,
                Err((err, _)) if is_too_large(&err) && !trimmed => {
                    // The copy with the original headers and the dlq_* headers is over a limit:
                    // keep the value and key whole, and only the dlq_* headers, shortened.
                    tracing::warn!(error = %err, topic, "dead-letter copy too large; sending it with the dlq_* headers only");
                    let short: String = error.chars().take(200).collect();
                    headers = dead_letter_headers(
                        &poison.reason,
                        &short,
                        message,
                        &self.group,
                        &failed_at,
                        None,
                    );
                    trimmed = true;
                }
                Err((err, _)) if is_too_large(&err) => {
                    // Nothing more can be left out without losing the record itself. The record
                    // stays in its topic at this offset; the error says where.
                    metrics::counter!(metric_names::KAFKA_DEAD_LETTER_FAILED_TOTAL, "consumer_group" => self.group.clone()).increment(1);
                    tracing::error!(
                        error = %err,
                        topic = message.topic(),
                        partition = message.partition(),
                        offset = message.offset(),
                        dead_letter_topic = topic,
                        "the record cannot be written to its dead-letter topic (too large for it); skipped, it remains in its topic at this offset"
                    );
                    return true;
                }
                Err((err, _)) => {
                    attempt += 1;
                    tracing::error!(error = %err, topic, attempt, "cannot write to the dead-letter topic; retrying");
                    let delay = self.backoff.delay(attempt, crate::relay::random_unit());
                    if stopped_while_waiting(stopping, delay).await {
                        return false;
                    }
                }
            }
        }
    }
}

/// Waits `delay`; true when shutdown began before or during the wait.
async fn stopped_while_waiting(
    stopping: &mut tokio::sync::watch::Receiver<bool>,
    delay: Duration,
) -> bool {
    if *stopping.borrow() {
        return true;
    }
    tokio::select! {
        _ = tokio::time::sleep(delay) => *stopping.borrow(),
        _ = stopping.changed() => true,
    }
}

fn is_too_large(err: &KafkaError) -> bool {
    use rdkafka::types::RDKafkaErrorCode as Code;
    matches!(
        err.rdkafka_error_code(),
        Some(Code::MessageSizeTooLarge | Code::InvalidMessageSize)
    )
}

/// The headers of a dead-letter copy: the original ones (when given), then the `dlq_*` set.
fn dead_letter_headers(
    reason: &PoisonReason,
    error: &str,
    message: &BorrowedMessage<'_>,
    group: &str,
    failed_at: &str,
    original: Option<&rdkafka::message::BorrowedHeaders>,
) -> OwnedHeaders {
    let partition = message.partition().to_string();
    let offset = message.offset().to_string();
    let mut headers = OwnedHeaders::new();
    if let Some(original) = original {
        for header in original.iter() {
            headers = headers.insert(Header {
                key: header.key,
                value: header.value,
            });
        }
    }
    for (key, value) in [
        (names::dead_letter::REASON, reason.as_str()),
        (names::dead_letter::ERROR, error),
        (names::dead_letter::ORIGINAL_TOPIC, message.topic()),
        (names::dead_letter::ORIGINAL_PARTITION, partition.as_str()),
        (names::dead_letter::ORIGINAL_OFFSET, offset.as_str()),
        (names::dead_letter::CONSUMER_GROUP, group),
        (names::dead_letter::FAILED_AT, failed_at),
    ] {
        headers = headers.insert(Header {
            key,
            value: Some(value.as_bytes()),
        });
    }
    headers
}

enum Failure {
    Database(sqlx::Error),
    Handler(HandlerError),
}

fn member_named<M: Catalogue>(event_type: &str) -> Option<M> {
    M::from_topic(event_type).or_else(|| M::from_name(event_type))
}
