//! `str` methods (case mapping and character classes are in `strcase.rs`,
//! `str.format` in `format.rs`).

use super::{add_method, check_clinic, check_method, check_pos, check_tuple, raise};
use crate::eval::native::{Args, Ret};
use crate::ops::{self, PyResult};
use crate::runtime::str::PyStr;
use crate::runtime::value::Value;
use crate::runtime::Runtime;
use std::rc::Rc;

/// `ascii()` of a repr: non-ASCII characters escaped.
pub fn ascii_of(s: &PyStr) -> String {
    crate::runtime::percent::ascii_escape(s.as_str())
}

fn this(a: &Args) -> Rc<PyStr> {
    match &a.pos[0] {
        Value::Str(s) => s.clone(),
        _ => Rc::new(PyStr::new("")),
    }
}

fn str_arg<'a>(rt: &Runtime, v: &'a Value, what: &str) -> Result<&'a str, crate::runtime::class::Exc> {
    match v {
        Value::Str(s) => Ok(s.as_str()),
        other => Err(rt.type_error(format!("{what} must be str, not {}", ops::type_name(rt, other)))),
    }
}

fn sval(s: String) -> Ret {
    Ret::Val(Value::string(s))
}

/// Python's whitespace for `split()`/`strip()` without arguments.
fn is_py_space(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\x1c'..='\x1f')
}

fn strip_impl(rt: &mut Runtime, a: Args, name: &str, left: bool, right: bool) -> Ret {
    if let Err(e) = check_clinic(rt, &a, name, 0, 1) {
        return raise(e);
    }
    let s = this(&a);
    let t = s.as_str();
    let chars: Option<Vec<char>> = match a.pos.get(1) {
        None | Some(Value::None) => None,
        Some(Value::Str(c)) => Some(c.as_str().chars().collect()),
        Some(_) => return raise(rt.type_error(format!("{} arg must be None or str", &name[4..]))),
    };
    let pred = |c: char| match &chars {
        None => is_py_space(c),
        Some(cs) => cs.contains(&c),
    };
    let mut r = t;
    if left {
        r = r.trim_start_matches(pred);
    }
    if right {
        r = r.trim_end_matches(pred);
    }
    sval(r.to_string())
}

fn strip(rt: &mut Runtime, a: Args) -> Ret {
    strip_impl(rt, a, "str.strip", true, true)
}

fn lstrip(rt: &mut Runtime, a: Args) -> Ret {
    strip_impl(rt, a, "str.lstrip", true, false)
}

fn rstrip(rt: &mut Runtime, a: Args) -> Ret {
    strip_impl(rt, a, "str.rstrip", false, true)
}

fn split_args(rt: &mut Runtime, a: &Args, name: &str) -> Result<(Option<String>, i64), crate::runtime::class::Exc> {
    let mut sep = a.pos.get(1).cloned();
    let mut maxsplit = a.pos.get(2).cloned();
    if a.pos.len() > 3 {
        return Err(rt.type_error(format!("{name}() takes at most 2 arguments ({} given)", a.pos.len() - 1)));
    }
    for (n, v) in a.names.iter().zip(a.kw) {
        match n.as_str() {
            "sep" => sep = Some(v.clone()),
            "maxsplit" => maxsplit = Some(v.clone()),
            other => return Err(rt.type_error(format!("'{other}' is an invalid keyword argument for {name}()"))),
        }
    }
    let sep = match sep {
        None | Some(Value::None) => None,
        Some(Value::Str(s)) => {
            if s.is_empty() {
                return Err(rt.value_error("empty separator"));
            }
            Some(s.as_str().to_string())
        }
        Some(other) => return Err(rt.type_error(format!("must be str or None, not {}", ops::type_name(rt, &other)))),
    };
    let maxsplit = match maxsplit {
        None => -1,
        Some(v) => ops::int_arg(rt, &v).map_err(ops::expect_raise)?,
    };
    Ok((sep, maxsplit))
}

