//! Statements: one step of a frame's work, and the statement kinds with their
//! continuation states.

use super::expr::{self, Ev};
use super::frame::{Completion, Frame};
use super::ir::*;
use super::machine::Act;
use super::step::Step;
use super::{call, iterate, store, unwind};
use crate::ops::{self, Fail};
use crate::runtime::value::Value;
use crate::runtime::Runtime;

/// Run the next step of a frame (inlined into the driver loops: `machine::drive` and
/// the one `machine::yield_` runs for the frame below a yield).
#[inline(always)]
pub fn step(rt: &mut Runtime, f: &mut Frame) -> Act {
    let Some(s) = f.work.pop() else {
        // Fell off the end of the body.
        let v = match f.code.kind {
            CodeKind::Class => Value::Dict(f.ns().unwrap().clone()),
            _ => Value::None,
        };
        return Act::Return(v);
    };
    match s {
        Step::Block(b, i) => block::<true>(rt, f, b, i as usize),
        Step::Stmt(s, st) => stmt_cont(rt, f, s, st),
        Step::Eval(e) => expr::eval_step(rt, f, e),
        Step::EvalSlow(e) => expr::expand(rt, f, e),
        Step::Cont(e, st) => expr::cont(rt, f, e, st),
        Step::BinRight(e) => expr::bin_right(rt, f, e),
        Step::BinApply(e) => expr::bin_apply(rt, f, e),
        Step::Return => {
            let v = f.pop();
            unwind::ret(rt, f, v)
        }
        Step::Store(t) => {
            let v = f.pop();
            store::store(rt, f, t, v)
        }
        Step::StoreCont(t, st) => store::store_cont(rt, f, t, st),
        Step::Pop => {
            f.pop();
            Act::Next
        }
        Step::Post(p) => super::post::post(rt, f, p),
        Step::ForIter(s, h) => for_next(rt, f, s, h),
        Step::While(s, h) => while_test(rt, f, s, h),
        Step::Handler(s, _) => {
            // The try body finished normally: run `else`.
            if let StmtKind::Try(t) = &s.kind {
                push_block(f, &t.orelse);
            }
            Act::Next
        }
        Step::Finally(s, _) => {
            if let StmtKind::Try(t) = &s.kind {
                f.push_pending(Completion::Normal);
                f.work.push(Step::EndFinally);
                push_block(f, &t.finalbody);
            }
            Act::Next
        }
        Step::EndFinally => match f.pop_pending() {
            Some(Completion::Normal) | None => Act::Next,
            Some(c) => unwind::resume(rt, f, c),
        },
        Step::ExceptBody(k) => {
            rt.handled.truncate(f.handled_base() + k as usize);
            Act::Next
        }
        Step::WithExit(s, h) => super::with::normal_exit(rt, f, s, h),
        Step::WithDone(_) => {
            f.pop();
            Act::Next
        }
        Step::Delegate => super::suspend::delegate(rt, f),
        Step::AsyncForEnd(..) => Act::Next,
    }
}

/// Push a block's first statement (nothing for an empty block).
#[inline]
pub fn push_block(f: &mut Frame, b: &'static Block) {
    if !b.is_empty() {
        f.work.push(Step::Block(b, 0));
    }
}

/// Run statement `i` of a block, leaving the rest for later. `POPPED`: the caller
/// has just popped this block's step off the work stack, so the rest goes back into
/// the slot it freed without a capacity test.
#[inline(always)]
fn block<const POPPED: bool>(rt: &mut Runtime, f: &mut Frame, b: &'static Block, i: usize) -> Act {
    let stmts = &b.0;
    if i + 1 < stmts.len() {
        if POPPED {
            // SAFETY: `step` popped `Step::Block(b, i)` and pushed nothing since.
            unsafe { f.work.push_popped(Step::Block(b, i as u32 + 1)) };
        } else {
            f.work.push(Step::Block(b, i as u32 + 1));
        }
    }
    let s = &stmts[i];
    if s.quick_test {
        return quick_stmt(rt, f, s);
    }
    exec(rt, f, s)
}

/// Enter a block chosen by a test (`if`, `while`): its first statement runs now, without
/// a trip through the driver loop, unless a dropped generator waits to be finalized
/// (that runs between steps, before the next statement, as in CPython). The Rust
/// recursion this makes is bounded by the nesting of the source's blocks. Inline at
/// each site (as an out-of-line function it cost comp and loops ~2%).
#[inline(always)]
fn enter_block(rt: &mut Runtime, f: &mut Frame, b: &'static Block) -> Act {
    if b.is_empty() {
        return Act::Next;
    }
    if super::finalize::pending() {
        f.work.push(Step::Block(b, 0));
        return Act::Next;
    }
    block::<false>(rt, f, b, 0)
}

