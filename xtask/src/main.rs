//! Project tasks: `cargo xtask <command>`. Argument parsing and orchestration only; the work is
//! done by the library crates.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cross_check;
mod git;
use huleedu_contracts::ProcessingEventPayload;
use tidings_codegen::check::{Baseline, CheckInput, Severity};
use tidings_codegen::compat::{self, Compatibility, Policy, Schema, SchemaFormat};
use tidings_codegen::source::SourceIndex;
use tidings_codegen::{CatalogModel, GENERATE_COMMAND, History, Staleness};

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
    /// Compare the schemas of the current contracts with a baseline (default: generated/ as
    /// committed where this branch left the main branch, `git merge-base HEAD origin/HEAD`):
    /// incompatible changes under each event's mode, including between the baseline's own released
    /// revisions, removed events, changed topics and keys, drift between the contracts and
    /// generated/, and lints. Exit 0 clean, 1 findings, 2 usage or I/O error.
    CheckSchemas {
        /// Compare with generated/ as committed at this git revision (default: the merge-base
        /// with the main branch).
        #[arg(long, conflicts_with = "baseline")]
        against: Option<String>,
        /// Compare with this directory (laid out like generated/); `--baseline generated` checks
        /// the version history of the working tree, with no git.
        #[arg(long)]
        baseline: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = FindingFormat::Text)]
        format: FindingFormat,
        /// JSON Schema content-model policy: strict (Confluent's default) or lenient.
        #[arg(long, default_value = "strict")]
        policy: Policy,
    },
    /// Check generated/ with other languages' own tools: Python (jsonschema, pydantic, fastavro)
    /// and Node (tsc --strict, ajv, @asyncapi/parser), and the compatibility engine's witnesses
    /// and compatible verdicts with python-jsonschema, fastavro and hypothesis-jsonschema.
    /// Installs them from PyPI and npm into target/cross-language on first use.
    CrossCheck,
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
        /// Run only these phases: validation, enqueue, relay, latency, python, churn, check-schemas (repeatable).
        #[arg(long)]
        only: Vec<String>,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ReportFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum FindingFormat {
    Text,
    Json,
    Github,
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
        Command::Topics { args } => run_test_binary("topics", &[], &args),
        Command::Compat {
            old,
            new,
            mode,
            policy,
            format,
        } => compat(&old, &new, mode, policy, format),
        Command::CheckSchemas {
            against,
            baseline,
            format,
            policy,
        } => check_schemas(against, baseline, format, policy),
        Command::CrossCheck => match cross_check::run(&workspace_root()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => {
                eprintln!("error: {message}");
                ExitCode::FAILURE
            }
        },
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

fn generate(check: bool, out: PathBuf) -> ExitCode {
    let model = match model() {
        Ok(model) => model,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let released = match released_history(&out) {
        Ok(history) => history,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let files = match tidings_codegen::generate(&model, &released) {
        Ok(files) => files,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::from(2);
        }
    };
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

/// The released history in `out`: its history files, less drafts (revisions not committed at
/// HEAD) when `out` is inside a git checkout.
fn released_history(out: &Path) -> Result<History, String> {
    let dir = out.join(tidings_codegen::history::DIR);
    let tree = tidings_codegen::sync::read_tree(&dir)
        .map_err(|err| format!("{}: {err}", dir.display()))?;
    let committed = if dir.exists() {
        git::committed_paths(&dir, "HEAD")
    } else {
        None
    };
    let files: Vec<(String, &str)> = tree
        .iter()
        .filter(|(path, _)| committed.as_ref().is_none_or(|c| c.contains(path)))
        .map(|(path, contents)| {
            (
                format!("{}/{path}", tidings_codegen::history::DIR),
                contents.as_str(),
            )
        })
        .collect();
    History::from_files(files.iter().map(|(p, c)| (p.as_str(), *c))).map_err(|err| err.to_string())
}

fn model() -> Result<CatalogModel, String> {
    CatalogModel::of::<ProcessingEventPayload>("HuleEdu")
        .map_err(|err| format!("cannot build the schemas: {err}"))
}

/// Every `.rs` file in the folders that hold the contracts, relative to the workspace root.
fn contract_sources(model: &CatalogModel) -> Result<Vec<(String, String)>, String> {
    let root = workspace_root();
    let folders: std::collections::BTreeSet<PathBuf> = model
        .events
        .iter()
        .filter_map(|event| Path::new(event.source.file).parent().map(Path::to_path_buf))
        .collect();
    let mut files = Vec::new();
    for folder in folders {
        let tree = tidings_codegen::sync::read_tree(&root.join(&folder))
            .map_err(|err| format!("{}: {err}", folder.display()))?;
        for (path, contents) in tree {
            if path.ends_with(".rs") {
                files.push((format!("{}/{path}", folder.display()), contents));
            }
        }
    }
    Ok(files)
}

fn check_schemas(
    against: Option<String>,
    baseline_dir: Option<PathBuf>,
    format: FindingFormat,
    policy: Policy,
) -> ExitCode {
    match run_check_schemas(against, baseline_dir, format, policy) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn run_check_schemas(
    against: Option<String>,
    baseline_dir: Option<PathBuf>,
    format: FindingFormat,
    policy: Policy,
) -> Result<bool, String> {
    let model = model()?;
    let generated = workspace_root().join("generated");
    let released = released_history(&generated)?;
    let files = tidings_codegen::generate(&model, &released).map_err(|err| err.to_string())?;
    let drift = tidings_codegen::sync::check(&generated, &files, HAND_WRITTEN)
        .map_err(|err| format!("{}: {err}", generated.display()))?;
    let baseline_files = match (&baseline_dir, &against) {
        (Some(dir), _) => {
            if !dir.is_dir() {
                return Err(format!("--baseline {}: not a directory", dir.display()));
            }
            tidings_codegen::sync::read_tree(dir)
                .map_err(|err| format!("{}: {err}", dir.display()))?
        }
        (None, reference) => {
            let reference = reference
                .clone()
                .unwrap_or_else(|| git::default_baseline(&generated));
            git::committed_files(&generated, &reference)?
        }
    };
    let baseline = Baseline {
        files: baseline_files.into_iter().collect(),
    };
    let sources = contract_sources(&model)?;
    let sources = SourceIndex::parse(sources.iter().map(|(p, c)| (p.as_str(), c.as_str())))
        .map_err(|err| err.to_string())?;
    let findings = tidings_codegen::check::check_schemas(&CheckInput {
        model: &model,
        baseline: &baseline,
        drift: &drift,
        sources: &sources,
        policy,
    })
    .map_err(|err| err.to_string())?;
    let summary = tidings_codegen::check::summary(&model, &findings);
    match format {
        FindingFormat::Text => {
            for finding in &findings {
                println!("{finding}");
            }
            eprintln!("{summary}");
        }
        FindingFormat::Github => {
            for finding in &findings {
                println!("{}", finding.github());
            }
            eprintln!("{summary}");
        }
        FindingFormat::Json => {
            let report = serde_json::json!({
                "findings": findings.iter().map(|f| f.to_json()).collect::<Vec<_>>(),
                "summary": summary,
            });
            println!(
                "{}",
                serde_json::to_string_pretty(&report).unwrap_or_default()
            );
        }
    }
    Ok(!findings
        .iter()
        .any(|f| matches!(f.severity, Severity::Error | Severity::Warning)))
}
