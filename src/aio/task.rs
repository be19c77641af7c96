//! `asyncio.Task`: a coroutine driven by the loop through `send`/`throw`. Each step
//! runs the coroutine until it yields; a yielded future gets the task's wake-up as a
//! done callback, a bare `yield` (None) reschedules the step for the next turn, and
//! anything else is an error thrown back in. Cancellation is delivered at the
//! coroutine's current `await` as CancelledError (CPython's `Task.__step` and
//! `__wakeup`, in the C implementation's order).

use super::classes::{self, Classes};
use super::event_loop::{Entry, Loop};
use super::future::{this, Callback, Fut, FutKind, State};
use crate::builtins::{add_method, raise};
use crate::eval::machine::Outcome;
use crate::eval::native::{Args, Ret};
use crate::eval::suspend::{resume_nested, Resume, ResumeErr};
use crate::ops;
use crate::runtime::class::Exc;
use crate::runtime::generator::{GenKind, GenState};
use crate::runtime::object::downcast;
use crate::runtime::value::Value;
use crate::runtime::Runtime;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

thread_local! {
    /// The `Task-N` counter (module-global in CPython, so it runs on across loops).
    static NAME_COUNTER: Cell<u64> = const { Cell::new(0) };
}

/// The task part of a `Fut`.
pub struct TaskData {
    /// The coroutine.
    pub coro: Value,
    /// `get_name()`.
    pub name: RefCell<Value>,
    /// A cancellation to deliver at the next step.
    pub must_cancel: Cell<bool>,
    /// The future the task waits for.
    pub fut_waiter: RefCell<Option<Rc<Fut>>>,
    /// `cancelling()`.
    pub num_cancels: Cell<i64>,
    /// Creation order (key in the loop's task registry).
    pub seq: u64,
}

/// Whether `v` is a coroutine a task can drive.
pub fn is_coroutine(rt: &mut Runtime, v: &Value) -> bool {
    match v {
        Value::Gen(g) => g.kind() == GenKind::Coroutine,
        Value::Obj(_) => downcast::<super::sleep::Sleep>(v).is_some() || downcast::<crate::builtins::agen::AgAwait>(v).is_some(),
        Value::Inst(_) => ["send", "throw", "close", "__await__"]
            .iter()
            .all(|n| ops::attr::class_lookup(&ops::type_of(rt, v), n).is_some()),
        _ => false,
    }
}

/// Create a task for `coro` on `lp`, scheduling its first step; a name given here
/// takes no number from the counter.
pub fn create_task(rt: &mut Runtime, lp: &Rc<Loop>, coro: Value, name: Option<Value>) -> Result<Rc<Fut>, Exc> {
    if lp.closed.get() {
        if let Value::Gen(g) = &coro {
            let _ = crate::eval::suspend::close_nested(rt, g);
        }
        return Err(rt.exc_msg(&rt.types.runtime_error, "Event loop is closed"));
    }
    if !is_coroutine(rt, &coro) {
        let r = super::future::repr_str(rt, &coro);
        return Err(rt.type_error(format!("a coroutine was expected, got {r}")));
    }
    let name = match name {
        None | Some(Value::None) => {
            let n = NAME_COUNTER.with(|c| {
                c.set(c.get() + 1);
                c.get()
            });
            Value::string(format!("Task-{n}"))
        }
        Some(v @ Value::Str(_)) => v,
        Some(v) => Value::Str(ops::repr::to_str(rt, &v).map_err(ops::expect_raise)?),
    };
    let seq = lp.next_seq.get();
    lp.next_seq.set(seq + 1);
    let data = TaskData {
        coro,
        name: RefCell::new(name),
        must_cancel: Cell::new(false),
        fut_waiter: RefCell::new(None),
        num_cancels: Cell::new(0),
        seq,
    };
    let t = Fut::new(lp, FutKind::Task, Some(data));
    lp.ready.borrow_mut().push_back(Entry::Step(t.clone(), None));
    lp.tasks.borrow_mut().insert(seq, t.clone());
    Ok(t)
}

