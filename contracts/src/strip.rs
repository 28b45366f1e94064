//! Whitespace stripping on input, for models that pydantic configures with
//! `str_strip_whitespace=True`: `"  batch-1 "` reads as `"batch-1"`, and length limits apply to
//! the stripped text.

use serde::{Deserialize, Deserializer};

pub fn string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    let text = String::deserialize(deserializer)?;
    Ok(match text.trim() {
        trimmed if trimmed.len() == text.len() => text,
        trimmed => trimmed.to_owned(),
    })
}

pub fn optional<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<String>::deserialize(deserializer)?.map(|text| text.trim().to_owned()))
}
