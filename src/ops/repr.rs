//! `repr()` and `str()` of every kind of value, as CPython prints them.

use super::{attr, call, raise, type_name, type_of, PyResult};
use crate::runtime::class::Kind;
use crate::runtime::str::PyStr;
use crate::runtime::value::Value;
use crate::runtime::Runtime;
use std::fmt::Write;
use std::rc::Rc;

/// CPython's limit on int-to-string conversion.
const MAX_STR_DIGITS: usize = 4300;

/// The decimal text of a big int, with CPython's digit limit.
pub fn bigint_str(rt: &Runtime, b: &num_bigint::BigInt) -> PyResult<String> {
    if b.bits() > (MAX_STR_DIGITS as u64) * 3322 / 1000 + 8 {
        let s = b.to_string();
        let digits = s.trim_start_matches('-').len();
        if digits > MAX_STR_DIGITS {
            return raise(rt.value_error(format!(
                "Exceeds the limit ({MAX_STR_DIGITS} digits) for integer string conversion; use sys.set_int_max_str_digits() to increase the limit"
            )));
        }
        return Ok(s);
    }
    Ok(b.to_string())
}

/// Whether CPython's `str.isprintable()` holds for a character (approximation of the
/// Unicode tables for the categories that matter: controls, separators, format chars).
pub fn is_printable(c: char) -> bool {
    let u = c as u32;
    if u < 0x20 || (0x7f..0xa1).contains(&u) || u == 0xad {
        return false;
    }
    !matches!(u, 0x2028 | 0x2029 | 0x200b..=0x200f | 0x202a..=0x202e | 0x2060..=0x2064 | 0xfeff | 0xe000..=0xf8ff
        | 0xfff9..=0xfffb | 0xf0000..=0x10ffff | 0x1680 | 0x2000..=0x200a | 0x205f | 0x3000 | 0x0600..=0x0605 | 0x061c | 0x06dd | 0x070f | 0x180e)
}

/// `repr()` of a str.
pub fn str_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') { '"' } else { '\'' };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if is_printable(c) => out.push(c),
            c => {
                let u = c as u32;
                if u < 0x100 {
                    let _ = write!(out, "\\x{u:02x}");
                } else if u < 0x10000 {
                    let _ = write!(out, "\\u{u:04x}");
                } else {
                    let _ = write!(out, "\\U{u:08x}");
                }
            }
        }
    }
    out.push(quote);
    out
}

/// `repr()` of bytes.
pub fn bytes_repr(b: &[u8]) -> String {
    let quote = if b.contains(&b'\'') && !b.contains(&b'"') { b'"' } else { b'\'' };
    let mut out = String::with_capacity(b.len() + 3);
    out.push('b');
    out.push(quote as char);
    for &c in b {
        match c {
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c as char);
            }
            0x20..=0x7e => out.push(c as char),
            c => {
                let _ = write!(out, "\\x{c:02x}");
            }
        }
    }
    out.push(quote as char);
    out
}

/// `repr()` of a float.
pub fn float_repr(f: f64) -> String {
    crate::runtime::format::float_repr(f)
}

/// The default `<module.Name object at 0x...>` text.
pub fn default_repr(rt: &Runtime, v: &Value) -> String {
    let cls = type_of(rt, v);
    let module = cls.module.borrow();
    let qual = cls.qualname.borrow();
    if module.as_str() == "builtins" {
        format!("<{qual} object at {:#x}>", v.id())
    } else {
        format!("<{module}.{qual} object at {:#x}>", v.id())
    }
}

/// Guard against runaway nesting and recursive containers; returns false when `v` is
/// already being printed (the caller prints `[...]`).
fn enter(rt: &mut Runtime, v: &Value) -> PyResult<bool> {
    let id = v.id();
    if rt.repr_stack.contains(&id) {
        return Ok(false);
    }
    super::cmp::enter_recursive(rt, " while getting the repr of an object")?;
    rt.repr_stack.push(id);
    Ok(true)
}

fn leave(rt: &mut Runtime) {
    rt.repr_stack.pop();
    rt.repr_depth -= 1;
}

fn join_reprs(rt: &mut Runtime, items: &[Value], out: &mut String) -> PyResult<()> {
    for (i, x) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(repr(rt, x)?.as_str());
    }
    Ok(())
}