/// Start a statement. The commonest kinds are here; the others in [`exec_rare`], so
/// this function's entry and exit stay small.
pub fn exec(rt: &mut Runtime, f: &mut Frame, s: &'static Stmt) -> Act {
    f.line = s.line;
    if let Err(e) = crate::limits::tick(rt) {
        return Act::Raise(e);
    }
    match &s.kind {
        StmtKind::Expr(e) => {
            if let ExprKind::Yield(_) = &e.kind {
                return super::suspend::yield_now(rt, f, e, Step::Pop);
            }
            match expr::eval(rt, f, e, Step::Pop) {
                Ev::Val(_) => Act::Next,
                Ev::Pending(a) => a,
                Ev::Raise(x) => Act::Raise(x),
            }
        }
        StmtKind::Assign(t, e) if matches!(e.kind, ExprKind::Yield(_)) => super::suspend::yield_now(rt, f, e, Step::Store(t)),
        StmtKind::Assign(t, e) => match expr::eval(rt, f, e, Step::Store(t)) {
            // A local target inline (as `store` stores it), the others through `store`.
            Ev::Val(v) => match t {
                Target::Local(i) => {
                    expr::drop_value(std::mem::replace(&mut f.locals[*i as usize], Some(v)));
                    Act::Next
                }
                _ => store::store(rt, f, t, v),
            },
            Ev::Pending(a) => a,
            Ev::Raise(x) => Act::Raise(x),
        },
        StmtKind::AugAssign(t, op, value) => {
            // `i += 1`, `j += i`: a small int in a local with a small-int local or
            // constant operand and a small-int result is updated in place here (as
            // `augassign` would first do); anything else is `augassign`.
            if let (Target::Local(i), Some(Value::Int(b))) = (t, expr::peek(f, value)) {
                let b = *b;
                if let Some(Value::Int(a)) = &mut f.locals[*i as usize] {
                    if let Some(z) = expr::int_binop(*op, *a, b) {
                        *a = z;
                        return Act::Next;
                    }
                }
            }
            store::augassign(rt, f, s, 0)
        }
        StmtKind::Pass => Act::Next,
        StmtKind::Break => unwind::resume(rt, f, Completion::Break),
        StmtKind::Continue => unwind::resume(rt, f, Completion::Continue),
        StmtKind::Return(None) => unwind::ret(rt, f, Value::None),
        StmtKind::Return(Some(e)) => match expr::eval(rt, f, e, Step::Return) {
            Ev::Val(v) => unwind::ret(rt, f, v),
            Ev::Pending(a) => a,
            Ev::Raise(x) => Act::Raise(x),
        },
        StmtKind::If(test, body, orelse) => match expr::eval(rt, f, test, Step::Stmt(s, 1)) {
            Ev::Val(Value::Bool(b)) => enter_block(rt, f, if b { body } else { orelse }),
            Ev::Val(v) => if_value(rt, f, s, v),
            Ev::Pending(a) => a,
            Ev::Raise(x) => Act::Raise(x),
        },
        StmtKind::While(..) => {
            let h = f.stack.len() as u32;
            while_test(rt, f, s, h)
        }
        StmtKind::For(fx) => match expr::eval(rt, f, &fx.iter, Step::Stmt(s, 1)) {
            Ev::Val(v) => {
                f.push(v);
                stmt_cont(rt, f, s, 1)
            }
            Ev::Pending(a) => a,
            Ev::Raise(x) => Act::Raise(x),
        },
        StmtKind::Try(t) => {
            let h = f.stack.len() as u32;
            if !t.finalbody.is_empty() {
                f.work.push(Step::Finally(s, h));
            }
            if !t.handlers.is_empty() {
                f.work.push(Step::Handler(s, h));
            }
            push_block(f, &t.body);
            Act::Next
        }
        StmtKind::CompAppend(slot, e, v) => {
            if let Some(v) = v {
                if e.fast && v.fast {
                    if let Some(a) = comp_item_now(rt, f, *slot, e, v) {
                        return a;
                    }
                }
                f.work.push(Step::Stmt(s, 1));
                f.work.push(Step::Eval(v));
                f.work.push(Step::Eval(e));
                return Act::Next;
            }
            match expr::eval(rt, f, e, Step::Stmt(s, 1)) {
                Ev::Val(v) => comp_append(rt, f, *slot, v, None),
                Ev::Pending(a) => a,
                Ev::Raise(x) => Act::Raise(x),
            }
        }
        StmtKind::Raise(..) => super::raise::raise_stmt(rt, f, s, 0),
        StmtKind::With(_) => super::with::start(rt, f, s, 0),
        _ => exec_rare(rt, f, s),
    }
}

