//! A hash table that lays out its elements exactly like CPython 3.11's
//! `set`/`frozenset` (`Objects/setobject.c`), so that iterating or printing
//! a set lists the elements in CPython's order.
//!
//! The table is generic over the key type: the caller supplies each key's
//! hash and an equality callback (which may fail, e.g. when it runs user
//! `__eq__` code; an `Err` aborts the operation and is returned as is).
//! Equality callbacks always receive `(stored_key, probe_key)`, the order in
//! which CPython calls `PyObject_RichCompareBool(startkey, key, Py_EQ)`;
//! they are only called for stored keys whose hash equals the probe's hash,
//! and should begin with an identity check (CPython tests `startkey == key`
//! before comparing, which is what makes a NaN object equal to itself).
//!
//! Layout rules reproduced: 8 initial slots; an insertion into a never-used
//! slot increments `fill` and resizes when `fill * 5 >= mask * 3` to the
//! smallest power of two above `used * 4` (`used * 2` past 50000 elements);
//! probing looks at slot `i` and, when `i + 9 <= mask`, the 9 slots after
//! it, then jumps to `(5 * i + 1 + perturb) & mask` with `perturb >>= 5`;
//! deletions leave dummies (an insertion that reaches an empty slot
//! without finding its key goes into the last dummy met on the way, if any); `pop` scans from a
//! finger that survives `clear` and `&=`. Copies follow `set_merge`.
//!
//! The set algebra built on this table (union, intersection, ...) is in `setops.rs`,
//! with how each Python operation maps onto these functions.

use super::value::Value;
use std::cell::{Ref, RefCell, RefMut};

const MIN_SIZE: usize = 8;
const LINEAR_PROBES: u64 = 9;
const PERTURB_SHIFT: u32 = 5;

#[derive(Clone, Debug)]
enum Slot<K> {
    Empty,
    Dummy,
    Active(i64, K),
}

/// Result of a probe: the slot holding an equal key, or where to insert.
enum Probe {
    Found(usize),
    Missing {
        empty: usize,
        last_dummy: Option<usize>,
    },
}

/// An open-addressing hash set with CPython 3.11's exact slot layout.
#[derive(Clone, Debug)]
pub struct SetTable<K> {
    slots: Vec<Slot<K>>,
    pub(super) fill: usize,
    pub(super) used: usize,
    finger: usize,
}

fn empty_slots<K>(n: usize) -> Vec<Slot<K>> {
    (0..n).map(|_| Slot::Empty).collect()
}

/// The next probe start after `i` (perturbation step of `setobject.c`).
fn next_start(i: u64, perturb: &mut u64, mask: u64) -> u64 {
    *perturb >>= PERTURB_SHIFT;
    i.wrapping_mul(5).wrapping_add(1).wrapping_add(*perturb) & mask
}

/// `set_insert_clean`: puts a key into the first empty slot of its probe
/// chain in a table known to hold neither dummies nor an equal key.
fn insert_clean<K>(slots: &mut [Slot<K>], hash: i64, key: K) {
    let mask = (slots.len() - 1) as u64;
    let mut perturb = hash as u64;
    let mut i = perturb & mask;
    loop {
        let probes = if i + LINEAR_PROBES <= mask {
            LINEAR_PROBES
        } else {
            0
        };
        for j in i..=i + probes {
            let slot = &mut slots[j as usize];
            if matches!(slot, Slot::Empty) {
                *slot = Slot::Active(hash, key);
                return;
            }
        }
        i = next_start(i, &mut perturb, mask);
    }
}

impl<K: Clone> Default for SetTable<K> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K: Clone> SetTable<K> {
    /// An empty set with CPython's 8-slot initial table (`set()`).
    pub fn new() -> Self {
        SetTable {
            slots: empty_slots(MIN_SIZE),
            fill: 0,
            used: 0,
            finger: 0,
        }
    }