fn data(f: &Fut) -> &TaskData {
    f.task.as_ref().expect("a task")
}

/// `Task.cancel(msg)`.
pub fn task_cancel(rt: &mut Runtime, t: &Fut, msg: Value) -> Result<bool, Exc> {
    t.s.borrow_mut().log_tb = false;
    if t.done() {
        return Ok(false);
    }
    let d = data(t);
    d.num_cancels.set(d.num_cancels.get() + 1);
    let waiter = d.fut_waiter.borrow().clone();
    if let Some(w) = waiter {
        if w.cancel(rt, msg.clone())? {
            return Ok(true);
        }
    }
    d.must_cancel.set(true);
    t.s.borrow_mut().cancel_msg = msg;
    Ok(true)
}

/// Schedule a step that throws `e` into the task.
fn error_soon(t: &Rc<Fut>, e: Exc) {
    t.lp.ready.borrow_mut().push_back(Entry::Step(t.clone(), Some(e)));
}

/// `Task.__step(exc)`: run the coroutine one step. An error returned is one the loop
/// logs, or a KeyboardInterrupt/SystemExit that stops it.
pub fn task_step(rt: &mut Runtime, t: &Rc<Fut>, exc: Option<Exc>) -> Result<(), Exc> {
    if t.done() {
        let tr = super::future::repr_str(rt, &t.val());
        let er = match &exc {
            Some(e) => super::future::repr_str(rt, &Value::Inst(e.clone())),
            None => "None".into(),
        };
        return Err(super::future::invalid_state(rt, &format!("_step(): already done: {tr} {er}")));
    }
    let d = data(t);
    let mut exc = exc;
    if d.must_cancel.get() {
        if !exc.as_ref().is_some_and(classes::is_cancelled_error) {
            exc = Some(t.make_cancelled_error(rt));
        }
        d.must_cancel.set(false);
    }
    d.fut_waiter.borrow_mut().take();
    let lp = t.lp.clone();
    {
        let mut cur = lp.current.borrow_mut();
        if cur.is_some() {
            drop(cur);
            return Err(rt.exc_msg(&rt.types.runtime_error, "Cannot enter into task while another task is being executed."));
        }
        *cur = Some(t.clone());
    }
    if rt.trace.is_some() {
        crate::trace::task_step(rt, t, exc.as_ref());
    }
    let outcome = resume_coro(rt, &d.coro, exc);
    if rt.trace.is_some() {
        crate::trace::task_step_end(rt);
    }
    lp.current.borrow_mut().take();
    match outcome {
        Outcome::Return(v) => {
            if d.must_cancel.get() {
                d.must_cancel.set(false);
                let msg = t.s.borrow().cancel_msg.clone();
                t.future_cancel(msg);
            } else {
                let _ = t.set_result(rt, v);
            }
            Ok(())
        }
        Outcome::Raise(e) => {
            if classes::is_cancelled_error(&e) {
                t.s.borrow_mut().cancelled_exc = Some(e);
                t.future_cancel(Value::None);
                return Ok(());
            }
            let base = classes::is_base_error(rt, &e);
            t.set_exception_exc(e.clone());
            if base {
                return Err(e);
            }
            Ok(())
        }
        Outcome::Yield(v) => {
            on_yield(rt, t, v);
            Ok(())
        }
    }
}

