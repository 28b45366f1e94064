//! `cargo xtask cross-check`: generated/ checked by Python's and Node's own tools, and the
//! compatibility engine's verdicts and witnesses checked by Python's validators
//! (`tests/cross-language/check_compat.py`).

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

const PYTHON_PACKAGES: &[&str] = &[
    "jsonschema[format-nongpl]>=4.23",
    "fastavro>=1.9",
    "pydantic>=2.6,<3",
    "email-validator>=2",
    // hypothesis-jsonschema 0.23 does not run on hypothesis 6.131 and later.
    "hypothesis>=6.100,<6.131",
    "hypothesis-jsonschema>=0.23",
];

fn run_command(command: &mut Command) -> Result<(), String> {
    let shown = format!("{command:?}");
    eprintln!("cross-check: {shown}");
    let status = command
        .status()
        .map_err(|err| format!("cannot run {shown}: {err}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{shown} failed ({status})"))
    }
}

fn read_json(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path).map_err(|err| format!("{}: {err}", path.display()))?;
    serde_json::from_str(&text).map_err(|err| format!("{}: {err}", path.display()))
}

/// Writes the Avro datum of every example's payload to `out/<topic>.avro`.
fn write_avro(generated: &Path, out: &Path) -> Result<usize, String> {
    std::fs::create_dir_all(out).map_err(|err| format!("{}: {err}", out.display()))?;
    let mut count = 0;
    let examples = generated.join("examples");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&examples)
        .map_err(|err| format!("{}: {err}", examples.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .collect();
    paths.sort();
    for path in paths {
        let example = read_json(&path)?;
        let topic = example["topic"]
            .as_str()
            .ok_or_else(|| format!("{}: no topic", path.display()))?;
        let schema = read_json(&generated.join(format!("schemas/avro/{topic}.avsc")))?;
        let bytes = tidings_codegen::avro_datum::encode(&schema, &example["envelope"]["data"])
            .map_err(|err| format!("{topic}: {err}"))?;
        std::fs::write(out.join(format!("{topic}.avro")), bytes)
            .map_err(|err| format!("{}: {err}", out.display()))?;
        count += 1;
    }
    Ok(count)
}

/// A fresh virtual environment with the checkers: the packages must install from nothing.
fn python_environment(work: &Path) -> Result<PathBuf, String> {
    let venv = work.join("venv");
    let bin = venv.join("bin");
    let _ = std::fs::remove_dir_all(&venv);
    run_command(Command::new("python3").arg("-m").arg("venv").arg(&venv))?;
    run_command(
        Command::new(bin.join("pip"))
            .args(["install", "--quiet", "--disable-pip-version-check"])
            .args(PYTHON_PACKAGES),
    )?;
    Ok(bin)
}

/// Installs one catalogue's Python package into the environment and checks it.
fn python(root: &Path, generated: &Path, bin: &Path, work: &Path) -> Result<(), String> {
    // pip builds in the source tree; build from a copy so generated/ stays as generated.
    let package = work.join("python-package");
    let _ = std::fs::remove_dir_all(&package);
    copy_dir(&generated.join("python"), &package)?;
    run_command(
        Command::new(bin.join("pip"))
            .args([
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "--force-reinstall",
                "--no-deps",
            ])
            .arg(&package),
    )?;
    run_command(
        Command::new(bin.join("python"))
            .arg(root.join("tests/cross-language/check_python.py"))
            .arg(generated)
            .arg(work.join("avro"))
            .arg(root.join("docs/outbox/vectors.json")),
    )
}

/// The compatibility engine's verdicts and witnesses, checked with Python's own validators.
fn compat_corpus(root: &Path, bin: &Path, work: &Path) -> Result<(), String> {
    let corpus = work.join("compat-corpus.json");
    run_command(
        Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .current_dir(root)
            .args([
                "test",
                "--quiet",
                "-p",
                "tidings-codegen",
                "--test",
                "compat_corpus",
            ])
            .env("TIDINGS_COMPAT_CORPUS", &corpus),
    )?;
    run_command(
        Command::new(bin.join("python"))
            .arg(root.join("tests/cross-language/check_compat.py"))
            .arg(&corpus),
    )
}

fn copy_dir(from: &Path, to: &Path) -> Result<(), String> {
    let files = tidings_codegen::sync::read_tree(from)
        .map_err(|err| format!("{}: {err}", from.display()))?;
    for (path, contents) in files {
        let target = to.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|err| format!("{}: {err}", parent.display()))?;
        }
        std::fs::write(&target, contents).map_err(|err| format!("{}: {err}", target.display()))?;
    }
    Ok(())
}

const NODE_PACKAGES: &str = r#"{
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

/// Installs the Node checkers once into `work/node`.
fn node_environment(work: &Path) -> Result<PathBuf, String> {
    let dir = work.join("node");
    std::fs::create_dir_all(&dir).map_err(|err| format!("{}: {err}", dir.display()))?;
    let manifest = dir.join("package.json");
    if std::fs::read_to_string(&manifest).ok().as_deref() != Some(NODE_PACKAGES) {
        std::fs::write(&manifest, NODE_PACKAGES)
            .map_err(|err| format!("{}: {err}", manifest.display()))?;
    }
    run_command(Command::new("npm").current_dir(&dir).args([
        "install",
        "--no-audit",
        "--no-fund",
        "--loglevel=error",
    ]))?;
    Ok(dir)
}

/// Type-checks, compiles and checks one catalogue's TypeScript package.
fn node(root: &Path, generated: &Path, dir: &Path, name: &str) -> Result<(), String> {
    // Type-check and compile the generated package as its own tsconfig says (strict).
    let package = dir.join(format!("contracts-{name}"));
    let _ = std::fs::remove_dir_all(&package);
    copy_dir(&generated.join("typescript"), &package)?;
    run_command(
        Command::new(dir.join("node_modules/.bin/tsc"))
            .arg("-p")
            .arg(package.join("tsconfig.json"))
            .arg("--strict"),
    )?;
    let script = dir.join("check_node.mjs");
    std::fs::copy(root.join("tests/cross-language/check_node.mjs"), &script)
        .map_err(|err| format!("{}: {err}", script.display()))?;
    run_command(
        Command::new("node")
            .current_dir(dir)
            .arg(&script)
            .arg(generated)
            .arg(package.join("dist"))
            .arg(root.join("docs/outbox/vectors.json")),
    )
}

/// Checks each catalogue's output in `generated` (HuleEdu's `generated/` and the example
/// project's `tests/example/generated/` by default), then the compatibility engine.
pub fn run(root: &Path, generated: &[PathBuf]) -> Result<(), String> {
    let work = root.join("target/cross-language");
    let bin = python_environment(&work)?;
    let node_dir = node_environment(&work)?;
    for (index, dir) in generated.iter().enumerate() {
        let dir = root.join(dir);
        let name = format!("catalogue-{index}");
        let catalogue_work = work.join(&name);
        eprintln!("cross-check: {}", dir.display());
        let count = write_avro(&dir, &catalogue_work.join("avro"))?;
        eprintln!("cross-check: {count} Avro datums written by apache-avro");
        python(root, &dir, &bin, &catalogue_work)?;
        node(root, &dir, &node_dir, &name)?;
    }
    compat_corpus(root, &bin, &work)
}
