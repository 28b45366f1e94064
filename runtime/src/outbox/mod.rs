//! The transactional outbox (feature `postgres`).
//!
//! An event is written into the outbox table in the same transaction as the business change that
//! caused it, so it exists if and only if that change committed. A relay publishes it afterwards.
//!
//! ```ignore
//! let outbox = Outbox::builder().build()?;
//! outbox.migrate(&pool).await?;
//!
//! let mut tx = pool.begin().await?;
//! // ... the service's own writes ...
//! outbox.enqueue(&mut tx, &EventEnvelope::new("cj_assessment_service", result)).await?;
//! tx.commit().await?; // the relay is notified now, and only now
//! ```
//!
//! Before anything is written, the envelope is serialized once, its payload is validated against
//! the event's JSON Schema (switch off with [`OutboxBuilder::validate`]), and its size is checked:
//! above the target (100 KB by default) a warning metric is raised; above the hard cap (1 MB) the
//! call fails with [`OutboxError::PayloadTooLarge`]. A failed check writes nothing and leaves the
//! transaction usable.
//!
//! # Large data: the claim-check pattern
//!
//! Events carry references, not bulk data. Store the text, metrics or feedback in the content
//! service and put an `ArtifactRef` (`content://<storage id>`) in the event; consumers fetch it
//! when they need it. HuleEdu's guidance: inline under 10 KB, reference above 50 KB.
//!
//! # Why there is no "publish first, outbox on failure"
//!
//! Publishing before the transaction commits either publishes events of transactions that then
//! roll back, or, when the process dies between publish and commit, loses the business change but
//! not the event; publishing after commit without the outbox loses events when the process dies in
//! between. Both break the one guarantee that matters. tidings writes first and publishes after
//! commit: fast, because the relay is woken by `NOTIFY` on commit (or handed the ids directly by a
//! `Dispatcher`), and never wrong.

mod admin;
mod ident;
pub(crate) mod migrate;

use std::sync::Arc;
use std::time::Instant;

use sqlx::{AssertSqlSafe, PgConnection, SqlStr};
use uuid::Uuid;

use crate::envelope::EventEnvelope;
use crate::event::{Event, ThinEvent};
use crate::headers::StandardHeaders;
use crate::metrics as names;
use crate::validate::{
    Recorded, SerializeError, ValidationError, to_vec_recorded, validate_recorded_envelope,
};

pub use admin::{DeadRow, Depth};
pub use ident::{InvalidIdent, SqlIdent};

/// Number of key shards. A row's shard is FNV-1a(partition key) mod this; relays lease shards.
pub const KEY_SHARDS: i16 = 64;

/// Batches at least this large are written in two statements inside a transaction, so that checking
/// the later events overlaps writing the first ones (see [`Outbox::enqueue_batch`]).
pub const OVERLAP_MIN_BATCH: usize = 16;

/// Default payload size above which a warning metric is raised.
pub const DEFAULT_SIZE_TARGET: usize = 100 * 1024;

/// Default record size above which enqueue fails: [`MAX_RECORD_BYTES`](crate::record::MAX_RECORD_BYTES),
/// counted as the relay will send the record (value + key + headers + framing), so that whatever
/// the outbox accepts, the relay's producer can publish.
pub const DEFAULT_SIZE_CAP: usize = 1_000_000;

