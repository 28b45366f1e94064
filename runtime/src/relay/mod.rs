//! The relay (features `postgres` + `kafka`): publishes committed outbox rows to Kafka.
//!
//! ```ignore
//! let relay = Relay::builder(outbox, pool, "broker:9092").preset(Environment::Production).build()?;
//! let handle = relay.spawn();
//! // ...
//! let stats = handle.shutdown().await?; // drains in-flight sends
//! ```
//!
//! - **Waking.** `LISTEN` on the outbox channel (the insert trigger notifies on commit), plus
//!   adaptive polling as the fallback: after an empty claim the wait doubles from 10 ms up to the
//!   preset's idle ceiling (0.1 s testing, 1 s development, 5 s production), and snaps back on any
//!   notification, dispatch or non-empty claim.
//! - **Claiming.** Rows are claimed `FOR UPDATE SKIP LOCKED`, only from the key shards this relay
//!   leases ([`lease`]), oldest first, and only when no earlier row of the same key is waiting for
//!   a retry, so each key's events leave in enqueue order even with several relays.
//! - **Publishing.** An idempotent producer sends the stored bytes verbatim with the stored key
//!   and headers; `event_id` is the one enqueued.
//! - **After the ack.** Rows are marked published (or deleted) in the claiming transaction, which
//!   commits only after every acknowledgement of the batch. Two batches are in flight: the next is
//!   claimed and sent while the previous one waits for its acknowledgements. A crash before that leaves them
//!   pending: they are sent again, with the same event id, and consumers drop the repeat.
//! - **Failure.** `attempts + 1`, exponential backoff with jitter, `last_error` recorded; after
//!   `max_attempts` the row is dead and never claimed again until replayed
//!   ([`Outbox::replay_dead`](crate::outbox::Outbox::replay_dead)). A row whose payload is not
//!   JSON is dead at once.
//! - **Shutdown** finishes the batch in flight and flushes the producer. Published rows older than
//!   the retention are deleted periodically.

mod backoff;
mod lease;
mod order;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use futures_util::future::join_all;
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::producer::{FutureProducer, FutureRecord, Producer};
use sqlx::postgres::PgListener;
use sqlx::{AssertSqlSafe, PgPool, SqlSafeStr, SqlStr};
use tokio::sync::{Notify, mpsc, watch};
use tokio::task::JoinHandle;

use crate::kafka::{ReportingContext, producer_config, to_kafka_headers};
use crate::metrics as names;
use crate::outbox::{Enqueued, Outbox};

pub use backoff::Backoff;
pub(crate) use backoff::random_unit;

/// How often the relay records the depth gauges.
const DEPTH_INTERVAL: Duration = Duration::from_secs(5);

/// Deployment environment, selecting a preset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    /// Tests: react in milliseconds, give up fast.
    Testing,
    /// A developer's machine.
    Development,
    /// Production.
    Production,
}

impl Environment {
    /// From `TIDINGS_ENV` (`testing`, `development`, `production`); production when unset.
    pub fn from_env() -> Self {
        match std::env::var("TIDINGS_ENV")
            .unwrap_or_default()
            .to_ascii_lowercase()
            .as_str()
        {
            "testing" | "test" => Self::Testing,
            "development" | "dev" => Self::Development,
            _ => Self::Production,
        }
    }
}

/// What happens to a row once the broker acknowledged it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterAck {
    /// `state = 'published'`, kept until the retention cleanup deletes it.
    MarkPublished,
    /// Deleted at once.
    Delete,
}

/// Relay settings; start from a preset with [`RelayBuilder::preset`].
#[derive(Debug, Clone)]
pub struct RelayConfig {
    /// Rows per claim.
    pub batch_size: i64,
    /// First idle wait after an empty claim.
    pub idle_floor: Duration,
    /// Longest idle wait.
    pub idle_ceiling: Duration,
    /// Attempts before a row is dead.
    pub max_attempts: i32,
    /// Retry delays.
    pub backoff: Backoff,
    /// How often leases are rebalanced.
    pub lease_refresh: Duration,
    /// Wait after a database error before trying again.
    pub error_pause: Duration,
    /// Longest wait for an acknowledgement.
    pub message_timeout: Duration,
    /// Published rows older than this are deleted (with `AfterAck::MarkPublished`).
    pub retention: Duration,
    /// How often the retention cleanup runs. Each run deletes every published row past the
    /// retention, `cleanup_batch` rows per statement, so it keeps up with any publishing rate.
    pub cleanup_interval: Duration,
    /// Rows deleted per statement by the retention cleanup (each statement is its own short
    /// transaction).
    pub cleanup_batch: i64,
    /// What to do with acknowledged rows.
    pub after_ack: AfterAck,
    /// Extra rdkafka producer settings, applied last.
    pub producer_overrides: Vec<(String, String)>,
}