    /// `set(iterable)`: a new set with `keys` added one by one, in order.
    /// Also the layout of a comprehension and of a display `{a, b}` with a
    /// non-constant element or at most two elements (`BUILD_SET` adds in
    /// source order).
    pub fn from_keys<E>(
        keys: impl IntoIterator<Item = (K, i64)>,
        eq: &mut impl FnMut(&K, &K) -> Result<bool, E>,
    ) -> Result<Self, E> {
        let mut s = Self::new();
        for (key, hash) in keys {
            s.insert(hash, key, eq)?;
        }
        Ok(s)
    }

    /// Number of elements (`len(s)`).
    pub fn len(&self) -> usize {
        self.used
    }

    /// True when the set has no element.
    pub fn is_empty(&self) -> bool {
        self.used == 0
    }

    /// Number of slots in the table (`mask + 1`); CPython's
    /// `sys.getsizeof(s)` is 200 when this is 8 and `200 + 16 * size`
    /// otherwise.
    pub fn table_size(&self) -> usize {
        self.slots.len()
    }

    /// A debugging description of the internal state, comparable with
    /// CPython's `PySetObject` fields: `fill`, `used`, `mask`, `finger`,
    /// then one token per slot (`.` empty, `D` dummy, else the hash).
    pub fn debug_layout(&self) -> String {
        let slots: Vec<String> = self
            .slots
            .iter()
            .map(|s| match s {
                Slot::Empty => ".".to_string(),
                Slot::Dummy => "D".to_string(),
                Slot::Active(h, _) => h.to_string(),
            })
            .collect();
        format!(
            "fill={} used={} mask={} finger={} slots={}",
            self.fill,
            self.used,
            self.slots.len() - 1,
            self.finger,
            slots.join(",")
        )
    }

    pub(super) fn mask(&self) -> u64 {
        (self.slots.len() - 1) as u64
    }

    /// Probes for `hash`, calling `eq` on stored keys with the same hash.
    fn probe<E>(&self, hash: i64, eq: &mut impl FnMut(&K) -> Result<bool, E>) -> Result<Probe, E> {
        let mask = self.mask();
        let mut perturb = hash as u64;
        let mut i = perturb & mask;
        let mut last_dummy = None;
        loop {
            let probes = if i + LINEAR_PROBES <= mask {
                LINEAR_PROBES
            } else {
                0
            };
            for j in i..=i + probes {
                let j = j as usize;
                match &self.slots[j] {
                    Slot::Empty => {
                        return Ok(Probe::Missing {
                            empty: j,
                            last_dummy,
                        });
                    }
                    // CPython 3.11 reuses the *last* dummy met on the
                    // probe path (verified empirically).
                    Slot::Dummy => last_dummy = Some(j),
                    Slot::Active(h, k) => {
                        if *h == hash && eq(k)? {
                            return Ok(Probe::Found(j));
                        }
                    }
                }
            }
            i = next_start(i, &mut perturb, mask);
        }
    }

    /// `key in s`: `eq(stored)` tells whether a stored key equals the key
    /// looked up (only called for stored keys with the same hash).
    pub fn contains<E>(
        &self,
        hash: i64,
        eq: &mut impl FnMut(&K) -> Result<bool, E>,
    ) -> Result<bool, E> {
        Ok(matches!(self.probe(hash, eq)?, Probe::Found(_)))
    }

    /// The stored key equal to the one looked up, if any.
    pub fn get<E>(
        &self,
        hash: i64,
        eq: &mut impl FnMut(&K) -> Result<bool, E>,
    ) -> Result<Option<&K>, E> {
        Ok(match self.probe(hash, eq)? {
            Probe::Found(j) => match &self.slots[j] {
                Slot::Active(_, k) => Some(k),
                _ => None,
            },
            Probe::Missing { .. } => None,
        })
    }

