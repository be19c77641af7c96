//! `bytes` methods: searching, splitting, stripping, joining, `hex`/`fromhex` and
//! `decode`, with CPython's argument handling and error messages (case, padding and
//! `translate` are in `bytes_case.rs`).

use super::{add_method, check_clinic, check_method, check_pos, check_tuple, raise};
use crate::eval::native::{Args, NativeImpl, Ret};
use crate::ops;
use crate::runtime::bytes::PyBytes;
use crate::runtime::class::Exc;
use crate::runtime::descr::ClassMethod;
use crate::runtime::intern::intern;
use crate::runtime::value::Value;
use crate::runtime::Runtime;
use std::rc::Rc;

/// A new bytes value.
pub fn bytes_value(v: Vec<u8>) -> Value {
    Value::Bytes(Rc::new(PyBytes::new(v)))
}

pub(super) fn this(a: &Args) -> Rc<PyBytes> {
    match &a.pos[0] {
        Value::Bytes(b) => b.clone(),
        _ => Rc::new(PyBytes::new(vec![])),
    }
}

/// The bytes of a bytes-like argument.
pub(super) fn bytes_arg(rt: &Runtime, v: &Value) -> Result<Rc<PyBytes>, Exc> {
    match v {
        Value::Bytes(b) => Ok(b.clone()),
        other => Err(rt.type_error(format!("a bytes-like object is required, not '{}'", ops::type_name(rt, other)))),
    }
}

/// A search argument: bytes, or an int naming one byte.
fn needle(rt: &mut Runtime, v: &Value) -> Result<Vec<u8>, Exc> {
    match v {
        Value::Bytes(b) => Ok(b.data.to_vec()),
        Value::Int(_) | Value::Bool(_) | Value::BigInt(_) => match ops::as_int(v) {
            Some(n) if (0..256).contains(&n) => Ok(vec![n as u8]),
            _ => Err(rt.value_error("byte must be in range(0, 256)")),
        },
        other => Err(rt.type_error(format!("argument should be integer or bytes-like object, not '{}'", ops::type_name(rt, other)))),
    }
}

/// Resolve optional `start`/`end` arguments at `a.pos[from..]` like a slice.
fn span(rt: &mut Runtime, a: &Args, from: usize, len: usize) -> Result<(usize, usize), Exc> {
    let n = len as i64;
    let mut get = |i: usize, default: i64| -> Result<i64, Exc> {
        match a.pos.get(i) {
            None | Some(Value::None) => Ok(default),
            Some(v) => ops::slice_bound(rt, v, true).map_err(ops::expect_raise),
        }
    };
    let mut start = get(from, 0)?;
    let mut end = get(from + 1, n)?;
    if start < 0 {
        start = (start + n).max(0);
    }
    if end < 0 {
        end = (end + n).max(0);
    }
    // `start` stays unclamped past the end: nothing is found there (not even b'').
    Ok((start.min(n + 1) as usize, end.min(n) as usize))
}

fn find_in(hay: &[u8], sub: &[u8], rev: bool) -> Option<usize> {
    if sub.len() > hay.len() {
        return None;
    }
    if sub.is_empty() {
        return Some(if rev { hay.len() } else { 0 });
    }
    let mut it = hay.windows(sub.len());
    if rev { it.rposition(|w| w == sub) } else { it.position(|w| w == sub) }
}

fn count_in(hay: &[u8], sub: &[u8]) -> usize {
    if sub.is_empty() {
        return hay.len() + 1;
    }
    let (mut n, mut i) = (0, 0);
    while i + sub.len() <= hay.len() {
        if &hay[i..i + sub.len()] == sub {
            n += 1;
            i += sub.len();
        } else {
            i += 1;
        }
    }
    n
}

fn find_impl(rt: &mut Runtime, a: Args, name: &str, rev: bool, strict: bool) -> Ret {
    if let Err(e) = check_tuple(rt, &a, &format!("bytes.{name}"), 1, 3) {
        return raise(e);
    }
    let b = this(&a);
    let r = (|| -> Result<i64, Exc> {
        let sub = needle(rt, &a.pos[1])?;
        let (st, en) = span(rt, &a, 2, b.data.len())?;
        if st > en {
            return Ok(-1);
        }
        Ok(find_in(&b.data[st..en], &sub, rev).map_or(-1, |i| (st + i) as i64))
    })();
    match r {
        Ok(-1) if strict => raise(rt.value_error("subsection not found")),
        Ok(i) => Ret::Val(Value::Int(i)),
        Err(e) => raise(e),
    }
}

fn find(rt: &mut Runtime, a: Args) -> Ret {
    find_impl(rt, a, "find", false, false)
}

