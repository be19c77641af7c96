//! Arithmetic: binary and unary operators on ints (64-bit fast path, big ints beyond),
//! floats, bools, sequences and sets, and dispatch to user dunder methods.

use super::{attr, call, raise, type_name, Fail, PyResult};
use crate::runtime::value::Value;
use crate::runtime::Runtime;
use crate::syntax::ast::{BinOp, UnaryOp};
use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{Signed, ToPrimitive, Zero};
use std::rc::Rc;

/// The dunder names of an operator: (forward, reflected, in-place).
pub fn dunders(op: BinOp) -> (&'static str, &'static str, &'static str) {
    match op {
        BinOp::Add => ("__add__", "__radd__", "__iadd__"),
        BinOp::Sub => ("__sub__", "__rsub__", "__isub__"),
        BinOp::Mul => ("__mul__", "__rmul__", "__imul__"),
        BinOp::MatMul => ("__matmul__", "__rmatmul__", "__imatmul__"),
        BinOp::Div => ("__truediv__", "__rtruediv__", "__itruediv__"),
        BinOp::FloorDiv => ("__floordiv__", "__rfloordiv__", "__ifloordiv__"),
        BinOp::Mod => ("__mod__", "__rmod__", "__imod__"),
        BinOp::Pow => ("__pow__", "__rpow__", "__ipow__"),
        BinOp::LShift => ("__lshift__", "__rlshift__", "__ilshift__"),
        BinOp::RShift => ("__rshift__", "__rrshift__", "__irshift__"),
        BinOp::BitOr => ("__or__", "__ror__", "__ior__"),
        BinOp::BitXor => ("__xor__", "__rxor__", "__ixor__"),
        BinOp::BitAnd => ("__and__", "__rand__", "__iand__"),
    }
}

fn big(v: &Value) -> Option<BigInt> {
    match v {
        Value::Int(i) => Some(BigInt::from(*i)),
        Value::Bool(b) => Some(BigInt::from(*b as i64)),
        Value::BigInt(b) => Some((**b).clone()),
        _ => None,
    }
}

/// An int or bool as f64, with CPython's overflow error for huge ints.
pub fn int_to_f64(rt: &Runtime, v: &Value) -> PyResult<Option<f64>> {
    Ok(match v {
        Value::Int(i) => Some(*i as f64),
        Value::Bool(b) => Some(*b as i64 as f64),
        Value::Float(f) => Some(*f),
        Value::BigInt(b) => match b.to_f64() {
            Some(f) if f.is_finite() => Some(f),
            _ => return raise(rt.exc_msg(&rt.types.overflow_error, "int too large to convert to float")),
        },
        _ => None,
    })
}

fn zero_div(rt: &Runtime, msg: &str) -> Fail {
    Fail::Raise(rt.exc_msg(&rt.types.zero_division_error, msg))
}

/// Python's floor modulo for floats.
pub fn float_mod(a: f64, b: f64) -> f64 {
    let m = a % b;
    if m != 0.0 && ((m < 0.0) != (b < 0.0)) {
        m + b
    } else if m == 0.0 {
        0.0f64.copysign(b)
    } else {
        m
    }
}

/// Python's floor division for floats.
pub fn float_floordiv(a: f64, b: f64) -> f64 {
    let m = a % b;
    let mut div = (a - m) / b;
    if m != 0.0 && ((b < 0.0) != (m < 0.0)) {
        div -= 1.0;
    }
    if div != 0.0 {
        let fl = div.floor();
        if div - fl > 0.5 {
            return fl + 1.0;
        }
        fl
    } else {
        0.0f64.copysign(a / b)
    }
}

fn float_pow(rt: &Runtime, a: f64, b: f64) -> PyResult {
    if a == 0.0 && b < 0.0 {
        return Err(zero_div(rt, "0.0 cannot be raised to a negative power"));
    }
    if a < 0.0 && b.fract() != 0.0 && b.is_finite() {
        return raise(rt.value_error("math domain error (complex result not supported)"));
    }
    let r = a.powf(b);
    if r.is_infinite() && a.is_finite() && b.is_finite() {
        return raise(rt.exc_msg(&rt.types.overflow_error, "(34, 'Numerical result out of range')"));
    }
    Ok(Value::Float(r))
}

