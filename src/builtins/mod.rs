//! Built-in functions, types and their methods, one file per family, and `install`,
//! which fills the `builtins` namespace.

pub mod agen;
pub mod attrs;
pub mod bytes;
mod bytes_case;
pub mod codecs;
pub mod consume;
pub mod descr;
pub mod dicts;
pub mod dunder_call;
pub mod dictviews;
pub mod exceptions;
pub mod format;
pub mod functions;
pub mod generators;
pub mod introspect;
pub mod iters;
pub mod iterstep;
pub mod lists;
pub mod modules;
pub mod numbers;
pub mod prelude;
pub mod set_methods;
pub mod sets;
pub mod slots;
pub mod sorting;
pub mod strcase;
pub mod strfmt;
pub mod strings;
pub mod object_methods;
pub mod types;

use crate::eval::native::{Args, NativeImpl, Ret};
use crate::ops;
use crate::runtime::class::{Class, Exc};
use crate::runtime::function::NativeFn;
use crate::runtime::intern::intern;
use crate::runtime::value::Value;
use crate::runtime::Runtime;
use std::rc::Rc;

/// Register a built-in function in the `builtins` namespace.
pub fn add_fn(rt: &mut Runtime, name: &'static str, f: NativeImpl) {
    rt.builtins.set_str(intern(name), Value::Native(Rc::new(NativeFn::new(name, f))));
}

/// Register a method on a built-in type.
pub fn add_method(cls: &Rc<Class>, name: &'static str, f: NativeImpl) {
    let owner = owner_name(cls);
    cls.dict.set_str(intern(name), Value::Native(Rc::new(NativeFn { name, owner: Some(owner), func: f, bound: None })));
}

thread_local! {
    /// The built-in types' names as `&'static str`, one leaked copy per distinct name
    /// for the whole process (a new `Runtime` finds the names of the last one here).
    static OWNERS: std::cell::RefCell<Vec<&'static str>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The class name a built-in method carries (`list` in `list.append`): installing
/// ~500 methods at start-up asks for ~120 names (kept with the last one used at the end).
fn owner_name(cls: &Class) -> &'static str {
    let name = cls.name.borrow();
    let name = name.as_str();
    OWNERS.with(|o| {
        let mut o = o.borrow_mut();
        // Methods are installed class by class: the last name used is the likely one.
        if let Some(i) = o.iter().rposition(|s| *s == name) {
            let s = o[i];
            let last = o.len() - 1;
            o.swap(i, last);
            return s;
        }
        let s: &'static str = Box::leak(Box::from(name));
        o.push(s);
        s
    })
}

/// A native function value (not registered anywhere).
pub fn native(name: &'static str, f: NativeImpl) -> Value {
    Value::Native(Rc::new(NativeFn::new(name, f)))
}

/// Shorthand for raising from a built-in.
pub fn raise(e: Exc) -> Ret {
    Ret::Raise(e)
}

/// Convert an operation result into a built-in's return.
pub fn ret(r: ops::PyResult) -> Ret {
    match r {
        Ok(v) => Ret::Val(v),
        Err(e) => Ret::Raise(ops::expect_raise(e)),
    }
}

/// Check a built-in function's positional argument count (no keywords accepted),
/// with CPython's wording.
pub fn check_args(rt: &Runtime, a: &Args, name: &str, min: usize, max: usize) -> Result<(), Exc> {
    if a.has_kw() {
        return Err(rt.type_error(format!("{name}() takes no keyword arguments")));
    }
    let n = a.pos.len();
    if n >= min && n <= max {
        return Ok(());
    }
    let msg = if min == max {
        match min {
            0 => format!("{name}() takes no arguments ({n} given)"),
            1 => format!("{name}() takes exactly one argument ({n} given)"),
            _ => format!("{name} expected {min} arguments, got {n}"),
        }
    } else if n < min {
        format!("{name} expected at least {min} argument{}, got {n}", if min == 1 { "" } else { "s" })
    } else {
        format!("{name} expected at most {max} argument{}, got {n}", if max == 1 { "" } else { "s" })
    };
    Err(rt.type_error(msg))
}

/// Check a method's argument count; `pos` includes the receiver.
pub fn check_method(rt: &Runtime, a: &Args, qual: &str, min: usize, max: usize) -> Result<(), Exc> {
    if a.has_kw() {
        return Err(rt.type_error(format!("{qual}() takes no keyword arguments")));
    }
    let n = a.pos.len().saturating_sub(1);
    if n >= min && n <= max {
        return Ok(());
    }
    let msg = if min == max {
        match min {
            0 => format!("{qual}() takes no arguments ({n} given)"),
            1 => format!("{qual}() takes exactly one argument ({n} given)"),
            _ => format!("{qual}() takes exactly {min} arguments ({n} given)"),
        }
    } else if n < min {
        format!("{qual}() takes at least {min} argument{} ({n} given)", if min == 1 { "" } else { "s" })
    } else {
        format!("{qual}() takes at most {max} argument{} ({n} given)", if max == 1 { "" } else { "s" })
    };
    Err(rt.type_error(msg))
}

