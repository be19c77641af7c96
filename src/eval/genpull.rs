//! A generator expression's items pulled by a consuming built-in (`sum`, `any`,
//! `max`, `list`, `str.join`...) in one Rust loop over the generator's parked frame:
//! `sum(x * y for x, y in zip(a, b))` without a resume, a yield and a trip through the
//! driver per item. It applies to any generator whose body is one `for` loop with local
//! targets over a built-in iterator (as `eval::comploop` takes them), whose body is a
//! chain of `if`s without `else` around `yield e`, every test and `e` a fast node: a
//! generator expression, or a `def` of that shape.
//!
//! The loop starts only on a generator parked at that `yield` (its frame's work is the
//! loop's `ForIter` and the `Pop` of the sent value); the first item comes the usual
//! way. Each item does what the steps would do, in the same order, with the same step
//! count. While the consumer takes an item the frame is parked again exactly as after
//! the `yield` (script code the consumer runs sees a suspended generator). When the
//! fast path cannot finish an item (a value needs script code, a dropped value queued a
//! generator's finalization, a limit check is due) the frame is parked with the item's
//! remaining statements on its work stack, above a `Pop` for the `None` the resume
//! sends, and the driver resumes it as usual; an exception raised by an item is thrown
//! into the frame at that point, so it ends the generator and gets its traceback line
//! as if raised there.

use super::exec::quick_test;
use super::expr::{drop_value, fast_value};
use super::frame::{Frame, FrameBox};
use super::ir::{Block, Code, ExprKind, Stmt, StmtKind, Target};
use super::step::Step;
use crate::builtins::iters::NativeIter;
use crate::ops::{self, Fail};
use crate::runtime::class::Exc;
use crate::runtime::generator::{GenState, Generator};
use crate::runtime::iter::IterNext;
use crate::runtime::object::downcast;
use crate::runtime::value::Value;
use crate::runtime::Runtime;
use crate::syntax::ast::FuncKind;
use std::rc::Rc;

/// How [`pull`] ended.
pub enum Pulled {
    /// The loop's iterator is exhausted: the generator has finished (as by its return).
    Finished,
    /// The consumer stopped with this result (`any` found its item) or raised; the
    /// generator is parked after the item it yielded last.
    Stopped(Result<Value, Exc>),
    /// The next item is the driver's: resume the generator as usual.
    Resume,
}

