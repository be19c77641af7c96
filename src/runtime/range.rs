//! `range` and `slice` objects.

use super::value::Value;

/// A `range(start, stop, step)`.
pub struct RangeObj {
    /// First value.
    pub start: i64,
    /// Bound (exclusive).
    pub stop: i64,
    /// Step (never 0).
    pub step: i64,
}

impl RangeObj {
    /// Number of values.
    pub fn len(&self) -> i64 {
        range_len(self.start, self.stop, self.step)
    }

    /// Whether it has no values.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The value at index `i` (in range).
    pub fn get(&self, i: i64) -> i64 {
        self.start + i * self.step
    }
}

/// Number of values in `range(start, stop, step)`.
pub fn range_len(start: i64, stop: i64, step: i64) -> i64 {
    let (lo, hi, step) = if step > 0 { (start as i128, stop as i128, step as i128) } else { (stop as i128, start as i128, -(step as i128)) };
    if lo >= hi { 0 } else { ((hi - lo - 1) / step + 1).min(i64::MAX as i128) as i64 }
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
