//! The `tidings` command.
//!
//! `tidings relay run` relays outbox tables to Kafka as a service of its own, so that services
//! written in any language can use the outbox by inserting rows (docs/OUTBOX.md);
//! `tidings relay migrate` creates the tables. See [`relay`].

use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub mod relay;

/// Typed event contracts: the outbox relay service.
#[derive(Debug, Parser)]
#[command(name = "tidings", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// The outbox relay: outbox tables in Postgres → Kafka.
    Relay {
        #[command(subcommand)]
        command: RelayCommand,
    },
}

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
    match runtime.block_on(execute(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!(error = %err, "tidings failed");
            eprintln!("error: {err}");
            ExitCode::from(2)
        }
    }
}

async fn execute(cli: Cli) -> Result<(), relay::RelayServiceError> {
    let environment = relay::process_environment();
    match cli.command {
        Command::Relay { command } => match command {
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
        },
    }
}
