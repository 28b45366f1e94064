//! A JSON document read in place, for validation.
//!
//! `serde_json::Value` is the validator's usual instance, but building one costs an allocation per
//! string, object and array: for an `AssessmentResultV1` that is several times what serializing it
//! costs. A [`Tape`] is the document's values in document order, in one vector; strings are byte
//! ranges of the JSON text (only escaped strings are copied) and containers record where they end.
//! The validator reads it through `jsonschema`'s representation traits, so the bytes that are
//! checked are exactly the bytes that are stored.
//!
//! A tape is either read from JSON text ([`Tape::parse`]) or recorded while serializing
//! ([`to_vec_recorded`]), which costs little more than the serialization itself.

use std::borrow::Cow;
use std::fmt;
use std::io;

use jsonschema::json::{Array, Json, Node, NodeIdentity, Object, cmp};
use jsonschema::types::JsonType;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::ser::{CharEscape, CompactFormatter, Formatter};
use serde_json::{Number, Value};

use super::finite::{Finite, Met, NonFinite};

/// One value of the document, in document order. A container is followed by its contents; an
/// object's contents alternate [`Entry::Key`] and value.
#[derive(Debug, Clone, PartialEq)]
enum Entry {
    Null,
    Bool(bool),
    Number(Number),
    String(Text),
    /// `end` is the index just past the container's last descendant.
    Array {
        len: u32,
        end: u32,
    },
    Object {
        len: u32,
        end: u32,
    },
    Key(Text),
}

/// Where a string's value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Text {
    /// A byte range of the document text: the literal's contents, which need no unescaping.
    Span(u32, u32),
    /// An index into the tape's unescaped strings.
    Owned(u32),
}

/// A JSON document whose strings are read from the text it came from.
#[derive(Debug, Clone)]
pub(crate) struct Tape<'de> {
    text: &'de str,
    entries: Vec<Entry>,
    /// Strings that had escapes, unescaped.
    owned: Vec<String>,
}

impl PartialEq for Tape<'_> {
    /// Same values, however their strings are stored.
    fn eq(&self, other: &Self) -> bool {
        self.entries.len() == other.entries.len()
            && self
                .entries
                .iter()
                .zip(&other.entries)
                .all(|(left, right)| match (left, right) {
                    (Entry::String(l), Entry::String(r)) | (Entry::Key(l), Entry::Key(r)) => {
                        self.str(*l) == other.str(*r)
                    }
                    _ => left == right,
                })
    }
}

/// Positions fit in `u32`: documents are capped far below 4 GiB before they are read.
fn position<E: de::Error>(index: usize) -> Result<u32, E> {
    u32::try_from(index).map_err(|_| E::custom("document larger than 4 GiB"))
}

impl<'de> Tape<'de> {
    /// Reads one JSON document. Trailing characters other than whitespace are an error, as is
    /// nesting deeper than serde_json's limit (128).
    pub(crate) fn parse(bytes: &'de [u8]) -> Result<Self, serde_json::Error> {
        // Checking the UTF-8 of the whole document at once is much faster than string by string.
        let Ok(text) = std::str::from_utf8(bytes) else {
            // Let the parser find and report the position of the bad byte.
            return serde_json::from_slice::<de::IgnoredAny>(bytes)
                .and_then(|_| Err(de::Error::custom("document is not valid UTF-8")));
        };
        let mut tape = Tape {
            text,
            // Roughly one entry per 10 bytes of compact JSON; a guess that avoids most regrowth.
            entries: Vec::with_capacity(bytes.len() / 10 + 4),
            owned: Vec::new(),
        };
        let mut deserializer = serde_json::Deserializer::from_str(text);
        ValueSeed(&mut tape).deserialize(&mut deserializer)?;
        deserializer.end()?;
        Ok(tape)
    }

    /// The document's root value.
    pub(crate) fn root(&self) -> TapeNode<'_> {
        TapeNode { tape: self, at: 0 }
    }

    /// The value of a string.
    fn str(&self, text: Text) -> &str {
        match text {
            // Spans are checked against the text when the tape is made.
            Text::Span(start, end) => self.text.get(start as usize..end as usize),
            Text::Owned(index) => self.owned.get(index as usize).map(String::as_str),
        }
        .unwrap_or_default()
    }

    /// Where `value` is: a span when it is a slice of the text, else a copy.
    fn text_of<E: de::Error>(&mut self, value: &str, borrowed: bool) -> Result<Text, E> {
        if borrowed {
            let start = (value.as_ptr() as usize).wrapping_sub(self.text.as_ptr() as usize);
            let end = start.wrapping_add(value.len());
            let within = self.text.get(start..end);
            if within.is_some_and(|slice| std::ptr::eq(slice.as_ptr(), value.as_ptr())) {
                return Ok(Text::Span(position(start)?, position(end)?));
            }
        }
        self.owned.push(value.to_owned());
        Ok(Text::Owned(position(self.owned.len() - 1)?))
    }
}

