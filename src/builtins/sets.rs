//! `set` and `frozenset`: construction, membership and the set algebra the operators use;
//! the methods are in `set_methods.rs`.
//! Each Python operation maps onto the table function `runtime::setops` documents for it,
//! so that tables are laid out (and print) exactly as CPython's.
//!
//! User `__eq__`/`__hash__` may run during any operation, so the table is never
//! borrowed while script code can run: single-key operations first try without
//! script code on the live table, and otherwise work on a copy that replaces the
//! table afterwards (also when the operation fails part-way, like CPython, which
//! keeps what was added before the error).

use crate::ops::{self, Fail, PyResult};
use crate::runtime::set::{SetObj, SetTable};
use crate::runtime::setops as st;
use crate::runtime::value::Value;
use crate::runtime::Runtime;
use crate::syntax::ast::{BinOp, CmpOp};
use std::rc::Rc;

/// Key equality for set tables: built-in comparison, or a nested `__eq__` call.
pub(super) fn eq_fn(rt: &mut Runtime) -> impl FnMut(&Value, &Value) -> Result<bool, Fail> + '_ {
    move |a: &Value, b: &Value| {
        if a.is(b) {
            return Ok(true);
        }
        match ops::cmp::eq_builtin(a, b) {
            Some(r) => Ok(r),
            None => ops::cmp::eq(rt, a, b),
        }
    }
}

/// Equality that refuses to run script code (`Err(None)` asks for the slow path).
pub(super) fn eq_pure(a: &Value, b: &Value) -> Result<bool, Option<Fail>> {
    if a.is(b) {
        return Ok(true);
    }
    ops::cmp::eq_builtin(a, b).ok_or(None)
}

/// Hash every value, in order.
fn hashed(rt: &mut Runtime, items: Vec<Value>) -> PyResult<Vec<(Value, i64)>> {
    let mut out = Vec::with_capacity(items.len());
    for v in items {
        let h = ops::cmp::hash(rt, &v)?;
        out.push((v, h));
    }
    Ok(out)
}

/// A set value (a `frozenset` when `frozen`) holding `t`.
pub(super) fn wrap(t: SetTable<Value>, frozen: bool) -> Value {
    let s = Rc::new(SetObj::new(t, frozen));
    crate::runtime::gc::track_set(&s);
    Value::Set(s)
}

/// A set (or frozenset) of these values, added in order (`set(iterable)`,
/// comprehensions, displays with a non-constant element).
pub fn set_from_values(rt: &mut Runtime, items: Vec<Value>, frozen: bool) -> PyResult {
    let keys = hashed(rt, items)?;
    let t = SetTable::from_keys(keys, &mut eq_fn(rt))?;
    Ok(wrap(t, frozen))
}

/// A set display `{a, b, ...}`: `all_constant` tells whether every element is a
/// literal constant (CPython then builds the set from a frozenset constant when
/// there are more than two elements, which changes the layout).
pub fn set_display(rt: &mut Runtime, items: Vec<Value>, all_constant: bool) -> PyResult {
    let keys = hashed(rt, items)?;
    let t = st::from_display(keys, all_constant, &mut eq_fn(rt))?;
    Ok(wrap(t, false))
}

/// The keys of a dict with their stored hashes.
pub(super) fn dict_keys(d: &crate::runtime::dict::Dict) -> Vec<(Value, i64)> {
    d.borrow().iter().map(|e| (e.key.clone(), e.hash)).collect()
}

/// A set from any iterable (`set(x)`, `frozenset(x)`).
pub fn set_from_iterable(rt: &mut Runtime, v: &Value, frozen: bool) -> PyResult {
    match v {
        Value::Set(s) => Ok(wrap(s.borrow().copy(), frozen)),
        Value::Dict(d) => {
            let mut t = SetTable::new();
            st::update_dict(&mut t, d.len(), dict_keys(d), &mut eq_fn(rt))?;
            Ok(wrap(t, frozen))
        }
        _ => {
            let items = ops::iter::collect(rt, v)?;
            set_from_values(rt, items, frozen)
        }
    }
}

/// The items of a non-set iterable, hashed (errors surface when reached).
pub(super) fn hashed_items(rt: &mut Runtime, v: &Value) -> PyResult<Vec<PyResult<(Value, i64)>>> {
    let items = match v {
        Value::Dict(d) => return Ok(dict_keys(d).into_iter().map(Ok).collect()),
        _ => ops::iter::collect(rt, v)?,
    };
    let mut out = Vec::with_capacity(items.len());
    for x in items {
        match ops::cmp::hash(rt, &x) {
            Ok(h) => out.push(Ok((x, h))),
            Err(e) => {
                out.push(Err(e));
                break;
            }
        }
    }
    Ok(out)
}

/// `set.add`.
pub fn set_add(rt: &mut Runtime, s: &Rc<SetObj>, v: Value) -> PyResult<()> {
    let h = ops::cmp::hash(rt, &v)?;
    {
        let mut t = s.borrow_mut();
        match t.insert(h, v.clone(), &mut |a, b| eq_pure(a, b)) {
            Ok(_) => return Ok(()),
            Err(Some(e)) => return Err(e),
            Err(None) => {}
        }
    }
    let mut t = s.borrow().clone();
    let r = t.insert(h, v, &mut eq_fn(rt));
    *s.borrow_mut() = t;
    r.map(|_| ())
}

