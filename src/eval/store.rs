//! Assignment targets: storing, unpacking, deleting, and augmented assignment.

use super::expr::{self, eval, Ev};
use super::frame::Frame;
use super::ir::*;
use super::machine::Act;
use super::step::{Post, Step};
use crate::ops::{self, Fail, PyResult};
use crate::runtime::class::Exc;
use crate::runtime::value::Value;
use crate::runtime::Runtime;

/// `StoreCont` state: delete the target.
pub const DEL: u32 = 1000;
/// `StoreCont` state: the target's object (and index) are on the stack above the value.
const COMPONENTS: u32 = 1;

fn result(r: PyResult<()>) -> Act {
    match r {
        Ok(()) => Act::Next,
        Err(e) => Act::Raise(ops::expect_raise(e)),
    }
}

/// `o[k] = v`: an instance's script `__setitem__` runs as a frame (its result dropped).
fn setitem(rt: &mut Runtime, f: &mut Frame, o: Value, k: Value, v: Value) -> Act {
    if let Value::Inst(_) = &o {
        if let Some(a) = super::post::special_call(rt, f, "__setitem__", &[o.clone(), k.clone(), v.clone()], Some(Post::Discard)) {
            return a;
        }
    }
    result(ops::item::setitem(rt, &o, &k, v))
}

/// Store a global through the node's position cache.
#[inline]
pub fn store_global(globals: &crate::runtime::dict::Dict, g: &GlobalName, v: Value) {
    {
        let mut t = globals.borrow_mut();
        let (ver, bver, pos) = g.cache.get();
        if ver == t.version && bver == u32::MAX {
            let old = t.set_value(pos, v);
            drop(t);
            drop(old);
            return;
        }
    }
    globals.set_str(g.name.clone(), v);
    let t = globals.borrow();
    let key = &g.name;
    if let Some(pos) = t.find(key.hash(), |k| matches!(k, Value::Str(s) if std::rc::Rc::ptr_eq(s, key) || s.as_str() == key.as_str())) {
        g.cache.set((t.version, u32::MAX, pos));
    }
}