fn rfind(rt: &mut Runtime, a: Args) -> Ret {
    find_impl(rt, a, "rfind", true, false)
}

fn index(rt: &mut Runtime, a: Args) -> Ret {
    find_impl(rt, a, "index", false, true)
}

fn rindex(rt: &mut Runtime, a: Args) -> Ret {
    find_impl(rt, a, "rindex", true, true)
}

fn count(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_tuple(rt, &a, "bytes.count", 1, 3) {
        return raise(e);
    }
    let b = this(&a);
    let r = (|| -> Result<i64, Exc> {
        let sub = needle(rt, &a.pos[1])?;
        let (st, en) = span(rt, &a, 2, b.data.len())?;
        if st > en {
            return Ok(0);
        }
        Ok(count_in(&b.data[st..en], &sub) as i64)
    })();
    match r {
        Ok(n) => Ret::Val(Value::Int(n)),
        Err(e) => raise(e),
    }
}

fn affix(rt: &mut Runtime, a: Args, name: &str, start: bool) -> Ret {
    if let Err(e) = check_tuple(rt, &a, &format!("bytes.{name}"), 1, 3) {
        return raise(e);
    }
    let b = this(&a);
    let (st, en) = match span(rt, &a, 2, b.data.len()) {
        Ok(x) => x,
        Err(e) => return raise(e),
    };
    let candidates: Vec<Value> = match &a.pos[1] {
        Value::Tuple(t) => t.items().to_vec(),
        v => vec![v.clone()],
    };
    for c in &candidates {
        let Value::Bytes(p) = c else {
            let tn = ops::type_name(rt, c);
            let msg = if matches!(a.pos[1], Value::Tuple(_)) {
                format!("a bytes-like object is required, not '{tn}'")
            } else {
                format!("{name} first arg must be bytes or a tuple of bytes, not {tn}")
            };
            return raise(rt.type_error(msg));
        };
        if st > en {
            continue;
        }
        let hay = &b.data[st..en];
        if (start && hay.starts_with(&p.data)) || (!start && hay.ends_with(&p.data)) {
            return Ret::Val(Value::Bool(true));
        }
    }
    Ret::Val(Value::Bool(false))
}

fn startswith(rt: &mut Runtime, a: Args) -> Ret {
    affix(rt, a, "startswith", true)
}

fn endswith(rt: &mut Runtime, a: Args) -> Ret {
    affix(rt, a, "endswith", false)
}

pub(super) fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'\x0b' | b'\x0c')
}

fn strip_impl(rt: &mut Runtime, a: Args, name: &str, left: bool, right: bool) -> Ret {
    if let Err(e) = check_clinic(rt, &a, &format!("bytes.{name}"), 0, 1) {
        return raise(e);
    }
    let b = this(&a);
    let chars: Option<Rc<PyBytes>> = match a.pos.get(1) {
        None | Some(Value::None) => None,
        Some(v) => match bytes_arg(rt, v) {
            Ok(c) => Some(c),
            Err(e) => return raise(e),
        },
    };
    let strip = |c: &u8| match &chars {
        None => is_space(*c),
        Some(cs) => cs.data.contains(c),
    };
    let d = &b.data[..];
    let s = if left { d.iter().position(|c| !strip(c)).unwrap_or(d.len()) } else { 0 };
    let e = if right { d.iter().rposition(|c| !strip(c)).map_or(s, |e| e + 1) } else { d.len() };
    Ret::Val(bytes_value(d[s..e.max(s)].to_vec()))
}

fn strip(rt: &mut Runtime, a: Args) -> Ret {
    strip_impl(rt, a, "strip", true, true)
}

fn lstrip(rt: &mut Runtime, a: Args) -> Ret {
    strip_impl(rt, a, "lstrip", true, false)
}

fn rstrip(rt: &mut Runtime, a: Args) -> Ret {
    strip_impl(rt, a, "rstrip", false, true)
}

/// `sep` and `maxsplit` of `split`/`rsplit`.
fn split_args(rt: &mut Runtime, a: &Args, name: &str) -> Result<(Option<Vec<u8>>, i64), Exc> {
    if a.pos.len() > 3 {
        return Err(rt.type_error(format!("{name}() takes at most 2 arguments ({} given)", a.pos.len() - 1)));
    }
    let mut sep = a.pos.get(1).cloned();
    let mut maxsplit = a.pos.get(2).cloned();
    for (n, v) in a.names.iter().zip(a.kw) {
        match n.as_str() {
            "sep" => sep = Some(v.clone()),
            "maxsplit" => maxsplit = Some(v.clone()),
            other => return Err(rt.type_error(format!("'{other}' is an invalid keyword argument for {name}()"))),
        }
    }
    let sep = match sep {
        None | Some(Value::None) => None,
        Some(v) => {
            let b = bytes_arg(rt, &v)?;
            if b.data.is_empty() {
                return Err(rt.value_error("empty separator"));
            }
            Some(b.data.to_vec())
        }
    };
    let maxsplit = match maxsplit {
        None => -1,
        Some(v) => ops::int_arg(rt, &v).map_err(ops::expect_raise)?,
    };
    Ok((sep, maxsplit))
}

