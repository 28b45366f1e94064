//! `cross-check`: a catalogue's generated output checked by other languages' own tools.
//!
//! Needs no catalogue, only the output directory `gen` wrote:
//!
//! - Python (`cross-check/check_python.py`): every JSON Schema against the 2020-12 meta-schema and
//!   every example against its schema (python-jsonschema, formats asserted); the generated pydantic
//!   package installs from nothing into a virtual environment, imports, accepts every example,
//!   dumps it back to the same JSON and refuses invalid variants; every example's Avro datum, written here by
//!   apache-avro, is read by fastavro to the same value; the package's outbox writer and partition
//!   keys match the Rust runtime's (docs/OUTBOX.md test vectors).
//! - Node (`cross-check/check_node.mjs`): the TypeScript package compiles with `tsc --strict`, with
//!   every example payload written as a literal of its payload type; ajv
//!   (2020-12, formats asserted) validates every example against the schemas the package exports
//!   and refuses invalid variants; partition keys and key shards match; `@asyncapi/parser` reads
//!   `asyncapi.yaml` with no errors and no warnings.
//!
//! Needs `python3` (3.11 or later, with `venv`) and Node 20 with `npm`; installs the checkers from
//! PyPI and npm into the work directory on first use and reuses them after.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// The Python checkers, installed into a virtual environment of their own.
pub const PYTHON_CHECKERS: &[&str] = &[
    "jsonschema[format-nongpl]>=4.23",
    "fastavro>=1.9",
    "pydantic>=2.6,<3",
];

/// The Node checkers (`package.json` of the work directory's `node` folder).
const NODE_CHECKERS: &str = r#"{
  "private": true,
  "type": "module",
  "dependencies": {
    "typescript": "5.9.3",
    "ajv": "8.20.0",
    "ajv-formats": "3.0.1",
    "@asyncapi/parser": "3.6.3"
  }
}
"#;

const CHECK_PYTHON: &str = include_str!("../cross-check/check_python.py");
const CHECK_NODE: &str = include_str!("../cross-check/check_node.mjs");

/// Why a cross-check could not run or did not pass.
#[derive(Debug, thiserror::Error)]
pub enum CrossCheckError {
    /// A file or directory could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// A generated file is not what `gen` writes.
    #[error("{path}: {message}; run the project's `gen` and try again")]
    Generated {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// An example's payload could not be written as an Avro datum of its schema.
    #[error("{topic}: the example cannot be written with its Avro schema: {message}")]
    Avro {
        /// The example's topic.
        topic: String,
        /// apache-avro's error.
        message: String,
    },
    /// A tool could not be started.
    #[error(
        "cannot run {command}: {source}; cross-check needs python3 (3.11+, with venv) and Node 20 with npm on PATH"
    )]
    Spawn {
        /// The command line.
        command: String,
        /// The error.
        source: std::io::Error,
    },
    /// A tool ran and failed: an installation, or a check (its output says which values).
    #[error("{command} failed ({status})")]
    Failed {
        /// The command line.
        command: String,
        /// Its exit status.
        status: std::process::ExitStatus,
    },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> CrossCheckError + '_ {
    move |source| CrossCheckError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Runs `command`, echoing it; a non-zero exit is [`CrossCheckError::Failed`].
pub fn run_command(command: &mut Command) -> Result<(), CrossCheckError> {
    let shown = format!("{command:?}");
    eprintln!("cross-check: {shown}");
    let status = command.status().map_err(|source| CrossCheckError::Spawn {
        command: shown.clone(),
        source,
    })?;
    if status.success() {
        Ok(())
    } else {
        Err(CrossCheckError::Failed {
            command: shown,
            status,
        })
    }
}

fn read_json(path: &Path) -> Result<Value, CrossCheckError> {
    let text = std::fs::read_to_string(path).map_err(io(path))?;
    serde_json::from_str(&text).map_err(|err| CrossCheckError::Generated {
        path: path.to_path_buf(),
        message: err.to_string(),
    })
}

fn write(path: &Path, contents: &[u8]) -> Result<(), CrossCheckError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io(parent))?;
    }
    std::fs::write(path, contents).map_err(io(path))
}

/// The example files of `generated`, sorted.
fn example_paths(generated: &Path) -> Result<Vec<PathBuf>, CrossCheckError> {
    let examples = generated.join("examples");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&examples)
        .map_err(io(&examples))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    paths.sort();
    Ok(paths)
}

