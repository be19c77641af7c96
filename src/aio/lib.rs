//! Building the `asyncio` module: the native classes and functions, then the parts
//! written in Coro (`tasks.coro`, `locks.coro`, `queues.coro`), run in the same
//! namespace on the first `import asyncio`; `streams.coro` (TCP streams) runs there
//! on first use.

use super::classes;
use crate::builtins::native;
use crate::eval::native::NativeImpl;
use crate::runtime::class::Exc;
use crate::runtime::dict::Dict;
use crate::runtime::intern::intern;
use crate::runtime::value::Value;
use crate::runtime::Runtime;
use crate::span::SourceFile;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// The Coro sources run when the module is built, in load order.
const SOURCES: &[(&str, &str)] = &[
    ("asyncio/tasks.coro", include_str!("tasks.coro")),
    ("asyncio/locks.coro", include_str!("locks.coro")),
    ("asyncio/queues.coro", include_str!("queues.coro")),
];

/// The Coro sources run on first use ([`load_deferred`]): TCP streams and servers
/// (`open_connection`, `start_server`, `StreamReader`...), which nothing else in the
/// module refers to. Compiling them took about as long as the three others together,
/// on every run of every program that imports asyncio.
const DEFERRED: &[(&str, &str)] = &[("asyncio/streams.coro", include_str!("streams.coro"))];

thread_local! {
    static NS: RefCell<Option<Rc<Dict>>> = const { RefCell::new(None) };
    static DEFERRED_DONE: Cell<bool> = const { Cell::new(false) };
}

/// Run the deferred sources of the module in its namespace, if `ns` is that namespace
/// and they have not run yet: called when a name is not found there (a module
/// attribute, `from asyncio import ...`, a name native code asks for) and before
/// `dir(asyncio)` lists it. Returns whether they ran now (then look again).
pub fn load_deferred(rt: &mut Runtime, ns: &Rc<Dict>) -> Result<bool, Exc> {
    if DEFERRED_DONE.with(|d| d.get()) || !NS.with(|n| n.borrow().as_ref().is_some_and(|x| Rc::ptr_eq(x, ns))) {
        return Ok(false);
    }
    DEFERRED_DONE.with(|d| d.set(true));
    for (file, text) in DEFERRED {
        run_source(rt, ns, file, text)?;
    }
    Ok(true)
}

/// A name from the module namespace (for the native parts that call Coro code).
pub fn get(rt: &mut Runtime, name: &str) -> Result<Value, Exc> {
    let ns = match NS.with(|n| n.borrow().clone()) {
        Some(ns) => ns,
        None => {
            build_module(rt)?;
            NS.with(|n| n.borrow().clone()).unwrap_or_default()
        }
    };
    let key = intern(name);
    if let Some(v) = ns.get_str(&key) {
        return Ok(v);
    }
    if load_deferred(rt, &ns)? {
        if let Some(v) = ns.get_str(&key) {
            return Ok(v);
        }
    }
    Err(rt.exc_msg(&rt.types.exc("SystemError"), format!("asyncio has no {name}")))
}

fn run_source(rt: &mut Runtime, ns: &Rc<Dict>, file: &str, text: &str) -> Result<(), Exc> {
    let src = Rc::new(SourceFile::new(file.to_string(), text.to_string()));
    let code = match crate::compile::compile(src, Default::default()) {
        Ok(c) => c,
        Err(d) => {
            let msg = format!("built-in module asyncio failed to compile: {file}: {}", d[0].headline());
            return Err(rt.exc_msg(&rt.types.exc("SystemError"), msg));
        }
    };
    let mut f = rt.new_frame(code, ns.clone());
    if !code.body.is_empty() {
        f.work.push(crate::eval::step::Step::Block(&code.body, 0));
    }
    let r = crate::eval::machine::run_frame(rt, f);
    // A source sets `__name__` to the CPython module its classes come from
    // (`asyncio.locks`...), so that their `__module__` and default reprs match.
    ns.set_str(intern("__name__"), Value::str("asyncio"));
    r.map(|_| ())
}

/// Build the module (once per thread; later imports get the same namespace).
pub fn build_module(rt: &mut Runtime) -> Result<Value, Exc> {
    if let Some(ns) = NS.with(|n| n.borrow().clone()) {
        return Ok(crate::builtins::modules::make_module("asyncio", ns));
    }
    let c = classes::classes(rt);
    let ns = Rc::new(Dict::new());
    ns.set_str(intern("__name__"), Value::str("asyncio"));
    let set = |name: &str, v: Value| ns.set_str(intern(name), v);
    for (name, cls) in [
        ("Future", &c.future),
        ("Task", &c.task),
        ("Handle", &c.handle),
        ("TimerHandle", &c.timer_handle),
        ("AbstractEventLoop", &c.event_loop),
        ("CancelledError", &c.cancelled_error),
        ("InvalidStateError", &c.invalid_state),
        ("IncompleteReadError", &c.incomplete_read),
        ("LimitOverrunError", &c.limit_overrun),
        ("QueueEmpty", &c.queue_empty),
        ("QueueFull", &c.queue_full),
        ("SendfileNotAvailableError", &c.sendfile_unavailable),
        ("BrokenBarrierError", &c.broken_barrier),
    ] {
        set(name, Value::Class(cls.clone()));
    }
    set("TimeoutError", Value::Class(rt.types.exc("TimeoutError")));
    let fns: &[(&'static str, NativeImpl)] = &[
        ("run", super::runner::aio_run),
        ("create_task", super::task::aio_create_task),
        ("current_task", super::task::current_task),
        ("all_tasks", super::task::all_tasks),
        ("get_running_loop", super::event_loop::get_running_loop),
        ("_get_running_loop", super::event_loop::get_running_loop_or_none),
        ("get_event_loop", super::event_loop::aio_get_event_loop),
        ("new_event_loop", super::event_loop::new_event_loop),
        ("set_event_loop", super::event_loop::set_event_loop),
        ("isfuture", super::future::isfuture),
        ("iscoroutine", iscoroutine),
        ("sleep", super::sleep::aio_sleep),
        ("_set_result_unless_cancelled", super::future::set_result_unless_cancelled),
        ("_release_waiter", super::future::release_waiter),
        ("_new_gathering", super::future::new_gathering),
        ("_tcp_listen", super::socket::tcp_listen),
        ("_tcp_connect", super::socket::tcp_connect),
        ("_resolve", super::address::py_resolve),
        ("_os_error", super::oserror::py_os_error),
        ("_new_buffer", super::buffer::new_buffer),
        ("_bytes_join", super::buffer::bytes_join),
        ("_deque", super::deque::new_deque),
    ];
    for (name, f) in fns {
        set(name, native(name, *f));
    }
    for w in ["FIRST_COMPLETED", "FIRST_EXCEPTION", "ALL_COMPLETED"] {
        set(w, Value::str(w));
    }
    NS.with(|n| *n.borrow_mut() = Some(ns.clone()));
    for (file, text) in SOURCES {
        if let Err(e) = run_source(rt, &ns, file, text) {
            NS.with(|n| *n.borrow_mut() = None);
            return Err(e);
        }
    }
    Ok(crate::builtins::modules::make_module("asyncio", ns))
}

fn iscoroutine(rt: &mut Runtime, a: crate::eval::native::Args) -> crate::eval::native::Ret {
    let v = a.pos.first().cloned().unwrap_or(Value::None);
    crate::eval::native::Ret::Val(Value::Bool(super::task::is_coroutine(rt, &v)))
}
