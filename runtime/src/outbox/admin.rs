//! Operations on the outbox outside the write path: depth, dead rows, replay, retention.

use std::time::Duration;

use sqlx::{AssertSqlSafe, FromRow, PgPool};
use uuid::Uuid;

use super::{Outbox, OutboxError};

/// How much is waiting.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Depth {
    /// Pending rows.
    pub pending: i64,
    /// Dead rows.
    pub dead: i64,
    /// Age of the oldest pending row.
    pub oldest_pending_age: Option<Duration>,
}

/// A row that exhausted its attempts.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct DeadRow {
    /// Row id.
    pub id: i64,
    /// Envelope event id.
    pub event_id: Uuid,
    /// Topic.
    pub topic: String,
    /// Partition key.
    pub partition_key: String,
    /// Attempts made.
    pub attempts: i32,
    /// The last error.
    pub last_error: Option<String>,
    /// When it was enqueued.
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl Outbox {
    /// Pending and dead row counts, and the age of the oldest pending row.
    pub async fn depth(&self, pool: &PgPool) -> Result<Depth, OutboxError> {
        // Each part reads a partial index, never the published rows: the oldest pending row is
        // the pending row with the lowest id (ids follow insertion order).
        let (pending, dead, oldest): (i64, i64, Option<f64>) =
            sqlx::query_as(AssertSqlSafe(format!(
                "SELECT (SELECT count(*) FROM {t} WHERE state = 'pending'), \
                    (SELECT count(*) FROM {t} WHERE state = 'dead'), \
                    (SELECT extract(epoch FROM now() - created_at)::float8 FROM {t} \
                      WHERE state = 'pending' ORDER BY id LIMIT 1)",
                t = self.qualified_table()
            )))
            .fetch_one(pool)
            .await?;
        Ok(Depth {
            pending,
            dead,
            oldest_pending_age: oldest.map(|s| Duration::from_secs_f64(s.max(0.0))),
        })
    }

    /// Dead rows, oldest first.
    pub async fn dead_rows(&self, pool: &PgPool, limit: i64) -> Result<Vec<DeadRow>, OutboxError> {
        Ok(sqlx::query_as(AssertSqlSafe(format!(
            "SELECT id, event_id, topic, partition_key, attempts, last_error, created_at \
             FROM {} WHERE state = 'dead' ORDER BY id LIMIT $1",
            self.qualified_table()
        )))
        .bind(limit)
        .fetch_all(pool)
        .await?)
    }

    /// Puts dead rows back in the queue with fresh attempts and wakes the relays. `ids = None`
    /// replays every dead row. Returns how many rows were replayed.
    pub async fn replay_dead(
        &self,
        pool: &PgPool,
        ids: Option<&[i64]>,
    ) -> Result<u64, OutboxError> {
        let mut tx = pool.begin().await?;
        let result = sqlx::query(AssertSqlSafe(format!(
            "UPDATE {} SET state = 'pending', attempts = 0, next_attempt_at = now() \
             WHERE state = 'dead' AND ($1::bigint[] IS NULL OR id = ANY($1))",
            self.qualified_table()
        )))
        .bind(ids)
        .execute(&mut *tx)
        .await?;
        sqlx::query("SELECT pg_notify($1, '')")
            .bind(self.channel())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(result.rows_affected())
    }

    /// Deletes up to `limit` published rows older than `retention`. Returns how many went.
    pub async fn cleanup_published(
        &self,
        pool: &PgPool,
        retention: Duration,
        limit: i64,
    ) -> Result<u64, OutboxError> {
        let table = self.qualified_table();
        let result = sqlx::query(AssertSqlSafe(format!(
            "DELETE FROM {table} WHERE id IN ( \
                 SELECT id FROM {table} WHERE state = 'published' AND published_at < now() - make_interval(secs => $1) \
                 ORDER BY published_at LIMIT $2 FOR UPDATE SKIP LOCKED)"
        )))
        .bind(retention.as_secs_f64())
        .bind(limit)
        .execute(pool)
        .await?;
        Ok(result.rows_affected())
    }
}
