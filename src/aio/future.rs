//! `asyncio.Future` (and the state `Task` and gather's future share): a result, an
//! exception or a cancellation, done callbacks scheduled with `call_soon` in the order
//! they were added, and the await protocol (`await fut` yields the future itself to
//! the task driving the coroutine, which wakes up when the future is done).

use super::classes::{self, Classes};
use super::event_loop::{Entry, Loop};
use super::task::TaskData;
use crate::builtins::{add_method, raise};
use crate::eval::machine::Outcome;
use crate::eval::native::{Args, Ret};
use crate::eval::suspend::Resume;
use crate::ops::{self, Fail, PyResult};
use crate::runtime::class::{Class, Exc};
use crate::runtime::gc_refs::Visit;
use crate::runtime::object::{downcast, Object};
use crate::runtime::str::PyStr;
use crate::runtime::value::Value;
use crate::runtime::Runtime;
use std::cell::RefCell;
use std::rc::{Rc, Weak};

/// Which kind of future.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FutKind {
    /// A plain `Future`.
    Future,
    /// A `Task` (the task part is in `Fut::task`).
    Task,
    /// The future `gather()` returns: cancelling it cancels its children.
    Gathering,
}

/// The three states of a future.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// Not done yet.
    Pending,
    /// Cancelled.
    Cancelled,
    /// Has a result or an exception.
    Finished,
}

impl State {
    fn name(self) -> &'static str {
        match self {
            State::Pending => "PENDING",
            State::Cancelled => "CANCELLED",
            State::Finished => "FINISHED",
        }
    }
}

/// A done callback.
pub enum Callback {
    /// Wake up this task (`Task.__wakeup`).
    Wakeup(Rc<Fut>),
    /// Call a script callable with the future.
    Call(Value),
    /// `run_until_complete`'s callback: stop the loop.
    Stop,
}

/// The mutable state of a future.
pub struct FutState {
    /// Pending, cancelled or finished.
    pub state: State,
    /// The result, once finished without an exception.
    pub result: Value,
    /// The exception, once finished with one.
    pub exception: Option<Exc>,
    /// Done callbacks, in the order they were added.
    pub callbacks: Vec<Callback>,
    /// The message given to `cancel()`.
    pub cancel_msg: Value,
    /// The CancelledError a task's coroutine raised (handed out once).
    pub cancelled_exc: Option<Exc>,
    /// An exception was set and nobody has looked at it yet.
    pub log_tb: bool,
    /// Set while the future travels from `await` to the task (`_asyncio_future_blocking`).
    pub blocking: bool,
    /// For gather's future: the children.
    pub children: Vec<Value>,
    /// For gather's future: a cancellation was requested.
    pub cancel_requested: bool,
}

/// A future, a task, or gather's future.
pub struct Fut {
    /// Which kind.
    pub kind: FutKind,
    me: Weak<Fut>,
    /// The loop it is bound to.
    pub lp: Rc<Loop>,
    /// The state.
    pub s: RefCell<FutState>,
    /// The task part, for tasks.
    pub task: Option<TaskData>,
}

impl Fut {
    /// A new pending future of `kind`.
    pub fn new(lp: &Rc<Loop>, kind: FutKind, task: Option<TaskData>) -> Rc<Fut> {
        let f = Rc::new_cyclic(|me| Fut {
            kind,
            me: me.clone(),
            lp: lp.clone(),
            s: RefCell::new(FutState {
                state: State::Pending,
                result: Value::None,
                exception: None,
                callbacks: Vec::new(),
                cancel_msg: Value::None,
                cancelled_exc: None,
                log_tb: false,
                blocking: false,
                children: Vec::new(),
                cancel_requested: false,
            }),
            task,
        });
        crate::runtime::gc::track_obj(&f);
        f
    }

    /// The owning `Rc`.
    pub fn rc(&self) -> Option<Rc<Fut>> {
        self.me.upgrade()
    }

    /// The future as a script value.
    pub fn val(&self) -> Value {
        match self.me.upgrade() {
            Some(r) => Value::Obj(r.into()),
            None => Value::None,
        }
    }

    /// The state.
    #[inline]
    pub fn state(&self) -> State {
        self.s.borrow().state
    }

    /// Whether done (finished or cancelled).
    #[inline]
    pub fn done(&self) -> bool {
        self.state() != State::Pending
    }

    /// Whether cancelled.
    pub fn cancelled(&self) -> bool {
        self.state() == State::Cancelled
    }