/// What can go wrong when writing to the outbox.
#[derive(Debug, thiserror::Error)]
pub enum OutboxError {
    /// The record (serialized envelope + key + headers) is larger than the hard cap. Nothing was
    /// written.
    #[error(
        "event for topic `{topic}` is {bytes} bytes, over the outbox limit of {limit} bytes; store the data in the content service and send an ArtifactRef instead"
    )]
    PayloadTooLarge {
        /// Topic of the event.
        topic: &'static str,
        /// Serialized size.
        bytes: usize,
        /// The configured cap.
        limit: usize,
    },
    /// The payload breaks its contract. Nothing was written.
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    /// The envelope could not be serialized. Nothing was written.
    #[error("event for topic `{topic}` cannot be serialized: {source}")]
    Serialize {
        /// Topic of the event.
        topic: &'static str,
        /// serde_json's error.
        #[source]
        source: serde_json::Error,
    },
    /// A number in the event is NaN or infinite, which JSON cannot represent (RFC 8259 §6).
    /// Nothing was written and the transaction stays usable.
    #[error(
        "event for topic `{topic}` cannot be serialized: the number at {path} is {value}, which JSON cannot represent; send a finite number, or leave an optional field empty"
    )]
    NonFiniteNumber {
        /// Topic of the event.
        topic: &'static str,
        /// JSON pointer to the number inside the envelope, e.g. `/data/scores/2`.
        path: String,
        /// `NaN`, `infinity` or `-infinity`.
        value: &'static str,
    },
    /// A text column or header would hold a NUL character, which Postgres text and JSONB cannot
    /// store. Nothing was written and the transaction stays usable.
    #[error(
        "event for topic `{topic}`: {field} contains a NUL character, which Postgres cannot store; remove it"
    )]
    NulCharacter {
        /// Topic of the event.
        topic: &'static str,
        /// Where: `partition key`, or a header name such as `source_service`.
        field: &'static str,
    },
    /// The two halves of a thin/rich pair belong to different operations.
    #[error(
        "thin event {thin} and rich event {rich} must share a correlation id to be enqueued as a pair; build both envelopes with the same .correlation_id(...)"
    )]
    PairMismatch {
        /// Thin event name.
        thin: &'static str,
        /// Rich event name.
        rich: &'static str,
    },
    /// The database refused the statement. The caller's transaction is aborted.
    #[error("outbox database error: {0}")]
    Database(#[from] sqlx::Error),
    /// A migration failed.
    #[error("outbox migration {version} failed: {source}")]
    Migration {
        /// Migration number.
        version: u32,
        /// The database error.
        #[source]
        source: sqlx::Error,
    },
}

/// A row written to the outbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Enqueued {
    /// Row id: the enqueue order.
    pub id: i64,
    /// The envelope's event id.
    pub event_id: Uuid,
    /// False when a row with this event id already existed (a retried producer with a
    /// deterministic id); nothing new was written then.
    pub inserted: bool,
}

/// A configured outbox: which table, and the checks done before writing.
#[derive(Clone, Debug)]
pub struct Outbox {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    schema: SqlIdent,
    table: SqlIdent,
    qualified: String,
    channel: String,
    validate: bool,
    size_target: usize,
    size_cap: usize,
    /// Rows with a topic each.
    insert: SqlStr,
    /// Rows of one topic, bound once.
    insert_topic: SqlStr,
    insert_one: SqlStr,
}

/// Builds an [`Outbox`].
#[derive(Debug, Clone)]
#[must_use]
pub struct OutboxBuilder {
    schema: String,
    table: String,
    validate: bool,
    size_target: usize,
    size_cap: usize,
}

impl Default for OutboxBuilder {
    fn default() -> Self {
        Self {
            schema: "public".into(),
            table: "tidings_outbox".into(),
            validate: true,
            size_target: DEFAULT_SIZE_TARGET,
            size_cap: DEFAULT_SIZE_CAP,
        }
    }
}

impl OutboxBuilder {
    /// Schema of the outbox table (default `public`).
    pub fn schema(mut self, schema: impl Into<String>) -> Self {
        self.schema = schema.into();
        self
    }

    /// Name of the outbox table (default `tidings_outbox`).
    pub fn table(mut self, table: impl Into<String>) -> Self {
        self.table = table.into();
        self
    }

    /// Whether payloads are validated against their JSON Schema before writing (default on).
    pub fn validate(mut self, validate: bool) -> Self {
        self.validate = validate;
        self
    }

    /// Size above which a warning metric is raised (default 100 KB).
    pub fn size_target(mut self, bytes: usize) -> Self {
        self.size_target = bytes;
        self
    }

    /// Record size above which enqueue fails (default [`DEFAULT_SIZE_CAP`], 1,000,000 bytes),
    /// counted as the relay sends the record: value + key + header names and values + framing.
    /// A relay refuses to start when its producer's `message.max.bytes` could not carry a record
    /// of this size.
    pub fn size_cap(mut self, bytes: usize) -> Self {
        self.size_cap = bytes;
        self
    }