/// Start an `if` or `while` whose test has one of [`quick_test`]'s shapes, or an
/// assignment of small-int arithmetic to a local ([`int_assign`]) (`Stmt::quick_test`),
/// as [`exec`] starts the others: a function of its own, entered from [`block`]
/// without `exec`'s larger entry and exit.
#[inline(never)]
fn quick_stmt(rt: &mut Runtime, f: &mut Frame, s: &'static Stmt) -> Act {
    f.line = s.line;
    if let Err(e) = crate::limits::tick(rt) {
        return Act::Raise(e);
    }
    match &s.kind {
        StmtKind::If(..) => if_quick(rt, f, s),
        StmtKind::While(..) => {
            let h = f.stack.len() as u32;
            while_test(rt, f, s, h)
        }
        _ => int_assign(rt, f, s),
    }
}

/// `x = e` or `x op= e` of a local `x` whose value `e` is small-int arithmetic on
/// locals and constants (`total = (total + step + got) % m`, `acc += a * b + c`;
/// `Stmt::quick_test`): computed by `fast::int_tree` and stored in place when the
/// operands and results are small ints, else as [`exec`] runs the statement.
#[inline(never)]
fn int_assign(rt: &mut Runtime, f: &mut Frame, s: &'static Stmt) -> Act {
    match &s.kind {
        StmtKind::Assign(t, e) => {
            let Target::Local(i) = t else { unreachable!() };
            match super::fast::int_tree(f, e) {
                Some(z) => {
                    expr::drop_value(std::mem::replace(&mut f.locals[*i as usize], Some(Value::Int(z))));
                    Act::Next
                }
                None => assign_general(rt, f, t, e),
            }
        }
        StmtKind::AugAssign(Target::Local(i), op, value) => {
            if let (Some(b), Some(Value::Int(a))) = (super::fast::int_tree(f, value), &mut f.locals[*i as usize]) {
                if let Some(z) = expr::int_binop(*op, *a, b) {
                    *a = z;
                    return Act::Next;
                }
            }
            store::augassign(rt, f, s, 0)
        }
        _ => unreachable!("int_assign on another statement"),
    }
}

/// `t = e` as [`exec`] runs it, for [`int_assign`] when the values are not small ints.
#[inline(never)]
fn assign_general(rt: &mut Runtime, f: &mut Frame, t: &'static Target, e: &'static Expr) -> Act {
    match expr::eval(rt, f, e, Step::Store(t)) {
        Ev::Val(v) => store::store(rt, f, t, v),
        Ev::Pending(a) => a,
        Ev::Raise(x) => Act::Raise(x),
    }
}

/// An `if` statement whose test has one of [`quick_test`]'s shapes (`Stmt::quick_test`):
/// the test in place when its values allow, then the chosen block's first statement.
#[inline(always)]
fn if_quick(rt: &mut Runtime, f: &mut Frame, s: &'static Stmt) -> Act {
    let StmtKind::If(test, body, orelse) = &s.kind else { unreachable!() };
    let t = match quick_test(f, test) {
        Some(t) => t,
        None => match expr::eval(rt, f, test, Step::Stmt(s, 1)) {
            Ev::Val(Value::Bool(b)) => b,
            Ev::Val(v) => return if_value(rt, f, s, v),
            Ev::Pending(a) => return a,
            Ev::Raise(x) => return Act::Raise(x),
        },
    };
    enter_block(rt, f, if t { body } else { orelse })
}

