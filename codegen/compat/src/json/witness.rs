//! Witnesses of JSON Schema breaks: values drawn from the writer's schema, each a small variation
//! of one minimal valid value, kept when the writer's schema accepts them and the reader's rejects
//! them. A breaking change takes the first such value that varies where the change is, else any.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

use super::load::{Additional, Criterion, JsonSchema, Kind, NodeId};
use crate::{Change, Witness};

/// How far down nested schemas values are drawn; deeper parts get their first value only.
const MAX_DEPTH: usize = 8;
/// Values drawn per node, at most (objects and arrays add one variation per part).
const MAX_VALUES: usize = 600;
/// Variations one property or item contributes to the object or array that holds it.
const MAX_VARIATIONS: usize = 24;

/// A drawn value and where it differs from the minimal one, as a field path (`a.b[]`, `(root)`).
#[derive(Debug, Clone)]
pub struct Drawn {
    /// The value.
    pub value: Value,
    /// Where it varies.
    pub path: String,
}

/// Values from the reader's document that are worth trying in the writer's: property names,
/// bounds, enum members.
#[derive(Debug, Default)]
struct Hints {
    names: Vec<String>,
    numbers: Vec<f64>,
    strings: Vec<String>,
}

impl Hints {
    fn collect(&mut self, value: &Value, depth: usize) {
        if depth > 64 {
            return;
        }
        let Value::Object(object) = value else {
            if let Value::Array(items) = value {
                items.iter().for_each(|item| self.collect(item, depth + 1));
            }
            return;
        };
        for (key, member) in object {
            match key.as_str() {
                "properties" | "patternProperties" | "dependencies" | "dependentRequired"
                | "dependentSchemas" => {
                    if let Value::Object(named) = member {
                        for name in named.keys() {
                            if key == "patternProperties" {
                                for name in names_matching(name) {
                                    push_unique(&mut self.names, name);
                                }
                            } else {
                                push_unique(&mut self.names, name.clone());
                            }
                        }
                    }
                }
                "required" => {
                    for name in member
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                    {
                        push_unique(&mut self.names, name.to_owned());
                    }
                }
                "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum" | "multipleOf"
                | "minLength" | "maxLength" => {
                    if let Some(n) = member.as_f64() {
                        self.numbers.push(n);
                    }
                }
                "enum" | "const" => {
                    let values = match member {
                        Value::Array(values) if key == "enum" => values.clone(),
                        other => vec![other.clone()],
                    };
                    for value in values {
                        match value {
                            Value::String(s) => push_unique(&mut self.strings, s),
                            Value::Number(n) => self.numbers.extend(n.as_f64()),
                            _ => {}
                        }
                    }
                }
                "pattern" => {
                    if let Some(pattern) = member.as_str() {
                        push_unique(&mut self.strings, literal_prefix(pattern));
                    }
                }
                _ => {}
            }
            self.collect(member, depth + 1);
        }
    }
}

fn push_unique<T: PartialEq>(list: &mut Vec<T>, item: T) {
    if !list.contains(&item) {
        list.push(item);
    }
}

/// A few property names a `patternProperties` pattern matches, when the engine finds some.
fn names_matching(pattern: &str) -> Vec<String> {
    let Ok(regex) = regex::Regex::new(pattern) else {
        return Vec::new();
    };
    let prefix = literal_prefix(pattern);
    [
        format!("{prefix}x"),
        format!("{prefix}1"),
        "1".into(),
        "x".into(),
        "0".into(),
    ]
    .into_iter()
    .filter(|name| regex.is_match(name))
    .take(2)
    .collect()
}

/// The literal text a pattern starts with (`^score_` → `score_`), for names and strings that
/// match it.
fn literal_prefix(pattern: &str) -> String {
    pattern
        .trim_start_matches('^')
        .chars()
        .take_while(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | ' ' | ':' | '/'))
        .collect()
}

/// Draws values from `schema`, with `reader`'s document as a source of names and bounds.
pub fn draw(schema: &JsonSchema, reader: &JsonSchema) -> Vec<Drawn> {
    draw_towards(schema, reader, None)
}