/// Float arithmetic; `None` for the operators floats do not support (bitwise, `@`).
fn float_op(rt: &Runtime, op: BinOp, a: f64, b: f64) -> Option<PyResult> {
    Some(Ok(Value::Float(match op {
        BinOp::Add => a + b,
        BinOp::Sub => a - b,
        BinOp::Mul => a * b,
        BinOp::Div => {
            if b == 0.0 {
                return Some(Err(zero_div(rt, "float division by zero")));
            }
            a / b
        }
        BinOp::FloorDiv => {
            if b == 0.0 {
                return Some(Err(zero_div(rt, "float floor division by zero")));
            }
            float_floordiv(a, b)
        }
        BinOp::Mod => {
            if b == 0.0 {
                return Some(Err(zero_div(rt, "float modulo")));
            }
            float_mod(a, b)
        }
        BinOp::Pow => return Some(float_pow(rt, a, b)),
        _ => return None,
    })))
}

/// Integer operation on 64-bit ints; `None` when it overflows (retry with big ints).
#[inline]
fn small_int_op(rt: &Runtime, op: BinOp, a: i64, b: i64) -> Option<PyResult> {
    Some(Ok(Value::Int(match op {
        BinOp::Add => a.checked_add(b)?,
        BinOp::Sub => a.checked_sub(b)?,
        BinOp::Mul => a.checked_mul(b)?,
        BinOp::FloorDiv => {
            if b == 0 {
                return Some(Err(zero_div(rt, "integer division or modulo by zero")));
            }
            if a == i64::MIN && b == -1 {
                return None;
            }
            Integer::div_floor(&a, &b)
        }
        BinOp::Mod => {
            if b == 0 {
                return Some(Err(zero_div(rt, "integer modulo by zero")));
            }
            if b == -1 {
                0
            } else {
                a.mod_floor(&b)
            }
        }
        BinOp::Div => {
            if b == 0 {
                return Some(Err(zero_div(rt, "division by zero")));
            }
            if a.unsigned_abs() < (1 << 53) && b.unsigned_abs() < (1 << 53) {
                return Some(Ok(Value::Float(a as f64 / b as f64)));
            }
            return Some(int_truediv(rt, &BigInt::from(a), &BigInt::from(b)).map(Value::Float));
        }
        BinOp::BitAnd => a & b,
        BinOp::BitOr => a | b,
        BinOp::BitXor => a ^ b,
        BinOp::LShift => {
            if b < 0 {
                return Some(raise(rt.value_error("negative shift count")));
            }
            if a == 0 {
                0
            } else if b < 63 && (a.unsigned_abs() >> (62 - b)) == 0 {
                a << b
            } else {
                return None;
            }
        }
        BinOp::RShift => {
            if b < 0 {
                return Some(raise(rt.value_error("negative shift count")));
            }
            if b >= 64 {
                if a < 0 { -1 } else { 0 }
            } else {
                a >> b
            }
        }
        BinOp::Pow => {
            if b < 0 {
                return Some(float_pow(rt, a as f64, b as f64));
            }
            if b > u32::MAX as i64 {
                return None;
            }
            a.checked_pow(b as u32)?
        }
        BinOp::MatMul => return Some(Err(unsupported(rt, op, &Value::Int(a), &Value::Int(b)))),
    })))
}

