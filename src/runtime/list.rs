//! `List`: a mutable sequence.

use super::value::Value;
use std::cell::{Ref, RefCell, RefMut};

/// A mutable `list`.
pub struct List {
    items: RefCell<Vec<Value>>,
}

impl List {
    /// A list of these items.
    pub fn new(items: Vec<Value>) -> List {
        List { items: RefCell::new(items) }
    }

    /// Borrow the items to read.
    #[inline]
    pub fn borrow(&self) -> Ref<'_, Vec<Value>> {
        self.items.borrow()
    }

    /// Borrow the items to change them. Never held across a call into script code.
    #[inline]
    pub fn borrow_mut(&self) -> RefMut<'_, Vec<Value>> {
        self.items.borrow_mut()
    }

    /// Number of items.
    pub fn len(&self) -> usize {
        self.items.borrow().len()
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.items.borrow().is_empty()
    }

    /// A copy of the items (to iterate while script code may change the list).
    pub fn snapshot(&self) -> Vec<Value> {
        self.items.borrow().clone()
    }

    /// The item at `i`, if in range.
    #[inline]
    pub fn get(&self, i: usize) -> Option<Value> {
        self.items.borrow().get(i).cloned()
    }
}

impl List {
    /// Borrow the items to read, unless they are borrowed to change (for the cycle
    /// collector, which must not panic).
    pub fn try_borrow_items(&self) -> Result<Ref<'_, Vec<Value>>, std::cell::BorrowError> {
        self.items.try_borrow()
    }

    /// Borrow the items to change them, unless they are borrowed.
    pub fn try_borrow_items_mut(&self) -> Result<RefMut<'_, Vec<Value>>, std::cell::BorrowMutError> {
        self.items.try_borrow_mut()
    }
}
