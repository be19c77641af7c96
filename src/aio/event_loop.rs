//! The event loop: a FIFO queue of ready callbacks, a heap of timers, and I/O
//! readiness from the poller. One turn (`run_once`) is CPython's `_run_once`: prune
//! cancelled timers, wait in the poller until the first timer is due (not at all when
//! callbacks are ready), queue the I/O callbacks and the due timers, then run exactly
//! the callbacks that were ready at that point, in order.

use super::classes::{self, Classes};
use super::future::{arg, Fut, FutKind};
use super::handle::Handle;
use super::heap;
use crate::builtins::{add_method, raise};
use crate::eval::native::{Args, Ret};
use crate::ops;
use crate::runtime::class::{Class, Exc};
use crate::runtime::generator::Generator;
use crate::runtime::object::{downcast, Object};
use crate::runtime::value::Value;
use crate::runtime::Runtime;
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, VecDeque};
use std::rc::{Rc, Weak};

/// Timers beyond this count are pruned in bulk when more than half are cancelled.
const MIN_SCHEDULED_TIMER_HANDLES: usize = 100;
/// The longest the poller waits in one turn.
const MAXIMUM_SELECT_TIMEOUT: f64 = 24.0 * 3600.0;
/// `time.get_clock_info('monotonic').resolution`.
const CLOCK_RESOLUTION: f64 = 1e-9;

/// A ready callback.
pub enum Entry {
    /// `Task.__step(exc)`.
    Step(Rc<Fut>, Option<Exc>),
    /// `Task.__wakeup(fut)`.
    Wakeup(Rc<Fut>, Rc<Fut>),
    /// A script done callback called with the future.
    FutCb(Value, Rc<Fut>),
    /// `run_until_complete`'s done callback.
    Stop(Rc<Fut>),
    /// A handle from `call_soon`, a due timer, or a socket's reader or writer.
    Handle(Rc<Handle>),
    /// `create_task(agen.aclose())` for an async generator dropped while suspended.
    CloseAgen(crate::eval::frame::FrameBox, Rc<crate::runtime::str::PyStr>),
}

/// The event loop.
pub struct Loop {
    me: Weak<Loop>,
    /// Callbacks ready to run, in order.
    pub ready: RefCell<VecDeque<Entry>>,
    /// Timer handles, a heap on their deadlines.
    pub timers: RefCell<Vec<Rc<Handle>>>,
    /// Cancelled timers still in the heap.
    pub timer_cancelled: Cell<usize>,
    /// Inside `run_forever`.
    pub running: Cell<bool>,
    /// `stop()` was called: end after this turn.
    pub stopping: Cell<bool>,
    /// `close()` was called.
    pub closed: Cell<bool>,
    /// The task whose step is running.
    pub current: RefCell<Option<Rc<Fut>>>,
    /// Tasks not done yet, by creation order.
    pub tasks: RefCell<BTreeMap<u64, Rc<Fut>>>,
    /// The next task sequence number.
    pub next_seq: Cell<u64>,
    /// Async generators first iterated under this loop.
    pub asyncgens: RefCell<Vec<Weak<Generator>>>,
    /// The poller and the sockets registered with it.
    pub io: RefCell<super::net::Io>,
}

/// An async generator dropped while suspended, waiting to be closed by its loop.
type DroppedAgen = (Rc<Loop>, crate::eval::frame::FrameBox, Rc<crate::runtime::str::PyStr>);

thread_local! {
    /// Async generators dropped while suspended under a running loop.
    pub static DROPPED_AGENS: RefCell<Vec<DroppedAgen>> = const { RefCell::new(Vec::new()) };
    static RUNNING: RefCell<Option<Rc<Loop>>> = const { RefCell::new(None) };
    static CURRENT: RefCell<Option<Rc<Loop>>> = const { RefCell::new(None) };
}

/// The running loop of this thread, if any.
pub fn running() -> Option<Rc<Loop>> {
    RUNNING.with(|r| r.borrow().clone())
}

