//! Shard leases: which relay publishes which part of the key space.
//!
//! Each relay holds a dedicated connection. On it, it holds a *presence* advisory lock (so relays
//! can count each other) and one session advisory lock per key shard it owns. Locks vanish with
//! the connection, so a crashed relay's shards are free at once. Every refresh, a relay computes
//! its fair share, ceil(shards / live relays), releases shards above it and takes free ones up to
//! it. Only the owner of a shard claims its rows, so a key's rows are published by one relay at a
//! time, in order.
//!
//! The locks are two-key advisory locks whose first key is the outbox table's OID, unique in its
//! database, so relays of different outbox tables never touch each other's locks. Shard locks use
//! the shard number (0–63) as second key; presence locks use the relay's id, always above 63.

use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, PgConnection};

use crate::outbox::KEY_SHARDS;

pub(crate) struct ShardLeases {
    options: PgConnectOptions,
    connection: Option<PgConnection>,
    table: String,
    class: i32,
    relay_id: i32,
    owned: Vec<i16>,
}

impl ShardLeases {
    /// Leases for the outbox `qualified_table`; `relay_id` must be above the shard numbers.
    pub(crate) fn new(options: PgConnectOptions, qualified_table: &str, relay_id: i32) -> Self {
        Self {
            options,
            connection: None,
            table: qualified_table.to_owned(),
            class: 0,
            relay_id: relay_id.max(i32::from(KEY_SHARDS)),
            owned: Vec::new(),
        }
    }

    /// The shards this relay owns now.
    pub(crate) fn owned(&self) -> &[i16] {
        &self.owned
    }

    /// Reconnects if needed, then rebalances. On error every lease is dropped: the connection
    /// that held the locks is gone, so the shards are no longer ours.
    pub(crate) async fn refresh(&mut self) -> Result<(), sqlx::Error> {
        let result = self.try_refresh().await;
        if result.is_err() {
            self.connection = None;
            self.owned.clear();
        }
        result
    }

    async fn try_refresh(&mut self) -> Result<(), sqlx::Error> {
        if self.connection.is_none() {
            let mut connection = PgConnection::connect_with(&self.options).await?;
            let (oid,): (Option<i64>,) = sqlx::query_as("SELECT to_regclass($1)::oid::bigint")
                .bind(&self.table)
                .fetch_one(&mut connection)
                .await?;
            let Some(oid) = oid else {
                return Err(sqlx::Error::Configuration(
                    format!(
                        "outbox table {} does not exist; run Outbox::migrate (or `tidings migrate`)",
                        self.table
                    )
                    .into(),
                ));
            };
            // An OID is a u32; advisory keys are i32: the same 32 bits.
            self.class = oid as u32 as i32;
            sqlx::query("SELECT pg_advisory_lock($1, $2)")
                .bind(self.class)
                .bind(self.relay_id)
                .execute(&mut connection)
                .await?;
            self.connection = Some(connection);
            self.owned.clear();
        }
        let Some(connection) = self.connection.as_mut() else {
            return Ok(());
        };
        let (live,): (i64,) = sqlx::query_as(
            "SELECT count(DISTINCT pid) FROM pg_locks \
             WHERE locktype = 'advisory' AND granted AND objsubid = 2 AND classid = ($1::int)::oid \
               AND objid::bigint >= $2 AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
        )
        .bind(self.class)
        .bind(i64::from(KEY_SHARDS))
        .fetch_one(&mut *connection)
        .await?;
        let shards = i64::from(KEY_SHARDS);
        let fair = ((shards + live.max(1) - 1) / live.max(1)) as usize;
        while self.owned.len() > fair {
            if let Some(shard) = self.owned.pop() {
                sqlx::query("SELECT pg_advisory_unlock($1, $2)")
                    .bind(self.class)
                    .bind(i32::from(shard))
                    .execute(&mut *connection)
                    .await?;
            }
        }
        if self.owned.len() < fair {
            // Start at a different shard per relay so relays starting together spread out.
            let start = self.relay_id.rem_euclid(i32::from(KEY_SHARDS)) as i16;
            for offset in 0..KEY_SHARDS {
                if self.owned.len() >= fair {
                    break;
                }
                let shard = (start + offset) % KEY_SHARDS;
                if self.owned.contains(&shard) {
                    continue;
                }
                let (taken,): (bool,) = sqlx::query_as("SELECT pg_try_advisory_lock($1, $2)")
                    .bind(self.class)
                    .bind(i32::from(shard))
                    .fetch_one(&mut *connection)
                    .await?;
                if taken {
                    self.owned.push(shard);
                }
            }
            self.owned.sort_unstable();
        }
        Ok(())
    }

    /// Releases everything (on shutdown).
    pub(crate) async fn release(&mut self) {
        if let Some(connection) = self.connection.take() {
            let _ = connection.close().await;
        }
        self.owned.clear();
    }
}