    /// Schedule every done callback with `call_soon`, in order, and clear the list.
    pub fn schedule_callbacks(&self) {
        let cbs = std::mem::take(&mut self.s.borrow_mut().callbacks);
        if cbs.is_empty() {
            return;
        }
        let Some(me) = self.rc() else { return };
        let mut ready = self.lp.ready.borrow_mut();
        for cb in cbs {
            ready.push_back(match cb {
                Callback::Wakeup(t) => Entry::Wakeup(t, me.clone()),
                Callback::Call(f) => Entry::FutCb(f, me.clone()),
                Callback::Stop => Entry::Stop(me.clone()),
            });
        }
    }

    /// `add_done_callback`: scheduled at once when already done.
    pub fn add_callback(&self, cb: Callback) {
        if self.done() {
            let Some(me) = self.rc() else { return };
            self.lp.ready.borrow_mut().push_back(match cb {
                Callback::Wakeup(t) => Entry::Wakeup(t, me),
                Callback::Call(f) => Entry::FutCb(f, me),
                Callback::Stop => Entry::Stop(me),
            });
        } else {
            self.s.borrow_mut().callbacks.push(cb);
        }
    }

    fn finished(&self) {
        if let Some(t) = &self.task {
            self.lp.tasks.borrow_mut().remove(&t.seq);
        }
        self.schedule_callbacks();
    }

    /// `set_result` (the Future version; tasks call it for their return value).
    pub fn set_result(&self, rt: &Runtime, v: Value) -> Result<(), Exc> {
        {
            let mut s = self.s.borrow_mut();
            if s.state != State::Pending {
                return Err(invalid_state(rt, "invalid state"));
            }
            s.result = v;
            s.state = State::Finished;
        }
        self.finished();
        Ok(())
    }

    /// `set_exception`: an exception class is instantiated; StopIteration is refused.
    pub fn set_exception(&self, rt: &mut Runtime, v: Value) -> Result<(), Exc> {
        if self.done() {
            return Err(invalid_state(rt, "invalid state"));
        }
        let v = match &v {
            Value::Class(c) if c.is_subclass(&rt.types.base_exception) => {
                crate::eval::machine::call_nested(rt, &v, &[], &[])?
            }
            _ => v,
        };
        let e = match &v {
            Value::Inst(i) if i.is_exception() => i.clone(),
            _ => return Err(rt.type_error("invalid exception object")),
        };
        if Rc::ptr_eq(&e.class(), &rt.types.stop_iteration) {
            return Err(rt.type_error("StopIteration interacts badly with generators and cannot be raised into a Future"));
        }
        self.set_exception_exc(e);
        Ok(())
    }

    /// Finish with exception `e` (already checked).
    pub fn set_exception_exc(&self, e: Exc) {
        {
            let mut s = self.s.borrow_mut();
            if s.state != State::Pending {
                return;
            }
            s.exception = Some(e);
            s.state = State::Finished;
            s.log_tb = true;
        }
        self.finished();
    }

    /// `Future.cancel(msg)`: the plain future's cancel.
    pub fn future_cancel(&self, msg: Value) -> bool {
        {
            let mut s = self.s.borrow_mut();
            s.log_tb = false;
            if s.state != State::Pending {
                return false;
            }
            s.state = State::Cancelled;
            s.cancel_msg = msg;
        }
        self.finished();
        true
    }

    /// `cancel(msg)` as the object's class defines it (task, gather, future).
    pub fn cancel(&self, rt: &mut Runtime, msg: Value) -> Result<bool, Exc> {
        match self.kind {
            FutKind::Future => Ok(self.future_cancel(msg)),
            FutKind::Task => super::task::task_cancel(rt, self, msg),
            FutKind::Gathering => {
                if self.done() {
                    return Ok(false);
                }
                let children = self.s.borrow().children.clone();
                let mut any = false;
                for c in &children {
                    if cancel_value(rt, c, msg.clone())? {
                        any = true;
                    }
                }
                if any {
                    self.s.borrow_mut().cancel_requested = true;
                }
                Ok(any)
            }
        }
    }

