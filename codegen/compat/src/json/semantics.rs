//! Judging schemas by the values they accept where comparing them keyword by keyword is not
//! enough: the finite set of values of an `enum`, `const`, `oneOf` of constants or type list, and
//! whether two schemas can accept a common value (for `oneOf`, where a value that matches two
//! branches is rejected).

use serde_json::Value;

use super::formats::{self, Range};
use super::load::{Additional, Criterion, JsonSchema, Kind, NodeId, NumberRules, ObjectRules};

const MAX_DEPTH: usize = 32;

/// Every value `id` accepts, when they are finitely many and known: `enum`, `const`, `null`,
/// `boolean`, and combinations of them (`{"type":"string","enum":[…]}`, `oneOf` of `const`s).
pub(super) fn finite_values(schema: &JsonSchema, id: NodeId) -> Option<Vec<Value>> {
    let values = candidates(schema, id, 0)?;
    let mut out: Vec<Value> = Vec::new();
    for value in values {
        if schema.accepts_at(id, &value) && !out.iter().any(|v| super::validate::equal(v, &value)) {
            out.push(value);
        }
    }
    Some(out)
}

/// A finite superset of the values `id` accepts, when there is one.
fn candidates(schema: &JsonSchema, id: NodeId, depth: usize) -> Option<Vec<Value>> {
    if depth > MAX_DEPTH {
        return None;
    }
    match &schema.node(id).kind {
        Kind::False => Some(Vec::new()),
        Kind::Null => Some(vec![Value::Null]),
        Kind::Boolean => Some(vec![Value::Bool(false), Value::Bool(true)]),
        Kind::Enum(values) => Some(values.clone()),
        Kind::Number(rules) if rules.integer => {
            let range = number_range(rules);
            let (low, high) = (range.low.ceil(), range.high.floor());
            (low.is_finite() && high.is_finite() && high - low <= 256.0)
                .then(|| (low as i64..=high as i64).map(Value::from).collect())
        }
        Kind::Ref { target, .. } => candidates(schema, *target, depth + 1),
        Kind::Combined(Criterion::All, parts) => parts
            .iter()
            .find_map(|part| candidates(schema, *part, depth + 1)),
        Kind::Combined(_, parts) => {
            let mut all = Vec::new();
            for part in parts {
                all.extend(candidates(schema, *part, depth + 1)?);
            }
            Some(all)
        }
        _ => None,
    }
}

/// Whether no value is accepted by both `a` (of `left`) and `b` (of `right`). `false` when the
/// engine cannot tell, so a caller that relies on disjointness stays on the safe side.
pub(super) fn disjoint(left: &JsonSchema, a: NodeId, right: &JsonSchema, b: NodeId) -> bool {
    disjoint_at(left, a, right, b, 0)
}

fn disjoint_at(left: &JsonSchema, a: NodeId, right: &JsonSchema, b: NodeId, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    let next = depth + 1;
    let (ka, kb) = (&left.node(a).kind, &right.node(b).kind);
    if let Some(values) = finite_values(left, a) {
        return values.iter().all(|value| !right.accepts_at(b, value));
    }
    if let Some(values) = finite_values(right, b) {
        return values.iter().all(|value| !left.accepts_at(a, value));
    }
    match (ka, kb) {
        (Kind::False, _) | (_, Kind::False) => true,
        (Kind::Ref { target, .. }, _) => disjoint_at(left, *target, right, b, next),
        (_, Kind::Ref { target, .. }) => disjoint_at(left, a, right, *target, next),
        (Kind::Combined(Criterion::All, parts), _) => parts
            .iter()
            .any(|part| disjoint_at(left, *part, right, b, next)),
        (_, Kind::Combined(Criterion::All, parts)) => parts
            .iter()
            .any(|part| disjoint_at(left, a, right, *part, next)),
        (Kind::Combined(_, parts), _) => parts
            .iter()
            .all(|part| disjoint_at(left, *part, right, b, next)),
        (_, Kind::Combined(_, parts)) => parts
            .iter()
            .all(|part| disjoint_at(left, a, right, *part, next)),
        (Kind::True | Kind::Empty | Kind::Not(_), _)
        | (_, Kind::True | Kind::Empty | Kind::Not(_)) => false,
        (Kind::Number(x), Kind::Number(y)) => numbers_disjoint(x, y),
        (Kind::String(x), Kind::String(y)) => {
            let low = x.min_length.unwrap_or(0).max(y.min_length.unwrap_or(0));
            let high = x
                .max_length
                .unwrap_or(u64::MAX)
                .min(y.max_length.unwrap_or(u64::MAX));
            low > high
        }
        (Kind::Object(x), Kind::Object(y)) => {
            objects_disjoint(left, x, right, y, next) || objects_disjoint(right, y, left, x, next)
        }
        (Kind::Array(x), Kind::Array(y)) => {
            let low = x.min_items.unwrap_or(0).max(y.min_items.unwrap_or(0));
            let high = x
                .max_items
                .unwrap_or(u64::MAX)
                .min(y.max_items.unwrap_or(u64::MAX));
            low > high
        }
        (Kind::Null, Kind::Null) | (Kind::Boolean, Kind::Boolean) => false,
        // Different JSON types (integer and number are both numbers, handled above).
        _ => true,
    }
}

/// The closed range of a number schema's values (exclusive bounds taken as inclusive: wider).
pub(super) fn number_range(rules: &NumberRules) -> Range {
    let mut range = Range {
        low: rules
            .minimum
            .into_iter()
            .chain(rules.exclusive_minimum)
            .fold(f64::NEG_INFINITY, f64::max),
        high: rules
            .maximum
            .into_iter()
            .chain(rules.exclusive_maximum)
            .fold(f64::INFINITY, f64::min),
        integer: rules.integer,
    };
    if let Some(format) = rules.format.as_deref().and_then(formats::range) {
        range = range.intersect(format);
    }
    range
}

fn numbers_disjoint(x: &NumberRules, y: &NumberRules) -> bool {
    let (rx, ry) = (number_range(x), number_range(y));
    let both = rx.intersect(ry);
    both.low > both.high
        || (both.integer && both.low.ceil() > both.high.floor())
        || (both.low == both.high
            && (x.exclusive_minimum == Some(both.low)
                || y.exclusive_minimum == Some(both.low)
                || x.exclusive_maximum == Some(both.high)
                || y.exclusive_maximum == Some(both.high)))
}

/// Whether every value of `x` carries a required property that `y` rejects or forbids.
fn objects_disjoint(
    left: &JsonSchema,
    x: &ObjectRules,
    right: &JsonSchema,
    y: &ObjectRules,
    depth: usize,
) -> bool {
    x.required.iter().any(|name| {
        let Some(theirs) = (match y.property(name) {
            Some(id) => Some(id),
            None => match y.covering(name) {
                Additional::Forbidden => return true,
                Additional::Allowed => None,
                Additional::Schema(id) => Some(id),
            },
        }) else {
            return false;
        };
        match x.property(name) {
            Some(ours) => disjoint_at(left, ours, right, theirs, depth),
            None => false,
        }
    })
}
