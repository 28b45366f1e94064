//! A serializer adapter that refuses NaN and infinities.
//!
//! JSON has no literal for NaN or ±infinity (RFC 8259 §6), and `serde_json` writes them as
//! `null` without a word. An `Option<f64>` holding NaN would then be stored as "absent", and a
//! required NaN would be reported as "null is not of type number". [`Finite`] wraps any
//! serializer, passes everything through unchanged, and fails at the first non-finite `f32` or
//! `f64`, wherever it is nested, so the caller can say which field it was.

use std::cell::{Cell, RefCell};
use std::fmt::Display;

use serde::ser::{
    self, Serialize, SerializeMap, SerializeSeq, SerializeStruct, SerializeStructVariant,
    SerializeTuple, SerializeTupleStruct, SerializeTupleVariant, Serializer,
};

/// Which non-finite value was met.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NonFinite {
    Nan,
    Infinity,
    NegativeInfinity,
}

impl NonFinite {
    fn of(value: f64) -> Option<Self> {
        if value.is_nan() {
            Some(Self::Nan)
        } else if value == f64::INFINITY {
            Some(Self::Infinity)
        } else if value == f64::NEG_INFINITY {
            Some(Self::NegativeInfinity)
        } else {
            None
        }
    }
}

impl NonFinite {
    /// `NaN`, `infinity` or `-infinity`.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Nan => "NaN",
            Self::Infinity => "infinity",
            Self::NegativeInfinity => "-infinity",
        }
    }
}

impl Display for NonFinite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a [`Finite`] serializer met, shared by every level of one serialization.
#[derive(Debug, Default)]
pub(crate) struct Met {
    /// Set when a non-finite number stopped the serializer.
    kind: Cell<Option<NonFinite>>,
    /// Whether the path is tracked (only when looking for where the number was).
    tracking: bool,
    /// JSON pointer tokens of the value being written, while tracking.
    path: RefCell<Vec<String>>,
    /// The pointer of the non-finite number, once met while tracking.
    at: RefCell<Option<String>>,
}

impl Met {
    /// The kind of non-finite number met, if one stopped the serializer.
    pub(crate) fn kind(&self) -> Option<NonFinite> {
        self.kind.get()
    }

    fn enter(&self, token: impl FnOnce() -> String) {
        if self.tracking {
            self.path.borrow_mut().push(token());
        }
    }

    fn leave(&self) {
        if self.tracking {
            self.path.borrow_mut().pop();
        }
    }

    /// Runs `write` with `token` on the path.
    fn within<R>(&self, token: impl FnOnce() -> String, write: impl FnOnce() -> R) -> R {
        self.enter(token);
        let result = write();
        self.leave();
        result
    }
}

/// Wraps serializer `S`, failing at the first non-finite number; see [`Met`].
pub(crate) struct Finite<'m, S> {
    inner: S,
    met: &'m Met,
}

impl<'m, S> Finite<'m, S> {
    pub(crate) fn new(inner: S, met: &'m Met) -> Self {
        Self { inner, met }
    }

    fn check<E: ser::Error>(&self, value: f64) -> Result<(), E> {
        match NonFinite::of(value) {
            Some(kind) => {
                self.met.kind.set(Some(kind));
                if self.met.tracking {
                    let pointer = self
                        .met
                        .path
                        .borrow()
                        .iter()
                        .fold(String::new(), |mut p, t| {
                            p.push('/');
                            p.push_str(&t.replace('~', "~0").replace('/', "~1"));
                            p
                        });
                    *self.met.at.borrow_mut() = Some(pointer);
                }
                Err(E::custom(format_args!(
                    "a number is {kind}, which JSON cannot represent"
                )))
            }
            None => Ok(()),
        }
    }
}

/// A value whose serialization goes through [`Finite`].
struct Wrapped<'a, 'm, T: ?Sized> {
    value: &'a T,
    met: &'m Met,
}