fn big_int_op(rt: &Runtime, op: BinOp, a: BigInt, b: BigInt) -> PyResult {
    Ok(match op {
        BinOp::Add => Value::from_bigint(a + b),
        BinOp::Sub => Value::from_bigint(a - b),
        BinOp::Mul => {
            if a.bits() + b.bits() > 64 * 1024 * 1024 * 8 {
                return raise(rt.new_exc(&rt.types.memory_error, vec![]));
            }
            Value::from_bigint(a * b)
        }
        BinOp::FloorDiv => {
            if b.is_zero() {
                return Err(zero_div(rt, "integer division or modulo by zero"));
            }
            Value::from_bigint(a.div_floor(&b))
        }
        BinOp::Mod => {
            if b.is_zero() {
                return Err(zero_div(rt, "integer modulo by zero"));
            }
            Value::from_bigint(a.mod_floor(&b))
        }
        BinOp::Div => {
            if b.is_zero() {
                return Err(zero_div(rt, "division by zero"));
            }
            Value::Float(int_truediv(rt, &a, &b)?)
        }
        BinOp::BitAnd => Value::from_bigint(a & b),
        BinOp::BitOr => Value::from_bigint(a | b),
        BinOp::BitXor => Value::from_bigint(a ^ b),
        BinOp::LShift => {
            if b.is_negative() {
                return raise(rt.value_error("negative shift count"));
            }
            if a.is_zero() {
                return Ok(Value::Int(0));
            }
            let Some(n) = b.to_u64().filter(|n| *n < 1 << 32) else {
                return raise(rt.exc_msg(&rt.types.overflow_error, "too many digits in integer"));
            };
            Value::from_bigint(a << n)
        }
        BinOp::RShift => {
            if b.is_negative() {
                return raise(rt.value_error("negative shift count"));
            }
            match b.to_u64() {
                Some(n) => Value::from_bigint(a >> n),
                None => Value::Int(if a.is_negative() { -1 } else { 0 }),
            }
        }
        BinOp::Pow => {
            if b.is_negative() {
                let x = int_to_f64(rt, &Value::from_bigint(a))?.unwrap();
                let y = b.to_f64().unwrap_or(f64::NEG_INFINITY);
                return float_pow(rt, x, y);
            }
            let Some(e) = b.to_u32() else {
                if a.is_zero() || a == BigInt::from(1) {
                    return Ok(Value::from_bigint(a));
                }
                if a == BigInt::from(-1) {
                    return Ok(Value::Int(if b.is_even() { 1 } else { -1 }));
                }
                return raise(rt.new_exc(&rt.types.memory_error, vec![]));
            };
            if (a.bits() as u128) * (e as u128) > 8 * 1024 * 1024 * 1024 {
                return raise(rt.new_exc(&rt.types.memory_error, vec![]));
            }
            Value::from_bigint(a.pow(e))
        }
        BinOp::MatMul => return Err(unsupported(rt, op, &Value::from_bigint(a), &Value::from_bigint(b))),
    })
}

/// `2.0 ** e` for an exponent in the normal range.
fn pow2(e: i64) -> f64 {
    f64::from_bits(((e + 1023) as u64) << 52)
}

/// `a / b` for ints, correctly rounded as CPython's `long_true_divide` does (the
/// quotient is computed exactly with a few extra bits, then rounded half-even once).
pub fn int_truediv(rt: &Runtime, a: &BigInt, b: &BigInt) -> PyResult<f64> {
    if b.is_zero() {
        return Err(zero_div(rt, "division by zero"));
    }
    let neg = a.is_negative() != b.is_negative();
    let (a, b) = (a.abs(), b.abs());
    if a.is_zero() {
        return Ok(if neg { -0.0 } else { 0.0 });
    }
    let diff = a.bits() as i64 - b.bits() as i64;
    if diff > 1025 {
        return raise(rt.exc_msg(&rt.types.overflow_error, "integer division result too large for a float"));
    }
    if diff < -1080 {
        return Ok(if neg { -0.0 } else { 0.0 });
    }
    // q = floor(a * 2^k / b) with at least 55 significant bits.
    let k = (55 - diff).max(0);
    let (q, r) = (&a << (k as u64)).div_rem(&b);
    let e = q.bits() as i64 - 1 - k; // exponent of the leading bit of the quotient
    let ulp = (e - 52).max(-1074);
    let drop = (ulp + k) as u64; // low bits of q below the result's last place
    let mut m = &q >> drop;
    let rem_bits = &q - (&m << drop);
    let half = BigInt::from(1) << (drop - 1);
    let round_up = match rem_bits.cmp(&half) {
        std::cmp::Ordering::Greater => true,
        std::cmp::Ordering::Less => false,
        std::cmp::Ordering::Equal => !r.is_zero() || m.is_odd(),
    };
    if round_up {
        m += 1;
    }
    let m = m.to_u64().unwrap_or(u64::MAX) as f64;
    let mut res = m;
    let mut u = ulp;
    while u > 1023 {
        res *= pow2(1023);
        u -= 1023;
    }
    while u < -1022 {
        res *= pow2(-537);
        u += 537;
    }
    res *= pow2(u);
    if res.is_infinite() {
        return raise(rt.exc_msg(&rt.types.overflow_error, "integer division result too large for a float"));
    }
    Ok(if neg { -res } else { res })
}

