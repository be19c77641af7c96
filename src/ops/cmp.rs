//! Truth values, equality, ordering, hashing and membership.

use super::{attr, call, raise, type_name, Fail, PyResult};
use crate::runtime::hash::{hash_bigint, hash_i64, hash_tuple};
use crate::runtime::value::Value;
use crate::runtime::Runtime;
use crate::syntax::ast::CmpOp;
use num_bigint::BigInt;
use num_traits::{ToPrimitive, Zero};
use std::cmp::Ordering;
use std::rc::Rc;

/// `bool(v)`.
pub fn truthy(rt: &mut Runtime, v: &Value) -> PyResult<bool> {
    Ok(match v {
        Value::None => false,
        Value::Bool(b) => *b,
        Value::Int(i) => *i != 0,
        Value::Float(f) => *f != 0.0,
        Value::BigInt(b) => !b.is_zero(),
        Value::Str(s) => !s.is_empty(),
        Value::Bytes(b) => !b.data.is_empty(),
        Value::List(l) => !l.is_empty(),
        Value::Tuple(t) => !t.is_empty(),
        Value::Dict(d) => !d.is_empty(),
        Value::Set(s) => !s.is_empty(),
        Value::Range(r) => !r.is_empty(),
        Value::Inst(_) => return truthy_inst(rt, v),
        Value::Obj(o) => {
            if let Some(n) = o.len() {
                return Ok(n > 0);
            }
            if let Some(m) = attr::lookup_special(rt, v, "__len__") {
                let n = call::call_value(rt, m, vec![v.clone()])?;
                return Ok(len_result(rt, &n)? > 0);
            }
            true
        }
        _ => true,
    })
}

fn truthy_inst(rt: &mut Runtime, v: &Value) -> PyResult<bool> {
    if let Some(m) = attr::lookup_special(rt, v, "__bool__") {
        let r = call::call_value(rt, m, vec![v.clone()])?;
        return match r {
            Value::Bool(b) => Ok(b),
            other => raise(rt.type_error(format!("__bool__ should return bool, returned {}", type_name(rt, &other)))),
        };
    }
    if let Some(m) = attr::lookup_special(rt, v, "__len__") {
        let r = call::call_value(rt, m, vec![v.clone()])?;
        return Ok(len_result(rt, &r)? > 0);
    }
    if let Some(b) = super::num::base_value(v) {
        return truthy(rt, &b);
    }
    Ok(true)
}

/// Check the result of `__len__`.
pub fn len_result(rt: &mut Runtime, r: &Value) -> PyResult<usize> {
    match super::to_index(rt, r)? {
        Some(n) => {
            if n < BigInt::zero() {
                return raise(rt.value_error("__len__() should return >= 0"));
            }
            match n.to_usize() {
                Some(n) => Ok(n),
                None => raise(rt.exc_msg(&rt.types.overflow_error, "cannot fit 'int' into an index-sized integer")),
            }
        }
        None => {
            let tn = type_name(rt, r);
            raise(rt.type_error(format!("'{tn}' object cannot be interpreted as an integer")))
        }
    }
}

/// Compare two built-in numbers; `None` if either is not a number (or NaN involved: `Some(None)`).
fn num_cmp(a: &Value, b: &Value) -> Option<Option<Ordering>> {
    use Value::*;
    Some(match (a, b) {
        (Int(x), Int(y)) => Some(x.cmp(y)),
        (Float(x), Float(y)) => x.partial_cmp(y),
        (Int(x), Float(y)) => int_float_cmp(&num_bigint::BigInt::from(*x), *y),
        (Float(x), Int(y)) => int_float_cmp(&num_bigint::BigInt::from(*y), *x).map(Ordering::reverse),
        (Bool(x), _) => return num_cmp(&Int(*x as i64), b),
        (_, Bool(y)) => return num_cmp(a, &Int(*y as i64)),
        (BigInt(x), BigInt(y)) => Some(x.cmp(y)),
        (BigInt(x), Int(y)) => Some((**x).cmp(&num_bigint::BigInt::from(*y))),
        (Int(x), BigInt(y)) => Some(num_bigint::BigInt::from(*x).cmp(y)),
        (BigInt(x), Float(y)) => int_float_cmp(x, *y),
        (Float(x), BigInt(y)) => int_float_cmp(y, *x).map(Ordering::reverse),
        _ => return Option::None,
    })
}