fn split(rt: &mut Runtime, a: Args) -> Ret {
    let (sep, maxsplit) = match split_args(rt, &a, "split") {
        Ok(x) => x,
        Err(e) => return raise(e),
    };
    let s = this(&a);
    let t = s.as_str();
    let parts: Vec<Value> = match sep {
        Some(sep) => {
            if maxsplit < 0 {
                t.split(sep.as_str()).map(Value::str).collect()
            } else {
                t.splitn(maxsplit as usize + 1, sep.as_str()).map(Value::str).collect()
            }
        }
        None => {
            let mut out = Vec::new();
            let mut rest = t.trim_start_matches(is_py_space);
            while !rest.is_empty() {
                if maxsplit >= 0 && out.len() as i64 == maxsplit {
                    out.push(Value::str(rest));
                    break;
                }
                let end = rest.find(is_py_space).unwrap_or(rest.len());
                out.push(Value::str(&rest[..end]));
                rest = rest[end..].trim_start_matches(is_py_space);
            }
            out
        }
    };
    Ret::Val(Value::list(parts))
}

fn rsplit(rt: &mut Runtime, a: Args) -> Ret {
    let (sep, maxsplit) = match split_args(rt, &a, "rsplit") {
        Ok(x) => x,
        Err(e) => return raise(e),
    };
    let s = this(&a);
    let t = s.as_str();
    let mut parts: Vec<Value> = match sep {
        Some(sep) => {
            if maxsplit < 0 {
                t.rsplit(sep.as_str()).map(Value::str).collect()
            } else {
                t.rsplitn(maxsplit as usize + 1, sep.as_str()).map(Value::str).collect()
            }
        }
        None => {
            let mut out = Vec::new();
            let mut rest = t.trim_end_matches(is_py_space);
            while !rest.is_empty() {
                if maxsplit >= 0 && out.len() as i64 == maxsplit {
                    out.push(Value::str(rest));
                    break;
                }
                let start = rest.rfind(is_py_space).map(|i| i + rest[i..].chars().next().unwrap().len_utf8()).unwrap_or(0);
                out.push(Value::str(&rest[start..]));
                rest = rest[..start].trim_end_matches(is_py_space);
            }
            out
        }
    };
    parts.reverse();
    Ret::Val(Value::list(parts))
}

fn splitlines(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_pos(rt, &a, "splitlines", 1) {
        return raise(e);
    }
    // `keepends` is an int (bools included), as CPython's argument clinic takes it.
    let keep = match a.pos.get(1).or(a.kw("keepends")) {
        Some(v) => match ops::int_arg(rt, v) {
            Ok(n) => n != 0,
            Err(e) => return raise(ops::expect_raise(e)),
        },
        None => false,
    };
    let s = this(&a);
    let t = s.as_str();
    let mut out = Vec::new();
    let mut start = 0;
    let b: Vec<(usize, char)> = t.char_indices().collect();
    let mut i = 0;
    while i < b.len() {
        let (pos, c) = b[i];
        let is_break = matches!(c, '\n' | '\r' | '\x0b' | '\x0c' | '\x1c' | '\x1d' | '\x1e' | '\u{85}' | '\u{2028}' | '\u{2029}');
        if is_break {
            let mut end = pos + c.len_utf8();
            if c == '\r' && i + 1 < b.len() && b[i + 1].1 == '\n' {
                end += 1;
                i += 1;
            }
            out.push(Value::str(if keep { &t[start..end] } else { &t[start..pos] }));
            start = end;
        }
        i += 1;
    }
    if start < t.len() {
        out.push(Value::str(&t[start..]));
    }
    Ret::Val(Value::list(out))
}