/// Arithmetic on built-in numbers; `None` when an operand is not a number.
#[inline]
pub fn numeric(rt: &Runtime, op: BinOp, a: &Value, b: &Value) -> Option<PyResult> {
    if op == BinOp::MatMul {
        return None;
    }
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => match small_int_op(rt, op, *x, *y) {
            Some(r) => Some(r),
            None => Some(big_int_op(rt, op, BigInt::from(*x), BigInt::from(*y))),
        },
        (Value::Float(x), Value::Float(y)) => float_op(rt, op, *x, *y),
        (Value::Float(x), Value::Int(y)) => float_op(rt, op, *x, *y as f64),
        (Value::Int(x), Value::Float(y)) => float_op(rt, op, *x as f64, *y),
        _ => {
            let is_num = |v: &Value| matches!(v, Value::Int(_) | Value::Bool(_) | Value::BigInt(_) | Value::Float(_));
            if !is_num(a) || !is_num(b) {
                return None;
            }
            if matches!(a, Value::Float(_)) || matches!(b, Value::Float(_)) {
                if matches!(op, BinOp::BitAnd | BinOp::BitOr | BinOp::BitXor | BinOp::LShift | BinOp::RShift) {
                    return None;
                }
                let x = match int_to_f64(rt, a) {
                    Ok(v) => v.unwrap(),
                    Err(e) => return Some(Err(e)),
                };
                let y = match int_to_f64(rt, b) {
                    Ok(v) => v.unwrap(),
                    Err(e) => return Some(Err(e)),
                };
                return float_op(rt, op, x, y);
            }
            if let (Some(x), Some(y)) = (super::as_int(a), super::as_int(b)) {
                if let (Value::Bool(p), Value::Bool(q), BinOp::BitAnd | BinOp::BitOr | BinOp::BitXor) = (a, b, op) {
                    return Some(Ok(Value::Bool(match op {
                        BinOp::BitAnd => *p & *q,
                        BinOp::BitOr => *p | *q,
                        _ => *p ^ *q,
                    })));
                }
                return match small_int_op(rt, op, x, y) {
                    Some(r) => Some(r),
                    None => Some(big_int_op(rt, op, BigInt::from(x), BigInt::from(y))),
                };
            }
            Some(big_int_op(rt, op, big(a).unwrap(), big(b).unwrap()))
        }
    }
}

/// Repeat a sequence `n` times (`n` may be negative: empty).
fn repeat_count(rt: &Runtime, n: &Value, len: usize, item_size: usize) -> PyResult<Option<usize>> {
    let n = match n {
        Value::Int(i) => *i,
        Value::Bool(b) => *b as i64,
        Value::BigInt(b) => {
            if b.is_negative() {
                0
            } else {
                return raise(rt.exc_msg(&rt.types.overflow_error, "cannot fit 'int' into an index-sized integer"));
            }
        }
        _ => return Ok(None),
    };
    let n = n.max(0) as usize;
    if len.saturating_mul(n) > (1usize << 34) {
        return raise(rt.new_exc(&rt.types.memory_error, vec![]));
    }
    crate::limits::check_items(rt, len.saturating_mul(n), item_size).map_err(Fail::from)?;
    Ok(Some(n))
}

