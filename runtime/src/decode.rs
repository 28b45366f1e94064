//! Decoding JSON into typed values with errors that name the offending field.

use serde::de::DeserializeOwned;
use serde_json::Value;

/// JSON that does not fit the type it was read as.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {message}", if matches!(.path.as_str(), "" | "." | "?") { "(root)" } else { .path.as_str() })]
pub struct DecodeError {
    /// Where in the value it failed, e.g. `essay_results[0].confidence_label`.
    pub path: String,
    /// What serde says.
    pub message: String,
}

impl DecodeError {
    fn new(error: serde_path_to_error::Error<serde_json::Error>) -> Self {
        Self {
            path: error.path().to_string(),
            message: redact(&error.into_inner().to_string()),
        }
    }
}

/// serde's message without the offending value: payloads carry personal data (an email address
/// in a malformed field, a name in an unknown variant), and these messages reach logs, the
/// outbox's `last_error` and dead-letter headers. Says where (the path, kept apart) and why
/// (what was expected), not what. `invalid type: string "a@b.c", expected u32` becomes
/// `invalid type: string, expected u32`; ``unknown variant `x`, expected …`` becomes
/// `unknown variant, expected …`.
pub fn redact(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(start) = rest.find(['"', '`']) {
        let quote = rest.as_bytes()[start];
        let Some(length) = rest[start + 1..].find(quote as char) else {
            break;
        };
        let before = &rest[..start];
        // Keep the expectation (`expected one of `a`, `b``, field names in `missing field`):
        // only the value after `invalid type/value: <kind>` or `unknown variant` is redacted.
        let redacted = ["invalid type: ", "invalid value: ", "unknown variant "]
            .iter()
            .any(|lead| {
                let head = out.clone() + before;
                head.rfind(lead).is_some_and(|at| {
                    !head[at..].contains(", expected") && !head[at..].contains("expected ")
                })
            });
        if redacted {
            out.push_str(before.trim_end());
            rest = &rest[start + 1 + length + 1..];
        } else {
            out.push_str(&rest[..start + 1 + length + 1]);
            rest = &rest[start + 1 + length + 1..];
        }
    }
    out.push_str(rest);
    out
}

/// Reads `value` as a `T`.
pub fn from_value<T: DeserializeOwned>(value: Value) -> Result<T, DecodeError> {
    serde_path_to_error::deserialize(value).map_err(DecodeError::new)
}

/// Reads JSON text as a `T`.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, DecodeError> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(DecodeError::new)?;
    deserializer.end().map_err(|err| DecodeError {
        path: String::new(),
        message: err.to_string(),
    })?;
    Ok(value)
}

/// Reads JSON bytes as a `T`.
pub fn from_slice<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, DecodeError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(DecodeError::new)?;
    deserializer.end().map_err(|err| DecodeError {
        path: String::new(),
        message: err.to_string(),
    })?;
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Outer {
        items: Vec<Inner>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Inner {
        rank: u32,
    }

    #[test]
    fn messages_say_where_and_why_but_not_the_value() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        enum Grade {
            #[serde(rename = "pass")]
            Pass,
        }
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Person {
            age: u32,
            grade: Grade,
            email: String,
        }
        for (input, path, expected) in [
            (
                r#"{"age": "ada@example.org", "grade": "pass", "email": ""}"#,
                "age",
                "invalid type: string, expected u32",
            ),
            (
                r#"{"age": -7, "grade": "pass", "email": ""}"#,
                "age",
                "invalid value: integer, expected u32",
            ),
            (
                r#"{"age": 1, "grade": "Ada Lovelace", "email": ""}"#,
                "grade",
                "unknown variant, expected `pass`",
            ),
            (
                r#"{"age": 1, "grade": "pass", "email": 12345}"#,
                "email",
                "invalid type: integer, expected a string",
            ),
            (
                r#"{"age": 1, "grade": "pass"}"#,
                "",
                "missing field `email`",
            ),
        ] {
            let err = from_str::<Person>(input).unwrap_err();
            assert_eq!(err.path.trim_matches('.'), path, "{input}");
            assert!(
                err.message.starts_with(expected),
                "{input}: {}",
                err.message
            );
            for secret in ["ada@example.org", "-7", "Ada Lovelace", "12345"] {
                assert!(!err.to_string().contains(secret), "{err}");
            }
        }
    }

    #[test]
    fn errors_name_the_path() {
        let err = from_str::<Outer>(r#"{"items": [{"rank": 1}, {"rank": "first"}]}"#).unwrap_err();
        assert_eq!(err.path, "items[1].rank");
        assert!(
            err.to_string()
                .starts_with("items[1].rank: invalid type: string, expected u32"),
            "{err}"
        );
        let err = from_slice::<Outer>(b"{\"items\": []} trailing").unwrap_err();
        assert!(
            err.to_string().starts_with("(root): trailing characters"),
            "{err}"
        );
    }
}
