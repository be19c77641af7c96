//! The methods of `set` and `frozenset` (`add`, `union`, `issubset`, ...) and their
//! registration; the operations they share with the operators live in `sets.rs`.

use super::sets::{dict_keys, eq_fn, eq_pure, hashed_items, mutate, set_add, set_from_iterable, wrap};
use super::{add_method, check_method, raise, ret};
use crate::eval::native::{Args, NativeImpl, Ret};
use crate::ops::{self, Fail, PyResult};
use crate::runtime::set::{SetObj, SetTable};
use crate::runtime::setops as st;
use crate::runtime::value::Value;
use crate::runtime::Runtime;
use std::rc::Rc;

/// `set.name` or `frozenset.name`, by the receiver's type (for messages).
fn qual(a: &Args, name: &str) -> String {
    match &a.pos[0] {
        Value::Set(s) if s.frozen => format!("frozenset.{name}"),
        _ => format!("set.{name}"),
    }
}

fn this(a: &Args) -> Rc<SetObj> {
    match &a.pos[0] {
        Value::Set(s) => s.clone(),
        _ => Rc::new(SetObj::new(SetTable::new(), false)),
    }
}

fn add(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_method(rt, &a, "set.add", 1, 1) {
        return raise(e);
    }
    ret(set_add(rt, &this(&a), a.pos[1].clone()).map(|_| Value::None))
}

/// The hash of a key for removal/lookup; a set key is looked up as a frozenset.
fn key_hash(rt: &mut Runtime, key: &Value) -> PyResult<(Value, i64)> {
    match ops::cmp::hash(rt, key) {
        Ok(h) => Ok((key.clone(), h)),
        Err(Fail::Raise(e)) if matches!(key, Value::Set(_)) && ops::exc_matches(&e, &rt.types.type_error) => {
            let fz = set_from_iterable(rt, key, true)?;
            let h = ops::cmp::hash(rt, &fz)?;
            Ok((fz, h))
        }
        Err(e) => Err(e),
    }
}

fn remove_impl(rt: &mut Runtime, a: Args, missing_ok: bool, name: &str) -> Ret {
    if let Err(e) = check_method(rt, &a, name, 1, 1) {
        return raise(e);
    }
    let s = this(&a);
    let (key, h) = match key_hash(rt, &a.pos[1]) {
        Ok(x) => x,
        Err(e) => return ret(Err(e)),
    };
    let fast = s.borrow_mut().remove(h, &mut |k| eq_pure(k, &key));
    let removed = match fast {
        Ok(r) => Ok(r),
        Err(Some(e)) => Err(e),
        Err(None) => {
            let mut t = s.borrow().clone();
            let r = {
                let mut eq = eq_fn(rt);
                t.remove(h, &mut |k: &Value| eq(k, &key))
            };
            if matches!(r, Ok(Some(_))) {
                *s.borrow_mut() = t;
            }
            r
        }
    };
    match removed {
        Ok(Some(old)) => {
            drop(old);
            Ret::Val(Value::None)
        }
        Ok(None) if missing_ok => Ret::Val(Value::None),
        Ok(None) => raise(rt.new_exc(&rt.types.key_error, vec![a.pos[1].clone()])),
        Err(e) => ret(Err(e)),
    }
}

fn remove(rt: &mut Runtime, a: Args) -> Ret {
    remove_impl(rt, a, false, "set.remove")
}

fn discard(rt: &mut Runtime, a: Args) -> Ret {
    remove_impl(rt, a, true, "set.discard")
}

fn pop(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_method(rt, &a, "set.pop", 0, 0) {
        return raise(e);
    }
    let v = this(&a).borrow_mut().pop();
    match v {
        Some(v) => Ret::Val(v),
        None => raise(rt.exc_msg(&rt.types.key_error, "pop from an empty set")),
    }
}

