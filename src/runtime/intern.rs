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
    /// Room for the names the built-ins intern at start-up (521 method names, the
    /// functions', classes' and attributes' besides), so that filling it does not
    /// rehash five times.
    static TABLE: RefCell<HashMap<Box<str>, Rc<PyStr>, BuildHasherDefault<NameHasher>>> =
        RefCell::new(HashMap::with_capacity_and_hasher(1024, Default::default()));
}

thread_local! {
    /// The one-character strings of the ASCII characters, made once (CPython keeps the
    /// Latin-1 ones): indexing and iterating over strings hand out these.
    static ASCII: Vec<Rc<PyStr>> = (0u8..128).map(|b| intern(std::str::from_utf8(&[b]).unwrap())).collect();
}

/// The string of one character: a shared (interned) one for ASCII characters, whose
/// hash is then computed once.
#[inline]
pub fn char_str(c: char) -> Rc<PyStr> {
    if c.is_ascii() {
        return ASCII.with(|a| a[c as usize].clone());
    }
    let mut buf = [0u8; 4];
    Rc::new(PyStr::new(c.encode_utf8(&mut buf)))
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