/// The truth value of an `if`/`while` test in its commonest shapes (those
/// `ir::Stmt::quick_test` marks at lowering), computed in place without entering the
/// expression evaluator. None for anything else, with nothing computed: the test is
/// then evaluated the general way (which raises any error). The commonest two shapes
/// inline: one comparison of two small ints that are locals or constants, `a[i]` of a
/// local list; the others (see [`quick_rest`]) out of line.
#[inline(always)]
pub(super) fn quick_test(f: &Frame, e: &'static Expr) -> Option<bool> {
    match &e.kind {
        ExprKind::Compare(l, rest) if rest.len() == 1 => match (expr::peek(f, l), expr::peek(f, &rest[0].1)) {
            (Some(Value::Int(x)), Some(Value::Int(y))) => expr::int_compare(rest[0].0, *x, *y),
            _ => quick_rest(f, e),
        },
        ExprKind::Subscript(_) => quick_atom(f, e),
        _ => quick_rest(f, e),
    }
}

/// [`quick_test`] past its inline shapes: a [`quick_atom`], `not` of one, or
/// `and`/`or` of them. The shapes read locals and constants only, so giving up after
/// part of an `and`/`or` was computed has no effect to undo.
#[inline(never)]
fn quick_rest(f: &Frame, e: &'static Expr) -> Option<bool> {
    match &e.kind {
        ExprKind::Unary(crate::syntax::ast::UnaryOp::Not, x) => quick_atom(f, x).map(|t| !t),
        ExprKind::And(items) => {
            for x in items.iter() {
                if !quick_atom(f, x)? {
                    return Some(false);
                }
            }
            Some(true)
        }
        ExprKind::Or(items) => {
            for x in items.iter() {
                if quick_atom(f, x)? {
                    return Some(true);
                }
            }
            Some(false)
        }
        _ => quick_atom(f, e),
    }
}

/// One test of [`quick_test`]: a comparison of two small ints (each a local, a
/// constant or a small-int operator on two of them: `i % 3 == 0`), `x is None` /
/// `x is not None`, `a[i]` of a local list at a local or constant index in range whose
/// item is a bool, a small int, None or a list, a local or constant of those kinds,
/// or a small-int operator on two locals/constants (`x & 1`).
#[inline(always)]
fn quick_atom(f: &Frame, e: &'static Expr) -> Option<bool> {
    match &e.kind {
        ExprKind::Compare(l, rest) if rest.len() == 1 => match rest[0].0 {
            crate::syntax::ast::CmpOp::Is => expr::peek(f, l).map(|v| matches!(v, Value::None)),
            crate::syntax::ast::CmpOp::IsNot => expr::peek(f, l).map(|v| !matches!(v, Value::None)),
            op => expr::int_compare(op, quick_int(f, l)?, quick_int(f, &rest[0].1)?),
        },
        ExprKind::Subscript(b) => {
            let ExprKind::Local(a) = &b.0.kind else { return None };
            let (Some(Value::List(l)), Some(Value::Int(i))) = (&f.locals[*a as usize], expr::peek(f, &b.1)) else {
                return None;
            };
            let items = l.borrow();
            let n = items.len() as i64;
            let j = if *i < 0 { i + n } else { *i };
            if j < 0 || j >= n {
                return None;
            }
            simple_truth(&items[j as usize])
        }
        ExprKind::Binary(..) => quick_int(f, e).map(|x| x != 0),
        _ => simple_truth(expr::peek(f, e)?),
    }
}

/// A small-int operand of [`quick_atom`]: a local or constant, or a small-int
/// operator on two of them (None if not a small int, unbound, or the result is not one).
#[inline(always)]
fn quick_int(f: &Frame, e: &'static Expr) -> Option<i64> {
    match &e.kind {
        ExprKind::Binary(l, op, r) => match (expr::peek(f, l), expr::peek(f, r)) {
            (Some(Value::Int(x)), Some(Value::Int(y))) => expr::int_binop(*op, *x, *y),
            _ => None,
        },
        _ => match expr::peek(f, e) {
            Some(Value::Int(x)) => Some(*x),
            _ => None,
        },
    }
}

/// The truth value of a bool, a small int, None or a list (None for other kinds).
#[inline(always)]
fn simple_truth(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(t) => Some(*t),
        Value::Int(x) => Some(*x != 0),
        Value::None => Some(false),
        Value::List(l) => Some(!l.borrow().is_empty()),
        _ => None,
    }
}

/// An `if` whose test gave a value that is not a bool: its truth value, then the branch.
#[inline(never)]
fn if_value(rt: &mut Runtime, f: &mut Frame, s: &'static Stmt, v: Value) -> Act {
    let StmtKind::If(_, body, orelse) = &s.kind else { unreachable!() };
    match truthy_now(rt, f, &v, s, 2) {
        Truth::Now(t) => {
            drop(v);
            enter_block(rt, f, if t { body } else { orelse })
        }
        Truth::Raise(x) => Act::Raise(x),
        Truth::Later(a) => a,
    }
}

