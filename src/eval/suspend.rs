//! Generators and coroutines on heap frames: starting and resuming a parked frame
//! (send, throw), `yield`, and delegation (`yield from`, `await`) that passes values
//! out through every delegating frame and sent values back in.

use super::expr::{eval, Ev};
use super::frame::{Activation, Frame, FrameBox, ReturnMode};
use super::ir::*;
use super::machine::{Act, Outcome};
use super::step::Step;
use crate::ops::{self, Fail, PyResult};
use crate::runtime::class::Exc;
use crate::runtime::generator::{GenKind, GenState, Generator};
use crate::runtime::iter::IterNext;
use crate::runtime::value::Value;
use crate::runtime::Runtime;
use std::rc::Rc;

pub use super::chain::{descend, park_middle, surface_parent};

/// How a generator is resumed.
pub enum Resume {
    /// `send(value)` (`next()` sends None).
    Send(Value),
    /// `throw(exc)`.
    Throw(Exc),
}

/// Why a generator could not be resumed.
pub enum ResumeErr {
    /// It has finished (the caller decides what that means).
    Finished,
    /// An error to raise (already executing, non-None first send...).
    Raise(Exc),
}

fn kind_word(g: &Generator) -> &'static str {
    match g.kind() {
        GenKind::Generator => "generator",
        GenKind::Coroutine => "coroutine",
        GenKind::AsyncGenerator => "async generator",
    }
}

/// Take a generator's frame and prepare it to run, in `mode`.
#[inline]
pub fn resume_frame(rt: &mut Runtime, g: &Rc<Generator>, input: Resume, mode: ReturnMode) -> Result<FrameBox, ResumeErr> {
    // The common case first: a suspended generator, no tracer.
    if rt.trace.is_none() {
        if let Some(mut fr) = g.unpark_suspended() {
            fr.set_owner(g.clone());
            fr.mode = mode;
            match input {
                // A suspended frame has started: the value is the result of its `yield`.
                Resume::Send(v) => fr.push_sent(v),
                Resume::Throw(e) => fr.set_throw(Some(e)),
            }
            return Ok(fr);
        }
    }
    resume_frame_slow(rt, g, input, mode)
}

/// [`resume_frame`] for a caller that holds its own reference to `g` and gives it up:
/// that reference becomes the frame's owner (no count taken and dropped per resume).
#[inline(always)]
pub fn resume_frame_owned(rt: &mut Runtime, g: Rc<Generator>, input: Resume, mode: ReturnMode) -> Result<FrameBox, ResumeErr> {
    if rt.trace.is_none() {
        let taken = g.unpark_suspended();
        if let Some(mut fr) = taken {
            fr.set_owner(g);
            fr.mode = mode;
            match input {
                Resume::Send(v) => fr.push_sent(v),
                Resume::Throw(e) => fr.set_throw(Some(e)),
            }
            return Ok(fr);
        }
    }
    resume_frame_slow(rt, &g, input, mode)
}

/// [`resume_frame`] for a resumer that keeps its own reference to `g` while the frame
/// runs (a `for` loop's iterator, a `yield from`/`await`'s sub-generator, both on the
/// resuming frame's stack): the frame's owner is borrowed ([`Frame::set_owner_borrowed`]),
/// so no count is taken per resume and none dropped per yield.
///
/// # Safety
/// A strong reference to `g` must stay alive until the frame yields, returns or raises.
#[inline(always)]
pub unsafe fn resume_frame_borrowed(rt: &mut Runtime, g: &Rc<Generator>, input: Resume, mode: ReturnMode) -> Result<FrameBox, ResumeErr> {
    if rt.trace.is_none() {
        if let Some(mut fr) = g.unpark_suspended() {
            // SAFETY: per the caller.
            unsafe { fr.set_owner_borrowed(g) };
            fr.mode = mode;
            match input {
                Resume::Send(v) => fr.push_sent(v),
                Resume::Throw(e) => fr.set_throw(Some(e)),
            }
            return Ok(fr);
        }
    }
    resume_frame_slow(rt, g, input, mode)
}

