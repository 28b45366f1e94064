//! Locating the HuleEdu reference spec (`shared/reference/huleedu`, beside the project).

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use serde_json::Value;

/// The reference directory: `$HULEEDU_REFERENCE_DIR`, or `../shared/reference/huleedu` from the
/// workspace root.
pub fn reference_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("HULEEDU_REFERENCE_DIR") {
        return PathBuf::from(dir);
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/reference/huleedu")
}

/// Reads a JSON file below the reference directory.
pub fn read_json(relative: &str) -> Value {
    let path = reference_dir().join(relative);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|err| {
        panic!(
            "cannot read {}: {err}; set HULEEDU_REFERENCE_DIR to the reference spec",
            path.display()
        )
    });
    serde_json::from_str(&text)
        .unwrap_or_else(|err| panic!("{} is not JSON: {err}", path.display()))
}

/// The keys of a JSON object, in order.
pub fn keys(value: &Value) -> Vec<String> {
    value
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

/// One row of events.tsv.
#[derive(Debug, Clone)]
pub struct EventRow {
    pub member: String,
    pub value: String,
    pub topic: String,
    /// The Python class name, without its module; `None` for `-`.
    pub payload_class: Option<String>,
}

/// The rows of events.tsv, in file order.
pub fn events_tsv() -> Vec<EventRow> {
    let path = reference_dir().join("events.tsv");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
    text.lines()
        .skip(1)
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let cells: Vec<&str> = line.split('\t').collect();
            EventRow {
                member: cells[0].to_owned(),
                value: cells[1].to_owned(),
                topic: cells[2].to_owned(),
                payload_class: (cells[3] != "-")
                    .then(|| cells[3].rsplit('.').next().unwrap_or_default().to_owned()),
            }
        })
        .collect()
}

/// Asserts that two JSON values have the same keys in the same order, at every depth.
pub fn assert_same_key_order(written: &Value, original: &Value, at: &str) {
    assert_eq!(keys(written), keys(original), "key order differs at {at}");
    match (written, original) {
        (Value::Object(w), Value::Object(o)) => {
            for (key, value) in o {
                assert_same_key_order(&w[key], value, &format!("{at}.{key}"));
            }
        }
        (Value::Array(w), Value::Array(o)) => {
            for (i, (wv, ov)) in w.iter().zip(o).enumerate() {
                assert_same_key_order(wv, ov, &format!("{at}[{i}]"));
            }
        }
        _ => {}
    }
}

/// The JSON files directly inside a folder of the reference, sorted.
pub fn json_files(relative: &str) -> Vec<PathBuf> {
    let dir = reference_dir().join(relative);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|err| panic!("cannot list {}: {err}", dir.display()))
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    files
}
