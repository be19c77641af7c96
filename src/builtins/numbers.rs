//! Numbers: `int()` and `float()` conversions, `round`, `divmod`, three-argument `pow`,
//! and the methods of `int` and `float`.

use super::{add_method, raise};
use crate::eval::native::{Args, Ret};
use crate::ops::{self, Fail, PyResult};
use crate::runtime::value::Value;
use crate::runtime::Runtime;
use crate::syntax::ast::BinOp;
use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{Signed, ToPrimitive, Zero};

/// Parse `int(text, base)` as CPython does (whitespace, sign, underscores, prefixes).
pub fn parse_int(rt: &Runtime, text: &str, base: u32) -> PyResult<Value> {
    let bad = || {
        let r = crate::ops::repr::str_repr(text);
        Fail::Raise(rt.value_error(format!("invalid literal for int() with base {base}: {r}")))
    };
    let t = text.trim_matches(|c: char| c.is_whitespace());
    let (neg, mut body) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let mut base = base;
    let lower = body.to_ascii_lowercase();
    let prefixed = |p: &str| lower.starts_with(p);
    if base == 0 {
        if prefixed("0x") {
            base = 16;
            body = &body[2..];
        } else if prefixed("0o") {
            base = 8;
            body = &body[2..];
        } else if prefixed("0b") {
            base = 2;
            body = &body[2..];
        } else {
            base = 10;
            if body.len() > 1 && body.starts_with('0') && body.trim_start_matches(['0', '_']).len() > 0 {
                return Err(bad());
            }
        }
        if body.starts_with('_') {
            body = &body[1..];
        }
    } else if (base == 16 && prefixed("0x")) || (base == 8 && prefixed("0o")) || (base == 2 && prefixed("0b")) {
        body = &body[2..];
        if body.starts_with('_') {
            body = &body[1..];
        }
    }
    if body.is_empty() || body.starts_with('_') || body.ends_with('_') || body.contains("__") {
        return Err(bad());
    }
    let digits: String = body.chars().filter(|&c| c != '_').collect();
    if !digits.chars().all(|c| c.is_digit(base)) {
        // Unicode decimal digits are accepted by CPython for base 10.
        if base == 10 && digits.chars().all(|c| c.is_numeric()) {
            let ascii: String = digits.chars().filter_map(|c| c.to_digit(10).map(|d| char::from(b'0' + d as u8))).collect();
            if ascii.len() == digits.chars().count() {
                return finish_parse(&ascii, 10, neg).ok_or_else(bad);
            }
        }
        return Err(bad());
    }
    if digits.len() > 4300 && base == 10 {
        return ops::raise(rt.value_error(format!(
            "Exceeds the limit (4300 digits) for integer string conversion: value has {} digits; use sys.set_int_max_str_digits() to increase the limit",
            digits.len()
        )));
    }
    finish_parse(&digits, base, neg).ok_or_else(bad)
}

fn finish_parse(digits: &str, base: u32, neg: bool) -> Option<Value> {
    if let Ok(v) = i64::from_str_radix(digits, base) {
        return Some(Value::Int(if neg { -v } else { v }));
    }
    let b = BigInt::parse_bytes(digits.as_bytes(), base)?;
    Some(Value::from_bigint(if neg { -b } else { b }))
}

/// `float(text)`.
pub fn parse_float(rt: &Runtime, text: &str) -> PyResult<Value> {
    let t = text.trim_matches(|c: char| c.is_whitespace());
    let lower = t.to_ascii_lowercase();
    let unsigned = lower.trim_start_matches(['+', '-']);
    let neg = lower.starts_with('-');
    let special = match unsigned {
        "inf" | "infinity" => Some(f64::INFINITY),
        "nan" => Some(f64::NAN),
        _ => None,
    };
    if let Some(v) = special {
        if lower.len() - unsigned.len() <= 1 {
            return Ok(Value::Float(if neg { -v } else { v }));
        }
    }
    let ok_chars = !t.is_empty() && !t.contains("__") && !t.starts_with('_') && !t.ends_with('_');
    let clean: String = t.chars().filter(|&c| c != '_').collect();
    let valid = ok_chars
        && clean.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'))
        && clean.chars().any(|c| c.is_ascii_digit());
    match clean.parse::<f64>() {
        Ok(v) if valid => Ok(Value::Float(v)),
        _ => {
            let r = crate::ops::repr::str_repr(text);
            ops::raise(rt.value_error(format!("could not convert string to float: {r}")))
        }
    }
}

