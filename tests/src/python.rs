//! Python virtual environments for tests and benchmarks, with packages from PyPI and, when asked,
//! the generated package installed from a copy of `generated/python` (as a user installs it).

use std::path::{Path, PathBuf};
use std::process::Command;

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_owned)
        .unwrap_or_default()
}

/// Runs `command`; its stderr is the error when it fails.
pub(crate) fn run(command: &mut Command) -> Result<(), String> {
    let output = command
        .output()
        .map_err(|err| format!("cannot run {command:?}: {err}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{command:?} failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

fn copy_dir(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::create_dir_all(to).map_err(|err| err.to_string())?;
    for entry in std::fs::read_dir(from).map_err(|err| err.to_string())? {
        let entry = entry.map_err(|err| err.to_string())?;
        let target = to.join(entry.file_name());
        if entry.file_type().map_err(|err| err.to_string())?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), target).map_err(|err| err.to_string())?;
        }
    }
    Ok(())
}

/// `target/<name>/venv` with `packages` (pinned specifiers), made again only when the list
/// changes; with `generated`, the generated package freshly installed. Returns its `python`.
pub fn environment(name: &str, packages: &[&str], generated: bool) -> Result<PathBuf, String> {
    let work = workspace_root().join("target").join(name);
    let venv = work.join("venv");
    let marker = venv.join(
        packages
            .join(" ")
            .replace(['=', ' ', '[', ']', '<', '>'], "_"),
    );
    if !marker.exists() {
        let _ = std::fs::remove_dir_all(&venv);
        run(Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
        if !packages.is_empty() {
            run(Command::new(venv.join("bin/pip"))
                .args(["install", "--quiet", "--disable-pip-version-check"])
                .args(packages))?;
        }
        std::fs::write(&marker, "").map_err(|err| err.to_string())?;
    }
    if generated {
        // pip builds in the source tree; build from a copy so generated/ stays as generated.
        let package = work.join("package");
        let _ = std::fs::remove_dir_all(&package);
        copy_dir(&workspace_root().join("generated/python"), &package)?;
        run(Command::new(venv.join("bin/pip"))
            .args(["install", "--quiet", "--disable-pip-version-check"])
            .args(["--force-reinstall", "--no-deps"])
            .arg(&package))?;
    }
    Ok(venv.join("bin/python"))
}