    /// The outbox, once the names are validated.
    pub fn build(self) -> Result<Outbox, InvalidIdent> {
        let schema = SqlIdent::schema(&self.schema, "outbox schema")?;
        let table = SqlIdent::table(&self.table, "outbox table")?;
        let qualified = format!("{schema}.{table}");
        let channel = format!("tidings_{}_{}", schema.as_str(), table.as_str());
        if channel.len() > 63 {
            // NOTIFY channels are identifiers too.
            return Err(InvalidIdent {
                name: format!("{}.{}", schema.as_str(), table.as_str()),
                role: "outbox schema and table",
                requirement: "at most 54 characters together, so that the NOTIFY channel `tidings_<schema>_<table>` fits Postgres' 63",
            });
        }
        // Audited: the only interpolated text is `qualified`, built from validated identifiers.
        let insert = AssertSqlSafe(format!(
            "INSERT INTO {qualified} (event_id, event_type, topic, partition_key, key_shard, headers, payload) \
             SELECT * FROM UNNEST($1::uuid[], $2::text[], $3::text[], $4::text[], $5::int2[], $6::jsonb[], $7::bytea[]) \
             ON CONFLICT (event_id) DO NOTHING \
             RETURNING id, event_id"
        ))
        .into_sql_str();
        let insert_topic = AssertSqlSafe(format!(
            "INSERT INTO {qualified} (event_id, event_type, topic, partition_key, key_shard, headers, payload) \
             SELECT e, t, $3, k, s, h, p FROM UNNEST($1::uuid[], $2::text[], $4::text[], $5::int2[], $6::jsonb[], $7::bytea[]) AS u(e, t, k, s, h, p) \
             ON CONFLICT (event_id) DO NOTHING \
             RETURNING id, event_id"
        ))
        .into_sql_str();
        let insert_one = AssertSqlSafe(format!(
            "INSERT INTO {qualified} (event_id, event_type, topic, partition_key, key_shard, headers, payload) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (event_id) DO NOTHING RETURNING id, event_id"
        ))
        .into_sql_str();
        Ok(Outbox {
            inner: Arc::new(Inner {
                schema,
                table,
                qualified,
                channel,
                validate: self.validate,
                size_target: self.size_target,
                size_cap: self.size_cap,
                insert,
                insert_topic,
                insert_one,
            }),
        })
    }
}

use sqlx::SqlSafeStr as _;

/// A multi-row insert with its parameters already encoded.
struct Statement {
    sql: SqlStr,
    arguments: sqlx::postgres::PgArguments,
}

/// One envelope, serialized and checked, ready to insert.
#[derive(Debug, Clone)]
pub(crate) struct PreparedRow {
    pub event_id: Uuid,
    pub event_type: String,
    pub topic: &'static str,
    pub partition_key: String,
    pub key_shard: i16,
    /// `[[name, value], ...]`, serialized when bound.
    pub headers: sqlx::types::Json<Vec<(&'static str, String)>>,
    pub payload: Vec<u8>,
}

impl Outbox {
    /// Starts a configuration with the defaults: `public.tidings_outbox`, validation on,
    /// 100 KB target, 1 MB cap.
    pub fn builder() -> OutboxBuilder {
        OutboxBuilder::default()
    }

    /// The record size above which enqueue fails ([`OutboxBuilder::size_cap`]).
    pub fn size_cap(&self) -> usize {
        self.inner.size_cap
    }

    /// `schema.table`, quoted.
    pub fn qualified_table(&self) -> &str {
        &self.inner.qualified
    }

    /// The `LISTEN` channel relays wait on.
    pub fn channel(&self) -> &str {
        &self.inner.channel
    }

    pub(crate) fn schema(&self) -> &SqlIdent {
        &self.inner.schema
    }

    pub(crate) fn table(&self) -> &SqlIdent {
        &self.inner.table
    }

