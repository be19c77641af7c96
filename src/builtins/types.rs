//! Constructors of the built-in types (`int(x)`, `list(it)`, `range(...)`, `type(...)`,
//! `property(...)`, `super(...)`...); the methods of `object` and `type` are in
//! `object_methods.rs`.

use super::{raise, ret};
use crate::eval::native::{Args, Ret};
use crate::ops::{self, PyResult};
use crate::runtime::class::{Class, Exc, Instance, Kind};
use crate::runtime::descr::{ClassMethod, Property, StaticMethod, Super};
use crate::runtime::dict::Dict;
use crate::runtime::intern::intern;
use crate::runtime::range::{RangeObj, SliceObj};
use crate::runtime::value::Value;
use crate::runtime::Runtime;
use std::cell::RefCell;
use std::rc::Rc;

fn no_kw(rt: &Runtime, a: &Args, name: &str) -> Result<(), Exc> {
    if a.has_kw() {
        return Err(rt.type_error(format!("{name}() takes no keyword arguments")));
    }
    Ok(())
}

fn at_most(rt: &Runtime, a: &Args, name: &str, n: usize) -> Result<(), Exc> {
    if a.pos.len() > n {
        let msg = if n == 1 {
            format!("{name} expected at most 1 argument, got {}", a.pos.len())
        } else {
            format!("{name} expected at most {n} arguments, got {}", a.pos.len())
        };
        return Err(rt.type_error(msg));
    }
    Ok(())
}

/// `int(x)` / `int(s, base)`.
pub fn make_int(rt: &mut Runtime, a: &Args) -> PyResult {
    if let Some(bad) = a.names.iter().find(|n| n.as_str() != "base") {
        return ops::raise(rt.type_error(format!("'{bad}' is an invalid keyword argument for int()")));
    }
    if a.pos.len() > 2 {
        return ops::raise(rt.type_error(format!("int() takes at most 2 arguments ({} given)", a.pos.len())));
    }
    let x = a.pos.first();
    let base = a.pos.get(1).or(a.kw("base"));
    let Some(x) = x else {
        if base.is_some() {
            return ops::raise(rt.type_error("int() missing string argument"));
        }
        return Ok(Value::Int(0));
    };
    if let Some(b) = base {
        let base = match ops::as_int(b) {
            Some(b) if b == 0 || (2..=36).contains(&b) => b as u32,
            Some(_) => return ops::raise(rt.value_error("int() base must be >= 2 and <= 36, or 0")),
            None => return ops::raise(rt.type_error(format!("'{}' object cannot be interpreted as an integer", ops::type_name(rt, b)))),
        };
        return match x {
            Value::Str(s) => super::numbers::parse_int(rt, s.as_str(), base),
            Value::Bytes(b) => super::numbers::parse_int(rt, &String::from_utf8_lossy(&b.data), base),
            _ => ops::raise(rt.type_error("int() can't convert non-string with explicit base")),
        };
    }
    match x {
        Value::Int(_) | Value::BigInt(_) => Ok(x.clone()),
        Value::Bool(b) => Ok(Value::Int(*b as i64)),
        Value::Float(f) => {
            if f.is_nan() {
                return ops::raise(rt.value_error("cannot convert float NaN to integer"));
            }
            if f.is_infinite() {
                return ops::raise(rt.exc_msg(&rt.types.overflow_error, "cannot convert float infinity to integer"));
            }
            let t = f.trunc();
            if t.abs() < 9.2e18 {
                Ok(Value::Int(t as i64))
            } else {
                Ok(Value::from_bigint(num_bigint::BigInt::parse_bytes(format!("{t:.0}").as_bytes(), 10).unwrap_or_default()))
            }
        }
        Value::Str(s) => super::numbers::parse_int(rt, s.as_str(), 10),
        Value::Bytes(b) => super::numbers::parse_int(rt, &String::from_utf8_lossy(&b.data), 10),
        _ => {
            for name in ["__int__", "__index__", "__trunc__"] {
                if let Some(m) = ops::attr::lookup_special(rt, x, name) {
                    return ops::call::call_value(rt, m, vec![x.clone()]);
                }
            }
            if let Some(b) = ops::num::base_value(x) {
                return make_int(rt, &Args::pos(&[b]));
            }
            let tn = ops::type_name(rt, x);
            ops::raise(rt.type_error(format!("int() argument must be a string, a bytes-like object or a real number, not '{tn}'")))
        }
    }
}

