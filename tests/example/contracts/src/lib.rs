//! The shop's events: one Rust type per event, one catalogue over them.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tidings::{Event, Timestamp};
use uuid::Uuid;

/// Who placed an order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CustomerRef {
    /// The customer's account id; all of a customer's orders share a partition.
    pub customer_id: String,
    /// Where the customer shops.
    pub region: Region,
}

/// A sales region.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Region {
    /// Europe.
    Eu,
    /// North America.
    NorthAmerica,
}

/// One line of an order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct OrderLine {
    /// Stock keeping unit.
    #[schemars(length(min = 1, max = 40))]
    pub sku: String,
    /// How many.
    #[schemars(range(min = 1))]
    pub quantity: u32,
    /// Price of one, in the currency's minor unit.
    pub unit_price_minor: i64,
}

/// ISO 4217 currency of an amount.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum Currency {
    /// Euro.
    #[serde(rename = "EUR")]
    Eur,
    /// US dollar.
    #[serde(rename = "USD")]
    Usd,
    /// Swedish krona.
    #[serde(rename = "SEK")]
    Sek,
}

/// A customer placed an order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "order.placed",
    topic = "shop.order.placed.v1",
    version = 1,
    key = customer.customer_id,
    partitions = 3
)]
pub struct OrderPlacedV1 {
    /// The order.
    pub order_id: Uuid,
    /// Who placed it.
    pub customer: CustomerRef,
    /// What was ordered.
    #[schemars(length(min = 1))]
    pub lines: Vec<OrderLine>,
    /// A note for the warehouse, if the customer left one.
    #[serde(default)]
    pub note: Option<String>,
    /// When the order was placed.
    pub placed_at: Timestamp,
}

/// A payment for an order was captured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "payment.captured",
    topic = "shop.payment.captured.v1",
    version = 1,
    key = order_id,
    partitions = 3
)]
pub struct PaymentCapturedV1 {
    /// The payment.
    pub payment_id: Uuid,
    /// The order it pays for.
    pub order_id: Uuid,
    /// Amount in the currency's minor unit.
    #[schemars(range(min = 0))]
    pub amount_minor: i64,
    /// Currency of the amount.
    pub currency: Currency,
}

/// An order left the warehouse.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "shipment.dispatched",
    topic = "shop.shipment.dispatched.v1",
    version = 1,
    key = order_id,
    partitions = 3
)]
pub struct ShipmentDispatchedV1 {
    /// The shipment.
    pub shipment_id: Uuid,
    /// The order shipped.
    pub order_id: Uuid,
    /// The carrier, once one is booked.
    #[serde(default)]
    pub carrier: Option<String>,
}

/// Why an order was cancelled.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CancelReason {
    /// The customer asked.
    CustomerRequest,
    /// The payment failed.
    PaymentFailed,
    /// Out of stock.
    OutOfStock,
}

/// An order was cancelled.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, Event)]
#[event(
    name = "order.cancelled",
    topic = "shop.order.cancelled.v1",
    version = 1,
    key = order_id,
    partitions = 3
)]
pub struct OrderCancelledV1 {
    /// The order.
    pub order_id: Uuid,
    /// Why.
    pub reason: CancelReason,
}

tidings::catalogue! {
    /// Every event of the shop.
    pub enum ShopEvent {
        OrderPlaced => OrderPlacedV1,
        PaymentCaptured => PaymentCapturedV1,
        ShipmentDispatched => ShipmentDispatchedV1,
        OrderCancelled => OrderCancelledV1,
    }
}
