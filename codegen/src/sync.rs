//! Writing generated files, and checking that committed ones are current.

use std::collections::BTreeSet;
use std::io;
use std::path::{Path, PathBuf};

/// One generated file: a path relative to the output directory, and its full contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Relative path, `/`-separated.
    pub path: PathBuf,
    /// Contents, ending in a newline.
    pub contents: String,
}

/// How a committed file differs from what the contracts generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Staleness {
    /// Generated, but not on disk.
    Missing,
    /// On disk with other contents.
    Outdated,
    /// On disk in a generated folder, but no longer generated.
    Orphaned,
}

/// A file that `cargo xtask gen` would change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaleFile {
    /// Relative path.
    pub path: PathBuf,
    /// How it differs.
    pub staleness: Staleness,
}

/// Compares `files` with the contents of `dir`. Files under `dir` that are not generated count as
/// orphaned, except those listed in `keep` (hand-written files such as a README).
pub fn check(dir: &Path, files: &[GeneratedFile], keep: &[&str]) -> io::Result<Vec<StaleFile>> {
    let mut stale = Vec::new();
    for file in files {
        match std::fs::read_to_string(dir.join(&file.path)) {
            Ok(current) if current == file.contents => {}
            Ok(_) => stale.push(StaleFile {
                path: file.path.clone(),
                staleness: Staleness::Outdated,
            }),
            Err(err) if err.kind() == io::ErrorKind::NotFound => {
                stale.push(StaleFile {
                    path: file.path.clone(),
                    staleness: Staleness::Missing,
                });
            }
            Err(err) => return Err(err),
        }
    }
    let generated: BTreeSet<&Path> = files.iter().map(|f| f.path.as_path()).collect();
    for existing in list_files(dir)? {
        let relative = existing
            .strip_prefix(dir)
            .unwrap_or(&existing)
            .to_path_buf();
        let kept = keep.iter().any(|k| relative == Path::new(k));
        if !kept && !generated.contains(relative.as_path()) {
            stale.push(StaleFile {
                path: relative,
                staleness: Staleness::Orphaned,
            });
        }
    }
    stale.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(stale)
}

/// Writes `files` under `dir` and removes generated files that are no longer produced. Each file is
/// written to a temporary sibling and renamed, so a reader never sees half a file.
pub fn write(dir: &Path, files: &[GeneratedFile], keep: &[&str]) -> io::Result<Vec<StaleFile>> {
    let changes = check(dir, files, keep)?;
    for change in &changes {
        let target = dir.join(&change.path);
        match change.staleness {
            Staleness::Orphaned => std::fs::remove_file(&target)?,
            Staleness::Missing | Staleness::Outdated => {
                let contents = files
                    .iter()
                    .find(|f| f.path == change.path)
                    .map(|f| f.contents.as_bytes())
                    .unwrap_or_default();
                if let Some(parent) = target.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                let temporary = target.with_extension("tmp~");
                std::fs::write(&temporary, contents)?;
                std::fs::rename(&temporary, &target)?;
            }
        }
    }
    remove_empty_dirs(dir)?;
    Ok(changes)
}

/// Every file under `dir`, as `(path relative to dir, contents)`, sorted. Empty when `dir` does not
/// exist.
pub fn read_tree(dir: &Path) -> io::Result<Vec<(String, String)>> {
    list_files(dir)?
        .into_iter()
        .map(|path| {
            let relative = path
                .strip_prefix(dir)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            Ok((relative, std::fs::read_to_string(&path)?))
        })
        .collect()
}

/// Folders that package tools create inside the generated packages (`pip install`,
/// `python -m build`, `npm install`, `npm run build`, bytecode caches). They are never generated,
/// so they are neither checked nor removed.
const BUILD_ARTEFACTS: &[&str] = &[
    "build",
    "dist",
    "node_modules",
    "__pycache__",
    ".venv",
    ".pytest_cache",
    ".mypy_cache",
    ".tox",
];

