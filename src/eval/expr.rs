//! Expressions: the fast path (a direct recursive computation for nodes marked `fast`,
//! which gives up before anything observable when script code would have to run) and
//! the step-by-step path (children evaluated onto the value stack, then the operation),
//! which can call script code and suspend anywhere.

use super::frame::Frame;
use super::ir::*;
use super::machine::Act;
use super::step::Step;
use super::{call, define, store, suspend};
use crate::ops::{self, Fail, PyResult};
use crate::runtime::class::Exc;
use crate::runtime::dict::Dict;
use crate::runtime::str::PyStr;
use crate::runtime::value::Value;
use crate::runtime::Runtime;
use crate::syntax::ast::{CmpOp, UnaryOp};
use std::rc::Rc;

pub use super::fast::{fast, int_binop, list_item};
use super::fast::operand;

/// The value of an expression: now, later (an act to return; the value will be on the
/// stack when `then` runs), or an exception.
pub enum Ev {
    /// Computed now.
    Val(Value),
    /// Arranged: return this act to the driver.
    Pending(Act),
    /// Raised.
    Raise(Exc),
}

/// Evaluate `e`, directly when possible. When not, `then` is pushed and runs once the
/// value is on the stack.
#[inline(always)]
pub fn eval(rt: &mut Runtime, f: &mut Frame, e: &'static Expr, then: Step) -> Ev {
    match &e.kind {
        ExprKind::Local(i) => {
            if let Some(v) = &f.locals[*i as usize] {
                return Ev::Val(v.clone());
            }
        }
        ExprKind::Const(v) => return Ev::Val(v.clone()),
        ExprKind::Call(c) if c.direct => return call::direct(rt, f, e, c, then),
        ExprKind::Binary(l, op, r) if matches!(&l.kind, ExprKind::Call(c) if c.direct) => {
            return binary_call(rt, f, e, l, *op, r, then);
        }
        _ => {}
    }
    eval_node(rt, f, e, then)
}

/// A binary node whose left operand is a direct call (`f(a) + g(b)`): the call is made
/// from here, its value awaited by `Step::BinRight`, with no trip through the general
/// node path (a binary node with a call is never a fast node).
#[inline(never)]
#[allow(clippy::too_many_arguments)]
fn binary_call(rt: &mut Runtime, f: &mut Frame, e: &'static Expr, l: &'static Expr, op: crate::syntax::ast::BinOp, r: &'static Expr, then: Step) -> Ev {
    let ExprKind::Call(c) = &l.kind else { unreachable!() };
    f.work.push(then);
    Ev::Pending(match call::direct(rt, f, l, c, Step::BinRight(e)) {
        Ev::Val(a) => {
            f.push(a);
            binary_right(rt, f, e, op, r)
        }
        Ev::Pending(a) => a,
        Ev::Raise(x) => Act::Raise(x),
    })
}

/// A local's value (if bound) or a constant, by reference: the operands of the
/// commonest nodes, read without a clone.
#[inline(always)]
pub fn peek<'a>(f: &'a Frame, e: &'static Expr) -> Option<&'a Value> {
    match &e.kind {
        ExprKind::Local(i) => f.locals[*i as usize].as_ref(),
        ExprKind::Const(v) => Some(v),
        _ => None,
    }
}

/// `l op r` when `e` is a binary operator on two small ints that are locals or
/// constants and the result is a small int (`n - 1`); None otherwise, with nothing
/// computed (the general path then computes it, and raises any error).
#[inline(always)]
pub fn quick_int_op(f: &Frame, e: &'static Expr) -> Option<i64> {
    match &e.kind {
        ExprKind::Binary(l, op, r) => match (peek(f, l), peek(f, r)) {
            (Some(Value::Int(x)), Some(Value::Int(y))) => int_binop(*op, *x, *y),
            _ => None,
        },
        _ => None,
    }
}

/// Drop a value, with the test for the kinds that own nothing (None, bools, small
/// ints, floats) inline: those need no out-of-line drop call.
#[inline(always)]
pub fn drop_value(v: Option<Value>) {
    if matches!(v, None | Some(Value::None | Value::Bool(_) | Value::Int(_) | Value::Float(_))) {
        std::mem::forget(v);
    } else {
        drop(v);
    }
}

