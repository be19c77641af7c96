//! Numbers: `int()` and `float()` conversions, `round`, `divmod`, three-argument `pow`,
//! and the methods of `int` and `float`.

use super::{add_method, check_method, raise, ret};
use crate::runtime::descr::ClassMethod;
use crate::runtime::intern::intern;
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
    let ascii = super::strcase::ascii_digits(text);
    let t = ascii.trim_matches(|c: char| c.is_whitespace());
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
    let ascii = super::strcase::ascii_digits(text);
    let t = ascii.trim_matches(|c: char| c.is_whitespace());
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
            let v = if v.is_nan() { fresh_nan() } else { v };
            return Ok(Value::Float(if neg { -v } else { v }));
        }
    }
    // Underscores only between digits.
    let tb = t.as_bytes();
    let ok_chars = !t.is_empty()
        && tb.iter().enumerate().all(|(i, &c)| c != b'_' || (i > 0 && i + 1 < tb.len() && tb[i - 1].is_ascii_digit() && tb[i + 1].is_ascii_digit()));
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

/// A quiet NaN with a payload no other `float('nan')` result has. Floats are not
/// boxed here, so object identity (`x is y`, and the identity shortcut of `in` and
/// `==` on containers) is bit equality: each `float('nan')` call must produce a
/// distinct object, as in CPython, where `float('nan') in [float('nan')]` is false.
fn fresh_nan() -> f64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let n = NEXT.fetch_add(1, Ordering::Relaxed) & 0x0007_ffff_ffff_ffff;
    f64::from_bits(0x7ff8_0000_0000_0000 | n.max(1))
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
                other => ops::int_arg_clamped(rt, other)?,
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
                    // `{:.0}` prints the float's exact integer value.
                    _ => Value::from_bigint(BigInt::parse_bytes(format!("{r:.0}").as_bytes(), 10).unwrap_or_default()),
                })
            }
            other => {
                let n = ops::int_arg_clamped(rt, other)?;
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
                // Exactly: |x| / 10**k rounded half-even, times 10**k, read back
                // correctly rounded (CPython rounds through exact decimal digits).
                let k = (-n) as u32;
                let bits = f.abs().to_bits();
                let exp = ((bits >> 52) & 0x7ff) as i64;
                let mant = if exp == 0 { (bits & ((1 << 52) - 1)) << 1 } else { (bits & ((1 << 52) - 1)) | (1 << 52) };
                let e2 = exp.max(1) - 1075;
                let p10 = BigInt::from(10).pow(k);
                let (num, den) = if e2 >= 0 { (BigInt::from(mant) << e2 as u64, p10) } else { (BigInt::from(mant), p10 << (-e2) as u64) };
                let (q, r) = num.div_mod_floor(&den);
                let twice = &r * 2;
                let q = if twice > den || (twice == den && q.is_odd()) { q + 1 } else { q };
                let v: f64 = format!("{q}e{k}").parse().unwrap_or(f64::INFINITY);
                if v.is_infinite() {
                    return ops::raise(rt.exc_msg(&rt.types.overflow_error, "rounded value too large to represent"));
                }
                Ok(Value::Float(if *f < 0.0 { -v } else { v }))
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
    let (ba, bb) = (ops::num::base_value(a), ops::num::base_value(b));
    if ba.is_some() || bb.is_some() {
        return divmod(rt, &ba.unwrap_or_else(|| a.clone()), &bb.unwrap_or_else(|| b.clone()));
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

/// Positional count of `to_bytes`/`from_bytes` (two positional, one keyword-only).
fn kwonly_arity(rt: &Runtime, a: &Args, name: &str) -> Result<(), crate::runtime::class::Exc> {
    let n = a.pos.len().saturating_sub(1);
    if n > 3 {
        return Err(rt.type_error(format!("{name}() takes at most 3 arguments ({n} given)")));
    }
    if n > 2 {
        return Err(rt.type_error(format!("{name}() takes at most 2 positional arguments ({n} given)")));
    }
    Ok(())
}

/// The int value of a method's receiver.
fn recv_int(a: &Args) -> BigInt {
    match &a.pos[0] {
        Value::Int(i) => BigInt::from(*i),
        Value::Bool(b) => BigInt::from(*b as i64),
        Value::BigInt(b) => (**b).clone(),
        _ => BigInt::zero(),
    }
}

fn int_bit_length(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_method(rt, &a, "int.bit_length", 0, 0) {
        return raise(e);
    }
    Ret::Val(Value::Int(recv_int(&a).bits() as i64))
}

fn int_bit_count(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_method(rt, &a, "int.bit_count", 0, 0) {
        return raise(e);
    }
    let n: u64 = recv_int(&a).magnitude().iter_u64_digits().map(|d| d.count_ones() as u64).sum();
    Ret::Val(Value::Int(n as i64))
}

fn int_conjugate(rt: &mut Runtime, a: Args) -> Ret {
    let qual = if matches!(a.pos[0], Value::Float(_)) { "float.conjugate" } else { "int.conjugate" };
    if let Err(e) = check_method(rt, &a, qual, 0, 0) {
        return raise(e);
    }
    Ret::Val(match &a.pos[0] {
        Value::Bool(b) => Value::Int(*b as i64),
        v => v.clone(),
    })
}

fn int_as_integer_ratio(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_method(rt, &a, "int.as_integer_ratio", 0, 0) {
        return raise(e);
    }
    Ret::Val(Value::tuple(vec![Value::from_bigint(recv_int(&a)), Value::Int(1)]))
}

fn int_from_bytes(rt: &mut Runtime, a: Args) -> Ret {
    // a.pos[0] is the class (a classmethod).
    let bytes = a.pos.get(1).or(a.kw("bytes")).cloned();
    let order = a.pos.get(2).or(a.kw("byteorder")).cloned().unwrap_or_else(|| Value::str("big"));
    let signed = match a.kw("signed") {
        Some(v) => match ops::cmp::truthy(rt, v) {
            Ok(b) => b,
            Err(e) => return raise(ops::expect_raise(e)),
        },
        None => false,
    };
    if let Err(e) = kwonly_arity(rt, &a, "from_bytes") {
        return raise(e);
    }
    let Some(bytes) = bytes else {
        return raise(rt.type_error("from_bytes() missing required argument 'bytes' (pos 1)"));
    };
    let little = match &order {
        Value::Str(s) if s.as_str() == "little" => true,
        Value::Str(s) if s.as_str() == "big" => false,
        Value::Str(_) => return raise(rt.value_error("byteorder must be either 'little' or 'big'")),
        other => {
            let tn = ops::type_name(rt, other);
            return raise(rt.type_error(format!("from_bytes() argument 'byteorder' must be str, not {tn}")));
        }
    };
    let mut data: Vec<u8> = match &bytes {
        Value::Bytes(b) => b.data.to_vec(),
        Value::Str(_) | Value::Int(_) | Value::Float(_) | Value::None | Value::Bool(_) => {
            let tn = ops::type_name(rt, &bytes);
            return raise(rt.type_error(format!("cannot convert '{tn}' object to bytes")));
        }
        other => match super::types::make_bytes(rt, &Args::pos(std::slice::from_ref(other))) {
            Ok(Value::Bytes(b)) => b.data.to_vec(),
            Ok(_) => vec![],
            Err(e) => return raise(ops::expect_raise(e)),
        },
    };
    if !little {
        data.reverse();
    }
    let v = if signed { BigInt::from_signed_bytes_le(&data) } else { BigInt::from_bytes_le(num_bigint::Sign::Plus, &data) };
    let r = Value::from_bigint(v);
    // A subclass's from_bytes returns an instance of the subclass.
    match a.pos.first() {
        Some(Value::Class(c)) if !c.builtin => ret(ops::call::call_value(rt, a.pos[0].clone(), vec![r])),
        _ => Ret::Val(r),
    }
}

fn float_is_integer(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_method(rt, &a, "float.is_integer", 0, 0) {
        return raise(e);
    }
    Ret::Val(Value::Bool(matches!(a.pos[0], Value::Float(f) if f.is_finite() && f.fract() == 0.0)))
}

fn float_hex(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_method(rt, &a, "float.hex", 0, 0) {
        return raise(e);
    }
    let Value::Float(f) = a.pos[0] else { return Ret::Val(Value::None) };
    Ret::Val(Value::string(float_to_hex(f)))
}

/// `float.hex()`: `[-]0x1.<13 hex digits>p<exp>` (`0x0.` for zero and subnormals).
pub fn float_to_hex(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf".into() } else { "-inf".into() };
    }
    let sign = if f.is_sign_negative() { "-" } else { "" };
    let bits = f.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i64;
    let mant = bits & ((1u64 << 52) - 1);
    if exp == 0 && mant == 0 {
        return format!("{sign}0x0.0p+0");
    }
    let (lead, e) = if exp == 0 { (0, -1022) } else { (1, exp - 1023) };
    let esign = if e < 0 { "-" } else { "+" };
    format!("{sign}0x{lead}.{mant:013x}p{esign}{}", e.abs())
}

fn float_getformat(rt: &mut Runtime, a: Args) -> Ret {
    match a.pos.get(1) {
        Some(Value::Str(s)) if s.as_str() == "double" || s.as_str() == "float" => Ret::Val(Value::str("IEEE, little-endian")),
        Some(Value::Str(_)) => raise(rt.value_error("__getformat__() argument 1 must be 'double' or 'float'")),
        _ => raise(rt.type_error("__getformat__() argument must be str")),
    }
}

fn float_fromhex(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_method(rt, &a, "float.fromhex", 1, 1) {
        return raise(e);
    }
    let arg = &a.pos[1];
    let Value::Str(s) = arg else {
        let tn = ops::type_name(rt, arg);
        return raise(rt.type_error(format!("must be str, not {tn}")));
    };
    let r = match parse_hex_float(rt, s.as_str()) {
        Ok(f) => Value::Float(f),
        Err(e) => return raise(ops::expect_raise(e)),
    };
    match a.pos.first() {
        Some(Value::Class(c)) if !c.builtin => ret(ops::call::call_value(rt, a.pos[0].clone(), vec![r])),
        _ => Ret::Val(r),
    }
}

/// Parse `float.fromhex` text, correctly rounded.
fn parse_hex_float(rt: &Runtime, text: &str) -> PyResult<f64> {
    let bad = || Fail::Raise(rt.value_error("invalid hexadecimal floating-point string"));
    let t = text.trim_matches(|c: char| c.is_whitespace());
    let (neg, body) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let lower = body.to_ascii_lowercase();
    match lower.as_str() {
        "inf" | "infinity" => return Ok(if neg { f64::NEG_INFINITY } else { f64::INFINITY }),
        "nan" => return Ok(f64::NAN),
        _ => {}
    }
    let rest = lower.strip_prefix("0x").unwrap_or(&lower);
    let (mant, exp) = match rest.find('p') {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    let (int_part, frac_part) = match mant.find('.') {
        Some(i) => (&mant[..i], &mant[i + 1..]),
        None => (mant, ""),
    };
    if int_part.is_empty() && frac_part.is_empty() {
        return Err(bad());
    }
    let digits: String = format!("{int_part}{frac_part}");
    if !digits.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(bad());
    }
    let mut e: i64 = match exp {
        None => 0,
        Some(x) => {
            let ok = !x.is_empty() && x.trim_start_matches(['+', '-']).chars().all(|c| c.is_ascii_digit()) && x.trim_start_matches(['+', '-']).len() + 1 >= x.len() && !x.trim_start_matches(['+', '-']).is_empty();
            if !ok {
                return Err(bad());
            }
            x.parse::<i64>().unwrap_or(if x.starts_with('-') { -(1 << 40) } else { 1 << 40 })
        }
    };
    e -= 4 * frac_part.len() as i64;
    let m = BigInt::parse_bytes(digits.as_bytes(), 16).unwrap_or_default();
    if m.is_zero() {
        return Ok(if neg { -0.0 } else { 0.0 });
    }
    let too_big = || Fail::Raise(rt.exc_msg(&rt.types.overflow_error, "hexadecimal value too large to represent as a float"));
    let top = m.bits() as i64 + e;
    if top > 1025 {
        return Err(too_big());
    }
    if top < -1100 {
        return Ok(if neg { -0.0 } else { 0.0 });
    }
    let f = if e >= 0 {
        ops::num::int_truediv(rt, &(m << e as u64), &BigInt::from(1))
    } else {
        ops::num::int_truediv(rt, &m, &(BigInt::from(1) << (-e) as u64))
    }
    .map_err(|_| too_big())?;
    Ok(if neg { -f } else { f })
}

fn float_as_integer_ratio(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_method(rt, &a, "float.as_integer_ratio", 0, 0) {
        return raise(e);
    }
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
    if let Err(e) = kwonly_arity(rt, &a, "to_bytes") {
        return raise(e);
    }
    let v = match &a.pos[0] {
        Value::Int(i) => BigInt::from(*i),
        Value::Bool(b) => BigInt::from(*b as i64),
        Value::BigInt(b) => (**b).clone(),
        _ => BigInt::zero(),
    };
    let length = match a.pos.get(1).or(a.kw("length")) {
        None => 1,
        Some(l) => match ops::int_arg(rt, l) {
            Ok(n) if n < 0 => return raise(rt.value_error("length argument must be non-negative")),
            Ok(n) => n as usize,
            Err(e) => return raise(ops::expect_raise(e)),
        },
    };
    let order = match a.pos.get(2).or(a.kw("byteorder")) {
        Some(Value::Str(s)) if s.as_str() == "big" || s.as_str() == "little" => s.as_str().to_string(),
        Some(Value::Str(_)) => return raise(rt.value_error("byteorder must be either 'little' or 'big'")),
        None => "big".to_string(),
        Some(other) => {
            let tn = ops::type_name(rt, other);
            return raise(rt.type_error(format!("to_bytes() argument 'byteorder' must be str, not {tn}")));
        }
    };
    let signed = match a.kw("signed") {
        Some(v) => match ops::cmp::truthy(rt, v) {
            Ok(b) => b,
            Err(e) => return raise(ops::expect_raise(e)),
        },
        None => false,
    };
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
    add_method(&i, "bit_count", int_bit_count);
    add_method(&i, "conjugate", int_conjugate);
    add_method(&i, "to_bytes", int_to_bytes);
    add_method(&i, "as_integer_ratio", int_as_integer_ratio);
    let fb = super::native("from_bytes", int_from_bytes);
    i.dict.set_str(intern("from_bytes"), Value::Obj(crate::runtime::objref::ObjRef::new(ClassMethod(fb))));
    let f = rt.types.float.clone();
    add_method(&f, "is_integer", float_is_integer);
    add_method(&f, "as_integer_ratio", float_as_integer_ratio);
    add_method(&f, "conjugate", int_conjugate);
    add_method(&f, "hex", float_hex);
    let gf = super::native("__getformat__", float_getformat);
    f.dict.set_str(intern("__getformat__"), Value::Obj(crate::runtime::objref::ObjRef::new(ClassMethod(gf))));
    let fh = super::native("fromhex", float_fromhex);
    f.dict.set_str(intern("fromhex"), Value::Obj(crate::runtime::objref::ObjRef::new(ClassMethod(fh))));
}
