//! `tidings compat`: two schema files, one verdict. Needs no catalogue.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use tidings_codegen::compat::{self, Compatibility, Policy, Schema, SchemaFormat};

/// How a report is printed.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ReportFormat {
    /// One line per change, for people.
    Text,
    /// The whole report as JSON.
    Json,
}

/// Compare two schema files: can data written with OLD be read with NEW under MODE? `.avsc`
/// files are Avro, `.json` files JSON Schema. Exit 0 compatible, 1 incompatible, 2 unreadable or
/// invalid input.
#[derive(Debug, clap::Args)]
pub struct CompatArgs {
    /// The schema data was written with (the previous version).
    #[arg(long)]
    pub old: PathBuf,
    /// The schema to check (the new version).
    #[arg(long)]
    pub new: PathBuf,
    /// Compatibility mode: none, backward, backward_transitive, forward, forward_transitive,
    /// full, full_transitive (transitive modes see only OLD here).
    #[arg(long, default_value = "backward")]
    pub mode: Compatibility,
    /// JSON Schema content-model policy: strict (Confluent's default) or lenient.
    #[arg(long, default_value = "strict")]
    pub policy: Policy,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
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

/// Runs `compat`: prints the report, returns 0 compatible, 1 incompatible, 2 bad input.
pub fn run(args: &CompatArgs) -> ExitCode {
    let schemas = load_schema(&args.old).and_then(|old| Ok((old, load_schema(&args.new)?)));
    let report = schemas.and_then(|(old, new)| {
        let schema_format = new.format();
        compat::check(args.mode, args.policy, std::slice::from_ref(&old), &new)
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
    match args.format {
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