fn join(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_method(rt, &a, "str.join", 1, 1) {
        return raise(e);
    }
    let sep = this(&a);
    let sep2 = sep.clone();
    if let Some(r) = super::consume::collect_task(rt, &a.pos[1], move |rt, items| join_items(rt, &sep2, &items)) {
        return r;
    }
    let items = match ops::iter::collect(rt, &a.pos[1]) {
        Ok(v) => v,
        Err(e) => return raise(ops::expect_raise(e)),
    };
    match join_items(rt, &sep, &items) {
        Ok(v) => Ret::Val(v),
        Err(e) => raise(e),
    }
}

/// `sep.join(items)` once the items are collected.
fn join_items(rt: &mut Runtime, sep: &PyStr, items: &[Value]) -> Result<Value, crate::runtime::class::Exc> {
    let mut out = String::new();
    for (i, x) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(sep.as_str());
        }
        match x {
            Value::Str(s) => out.push_str(s.as_str()),
            other => {
                let tn = ops::type_name(rt, other);
                return Err(rt.type_error(format!("sequence item {i}: expected str instance, {tn} found")));
            }
        }
    }
    Ok(Value::string(out))
}

/// Resolve `start`/`end` arguments to byte offsets of `s`; `None` when the range is
/// empty with `start` past `end` (nothing matches there, not even `''`).
fn range_args(rt: &mut Runtime, s: &PyStr, a: &Args, from: usize) -> Result<Option<(usize, usize)>, crate::runtime::class::Exc> {
    let n = s.len() as i64;
    let get = |rt: &mut Runtime, i: usize, default: i64| -> Result<i64, crate::runtime::class::Exc> {
        match a.pos.get(i) {
            None | Some(Value::None) => Ok(default),
            Some(v) => ops::slice_bound(rt, v, true).map_err(ops::expect_raise),
        }
    };
    let mut start = get(rt, from, 0)?;
    let mut end = get(rt, from + 1, n)?;
    if start < 0 {
        start = (start + n).max(0);
    }
    if end < 0 {
        end = (end + n).max(0);
    }
    let end = end.min(n);
    if start > end {
        return Ok(None);
    }
    Ok(Some((s.byte_offset(start as usize), s.byte_offset(end as usize))))
}

fn char_index(s: &str, byte: usize) -> i64 {
    s[..byte].chars().count() as i64
}

fn find_impl(rt: &mut Runtime, a: Args, name: &str, rev: bool, strict: bool) -> Ret {
    if let Err(e) = check_tuple(rt, &a, name, 1, 3) {
        return raise(e);
    }
    let s = this(&a);
    let sub = match str_arg(rt, &a.pos[1], "must be str") {
        Ok(x) => x.to_string(),
        Err(_) => {
            let tn = ops::type_name(rt, &a.pos[1]);
            return raise(rt.type_error(format!("must be str, not {tn}")));
        }
    };
    let (st, en) = match range_args(rt, &s, &a, 2) {
        Ok(Some(r)) => r,
        Ok(None) => return not_found(rt, strict),
        Err(e) => return raise(e),
    };
    let hay = &s.as_str()[st..en];
    let found = if rev { hay.rfind(sub.as_str()) } else { hay.find(sub.as_str()) };
    match found {
        Some(b) => Ret::Val(Value::Int(char_index(s.as_str(), st + b))),
        None => {
            // An empty needle matches at the clamped start even past the end.
            not_found(rt, strict)
        }
    }
}

fn not_found(rt: &mut Runtime, strict: bool) -> Ret {
    if strict {
        raise(rt.value_error("substring not found"))
    } else {
        Ret::Val(Value::Int(-1))
    }
}

fn find(rt: &mut Runtime, a: Args) -> Ret {
    find_impl(rt, a, "str.find", false, false)
}

fn rfind(rt: &mut Runtime, a: Args) -> Ret {
    find_impl(rt, a, "str.rfind", true, false)
}

fn index(rt: &mut Runtime, a: Args) -> Ret {
    find_impl(rt, a, "str.index", false, true)
}

