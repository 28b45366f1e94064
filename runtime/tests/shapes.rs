//! Rust shapes whose JSON Schema and Avro schema must describe the same values: integers wider
//! than Avro's `long`, enum defaults on every use of a named type, flattened enums. Values are
//! checked with the generated schemas and with apache-avro, not with tidings' own code alone.

use apache_avro::Schema as AvroSchema;
use apache_avro::types::Value as Datum;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tidings::Event;

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, Event)]
#[event(name = "storage.measured", topic = "acme.storage.measured.v1", version = 1, key = volume_id)]
struct StorageMeasuredV1 {
    volume_id: String,
    total_bytes: u64,
    #[serde(default)]
    peak_bytes: Option<u64>,
    slots: usize,
    ledger: u128,
    delta: i128,
}

fn measured(total_bytes: u64) -> StorageMeasuredV1 {
    StorageMeasuredV1 {
        volume_id: "v1".into(),
        total_bytes,
        peak_bytes: Some(total_bytes),
        slots: 3,
        ledger: 7,
        delta: -7,
    }
}

fn avro(schema: &Value) -> AvroSchema {
    let mut schema = schema.clone();
    if let Some(object) = schema.as_object_mut() {
        object.remove("$comment");
    }
    AvroSchema::parse(&schema).unwrap_or_else(|err| panic!("apache-avro refuses {schema}: {err}"))
}

