//! The object protocol: what `+`, `==`, `repr`, attribute access, subscripts, `len`,
//! `iter`... do for every kind of value, with CPython's results and error messages.
//!
//! Built-in types are handled in Rust directly. When an operation needs a user-defined
//! dunder method it calls it through [`call::call_value`], which runs script code in a
//! nested driver, unless the evaluator is on its fast path (which promises not to run
//! script code): then the operation reports [`Fail::Slow`] before doing anything
//! observable, and the evaluator redoes the expression step by step.

pub mod attr;
pub mod call;
pub mod cmp;
pub mod item;
pub mod iter;
pub mod num;
pub mod repr;

use crate::runtime::class::{Class, Exc, Kind};
use crate::runtime::str::PyStr;
use crate::runtime::value::Value;
use crate::runtime::Runtime;
use std::rc::Rc;

/// Why an operation did not produce a value.
pub enum Fail {
    /// It raised this exception.
    Raise(Exc),
    /// It needs to run script code, which the fast path may not do.
    Slow,
}

impl From<Exc> for Fail {
    fn from(e: Exc) -> Fail {
        Fail::Raise(e)
    }
}

/// The result of an operation.
pub type PyResult<T = Value> = Result<T, Fail>;

/// Shorthand: raise `e`.
pub fn raise<T>(e: Exc) -> PyResult<T> {
    Err(Fail::Raise(e))
}

/// The class of a value.
pub fn type_of(rt: &Runtime, v: &Value) -> Rc<Class> {
    let t = &rt.types;
    match v {
        Value::None => t.none.clone(),
        Value::Bool(_) => t.bool.clone(),
        Value::Int(_) | Value::BigInt(_) => t.int.clone(),
        Value::Float(_) => t.float.clone(),
        Value::Str(_) => t.str.clone(),
        Value::Bytes(_) => t.bytes.clone(),
        Value::Tuple(_) => t.tuple.clone(),
        Value::List(_) => t.list.clone(),
        Value::Dict(_) => t.dict.clone(),
        Value::Set(s) => {
            if s.frozen {
                t.frozenset.clone()
            } else {
                t.set.clone()
            }
        }
        Value::Range(_) => t.range.clone(),
        Value::Slice(_) => t.slice.clone(),
        Value::Func(_) => t.function.clone(),
        Value::Native(n) if n.bound.is_some() && n.owner.is_some() && crate::builtins::descr::is_slot(n.name) => t.other("method-wrapper"),
        Value::Native(_) => t.builtin_function.clone(),
        Value::Method(_) => t.method.clone(),
        Value::Class(_) => t.type_.clone(),
        Value::Inst(i) => i.class(),
        Value::Gen(g) => match g.kind() {
            crate::runtime::generator::GenKind::Generator => t.generator.clone(),
            crate::runtime::generator::GenKind::Coroutine => t.coroutine.clone(),
            crate::runtime::generator::GenKind::AsyncGenerator => t.async_generator.clone(),
        },
        Value::Iter(it) => t.other(it.type_name()),
        Value::Obj(o) => o.class(rt),
        Value::NotImplemented => t.not_implemented.clone(),
        Value::Ellipsis => t.ellipsis.clone(),
    }
}

/// The type name used in error messages (`'int'`, `'Foo'`).
pub fn type_name(rt: &Runtime, v: &Value) -> String {
    match v {
        Value::None => "NoneType".into(),
        Value::Bool(_) => "bool".into(),
        Value::Int(_) | Value::BigInt(_) => "int".into(),
        Value::Float(_) => "float".into(),
        Value::Str(_) => "str".into(),
        Value::List(_) => "list".into(),
        Value::Tuple(_) => "tuple".into(),
        Value::Dict(_) => "dict".into(),
        _ => {
            // asyncio's C types are named with their module in CPython's messages
            // (`tp_name` "_asyncio.Task"); its Python classes by their name alone.
            let c = type_of(rt, v);
            if c.builtin && c.module.borrow().as_str() == "_asyncio" {
                format!("_asyncio.{}", c.name_str())
            } else {
                c.name_str()
            }
        }
    }
}

/// Whether `v` is an instance of `cls` (or a subclass).
pub fn isinstance(rt: &Runtime, v: &Value, cls: &Rc<Class>) -> bool {
    // Fast paths for exact built-in types.
    match (v, cls.kind) {
        (Value::Int(_) | Value::BigInt(_), Kind::Int) if cls.builtin => return true,
        (Value::Str(_), Kind::Str) if cls.builtin => return true,
        (Value::Float(_), Kind::Float) if cls.builtin => return true,
        (_, Kind::Object) if cls.builtin => return true,
        _ => {}
    }
    type_of(rt, v).is_subclass(cls)
}

/// Whether an exception instance is of the class (or a subclass).
pub fn exc_matches(e: &Exc, cls: &Rc<Class>) -> bool {
    e.class().is_subclass(cls)
}

/// The int value of an int-like (int or bool), if it is one.
pub fn as_int(v: &Value) -> Option<i64> {
    match v {
        Value::Int(i) => Some(*i),
        Value::Bool(b) => Some(*b as i64),
        _ => None,
    }
}

