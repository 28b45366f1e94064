//! The fault suite: things break on purpose, and nothing committed is lost. Each test prints its
//! counts. (Restarting Postgres has its own test binary, since it affects every test of a process.)

use std::collections::HashSet;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use rdkafka::Message;
use rdkafka::types::RDKafkaRespErr;
use serde::{Deserialize, Serialize};
use sqlx::PgConnection;
use tidings::consumer::{EventConsumer, Handler, HandlerError, Inbox, Received};
use tidings::outbox::{Outbox, key_shard};
use tidings::relay::{Environment, Relay};
use tidings::{Event, EventEnvelope};
use tidings_tests::kafka::{consume, consume_distinct};
use tidings_tests::{TestDatabase, TestKafka, TestPostgres};
use tokio::sync::Notify;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema, Event)]
#[event(name = "test.fault", topic = "tidings.test.fault.v1", version = 1, key = key)]
struct Fault {
    key: String,
    seq: u32,
}

/// An event with a free-form field, which can nest as deep as a producer makes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema, Event)]
#[event(name = "test.deep", topic = "tidings.test.deep.v1", version = 1, key = key)]
struct Deep {
    key: String,
    #[schemars(extend("x-tidings-untyped" = "test data of any depth"))]
    detail: tidings::Untyped,
}

