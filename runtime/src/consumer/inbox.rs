//! The inbox: processed event ids per consumer group, written in the handler's transaction.

use sqlx::{AssertSqlSafe, PgConnection, PgPool, SqlSafeStr, SqlStr};
use uuid::Uuid;

use crate::outbox::{InvalidIdent, OutboxError, SqlIdent, migrate};

const INBOX_MIGRATIONS: &[(u32, &str)] =
    &[(1, include_str!("../../migrations/inbox_0001_create.sql"))];

/// A configured inbox table (default `public.tidings_inbox`).
#[derive(Debug, Clone)]
pub struct Inbox {
    schema: SqlIdent,
    table: SqlIdent,
    record: SqlStr,
}

impl Inbox {
    /// The inbox at `schema.table`, once the names are validated.
    pub fn new(schema: &str, table: &str) -> Result<Self, InvalidIdent> {
        let schema = SqlIdent::schema(schema, "inbox schema")?;
        let table = SqlIdent::table(table, "inbox table")?;
        // Audited: only validated identifiers are interpolated.
        let record = AssertSqlSafe(format!(
            "INSERT INTO {schema}.{table} (consumer_group, event_id, topic, kafka_partition, kafka_offset) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (consumer_group, event_id) DO NOTHING"
        ))
        .into_sql_str();
        Ok(Self {
            schema,
            table,
            record,
        })
    }

    /// Creates or upgrades the inbox table.
    pub async fn migrate(&self, pool: &PgPool) -> Result<(), OutboxError> {
        migrate::apply(pool, &self.schema, &self.table, INBOX_MIGRATIONS, |t| {
            migrate::render(t, &self.schema, &self.table)
        })
        .await
    }

    /// Records `event_id` as processed by `group`; false when it already was.
    pub(crate) async fn record(
        &self,
        conn: &mut PgConnection,
        group: &str,
        event_id: Uuid,
        topic: &str,
        partition: i32,
        offset: i64,
    ) -> Result<bool, sqlx::Error> {
        let result = sqlx::query(self.record.clone())
            .bind(group)
            .bind(event_id)
            .bind(topic)
            .bind(partition)
            .bind(offset)
            .execute(conn)
            .await?;
        Ok(result.rows_affected() == 1)
    }
}

impl Default for Inbox {
    fn default() -> Self {
        match Self::new("public", "tidings_inbox") {
            Ok(inbox) => inbox,
            Err(_) => unreachable!("the default names are valid identifiers"),
        }
    }
}
