//! Project tasks: `cargo xtask <command>`. Argument parsing and orchestration only; the work is
//! done by the library crates.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use huleedu_contracts::ProcessingEvent;
use tidings_codegen::{CatalogModel, GENERATE_COMMAND, Staleness};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "tidings project tasks")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate generated/ from the contracts.
    Gen {
        /// Change nothing; fail if any file in generated/ is stale.
        #[arg(long)]
        check: bool,
        /// Output directory (default: generated/ at the workspace root).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Run one HuleEdu flow through outbox, relay, Kafka and the idempotent consumer.
    Demo {
        /// Use this Postgres instead of a throwaway one.
        #[arg(long)]
        database_url: Option<String>,
        /// Use this Kafka instead of the in-process mock cluster.
        #[arg(long)]
        bootstrap_servers: Option<String>,
    },
}

/// Hand-written files inside generated/ that the generator leaves alone.
const HAND_WRITTEN: &[&str] = &["README.md"];

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Gen { check, out } => generate(
            check,
            out.unwrap_or_else(|| workspace_root().join("generated")),
        ),
        Command::Demo {
            database_url,
            bootstrap_servers,
        } => demo(database_url, bootstrap_servers),
    }
}

/// The demo needs the database and Kafka clients, which `gen` does not: it is its own binary, so
/// `cargo xtask gen` stays quick to build.
fn demo(database_url: Option<String>, bootstrap_servers: Option<String>) -> ExitCode {
    let root = workspace_root();
    let mut command =
        std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command.current_dir(&root).args([
        "run",
        "--quiet",
        "--package",
        "tidings-tests",
        "--bin",
        "demo",
        "--",
    ]);
    command.arg("--generated").arg(root.join("generated"));
    if let Some(url) = database_url {
        command.arg("--database-url").arg(url);
    }
    if let Some(servers) = bootstrap_servers {
        command.arg("--bootstrap-servers").arg(servers);
    }
    match command.status() {
        Ok(status) if status.success() => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(err) => {
            eprintln!("error: cannot run the demo: {err}");
            ExitCode::from(2)
        }
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

fn generate(check: bool, out: PathBuf) -> ExitCode {
    let model = match CatalogModel::of::<ProcessingEvent>("HuleEdu") {
        Ok(model) => model,
        Err(err) => {
            eprintln!("error: cannot build the schemas: {err}");
            return ExitCode::from(2);
        }
    };
    let files = tidings_codegen::generate(&model);
    let result = if check {
        tidings_codegen::sync::check(&out, &files, HAND_WRITTEN)
    } else {
        tidings_codegen::sync::write(&out, &files, HAND_WRITTEN)
    };
    let changes = match result {
        Ok(changes) => changes,
        Err(err) => {
            eprintln!("error: {}: {err}", out.display());
            return ExitCode::from(2);
        }
    };
    for change in &changes {
        let what = match change.staleness {
            Staleness::Missing => "missing",
            Staleness::Outdated => "outdated",
            Staleness::Orphaned => "no longer generated",
        };
        let verb = if check { "stale" } else { "updated" };
        eprintln!("{verb}: {} ({what})", out.join(&change.path).display());
    }
    if check && !changes.is_empty() {
        eprintln!(
            "error: {} generated file(s) are stale; run `{GENERATE_COMMAND}` and commit the result",
            changes.len()
        );
        return ExitCode::from(1);
    }
    if !check {
        eprintln!(
            "{} files in {}, {} changed",
            files.len(),
            out.display(),
            changes.len()
        );
    }
    ExitCode::SUCCESS
}