/// An event with floats in every position a NaN or an infinity could hide.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema, Event)]
#[event(name = "test.measure", topic = "tidings.test.measure.v1", version = 1, key = key)]
struct Measure {
    key: String,
    required: f64,
    optional: Option<f64>,
    weights: Vec<f32>,
    by_rater: std::collections::BTreeMap<String, f64>,
    nested: Option<Reading>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
struct Reading {
    value: f64,
}

tidings::catalogue! {
    /// The events of the fault suite.
    enum FaultEvent {
        Fault => Fault,
        Deep => Deep,
        Measure => Measure,
    }
}

fn fault(key: &str, seq: u32) -> EventEnvelope<Fault> {
    EventEnvelope::new(
        "fault-suite",
        Fault {
            key: key.into(),
            seq,
        },
    )
}

async fn setup() -> (TestDatabase, TestKafka, Outbox) {
    let db = TestPostgres::database().await;
    let kafka = TestKafka::start();
    kafka.create_topic(Fault::TOPIC, 6).await;
    let outbox = Outbox::builder().build().unwrap();
    outbox.migrate(&db.pool).await.unwrap();
    (db, kafka, outbox)
}

/// A relay with the testing preset.
fn testing_relay(
    db: &TestDatabase,
    kafka: &TestKafka,
    outbox: &Outbox,
) -> tidings::relay::RelayHandle {
    Relay::builder(outbox.clone(), db.pool.clone(), kafka.bootstrap_servers())
        .preset(Environment::Testing)
        .build()
        .unwrap()
        .spawn()
}

/// Up to `count` records of the fault topic, waiting at most `timeout`.
async fn receive(
    kafka: &TestKafka,
    count: usize,
    timeout: Duration,
) -> Vec<rdkafka::message::OwnedMessage> {
    let consumer = kafka.consumer(&[Fault::TOPIC]);
    tokio::task::spawn_blocking(move || consume(&consumer, count, timeout))
        .await
        .unwrap()
}

fn distinct_event_ids(records: &[rdkafka::message::OwnedMessage]) -> HashSet<uuid::Uuid> {
    records
        .iter()
        .map(|r| {
            serde_json::from_slice::<EventEnvelope<Fault>>(r.payload().unwrap())
                .unwrap()
                .event_id
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn brokers_down_for_ten_seconds_during_ten_thousand_enqueues_loses_nothing() {
    const EVENTS: u32 = 10_000;
    let (db, kafka, outbox) = setup().await;
    if kafka.skip_unless(
        tidings_tests::Broker::Mock,
        "brokers_down_for_ten_seconds",
        "stopping and restarting brokers needs the mock cluster (tansu with memory storage loses its data when stopped)",
    ) {
        return;
    }
    let mock = kafka.mock().expect("needs the mock cluster");
    let relay = Relay::builder(outbox.clone(), db.pool.clone(), kafka.bootstrap_servers())
        .preset(Environment::Testing)
        .configure(|c| c.message_timeout = Duration::from_secs(120))
        .build()
        .unwrap()
        .spawn();

    let enqueue_errors = Arc::new(AtomicU64::new(0));
    let enqueued = Arc::new(AtomicU64::new(0));
    let producing = {
        let (pool, outbox, errors, enqueued) = (
            db.pool.clone(),
            outbox.clone(),
            enqueue_errors.clone(),
            enqueued.clone(),
        );
        tokio::spawn(async move {
            for seq in 0..EVENTS {
                let mut tx = pool.begin().await.unwrap();
                match outbox
                    .enqueue(&mut tx, &fault(&format!("key-{}", seq % 50), seq))
                    .await
                {
                    Ok(_) => {
                        tx.commit().await.unwrap();
                        enqueued.fetch_add(1, Ordering::Relaxed);
                    }
                    Err(_) => {
                        errors.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
        })
    };
    while enqueued.load(Ordering::Relaxed) < 1_000 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    for broker in 1..=3 {
        mock.broker_down(broker).unwrap();
    }
    let down_at = enqueued.load(Ordering::Relaxed);
    tokio::time::sleep(Duration::from_secs(10)).await;
    let during = enqueued.load(Ordering::Relaxed) - down_at;
    for broker in 1..=3 {
        mock.broker_up(broker).unwrap();
    }
    producing.await.unwrap();

    let consumer = kafka.consumer(&[Fault::TOPIC]);
    let event_id = |r: &rdkafka::message::OwnedMessage| {
        serde_json::from_slice::<EventEnvelope<Fault>>(r.payload().unwrap())
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
    let distinct = distinct_event_ids(&received);
    println!(
        "brokers down 10 s: {} enqueued ({during} while down), {} enqueue errors; {} records received, {} distinct; relay {stats:?}",
        enqueued.load(Ordering::Relaxed),
        enqueue_errors.load(Ordering::Relaxed),
        received.len(),
        distinct.len()
    );
    assert_eq!(
        enqueue_errors.load(Ordering::Relaxed),
        0,
        "enqueueing never depends on Kafka"
    );
    assert!(
        during > 0,
        "events were enqueued while the brokers were down"
    );
    assert_eq!(
        distinct.len(),
        EVENTS as usize,
        "nothing lost after recovery"
    );
}

/// Records effects once per event; notifies at `target` effects.
struct CountEffects {
    effects: Arc<AtomicU64>,
    target: u64,
    done: Arc<Notify>,
}

impl Handler<FaultEventPayload> for CountEffects {
    async fn handle(
        &self,
        event: &Received<FaultEventPayload>,
        tx: &mut PgConnection,
    ) -> Result<(), HandlerError> {
        sqlx::query("INSERT INTO effects (event_id) VALUES ($1)")
            .bind(event.envelope.event_id)
            .execute(&mut *tx)
            .await?;
        if self.effects.fetch_add(1, Ordering::SeqCst) + 1 == self.target {
            self.done.notify_one();
        }
        Ok(())
    }
}

fn spawn_relay(db: &TestDatabase, kafka: &TestKafka, batch_size: i64) -> Child {
    Command::new(env!("CARGO_BIN_EXE_relay"))
        .args([
            "--database-url",
            &db.url,
            "--bootstrap-servers",
            kafka.bootstrap_servers(),
            "--batch-size",
            &batch_size.to_string(),
        ])
        .stdin(Stdio::null())
        .spawn()
        .expect("the relay binary starts")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relay_killed_five_times_mid_stream_loses_nothing() {
    const EVENTS: u32 = 5_000;
    const BATCH: i64 = 200;
    let (db, kafka, outbox) = setup().await;
    Inbox::default().migrate(&db.pool).await.unwrap();
    sqlx::query("CREATE TABLE effects (event_id UUID NOT NULL)")
        .execute(&db.pool)
        .await
        .unwrap();

    let producing = {
        let (pool, outbox) = (db.pool.clone(), outbox.clone());
        tokio::spawn(async move {
            for chunk in (0..EVENTS).collect::<Vec<_>>().chunks(20) {
                let envelopes: Vec<_> = chunk
                    .iter()
                    .map(|seq| fault(&format!("key-{}", seq % 100), *seq))
                    .collect();
                let mut tx = pool.begin().await.unwrap();
                outbox.enqueue_batch(&mut tx, &envelopes).await.unwrap();
                tx.commit().await.unwrap();
                tokio::time::sleep(Duration::from_millis(4)).await;
            }
        })
    };

    let mut kills = 0;
    let mut relay = spawn_relay(&db, &kafka, BATCH);
    while kills < 5 {
        tokio::time::sleep(Duration::from_millis(700)).await;
        relay.kill().unwrap(); // SIGKILL: no shutdown, no flush
        relay.wait().unwrap();
        kills += 1;
        relay = spawn_relay(&db, &kafka, BATCH);
    }
    producing.await.unwrap();

    let effects = Arc::new(AtomicU64::new(0));
    let done = Arc::new(Notify::new());
    let handler = CountEffects {
        effects: effects.clone(),
        target: EVENTS as u64,
        done: done.clone(),
    };
    let consumer = EventConsumer::<FaultEventPayload>::builder(
        kafka.bootstrap_servers(),
        "fault-kill",
        db.pool.clone(),
    )
    .events(&[FaultEvent::Fault])
    .build()
    .unwrap();
    let stats = tokio::time::timeout(
        Duration::from_secs(180),
        consumer.run(&handler, async move {
            done.notified().await;
            tokio::time::sleep(Duration::from_secs(2)).await; // let late duplicates arrive
        }),
    )
    .await
    .expect("every event arrives")
    .unwrap();
    relay.kill().unwrap();
    relay.wait().unwrap();

    let (rows, distinct): (i64, i64) =
        sqlx::query_as("SELECT count(*), count(DISTINCT event_id) FROM effects")
            .fetch_one(&db.pool)
            .await
            .unwrap();
    let (pending,): (i64,) =
        sqlx::query_as("SELECT count(*) FROM tidings_outbox WHERE state <> 'published'")
            .fetch_one(&db.pool)
            .await
            .unwrap();
    println!(
        "relay SIGKILLed {kills} times: {EVENTS} enqueued, effects {rows} ({distinct} distinct), duplicates absorbed {}, unpublished rows {pending}",
        stats.duplicates
    );
    assert_eq!(pending, 0);
    assert_eq!(
        (rows, distinct),
        (EVENTS as i64, EVENTS as i64),
        "nothing lost, every effect once"
    );
    assert!(
        stats.duplicates <= kills * BATCH as u64,
        "duplicates only from the batches in flight at each kill"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn corrupt_rows_go_dead_with_a_clear_error_while_the_others_flow() {
    const MISSING_TOPIC: &str = "tidings.test.missing.v1";
    let (db, kafka, outbox) = setup().await;
    // The mock cluster creates topics on demand, so it is told to refuse this one; tansu simply
    // does not have it.
    if let Some(mock) = kafka.mock() {
        mock.topic_error(
            MISSING_TOPIC,
            RDKafkaRespErr::RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART,
        )
        .unwrap();
    }
    let insert = |topic: &'static str, payload: Vec<u8>| {
        let pool = db.pool.clone();
        async move {
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO tidings_outbox (event_id, event_type, topic, partition_key, key_shard, headers, payload) \
                 VALUES ($1, $2, $2, 'corrupt', $3, '[]', $4) RETURNING id",
            )
            .bind(uuid::Uuid::new_v4())
            .bind(topic)
            .bind(key_shard("corrupt"))
            .bind(payload)
            .fetch_one(&pool)
            .await
            .unwrap();
            id
        }
    };
    let bad_json = insert(Fault::TOPIC, b"{\"event_id\": ".to_vec()).await;
    let valid = serde_json::to_vec(&fault("corrupt", 0)).unwrap();
    let unknown_topic = insert(MISSING_TOPIC, valid).await;
    let mut tx = db.pool.begin().await.unwrap();
    let good: Vec<_> = (0..50)
        .map(|seq| fault(&format!("good-{}", seq % 5), seq))
        .collect();
    outbox.enqueue_batch(&mut tx, &good).await.unwrap();
    tx.commit().await.unwrap();
    let before = outbox.depth(&db.pool).await.unwrap();
    assert_eq!((before.pending, before.dead), (52, 0));
    assert!(before.oldest_pending_age.is_some());

    let relay = Relay::builder(outbox.clone(), db.pool.clone(), kafka.bootstrap_servers())
        .preset(Environment::Testing)
        .configure(|c| {
            c.max_attempts = 3;
            c.message_timeout = Duration::from_millis(800);
            c.backoff.base = Duration::from_millis(50);
        })
        .build()
        .unwrap()
        .spawn();
    let consumer = kafka.consumer(&[Fault::TOPIC]);
    let received =
        tokio::task::spawn_blocking(move || consume(&consumer, 50, Duration::from_secs(30)))
            .await
            .unwrap();

    let deadline = Instant::now() + Duration::from_secs(30);
    let dead = loop {
        let dead = outbox.dead_rows(&db.pool, 10).await.unwrap();
        if dead.len() == 2 || Instant::now() > deadline {
            break dead;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let live = relay.stats();
    let stats = relay.shutdown().await.unwrap();
    assert_eq!(live, stats, "live counters match the final ones");
    let after = outbox.depth(&db.pool).await.unwrap();
    assert_eq!((after.pending, after.dead), (0, 2));
    assert_eq!(after.oldest_pending_age, None);
    println!(
        "corrupt rows: {} good records received; dead: {:?}; relay {stats:?}",
        received.len(),
        dead.iter()
            .map(|d| (d.id, d.attempts, d.last_error.clone()))
            .collect::<Vec<_>>()
    );
    assert_eq!(
        distinct_event_ids(&received).len(),
        50,
        "the other rows flow"
    );
    assert_eq!(dead.len(), 2);
    let by_id = |id| dead.iter().find(|d| d.id == id).unwrap();
    assert_eq!(by_id(bad_json).attempts, 1, "bad JSON is dead at once");
    assert!(
        by_id(bad_json)
            .last_error
            .as_deref()
            .unwrap()
            .starts_with("payload is not valid JSON")
    );
    assert_eq!(by_id(unknown_topic).attempts, 3);
    let error = by_id(unknown_topic).last_error.clone().unwrap();
    assert!(
        error.starts_with("topic `tidings.test.missing.v1` does not exist on the cluster"),
        "{error}"
    );
}

/// Inserts a row by hand, as another language's writer (or an operator) might: any `headers`
/// JSON, any payload.
async fn insert_row(db: &TestDatabase, key: &str, headers: &str, payload: &[u8]) -> i64 {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO tidings_outbox (event_id, event_type, topic, partition_key, key_shard, headers, payload) \
         VALUES ($1, $2, $2, $3, $4, $5::jsonb, $6) RETURNING id",
    )
    .bind(uuid::Uuid::new_v4())
    .bind(Fault::TOPIC)
    .bind(key)
    .bind(key_shard(key))
    .bind(headers)
    .bind(payload)
    .fetch_one(&db.pool)
    .await
    .unwrap();
    id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rows_with_malformed_headers_go_dead_at_once_while_the_others_flow() {
    let (db, kafka, outbox) = setup().await;
    let valid = serde_json::to_vec(&fault("bad-headers", 0)).unwrap();
    let malformed = [
        r#"{"event_id": "x"}"#,
        r#"[["event_id", 5]]"#,
        "null",
        r#"[["event_id", "a", "b"]]"#,
        r#"[["event_id"]]"#,
        r#""event_id""#,
        "[1]",
        r#"[["event_id", null]]"#,
    ];
    let mut bad = Vec::new();
    for (i, headers) in malformed.iter().enumerate() {
        bad.push(insert_row(&db, &format!("bad-{i}"), headers, &valid).await);
    }
    let mut tx = db.pool.begin().await.unwrap();
    let good: Vec<_> = (0..50)
        .map(|seq| fault(&format!("good-{}", seq % 5), seq))
        .collect();
    outbox.enqueue_batch(&mut tx, &good).await.unwrap();
    tx.commit().await.unwrap();

    let relay = testing_relay(&db, &kafka, &outbox);
    let started = Instant::now();
    let received = receive(&kafka, 50, Duration::from_secs(15)).await;
    let elapsed = started.elapsed();
    let stats = relay.shutdown().await.unwrap();
    let dead = outbox.dead_rows(&db.pool, 20).await.unwrap();
    println!(
        "malformed headers: {} good records in {elapsed:?}; {} dead; relay {stats:?}",
        received.len(),
        dead.len()
    );
    assert_eq!(
        distinct_event_ids(&received).len(),
        50,
        "the good rows flow"
    );
    assert_eq!(dead.len(), malformed.len(), "every malformed row is dead");
    for id in bad {
        let row = dead.iter().find(|d| d.id == id).expect("dead");
        assert_eq!(row.attempts, 1, "dead at the first attempt");
        let error = row.last_error.as_deref().unwrap_or_default();
        assert!(
            error.starts_with("headers column is not a JSON array of [name, value] string pairs"),
            "{error}"
        );
    }
}

/// The head of a key fails (here: larger than the producer accepts); the key's later rows wait
/// behind it, in the same batch and in later ones, until it is published or dead.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_waits_behind_its_failing_head_and_keeps_its_order() {
    let (db, kafka, outbox) = setup().await;
    let mut head = fault("ordered", 1);
    head.data.key = "ordered".into();
    let mut large = serde_json::to_value(&head).unwrap();
    large["data"]["padding"] = "x".repeat(20_000).into();
    let head_id = insert_row(&db, "ordered", "[]", &serde_json::to_vec(&large).unwrap()).await;
    let mut tx = db.pool.begin().await.unwrap();
    let rest: Vec<_> = [fault("ordered", 2), fault("ordered", 3), fault("other", 1)].to_vec();
    let written = outbox.enqueue_batch(&mut tx, &rest).await.unwrap();
    tx.commit().await.unwrap();

    let small = Outbox::builder().size_cap(8_000).build().unwrap();
    let relay = Relay::builder(small, db.pool.clone(), kafka.bootstrap_servers())
        .preset(Environment::Testing)
        .producer_setting("message.max.bytes", "10000")
        .configure(|c| {
            c.max_attempts = 4;
            c.backoff.base = Duration::from_millis(400);
            c.backoff.cap = Duration::from_millis(800);
        })
        .build()
        .unwrap()
        .spawn();
    // While the head retries, its key's later rows stay untouched; the other key flows.
    wait_behind_head_until_dead(&db, head_id, &[written[0].id, written[1].id], 1).await;
    assert_published_in_order_after_the_head(&kafka, relay).await;
}

/// Watches `followers` stay pending and untouched while `head` is not dead (checked once the
/// head has `from_attempt` attempts), until it is dead.
async fn wait_behind_head_until_dead(
    db: &TestDatabase,
    head: i64,
    followers: &[i64],
    from_attempt: i32,
) {
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut observed_waiting = 0;
    let ids: Vec<i64> = std::iter::once(head)
        .chain(followers.iter().copied())
        .collect();
    loop {
        // One snapshot of the rows, so the head's state and its followers' agree in time.
        let rows: Vec<(i64, String, i32)> =
            sqlx::query_as("SELECT id, state, attempts FROM tidings_outbox WHERE id = ANY($1)")
                .bind(&ids)
                .fetch_all(&db.pool)
                .await
                .unwrap();
        let state = |id: i64| {
            let (_, state, attempts) = rows.iter().find(|(row, ..)| *row == id).unwrap();
            (state.clone(), *attempts)
        };
        let (head_state, attempts) = state(head);
        if head_state == "dead" {
            break;
        }
        if attempts >= from_attempt {
            for id in followers {
                assert_eq!(
                    state(*id),
                    ("pending".to_owned(), 0),
                    "a later row of the key moved while its head was waiting ({head_state}, attempts {attempts})"
                );
            }
            observed_waiting += 1;
        }
        assert!(Instant::now() < deadline, "the head never went dead");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(observed_waiting > 5, "the waiting was observed");
}

/// The key `ordered` published as 2, 3 after its head went dead, and the other key's event.
async fn assert_published_in_order_after_the_head(
    kafka: &TestKafka,
    relay: tidings::relay::RelayHandle,
) {
    let consumer = kafka.consumer(&[Fault::TOPIC]);
    let received =
        tokio::task::spawn_blocking(move || consume(&consumer, 3, Duration::from_secs(15)))
            .await
            .unwrap();
    relay.shutdown().await.unwrap();
    let ordered: Vec<u32> = received
        .iter()
        .map(|r| serde_json::from_slice::<EventEnvelope<Fault>>(r.payload().unwrap()).unwrap())
        .filter(|e| e.data.key == "ordered")
        .map(|e| e.data.seq)
        .collect();
    assert_eq!(
        ordered,
        [2, 3],
        "published after the head went dead, in order"
    );
    assert_eq!(received.len(), 3);
}

/// The head of a key is handed to the producer and fails only later, at delivery (its topic does
/// not exist); the key's later rows of the same batch were not sent alongside it, and wait behind
/// it until it is dead. Another key in the batch flows.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_waits_behind_a_head_that_fails_at_delivery() {
    const MISSING_TOPIC: &str = "tidings.test.order-missing.v1";
    let (db, kafka, outbox) = setup().await;
    if let Some(mock) = kafka.mock() {
        mock.topic_error(
            MISSING_TOPIC,
            RDKafkaRespErr::RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART,
        )
        .unwrap();
    }
    let head = serde_json::to_vec(&fault("ordered", 1)).unwrap();
    let (head_id,): (i64,) = sqlx::query_as(
        "INSERT INTO tidings_outbox (event_id, event_type, topic, partition_key, key_shard, headers, payload) \
         VALUES ($1, $2, $2, 'ordered', $3, '[]', $4) RETURNING id",
    )
    .bind(uuid::Uuid::new_v4())
    .bind(MISSING_TOPIC)
    .bind(key_shard("ordered"))
    .bind(&head)
    .fetch_one(&db.pool)
    .await
    .unwrap();
    let mut tx = db.pool.begin().await.unwrap();
    let rest = [fault("ordered", 2), fault("other", 1), fault("ordered", 3)];
    let written = outbox.enqueue_batch(&mut tx, &rest).await.unwrap();
    tx.commit().await.unwrap();

    let relay = Relay::builder(outbox.clone(), db.pool.clone(), kafka.bootstrap_servers())
        .preset(Environment::Testing)
        .configure(|c| {
            c.max_attempts = 2;
            c.message_timeout = Duration::from_millis(1_500);
            c.backoff.base = Duration::from_millis(300);
            c.backoff.cap = Duration::from_millis(600);
        })
        .build()
        .unwrap()
        .spawn();
    wait_behind_head_until_dead(&db, head_id, &[written[0].id, written[2].id], 0).await;
    assert_published_in_order_after_the_head(&kafka, relay).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn out_of_range_relay_settings_are_refused_at_build() {
    let (db, kafka, outbox) = setup().await;
    let build = |change: fn(&mut tidings::relay::RelayConfig)| {
        Relay::builder(outbox.clone(), db.pool.clone(), kafka.bootstrap_servers())
            .preset(Environment::Testing)
            .configure(change)
            .build()
            .map(|_| ())
    };
    for (change, setting) in [
        (
            (|c: &mut tidings::relay::RelayConfig| c.batch_size = 0) as fn(&mut _),
            "batch_size",
        ),
        (|c| c.batch_size = -1, "batch_size"),
        (|c| c.max_attempts = 0, "max_attempts"),
        (|c| c.retention = Duration::MAX, "retention"),
        (|c| c.message_timeout = Duration::ZERO, "message_timeout"),
        (
            |c| {
                c.producer_overrides
                    .push(("message.max.bytes".into(), "500000".into()))
            },
            "message.max.bytes",
        ),
    ] {
        match build(change) {
            Err(tidings::relay::RelayError::InvalidConfig { setting: found, .. }) => {
                assert_eq!(found, setting)
            }
            other => panic!("{setting}: expected InvalidConfig, got {other:?}"),
        }
    }
    assert!(build(|_| {}).is_ok());
}

/// Relays of different outbox tables in one database never take each other's shard leases (the
/// lease locks are keyed by the table's OID). These two names once hashed to the same lock class.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn relays_of_two_outbox_tables_in_one_database_do_not_block_each_other() {
    let db = TestPostgres::database().await;
    let kafka = TestKafka::start();
    kafka.create_topic(Fault::TOPIC, 6).await;
    let mut relays = Vec::new();
    for table in ["outbox_60393", "outbox_94687"] {
        let outbox = Outbox::builder().table(table).build().unwrap();
        outbox.migrate(&db.pool).await.unwrap();
        let mut tx = db.pool.begin().await.unwrap();
        let events: Vec<_> = (0..64)
            .map(|seq| fault(&format!("{table}-{seq}"), seq))
            .collect();
        outbox.enqueue_batch(&mut tx, &events).await.unwrap();
        tx.commit().await.unwrap();
        relays.push((
            outbox.clone(),
            Relay::builder(outbox, db.pool.clone(), kafka.bootstrap_servers())
                .preset(Environment::Testing)
                .build()
                .unwrap()
                .spawn(),
        ));
    }
    let consumer = kafka.consumer(&[Fault::TOPIC]);
    let received =
        tokio::task::spawn_blocking(move || consume(&consumer, 128, Duration::from_secs(20)))
            .await
            .unwrap();
    for (outbox, relay) in relays {
        let stats = relay.shutdown().await.unwrap();
        assert_eq!(
            stats.published,
            64,
            "{}: {stats:?}",
            outbox.qualified_table()
        );
        assert_eq!(outbox.depth(&db.pool).await.unwrap().pending, 0);
    }
    assert_eq!(distinct_event_ids(&received).len(), 128);
}

#[test]
fn outbox_names_whose_channel_or_derived_names_would_not_fit_are_refused_at_build() {
    let long_pair = Outbox::builder()
        .schema("s".repeat(20))
        .table("t".repeat(35))
        .build()
        .unwrap_err();
    assert!(
        long_pair.to_string().contains("NOTIFY channel"),
        "{long_pair}"
    );
    assert!(
        Outbox::builder()
            .schema("s".repeat(20))
            .table("t".repeat(34))
            .build()
            .is_ok()
    );
    let table = Outbox::builder().table("t".repeat(63)).build().unwrap_err();
    assert!(table.to_string().contains("at most 49"), "{table}");
    let reserved = Outbox::builder()
        .schema("information_schema")
        .build()
        .unwrap_err();
    assert!(
        reserved.to_string().contains("belong to Postgres"),
        "{reserved}"
    );
    assert!(Inbox::new("pg_catalog", "inbox").is_err());
}

/// A NUL in the partition key or a header value is a typed error before any SQL runs, so the
/// caller's transaction stays usable, as with every other rejected event.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_nul_character_is_a_typed_error_that_leaves_the_transaction_usable() {
    let (db, _kafka, outbox) = setup().await;
    let mut tx = db.pool.begin().await.unwrap();
    let in_key = fault("with\0nul", 1);
    let in_source = EventEnvelope::new(
        "fault\0suite",
        Fault {
            key: "k".into(),
            seq: 2,
        },
    );
    for (envelope, field) in [(in_key, "partition key"), (in_source, "source_service")] {
        match outbox.enqueue(&mut tx, &envelope).await {
            Err(tidings::outbox::OutboxError::NulCharacter { field: found, .. }) => {
                assert_eq!(found, field)
            }
            other => panic!("{field}: expected NulCharacter, got {other:?}"),
        }
    }
    outbox.enqueue(&mut tx, &fault("fine", 3)).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(outbox.depth(&db.pool).await.unwrap().pending, 1);
}

/// NaN and infinities have no JSON form; serde_json would write them as `null`, silently emptying
/// an optional field. Each is a typed error naming the field, before any SQL runs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_nan_or_infinity_is_a_typed_error_naming_the_field_and_the_transaction_stays_usable() {
    let (db, _kafka, outbox) = setup().await;
    let fine = Measure {
        key: "m".into(),
        required: 1.5,
        optional: Some(0.25),
        weights: vec![1.0, 2.0],
        by_rater: [("ann/b".to_owned(), 3.0)].into(),
        nested: Some(Reading { value: 4.0 }),
    };
    let mut tx = db.pool.begin().await.unwrap();
    let mut refused = 0;
    for (bad, value) in [
        (f64::NAN, "NaN"),
        (f64::INFINITY, "infinity"),
        (f64::NEG_INFINITY, "-infinity"),
    ] {
        let cases = [
            (
                Measure {
                    required: bad,
                    ..fine.clone()
                },
                "/required",
            ),
            (
                Measure {
                    optional: Some(bad),
                    ..fine.clone()
                },
                "/optional",
            ),
            (
                Measure {
                    weights: vec![1.0, bad as f32],
                    ..fine.clone()
                },
                "/weights/1",
            ),
            (
                Measure {
                    by_rater: [("ann/b".to_owned(), bad)].into(),
                    ..fine.clone()
                },
                "/by_rater/ann~1b",
            ),
            (
                Measure {
                    nested: Some(Reading { value: bad }),
                    ..fine.clone()
                },
                "/nested/value",
            ),
        ];
        for (measure, path) in cases {
            match tidings::validate::validate(&measure) {
                Err(tidings::validate::ValidationError::NonFiniteNumber {
                    path: found,
                    value: v,
                    ..
                }) => assert_eq!((found.as_str(), v), (path, value)),
                other => panic!("validate {path} = {value}: got {other:?}"),
            }
            match outbox
                .enqueue(&mut tx, &EventEnvelope::new("fault-suite", measure))
                .await
            {
                Err(tidings::outbox::OutboxError::NonFiniteNumber {
                    path: found,
                    value: v,
                    ..
                }) => {
                    assert_eq!(
                        (found.as_str(), v),
                        (format!("/data{path}").as_str(), value)
                    );
                    refused += 1;
                }
                other => panic!("enqueue {path} = {value}: got {other:?}"),
            }
        }
    }
    assert_eq!(refused, 15);
    outbox
        .enqueue(&mut tx, &EventEnvelope::new("fault-suite", fine))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(outbox.depth(&db.pool).await.unwrap().pending, 1);
}

/// One limit, checked at enqueue against the size actually sent (value + key + headers): an event
/// just under it is published by a relay with default settings; one byte more is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_largest_accepted_event_is_published_and_one_byte_more_is_refused() {
    let (db, kafka, outbox) = setup().await;
    let cap = outbox.size_cap();
    assert_eq!(cap, tidings::record::MAX_RECORD_BYTES);
    let size = |key_len: usize| {
        let envelope = fault(&"k".repeat(key_len), 1);
        let pairs = tidings::StandardHeaders::from_envelope(&envelope).to_pairs();
        tidings::record::record_size(
            serde_json::to_vec(&envelope).unwrap().len(),
            key_len,
            pairs.iter().map(|(k, v)| (*k, v.as_str())),
        )
    };
    let (mut low, mut high) = (1, cap);
    while low + 1 < high {
        let mid = (low + high) / 2;
        if size(mid) <= cap {
            low = mid
        } else {
            high = mid
        }
    }
    let largest = fault(&"k".repeat(low), 1);
    let too_large = fault(&"k".repeat(low + 1), 2);
    let mut tx = db.pool.begin().await.unwrap();
    match outbox.enqueue(&mut tx, &too_large).await {
        Err(tidings::outbox::OutboxError::PayloadTooLarge { bytes, limit, .. }) => {
            assert_eq!(limit, cap);
            assert!(bytes > cap);
        }
        other => panic!("expected PayloadTooLarge, got {other:?}"),
    }
    outbox.enqueue(&mut tx, &largest).await.unwrap();
    tx.commit().await.unwrap();

    let relay = testing_relay(&db, &kafka, &outbox);
    let received = receive(&kafka, 1, Duration::from_secs(20)).await;
    let stats = relay.shutdown().await.unwrap();
    assert_eq!((stats.published, stats.dead), (1, 0), "{stats:?}");
    assert_eq!(received.len(), 1);
    println!("largest accepted record: {} bytes (cap {cap})", size(low));
}

/// A table dropped while services run is created again by the next `migrate`, although its
/// migration is recorded; the outbox and the inbox alike.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrate_recreates_a_dropped_outbox_or_inbox_table() {
    let (db, _kafka, outbox) = setup().await;
    let inbox = Inbox::default();
    inbox.migrate(&db.pool).await.unwrap();
    for table in ["tidings_outbox", "tidings_inbox"] {
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP TABLE public.{table}")))
            .execute(&db.pool)
            .await
            .unwrap();
    }
    outbox.migrate(&db.pool).await.unwrap();
    inbox.migrate(&db.pool).await.unwrap();
    let mut tx = db.pool.begin().await.unwrap();
    outbox
        .enqueue(&mut tx, &fault("after-drop", 1))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(outbox.depth(&db.pool).await.unwrap().pending, 1);
    let (inbox_rows,): (i64,) = sqlx::query_as("SELECT count(*) FROM public.tidings_inbox")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(inbox_rows, 0);
}

/// The same event id twice in one batch: one row is written, and the repeat is reported as not
/// inserted, with the first one's id.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_event_id_twice_in_one_batch_is_written_once() {
    let (db, _kafka, outbox) = setup().await;
    for size in [3, 40] {
        let mut events: Vec<_> = (0..size).map(|seq| fault("dup", seq)).collect();
        events[size as usize - 1].event_id = events[0].event_id;
        let mut tx = db.pool.begin().await.unwrap();
        let written = outbox.enqueue_batch(&mut tx, &events).await.unwrap();
        tx.commit().await.unwrap();
        let last = written.last().unwrap();
        assert!(written[0].inserted);
        assert!(
            !last.inserted,
            "batch of {size}: the repeat is not inserted"
        );
        assert_eq!(last.id, written[0].id);
        assert_eq!(
            written.iter().filter(|w| w.inserted).count(),
            size as usize - 1
        );
    }
    assert_eq!(outbox.depth(&db.pool).await.unwrap().pending, 2 + 39);
}

/// `{"level": {"level": … {}}}`, `levels` objects deep, built without recursion.
fn nested(levels: usize) -> serde_json::Map<String, serde_json::Value> {
    let mut value = serde_json::Map::new();
    for _ in 1..levels {
        let mut outer = serde_json::Map::new();
        outer.insert("level".into(), serde_json::Value::Object(value));
        value = outer;
    }
    value
}

/// The outbox refuses an event nested deeper than a consumer can read, at any depth and without
/// overflowing the stack; what it accepts, the consumer decodes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_nested_deeper_than_a_consumer_reads_are_refused_at_enqueue() {
    let (db, _kafka, outbox) = setup().await;
    // The envelope is level 1, `data` level 2, `detail` level 3.
    let deepest = tidings::validate::MAX_NESTING - 2;
    let envelope = |levels| {
        EventEnvelope::new(
            "fault-suite",
            Deep {
                key: "deep".into(),
                detail: tidings::Untyped(nested(levels)),
            },
        )
    };
    let mut tx = db.pool.begin().await.unwrap();
    let accepted = envelope(deepest);
    outbox.enqueue(&mut tx, &accepted).await.unwrap();
    for levels in [deepest + 1, 127, 5_000, 50_000] {
        let refused = envelope(levels);
        match outbox.enqueue(&mut tx, &refused).await {
            Err(tidings::outbox::OutboxError::Serialize { source, .. }) => {
                assert!(
                    source.to_string().contains("nested more than 100 levels"),
                    "{source}"
                )
            }
            other => panic!("{levels} levels: expected a Serialize error, got {other:?}"),
        }
        // Dropping a deep `serde_json::Value` recurses once per level; not this test's subject.
        std::mem::forget(refused);
    }
    tx.commit().await.unwrap();
    let (payload,): (Vec<u8>,) =
        sqlx::query_as("SELECT payload FROM tidings_outbox WHERE event_id = $1")
            .bind(accepted.event_id)
            .fetch_one(&db.pool)
            .await
            .unwrap();
    let read: EventEnvelope<serde_json::Value> =
        tidings::decode::from_slice(&payload).expect("a consumer reads what the outbox accepted");
    let decoded = FaultEventPayload::decode(FaultEvent::Deep, read.data).unwrap();
    let FaultEventPayload::Deep(deep) = &decoded else {
        panic!("decoded as another member");
    };
    assert!(*deep == accepted.data);
}
