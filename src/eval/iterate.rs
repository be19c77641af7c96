//! The iteration protocol for the evaluator: getting an iterator (`__iter__`,
//! `__aiter__`) and advancing it without recursion (generators and `__next__` methods
//! run as frames on the same stack, `map`/`filter`/`enumerate`/`zip` of script code
//! as native tasks: `builtins::iterstep`).

use super::frame::{Activation, Frame, ReturnMode};
use super::machine::Act;
use crate::ops::{self, Fail};
use crate::runtime::class::Exc;
use crate::runtime::generator::GenKind;
use crate::runtime::iter::IterNext;
use crate::runtime::value::Value;
use crate::runtime::Runtime;

/// The result of asking an iterator for its next item.
pub enum Step {
    /// An item.
    Item(Value),
    /// Exhausted.
    Done,
    /// Advancing raised.
    Raise(Exc),
    /// Run this activation; it delivers an item or exhaustion (`ReturnMode::Iter`).
    Push(Activation),
}

/// Advance an iterator.
pub fn next_step(rt: &mut Runtime, it: &Value) -> Step {
    match it {
        Value::Iter(i) => match i.next() {
            IterNext::Item(v) => Step::Item(v),
            IterNext::Done => Step::Done,
            IterNext::Changed(msg) => Step::Raise(rt.exc_msg(&rt.types.runtime_error, msg)),
        },
        Value::Gen(g) if g.kind() == GenKind::Generator => {
            match super::suspend::resume_frame(rt, g, super::suspend::Resume::Send(Value::None), ReturnMode::Iter) {
                Ok(fr) => Step::Push(Activation::Script(fr)),
                Err(super::suspend::ResumeErr::Finished) => Step::Done,
                Err(super::suspend::ResumeErr::Raise(e)) => Step::Raise(e),
            }
        }
        Value::Inst(_) => match ops::attr::lookup_special(rt, it, "__next__") {
            Some(Value::Func(func)) => match super::call::function_frame(rt, &func, std::slice::from_ref(it), &[]) {
                Ok(mut fr) => {
                    fr.mode = ReturnMode::Iter;
                    Step::Push(Activation::Script(fr))
                }
                Err(e) => Step::Raise(e),
            },
            _ => nested(rt, it),
        },
        Value::Obj(_) => match crate::builtins::iterstep::step(rt, it) {
            Some(s) => s,
            None => nested(rt, it),
        },
        _ => nested(rt, it),
    }
}

fn nested(rt: &mut Runtime, it: &Value) -> Step {
    match ops::iter::next(rt, it) {
        Ok(Some(v)) => Step::Item(v),
        Ok(None) => Step::Done,
        Err(Fail::Raise(e)) => Step::Raise(e),
        Err(Fail::Slow) => unreachable!(),
    }
}

/// Getting an iterator: ready now, or an `__iter__` call was started.
pub enum Start {
    /// The iterator.
    Ready(Value),
    /// Return this act; `then` receives the `__iter__` result on the stack.
    Pending(Act),
}

/// `iter(iterable)` (or `aiter()` for `async for`) without recursion.
pub fn start(rt: &mut Runtime, f: &mut Frame, iterable: Value, is_async: bool, then: super::step::Step) -> Start {
    if is_async {
        return match aiter(rt, &iterable) {
            Ok(it) => Start::Ready(it),
            Err(e) => Start::Pending(Act::Raise(e)),
        };
    }
    if let Some(it) = ops::iter::builtin_iter(&iterable) {
        return Start::Ready(it);
    }
    match &iterable {
        Value::Iter(_) => Start::Ready(iterable),
        Value::Gen(g) if g.kind() == GenKind::Generator => Start::Ready(iterable),
        Value::Inst(_) => match ops::attr::lookup_special(rt, &iterable, "__iter__") {
            Some(m) => {
                f.work.push(then);
                let prep = super::call::prepare_call(rt, &m, std::slice::from_ref(&iterable), &[]);
                Start::Pending(super::call::finish_prep(f, prep))
            }
            None => match ops::iter::iter(rt, &iterable) {
                Ok(it) => Start::Ready(it),
                Err(e) => Start::Pending(Act::Raise(ops::expect_raise(e))),
            },
        },
        _ => match ops::iter::iter(rt, &iterable) {
            Ok(it) => Start::Ready(it),
            Err(e) => Start::Pending(Act::Raise(ops::expect_raise(e))),
        },
    }
}

/// Check what `__iter__` returned.
pub fn check(rt: &mut Runtime, it: Value, is_async: bool) -> Result<Value, Exc> {
    if is_async {
        return Ok(it);
    }
    ops::iter::check_iterator(rt, it).map_err(ops::expect_raise)
}

/// `aiter(v)`.
pub fn aiter(rt: &mut Runtime, v: &Value) -> Result<Value, Exc> {
    match v {
        Value::Gen(g) if g.kind() == GenKind::AsyncGenerator => Ok(v.clone()),
        _ => match ops::attr::lookup_special(rt, v, "__aiter__") {
            Some(m) => {
                let it = ops::call::call_value(rt, m, vec![v.clone()]).map_err(ops::expect_raise)?;
                let ok = matches!(&it, Value::Gen(g) if g.kind() == GenKind::AsyncGenerator)
                    || ops::attr::lookup_special(rt, &it, "__anext__").is_some();
                if !ok {
                    let tn = ops::type_name(rt, &it);
                    return Err(rt.type_error(format!("'async for' received an object from __aiter__ that does not implement __anext__: {tn}")));
                }
                Ok(it)
            }
            None => {
                let tn = ops::type_name(rt, v);
                Err(rt.type_error(format!("'async for' requires an object with __aiter__ method, got {tn}")))
            }
        },
    }
}

/// One step of `async for`: await `it.__anext__()`; `StopAsyncIteration` ends the loop.
pub fn async_next(rt: &mut Runtime, f: &mut Frame, it: Value) -> Act {
    // The loop statement's continuation is on top; catch StopAsyncIteration below the
    // await (and from `__anext__` itself, when it raises before returning an awaitable).
    let Some(super::step::Step::Stmt(s, st)) = f.work.last().copied() else { unreachable!() };
    f.work.push(super::step::Step::AsyncForEnd(s, st - 3));
    if let Value::Gen(g) = &it {
        if g.kind() == GenKind::AsyncGenerator && rt.trace.is_none() {
            return crate::builtins::agen::anext_now(rt, f, g);
        }
    }
    let awaitable = match &it {
        Value::Gen(g) if g.kind() == GenKind::AsyncGenerator => crate::builtins::agen::anext_awaitable(rt, g),
        _ => match ops::attr::lookup_special(rt, &it, "__anext__") {
            Some(m) => match ops::call::call_value(rt, m, vec![it.clone()]) {
                Ok(a) => a,
                Err(e) => return Act::Raise(ops::expect_raise(e)),
            },
            None => {
                let tn = ops::type_name(rt, &it);
                return Act::Raise(rt.type_error(format!("'async for' requires an iterator with __anext__ method, got {tn}")));
            }
        },
    };
    super::suspend::await_now(rt, f, awaitable)
}
