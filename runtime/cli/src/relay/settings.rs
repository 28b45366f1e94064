//! The relay service's settings: flags and environment (through clap), then a TOML file, then
//! the defaults, in that order of precedence.

use std::collections::BTreeMap;
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{Args, ValueEnum};
use serde::Deserialize;
use tidings::relay::{AfterAck, Environment, RelayConfig};

use super::RelayServiceError;

/// Where the service listens for `/metrics`, `/healthz` and `/readyz` unless told otherwise.
pub const DEFAULT_LISTEN: &str = "0.0.0.0:9464";

/// Flags shared by `tidings relay run` and `tidings relay migrate`; each has an environment
/// variable, and each may also come from the `--config` file.
#[derive(Debug, Clone, Default, Args)]
pub struct RelayArgs {
    /// A TOML file with any of the settings below (flags and environment variables win).
    #[arg(long, env = "TIDINGS_RELAY_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Postgres connection URL (falls back to `DATABASE_URL`).
    #[arg(
        long,
        env = "TIDINGS_DATABASE_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    pub database_url: Option<String>,
    /// Kafka bootstrap servers, `host:port[,host:port…]`.
    #[arg(long, env = "TIDINGS_BOOTSTRAP_SERVERS", value_name = "HOSTS")]
    pub bootstrap_servers: Option<String>,
    /// An outbox table to relay, `[schema.]table`; repeat for several (default
    /// `public.tidings_outbox`).
    #[arg(
        long = "table",
        env = "TIDINGS_TABLES",
        value_delimiter = ',',
        value_name = "[SCHEMA.]TABLE"
    )]
    pub tables: Vec<String>,
    /// Preset of timings and retries.
    #[arg(long, env = "TIDINGS_ENV", value_enum)]
    pub environment: Option<EnvironmentArg>,
    /// A librdkafka producer setting, `name=value` (TLS, SASL, compression, …); repeatable. The
    /// environment form is `TIDINGS_KAFKA_<NAME>`, dots written as underscores:
    /// `TIDINGS_KAFKA_SECURITY_PROTOCOL=SASL_SSL`.
    #[arg(long = "kafka-setting", value_name = "NAME=VALUE", value_parser = parse_setting)]
    pub kafka_settings: Vec<(String, String)>,
    /// Address of the HTTP endpoints (`/metrics`, `/healthz`, `/readyz`).
    #[arg(long, env = "TIDINGS_LISTEN", value_name = "ADDRESS")]
    pub listen: Option<SocketAddr>,
    /// Log format.
    #[arg(long, env = "TIDINGS_LOG_FORMAT", value_enum)]
    pub log_format: Option<LogFormat>,
}

/// `--environment`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EnvironmentArg {
    /// Production timings (the default).
    Production,
    /// A developer's machine.
    #[value(alias = "dev")]
    #[serde(alias = "dev")]
    Development,
    /// Tests: react in milliseconds.
    #[value(alias = "test")]
    #[serde(alias = "test")]
    Testing,
}

impl From<EnvironmentArg> for Environment {
    fn from(value: EnvironmentArg) -> Self {
        match value {
            EnvironmentArg::Production => Environment::Production,
            EnvironmentArg::Development => Environment::Development,
            EnvironmentArg::Testing => Environment::Testing,
        }
    }
}

/// `--log-format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// One JSON object per line (the default): for log collectors.
    Json,
    /// Human-readable lines.
    Text,
}

fn parse_setting(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, value)) if !name.trim().is_empty() => {
            Ok((name.trim().to_owned(), value.to_owned()))
        }
        _ => Err(format!(
            "expected NAME=VALUE, e.g. security.protocol=SASL_SSL, got `{text}`"
        )),
    }
}

/// The configuration file, `--config`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    database_url: Option<String>,
    bootstrap_servers: Option<String>,
    environment: Option<EnvironmentArg>,
    listen: Option<SocketAddr>,
    log_format: Option<LogFormat>,
    #[serde(default)]
    kafka: BTreeMap<String, String>,
    #[serde(default)]
    tables: Vec<FileTable>,
}

/// One `[[tables]]` entry of the file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileTable {
    #[serde(default = "default_schema")]
    schema: String,
    table: String,
    batch_size: Option<i64>,
    max_attempts: Option<i32>,
    /// A duration such as `24h` or `90min`.
    retention: Option<String>,
    /// How often published rows past the retention are deleted: a duration such as `1min`.
    cleanup_interval: Option<String>,
    /// A duration such as `30s`.
    message_timeout: Option<String>,
    after_ack: Option<AfterAckArg>,
}

