//! Cross-field rules (`tidings::rules`) on a payload and on a nested type: `Event::validate`
//! refuses a value that breaks one with a violation naming the rule and its fields, the JSON
//! Schema says the same to an independent validator (the jsonschema crate, with nothing of
//! tidings), and the Avro schema still holds every field.

use apache_avro::Schema as AvroSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tidings::Event;

/// Which prompt a batch uses: a canonical assignment or an ad-hoc reference, never both.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[schemars(transform = tidings::rules::exactly_one_of(&["assignment_id", "prompt_ref"]))]
struct Prompt {
    assignment_id: Option<String>,
    prompt_ref: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, Event)]
#[event(name = "grading.finished", topic = "acme.grading.finished.v1", version = 1, key = request_id)]
#[schemars(transform = tidings::rules::exactly_one_of(&["grade", "error"]))]
#[schemars(transform = tidings::rules::required_with("grade", &["comment", "confidence"]))]
struct GradingFinishedV1 {
    request_id: String,
    grade: Option<String>,
    comment: Option<String>,
    confidence: Option<f64>,
    error: Option<String>,
    prompt: Option<Prompt>,
}

fn success() -> GradingFinishedV1 {
    GradingFinishedV1 {
        request_id: "r1".into(),
        grade: Some("A".into()),
        comment: Some("clear".into()),
        confidence: Some(4.0),
        error: None,
        prompt: Some(Prompt {
            assignment_id: Some("a1".into()),
            prompt_ref: None,
        }),
    }
}

fn violations(event: &GradingFinishedV1) -> Vec<(String, String, Vec<String>)> {
    match event.validate() {
        Ok(()) => Vec::new(),
        Err(err) => err
            .violations()
            .iter()
            .map(|v| (v.path.clone(), v.rule.clone(), v.fields.clone()))
            .collect(),
    }
}

fn names(fields: &[&str]) -> Vec<String> {
    fields.iter().map(|f| (*f).to_owned()).collect()
}

#[test]
fn validate_refuses_each_broken_rule_naming_the_rule_and_the_fields() {
    let schema = (GradingFinishedV1::DESCRIPTOR.json_schema)();
    let independent = jsonschema::draft202012::new(&schema).expect("the schema compiles");
    let grade_or_error = (
        String::new(),
        "exactly_one_of".to_owned(),
        names(&["grade", "error"]),
    );
    let grade_needs = (
        String::new(),
        "required_with".to_owned(),
        names(&["grade", "comment", "confidence"]),
    );
    let prompt_rule = (
        "/prompt".to_owned(),
        "exactly_one_of".to_owned(),
        names(&["assignment_id", "prompt_ref"]),
    );

    let failure = GradingFinishedV1 {
        grade: None,
        comment: None,
        confidence: None,
        error: Some("timeout".into()),
        ..success()
    };
    let both = GradingFinishedV1 {
        error: Some("timeout".into()),
        ..success()
    };
    let neither = GradingFinishedV1 {
        error: None,
        ..failure.clone()
    };
    let bare_grade = GradingFinishedV1 {
        comment: None,
        ..success()
    };
    // "" is not given: an empty assignment id with no reference breaks the nested rule.
    let empty_prompt = GradingFinishedV1 {
        prompt: Some(Prompt {
            assignment_id: Some(String::new()),
            prompt_ref: None,
        }),
        ..success()
    };
    let both_prompts = GradingFinishedV1 {
        prompt: Some(Prompt {
            assignment_id: Some("a1".into()),
            prompt_ref: Some("cms://p".into()),
        }),
        ..success()
    };
    let cases = [
        (success(), vec![]),
        (failure, vec![]),
        (both, vec![grade_or_error.clone()]),
        (neither, vec![grade_or_error]),
        (bare_grade, vec![grade_needs]),
        (empty_prompt, vec![prompt_rule.clone()]),
        (both_prompts, vec![prompt_rule]),
    ];
    for (event, expected) in cases {
        let value = serde_json::to_value(&event).unwrap();
        assert_eq!(violations(&event), expected, "{value}");
        assert_eq!(independent.is_valid(&value), expected.is_empty(), "{value}");
    }
    let message = GradingFinishedV1 {
        comment: None,
        ..success()
    }
    .validate()
    .unwrap_err()
    .to_string();
    assert!(
        message.contains("when `grade` is given, `comment` and `confidence` must be given"),
        "{message}"
    );
}