impl RelayConfig {
    /// The settings for an environment.
    pub fn preset(environment: Environment) -> Self {
        let (idle_ceiling, backoff, lease_refresh, error_pause, message_timeout) = match environment
        {
            Environment::Testing => (
                Duration::from_millis(100),
                Backoff {
                    base: Duration::from_millis(50),
                    cap: Duration::from_secs(1),
                },
                Duration::from_millis(200),
                Duration::from_millis(200),
                Duration::from_secs(5),
            ),
            Environment::Development => (
                Duration::from_secs(1),
                Backoff {
                    base: Duration::from_millis(500),
                    cap: Duration::from_secs(30),
                },
                Duration::from_secs(1),
                Duration::from_secs(2),
                Duration::from_secs(30),
            ),
            Environment::Production => (
                Duration::from_secs(5),
                Backoff {
                    base: Duration::from_secs(1),
                    cap: Duration::from_secs(300),
                },
                Duration::from_secs(2),
                Duration::from_secs(5),
                Duration::from_secs(60),
            ),
        };
        Self {
            batch_size: 500,
            idle_floor: Duration::from_millis(10),
            idle_ceiling,
            max_attempts: 5,
            backoff,
            lease_refresh,
            error_pause,
            message_timeout,
            retention: Duration::from_secs(24 * 3600),
            cleanup_interval: Duration::from_secs(60),
            cleanup_batch: 10_000,
            after_ack: AfterAck::MarkPublished,
            producer_overrides: Vec::new(),
        }
    }
}

/// What can stop a relay.
#[derive(Debug, thiserror::Error)]
pub enum RelayError {
    /// The Kafka producer could not be created from the settings.
    #[error(
        "cannot create the Kafka producer: {0}; check bootstrap.servers and the producer overrides"
    )]
    Producer(#[source] KafkaError),
    /// The relay task panicked or was cancelled.
    #[error("the relay task ended abnormally: {0}")]
    Task(String),
    /// A setting is out of its range.
    #[error("relay setting `{setting}` is out of range: {requirement}")]
    InvalidConfig {
        /// The `RelayConfig` field.
        setting: &'static str,
        /// What it must be.
        requirement: &'static str,
    },
}

/// Longest retention the relay accepts: what a Postgres interval can hold, with room to spare.
pub const MAX_RETENTION: Duration = Duration::from_secs(100 * 365 * 24 * 3600);

impl RelayConfig {
    /// Checks every setting's range, so a bad one fails at `build` instead of at every claim.
    pub fn validate(&self) -> Result<(), RelayError> {
        let invalid = |setting, requirement| {
            Err(RelayError::InvalidConfig {
                setting,
                requirement,
            })
        };
        if !(1..=100_000).contains(&self.batch_size) {
            return invalid("batch_size", "between 1 and 100,000 rows");
        }
        if self.max_attempts < 1 {
            return invalid("max_attempts", "at least 1");
        }
        if self.retention > MAX_RETENTION {
            return invalid(
                "retention",
                "at most 100 years (tidings::relay::MAX_RETENTION)",
            );
        }
        if self.idle_floor.is_zero() || self.idle_floor > self.idle_ceiling {
            return invalid("idle_floor", "above zero and at most idle_ceiling");
        }
        if self.message_timeout.is_zero() || self.message_timeout > Duration::from_secs(3600) {
            return invalid("message_timeout", "above zero and at most one hour");
        }
        if self.lease_refresh.is_zero() || self.cleanup_interval.is_zero() {
            return invalid("lease_refresh / cleanup_interval", "above zero");
        }
        if !(1..=1_000_000).contains(&self.cleanup_batch) {
            return invalid("cleanup_batch", "between 1 and 1,000,000 rows");
        }
        if self.backoff.base.is_zero() || self.backoff.base > self.backoff.cap {
            return invalid("backoff", "a base above zero and at most the cap");
        }
        Ok(())
    }
}

/// Counts of one relay's work.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RelayStats {
    /// Rows acknowledged by the broker.
    pub published: u64,
    /// Failed attempts.
    pub failed: u64,
    /// Rows that went dead.
    pub dead: u64,
    /// Claims that returned rows.
    pub batches: u64,
}

/// Counts kept while the relay runs, readable through [`RelayHandle::stats`].
#[derive(Debug, Default)]
struct LiveStats {
    published: AtomicU64,
    failed: AtomicU64,
    dead: AtomicU64,
    batches: AtomicU64,
}

impl LiveStats {
    fn snapshot(&self) -> RelayStats {
        RelayStats {
            published: self.published.load(Ordering::Relaxed),
            failed: self.failed.load(Ordering::Relaxed),
            dead: self.dead.load(Ordering::Relaxed),
            batches: self.batches.load(Ordering::Relaxed),
        }
    }
}

/// Builds a [`Relay`].
#[derive(Debug)]
#[must_use]
pub struct RelayBuilder {
    outbox: Outbox,
    pool: PgPool,
    bootstrap_servers: String,
    config: RelayConfig,
}

