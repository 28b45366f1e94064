//! What the relay publishes is read by the Python clients services really run, installed plain
//! from PyPI without compression extras (as HuleEdu's services depend on them): aiokafka and
//! kafka-python. Each record arrives with the key, partition, headers and bytes the relay sent.
//!
//! The clients are installed into a virtual environment under target/python-clients on first
//! use (PyPI must be reachable).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use huleedu_contracts::{AssessmentResultV1, SpellcheckPhaseCompletedV1};
use tidings::outbox::Outbox;
use tidings::relay::{Environment, Relay};
use tidings::{Event, EventEnvelope, StandardHeaders};
use tidings_tests::kafka::murmur2_partition;
use tidings_tests::{TestKafka, TestPostgres};

const PARTITIONS: i32 = 3;
/// Pinned, and without extras: no lz4, snappy or zstd module is installed.
const CLIENTS: &[&str] = &["aiokafka==0.14.0", "kafka-python==3.0.12"];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

fn python_with_clients() -> PathBuf {
    let venv = root().join("target/python-clients/venv");
    let python = venv.join("bin/python");
    let marker = venv.join(CLIENTS.join(" ").replace(['=', ' '], "_"));
    if !marker.exists() {
        let _ = std::fs::remove_dir_all(&venv);
        let status = Command::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .status()
            .expect("python3");
        assert!(status.success(), "python3 -m venv failed");
        let status = Command::new(venv.join("bin/pip"))
            .args(["install", "--quiet", "--disable-pip-version-check"])
            .args(CLIENTS)
            .status()
            .expect("pip");
        assert!(status.success(), "pip install {CLIENTS:?} failed");
        std::fs::write(&marker, "").unwrap();
    }
    let extras = Command::new(&python)
        .args(["-c", "import importlib.util as u, sys; sys.exit(any(u.find_spec(m) for m in ('lz4', 'snappy', 'zstandard', 'cramjam')))"])
        .status()
        .unwrap();
    assert!(
        extras.success(),
        "a compression module is installed; the clients must run without"
    );
    python
}

fn example<T: serde::de::DeserializeOwned>(class: &str) -> T {
    let path = root().join(format!("../shared/reference/huleedu/examples/{class}.json"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// What a Rust producer sent: event id, key, headers, value bytes.
type Sent = (String, String, Vec<(&'static str, String)>, Vec<u8>);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aiokafka_and_kafka_python_read_every_relayed_record_as_sent() {
    let python = python_with_clients();
    let db = TestPostgres::database().await;
    let kafka = TestKafka::start();
    let topics = [AssessmentResultV1::TOPIC, SpellcheckPhaseCompletedV1::TOPIC];
    for topic in topics {
        kafka.create_topic(topic, PARTITIONS).await;
    }
    let outbox = Outbox::builder().build().unwrap();
    outbox.migrate(&db.pool).await.unwrap();

    let mut expected: Vec<Sent> = Vec::new();
    let mut tx = db.pool.begin().await.unwrap();
    for i in 0..10 {
        let mut result: AssessmentResultV1 = example("AssessmentResultV1");
        result.cj_assessment_job_id = format!("job-{i}-ä");
        let envelope = EventEnvelope::new("cj_assessment_service", result.clone());
        outbox.enqueue(&mut tx, &envelope).await.unwrap();
        expected.push((
            envelope.event_id.to_string(),
            result.cj_assessment_job_id.clone(),
            StandardHeaders::from_envelope(&envelope).to_pairs(),
            serde_json::to_vec(&envelope).unwrap(),
        ));
        let mut phase: SpellcheckPhaseCompletedV1 = example("SpellcheckPhaseCompletedV1");
        phase.entity_id = format!("essay-{i}");
        let envelope = EventEnvelope::new("spellchecker", phase.clone());
        outbox.enqueue(&mut tx, &envelope).await.unwrap();
        expected.push((
            envelope.event_id.to_string(),
            envelope.data.partition_key().as_str().to_owned(),
            StandardHeaders::from_envelope(&envelope).to_pairs(),
            serde_json::to_vec(&envelope).unwrap(),
        ));
    }
    tx.commit().await.unwrap();
    let relay = Relay::builder(outbox.clone(), db.pool.clone(), kafka.bootstrap_servers())
        .preset(Environment::Testing)
        .build()
        .unwrap()
        .spawn();
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while relay.stats().published < expected.len() as u64 {
        assert!(
            std::time::Instant::now() < deadline,
            "relay published {:?}",
            relay.stats()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    relay.shutdown().await.unwrap();

    for client in ["aiokafka", "kafka-python"] {
        if client == "kafka-python" && kafka.mock().is_some() {
            // kafka-python connects to librdkafka's in-process mock cluster but is served no
            // records by it; it reads a real broker's (KAFKA_BOOTSTRAP_SERVERS) fine.
            println!(
                "SKIPPED kafka-python: librdkafka's mock cluster serves it no records; set KAFKA_BOOTSTRAP_SERVERS to a real broker to run it"
            );
            continue;
        }
        let output = Command::new(&python)
            .arg(root().join("tests/cross-language/read_records.py"))
            .args([client, kafka.bootstrap_servers(), "20", "30"])
            .args(topics)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{client}: {stderr}");
        let records: Vec<serde_json::Value> = String::from_utf8_lossy(&output.stdout)
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect();
        assert_eq!(records.len(), expected.len(), "{client}");
        for (event_id, key, headers, bytes) in &expected {
            let record = records
                .iter()
                .find(|r| {
                    r["headers"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|h| h[0] == "event_id" && h[1] == event_id.as_str())
                })
                .unwrap_or_else(|| panic!("{client}: event {event_id} not read"));
            assert_eq!(record["key"], key.as_str(), "{client}");
            assert_eq!(
                record["partition"],
                murmur2_partition(key.as_bytes(), PARTITIONS),
                "{client}: Kafka's default partitioner"
            );
            let read: Vec<(String, String)> =
                serde_json::from_value(record["headers"].clone()).unwrap();
            let sent: Vec<(String, String)> = headers
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect();
            assert_eq!(read, sent, "{client}: headers");
            assert_eq!(
                record["value"].as_str().unwrap().as_bytes(),
                bytes.as_slice(),
                "{client}: value bytes"
            );
        }
        println!("{client}: {} records read as sent", records.len());
    }
}
