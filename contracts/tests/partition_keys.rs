//! `partition_key()` returns the declared key for every event of the catalogue. The table is the
//! specification: CJ results key on `cj_assessment_job_id`; spellcheck, NLP and student matching on
//! the batch; essay-lifecycle state events on the essay or entity; everything else on the id of
//! the aggregate it is about. Expected values are read from the JSON examples independently of
//! the Rust types.

mod support;

use huleedu_contracts::{ProcessingEvent, ProcessingEventPayload};
use serde_json::{Value, json};
use support::{events_tsv, read_json};
use tidings::{KeyFallback, KeySpec};

use ProcessingEvent::*;

const DECLARED_KEYS: [(ProcessingEvent, &str); 73] = [
    (BatchEssaysRegistered, "entity_id"),
    (BatchEssaysReady, "batch_id"),
    (BatchPipelineCompleted, "batch_id"),
    (BatchPhaseSkipped, "batch_id"),
    (EssaySlotAssigned, "essay_id"),
    (EssayContentProvisioned, "entity_id"),
    (ExcessContentProvisioned, "batch_id"),
    (EssayValidationFailed, "entity_id"),
    (BatchContentProvisioningCompleted, "batch_id"),
    (BatchStudentMatchingInitiateCommand, "entity_id ?? class_id"),
    (BatchStudentMatchingRequested, "batch_id"),
    (
        BatchSpellcheckInitiateCommand,
        "entity_id ?? \"unassigned-batch\"",
    ),
    (
        BatchCjAssessmentInitiateCommand,
        "entity_id ?? \"unassigned-batch\"",
    ),
    (
        BatchAiFeedbackInitiateCommand,
        "entity_id ?? \"unassigned-batch\"",
    ),
    (BatchNlpInitiateCommand, "entity_id ?? \"unassigned-batch\""),
    (
        BatchNlpInitiateCommandV2,
        "entity_id ?? \"unassigned-batch\"",
    ),
    (ElsBatchPhaseOutcome, "batch_id"),
    (BatchValidationErrors, "batch_id"),
    (ClientBatchPipelineRequest, "batch_id"),
    (PipelineDenied, "batch_id"),
    (
        EssaySpellcheckCompleted,
        "parent_id ?? system_metadata.entity_id",
    ),
    (EssaySpellcheckRequested, "system_metadata.entity_id"),
    (SpellcheckPhaseCompleted, "batch_id"),
    (SpellcheckResults, "batch_id"),
    (BatchNlpProcessingRequested, "batch_id"),
    (BatchNlpProcessingRequestedV2, "batch_id"),
    (
        ElsCjAssessmentRequested,
        "entity_id ?? system_metadata.entity_id",
    ),
    (CjAssessmentCompleted, "cj_assessment_job_id"),
    (CjAssessmentFailed, "cj_assessment_job_id"),
    (EssayNlpCompleted, "parent_id ?? essay_id"),
    (BatchNlpAnalysisCompleted, "batch_id"),
    (BatchAuthorMatchesSuggested, "batch_id"),
    (
        EssayAifeedbackCompleted,
        "entity_id ?? system_metadata.entity_id",
    ),
    (EssayEditorRevisionCompleted, "essay_id"),
    (EssayStudentAssociationUpdated, "essay_id"),
    (BatchFileAdded, "batch_id"),
    (BatchFileRemoved, "batch_id"),
    (ClassCreated, "class_id"),
    (ClassUpdated, "class_id"),
    (StudentCreated, "student_id"),
    (StudentUpdated, "student_id"),
    (StudentAssociationsConfirmed, "batch_id"),
    (ValidationTimeoutProcessed, "batch_id"),
    (TeacherNotificationRequested, "teacher_id"),
    (BatchResultsReady, "batch_id"),
    (BatchAssessmentCompleted, "batch_id"),
    (AssessmentResultPublished, "cj_assessment_job_id"),
    (ResourceConsumptionReported, "user_id"),
    (LlmRequestStarted, "correlation_id"),
    (LlmRequestCompleted, "correlation_id"),
    (LlmProviderFailure, "correlation_id"),
    (LlmUsageAnalytics, "crate::keys::usage_period(&event)"),
    (LlmCostAlert, "alert_type"),
    (LlmCostTracking, "correlation_id"),
    (LlmComparisonResult, "request_id"),
    (IdentityUserRegistered, "user_id"),
    (IdentityEmailVerificationRequested, "user_id"),
    (IdentityEmailVerified, "user_id"),
    (IdentityPasswordResetRequested, "user_id"),
    (IdentityPasswordResetCompleted, "user_id"),
    (IdentityLoginSucceeded, "user_id"),
    (IdentityLoginFailed, "crate::keys::login_email(&event)"),
    (EmailNotificationRequested, "message_id"),
    (EmailSent, "message_id"),
    (EmailDeliveryFailed, "message_id"),
    (EntitlementsSubscriptionActivated, "subject.id"),
    (EntitlementsSubscriptionChanged, "subject.id"),
    (EntitlementsSubscriptionCanceled, "subject.id"),
    (EntitlementsUsageAuthorized, "subject.id"),
    (EntitlementsUsageRecorded, "subject.id"),
    (EntitlementsCreditBalanceChanged, "subject.id"),
    (EntitlementsRateLimitExceeded, "subject.id"),
    (EntitlementsResourceAccessGranted, "resource_id"),
];

