//! `tidings compat` from the installed binary, which holds no catalogue: exit 0 compatible,
//! 1 incompatible with the rule and a witness, 2 unreadable input.

use std::path::PathBuf;
use std::process::Command;

fn write(dir: &std::path::Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn compat_gives_the_verdict_on_any_two_files_with_its_exit_code() {
    let dir = std::env::temp_dir().join(format!("tidings-compat-bin-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let old = write(
        &dir,
        "old.avsc",
        r#"{"type":"record","name":"Order","fields":[{"name":"id","type":"string"}]}"#,
    );
    let added_default = write(
        &dir,
        "added_default.avsc",
        r#"{"type":"record","name":"Order","fields":[{"name":"id","type":"string"},{"name":"note","type":"string","default":""}]}"#,
    );
    let added_required = write(
        &dir,
        "added_required.avsc",
        r#"{"type":"record","name":"Order","fields":[{"name":"id","type":"string"},{"name":"total","type":"long"}]}"#,
    );
    let broken = write(&dir, "broken.avsc", "{not json");
    let run = |old: &PathBuf, new: &PathBuf, extra: &[&str]| {
        let output = Command::new(env!("CARGO_BIN_EXE_tidings"))
            .arg("compat")
            .arg("--old")
            .arg(old)
            .arg("--new")
            .arg(new)
            .args(extra)
            .output()
            .unwrap();
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let (code, _, _) = run(&old, &added_default, &[]);
    assert_eq!(
        code,
        Some(0),
        "a field with a default is BACKWARD compatible"
    );
    let (code, out, _) = run(&old, &added_required, &["--format", "json"]);
    assert_eq!(code, Some(1), "{out}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(out.contains("total"), "the report names the field: {out}");
    assert!(report.is_object());
    let (code, _, _) = run(&added_required, &old, &["--mode", "forward"]);
    assert_eq!(
        code,
        Some(1),
        "FORWARD: a reader that requires `total` cannot read data written without it"
    );
    let (code, _, err) = run(&old, &broken, &[]);
    assert_eq!(code, Some(2));
    assert!(err.contains("broken.avsc"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn cross_check_of_a_folder_gen_did_not_write_says_so_before_installing_anything() {
    let dir = std::env::temp_dir().join(format!("tidings-cross-check-bin-{}", std::process::id()));
    let work = dir.join("work");
    std::fs::create_dir_all(dir.join("generated/examples")).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_tidings"))
        .arg("cross-check")
        .arg("--generated")
        .arg(dir.join("generated"))
        .arg("--work-dir")
        .arg(&work)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("schemas/avro: missing") && stderr.contains("run the project's `gen`"),
        "{stderr}"
    );
    assert!(!work.exists(), "nothing is installed for a wrong folder");
    std::fs::remove_dir_all(&dir).unwrap();
}