/// The float value of a number, with CPython's TypeError otherwise.
pub fn to_f64(rt: &mut Runtime, v: &Value) -> PyResult<f64> {
    match ops::num::int_to_f64(rt, v)? {
        Some(f) => Ok(f),
        None => {
            if let Some(b) = ops::num::base_value(v) {
                return to_f64(rt, &b);
            }
            if let Some(m) = ops::attr::lookup_special(rt, v, "__float__") {
                let r = ops::call::call_value(rt, m, vec![v.clone()])?;
                if let Value::Float(f) = r {
                    return Ok(f);
                }
            }
            let tn = ops::type_name(rt, v);
            ops::raise(rt.type_error(format!("must be real number, not {tn}")))
        }
    }
}

/// Round half to even of a float to an integer value.
fn round_half_even(f: f64) -> f64 {
    let r = f.round();
    if (f - f.trunc()).abs() == 0.5 {
        2.0 * (f / 2.0).round()
    } else {
        r
    }
}

/// `round(x[, ndigits])`.
pub fn round(rt: &mut Runtime, x: &Value, nd: &Value) -> PyResult {
    match x {
        Value::Int(_) | Value::BigInt(_) | Value::Bool(_) => {
            let n = match nd {
                Value::None => return Ok(match x {
                    Value::Bool(b) => Value::Int(*b as i64),
                    _ => x.clone(),
                }),
                other => ops::index_i64(rt, other, "ndigits")?,
            };
            if n >= 0 {
                return Ok(match x {
                    Value::Bool(b) => Value::Int(*b as i64),
                    _ => x.clone(),
                });
            }
            let v: BigInt = match x {
                Value::Int(i) => (*i).into(),
                Value::Bool(b) => (*b as i64).into(),
                Value::BigInt(b) => (**b).clone(),
                _ => unreachable!(),
            };
            let p = BigInt::from(10).pow((-n).min(10_000) as u32);
            let (q, r) = v.div_mod_floor(&p);
            let twice = &r * 2;
            let q = if twice > p || (twice == p && q.is_odd()) { q + 1 } else { q };
            Ok(Value::from_bigint(q * p))
        }
        Value::Float(f) => match nd {
            Value::None => {
                if f.is_nan() {
                    return ops::raise(rt.value_error("cannot convert float NaN to integer"));
                }
                if f.is_infinite() {
                    return ops::raise(rt.exc_msg(&rt.types.overflow_error, "cannot convert float infinity to integer"));
                }
                let r = round_half_even(*f);
                Ok(match r.to_i64() {
                    Some(i) if r.abs() < 9.2e18 => Value::Int(i),
                    _ => Value::from_bigint(BigInt::from(r as i128)),
                })
            }
            other => {
                let n = ops::index_i64(rt, other, "ndigits")?;
                if !f.is_finite() || *f == 0.0 {
                    return Ok(Value::Float(*f));
                }
                if n > 323 {
                    return Ok(Value::Float(*f));
                }
                if n < -308 {
                    return Ok(Value::Float(0.0 * f.signum()));
                }
                if n >= 0 {
                    let s = crate::runtime::format::format_float(*f, &format!(".{n}f")).unwrap_or_default();
                    return Ok(Value::Float(s.parse().unwrap_or(*f)));
                }
                let p = 10f64.powi((-n) as i32);
                let r = round_half_even(f / p) * p;
                Ok(Value::Float(if r.is_finite() { r } else { *f }))
            }
        },
        _ => {
            if let Some(m) = ops::attr::lookup_special(rt, x, "__round__") {
                let mut args = vec![x.clone()];
                if !nd.is_none() {
                    args.push(nd.clone());
                }
                return ops::call::call_value(rt, m, args);
            }
            let tn = ops::type_name(rt, x);
            ops::raise(rt.type_error(format!("type {tn} doesn't define __round__ method")))
        }
    }
}

