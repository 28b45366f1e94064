//! Where a change sits inside a schema, kept as segments so it can be shown as a JSON pointer
//! (`#/properties/essay_results/items/properties/rank`), as a field path (`essay_results[].rank`)
//! and mapped back to the Rust type that declares the field.

use std::fmt;

/// One step from a schema's root towards a change.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Segment {
    /// An object property or an Avro record field.
    Field(String),
    /// Every item of an array (`items` in JSON Schema, `items` in Avro).
    Items,
    /// One positional item of a tuple (`items[i]` / `prefixItems[i]`).
    TupleItem(usize),
    /// The values of an open object or an Avro map.
    Values,
    /// Items past a tuple (`additionalItems`).
    AdditionalItems,
    /// A branch of `anyOf`/`oneOf`/`allOf` or of an Avro union.
    Branch(&'static str, usize),
    /// Inside `not`.
    Not,
    /// A property dependency.
    Dependency(String),
    /// A keyword of the schema at this point (`maxLength`, `enum`, `required/foo`, …).
    Keyword(String),
    /// Entering a named type: a `$defs` entry or an Avro named type. Not shown in paths; used to
    /// find the Rust type that declares what follows.
    Type(String),
}

/// A path from a schema's root.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct SchemaPath(Vec<Segment>);

impl SchemaPath {
    /// The root.
    pub fn root() -> Self {
        Self::default()
    }

    /// This path, one segment further.
    pub fn join(&self, segment: Segment) -> Self {
        let mut segments = self.0.clone();
        segments.push(segment);
        Self(segments)
    }

    /// This path with a trailing keyword.
    pub fn keyword(&self, keyword: impl Into<String>) -> Self {
        self.join(Segment::Keyword(keyword.into()))
    }

    /// The segments.
    pub fn segments(&self) -> &[Segment] {
        &self.0
    }

    /// JSON-pointer form, in the style of Confluent's difference paths: `#/properties/foo`.
    pub fn pointer(&self) -> String {
        let mut out = String::from("#/");
        let mut parts = Vec::new();
        for segment in &self.0 {
            match segment {
                Segment::Field(name) => parts.push(format!("properties/{}", escape(name))),
                Segment::Items => parts.push("items".into()),
                Segment::TupleItem(index) => parts.push(format!("items/{index}")),
                Segment::Values => parts.push("additionalProperties".into()),
                Segment::AdditionalItems => parts.push("additionalItems".into()),
                Segment::Branch(keyword, index) => parts.push(format!("{keyword}/{index}")),
                Segment::Not => parts.push("not".into()),
                Segment::Dependency(name) => parts.push(format!("dependencies/{}", escape(name))),
                Segment::Keyword(keyword) => parts.push(keyword.clone()),
                Segment::Type(_) => {}
            }
        }
        out.push_str(&parts.join("/"));
        out
    }

    /// Field form: `essay_results[].rank`, `tags{}`, or `(root)`.
    pub fn field_path(&self) -> String {
        let mut out = String::new();
        for segment in &self.0 {
            match segment {
                Segment::Field(name) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(name);
                }
                Segment::Items | Segment::AdditionalItems => out.push_str("[]"),
                Segment::TupleItem(index) => out.push_str(&format!("[{index}]")),
                Segment::Values => out.push_str("{}"),
                _ => {}
            }
        }
        if out.is_empty() {
            out.push_str("(root)");
        }
        out
    }

    /// The innermost named type on the path and the field of that type the path goes through,
    /// e.g. `(Some("EssayResultV1"), Some("rank"))`. `None` for the type means the root type.
    pub fn declaring_type(&self) -> (Option<&str>, Option<&str>) {
        let start = self
            .0
            .iter()
            .rposition(|segment| matches!(segment, Segment::Type(_)));
        let type_name = start.and_then(|index| match &self.0[index] {
            Segment::Type(name) => Some(name.as_str()),
            _ => None,
        });
        let field = self.0[start.map_or(0, |index| index + 1)..]
            .iter()
            .find_map(|segment| match segment {
                Segment::Field(name) => Some(name.as_str()),
                _ => None,
            });
        (type_name, field)
    }
}

fn escape(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

impl fmt::Display for SchemaPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.pointer())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_pointer_field_path_and_declaring_type() {
        let path = SchemaPath::root()
            .join(Segment::Field("essay_results".into()))
            .join(Segment::Items)
            .join(Segment::Type("EssayResultV1".into()))
            .join(Segment::Field("rank".into()))
            .keyword("minimum");
        assert_eq!(
            path.pointer(),
            "#/properties/essay_results/items/properties/rank/minimum"
        );
        assert_eq!(path.field_path(), "essay_results[].rank");
        assert_eq!(path.declaring_type(), (Some("EssayResultV1"), Some("rank")));
        assert_eq!(SchemaPath::root().field_path(), "(root)");
        assert_eq!(
            SchemaPath::root()
                .join(Segment::Field("a/b".into()))
                .pointer(),
            "#/properties/a~1b"
        );
    }
}
