//! The fast path: a direct recursive computation of an expression marked `fast`
//! (no calls, nothing that can run script code), which gives up with `Fail::Slow`
//! before anything observable when script code would have to run. [`fast`] is a small
//! dispatcher for the commonest nodes; the rest are functions of their own.

use super::expr::{compare, folds_to_constant, format_field, int_compare, load_global, load_name, peek, unbound_cell, unbound_local};
use super::frame::Frame;
use super::ir::*;
use crate::ops::{self, Fail, PyResult};
use crate::runtime::dict::Dict;
use crate::runtime::str::PyStr;
use crate::runtime::value::Value;
use crate::runtime::Runtime;
use crate::syntax::ast::{CmpOp, UnaryOp};
use std::rc::Rc;

/// An operand of a fast node: locals and constants without a full recursive call.
#[inline(always)]
pub(super) fn operand(rt: &mut Runtime, f: &Frame, e: &'static Expr) -> PyResult {
    match &e.kind {
        ExprKind::Local(i) => match &f.locals[*i as usize] {
            Some(v) => Ok(v.clone()),
            None => Err(unbound_local(rt, f, *i)),
        },
        ExprKind::Const(v) => Ok(v.clone()),
        // `a[i]`, `local.name` and small-int arithmetic in the commonest cases without
        // a call; past them, straight to the node kind's function (not through the
        // dispatcher, which would test the same cases again).
        ExprKind::Subscript(b) => match local_list_item(f, b) {
            Some(x) => Ok(x),
            None => fast_subscript(rt, f, b),
        },
        ExprKind::Attr(x, name, site) => {
            if let ExprKind::Local(s) = &x.kind {
                if let Some(Value::Inst(i)) = &f.locals[*s as usize] {
                    if let Some(r) = site.get(i, name) {
                        return Ok(r);
                    }
                }
            }
            fast_attr(rt, f, x, name, site)
        }
        ExprKind::Binary(l, op, r) => {
            if let (Some(Value::Int(x)), Some(Value::Int(y))) = (peek(f, l), peek(f, r)) {
                if let Some(z) = int_binop(*op, *x, *y) {
                    return Ok(Value::Int(z));
                }
            }
            fast_binary(rt, f, l, *op, r)
        }
        _ => fast(rt, f, e),
    }
}

/// `a[i]` for a local list or tuple `a` and a local or constant int `i` in range (else
/// None).
#[inline(always)]
fn local_list_item(f: &Frame, b: &'static (Expr, Expr)) -> Option<Value> {
    let ExprKind::Local(s) = &b.0.kind else { return None };
    match (&f.locals[*s as usize], peek(f, &b.1)) {
        (Some(Value::List(l)), Some(Value::Int(i))) => list_item(l, *i),
        (Some(Value::Tuple(t)), Some(Value::Int(i))) => {
            let items = t.items();
            let n = items.len() as i64;
            let j = if *i < 0 { i + n } else { *i };
            if j >= 0 && j < n { Some(items[j as usize].clone()) } else { None }
        }
        _ => None,
    }
}

