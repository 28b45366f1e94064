//! `tidings relay`: the outbox relay as a service of its own, for services in any language.
//!
//! A service writes rows into an outbox table in its own transaction (docs/OUTBOX.md says how,
//! for any language); this process relays them to Kafka. Several replicas share the work through
//! the shard leases, as the library's relays do.
//!
//! - `run`: relays every configured table until SIGTERM or Ctrl-C, then finishes the batches in
//!   flight, flushes the producer and releases its leases. Serves `/metrics` (Prometheus text),
//!   `/healthz` (the process is alive) and `/readyz` (the database answers and every relay runs).
//! - `migrate`: creates or updates the tables, and exits.

mod settings;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;
use tidings::outbox::Outbox;
use tidings::relay::{Relay, RelayHandle};
use tokio::sync::{Mutex, watch};

pub use settings::{
    DEFAULT_LISTEN, EnvironmentArg, LogFormat, Purpose, RelayArgs, Settings, TableSettings,
    redact_url, redacted_settings,
};

/// Why the relay service could not start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum RelayServiceError {
    /// A required setting was given nowhere.
    #[error("no {setting} given; set it with {how}")]
    Missing {
        /// What is missing.
        setting: &'static str,
        /// Where it can be given.
        how: &'static str,
    },
    /// A setting has a value the relay cannot use.
    #[error("setting `{setting}`: {reason}")]
    Invalid {
        /// Which setting.
        setting: String,
        /// Why, and what would be right.
        reason: String,
    },
    /// Two settings contradict each other.
    #[error("{detail}")]
    Conflict {
        /// What to change.
        detail: &'static str,
    },
    /// The configuration file cannot be read or parsed.
    #[error("config file {}: {reason}", path.display())]
    ConfigFile {
        /// The file.
        path: PathBuf,
        /// The reader's or parser's message, with line and column.
        reason: String,
    },
    /// A table name is not a valid outbox table name.
    #[error("{0}")]
    Table(#[from] tidings::outbox::InvalidIdent),
    /// The database cannot be reached.
    #[error(
        "cannot connect to the database at {url}: {source}; check the URL, the network and the credentials"
    )]
    Connect {
        /// The URL, without its password.
        url: String,
        /// The driver's error.
        #[source]
        source: sqlx::Error,
    },
    /// A migration failed.
    #[error("{0}")]
    Migrate(#[from] tidings::outbox::OutboxError),
    /// A relay could not be built or ended with an error.
    #[error("relay for {table}: {source}")]
    Relay {
        /// `schema.table`.
        table: String,
        /// The relay's error.
        #[source]
        source: tidings::relay::RelayError,
    },
    /// The HTTP endpoints cannot listen on the address.
    #[error(
        "cannot listen on {address} for /metrics, /healthz and /readyz: {source}; choose another with --listen"
    )]
    Listen {
        /// The address.
        address: std::net::SocketAddr,
        /// The socket error.
        #[source]
        source: std::io::Error,
    },
    /// The Prometheus recorder could not be installed.
    #[error("cannot install the metrics recorder: {0}")]
    Metrics(String),
    /// Waiting for signals failed.
    #[error("cannot wait for SIGTERM: {0}")]
    Signal(#[source] std::io::Error),
}

/// The process environment as a map (for `DATABASE_URL` and `TIDINGS_KAFKA_*`).
pub fn process_environment() -> BTreeMap<String, String> {
    std::env::vars().collect()
}

async fn connect(settings: &Settings, connections: u32) -> Result<PgPool, RelayServiceError> {
    PgPoolOptions::new()
        .max_connections(connections)
        .acquire_timeout(Duration::from_secs(10))
        .connect(&settings.database_url)
        .await
        .map_err(|source| RelayServiceError::Connect {
            url: redact_url(&settings.database_url),
            source,
        })
}

fn outbox(table: &TableSettings) -> Result<Outbox, RelayServiceError> {
    Ok(Outbox::builder()
        .schema(table.schema.clone())
        .table(table.table.clone())
        .build()?)
}

/// `tidings relay migrate`: creates or updates every configured table.
pub async fn migrate(settings: &Settings) -> Result<Vec<String>, RelayServiceError> {
    let outboxes = settings
        .tables
        .iter()
        .map(outbox)
        .collect::<Result<Vec<_>, _>>()?;
    let pool = connect(settings, 2).await?;
    let mut migrated = Vec::new();
    for (outbox, table) in outboxes.iter().zip(&settings.tables) {
        outbox.migrate(&pool).await?;
        let name = format!("{}.{}", table.schema, table.table);
        tracing::info!(table = %name, "outbox table is current");
        migrated.push(name);
    }
    pool.close().await;
    Ok(migrated)
}

