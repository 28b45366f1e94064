//! Avro compatibility per the specification's schema-resolution rules: can a reader holding one
//! schema decode data written with another?
//!
//! - primitives must match, or be promotable: `int` → `long`/`float`/`double`, `long` →
//!   `float`/`double`, `float` → `double`, `string` ↔ `bytes`;
//! - records, enums and fixed are matched by unqualified name (as the specification's
//!   resolution rules and Apache Avro Java do), or through a reader alias; an alias is a full
//!   name, and one without a dot is in the namespace of the type that declares it, so it must equal
//!   the writer's *full* name (Java's `SchemaCompatibility` compares aliases the same way);
//! - record fields are matched by name or reader alias; a writer field the reader lacks is
//!   skipped; a reader field the writer lacks needs a default;
//! - a writer enum symbol the reader lacks resolves to the reader's enum default, or fails;
//! - fixed sizes must be equal;
//! - a writer union resolves branch by branch; a reader union must hold a branch for each writer
//!   type: the same type first (named types by full name or alias, then by unqualified name), then
//!   the same type once logical types are erased (a `uuid` is a `string`, a `timestamp-millis` a
//!   `long`, as Java picks branches by schema type), then a promotion;
//! - a record field's default must be a value of the field's type, a union's of its first branch:
//!   a schema that breaks this is invalid ([`CompatError::Invalid`]), as in Java's parser;
//! - logical types resolve through their underlying type. tidings adds one rule the specification
//!   leaves to implementations: a reader that gives a value a *different* logical meaning
//!   (`timestamp-millis` read as `timestamp-micros`, a string read as `uuid`, another decimal
//!   scale) misreads it, so that is a break; dropping the logical type is not.

use std::collections::{HashMap, HashSet};

use apache_avro::Schema as Avro;
use apache_avro::schema::{Name, RecordField};

use super::path::{SchemaPath, Segment};
use super::{Change, CompatError, SchemaFormat, Witness};

mod defaults;
mod witness;

use witness::Frame;

/// A parsed Avro schema with its named types indexed.
#[derive(Debug, Clone)]
pub struct AvroSchema {
    root: Avro,
    named: HashMap<String, Avro>,
}

impl AvroSchema {
    /// Parses `.avsc` text.
    pub fn parse_str(text: &str) -> Result<Self, CompatError> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|err| CompatError::Syntax(err.to_string()))?;
        Self::from_value(&value)
    }

    /// Parses an `.avsc` document already read as JSON.
    pub fn from_value(value: &serde_json::Value) -> Result<Self, CompatError> {
        let root = Avro::parse(value).map_err(|err| CompatError::Invalid {
            format: SchemaFormat::Avro,
            message: err.to_string(),
        })?;
        let mut named = HashMap::new();
        index(&root, &mut named);
        let schema = Self { root, named };
        defaults::check(&schema).map_err(|message| CompatError::Invalid {
            format: SchemaFormat::Avro,
            message,
        })?;
        Ok(schema)
    }

    /// The parsed schema (apache-avro's model), e.g. to encode a datum with it.
    pub fn root(&self) -> &Avro {
        &self.root
    }

    /// `schema`, or the named type it refers to when it is a reference (`{"type": "Name"}` after
    /// the first definition).
    pub fn resolve<'a>(&'a self, schema: &'a Avro) -> &'a Avro {
        match schema {
            Avro::Ref { name } => self
                .named
                .get(&name.fullname(None))
                .or_else(|| self.named.get(&name.name))
                .unwrap_or(schema),
            other => other,
        }
    }
}

fn index(schema: &Avro, named: &mut HashMap<String, Avro>) {
    let mut insert = |name: &Name, schema: &Avro| {
        named.insert(name.fullname(None), schema.clone());
        named
            .entry(name.name.clone())
            .or_insert_with(|| schema.clone());
    };
    match schema {
        Avro::Record(record) => {
            insert(&record.name, schema);
            for field in &record.fields {
                index(&field.schema, named);
            }
        }
        Avro::Enum(e) => insert(&e.name, schema),
        Avro::Fixed(f) => insert(&f.name, schema),
        Avro::Array(array) => index(&array.items, named),
        Avro::Map(map) => index(&map.types, named),
        Avro::Union(union) => {
            for variant in union.variants() {
                index(variant, named);
            }
        }
        Avro::Decimal(decimal) => index(&decimal.inner, named),
        _ => {}
    }
}

