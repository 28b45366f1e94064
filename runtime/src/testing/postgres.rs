//! A throwaway Postgres.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

use sqlx::postgres::PgPoolOptions;
use sqlx::{AssertSqlSafe, PgPool};

/// The server tests run against.
#[derive(Debug)]
pub struct TestPostgres {
    /// `postgres://user@host:port`, without a database.
    base_url: String,
    /// The data directory, when this process started the server.
    data_dir: Option<PathBuf>,
    /// The server log, when this process started the server.
    log: Option<PathBuf>,
}

/// A database of its own for one test.
#[derive(Debug, Clone)]
pub struct TestDatabase {
    /// Connection URL.
    pub url: String,
    /// A pool on it.
    pub pool: PgPool,
}

static SERVER: OnceLock<Result<TestPostgres, String>> = OnceLock::new();
static NEXT_DATABASE: AtomicU32 = AtomicU32::new(0);

const POSTGRES_USER: &str = "postgres";

impl TestPostgres {
    /// The shared server, started on first use.
    pub fn get() -> &'static TestPostgres {
        match SERVER.get_or_init(Self::start) {
            Ok(server) => server,
            Err(err) => panic!("cannot start the test Postgres: {err}"),
        }
    }

    /// A new, empty database.
    pub async fn database() -> TestDatabase {
        Self::get().create_database().await
    }

    fn start() -> Result<TestPostgres, String> {
        if let Ok(url) = std::env::var("DATABASE_URL") {
            let base = url
                .rsplit_once('/')
                .map(|(base, _)| base.to_owned())
                .unwrap_or(url);
            return Ok(TestPostgres {
                base_url: base,
                data_dir: None,
                log: None,
            });
        }
        let root = std::env::temp_dir().join(format!(
            "tidings-pg-{}-{}",
            std::process::id(),
            uuid::Uuid::new_v4().simple()
        ));
        let data = root.join("data");
        std::fs::create_dir_all(&root).map_err(|e| format!("{}: {e}", root.display()))?;
        let as_root = is_root();
        if as_root {
            chown_to_postgres(&root)?;
        }
        run(
            as_root,
            "initdb",
            &[
                "-D",
                path(&data)?,
                "-U",
                POSTGRES_USER,
                "--auth=trust",
                "--no-sync",
                "-E",
                "UTF8",
                "--locale=C",
            ],
        )?;
        let port = super::free_port()?;
        let options = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off \
             -c full_page_writes=off -c max_connections=300 -c shared_buffers=128MB",
            path(&root)?
        );
        let log = root.join("postgres.log");
        run(
            as_root,
            "pg_ctl",
            &[
                "-D",
                path(&data)?,
                "-o",
                &options,
                "-l",
                path(&log)?,
                "-w",
                "-t",
                "60",
                "start",
            ],
        )?;
        spawn_watchdog(&root, &data)?;
        Ok(TestPostgres {
            base_url: format!("postgres://{POSTGRES_USER}@127.0.0.1:{port}"),
            data_dir: Some(data),
            log: Some(log),
        })
    }

    async fn create_database(&self) -> TestDatabase {
        let name = format!(
            "tidings_test_{}_{}",
            std::process::id(),
            NEXT_DATABASE.fetch_add(1, Ordering::Relaxed)
        );
        let admin = PgPoolOptions::new()
            .max_connections(1)
            .connect(&format!("{}/postgres", self.base_url))
            .await
            .unwrap_or_else(|err| {
                panic!(
                    "cannot connect to the test Postgres at {}: {err}",
                    self.base_url
                )
            });
        sqlx::query(AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
            .execute(&admin)
            .await
            .unwrap_or_else(|err| panic!("cannot create database {name}: {err}"));
        admin.close().await;
        let url = format!("{}/{name}", self.base_url);
        let pool = PgPoolOptions::new()
            .max_connections(20)
            .connect(&url)
            .await
            .unwrap_or_else(|err| panic!("cannot connect to {url}: {err}"));
        TestDatabase { url, pool }
    }

    /// Restarts the server (only one this process started). Connections are cut.
    pub fn restart(&self) -> Result<(), String> {
        let (Some(data), Some(log)) = (&self.data_dir, &self.log) else {
            return Err("the server at DATABASE_URL is not ours to restart".into());
        };
        // With `-l`, the new server writes to its log, not to pg_ctl's output (which we wait on).
        let args = [
            "-D",
            path(data)?,
            "-l",
            path(log)?,
            "-m",
            "fast",
            "-w",
            "-t",
            "60",
            "restart",
        ];
        run(is_root(), "pg_ctl", &args)
    }
}

fn path(p: &Path) -> Result<&str, String> {
    p.to_str()
        .ok_or_else(|| format!("{} is not UTF-8", p.display()))
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout.starts_with(b"0\n"))
        .unwrap_or(false)
}

/// The path of a Postgres server program: from `PATH`, else from `pg_config --bindir`, else from
/// Debian's `/usr/lib/postgresql/<version>/bin` (newest version first).
fn server_program(program: &str) -> String {
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|paths| std::env::split_paths(&paths).collect::<Vec<_>>())
        .any(|dir| dir.join(program).is_file());
    if on_path {
        return program.to_owned();
    }
    let from_pg_config = Command::new("pg_config")
        .arg("--bindir")
        .output()
        .ok()
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()).join(program))
        .filter(|p| p.is_file());
    let mut debian: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|entry| entry.path().join("bin").join(program))
        .filter(|p| p.is_file())
        .collect();
    debian.sort();
    from_pg_config
        .or_else(|| debian.pop())
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_else(|| program.to_owned())
}

/// `initdb` and `pg_ctl` refuse to run as root, so as root they run as the `postgres` user.
fn run(as_root: bool, program: &str, args: &[&str]) -> Result<(), String> {
    let program = &server_program(program);
    let mut command = if as_root {
        let mut command = Command::new("runuser");
        command.args(["-u", POSTGRES_USER, "--", program]);
        command
    } else {
        Command::new(program)
    };
    let output = command
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|err| {
            format!("cannot run {program}: {err}; is Postgres installed and on PATH?")
        })?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{program} failed ({}): {}{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

fn chown_to_postgres(dir: &Path) -> Result<(), String> {
    let status = Command::new("chown")
        .args([&format!("{POSTGRES_USER}:"), path(dir)?])
        .status()
        .map_err(|err| format!("chown: {err}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("chown {} failed", dir.display()))
    }
}

/// Stops the server and removes its files once this process is gone.
fn spawn_watchdog(root: &Path, data: &Path) -> Result<(), String> {
    let script = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 1; done; \
         if [ -f '{data}/postmaster.pid' ]; then kill -QUIT \"$(head -n1 '{data}/postmaster.pid')\" 2>/dev/null; sleep 1; fi; \
         rm -rf '{root}'",
        pid = std::process::id(),
        data = path(data)?,
        root = path(root)?,
    );
    Command::new("sh")
        .args(["-c", &script])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map(|_| ())
        .map_err(|err| format!("cannot start the cleanup watchdog: {err}"))
}
