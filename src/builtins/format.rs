//! `format(value, spec)`: built-in numbers and strings through the format-spec
//! engine, user classes through `__format__`; and `str.format`/`str.format_map`.

use super::{check_method, raise, ret};
use crate::eval::native::{Args, Ret};
use crate::ops::{self, PyResult};
use crate::runtime::str::PyStr;
use std::rc::Rc;
use crate::runtime::format::{self as fmt, ErrorKind, FormatError, IntRef};
use crate::runtime::value::Value;
use crate::runtime::Runtime;

/// Turn a formatting error into the Python exception it names.
pub fn format_error(rt: &Runtime, e: FormatError) -> ops::Fail {
    let cls = match e.kind {
        ErrorKind::ValueError => rt.types.value_error.clone(),
        ErrorKind::TypeError => rt.types.type_error.clone(),
        ErrorKind::OverflowError => rt.types.overflow_error.clone(),
        ErrorKind::MemoryError => rt.types.memory_error.clone(),
    };
    ops::Fail::Raise(rt.exc_msg(&cls, e.message))
}

/// `format(v, spec)`.
pub fn format_value(rt: &mut Runtime, v: &Value, spec: &str) -> PyResult<String> {
    let r = match v {
        Value::Str(s) => fmt::format_str(s.as_str(), spec),
        Value::Int(i) => fmt::format_i64(*i, spec),
        Value::BigInt(b) => fmt::format_int(b, spec),
        Value::Bool(b) => {
            if spec.is_empty() {
                return Ok(if *b { "True" } else { "False" }.to_string());
            }
            fmt::format_int_as(IntRef::Small(*b as i64), spec, "bool")
        }
        Value::Float(f) => fmt::format_float(*f, spec),
        Value::Inst(_) | Value::Obj(_) => {
            if let Some(m) = ops::attr::lookup_special(rt, v, "__format__") {
                let r = ops::call::call_value(rt, m, vec![v.clone(), Value::str(spec)])?;
                return match r {
                    Value::Str(s) => Ok(s.as_str().to_string()),
                    other => {
                        let tn = ops::type_name(rt, &other);
                        ops::raise(rt.type_error(format!("__format__ must return a str, not {tn}")))
                    }
                };
            }
            if let Some(b) = ops::num::base_value(v) {
                // The built-in `__format__` with an empty spec is `str(self)`.
                if !spec.is_empty() {
                    return format_value(rt, &b, spec);
                }
            }
            return object_format(rt, v, spec);
        }
        _ => return object_format(rt, v, spec),
    };
    r.map_err(|e| format_error(rt, e))
}

/// `object.__format__`: only the empty spec is allowed; it means `str(v)`.
fn object_format(rt: &mut Runtime, v: &Value, spec: &str) -> PyResult<String> {
    if !spec.is_empty() {
        let tn = ops::type_name(rt, v);
        return ops::raise(rt.type_error(format!("unsupported format string passed to {tn}.__format__")));
    }
    Ok(ops::repr::to_str(rt, v)?.as_str().to_string())
}

/// `str.format`.
pub fn str_format_method(rt: &mut Runtime, a: Args) -> Ret {
    let s = match &a.pos[0] {
        Value::Str(s) => s.clone(),
        _ => Rc::new(PyStr::new("")),
    };
    ret(str_format(rt, s.as_str(), &a.pos[1..], a.names, a.kw).map(Value::string))
}

/// `str.format_map`.
pub fn format_map(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_method(rt, &a, "str.format_map", 1, 1) {
        return raise(e);
    }
    let s = match &a.pos[0] {
        Value::Str(s) => s.clone(),
        _ => Rc::new(PyStr::new("")),
    };
    let mapping = a.pos[1].clone();
    let mut fields = Fields { args: None, auto: None, manual: false };
    let mut lookup = |rt: &mut Runtime, name: &str| ops::item::getitem(rt, &mapping, &Value::str(name));
    ret(format_impl(rt, s.as_str(), &mut fields, &mut lookup, 0).map(Value::string))
}

/// `fmt.format(*args, **kwargs)`.
pub fn str_format(rt: &mut Runtime, fmt: &str, args: &[Value], names: &[Rc<PyStr>], kw: &[Value]) -> PyResult<String> {
    let mut lookup = |rt: &mut Runtime, name: &str| -> PyResult<Value> {
        match names.iter().position(|n| n.as_str() == name) {
            Some(i) => Ok(kw[i].clone()),
            None => ops::raise(rt.new_exc(&rt.types.key_error, vec![Value::str(name)])),
        }
    };
    let mut fields = Fields { args: Some(args), auto: None, manual: false };
    format_impl(rt, fmt, &mut fields, &mut lookup, 0)
}

/// The positional arguments of one `format` call and how its fields number them. One
/// numbering runs through the whole string, nested specs included, as in CPython:
/// `"{:{}}".format(x, 8)` formats `x` with the spec `8`.
struct Fields<'a> {
    /// `None` for `format_map`, which has no positional arguments.
    args: Option<&'a [Value]>,
    /// The index the last automatically numbered field (`{}`) took.
    auto: Option<usize>,
    /// Whether a field named its index (`{0}`).
    manual: bool,
}