/// Exact comparison of an int with a float.
fn int_float_cmp(i: &BigInt, f: f64) -> Option<Ordering> {
    if f.is_nan() {
        return None;
    }
    if f.is_infinite() {
        return Some(if f > 0.0 { Ordering::Less } else { Ordering::Greater });
    }
    let fl = f.floor();
    let fi = BigInt::from(fl as i128);
    let fi = if fl.abs() < 1.7e38 { fi } else { num_bigint::BigInt::parse_bytes(format!("{fl:.0}").as_bytes(), 10).unwrap_or_default() };
    match i.cmp(&fi) {
        Ordering::Equal => Some(if f > fl { Ordering::Less } else { Ordering::Equal }),
        o => Some(o),
    }
}

/// How deep [`eq_builtin`] follows nested tuples and lists before it leaves them to the
/// slow path (which counts depth and raises `RecursionError` as CPython does).
const FAST_EQ_DEPTH: u32 = 64;

/// Equality of built-in values without running script code. `None` when a user
/// `__eq__` may be involved (or the containers nest too deep for this shortcut).
pub fn eq_builtin(a: &Value, b: &Value) -> Option<bool> {
    eq_builtin_at(a, b, 0)
}

fn eq_builtin_at(a: &Value, b: &Value, depth: u32) -> Option<bool> {
    use Value::*;
    if let Some(o) = num_cmp(a, b) {
        return Some(o == Some(Ordering::Equal));
    }
    Some(match (a, b) {
        (Str(x), Str(y)) => Rc::ptr_eq(x, y) || x.as_str() == y.as_str(),
        (None, None) | (NotImplemented, NotImplemented) | (Ellipsis, Ellipsis) => true,
        (Bytes(x), Bytes(y)) => x.data == y.data,
        (Tuple(x), Tuple(y)) => {
            if x.len() != y.len() {
                return Some(false);
            }
            if depth >= FAST_EQ_DEPTH {
                return Option::None;
            }
            for (p, q) in x.items().iter().zip(y.items()) {
                if !p.is(q) && !eq_builtin_at(p, q, depth + 1)? {
                    return Some(false);
                }
            }
            true
        }
        (List(x), List(y)) => {
            if Rc::ptr_eq(x, y) {
                return Some(true);
            }
            let (xs, ys) = (x.borrow(), y.borrow());
            if xs.len() != ys.len() {
                return Some(false);
            }
            if depth >= FAST_EQ_DEPTH {
                return Option::None;
            }
            for (p, q) in xs.iter().zip(ys.iter()) {
                if !p.is(q) && !eq_builtin_at(p, q, depth + 1)? {
                    return Some(false);
                }
            }
            true
        }
        (Range(x), Range(y)) => x.same_values(y),
        (Slice(x), Slice(y)) => {
            for (p, q) in [(&x.start, &y.start), (&x.stop, &y.stop), (&x.step, &y.step)] {
                if !p.is(q) && !eq_builtin_at(p, q, depth + 1)? {
                    return Some(false);
                }
            }
            true
        }
        (Inst(_), _) | (_, Inst(_)) | (Obj(_), _) | (_, Obj(_)) => return Option::None,
        (Dict(_), Dict(_)) | (Set(_), Set(_)) => return Option::None,
        _ => a.is(b),
    })
}

/// `a == b`.
pub fn eq(rt: &mut Runtime, a: &Value, b: &Value) -> PyResult<bool> {
    if let Some(r) = eq_builtin(a, b) {
        return Ok(r);
    }
    let r = compare(rt, CmpOp::Eq, a, b)?;
    truthy(rt, &r)
}

