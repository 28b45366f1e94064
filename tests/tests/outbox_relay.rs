//! The outbox and the relay against a real Postgres and a Kafka-protocol broker.

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use huleedu_contracts::{AssessmentResultV1, SpellcheckPhaseCompletedV1, SpellcheckResultV1};
use rdkafka::Message;
use rdkafka::types::RDKafkaRespErr;
use serde::{Deserialize, Serialize};
use tidings::outbox::{Outbox, OutboxError};
use tidings::relay::{Environment, Relay, RelayHandle};
use tidings::{Event, EventEnvelope, StandardHeaders};
use tidings_tests::kafka::{consume, consume_distinct, key_text, murmur2_partition};
use tidings_tests::{TestDatabase, TestKafka, TestPostgres};

/// A test event carrying its position in its key's sequence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema, Event)]
#[event(name = "test.tick", topic = "tidings.test.tick.v1", version = 1, key = key)]
struct Tick {
    key: String,
    seq: u32,
    #[schemars(length(max = 64))]
    note: String,
}

const PARTITIONS: i32 = 6;

fn tick(key: &str, seq: u32) -> EventEnvelope<Tick> {
    EventEnvelope::new(
        "test-service",
        Tick {
            key: key.into(),
            seq,
            note: String::new(),
        },
    )
}

async fn setup(topics: &[&str]) -> (TestDatabase, TestKafka, Outbox) {
    let db = TestPostgres::database().await;
    let kafka = TestKafka::start();
    for topic in topics {
        kafka.create_topic(topic, PARTITIONS).await;
    }
    let outbox = Outbox::builder().build().unwrap();
    outbox.migrate(&db.pool).await.unwrap();
    (db, kafka, outbox)
}

fn relay(db: &TestDatabase, kafka: &TestKafka, outbox: &Outbox) -> RelayHandle {
    Relay::builder(outbox.clone(), db.pool.clone(), kafka.bootstrap_servers())
        .preset(Environment::Testing)
        .build()
        .unwrap()
        .spawn()
}

