//! The built-in functions (`print`, `len`, `sorted`, `min`, ...); the introspection
//! ones (`isinstance`, `getattr`, `dir`, ...) are in `introspect.rs`.

use super::{add_fn, check_args, raise, ret};
use crate::eval::frame::ReturnMode;
use crate::eval::suspend::{resume_frame, Resume, ResumeErr};
use crate::eval::native::{Args, Ret};
use crate::ops;
use crate::runtime::class::Class;
use crate::runtime::generator::GenKind;
use crate::runtime::str::PyStr;
use crate::runtime::value::Value;
use crate::runtime::Runtime;
use num_bigint::BigInt;
use std::rc::Rc;

pub use super::introspect::{dir_names, is_callable};

/// Register the built-in functions.
pub fn install(rt: &mut Runtime) {
    super::introspect::install(rt);
    add_fn(rt, "print", print);
    add_fn(rt, "len", len);
    add_fn(rt, "repr", repr);
    add_fn(rt, "ascii", ascii);
    add_fn(rt, "abs", abs);
    add_fn(rt, "min", min);
    add_fn(rt, "max", max);
    add_fn(rt, "sum", sum);
    add_fn(rt, "any", any);
    add_fn(rt, "all", all);
    add_fn(rt, "sorted", super::sorting::sorted);
    add_fn(rt, "iter", iter);
    add_fn(rt, "next", next);
    add_fn(rt, "chr", chr);
    add_fn(rt, "ord", ord);
    add_fn(rt, "hex", hex);
    add_fn(rt, "bin", bin);
    add_fn(rt, "oct", oct);
    add_fn(rt, "format", format);
    add_fn(rt, "input", input);
    add_fn(rt, "round", round);
    add_fn(rt, "divmod", divmod);
    add_fn(rt, "pow", pow);
    add_fn(rt, "exit", exit);
    add_fn(rt, "quit", exit);
}

fn str_of(rt: &mut Runtime, v: &Value) -> Result<Rc<PyStr>, crate::runtime::class::Exc> {
    ops::repr::to_str(rt, v).map_err(ops::expect_raise)
}

/// Where `print` writes: the program's standard output, or a `file=` object's `write`.
enum Sink {
    Stdout(String),
    File(Value),
}

impl Sink {
    /// Write one piece: as CPython, a `file=` object gets one `write` call per argument,
    /// separator and end.
    fn emit(&mut self, rt: &mut Runtime, piece: &str) -> Result<(), crate::runtime::class::Exc> {
        match self {
            Sink::Stdout(out) => {
                out.push_str(piece);
                Ok(())
            }
            Sink::File(write) => {
                ops::call::call_value(rt, write.clone(), vec![Value::string(piece.to_string())]).map(|_| ()).map_err(ops::expect_raise)
            }
        }
    }

    /// Hand what was buffered for standard output to it (also before an error
    /// propagates: CPython has written the earlier pieces by then).
    fn finish(&mut self, rt: &mut Runtime) -> Result<(), crate::runtime::class::Exc> {
        match self {
            Sink::Stdout(out) if !out.is_empty() => {
                let r = rt.write_out(out);
                out.clear();
                r.map_err(|e| rt.exc_named("OSError", e.to_string()))
            }
            _ => Ok(()),
        }
    }
}

fn print(rt: &mut Runtime, a: Args) -> Ret {
    let mut sep = " ".to_string();
    let mut end = "\n".to_string();
    let mut flush = false;
    let mut file = Value::None;
    for (name, v) in a.names.iter().zip(a.kw) {
        match (name.as_str(), v) {
            ("sep", Value::Str(s)) => sep = s.as_str().to_string(),
            ("sep", Value::None) => {}
            ("sep", other) => return raise(rt.type_error(format!("sep must be None or a string, not {}", ops::type_name(rt, other)))),
            ("end", Value::Str(s)) => end = s.as_str().to_string(),
            ("end", Value::None) => {}
            ("end", other) => return raise(rt.type_error(format!("end must be None or a string, not {}", ops::type_name(rt, other)))),
            ("flush", v) => flush = ops::cmp::truthy(rt, v).unwrap_or(false),
            ("file", v) => file = v.clone(),
            (n, _) => return raise(rt.type_error(format!("'{n}' is an invalid keyword argument for print()"))),
        }
    }
    let mut sink = if file.is_none() {
        Sink::Stdout(String::new())
    } else {
        match ops::attr::getattr(rt, &file, &crate::runtime::intern::intern("write")) {
            Ok(w) => Sink::File(w),
            Err(e) => return raise(ops::expect_raise(e)),
        }
    };
    let r = (|| {
        for (i, v) in a.pos.iter().enumerate() {
            if i > 0 {
                sink.emit(rt, &sep)?;
            }
            match v {
                Value::Str(s) => sink.emit(rt, s.as_str())?,
                Value::Int(n) => sink.emit(rt, &n.to_string())?,
                _ => {
                    let s = str_of(rt, v)?;
                    sink.emit(rt, s.as_str())?
                }
            }
        }
        sink.emit(rt, &end)
    })();
    // The buffered output goes out also when a piece failed (the error wins).
    let written = sink.finish(rt);
    if let Err(e) = r.and(written) {
        return raise(e);
    }
    if flush {
        if file.is_none() {
            rt.flush_out();
        } else {
            let f = ops::attr::getattr(rt, &file, &crate::runtime::intern::intern("flush"))
                .and_then(|f| ops::call::call_value(rt, f, vec![]));
            if let Err(e) = f {
                return raise(ops::expect_raise(e));
            }
        }
    }
    Ret::Val(Value::None)
}

