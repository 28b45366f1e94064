//! The idempotent consumer against a real Postgres and a Kafka-protocol broker.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use huleedu_contracts::{
    AssessmentResultV1, ProcessingEvent, ProcessingEventPayload, SpellcheckPhaseCompletedV1,
};
use metrics_util::debugging::{DebugValue, DebuggingRecorder, Snapshotter};
use rdkafka::ClientConfig;
use rdkafka::Message;
use rdkafka::message::Headers;
use rdkafka::producer::{FutureProducer, FutureRecord};
use sqlx::PgConnection;
use tidings::consumer::{EventConsumer, Handler, HandlerError, Inbox, Received};
use tidings::headers::names::dead_letter;
use tidings::relay::Backoff;
use tidings::{Event, EventEnvelope, StandardHeaders, metrics as names};
use tidings_tests::kafka::consume;
use tidings_tests::{TestDatabase, TestKafka, TestPostgres};
use tokio::sync::Notify;

fn snapshotter() -> &'static Snapshotter {
    static SNAPSHOTTER: OnceLock<Snapshotter> = OnceLock::new();
    SNAPSHOTTER.get_or_init(|| {
        let recorder = DebuggingRecorder::new();
        let snapshotter = recorder.snapshotter();
        recorder.install().unwrap();
        snapshotter
    })
}

type Labels = Vec<(String, String)>;

/// The sum of counter `name` over the label sets `matches` accepts, since the process started.
/// A snapshot drains the recorder, so every reading adds what it drained to totals kept here;
/// tests that run at the same time then see each other's counts, not lose them.
fn counter_sum(name: &str, matches: impl Fn(&Labels) -> bool) -> u64 {
    static TOTALS: OnceLock<std::sync::Mutex<std::collections::HashMap<(String, Labels), u64>>> =
        OnceLock::new();
    let mut totals = TOTALS.get_or_init(Default::default).lock().unwrap();
    for (key, _, _, value) in snapshotter().snapshot().into_vec() {
        if let DebugValue::Counter(count) = value {
            let labels = key
                .key()
                .labels()
                .map(|l| (l.key().to_owned(), l.value().to_owned()))
                .collect();
            *totals
                .entry((key.key().name().to_owned(), labels))
                .or_default() += count;
        }
    }
    totals
        .iter()
        .filter(|((metric, labels), _)| metric == name && matches(labels))
        .map(|(_, count)| count)
        .sum()
}

fn has_label(labels: &Labels, key: &str, value: &str) -> bool {
    labels.iter().any(|(k, v)| k == key && v == value)
}

fn counter(name: &str, group: &str) -> u64 {
    counter_sum(name, |labels| has_label(labels, "consumer_group", group))
}

fn example<T: serde::de::DeserializeOwned>(class: &str) -> T {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!(
        "../../shared/reference/huleedu/examples/{class}.json"
    ));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn phase_completed(entity: &str) -> EventEnvelope<SpellcheckPhaseCompletedV1> {
    let mut payload: SpellcheckPhaseCompletedV1 = example("SpellcheckPhaseCompletedV1");
    payload.entity_id = entity.into();
    EventEnvelope::new("spellchecker", payload)
}

/// Records effects in the consumer's transaction; notifies when it handled `stop_at`.
struct RecordEffects {
    stop_at: Option<String>,
    done: Arc<Notify>,
    handled: Arc<AtomicU64>,
    stop_after: Option<u64>,
}

impl RecordEffects {
    fn new() -> Self {
        Self {
            stop_at: None,
            done: Arc::new(Notify::new()),
            handled: Arc::new(AtomicU64::new(0)),
            stop_after: None,
        }
    }
}

impl Handler<ProcessingEventPayload> for RecordEffects {
    async fn handle(
        &self,
        event: &Received<ProcessingEventPayload>,
        tx: &mut PgConnection,
    ) -> Result<(), HandlerError> {
        let entity = match &event.envelope.data {
            ProcessingEventPayload::SpellcheckPhaseCompleted(p) => p.entity_id.clone(),
            ProcessingEventPayload::AssessmentResultPublished(p) => p.cj_assessment_job_id.clone(),
            other => return Err(format!("unexpected event {}", other.member()).into()),
        };
        if entity == "explode" {
            return Err("the handler cannot process this essay".into());
        }
        sqlx::query("INSERT INTO effects (event_id, entity) VALUES ($1, $2)")
            .bind(event.envelope.event_id)
            .bind(&entity)
            .execute(&mut *tx)
            .await?;
        let handled = self.handled.fetch_add(1, Ordering::SeqCst) + 1;
        if self.stop_at.as_deref() == Some(entity.as_str()) || self.stop_after == Some(handled) {
            self.done.notify_one();
        }
        Ok(())
    }
}

