//! Deliberately untyped values.
//!
//! Where a producer's data has no known shape, a contract says so explicitly with [`Untyped`] and a
//! reason, instead of hiding a `serde_json::Value` among typed fields:
//!
//! ```ignore
//! /// Free-form context of the error; each error code puts different keys here.
//! #[schemars(extend("x-tidings-untyped" = "error context keys differ per error code"))]
//! pub context: tidings::Untyped,
//! ```
//!
//! The JSON Schema of such a field carries `x-tidings-untyped` with the reason, which is what the
//! schema lint counts. In Avro it is a string holding the JSON text (`"logicalType": "json"`).

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Schema keyword that marks an untyped value; its value is the reason.
pub const UNTYPED_KEYWORD: &str = "x-tidings-untyped";

/// A JSON object whose keys and values are deliberately not modelled.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Untyped(pub Map<String, Value>);

impl fmt::Debug for Untyped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Keys only: untyped values may carry personal data, which must not reach logs.
        f.debug_set().entries(self.0.keys()).finish()
    }
}

impl Untyped {
    /// An empty object.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether the object has no keys.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl JsonSchema for Untyped {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Untyped".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "object",
            "additionalProperties": true,
            UNTYPED_KEYWORD: "no reason given"
        })
    }
}
