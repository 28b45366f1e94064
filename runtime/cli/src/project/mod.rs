//! The commands a project with its own catalogue runs: `gen`, `gen --check`, `check-schemas`,
//! `compat` and `cross-check`, driven by `tidings.toml`.
//!
//! A project's xtask is five lines:
//!
//! ```ignore
//! fn main() -> std::process::ExitCode {
//!     tidings_cli::project::run::<shop_contracts::ShopEventPayload>("tidings.toml")
//! }
//! ```
//!
//! `tidings.toml` is looked for in the current directory and then in each parent, so the
//! commands work from anywhere inside the project; every path in it is relative to the file.
//! Every key is optional:
//!
//! ```toml
//! catalogue = "Shop"                 # display name; default: the catalogue enum's, less `Event`
//! out = "generated"                  # where generated files go
//! generate_command = "cargo xtask gen"
//! hand_written = ["README.md"]       # files in `out` that `gen` leaves alone
//!
//! [check]
//! against = "origin/release"         # default: the merge-base with the main branch
//! policy = "strict"                  # JSON Schema content model: strict or lenient
//! [[check.accept]]                   # a reviewed break: reported as a notice, with the reason
//! topic = "shop.order.placed.v1"
//! revision = 3                       # history/<topic>/3.json: the revision that brings it
//! reason = "consumers enforced the rule already"
//!
//! [package]
//! version = "1.4.0"
//! license = "Apache-2.0"
//! description = "Events of the shop."
//! python = "shop_contracts"          # default: <catalogue>_contracts
//! npm = "@shop/contracts"            # default: @<catalogue>/contracts
//!
//! [asyncapi]
//! contact = "Shop platform team"
//! [[asyncapi.servers]]
//! name = "production"
//! host = "kafka.shop.internal:9093"
//! protocol = "kafka-secure"
//! description = "TLS and SCRAM"
//! ```

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use serde::Deserialize;
use tidings::registry::CataloguePayload;
use tidings_codegen::check::{AcceptedBreak, Baseline, CheckInput, Severity};
use tidings_codegen::compat::Policy;
use tidings_codegen::source::SourceIndex;
use tidings_codegen::{
    AsyncApiServer, CatalogModel, GENERATE_COMMAND, History, ProjectSettings, Staleness,
};

use crate::compat::{self, CompatArgs};
use crate::cross_check::{self, CrossCheckArgs};

pub mod git;

/// The file the commands read.
pub const CONFIG_FILE: &str = "tidings.toml";

/// What `tidings.toml` says. See the [module documentation](self) for every key.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectConfig {
    /// Display name of the catalogue.
    pub catalogue: Option<String>,
    /// Where generated files go, relative to the file.
    pub out: Option<PathBuf>,
    /// The command written in headers and drift findings.
    pub generate_command: Option<String>,
    /// Files in `out` that `gen` leaves alone.
    pub hand_written: Option<Vec<String>>,
    /// `check-schemas` defaults.
    #[serde(default)]
    pub check: CheckConfig,
    /// Package metadata.
    #[serde(default)]
    pub package: PackageConfig,
    /// AsyncAPI `info` and `servers`.
    #[serde(default)]
    pub asyncapi: AsyncApiConfig,
}

/// `[check]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckConfig {
    /// The git revision to compare with; default: the merge-base with the main branch.
    pub against: Option<String>,
    /// A directory laid out like `out` to compare with instead of git.
    pub baseline: Option<PathBuf>,
    /// `strict` or `lenient`.
    pub policy: Option<String>,
    /// Breaking changes reviewed and accepted (`[[check.accept]]`).
    #[serde(default)]
    pub accept: Vec<AcceptConfig>,
}

/// `[[check.accept]]`: the breaks one revision of one event brings, reviewed and accepted.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AcceptConfig {
    /// The event's topic.
    pub topic: String,
    /// The revision (`history/<topic>/<revision>.json`) whose breaks are accepted.
    pub revision: usize,
    /// Why; printed with every finding it turns into a notice.
    pub reason: String,
}

/// `[package]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackageConfig {
    /// Version of the Python and npm packages and of the AsyncAPI document.
    pub version: Option<String>,
    /// SPDX licence expression.
    pub license: Option<String>,
    /// One line on the catalogue.
    pub description: Option<String>,
    /// Python import name.
    pub python: Option<String>,
    /// npm package name.
    pub npm: Option<String>,
}

