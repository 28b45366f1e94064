//! SQL identifiers from configuration, validated before they are ever put into a statement.

use std::fmt;

/// A validated SQL identifier: 1 to 63 characters of `[a-z_][a-z0-9_]*`. Always written quoted.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SqlIdent(String);

/// A name that cannot be used as a schema or table name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{name}` is not a valid SQL identifier for the outbox {role}: use 1 to 63 characters of lowercase letters, digits and `_`, not starting with a digit"
)]
pub struct InvalidIdent {
    /// The rejected name.
    pub name: String,
    /// `schema` or `table`.
    pub role: &'static str,
}

impl SqlIdent {
    /// Validates `name` for use as the outbox's `role` (`schema` or `table`).
    pub fn new(name: &str, role: &'static str) -> Result<Self, InvalidIdent> {
        let mut chars = name.chars();
        let valid = (1..=63).contains(&name.len())
            && chars
                .next()
                .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
            && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if valid {
            Ok(Self(name.to_owned()))
        } else {
            Err(InvalidIdent {
                name: name.to_owned(),
                role,
            })
        }
    }

    /// The bare name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SqlIdent {
    /// Writes the identifier quoted. Validation already excludes `"`, so no escaping is needed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{}\"", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_plain_names_and_rejects_everything_else() {
        for good in ["event_outbox", "_x", "a1", &"a".repeat(63)] {
            assert!(SqlIdent::new(good, "table").is_ok(), "{good}");
        }
        for bad in [
            "",
            "1abc",
            "Outbox",
            "out box",
            "x\"; DROP TABLE y; --",
            "a-b",
            &"a".repeat(64),
            "tåble",
        ] {
            let err = SqlIdent::new(bad, "table").unwrap_err();
            assert!(
                err.to_string().contains("not a valid SQL identifier"),
                "{bad}"
            );
        }
        assert_eq!(
            SqlIdent::new("outbox", "table").unwrap().to_string(),
            "\"outbox\""
        );
    }
}
