//! Built-ins that consume an iterator (`sum`, `any`, `min`, `list(...)`, `str.join`...)
//! written once as a [`Sink`] and run either by a native loop (built-in iterables and
//! native key functions: no script code runs) or as a native task on the driver's
//! stack ([`Drain`]), when advancing the iterator or calling the key runs script code,
//! so that recursion through them needs no Rust recursion.

use crate::eval::native::{Args, Input, Ret, Task, TaskStep};
use crate::ops::{self, PyResult};
use crate::runtime::class::{Class, Exc, Kind};
use crate::runtime::str::PyStr;
use std::rc::Rc;
use crate::eval::genpull::Pulled;
use crate::runtime::generator::GenKind;
use crate::runtime::value::Value;
use crate::runtime::Runtime;

/// What a consumer does with the items of an iterator, one at a time.
pub trait Sink: 'static {
    /// A function to call on each item before [`Sink::take`] sees it (`key=`).
    fn key(&self) -> Option<&Value> {
        None
    }
    /// One item, with its key when there is a key function. `Some(v)` stops the
    /// iteration with the result `v` (the short-circuit of `any`/`all`).
    fn take(&mut self, rt: &mut Runtime, item: Value, key: Option<Value>) -> Result<Option<Value>, Exc>;
    /// The iterator is exhausted: the result.
    fn finish(&mut self, rt: &mut Runtime) -> Result<Value, Exc>;
}

/// Whether advancing the iterator `it` may run script code: a generator, an instance
/// (its `__next__`), or a `map`/`filter`/`enumerate`/`zip`/`iter(f, x)` over such
/// things or calling a script function.
pub fn runs_script(it: &Value) -> bool {
    match it {
        Value::Iter(_) => false,
        Value::Gen(g) => g.kind() == GenKind::Generator,
        Value::Inst(_) => true,
        Value::Obj(_) => super::iterstep::native_iter_runs_script(it),
        _ => false,
    }
}

/// Whether calling `f` may run script code (anything but a built-in function, a
/// built-in type or a method descriptor such as `str.lower`).
pub fn calls_script(f: &Value) -> bool {
    match f {
        Value::Native(_) => false,
        Value::Class(c) => !c.builtin,
        Value::Obj(_) => !super::descr::is_callable(f),
        _ => true,
    }
}

/// The iterator to consume `v` through, and whether advancing it runs script code.
/// Built-in containers are returned as they are (not an iterator: the native path
/// has faster ways to read them); anything else gets its iterator, once.
pub fn source(rt: &mut Runtime, v: &Value) -> Result<(Value, bool), Exc> {
    match v {
        Value::List(_) | Value::Tuple(_) | Value::Str(_) | Value::Bytes(_) | Value::Range(_) | Value::Dict(_) | Value::Set(_) | Value::Iter(_) => {
            Ok((v.clone(), false))
        }
        _ => {
            let it = ops::iter::iter(rt, v).map_err(ops::expect_raise)?;
            let script = runs_script(&it);
            Ok((it, script))
        }
    }
}

/// Consume `it` (an iterator, or a built-in iterable when `script` is false) into
/// `sink`: as a task when `script` is set or the key function runs script code, else
/// by a native loop.
pub fn consume<S: Sink>(rt: &mut Runtime, it: Value, script: bool, mut sink: S) -> Ret {
    if script || sink.key().is_some_and(calls_script) {
        let it = match &it {
            Value::Iter(_) | Value::Gen(_) | Value::Inst(_) | Value::Obj(_) => it,
            _ => match ops::iter::iter(rt, &it) {
                Ok(i) => i,
                Err(e) => return Ret::Raise(ops::expect_raise(e)),
            },
        };
        return Ret::task(Drain::new(it, sink));
    }
    match drain_native(rt, &it, &mut sink) {
        Ok(v) => Ret::Val(v),
        Err(e) => Ret::Raise(ops::expect_raise(e)),
    }
}

