//! Exception objects: their attributes (`args`, `__cause__`, `value`...), `str()` and
//! `repr()`, and the methods of `BaseException`.

use super::{add_method, raise};
use crate::eval::native::{Args, Ret};
use crate::ops::{self, PyResult};
use crate::runtime::class::{Class, Exc, Instance};
use crate::runtime::object::Object;
use crate::runtime::value::Value;
use crate::runtime::Runtime;
use std::rc::Rc;

fn is_group(rt: &Runtime, e: &Instance) -> bool {
    e.class().is_subclass(&rt.types.exc("BaseExceptionGroup"))
}

/// A traceback object: one entry of an exception's traceback (`__traceback__` is
/// the outermost frame; `tb_next` leads towards where it was raised).
pub struct Traceback {
    /// The exception whose traceback this is.
    pub exc: Exc,
    /// The entry (entries are stored innermost first).
    pub index: usize,
}

impl Object for Traceback {
    fn class(&self, rt: &Runtime) -> Rc<crate::runtime::class::Class> {
        rt.types.other("traceback")
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn get_attr(&self, _rt: &mut Runtime, name: &crate::runtime::str::PyStr, _this: &Value) -> Option<Value> {
        let d = self.exc.exc_data();
        let entry = d.traceback.get(self.index)?;
        match name.as_str() {
            "tb_lineno" => Some(Value::Int(entry.line as i64)),
            "tb_lasti" => Some(Value::Int(0)),
            "tb_frame" => Some(Value::None),
            "tb_next" => Some(match self.index {
                0 => Value::None,
                i => Value::Obj(crate::runtime::objref::ObjRef::new(Traceback { exc: self.exc.clone(), index: i - 1 })),
            }),
            _ => None,
        }
    }
    fn dir(&self) -> Vec<&'static str> {
        vec!["tb_frame", "tb_lasti", "tb_lineno", "tb_next"]
    }
}

/// Whether the exception class has a `name` attribute (AttributeError, NameError,
/// ImportError and their subclasses).
fn has_name(rt: &Runtime, e: &Instance) -> bool {
    let c = e.class();
    c.is_subclass(&rt.types.attribute_error) || c.is_subclass(&rt.types.name_error) || c.is_subclass(&rt.types.exc("ImportError"))
}

/// CPython's suggestion for a mistyped name (`Python/suggestions.c`): the candidate
/// at the smallest weighted Levenshtein distance (case changes cost 1, other edits
/// 2) within a third of the characters involved; `None` beyond 750 candidates.
pub fn suggest<'a>(name: &str, candidates: &[&'a str]) -> Option<&'a str> {
    const MOVE: usize = 2;
    const MAX_SIZE: usize = 40;
    fn sub_cost(a: u8, b: u8) -> usize {
        if a & 31 != b & 31 {
            return MOVE;
        }
        if a == b {
            return 0;
        }
        if a.to_ascii_lowercase() == b.to_ascii_lowercase() { 1 } else { MOVE }
    }
    fn distance<'x>(mut a: &'x [u8], mut b: &'x [u8], max: usize) -> usize {
        while let (Some(x), Some(y)) = (a.first(), b.first()) {
            if x != y {
                break;
            }
            a = &a[1..];
            b = &b[1..];
        }
        while let (Some(x), Some(y)) = (a.last(), b.last()) {
            if x != y {
                break;
            }
            a = &a[..a.len() - 1];
            b = &b[..b.len() - 1];
        }
        if a.is_empty() || b.is_empty() {
            return (a.len() + b.len()) * MOVE;
        }
        if a.len() > MAX_SIZE || b.len() > MAX_SIZE {
            return max + 1;
        }
        if b.len() < a.len() {
            std::mem::swap(&mut a, &mut b);
        }
        if (b.len() - a.len()) * MOVE > max {
            return max + 1;
        }
        let mut buffer: Vec<usize> = (1..=a.len()).map(|i| i * MOVE).collect();
        let mut result = 0;
        for (bi, &code) in b.iter().enumerate() {
            let mut dist = bi * MOVE;
            result = dist;
            let mut minimum = usize::MAX;
            for (ai, &ac) in a.iter().enumerate() {
                let substitute = dist + sub_cost(code, ac);
                dist = buffer[ai];
                let insert_delete = result.min(dist) + MOVE;
                result = insert_delete.min(substitute);
                buffer[ai] = result;
                minimum = minimum.min(result);
            }
            if minimum > max {
                return max + 1;
            }
        }
        result
    }
    if candidates.len() >= 750 {
        return None;
    }
    let mut best: Option<(&str, usize)> = None;
    for &item in candidates {
        if item == name {
            continue;
        }
        let mut max = (name.len() + item.len() + 3) * MOVE / 6;
        if let Some((_, d)) = best {
            max = max.min(d.saturating_sub(1));
        }
        let d = distance(name.as_bytes(), item.as_bytes(), max);
        if d > max {
            continue;
        }
        if best.is_none_or(|(_, bd)| d < bd) {
            best = Some((item, d));
        }
    }
    best.map(|(s, _)| s)
}