    /// Writes one event inside the caller's transaction.
    #[tracing::instrument(name = "outbox.enqueue", skip_all, fields(topic = T::TOPIC, event_id = %envelope.event_id))]
    pub async fn enqueue<T: Event>(
        &self,
        conn: &mut PgConnection,
        envelope: &EventEnvelope<T>,
    ) -> Result<Enqueued, OutboxError> {
        let row = self.prepare(envelope, None)?;
        self.insert_one(conn, &row).await
    }

    /// Writes several events of one type inside the caller's transaction. Every envelope is
    /// checked; if one fails, the call returns its error and leaves nothing of the batch in the
    /// table, with the transaction still usable.
    ///
    /// Inside a transaction, a batch of [`OVERLAP_MIN_BATCH`] or more is written in two statements
    /// so that checking the later events overlaps the database writing the first fifth; should a
    /// later event fail its check, the rows already written are deleted again before the error is
    /// returned. On a connection outside a transaction the batch is one statement, so it is
    /// written whole or not at all.
    #[tracing::instrument(name = "outbox.enqueue_batch", skip_all, fields(topic = T::TOPIC, count = envelopes.len()))]
    pub async fn enqueue_batch<T: Event>(
        &self,
        conn: &mut PgConnection,
        envelopes: &[EventEnvelope<T>],
    ) -> Result<Vec<Enqueued>, OutboxError> {
        use sqlx::Connection as _;

        if envelopes.len() < OVERLAP_MIN_BATCH || !conn.is_in_transaction() {
            let rows = envelopes
                .iter()
                .map(|envelope| self.prepare(envelope, None))
                .collect::<Result<Vec<_>, _>>()?;
            return self.insert(conn, &rows).await;
        }
        // The database takes several times longer to write a row than this side takes to
        // serialize and check one: a fifth of the batch keeps it busy while the rest is prepared.
        let (head, tail) = envelopes.split_at(envelopes.len() / 5);
        let mut head_rows = Vec::with_capacity(head.len());
        let mut head_tapes = Vec::with_capacity(head.len());
        for envelope in head {
            let (row, recorded) = self.serialize(envelope, None)?;
            head_rows.push(row);
            head_tapes.push(recorded);
        }
        let head_statement = self.statement(&head_rows)?;
        let (written, rest) = {
            let mut insert = std::pin::pin!(self.execute(conn, &head_rows, head_statement));
            // The first poll sends the statement. While the database writes the first rows, they
            // are checked here, and the rest of the batch is serialized, checked and encoded.
            let sent = std::future::poll_fn(|cx| {
                std::task::Poll::Ready(std::future::Future::poll(insert.as_mut(), cx))
            })
            .await;
            let rest = head_rows
                .iter()
                .zip(head_tapes)
                .try_for_each(|(row, recorded)| Self::check::<T>(row, recorded))
                .and_then(|()| {
                    let rows = tail
                        .iter()
                        .map(|envelope| self.prepare(envelope, None))
                        .collect::<Result<Vec<_>, _>>()?;
                    let statement = self.statement(&rows)?;
                    Ok((rows, statement))
                });
            let written = match sent {
                std::task::Poll::Ready(written) => written?,
                std::task::Poll::Pending => insert.await?,
            };
            (written, rest)
        };
        match rest {
            Ok((rows, statement)) => {
                let mut written = written;
                written.extend(self.execute(conn, &rows, statement).await?);
                count_inserted(&written);
                Ok(written)
            }
            Err(err) => {
                self.withdraw(conn, &written).await?;
                Err(err)
            }
        }
    }

    /// Deletes the rows a failed batch had already written.
    async fn withdraw(
        &self,
        conn: &mut PgConnection,
        written: &[Enqueued],
    ) -> Result<(), OutboxError> {
        let ids: Vec<i64> = written
            .iter()
            .filter(|row| row.inserted)
            .map(|row| row.id)
            .collect();
        if ids.is_empty() {
            return Ok(());
        }
        sqlx::query(AssertSqlSafe(format!(
            "DELETE FROM {} WHERE id = ANY($1)",
            self.inner.qualified
        )))
        .bind(&ids)
        .execute(conn)
        .await?;
        Ok(())
    }