fn rindex(rt: &mut Runtime, a: Args) -> Ret {
    find_impl(rt, a, "str.rindex", true, true)
}

fn count(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_tuple(rt, &a, "str.count", 1, 3) {
        return raise(e);
    }
    let s = this(&a);
    let Value::Str(sub) = &a.pos[1] else {
        let tn = ops::type_name(rt, &a.pos[1]);
        return raise(rt.type_error(format!("must be str, not {tn}")));
    };
    let (st, en) = match range_args(rt, &s, &a, 2) {
        Ok(Some(r)) => r,
        Ok(None) => return Ret::Val(Value::Int(0)),
        Err(e) => return raise(e),
    };
    let hay = &s.as_str()[st..en];
    let n = if sub.is_empty() { hay.chars().count() + 1 } else { hay.matches(sub.as_str()).count() };
    Ret::Val(Value::Int(n as i64))
}

fn affix(rt: &mut Runtime, a: Args, name: &str, start: bool) -> Ret {
    if let Err(e) = check_tuple(rt, &a, name, 1, 3) {
        return raise(e);
    }
    let s = this(&a);
    let range = match range_args(rt, &s, &a, 2) {
        Ok(r) => r,
        Err(e) => return raise(e),
    };
    let test = |p: &str| match range {
        Some((st, en)) => {
            let hay = &s.as_str()[st..en];
            if start { hay.starts_with(p) } else { hay.ends_with(p) }
        }
        None => false,
    };
    match &a.pos[1] {
        Value::Str(p) => Ret::Val(Value::Bool(test(p.as_str()))),
        Value::Tuple(t) => {
            for x in t.items() {
                match x {
                    Value::Str(p) => {
                        if test(p.as_str()) {
                            return Ret::Val(Value::Bool(true));
                        }
                    }
                    other => {
                        let tn = ops::type_name(rt, other);
                        return raise(rt.type_error(format!("tuple for {}swith must only contain str, not {tn}", if start { "start" } else { "end" })));
                    }
                }
            }
            Ret::Val(Value::Bool(false))
        }
        other => {
            let tn = ops::type_name(rt, other);
            raise(rt.type_error(format!("{}swith first arg must be str or a tuple of str, not {tn}", if start { "start" } else { "end" })))
        }
    }
}

fn startswith(rt: &mut Runtime, a: Args) -> Ret {
    affix(rt, a, "str.startswith", true)
}

fn endswith(rt: &mut Runtime, a: Args) -> Ret {
    affix(rt, a, "str.endswith", false)
}

fn replace(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_clinic(rt, &a, "str.replace", 2, 3) {
        return raise(e);
    }
    let s = this(&a);
    let (Value::Str(old), Value::Str(new)) = (&a.pos[1], &a.pos[2]) else {
        let bad = if matches!(a.pos[1], Value::Str(_)) { &a.pos[2] } else { &a.pos[1] };
        let tn = ops::type_name(rt, bad);
        return raise(rt.type_error(format!("replace() argument {} must be str, not {tn}", if matches!(a.pos[1], Value::Str(_)) { 2 } else { 1 })));
    };
    let n = match a.pos.get(3) {
        Some(v) => match ops::int_arg(rt, v) {
            Ok(n) => n,
            Err(e) => return raise(ops::expect_raise(e)),
        },
        None => -1,
    };
    let out = if n < 0 {
        s.as_str().replace(old.as_str(), new.as_str())
    } else if old.is_empty() {
        // Insert `new` before each of the first n characters (and at the end if n allows).
        let mut out = String::new();
        let mut k = 0;
        for c in s.as_str().chars() {
            if k < n {
                out.push_str(new.as_str());
                k += 1;
            }
            out.push(c);
        }
        if k < n {
            out.push_str(new.as_str());
        }
        out
    } else {
        s.as_str().replacen(old.as_str(), new.as_str(), n as usize)
    };
    sval(out)
}