fn split_impl(rt: &mut Runtime, a: Args, rev: bool) -> Ret {
    let (sep, maxsplit) = match split_args(rt, &a, if rev { "rsplit" } else { "split" }) {
        Ok(x) => x,
        Err(e) => return raise(e),
    };
    let b = this(&a);
    let d = &b.data[..];
    let mut out: Vec<Vec<u8>> = Vec::new();
    let limit = if maxsplit < 0 { usize::MAX } else { maxsplit as usize };
    match sep {
        Some(sep) => {
            let mut rest = d;
            while out.len() < limit {
                match find_in(rest, &sep, rev) {
                    Some(i) if rev => {
                        out.push(rest[i + sep.len()..].to_vec());
                        rest = &rest[..i];
                    }
                    Some(i) => {
                        out.push(rest[..i].to_vec());
                        rest = &rest[i + sep.len()..];
                    }
                    None => break,
                }
            }
            out.push(rest.to_vec());
        }
        None => {
            let mut rest = d;
            loop {
                rest = if rev {
                    &rest[..rest.iter().rposition(|c| !is_space(*c)).map_or(0, |i| i + 1)]
                } else {
                    &rest[rest.iter().position(|c| !is_space(*c)).unwrap_or(rest.len())..]
                };
                if rest.is_empty() {
                    break;
                }
                if out.len() == limit {
                    out.push(rest.to_vec());
                    break;
                }
                if rev {
                    let start = rest.iter().rposition(|c| is_space(*c)).map_or(0, |i| i + 1);
                    out.push(rest[start..].to_vec());
                    rest = &rest[..start];
                } else {
                    let end = rest.iter().position(|c| is_space(*c)).unwrap_or(rest.len());
                    out.push(rest[..end].to_vec());
                    rest = &rest[end..];
                }
            }
        }
    }
    if rev {
        out.reverse();
    }
    Ret::Val(Value::list(out.into_iter().map(bytes_value).collect()))
}

fn split(rt: &mut Runtime, a: Args) -> Ret {
    split_impl(rt, a, false)
}

fn rsplit(rt: &mut Runtime, a: Args) -> Ret {
    split_impl(rt, a, true)
}

fn splitlines(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_pos(rt, &a, "splitlines", 1) {
        return raise(e);
    }
    let keep = match a.pos.get(1).or(a.kw("keepends")) {
        Some(v) => match ops::cmp::truthy(rt, v) {
            Ok(b) => b,
            Err(e) => return raise(ops::expect_raise(e)),
        },
        None => false,
    };
    let b = this(&a);
    let d = &b.data[..];
    let (mut out, mut start, mut i) = (Vec::new(), 0, 0);
    while i < d.len() {
        if d[i] == b'\n' || d[i] == b'\r' {
            let mut end = i + 1;
            if d[i] == b'\r' && d.get(i + 1) == Some(&b'\n') {
                end += 1;
            }
            out.push(bytes_value(d[start..if keep { end } else { i }].to_vec()));
            start = end;
            i = end;
        } else {
            i += 1;
        }
    }
    if start < d.len() {
        out.push(bytes_value(d[start..].to_vec()));
    }
    Ret::Val(Value::list(out))
}

fn partition_impl(rt: &mut Runtime, a: Args, rev: bool) -> Ret {
    if let Err(e) = check_method(rt, &a, if rev { "bytes.rpartition" } else { "bytes.partition" }, 1, 1) {
        return raise(e);
    }
    let b = this(&a);
    let sep = match bytes_arg(rt, &a.pos[1]) {
        Ok(s) => s,
        Err(e) => return raise(e),
    };
    if sep.data.is_empty() {
        return raise(rt.value_error("empty separator"));
    }
    let d = &b.data[..];
    let parts = match find_in(d, &sep.data, rev) {
        Some(i) => [d[..i].to_vec(), sep.data.to_vec(), d[i + sep.data.len()..].to_vec()],
        None if rev => [vec![], vec![], d.to_vec()],
        None => [d.to_vec(), vec![], vec![]],
    };
    Ret::Val(Value::tuple(parts.into_iter().map(bytes_value).collect()))
}

fn partition(rt: &mut Runtime, a: Args) -> Ret {
    partition_impl(rt, a, false)
}

fn rpartition(rt: &mut Runtime, a: Args) -> Ret {
    partition_impl(rt, a, true)
}