    /// Writes a thin/rich pair in one statement inside the caller's transaction. Both envelopes
    /// must carry the same correlation id; both rows get the thin event's partition key, so the
    /// pair is ordered like one aggregate's events.
    #[tracing::instrument(name = "outbox.enqueue_dual", skip_all, fields(thin = T::TOPIC, rich = <T::Rich as Event>::TOPIC))]
    pub async fn enqueue_dual<T: ThinEvent>(
        &self,
        conn: &mut PgConnection,
        thin: &EventEnvelope<T>,
        rich: &EventEnvelope<T::Rich>,
    ) -> Result<(Enqueued, Enqueued), OutboxError> {
        if thin.correlation_id != rich.correlation_id {
            return Err(OutboxError::PairMismatch {
                thin: T::NAME,
                rich: <T::Rich as Event>::NAME,
            });
        }
        let thin_row = self.prepare(thin, None)?;
        let rich_row = self.prepare(rich, Some(thin_row.partition_key.clone()))?;
        let written = self.insert(conn, &[thin_row, rich_row]).await?;
        match written.as_slice() {
            [thin, rich] => Ok((*thin, *rich)),
            _ => Err(OutboxError::Database(sqlx::Error::Protocol(format!(
                "the outbox reported {} rows for a pair",
                written.len()
            )))),
        }
    }

    /// Serializes and checks one envelope.
    pub(crate) fn prepare<T: Event>(
        &self,
        envelope: &EventEnvelope<T>,
        key_override: Option<String>,
    ) -> Result<PreparedRow, OutboxError> {
        let (row, recorded) = self.serialize(envelope, key_override)?;
        Self::check::<T>(&row, recorded)?;
        Ok(row)
    }

    /// Validates a serialized row against its event's schema, when validation is on (then the
    /// serialization recorded the tape the validator reads).
    fn check<T: Event>(row: &PreparedRow, recorded: Option<Recorded>) -> Result<(), OutboxError> {
        match recorded {
            Some(recorded) => Ok(validate_recorded_envelope::<T>(&row.payload, recorded)?),
            None => Ok(()),
        }
    }

    /// Serializes one envelope and checks its size; the schema check is left to [`Self::check`].
    fn serialize<T: Event>(
        &self,
        envelope: &EventEnvelope<T>,
        key_override: Option<String>,
    ) -> Result<(PreparedRow, Option<Recorded>), OutboxError> {
        let topic = T::TOPIC;
        let started = Instant::now();
        let partition_key = match key_override {
            Some(key) => key,
            None => envelope.data.partition_key().as_str().to_owned(),
        };
        metrics::histogram!(names::PARTITION_KEY_RESOLUTION_SECONDS, "topic" => topic)
            .record(started.elapsed().as_secs_f64());

        let serialize = |source| OutboxError::Serialize { topic, source };
        // Validation reads the very bytes that are stored, through the tape recorded while
        // writing them.
        // Recorded even without validation: the recorder also stops documents nested deeper
        // than a consumer can read (`validate::MAX_NESTING`).
        let recording_error = |err| match err {
            SerializeError::Json(source) => serialize(source),
            SerializeError::NonFinite { kind, path } => OutboxError::NonFiniteNumber {
                topic,
                path,
                value: kind.as_str(),
            },
        };
        let (mut payload, mut recorded) = to_vec_recorded(envelope).map_err(recording_error)?;
        // Derived defaults (`tidings::rules::filled_from`) are written filled, as a pydantic
        // producer's model writes them, so no consumer in any language sees them empty.
        if let Some(schema) = crate::rules::fills_of(&T::DESCRIPTOR) {
            let mut value: serde_json::Value =
                serde_json::from_slice(&payload).map_err(serialize)?;
            if let Some(data) = value.get_mut("data")
                && crate::rules::fill_defaults(&schema, data) > 0
            {
                (payload, recorded) = to_vec_recorded(&value).map_err(recording_error)?;
            }
        }
        let recorded = self.inner.validate.then_some(recorded);

        if payload.len() > self.inner.size_target {
            metrics::counter!(names::OUTBOX_PAYLOAD_OVER_TARGET_TOTAL, "topic" => topic)
                .increment(1);
            tracing::warn!(
                topic,
                bytes = payload.len(),
                target = self.inner.size_target,
                "event payload is above the size target"
            );
        }
        if partition_key.contains('\0') {
            return Err(OutboxError::NulCharacter {
                topic,
                field: "partition key",
            });
        }
        let headers = StandardHeaders::from_envelope(envelope).to_pairs();
        if let Some((field, _)) = headers.iter().find(|(_, value)| value.contains('\0')) {
            return Err(OutboxError::NulCharacter { topic, field });
        }
        let record = crate::record::record_size(
            payload.len(),
            partition_key.len(),
            headers.iter().map(|(name, value)| (*name, value.as_str())),
        );
        if record > self.inner.size_cap {
            return Err(OutboxError::PayloadTooLarge {
                topic,
                bytes: record,
                limit: self.inner.size_cap,
            });
        }
        let row = PreparedRow {
            event_id: envelope.event_id,
            event_type: envelope.event_type.clone(),
            topic,
            key_shard: key_shard(&partition_key),
            partition_key,
            headers: sqlx::types::Json(headers),
            payload,
        };
        Ok((row, recorded))
    }