/// Store `v` into target `t`.
#[inline]
pub fn store(rt: &mut Runtime, f: &mut Frame, t: &'static Target, v: Value) -> Act {
    match t {
        Target::Local(i) => {
            expr::drop_value(std::mem::replace(&mut f.locals[*i as usize], Some(v)));
            Act::Next
        }
        Target::Cell(i) => {
            let old = f.cells()[*i as usize].value.borrow_mut().replace(v);
            drop(old);
            Act::Next
        }
        Target::Global(g) => {
            store_global(&f.globals, g, v);
            Act::Next
        }
        Target::Name(n) => {
            match f.ns() {
                Some(ns) => ns.set_str(n.clone(), v),
                None => f.globals.set_str(n.clone(), v),
            }
            Act::Next
        }
        Target::Attr(obj, name, site) => {
            if obj.fast {
                rt.fast = true;
                let o = expr::fast(rt, f, obj);
                rt.fast = false;
                match o {
                    Ok(o) => return result(ops::attr::setattr_at(rt, &o, name, v, site)),
                    Err(Fail::Raise(x)) => return Act::Raise(x),
                    Err(Fail::Slow) => {}
                }
            }
            f.push(v);
            f.work.push(Step::StoreCont(t, COMPONENTS));
            f.work.push(Step::Eval(obj));
            Act::Next
        }
        Target::Subscript(obj, idx) => {
            if let (ExprKind::Local(s), true) = (&obj.kind, idx.fast) {
                // `l[i] = v` on a local list: the list is read by reference.
                if let Some(Value::List(l)) = &f.locals[*s as usize] {
                    let k = match expr::peek(f, idx) {
                        Some(Value::Int(i)) => Ok(Value::Int(*i)),
                        _ => expr::fast_value(rt, f, idx),
                    };
                    match k {
                        Ok(Value::Int(i)) => {
                            let mut items = l.borrow_mut();
                            let n = items.len() as i64;
                            let j = if i < 0 { i + n } else { i };
                            if j >= 0 && j < n {
                                let old = std::mem::replace(&mut items[j as usize], v);
                                drop(items);
                                expr::drop_value(Some(old));
                                return Act::Next;
                            }
                            drop(items);
                            let o = Value::List(l.clone());
                            return setitem(rt, f, o, Value::Int(i), v);
                        }
                        Ok(k) => {
                            let o = Value::List(l.clone());
                            return setitem(rt, f, o, k, v);
                        }
                        Err(Fail::Raise(x)) => return Act::Raise(x),
                        Err(Fail::Slow) => {}
                    }
                }
            }
            if obj.fast && idx.fast {
                rt.fast = true;
                let o = expr::fast(rt, f, obj).and_then(|o| expr::fast(rt, f, idx).map(|k| (o, k)));
                rt.fast = false;
                match o {
                    Ok((o, k)) => {
                        if let (Value::List(l), Value::Int(i)) = (&o, &k) {
                            let mut items = l.borrow_mut();
                            let n = items.len() as i64;
                            let j = if *i < 0 { i + n } else { *i };
                            if j >= 0 && j < n {
                                let old = std::mem::replace(&mut items[j as usize], v);
                                drop(items);
                                expr::drop_value(Some(old));
                                return Act::Next;
                            }
                        }
                        return setitem(rt, f, o, k, v);
                    }
                    Err(Fail::Raise(x)) => return Act::Raise(x),
                    Err(Fail::Slow) => {}
                }
            }
            f.push(v);
            f.work.push(Step::StoreCont(t, COMPONENTS));
            f.work.push(Step::Eval(idx));
            f.work.push(Step::Eval(obj));
            Act::Next
        }
        Target::Unpack(ts, _, true) => unpack_locals(rt, f, ts, v),
        Target::Unpack(ts, star, false) => match unpack(rt, &v, ts.len(), star.map(|s| s as usize)) {
            Ok(items) => {
                // Store left to right: push in reverse so the first runs first.
                for (t, item) in ts.iter().zip(items).rev() {
                    f.push(item);
                    f.work.push(Step::Store(t));
                }
                Act::Next
            }
            Err(e) => Act::Raise(ops::expect_raise(e)),
        },
    }
}

/// Unpack `v` into the local slots `ts` (every one a `Target::Local`, no starred
/// target): storing a local runs no script code, so every value is stored now, left to
/// right, with no step per target. A tuple of the right length is read in place.
pub fn unpack_locals(rt: &mut Runtime, f: &mut Frame, ts: &'static [Target], v: Value) -> Act {
    match unpack_into_locals(rt, f, ts, v) {
        Ok(()) => Act::Next,
        Err(e) => Act::Raise(e),
    }
}

/// [`unpack_locals`] with the tuple of the right length inline (a `for a, b in pairs`
/// loop's item): its items are stored by index and the tuple's count dropped in
/// place, with no out-of-line drop of the tuple value. Anything else is
/// [`unpack_locals_rest`].
#[inline(always)]
pub fn unpack_into_locals(rt: &mut Runtime, f: &mut Frame, ts: &'static [Target], v: Value) -> Result<(), Exc> {
    match v {
        Value::Tuple(t) if t.items().len() == ts.len() => {
            let items = t.items();
            for k in 0..ts.len() {
                if let Target::Local(i) = &ts[k] {
                    expr::drop_value(std::mem::replace(&mut f.locals[*i as usize], Some(items[k].clone())));
                }
            }
            drop(t);
            Ok(())
        }
        v => unpack_locals_rest(rt, f, ts, v),
    }
}

/// [`unpack_into_locals`] for anything but a tuple of the right length: the items
/// through [`unpack`] (its errors), then stored left to right.
#[inline(never)]
fn unpack_locals_rest(rt: &mut Runtime, f: &mut Frame, ts: &'static [Target], v: Value) -> Result<(), Exc> {
    match unpack(rt, &v, ts.len(), None) {
        Ok(items) => {
            for (t, x) in ts.iter().zip(items) {
                if let Target::Local(i) = t {
                    expr::drop_value(std::mem::replace(&mut f.locals[*i as usize], Some(x)));
                }
            }
            Ok(())
        }
        Err(e) => Err(ops::expect_raise(e)),
    }
}