/// The running loop, or `RuntimeError: no running event loop`.
pub fn running_or_err(rt: &Runtime) -> Result<Rc<Loop>, Exc> {
    running().ok_or_else(|| rt.exc_msg(&rt.types.runtime_error, "no running event loop"))
}

/// `get_event_loop()`: the running loop, else this thread's current loop (created on
/// demand).
pub fn get_event_loop(_rt: &Runtime) -> Result<Rc<Loop>, Exc> {
    if let Some(l) = running() {
        return Ok(l);
    }
    Ok(CURRENT.with(|c| {
        let mut c = c.borrow_mut();
        match &*c {
            Some(l) if !l.closed.get() => l.clone(),
            _ => {
                let l = Loop::new();
                *c = Some(l.clone());
                l
            }
        }
    }))
}

/// Schedule `loop.create_task(agen.aclose())` for every async generator dropped while
/// suspended under a running loop.
pub fn close_dropped_agens(rt: &mut Runtime) {
    loop {
        let Some((lp, frame, qualname)) = DROPPED_AGENS.with(|d| d.borrow_mut().pop()) else { break };
        close_agen(rt, &lp, frame, qualname, false);
    }
}

/// Close a dropped async generator on `lp`: create the `aclose()` task now (`now`), or
/// schedule its creation with `call_soon`.
fn close_agen(rt: &mut Runtime, lp: &Rc<Loop>, frame: crate::eval::frame::FrameBox, qualname: Rc<crate::runtime::str::PyStr>, now: bool) {
    {
        let code = frame.code;
        let g = Rc::new(Generator::new(crate::runtime::generator::GenKind::AsyncGenerator, code, frame, qualname.clone(), qualname));
        g.set_state(crate::runtime::generator::GenState::Suspended);
        g.set_ag_hooked(true);
        let gv = Value::Gen(g);
        let aclose = ops::attr::getattr(rt, &gv, &crate::runtime::intern::intern("aclose"))
            .map_err(ops::expect_raise)
            .and_then(|m| crate::eval::machine::call_nested(rt, &m, &[], &[]));
        let create = ops::attr::getattr(rt, &lp.val(), &crate::runtime::intern::intern("create_task")).map_err(ops::expect_raise);
        match (aclose, create) {
            (Ok(aw), Ok(ct)) if !lp.closed.get() => {
                if now {
                    if let Err(e) = crate::eval::machine::call_nested(rt, &ct, &[aw], &[]) {
                        super::log::error(rt, "Exception ignored while finalizing an async generator", &e);
                    }
                } else {
                    lp.call_soon(ct, vec![aw]);
                }
            }
            (Err(e), _) | (_, Err(e)) => super::log::error(rt, "Exception ignored while finalizing an async generator", &e),
            _ => {}
        }
    }
}

/// The loop clock (`time.monotonic()`).
pub fn now() -> f64 {
    crate::builtins::modules::monotonic()
}

impl Loop {
    /// A new, not running loop.
    pub fn new() -> Rc<Loop> {
        Rc::new_cyclic(|me| Loop {
            me: me.clone(),
            ready: RefCell::new(VecDeque::new()),
            timers: RefCell::new(Vec::new()),
            timer_cancelled: Cell::new(0),
            running: Cell::new(false),
            stopping: Cell::new(false),
            closed: Cell::new(false),
            current: RefCell::new(None),
            tasks: RefCell::new(BTreeMap::new()),
            next_seq: Cell::new(0),
            asyncgens: RefCell::new(Vec::new()),
            io: RefCell::new(super::net::Io::default()),
        })
    }

    /// The owning `Rc`.
    pub fn rc(&self) -> Option<Rc<Loop>> {
        self.me.upgrade()
    }

    /// The loop as a script value.
    pub fn val(&self) -> Value {
        match self.me.upgrade() {
            Some(r) => Value::Obj(r.into()),
            None => Value::None,
        }
    }

    fn check_closed(&self, rt: &Runtime) -> Result<(), Exc> {
        if self.closed.get() {
            return Err(rt.exc_msg(&rt.types.runtime_error, "Event loop is closed"));
        }
        Ok(())
    }

