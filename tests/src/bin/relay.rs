//! A relay process, for tests that kill it: `relay --database-url URL --bootstrap-servers HOSTS`.

use std::process::ExitCode;

use clap::Parser;
use sqlx::postgres::PgPoolOptions;
use tidings::outbox::Outbox;
use tidings::relay::{Environment, Relay};

#[derive(Parser)]
struct Args {
    #[arg(long)]
    database_url: String,
    #[arg(long)]
    bootstrap_servers: String,
    #[arg(long, default_value = "tidings_outbox")]
    table: String,
    #[arg(long, default_value_t = 200)]
    batch_size: i64,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let run = async {
        let pool = PgPoolOptions::new()
            .max_connections(4)
            .connect(&args.database_url)
            .await
            .map_err(|e| e.to_string())?;
        let outbox = Outbox::builder()
            .table(args.table.clone())
            .build()
            .map_err(|e| e.to_string())?;
        let relay = Relay::builder(outbox, pool, &args.bootstrap_servers)
            .preset(Environment::Testing)
            .batch_size(args.batch_size)
            .build()
            .map_err(|e| e.to_string())?
            .spawn();
        tokio::signal::ctrl_c().await.map_err(|e| e.to_string())?;
        relay.shutdown().await.map_err(|e| e.to_string())?;
        Ok::<(), String>(())
    };
    match run.await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("relay: {err}");
            ExitCode::FAILURE
        }
    }
}
