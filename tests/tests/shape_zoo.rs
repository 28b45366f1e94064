//! The shape zoo: a catalogue (not HuleEdu's) with the Rust shapes a contract is made of, each
//! checked to mean the same thing in every target.
//!
//! - In Rust, for generated values (proptest): serde's JSON validates against the event's JSON
//!   Schema (the jsonschema crate, nothing of tidings) and decodes back to the same value; the
//!   Avro datum of that JSON is read by apache-avro with the event's Avro schema.
//! - In Python and Node (when `python3` and `npm` are present; `TIDINGS_ZOO_CROSS_CHECK=0` skips):
//!   the catalogue's generated output, with the generated values as extra examples, goes through
//!   `tidings_cli::cross_check`: python-jsonschema and ajv validate every value, pydantic parses it
//!   and dumps it back to the same JSON, fastavro reads apache-avro's datum to the same value,
//!   `tsc --strict` compiles the TypeScript package with every value as a literal of its payload
//!   type, the AsyncAPI parser reads the document.
//! - `TIDINGS_ZOO_OUT=DIR` writes that output with the values to `DIR` and leaves the checking to
//!   the caller: `cargo xtask cross-check` checks it with the catalogue's checkers.

use std::collections::{BTreeMap, HashMap};

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tidings::{Event, Timestamp, Untyped};
use tidings_codegen::{CatalogModel, History};
use uuid::Uuid;

/// Every integer width that fits Avro's `long`, and both floats.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema, Event)]
#[event(name = "zoo.numbers", topic = "zoo.numbers.v1", version = 1, key = id)]
pub struct NumbersV1 {
    pub id: String,
    pub i8: i8,
    pub i16: i16,
    pub i32: i32,
    pub i64: i64,
    pub u8: u8,
    pub u16: u16,
    pub u32: u32,
    pub u64: u64,
    pub f32: f32,
    pub f64: f64,
    pub flag: bool,
}

/// A string enum, renamed variants.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Level {
    /// Low.
    Low,
    /// High.
    Highest,
}

/// A nested struct, renamed fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Inner {
    pub display_name: String,
    pub level: Level,
}

/// Text, identifiers, time, dates, options, lists, maps, defaults, skipped nones.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema, Event)]
#[event(name = "zoo.containers", topic = "zoo.containers.v1", version = 1, key = id)]
pub struct ContainersV1 {
    pub id: Uuid,
    pub at: Timestamp,
    pub text: String,
    pub maybe: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skipped_when_none: Option<i64>,
    #[serde(default)]
    pub defaulted: Vec<String>,
    pub inner: Inner,
    pub inners: Vec<Inner>,
    pub maybe_inner: Option<Inner>,
    pub by_name: BTreeMap<String, i32>,
    pub levels: Vec<Level>,
    #[serde(rename = "renamedField")]
    pub renamed: bool,
    pub digest: [u8; 4],
    pub due: chrono::NaiveDate,
    pub maybe_due: Option<chrono::NaiveDate>,
    pub by_hash: HashMap<String, u8>,
    pub local: chrono::NaiveDateTime,
    pub alarm: chrono::NaiveTime,
}

/// A card payment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CardPayment {
    pub card_last4: String,
    pub amount_cents: i64,
}

/// A bank transfer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BankTransfer {
    pub iban: String,
    pub reference: Option<String>,
}

/// The enum form every target maps: untagged, each variant its own struct (an Avro union of
/// records, a pydantic and TypeScript union of the classes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum Payment {
    Card(CardPayment),
    Transfer(BankTransfer),
}

/// An untagged enum of unnamed types: an Avro union of `string`, `long`, `double`, `boolean` and
/// an array.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum Scalar {
    Text(String),
    Count(i64),
    Ratio(f64),
    Flag(bool),
    List(Vec<String>),
}

/// Enums: a string enum, a union of structs, optional; an untyped field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema, Event)]
#[event(name = "zoo.enums", topic = "zoo.enums.v1", version = 1, key = id)]
pub struct EnumsV1 {
    pub id: String,
    pub level: Level,
    pub maybe_level: Option<Level>,
    pub payment: Payment,
    pub maybe_payment: Option<Payment>,
    pub payments: Vec<Payment>,
    #[schemars(extend("x-tidings-untyped" = "free-form context, any JSON object"))]
    pub context: Untyped,
    pub scalar: Scalar,
    pub scalars: Vec<Option<Scalar>>,
}

