//! Walking a writer's and a reader's schema together and classifying each difference.

use std::collections::HashSet;

use serde_json::Value;

use super::difference::{CONFLUENT_PATTERNS, Difference};
use super::formats;
use super::load::{
    Additional, ArrayRules, Criterion, Dependency, JsonSchema, Kind, NodeId, NumberRules,
    ObjectRules, StringRules,
};
use super::semantics;
use crate::path::{SchemaPath, Segment};
use crate::{Change, Policy};

/// Every difference a reader holding `reader` meets when it reads data written with `writer`
/// (Confluent's `original` → `update`).
pub fn diff(writer: &JsonSchema, reader: &JsonSchema, policy: Policy) -> Vec<Change> {
    let mut differ = Differ {
        old: writer,
        new: reader,
        policy,
        visiting: HashSet::new(),
    };
    let mut changes = differ.compare(writer.root, reader.root, &SchemaPath::root());
    super::witness::attach(writer, reader, &mut changes);
    changes
}

struct Differ<'a> {
    old: &'a JsonSchema,
    new: &'a JsonSchema,
    policy: Policy,
    visiting: HashSet<(NodeId, NodeId)>,
}

fn all_compatible(changes: &[Change]) -> bool {
    changes.iter().all(|change| change.compatible)
}

fn class(kind: &Kind) -> &'static str {
    match kind {
        Kind::True => "true",
        Kind::False => "false",
        Kind::Empty => "{}",
        Kind::Null => "null",
        Kind::Boolean => "boolean",
        Kind::String(_) => "string",
        Kind::Number(rules) if rules.integer => "integer",
        Kind::Number(_) => "number",
        Kind::Object(_) => "object",
        Kind::Array(_) => "array",
        Kind::Enum(_) => "enum",
        Kind::Not(_) => "not",
        Kind::Combined(criterion, _) => criterion.keyword(),
        Kind::Ref { .. } => "$ref",
    }
}

fn same_class(a: &Kind, b: &Kind) -> bool {
    matches!(
        (a, b),
        (Kind::Number(_), Kind::Number(_))
            | (Kind::True, Kind::True)
            | (Kind::False, Kind::False)
            | (Kind::Empty, Kind::Empty)
            | (Kind::Null, Kind::Null)
            | (Kind::Boolean, Kind::Boolean)
            | (Kind::String(_), Kind::String(_))
            | (Kind::Object(_), Kind::Object(_))
            | (Kind::Array(_), Kind::Array(_))
            | (Kind::Enum(_), Kind::Enum(_))
            | (Kind::Not(_), Kind::Not(_))
    )
}

fn distinct(schema: &JsonSchema, ids: &[NodeId]) -> Vec<(usize, NodeId)> {
    let mut seen: Vec<&Value> = Vec::new();
    let mut out = Vec::new();
    for (index, id) in ids.iter().enumerate() {
        let raw = &schema.node(*id).raw;
        if raw.is_null() || !seen.contains(&raw) {
            seen.push(raw);
            out.push((index, *id));
        }
    }
    out
}

