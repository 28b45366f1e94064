//! The relay, the consumer and its dead-letter producer over TLS (`SSL`) and TLS with SCRAM
//! (`SASL_SSL`), against a broker that requires them (tests/src/secure.rs), with settings given
//! as a user gives them: `producer_setting` and `kafka_setting`.
//!
//! Skipped, with the reason printed, when the broker's tools are missing, unless
//! `TIDINGS_REQUIRE_SECURE_BROKER=1` (CI sets it), which makes a missing tool a failure.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use rdkafka::ClientConfig;
use rdkafka::Message;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::producer::{FutureProducer, FutureRecord};
use serde::{Deserialize, Serialize};
use sqlx::PgConnection;
use tidings::consumer::{EventConsumer, Handler, HandlerError, Inbox, Received};
use tidings::outbox::Outbox;
use tidings::relay::{Environment, Relay};
use tidings::{Event, EventEnvelope};
use tidings_tests::TestPostgres;
use tidings_tests::kafka::consume;
use tidings_tests::secure::{SecureBroker, Security};
use tokio::sync::Notify;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema, Event)]
#[event(name = "test.secure", topic = "tidings.test.secure.v1", version = 1, key = key)]
struct Secured {
    key: String,
    seq: u32,
}

tidings::catalogue! {
    /// The events of the secure-broker suite.
    enum SecureEvent {
        Secured => Secured,
    }
}

const DLQ: &str = "tidings.test.secure.v1.dlq";

fn broker(security: Security) -> Option<SecureBroker> {
    match SecureBroker::start(security, &[(Secured::TOPIC, 2), (DLQ, 1)]) {
        Ok(broker) => Some(broker),
        Err(why) if std::env::var("TIDINGS_REQUIRE_SECURE_BROKER").as_deref() != Ok("1") => {
            println!("SKIPPED {security:?}: no secure broker here: {why}");
            None
        }
        Err(why) => panic!("the secure broker could not start: {why}"),
    }
}

fn client(broker: &SecureBroker, user: &str, password: &str) -> ClientConfig {
    let mut config = ClientConfig::new();
    config.set("bootstrap.servers", broker.bootstrap_servers());
    for (key, value) in broker.client_settings(user, password) {
        config.set(key, value);
    }
    config
}

struct Count {
    handled: Arc<AtomicU64>,
    done: Arc<Notify>,
    expected: u64,
}

impl Handler<SecureEventPayload> for Count {
    async fn handle(
        &self,
        _event: &Received<SecureEventPayload>,
        _tx: &mut PgConnection,
    ) -> Result<(), HandlerError> {
        if self.handled.fetch_add(1, Ordering::SeqCst) + 1 == self.expected {
            self.done.notify_one();
        }
        Ok(())
    }
}