/// Draws values as [`draw`] does; with `focus` (a field path), properties named on it keep every
/// variation instead of the first few.
fn draw_towards(schema: &JsonSchema, reader: &JsonSchema, focus: Option<&str>) -> Vec<Drawn> {
    let mut hints = Hints::default();
    hints.collect(&reader.node(reader.root).raw, 0);
    hints.collect(&schema.node(schema.root).raw, 0);
    push_unique(&mut hints.names, "x_extra".to_owned());
    let sampler = Sampler {
        schema,
        hints: &hints,
        memo: RefCell::default(),
        busy: RefCell::default(),
        focus: focus
            .map(|path| {
                path.split(['.', '[', ']', '{', '}'])
                    .filter(|part| !part.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default(),
    };
    sampler
        .values(schema.root, 0)
        .into_iter()
        .map(|(value, path)| Drawn {
            value,
            path: if path.is_empty() {
                "(root)".into()
            } else {
                path
            },
        })
        .collect()
}

/// Fills the witness of every breaking change in `changes`.
pub fn attach(writer: &JsonSchema, reader: &JsonSchema, changes: &mut [Change]) {
    if changes.iter().all(|change| change.compatible) {
        return;
    }
    let drawn = draw(writer, reader);
    let counterexamples: Vec<&Drawn> = drawn.iter().filter(|d| !reader.accepts(&d.value)).collect();
    for change in changes.iter_mut().filter(|change| !change.compatible) {
        let at = change.path.field_path();
        let related =
            |d: &Drawn| at == "(root)" || d.path.starts_with(&at) || at.starts_with(&d.path);
        let mut chosen = counterexamples
            .iter()
            .find(|d| related(d))
            .map(|d| d.value.clone());
        if chosen.is_none() {
            // Draw again with every variation along the change's path.
            chosen = draw_towards(writer, reader, Some(&at))
                .into_iter()
                .find(|d| related(d) && !reader.accepts(&d.value))
                .map(|d| d.value);
        }
        let chosen = chosen.or_else(|| counterexamples.first().map(|d| d.value.clone()));
        change.witness = Some(match chosen {
            Some(value) => Witness::Value(value),
            None => Witness::Unavailable(format!(
                "none of the {} values drawn from the writer's schema is rejected by the reader's; \
                 the rule may be stricter than the data requires",
                drawn.len()
            )),
        });
    }
}

struct Sampler<'a> {
    schema: &'a JsonSchema,
    hints: &'a Hints,
    /// The values of each node, drawn once: `$defs` are referenced from many places.
    memo: RefCell<HashMap<NodeId, Values>>,
    /// Nodes being drawn: a recursive reference back into one of them draws nothing.
    busy: RefCell<HashSet<NodeId>>,
    /// Property names on the way to a change: they keep all their variations.
    focus: HashSet<String>,
}

/// The values of each list in turn: the first of each, then the second of each, …
fn interleave(lists: Vec<Values>) -> Values {
    let mut iterators: Vec<_> = lists.into_iter().map(Vec::into_iter).collect();
    let mut out = Values::new();
    loop {
        let before = out.len();
        for iterator in &mut iterators {
            out.extend(iterator.next());
        }
        if out.len() == before {
            return out;
        }
    }
}

/// `head` then `rest` as a field path: `a` + `b` → `a.b`, `a` + `[]` → `a[]`.
fn nest(head: &str, rest: &str) -> String {
    if rest.is_empty() {
        head.to_owned()
    } else if rest.starts_with('[') || rest.starts_with('{') {
        format!("{head}{rest}")
    } else if head.is_empty() {
        rest.to_owned()
    } else {
        format!("{head}.{rest}")
    }
}

type Values = Vec<(Value, String)>;

impl Sampler<'_> {
    /// Values `id` accepts, each with where it varies (relative to `id`); the first is minimal.
    fn values(&self, id: NodeId, depth: usize) -> Values {
        if let Some(values) = self.memo.borrow().get(&id) {
            return values.clone();
        }
        if !self.busy.borrow_mut().insert(id) {
            return Values::new();
        }
        let mut out = Values::new();
        let mut seen = HashSet::new();
        for (value, path) in self.candidates(id, depth) {
            if out.len() >= MAX_VALUES {
                break;
            }
            if seen.insert(value.to_string()) && self.schema.accepts_at(id, &value) {
                out.push((value, path));
            }
        }
        self.busy.borrow_mut().remove(&id);
        self.memo.borrow_mut().insert(id, out.clone());
        out
    }

    fn first(&self, id: NodeId, depth: usize) -> Option<Value> {
        self.values(id, depth).into_iter().next().map(|(v, _)| v)
    }

    fn anything(&self) -> Values {
        [
            Value::Null,
            Value::Bool(true),
            Value::from(0),
            Value::from(1.5),
            Value::from("x"),
            Value::Object(Map::new()),
            Value::Array(Vec::new()),
        ]
        .into_iter()
        .map(|v| (v, String::new()))
        .collect()
    }

    fn candidates(&self, id: NodeId, depth: usize) -> Values {
        let plain = |values: Vec<Value>| values.into_iter().map(|v| (v, String::new())).collect();
        match &self.schema.node(id).kind {
            Kind::True | Kind::Empty | Kind::Not(_) => self.anything(),
            Kind::False => Values::new(),
            Kind::Null => plain(vec![Value::Null]),
            Kind::Boolean => plain(vec![Value::Bool(false), Value::Bool(true)]),
            Kind::Enum(values) => plain(values.clone()),
            Kind::String(rules) => {
                let mut strings: Vec<String> = Vec::new();
                match rules.format.as_deref() {
                    Some("uuid") => strings.push("00000000-0000-0000-0000-000000000000".into()),
                    Some("date-time") => strings.push("2024-01-01T00:00:00Z".into()),
                    Some("date") => strings.push("2024-01-01".into()),
                    Some("email") => strings.push("a@example.com".into()),
                    _ => {}
                }
                let min = rules.min_length.unwrap_or(0) as usize;
                strings.push("x".repeat(min.max(1)));
                strings.push(String::new());
                if let Some(max) = rules.max_length {
                    strings.push("x".repeat(max as usize));
                }
                if let Some(pattern) = &rules.pattern {
                    let prefix = literal_prefix(pattern);
                    strings.push(format!("{prefix}x"));
                    strings.push(prefix);
                }
                strings.extend(self.hints.strings.iter().cloned());
                for n in &self.hints.numbers {
                    if *n >= 0.0 && *n < 256.0 && n.fract() == 0.0 {
                        strings.push("x".repeat(*n as usize));
                        strings.push("x".repeat(*n as usize + 1));
                    }
                }
                strings
                    .into_iter()
                    .map(|s| (Value::String(s), String::new()))
                    .collect()
            }
            Kind::Number(rules) => {
                let mut numbers: Vec<f64> = vec![
                    0.0,
                    1.0,
                    -1.0,
                    2.0,
                    10.0,
                    100.0,
                    127.0,
                    128.0,
                    255.0,
                    256.0,
                    -129.0,
                    32767.0,
                    32768.0,
                    65535.0,
                    65536.0,
                    2147483647.0,
                    2147483648.0,
                    -2147483648.0,
                    -2147483649.0,
                    4294967295.0,
                    4294967296.0,
                ];
                let bounds = [
                    rules.minimum,
                    rules.maximum,
                    rules.exclusive_minimum,
                    rules.exclusive_maximum,
                    rules.multiple_of,
                ];
                for n in bounds
                    .into_iter()
                    .flatten()
                    .chain(self.hints.numbers.iter().copied())
                {
                    numbers.extend([n, n - 1.0, n + 1.0, n * 2.0, n * 3.0, n.floor(), n.ceil()]);
                    if !rules.integer {
                        numbers.extend([n - 0.5, n + 0.5]);
                    }
                }
                if !rules.integer {
                    numbers.extend([0.5, 1.5, -0.5, 1e300]);
                }
                numbers
                    .into_iter()
                    .filter(|n| n.is_finite())
                    .map(|n| {
                        let value = if n.fract() == 0.0 && n.abs() < 9.0e15 {
                            Value::from(n as i64)
                        } else {
                            Value::from(n)
                        };
                        (value, String::new())
                    })
                    .collect()
            }
            // Branches take turns, so a short branch (`null`) is not cut off behind a long one.
            Kind::Combined(Criterion::All, parts) => interleave(
                parts
                    .iter()
                    .map(|part| self.candidates(*part, depth))
                    .collect(),
            ),
            Kind::Combined(_, parts) => {
                interleave(parts.iter().map(|part| self.values(*part, depth)).collect())
            }
            Kind::Ref { target, .. } => {
                if depth > MAX_DEPTH {
                    Values::new()
                } else {
                    self.values(*target, depth + 1)
                }
            }
            Kind::Object(rules) => self.objects(rules, depth),
            Kind::Array(rules) => self.arrays(rules, depth),
        }
    }

    fn nested(&self, id: NodeId, depth: usize) -> Values {
        if depth >= MAX_DEPTH {
            self.first(id, depth + 1)
                .map(|v| vec![(v, String::new())])
                .unwrap_or_default()
        } else {
            self.values(id, depth + 1)
        }
    }

    /// The schema an undeclared property `name` is checked against, when one is allowed.
    fn undeclared(&self, rules: &super::load::ObjectRules, name: &str, depth: usize) -> Values {
        match rules.covering(name) {
            Additional::Forbidden => Values::new(),
            Additional::Allowed => self.anything(),
            Additional::Schema(id) => self.nested(id, depth),
        }
    }

    fn objects(&self, rules: &super::load::ObjectRules, depth: usize) -> Values {
        let mut base = Map::new();
        for name in &rules.required {
            let values = match rules.property(name) {
                Some(id) => self.nested(id, depth),
                None => self.undeclared(rules, name, depth),
            };
            let Some((value, _)) = values.into_iter().next() else {
                return Values::new();
            };
            base.insert(name.clone(), value);
        }
        let mut out = vec![(Value::Object(base.clone()), String::new())];
        // Every declared property and every name worth trying at once, for bounds on counts.
        let declared: Vec<(&String, Values)> = rules
            .properties
            .iter()
            .map(|(name, id)| {
                let mut values = self.nested(*id, depth);
                if !self.focus.contains(name.as_str()) {
                    values.truncate(MAX_VARIATIONS);
                }
                (name, values)
            })
            .collect();
        let mut full = base.clone();
        for (name, values) in &declared {
            if let Some((value, _)) = values.first() {
                full.entry((*name).clone()).or_insert_with(|| value.clone());
            }
        }
        for name in &self.hints.names {
            if let Some((value, _)) = self.undeclared(rules, name, depth).into_iter().next() {
                full.entry(name.clone()).or_insert(value);
            }
        }
        // Fillers past the largest small count either schema names (`maxProperties`).
        let fillers = self
            .hints
            .numbers
            .iter()
            .filter(|n| n.fract() == 0.0 && (0.0..=32.0).contains(*n))
            .fold(0.0_f64, |a, b| a.max(*b)) as usize
            + 1;
        for index in 0..fillers {
            let name = format!("x_filler_{index}");
            if let Some((value, _)) = self.undeclared(rules, &name, depth).into_iter().next() {
                if full.len() > fillers {
                    break;
                }
                full.entry(name).or_insert(value);
            }
        }
        out.push((Value::Object(full), String::new()));
        let mut vary = |name: &str, values: Values| {
            for (value, path) in values {
                let mut object = base.clone();
                object.insert(name.to_owned(), value);
                out.push((Value::Object(object), nest(name, &path)));
            }
        };
        for (name, values) in declared {
            vary(name, values);
        }
        for name in &self.hints.names {
            if rules.property(name).is_none() {
                vary(name, self.undeclared(rules, name, depth));
            }
        }
        out
    }

    fn arrays(&self, rules: &super::load::ArrayRules, depth: usize) -> Values {
        let tuple: Vec<Values> = rules
            .tuple
            .iter()
            .map(|id| {
                let mut values = self.nested(*id, depth);
                values.truncate(MAX_VARIATIONS);
                values
            })
            .collect();
        let mut rest = match rules.rest() {
            Additional::Forbidden => Values::new(),
            Additional::Allowed => self.anything(),
            Additional::Schema(id) => self.nested(id, depth),
        };
        rest.truncate(MAX_VARIATIONS);
        let min = rules.min_items.unwrap_or(0) as usize;
        let mut base = Vec::new();
        for values in &tuple {
            match values.first() {
                Some((value, _)) => base.push(value.clone()),
                None => break,
            }
        }
        for (value, _) in rest.iter().cycle().take(min.saturating_sub(base.len())) {
            base.push(value.clone());
        }
        let mut out = vec![(Value::Array(base.clone()), String::new())];
        for (index, values) in tuple.iter().enumerate() {
            for (value, path) in values {
                let mut items = base.clone();
                if index < items.len() {
                    items[index] = value.clone();
                    out.push((Value::Array(items), nest(&format!("[{index}]"), path)));
                }
            }
        }
        let at = base.len().min(tuple.len());
        for (value, path) in &rest {
            let mut items = base.clone();
            if at < items.len() {
                items[at] = value.clone();
            } else {
                items.push(value.clone());
            }
            out.push((Value::Array(items), nest("[]", path)));
        }
        if let Some((value, _)) = rest.first() {
            let mut items = base.clone();
            items.push(value.clone());
            items.push(value.clone());
            out.push((Value::Array(items), "[]".into()));
        }
        out
    }
}
