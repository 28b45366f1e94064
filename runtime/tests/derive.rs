//! What `#[derive(Event)]` and `catalogue!` produce for well-formed contracts.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};
use tidings::{
    Catalogue, CleanupPolicy, Compatibility, Event, KeyFallback, KeyPart, KeySpec, PartitionKey,
    ThinEvent,
};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema, KeyPart)]
struct JobId(u64);

#[derive(Serialize, Deserialize, schemars::JsonSchema)]
struct Meta {
    entity_id: Option<String>,
    owner: Uuid,
}

/// A job finished.
///
/// Second paragraph.
#[derive(Serialize, Deserialize, schemars::JsonSchema, Event)]
#[event(
    name = "job.finished",
    topic = "acme.jobs.job.finished.v3",
    version = 3,
    key = job_id,
    compatibility = "full_transitive",
    cleanup_policy = "compact,delete",
    retention_ms = 604800000,
    partitions = 12,
    replication_factor = 3,
    rich = JobReport
)]
struct JobFinished {
    job_id: JobId,
}

#[derive(Serialize, Deserialize, schemars::JsonSchema, Event)]
#[event(name = "job.report", topic = "acme.jobs.job.report.v1", version = 1, key = meta.owner, namespace = "acme.reports")]
struct JobReport {
    meta: Meta,
}

#[derive(Serialize, Deserialize, schemars::JsonSchema, Event)]
#[event(name = "entity.touched", topic = "acme.entity.touched.v1", version = 1, key = meta.entity_id, key_fallback = batch_id)]
struct EntityTouched {
    meta: Meta,
    batch_id: String,
}

#[derive(Serialize, Deserialize, schemars::JsonSchema, Event)]
#[event(name = "entity.pinged", topic = "acme.entity.pinged.v1", version = 1, key = entity_id, key_fallback = "unassigned")]
struct EntityPinged {
    entity_id: Option<i64>,
}

fn region_key(event: &RegionMoved) -> String {
    format!("{}/{}", event.region, event.shard)
}

#[derive(Serialize, Deserialize, schemars::JsonSchema, Event)]
#[event(name = "region.moved", topic = "acme.region.moved.v1", version = 1, key_fn = region_key)]
struct RegionMoved {
    region: String,
    shard: u16,
}

tidings::catalogue! {
    /// Test catalogue.
    enum AcmeEvent {
        JobFinished => JobFinished,
        JobReport => JobReport,
        EntityTouched => EntityTouched,
        EntityPinged => EntityPinged,
        RegionMoved => RegionMoved,
    }
}

fn meta(entity_id: Option<&str>) -> Meta {
    Meta {
        entity_id: entity_id.map(str::to_owned),
        owner: Uuid::from_u128(7),
    }
}

#[test]
fn every_key_form_resolves_to_the_declared_value() {
    let cases: Vec<(&str, PartitionKey<'static>, &str)> = vec![
        (
            "newtype field",
            JobFinished { job_id: JobId(42) }
                .partition_key()
                .into_owned(),
            "42",
        ),
        (
            "nested uuid",
            JobReport { meta: meta(None) }.partition_key().into_owned(),
            "00000000-0000-0000-0000-000000000007",
        ),
        (
            "optional, present",
            EntityTouched {
                meta: meta(Some("e-1")),
                batch_id: "b-1".into(),
            }
            .partition_key()
            .into_owned(),
            "e-1",
        ),
        (
            "optional, field fallback",
            EntityTouched {
                meta: meta(None),
                batch_id: "b-1".into(),
            }
            .partition_key()
            .into_owned(),
            "b-1",
        ),
        (
            "optional int, present",
            EntityPinged {
                entity_id: Some(-3),
            }
            .partition_key()
            .into_owned(),
            "-3",
        ),
        (
            "optional, literal fallback",
            EntityPinged { entity_id: None }
                .partition_key()
                .into_owned(),
            "unassigned",
        ),
        (
            "function",
            RegionMoved {
                region: "eu".into(),
                shard: 4,
            }
            .partition_key()
            .into_owned(),
            "eu/4",
        ),
    ];
    for (case, key, expected) in cases {
        assert_eq!(key.as_str(), expected, "{case}");
    }
}