/// `u64`, `Option<u64>`, `usize`, `u128`, `i128`: every target holds 64-bit signed values; a
/// larger value is a typed validation error naming the field, not a record no Avro reader holds.
#[test]
fn integers_wider_than_avro_long_are_bounded_to_it_in_every_schema() {
    let schema = (StorageMeasuredV1::DESCRIPTOR.json_schema)();
    for field in ["total_bytes", "slots", "ledger", "delta"] {
        assert_eq!(
            schema["properties"][field]["maximum"],
            json!(i64::MAX),
            "{field}: {}",
            schema["properties"][field]
        );
    }
    assert_eq!(schema["properties"]["total_bytes"]["minimum"], json!(0));
    assert_eq!(schema["properties"]["delta"]["minimum"], json!(i64::MIN));
    assert_eq!(
        schema["properties"]["peak_bytes"]["maximum"],
        json!(i64::MAX)
    );
    let avro_schema = (StorageMeasuredV1::DESCRIPTOR.avro_schema)().unwrap();
    for field in avro_schema["fields"].as_array().unwrap() {
        if field["name"] != "volume_id" {
            assert!(
                field["type"] == "long" || field["type"] == json!(["null", "long"]),
                "{field}"
            );
        }
    }

    // The largest value both hold passes validation and is written by apache-avro.
    let largest = measured(i64::MAX as u64);
    largest.validate().unwrap();
    let parsed = avro(&avro_schema);
    let value = serde_json::to_value(&largest).unwrap();
    let datum = Datum::Record(vec![
        ("volume_id".into(), Datum::String("v1".into())),
        ("total_bytes".into(), Datum::Long(i64::MAX)),
        (
            "peak_bytes".into(),
            Datum::Union(1, Box::new(Datum::Long(i64::MAX))),
        ),
        ("slots".into(), Datum::Long(3)),
        ("ledger".into(), Datum::Long(7)),
        ("delta".into(), Datum::Long(-7)),
    ]);
    apache_avro::to_avro_datum(&parsed, datum).unwrap();
    assert_eq!(value["total_bytes"], json!(i64::MAX));

    // One more, and the largest u64, are refused by validation, naming the field.
    for (total, peak) in [(i64::MAX as u64 + 1, None), (u64::MAX, Some(u64::MAX))] {
        let mut event = measured(total);
        event.peak_bytes = peak;
        let err = event
            .validate()
            .expect_err("beyond Avro's long")
            .to_string();
        assert!(err.contains("total_bytes"), "{err}");
    }
    let mut wide = measured(1);
    wide.ledger = u128::from(u64::MAX);
    let err = wide.validate().expect_err("u128 beyond long").to_string();
    assert!(err.contains("ledger"), "{err}");
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
enum Phase {
    #[default]
    #[serde(rename = "phase.draft")]
    Draft,
    #[serde(rename = "phase.final")]
    Final,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
struct Review {
    phase: Phase,
    phases: Vec<Phase>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, Event)]
#[event(name = "doc.moved", topic = "acme.doc.moved.v1", version = 1, key = doc_id)]
struct DocMovedV1 {
    doc_id: String,
    from: Phase,
    #[serde(default)]
    to: Phase,
    #[serde(default)]
    review: Review,
}

/// An enum default is the Avro symbol on every use of the enum, also where the type is only
/// referenced by name, and also nested in a record default: apache-avro accepts the schema and
/// reads data written without the fields as the Rust default.
#[test]
fn enum_defaults_are_symbols_on_every_use_of_the_named_type() {
    let schema = (DocMovedV1::DESCRIPTOR.avro_schema)().unwrap();
    let field = |name: &str| {
        schema["fields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == name)
            .cloned()
            .unwrap()
    };
    assert!(field("to")["type"].is_string(), "second use is by name");
    assert_eq!(field("to")["default"], "phase_draft");
    assert_eq!(
        field("review")["default"],
        json!({"phase": "phase_draft", "phases": []})
    );
    let reader = avro(&schema);
    // A writer that had only doc_id and from.
    let writer = avro(&json!({
        "type": "record", "name": "DocMovedV1", "namespace": schema["namespace"],
        "fields": [
            {"name": "doc_id", "type": "string"},
            {"name": "from", "type": field("from")["type"]},
        ]
    }));
    let bytes = apache_avro::to_avro_datum(
        &writer,
        Datum::Record(vec![
            ("doc_id".into(), Datum::String("d".into())),
            ("from".into(), Datum::Enum(1, "phase_final".into())),
        ]),
    )
    .unwrap();
    let read = apache_avro::from_avro_datum(&writer, &mut bytes.as_slice(), Some(&reader))
        .unwrap_or_else(|err| panic!("resolution with the reader's defaults: {err}"));
    let Datum::Record(fields) = read else {
        panic!("a record")
    };
    assert_eq!(fields[2].1, Datum::Enum(0, "phase_draft".into()));
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
enum Target {
    Essay { essay_id: String },
    Batch { batch_id: String },
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, Event)]
#[event(name = "feedback.requested", topic = "acme.feedback.requested.v1", version = 1, key = request_id)]
struct FeedbackRequestedV1 {
    request_id: String,
    #[serde(flatten)]
    target: Target,
}

/// serde's value of a struct with a flattened enum is accepted by the JSON Schema (closed with
/// `unevaluatedProperties`, which counts the variant's key) and by the jsonschema crate, extra
/// keys are still refused, and the Avro schema is a record with the variants' fields optional.
#[test]
fn a_flattened_enum_keeps_its_values_valid_and_the_object_closed() {
    let event = FeedbackRequestedV1 {
        request_id: "r1".into(),
        target: Target::Essay {
            essay_id: "e1".into(),
        },
    };
    let value = serde_json::to_value(&event).unwrap();
    assert_eq!(
        value,
        json!({"request_id": "r1", "essay": {"essay_id": "e1"}})
    );
    event.validate().unwrap();
    let schema = (FeedbackRequestedV1::DESCRIPTOR.json_schema)();
    let validator = jsonschema::draft202012::new(&schema).unwrap();
    assert!(validator.is_valid(&value));
    assert!(validator.is_valid(&json!({"request_id": "r2", "batch": {"batch_id": "b"}})));
    for invalid in [
        json!({"request_id": "r1", "essay": {"essay_id": "e1"}, "extra": 1}),
        json!({"request_id": "r1"}),
        json!({"request_id": "r1", "essay": {"essay_id": "e1"}, "batch": {"batch_id": "b"}}),
        json!({"request_id": "r1", "essay": {"essay_id": "e1", "x": 1}}),
    ] {
        assert!(!validator.is_valid(&invalid), "{invalid}");
    }
    let avro_schema = (FeedbackRequestedV1::DESCRIPTOR.avro_schema)().unwrap();
    let names: Vec<&str> = avro_schema["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["request_id", "essay", "batch"]);
    assert_eq!(avro_schema["fields"][1]["default"], Value::Null);
    avro(&avro_schema);
}

/// A wire name Avro cannot hold (`#[serde(rename = "renamed-field")]`) is refused when the Avro
/// schema is made, naming the field and a name that works, instead of a schema no Avro library
/// parses.
#[test]
fn a_field_name_avro_cannot_hold_is_refused_with_a_name_that_works() {
    #[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
    struct Inner {
        #[serde(rename = "2nd")]
        second: String,
    }
    #[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, Event)]
    #[event(name = "names.checked", topic = "acme.names.checked.v1", version = 1, key = id)]
    struct NamesCheckedV1 {
        id: String,
        #[serde(rename = "renamed-field")]
        renamed: bool,
    }
    #[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, Event)]
    #[event(name = "names.nested", topic = "acme.names.nested.v1", version = 1, key = id)]
    struct NamesNestedV1 {
        id: String,
        inner: Inner,
    }
    let err = tidings::schema::avro_schema_of::<NamesCheckedV1>().unwrap_err();
    assert!(
        matches!(&err, tidings::schema::SchemaError::InvalidFieldName { name, .. } if name == "renamed-field"),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .contains("#[serde(rename = \"renamed_field\")]"),
        "{err}"
    );
    let err = tidings::schema::avro_schema_of::<NamesNestedV1>().unwrap_err();
    assert!(
        err.to_string().contains("`2nd`") && err.to_string().contains("\"_2nd\""),
        "{err}"
    );
}

/// Integers narrower than 64 bits are bounded to their Rust type's range, so python-jsonschema,
/// ajv and pydantic refuse what serde cannot decode (a `u8` of 256, an `i16` of 40000); the
/// contract's own tighter bounds are kept.
#[test]
fn narrow_integers_are_bounded_to_their_rust_range() {
    #[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, Event)]
    #[event(name = "widths.measured", topic = "acme.widths.measured.v1", version = 1, key = id)]
    struct WidthsMeasuredV1 {
        id: String,
        small: u8,
        signed: i16,
        wide: u32,
        minus: i32,
        #[schemars(range(min = 1, max = 5))]
        rating: u8,
        maybe: Option<u16>,
    }
    let schema = (WidthsMeasuredV1::DESCRIPTOR.json_schema)();
    let bounds = |field: &str| {
        let property = &schema["properties"][field];
        let property = property
            .get("anyOf")
            .and_then(|b| b.get(0))
            .unwrap_or(property);
        (property["minimum"].clone(), property["maximum"].clone())
    };
    assert_eq!(bounds("small"), (json!(0), json!(255)));
    assert_eq!(bounds("signed"), (json!(-32768), json!(32767)));
    assert_eq!(bounds("wide"), (json!(0), json!(4294967295u32)));
    assert_eq!(bounds("minus"), (json!(i32::MIN), json!(i32::MAX)));
    assert_eq!(bounds("rating"), (json!(1), json!(5)));
    let validator = jsonschema::draft202012::new(&schema).unwrap();
    let base = json!({"id": "w", "small": 255, "signed": -32768, "wide": 4294967295u32,
        "minus": i32::MIN, "rating": 5, "maybe": 65535});
    assert!(validator.is_valid(&base), "{base}");
    assert!(serde_json::from_value::<WidthsMeasuredV1>(base.clone()).is_ok());
    for (field, too_far) in [
        ("small", json!(256)),
        ("signed", json!(40000)),
        ("wide", json!(4294967296u64)),
        ("minus", json!(-2147483649i64)),
        ("rating", json!(6)),
        ("maybe", json!(65536)),
    ] {
        let mut value = base.clone();
        value[field] = too_far;
        assert!(!validator.is_valid(&value), "{value}");
        if field != "rating" {
            assert!(
                serde_json::from_value::<WidthsMeasuredV1>(value.clone()).is_err(),
                "serde decodes {value}"
            );
        }
    }
}