/// `x op y` for a comparison of two small ints (None for `is`, `in` and their negations).
#[inline(always)]
pub(super) fn int_compare(op: CmpOp, x: i64, y: i64) -> Option<bool> {
    Some(match op {
        CmpOp::Lt => x < y,
        CmpOp::LtE => x <= y,
        CmpOp::Gt => x > y,
        CmpOp::GtE => x >= y,
        CmpOp::Eq => x == y,
        CmpOp::NotEq => x != y,
        _ => return None,
    })
}

/// The commonest fast nodes, computed without entering the general fast path: a global,
/// and small-int arithmetic or a single comparison on locals and constants. `None`
/// when the node is not one of these (or an operand is not a small int).
#[inline(always)]
fn quick(rt: &Runtime, f: &Frame, e: &'static Expr) -> Option<Result<Value, Exc>> {
    match &e.kind {
        ExprKind::Global(g) => Some(load_global(rt, &f.globals, g)),
        ExprKind::Binary(l, op, r) => match (peek(f, l), peek(f, r)) {
            (Some(Value::Int(x)), Some(Value::Int(y))) => int_binop(*op, *x, *y).map(|z| Ok(Value::Int(z))),
            _ => None,
        },
        ExprKind::Compare(l, rest) if rest.len() == 1 => match (peek(f, l), peek(f, &rest[0].1)) {
            (Some(Value::Int(x)), Some(Value::Int(y))) => int_compare(rest[0].0, *x, *y).map(|b| Ok(Value::Bool(b))),
            _ => None,
        },
        _ => None,
    }
}

/// The value of a fast node computed now: a local or constant inline, the [`quick`]
/// nodes, else the general fast path (`Fail::Slow` when script code would have to run).
#[inline(always)]
pub fn fast_value(rt: &mut Runtime, f: &Frame, e: &'static Expr) -> PyResult {
    match &e.kind {
        ExprKind::Local(i) => {
            if let Some(v) = &f.locals[*i as usize] {
                return Ok(v.clone());
            }
        }
        ExprKind::Const(v) => return Ok(v.clone()),
        _ => {}
    }
    match quick(rt, f, e) {
        Some(r) => r.map_err(Fail::Raise),
        None => {
            rt.fast = true;
            let r = fast(rt, f, e);
            rt.fast = false;
            r
        }
    }
}

/// [`eval`] past the inline cases: the fast path, else expansion into steps.
#[inline(never)]
fn eval_node(rt: &mut Runtime, f: &mut Frame, e: &'static Expr, then: Step) -> Ev {
    if e.fast {
        match quick(rt, f, e) {
            Some(Ok(v)) => return Ev::Val(v),
            Some(Err(x)) => return Ev::Raise(x),
            None => {}
        }
        if let ExprKind::Binary(l, op, r) = &e.kind {
            return binary_node(rt, f, l, *op, r, e, then);
        }
        rt.fast = true;
        let r = fast(rt, f, e);
        rt.fast = false;
        match r {
            Ok(v) => return Ev::Val(v),
            Err(Fail::Raise(x)) => return Ev::Raise(x),
            Err(Fail::Slow) => {
                f.work.push(then);
                return Ev::Pending(expand(rt, f, e));
            }
        }
    }
    f.work.push(then);
    if let ExprKind::Binary(..) = &e.kind {
        return Ev::Pending(binary_spine(rt, f, e));
    }
    Ev::Pending(expand(rt, f, e))
}

