//! `PyStr`: an immutable Python string (UTF-8 text with a cached hash and length in
//! code points, so ASCII strings index in O(1)).

use std::cell::Cell;

/// An immutable string value.
pub struct PyStr {
    s: Box<str>,
    hash: Cell<i64>,
    /// Length in code points.
    chars: usize,
}

impl PyStr {
    /// A string from text.
    pub fn new(s: &str) -> PyStr {
        PyStr::from(s.to_string())
    }

    /// The text.
    #[inline]
    pub fn as_str(&self) -> &str {
        &self.s
    }

    /// Length in code points (what `len()` returns).
    #[inline]
    pub fn len(&self) -> usize {
        self.chars
    }

    /// Whether the string is empty.
    pub fn is_empty(&self) -> bool {
        self.s.is_empty()
    }

    /// Whether every character is ASCII (then byte and character offsets agree).
    #[inline]
    pub fn is_ascii(&self) -> bool {
        self.chars == self.s.len()
    }

    /// The hash (computed once, then cached). Never -1, like CPython's.
    #[inline]
    pub fn hash(&self) -> i64 {
        let h = self.hash.get();
        if h != -1 {
            return h;
        }
        let h = str_hash(&self.s);
        self.hash.set(h);
        h
    }

    /// Append `t` in place (`s += t` when the caller holds the only reference; the
    /// cached hash is reset). The buffer is reallocated, usually within its size class.
    pub fn push_str(&mut self, t: &str) {
        let mut s = std::mem::take(&mut self.s).into_string();
        s.push_str(t);
        self.s = s.into_boxed_str();
        self.chars += if t.is_ascii() { t.len() } else { t.chars().count() };
        self.hash.set(-1);
    }

    /// The character at code-point index `i` (in range).
    pub fn char_at(&self, i: usize) -> char {
        if self.is_ascii() {
            self.s.as_bytes()[i] as char
        } else {
            self.s.chars().nth(i).unwrap()
        }
    }

    /// The byte offset of code-point index `i` (`i <= len`).
    pub fn byte_offset(&self, i: usize) -> usize {
        if self.is_ascii() {
            i
        } else {
            self.s.char_indices().nth(i).map_or(self.s.len(), |(b, _)| b)
        }
    }
}

/// The hash of text: CPython's with `PYTHONHASHSEED=0` (SipHash-1-3, zero key),
/// so that sets of strings iterate in the order CPython's do; never -1.
pub fn str_hash(s: &str) -> i64 {
    super::hash::hash_text(s)
}

impl From<String> for PyStr {
    fn from(s: String) -> PyStr {
        let chars = if s.is_ascii() { s.len() } else { s.chars().count() };
        PyStr { s: s.into_boxed_str(), hash: Cell::new(-1), chars }
    }
}

impl PartialEq for PyStr {
    fn eq(&self, other: &PyStr) -> bool {
        std::ptr::eq(self, other) || self.s == other.s
    }
}

impl std::fmt::Display for PyStr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.s)
    }
}

impl std::fmt::Debug for PyStr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", &*self.s)
    }
}