/// Check a method's arguments with the wording of CPython's Argument Clinic for
/// positional-only methods: no keywords (`str.center() takes no keyword arguments`),
/// and the count (`center expected at least 1 argument, got 0`). `qual` is
/// `type.method`; `pos` includes the receiver.
pub fn check_clinic(rt: &Runtime, a: &Args, qual: &str, min: usize, max: usize) -> Result<(), Exc> {
    // The common case first: the method name is only needed for an error (splitting
    // `qual` on every call was ~200 instructions of each `d.get(k)`).
    let n = a.pos.len().saturating_sub(1);
    if n >= min && n <= max && !a.has_kw() {
        return Ok(());
    }
    if a.has_kw() {
        return Err(rt.type_error(format!("{qual}() takes no keyword arguments")));
    }
    let name = qual.rsplit('.').next().unwrap_or(qual);
    let s = |k: usize| if k == 1 { "" } else { "s" };
    let msg = if min == max && n != min {
        format!("{name} expected {min} argument{}, got {n}", s(min))
    } else if n < min {
        format!("{name} expected at least {min} argument{}, got {n}", s(min))
    } else if n > max {
        format!("{name} expected at most {max} argument{}, got {n}", s(max))
    } else {
        return Ok(());
    };
    Err(rt.type_error(msg))
}

/// Check a method parsed like CPython's `PyArg_ParseTuple` methods: no keywords
/// (`str.find() takes no keyword arguments`) and the count without the type
/// (`find() takes at least 1 argument (0 given)`). `qual` is `type.method`.
pub fn check_tuple(rt: &Runtime, a: &Args, qual: &str, min: usize, max: usize) -> Result<(), Exc> {
    // The common case first: the method name is only needed for an error.
    let n = a.pos.len().saturating_sub(1);
    if n >= min && n <= max && !a.has_kw() {
        return Ok(());
    }
    if a.has_kw() {
        return Err(rt.type_error(format!("{qual}() takes no keyword arguments")));
    }
    let name = qual.rsplit('.').next().unwrap_or(qual);
    check_method(rt, a, name, min, max)
}

/// Check the positional count of a method that also takes keywords
/// (`splitlines() takes at most 1 argument (2 given)`); `pos` includes the receiver.
pub fn check_pos(rt: &Runtime, a: &Args, name: &str, max: usize) -> Result<(), Exc> {
    let n = a.pos.len().saturating_sub(1);
    if n > max {
        let s = if max == 1 { "" } else { "s" };
        return Err(rt.type_error(format!("{name}() takes at most {max} argument{s} ({n} given)")));
    }
    Ok(())
}

/// Fill the builtins namespace and the built-in types' methods.
pub fn install(rt: &mut Runtime) {
    let types: Vec<(&str, Rc<Class>)> = {
        let t = &rt.types;
        vec![
            ("object", t.object.clone()),
            ("type", t.type_.clone()),
            ("int", t.int.clone()),
            ("bool", t.bool.clone()),
            ("float", t.float.clone()),
            ("str", t.str.clone()),
            ("bytes", t.bytes.clone()),
            ("list", t.list.clone()),
            ("tuple", t.tuple.clone()),
            ("dict", t.dict.clone()),
            ("set", t.set.clone()),
            ("frozenset", t.frozenset.clone()),
            ("range", t.range.clone()),
            ("slice", t.slice.clone()),
            ("property", t.property.clone()),
            ("staticmethod", t.staticmethod.clone()),
            ("classmethod", t.classmethod.clone()),
        ]
    };
    for (name, cls) in types {
        rt.builtins.set_str(intern(name), Value::Class(cls));
    }
    let excs: Vec<(&'static str, Rc<Class>)> = rt.types.excs.iter().map(|(k, v)| (*k, v.clone())).collect();
    for (name, cls) in excs {
        rt.builtins.set_str(intern(name), Value::Class(cls));
    }
    rt.builtins.set_str(intern("EnvironmentError"), Value::Class(rt.types.exc("OSError")));
    rt.builtins.set_str(intern("IOError"), Value::Class(rt.types.exc("OSError")));
    rt.builtins.set_str(intern("None"), Value::None);
    rt.builtins.set_str(intern("Ellipsis"), Value::Ellipsis);
    rt.builtins.set_str(intern("NotImplemented"), Value::NotImplemented);
    rt.builtins.set_str(intern("__name__"), Value::str("builtins"));
    functions::install(rt);
    object_methods::install(rt);
    slots::install(rt);
    strings::install(rt);
    lists::install(rt);
    bytes::install(rt);
    dicts::install(rt);
    dictviews::install(rt);
    set_methods::install(rt);
    numbers::install(rt);
    exceptions::install(rt);
    generators::install(rt);
    iters::install(rt);
    agen::install(rt);
}