/// Depth guard for comparing and printing nested containers.
pub fn enter_recursive(rt: &mut Runtime, what: &str) -> PyResult<()> {
    rt.repr_depth += 1;
    if rt.repr_depth > rt.opts.recursion_limit.min(20_000) {
        rt.repr_depth -= 1;
        return raise(rt.exc_msg(&rt.types.recursion_error, format!("maximum recursion depth exceeded{what}")));
    }
    Ok(())
}

fn seq_eq(rt: &mut Runtime, xs: &[Value], ys: &[Value]) -> PyResult<bool> {
    if xs.len() != ys.len() {
        return Ok(false);
    }
    enter_recursive(rt, " in comparison")?;
    let mut res = Ok(true);
    for (p, q) in xs.iter().zip(ys) {
        if p.is(q) {
            continue;
        }
        match eq(rt, p, q) {
            Ok(true) => {}
            other => {
                res = other;
                break;
            }
        }
    }
    rt.repr_depth -= 1;
    res
}

/// Rich comparison `a op b` for ==, !=, <, <=, >, >= (the result may be any value
/// when a user method returns one).
pub fn compare(rt: &mut Runtime, op: CmpOp, a: &Value, b: &Value) -> PyResult {
    use Value::*;
    if let Some(o) = num_cmp(a, b) {
        return Ok(Bool(ord_result(op, o)));
    }
    if let (Tuple(_), Tuple(_)) = (a, b) {
        if let Some(o) = builtin_order(a, b, 0) {
            return Ok(Bool(ord_result(op, Some(o))));
        }
    }
    if matches!(op, CmpOp::Eq | CmpOp::NotEq) {
        if let Some(r) = eq_builtin(a, b) {
            return Ok(Bool(r == (op == CmpOp::Eq)));
        }
    }
    match (a, b) {
        (Str(x), Str(y)) => return Ok(Bool(ord_result(op, Some(x.as_str().cmp(y.as_str()))))),
        (Slice(x), Slice(y)) => {
            let xs = [x.start.clone(), x.stop.clone(), x.step.clone()];
            let ys = [y.start.clone(), y.stop.clone(), y.step.clone()];
            return seq_compare(rt, op, &xs, &ys);
        }
        (Bytes(x), Bytes(y)) => return Ok(Bool(ord_result(op, Some(x.data.cmp(&y.data))))),
        // Tuples are immutable: their items are compared in place.
        (Tuple(x), Tuple(y)) => return seq_compare(rt, op, x.items(), y.items()),
        (List(x), List(y)) => return seq_compare(rt, op, &x.snapshot(), &y.snapshot()),
        (Dict(x), Dict(y)) if matches!(op, CmpOp::Eq | CmpOp::NotEq) => {
            let r = crate::builtins::dicts::dict_eq(rt, x, y)?;
            return Ok(Bool(r == (op == CmpOp::Eq)));
        }
        (Set(_), Set(_)) => return crate::builtins::sets::set_compare(rt, op, a, b),
        (Obj(_), _) | (_, Obj(_)) => {
            if let Some(r) = crate::builtins::dictviews::view_compare(rt, op, a, b) {
                return r;
            }
        }
        _ => {}
    }
    rich_dunder(rt, op, a, b)
}

/// The order of two values when it needs no script code and no error is possible:
/// numbers (not NaN), strings, and tuples of such values (compared item by item as
/// CPython does: the first pair that differs decides, identical items are equal).
/// `None` when the general comparison must decide (for a comparison or a sort key).
pub fn builtin_order(a: &Value, b: &Value, depth: u32) -> Option<Ordering> {
    use Value::*;
    match (a, b) {
        (Int(x), Int(y)) => Some(x.cmp(y)),
        (Str(x), Str(y)) => Some(x.as_str().cmp(y.as_str())),
        (Tuple(x), Tuple(y)) if depth < 16 => {
            let (xs, ys) = (x.items(), y.items());
            for (p, q) in xs.iter().zip(ys) {
                // (ints and strings in place: a sort key like `(-count, word)`)
                let o = match (p, q) {
                    (Int(a), Int(b)) => a.cmp(b),
                    (Str(a), Str(b)) => a.as_str().cmp(b.as_str()),
                    _ if p.is(q) => continue,
                    _ => builtin_order(p, q, depth + 1)?,
                };
                if o != Ordering::Equal {
                    return Some(o);
                }
            }
            Some(xs.len().cmp(&ys.len()))
        }
        _ => num_cmp(a, b)?,
    }
}

