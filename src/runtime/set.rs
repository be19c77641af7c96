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
//! How Python operations map onto this module:
//! * `set(iterable)`, `frozenset(iterable)`, comprehensions, a display with
//!   some non-constant element: [`SetTable::from_keys`] (source order);
//!   `set(a_set)`, `a.copy()`: [`SetTable::copy`]; `set(a_dict)`:
//!   `SetTable::new` then [`update_dict`] (note `frozenset(fs)` and
//!   `fs.copy()` return `fs` itself for an exact frozenset).
//! * A display of more than two constants, `{3, 1, 2}`: [`from_display`];
//!   `for x in {3, 1, 2}` / `x in {3, 1, 2}` iterate
//!   [`frozenset_constant`]. CPython also reuses such a constant for every
//!   later display of an equal constant set compiled in the same module
//!   (`_PyCode_ConstantKey` cache), so an interpreter that wants to match
//!   that must cache the result of [`frozenset_constant`] per compilation
//!   unit, keyed by the set of `(type, value)` constants.
//! * `a | b`, `a.union(b)`: [`union`]; `a.union(x, y)`: `a.copy()` then, for
//!   each argument that is not `a` itself, [`update`] / [`update_iter`] /
//!   [`update_dict`]; `a |= b`, `a.update(...)`: same functions
//!   (`a |= a` is a no-op).
//! * `a & b`: [`intersection`]; `a.intersection(x, y)`: successive
//!   intersections (`a.copy()` with no argument; [`intersection_iter`] for a
//!   non-set); `a &= b`, `intersection_update`: compute the intersection,
//!   then [`SetTable::replace_body`] (`a &= a` replaces `a` by `a.copy()`).
//! * `a - b`: [`difference`]; `a.difference(x, y)`: [`difference`] (or
//!   [`difference_iter`] for a non-set, [`difference_dict`] for a dict),
//!   then [`difference_update`]/[`difference_update_iter`] for the rest;
//!   `a -= b`, `difference_update`: those (`a -= a` is `a.clear()`).
//! * `a ^ b`: [`symmetric_difference`]; `a.symmetric_difference(it)`: build
//!   `t` from `it` like `set(it)`, then `symmetric_difference_update(t, a)`;
//!   `a ^= b`: [`symmetric_difference_update`] (`a ^= a` is `a.clear()`),
//!   [`symmetric_difference_update_iter`], [`symmetric_difference_update_dict`].
//! * `<=`, `issubset`: [`issubset`] / [`issubset_iter`]; `>=`: [`issuperset`]
//!   / [`issuperset_iter`]; `a < b` is `len(a) < len(b) and a <= b`; `a > b`
//!   is `len(a) > len(b) and a >= b`; `==`: [`set_eq`]; `isdisjoint`:
//!   [`isdisjoint`] / [`isdisjoint_iter`].

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
    fill: usize,
    used: usize,
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

    fn mask(&self) -> u64 {
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
    fn resize(&mut self, minused: usize) {
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
    fn merge<E>(
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
    fn shrink_dummies(&mut self) {
        if self.fill - self.used > (self.slots.len() - 1) / 4 {
            self.grow();
        }
    }
}

/// The frozenset constant CPython 3.11 compiles a constant display into
/// (`{3, 1, 2}` with more than two elements, `for x in {3, 1, 2}`,
/// `x in {3, 1, 2}`): a frozenset built from the source order, rebuilt by
/// the compiler's constant merging from that frozenset's iteration order.
pub fn frozenset_constant<K: Clone, E>(
    keys: impl IntoIterator<Item = (K, i64)>,
    eq: &mut impl FnMut(&K, &K) -> Result<bool, E>,
) -> Result<SetTable<K>, E> {
    let first = SetTable::from_keys(keys, eq)?;
    SetTable::from_keys(first.iter().map(|(k, h)| (k.clone(), h)), eq)
}

/// A set display `{k1, k2, ...}` in source order. When every element is a
/// literal constant (after constant folding: numbers, strings, tuples of
/// constants, negated numbers...) and there are more than two, CPython
/// builds `set().update(frozenset_constant)`; otherwise it adds the items
/// one by one in source order.
pub fn from_display<K: Clone, E>(
    keys: Vec<(K, i64)>,
    all_constant: bool,
    eq: &mut impl FnMut(&K, &K) -> Result<bool, E>,
) -> Result<SetTable<K>, E> {
    if all_constant && keys.len() > 2 {
        Ok(frozenset_constant(keys, eq)?.copy())
    } else {
        SetTable::from_keys(keys, eq)
    }
}

/// `a | b` and `a.union(b)` for two sets (`a | a` is a copy of `a`).
pub fn union<K: Clone, E>(
    a: &SetTable<K>,
    b: &SetTable<K>,
    eq: &mut impl FnMut(&K, &K) -> Result<bool, E>,
) -> Result<SetTable<K>, E> {
    let mut result = a.copy();
    if !std::ptr::eq(a, b) {
        result.merge(b, eq)?;
    }
    Ok(result)
}

/// `a |= b` / `a.update(b)` with `b` a set or frozenset other than `a`.
pub fn update<K: Clone, E>(
    a: &mut SetTable<K>,
    b: &SetTable<K>,
    eq: &mut impl FnMut(&K, &K) -> Result<bool, E>,
) -> Result<(), E> {
    a.merge(b, eq)
}

/// `a.update(iterable)` for an iterable that is neither a set nor a dict:
/// adds each `(key, hash)` in order; an `Err` item (e.g. a failed `hash()`)
/// stops there, keeping what was already added, as CPython does.
pub fn update_iter<K: Clone, E>(
    a: &mut SetTable<K>,
    items: impl IntoIterator<Item = Result<(K, i64), E>>,
    eq: &mut impl FnMut(&K, &K) -> Result<bool, E>,
) -> Result<(), E> {
    for item in items {
        let (key, hash) = item?;
        a.insert(hash, key, eq)?;
    }
    Ok(())
}

/// `a.update(d)` / `set(d)` for an exact `dict` with `dict_len` keys: one
/// up-front resize, then the keys are added in dict order.
pub fn update_dict<K: Clone, E>(
    a: &mut SetTable<K>,
    dict_len: usize,
    keys: impl IntoIterator<Item = (K, i64)>,
    eq: &mut impl FnMut(&K, &K) -> Result<bool, E>,
) -> Result<(), E> {
    if ((a.fill + dict_len) as u64) * 5 >= a.mask() * 3 {
        a.resize((a.used + dict_len) * 2);
    }
    for (key, hash) in keys {
        a.insert(hash, key, eq)?;
    }
    Ok(())
}

/// `a & b` / `a.intersection(b)` for two sets: iterates the smaller one
/// (`b` when the sizes are equal), so the result holds that set's key
/// objects (`{1} & {1.0} == {1.0}`).
pub fn intersection<K: Clone, E>(
    a: &SetTable<K>,
    b: &SetTable<K>,
    eq: &mut impl FnMut(&K, &K) -> Result<bool, E>,
) -> Result<SetTable<K>, E> {
    if std::ptr::eq(a, b) {
        return Ok(a.copy());
    }
    let (lookup, walk) = if b.len() > a.len() { (b, a) } else { (a, b) };
    let mut result = SetTable::new();
    for (k, h) in walk.iter() {
        if lookup.contains(h, &mut |s| eq(s, k))? {
            result.insert(h, k.clone(), eq)?;
        }
    }
    Ok(result)
}

/// `a.intersection(iterable)` for a non-set iterable: the items of the
/// iterable found in `a`, added in iteration order.
pub fn intersection_iter<K: Clone, E>(
    a: &SetTable<K>,
    items: impl IntoIterator<Item = Result<(K, i64), E>>,
    eq: &mut impl FnMut(&K, &K) -> Result<bool, E>,
) -> Result<SetTable<K>, E> {
    let mut result = SetTable::new();
    for item in items {
        let (k, h) = item?;
        if a.contains(h, &mut |s| eq(s, &k))? {
            result.insert(h, k, eq)?;
        }
    }
    Ok(result)
}

/// `a - b` / `a.difference(b)` for two sets: a copy of `a` with `b`'s
/// elements discarded when `len(a) / 4 > len(b)`, else a new set of the
/// elements of `a` (in `a`'s order) missing from `b`.
pub fn difference<K: Clone, E>(
    a: &SetTable<K>,
    b: &SetTable<K>,
    eq: &mut impl FnMut(&K, &K) -> Result<bool, E>,
) -> Result<SetTable<K>, E> {
    if (a.len() >> 2) > b.len() {
        let mut result = a.copy();
        difference_update(&mut result, b, eq)?;
        return Ok(result);
    }
    let mut result = SetTable::new();
    for (k, h) in a.iter() {
        if !b.contains(h, &mut |s| eq(s, k))? {
            result.insert(h, k.clone(), eq)?;
        }
    }
    Ok(result)
}

/// `a.difference(iterable)` for an iterable that is neither set nor dict:
/// a copy of `a` with the items discarded.
pub fn difference_iter<K: Clone, E>(
    a: &SetTable<K>,
    items: impl IntoIterator<Item = Result<(K, i64), E>>,
    eq: &mut impl FnMut(&K, &K) -> Result<bool, E>,
) -> Result<SetTable<K>, E> {
    let mut result = a.copy();
    difference_update_iter(&mut result, items, eq)?;
    Ok(result)
}

/// `a.difference(d)` for an exact dict with `dict_len` keys:
/// `in_dict(key, hash)` tests membership, `dict_keys` yields its keys
/// (used only on the copy-and-discard path, taken when
/// `len(a) / 4 > dict_len`).
pub fn difference_dict<K: Clone, E>(
    a: &SetTable<K>,
    dict_len: usize,
    in_dict: &mut impl FnMut(&K, i64) -> Result<bool, E>,
    dict_keys: impl IntoIterator<Item = Result<(K, i64), E>>,
    eq: &mut impl FnMut(&K, &K) -> Result<bool, E>,
) -> Result<SetTable<K>, E> {
    if (a.len() >> 2) > dict_len {
        return difference_iter(a, dict_keys, eq);
    }
    let mut result = SetTable::new();
    for (k, h) in a.iter() {
        if !in_dict(k, h)? {
            result.insert(h, k.clone(), eq)?;
        }
    }
    Ok(result)
}

/// `a -= b` / `a.difference_update(b)` for a set `b` other than `a`.
/// Discards `b`'s elements in `b`'s order (or those of `a & b` when `b` is
/// more than 8 times larger), then rebuilds the table if over a quarter
/// of its slots are dummies.
pub fn difference_update<K: Clone, E>(
    a: &mut SetTable<K>,
    b: &SetTable<K>,
    eq: &mut impl FnMut(&K, &K) -> Result<bool, E>,
) -> Result<(), E> {
    let common;
    let other = if (b.len() >> 3) > a.len() {
        common = intersection(a, b, eq)?;
        &common
    } else {
        b
    };
    for (k, h) in other.iter() {
        a.remove(h, &mut |s| eq(s, k))?;
    }
    a.shrink_dummies();
    Ok(())
}

/// `a.difference_update(iterable)` for a non-set iterable (a dict's keys
/// included): discards each item, then the dummy-driven resize.
pub fn difference_update_iter<K: Clone, E>(
    a: &mut SetTable<K>,
    items: impl IntoIterator<Item = Result<(K, i64), E>>,
    eq: &mut impl FnMut(&K, &K) -> Result<bool, E>,
) -> Result<(), E> {
    for item in items {
        let (k, h) = item?;
        a.remove(h, &mut |s| eq(s, &k))?;
    }
    a.shrink_dummies();
    Ok(())
}

/// `a ^ b` / `a.symmetric_difference(b)` for two sets: a copy of `b`,
/// then updated with the elements of `a`.
pub fn symmetric_difference<K: Clone, E>(
    a: &SetTable<K>,
    b: &SetTable<K>,
    eq: &mut impl FnMut(&K, &K) -> Result<bool, E>,
) -> Result<SetTable<K>, E> {
    let mut result = b.copy();
    symmetric_difference_update(&mut result, a, eq)?;
    Ok(result)
}

/// `a ^= b` / `a.symmetric_difference_update(b)` for a set `b` other than
/// `a`: for each element of `b` in order, discard it from `a` if present,
/// else add it.
pub fn symmetric_difference_update<K: Clone, E>(
    a: &mut SetTable<K>,
    b: &SetTable<K>,
    eq: &mut impl FnMut(&K, &K) -> Result<bool, E>,
) -> Result<(), E> {
    symmetric_difference_update_dict(a, b.iter().map(|(k, h)| (k.clone(), h)), eq)
}

/// `a.symmetric_difference_update(iterable)` for an iterable that is
/// neither set nor dict: CPython first builds a set from it.
pub fn symmetric_difference_update_iter<K: Clone, E>(
    a: &mut SetTable<K>,
    items: impl IntoIterator<Item = Result<(K, i64), E>>,
    eq: &mut impl FnMut(&K, &K) -> Result<bool, E>,
) -> Result<(), E> {
    let mut other = SetTable::new();
    update_iter(&mut other, items, eq)?;
    symmetric_difference_update(a, &other, eq)
}

/// `a.symmetric_difference_update(d)` for an exact dict: toggles each key
/// in dict order (no intermediate set).
pub fn symmetric_difference_update_dict<K: Clone, E>(
    a: &mut SetTable<K>,
    keys: impl IntoIterator<Item = (K, i64)>,
    eq: &mut impl FnMut(&K, &K) -> Result<bool, E>,
) -> Result<(), E> {
    for (k, h) in keys {
        if a.remove(h, &mut |s| eq(s, &k))?.is_none() {
            a.insert(h, k, eq)?;
        }
    }
    Ok(())
}

/// `a <= b` / `a.issubset(b)` for two sets: false if `a` is larger, else
/// every element of `a` (in order) must be in `b`.
pub fn issubset<K: Clone, E>(
    a: &SetTable<K>,
    b: &SetTable<K>,
    eq: &mut impl FnMut(&K, &K) -> Result<bool, E>,
) -> Result<bool, E> {
    if a.len() > b.len() {
        return Ok(false);
    }
    for (k, h) in a.iter() {
        if !b.contains(h, &mut |s| eq(s, k))? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// `a.issubset(iterable)` for a non-set: `len(a & iterable) == len(a)`.
pub fn issubset_iter<K: Clone, E>(
    a: &SetTable<K>,
    items: impl IntoIterator<Item = Result<(K, i64), E>>,
    eq: &mut impl FnMut(&K, &K) -> Result<bool, E>,
) -> Result<bool, E> {
    Ok(intersection_iter(a, items, eq)?.len() == a.len())
}

/// `a >= b` / `a.issuperset(b)` for two sets (`b.issubset(a)`).
pub fn issuperset<K: Clone, E>(
    a: &SetTable<K>,
    b: &SetTable<K>,
    eq: &mut impl FnMut(&K, &K) -> Result<bool, E>,
) -> Result<bool, E> {
    issubset(b, a, eq)
}

/// `a.issuperset(iterable)` for a non-set: stops at the first item not
/// in `a`.
pub fn issuperset_iter<K: Clone, E>(
    a: &SetTable<K>,
    items: impl IntoIterator<Item = Result<(K, i64), E>>,
    eq: &mut impl FnMut(&K, &K) -> Result<bool, E>,
) -> Result<bool, E> {
    for item in items {
        let (k, h) = item?;
        if !a.contains(h, &mut |s| eq(s, &k))? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// `a.isdisjoint(b)` for two exact sets/frozensets: walks the smaller
/// (`b` on a tie) looking each element up in the other. For instances of
/// set subclasses CPython uses the iterable path ([`isdisjoint_iter`]).
pub fn isdisjoint<K: Clone, E>(
    a: &SetTable<K>,
    b: &SetTable<K>,
    eq: &mut impl FnMut(&K, &K) -> Result<bool, E>,
) -> Result<bool, E> {
    if std::ptr::eq(a, b) {
        return Ok(a.is_empty());
    }
    let (lookup, walk) = if b.len() > a.len() { (b, a) } else { (a, b) };
    for (k, h) in walk.iter() {
        if lookup.contains(h, &mut |s| eq(s, k))? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// `a.isdisjoint(iterable)`: stops at the first item found in `a`.
pub fn isdisjoint_iter<K: Clone, E>(
    a: &SetTable<K>,
    items: impl IntoIterator<Item = Result<(K, i64), E>>,
    eq: &mut impl FnMut(&K, &K) -> Result<bool, E>,
) -> Result<bool, E> {
    for item in items {
        let (k, h) = item?;
        if a.contains(h, &mut |s| eq(s, &k))? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// `a == b` for two sets: equal sizes and `a <= b`. (CPython also answers
/// `False` without comparing when both are frozensets with cached,
/// different hashes; that only skips `__eq__` calls.)
pub fn set_eq<K: Clone, E>(
    a: &SetTable<K>,
    b: &SetTable<K>,
    eq: &mut impl FnMut(&K, &K) -> Result<bool, E>,
) -> Result<bool, E> {
    Ok(a.len() == b.len() && issubset(a, b, eq)?)
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
