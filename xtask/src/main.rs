//! Project tasks: `cargo xtask <command>`. Argument parsing and orchestration only; the work is
//! done by the library crates.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cross_check;
use huleedu_contracts::ProcessingEventPayload;
use tidings_cli::project::{CONFIG_FILE, Project, ProjectCommand};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "tidings project tasks")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// gen, check-schemas, compat and cross-check for HuleEdu's catalogue, as any project runs
    /// them (tidings.toml at the workspace root); cross-check also checks the shape zoo's output
    /// with its generated values, and the compatibility engine's witnesses and verdicts with
    /// python-jsonschema, fastavro and hypothesis-jsonschema.
    #[command(flatten)]
    Project(ProjectCommand),
    /// Run one HuleEdu flow through outbox, relay, Kafka and the idempotent consumer.
    Demo {
        /// Use this Postgres instead of a throwaway one.
        #[arg(long)]
        database_url: Option<String>,
        /// Use this Kafka instead of the in-process mock cluster.
        #[arg(long)]
        bootstrap_servers: Option<String>,
    },
    /// Topics as code: compare the catalogue's topics (and their dead-letter topics) with a
    /// cluster, `plan`, or create and change them through the admin API, `apply`. Never deletes a
    /// topic; refuses fewer partitions or another replication factor. Exit 0 nothing (left) to
    /// do, 1 changes (left), 2 errors.
    Topics {
        /// `plan` or `apply`, then the options: `--bootstrap-servers`, `--partitions` (3),
        /// `--replication-factor` (1), `--no-dead-letters`, `--kafka-setting k=v`,
        /// `--format text|json`.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Measure the runtime against its raw limits, side by side in one run (release build).
    Bench {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// Pending rows for the relay phase.
        #[arg(long, default_value_t = 100_000)]
        relay_rows: usize,
        /// Events through the outbox in the churn phase.
        #[arg(long, default_value_t = 1_000_000)]
        churn_events: usize,
        /// Run only these phases: validation, enqueue, relay, relay-binary, latency, python,
        /// churn, check-schemas (repeatable).
        #[arg(long)]
        only: Vec<String>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        // The catalogue's output as any project checks it, then the shape zoo's, then the
        // compatibility engine's witnesses and verdicts with Python's validators.
        Command::Project(ProjectCommand::CrossCheck(args)) => {
            tidings_cli::cross_check_report(cross_check::run(&workspace_root(), args))
        }
        Command::Project(command) => {
            // From the current directory up, as any project's xtask: run in another checkout,
            // it reads that checkout's tidings.toml, never this one's.
            let start = std::env::current_dir().unwrap_or_else(|_| workspace_root());
            match Project::find(&start, CONFIG_FILE) {
                Ok(project) => {
                    tidings_cli::project::execute::<ProcessingEventPayload>(&project, command)
                }
                Err(err) => {
                    eprintln!("error: {err}");
                    ExitCode::from(2)
                }
            }
        }
        Command::Demo {
            database_url,
            bootstrap_servers,
        } => {
            let mut args = vec![
                "--generated".to_owned(),
                workspace_root().join("generated").display().to_string(),
            ];
            if let Some(url) = database_url {
                args.extend(["--database-url".to_owned(), url]);
            }
            if let Some(servers) = bootstrap_servers {
                args.extend(["--bootstrap-servers".to_owned(), servers]);
            }
            run_test_binary("demo", &[], &args)
        }
        Command::Topics { args } => run_test_binary("topics", &[], &args),
        Command::Bench {
            json,
            relay_rows,
            churn_events,
            only,
        } => {
            let mut args = vec![
                "--relay-rows".to_owned(),
                relay_rows.to_string(),
                "--churn-events".to_owned(),
                churn_events.to_string(),
            ];
            for phase in only {
                args.extend(["--only".to_owned(), phase]);
            }
            if json {
                args.push("--json".into());
            }
            // The relay service as users run it: the release binary, a process of its own.
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
            let built = std::process::Command::new(cargo)
                .current_dir(workspace_root())
                .args([
                    "build",
                    "--quiet",
                    "--release",
                    "--package",
                    "tidings-cli",
                    "--bin",
                    "tidings",
                ])
                .status();
            match built {
                Ok(status) if status.success() => {
                    args.push("--relay-binary".into());
                    args.push(
                        workspace_root()
                            .join("target/release/tidings")
                            .display()
                            .to_string(),
                    );
                }
                _ => eprintln!("bench: the tidings binary did not build; relay-binary is skipped"),
            }
            run_test_binary("bench", &["--release"], &args)
        }
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// `cargo run` of a binary of the test package, which holds the Postgres and Kafka harness. The
/// demo and the benchmark need the database and Kafka clients and `gen` does not, so they are
/// not linked into xtask, which stays quick to build.
fn run_test_binary(binary: &str, cargo_flags: &[&str], args: &[String]) -> ExitCode {
    let mut command =
        std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command
        .current_dir(workspace_root())
        .args([
            "run",
            "--quiet",
            "--package",
            "tidings-tests",
            "--bin",
            binary,
        ])
        .args(cargo_flags)
        .arg("--")
        .args(args);
    match command.status() {
        Ok(status) if status.success() => ExitCode::SUCCESS,
        // The binary's own exit code (1 findings or changes, 2 errors); 1 when killed by a signal.
        Ok(status) => ExitCode::from(
            status
                .code()
                .and_then(|c| u8::try_from(c).ok())
                .unwrap_or(1),
        ),
        Err(err) => {
            eprintln!("error: cannot run {binary}: {err}");
            ExitCode::from(2)
        }
    }
}
