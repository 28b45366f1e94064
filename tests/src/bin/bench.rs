//! The benchmark binary behind `cargo xtask bench`.

use std::process::ExitCode;

use clap::Parser;
use tidings_tests::bench::{BenchOptions, render, run};

/// The runtime against its raw limits, side by side in one run.
#[derive(Parser)]
struct Args {
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
    /// Pending rows for the relay phase.
    #[arg(long, default_value_t = 100_000)]
    relay_rows: usize,
    /// Events through the outbox in the churn phase.
    #[arg(long, default_value_t = 1_000_000)]
    churn_events: usize,
    /// Run only these phases: validation, enqueue, relay, relay-binary, latency, python, churn,
    /// check-schemas (repeatable).
    #[arg(long)]
    only: Vec<String>,
    /// The `tidings` binary for the relay-binary phase (`cargo xtask bench` builds and passes it).
    #[arg(long)]
    relay_binary: Option<std::path::PathBuf>,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    match run(BenchOptions {
        relay_rows: args.relay_rows,
        churn_events: args.churn_events,
        only: args.only,
        relay_binary: args.relay_binary,
    })
    .await
    {
        Ok(report) => {
            if args.json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&report).unwrap_or_default()
                );
            } else {
                println!("{}", render(&report));
            }
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("bench failed: {err}");
            ExitCode::FAILURE
        }
    }
}