/// [`resume_frame`] with the first `None` for a generator that has not started (an
/// awaited coroutine, a generator `__await__` or `yield from` just made): its frame is
/// taken to run from the top in `mode`, without [`resume_frame_slow`]'s checks. Any
/// other state goes through [`resume_frame`]. The owner is borrowed as in
/// [`resume_frame_borrowed`].
///
/// # Safety
/// As [`resume_frame_borrowed`].
#[inline]
unsafe fn start_frame(rt: &mut Runtime, g: &Rc<Generator>, mode: ReturnMode) -> Result<FrameBox, ResumeErr> {
    if g.state() == GenState::Created && rt.trace.is_none() {
        let taken = g.take_frame();
        if let Some(mut fr) = taken {
            g.set_state(GenState::Running);
            // SAFETY: per the caller.
            unsafe { fr.set_owner_borrowed(g) };
            fr.mode = mode;
            fr.set_started();
            return Ok(fr);
        }
    }
    resume_frame(rt, g, Resume::Send(Value::None), mode)
}

#[inline(never)]
fn resume_frame_slow(rt: &mut Runtime, g: &Rc<Generator>, input: Resume, mode: ReturnMode) -> Result<FrameBox, ResumeErr> {
    match g.state() {
        GenState::Running => {
            return Err(ResumeErr::Raise(rt.value_error(format!("{} already executing", kind_word(g)))));
        }
        GenState::Finished => return Err(ResumeErr::Finished),
        GenState::Created => {
            if let Resume::Send(v) = &input {
                if !v.is_none() {
                    return Err(ResumeErr::Raise(rt.type_error(format!(
                        "can't send non-None value to a just-started {}",
                        kind_word(g)
                    ))));
                }
            }
        }
        GenState::Suspended => {}
    }
    if rt.trace.is_some() {
        crate::trace::resuming(rt, g, &input, &mode);
    }
    let Some(mut fr) = g.frame().borrow_mut().take() else { return Err(ResumeErr::Finished) };
    g.set_state(GenState::Running);
    fr.set_owner(g.clone());
    fr.mode = mode;
    match input {
        Resume::Send(v) => {
            if fr.started() {
                fr.push_sent(v);
            }
        }
        Resume::Throw(e) => fr.set_throw(Some(e)),
    }
    fr.set_started();
    Ok(fr)
}

/// The StopIteration a finished generator raises for its return value.
pub fn stop_iteration(rt: &Runtime, v: Value) -> Exc {
    let args = if v.is_none() { vec![] } else { vec![v] };
    rt.new_exc(&rt.types.stop_iteration, args)
}

/// PEP 479: a StopIteration escaping a generator becomes a RuntimeError. Not for a
/// REPL input without `await`: its plain code runs as a task's coroutine only so that
/// `create_task` works; `python3 -m asyncio` runs it as a plain function, so the
/// StopIteration itself is reported.
pub fn convert_stop(rt: &mut Runtime, g: &Generator, e: Exc) -> Exc {
    if g.code().func_kind == crate::syntax::ast::FuncKind::Plain {
        return e;
    }
    let stop_async = ops::exc_matches(&e, &rt.types.stop_async_iteration);
    let msg = if ops::exc_matches(&e, &rt.types.stop_iteration) {
        format!("{} raised StopIteration", kind_word(g))
    } else if stop_async && g.kind() == GenKind::AsyncGenerator {
        "async generator raised StopAsyncIteration".to_string()
    } else {
        return e;
    };
    let new = rt.exc_msg(&rt.types.runtime_error, msg);
    {
        let mut d = new.exc_data_mut();
        d.cause = Some(Value::Inst(e.clone()));
        d.context = Some(Value::Inst(e));
        d.suppress_context = true;
    }
    new
}

/// Resume a generator in a nested driver run.
pub fn resume_nested(rt: &mut Runtime, g: &Rc<Generator>, input: Resume) -> Result<Outcome, ResumeErr> {
    let fr = resume_frame(rt, g, input, ReturnMode::Base)?;
    let a = Activation::Script(fr);
    if rt.trace.is_some() {
        crate::trace::pushed(rt, None, &a);
    }
    Ok(super::machine::run(rt, a))
}

