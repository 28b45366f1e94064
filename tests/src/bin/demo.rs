//! The demo binary behind `cargo xtask demo`.

use std::process::ExitCode;

use clap::Parser;
use tidings_tests::demo::{DemoOptions, render, run};

/// One HuleEdu flow through outbox, relay, Kafka and the idempotent consumer.
#[derive(Parser)]
struct Args {
    /// Use this Postgres instead of a throwaway one.
    #[arg(long, env = "DATABASE_URL")]
    database_url: Option<String>,
    /// Use this Kafka instead of the in-process mock cluster; the demo creates its topics there.
    #[arg(long, env = "KAFKA_BOOTSTRAP_SERVERS")]
    bootstrap_servers: Option<String>,
    /// Where the generated schemas are, for the summary.
    #[arg(long, default_value = "generated")]
    generated: String,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let options = DemoOptions {
        database_url: args.database_url,
        bootstrap_servers: args.bootstrap_servers,
    };
    match run(options).await {
        Ok(summary) => {
            println!("{}", render(&summary, &args.generated));
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("demo failed: {err}");
            ExitCode::FAILURE
        }
    }
}