/// `repr(v)`.
pub fn repr(rt: &mut Runtime, v: &Value) -> PyResult<Rc<PyStr>> {
    let s = match v {
        Value::Str(s) => str_repr(s.as_str()),
        Value::Int(i) => i.to_string(),
        Value::Bool(b) => (if *b { "True" } else { "False" }).to_string(),
        Value::None => "None".to_string(),
        Value::Float(f) => float_repr(*f),
        Value::BigInt(b) => bigint_str(rt, b)?,
        Value::Bytes(b) => bytes_repr(&b.data),
        Value::List(l) => {
            if l.is_empty() {
                "[]".to_string()
            } else if !enter(rt, v)? {
                "[...]".to_string()
            } else {
                let mut out = String::from("[");
                let items = l.snapshot();
                let r = join_reprs(rt, &items, &mut out);
                leave(rt);
                r?;
                out.push(']');
                out
            }
        }
        Value::Tuple(t) => {
            if t.is_empty() {
                "()".to_string()
            } else {
                if !enter(rt, v)? {
                    return Ok(Rc::new(PyStr::new("(...)")));
                }
                let mut out = String::from("(");
                let r = join_reprs(rt, t.items(), &mut out);
                leave(rt);
                r?;
                if t.len() == 1 {
                    out.push(',');
                }
                out.push(')');
                out
            }
        }
        Value::Dict(d) => {
            if d.is_empty() {
                "{}".to_string()
            } else if !enter(rt, v)? {
                "{...}".to_string()
            } else {
                let entries: Vec<(Value, Value)> = d.borrow().iter().map(|e| (e.key.clone(), e.value.clone())).collect();
                let mut out = String::from("{");
                let mut res = Ok(());
                for (i, (k, val)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    match repr(rt, k).and_then(|ks| repr(rt, val).map(|vs| (ks, vs))) {
                        Ok((ks, vs)) => {
                            out.push_str(ks.as_str());
                            out.push_str(": ");
                            out.push_str(vs.as_str());
                        }
                        Err(e) => {
                            res = Err(e);
                            break;
                        }
                    }
                }
                leave(rt);
                res?;
                out.push('}');
                out
            }
        }
        Value::Set(s) => {
            let name = if s.frozen { "frozenset" } else { "set" };
            if s.is_empty() {
                format!("{name}()")
            } else if !enter(rt, v)? {
                format!("{name}(...)")
            } else {
                let items = s.items();
                let mut out = String::new();
                if s.frozen {
                    out.push_str("frozenset(");
                }
                out.push('{');
                let r = join_reprs(rt, &items, &mut out);
                leave(rt);
                r?;
                out.push('}');
                if s.frozen {
                    out.push(')');
                }
                out
            }
        }
        Value::Range(r) => r.repr(),
        Value::Slice(s) => {
            let (a, b, c) = (repr(rt, &s.start)?, repr(rt, &s.stop)?, repr(rt, &s.step)?);
            format!("slice({a}, {b}, {c})")
        }
        Value::Func(f) => format!("<function {} at {:#x}>", f.qualname.borrow(), v.id()),
        Value::Native(n) => match &n.bound {
            Some(recv) if !matches!(recv, Value::Obj(_)) || n.owner.is_some() => {
                let tn = match recv {
                    Value::Class(c) => {
                        return Ok(Rc::new(PyStr::from(format!("<built-in method {} of type object at {:#x}>", n.name, Value::Class(c.clone()).id()))))
                    }
                    _ => type_name(rt, recv),
                };
                if n.owner.is_some() && crate::builtins::descr::is_slot(n.name) {
                    return Ok(Rc::new(PyStr::from(format!("<method-wrapper '{}' of {} object at {:#x}>", n.name, tn, recv.id()))));
                }
                format!("<built-in method {} of {} object at {:#x}>", n.name, tn, recv.id())
            }
            _ => format!("<built-in function {}>", n.name),
        },
        Value::Method(m) => {
            let fname = match &m.func {
                Value::Func(f) => f.qualname.borrow().as_str().to_string(),
                other => attr::getattr(rt, other, &crate::runtime::intern::intern("__qualname__"))
                    .ok()
                    .and_then(|q| q.as_pystr().map(|s| s.as_str().to_string()))
                    .unwrap_or_else(|| "?".into()),
            };
            let r = repr(rt, &m.receiver)?;
            format!("<bound method {fname} of {r}>")
        }
        Value::Class(c) => {
            let module = c.module.borrow();
            if module.as_str() == "builtins" {
                format!("<class '{}'>", c.qualname.borrow())
            } else {
                format!("<class '{}.{}'>", module, c.qualname.borrow())
            }
        }
        Value::Inst(i) => {
            if let Some(m) = attr::lookup_special(rt, v, "__repr__") {
                let r = call::call_value(rt, m, vec![v.clone()])?;
                return match r {
                    Value::Str(s) => Ok(s),
                    other => raise(rt.type_error(format!("__repr__ returned non-string (type {})", type_name(rt, &other)))),
                };
            }
            if i.is_exception() {
                crate::builtins::exceptions::exc_repr(rt, i)?
            } else if let Some(b) = i.base.borrow().clone() {
                let inner = repr(rt, &b)?;
                match (&b, i.class().kind) {
                    // Subclasses of set and frozenset show their class name.
                    (Value::Set(s), Kind::Set | Kind::FrozenSet) => {
                        let name = i.class().name_str();
                        if s.is_empty() {
                            format!("{name}()")
                        } else if s.frozen {
                            format!("{name}({})", &inner.as_str()["frozenset(".len()..inner.as_str().len() - 1])
                        } else {
                            format!("{name}({inner})")
                        }
                    }
                    _ => inner.as_str().to_string(),
                }
            } else {
                default_repr(rt, v)
            }
        }
        Value::Gen(g) => format!("<{} object {} at {:#x}>", g.type_name(), g.qualname(), v.id()),
        Value::Iter(it) => format!("<{} object at {:#x}>", it.type_name(), v.id()),
        Value::Obj(o) => {
            if let Some(s) = o.repr(rt, v) {
                s
            } else if let Some(m) = attr::lookup_special(rt, v, "__repr__") {
                let r = call::call_value(rt, m, vec![v.clone()])?;
                return match r {
                    Value::Str(s) => Ok(s),
                    other => raise(rt.type_error(format!("__repr__ returned non-string (type {})", type_name(rt, &other)))),
                };
            } else {
                default_repr(rt, v)
            }
        }
        Value::NotImplemented => "NotImplemented".to_string(),
        Value::Ellipsis => "Ellipsis".to_string(),
    };
    Ok(Rc::new(PyStr::from(s)))
}