fn pad(rt: &mut Runtime, a: Args, name: &str, kind: u8) -> Ret {
    if let Err(e) = check_clinic(rt, &a, name, 1, 2) {
        return raise(e);
    }
    let s = this(&a);
    let width = match ops::int_arg(rt, &a.pos[1]) {
        Ok(w) => w.max(0) as usize,
        Err(e) => return raise(ops::expect_raise(e)),
    };
    let fill = match a.pos.get(2) {
        None => ' ',
        Some(Value::Str(f)) if f.len() == 1 => f.char_at(0),
        Some(_) => return raise(rt.type_error("The fill character must be exactly one character long")),
    };
    let len = s.len();
    if width <= len {
        return Ret::Val(a.pos[0].clone());
    }
    let total = width - len;
    if let Err(e) = crate::limits::check_items(rt, total, fill.len_utf8()) {
        return raise(e);
    }
    let (left, right) = match kind {
        b'l' => (0, total),
        b'r' => (total, 0),
        _ => {
            let left = total / 2 + (total & width & 1);
            (left, total - left)
        }
    };
    let mut out = String::new();
    out.extend(std::iter::repeat(fill).take(left));
    out.push_str(s.as_str());
    out.extend(std::iter::repeat(fill).take(right));
    sval(out)
}

fn ljust(rt: &mut Runtime, a: Args) -> Ret {
    pad(rt, a, "str.ljust", b'l')
}

fn rjust(rt: &mut Runtime, a: Args) -> Ret {
    pad(rt, a, "str.rjust", b'r')
}

fn center(rt: &mut Runtime, a: Args) -> Ret {
    pad(rt, a, "str.center", b'c')
}

fn zfill(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_method(rt, &a, "str.zfill", 1, 1) {
        return raise(e);
    }
    let s = this(&a);
    let width = match ops::int_arg(rt, &a.pos[1]) {
        Ok(w) => w.max(0) as usize,
        Err(e) => return raise(ops::expect_raise(e)),
    };
    let len = s.len();
    if width <= len {
        return Ret::Val(a.pos[0].clone());
    }
    if let Err(e) = crate::limits::check_alloc(rt, width) {
        return raise(e);
    }
    let t = s.as_str();
    let (sign, rest) = match t.chars().next() {
        Some(c @ ('+' | '-')) => (Some(c), &t[1..]),
        _ => (None, t),
    };
    let mut out = String::new();
    if let Some(c) = sign {
        out.push(c);
    }
    out.extend(std::iter::repeat('0').take(width - len));
    out.push_str(rest);
    sval(out)
}

fn partition_impl(rt: &mut Runtime, a: Args, name: &str, rev: bool) -> Ret {
    if let Err(e) = check_method(rt, &a, name, 1, 1) {
        return raise(e);
    }
    let s = this(&a);
    let Value::Str(sep) = &a.pos[1] else {
        let tn = ops::type_name(rt, &a.pos[1]);
        return raise(rt.type_error(format!("must be str, not {tn}")));
    };
    if sep.is_empty() {
        return raise(rt.value_error("empty separator"));
    }
    let t = s.as_str();
    let found = if rev { t.rfind(sep.as_str()) } else { t.find(sep.as_str()) };
    let parts = match found {
        Some(i) => vec![Value::str(&t[..i]), Value::Str(sep.clone()), Value::str(&t[i + sep.as_str().len()..])],
        None if rev => vec![Value::str(""), Value::str(""), a.pos[0].clone()],
        None => vec![a.pos[0].clone(), Value::str(""), Value::str("")],
    };
    Ret::Val(Value::tuple(parts))
}

fn partition(rt: &mut Runtime, a: Args) -> Ret {
    partition_impl(rt, a, "str.partition", false)
}

fn rpartition(rt: &mut Runtime, a: Args) -> Ret {
    partition_impl(rt, a, "str.rpartition", true)
}

