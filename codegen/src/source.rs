//! Where each contract type and field is declared in Rust, so a finding about
//! `essay_results[].rank` can point at the line that declares `rank`.
//!
//! The index is built by parsing the contract sources with `syn`; it honours `#[serde(rename)]`
//! and `#[schemars(rename)]`, so schema names map back to Rust declarations. Pure: the caller reads
//! the files.

use std::collections::HashMap;

/// A place in a source file.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Location {
    /// Path relative to the workspace root, `/`-separated.
    pub file: String,
    /// 1-based line.
    pub line: u32,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

#[derive(Debug, Clone)]
struct Declared {
    at: Location,
    members: HashMap<String, Location>,
}

/// Rust declarations of structs and enums, by schema name.
#[derive(Debug, Clone, Default)]
pub struct SourceIndex {
    types: HashMap<String, Declared>,
}

/// A source file that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: cannot parse as Rust: {message}")]
pub struct SourceError {
    /// The file.
    pub file: String,
    /// The parser's message.
    pub message: String,
}

impl SourceIndex {
    /// Indexes `files` (`(path, contents)` pairs).
    pub fn parse<'a>(
        files: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, SourceError> {
        let mut index = Self::default();
        for (file, text) in files {
            let parsed = syn::parse_file(text).map_err(|err| SourceError {
                file: file.to_owned(),
                message: err.to_string(),
            })?;
            index.items(file, &parsed.items);
        }
        Ok(index)
    }

    /// Where type `name` (its schema name or its Rust name) is declared.
    pub fn type_location(&self, name: &str) -> Option<&Location> {
        self.types.get(name).map(|declared| &declared.at)
    }

    /// Where field (or variant) `member` of type `name` is declared, by its serialized name.
    pub fn member_location(&self, name: &str, member: &str) -> Option<&Location> {
        self.types.get(name)?.members.get(member)
    }

    fn items(&mut self, file: &str, items: &[syn::Item]) {
        for item in items {
            match item {
                syn::Item::Struct(item) => {
                    let members = match &item.fields {
                        syn::Fields::Named(fields) => fields
                            .named
                            .iter()
                            .filter_map(|field| {
                                let ident = field.ident.as_ref()?;
                                let name = renamed(&field.attrs).unwrap_or_else(|| {
                                    ident.to_string().trim_start_matches("r#").to_owned()
                                });
                                Some((name, location(file, ident.span())))
                            })
                            .collect(),
                        _ => HashMap::new(),
                    };
                    self.declare(file, &item.ident, &item.attrs, members);
                }
                syn::Item::Enum(item) => {
                    let members = item
                        .variants
                        .iter()
                        .map(|variant| {
                            let name = renamed(&variant.attrs)
                                .unwrap_or_else(|| variant.ident.to_string());
                            (name, location(file, variant.ident.span()))
                        })
                        .collect();
                    self.declare(file, &item.ident, &item.attrs, members);
                }
                syn::Item::Mod(module) => {
                    if let Some((_, items)) = &module.content {
                        self.items(file, items);
                    }
                }
                _ => {}
            }
        }
    }

    fn declare(
        &mut self,
        file: &str,
        ident: &syn::Ident,
        attrs: &[syn::Attribute],
        members: HashMap<String, Location>,
    ) {
        let declared = Declared {
            at: location(file, ident.span()),
            members,
        };
        if let Some(name) = renamed(attrs) {
            self.types.insert(name, declared.clone());
        }
        self.types.insert(ident.to_string(), declared);
    }
}

fn location(file: &str, span: proc_macro2::Span) -> Location {
    Location {
        file: file.to_owned(),
        line: u32::try_from(span.start().line).unwrap_or(0),
    }
}

/// The name given by `#[serde(rename = "…")]` or `#[schemars(rename = "…")]`.
fn renamed(attrs: &[syn::Attribute]) -> Option<String> {
    let mut found = None;
    for attr in attrs {
        if !(attr.path().is_ident("serde") || attr.path().is_ident("schemars")) {
            continue;
        }
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") && meta.input.peek(syn::Token![=]) {
                let value: syn::LitStr = meta.value()?.parse()?;
                found = Some(value.value());
            } else if meta.input.peek(syn::Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            } else if meta.input.peek(syn::token::Paren) {
                let content;
                syn::parenthesized!(content in meta.input);
                let _: proc_macro2::TokenStream = content.parse()?;
            }
            Ok(())
        });
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_types_fields_and_variants_by_serialized_name() {
        let source = r#"
/// Docs.
#[derive(Serialize)]
pub struct EssayResultV1 {
    pub essay_id: String,
    #[serde(rename = "rank", default)]
    pub position: u32,
}

#[schemars(rename = "Grade")]
pub enum LetterGrade {
    A,
    #[serde(rename = "b")]
    B,
}
"#;
        let index = SourceIndex::parse([("contracts/src/x.rs", source)]).unwrap();
        let at = |line| {
            Some(Location {
                file: "contracts/src/x.rs".into(),
                line,
            })
        };
        assert_eq!(index.type_location("EssayResultV1").cloned(), at(4));
        assert_eq!(
            index.member_location("EssayResultV1", "essay_id").cloned(),
            at(5)
        );
        assert_eq!(
            index.member_location("EssayResultV1", "rank").cloned(),
            at(7)
        );
        assert_eq!(index.type_location("Grade").cloned(), at(11));
        assert_eq!(index.member_location("LetterGrade", "b").cloned(), at(14));
        assert!(SourceIndex::parse([("bad.rs", "struct {")]).is_err());
    }
}
