//! Special attributes and protocol hooks of built-in objects (`f.__name__`,
//! `range.start`, generator introspection), and the hooks the evaluator uses for
//! native awaitables.

use crate::eval::suspend::Resume;
use crate::eval::native::{Args, Ret};
use crate::ops::{self, PyResult};
use crate::runtime::descr::StaticMethod;
use crate::runtime::object::downcast;
use crate::runtime::str::PyStr;
use crate::runtime::value::Value;
use crate::runtime::Runtime;
use std::rc::Rc;

/// An attribute that built-in values have outside their type's namespace.
pub fn special(rt: &mut Runtime, obj: &Value, name: &Rc<PyStr>) -> PyResult<Option<Value>> {
    let n = name.as_str();
    Ok(match obj {
        Value::Func(f) => match n {
            "__name__" => Some(Value::Str(f.name.borrow().clone())),
            "__qualname__" => Some(Value::Str(f.qualname.borrow().clone())),
            "__doc__" => Some(f.doc.borrow().clone()),
            "__module__" => Some(f.globals.get_str(&crate::runtime::intern::intern("__name__")).unwrap_or(Value::None)),
            "__defaults__" => {
                let d = f.defaults.borrow();
                Some(if d.is_empty() { Value::None } else { Value::tuple(d.clone()) })
            }
            "__kwdefaults__" => {
                let d = f.kwdefaults.borrow();
                if d.iter().all(|x| x.is_none()) {
                    Some(Value::None)
                } else {
                    let dict = Rc::new(crate::runtime::dict::Dict::new());
                    let base = f.code.sig.args as usize;
                    for (i, v) in d.iter().enumerate() {
                        if let Some(v) = v {
                            dict.set_str(f.code.varnames[base + i].clone(), v.clone());
                        }
                    }
                    Some(Value::Dict(dict))
                }
            }
            "__code__" => Some(super::generators::code_value(f.code)),
            "__globals__" => Some(Value::Dict(f.globals.clone())),
            "__dict__" => Some(Value::Dict(f.dict.borrow_mut().get_or_insert_with(|| Rc::new(crate::runtime::dict::Dict::new())).clone())),
            "__closure__" => Some(Value::None),
            "__annotations__" => Some(Value::Dict(Rc::new(crate::runtime::dict::Dict::new()))),
            _ => f.dict.borrow().as_ref().and_then(|d| d.get_str(name)),
        },
        Value::Native(f) => match n {
            "__name__" => Some(Value::str(f.name)),
            "__qualname__" => Some(Value::string(match f.owner {
                Some(o) => format!("{o}.{}", f.name),
                None => f.name.to_string(),
            })),
            "__self__" => Some(f.bound.clone().unwrap_or(Value::None)),
            "__module__" => Some(if f.owner.is_some() { Value::None } else { Value::str("builtins") }),
            "__doc__" => Some(Value::None),
            _ => None,
        },
        Value::Method(m) => match n {
            "__self__" => Some(m.receiver.clone()),
            "__func__" => Some(m.func.clone()),
            _ => match ops::attr::getattr(rt, &m.func, name) {
                Ok(v) => Some(v),
                Err(_) => None,
            },
        },
        Value::Gen(g) => super::generators::gen_attr(g, n),
        Value::Int(_) | Value::Bool(_) | Value::BigInt(_) => match n {
            "real" | "numerator" => Some(match obj {
                Value::Bool(b) => Value::Int(*b as i64),
                _ => obj.clone(),
            }),
            "imag" => Some(Value::Int(0)),
            "denominator" => Some(Value::Int(1)),
            _ => None,
        },
        Value::Float(f) => match n {
            "real" => Some(Value::Float(*f)),
            "imag" => Some(Value::Float(0.0)),
            _ => None,
        },
        Value::Range(r) => match n {
            "start" => Some(r.attrs().0),
            "stop" => Some(r.attrs().1),
            "step" => Some(r.attrs().2),
            _ => None,
        },
        Value::Slice(s) => match n {
            "start" => Some(s.start.clone()),
            "stop" => Some(s.stop.clone()),
            "step" => Some(s.step.clone()),
            _ => None,
        },
        _ => None,
    })
}

/// `len()` of built-in objects without a dedicated `Value` variant.
pub fn native_len(_rt: &mut Runtime, v: &Value) -> Option<usize> {
    match v {
        Value::Obj(o) => o.len(),
        _ => None,
    }
}