/// Split `v` into `n` values for unpacking, with CPython's errors. With a starred
/// target at `star`, that position receives a list of the extra items.
pub fn unpack(rt: &mut Runtime, v: &Value, n: usize, star: Option<usize>) -> PyResult<Vec<Value>> {
    let items: Vec<Value> = match v {
        Value::Tuple(t) => t.items().to_vec(),
        Value::List(l) if star.is_some() || l.len() == n => l.snapshot(),
        _ => {
            let it = match ops::iter::iter(rt, v) {
                Ok(it) => it,
                Err(Fail::Raise(e)) if ops::exc_matches(&e, &rt.types.type_error) => {
                    let tn = ops::type_name(rt, v);
                    return ops::raise(rt.type_error(format!("cannot unpack non-iterable {tn} object")));
                }
                Err(e) => return Err(e),
            };
            let mut out = Vec::new();
            loop {
                if star.is_none() && out.len() > n {
                    break;
                }
                match ops::iter::next(rt, &it)? {
                    Some(x) => out.push(x),
                    None => break,
                }
            }
            out
        }
    };
    match star {
        None => {
            if items.len() < n {
                return ops::raise(rt.value_error(format!(
                    "not enough values to unpack (expected {n}, got {})",
                    items.len()
                )));
            }
            if items.len() > n {
                return ops::raise(rt.value_error(format!("too many values to unpack (expected {n})")));
            }
            Ok(items)
        }
        Some(s) => {
            let min = n - 1;
            if items.len() < min {
                return ops::raise(rt.value_error(format!(
                    "not enough values to unpack (expected at least {min}, got {})",
                    items.len()
                )));
            }
            let after = n - 1 - s;
            let mut items = items;
            let tail = items.split_off(items.len() - after);
            let middle = items.split_off(s);
            items.push(Value::list(middle));
            items.extend(tail);
            Ok(items)
        }
    }
}

/// Continue a store (state `COMPONENTS`) or a deletion (`DEL`).
pub fn store_cont(rt: &mut Runtime, f: &mut Frame, t: &'static Target, st: u32) -> Act {
    if st == DEL {
        return delete(rt, f, t, 0);
    }
    if st == DEL + 1 {
        return delete(rt, f, t, 1);
    }
    match t {
        Target::Attr(_, name, site) => {
            let o = f.pop();
            let v = f.pop();
            result(ops::attr::setattr_at(rt, &o, name, v, site))
        }
        Target::Subscript(..) => {
            let k = f.pop();
            let o = f.pop();
            let v = f.pop();
            setitem(rt, f, o, k, v)
        }
        _ => Act::Next,
    }
}

fn delete(rt: &mut Runtime, f: &mut Frame, t: &'static Target, st: u32) -> Act {
    match t {
        Target::Local(i) => {
            if f.locals[*i as usize].take().is_none() {
                let name = &f.code.varnames[*i as usize];
                return Act::Raise(rt.exc_msg(
                    &rt.types.unbound_local_error,
                    format!("cannot access local variable '{name}' where it is not associated with a value"),
                ));
            }
            Act::Next
        }
        Target::Cell(i) => {
            if f.cells()[*i as usize].value.borrow_mut().take().is_none() {
                return Act::Raise(expr::unbound_cell(rt, f, *i));
            }
            Act::Next
        }
        Target::Global(g) => {
            if f.globals.del_str(&g.name).is_none() {
                return Act::Raise(expr::name_error(rt, &g.name));
            }
            Act::Next
        }
        Target::Name(n) => {
            let ns = f.ns().cloned().unwrap_or_else(|| f.globals.clone());
            if ns.del_str(n).is_none() {
                return Act::Raise(expr::name_error(rt, n));
            }
            Act::Next
        }
        Target::Attr(obj, name, _) => {
            if st == 0 {
                f.work.push(Step::StoreCont(t, DEL + 1));
                f.work.push(Step::Eval(obj));
                return Act::Next;
            }
            let o = f.pop();
            result(ops::attr::delattr(rt, &o, name))
        }
        Target::Subscript(obj, idx) => {
            if st == 0 {
                f.work.push(Step::StoreCont(t, DEL + 1));
                f.work.push(Step::Eval(idx));
                f.work.push(Step::Eval(obj));
                return Act::Next;
            }
            let k = f.pop();
            let o = f.pop();
            if let Some(a) = super::post::special_call(rt, f, "__delitem__", &[o.clone(), k.clone()], Some(Post::Discard)) {
                return a;
            }
            result(ops::item::delitem(rt, &o, &k))
        }
        Target::Unpack(ts, ..) => {
            for t in ts.iter().rev() {
                f.work.push(Step::StoreCont(t, DEL));
            }
            Act::Next
        }
    }
}

