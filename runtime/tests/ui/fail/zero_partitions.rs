use serde::{Deserialize, Serialize};
use tidings::Event;

#[derive(Serialize, Deserialize, schemars::JsonSchema, Event)]
#[event(
    name = "order.placed",
    topic = "orders.order.placed.v1",
    version = 1,
    key = order_id,
    partitions = 0
)]
struct OrderPlaced {
    order_id: String,
}

fn main() {}