/// serde's default (external) tagging: unit variants are strings, the others objects of one key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// A unit variant with a doc comment: its own branch of the schema.
    Nobody,
    Everyone,
    Essay(String),
    Batch {
        batch_id: String,
        size: u16,
    },
    Student(Inner),
}

/// The fields of a square.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Side {
    pub side: f64,
    pub label: Option<String>,
}

/// Internal tagging: the tag beside the variant's fields, a newtype variant of a struct, a unit
/// variant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Shape {
    Circle { radius: f64 },
    Square(Side),
    Empty,
}

/// Adjacent tagging: the tag and the content side by side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "type", content = "value")]
pub enum Measure {
    Count(i64),
    Label(String),
    Nothing,
    Point { x: i32, y: i32 },
    Levels(Vec<Level>),
}

/// Enums with data in each of serde's taggings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema, Event)]
#[event(name = "zoo.tagged", topic = "zoo.tagged.v1", version = 1, key = id)]
pub struct TaggedV1 {
    pub id: String,
    pub target: Target,
    pub targets: Vec<Target>,
    pub shape: Shape,
    pub maybe_shape: Option<Shape>,
    pub shapes: Vec<Shape>,
    pub measure: Measure,
    pub maybe_measure: Option<Measure>,
}

/// The target of a request, flattened into it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FlatTarget {
    Essay { essay_id: String },
    Batch { batch_id: String, size: u16 },
    Student(Inner),
}

/// A nested struct with a flattened enum.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Placed {
    pub at: Timestamp,
    #[serde(flatten)]
    pub target: FlatTarget,
}

/// `#[serde(flatten)]` of an enum, in the payload and in a nested type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema, Event)]
#[event(name = "zoo.flattened", topic = "zoo.flattened.v1", version = 1, key = id)]
pub struct FlattenedV1 {
    pub id: String,
    #[serde(flatten)]
    pub target: FlatTarget,
    pub note: Option<String>,
    pub placed: Vec<Placed>,
}

/// Two Rust types of one name, in different modules (and so the same name in different events'
/// `$defs`): each keeps its own fields in Python and TypeScript.
pub mod sender {
    /// Where a parcel is sent from.
    #[derive(
        Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
    )]
    pub struct Address {
        pub street: String,
    }
}

/// See [`sender`].
pub mod recipient {
    /// Where a parcel goes.
    #[derive(
        Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
    )]
    pub struct Address {
        pub postcode: String,
    }
}

/// A reference to an order, camelCase on the wire.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct OrderRef {
    pub order_id: String,
    pub shop_code: Option<String>,
}

/// A payload camelCase on the wire, keyed by a nested optional field with a fallback: Python's
/// and TypeScript's key functions read the wire names (`orderRef.shopCode ?? orderRef.orderId`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema, Event)]
#[serde(rename_all = "camelCase")]
#[event(
    name = "zoo.keyed",
    topic = "zoo.keyed.v1",
    version = 1,
    key = order_ref.shop_code,
    key_fallback = order_ref.order_id
)]
pub struct KeyedV1 {
    pub order_ref: OrderRef,
    pub placed_on: chrono::NaiveDate,
    pub ship_from: sender::Address,
    pub ship_to: recipient::Address,
}

/// A derived default on wire names that are not the Python attributes' (camelCase): the full name,
/// when absent or null, is the given and family names joined by a space, trimmed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(transform = tidings::rules::filled_from("fullName", &["givenName", "familyName"]))]
pub struct PersonName {
    pub given_name: String,
    pub family_name: Option<String>,
    #[serde(default)]
    pub full_name: Option<String>,
}

/// Derived defaults in the payload's fields, in a list and in a map's values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema, Event)]
#[event(name = "zoo.names", topic = "zoo.names.v1", version = 1, key = id)]
pub struct NamesV1 {
    pub id: String,
    pub holder: PersonName,
    pub maybe_holder: Option<PersonName>,
    pub co_holders: Vec<PersonName>,
    pub by_role: BTreeMap<String, PersonName>,
}

