//! Wire compatibility with the Python services: every example in the reference spec reads into its
//! Rust type and writes back as equal JSON, with the keys in the same order.

mod support;

use std::path::Path;

use huleedu_contracts::{ProcessingEvent, ProcessingEventPayload};
use serde_json::Value;
use support::{assert_same_key_order, events_tsv, json_files, read_json};
use tidings::{Catalogue, EventEnvelope};

/// Member of the catalogue whose payload is the Python class `class`.
fn member_of_class(class: &str) -> ProcessingEvent {
    ProcessingEvent::ALL
        .iter()
        .copied()
        .find(|member| {
            let type_name = member.descriptor().type_name;
            type_name == class || python_name(type_name) == class
        })
        .unwrap_or_else(|| panic!("no catalogue member has payload class {class}"))
}

/// The one Rust payload type whose name differs from its Python class.
fn python_name(rust: &str) -> &str {
    match rust {
        "ElsCjAssessmentRequestV1" => "ELS_CJAssessmentRequestV1",
        other => other,
    }
}

fn round_trip_payload(path: &Path, member: ProcessingEvent) {
    let original: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let typed = ProcessingEventPayload::decode(member, original.clone())
        .unwrap_or_else(|err| panic!("{}: does not decode as {member}: {err}", path.display()));
    assert_eq!(typed.member(), member);
    typed
        .validate()
        .unwrap_or_else(|err| panic!("{}: {err}", path.display()));
    let written = serde_json::to_value(&typed).unwrap();
    assert_eq!(
        written,
        original,
        "{} changed in a round trip",
        path.display()
    );
    assert_same_key_order(&written, &original, &path.display().to_string());
}

fn class_of_file(path: &Path) -> String {
    let stem = path.file_stem().unwrap().to_string_lossy();
    stem.split('.').next().unwrap().to_owned()
}

#[test]
fn every_payload_example_round_trips() {
    let files = json_files("examples");
    assert_eq!(files.len(), 65, "one example per payload class");
    for path in &files {
        round_trip_payload(path, member_of_class(&class_of_file(path)));
    }
}

#[test]
fn every_variant_round_trips() {
    let files = json_files("examples/variants");
    assert_eq!(files.len(), 4);
    for path in &files {
        round_trip_payload(path, member_of_class(&class_of_file(path)));
    }
}

#[test]
fn every_candidate_example_reads_as_the_designed_payload() {
    let files = json_files("examples/candidates");
    assert_eq!(files.len(), 7);
    for path in &files {
        round_trip_payload(path, member_of_class(&class_of_file(path)));
    }
}

#[test]
fn every_envelope_example_round_trips() {
    let files = json_files("examples/envelopes");
    assert_eq!(
        files.len(),
        64,
        "one envelope per mapped member with a payload class"
    );
    for path in &files {
        let original: Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let raw: EventEnvelope<Value> = serde_json::from_value(original.clone())
            .unwrap_or_else(|err| panic!("{}: {err}", path.display()));
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let member =
            ProcessingEvent::from_member(&stem).unwrap_or_else(|| panic!("unknown member {stem}"));
        assert_eq!(
            ProcessingEvent::from_topic(&raw.event_type),
            Some(member),
            "{stem}: event_type is the topic"
        );
        let data = ProcessingEventPayload::decode(member, raw.data.clone())
            .unwrap_or_else(|err| panic!("{}: data does not decode: {err}", path.display()));
        let typed = raw.map_data(|_| data);
        let written = serde_json::to_value(&typed).unwrap();
        assert_eq!(
            written,
            original,
            "{} changed in a round trip",
            path.display()
        );
        assert_same_key_order(&written, &original, &stem);
    }
}

#[test]
fn catalogue_matches_events_tsv() {
    let rows = events_tsv();
    assert_eq!(rows.len(), 73);
    assert_eq!(ProcessingEvent::ALL.len(), 73);
    // Documented in contracts/README.md: the two members Python leaves unmapped.
    let unmapped_topics = [
        (
            "ESSAY_AIFEEDBACK_COMPLETED",
            "huleedu.essay.aifeedback.completed.v1",
        ),
        (
            "ESSAY_EDITOR_REVISION_COMPLETED",
            "huleedu.essay.editor_revision.completed.v1",
        ),
    ];
    for (row, member) in rows.iter().zip(ProcessingEvent::ALL) {
        assert_eq!(
            member.member(),
            row.member,
            "declaration order follows the Python enum"
        );
        assert_eq!(member.as_str(), row.value, "{}", row.member);
        assert_eq!(
            row.value.parse::<ProcessingEvent>(),
            Ok(*member),
            "{}",
            row.member
        );
        assert_eq!(member.to_string(), row.value);
        let expected_topic = match unmapped_topics.iter().find(|(m, _)| *m == row.member) {
            Some((_, topic)) => {
                assert_eq!(
                    row.topic, "UNMAPPED",
                    "{} is unmapped in Python",
                    row.member
                );
                *topic
            }
            None => row.topic.as_str(),
        };
        assert_eq!(member.topic(), expected_topic, "{}", row.member);
        if let Some(class) = &row.payload_class {
            assert_eq!(
                python_name(member.descriptor().type_name),
                class,
                "{}",
                row.member
            );
        }
    }
}

#[test]
fn unknown_names_are_typed_errors() {
    let err = "batch.essays.registred"
        .parse::<ProcessingEvent>()
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("`batch.essays.registred` is not an event of ProcessingEvent")
    );
    assert!(
        ProcessingEventPayload::decode(
            ProcessingEvent::ClassCreated,
            read_json("examples/EmailSentV1.json")
        )
        .is_err()
    );
}
