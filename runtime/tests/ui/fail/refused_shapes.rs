use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use tidings::Event;

#[derive(Serialize, Deserialize, schemars::JsonSchema, Event)]
#[event(name = "shop.order.placed", topic = "shop.order.placed.v1", version = 1, key = order_id)]
pub struct OrderPlacedV1 {
    pub order_id: String,
    pub position: (i32, String),
    pub lines: Vec<(String, u32)>,
    pub note: Option<Option<String>>,
    pub stock: BTreeMap<u32, String>,
    pub prices: Option<HashMap<i64, f64>>,
    pub shipped_at: chrono::DateTime<chrono::Utc>,
    // Fine: string keys, a date, a field that is not serialized, a custom wire form.
    pub by_sku: BTreeMap<String, u32>,
    pub due: chrono::NaiveDate,
    #[serde(skip)]
    pub cache: Option<(u8, u8)>,
    #[serde(with = "as_text")]
    #[schemars(with = "String")]
    pub pair: (u8, u8),
}

mod as_text {
    pub fn serialize<S: serde::Serializer>(v: &(u8, u8), s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("{}-{}", v.0, v.1))
    }
    pub fn deserialize<'de, D: serde::Deserializer<'de>>(_: D) -> Result<(u8, u8), D::Error> {
        Ok((0, 0))
    }
}

fn main() {}