/// Expand a binary node that is not fast (an operand calls or suspends), as `expand`
/// does, with its left spine of such nodes walked in one loop: for `(c + g(x)) % m`
/// the outer node's `Step::BinRight` is pushed and the inner node expanded here, with
/// no trip through `eval`, `eval_node` and `expand` per level.
#[inline(always)]
fn binary_spine(rt: &mut Runtime, f: &mut Frame, mut e: &'static Expr) -> Act {
    loop {
        let ExprKind::Binary(l, op, r) = &e.kind else { unreachable!() };
        if !l.fast {
            if let ExprKind::Binary(..) = &l.kind {
                f.work.push(Step::BinRight(e));
                e = l;
                continue;
            }
        }
        return match eval(rt, f, l, Step::BinRight(e)) {
            Ev::Val(a) => {
                f.push(a);
                binary_right(rt, f, e, *op, r)
            }
            Ev::Pending(a) => a,
            Ev::Raise(x) => Act::Raise(x),
        };
    }
}

/// A fast binary node that [`quick`] did not take: operands by the fast path, then the
/// operator outside it, so a user class's dunder (`a + b` on instances) runs as a
/// frame of this driver instead of the node being expanded and its operands computed
/// again.
fn binary_node(rt: &mut Runtime, f: &mut Frame, l: &'static Expr, op: crate::syntax::ast::BinOp, r: &'static Expr, e: &'static Expr, then: Step) -> Ev {
    // Nested small-int arithmetic on locals and constants, without a value per node.
    if e.int_tree {
        if let Some(z) = super::fast::int_tree(f, e) {
            return Ev::Val(Value::Int(z));
        }
    }
    rt.fast = true;
    let ab = operand(rt, f, l).and_then(|a| Ok((a, operand(rt, f, r)?)));
    rt.fast = false;
    match ab {
        Ok((a, b)) => {
            if let (Value::Int(x), Value::Int(y)) = (&a, &b) {
                if let Some(z) = int_binop(op, *x, *y) {
                    return Ev::Val(Value::Int(z));
                }
            }
            f.work.push(then);
            Ev::Pending(super::post::binary(rt, f, op, a, b, None))
        }
        Err(Fail::Raise(x)) => Ev::Raise(x),
        Err(Fail::Slow) => {
            f.work.push(then);
            Ev::Pending(expand(rt, f, e))
        }
    }
}

/// `Step::Eval`: evaluate and push.
pub fn eval_step(rt: &mut Runtime, f: &mut Frame, e: &'static Expr) -> Act {
    if e.fast {
        rt.fast = true;
        let r = fast(rt, f, e);
        rt.fast = false;
        match r {
            Ok(v) => {
                f.push(v);
                return Act::Next;
            }
            Err(Fail::Raise(x)) => return Act::Raise(x),
            Err(Fail::Slow) => {}
        }
    }
    expand(rt, f, e)
}

#[cold]
#[inline(never)]
pub(super) fn unbound_local(rt: &Runtime, f: &Frame, slot: u32) -> Fail {
    let name = &f.code.varnames[slot as usize];
    Fail::Raise(rt.exc_msg(
        &rt.types.unbound_local_error,
        format!("cannot access local variable '{name}' where it is not associated with a value"),
    ))
}

/// Error for reading an unbound cell.
pub fn unbound_cell(rt: &Runtime, f: &Frame, idx: u32) -> Exc {
    let code = f.code;
    let n = code.cellvars.len();
    if (idx as usize) < n {
        let name = &code.cellvars[idx as usize];
        rt.exc_msg(
            &rt.types.unbound_local_error,
            format!("cannot access local variable '{name}' where it is not associated with a value"),
        )
    } else {
        let name = &code.freevars[idx as usize - n];
        rt.exc_msg(
            &rt.types.name_error,
            format!("cannot access free variable '{name}' where it is not associated with a value in enclosing scope"),
        )
    }
}

/// NameError for a missing global.
pub fn name_error(rt: &Runtime, name: &PyStr) -> Exc {
    rt.exc_msg(&rt.types.name_error, format!("name '{name}' is not defined"))
}

/// Read a global (module namespace, then builtins), using the node's cache: a cache
/// hit here, the lookup in [`load_global_slow`].
#[inline]
pub fn load_global(rt: &Runtime, globals: &Rc<Dict>, g: &GlobalName) -> Result<Value, Exc> {
    {
        let t = globals.borrow();
        let (ver, bver, pos) = g.cache.get();
        if ver == t.version {
            if bver == u32::MAX {
                return Ok(t.entry(pos).value.clone());
            }
            let bt = rt.builtins.borrow();
            if bt.version as u32 == bver {
                if let Some(e) = bt.entry_opt(pos) {
                    return Ok(e.value.clone());
                }
            }
        }
    }
    load_global_slow(rt, globals, g)
}

