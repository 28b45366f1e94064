//! Snapshots of every emitter's output for a small fixture catalogue: two events, a nested type,
//! an enum, an optional field, a constraint, a cross-field rule, a derived default, declared topic configuration and a
//! UUID key.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tidings::Event;
use tidings_codegen::{CatalogModel, History};

/// Letter grade of an essay.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub enum Grade {
    /// Top grade.
    A,
    /// Second grade.
    B,
}

/// Where a score came from: a model or a person, not both.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(transform = tidings::rules::exactly_one_of(&["model", "reviewer"]))]
#[schemars(transform = tidings::rules::filled_from("label", &["model", "reviewer"]))]
pub struct Origin {
    /// Model that produced the score.
    pub model: Option<String>,
    /// Person who scored it.
    pub reviewer: Option<String>,
    /// How the origin is shown; the model or the reviewer when left out.
    #[serde(default)]
    pub label: Option<String>,
}

/// An essay was scored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "essay.scored",
    topic = "demo.essay.scored.v1",
    version = 1,
    key = essay_id,
    cleanup_policy = "compact,delete",
    retention_ms = 604800000
)]
pub struct EssayScoredV1 {
    /// The essay.
    pub essay_id: String,
    /// Normalised score.
    #[schemars(range(min = 0.0, max = 1.0))]
    pub score: f64,
    /// The grade.
    pub grade: Grade,
    /// Free-text note, if any.
    pub note: Option<String>,
    /// Who scored it.
    pub origin: Origin,
}

/// A class was created.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "class.created",
    topic = "demo.class.created.v1",
    version = 1,
    key = class_id
)]
pub struct ClassCreatedV1 {
    /// The class.
    pub class_id: uuid::Uuid,
    /// Display name.
    #[schemars(length(min = 1, max = 80))]
    pub name: String,
    /// Labels.
    #[serde(default)]
    pub tags: Vec<String>,
}

tidings::catalogue! {
    /// The fixture catalogue.
    pub enum DemoEvent {
        EssayScored => EssayScoredV1,
        ClassCreated => ClassCreatedV1,
    }
}

#[test]
fn every_emitter_matches_its_snapshot() {
    let model = CatalogModel::of::<DemoEventPayload>("Demo").expect("fixture contracts build");
    let files = tidings_codegen::generate(&model, &History::default()).expect("templates render");
    let paths: Vec<String> = files.iter().map(|f| f.path.display().to_string()).collect();
    insta::assert_debug_snapshot!("file_list", paths);
    for file in &files {
        let name = file.path.display().to_string().replace(['/', '.'], "_");
        insta::assert_snapshot!(name, file.contents);
    }
}