fn clear(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_method(rt, &a, "set.clear", 0, 0) {
        return raise(e);
    }
    this(&a).borrow_mut().clear();
    Ret::Val(Value::None)
}

fn copy(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_method(rt, &a, &qual(&a, "copy"), 0, 0) {
        return raise(e);
    }
    let s = this(&a);
    if s.frozen {
        return Ret::Val(a.pos[0].clone());
    }
    Ret::Val(wrap(s.borrow().copy(), false))
}

/// `t.update(other)` for any iterable `other` (not `t`'s own set).
fn update_with(rt: &mut Runtime, t: &mut SetTable<Value>, other: &Value) -> PyResult<()> {
    match other {
        Value::Set(o) => {
            let ot = o.borrow().clone();
            st::update(t, &ot, &mut eq_fn(rt))
        }
        Value::Dict(d) => st::update_dict(t, d.len(), dict_keys(d), &mut eq_fn(rt)),
        _ => {
            let items = hashed_items(rt, other)?;
            st::update_iter(t, items, &mut eq_fn(rt))
        }
    }
}

/// `t & other` for any iterable `other`.
fn intersect_with(rt: &mut Runtime, t: &SetTable<Value>, other: &Value) -> PyResult<SetTable<Value>> {
    match other {
        Value::Set(o) => {
            let ot = o.borrow().clone();
            st::intersection(t, &ot, &mut eq_fn(rt))
        }
        _ => {
            let items = hashed_items(rt, other)?;
            st::intersection_iter(t, items, &mut eq_fn(rt))
        }
    }
}

/// `t -= other` for any iterable `other`.
fn difference_update_with(rt: &mut Runtime, t: &mut SetTable<Value>, other: &Value) -> PyResult<()> {
    match other {
        Value::Set(o) => {
            let ot = o.borrow().clone();
            st::difference_update(t, &ot, &mut eq_fn(rt))
        }
        _ => {
            let items = hashed_items(rt, other)?;
            st::difference_update_iter(t, items, &mut eq_fn(rt))
        }
    }
}

/// `t ^= other` for any iterable `other`.
fn symmetric_update_with(rt: &mut Runtime, t: &mut SetTable<Value>, other: &Value) -> PyResult<()> {
    match other {
        Value::Set(o) => {
            let ot = o.borrow().clone();
            st::symmetric_difference_update(t, &ot, &mut eq_fn(rt))
        }
        Value::Dict(d) => st::symmetric_difference_update_dict(t, dict_keys(d), &mut eq_fn(rt)),
        _ => {
            let items = hashed_items(rt, other)?;
            st::symmetric_difference_update_iter(t, items, &mut eq_fn(rt))
        }
    }
}

fn no_kw(rt: &Runtime, a: &Args, name: &str) -> Result<(), crate::runtime::class::Exc> {
    if a.has_kw() {
        return Err(rt.type_error(format!("{name}() takes no keyword arguments")));
    }
    Ok(())
}

fn union(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = no_kw(rt, &a, &qual(&a, "union")) {
        return raise(e);
    }
    let s = this(&a);
    let mut t = s.borrow().copy();
    for other in &a.pos[1..] {
        if other.is(&a.pos[0]) {
            continue;
        }
        if let Err(e) = update_with(rt, &mut t, other) {
            return ret(Err(e));
        }
    }
    Ret::Val(wrap(t, s.frozen))
}

fn intersection(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = no_kw(rt, &a, &qual(&a, "intersection")) {
        return raise(e);
    }
    let s = this(&a);
    let mut t = s.borrow().copy();
    for other in &a.pos[1..] {
        t = if other.is(&a.pos[0]) {
            t.copy()
        } else {
            match intersect_with(rt, &t, other) {
                Ok(r) => r,
                Err(e) => return ret(Err(e)),
            }
        };
    }
    Ret::Val(wrap(t, s.frozen))
}

