//! The string interner: one shared `PyStr` per distinct name, so attribute and global
//! lookups can compare names by pointer first.

use super::str::PyStr;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

thread_local! {
    static TABLE: RefCell<HashMap<Box<str>, Rc<PyStr>>> = RefCell::new(HashMap::new());
}

/// The interned string for `s`.
pub fn intern(s: &str) -> Rc<PyStr> {
    TABLE.with(|t| {
        if let Some(v) = t.borrow().get(s) {
            return v.clone();
        }
        let v = Rc::new(PyStr::new(s));
        t.borrow_mut().insert(Box::from(s), v.clone());
        v
    })
}