impl RelayBuilder {
    /// Replaces every setting with a preset.
    pub fn preset(mut self, environment: Environment) -> Self {
        self.config = RelayConfig::preset(environment);
        self
    }

    /// Changes settings in place.
    pub fn configure(mut self, change: impl FnOnce(&mut RelayConfig)) -> Self {
        change(&mut self.config);
        self
    }

    /// Rows per claim, 1 to 100,000 ([`build`](Self::build) refuses others).
    pub fn batch_size(self, rows: i64) -> Self {
        self.configure(|c| c.batch_size = rows)
    }

    /// Attempts before a row is dead, at least 1 ([`build`](Self::build) refuses others).
    pub fn max_attempts(self, attempts: i32) -> Self {
        self.configure(|c| c.max_attempts = attempts)
    }

    /// What to do with acknowledged rows.
    pub fn after_ack(self, after_ack: AfterAck) -> Self {
        self.configure(|c| c.after_ack = after_ack)
    }

    /// An extra rdkafka producer setting.
    pub fn producer_setting(self, key: impl Into<String>, value: impl Into<String>) -> Self {
        let (key, value) = (key.into(), value.into());
        self.configure(|c| c.producer_overrides.push((key, value)))
    }

    /// The relay, with its producer created.
    pub fn build(self) -> Result<Relay, RelayError> {
        self.config.validate()?;
        // What the outbox accepts, the producer must be able to send.
        let message_max_bytes = self
            .config
            .producer_overrides
            .iter()
            .rev()
            .find(|(key, _)| key == "message.max.bytes")
            .map(|(_, value)| value.parse::<usize>().unwrap_or(0))
            .unwrap_or(crate::record::PRODUCER_MESSAGE_MAX_BYTES);
        if message_max_bytes < self.outbox.size_cap() {
            return Err(RelayError::InvalidConfig {
                setting: "message.max.bytes",
                requirement: "at least the outbox's size cap (Outbox::size_cap), so that every accepted event can be published; raise it or lower the cap",
            });
        }
        let mut producer_settings = producer_config(
            &self.bootstrap_servers,
            self.config.message_timeout.as_millis() as u64,
        );
        for (key, value) in &self.config.producer_overrides {
            producer_settings.set(key, value);
        }
        let client = ReportingContext::new("relay");
        let producer: FutureProducer<ReportingContext> = producer_settings
            .create_with_context(client.clone())
            .map_err(RelayError::Producer)?;
        let statements = Statements::new(&self.outbox, self.config.after_ack);
        Ok(Relay {
            outbox: self.outbox,
            pool: self.pool,
            config: self.config,
            producer,
            client,
            statements,
            live: Arc::default(),
        })
    }
}

/// Publishes outbox rows; see the module docs.
pub struct Relay {
    outbox: Outbox,
    pool: PgPool,
    config: RelayConfig,
    producer: FutureProducer<ReportingContext>,
    /// Shares the producer's context: its last client error.
    client: ReportingContext,
    statements: Statements,
    live: Arc<LiveStats>,
}

impl std::fmt::Debug for Relay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Relay")
            .field("outbox", &self.outbox)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// Controls a running relay.
#[derive(Debug)]
pub struct RelayHandle {
    shutdown: watch::Sender<bool>,
    dispatch: mpsc::UnboundedSender<Vec<i64>>,
    wake: Arc<Notify>,
    task: JoinHandle<RelayStats>,
    live: Arc<LiveStats>,
}

/// Hands freshly committed rows to a relay in the same process, so they are published at once
/// without waiting for the `NOTIFY` round trip. Call it only after the transaction committed;
/// before, the relay cannot see the rows. If the relay does not own their shard (another process
/// does) or Kafka is down, they are published by the normal path later.
#[derive(Debug, Clone)]
pub struct Dispatcher {
    dispatch: mpsc::UnboundedSender<Vec<i64>>,
}

impl Dispatcher {
    /// Publishes these committed rows now.
    pub fn dispatch(&self, rows: &[Enqueued]) {
        let ids: Vec<i64> = rows
            .iter()
            .filter(|row| row.inserted)
            .map(|row| row.id)
            .collect();
        if !ids.is_empty() {
            // A closed channel means the relay stopped; the rows stay for the next one.
            let _ = self.dispatch.send(ids);
        }
    }
}

impl RelayHandle {
    /// A dispatcher for this relay.
    pub fn dispatcher(&self) -> Dispatcher {
        Dispatcher {
            dispatch: self.dispatch.clone(),
        }
    }

    /// What the relay has done so far: rows acknowledged, failed attempts, dead rows, batches.
    /// Reading it costs no database work.
    pub fn stats(&self) -> RelayStats {
        self.live.snapshot()
    }

    /// Makes the relay claim at once.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Stops claiming, finishes the batch in flight, flushes the producer, releases the leases.
    pub async fn shutdown(self) -> Result<RelayStats, RelayError> {
        let _ = self.shutdown.send(true);
        self.task
            .await
            .map_err(|err| RelayError::Task(err.to_string()))
    }

