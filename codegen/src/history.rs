//! The kept schema versions of every event: `history/<topic>/<n>.json` and `.avsc`.
//!
//! **When a version counts as released.** A revision is released once it is committed: every
//! commit must pass `cargo xtask gen --check`, so every schema that reaches the main branch is in
//! the history. `cargo xtask gen` appends the current schema of an event as revision `n + 1`
//! whenever it differs (JSON Schema or Avro, byte for byte) from the newest released revision.
//! A revision written by `gen` but not yet committed is a draft: the next `gen` replaces it rather
//! than appending after it, so regenerating while editing does not pile up versions.
//!
//! Revisions are never removed, also not when an event leaves the catalogue: consumers in other
//! languages, and the transitive compatibility modes, read them without a registry.

use std::collections::BTreeMap;
use std::path::Path;

use crate::sync::GeneratedFile;

/// Folder of the history inside the output directory.
pub const DIR: &str = "history";

/// One kept version of an event's schemas.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    /// 1-based revision number.
    pub number: u32,
    /// The JSON Schema file, as generated.
    pub json: String,
    /// The Avro file, as generated.
    pub avro: String,
}

/// Every kept revision, by topic.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History {
    /// Revisions by topic, oldest first.
    pub topics: BTreeMap<String, Vec<Revision>>,
}

/// A file under `history/` that does not belong there.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HistoryError {
    /// Not `history/<topic>/<n>.json|.avsc`.
    #[error("{0}: not a history file; expected history/<topic>/<number>.json or .avsc")]
    UnexpectedFile(String),
    /// A revision with only one of its two files.
    #[error("history/{topic}: revision {number} lacks its {missing} file")]
    Incomplete {
        /// The topic.
        topic: String,
        /// The revision.
        number: u32,
        /// `.json` or `.avsc`.
        missing: &'static str,
    },
}

/// Path of a revision file.
pub fn revision_path(topic: &str, number: u32, extension: &str) -> String {
    format!("{DIR}/{topic}/{number:04}.{extension}")
}

impl History {
    /// Reads the history from `(relative path, contents)` pairs of an output directory; files
    /// outside `history/` are ignored.
    pub fn from_files<'a>(
        files: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, HistoryError> {
        let mut partial: BTreeMap<(String, u32), (Option<String>, Option<String>)> =
            BTreeMap::new();
        for (path, contents) in files {
            let Some(rest) = path.strip_prefix(DIR).and_then(|r| r.strip_prefix('/')) else {
                continue;
            };
            let unexpected = || HistoryError::UnexpectedFile(path.to_owned());
            let (topic, file) = rest.split_once('/').ok_or_else(unexpected)?;
            let file = Path::new(file);
            let number: u32 = file
                .file_stem()
                .and_then(|s| s.to_str())
                .and_then(|s| s.parse().ok())
                .ok_or_else(unexpected)?;
            let entry = partial.entry((topic.to_owned(), number)).or_default();
            match file.extension().and_then(|e| e.to_str()) {
                Some("json") => entry.0 = Some(contents.to_owned()),
                Some("avsc") => entry.1 = Some(contents.to_owned()),
                _ => return Err(unexpected()),
            }
        }
        let mut history = Self::default();
        for ((topic, number), (json, avro)) in partial {
            let (json, avro) = match (json, avro) {
                (Some(json), Some(avro)) => (json, avro),
                (None, _) => {
                    return Err(HistoryError::Incomplete {
                        topic,
                        number,
                        missing: ".json",
                    });
                }
                (_, None) => {
                    return Err(HistoryError::Incomplete {
                        topic,
                        number,
                        missing: ".avsc",
                    });
                }
            };
            history
                .topics
                .entry(topic)
                .or_default()
                .push(Revision { number, json, avro });
        }
        Ok(history)
    }

    /// The revisions of `topic`, oldest first.
    pub fn revisions(&self, topic: &str) -> &[Revision] {
        self.topics.get(topic).map_or(&[], Vec::as_slice)
    }

    /// The history after this generation: every released revision, plus the current schemas of
    /// each event in `current` (`(topic, json, avro)`) as a new revision where they differ from
    /// the newest one.
    pub fn advance<'a>(
        &self,
        current: impl IntoIterator<Item = (&'a str, &'a str, &'a str)>,
    ) -> Self {
        let mut next = self.clone();
        for (topic, json, avro) in current {
            let revisions = next.topics.entry(topic.to_owned()).or_default();
            let unchanged = revisions
                .last()
                .is_some_and(|last| last.json == json && last.avro == avro);
            if !unchanged {
                let number = revisions.last().map_or(1, |last| last.number + 1);
                revisions.push(Revision {
                    number,
                    json: json.to_owned(),
                    avro: avro.to_owned(),
                });
            }
        }
        next
    }

    /// The files of this history.
    pub fn files(&self) -> Vec<GeneratedFile> {
        self.topics
            .iter()
            .flat_map(|(topic, revisions)| {
                revisions.iter().flat_map(move |revision| {
                    [
                        GeneratedFile {
                            path: revision_path(topic, revision.number, "json").into(),
                            contents: revision.json.clone(),
                        },
                        GeneratedFile {
                            path: revision_path(topic, revision.number, "avsc").into(),
                            contents: revision.avro.clone(),
                        },
                    ]
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appends_only_changed_schemas_and_reads_its_own_files_back() {
        let empty = History::default();
        let first = empty.advance([("t.v1", "{1}", "a1"), ("u.v1", "{u}", "au")]);
        assert_eq!(first.revisions("t.v1").len(), 1);
        let same = first.advance([("t.v1", "{1}", "a1"), ("u.v1", "{u}", "au")]);
        assert_eq!(same, first);
        let second = first.advance([("t.v1", "{2}", "a1"), ("u.v1", "{u}", "au")]);
        assert_eq!(
            second
                .revisions("t.v1")
                .iter()
                .map(|r| r.number)
                .collect::<Vec<_>>(),
            [1, 2]
        );
        assert_eq!(second.revisions("u.v1").len(), 1);

        let files = second.files();
        assert_eq!(files.len(), 6);
        assert!(
            files
                .iter()
                .any(|f| f.path == Path::new("history/t.v1/0002.json"))
        );
        let read = History::from_files(
            files
                .iter()
                .map(|f| (f.path.to_str().unwrap_or_default(), f.contents.as_str())),
        )
        .unwrap();
        assert_eq!(read, second);

        let incomplete = History::from_files([("history/t.v1/0001.json", "{}")]).unwrap_err();
        assert!(matches!(incomplete, HistoryError::Incomplete { .. }));
        let stray = History::from_files([("history/t.v1/notes.txt", "")]).unwrap_err();
        assert!(matches!(stray, HistoryError::UnexpectedFile(_)));
    }
}