/// A project's own names, version, licence, description, contact, servers and command reach every
/// file that carries them, and nothing of the defaults is left where one was set.
#[test]
fn project_settings_reach_the_packages_and_the_asyncapi_document() {
    use tidings_codegen::{AsyncApiServer, ProjectSettings};
    let project = ProjectSettings {
        version: "2.3.0".into(),
        license: Some("Apache-2.0".into()),
        description: Some("Orders \"and\" payments.".into()),
        python_package: "shop_events".into(),
        npm_package: "@acme/shop-events".into(),
        generate_command: "cargo run -p shop-xtask -- gen".into(),
        contact: Some("Shop platform team".into()),
        servers: vec![AsyncApiServer {
            name: "production".into(),
            host: "kafka.shop.internal:9093".into(),
            protocol: "kafka-secure".into(),
            description: Some("TLS and SCRAM".into()),
        }],
    };
    let model = CatalogModel::of::<DemoEventPayload>("Demo")
        .expect("fixture contracts build")
        .with_project(project);
    let files = tidings_codegen::generate(&model, &History::default()).expect("templates render");
    let file = |path: &str| {
        files
            .iter()
            .find(|f| f.path.display().to_string() == path)
            .map(|f| f.contents.clone())
            .unwrap_or_else(|| panic!("{path} is generated"))
    };
    assert!(
        files
            .iter()
            .any(|f| f.path.starts_with("python/shop_events"))
    );
    let pyproject = file("python/pyproject.toml");
    assert!(pyproject.contains("name = \"shop-events\""), "{pyproject}");
    assert!(pyproject.contains("version = \"2.3.0\""), "{pyproject}");
    assert!(
        pyproject.contains("license = \"Apache-2.0\""),
        "{pyproject}"
    );
    assert!(
        pyproject.contains(r#"Orders \"and\" payments."#),
        "{pyproject}"
    );
    let package: serde_json::Value =
        serde_json::from_str(&file("typescript/package.json")).expect("package.json is JSON");
    assert_eq!(package["name"], "@acme/shop-events");
    assert_eq!(package["version"], "2.3.0");
    assert_eq!(package["license"], "Apache-2.0");
    assert!(
        package["description"]
            .as_str()
            .is_some_and(|d| d.starts_with("Orders \"and\" payments."))
    );
    let asyncapi = file("asyncapi.yaml");
    let document: serde_json::Value =
        serde_norway::from_str(&asyncapi).expect("asyncapi.yaml is YAML");
    assert_eq!(document["info"]["version"], "2.3.0");
    assert_eq!(document["info"]["license"]["name"], "Apache-2.0");
    assert_eq!(document["info"]["contact"]["name"], "Shop platform team");
    assert_eq!(
        document["servers"]["production"]["host"],
        "kafka.shop.internal:9093"
    );
    assert!(document["servers"].get("kafka").is_none(), "no placeholder");
    for generated in &files {
        assert!(
            !generated.contents.contains("cargo xtask gen"),
            "{} names the default command",
            generated.path.display()
        );
    }
    assert!(asyncapi.contains("Generated by `cargo run -p shop-xtask -- gen`"));
}

mod check_schemas {
    use super::*;
    use tidings_codegen::check::{
        AcceptedBreak, Baseline, CheckInput, Finding, Severity, check_schemas,
    };
    use tidings_codegen::compat::Policy;
    use tidings_codegen::source::SourceIndex;

    fn baseline(model: &CatalogModel) -> Baseline {
        Baseline {
            files: tidings_codegen::generate(model, &History::default())
                .expect("templates render")
                .into_iter()
                .map(|f| (f.path.display().to_string(), f.contents))
                .collect(),
        }
    }

    fn run(model: &CatalogModel, baseline: &Baseline) -> Vec<Finding> {
        run_accepting(model, baseline, &[])
    }

    fn run_accepting(
        model: &CatalogModel,
        baseline: &Baseline,
        accepted: &[AcceptedBreak],
    ) -> Vec<Finding> {
        check_schemas(&CheckInput {
            model,
            baseline,
            drift: &[],
            sources: &SourceIndex::default(),
            policy: Policy::Strict,
            accepted,
        })
        .expect("baseline reads")
    }

    /// A break accepted for the revision that brings it is a notice with the reason, in the
    /// branch (current schema = the next revision) and once released (the history's chain); the
    /// same break under another revision number, or another topic, stays an error.
    #[test]
    fn an_accepted_break_is_a_notice_only_for_its_topic_and_revision() {
        let released = model();
        let mut next = model();
        next.events[0].json_schema["properties"]["score"]["type"] = "string".into();
        let topic = next.events[0].topic.clone();
        let accept = |topic: &str, revision| AcceptedBreak {
            topic: topic.to_owned(),
            revision,
            reason: "coordinated with every consumer".into(),
        };
        let before = run(&next, &baseline(&released));
        assert!(!codes(&before, Severity::Error).is_empty(), "{before:#?}");
        // The baseline holds revision 1 only (no history): the change is revision 2.
        let findings = run_accepting(&next, &baseline(&released), &[accept(&topic, 2)]);
        assert!(
            codes(&findings, Severity::Error).is_empty(),
            "{findings:#?}"
        );
        let noted: Vec<&Finding> = findings
            .iter()
            .filter(|f| {
                f.context
                    .iter()
                    .any(|c| c.contains("coordinated with every consumer"))
            })
            .collect();
        assert_eq!(
            noted.len(),
            codes(&before, Severity::Error).len(),
            "{findings:#?}"
        );
        assert!(noted.iter().all(|f| f.severity == Severity::Notice));
        for wrong in [accept(&topic, 3), accept("demo.other.v1", 2)] {
            let findings = run_accepting(&next, &baseline(&released), &[wrong]);
            assert_eq!(
                codes(&findings, Severity::Error),
                codes(&before, Severity::Error)
            );
        }
        // Released: the history holds revisions 1 and 2, the baseline is that history.
        let mut history = History::default();
        for model in [&released, &next] {
            let files = tidings_codegen::generate(model, &history).expect("templates render");
            let paths: Vec<(String, &str)> = files
                .iter()
                .map(|f| (f.path.display().to_string(), f.contents.as_str()))
                .collect();
            history = History::from_files(paths.iter().map(|(p, c)| (p.as_str(), *c)))
                .expect("the generated history reads back");
        }
        let with_history = Baseline {
            files: tidings_codegen::generate(&next, &history)
                .expect("templates render")
                .into_iter()
                .map(|f| (f.path.display().to_string(), f.contents))
                .collect(),
        };
        let chain = run(&next, &with_history);
        assert!(
            chain.iter().any(|f| f.severity == Severity::Error
                && f.context
                    .iter()
                    .any(|c| c.starts_with("released revision 2"))),
            "{chain:#?}"
        );
        let chain = run_accepting(&next, &with_history, &[accept(&topic, 2)]);
        assert!(codes(&chain, Severity::Error).is_empty(), "{chain:#?}");
    }

    fn codes(findings: &[Finding], severity: Severity) -> Vec<String> {
        findings
            .iter()
            .filter(|f| f.severity == severity)
            .map(|f| f.code.clone())
            .collect()
    }

    fn model() -> CatalogModel {
        CatalogModel::of::<DemoEventPayload>("Demo").expect("fixture contracts build")
    }

    #[test]
    fn an_unchanged_catalogue_is_clean() {
        let model = model();
        let findings = run(&model, &baseline(&model));
        assert!(
            codes(&findings, Severity::Error).is_empty(),
            "{findings:#?}"
        );
        assert!(codes(&findings, Severity::Warning).is_empty());
    }

    #[test]
    fn a_new_major_version_is_a_new_topic_not_a_break() {
        let released = model();
        let mut next = model();
        next.events[0].topic = "demo.essay.scored.v2".into();
        next.events[0].version = 2;
        // The new major version may break with the old one.
        next.events[0].json_schema["properties"]["score"]["type"] = "string".into();
        let findings = run(&next, &baseline(&released));
        assert_eq!(
            codes(&findings, Severity::Error),
            Vec::<String>::new(),
            "{findings:#?}"
        );
        assert!(codes(&findings, Severity::Notice).contains(&"NEW_TOPIC".to_owned()));
    }

    #[test]
    fn a_renamed_topic_a_changed_key_and_a_removed_event_are_errors() {
        let released = model();
        let mut next = model();
        next.events[0].topic = "demo.essay.graded.v1".into();
        next.events[0].key = "origin.model".into();
        next.events.remove(1);
        let findings = run(&next, &baseline(&released));
        let errors = codes(&findings, Severity::Error);
        for code in ["TOPIC_CHANGED", "KEY_CHANGED", "EVENT_REMOVED"] {
            assert!(
                errors.contains(&code.to_owned()),
                "{code} missing: {findings:#?}"
            );
        }
    }
}