    /// Whether the relay task has ended.
    pub fn is_finished(&self) -> bool {
        self.task.is_finished()
    }
}

/// The SQL a relay runs against its outbox table, built once from validated identifiers.
#[derive(Debug, Clone)]
struct Statements {
    claim: SqlStr,
    claim_ids: SqlStr,
    acked: SqlStr,
    failed: SqlStr,
}

impl Statements {
    fn new(outbox: &Outbox, after_ack: AfterAck) -> Self {
        let t = outbox.qualified_table();
        let columns = "o.id, o.topic, o.partition_key, o.headers, o.payload, o.attempts";
        // A row is claimable when no earlier row of its key is still waiting for a retry. Only
        // rows that failed (attempts > 0) can be waiting; the retry index holds just those.
        let head_of_key = format!(
            "NOT EXISTS (SELECT 1 FROM {t} e WHERE e.partition_key = o.partition_key AND e.state = 'pending' \
             AND e.attempts > 0 AND e.id < o.id AND e.next_attempt_at > now())"
        );
        let claim = format!(
            "SELECT {columns} FROM {t} o \
             WHERE o.state = 'pending' AND o.key_shard = ANY($1) AND o.next_attempt_at <= now() AND {head_of_key} \
             AND NOT (o.partition_key = ANY($3)) \
             ORDER BY o.id LIMIT $2 FOR UPDATE OF o SKIP LOCKED"
        );
        let claim_ids = format!(
            "SELECT {columns} FROM {t} o \
             WHERE o.id = ANY($4) AND o.state = 'pending' AND o.key_shard = ANY($1) AND o.next_attempt_at <= now() \
             AND {head_of_key} AND NOT (o.partition_key = ANY($3)) ORDER BY o.id LIMIT $2 FOR UPDATE OF o SKIP LOCKED"
        );
        let acked = match after_ack {
            AfterAck::MarkPublished => format!(
                "UPDATE {t} SET state = 'published', published_at = now(), attempts = attempts + 1, last_error = NULL \
                 WHERE id = ANY($1)"
            ),
            AfterAck::Delete => format!("DELETE FROM {t} WHERE id = ANY($1)"),
        };
        let failed = format!(
            "UPDATE {t} AS o SET attempts = o.attempts + 1, last_error = f.error, \
                 next_attempt_at = now() + make_interval(secs => f.delay), \
                 state = CASE WHEN f.fatal OR o.attempts + 1 >= $5 THEN 'dead' ELSE 'pending' END \
             FROM UNNEST($1::bigint[], $2::text[], $3::float8[], $4::bool[]) AS f(id, error, delay, fatal) \
             WHERE o.id = f.id RETURNING o.state = 'dead'"
        );
        // Audited: `t` is built from validated identifiers; everything else is bound.
        let sql = |s: String| AssertSqlSafe(s).into_sql_str();
        Self {
            claim: sql(claim),
            claim_ids: sql(claim_ids),
            acked: sql(acked),
            failed: sql(failed),
        }
    }
}

#[derive(sqlx::FromRow)]
struct ClaimedRow {
    id: i64,
    topic: String,
    partition_key: String,
    /// Read as any JSON, so one malformed row (written by hand or by another language's writer)
    /// goes dead with its reason instead of failing the whole claim.
    headers: sqlx::types::Json<serde_json::Value>,
    payload: Vec<u8>,
    attempts: i32,
}

/// A claimed batch whose records are with the producer.
struct InFlight {
    tx: sqlx::Transaction<'static, sqlx::Postgres>,
    rows: Vec<ClaimedRow>,
    /// Index into `rows` of each record with the producer, and its delivery.
    pending: Vec<(usize, rdkafka::producer::DeliveryFuture)>,
    failures: Vec<Failure>,
    /// The rows not yet sent, as waves; see [`order::Waves`].
    waves: order::Waves,
    started: Instant,
}

struct Failure {
    id: i64,
    error: String,
    fatal: bool,
    attempts: i32,
}

impl Relay {
    /// Starts a relay for `outbox`, reading from `pool` and publishing to `bootstrap_servers`,
    /// with the production preset.
    pub fn builder(
        outbox: Outbox,
        pool: PgPool,
        bootstrap_servers: impl Into<String>,
    ) -> RelayBuilder {
        RelayBuilder {
            outbox,
            pool,
            bootstrap_servers: bootstrap_servers.into(),
            config: RelayConfig::preset(Environment::Production),
        }
    }

    /// Runs the relay on the current tokio runtime.
    pub fn spawn(self) -> RelayHandle {
        let (shutdown, shutdown_rx) = watch::channel(false);
        let (dispatch, dispatch_rx) = mpsc::unbounded_channel();
        let wake = Arc::new(Notify::new());
        let live = self.live.clone();
        let task = tokio::spawn(self.run(shutdown_rx, dispatch_rx, wake.clone()));
        RelayHandle {
            shutdown,
            dispatch,
            wake,
            task,
            live,
        }
    }