    /// `s.add(key)` (`set_add_entry`): returns `Ok(true)` if the key was
    /// added, `Ok(false)` if an equal key was already present (the stored
    /// key is kept). `eq` receives `(stored, &key)`.
    pub fn insert<E>(
        &mut self,
        hash: i64,
        key: K,
        eq: &mut impl FnMut(&K, &K) -> Result<bool, E>,
    ) -> Result<bool, E> {
        let probe = self.probe(hash, &mut |stored| eq(stored, &key))?;
        match probe {
            Probe::Found(_) => Ok(false),
            Probe::Missing {
                last_dummy: Some(d),
                ..
            } => {
                self.slots[d] = Slot::Active(hash, key);
                self.used += 1;
                Ok(true)
            }
            Probe::Missing {
                empty,
                last_dummy: None,
            } => {
                self.slots[empty] = Slot::Active(hash, key);
                self.fill += 1;
                self.used += 1;
                if (self.fill as u64) * 5 >= self.mask() * 3 {
                    self.grow();
                }
                Ok(true)
            }
        }
    }

    /// The resize done after an insertion fills the table to 60%.
    fn grow(&mut self) {
        let used = self.used;
        self.resize(if used > 50_000 { used * 2 } else { used * 4 });
    }

    /// `set_table_resize`: rebuilds into the smallest power-of-two table
    /// (at least 8) larger than `minused`, dropping dummies and reinserting
    /// the live entries in old slot order.
    pub(super) fn resize(&mut self, minused: usize) {
        let mut size = MIN_SIZE;
        while size <= minused {
            size <<= 1;
        }
        let old = std::mem::replace(&mut self.slots, empty_slots(size));
        self.fill = self.used;
        for slot in old {
            if let Slot::Active(hash, key) = slot {
                insert_clean(&mut self.slots, hash, key);
            }
        }
    }

    /// `s.discard(key)` / `s.remove(key)`: removes and returns the stored
    /// key equal to the probe, leaving a dummy slot (the table never
    /// shrinks here). `eq(stored)` as in [`SetTable::contains`].
    pub fn remove<E>(
        &mut self,
        hash: i64,
        eq: &mut impl FnMut(&K) -> Result<bool, E>,
    ) -> Result<Option<K>, E> {
        match self.probe(hash, eq)? {
            Probe::Found(j) => Ok(self.take_slot(j)),
            Probe::Missing { .. } => Ok(None),
        }
    }

    fn take_slot(&mut self, j: usize) -> Option<K> {
        match std::mem::replace(&mut self.slots[j], Slot::Dummy) {
            Slot::Active(_, k) => {
                self.used -= 1;
                Some(k)
            }
            other => {
                self.slots[j] = other;
                None
            }
        }
    }

    /// `s.pop()`: removes the first live entry at or after the finger
    /// (wrapping around) and moves the finger past it; `None` when empty
    /// (CPython raises `KeyError('pop from an empty set')`).
    pub fn pop(&mut self) -> Option<K> {
        if self.used == 0 {
            return None;
        }
        let size = self.slots.len();
        let mut j = self.finger & (size - 1);
        while !matches!(self.slots[j], Slot::Active(..)) {
            j = (j + 1) % size;
        }
        self.finger = j + 1;
        self.take_slot(j)
    }

    /// `s.clear()`: back to an empty 8-slot table. Like CPython, the `pop`
    /// finger is kept.
    pub fn clear(&mut self) {
        self.slots = empty_slots(MIN_SIZE);
        self.fill = 0;
        self.used = 0;
    }

