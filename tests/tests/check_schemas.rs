//! `cargo xtask check-schemas` and `cargo xtask compat` on a copy of the workspace whose contracts
//! are edited: each breaking change is reported at its Rust source line with exit 1, and a
//! compatible change passes with exit 0.
//!
//! The copy is built with its own target directory under target/ (the first build takes about a
//! minute; later edits rebuild only the contracts and xtask).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn main_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            if entry.file_name() != "target" {
                copy_dir(&entry.path(), &target);
            }
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The workspace, whose xtask builds only what `gen` and `check-schemas` need (the test crate and
/// the relay are in the copy for the workspace's sake, not built). The copies share one target directory (and so one `xtask` binary, which has its workspace's
/// path built in): one test at a time.
static ONE_COPY_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn copy_workspace(name: &str) -> PathBuf {
    let root = main_root();
    let copy = std::env::temp_dir().join(format!("tidings-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&copy);
    for dir in [
        "runtime",
        "macros",
        "contracts",
        "codegen",
        "xtask",
        "tests",
        "generated",
        ".cargo",
    ] {
        copy_dir(&root.join(dir), &copy.join(dir));
    }
    for file in [
        "Cargo.toml",
        "Cargo.lock",
        "rust-toolchain.toml",
        "tidings.toml",
    ] {
        std::fs::copy(root.join(file), copy.join(file)).unwrap();
    }
    copy
}

fn target_dir() -> PathBuf {
    main_root().join("target/check-schemas-copy")
}

fn xtask(copy: &Path, args: &[&str]) -> Output {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .current_dir(copy)
        .env("CARGO_TARGET_DIR", target_dir())
        .args(["run", "--quiet", "--package", "xtask", "--"])
        .args(args)
        .output()
        .unwrap();
    let code = output.status.code();
    assert!(
        code.is_some_and(|c| c <= 2),
        "xtask {args:?} crashed ({code:?}): {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} lacks {from:?}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// `path:line` of the first line of `path` (relative to `root`) that contains `needle`.
fn line_of(root: &Path, path: &str, needle: &str) -> String {
    let text = std::fs::read_to_string(root.join(path)).unwrap();
    let line = text
        .lines()
        .position(|line| line.contains(needle))
        .unwrap_or_else(|| panic!("{path} lacks {needle:?}"));
    format!("{path}:{}", line + 1)
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn breaking_changes_are_reported_at_their_source_and_compatible_ones_pass() {
    let _one = ONE_COPY_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let copy = copy_workspace("check-schemas");
    let baseline = main_root().join("generated");
    let baseline = baseline.to_str().unwrap();
    let cj = copy.join("contracts/src/cj_assessment.rs");
    let enums = copy.join("contracts/src/enums.rs");

    // The untouched copy is clean.
    let clean = xtask(&copy, &["check-schemas", "--baseline", baseline]);
    assert_eq!(clean.status.code(), Some(0), "{}", stdout(&clean));

    // Four breaking changes at once.
    edit(
        &cj,
        "    /// Bradley-Terry score for comparative ranking\n    pub bt_score: f64,\n",
        "",
    );
    edit(&cj, "    pub rank: i64,", "    pub rank: String,");
    edit(&enums, "    #[serde(rename = \"LOW\")]\n    Low,\n", "");
    edit(
        &cj,
        "topic = \"huleedu.assessment.result.published.v1\"",
        "topic = \"huleedu.assessment.results.published.v1\"",
    );
    let broken = xtask(&copy, &["check-schemas", "--baseline", baseline]);
    let report = stdout(&broken);
    println!("{report}");
    assert_eq!(broken.status.code(), Some(1), "{report}");

    let struct_line = line_of(
        &copy,
        "contracts/src/cj_assessment.rs",
        "pub struct EssayResultV1",
    );
    let rank_line = line_of(&copy, "contracts/src/cj_assessment.rs", "pub rank: String");
    let enum_line = line_of(&copy, "contracts/src/enums.rs", "pub enum ConfidenceLabel");
    let event_line = line_of(
        &copy,
        "contracts/src/cj_assessment.rs",
        "pub struct AssessmentResultV1",
    );
    let expected = [
        format!(
            "{struct_line}: AssessmentResultV1 essay_results[].bt_score: `bt_score` removed; the reader rejects data that still carries it (PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL, BACKWARD, json-schema)"
        ),
        format!(
            "{rank_line}: AssessmentResultV1 essay_results[].rank: integer → string (TYPE_CHANGED, BACKWARD, json-schema)"
        ),
        format!(
            "{rank_line}: AssessmentResultV1 essay_results[].rank: long → string (TYPE_MISMATCH, BACKWARD, avro)"
        ),
        format!(
            "{enum_line}: AssessmentResultV1 essay_results[].confidence_label: the reader lacks writer symbols `LOW` and has no enum default (MISSING_ENUM_SYMBOLS, BACKWARD, avro)"
        ),
    ];
    for line in &expected {
        assert!(
            report.lines().any(|l| l == line),
            "missing line:\n{line}\nin:\n{report}"
        );
    }
    let enum_json = report
        .lines()
        .find(|l| {
            l.starts_with(&format!(
                "{enum_line}: AssessmentResultV1 essay_results[].confidence_label"
            )) && l.contains("json-schema")
        })
        .unwrap_or_else(|| panic!("no JSON Schema finding for the enum in:\n{report}"));
    assert!(
        enum_json.contains("ENUM_ARRAY_NARROWED: removed \"LOW\""),
        "{enum_json}"
    );
    let topic = report
        .lines()
        .find(|l| l.contains("(TOPIC_CHANGED)"))
        .unwrap_or_else(|| panic!("no TOPIC_CHANGED in:\n{report}"));
    assert!(topic.starts_with(&format!("{event_line}: AssessmentResultV1: topic changed `huleedu.assessment.result.published.v1` → `huleedu.assessment.results.published.v1`")), "{topic}");
    assert!(
        report.contains("(DRIFT)"),
        "generated/ was not regenerated, so drift is reported"
    );

    let github = stdout(&xtask(
        &copy,
        &[
            "check-schemas",
            "--baseline",
            baseline,
            "--format",
            "github",
        ],
    ));
    let (file, line) = rank_line.split_once(':').unwrap();
    assert!(
        github.contains(&format!("::error file={file},line={line},title=TYPE_CHANGED::AssessmentResultV1 essay_results[].rank: integer → string")),
        "{github}"
    );
    let json = xtask(
        &copy,
        &["check-schemas", "--baseline", baseline, "--format", "json"],
    );
    let parsed: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert!(
        parsed["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "KEY_CHANGED" || f["code"] == "TOPIC_CHANGED")
    );
    assert_eq!(json.status.code(), Some(1));

    // Usage errors exit 2.
    let missing = xtask(&copy, &["check-schemas", "--baseline", "/nonexistent/dir"]);
    assert_eq!(missing.status.code(), Some(2));

    // Back to the original contracts, then one compatible change: an optional field.
    std::fs::remove_dir_all(copy.join("contracts")).unwrap();
    copy_dir(&main_root().join("contracts"), &copy.join("contracts"));
    edit(
        &cj,
        "    pub display_name: Option<String>,\n}",
        "    pub display_name: Option<String>,\n    /// Note left by a reviewer.\n    pub reviewer_note: Option<String>,\n}",
    );
    let generated = xtask(&copy, &["gen"]);
    assert_eq!(generated.status.code(), Some(0));
    let compatible = xtask(&copy, &["check-schemas", "--baseline", baseline]);
    assert_eq!(
        compatible.status.code(),
        Some(0),
        "{}{}",
        stdout(&compatible),
        String::from_utf8_lossy(&compatible.stderr)
    );

    // `compat` on two files: 0 compatible, 1 incompatible, 2 invalid.
    let old = baseline.to_owned() + "/schemas/json/huleedu.assessment.result.published.v1.json";
    let new = copy.join("generated/schemas/json/huleedu.assessment.result.published.v1.json");
    let new = new.to_str().unwrap();
    assert_eq!(
        xtask(&copy, &["compat", "--old", &old, "--new", new])
            .status
            .code(),
        Some(0)
    );
    let reversed = xtask(&copy, &["compat", "--old", new, "--new", &old]);
    assert_eq!(reversed.status.code(), Some(1), "{}", stdout(&reversed));
    assert!(stdout(&reversed).contains("reviewer_note PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL"));
    let old_avro =
        baseline.to_owned() + "/schemas/avro/huleedu.assessment.result.published.v1.avsc";
    let new_avro = copy.join("generated/schemas/avro/huleedu.assessment.result.published.v1.avsc");
    let full = xtask(
        &copy,
        &[
            "compat",
            "--old",
            &old_avro,
            "--new",
            new_avro.to_str().unwrap(),
            "--mode",
            "full",
            "--format",
            "json",
        ],
    );
    assert_eq!(full.status.code(), Some(0), "{}", stdout(&full));
    let garbage = copy.join("garbage.json");
    std::fs::write(&garbage, "{ not json").unwrap();
    let invalid = xtask(
        &copy,
        &["compat", "--old", &old, "--new", garbage.to_str().unwrap()],
    );
    assert_eq!(invalid.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&invalid.stderr).contains("not valid JSON"));
    let mixed = xtask(
        &copy,
        &["compat", "--old", &old, "--new", new_avro.to_str().unwrap()],
    );
    assert_eq!(mixed.status.code(), Some(2));

    std::fs::remove_dir_all(&copy).unwrap();
}

fn git(dir: &Path, args: &[&str]) {
    let output = Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=tidings",
            "-c",
            "user.email=ci@tidings.invalid",
        ])
        .args(args)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The way CI runs the check: no flags, after a breaking change was committed together with the
/// regenerated generated/ (as `gen --check` demands). It must fail on a branch (the baseline is
/// the merge-base with main) and on main itself (the released history's own chain).
#[test]
fn a_breaking_change_committed_with_its_regenerated_schemas_fails_the_default_check() {
    let _one = ONE_COPY_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let copy = copy_workspace("committed-break");
    git(&copy, &["init", "--quiet", "--initial-branch", "main"]);
    git(&copy, &["add", "--all"]);
    git(&copy, &["commit", "--quiet", "--message", "catalogue"]);
    let clean = xtask(&copy, &["check-schemas", "--format", "github"]);
    assert_eq!(
        clean.status.code(),
        Some(0),
        "{}{}",
        stdout(&clean),
        String::from_utf8_lossy(&clean.stderr)
    );

    let cj = copy.join("contracts/src/cj_assessment.rs");
    let rank_line = line_of(&copy, "contracts/src/cj_assessment.rs", "pub rank: i64");
    let (file, line) = rank_line.split_once(':').unwrap();
    let expected = format!("::error file={file},line={line},title=TYPE_CHANGED::");
    for branch in ["feature", "main"] {
        if branch == "feature" {
            git(&copy, &["checkout", "--quiet", "-b", "feature"]);
        } else {
            git(&copy, &["checkout", "--quiet", "main"]);
        }
        edit(&cj, "    pub rank: i64,", "    pub rank: String,");
        let generated = xtask(&copy, &["gen"]);
        assert_eq!(generated.status.code(), Some(0));
        git(
            &copy,
            &["commit", "--quiet", "--all", "--message", "rank as text"],
        );
        let regenerated = xtask(&copy, &["gen", "--check"]);
        assert_eq!(regenerated.status.code(), Some(0), "generated/ is current");

        let checked = xtask(&copy, &["check-schemas", "--format", "github"]);
        let report = stdout(&checked);
        assert_eq!(checked.status.code(), Some(1), "on {branch}:\n{report}");
        assert!(
            report.lines().any(|l| l.starts_with(&expected)),
            "on {branch}: no `{expected}` in:\n{report}"
        );
        if branch == "feature" {
            git(&copy, &["checkout", "--quiet", "main"]);
            git(&copy, &["merge", "--quiet", "--ff-only", "feature"]);
            let merged = xtask(&copy, &["check-schemas", "--format", "github"]);
            assert_eq!(merged.status.code(), Some(1), "{}", stdout(&merged));
            git(&copy, &["reset", "--quiet", "--hard", "HEAD~1"]);
        }
    }
    std::fs::remove_dir_all(&copy).unwrap();
}
