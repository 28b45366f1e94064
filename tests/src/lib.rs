//! The harness every end-to-end test uses: the test kit users get with the `testing` feature
//! ([`tidings::testing`]: Postgres, Kafka), plus what only tidings' own tests need (Python
//! environments, TLS/SCRAM brokers, the demo and the benchmark).

pub mod bench;
pub mod demo;
pub use tidings::testing::{free_port, kafka, postgres};
pub mod python;
pub mod secure;

pub use kafka::{Broker, TestKafka};
pub use postgres::{TestDatabase, TestPostgres};