fn ord_result(op: CmpOp, o: Option<Ordering>) -> bool {
    match o {
        None => op == CmpOp::NotEq,
        Some(o) => match op {
            CmpOp::Eq => o == Ordering::Equal,
            CmpOp::NotEq => o != Ordering::Equal,
            CmpOp::Lt => o == Ordering::Less,
            CmpOp::LtE => o != Ordering::Greater,
            CmpOp::Gt => o == Ordering::Greater,
            CmpOp::GtE => o != Ordering::Less,
            _ => false,
        },
    }
}

fn seq_compare(rt: &mut Runtime, op: CmpOp, xs: &[Value], ys: &[Value]) -> PyResult {
    if matches!(op, CmpOp::Eq | CmpOp::NotEq) {
        let e = seq_eq(rt, xs, ys)?;
        return Ok(Value::Bool(e == (op == CmpOp::Eq)));
    }
    enter_recursive(rt, " in comparison")?;
    let res = seq_order(rt, op, xs, ys);
    rt.repr_depth -= 1;
    res
}

fn seq_order(rt: &mut Runtime, op: CmpOp, xs: &[Value], ys: &[Value]) -> PyResult {
    for (p, q) in xs.iter().zip(ys) {
        if p.is(q) || eq(rt, p, q)? {
            continue;
        }
        return compare(rt, op, p, q);
    }
    Ok(Value::Bool(ord_result(op, Some(xs.len().cmp(&ys.len())))))
}

/// The dunder names of a comparison: (method, reflected method).
pub fn cmp_dunders(op: CmpOp) -> (&'static str, &'static str) {
    match op {
        CmpOp::Eq => ("__eq__", "__eq__"),
        CmpOp::NotEq => ("__ne__", "__ne__"),
        CmpOp::Lt => ("__lt__", "__gt__"),
        CmpOp::LtE => ("__le__", "__ge__"),
        CmpOp::Gt => ("__gt__", "__lt__"),
        CmpOp::GtE => ("__ge__", "__le__"),
        _ => ("", ""),
    }
}

fn rich_dunder(rt: &mut Runtime, op: CmpOp, a: &Value, b: &Value) -> PyResult {
    if matches!(a, Value::Inst(_)) || matches!(b, Value::Inst(_)) {
        let mut stage = 0;
        while let CmpStep::Call { method, swapped, negate, next } = cmp_stage(rt, op, a, b, stage) {
            let args = if swapped { vec![b.clone(), a.clone()] } else { vec![a.clone(), b.clone()] };
            let r = call::call_value(rt, method, args)?;
            if !matches!(r, Value::NotImplemented) {
                return if negate { Ok(Value::Bool(!truthy(rt, &r)?)) } else { Ok(r) };
            }
            stage = next;
        }
    }
    cmp_fallback(rt, op, a, b)
}

/// The next dunder a rich comparison of instances tries, from stage `stage` on.
pub enum CmpStep {
    /// Call `method(a, b)` (`method(b, a)` when `swapped`); `NotImplemented` asks
    /// again from stage `next`; otherwise the result is the comparison's value (its
    /// truth negated when `negate`: `!=` through `__eq__`).
    Call {
        /// The dunder (a function taking the receiver first).
        method: Value,
        /// Whether it is the right operand's reflected method.
        swapped: bool,
        /// Whether the result is `__eq__`'s, to be negated for `!=`.
        negate: bool,
        /// The stage to continue from when it declines.
        next: u8,
    },
    /// No dunder (left) decides: [`cmp_fallback`].
    Fallback,
}