    async fn run(
        self,
        mut shutdown: watch::Receiver<bool>,
        mut dispatched: mpsc::UnboundedReceiver<Vec<i64>>,
        wake: Arc<Notify>,
    ) -> RelayStats {
        let relay_id = (backoff::random_unit() * f64::from(i32::MAX)) as i32;
        let mut leases =
            ShardLeasesHandle::new(&self.pool, self.outbox.qualified_table(), relay_id);
        let mut listener = None;
        let mut idle = self.config.idle_floor;
        let mut next_lease_refresh = Instant::now();
        // The retention cleanup runs beside the claims, so deleting never holds one up.
        let cleanup = (self.config.after_ack == AfterAck::MarkPublished).then(|| {
            tokio::spawn(run_cleanup(
                self.outbox.clone(),
                self.pool.clone(),
                self.config.clone(),
                shutdown.clone(),
            ))
        });
        let mut next_depth = Instant::now();
        let mut priority: Vec<i64> = Vec::new();
        let mut in_flight: Option<InFlight> = None;

        while !*shutdown.borrow() {
            if listener.is_none() {
                listener = self.listen().await;
            }
            if Instant::now() >= next_lease_refresh {
                // Shards may move during a refresh: nothing of ours may be in flight then.
                if let Some(batch) = in_flight.take()
                    && let Err(err) = self.settle(batch).await
                {
                    relay_error(
                        "settle",
                        &err,
                        "a batch could not be marked; it will be sent again",
                    );
                }
                if let Err(err) = leases.0.refresh().await {
                    relay_error(
                        "lease",
                        &err,
                        "the shard leases could not be refreshed; retrying",
                    );
                    self.pause(&mut shutdown, self.config.error_pause).await;
                    continue;
                }
                next_lease_refresh = Instant::now() + self.config.lease_refresh;
            }
            if Instant::now() >= next_depth {
                // Counting pending rows costs a scan; often enough for a gauge, no more.
                self.record_depth().await;
                next_depth = Instant::now() + DEPTH_INTERVAL;
            }
            while let Ok(ids) = dispatched.try_recv() {
                priority.extend(ids);
            }
            let owned = leases.0.owned().to_vec();
            let ids = std::mem::take(&mut priority);
            // Two batches in flight: the next one is claimed and sent while the previous one
            // waits for its acknowledgements. Its rows are locked by the previous transaction,
            // so the claim skips them; later rows of the same keys are sent after them, and the
            // idempotent producer keeps that order per partition.
            let next = if owned.is_empty() {
                Ok(None)
            } else {
                // Keys of the batch in flight wait for it: if one of its rows fails, a later row
                // of the same key must not overtake it.
                let busy_keys: Vec<&str> = in_flight
                    .as_ref()
                    .map(|batch| {
                        batch
                            .rows
                            .iter()
                            .map(|row| row.partition_key.as_str())
                            .collect()
                    })
                    .unwrap_or_default();
                self.claim_and_send(&owned, &ids, &busy_keys).await
            };
            let settled = match in_flight.take() {
                Some(previous) => self.settle(previous).await,
                None => Ok(()),
            };
            match (next, settled) {
                (Ok(Some(batch)), Ok(())) => {
                    in_flight = Some(batch);
                    idle = self.config.idle_floor;
                }
                (Ok(None), Ok(())) => {
                    let woken = tokio::select! {
                        _ = tokio::time::sleep(idle) => false,
                        _ = shutdown.changed() => true,
                        _ = wake.notified() => true,
                        ids = dispatched.recv() => { priority.extend(ids.unwrap_or_default()); true }
                        notified = recv(&mut listener) => {
                            if !notified { listener = None; }
                            true
                        }
                    };
                    idle = if woken {
                        self.config.idle_floor
                    } else {
                        (idle * 2).min(self.config.idle_ceiling)
                    };
                }
                (next, settled) => {
                    // A batch that was sent but cannot be marked stays pending (its transaction
                    // rolls back when dropped) and is sent again: same event ids, no loss.
                    let err = match next {
                        Ok(batch) => {
                            in_flight = batch;
                            settled
                                .err()
                                .map(|e| format!("marking a sent batch failed: {e}"))
                                .unwrap_or_default()
                        }
                        Err(claim) => format!("claim failed: {claim}"),
                    };
                    relay_error("batch", &err, "relay batch failed; rows stay pending");
                    listener = None;
                    next_lease_refresh = Instant::now();
                    self.pause(&mut shutdown, self.config.error_pause).await;
                }
            }
        }
        if let Some(last) = in_flight.take()
            && let Err(err) = self.settle(last).await
        {
            relay_error(
                "settle",
                &err,
                "the last batch could not be marked; it will be sent again",
            );
        }
        let _ = self.producer.flush(self.config.message_timeout);
        leases.0.release().await;
        if let Some(cleanup) = cleanup {
            // It stops after the statement in progress.
            let _ = cleanup.await;
        }
        self.live.snapshot()
    }

