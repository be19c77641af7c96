//! Async generators: the awaitables returned by `__anext__`, `asend`, `athrow` and
//! `aclose`, which drive the generator's frame and turn its `yield`s into results.

use super::{add_method, raise};
use crate::eval::frame::{Activation, Frame, FrameBox, ReturnMode};
use crate::eval::suspend::{resume_frame, Resume, ResumeErr};
use crate::eval::machine::{Act, Outcome};
use crate::eval::native::{Args, Ret};
use crate::ops;
use crate::runtime::class::{Class, Exc};
use crate::runtime::generator::{GenKind, GenState, Generator};
use crate::runtime::object::{downcast, Object};
use crate::runtime::value::Value;
use crate::runtime::Runtime;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// Which operation an awaitable performs.
#[derive(Clone)]
pub enum AgOp {
    /// `__anext__()` / `asend(value)`.
    Send(Value),
    /// `athrow(exc)`.
    Throw(Exc),
    /// `aclose()`.
    Close,
}

/// What the driver does when an async generator frame yields, returns or raises under
/// one of these awaitables.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AgMode {
    /// `__anext__`/`asend`/`athrow`: a `yield` is the result; a return is
    /// StopAsyncIteration.
    Step,
    /// `aclose`: a `yield` is "ignored GeneratorExit"; the end is the result (None).
    Close,
}

/// The awaitable of one async generator operation.
pub struct AgAwait {
    /// The generator.
    pub owner: Rc<Generator>,
    /// The operation, until it starts.
    pub op: RefCell<Option<AgOp>>,
    /// Set once the operation finished (a second await is an error).
    pub done: Cell<bool>,
    /// An `athrow()`/`aclose()` awaitable (its type and messages differ).
    pub throwing: bool,
    /// How the generator's frame runs for this awaitable once the operation started.
    pub mode: Cell<AgMode>,
}

