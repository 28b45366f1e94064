//! Reading committed files through the `git` command line.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// Paths of the files under `dir` (relative to it) as committed at `reference`; `None` when `dir`
/// is not inside a git checkout or git is unavailable.
pub fn committed_paths(dir: &Path, reference: &str) -> Option<Vec<String>> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["ls-tree", "-r", "-z", "--name-only", reference, "."])
        .stderr(Stdio::null())
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    Some(
        output
            .stdout
            .split(|byte| *byte == 0)
            .filter(|path| !path.is_empty())
            .map(|path| String::from_utf8_lossy(path).into_owned())
            .collect(),
    )
}

/// The files under `dir` as committed at `reference`: `(path relative to dir, contents)`.
pub fn committed_files(dir: &Path, reference: &str) -> Result<Vec<(String, String)>, String> {
    let paths = committed_paths(dir, reference).ok_or_else(|| {
        format!(
            "cannot list {} at `{reference}`: not a git checkout, or no such revision",
            dir.display()
        )
    })?;
    let mut child = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|err| format!("cannot run git: {err}"))?;
    let mut request = String::new();
    for path in &paths {
        request.push_str(&format!("{reference}:./{path}\n"));
    }
    let mut stdin = child.stdin.take().ok_or("git cat-file has no stdin")?;
    let writer = std::thread::spawn(move || stdin.write_all(request.as_bytes()));
    let output = child
        .wait_with_output()
        .map_err(|err| format!("git cat-file failed: {err}"))?;
    writer
        .join()
        .map_err(|_| "git cat-file writer panicked".to_owned())?
        .map_err(|err| format!("git cat-file: {err}"))?;
    let mut rest = output.stdout.as_slice();
    let mut files = Vec::new();
    for path in paths {
        let newline = rest
            .iter()
            .position(|b| *b == b'\n')
            .ok_or("truncated git cat-file output")?;
        let header = String::from_utf8_lossy(&rest[..newline]).into_owned();
        rest = &rest[newline + 1..];
        let size: usize = header
            .rsplit(' ')
            .next()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| format!("git cat-file: unexpected header `{header}` for {path}"))?;
        if rest.len() < size + 1 {
            return Err("truncated git cat-file output".into());
        }
        files.push((path, String::from_utf8_lossy(&rest[..size]).into_owned()));
        rest = &rest[size + 1..];
    }
    Ok(files)
}

/// The revision `check-schemas` compares with by default: where the current branch left the main
/// branch (`git merge-base HEAD <main>`), the main branch being the first of `origin/HEAD`,
/// `origin/main`, `origin/master`, `main` and `master` that exists. On the main branch itself
/// that is `HEAD`, and the released history's own chain catches a breaking change committed
/// together with its regenerated schemas. `HEAD` when there is no main branch.
pub fn default_baseline(dir: &Path) -> String {
    let git = |args: &[&str]| -> Option<String> {
        let output = Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .stderr(Stdio::null())
            .output()
            .ok()?;
        output
            .status
            .success()
            .then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
            .filter(|text| !text.is_empty())
    };
    [
        "origin/HEAD",
        "origin/main",
        "origin/master",
        "main",
        "master",
    ]
    .iter()
    .find_map(|branch| git(&["merge-base", "HEAD", branch]))
    .unwrap_or_else(|| "HEAD".to_owned())
}