/// `next(g)` from Rust: `Ok(None)` when exhausted.
pub fn next_nested(rt: &mut Runtime, g: &Rc<Generator>) -> PyResult<Option<Value>> {
    match resume_nested(rt, g, Resume::Send(Value::None)) {
        Ok(Outcome::Yield(v)) => Ok(Some(v)),
        Ok(Outcome::Return(_)) | Err(ResumeErr::Finished) => Ok(None),
        Ok(Outcome::Raise(e)) | Err(ResumeErr::Raise(e)) => Err(Fail::Raise(e)),
    }
}

/// `yield`, `yield from` and `await` expressions.
pub fn expr(rt: &mut Runtime, f: &mut Frame, e: &'static Expr, st: u32) -> Act {
    match (&e.kind, st) {
        (ExprKind::Yield(None), _) => yield_value(rt, f, Value::None),
        (ExprKind::Yield(Some(x)), 0) => match eval(rt, f, x, Step::Cont(e, 1)) {
            Ev::Val(v) => yield_value(rt, f, v),
            Ev::Pending(a) => a,
            Ev::Raise(x) => Act::Raise(x),
        },
        (ExprKind::Yield(Some(_)), _) => {
            let v = f.pop();
            yield_value(rt, f, v)
        }
        // `await f(x)`: the awaitable goes straight to `await_now` (no trip through
        // the stack and this function again).
        (ExprKind::Await(x), 0) => match eval(rt, f, x, Step::Cont(e, 1)) {
            Ev::Val(v) => await_now(rt, f, v),
            Ev::Pending(a) => a,
            Ev::Raise(x) => Act::Raise(x),
        },
        (ExprKind::YieldFrom(x), 0) => match eval(rt, f, x, Step::Cont(e, 1)) {
            Ev::Val(v) => {
                f.push(v);
                expr(rt, f, e, 1)
            }
            Ev::Pending(a) => a,
            Ev::Raise(x) => Act::Raise(x),
        },
        (ExprKind::YieldFrom(_), _) => {
            let v = f.pop();
            let it = match v {
                Value::Gen(ref g) if g.kind() == GenKind::Coroutine => {
                    return Act::Raise(rt.type_error("cannot 'yield from' a coroutine object in a non-coroutine generator"));
                }
                _ => match ops::iter::iter(rt, &v) {
                    Ok(it) => it,
                    Err(x) => return Act::Raise(ops::expect_raise(x)),
                },
            };
            if rt.trace.is_some() {
                let shown = crate::trace::awaited_value(rt, &v);
                crate::trace::awaited(rt, f, &shown, &it, true);
            } else if matches!(&it, Value::Gen(g) if g.state() == GenState::Created) {
                return start_created(rt, f, it);
            }
            start_delegation(rt, f, it)
        }
        (ExprKind::Await(_), _) => {
            let v = f.pop();
            await_now(rt, f, v)
        }
        _ => Act::Raise(rt.exc_msg(&rt.types.runtime_error, "internal error: bad yield state")),
    }
}

/// A `yield` expression whose value a statement takes (`yield x`, `y = yield x`), with
/// `then` the statement's next work (`Step::Pop`, `Step::Store`): the operand is
/// evaluated here and the frame yields, without the generic expression levels (`eval`,
/// `eval_node`, `expand`, [`expr`]). When resumed, the sent value meets `then`
/// ([`Frame::push_sent`]). An operand that needs script code continues in [`expr`].
#[inline]
pub fn yield_now(rt: &mut Runtime, f: &mut Frame, e: &'static Expr, then: Step) -> Act {
    f.work.push(then);
    match &e.kind {
        ExprKind::Yield(None) => yield_value(rt, f, Value::None),
        ExprKind::Yield(Some(x)) => match eval(rt, f, x, Step::Cont(e, 1)) {
            Ev::Val(v) => yield_value(rt, f, v),
            Ev::Pending(a) => a,
            Ev::Raise(x) => Act::Raise(x),
        },
        _ => expr(rt, f, e, 0),
    }
}