/// An example file and its topic.
fn read_example(path: &Path) -> Result<(Value, String), CrossCheckError> {
    let example = read_json(path)?;
    let topic = example["topic"]
        .as_str()
        .ok_or_else(|| CrossCheckError::Generated {
            path: path.to_path_buf(),
            message: "no `topic`".into(),
        })?
        .to_owned();
    Ok((example, topic))
}

/// A TypeScript module that states every example's payload as a literal of its event's payload
/// type (`PayloadsByTopic[topic]`), for `tsc --strict` to accept or refuse; returns it and how
/// many literals it holds.
pub fn typescript_literals(generated: &Path) -> Result<(String, usize), CrossCheckError> {
    let paths = example_paths(generated)?;
    let mut module = String::from(
        "// Every example payload as a literal of its generated type.\n\
         import type { PayloadsByTopic } from \"./index.js\";\n",
    );
    for (index, path) in paths.iter().enumerate() {
        let (example, topic) = read_example(path)?;
        let topic = serde_json::to_string(&topic).unwrap_or_default();
        let data = serde_json::to_string_pretty(&example["envelope"]["data"]).unwrap_or_default();
        module.push_str(&format!(
            "export const example{index}: PayloadsByTopic[{topic}] = {data};\n"
        ));
    }
    Ok((module, paths.len()))
}

/// Writes `out`: a JSON object naming each example whose payload has derived defaults
/// (`tidings::rules::filled_from`) to fill, with the payload as the Rust runtime fills it (from
/// the example's JSON Schema); the pydantic models must fill it the same. Returns how many.
pub fn write_filled_payloads(generated: &Path, out: &Path) -> Result<usize, CrossCheckError> {
    let mut filled = serde_json::Map::new();
    for path in example_paths(generated)? {
        let (example, topic) = read_example(&path)?;
        let schema = read_json(&generated.join(format!("schemas/json/{topic}.json")))?;
        let mut payload = example["envelope"]["data"].clone();
        if tidings::rules::fill_defaults(&schema, &mut payload) > 0 {
            let name = path
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
            filled.insert(name, payload);
        }
    }
    let count = filled.len();
    write(out, Value::Object(filled).to_string().as_bytes())?;
    Ok(count)
}

/// Writes the Avro datum of every example's payload to `out/<example file stem>.avro`; returns
/// how many.
pub fn write_avro_datums(generated: &Path, out: &Path) -> Result<usize, CrossCheckError> {
    std::fs::create_dir_all(out).map_err(io(out))?;
    let paths = example_paths(generated)?;
    for path in &paths {
        let (example, topic) = read_example(path)?;
        let topic = topic.as_str();
        let schema = read_json(&generated.join(format!("schemas/avro/{topic}.avsc")))?;
        let bytes = tidings_codegen::avro_datum::encode(&schema, &example["envelope"]["data"])
            .map_err(|err| CrossCheckError::Avro {
                topic: topic.to_owned(),
                message: err.to_string(),
            })?;
        // Named after the example file: a topic may have several examples.
        let stem = path
            .file_stem()
            .map_or_else(|| topic.to_owned(), |s| s.to_string_lossy().into_owned());
        write(&out.join(format!("{stem}.avro")), &bytes)?;
    }
    Ok(paths.len())
}

fn copy_dir(from: &Path, to: &Path) -> Result<(), CrossCheckError> {
    let _ = std::fs::remove_dir_all(to);
    let files = tidings_codegen::sync::read_tree(from).map_err(|err| CrossCheckError::Io {
        path: from.to_path_buf(),
        source: std::io::Error::other(err.to_string()),
    })?;
    for (path, contents) in files {
        write(&to.join(path), contents.as_bytes())?;
    }
    Ok(())
}

/// Fails unless `generated` holds what `gen` writes and the checks read.
pub fn require_output(generated: &Path) -> Result<(), CrossCheckError> {
    for required in [
        "examples",
        "schemas/avro",
        "python/pyproject.toml",
        "typescript/tsconfig.json",
    ] {
        let path = generated.join(required);
        if !path.exists() {
            return Err(CrossCheckError::Generated {
                path,
                message: "missing: not a directory `gen` wrote".into(),
            });
        }
    }
    Ok(())
}

/// The checkers, installed in a work directory.
#[derive(Debug)]
pub struct Checkers {
    work: PathBuf,
    python_bin: PathBuf,
    node_dir: PathBuf,
}

