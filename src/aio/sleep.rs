//! `asyncio.sleep(delay, result=None)`: a native coroutine. A delay <= 0 gives up one
//! turn of the loop (a bare `yield` of None, as CPython's `__sleep0`); a positive delay
//! makes a future finished by a timer (`call_later(delay,
//! _set_result_unless_cancelled, fut, result)`), waits for it and cancels the timer
//! however the wait ends, as CPython's `sleep` does in its `finally`.

use super::classes::{self, Classes};
use super::event_loop::running_or_err;
use super::future::{await_outcome, Fut, FutKind};
use super::handle::Handle;
use crate::builtins::{add_method, raise};
use crate::eval::machine::Outcome;
use crate::eval::native::{Args, Ret};
use crate::eval::suspend::Resume;
use crate::ops::PyResult;
use crate::runtime::class::{Class, Exc};
use crate::runtime::object::{downcast, Object};
use crate::runtime::str::PyStr;
use crate::runtime::value::Value;
use crate::runtime::Runtime;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// Where a sleep is in its life.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Created, not started.
    Created,
    /// Suspended: yielded None (no delay) or waiting for its future.
    Waiting,
    /// Returned, raised or closed.
    Done,
}

/// The coroutine `asyncio.sleep()` returns.
pub struct Sleep {
    /// The delay in seconds (an error for a delay that is not a number).
    delay: Result<f64, String>,
    result: Value,
    phase: Cell<Phase>,
    /// Set once awaited (a second `await` is an error).
    awaited: Cell<bool>,
    fut: RefCell<Option<Rc<Fut>>>,
    timer: RefCell<Option<Rc<Handle>>>,
}

impl Sleep {
    fn finish(&self) {
        self.phase.set(Phase::Done);
        if let Some(h) = self.timer.borrow_mut().take() {
            h.cancel();
        }
        self.fut.borrow_mut().take();
    }

    /// Advance the coroutine: `Ok(v)` yields v; `StopIteration` returns.
    pub fn step(&self, rt: &mut Runtime, r: Resume) -> PyResult {
        let o = self.outcome(rt, r);
        super::future::outcome_result(rt, o)
    }

    /// [`Sleep::step`] as the delegation step and the task take it: the return is
    /// `Outcome::Return`, with no `StopIteration` made.
    pub fn outcome(&self, rt: &mut Runtime, r: Resume) -> Outcome {
        match (self.phase.get(), r) {
            (Phase::Done, Resume::Throw(e)) => Outcome::Raise(e),
            (Phase::Done, Resume::Send(_)) => Outcome::Raise(rt.exc_msg(&rt.types.runtime_error, "cannot reuse already awaited coroutine")),
            (Phase::Created, Resume::Throw(e)) => {
                self.finish();
                Outcome::Raise(e)
            }
            (Phase::Created, Resume::Send(v)) => {
                if !v.is_none() {
                    return Outcome::Raise(rt.type_error("can't send non-None value to a just-started coroutine"));
                }
                let delay = match &self.delay {
                    Ok(d) => *d,
                    Err(msg) => {
                        self.finish();
                        return Outcome::Raise(rt.type_error(msg.clone()));
                    }
                };
                if delay <= 0.0 {
                    self.phase.set(Phase::Waiting);
                    return Outcome::Yield(Value::None);
                }
                let lp = match running_or_err(rt) {
                    Ok(l) => l,
                    Err(e) => {
                        self.finish();
                        return Outcome::Raise(e);
                    }
                };
                let fut = Fut::new(&lp, FutKind::Future, None);
                let cb = crate::builtins::native("_set_result_unless_cancelled", super::future::set_result_unless_cancelled);
                let h = lp.call_at(super::event_loop::now() + delay, cb, vec![fut.val(), self.result.clone()]);
                *self.timer.borrow_mut() = Some(h);
                *self.fut.borrow_mut() = Some(fut.clone());
                self.phase.set(Phase::Waiting);
                self.wait(rt, &fut, Resume::Send(Value::None))
            }
            (Phase::Waiting, r) => {
                let fut = self.fut.borrow().clone();
                match fut {
                    None => {
                        self.finish();
                        match r {
                            Resume::Throw(e) => Outcome::Raise(e),
                            Resume::Send(_) => Outcome::Return(self.result.clone()),
                        }
                    }
                    Some(f) => self.wait(rt, &f, r),
                }
            }
        }
    }

    fn wait(&self, rt: &mut Runtime, fut: &Fut, r: Resume) -> Outcome {
        let out = await_outcome(rt, fut, r);
        if !matches!(out, Outcome::Yield(_)) {
            self.finish();
        }
        out
    }

    /// `close()`.
    fn close(&self) {
        self.finish();
    }
}