/// CPython's order of dunders for `a op b` when an operand is an instance: the right
/// operand's reflected method first when its class is a proper subclass of the
/// left's, then the left's forward method, then the reflected one; `!=` without
/// `__ne__` uses `__eq__` negated.
pub fn cmp_stage(rt: &mut Runtime, op: CmpOp, a: &Value, b: &Value, stage: u8) -> CmpStep {
    let (name, rname) = cmp_dunders(op);
    let ta = super::type_of(rt, a);
    let tb = super::type_of(rt, b);
    let reflected_first = !Rc::ptr_eq(&ta, &tb) && tb.is_subclass(&ta);
    let order: [(&Value, &str, bool); 2] = if reflected_first { [(b, rname, true), (a, name, false)] } else { [(a, name, false), (b, rname, true)] };
    for (i, (x, nm, swapped)) in order.into_iter().enumerate().skip(stage as usize) {
        let next = i as u8 + 1;
        if let Some(method) = attr::lookup_special(rt, x, nm) {
            return CmpStep::Call { method, swapped, negate: false, next };
        }
        if nm == "__ne__" {
            if let Some(method) = attr::lookup_special(rt, x, "__eq__") {
                return CmpStep::Call { method, swapped, negate: true, next };
            }
        }
    }
    CmpStep::Fallback
}

/// The end of a rich comparison whose dunders declined: built-in base values of
/// subclasses of built-in types, identity for `==`/`!=`, or CPython's TypeError.
pub fn cmp_fallback(rt: &mut Runtime, op: CmpOp, a: &Value, b: &Value) -> PyResult {
    if matches!(a, Value::Inst(_)) || matches!(b, Value::Inst(_)) {
        let (ba, bb) = (super::num::base_value(a), super::num::base_value(b));
        if ba.is_some() || bb.is_some() {
            return compare(rt, op, &ba.unwrap_or_else(|| a.clone()), &bb.unwrap_or_else(|| b.clone()));
        }
    }
    match op {
        CmpOp::Eq => Ok(Value::Bool(a.is(b))),
        CmpOp::NotEq => Ok(Value::Bool(!a.is(b))),
        _ => {
            let sym = op.symbol();
            raise(rt.type_error(format!(
                "'{sym}' not supported between instances of '{}' and '{}'",
                type_name(rt, a),
                type_name(rt, b)
            )))
        }
    }
}

/// `hash(v)`.
pub fn hash(rt: &mut Runtime, v: &Value) -> PyResult<i64> {
    Ok(match v {
        Value::Int(i) => hash_i64(*i),
        Value::Bool(b) => *b as i64,
        Value::Str(s) => s.hash(),
        Value::Float(f) => crate::runtime::hash::hash_f64_with_id(*f, Some(v.id())),
        Value::BigInt(b) => hash_bigint(b),
        Value::None => 0x5f3a_9c1d,
        Value::Tuple(t) => {
            // CPython's tuple hash has no depth limit: grow the stack instead.
            let mut hs = Vec::with_capacity(t.len());
            for x in t.items() {
                hs.push(stacker::maybe_grow(1 << 16, 1 << 20, || hash(rt, x))?);
            }
            hash_tuple(&hs)
        }
        Value::Range(r) => {
            let parts = r.hash_parts();
            let mut hs = Vec::with_capacity(3);
            for p in &parts {
                hs.push(hash(rt, p)?);
            }
            hash_tuple(&hs)
        }
        Value::Bytes(b) => crate::runtime::hash::hash_bytes(&b.data),
        Value::Set(s) if s.frozen => crate::builtins::sets::frozenset_hash(s),
        Value::List(_) | Value::Dict(_) | Value::Set(_) | Value::Slice(_) => {
            return raise(rt.type_error(format!("unhashable type: '{}'", type_name(rt, v))));
        }
        Value::Inst(i) => {
            let cls = i.class();
            match attr::class_lookup(&cls, "__hash__") {
                Some(Value::None) => return raise(rt.type_error(format!("unhashable type: '{}'", cls.name_str()))),
                Some(m) if !matches!(m, Value::Native(_)) => {
                    let r = call::call_value(rt, m, vec![v.clone()])?;
                    return match super::to_index(rt, &r)? {
                        // CPython keeps a result that fits in a machine word (-1 becomes -2)
                        // and hashes a bigger int.
                        Some(b) => Ok(match b.to_i64() {
                            Some(-1) => -2,
                            Some(h) => h,
                            None => hash_bigint(&b),
                        }),
                        None => raise(rt.type_error("__hash__ method should return an integer")),
                    };
                }
                _ => {
                    if let Some(b) = i.base.borrow().clone() {
                        return hash(rt, &b);
                    }
                    pointer_hash(v.id())
                }
            }
        }
        _ => pointer_hash(v.id()),
    })
}

