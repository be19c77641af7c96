//! Calling script code from Rust: a nested driver runs the callee to completion.

use super::{Fail, PyResult};
use crate::runtime::str::PyStr;
use crate::runtime::value::Value;
use crate::runtime::Runtime;
use std::rc::Rc;

/// Call `f(*args)` and wait for the result.
pub fn call_value(rt: &mut Runtime, f: Value, args: Vec<Value>) -> PyResult {
    call_with(rt, &f, &args, &[])
}

/// Call `f` with positional values and keyword values (the last `kwnames.len()` of
/// `args`), and wait for the result.
pub fn call_with(rt: &mut Runtime, f: &Value, args: &[Value], kwnames: &[Rc<PyStr>]) -> PyResult {
    if rt.fast {
        return Err(Fail::Slow);
    }
    crate::eval::machine::call_nested(rt, f, args, kwnames).map_err(Fail::Raise)
}