/// [`load_global`] past a cache miss: look the name up and fill the cache.
#[inline(never)]
fn load_global_slow(rt: &Runtime, globals: &Rc<Dict>, g: &GlobalName) -> Result<Value, Exc> {
    let t = globals.borrow();
    let h = g.name.hash();
    let key = &g.name;
    let eqk = |k: &Value| matches!(k, Value::Str(s) if Rc::ptr_eq(s, key) || s.as_str() == key.as_str());
    if let Some(pos) = t.find(h, eqk) {
        g.cache.set((t.version, u32::MAX, pos));
        return Ok(t.entry(pos).value.clone());
    }
    let bt = rt.builtins.borrow();
    if let Some(pos) = bt.find(h, eqk) {
        g.cache.set((t.version, bt.version as u32, pos));
        return Ok(bt.entry(pos).value.clone());
    }
    Err(name_error(rt, &g.name))
}

pub(super) fn load_name(rt: &Runtime, f: &Frame, name: &Rc<PyStr>) -> Result<Value, Exc> {
    if let Some(ns) = f.ns() {
        if let Some(v) = ns.get_str(name) {
            return Ok(v);
        }
    }
    if let Some(v) = f.globals.get_str(name) {
        return Ok(v);
    }
    if let Some(v) = rt.builtins.get_str(name) {
        return Ok(v);
    }
    Err(name_error(rt, name))
}

/// Format one f-string field: conversion, then `format(value, spec)`.
pub fn format_field(rt: &mut Runtime, v: Value, conv: u8, spec: &str) -> PyResult<String> {
    let v = match conv {
        b'r' => Value::Str(ops::repr::repr(rt, &v)?),
        b's' => Value::Str(ops::repr::to_str(rt, &v)?),
        b'a' => Value::string(crate::builtins::strings::ascii_of(&*ops::repr::repr(rt, &v)?)),
        _ => v,
    };
    if spec.is_empty() {
        if let Value::Str(s) = &v {
            return Ok(s.as_str().to_string());
        }
        if let Value::Int(i) = &v {
            return Ok(i.to_string());
        }
    }
    crate::builtins::format::format_value(rt, &v, spec)
}

/// `a op b` for a comparison operator.
pub fn compare(rt: &mut Runtime, op: CmpOp, a: &Value, b: &Value) -> PyResult {
    match op {
        CmpOp::Is => Ok(Value::Bool(a.is(b))),
        CmpOp::IsNot => Ok(Value::Bool(!a.is(b))),
        CmpOp::In => Ok(Value::Bool(ops::cmp::contains(rt, b, a)?)),
        CmpOp::NotIn => Ok(Value::Bool(!ops::cmp::contains(rt, b, a)?)),
        _ => {
            if let (Value::Int(x), Value::Int(y)) = (a, b) {
                return Ok(Value::Bool(match op {
                    CmpOp::Lt => x < y,
                    CmpOp::LtE => x <= y,
                    CmpOp::Gt => x > y,
                    CmpOp::GtE => x >= y,
                    CmpOp::Eq => x == y,
                    _ => x != y,
                }));
            }
            ops::cmp::compare(rt, op, a, b)
        }
    }
}

/// Turn an operation result into an act (push the value, or raise).
#[inline]
pub fn done(f: &mut Frame, r: PyResult) -> Act {
    match r {
        Ok(v) => {
            f.push(v);
            Act::Next
        }
        Err(e) => Act::Raise(ops::expect_raise(e)),
    }
}