impl Object for Sleep {
    fn class(&self, _rt: &Runtime) -> Rc<Class> {
        classes::with(|c| c.sleep.clone())
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn get_attr(&self, _rt: &mut Runtime, name: &PyStr, _this: &Value) -> Option<Value> {
        Some(match name.as_str() {
            "__name__" | "__qualname__" => Value::str("sleep"),
            "cr_running" => Value::Bool(false),
            "cr_suspended" => Value::Bool(self.phase.get() == Phase::Waiting),
            "cr_frame" | "cr_origin" => Value::None,
            "cr_await" => self.fut.borrow().as_ref().map(|f| f.val()).unwrap_or(Value::None),
            _ => return None,
        })
    }
    fn repr(&self, _rt: &mut Runtime, this: &Value) -> Option<String> {
        Some(format!("<coroutine object sleep at {:#x}>", this.id()))
    }
}

/// What `sleep(...).__await__()` returns: an iterator over the same coroutine.
pub struct SleepWrapper(pub Value);

impl Object for SleepWrapper {
    fn class(&self, _rt: &Runtime) -> Rc<Class> {
        classes::with(|c| c.sleep_wrapper.clone())
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn iter(&self, _rt: &mut Runtime, this: &Value) -> Option<PyResult<Value>> {
        Some(Ok(this.clone()))
    }
}

/// The sleep behind a value that is a sleep or its `__await__` wrapper.
pub fn sleep_of(v: &Value) -> Option<&Sleep> {
    if let Some(s) = downcast::<Sleep>(v) {
        return Some(s);
    }
    downcast::<SleepWrapper>(v).and_then(|w| downcast::<Sleep>(&w.0))
}

/// `await sleep(...)`: the sleep is its own await iterator.
pub fn await_sleep(rt: &Runtime, s: &Sleep) -> Result<(), Exc> {
    if s.phase.get() == Phase::Done {
        return Err(rt.exc_msg(&rt.types.runtime_error, "cannot reuse already awaited coroutine"));
    }
    if s.awaited.get() && s.phase.get() != Phase::Created {
        return Err(rt.exc_msg(&rt.types.runtime_error, "coroutine is being awaited already"));
    }
    s.awaited.set(true);
    Ok(())
}

/// `asyncio.sleep(delay, result=None)`.
pub fn aio_sleep(rt: &mut Runtime, a: Args) -> Ret {
    let Some(d) = a.pos.first().or(a.kw("delay")) else {
        return raise(rt.type_error("sleep() missing 1 required positional argument: 'delay'"));
    };
    let delay = match d {
        Value::Int(i) => Ok(*i as f64),
        Value::Float(f) => Ok(*f),
        Value::Bool(b) => Ok(*b as i64 as f64),
        Value::BigInt(b) => Ok(num_traits::ToPrimitive::to_f64(&**b).unwrap_or(f64::INFINITY)),
        other => Err(format!("'<=' not supported between instances of '{}' and 'int'", crate::ops::type_name(rt, other))),
    };
    let result = a.pos.get(1).or(a.kw("result")).cloned().unwrap_or(Value::None);
    Ret::Val(Value::Obj(crate::runtime::objref::ObjRef::new(Sleep {
        delay,
        result,
        phase: Cell::new(Phase::Created),
        awaited: Cell::new(false),
        fut: RefCell::new(None),
        timer: RefCell::new(None),
    })))
}

fn this<'a>(rt: &Runtime, a: &Args<'a>) -> Result<&'a Sleep, Exc> {
    a.pos.first().and_then(sleep_of).ok_or_else(|| rt.type_error("a coroutine is required"))
}

macro_rules! sleep_or_raise {
    ($rt:expr, $a:expr) => {
        match this($rt, &$a) {
            Ok(s) => s,
            Err(e) => return raise(e),
        }
    };
}

fn m_send(rt: &mut Runtime, a: Args) -> Ret {
    let s = sleep_or_raise!(rt, a);
    let v = a.pos.get(1).cloned().unwrap_or(Value::None);
    crate::builtins::ret(s.step(rt, Resume::Send(v)))
}

fn m_throw(rt: &mut Runtime, a: Args) -> Ret {
    let s = sleep_or_raise!(rt, a);
    match crate::builtins::generators::throw_exception(rt, &a.pos[1..]) {
        Ok(e) => crate::builtins::ret(s.step(rt, Resume::Throw(e))),
        Err(e) => raise(e),
    }
}

fn m_close(rt: &mut Runtime, a: Args) -> Ret {
    let s = sleep_or_raise!(rt, a);
    s.close();
    Ret::Val(Value::None)
}

fn m_await(rt: &mut Runtime, a: Args) -> Ret {
    let _ = sleep_or_raise!(rt, a);
    Ret::Val(Value::Obj(crate::runtime::objref::ObjRef::new(SleepWrapper(a.pos[0].clone()))))
}

fn m_iter(_rt: &mut Runtime, a: Args) -> Ret {
    Ret::Val(a.pos[0].clone())
}

/// Add the coroutine methods.
pub fn install(c: &Classes) {
    for cls in [&c.sleep, &c.sleep_wrapper] {
        add_method(cls, "send", m_send);
        add_method(cls, "throw", m_throw);
        add_method(cls, "close", m_close);
    }
    add_method(&c.sleep, "__await__", m_await);
    add_method(&c.sleep_wrapper, "__next__", m_send);
    add_method(&c.sleep_wrapper, "__iter__", m_iter);
}
