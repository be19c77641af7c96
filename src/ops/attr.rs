//! Attribute access: lookup through the MRO, descriptors (functions become bound
//! methods, `property`, `staticmethod`, `classmethod`), instance namespaces,
//! `__getattr__`, and the special attributes of built-in objects.

use super::{call, no_attr, raise, type_name, type_of, PyResult};
use crate::runtime::class::{Class, InstAttrSite, Kind, MethodSite};
use crate::runtime::descr::{ClassMethod, Module, Property, StaticMethod, Super};
use crate::runtime::function::{BoundMethod, NativeFn};
use crate::runtime::object::downcast;
use crate::runtime::str::PyStr;
use crate::runtime::value::Value;
use crate::runtime::Runtime;
use std::rc::Rc;

/// Find `name` in a class's MRO (including built-in types' namespaces).
#[inline]
pub fn class_lookup(cls: &Rc<Class>, name: &str) -> Option<Value> {
    if name == "__hash__" {
        return hash_lookup(cls);
    }
    cls.lookup_cached_str(name, false)
}

/// Find `name` in a class's MRO.
pub fn class_lookup_str(cls: &Rc<Class>, name: &PyStr) -> Option<Value> {
    if name.as_str() == "__hash__" {
        return hash_lookup(cls);
    }
    cls.lookup_cached(name, false)
}

/// `__hash__` through the MRO: a user class that defines `__eq__` without `__hash__`
/// has `__hash__ = None` (CPython sets it when the class is created).
fn hash_lookup(cls: &Rc<Class>) -> Option<Value> {
    let key = crate::runtime::intern::intern("__hash__");
    let eq = crate::runtime::intern::intern("__eq__");
    for c in std::iter::once(cls).chain(cls.mro.borrow().iter()) {
        if let Some(v) = c.dict.get_str(&key) {
            return Some(v);
        }
        if !c.builtin && c.dict.get_str(&eq).is_some() {
            return Some(Value::None);
        }
    }
    None
}

/// Find a dunder defined by user classes in the MRO of `v`'s type (built-in types'
/// defaults are skipped: the caller implements those itself).
pub fn lookup_special(rt: &Runtime, v: &Value, name: &str) -> Option<Value> {
    match v {
        // (the class is borrowed, not cloned: a cached lookup runs no script code)
        Value::Inst(i) => i.class.borrow().lookup_cached_str(name, true),
        Value::Class(_) | Value::Obj(_) => type_of(rt, v).lookup_cached_str(name, true),
        _ => None,
    }
}

/// The name of a module value.
pub fn module_name(v: &Value) -> Option<String> {
    downcast::<Module>(v).map(|m| m.name.as_str().to_string())
}

/// Bind a class attribute found for an instance access.
fn bind(rt: &mut Runtime, attr: Value, obj: &Value, cls: &Rc<Class>) -> PyResult {
    Ok(match &attr {
        Value::Func(_) => {
            let m = Rc::new(BoundMethod { func: attr, receiver: obj.clone() });
            crate::runtime::gc::track_method(&m);
            Value::Method(m)
        }
        Value::Native(n) if n.bound.is_none() && n.owner.is_some() => crate::runtime::gc::new_native(NativeFn {
            name: n.name,
            owner: n.owner,
            func: n.func,
            bound: Some(receiver_for_native(obj)),
        }),
        Value::Obj(_) => {
            if let Some(p) = downcast::<Property>(&attr) {
                if p.fget.is_none() {
                    let pname = p.name.borrow().as_ref().map(|n| n.as_str().to_string()).unwrap_or_default();
                    return raise(rt.exc_msg(
                        &rt.types.attribute_error,
                        format!("property '{pname}' of '{}' object has no getter", cls.name_str()),
                    ));
                }
                return call::call_value(rt, p.fget.clone(), vec![obj.clone()]);
            }
            if let Some(s) = downcast::<StaticMethod>(&attr) {
                return Ok(s.0.clone());
            }
            if let Some(c) = downcast::<ClassMethod>(&attr) {
                return Ok(bind_class(c.0.clone(), Value::Class(cls.clone())));
            }
            attr
        }
        _ => attr,
    })
}