fn make_float(rt: &mut Runtime, a: &Args) -> PyResult {
    no_kw(rt, a, "float")?;
    at_most(rt, a, "float", 1)?;
    let Some(x) = a.pos.first() else { return Ok(Value::Float(0.0)) };
    match x {
        Value::Float(_) => Ok(x.clone()),
        Value::Str(s) => super::numbers::parse_float(rt, s.as_str()),
        Value::Int(_) | Value::Bool(_) | Value::BigInt(_) => Ok(Value::Float(super::numbers::to_f64(rt, x)?)),
        _ => {
            if let Some(m) = ops::attr::lookup_special(rt, x, "__float__") {
                return ops::call::call_value(rt, m, vec![x.clone()]);
            }
            if let Some(m) = ops::attr::lookup_special(rt, x, "__index__") {
                let i = ops::call::call_value(rt, m, vec![x.clone()])?;
                return Ok(Value::Float(super::numbers::to_f64(rt, &i)?));
            }
            if let Some(b) = ops::num::base_value(x) {
                return make_float(rt, &Args::pos(&[b]));
            }
            let tn = ops::type_name(rt, x);
            ops::raise(rt.type_error(format!("float() argument must be a string or a real number, not '{tn}'")))
        }
    }
}

fn make_str(rt: &mut Runtime, a: &Args) -> PyResult {
    if a.pos.len() > 3 {
        return ops::raise(rt.type_error(format!("str() takes at most 3 arguments ({} given)", a.pos.len())));
    }
    if let Some(bad) = a.names.iter().find(|n| !matches!(n.as_str(), "object" | "encoding" | "errors")) {
        return ops::raise(rt.type_error(format!("'{bad}' is an invalid keyword argument for str()")));
    }
    let Some(x) = a.pos.first().or(a.kw("object")) else { return Ok(Value::str("")) };
    if a.pos.len() > 1 || a.kw("encoding").is_some() || a.kw("errors").is_some() {
        let (enc, errors) = super::codecs::codec_args(rt, a, "str")?;
        return match x {
            Value::Bytes(b) => Ok(Value::string(super::codecs::decode_bytes(rt, &b.data, &enc, &errors)?)),
            Value::Str(_) => ops::raise(rt.type_error("decoding str is not supported")),
            other => {
                let tn = ops::type_name(rt, other);
                ops::raise(rt.type_error(format!("decoding to str: need a bytes-like object, {tn} found")))
            }
        };
    }
    Ok(Value::Str(ops::repr::to_str(rt, x)?))
}

/// `bytes(x)`.
pub fn make_bytes(rt: &mut Runtime, a: &Args) -> PyResult {
    let Some(x) = a.pos.first() else { return Ok(Value::Bytes(Rc::new(crate::runtime::bytes::PyBytes::new(vec![])))) };
    let data = match x {
        Value::Str(s) => {
            if a.pos.len() < 2 && a.kw("encoding").is_none() {
                return ops::raise(rt.type_error("string argument without an encoding"));
            }
            let (enc, errors) = super::codecs::codec_args(rt, a, "bytes")?;
            super::codecs::encode_str(rt, s.as_str(), &enc, &errors)?
        }
        Value::Int(n) => {
            if *n < 0 {
                return ops::raise(rt.value_error("negative count"));
            }
            crate::limits::check_alloc(rt, *n as usize)?;
            vec![0; *n as usize]
        }
        Value::Bytes(b) => b.data.to_vec(),
        _ => {
            let items = ops::iter::collect(rt, x)?;
            let mut out = Vec::with_capacity(items.len());
            for i in items {
                match ops::as_int(&i) {
                    Some(n) if (0..256).contains(&n) => out.push(n as u8),
                    Some(_) => return ops::raise(rt.value_error("bytes must be in range(0, 256)")),
                    None => {
                        let tn = ops::type_name(rt, &i);
                        return ops::raise(rt.type_error(format!("'{tn}' object cannot be interpreted as an integer")));
                    }
                }
            }
            out
        }
    };
    Ok(Value::Bytes(Rc::new(crate::runtime::bytes::PyBytes::new(data))))
}