impl<T: Serialize + ?Sized> Serialize for Wrapped<'_, '_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(Finite::new(serializer, self.met))
    }
}

/// A compound serializer whose elements go through [`Finite`].
pub(crate) struct Compound<'m, C> {
    inner: C,
    met: &'m Met,
    /// Elements written so far, for the path of sequences and tuples.
    index: usize,
    /// Whether this compound put a variant name on the path.
    variant: bool,
    /// The member name given to `serialize_key`, while tracking.
    key: Option<String>,
}

impl<'m, C> Compound<'m, C> {
    fn new(inner: C, met: &'m Met, variant: bool) -> Self {
        Self {
            inner,
            met,
            index: 0,
            variant,
            key: None,
        }
    }

    /// Takes the variant name this compound put on the path off again.
    fn finish(&self) {
        if self.variant {
            self.met.leave();
        }
    }

    fn wrap<'a, T: ?Sized>(&self, value: &'a T) -> Wrapped<'a, 'm, T> {
        Wrapped {
            value,
            met: self.met,
        }
    }
}

macro_rules! pass {
    ($($method:ident: $ty:ty),* $(,)?) => {$(
        fn $method(self, value: $ty) -> Result<S::Ok, S::Error> {
            self.inner.$method(value)
        }
    )*};
}

impl<'m, S: Serializer> Serializer for Finite<'m, S> {
    type Ok = S::Ok;
    type Error = S::Error;
    type SerializeSeq = Compound<'m, S::SerializeSeq>;
    type SerializeTuple = Compound<'m, S::SerializeTuple>;
    type SerializeTupleStruct = Compound<'m, S::SerializeTupleStruct>;
    type SerializeTupleVariant = Compound<'m, S::SerializeTupleVariant>;
    type SerializeMap = Compound<'m, S::SerializeMap>;
    type SerializeStruct = Compound<'m, S::SerializeStruct>;
    type SerializeStructVariant = Compound<'m, S::SerializeStructVariant>;

