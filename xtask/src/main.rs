//! Project tasks: `cargo xtask <command>`. Argument parsing and orchestration only; the work is
//! done by the library crates.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use huleedu_contracts::ProcessingEvent;
use tidings_codegen::compat::{self, Compatibility, Policy, Schema, SchemaFormat};
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
    /// Compare two schema files: can data written with OLD be read with NEW under MODE?
    /// `.avsc` files are Avro, `.json` files JSON Schema. Exit 0 compatible, 1 incompatible,
    /// 2 unreadable or invalid input.
    Compat {
        /// The schema data was written with (the previous version).
        #[arg(long)]
        old: PathBuf,
        /// The schema to check (the new version).
        #[arg(long)]
        new: PathBuf,
        /// Compatibility mode: none, backward, backward_transitive, forward, forward_transitive,
        /// full, full_transitive (transitive modes see only OLD here).
        #[arg(long, default_value = "backward")]
        mode: Compatibility,
        /// JSON Schema content-model policy: strict (Confluent's default) or lenient.
        #[arg(long, default_value = "strict")]
        policy: Policy,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
        format: ReportFormat,
    },
    /// Measure the runtime against its raw limits, side by side in one run (release build).
    Bench {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// Pending rows for the relay phase.
        #[arg(long, default_value_t = 100_000)]
        relay_rows: usize,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ReportFormat {
    Text,
    Json,
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
        Command::Compat {
            old,
            new,
            mode,
            policy,
            format,
        } => compat(&old, &new, mode, policy, format),
        Command::Bench { json, relay_rows } => {
            let mut args = vec!["--relay-rows".to_owned(), relay_rows.to_string()];
            if json {
                args.push("--json".into());
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
        Ok(_) => ExitCode::FAILURE,
        Err(err) => {
            eprintln!("error: cannot run {binary}: {err}");
            ExitCode::from(2)
        }
    }
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

fn load_schema(path: &Path) -> Result<Schema, String> {
    let name = path.display().to_string();
    let format = SchemaFormat::from_file_name(&name).ok_or_else(|| {
        format!(
            "{name}: unknown schema type; name Avro files `.avsc` and JSON Schema files `.json`"
        )
    })?;
    let text = std::fs::read_to_string(path).map_err(|err| format!("{name}: {err}"))?;
    Schema::parse(format, &text).map_err(|err| format!("{name}: {err}"))
}

fn compat(
    old: &Path,
    new: &Path,
    mode: Compatibility,
    policy: Policy,
    format: ReportFormat,
) -> ExitCode {
    let schemas = load_schema(old).and_then(|old| Ok((old, load_schema(new)?)));
    let report = schemas.and_then(|(old, new)| {
        let schema_format = new.format();
        compat::check(mode, policy, std::slice::from_ref(&old), &new)
            .map(|report| (report, schema_format))
            .map_err(|err| err.to_string())
    });
    let (report, schema_format) = match report {
        Ok(report) => report,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    match format {
        ReportFormat::Text => print!("{}", report.to_text(schema_format)),
        ReportFormat::Json => println!(
            "{}",
            serde_json::to_string_pretty(&report.to_json(schema_format)).unwrap_or_default()
        ),
    }
    if report.is_compatible() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