fn len(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_args(rt, &a, "len", 1, 1) {
        return raise(e);
    }
    if let Some(t) = super::dunder_call::script_dunder(rt, &a.pos[0], "__len__", super::dunder_call::len_check) {
        return t;
    }
    match ops::item::len(rt, &a.pos[0]) {
        Ok(n) => Ret::Val(Value::Int(n as i64)),
        Err(e) => raise(ops::expect_raise(e)),
    }
}

fn repr(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_args(rt, &a, "repr", 1, 1) {
        return raise(e);
    }
    if let Some(t) = super::dunder_call::script_dunder(rt, &a.pos[0], "__repr__", super::dunder_call::repr_check) {
        return t;
    }
    ret(ops::repr::repr(rt, &a.pos[0]).map(Value::Str))
}

fn ascii(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_args(rt, &a, "ascii", 1, 1) {
        return raise(e);
    }
    ret(ops::repr::repr(rt, &a.pos[0]).map(|s| Value::string(super::strings::ascii_of(&s))))
}

fn abs(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_args(rt, &a, "abs", 1, 1) {
        return raise(e);
    }
    let v = &a.pos[0];
    Ret::Val(match v {
        Value::Int(i) => match i.checked_abs() {
            Some(x) => Value::Int(x),
            None => Value::from_bigint(BigInt::from(*i).magnitude().clone().into()),
        },
        Value::Bool(b) => Value::Int(*b as i64),
        Value::Float(f) => Value::Float(f.abs()),
        Value::BigInt(b) => Value::from_bigint(b.magnitude().clone().into()),
        _ => {
            if let Some(m) = ops::attr::lookup_special(rt, v, "__abs__") {
                return ret(ops::call::call_value(rt, m, vec![v.clone()]));
            }
            if let Some(b) = ops::num::base_value(v) {
                return abs(rt, Args::pos(&[b]));
            }
            return raise(rt.type_error(format!("bad operand type for abs(): '{}'", ops::type_name(rt, v))));
        }
    })
}

/// Shared body of `min` and `max` (see `consume::MinMax`).
fn minmax(rt: &mut Runtime, a: Args, name: &'static str, want: crate::syntax::ast::CmpOp) -> Ret {
    let mut key = None;
    let mut default = None;
    for (n, v) in a.names.iter().zip(a.kw) {
        match n.as_str() {
            "key" => key = (!v.is_none()).then(|| v.clone()),
            "default" => default = Some(v.clone()),
            other => return raise(rt.type_error(format!("'{other}' is an invalid keyword argument for {name}()"))),
        }
    }
    let (it, script) = match a.pos.len() {
        0 => return raise(rt.type_error(format!("{name} expected at least 1 argument, got 0"))),
        1 => match super::consume::source(rt, &a.pos[0]) {
            Ok(s) => s,
            Err(e) => return raise(e),
        },
        _ => {
            if default.is_some() {
                return raise(rt.type_error(format!("Cannot specify a default for {name}() with multiple positional arguments")));
            }
            (Value::tuple(a.pos.to_vec()), false)
        }
    };
    super::consume::consume(rt, it, script, super::consume::MinMax { key, default, want, name, best: None })
}

fn min(rt: &mut Runtime, a: Args) -> Ret {
    minmax(rt, a, "min", crate::syntax::ast::CmpOp::Lt)
}

fn max(rt: &mut Runtime, a: Args) -> Ret {
    minmax(rt, a, "max", crate::syntax::ast::CmpOp::Gt)
}