/// `yield v` in the current frame. In an async generator the `__anext__` awaitable
/// tells the item from values its awaits pass out by the parked frame
/// ([`yields_item`]).
#[inline]
fn yield_value(_rt: &mut Runtime, _f: &mut Frame, v: Value) -> Act {
    Act::Yield(v)
}

/// Whether a generator frame that has just yielded (or is parked) gave its own `yield`'s
/// value, not a value passed out of a `yield from`/`await` (that one parks with its
/// delegation step on top). In an async generator: an item, not an awaited value.
#[inline]
pub fn yields_item(f: &Frame) -> bool {
    !matches!(f.work.last(), Some(Step::Delegate))
}

/// `await v`: find the iterator behind the awaitable and delegate to it.
pub fn await_now(rt: &mut Runtime, f: &mut Frame, v: Value) -> Act {
    // The common case first: a coroutine that has not started (`await f(x)`) runs at
    // once, without the generic checks.
    if let Value::Gen(g) = &v {
        if g.kind() == GenKind::Coroutine && g.state() == GenState::Created && rt.trace.is_none() {
            g.set_awaited(true);
            return start_created(rt, f, v);
        }
    }
    // Then an asyncio future or sleep, its own await iterator: `await`'s checks and
    // its first step here, without `awaitable_iter`'s tests and a delegation step.
    if matches!(v, Value::Obj(_)) && rt.trace.is_none() {
        if let Some(o) = crate::aio::native_await_first(rt, &v) {
            return match o {
                Outcome::Yield(w) => {
                    f.push(v);
                    f.work.push(Step::Delegate);
                    Act::Yield(w)
                }
                Outcome::Return(x) => {
                    drop(v);
                    f.push(x);
                    Act::Next
                }
                Outcome::Raise(x) => Act::Raise(x),
            };
        }
    }
    let shown = if rt.trace.is_some() { Some(crate::trace::awaited_value(rt, &v)) } else { None };
    match awaitable_iter(rt, v) {
        Ok(it) => {
            if let Some(s) = shown {
                crate::trace::awaited(rt, f, &s, &it, false);
            }
            // A generator-function `__await__` made a generator that has not started.
            if matches!(&it, Value::Gen(g) if g.state() == GenState::Created) && rt.trace.is_none() {
                return start_created(rt, f, it);
            }
            start_delegation(rt, f, it)
        }
        Err(x) => Act::Raise(x),
    }
}

/// Delegate to generator `it` (a `Value::Gen`), which has not started: its frame runs
/// at once in `ReturnMode::Delegate`, as [`start_delegation`] would start it (the first
/// `None` sent) without the trip through [`delegate`].
fn start_created(rt: &mut Runtime, f: &mut Frame, it: Value) -> Act {
    let Value::Gen(g) = &it else { return start_delegation(rt, f, it) };
    // SAFETY: `it` goes onto `f`'s stack below `Step::Delegate` (or is dropped only when
    // no frame was taken): it stays there while the generator's frame runs.
    match unsafe { start_frame(rt, g, ReturnMode::Delegate) } {
        Ok(fr) => {
            f.push(it);
            f.work.push(Step::Delegate);
            Act::Call(Activation::Script(fr))
        }
        Err(ResumeErr::Finished) if g.kind() != GenKind::Coroutine => {
            f.push(Value::None);
            Act::Next
        }
        Err(ResumeErr::Finished) => Act::Raise(rt.exc_msg(&rt.types.runtime_error, "cannot reuse already awaited coroutine")),
        Err(ResumeErr::Raise(x)) => Act::Raise(x),
    }
}