    /// The CancelledError to raise for a cancelled future: the one the task's coroutine
    /// raised (first time only), else a new one with the cancel message.
    pub fn make_cancelled_error(&self, rt: &Runtime) -> Exc {
        let mut s = self.s.borrow_mut();
        if let Some(e) = s.cancelled_exc.take() {
            return e;
        }
        let cls = classes::classes(rt).cancelled_error.clone();
        let args = if s.cancel_msg.is_none() { vec![] } else { vec![s.cancel_msg.clone()] };
        rt.new_exc(&cls, args)
    }

    /// `result()`.
    pub fn result(&self, rt: &Runtime) -> Result<Value, Exc> {
        match self.state() {
            State::Cancelled => Err(self.make_cancelled_error(rt)),
            State::Pending => Err(invalid_state(rt, "Result is not set.")),
            State::Finished => {
                let mut s = self.s.borrow_mut();
                s.log_tb = false;
                match &s.exception {
                    Some(e) => Err(e.clone()),
                    None => Ok(s.result.clone()),
                }
            }
        }
    }

    /// `exception()`.
    pub fn exception(&self, rt: &Runtime) -> Result<Option<Exc>, Exc> {
        match self.state() {
            State::Cancelled => Err(self.make_cancelled_error(rt)),
            State::Pending => Err(invalid_state(rt, "Exception is not set.")),
            State::Finished => {
                let mut s = self.s.borrow_mut();
                s.log_tb = false;
                Ok(s.exception.clone())
            }
        }
    }
}

impl Drop for Fut {
    fn drop(&mut self) {
        let s = self.s.get_mut();
        if s.log_tb {
            if let Some(e) = s.exception.take() {
                log_unretrieved(self.kind, e);
            }
        }
    }
}

/// "Task exception was never retrieved" (later: the future is going away).
fn log_unretrieved(kind: FutKind, e: Exc) {
    if !crate::limits::is_halt(&e) {
        let what = if kind == FutKind::Task { "Task" } else { "Future" };
        super::log::defer(format!("{what} exception was never retrieved"), e);
    }
}

/// `InvalidStateError(msg)`.
pub fn invalid_state(rt: &Runtime, msg: &str) -> Exc {
    let cls = classes::classes(rt).invalid_state.clone();
    rt.exc_msg(&cls, msg)
}

/// `v.cancel(msg)` for any future-like value.
pub fn cancel_value(rt: &mut Runtime, v: &Value, msg: Value) -> Result<bool, Exc> {
    if let Some(f) = downcast::<Fut>(v) {
        return f.cancel(rt, msg);
    }
    let m = ops::attr::getattr(rt, v, &crate::runtime::intern::intern("cancel")).map_err(ops::expect_raise)?;
    let names = [crate::runtime::intern::intern("msg")];
    let r = crate::eval::machine::call_nested(rt, &m, &[msg], &names)?;
    ops::cmp::truthy(rt, &r).map_err(ops::expect_raise)
}

/// One step of `await fut`: the first time, a pending future is passed out (marked
/// blocking) to the task, which resumes the awaiting coroutine once it is done; then
/// the result (or exception) ends the `await`.
pub fn await_step(rt: &mut Runtime, f: &Fut, r: Resume) -> PyResult {
    let o = await_outcome(rt, f, r);
    outcome_result(rt, o)
}

/// [`await_step`] as the delegation step takes it: the `await`'s value is
/// `Outcome::Return`, with no `StopIteration` made.
pub fn await_outcome(rt: &mut Runtime, f: &Fut, r: Resume) -> Outcome {
    if let Resume::Throw(e) = r {
        return Outcome::Raise(e);
    }
    {
        let mut s = f.s.borrow_mut();
        if s.state == State::Pending {
            if !s.blocking {
                s.blocking = true;
                drop(s);
                return Outcome::Yield(f.val());
            }
            drop(s);
            return Outcome::Raise(rt.exc_msg(&rt.types.runtime_error, "await wasn't used with future"));
        }
    }
    match f.result(rt) {
        Ok(v) => Outcome::Return(v),
        Err(e) => Outcome::Raise(e),
    }
}

/// A native awaitable's step as `send`/`__next__` give it: a value to pass out, or
/// the return as `StopIteration(value)`.
pub fn outcome_result(rt: &mut Runtime, o: Outcome) -> PyResult {
    match o {
        Outcome::Yield(v) => Ok(v),
        Outcome::Return(v) => Err(Fail::Raise(crate::eval::suspend::stop_iteration(rt, v))),
        Outcome::Raise(e) => Err(Fail::Raise(e)),
    }
}

