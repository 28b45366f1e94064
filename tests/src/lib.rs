//! The harness every end-to-end test uses.
//!
//! - [`postgres`]: a Postgres server started from the system binaries (`initdb`, `pg_ctl`) once per
//!   test process, with a fresh database per test; or the server at `DATABASE_URL`. A watchdog
//!   process stops the server and deletes its files when the test process exits.
//! - [`kafka`]: librdkafka's mock cluster, in process, speaking the real protocol over TCP; or a
//!   tansu broker per test (`TIDINGS_TEST_BROKER=tansu`), an independent Kafka-compatible broker
//!   started as a child process with memory storage; or the cluster at `KAFKA_BOOTSTRAP_SERVERS`.

pub mod bench;
pub mod demo;
pub mod kafka;
pub mod postgres;
pub mod python;
pub mod secure;

pub use kafka::{Broker, TestKafka};

/// A TCP port on 127.0.0.1 that was free a moment ago.
pub fn free_port() -> Result<u16, String> {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .map_err(|err| format!("no free port: {err}"))
}
pub use postgres::{TestDatabase, TestPostgres};