/// The rules, as codes.
pub mod rules {
    /// Writer and reader types cannot be resolved.
    pub const TYPE_MISMATCH: &str = "TYPE_MISMATCH";
    /// The writer's type is promoted to the reader's (compatible).
    pub const TYPE_PROMOTED: &str = "TYPE_PROMOTED";
    /// Named types with different names and no matching reader alias.
    pub const NAME_MISMATCH: &str = "NAME_MISMATCH";
    /// Names matched through a reader alias (compatible).
    pub const ALIAS_MATCHED: &str = "ALIAS_MATCHED";
    /// Fixed types of different sizes.
    pub const FIXED_SIZE_MISMATCH: &str = "FIXED_SIZE_MISMATCH";
    /// A reader field the writer lacks, without a default.
    pub const READER_FIELD_MISSING_DEFAULT_VALUE: &str = "READER_FIELD_MISSING_DEFAULT_VALUE";
    /// A reader field the writer lacks, filled from its default (compatible).
    pub const READER_FIELD_DEFAULTED: &str = "READER_FIELD_DEFAULTED";
    /// A writer field the reader lacks; its value is skipped (compatible).
    pub const WRITER_FIELD_SKIPPED: &str = "WRITER_FIELD_SKIPPED";
    /// Writer enum symbols the reader lacks, with no reader enum default.
    pub const MISSING_ENUM_SYMBOLS: &str = "MISSING_ENUM_SYMBOLS";
    /// Writer enum symbols the reader lacks, read as the reader's default (compatible).
    pub const ENUM_DEFAULT_USED: &str = "ENUM_DEFAULT_USED";
    /// Reader enum symbols the writer never writes (compatible).
    pub const ENUM_SYMBOLS_ADDED: &str = "ENUM_SYMBOLS_ADDED";
    /// A writer type with no branch in the reader's union.
    pub const MISSING_UNION_BRANCH: &str = "MISSING_UNION_BRANCH";
    /// The reader gives the value another logical meaning.
    pub const LOGICAL_TYPE_MISMATCH: &str = "LOGICAL_TYPE_MISMATCH";
    /// The reader drops a logical type and reads the underlying value (compatible).
    pub const LOGICAL_TYPE_DROPPED: &str = "LOGICAL_TYPE_DROPPED";
}

/// Every difference met when a reader holding `reader` decodes data written with `writer`.
pub fn diff(writer: &AvroSchema, reader: &AvroSchema) -> Vec<Change> {
    let mut resolver = Resolver {
        writer,
        reader,
        visiting: HashSet::new(),
        frames: Vec::new(),
        erased: None,
    };
    resolver.resolve(&writer.root, &reader.root, &SchemaPath::root())
}

struct Resolver<'a> {
    writer: &'a AvroSchema,
    reader: &'a AvroSchema,
    visiting: HashSet<(String, String)>,
    /// How the writer's datum encloses the value being resolved, outermost first: the witness of
    /// a break is built inside-out along these.
    frames: Vec<Frame>,
    /// The writer's logical type whose underlying type is being resolved, with the frame depth
    /// it applies at: a witness there must be a value of the logical type.
    erased: Option<(usize, Avro)>,
}

/// A compatible change: no witness.
fn change(rule: &'static str, path: &SchemaPath, detail: String, compatible: bool) -> Change {
    debug_assert!(compatible, "breaking changes carry a witness");
    Change {
        rule,
        path: path.clone(),
        detail,
        compatible,
        witness: None,
        divergence: None,
    }
}

/// Apache Avro Java's `SchemaCompatibility` ignores logical types.
const JAVA_IGNORES_LOGICAL_TYPES: &str = "stricter than Apache Avro Java, whose compatibility check ignores logical types and passes this change";