/// Calling built-in objects that are callable (e.g. a `staticmethod`).
pub fn call_object(rt: &mut Runtime, v: &Value, a: Args) -> Option<Ret> {
    if let Some(r) = super::descr::try_call(rt, v, a) {
        return Some(r);
    }
    if let Some(s) = downcast::<StaticMethod>(v) {
        let f = s.0.clone();
        let mut all = a.pos.to_vec();
        all.extend_from_slice(a.kw);
        return Some(match ops::call::call_with(rt, &f, &all, a.names) {
            Ok(v) => Ret::Val(v),
            Err(e) => Ret::Raise(ops::expect_raise(e)),
        });
    }
    crate::aio::call_object(rt, v, a)
}

/// Whether a built-in object is callable.
pub fn is_callable_obj(v: &Value) -> bool {
    downcast::<StaticMethod>(v).is_some() || super::descr::is_callable(v) || crate::aio::is_callable_obj(v)
}

/// Whether a built-in object is an iterator.
pub fn is_iterator_like(rt: &mut Runtime, v: &Value) -> bool {
    super::iters::is_iterator_obj(v) || ops::attr::lookup_special(rt, v, "__next__").is_some() || {
        let cls = ops::type_of(rt, v);
        ops::attr::class_lookup(&cls, "__next__").is_some()
    }
}

/// The iterator behind awaiting a built-in awaitable, if `v` is one.
pub fn native_await(rt: &mut Runtime, v: &Value) -> Option<Result<Value, crate::runtime::class::Exc>> {
    // `coro.__await__()` (a `coroutine_wrapper`) is an iterator, not awaitable.
    if downcast::<super::agen::AgAwait>(v).is_some() {
        return Some(Ok(v.clone()));
    }
    crate::aio::native_await(rt, v)
}

/// Whether `v` is a built-in object the delegation step knows how to resume.
pub fn is_native_resumable(v: &Value) -> bool {
    downcast::<super::agen::AgAwait>(v).is_some() || crate::aio::is_native_resumable(v)
}

/// Resume a built-in awaitable iterator (a future's `__await__`).
pub fn native_resume(rt: &mut Runtime, it: &Value, r: Resume) -> Option<PyResult> {
    crate::aio::native_resume(rt, it, r)
}

/// The coroutine inside a `coro.__await__()` wrapper.
pub fn unwrap_coro_wrapper(v: &Value) -> Option<Value> {
    downcast::<super::generators::CoroWrapper>(v).map(|w| Value::Gen(w.0.clone()))
}

/// Names `dir()` shows for a built-in type beyond its namespace (data descriptors).
pub fn class_extra_dir(cls: &crate::runtime::class::Class) -> Vec<&'static str> {
    use crate::runtime::class::Kind;
    match cls.kind {
        Kind::Int | Kind::Bool => vec!["real", "imag", "numerator", "denominator"],
        Kind::Float => vec!["real", "imag"],
        Kind::Range | Kind::Slice => vec!["start", "stop", "step"],
        _ => vec![],
    }
}

/// Names `dir()` shows for built-in values beyond their type's namespace.
pub fn extra_dir(v: &Value) -> Vec<&'static str> {
    match v {
        Value::Gen(g) => match g.kind() {
            crate::runtime::generator::GenKind::Generator => {
                vec!["gi_code", "gi_frame", "gi_running", "gi_suspended", "gi_yieldfrom", "__name__", "__qualname__", "__del__"]
            }
            crate::runtime::generator::GenKind::Coroutine => {
                vec!["cr_await", "cr_code", "cr_frame", "cr_origin", "cr_running", "cr_suspended", "__name__", "__qualname__", "__del__"]
            }
            crate::runtime::generator::GenKind::AsyncGenerator => {
                vec!["ag_await", "ag_code", "ag_frame", "ag_running", "__name__", "__qualname__", "__del__"]
            }
        },
        Value::Func(_) => vec![
            "__annotations__", "__builtins__", "__call__", "__closure__", "__code__", "__defaults__", "__dict__", "__get__",
            "__globals__", "__kwdefaults__", "__module__", "__name__", "__qualname__",
        ],
        Value::Int(_) | Value::Bool(_) | Value::BigInt(_) => vec!["real", "imag", "numerator", "denominator"],
        Value::Float(_) => vec!["real", "imag"],
        Value::Range(_) | Value::Slice(_) => vec!["start", "stop", "step"],
        Value::Obj(o) => o.dir(),
        _ => vec![],
    }
}