    async fn listen(&self) -> Option<PgListener> {
        let mut listener = PgListener::connect_with(&self.pool).await.ok()?;
        listener.listen(self.outbox.channel()).await.ok()?;
        Some(listener)
    }

    async fn pause(&self, shutdown: &mut watch::Receiver<bool>, pause: Duration) {
        tokio::select! {
            _ = tokio::time::sleep(pause) => {}
            _ = shutdown.changed() => {}
        }
    }

    /// Claims a batch in its own transaction and hands every row to the producer, without
    /// waiting for acknowledgements. The rows stay locked until [`settle`](Self::settle) commits.
    #[tracing::instrument(name = "relay.claim", skip_all, fields(shards = owned.len(), rows))]
    async fn claim_and_send(
        &self,
        owned: &[i16],
        priority: &[i64],
        busy_keys: &[&str],
    ) -> Result<Option<InFlight>, sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        let rows: Vec<ClaimedRow> = if priority.is_empty() {
            sqlx::query_as(self.statements.claim.clone())
                .bind(owned)
                .bind(self.config.batch_size)
                .bind(busy_keys)
                .fetch_all(&mut *tx)
                .await?
        } else {
            sqlx::query_as(self.statements.claim_ids.clone())
                .bind(owned)
                .bind(self.config.batch_size)
                .bind(busy_keys)
                .bind(priority)
                .fetch_all(&mut *tx)
                .await?
        };
        tracing::Span::current().record("rows", rows.len());
        if rows.is_empty() {
            tx.rollback().await?;
            return Ok(None);
        }
        self.live.batches.fetch_add(1, Ordering::Relaxed);
        metrics::histogram!(names::OUTBOX_BATCH_SIZE).record(rows.len() as f64);
        let started = Instant::now();
        let mut pending = Vec::with_capacity(rows.len());
        let mut failures: Vec<Failure> = Vec::new();
        // The first row of each key now; a key's later rows once the row before them is
        // acknowledged (in `settle`), so that none can overtake an earlier row that fails.
        let mut waves = order::Waves::plan(rows.iter().map(|row| row.partition_key.as_str()));
        if let Some(wave) = waves.next_wave() {
            self.send_wave(&rows, &wave, &mut waves, &mut pending, &mut failures)
                .await;
        }
        Ok(Some(InFlight {
            tx,
            rows,
            pending,
            failures,
            waves,
            started,
        }))
    }

    /// Sends the rows of one wave whose key is not held; a row that fails at once holds its key.
    async fn send_wave(
        &self,
        rows: &[ClaimedRow],
        wave: &[usize],
        waves: &mut order::Waves,
        pending: &mut Vec<(usize, rdkafka::producer::DeliveryFuture)>,
        failures: &mut Vec<Failure>,
    ) {
        for &index in wave {
            let row = &rows[index];
            if waves.is_held(&row.partition_key) {
                continue;
            }
            let failed_before = failures.len();
            self.send_row(index, row, pending, failures).await;
            if failures.len() > failed_before {
                waves.hold(&row.partition_key);
            }
        }
    }

    /// Hands one claimed row to the producer, or records why it cannot be sent.
    async fn send_row(
        &self,
        index: usize,
        row: &ClaimedRow,
        pending: &mut Vec<(usize, rdkafka::producer::DeliveryFuture)>,
        failures: &mut Vec<Failure>,
    ) {
        if let Err(err) = serde_json::from_slice::<serde::de::IgnoredAny>(&row.payload) {
            failures.push(Failure {
                id: row.id,
                error: format!("payload is not valid JSON ({err}); it cannot be published"),
                fatal: true,
                attempts: row.attempts,
            });
            return;
        }
        let headers = match header_pairs(&row.headers.0) {
            Ok(pairs) => to_kafka_headers(pairs),
            Err(reason) => {
                failures.push(Failure {
                    id: row.id,
                    error: format!(
                        "headers column is not a JSON array of [name, value] string pairs ({reason}); \
                         the row cannot be published"
                    ),
                    fatal: true,
                    attempts: row.attempts,
                });
                return;
            }
        };
        let mut attempt = 0;
        loop {
            let record = FutureRecord::to(&row.topic)
                .key(row.partition_key.as_bytes())
                .payload(&row.payload)
                .headers(headers.clone());
            match self.producer.send_result(record) {
                Ok(delivery) => {
                    pending.push((index, delivery));
                    break;
                }
                Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), _))
                    if attempt < 1000 =>
                {
                    attempt += 1;
                    tokio::time::sleep(Duration::from_millis(1)).await;
                }
                Err((err, _)) => {
                    failures.push(Failure {
                        id: row.id,
                        error: describe(&err),
                        fatal: false,
                        attempts: row.attempts,
                    });
                    break;
                }
            }
        }
    }

    /// Waits for a batch's acknowledgements, marks its rows (published, or failed with backoff,
    /// or dead) and commits.
    #[tracing::instrument(name = "relay.publish", skip_all, fields(rows = batch.rows.len()))]
    async fn settle(&self, batch: InFlight) -> Result<(), sqlx::Error> {
        let InFlight {
            mut tx,
            rows,
            mut pending,
            mut failures,
            mut waves,
            started,
        } = batch;
        let mut acked = Vec::with_capacity(rows.len());
        loop {
            let (indexes, deliveries): (Vec<usize>, Vec<_>) = pending.drain(..).unzip();
            for (index, result) in indexes.into_iter().zip(join_all(deliveries).await) {
                let row = &rows[index];
                let error = match result {
                    Ok(Ok(_)) => {
                        acked.push(row.id);
                        continue;
                    }
                    Ok(Err((err, _))) => describe(&err),
                    Err(_) => "the producer dropped the delivery report".into(),
                };
                // The key's later rows must not overtake this one: they stay pending.
                waves.hold(&row.partition_key);
                failures.push(Failure {
                    id: row.id,
                    error,
                    fatal: false,
                    attempts: row.attempts,
                });
            }
            match waves.next_wave() {
                Some(wave) => {
                    self.send_wave(&rows, &wave, &mut waves, &mut pending, &mut failures)
                        .await
                }
                None => break,
            }
        }
        metrics::histogram!(names::OUTBOX_PUBLISH_LATENCY_SECONDS)
            .record(started.elapsed().as_secs_f64());
        self.explain_timeouts(&rows, &mut failures).await;

        if !acked.is_empty() {
            sqlx::query(self.statements.acked.clone())
                .bind(&acked)
                .execute(&mut *tx)
                .await?;
        }
        let mut dead = 0;
        if !failures.is_empty() {
            let ids: Vec<i64> = failures.iter().map(|f| f.id).collect();
            let errors: Vec<String> = failures.iter().map(|f| f.error.clone()).collect();
            let delays: Vec<f64> = failures
                .iter()
                .map(|f| {
                    self.config
                        .backoff
                        .delay((f.attempts + 1) as u32, backoff::random_unit())
                        .as_secs_f64()
                })
                .collect();
            let fatal: Vec<bool> = failures.iter().map(|f| f.fatal).collect();
            let went_dead: Vec<(bool,)> = sqlx::query_as(self.statements.failed.clone())
                .bind(&ids)
                .bind(&errors)
                .bind(&delays)
                .bind(&fatal)
                .bind(self.config.max_attempts)
                .fetch_all(&mut *tx)
                .await?;
            dead = went_dead.iter().filter(|(d,)| *d).count() as u64;
        }
        tx.commit().await?;

        self.live
            .published
            .fetch_add(acked.len() as u64, Ordering::Relaxed);
        self.live
            .failed
            .fetch_add(failures.len() as u64, Ordering::Relaxed);
        self.live.dead.fetch_add(dead, Ordering::Relaxed);
        metrics::counter!(names::OUTBOX_PUBLISHED_TOTAL).increment(acked.len() as u64);
        metrics::counter!(names::OUTBOX_FAILED_TOTAL).increment(failures.len() as u64);
        metrics::counter!(names::OUTBOX_DEAD_TOTAL).increment(dead);
        for failure in &failures {
            tracing::warn!(row = failure.id, attempts = failure.attempts + 1, error = %failure.error, "publish failed");
        }
        Ok(())
    }

    /// A record that times out often does so because its topic does not exist (on clusters that
    /// do not create topics on demand). Say so in `last_error`, where an operator will look.
    async fn explain_timeouts(&self, rows: &[ClaimedRow], failures: &mut [Failure]) {
        let mut checked: Vec<(String, bool)> = Vec::new();
        for failure in failures
            .iter_mut()
            .filter(|f| f.error.contains("MessageTimedOut") || f.error.contains("UnknownTopic"))
        {
            let Some(row) = rows.iter().find(|row| row.id == failure.id) else {
                continue;
            };
            let missing = match checked.iter().find(|(topic, _)| *topic == row.topic) {
                Some((_, missing)) => *missing,
                None => {
                    let missing = self.topic_missing(&row.topic).await;
                    checked.push((row.topic.clone(), missing));
                    if missing {
                        metrics::counter!(names::OUTBOX_TOPIC_MISSING_TOTAL, "topic" => row.topic.clone())
                            .increment(1);
                        tracing::error!(
                            topic = %row.topic,
                            "topic does not exist on the cluster; its rows wait and go dead after their attempts. Create it (cargo xtask topics apply), then replay the dead rows"
                        );
                    }
                    missing
                }
            };
            if missing {
                failure.error = format!(
                    "topic `{}` does not exist on the cluster; create it (or fix the contract's topic), then replay. {}",
                    row.topic, failure.error
                );
            } else if let Some((at, client_error)) = self.client.last_error()
                && at.elapsed() <= self.config.message_timeout + Duration::from_secs(60)
            {
                // A timeout often has a cause the client saw: authentication refused, a TLS
                // handshake that failed, brokers down.
                failure.error = format!("{}; last client error: {client_error}", failure.error);
            }
        }
    }

    async fn topic_missing(&self, topic: &str) -> bool {
        let producer = self.producer.clone();
        let topic = topic.to_owned();
        tokio::task::spawn_blocking(move || {
            producer
                .client()
                .fetch_metadata(Some(&topic), Duration::from_secs(2))
                .ok()
                .and_then(|metadata| {
                    metadata
                        .topics()
                        .first()
                        .map(|t| t.error().is_some() || t.partitions().is_empty())
                })
                .unwrap_or(false)
        })
        .await
        .unwrap_or(false)
    }

    async fn record_depth(&self) {
        let depth = match self.outbox.depth(&self.pool).await {
            Ok(depth) => depth,
            Err(err) => return relay_error("depth", &err, "the outbox depth could not be read"),
        };
        {
            metrics::gauge!(names::OUTBOX_DEPTH).set(depth.pending as f64);
            metrics::gauge!(names::OUTBOX_OLDEST_PENDING_AGE_SECONDS).set(
                depth
                    .oldest_pending_age
                    .map(|age| age.as_secs_f64())
                    .unwrap_or(0.0),
            );
        }
    }
}

