//! The built-in event loop (`asyncio`).
//!
//! The core is Rust: the loop itself (a FIFO ready queue, a timer heap ordered as
//! CPython's `heapq` orders `TimerHandle`s, I/O readiness through mio), `Future`,
//! `Task`, handles, `asyncio.run`, and the TCP transports. The high-level parts
//! (`gather`, `wait_for`, `TaskGroup`, `Queue`, `Lock`, streams...) are Coro source in
//! `src/aio/*.coro`, compiled on the first `import asyncio`, written after CPython's
//! algorithms so that callbacks are scheduled in the same order.
//!
//! The evaluator reaches this module through the hooks below (`module`, `construct`,
//! `native_await`, `native_resume`...).

pub mod address;
pub mod buffer;
pub mod classes;
pub mod deque;
pub mod event_loop;
pub mod future;
pub mod handle;
pub mod heap;
pub mod lib;
pub mod log;
pub mod net;
pub mod oserror;
pub mod runner;
pub mod signals;
pub mod socket;
pub mod sleep;
pub mod steer;
pub mod task;

use crate::eval::native::{Args, Ret};
use crate::eval::suspend::Resume;
use crate::ops::PyResult;
use crate::runtime::class::{Class, Exc};
use crate::runtime::generator::Generator;
use crate::runtime::object::downcast;
use crate::runtime::value::Value;
use crate::runtime::Runtime;
use std::rc::Rc;

/// The `asyncio` module (built on first import).
pub fn module(rt: &mut Runtime) -> Result<Value, Exc> {
    lib::build_module(rt)
}

/// Construct an asyncio class instance, if `cls` is one.
pub fn construct(rt: &mut Runtime, cls: &Rc<Class>, a: Args) -> Option<Ret> {
    let c = classes::get()?;
    if Rc::ptr_eq(cls, &c.future) {
        return Some(future::construct_future(rt, a));
    }
    if Rc::ptr_eq(cls, &c.task) {
        return Some(task::construct_task(rt, a));
    }
    None
}

/// Call an asyncio object, if callable.
pub fn call_object(_rt: &mut Runtime, _v: &Value, _a: Args) -> Option<Ret> {
    None
}

/// Whether an asyncio object is callable.
pub fn is_callable_obj(_v: &Value) -> bool {
    false
}

/// The iterator behind awaiting an asyncio object: a future (or task) is its own
/// await iterator, as is the one-turn `sleep(0)` helper.
pub fn native_await(rt: &mut Runtime, v: &Value) -> Option<Result<Value, Exc>> {
    if downcast::<future::Fut>(v).is_some() {
        return Some(Ok(v.clone()));
    }
    if let Some(s) = downcast::<sleep::Sleep>(v) {
        return Some(sleep::await_sleep(rt, s).map(|_| v.clone()));
    }
    // The iterators their `__await__` returns (`FutureIter`, the sleep's
    // `coroutine_wrapper`) are not awaitable themselves, as in CPython.
    None
}

/// Whether `v` is an asyncio awaitable iterator.
pub fn is_native_resumable(v: &Value) -> bool {
    downcast::<future::Fut>(v).is_some() || sleep::sleep_of(v).is_some() || downcast::<future::FutIter>(v).is_some()
}

/// Resume an asyncio awaitable iterator: `Ok(v)` passes `v` out to whoever drives the
/// coroutine; `StopIteration(value)` finishes the `await` with `value`.
pub fn native_resume(rt: &mut Runtime, it: &Value, r: Resume) -> Option<PyResult> {
    if let Some(f) = downcast::<future::Fut>(it) {
        return Some(future::await_step(rt, f, r));
    }
    if let Some(fi) = downcast::<future::FutIter>(it) {
        return Some(future::await_step(rt, &fi.fut, r));
    }
    if let Some(s) = sleep::sleep_of(it) {
        return Some(s.step(rt, r));
    }
    None
}

/// [`native_resume`] as the delegation step takes it (the `await`'s value as
/// `Outcome::Return`, no `StopIteration` made); `r` handed back when `it` is not an
/// asyncio awaitable iterator.
#[inline]
pub fn native_outcome(rt: &mut Runtime, it: &Value, r: Resume) -> Result<crate::eval::machine::Outcome, Resume> {
    if let Some(f) = downcast::<future::Fut>(it) {
        return Ok(future::await_outcome(rt, f, r));
    }
    if let Some(s) = sleep::sleep_of(it) {
        return Ok(s.outcome(rt, r));
    }
    if let Some(fi) = downcast::<future::FutIter>(it) {
        return Ok(future::await_outcome(rt, &fi.fut, r));
    }
    Err(r)
}

/// `await v` of a future or an `asyncio.sleep` (not their `__await__` wrappers):
/// the checks [`native_await`] makes, then the first step as [`native_outcome`]
/// takes it. None for anything else.
#[inline]
pub fn native_await_first(rt: &mut Runtime, v: &Value) -> Option<crate::eval::machine::Outcome> {
    if let Some(f) = downcast::<future::Fut>(v) {
        return Some(future::await_outcome(rt, f, Resume::Send(Value::None)));
    }
    if let Some(s) = downcast::<sleep::Sleep>(v) {
        if let Err(e) = sleep::await_sleep(rt, s) {
            return Some(crate::eval::machine::Outcome::Raise(e));
        }
        return Some(s.outcome(rt, Resume::Send(Value::None)));
    }
    None
}

/// Called when an async generator is first iterated: under a running loop it is
/// remembered so `asyncio.run` can close it at exit (CPython's `firstiter` hook).
pub fn asyncgen_first_iter(_rt: &mut Runtime, g: &Rc<Generator>) {
    if let Some(lp) = event_loop::running() {
        g.set_ag_hooked(true);
        lp.asyncgens.borrow_mut().push(Rc::downgrade(g));
    }
}

/// An async generator first iterated under a loop was dropped while suspended: if a
/// loop is running, it takes the frame and closes the generator as a task
/// (`call_soon(loop.create_task, agen.aclose())`, CPython's finalizer hook); otherwise
/// the frame is handed back for the ordinary finalization.
pub fn asyncgen_dropped(frame: crate::eval::frame::FrameBox, qualname: Rc<crate::runtime::str::PyStr>) -> Option<crate::eval::frame::FrameBox> {
    match event_loop::running() {
        Some(lp) => {
            match lp.ready.try_borrow_mut() {
                Ok(mut ready) => ready.push_back(event_loop::Entry::CloseAgen(frame, qualname)),
                Err(_) => event_loop::DROPPED_AGENS.with(|d| d.borrow_mut().push((lp.clone(), frame, qualname))),
            }
            None
        }
        None => Some(frame),
    }
}

/// The virtual clock, when `--virtual-time` is on.
pub fn virtual_now() -> Option<f64> {
    steer::virtual_now()
}

/// Advance the virtual clock instead of sleeping; false when time is real.
pub fn virtual_sleep(secs: f64) -> bool {
    steer::advance(secs)
}

