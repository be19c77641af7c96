//! The string interner: one shared `PyStr` per distinct name, so attribute and global
//! lookups can compare names by pointer first.

use super::str::PyStr;
use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::rc::Rc;

/// A fast non-cryptographic hasher (FxHash's mixing) for the interner: names are short
/// and chosen by the program, and `intern` runs on hot paths (dunder lookups by name).
#[derive(Default)]
struct NameHasher(u64);

impl Hasher for NameHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut h = self.0;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            h = (h.rotate_left(5) ^ u64::from_le_bytes(c.try_into().unwrap())).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            h = (h.rotate_left(5) ^ b as u64).wrapping_mul(K);
        }
        self.0 = h;
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

thread_local! {
    static TABLE: RefCell<HashMap<Box<str>, Rc<PyStr>, BuildHasherDefault<NameHasher>>> = RefCell::new(HashMap::default());
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