/// A recursive type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Node {
    pub name: String,
    pub children: Vec<Node>,
}

/// An object written inline in its schema (`schemars(inline)`): its Avro record and its classes
/// are named after the field (`TreeV1Position`), which here a struct of the catalogue is already
/// called; the inline one becomes `TreeV1Position2`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[schemars(inline)]
pub struct Position {
    pub x: i32,
    pub y: i32,
}

/// A struct whose name is the one the inline `position` would get.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TreeV1Position {
    pub label: String,
}

/// A type named like TypeScript's `Record`, with fields named like pydantic's private
/// attributes (`_id`) and like a type the Python module imports (`datetime`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Record {
    #[serde(rename = "_id")]
    pub id: String,
    pub datetime: Timestamp,
}

/// A type named like pydantic's `Field`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Field {
    pub label: String,
}

/// A tree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema, Event)]
#[event(name = "zoo.tree", topic = "zoo.tree.v1", version = 1, key = id)]
pub struct TreeV1 {
    pub id: String,
    pub root: Node,
    pub position: Position,
    pub named_position: TreeV1Position,
    pub home: recipient::Address,
    pub record: Record,
    pub field: Field,
}

tidings::catalogue! {
    /// The shape zoo.
    pub enum ZooEvent {
        Numbers => NumbersV1,
        Containers => ContainersV1,
        Enums => EnumsV1,
        Tree => TreeV1,
        Tagged => TaggedV1,
        Flattened => FlattenedV1,
        Keyed => KeyedV1,
        Names => NamesV1,
    }
}

fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 _.éß-]{0,12}"
}

fn level() -> impl Strategy<Value = Level> {
    prop_oneof![Just(Level::Low), Just(Level::Highest)]
}

fn inner() -> impl Strategy<Value = Inner> {
    (text(), level()).prop_map(|(display_name, level)| Inner {
        display_name,
        level,
    })
}

fn finite_f64() -> impl Strategy<Value = f64> {
    prop::num::f64::NORMAL | prop::num::f64::ZERO
}

fn numbers() -> impl Strategy<Value = NumbersV1> {
    (
        text(),
        (any::<i8>(), any::<i16>(), any::<i32>(), any::<i64>()),
        (any::<u8>(), any::<u16>(), any::<u32>(), 0..=i64::MAX as u64),
        (
            prop::num::f32::NORMAL | prop::num::f32::ZERO,
            finite_f64(),
            any::<bool>(),
        ),
    )
        .prop_map(
            |(id, (i8, i16, i32, i64), (u8, u16, u32, u64), (f32, f64, flag))| NumbersV1 {
                id,
                i8,
                i16,
                i32,
                i64,
                u8,
                u16,
                u32,
                u64,
                f32,
                f64,
                flag,
            },
        )
}

fn containers() -> impl Strategy<Value = ContainersV1> {
    (
        (any::<u128>(), timestamp(), text(), prop::option::of(text())),
        (
            prop::option::of(any::<i64>()),
            prop::collection::vec(text(), 0..3),
            inner(),
            prop::collection::vec(inner(), 0..3),
            prop::option::of(inner()),
        ),
        (
            prop::collection::btree_map(text(), any::<i32>(), 0..3),
            prop::collection::vec(level(), 0..3),
            any::<bool>(),
            any::<[u8; 4]>(),
        ),
        (
            date(),
            prop::option::of(date()),
            prop::collection::hash_map(text(), any::<u8>(), 0..3),
            (date(), 0u32..86_400, 0u32..1_000_000_000),
        ),
    )
        .prop_map(
            |(
                (id, at, text, maybe),
                (skipped_when_none, defaulted, inner, inners, maybe_inner),
                (by_name, levels, renamed, digest),
                (due, maybe_due, by_hash, (day, seconds, nanos)),
            )| ContainersV1 {
                id: Uuid::from_u128(id),
                at,
                text,
                maybe,
                skipped_when_none,
                defaulted,
                inner,
                inners,
                maybe_inner,
                by_name,
                levels,
                renamed,
                digest,
                due,
                maybe_due,
                by_hash,
                local: day.and_time(time_of(seconds, nanos)),
                alarm: time_of(seconds, nanos),
            },
        )
}

