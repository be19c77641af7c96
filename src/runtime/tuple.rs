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