fn default_schema() -> String {
    String::from("public")
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
enum AfterAckArg {
    MarkPublished,
    Delete,
}

/// One outbox table to relay, with its relay settings.
#[derive(Debug, Clone)]
pub struct TableSettings {
    /// Schema of the table.
    pub schema: String,
    /// Name of the table.
    pub table: String,
    /// The relay's settings for it: the preset, then the file's overrides.
    pub config: RelayConfig,
}

/// The effective settings.
#[derive(Clone)]
pub struct Settings {
    /// Postgres connection URL.
    pub database_url: String,
    /// Kafka bootstrap servers (empty for `migrate`).
    pub bootstrap_servers: String,
    /// The preset used.
    pub environment: Environment,
    /// The tables to relay.
    pub tables: Vec<TableSettings>,
    /// librdkafka producer settings, applied after the relay's own.
    pub kafka: BTreeMap<String, String>,
    /// Address of the HTTP endpoints.
    pub listen: SocketAddr,
    /// Log format.
    pub log_format: LogFormat,
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("database_url", &redact_url(&self.database_url))
            .field("bootstrap_servers", &self.bootstrap_servers)
            .field("environment", &self.environment)
            .field(
                "tables",
                &self
                    .tables
                    .iter()
                    .map(|t| format!("{}.{}", t.schema, t.table))
                    .collect::<Vec<_>>(),
            )
            .field("kafka", &redacted_settings(&self.kafka))
            .field("listen", &self.listen)
            .field("log_format", &self.log_format)
            .finish()
    }
}

/// The URL without its password.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// Kafka settings with secrets (`*password*`, `*secret*`, `*.key.pem`, …) masked.
pub fn redacted_settings(settings: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    settings
        .iter()
        .map(|(name, value)| {
            let secret = ["password", "secret", "key.pem", "jaas", "token"]
                .iter()
                .any(|word| name.contains(word));
            let shown = if secret {
                "***".to_owned()
            } else {
                value.clone()
            };
            (name.clone(), shown)
        })
        .collect()
}

/// What `run` needs that `migrate` does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// `tidings relay run`: Kafka is needed.
    Run,
    /// `tidings relay migrate`: only the database.
    Migrate,
}

impl RelayArgs {
    /// Merges flags and environment, the file, and the defaults. `environment` is the process
    /// environment (for `DATABASE_URL` and `TIDINGS_KAFKA_*`), given so tests can pass their own.
    pub fn resolve(
        &self,
        purpose: Purpose,
        environment: &BTreeMap<String, String>,
    ) -> Result<Settings, RelayServiceError> {
        let file = match &self.config {
            Some(path) => read_file(path)?,
            None => FileSettings::default(),
        };
        let database_url = self
            .database_url
            .clone()
            .or(file.database_url)
            .or_else(|| environment.get("DATABASE_URL").cloned())
            .ok_or(RelayServiceError::Missing {
                setting: "database URL",
                how: "--database-url, TIDINGS_DATABASE_URL, DATABASE_URL or `database_url` in the config file",
            })?;
        let bootstrap_servers = self
            .bootstrap_servers
            .clone()
            .or(file.bootstrap_servers)
            .unwrap_or_default();
        if purpose == Purpose::Run && bootstrap_servers.trim().is_empty() {
            return Err(RelayServiceError::Missing {
                setting: "Kafka bootstrap servers",
                how: "--bootstrap-servers, TIDINGS_BOOTSTRAP_SERVERS or `bootstrap_servers` in the config file",
            });
        }
        let env: Environment = self
            .environment
            .or(file.environment)
            .unwrap_or(EnvironmentArg::Production)
            .into();

        // Kafka settings: file, then TIDINGS_KAFKA_*, then flags.
        let mut kafka = file.kafka;
        for (name, value) in environment {
            if let Some(rest) = name.strip_prefix("TIDINGS_KAFKA_")
                && !rest.is_empty()
            {
                kafka.insert(rest.to_ascii_lowercase().replace('_', "."), value.clone());
            }
        }
        for (name, value) in &self.kafka_settings {
            kafka.insert(name.clone(), value.clone());
        }
        if kafka.contains_key("bootstrap.servers") {
            return Err(RelayServiceError::Conflict {
                detail: "bootstrap.servers is set as a Kafka setting; give it as --bootstrap-servers (or TIDINGS_BOOTSTRAP_SERVERS, or `bootstrap_servers` in the file) instead",
            });
        }

        let tables = if !self.tables.is_empty() {
            self.tables
                .iter()
                .map(|name| {
                    let (schema, table) = match name.split_once('.') {
                        Some((schema, table)) => (schema.to_owned(), table.to_owned()),
                        None => (default_schema(), name.clone()),
                    };
                    Ok(TableSettings {
                        schema,
                        table,
                        config: RelayConfig::preset(env),
                    })
                })
                .collect::<Result<Vec<_>, RelayServiceError>>()?
        } else if !file.tables.is_empty() {
            file.tables
                .into_iter()
                .map(|entry| table_from_file(entry, env))
                .collect::<Result<Vec<_>, _>>()?
        } else {
            vec![TableSettings {
                schema: default_schema(),
                table: String::from("tidings_outbox"),
                config: RelayConfig::preset(env),
            }]
        };
        let mut seen = std::collections::BTreeSet::new();
        for table in &tables {
            if !seen.insert((table.schema.clone(), table.table.clone())) {
                return Err(RelayServiceError::Invalid {
                    setting: "tables".into(),
                    reason: format!(
                        "{}.{} is listed twice; one relay per table shares its work already",
                        table.schema, table.table
                    ),
                });
            }
        }
        let listen = match self.listen.or(file.listen) {
            Some(listen) => listen,
            None => DEFAULT_LISTEN
                .parse()
                .map_err(|_| RelayServiceError::Invalid {
                    setting: "listen".into(),
                    reason: "the default address does not parse".into(),
                })?,
        };
        Ok(Settings {
            database_url,
            bootstrap_servers,
            environment: env,
            tables,
            kafka,
            listen,
            log_format: self
                .log_format
                .or(file.log_format)
                .unwrap_or(LogFormat::Json),
        })
    }
}