/// `str(v)`.
pub fn to_str(rt: &mut Runtime, v: &Value) -> PyResult<Rc<PyStr>> {
    match v {
        Value::Str(s) => Ok(s.clone()),
        Value::Int(i) => Ok(Rc::new(PyStr::from(i.to_string()))),
        Value::Inst(i) => {
            if let Some(m) = attr::lookup_special(rt, v, "__str__") {
                let r = call::call_value(rt, m, vec![v.clone()])?;
                return match r {
                    Value::Str(s) => Ok(s),
                    other => raise(rt.type_error(format!("__str__ returned non-string (type {})", type_name(rt, &other)))),
                };
            }
            if i.is_exception() {
                return crate::builtins::exceptions::exc_str(rt, i);
            }
            // Only `str` defines its own `__str__` (the string itself); the other
            // built-in types print their repr.
            if let Some(Value::Str(s)) = i.base.borrow().clone() {
                return Ok(s);
            }
            // `object.__str__` calls the type's `__repr__` directly, so a non-string
            // is reported as `__str__`'s result (CPython's `object_str`).
            if let Some(m) = attr::lookup_special(rt, v, "__repr__") {
                let r = call::call_value(rt, m, vec![v.clone()])?;
                return match r {
                    Value::Str(s) => Ok(s),
                    other => raise(rt.type_error(format!("__str__ returned non-string (type {})", type_name(rt, &other)))),
                };
            }
            repr(rt, v)
        }
        Value::Obj(o) => match o.str(rt, v) {
            Some(s) => Ok(Rc::new(PyStr::from(s))),
            None => repr(rt, v),
        },
        _ => repr(rt, v),
    }
}