fn pointer_hash(id: usize) -> i64 {
    let h = (id >> 4) | (id << (usize::BITS - 4));
    let h = h as i64;
    if h == -1 { -2 } else { h }
}

/// `item in container`.
pub fn contains(rt: &mut Runtime, container: &Value, item: &Value) -> PyResult<bool> {
    match container {
        Value::Str(s) => match item {
            Value::Str(sub) => Ok(s.as_str().contains(sub.as_str())),
            _ => raise(rt.type_error(format!("'in <string>' requires string as left operand, not {}", type_name(rt, item)))),
        },
        Value::Bytes(b) => match item {
            Value::Bytes(sub) => Ok(sub.data.is_empty() || b.data.windows(sub.data.len()).any(|w| w == &sub.data[..])),
            Value::Int(i) => Ok(b.data.contains(&(*i as u8))),
            _ => raise(rt.type_error(format!("a bytes-like object is required, not '{}'", type_name(rt, item)))),
        },
        Value::List(l) => {
            // Built-in items are compared in place; from the first item that needs
            // script code on, item by item (the list may change meanwhile), as CPython.
            let start = {
                let items = l.borrow();
                let mut start = None;
                for (i, x) in items.iter().enumerate() {
                    if x.is(item) {
                        return Ok(true);
                    }
                    match eq_builtin(x, item) {
                        Some(true) => return Ok(true),
                        Some(false) => {}
                        None => {
                            start = Some(i);
                            break;
                        }
                    }
                }
                match start {
                    Some(i) => i,
                    None => return Ok(false),
                }
            };
            let mut i = start;
            while let Some(x) = l.get(i) {
                if x.is(item) || eq(rt, &x, item)? {
                    return Ok(true);
                }
                i += 1;
            }
            Ok(false)
        }
        Value::Tuple(t) => {
            for x in t.items() {
                if x.is(item) || eq(rt, x, item)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        Value::Dict(d) => Ok(crate::builtins::dicts::dict_get(rt, d, item)?.is_some()),
        Value::Set(s) => crate::builtins::sets::set_contains(rt, s, item),
        Value::Range(r) => match item {
            Value::Int(_) | Value::Bool(_) | Value::BigInt(_) => {
                let i = super::to_index(rt, item)?.unwrap_or_default();
                Ok(r.contains_int(&i))
            }
            _ => {
                let it = super::iter::iter(rt, container)?;
                while let Some(x) = super::iter::next(rt, &it)? {
                    if eq(rt, &x, item)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
        },
        _ => {
            if let Value::Obj(o) = container {
                if let Some(r) = o.contains(rt, container, item) {
                    return r;
                }
            }
            if let Some(m) = attr::lookup_special(rt, container, "__contains__") {
                let r = call::call_value(rt, m, vec![container.clone(), item.clone()])?;
                return truthy(rt, &r);
            }
            if let Some(b) = super::num::base_value(container) {
                return contains(rt, &b, item);
            }
            // Fall back to iteration.
            let has_iter = attr::lookup_special(rt, container, "__iter__").is_some()
                || attr::lookup_special(rt, container, "__getitem__").is_some()
                || matches!(container, Value::Iter(_) | Value::Gen(_))
                || matches!(container, Value::Obj(o) if o.iter(rt, container).is_some() || o.next(rt, container).is_some());
            if !has_iter {
                return raise(rt.type_error(format!("argument of type '{}' is not iterable", type_name(rt, container))));
            }
            let it = super::iter::iter(rt, container)?;
            while let Some(x) = super::iter::next(rt, &it)? {
                if x.is(item) || eq(rt, &x, item)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
    }
}

/// Whether a failure is the fast-path marker.
pub fn is_slow(f: &Fail) -> bool {
    matches!(f, Fail::Slow)
}
