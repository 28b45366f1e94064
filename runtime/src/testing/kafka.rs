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

/// Which broker a [`TestKafka`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Broker {
    /// librdkafka's mock cluster, in process (the default).
    Mock,
    /// tansu, an independent Kafka-compatible broker, as a child process with memory storage
    /// (`TIDINGS_TEST_BROKER=tansu`).
    Tansu,
    /// The cluster at `KAFKA_BOOTSTRAP_SERVERS`.
    External,
}

impl Broker {
    /// The broker the tests of this process use: `TIDINGS_TEST_BROKER` (`mock`, `tansu`), else
    /// an external cluster when `KAFKA_BOOTSTRAP_SERVERS` is set, else the mock cluster.
    pub fn selected() -> Self {
        match std::env::var("TIDINGS_TEST_BROKER").as_deref() {
            Ok("tansu") => Self::Tansu,
            Ok("mock") => Self::Mock,
            _ if std::env::var("KAFKA_BOOTSTRAP_SERVERS").is_ok() => Self::External,
            _ => Self::Mock,
        }
    }

    /// `mock`, `tansu` or `external`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Mock => "mock",
            Self::Tansu => "tansu",
            Self::External => "external",
        }
    }
}

/// The broker a test talks to.
pub struct TestKafka {
    mock: Option<MockCluster<'static, DefaultProducerContext>>,
    tansu: Option<std::process::Child>,
    broker: Broker,
    bootstrap_servers: String,
}

impl std::fmt::Debug for TestKafka {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestKafka")
            .field("broker", &self.broker)
            .field("bootstrap_servers", &self.bootstrap_servers)
            .finish_non_exhaustive()
    }
}

impl Drop for TestKafka {
    fn drop(&mut self) {
        if let Some(child) = &mut self.tansu {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl TestKafka {
    /// A broker of its own for one test: the mock cluster (three brokers), a fresh tansu, or
    /// the cluster at `KAFKA_BOOTSTRAP_SERVERS` ([`Broker::selected`]).
    pub fn start() -> Self {
        match Broker::selected() {
            Broker::External => Self {
                mock: None,
                tansu: None,
                broker: Broker::External,
                bootstrap_servers: std::env::var("KAFKA_BOOTSTRAP_SERVERS").unwrap_or_default(),
            },
            Broker::Tansu => Self::start_tansu().unwrap_or_else(|err| panic!("{err}")),
            Broker::Mock => {
                let mock = MockCluster::new(3)
                    .unwrap_or_else(|err| panic!("cannot start the mock Kafka cluster: {err}"));
                let bootstrap_servers = mock.bootstrap_servers();
                Self {
                    mock: Some(mock),
                    tansu: None,
                    broker: Broker::Mock,
                    bootstrap_servers,
                }
            }
        }
    }

    /// tansu on a free port with memory storage. The binary is `TANSU_BIN`, else `tansu` on
    /// `PATH` (`cargo install tansu --version 0.6.0 --locked --features dynostore,libsql`: memory
    /// storage needs that feature). A watchdog stops it should this
    /// process die without dropping it.
    fn start_tansu() -> Result<Self, String> {
        let binary = std::env::var("TANSU_BIN").unwrap_or_else(|_| "tansu".into());
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .map_err(|err| format!("no free port for tansu: {err}"))?;
        let url = format!("tcp://127.0.0.1:{port}");
        let log_path = std::env::temp_dir().join(format!("tidings-tansu-{port}.log"));
        let log = std::fs::File::create(&log_path).map_err(|err| err.to_string())?;
        let child = std::process::Command::new(&binary)
            .args(["broker", "--listener-url", &url, "--advertised-listener-url", &url])
            .args(["--storage-engine", "memory://tansu/"])
            .stdin(std::process::Stdio::null())
            .stdout(log.try_clone().map_err(|err| err.to_string())?)
            .stderr(log)
            .spawn()
            .map_err(|err| {
                format!("cannot start tansu (`{binary}`): {err}; install it with `cargo install tansu --version 0.6.0 --locked --features dynostore,libsql` or set TANSU_BIN")
            })?;
        let watchdog = format!(
            "while kill -0 {parent} 2>/dev/null && kill -0 {child} 2>/dev/null; do sleep 1; done; kill {child} 2>/dev/null",
            parent = std::process::id(),
            child = child.id()
        );
        let _ = std::process::Command::new("sh")
            .args(["-c", &watchdog])
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn();
        let kafka = Self {
            mock: None,
            tansu: Some(child),
            broker: Broker::Tansu,
            bootstrap_servers: format!("127.0.0.1:{port}"),
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut kafka = kafka;
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            let exited = kafka
                .tansu
                .as_mut()
                .and_then(|child| child.try_wait().ok().flatten());
            if Instant::now() > deadline || exited.is_some() {
                return Err(format!(
                    "tansu did not listen on port {port} (exited: {exited:?}); its log: {}",
                    std::fs::read_to_string(&log_path).unwrap_or_default()
                ));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(kafka)
    }

    /// Which broker this is.
    pub fn broker(&self) -> Broker {
        self.broker
    }

    /// `host:port,...`.
    pub fn bootstrap_servers(&self) -> &str {
        &self.bootstrap_servers
    }

    /// The mock cluster, for fault injection; `None` against a real broker.
    pub fn mock(&self) -> Option<&MockCluster<'static, DefaultProducerContext>> {
        self.mock.as_ref()
    }

    /// True, after printing why, when `test` needs what only `needs` can do and this broker is
    /// another: the caller returns at once. Skips are printed, never silent.
    pub fn skip_unless(&self, needs: Broker, test: &str, why: &str) -> bool {
        if self.broker == needs {
            return false;
        }
        println!("SKIPPED {test} on {}: {why}", self.broker.name());
        true
    }

    /// Creates a topic: on the mock cluster directly, elsewhere through the admin API
    /// (CreateTopics), then waits until its metadata lists every partition.
    pub async fn create_topic(&self, name: &str, partitions: i32) {
        if let Some(mock) = &self.mock {
            return mock
                .create_topic(name, partitions, 1)
                .unwrap_or_else(|err| panic!("cannot create topic {name}: {err}"));
        }
        let admin: AdminClient<DefaultClientContext> = ClientConfig::new()
            .set("bootstrap.servers", &self.bootstrap_servers)
            .create()
            .unwrap_or_else(|err| panic!("admin client: {err}"));
        let topic = NewTopic::new(name, partitions, TopicReplication::Fixed(1));
        let results = admin
            .create_topics([&topic], &AdminOptions::new())
            .await
            .unwrap_or_else(|err| panic!("cannot create topic {name}: {err}"));
        for result in results {
            if let Err((topic, code)) = result
                && code != rdkafka::types::RDKafkaErrorCode::TopicAlreadyExists
            {
                panic!("cannot create topic {topic}: {code}");
            }
        }
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let ready = admin
                .inner()
                .fetch_metadata(Some(name), Duration::from_secs(5))
                .ok()
                .and_then(|metadata| {
                    metadata
                        .topics()
                        .first()
                        .map(|t| t.error().is_none() && t.partitions().len() == partitions as usize)
                })
                .unwrap_or(false);
            if ready {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "topic {name} not ready within 20 s"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
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
