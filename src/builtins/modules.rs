//! `import`: the built-in modules (`time`, `asyncio`) and the `__main__` namespace.

use crate::eval::native::{Args, Ret};
use crate::runtime::class::Exc;
use crate::runtime::descr::Module;
use crate::runtime::dict::Dict;
use crate::runtime::intern::intern;
use crate::runtime::value::Value;
use crate::runtime::Runtime;
use std::cell::RefCell;
use std::rc::Rc;

thread_local! {
    static MAIN: RefCell<Option<Rc<Dict>>> = const { RefCell::new(None) };
}

/// Record the `__main__` namespace (for `globals()`).
pub fn set_main_globals(d: Rc<Dict>) {
    MAIN.with(|m| *m.borrow_mut() = Some(d));
}

/// The `__main__` namespace.
pub fn main_globals() -> Rc<Dict> {
    MAIN.with(|m| m.borrow().clone().unwrap_or_default())
}

/// A module value with this name and namespace.
pub fn make_module(name: &str, dict: Rc<Dict>) -> Value {
    dict.set_str(intern("__name__"), Value::str(name));
    Value::Obj(crate::runtime::objref::ObjRef::new(Module { name: intern(name), dict }))
}

/// `import name`.
pub fn import(rt: &mut Runtime, name: &str) -> Result<Value, Exc> {
    if let Some(m) = rt.modules.get(name) {
        return Ok(m.clone());
    }
    let m = match name {
        "time" => time_module(),
        "asyncio" => crate::aio::module(rt)?,
        _ => {
            let e = rt.exc_named("ModuleNotFoundError", format!("No module named '{name}'"));
            return Err(e);
        }
    };
    rt.modules.insert(name.to_string(), m.clone());
    Ok(m)
}

fn now_secs() -> f64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs_f64()).unwrap_or(0.0)
}

thread_local! {
    static START: std::time::Instant = std::time::Instant::now();
}

/// Seconds on the monotonic clock (the event loop's clock too).
pub fn monotonic() -> f64 {
    let virt = crate::aio::virtual_now();
    if let Some(v) = virt {
        return v;
    }
    START.with(|s| s.elapsed().as_secs_f64()) + 1000.0
}

fn t_time(_rt: &mut Runtime, _a: Args) -> Ret {
    Ret::Val(Value::Float(now_secs()))
}

fn t_monotonic(_rt: &mut Runtime, _a: Args) -> Ret {
    Ret::Val(Value::Float(monotonic()))
}

fn t_sleep(rt: &mut Runtime, a: Args) -> Ret {
    let secs = match a.pos.first() {
        Some(Value::Int(i)) => *i as f64,
        Some(Value::Float(f)) => *f,
        Some(other) => {
            let tn = crate::ops::type_name(rt, other);
            return Ret::Raise(rt.type_error(format!("'{tn}' object cannot be interpreted as an integer")));
        }
        None => return Ret::Raise(rt.type_error("time.sleep() takes exactly one argument (0 given)")),
    };
    if secs < 0.0 {
        return Ret::Raise(rt.value_error("sleep length must be non-negative"));
    }
    rt.flush_out();
    if !crate::aio::virtual_sleep(secs) {
        // In slices, so that Ctrl-C interrupts a long sleep at once (as CPython's
        // sleep, which the signal wakes, raises KeyboardInterrupt).
        let end = std::time::Instant::now() + std::time::Duration::from_secs_f64(secs.min(1e9));
        loop {
            let now = std::time::Instant::now();
            if now >= end {
                break;
            }
            std::thread::sleep((end - now).min(std::time::Duration::from_millis(20)));
            if let Err(e) = crate::aio::signals::check_blocking(rt) {
                return Ret::Raise(e);
            }
        }
    }
    Ret::Val(Value::None)
}

fn time_module() -> Value {
    let d = Rc::new(Dict::new());
    d.set_str(intern("time"), super::native("time", t_time));
    d.set_str(intern("monotonic"), super::native("monotonic", t_monotonic));
    d.set_str(intern("perf_counter"), super::native("perf_counter", t_monotonic));
    d.set_str(intern("sleep"), super::native("sleep", t_sleep));
    make_module("time", d)
}
