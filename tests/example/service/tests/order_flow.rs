//! The service end to end with tidings' test kit: a throwaway Postgres, the in-process Kafka mock
//! cluster, the relay and the consumer.

use std::time::Duration;

use shop_contracts::{
    Currency, CustomerRef, OrderLine, OrderPlacedV1, PaymentCapturedV1, Region, ShopEvent,
};
use shop_service::{RecordPayments, SERVICE, migrate, payments_consumer, place_order, relay};
use tidings::outbox::Outbox;
use tidings::relay::Environment;
use tidings::testing::{TEST_CONSUMER_SETTINGS, TestKafka, TestPostgres, consume, key_text};
use tidings::{EventEnvelope, Timestamp};
use uuid::Uuid;

fn order(customer: &str) -> OrderPlacedV1 {
    OrderPlacedV1 {
        order_id: Uuid::new_v4(),
        customer: CustomerRef {
            customer_id: customer.into(),
            region: Region::Eu,
        },
        lines: vec![OrderLine {
            sku: "BOOK-1".into(),
            quantity: 2,
            unit_price_minor: 1_250,
        }],
        note: None,
        placed_at: Timestamp::now(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn orders_reach_kafka_and_payments_are_recorded_once() {
    let db = TestPostgres::database().await;
    let kafka = TestKafka::start();
    for member in ShopEvent::ALL {
        kafka.create_topic(member.topic(), 3).await;
    }
    let outbox = Outbox::builder().build().unwrap();
    migrate(&db.pool, &outbox).await.unwrap();
    let relay = relay(
        &outbox,
        &db.pool,
        kafka.bootstrap_servers(),
        Environment::Testing,
    )
    .unwrap()
    .spawn();

    // Three orders, each with its event, in one transaction each.
    let orders = [order("c-1"), order("c-2"), order("c-1")];
    for placed in &orders {
        place_order(&db.pool, &outbox, placed.clone())
            .await
            .unwrap();
    }
    let placed = kafka.consumer(&[ShopEvent::OrderPlaced.topic()]);
    let records = consume(&placed, 3, Duration::from_secs(30));
    let mut keys: Vec<String> = records.iter().map(key_text).collect();
    keys.sort();
    assert_eq!(keys, ["c-1", "c-1", "c-2"], "keyed by the customer");

    // Two payments, the second enqueued twice with one idempotency key: written once.
    let consumer = payments_consumer(
        kafka.bootstrap_servers(),
        "payments",
        &db.pool,
        TEST_CONSUMER_SETTINGS,
    )
    .unwrap();
    let mut tx = db.pool.begin().await.unwrap();
    for (order, repeat) in [(&orders[0], 1), (&orders[1], 2)] {
        for _ in 0..repeat {
            let payment = PaymentCapturedV1 {
                payment_id: Uuid::new_v4(),
                order_id: order.order_id,
                amount_minor: 2_500,
                currency: Currency::Eur,
            };
            let envelope = EventEnvelope::builder(SERVICE, payment)
                .idempotency_key(&format!("{}/payment", order.order_id))
                .build();
            outbox.enqueue(&mut tx, &envelope).await.unwrap();
        }
    }
    tx.commit().await.unwrap();
    let pool = db.pool.clone();
    let stats = consumer
        .run(&RecordPayments, async move {
            for _ in 0..300 {
                let (paid,): (i64,) = sqlx::query_as("SELECT count(*) FROM paid_orders")
                    .fetch_one(&pool)
                    .await
                    .unwrap();
                if paid == 2 {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        })
        .await
        .unwrap();
    relay.shutdown().await.unwrap();
    let (paid,): (i64,) = sqlx::query_as("SELECT count(*) FROM paid_orders")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(paid, 2, "{stats:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invalid_order_writes_neither_the_order_nor_the_event() {
    let db = TestPostgres::database().await;
    let outbox = Outbox::builder().build().unwrap();
    migrate(&db.pool, &outbox).await.unwrap();
    let mut empty = order("c-9");
    empty.lines.clear(); // the contract needs at least one line
    let refused = place_order(&db.pool, &outbox, empty).await;
    assert!(refused.is_err(), "{refused:?}");
    let (orders,): (i64,) = sqlx::query_as("SELECT count(*) FROM orders")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    let depth = outbox.depth(&db.pool).await.unwrap();
    assert_eq!((orders, depth.pending), (0, 0));
}