/// Pushes one value (and, for a container, everything in it).
struct ValueSeed<'t, 'de>(&'t mut Tape<'de>);

impl<'de> DeserializeSeed<'de> for ValueSeed<'_, 'de> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValueSeed<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.0.entries.push(Entry::Null);
        Ok(())
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<(), E> {
        self.0.entries.push(Entry::Bool(value));
        Ok(())
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<(), E> {
        self.0.entries.push(Entry::Number(value.into()));
        Ok(())
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<(), E> {
        self.0.entries.push(Entry::Number(value.into()));
        Ok(())
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<(), E> {
        let number = Number::from_f64(value).ok_or_else(|| E::custom("number is not finite"))?;
        self.0.entries.push(Entry::Number(number));
        Ok(())
    }

    fn visit_borrowed_str<E: de::Error>(self, value: &'de str) -> Result<(), E> {
        let text = self.0.text_of(value, true)?;
        self.0.entries.push(Entry::String(text));
        Ok(())
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<(), E> {
        let text = self.0.text_of(value, false)?;
        self.0.entries.push(Entry::String(text));
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let at = self.0.entries.len();
        self.0.entries.push(Entry::Array { len: 0, end: 0 });
        let mut count = 0;
        while seq.next_element_seed(ValueSeed(&mut *self.0))?.is_some() {
            count += 1;
        }
        let (len, end) = (position(count)?, position(self.0.entries.len())?);
        self.0.entries[at] = Entry::Array { len, end };
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let at = self.0.entries.len();
        self.0.entries.push(Entry::Object { len: 0, end: 0 });
        let mut count = 0;
        while map.next_key_seed(KeySeed(&mut *self.0))?.is_some() {
            map.next_value_seed(ValueSeed(&mut *self.0))?;
            count += 1;
        }
        let (len, end) = (position(count)?, position(self.0.entries.len())?);
        self.0.entries[at] = Entry::Object { len, end };
        Ok(())
    }
}

/// Pushes one member name.
struct KeySeed<'t, 'de>(&'t mut Tape<'de>);

impl<'de> DeserializeSeed<'de> for KeySeed<'_, 'de> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }

    fn visit_borrowed_str<E: de::Error>(self, value: &'de str) -> Result<(), E> {
        let text = self.0.text_of(value, true)?;
        self.0.entries.push(Entry::Key(text));
        Ok(())
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<(), E> {
        let text = self.0.text_of(value, false)?;
        self.0.entries.push(Entry::Key(text));
        Ok(())
    }
}

/// Serializes `value` to compact JSON, exactly as `serde_json::to_vec` does, and records the
/// document's tape while writing it, so the bytes can be validated without being read back.
///
/// A NaN or infinite number is refused ([`SerializeError::NonFinite`]) rather than written as
/// `null`, as `serde_json` would.
pub(crate) fn to_vec_recorded<T: serde::Serialize + ?Sized>(
    value: &T,
) -> Result<(Vec<u8>, Recorded), SerializeError> {
    let mut bytes = Vec::with_capacity(1024);
    let mut recorder = Recorder {
        at: 0,
        entries: Vec::with_capacity(64),
        fixups: Vec::new(),
        open: Vec::with_capacity(8),
        string: None,
        in_key: false,
        opaque: false,
    };
    let met = Met::default();
    let written = value.serialize(Finite::new(
        &mut serde_json::Serializer::with_formatter(&mut bytes, &mut recorder),
        &met,
    ));
    if let Err(err) = written {
        return Err(match met.kind() {
            Some(kind) => SerializeError::NonFinite {
                kind,
                path: super::finite::locate(value),
            },
            None => SerializeError::Json(err),
        });
    }
    Ok((
        bytes,
        Recorded {
            entries: recorder.entries,
            fixups: recorder.fixups,
            opaque: recorder.opaque,
        },
    ))
}

/// Why [`to_vec_recorded`] wrote nothing.
#[derive(Debug)]
pub(crate) enum SerializeError {
    /// `serde_json` failed, or the document is nested too deep.
    Json(serde_json::Error),
    /// A number at `path` is NaN or infinite.
    NonFinite { kind: NonFinite, path: String },
}

/// A tape recorded while serializing, before it is joined with the bytes written.
#[derive(Debug)]
pub(crate) struct Recorded {
    entries: Vec<Entry>,
    fixups: Vec<Fixup>,
    /// The serializer wrote text whose structure the recorder cannot see (a `RawValue`); the
    /// tape is then read from the bytes instead.
    opaque: bool,
}

/// An entry completed from the written text: what a reader of the bytes sees is what counts.
#[derive(Debug, Clone, Copy)]
struct Fixup {
    at: usize,
    start: u32,
    end: u32,
    kind: FixupKind,
}

#[derive(Debug, Clone, Copy)]
enum FixupKind {
    /// A string literal with escapes; `start..end` are its contents.
    Escaped,
    /// A number written from `f32` or a 128-bit integer.
    Number,
}

impl Recorded {
    /// The tape of `bytes`, which must be the output this recording was made with.
    pub(crate) fn tape(self, bytes: &[u8]) -> Result<Tape<'_>, serde_json::Error> {
        if self.opaque {
            return Tape::parse(bytes);
        }
        let mismatch = || de::Error::custom("recorded tape does not match the serialized bytes");
        let text = std::str::from_utf8(bytes).map_err(|_| mismatch())?;
        let mut tape = Tape {
            text,
            entries: self.entries,
            owned: Vec::new(),
        };
        for fixup in self.fixups {
            let (start, end) = (fixup.start as usize, fixup.end as usize);
            match fixup.kind {
                FixupKind::Escaped => {
                    // The literal with its quotes, unescaped by the parser.
                    let literal = start
                        .checked_sub(1)
                        .and_then(|open| text.get(open..=end))
                        .ok_or_else(mismatch)?;
                    let value: String = serde_json::from_str(literal)?;
                    let index = position(tape.owned.len())?;
                    tape.owned.push(value);
                    match tape.entries.get_mut(fixup.at) {
                        Some(Entry::String(text) | Entry::Key(text)) => *text = Text::Owned(index),
                        _ => return Err(mismatch()),
                    }
                }
                FixupKind::Number => {
                    let number = serde_json::from_str(text.get(start..end).ok_or_else(mismatch)?)?;
                    match tape.entries.get_mut(fixup.at) {
                        Some(entry @ Entry::Number(_)) => *entry = Entry::Number(number),
                        _ => return Err(mismatch()),
                    }
                }
            }
        }
        let spans_fit = tape.entries.iter().all(|entry| match entry {
            Entry::String(Text::Span(start, end)) | Entry::Key(Text::Span(start, end)) => {
                start <= end
                    && text.is_char_boundary(*start as usize)
                    && text.is_char_boundary(*end as usize)
            }
            _ => true,
        });
        if !spans_fit {
            return Err(mismatch());
        }
        Ok(tape)
    }
}

/// A `serde_json` formatter that writes what `CompactFormatter` writes and records the tape.
#[derive(Debug)]
struct Recorder {
    /// Bytes written so far.
    at: usize,
    entries: Vec<Entry>,
    fixups: Vec<Fixup>,
    /// Open containers: tape index and number of values so far.
    open: Vec<(usize, u32)>,
    /// The string being written: where its contents start, whether it is a member name, and
    /// whether an escape was written.
    string: Option<(usize, bool, bool)>,
    in_key: bool,
    opaque: bool,
}

/// Counts the bytes written through it.
struct Counting<'w, W: ?Sized> {
    inner: &'w mut W,
    count: &'w mut usize,
}

