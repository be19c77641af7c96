//! `PyStr`: an immutable Python string (UTF-8 text with a cached hash and length in
//! code points, so ASCII strings index in O(1)). Text of up to [`INLINE`] bytes lives
//! inside the `PyStr` itself, so a short string is one allocation (its `Rc`).

use std::cell::Cell;

/// The longest text kept inline (the rest of the 24 bytes the heap variant takes).
pub const INLINE: usize = 22;

/// Where a string's text is.
enum Text {
    /// Short text, in place.
    Inline { len: u8, buf: [u8; INLINE] },
    /// Longer text, in its own allocation.
    Heap(Box<str>),
}

/// An immutable string value.
pub struct PyStr {
    text: Text,
    hash: Cell<i64>,
    /// Length in code points.
    chars: usize,
}

/// The first 4 bytes of `s` (at least 4 long) as one word.
#[inline(always)]
fn word4(s: &[u8]) -> u32 {
    u32::from_le_bytes([s[0], s[1], s[2], s[3]])
}

/// The first 8 bytes of `s` (at least 8 long) as one word.
#[inline(always)]
fn word8(s: &[u8]) -> u64 {
    u64::from_le_bytes([s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]])
}

/// Text of at most [`INLINE`] bytes, in place.
#[inline]
fn inline(s: &str) -> Text {
    let mut buf = [0u8; INLINE];
    buf[..s.len()].copy_from_slice(s.as_bytes());
    Text::Inline { len: s.len() as u8, buf }
}

impl PyStr {
    /// A string from text.
    pub fn new(s: &str) -> PyStr {
        let chars = if s.is_ascii() { s.len() } else { s.chars().count() };
        let text = if s.len() <= INLINE { inline(s) } else { Text::Heap(Box::from(s)) };
        PyStr { text, hash: Cell::new(-1), chars }
    }

    /// The text.
    #[inline]
    pub fn as_str(&self) -> &str {
        match &self.text {
            // SAFETY: the first `len` bytes were copied from a `&str` (`inline`,
            // `push_str`), so they are valid UTF-8, and `len <= INLINE`.
            Text::Inline { len, buf } => unsafe { std::str::from_utf8_unchecked(buf.get_unchecked(..*len as usize)) },
            Text::Heap(s) => s,
        }
    }

    /// Whether the two texts are equal: the lengths, then texts of up to 16 bytes by
    /// two (possibly overlapping) word or byte compares in place, longer ones by
    /// `memcmp` (a dict probe that found a key of equal hash is confirmed this way).
    #[inline(always)]
    pub fn same_text(&self, other: &PyStr) -> bool {
        let (a, b) = (self.as_str().as_bytes(), other.as_str().as_bytes());
        let n = a.len();
        if n != b.len() {
            return false;
        }
        match n {
            0 => true,
            1..=3 => a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1],
            4..=7 => word4(a) == word4(b) && word4(&a[n - 4..]) == word4(&b[n - 4..]),
            8..=16 => word8(a) == word8(b) && word8(&a[n - 8..]) == word8(&b[n - 8..]),
            _ => a == b,
        }
    }

    /// Length in code points (what `len()` returns).
    #[inline]
    pub fn len(&self) -> usize {
        self.chars
    }

    /// Whether the string is empty.
    pub fn is_empty(&self) -> bool {
        self.as_str().is_empty()
    }

    /// Whether every character is ASCII (then byte and character offsets agree).
    #[inline]
    pub fn is_ascii(&self) -> bool {
        self.chars == self.as_str().len()
    }

    /// The hash (computed once, then cached). Never -1, like CPython's.
    #[inline]
    pub fn hash(&self) -> i64 {
        let h = self.hash.get();
        if h != -1 {
            return h;
        }
        let h = str_hash(self.as_str());
        self.hash.set(h);
        h
    }

    /// Append `t` in place (`s += t` when the caller holds the only reference; the
    /// cached hash is reset): inline while the text fits, else one reallocation.
    pub fn push_str(&mut self, t: &str) {
        self.chars += if t.is_ascii() { t.len() } else { t.chars().count() };
        self.hash.set(-1);
        match &mut self.text {
            Text::Inline { len, buf } if *len as usize + t.len() <= INLINE => {
                let n = *len as usize;
                buf[n..n + t.len()].copy_from_slice(t.as_bytes());
                *len = (n + t.len()) as u8;
            }
            Text::Heap(b) => {
                let mut s = std::mem::take(b).into_string();
                s.reserve_exact(t.len());
                s.push_str(t);
                *b = s.into_boxed_str();
            }
            Text::Inline { .. } => {
                let mut s = String::with_capacity(self.as_str().len() + t.len());
                s.push_str(self.as_str());
                s.push_str(t);
                self.text = Text::Heap(s.into_boxed_str());
            }
        }
    }

    /// The character at code-point index `i` (in range).
    pub fn char_at(&self, i: usize) -> char {
        if self.is_ascii() {
            self.as_str().as_bytes()[i] as char
        } else {
            self.as_str().chars().nth(i).unwrap()
        }
    }

    /// The byte offset of code-point index `i` (`i <= len`).
    pub fn byte_offset(&self, i: usize) -> usize {
        if self.is_ascii() {
            i
        } else {
            let s = self.as_str();
            s.char_indices().nth(i).map_or(s.len(), |(b, _)| b)
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
        if s.len() <= INLINE {
            return PyStr::new(&s);
        }
        let chars = if s.is_ascii() { s.len() } else { s.chars().count() };
        PyStr { text: Text::Heap(s.into_boxed_str()), hash: Cell::new(-1), chars }
    }
}

impl PartialEq for PyStr {
    fn eq(&self, other: &PyStr) -> bool {
        std::ptr::eq(self, other) || self.as_str() == other.as_str()
    }
}

impl std::fmt::Display for PyStr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Debug for PyStr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.as_str())
    }
}