impl Checkers {
    /// Installs the checkers into `work` (`venv/` with [`PYTHON_CHECKERS`] and `extra_python`,
    /// `node/` with tsc, ajv and the AsyncAPI parser), or reuses those an earlier run installed
    /// when they include every package asked for.
    pub fn install(work: &Path, extra_python: &[&str]) -> Result<Self, CrossCheckError> {
        std::fs::create_dir_all(work).map_err(io(work))?;
        let venv = work.join("venv");
        let python_bin = venv.join("bin");
        let wanted: Vec<&str> = PYTHON_CHECKERS
            .iter()
            .chain(extra_python)
            .copied()
            .collect();
        let stamp = venv.join("tidings-checkers.txt");
        let installed = std::fs::read_to_string(&stamp).unwrap_or_default();
        if !venv_holds(&installed, &venv, &wanted) {
            let wanted_text = venv_stamp(&venv, &wanted);
            let _ = std::fs::remove_dir_all(&venv);
            run_command(Command::new("python3").arg("-m").arg("venv").arg(&venv))?;
            run_command(
                Command::new(python_bin.join("pip"))
                    .args(["install", "--quiet", "--disable-pip-version-check"])
                    .args(&wanted),
            )?;
            write(&stamp, wanted_text.as_bytes())?;
        }
        let node_dir = work.join("node");
        let manifest = node_dir.join("package.json");
        let installed = node_dir.join("node_modules/.bin/tsc").is_file()
            && std::fs::read_to_string(&manifest).ok().as_deref() == Some(NODE_CHECKERS);
        if !installed {
            write(&manifest, NODE_CHECKERS.as_bytes())?;
            run_command(Command::new("npm").current_dir(&node_dir).args([
                "install",
                "--no-audit",
                "--no-fund",
                "--loglevel=error",
            ]))?;
        }
        Ok(Self {
            work: work.to_path_buf(),
            python_bin,
            node_dir,
        })
    }

    /// The virtual environment's `bin` directory (`python`, `pip`).
    pub fn python_bin(&self) -> &Path {
        &self.python_bin
    }

    /// Checks one catalogue's output directory; `name` keeps its files apart in the work
    /// directory.
    pub fn check(&self, generated: &Path, name: &str) -> Result<(), CrossCheckError> {
        eprintln!("cross-check: {}", generated.display());
        require_output(generated)?;
        let work = self.work.join(name);
        let scripts = work.join("scripts");
        write(&scripts.join("check_python.py"), CHECK_PYTHON.as_bytes())?;
        write(
            &scripts.join("vectors.json"),
            tidings::OUTBOX_TEST_VECTORS.as_bytes(),
        )?;
        let count = write_avro_datums(generated, &work.join("avro"))?;
        eprintln!("cross-check: {count} Avro datums written by apache-avro");
        let filled = write_filled_payloads(generated, &work.join("filled.json"))?;
        eprintln!(
            "cross-check: {filled} examples with derived defaults, filled by the Rust runtime"
        );
        self.python(generated, &work)?;
        self.node(generated, &work)
    }

    fn python(&self, generated: &Path, work: &Path) -> Result<(), CrossCheckError> {
        // pip builds in the source tree: build from a copy so the output stays as generated.
        let package = work.join("python-package");
        copy_dir(&generated.join("python"), &package)?;
        let pyproject = std::fs::read_to_string(package.join("pyproject.toml"))
            .map_err(io(&package.join("pyproject.toml")))?;
        let distribution = pyproject
            .lines()
            .find_map(|line| line.strip_prefix("name = "))
            .map(|name| name.trim().trim_matches('"').to_owned());
        if let Some(distribution) = distribution {
            // A leftover of an earlier run must not satisfy the package's dependencies.
            let _ = Command::new(self.python_bin.join("pip"))
                .args([
                    "uninstall",
                    "--quiet",
                    "--yes",
                    "--disable-pip-version-check",
                ])
                .arg(distribution)
                .status();
        }
        // With its dependencies, as a user installs it: the checkers' own packages satisfy only
        // what the package declares too.
        run_command(
            Command::new(self.python_bin.join("pip"))
                .args(["install", "--quiet", "--disable-pip-version-check"])
                .arg(&package),
        )?;
        run_command(
            Command::new(self.python_bin.join("pip"))
                .args(["check", "--disable-pip-version-check"]),
        )?;
        let scripts = work.join("scripts");
        run_command(
            Command::new(self.python_bin.join("python"))
                .arg(scripts.join("check_python.py"))
                .arg(generated)
                .arg(work.join("avro"))
                .arg(scripts.join("vectors.json"))
                .arg(work.join("filled.json")),
        )
    }