/// A class method bound to its class: a built-in one becomes a built-in method of
/// the type (`<built-in method fromkeys of type object>`), others a bound method.
fn bind_class(func: Value, cls: Value) -> Value {
    match &func {
        Value::Native(n) if n.bound.is_none() => crate::runtime::gc::new_native(NativeFn { name: n.name, owner: n.owner, func: n.func, bound: Some(cls) }),
        _ => {
            let m = Rc::new(BoundMethod { func, receiver: cls });
            crate::runtime::gc::track_method(&m);
            Value::Method(m)
        }
    }
}

/// For a built-in method called on an instance of a subclass of a built-in type, the
/// receiver is the built-in value inside.
fn receiver_for_native(obj: &Value) -> Value {
    match obj {
        Value::Inst(i) => i.base.borrow().clone().unwrap_or_else(|| obj.clone()),
        _ => obj.clone(),
    }
}

/// `obj.name` at a site with an instance-attribute cache ([`InstAttrSite`]): an
/// instance whose class has no attribute `name` reads it from its dict at the
/// position the site remembers (filled here on a miss).
pub fn getattr_at(rt: &mut Runtime, obj: &Value, name: &Rc<PyStr>, site: &InstAttrSite) -> PyResult {
    if let Value::Inst(inst) = obj {
        if let Some(v) = site.get(inst, name) {
            return Ok(v);
        }
        let cls = inst.class();
        if class_lookup_str(&cls, name).is_none() {
            if let Some((pos, v)) = inst.find_attr(name) {
                site.set(&cls, pos);
                return Ok(v);
            }
        }
    }
    getattr(rt, obj, name)
}

/// `obj.name = value` at a site with a cache ([`InstAttrSite`]): for an instance of a
/// class with no attribute `name` and no `__setattr__` (for an exception, a name that
/// is not part of its exception state), the value
/// goes straight into the instance dict; the site remembers the class and position.
pub fn setattr_at(rt: &mut Runtime, obj: &Value, name: &Rc<PyStr>, value: Value, site: &InstAttrSite) -> PyResult<()> {
    let Value::Inst(inst) = obj else { return setattr(rt, obj, name, value) };
    let value = match site.store(inst, name, value) {
        Ok(old) => {
            drop(old);
            return Ok(());
        }
        Err(v) => v,
    };
    let cls = inst.class();
    let plain = !cls.builtin
        && !(inst.is_exception() && exc_state_name(name.as_str()))
        && name.as_str() != "__class__"
        && class_lookup_str(&cls, name).is_none()
        && lookup_special(rt, obj, "__setattr__").is_none();
    if !plain {
        return setattr(rt, obj, name, value);
    }
    drop(inst.set_attr(name, value));
    if let Some(pos) = inst.attr_pos(name) {
        site.set(&cls, pos);
    }
    Ok(())
}

/// Names whose assignment on an exception instance sets its exception state
/// (`exceptions::exc_setattr`) rather than its namespace.
fn exc_state_name(name: &str) -> bool {
    matches!(name, "__cause__" | "__context__" | "__suppress_context__" | "args" | "__traceback__" | "name" | "obj" | "value")
}

/// `obj.name`. An `AttributeError` gets the name and the object recorded (for the
/// traceback's "Did you mean" suggestion), as CPython does.
pub fn getattr(rt: &mut Runtime, obj: &Value, name: &Rc<PyStr>) -> PyResult {
    let r = getattr_inner(rt, obj, name);
    note_attr_error(rt, r, obj, name)
}

/// `getattr`'s result with an `AttributeError` given the name and the object.
fn note_attr_error(rt: &Runtime, r: PyResult, obj: &Value, name: &Rc<PyStr>) -> PyResult {
    match r {
        Err(super::Fail::Raise(e)) if e.is_exception() && e.class().is_subclass(&rt.types.attribute_error) => {
            {
                let mut d = e.exc_data_mut();
                if d.name.is_none() {
                    d.name = Some(Value::Str(name.clone()));
                    d.obj = Some(obj.clone());
                }
            }
            Err(super::Fail::Raise(e))
        }
        r => r,
    }
}