    /// The elements with their hashes in table order (CPython's iteration
    /// and `repr` order).
    pub fn iter(&self) -> impl Iterator<Item = (&K, i64)> + '_ {
        self.slots.iter().filter_map(|s| match s {
            Slot::Active(h, k) => Some((k, *h)),
            _ => None,
        })
    }

    /// For a live iterator (`setiter`): the first element at slot `pos` or
    /// later, with its slot index; resume at `index + 1`. CPython's
    /// iterator raises `RuntimeError('Set changed size during iteration')`
    /// when `len()` differs from the length seen at creation.
    pub fn next_entry(&self, pos: usize) -> Option<(usize, &K, i64)> {
        self.slots
            .iter()
            .enumerate()
            .skip(pos)
            .find_map(|(j, s)| match s {
                Slot::Active(h, k) => Some((j, k, *h)),
                _ => None,
            })
    }

    /// `s.copy()` / `set(s)` / `frozenset(s)`: a new set merged from this
    /// one, which may be laid out differently from the original (a 5-element
    /// set built by `add` has 32 slots, its copy 16).
    pub fn copy(&self) -> Self {
        let mut s = Self::new();
        let mut never = |_: &K, _: &K| -> Result<bool, std::convert::Infallible> { Ok(false) };
        // An empty table takes the insert_clean paths: no comparisons.
        let Ok(()) = s.merge(self, &mut never);
        s
    }

    /// `s &= t` and `intersection_update`: replaces the contents of `self`
    /// by those of `other` (CPython's `set_swap_bodies`), keeping the
    /// `pop` finger of `self`.
    pub fn replace_body(&mut self, other: SetTable<K>) {
        self.slots = other.slots;
        self.fill = other.fill;
        self.used = other.used;
    }

    /// `set_merge`: adds every element of `other` (a set distinct from
    /// `self`), pre-sizing the table first.
    pub(super) fn merge<E>(
        &mut self,
        other: &SetTable<K>,
        eq: &mut impl FnMut(&K, &K) -> Result<bool, E>,
    ) -> Result<(), E> {
        if other.used == 0 {
            return Ok(());
        }
        if ((self.fill + other.used) as u64) * 5 >= self.mask() * 3 {
            self.resize((self.used + other.used) * 2);
        }
        if self.fill == 0 && self.slots.len() == other.slots.len() && other.fill == other.used {
            self.slots.clone_from(&other.slots);
            self.fill = other.fill;
            self.used = other.used;
            return Ok(());
        }
        if self.fill == 0 {
            self.fill = other.used;
            self.used = other.used;
            for (k, h) in other.iter() {
                insert_clean(&mut self.slots, h, k.clone());
            }
            return Ok(());
        }
        for (k, h) in other.iter() {
            self.insert(h, k.clone(), eq)?;
        }
        Ok(())
    }

    /// Resize done at the end of `difference_update` when more than a
    /// quarter of the slots are dummies.
    pub(super) fn shrink_dummies(&mut self) {
        if self.fill - self.used > (self.slots.len() - 1) / 4 {
            self.grow();
        }
    }
}

/// A `set` or `frozenset`.
pub struct SetObj {
    table: RefCell<SetTable<Value>>,
    /// Whether this is a `frozenset`.
    pub frozen: bool,
}

impl SetObj {
    /// A set around a table.
    pub fn new(table: SetTable<Value>, frozen: bool) -> SetObj {
        SetObj { table: RefCell::new(table), frozen }
    }
    /// Borrow the table.
    pub fn borrow(&self) -> Ref<'_, SetTable<Value>> {
        self.table.borrow()
    }
    /// Borrow the table mutably.
    pub fn borrow_mut(&self) -> RefMut<'_, SetTable<Value>> {
        self.table.borrow_mut()
    }
    /// Number of items.
    pub fn len(&self) -> usize {
        self.table.borrow().len()
    }
    /// Whether empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Borrow the table, unless it is borrowed to change (for the cycle collector).
    pub fn try_borrow(&self) -> Result<Ref<'_, SetTable<Value>>, std::cell::BorrowError> {
        self.table.try_borrow()
    }
    /// Borrow the table mutably, unless it is borrowed.
    pub fn try_borrow_mut(&self) -> Result<RefMut<'_, SetTable<Value>>, std::cell::BorrowMutError> {
        self.table.try_borrow_mut()
    }
    /// The items in iteration order.
    pub fn items(&self) -> Vec<Value> {
        self.table.borrow().iter().map(|(k, _)| k.clone()).collect()
    }
}

#[cfg(test)]
#[path = "set_tests.rs"]
mod tests;