/// The retention cleanup: every `cleanup_interval`, published rows past the retention are
/// deleted `cleanup_batch` at a time until a statement deletes fewer, so the table does not grow
/// however fast rows are published. Several relays on one table skip each other's rows.
async fn run_cleanup(
    outbox: Outbox,
    pool: PgPool,
    config: RelayConfig,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        tokio::select! {
            _ = tokio::time::sleep(config.cleanup_interval) => {}
            changed = shutdown.changed() => if changed.is_err() { return },
        }
        let mut deleted = 0;
        while !*shutdown.borrow() {
            match outbox
                .cleanup_published(&pool, config.retention, config.cleanup_batch)
                .await
            {
                Ok(rows) => {
                    deleted += rows;
                    if rows < config.cleanup_batch.unsigned_abs() {
                        break;
                    }
                }
                Err(err) => {
                    relay_error("cleanup", &err, "retention cleanup failed");
                    break;
                }
            }
        }
        if deleted > 0 {
            tracing::debug!(deleted, "deleted published rows past retention");
        }
        if *shutdown.borrow() {
            return;
        }
    }
}

/// Logs a database error of the relay's own work (the row data is not in it) and counts it in
/// `outbox_relay_errors_total{stage}`.
fn relay_error(stage: &'static str, error: &dyn std::fmt::Display, message: &'static str) {
    metrics::counter!(names::OUTBOX_RELAY_ERRORS_TOTAL, "stage" => stage).increment(1);
    tracing::warn!(stage, error = %error, "{message}");
}