fn removeprefix(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_method(rt, &a, "str.removeprefix", 1, 1) {
        return raise(e);
    }
    let s = this(&a);
    match &a.pos[1] {
        Value::Str(p) => sval(s.as_str().strip_prefix(p.as_str()).unwrap_or(s.as_str()).to_string()),
        other => {
            let tn = ops::type_name(rt, other);
            raise(rt.type_error(format!("removeprefix() argument must be str, not {tn}")))
        }
    }
}

fn removesuffix(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_method(rt, &a, "str.removesuffix", 1, 1) {
        return raise(e);
    }
    let s = this(&a);
    match &a.pos[1] {
        Value::Str(p) => sval(s.as_str().strip_suffix(p.as_str()).unwrap_or(s.as_str()).to_string()),
        other => {
            let tn = ops::type_name(rt, other);
            raise(rt.type_error(format!("removesuffix() argument must be str, not {tn}")))
        }
    }
}

fn encode(rt: &mut Runtime, a: Args) -> Ret {
    let (enc, errors) = match super::codecs::codec_args(rt, &a, "encode") {
        Ok(x) => x,
        Err(e) => return raise(e),
    };
    let s = this(&a);
    match super::codecs::encode_str(rt, s.as_str(), &enc, &errors) {
        Ok(b) => Ret::Val(super::bytes::bytes_value(b)),
        Err(e) => raise(e),
    }
}

/// OverflowError for a tab size beyond a C int, MemoryError when `tabs` tabs of that
/// size would not fit (as CPython's `expandtabs`).
pub(crate) fn tabs_fit(rt: &Runtime, tabs: usize, size: i64) -> Result<(), crate::runtime::class::Exc> {
    if size > i32::MAX as i64 {
        return Err(rt.exc_msg(&rt.types.overflow_error, "Python int too large to convert to C int"));
    }
    crate::limits::check_items(rt, tabs, size.max(0) as usize)
}

fn expandtabs(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_pos(rt, &a, "expandtabs", 1) {
        return raise(e);
    }
    let s = this(&a);
    let size = match a.pos.get(1).or(a.kw("tabsize")) {
        Some(v) => match ops::int_arg(rt, v) {
            Ok(n) => n,
            Err(e) => return raise(ops::expect_raise(e)),
        },
        None => 8,
    };
    if let Err(e) = tabs_fit(rt, s.as_str().bytes().filter(|&c| c == b'\t').count(), size) {
        return raise(e);
    }
    let mut out = String::new();
    let mut col = 0i64;
    for c in s.as_str().chars() {
        match c {
            '\t' => {
                if size > 0 {
                    let n = size - col % size;
                    out.extend(std::iter::repeat(' ').take(n as usize));
                    col += n;
                }
            }
            '\n' | '\r' => {
                out.push(c);
                col = 0;
            }
            _ => {
                out.push(c);
                col += 1;
            }
        }
    }
    sval(out)
}

