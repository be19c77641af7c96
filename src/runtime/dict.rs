//! `Dict`: an insertion-ordered hash table keyed by Python hash, as CPython's dict.
//!
//! Entries live in a vector in insertion order (deleted ones leave a hole until the
//! next compaction); an index table maps hashes to entry positions. Key equality is
//! supplied by the caller, because comparing user objects may run script code: this
//! module never compares keys itself.

use super::value::Value;
use hashbrown::HashTable;
use std::cell::{Ref, RefCell, RefMut};

/// Tables of at most this many entry slots have no index: lookups scan the entries
/// (comparing hashes first), which saves the index's allocation and its rehashing as
/// the table grows, for the many small dicts (instance namespaces, keyword arguments).
const SMALL: usize = 8;

/// The index's hash for a key's Python hash. hashbrown takes its 7-bit slot tag from
/// the top bits, and Python's hash of a small int is the int itself (top bits all
/// zero): every slot of a probed group matched the tag, so an int-keyed lookup compared
/// up to 16 entries per group. An odd multiply spreads the low bits over the top ones
/// (and maps the low bits, which pick the slot, one to one).
#[inline(always)]
fn ix(hash: i64) -> u64 {
    (hash as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// One key/value pair with the key's hash.
#[derive(Clone)]
pub struct Entry {
    /// The key's hash.
    pub hash: i64,
    /// The key.
    pub key: Value,
    /// The value.
    pub value: Value,
}

/// The table behind a dict.
#[derive(Default, Clone)]
pub struct DictTable {
    entries: Vec<Option<Entry>>,
    /// Hash -> entry position; empty while `entries.len() <= SMALL`.
    index: HashTable<u32>,
    len: usize,
    /// Bumped whenever a key is added or removed (not when a value changes).
    pub version: u64,
    /// This is a class namespace: adding or removing a key also invalidates every
    /// class's attribute cache (see `class::class_epoch`).
    pub class_ns: bool,
    /// One bit (`hash & 63`) per key ever added since the last `clear`: a key whose
    /// bit is clear is absent, so a small table's miss (an instance namespace asked
    /// for a method name) costs no scan. Removals leave their bit set.
    bloom: u64,
}

/// The bit of [`DictTable`]'s key filter for a hash.
#[inline(always)]
fn bloom_bit(hash: i64) -> u64 {
    1u64 << (hash as u64 & 63)
}

impl DictTable {
    /// An empty table with room for `n` entries.
    pub fn with_capacity(n: usize) -> DictTable {
        let index = if n > SMALL { HashTable::with_capacity(n) } else { HashTable::new() };
        DictTable { entries: Vec::with_capacity(n), index, len: 0, version: 0, class_ns: false, bloom: 0 }
    }

    /// Number of live entries.
    #[inline]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Position of the entry whose key has `hash` and satisfies `eq`.
    #[inline]
    pub fn find(&self, hash: i64, mut eq: impl FnMut(&Value) -> bool) -> Option<usize> {
        let entries = &self.entries;
        if entries.len() <= SMALL {
            if self.bloom & bloom_bit(hash) == 0 {
                return None;
            }
            return entries.iter().position(|e| matches!(e, Some(e) if e.hash == hash && eq(&e.key)));
        }
        self.index
            .find(ix(hash), |&i| {
                let e = entries[i as usize].as_ref().unwrap();
                e.hash == hash && eq(&e.key)
            })
            .map(|&i| i as usize)
    }

    /// Positions of all entries whose hash equals `hash` (for callers whose key
    /// comparison must run script code outside the borrow).
    pub fn candidates(&self, hash: i64) -> Vec<usize> {
        let mut out = Vec::new();
        let entries = &self.entries;
        if entries.len() <= SMALL {
            if self.bloom & bloom_bit(hash) == 0 {
                return out;
            }
            for (i, e) in entries.iter().enumerate() {
                if matches!(e, Some(e) if e.hash == hash) {
                    out.push(i);
                }
            }
            return out;
        }
        // HashTable has no multi-find; probe with a predicate that records matches.
        let _ = self.index.find(ix(hash), |&i| {
            if entries[i as usize].as_ref().unwrap().hash == hash {
                out.push(i as usize);
            }
            false
        });
        out
    }

    /// The entry at a position returned by `find`.
    #[inline]
    pub fn entry(&self, pos: usize) -> &Entry {
        self.entries[pos].as_ref().unwrap()
    }

    /// The entry at `pos`, if it is still live.
    pub fn entry_opt(&self, pos: usize) -> Option<&Entry> {
        self.entries.get(pos).and_then(|e| e.as_ref())
    }

    /// Replace the value at a position.
    #[inline]
    pub fn set_value(&mut self, pos: usize, value: Value) -> Value {
        std::mem::replace(&mut self.entries[pos].as_mut().unwrap().value, value)
    }

    /// Append a new entry (the caller checked the key is absent).
    pub fn push(&mut self, hash: i64, key: Value, value: Value) {
        if self.entries.len() >= u32::MAX as usize - 1 {
            self.compact();
        }
        let pos = self.entries.len() as u32;
        self.bloom |= bloom_bit(hash);
        self.entries.push(Some(Entry { hash, key, value }));
        if self.entries.len() > SMALL + 1 {
            let entries = &self.entries;
            self.index.insert_unique(ix(hash), pos, |&i| ix(entries[i as usize].as_ref().unwrap().hash));
        } else if self.entries.len() == SMALL + 1 {
            self.build_index();
        }
        self.len += 1;
        self.keys_changed();
    }

    /// Record that keys were added or removed (positions may have moved).
    #[inline]
    fn keys_changed(&mut self) {
        self.version += 1;
        if self.class_ns {
            super::class::bump_class_epoch();
        }
    }

    /// Remove the entry at a position, returning it.
    pub fn remove_at(&mut self, pos: usize) -> Entry {
        let hash = self.entries[pos].as_ref().unwrap().hash;
        if self.entries.len() > SMALL {
            if let Ok(slot) = self.index.find_entry(ix(hash), |&i| i as usize == pos) {
                slot.remove();
            }
        }
        let e = self.entries[pos].take().unwrap();
        self.len -= 1;
        self.keys_changed();
        if self.entries.len() > 16 && self.len * 2 < self.entries.len() {
            self.compact();
        }
        e
    }

    /// Drop the holes left by removals and rebuild the index.
    fn compact(&mut self) {
        self.entries.retain(|e| e.is_some());
        self.build_index();
        self.keys_changed();
    }

    /// Rebuild the index from the entries (none for a small table).
    fn build_index(&mut self) {
        self.index.clear();
        if self.entries.len() <= SMALL {
            return;
        }
        self.index.reserve(self.entries.len(), |_| unreachable!());
        for (i, e) in self.entries.iter().enumerate() {
            if let Some(e) = e {
                self.index.insert_unique(ix(e.hash), i as u32, |_| unreachable!());
            }
        }
    }

    /// Remove everything.
    pub fn clear(&mut self) {
        self.entries.clear();
        self.index.clear();
        self.len = 0;
        self.bloom = 0;
        self.keys_changed();
    }

    /// Live entries in insertion order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Entry> {
        self.entries.iter().filter_map(|e| e.as_ref())
    }

    /// The live entry at or after raw position `pos`, with its position (for iterators
    /// that must survive changes to the table).
    pub fn next_from(&self, mut pos: usize) -> Option<(usize, &Entry)> {
        while pos < self.entries.len() {
            if let Some(e) = &self.entries[pos] {
                return Some((pos, e));
            }
            pos += 1;
        }
        None
    }

    /// The last live entry before raw position `pos`, with its position (for
    /// `reversed(d)`, which walks the entries backwards).
    pub fn prev_before(&self, pos: usize) -> Option<(usize, &Entry)> {
        let end = pos.min(self.entries.len());
        let p = self.entries[..end].iter().rposition(|e| e.is_some())?;
        self.entries[p].as_ref().map(|e| (p, e))
    }

    /// The number of raw entry positions (live or removed): where `reversed(d)` starts.
    pub fn raw_len(&self) -> usize {
        self.entries.len()
    }

    /// Remove and return the last entry (for `popitem`).
    pub fn pop_last(&mut self) -> Option<Entry> {
        let pos = self.entries.iter().rposition(|e| e.is_some())?;
        Some(self.remove_at(pos))
    }
}

/// A `dict` object: a table behind a `RefCell`, never borrowed across script calls.
#[derive(Default)]
pub struct Dict {
    table: RefCell<DictTable>,
}

impl Dict {
    /// An empty dict.
    pub fn new() -> Dict {
        Dict::default()
    }

    /// A dict around a table.
    pub fn from_table(t: DictTable) -> Dict {
        Dict { table: RefCell::new(t) }
    }

    /// Borrow the table to read.
    #[inline]
    pub fn borrow(&self) -> Ref<'_, DictTable> {
        self.table.borrow()
    }

    /// Borrow the table to change it.
    #[inline]
    pub fn borrow_mut(&self) -> RefMut<'_, DictTable> {
        self.table.borrow_mut()
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.table.borrow().len()
    }

    /// Whether the dict is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Dict {
    /// Look up a string key (no script code can run: only `str` keys can match).
    #[inline]
    pub fn get_str(&self, key: &super::str::PyStr) -> Option<Value> {
        let t = self.table.borrow();
        let pos = t.find(key.hash(), |k| matches!(k, Value::Str(s) if std::ptr::eq(&**s, key) || s.as_str() == key.as_str()))?;
        // (interned names usually match by pointer)
        Some(t.entry(pos).value.clone())
    }

    /// Set a string key.
    pub fn set_str(&self, key: std::rc::Rc<super::str::PyStr>, value: Value) {
        let mut t = self.table.borrow_mut();
        let h = key.hash();
        match t.find(h, |k| matches!(k, Value::Str(s) if std::rc::Rc::ptr_eq(s, &key) || s.as_str() == key.as_str())) {
            Some(pos) => {
                t.set_value(pos, value);
            }
            None => t.push(h, Value::Str(key), value),
        }
    }

    /// Remove a string key; returns the old value.
    pub fn del_str(&self, key: &super::str::PyStr) -> Option<Value> {
        let mut t = self.table.borrow_mut();
        let pos = t.find(key.hash(), |k| matches!(k, Value::Str(s) if s.as_str() == key.as_str()))?;
        Some(t.remove_at(pos).value)
    }
}

impl Dict {
    /// Borrow the table to read, unless it is borrowed to change (for the cycle
    /// collector, which must not panic).
    pub fn try_borrow_table(&self) -> Result<Ref<'_, DictTable>, std::cell::BorrowError> {
        self.table.try_borrow()
    }

    /// The table without a borrow guard (None while it is mutably borrowed), for
    /// hot read paths.
    ///
    /// # Safety
    /// The caller must not let the table be borrowed mutably (no script code, no
    /// dict mutation) while the reference lives.
    #[inline]
    pub unsafe fn try_borrow_table_unguarded(&self) -> Option<&DictTable> {
        // SAFETY: forwarded to the caller.
        unsafe { self.table.try_borrow_unguarded() }.ok()
    }

    /// Borrow the table to change it, unless it is borrowed.
    pub fn try_borrow_table_mut(&self) -> Result<RefMut<'_, DictTable>, std::cell::BorrowMutError> {
        self.table.try_borrow_mut()
    }
}