    /// `call_soon(callback, *args)`.
    pub fn call_soon(self: &Rc<Self>, callback: Value, args: Vec<Value>) -> Rc<Handle> {
        let h = Handle::new(self, callback, args, None);
        self.ready.borrow_mut().push_back(Entry::Handle(h.clone()));
        h
    }

    /// `call_at(when, callback, *args)`.
    pub fn call_at(self: &Rc<Self>, when: f64, callback: Value, args: Vec<Value>) -> Rc<Handle> {
        let h = Handle::new(self, callback, args, Some(when));
        h.scheduled.set(true);
        heap::push(&mut self.timers.borrow_mut(), h.clone());
        h
    }

    /// Close: drop every pending callback and timer.
    pub fn close(&self) {
        if self.running.get() || self.closed.get() {
            return;
        }
        self.closed.set(true);
        self.ready.borrow_mut().clear();
        self.timers.borrow_mut().clear();
        self.tasks.borrow_mut().clear();
        self.io.borrow_mut().close();
    }

    fn prune_timers(&self) {
        let mut timers = self.timers.borrow_mut();
        let n = timers.len();
        if n > MIN_SCHEDULED_TIMER_HANDLES && self.timer_cancelled.get() as f64 / n as f64 > 0.5 {
            timers.retain(|h| {
                if h.cancelled.get() {
                    h.scheduled.set(false);
                    false
                } else {
                    true
                }
            });
            heap::heapify(&mut timers);
            self.timer_cancelled.set(0);
        } else {
            while timers.first().is_some_and(|h| h.cancelled.get()) {
                self.timer_cancelled.set(self.timer_cancelled.get().saturating_sub(1));
                if let Some(h) = heap::pop(&mut timers) {
                    h.scheduled.set(false);
                }
            }
        }
    }

    /// One turn of the loop. An error is a KeyboardInterrupt or SystemExit raised by a
    /// callback (others are logged).
    pub fn run_once(self: &Rc<Self>, rt: &mut Runtime) -> Result<(), Exc> {
        if super::log::has_deferred() {
            super::log::flush_deferred(rt);
        }
        close_dropped_agens(rt);
        crate::limits::check_deadline(rt)?;
        self.prune_timers();
        let timeout = if !self.ready.borrow().is_empty() || self.stopping.get() {
            Some(0.0)
        } else {
            self.timers.borrow().first().map(|h| (h.when - now()).clamp(0.0, MAXIMUM_SELECT_TIMEOUT))
        };
        let timeout = crate::limits::clamp_wait(timeout);
        if timeout != Some(0.0) {
            rt.flush_out();
        }
        super::steer::poll(rt, self, timeout);
        super::signals::dispatch(rt)?;
        let end = now() + CLOCK_RESOLUTION;
        let mut fired = Vec::new();
        {
            let mut timers = self.timers.borrow_mut();
            let mut ready = self.ready.borrow_mut();
            while timers.first().is_some_and(|h| h.when < end) {
                if let Some(h) = heap::pop(&mut timers) {
                    h.scheduled.set(false);
                    if rt.trace.is_some() {
                        fired.push(h.clone());
                    }
                    ready.push_back(Entry::Handle(h));
                }
            }
        }
        for h in fired {
            crate::trace::timer(rt, &h);
        }
        let ntodo = self.ready.borrow().len();
        if super::steer::seeded() {
            super::steer::shuffle(&mut self.ready.borrow_mut().make_contiguous()[..ntodo]);
        }
        for _ in 0..ntodo {
            let Some(e) = self.ready.borrow_mut().pop_front() else { break };
            self.run_entry(rt, e)?;
        }
        Ok(())
    }

    fn run_entry(self: &Rc<Self>, rt: &mut Runtime, e: Entry) -> Result<(), Exc> {
        let r = self.run_entry_inner(rt, e);
        close_dropped_agens(rt);
        r
    }

