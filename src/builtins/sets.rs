//! `set` and `frozenset`: construction, membership, the set algebra (laid out exactly
//! as CPython lays out its tables, so printing order matches) and the methods.

use super::{add_method, check_method, raise, ret};
use crate::eval::native::{Args, Ret};
use crate::ops::{self, Fail, PyResult};
use crate::runtime::set::{self as st, SetObj, SetTable};
use crate::runtime::value::Value;
use crate::runtime::Runtime;
use crate::syntax::ast::{BinOp, CmpOp};
use std::rc::Rc;

/// Key equality for set tables: built-in comparison, or a nested `__eq__` call.
fn eq_fn(rt: &mut Runtime) -> impl FnMut(&Value, &Value) -> Result<bool, Fail> + '_ {
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

/// Hash every value, in order.
fn hashed(rt: &mut Runtime, items: Vec<Value>) -> PyResult<Vec<(Value, i64)>> {
    let mut out = Vec::with_capacity(items.len());
    for v in items {
        let h = ops::cmp::hash(rt, &v)?;
        out.push((v, h));
    }
    Ok(out)
}

/// A set (or frozenset) of these values, added in order.
pub fn set_from_values(rt: &mut Runtime, items: Vec<Value>, frozen: bool) -> PyResult {
    let keys = hashed(rt, items)?;
    let t = SetTable::from_keys(keys, &mut eq_fn(rt))?;
    Ok(Value::Set(Rc::new(SetObj::new(t, frozen))))
}

/// A set from any iterable.
pub fn set_from_iterable(rt: &mut Runtime, v: &Value, frozen: bool) -> PyResult {
    match v {
        Value::Set(s) => Ok(Value::Set(Rc::new(SetObj::new(s.borrow().copy(), frozen)))),
        Value::Dict(d) => {
            let keys: Vec<(Value, i64)> = d.borrow().iter().map(|e| (e.key.clone(), e.hash)).collect();
            let mut t = SetTable::new();
            st::update_iter(&mut t, keys.into_iter().map(Ok::<_, Fail>), &mut eq_fn(rt))?;
            Ok(Value::Set(Rc::new(SetObj::new(t, frozen))))
        }
        _ => {
            let items = ops::iter::collect(rt, v)?;
            set_from_values(rt, items, frozen)
        }
    }
}

/// `set.add`.
pub fn set_add(rt: &mut Runtime, s: &Rc<SetObj>, v: Value) -> PyResult<()> {
    let h = ops::cmp::hash(rt, &v)?;
    let mut t = s.borrow().clone();
    t.insert(h, v, &mut eq_fn(rt))?;
    *s.borrow_mut() = t;
    Ok(())
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

/// `a | b`, `a & b`, `a - b`, `a ^ b` on sets.
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
    Ok(Value::Set(Rc::new(SetObj::new(t, frozen))))
}

/// `a |= b` and friends: in place.
pub fn set_inplace(rt: &mut Runtime, op: BinOp, a: &Value, b: &Value) -> PyResult {
    let Value::Set(s) = a else { return ops::num::binary(rt, op, a, b) };
    if s.frozen {
        return set_binop(rt, op, a, b);
    }
    let same = a.is(b);
    let mut t = s.borrow().clone();
    let tb = table(b);
    let mut eq = eq_fn(rt);
    match op {
        BinOp::BitOr => {
            if !same {
                st::update(&mut t, &tb, &mut eq)?;
            }
        }
        BinOp::BitAnd => {
            let r = if same { t.copy() } else { st::intersection(&t, &tb, &mut eq)? };
            t.replace_body(r);
        }
        BinOp::Sub => {
            if same {
                t.clear();
            } else {
                st::difference_update(&mut t, &tb, &mut eq)?;
            }
        }
        _ => {
            if same {
                t.clear();
            } else {
                st::symmetric_difference_update(&mut t, &tb, &mut eq)?;
            }
        }
    }
    *s.borrow_mut() = t;
    Ok(a.clone())
}

/// Comparisons of sets (equality and subset relations).
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

fn this(a: &Args) -> Rc<SetObj> {
    match &a.pos[0] {
        Value::Set(s) => s.clone(),
        _ => Rc::new(SetObj::new(SetTable::new(), false)),
    }
}

fn as_set(rt: &mut Runtime, v: &Value) -> PyResult<Value> {
    match v {
        Value::Set(_) => Ok(v.clone()),
        _ => set_from_iterable(rt, v, false),
    }
}

fn add(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_method(rt, &a, "set.add", 1, 1) {
        return raise(e);
    }
    ret(set_add(rt, &this(&a), a.pos[1].clone()).map(|_| Value::None))
}

