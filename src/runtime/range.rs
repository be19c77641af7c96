//! `range` and `slice` objects.
//!
//! A range whose bounds and length fit in 64 bits (nearly all of them) is kept as
//! three `i64`s; a bigger one (`range(10 ** 20)`) keeps its bounds as big ints, and
//! every operation has a big-int path with the same results.

use super::value::Value;
use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{One, Signed, ToPrimitive, Zero};

/// A `range(start, stop, step)`.
pub struct RangeObj {
    /// First value (meaningful when `big` is `None`).
    pub start: i64,
    /// Bound, exclusive (meaningful when `big` is `None`).
    pub stop: i64,
    /// Step, never 0 (meaningful when `big` is `None`).
    pub step: i64,
    /// `(start, stop, step)` when some bound or the length does not fit in 64 bits.
    pub big: Option<Box<[BigInt; 3]>>,
}

impl RangeObj {
    /// A range from 64-bit bounds (stored big if its length overflows).
    pub fn new(start: i64, stop: i64, step: i64) -> RangeObj {
        let r = RangeObj { start, stop, step, big: None };
        if range_len_i128(start, stop, step) > i64::MAX as i128 {
            return RangeObj::from_big(start.into(), stop.into(), step.into());
        }
        r
    }

    /// A range from big-int bounds (stored small when everything fits).
    pub fn from_big(start: BigInt, stop: BigInt, step: BigInt) -> RangeObj {
        if let (Some(a), Some(b), Some(c)) = (start.to_i64(), stop.to_i64(), step.to_i64()) {
            if range_len_i128(a, b, c) <= i64::MAX as i128 {
                return RangeObj { start: a, stop: b, step: c, big: None };
            }
        }
        RangeObj { start: 0, stop: 0, step: 1, big: Some(Box::new([start, stop, step])) }
    }

    /// Whether the bounds are kept as big ints.
    pub fn is_big(&self) -> bool {
        self.big.is_some()
    }

    /// `(start, stop, step)` as big ints.
    pub fn parts(&self) -> (BigInt, BigInt, BigInt) {
        match &self.big {
            Some(b) => (b[0].clone(), b[1].clone(), b[2].clone()),
            None => (self.start.into(), self.stop.into(), self.step.into()),
        }
    }

    /// The `start`, `stop` and `step` attributes.
    pub fn attrs(&self) -> (Value, Value, Value) {
        let (a, b, c) = self.parts();
        (Value::from_bigint(a), Value::from_bigint(b), Value::from_bigint(c))
    }

    /// Number of values of a small range (`i64::MAX` for a big one: use [`Self::len_big`]).
    pub fn len(&self) -> i64 {
        match &self.big {
            None => range_len(self.start, self.stop, self.step),
            Some(_) => self.len_big().to_i64().unwrap_or(i64::MAX),
        }
    }

    /// Number of values.
    pub fn len_big(&self) -> BigInt {
        let (start, stop, step) = self.parts();
        big_len(&start, &stop, &step)
    }

    /// Whether it has no values.
    pub fn is_empty(&self) -> bool {
        match &self.big {
            None => self.len() == 0,
            Some(_) => self.len_big().is_zero(),
        }
    }

    /// The value at index `i` of a small range (in range).
    pub fn get(&self, i: i64) -> i64 {
        self.start + i * self.step
    }

    /// The value at index `i` (already normalised, in range).
    pub fn get_big(&self, i: &BigInt) -> BigInt {
        let (start, _, step) = self.parts();
        start + i * step
    }

    /// Whether the int `v` is one of the values.
    pub fn contains_int(&self, v: &BigInt) -> bool {
        let (start, stop, step) = self.parts();
        let inside = if step.is_positive() { *v >= start && *v < stop } else { *v <= start && *v > stop };
        inside && (v - &start).mod_floor(&step.abs()).is_zero()
    }

    /// The index of the int `v`, if it is one of the values.
    pub fn index_of(&self, v: &BigInt) -> Option<BigInt> {
        if !self.contains_int(v) {
            return None;
        }
        let (start, _, step) = self.parts();
        Some((v - start) / step)
    }

