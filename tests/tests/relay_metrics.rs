//! The outbox and relay report their metrics. (Its own test binary: it installs the global
//! metrics recorder.)

use std::sync::{Arc, Mutex};
use std::time::Duration;

use metrics_util::debugging::{DebugValue, DebuggingRecorder};
use serde::{Deserialize, Serialize};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use tidings::outbox::Outbox;
use tidings::relay::{Environment, Relay};
use tidings::{Event, EventEnvelope, metrics as names};
use tidings_tests::kafka::consume;
use tidings_tests::{TestKafka, TestPostgres};

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, Event)]
#[event(name = "test.metric", topic = "tidings.test.metric.v1", version = 1, key = key)]
struct Measured {
    #[schemars(length(max = 8))]
    key: String,
    padding: String,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enqueue_and_relay_record_their_metrics() {
    let recorder = DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    recorder.install().unwrap();
    let log = Capture::default();
    let writer = log.clone();
    tracing::subscriber::set_global_default(
        tracing_subscriber::fmt()
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish(),
    )
    .unwrap();

    let db = TestPostgres::database().await;
    let kafka = TestKafka::start();
    kafka.create_topic(Measured::TOPIC, 3).await;
    let outbox = Outbox::builder().size_target(1000).build().unwrap();
    outbox.migrate(&db.pool).await.unwrap();
    let mut tx = db.pool.begin().await.unwrap();
    let small = EventEnvelope::new(
        "svc",
        Measured {
            key: "a".into(),
            padding: String::new(),
        },
    );
    let large = EventEnvelope::new(
        "svc",
        Measured {
            key: "b".into(),
            padding: "p".repeat(2000),
        },
    );
    // A batch that fails its checks part-way counts nothing, though its first rows were written
    // (and withdrawn) before the failure was found.
    let mut failing: Vec<_> = (0..40)
        .map(|i| {
            EventEnvelope::new(
                "svc",
                Measured {
                    key: format!("k{i}"),
                    padding: String::new(),
                },
            )
        })
        .collect();
    failing[30].data.key = "a key that is too long".into();
    assert!(outbox.enqueue_batch(&mut tx, &failing).await.is_err());
    outbox
        .enqueue_batch(&mut tx, &[small, large])
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let handle = Relay::builder(outbox, db.pool.clone(), kafka.bootstrap_servers())
        .preset(Environment::Testing)
        .build()
        .unwrap()
        .spawn();
    let consumer = kafka.consumer(&[Measured::TOPIC]);
    assert_eq!(consume(&consumer, 2, Duration::from_secs(20)).len(), 2);
    tokio::time::sleep(Duration::from_millis(300)).await; // one lease refresh records the depth
    handle.shutdown().await.unwrap();

    let snapshot = snapshotter.snapshot().into_vec();
    let find = |name: &str| {
        snapshot
            .iter()
            .filter(|(key, ..)| key.key().name() == name)
            .map(|(_, _, _, value)| value)
            .collect::<Vec<_>>()
    };
    let counter = |name: &str| {
        find(name)
            .iter()
            .map(|v| match v {
                DebugValue::Counter(c) => *c,
                _ => 0,
            })
            .sum::<u64>()
    };
    assert_eq!(counter(names::OUTBOX_ENQUEUED_TOTAL), 2);
    assert_eq!(counter(names::OUTBOX_PUBLISHED_TOTAL), 2);
    assert_eq!(
        counter(names::OUTBOX_PAYLOAD_OVER_TARGET_TOTAL),
        1,
        "the 2 KB payload is over the 1 KB target"
    );
    for histogram in [
        names::OUTBOX_BATCH_SIZE,
        names::OUTBOX_PUBLISH_LATENCY_SECONDS,
        names::PARTITION_KEY_RESOLUTION_SECONDS,
    ] {
        assert!(
            find(histogram)
                .iter()
                .any(|v| matches!(v, DebugValue::Histogram(h) if !h.is_empty())),
            "{histogram} was not recorded"
        );
    }
    for gauge in [
        names::OUTBOX_DEPTH,
        names::OUTBOX_OLDEST_PENDING_AGE_SECONDS,
    ] {
        assert!(!find(gauge).is_empty(), "{gauge} was not recorded");
    }

    // A database that refuses every write (read-only transactions), with a row waiting: the
    // relay's claim fails each time, whatever the machine's speed; the relay keeps going, each
    // real error reaches the log and `outbox_relay_errors_total`, and shutdown completes.
    let outbox = Outbox::builder().build().unwrap();
    let mut tx = db.pool.begin().await.unwrap();
    outbox
        .enqueue(
            &mut tx,
            &EventEnvelope::new(
                "svc",
                Measured {
                    key: "waiting".into(),
                    padding: String::new(),
                },
            ),
        )
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let options: PgConnectOptions = db.url.parse().unwrap();
    let refusing = PgPoolOptions::new()
        .max_connections(4)
        .connect_with(options.options([("default_transaction_read_only", "on")]))
        .await
        .unwrap();
    let handle = Relay::builder(outbox, refusing, kafka.bootstrap_servers())
        .preset(Environment::Testing)
        .build()
        .unwrap()
        .spawn();
    // Until an error is counted and its text logged (on a loaded machine the first statements
    // take a while), for at most 30 s. The recorder's snapshot drains, so counts are summed.
    let started = std::time::Instant::now();
    let mut errors: u64 = 0;
    loop {
        tokio::time::sleep(Duration::from_millis(500)).await;
        errors += snapshotter
            .snapshot()
            .into_vec()
            .iter()
            .filter(|(key, ..)| key.key().name() == names::OUTBOX_RELAY_ERRORS_TOTAL)
            .map(|(_, _, _, value)| match value {
                DebugValue::Counter(c) => *c,
                _ => 0,
            })
            .sum::<u64>();
        let logged = log.text().contains("read-only transaction");
        if (errors >= 1 && logged) || started.elapsed() > Duration::from_secs(30) {
            break;
        }
    }
    let waited = started.elapsed();
    tokio::time::timeout(Duration::from_secs(15), handle.shutdown())
        .await
        .expect("shutdown completes")
        .unwrap();
    let text = log.text();
    assert!(errors >= 1, "no relay error counted; log:\n{text}");
    assert!(
        text.contains("read-only transaction"),
        "the database's own error is in the log:\n{text}"
    );
    println!(
        "read-only database: {errors} relay errors counted in {:.1} s",
        waited.as_secs_f64()
    );
}

/// Collects what the log writes.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Capture {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl std::io::Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