impl Fields<'_> {
    /// The argument at `n`, or the error CPython gives for a missing one.
    fn arg(&self, rt: &mut Runtime, n: usize) -> PyResult<Value> {
        let Some(args) = self.args else {
            return ops::raise(rt.value_error("Format string contains positional fields"));
        };
        match args.get(n) {
            Some(v) => Ok(v.clone()),
            None => ops::raise(rt.exc_named("IndexError", format!("Replacement index {n} out of range for positional args tuple"))),
        }
    }
}

fn format_impl(rt: &mut Runtime, fmt: &str, fields: &mut Fields, lookup: &mut dyn FnMut(&mut Runtime, &str) -> PyResult<Value>, depth: usize) -> PyResult<String> {
    if depth > 1 {
        return ops::raise(rt.value_error("Max string recursion exceeded"));
    }
    let mut out = String::new();
    let chars: Vec<char> = fmt.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '}' {
            if chars.get(i + 1) == Some(&'}') {
                out.push('}');
                i += 2;
                continue;
            }
            return ops::raise(rt.value_error("Single '}' encountered in format string"));
        }
        if c != '{' {
            out.push(c);
            i += 1;
            continue;
        }
        if chars.get(i + 1) == Some(&'{') {
            out.push('{');
            i += 2;
            continue;
        }
        if i + 1 == chars.len() {
            return ops::raise(rt.value_error("Single '{' encountered in format string"));
        }
        // Find the matching '}' (specs may nest one level of braces).
        let mut j = i + 1;
        let mut nest = 0;
        // In the field name, `[...]` may hold any character (even `}`).
        let mut in_name = true;
        let mut in_bracket = false;
        while j < chars.len() {
            match chars[j] {
                ']' if in_bracket => in_bracket = false,
                _ if in_bracket => {}
                '[' if in_name => in_bracket = true,
                ':' | '!' if in_name => in_name = false,
                '{' => nest += 1,
                '}' if nest == 0 => break,
                '}' => nest -= 1,
                _ => {}
            }
            j += 1;
        }
        if j >= chars.len() {
            let field = &chars[i + 1..];
            let msg = if field.contains(&'!') || field.contains(&':') { "unmatched '{' in format spec" } else { "expected '}' before end of string" };
            return ops::raise(rt.value_error(msg));
        }
        let field: String = chars[i + 1..j].iter().collect();
        i = j + 1;
        let (name_part, spec) = match field.find(':') {
            Some(k) => (&field[..k], &field[k + 1..]),
            None => (&field[..], ""),
        };
        let (name_part, conv) = match name_part.find('!') {
            Some(k) => (&name_part[..k], Some(&name_part[k + 1..])),
            None => (name_part, None),
        };
        // The first name component, then `.attr` / `[key]` accessors.
        let end = name_part.find(['.', '[']).unwrap_or(name_part.len());
        let first = &name_part[..end];
        let mut value = if first.is_empty() {
            if fields.manual {
                return ops::raise(rt.value_error("cannot switch from manual field specification to automatic field numbering"));
            }
            let n = fields.auto.map_or(0, |n| n + 1);
            fields.auto = Some(n);
            fields.arg(rt, n)?
        } else if let Ok(n) = first.parse::<usize>() {
            if fields.auto.is_some() {
                return ops::raise(rt.value_error("cannot switch from automatic field numbering to manual field specification"));
            }
            fields.manual = true;
            fields.arg(rt, n)?
        } else {
            lookup(rt, first)?
        };
        let mut rest = &name_part[end..];
        while !rest.is_empty() {
            if let Some(r) = rest.strip_prefix('.') {
                let e = r.find(['.', '[']).unwrap_or(r.len());
                if e == 0 {
                    return ops::raise(rt.value_error("Empty attribute in format string"));
                }
                value = ops::attr::getattr(rt, &value, &crate::runtime::intern::intern(&r[..e]))?;
                rest = &r[e..];
            } else if let Some(r) = rest.strip_prefix('[') {
                let Some(e) = r.find(']') else {
                    return ops::raise(rt.value_error("Missing ']' in format string"));
                };
                let key = &r[..e];
                let k = match key.parse::<i64>() {
                    Ok(n) => Value::Int(n),
                    Err(_) => Value::str(key),
                };
                value = ops::item::getitem(rt, &value, &k)?;
                rest = &r[e + 1..];
            } else {
                return ops::raise(rt.value_error("Only '.' or '[' may follow ']' in format field specifier"));
            }
        }
        let value = match conv {
            None => value,
            Some("r") => Value::Str(ops::repr::repr(rt, &value)?),
            Some("s") => Value::Str(ops::repr::to_str(rt, &value)?),
            Some("a") => Value::string(super::strings::ascii_of(&*ops::repr::repr(rt, &value)?)),
            Some("") => return ops::raise(rt.value_error("unmatched '{' in format spec")),
            Some(c) if c.chars().count() > 1 => return ops::raise(rt.value_error("expected ':' after conversion specifier")),
            Some(c) => return ops::raise(rt.value_error(format!("Unknown conversion specifier {c}"))),
        };
        let spec = if spec.contains('{') { format_impl(rt, spec, fields, lookup, depth + 1)? } else { spec.to_string() };
        out.push_str(&format_value(rt, &value, &spec)?);
    }
    Ok(out)
}