    fn run_entry_inner(self: &Rc<Self>, rt: &mut Runtime, e: Entry) -> Result<(), Exc> {
        if let Entry::CloseAgen(frame, qualname) = e {
            close_agen(rt, self, frame, qualname, true);
            return Ok(());
        }
        let (r, what): (Result<(), Exc>, fn(&mut Runtime, &Entry) -> String) = match &e {
            Entry::Step(t, exc) => (super::task::task_step(rt, t, exc.clone()), |_, _| "Exception in callback Task.__step()".into()),
            Entry::Wakeup(t, f) => (super::task::task_wakeup(rt, t, f), |_, _| "Exception in callback Task.task_wakeup()".into()),
            Entry::FutCb(cb, f) => (
                {
                    if rt.trace.is_some() {
                        crate::trace::callback(rt, cb, &[f.val()]);
                    }
                    crate::eval::machine::call_nested(rt, cb, &[f.val()], &[]).map(|_| ())
                },
                |rt, e| match e {
                Entry::FutCb(cb, f) => format!("Exception in callback {}", super::log::format_callback(rt, cb, &[f.val()])),
                _ => String::new(),
            }),
            Entry::Stop(f) => {
                self.until_complete_cb(rt, f);
                return Ok(());
            }
            Entry::CloseAgen(..) => return Ok(()),
            Entry::Handle(h) => {
                if h.cancelled.get() {
                    return Ok(());
                }
                let cb = h.callback.borrow().clone();
                let args = h.args.borrow().clone();
                if rt.trace.is_some() && h.when.is_nan() {
                    crate::trace::callback(rt, &cb, &args);
                }
                (crate::eval::machine::call_nested(rt, &cb, &args, &[]).map(|_| ()), |rt, e| match e {
                    Entry::Handle(h) => {
                        let cb = h.callback.borrow().clone();
                        let args = h.args.borrow().clone();
                        format!("Exception in callback {}", super::log::format_callback(rt, &cb, &args))
                    }
                    _ => String::new(),
                })
            }
        };
        if let Err(x) = r {
            if classes::is_base_error(rt, &x) {
                return Err(x);
            }
            let msg = what(rt, &e);
            super::log::error(rt, &msg, &x);
        }
        Ok(())
    }

    /// `_run_until_complete_cb`: stop the loop unless the future ended with
    /// KeyboardInterrupt or SystemExit (those propagate by themselves).
    fn until_complete_cb(&self, rt: &mut Runtime, f: &Fut) {
        if !f.cancelled() {
            if let Ok(Some(e)) = f.exception(rt) {
                if classes::is_base_error(rt, &e) {
                    return;
                }
            }
        }
        f.lp.stopping.set(true);
    }

    /// One turn of the loop as if it were running (the REPL's `:step`); false, and
    /// nothing done, when no callback is ready, no timer is scheduled and no I/O is
    /// pending (a turn would wait for ever).
    pub fn run_one(self: &Rc<Self>, rt: &mut Runtime) -> Result<bool, Exc> {
        self.check_closed(rt)?;
        if self.running.get() || running().is_some() {
            return Err(rt.exc_msg(&rt.types.runtime_error, "This event loop is already running"));
        }
        self.prune_timers();
        if self.ready.borrow().is_empty() && self.timers.borrow().is_empty() && !self.io.borrow().waiting() {
            return Ok(false);
        }
        self.running.set(true);
        RUNNING.with(|r| *r.borrow_mut() = Some(self.clone()));
        let r = self.run_once(rt);
        self.stopping.set(false);
        self.running.set(false);
        RUNNING.with(|r| *r.borrow_mut() = None);
        r.map(|_| true)
    }

