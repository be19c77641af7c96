//! The built-in event loop (`asyncio`). (Being built: this is its interface.)

use crate::eval::suspend::Resume;
use crate::eval::native::{Args, Ret};
use crate::ops::PyResult;
use crate::runtime::class::{Class, Exc};
use crate::runtime::value::Value;
use crate::runtime::Runtime;
use std::rc::Rc;

/// The `asyncio` module.
pub fn module(rt: &mut Runtime) -> Result<Value, Exc> {
    Err(rt.exc_named("ModuleNotFoundError", "No module named 'asyncio'"))
}

/// Construct an asyncio class instance, if `cls` is one.
pub fn construct(_rt: &mut Runtime, _cls: &Rc<Class>, _a: Args) -> Option<Ret> {
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

/// The iterator behind awaiting an asyncio object.
pub fn native_await(_rt: &mut Runtime, _v: &Value) -> Option<Result<Value, Exc>> {
    None
}

/// Whether `v` is an asyncio awaitable iterator.
pub fn is_native_resumable(_v: &Value) -> bool {
    false
}

/// Resume an asyncio awaitable iterator.
pub fn native_resume(_rt: &mut Runtime, _it: &Value, _r: Resume) -> Option<PyResult> {
    None
}

/// The virtual clock, when `--virtual-time` is on.
pub fn virtual_now() -> Option<f64> {
    None
}

/// Advance the virtual clock instead of sleeping; false when time is real.
pub fn virtual_sleep(_secs: f64) -> bool {
    false
}