/// The iterator an `await` delegates to, with CPython's errors.
pub fn awaitable_iter(rt: &mut Runtime, v: Value) -> Result<Value, Exc> {
    match &v {
        Value::Gen(g) if g.kind() == GenKind::Coroutine => {
            if g.state() == GenState::Finished {
                return Err(rt.exc_msg(&rt.types.runtime_error, "cannot reuse already awaited coroutine"));
            }
            let delegating = g.frame().borrow().as_ref().is_some_and(|f| delegating_to(f).is_some());
            if g.state() == GenState::Suspended && delegating {
                return Err(rt.exc_msg(&rt.types.runtime_error, "coroutine is being awaited already"));
            }
            g.set_awaited(true);
            Ok(v)
        }
        _ => {
            if let Some(it) = crate::builtins::attrs::native_await(rt, &v) {
                return it;
            }
            let Some(m) = ops::attr::lookup_special(rt, &v, "__await__") else {
                let tn = ops::type_name(rt, &v);
                return Err(rt.type_error(format!("object {tn} can't be used in 'await' expression")));
            };
            let it = match &m {
                // The common case: `__await__` is a generator function. Calling it only
                // makes the generator, so no call needs to run.
                Value::Func(func) if func.code.func_kind == crate::syntax::ast::FuncKind::Generator => {
                    let fr = super::call::function_frame(rt, func, std::slice::from_ref(&v), &[])?;
                    super::call::make_generator(func, crate::syntax::ast::FuncKind::Generator, fr)
                }
                _ => ops::call::call_value(rt, m, vec![v]).map_err(ops::expect_raise)?,
            };
            match &it {
                Value::Gen(g) if g.kind() == GenKind::Coroutine => Err(rt.type_error("__await__() returned a coroutine")),
                Value::Gen(_) | Value::Iter(_) => Ok(it),
                _ if ops::attr::lookup_special(rt, &it, "__next__").is_some() || crate::builtins::attrs::is_native_resumable(&it) => Ok(it),
                _ => {
                    let tn = ops::type_name(rt, &it);
                    Err(rt.type_error(format!("__await__() returned non-iterator of type '{tn}'")))
                }
            }
        }
    }
}

/// Put the sub-iterator on the stack and send it the first `None`.
pub fn start_delegation(rt: &mut Runtime, f: &mut Frame, it: Value) -> Act {
    f.push(it);
    f.push(Value::None);
    delegate(rt, f)
}

/// Send `v` into the generator `g` the frame is delegating to (it is on the stack).
#[inline]
fn delegate_gen(rt: &mut Runtime, f: &mut Frame, g: &Rc<Generator>, v: Value) -> Act {
    let r = resume_frame(rt, g, Resume::Send(v), ReturnMode::Delegate);
    delegate_resumed(rt, f, r, g.kind() == GenKind::Coroutine)
}

/// The delegation step after its sub-generator was resumed (`r`; `coro`: it is a
/// coroutine): its frame pushed, or the step's end when it could not resume.
#[inline(always)]
fn delegate_resumed(rt: &mut Runtime, f: &mut Frame, r: Result<FrameBox, ResumeErr>, coro: bool) -> Act {
    match r {
        Ok(fr) => {
            f.work.push(Step::Delegate);
            Act::Call(Activation::Script(fr))
        }
        Err(ResumeErr::Finished) => {
            f.pop();
            if coro {
                return Act::Raise(rt.exc_msg(&rt.types.runtime_error, "cannot reuse already awaited coroutine"));
            }
            f.push(Value::None);
            Act::Next
        }
        Err(ResumeErr::Raise(x)) => {
            f.pop();
            Act::Raise(x)
        }
    }
}

