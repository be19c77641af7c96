//! Subscripts: indexing and slicing of built-in sequences, dict lookups, and the
//! `__getitem__`/`__setitem__`/`__delitem__` protocol.

use super::{attr, call, raise, type_name, PyResult};
use crate::runtime::range::{big_slice_indices, RangeObj, SliceObj};
use num_bigint::BigInt;
use num_traits::{Signed, ToPrimitive, Zero};
use crate::runtime::value::Value;
use crate::runtime::Runtime;
use std::rc::Rc;

/// Resolved slice bounds for a sequence of a given length.
pub struct SliceIdx {
    /// First index.
    pub start: i64,
    /// Bound.
    pub stop: i64,
    /// Step.
    pub step: i64,
    /// Number of selected items.
    pub len: i64,
}

fn slice_part(rt: &mut Runtime, v: &Value) -> PyResult<Option<i64>> {
    match v {
        Value::None => Ok(None),
        Value::Int(i) => Ok(Some(*i)),
        _ => match super::to_index(rt, v)? {
            Some(b) => {
                use num_traits::{Signed, ToPrimitive};
                Ok(Some(b.to_i64().unwrap_or(if b.is_negative() { i64::MIN / 2 } else { i64::MAX / 2 })))
            }
            None => raise(rt.type_error("slice indices must be integers or None or have an __index__ method")),
        },
    }
}

/// CPython's `PySlice_GetIndicesEx`.
pub fn slice_indices(rt: &mut Runtime, s: &SliceObj, len: i64) -> PyResult<SliceIdx> {
    let step = slice_part(rt, &s.step)?.unwrap_or(1);
    if step == 0 {
        return raise(rt.value_error("slice step cannot be zero"));
    }
    let step = step.max(-i64::MAX);
    let (lower, upper) = if step < 0 { (-1, len - 1) } else { (0, len) };
    let fix = |v: Option<i64>, default: i64| -> i64 {
        match v {
            None => default,
            Some(mut i) => {
                if i < 0 {
                    i = i.saturating_add(len);
                    if i < lower {
                        i = lower;
                    }
                } else if i > upper {
                    i = upper;
                }
                i
            }
        }
    };
    let start = fix(slice_part(rt, &s.start)?, if step < 0 { upper } else { lower });
    let stop = fix(slice_part(rt, &s.stop)?, if step < 0 { lower } else { upper });
    let n = if step < 0 {
        if stop < start { (start - stop - 1) / (-step) + 1 } else { 0 }
    } else if start < stop {
        (stop - start - 1) / step + 1
    } else {
        0
    };
    Ok(SliceIdx { start, stop, step, len: n })
}

/// The positions a slice selects.
pub fn slice_positions(idx: &SliceIdx) -> impl Iterator<Item = usize> + '_ {
    (0..idx.len).map(move |k| (idx.start + k * idx.step) as usize)
}

fn norm_index(i: i64, len: usize) -> Option<usize> {
    let i = if i < 0 { i + len as i64 } else { i };
    (i >= 0 && (i as usize) < len).then_some(i as usize)
}

fn index_error(rt: &Runtime, what: &str) -> super::Fail {
    super::Fail::Raise(rt.exc_msg(&rt.types.index_error, format!("{what} index out of range")))
}