async fn setup(topics: &[&str], partitions: i32) -> (TestDatabase, TestKafka, FutureProducer) {
    snapshotter(); // the metrics recorder must be in place before anything records
    let db = TestPostgres::database().await;
    Inbox::default().migrate(&db.pool).await.unwrap();
    sqlx::query("CREATE TABLE effects (event_id UUID NOT NULL, entity TEXT NOT NULL)")
        .execute(&db.pool)
        .await
        .unwrap();
    let kafka = TestKafka::start();
    for topic in topics {
        kafka.create_topic(topic, partitions).await;
        kafka.create_topic(&format!("{topic}.dlq"), 1).await;
    }
    let producer: FutureProducer = ClientConfig::new()
        .set("bootstrap.servers", kafka.bootstrap_servers())
        .create()
        .unwrap();
    (db, kafka, producer)
}

async fn send<T: Event>(
    producer: &FutureProducer,
    envelope: &EventEnvelope<T>,
    with_headers: bool,
) {
    send_raw(
        producer,
        T::TOPIC,
        envelope.data.partition_key().as_str(),
        &serde_json::to_vec(envelope).unwrap(),
        with_headers.then(|| StandardHeaders::from_envelope(envelope)),
    )
    .await;
}

async fn send_raw(
    producer: &FutureProducer,
    topic: &str,
    key: &str,
    payload: &[u8],
    headers: Option<StandardHeaders>,
) {
    let mut record = FutureRecord::to(topic).key(key).payload(payload);
    if let Some(headers) = headers {
        let pairs = headers.to_pairs();
        record = record.headers(tidings::kafka::to_kafka_headers(
            pairs.iter().map(|(k, v)| (*k, v.as_str())),
        ));
    }
    producer
        .send(record, Duration::from_secs(10))
        .await
        .unwrap();
}

fn consumer(
    kafka: &TestKafka,
    db: &TestDatabase,
    group: &str,
    members: &[ProcessingEvent],
) -> EventConsumer<ProcessingEventPayload> {
    EventConsumer::builder(kafka.bootstrap_servers(), group, db.pool.clone())
        .events(members)
        .shared_topic("huleedu.test.shared.v1")
        .handler_retries(
            3,
            Backoff {
                base: Duration::from_millis(20),
                cap: Duration::from_millis(200),
            },
        )
        // A stopped member's partitions move on after the session timeout; keep it short here.
        .kafka_setting("session.timeout.ms", "6000")
        .kafka_setting("heartbeat.interval.ms", "500")
        .build()
        .unwrap()
}

/// Runs `consumer` until `handler` says it is done (or a minute passed, which fails the test).
async fn run_until_done(
    consumer: &EventConsumer<ProcessingEventPayload>,
    handler: &RecordEffects,
) -> tidings::consumer::ConsumerStats {
    let done = handler.done.clone();
    tokio::time::timeout(
        Duration::from_secs(60),
        consumer.run(handler, async move { done.notified().await }),
    )
    .await
    .expect("the handler was done within a minute")
    .unwrap()
}

/// Runs `consumer` until `done` (then one second more, for what follows), then reads `count`
/// records from the dead-letter topics `dlq` is subscribed to.
async fn run_then_read_dead_letters(
    consumer: &EventConsumer<ProcessingEventPayload>,
    handler: &RecordEffects,
    done: Arc<Notify>,
    dlq: rdkafka::consumer::BaseConsumer,
    count: usize,
) -> (
    tidings::consumer::ConsumerStats,
    Vec<rdkafka::message::OwnedMessage>,
) {
    let stats = tokio::time::timeout(
        Duration::from_secs(120),
        consumer.run(handler, async move {
            done.notified().await;
            tokio::time::sleep(Duration::from_secs(1)).await;
        }),
    )
    .await
    .expect("consumer finished")
    .unwrap();
    let dead = tokio::task::spawn_blocking(move || consume(&dlq, count, Duration::from_secs(30)))
        .await
        .unwrap();
    (stats, dead)
}

