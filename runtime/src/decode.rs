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
            message: error.into_inner().to_string(),
        }
    }
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
    fn errors_name_the_path() {
        let err = from_str::<Outer>(r#"{"items": [{"rank": 1}, {"rank": "first"}]}"#).unwrap_err();
        assert_eq!(err.path, "items[1].rank");
        assert!(
            err.to_string()
                .starts_with("items[1].rank: invalid type: string \"first\""),
            "{err}"
        );
        let err = from_slice::<Outer>(b"{\"items\": []} trailing").unwrap_err();
        assert!(
            err.to_string().starts_with("(root): trailing characters"),
            "{err}"
        );
    }
}