    /// Writes `rows` in one statement (two or more) or as one row.
    async fn insert(
        &self,
        conn: &mut PgConnection,
        rows: &[PreparedRow],
    ) -> Result<Vec<Enqueued>, OutboxError> {
        match rows {
            [] => Ok(Vec::new()),
            [row] => Ok(vec![self.insert_one(conn, row).await?]),
            _ => {
                let statement = self.statement(rows)?;
                let written = self.execute(conn, rows, statement).await?;
                count_inserted(&written);
                Ok(written)
            }
        }
    }

    /// The multi-row insert of `rows`, its parameters encoded.
    fn statement(&self, rows: &[PreparedRow]) -> Result<Statement, OutboxError> {
        use sqlx::Arguments as _;

        let encode = |err| OutboxError::Database(sqlx::Error::Encode(err));
        let one_topic = rows
            .first()
            .map(|first| first.topic)
            .filter(|topic| rows.iter().all(|row| row.topic == *topic));
        let mut arguments = sqlx::postgres::PgArguments::default();
        arguments
            .add(rows.iter().map(|row| row.event_id).collect::<Vec<_>>())
            .map_err(encode)?;
        arguments
            .add(
                rows.iter()
                    .map(|row| row.event_type.as_str())
                    .collect::<Vec<_>>(),
            )
            .map_err(encode)?;
        let sql = match one_topic {
            Some(topic) => {
                arguments.add(topic).map_err(encode)?;
                self.inner.insert_topic.clone()
            }
            None => {
                arguments
                    .add(rows.iter().map(|row| row.topic).collect::<Vec<_>>())
                    .map_err(encode)?;
                self.inner.insert.clone()
            }
        };
        arguments
            .add(
                rows.iter()
                    .map(|row| row.partition_key.as_str())
                    .collect::<Vec<_>>(),
            )
            .map_err(encode)?;
        arguments
            .add(rows.iter().map(|row| row.key_shard).collect::<Vec<_>>())
            .map_err(encode)?;
        arguments
            .add(rows.iter().map(|row| &row.headers).collect::<Vec<_>>())
            .map_err(encode)?;
        arguments
            .add(
                rows.iter()
                    .map(|row| row.payload.as_slice())
                    .collect::<Vec<_>>(),
            )
            .map_err(encode)?;
        Ok(Statement { sql, arguments })
    }

