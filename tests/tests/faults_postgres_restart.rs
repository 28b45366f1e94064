//! Postgres restarted under a running relay: the relay recovers by itself and nothing is lost.
//! (Its own test binary: the restart cuts every connection of the process's test server.)

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use rdkafka::Message;
use serde::{Deserialize, Serialize};
use tidings::outbox::Outbox;
use tidings::relay::{Environment, Relay};
use tidings::{Event, EventEnvelope};
use tidings_tests::kafka::consume_distinct;
use tidings_tests::{TestKafka, TestPostgres};

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, Event)]
#[event(name = "test.restart", topic = "tidings.test.restart.v1", version = 1, key = key)]
struct Restarted {
    key: String,
    seq: u32,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_relay_recovers_from_a_postgres_restart_and_loses_nothing() {
    if std::env::var("DATABASE_URL").is_ok() {
        println!("skipped: the server at DATABASE_URL is not this test's to restart");
        return;
    }
    const EVENTS: u32 = 3_000;
    let db = TestPostgres::database().await;
    let kafka = TestKafka::start();
    kafka.create_topic(Restarted::TOPIC, 6).await;
    let outbox = Outbox::builder().build().unwrap();
    outbox.migrate(&db.pool).await.unwrap();
    let relay = Relay::builder(outbox.clone(), db.pool.clone(), kafka.bootstrap_servers())
        .preset(Environment::Testing)
        .build()
        .unwrap()
        .spawn();

    let committed = Arc::new(AtomicU64::new(0));
    let failed_attempts = Arc::new(AtomicU64::new(0));
    let producing = {
        let (pool, outbox, committed, failed) = (
            db.pool.clone(),
            outbox.clone(),
            committed.clone(),
            failed_attempts.clone(),
        );
        tokio::spawn(async move {
            for seq in 0..EVENTS {
                // The application retries its own transaction when the database is away.
                loop {
                    let attempt = async {
                        let mut tx = pool.begin().await?;
                        let envelope = EventEnvelope::new(
                            "svc",
                            Restarted {
                                key: format!("k-{}", seq % 30),
                                seq,
                            },
                        );
                        outbox
                            .enqueue(&mut tx, &envelope)
                            .await
                            .map_err(|e| sqlx::Error::Protocol(e.to_string()))?;
                        tx.commit().await
                    };
                    match attempt.await {
                        Ok(()) => break,
                        Err(_) => {
                            failed.fetch_add(1, Ordering::Relaxed);
                            tokio::time::sleep(Duration::from_millis(100)).await;
                        }
                    }
                }
                committed.fetch_add(1, Ordering::Relaxed);
                if seq % 10 == 0 {
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
            }
        })
    };
    while committed.load(Ordering::Relaxed) < 1_000 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::task::spawn_blocking(|| TestPostgres::get().restart())
        .await
        .unwrap()
        .unwrap();
    let restarted_at = committed.load(Ordering::Relaxed);
    producing.await.unwrap();

    let consumer = kafka.consumer(&[Restarted::TOPIC]);
    let event_id = |r: &rdkafka::message::OwnedMessage| {
        serde_json::from_slice::<EventEnvelope<Restarted>>(r.payload().unwrap())
            .unwrap()
            .event_id
    };
    let received = tokio::task::spawn_blocking(move || {
        consume_distinct(
            &consumer,
            EVENTS as usize,
            Duration::from_secs(120),
            event_id,
        )
    })
    .await
    .unwrap();
    let stats = relay.shutdown().await.unwrap();
    let distinct: HashSet<uuid::Uuid> = received.iter().map(event_id).collect();
    println!(
        "postgres restarted after {restarted_at} commits: {} committed, {} application retries, {} records received ({} distinct); relay {stats:?}",
        committed.load(Ordering::Relaxed),
        failed_attempts.load(Ordering::Relaxed),
        received.len(),
        distinct.len()
    );
    let (rows,): (i64,) = sqlx::query_as("SELECT count(*) FROM tidings_outbox")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(rows, EVENTS as i64, "one outbox row per committed event");
    assert_eq!(
        distinct.len(),
        EVENTS as usize,
        "every committed event is published after the restart"
    );
}
