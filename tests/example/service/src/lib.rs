//! The shop's order service: it writes each order and its `order.placed` event in one transaction
//! (the outbox), runs the relay that publishes them, and records captured payments exactly once
//! (the idempotent consumer).

use shop_contracts::{OrderPlacedV1, ShopEvent, ShopEventPayload};
use sqlx::{PgConnection, PgPool};
use tidings::EventEnvelope;
use tidings::consumer::{ConsumerError, EventConsumer, Handler, HandlerError, Inbox, Received};
use tidings::outbox::{Enqueued, Outbox, OutboxError};
use tidings::relay::{Environment, Relay, RelayError};

/// The name the service writes in `source_service`.
pub const SERVICE: &str = "order-service";

/// What can go wrong in the service's own work.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The database refused a statement.
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// The event was refused before anything was written (invalid, too large, …).
    #[error("outbox: {0}")]
    Outbox(#[from] OutboxError),
    /// The relay could not start.
    #[error("relay: {0}")]
    Relay(#[from] RelayError),
    /// The consumer could not start.
    #[error("consumer: {0}")]
    Consumer(#[from] ConsumerError),
}

/// Creates the service's tables, the outbox and the inbox.
pub async fn migrate(pool: &PgPool, outbox: &Outbox) -> Result<(), ServiceError> {
    sqlx::raw_sql(
        "CREATE TABLE IF NOT EXISTS orders (order_id UUID PRIMARY KEY, customer_id TEXT NOT NULL);
         CREATE TABLE IF NOT EXISTS paid_orders (order_id UUID PRIMARY KEY, amount_minor BIGINT NOT NULL);",
    )
    .execute(pool)
    .await?;
    outbox.migrate(pool).await?;
    Inbox::default().migrate(pool).await?;
    Ok(())
}

/// Stores the order and enqueues `order.placed` in the same transaction: both or neither.
pub async fn place_order(
    pool: &PgPool,
    outbox: &Outbox,
    order: OrderPlacedV1,
) -> Result<Enqueued, ServiceError> {
    let mut tx = pool.begin().await?;
    sqlx::query("INSERT INTO orders (order_id, customer_id) VALUES ($1, $2)")
        .bind(order.order_id)
        .bind(&order.customer.customer_id)
        .execute(&mut *tx)
        .await?;
    let written = outbox
        .enqueue(&mut tx, &EventEnvelope::new(SERVICE, order))
        .await?;
    tx.commit().await?;
    Ok(written)
}

/// The relay for the service's outbox.
pub fn relay(
    outbox: &Outbox,
    pool: &PgPool,
    bootstrap_servers: &str,
    environment: Environment,
) -> Result<Relay, ServiceError> {
    Ok(
        Relay::builder(outbox.clone(), pool.clone(), bootstrap_servers)
            .preset(environment)
            .build()?,
    )
}

/// Records each captured payment once, in the transaction that records the event as handled.
#[derive(Debug, Default)]
pub struct RecordPayments;

impl Handler<ShopEventPayload> for RecordPayments {
    async fn handle(
        &self,
        event: &Received<ShopEventPayload>,
        tx: &mut PgConnection,
    ) -> Result<(), HandlerError> {
        if let ShopEventPayload::PaymentCaptured(payment) = &event.envelope.data {
            sqlx::query("INSERT INTO paid_orders (order_id, amount_minor) VALUES ($1, $2)")
                .bind(payment.order_id)
                .bind(payment.amount_minor)
                .execute(&mut *tx)
                .await?;
        }
        Ok(())
    }
}

/// The consumer of captured payments, in consumer group `group`; `settings` are extra librdkafka
/// settings (e.g. a short `session.timeout.ms` in tests).
pub fn payments_consumer(
    bootstrap_servers: &str,
    group: &str,
    pool: &PgPool,
    settings: &[(&str, &str)],
) -> Result<EventConsumer<ShopEventPayload>, ServiceError> {
    let mut builder =
        EventConsumer::<ShopEventPayload>::builder(bootstrap_servers, group, pool.clone())
            .events(&[ShopEvent::PaymentCaptured]);
    for &(name, value) in settings {
        builder = builder.kafka_setting(name, value);
    }
    Ok(builder.build()?)
}