/// The current value of a simple target (for augmented assignment).
fn load_simple(rt: &mut Runtime, f: &Frame, t: &'static Target) -> Result<Value, crate::runtime::class::Exc> {
    match t {
        Target::Local(i) => f.locals[*i as usize].clone().ok_or_else(|| {
            let name = &f.code.varnames[*i as usize];
            rt.exc_msg(
                &rt.types.unbound_local_error,
                format!("cannot access local variable '{name}' where it is not associated with a value"),
            )
        }),
        Target::Cell(i) => f.cells()[*i as usize].value.borrow().clone().ok_or_else(|| expr::unbound_cell(rt, f, *i)),
        Target::Global(g) => expr::load_global(rt, &f.globals, g),
        Target::Name(n) => f
            .ns()
            .and_then(|ns| ns.get_str(n))
            .or_else(|| f.globals.get_str(n))
            .or_else(|| rt.builtins.get_str(n))
            .ok_or_else(|| expr::name_error(rt, n)),
        _ => unreachable!(),
    }
}

/// `target op= value`, in states: 0 start; 1 components on the stack; 2 current value
/// and right operand on the stack; 3 the result of a user dunder on the stack.
pub fn augassign(rt: &mut Runtime, f: &mut Frame, s: &'static Stmt, st: u32) -> Act {
    let StmtKind::AugAssign(t, op, value) = &s.kind else { unreachable!() };
    match st {
        0 => {
            if let Target::Local(i) = t {
                // `x op= y` on small ints in a local: computed and written in place (the
                // old value, an int, owns nothing).
                if let Some(Value::Int(b)) = expr::peek(f, value) {
                    let b = *b;
                    if let Some(Value::Int(a)) = &mut f.locals[*i as usize] {
                        if let Some(z) = expr::int_binop(*op, *a, b) {
                            *a = z;
                            return Act::Next;
                        }
                    }
                }
            }
            if value.fast {
                // Fast path: a simple target and a right operand that needs no script code.
                let cur = match t {
                    Target::Local(i) => f.locals[*i as usize].clone(),
                    Target::Global(g) => expr::load_global(rt, &f.globals, g).ok(),
                    _ => None,
                };
                if let Some(cur) = cur {
                    rt.fast = true;
                    let r = expr::fast(rt, f, value);
                    rt.fast = false;
                    match r {
                        Ok(rhs) => {
                            let small = match (&cur, &rhs) {
                                (Value::Int(a), Value::Int(b)) => expr::int_binop(*op, *a, *b),
                                _ => None,
                            };
                            let mut cur = cur;
                            if small.is_none() && matches!(cur, Value::Str(_)) {
                                if let (Target::Local(i), crate::syntax::ast::BinOp::Add) = (t, op) {
                                    match append_in_place(f, *i as usize, std::mem::replace(&mut cur, Value::None), &rhs) {
                                        Ok(()) => return Act::Next,
                                        Err(c) => cur = c,
                                    }
                                }
                            }
                            if small.is_none() && (super::post::is_user(&cur) || super::post::is_user(&rhs)) {
                                f.push(cur);
                                f.push(rhs);
                                return augassign(rt, f, s, 2);
                            }
                            let res = match small {
                                Some(z) => Value::Int(z),
                                None => match inplace(rt, *op, cur, rhs) {
                                    Ok(v) => v,
                                    Err(x) => return Act::Raise(ops::expect_raise(x)),
                                },
                            };
                            return store(rt, f, t, res);
                        }
                        Err(Fail::Raise(x)) => return Act::Raise(x),
                        Err(Fail::Slow) => {}
                    }
                }
            }
            match t {
                Target::Attr(obj, ..) => match eval(rt, f, obj, Step::Stmt(s, 1)) {
                    Ev::Val(v) => f.push(v),
                    Ev::Pending(a) => return a,
                    Ev::Raise(x) => return Act::Raise(x),
                },
                Target::Subscript(obj, idx) => {
                    // `l[i] op= v` on a local list at a local or constant index: the
                    // list is read by reference (no count change) unless the statement
                    // has to go on step by step.
                    if value.fast {
                        if let ExprKind::Local(slot) = &obj.kind {
                            if let (Some(Value::List(l)), Some(Value::Int(i))) = (&f.locals[*slot as usize], expr::peek(f, idx)) {
                                let i = *i;
                                match aug_list_item(rt, f, l, i, *op, value) {
                                    ListAug::Done(a) => return a,
                                    r => {
                                        let l = Value::List(l.clone());
                                        if let Some(a) = list_item_after(rt, f, s, r, l, i, value) {
                                            return a;
                                        }
                                    }
                                }
                            }
                        }
                    }
                    if obj.fast && idx.fast {
                        rt.fast = true;
                        let r = expr::fast(rt, f, obj).and_then(|o| expr::fast(rt, f, idx).map(|k| (o, k)));
                        rt.fast = false;
                        match r {
                            Ok((o, k)) => {
                                if value.fast {
                                    if let (Value::Dict(d), Value::Str(key)) = (&o, &k) {
                                        if let Some(a) = aug_dict_item(rt, f, d, key, *op, value) {
                                            return a;
                                        }
                                    }
                                    if let (Value::List(l), Value::Int(i)) = (&o, &k) {
                                        let i = *i;
                                        match aug_list_item(rt, f, l, i, *op, value) {
                                            ListAug::Done(a) => return a,
                                            r => {
                                                if let Some(a) = list_item_after(rt, f, s, r, o.clone(), i, value) {
                                                    return a;
                                                }
                                            }
                                        }
                                    }
                                }
                                f.push(o);
                                f.push(k);
                            }
                            Err(Fail::Raise(x)) => return Act::Raise(x),
                            Err(Fail::Slow) => {
                                f.work.push(Step::Stmt(s, 1));
                                f.work.push(Step::Eval(idx));
                                f.work.push(Step::Eval(obj));
                                return Act::Next;
                            }
                        }
                    } else {
                        f.work.push(Step::Stmt(s, 1));
                        f.work.push(Step::Eval(idx));
                        f.work.push(Step::Eval(obj));
                        return Act::Next;
                    }
                }
                _ => {}
            }
            augassign(rt, f, s, 1)
        }
        1 => {
            // Read the current value.
            let cur = match t {
                Target::Attr(_, name, site) => {
                    // (A store site is filled only where a plain dict store applies,
                    // which also makes a plain dict read right.)
                    let o = f.stack.last().unwrap().clone();
                    match &o {
                        Value::Inst(i) => match site.get(i, name) {
                            Some(v) => Ok(v),
                            None => ops::attr::getattr(rt, &o, name).map_err(ops::expect_raise),
                        },
                        _ => ops::attr::getattr(rt, &o, name).map_err(ops::expect_raise),
                    }
                }
                Target::Subscript(..) => {
                    let n = f.stack.len();
                    let (o, k) = (f.stack[n - 2].clone(), f.stack[n - 1].clone());
                    ops::item::getitem(rt, &o, &k).map_err(ops::expect_raise)
                }
                _ => load_simple(rt, f, t),
            };
            let cur = match cur {
                Ok(v) => v,
                Err(x) => return Act::Raise(x),
            };
            f.push(cur);
            match eval(rt, f, value, Step::Stmt(s, 2)) {
                Ev::Val(v) => {
                    f.push(v);
                    augassign(rt, f, s, 2)
                }
                Ev::Pending(a) => a,
                Ev::Raise(x) => Act::Raise(x),
            }
        }
        2 => {
            let rhs = f.pop();
            let cur = f.pop();
            // A user operand's dunders run as frames (`post::binary_user`); the result
            // comes back in state 3.
            let user = if super::post::is_user(&cur) {
                Some(true)
            } else if super::post::is_user(&rhs) && !matches!(cur, Value::List(_) | Value::Set(_) | Value::Dict(_)) {
                Some(false)
            } else {
                None
            };
            let res = match user {
                Some(false) if let Some(r) = ops::num::binary_builtin(rt, *op, &cur, &rhs) => r,
                Some(ip) => {
                    f.work.push(Step::Stmt(s, 3));
                    return super::post::binary_user(rt, f, *op, cur, rhs, ip, 0);
                }
                None => inplace(rt, *op, cur, rhs),
            };
            match res {
                Ok(v) => aug_store(rt, f, t, v),
                Err(x) => Act::Raise(ops::expect_raise(x)),
            }
        }
        _ => {
            let res = f.pop();
            aug_store(rt, f, t, res)
        }
    }
}