/// Operators on built-in sequences, sets and dicts; `None` if not applicable.
fn sequence_op(rt: &mut Runtime, op: BinOp, a: &Value, b: &Value) -> PyResult<Option<Value>> {
    Ok(Some(match (op, a, b) {
        (BinOp::Add, Value::Str(x), Value::Str(y)) => {
            let mut s = String::with_capacity(x.as_str().len() + y.as_str().len());
            s.push_str(x.as_str());
            s.push_str(y.as_str());
            Value::string(s)
        }
        (BinOp::Add, Value::List(x), Value::List(y)) => {
            let mut v = x.snapshot();
            v.extend(y.borrow().iter().cloned());
            Value::list(v)
        }
        (BinOp::Add, Value::Tuple(x), Value::Tuple(y)) => {
            let mut v = x.items().to_vec();
            v.extend(y.items().iter().cloned());
            Value::tuple(v)
        }
        (BinOp::Add, Value::Bytes(x), Value::Bytes(y)) => {
            let mut v = x.data.to_vec();
            v.extend_from_slice(&y.data);
            Value::Bytes(Rc::new(crate::runtime::bytes::PyBytes::new(v)))
        }
        (BinOp::Mul, Value::Str(_) | Value::List(_) | Value::Tuple(_) | Value::Bytes(_), n)
            if matches!(n, Value::Int(_) | Value::Bool(_) | Value::BigInt(_)) =>
        {
            return repeat(rt, a, n);
        }
        (BinOp::Mul, n, Value::Str(_) | Value::List(_) | Value::Tuple(_) | Value::Bytes(_))
            if matches!(n, Value::Int(_) | Value::Bool(_) | Value::BigInt(_)) =>
        {
            return repeat(rt, b, n);
        }
        (BinOp::Mod, Value::Str(s), _) => return crate::builtins::strfmt::percent(rt, s.as_str(), b).map(Some),
        (BinOp::Mod, Value::Bytes(f), _) => {
            return crate::builtins::strfmt::bytes_percent(rt, &f.data, b).map(Some);
        }
        (BinOp::BitOr | BinOp::BitAnd | BinOp::Sub | BinOp::BitXor, Value::Set(_), Value::Set(_)) => {
            return crate::builtins::sets::set_binop(rt, op, a, b).map(Some);
        }
        (BinOp::BitOr, Value::Dict(x), Value::Dict(y)) => {
            let d = crate::builtins::dicts::dict_copy(x);
            crate::builtins::dicts::dict_update_from(rt, &d, y)?;
            Value::Dict(d)
        }
        _ => return Ok(None),
    }))
}

fn repeat(rt: &Runtime, seq: &Value, n: &Value) -> PyResult<Option<Value>> {
    let len = match seq {
        Value::Str(s) => s.as_str().len(),
        Value::List(l) => l.len(),
        Value::Tuple(t) => t.len(),
        Value::Bytes(b) => b.data.len(),
        _ => 0,
    };
    let item_size = if matches!(seq, Value::List(_) | Value::Tuple(_)) { std::mem::size_of::<Value>() } else { 1 };
    let Some(n) = repeat_count(rt, n, len, item_size)? else { return Ok(None) };
    Ok(Some(match seq {
        Value::Str(s) => Value::string(s.as_str().repeat(n)),
        Value::List(l) => {
            let items = l.borrow();
            let mut v = Vec::with_capacity(items.len() * n);
            for _ in 0..n {
                v.extend(items.iter().cloned());
            }
            Value::list(v)
        }
        Value::Tuple(t) => {
            let mut v = Vec::with_capacity(t.len() * n);
            for _ in 0..n {
                v.extend(t.items().iter().cloned());
            }
            Value::tuple(v)
        }
        Value::Bytes(b) => Value::Bytes(Rc::new(crate::runtime::bytes::PyBytes::new(b.data.repeat(n)))),
        _ => return Ok(None),
    }))
}

/// The TypeError for an operator no operand supports.
pub fn unsupported(rt: &Runtime, op: BinOp, a: &Value, b: &Value) -> Fail {
    unsupported_msg(rt, op, a, b, false)
}