/// Waits for a notification; false when the listener failed and must be recreated. Without a
/// listener it never resolves, leaving the wait to the polling timer.
async fn recv(listener: &mut Option<PgListener>) -> bool {
    match listener {
        Some(listener) => listener.recv().await.is_ok(),
        None => std::future::pending().await,
    }
}

/// The `(name, value)` pairs of a row's `headers` column, which must be `[[string, string], …]`
/// (docs/OUTBOX.md); otherwise what is wrong, without repeating the values.
fn header_pairs(headers: &serde_json::Value) -> Result<Vec<(&str, &str)>, String> {
    let serde_json::Value::Array(pairs) = headers else {
        return Err(format!("found {}", json_kind(headers)));
    };
    pairs
        .iter()
        .enumerate()
        .map(|(index, pair)| match pair {
            serde_json::Value::Array(items) => match items.as_slice() {
                [
                    serde_json::Value::String(name),
                    serde_json::Value::String(value),
                ] => Ok((name.as_str(), value.as_str())),
                [_, _] => Err(format!("pair {index} does not hold two strings")),
                other => Err(format!("pair {index} has {} elements, not 2", other.len())),
            },
            other => Err(format!(
                "element {index} is {}, not a pair",
                json_kind(other)
            )),
        })
        .collect()
}

fn json_kind(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

fn describe(err: &KafkaError) -> String {
    let text = format!("Kafka rejected the record: {err}");
    text.chars().take(1000).collect()
}

struct ShardLeasesHandle(lease::ShardLeases);

impl ShardLeasesHandle {
    fn new(pool: &PgPool, qualified_table: &str, relay_id: i32) -> Self {
        Self(lease::ShardLeases::new(
            pool.connect_options().as_ref().clone(),
            qualified_table,
            relay_id,
        ))
    }
}