/// The getter of a `property` that `obj.name` would call (`obj` an instance whose
/// class has the property with a getter, and no `__getattr__` to catch an
/// AttributeError from it): the evaluator calls it as a frame.
pub fn property_getter(rt: &mut Runtime, obj: &Value, name: &Rc<PyStr>) -> Option<Value> {
    let Value::Inst(inst) = obj else { return None };
    let a = class_lookup_str(&inst.class(), name)?;
    let p = downcast::<Property>(&a)?;
    if p.fget.is_none() || lookup_special(rt, obj, "__getattr__").is_some() {
        return None;
    }
    Some(p.fget.clone())
}

fn getattr_inner(rt: &mut Runtime, obj: &Value, name: &Rc<PyStr>) -> PyResult {
    match obj {
        Value::Inst(inst) => {
            let cls = inst.class();
            let cattr = class_lookup_str(&cls, name);
            if let Some(a) = &cattr {
                if downcast::<Property>(a).is_some() {
                    // A getter's AttributeError hands over to `__getattr__`, as CPython's
                    // `slot_tp_getattr_hook` does.
                    return match bind(rt, a.clone(), obj, &cls) {
                        Err(super::Fail::Raise(e)) if e.is_exception() && e.class().is_subclass(&rt.types.attribute_error) => {
                            match lookup_special(rt, obj, "__getattr__") {
                                Some(ga) => call::call_value(rt, ga, vec![obj.clone(), Value::Str(name.clone())]),
                                None => Err(super::Fail::Raise(e)),
                            }
                        }
                        r => r,
                    };
                }
            }
            if let Some(v) = inst.get_attr(name) {
                return Ok(v);
            }
            if let Some(a) = cattr {
                return bind(rt, a, obj, &cls);
            }
            if let Some(v) = instance_special(rt, obj, name) {
                return Ok(v);
            }
            if let Some(base) = inst.base.borrow().clone() {
                if let Ok(v) = getattr(rt, &base, name) {
                    return Ok(v);
                }
            }
            if let Some(ga) = lookup_special(rt, obj, "__getattr__") {
                return call::call_value(rt, ga, vec![obj.clone(), Value::Str(name.clone())]);
            }
            raise(no_attr(rt, obj, name))
        }
        Value::Class(cls) => class_getattr(rt, cls, name, obj),
        _ => builtin_getattr(rt, obj, name),
    }
}

/// Attributes every instance has that are not in its namespace.
fn instance_special(rt: &mut Runtime, obj: &Value, name: &PyStr) -> Option<Value> {
    let Value::Inst(inst) = obj else { return None };
    match name.as_str() {
        "__class__" => Some(Value::Class(inst.class())),
        "__dict__" => Some(Value::Dict(inst.dict_obj())),
        _ if inst.is_exception() => crate::builtins::exceptions::exc_attr(rt, inst, name.as_str()),
        _ => None,
    }
}

/// The class in `cls`'s MRO whose namespace defines `name`.
fn defining_class(cls: &Rc<Class>, name: &PyStr) -> Rc<Class> {
    cls.full_mro().into_iter().find(|c| c.dict.get_str(name).is_some()).unwrap_or_else(|| cls.clone())
}