impl Object for Fut {
    fn class(&self, _rt: &Runtime) -> Rc<Class> {
        classes::with(|c| match self.kind {
            FutKind::Future => c.future.clone(),
            FutKind::Task => c.task.clone(),
            FutKind::Gathering => c.gathering.clone(),
        })
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn traverse(&self, visit: &mut Visit<'_>) -> bool {
        let Ok(s) = self.s.try_borrow() else { return false };
        visit.value(&s.result);
        if let Some(e) = &s.exception {
            visit.rc(e);
        }
        for cb in &s.callbacks {
            match cb {
                Callback::Wakeup(t) => visit.rc(t),
                Callback::Call(f) => visit.value(f),
                Callback::Stop => {}
            }
        }
        visit.value(&s.cancel_msg);
        if let Some(e) = &s.cancelled_exc {
            visit.rc(e);
        }
        for c in &s.children {
            visit.value(c);
        }
        if let Some(t) = &self.task {
            visit.value(&t.coro);
            let (Ok(name), Ok(waiter)) = (t.name.try_borrow(), t.fut_waiter.try_borrow()) else { return false };
            visit.value(&name);
            if let Some(w) = &*waiter {
                visit.rc(w);
            }
        }
        true
    }
    fn clear_refs(&self) {
        // Unreachable: as CPython's finalizer, an exception nobody retrieved is logged.
        let taken = self.s.try_borrow_mut().ok().map(|mut s| {
            let exc = s.exception.take();
            let log = std::mem::replace(&mut s.log_tb, false);
            let rest = (
                std::mem::replace(&mut s.result, Value::None),
                std::mem::take(&mut s.callbacks),
                std::mem::replace(&mut s.cancel_msg, Value::None),
                s.cancelled_exc.take(),
                std::mem::take(&mut s.children),
            );
            (exc, log, rest)
        });
        let waiter = self.task.as_ref().and_then(|t| t.fut_waiter.try_borrow_mut().ok().and_then(|mut w| w.take()));
        if let Some((Some(e), true, _)) = &taken {
            log_unretrieved(self.kind, e.clone());
        }
        drop((taken, waiter));
    }
    fn get_attr(&self, rt: &mut Runtime, name: &PyStr, _this: &Value) -> Option<Value> {
        let s = self.s.borrow();
        Some(match name.as_str() {
            "_asyncio_future_blocking" => Value::Bool(s.blocking),
            "_state" => Value::str(s.state.name()),
            "_result" => s.result.clone(),
            "_exception" => s.exception.clone().map(Value::Inst).unwrap_or(Value::None),
            "_loop" => self.lp.val(),
            "_cancel_message" => s.cancel_msg.clone(),
            "_log_traceback" => Value::Bool(s.log_tb),
            "_cancel_requested" if self.kind == FutKind::Gathering => Value::Bool(s.cancel_requested),
            "_children" if self.kind == FutKind::Gathering => Value::list(s.children.clone()),
            "_source_traceback" => Value::None,
            _ => {
                drop(s);
                return super::task::task_attr(rt, self, name.as_str());
            }
        })
    }
    fn set_attr(&self, rt: &mut Runtime, name: &PyStr, value: Value) -> bool {
        match name.as_str() {
            "_asyncio_future_blocking" => {
                let b = ops::cmp::truthy(rt, &value).unwrap_or(false);
                self.s.borrow_mut().blocking = b;
                true
            }
            "_log_traceback" => {
                self.s.borrow_mut().log_tb = false;
                true
            }
            "_cancel_requested" if self.kind == FutKind::Gathering => {
                let b = ops::cmp::truthy(rt, &value).unwrap_or(false);
                self.s.borrow_mut().cancel_requested = b;
                true
            }
            "_log_destroy_pending" => true,
            _ => false,
        }
    }
    fn repr(&self, rt: &mut Runtime, _this: &Value) -> Option<String> {
        Some(match self.kind {
            FutKind::Task => super::task::task_repr(rt, self),
            _ => {
                let name = if self.kind == FutKind::Gathering { "_GatheringFuture" } else { "Future" };
                format!("<{name} {}>", repr_info(rt, self).join(" "))
            }
        })
    }
}

/// The words of a future's repr: state, result or exception, callbacks.
pub fn repr_info(rt: &mut Runtime, f: &Fut) -> Vec<String> {
    let (state, result, exc) = {
        let s = f.s.borrow();
        (s.state, s.result.clone(), s.exception.clone())
    };
    let mut info = vec![state.name().to_lowercase()];
    if state == State::Finished {
        match exc {
            Some(e) => info.push(format!("exception={}", repr_str(rt, &Value::Inst(e)))),
            None => info.push(format!("result={}", short_repr(rt, &result))),
        }
    }
    let cbs: Vec<String> = {
        let s = f.s.borrow();
        s.callbacks
            .iter()
            .map(|c| match c {
                Callback::Wakeup(_) => "Task.task_wakeup()".to_string(),
                Callback::Stop => "_run_until_complete_cb() at base_events.py:180".to_string(),
                Callback::Call(v) => v.clone().id().to_string(),
            })
            .collect()
    };
    if !cbs.is_empty() {
        let shown: Vec<String> = {
            let s = f.s.borrow();
            let vals: Vec<Option<Value>> = s.callbacks.iter().map(|c| if let Callback::Call(v) = c { Some(v.clone()) } else { None }).collect();
            drop(s);
            vals.into_iter()
                .zip(cbs)
                .map(|(v, txt)| match v {
                    Some(v) => callback_name(rt, &v),
                    None => txt,
                })
                .collect()
        };
        let text = if shown.len() > 2 {
            format!("{}, <{} more>, {}", shown[0], shown.len() - 2, shown[shown.len() - 1])
        } else {
            shown.join(", ")
        };
        info.push(format!("cb=[{text}]"));
    }
    info
}

fn callback_name(rt: &mut Runtime, v: &Value) -> String {
    let q = crate::runtime::intern::intern("__qualname__");
    match ops::attr::getattr(rt, v, &q) {
        Ok(Value::Str(s)) => format!("{}()", s.as_str()),
        _ => repr_str(rt, v),
    }
}

/// `repr(v)`, never failing.
pub fn repr_str(rt: &mut Runtime, v: &Value) -> String {
    match ops::repr::repr(rt, v) {
        Ok(s) => s.as_str().to_string(),
        Err(_) => "<repr failed>".to_string(),
    }
}

/// `reprlib.repr(v)`: long reprs are cut in the middle.
pub fn short_repr(rt: &mut Runtime, v: &Value) -> String {
    let r = repr_str(rt, v);
    let chars: Vec<char> = r.chars().collect();
    if chars.len() > 20 && matches!(v, Value::Str(_)) {
        let head: String = chars[..9].iter().collect();
        let tail: String = chars[chars.len() - 8..].iter().collect();
        return format!("{head}...{tail}");
    }
    r
}

// ---- the await iterator ----

/// The iterator `Future.__await__()` / `__iter__()` returns.
pub struct FutIter {
    /// The future.
    pub fut: Rc<Fut>,
}

impl Object for FutIter {
    fn class(&self, _rt: &Runtime) -> Rc<Class> {
        classes::with(|c| c.fut_iter.clone())
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn traverse(&self, visit: &mut Visit<'_>) -> bool {
        visit.rc(&self.fut);
        true
    }
}

// ---- script-facing methods ----

/// The future a method was called on.
pub fn this<'a>(rt: &Runtime, a: &Args<'a>) -> Result<&'a Fut, Exc> {
    match a.pos.first().and_then(|v| downcast::<Fut>(v)) {
        Some(f) => Ok(f),
        None => Err(rt.type_error("descriptor requires a '_asyncio.Future' object")),
    }
}