impl<W: ?Sized + io::Write> io::Write for Counting<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let written = self.inner.write(buf)?;
        *self.count += written;
        Ok(written)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.inner.write_all(buf)?;
        *self.count += buf.len();
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

fn offset(at: usize) -> io::Result<u32> {
    u32::try_from(at).map_err(|_| io::Error::other("document larger than 4 GiB"))
}

impl Recorder {
    /// Runs one `CompactFormatter` write, counting its bytes.
    fn emit<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        write: impl FnOnce(&mut CompactFormatter, &mut Counting<'_, W>) -> io::Result<()>,
    ) -> io::Result<()> {
        let mut counting = Counting {
            inner: writer,
            count: &mut self.at,
        };
        write(&mut CompactFormatter, &mut counting)
    }

    /// Records a scalar, unless it is part of a member name (an integer key is written inside
    /// the name's quotes).
    fn scalar(&mut self, entry: Entry) {
        if self.string.is_none() {
            self.entries.push(entry);
        }
    }

    /// Records a number whose written text, not its native value, is what a reader sees.
    fn number_text<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        write: impl FnOnce(&mut CompactFormatter, &mut Counting<'_, W>) -> io::Result<()>,
    ) -> io::Result<()> {
        let start = offset(self.at)?;
        self.emit(writer, write)?;
        if self.string.is_none() {
            self.fixups.push(Fixup {
                at: self.entries.len(),
                start,
                end: offset(self.at)?,
                kind: FixupKind::Number,
            });
            self.entries.push(Entry::Number(0.into()));
        }
        Ok(())
    }