/// Run a sink by a native loop (nested driver runs for any script code).
pub fn drain_native<S: Sink>(rt: &mut Runtime, v: &Value, sink: &mut S) -> PyResult {
    if let Value::List(l) = v {
        // By index, as the list iterator reads it (a change made meanwhile is seen).
        let mut i = 0;
        while let Some(x) = l.get(i) {
            i += 1;
            let key = match sink.key() {
                Some(f) => Some(ops::call::call_value(rt, f.clone(), vec![x.clone()])?),
                None => None,
            };
            if let Some(v) = sink.take(rt, x, key).map_err(ops::Fail::Raise)? {
                return Ok(v);
            }
        }
        return sink.finish(rt).map_err(ops::Fail::Raise);
    }
    let it = ops::iter::iter(rt, v)?;
    while let Some(x) = ops::iter::next(rt, &it)? {
        let key = match sink.key() {
            Some(f) => Some(ops::call::call_value(rt, f.clone(), vec![x.clone()])?),
            None => None,
        };
        if let Some(v) = sink.take(rt, x, key).map_err(ops::Fail::Raise)? {
            return Ok(v);
        }
    }
    sink.finish(rt).map_err(ops::Fail::Raise)
}

/// A sink driven as a native task: each item comes from `TaskStep::Next` (a generator
/// or `__next__` runs as a frame of the same driver run), each key from
/// `TaskStep::Call`. Items of a generator expression (a generator of
/// `eval::genpull::shape`) are pulled in one Rust loop while they can be.
pub struct Drain<S: Sink> {
    it: Value,
    sink: S,
    /// The item whose key is being computed.
    item: Option<Value>,
    /// The generator's loop, when its items can be pulled (no key function).
    pull: Option<&'static crate::eval::ir::Stmt>,
}

impl<S: Sink> Drain<S> {
    /// A task that consumes iterator `it` into `sink`.
    pub fn new(it: Value, sink: S) -> Self {
        let pull = match &it {
            Value::Gen(g) if sink.key().is_none() && g.kind() == GenKind::Generator => crate::eval::genpull::shape(g.code()),
            _ => None,
        };
        Drain { it, sink, item: None, pull }
    }

    /// Ask for the next item: pulled here when the generator allows it, else by
    /// `TaskStep::Next`.
    #[inline]
    fn next(&mut self, rt: &mut Runtime) -> TaskStep {
        if let (Some(s), Value::Gen(g)) = (self.pull, &self.it) {
            let sink = &mut self.sink;
            match crate::eval::genpull::pull(rt, g, s, |rt, v| sink.take(rt, v, None)) {
                Pulled::Finished => {
                    return match sink.finish(rt) {
                        Ok(v) => TaskStep::Return(v),
                        Err(e) => TaskStep::Raise(e),
                    }
                }
                Pulled::Stopped(Ok(v)) => return TaskStep::Return(v),
                Pulled::Stopped(Err(e)) => return TaskStep::Raise(e),
                Pulled::Resume => {}
            }
        }
        TaskStep::Next(self.it.clone())
    }
}

impl<S: Sink> Task for Drain<S> {
    fn resume(&mut self, rt: &mut Runtime, input: Input) -> TaskStep {
        let x = match input {
            Input::Start => return self.next(rt),
            Input::Value(v) => v,
            Input::Done => {
                return match self.sink.finish(rt) {
                    Ok(v) => TaskStep::Return(v),
                    Err(e) => TaskStep::Raise(e),
                }
            }
            Input::Raise(e) => return TaskStep::Raise(e),
        };
        let (item, key) = match self.item.take() {
            Some(item) => (item, Some(x)),
            None => match self.sink.key() {
                Some(f) => {
                    let f = f.clone();
                    self.item = Some(x.clone());
                    return TaskStep::Call(f, vec![x]);
                }
                None => (x, None),
            },
        };
        match self.sink.take(rt, item, key) {
            Ok(None) => self.next(rt),
            Ok(Some(v)) => TaskStep::Return(v),
            Err(e) => TaskStep::Raise(e),
        }
    }
}

/// Collect every item, then build the result from them natively (`list`, `tuple`,
/// `set`, `dict`, `str.join`...).
pub struct Collect<F: FnMut(&mut Runtime, Vec<Value>) -> Result<Value, Exc> + 'static> {
    items: Vec<Value>,
    build: F,
}

