//! The methods of `object` and `type` (`__init__`, `__eq__`, `__setattr__`, `mro`...),
//! the `__init__`/`__new__` of built-in types a user class may inherit, property
//! helpers, and their registration. The constructors themselves are in `types.rs`.

use super::types::{base_payload, construct};
use super::{add_method, raise, ret};
use crate::eval::native::{Args, Ret};
use crate::ops::{self, PyResult};
use crate::runtime::class::{Class, Instance};
use crate::runtime::descr::{ClassMethod, Property, StaticMethod};
use crate::runtime::intern::intern;
use crate::runtime::value::Value;
use crate::runtime::Runtime;
use std::cell::RefCell;
use std::rc::Rc;

/// `C.mro()`.
pub fn type_mro(_rt: &mut Runtime, a: Args) -> Ret {
    match &a.pos[0] {
        Value::Class(c) => Ret::Val(Value::list(c.full_mro().into_iter().map(Value::Class).collect())),
        _ => Ret::Val(Value::list(vec![])),
    }
}

/// Whether `cls` inherits `object`'s own `name` (`__init__` or `__new__`) rather than
/// overriding it: CPython's `tp_init == object_init` / `tp_new == object_new` tests.
fn inherits_object(rt: &Runtime, cls: &Rc<Class>, name: &str) -> bool {
    let own = ops::attr::class_lookup(&rt.types.object, name);
    match (ops::attr::class_lookup(cls, name), own) {
        (Some(a), Some(b)) => a.is(&b),
        _ => false,
    }
}

/// `object.__init__(self, *args)`: extra arguments are an error unless the type
/// overrides `__new__` but not `__init__` (CPython's `object_init`).
fn object_init(rt: &mut Runtime, a: Args) -> Ret {
    if a.pos.len() > 1 || !a.kw.is_empty() {
        let cls = ops::type_of(rt, &a.pos[0]);
        if !inherits_object(rt, &cls, "__init__") {
            return raise(rt.type_error("object.__init__() takes exactly one argument (the instance to initialize)"));
        }
        if inherits_object(rt, &cls, "__new__") {
            let name = cls.name_str();
            return raise(rt.type_error(format!("{name}.__init__() takes exactly one argument (the instance to initialize)")));
        }
    }
    Ret::Val(Value::None)
}

/// `object.__new__(cls, *args)`: extra arguments are an error unless the type
/// overrides `__init__` but not `__new__` (CPython's `object_new`).
fn object_new(rt: &mut Runtime, a: Args) -> Ret {
    match a.pos.first() {
        Some(Value::Class(c)) => {
            if a.pos.len() > 1 || !a.kw.is_empty() {
                if !inherits_object(rt, c, "__new__") {
                    return raise(rt.type_error("object.__new__() takes exactly one argument (the type to instantiate)"));
                }
                if inherits_object(rt, c, "__init__") {
                    let name = c.name_str();
                    return raise(rt.type_error(format!("{name}() takes no arguments")));
                }
            }
            let inst = Instance::new_rc(c.clone());
            Ret::Val(Value::Inst(inst))
        }
        _ => raise(rt.type_error("object.__new__(X): X is not a type object")),
    }
}

fn object_repr(rt: &mut Runtime, a: Args) -> Ret {
    Ret::Val(Value::string(ops::repr::default_repr(rt, &a.pos[0])))
}

/// `object.__str__(self)`: the type's `__repr__`, whose result is returned unchecked
/// (CPython's `object_str` calls `tp_repr` directly), so that `str()` reports a
/// non-string as `__str__ returned non-string`.
fn object_str(rt: &mut Runtime, a: Args) -> Ret {
    let v = &a.pos[0];
    if let Value::Inst(_) = v {
        if let Some(m) = ops::attr::lookup_special(rt, v, "__repr__") {
            return ret(ops::call::call_value(rt, m, vec![v.clone()]));
        }
    }
    ret(ops::repr::repr(rt, v).map(Value::Str))
}

fn object_eq(rt: &mut Runtime, a: Args) -> Ret {
    if a.pos.len() != 2 {
        return raise(rt.type_error(format!("expected 1 argument, got {}", a.pos.len().saturating_sub(1))));
    }
    Ret::Val(if a.pos[0].is(&a.pos[1]) { Value::Bool(true) } else { Value::NotImplemented })
}