/// Compute a fast node directly. This is the hot dispatcher: locals, constants, and
/// the common cases of binary operators, comparisons, subscripts and attributes are
/// answered here; everything else goes to a function of its own, so this one (which
/// the fast path enters once per node) needs no large prologue. Every call below is in
/// tail position.
pub fn fast(rt: &mut Runtime, f: &Frame, e: &'static Expr) -> PyResult {
    match &e.kind {
        ExprKind::Const(v) => Ok(v.clone()),
        ExprKind::Local(i) => match &f.locals[*i as usize] {
            Some(v) => Ok(v.clone()),
            None => Err(unbound_local(rt, f, *i)),
        },
        ExprKind::Binary(l, op, r) => {
            if let (Some(Value::Int(x)), Some(Value::Int(y))) = (peek(f, l), peek(f, r)) {
                if let Some(z) = int_binop(*op, *x, *y) {
                    return Ok(Value::Int(z));
                }
            }
            fast_binary(rt, f, l, *op, r)
        }
        ExprKind::Compare(l, rest) => {
            if rest.len() == 1 {
                if let (Some(Value::Int(x)), Some(Value::Int(y))) = (peek(f, l), peek(f, &rest[0].1)) {
                    if let Some(b) = int_compare(rest[0].0, *x, *y) {
                        return Ok(Value::Bool(b));
                    }
                }
            }
            fast_compare(rt, f, l, rest)
        }
        ExprKind::Subscript(b) => match local_list_item(f, b) {
            Some(x) => Ok(x),
            None => fast_subscript(rt, f, b),
        },
        ExprKind::Attr(x, name, site) => {
            // `local.name` on an instance whose site cache hits: read by reference (no
            // count change of the instance).
            if let ExprKind::Local(s) = &x.kind {
                if let Some(Value::Inst(i)) = &f.locals[*s as usize] {
                    if let Some(r) = site.get(i, name) {
                        return Ok(r);
                    }
                }
            }
            fast_attr(rt, f, x, name, site)
        }
        _ => fast_rest(rt, f, e),
    }
}

/// [`fast`] for a binary node past the small-int case on locals and constants.
#[inline(never)]
fn fast_binary(rt: &mut Runtime, f: &Frame, l: &'static Expr, op: crate::syntax::ast::BinOp, r: &'static Expr) -> PyResult {
    let a = operand(rt, f, l)?;
    let b = operand(rt, f, r)?;
    if let (Value::Int(x), Value::Int(y)) = (&a, &b) {
        if let Some(z) = int_binop(op, *x, *y) {
            return Ok(Value::Int(z));
        }
    }
    ops::num::binary(rt, op, &a, &b)
}

/// [`fast`] for a comparison (chain) past a single small-int comparison on locals and
/// constants.
#[inline(never)]
fn fast_compare(rt: &mut Runtime, f: &Frame, l: &'static Expr, rest: &'static [(CmpOp, Expr)]) -> PyResult {
    let mut a = operand(rt, f, l)?;
    let n = rest.len();
    for (i, (op, r)) in rest.iter().enumerate() {
        let b = operand(rt, f, r)?;
        if let (Value::Int(x), Value::Int(y)) = (&a, &b) {
            if let Some(t) = int_compare(*op, *x, *y) {
                if i + 1 == n || !t {
                    return Ok(Value::Bool(t));
                }
                a = b;
                continue;
            }
        }
        let res = compare(rt, *op, &a, &b)?;
        if i + 1 == n {
            return Ok(res);
        }
        if !ops::cmp::truthy(rt, &res)? {
            return Ok(res);
        }
        a = b;
    }
    unreachable!()
}

/// [`fast`] for a subscript other than a local list or tuple at a local or constant
/// index in range.
#[inline(never)]
fn fast_subscript(rt: &mut Runtime, f: &Frame, b: &'static (Expr, Expr)) -> PyResult {
    // A bound local container (`a[i]`) is read by reference: no count change of the
    // list for the item read.
    if let ExprKind::Local(s) = &b.0.kind {
        if let Some(v) = &f.locals[*s as usize] {
            let k = operand(rt, f, &b.1)?;
            if let (Value::List(l), Value::Int(i)) = (v, &k) {
                if let Some(x) = list_item(l, *i) {
                    return Ok(x);
                }
            }
            return ops::item::getitem(rt, v, &k);
        }
    }
    let v = operand(rt, f, &b.0)?;
    let k = operand(rt, f, &b.1)?;
    if let (Value::List(l), Value::Int(i)) = (&v, &k) {
        if let Some(x) = list_item(l, *i) {
            return Ok(x);
        }
    }
    ops::item::getitem(rt, &v, &k)
}