fn class_getattr(rt: &mut Runtime, cls: &Rc<Class>, name: &Rc<PyStr>, obj: &Value) -> PyResult {
    if let Some(a) = class_lookup_str(cls, name) {
        if let Value::Native(n) = &a {
            if n.owner.is_some() && n.bound.is_none() {
                let owner = defining_class(cls, name);
                return Ok(crate::builtins::descr::method_descr(&owner, n.name, n.func));
            }
        }
        if let Some(c) = downcast::<ClassMethod>(&a) {
            return Ok(bind_class(c.0.clone(), obj.clone()));
        }
        if let Some(s) = downcast::<StaticMethod>(&a) {
            return Ok(s.0.clone());
        }
        return Ok(a);
    }
    let v = match name.as_str() {
        "__name__" => Value::Str(cls.name.borrow().clone()),
        "__qualname__" => Value::Str(cls.qualname.borrow().clone()),
        "__module__" => Value::Str(cls.module.borrow().clone()),
        "__mro__" => Value::tuple(cls.full_mro().into_iter().map(Value::Class).collect()),
        "__bases__" => Value::tuple(cls.bases.borrow().iter().cloned().map(Value::Class).collect()),
        "__base__" => cls.bases.borrow().first().cloned().map(Value::Class).unwrap_or(Value::None),
        "__dict__" => Value::Obj(crate::runtime::objref::ObjRef::new(crate::builtins::dictviews::MappingProxy(cls.dict.clone(), Some(cls.clone())))),
        "__doc__" => Value::None,
        "__class__" => Value::Class(rt.types.type_.clone()),
        "mro" => return Ok(crate::runtime::gc::new_native(NativeFn {
            name: "mro",
            owner: Some("type"),
            func: crate::builtins::object_methods::type_mro,
            bound: Some(obj.clone()),
        })),
        _ => {
            // Methods of `type` itself (e.g. `int.__subclasses__` is not needed).
            if let Some(a) = rt.types.type_.dict.get_str(name) {
                return bind(rt, a, obj, &rt.types.type_.clone());
            }
            return raise(no_attr(rt, obj, name));
        }
    };
    Ok(v)
}

fn builtin_getattr(rt: &mut Runtime, obj: &Value, name: &Rc<PyStr>) -> PyResult {
    Ok(builtin_attr(rt, obj, name, None)?.0)
}

/// `obj.name` for a built-in object, as [`builtin_getattr`]; with `method` (a method
/// call's lookup and its site), a script function or built-in method found in the type
/// is given unbound with `true` (the caller passes `obj` first), as [`load_method`]
/// does, instead of a bound method allocated for the one call, and the site remembers
/// where the type has it.
fn builtin_attr(rt: &mut Runtime, obj: &Value, name: &Rc<PyStr>, method: Option<&MethodSite>) -> PyResult<(Value, bool)> {
    if name.as_str() == "__class__" {
        return Ok((Value::Class(type_of(rt, obj)), false));
    }
    if let Some(v) = crate::builtins::attrs::special(rt, obj, name)? {
        return Ok((v, false));
    }
    if let Value::Obj(o) = obj {
        if let Some(s) = downcast::<Super>(obj) {
            return Ok((super_getattr(rt, s, name, obj)?, false));
        }
        if let Some(m) = downcast::<Module>(obj) {
            if let Some(v) = m.dict.get_str(name) {
                return Ok((v, false));
            }
            // asyncio defines some names on first use.
            if crate::aio::lib::load_deferred(rt, &m.dict).map_err(super::Fail::Raise)? {
                if let Some(v) = m.dict.get_str(name) {
                    return Ok((v, false));
                }
            }
            return raise(no_attr(rt, obj, name));
        }
        if let Some(v) = o.get_attr(rt, name, obj) {
            return Ok((v, false));
        }
    }
    let cls = type_of(rt, obj);
    if let Some(a) = class_lookup_str(&cls, name) {
        // (what `bind` would bind to `obj`: calling it unbound with `obj` first is the same call)
        if let Some(site) = method.filter(|_| obj_method(&a)) {
            if let Value::Obj(_) = obj {
                site.fill(&cls, name);
            }
            return Ok((a, true));
        }
        return Ok((bind(rt, a, obj, &cls)?, false));
    }
    raise(no_attr(rt, obj, name))
}

/// Whether a class attribute found for a built-in object's method call is called
/// unbound with the object first (what `bind` would bind to it).
fn obj_method(a: &Value) -> bool {
    matches!(a, Value::Func(_)) || matches!(a, Value::Native(n) if n.bound.is_none() && n.owner.is_some())
}