    fn open(&mut self, entry: Entry) -> io::Result<()> {
        if self.open.len() >= super::MAX_NESTING {
            // Stops the serializer before its recursion gets deep: a consumer could not read the
            // document (serde_json stops at 128 levels), and a deep enough one would overflow
            // the stack here.
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "the event is nested more than {} levels deep; consumers cannot read it",
                    super::MAX_NESTING
                ),
            ));
        }
        self.open.push((self.entries.len(), 0));
        self.entries.push(entry);
        Ok(())
    }

    fn close(&mut self) -> io::Result<()> {
        let end = offset(self.entries.len())?;
        if let Some((at, count)) = self.open.pop()
            && let Some(Entry::Array { len, end: e } | Entry::Object { len, end: e }) =
                self.entries.get_mut(at)
        {
            *len = count;
            *e = end;
        }
        Ok(())
    }

    fn count_value(&mut self) {
        if let Some((_, count)) = self.open.last_mut() {
            *count += 1;
        }
    }
}

macro_rules! native_number {
    ($($method:ident: $ty:ty),*) => {$(
        fn $method<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: $ty) -> io::Result<()> {
            self.emit(writer, |f, w| f.$method(w, value))?;
            self.scalar(Entry::Number(value.into()));
            Ok(())
        }
    )*};
}

impl Formatter for &mut Recorder {
    fn write_null<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.emit(writer, |f, w| f.write_null(w))?;
        self.scalar(Entry::Null);
        Ok(())
    }

    fn write_bool<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: bool) -> io::Result<()> {
        self.emit(writer, |f, w| f.write_bool(w, value))?;
        self.scalar(Entry::Bool(value));
        Ok(())
    }

    native_number!(write_i8: i8, write_i16: i16, write_i32: i32, write_i64: i64,
        write_u8: u8, write_u16: u16, write_u32: u32, write_u64: u64);

    fn write_i128<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: i128) -> io::Result<()> {
        self.number_text(writer, |f, w| f.write_i128(w, value))
    }

    fn write_u128<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: u128) -> io::Result<()> {
        self.number_text(writer, |f, w| f.write_u128(w, value))
    }

    fn write_f32<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: f32) -> io::Result<()> {
        self.number_text(writer, |f, w| f.write_f32(w, value))
    }

    fn write_f64<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: f64) -> io::Result<()> {
        self.emit(writer, |f, w| f.write_f64(w, value))?;
        // serde_json writes non-finite floats as `null`, so `value` is finite here, and the
        // shortest representation it writes reads back as exactly `value`.
        match Number::from_f64(value) {
            Some(number) => self.scalar(Entry::Number(number)),
            None => self.opaque = true,
        }
        Ok(())
    }

    fn write_number_str<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        value: &str,
    ) -> io::Result<()> {
        self.number_text(writer, |f, w| f.write_number_str(w, value))
    }

    fn begin_string<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.emit(writer, |f, w| f.begin_string(w))?;
        self.string = Some((self.at, self.in_key, false));
        Ok(())
    }

    fn end_string<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        if let Some((start, key, escaped)) = self.string.take() {
            let (start, end) = (offset(start)?, offset(self.at)?);
            if escaped {
                self.fixups.push(Fixup {
                    at: self.entries.len(),
                    start,
                    end,
                    kind: FixupKind::Escaped,
                });
            }
            let text = Text::Span(start, end);
            self.entries.push(if key {
                Entry::Key(text)
            } else {
                Entry::String(text)
            });
        }
        self.emit(writer, |f, w| f.end_string(w))
    }

    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        self.emit(writer, |f, w| f.write_string_fragment(w, fragment))
    }

    fn write_char_escape<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        escape: CharEscape,
    ) -> io::Result<()> {
        if let Some((_, _, escaped)) = &mut self.string {
            *escaped = true;
        }
        self.emit(writer, |f, w| f.write_char_escape(w, escape))
    }

    fn begin_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.emit(writer, |f, w| f.begin_array(w))?;
        self.open(Entry::Array { len: 0, end: 0 })
    }

    fn end_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.close()?;
        self.emit(writer, |f, w| f.end_array(w))
    }

    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.count_value();
        self.emit(writer, |f, w| f.begin_array_value(w, first))
    }

    fn end_array_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.emit(writer, |f, w| f.end_array_value(w))
    }

    fn begin_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.emit(writer, |f, w| f.begin_object(w))?;
        self.open(Entry::Object { len: 0, end: 0 })
    }

    fn end_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.close()?;
        self.emit(writer, |f, w| f.end_object(w))
    }

    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.count_value();
        self.in_key = true;
        self.emit(writer, |f, w| f.begin_object_key(w, first))
    }

    fn end_object_key<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.in_key = false;
        self.emit(writer, |f, w| f.end_object_key(w))
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.emit(writer, |f, w| f.begin_object_value(w))
    }

    fn end_object_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.emit(writer, |f, w| f.end_object_value(w))
    }

    fn write_raw_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        self.opaque = true;
        self.emit(writer, |f, w| f.write_raw_fragment(w, fragment))
    }
}