    /// `run_forever()`.
    pub fn run_forever(self: &Rc<Self>, rt: &mut Runtime) -> Result<(), Exc> {
        self.check_closed(rt)?;
        if self.running.get() {
            return Err(rt.exc_msg(&rt.types.runtime_error, "This event loop is already running"));
        }
        if running().is_some() {
            return Err(rt.exc_msg(&rt.types.runtime_error, "Cannot run the event loop while another loop is running"));
        }
        self.running.set(true);
        RUNNING.with(|r| *r.borrow_mut() = Some(self.clone()));
        let mut res = Ok(());
        loop {
            if let Err(e) = self.run_once(rt) {
                res = Err(e);
                break;
            }
            if self.stopping.get() {
                break;
            }
        }
        self.stopping.set(false);
        self.running.set(false);
        RUNNING.with(|r| *r.borrow_mut() = None);
        res
    }

    /// `run_until_complete(fut)` for a future (tasks are made by the caller).
    pub fn run_until_complete(self: &Rc<Self>, rt: &mut Runtime, f: &Rc<Fut>, new_task: bool) -> Result<Value, Exc> {
        self.check_closed(rt)?;
        if self.running.get() {
            return Err(rt.exc_msg(&rt.types.runtime_error, "This event loop is already running"));
        }
        f.add_callback(super::future::Callback::Stop);
        let r = self.run_forever(rt);
        if r.is_err() && new_task && f.done() && !f.cancelled() {
            let _ = f.exception(rt);
        }
        f.s.borrow_mut().callbacks.retain(|c| !matches!(c, super::future::Callback::Stop));
        r?;
        if !f.done() {
            return Err(rt.exc_msg(&rt.types.runtime_error, "Event loop stopped before Future completed."));
        }
        f.result(rt)
    }
}

impl Object for Loop {
    fn class(&self, _rt: &Runtime) -> Rc<Class> {
        classes::with(|c| c.event_loop.clone())
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn repr(&self, _rt: &mut Runtime, this: &Value) -> Option<String> {
        Some(format!(
            "<_UnixSelectorEventLoop running={} closed={} debug=False at {:#x}>",
            if self.running.get() { "True" } else { "False" },
            if self.closed.get() { "True" } else { "False" },
            this.id()
        ))
    }
}

// ---- script-facing ----

fn this<'a>(rt: &Runtime, a: &Args<'a>) -> Result<Rc<Loop>, Exc> {
    a.pos.first().and_then(|v| downcast::<Loop>(v)).and_then(|l| l.rc()).ok_or_else(|| rt.type_error("an event loop is required"))
}

macro_rules! loop_or_raise {
    ($rt:expr, $a:expr) => {
        match this($rt, &$a) {
            Ok(l) => l,
            Err(e) => return raise(e),
        }
    };
}

/// Check a callback as `call_soon` does.
fn check_callback(rt: &mut Runtime, cb: &Value, method: &str) -> Result<(), Exc> {
    let is_coro_fn = matches!(cb, Value::Func(f) if f.code.func_kind == crate::syntax::ast::FuncKind::Coroutine);
    if is_coro_fn || !crate::builtins::functions::is_callable(rt, cb) {
        let r = super::future::repr_str(rt, cb);
        if is_coro_fn {
            return Err(rt.type_error(format!("coroutines cannot be used with {method}()")));
        }
        return Err(rt.type_error(format!("a callable object was expected by {method}(), got {r}")));
    }
    Ok(())
}

fn m_time(_rt: &mut Runtime, _a: Args) -> Ret {
    Ret::Val(Value::Float(now()))
}

fn m_call_soon(rt: &mut Runtime, a: Args) -> Ret {
    let lp = loop_or_raise!(rt, a);
    if let Err(e) = lp.check_closed(rt) {
        return raise(e);
    }
    let Some(cb) = a.pos.get(1) else {
        return raise(rt.type_error("call_soon() missing 1 required positional argument: 'callback'"));
    };
    if let Err(e) = check_callback(rt, cb, "call_soon") {
        return raise(e);
    }
    Ret::Val(Value::Obj(lp.call_soon(cb.clone(), a.pos[2..].to_vec()).into()))
}