async fn publish_consume_and_dead_letter(security: Security) {
    let Some(broker) = broker(security) else {
        return;
    };
    let db = TestPostgres::database().await;
    let outbox = Outbox::builder().build().unwrap();
    outbox.migrate(&db.pool).await.unwrap();
    Inbox::default().migrate(&db.pool).await.unwrap();
    const EVENTS: u32 = 6;
    let mut tx = db.pool.begin().await.unwrap();
    for seq in 0..EVENTS {
        let event = Secured {
            key: format!("k{}", seq % 3),
            seq,
        };
        outbox
            .enqueue(&mut tx, &EventEnvelope::new("secure-suite", event))
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();

    // The relay, configured as a user would: the address, then the security settings.
    let (user, password, _) = tidings_tests::secure::USERS[0];
    let mut relay = Relay::builder(outbox.clone(), db.pool.clone(), broker.bootstrap_servers())
        .preset(Environment::Testing);
    for (key, value) in broker.client_settings(user, password) {
        relay = relay.producer_setting(key, value);
    }
    let relay = relay.build().unwrap().spawn();
    let deadline = Instant::now() + Duration::from_secs(30);
    while relay.stats().published < u64::from(EVENTS) {
        assert!(
            Instant::now() < deadline,
            "{security:?}: relay published {:?}",
            relay.stats()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    relay.shutdown().await.unwrap();

    // A poison record, sent over the same secure connection by another producer.
    let (user, password, _) = tidings_tests::secure::USERS[1];
    let producer: FutureProducer = client(&broker, user, password).create().unwrap();
    producer
        .send(
            FutureRecord::to(Secured::TOPIC)
                .key("poison")
                .payload("{not json"),
            Duration::from_secs(15),
        )
        .await
        .unwrap();

    // The consumer and its dead-letter producer, with the settings given once.
    let mut builder = EventConsumer::<SecureEventPayload>::builder(
        broker.bootstrap_servers(),
        "secure-suite",
        db.pool.clone(),
    )
    .events(&[SecureEvent::Secured])
    .dead_letter_topic(DLQ);
    for (key, value) in broker.client_settings(user, password) {
        builder = builder.kafka_setting(key, value);
    }
    let consumer = builder.build().unwrap();
    let handler = Count {
        handled: Arc::default(),
        done: Arc::new(Notify::new()),
        expected: u64::from(EVENTS),
    };
    let done = handler.done.clone();
    let stats = tokio::time::timeout(
        Duration::from_secs(60),
        consumer.run(&handler, async move {
            done.notified().await;
            tokio::time::sleep(Duration::from_secs(2)).await;
        }),
    )
    .await
    .expect("the consumer read every event")
    .unwrap();
    assert_eq!(stats.handled, u64::from(EVENTS), "{security:?}: {stats:?}");
    assert_eq!(stats.dead_lettered, 1, "{security:?}: {stats:?}");

    let dlq: BaseConsumer = client(&broker, user, password)
        .set("group.id", "secure-suite-dlq-reader")
        .set("auto.offset.reset", "earliest")
        .create()
        .unwrap();
    dlq.subscribe(&[DLQ]).unwrap();
    let dead = tokio::task::spawn_blocking(move || consume(&dlq, 1, Duration::from_secs(30)))
        .await
        .unwrap();
    assert_eq!(
        dead.len(),
        1,
        "{security:?}: the dead-letter copy was written"
    );
    assert_eq!(dead[0].payload(), Some(&b"{not json"[..]));
    println!(
        "{security:?}: relay published {EVENTS}, consumer handled {}, dead-lettered {} over TLS",
        stats.handled, stats.dead_lettered
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn relay_consumer_and_dead_letters_over_tls() {
    publish_consume_and_dead_letter(Security::Ssl).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn relay_consumer_and_dead_letters_over_tls_with_scram() {
    publish_consume_and_dead_letter(Security::SaslSsl).await;
}

/// A wrong password publishes nothing: the row stays pending, and its last error carries the
/// client's own error (authentication refused), not only the timeout.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_scram_password_publishes_nothing() {
    let Some(broker) = broker(Security::SaslSsl) else {
        return;
    };
    let db = TestPostgres::database().await;
    let outbox = Outbox::builder().build().unwrap();
    outbox.migrate(&db.pool).await.unwrap();
    let mut tx = db.pool.begin().await.unwrap();
    outbox
        .enqueue(
            &mut tx,
            &EventEnvelope::new(
                "secure-suite",
                Secured {
                    key: "k".into(),
                    seq: 0,
                },
            ),
        )
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let (user, _, _) = tidings_tests::secure::USERS[0];
    let mut relay = Relay::builder(outbox.clone(), db.pool.clone(), broker.bootstrap_servers())
        .preset(Environment::Testing)
        .configure(|c| c.message_timeout = Duration::from_secs(3));
    for (key, value) in broker.client_settings(user, "not-the-password") {
        relay = relay.producer_setting(key, value);
    }
    let relay = relay.build().unwrap().spawn();
    tokio::time::sleep(Duration::from_secs(8)).await;
    let stats = relay.shutdown().await.unwrap();
    assert_eq!(stats.published, 0, "{stats:?}");
    let (state, error): (String, Option<String>) =
        sqlx::query_as("SELECT state, last_error FROM tidings_outbox")
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_ne!(state, "published");
    let error = error.unwrap_or_default();
    assert!(
        error.contains("last client error") && error.to_lowercase().contains("authentication"),
        "the row's last error says the broker refused the login: {error}"
    );
    println!("wrong password: state {state}, last error {error:?}");
}