/// Shared with the HTTP handlers.
struct Service {
    pool: PgPool,
    relays: Mutex<Vec<(String, RelayHandle)>>,
    metrics: PrometheusHandle,
}

/// `tidings relay run`: relays until `stop` resolves (SIGTERM or Ctrl-C in the binary), then
/// shuts every relay down and returns.
pub async fn run(
    settings: &Settings,
    stop: impl std::future::Future<Output = ()>,
) -> Result<(), RelayServiceError> {
    let recorder = PrometheusBuilder::new().build_recorder();
    let metrics = recorder.handle();
    metrics::set_global_recorder(recorder)
        .map_err(|err| RelayServiceError::Metrics(err.to_string()))?;

    // Each relay holds a lease connection, claims on one and listens on one.
    let pool = connect(settings, (settings.tables.len() as u32) * 4 + 2).await?;
    let mut relays = Vec::new();
    for table in &settings.tables {
        let outbox = outbox(table)?;
        let name = format!("{}.{}", table.schema, table.table);
        let mut builder = Relay::builder(outbox, pool.clone(), &settings.bootstrap_servers)
            .preset(settings.environment);
        let config = table.config.clone();
        builder = builder.configure(move |c| *c = config);
        for (key, value) in &settings.kafka {
            builder = builder.producer_setting(key.clone(), value.clone());
        }
        let relay = builder.build().map_err(|source| RelayServiceError::Relay {
            table: name.clone(),
            source,
        })?;
        tracing::info!(table = %name, "relaying");
        relays.push((name, relay.spawn()));
    }
    let service = Arc::new(Service {
        pool,
        relays: Mutex::new(relays),
        metrics,
    });

    let listener = tokio::net::TcpListener::bind(settings.listen)
        .await
        .map_err(|source| RelayServiceError::Listen {
            address: settings.listen,
            source,
        })?;
    tracing::info!(address = %settings.listen, "serving /metrics, /healthz and /readyz");
    let app = Router::new()
        .route("/metrics", get(metrics_text))
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/readyz", get(ready))
        .with_state(service.clone());
    let (stopping, mut stopped) = watch::channel(false);
    let server = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = stopped.wait_for(|s| *s).await;
            })
            .await
    });

    stop.await;
    tracing::info!("stopping: finishing the batches in flight and releasing the shard leases");
    let relays = std::mem::take(&mut *service.relays.lock().await);
    let mut first_error = None;
    for (name, relay) in relays {
        match relay.shutdown().await {
            Ok(stats) => tracing::info!(
                table = %name,
                published = stats.published,
                failed = stats.failed,
                dead = stats.dead,
                "relay stopped"
            ),
            Err(source) => {
                tracing::error!(table = %name, error = %source, "relay ended with an error");
                first_error.get_or_insert(RelayServiceError::Relay {
                    table: name,
                    source,
                });
            }
        }
    }
    let _ = stopping.send(true);
    let _ = server.await;
    service.pool.close().await;
    first_error.map_or(Ok(()), Err)
}

async fn metrics_text(State(service): State<Arc<Service>>) -> String {
    service.metrics.render()
}

/// Ready when the database answers within two seconds and no relay has stopped.
async fn ready(State(service): State<Arc<Service>>) -> (StatusCode, String) {
    let database = tokio::time::timeout(
        Duration::from_secs(2),
        sqlx::query("SELECT 1").execute(&service.pool),
    )
    .await;
    match database {
        Ok(Ok(_)) => {}
        Ok(Err(err)) => {
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                format!("database: {err}\n"),
            );
        }
        Err(_) => {
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                "database: no answer within 2 s\n".into(),
            );
        }
    }
    let relays = service.relays.lock().await;
    if relays.is_empty() {
        return (StatusCode::SERVICE_UNAVAILABLE, "stopping\n".into());
    }
    if let Some((name, _)) = relays.iter().find(|(_, relay)| relay.is_finished()) {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("relay for {name} has stopped\n"),
        );
    }
    (StatusCode::OK, "ready\n".into())
}

/// A future that resolves on SIGTERM or Ctrl-C; the handlers are installed before it returns.
pub fn termination() -> Result<impl std::future::Future<Output = ()>, RelayServiceError> {
    #[cfg(unix)]
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .map_err(RelayServiceError::Signal)?;
    Ok(async move {
        #[cfg(unix)]
        tokio::select! {
            _ = term.recv() => {}
            _ = tokio::signal::ctrl_c() => {}
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
    })
}

/// Installs the log subscriber: JSON lines or text, filtered by `RUST_LOG` (default `info`).
pub fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Text => builder.try_init(),
    };
}