    fn node(&self, generated: &Path, work: &Path) -> Result<(), CrossCheckError> {
        // Type-check and compile the package as its own tsconfig says, and strict.
        let package = work.join("typescript-package");
        copy_dir(&generated.join("typescript"), &package)?;
        // With every example as a literal of its type: the types accept what serde writes.
        let (literals, count) = typescript_literals(generated)?;
        write(
            &package.join("src/examples_as_literals.ts"),
            literals.as_bytes(),
        )?;
        eprintln!("cross-check: tsc --strict: {count} example payloads as literals of their types");
        run_command(
            Command::new(self.node_dir.join("node_modules/.bin/tsc"))
                .arg("-p")
                .arg(package.join("tsconfig.json"))
                .arg("--strict"),
        )?;
        // Next to node_modules, so the script's imports resolve.
        let script = self.node_dir.join("check_node.mjs");
        write(&script, CHECK_NODE.as_bytes())?;
        run_command(
            Command::new("node")
                .current_dir(&self.node_dir)
                .arg(&script)
                .arg(generated)
                .arg(package.join("dist"))
                .arg(work.join("scripts/vectors.json")),
        )
    }
}

/// The options of `cross-check`.
#[derive(Debug, clap::Args)]
pub struct CrossCheckArgs {
    /// Output directories to check (repeatable; default: the project's output directory).
    #[arg(long = "generated")]
    pub generated: Vec<PathBuf>,
    /// Where the checkers are installed (default: `tidings-cross-check` in cargo's target
    /// directory).
    #[arg(long)]
    pub work_dir: Option<PathBuf>,
}

/// Cargo's target directory for the package at `root` (as `.cargo/config.toml` and
/// `CARGO_TARGET_DIR` set it), else `root/target`.
pub fn target_dir(root: &Path) -> PathBuf {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    Command::new(cargo)
        .current_dir(root)
        .args(["metadata", "--no-deps", "--format-version", "1"])
        .stderr(std::process::Stdio::null())
        .output()
        .ok()
        .filter(|output| output.status.success())
        .and_then(|output| serde_json::from_slice::<Value>(&output.stdout).ok())
        .and_then(|metadata| metadata["target_directory"].as_str().map(PathBuf::from))
        .unwrap_or_else(|| root.join("target"))
}

/// Installs the checkers and checks each directory in `generated`.
pub fn run(generated: &[PathBuf], work: &Path) -> Result<Checkers, CrossCheckError> {
    // Before installing anything: a wrong path fails at once.
    for dir in generated {
        require_output(dir)?;
    }
    let checkers = Checkers::install(work, &[])?;
    for (index, dir) in generated.iter().enumerate() {
        checkers.check(dir, &format!("catalogue-{index}"))?;
    }
    Ok(checkers)
}

/// What a virtual environment made by [`Checkers::install`] records: where it was made (its
/// scripts name their interpreter by absolute path, so a moved or copied one installs into the
/// original) and the packages asked for.
fn venv_stamp(venv: &Path, packages: &[&str]) -> String {
    std::iter::once(venv_location(venv))
        .chain(packages.iter().map(|p| (*p).to_owned()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The stamp's first line: where the environment was made.
fn venv_location(venv: &Path) -> String {
    format!("# {}", venv.display())
}

/// Whether the environment a stamp describes is at `venv` and holds every package in `wanted`.
fn venv_holds(stamp: &str, venv: &Path, wanted: &[&str]) -> bool {
    let mut lines = stamp.lines();
    lines.next() == Some(venv_location(venv).as_str()) && {
        let installed: Vec<&str> = lines.collect();
        wanted.iter().all(|package| installed.contains(package))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_checkers_environment_is_reused_only_where_it_was_made_and_with_every_package() {
        let here = Path::new("/work/a/venv");
        let stamp = venv_stamp(here, &["jsonschema", "pydantic"]);
        assert!(venv_holds(&stamp, here, &["pydantic"]));
        assert!(!venv_holds(&stamp, here, &["pydantic", "fastavro"]));
        assert!(!venv_holds(
            &stamp,
            Path::new("/work/b/venv"),
            &["pydantic"]
        ));
        // A stamp written before the location was recorded.
        assert!(!venv_holds("jsonschema\npydantic", here, &["pydantic"]));
    }
}