fn sum(rt: &mut Runtime, a: Args) -> Ret {
    let mut start = Value::Int(0);
    if a.pos.is_empty() || a.pos.len() > 2 {
        return raise(rt.type_error(format!("sum() takes at least 1 positional argument ({} given)", a.pos.len())));
    }
    if a.pos.len() == 2 {
        start = a.pos[1].clone();
    }
    if let Some(s) = a.kw("start") {
        start = s.clone();
    }
    match &start {
        Value::Str(_) => return raise(rt.type_error("sum() can't sum strings [use ''.join(seq) instead]")),
        Value::Bytes(_) => return raise(rt.type_error("sum() can't sum bytes [use b''.join(seq) instead]")),
        _ => {}
    }
    let it = match ops::iter::iter(rt, &a.pos[0]) {
        Ok(it) => it,
        Err(e) => return raise(ops::expect_raise(e)),
    };
    let script = super::consume::runs_script(&it);
    super::consume::consume(rt, it, script, super::consume::Sum(start))
}

fn any_all(rt: &mut Runtime, a: Args, name: &str, want: bool) -> Ret {
    if let Err(e) = check_args(rt, &a, name, 1, 1) {
        return raise(e);
    }
    let it = match ops::iter::iter(rt, &a.pos[0]) {
        Ok(it) => it,
        Err(e) => return raise(ops::expect_raise(e)),
    };
    let script = super::consume::runs_script(&it);
    super::consume::consume(rt, it, script, super::consume::AnyAll(want))
}

fn any(rt: &mut Runtime, a: Args) -> Ret {
    any_all(rt, a, "any", true)
}

fn all(rt: &mut Runtime, a: Args) -> Ret {
    any_all(rt, a, "all", false)
}

fn iter(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_args(rt, &a, "iter", 1, 2) {
        return raise(e);
    }
    if a.pos.len() == 2 {
        if !is_callable(rt, &a.pos[0]) {
            return raise(rt.type_error("iter(v, w): v must be callable"));
        }
        return Ret::Val(super::iters::callable_iter(a.pos[0].clone(), a.pos[1].clone()));
    }
    ret(ops::iter::iter(rt, &a.pos[0]))
}

fn next(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_args(rt, &a, "next", 1, 2) {
        return raise(e);
    }
    let it = &a.pos[0];
    if a.pos.len() == 1 {
        if let Value::Gen(g) = it {
            if g.kind() == GenKind::Generator {
                if rt.trace.is_some() {
                    crate::trace::mark_next(rt);
                }
                return match resume_frame(rt, g, Resume::Send(Value::None), ReturnMode::Send) {
                    Ok(fr) => Ret::Frame(fr),
                    Err(ResumeErr::Finished) => raise(rt.new_exc(&rt.types.stop_iteration, vec![])),
                    Err(ResumeErr::Raise(e)) => raise(e),
                };
            }
        }
        if let Value::Obj(_) = it {
            // A built-in iterator with its own `__next__` (a coroutine's `__await__()`
            // wrapper...): its StopIteration carries a value that must not be lost.
            let cls = ops::type_of(rt, it);
            if let Some(m) = ops::attr::class_lookup(&cls, "__next__") {
                return ret(ops::call::call_value(rt, m, vec![it.clone()]));
            }
        }
    }
    let is_iter = match it {
        Value::Iter(_) => true,
        Value::Gen(g) => g.kind() == GenKind::Generator,
        Value::Inst(_) => ops::attr::lookup_special(rt, it, "__next__").is_some(),
        Value::Obj(_) => super::attrs::is_iterator_like(rt, it),
        _ => false,
    };
    if !is_iter {
        return raise(rt.type_error(format!("'{}' object is not an iterator", ops::type_name(rt, it))));
    }
    match ops::iter::next(rt, it) {
        Ok(Some(v)) => Ret::Val(v),
        Ok(None) => match a.pos.get(1) {
            Some(d) => Ret::Val(d.clone()),
            None => raise(rt.new_exc(&rt.types.stop_iteration, vec![])),
        },
        Err(e) => raise(ops::expect_raise(e)),
    }
}

fn chr(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_args(rt, &a, "chr", 1, 1) {
        return raise(e);
    }
    match &a.pos[0] {
        Value::Int(i) => match u32::try_from(*i).ok().and_then(char::from_u32) {
            Some(c) => Ret::Val(Value::string(c.to_string())),
            None => raise(rt.value_error("chr() arg not in range(0x110000)")),
        },
        Value::Bool(b) => Ret::Val(Value::string(((*b as u8) as char).to_string())),
        other => raise(rt.type_error(format!("'{}' object cannot be interpreted as an integer", ops::type_name(rt, other)))),
    }
}

fn ord(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_args(rt, &a, "ord", 1, 1) {
        return raise(e);
    }
    match &a.pos[0] {
        Value::Str(s) if s.len() == 1 => Ret::Val(Value::Int(s.char_at(0) as i64)),
        Value::Str(s) => raise(rt.type_error(format!("ord() expected a character, but string of length {} found", s.len()))),
        Value::Bytes(b) if b.data.len() == 1 => Ret::Val(Value::Int(b.data[0] as i64)),
        other => raise(rt.type_error(format!("ord() expected string of length 1, but {} found", ops::type_name(rt, other)))),
    }
}