/// The "Did you mean" suggestion for an `AttributeError` raised by attribute lookup
/// (it records the name and the object): the closest name in `dir(obj)`.
pub fn attribute_suggestion(rt: &mut Runtime, e: &Exc) -> Option<String> {
    if !e.is_exception() || !e.class().is_subclass(&rt.types.attribute_error) {
        return None;
    }
    let (name, obj) = {
        let d = e.exc_data();
        (d.name.clone()?, d.obj.clone()?)
    };
    let Value::Str(name) = name else { return None };
    let names = super::introspect::dir_names(rt, &obj);
    let refs: Vec<&str> = names.iter().map(|s| s.as_str()).collect();
    suggest(name.as_str(), &refs).map(str::to_string)
}

/// The "Did you mean" suggestion for a `NameError`: the closest name among the
/// frame's variable names, then its globals, then the built-ins (CPython's order).
pub fn name_suggestion(name: &str, varnames: &[&str], globals: &[&str], builtins: &[&str]) -> Option<String> {
    [varnames, globals, builtins].iter().find_map(|c| suggest(name, c)).map(str::to_string)
}

/// Special attributes of exception instances.
pub fn exc_attr(rt: &mut Runtime, e: &Rc<Instance>, name: &str) -> Option<Value> {
    let d = e.exc_data();
    Some(match name {
        "args" => Value::tuple(d.args.clone()),
        "__cause__" => d.cause.clone().unwrap_or(Value::None),
        "__context__" => d.context.clone().unwrap_or(Value::None),
        "__suppress_context__" => Value::Bool(d.suppress_context),
        "__traceback__" => match d.traceback.len() {
            0 => Value::None,
            n => Value::Obj(crate::runtime::objref::ObjRef::new(Traceback { exc: e.clone(), index: n - 1 })),
        },
        "__notes__" => match &d.extra {
            Some(v) => v.clone(),
            None => return None,
        },
        "value" if e.class().is_subclass(&rt.types.stop_iteration) => d.args.first().cloned().unwrap_or(Value::None),
        "name" if has_name(rt, e) => d.name.clone().unwrap_or(Value::None),
        "obj" if e.class().is_subclass(&rt.types.attribute_error) => d.obj.clone().unwrap_or(Value::None),
        "code" if e.class().is_subclass(&rt.types.exc("SystemExit")) => match d.args.len() {
            0 => Value::None,
            1 => d.args[0].clone(),
            _ => Value::tuple(d.args.clone()),
        },
        "message" if is_group(rt, e) => d.args.first().cloned().unwrap_or(Value::None),
        "exceptions" if is_group(rt, e) => match d.args.get(1) {
            Some(Value::List(l)) => Value::tuple(l.snapshot()),
            Some(v) => v.clone(),
            None => Value::tuple(vec![]),
        },
        "errno" | "strerror" | "filename" if e.class().is_subclass(&rt.types.exc("OSError")) => {
            if d.args.len() >= 2 {
                match name {
                    "errno" => d.args[0].clone(),
                    "strerror" => d.args[1].clone(),
                    _ => Value::None,
                }
            } else {
                Value::None
            }
        }
        "expected" | "partial" if e.class().name_str() == "IncompleteReadError" => match name {
            "partial" => d.args.first().cloned().unwrap_or(Value::None),
            _ => d.args.get(1).cloned().unwrap_or(Value::None),
        },
        _ => return None,
    })
}

/// Set a special attribute of an exception; false if `name` is not one.
pub fn exc_setattr(rt: &mut Runtime, e: &Rc<Instance>, name: &str, v: &Value) -> PyResult<bool> {
    let check = |rt: &Runtime, v: &Value, what: &str| -> PyResult<Option<Value>> {
        match v {
            Value::None => Ok(None),
            Value::Inst(i) if i.is_exception() => Ok(Some(v.clone())),
            _ => ops::raise(rt.type_error(format!("exception {what} must be None or derive from BaseException"))),
        }
    };
    match name {
        "__cause__" => {
            let c = check(rt, v, "cause")?;
            let mut d = e.exc_data_mut();
            d.cause = c;
            d.suppress_context = true;
        }
        "__context__" => {
            let c = check(rt, v, "context")?;
            e.exc_data_mut().context = c;
        }
        "__suppress_context__" => {
            let b = ops::cmp::truthy(rt, v)?;
            e.exc_data_mut().suppress_context = b;
        }
        "args" => {
            let items = ops::iter::collect(rt, v)?;
            e.exc_data_mut().args = items;
        }
        "__traceback__" => set_traceback(rt, e, v)?,
        "name" if has_name(rt, e) => e.exc_data_mut().name = Some(v.clone()),
        "obj" if e.class().is_subclass(&rt.types.attribute_error) => e.exc_data_mut().obj = Some(v.clone()),
        "value" if e.class().is_subclass(&rt.types.stop_iteration) => {
            let mut d = e.exc_data_mut();
            if d.args.is_empty() {
                d.args.push(v.clone());
            } else {
                d.args[0] = v.clone();
            }
        }
        _ => return Ok(false),
    }
    Ok(true)
}