    pass!(serialize_bool: bool, serialize_i8: i8, serialize_i16: i16, serialize_i32: i32,
        serialize_i64: i64, serialize_i128: i128, serialize_u8: u8, serialize_u16: u16,
        serialize_u32: u32, serialize_u64: u64, serialize_u128: u128, serialize_char: char,
        serialize_str: &str, serialize_bytes: &[u8], serialize_unit_struct: &'static str);

    fn serialize_f32(self, value: f32) -> Result<S::Ok, S::Error> {
        self.check::<S::Error>(f64::from(value))?;
        self.inner.serialize_f32(value)
    }

    fn serialize_f64(self, value: f64) -> Result<S::Ok, S::Error> {
        self.check::<S::Error>(value)?;
        self.inner.serialize_f64(value)
    }

    fn serialize_none(self) -> Result<S::Ok, S::Error> {
        self.inner.serialize_none()
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<S::Ok, S::Error> {
        let met = self.met;
        self.inner.serialize_some(&Wrapped { value, met })
    }

    fn serialize_unit(self) -> Result<S::Ok, S::Error> {
        self.inner.serialize_unit()
    }

    fn serialize_unit_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
    ) -> Result<S::Ok, S::Error> {
        self.inner.serialize_unit_variant(name, index, variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<S::Ok, S::Error> {
        let met = self.met;
        self.inner
            .serialize_newtype_struct(name, &Wrapped { value, met })
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<S::Ok, S::Error> {
        let met = self.met;
        met.within(
            || variant.to_owned(),
            || {
                self.inner
                    .serialize_newtype_variant(name, index, variant, &Wrapped { value, met })
            },
        )
    }

    fn serialize_seq(self, len: Option<usize>) -> Result<Self::SerializeSeq, S::Error> {
        let met = self.met;
        self.inner
            .serialize_seq(len)
            .map(|inner| Compound::new(inner, met, false))
    }

    fn serialize_tuple(self, len: usize) -> Result<Self::SerializeTuple, S::Error> {
        let met = self.met;
        self.inner
            .serialize_tuple(len)
            .map(|inner| Compound::new(inner, met, false))
    }

    fn serialize_tuple_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleStruct, S::Error> {
        let met = self.met;
        self.inner
            .serialize_tuple_struct(name, len)
            .map(|inner| Compound::new(inner, met, false))
    }

    fn serialize_tuple_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleVariant, S::Error> {
        let met = self.met;
        met.enter(|| variant.to_owned());
        let compound = self
            .inner
            .serialize_tuple_variant(name, index, variant, len);
        if compound.is_err() {
            met.leave();
        }
        compound.map(|inner| Compound::new(inner, met, true))
    }

    fn serialize_map(self, len: Option<usize>) -> Result<Self::SerializeMap, S::Error> {
        let met = self.met;
        self.inner
            .serialize_map(len)
            .map(|inner| Compound::new(inner, met, false))
    }

    fn serialize_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStruct, S::Error> {
        let met = self.met;
        self.inner
            .serialize_struct(name, len)
            .map(|inner| Compound::new(inner, met, false))
    }

    fn serialize_struct_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStructVariant, S::Error> {
        let met = self.met;
        met.enter(|| variant.to_owned());
        let compound = self
            .inner
            .serialize_struct_variant(name, index, variant, len);
        if compound.is_err() {
            met.leave();
        }
        compound.map(|inner| Compound::new(inner, met, true))
    }

    fn collect_str<T: Display + ?Sized>(self, value: &T) -> Result<S::Ok, S::Error> {
        self.inner.collect_str(value)
    }

    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}

macro_rules! elements {
    ($($trait:ident::$method:ident),* $(,)?) => {$(
        impl<C: $trait> $trait for Compound<'_, C> {
            type Ok = C::Ok;
            type Error = C::Error;

            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), C::Error> {
                let value = self.wrap(value);
                let index = self.index;
                self.index += 1;
                let inner = &mut self.inner;
                self.met.within(|| index.to_string(), || inner.$method(&value))
            }

            fn end(self) -> Result<C::Ok, C::Error> {
                self.finish();
                self.inner.end()
            }
        }
    )*};
}

elements!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field,
);

macro_rules! fields {
    ($($trait:ident),* $(,)?) => {$(
        impl<C: $trait> $trait for Compound<'_, C> {
            type Ok = C::Ok;
            type Error = C::Error;

            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                key: &'static str,
                value: &T,
            ) -> Result<(), C::Error> {
                let value = self.wrap(value);
                let inner = &mut self.inner;
                self.met.within(|| key.to_owned(), || inner.serialize_field(key, &value))
            }

            fn skip_field(&mut self, key: &'static str) -> Result<(), C::Error> {
                self.inner.skip_field(key)
            }

            fn end(self) -> Result<C::Ok, C::Error> {
                self.finish();
                self.inner.end()
            }
        }
    )*};
}

fields!(SerializeStruct, SerializeStructVariant);

impl<C: SerializeMap> SerializeMap for Compound<'_, C> {
    type Ok = C::Ok;
    type Error = C::Error;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), C::Error> {
        if self.met.tracking {
            self.key = Some(member_name(key));
        }
        let key = self.wrap(key);
        self.inner.serialize_key(&key)
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), C::Error> {
        let value = self.wrap(value);
        let (inner, key) = (&mut self.inner, self.key.take());
        self.met
            .within(|| key.unwrap_or_default(), || inner.serialize_value(&value))
    }

    fn serialize_entry<K: Serialize + ?Sized, V: Serialize + ?Sized>(
        &mut self,
        key: &K,
        value: &V,
    ) -> Result<(), C::Error> {
        let name = || member_name(key);
        let (key, value) = (self.wrap(key), self.wrap(value));
        let inner = &mut self.inner;
        self.met
            .within(name, || inner.serialize_entry(&key, &value))
    }

    fn end(self) -> Result<C::Ok, C::Error> {
        self.finish();
        self.inner.end()
    }
}