#[test]
fn a_rule_changes_neither_the_avro_record_nor_closes_out_the_fields() {
    let avro = tidings::schema::avro_schema_of::<GradingFinishedV1>().expect("an Avro schema");
    let parsed = AvroSchema::parse(&avro).unwrap_or_else(|err| panic!("{avro}: {err}"));
    let AvroSchema::Record(record) = parsed else {
        panic!("a record: {avro}")
    };
    let fields: Vec<&str> = record.fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        fields,
        [
            "request_id",
            "grade",
            "comment",
            "confidence",
            "error",
            "prompt"
        ]
    );
    let schema = (GradingFinishedV1::DESCRIPTOR.json_schema)();
    // Still closed as before: an unknown field is refused, the rules do not open the object.
    assert_eq!(schema["additionalProperties"], json!(false));
    let mut value = serde_json::to_value(success()).unwrap();
    value["extra"] = json!(1);
    let independent = jsonschema::draft202012::new(&schema).unwrap();
    assert!(!independent.is_valid(&value));
    let rules: Vec<Value> = schema["allOf"].as_array().cloned().unwrap_or_default();
    assert_eq!(rules.len(), 2, "{schema}");
}

/// A derived default (`filled_from`): HuleEdu's `PersonNameV1` fills `legal_full_name`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[schemars(transform = tidings::rules::filled_from("legal_full_name", &["first_name", "last_name"]))]
struct PersonName {
    first_name: String,
    last_name: Option<String>,
    #[serde(default)]
    legal_full_name: Option<String>,
}

/// A variant of a union that holds a person, and one that does not.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Party {
    Person(PersonName),
    Company { first_name: String, name: String },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema, Event)]
#[event(name = "people.enrolled", topic = "acme.people.enrolled.v1", version = 1, key = id)]
struct EnrolledV1 {
    id: String,
    student: PersonName,
    guardians: Vec<PersonName>,
    by_role: std::collections::BTreeMap<String, PersonName>,
    party: Party,
}

fn filled(mut value: Value) -> (Value, usize) {
    let count = tidings::rules::fill_payload_defaults(&EnrolledV1::DESCRIPTOR, &mut value);
    (value, count)
}

#[test]
fn a_derived_default_fills_an_absent_or_null_field_at_every_depth_and_keeps_a_given_one() {
    let person = |first: &str, last: Value, full: Option<Value>| {
        let mut object = json!({ "first_name": first, "last_name": last });
        if let Some(full) = full {
            object["legal_full_name"] = full;
        }
        object
    };
    let payload = json!({
        "id": "e1",
        // absent
        "student": person("Ada", json!("Lovelace"), None),
        "guardians": [
            // null; whitespace as Python's str.strip() removes it (a tab, U+001C, U+3000)
            person("\tAnne\u{1c}", json!(" Byron\u{3000}"), Some(Value::Null)),
            // given, even empty: kept
            person("Noel", json!("Byron"), Some(json!("Lord Byron"))),
            person("Noel", json!("Byron"), Some(json!(""))),
        ],
        "by_role": {
            // a null source is left out
            "tutor": person("Mary", Value::Null, None),
        },
        "party": { "kind": "person", "first_name": "Charles", "last_name": "Babbage" },
    });
    let (value, count) = filled(payload);
    assert_eq!(count, 4, "{value:#}");
    assert_eq!(value["student"]["legal_full_name"], "Ada Lovelace");
    assert_eq!(
        value["guardians"][0]["legal_full_name"],
        "Anne\u{1c}  Byron"
    );
    assert_eq!(value["guardians"][1]["legal_full_name"], "Lord Byron");
    assert_eq!(value["guardians"][2]["legal_full_name"], "");
    assert_eq!(value["by_role"]["tutor"]["legal_full_name"], "Mary");
    assert_eq!(value["party"]["legal_full_name"], "Charles Babbage");
    // Filled, the payload is still valid (the jsonschema crate) and decodes.
    let schema = (EnrolledV1::DESCRIPTOR.json_schema)();
    let validator = jsonschema::draft202012::new(&schema).unwrap();
    assert!(validator.is_valid(&value));
    let decoded: EnrolledV1 = serde_json::from_value(value).unwrap();
    assert_eq!(
        decoded.student.legal_full_name.as_deref(),
        Some("Ada Lovelace")
    );

    // The other variant of the union has no such rule: nothing is added to it.
    let (company, count) = filled(json!({
        "id": "e2",
        "student": person("Ada", json!("Lovelace"), Some(json!("A. L."))),
        "guardians": [],
        "by_role": {},
        "party": { "kind": "company", "first_name": "Analytical", "name": "Engines" },
    }));
    assert_eq!(count, 0);
    assert!(company["party"].get("legal_full_name").is_none());
}