fn difference(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = no_kw(rt, &a, &qual(&a, "difference")) {
        return raise(e);
    }
    let s = this(&a);
    let base = s.borrow().clone();
    let r = (|| -> PyResult<SetTable<Value>> {
        let Some(first) = a.pos.get(1) else { return Ok(base.copy()) };
        let mut t = if first.is(&a.pos[0]) {
            SetTable::new()
        } else {
            match first {
                Value::Set(o) => {
                    let ot = o.borrow().clone();
                    st::difference(&base, &ot, &mut eq_fn(rt))?
                }
                Value::Dict(d) => {
                    let keys = || dict_keys(d).into_iter().map(Ok::<_, Fail>);
                    if (base.len() >> 2) > d.len() {
                        st::difference_iter(&base, keys(), &mut eq_fn(rt))?
                    } else {
                        let d2 = d.clone();
                        let mut in_dict = |k: &Value, _h: i64| -> PyResult<bool> { Ok(super::dicts::dict_get(rt, &d2, k)?.is_some()) };
                        // Only keys of the receiver (pairwise unequal) are compared here.
                        let mut distinct = |_: &Value, _: &Value| -> PyResult<bool> { Ok(false) };
                        st::difference_dict(&base, d.len(), &mut in_dict, keys(), &mut distinct)?
                    }
                }
                _ => {
                    let items = hashed_items(rt, first)?;
                    st::difference_iter(&base, items, &mut eq_fn(rt))?
                }
            }
        };
        for other in &a.pos[2..] {
            difference_update_with(rt, &mut t, other)?;
        }
        Ok(t)
    })();
    match r {
        Ok(t) => Ret::Val(wrap(t, s.frozen)),
        Err(e) => ret(Err(e)),
    }
}

fn symmetric_difference(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_method(rt, &a, &qual(&a, "symmetric_difference"), 1, 1) {
        return raise(e);
    }
    let s = this(&a);
    if a.pos[1].is(&a.pos[0]) {
        return Ret::Val(wrap(SetTable::new(), s.frozen));
    }
    // CPython builds a set from the argument, then updates it with the receiver.
    let r = (|| -> PyResult<SetTable<Value>> {
        let mut t = match set_from_iterable(rt, &a.pos[1], false)? {
            Value::Set(o) => o.borrow().clone(),
            _ => SetTable::new(),
        };
        let mine = s.borrow().clone();
        st::symmetric_difference_update(&mut t, &mine, &mut eq_fn(rt))?;
        Ok(t)
    })();
    match r {
        Ok(t) => Ret::Val(wrap(t, s.frozen)),
        Err(e) => ret(Err(e)),
    }
}

fn update(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = no_kw(rt, &a, "set.update") {
        return raise(e);
    }
    let s = this(&a);
    for other in &a.pos[1..] {
        if other.is(&a.pos[0]) {
            continue;
        }
        if let Err(e) = mutate(rt, &s, |rt, t| update_with(rt, t, other)) {
            return ret(Err(e));
        }
    }
    Ret::Val(Value::None)
}

fn intersection_update(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = no_kw(rt, &a, "set.intersection_update") {
        return raise(e);
    }
    let s = this(&a);
    for other in &a.pos[1..] {
        let cur = s.borrow().clone();
        let r = if other.is(&a.pos[0]) { Ok(cur.copy()) } else { intersect_with(rt, &cur, other) };
        match r {
            Ok(r) => s.borrow_mut().replace_body(r),
            Err(e) => return ret(Err(e)),
        }
    }
    Ret::Val(Value::None)
}

fn difference_update(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = no_kw(rt, &a, "set.difference_update") {
        return raise(e);
    }
    let s = this(&a);
    for other in &a.pos[1..] {
        if other.is(&a.pos[0]) {
            s.borrow_mut().clear();
            continue;
        }
        if let Err(e) = mutate(rt, &s, |rt, t| difference_update_with(rt, t, other)) {
            return ret(Err(e));
        }
    }
    Ret::Val(Value::None)
}