impl<F: FnMut(&mut Runtime, Vec<Value>) -> Result<Value, Exc> + 'static> Collect<F> {
    /// A collector finished by `build`.
    pub fn new(build: F) -> Self {
        Collect { items: Vec::new(), build }
    }
}

impl<F: FnMut(&mut Runtime, Vec<Value>) -> Result<Value, Exc> + 'static> Sink for Collect<F> {
    fn take(&mut self, rt: &mut Runtime, item: Value, _key: Option<Value>) -> Result<Option<Value>, Exc> {
        if self.items.len() == self.items.capacity() && self.items.len() >= 1 << 16 {
            let n = self.items.len();
            crate::limits::check_items(rt, n, std::mem::size_of::<Value>())?;
        }
        self.items.push(item);
        Ok(None)
    }
    fn finish(&mut self, rt: &mut Runtime) -> Result<Value, Exc> {
        let items = std::mem::take(&mut self.items);
        (self.build)(rt, items)
    }
}

/// If advancing `v`'s iterator runs script code, a task that collects its items and
/// finishes with `build` (for constructors and methods that read the whole iterable
/// first). `None`: the caller goes its native way.
pub fn collect_task<F>(rt: &mut Runtime, v: &Value, build: F) -> Option<Ret>
where
    F: FnMut(&mut Runtime, Vec<Value>) -> Result<Value, Exc> + 'static,
{
    if !might_run_script(v) {
        return None;
    }
    match source(rt, v) {
        Ok((it, true)) => Some(Ret::task(Drain::new(it, Collect::new(build)))),
        // `__iter__` was called: use the iterator it gave, not `v` again.
        Ok((it, false)) => Some(match drain_native(rt, &it, &mut Collect::new(build)) {
            Ok(v) => Ret::Val(v),
            Err(e) => Ret::Raise(ops::expect_raise(e)),
        }),
        Err(e) => Some(Ret::Raise(e)),
    }
}

/// A cheap test that `v` is not a built-in container (whose iteration is native).
pub fn might_run_script(v: &Value) -> bool {
    matches!(v, Value::Gen(_) | Value::Inst(_) | Value::Obj(_))
}

/// `sum(iterable, start)`.
pub struct Sum(pub Value);

impl Sink for Sum {
    #[inline]
    fn take(&mut self, rt: &mut Runtime, item: Value, _key: Option<Value>) -> Result<Option<Value>, Exc> {
        if let (Value::Int(a), Value::Int(b)) = (&self.0, &item) {
            if let Some(c) = a.checked_add(*b) {
                self.0 = Value::Int(c);
                return Ok(None);
            }
        }
        let acc = std::mem::replace(&mut self.0, Value::None);
        self.0 = ops::num::binary(rt, crate::syntax::ast::BinOp::Add, &acc, &item).map_err(ops::expect_raise)?;
        Ok(None)
    }
    fn finish(&mut self, _rt: &mut Runtime) -> Result<Value, Exc> {
        Ok(std::mem::replace(&mut self.0, Value::None))
    }
}

/// `any(iterable)` (`want` true) and `all(iterable)` (`want` false): stop at the first
/// item whose truth is `want`.
pub struct AnyAll(pub bool);

impl Sink for AnyAll {
    fn take(&mut self, rt: &mut Runtime, item: Value, _key: Option<Value>) -> Result<Option<Value>, Exc> {
        let t = ops::cmp::truthy(rt, &item).map_err(ops::expect_raise)?;
        Ok((t == self.0).then_some(Value::Bool(self.0)))
    }
    fn finish(&mut self, _rt: &mut Runtime) -> Result<Value, Exc> {
        Ok(Value::Bool(!self.0))
    }
}

/// `min`/`max` with optional `key=` and `default=`.
pub struct MinMax {
    /// The key function.
    pub key: Option<Value>,
    /// The value for an empty iterable.
    pub default: Option<Value>,
    /// `<` for min, `>` for max.
    pub want: crate::syntax::ast::CmpOp,
    /// `"min"` or `"max"`.
    pub name: &'static str,
    /// The best (key, item) so far.
    pub best: Option<(Value, Value)>,
}