/// The tape as a `jsonschema` instance representation.
pub(crate) struct TapeJson;

impl Json for TapeJson {
    type Node<'a> = TapeNode<'a>;
    type PreparedKey = Box<str>;
    type StringBuffer = ();

    // A lookup scans the members, so a pass over them is worth a couple of lookups.
    const KEYS_PER_LOOKUP: usize = 2;
    const ACYCLIC: bool = true;

    fn prepare_key(key: &str) -> Box<str> {
        key.into()
    }

    fn with_string_node<T>((): &mut (), string: &str, f: impl FnOnce(TapeNode<'_>) -> T) -> T {
        let tape = Tape {
            text: string,
            entries: vec![Entry::String(Text::Span(
                0,
                u32::try_from(string.len()).unwrap_or(0),
            ))],
            owned: Vec::new(),
        };
        f(tape.root())
    }
}

/// One value in a [`Tape`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct TapeNode<'a> {
    tape: &'a Tape<'a>,
    at: usize,
}

impl<'a> TapeNode<'a> {
    fn entry(&self) -> &'a Entry {
        // `at` always indexes an entry: nodes are made only from positions within the tape.
        self.tape.entries.get(self.at).unwrap_or(&Entry::Null)
    }

    /// The member `name` of an object.
    #[cfg(any(feature = "postgres", test))]
    pub(crate) fn member(&self, name: &str) -> Option<TapeNode<'a>> {
        self.as_object()?.find(name)
    }
}

/// Index just past the value at `at` and everything in it.
fn skip(entries: &[Entry], at: usize) -> usize {
    match entries.get(at) {
        Some(Entry::Array { end, .. } | Entry::Object { end, .. }) => *end as usize,
        _ => at + 1,
    }
}

impl<'a> Node<'a, TapeJson> for TapeNode<'a> {
    type Object = TapeObject<'a>;
    type Array = TapeArray<'a>;
    type Number = &'a Number;

    fn as_object(&self) -> Option<TapeObject<'a>> {
        match self.entry() {
            Entry::Object { len, .. } => Some(TapeObject {
                tape: self.tape,
                at: self.at,
                len: *len as usize,
            }),
            _ => None,
        }
    }

    fn as_array(&self) -> Option<TapeArray<'a>> {
        match self.entry() {
            Entry::Array { len, .. } => Some(TapeArray {
                tape: self.tape,
                at: self.at,
                len: *len as usize,
            }),
            _ => None,
        }
    }

    fn as_string(&self) -> Option<Cow<'a, str>> {
        match self.entry() {
            Entry::String(text) => Some(Cow::Borrowed(self.tape.str(*text))),
            _ => None,
        }
    }

    fn as_number(&self) -> Option<&'a Number> {
        match self.entry() {
            Entry::Number(number) => Some(number),
            _ => None,
        }
    }

    fn as_boolean(&self) -> Option<bool> {
        match self.entry() {
            Entry::Bool(value) => Some(*value),
            _ => None,
        }
    }

    fn is_null(&self) -> bool {
        matches!(self.entry(), Entry::Null)
    }

    fn json_type(&self) -> JsonType {
        match self.entry() {
            Entry::Null => JsonType::Null,
            Entry::Bool(_) => JsonType::Boolean,
            Entry::Number(_) => JsonType::Number,
            Entry::String(_) | Entry::Key(_) => JsonType::String,
            Entry::Array { .. } => JsonType::Array,
            Entry::Object { .. } => JsonType::Object,
        }
    }

    fn string_length_within(&self, min: u64, max: u64) -> Option<bool> {
        let Entry::String(text) = self.entry() else {
            return None;
        };
        let string = self.tape.str(*text);
        // A code point takes one to four bytes: the byte length often decides without counting.
        let bytes = string.len() as u64;
        if bytes < min || bytes.div_ceil(4) > max {
            return Some(false);
        }
        if min <= bytes.div_ceil(4) && bytes <= max {
            return Some(true);
        }
        Some((min..=max).contains(&(string.chars().count() as u64)))
    }

    fn equals_value(&self, expected: &Value) -> bool {
        match (self.entry(), expected) {
            (Entry::Null, Value::Null) => true,
            (Entry::Bool(left), Value::Bool(right)) => left == right,
            (Entry::Number(left), Value::Number(right)) => cmp::equal_numbers(&left, right),
            (Entry::String(left), Value::String(right)) => self.tape.str(*left) == right,
            (Entry::Array { .. } | Entry::Object { .. }, Value::Array(_) | Value::Object(_)) => {
                cmp::equal(&self.to_value(), expected)
            }
            _ => false,
        }
    }

    fn to_value(&self) -> Cow<'a, Value> {
        Cow::Owned(build_value(self.tape, self.at))
    }

    fn identity(&self) -> Option<NodeIdentity> {
        let at = u32::try_from(self.at).ok()?;
        Some(NodeIdentity::tagged(
            self.tape.entries.as_ptr() as usize,
            at,
        ))
    }
}

