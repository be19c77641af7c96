//! Set algebra on `SetTable`s (`set.rs`), each operation doing its inserts, lookups and
//! resizes in the order CPython 3.11's `Objects/setobject.c` does, so results iterate
//! in CPython's order: union, update, intersection, difference, symmetric difference,
//! subset/superset/disjoint tests, equality, and set displays. The `_iter` forms take
//! any iterable's items, the `_dict` forms a dict's keys (CPython special-cases both).
//!
//! How Python operations map onto these functions and `SetTable`'s:
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

use super::set::SetTable;

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
