//! Exception objects: their attributes (`args`, `__cause__`, `value`...), `str()` and
//! `repr()`, and the methods of `BaseException`.

use super::{add_method, raise};
use crate::eval::native::{Args, Ret};
use crate::ops::{self, PyResult};
use crate::runtime::class::{Exc, Instance};
use crate::runtime::value::Value;
use crate::runtime::Runtime;
use std::rc::Rc;

fn is_group(rt: &Runtime, e: &Instance) -> bool {
    e.class().is_subclass(&rt.types.exc("BaseExceptionGroup"))
}

/// Special attributes of exception instances.
pub fn exc_attr(rt: &mut Runtime, e: &Rc<Instance>, name: &str) -> Option<Value> {
    let d = e.exc_data();
    Some(match name {
        "args" => Value::tuple(d.args.clone()),
        "__cause__" => d.cause.clone().unwrap_or(Value::None),
        "__context__" => d.context.clone().unwrap_or(Value::None),
        "__suppress_context__" => Value::Bool(d.suppress_context),
        "__traceback__" => Value::None,
        "__notes__" => match &d.extra {
            Some(v) => v.clone(),
            None => return None,
        },
        "value" if e.class().is_subclass(&rt.types.stop_iteration) => d.args.first().cloned().unwrap_or(Value::None),
        "code" if e.class().is_subclass(&rt.types.exc("SystemExit")) => match d.args.len() {
            0 => Value::None,
            1 => d.args[0].clone(),
            _ => Value::tuple(d.args.clone()),
        },
        "message" if is_group(rt, e) => d.args.first().cloned().unwrap_or(Value::None),
        "exceptions" if is_group(rt, e) => match d.args.get(1) {
            Some(Value::List(l)) => Value::tuple(l.snapshot()),
            Some(v) => v.clone(),
            None => Value::tuple(vec![]),
        },
        "errno" | "strerror" | "filename" if e.class().is_subclass(&rt.types.exc("OSError")) => {
            if d.args.len() >= 2 {
                match name {
                    "errno" => d.args[0].clone(),
                    "strerror" => d.args[1].clone(),
                    _ => Value::None,
                }
            } else {
                Value::None
            }
        }
        "expected" | "partial" if e.class().name_str() == "IncompleteReadError" => match name {
            "partial" => d.args.first().cloned().unwrap_or(Value::None),
            _ => d.args.get(1).cloned().unwrap_or(Value::None),
        },
        _ => return None,
    })
}

/// Set a special attribute of an exception; false if `name` is not one.
pub fn exc_setattr(rt: &mut Runtime, e: &Rc<Instance>, name: &str, v: &Value) -> PyResult<bool> {
    let check = |rt: &Runtime, v: &Value, what: &str| -> PyResult<Option<Value>> {
        match v {
            Value::None => Ok(None),
            Value::Inst(i) if i.is_exception() => Ok(Some(v.clone())),
            _ => ops::raise(rt.type_error(format!("exception {what} must be None or derive from BaseException"))),
        }
    };
    match name {
        "__cause__" => {
            let c = check(rt, v, "cause")?;
            let mut d = e.exc_data_mut();
            d.cause = c;
            d.suppress_context = true;
        }
        "__context__" => {
            let c = check(rt, v, "context")?;
            e.exc_data_mut().context = c;
        }
        "__suppress_context__" => {
            let b = ops::cmp::truthy(rt, v)?;
            e.exc_data_mut().suppress_context = b;
        }
        "args" => {
            let items = ops::iter::collect(rt, v)?;
            e.exc_data_mut().args = items;
        }
        "__traceback__" => {}
        "value" if e.class().is_subclass(&rt.types.stop_iteration) => {
            let mut d = e.exc_data_mut();
            if d.args.is_empty() {
                d.args.push(v.clone());
            } else {
                d.args[0] = v.clone();
            }
        }
        _ => return Ok(false),
    }
    Ok(true)
}

/// `str(e)` for an exception without its own `__str__`.
pub fn exc_str(rt: &mut Runtime, e: &Rc<Instance>) -> PyResult<Rc<crate::runtime::str::PyStr>> {
    let args = e.exc_data().args.clone();
    if is_group(rt, e) && args.len() == 2 {
        let msg = ops::repr::to_str(rt, &args[0])?;
        let n = match &args[1] {
            Value::List(l) => l.len(),
            Value::Tuple(t) => t.len(),
            _ => 0,
        };
        let s = format!("{msg} ({n} sub-exception{})", if n == 1 { "" } else { "s" });
        return Ok(Rc::new(crate::runtime::str::PyStr::from(s)));
    }
    match args.len() {
        0 => Ok(Rc::new(crate::runtime::str::PyStr::new(""))),
        1 => {
            if e.class().is_subclass(&rt.types.key_error) {
                ops::repr::repr(rt, &args[0])
            } else {
                ops::repr::to_str(rt, &args[0])
            }
        }
        _ => ops::repr::to_str(rt, &Value::tuple(args)),
    }
}

/// `repr(e)` for an exception without its own `__repr__`.
pub fn exc_repr(rt: &mut Runtime, e: &Rc<Instance>) -> PyResult<String> {
    let name = e.class().name_str();
    let args = e.exc_data().args.clone();
    if args.len() == 1 {
        let r = ops::repr::repr(rt, &args[0])?;
        return Ok(format!("{name}({r})"));
    }
    let r = ops::repr::repr(rt, &Value::tuple(args))?;
    Ok(format!("{name}{r}"))
}

fn this(a: &Args) -> Option<Exc> {
    match &a.pos[0] {
        Value::Inst(i) if i.is_exception() => Some(i.clone()),
        _ => None,
    }
}

fn init(_rt: &mut Runtime, a: Args) -> Ret {
    if let Some(e) = this(&a) {
        e.exc_data_mut().args = a.pos[1..].to_vec();
    }
    Ret::Val(Value::None)
}

fn with_traceback(_rt: &mut Runtime, a: Args) -> Ret {
    Ret::Val(a.pos[0].clone())
}

fn add_note(rt: &mut Runtime, a: Args) -> Ret {
    let Some(e) = this(&a) else { return Ret::Val(Value::None) };
    let Some(Value::Str(note)) = a.pos.get(1) else {
        return raise(rt.type_error("note must be a str"));
    };
    let mut d = e.exc_data_mut();
    match &d.extra {
        Some(Value::List(l)) => l.borrow_mut().push(Value::Str(note.clone())),
        _ => d.extra = Some(Value::list(vec![Value::Str(note.clone())])),
    }
    Ret::Val(Value::None)
}

fn str_method(rt: &mut Runtime, a: Args) -> Ret {
    match this(&a) {
        Some(e) => super::ret(exc_str(rt, &e).map(Value::Str)),
        None => Ret::Val(Value::str("")),
    }
}

fn repr_method(rt: &mut Runtime, a: Args) -> Ret {
    match this(&a) {
        Some(e) => super::ret(exc_repr(rt, &e).map(Value::string)),
        None => Ret::Val(Value::str("")),
    }
}

/// Register `BaseException` methods.
pub fn install(rt: &mut Runtime) {
    let b = rt.types.base_exception.clone();
    add_method(&b, "__init__", init);
    add_method(&b, "with_traceback", with_traceback);
    add_method(&b, "add_note", add_note);
    add_method(&b, "__str__", str_method);
    add_method(&b, "__repr__", repr_method);
}
