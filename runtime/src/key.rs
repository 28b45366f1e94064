//! Partition keys.
//!
//! Kafka orders records per partition, and the partition comes from the key, so every event
//! declares which of its values is the key (`#[event(key = …)]`). Only values with a stable,
//! unambiguous text form can be keys: strings, UUIDs, integers, and newtypes over them
//! (`#[derive(tidings::KeyPart)]`). Floats, booleans and collections cannot, and an `Option` needs
//! a declared fallback, so that no event is ever published without a key.

use std::borrow::Cow;
use std::fmt;

/// The partition key of one event value.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PartitionKey<'a>(Cow<'a, str>);

impl<'a> PartitionKey<'a> {
    /// The key of a value that can be a key.
    pub fn of<T: KeyPart + ?Sized>(value: &'a T) -> Self {
        Self(value.key_part())
    }

    /// A key fixed in the contract, used as the fallback of an optional key field.
    pub const fn from_static(key: &'static str) -> Self {
        Self(Cow::Borrowed(key))
    }

    /// The key as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key's UTF-8 bytes, as they go on the wire.
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }

    /// Detaches the key from the value it was read from.
    pub fn into_owned(self) -> PartitionKey<'static> {
        PartitionKey(Cow::Owned(self.0.into_owned()))
    }
}

impl fmt::Display for PartitionKey<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<String> for PartitionKey<'_> {
    fn from(value: String) -> Self {
        Self(Cow::Owned(value))
    }
}

impl<'a> From<&'a str> for PartitionKey<'a> {
    fn from(value: &'a str) -> Self {
        Self(Cow::Borrowed(value))
    }
}

impl<'a> From<Cow<'a, str>> for PartitionKey<'a> {
    fn from(value: Cow<'a, str>) -> Self {
        Self(value)
    }
}

/// A type whose values can be a partition key.
///
/// Implemented for `String`, `str`, `Uuid` and the integer types. For a newtype over one of those,
/// `#[derive(tidings::KeyPart)]`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a partition key",
    label = "this key has type `{Self}`",
    note = "a partition key must be a String, a Uuid, an integer, or a newtype over one of them with #[derive(tidings::KeyPart)]",
    note = "an optional field needs a fallback: #[event(key = field, key_fallback = other_field)] or key_fallback = \"literal\""
)]
pub trait KeyPart {
    /// The value's key text.
    fn key_part(&self) -> Cow<'_, str>;
}

impl KeyPart for str {
    fn key_part(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
}

impl KeyPart for String {
    fn key_part(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
}

impl KeyPart for uuid::Uuid {
    fn key_part(&self) -> Cow<'_, str> {
        Cow::Owned(self.hyphenated().to_string())
    }
}

impl<T: KeyPart + ?Sized> KeyPart for &T {
    fn key_part(&self) -> Cow<'_, str> {
        (**self).key_part()
    }
}

macro_rules! integer_key_parts {
    ($($int:ty),*) => {$(
        impl KeyPart for $int {
            fn key_part(&self) -> Cow<'_, str> {
                Cow::Owned(self.to_string())
            }
        }
    )*};
}

integer_key_parts!(
    u8, u16, u32, u64, u128, usize, i8, i16, i32, i64, i128, isize
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_text_of_each_kind() {
        let id = uuid::Uuid::nil();
        assert_eq!(
            PartitionKey::of(&id).as_str(),
            "00000000-0000-0000-0000-000000000000"
        );
        assert_eq!(PartitionKey::of(&42_u64).as_str(), "42");
        assert_eq!(PartitionKey::of(&-7_i32).as_str(), "-7");
        assert_eq!(PartitionKey::of("batch-1").as_str(), "batch-1");
        let owned = String::from("job-9");
        assert!(matches!(PartitionKey::of(&owned).0, Cow::Borrowed(_)));
        assert_eq!(
            PartitionKey::from_static("none").into_owned().as_bytes(),
            b"none"
        );
    }
}