/// `[asyncapi]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AsyncApiConfig {
    /// `info.contact.name`.
    pub contact: Option<String>,
    /// `servers`, in order.
    #[serde(default)]
    pub servers: Vec<ServerConfig>,
}

/// `[[asyncapi.servers]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerConfig {
    /// Key under `servers`.
    pub name: String,
    /// `host[:port]`.
    pub host: String,
    /// `kafka` (default) or `kafka-secure`.
    pub protocol: Option<String>,
    /// What the server is.
    pub description: Option<String>,
}

/// A project: its `tidings.toml` and the directory it is in.
#[derive(Debug, Clone)]
pub struct Project {
    /// The directory of `tidings.toml`; contract source paths are relative to it too, so it
    /// belongs at the workspace root.
    pub root: PathBuf,
    /// The settings.
    pub config: ProjectConfig,
}

/// Why a project cannot be loaded or a command cannot run.
#[derive(Debug, thiserror::Error)]
pub enum ProjectError {
    /// No `tidings.toml` in the directory or its parents.
    #[error(
        "no {file} in {start} or any parent directory; create one at the workspace root (every key is optional, an empty file will do)"
    )]
    NotFound {
        /// The file looked for.
        file: String,
        /// Where the search began.
        start: PathBuf,
    },
    /// The file cannot be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The file is not valid TOML or has an unknown key or a wrong type.
    #[error("{path}: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// What is wrong and where.
        message: String,
    },
    /// A value is out of its range.
    #[error("{path}: `{setting}`: {reason}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// The key.
        setting: &'static str,
        /// What it must be.
        reason: String,
    },
}

impl Project {
    /// Reads `path`.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, ProjectError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| ProjectError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let config: ProjectConfig = toml::from_str(&text).map_err(|err| ProjectError::Parse {
            path: path.to_path_buf(),
            message: err.to_string(),
        })?;
        for accepted in &config.check.accept {
            if accepted.reason.trim().is_empty() || accepted.revision == 0 {
                return Err(ProjectError::Invalid {
                    path: path.to_path_buf(),
                    setting: "check.accept",
                    reason: format!(
                        "the entry for `{}` needs a revision from 1 and a reason",
                        accepted.topic
                    ),
                });
            }
        }
        if let Some(policy) = &config.check.policy {
            policy
                .parse::<Policy>()
                .map_err(|reason| ProjectError::Invalid {
                    path: path.to_path_buf(),
                    setting: "check.policy",
                    reason,
                })?;
        }
        let root = path
            .parent()
            .map(Path::to_path_buf)
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or_else(|| PathBuf::from("."));
        Ok(Self { root, config })
    }

    /// Finds `file_name` in `start` or its nearest parent that has one, and reads it.
    pub fn find(start: &Path, file_name: &str) -> Result<Self, ProjectError> {
        start
            .ancestors()
            .map(|dir| dir.join(file_name))
            .find(|candidate| candidate.is_file())
            .map(Self::load)
            .unwrap_or_else(|| {
                Err(ProjectError::NotFound {
                    file: file_name.to_owned(),
                    start: start.to_path_buf(),
                })
            })
    }

    /// Where `cross-check` installs its checkers: `tidings-cross-check` in cargo's target
    /// directory for the project.
    pub fn cross_check_work_dir(&self) -> PathBuf {
        cross_check::target_dir(&self.root).join("tidings-cross-check")
    }

    /// Where generated files go.
    pub fn out(&self) -> PathBuf {
        self.root.join(
            self.config
                .out
                .clone()
                .unwrap_or_else(|| PathBuf::from("generated")),
        )
    }

    fn hand_written(&self) -> Vec<String> {
        self.config
            .hand_written
            .clone()
            .unwrap_or_else(|| vec!["README.md".to_owned()])
    }

    /// The catalogue's display name: the configured one, or the enum's name less `Event`.
    pub fn catalogue_name<P>(&self) -> String
    where
        P: CataloguePayload,
        P::Member: schemars::JsonSchema,
    {
        self.config.catalogue.clone().unwrap_or_else(|| {
            let name = <P::Member as schemars::JsonSchema>::schema_name().into_owned();
            match name.strip_suffix("Events").or(name.strip_suffix("Event")) {
                Some(stem) if !stem.is_empty() => stem.to_owned(),
                _ => name,
            }
        })
    }

    /// The package and document settings: the configured ones over the defaults.
    pub fn settings(&self, catalogue: &str) -> ProjectSettings {
        let defaults = ProjectSettings::defaults(catalogue);
        let package = &self.config.package;
        ProjectSettings {
            version: package.version.clone().unwrap_or(defaults.version),
            license: package.license.clone(),
            description: package.description.clone(),
            python_package: package.python.clone().unwrap_or(defaults.python_package),
            npm_package: package.npm.clone().unwrap_or(defaults.npm_package),
            generate_command: self
                .config
                .generate_command
                .clone()
                .unwrap_or_else(|| GENERATE_COMMAND.to_owned()),
            contact: self.config.asyncapi.contact.clone(),
            servers: self
                .config
                .asyncapi
                .servers
                .iter()
                .map(|server| AsyncApiServer {
                    name: server.name.clone(),
                    host: server.host.clone(),
                    protocol: server.protocol.clone().unwrap_or_else(|| "kafka".into()),
                    description: server.description.clone(),
                })
                .collect(),
        }
    }

    /// The catalogue's model with the project's settings.
    pub fn model<P>(&self) -> Result<CatalogModel, String>
    where
        P: CataloguePayload,
        P::Member: schemars::JsonSchema,
    {
        let catalogue = self.catalogue_name::<P>();
        CatalogModel::of::<P>(&catalogue)
            .map(|model| model.with_project(self.settings(&catalogue)))
            .map_err(|err| format!("cannot build the schemas: {err}"))
    }
}

