//! `cargo xtask cross-check`: HuleEdu's output checked as any project's is
//! (`tidings_cli::cross_check`), then the shape zoo's output with its generated values
//! (`tests/tests/shape_zoo.rs`), then the compatibility engine's verdicts and witnesses checked
//! by Python's validators (`tests/cross-language/check_compat.py`).

use std::path::Path;
use std::process::Command;

use tidings_cli::cross_check::{Checkers, CrossCheckArgs, CrossCheckError, run_command};
use tidings_cli::project::{CONFIG_FILE, Project};

/// What check_compat.py needs beyond the catalogue checkers.
const COMPAT_CHECKERS: &[&str] = &[
    // hypothesis-jsonschema 0.23 does not run on hypothesis 6.131 and later.
    "hypothesis>=6.100,<6.131",
    "hypothesis-jsonschema>=0.23",
];

/// Checks each output directory (default: HuleEdu's), then the shape zoo, then the
/// compatibility engine.
pub fn run(root: &Path, args: CrossCheckArgs) -> Result<(), CrossCheckError> {
    let project = Project::load(root.join(CONFIG_FILE)).map_err(|err| CrossCheckError::Io {
        path: root.join(CONFIG_FILE),
        source: std::io::Error::other(err.to_string()),
    })?;
    let work = args
        .work_dir
        .unwrap_or_else(|| project.cross_check_work_dir());
    let generated = if args.generated.is_empty() {
        vec![project.out()]
    } else {
        args.generated
    };
    for dir in &generated {
        tidings_cli::cross_check::require_output(&root.join(dir))?;
    }
    let checkers = Checkers::install(&work, COMPAT_CHECKERS)?;
    for (index, dir) in generated.iter().enumerate() {
        checkers.check(&root.join(dir), &format!("catalogue-{index}"))?;
    }
    // The zoo's test writes its output and the values it generated (and checked in Rust); the
    // same checkers then check them as a catalogue's.
    let zoo = work.join("shape-zoo-output");
    run_command(&mut cargo_test(
        root,
        "tidings-tests",
        "shape_zoo",
        "TIDINGS_ZOO_OUT",
        &zoo,
    ))?;
    checkers.check(&zoo, "shape-zoo")?;
    let corpus = work.join("compat-corpus.json");
    run_command(&mut cargo_test(
        root,
        "tidings-codegen",
        "compat_corpus",
        "TIDINGS_COMPAT_CORPUS",
        &corpus,
    ))?;
    run_command(
        Command::new(checkers.python_bin().join("python"))
            .arg(root.join("tests/cross-language/check_compat.py"))
            .arg(&corpus),
    )
}

/// `cargo test` of one test target of `package`, with `variable` set to `path` (where the test
/// writes what the Python checks read).
fn cargo_test(root: &Path, package: &str, test: &str, variable: &str, path: &Path) -> Command {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command
        .current_dir(root)
        .args(["test", "--quiet", "-p", package, "--test", test])
        .env(variable, path);
    command
}