impl Differ<'_> {
    fn change(
        &self,
        difference: Difference,
        path: SchemaPath,
        detail: impl Into<String>,
    ) -> Change {
        Change {
            rule: difference.code(),
            path,
            detail: detail.into(),
            compatible: difference.is_compatible(self.policy),
            witness: None,
            divergence: difference.divergence(),
        }
    }

    fn resolve(&self, schema: &JsonSchema, mut id: NodeId) -> (NodeId, Option<String>) {
        let mut name = None;
        for _ in 0..64 {
            match &schema.node(id).kind {
                Kind::Ref {
                    name: ref_name,
                    target,
                } => {
                    if ref_name.is_some() {
                        name.clone_from(ref_name);
                    }
                    id = *target;
                }
                _ => return (id, name),
            }
        }
        (id, name)
    }

    fn compare(&mut self, o: NodeId, u: NodeId, path: &SchemaPath) -> Vec<Change> {
        let outer = (o, u);
        let (o, old_name) = self.resolve(self.old, o);
        let (u, new_name) = self.resolve(self.new, u);
        let path = match new_name.or(old_name) {
            Some(name) => path.join(Segment::Type(name)),
            None => path.clone(),
        };
        if !self.visiting.insert((o, u)) {
            // Already comparing this pair further up (a recursive type): assume it holds.
            return Vec::new();
        }
        let mut changes = self.compare_resolved(o, u, &path);
        if !all_compatible(&changes)
            && let Some(values) = semantics::finite_values(self.old, o)
            && values.iter().all(|value| self.new.accepts_at(u, value))
        {
            let shown: Vec<String> = values.iter().map(Value::to_string).collect();
            changes = vec![self.change(
                Difference::VALUES_KEPT,
                path.clone(),
                format!("the reader accepts every old value: {}", shown.join(", ")),
            )];
        }
        if changes
            .iter()
            .all(|c| c.rule != Difference::TYPE_CHANGED.code())
        {
            let annotated = self.annotations(outer.0, outer.1, &path);
            changes.splice(0..0, annotated);
        }
        self.visiting.remove(&(o, u));
        changes
    }

    fn annotations(&self, o: NodeId, u: NodeId, path: &SchemaPath) -> Vec<Change> {
        let (a, b) = (&self.old.node(o).annotations, &self.new.node(u).annotations);
        let mut changes = Vec::new();
        for (old, new, difference) in [
            (&a.id, &b.id, Difference::ID_CHANGED),
            (&a.title, &b.title, Difference::TITLE_CHANGED),
            (
                &a.description,
                &b.description,
                Difference::DESCRIPTION_CHANGED,
            ),
            (&a.default, &b.default, Difference::DEFAULT_CHANGED),
        ] {
            if old != new {
                changes.push(self.change(difference, path.clone(), ""));
            }
        }
        changes
    }

    fn compare_resolved(&mut self, o: NodeId, u: NodeId, path: &SchemaPath) -> Vec<Change> {
        let old_kind = &self.old.node(o).kind;
        let new_kind = &self.new.node(u).kind;
        if matches!(old_kind, Kind::False) || matches!(new_kind, Kind::Empty | Kind::True) {
            // Nothing was written, or the reader accepts anything.
            return Vec::new();
        }
        match (old_kind, new_kind) {
            (Kind::Combined(oc, os), Kind::Combined(uc, us)) => {
                return self.combined(*oc, os, *uc, us, path);
            }
            (_, Kind::Combined(uc, us)) => return self.became_combined(o, *uc, us, path),
            (Kind::Combined(oc, os), _) => return self.was_combined(*oc, os, u, path),
            _ => {}
        }
        if !same_class(old_kind, new_kind) {
            return vec![self.change(
                Difference::TYPE_CHANGED,
                path.clone(),
                format!("{} → {}", class(old_kind), class(new_kind)),
            )];
        }
        match (old_kind, new_kind) {
            (Kind::String(a), Kind::String(b)) => self.strings(a, b, path),
            (Kind::Number(a), Kind::Number(b)) => self.numbers(a, b, path),
            (Kind::Enum(a), Kind::Enum(b)) => self.enums(a, b, path),
            (Kind::Object(a), Kind::Object(b)) => self.objects(a, b, path),
            (Kind::Array(a), Kind::Array(b)) => self.arrays(a, b, path),
            (Kind::Not(a), Kind::Not(b)) => self.nots(*a, *b, path),
            _ => Vec::new(),
        }
    }

    /// A plain schema became a combination.
    fn became_combined(
        &mut self,
        o: NodeId,
        criterion: Criterion,
        branches: &[NodeId],
        path: &SchemaPath,
    ) -> Vec<Change> {
        if let [only] = branches {
            return self.compare(o, *only, path);
        }
        match criterion {
            Criterion::Any | Criterion::One => {
                for (index, branch) in branches.iter().enumerate() {
                    let mut changes = self.compare(
                        o,
                        *branch,
                        &path.join(Segment::Branch(criterion.keyword(), index)),
                    );
                    if all_compatible(&changes) {
                        changes.push(self.change(
                            Difference::SUM_TYPE_EXTENDED,
                            path.clone(),
                            format!("now one of {} branches", branches.len()),
                        ));
                        if criterion == Criterion::One {
                            let all: Vec<(usize, NodeId)> =
                                branches.iter().copied().enumerate().collect();
                            changes.extend(self.overlaps(&[(o, index)], &all, None, path));
                        }
                        return changes;
                    }
                }
                vec![self.change(
                    Difference::TYPE_CHANGED,
                    path.clone(),
                    format!(
                        "{} → {} with no branch accepting the old values",
                        class(&self.old.node(o).kind),
                        criterion.keyword()
                    ),
                )]
            }
            Criterion::All => branches
                .iter()
                .enumerate()
                .flat_map(|(index, branch)| {
                    self.compare(o, *branch, &path.join(Segment::Branch("allOf", index)))
                })
                .collect(),
        }
    }

    /// A combination became a plain schema.
    fn was_combined(
        &mut self,
        criterion: Criterion,
        branches: &[NodeId],
        u: NodeId,
        path: &SchemaPath,
    ) -> Vec<Change> {
        if let [only] = branches {
            return self.compare(*only, u, path);
        }
        match criterion {
            Criterion::All => {
                // The branch that reads plainly explains the change best; one read only by its
                // values (`VALUES_KEPT`) comes second.
                let results: Vec<Vec<Change>> = branches
                    .iter()
                    .map(|branch| self.compare(*branch, u, path))
                    .collect();
                let by_values = |changes: &Vec<Change>| {
                    changes
                        .iter()
                        .any(|c| c.rule == Difference::VALUES_KEPT.code())
                };
                let best = results
                    .iter()
                    .position(|c| all_compatible(c) && !by_values(c))
                    .or_else(|| results.iter().position(|c| all_compatible(c)));
                if let Some(best) = best {
                    let mut changes = results[best].clone();
                    changes.push(self.change(Difference::PRODUCT_TYPE_NARROWED, path.clone(), ""));
                    return changes;
                }
                vec![self.change(
                    Difference::TYPE_CHANGED,
                    path.clone(),
                    format!("allOf → {}", class(&self.new.node(u).kind)),
                )]
            }
            Criterion::Any | Criterion::One => {
                let mut changes: Vec<Change> = branches
                    .iter()
                    .flat_map(|branch| self.compare(*branch, u, path))
                    .collect();
                if !all_compatible(&changes) {
                    changes.push(self.change(
                        Difference::SUM_TYPE_NARROWED,
                        path.clone(),
                        format!(
                            "{} of {} branches → {}",
                            criterion.keyword(),
                            branches.len(),
                            class(&self.new.node(u).kind)
                        ),
                    ));
                }
                changes
            }
        }
    }

    fn combined(
        &mut self,
        oc: Criterion,
        os: &[NodeId],
        uc: Criterion,
        us: &[NodeId],
        path: &SchemaPath,
    ) -> Vec<Change> {
        let old_branches = distinct(self.old, os);
        let new_branches = distinct(self.new, us);
        let mut changes = self.paired(oc, &old_branches, uc, &new_branches, path);
        let sum = |criterion: Criterion| criterion != Criterion::All;
        if !sum(oc) || !sum(uc) {
            return changes;
        }
        let Some(cover) = self.cover(&old_branches, &new_branches, path, oc) else {
            return changes;
        };
        if !all_compatible(&changes) {
            // Each old branch is read by some new branch, though not one to one.
            let count = |v: &[(usize, NodeId)]| v.len();
            changes = cover
                .iter()
                .flat_map(|(_, _, found)| found.clone())
                .collect();
            changes.push(self.change(
                Difference::SUM_TYPE_BRANCHES_COVERED,
                path.clone(),
                format!(
                    "each of {} old branches is read by one of {} new branches",
                    count(&old_branches),
                    count(&new_branches)
                ),
            ));
        }
        if uc == Criterion::One {
            let covered: Vec<(NodeId, usize)> = cover.iter().map(|(o, j, _)| (*o, *j)).collect();
            let old_one = (oc == Criterion::One).then_some(old_branches.as_slice());
            changes.extend(self.overlaps(&covered, &new_branches, old_one, path));
        }
        changes
    }

    /// For each old branch, the first new branch that reads it and the changes on the way;
    /// `None` when some old branch has none.
    fn cover(
        &mut self,
        old_branches: &[(usize, NodeId)],
        new_branches: &[(usize, NodeId)],
        path: &SchemaPath,
        oc: Criterion,
    ) -> Option<Vec<(NodeId, usize, Vec<Change>)>> {
        let mut cover = Vec::new();
        for (index, branch) in old_branches {
            let branch_path = path.join(Segment::Branch(oc.keyword(), *index));
            // An old branch that is itself a sum (a type list, a nested anyOf) is covered when
            // each of its own branches is: its values are theirs.
            for o in self.sum_parts(*branch, 0) {
                let found = new_branches.iter().find_map(|(j, u)| {
                    let result = self.compare(o, *u, &branch_path);
                    all_compatible(&result).then_some((o, *j, result))
                })?;
                cover.push(found);
            }
        }
        Some(cover)
    }

    /// The branches of an old `anyOf`/`oneOf` (through `$ref`s and nested sums), or the schema.
    fn sum_parts(&self, id: NodeId, depth: usize) -> Vec<NodeId> {
        let (resolved, _) = self.resolve(self.old, id);
        match &self.old.node(resolved).kind {
            Kind::Combined(Criterion::Any | Criterion::One, parts) if depth < 8 => parts
                .iter()
                .flat_map(|part| self.sum_parts(*part, depth + 1))
                .collect(),
            _ => vec![id],
        }
    }

    /// A reader's `oneOf` rejects a value two of its branches match: for each old schema `o`
    /// read by new branch `j`, every other new branch must be disjoint from `o`. An overlap the
    /// old `oneOf` already had (the same branch on both sides) is not new and is left alone.
    fn overlaps(
        &self,
        covered: &[(NodeId, usize)],
        new_branches: &[(usize, NodeId)],
        old_one: Option<&[(usize, NodeId)]>,
        path: &SchemaPath,
    ) -> Vec<Change> {
        let mut changes = Vec::new();
        let mut reported = HashSet::new();
        for (o, j) in covered {
            for (k, u) in new_branches {
                if k == j || semantics::disjoint(self.old, *o, self.new, *u) {
                    continue;
                }
                let raw = &self.new.node(*u).raw;
                let already = old_one.is_some_and(|old| {
                    old.iter().any(|(_, other)| {
                        other != o && !raw.is_null() && &self.old.node(*other).raw == raw
                    })
                });
                if already || !reported.insert((*j.min(k), *j.max(k))) {
                    continue;
                }
                changes.push(self.change(
                    Difference::ONE_OF_BRANCHES_OVERLAP,
                    path.clone(),
                    format!(
                        "old values read by branch {j} can also match branch {k}, and oneOf rejects a value that matches two branches"
                    ),
                ));
            }
        }
        changes
    }

    /// Confluent's pairing: old branches matched one to one with new branches.
    fn paired(
        &mut self,
        oc: Criterion,
        os: &[(usize, NodeId)],
        uc: Criterion,
        us: &[(usize, NodeId)],
        path: &SchemaPath,
    ) -> Vec<Change> {
        let mut changes = Vec::new();
        if oc != uc {
            let extended = uc == Criterion::Any
                || (uc == Criterion::One && (oc == Criterion::All || os.len() == 1))
                || (uc == Criterion::All && os.len() == 1 && us.len() == 1);
            if !extended {
                return vec![self.change(
                    Difference::COMBINED_TYPE_CHANGED,
                    path.clone(),
                    format!("{} → {}", oc.keyword(), uc.keyword()),
                )];
            }
            changes.push(self.change(
                Difference::COMBINED_TYPE_EXTENDED,
                path.clone(),
                format!("{} → {}", oc.keyword(), uc.keyword()),
            ));
        }
        if os.len() < us.len() {
            let difference = if uc == Criterion::All {
                Difference::PRODUCT_TYPE_EXTENDED
            } else {
                Difference::SUM_TYPE_EXTENDED
            };
            changes.push(self.change(
                difference,
                path.clone(),
                format!("{} → {} branches", os.len(), us.len()),
            ));
        } else if os.len() > us.len() {
            let difference = if oc == Criterion::All {
                Difference::PRODUCT_TYPE_NARROWED
            } else {
                Difference::SUM_TYPE_NARROWED
            };
            changes.push(self.change(
                difference,
                path.clone(),
                format!("{} → {} branches", os.len(), us.len()),
            ));
        }

        let mut outcomes: Vec<Vec<Option<Vec<Change>>>> = Vec::new();
        let mut rejected: Vec<Vec<Change>> = Vec::new();
        for (index, o) in os {
            let branch_path = path.join(Segment::Branch(oc.keyword(), *index));
            let mut row = Vec::new();
            let mut closest: Option<Vec<Change>> = None;
            for (_, u) in us {
                let result = self.compare(*o, *u, &branch_path);
                if all_compatible(&result) {
                    row.push(Some(result));
                    continue;
                }
                row.push(None);
                // The nearest miss explains the failure: same kind of schema, fewest breaks.
                let (old_kind, new_kind) = (
                    &self.old.node(self.resolve(self.old, *o).0).kind,
                    &self.new.node(self.resolve(self.new, *u).0).kind,
                );
                let same_kind = same_class(old_kind, new_kind)
                    || matches!(
                        (old_kind, new_kind),
                        (Kind::Combined(..), Kind::Combined(..))
                    );
                let breaks = result.iter().filter(|c| !c.compatible).count();
                let better = closest
                    .as_ref()
                    .is_none_or(|best| breaks < best.iter().filter(|c| !c.compatible).count());
                if same_kind && better {
                    closest = Some(result.into_iter().filter(|c| !c.compatible).collect());
                }
            }
            outcomes.push(row);
            rejected.push(closest.unwrap_or_default());
        }
        // Pairs that read plainly first; pairs read only by their values (`VALUES_KEPT`) when
        // they are needed to pair every branch.
        let plain: Vec<Vec<Option<()>>> = outcomes
            .iter()
            .map(|row| {
                row.iter()
                    .map(|outcome| {
                        outcome
                            .as_ref()
                            .filter(|changes| {
                                changes
                                    .iter()
                                    .all(|c| c.rule != Difference::VALUES_KEPT.code())
                            })
                            .map(|_| ())
                    })
                    .collect()
            })
            .collect();
        let matched_plain = maximum_matching(&plain);
        let matched = if matched_plain.len() >= os.len().min(us.len()) {
            matched_plain
        } else {
            maximum_matching(&outcomes)
        };
        if matched.len() < os.len().min(us.len()) {
            let matched_rows: HashSet<usize> = matched.iter().map(|(row, _)| *row).collect();
            let reasons: Vec<String> = rejected
                .iter()
                .enumerate()
                .filter(|(row, _)| !matched_rows.contains(row))
                .flat_map(|(_, changes)| changes.iter().map(|c| format!("{c}")))
                .collect();
            let mut detail = format!(
                "only {} of {} old branches have a compatible new branch",
                matched.len(),
                os.len().min(us.len())
            );
            if !reasons.is_empty() {
                detail.push_str(&format!(" ({})", reasons.join("; ")));
            }
            changes.push(self.change(
                Difference::COMBINED_TYPE_SUBSCHEMAS_CHANGED,
                path.clone(),
                detail,
            ));
        } else {
            for (row, column) in matched {
                if let Some(result) = outcomes[row][column].take() {
                    changes.extend(result);
                }
            }
        }
        changes
    }

    fn nots(&mut self, o: NodeId, u: NodeId, path: &SchemaPath) -> Vec<Change> {
        // The reader forbids what its `not` matches: it must match no more than the writer's did,
        // which is the reverse comparison.
        let mut reverse = Differ {
            old: self.new,
            new: self.old,
            policy: self.policy,
            visiting: HashSet::new(),
        };
        let changes = reverse.compare(u, o, &path.join(Segment::Not));
        if !all_compatible(&changes) {
            vec![self.change(
                Difference::NOT_TYPE_EXTENDED,
                path.join(Segment::Not),
                "the reader's `not` excludes values the writer allowed",
            )]
        } else if changes.is_empty() {
            Vec::new()
        } else {
            vec![self.change(Difference::NOT_TYPE_NARROWED, path.join(Segment::Not), "")]
        }
    }

    fn enums(&self, a: &[Value], b: &[Value], path: &SchemaPath) -> Vec<Change> {
        let removed: Vec<&Value> = a.iter().filter(|v| !b.contains(v)).collect();
        let added: Vec<&Value> = b.iter().filter(|v| !a.contains(v)).collect();
        let list = |values: &[&Value]| {
            values
                .iter()
                .map(|v| v.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let path = path.keyword("enum");
        match (removed.is_empty(), added.is_empty()) {
            (true, true) => Vec::new(),
            (true, false) => vec![self.change(
                Difference::ENUM_ARRAY_EXTENDED,
                path,
                format!("added {}", list(&added)),
            )],
            (false, true) => vec![self.change(
                Difference::ENUM_ARRAY_NARROWED,
                path,
                format!("removed {}", list(&removed)),
            )],
            (false, false) => vec![self.change(
                Difference::ENUM_ARRAY_CHANGED,
                path,
                format!("removed {}; added {}", list(&removed), list(&added)),
            )],
        }
    }

    fn strings(&self, a: &StringRules, b: &StringRules, path: &SchemaPath) -> Vec<Change> {
        let mut changes = Vec::new();
        self.bound(
            &mut changes,
            path,
            "maxLength",
            a.max_length,
            b.max_length,
            [
                Difference::MAX_LENGTH_ADDED,
                Difference::MAX_LENGTH_REMOVED,
                Difference::MAX_LENGTH_INCREASED,
                Difference::MAX_LENGTH_DECREASED,
            ],
        );
        self.bound(
            &mut changes,
            path,
            "minLength",
            a.min_length,
            b.min_length,
            [
                Difference::MIN_LENGTH_ADDED,
                Difference::MIN_LENGTH_REMOVED,
                Difference::MIN_LENGTH_INCREASED,
                Difference::MIN_LENGTH_DECREASED,
            ],
        );
        self.exact(
            &mut changes,
            path,
            "pattern",
            &a.pattern,
            &b.pattern,
            [
                Difference::PATTERN_ADDED,
                Difference::PATTERN_REMOVED,
                Difference::PATTERN_CHANGED,
            ],
        );
        self.exact(
            &mut changes,
            path,
            "format",
            &a.format,
            &b.format,
            [
                Difference::FORMAT_ADDED,
                Difference::FORMAT_REMOVED,
                Difference::FORMAT_CHANGED,
            ],
        );
        changes
    }

    fn numbers(&self, a: &NumberRules, b: &NumberRules, path: &SchemaPath) -> Vec<Change> {
        let mut changes = Vec::new();
        if a.integer && !b.integer {
            changes.push(self.change(Difference::TYPE_EXTENDED, path.clone(), "integer → number"));
        } else if !a.integer && b.integer {
            changes.push(self.change(Difference::TYPE_NARROWED, path.clone(), "number → integer"));
        }
        // A bound no tighter than the numeric format's own range (`maximum: 4294967295` on a
        // `uint32`) states nothing the format does not: it is compared as absent.
        let stated_max = |rules: &NumberRules| {
            let high = rules
                .format
                .as_deref()
                .and_then(formats::range)
                .map(|r| r.high);
            rules
                .maximum
                .filter(|m| !high.is_some_and(|high| *m >= high))
        };
        let stated_min = |rules: &NumberRules| {
            let low = rules
                .format
                .as_deref()
                .and_then(formats::range)
                .map(|r| r.low);
            rules.minimum.filter(|m| !low.is_some_and(|low| *m <= low))
        };
        self.bound(
            &mut changes,
            path,
            "maximum",
            stated_max(a),
            stated_max(b),
            [
                Difference::MAXIMUM_ADDED,
                Difference::MAXIMUM_REMOVED,
                Difference::MAXIMUM_INCREASED,
                Difference::MAXIMUM_DECREASED,
            ],
        );
        self.bound(
            &mut changes,
            path,
            "minimum",
            stated_min(a),
            stated_min(b),
            [
                Difference::MINIMUM_ADDED,
                Difference::MINIMUM_REMOVED,
                Difference::MINIMUM_INCREASED,
                Difference::MINIMUM_DECREASED,
            ],
        );
        self.bound(
            &mut changes,
            path,
            "exclusiveMaximum",
            a.exclusive_maximum,
            b.exclusive_maximum,
            [
                Difference::EXCLUSIVE_MAXIMUM_ADDED,
                Difference::EXCLUSIVE_MAXIMUM_REMOVED,
                Difference::EXCLUSIVE_MAXIMUM_INCREASED,
                Difference::EXCLUSIVE_MAXIMUM_DECREASED,
            ],
        );
        self.bound(
            &mut changes,
            path,
            "exclusiveMinimum",
            a.exclusive_minimum,
            b.exclusive_minimum,
            [
                Difference::EXCLUSIVE_MINIMUM_ADDED,
                Difference::EXCLUSIVE_MINIMUM_REMOVED,
                Difference::EXCLUSIVE_MINIMUM_INCREASED,
                Difference::EXCLUSIVE_MINIMUM_DECREASED,
            ],
        );
        let multiple = path.keyword("multipleOf");
        match (a.multiple_of, b.multiple_of) {
            (None, Some(new)) => changes.push(self.change(
                Difference::MULTIPLE_OF_ADDED,
                multiple,
                format!("multipleOf {new}"),
            )),
            (Some(old), None) => changes.push(self.change(
                Difference::MULTIPLE_OF_REMOVED,
                multiple,
                format!("was {old}"),
            )),
            (Some(old), Some(new)) if old != new => {
                let divides = |a: f64, b: f64| b != 0.0 && ((a / b) - (a / b).round()).abs() < 1e-9;
                let difference = if divides(old, new) {
                    Difference::MULTIPLE_OF_REDUCED
                } else if divides(new, old) {
                    Difference::MULTIPLE_OF_EXPANDED
                } else {
                    Difference::MULTIPLE_OF_CHANGED
                };
                changes.push(self.change(difference, multiple, format!("{old} → {new}")));
            }
            _ => {}
        }
        self.number_format(&mut changes, a, b, path);
        changes
    }

    /// A numeric format is a range: the change is judged by whether the reader's range holds
    /// every value the writer's schema (format and bounds) allows.
    fn number_format(
        &self,
        changes: &mut Vec<Change>,
        a: &NumberRules,
        b: &NumberRules,
        path: &SchemaPath,
    ) {
        let known = |format: &Option<String>| {
            format
                .as_deref()
                .is_none_or(|f| formats::range(f).is_some())
        };
        if a.format == b.format {
            return;
        }
        if !known(&a.format) || !known(&b.format) || b.format.is_none() {
            self.exact(
                changes,
                path,
                "format",
                &a.format,
                &b.format,
                [
                    Difference::FORMAT_ADDED,
                    Difference::FORMAT_REMOVED,
                    Difference::FORMAT_CHANGED,
                ],
            );
            return;
        }
        let old = semantics::number_range(a);
        let new = b
            .format
            .as_deref()
            .and_then(formats::range)
            .unwrap_or(formats::Range::ALL);
        let shown = |format: &Option<String>| format.as_deref().unwrap_or("no format").to_owned();
        let detail = format!("{} → {}", shown(&a.format), shown(&b.format));
        let difference = if old.within(new) {
            Difference::NUMBER_FORMAT_WIDENED
        } else {
            Difference::NUMBER_FORMAT_NARROWED
        };
        changes.push(self.change(difference, path.keyword("format"), detail));
    }

    fn bound<T: PartialOrd + std::fmt::Display + Copy>(
        &self,
        changes: &mut Vec<Change>,
        path: &SchemaPath,
        keyword: &str,
        old: Option<T>,
        new: Option<T>,
        [added, removed, increased, decreased]: [Difference; 4],
    ) {
        let path = path.keyword(keyword);
        let change = match (old, new) {
            (None, Some(new)) => Some((added, format!("{keyword} {new}"))),
            (Some(old), None) => Some((removed, format!("was {old}"))),
            (Some(old), Some(new)) if new > old => Some((increased, format!("{old} → {new}"))),
            (Some(old), Some(new)) if new < old => Some((decreased, format!("{old} → {new}"))),
            _ => None,
        };
        if let Some((difference, detail)) = change {
            changes.push(self.change(difference, path, detail));
        }
    }

    fn exact(
        &self,
        changes: &mut Vec<Change>,
        path: &SchemaPath,
        keyword: &str,
        old: &Option<String>,
        new: &Option<String>,
        [added, removed, changed]: [Difference; 3],
    ) {
        let path = path.keyword(keyword);
        match (old, new) {
            (None, Some(new)) => {
                changes.push(self.change(added, path, format!("{keyword} `{new}`")))
            }
            (Some(old), None) => changes.push(self.change(removed, path, format!("was `{old}`"))),
            (Some(old), Some(new)) if old != new => {
                changes.push(self.change(changed, path, format!("`{old}` → `{new}`")));
            }
            _ => {}
        }
    }

    fn objects(&mut self, a: &ObjectRules, b: &ObjectRules, path: &SchemaPath) -> Vec<Change> {
        let mut changes = Vec::new();
        let additional = path.join(Segment::Values);
        match (a.additional(), b.additional()) {
            (Additional::Allowed, Additional::Allowed)
            | (Additional::Forbidden, Additional::Forbidden) => {}
            (Additional::Forbidden, _) => {
                changes.push(self.change(Difference::ADDITIONAL_PROPERTIES_ADDED, additional, ""));
            }
            (_, Additional::Forbidden) => changes.push(self.change(
                Difference::ADDITIONAL_PROPERTIES_REMOVED,
                additional,
                "the object is now closed",
            )),
            (Additional::Schema(_), Additional::Allowed) => {
                changes.push(self.change(
                    Difference::ADDITIONAL_PROPERTIES_EXTENDED,
                    additional,
                    "",
                ));
            }
            (Additional::Allowed, Additional::Schema(_)) => {
                changes.push(self.change(
                    Difference::ADDITIONAL_PROPERTIES_NARROWED,
                    additional,
                    "",
                ));
            }
            (Additional::Schema(o), Additional::Schema(u)) => {
                changes.extend(self.compare(o, u, &additional));
            }
        }

        changes.extend(self.patterns(a, b, path));

        for (name, old) in &a.dependencies {
            let at = path.join(Segment::Dependency(name.clone()));
            let new = b
                .dependencies
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, d)| d);
            match (old, new) {
                (Dependency::Properties(_), None) => {
                    changes.push(self.change(Difference::DEPENDENCY_ARRAY_REMOVED, at, ""));
                }
                (Dependency::Schema(_), None) => {
                    changes.push(self.change(Difference::DEPENDENCY_SCHEMA_REMOVED, at, ""));
                }
                (Dependency::Properties(o), Some(Dependency::Properties(u))) => {
                    let narrowed = u.iter().all(|p| o.contains(p));
                    let extended = o.iter().all(|p| u.contains(p));
                    let difference = match (narrowed, extended) {
                        (true, true) => None,
                        (true, false) => Some(Difference::DEPENDENCY_ARRAY_NARROWED),
                        (false, true) => Some(Difference::DEPENDENCY_ARRAY_EXTENDED),
                        (false, false) => Some(Difference::DEPENDENCY_ARRAY_CHANGED),
                    };
                    if let Some(difference) = difference {
                        changes.push(self.change(difference, at, format!("{o:?} → {u:?}")));
                    }
                }
                (Dependency::Schema(o), Some(Dependency::Schema(u))) => {
                    changes.extend(self.compare(*o, *u, &at));
                }
                _ => changes.push(self.change(
                    Difference::TYPE_CHANGED,
                    at,
                    "dependency kind changed",
                )),
            }
        }
        for (name, new) in &b.dependencies {
            if a.dependencies.iter().any(|(n, _)| n == name) {
                continue;
            }
            let at = path.join(Segment::Dependency(name.clone()));
            let difference = match new {
                Dependency::Properties(_) => Difference::DEPENDENCY_ARRAY_ADDED,
                Dependency::Schema(_) => Difference::DEPENDENCY_SCHEMA_ADDED,
            };
            changes.push(self.change(difference, at, ""));
        }

        for name in &a.required {
            if !b.required.contains(name) {
                changes.push(self.change(
                    Difference::REQUIRED_ATTRIBUTE_REMOVED,
                    path.join(Segment::Field(name.clone())).keyword("required"),
                    format!("`{name}` is no longer required"),
                ));
            }
        }
        for name in &b.required {
            if a.required.contains(name) {
                continue;
            }
            if a.property(name).is_none() {
                if b.property(name).is_none() {
                    changes.push(self.change(
                        Difference::REQUIRED_UNDECLARED_PROPERTY_ADDED,
                        path.join(Segment::Field(name.clone())).keyword("required"),
                        format!("`{name}` is now required; old data need not hold it"),
                    ));
                }
                continue;
            }
            let Some(property) = b.property(name) else {
                continue;
            };
            let difference = if self.has_default(property) {
                Difference::REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED
            } else {
                Difference::REQUIRED_ATTRIBUTE_ADDED
            };
            changes.push(self.change(
                difference,
                path.join(Segment::Field(name.clone())).keyword("required"),
                format!("`{name}` is now required"),
            ));
        }

        self.bound(
            &mut changes,
            path,
            "maxProperties",
            a.max_properties,
            b.max_properties,
            [
                Difference::MAX_PROPERTIES_ADDED,
                Difference::MAX_PROPERTIES_REMOVED,
                Difference::MAX_PROPERTIES_INCREASED,
                Difference::MAX_PROPERTIES_DECREASED,
            ],
        );
        self.bound(
            &mut changes,
            path,
            "minProperties",
            a.min_properties,
            b.min_properties,
            [
                Difference::MIN_PROPERTIES_ADDED,
                Difference::MIN_PROPERTIES_REMOVED,
                Difference::MIN_PROPERTIES_INCREASED,
                Difference::MIN_PROPERTIES_DECREASED,
            ],
        );

        for (name, old) in &a.properties {
            let at = path.join(Segment::Field(name.clone()));
            match b.property(name) {
                Some(new) => changes.extend(self.compare(*old, new, &at)),
                None => changes.extend(self.property_removed(*old, b, name, &at)),
            }
        }
        for (name, new) in &b.properties {
            if a.property(name).is_none() {
                let at = path.join(Segment::Field(name.clone()));
                changes.extend(self.property_added(a, *new, b.required.contains(name), name, &at));
            }
        }
        changes
    }

    /// `patternProperties`: the same pattern on both sides is compared like a property; data
    /// under a pattern only one side has is judged by the other side's overlapping patterns, else
    /// its `additionalProperties`.
    fn patterns(&mut self, a: &ObjectRules, b: &ObjectRules, path: &SchemaPath) -> Vec<Change> {
        let mut changes = Vec::new();
        let at = |pattern: &str| path.keyword(format!("patternProperties/{pattern}"));
        for (old_pattern, old) in &a.patterns {
            for (new_pattern, new) in &b.patterns {
                let same = old_pattern.as_str() == new_pattern.as_str();
                if same || may_overlap(old_pattern.as_str(), new_pattern.as_str()) {
                    changes.extend(self.compare(*old, *new, &at(new_pattern.as_str())));
                }
            }
            if b.patterns.iter().any(|(p, _)| {
                p.as_str() == old_pattern.as_str()
                    || pattern_covers(p.as_str(), old_pattern.as_str())
            }) {
                continue;
            }
            let here = at(old_pattern.as_str());
            match b.additional() {
                Additional::Allowed => changes.push(self.change(
                    Difference::PATTERN_PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL,
                    here,
                    format!("`{}` removed", old_pattern.as_str()),
                )),
                Additional::Forbidden => changes.push(self.change(
                    Difference::PATTERN_PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL,
                    here,
                    format!(
                        "`{}` removed; the reader rejects data that holds such properties",
                        old_pattern.as_str()
                    ),
                )),
                Additional::Schema(covering) => changes.extend(self.compare(*old, covering, &here)),
            }
        }
        for (new_pattern, new) in &b.patterns {
            if a.patterns
                .iter()
                .any(|(p, _)| p.as_str() == new_pattern.as_str())
            {
                continue;
            }
            let here = at(new_pattern.as_str());
            let (resolved, _) = self.resolve(self.new, *new);
            match a.additional() {
                Additional::Allowed
                    if !matches!(self.new.node(resolved).kind, Kind::Empty | Kind::True) =>
                {
                    changes.push(self.change(
                        Difference::PATTERN_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL,
                        here,
                        format!(
                            "`{}` added to an open object, where old data may hold such properties with any value",
                            new_pattern.as_str()
                        ),
                    ));
                }
                Additional::Schema(covering) => changes.extend(self.compare(covering, *new, &here)),
                _ => {}
            }
            // The reader checks declared properties against every pattern they match, too.
            for (name, old) in &a.properties {
                if new_pattern.is_match(name) && b.property(name).is_some() {
                    let field = path.join(Segment::Field(name.clone()));
                    changes.extend(self.compare(*old, *new, &field));
                }
            }
        }
        for change in &mut changes {
            if !change.compatible && change.divergence.is_none() {
                change.divergence = Some(CONFLUENT_PATTERNS);
            }
        }
        changes
    }

    fn has_default(&self, id: NodeId) -> bool {
        let (resolved, _) = self.resolve(self.new, id);
        self.new.node(id).annotations.default.is_some()
            || self.new.node(resolved).annotations.default.is_some()
    }

    /// A property the writer declared is gone from the reader: the reader now judges it by its
    /// pattern properties or `additionalProperties`.
    fn property_removed(
        &mut self,
        old: NodeId,
        reader: &ObjectRules,
        name: &str,
        at: &SchemaPath,
    ) -> Vec<Change> {
        match reader.covering(name) {
            Additional::Allowed => vec![self.change(
                Difference::PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL,
                at.clone(),
                format!("`{name}` removed"),
            )],
            Additional::Forbidden => {
                let (resolved, _) = self.resolve(self.old, old);
                if matches!(self.old.node(resolved).kind, Kind::False) {
                    vec![self.change(
                        Difference::PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL,
                        at.clone(),
                        "",
                    )]
                } else {
                    vec![self.change(
                        Difference::PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL,
                        at.clone(),
                        format!("`{name}` removed; the reader rejects data that still carries it"),
                    )]
                }
            }
            Additional::Schema(covering) => self.covered(
                old,
                covering,
                at,
                [
                    Difference::PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
                    Difference::PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
                ],
                format!("`{name}` removed"),
            ),
        }
    }

    /// A property the writer did not declare appears in the reader: the writer judged it by its
    /// pattern properties or `additionalProperties`.
    fn property_added(
        &mut self,
        writer: &ObjectRules,
        new: NodeId,
        required: bool,
        name: &str,
        at: &SchemaPath,
    ) -> Vec<Change> {
        let with_default = self.has_default(new);
        let unopen = |this: &Self| {
            let difference = match (required, with_default) {
                (false, _) => Difference::OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL,
                (true, true) => {
                    Difference::REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL
                }
                (true, false) => Difference::REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL,
            };
            this.change(difference, at.clone(), format!("`{name}` added"))
        };
        match writer.covering(name) {
            Additional::Allowed => {
                let (resolved, _) = self.resolve(self.new, new);
                let difference = if matches!(self.new.node(resolved).kind, Kind::Empty | Kind::True)
                {
                    Difference::PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL
                } else if required && !with_default {
                    Difference::REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL
                } else {
                    Difference::OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL
                };
                vec![self.change(
                    difference,
                    at.clone(),
                    format!(
                        "`{name}` added to an open object, where old data may hold any `{name}`"
                    ),
                )]
            }
            Additional::Forbidden => vec![unopen(self)],
            Additional::Schema(covering) => {
                let mut changes = self.covered(
                    covering,
                    new,
                    at,
                    [
                        Difference::PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
                        Difference::PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
                    ],
                    String::new(),
                );
                changes.push(unopen(self));
                changes
            }
        }
    }

    fn arrays(&mut self, a: &ArrayRules, b: &ArrayRules, path: &SchemaPath) -> Vec<Change> {
        let mut changes = Vec::new();
        self.bound(
            &mut changes,
            path,
            "maxItems",
            a.max_items,
            b.max_items,
            [
                Difference::MAX_ITEMS_ADDED,
                Difference::MAX_ITEMS_REMOVED,
                Difference::MAX_ITEMS_INCREASED,
                Difference::MAX_ITEMS_DECREASED,
            ],
        );
        self.bound(
            &mut changes,
            path,
            "minItems",
            a.min_items,
            b.min_items,
            [
                Difference::MIN_ITEMS_ADDED,
                Difference::MIN_ITEMS_REMOVED,
                Difference::MIN_ITEMS_INCREASED,
                Difference::MIN_ITEMS_DECREASED,
            ],
        );
        match (a.unique_items, b.unique_items) {
            (false, true) => changes.push(self.change(
                Difference::UNIQUE_ITEMS_ADDED,
                path.keyword("uniqueItems"),
                "",
            )),
            (true, false) => changes.push(self.change(
                Difference::UNIQUE_ITEMS_REMOVED,
                path.keyword("uniqueItems"),
                "",
            )),
            _ => {}
        }

        for index in 0..a.tuple.len().max(b.tuple.len()) {
            let at = path.join(Segment::TupleItem(index));
            match (a.tuple.get(index), b.tuple.get(index)) {
                (Some(o), Some(u)) => changes.extend(self.compare(*o, *u, &at)),
                (Some(o), None) => changes.extend(self.item_removed(*o, b.rest(), &at)),
                (None, Some(u)) => changes.extend(self.item_added(a.rest(), *u, &at)),
                (None, None) => {}
            }
        }

        let items_keyword = a.rest_is_items || b.rest_is_items;
        let rest_path = if items_keyword {
            path.join(Segment::Items)
        } else {
            path.join(Segment::AdditionalItems)
        };
        match (a.rest(), b.rest()) {
            (Additional::Allowed, Additional::Allowed)
            | (Additional::Forbidden, Additional::Forbidden) => {}
            (Additional::Schema(o), Additional::Schema(u)) => {
                changes.extend(self.compare(o, u, &rest_path));
            }
            (Additional::Allowed, Additional::Schema(_)) if items_keyword => {
                changes.push(self.change(
                    Difference::SCHEMA_ADDED,
                    rest_path,
                    "items now constrained",
                ));
            }
            (Additional::Schema(_), Additional::Allowed) if items_keyword => {
                changes.push(self.change(Difference::SCHEMA_REMOVED, rest_path, ""));
            }
            (Additional::Forbidden, _) => {
                changes.push(self.change(Difference::ADDITIONAL_ITEMS_ADDED, rest_path, ""));
            }
            (_, Additional::Forbidden) => {
                changes.push(self.change(Difference::ADDITIONAL_ITEMS_REMOVED, rest_path, ""));
            }
            (Additional::Schema(_), Additional::Allowed) => {
                changes.push(self.change(Difference::ADDITIONAL_ITEMS_EXTENDED, rest_path, ""));
            }
            (Additional::Allowed, Additional::Schema(_)) => {
                changes.push(self.change(Difference::ADDITIONAL_ITEMS_NARROWED, rest_path, ""));
            }
        }
        changes
    }

    /// A property or item judged by a partially open content model: compares `writer` with
    /// `reader` and adds `covered` when the reader accepts everything, else `not_covered`.
    fn covered(
        &mut self,
        writer: NodeId,
        reader: NodeId,
        at: &SchemaPath,
        [covered, not_covered]: [Difference; 2],
        detail: String,
    ) -> Vec<Change> {
        let mut changes = self.compare(writer, reader, at);
        let difference = if all_compatible(&changes) {
            covered
        } else {
            not_covered
        };
        changes.push(self.change(difference, at.clone(), detail));
        changes
    }

    fn item_removed(
        &mut self,
        old: NodeId,
        reader_rest: Additional,
        at: &SchemaPath,
    ) -> Vec<Change> {
        match reader_rest {
            Additional::Allowed => vec![self.change(
                Difference::ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL,
                at.clone(),
                "",
            )],
            Additional::Forbidden => {
                let (resolved, _) = self.resolve(self.old, old);
                let difference = if matches!(self.old.node(resolved).kind, Kind::False) {
                    Difference::ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL
                } else {
                    Difference::ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL
                };
                vec![self.change(difference, at.clone(), "")]
            }
            Additional::Schema(covering) => self.covered(
                old,
                covering,
                at,
                [
                    Difference::ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
                    Difference::ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
                ],
                String::new(),
            ),
        }
    }

    fn item_added(&mut self, writer_rest: Additional, new: NodeId, at: &SchemaPath) -> Vec<Change> {
        match writer_rest {
            Additional::Allowed => {
                let (resolved, _) = self.resolve(self.new, new);
                let difference = if matches!(self.new.node(resolved).kind, Kind::Empty | Kind::True)
                {
                    Difference::ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL
                } else {
                    Difference::ITEM_ADDED_TO_OPEN_CONTENT_MODEL
                };
                vec![self.change(difference, at.clone(), "")]
            }
            Additional::Forbidden => vec![self.change(
                Difference::ITEM_ADDED_TO_CLOSED_CONTENT_MODEL,
                at.clone(),
                "",
            )],
            Additional::Schema(covering) => self.covered(
                covering,
                new,
                at,
                [
                    Difference::ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
                    Difference::ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
                ],
                String::new(),
            ),
        }
    }
}

