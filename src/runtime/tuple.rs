//! `Tuple`: an immutable sequence.

use super::value::Value;

/// An immutable `tuple`.
pub struct Tuple {
    items: Box<[Value]>,
}

impl Tuple {
    /// A tuple of these items.
    pub fn new(items: Vec<Value>) -> Tuple {
        Tuple { items: items.into_boxed_slice() }
    }

    /// The items.
    #[inline]
    pub fn items(&self) -> &[Value] {
        &self.items
    }

    /// The items, to be replaced in place: only for a tuple no one else can see (an
    /// iterator refilling the result tuple it made last, once its consumer dropped it).
    #[inline]
    pub fn items_mut(&mut self) -> &mut [Value] {
        &mut self.items
    }

    /// Number of items.
    #[inline]
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether it is `()`.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}