fn example<T: serde::de::DeserializeOwned>(class: &str) -> T {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!(
        "../../shared/reference/huleedu/examples/{class}.json"
    ));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_committed_event_arrives_with_key_partition_headers_and_bytes_intact() {
    let result: AssessmentResultV1 = example("AssessmentResultV1");
    let (db, kafka, outbox) = setup(&[AssessmentResultV1::TOPIC]).await;
    let envelope = EventEnvelope::builder("cj_assessment_service", result.clone())
        .trace_parent(
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
                .parse()
                .unwrap(),
        )
        .build();

    let mut tx = db.pool.begin().await.unwrap();
    let written = outbox.enqueue(&mut tx, &envelope).await.unwrap();
    tx.commit().await.unwrap();
    assert!(written.inserted);

    let stored: (Vec<u8>,) = sqlx::query_as("SELECT payload FROM tidings_outbox WHERE id = $1")
        .bind(written.id)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    let handle = relay(&db, &kafka, &outbox);
    let consumer = kafka.consumer(&[AssessmentResultV1::TOPIC]);
    let received = consume(&consumer, 1, Duration::from_secs(20));
    let stats = handle.shutdown().await.unwrap();
    assert_eq!(received.len(), 1, "record not received");
    assert_eq!(stats.published, 1);

    let record = &received[0];
    assert_eq!(record.topic(), "huleedu.assessment.result.published.v1");
    assert_eq!(key_text(record), result.cj_assessment_job_id);
    assert_eq!(
        record.partition(),
        murmur2_partition(result.cj_assessment_job_id.as_bytes(), PARTITIONS)
    );
    assert_eq!(
        record.payload().unwrap(),
        stored.0.as_slice(),
        "the stored bytes are published verbatim"
    );

    let headers = tidings::kafka::standard_headers(record.headers()).unwrap();
    assert_eq!(headers, StandardHeaders::from_envelope(&envelope));
    assert_eq!(headers.event_id, written.event_id);
    assert!(headers.traceparent.is_some());
    let body: EventEnvelope<AssessmentResultV1> =
        serde_json::from_slice(record.payload().unwrap()).unwrap();
    assert_eq!(
        body.event_id, envelope.event_id,
        "event_id is preserved end to end"
    );
    assert_eq!(body, envelope);

    let (state,): (String,) = sqlx::query_as("SELECT state FROM tidings_outbox WHERE id = $1")
        .bind(written.id)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(state, "published");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rolled_back_transaction_publishes_nothing() {
    let (db, kafka, outbox) = setup(&[Tick::TOPIC]).await;
    let handle = relay(&db, &kafka, &outbox);
    let consumer = kafka.consumer(&[Tick::TOPIC]);

    let mut tx = db.pool.begin().await.unwrap();
    outbox
        .enqueue_batch(&mut tx, &[tick("rolled-back", 0), tick("rolled-back", 1)])
        .await
        .unwrap();
    tx.rollback().await.unwrap();

    let mut tx = db.pool.begin().await.unwrap();
    outbox
        .enqueue(&mut tx, &tick("committed", 0))
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let received = consume(&consumer, 3, Duration::from_secs(5));
    handle.shutdown().await.unwrap();
    let keys: Vec<String> = received.iter().map(key_text).collect();
    assert_eq!(keys, ["committed"], "only the committed event is published");
    let (rows,): (i64,) = sqlx::query_as("SELECT count(*) FROM tidings_outbox")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(rows, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversize_and_invalid_events_are_typed_errors_that_write_nothing() {
    let (db, _kafka, _) = setup(&[]).await;
    let outbox = Outbox::builder()
        .size_target(512)
        .size_cap(2048)
        .build()
        .unwrap();
    outbox.migrate(&db.pool).await.unwrap();
    let mut tx = db.pool.begin().await.unwrap();

    let mut big = tick("k", 0);
    big.data.note = "x".repeat(60);
    big.source_service = "s".repeat(3000);
    match outbox.enqueue(&mut tx, &big).await {
        Err(OutboxError::PayloadTooLarge {
            topic,
            bytes,
            limit,
        }) => {
            assert_eq!(topic, Tick::TOPIC);
            assert!(bytes > 3000);
            assert_eq!(limit, 2048);
        }
        other => panic!("expected PayloadTooLarge, got {other:?}"),
    }

    let mut invalid = tick("k", 1);
    invalid.data.note = "n".repeat(65);
    match outbox.enqueue(&mut tx, &invalid).await {
        Err(OutboxError::Invalid(err)) => {
            assert_eq!(err.violations()[0].path, "/note");
            assert_eq!(err.violations()[0].rule, "maxLength");
        }
        other => panic!("expected Invalid, got {other:?}"),
    }

    let mut result: AssessmentResultV1 = example("AssessmentResultV1");
    result.essay_results[0].normalized_score = 1.5;
    let err = Outbox::builder()
        .build()
        .unwrap()
        .enqueue(&mut tx, &EventEnvelope::new("svc", result))
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("/essay_results/0/normalized_score"),
        "{err}"
    );

    // The transaction is still usable, and nothing of the rejected events is in it.
    outbox.enqueue(&mut tx, &tick("k", 2)).await.unwrap();
    tx.commit().await.unwrap();
    let seqs: Vec<(i32,)> = sqlx::query_as(
        "SELECT (convert_from(payload, 'UTF8')::jsonb #>> '{data,seq}')::int FROM tidings_outbox",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    assert_eq!(seqs, [(2,)]);
}

/// The `seq` of every row in the table, in id order.
async fn seqs_in_table(pool: &sqlx::PgPool) -> Vec<i32> {
    sqlx::query_as::<_, (i32,)>(
        "SELECT (convert_from(payload, 'UTF8')::jsonb #>> '{data,seq}')::int FROM tidings_outbox ORDER BY id",
    )
    .fetch_all(pool)
    .await
    .unwrap()
    .into_iter()
    .map(|(seq,)| seq)
    .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_batch_is_written_whole_in_order_or_not_at_all() {
    let (db, _kafka, outbox) = setup(&[]).await;
    let batch = |from: u32| -> Vec<_> { (from..from + 100).map(|seq| tick("k", seq)).collect() };

    // A bad event anywhere (in the part written first, in the rest, last) writes nothing of
    // its batch, and the transaction goes on.
    let mut tx = db.pool.begin().await.unwrap();
    let kept = batch(0);
    let written = outbox.enqueue_batch(&mut tx, &kept).await.unwrap();
    assert_eq!(written.len(), 100);
    assert!(written.iter().all(|row| row.inserted));
    assert!(
        written.windows(2).all(|pair| pair[0].id < pair[1].id),
        "ids follow the batch order"
    );
    let events: Vec<_> = written.iter().map(|row| row.event_id).collect();
    let expected: Vec<_> = kept.iter().map(|e| e.event_id).collect();
    assert_eq!(events, expected);
    for bad in [0, 5, 19, 20, 50, 99] {
        let mut envelopes = batch(1000);
        envelopes[bad].data.note = "n".repeat(65);
        match outbox.enqueue_batch(&mut tx, &envelopes).await {
            Err(OutboxError::Invalid(err)) => {
                assert_eq!(err.violations()[0].rule, "maxLength", "bad event {bad}");
            }
            other => panic!("expected Invalid for bad event {bad}, got {other:?}"),
        }
    }
    // A too-large event in the first part is refused before anything is sent.
    let mut envelopes = batch(2000);
    envelopes[1].source_service = "s".repeat(2 * 1024 * 1024);
    assert!(matches!(
        outbox.enqueue_batch(&mut tx, &envelopes).await,
        Err(OutboxError::PayloadTooLarge { .. })
    ));
    // Re-enqueueing events that are already there reports their rows, inserting nothing.
    let mut again = batch(3000);
    again[3] = kept[3].clone();
    again[60] = kept[60].clone();
    let rewritten = outbox.enqueue_batch(&mut tx, &again).await.unwrap();
    for at in [3, 60] {
        assert_eq!(rewritten[at].event_id, kept[at].event_id);
        assert_eq!(
            (rewritten[at].id, rewritten[at].inserted),
            (written[at].id, false)
        );
    }
    assert_eq!(rewritten.iter().filter(|row| row.inserted).count(), 98);
    tx.commit().await.unwrap();
    let seqs = seqs_in_table(&db.pool).await;
    let expected: Vec<i32> = (0..100)
        .chain((3000..3100).filter(|seq| *seq != 3003 && *seq != 3060))
        .collect();
    assert_eq!(seqs, expected);

    // Outside a transaction the batch is one statement: a bad last event leaves nothing behind.
    let mut conn = db.pool.acquire().await.unwrap();
    let mut envelopes = batch(4000);
    envelopes[99].data.note = "n".repeat(65);
    assert!(outbox.enqueue_batch(&mut conn, &envelopes).await.is_err());
    outbox.enqueue_batch(&mut conn, &batch(5000)).await.unwrap();
    assert_eq!(seqs_in_table(&db.pool).await.len(), 198 + 100);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dual_pair_shares_correlation_id_and_key_in_one_transaction() {
    let thin: SpellcheckPhaseCompletedV1 = example("SpellcheckPhaseCompletedV1");
    let rich: SpellcheckResultV1 = example("SpellcheckResultV1");
    let (db, _kafka, outbox) = setup(&[]).await;
    let correlation = uuid::Uuid::new_v4();
    let thin = EventEnvelope::builder("spellchecker", thin)
        .correlation_id(correlation)
        .build();
    let rich_envelope = EventEnvelope::builder("spellchecker", rich.clone())
        .correlation_id(correlation)
        .build();

    let mut tx = db.pool.begin().await.unwrap();
    let (a, b) = outbox
        .enqueue_dual(&mut tx, &thin, &rich_envelope)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let rows: Vec<(i64, String, String)> =
        sqlx::query_as("SELECT id, topic, partition_key FROM tidings_outbox ORDER BY id")
            .fetch_all(&db.pool)
            .await
            .unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!((rows[0].0, rows[1].0), (a.id, b.id));
    assert_eq!(rows[0].2, rows[1].2, "one key for the pair");
    assert_eq!(rows[1].1, SpellcheckResultV1::TOPIC);

    let mismatched = EventEnvelope::new("spellchecker", rich);
    let mut tx = db.pool.begin().await.unwrap();
    let err = outbox
        .enqueue_dual(&mut tx, &thin, &mismatched)
        .await
        .unwrap_err();
    assert!(matches!(err, OutboxError::PairMismatch { .. }), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failing_rows_back_off_then_go_dead_while_other_keys_flow_and_replay_publishes_them() {
    const BAD_TOPIC: &str = "tidings.test.refused.v1";
    #[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, Event)]
    #[event(name = "test.refused", topic = "tidings.test.refused.v1", version = 1, key = key)]
    struct Refused {
        key: String,
    }

    let (db, kafka, outbox) = setup(&[Tick::TOPIC, BAD_TOPIC]).await;
    if kafka.skip_unless(
        tidings_tests::Broker::Mock,
        "failing_rows_back_off_then_go_dead",
        "the broker must refuse one topic on command, which only the mock cluster's fault injection does",
    ) {
        return;
    }
    let mock = kafka
        .mock()
        .expect("fault injection needs the mock cluster");
    mock.topic_error(
        BAD_TOPIC,
        RDKafkaRespErr::RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED,
    )
    .unwrap();

    let mut tx = db.pool.begin().await.unwrap();
    let refused = outbox
        .enqueue(
            &mut tx,
            &EventEnvelope::new("svc", Refused { key: "bad".into() }),
        )
        .await
        .unwrap();
    tx.commit().await.unwrap();
    for seq in 0..20 {
        let mut tx = db.pool.begin().await.unwrap();
        outbox
            .enqueue(&mut tx, &tick(&format!("good-{}", seq % 4), seq))
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }

    let handle = Relay::builder(outbox.clone(), db.pool.clone(), kafka.bootstrap_servers())
        .preset(Environment::Testing)
        .configure(|c| {
            c.max_attempts = 4;
            c.backoff.base = Duration::from_millis(200);
            c.backoff.cap = Duration::from_secs(2);
        })
        .build()
        .unwrap()
        .spawn();

    // Watch the refused row: each failure schedules the next attempt further out, until it is dead.
    let mut delays = Vec::new();
    let mut seen_attempts = 0;
    let mut first_failure_seen_at: Option<chrono::DateTime<chrono::Utc>> = None;
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (attempts, state, delay, error, now): (i32, String, f64, Option<String>, chrono::DateTime<chrono::Utc>) = sqlx::query_as(
            "SELECT attempts, state, extract(epoch FROM next_attempt_at - now())::float8, last_error, now() FROM tidings_outbox WHERE id = $1",
        )
        .bind(refused.id)
        .fetch_one(&db.pool)
        .await
        .unwrap();
        if attempts >= 1 && first_failure_seen_at.is_none() {
            first_failure_seen_at = Some(now);
        }
        if attempts != seen_attempts && state == "pending" {
            delays.push(delay);
            seen_attempts = attempts;
        }
        if state == "dead" {
            assert_eq!(attempts, 4);
            let error = error.unwrap();
            assert!(error.contains("Kafka rejected the record"), "{error}");
            break;
        }
        assert!(
            Instant::now() < deadline,
            "row never went dead (attempts {attempts})"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    println!("scheduled retry delays (s): {delays:.3?}");
    assert_eq!(
        delays.len(),
        3,
        "three retries before the fourth, fatal attempt: {delays:?}"
    );
    assert!(
        delays.windows(2).all(|w| w[1] >= w[0] - 0.03),
        "delays grow: {delays:?}"
    );
    assert!(delays[2] >= delays[0] * 1.5, "delays grow: {delays:?}");

    // The other keys flowed meanwhile: every one was published before the refused row's first
    // failure was even observed, long before it went dead.
    let (unpublished, published_before): (i64, bool) = sqlx::query_as(
        "SELECT count(*) FILTER (WHERE state <> 'published'), max(published_at) <= $2 FROM tidings_outbox WHERE topic = $1",
    )
    .bind(Tick::TOPIC)
    .bind(first_failure_seen_at.expect("a first failure was observed"))
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(unpublished, 0, "other keys keep flowing");
    assert!(
        published_before,
        "other keys were published while the refused row was still retrying"
    );
    let consumer = kafka.consumer(&[Tick::TOPIC]);
    assert_eq!(consume(&consumer, 20, Duration::from_secs(20)).len(), 20);

    // A dead row is never claimed again...
    tokio::time::sleep(Duration::from_millis(500)).await;
    let dead = outbox.dead_rows(&db.pool, 10).await.unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].attempts, 4);

    // ... until it is replayed, which publishes it once the broker accepts the topic again.
    mock.topic_error(BAD_TOPIC, RDKafkaRespErr::RD_KAFKA_RESP_ERR_NO_ERROR)
        .unwrap();
    let bad_consumer = kafka.consumer(&[BAD_TOPIC]);
    assert_eq!(outbox.replay_dead(&db.pool, None).await.unwrap(), 1);
    let replayed = consume(&bad_consumer, 1, Duration::from_secs(20));
    let stats = handle.shutdown().await.unwrap();
    assert_eq!(replayed.len(), 1, "the replayed row is published");
    assert_eq!(key_text(&replayed[0]), "bad");
    assert_eq!(stats.dead, 1);
    assert!(stats.failed >= 4);
}

async fn enqueue_sequences(db: &TestDatabase, outbox: &Outbox, keys: usize, per_key: u32) {
    let mut tasks = Vec::new();
    for worker in 0..8 {
        let (pool, outbox) = (db.pool.clone(), outbox.clone());
        tasks.push(tokio::spawn(async move {
            for key in (worker..keys).step_by(8) {
                for chunk in (0..per_key).collect::<Vec<_>>().chunks(10) {
                    let envelopes: Vec<_> = chunk
                        .iter()
                        .map(|seq| tick(&format!("key-{key:03}"), *seq))
                        .collect();
                    let mut tx = pool.begin().await.unwrap();
                    outbox.enqueue_batch(&mut tx, &envelopes).await.unwrap();
                    tx.commit().await.unwrap();
                }
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
}

/// Polls until no row of `topic` waits in the outbox, or `timeout` passed; returns how many still wait.
async fn wait_until_published(db: &TestDatabase, topic: &str, timeout: Duration) -> i64 {
    let deadline = Instant::now() + timeout;
    loop {
        let (waiting,): (i64,) = sqlx::query_as(
            "SELECT count(*) FROM tidings_outbox WHERE topic = $1 AND state <> 'published'",
        )
        .bind(topic)
        .fetch_one(&db.pool)
        .await
        .unwrap();
        if waiting == 0 || Instant::now() >= deadline {
            return waiting;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_relays_keep_every_keys_order_and_lose_nothing() {
    const KEYS: usize = 100;
    const PER_KEY: u32 = 100;
    let (db, kafka, outbox) = setup(&[Tick::TOPIC]).await;
    let relays: Vec<RelayHandle> = (0..4).map(|_| relay(&db, &kafka, &outbox)).collect();
    let live = kafka.consumer(&[Tick::TOPIC]);

    let producing = {
        let (db, outbox) = (db.clone(), outbox.clone());
        tokio::spawn(async move { enqueue_sequences(&db, &outbox, KEYS, PER_KEY).await })
    };
    let total = KEYS * PER_KEY as usize;
    // Delivery is at least once: a record the broker took twice must not end a wait one event
    // short.
    let event_id = |r: &rdkafka::message::OwnedMessage| {
        serde_json::from_slice::<EventEnvelope<Tick>>(r.payload().unwrap())
            .unwrap()
            .event_id
    };
    // A consumer reading while four producers write: what a service sees live. It reads until it
    // has every event, or until a few seconds after the last row was published.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let live = {
        let stop = stop.clone();
        tokio::task::spawn_blocking(move || {
            let mut seen = std::collections::HashSet::new();
            let mut count = 0;
            while seen.len() < total && !stop.load(std::sync::atomic::Ordering::Relaxed) {
                if let Some(Ok(record)) = live.poll(Duration::from_millis(50)) {
                    seen.insert(event_id(&record.detach()));
                    count += 1;
                }
            }
            (count, seen.len())
        })
    };
    producing.await.unwrap();
    let waiting = wait_until_published(&db, Tick::TOPIC, Duration::from_secs(120)).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut stats = Vec::new();
    for relay in relays {
        stats.push(relay.shutdown().await.unwrap());
    }
    assert_eq!(waiting, 0, "every row is published: {stats:?}");
    let (live_count, live_distinct) = live.await.unwrap();

    // The decisive read: the whole log, from its first offset, once every relay has stopped.
    // (tansu's memory storage advances a partition's high watermark before the batch is stored,
    // so a consumer fetching at that moment can step over a batch a concurrent producer is still
    // writing; the record is in the log, and a later read finds it.)
    let log = kafka.consumer(&[Tick::TOPIC]);
    let received = tokio::task::spawn_blocking(move || {
        consume_distinct(&log, total, Duration::from_secs(60), event_id)
    })
    .await
    .unwrap();

    let mut first_seen: HashMap<uuid::Uuid, ()> = HashMap::new();
    let mut sequences: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    let mut duplicates = 0;
    for record in &received {
        let envelope: EventEnvelope<Tick> =
            serde_json::from_slice(record.payload().unwrap()).unwrap();
        if first_seen.insert(envelope.event_id, ()).is_some() {
            duplicates += 1;
            println!(
                "in the log again: {} seq {} at partition {} offset {}",
                envelope.data.key,
                envelope.data.seq,
                record.partition(),
                record.offset()
            );
            continue;
        }
        sequences
            .entry(envelope.data.key.clone())
            .or_default()
            .push(envelope.data.seq);
    }
    println!(
        "4 relays on {}: log holds {} records, {} distinct, {duplicates} repeated; live consumer saw {} ({} distinct); published per relay: {:?}",
        kafka.broker().name(),
        received.len(),
        first_seen.len(),
        live_count,
        live_distinct,
        stats.iter().map(|s| s.published).collect::<Vec<_>>()
    );
    for (key, seqs) in &sequences {
        let missing: Vec<u32> = (0..PER_KEY).filter(|seq| !seqs.contains(seq)).collect();
        if !missing.is_empty() {
            println!("not in the log: {key} seq {missing:?}");
        }
    }
    assert_eq!(first_seen.len(), total, "nothing lost");
    assert_eq!(sequences.len(), KEYS);
    for (key, seqs) in &sequences {
        assert_eq!(seqs, &(0..PER_KEY).collect::<Vec<_>>(), "order of {key}");
    }
    assert!(
        stats.iter().filter(|s| s.published > 0).count() >= 2,
        "work is shared: {stats:?}"
    );
    if kafka.broker() == tidings_tests::kafka::Broker::Mock {
        assert_eq!(
            live_distinct, total,
            "the mock cluster's live consumer sees every event"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notify_wakes_an_idle_relay_well_under_its_polling_interval() {
    let (db, kafka, outbox) = setup(&[Tick::TOPIC]).await;
    let handle = Relay::builder(outbox.clone(), db.pool.clone(), kafka.bootstrap_servers())
        .preset(Environment::Testing)
        .configure(|c| c.idle_ceiling = Duration::from_secs(10))
        .build()
        .unwrap()
        .spawn();
    let consumer = kafka.consumer(&[Tick::TOPIC]);
    // Warm up: one event end to end, so metadata and the consumer's assignment are settled.
    let mut tx = db.pool.begin().await.unwrap();
    outbox.enqueue(&mut tx, &tick("warm-up", 0)).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(consume(&consumer, 1, Duration::from_secs(20)).len(), 1);

    let mut latencies = Vec::new();
    for seq in 0..5 {
        // Let the relay back off to its 10 s idle ceiling.
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let mut tx = db.pool.begin().await.unwrap();
        outbox
            .enqueue(&mut tx, &tick("latency", seq))
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let committed = Instant::now();
        let received =
            tokio::task::block_in_place(|| consume(&consumer, 1, Duration::from_secs(15)));
        assert_eq!(received.len(), 1);
        latencies.push(committed.elapsed());
    }
    handle.shutdown().await.unwrap();
    let (insert_to_ack,): (Vec<f64>,) = sqlx::query_as(
        "SELECT array_agg(extract(epoch FROM published_at - created_at)::float8 ORDER BY id) FROM tidings_outbox WHERE partition_key = 'latency'",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    latencies.sort();
    println!(
        "commit -> consumed with NOTIFY, idle ceiling 10 s: {latencies:?}; insert -> acked (s): {insert_to_ack:.4?}"
    );
    assert!(latencies[4] < Duration::from_secs(2), "{latencies:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dispatcher_publishes_committed_rows_at_once() {
    let (db, kafka, outbox) = setup(&[Tick::TOPIC]).await;
    let handle = relay(&db, &kafka, &outbox);
    let dispatcher = handle.dispatcher();
    let consumer = kafka.consumer(&[Tick::TOPIC]);
    let mut tx = db.pool.begin().await.unwrap();
    let written = outbox
        .enqueue_batch(&mut tx, &[tick("d", 0), tick("d", 1)])
        .await
        .unwrap();
    tx.commit().await.unwrap();
    dispatcher.dispatch(&written);
    let received = consume(&consumer, 2, Duration::from_secs(20));
    handle.shutdown().await.unwrap();
    assert_eq!(received.len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delete_after_ack_removes_rows_and_retention_cleans_published_ones() {
    let (db, kafka, outbox) = setup(&[Tick::TOPIC]).await;
    let handle = Relay::builder(outbox.clone(), db.pool.clone(), kafka.bootstrap_servers())
        .preset(Environment::Testing)
        .after_ack(tidings::relay::AfterAck::Delete)
        .build()
        .unwrap()
        .spawn();
    let consumer = kafka.consumer(&[Tick::TOPIC]);
    let mut tx = db.pool.begin().await.unwrap();
    outbox
        .enqueue_batch(&mut tx, &[tick("del", 0), tick("del", 1), tick("del", 2)])
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(consume(&consumer, 3, Duration::from_secs(20)).len(), 3);
    handle.shutdown().await.unwrap();
    let (rows,): (i64,) = sqlx::query_as("SELECT count(*) FROM tidings_outbox")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(rows, 0, "acknowledged rows are deleted");

    // With the default (mark published), retention removes published rows once they are old enough.
    let handle = relay(&db, &kafka, &outbox);
    let mut tx = db.pool.begin().await.unwrap();
    outbox
        .enqueue_batch(&mut tx, &[tick("keep", 0), tick("keep", 1)])
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(consume(&consumer, 2, Duration::from_secs(20)).len(), 2);
    handle.shutdown().await.unwrap();
    assert_eq!(
        outbox
            .cleanup_published(&db.pool, Duration::from_secs(3600), 100)
            .await
            .unwrap(),
        0,
        "younger than the retention"
    );
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(
        outbox
            .cleanup_published(&db.pool, Duration::from_millis(10), 100)
            .await
            .unwrap(),
        2
    );
    let depth = outbox.depth(&db.pool).await.unwrap();
    assert_eq!((depth.pending, depth.dead), (0, 0));
}

/// The retention cleanup deletes every published row past the retention on each run, however
/// many there are, a statement of `cleanup_batch` rows at a time: one statement per run would
/// let a table that publishes faster than that grow without end.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_cleanup_run_deletes_every_published_row_past_the_retention() {
    let (db, kafka, outbox) = setup(&[Tick::TOPIC]).await;
    let interval = Duration::from_secs(2);
    let handle = Relay::builder(outbox.clone(), db.pool.clone(), kafka.bootstrap_servers())
        .preset(Environment::Testing)
        .configure(|c| {
            c.retention = Duration::from_millis(1);
            c.cleanup_interval = interval;
            c.cleanup_batch = 7;
        })
        .build()
        .unwrap()
        .spawn();
    let consumer = kafka.consumer(&[Tick::TOPIC]);
    let envelopes: Vec<_> = (0..100).map(|i| tick(&format!("k{}", i % 10), i)).collect();
    let mut tx = db.pool.begin().await.unwrap();
    outbox.enqueue_batch(&mut tx, &envelopes).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(consume(&consumer, 100, Duration::from_secs(30)).len(), 100);
    let published_by = std::time::Instant::now();
    let count = || async {
        let (rows,): (i64,) = sqlx::query_as("SELECT count(*) FROM tidings_outbox")
            .fetch_one(&db.pool)
            .await
            .unwrap();
        rows
    };
    // The next run starts within one interval; 15 statements of 7 rows take well under another.
    while count().await > 0 && published_by.elapsed() < 2 * interval {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let left = count().await;
    handle.shutdown().await.unwrap();
    assert_eq!(
        left, 0,
        "a cleanup run deletes all 100 rows, not one batch of 7"
    );
}

/// An event carrying HuleEdu's `PersonNameV1`, whose `legal_full_name` is a derived default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema, Event)]
#[event(name = "test.enrolled", topic = "tidings.test.enrolled.v1", version = 1, key = id)]
struct EnrolledV1 {
    id: String,
    student: huleedu_contracts::PersonNameV1,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn derived_defaults_are_written_filled_and_a_given_value_is_kept() {
    let db = TestPostgres::database().await;
    let outbox = Outbox::builder().build().unwrap();
    outbox.migrate(&db.pool).await.unwrap();
    let enrolled = |id: &str, full: Option<&str>| {
        EventEnvelope::new(
            "enrolment",
            EnrolledV1 {
                id: id.into(),
                student: huleedu_contracts::PersonNameV1 {
                    first_name: " Ada".into(),
                    last_name: "Lovelace\t".into(),
                    legal_full_name: full.map(str::to_owned),
                },
            },
        )
    };
    let mut tx = db.pool.begin().await.unwrap();
    outbox
        .enqueue_batch(
            &mut tx,
            &[
                enrolled("left-out", None),
                enrolled("given", Some("A. A. King")),
            ],
        )
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let rows: Vec<(String, Vec<u8>)> =
        sqlx::query_as("SELECT partition_key, payload FROM tidings_outbox ORDER BY id")
            .fetch_all(&db.pool)
            .await
            .unwrap();
    use serde_json::Value;
    let names: Vec<(String, Value)> = rows
        .into_iter()
        .map(|(key, payload)| {
            let envelope: Value = serde_json::from_slice(&payload).unwrap();
            (key, envelope["data"]["student"]["legal_full_name"].clone())
        })
        .collect();
    assert_eq!(
        names,
        [
            ("left-out".to_owned(), Value::from("Ada Lovelace")),
            ("given".to_owned(), Value::from("A. A. King")),
        ]
    );
}