fn to_f64(rt: &Runtime, v: &Value, what: &str) -> Result<f64, Exc> {
    match v {
        Value::Int(i) => Ok(*i as f64),
        Value::Float(f) => Ok(*f),
        Value::Bool(b) => Ok(*b as i64 as f64),
        Value::BigInt(b) => Ok(num_traits::ToPrimitive::to_f64(&**b).unwrap_or(f64::INFINITY)),
        Value::None => Err(rt.type_error(format!("{what} must not be None"))),
        _ => Err(rt.type_error(format!(
            "unsupported operand type(s) for +: 'float' and '{}'",
            ops::type_name(rt, v)
        ))),
    }
}

fn m_call_later(rt: &mut Runtime, a: Args) -> Ret {
    let lp = loop_or_raise!(rt, a);
    let (Some(delay), Some(cb)) = (a.pos.get(1), a.pos.get(2)) else {
        return raise(rt.type_error("call_later() missing required positional arguments: 'delay' and 'callback'"));
    };
    let delay = match to_f64(rt, delay, "delay") {
        Ok(d) => d,
        Err(e) => return raise(e),
    };
    if let Err(e) = lp.check_closed(rt).and_then(|_| check_callback(rt, cb, "call_at")) {
        return raise(e);
    }
    Ret::Val(Value::Obj(lp.call_at(now() + delay, cb.clone(), a.pos[3..].to_vec()).into()))
}

fn m_call_at(rt: &mut Runtime, a: Args) -> Ret {
    let lp = loop_or_raise!(rt, a);
    let (Some(when), Some(cb)) = (a.pos.get(1), a.pos.get(2)) else {
        return raise(rt.type_error("call_at() missing required positional arguments: 'when' and 'callback'"));
    };
    let when = match to_f64(rt, when, "when") {
        Ok(d) => d,
        Err(e) => return raise(e),
    };
    if let Err(e) = lp.check_closed(rt).and_then(|_| check_callback(rt, cb, "call_at")) {
        return raise(e);
    }
    Ret::Val(Value::Obj(lp.call_at(when, cb.clone(), a.pos[3..].to_vec()).into()))
}

fn m_create_future(rt: &mut Runtime, a: Args) -> Ret {
    let lp = loop_or_raise!(rt, a);
    Ret::Val(Fut::new(&lp, FutKind::Future, None).val())
}

fn m_create_task(rt: &mut Runtime, a: Args) -> Ret {
    let lp = loop_or_raise!(rt, a);
    let Some(coro) = arg(&a, 1, "coro").cloned() else {
        return raise(rt.type_error("create_task() missing 1 required positional argument: 'coro'"));
    };
    match super::task::create_task(rt, &lp, coro, a.kw("name").cloned()) {
        Ok(t) => Ret::Val(t.val()),
        Err(e) => raise(e),
    }
}

fn m_is_running(rt: &mut Runtime, a: Args) -> Ret {
    let lp = loop_or_raise!(rt, a);
    Ret::Val(Value::Bool(lp.running.get()))
}

fn m_is_closed(rt: &mut Runtime, a: Args) -> Ret {
    let lp = loop_or_raise!(rt, a);
    Ret::Val(Value::Bool(lp.closed.get()))
}

fn m_get_debug(_rt: &mut Runtime, _a: Args) -> Ret {
    Ret::Val(Value::Bool(false))
}

fn m_set_debug(_rt: &mut Runtime, _a: Args) -> Ret {
    Ret::Val(Value::None)
}

fn m_stop(rt: &mut Runtime, a: Args) -> Ret {
    let lp = loop_or_raise!(rt, a);
    lp.stopping.set(true);
    Ret::Val(Value::None)
}

fn m_close(rt: &mut Runtime, a: Args) -> Ret {
    let lp = loop_or_raise!(rt, a);
    if lp.running.get() {
        return raise(rt.exc_msg(&rt.types.runtime_error, "Cannot close a running event loop"));
    }
    lp.close();
    Ret::Val(Value::None)
}

fn m_run_forever(rt: &mut Runtime, a: Args) -> Ret {
    let lp = loop_or_raise!(rt, a);
    match lp.run_forever(rt) {
        Ok(()) => Ret::Val(Value::None),
        Err(e) => raise(e),
    }
}