/// `obj[key]`.
pub fn getitem(rt: &mut Runtime, obj: &Value, key: &Value) -> PyResult {
    match (obj, key) {
        (Value::List(l), Value::Int(i)) => {
            let items = l.borrow();
            match norm_index(*i, items.len()) {
                Some(i) => Ok(items[i].clone()),
                None => Err(index_error(rt, "list")),
            }
        }
        (Value::Tuple(t), Value::Int(i)) => match norm_index(*i, t.len()) {
            Some(i) => Ok(t.items()[i].clone()),
            None => Err(index_error(rt, "tuple")),
        },
        (Value::Dict(d), _) => match crate::builtins::dicts::dict_get(rt, d, key)? {
            Some(v) => Ok(v),
            None => raise(rt.new_exc(&rt.types.key_error, vec![key.clone()])),
        },
        (Value::Str(s), Value::Int(i)) => match norm_index(*i, s.len()) {
            Some(i) => {
                Ok(Value::Str(crate::runtime::intern::char_str(s.char_at(i))))
            }
            None => Err(index_error(rt, "string")),
        },
        (Value::List(_) | Value::Tuple(_) | Value::Str(_) | Value::Bytes(_) | Value::Range(_), Value::Slice(s)) => {
            slice_get(rt, obj, s)
        }
        (Value::Bytes(b), Value::Int(i)) => match norm_index(*i, b.data.len()) {
            Some(i) => Ok(Value::Int(b.data[i] as i64)),
            None => raise(rt.exc_msg(&rt.types.index_error, "index out of range")),
        },
        (Value::Range(r), Value::Int(i)) if !r.is_big() => match norm_index(*i, r.len() as usize) {
            Some(i) => Ok(Value::Int(r.get(i as i64))),
            None => Err(index_error(rt, "range object")),
        },
        (Value::Range(r), _) if r.is_big() || matches!(key, Value::BigInt(_)) => {
            let Some(i) = super::to_index(rt, key)? else {
                let tn = type_name(rt, key);
                return raise(rt.type_error(format!("range indices must be integers or slices, not {tn}")));
            };
            let len = r.len_big();
            let i = if i.is_negative() { i + &len } else { i };
            if i.is_negative() || i >= len {
                return Err(index_error(rt, "range object"));
            }
            Ok(Value::from_bigint(r.get_big(&i)))
        }
        (Value::List(_) | Value::Tuple(_) | Value::Range(_) | Value::Bytes(_), _) => {
            let what = match obj {
                Value::List(_) => "list",
                Value::Tuple(_) => "tuple",
                Value::Range(_) => "range",
                _ => "byte",
            };
            let i = super::index_i64(rt, key, &format!("{what} indices"))?;
            getitem(rt, obj, &Value::Int(i))
        }
        (Value::Str(_), _) => match super::to_index(rt, key)? {
            Some(b) => {
                use num_traits::ToPrimitive;
                getitem(rt, obj, &Value::Int(b.to_i64().unwrap_or(i64::MAX)))
            }
            None => raise(rt.type_error(format!("string indices must be integers, not '{}'", type_name(rt, key)))),
        },
        _ => {
            if let Value::Obj(o) = obj {
                if let Some(r) = o.getitem(rt, obj, key) {
                    return r;
                }
            }
            if let Some(m) = attr::lookup_special(rt, obj, "__getitem__") {
                return call::call_value(rt, m, vec![obj.clone(), key.clone()]);
            }
            if let Some(b) = super::num::base_value(obj) {
                if let (Value::Dict(d), Value::Inst(_)) = (&b, obj) {
                    if let Some(v) = crate::builtins::dicts::dict_get(rt, d, key)? {
                        return Ok(v);
                    }
                    if let Some(m) = attr::lookup_special(rt, obj, "__missing__") {
                        return call::call_value(rt, m, vec![obj.clone(), key.clone()]);
                    }
                    return raise(rt.new_exc(&rt.types.key_error, vec![key.clone()]));
                }
                return getitem(rt, &b, key);
            }
            if let Value::Class(c) = obj {
                if let Some(m) = attr::class_lookup(c, "__class_getitem__") {
                    // Implicitly a class method.
                    let f = match crate::runtime::object::downcast::<crate::runtime::descr::ClassMethod>(&m) {
                        Some(cm) => cm.0.clone(),
                        None => m,
                    };
                    return call::call_value(rt, f, vec![obj.clone(), key.clone()]);
                }
                return raise(rt.type_error("'type' object is not subscriptable"));
            }
            raise(rt.type_error(format!("'{}' object is not subscriptable", type_name(rt, obj))))
        }
    }
}