impl Object for AgAwait {
    fn class(&self, rt: &Runtime) -> Rc<Class> {
        let c = rt.types.other(if self.throwing { "async_generator_athrow" } else { "async_generator_asend" });
        if c.dict.is_empty() {
            add_method(&c, "send", aw_send);
            add_method(&c, "throw", aw_throw);
            add_method(&c, "close", aw_close);
            add_method(&c, "__next__", aw_next);
            add_method(&c, "__iter__", aw_self);
            add_method(&c, "__await__", aw_self);
        }
        c
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

fn new_await(g: &Rc<Generator>, op: AgOp) -> Value {
    let throwing = !matches!(op, AgOp::Send(_));
    Value::Obj(crate::runtime::objref::ObjRef::new(AgAwait { owner: g.clone(), op: RefCell::new(Some(op)), done: Cell::new(false), throwing, mode: Cell::new(AgMode::Step) }))
}

/// The awaitable for `__anext__()`.
pub fn anext_awaitable(_rt: &mut Runtime, g: &Rc<Generator>) -> Value {
    new_await(g, AgOp::Send(Value::None))
}

fn mode_of(op: &AgOp) -> AgMode {
    if matches!(op, AgOp::Close) { AgMode::Close } else { AgMode::Step }
}

/// Start or continue an awaitable: the frame to push (in `AgenStep` mode), or a
/// result known right away.
pub enum AwStart {
    /// Run this frame.
    Frame(FrameBox),
    /// Finished with this value.
    Value(Value),
    /// Raise.
    Raise(Exc),
}

/// Resume the generator behind `aw` with `sent` (or `throw`), starting its operation
/// on first use.
pub fn aw_resume(rt: &mut Runtime, aw: &AgAwait, sent: Resume) -> AwStart {
    if aw.done.get() {
        let what = if aw.throwing { "aclose()/athrow()" } else { "__anext__()/asend()" };
        return AwStart::Raise(rt.exc_msg(&rt.types.runtime_error, format!("cannot reuse already awaited {what}")));
    }
    let g = &aw.owner;
    if !g.ag_hooked() {
        crate::aio::asyncgen_first_iter(rt, g);
    }
    let first = aw.op.borrow_mut().take();
    let (input, mode) = match first {
        // `throw()` on an awaitable that has not started throws into the generator.
        Some(AgOp::Send(_)) if matches!(sent, Resume::Throw(_)) => {
            aw_mode_store(aw, AgMode::Step);
            (sent, AgMode::Step)
        }
        Some(op) => {
            let mode = mode_of(&op);
            *aw.op.borrow_mut() = None;
            let input = match op {
                AgOp::Send(v) => {
                    if g.ag_running() {
                        aw.done.set(true);
                        return AwStart::Raise(rt.exc_msg(&rt.types.runtime_error, "anext(): asynchronous generator is already running"));
                    }
                    Resume::Send(v)
                }
                AgOp::Throw(e) => Resume::Throw(e),
                AgOp::Close => {
                    if matches!(g.state(), GenState::Created | GenState::Finished) {
                        g.set_state(GenState::Finished);
                        g.frame().borrow_mut().take();
                        aw.done.set(true);
                        return AwStart::Value(Value::None);
                    }
                    Resume::Throw(rt.new_exc(&rt.types.generator_exit, vec![]))
                }
            };
            if mode == AgMode::Close {
                g.set_ag_closed(true);
            }
            aw_mode_store(aw, mode);
            (input, mode)
        }
        None => (sent, aw_mode_load(aw)),
    };
    match resume_frame(rt, g, input, ReturnMode::AgenStep(mode)) {
        Ok(fr) => {
            g.set_ag_running(true);
            AwStart::Frame(fr)
        }
        Err(ResumeErr::Finished) => {
            aw.done.set(true);
            if mode == AgMode::Close {
                AwStart::Value(Value::None)
            } else {
                AwStart::Raise(rt.new_exc(&rt.types.stop_async_iteration, vec![]))
            }
        }
        Err(ResumeErr::Raise(e)) => {
            aw.done.set(true);
            AwStart::Raise(e)
        }
    }
}

fn aw_mode_store(aw: &AgAwait, mode: AgMode) {
    aw.mode.set(mode);
}

fn aw_mode_load(aw: &AgAwait) -> AgMode {
    aw.mode.get()
}

/// For the delegating step: start or continue the awaitable `it` without recursion.
pub fn delegate_step(rt: &mut Runtime, f: &mut Frame, it: &Value, sent: Resume) -> Option<Act> {
    let aw = downcast::<AgAwait>(it)?;
    Some(match aw_resume(rt, aw, sent) {
        AwStart::Frame(fr) => {
            f.work.push(crate::eval::step::Step::Delegate);
            Act::Call(Activation::Script(fr))
        }
        AwStart::Value(v) => {
            f.pop();
            f.push(v);
            Act::Next
        }
        AwStart::Raise(e) => {
            f.pop();
            Act::Raise(e)
        }
    })
}

/// `async for` over an async generator: its `__anext__` awaitable is made, put on the
/// frame's stack and started here, as `await` of it would do through
/// `suspend::await_now`, `delegate` and [`delegate_step`] (without their generic
/// checks). Not for the tracer (it reports the await).
pub fn anext_now(rt: &mut Runtime, f: &mut Frame, g: &Rc<Generator>) -> Act {
    // What `aw_resume` does for a new `__anext__` awaitable, which starts at once.
    if !g.ag_hooked() {
        crate::aio::asyncgen_first_iter(rt, g);
    }
    if g.ag_running() {
        return Act::Raise(rt.exc_msg(&rt.types.runtime_error, "anext(): asynchronous generator is already running"));
    }
    match resume_frame(rt, g, Resume::Send(Value::None), ReturnMode::AgenStep(AgMode::Step)) {
        Ok(fr) => {
            g.set_ag_running(true);
            let aw = AgAwait { owner: g.clone(), op: RefCell::new(None), done: Cell::new(false), throwing: false, mode: Cell::new(AgMode::Step) };
            f.push(Value::Obj(crate::runtime::objref::ObjRef::new(aw)));
            f.work.push(crate::eval::step::Step::Delegate);
            Act::Call(Activation::Script(fr))
        }
        Err(ResumeErr::Finished) => Act::Raise(rt.new_exc(&rt.types.stop_async_iteration, vec![])),
        Err(ResumeErr::Raise(e)) => Act::Raise(e),
    }
}

/// Mark the awaitable a frame was delegating to as finished.
pub fn finish_awaitable(it: &Value) {
    if let Some(aw) = downcast::<AgAwait>(it) {
        aw.done.set(true);
        aw.owner.set_ag_running(false);
    }
}

/// Drive an awaitable by hand (`aw.send(v)` outside an event loop), in a nested run.
fn aw_drive(rt: &mut Runtime, aw: &AgAwait, input: Resume) -> Ret {
    let mode = if aw.op.borrow().is_some() { mode_of(aw.op.borrow().as_ref().unwrap()) } else { aw_mode_load(aw) };
    match aw_resume(rt, aw, input) {
        AwStart::Value(v) => raise(crate::eval::suspend::stop_iteration(rt, v)),
        AwStart::Raise(e) => raise(e),
        AwStart::Frame(mut fr) => {
            fr.mode = ReturnMode::Base;
            let g = aw.owner.clone();
            let a = Activation::Script(fr);
            if rt.trace.is_some() {
                crate::trace::pushed(rt, None, &a);
            }
            let out = crate::eval::machine::run(rt, a);
            match out {
                // The generator's own item, or a value one of its awaits passes out
                // (its parked frame tells).
                Outcome::Yield(x) => match g.frame().borrow().as_deref().is_some_and(crate::eval::suspend::yields_item) {
                    true => {
                        aw.done.set(true);
                        g.set_ag_running(false);
                        if mode == AgMode::Close {
                            return raise(rt.exc_msg(&rt.types.runtime_error, "async generator ignored GeneratorExit"));
                        }
                        raise(crate::eval::suspend::stop_iteration(rt, x))
                    }
                    false => Ret::Val(x),
                },
                Outcome::Return(_) => {
                    aw.done.set(true);
                    g.set_ag_running(false);
                    if mode == AgMode::Close {
                        raise(crate::eval::suspend::stop_iteration(rt, Value::None))
                    } else {
                        raise(rt.new_exc(&rt.types.stop_async_iteration, vec![]))
                    }
                }
                Outcome::Raise(e) => {
                    aw.done.set(true);
                    g.set_ag_running(false);
                    if mode == AgMode::Close
                        && (ops::exc_matches(&e, &rt.types.generator_exit) || ops::exc_matches(&e, &rt.types.stop_async_iteration))
                    {
                        return raise(crate::eval::suspend::stop_iteration(rt, Value::None));
                    }
                    raise(e)
                }
            }
        }
    }
}

fn this_aw<'a>(a: &'a Args) -> Option<&'a AgAwait> {
    downcast::<AgAwait>(&a.pos[0])
}

