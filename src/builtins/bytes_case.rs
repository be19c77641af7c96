//! `bytes` methods that map bytes to bytes or test them: padding (`ljust`, `rjust`,
//! `center`, `zfill`), `expandtabs`, ASCII case (`upper` ... `istitle`) and
//! `maketrans`/`translate`, with CPython's argument handling and error messages.

use super::bytes::{bytes_arg, bytes_value, is_space, this};
use super::{add_method, check_clinic, check_method, check_pos, raise};
use crate::eval::native::{Args, NativeImpl, Ret};
use crate::ops;
use crate::runtime::class::Class;
use crate::runtime::descr::StaticMethod;
use crate::runtime::intern::intern;
use crate::runtime::value::Value;
use crate::runtime::Runtime;
use std::rc::Rc;

fn pad(rt: &mut Runtime, a: Args, name: &str, kind: u8) -> Ret {
    if let Err(e) = check_clinic(rt, &a, &format!("bytes.{name}"), 1, 2) {
        return raise(e);
    }
    let b = this(&a);
    let width = match ops::int_arg(rt, &a.pos[1]) {
        Ok(w) => w.max(0) as usize,
        Err(e) => return raise(ops::expect_raise(e)),
    };
    let fill = match a.pos.get(2) {
        None => b' ',
        Some(Value::Bytes(f)) if f.data.len() == 1 => f.data[0],
        Some(other) => {
            let tn = ops::type_name(rt, other);
            return raise(rt.type_error(format!("{name}() argument 2 must be a byte string of length 1, not {tn}")));
        }
    };
    let d = &b.data[..];
    if width <= d.len() {
        return Ret::Val(Value::Bytes(b.clone()));
    }
    let total = width - d.len();
    if let Err(e) = crate::limits::check_alloc(rt, total) {
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
    let mut out = vec![fill; left];
    out.extend_from_slice(d);
    out.extend(std::iter::repeat_n(fill, right));
    Ret::Val(bytes_value(out))
}

fn ljust(rt: &mut Runtime, a: Args) -> Ret {
    pad(rt, a, "ljust", b'l')
}

fn rjust(rt: &mut Runtime, a: Args) -> Ret {
    pad(rt, a, "rjust", b'r')
}

fn center(rt: &mut Runtime, a: Args) -> Ret {
    pad(rt, a, "center", b'c')
}

fn zfill(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_method(rt, &a, "bytes.zfill", 1, 1) {
        return raise(e);
    }
    let b = this(&a);
    let width = match ops::int_arg(rt, &a.pos[1]) {
        Ok(w) => w.max(0) as usize,
        Err(e) => return raise(ops::expect_raise(e)),
    };
    let d = &b.data[..];
    if width <= d.len() {
        return Ret::Val(Value::Bytes(b.clone()));
    }
    if let Err(e) = crate::limits::check_alloc(rt, width) {
        return raise(e);
    }
    let (sign, digits) = match d.first() {
        Some(b'+') | Some(b'-') => (&d[..1], &d[1..]),
        _ => (&d[..0], d),
    };
    let mut out = sign.to_vec();
    out.extend(std::iter::repeat_n(b'0', width - d.len()));
    out.extend_from_slice(digits);
    Ret::Val(bytes_value(out))
}

fn expandtabs(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_pos(rt, &a, "expandtabs", 1) {
        return raise(e);
    }
    let size = match a.pos.get(1).or(a.kw("tabsize")) {
        None => 8,
        Some(v) => match ops::int_arg(rt, v) {
            Ok(n) => n,
            Err(e) => return raise(ops::expect_raise(e)),
        },
    };
    let b = this(&a);
    if let Err(e) = super::strings::tabs_fit(rt, b.data.iter().filter(|&&c| c == b'\t').count(), size) {
        return raise(e);
    }
    let mut out = Vec::new();
    let mut col = 0i64;
    for &c in b.data.iter() {
        match c {
            b'\t' => {
                if size > 0 {
                    let n = size - col % size;
                    out.extend(std::iter::repeat_n(b' ', n as usize));
                    col += n;
                }
            }
            b'\n' | b'\r' => {
                out.push(c);
                col = 0;
            }
            _ => {
                out.push(c);
                col += 1;
            }
        }
    }
    Ret::Val(bytes_value(out))
}

macro_rules! map_bytes {
    ($($name:ident, $qual:literal => $f:expr;)*) => {
        $(
            fn $name(rt: &mut Runtime, a: Args) -> Ret {
                if let Err(e) = check_method(rt, &a, concat!("bytes.", $qual), 0, 0) {
                    return raise(e);
                }
                let f: fn(&[u8]) -> Value = $f;
                Ret::Val(f(&this(&a).data))
            }
        )*
    };
}

/// `title()` / `istitle()` word logic on ASCII letters.
fn title_bytes(d: &[u8]) -> Vec<u8> {
    let mut prev = false;
    d.iter()
        .map(|&c| {
            let r = if prev { c.to_ascii_lowercase() } else { c.to_ascii_uppercase() };
            prev = c.is_ascii_alphabetic();
            r
        })
        .collect()
}

map_bytes! {
    upper, "upper" => |d| bytes_value(d.to_ascii_uppercase());
    lower, "lower" => |d| bytes_value(d.to_ascii_lowercase());
    swapcase, "swapcase" => |d| bytes_value(d.iter().map(|c| if c.is_ascii_uppercase() { c.to_ascii_lowercase() } else { c.to_ascii_uppercase() }).collect());
    capitalize, "capitalize" => |d| {
        let mut v = d.to_ascii_lowercase();
        if let Some(c) = v.first_mut() {
            *c = c.to_ascii_uppercase();
        }
        bytes_value(v)
    };
    title, "title" => |d| bytes_value(title_bytes(d));
    isalnum, "isalnum" => |d| Value::Bool(!d.is_empty() && d.iter().all(|c| c.is_ascii_alphanumeric()));
    isalpha, "isalpha" => |d| Value::Bool(!d.is_empty() && d.iter().all(|c| c.is_ascii_alphabetic()));
    isdigit, "isdigit" => |d| Value::Bool(!d.is_empty() && d.iter().all(|c| c.is_ascii_digit()));
    isspace, "isspace" => |d| Value::Bool(!d.is_empty() && d.iter().all(|c| is_space(*c)));
    isascii, "isascii" => |d| Value::Bool(d.is_ascii());
    islower, "islower" => |d| Value::Bool(d.iter().any(|c| c.is_ascii_lowercase()) && !d.iter().any(|c| c.is_ascii_uppercase()));
    isupper, "isupper" => |d| Value::Bool(d.iter().any(|c| c.is_ascii_uppercase()) && !d.iter().any(|c| c.is_ascii_lowercase()));
    istitle, "istitle" => |d| Value::Bool(d.iter().any(|c| c.is_ascii_alphabetic()) && title_bytes(d) == d);
}

fn maketrans(rt: &mut Runtime, a: Args) -> Ret {
    if a.pos.len() != 2 {
        return raise(rt.type_error(format!("maketrans expected 2 arguments, got {}", a.pos.len())));
    }
    let (Some(Value::Bytes(f)), Some(Value::Bytes(t))) = (a.pos.first(), a.pos.get(1)) else {
        return raise(rt.type_error("maketrans() arguments must be bytes-like objects"));
    };
    if f.data.len() != t.data.len() {
        return raise(rt.value_error("maketrans arguments must have same length"));
    }
    let mut table: Vec<u8> = (0..=255u8).collect();
    for (x, y) in f.data.iter().zip(t.data.iter()) {
        table[*x as usize] = *y;
    }
    Ret::Val(bytes_value(table))
}

fn translate(rt: &mut Runtime, a: Args) -> Ret {
    if a.pos.len() < 2 {
        return raise(rt.type_error("translate() takes at least 1 positional argument (0 given)"));
    }
    if let Err(e) = check_pos(rt, &a, "translate", 2) {
        return raise(e);
    }
    let b = this(&a);
    let table = match &a.pos[1] {
        Value::None => None,
        Value::Bytes(t) if t.data.len() == 256 => Some(t.clone()),
        Value::Bytes(_) => return raise(rt.value_error("translation table must be 256 characters long")),
        other => {
            let tn = ops::type_name(rt, other);
            return raise(rt.type_error(format!("a bytes-like object is required, not '{tn}'")));
        }
    };
    let delete = match a.pos.get(2).or(a.kw("delete")) {
        None => vec![],
        Some(v) => match bytes_arg(rt, v) {
            Ok(d) => d.data.to_vec(),
            Err(e) => return raise(e),
        },
    };
    let out: Vec<u8> = b
        .data
        .iter()
        .filter(|c| !delete.contains(c))
        .map(|&c| table.as_ref().map_or(c, |t| t.data[c as usize]))
        .collect();
    Ret::Val(bytes_value(out))
}

/// Register these methods on the `bytes` class `b`.
pub(super) fn install(b: &Rc<Class>) {
    let methods: &[(&'static str, NativeImpl)] = &[
        ("ljust", ljust), ("rjust", rjust), ("center", center), ("zfill", zfill),
        ("expandtabs", expandtabs), ("upper", upper), ("lower", lower), ("swapcase", swapcase),
        ("capitalize", capitalize), ("title", title), ("isalnum", isalnum), ("isalpha", isalpha),
        ("isdigit", isdigit), ("isspace", isspace), ("isascii", isascii), ("islower", islower),
        ("isupper", isupper), ("istitle", istitle), ("translate", translate),
    ];
    for (name, f) in methods {
        add_method(b, name, *f);
    }
    let mt = super::native("maketrans", maketrans);
    b.dict.set_str(intern("maketrans"), Value::Obj(crate::runtime::objref::ObjRef::new(StaticMethod(mt))));
}