/// What the task does with a value its coroutine passed out.
fn on_yield(rt: &mut Runtime, t: &Rc<Fut>, v: Value) {
    let d = data(t);
    if let Some(f) = downcast::<Fut>(&v) {
        if std::ptr::eq(f, &**t) {
            let tr = super::future::repr_str(rt, &t.val());
            let e = rt.exc_msg(&rt.types.runtime_error, format!("Task cannot await on itself: {tr}"));
            return error_soon(t, e);
        }
        if !Rc::ptr_eq(&f.lp, &t.lp) {
            let tr = super::future::repr_str(rt, &t.val());
            let fr = super::future::repr_str(rt, &v);
            let e = rt.exc_msg(&rt.types.runtime_error, format!("Task {tr} got Future {fr} attached to a different loop"));
            return error_soon(t, e);
        }
        if !f.s.borrow().blocking {
            let tr = super::future::repr_str(rt, &t.val());
            let fr = super::future::repr_str(rt, &v);
            let e = rt.exc_msg(&rt.types.runtime_error, format!("yield was used instead of yield from in task {tr} with {fr}"));
            return error_soon(t, e);
        }
        f.s.borrow_mut().blocking = false;
        let Some(fut) = f.rc() else { return };
        fut.add_callback(Callback::Wakeup(t.clone()));
        *d.fut_waiter.borrow_mut() = Some(fut.clone());
        if d.must_cancel.get() {
            let msg = t.s.borrow().cancel_msg.clone();
            match fut.cancel(rt, msg) {
                Ok(true) => d.must_cancel.set(false),
                Ok(false) => {}
                Err(e) => super::log::error(rt, "Exception in task cancellation", &e),
            }
        }
        return;
    }
    match &v {
        Value::None => t.lp.ready.borrow_mut().push_back(Entry::Step(t.clone(), None)),
        Value::Gen(g) if g.kind() == GenKind::Generator => {
            let tr = super::future::repr_str(rt, &t.val());
            let gr = super::future::repr_str(rt, &v);
            let e = rt.exc_msg(&rt.types.runtime_error, format!("yield was used instead of yield from for generator in task {tr} with {gr}"));
            error_soon(t, e);
        }
        _ => {
            let r = super::future::repr_str(rt, &v);
            let e = rt.exc_msg(&rt.types.runtime_error, format!("Task got bad yield: {r}"));
            error_soon(t, e);
        }
    }
}

/// `coro.send(None)` or `coro.throw(exc)`.
fn resume_coro(rt: &mut Runtime, coro: &Value, exc: Option<Exc>) -> Outcome {
    if let Value::Gen(g) = coro {
        let throwing = exc.clone();
        let input = match exc {
            Some(e) => Resume::Throw(e),
            None => Resume::Send(Value::None),
        };
        return match resume_nested(rt, g, input) {
            Ok(o) => o,
            Err(ResumeErr::Finished) => match throwing {
                Some(e) => Outcome::Raise(e),
                None => Outcome::Raise(rt.exc_msg(&rt.types.runtime_error, "cannot reuse already awaited coroutine")),
            },
            Err(ResumeErr::Raise(e)) => Outcome::Raise(e),
        };
    }
    if let Some(s) = downcast::<super::sleep::Sleep>(coro) {
        let r = match exc {
            Some(e) => Resume::Throw(e),
            None => Resume::Send(Value::None),
        };
        return s.outcome(rt, r);
    }
    let (name, args) = match exc {
        Some(e) => ("throw", vec![Value::Inst(e)]),
        None => ("send", vec![Value::None]),
    };
    let m = match ops::attr::getattr(rt, coro, &crate::runtime::intern::intern(name)) {
        Ok(m) => m,
        Err(e) => return Outcome::Raise(ops::expect_raise(e)),
    };
    match crate::eval::machine::call_nested(rt, &m, &args, &[]) {
        Ok(v) => Outcome::Yield(v),
        Err(e) if ops::exc_matches(&e, &rt.types.stop_iteration) => {
            Outcome::Return(e.exc_data().args.first().cloned().unwrap_or(Value::None))
        }
        Err(e) => Outcome::Raise(e),
    }
}

/// `Task.__wakeup(fut)`: step with nothing, or with the future's exception.
pub fn task_wakeup(rt: &mut Runtime, t: &Rc<Fut>, fut: &Fut) -> Result<(), Exc> {
    let exc = match fut.state() {
        State::Cancelled => Some(fut.make_cancelled_error(rt)),
        State::Pending => Some(super::future::invalid_state(rt, "Result is not set.")),
        State::Finished => {
            let mut s = fut.s.borrow_mut();
            s.log_tb = false;
            s.exception.clone()
        }
    };
    task_step(rt, t, exc)
}