fn aw_send(rt: &mut Runtime, a: Args) -> Ret {
    let Some(aw) = this_aw(&a) else { return Ret::Val(Value::None) };
    let v = a.pos.get(1).cloned().unwrap_or(Value::None);
    aw_drive(rt, aw, Resume::Send(v))
}

fn aw_next(rt: &mut Runtime, a: Args) -> Ret {
    let Some(aw) = this_aw(&a) else { return Ret::Val(Value::None) };
    aw_drive(rt, aw, Resume::Send(Value::None))
}

fn aw_throw(rt: &mut Runtime, a: Args) -> Ret {
    let Some(aw) = this_aw(&a) else { return Ret::Val(Value::None) };
    let e = match super::generators::throw_exception(rt, &a.pos[1..]) {
        Ok(e) => e,
        Err(x) => return raise(x),
    };
    aw_drive(rt, aw, Resume::Throw(e))
}

fn aw_close(_rt: &mut Runtime, a: Args) -> Ret {
    if let Some(aw) = this_aw(&a) {
        aw.done.set(true);
    }
    Ret::Val(Value::None)
}

fn aw_self(_rt: &mut Runtime, a: Args) -> Ret {
    Ret::Val(a.pos[0].clone())
}

fn this(a: &Args) -> Option<Rc<Generator>> {
    match &a.pos[0] {
        Value::Gen(g) if g.kind() == GenKind::AsyncGenerator => Some(g.clone()),
        _ => None,
    }
}