fn symmetric_difference_update(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_method(rt, &a, "set.symmetric_difference_update", 1, 1) {
        return raise(e);
    }
    let s = this(&a);
    if a.pos[1].is(&a.pos[0]) {
        s.borrow_mut().clear();
        return Ret::Val(Value::None);
    }
    ret(mutate(rt, &s, |rt, t| symmetric_update_with(rt, t, &a.pos[1])).map(|_| Value::None))
}

fn relation(rt: &mut Runtime, a: Args, name: &str, sub: bool) -> Ret {
    if let Err(e) = check_method(rt, &a, &qual(&a, name), 1, 1) {
        return raise(e);
    }
    let mine = this(&a).borrow().clone();
    let r = (|| -> PyResult<bool> {
        match &a.pos[1] {
            Value::Set(o) => {
                let ot = o.borrow().clone();
                if sub { st::issubset(&mine, &ot, &mut eq_fn(rt)) } else { st::issuperset(&mine, &ot, &mut eq_fn(rt)) }
            }
            other => {
                let items = hashed_items(rt, other)?;
                if sub { st::issubset_iter(&mine, items, &mut eq_fn(rt)) } else { st::issuperset_iter(&mine, items, &mut eq_fn(rt)) }
            }
        }
    })();
    ret(r.map(Value::Bool))
}

fn issubset(rt: &mut Runtime, a: Args) -> Ret {
    relation(rt, a, "issubset", true)
}

fn issuperset(rt: &mut Runtime, a: Args) -> Ret {
    relation(rt, a, "issuperset", false)
}

fn isdisjoint(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_method(rt, &a, &qual(&a, "isdisjoint"), 1, 1) {
        return raise(e);
    }
    let mine = this(&a).borrow().clone();
    let r = (|| -> PyResult<bool> {
        match &a.pos[1] {
            Value::Set(o) if a.pos[1].is(&a.pos[0]) => Ok(o.is_empty()),
            Value::Set(o) => {
                let ot = o.borrow().clone();
                st::isdisjoint(&mine, &ot, &mut eq_fn(rt))
            }
            other => {
                let items = hashed_items(rt, other)?;
                st::isdisjoint_iter(&mine, items, &mut eq_fn(rt))
            }
        }
    })();
    ret(r.map(Value::Bool))
}

fn init(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = no_kw(rt, &a, "set") {
        return raise(e);
    }
    if a.pos.len() > 2 {
        return raise(rt.type_error(format!("set expected at most 1 argument, got {}", a.pos.len() - 1)));
    }
    let s = this(&a);
    if s.frozen {
        return Ret::Val(Value::None);
    }
    s.borrow_mut().clear();
    match a.pos.get(1) {
        Some(v) => ret(mutate(rt, &s, |rt, t| update_with(rt, t, v)).map(|_| Value::None)),
        None => Ret::Val(Value::None),
    }
}

/// Register set and frozenset methods.
pub fn install(rt: &mut Runtime) {
    let set = rt.types.set.clone();
    let fz = rt.types.frozenset.clone();
    let common: &[(&'static str, NativeImpl)] = &[
        ("copy", copy), ("union", union), ("intersection", intersection), ("difference", difference),
        ("symmetric_difference", symmetric_difference), ("issubset", issubset), ("issuperset", issuperset),
        ("isdisjoint", isdisjoint),
    ];
    for cls in [&set, &fz] {
        for (name, f) in common {
            add_method(cls, name, *f);
        }
    }
    let mutating: &[(&'static str, NativeImpl)] = &[
        ("add", add), ("remove", remove), ("discard", discard), ("pop", pop), ("clear", clear), ("update", update),
        ("intersection_update", intersection_update), ("difference_update", difference_update),
        ("symmetric_difference_update", symmetric_difference_update), ("__init__", init),
    ];
    for (name, f) in mutating {
        add_method(&set, name, *f);
    }
}