    /// Runs a multi-row insert of `rows` and reports every row, in order. Counting them in the
    /// metrics is the caller's job: rows of a batch that fails later are withdrawn.
    async fn execute(
        &self,
        conn: &mut PgConnection,
        rows: &[PreparedRow],
        statement: Statement,
    ) -> Result<Vec<Enqueued>, OutboxError> {
        let inserted: Vec<(i64, Uuid)> = sqlx::query_as_with(statement.sql, statement.arguments)
            .fetch_all(&mut *conn)
            .await?;
        // Duplicates (same event id already enqueued) are not returned by the insert; report them
        // with the id of the existing row.
        let mut result: Vec<Enqueued> = Vec::with_capacity(rows.len());
        for row in rows {
            let event_id = row.event_id;
            // The same event id twice in one batch: the first is written, the repeat is not.
            if let Some(first) = result.iter().find(|e| e.event_id == event_id) {
                result.push(Enqueued {
                    id: first.id,
                    event_id,
                    inserted: false,
                });
                continue;
            }
            match inserted.iter().find(|(_, id)| *id == event_id) {
                Some((id, _)) => result.push(Enqueued {
                    id: *id,
                    event_id,
                    inserted: true,
                }),
                None => {
                    let id = self.existing_id(conn, event_id).await?;
                    result.push(Enqueued {
                        id,
                        event_id,
                        inserted: false,
                    });
                }
            }
        }
        Ok(result)
    }

    /// One row: plain parameters cost the server less than arrays.
    async fn insert_one(
        &self,
        conn: &mut PgConnection,
        row: &PreparedRow,
    ) -> Result<Enqueued, OutboxError> {
        let event_id = row.event_id;
        let inserted: Option<(i64, Uuid)> = sqlx::query_as(self.inner.insert_one.clone())
            .bind(row.event_id)
            .bind(row.event_type.as_str())
            .bind(row.topic)
            .bind(row.partition_key.as_str())
            .bind(row.key_shard)
            .bind(&row.headers)
            .bind(row.payload.as_slice())
            .fetch_optional(&mut *conn)
            .await?;
        metrics::counter!(names::OUTBOX_ENQUEUED_TOTAL).increment(u64::from(inserted.is_some()));
        Ok(match inserted {
            Some((id, _)) => Enqueued {
                id,
                event_id,
                inserted: true,
            },
            None => Enqueued {
                id: self.existing_id(conn, event_id).await?,
                event_id,
                inserted: false,
            },
        })
    }

    /// The row of an event id that was already enqueued.
    async fn existing_id(
        &self,
        conn: &mut PgConnection,
        event_id: Uuid,
    ) -> Result<i64, OutboxError> {
        let (id,): (i64,) = sqlx::query_as(AssertSqlSafe(format!(
            "SELECT id FROM {} WHERE event_id = $1",
            self.inner.qualified
        )))
        .bind(event_id)
        .fetch_one(conn)
        .await?;
        Ok(id)
    }
}

/// Adds the rows a call wrote to the enqueued counter.
fn count_inserted(written: &[Enqueued]) {
    let inserted = written.iter().filter(|row| row.inserted).count();
    metrics::counter!(names::OUTBOX_ENQUEUED_TOTAL).increment(inserted as u64);
}

/// The shard of a partition key: FNV-1a (32 bit) of its UTF-8 bytes, mod [`KEY_SHARDS`]. Stable
/// across releases and platforms; rows already written keep the shard they were written with.
pub fn key_shard(key: &str) -> i16 {
    (fnv1a_32(key.as_bytes()) % KEY_SHARDS as u32) as i16
}

/// FNV-1a, 32 bit: a hash that is the same on every platform and in every release.
pub(crate) fn fnv1a_32(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5_u32, |hash, byte| {
        (hash ^ u32::from(*byte)).wrapping_mul(0x0100_0193)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_are_stable_and_in_range() {
        assert_eq!(key_shard(""), (0x811c_9dc5_u32 % 64) as i16);
        assert_eq!(key_shard("batch-1"), key_shard("batch-1"));
        let spread: std::collections::BTreeSet<i16> =
            (0..1000).map(|i| key_shard(&format!("key-{i}"))).collect();
        assert_eq!(spread.len(), 64, "1000 keys cover every shard");
        assert!(spread.iter().all(|s| (0..KEY_SHARDS).contains(s)));
    }

    #[test]
    fn builder_validates_names() {
        assert!(Outbox::builder().table("events; drop").build().is_err());
        let outbox = Outbox::builder()
            .schema("svc")
            .table("outbox")
            .build()
            .unwrap();
        assert_eq!(outbox.qualified_table(), "\"svc\".\"outbox\"");
        assert_eq!(outbox.channel(), "tidings_svc_outbox");
    }
}