/// `Step::Delegate`: send the value on top into the sub-iterator below it, or finish
/// when the sub-iterator has returned.
pub fn delegate(rt: &mut Runtime, f: &mut Frame) -> Act {
    if f.take_iter_done() {
        let r = f.pop();
        let it = f.pop();
        crate::builtins::agen::finish_awaitable(&it);
        f.push(r);
        return Act::Next;
    }
    let mut v = f.pop();
    // The common case first: delegating to a generator or coroutine.
    if let Some(Value::Gen(g)) = f.stack.last() {
        // SAFETY: `g` stays on `f`'s stack, below `Step::Delegate`, while its frame runs.
        let r = unsafe { resume_frame_borrowed(rt, g, Resume::Send(v), ReturnMode::Delegate) };
        let coro = r.is_err() && matches!(f.stack.last(), Some(Value::Gen(g)) if g.kind() == GenKind::Coroutine);
        return delegate_resumed(rt, f, r, coro);
    }
    // Then an asyncio future or `asyncio.sleep`: its step gives the await's value
    // itself, with no `StopIteration` made and caught.
    if let Some(it @ Value::Obj(_)) = f.stack.last() {
        match crate::aio::native_outcome(rt, it, Resume::Send(v)) {
            Ok(o) => return native_outcome_step(f, o),
            Err(Resume::Send(back)) => v = back,
            Err(Resume::Throw(_)) => unreachable!("sent, not thrown"),
        }
    }
    let it = f.stack.last().cloned().unwrap_or(Value::None);
    if let Some(a) = crate::builtins::agen::delegate_step(rt, f, &it, Resume::Send(v.clone())) {
        return a;
    }
    let it = crate::builtins::attrs::unwrap_coro_wrapper(&it).unwrap_or(it);
    match &it {
        Value::Gen(g) => delegate_gen(rt, f, g, v),
        Value::Iter(i) => {
            if !v.is_none() {
                f.pop();
                let tn = i.type_name();
                return Act::Raise(rt.exc_msg(&rt.types.attribute_error, format!("'{tn}' object has no attribute 'send'")));
            }
            match i.next() {
                IterNext::Item(w) => {
                    f.work.push(Step::Delegate);
                    Act::Yield(w)
                }
                IterNext::Done => {
                    f.pop();
                    f.push(Value::None);
                    Act::Next
                }
                IterNext::Changed(msg) => {
                    f.pop();
                    Act::Raise(rt.exc_msg(&rt.types.runtime_error, msg))
                }
            }
        }
        Value::Obj(_) if v.is_none() && crate::builtins::iters::is_iterator_obj(&it) => match ops::iter::next(rt, &it) {
            Ok(Some(w)) => {
                f.work.push(Step::Delegate);
                Act::Yield(w)
            }
            Ok(None) => {
                f.pop();
                f.push(Value::None);
                Act::Next
            }
            Err(x) => {
                f.pop();
                Act::Raise(ops::expect_raise(x))
            }
        },
        _ => {
            let r = if let Some(r) = crate::builtins::attrs::native_resume(rt, &it, Resume::Send(v.clone())) {
                r
            } else {
                let name = if v.is_none() { "__next__" } else { "send" };
                let m = match ops::attr::lookup_special(rt, &it, name) {
                    Some(m) => Ok((m, true)),
                    None if name == "send" => ops::attr::getattr(rt, &it, &crate::runtime::intern::intern("send")).map(|m| (m, false)),
                    None => ops::attr::getattr(rt, &it, &crate::runtime::intern::intern("__next__")).map(|m| (m, false)),
                };
                match m {
                    Ok((m, unbound)) => {
                        let mut args = Vec::new();
                        if unbound {
                            args.push(it.clone());
                        }
                        if name == "send" {
                            args.push(v);
                        }
                        ops::call::call_value(rt, m, args)
                    }
                    Err(e) => Err(e),
                }
            };
            sub_result(rt, f, r)
        }
    }
}

/// The delegation step after a native awaitable's step ([`crate::aio::native_outcome`]):
/// a value to pass out, the await's value, or an error.
#[inline]
fn native_outcome_step(f: &mut Frame, o: Outcome) -> Act {
    match o {
        Outcome::Yield(w) => {
            f.work.push(Step::Delegate);
            Act::Yield(w)
        }
        Outcome::Return(value) => {
            f.pop();
            f.push(value);
            Act::Next
        }
        Outcome::Raise(x) => {
            f.pop();
            Act::Raise(x)
        }
    }
}

/// Handle what a sub-iterator without a frame gave back: a value to pass out, its
/// return (StopIteration), or an error.
fn sub_result(rt: &mut Runtime, f: &mut Frame, r: PyResult) -> Act {
    match r {
        Ok(w) => {
            f.work.push(Step::Delegate);
            Act::Yield(w)
        }
        Err(Fail::Raise(x)) if ops::exc_matches(&x, &rt.types.stop_iteration) => {
            f.pop();
            let value = x.exc_data().args.first().cloned().unwrap_or(Value::None);
            f.push(value);
            Act::Next
        }
        Err(x) => {
            f.pop();
            Act::Raise(ops::expect_raise(x))
        }
    }
}