/// [`exec`] for the statement kinds that are rarely run in a loop.
#[inline(never)]
fn exec_rare(rt: &mut Runtime, f: &mut Frame, s: &'static Stmt) -> Act {
    match &s.kind {
        StmtKind::AssignMany(_, e) => match expr::eval(rt, f, e, Step::Stmt(s, 1)) {
            Ev::Val(v) => {
                f.push(v);
                stmt_cont(rt, f, s, 1)
            }
            Ev::Pending(a) => a,
            Ev::Raise(x) => Act::Raise(x),
        },
        StmtKind::Del(ts) => {
            for t in ts.iter().rev() {
                f.work.push(Step::StoreCont(t, store::DEL));
            }
            Act::Next
        }
        StmtKind::Assert(test, _) => match expr::eval(rt, f, test, Step::Stmt(s, 1)) {
            Ev::Val(v) => {
                f.push(v);
                stmt_cont(rt, f, s, 1)
            }
            Ev::Pending(a) => a,
            Ev::Raise(x) => Act::Raise(x),
        },
        StmtKind::FuncDef(..) => super::define::func_def(rt, f, s, 0),
        StmtKind::ClassDef(..) => super::define::class_def(rt, f, s, 0),
        StmtKind::Import(name, t) => match crate::builtins::modules::import(rt, name.as_str()) {
            Ok(m) => store::store(rt, f, t, m),
            Err(x) => Act::Raise(x),
        },
        StmtKind::ImportFrom(name, items) => {
            let m = match crate::builtins::modules::import(rt, name.as_str()) {
                Ok(m) => m,
                Err(x) => return Act::Raise(x),
            };
            for (n, _) in items.iter().rev() {
                let v = match ops::attr::getattr(rt, &m, n) {
                    Ok(v) => v,
                    Err(Fail::Raise(_)) => {
                        let e = rt.exc_named(
                            "ImportError",
                            format!("cannot import name '{n}' from '{name}' (unknown location)"),
                        );
                        return Act::Raise(e);
                    }
                    Err(Fail::Slow) => unreachable!(),
                };
                f.push(v);
            }
            // The first name's value is on top, so its store must run first.
            for (_, t) in items.iter().rev() {
                f.work.push(Step::Store(t));
            }
            Act::Next
        }
        StmtKind::Display(e) => match expr::eval(rt, f, e, Step::Stmt(s, 1)) {
            Ev::Val(v) => display(rt, v),
            Ev::Pending(a) => a,
            Ev::Raise(x) => Act::Raise(x),
        },
        _ => unreachable!("a common statement kind in exec_rare"),
    }
}

/// A truth value, now or later.
pub enum Truth {
    /// Known now.
    Now(bool),
    /// Computing it raised.
    Raise(crate::runtime::class::Exc),
    /// A `__bool__`/`__len__` call was started: return this act; the boolean will be
    /// pushed for `Stmt(s, then)`.
    Later(Act),
}

/// Truth value of `v`, now if no script code is needed; otherwise arrange for
/// `Stmt(s, then)` to receive the boolean on the stack.
pub fn truthy_now(rt: &mut Runtime, f: &mut Frame, v: &Value, s: &'static Stmt, then: u32) -> Truth {
    match v {
        Value::Bool(b) => Truth::Now(*b),
        Value::Inst(_) => {
            f.work.push(Step::Stmt(s, then));
            Truth::Later(super::post::start_truth(rt, f, v.clone()))
        }
        _ => match ops::cmp::truthy(rt, v) {
            Ok(b) => Truth::Now(b),
            Err(e) => Truth::Raise(ops::expect_raise(e)),
        },
    }
}

/// The REPL's display hook: print `repr(v)` unless it is None, and bind `_`.
fn display(rt: &mut Runtime, v: Value) -> Act {
    if v.is_none() {
        return Act::Next;
    }
    let r = match ops::repr::repr(rt, &v) {
        Ok(r) => r,
        Err(e) => return Act::Raise(ops::expect_raise(e)),
    };
    let mut line = r.as_str().to_string();
    line.push('\n');
    if let Err(e) = rt.write_out(&line) {
        return Act::Raise(rt.exc_named("OSError", e.to_string()));
    }
    rt.builtins.set_str(crate::runtime::intern::intern("_"), v);
    Act::Next
}