fn anext(rt: &mut Runtime, a: Args) -> Ret {
    match this(&a) {
        Some(g) => Ret::Val(anext_awaitable(rt, &g)),
        None => Ret::Val(Value::None),
    }
}

fn asend(rt: &mut Runtime, a: Args) -> Ret {
    let Some(g) = this(&a) else { return Ret::Val(Value::None) };
    if a.pos.len() != 2 {
        return raise(rt.type_error(format!("async_generator.asend() takes exactly one argument ({} given)", a.pos.len() - 1)));
    }
    Ret::Val(new_await(&g, AgOp::Send(a.pos[1].clone())))
}

fn athrow(rt: &mut Runtime, a: Args) -> Ret {
    let Some(g) = this(&a) else { return Ret::Val(Value::None) };
    match super::generators::throw_exception(rt, &a.pos[1..]) {
        Ok(e) => Ret::Val(new_await(&g, AgOp::Throw(e))),
        Err(x) => raise(x),
    }
}

fn aclose(_rt: &mut Runtime, a: Args) -> Ret {
    match this(&a) {
        Some(g) => Ret::Val(new_await(&g, AgOp::Close)),
        None => Ret::Val(Value::None),
    }
}

fn aiter(_rt: &mut Runtime, a: Args) -> Ret {
    Ret::Val(a.pos[0].clone())
}

fn builtin_aiter(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = super::check_args(rt, &a, "aiter", 1, 1) {
        return raise(e);
    }
    let v = &a.pos[0];
    let has = matches!(v, Value::Gen(g) if g.kind() == GenKind::AsyncGenerator) || ops::attr::lookup_special(rt, v, "__aiter__").is_some();
    if !has {
        let tn = ops::type_name(rt, v);
        return raise(rt.type_error(format!("'{tn}' object is not an async iterable")));
    }
    match crate::eval::iterate::aiter(rt, v) {
        Ok(v) => Ret::Val(v),
        Err(e) => raise(e),
    }
}

fn builtin_anext(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = super::check_args(rt, &a, "anext", 1, 2) {
        return raise(e);
    }
    let it = &a.pos[0];
    let aw = match it {
        Value::Gen(g) if g.kind() == GenKind::AsyncGenerator => anext_awaitable(rt, g),
        _ => match ops::attr::lookup_special(rt, it, "__anext__") {
            Some(m) => match ops::call::call_value(rt, m, vec![it.clone()]) {
                Ok(v) => v,
                Err(e) => return raise(ops::expect_raise(e)),
            },
            None => {
                let tn = ops::type_name(rt, it);
                return raise(rt.type_error(format!("'{tn}' object is not an async iterator")));
            }
        },
    };
    match a.pos.get(1) {
        None => Ret::Val(aw),
        Some(d) => {
            let helper = match super::prelude::function(rt, "_anext_default") {
                Ok(h) => h,
                Err(e) => return raise(e),
            };
            let r = ops::call::call_value(rt, helper, vec![aw, d.clone()]);
            super::ret(r)
        }
    }
}

/// Register async generator methods and `aiter`/`anext`.
pub fn install(rt: &mut Runtime) {
    let c = rt.types.async_generator.clone();
    add_method(&c, "__anext__", anext);
    add_method(&c, "__aiter__", aiter);
    add_method(&c, "asend", asend);
    add_method(&c, "athrow", athrow);
    add_method(&c, "aclose", aclose);
    super::add_fn(rt, "aiter", builtin_aiter);
    super::add_fn(rt, "anext", builtin_anext);
}