fn make_range(rt: &mut Runtime, a: &Args) -> PyResult {
    no_kw(rt, a, "range")?;
    match a.pos.len() {
        0 => return ops::raise(rt.type_error("range expected at least 1 argument, got 0")),
        n if n > 3 => return ops::raise(rt.type_error(format!("range expected at most 3 arguments, got {n}"))),
        _ => {}
    }
    if let Some(vals) = a.pos.iter().map(ops::as_int).collect::<Option<Vec<i64>>>() {
        let (start, stop, step) = match vals[..] {
            [stop] => (0, stop, 1),
            [start, stop] => (start, stop, 1),
            [start, stop, step] => (start, stop, step),
            _ => (0, 0, 1),
        };
        if step == 0 {
            return ops::raise(rt.value_error("range() arg 3 must not be zero"));
        }
        return Ok(Value::Range(Rc::new(RangeObj::new(start, stop, step))));
    }
    let mut vals = Vec::with_capacity(3);
    for v in a.pos {
        match ops::to_index(rt, v)? {
            Some(b) => vals.push(b),
            None => {
                let tn = ops::type_name(rt, v);
                return ops::raise(rt.type_error(format!("'{tn}' object cannot be interpreted as an integer")));
            }
        }
    }
    let one = num_bigint::BigInt::from(1);
    let mut it = vals.into_iter();
    let (start, stop, step) = match a.pos.len() {
        1 => (num_bigint::BigInt::from(0), it.next().unwrap_or_default(), one),
        2 => (it.next().unwrap_or_default(), it.next().unwrap_or_default(), one),
        _ => (it.next().unwrap_or_default(), it.next().unwrap_or_default(), it.next().unwrap_or_default()),
    };
    if num_traits::Zero::is_zero(&step) {
        return ops::raise(rt.value_error("range() arg 3 must not be zero"));
    }
    Ok(Value::Range(Rc::new(RangeObj::from_big(start, stop, step))))
}

fn make_type(rt: &mut Runtime, a: &Args) -> PyResult {
    match a.pos.len() {
        1 => Ok(Value::Class(ops::type_of(rt, &a.pos[0]))),
        3 => {
            let Value::Str(name) = &a.pos[0] else {
                return ops::raise(rt.type_error("type.__new__() argument 1 must be str"));
            };
            let bases = match &a.pos[1] {
                Value::Tuple(t) => t.items().to_vec(),
                _ => return ops::raise(rt.type_error("type.__new__() argument 2 must be tuple")),
            };
            let Value::Dict(d) = &a.pos[2] else {
                return ops::raise(rt.type_error("type.__new__() argument 3 must be dict"));
            };
            let ns = Rc::new(Dict::from_table(d.borrow().clone()));
            if ns.get_str(&intern("__module__")).is_none() {
                ns.set_str(intern("__module__"), Value::str("__main__"));
            }
            crate::eval::define::build_class(rt, intern(name.as_str()), intern(name.as_str()), bases, ns).map_err(ops::Fail::Raise)
        }
        _ => ops::raise(rt.type_error("type() takes 1 or 3 arguments")),
    }
}