async fn effects(db: &TestDatabase) -> (i64, i64) {
    sqlx::query_as("SELECT count(*), count(DISTINCT event_id) FROM effects")
        .fetch_one(&db.pool)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_delivered_twice_take_effect_once() {
    const EVENTS: usize = 1000;
    let topic = SpellcheckPhaseCompletedV1::TOPIC;
    let (db, kafka, producer) = setup(&[topic], 1).await;
    for i in 0..EVENTS {
        let envelope = phase_completed(&if i == EVENTS - 1 {
            "last".to_owned()
        } else {
            format!("essay-{i}")
        });
        send(&producer, &envelope, true).await;
        send(&producer, &envelope, true).await; // redelivered
    }
    let group = "twice";
    let handler = RecordEffects {
        stop_at: Some("last".into()),
        ..RecordEffects::new()
    };
    let done = handler.done.clone();
    let consumer = consumer(
        &kafka,
        &db,
        group,
        &[ProcessingEvent::SpellcheckPhaseCompleted],
    );
    // The last event's duplicate follows it; give the consumer a moment to read it too.
    let stats = tokio::time::timeout(
        Duration::from_secs(120),
        consumer.run(&handler, async move {
            done.notified().await;
            tokio::time::sleep(Duration::from_millis(500)).await;
        }),
    )
    .await
    .expect("consumer finished")
    .unwrap();

    let (rows, distinct) = effects(&db).await;
    println!("delivered twice: {stats:?}; effect rows {rows}, distinct events {distinct}");
    assert_eq!(
        (rows, distinct),
        (EVENTS as i64, EVENTS as i64),
        "each effect exactly once"
    );
    assert_eq!(stats.handled, EVENTS as u64);
    assert_eq!(stats.duplicates, EVENTS as u64);
    assert_eq!(
        counter(names::KAFKA_DUPLICATE_EVENTS_TOTAL, group),
        EVENTS as u64,
        "the duplicate metric counts every repeat"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn poison_records_go_to_the_dead_letter_topic_with_their_reason() {
    let spellcheck = SpellcheckPhaseCompletedV1::TOPIC;
    let results = AssessmentResultV1::TOPIC;
    let shared = "huleedu.test.shared.v1";
    let (db, kafka, producer) = setup(&[spellcheck, results, shared], 1).await;

    let mut expected_reasons = Vec::new();
    for i in 0..100 {
        send(&producer, &phase_completed(&format!("good-{i}")), true).await;
        if i % 10 != 5 {
            continue;
        }
        // Ten poison records, two of each kind, spread among the good ones.
        match (i / 10) % 5 {
            0 => {
                let headers = StandardHeaders::from_envelope(&phase_completed("garbled"));
                send_raw(&producer, spellcheck, "k", b"{not json", Some(headers)).await;
                expected_reasons.push(("undecodable", spellcheck));
            }
            1 => {
                let mut value = serde_json::to_value(phase_completed("broken")).unwrap();
                value["data"].as_object_mut().unwrap().remove("batch_id");
                let headers = StandardHeaders::from_envelope(&phase_completed("broken"));
                send_raw(
                    &producer,
                    spellcheck,
                    "k",
                    &serde_json::to_vec(&value).unwrap(),
                    Some(headers),
                )
                .await;
                expected_reasons.push(("undecodable", spellcheck));
            }
            2 => {
                let mut result: AssessmentResultV1 = example("AssessmentResultV1");
                result.essay_results[0].rank = 0;
                send(&producer, &EventEnvelope::new("cj", result), true).await;
                expected_reasons.push(("schema_invalid", results));
            }
            3 => {
                let headers = StandardHeaders::from_envelope(&phase_completed("array"));
                send_raw(&producer, spellcheck, "k", b"[1, 2]", Some(headers)).await;
                expected_reasons.push(("undecodable", spellcheck));
            }
            _ => {
                let mut unknown = phase_completed("unknown");
                unknown.event_type = "huleedu.unknown.thing.v1".into();
                let payload = serde_json::to_vec(&unknown).unwrap();
                send_raw(
                    &producer,
                    shared,
                    "k",
                    &payload,
                    Some(StandardHeaders::from_envelope(&unknown)),
                )
                .await;
                expected_reasons.push(("unknown_event_type", shared));
            }
        }
    }
    let first_round = expected_reasons.clone();
    assert_eq!(first_round.len(), 10);

    let handler = RecordEffects {
        stop_after: Some(100),
        ..RecordEffects::new()
    };
    let done = handler.done.clone();
    let consumer = consumer(
        &kafka,
        &db,
        "poison",
        &[
            ProcessingEvent::SpellcheckPhaseCompleted,
            ProcessingEvent::AssessmentResultPublished,
        ],
    );
    let dlq_topics: Vec<String> = [spellcheck, results, shared]
        .iter()
        .map(|t| format!("{t}.dlq"))
        .collect();
    let dlq = kafka.consumer(&dlq_topics.iter().map(String::as_str).collect::<Vec<_>>());
    let (stats, dead) = run_then_read_dead_letters(&consumer, &handler, done, dlq, 10).await;

    let (rows, _) = effects(&db).await;
    println!(
        "poison: {stats:?}; handled effects {rows}; dead-lettered {}",
        dead.len()
    );
    assert_eq!(rows, 100, "every good record is handled");
    assert_eq!(stats.dead_lettered, 10);
    assert_eq!(
        dead.len(),
        10,
        "every poison record is in a dead-letter topic"
    );
    let header = |record: &rdkafka::message::OwnedMessage, name: &str| -> String {
        let headers = record.headers().unwrap();
        let value = headers
            .iter()
            .find(|h| h.key == name)
            .and_then(|h| h.value)
            .unwrap_or_else(|| panic!("no {name} header"));
        String::from_utf8(value.to_vec()).unwrap()
    };
    let mut seen: Vec<(String, String)> = dead
        .iter()
        .map(|record| {
            assert_eq!(
                record.topic(),
                format!("{}.dlq", header(record, dead_letter::ORIGINAL_TOPIC))
            );
            assert!(
                header(record, dead_letter::ORIGINAL_OFFSET)
                    .parse::<i64>()
                    .is_ok()
            );
            assert_eq!(header(record, dead_letter::ORIGINAL_PARTITION), "0");
            assert_eq!(header(record, dead_letter::CONSUMER_GROUP), "poison");
            assert!(!header(record, dead_letter::ERROR).is_empty());
            (
                header(record, dead_letter::REASON),
                header(record, dead_letter::ORIGINAL_TOPIC),
            )
        })
        .collect();
    let mut expected: Vec<(String, String)> = first_round
        .iter()
        .map(|(reason, topic)| ((*reason).to_owned(), (*topic).to_owned()))
        .collect();
    seen.sort();
    expected.sort();
    assert_eq!(seen, expected);
}

/// A record whose `event_type` names another member than its topic's (by topic or dotted name)
/// is dead-lettered as `event_type_mismatch`, even when its body would decode as the topic's
/// member; one naming its own member, or nothing the catalogue knows, is read by its topic.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_event_type_naming_another_member_is_dead_lettered() {
    let spellcheck = SpellcheckPhaseCompletedV1::TOPIC;
    let results = AssessmentResultV1::TOPIC;
    let (db, kafka, producer) = setup(&[spellcheck, results], 1).await;
    let with_type = |entity: &str, event_type: &str| {
        let mut envelope = phase_completed(entity);
        envelope.event_type = event_type.into();
        envelope
    };
    let mut result = EventEnvelope::new("cj", example::<AssessmentResultV1>("AssessmentResultV1"));
    result.event_type = spellcheck.into();
    send(&producer, &result, true).await;
    for envelope in [
        with_type("other-topic", results),
        with_type("other-name", AssessmentResultV1::NAME),
        with_type("own-name", SpellcheckPhaseCompletedV1::NAME),
        // HuleEdu producers put class names and unprefixed names here (facts §6).
        with_type("names-nothing", "SpellcheckPhaseCompletedV1"),
        phase_completed("plain"),
    ] {
        send(&producer, &envelope, true).await;
    }

    let handler = RecordEffects {
        stop_after: Some(3),
        ..RecordEffects::new()
    };
    let done = handler.done.clone();
    let consumer = consumer(
        &kafka,
        &db,
        "mismatch",
        &[
            ProcessingEvent::SpellcheckPhaseCompleted,
            ProcessingEvent::AssessmentResultPublished,
        ],
    );
    let dlq = kafka.consumer(&[&format!("{spellcheck}.dlq"), &format!("{results}.dlq")]);
    let (_, dead) = run_then_read_dead_letters(&consumer, &handler, done, dlq, 3).await;

    let handled: Vec<String> = sqlx::query_scalar("SELECT entity FROM effects ORDER BY entity")
        .fetch_all(&db.pool)
        .await
        .unwrap();
    assert_eq!(handled, ["names-nothing", "own-name", "plain"]);
    let mut seen: Vec<(String, String)> = dead
        .iter()
        .map(|record| {
            let header = |name: &str| {
                let value = record.headers().unwrap().iter().find(|h| h.key == name);
                String::from_utf8(value.and_then(|h| h.value).unwrap().to_vec()).unwrap()
            };
            assert!(
                header(dead_letter::ERROR).contains("names"),
                "{}",
                header(dead_letter::ERROR)
            );
            (header(dead_letter::REASON), record.topic().to_owned())
        })
        .collect();
    seen.sort();
    let mut expected = vec![
        ("event_type_mismatch".to_owned(), format!("{results}.dlq")),
        (
            "event_type_mismatch".to_owned(),
            format!("{spellcheck}.dlq"),
        ),
        (
            "event_type_mismatch".to_owned(),
            format!("{spellcheck}.dlq"),
        ),
    ];
    expected.sort();
    assert_eq!(seen, expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_handler_is_retried_then_dead_lettered_and_the_stream_goes_on() {
    let topic = SpellcheckPhaseCompletedV1::TOPIC;
    let (db, kafka, producer) = setup(&[topic], 1).await;
    send(&producer, &phase_completed("explode"), true).await;
    send(&producer, &phase_completed("after"), true).await;
    let handler = RecordEffects {
        stop_at: Some("after".into()),
        ..RecordEffects::new()
    };
    let consumer = consumer(
        &kafka,
        &db,
        "retries",
        &[ProcessingEvent::SpellcheckPhaseCompleted],
    );
    let stats = run_until_done(&consumer, &handler).await;
    assert_eq!(stats.handler_retries, 2, "three attempts");
    assert_eq!(stats.dead_lettered, 1);
    assert_eq!(stats.handled, 1);
    let dlq = kafka.consumer(&[&format!("{topic}.dlq")]);
    let dead = tokio::task::spawn_blocking(move || consume(&dlq, 1, Duration::from_secs(20)))
        .await
        .unwrap();
    assert_eq!(dead.len(), 1);
    let reason = dead[0]
        .headers()
        .unwrap()
        .iter()
        .find(|h| h.key == dead_letter::REASON)
        .and_then(|h| h.value)
        .unwrap()
        .to_vec();
    assert_eq!(reason, b"handler_failed");
    let (inbox,): (i64,) = sqlx::query_as("SELECT count(*) FROM tidings_inbox")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(inbox, 1, "a rolled-back handler leaves no inbox entry");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restarted_consumer_resumes_from_its_committed_offsets() {
    const EVENTS: usize = 500;
    let topic = SpellcheckPhaseCompletedV1::TOPIC;
    let (db, kafka, producer) = setup(&[topic], 1).await;
    for i in 0..EVENTS {
        let entity = if i == EVENTS - 1 {
            "last".to_owned()
        } else {
            format!("essay-{i}")
        };
        send(&producer, &phase_completed(&entity), true).await;
    }

    // The first consumer stops mid-stream.
    let first_started = Instant::now();
    let first = RecordEffects {
        stop_after: Some(200),
        ..RecordEffects::new()
    };
    let done = first.done.clone();
    let stats_first = consumer(
        &kafka,
        &db,
        "restart",
        &[ProcessingEvent::SpellcheckPhaseCompleted],
    )
    .run(&first, async move { done.notified().await })
    .await
    .unwrap();

    let first_elapsed = first_started.elapsed();
    // A new one in the same group picks up where the committed offsets say.
    let second = RecordEffects {
        stop_at: Some("last".into()),
        ..RecordEffects::new()
    };
    let done = second.done.clone();
    let started = Instant::now();
    let stats_second = tokio::time::timeout(
        Duration::from_secs(120),
        consumer(
            &kafka,
            &db,
            "restart",
            &[ProcessingEvent::SpellcheckPhaseCompleted],
        )
        .run(&second, async move { done.notified().await }),
    )
    .await
    .expect("second consumer finished")
    .unwrap();

    let (rows, distinct) = effects(&db).await;
    println!(
        "restart: first ({:?}) {stats_first:?}, second {stats_second:?} ({:?}); effects {rows}/{distinct}",
        first_elapsed,
        started.elapsed()
    );
    assert!(
        stats_first.handled >= 200 && stats_first.handled < EVENTS as u64,
        "stopped mid-stream"
    );
    assert_eq!(
        (rows, distinct),
        (EVENTS as i64, EVENTS as i64),
        "nothing skipped, nothing applied twice"
    );
    assert_eq!(stats_first.handled + stats_second.handled, EVENTS as u64);
    let rewound = stats_second.duplicates;
    assert!(
        rewound < stats_first.handled,
        "resumed from committed offsets, not from the start ({rewound} repeats)"
    );
}

/// Python's `json.dumps` with its defaults, as HuleEdu's relay writes record values: `", "` and
/// `": "` separators, and every non-ASCII character escaped as `\uXXXX` (surrogate pairs above
/// the BMP).
fn python_json_dumps(value: &serde_json::Value) -> String {
    use serde_json::Value;
    match value {
        Value::Array(items) => format!(
            "[{}]",
            items
                .iter()
                .map(python_json_dumps)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Value::Object(members) => format!(
            "{{{}}}",
            members
                .iter()
                .map(|(k, v)| format!(
                    "{}: {}",
                    python_json_dumps(&Value::String(k.clone())),
                    python_json_dumps(v)
                ))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Value::String(text) => {
            let mut out = String::from("\"");
            for c in text.chars() {
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    '\n' => out.push_str("\\n"),
                    c if (c as u32) < 0x20 || !c.is_ascii() => {
                        let mut units = [0u16; 2];
                        for unit in c.encode_utf16(&mut units) {
                            out.push_str(&format!("\\u{unit:04x}"));
                        }
                    }
                    c => out.push(c),
                }
            }
            out.push('"');
            out
        }
        other => other.to_string(),
    }
}

/// Records as producers other than tidings send them are read from their body: HuleEdu's relay
/// today (no headers, `json.dumps` spacing, `\uXXXX` escapes, naive timestamps), a partial header
/// set, a malformed header and a header that contradicts the body. None is dead-lettered; the
/// header problems are counted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_without_or_with_bad_headers_are_read_from_their_body() {
    let spellcheck = SpellcheckPhaseCompletedV1::TOPIC;
    let (db, kafka, producer) = setup(&[spellcheck], 1).await;
    let group = "bodies";
    let metric = |name: &str, problem: Option<&str>| -> u64 {
        counter_sum(name, |labels| {
            has_label(labels, "topic", spellcheck)
                && problem.is_none_or(|p| has_label(labels, "problem", p))
        })
    };
    let (missing_before, malformed_before, contradicting_before) = (
        metric(names::KAFKA_EVENT_HEADERS_MISSING_TOTAL, None),
        metric(names::KAFKA_EVENT_HEADERS_INVALID_TOTAL, Some("malformed")),
        metric(
            names::KAFKA_EVENT_HEADERS_INVALID_TOTAL,
            Some("contradicting"),
        ),
    );

    // 1. As HuleEdu's relay sends it: no headers, Python's JSON text, a naive timestamp.
    let python = phase_completed("essä-☃-𝄞");
    let mut value = serde_json::to_value(&python).unwrap();
    value["event_timestamp"] = "2025-03-14T09:30:00.123456".into();
    let text = python_json_dumps(&value);
    assert!(text.contains("\\u00e4") && text.contains("\\ud834\\udd1e") && text.contains("\", \""));
    send_raw(&producer, spellcheck, "k", text.as_bytes(), None).await;
    // 2. Seven of the eight required headers.
    let partial = phase_completed("partial");
    let pairs = StandardHeaders::from_envelope(&partial).to_pairs();
    let partial_payload = serde_json::to_vec(&partial).unwrap();
    let record = FutureRecord::to(spellcheck)
        .key("k")
        .payload(&partial_payload)
        .headers(tidings::kafka::to_kafka_headers(
            pairs
                .iter()
                .filter(|(k, _)| *k != "correlation_id")
                .map(|(k, v)| (*k, v.as_str())),
        ));
    producer
        .send(record, Duration::from_secs(10))
        .await
        .unwrap();
    // 3. A malformed header, and 4. a header event_id that is not the body's.
    for (entity, name, value) in [
        ("malformed", "schema_version", "1.0".to_owned()),
        (
            "contradicting",
            "event_id",
            uuid::Uuid::new_v4().to_string(),
        ),
    ] {
        let envelope = phase_completed(entity);
        let pairs: Vec<(&str, String)> = StandardHeaders::from_envelope(&envelope)
            .to_pairs()
            .into_iter()
            .map(|(k, v)| {
                if k == name {
                    (k, value.clone())
                } else {
                    (k, v)
                }
            })
            .collect();
        let payload = serde_json::to_vec(&envelope).unwrap();
        let record = FutureRecord::to(spellcheck)
            .key("k")
            .payload(&payload)
            .headers(tidings::kafka::to_kafka_headers(
                pairs.iter().map(|(k, v)| (*k, v.as_str())),
            ));
        producer
            .send(record, Duration::from_secs(10))
            .await
            .unwrap();
    }

    let handler = RecordEffects {
        stop_after: Some(4),
        ..RecordEffects::new()
    };
    let done = handler.done.clone();
    let consumer = consumer(
        &kafka,
        &db,
        group,
        &[ProcessingEvent::SpellcheckPhaseCompleted],
    );
    let stats = tokio::time::timeout(
        Duration::from_secs(60),
        consumer.run(&handler, async move {
            done.notified().await;
        }),
    )
    .await
    .expect("consumer finished")
    .unwrap();
    assert_eq!((stats.handled, stats.dead_lettered), (4, 0), "{stats:?}");
    let entities: Vec<(uuid::Uuid, String)> =
        sqlx::query_as("SELECT event_id, entity FROM effects ORDER BY entity")
            .fetch_all(&db.pool)
            .await
            .unwrap();
    let entities: Vec<&str> = entities.iter().map(|(_, e)| e.as_str()).collect();
    assert_eq!(
        entities,
        ["contradicting", "essä-☃-𝄞", "malformed", "partial"]
    );
    let body_id: (uuid::Uuid,) =
        sqlx::query_as("SELECT event_id FROM effects WHERE entity = 'contradicting'")
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_ne!(body_id.0, uuid::Uuid::nil());
    assert_eq!(
        metric(names::KAFKA_EVENT_HEADERS_MISSING_TOTAL, None) - missing_before,
        2,
        "the record without headers and the partial one"
    );
    assert_eq!(
        metric(names::KAFKA_EVENT_HEADERS_INVALID_TOTAL, Some("malformed")) - malformed_before,
        1
    );
    assert_eq!(
        metric(
            names::KAFKA_EVENT_HEADERS_INVALID_TOTAL,
            Some("contradicting")
        ) - contradicting_before,
        1
    );
}

/// Records compressed with any codec a producer may choose (gzip, snappy, lz4, zstd) are read;
/// none halts its partition.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_compressed_with_every_codec_are_read() {
    let spellcheck = SpellcheckPhaseCompletedV1::TOPIC;
    let (db, kafka, _) = setup(&[spellcheck], 1).await;
    let codecs = ["gzip", "snappy", "lz4", "zstd", "none"];
    for codec in codecs {
        let producer: FutureProducer = ClientConfig::new()
            .set("bootstrap.servers", kafka.bootstrap_servers())
            .set("compression.type", codec)
            .create()
            .unwrap_or_else(|err| panic!("{codec}: {err}"));
        send(&producer, &phase_completed(&format!("codec-{codec}")), true).await;
    }
    let handler = RecordEffects {
        stop_after: Some(codecs.len() as u64),
        ..RecordEffects::new()
    };
    let consumer = consumer(
        &kafka,
        &db,
        "codecs",
        &[ProcessingEvent::SpellcheckPhaseCompleted],
    );
    let stats = run_until_done(&consumer, &handler).await;
    assert_eq!(
        (stats.handled, stats.dead_lettered),
        (codecs.len() as u64, 0)
    );
}

/// Shutdown completes within its deadline even while a record waits for a database that does not
/// answer; the record's offset is not committed, so the next run reads it again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_completes_while_a_record_waits_for_the_database() {
    let spellcheck = SpellcheckPhaseCompletedV1::TOPIC;
    let (_db, kafka, producer) = setup(&[spellcheck], 1).await;
    send(&producer, &phase_completed("waits"), true).await;
    let unreachable = sqlx::postgres::PgPoolOptions::new()
        .acquire_timeout(Duration::from_millis(300))
        .connect_lazy("postgres://tidings@127.0.0.1:1/nowhere")
        .unwrap();
    let consumer = EventConsumer::<ProcessingEventPayload>::builder(
        kafka.bootstrap_servers(),
        "unreachable-db",
        unreachable,
    )
    .events(&[ProcessingEvent::SpellcheckPhaseCompleted])
    .handler_retries(
        3,
        Backoff {
            base: Duration::from_millis(20),
            cap: Duration::from_secs(30),
        },
    )
    .build()
    .unwrap();
    let handler = RecordEffects::new();
    let started = Instant::now();
    let stats = tokio::time::timeout(
        Duration::from_secs(30),
        consumer.run(&handler, tokio::time::sleep(Duration::from_secs(8))),
    )
    .await
    .expect("shutdown completed")
    .unwrap();
    let took = started.elapsed();
    assert!(took < Duration::from_secs(20), "shutdown took {took:?}");
    assert_eq!(stats, tidings::consumer::ConsumerStats::default());
}

/// Settings given with `kafka_setting` reach the dead-letter producer as well as the consumer:
/// here the builder's own address is unreachable and the real one comes only as a setting, so a
/// poison record reaches its dead-letter topic only if the producer got it too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kafka_settings_reach_the_dead_letter_producer() {
    let spellcheck = SpellcheckPhaseCompletedV1::TOPIC;
    let (db, kafka, producer) = setup(&[spellcheck], 1).await;
    let headers = StandardHeaders::from_envelope(&phase_completed("garbled"));
    send_raw(&producer, spellcheck, "k", b"{not json", Some(headers)).await;
    send(&producer, &phase_completed("after"), true).await;
    let consumer = EventConsumer::<ProcessingEventPayload>::builder(
        "127.0.0.1:1",
        "settings-reach-dlq",
        db.pool.clone(),
    )
    .events(&[ProcessingEvent::SpellcheckPhaseCompleted])
    .kafka_setting("bootstrap.servers", kafka.bootstrap_servers())
    .build()
    .unwrap();
    let handler = RecordEffects {
        stop_at: Some("after".into()),
        ..RecordEffects::new()
    };
    let stats = run_until_done(&consumer, &handler).await;
    assert_eq!((stats.handled, stats.dead_lettered), (1, 1), "{stats:?}");
    let dlq = kafka.consumer(&[&format!("{spellcheck}.dlq")]);
    let dead = tokio::task::spawn_blocking(move || consume(&dlq, 1, Duration::from_secs(20)))
        .await
        .unwrap();
    assert_eq!(dead.len(), 1, "the dead-letter copy was written");
}

/// A dead-letter copy too large for the dead-letter producer is sent again with the `dlq_*`
/// headers only; one that is too large even so is skipped with a metric, and the partition goes
/// on. The producer's limit is lowered here so that ordinary records reach it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_letter_copy_over_the_limit_is_trimmed_or_skipped_and_the_partition_goes_on() {
    use rdkafka::message::{Header, OwnedHeaders};

    let spellcheck = SpellcheckPhaseCompletedV1::TOPIC;
    let (db, kafka, producer) = setup(&[spellcheck], 1).await;
    let limit = 6_000;
    let poison = |size: usize| {
        let mut value = b"{not json ".to_vec();
        value.resize(size, b'x');
        value
    };
    // Fits once the original headers are left out.
    let big_header = "h".repeat(4_000);
    let trimmed_value = poison(3_000);
    producer
        .send(
            FutureRecord::to(spellcheck)
                .key("k")
                .payload(&trimmed_value)
                .headers(OwnedHeaders::new().insert(Header {
                    key: "big",
                    value: Some(big_header.as_bytes()),
                })),
            Duration::from_secs(10),
        )
        .await
        .unwrap();
    // Too large for the dead-letter producer whatever is left out.
    send_raw(&producer, spellcheck, "k", &poison(limit + 1_000), None).await;
    send(&producer, &phase_completed("after"), true).await;

    let group = "dlq-too-large";
    let before = counter(names::KAFKA_DEAD_LETTER_FAILED_TOTAL, group);
    let consumer = EventConsumer::<ProcessingEventPayload>::builder(
        kafka.bootstrap_servers(),
        group,
        db.pool.clone(),
    )
    .events(&[ProcessingEvent::SpellcheckPhaseCompleted])
    .dead_letter_producer_setting("message.max.bytes", limit.to_string())
    .build()
    .unwrap();
    let handler = RecordEffects {
        stop_at: Some("after".into()),
        ..RecordEffects::new()
    };
    let stats = run_until_done(&consumer, &handler).await;
    assert_eq!(stats.handled, 1, "{stats:?}");
    assert_eq!(
        counter(names::KAFKA_DEAD_LETTER_FAILED_TOTAL, group) - before,
        1,
        "the copy that cannot fit is counted"
    );
    let dlq = kafka.consumer(&[&format!("{spellcheck}.dlq")]);
    let dead = tokio::task::spawn_blocking(move || consume(&dlq, 2, Duration::from_secs(10)))
        .await
        .unwrap();
    assert_eq!(
        dead.len(),
        1,
        "only the trimmed copy is in the dead-letter topic"
    );
    let copy = &dead[0];
    assert_eq!(copy.payload().unwrap(), trimmed_value.as_slice());
    let names: Vec<&str> = copy.headers().unwrap().iter().map(|h| h.key).collect();
    assert!(
        !names.contains(&"big"),
        "original headers left out: {names:?}"
    );
    assert!(names.contains(&dead_letter::REASON), "{names:?}");
}

/// An event of a catalogue of its own carrying HuleEdu's `PersonNameV1`, whose `legal_full_name`
/// is a derived default (`tidings::rules::filled_from`).
#[derive(
    Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema, Event,
)]
#[event(name = "test.enrolled", topic = "tidings.test.enrolled.v1", version = 1, key = id)]
struct EnrolledV1 {
    id: String,
    student: huleedu_contracts::PersonNameV1,
}

