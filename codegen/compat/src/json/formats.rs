//! The numeric `format`s schemars writes (`int8` … `uint64`, `float`, `double`), read as the
//! ranges of values they admit, so a format change is judged by whether the new range holds the
//! old one: `int32` → `int64` widens, `int64` → `int32` narrows.

/// The closed range of values a numeric format admits, and whether they are whole numbers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Range {
    pub(super) low: f64,
    pub(super) high: f64,
    pub(super) integer: bool,
}

impl Range {
    /// Every number.
    pub(super) const ALL: Self = Self {
        low: f64::NEG_INFINITY,
        high: f64::INFINITY,
        integer: false,
    };

    /// Whether every value of `self` lies in `other`.
    pub(super) fn within(self, other: Self) -> bool {
        other.low <= self.low && self.high <= other.high && (self.integer || !other.integer)
    }

    pub(super) fn intersect(self, other: Self) -> Self {
        Self {
            low: self.low.max(other.low),
            high: self.high.min(other.high),
            integer: self.integer || other.integer,
        }
    }

    pub(super) fn contains(self, value: f64) -> bool {
        self.low <= value && value <= self.high && (!self.integer || value.fract() == 0.0)
    }
}

/// The range of a numeric format, or `None` for a format this module does not know.
pub(super) fn range(format: &str) -> Option<Range> {
    let whole = |low: f64, high: f64| Range {
        low,
        high,
        integer: true,
    };
    Some(match format {
        "int8" => whole(i8::MIN.into(), i8::MAX.into()),
        "int16" => whole(i16::MIN.into(), i16::MAX.into()),
        "int32" | "int" => whole(i32::MIN.into(), i32::MAX.into()),
        "int64" => whole(i64::MIN as f64, i64::MAX as f64),
        "uint8" => whole(0.0, u8::MAX.into()),
        "uint16" => whole(0.0, u16::MAX.into()),
        "uint32" => whole(0.0, u32::MAX.into()),
        "uint64" | "uint" => whole(0.0, u64::MAX as f64),
        "float" => Range {
            low: f32::MIN.into(),
            high: f32::MAX.into(),
            integer: false,
        },
        "double" => Range {
            low: f64::MIN,
            high: f64::MAX,
            integer: false,
        },
        _ => return None,
    })
}