fn payment() -> impl Strategy<Value = Payment> {
    prop_oneof![
        (text(), any::<i64>()).prop_map(|(card_last4, amount_cents)| Payment::Card(CardPayment {
            card_last4,
            amount_cents,
        })),
        // An IBAN is never empty: an empty one would read back as a card payment's missing
        // fields only if the shapes overlapped; they do not.
        ("[A-Z]{2}[0-9]{2}[A-Z0-9]{4,10}", prop::option::of(text()))
            .prop_map(|(iban, reference)| Payment::Transfer(BankTransfer { iban, reference })),
    ]
}

fn scalar() -> impl Strategy<Value = Scalar> {
    prop_oneof![
        text().prop_map(Scalar::Text),
        any::<i64>().prop_map(Scalar::Count),
        finite_f64().prop_map(Scalar::Ratio),
        any::<bool>().prop_map(Scalar::Flag),
        prop::collection::vec(text(), 0..3).prop_map(Scalar::List),
    ]
}

fn enums() -> impl Strategy<Value = EnumsV1> {
    (
        text(),
        level(),
        prop::option::of(level()),
        payment(),
        prop::option::of(payment()),
        prop::collection::vec(payment(), 0..3),
        prop::collection::btree_map(text(), any::<i32>(), 0..3),
        scalar(),
        prop::collection::vec(prop::option::of(scalar()), 0..3),
    )
        .prop_map(
            |(
                id,
                level,
                maybe_level,
                payment,
                maybe_payment,
                payments,
                context,
                scalar,
                scalars,
            )| EnumsV1 {
                id,
                level,
                maybe_level,
                payment,
                maybe_payment,
                payments,
                context: Untyped(
                    context
                        .into_iter()
                        .map(|(k, v)| (k, Value::from(v)))
                        .collect::<serde_json::Map<String, Value>>(),
                ),
                scalar,
                scalars,
            },
        )
}

fn target() -> impl Strategy<Value = Target> {
    prop_oneof![
        Just(Target::Nobody),
        Just(Target::Everyone),
        text().prop_map(Target::Essay),
        (text(), any::<u16>()).prop_map(|(batch_id, size)| Target::Batch { batch_id, size }),
        inner().prop_map(Target::Student),
    ]
}

fn shape() -> impl Strategy<Value = Shape> {
    prop_oneof![
        finite_f64().prop_map(|radius| Shape::Circle { radius }),
        (finite_f64(), prop::option::of(text()))
            .prop_map(|(side, label)| Shape::Square(Side { side, label })),
        Just(Shape::Empty),
    ]
}

fn measure() -> impl Strategy<Value = Measure> {
    prop_oneof![
        any::<i64>().prop_map(Measure::Count),
        text().prop_map(Measure::Label),
        Just(Measure::Nothing),
        (any::<i32>(), any::<i32>()).prop_map(|(x, y)| Measure::Point { x, y }),
        prop::collection::vec(level(), 0..3).prop_map(Measure::Levels),
    ]
}

fn tagged() -> impl Strategy<Value = TaggedV1> {
    (
        text(),
        target(),
        prop::collection::vec(target(), 0..4),
        shape(),
        prop::option::of(shape()),
        prop::collection::vec(shape(), 0..4),
        measure(),
        prop::option::of(measure()),
    )
        .prop_map(
            |(id, target, targets, shape, maybe_shape, shapes, measure, maybe_measure)| TaggedV1 {
                id,
                target,
                targets,
                shape,
                maybe_shape,
                shapes,
                measure,
                maybe_measure,
            },
        )
}

fn timestamp() -> impl Strategy<Value = Timestamp> {
    (0i64..4_102_444_800_000_000)
        .prop_map(|micros| Timestamp::from_timestamp_micros(micros).unwrap_or_else(Timestamp::now))
}

/// Calendar dates of years 1 to 9999 (RFC 3339 `full-date`; Python's `date`).
fn date() -> impl Strategy<Value = chrono::NaiveDate> {
    (-719_162i64..=2_932_896).prop_map(|days| {
        chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap() + chrono::Duration::days(days)
    })
}

fn time_of(seconds: u32, nanos: u32) -> chrono::NaiveTime {
    chrono::NaiveTime::from_num_seconds_from_midnight_opt(seconds, nanos).unwrap()
}