/// A frame resumed with `throw()`: raise at the suspension point, or pass the
/// exception to the sub-iterator it is delegating to.
pub fn throw_at_suspension(rt: &mut Runtime, f: &mut Frame, e: Exc) -> Act {
    if !matches!(f.work.last(), Some(Step::Delegate)) {
        return Act::Raise(e);
    }
    f.work.pop();
    let it = f.stack.last().cloned().unwrap_or(Value::None);
    if let Some(a) = crate::builtins::agen::delegate_step(rt, f, &it, Resume::Throw(e.clone())) {
        return a;
    }
    let it = crate::builtins::attrs::unwrap_coro_wrapper(&it).unwrap_or(it);
    let is_exit = ops::exc_matches(&e, &rt.types.generator_exit);
    match &it {
        Value::Gen(g) => {
            if is_exit {
                // Close the sub-generator, then raise GeneratorExit here.
                f.pop();
                if let Err(x) = close_nested(rt, g) {
                    return Act::Raise(x);
                }
                return Act::Raise(e);
            }
            match resume_frame(rt, g, Resume::Throw(e.clone()), ReturnMode::Delegate) {
                Ok(fr) => {
                    f.work.push(Step::Delegate);
                    Act::Call(Activation::Script(fr))
                }
                Err(ResumeErr::Finished) => {
                    f.pop();
                    Act::Raise(e)
                }
                Err(ResumeErr::Raise(x)) => {
                    f.pop();
                    Act::Raise(x)
                }
            }
        }
        _ => {
            if let Some(r) = crate::builtins::attrs::native_resume(rt, &it, Resume::Throw(e.clone())) {
                return sub_result(rt, f, r);
            }
            if is_exit {
                f.pop();
                if let Ok(close) = ops::attr::getattr(rt, &it, &crate::runtime::intern::intern("close")) {
                    if let Err(x) = ops::call::call_value(rt, close, vec![]) {
                        return Act::Raise(ops::expect_raise(x));
                    }
                }
                return Act::Raise(e);
            }
            match ops::attr::getattr(rt, &it, &crate::runtime::intern::intern("throw")) {
                Ok(throw) => {
                    let r = ops::call::call_value(rt, throw, vec![Value::Inst(e)]);
                    sub_result(rt, f, r)
                }
                Err(_) => {
                    f.pop();
                    Act::Raise(e)
                }
            }
        }
    }
}

/// `g.close()` from Rust.
pub fn close_nested(rt: &mut Runtime, g: &Rc<Generator>) -> Result<(), Exc> {
    match g.state() {
        GenState::Finished => return Ok(()),
        GenState::Created => {
            g.set_state(GenState::Finished);
            if let Some(fr) = g.frame().borrow_mut().take() {
                rt.recycle(fr);
            }
            return Ok(());
        }
        _ => {}
    }
    let exit = rt.new_exc(&rt.types.generator_exit, vec![]);
    match resume_nested(rt, g, Resume::Throw(exit)) {
        Ok(Outcome::Yield(_)) => Err(rt.exc_msg(&rt.types.runtime_error, format!("{} ignored GeneratorExit", kind_word(g)))),
        Ok(Outcome::Return(_)) | Err(ResumeErr::Finished) => Ok(()),
        Ok(Outcome::Raise(x)) | Err(ResumeErr::Raise(x)) => {
            if ops::exc_matches(&x, &rt.types.generator_exit) || ops::exc_matches(&x, &rt.types.stop_iteration) {
                Ok(())
            } else {
                Err(x)
            }
        }
    }
}

/// The object a suspended frame is delegating to (`gi_yieldfrom`, `cr_await`).
pub fn delegating_to(f: &Frame) -> Option<Value> {
    if matches!(f.work.last(), Some(Step::Delegate)) {
        // The sent value is not on the stack while parked: the iterator is on top.
        f.stack.last().cloned()
    } else {
        None
    }
}