fn object_ne(rt: &mut Runtime, a: Args) -> Ret {
    if a.pos.len() != 2 {
        return raise(rt.type_error(format!("expected 1 argument, got {}", a.pos.len().saturating_sub(1))));
    }
    // `type(self).__eq__(self, other)`, inverted unless it is NotImplemented.
    let r = (|| -> PyResult {
        let cls = ops::type_of(rt, &a.pos[0]);
        let eq = ops::attr::class_lookup(&cls, "__eq__");
        let r = match eq {
            Some(Value::Native(n)) if n.bound.is_none() => match (n.func)(rt, Args::pos(a.pos)) {
                Ret::Val(v) => v,
                Ret::Raise(e) => return Err(ops::Fail::Raise(e)),
                _ => Value::NotImplemented,
            },
            Some(f) => ops::call::call_value(rt, f, vec![a.pos[0].clone(), a.pos[1].clone()])?,
            None => Value::NotImplemented,
        };
        if matches!(r, Value::NotImplemented) {
            return Ok(r);
        }
        Ok(Value::Bool(!ops::cmp::truthy(rt, &r)?))
    })();
    ret(r)
}

fn object_order(rt: &mut Runtime, a: Args) -> Ret {
    if a.pos.len() != 2 {
        return raise(rt.type_error(format!("expected 1 argument, got {}", a.pos.len().saturating_sub(1))));
    }
    Ret::Val(Value::NotImplemented)
}

fn object_dir(rt: &mut Runtime, a: Args) -> Ret {
    let names = super::functions::dir_names(rt, &a.pos[0]);
    Ret::Val(Value::list(names.into_iter().map(Value::string).collect()))
}

fn object_sizeof(_rt: &mut Runtime, a: Args) -> Ret {
    let n = match &a.pos[0] {
        Value::Inst(_) => 56,
        _ => 16,
    };
    Ret::Val(Value::Int(n))
}

fn object_subclasshook(_rt: &mut Runtime, _a: Args) -> Ret {
    Ret::Val(Value::NotImplemented)
}

fn object_hash(_rt: &mut Runtime, a: Args) -> Ret {
    Ret::Val(Value::Int((a.pos[0].id() >> 4) as i64))
}

fn object_setattr(rt: &mut Runtime, a: Args) -> Ret {
    let (Some(Value::Inst(i)), Some(Value::Str(n)), Some(v)) = (a.pos.first(), a.pos.get(1), a.pos.get(2)) else {
        return raise(rt.type_error("__setattr__ expected 2 arguments"));
    };
    drop(i.set_attr(&intern(n.as_str()), v.clone()));
    Ret::Val(Value::None)
}

fn object_getattribute(rt: &mut Runtime, a: Args) -> Ret {
    let (Some(o), Some(Value::Str(n))) = (a.pos.first(), a.pos.get(1)) else {
        return raise(rt.type_error("__getattribute__ expected 1 argument"));
    };
    ret(ops::attr::getattr(rt, o, &intern(n.as_str())))
}

fn object_delattr(rt: &mut Runtime, a: Args) -> Ret {
    let (Some(Value::Inst(i)), Some(Value::Str(n))) = (a.pos.first(), a.pos.get(1)) else {
        return raise(rt.type_error("__delattr__ expected 1 argument"));
    };
    if i.dict().del_str(n).is_none() {
        return raise(ops::no_attr(rt, &a.pos[0], n));
    }
    Ret::Val(Value::None)
}

fn object_format(rt: &mut Runtime, a: Args) -> Ret {
    let spec = match a.pos.get(1) {
        Some(Value::Str(s)) => s.as_str().to_string(),
        _ => String::new(),
    };
    if !spec.is_empty() {
        let tn = ops::type_name(rt, &a.pos[0]);
        return raise(rt.type_error(format!("unsupported format string passed to {tn}.__format__")));
    }
    ret(ops::repr::to_str(rt, &a.pos[0]).map(Value::Str))
}

fn object_init_subclass(_rt: &mut Runtime, _a: Args) -> Ret {
    Ret::Val(Value::None)
}

fn list_init(rt: &mut Runtime, a: Args) -> Ret {
    if let Value::List(l) = &a.pos[0] {
        let items = match a.pos.get(1) {
            Some(v) => match ops::iter::collect(rt, v) {
                Ok(x) => x,
                Err(e) => return raise(ops::expect_raise(e)),
            },
            None => vec![],
        };
        *l.borrow_mut() = items;
    }
    Ret::Val(Value::None)
}