/// A dict comprehension's `key: value` with both fast nodes: computed now and added
/// (None, with nothing computed, if either needs script code: the steps do it).
fn comp_item_now(rt: &mut Runtime, f: &mut Frame, slot: u32, k: &'static Expr, v: &'static Expr) -> Option<Act> {
    let key = match expr::fast_value(rt, f, k) {
        Ok(x) => x,
        Err(Fail::Raise(x)) => return Some(Act::Raise(x)),
        Err(Fail::Slow) => return None,
    };
    let val = match expr::fast_value(rt, f, v) {
        Ok(x) => x,
        Err(Fail::Raise(x)) => return Some(Act::Raise(x)),
        Err(Fail::Slow) => return None,
    };
    Some(comp_append(rt, f, slot, key, Some(val)))
}

/// Add a comprehension's element (`key` and `val` for a dict) to its result in local
/// `slot`.
pub(super) fn comp_append(rt: &mut Runtime, f: &mut Frame, slot: u32, v: Value, val: Option<Value>) -> Act {
    let r = match (&f.locals[slot as usize], val) {
        (Some(Value::List(l)), None) => {
            l.borrow_mut().push(v);
            Ok(())
        }
        (Some(Value::Set(s)), None) => crate::builtins::sets::set_add(rt, s, v),
        (Some(Value::Dict(d)), Some(val)) => crate::builtins::dicts::dict_set(rt, d, v, val),
        _ => Ok(()),
    };
    match r {
        Ok(()) => Act::Next,
        Err(e) => Act::Raise(ops::expect_raise(e)),
    }
}

/// Continue a statement at state `st` (values it waited for are on the stack).
fn stmt_cont(rt: &mut Runtime, f: &mut Frame, s: &'static Stmt, st: u32) -> Act {
    match &s.kind {
        StmtKind::AssignMany(ts, _) => {
            let v = f.pop();
            for t in ts.iter().rev() {
                f.push(v.clone());
                f.work.push(Step::Store(t));
            }
            Act::Next
        }
        StmtKind::Assert(_, msg) => {
            if st == 1 {
                let v = f.pop();
                match truthy_now(rt, f, &v, s, 2) {
                    Truth::Now(true) => Act::Next,
                    Truth::Now(false) => assert_fail(rt, f, s, msg),
                    Truth::Raise(x) => Act::Raise(x),
                    Truth::Later(a) => a,
                }
            } else if st == 2 {
                match f.pop() {
                    Value::Bool(true) => Act::Next,
                    _ => assert_fail(rt, f, s, msg),
                }
            } else {
                let m = f.pop();
                let e = rt.new_exc(&rt.types.assertion_error, vec![m]);
                Act::Raise(e)
            }
        }
        StmtKind::If(_, body, orelse) => {
            let v = f.pop();
            let t = if st == 2 {
                matches!(v, Value::Bool(true))
            } else {
                match truthy_now(rt, f, &v, s, 2) {
                    Truth::Now(b) => b,
                    Truth::Raise(x) => return Act::Raise(x),
                    Truth::Later(a) => return a,
                }
            };
            drop(v);
            enter_block(rt, f, if t { body } else { orelse })
        }
        StmtKind::While(_, body, orelse) => {
            let v = f.pop();
            let h = f.stack.len() as u32;
            let t = if st == 2 {
                matches!(v, Value::Bool(true))
            } else {
                match truthy_now(rt, f, &v, s, 2) {
                    Truth::Now(b) => b,
                    Truth::Raise(x) => return Act::Raise(x),
                    Truth::Later(a) => return a,
                }
            };
            drop(v);
            if t {
                f.work.push(Step::While(s, h));
                enter_block(rt, f, body)
            } else {
                enter_block(rt, f, orelse)
            }
        }
        StmtKind::For(fx) => match st {
            1 if fx.is_iterator => {
                let h = f.stack.len() as u32 - 1;
                for_next(rt, f, s, h)
            }
            1 => {
                let iterable = f.pop();
                match iterate::start(rt, f, iterable, fx.is_async, Step::Stmt(s, 2)) {
                    iterate::Start::Ready(it) => {
                        f.push(it);
                        let h = f.stack.len() as u32 - 1;
                        for_next(rt, f, s, h)
                    }
                    iterate::Start::Pending(a) => a,
                }
            }
            2 => {
                // An `__iter__`/`__aiter__` call returned: check and start looping.
                let it = f.pop();
                match iterate::check(rt, it, fx.is_async) {
                    Ok(it) => {
                        f.push(it);
                        let h = f.stack.len() as u32 - 1;
                        for_next(rt, f, s, h)
                    }
                    Err(x) => Act::Raise(x),
                }
            }
            _ => {
                // An iteration step delivered an item, or reported exhaustion.
                let h = st - 3;
                if f.take_iter_done() {
                    f.stack.truncate(h as usize);
                    push_block(f, &fx.orelse);
                    return Act::Next;
                }
                let item = f.pop();
                for_body(rt, f, s, fx, h, item)
            }
        },
        StmtKind::Try(_) => super::raise::handler_cont(rt, f, s, st),
        StmtKind::Raise(..) => super::raise::raise_stmt(rt, f, s, st),
        StmtKind::With(_) => super::with::start(rt, f, s, st),
        StmtKind::FuncDef(..) => super::define::func_def(rt, f, s, st),
        StmtKind::ClassDef(..) => super::define::class_def(rt, f, s, st),
        StmtKind::AugAssign(..) => store::augassign(rt, f, s, st),
        StmtKind::Display(_) => {
            let v = f.pop();
            display(rt, v)
        }
        StmtKind::CompAppend(slot, _, val) => {
            if val.is_some() {
                let v = f.pop();
                let k = f.pop();
                comp_append(rt, f, *slot, k, Some(v))
            } else {
                let v = f.pop();
                comp_append(rt, f, *slot, v, None)
            }
        }
        _ => Act::Next,
    }
}