fn read_file(path: &Path) -> Result<FileSettings, RelayServiceError> {
    let text = std::fs::read_to_string(path).map_err(|source| RelayServiceError::ConfigFile {
        path: path.to_owned(),
        reason: source.to_string(),
    })?;
    toml::from_str(&text).map_err(|err| RelayServiceError::ConfigFile {
        path: path.to_owned(),
        reason: err.to_string(),
    })
}

fn table_from_file(entry: FileTable, env: Environment) -> Result<TableSettings, RelayServiceError> {
    let name = format!("{}.{}", entry.schema, entry.table);
    let mut config = RelayConfig::preset(env);
    if let Some(rows) = entry.batch_size {
        config.batch_size = rows;
    }
    if let Some(attempts) = entry.max_attempts {
        config.max_attempts = attempts;
    }
    let duration = |setting: &str, text: &str| -> Result<Duration, RelayServiceError> {
        humantime::parse_duration(text).map_err(|err| RelayServiceError::Invalid {
            setting: format!("tables.{name}.{setting}"),
            reason: format!("`{text}` is not a duration such as 30s, 15min or 24h ({err})"),
        })
    };
    if let Some(text) = &entry.retention {
        config.retention = duration("retention", text)?;
    }
    if let Some(text) = &entry.cleanup_interval {
        config.cleanup_interval = duration("cleanup_interval", text)?;
    }
    if let Some(text) = &entry.message_timeout {
        config.message_timeout = duration("message_timeout", text)?;
    }
    if let Some(after_ack) = entry.after_ack {
        config.after_ack = match after_ack {
            AfterAckArg::MarkPublished => AfterAck::MarkPublished,
            AfterAckArg::Delete => AfterAck::Delete,
        };
    }
    config
        .validate()
        .map_err(|err| RelayServiceError::Invalid {
            setting: format!("tables.{name}"),
            reason: err.to_string(),
        })?;
    Ok(TableSettings {
        schema: entry.schema,
        table: entry.table,
        config,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(text: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("tidings-cli-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!(
            "{:x}.toml",
            text.len() * 31 + text.as_bytes()[0] as usize
        ));
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn flags_win_over_the_environment_over_the_file_over_the_defaults() {
        let file = write(
            r#"
database_url = "postgres://file@db/app"
bootstrap_servers = "file:9092"
environment = "development"
[kafka]
"security.protocol" = "SSL"
"compression.type" = "gzip"
[[tables]]
table = "orders_outbox"
batch_size = 100
retention = "2h"
cleanup_interval = "10s"
after_ack = "delete"
"#,
        );
        let args = RelayArgs {
            config: Some(file),
            bootstrap_servers: Some("flag:9092".into()),
            kafka_settings: vec![("compression.type".into(), "zstd".into())],
            ..RelayArgs::default()
        };
        let env = BTreeMap::from([
            (
                "TIDINGS_KAFKA_SASL_MECHANISM".to_owned(),
                "SCRAM-SHA-512".to_owned(),
            ),
            (
                "TIDINGS_KAFKA_SECURITY_PROTOCOL".to_owned(),
                "SASL_SSL".to_owned(),
            ),
            (
                "DATABASE_URL".to_owned(),
                "postgres://env@db/app".to_owned(),
            ),
        ]);
        let settings = args.resolve(Purpose::Run, &env).unwrap();
        assert_eq!(settings.database_url, "postgres://file@db/app");
        assert_eq!(settings.bootstrap_servers, "flag:9092");
        assert_eq!(settings.environment, Environment::Development);
        assert_eq!(settings.kafka["security.protocol"], "SASL_SSL");
        assert_eq!(settings.kafka["sasl.mechanism"], "SCRAM-SHA-512");
        assert_eq!(settings.kafka["compression.type"], "zstd");
        let table = &settings.tables[0];
        assert_eq!(
            (table.schema.as_str(), table.table.as_str()),
            ("public", "orders_outbox")
        );
        assert_eq!(table.config.batch_size, 100);
        assert_eq!(table.config.retention, Duration::from_secs(7200));
        assert_eq!(table.config.cleanup_interval, Duration::from_secs(10));
        assert_eq!(table.config.after_ack, AfterAck::Delete);
        assert_eq!(settings.listen.to_string(), DEFAULT_LISTEN);
    }

    #[test]
    fn defaults_need_only_a_database_and_brokers() {
        let args = RelayArgs {
            bootstrap_servers: Some("k:9092".into()),
            ..RelayArgs::default()
        };
        let env = BTreeMap::from([("DATABASE_URL".to_owned(), "postgres://u:pw@h/d".to_owned())]);
        let settings = args.resolve(Purpose::Run, &env).unwrap();
        assert_eq!(settings.environment, Environment::Production);
        assert_eq!(settings.tables.len(), 1);
        assert_eq!(settings.tables[0].table, "tidings_outbox");
        assert_eq!(settings.log_format, LogFormat::Json);
        assert!(!format!("{settings:?}").contains("pw"), "{settings:?}");
    }

    #[test]
    fn missing_or_bad_settings_say_what_to_do() {
        let none = BTreeMap::new();
        let err = RelayArgs::default()
            .resolve(Purpose::Run, &none)
            .unwrap_err();
        assert!(err.to_string().contains("--database-url"), "{err}");
        let args = RelayArgs {
            database_url: Some("postgres://h/d".into()),
            ..RelayArgs::default()
        };
        let err = args.resolve(Purpose::Run, &none).unwrap_err();
        assert!(err.to_string().contains("--bootstrap-servers"), "{err}");
        assert!(args.resolve(Purpose::Migrate, &none).is_ok());

        for (text, expected) in [
            (
                "[[tables]]\ntable = \"t\"\nretention = \"soon\"\n",
                "not a duration",
            ),
            ("[[tables]]\ntable = \"t\"\nbatch_size = 0\n", "batch_size"),
            ("tables = 3\n", "invalid type"),
            ("unknown = 1\n", "unknown field"),
        ] {
            let args = RelayArgs {
                config: Some(write(text)),
                ..args.clone()
            };
            let err = args.resolve(Purpose::Migrate, &none).unwrap_err();
            assert!(err.to_string().contains(expected), "{text}: {err}");
        }
        let twice = RelayArgs {
            tables: vec!["a".into(), "public.a".into()],
            ..args.clone()
        };
        assert!(
            twice
                .resolve(Purpose::Migrate, &none)
                .unwrap_err()
                .to_string()
                .contains("twice")
        );
        let servers = RelayArgs {
            kafka_settings: vec![("bootstrap.servers".into(), "x:1".into())],
            ..args.clone()
        };
        assert!(servers.resolve(Purpose::Migrate, &none).is_err());
    }

    #[test]
    fn secrets_are_masked() {
        assert_eq!(
            redact_url("postgres://app:s3cret@db:5432/app"),
            "postgres://app:***@db:5432/app"
        );
        assert_eq!(redact_url("postgres://db/app"), "postgres://db/app");
        let shown = redacted_settings(&BTreeMap::from([
            ("sasl.password".to_owned(), "pw".to_owned()),
            ("sasl.username".to_owned(), "relay".to_owned()),
        ]));
        assert_eq!(shown["sasl.password"], "***");
        assert_eq!(shown["sasl.username"], "relay");
    }
}