/// `divmod(a, b)`.
pub fn divmod(rt: &mut Runtime, a: &Value, b: &Value) -> PyResult {
    let is_num = |v: &Value| matches!(v, Value::Int(_) | Value::Bool(_) | Value::BigInt(_) | Value::Float(_));
    if is_num(a) && is_num(b) {
        if matches!(a, Value::Float(_)) || matches!(b, Value::Float(_)) {
            let (x, y) = (to_f64(rt, a)?, to_f64(rt, b)?);
            if y == 0.0 {
                return ops::raise(rt.exc_msg(&rt.types.zero_division_error, "float divmod()"));
            }
            return Ok(Value::tuple(vec![
                Value::Float(ops::num::float_floordiv(x, y)),
                Value::Float(ops::num::float_mod(x, y)),
            ]));
        }
        if ops::as_int(b) == Some(0) || matches!(b, Value::BigInt(x) if x.is_zero()) {
            return ops::raise(rt.exc_msg(&rt.types.zero_division_error, "integer division or modulo by zero"));
        }
        let q = ops::num::binary(rt, BinOp::FloorDiv, a, b)?;
        let r = ops::num::binary(rt, BinOp::Mod, a, b)?;
        return Ok(Value::tuple(vec![q, r]));
    }
    if let Some(m) = ops::attr::lookup_special(rt, a, "__divmod__") {
        let r = ops::call::call_value(rt, m, vec![a.clone(), b.clone()])?;
        if !matches!(r, Value::NotImplemented) {
            return Ok(r);
        }
    }
    if let Some(m) = ops::attr::lookup_special(rt, b, "__rdivmod__") {
        let r = ops::call::call_value(rt, m, vec![b.clone(), a.clone()])?;
        if !matches!(r, Value::NotImplemented) {
            return Ok(r);
        }
    }
    let (ta, tb) = (ops::type_name(rt, a), ops::type_name(rt, b));
    ops::raise(rt.type_error(format!("unsupported operand type(s) for divmod(): '{ta}' and '{tb}'")))
}

/// `pow(base, exp, mod)`.
pub fn pow3(rt: &mut Runtime, base: &Value, exp: &Value, modulus: &Value) -> PyResult {
    let big = |v: &Value| -> Option<BigInt> {
        match v {
            Value::Int(i) => Some((*i).into()),
            Value::Bool(b) => Some((*b as i64).into()),
            Value::BigInt(b) => Some((**b).clone()),
            _ => None,
        }
    };
    let (Some(b), Some(e), Some(m)) = (big(base), big(exp), big(modulus)) else {
        return ops::raise(rt.type_error("pow() 3rd argument not allowed unless all arguments are integers"));
    };
    if m.is_zero() {
        return ops::raise(rt.value_error("pow() 3rd argument cannot be 0"));
    }
    let (b, e) = if e.is_negative() {
        match mod_inverse(&b, &m) {
            Some(inv) => (inv, -e),
            None => return ops::raise(rt.value_error("base is not invertible for the given modulus")),
        }
    } else {
        (b, e)
    };
    let r = b.modpow(&e, &m.abs());
    let r = if m.is_negative() && !r.is_zero() { r + &m } else { r };
    Ok(Value::from_bigint(r))
}

fn mod_inverse(a: &BigInt, m: &BigInt) -> Option<BigInt> {
    let m = m.abs();
    let g = a.extended_gcd(&m);
    if g.gcd != BigInt::from(1) {
        return None;
    }
    Some(g.x.mod_floor(&m))
}