    /// Range equality: the same sequence of values.
    pub fn same_values(&self, other: &RangeObj) -> bool {
        let (la, lb) = (self.len_big(), other.len_big());
        if la != lb {
            return false;
        }
        if la.is_zero() {
            return true;
        }
        let (sa, _, ta) = self.parts();
        let (sb, _, tb) = other.parts();
        sa == sb && (la.is_one() || ta == tb)
    }

    /// `hash(range)`: CPython hashes `(len, start, step)`, with `start` and `step`
    /// replaced by `None` for empty ranges and `step` by `None` for one-value ranges.
    pub fn hash_parts(&self) -> [Value; 3] {
        let len = self.len_big();
        let (start, _, step) = self.parts();
        let none = Value::None;
        if len.is_zero() {
            [Value::from_bigint(len), none.clone(), none]
        } else if len.is_one() {
            [Value::from_bigint(len), Value::from_bigint(start), none]
        } else {
            [Value::from_bigint(len), Value::from_bigint(start), Value::from_bigint(step)]
        }
    }

    /// `repr(range)`.
    pub fn repr(&self) -> String {
        let (start, stop, step) = self.parts();
        if step.is_one() {
            format!("range({start}, {stop})")
        } else {
            format!("range({start}, {stop}, {step})")
        }
    }

    /// `reversed(range)` as a range.
    pub fn reversed(&self) -> RangeObj {
        let (start, _, step) = self.parts();
        let len = self.len_big();
        let last = &start + (&len - 1) * &step;
        let new_stop = &start - &step;
        if len.is_zero() {
            return RangeObj::from_big(start.clone(), start, -step);
        }
        RangeObj::from_big(last, new_stop, -step)
    }
}

/// Number of values in `range(start, stop, step)` as an `i128` (never overflows).
fn range_len_i128(start: i64, stop: i64, step: i64) -> i128 {
    let (lo, hi, step) = if step > 0 { (start as i128, stop as i128, step as i128) } else { (stop as i128, start as i128, -(step as i128)) };
    if lo >= hi {
        0
    } else if step == 1 {
        // (the common `range(n)`: no 128-bit division)
        hi - lo
    } else {
        (hi - lo - 1) / step + 1
    }
}

/// Number of values in `range(start, stop, step)` (clamped to `i64::MAX`).
pub fn range_len(start: i64, stop: i64, step: i64) -> i64 {
    range_len_i128(start, stop, step).min(i64::MAX as i128) as i64
}

/// Number of values of a range with big bounds.
pub fn big_len(start: &BigInt, stop: &BigInt, step: &BigInt) -> BigInt {
    let (lo, hi, st) = if step.is_positive() { (start, stop, step.clone()) } else { (stop, start, -step) };
    if lo >= hi { BigInt::zero() } else { (hi - lo - 1u32) / st + 1u32 }
}

/// CPython's `_PySlice_GetLongIndices` for big lengths: `(start, stop, step)` of the
/// selected positions, each already clamped; `None` parts of the slice are defaults.
pub fn big_slice_indices(start: Option<BigInt>, stop: Option<BigInt>, step: BigInt, len: &BigInt) -> (BigInt, BigInt, BigInt) {
    let neg = step.is_negative();
    let (lower, upper) = if neg { (BigInt::from(-1), len - 1u32) } else { (BigInt::zero(), len.clone()) };
    let fix = |v: Option<BigInt>, default: &BigInt| -> BigInt {
        match v {
            None => default.clone(),
            Some(mut i) => {
                if i.is_negative() {
                    i += len;
                    if i < lower {
                        i = lower.clone();
                    }
                } else if i > upper {
                    i = upper.clone();
                }
                i
            }
        }
    };
    let s = fix(start, if neg { &upper } else { &lower });
    let e = fix(stop, if neg { &lower } else { &upper });
    (s, e, step)
}

/// A `slice(start, stop, step)` object.
pub struct SliceObj {
    /// `start` (any value, usually int or None).
    pub start: Value,
    /// `stop`.
    pub stop: Value,
    /// `step`.
    pub step: Value,
}