/// Task attributes beyond the future's.
pub fn task_attr(_rt: &mut Runtime, f: &Fut, name: &str) -> Option<Value> {
    let d = f.task.as_ref()?;
    Some(match name {
        "_coro" => d.coro.clone(),
        "_name" => d.name.borrow().clone(),
        "_must_cancel" => Value::Bool(d.must_cancel.get()),
        "_fut_waiter" => d.fut_waiter.borrow().as_ref().map(|w| w.val()).unwrap_or(Value::None),
        "_num_cancels_requested" => Value::Int(d.num_cancels.get()),
        "_log_destroy_pending" => Value::Bool(true),
        _ => return None,
    })
}

/// `<Task pending name='Task-1' coro=<main() running at FILE:LINE>>`.
pub fn task_repr(rt: &mut Runtime, f: &Fut) -> String {
    let d = data(f);
    let mut info = super::future::repr_info(rt, f);
    let state = info.remove(0);
    let mut words = vec![state];
    if d.must_cancel.get() {
        words[0] = "cancelling".into();
    }
    let name = super::future::repr_str(rt, &d.name.borrow().clone());
    words.push(format!("name={name}"));
    words.push(format!("coro=<{}>", coro_desc(&d.coro)));
    if let Some(w) = d.fut_waiter.borrow().clone() {
        let wr = super::future::repr_str(rt, &w.val());
        words.push(format!("wait_for={wr}"));
    }
    words.extend(info);
    format!("<Task {}>", words.join(" "))
}

fn coro_desc(coro: &Value) -> String {
    match coro {
        Value::Gen(g) => {
            let q = g.qualname();
            let file = g.code().source.code_name().to_string();
            match g.state() {
                GenState::Finished => format!("{q}() done, defined at {file}:{}", g.code().firstline),
                _ => {
                    let line = g.frame().borrow().as_ref().map(|f| f.line).unwrap_or(g.code().firstline);
                    format!("{q}() running at {file}:{line}")
                }
            }
        }
        _ => "coroutine".into(),
    }
}

// ---- script-facing methods ----

fn task_this<'a>(rt: &Runtime, a: &Args<'a>) -> Result<&'a Fut, Exc> {
    let f = this(rt, a)?;
    if f.task.is_none() {
        return Err(rt.type_error("descriptor requires a '_asyncio.Task' object"));
    }
    Ok(f)
}

macro_rules! task_or_raise {
    ($rt:expr, $a:expr) => {
        match task_this($rt, &$a) {
            Ok(f) => f,
            Err(e) => return raise(e),
        }
    };
}

fn m_get_name(rt: &mut Runtime, a: Args) -> Ret {
    let t = task_or_raise!(rt, a);
    Ret::Val(data(t).name.borrow().clone())
}

fn m_set_name(rt: &mut Runtime, a: Args) -> Ret {
    let t = task_or_raise!(rt, a);
    let v = a.pos.get(1).cloned().unwrap_or(Value::None);
    let s = match v {
        Value::Str(_) => v,
        other => match ops::repr::to_str(rt, &other) {
            Ok(s) => Value::Str(s),
            Err(e) => return raise(ops::expect_raise(e)),
        },
    };
    *data(t).name.borrow_mut() = s;
    Ret::Val(Value::None)
}

fn m_get_coro(rt: &mut Runtime, a: Args) -> Ret {
    let t = task_or_raise!(rt, a);
    Ret::Val(data(t).coro.clone())
}

fn m_cancelling(rt: &mut Runtime, a: Args) -> Ret {
    let t = task_or_raise!(rt, a);
    Ret::Val(Value::Int(data(t).num_cancels.get()))
}

fn m_uncancel(rt: &mut Runtime, a: Args) -> Ret {
    let t = task_or_raise!(rt, a);
    let d = data(t);
    if d.num_cancels.get() > 0 {
        d.num_cancels.set(d.num_cancels.get() - 1);
    }
    Ret::Val(Value::Int(d.num_cancels.get()))
}