/// `super().name`'s lookup: the first class after `s.class` in the MRO of
/// `s.obj_type` whose namespace has `name` (none if `s.class` is absent), and the value.
fn super_find(s: &Super, name: &PyStr) -> Option<(Rc<Class>, Value)> {
    let tail = s.obj_type.mro.borrow();
    let mut after = std::iter::once(&s.obj_type).chain(tail.iter()).skip_while(|c| !Rc::ptr_eq(c, &s.class)).skip(1);
    after.find_map(|c| c.dict.get_str(name).map(|a| (c.clone(), a)))
}

/// `super(cls, obj).name(...)` without making the `super` object: for an instance
/// `obj` of a subclass of `cls` where the lookup after `cls` in its class's MRO finds a
/// script function or a built-in type's method, that callable and the receiver to
/// pass first (`obj`, as `load_method` does for a `super` object; for a built-in
/// method the value `bind` would bind). `None` for anything else: the caller makes the
/// `super` object and goes the usual way (which also raises the errors).
pub fn super_method(cls: &Value, obj: &Value, name: &PyStr) -> Option<(Value, Value)> {
    let (Value::Class(cls), Value::Inst(inst)) = (cls, obj) else { return None };
    if name.as_str() == "__class__" {
        return None;
    }
    let t = inst.class.borrow();
    let tail = t.mro.borrow();
    let mut after = std::iter::once(&*t).chain(tail.iter()).skip_while(|c| !Rc::ptr_eq(c, cls)).skip(1);
    match after.find_map(|c| c.dict.get_str(name))? {
        a @ Value::Func(_) => Some((a, obj.clone())),
        Value::Native(n) if n.bound.is_none() && n.owner.is_some() => Some((Value::Native(n), receiver_for_native(obj))),
        _ => None,
    }
}

/// The value of `super().name` for an attribute `a` that `super_find` found in `c`.
fn super_bind(rt: &mut Runtime, s: &Super, c: &Rc<Class>, a: Value) -> PyResult {
    if let Value::Class(_) = &s.obj {
        if let Some(cm) = downcast::<ClassMethod>(&a) {
            return Ok(bind_class(cm.0.clone(), s.obj.clone()));
        }
        if let Value::Native(n) = &a {
            if n.owner.is_some() && n.bound.is_none() {
                return Ok(crate::builtins::descr::method_descr(c, n.name, n.func));
            }
        }
        return Ok(a);
    }
    bind(rt, a, &s.obj, &s.obj_type)
}

fn super_getattr(rt: &mut Runtime, s: &Super, name: &Rc<PyStr>, _this: &Value) -> PyResult {
    if let Some((c, a)) = super_find(s, name) {
        return super_bind(rt, s, &c, a);
    }
    if name.as_str() == "__class__" {
        return Ok(Value::Class(rt.types.other("super")));
    }
    raise(rt.exc_msg(&rt.types.attribute_error, format!("'super' object has no attribute '{name}'")))
}