/// The TypeError for an operator no operand supports; `inplace` for `op=`.
fn unsupported_msg(rt: &Runtime, op: BinOp, a: &Value, b: &Value, inplace: bool) -> Fail {
    let (ta, tb) = (type_name(rt, a), type_name(rt, b));
    if inplace && !matches!((op, a), (BinOp::Add, Value::Str(_) | Value::List(_) | Value::Tuple(_) | Value::Bytes(_)) | (BinOp::Mul, Value::Str(_) | Value::List(_) | Value::Tuple(_) | Value::Bytes(_)))
        && !(op == BinOp::Mul && matches!(b, Value::Str(_) | Value::List(_) | Value::Tuple(_) | Value::Bytes(_)))
    {
        return Fail::Raise(rt.type_error(format!("unsupported operand type(s) for {}=: '{ta}' and '{tb}'", op.symbol())));
    }
    let msg = match (op, a) {
        (BinOp::Add, Value::Str(_)) => format!("can only concatenate str (not \"{tb}\") to str"),
        (BinOp::Add, Value::List(_)) => format!("can only concatenate list (not \"{tb}\") to list"),
        (BinOp::Add, Value::Tuple(_)) => format!("can only concatenate tuple (not \"{tb}\") to tuple"),
        (BinOp::Add, Value::Bytes(_)) => format!("can't concat {tb} to bytes"),
        (BinOp::Mul, Value::Str(_) | Value::List(_) | Value::Tuple(_) | Value::Bytes(_)) => {
            format!("can't multiply sequence by non-int of type '{tb}'")
        }
        (BinOp::Mul, _) if matches!(b, Value::Str(_) | Value::List(_) | Value::Tuple(_) | Value::Bytes(_)) => {
            format!("can't multiply sequence by non-int of type '{ta}'")
        }
        (BinOp::Pow, _) => format!("unsupported operand type(s) for ** or pow(): '{ta}' and '{tb}'"),
        _ => format!("unsupported operand type(s) for {}: '{ta}' and '{tb}'", op.symbol()),
    };
    Fail::Raise(rt.type_error(msg))
}

/// The built-in value inside an instance of a subclass of a built-in type.
pub fn base_value(v: &Value) -> Option<Value> {
    match v {
        Value::Inst(i) => i.base.borrow().clone(),
        _ => None,
    }
}

/// `a op b`, with user dunders (`__add__`, `__radd__`...) and `NotImplemented`.
pub fn binary(rt: &mut Runtime, op: BinOp, a: &Value, b: &Value) -> PyResult {
    binary_impl(rt, op, a, b, false)
}

/// `a op= b` (augmented assignment): mutable built-ins change in place (`list +=`
/// extends, `set |=` updates, `dict |=` updates), user classes get `__iop__` first,
/// and errors name the operator `op=`.
pub fn inplace(rt: &mut Runtime, op: BinOp, a: &Value, b: &Value) -> PyResult {
    match (a, op) {
        (Value::List(l), BinOp::Add) => {
            let items = super::iter::collect(rt, b)?;
            l.borrow_mut().extend(items);
            return Ok(a.clone());
        }
        (Value::List(l), BinOp::Mul) if matches!(b, Value::Int(_) | Value::Bool(_) | Value::BigInt(_)) => {
            let Some(n) = repeat_count(rt, b, l.len(), std::mem::size_of::<Value>())? else { return Ok(a.clone()) };
            let items = l.snapshot();
            let mut v = Vec::with_capacity(items.len() * n);
            for _ in 0..n {
                v.extend(items.iter().cloned());
            }
            let old = std::mem::replace(&mut *l.borrow_mut(), v);
            drop(old);
            return Ok(a.clone());
        }
        (Value::Set(s), BinOp::BitOr | BinOp::BitAnd | BinOp::Sub | BinOp::BitXor) if !s.frozen && matches!(b, Value::Set(_)) => {
            return crate::builtins::sets::set_inplace(rt, op, a, b);
        }
        (Value::Dict(d), BinOp::BitOr) => {
            crate::builtins::dicts::dict_update_any(rt, d, b)?;
            return Ok(a.clone());
        }
        _ => {}
    }
    if matches!(a, Value::Inst(_) | Value::Class(_)) || matches!(b, Value::Inst(_) | Value::Class(_)) {
        return binary_dunder(rt, op, a, b, Some(dunders(op).2));
    }
    binary_impl(rt, op, a, b, true)
}

fn binary_impl(rt: &mut Runtime, op: BinOp, a: &Value, b: &Value, inplace: bool) -> PyResult {
    // (a user instance on the left: its dunders first, as in `binary_builtin`)
    if !matches!(a, Value::Inst(_)) {
        if let Some(r) = numeric(rt, op, a, b) {
            return r;
        }
        if let Some(v) = sequence_op(rt, op, a, b)? {
            return Ok(v);
        }
        if matches!(a, Value::Obj(_)) || matches!(b, Value::Obj(_)) {
            if let Some(r) = crate::builtins::dictviews::view_binop(rt, op, a, b) {
                return r;
            }
        }
    }
    if inplace && !matches!(a, Value::Inst(_) | Value::Class(_)) && !matches!(b, Value::Inst(_) | Value::Class(_)) {
        return Err(unsupported_msg(rt, op, a, b, true));
    }
    binary_dunder(rt, op, a, b, None)
}