fn join(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_method(rt, &a, "bytes.join", 1, 1) {
        return raise(e);
    }
    let sep = this(&a);
    let items = match ops::iter::collect(rt, &a.pos[1]) {
        Ok(v) => v,
        Err(e) => return raise(ops::expect_raise(e)),
    };
    let mut out = Vec::new();
    for (i, x) in items.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(&sep.data);
        }
        match x {
            Value::Bytes(b) => out.extend_from_slice(&b.data),
            other => {
                let tn = ops::type_name(rt, other);
                return raise(rt.type_error(format!("sequence item {i}: expected a bytes-like object, {tn} found")));
            }
        }
    }
    Ret::Val(bytes_value(out))
}

fn replace(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_clinic(rt, &a, "bytes.replace", 2, 3) {
        return raise(e);
    }
    let b = this(&a);
    let (old, new) = match (bytes_arg(rt, &a.pos[1]), bytes_arg(rt, &a.pos[2])) {
        (Ok(o), Ok(n)) => (o, n),
        (Err(e), _) | (_, Err(e)) => return raise(e),
    };
    let limit = match a.pos.get(3) {
        None => -1,
        Some(v) => match ops::int_arg(rt, v) {
            Ok(n) => n,
            Err(e) => return raise(ops::expect_raise(e)),
        },
    };
    let limit = if limit < 0 { usize::MAX } else { limit as usize };
    let d = &b.data[..];
    let mut out = Vec::with_capacity(d.len());
    let mut n = 0;
    if old.data.is_empty() {
        for (i, c) in d.iter().enumerate() {
            if n < limit {
                out.extend_from_slice(&new.data);
                n += 1;
            }
            out.push(*c);
            if i + 1 == d.len() && n < limit {
                out.extend_from_slice(&new.data);
            }
        }
        if d.is_empty() && limit > 0 {
            out.extend_from_slice(&new.data);
        }
        return Ret::Val(bytes_value(out));
    }
    let mut i = 0;
    while i < d.len() {
        if n < limit && d[i..].starts_with(&old.data) {
            out.extend_from_slice(&new.data);
            i += old.data.len();
            n += 1;
        } else {
            out.push(d[i]);
            i += 1;
        }
    }
    Ret::Val(bytes_value(out))
}

fn affix_remove(rt: &mut Runtime, a: Args, prefix: bool) -> Ret {
    if let Err(e) = check_method(rt, &a, if prefix { "bytes.removeprefix" } else { "bytes.removesuffix" }, 1, 1) {
        return raise(e);
    }
    let b = this(&a);
    let p = match bytes_arg(rt, &a.pos[1]) {
        Ok(p) => p,
        Err(e) => return raise(e),
    };
    let d = &b.data[..];
    let r = if prefix {
        d.strip_prefix(&p.data[..]).unwrap_or(d)
    } else {
        d.strip_suffix(&p.data[..]).unwrap_or(d)
    };
    Ret::Val(bytes_value(r.to_vec()))
}

fn removeprefix(rt: &mut Runtime, a: Args) -> Ret {
    affix_remove(rt, a, true)
}

fn removesuffix(rt: &mut Runtime, a: Args) -> Ret {
    affix_remove(rt, a, false)
}

fn decode(rt: &mut Runtime, a: Args) -> Ret {
    let (enc, errors) = match super::codecs::codec_args(rt, &a, "decode") {
        Ok(x) => x,
        Err(e) => return raise(e),
    };
    let b = this(&a);
    match super::codecs::decode_bytes(rt, &b.data, &enc, &errors) {
        Ok(s) => Ret::Val(Value::string(s)),
        Err(e) => raise(e),
    }
}

/// Register the bytes methods.
pub fn install(rt: &mut Runtime) {
    let b = rt.types.bytes.clone();
    let methods: &[(&'static str, NativeImpl)] = &[
        ("find", find), ("rfind", rfind), ("index", index), ("rindex", rindex), ("count", count),
        ("startswith", startswith), ("endswith", endswith), ("strip", strip), ("lstrip", lstrip),
        ("rstrip", rstrip), ("split", split), ("rsplit", rsplit), ("splitlines", splitlines),
        ("partition", partition), ("rpartition", rpartition), ("join", join), ("replace", replace),
        ("removeprefix", removeprefix), ("removesuffix", removesuffix),
        ("hex", super::codecs::hex), ("decode", decode),
    ];
    for (name, f) in methods {
        add_method(&b, name, *f);
    }
    let fh = super::native("fromhex", super::codecs::fromhex);
    b.dict.set_str(intern("fromhex"), Value::Obj(crate::runtime::objref::ObjRef::new(ClassMethod(fh))));
    super::bytes_case::install(&b);
}
