//! Introspection built-ins: `isinstance`, `issubclass`, `getattr`, `hasattr`,
//! `setattr`, `delattr`, `callable`, `id`, `hash`, `dir`, `vars`, `globals`, `locals`.

use super::{add_fn, check_args, raise, ret};
use crate::eval::native::{Args, Ret};
use crate::ops::{self, Fail, PyResult};
use crate::runtime::intern::intern;
use crate::runtime::str::PyStr;
use crate::runtime::value::Value;
use crate::runtime::Runtime;
use std::rc::Rc;

/// Register the introspection built-ins.
pub fn install(rt: &mut Runtime) {
    add_fn(rt, "isinstance", isinstance);
    add_fn(rt, "issubclass", issubclass);
    add_fn(rt, "hasattr", hasattr);
    add_fn(rt, "getattr", getattr);
    add_fn(rt, "setattr", setattr);
    add_fn(rt, "delattr", delattr);
    add_fn(rt, "callable", callable);
    add_fn(rt, "id", id);
    add_fn(rt, "hash", hash);
    add_fn(rt, "dir", dir);
    add_fn(rt, "vars", vars);
    add_fn(rt, "globals", globals);
    add_fn(rt, "locals", globals);
}

fn class_check(rt: &mut Runtime, v: &Value, cls: &Value, what: &str, sub: bool) -> PyResult<bool> {
    match cls {
        Value::Class(c) => {
            if sub {
                match v {
                    Value::Class(vc) => Ok(vc.is_subclass(c)),
                    _ => ops::raise(rt.type_error("issubclass() arg 1 must be a class")),
                }
            } else {
                if let Some(check) = ops::attr::lookup_special(rt, cls, "__instancecheck__") {
                    let r = ops::call::call_value(rt, check, vec![cls.clone(), v.clone()])?;
                    return ops::cmp::truthy(rt, &r);
                }
                Ok(ops::isinstance(rt, v, c))
            }
        }
        Value::Tuple(t) => {
            for c in t.items() {
                if class_check(rt, v, c, what, sub)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        _ => ops::raise(rt.type_error(format!("{what}() arg 2 must be a type, a tuple of types, or a union"))),
    }
}

fn isinstance(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_args(rt, &a, "isinstance", 2, 2) {
        return raise(e);
    }
    ret(class_check(rt, &a.pos[0], &a.pos[1], "isinstance", false).map(Value::Bool))
}

fn issubclass(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_args(rt, &a, "issubclass", 2, 2) {
        return raise(e);
    }
    ret(class_check(rt, &a.pos[0], &a.pos[1], "issubclass", true).map(Value::Bool))
}

fn attr_name(rt: &Runtime, v: &Value, what: &str) -> Result<Rc<PyStr>, crate::runtime::class::Exc> {
    match v {
        Value::Str(s) => Ok(intern(s.as_str())),
        other => {
            let _ = what;
            Err(rt.type_error(format!("attribute name must be string, not '{}'", ops::type_name(rt, other))))
        }
    }
}

fn getattr(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_args(rt, &a, "getattr", 2, 3) {
        return raise(e);
    }
    let name = match attr_name(rt, &a.pos[1], "getattr()") {
        Ok(n) => n,
        Err(e) => return raise(e),
    };
    match ops::attr::getattr(rt, &a.pos[0], &name) {
        Ok(v) => Ret::Val(v),
        Err(Fail::Raise(e)) if a.pos.len() == 3 && ops::exc_matches(&e, &rt.types.attribute_error) => Ret::Val(a.pos[2].clone()),
        Err(e) => raise(ops::expect_raise(e)),
    }
}

fn hasattr(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_args(rt, &a, "hasattr", 2, 2) {
        return raise(e);
    }
    let name = match attr_name(rt, &a.pos[1], "hasattr()") {
        Ok(n) => n,
        Err(e) => return raise(e),
    };
    match ops::attr::getattr(rt, &a.pos[0], &name) {
        Ok(_) => Ret::Val(Value::Bool(true)),
        Err(Fail::Raise(e)) if ops::exc_matches(&e, &rt.types.attribute_error) => Ret::Val(Value::Bool(false)),
        Err(e) => raise(ops::expect_raise(e)),
    }
}

fn setattr(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_args(rt, &a, "setattr", 3, 3) {
        return raise(e);
    }
    let name = match attr_name(rt, &a.pos[1], "setattr()") {
        Ok(n) => n,
        Err(e) => return raise(e),
    };
    ret(ops::attr::setattr(rt, &a.pos[0], &name, a.pos[2].clone()).map(|_| Value::None))
}

fn delattr(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_args(rt, &a, "delattr", 2, 2) {
        return raise(e);
    }
    let name = match attr_name(rt, &a.pos[1], "delattr()") {
        Ok(n) => n,
        Err(e) => return raise(e),
    };
    ret(ops::attr::delattr(rt, &a.pos[0], &name).map(|_| Value::None))
}

/// Whether a value can be called.
pub fn is_callable(rt: &Runtime, v: &Value) -> bool {
    match v {
        Value::Func(_) | Value::Native(_) | Value::Method(_) | Value::Class(_) => true,
        Value::Inst(_) | Value::Obj(_) => ops::attr::lookup_special(rt, v, "__call__").is_some() || super::attrs::is_callable_obj(v),
        _ => false,
    }
}

fn callable(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_args(rt, &a, "callable", 1, 1) {
        return raise(e);
    }
    Ret::Val(Value::Bool(is_callable(rt, &a.pos[0])))
}

fn id(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_args(rt, &a, "id", 1, 1) {
        return raise(e);
    }
    Ret::Val(Value::Int(a.pos[0].id() as i64))
}

fn hash(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_args(rt, &a, "hash", 1, 1) {
        return raise(e);
    }
    ret(ops::cmp::hash(rt, &a.pos[0]).map(Value::Int))
}

/// The names `dir()` lists for a value, sorted.
pub fn dir_names(rt: &mut Runtime, v: &Value) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let add_dict = |names: &mut Vec<String>, d: &crate::runtime::dict::Dict| {
        for e in d.borrow().iter() {
            // A class body's `__qualname__` becomes the type's attribute, not a
            // namespace entry.
            if let Value::Str(s) = &e.key {
                if s.as_str() != "__qualname__" {
                    names.push(s.as_str().to_string());
                }
            }
        }
    };
    match v {
        Value::Inst(i) => {
            add_dict(&mut names, i.dict());
            for c in i.class().full_mro() {
                add_dict(&mut names, &c.dict);
            }
            names.extend(OBJECT_DUNDERS.iter().map(|s| s.to_string()));
            if !i.class().builtin {
                names.extend(["__dict__", "__module__", "__weakref__"].iter().map(|s| s.to_string()));
            }
            if i.is_exception() {
                let extra = ["__cause__", "__context__", "__dict__", "__setstate__", "__suppress_context__", "__traceback__", "args"];
                names.extend(extra.iter().map(|s| s.to_string()));
            }
        }
        Value::Class(c) => {
            for c in c.full_mro() {
                add_dict(&mut names, &c.dict);
                names.extend(super::attrs::class_extra_dir(&c).iter().map(|s| s.to_string()));
            }
            names.extend(OBJECT_DUNDERS.iter().map(|s| s.to_string()));
        }
        Value::Obj(o) if o.class(rt).kind == crate::runtime::class::Kind::Module => {
            if let Some(m) = crate::runtime::object::downcast::<crate::runtime::descr::Module>(v) {
                // asyncio defines some names on first use: list them too. (They
                // compile without error; should they not, the names are just missing.)
                let _ = crate::aio::lib::load_deferred(rt, &m.dict);
                add_dict(&mut names, &m.dict);
            }
        }
        _ => {
            let cls = ops::type_of(rt, v);
            for c in cls.full_mro() {
                add_dict(&mut names, &c.dict);
            }
            names.extend(super::attrs::extra_dir(v).iter().map(|s| s.to_string()));
            names.extend(OBJECT_DUNDERS.iter().map(|s| s.to_string()));
        }
    }
    names.sort();
    names.dedup();
    names
}

/// The dunder names every object has.
const OBJECT_DUNDERS: &[&str] = &[
    "__class__", "__delattr__", "__dir__", "__doc__", "__eq__", "__format__", "__ge__",
    "__getattribute__", "__getstate__", "__gt__", "__hash__", "__init__", "__init_subclass__", "__le__", "__lt__",
    "__ne__", "__new__", "__reduce__", "__reduce_ex__", "__repr__", "__setattr__", "__sizeof__",
    "__str__", "__subclasshook__",
];

fn dir(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_args(rt, &a, "dir", 0, 1) {
        return raise(e);
    }
    let Some(v) = a.pos.first() else {
        // The names of the current scope: only the module's are reachable from here
        // (a function's locals would need the evaluator's frame).
        let g = crate::builtins::modules::main_globals();
        let mut names: Vec<String> = g.borrow().iter().filter_map(|e| e.key.as_pystr().map(|s| s.as_str().to_string())).collect();
        names.sort();
        return Ret::Val(Value::list(names.into_iter().map(Value::string).collect()));
    };
    let names = dir_names(rt, v);
    Ret::Val(Value::list(names.into_iter().map(Value::string).collect()))
}

fn vars(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_args(rt, &a, "vars", 0, 1) {
        return raise(e);
    }
    if a.pos.is_empty() {
        return Ret::Val(Value::Dict(crate::builtins::modules::main_globals()));
    }
    match ops::attr::getattr(rt, &a.pos[0], &intern("__dict__")) {
        Ok(d) => Ret::Val(d),
        Err(_) => raise(rt.type_error("vars() argument must have __dict__ attribute")),
    }
}

fn globals(_rt: &mut Runtime, _a: Args) -> Ret {
    Ret::Val(Value::Dict(crate::builtins::modules::main_globals()))
}