fn slice_get(rt: &mut Runtime, obj: &Value, s: &SliceObj) -> PyResult {
    match obj {
        Value::List(l) => {
            let len = l.len() as i64;
            let idx = slice_indices(rt, s, len)?;
            let items = l.borrow();
            Ok(Value::list(slice_positions(&idx).map(|i| items[i].clone()).collect()))
        }
        Value::Tuple(t) => {
            let idx = slice_indices(rt, s, t.len() as i64)?;
            if idx.step == 1 && idx.len == t.len() as i64 {
                return Ok(obj.clone());
            }
            Ok(Value::tuple(slice_positions(&idx).map(|i| t.items()[i].clone()).collect()))
        }
        Value::Str(st) => {
            let idx = slice_indices(rt, s, st.len() as i64)?;
            if st.is_ascii() {
                let b = st.as_str().as_bytes();
                if idx.step == 1 {
                    let (a, z) = (idx.start as usize, (idx.start + idx.len) as usize);
                    return Ok(Value::str(&st.as_str()[a..z.max(a)]));
                }
                let out: String = slice_positions(&idx).map(|i| b[i] as char).collect();
                return Ok(Value::string(out));
            }
            let chars: Vec<char> = st.as_str().chars().collect();
            Ok(Value::string(slice_positions(&idx).map(|i| chars[i]).collect()))
        }
        Value::Bytes(b) => {
            let idx = slice_indices(rt, s, b.data.len() as i64)?;
            let v: Vec<u8> = slice_positions(&idx).map(|i| b.data[i]).collect();
            Ok(Value::Bytes(Rc::new(crate::runtime::bytes::PyBytes::new(v))))
        }
        Value::Range(r) => {
            // CPython computes the sub-range with unbounded ints.
            let part = |rt: &mut Runtime, v: &Value| -> PyResult<Option<BigInt>> {
                match v {
                    Value::None => Ok(None),
                    _ => match super::to_index(rt, v)? {
                        Some(b) => Ok(Some(b)),
                        None => raise(rt.type_error("slice indices must be integers or None or have an __index__ method")),
                    },
                }
            };
            let step = part(rt, &s.step)?.unwrap_or_else(|| BigInt::from(1));
            if step.is_zero() {
                return raise(rt.value_error("slice step cannot be zero"));
            }
            let (a, b) = (part(rt, &s.start)?, part(rt, &s.stop)?);
            let (i, j, k) = big_slice_indices(a, b, step, &r.len_big());
            let (start, _, rstep) = r.parts();
            let new_start = &start + &i * &rstep;
            let new_stop = &start + &j * &rstep;
            Ok(Value::Range(Rc::new(RangeObj::from_big(new_start, new_stop, rstep * k))))
        }
        _ => unreachable!(),
    }
}

/// `obj[key] = value`.
pub fn setitem(rt: &mut Runtime, obj: &Value, key: &Value, value: Value) -> PyResult<()> {
    match (obj, key) {
        (Value::List(l), Value::Int(i)) => {
            let mut items = l.borrow_mut();
            match norm_index(*i, items.len()) {
                Some(i) => {
                    let old = std::mem::replace(&mut items[i], value);
                    drop(items);
                    drop(old);
                    Ok(())
                }
                None => raise(rt.exc_msg(&rt.types.index_error, "list assignment index out of range")),
            }
        }
        (Value::Dict(d), _) => crate::builtins::dicts::dict_set(rt, d, key.clone(), value),
        (Value::List(l), Value::Slice(s)) => {
            let new = super::iter::collect(rt, &value)?;
            let len = l.len() as i64;
            let idx = slice_indices(rt, s, len)?;
            let mut items = l.borrow_mut();
            if idx.step == 1 {
                let a = idx.start as usize;
                let z = (idx.start + idx.len).max(idx.start) as usize;
                items.splice(a..z, new);
                return Ok(());
            }
            if new.len() as i64 != idx.len {
                drop(items);
                return raise(rt.value_error(format!(
                    "attempt to assign sequence of size {} to extended slice of size {}",
                    new.len(),
                    idx.len
                )));
            }
            for (p, v) in slice_positions(&idx).zip(new) {
                items[p] = v;
            }
            Ok(())
        }
        (Value::List(_), _) => {
            let i = super::index_i64(rt, key, "list indices")?;
            setitem(rt, obj, &Value::Int(i), value)
        }
        _ => {
            if let Some(m) = attr::lookup_special(rt, obj, "__setitem__") {
                call::call_value(rt, m, vec![obj.clone(), key.clone(), value])?;
                return Ok(());
            }
            if let Some(b) = super::num::base_value(obj) {
                return setitem(rt, &b, key, value);
            }
            raise(rt.type_error(format!("'{}' object does not support item assignment", type_name(rt, obj))))
        }
    }
}

