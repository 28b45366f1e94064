//! The test vectors of docs/OUTBOX.md (`runtime/vectors/outbox.json`, also `tidings::OUTBOX_TEST_VECTORS`), which writers in other
//! languages check themselves against: key → shard, envelope → headers and payload bytes. The
//! file must say what this implementation does; `TIDINGS_WRITE_VECTORS=1` rewrites it.

#![cfg(feature = "postgres")]

use serde::Serialize;
use serde_json::{Value, json};
use tidings::outbox::key_shard;
use tidings::{Event, EventEnvelope, StandardHeaders};

/// An event of the vectors.
#[derive(Debug, Clone, Serialize, serde::Deserialize, schemars::JsonSchema, Event)]
#[event(
    name = "assessment.result.published",
    topic = "huleedu.assessment.result.published.v1",
    version = 1,
    key = batch_id
)]
struct ResultPublished {
    batch_id: String,
    note: String,
}

fn path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors/outbox.json")
}

/// FNV-1a 32-bit of the published test suite (Fowler/Noll/Vo), an independent check of the hash
/// beneath the shard: shard = hash mod 64.
#[test]
fn the_shard_function_is_fnv1a_32_mod_64() {
    for (input, hash) in [
        ("", 0x811c_9dc5_u32),
        ("a", 0xe40c_292c),
        ("foobar", 0xbf9c_f968),
    ] {
        assert_eq!(key_shard(input), (hash % 64) as i16, "{input:?}");
    }
}

fn vectors() -> Value {
    let keys: Vec<Value> = [
        "",
        "a",
        "foobar",
        "batch-42",
        "cj-job-7f3c",
        "essä",
        "🦀 crab",
        "huleedu:essay:0f8b6d0e-4c39-4b1e-9a4e-6a1f0f6e2b11",
    ]
    .iter()
    .map(|key| json!({"key": key, "shard": key_shard(key)}))
    .collect();
    let mut envelopes = Vec::new();
    for (name, with_trace) in [("plain", false), ("with_trace_context", true)] {
        let mut builder = EventEnvelope::builder(
            "cj_assessment_service",
            ResultPublished {
                batch_id: "batch-42".into(),
                note: "Grüße, \"quoted\"\n".into(),
            },
        )
        .event_id(uuid::Uuid::from_u128(
            0x0123_4567_89ab_cdef_0123_4567_89ab_cdef,
        ))
        .correlation_id(uuid::Uuid::from_u128(
            0xfedc_ba98_7654_3210_fedc_ba98_7654_3210,
        ))
        .event_timestamp("2025-03-14T09:30:00.123456Z".parse().unwrap());
        if with_trace {
            builder = builder.trace_parent(
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
                    .parse()
                    .unwrap(),
            );
        }
        let envelope = builder.build();
        let headers = StandardHeaders::from_envelope(&envelope).to_pairs();
        envelopes.push(json!({
            "name": name,
            "topic": ResultPublished::TOPIC,
            "partition_key": envelope.data.partition_key().as_str(),
            "key_shard": key_shard(envelope.data.partition_key().as_str()),
            "envelope": envelope,
            "payload": String::from_utf8(serde_json::to_vec(&envelope).unwrap()).unwrap(),
            "headers": headers,
        }));
    }
    json!({
        "description": "Test vectors for writers of the tidings outbox (docs/OUTBOX.md). `keys`: partition key -> key_shard (FNV-1a 32-bit of the key's UTF-8 bytes, mod 64). `envelopes`: an envelope, the payload bytes the Rust writer stores (UTF-8 text here), and the headers column it stores ([[name, value], ...], in this order).",
        "keys": keys,
        "envelopes": envelopes,
    })
}

#[test]
fn the_vectors_file_says_what_this_implementation_does() {
    let expected = serde_json::to_string_pretty(&vectors()).unwrap() + "\n";
    if std::env::var_os("TIDINGS_WRITE_VECTORS").is_some() {
        std::fs::write(path(), &expected).unwrap();
    }
    let committed = std::fs::read_to_string(path()).unwrap_or_default();
    assert!(
        committed == expected,
        "runtime/vectors/outbox.json is stale; run `TIDINGS_WRITE_VECTORS=1 cargo test -p tidings --all-features --test outbox_vectors`"
    );
}