/// `obj.name = value`.
pub fn setattr(rt: &mut Runtime, obj: &Value, name: &Rc<PyStr>, value: Value) -> PyResult<()> {
    match obj {
        Value::Inst(inst) => {
            let cls = inst.class();
            if let Some(a) = class_lookup_str(&cls, name) {
                if let Some(p) = downcast::<Property>(&a) {
                    if p.fset.is_none() {
                        return raise(rt.exc_msg(
                            &rt.types.attribute_error,
                            format!("property '{name}' of '{}' object has no setter", cls.name_str()),
                        ));
                    }
                    call::call_value(rt, p.fset.clone(), vec![obj.clone(), value])?;
                    return Ok(());
                }
            }
            if let Some(sa) = lookup_special(rt, obj, "__setattr__") {
                call::call_value(rt, sa, vec![obj.clone(), Value::Str(name.clone()), value])?;
                return Ok(());
            }
            if inst.is_exception() && crate::builtins::exceptions::exc_setattr(rt, inst, name.as_str(), &value)? {
                return Ok(());
            }
            if name.as_str() == "__class__" {
                if let Value::Class(c) = value {
                    // (the values are laid out by the old class's keys)
                    inst.materialize();
                    *inst.class.borrow_mut() = c;
                    return Ok(());
                }
            }
            if cls.builtin && cls.kind == Kind::Object {
                // A bare `object()` has no `__dict__`.
                return raise(no_attr(rt, obj, name));
            }
            drop(inst.set_attr(name, value));
            Ok(())
        }
        Value::Class(cls) => {
            if cls.builtin {
                return raise(rt.type_error(format!(
                    "cannot set '{name}' attribute of immutable type '{}'",
                    cls.name_str()
                )));
            }
            match name.as_str() {
                "__name__" => {
                    if let Value::Str(s) = &value {
                        *cls.name.borrow_mut() = s.clone();
                    }
                }
                "__qualname__" => {
                    if let Value::Str(s) = &value {
                        *cls.qualname.borrow_mut() = s.clone();
                    }
                }
                _ => {
                    if name.as_str() == "__getattr__" {
                        cls.has_getattr.set(true);
                    }
                    cls.dict.set_str(name.clone(), value);
                }
            }
            Ok(())
        }
        Value::Func(f) => {
            match name.as_str() {
                "__name__" => {
                    if let Value::Str(s) = &value {
                        *f.name.borrow_mut() = s.clone();
                    }
                }
                "__qualname__" => {
                    if let Value::Str(s) = &value {
                        *f.qualname.borrow_mut() = s.clone();
                    }
                }
                "__doc__" => *f.doc.borrow_mut() = value,
                _ => {
                    let d = f.dict.borrow_mut().get_or_insert_with(|| Rc::new(crate::runtime::dict::Dict::new())).clone();
                    d.set_str(name.clone(), value);
                }
            }
            Ok(())
        }
        Value::Gen(g) => match (name.as_str(), &value) {
            ("__name__" | "__qualname__", Value::Str(s)) => {
                if name.as_str() == "__name__" {
                    g.set_names(Some(s.clone()), None);
                } else {
                    g.set_names(None, Some(s.clone()));
                }
                Ok(())
            }
            ("__name__" | "__qualname__", _) => {
                raise(rt.type_error(format!("{name} must be set to a string object")))
            }
            _ => raise(no_attr(rt, obj, name)),
        },
        Value::Obj(o) => {
            if let Some(m) = downcast::<Module>(obj) {
                m.dict.set_str(name.clone(), value);
                return Ok(());
            }
            if o.set_attr(rt, name, value) {
                return Ok(());
            }
            raise(no_attr(rt, obj, name))
        }
        _ => {
            let _ = value;
            let msg = format!("'{}' object has no attribute '{name}'", type_name(rt, obj));
            raise(rt.exc_msg(&rt.types.attribute_error, msg))
        }
    }
}

/// `del obj.name`.
pub fn delattr(rt: &mut Runtime, obj: &Value, name: &Rc<PyStr>) -> PyResult<()> {
    match obj {
        Value::Inst(inst) => {
            let cls = inst.class();
            if let Some(a) = class_lookup_str(&cls, name) {
                if let Some(p) = downcast::<Property>(&a) {
                    if p.fdel.is_none() {
                        return raise(rt.exc_msg(
                            &rt.types.attribute_error,
                            format!("property '{name}' of '{}' object has no deleter", cls.name_str()),
                        ));
                    }
                    call::call_value(rt, p.fdel.clone(), vec![obj.clone()])?;
                    return Ok(());
                }
            }
            if let Some(da) = lookup_special(rt, obj, "__delattr__") {
                call::call_value(rt, da, vec![obj.clone(), Value::Str(name.clone())])?;
                return Ok(());
            }
            if inst.dict().del_str(name).is_none() {
                return raise(no_attr(rt, obj, name));
            }
            Ok(())
        }
        Value::Class(cls) if !cls.builtin => {
            if cls.dict.del_str(name).is_none() {
                return raise(no_attr(rt, obj, name));
            }
            Ok(())
        }
        _ => raise(no_attr(rt, obj, name)),
    }
}