/// The `serde_json::Value` of the entry at `at`: for error messages and other cold paths.
fn build_value(tape: &Tape<'_>, at: usize) -> Value {
    match tape.entries.get(at) {
        None | Some(Entry::Null) => Value::Null,
        Some(Entry::Bool(value)) => Value::Bool(*value),
        Some(Entry::Number(number)) => Value::Number(number.clone()),
        Some(Entry::String(text) | Entry::Key(text)) => Value::String(tape.str(*text).to_owned()),
        Some(Entry::Array { len, .. }) => {
            let mut items = Vec::with_capacity(*len as usize);
            let mut next = at + 1;
            for _ in 0..*len {
                items.push(build_value(tape, next));
                next = skip(&tape.entries, next);
            }
            Value::Array(items)
        }
        Some(Entry::Object { len, .. }) => {
            let mut members = serde_json::Map::with_capacity(*len as usize);
            let mut next = at + 1;
            for _ in 0..*len {
                if let Some(Entry::Key(name)) = tape.entries.get(next) {
                    members.insert(tape.str(*name).to_owned(), build_value(tape, next + 1));
                }
                next = skip(&tape.entries, next + 1);
            }
            Value::Object(members)
        }
    }
}

/// An object in a [`Tape`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct TapeObject<'a> {
    tape: &'a Tape<'a>,
    at: usize,
    len: usize,
}

impl<'a> Object<'a, TapeJson> for TapeObject<'a> {
    type Node = TapeNode<'a>;
    type MemberName = &'a str;
    type MembersIter = Members<'a>;

    fn len(&self) -> usize {
        self.len
    }

    fn get(&self, key: &Box<str>) -> Option<TapeNode<'a>> {
        self.find(key)
    }

    fn members(&self) -> Members<'a> {
        // Names are entries of their own, so the contents are name, value, name, value, ...
        Members(Elements {
            tape: self.tape,
            next: self.at + 1,
            remaining: 2 * self.len,
        })
    }
}

impl<'a> TapeObject<'a> {
    /// The value of the first member called `name`.
    fn find(&self, name: &str) -> Option<TapeNode<'a>> {
        self.members()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value)
    }
}

/// The members of an object, in document order.
#[derive(Debug, Clone)]
pub(crate) struct Members<'a>(Elements<'a>);

impl<'a> Iterator for Members<'a> {
    type Item = (&'a str, TapeNode<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        let name = self.0.next()?;
        let value = self.0.next()?;
        match name.entry() {
            Entry::Key(text) => Some((name.tape.str(*text), value)),
            // A tape is built name, value, name, value: nothing else can sit here.
            _ => None,
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let (low, high) = self.0.size_hint();
        (low / 2, high.map(|high| high / 2))
    }
}

/// An array in a [`Tape`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct TapeArray<'a> {
    tape: &'a Tape<'a>,
    at: usize,
    len: usize,
}

impl<'a> Array<'a, TapeJson> for TapeArray<'a> {
    type Node = TapeNode<'a>;
    type ElementsIter = Elements<'a>;

    fn len(&self) -> usize {
        self.len
    }

    fn elements(&self) -> Elements<'a> {
        Elements {
            tape: self.tape,
            next: self.at + 1,
            remaining: self.len,
        }
    }
}