impl Sink for MinMax {
    fn key(&self) -> Option<&Value> {
        self.key.as_ref()
    }
    fn take(&mut self, rt: &mut Runtime, item: Value, key: Option<Value>) -> Result<Option<Value>, Exc> {
        let k = key.unwrap_or_else(|| item.clone());
        match &self.best {
            None => self.best = Some((k, item)),
            Some((bk, _)) => {
                // Numbers, strings and tuples of them in place (no script code, no error).
                if let Some(o) = ops::cmp::builtin_order(&k, bk, 0) {
                    let want = if self.want == crate::syntax::ast::CmpOp::Lt { std::cmp::Ordering::Less } else { std::cmp::Ordering::Greater };
                    if o == want {
                        self.best = Some((k, item));
                    }
                    return Ok(None);
                }
                let better = ops::cmp::compare(rt, self.want, &k, bk)
                    .and_then(|r| ops::cmp::truthy(rt, &r))
                    .map_err(ops::expect_raise)?;
                if better {
                    self.best = Some((k, item));
                }
            }
        }
        Ok(None)
    }
    fn finish(&mut self, rt: &mut Runtime) -> Result<Value, Exc> {
        match (self.best.take(), self.default.take()) {
            (Some((_, v)), _) => Ok(v),
            (None, Some(d)) => Ok(d),
            (None, None) => Err(rt.value_error(format!("{}() arg is an empty sequence", self.name))),
        }
    }
}

/// `list(it)`, `tuple(it)`, `set(it)`, `frozenset(it)` and `dict(it)` of an iterable
/// whose iteration runs script code, as a task; `None` for the others (the native
/// constructor takes them).
pub fn constructor_task(rt: &mut Runtime, cls: &Class, a: &Args) -> Option<Ret> {
    if a.pos.len() != 1 || !might_run_script(&a.pos[0]) {
        return None;
    }
    let v = &a.pos[0];
    match cls.kind {
        _ if a.has_kw() && cls.kind != Kind::Dict => None,
        Kind::List => collect_task(rt, v, |_, items| Ok(Value::list(items))),
        Kind::Tuple => collect_task(rt, v, |_, items| Ok(Value::tuple(items))),
        Kind::Set | Kind::FrozenSet => {
            let frozen = cls.kind == Kind::FrozenSet;
            collect_task(rt, v, move |rt, items| super::sets::set_from_values(rt, items, frozen).map_err(ops::expect_raise))
        }
        // Only plain iterators: an instance may be a mapping (`keys()`).
        Kind::Dict if matches!(v, Value::Gen(_)) || super::iterstep::native_iter_runs_script(v) => {
            let it = match ops::iter::iter(rt, v) {
                Ok(it) => it,
                Err(e) => return Some(Ret::Raise(ops::expect_raise(e))),
            };
            let kw: Vec<(Rc<PyStr>, Value)> = a.names.iter().cloned().zip(a.kw.iter().cloned()).collect();
            let d = crate::runtime::gc::new_dict(crate::runtime::dict::Dict::new());
            Some(Ret::task(Drain::new(it, DictSink { d, n: 0, kw })))
        }
        _ => None,
    }
}

/// `dict(iterable, **kw)`: each item is a key-value pair, added as it comes.
struct DictSink {
    d: Rc<crate::runtime::dict::Dict>,
    n: usize,
    kw: Vec<(Rc<PyStr>, Value)>,
}

impl Sink for DictSink {
    fn take(&mut self, rt: &mut Runtime, item: Value, _key: Option<Value>) -> Result<Option<Value>, Exc> {
        super::dicts::dict_add_pair(rt, &self.d, self.n, &item).map_err(ops::expect_raise)?;
        self.n += 1;
        Ok(None)
    }
    fn finish(&mut self, _rt: &mut Runtime) -> Result<Value, Exc> {
        for (k, x) in self.kw.drain(..) {
            self.d.set_str(k, x);
        }
        Ok(Value::Dict(self.d.clone()))
    }
}