/// `str(e)` for an exception without its own `__str__`.
pub fn exc_str(rt: &mut Runtime, e: &Rc<Instance>) -> PyResult<Rc<crate::runtime::str::PyStr>> {
    let args = e.exc_data().args.clone();
    if is_group(rt, e) && args.len() == 2 {
        let msg = ops::repr::to_str(rt, &args[0])?;
        let n = match &args[1] {
            Value::List(l) => l.len(),
            Value::Tuple(t) => t.len(),
            _ => 0,
        };
        let s = format!("{msg} ({n} sub-exception{})", if n == 1 { "" } else { "s" });
        return Ok(Rc::new(crate::runtime::str::PyStr::from(s)));
    }
    if (2..=5).contains(&args.len()) && e.class().is_subclass(&rt.types.exc("OSError")) {
        return os_error_str(rt, &args);
    }
    match args.len() {
        0 => Ok(Rc::new(crate::runtime::str::PyStr::new(""))),
        1 => {
            if e.class().is_subclass(&rt.types.key_error) {
                ops::repr::repr(rt, &args[0])
            } else {
                ops::repr::to_str(rt, &args[0])
            }
        }
        _ => ops::repr::to_str(rt, &Value::tuple(args)),
    }
}

/// The `OSError` subclass CPython 3.11 names for an errno (Linux numbers): what
/// `OSError(errno, strerror)` makes, and what I/O errors are raised as.
pub fn os_error_class_name(errno: i64) -> Option<&'static str> {
    Some(match errno {
        1 | 13 => "PermissionError",
        2 => "FileNotFoundError",
        3 => "ProcessLookupError",
        4 => "InterruptedError",
        10 => "ChildProcessError",
        11 | 114 | 115 => "BlockingIOError",
        17 => "FileExistsError",
        20 => "NotADirectoryError",
        21 => "IsADirectoryError",
        32 | 108 => "BrokenPipeError",
        103 => "ConnectionAbortedError",
        104 => "ConnectionResetError",
        110 => "TimeoutError",
        111 => "ConnectionRefusedError",
        _ => return None,
    })
}

/// For `OSError(errno, ...)` called on `OSError` itself: the subclass its errno names.
pub fn os_error_subclass(rt: &Runtime, cls: &Rc<Class>, errno: &Value) -> Option<Rc<Class>> {
    let n = match errno {
        Value::Int(n) => *n,
        Value::Bool(b) => *b as i64,
        _ => return None,
    };
    let os_error = rt.types.exc("OSError");
    if !Rc::ptr_eq(cls, &os_error) {
        return None;
    }
    os_error_class_name(n).map(|name| rt.types.exc(name))
}

/// `str(e)` of an `OSError` built from 2 to 5 arguments, as CPython's `OSError.__str__`:
/// `[Errno 111] Connection refused`, with `: 'filename'` (third argument) and
/// ` -> 'filename2'` (fifth) when given.
fn os_error_str(rt: &mut Runtime, args: &[Value]) -> PyResult<Rc<crate::runtime::str::PyStr>> {
    let errno = ops::repr::to_str(rt, &args[0])?;
    let strerror = ops::repr::to_str(rt, &args[1])?;
    let mut s = format!("[Errno {}] {}", errno.as_str(), strerror.as_str());
    if let Some(f) = args.get(2).filter(|f| !matches!(f, Value::None)) {
        s.push_str(": ");
        s.push_str(&ops::repr::repr(rt, f)?.as_str());
        if let Some(f2) = args.get(4).filter(|f| !matches!(f, Value::None)) {
            s.push_str(" -> ");
            s.push_str(&ops::repr::repr(rt, f2)?.as_str());
        }
    }
    Ok(Rc::new(crate::runtime::str::PyStr::from(s)))
}