/// The elements of an array, in order.
#[derive(Debug, Clone)]
pub(crate) struct Elements<'a> {
    tape: &'a Tape<'a>,
    next: usize,
    remaining: usize,
}

impl<'a> Iterator for Elements<'a> {
    type Item = TapeNode<'a>;

    fn next(&mut self) -> Option<TapeNode<'a>> {
        if self.remaining == 0 {
            return None;
        }
        self.remaining -= 1;
        let node = TapeNode {
            tape: self.tape,
            at: self.next,
        };
        self.next = skip(&self.tape.entries, self.next);
        Some(node)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.remaining, Some(self.remaining))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn round_trip(value: &Value) -> Value {
        let bytes = serde_json::to_vec(value).unwrap();
        let tape = Tape::parse(&bytes).unwrap();
        tape.root().to_value().into_owned()
    }

    #[test]
    fn reads_every_kind_of_value_back() {
        for value in [
            json!(null),
            json!(true),
            json!(-3),
            json!(18446744073709551615_u64),
            json!(1.5),
            json!("plain"),
            json!("esc\"aped \u{e9} \n"),
            json!([]),
            json!({}),
            json!([1, [2, [3, {"a": [4]}]], {"b": {"c": null}}, "tail"]),
            json!({"z": 1, "a": {"nested": [true, false]}, "m": "x", "": ""}),
        ] {
            assert_eq!(round_trip(&value), value);
        }
    }

    #[test]
    fn meets_the_validators_representation_contract() {
        let bytes = serde_json::to_vec(&jsonschema::json::conformance::document()).unwrap();
        let tape = Tape::parse(&bytes).unwrap();
        jsonschema::json::conformance::assert_conformance::<TapeJson>(&tape.root());
    }

    #[test]
    fn strings_borrow_unless_escaped() {
        let bytes = br#"{"a":"plain","b\"":"new\nline"}"#;
        let tape = Tape::parse(bytes).unwrap();
        assert_eq!(tape.entries[2], Entry::String(Text::Span(6, 11)));
        assert_eq!(tape.entries[3], Entry::Key(Text::Owned(0)));
        assert_eq!(tape.entries[4], Entry::String(Text::Owned(1)));
        assert_eq!(tape.owned, ["b\"", "new\nline"]);
        assert_eq!(
            tape.root().member("b\"").and_then(|n| n.as_string()),
            Some(Cow::Borrowed("new\nline"))
        );
        assert!(tape.root().member("missing").is_none());
    }

    #[test]
    fn refuses_what_is_not_one_document() {
        for bad in [&b""[..], b"{", b"[1,]", b"{\"a\" 1}", b"1 2", b"nul"] {
            assert!(
                Tape::parse(bad).is_err(),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        assert!(Tape::parse(deep.as_bytes()).is_err());
    }

    /// The recorder writes what `serde_json::to_vec` writes, and its tape is the parser's.
    fn assert_recorded_like_parsed<T: serde::Serialize + ?Sized>(value: &T) {
        let (bytes, recorded) = to_vec_recorded(value).unwrap();
        assert_eq!(bytes, serde_json::to_vec(value).unwrap());
        let text = String::from_utf8_lossy(&bytes).into_owned();
        assert_eq!(
            recorded.tape(&bytes).unwrap(),
            Tape::parse(&bytes).unwrap(),
            "{text}"
        );
    }

    #[test]
    fn recording_while_writing_gives_the_parsers_tape() {
        #[derive(serde::Serialize)]
        struct Odd<'a> {
            small: f32,
            big: u128,
            negative: i128,
            huge: u128,
            float: f64,
            by_number: std::collections::BTreeMap<i32, &'a str>,
            by_flag: std::collections::BTreeMap<bool, ()>,
            #[serde(with = "serde_bytes_as_seq")]
            bytes: &'a [u8],
            unit: (),
            nested: Vec<Vec<Option<u8>>>,
            tuple: (i8, char, &'a str),
            text: &'a str,
            #[serde(serialize_with = "displayed")]
            shown: &'a str,
        }
        fn displayed<S: serde::Serializer>(value: &&str, s: S) -> Result<S::Ok, S::Error> {
            s.collect_str(&format_args!("<{value}>\n"))
        }
        mod serde_bytes_as_seq {
            pub(super) fn serialize<S: serde::Serializer>(
                v: &[u8],
                s: S,
            ) -> Result<S::Ok, S::Error> {
                s.serialize_bytes(v)
            }
        }
        assert_recorded_like_parsed(&Odd {
            small: 0.1,
            big: 7,
            negative: -170_141_183_460_469_231_731_687_303_715_884_105_728,
            huge: u128::MAX,
            float: 1e300,
            by_number: [(-1, "minus"), (2, "two \"quoted\"")].into(),
            by_flag: [(true, ())].into(),
            bytes: &[0, 255],
            unit: (),
            nested: vec![vec![], vec![None, Some(3)], vec![]],
            tuple: (-8, '\u{1F600}', "tab\there\u{7}\\ é"),
            text: "",
            shown: "collected \"via\" Display",
        });
        // serde_json writes a non-finite float as `null`; the recorder refuses it instead.
        match to_vec_recorded(&[1.0, f64::NAN]) {
            Err(SerializeError::NonFinite { kind, path }) => {
                assert_eq!((kind, path.as_str()), (NonFinite::Nan, "/1"))
            }
            other => panic!("expected NonFinite, got {other:?}"),
        }
        for value in [
            json!(null),
            json!([]),
            json!({}),
            json!({"a\nb": {"": [1, -2, 3.25, "x\"y", {"k": null}]}, "z": [[[]]]}),
            json!("just a \u{2028} string"),
        ] {
            assert_recorded_like_parsed(&value);
        }
    }

    #[test]
    fn text_it_cannot_see_into_is_read_back_instead() {
        let raw =
            serde_json::value::RawValue::from_string(r#"{"inner": [1, "two"]}"#.into()).unwrap();
        let (bytes, recorded) = to_vec_recorded(&json!({"outer": true})).unwrap();
        assert!(!recorded.opaque);
        drop((bytes, recorded));
        let wrapped = std::collections::BTreeMap::from([("raw", &raw)]);
        let (bytes, recorded) = to_vec_recorded(&wrapped).unwrap();
        assert!(recorded.opaque);
        let tape = recorded.tape(&bytes).unwrap();
        assert_eq!(tape, Tape::parse(&bytes).unwrap());
        assert_eq!(
            tape.root().to_value().into_owned(),
            json!({"raw": {"inner": [1, "two"]}})
        );
    }

    #[test]
    fn a_recording_refuses_bytes_it_was_not_made_with() {
        let (_, recorded) = to_vec_recorded(&json!({"name": "a longer value"})).unwrap();
        assert!(recorded.tape(b"{}").is_err());
    }

    #[test]
    fn validates_like_serde_json_values() {
        let schema = json!({
            "type": "object",
            "additionalProperties": false,
            "required": ["grade", "scores"],
            "properties": {
                "grade": {"enum": ["A", "B"]},
                "scores": {"type": "array", "items": {"type": "number", "exclusiveMinimum": 0}},
                "label": {"anyOf": [{"type": "null"}, {"type": "string", "minLength": 2, "maxLength": 3}]},
                "exact": {"const": {"k": [1.0]}},
                "id": {"type": "string", "format": "uuid"}
            }
        });
        let over_tape = jsonschema::options_for::<TapeJson>()
            .should_validate_formats(true)
            .build(&schema)
            .unwrap();
        let over_value = jsonschema::options()
            .should_validate_formats(true)
            .build(&schema)
            .unwrap();
        for instance in [
            json!({"grade": "A", "scores": [1, 2.5]}),
            json!({"grade": "C", "scores": [1]}),
            json!({"grade": "B", "scores": [0]}),
            json!({"grade": "B"}),
            json!({"grade": "B", "scores": [], "extra": 1}),
            json!({"grade": "B", "scores": [], "label": "éé"}),
            json!({"grade": "B", "scores": [], "label": "é"}),
            json!({"grade": "B", "scores": [], "label": "long"}),
            json!({"grade": "B", "scores": [], "label": null}),
            json!({"grade": "B", "scores": [], "exact": {"k": [1]}}),
            json!({"grade": "B", "scores": [], "exact": {"k": [2]}}),
            json!({"grade": "B", "scores": [], "id": "0b7e3a52-8c4f-4e83-9d8c-1f0c2b4a5e6d"}),
            json!({"grade": "B", "scores": [], "id": "not-a-uuid"}),
        ] {
            let bytes = serde_json::to_vec(&instance).unwrap();
            let tape = Tape::parse(&bytes).unwrap();
            let expected: Vec<String> = over_value
                .iter_errors(&instance)
                .map(|e| format!("{} {}", e.instance_path(), e))
                .collect();
            let actual: Vec<String> = over_tape
                .iter_errors(tape.root())
                .map(|e| format!("{} {}", e.instance_path(), e))
                .collect();
            assert_eq!(actual, expected, "{instance}");
            assert_eq!(over_tape.is_valid(tape.root()), expected.is_empty());
        }
    }
}