fn int_bit_length(rt: &mut Runtime, a: Args) -> Ret {
    let _ = rt;
    let bits = match &a.pos[0] {
        Value::Int(i) => 64 - i.unsigned_abs().leading_zeros() as i64,
        Value::Bool(b) => *b as i64,
        Value::BigInt(b) => b.bits() as i64,
        _ => 0,
    };
    Ret::Val(Value::Int(bits))
}

fn int_conjugate(_rt: &mut Runtime, a: Args) -> Ret {
    Ret::Val(match &a.pos[0] {
        Value::Bool(b) => Value::Int(*b as i64),
        v => v.clone(),
    })
}

fn float_is_integer(_rt: &mut Runtime, a: Args) -> Ret {
    Ret::Val(Value::Bool(matches!(a.pos[0], Value::Float(f) if f.is_finite() && f.fract() == 0.0)))
}

fn float_as_integer_ratio(rt: &mut Runtime, a: Args) -> Ret {
    let Value::Float(f) = a.pos[0] else { return Ret::Val(Value::None) };
    if f.is_nan() {
        return raise(rt.value_error("cannot convert NaN to integer ratio"));
    }
    if f.is_infinite() {
        return raise(rt.exc_msg(&rt.types.overflow_error, "cannot convert Infinity to integer ratio"));
    }
    let bits = f.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i64;
    let mant = if exp == 0 { (bits & ((1 << 52) - 1)) << 1 } else { (bits & ((1 << 52) - 1)) | (1 << 52) };
    let mut num = BigInt::from(mant);
    let mut e = exp - 1075;
    if f < 0.0 {
        num = -num;
    }
    let mut den = BigInt::from(1);
    if e > 0 {
        num <<= e as usize;
    } else {
        while e < 0 && num.is_even() && !num.is_zero() {
            num >>= 1;
            e += 1;
        }
        den <<= (-e) as usize;
    }
    if num.is_zero() {
        den = BigInt::from(1);
    }
    Ret::Val(Value::tuple(vec![Value::from_bigint(num), Value::from_bigint(den)]))
}

fn int_to_bytes(rt: &mut Runtime, a: Args) -> Ret {
    let v = match &a.pos[0] {
        Value::Int(i) => BigInt::from(*i),
        Value::Bool(b) => BigInt::from(*b as i64),
        Value::BigInt(b) => (**b).clone(),
        _ => BigInt::zero(),
    };
    let length = a.pos.get(1).or(a.kw("length")).and_then(ops::as_int).unwrap_or(1).max(0) as usize;
    let order = match a.pos.get(2).or(a.kw("byteorder")) {
        Some(Value::Str(s)) => s.as_str().to_string(),
        _ => "big".to_string(),
    };
    let signed = a.kw("signed").map(|v| matches!(v, Value::Bool(true))).unwrap_or(false);
    if v.is_negative() && !signed {
        return raise(rt.exc_msg(&rt.types.overflow_error, "can't convert negative int to unsigned"));
    }
    let mut bytes = v.to_signed_bytes_le();
    let fill = if v.is_negative() { 0xff } else { 0 };
    if !signed && bytes.last() == Some(&0) && bytes.len() > 1 {
        bytes.pop();
    }
    if !signed && v.is_zero() {
        bytes.clear();
    }
    if bytes.len() > length {
        return raise(rt.exc_msg(&rt.types.overflow_error, "int too big to convert"));
    }
    bytes.resize(length, fill);
    if order == "big" {
        bytes.reverse();
    }
    Ret::Val(Value::Bytes(std::rc::Rc::new(crate::runtime::bytes::PyBytes::new(bytes))))
}

/// Register int and float methods.
pub fn install(rt: &mut Runtime) {
    let i = rt.types.int.clone();
    add_method(&i, "bit_length", int_bit_length);
    add_method(&i, "conjugate", int_conjugate);
    add_method(&i, "to_bytes", int_to_bytes);
    let f = rt.types.float.clone();
    add_method(&f, "is_integer", float_is_integer);
    add_method(&f, "as_integer_ratio", float_as_integer_ratio);
    add_method(&f, "conjugate", int_conjugate);
}