/// The example payload of a member: the reference example, the candidate example for designed
/// payloads, or a value built here for the one payload with neither.
fn example(member: ProcessingEvent) -> Value {
    let rows = events_tsv();
    let row = rows
        .iter()
        .find(|row| row.member == member.member())
        .unwrap();
    match &row.payload_class {
        Some(class) => read_json(&format!("examples/{class}.json")),
        None if member == EssayEditorRevisionCompleted => json!({
            "status": "editor_revision_success",
            "system_metadata": {"entity_id": "essay-7", "entity_type": "essay"},
            "essay_id": "essay-7",
            "revised_text_ref": null,
            "revisions_applied": 3
        }),
        None => read_json(&format!(
            "examples/candidates/{}.json",
            member.descriptor().type_name
        )),
    }
}

fn at_path<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.')
        .try_fold(value, |v, segment| v.get(segment))
        .filter(|v| !v.is_null())
}

fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The key computed from the JSON alone, following the declared rule.
fn expected_key(member: ProcessingEvent, json: &Value) -> String {
    match member.descriptor().key {
        KeySpec::Field { path, fallback } => match (at_path(json, path), fallback) {
            (Some(value), _) => text(value),
            (None, Some(KeyFallback::Field(other))) => {
                text(at_path(json, other).expect("fallback field present"))
            }
            (None, Some(KeyFallback::Literal(literal))) => literal.to_owned(),
            (None, None) => panic!("{member}: no value at {path}"),
        },
        KeySpec::Function { .. } => match member {
            LlmUsageAnalytics => format!(
                "{}/{}",
                text(&json["period_start"]),
                text(&json["period_end"])
            ),
            // FNV-1a 64 of "karin.berg@skola.example.se", computed outside Rust.
            IdentityLoginFailed => {
                assert_eq!(json["email"], "karin.berg@skola.example.se");
                "email-f90327d36639416c".to_owned()
            }
            other => panic!("{other}: no expectation for its key function"),
        },
    }
}

fn key_of(member: ProcessingEvent, json: &Value) -> String {
    let payload = ProcessingEventPayload::decode(member, json.clone())
        .unwrap_or_else(|e| panic!("{member}: {e}"));
    payload.partition_key().as_str().to_owned()
}

#[test]
fn every_event_keys_on_its_declared_field() {
    assert_eq!(DECLARED_KEYS.len(), ProcessingEvent::ALL.len());
    for ((member, declared), catalogue_member) in DECLARED_KEYS.iter().zip(ProcessingEvent::ALL) {
        assert_eq!(
            member, catalogue_member,
            "table order follows the catalogue"
        );
        assert_eq!(
            member.descriptor().key.to_string(),
            *declared,
            "{member}: declared key"
        );
        let json = example(*member);
        let key = key_of(*member, &json);
        assert!(!key.is_empty(), "{member}: empty key");
        assert_eq!(key, expected_key(*member, &json), "{member}");
    }
}

#[test]
fn optional_keys_fall_back_as_declared() {
    let mut exercised = 0;
    for member in ProcessingEvent::ALL {
        let KeySpec::Field {
            path,
            fallback: Some(_),
        } = member.descriptor().key
        else {
            continue;
        };
        let mut json = example(*member);
        let (parent, leaf) = match path.rsplit_once('.') {
            Some((parent, leaf)) => (
                at_path(&json, parent).is_some().then(|| parent.to_owned()),
                leaf,
            ),
            None => (None, path),
        };
        let target = match &parent {
            Some(parent) => parent.split('.').fold(&mut json, |v, s| &mut v[s]),
            None => &mut json,
        };
        target[leaf] = Value::Null;
        let key = key_of(*member, &json);
        assert_eq!(
            key,
            expected_key(*member, &json),
            "{member} with {path} = null"
        );
        exercised += 1;
    }
    assert_eq!(exercised, 10, "events with an optional key and a fallback");
}