/// `v in s`.
pub fn set_contains(rt: &mut Runtime, s: &Rc<SetObj>, v: &Value) -> PyResult<bool> {
    let h = match ops::cmp::hash(rt, v) {
        Ok(h) => h,
        Err(Fail::Raise(e)) if matches!(v, Value::Set(_)) && ops::exc_matches(&e, &rt.types.type_error) => {
            // A set is looked up as the equivalent frozenset.
            let fz = set_from_iterable(rt, v, true)?;
            return set_contains(rt, s, &fz);
        }
        Err(e) => return Err(e),
    };
    match s.borrow().contains(h, &mut |k| eq_pure(k, v)) {
        Ok(b) => return Ok(b),
        Err(Some(e)) => return Err(e),
        Err(None) => {}
    }
    let t = s.borrow().clone();
    let mut eq = eq_fn(rt);
    t.contains(h, &mut |k: &Value| eq(k, v))
}

fn table(v: &Value) -> SetTable<Value> {
    match v {
        Value::Set(s) => s.borrow().clone(),
        _ => SetTable::new(),
    }
}

/// `a | b`, `a & b`, `a - b`, `a ^ b` on two sets (the result has `a`'s type).
pub fn set_binop(rt: &mut Runtime, op: BinOp, a: &Value, b: &Value) -> PyResult {
    let frozen = matches!(a, Value::Set(s) if s.frozen);
    let (ta, tb) = (table(a), table(b));
    let same = a.is(b);
    let mut eq = eq_fn(rt);
    let t = match op {
        BinOp::BitOr => {
            if same { ta.copy() } else { st::union(&ta, &tb, &mut eq)? }
        }
        BinOp::BitAnd => {
            if same { ta.copy() } else { st::intersection(&ta, &tb, &mut eq)? }
        }
        BinOp::Sub => {
            if same { SetTable::new() } else { st::difference(&ta, &tb, &mut eq)? }
        }
        _ => {
            if same { SetTable::new() } else { st::symmetric_difference(&ta, &tb, &mut eq)? }
        }
    };
    Ok(wrap(t, frozen))
}

/// Run `f` on a copy of `s`'s table and store the copy back, also on failure.
pub(super) fn mutate(rt: &mut Runtime, s: &SetObj, f: impl FnOnce(&mut Runtime, &mut SetTable<Value>) -> PyResult<()>) -> PyResult<()> {
    let mut t = s.borrow().clone();
    let r = f(rt, &mut t);
    *s.borrow_mut() = t;
    r
}

/// `a |= b` and friends: in place on a set; a frozenset builds a new one; a
/// non-set right operand is CPython's TypeError.
pub fn set_inplace(rt: &mut Runtime, op: BinOp, a: &Value, b: &Value) -> PyResult {
    let (Value::Set(s), Value::Set(_)) = (a, b) else { return ops::num::inplace(rt, op, a, b) };
    if s.frozen {
        return set_binop(rt, op, a, b);
    }
    let same = a.is(b);
    let tb = table(b);
    mutate(rt, s, |rt, t| {
        let mut eq = eq_fn(rt);
        match op {
            BinOp::BitOr => {
                if !same {
                    st::update(t, &tb, &mut eq)?;
                }
            }
            BinOp::BitAnd => {
                let r = if same { t.copy() } else { st::intersection(t, &tb, &mut eq)? };
                t.replace_body(r);
            }
            BinOp::Sub => {
                if same {
                    t.clear();
                } else {
                    st::difference_update(t, &tb, &mut eq)?;
                }
            }
            _ => {
                if same {
                    t.clear();
                } else {
                    st::symmetric_difference_update(t, &tb, &mut eq)?;
                }
            }
        }
        Ok(())
    })?;
    Ok(a.clone())
}

/// Comparisons of two sets (equality and subset relations).
pub fn set_compare(rt: &mut Runtime, op: CmpOp, a: &Value, b: &Value) -> PyResult {
    let (ta, tb) = (table(a), table(b));
    let mut eq = eq_fn(rt);
    let r = match op {
        CmpOp::Eq => st::set_eq(&ta, &tb, &mut eq)?,
        CmpOp::NotEq => !st::set_eq(&ta, &tb, &mut eq)?,
        CmpOp::LtE => st::issubset(&ta, &tb, &mut eq)?,
        CmpOp::Lt => ta.len() < tb.len() && st::issubset(&ta, &tb, &mut eq)?,
        CmpOp::GtE => st::issuperset(&ta, &tb, &mut eq)?,
        CmpOp::Gt => ta.len() > tb.len() && st::issuperset(&ta, &tb, &mut eq)?,
        _ => false,
    };
    Ok(Value::Bool(r))
}

/// CPython's `frozenset.__hash__` (order independent; uses the stored hashes).
pub fn frozenset_hash(s: &SetObj) -> i64 {
    fn shuffle(h: u64) -> u64 {
        ((h ^ 89869747) ^ (h << 16)).wrapping_mul(3644798167)
    }
    let t = s.borrow();
    let mut hash: u64 = 0;
    for (_, h) in t.iter() {
        hash ^= shuffle(h as u64);
    }
    hash ^= (t.len() as u64 + 1).wrapping_mul(1927868237);
    hash ^= (hash >> 11) ^ (hash >> 25);
    hash = hash.wrapping_mul(69069).wrapping_add(907133923);
    if hash as i64 == -1 { 590923713 } else { hash as i64 }
}
