//! A comprehension's loop run as one Rust loop: `[e for a, b in xs if c]`, `{k: v for
//! ...}` and `{e for ...}` whose conditions and element are fast nodes, over a built-in
//! iterator (a list, tuple, range, str, dict or set iterator, or `enumerate`/`zip`/`map`
//! of those that calls no script code). Each item is stored into the loop's local
//! targets, the conditions tested and the element added without a trip through the
//! driver per statement.
//!
//! The loop does what the steps would do, in the same order, with the same step count
//! (one per iteration and per statement) and the same errors. When a value needs script
//! code (a user `__add__`, `__bool__`, ...) the fast path gives up before anything
//! observable; the loop then leaves the item's remaining statements to the driver, as
//! `exec::for_body` leaves them, and the next item comes back here through
//! `exec::for_next`. The driver also gets control back when a dropped value queued a
//! generator's finalization (as `exec::enter_block` does).

use super::exec::{comp_append, push_block, quick_test};
use super::expr::{drop_value, fast_value};
use super::frame::Frame;
use super::ir::{Block, StmtKind, Target};
use super::machine::Act;
use super::step::Step;
use crate::builtins::iters::NativeIter;
use crate::ops::{self, Fail};
use crate::runtime::iter::IterNext;
use crate::runtime::object::downcast;
use crate::runtime::value::Value;
use crate::runtime::Runtime;

/// Whether a comprehension's `for` (its target, body and asyncness) has the shape
/// [`run`] takes: local targets, and a body that is a chain of `if`s without `else`
/// around the element's append, every test and element a fast node.
pub fn fusable(target: &Target, body: &Block, is_async: bool) -> bool {
    if is_async || !matches!(target, Target::Local(_) | Target::Unpack(_, None, true)) {
        return false;
    }
    let mut b = body;
    loop {
        let [s] = &b.0[..] else { return false };
        match &s.kind {
            StmtKind::If(test, inner, orelse) if test.fast && orelse.is_empty() => b = inner,
            StmtKind::CompAppend(_, e, v) => return e.fast && v.as_ref().is_none_or(|v| v.fast),
            _ => return false,
        }
    }
}

/// Where the items come from: a built-in iterator, or a native iterator object
/// (`enumerate`, `zip`, `map`...) whose advance runs no script code.
enum Source {
    Iter(std::rc::Rc<crate::runtime::iter::IterObj>),
    Native(Value),
}

/// Run the comprehension loop `s` (its `ForX` is `fx`, marked `fused`; the iterator at
/// stack height `h`) from its next item, after `exec::for_next` counted this
/// iteration's step. None, with nothing done, when the iterator is not one this loop
/// advances (the caller goes its general way).
pub fn run(rt: &mut Runtime, f: &mut Frame, s: &'static super::ir::Stmt, fx: &'static super::ir::ForX, h: u32) -> Option<Act> {
    let src = match &f.stack[h as usize] {
        Value::Iter(i) => Source::Iter(i.clone()),
        v @ Value::Obj(_) if downcast::<NativeIter>(v).is_some() && !crate::builtins::iterstep::native_iter_runs_script(v) => {
            Source::Native(v.clone())
        }
        _ => return None,
    };
    let mut counted = true;
    loop {
        if !counted {
            if let Err(e) = crate::limits::tick(rt) {
                return Some(Act::Raise(e));
            }
        }
        counted = false;
        let item = match &src {
            Source::Iter(i) => match i.next() {
                IterNext::Item(v) => v,
                IterNext::Done => return Some(done(f, fx, h)),
                IterNext::Changed(msg) => return Some(Act::Raise(rt.exc_msg(&rt.types.runtime_error, msg))),
            },
            Source::Native(it) => match ops::iter::next(rt, it) {
                Ok(Some(v)) => v,
                Ok(None) => return Some(done(f, fx, h)),
                Err(e) => return Some(Act::Raise(ops::expect_raise(e))),
            },
        };
        // From here on the loop's `ForIter` step is below whatever this item leaves.
        match &fx.target {
            Target::Local(i) => drop_value(std::mem::replace(&mut f.locals[*i as usize], Some(item))),
            Target::Unpack(ts, _, _) => {
                if let Err(e) = super::store::unpack_into_locals(rt, f, ts, item) {
                    f.work.push(Step::ForIter(s, h));
                    return Some(Act::Raise(e));
                }
            }
            _ => unreachable!("a fused comprehension loop has local targets"),
        }
        if super::finalize::pending() {
            f.work.push(Step::ForIter(s, h));
            push_block(f, &fx.body);
            return Some(Act::Next);
        }
        if let Some(a) = body(rt, f, &fx.body) {
            f.work.push(Step::ForIter(s, h));
            return Some(match a {
                // The fast path gave up at the first statement of block `b`: the driver
                // runs it (and counts its step) from there.
                Left::Steps(b) => {
                    rt.steps -= 1;
                    f.work.push(Step::Block(b, 0));
                    Act::Next
                }
                Left::Act(a) => a,
            });
        }
    }
}

/// What [`body`] leaves to the driver.
enum Left {
    /// The statement at the start of this block, by steps.
    Steps(&'static Block),
    /// An act to return (an exception).
    Act(Act),
}

/// The loop body for the current item: each `if` test, then the append. None when it
/// finished; otherwise what is left.
#[inline(always)]
fn body(rt: &mut Runtime, f: &mut Frame, mut b: &'static Block) -> Option<Left> {
    loop {
        let st = &b.0[0];
        f.line = st.line;
        if let Err(e) = crate::limits::tick(rt) {
            return Some(Left::Act(Act::Raise(e)));
        }
        match &st.kind {
            StmtKind::If(test, inner, _) => {
                let quick = if st.quick_test { quick_test(f, test) } else { None };
                let t = match quick {
                    Some(t) => t,
                    None => match fast_value(rt, f, test) {
                        Ok(Value::Bool(t)) => t,
                        // `__bool__`/`__len__` may be script code: by steps.
                        Ok(Value::Inst(_) | Value::Obj(_)) | Err(Fail::Slow) => return Some(Left::Steps(b)),
                        Ok(v) => match ops::cmp::truthy(rt, &v) {
                            Ok(t) => t,
                            Err(e) => return Some(Left::Act(Act::Raise(ops::expect_raise(e)))),
                        },
                        Err(Fail::Raise(x)) => return Some(Left::Act(Act::Raise(x))),
                    },
                };
                if !t {
                    return None;
                }
                b = inner;
            }
            StmtKind::CompAppend(slot, e, v) => {
                let key = match fast_value(rt, f, e) {
                    Ok(x) => x,
                    Err(Fail::Slow) => return Some(Left::Steps(b)),
                    Err(Fail::Raise(x)) => return Some(Left::Act(Act::Raise(x))),
                };
                let val = match v {
                    None => None,
                    Some(v) => match fast_value(rt, f, v) {
                        Ok(x) => Some(x),
                        Err(Fail::Slow) => return Some(Left::Steps(b)),
                        Err(Fail::Raise(x)) => return Some(Left::Act(Act::Raise(x))),
                    },
                };
                return match comp_append(rt, f, *slot, key, val) {
                    Act::Next => None,
                    a => Some(Left::Act(a)),
                };
            }
            _ => unreachable!("a fused comprehension body holds ifs and the append"),
        }
    }
}

/// The iterator is exhausted: leave the loop as `exec::for_next` does.
fn done(f: &mut Frame, fx: &'static super::ir::ForX, h: u32) -> Act {
    f.stack.truncate(h as usize);
    push_block(f, &fx.orelse);
    Act::Next
}