/// Maximum bipartite matching (Kuhn's algorithm) over the compatible pairs of `outcomes`
/// (rows: old branches, columns: new branches). Returns the matched `(row, column)` pairs.
fn maximum_matching<T>(outcomes: &[Vec<Option<T>>]) -> Vec<(usize, usize)> {
    let columns = outcomes.first().map_or(0, Vec::len);
    let mut owner: Vec<Option<usize>> = vec![None; columns];
    fn augment<T>(
        row: usize,
        outcomes: &[Vec<Option<T>>],
        owner: &mut [Option<usize>],
        seen: &mut [bool],
    ) -> bool {
        for column in 0..owner.len() {
            if outcomes[row][column].is_none() || seen[column] {
                continue;
            }
            seen[column] = true;
            let free = match owner[column] {
                None => true,
                Some(other) => augment(other, outcomes, owner, seen),
            };
            if free {
                owner[column] = Some(row);
                return true;
            }
        }
        false
    }
    for row in 0..outcomes.len() {
        let mut seen = vec![false; columns];
        augment(row, outcomes, &mut owner, &mut seen);
    }
    owner
        .iter()
        .enumerate()
        .filter_map(|(column, row)| row.map(|row| (row, column)))
        .collect()
}

/// Whether two patterns may match a common name: `false` only when both start with `^` and
/// literal text, and neither literal is a prefix of the other (`^score_` and `^rank_`).
fn may_overlap(a: &str, b: &str) -> bool {
    match (anchored_literal(a), anchored_literal(b)) {
        (Some(x), Some(y)) => x.starts_with(&y) || y.starts_with(&x),
        _ => true,
    }
}

/// The literal text an anchored pattern starts with (`^score_\d+` → `score_`); `None` when the
/// pattern is not anchored at the start.
fn anchored_literal(pattern: &str) -> Option<String> {
    let rest = pattern.strip_prefix('^')?;
    let mut out: Vec<char> = Vec::new();
    for c in rest.chars() {
        if c.is_alphanumeric() || matches!(c, '_' | '-' | ' ' | ':' | '/') {
            out.push(c);
        } else {
            if matches!(c, '?' | '*' | '{') {
                out.pop();
            }
            break;
        }
    }
    Some(out.into_iter().collect())
}

/// Whether every name `narrow` matches, `wide` matches too: `wide` is a bare anchored prefix
/// (`^s`) that `narrow`'s literal prefix starts with (`^score_`).
fn pattern_covers(wide: &str, narrow: &str) -> bool {
    match (anchored_literal(wide), anchored_literal(narrow)) {
        (Some(prefix), Some(literal)) => {
            wide == format!("^{prefix}") && literal.starts_with(&prefix)
        }
        _ => false,
    }
}
