//! SQL identifiers from configuration, validated before they are ever put into a statement.

use std::fmt;

/// A validated SQL identifier: 1 to 63 characters of `[a-z_][a-z0-9_]*`. Always written quoted.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SqlIdent(String);

/// A name that cannot be used as a schema or table name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{name}` is not a valid SQL identifier for the {role}: {requirement}")]
pub struct InvalidIdent {
    /// The rejected name.
    pub name: String,
    /// `schema` or `table`, of the outbox or the inbox.
    pub role: &'static str,
    /// What the name must be.
    pub requirement: &'static str,
}

/// Longest table name: Postgres keeps 63 bytes of an identifier, and the longest name derived
/// from the table (`<table>_published_idx`, `<table>_processed_idx`) adds 14.
pub const MAX_TABLE_NAME: usize = 63 - "_published_idx".len();

impl SqlIdent {
    /// Validates `name` for use as `role` (`outbox schema`, `inbox table`, …).
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
                requirement: "use 1 to 63 characters of lowercase letters, digits and `_`, not starting with a digit",
            })
        }
    }

    /// A schema that tidings may create tables in: not one of Postgres' own
    /// (`information_schema`, `pg_*`).
    pub fn schema(name: &str, role: &'static str) -> Result<Self, InvalidIdent> {
        let ident = Self::new(name, role)?;
        if name == "information_schema" || name.starts_with("pg_") {
            return Err(InvalidIdent {
                name: name.to_owned(),
                role,
                requirement: "`information_schema` and `pg_*` belong to Postgres; use your own schema, such as `public`",
            });
        }
        Ok(ident)
    }

    /// A table name short enough for every name derived from it to stay distinct
    /// ([`MAX_TABLE_NAME`]).
    pub fn table(name: &str, role: &'static str) -> Result<Self, InvalidIdent> {
        let ident = Self::new(name, role)?;
        if name.len() > MAX_TABLE_NAME {
            return Err(InvalidIdent {
                name: name.to_owned(),
                role,
                requirement: "at most 49 characters, so that the index and constraint names derived from it fit Postgres' 63",
            });
        }
        Ok(ident)
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
    fn reserved_schemas_and_long_names_are_refused_before_any_sql_runs() {
        for schema in ["information_schema", "pg_catalog", "pg_toast", "pg_temp_1"] {
            let err = SqlIdent::schema(schema, "outbox schema").unwrap_err();
            assert!(err.to_string().contains("belong to Postgres"), "{err}");
        }
        assert!(SqlIdent::schema("public", "outbox schema").is_ok());
        assert!(SqlIdent::table(&"t".repeat(MAX_TABLE_NAME), "outbox table").is_ok());
        for long in [MAX_TABLE_NAME + 1, 63] {
            let err = SqlIdent::table(&"t".repeat(long), "outbox table").unwrap_err();
            assert!(err.to_string().contains("at most 49 characters"), "{err}");
        }
        // Every derived name stays within 63 bytes, so none is truncated into another.
        for suffix in [
            "_event_id_key",
            "_claim_idx",
            "_retry_idx",
            "_published_idx",
            "_dead_idx",
            "_notify",
            "_processed_idx",
        ] {
            assert!(MAX_TABLE_NAME + suffix.len() <= 63, "{suffix}");
        }
    }

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