/// The dunder part of a binary operation; `inplace` names the in-place method to try first.
/// Dunders written in script code run in a nested run of the driver here; the
/// evaluator calls them as frames instead (`eval::post::binary_user`), walking the
/// same candidates with [`binary_stage`].
pub fn binary_dunder(rt: &mut Runtime, op: BinOp, a: &Value, b: &Value, inplace: Option<&str>) -> PyResult {
    let user = |v: &Value| matches!(v, Value::Inst(_) | Value::Class(_));
    if !user(a) && !user(b) {
        return Err(unsupported_msg(rt, op, a, b, inplace.is_some()));
    }
    let mut stage = 0;
    loop {
        match binary_stage(rt, op, a, b, inplace.is_some(), stage) {
            BinStep::Call { method, swapped, next } => {
                let args = if swapped { vec![b.clone(), a.clone()] } else { vec![a.clone(), b.clone()] };
                let r = call::call_value(rt, method, args)?;
                if !matches!(r, Value::NotImplemented) {
                    return Ok(r);
                }
                stage = next;
            }
            BinStep::Fallback => return fallback_base(rt, op, a, b, inplace.is_some()),
        }
    }
}

/// The next dunder a binary operator tries, from stage `stage` on (0 first).
pub enum BinStep {
    /// Call `method(a, b)` (`method(b, a)` when `swapped`); if it returns
    /// `NotImplemented`, ask again from stage `next`.
    Call {
        /// The dunder (a function taking the receiver first).
        method: Value,
        /// Whether this is the reflected method, called on the right operand.
        swapped: bool,
        /// The stage to continue from when it declines.
        next: u8,
    },
    /// Every dunder declined (or none exists): [`binary_fallback`] decides.
    Fallback,
}

/// CPython's order of dunders for `a op b` (`a op= b` when `inplace`): the in-place
/// method first (stage 0), then the forward and reflected methods (stages 1 and 2),
/// reflected first when the right operand's class is a proper subclass of the left's
/// that has it (and the reflected method only when the classes differ).
pub fn binary_stage(rt: &mut Runtime, op: BinOp, a: &Value, b: &Value, inplace: bool, mut stage: u8) -> BinStep {
    let (fwd, rev, iname) = dunders(op);
    if stage == 0 {
        if inplace {
            if let Some(m) = attr::lookup_special(rt, a, iname) {
                return BinStep::Call { method: m, swapped: false, next: 1 };
            }
        }
        stage = 1;
    }
    if stage <= 2 {
        // (two instances compare their classes in place: no `Rc` clones)
        let same = match (a, b) {
            (Value::Inst(x), Value::Inst(y)) => std::rc::Rc::ptr_eq(&*x.class.borrow(), &*y.class.borrow()),
            _ => std::rc::Rc::ptr_eq(&super::type_of(rt, a), &super::type_of(rt, b)),
        };
        let fm = attr::lookup_special(rt, a, fwd);
        if same {
            // Operands of one class: only the forward method (stage 1), no reflected
            // one, so no order to build.
            return match fm {
                Some(method) if stage == 1 => BinStep::Call { method, swapped: false, next: 2 },
                _ => BinStep::Fallback,
            };
        }
        let rm = attr::lookup_special(rt, b, rev);
        let reflected_first = rm.is_some() && super::type_of(rt, b).is_subclass(&super::type_of(rt, a));
        let order = if reflected_first { [(rm, true), (fm, false)] } else { [(fm, false), (rm, true)] };
        for (i, (m, swapped)) in order.into_iter().enumerate().skip(stage as usize - 1) {
            if let Some(method) = m {
                return BinStep::Call { method, swapped, next: i as u8 + 2 };
            }
        }
    }
    BinStep::Fallback
}

/// The end of a binary operator whose dunders all declined: built-in base values of
/// instances of subclasses of built-in types, or CPython's TypeError.
pub fn binary_fallback(rt: &mut Runtime, op: BinOp, a: &Value, b: &Value, inplace: bool) -> PyResult {
    fallback_base(rt, op, a, b, inplace)
}