macro_rules! fut_or_raise {
    ($rt:expr, $a:expr) => {
        match this($rt, &$a) {
            Ok(f) => f,
            Err(e) => return raise(e),
        }
    };
}

/// The argument at `i` or keyword `name`.
pub fn arg<'a>(a: &Args<'a>, i: usize, name: &str) -> Option<&'a Value> {
    a.pos.get(i).or_else(|| a.kw(name))
}

fn m_result(rt: &mut Runtime, a: Args) -> Ret {
    let f = fut_or_raise!(rt, a);
    match f.result(rt) {
        Ok(v) => Ret::Val(v),
        Err(e) => raise(e),
    }
}

fn m_exception(rt: &mut Runtime, a: Args) -> Ret {
    let f = fut_or_raise!(rt, a);
    match f.exception(rt) {
        Ok(e) => Ret::Val(e.map(Value::Inst).unwrap_or(Value::None)),
        Err(e) => raise(e),
    }
}

fn m_done(rt: &mut Runtime, a: Args) -> Ret {
    let f = fut_or_raise!(rt, a);
    Ret::Val(Value::Bool(f.done()))
}

fn m_cancelled(rt: &mut Runtime, a: Args) -> Ret {
    let f = fut_or_raise!(rt, a);
    Ret::Val(Value::Bool(f.cancelled()))
}