#[test]
fn descriptor_carries_every_attribute() {
    let d = JobFinished::DESCRIPTOR;
    assert_eq!(
        (d.name, d.topic, d.version),
        ("job.finished", "acme.jobs.job.finished.v3", 3)
    );
    assert_eq!(d.type_name, "JobFinished");
    assert_eq!(d.description, "A job finished.\n\nSecond paragraph.");
    assert_eq!(d.compatibility, Compatibility::FullTransitive);
    assert_eq!(
        d.topic_config.cleanup_policy,
        Some(CleanupPolicy::CompactDelete)
    );
    assert_eq!(d.topic_config.retention_ms, Some(604_800_000));
    assert_eq!(d.topic_config.partitions, Some(12));
    assert_eq!(d.topic_config.replication_factor, Some(3));
    assert_eq!(d.avro_namespace, "acme.jobs");
    assert_eq!(d.rich_counterpart, Some("job.report"));
    assert_eq!(
        d.key,
        KeySpec::Field {
            path: "job_id",
            fallback: None
        }
    );
    assert!(
        d.source.file.ends_with("tests/derive.rs"),
        "{}",
        d.source.file
    );
    assert!(d.source.line > 1);
    assert_eq!(<JobFinished as Event>::NAME, "job.finished");
    assert_eq!(
        std::any::type_name::<<JobFinished as ThinEvent>::Rich>(),
        std::any::type_name::<JobReport>()
    );

    let defaults = JobReport::DESCRIPTOR;
    assert_eq!(defaults.compatibility, Compatibility::Backward);
    assert_eq!(defaults.topic_config, tidings::TopicConfig::default());
    assert_eq!(defaults.avro_namespace, "acme.reports");
    assert_eq!(
        defaults.key,
        KeySpec::Field {
            path: "meta.owner",
            fallback: None
        }
    );
    assert_eq!(
        EntityTouched::DESCRIPTOR.key,
        KeySpec::Field {
            path: "meta.entity_id",
            fallback: Some(KeyFallback::Field("batch_id"))
        }
    );
    assert_eq!(
        RegionMoved::DESCRIPTOR.key,
        KeySpec::Function { path: "region_key" }
    );
}

#[test]
fn schemas_come_from_the_type() {
    let json = (JobFinished::DESCRIPTOR.json_schema)();
    assert_eq!(
        json["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert_eq!(json["title"], "JobFinished");
    let avro = (JobReport::DESCRIPTOR.avro_schema)().unwrap();
    assert_eq!(avro["type"], "record");
    assert_eq!(avro["namespace"], "acme.reports");
    assert_eq!(avro["fields"][0]["name"], "meta");
}

#[test]
fn catalogue_maps_members_both_ways() {
    assert_eq!(AcmeEvent::ALL.len(), 5);
    assert_eq!(AcmeEvent::JobFinished.as_str(), "job.finished");
    assert_eq!(AcmeEvent::JobFinished.topic(), "acme.jobs.job.finished.v3");
    assert_eq!(AcmeEvent::EntityTouched.member(), "ENTITY_TOUCHED");
    assert_eq!(
        "region.moved".parse::<AcmeEvent>(),
        Ok(AcmeEvent::RegionMoved)
    );
    assert_eq!(
        AcmeEvent::from_topic("acme.jobs.job.report.v1"),
        Some(AcmeEvent::JobReport)
    );
    assert_eq!(
        AcmeEvent::from_member("ENTITY_PINGED"),
        Some(AcmeEvent::EntityPinged)
    );
    let err = "job.started".parse::<AcmeEvent>().unwrap_err();
    assert_eq!(
        err.to_string(),
        "`job.started` is not an event of AcmeEvent; expected a dotted event name such as `job.finished`"
    );
    assert_eq!(
        serde_json::to_string(&AcmeEvent::JobReport).unwrap(),
        "\"job.report\""
    );
    assert_eq!(
        serde_json::from_str::<AcmeEvent>("\"job.report\"").unwrap(),
        AcmeEvent::JobReport
    );
    assert!(serde_json::from_str::<AcmeEvent>("\"JOB_REPORT\"").is_err());
    for member in AcmeEvent::ALL {
        assert_eq!(member.descriptor().name, member.as_str());
        assert_eq!(<AcmeEvent as Catalogue>::topic(*member), member.topic());
    }
}

#[test]
fn key_part_newtypes_delegate() {
    assert_eq!(JobId(9).key_part(), Cow::<str>::Owned("9".into()));
}