/// [`fast`] for an attribute other than a site-cache hit on a local instance.
#[inline(never)]
fn fast_attr(rt: &mut Runtime, f: &Frame, x: &'static Expr, name: &'static Rc<PyStr>, site: &'static crate::runtime::class::InstAttrSite) -> PyResult {
    let v = operand(rt, f, x)?;
    if let Value::Inst(i) = &v {
        if let Some(r) = site.get(i, name) {
            return Ok(r);
        }
        return ops::attr::getattr_at(rt, &v, name, site);
    }
    if let Value::Obj(_) = &v {
        match crate::builtins::generators::running_frame_attr(&v, f, name) {
            Some(Ok(r)) => return Ok(r),
            Some(Err(_)) => return Err(Fail::Slow),
            None => {}
        }
    }
    ops::attr::getattr(rt, &v, name)
}

/// [`fast`] for the node kinds that are not among its common ones.
#[inline(never)]
fn fast_rest(rt: &mut Runtime, f: &Frame, e: &'static Expr) -> PyResult {
    match &e.kind {
        ExprKind::Cell(i) => match &*f.cells()[*i as usize].value.borrow() {
            Some(v) => Ok(v.clone()),
            None => Err(Fail::Raise(unbound_cell(rt, f, *i))),
        },
        ExprKind::Global(g) => load_global(rt, &f.globals, g).map_err(Fail::Raise),
        ExprKind::Name(n) => load_name(rt, f, n).map_err(Fail::Raise),
        ExprKind::ClassDeref(n, c) => {
            if let Some(ns) = f.ns() {
                if let Some(v) = ns.get_str(n) {
                    return Ok(v);
                }
            }
            match &*f.cells()[*c as usize].value.borrow() {
                Some(v) => Ok(v.clone()),
                None => Err(Fail::Raise(unbound_cell(rt, f, *c))),
            }
        }
        ExprKind::Unary(op, x) => {
            let v = operand(rt, f, x)?;
            if *op == UnaryOp::Not {
                return Ok(Value::Bool(!ops::cmp::truthy(rt, &v)?));
            }
            ops::num::unary(rt, *op, &v)
        }
        ExprKind::And(items) => {
            let mut v = Value::None;
            for (i, x) in items.iter().enumerate() {
                v = fast(rt, f, x)?;
                if i + 1 < items.len() && !ops::cmp::truthy(rt, &v)? {
                    return Ok(v);
                }
            }
            Ok(v)
        }
        ExprKind::Or(items) => {
            let mut v = Value::None;
            for (i, x) in items.iter().enumerate() {
                v = fast(rt, f, x)?;
                if i + 1 < items.len() && ops::cmp::truthy(rt, &v)? {
                    return Ok(v);
                }
            }
            Ok(v)
        }
        ExprKind::IfExp(b) => {
            let (t, yes, no) = &**b;
            let c = fast(rt, f, t)?;
            if ops::cmp::truthy(rt, &c)? { fast(rt, f, yes) } else { fast(rt, f, no) }
        }
        ExprKind::Slice(parts) => {
            let mut vals = [Value::None, Value::None, Value::None];
            for (i, p) in parts.iter().enumerate() {
                if let Some(p) = p {
                    vals[i] = fast(rt, f, p)?;
                }
            }
            let [a, b, c] = vals;
            Ok(Value::Slice(Rc::new(crate::runtime::range::SliceObj { start: a, stop: b, step: c })))
        }
        ExprKind::Tuple(items, _) => {
            let mut v = Vec::with_capacity(items.len());
            for x in items.iter() {
                v.push(operand(rt, f, x)?);
            }
            Ok(Value::tuple(v))
        }
        ExprKind::List(items, _) => {
            let mut v = Vec::with_capacity(items.len());
            for x in items.iter() {
                v.push(operand(rt, f, x)?);
            }
            Ok(Value::list(v))
        }
        ExprKind::Set(items, _) => {
            let mut v = Vec::with_capacity(items.len());
            for x in items.iter() {
                v.push(fast(rt, f, x)?);
            }
            crate::builtins::sets::set_display(rt, v, items.iter().all(folds_to_constant))
        }
        ExprKind::Dict(items) => {
            let d = crate::runtime::gc::new_dict(Dict::new());
            for (k, v) in items.iter() {
                let key = fast(rt, f, k.as_ref().unwrap())?;
                let val = fast(rt, f, v)?;
                crate::builtins::dicts::dict_set(rt, &d, key, val)?;
            }
            Ok(Value::Dict(d))
        }
        ExprKind::FString(parts) => {
            let mut out = String::new();
            fstring_fast(rt, f, parts, &mut out)?;
            Ok(Value::string(out))
        }
        _ => Err(Fail::Slow),
    }
}