/// Files that package tools write next to the generated ones (`npm install`'s lock file, the
/// TypeScript compiler's incremental state). Like the folders above, never checked nor removed.
const TOOL_FILES: &[&str] = &[
    "package-lock.json",
    "npm-shrinkwrap.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "tsconfig.tsbuildinfo",
];

fn is_tool_file(file: &Path) -> bool {
    file.file_name()
        .and_then(|name| name.to_str())
        .is_some_and(|name| TOOL_FILES.contains(&name) || name.ends_with(".tsbuildinfo"))
}

fn is_build_artefact(folder: &Path) -> bool {
    folder
        .file_name()
        .and_then(|name| name.to_str())
        .is_some_and(|name| BUILD_ARTEFACTS.contains(&name) || name.ends_with(".egg-info"))
}

fn list_files(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    if !dir.exists() {
        return Ok(found);
    }
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        for entry in std::fs::read_dir(&current)? {
            let entry = entry?;
            let path = entry.path();
            if entry.file_type()?.is_dir() {
                if !is_build_artefact(&path) {
                    pending.push(path);
                }
            } else if !is_tool_file(&path) {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}

fn remove_empty_dirs(dir: &Path) -> io::Result<()> {
    if !dir.is_dir() {
        return Ok(());
    }
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() && !is_build_artefact(&path) {
            remove_empty_dirs(&path)?;
            if std::fs::read_dir(&path)?.next().is_none() {
                std::fs::remove_dir(&path)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, contents: &str) -> GeneratedFile {
        GeneratedFile {
            path: path.into(),
            contents: contents.into(),
        }
    }

    #[test]
    fn build_artefacts_of_package_tools_are_neither_stale_nor_removed() {
        let dir =
            std::env::temp_dir().join(format!("tidings-sync-artefacts-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let files = [file("python/pyproject.toml", "[project]\n")];
        write(&dir, &files, &[]).unwrap();
        for artefact in [
            "python/build/lib/pkg/models.py",
            "python/shop_contracts.egg-info/PKG-INFO",
            "python/pkg/__pycache__/models.cpython-311.pyc",
            "typescript/dist/index.js",
            "typescript/node_modules/typescript/package.json",
            "typescript/package-lock.json",
            "typescript/yarn.lock",
            "typescript/tsconfig.tsbuildinfo",
        ] {
            let path = dir.join(artefact);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, "built").unwrap();
        }
        assert_eq!(check(&dir, &files, &[]).unwrap(), Vec::new());
        write(&dir, &files, &[]).unwrap();
        assert!(dir.join("python/build/lib/pkg/models.py").exists());
        assert!(dir.join("typescript/package-lock.json").exists());
        assert!(
            dir.join("typescript/node_modules/typescript/package.json")
                .exists()
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn check_reports_missing_outdated_and_orphaned_then_write_fixes_all() {
        let dir = std::env::temp_dir().join(format!("tidings-sync-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("schemas/old")).unwrap();
        std::fs::write(dir.join("schemas/a.json"), "old\n").unwrap();
        std::fs::write(dir.join("schemas/old/gone.json"), "x\n").unwrap();
        std::fs::write(dir.join("README.md"), "hand-written\n").unwrap();
        let files = [
            file("schemas/a.json", "new\n"),
            file("schemas/b.json", "b\n"),
        ];

        let stale = check(&dir, &files, &["README.md"]).unwrap();
        let summary: Vec<(String, Staleness)> = stale
            .iter()
            .map(|s| (s.path.display().to_string(), s.staleness))
            .collect();
        assert_eq!(
            summary,
            [
                ("schemas/a.json".into(), Staleness::Outdated),
                ("schemas/b.json".into(), Staleness::Missing),
                ("schemas/old/gone.json".into(), Staleness::Orphaned),
            ]
        );

        write(&dir, &files, &["README.md"]).unwrap();
        assert!(check(&dir, &files, &["README.md"]).unwrap().is_empty());
        assert!(!dir.join("schemas/old").exists());
        assert_eq!(
            std::fs::read_to_string(dir.join("README.md")).unwrap(),
            "hand-written\n"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
