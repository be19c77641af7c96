//! Built-ins whose answer is one special method's result, checked: `len(x)` and
//! `repr(x)` of an instance whose class defines `__len__`/`__repr__` in script code run
//! as a task on the driver's stack (the method is a frame of the same run), so
//! recursion through them needs no nested run of the driver.

use crate::eval::native::{Input, Ret, Task, TaskStep};
use crate::ops;
use crate::runtime::class::Exc;
use crate::runtime::value::Value;
use crate::runtime::Runtime;

/// A task that calls one special method and checks its result.
pub struct DunderCall {
    call: Option<(Value, Vec<Value>)>,
    check: fn(&mut Runtime, Value) -> Result<Value, Exc>,
}

impl Task for DunderCall {
    fn resume(&mut self, rt: &mut Runtime, input: Input) -> TaskStep {
        match input {
            Input::Start => match self.call.take() {
                Some((f, args)) => TaskStep::Call(f, args),
                None => TaskStep::Raise(rt.exc_msg(&rt.types.runtime_error, "internal error: special method task resumed twice")),
            },
            Input::Value(v) => match (self.check)(rt, v) {
                Ok(v) => TaskStep::Return(v),
                Err(e) => TaskStep::Raise(e),
            },
            Input::Raise(e) => TaskStep::Raise(e),
            _ => TaskStep::Raise(rt.exc_msg(&rt.types.runtime_error, "internal error: special method task advanced an iterator")),
        }
    }
}

/// `Some(task)` calling `x.name()` when `x` is an instance whose class defines `name`
/// as a script function; `check` turns its result into the built-in's.
pub fn script_dunder(rt: &mut Runtime, x: &Value, name: &str, check: fn(&mut Runtime, Value) -> Result<Value, Exc>) -> Option<Ret> {
    if !matches!(x, Value::Inst(_)) {
        return None;
    }
    let m = ops::attr::lookup_special(rt, x, name)?;
    if !matches!(m, Value::Func(_)) {
        return None;
    }
    Some(Ret::task(DunderCall { call: Some((m, vec![x.clone()])), check }))
}

/// `__len__`'s result as `len()` gives it (an int >= 0, CPython's errors otherwise).
pub fn len_check(rt: &mut Runtime, v: Value) -> Result<Value, Exc> {
    ops::cmp::len_result(rt, &v).map(|n| Value::Int(n as i64)).map_err(ops::expect_raise)
}

/// `__repr__`'s result as `repr()` gives it (a str, CPython's error otherwise).
pub fn repr_check(rt: &mut Runtime, v: Value) -> Result<Value, Exc> {
    match v {
        Value::Str(_) => Ok(v),
        other => {
            let t = ops::type_name(rt, &other);
            Err(rt.type_error(format!("__repr__ returned non-string (type {t})")))
        }
    }
}