fn flat_target() -> impl Strategy<Value = FlatTarget> {
    prop_oneof![
        text().prop_map(|essay_id| FlatTarget::Essay { essay_id }),
        (text(), any::<u16>()).prop_map(|(batch_id, size)| FlatTarget::Batch { batch_id, size }),
        inner().prop_map(FlatTarget::Student),
    ]
}

fn flattened() -> impl Strategy<Value = FlattenedV1> {
    let placed = (timestamp(), flat_target()).prop_map(|(at, target)| Placed { at, target });
    (
        text(),
        flat_target(),
        prop::option::of(text()),
        prop::collection::vec(placed, 0..3),
    )
        .prop_map(|(id, target, note, placed)| FlattenedV1 {
            id,
            target,
            note,
            placed,
        })
}

fn keyed() -> impl Strategy<Value = KeyedV1> {
    (text(), prop::option::of(text()), date(), text(), text()).prop_map(
        |(order_id, shop_code, placed_on, street, postcode)| KeyedV1 {
            order_ref: OrderRef {
                order_id,
                shop_code,
            },
            placed_on,
            ship_from: sender::Address { street },
            ship_to: recipient::Address { postcode },
        },
    )
}

/// Names with the whitespace Python's `str.strip()` and Rust's trimming must agree on, at either end
/// or alone: spaces, a tab, an information separator, an ideographic space.
fn name_part() -> impl Strategy<Value = String> {
    "[ \t\u{1c}\u{3000}]{0,2}[a-zA-Zé]{0,6}[ \u{1f}\u{2003}]{0,2}"
}

fn person_name() -> impl Strategy<Value = PersonName> {
    (
        name_part(),
        prop::option::of(name_part()),
        prop::option::of(text()),
    )
        .prop_map(|(given_name, family_name, full_name)| PersonName {
            given_name,
            family_name,
            full_name,
        })
}

fn names() -> impl Strategy<Value = NamesV1> {
    (
        text(),
        person_name(),
        prop::option::of(person_name()),
        prop::collection::vec(person_name(), 0..3),
        prop::collection::btree_map(text(), person_name(), 0..3),
    )
        .prop_map(|(id, holder, maybe_holder, co_holders, by_role)| NamesV1 {
            id,
            holder,
            maybe_holder,
            co_holders,
            by_role,
        })
}

fn node() -> impl Strategy<Value = Node> {
    let leaf = text().prop_map(|name| Node {
        name,
        children: Vec::new(),
    });
    leaf.prop_recursive(3, 12, 3, |child| {
        (text(), prop::collection::vec(child, 0..3))
            .prop_map(|(name, children)| Node { name, children })
    })
}

fn tree() -> impl Strategy<Value = TreeV1> {
    (
        text(),
        node(),
        any::<(i32, i32)>(),
        text(),
        text(),
        (text(), timestamp()),
    )
        .prop_map(
            |(id, root, (x, y), label, postcode, (record_id, at))| TreeV1 {
                id,
                root,
                position: Position { x, y },
                named_position: TreeV1Position { label },
                home: recipient::Address { postcode },
                record: Record {
                    id: record_id,
                    datetime: at,
                },
                field: Field {
                    label: format!("field {y}"),
                },
            },
        )
}

/// Generated values as JSON, each with its partition key.
type Generated = Vec<(Value, String)>;

/// How many values of each event are generated.
const VALUES: u32 = 64;

