//! A test kit for services' own tests (feature `testing`): a throwaway Postgres and Kafka, as
//! tidings' own tests use them.
//!
//! ```ignore
//! use tidings::testing::{TestKafka, TestPostgres, consume};
//!
//! #[tokio::test(flavor = "multi_thread")]
//! async fn an_order_reaches_kafka() {
//!     let db = TestPostgres::database().await;        // a fresh database on a shared server
//!     let kafka = TestKafka::start();                 // librdkafka's mock cluster, in process
//!     kafka.create_topic(OrderPlacedV1::TOPIC, 3).await;
//!     // … enqueue through an Outbox on db.pool, spawn a Relay on kafka.bootstrap_servers() …
//!     let consumer = kafka.consumer(&[OrderPlacedV1::TOPIC]);
//!     assert_eq!(consume(&consumer, 1, std::time::Duration::from_secs(10)).len(), 1);
//! }
//! ```
//!
//! - [`postgres`]: a Postgres server started from the system binaries (`initdb`, `pg_ctl`, found
//!   on `PATH` or in Debian's `/usr/lib/postgresql/<version>/bin`) once per test process, with a fresh
//!   database per test; or the server at `DATABASE_URL`. A watchdog process stops the server and
//!   deletes its files when the test process exits. As root, the server runs as the `postgres`
//!   user.
//! - [`kafka`]: librdkafka's mock cluster, in process, speaking the real protocol over TCP; or a
//!   tansu broker per test (`TIDINGS_TEST_BROKER=tansu`, binary from `TANSU_BIN` or `PATH`), an
//!   independent Kafka-compatible broker; or the cluster at `KAFKA_BOOTSTRAP_SERVERS`.
//!
//! A consumer that restarts in the same group is given partitions only after the old member's
//! session timeout (45 s by default), so a test that restarts an `EventConsumer` should pass
//! [`TEST_CONSUMER_SETTINGS`] through `kafka_setting` (a 6 s session, the broker's minimum).
//! [`TestKafka::consumer`] uses a fresh group each time and does not wait.
//!
//! Helpers fail the test with a message (they panic) when the server or broker cannot start: they
//! are for tests, not for services.

pub mod kafka;
pub mod postgres;

pub use kafka::{Broker, TestKafka, consume, consume_distinct, key_text, murmur2_partition};
pub use postgres::{TestDatabase, TestPostgres};
/// What [`consume`] returns, and the trait that reads its key, payload and headers.
pub use rdkafka::message::{Headers, Message, OwnedMessage};

/// Kafka consumer settings for tests: a consumer that restarts in the same group gets its
/// partitions back after 6 s instead of 45 s.
pub const TEST_CONSUMER_SETTINGS: &[(&str, &str)] = &[
    ("session.timeout.ms", "6000"),
    ("heartbeat.interval.ms", "1000"),
];

/// A TCP port on 127.0.0.1 that was free a moment ago.
pub fn free_port() -> Result<u16, String> {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .map_err(|err| format!("no free port: {err}"))
}