fn m_run_until_complete(rt: &mut Runtime, a: Args) -> Ret {
    let lp = loop_or_raise!(rt, a);
    let Some(x) = a.pos.get(1) else {
        return raise(rt.type_error("run_until_complete() missing 1 required positional argument: 'future'"));
    };
    if let Err(e) = lp.check_closed(rt) {
        return raise(e);
    }
    if lp.running.get() {
        return raise(rt.exc_msg(&rt.types.runtime_error, "This event loop is already running"));
    }
    let (f, new_task) = match downcast::<Fut>(x).and_then(|f| f.rc()) {
        Some(f) => (f, false),
        None => match super::task::create_task(rt, &lp, x.clone(), None) {
            Ok(t) => (t, true),
            Err(e) => return raise(e),
        },
    };
    match lp.run_until_complete(rt, &f, new_task) {
        Ok(v) => Ret::Val(v),
        Err(e) => raise(e),
    }
}

fn m_call_exception_handler(rt: &mut Runtime, a: Args) -> Ret {
    let Some(Value::Dict(d)) = a.pos.get(1) else { return Ret::Val(Value::None) };
    let msg = d.get_str(&crate::runtime::intern::intern("message")).unwrap_or(Value::None);
    let text = match &msg {
        Value::Str(s) => s.as_str().to_string(),
        _ => "Unhandled exception in event loop".to_string(),
    };
    match d.get_str(&crate::runtime::intern::intern("exception")) {
        Some(Value::Inst(e)) if e.is_exception() => super::log::error(rt, &text, &e),
        _ => super::log::message(rt, &text),
    }
    Ret::Val(Value::None)
}

/// `asyncio.get_running_loop()`.
pub fn get_running_loop(rt: &mut Runtime, _a: Args) -> Ret {
    match running_or_err(rt) {
        Ok(l) => Ret::Val(l.val()),
        Err(e) => raise(e),
    }
}

/// `asyncio._get_running_loop()`: the running loop or None.
pub fn get_running_loop_or_none(_rt: &mut Runtime, _a: Args) -> Ret {
    Ret::Val(running().map(|l| l.val()).unwrap_or(Value::None))
}

/// `asyncio.get_event_loop()`.
pub fn aio_get_event_loop(rt: &mut Runtime, _a: Args) -> Ret {
    match get_event_loop(rt) {
        Ok(l) => Ret::Val(l.val()),
        Err(e) => raise(e),
    }
}

/// `asyncio.new_event_loop()`.
pub fn new_event_loop(_rt: &mut Runtime, _a: Args) -> Ret {
    Ret::Val(Loop::new().val())
}

/// `asyncio.set_event_loop(loop)`.
pub fn set_event_loop(_rt: &mut Runtime, a: Args) -> Ret {
    let l = a.pos.first().and_then(|v| downcast::<Loop>(v)).and_then(|l| l.rc());
    CURRENT.with(|c| *c.borrow_mut() = l);
    Ret::Val(Value::None)
}

/// Add the loop methods.
pub fn install(c: &Classes) {
    let l = &c.event_loop;
    add_method(l, "time", m_time);
    add_method(l, "call_soon", m_call_soon);
    add_method(l, "call_soon_threadsafe", m_call_soon);
    add_method(l, "call_later", m_call_later);
    add_method(l, "call_at", m_call_at);
    add_method(l, "create_future", m_create_future);
    add_method(l, "create_task", m_create_task);
    add_method(l, "is_running", m_is_running);
    add_method(l, "is_closed", m_is_closed);
    add_method(l, "get_debug", m_get_debug);
    add_method(l, "set_debug", m_set_debug);
    add_method(l, "stop", m_stop);
    add_method(l, "close", m_close);
    add_method(l, "run_forever", m_run_forever);
    add_method(l, "run_until_complete", m_run_until_complete);
    add_method(l, "call_exception_handler", m_call_exception_handler);
    add_method(l, "default_exception_handler", m_call_exception_handler);
}