/// `d[k] op= value` on a dict with a `str` key it holds and a fast right operand: the
/// current value is read and the result written back at the key's position (one
/// probe; no `getitem`/`setitem` through the value stack). None, with nothing
/// observable done, where the general path must run: the key is missing (`KeyError`
/// there), another type's key shares its hash, the right operand needs script code,
/// or an operand is an instance (its dunders run as frames).
#[inline(never)]
fn aug_dict_item(
    rt: &mut Runtime,
    f: &Frame,
    d: &crate::runtime::dict::Dict,
    k: &std::rc::Rc<crate::runtime::str::PyStr>,
    op: crate::syntax::ast::BinOp,
    value: &'static Expr,
) -> Option<Act> {
    let same = |x: &Value| matches!(x, Value::Str(x) if std::rc::Rc::ptr_eq(x, k) || x.same_text(k));
    let (pos, cur) = {
        let t = d.borrow();
        let pos = t.find(k.hash(), |x| same(x))?;
        (pos, t.entry(pos).value.clone())
    };
    rt.fast = true;
    let r = expr::fast(rt, f, value);
    rt.fast = false;
    let rhs = match r {
        Ok(v) => v,
        Err(Fail::Raise(x)) => return Some(Act::Raise(x)),
        Err(Fail::Slow) => return None,
    };
    let res = match (&cur, &rhs) {
        (Value::Int(a), Value::Int(b)) if let Some(z) = expr::int_binop(op, *a, *b) => Value::Int(z),
        _ if super::post::is_user(&cur) || super::post::is_user(&rhs) => return None,
        _ => match inplace(rt, op, cur, rhs) {
            Ok(v) => v,
            Err(x) => return Some(Act::Raise(ops::expect_raise(x))),
        },
    };
    // An in-place operator on a built-in value may have changed the dict itself
    // (`d[k] |= d`): then the key is stored again.
    let here = d.borrow().entry_opt(pos).is_some_and(|e| same(&e.key));
    if here {
        let old = d.borrow_mut().set_value(pos, res);
        drop(old);
        return Some(Act::Next);
    }
    Some(match crate::builtins::dicts::dict_set(rt, d, Value::Str(k.clone()), res) {
        Ok(()) => Act::Next,
        Err(x) => Act::Raise(ops::expect_raise(x)),
    })
}