tidings::catalogue! {
    /// Enrolments.
    enum Enrolment {
        Enrolled => EnrolledV1,
    }
}

/// Records the legal full name each event's handler sees.
struct RecordNames {
    names: Arc<std::sync::Mutex<Vec<Option<String>>>>,
    done: Arc<Notify>,
    expected: usize,
}

impl Handler<EnrolmentPayload> for RecordNames {
    async fn handle(
        &self,
        event: &Received<EnrolmentPayload>,
        _tx: &mut PgConnection,
    ) -> Result<(), HandlerError> {
        let EnrolmentPayload::Enrolled(enrolled) = &event.envelope.data;
        let mut names = self.names.lock().map_err(|err| err.to_string())?;
        names.push(enrolled.student.legal_full_name.clone());
        if names.len() == self.expected {
            self.done.notify_one();
        }
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_derived_default_is_filled_before_the_handler_sees_the_event() {
    let (db, kafka, producer) = setup(&[EnrolledV1::TOPIC], 1).await;
    let student = |first: &str, last: &str, full: Option<&str>| EnrolledV1 {
        id: format!("{first}-{last}"),
        student: huleedu_contracts::PersonNameV1 {
            first_name: first.into(),
            last_name: last.into(),
            legal_full_name: full.map(str::to_owned),
        },
    };
    // Written by a producer that left the name out (null), and one that gave it.
    let sent = [
        student("Ada", "Lovelace", None),
        student(" Charles", "Babbage ", None),
        student("Mary", "Somerville", Some("Mary Fairfax Somerville")),
    ];
    for data in &sent {
        send(
            &producer,
            &EventEnvelope::new("enrolment", data.clone()),
            true,
        )
        .await;
    }
    let handler = RecordNames {
        names: Arc::default(),
        done: Arc::new(Notify::new()),
        expected: sent.len(),
    };
    let done = handler.done.clone();
    let consumer = EventConsumer::builder(kafka.bootstrap_servers(), "names", db.pool.clone())
        .events(&[Enrolment::Enrolled])
        .build()
        .unwrap();
    tokio::time::timeout(
        Duration::from_secs(60),
        consumer.run(&handler, async move { done.notified().await }),
    )
    .await
    .expect("every event handled within a minute")
    .unwrap();
    let names = handler.names.lock().unwrap().clone();
    assert_eq!(
        names,
        [
            Some("Ada Lovelace".to_owned()),
            Some("Charles Babbage".to_owned()),
            Some("Mary Fairfax Somerville".to_owned()),
        ]
    );
}