fn assert_fail(rt: &mut Runtime, f: &mut Frame, s: &'static Stmt, msg: &'static Option<Expr>) -> Act {
    match msg {
        None => {
            let e = rt.new_exc(&rt.types.assertion_error, vec![]);
            Act::Raise(e)
        }
        Some(m) => match expr::eval(rt, f, m, Step::Stmt(s, 3)) {
            Ev::Val(v) => {
                let e = rt.new_exc(&rt.types.assertion_error, vec![v]);
                Act::Raise(e)
            }
            Ev::Pending(a) => a,
            Ev::Raise(x) => Act::Raise(x),
        },
    }
}

/// Evaluate a `while` test and enter the body or leave.
fn while_test(rt: &mut Runtime, f: &mut Frame, s: &'static Stmt, h: u32) -> Act {
    let StmtKind::While(test, body, orelse) = &s.kind else { unreachable!() };
    if let Err(e) = crate::limits::tick(rt) {
        return Act::Raise(e);
    }
    let quick = if s.quick_test {
        match &test.kind {
            // `while True:`
            ExprKind::Const(Value::Bool(b)) => Some(*b),
            _ => quick_test(f, test),
        }
    } else {
        None
    };
    let t = match quick {
        Some(t) => t,
        None => match expr::eval(rt, f, test, Step::Stmt(s, 1)) {
            Ev::Val(v) => match &v {
                Value::Bool(b) => *b,
                _ => match truthy_now(rt, f, &v, s, 2) {
                    Truth::Now(b) => b,
                    Truth::Raise(x) => return Act::Raise(x),
                    Truth::Later(a) => return a,
                },
            },
            Ev::Pending(a) => return a,
            Ev::Raise(x) => return Act::Raise(x),
        },
    };
    if t {
        f.work.push(Step::While(s, h));
        enter_block(rt, f, body)
    } else {
        enter_block(rt, f, orelse)
    }
}

/// A `for` loop got `item`: store it into the target and run the body. For a local
/// target, or an unpacking into locals only, the body's first statement starts now (no
/// trip through the driver loop); other targets may need script code, so the body
/// waits below the store's work.
#[inline]
fn for_body(rt: &mut Runtime, f: &mut Frame, s: &'static Stmt, fx: &'static ForX, h: u32, item: Value) -> Act {
    f.work.push(Step::ForIter(s, h));
    match &fx.target {
        Target::Local(i) => {
            // Dropping the old value may queue a generator's finalization: `enter_block`
            // leaves the body to the driver then.
            expr::drop_value(std::mem::replace(&mut f.locals[*i as usize], Some(item)));
            return enter_block(rt, f, &fx.body);
        }
        Target::Unpack(ts, _, true) => {
            return match store::unpack_into_locals(rt, f, ts, item) {
                Ok(()) => enter_block(rt, f, &fx.body),
                Err(e) => Act::Raise(e),
            };
        }
        _ => {}
    }
    push_block(f, &fx.body);
    store::store(rt, f, &fx.target, item)
}

