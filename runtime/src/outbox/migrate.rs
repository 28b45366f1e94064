//! Embedded, ordered SQL migrations, applied with one call.

use sqlx::{AssertSqlSafe, PgPool};

use super::{Outbox, OutboxError};

/// Every migration, in order. Never edit one that has shipped; add the next number.
const MIGRATIONS: &[(u32, &str)] = &[(1, include_str!("../../migrations/0001_create_outbox.sql"))];

impl Outbox {
    /// Creates or upgrades the outbox table. Safe to call from every instance at start-up:
    /// concurrent callers serialize on an advisory lock, and applied versions are recorded in
    /// `<schema>.tidings_migrations`.
    pub async fn migrate(&self, pool: &PgPool) -> Result<(), OutboxError> {
        let schema = self.schema();
        let table = self.table().as_str();
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
        let applied: Vec<(i32,)> = sqlx::query_as(AssertSqlSafe(format!(
            "SELECT version FROM {schema}.tidings_migrations WHERE target = $1"
        )))
        .bind(table)
        .fetch_all(&mut *tx)
        .await?;
        for (version, template) in MIGRATIONS {
            if applied.iter().any(|(v,)| *v as u32 == *version) {
                continue;
            }
            let sql = self.render(template);
            sqlx::raw_sql(AssertSqlSafe(sql))
                .execute(&mut *tx)
                .await
                .map_err(|source| OutboxError::Migration {
                    version: *version,
                    source,
                })?;
            sqlx::query(AssertSqlSafe(format!(
                "INSERT INTO {schema}.tidings_migrations (target, version) VALUES ($1, $2)"
            )))
            .bind(table)
            .bind(*version as i32)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The migration text with this outbox's names. Every substituted name is derived from the
    /// validated schema and table identifiers.
    fn render(&self, template: &str) -> String {
        let table = self.table().as_str();
        let named =
            |suffix: &str| format!("\"{}\"", truncate_identifier(&format!("{table}_{suffix}")));
        template
            .replace("{schema}", &self.schema().to_string())
            .replace("{table_event_id_key}", &named("event_id_key"))
            .replace("{table_claim_idx}", &named("claim_idx"))
            .replace("{table_key_idx}", &named("key_idx"))
            .replace("{table_published_idx}", &named("published_idx"))
            .replace("{table_dead_idx}", &named("dead_idx"))
            .replace("{table_notify}", &named("notify"))
            .replace("{table}", &self.table().to_string())
            .replace("{channel}", self.channel())
    }
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
        for (_, template) in MIGRATIONS {
            let sql = outbox.render(template);
            assert!(!sql.contains('{') || !sql.contains("{table"), "{sql}");
            assert!(sql.contains("CREATE TABLE IF NOT EXISTS \"svc\".\"outbox\""));
            assert!(sql.contains("'tidings_svc_outbox'"));
        }
    }
}
