//! `tidings relay` as a separate process, as a service in another language would deploy it:
//! migrate, two replicas sharing one table, the HTTP endpoints, and SIGTERM.

use std::collections::{BTreeMap, HashSet};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use rdkafka::Message;
use serde::{Deserialize, Serialize};
use tidings::outbox::Outbox;
use tidings::{Event, EventEnvelope};
use tidings_tests::kafka::consume_distinct;
use tidings_tests::{TestKafka, TestPostgres};

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, Event)]
#[event(name = "test.order.placed", topic = "tidings.test.order.placed.v1", version = 1, key = order_id)]
struct OrderPlaced {
    order_id: String,
    seq: u32,
}

const TABLE: &str = "orders_outbox";

fn tidings() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tidings"));
    command.env_remove("DATABASE_URL").env("RUST_LOG", "info");
    command
}

/// `GET path` on `port`: the status code and the body.
fn get(port: u16, path: &str) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let status = response.split_whitespace().nth(1)?.parse().ok()?;
    let body = response.split_once("\r\n\r\n").map(|(_, b)| b.to_owned())?;
    Some((status, body))
}

fn wait_ready(port: u16, child: &mut Child) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some((200, _)) = get(port, "/readyz") {
            return;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("the relay exited before it was ready: {status}");
        }
        assert!(Instant::now() < deadline, "the relay never became ready");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn terminate(child: Child) -> (Output, Duration) {
    let started = Instant::now();
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let output = child.wait_with_output().unwrap();
    (output, started.elapsed())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_relay_service_migrates_shares_a_table_serves_its_endpoints_and_stops_on_sigterm() {
    let db = TestPostgres::database().await;
    let kafka = TestKafka::start();
    kafka.create_topic(OrderPlaced::TOPIC, 4).await;

    // migrate: flags only; a second run is a no-op.
    for _ in 0..2 {
        let output = tidings()
            .args(["relay", "migrate", "--log-format", "text", "--table"])
            .arg(format!("public.{TABLE}"))
            .arg("--database-url")
            .arg(&db.url)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert_eq!(
            String::from_utf8_lossy(&output.stdout).trim(),
            format!("public.{TABLE}: current")
        );
    }

    // Bad settings are refused with what to do, before anything runs.
    let output = tidings().args(["relay", "run"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--database-url"));

    let outbox = Outbox::builder().table(TABLE).build().unwrap();
    const EVENTS: u32 = 200;
    let mut tx = db.pool.begin().await.unwrap();
    let events: Vec<_> = (0..EVENTS)
        .map(|seq| {
            EventEnvelope::new(
                "orders",
                OrderPlaced {
                    order_id: format!("order-{}", seq % 20),
                    seq,
                },
            )
        })
        .collect();
    outbox.enqueue_batch(&mut tx, &events).await.unwrap();
    tx.commit().await.unwrap();

    // Two replicas: one configured by a file, the other by environment variables.
    let dir = std::env::temp_dir().join(format!("tidings-relay-service-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("relay.toml");
    std::fs::write(
        &config,
        format!(
            "database_url = \"{}\"\nbootstrap_servers = \"{}\"\nenvironment = \"testing\"\nlog_format = \"json\"\n\n[kafka]\n\"client.id\" = \"relay-file\"\n\n[[tables]]\ntable = \"{TABLE}\"\nbatch_size = 25\n",
            db.url,
            kafka.bootstrap_servers()
        ),
    )
    .unwrap();
    let ports = [
        tidings_tests::free_port().unwrap(),
        tidings_tests::free_port().unwrap(),
    ];
    let spawn = |command: &mut Command| {
        command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let mut first = spawn(
        tidings()
            .args(["relay", "run", "--config"])
            .arg(&config)
            .arg("--listen")
            .arg(format!("127.0.0.1:{}", ports[0])),
    );
    let mut second = spawn(
        tidings()
            .args(["relay", "run"])
            .env("TIDINGS_DATABASE_URL", &db.url)
            .env("TIDINGS_BOOTSTRAP_SERVERS", kafka.bootstrap_servers())
            .env("TIDINGS_TABLES", TABLE)
            .env("TIDINGS_ENV", "testing")
            .env("TIDINGS_LISTEN", format!("127.0.0.1:{}", ports[1]))
            .env("TIDINGS_LOG_FORMAT", "text")
            .env("TIDINGS_KAFKA_CLIENT_ID", "relay-env"),
    );
    wait_ready(ports[0], &mut first);
    wait_ready(ports[1], &mut second);
    for port in ports {
        assert_eq!(get(port, "/healthz").map(|(s, _)| s), Some(200));
    }

    // Both replicas report; together they published every row.
    let published = |port: u16| -> u64 {
        let (status, body) = get(port, "/metrics").unwrap();
        assert_eq!(status, 200);
        body.lines()
            .filter(|line| line.starts_with("outbox_published_total"))
            .filter_map(|line| line.split_whitespace().last()?.parse::<f64>().ok())
            .sum::<f64>() as u64
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    while published(ports[0]) + published(ports[1]) < u64::from(EVENTS) {
        assert!(
            Instant::now() < deadline,
            "the metrics never counted every row"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // The log, read from its first offset once both replicas counted every row published: a
    // record the broker took twice (delivery is at least once) is counted once.
    let consumer = kafka.consumer(&[OrderPlaced::TOPIC]);
    let event_id = |record: &rdkafka::message::OwnedMessage| {
        serde_json::from_slice::<EventEnvelope<OrderPlaced>>(record.payload().unwrap())
            .unwrap()
            .event_id
    };
    let received = tokio::task::spawn_blocking(move || {
        consume_distinct(
            &consumer,
            EVENTS as usize,
            Duration::from_secs(60),
            event_id,
        )
    })
    .await
    .unwrap();
    let mut by_key: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    let mut ids = HashSet::new();
    for record in &received {
        let envelope: EventEnvelope<OrderPlaced> =
            serde_json::from_slice(record.payload().unwrap()).unwrap();
        assert_eq!(record.key().unwrap(), envelope.data.order_id.as_bytes());
        if !ids.insert(envelope.event_id) {
            continue;
        }
        by_key
            .entry(envelope.data.order_id)
            .or_default()
            .push(envelope.data.seq);
    }
    assert_eq!(ids.len(), EVENTS as usize, "every event");
    for (key, seqs) in &by_key {
        let mut sorted = seqs.clone();
        sorted.sort();
        assert_eq!(seqs, &sorted, "{key} in enqueue order");
    }

    let shares = (published(ports[0]), published(ports[1]));
    println!("two relay processes published {EVENTS} rows, shares {shares:?}");

    for (child, json) in [(first, true), (second, false)] {
        let (output, took) = terminate(child);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success(),
            "exit {:?}: {stderr}",
            output.status
        );
        assert!(took < Duration::from_secs(15), "SIGTERM took {took:?}");
        assert!(stderr.contains("relay stopped"), "{stderr}");
        if json {
            for line in stderr.lines() {
                let object: serde_json::Value = serde_json::from_str(line)
                    .unwrap_or_else(|err| panic!("not a JSON log line ({err}): {line}"));
                assert!(
                    object["level"].is_string() && object["fields"].is_object(),
                    "{line}"
                );
            }
        }
    }
    let (locks,): (i64,) =
        sqlx::query_as("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(locks, 0, "the shard leases are released");
    let (pending,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT count(*) FROM public.{TABLE} WHERE state = 'pending'"
    )))
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(pending, 0);
}