/// What [`aug_list_item`] did.
enum ListAug {
    /// Done in place, or raised.
    Done(Act),
    /// The right operand needs script code; the item read so far.
    Slow(Value),
    /// The item and the right operand, to be combined by the general path.
    Operands(Value, Value),
    /// The index is out of range (the general path raises the error).
    OutOfRange,
}

/// `l[i] op= value` on a list with a fast right operand, the list read by reference:
/// the item is read, combined and written back in place (small ints). Otherwise what
/// was computed is handed back for [`list_item_after`].
#[inline]
fn aug_list_item(
    rt: &mut Runtime,
    f: &Frame,
    l: &crate::runtime::list::List,
    i: i64,
    op: crate::syntax::ast::BinOp,
    value: &'static Expr,
) -> ListAug {
    let (j, cur) = {
        let items = l.borrow();
        let n = items.len() as i64;
        let j = if i < 0 { i + n } else { i };
        if j < 0 || j >= n {
            return ListAug::OutOfRange;
        }
        (j as usize, items[j as usize].clone())
    };
    rt.fast = true;
    let r = expr::fast(rt, f, value);
    rt.fast = false;
    let rhs = match r {
        Ok(rhs) => rhs,
        Err(Fail::Raise(x)) => return ListAug::Done(Act::Raise(x)),
        Err(Fail::Slow) => return ListAug::Slow(cur),
    };
    if let (Value::Int(a), Value::Int(b)) = (&cur, &rhs) {
        if let Some(z) = expr::int_binop(op, *a, *b) {
            let mut items = l.borrow_mut();
            if j < items.len() {
                let old = std::mem::replace(&mut items[j], Value::Int(z));
                drop(items);
                expr::drop_value(Some(old));
                return ListAug::Done(Act::Next);
            }
        }
    }
    ListAug::Operands(cur, rhs)
}