fn maketrans(rt: &mut Runtime, a: Args) -> Ret {
    let d = Rc::new(crate::runtime::dict::Dict::new());
    let r = (|| -> PyResult<()> {
        match a.pos.len() {
            1 => {
                let Value::Dict(src) = &a.pos[0] else {
                    return ops::raise(rt.type_error("if you give only one argument to maketrans it must be a dict"));
                };
                let entries: Vec<(Value, Value)> = src.borrow().iter().map(|e| (e.key.clone(), e.value.clone())).collect();
                for (k, v) in entries {
                    let key = match &k {
                        Value::Str(c) if c.len() == 1 => Value::Int(c.char_at(0) as i64),
                        Value::Str(_) => return ops::raise(rt.value_error("string keys in translate table must be of length 1")),
                        Value::Int(_) | Value::Bool(_) | Value::BigInt(_) => k.clone(),
                        _ => return ops::raise(rt.type_error("keys in translate table must be strings or integers")),
                    };
                    super::dicts::dict_set(rt, &d, key, v)?;
                }
            }
            2 | 3 => {
                let (Value::Str(x), Value::Str(y)) = (&a.pos[0], &a.pos[1]) else {
                    return ops::raise(rt.type_error("maketrans() argument 2 must be str"));
                };
                if x.len() != y.len() {
                    return ops::raise(rt.value_error("the first two maketrans arguments must have equal length"));
                }
                for (c, t) in x.as_str().chars().zip(y.as_str().chars()) {
                    super::dicts::dict_set(rt, &d, Value::Int(c as i64), Value::Int(t as i64))?;
                }
                if let Some(z) = a.pos.get(2) {
                    let Value::Str(z) = z else {
                        let tn = ops::type_name(rt, z);
                        return ops::raise(rt.type_error(format!("maketrans() argument 3 must be str, not {tn}")));
                    };
                    for c in z.as_str().chars() {
                        super::dicts::dict_set(rt, &d, Value::Int(c as i64), Value::None)?;
                    }
                }
            }
            n => {
                let msg = if n == 0 { "maketrans expected at least 1 argument, got 0".to_string() } else { format!("maketrans expected at most 3 arguments, got {n}") };
                return ops::raise(rt.type_error(msg));
            }
        }
        Ok(())
    })();
    match r {
        Ok(()) => Ret::Val(Value::Dict(d)),
        Err(e) => raise(ops::expect_raise(e)),
    }
}

fn translate(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_method(rt, &a, "str.translate", 1, 1) {
        return raise(e);
    }
    let s = this(&a);
    let table = a.pos[1].clone();
    let mut out = String::with_capacity(s.as_str().len());
    for c in s.as_str().chars() {
        match ops::item::getitem(rt, &table, &Value::Int(c as i64)) {
            Ok(Value::None) => {}
            Ok(Value::Str(t)) => out.push_str(t.as_str()),
            Ok(v @ (Value::Int(_) | Value::Bool(_) | Value::BigInt(_))) => match ops::as_int(&v).and_then(|i| u32::try_from(i).ok()).and_then(char::from_u32) {
                Some(ch) => out.push(ch),
                None => return raise(rt.value_error("character mapping must be in range(0x110000)")),
            },
            Ok(_) => return raise(rt.type_error("character mapping must return integer, None or str")),
            Err(ops::Fail::Raise(e)) if ops::exc_matches(&e, &rt.types.exc("LookupError")) => out.push(c),
            Err(e) => return raise(ops::expect_raise(e)),
        }
    }
    sval(out)
}

/// Register str methods.
pub fn install(rt: &mut Runtime) {
    super::strcase::install(rt);
    let s = rt.types.str.clone();
    for (name, f) in [
        ("strip", strip as crate::eval::native::NativeImpl),
        ("lstrip", lstrip),
        ("rstrip", rstrip),
        ("split", split),
        ("rsplit", rsplit),
        ("splitlines", splitlines),
        ("join", join),
        ("find", find),
        ("rfind", rfind),
        ("index", index),
        ("rindex", rindex),
        ("count", count),
        ("startswith", startswith),
        ("endswith", endswith),
        ("replace", replace),
        ("ljust", ljust),
        ("rjust", rjust),
        ("center", center),
        ("zfill", zfill),
        ("partition", partition),
        ("rpartition", rpartition),
        ("removeprefix", removeprefix),
        ("removesuffix", removesuffix),
        ("encode", encode),
        ("expandtabs", expandtabs),
        ("format", super::format::str_format_method),
        ("format_map", super::format::format_map),
        ("translate", translate),
    ] {
        add_method(&s, name, f);
    }
    let mt = super::native("maketrans", maketrans);
    s.dict.set_str(crate::runtime::intern::intern("maketrans"), Value::Obj(crate::runtime::objref::ObjRef::new(crate::runtime::descr::StaticMethod(mt))));
}