/// An index (`__index__`): ints, bools and int subclasses; otherwise a TypeError with
/// the given message prefix is the caller's to raise.
pub fn to_index(rt: &mut Runtime, v: &Value) -> PyResult<Option<num_bigint::BigInt>> {
    match v {
        Value::Int(i) => Ok(Some((*i).into())),
        Value::Bool(b) => Ok(Some((*b as i64).into())),
        Value::BigInt(b) => Ok(Some((**b).clone())),
        Value::Inst(i) => {
            let base = i.base.borrow().clone();
            match base {
                Some(b) => to_index(rt, &b),
                None => {
                    if let Some(m) = attr::lookup_special(rt, v, "__index__") {
                        let r = call::call_value(rt, m, vec![v.clone()])?;
                        // An int (or int subclass) result only: `__index__` is not applied twice.
                        let int_like = match &r {
                            Value::Int(_) | Value::Bool(_) | Value::BigInt(_) => true,
                            Value::Inst(ri) => ri.base.borrow().as_ref().is_some_and(|b| matches!(b, Value::Int(_) | Value::BigInt(_))),
                            _ => false,
                        };
                        if !int_like {
                            let tn = type_name(rt, &r);
                            return Err(Fail::Raise(rt.type_error(format!("__index__ returned non-int (type {tn})"))));
                        }
                        return to_index(rt, &r);
                    }
                    Ok(None)
                }
            }
        }
        _ => Ok(None),
    }
}

/// What an integer-like value is as an `i64`, once `__index__` has been applied.
enum Index {
    /// It fits.
    Fits(i64),
    /// An integer past 64 bits: its sign (true when negative).
    Huge(bool),
    /// Not an integer and no `__index__`.
    NotInt,
}

fn index_of(rt: &mut Runtime, v: &Value) -> PyResult<Index> {
    if let Value::Int(i) = v {
        return Ok(Index::Fits(*i));
    }
    use num_traits::ToPrimitive;
    Ok(match to_index(rt, v)? {
        Some(b) => match b.to_i64() {
            Some(i) => Index::Fits(i),
            None => Index::Huge(b.sign() == num_bigint::Sign::Minus),
        },
        None => Index::NotInt,
    })
}

fn clamp(negative: bool) -> i64 {
    if negative { i64::MIN } else { i64::MAX }
}

/// An `i64` index, with CPython's errors for non-integers and huge values.
pub fn index_i64(rt: &mut Runtime, v: &Value, what: &str) -> PyResult<i64> {
    match index_of(rt, v)? {
        Index::Fits(i) => Ok(i),
        Index::Huge(_) => raise(rt.exc_named("IndexError", "cannot fit 'int' into an index-sized integer".to_string())),
        Index::NotInt => {
            let tn = type_name(rt, v);
            raise(rt.type_error(format!("{what} must be integers or slices, not {tn}")))
        }
    }
}

/// An integer argument of a built-in method (`width`, `maxsplit`, `count`, a `pop` or
/// `insert` position): `__index__` applied, then CPython's `PyNumber_AsSsize_t` with its
/// messages (`'str' object cannot be interpreted as an integer`, and `OverflowError`
/// past 64 bits). Subscripts use [`index_i64`], whose messages differ.
pub fn int_arg(rt: &mut Runtime, v: &Value) -> PyResult<i64> {
    match index_of(rt, v)? {
        Index::Fits(i) => Ok(i),
        Index::Huge(_) => raise(rt.exc_msg(&rt.types.overflow_error, "Python int too large to convert to C ssize_t")),
        Index::NotInt => raise(not_an_integer(rt, v)),
    }
}

/// Like [`int_arg`], but a value past 64 bits is clamped to the nearest end (CPython's
/// `PyNumber_AsSsize_t(v, NULL)`, as `round`'s `ndigits` takes it).
pub fn int_arg_clamped(rt: &mut Runtime, v: &Value) -> PyResult<i64> {
    match index_of(rt, v)? {
        Index::Fits(i) => Ok(i),
        Index::Huge(negative) => Ok(clamp(negative)),
        Index::NotInt => raise(not_an_integer(rt, v)),
    }
}

/// A `start`/`end` argument of `find`, `count`, `index` and the like (CPython's
/// `_PyEval_SliceIndex`): `__index__` applied, huge values clamped. `None` is the
/// caller's to handle first; `none_ok` only picks the message's wording.
pub fn slice_bound(rt: &mut Runtime, v: &Value, none_ok: bool) -> PyResult<i64> {
    match index_of(rt, v)? {
        Index::Fits(i) => Ok(i),
        Index::Huge(negative) => Ok(clamp(negative)),
        Index::NotInt => {
            let msg = if none_ok {
                "slice indices must be integers or None or have an __index__ method"
            } else {
                "slice indices must be integers or have an __index__ method"
            };
            raise(rt.type_error(msg))
        }
    }
}

fn not_an_integer(rt: &Runtime, v: &Value) -> Exc {
    let tn = type_name(rt, v);
    rt.type_error(format!("'{tn}' object cannot be interpreted as an integer"))
}

/// Raise `AttributeError: 'T' object has no attribute 'name'`.
pub fn no_attr(rt: &Runtime, v: &Value, name: &PyStr) -> Exc {
    let msg = match v {
        Value::Class(c) => format!("type object '{}' has no attribute '{}'", c.name_str(), name),
        Value::Obj(o) if o.class(rt).kind == Kind::Module => {
            let mname = attr::module_name(v).unwrap_or_default();
            format!("module '{mname}' has no attribute '{name}'")
        }
        _ => format!("'{}' object has no attribute '{}'", type_name(rt, v), name),
    };
    let e = rt.exc_msg(&rt.types.attribute_error, msg);
    {
        let mut d = e.exc_data_mut();
        d.name = Some(Value::Str(Rc::new(PyStr::new(name.as_str()))));
        d.obj = Some(v.clone());
    }
    e
}

/// Convert a `Fail` from a context that cannot be on the fast path.
pub fn expect_raise(f: Fail) -> Exc {
    match f {
        Fail::Raise(e) => e,
        Fail::Slow => unreachable!("slow path requested outside the fast path"),
    }
}