fn radix(rt: &mut Runtime, a: Args, name: &str, prefix: &str, radix: u32) -> Ret {
    if let Err(e) = check_args(rt, &a, name, 1, 1) {
        return raise(e);
    }
    let v = match ops::to_index(rt, &a.pos[0]) {
        Ok(Some(v)) => v,
        Ok(None) => {
            let tn = ops::type_name(rt, &a.pos[0]);
            return raise(rt.type_error(format!("'{tn}' object cannot be interpreted as an integer")));
        }
        Err(e) => return raise(ops::expect_raise(e)),
    };
    let digits = v.magnitude().to_str_radix(radix);
    let sign = if v < BigInt::from(0) { "-" } else { "" };
    Ret::Val(Value::string(format!("{sign}{prefix}{digits}")))
}

fn hex(rt: &mut Runtime, a: Args) -> Ret {
    radix(rt, a, "hex", "0x", 16)
}

fn bin(rt: &mut Runtime, a: Args) -> Ret {
    radix(rt, a, "bin", "0b", 2)
}

fn oct(rt: &mut Runtime, a: Args) -> Ret {
    radix(rt, a, "oct", "0o", 8)
}

fn format(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_args(rt, &a, "format", 1, 2) {
        return raise(e);
    }
    let spec = match a.pos.get(1) {
        None => String::new(),
        Some(Value::Str(s)) => s.as_str().to_string(),
        Some(other) => {
            let tn = ops::type_name(rt, other);
            return raise(rt.type_error(format!("format() argument 2 must be str, not {tn}")));
        }
    };
    ret(super::format::format_value(rt, &a.pos[0], &spec).map(Value::string))
}

fn input(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_args(rt, &a, "input", 0, 1) {
        return raise(e);
    }
    if let Some(p) = a.pos.first() {
        match ops::repr::to_str(rt, p) {
            Ok(s) => {
                let _ = rt.write_out(s.as_str());
            }
            Err(e) => return raise(ops::expect_raise(e)),
        }
    }
    rt.flush_out();
    // Our own reader: Ctrl-C interrupts the wait (see `crate::stdin`).
    match crate::stdin::read_line(|| crate::aio::signals::check_blocking(rt)) {
        crate::stdin::Line::Text(mut bytes) => {
            // CPython strips the `\n` only (a `\r` before it stays).
            if bytes.last() == Some(&b'\n') {
                bytes.pop();
            }
            match super::codecs::decode_bytes(rt, &bytes, "utf-8", "strict") {
                Ok(text) => Ret::Val(Value::string(text)),
                Err(e) => raise(e),
            }
        }
        crate::stdin::Line::Eof => raise(rt.exc_named("EOFError", "EOF when reading a line")),
        crate::stdin::Line::Closed => raise(rt.exc_named("RuntimeError", "input(): lost sys.stdin")),
        crate::stdin::Line::Stopped(e) => raise(e),
        crate::stdin::Line::Failed(e) => raise(rt.exc_named("OSError", crate::limits::os_error(e).to_string())),
    }
}

fn round(rt: &mut Runtime, a: Args) -> Ret {
    let ndigits = a.kw("ndigits").cloned().or_else(|| a.pos.get(1).cloned()).unwrap_or(Value::None);
    if a.pos.is_empty() || a.pos.len() > 2 {
        return raise(rt.type_error(format!("round() takes at most 2 arguments ({} given)", a.pos.len())));
    }
    ret(super::numbers::round(rt, &a.pos[0], &ndigits))
}

fn divmod(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_args(rt, &a, "divmod", 2, 2) {
        return raise(e);
    }
    ret(super::numbers::divmod(rt, &a.pos[0], &a.pos[1]))
}

fn pow(rt: &mut Runtime, a: Args) -> Ret {
    let (base, exp) = match (a.pos.first().or(a.kw("base")), a.pos.get(1).or(a.kw("exp"))) {
        (Some(b), Some(e)) => (b.clone(), e.clone()),
        _ => return raise(rt.type_error(format!("pow() missing required argument 'exp' (pos 2)"))),
    };
    let modulus = a.pos.get(2).or(a.kw("mod")).cloned().unwrap_or(Value::None);
    if modulus.is_none() {
        return ret(ops::num::binary(rt, crate::syntax::ast::BinOp::Pow, &base, &exp));
    }
    ret(super::numbers::pow3(rt, &base, &exp, &modulus))
}

fn exit(rt: &mut Runtime, a: Args) -> Ret {
    let code = a.pos.first().cloned().unwrap_or(Value::None);
    raise(rt.new_exc(&rt.types.exc("SystemExit"), vec![code]))
}

/// Unused: kept so `Class` imports stay meaningful in docs.
pub fn _class_name(c: &Class) -> String {
    c.name_str()
}