fn m_cancel(rt: &mut Runtime, a: Args) -> Ret {
    let f = fut_or_raise!(rt, a);
    let msg = arg(&a, 1, "msg").cloned().unwrap_or(Value::None);
    match f.cancel(rt, msg) {
        Ok(b) => Ret::Val(Value::Bool(b)),
        Err(e) => raise(e),
    }
}

fn m_set_result(rt: &mut Runtime, a: Args) -> Ret {
    let f = fut_or_raise!(rt, a);
    if f.kind == FutKind::Task {
        return raise(rt.exc_msg(&rt.types.runtime_error, "Task does not support set_result operation"));
    }
    let Some(v) = a.pos.get(1) else {
        return raise(rt.type_error("Future.set_result() takes exactly one argument (0 given)"));
    };
    match f.set_result(rt, v.clone()) {
        Ok(()) => Ret::Val(Value::None),
        Err(e) => raise(e),
    }
}

fn m_set_exception(rt: &mut Runtime, a: Args) -> Ret {
    let f = fut_or_raise!(rt, a);
    if f.kind == FutKind::Task {
        return raise(rt.exc_msg(&rt.types.runtime_error, "Task does not support set_exception operation"));
    }
    let Some(v) = a.pos.get(1) else {
        return raise(rt.type_error("Future.set_exception() takes exactly one argument (0 given)"));
    };
    match f.set_exception(rt, v.clone()) {
        Ok(()) => Ret::Val(Value::None),
        Err(e) => raise(e),
    }
}

fn m_add_done_callback(rt: &mut Runtime, a: Args) -> Ret {
    let f = fut_or_raise!(rt, a);
    let Some(cb) = a.pos.get(1) else {
        return raise(rt.type_error("add_done_callback() missing required argument 'fn' (pos 1)"));
    };
    f.add_callback(Callback::Call(cb.clone()));
    Ret::Val(Value::None)
}

/// Whether two callbacks are the same (identity, or equal bound methods).
pub fn same_callback(a: &Value, b: &Value) -> bool {
    if a.is(b) {
        return true;
    }
    match (a, b) {
        (Value::Method(x), Value::Method(y)) => x.func.is(&y.func) && x.receiver.is(&y.receiver),
        (Value::Native(x), Value::Native(y)) => {
            std::ptr::fn_addr_eq(x.func, y.func)
                && x.name == y.name
                && match (&x.bound, &y.bound) {
                    (Some(p), Some(q)) => p.is(q),
                    (None, None) => true,
                    _ => false,
                }
        }
        _ => false,
    }
}

fn m_remove_done_callback(rt: &mut Runtime, a: Args) -> Ret {
    let f = fut_or_raise!(rt, a);
    let Some(cb) = a.pos.get(1) else {
        return raise(rt.type_error("remove_done_callback() takes exactly one argument (0 given)"));
    };
    let mut s = f.s.borrow_mut();
    let before = s.callbacks.len();
    s.callbacks.retain(|c| !matches!(c, Callback::Call(v) if same_callback(v, cb)));
    Ret::Val(Value::Int((before - s.callbacks.len()) as i64))
}

fn m_get_loop(rt: &mut Runtime, a: Args) -> Ret {
    let f = fut_or_raise!(rt, a);
    Ret::Val(f.lp.val())
}

fn m_await(rt: &mut Runtime, a: Args) -> Ret {
    let f = fut_or_raise!(rt, a);
    match f.rc() {
        Some(fut) => Ret::Val(crate::runtime::gc::new_obj(FutIter { fut })),
        None => Ret::Val(Value::None),
    }
}

fn m_make_cancelled_error(rt: &mut Runtime, a: Args) -> Ret {
    let f = fut_or_raise!(rt, a);
    Ret::Val(Value::Inst(f.make_cancelled_error(rt)))
}

fn iter_this<'a>(a: &Args<'a>) -> Option<&'a FutIter> {
    a.pos.first().and_then(|v| downcast::<FutIter>(v))
}

fn fi_send(rt: &mut Runtime, a: Args) -> Ret {
    let Some(it) = iter_this(&a) else { return Ret::Val(Value::None) };
    crate::builtins::ret(await_step(rt, &it.fut, Resume::Send(Value::None)))
}