fn m_get_stack(rt: &mut Runtime, a: Args) -> Ret {
    let _ = task_or_raise!(rt, a);
    Ret::Val(Value::list(vec![]))
}

fn m_get_context(_rt: &mut Runtime, _a: Args) -> Ret {
    Ret::Val(Value::None)
}

/// `asyncio.Task(coro, *, loop=None, name=None)`.
pub fn construct_task(rt: &mut Runtime, a: Args) -> Ret {
    let Some(coro) = a.pos.first().or(a.kw("coro")).cloned() else {
        return raise(rt.type_error("Task() missing required argument 'coro' (pos 1)"));
    };
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
    match create_task(rt, &lp, coro, a.kw("name").cloned()) {
        Ok(t) => Ret::Val(t.val()),
        Err(e) => raise(e),
    }
}

/// `asyncio.create_task(coro, *, name=None, context=None)`: numbered first, then
/// renamed (as CPython does).
pub fn aio_create_task(rt: &mut Runtime, a: Args) -> Ret {
    let lp = match super::event_loop::running_or_err(rt) {
        Ok(l) => l,
        Err(e) => return raise(e),
    };
    let Some(coro) = a.pos.first().or(a.kw("coro")).cloned() else {
        return raise(rt.type_error("create_task() missing required argument 'coro' (pos 1)"));
    };
    let t = match create_task(rt, &lp, coro, None) {
        Ok(t) => t,
        Err(e) => return raise(e),
    };
    if let Some(n) = a.kw("name") {
        if !n.is_none() {
            let s = match n {
                Value::Str(_) => n.clone(),
                other => match ops::repr::to_str(rt, other) {
                    Ok(s) => Value::Str(s),
                    Err(e) => return raise(ops::expect_raise(e)),
                },
            };
            *data(&t).name.borrow_mut() = s;
        }
    }
    Ret::Val(t.val())
}

/// `asyncio.current_task(loop=None)`.
pub fn current_task(rt: &mut Runtime, a: Args) -> Ret {
    let lp = match a.pos.first().or(a.kw("loop")) {
        Some(v) if !v.is_none() => match downcast::<Loop>(v).and_then(|l| l.rc()) {
            Some(l) => l,
            None => return raise(rt.type_error("loop must be an event loop")),
        },
        _ => match super::event_loop::running_or_err(rt) {
            Ok(l) => l,
            Err(e) => return raise(e),
        },
    };
    let cur = lp.current.borrow().clone();
    Ret::Val(cur.map(|t| t.val()).unwrap_or(Value::None))
}

/// `asyncio.all_tasks(loop=None)`: the loop's tasks not done yet, as a set.
pub fn all_tasks(rt: &mut Runtime, a: Args) -> Ret {
    let lp = match a.pos.first().or(a.kw("loop")) {
        Some(v) if !v.is_none() => match downcast::<Loop>(v).and_then(|l| l.rc()) {
            Some(l) => l,
            None => return raise(rt.type_error("loop must be an event loop")),
        },
        _ => match super::event_loop::running_or_err(rt) {
            Ok(l) => l,
            Err(e) => return raise(e),
        },
    };
    let items: Vec<Value> = lp.tasks.borrow().values().filter(|t| !t.done()).map(|t| t.val()).collect();
    crate::builtins::ret(crate::builtins::sets::set_from_values(rt, items, false))
}

/// The tasks of `lp` not done yet, in creation order.
pub fn pending_tasks(lp: &Loop) -> Vec<Rc<Fut>> {
    lp.tasks.borrow().values().filter(|t| !t.done()).cloned().collect()
}

/// Add the Task methods.
pub fn install(c: &Classes) {
    let t = &c.task;
    add_method(t, "get_name", m_get_name);
    add_method(t, "set_name", m_set_name);
    add_method(t, "get_coro", m_get_coro);
    add_method(t, "cancelling", m_cancelling);
    add_method(t, "uncancel", m_uncancel);
    add_method(t, "get_stack", m_get_stack);
    add_method(t, "get_context", m_get_context);
}
