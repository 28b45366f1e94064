//! A Python service with nothing but the generated package and the `tidings` binary: it writes
//! events through `outbox.enqueue` (SQLAlchemy async sessions and asyncpg; commits, rollbacks,
//! batches, refused events), `tidings relay run` publishes them as a separate process, and both
//! tidings' Rust `EventConsumer` and plain aiokafka read every committed event once, with the key
//! and headers a Rust writer would have given it, and nothing else.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use huleedu_contracts::{
    AssessmentResultV1, ProcessingEvent, ProcessingEventPayload, SpellcheckPhaseCompletedV1,
};
use sqlx::PgConnection;
use tidings::consumer::{EventConsumer, Handler, HandlerError, Inbox, Received};
use tidings::{Event, StandardHeaders};
use tidings_tests::{TestKafka, TestPostgres};
use tokio::sync::Notify;

const PACKAGES: &[&str] = &[
    "sqlalchemy[asyncio]==2.1.9",
    "asyncpg==0.32.0",
    "aiokafka==0.14.0",
];
const PARTITIONS: i32 = 3;

fn root() -> PathBuf {
    tidings_tests::python::workspace_root()
}

fn run(command: &mut Command) {
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "{command:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A virtual environment with the generated package (installed from a copy, as a user would)
/// and the packages a Python service has: SQLAlchemy, asyncpg, aiokafka without extras. Made
/// once per test process (the tests of this file share it).
fn python_service() -> PathBuf {
    static PYTHON: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    PYTHON
        .get_or_init(|| {
            // pydantic and email-validator, the package's own dependencies, come with it.
            let mut packages = PACKAGES.to_vec();
            packages.extend(["pydantic>=2.6,<3", "email-validator>=2"]);
            tidings_tests::python::environment("python-writer", &packages, true)
                .unwrap_or_else(|err| panic!("{err}"))
        })
        .clone()
}

/// One delivery to the Rust consumer: event id, topic, key, the headers Rust computes for it.
type Delivery = (String, String, String, Vec<(String, String)>);
/// What the Rust consumer handled.
type Seen = Arc<Mutex<Vec<Delivery>>>;

struct Record {
    seen: Seen,
    expected: usize,
    done: Arc<Notify>,
}

impl Handler<ProcessingEventPayload> for Record {
    async fn handle(
        &self,
        event: &Received<ProcessingEventPayload>,
        _tx: &mut PgConnection,
    ) -> Result<(), HandlerError> {
        let headers = StandardHeaders::from_envelope(&event.envelope)
            .to_pairs()
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
        let key = event.envelope.data.partition_key().as_str().to_owned();
        assert_eq!(
            event.key.as_deref(),
            Some(key.as_str()),
            "the record key is the Rust contract's key"
        );
        assert!(event.header_check.is_clean(), "{:?}", event.header_check);
        let mut seen = self.seen.lock().unwrap();
        seen.push((
            event.envelope.event_id.to_string(),
            event.topic.clone(),
            key,
            headers,
        ));
        if seen.len() >= self.expected {
            self.done.notify_one();
        }
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_written_in_python_reach_rust_and_aiokafka_consumers_once() {
    let python = python_service();
    let db = TestPostgres::database().await;
    let kafka = TestKafka::start();
    let topics = [AssessmentResultV1::TOPIC, SpellcheckPhaseCompletedV1::TOPIC];
    for topic in topics {
        kafka.create_topic(topic, PARTITIONS).await;
        kafka.create_topic(&format!("{topic}.dlq"), 1).await;
    }
    let tidings = env!("CARGO_BIN_EXE_tidings");
    run(Command::new(tidings)
        .args(["relay", "migrate", "--log-format", "text", "--database-url"])
        .arg(&db.url));

    // The Python service writes.
    let output = Command::new(&python)
        .arg(root().join("tests/cross-language/write_outbox.py"))
        .arg(&db.url)
        .arg(root().join("generated"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "write_outbox.py: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let written: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let committed: Vec<(String, String, String)> = written["committed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["event_id"].as_str().unwrap().to_owned(),
                c["topic"].as_str().unwrap().to_owned(),
                c["key"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let never: HashSet<String> = written["never"]
        .as_array()
        .unwrap()
        .iter()
        .map(|id| id.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(committed.len(), 31);
    assert_eq!(never.len(), 10);

    // The relay, as its own process.
    let port = tidings_tests::free_port().unwrap();
    let relay: Child = Command::new(tidings)
        .args([
            "relay",
            "run",
            "--environment",
            "testing",
            "--log-format",
            "text",
        ])
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .env("TIDINGS_DATABASE_URL", &db.url)
        .env("TIDINGS_BOOTSTRAP_SERVERS", kafka.bootstrap_servers())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();

    // tidings' Rust consumer.
    Inbox::default().migrate(&db.pool).await.unwrap();
    let seen: Seen = Arc::default();
    let handler = Record {
        seen: seen.clone(),
        expected: committed.len(),
        done: Arc::new(Notify::new()),
    };
    let done = handler.done.clone();
    let consumer = EventConsumer::<ProcessingEventPayload>::builder(
        kafka.bootstrap_servers(),
        "python-writer-e2e",
        db.pool.clone(),
    )
    .events(&[
        ProcessingEvent::AssessmentResultPublished,
        ProcessingEvent::SpellcheckPhaseCompleted,
    ])
    .build()
    .unwrap();
    let stats = tokio::time::timeout(
        Duration::from_secs(90),
        consumer.run(&handler, async move {
            done.notified().await;
            // Anything published twice or unexpectedly would arrive in this second.
            tokio::time::sleep(Duration::from_secs(1)).await;
        }),
    )
    .await
    .expect("the Rust consumer received every committed event")
    .unwrap();
    assert_eq!(stats.dead_lettered, 0, "{stats:?}");

    let seen = seen.lock().unwrap().clone();
    let by_id: HashMap<&str, &Delivery> = seen.iter().map(|s| (s.0.as_str(), s)).collect();
    assert_eq!(by_id.len(), seen.len(), "no event handled twice");
    assert_eq!(seen.len(), committed.len());
    for (event_id, topic, key) in &committed {
        let (_, seen_topic, seen_key, _) = by_id
            .get(event_id.as_str())
            .unwrap_or_else(|| panic!("{event_id} was committed but not received"));
        assert_eq!((seen_topic, seen_key), (topic, key), "{event_id}");
    }
    assert!(seen.iter().all(|s| !never.contains(&s.0)));

    // Per key, the Rust consumer saw the Python writer's order.
    let mut order: BTreeMap<(&str, &str), Vec<usize>> = BTreeMap::new();
    let position: HashMap<&str, usize> = committed
        .iter()
        .enumerate()
        .map(|(i, c)| (c.0.as_str(), i))
        .collect();
    for s in &seen {
        order
            .entry((s.1.as_str(), s.2.as_str()))
            .or_default()
            .push(position[s.0.as_str()]);
    }
    for (key, positions) in &order {
        let mut sorted = positions.clone();
        sorted.sort();
        assert_eq!(positions, &sorted, "{key:?} in enqueue order");
    }

    // Plain aiokafka: every committed event once, with the key and headers Rust computes.
    let output = Command::new(&python)
        .arg(root().join("tests/cross-language/read_records.py"))
        .args(["aiokafka", kafka.bootstrap_servers()])
        .arg(committed.len().to_string())
        .arg("30")
        .args(topics)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "aiokafka: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let records: Vec<serde_json::Value> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(records.len(), committed.len());
    let mut read = HashSet::new();
    for record in &records {
        let envelope: serde_json::Value =
            serde_json::from_str(record["value"].as_str().unwrap()).unwrap();
        let id = envelope["event_id"].as_str().unwrap().to_owned();
        let (_, _, key, headers) = by_id[id.as_str()];
        assert_eq!(record["key"].as_str(), Some(key.as_str()));
        let sent: Vec<(String, String)> = record["headers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| {
                (
                    h[0].as_str().unwrap().to_owned(),
                    h[1].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        assert_eq!(&sent, headers, "headers as the Rust writer sets them");
        let partition = record["partition"].as_i64().unwrap() as i32;
        assert_eq!(
            partition,
            tidings_tests::kafka::murmur2_partition(key.as_bytes(), PARTITIONS),
            "murmur2 partition of the key"
        );
        assert!(read.insert(id), "aiokafka read an event twice");
    }

    let stop = Command::new("kill")
        .args(["-TERM", &relay.id().to_string()])
        .status()
        .unwrap();
    assert!(stop.success());
    let output = relay.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    println!(
        "python writer → tidings relay → Rust consumer and aiokafka: {} committed events read once by each, {} rolled back or refused never published",
        committed.len(),
        never.len()
    );
}

/// docs/MIGRATING.md step 4: the rows still pending in a HuleEdu `event_outbox` (facts §2) move
/// into the tidings table in one transaction, in order, with their own event ids; given-up rows
/// arrive dead; rows that no longer pass their contract stay, reported.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pending_rows_of_an_old_outbox_move_to_the_tidings_table_in_order() {
    let python = python_service();
    let db = TestPostgres::database().await;
    run(Command::new(env!("CARGO_BIN_EXE_tidings"))
        .args(["relay", "migrate", "--log-format", "text", "--database-url"])
        .arg(&db.url));
    sqlx::raw_sql(
        "CREATE TABLE event_outbox (
            id UUID PRIMARY KEY, aggregate_id VARCHAR(255) NOT NULL, aggregate_type VARCHAR(100) NOT NULL,
            event_type VARCHAR(255) NOT NULL, event_data JSON NOT NULL, event_key VARCHAR(255),
            topic VARCHAR(255) NOT NULL, created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
            published_at TIMESTAMPTZ, retry_count INTEGER NOT NULL DEFAULT 0, last_error TEXT)",
    )
    .execute(&db.pool)
    .await
    .unwrap();

    let reference = root().join("../shared/reference/huleedu/examples/envelopes");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&reference)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    // (event id, expected outcome) in created_at order.
    let mut expected: Vec<(uuid::Uuid, &str)> = Vec::new();
    for (i, path) in files.iter().enumerate() {
        let member = path.file_stem().unwrap().to_str().unwrap().to_owned();
        let event = <ProcessingEvent as tidings::Catalogue>::from_member(&member).unwrap();
        let topic = tidings::Catalogue::descriptor(event).topic;
        let mut envelope: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        if i % 5 == 0 {
            // HuleEdu's CJ service writes the dotted member value as event_type (facts §6).
            envelope["event_type"] = serde_json::json!(tidings::Catalogue::as_str(event));
        }
        let (published, retries, outcome) = match i % 16 {
            3 => (true, 0, "already published"),
            7 => (false, 5, "dead"),
            11 => {
                envelope["data"] = serde_json::json!({"not": "this event"});
                (false, 0, "left")
            }
            _ => (false, 0, "pending"),
        };
        let mut stored = envelope.clone();
        stored["topic"] = serde_json::json!(topic);
        let id: uuid::Uuid = envelope["event_id"].as_str().unwrap().parse().unwrap();
        sqlx::query(
            "INSERT INTO event_outbox (id, aggregate_id, aggregate_type, event_type, event_data, event_key, topic, created_at, published_at, retry_count, last_error) \
             VALUES ($1, $2, 'batch', $3, $4, $5, $6, now() - make_interval(secs => $7), CASE WHEN $8 THEN now() END, $9, CASE WHEN $9 > 0 THEN 'Failed to publish event to Kafka: timeout' END)",
        )
        .bind(uuid::Uuid::new_v4())
        .bind(format!("aggregate-{i}"))
        .bind(envelope["event_type"].as_str().unwrap())
        .bind(sqlx::types::Json(&stored))
        .bind((i % 3 == 0).then(|| format!("explicit-key-{i}")))
        .bind(topic)
        .bind(1000.0 - i as f64)
        .bind(published)
        .bind(retries)
        .execute(&db.pool)
        .await
        .unwrap();
        expected.push((id, outcome));
    }
    // A row for a topic outside the catalogue stays too.
    sqlx::query(
        "INSERT INTO event_outbox (id, aggregate_id, aggregate_type, event_type, event_data, topic) \
         VALUES ($1, 'x', 'x', 'TokenRevokedV1', '{}', 'huleedu.identity.token.revoked.v1')",
    )
    .bind(uuid::Uuid::new_v4())
    .execute(&db.pool)
    .await
    .unwrap();

    let script = root().join("docs/migrate/move_pending.py");
    let move_pending = |extra: &[&str]| {
        Command::new(&python)
            .arg(&script)
            .args(["--database-url", &db.url, "--package", "huleedu_contracts"])
            .args(extra)
            .output()
            .unwrap()
    };
    let count = |moved: Vec<(uuid::Uuid, &str)>, outcome: &str| {
        moved.iter().filter(|(_, o)| *o == outcome).count()
    };
    let pending = count(expected.clone(), "pending");
    let dead = count(expected.clone(), "dead");
    let left = count(expected.clone(), "left") + 1;

    let dry = move_pending(&["--dry-run"]);
    let stdout = String::from_utf8_lossy(&dry.stdout);
    assert!(
        stdout.contains(&format!("would move {} pending rows", pending + dead)),
        "{stdout}{}",
        String::from_utf8_lossy(&dry.stderr)
    );
    let (rows,): (i64,) = sqlx::query_as("SELECT count(*) FROM tidings_outbox")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(rows, 0, "a dry run changes nothing");

    let moved = move_pending(&[]);
    let stdout = String::from_utf8_lossy(&moved.stdout);
    let stderr = String::from_utf8_lossy(&moved.stderr);
    assert_eq!(moved.status.code(), Some(1), "{stdout}{stderr}");
    assert!(
        stdout.contains(&format!(
            "moved {} pending rows from public.event_outbox to public.tidings_outbox ({dead} of them dead: the old relay had given up); {left} left",
            pending + dead
        )),
        "{stdout}"
    );
    assert_eq!(stderr.lines().count(), left, "{stderr}");

    let rows: Vec<(uuid::Uuid, String, String, String, Vec<u8>)> = sqlx::query_as(
        "SELECT event_id, state, topic, partition_key, payload FROM tidings_outbox ORDER BY id",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    let in_order: Vec<(uuid::Uuid, &str)> = expected
        .iter()
        .filter(|(_, o)| *o == "pending" || *o == "dead")
        .copied()
        .collect();
    assert_eq!(rows.len(), in_order.len());
    for ((event_id, state, topic, key, payload), (expected_id, outcome)) in
        rows.iter().zip(&in_order)
    {
        assert_eq!(
            event_id, expected_id,
            "the producer's event id, in created_at order"
        );
        assert_eq!(
            state,
            if *outcome == "dead" {
                "dead"
            } else {
                "pending"
            }
        );
        // What the Rust consumer would decode: the member's typed payload, valid, same key.
        let envelope: tidings::EventEnvelope<serde_json::Value> =
            serde_json::from_slice(payload).unwrap();
        let member = <ProcessingEvent as tidings::Catalogue>::from_topic(topic).unwrap();
        let typed = <ProcessingEventPayload as tidings::CataloguePayload>::decode(
            member,
            envelope.data.clone(),
        )
        .unwrap();
        tidings::CataloguePayload::validate(&typed).unwrap();
        if !key.starts_with("explicit-key-") {
            assert_eq!(
                key,
                tidings::CataloguePayload::partition_key(&typed).as_str(),
                "{topic}"
            );
        }
    }
    let (still,): (i64,) =
        sqlx::query_as("SELECT count(*) FROM event_outbox WHERE published_at IS NULL")
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(
        still as usize, left,
        "only the rows that could not move stay pending"
    );

    let again = move_pending(&[]);
    assert!(
        String::from_utf8_lossy(&again.stdout).contains("moved 0 pending rows"),
        "a second run moves nothing"
    );
    println!(
        "old outbox: {} rows moved in order ({dead} dead), {left} left and reported",
        pending + dead
    );
}