/// A project's commands.
#[derive(Debug, Subcommand)]
pub enum ProjectCommand {
    /// Regenerate the output directory from the contracts.
    Gen {
        /// Change nothing; fail if any generated file is stale.
        #[arg(long)]
        check: bool,
        /// Output directory (default: `out` of tidings.toml, `generated`).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Compare the schemas of the current contracts with a baseline (default: the output
    /// directory as committed where this branch left the main branch, `git merge-base HEAD
    /// origin/HEAD`): incompatible changes under each event's mode, including between the
    /// baseline's own released revisions, removed events, changed topics and keys, drift between
    /// the contracts and the output directory, and lints. Exit 0 clean, 1 findings, 2 usage or I/O
    /// error.
    CheckSchemas(CheckSchemasArgs),
    /// Compare two schema files: can data written with OLD be read with NEW under MODE?
    Compat(CompatArgs),
    /// Check the output directory with other languages' own tools: python-jsonschema, pydantic
    /// and fastavro; tsc --strict, ajv and the AsyncAPI parser. Installs them from PyPI and npm
    /// into cargo's target directory on first use (needs python3 and npm). Exit 0 passed, 2
    /// failed.
    CrossCheck(CrossCheckArgs),
}

/// The options of `check-schemas`.
#[derive(Debug, clap::Args)]
pub struct CheckSchemasArgs {
    /// Compare with the output directory as committed at this git revision (default:
    /// `check.against` of tidings.toml, else the merge-base with the main branch).
    #[arg(long, conflicts_with = "baseline")]
    pub against: Option<String>,
    /// Compare with this directory (laid out like the output directory); `--baseline generated`
    /// checks the version history of the working tree, with no git.
    #[arg(long)]
    pub baseline: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = FindingFormat::Text)]
    pub format: FindingFormat,
    /// JSON Schema content-model policy: strict (Confluent's default) or lenient (default:
    /// `check.policy` of tidings.toml, else strict).
    #[arg(long)]
    pub policy: Option<Policy>,
}

/// How findings are printed.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum FindingFormat {
    /// One line per finding.
    Text,
    /// A JSON document.
    Json,
    /// GitHub Actions workflow commands (annotations at the contract's line).
    Github,
}

#[derive(Debug, Parser)]
#[command(about = "tidings commands for this project's catalogue")]
struct ProjectCli {
    #[command(subcommand)]
    command: ProjectCommand,
}

/// Parses the command line and runs the command for the catalogue whose typed payload is `P`,
/// with the nearest `config_file` (usually [`CONFIG_FILE`]) from the current directory up.
pub fn run<P>(config_file: &str) -> ExitCode
where
    P: CataloguePayload,
    P::Member: schemars::JsonSchema,
{
    let cli = ProjectCli::parse();
    let start = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    match Project::find(&start, config_file) {
        Ok(project) => execute::<P>(&project, cli.command),
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::from(2)
        }
    }
}

