//! An in-process Kafka, or a real one.

use std::time::{Duration, Instant};

use rdkafka::ClientConfig;
use rdkafka::Message;
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::message::OwnedMessage;
use rdkafka::mocking::MockCluster;
use rdkafka::producer::DefaultProducerContext;

/// The broker a test talks to.
pub struct TestKafka {
    mock: Option<MockCluster<'static, DefaultProducerContext>>,
    bootstrap_servers: String,
}

impl std::fmt::Debug for TestKafka {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestKafka")
            .field("bootstrap_servers", &self.bootstrap_servers)
            .finish_non_exhaustive()
    }
}

impl TestKafka {
    /// A mock cluster of three brokers, or the cluster at `KAFKA_BOOTSTRAP_SERVERS`.
    pub fn start() -> Self {
        if let Ok(servers) = std::env::var("KAFKA_BOOTSTRAP_SERVERS") {
            return Self {
                mock: None,
                bootstrap_servers: servers,
            };
        }
        let mock = MockCluster::new(3)
            .unwrap_or_else(|err| panic!("cannot start the mock Kafka cluster: {err}"));
        let bootstrap_servers = mock.bootstrap_servers();
        Self {
            mock: Some(mock),
            bootstrap_servers,
        }
    }

    /// `host:port,...`.
    pub fn bootstrap_servers(&self) -> &str {
        &self.bootstrap_servers
    }

    /// The mock cluster, for fault injection; `None` against a real cluster.
    pub fn mock(&self) -> Option<&MockCluster<'static, DefaultProducerContext>> {
        self.mock.as_ref()
    }

    /// Creates a topic (the mock cluster cannot do it through the admin API).
    pub async fn create_topic(&self, name: &str, partitions: i32) {
        match &self.mock {
            Some(mock) => mock
                .create_topic(name, partitions, 1)
                .unwrap_or_else(|err| panic!("cannot create topic {name}: {err}")),
            None => {
                let admin: AdminClient<DefaultClientContext> = ClientConfig::new()
                    .set("bootstrap.servers", &self.bootstrap_servers)
                    .create()
                    .unwrap_or_else(|err| panic!("admin client: {err}"));
                let topic = NewTopic::new(name, partitions, TopicReplication::Fixed(1));
                let _ = admin.create_topics([&topic], &AdminOptions::new()).await;
            }
        }
    }

    /// A consumer of `topics` from the beginning, in its own group.
    pub fn consumer(&self, topics: &[&str]) -> BaseConsumer {
        let consumer: BaseConsumer = ClientConfig::new()
            .set("bootstrap.servers", &self.bootstrap_servers)
            .set("group.id", format!("tidings-test-{}", uuid::Uuid::new_v4()))
            .set("auto.offset.reset", "earliest")
            .set("enable.auto.commit", "false")
            // Return fetched records at once rather than long-polling for more: tests measure latency.
            .set("fetch.wait.max.ms", "5")
            .create()
            .unwrap_or_else(|err| panic!("consumer: {err}"));
        consumer
            .subscribe(topics)
            .unwrap_or_else(|err| panic!("subscribe: {err}"));
        consumer
    }
}

/// Polls until `count` records arrived or `timeout` passed; returns what arrived.
pub fn consume(consumer: &BaseConsumer, count: usize, timeout: Duration) -> Vec<OwnedMessage> {
    let deadline = Instant::now() + timeout;
    let mut received = Vec::with_capacity(count);
    while received.len() < count && Instant::now() < deadline {
        match consumer.poll(Duration::from_millis(50)) {
            Some(Ok(message)) => received.push(message.detach()),
            Some(Err(err)) => eprintln!("consumer error: {err}"),
            None => {}
        }
    }
    received
}

/// Polls until `distinct` different values of `id` were seen or `timeout` passed; returns every
/// record received, repeats included.
pub fn consume_distinct<T: std::hash::Hash + Eq>(
    consumer: &BaseConsumer,
    distinct: usize,
    timeout: Duration,
    id: impl Fn(&OwnedMessage) -> T,
) -> Vec<OwnedMessage> {
    let deadline = Instant::now() + timeout;
    let mut seen = std::collections::HashSet::new();
    let mut received = Vec::with_capacity(distinct);
    while seen.len() < distinct && Instant::now() < deadline {
        match consumer.poll(Duration::from_millis(50)) {
            Some(Ok(message)) => {
                let message = message.detach();
                seen.insert(id(&message));
                received.push(message);
            }
            Some(Err(err)) => eprintln!("consumer error: {err}"),
            None => {}
        }
    }
    received
}

/// Kafka's default partitioner (murmur2, as the Java and Python clients use): the partition of
/// `key` among `partitions`.
pub fn murmur2_partition(key: &[u8], partitions: i32) -> i32 {
    const SEED: u32 = 0x9747_b28c;
    const M: u32 = 0x5bd1_e995;
    let length = key.len() as u32;
    let mut h = SEED ^ length;
    let chunks = key.chunks_exact(4);
    let tail = chunks.remainder();
    for chunk in chunks {
        let mut k = u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
        k = k.wrapping_mul(M);
        k ^= k >> 24;
        k = k.wrapping_mul(M);
        h = h.wrapping_mul(M);
        h ^= k;
    }
    match tail.len() {
        3 => {
            h ^= u32::from(tail[2]) << 16;
            h ^= u32::from(tail[1]) << 8;
            h ^= u32::from(tail[0]);
            h = h.wrapping_mul(M);
        }
        2 => {
            h ^= u32::from(tail[1]) << 8;
            h ^= u32::from(tail[0]);
            h = h.wrapping_mul(M);
        }
        1 => {
            h ^= u32::from(tail[0]);
            h = h.wrapping_mul(M);
        }
        _ => {}
    }
    h ^= h >> 13;
    h = h.wrapping_mul(M);
    h ^= h >> 15;
    ((h & 0x7fff_ffff) % partitions as u32) as i32
}

/// The key of a record as text.
pub fn key_text(message: &OwnedMessage) -> String {
    String::from_utf8_lossy(message.key().unwrap_or_default()).into_owned()
}