/// The `i`-th child of a node evaluated in order before applying it.
fn child(e: &'static Expr, i: usize) -> Option<&'static Expr> {
    match &e.kind {
        ExprKind::Unary(_, x) | ExprKind::Attr(x, ..) | ExprKind::Starred(x) => (i == 0).then_some(&**x),
        ExprKind::Binary(l, _, r) => match i {
            0 => Some(l),
            1 => Some(r),
            _ => None,
        },
        ExprKind::Subscript(b) => match i {
            0 => Some(&b.0),
            1 => Some(&b.1),
            _ => None,
        },
        ExprKind::Tuple(items, _) | ExprKind::List(items, _) | ExprKind::Set(items, _) => items.get(i),
        ExprKind::FString(parts) => fstring_child(parts, i),
        ExprKind::Slice(parts) => parts.iter().flatten().nth(i),
        _ => None,
    }
}

/// Value expressions of an f-string in order (fields and their nested spec fields).
fn fstring_child(parts: &'static [FPartX], i: usize) -> Option<&'static Expr> {
    let mut k = 0;
    fn walk(parts: &'static [FPartX], want: usize, k: &mut usize) -> Option<&'static Expr> {
        for p in parts {
            if let FPartX::Field { value, spec, .. } = p {
                if *k == want {
                    return Some(value);
                }
                *k += 1;
                if let Some(s) = spec {
                    if let Some(x) = walk(s, want, k) {
                        return Some(x);
                    }
                }
            }
        }
        None
    }
    walk(parts, i, &mut k)
}

/// Evaluate children of a generic node from index `i`, then apply it.
fn children_from(rt: &mut Runtime, f: &mut Frame, e: &'static Expr, mut i: usize) -> Act {
    while let Some(c) = child(e, i) {
        match eval(rt, f, c, Step::Cont(e, i as u32 + 1)) {
            Ev::Val(v) => {
                // `eval` did not push the continuation: keep going here.
                f.push(v);
                i += 1;
            }
            Ev::Pending(a) => return a,
            Ev::Raise(x) => return Act::Raise(x),
        }
    }
    apply(rt, f, e, i)
}

/// Evaluate a node step by step.
pub fn expand(rt: &mut Runtime, f: &mut Frame, e: &'static Expr) -> Act {
    match &e.kind {
        ExprKind::Const(_)
        | ExprKind::Local(_)
        | ExprKind::Cell(_)
        | ExprKind::Global(_)
        | ExprKind::Name(_)
        | ExprKind::ClassDeref(..) => {
            let r = fast(rt, f, e);
            done(f, r)
        }
        ExprKind::Compare(l, _) => match eval(rt, f, l, Step::Cont(e, 1)) {
            Ev::Val(v) => {
                f.push(v);
                cont(rt, f, e, 1)
            }
            Ev::Pending(a) => a,
            Ev::Raise(x) => Act::Raise(x),
        },
        ExprKind::And(items) | ExprKind::Or(items) => match eval(rt, f, &items[0], Step::Cont(e, 1)) {
            Ev::Val(v) => {
                f.push(v);
                cont(rt, f, e, 1)
            }
            Ev::Pending(a) => a,
            Ev::Raise(x) => Act::Raise(x),
        },
        ExprKind::IfExp(b) => match eval(rt, f, &b.0, Step::Cont(e, 1)) {
            Ev::Val(v) => {
                f.push(v);
                cont(rt, f, e, 1)
            }
            Ev::Pending(a) => a,
            Ev::Raise(x) => Act::Raise(x),
        },
        ExprKind::Binary(l, op, r) => match eval(rt, f, l, Step::BinRight(e)) {
            Ev::Val(a) => {
                f.push(a);
                binary_right(rt, f, e, *op, r)
            }
            Ev::Pending(a) => a,
            Ev::Raise(x) => Act::Raise(x),
        },
        ExprKind::Dict(_) => super::display::dict_start(rt, f, e),
        ExprKind::Call(c) => call::call_start(rt, f, e, c),
        ExprKind::Lambda(def) => define::lambda(rt, f, e, def, 0),
        ExprKind::Comp(c) => define::comprehension(rt, f, e, c, 0),
        ExprKind::Named(b) => match eval(rt, f, &b.1, Step::Cont(e, 1)) {
            Ev::Val(v) => {
                f.push(v);
                cont(rt, f, e, 1)
            }
            Ev::Pending(a) => a,
            Ev::Raise(x) => Act::Raise(x),
        },
        ExprKind::Await(_) | ExprKind::Yield(_) | ExprKind::YieldFrom(_) => suspend::expr(rt, f, e, 0),
        ExprKind::Tuple(_, true) | ExprKind::List(_, true) | ExprKind::Set(_, true) => super::display::starred(rt, f, e, 0),
        _ => children_from(rt, f, e, 0),
    }
}

/// A binary node stepped with its left operand on the stack: the right operand, then
/// the operator (at `Step::BinApply` with both on the stack if the right one is pending).
#[inline]
fn binary_right(rt: &mut Runtime, f: &mut Frame, e: &'static Expr, op: crate::syntax::ast::BinOp, r: &'static Expr) -> Act {
    match eval(rt, f, r, Step::BinApply(e)) {
        Ev::Val(b) => {
            let a = f.pop();
            super::post::binary(rt, f, op, a, b, None)
        }
        Ev::Pending(x) => x,
        Ev::Raise(x) => Act::Raise(x),
    }
}

/// `Step::BinRight`: binary node `e`'s left operand is on the stack.
pub fn bin_right(rt: &mut Runtime, f: &mut Frame, e: &'static Expr) -> Act {
    let ExprKind::Binary(_, op, r) = &e.kind else { unreachable!("BinRight on a node that is not binary") };
    binary_right(rt, f, e, *op, r)
}

/// `Step::BinApply`: both operands of binary node `e` are on the stack.
pub fn bin_apply(rt: &mut Runtime, f: &mut Frame, e: &'static Expr) -> Act {
    let ExprKind::Binary(_, op, _) = &e.kind else { unreachable!("BinApply on a node that is not binary") };
    let b = f.pop();
    let a = f.pop();
    if let (Value::Int(x), Value::Int(y)) = (&a, &b) {
        if let Some(z) = int_binop(*op, *x, *y) {
            // `return x + g(b)`: returned at once.
            return match super::machine::tail_return(f, Value::Int(z)) {
                Some(v) => Act::Return(v),
                None => Act::Next,
            };
        }
    }
    super::post::binary(rt, f, *op, a, b, None)
}

/// Whether CPython's compiler folds this expression to a constant (literals, unary
/// `-`/`+`/`~` and binary operators on them, tuples of them): set displays of such
/// elements are built from a frozenset constant, which changes their order.
pub fn folds_to_constant(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Const(_) => true,
        ExprKind::Unary(op, x) => *op != UnaryOp::Not && folds_to_constant(x),
        ExprKind::Binary(l, _, r) => folds_to_constant(l) && folds_to_constant(r),
        ExprKind::Tuple(items, false) => items.iter().all(folds_to_constant),
        _ => false,
    }
}

/// Apply a generic node whose `n` children are on the stack.
fn apply(rt: &mut Runtime, f: &mut Frame, e: &'static Expr, n: usize) -> Act {
    let base = f.stack.len() - n;
    let r = match &e.kind {
        ExprKind::Unary(op, _) => {
            let v = f.pop();
            if *op == UnaryOp::Not {
                return super::post::not(rt, f, v);
            }
            if let Value::Inst(_) = &v {
                let name = match op {
                    UnaryOp::Neg => "__neg__",
                    UnaryOp::Pos => "__pos__",
                    _ => "__invert__",
                };
                if let Some(a) = super::post::special_call(rt, f, name, &[v.clone()], None) {
                    return a;
                }
            }
            ops::num::unary(rt, *op, &v)
        }
        ExprKind::Binary(_, op, _) => {
            let b = f.pop();
            let a = f.pop();
            return super::post::binary(rt, f, *op, a, b, None);
        }
        ExprKind::Attr(_, name, site) => {
            let v = f.pop();
            if let Value::Inst(i) = &v {
                if let Some(r) = site.get(i, name) {
                    f.push(r);
                    return Act::Next;
                }
            }
            if let Value::Obj(_) = &v {
                match crate::builtins::generators::running_frame_attr(&v, f, name) {
                    Some(Ok(r)) => return done(f, Ok(r)),
                    Some(Err(g)) => return Act::FrameAttr(g, name.clone()),
                    None => {}
                }
            } else if let Some(get) = ops::attr::property_getter(rt, &v, name) {
                return super::post::call_then(rt, f, &get, &[v], None);
            }
            ops::attr::getattr_at(rt, &v, name, site)
        }
        ExprKind::Subscript(_) => {
            let k = f.pop();
            let v = f.pop();
            if let Value::Inst(_) = &v {
                if let Some(a) = super::post::special_call(rt, f, "__getitem__", &[v.clone(), k.clone()], None) {
                    return a;
                }
            }
            ops::item::getitem(rt, &v, &k)
        }
        ExprKind::Slice(parts) => {
            let mut got = f.stack.split_off(base).into_iter();
            let mut bound = |p: &Option<Expr>| if p.is_some() { got.next().unwrap_or(Value::None) } else { Value::None };
            let (start, stop, step) = (bound(&parts[0]), bound(&parts[1]), bound(&parts[2]));
            Ok(Value::Slice(Rc::new(crate::runtime::range::SliceObj { start, stop, step })))
        }
        ExprKind::Tuple(..) => Ok(Value::tuple(f.stack.split_off(base))),
        ExprKind::List(..) => Ok(Value::list(f.stack.split_off(base))),
        ExprKind::Set(xs, _) => {
            let items = f.stack.split_off(base);
            crate::builtins::sets::set_display(rt, items, xs.iter().all(folds_to_constant))
        }
        ExprKind::FString(parts) => {
            let vals = f.stack.split_off(base);
            let mut it = vals.into_iter();
            let mut out = String::new();
            match fstring_apply(rt, parts, &mut it, &mut out) {
                Ok(()) => Ok(Value::string(out)),
                Err(x) => Err(x),
            }
        }
        _ => Err(Fail::Raise(rt.exc_msg(&rt.types.runtime_error, "internal error: no apply for node"))),
    };
    done(f, r)
}

fn fstring_apply(rt: &mut Runtime, parts: &'static [FPartX], vals: &mut std::vec::IntoIter<Value>, out: &mut String) -> PyResult<()> {
    for p in parts {
        match p {
            FPartX::Text(t) => out.push_str(t.as_str()),
            FPartX::Field { conv, spec, .. } => {
                let v = vals.next().unwrap_or(Value::None);
                let spec_s = match spec {
                    Some(sp) => {
                        let mut s = String::new();
                        fstring_apply(rt, sp, vals, &mut s)?;
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

/// State bit of a comparison chain: the comparison at the state's index has been
/// computed by a user dunder, whose result is on the stack.
const COMPARED: usize = 1 << 30;

/// After comparison `st / 2 - 1` of a chain of `n` gave `res` (`b` its right operand):
/// the chain's value, or on to the next comparison with `b` as its left operand.
fn compared(rt: &mut Runtime, f: &mut Frame, e: &'static Expr, n: usize, st: usize, b: Value, res: Value) -> Act {
    if st / 2 == n {
        f.push(res);
        return Act::Next;
    }
    match ops::cmp::truthy(rt, &res) {
        Ok(false) => {
            f.push(res);
            Act::Next
        }
        Ok(true) => {
            f.push(b);
            cont(rt, f, e, st as u32 + 1)
        }
        Err(x) => Act::Raise(ops::expect_raise(x)),
    }
}

/// Continue an expression at state `st`.
pub fn cont(rt: &mut Runtime, f: &mut Frame, e: &'static Expr, st: u32) -> Act {
    match &e.kind {
        ExprKind::Compare(_, rest) => {
            let st = st as usize;
            if st % 2 == 1 {
                // Left operand on the stack: evaluate right operand (st-1)/2.
                let i = (st - 1) / 2;
                match eval(rt, f, &rest[i].1, Step::Cont(e, st as u32 + 1)) {
                    Ev::Val(v) => {
                        f.push(v);
                        cont(rt, f, e, st as u32 + 1)
                    }
                    Ev::Pending(a) => a,
                    Ev::Raise(x) => Act::Raise(x),
                }
            } else if st & COMPARED != 0 {
                // A user dunder's result is on the stack, the right operand below it.
                let res = f.pop();
                let b = f.pop();
                compared(rt, f, e, rest.len(), st & !COMPARED, b, res)
            } else {
                let i = st / 2 - 1;
                let b = f.pop();
                let a = f.pop();
                let op = rest[i].0;
                if matches!(a, Value::Inst(_)) || matches!(b, Value::Inst(_)) {
                    // Dunders run as frames; the result comes back at `st | COMPARED`.
                    match op {
                        CmpOp::Is | CmpOp::IsNot => {}
                        CmpOp::In | CmpOp::NotIn => {
                            if let Value::Inst(_) = &b {
                                if let Some(m) = ops::attr::lookup_special(rt, &b, "__contains__") {
                                    f.push(b.clone());
                                    f.work.push(Step::Cont(e, (st | COMPARED) as u32));
                                    let then = super::step::Post::Contains(op == CmpOp::NotIn);
                                    return super::post::call_then(rt, f, &m, &[b, a], Some(then));
                                }
                            }
                        }
                        _ => {
                            f.push(b.clone());
                            f.work.push(Step::Cont(e, (st | COMPARED) as u32));
                            return super::post::compare_user(rt, f, op, a, b, 0);
                        }
                    }
                }
                let res = match compare(rt, op, &a, &b) {
                    Ok(r) => r,
                    Err(x) => return Act::Raise(ops::expect_raise(x)),
                };
                compared(rt, f, e, rest.len(), st, b, res)
            }
        }
        ExprKind::And(items) | ExprKind::Or(items) => {
            let is_and = matches!(e.kind, ExprKind::And(_));
            let i = st as usize;
            let v = f.pop();
            if i == items.len() {
                f.push(v);
                return Act::Next;
            }
            let t = match ops::cmp::truthy(rt, &v) {
                Ok(t) => t,
                Err(x) => return Act::Raise(ops::expect_raise(x)),
            };
            if t != is_and {
                f.push(v);
                return Act::Next;
            }
            match eval(rt, f, &items[i], Step::Cont(e, st + 1)) {
                Ev::Val(v) => {
                    f.push(v);
                    cont(rt, f, e, st + 1)
                }
                Ev::Pending(a) => a,
                Ev::Raise(x) => Act::Raise(x),
            }
        }
        ExprKind::IfExp(b) => {
            if st == 2 {
                return Act::Next;
            }
            let c = f.pop();
            let t = match ops::cmp::truthy(rt, &c) {
                Ok(t) => t,
                Err(x) => return Act::Raise(ops::expect_raise(x)),
            };
            let branch = if t { &b.1 } else { &b.2 };
            match eval(rt, f, branch, Step::Cont(e, 2)) {
                Ev::Val(v) => {
                    f.push(v);
                    Act::Next
                }
                Ev::Pending(a) => a,
                Ev::Raise(x) => Act::Raise(x),
            }
        }
        ExprKind::Named(b) => {
            let v = f.stack.last().cloned().unwrap_or(Value::None);
            store::store(rt, f, &b.0, v)
        }
        ExprKind::Dict(_) if st >= 100_000 => super::display::dict_key_done(rt, f, e, st - 100_000),
        ExprKind::Dict(_) => super::display::dict_cont(rt, f, e, st),
        ExprKind::Call(c) => call::call_cont(rt, f, e, c, st),
        ExprKind::Lambda(def) => define::lambda(rt, f, e, def, st),
        ExprKind::Comp(c) => define::comprehension(rt, f, e, c, st),
        ExprKind::Await(_) | ExprKind::Yield(_) | ExprKind::YieldFrom(_) => suspend::expr(rt, f, e, st),
        ExprKind::Tuple(_, true) | ExprKind::List(_, true) | ExprKind::Set(_, true) => super::display::starred(rt, f, e, st),
        _ => children_from(rt, f, e, st as usize),
    }
}