/// Runs one command for `project`. Exit codes: 0 clean, 1 findings or stale files, 2 errors.
pub fn execute<P>(project: &Project, command: ProjectCommand) -> ExitCode
where
    P: CataloguePayload,
    P::Member: schemars::JsonSchema,
{
    match command {
        ProjectCommand::Gen { check, out } => {
            let out = out.unwrap_or_else(|| project.out());
            report(generate::<P>(project, check, &out))
        }
        ProjectCommand::CheckSchemas(args) => report(check_schemas::<P>(project, args)),
        ProjectCommand::Compat(args) => compat::run(&args),
        ProjectCommand::CrossCheck(args) => {
            let generated = if args.generated.is_empty() {
                vec![project.out()]
            } else {
                args.generated
            };
            let work = args
                .work_dir
                .unwrap_or_else(|| project.cross_check_work_dir());
            crate::cross_check_report(cross_check::run(&generated, &work).map(drop))
        }
    }
}

fn report(result: Result<bool, String>) -> ExitCode {
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

/// `gen` or `gen --check`; `Ok(false)` when `check` finds stale files.
fn generate<P>(project: &Project, check: bool, out: &Path) -> Result<bool, String>
where
    P: CataloguePayload,
    P::Member: schemars::JsonSchema,
{
    let model = project.model::<P>()?;
    let released = released_history(out)?;
    let files = tidings_codegen::generate(&model, &released).map_err(|err| err.to_string())?;
    let hand_written = project.hand_written();
    let hand_written: Vec<&str> = hand_written.iter().map(String::as_str).collect();
    let result = if check {
        tidings_codegen::sync::check(out, &files, &hand_written)
    } else {
        tidings_codegen::sync::write(out, &files, &hand_written)
    };
    let changes = result.map_err(|err| format!("{}: {err}", out.display()))?;
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
            "error: {} generated file(s) are stale; run `{}` and commit the result",
            changes.len(),
            model.project.generate_command
        );
        return Ok(false);
    }
    if !check {
        eprintln!(
            "{} files in {}, {} changed",
            files.len(),
            out.display(),
            changes.len()
        );
    }
    Ok(true)
}