/// The underlying type of a logical type, and the logical type's name.
fn logical(schema: &Avro) -> Option<(Avro, String)> {
    let (underlying, name) = match schema {
        Avro::Uuid => (Avro::String, "uuid".to_owned()),
        Avro::Date => (Avro::Int, "date".into()),
        Avro::TimeMillis => (Avro::Int, "time-millis".into()),
        Avro::TimeMicros => (Avro::Long, "time-micros".into()),
        Avro::TimestampMillis => (Avro::Long, "timestamp-millis".into()),
        Avro::TimestampMicros => (Avro::Long, "timestamp-micros".into()),
        Avro::TimestampNanos => (Avro::Long, "timestamp-nanos".into()),
        Avro::LocalTimestampMillis => (Avro::Long, "local-timestamp-millis".into()),
        Avro::LocalTimestampMicros => (Avro::Long, "local-timestamp-micros".into()),
        Avro::LocalTimestampNanos => (Avro::Long, "local-timestamp-nanos".into()),
        Avro::BigDecimal => (Avro::Bytes, "big-decimal".into()),
        Avro::Decimal(decimal) => (
            (*decimal.inner).clone(),
            format!("decimal({}, {})", decimal.precision, decimal.scale),
        ),
        _ => return None,
    };
    Some((underlying, name))
}

fn type_name(schema: &Avro) -> String {
    if let Some((_, name)) = logical(schema) {
        return name;
    }
    match schema {
        Avro::Null => "null".into(),
        Avro::Boolean => "boolean".into(),
        Avro::Int => "int".into(),
        Avro::Long => "long".into(),
        Avro::Float => "float".into(),
        Avro::Double => "double".into(),
        Avro::Bytes => "bytes".into(),
        Avro::String => "string".into(),
        Avro::Array(_) => "array".into(),
        Avro::Map(_) => "map".into(),
        Avro::Union(_) => "union".into(),
        Avro::Record(record) => format!("record {}", record.name.name),
        Avro::Enum(e) => format!("enum {}", e.name.name),
        Avro::Fixed(f) => format!("fixed {}", f.name.name),
        Avro::Ref { name } => name.name.clone(),
        _ => "logical".into(),
    }
}

fn promotes(writer: &Avro, reader: &Avro) -> bool {
    matches!(
        (writer, reader),
        (Avro::Int, Avro::Long | Avro::Float | Avro::Double)
            | (Avro::Long, Avro::Float | Avro::Double)
            | (Avro::Float, Avro::Double)
            | (Avro::String, Avro::Bytes)
            | (Avro::Bytes, Avro::String)
    )
}

fn named(schema: &Avro) -> Option<(&Name, Option<&Vec<apache_avro::schema::Alias>>)> {
    match schema {
        Avro::Record(record) => Some((&record.name, record.aliases.as_ref())),
        Avro::Enum(e) => Some((&e.name, e.aliases.as_ref())),
        Avro::Fixed(f) => Some((&f.name, f.aliases.as_ref())),
        _ => None,
    }
}