#[test]
fn a_derived_default_constrains_nothing_and_is_no_violation() {
    let event = EnrolledV1 {
        id: "e1".into(),
        student: PersonName {
            first_name: "Ada".into(),
            last_name: None,
            legal_full_name: None,
        },
        guardians: Vec::new(),
        by_role: Default::default(),
        party: Party::Company {
            first_name: "A".into(),
            name: "B".into(),
        },
    };
    assert!(event.validate().is_ok());
    let schema = (EnrolledV1::DESCRIPTOR.json_schema)();
    let rule = &schema["$defs"]["PersonName"]["allOf"][0];
    assert_eq!(rule["x-tidings-rule"]["kind"], "filled_from");
    assert_eq!(
        rule["description"],
        "when `legal_full_name` is absent or null, it is filled with `first_name` and `last_name` joined by a space, trimmed"
    );
    let validator = jsonschema::draft202012::new(&schema).unwrap();
    assert!(validator.is_valid(&serde_json::to_value(&event).unwrap()));
}

/// A rule naming a field by its Rust name where serde writes another.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, Event)]
#[event(name = "people.renamed", topic = "acme.people.renamed.v1", version = 1, key = id)]
#[serde(rename_all = "camelCase")]
#[schemars(transform = tidings::rules::exactly_one_of(&["given_name", "nickName"]))]
struct MisnamedV1 {
    id: String,
    given_name: Option<String>,
    nick_name: Option<String>,
}

/// A derived default filling a number.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[schemars(transform = tidings::rules::filled_from("age", &["name"]))]
struct Aged {
    name: String,
    age: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, Event)]
#[event(name = "people.aged", topic = "acme.people.aged.v1", version = 1, key = id)]
struct AgedV1 {
    id: String,
    person: Aged,
}

#[test]
fn a_rule_of_a_field_the_object_lacks_or_a_fill_of_a_non_text_field_is_refused_at_gen() {
    use tidings::schema::{SchemaError, avro_schema_of};
    match avro_schema_of::<MisnamedV1>() {
        Err(SchemaError::UnknownRuleField(found)) => {
            assert_eq!(
                (found.path.as_str(), found.rule, found.field.as_str()),
                ("#", "exactly_one_of", "given_name")
            );
            assert_eq!(found.known, "id, givenName, nickName");
        }
        other => panic!("expected UnknownRuleField, got {other:?}"),
    }
    let err = avro_schema_of::<AgedV1>().unwrap_err();
    assert_eq!(
        err,
        SchemaError::FillNotText {
            path: "#/$defs/Aged".into(),
            field: "age".into(),
        }
    );
    assert!(
        err.to_string()
            .contains("`age` is not a plain string field"),
        "{err}"
    );
    // The well-formed ones pass.
    avro_schema_of::<EnrolledV1>().unwrap();
    avro_schema_of::<GradingFinishedV1>().unwrap();
}

/// An untagged union of two closed objects sharing a source name; the one with the derived default
/// first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
struct Team {
    first_name: String,
    members: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(untagged)]
