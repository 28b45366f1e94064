//! A derived default (`tidings::rules::filled_from`) constrains nothing: adding or removing one is
//! no break in any direction.

use serde_json::json;
use tidings_compat::{self as compat, Compatibility, Policy, Schema, SchemaFormat};

fn schema(with_rule: bool) -> Schema {
    with(with_rule.then(|| {
        json!({
            "x-tidings-rule": { "kind": "filled_from", "fields": ["legal_full_name", "first_name", "last_name"] },
            "description": "when `legal_full_name` is absent or null, it is filled with `first_name` and `last_name` joined by a space, trimmed"
        })
    }))
}

fn with(rule: Option<serde_json::Value>) -> Schema {
    let mut person = json!({
        "type": "object",
        "properties": {
            "first_name": { "type": "string" },
            "last_name": { "type": "string" },
            "legal_full_name": { "type": ["string", "null"] }
        },
        "required": ["first_name", "last_name"],
        "additionalProperties": false
    });
    if let Some(rule) = rule {
        person["allOf"] = json!([rule]);
    }
    Schema::parse(SchemaFormat::JsonSchema, &person.to_string()).unwrap()
}

#[test]
fn adding_or_removing_a_derived_default_breaks_no_reader_or_writer() {
    for (old, new) in [(false, true), (true, false)] {
        for policy in [Policy::Strict, Policy::Lenient] {
            let report =
                compat::check(Compatibility::Full, policy, &[schema(old)], &schema(new)).unwrap();
            let breaks: Vec<_> = report
                .incompatibilities()
                .map(|(_, c)| format!("{c:?}"))
                .collect();
            assert!(breaks.is_empty(), "{old} -> {new}, {policy:?}: {breaks:?}");
        }
    }
}

#[test]
fn adding_a_constraint_in_the_same_place_is_a_break() {
    // The same entry holding a constraint (the name must be given): readers of the old schema
    // wrote data the new one refuses.
    let constraint = json!({
        "x-tidings-rule": { "kind": "at_least_one_of", "fields": ["legal_full_name"] },
        "anyOf": [{ "required": ["legal_full_name"], "properties": { "legal_full_name": { "not": { "enum": [null, ""] } } } }]
    });
    let report = compat::check(
        Compatibility::Backward,
        Policy::Strict,
        &[with(None)],
        &with(Some(constraint)),
    )
    .unwrap();
    assert!(!report.is_compatible());
}