fn dict_init(rt: &mut Runtime, a: Args) -> Ret {
    if let Value::Dict(d) = &a.pos[0] {
        if let Some(v) = a.pos.get(1) {
            if let Err(e) = super::dicts::dict_update_any(rt, d, v) {
                return raise(ops::expect_raise(e));
            }
        }
        for (k, v) in a.names.iter().zip(a.kw) {
            d.set_str(k.clone(), v.clone());
        }
    }
    Ret::Val(Value::None)
}

fn builtin_new(rt: &mut Runtime, a: Args) -> Ret {
    // `int.__new__(cls, x)` and friends for user subclasses of immutable built-ins.
    let Some(Value::Class(cls)) = a.pos.first() else {
        return raise(rt.type_error("__new__(X): X is not a type object"));
    };
    let rest = Args { pos: &a.pos[1..], kw: a.kw, names: a.names };
    if cls.builtin {
        return construct(rt, cls, rest);
    }
    let inst = Instance::new_rc(cls.clone());
    match base_payload(rt, cls, rest) {
        Ok(p) => *inst.base.borrow_mut() = p,
        Err(e) => return raise(e),
    }
    Ret::Val(Value::Inst(inst))
}

fn prop_with(a: &Args, which: usize) -> Ret {
    let Some(p) = crate::runtime::object::downcast::<Property>(&a.pos[0]) else { return Ret::Val(Value::None) };
    let f = a.pos.get(1).cloned().unwrap_or(Value::None);
    let mut parts = [p.fget.clone(), p.fset.clone(), p.fdel.clone()];
    parts[which] = f;
    let [fget, fset, fdel] = parts;
    Ret::Val(crate::runtime::gc::new_obj(Property { fget, fset, fdel, doc: p.doc.clone(), name: RefCell::new(p.name.borrow().clone()) }))
}

fn prop_getter(_rt: &mut Runtime, a: Args) -> Ret {
    prop_with(&a, 0)
}

fn prop_setter(_rt: &mut Runtime, a: Args) -> Ret {
    prop_with(&a, 1)
}

fn prop_deleter(_rt: &mut Runtime, a: Args) -> Ret {
    prop_with(&a, 2)
}

/// Register `object`/`type` methods, property helpers and the iterator classes.
pub fn install(rt: &mut Runtime) {
    let o = rt.types.object.clone();
    add_method(&o, "__init__", object_init);
    add_method(&o, "__repr__", object_repr);
    add_method(&o, "__str__", object_str);
    add_method(&o, "__eq__", object_eq);
    add_method(&o, "__ne__", object_ne);
    for name in ["__lt__", "__le__", "__gt__", "__ge__"] {
        add_method(&o, name, object_order);
    }
    add_method(&o, "__dir__", object_dir);
    add_method(&o, "__sizeof__", object_sizeof);
    let sch = super::native("__subclasshook__", object_subclasshook);
    o.dict.set_str(intern("__subclasshook__"), Value::Obj(crate::runtime::objref::ObjRef::new(ClassMethod(sch))));
    add_method(&o, "__hash__", object_hash);
    add_method(&o, "__setattr__", object_setattr);
    add_method(&o, "__getattribute__", object_getattribute);
    add_method(&o, "__delattr__", object_delattr);
    add_method(&o, "__format__", object_format);
    let new = super::native("__new__", object_new);
    o.dict.set_str(intern("__new__"), Value::Obj(crate::runtime::objref::ObjRef::new(StaticMethod(new))));
    let isc = super::native("__init_subclass__", object_init_subclass);
    o.dict.set_str(intern("__init_subclass__"), Value::Obj(crate::runtime::objref::ObjRef::new(ClassMethod(isc))));
    add_method(&rt.types.list.clone(), "__init__", list_init);
    add_method(&rt.types.dict.clone(), "__init__", dict_init);
    let bnew = super::native("__new__", builtin_new);
    for cls in [rt.types.int.clone(), rt.types.str.clone(), rt.types.float.clone(), rt.types.tuple.clone()] {
        cls.dict.set_str(intern("__new__"), Value::Obj(crate::runtime::objref::ObjRef::new(StaticMethod(bnew.clone()))));
    }
    let p = rt.types.property.clone();
    add_method(&p, "getter", prop_getter);
    add_method(&p, "setter", prop_setter);
    add_method(&p, "deleter", prop_deleter);
    for name in ["enumerate", "zip", "map", "filter", "reversed", "super"] {
        let c = rt.types.other(name);
        rt.builtins.set_str(intern(name), Value::Class(c));
    }
}
