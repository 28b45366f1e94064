//! The binary behind `cargo xtask topics plan|apply`: the HuleEdu catalogue's topics, compared
//! with a cluster and made so through the admin API (`tidings::topics`).

use std::process::ExitCode;

use clap::{Parser, ValueEnum};
use huleedu_contracts::ProcessingEvent;
use rdkafka::ClientConfig;
use tidings::topics::{self, Defaults, TopicChange};

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Action {
    /// Print what would change; exit 0 when nothing, 1 when something would.
    Plan,
    /// Make the changes, then plan again; exit 0 when nothing is left.
    Apply,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Parser)]
struct Args {
    action: Action,
    /// The cluster.
    #[arg(long, env = "KAFKA_BOOTSTRAP_SERVERS")]
    bootstrap_servers: String,
    /// Partitions of every catalogue topic.
    #[arg(long, default_value_t = 3)]
    partitions: i32,
    /// Replication factor of every topic.
    #[arg(long, default_value_t = 1)]
    replication_factor: i32,
    /// Leave out the consumers' dead-letter topics (`<topic>.dlq`).
    #[arg(long)]
    no_dead_letters: bool,
    /// An rdkafka setting for the admin client, `key=value` (TLS, SASL); repeatable.
    #[arg(long = "kafka-setting", value_parser = setting)]
    settings: Vec<(String, String)>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

fn setting(text: &str) -> Result<(String, String), String> {
    text.split_once('=')
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .ok_or_else(|| format!("`{text}` is not key=value"))
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let mut config = ClientConfig::new();
    config.set("bootstrap.servers", &args.bootstrap_servers);
    for (key, value) in &args.settings {
        config.set(key, value);
    }
    let desired = topics::specs::<ProcessingEvent>(&Defaults {
        partitions: args.partitions,
        replication_factor: args.replication_factor,
        dead_letters: !args.no_dead_letters,
    });
    let run = async {
        let mut plan = topics::plan(&desired, &topics::observe(&config, &desired).await?);
        if args.action == Action::Apply && !plan.is_empty() {
            let made = topics::apply(&config, &plan).await?;
            eprintln!("applied {made} change(s)");
            plan = topics::plan(&desired, &topics::observe(&config, &desired).await?);
        }
        Ok::<_, topics::TopicsError>(plan)
    };
    match run.await {
        Ok(plan) => {
            match args.format {
                Format::Text => print!("{}", plan.to_text()),
                Format::Json => println!("{}", plan.to_json()),
            }
            let refused = plan
                .changes
                .iter()
                .any(|c| matches!(c, TopicChange::Refused { .. }));
            if plan.is_empty() {
                ExitCode::SUCCESS
            } else {
                if args.action == Action::Apply && refused {
                    eprintln!("some changes were refused; see above");
                }
                ExitCode::from(1)
            }
        }
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::from(2)
        }
    }
}
