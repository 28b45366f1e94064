//! Embedded, ordered SQL migrations, applied with one call.

use sqlx::{AssertSqlSafe, PgPool};

use super::{Outbox, OutboxError, SqlIdent};

/// Every outbox migration, in order. Never edit one that has shipped; add the next number.
const OUTBOX_MIGRATIONS: &[(u32, &str)] = &[
    (1, include_str!("../../migrations/outbox_0001_create.sql")),
    (
        2,
        include_str!("../../migrations/outbox_0002_queue_storage.sql"),
    ),
];

impl Outbox {
    /// Creates or upgrades the outbox table. Safe to call from every instance at start-up:
    /// concurrent callers serialize on an advisory lock, and applied versions are recorded in
    /// `<schema>.tidings_migrations`. A table that was recorded but no longer exists is created
    /// again.
    pub async fn migrate(&self, pool: &PgPool) -> Result<(), OutboxError> {
        apply(
            pool,
            self.schema(),
            self.table(),
            OUTBOX_MIGRATIONS,
            |template| self.render(template),
        )
        .await
    }

    /// The migration text with this outbox's names.
    fn render(&self, template: &str) -> String {
        render(template, self.schema(), self.table()).replace("{channel}", self.channel())
    }
}

/// Applies the `migrations` of one table that are not yet recorded, in order, in one transaction.
pub(crate) async fn apply(
    pool: &PgPool,
    schema: &SqlIdent,
    target: &SqlIdent,
    migrations: &[(u32, &str)],
    render: impl Fn(&str) -> String,
) -> Result<(), OutboxError> {
    let mut tx = pool.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock(hashtext('tidings_migrations'))")
        .execute(&mut *tx)
        .await?;
    sqlx::raw_sql(AssertSqlSafe(format!(
        "CREATE SCHEMA IF NOT EXISTS {schema}; \
         CREATE TABLE IF NOT EXISTS {schema}.tidings_migrations ( \
             target TEXT NOT NULL, version INTEGER NOT NULL, \
             applied_at TIMESTAMPTZ NOT NULL DEFAULT now(), PRIMARY KEY (target, version))"
    )))
    .execute(&mut *tx)
    .await?;
    // A recorded table that no longer exists (dropped by hand, restored from a dump without
    // it) is created again: its record is forgotten and every migration runs from the first.
    let (exists,): (bool,) = sqlx::query_as("SELECT to_regclass($1) IS NOT NULL")
        .bind(format!("{schema}.{target}"))
        .fetch_one(&mut *tx)
        .await?;
    if !exists {
        sqlx::query(AssertSqlSafe(format!(
            "DELETE FROM {schema}.tidings_migrations WHERE target = $1"
        )))
        .bind(target.as_str())
        .execute(&mut *tx)
        .await?;
    }
    let applied: Vec<(i32,)> = sqlx::query_as(AssertSqlSafe(format!(
        "SELECT version FROM {schema}.tidings_migrations WHERE target = $1"
    )))
    .bind(target.as_str())
    .fetch_all(&mut *tx)
    .await?;
    for (version, template) in migrations {
        if applied
            .iter()
            .any(|(v,)| i64::from(*v) == i64::from(*version))
        {
            continue;
        }
        sqlx::raw_sql(AssertSqlSafe(render(template)))
            .execute(&mut *tx)
            .await
            .map_err(|source| OutboxError::Migration {
                version: *version,
                source,
            })?;
        sqlx::query(AssertSqlSafe(format!(
            "INSERT INTO {schema}.tidings_migrations (target, version) VALUES ($1, $2)"
        )))
        .bind(target.as_str())
        .bind(i32::try_from(*version).unwrap_or(i32::MAX))
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Replaces `{schema}`, `{table}` and `{table_<suffix>}` (names of indexes, constraints and
/// triggers: `<table>_<suffix>`) with quoted identifiers derived from the validated names.
pub(crate) fn render(template: &str, schema: &SqlIdent, table: &SqlIdent) -> String {
    let mut sql = template
        .replace("{schema}", &schema.to_string())
        .replace("{table}", &table.to_string());
    while let Some(start) = sql.find("{table_") {
        let Some(length) = sql[start..].find('}') else {
            break;
        };
        let suffix = sql[start + "{table_".len()..start + length].to_owned();
        let name = format!(
            "\"{}\"",
            truncate_identifier(&format!("{}_{suffix}", table.as_str()))
        );
        sql.replace_range(start..=start + length, &name);
    }
    sql
}

/// Postgres truncates identifiers to 63 bytes; do it here so the names are predictable.
fn truncate_identifier(name: &str) -> &str {
    &name[..name.len().min(63)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rendered_migrations_have_no_placeholders_left() {
        let outbox = Outbox::builder()
            .schema("svc")
            .table("outbox")
            .build()
            .unwrap();
        let rendered: Vec<String> = OUTBOX_MIGRATIONS
            .iter()
            .map(|(_, template)| outbox.render(template))
            .collect();
        for sql in &rendered {
            assert!(
                !sql.contains("{schema}") && !sql.contains("{table") && !sql.contains("{channel}"),
                "{sql}"
            );
        }
        let create = &rendered[0];
        assert!(create.contains("CREATE TABLE IF NOT EXISTS \"svc\".\"outbox\""));
        assert!(create.contains("ON \"svc\".\"outbox\" (id) WHERE state = 'pending'"));
        assert!(create.contains("CREATE INDEX IF NOT EXISTS \"outbox_claim_idx\""));
        assert!(create.contains("'tidings_svc_outbox'"));
        assert!(rendered[1].contains("ALTER TABLE \"svc\".\"outbox\" SET ("));
    }
}