/// Item `i` of list `l` (a negative `i` counts from the end), None when out of range.
#[inline(always)]
pub fn list_item(l: &crate::runtime::list::List, i: i64) -> Option<Value> {
    let items = l.borrow();
    let n = items.len() as i64;
    let j = if i < 0 { i + n } else { i };
    if j >= 0 && j < n {
        return Some(items[j as usize].clone());
    }
    None
}

/// The value of an [`Expr::int_tree`] node `e` (`(total + step + got) % m`) when its
/// locals hold small ints and every node's result is a small int; None otherwise,
/// having done nothing observable (reading locals and constants has no effect), so the
/// caller evaluates `e` as before. One call per operator node (its leaves are read in
/// place), recursive over the tree's depth.
#[inline(never)]
pub fn int_tree(f: &Frame, e: &'static Expr) -> Option<i64> {
    let ExprKind::Binary(l, op, r) = &e.kind else { return None };
    let x = if l.int_tree { int_tree(f, l)? } else { int_leaf(f, l)? };
    let y = if r.int_tree { int_tree(f, r)? } else { int_leaf(f, r)? };
    int_binop(*op, x, y)
}

/// A small-int local (bound) or constant's value, else None.
#[inline(always)]
fn int_leaf(f: &Frame, e: &'static Expr) -> Option<i64> {
    match peek(f, e) {
        Some(Value::Int(x)) => Some(*x),
        _ => None,
    }
}

/// `x op y` on two small ints when the result is a small int and nothing can fail
/// (None: overflow, division by zero, shifts, `/` and `**` take the general path).
#[inline(always)]
pub fn int_binop(op: crate::syntax::ast::BinOp, x: i64, y: i64) -> Option<i64> {
    use crate::syntax::ast::BinOp;
    match op {
        BinOp::Add => x.checked_add(y),
        BinOp::Sub => x.checked_sub(y),
        BinOp::Mul => x.checked_mul(y),
        BinOp::Mod => {
            let r = x.checked_rem(y)?;
            Some(if r != 0 && ((r < 0) != (y < 0)) { r + y } else { r })
        }
        BinOp::FloorDiv => {
            let q = x.checked_div(y)?;
            Some(if x % y != 0 && ((x < 0) != (y < 0)) { q - 1 } else { q })
        }
        BinOp::BitAnd => Some(x & y),
        BinOp::BitOr => Some(x | y),
        BinOp::BitXor => Some(x ^ y),
        BinOp::RShift if y >= 0 => Some(x >> y.min(63)),
        _ => None,
    }
}

fn fstring_fast(rt: &mut Runtime, f: &Frame, parts: &'static [FPartX], out: &mut String) -> PyResult<()> {
    for p in parts {
        match p {
            FPartX::Text(t) => out.push_str(t.as_str()),
            FPartX::Field { value, conv, spec } => {
                let v = fast(rt, f, value)?;
                let spec_s = match spec {
                    Some(sp) => {
                        let mut s = String::new();
                        fstring_fast(rt, f, sp, &mut s)?;
                        s
                    }
                    None => String::new(),
                };
                out.push_str(&format_field(rt, v, *conv, &spec_s)?);
            }
        }
    }
    Ok(())
}