/// The `for` statement of a generator's code when [`pull`] can run it: the body is that
/// one statement, a `for` with local targets and no `else`, whose body is `if`s without
/// `else` around `yield e`, every test and `e` a fast node.
pub fn shape(code: &'static Code) -> Option<&'static Stmt> {
    if code.func_kind != FuncKind::Generator {
        return None;
    }
    let [s] = &code.body.0[..] else { return None };
    let StmtKind::For(fx) = &s.kind else { return None };
    if fx.is_async || !fx.orelse.is_empty() || !matches!(fx.target, Target::Local(_) | Target::Unpack(_, None, true)) {
        return None;
    }
    let mut b = &fx.body;
    loop {
        let [st] = &b.0[..] else { return None };
        match &st.kind {
            StmtKind::If(test, inner, orelse) if test.fast && orelse.is_empty() => b = inner,
            StmtKind::Expr(e) => {
                return match &e.kind {
                    ExprKind::Yield(Some(x)) if x.fast => Some(s),
                    _ => None,
                }
            }
            _ => return None,
        }
    }
}

/// Where the items come from (as in `eval::comploop`).
enum Source {
    Iter(Rc<crate::runtime::iter::IterObj>),
    Native(Value),
}

/// Pull the items of generator `g` (whose code's [`shape`] is `s`) into `take` until the
/// loop ends, `take` stops, or an item needs the driver. `take` gets each item while
/// the generator is parked; `Ok(Some(v))` stops with `v`.
pub fn pull<F>(rt: &mut Runtime, g: &Rc<Generator>, s: &'static Stmt, mut take: F) -> Pulled
where
    F: FnMut(&mut Runtime, Value) -> Result<Option<Value>, Exc>,
{
    let StmtKind::For(fx) = &s.kind else { return Pulled::Resume };
    // A resumed frame would be pushed: the tracer sees it, the recursion limit counts it.
    if rt.trace.is_some() || rt.depth >= rt.opts.recursion_limit {
        return Pulled::Resume;
    }
    let Some(mut f) = g.unpark_suspended() else { return Pulled::Resume };
    let Some(h) = at_yield(&f, s) else {
        g.park(f, GenState::Suspended);
        return Pulled::Resume;
    };
    let src = match &f.stack[h as usize] {
        Value::Iter(i) => Source::Iter(i.clone()),
        v @ Value::Obj(_) if downcast::<NativeIter>(v).is_some() && !crate::builtins::iterstep::native_iter_runs_script(v) => {
            Source::Native(v.clone())
        }
        _ => {
            g.park(f, GenState::Suspended);
            return Pulled::Resume;
        }
    };
    // The steps one item counts: the loop's, then one per statement of the body.
    let mut k = 1;
    let mut b = &fx.body;
    while let StmtKind::If(_, inner, _) = &b.0[0].kind {
        k += 1;
        b = inner;
    }
    let k = k + 1;
    loop {
        // A limit check is due within this item: the driver's steps make it.
        if rt.steps + k >= rt.next_check {
            g.park(f, GenState::Suspended);
            return Pulled::Resume;
        }
        // The sent `None` is dropped (the `yield`'s `Pop`); the loop's step runs.
        f.work.truncate(1);
        rt.steps += 1;
        let item = match &src {
            Source::Iter(i) => match i.next() {
                IterNext::Item(v) => v,
                IterNext::Done => return finished(g, f, h),
                IterNext::Changed(msg) => {
                    let e = rt.exc_msg(&rt.types.runtime_error, msg);
                    return throw(g, f, e);
                }
            },
            Source::Native(it) => match ops::iter::next(rt, it) {
                Ok(Some(v)) => v,
                Ok(None) => return finished(g, f, h),
                Err(e) => return throw(g, f, ops::expect_raise(e)),
            },
        };
        match &fx.target {
            Target::Local(i) => drop_value(std::mem::replace(&mut f.locals[*i as usize], Some(item))),
            Target::Unpack(ts, _, _) => match item {
                Value::Tuple(t) if t.items().len() == ts.len() => {
                    for (t, x) in ts.iter().zip(t.items()) {
                        if let Target::Local(i) = t {
                            drop_value(std::mem::replace(&mut f.locals[*i as usize], Some(x.clone())));
                        }
                    }
                }
                // Anything else (and its errors) by the store's step.
                item => {
                    f.work.push(Step::Block(&fx.body, 0));
                    f.work.push(Step::Store(&fx.target));
                    f.stack.push(item);
                    return resume_at(g, f);
                }
            },
            _ => unreachable!("a pulled loop has local targets"),
        }
        if super::finalize::pending() {
            f.work.push(Step::Block(&fx.body, 0));
            return resume_at(g, f);
        }
        let v = match body(rt, &mut f, &fx.body) {
            Got::Item(v) => v,
            Got::Skip => continue,
            Got::Steps(b) => {
                // The driver runs that statement and counts its step.
                rt.steps -= 1;
                f.work.push(Step::Block(b, 0));
                return resume_at(g, f);
            }
            Got::Raise(e) => return throw(g, f, e),
        };
        // Parked as after the `yield`, while the consumer takes the item.
        f.work.push(Step::Pop);
        g.park(f, GenState::Suspended);
        match take(rt, v) {
            Ok(None) => {}
            Ok(Some(r)) => return Pulled::Stopped(Ok(r)),
            Err(e) => return Pulled::Stopped(Err(e)),
        }
        if super::finalize::pending() {
            return Pulled::Resume;
        }
        // The consumer may have run script code that moved the generator on.
        f = match g.unpark_suspended() {
            Some(f) => f,
            None => return Pulled::Resume,
        };
        if at_yield(&f, s) != Some(h) {
            g.park(f, GenState::Suspended);
            return Pulled::Resume;
        }
    }
}

/// The stack height of loop `s`'s iterator when frame `f` is parked at its `yield`.
#[inline]
fn at_yield(f: &Frame, s: &'static Stmt) -> Option<u32> {
    match &f.work[..] {
        [Step::ForIter(s2, h), Step::Pop] if std::ptr::eq(*s2, s) && f.stack.len() == *h as usize + 1 && !f.throwing() && f.no_saved_handled() => {
            Some(*h)
        }
        _ => None,
    }
}

/// The loop ended: the frame falls off the end of its body (returns `None`).
fn finished(g: &Rc<Generator>, mut f: FrameBox, h: u32) -> Pulled {
    f.stack.truncate(h as usize);
    f.work.clear();
    g.set_state(GenState::Finished);
    drop(f);
    Pulled::Finished
}

/// Park `f` with the rest of the item on its work stack, under the `Pop` that drops the
/// `None` the resume sends.
fn resume_at(g: &Rc<Generator>, mut f: FrameBox) -> Pulled {
    f.work.push(Step::Pop);
    g.park(f, GenState::Suspended);
    Pulled::Resume
}

/// Park `f` to raise `e` where the item stopped, when the driver resumes it.
#[cold]
fn throw(g: &Rc<Generator>, mut f: FrameBox, e: Exc) -> Pulled {
    f.set_throw(Some(e));
    resume_at(g, f)
}

/// What one item's body gave.
enum Got {
    /// The value to yield.
    Item(Value),
    /// A test was false: no item.
    Skip,
    /// The fast path gave up at the first statement of this block.
    Steps(&'static Block),
    /// An exception raised by a test or the element.
    Raise(Exc),
}

/// The body for the current item: each `if` test, then the yielded value (steps
/// counted as the statements would count them: the caller made sure no limit check
/// falls due).
#[inline(always)]
fn body(rt: &mut Runtime, f: &mut Frame, mut b: &'static Block) -> Got {
    loop {
        let st = &b.0[0];
        f.line = st.line;
        rt.steps += 1;
        match &st.kind {
            StmtKind::If(test, inner, _) => {
                let quick = if st.quick_test { quick_test(f, test) } else { None };
                let t = match quick {
                    Some(t) => t,
                    None => match fast_value(rt, f, test) {
                        Ok(Value::Bool(t)) => t,
                        // `__bool__`/`__len__` may be script code: by steps.
                        Ok(Value::Inst(_) | Value::Obj(_)) | Err(Fail::Slow) => return Got::Steps(b),
                        Ok(v) => match ops::cmp::truthy(rt, &v) {
                            Ok(t) => t,
                            Err(e) => return Got::Raise(ops::expect_raise(e)),
                        },
                        Err(Fail::Raise(x)) => return Got::Raise(x),
                    },
                };
                if !t {
                    return Got::Skip;
                }
                b = inner;
            }
            StmtKind::Expr(e) => {
                let ExprKind::Yield(Some(x)) = &e.kind else { unreachable!("a pulled body ends in a yield") };
                return match fast_value(rt, f, x) {
                    Ok(v) => Got::Item(v),
                    Err(Fail::Slow) => Got::Steps(b),
                    Err(Fail::Raise(x)) => Got::Raise(x),
                };
            }
            _ => unreachable!("a pulled body holds ifs and the yield"),
        }
    }
}