/// The released history in `out`: its history files, less drafts (revisions not committed at
/// HEAD) when `out` is inside a git checkout, so a draft is replaced, not appended to.
pub fn released_history(out: &Path) -> Result<History, String> {
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

/// Every `.rs` file in the folders that hold the contracts, relative to the project root.
fn contract_sources(root: &Path, model: &CatalogModel) -> Result<Vec<(String, String)>, String> {
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

fn check_schemas<P>(project: &Project, args: CheckSchemasArgs) -> Result<bool, String>
where
    P: CataloguePayload,
    P::Member: schemars::JsonSchema,
{
    let model = project.model::<P>()?;
    let generated = project.out();
    let released = released_history(&generated)?;
    let files = tidings_codegen::generate(&model, &released).map_err(|err| err.to_string())?;
    let hand_written = project.hand_written();
    let hand_written: Vec<&str> = hand_written.iter().map(String::as_str).collect();
    let drift = tidings_codegen::sync::check(&generated, &files, &hand_written)
        .map_err(|err| format!("{}: {err}", generated.display()))?;
    let configured = &project.config.check;
    let baseline_dir = args.baseline.or_else(|| {
        configured
            .baseline
            .as_ref()
            .map(|dir| project.root.join(dir))
    });
    let baseline_files = match (&baseline_dir, &args.against) {
        (Some(dir), None) => {
            if !dir.is_dir() {
                return Err(format!("baseline {}: not a directory", dir.display()));
            }
            tidings_codegen::sync::read_tree(dir)
                .map_err(|err| format!("{}: {err}", dir.display()))?
        }
        (_, reference) => {
            let reference = reference
                .clone()
                .or_else(|| configured.against.clone())
                .unwrap_or_else(|| git::default_baseline(&generated));
            let committed = git::committed_files(&generated, &reference)?;
            if committed.is_empty() {
                // Nothing released yet: the first release is checked against itself, so drift,
                // lints and the working tree's version history are still checked.
                eprintln!(
                    "note: {} holds nothing at `{reference}`: nothing is released yet, so only drift, lints and the version history are checked",
                    generated.display()
                );
                files
                    .iter()
                    .map(|file| (file.path.display().to_string(), file.contents.clone()))
                    .collect()
            } else {
                committed
            }
        }
    };
    let baseline = Baseline {
        files: baseline_files.into_iter().collect(),
    };
    let sources = contract_sources(&project.root, &model)?;
    let sources = SourceIndex::parse(sources.iter().map(|(p, c)| (p.as_str(), c.as_str())))
        .map_err(|err| err.to_string())?;
    let policy = match args.policy {
        Some(policy) => policy,
        None => configured
            .policy
            .as_deref()
            .map(str::parse)
            .transpose()?
            .unwrap_or_default(),
    };
    let accepted: Vec<AcceptedBreak> = project
        .config
        .check
        .accept
        .iter()
        .map(|a| AcceptedBreak {
            topic: a.topic.clone(),
            revision: a.revision,
            reason: a.reason.clone(),
        })
        .collect();
    let findings = tidings_codegen::check::check_schemas(&CheckInput {
        model: &model,
        baseline: &baseline,
        drift: &drift,
        sources: &sources,
        policy,
        accepted: &accepted,
    })
    .map_err(|err| err.to_string())?;
    let summary = tidings_codegen::check::summary(&model, &findings);
    match args.format {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn write(text: &str) -> (tempdir::Dir, PathBuf) {
        let dir = tempdir::Dir::new();
        let path = dir.path().join(CONFIG_FILE);
        std::fs::write(&path, text).unwrap_or_else(|err| panic!("write: {err}"));
        (dir, path)
    }

    mod tempdir {
        /// A directory under the system's temporary directory, removed on drop.
        pub struct Dir(std::path::PathBuf);

        impl Dir {
            pub fn new() -> Self {
                let path = std::env::temp_dir().join(format!(
                    "tidings-project-{}-{}",
                    std::process::id(),
                    uuid::Uuid::new_v4()
                ));
                std::fs::create_dir_all(path.join("nested/deeper"))
                    .unwrap_or_else(|err| panic!("mkdir: {err}"));
                Self(path)
            }

            pub fn path(&self) -> &std::path::Path {
                &self.0
            }
        }

        impl Drop for Dir {
            fn drop(&mut self) {
                let _ = std::fs::remove_dir_all(&self.0);
            }
        }
    }

    #[test]
    fn every_setting_reaches_the_model_settings_and_defaults_fill_the_rest() {
        let (_dir, path) = write(
            r#"
catalogue = "Shop"
out = "contracts/generated"
generate_command = "cargo xtask gen"
[package]
version = "2.3.0"
license = "Apache-2.0"
description = "Orders and payments."
python = "shop_events"
[asyncapi]
contact = "Shop platform team"
[[asyncapi.servers]]
name = "production"
host = "kafka.shop.internal:9093"
protocol = "kafka-secure"
"#,
        );
        let project = Project::load(&path).unwrap_or_else(|err| panic!("{err}"));
        assert_eq!(project.out(), project.root.join("contracts/generated"));
        let settings = project.settings("Shop");
        assert_eq!(settings.version, "2.3.0");
        assert_eq!(settings.license.as_deref(), Some("Apache-2.0"));
        assert_eq!(settings.python_package, "shop_events");
        assert_eq!(settings.npm_package, "@shop/contracts", "the default");
        assert_eq!(settings.contact.as_deref(), Some("Shop platform team"));
        assert_eq!(settings.servers.len(), 1);
        assert_eq!(settings.servers[0].protocol, "kafka-secure");
    }

    #[test]
    fn the_nearest_file_up_the_tree_is_found_and_a_missing_one_says_what_to_do() {
        let (dir, _) = write("");
        let project = Project::find(&dir.path().join("nested/deeper"), CONFIG_FILE)
            .unwrap_or_else(|err| panic!("{err}"));
        assert_eq!(project.root, dir.path());
        let missing = Project::find(&dir.path().join("nested"), "absent.toml")
            .err()
            .map(|err| err.to_string())
            .unwrap_or_default();
        assert!(missing.contains("no absent.toml in"), "{missing}");
    }

    #[test]
    fn unknown_keys_and_bad_values_are_refused_with_the_key() {
        for (text, expected) in [
            ("catalog = \"Shop\"\n", "unknown field `catalog`"),
            ("[package]\nversion = 2\n", "invalid type"),
            ("[check]\npolicy = \"loose\"\n", "`check.policy`"),
        ] {
            let (_dir, path) = write(text);
            let message = Project::load(&path)
                .err()
                .map(|err| err.to_string())
                .unwrap_or_default();
            assert!(message.contains(expected), "{text:?}: {message}");
        }
    }
}