/// `repr(e)` for an exception without its own `__repr__`.
pub fn exc_repr(rt: &mut Runtime, e: &Rc<Instance>) -> PyResult<String> {
    let name = e.class().name_str();
    let args = e.exc_data().args.clone();
    if args.len() == 1 {
        let r = ops::repr::repr(rt, &args[0])?;
        return Ok(format!("{name}({r})"));
    }
    let r = ops::repr::repr(rt, &Value::tuple(args))?;
    Ok(format!("{name}{r}"))
}

fn this(a: &Args) -> Option<Exc> {
    match &a.pos[0] {
        Value::Inst(i) if i.is_exception() => Some(i.clone()),
        _ => None,
    }
}

fn init(_rt: &mut Runtime, a: Args) -> Ret {
    if let Some(e) = this(&a) {
        e.exc_data_mut().args = a.pos[1..].to_vec();
    }
    Ret::Val(Value::None)
}

/// Replace an exception's traceback by `tb` (a traceback object or `None`).
fn set_traceback(rt: &Runtime, e: &Rc<Instance>, tb: &Value) -> PyResult<()> {
    let entries = match tb {
        Value::None => Vec::new(),
        _ => match crate::runtime::object::downcast::<Traceback>(tb) {
            Some(t) => t.exc.exc_data().traceback[..=t.index].to_vec(),
            None => return ops::raise(rt.type_error("__traceback__ must be a traceback or None")),
        },
    };
    e.exc_data_mut().traceback = entries;
    Ok(())
}

fn with_traceback(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = super::check_method(rt, &a, "with_traceback", 1, 1) {
        return raise(e);
    }
    if let Some(e) = this(&a) {
        if let Err(x) = set_traceback(rt, &e, &a.pos[1]) {
            return raise(ops::expect_raise(x));
        }
    }
    Ret::Val(a.pos[0].clone())
}

fn add_note(rt: &mut Runtime, a: Args) -> Ret {
    let Some(e) = this(&a) else { return Ret::Val(Value::None) };
    let note = match a.pos.get(1) {
        Some(Value::Str(note)) => note,
        Some(other) => {
            let tn = ops::type_name(rt, other);
            return raise(rt.type_error(format!("note must be a str, not '{tn}'")));
        }
        None => return raise(rt.type_error("BaseException.add_note() takes exactly one argument (0 given)")),
    };
    let mut d = e.exc_data_mut();
    match &d.extra {
        Some(Value::List(l)) => l.borrow_mut().push(Value::Str(note.clone())),
        _ => d.extra = Some(Value::list(vec![Value::Str(note.clone())])),
    }
    Ret::Val(Value::None)
}

fn str_method(rt: &mut Runtime, a: Args) -> Ret {
    match this(&a) {
        Some(e) => super::ret(exc_str(rt, &e).map(Value::Str)),
        None => Ret::Val(Value::str("")),
    }
}

fn repr_method(rt: &mut Runtime, a: Args) -> Ret {
    match this(&a) {
        Some(e) => super::ret(exc_repr(rt, &e).map(Value::string)),
        None => Ret::Val(Value::str("")),
    }
}

/// Register `BaseException` methods.
pub fn install(rt: &mut Runtime) {
    let b = rt.types.base_exception.clone();
    add_method(&b, "__init__", init);
    add_method(&b, "with_traceback", with_traceback);
    add_method(&b, "add_note", add_note);
    add_method(&b, "__str__", str_method);
    add_method(&b, "__repr__", repr_method);
}

#[cfg(test)]
mod tests {
    use super::suggest;

    /// Expectations from CPython 3.11's tracebacks for `o.NAME` on an object with
    /// these attributes (plus the usual dunders).
    #[test]
    fn suggestions_match_cpython() {
        let dunders = ["__class__", "__dict__", "__doc__", "__eq__", "__init__", "__module__", "__repr__", "__str__"];
        let cases: &[(&str, &[&str], Option<&str>)] = &[
            ("uper", &["upper", "lower", "split"], Some("upper")),
            ("fo", &["foo", "bar"], Some("foo")),
            ("apend", &["append", "extend"], Some("append")),
            ("Foo", &["foo"], Some("foo")),
            ("x", &["y", "xx"], Some("xx")),
            ("lenght", &["length", "len"], Some("length")),
            ("abc", &["xyz"], None),
            ("blech", &["bleach", "blew"], Some("bleach")),
            ("a_very_long_attribute_name_here", &["a_very_long_attribute_name_hear"], Some("a_very_long_attribute_name_hear")),
            ("ab", &["ba", "abc"], Some("abc")),
            ("cnt", &["count", "cnt2"], Some("cnt2")),
        ];
        for (name, attrs, want) in cases {
            let mut cands: Vec<&str> = dunders.to_vec();
            cands.extend(attrs.iter());
            cands.sort();
            assert_eq!(suggest(name, &cands), *want, "{name}");
        }
    }
}