/// The built-in part of `a op b` (numbers, sequences, dict views): `None` when the
/// operands' dunders must decide.
pub fn binary_builtin(rt: &mut Runtime, op: BinOp, a: &Value, b: &Value) -> Option<PyResult> {
    if let Value::Inst(_) = a {
        // A user instance on the left: its dunders come first. No number or sequence
        // rule has an instance as left operand, and a dict view on the right is the
        // reflected side, tried after them (`fallback_base`).
        return None;
    }
    if let Some(r) = numeric(rt, op, a, b) {
        return Some(r);
    }
    match sequence_op(rt, op, a, b) {
        Ok(Some(v)) => return Some(Ok(v)),
        Err(e) => return Some(Err(e)),
        Ok(None) => {}
    }
    if matches!(a, Value::Obj(_)) || matches!(b, Value::Obj(_)) {
        if let Some(r) = crate::builtins::dictviews::view_binop(rt, op, a, b) {
            return Some(r);
        }
    }
    None
}

/// After dunders declined: operate on built-in base values (instances of subclasses of
/// built-in types), or fail with CPython's TypeError. In place, a mutable base value
/// changes and the instance itself is the result (`class L(list)`: `l += [1]`).
fn fallback_base(rt: &mut Runtime, op: BinOp, a: &Value, b: &Value, inplace: bool) -> PyResult {
    let (ba, bb) = (base_value(a), base_value(b));
    if ba.is_some() || bb.is_some() {
        let x = ba.unwrap_or_else(|| a.clone());
        let y = bb.unwrap_or_else(|| b.clone());
        if inplace {
            let r = self::inplace(rt, op, &x, &y)?;
            return Ok(if r.is(&x) && !x.is(a) && matches!(x, Value::List(_) | Value::Dict(_) | Value::Set(_)) { a.clone() } else { r });
        }
        return binary(rt, op, &x, &y);
    }
    // A dict view's reflected operator, after the left instance's dunders declined.
    if matches!(b, Value::Obj(_)) {
        if let Some(r) = crate::builtins::dictviews::view_binop(rt, op, a, b) {
            return r;
        }
    }
    Err(unsupported_msg(rt, op, a, b, inplace))
}

/// `op a` for the unary operators other than `not`.
pub fn unary(rt: &mut Runtime, op: UnaryOp, a: &Value) -> PyResult {
    match (op, a) {
        (UnaryOp::Neg, Value::Int(i)) => Ok(match i.checked_neg() {
            Some(n) => Value::Int(n),
            None => Value::from_bigint(-BigInt::from(*i)),
        }),
        (UnaryOp::Neg, Value::Float(f)) => Ok(Value::Float(-f)),
        (UnaryOp::Neg, Value::Bool(b)) => Ok(Value::Int(-(*b as i64))),
        (UnaryOp::Neg, Value::BigInt(b)) => Ok(Value::from_bigint(-(**b).clone())),
        (UnaryOp::Pos, Value::Int(_) | Value::Float(_) | Value::BigInt(_)) => Ok(a.clone()),
        (UnaryOp::Pos, Value::Bool(b)) => Ok(Value::Int(*b as i64)),
        (UnaryOp::Invert, Value::Int(i)) => Ok(Value::Int(!i)),
        (UnaryOp::Invert, Value::Bool(b)) => Ok(Value::Int(!(*b as i64))),
        (UnaryOp::Invert, Value::BigInt(b)) => Ok(Value::from_bigint(!(**b).clone())),
        (UnaryOp::Not, _) => Ok(Value::Bool(!super::cmp::truthy(rt, a)?)),
        _ => {
            let name = match op {
                UnaryOp::Neg => "__neg__",
                UnaryOp::Pos => "__pos__",
                UnaryOp::Invert => "__invert__",
                UnaryOp::Not => unreachable!(),
            };
            if let Some(m) = attr::lookup_special(rt, a, name) {
                return call::call_value(rt, m, vec![a.clone()]);
            }
            if let Some(b) = base_value(a) {
                return unary(rt, op, &b);
            }
            let sym = match op {
                UnaryOp::Neg => "-",
                UnaryOp::Pos => "+",
                _ => "~",
            };
            raise(rt.type_error(format!("bad operand type for unary {sym}: '{}'", type_name(rt, a))))
        }
    }
}