fn make_super(rt: &mut Runtime, a: &Args) -> PyResult {
    if a.pos.is_empty() {
        return ops::raise(rt.exc_msg(&rt.types.runtime_error, "super(): no arguments"));
    }
    let Value::Class(cls) = &a.pos[0] else {
        let tn = ops::type_name(rt, &a.pos[0]);
        return ops::raise(rt.type_error(format!("super() argument 1 must be a type, not {tn}")));
    };
    let Some(obj) = a.pos.get(1) else {
        return ops::raise(rt.exc_msg(&rt.types.runtime_error, "super(): unbound super objects are not supported"));
    };
    let obj_type = match obj {
        Value::Class(c) if c.is_subclass(cls) => c.clone(),
        _ => {
            let t = ops::type_of(rt, obj);
            if !t.is_subclass(cls) {
                return ops::raise(rt.type_error("super(type, obj): obj must be an instance or subtype of type"));
            }
            t
        }
    };
    Ok(crate::runtime::gc::new_obj(Super { class: cls.clone(), obj: obj.clone(), obj_type }))
}

fn make_property(rt: &mut Runtime, a: &Args) -> PyResult {
    let get = |i: usize, name: &str| a.pos.get(i).or(a.kw(name)).cloned().unwrap_or(Value::None);
    let _ = rt;
    Ok(crate::runtime::gc::new_obj(Property { fget: get(0, "fget"), fset: get(1, "fset"), fdel: get(2, "fdel"), doc: get(3, "doc"), name: RefCell::new(None) }))
}

/// Construct an instance of a built-in type.
pub fn construct(rt: &mut Runtime, cls: &Rc<Class>, a: Args) -> Ret {
    let r: PyResult = match cls.kind {
        Kind::Object => {
            if !a.pos.is_empty() || a.has_kw() {
                return raise(rt.type_error("object() takes no arguments"));
            }
            Ok(Value::Inst(Instance::new_rc(cls.clone())))
        }
        Kind::Type => make_type(rt, &a),
        Kind::Int => make_int(rt, &a),
        Kind::Bool => match a.pos.first() {
            _ if a.has_kw() => return raise(rt.type_error("bool() takes no keyword arguments")),
            _ if a.pos.len() > 1 => return raise(rt.type_error(format!("bool expected at most 1 argument, got {}", a.pos.len()))),
            None => Ok(Value::Bool(false)),
            Some(v) => ops::cmp::truthy(rt, v).map(Value::Bool),
        },
        Kind::Float => make_float(rt, &a),
        Kind::Str => make_str(rt, &a),
        Kind::Bytes => make_bytes(rt, &a),
        Kind::List => {
            if let Err(e) = at_most(rt, &a, "list", 1).and_then(|_| no_kw(rt, &a, "list")) {
                return raise(e);
            }
            match a.pos.first() {
                None => Ok(Value::list(vec![])),
                Some(v) => ops::iter::collect(rt, v).map(Value::list),
            }
        }
        Kind::Tuple => {
            if let Err(e) = at_most(rt, &a, "tuple", 1).and_then(|_| no_kw(rt, &a, "tuple")) {
                return raise(e);
            }
            match a.pos.first() {
                None => Ok(Value::tuple(vec![])),
                Some(v @ Value::Tuple(_)) => Ok(v.clone()),
                Some(v) => ops::iter::collect(rt, v).map(Value::tuple),
            }
        }
        Kind::Dict => {
            if let Err(e) = at_most(rt, &a, "dict", 1) {
                return raise(e);
            }
            let d = crate::runtime::gc::new_dict(Dict::new());
            if let Some(v) = a.pos.first() {
                if let Err(e) = super::dicts::dict_update_any(rt, &d, v) {
                    return raise(ops::expect_raise(e));
                }
            }
            for (k, v) in a.names.iter().zip(a.kw) {
                d.set_str(k.clone(), v.clone());
            }
            Ok(Value::Dict(d))
        }
        Kind::Set | Kind::FrozenSet => {
            let frozen = cls.kind == Kind::FrozenSet;
            let name = if frozen { "frozenset" } else { "set" };
            if let Err(e) = at_most(rt, &a, name, 1).and_then(|_| no_kw(rt, &a, name)) {
                return raise(e);
            }
            match a.pos.first() {
                None => super::sets::set_from_values(rt, vec![], frozen),
                Some(v @ Value::Set(s)) if frozen && s.frozen => Ok(v.clone()),
                Some(v) => super::sets::set_from_iterable(rt, v, frozen),
            }
        }
        Kind::Range => make_range(rt, &a),
        Kind::Slice => {
            let p = a.pos;
            let (start, stop, step) = match p.len() {
                1 => (Value::None, p[0].clone(), Value::None),
                2 => (p[0].clone(), p[1].clone(), Value::None),
                3 => (p[0].clone(), p[1].clone(), p[2].clone()),
                n => return raise(rt.type_error(format!("slice expected at least 1 argument, got {n}"))),
            };
            Ok(Value::Slice(Rc::new(SliceObj { start, stop, step })))
        }
        Kind::Property => make_property(rt, &a),
        Kind::StaticMethod => match a.pos.first() {
            Some(f) => Ok(crate::runtime::gc::new_obj(StaticMethod(f.clone()))),
            None => return raise(rt.type_error("staticmethod expected 1 argument, got 0")),
        },
        Kind::ClassMethod => match a.pos.first() {
            Some(f) => Ok(crate::runtime::gc::new_obj(ClassMethod(f.clone()))),
            None => return raise(rt.type_error("classmethod expected 1 argument, got 0")),
        },
        _ => return construct_other(rt, cls, a),
    };
    ret(r)
}