enum Member {
    Person(PersonName),
    Team(Team),
}

/// A union that refers to itself twice, and a recursive list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(untagged)]
enum Nest {
    Left(Box<Nest>),
    Right(Box<Nest>),
    Leaf(String),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
struct Level {
    person: Option<PersonName>,
    below: Vec<Level>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema, Event)]
#[event(name = "shapes.seen", topic = "acme.shapes.seen.v1", version = 1, key = id)]
struct ShapesV1 {
    id: String,
    members: Vec<Member>,
    nest: Nest,
    level: Level,
}

#[test]
fn a_fill_goes_to_the_variant_a_value_is_reaches_deep_values_and_stays_linear() {
    let schema = (ShapesV1::DESCRIPTOR.json_schema)();
    // 90 levels of a recursive list, a person at the bottom.
    let mut level = json!({ "person": { "first_name": "Deep", "last_name": "Down" }, "below": [] });
    for _ in 0..90 {
        level = json!({ "person": null, "below": [level] });
    }
    let mut value = json!({
        "id": "s1",
        "members": [
            { "first_name": "Reds", "members": 11 },
            { "first_name": "Ada", "last_name": "Lovelace" },
        ],
        "nest": "x",
        "level": level,
    });
    let started = std::time::Instant::now();
    let filled = tidings::rules::fill_defaults(&schema, &mut value);
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    assert_eq!(filled, 2, "the person in the members and the deepest one");
    assert_eq!(value["members"][1]["legal_full_name"], "Ada Lovelace");
    // The team has `members`, which a (closed) person has not: it is no person, and nothing is
    // added to it.
    assert!(value["members"][0].get("legal_full_name").is_none());
    let mut deepest = &value["level"];
    for _ in 0..90 {
        deepest = &deepest["below"][0];
    }
    assert_eq!(deepest["person"]["legal_full_name"], "Deep Down");
    // Still valid (the jsonschema crate): a team given a full name would be neither variant.
    let validator = jsonschema::draft202012::new(&schema).unwrap();
    assert!(validator.is_valid(&value));
}

/// A derived default on a field of one variant of a flattened enum.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind")]
enum Kind {
    Labelled { label: Option<String> },
    Plain { size: u32 },
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, Event)]
#[event(name = "items.added", topic = "acme.items.added.v1", version = 1, key = name)]
#[schemars(transform = tidings::rules::filled_from("label", &["name"]))]
struct ItemAddedV1 {
    name: String,
    #[serde(flatten)]
    kind: Kind,
}

/// Derived defaults that cannot work: a `Uuid` source, no source.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, Event)]
#[event(name = "items.tagged", topic = "acme.items.tagged.v1", version = 1, key = name)]
#[schemars(transform = tidings::rules::filled_from("label", &["name", "id"]))]
struct ItemTaggedV1 {
    name: String,
    id: uuid::Uuid,
    label: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, Event)]
#[event(name = "items.unsourced", topic = "acme.items.unsourced.v1", version = 1, key = name)]
#[schemars(transform = tidings::rules::filled_from("label", &[]))]
struct ItemUnsourcedV1 {
    name: String,
    label: Option<String>,
}

#[test]
fn derived_defaults_a_target_cannot_keep_are_refused_at_gen() {
    use tidings::schema::{SchemaError, avro_schema_of};
    match avro_schema_of::<ItemAddedV1>() {
        Err(SchemaError::UnknownRuleField(found)) => {
            assert_eq!((found.rule, found.field.as_str()), ("filled_from", "label"));
        }
        other => panic!("a field of one variant only: {other:?}"),
    }
    assert_eq!(
        avro_schema_of::<ItemTaggedV1>().unwrap_err(),
        SchemaError::FillNotText {
            path: "#".into(),
            field: "id".into(),
        }
    );
    assert_eq!(
        avro_schema_of::<ItemUnsourcedV1>().unwrap_err(),
        SchemaError::EmptyRule {
            path: "#".into(),
            rule: "filled_from",
        }
    );
}