/// `del obj[key]`.
pub fn delitem(rt: &mut Runtime, obj: &Value, key: &Value) -> PyResult<()> {
    match (obj, key) {
        (Value::List(l), Value::Int(i)) => {
            let mut items = l.borrow_mut();
            match norm_index(*i, items.len()) {
                Some(i) => {
                    let old = items.remove(i);
                    drop(items);
                    drop(old);
                    Ok(())
                }
                None => raise(rt.exc_msg(&rt.types.index_error, "list assignment index out of range")),
            }
        }
        (Value::List(l), Value::Slice(s)) => {
            let idx = slice_indices(rt, s, l.len() as i64)?;
            let mut pos: Vec<usize> = slice_positions(&idx).collect();
            pos.sort_unstable();
            let mut items = l.borrow_mut();
            for p in pos.into_iter().rev() {
                items.remove(p);
            }
            Ok(())
        }
        (Value::Dict(d), _) => {
            if crate::builtins::dicts::dict_del(rt, d, key)?.is_none() {
                return raise(rt.new_exc(&rt.types.key_error, vec![key.clone()]));
            }
            Ok(())
        }
        _ => {
            if let Some(m) = attr::lookup_special(rt, obj, "__delitem__") {
                call::call_value(rt, m, vec![obj.clone(), key.clone()])?;
                return Ok(());
            }
            if let Some(b) = super::num::base_value(obj) {
                return delitem(rt, &b, key);
            }
            raise(rt.type_error(format!("'{}' object doesn't support item deletion", type_name(rt, obj))))
        }
    }
}

/// `len(v)`.
pub fn len(rt: &mut Runtime, v: &Value) -> PyResult<usize> {
    Ok(match v {
        Value::Str(s) => s.len(),
        Value::List(l) => l.len(),
        Value::Tuple(t) => t.len(),
        Value::Dict(d) => d.len(),
        Value::Set(s) => s.len(),
        Value::Bytes(b) => b.data.len(),
        Value::Range(r) => {
            if r.is_big() {
                let n = r.len_big();
                return match n.to_usize() {
                    Some(n) if n <= i64::MAX as usize => Ok(n),
                    _ => raise(rt.exc_msg(&rt.types.overflow_error, "Python int too large to convert to C ssize_t")),
                };
            }
            r.len() as usize
        }
        Value::Obj(o) if o.len().is_some() => o.len().unwrap_or(0),
        _ => {
            if let Some(m) = attr::lookup_special(rt, v, "__len__") {
                let r = call::call_value(rt, m, vec![v.clone()])?;
                return super::cmp::len_result(rt, &r);
            }
            if let Some(b) = super::num::base_value(v) {
                return len(rt, &b);
            }
            if let Some(n) = crate::builtins::attrs::native_len(rt, v) {
                return Ok(n);
            }
            return raise(rt.type_error(format!("object of type '{}' has no len()", type_name(rt, v))));
        }
    })
}