/// The next item of `for` loop `s` (iterator at stack height `h`), whose target is
/// local `i`, came from a generator that yielded it (`machine::yield_`): store it and
/// push the body, whose first statement is the frame's next step. Dropping the old value
/// may queue a generator's finalization: the driver runs it before that step.
#[inline(always)]
pub fn for_item_local(f: &mut Frame, s: &'static Stmt, fx: &'static ForX, h: u32, i: usize, item: Value) {
    f.work.push(Step::ForIter(s, h));
    expr::drop_value(std::mem::replace(&mut f.locals[i], Some(item)));
    push_block(f, &fx.body);
}

/// Advance a `for` loop whose iterator is at stack height `h`.
fn for_next(rt: &mut Runtime, f: &mut Frame, s: &'static Stmt, h: u32) -> Act {
    let StmtKind::For(fx) = &s.kind else { unreachable!() };
    if let Err(e) = crate::limits::tick(rt) {
        return Act::Raise(e);
    }
    if fx.fused {
        if let Some(a) = super::comploop::run(rt, f, s, fx, h) {
            return a;
        }
    }
    if let Value::Iter(it) = &f.stack[h as usize] {
        return match it.next() {
            crate::runtime::iter::IterNext::Item(v) => for_body(rt, f, s, fx, h, v),
            crate::runtime::iter::IterNext::Done => {
                f.stack.truncate(h as usize);
                push_block(f, &fx.orelse);
                Act::Next
            }
            crate::runtime::iter::IterNext::Changed(msg) => {
                let e = rt.exc_msg(&rt.types.runtime_error, msg);
                Act::Raise(e)
            }
        };
    }
    f.work.push(Step::Stmt(s, 3 + h));
    if fx.is_async {
        let it = f.stack[h as usize].clone();
        return iterate::async_next(rt, f, it);
    }
    // A generator is resumed here, without the trip through `next_step`.
    if let Value::Gen(g) = &f.stack[h as usize] {
        if g.kind() == crate::runtime::generator::GenKind::Generator {
            use super::suspend::{resume_frame_borrowed, Resume, ResumeErr};
            // SAFETY: the generator stays on this frame's stack, the loop's iterator,
            // while its frame runs (this frame waits below it in the loop's step).
            let r = unsafe { resume_frame_borrowed(rt, g, Resume::Send(Value::None), super::frame::ReturnMode::Iter) };
            return match r {
                Ok(fr) => Act::Call(super::frame::Activation::Script(fr)),
                Err(ResumeErr::Finished) => {
                    f.set_iter_done();
                    Act::Next
                }
                Err(ResumeErr::Raise(e)) => {
                    f.work.pop();
                    Act::Raise(e)
                }
            };
        }
    }
    // `enumerate`/`zip`/`map`/`filter` that run no script code: advanced in place too,
    // without the statement's continuation (checked after the generator case, whose
    // path stays as short as it was).
    if let Some(r) = crate::builtins::iterstep::next_native(rt, &f.stack[h as usize]) {
        f.work.pop();
        return match r {
            Ok(Some(v)) => for_body(rt, f, s, fx, h, v),
            Ok(None) => {
                f.stack.truncate(h as usize);
                push_block(f, &fx.orelse);
                Act::Next
            }
            Err(e) => Act::Raise(ops::expect_raise(e)),
        };
    }
    // The iterator is read in place (no clone): advancing it cannot reach this frame.
    match iterate::next_step(rt, &f.stack[h as usize]) {
        iterate::Step::Item(v) => {
            f.push(v);
            Act::Next
        }
        iterate::Step::Done => {
            f.set_iter_done();
            Act::Next
        }
        iterate::Step::Raise(e) => {
            f.work.pop();
            Act::Raise(e)
        }
        iterate::Step::Push(a) => Act::Call(a),
    }
}

/// Call a callable from a statement, continuing with `then` when it returns.
pub fn call_then(rt: &mut Runtime, f: &mut Frame, callee: &Value, args: &[Value], then: Step) -> Act {
    f.work.push(then);
    match call::prepare_call(rt, callee, args, &[]) {
        call::Prep::Value(v) => {
            f.push(v);
            Act::Next
        }
        call::Prep::Raise(e) => {
            f.work.pop();
            Act::Raise(e)
        }
        call::Prep::Push(a) => Act::Call(a),
    }
}
