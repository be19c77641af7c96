//! The iteration protocol for code written in Rust: `iter()`, `next()` and collecting
//! an iterable into a vector. Generators and user iterators are run by a nested driver
//! (the evaluator's own loops drive them step by step instead).

use super::{attr, call, raise, type_name, Fail, PyResult};
use crate::runtime::generator::GenKind;
use crate::runtime::iter::{DictPart, IterNext, IterObj, IterState};
use crate::runtime::value::Value;
use crate::runtime::Runtime;

/// A built-in iterator for a built-in iterable, without running script code.
pub fn builtin_iter(v: &Value) -> Option<Value> {
    Some(Value::Iter(IterObj::new(match v {
        Value::List(l) => IterState::List(l.clone(), 0),
        Value::Tuple(t) => IterState::Tuple(t.clone(), 0),
        Value::Str(s) => IterState::Str(s.clone(), 0),
        Value::Bytes(b) => IterState::Bytes(b.clone(), 0),
        Value::Range(r) if !r.is_big() => IterState::Range(r.start, r.step, r.len()),
        Value::Range(r) => {
            let (start, _, step) = r.parts();
            IterState::BigRange(Box::new([start, step, r.len_big()]))
        }
        Value::Dict(d) => IterState::Dict(d.clone(), 0, d.len(), DictPart::Keys),
        Value::Set(s) => IterState::Set(s.clone(), s.items(), 0, s.len()),
        _ => return None,
    })))
}

/// `iter(v)`.
pub fn iter(rt: &mut Runtime, v: &Value) -> PyResult {
    if let Some(it) = builtin_iter(v) {
        return Ok(it);
    }
    match v {
        Value::Iter(_) => Ok(v.clone()),
        Value::Gen(g) if g.kind() == GenKind::Generator => Ok(v.clone()),
        Value::Obj(o) => match o.iter(rt, v) {
            Some(r) => r,
            None => {
                let cls = super::type_of(rt, v);
                match attr::class_lookup(&cls, "__iter__") {
                    Some(m) => {
                        let it = call::call_value(rt, m, vec![v.clone()])?;
                        check_iterator(rt, it)
                    }
                    None => not_iterable(rt, v),
                }
            }
        },
        Value::Inst(_) => {
            if let Some(m) = attr::lookup_special(rt, v, "__iter__") {
                let it = call::call_value(rt, m, vec![v.clone()])?;
                return check_iterator(rt, it);
            }
            if attr::lookup_special(rt, v, "__getitem__").is_some() {
                return Ok(crate::builtins::iters::seq_iter(v.clone()));
            }
            if let Some(b) = super::num::base_value(v) {
                return iter(rt, &b);
            }
            not_iterable(rt, v)
        }
        _ => not_iterable(rt, v),
    }
}

/// Check that `__iter__` returned an iterator.
pub fn check_iterator(rt: &mut Runtime, it: Value) -> PyResult {
    let ok = match &it {
        Value::Iter(_) => true,
        Value::Gen(g) => g.kind() == GenKind::Generator,
        Value::Inst(_) => attr::lookup_special(rt, &it, "__next__").is_some(),
        Value::Obj(_) => is_native_iterator(&it) || attr::class_lookup(&super::type_of(rt, &it), "__next__").is_some(),
        _ => false,
    };
    if ok {
        Ok(it)
    } else {
        raise(rt.type_error(format!("iter() returned non-iterator of type '{}'", type_name(rt, &it))))
    }
}

fn is_native_iterator(v: &Value) -> bool {
    crate::builtins::iters::is_iterator_obj(v)
}

/// The TypeError for a value that cannot be iterated.
pub fn not_iterable<T>(rt: &Runtime, v: &Value) -> PyResult<T> {
    raise(rt.type_error(format!("'{}' object is not iterable", type_name(rt, v))))
}

/// `next(it)`: `Ok(None)` when exhausted.
pub fn next(rt: &mut Runtime, it: &Value) -> PyResult<Option<Value>> {
    match it {
        Value::Iter(i) => match i.next() {
            IterNext::Item(v) => Ok(Some(v)),
            IterNext::Done => Ok(None),
            IterNext::Changed(msg) => raise(rt.exc_msg(&rt.types.runtime_error, msg)),
        },
        Value::Gen(g) => {
            if crate::eval::machine::in_fast_path(rt) {
                return Err(Fail::Slow);
            }
            crate::eval::suspend::next_nested(rt, g)
        }
        Value::Obj(o) => match o.next(rt, it) {
            Some(r) => r,
            None => user_next(rt, it),
        },
        _ => user_next(rt, it),
    }
}

fn user_next(rt: &mut Runtime, it: &Value) -> PyResult<Option<Value>> {
    let found = attr::lookup_special(rt, it, "__next__").or_else(|| match it {
        Value::Obj(_) => attr::class_lookup(&super::type_of(rt, it), "__next__"),
        _ => None,
    });
    let Some(m) = found else {
        return raise(rt.type_error(format!("'{}' object is not an iterator", type_name(rt, it))));
    };
    match call::call_value(rt, m, vec![it.clone()]) {
        Ok(v) => Ok(Some(v)),
        Err(Fail::Raise(e)) if super::exc_matches(&e, &rt.types.stop_iteration) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Every item of an iterable.
pub fn collect(rt: &mut Runtime, v: &Value) -> PyResult<Vec<Value>> {
    match v {
        Value::List(l) => return Ok(l.snapshot()),
        Value::Tuple(t) => return Ok(t.items().to_vec()),
        _ => {}
    }
    let it = iter(rt, v)?;
    let mut out = Vec::new();
    if let Value::Iter(i) = &it {
        if let Some(n) = i.remaining() {
            crate::limits::check_items(rt, n, std::mem::size_of::<Value>())?;
            out.reserve(n);
        }
    }
    while let Some(x) = next(rt, &it)? {
        out.push(x);
    }
    Ok(out)
}