/// Go on after [`aug_list_item`] on list `l`: the list, index, item (and operand) go
/// onto the stack and the statement goes on at state 2 (or evaluates the operand step
/// by step). None when the index was out of range.
#[inline(never)]
fn list_item_after(rt: &mut Runtime, f: &mut Frame, s: &'static Stmt, r: ListAug, l: Value, i: i64, value: &'static Expr) -> Option<Act> {
    match r {
        ListAug::Done(a) => Some(a),
        ListAug::OutOfRange => None,
        ListAug::Slow(cur) => {
            f.push(l);
            f.push(Value::Int(i));
            f.push(cur);
            Some(match eval(rt, f, value, Step::Stmt(s, 2)) {
                Ev::Val(v) => {
                    f.push(v);
                    augassign(rt, f, s, 2)
                }
                Ev::Pending(a) => a,
                Ev::Raise(x) => Act::Raise(x),
            })
        }
        ListAug::Operands(cur, rhs) => {
            f.push(l);
            f.push(Value::Int(i));
            f.push(cur);
            f.push(rhs);
            Some(augassign(rt, f, s, 2))
        }
    }
}

/// `s += t` for a local `s` whose str nobody else holds: `t` is appended in place, as
/// CPython does, instead of copying both into a new string. `cur` is the local's value
/// read before `t` was evaluated; `Err(cur)` when the case does not apply.
#[inline(never)]
fn append_in_place(f: &mut Frame, i: usize, cur: Value, rhs: &Value) -> Result<(), Value> {
    let (Value::Str(a), Value::Str(b)) = (&cur, rhs) else { return Err(cur) };
    // The local still holds this very string and only `cur` shares it.
    if !matches!(&f.locals[i], Some(Value::Str(l)) if std::rc::Rc::ptr_eq(l, a)) || std::rc::Rc::strong_count(a) != 2 {
        return Err(cur);
    }
    drop(cur);
    let Some(Value::Str(l)) = &mut f.locals[i] else { unreachable!() };
    match std::rc::Rc::get_mut(l) {
        Some(s) => {
            s.push_str(b.as_str());
            Ok(())
        }
        None => Err(Value::Str(l.clone())),
    }
}

/// Store the result of `target op= value` (the target's components are on the stack).
fn aug_store(rt: &mut Runtime, f: &mut Frame, t: &'static Target, res: Value) -> Act {
    match t {
        Target::Attr(_, name, site) => {
            let o = f.pop();
            result(ops::attr::setattr_at(rt, &o, name, res, site))
        }
        Target::Subscript(..) => {
            let k = f.pop();
            let o = f.pop();
            setitem(rt, f, o, k, res)
        }
        _ => store(rt, f, t, res),
    }
}

/// `a op= b`: in place for lists, sets and dicts and user `__iop__` methods.
pub fn inplace(rt: &mut Runtime, op: crate::syntax::ast::BinOp, a: Value, b: Value) -> PyResult {
    if let Some(r) = ops::num::numeric(rt, op, &a, &b) {
        return r;
    }
    // (lists, sets and dicts in place; errors name the operator `op=`)
    ops::num::inplace(rt, op, &a, &b)
}
