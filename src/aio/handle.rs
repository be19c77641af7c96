//! `Handle` and `TimerHandle`: a callback with its arguments, scheduled by
//! `call_soon` (ready queue) or `call_later`/`call_at` (timer heap), cancellable.

use super::classes::Classes;
use super::event_loop::Loop;
use crate::builtins::{add_method, raise};
use crate::eval::native::{Args, Ret};
use crate::runtime::class::Class;
use crate::runtime::object::{downcast, Object};
use crate::runtime::value::Value;
use crate::runtime::Runtime;
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

/// A scheduled callback.
pub struct Handle {
    /// The callable (None once cancelled).
    pub callback: RefCell<Value>,
    /// Its positional arguments.
    pub args: RefCell<Vec<Value>>,
    /// Set by `cancel()`.
    pub cancelled: Cell<bool>,
    /// The deadline, for timer handles (`loop.time()` clock); NaN for plain handles.
    pub when: f64,
    /// Whether a timer handle is in the loop's heap.
    pub scheduled: Cell<bool>,
    /// The loop it belongs to.
    pub lp: Weak<Loop>,
}

impl Handle {
    /// A new handle for `callback(*args)`; `when` is Some for timers.
    pub fn new(lp: &Rc<Loop>, callback: Value, args: Vec<Value>, when: Option<f64>) -> Rc<Handle> {
        let h = Rc::new(Handle {
            callback: RefCell::new(callback),
            args: RefCell::new(args),
            cancelled: Cell::new(false),
            when: when.unwrap_or(f64::NAN),
            scheduled: Cell::new(false),
            lp: Rc::downgrade(lp),
        });
        crate::runtime::gc::track_obj(&h);
        h
    }

    /// Whether this is a timer handle.
    pub fn is_timer(&self) -> bool {
        !self.when.is_nan()
    }

    /// `cancel()`: a timer still in the heap is counted, so the loop can prune.
    pub fn cancel(&self) {
        if self.cancelled.get() {
            return;
        }
        if self.is_timer() && self.scheduled.get() {
            if let Some(lp) = self.lp.upgrade() {
                lp.timer_cancelled.set(lp.timer_cancelled.get() + 1);
            }
        }
        self.cancelled.set(true);
        *self.callback.borrow_mut() = Value::None;
        self.args.borrow_mut().clear();
    }
}

impl Object for Handle {
    fn class(&self, _rt: &Runtime) -> Rc<Class> {
        super::classes::with(|c| if self.is_timer() { c.timer_handle.clone() } else { c.handle.clone() })
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn traverse(&self, visit: &mut crate::runtime::gc_refs::Visit<'_>) -> bool {
        let (Ok(cb), Ok(args)) = (self.callback.try_borrow(), self.args.try_borrow()) else { return false };
        visit.value(&cb);
        args.iter().for_each(|v| visit.value(v));
        true
    }
    fn clear_refs(&self) {
        let cb = self.callback.try_borrow_mut().map(|mut c| std::mem::replace(&mut *c, Value::None));
        let args = self.args.try_borrow_mut().map(|mut a| std::mem::take(&mut *a));
        drop((cb, args));
    }
    fn repr(&self, rt: &mut Runtime, _this: &Value) -> Option<String> {
        let name = if self.is_timer() { "TimerHandle" } else { "Handle" };
        let mut info = Vec::new();
        if self.cancelled.get() {
            info.push("cancelled".to_string());
        }
        if self.is_timer() {
            info.push(format!("when={}", crate::ops::repr::float_repr(self.when)));
        }
        let cb = self.callback.borrow().clone();
        if !cb.is_none() {
            let args = self.args.borrow().clone();
            info.push(super::log::format_callback(rt, &cb, &args));
        }
        Some(format!("<{name} {}>", info.join(" ")))
    }
}

fn this<'a>(a: &Args<'a>) -> Option<&'a Handle> {
    a.pos.first().and_then(|v| downcast::<Handle>(v))
}

fn h_cancel(_rt: &mut Runtime, a: Args) -> Ret {
    if let Some(h) = this(&a) {
        h.cancel();
    }
    Ret::Val(Value::None)
}

fn h_cancelled(_rt: &mut Runtime, a: Args) -> Ret {
    Ret::Val(Value::Bool(this(&a).is_some_and(|h| h.cancelled.get())))
}

fn h_when(rt: &mut Runtime, a: Args) -> Ret {
    match this(&a) {
        Some(h) if h.is_timer() => Ret::Val(Value::Float(h.when)),
        _ => raise(rt.exc_msg(&rt.types.attribute_error, "'Handle' object has no attribute 'when'")),
    }
}

fn h_get_context(_rt: &mut Runtime, _a: Args) -> Ret {
    Ret::Val(Value::None)
}

/// Add the handle methods.
pub fn install(c: &Classes) {
    add_method(&c.handle, "cancel", h_cancel);
    add_method(&c.handle, "cancelled", h_cancelled);
    add_method(&c.handle, "get_context", h_get_context);
    add_method(&c.timer_handle, "when", h_when);
}