fn fi_throw(rt: &mut Runtime, a: Args) -> Ret {
    let Some(it) = iter_this(&a) else { return Ret::Val(Value::None) };
    let _ = it;
    match crate::builtins::generators::throw_exception(rt, &a.pos[1..]) {
        Ok(e) => raise(e),
        Err(e) => raise(e),
    }
}

fn fi_iter(_rt: &mut Runtime, a: Args) -> Ret {
    Ret::Val(a.pos[0].clone())
}

fn fi_close(_rt: &mut Runtime, _a: Args) -> Ret {
    Ret::Val(Value::None)
}

/// `asyncio.Future(*, loop=None)`.
pub fn construct_future(rt: &mut Runtime, a: Args) -> Ret {
    if !a.pos.is_empty() {
        return raise(rt.type_error(format!("Future() takes no positional arguments ({} given)", a.pos.len())));
    }
    let lp = match a.kw("loop") {
        Some(v) if !v.is_none() => match downcast::<Loop>(v).and_then(|l| l.rc()) {
            Some(l) => l,
            None => return raise(rt.type_error("loop must be an event loop")),
        },
        _ => match super::event_loop::get_event_loop(rt) {
            Ok(l) => l,
            Err(e) => return raise(e),
        },
    };
    Ret::Val(Fut::new(&lp, FutKind::Future, None).val())
}

/// `_set_result_unless_cancelled(fut, result)` (sleep's timer callback).
pub fn set_result_unless_cancelled(rt: &mut Runtime, a: Args) -> Ret {
    let Some(f) = a.pos.first().and_then(|v| downcast::<Fut>(v)) else { return Ret::Val(Value::None) };
    if f.cancelled() {
        return Ret::Val(Value::None);
    }
    match f.set_result(rt, a.pos.get(1).cloned().unwrap_or(Value::None)) {
        Ok(()) => Ret::Val(Value::None),
        Err(e) => raise(e),
    }
}

/// `_release_waiter(waiter, *args)`: finish the waiter unless it is done.
pub fn release_waiter(rt: &mut Runtime, a: Args) -> Ret {
    let Some(f) = a.pos.first().and_then(|v| downcast::<Fut>(v)) else { return Ret::Val(Value::None) };
    if !f.done() {
        if let Err(e) = f.set_result(rt, Value::None) {
            return raise(e);
        }
    }
    Ret::Val(Value::None)
}

/// `isfuture(x)`.
pub fn isfuture(_rt: &mut Runtime, a: Args) -> Ret {
    Ret::Val(Value::Bool(a.pos.first().is_some_and(|v| downcast::<Fut>(v).is_some())))
}

/// `_new_gathering(children, loop)`: gather's outer future.
pub fn new_gathering(rt: &mut Runtime, a: Args) -> Ret {
    let children = match a.pos.first() {
        Some(Value::List(l)) => l.snapshot(),
        _ => vec![],
    };
    let lp = match a.pos.get(1).and_then(|v| downcast::<Loop>(v)).and_then(|l| l.rc()) {
        Some(l) => l,
        None => match super::event_loop::get_event_loop(rt) {
            Ok(l) => l,
            Err(e) => return raise(e),
        },
    };
    let f = Fut::new(&lp, FutKind::Gathering, None);
    f.s.borrow_mut().children = children;
    Ret::Val(f.val())
}

/// Add the Future methods.
pub fn install(c: &Classes) {
    let f = &c.future;
    add_method(f, "result", m_result);
    add_method(f, "exception", m_exception);
    add_method(f, "done", m_done);
    add_method(f, "cancelled", m_cancelled);
    add_method(f, "cancel", m_cancel);
    add_method(f, "set_result", m_set_result);
    add_method(f, "set_exception", m_set_exception);
    add_method(f, "add_done_callback", m_add_done_callback);
    add_method(f, "remove_done_callback", m_remove_done_callback);
    add_method(f, "get_loop", m_get_loop);
    add_method(f, "__await__", m_await);
    add_method(f, "__iter__", m_await);
    add_method(f, "_make_cancelled_error", m_make_cancelled_error);
    let i = &c.fut_iter;
    add_method(i, "send", fi_send);
    add_method(i, "__next__", fi_send);
    add_method(i, "throw", fi_throw);
    add_method(i, "close", fi_close);
    add_method(i, "__iter__", fi_iter);
}