fn construct_other(rt: &mut Runtime, cls: &Rc<Class>, a: Args) -> Ret {
    // (the name's `Rc`, not a copy of its text: `super()` comes here on every call)
    let name = cls.name.borrow().clone();
    let r = match name.as_str() {
        "super" => make_super(rt, &a),
        "enumerate" => {
            let Some(it) = a.pos.first().or(a.kw("iterable")) else {
                return raise(rt.type_error("enumerate() missing required argument 'iterable'"));
            };
            let start = a.pos.get(1).or(a.kw("start")).cloned().unwrap_or(Value::Int(0));
            super::iters::enumerate(rt, it, start)
        }
        "zip" => {
            let strict = a.kw("strict").map(|v| ops::cmp::truthy(rt, v).unwrap_or(false)).unwrap_or(false);
            super::iters::zip(rt, a.pos, strict)
        }
        "map" => {
            if a.pos.len() < 2 {
                return raise(rt.type_error("map() must have at least two arguments."));
            }
            super::iters::map(rt, a.pos[0].clone(), &a.pos[1..])
        }
        "filter" => {
            if a.pos.len() != 2 {
                return raise(rt.type_error(format!("filter expected 2 arguments, got {}", a.pos.len())));
            }
            super::iters::filter(rt, a.pos[0].clone(), &a.pos[1])
        }
        "reversed" => {
            if a.pos.len() != 1 {
                return raise(rt.type_error(format!("reversed expected 1 argument, got {}", a.pos.len())));
            }
            super::iters::reversed(rt, &a.pos[0])
        }
        _ => match crate::aio::construct(rt, cls, a) {
            Some(r) => return r,
            None => return raise(rt.type_error(format!("cannot create '{name}' instances"))),
        },
    };
    ret(r)
}

/// The built-in value inside a new instance of a user subclass of a built-in type.
pub fn base_payload(rt: &mut Runtime, cls: &Rc<Class>, a: Args) -> Result<Option<Value>, Exc> {
    let builtin = cls.full_mro().into_iter().find(|c| c.builtin && c.kind != Kind::Object);
    let Some(base) = builtin else { return Ok(None) };
    let has_init = crate::eval::call::user_attr(cls, "__init__").is_some();
    let mutable = matches!(base.kind, Kind::List | Kind::Dict | Kind::Set);
    if mutable && has_init {
        return Ok(Some(match base.kind {
            Kind::List => Value::list(vec![]),
            Kind::Dict => Value::Dict(crate::runtime::gc::new_dict(Dict::new())),
            _ => super::sets::set_from_values(rt, vec![], false).map_err(ops::expect_raise)?,
        }));
    }
    let args = if mutable { a } else { Args { pos: a.pos, kw: &[], names: &[] } };
    match construct(rt, &base, args) {
        Ret::Val(v) => Ok(Some(v)),
        Ret::Raise(e) => Err(e),
        _ => Ok(None),
    }
}