/// The member name a map key is written as.
fn member_name<K: Serialize + ?Sized>(key: &K) -> String {
    match serde_json::to_value(key) {
        Ok(serde_json::Value::String(name)) => name,
        Ok(other) => other.to_string(),
        Err(_) => String::from("?"),
    }
}

/// Where the first non-finite number in `value` sits, as a JSON pointer such as
/// `/data/scores/2` (the form [`super::Violation::path`] uses), found by serializing again with
/// the path tracked; only done once one was met.
pub(crate) fn locate<T: Serialize + ?Sized>(value: &T) -> String {
    let met = Met {
        tracking: true,
        ..Met::default()
    };
    let mut sink = serde_json::Serializer::new(std::io::sink());
    let _ = value.serialize(Finite::new(&mut sink, &met));
    met.at.take().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Serialize;

    use super::*;

    fn write<T: Serialize>(value: &T) -> Result<Vec<u8>, Option<NonFinite>> {
        let met = Met::default();
        let mut bytes = Vec::new();
        let mut serializer = serde_json::Serializer::new(&mut bytes);
        match value.serialize(Finite::new(&mut serializer, &met)) {
            Ok(()) => Ok(bytes),
            Err(_) => Err(met.kind()),
        }
    }

    #[derive(Serialize)]
    struct Reading {
        name: String,
        score: Option<f64>,
        weights: Vec<f32>,
        by_name: BTreeMap<String, f64>,
        nested: Option<Box<Reading>>,
    }

    #[derive(Serialize)]
    enum Shape {
        Circle(f64),
        Pair(f64, f64),
        Box { width: f64 },
    }

    fn reading() -> Reading {
        Reading {
            name: "a".into(),
            score: Some(1.5),
            weights: vec![0.25, -3.0],
            by_name: BTreeMap::from([("x".into(), 2.0)]),
            nested: None,
        }
    }

    #[test]
    fn finite_values_are_written_exactly_as_serde_json_writes_them() {
        let value = Reading {
            nested: Some(Box::new(reading())),
            ..reading()
        };
        assert_eq!(write(&value).unwrap(), serde_json::to_vec(&value).unwrap());
        for shape in [
            Shape::Circle(1.0),
            Shape::Pair(2.0, 3.0),
            Shape::Box { width: 4.0 },
        ] {
            assert_eq!(write(&shape).unwrap(), serde_json::to_vec(&shape).unwrap());
        }
    }

    #[test]
    fn every_non_finite_number_is_refused_wherever_it_is_nested() {
        for (value, kind) in [
            (f64::NAN, NonFinite::Nan),
            (f64::INFINITY, NonFinite::Infinity),
            (f64::NEG_INFINITY, NonFinite::NegativeInfinity),
        ] {
            let cases: Vec<(Reading, &str)> = vec![
                (
                    Reading {
                        score: Some(value),
                        ..reading()
                    },
                    "/score",
                ),
                (
                    Reading {
                        weights: vec![1.0, value as f32],
                        ..reading()
                    },
                    "/weights/1",
                ),
                (
                    Reading {
                        by_name: BTreeMap::from([("k".into(), value)]),
                        ..reading()
                    },
                    "/by_name/k",
                ),
                (
                    Reading {
                        nested: Some(Box::new(Reading {
                            score: Some(value),
                            ..reading()
                        })),
                        ..reading()
                    },
                    "/nested/score",
                ),
            ];
            for (case, path) in cases {
                assert_eq!(write(&case), Err(Some(kind)), "{path}");
                assert_eq!(locate(&case), path);
            }
            for (shape, path) in [
                (Shape::Circle(value), "/Circle"),
                (Shape::Pair(1.0, value), "/Pair/1"),
                (Shape::Box { width: value }, "/Box/width"),
            ] {
                assert_eq!(write(&shape), Err(Some(kind)));
                assert_eq!(locate(&shape), path);
            }
        }
    }
}
