//! The classes of asyncio's native objects and its exception classes, created once per
//! thread on the first `import asyncio`.

use crate::runtime::class::{Class, Kind};
use crate::runtime::types::builtin_class;
use crate::runtime::Runtime;
use std::cell::RefCell;
use std::rc::Rc;

/// Every class the native part of asyncio uses.
pub struct Classes {
    /// `asyncio.Future`.
    pub future: Rc<Class>,
    /// `asyncio.Task` (derives from `Future`).
    pub task: Rc<Class>,
    /// The future `gather()` returns.
    pub gathering: Rc<Class>,
    /// The iterator `Future.__await__()` returns.
    pub fut_iter: Rc<Class>,
    /// The coroutine `asyncio.sleep()` returns.
    pub sleep: Rc<Class>,
    /// What `sleep(...).__await__()` returns.
    pub sleep_wrapper: Rc<Class>,
    /// `asyncio.Handle`.
    pub handle: Rc<Class>,
    /// `asyncio.TimerHandle` (derives from `Handle`).
    pub timer_handle: Rc<Class>,
    /// The event loop.
    pub event_loop: Rc<Class>,
    /// A listening socket or a connected one (`server.sockets[0]`).
    pub socket: Rc<Class>,
    /// `asyncio.CancelledError` (a `BaseException`).
    pub cancelled_error: Rc<Class>,
    /// `asyncio.InvalidStateError`.
    pub invalid_state: Rc<Class>,
    /// `asyncio.IncompleteReadError` (an `EOFError`).
    pub incomplete_read: Rc<Class>,
    /// `asyncio.LimitOverrunError`.
    pub limit_overrun: Rc<Class>,
    /// `asyncio.QueueEmpty`.
    pub queue_empty: Rc<Class>,
    /// `asyncio.QueueFull`.
    pub queue_full: Rc<Class>,
    /// `asyncio.SendfileNotAvailableError`.
    pub sendfile_unavailable: Rc<Class>,
    /// `asyncio.BrokenBarrierError`.
    pub broken_barrier: Rc<Class>,
    /// `collections.deque` (what `asyncio._deque()` makes, for queues and locks).
    pub deque: Rc<Class>,
}

thread_local! {
    static CLASSES: RefCell<Option<Rc<Classes>>> = const { RefCell::new(None) };
}

/// The classes, once `asyncio` has been imported.
pub fn get() -> Option<Rc<Classes>> {
    CLASSES.with(|c| c.borrow().clone())
}

/// `f` of the classes, borrowed in place (no `Rc` clone of the set): for the
/// built-in objects' `Object::class`, which a method call on them asks every time.
/// Panics before `asyncio` is imported (no such object exists before).
#[inline]
pub fn with<T>(f: impl FnOnce(&Classes) -> T) -> T {
    CLASSES.with(|c| f(c.borrow().as_ref().expect("asyncio classes")))
}

/// The classes (created on demand).
pub fn classes(rt: &Runtime) -> Rc<Classes> {
    if let Some(c) = get() {
        return c;
    }
    let c = Rc::new(create(rt));
    CLASSES.with(|s| *s.borrow_mut() = Some(c.clone()));
    super::future::install(&c);
    super::task::install(&c);
    super::handle::install(&c);
    super::sleep::install(&c);
    super::event_loop::install(&c);
    super::net::install(&c);
    super::socket::install(&c);
    super::deque::install(&c);
    c
}

fn create(rt: &Runtime) -> Classes {
    let t = &rt.types;
    let obj = || vec![t.object.clone()];
    let future = builtin_class("Future", "_asyncio", obj(), Kind::Other);
    let handle = builtin_class("Handle", "asyncio.events", obj(), Kind::Other);
    let exc = |name: &str, module: &str, base: &str| builtin_class(name, module, vec![t.exc(base)], Kind::Exception);
    Classes {
        task: builtin_class("Task", "_asyncio", vec![future.clone()], Kind::Other),
        gathering: builtin_class("_GatheringFuture", "asyncio.tasks", vec![future.clone()], Kind::Other),
        fut_iter: builtin_class("FutureIter", "_asyncio", obj(), Kind::Other),
        sleep: builtin_class("coroutine", "builtins", obj(), Kind::Other),
        sleep_wrapper: builtin_class("coroutine_wrapper", "builtins", obj(), Kind::Other),
        timer_handle: builtin_class("TimerHandle", "asyncio.events", vec![handle.clone()], Kind::Other),
        event_loop: builtin_class("_UnixSelectorEventLoop", "asyncio.unix_events", obj(), Kind::Other),
        socket: builtin_class("TransportSocket", "asyncio.trsock", obj(), Kind::Other),
        cancelled_error: builtin_class("CancelledError", "asyncio.exceptions", vec![t.base_exception.clone()], Kind::Exception),
        invalid_state: exc("InvalidStateError", "asyncio.exceptions", "Exception"),
        incomplete_read: exc("IncompleteReadError", "asyncio.exceptions", "EOFError"),
        limit_overrun: exc("LimitOverrunError", "asyncio.exceptions", "Exception"),
        queue_empty: exc("QueueEmpty", "asyncio.queues", "Exception"),
        queue_full: exc("QueueFull", "asyncio.queues", "Exception"),
        sendfile_unavailable: exc("SendfileNotAvailableError", "asyncio.exceptions", "RuntimeError"),
        broken_barrier: exc("BrokenBarrierError", "asyncio.exceptions", "RuntimeError"),
        deque: builtin_class("deque", "collections", obj(), Kind::Other),
        future,
        handle,
    }
}

/// Whether `e` is an `asyncio.CancelledError`.
pub fn is_cancelled_error(e: &crate::runtime::class::Exc) -> bool {
    match get() {
        Some(c) => e.class().is_subclass(&c.cancelled_error),
        None => false,
    }
}

/// Whether `e` is a `KeyboardInterrupt` or `SystemExit` (which stop the loop).
pub fn is_base_error(rt: &Runtime, e: &crate::runtime::class::Exc) -> bool {
    e.class().is_subclass(&rt.types.keyboard_interrupt) || e.class().is_subclass(&rt.types.exc("SystemExit")) || crate::limits::is_halt(e)
}