/// Generated values of `E`: each validated by the jsonschema crate against the event's schema,
/// decoded back to the same value, and written to Avro and read back by apache-avro; returns
/// their JSON and partition keys.
fn round_trips<E>(strategy: impl Strategy<Value = E>) -> Generated
where
    E: Event + PartialEq + std::fmt::Debug + serde::de::DeserializeOwned,
{
    let schema = (E::DESCRIPTOR.json_schema)();
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(&schema)
        .unwrap_or_else(|err| panic!("{}: the schema does not compile: {err}", E::NAME));
    let avro_json = tidings::schema::avro_schema_of::<E>()
        .unwrap_or_else(|err| panic!("{}: no Avro schema: {err}", E::NAME));
    let avro = apache_avro::Schema::parse(&{
        let mut schema = avro_json.clone();
        if let Some(object) = schema.as_object_mut() {
            object.remove("$comment");
        }
        schema
    })
    .unwrap_or_else(|err| panic!("{}: apache-avro refuses the schema: {err}", E::NAME));
    let values = std::cell::RefCell::new(Vec::new());
    let mut runner = TestRunner::new(Config {
        cases: VALUES,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&strategy, |event| {
            let json = serde_json::to_value(&event).expect("serializes");
            let errors: Vec<String> = validator
                .iter_errors(&json)
                .map(|e| e.to_string())
                .collect();
            prop_assert!(
                errors.is_empty(),
                "{}: {json} breaks its schema: {errors:?}",
                E::NAME
            );
            prop_assert!(
                event.validate().is_ok(),
                "{}: {:?}",
                E::NAME,
                event.validate()
            );
            let back: E = serde_json::from_value(json.clone()).expect("decodes");
            prop_assert_eq!(&back, &event);
            // As a consumer reads it: derived defaults filled, still valid and decodable.
            let mut filled = json.clone();
            tidings::rules::fill_payload_defaults(&E::DESCRIPTOR, &mut filled);
            prop_assert!(validator.is_valid(&filled), "{}: filled {filled}", E::NAME);
            prop_assert!(serde_json::from_value::<E>(filled).is_ok());
            let datum = tidings_codegen::avro_datum::encode(&avro_json, &json)
                .map_err(|err| TestCaseError::fail(format!("{}: {json}: {err}", E::NAME)))?;
            let read = apache_avro::from_avro_datum(&avro, &mut datum.as_slice(), None);
            prop_assert!(
                read.is_ok(),
                "{}: apache-avro cannot read {json}: {:?}",
                E::NAME,
                read
            );
            values
                .borrow_mut()
                .push((json, event.partition_key().as_str().to_owned()));
            Ok(())
        })
        .unwrap_or_else(|err| panic!("{err}"));
    values.into_inner()
}

#[test]
fn every_shape_round_trips_in_rust_and_in_the_other_languages() {
    let mut values: Vec<(&str, Generated)> = vec![
        (NumbersV1::TOPIC, round_trips(numbers())),
        (ContainersV1::TOPIC, round_trips(containers())),
        (EnumsV1::TOPIC, round_trips(enums())),
        (TreeV1::TOPIC, round_trips(tree())),
        (TaggedV1::TOPIC, round_trips(tagged())),
        (FlattenedV1::TOPIC, round_trips(flattened())),
        (KeyedV1::TOPIC, round_trips(keyed())),
        (NamesV1::TOPIC, round_trips(names())),
    ];
    let count: usize = values.iter().map(|(_, v)| v.len()).sum();
    eprintln!(
        "shape zoo: {} events, {count} generated values round-trip in Rust",
        values.len()
    );

    // Written for a caller that checks it (`cargo xtask cross-check`), or checked here.
    let requested = std::env::var_os("TIDINGS_ZOO_OUT").map(std::path::PathBuf::from);
    if requested.is_none() {
        if std::env::var("TIDINGS_ZOO_CROSS_CHECK").as_deref() == Ok("0") {
            return;
        }
        let has = |tool: &str| {
            std::process::Command::new(tool)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        };
        if !(has("python3") && has("npm")) {
            eprintln!("shape zoo: python3 or npm missing; the other languages' checks are skipped");
            return;
        }
    }
    let model = CatalogModel::of::<ZooEventPayload>("Zoo").expect("the zoo builds");
    let files = tidings_codegen::generate(&model, &History::default()).expect("templates render");
    let checked_here = requested.is_none();
    let out = requested.unwrap_or_else(|| {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/shape-zoo/generated")
    });
    let _ = std::fs::remove_dir_all(&out);
    for file in &files {
        let path = out.join(&file.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &file.contents).unwrap();
    }
    // Each generated value as an extra example of its event: the example's envelope with the
    // value as its data.
    let mut written = 0;
    for (topic, generated) in values.drain(..) {
        let example_path = out.join(format!("examples/{topic}.json"));
        let example: Value =
            serde_json::from_str(&std::fs::read_to_string(&example_path).unwrap()).unwrap();
        for (index, (value, key)) in generated.into_iter().enumerate() {
            let mut extra = example.clone();
            extra["envelope"]["data"] = value;
            extra["partition_key"] = Value::String(key);
            std::fs::write(
                out.join(format!("examples/{topic}~{index:03}.json")),
                serde_json::to_string_pretty(&extra).unwrap(),
            )
            .unwrap();
            written += 1;
        }
    }
    if !checked_here {
        eprintln!(
            "shape zoo: {written} generated values written with the zoo's output to {}",
            out.display()
        );
        return;
    }
    let work =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/tidings-cross-check");
    tidings_cli::cross_check::run(&[out], &work)
        .unwrap_or_else(|err| panic!("the zoo's output fails the cross-check: {err}"));
    eprintln!(
        "shape zoo: {written} generated values checked by python-jsonschema, pydantic, fastavro and ajv"
    );
}

/// The shapes no Avro schema can hold as serde writes them: refused when the schemas are made
/// (`gen`, `check-schemas`, `avro_schema_of`), with the path and what to use instead, never a
/// schema that describes other data.
mod refused {
    use super::*;

    #[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
    #[serde(untagged)]
    pub enum InlineUntagged {
        A { a: String },
        B { b: i64 },
    }

    macro_rules! holder {
        ($name:ident, $event:literal, $topic:literal, $ty:ty) => {
            #[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, Event)]
            #[event(name = $event, topic = $topic, version = 1, key = id)]
            pub struct $name {
                pub id: String,
                pub value: $ty,
            }
        };
    }
    holder!(
        InlineUntaggedV1,
        "zoo.inline",
        "zoo.inline.v1",
        InlineUntagged
    );
    // In a payload's own fields these two do not compile (runtime/tests/ui/fail/refused_shapes.rs);
    // inside a nested type the derive cannot see them, and the schemas refuse them.
    #[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
    pub struct IntKeys {
        pub stock: BTreeMap<u32, String>,
    }

    #[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
    pub struct Tuple {
        pub position: (i32, String),
    }

    /// A flattened enum whose tag every variant holds: one Avro record cannot hold the tag
    /// of each variant.
    #[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
    pub struct FlatInternal {
        pub at: String,
        #[serde(flatten)]
        pub shape: Shape,
    }

    /// Two alternatives of one Avro type (`string`): a reader could not tell them apart.
    #[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
    #[serde(untagged)]
    pub enum TwoTexts {
        Name(String),
        Id(Uuid),
    }

    holder!(IntKeysV1, "zoo.int_keys", "zoo.int_keys.v1", IntKeys);
    holder!(TwoTextsV1, "zoo.two_texts", "zoo.two_texts.v1", TwoTexts);
    holder!(
        FlatInternalV1,
        "zoo.flat_internal",
        "zoo.flat_internal.v1",
        FlatInternal
    );
    holder!(TupleV1, "zoo.tuple", "zoo.tuple.v1", Tuple);

    fn refusal<E: Event>() -> String {
        match tidings::schema::avro_schema_of::<E>() {
            Ok(avro) => panic!("{}: an Avro schema was made: {avro}", E::NAME),
            Err(err) => err.to_string(),
        }
    }

    #[test]
    fn each_is_refused_naming_the_field_and_what_to_do() {
        let refusals = [
            refusal::<InlineUntaggedV1>(),
            refusal::<IntKeysV1>(),
            refusal::<TupleV1>(),
            refusal::<FlatInternalV1>(),
            refusal::<TwoTextsV1>(),
        ];
        for message in &refusals {
            assert!(message.starts_with("/value"), "{message}");
            assert!(
                message.contains("; "),
                "a refusal says what to do instead: {message}"
            );
        }
        assert!(
            refusals[1].contains("integer keys") && refusals[1].contains("BTreeMap<String, _>"),
            "{}",
            refusals[1]
        );
        assert!(refusals[2].contains("a tuple"), "{}", refusals[2]);
        assert!(
            refusals[3].contains("property `kind` in several parts of a flattened oneOf"),
            "{}",
            refusals[3]
        );
        assert!(refusals[4].contains("a second `string`"), "{}", refusals[4]);
        eprintln!(
            "shape zoo: {} shapes refused: {refusals:#?}",
            refusals.len()
        );
    }
}