impl Resolver<'_> {
    /// A breaking change, with a witness: the writer's datum that holds `leaf` where the change is.
    fn breaking(
        &self,
        rule: &'static str,
        path: &SchemaPath,
        detail: String,
        leaf: Leaf,
    ) -> Change {
        let witness = match leaf {
            Leaf::Sample(schema) => {
                let schema = match &self.erased {
                    Some((depth, logical)) if *depth == self.frames.len() => logical.clone(),
                    _ => schema.clone(),
                };
                witness::build(
                    self.writer,
                    &self.frames,
                    witness::sample(self.writer, &schema),
                )
            }
            Leaf::Value(value) => witness::build(self.writer, &self.frames, Some(value)),
            Leaf::None(reason) => Witness::Unavailable(reason.into()),
        };
        Change {
            rule,
            path: path.clone(),
            detail,
            compatible: false,
            witness: Some(witness),
            divergence: None,
        }
    }

    fn within<T>(&mut self, frame: Frame, run: impl FnOnce(&mut Self) -> T) -> T {
        self.frames.push(frame);
        let result = run(self);
        self.frames.pop();
        result
    }

    fn resolve(&mut self, writer: &Avro, reader: &Avro, path: &SchemaPath) -> Vec<Change> {
        let writer = self.writer.resolve(writer);
        let reader = self.reader.resolve(reader);

        if let Avro::Union(union) = writer {
            let mut changes = Vec::new();
            for (index, branch) in union.variants().iter().enumerate() {
                let at = path.join(Segment::Branch("union", index));
                let frame = Frame::Branch {
                    union: writer.clone(),
                    index,
                };
                let mut found = self.within(frame, |this| this.resolve(branch, reader, &at));
                for change in &mut found {
                    if change.rule == rules::MISSING_UNION_BRANCH
                        || change.rule == rules::TYPE_MISMATCH
                    {
                        change.detail = format!(
                            "writer union branch {}: {}",
                            type_name(self.writer.resolve(branch)),
                            change.detail
                        );
                    }
                }
                changes.extend(found);
            }
            return changes;
        }
        if let Avro::Union(union) = reader {
            let branches: Vec<&Avro> = union
                .variants()
                .iter()
                .map(|branch| self.reader.resolve(branch))
                .collect();
            return match self.branch_for(writer, &branches) {
                Some(index) => self.resolve(writer, branches[index], path),
                None => vec![self.breaking(
                    rules::MISSING_UNION_BRANCH,
                    path,
                    format!(
                        "the reader's union has no branch for writer type {}",
                        type_name(writer)
                    ),
                    Leaf::Sample(writer),
                )],
            };
        }

        if logical(writer).is_some() || logical(reader).is_some() {
            return self.logical(writer, reader, path);
        }

        match (writer, reader) {
            (Avro::Record(w), Avro::Record(r)) => {
                let mut changes = self.names(writer, reader, path);
                if changes.iter().any(|c| !c.compatible) {
                    return changes;
                }
                let key = (w.name.fullname(None), r.name.fullname(None));
                if !self.visiting.insert(key.clone()) {
                    return changes;
                }
                let path = path.join(Segment::Type(r.name.name.clone()));
                changes.extend(self.fields(writer, &w.fields, &r.fields, &path));
                self.visiting.remove(&key);
                changes
            }
            (Avro::Enum(w), Avro::Enum(r)) => {
                let mut changes = self.names(writer, reader, path);
                if changes.iter().any(|c| !c.compatible) {
                    return changes;
                }
                let path = path.join(Segment::Type(r.name.name.clone()));
                let missing: Vec<&String> = w
                    .symbols
                    .iter()
                    .filter(|s| !r.symbols.contains(s))
                    .collect();
                let added: Vec<&String> = r
                    .symbols
                    .iter()
                    .filter(|s| !w.symbols.contains(s))
                    .collect();
                if let Some(first) = missing.first() {
                    let list = join(&missing);
                    changes.push(match &r.default {
                        Some(default) => change(
                            rules::ENUM_DEFAULT_USED,
                            &path,
                            format!(
                                "writer symbols {list} are read as the reader's default `{default}`"
                            ),
                            true,
                        ),
                        None => self.breaking(
                            rules::MISSING_ENUM_SYMBOLS,
                            &path,
                            format!(
                                "the reader lacks writer symbols {list} and has no enum default"
                            ),
                            Leaf::Value(serde_json::Value::String((*first).clone())),
                        ),
                    });
                }
                if !added.is_empty() {
                    changes.push(change(
                        rules::ENUM_SYMBOLS_ADDED,
                        &path,
                        format!("reader adds {}", join(&added)),
                        true,
                    ));
                }
                changes
            }
            (Avro::Fixed(w), Avro::Fixed(r)) => {
                let mut changes = self.names(writer, reader, path);
                if w.size != r.size {
                    changes.push(self.breaking(
                        rules::FIXED_SIZE_MISMATCH,
                        path,
                        format!("fixed {} has size {} → {}", r.name.name, w.size, r.size),
                        Leaf::Sample(writer),
                    ));
                }
                changes
            }
            (Avro::Array(w), Avro::Array(r)) => self.within(Frame::Item, |this| {
                this.resolve(&w.items, &r.items, &path.join(Segment::Items))
            }),
            (Avro::Map(w), Avro::Map(r)) => self.within(Frame::Value, |this| {
                this.resolve(&w.types, &r.types, &path.join(Segment::Values))
            }),
            (w, r) if self.same_kind(w, r) => Vec::new(),
            (w, r) if promotes(w, r) => vec![change(
                rules::TYPE_PROMOTED,
                path,
                format!("{} → {}", type_name(w), type_name(r)),
                true,
            )],
            (w, r) => {
                // A number the reader's narrower type cannot hold, so even a decoder that
                // converts numbers value by value fails on it.
                let leaf = match w {
                    Avro::Long => Leaf::Value(serde_json::Value::from(i64::MAX)),
                    Avro::Double => Leaf::Value(serde_json::Value::from(f64::MAX)),
                    Avro::Float => Leaf::Value(serde_json::Value::from(f64::from(f32::MAX))),
                    _ => Leaf::Sample(w),
                };
                vec![self.breaking(
                    rules::TYPE_MISMATCH,
                    path,
                    format!("{} → {}", type_name(w), type_name(r)),
                    leaf,
                )]
            }
        }
    }

    /// The reader union's branch that reads a (non-union) writer type: the same type (named types
    /// by full name or alias, then by unqualified name), then the same type with logical types
    /// erased, preferring a branch of the same logical type, then one without any, then a
    /// promotion.
    fn branch_for(&self, writer: &Avro, branches: &[&Avro]) -> Option<usize> {
        let position = |pick: &dyn Fn(&Avro) -> bool| branches.iter().position(|b| pick(b));
        let erased_writer = erase(writer);
        position(&|branch| self.same_kind(writer, branch) && same_full_name(writer, branch))
            .or_else(|| position(&|branch| self.same_kind(writer, branch)))
            .or_else(|| {
                position(&|branch| {
                    logical(branch).is_none() && self.same_kind(&erased_writer, branch)
                })
            })
            .or_else(|| position(&|branch| self.same_kind(&erased_writer, &erase(branch))))
            .or_else(|| position(&|branch| promotes(&erased_writer, &erase(branch))))
    }

    /// Same type, for union branch selection and primitives: named types by name or alias.
    fn same_kind(&self, writer: &Avro, reader: &Avro) -> bool {
        match (writer, reader) {
            (Avro::Record(_), Avro::Record(_))
            | (Avro::Enum(_), Avro::Enum(_))
            | (Avro::Fixed(_), Avro::Fixed(_)) => name_matches(writer, reader).is_some(),
            (Avro::Array(_), Avro::Array(_)) | (Avro::Map(_), Avro::Map(_)) => true,
            (Avro::Decimal(w), Avro::Decimal(r)) => {
                w.precision == r.precision && w.scale == r.scale
            }
            _ => {
                std::mem::discriminant(writer) == std::mem::discriminant(reader)
                    && !matches!(writer, Avro::Ref { .. })
            }
        }
    }

    fn names(&self, writer: &Avro, reader: &Avro, path: &SchemaPath) -> Vec<Change> {
        match name_matches(writer, reader) {
            Some(false) => Vec::new(),
            Some(true) => vec![change(
                rules::ALIAS_MATCHED,
                path,
                format!(
                    "writer {} is read as {} through an alias",
                    full_type_name(writer),
                    full_type_name(reader)
                ),
                true,
            )],
            None => vec![self.breaking(
                rules::NAME_MISMATCH,
                path,
                format!(
                    "{} → {}: the names differ and no reader alias is the writer's full name",
                    full_type_name(writer),
                    full_type_name(reader)
                ),
                Leaf::Sample(writer),
            )],
        }
    }

    fn fields(
        &mut self,
        record: &Avro,
        writer: &[RecordField],
        reader: &[RecordField],
        path: &SchemaPath,
    ) -> Vec<Change> {
        let mut changes = Vec::new();
        let mut used = HashSet::new();
        for field in reader {
            let at = path.join(Segment::Field(field.name.clone()));
            let found = writer
                .iter()
                .position(|w| w.name == field.name)
                .or_else(|| {
                    writer
                        .iter()
                        .position(|w| field.aliases.iter().flatten().any(|alias| alias == &w.name))
                });
            match found {
                Some(index) => {
                    used.insert(index);
                    let source = &writer[index];
                    if source.name != field.name {
                        changes.push(change(
                            rules::ALIAS_MATCHED,
                            &at,
                            format!("reads writer field `{}` through an alias", source.name),
                            true,
                        ));
                    }
                    let frame = Frame::Field {
                        record: record.clone(),
                        field: source.name.clone(),
                    };
                    let found = self.within(frame, |this| {
                        this.resolve(&source.schema, &field.schema, &at)
                    });
                    changes.extend(found);
                }
                None if field.default.is_some() => changes.push(change(
                    rules::READER_FIELD_DEFAULTED,
                    &at,
                    format!("`{}` is new; old data reads its default", field.name),
                    true,
                )),
                None => changes.push(self.breaking(
                    rules::READER_FIELD_MISSING_DEFAULT_VALUE,
                    &at,
                    format!(
                        "`{}` is not in the writer's schema and has no default",
                        field.name
                    ),
                    Leaf::Sample(record),
                )),
            }
        }
        for (index, field) in writer.iter().enumerate() {
            if !used.contains(&index) {
                changes.push(change(
                    rules::WRITER_FIELD_SKIPPED,
                    &path.join(Segment::Field(field.name.clone())),
                    format!("`{}` is skipped by the reader", field.name),
                    true,
                ));
            }
        }
        changes
    }

    fn logical(&mut self, writer: &Avro, reader: &Avro, path: &SchemaPath) -> Vec<Change> {
        let (w_type, w_name) =
            logical(writer).map_or((writer.clone(), None), |(u, n)| (u, Some(n)));
        let (r_type, r_name) =
            logical(reader).map_or((reader.clone(), None), |(u, n)| (u, Some(n)));
        let outer = self.erased.replace((self.frames.len(), writer.clone()));
        let mut changes = self.resolve(&w_type, &r_type, path);
        self.erased = outer;
        let mismatch = |this: &Self, detail: String| {
            // A string read as a uuid fails on text that is not one; every other change of
            // meaning decodes and is misread, which no decoder reports.
            let leaf = if matches!(w_type, Avro::String) && matches!(reader, Avro::Uuid) {
                Leaf::Value(serde_json::Value::String("not-a-uuid".into()))
            } else {
                Leaf::None(
                    "every value the writer writes decodes; the reader gives it another meaning",
                )
            };
            let mut change = this.breaking(rules::LOGICAL_TYPE_MISMATCH, path, detail, leaf);
            change.divergence = Some(JAVA_IGNORES_LOGICAL_TYPES);
            change
        };
        match (w_name, r_name) {
            (Some(w), Some(r)) if w != r => changes.push(mismatch(
                self,
                format!("{w} → {r}: the reader would misread the value"),
            )),
            (None, Some(r)) => changes.push(mismatch(
                self,
                format!(
                    "{} → {r}: the writer's values need not be valid {r}",
                    type_name(&w_type)
                ),
            )),
            (Some(w), None) => changes.push(change(
                rules::LOGICAL_TYPE_DROPPED,
                path,
                format!("{w} → {}", type_name(&r_type)),
                true,
            )),
            _ => {}
        }
        changes
    }
}

