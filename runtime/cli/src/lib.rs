//! The `tidings` command, and the commands of a project with its own catalogue.
//!
//! - [`project`]: `gen`, `gen --check`, `check-schemas` and `compat` for the catalogue a project
//!   compiles into its xtask (five lines, driven by `tidings.toml`).
//! - The `tidings` binary, which holds no catalogue: `tidings compat` on any two schema files
//!   ([`compat`]); `tidings cross-check` on any generated output ([`cross_check`]); `tidings relay run` relays outbox tables to Kafka as a service of its own, so
//!   that services written in any language can use the outbox by inserting rows
//!   (docs/OUTBOX.md), and `tidings relay migrate` creates the tables (`relay`, feature `relay`).

use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub mod compat;
pub mod cross_check;
pub mod project;
#[cfg(feature = "relay")]
pub mod relay;

/// Typed event contracts: schema compatibility and the outbox relay service.
#[derive(Debug, Parser)]
#[command(
    name = "tidings",
    version,
    about = "tidings: compat on any two schema files, cross-check on generated output, and the outbox relay service (gen and check-schemas run in a project's xtask: tidings_cli::project)"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Compare two schema files: can data written with OLD be read with NEW under MODE? `.avsc`
    /// files are Avro, `.json` files JSON Schema. Exit 0 compatible, 1 incompatible, 2 unreadable
    /// or invalid input.
    Compat(compat::CompatArgs),
    /// Check generated output with other languages' own tools: python-jsonschema, pydantic and
    /// fastavro; tsc --strict, ajv and the AsyncAPI parser. Installs them from PyPI and npm into
    /// the work directory on first use (needs python3 and npm). Exit 0 passed, 2 failed.
    CrossCheck(cross_check::CrossCheckArgs),
    /// The outbox relay: outbox tables in Postgres → Kafka.
    #[cfg(feature = "relay")]
    Relay {
        #[command(subcommand)]
        command: RelayCommand,
    },
}

#[cfg(feature = "relay")]
#[derive(Debug, Subcommand)]
enum RelayCommand {
    /// Relay until SIGTERM; serve /metrics, /healthz and /readyz.
    Run(relay::RelayArgs),
    /// Create or update the outbox tables, then exit.
    Migrate(relay::RelayArgs),
    /// Print the effective settings (secrets masked), then exit.
    Config(relay::RelayArgs),
}

/// Runs the command line; what the binary's `main` does.
pub fn main(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Compat(args) => compat::run(&args),
        Command::CrossCheck(args) => {
            let generated = if args.generated.is_empty() {
                vec![std::path::PathBuf::from("generated")]
            } else {
                args.generated
            };
            let work = args
                .work_dir
                .unwrap_or_else(|| std::env::temp_dir().join("tidings-cross-check"));
            cross_check_report(cross_check::run(&generated, &work).map(drop))
        }
        #[cfg(feature = "relay")]
        Command::Relay { command } => relay_main(command),
    }
}

/// Prints a cross-check's error; 0 passed, 2 failed or could not run.
pub fn cross_check_report(result: Result<(), cross_check::CrossCheckError>) -> ExitCode {
    match result {
        Ok(()) => {
            eprintln!("cross-check: passed");
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::from(2)
        }
    }
}

#[cfg(feature = "relay")]
fn relay_main(command: RelayCommand) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("error: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(execute(command)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!(error = %err, "tidings failed");
            eprintln!("error: {err}");
            ExitCode::from(2)
        }
    }
}

#[cfg(feature = "relay")]
async fn execute(command: RelayCommand) -> Result<(), relay::RelayServiceError> {
    let environment = relay::process_environment();
    match command {
        RelayCommand::Run(args) => {
            let settings = args.resolve(relay::Purpose::Run, &environment)?;
            relay::init_logging(settings.log_format);
            tracing::info!(settings = ?settings, "starting the relay");
            relay::run(&settings, relay::termination()?).await
        }
        RelayCommand::Migrate(args) => {
            let settings = args.resolve(relay::Purpose::Migrate, &environment)?;
            relay::init_logging(settings.log_format);
            for table in relay::migrate(&settings).await? {
                println!("{table}: current");
            }
            Ok(())
        }
        RelayCommand::Config(args) => {
            let settings = args.resolve(relay::Purpose::Run, &environment)?;
            println!("{settings:#?}");
            Ok(())
        }
    }
}
