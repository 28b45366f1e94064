//! References to content stored outside the event (the claim-check pattern).

use std::fmt;
use std::str::FromStr;

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A reference to an artifact kept in a content store, written as a URI: `content://<storage id>`.
///
/// Large data (full texts, detailed metrics) does not travel in events: the producer stores it and
/// publishes this reference; consumers fetch it when they need it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ArtifactRef {
    uri: String,
    scheme_len: usize,
}

/// Text that is not an artifact URI.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{0}` is not an artifact reference; expected `<scheme>://<location>`, e.g. `content://7170a0d6841753c8ba8a01013afa538f`"
)]
pub struct ArtifactRefError(String);

/// Scheme of HuleEdu's content service.
pub const CONTENT_SCHEME: &str = "content";

const PATTERN: &str = r"^[a-z][a-z0-9+.-]*://\S+$";

impl ArtifactRef {
    /// A reference into HuleEdu's content service.
    pub fn content(storage_id: &str) -> Result<Self, ArtifactRefError> {
        format!("{CONTENT_SCHEME}://{storage_id}").parse()
    }

    /// The URI scheme, e.g. `content`.
    pub fn scheme(&self) -> &str {
        &self.uri[..self.scheme_len]
    }

    /// What follows `://`: the storage id for `content://` references.
    pub fn location(&self) -> &str {
        &self.uri[self.scheme_len + 3..]
    }

    /// The whole URI.
    pub fn as_str(&self) -> &str {
        &self.uri
    }
}

impl FromStr for ArtifactRef {
    type Err = ArtifactRefError;

    fn from_str(uri: &str) -> Result<Self, Self::Err> {
        let fail = || ArtifactRefError(uri.to_owned());
        let (scheme, location) = uri.split_once("://").ok_or_else(fail)?;
        let mut scheme_chars = scheme.chars();
        let scheme_ok = scheme_chars.next().is_some_and(|c| c.is_ascii_lowercase())
            && scheme_chars
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "+.-".contains(c));
        let location_ok = !location.is_empty() && !location.chars().any(char::is_whitespace);
        if scheme_ok && location_ok {
            Ok(Self {
                uri: uri.to_owned(),
                scheme_len: scheme.len(),
            })
        } else {
            Err(fail())
        }
    }
}

impl fmt::Display for ArtifactRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.uri)
    }
}

impl Serialize for ArtifactRef {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.uri)
    }
}

impl<'de> Deserialize<'de> for ArtifactRef {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for ArtifactRef {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ArtifactRef".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": PATTERN,
            "description": "URI of an artifact in a content store, e.g. content://<storage id>",
            "examples": ["content://7170a0d6841753c8ba8a01013afa538f"]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_content_uris() {
        let r: ArtifactRef = "content://7170a0d6841753c8ba8a01013afa538f"
            .parse()
            .unwrap();
        assert_eq!(r.scheme(), "content");
        assert_eq!(r.location(), "7170a0d6841753c8ba8a01013afa538f");
        assert_eq!(
            ArtifactRef::content("abc").unwrap().as_str(),
            "content://abc"
        );
    }

    #[test]
    fn rejects_non_uris() {
        for bad in [
            "",
            "content:/x",
            "://x",
            "Content://x",
            "content://",
            "content://a b",
        ] {
            assert!(bad.parse::<ArtifactRef>().is_err(), "{bad:?}");
        }
    }
}