fn remove_impl(rt: &mut Runtime, a: Args, missing_ok: bool, name: &str) -> Ret {
    if let Err(e) = check_method(rt, &a, name, 1, 1) {
        return raise(e);
    }
    let s = this(&a);
    let key = a.pos[1].clone();
    let h = match ops::cmp::hash(rt, &key) {
        Ok(h) => h,
        Err(e) => return raise(ops::expect_raise(e)),
    };
    let mut t = s.borrow().clone();
    let removed = {
        let mut eq = eq_fn(rt);
        t.remove(h, &mut |k: &Value| eq(k, &key))
    };
    match removed {
        Ok(Some(_)) => {
            *s.borrow_mut() = t;
            Ret::Val(Value::None)
        }
        Ok(None) if missing_ok => Ret::Val(Value::None),
        Ok(None) => raise(rt.new_exc(&rt.types.key_error, vec![key])),
        Err(e) => raise(ops::expect_raise(e)),
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
    match this(&a).borrow_mut().pop() {
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
    if let Err(e) = check_method(rt, &a, "set.copy", 0, 0) {
        return raise(e);
    }
    let s = this(&a);
    if s.frozen {
        return Ret::Val(a.pos[0].clone());
    }
    Ret::Val(Value::Set(Rc::new(SetObj::new(s.borrow().copy(), false))))
}

fn multi(rt: &mut Runtime, a: Args, op: BinOp) -> Ret {
    let mut acc = a.pos[0].clone();
    if let Value::Set(s) = acc.clone() {
        let copy = s.borrow().copy();
        acc = Value::Set(Rc::new(SetObj::new(copy, s.frozen)));
    }
    for other in &a.pos[1..] {
        let o = match as_set(rt, other) {
            Ok(o) => o,
            Err(e) => return raise(ops::expect_raise(e)),
        };
        acc = match set_binop(rt, op, &acc, &o) {
            Ok(v) => v,
            Err(e) => return raise(ops::expect_raise(e)),
        };
    }
    Ret::Val(acc)
}

fn union(rt: &mut Runtime, a: Args) -> Ret {
    multi(rt, a, BinOp::BitOr)
}

fn intersection(rt: &mut Runtime, a: Args) -> Ret {
    multi(rt, a, BinOp::BitAnd)
}

fn difference(rt: &mut Runtime, a: Args) -> Ret {
    multi(rt, a, BinOp::Sub)
}

fn symmetric_difference(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_method(rt, &a, "set.symmetric_difference", 1, 1) {
        return raise(e);
    }
    multi(rt, a, BinOp::BitXor)
}

fn update_multi(rt: &mut Runtime, a: Args, op: BinOp) -> Ret {
    for other in &a.pos[1..] {
        let o = match as_set(rt, other) {
            Ok(o) => o,
            Err(e) => return raise(ops::expect_raise(e)),
        };
        if let Err(e) = set_inplace(rt, op, &a.pos[0], &o) {
            return raise(ops::expect_raise(e));
        }
    }
    Ret::Val(Value::None)
}

fn update(rt: &mut Runtime, a: Args) -> Ret {
    update_multi(rt, a, BinOp::BitOr)
}

fn intersection_update(rt: &mut Runtime, a: Args) -> Ret {
    update_multi(rt, a, BinOp::BitAnd)
}

fn difference_update(rt: &mut Runtime, a: Args) -> Ret {
    update_multi(rt, a, BinOp::Sub)
}

fn symmetric_difference_update(rt: &mut Runtime, a: Args) -> Ret {
    update_multi(rt, a, BinOp::BitXor)
}

fn relation(rt: &mut Runtime, a: Args, op: CmpOp, name: &str) -> Ret {
    if let Err(e) = check_method(rt, &a, name, 1, 1) {
        return raise(e);
    }
    let o = match as_set(rt, &a.pos[1]) {
        Ok(o) => o,
        Err(e) => return raise(ops::expect_raise(e)),
    };
    ret(set_compare(rt, op, &a.pos[0], &o))
}

fn issubset(rt: &mut Runtime, a: Args) -> Ret {
    relation(rt, a, CmpOp::LtE, "set.issubset")
}

fn issuperset(rt: &mut Runtime, a: Args) -> Ret {
    relation(rt, a, CmpOp::GtE, "set.issuperset")
}

fn isdisjoint(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_method(rt, &a, "set.isdisjoint", 1, 1) {
        return raise(e);
    }
    let o = match as_set(rt, &a.pos[1]) {
        Ok(o) => o,
        Err(e) => return raise(ops::expect_raise(e)),
    };
    let (ta, tb) = (table(&a.pos[0]), table(&o));
    ret(st::isdisjoint(&ta, &tb, &mut eq_fn(rt)).map(Value::Bool))
}

/// Register set and frozenset methods.
pub fn install(rt: &mut Runtime) {
    let set = rt.types.set.clone();
    let fz = rt.types.frozenset.clone();
    for cls in [&set, &fz] {
        add_method(cls, "copy", copy);
        add_method(cls, "union", union);
        add_method(cls, "intersection", intersection);
        add_method(cls, "difference", difference);
        add_method(cls, "symmetric_difference", symmetric_difference);
        add_method(cls, "issubset", issubset);
        add_method(cls, "issuperset", issuperset);
        add_method(cls, "isdisjoint", isdisjoint);
    }
    add_method(&set, "add", add);
    add_method(&set, "remove", remove);
    add_method(&set, "discard", discard);
    add_method(&set, "pop", pop);
    add_method(&set, "clear", clear);
    add_method(&set, "update", update);
    add_method(&set, "intersection_update", intersection_update);
    add_method(&set, "difference_update", difference_update);
    add_method(&set, "symmetric_difference_update", symmetric_difference_update);
}