/// What a witness holds where the break is.
enum Leaf<'s> {
    /// Any value of this writer type.
    Sample(&'s Avro),
    /// This value.
    Value(serde_json::Value),
    /// No value shows the break, for this reason.
    None(&'static str),
}

/// The type a logical type is written as; any other type unchanged.
fn erase(schema: &Avro) -> Avro {
    logical(schema).map_or_else(|| schema.clone(), |(underlying, _)| underlying)
}

fn full_type_name(schema: &Avro) -> String {
    match named(schema) {
        Some((name, _)) => format!(
            "{} {}",
            type_name(schema).split(' ').next().unwrap_or_default(),
            name.fullname(None)
        ),
        None => type_name(schema),
    }
}

fn same_full_name(writer: &Avro, reader: &Avro) -> bool {
    match (named(writer), named(reader)) {
        (Some((w, _)), Some((r, _))) => w.fullname(None) == r.fullname(None),
        _ => true,
    }
}

/// `None` when the names differ, `Some(false)` when the unqualified names are equal (the
/// specification's and Java's rule), `Some(true)` when a reader alias is the writer's full name.
/// apache-avro has already qualified each alias without a dot with its type's namespace.
fn name_matches(writer: &Avro, reader: &Avro) -> Option<bool> {
    let (Some((w, _)), Some((r, aliases))) = (named(writer), named(reader)) else {
        return None;
    };
    if w.name == r.name {
        return Some(false);
    }
    let writer_full = w.fullname(None);
    aliases
        .into_iter()
        .flatten()
        .any(|alias| alias.fullname(None) == writer_full)
        .then_some(true)
}

fn join(symbols: &[&String]) -> String {
    symbols
        .iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