/// For method calls: find `name` on `obj` without allocating a bound method when it is
/// a plain function in the class. Returns the callable and whether `obj` must be
/// passed as the first argument. For `super().name(...)` with a script function
/// found, `obj` is replaced by the `super` object's receiver (passed first), so the
/// call allocates no bound method.
///
/// `site` is the call site's cache: an instance whose class it applies to gets the
/// function without the MRO lookup (filled here when the lookup finds one).
#[inline]
pub fn load_method(rt: &mut Runtime, obj: &mut Value, name: &Rc<PyStr>, site: &MethodSite) -> PyResult<(Value, bool)> {
    if let Value::Inst(inst) = &*obj {
        if let Some(m) = site.method(inst, name) {
            return Ok((m, true));
        }
    }
    if let Some(s) = downcast::<Super>(obj) {
        // One lookup: a script function is called with the receiver; anything else
        // is bound as `super_getattr` binds it.
        // (`__class__` is the super object's own, as `builtin_getattr` answers it)
        if let Some((c, a)) = super_find(s, name).filter(|_| name.as_str() != "__class__") {
            if matches!(a, Value::Func(_)) && !matches!(s.obj, Value::Class(_)) {
                let recv = s.obj.clone();
                *obj = recv;
                return Ok((a, true));
            }
            let r = super_bind(rt, s, &c, a);
            return Ok((note_attr_error(rt, r, obj, name)?, false));
        }
    }
    let obj = &*obj;
    match obj {
        Value::Inst(inst) => {
            // (the class is borrowed, not cloned: a cached lookup runs no script code)
            let cls = inst.class.borrow();
            let found = class_lookup_str(&cls, name);
            if let Some(a) = found {
                if matches!(a, Value::Func(_)) && inst.lacks_attr(name) {
                    site.fill(&cls, name);
                    return Ok((a, true));
                }
            }
            drop(cls);
            Ok((getattr(rt, obj, name)?, false))
        }
        Value::Obj(o) => {
            // The site's method for the object's class, as `builtin_attr` found it (the
            // object's class decides `attrs::special`, `super`, modules and, by
            // `Object::get_attr`'s rule, that the object answers no such name).
            if let Some(m) = site.builtin_method(&o.class(rt)).filter(obj_method) {
                return Ok((m, true));
            }
            builtin_attr(rt, obj, name, Some(site)).or_else(|e| note_attr_error(rt, Err(e), obj, name).map(|v| (v, false)))
        }
        Value::Class(_) | Value::Func(_) => Ok((getattr(rt, obj, name)?, false)),
        _ => {
            let cls = type_of(rt, obj);
            let unbound = |a: &Value| matches!(a, Value::Native(n) if n.bound.is_none());
            if let Some(m) = site.builtin_method(&cls).filter(unbound) {
                return Ok((m, true));
            }
            if let Some(a) = class_lookup_str(&cls, name) {
                if unbound(&a) {
                    site.fill(&cls, name);
                    return Ok((a, true));
                }
            }
            Ok((getattr(rt, obj, name)?, false))
        }
    }
}

impl crate::runtime::dict::Dict {
    /// Whether the dict has no entry for this string key (instance-dict shadowing test).
    #[inline]
    pub fn is_empty_or_lacks(&self, key: &PyStr) -> bool {
        // (no value clone; a small table's key filter answers most misses)
        let t = self.borrow();
        t.is_empty() || t.find(key.hash(), |k| matches!(k, Value::Str(s) if std::ptr::eq(&**s, key) || s.as_str() == key.as_str())).is_none()
    }

    /// A shallow copy of the dict.
    pub fn clone_dict(&self) -> crate::runtime::dict::Dict {
        crate::runtime::dict::Dict::from_table(self.borrow().clone())
    }
}

/// Whether a class's instances get a `__dict__`-style namespace (all user classes).
pub fn is_user_class(cls: &Class) -> bool {
    !cls.builtin || cls.kind == Kind::Exception
}
