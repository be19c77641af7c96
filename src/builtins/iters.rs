//! Iterator types: `enumerate`, `zip`, `map`, `filter`, `reversed`, iteration through
//! `__getitem__`, and `iter(callable, sentinel)`.

use crate::ops::{self, Fail, PyResult};
use crate::runtime::class::Class;
use crate::runtime::dict::Dict;
use crate::runtime::iter::DictPart;
use crate::runtime::gc_refs::Visit;
use crate::runtime::object::{downcast, Object};
use crate::runtime::tuple::Tuple;
use crate::runtime::value::Value;
use crate::runtime::Runtime;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// A built-in iterator implemented in Rust whose `next` may call script code.
pub enum IterKind {
    /// `enumerate(it, start)`.
    Enumerate(Value, RefCell<Value>),
    /// `zip(*its, strict=)`.
    Zip(Vec<Value>, bool),
    /// `map(f, *its)`.
    Map(Value, Vec<Value>),
    /// `filter(f, it)`.
    Filter(Value, Value),
    /// `reversed(seq)` for sequences with `__len__`/`__getitem__`.
    Reversed(Value, Cell<i64>),
    /// `reversed(d)` of a dict or a dict view: the raw entry position to look before,
    /// the dict's size when started (a change is a `RuntimeError`, as in CPython).
    DictRev(Rc<Dict>, Cell<usize>, usize, DictPart),
    /// Iteration through `__getitem__` with 0, 1, 2...
    Seq(Value, Cell<i64>),
    /// `iter(callable, sentinel)`.
    Callable(Value, Value),
}

/// An iterator object of one of the kinds above.
pub struct NativeIter {
    /// What it does.
    pub kind: IterKind,
    /// Set once exhausted.
    pub done: Cell<bool>,
    /// The last tuple `zip` or `enumerate` gave, while its items are all atomic (the
    /// tuple is untracked by the collector): when its consumer has dropped it, the next
    /// item refills it in place instead of making a new tuple, as CPython's `zip` and
    /// `enumerate` reuse their result tuple.
    last: Cell<Option<Rc<Tuple>>>,
}

/// A result tuple of `n` items to refill: the last one, if no one else holds it.
#[inline(always)]
fn reusable(last: &Cell<Option<Rc<Tuple>>>, n: usize) -> Option<Rc<Tuple>> {
    let mut t = last.take()?;
    (Rc::get_mut(&mut t).is_some() && t.len() == n).then_some(t)
}

/// Hand out refilled result tuple `t` (tracked by the collector now if an item may
/// hold a cycle).
#[inline]
fn give(last: &Cell<Option<Rc<Tuple>>>, t: Rc<Tuple>) -> Value {
    crate::runtime::gc::track_tuple(&t);
    keep(last, Value::Tuple(t))
}

/// Keep result tuple `v` to refill next time, while it is untracked (its items are
/// atomic: keeping it alive a little longer is not observable).
#[inline(always)]
fn keep(last: &Cell<Option<Rc<Tuple>>>, v: Value) -> Value {
    if let Value::Tuple(t) = &v {
        if Rc::weak_count(t) == 0 {
            last.set(Some(t.clone()));
        }
    }
    v
}

impl NativeIter {
    fn name(&self) -> &'static str {
        match &self.kind {
            IterKind::Enumerate(..) => "enumerate",
            IterKind::Zip(..) => "zip",
            IterKind::Map(..) => "map",
            IterKind::Filter(..) => "filter",
            IterKind::Reversed(..) => "reversed",
            IterKind::DictRev(_, _, _, DictPart::Keys) => "dict_reversekeyiterator",
            IterKind::DictRev(_, _, _, DictPart::Values) => "dict_reversevalueiterator",
            IterKind::DictRev(_, _, _, DictPart::Items) => "dict_reverseitemiterator",
            IterKind::Seq(..) => "iterator",
            IterKind::Callable(..) => "callable_iterator",
        }
    }

    fn advance(&self, rt: &mut Runtime) -> PyResult<Option<Value>> {
        if self.done.get() {
            return Ok(None);
        }
        let r = self.advance_inner(rt);
        if matches!(r, Ok(None)) {
            self.done.set(true);
        }
        r
    }

    fn advance_inner(&self, rt: &mut Runtime) -> PyResult<Option<Value>> {
        match &self.kind {
            IterKind::Enumerate(it, count) => {
                let Some(x) = ops::iter::next(rt, it)? else { return Ok(None) };
                let n = count.borrow().clone();
                let next = ops::num::binary(rt, crate::syntax::ast::BinOp::Add, &n, &Value::Int(1))?;
                *count.borrow_mut() = next;
                if let Some(mut t) = reusable(&self.last, 2) {
                    if let Some(m) = Rc::get_mut(&mut t) {
                        let items = m.items_mut();
                        items[0] = n;
                        items[1] = x;
                    }
                    return Ok(Some(give(&self.last, t)));
                }
                Ok(Some(keep(&self.last, Value::tuple(vec![n, x]))))
            }
            IterKind::Zip(its, strict) => {
                if its.is_empty() {
                    return Ok(None);
                }
                if let Some(mut t) = reusable(&self.last, its.len()) {
                    if let Some(m) = Rc::get_mut(&mut t) {
                        for (i, it) in its.iter().enumerate() {
                            match ops::iter::next(rt, it)? {
                                Some(x) => m.items_mut()[i] = x,
                                None => return zip_short(rt, its, *strict, i),
                            }
                        }
                    }
                    return Ok(Some(give(&self.last, t)));
                }
                let mut items = Vec::with_capacity(its.len());
                for (i, it) in its.iter().enumerate() {
                    match ops::iter::next(rt, it)? {
                        Some(x) => items.push(x),
                        None => return zip_short(rt, its, *strict, i),
                    }
                }
                Ok(Some(keep(&self.last, Value::tuple(items))))
            }
            IterKind::Map(f, its) => {
                let mut args = Vec::with_capacity(its.len());
                for it in its {
                    match ops::iter::next(rt, it)? {
                        Some(x) => args.push(x),
                        None => return Ok(None),
                    }
                }
                Ok(Some(ops::call::call_value(rt, f.clone(), args)?))
            }
            IterKind::Filter(f, it) => loop {
                let Some(x) = ops::iter::next(rt, it)? else { return Ok(None) };
                let keep = if f.is_none() {
                    ops::cmp::truthy(rt, &x)?
                } else {
                    let r = ops::call::call_value(rt, f.clone(), vec![x.clone()])?;
                    ops::cmp::truthy(rt, &r)?
                };
                if keep {
                    return Ok(Some(x));
                }
            },
            IterKind::Reversed(seq, idx) => {
                let i = idx.get();
                if i < 0 {
                    return Ok(None);
                }
                idx.set(i - 1);
                match ops::item::getitem(rt, seq, &Value::Int(i)) {
                    Ok(v) => Ok(Some(v)),
                    Err(Fail::Raise(e)) if ops::exc_matches(&e, &rt.types.index_error) => Ok(None),
                    Err(e) => Err(e),
                }
            }
            IterKind::DictRev(d, pos, len0, part) => {
                let t = d.borrow();
                if t.len() != *len0 {
                    drop(t);
                    pos.set(0);
                    let e = rt.exc_msg(&rt.types.exc("RuntimeError"), "dictionary changed size during iteration");
                    return ops::raise(e);
                }
                let Some((p, e)) = t.prev_before(pos.get()) else { return Ok(None) };
                pos.set(p);
                Ok(Some(match part {
                    DictPart::Keys => e.key.clone(),
                    DictPart::Values => e.value.clone(),
                    DictPart::Items => Value::tuple(vec![e.key.clone(), e.value.clone()]),
                }))
            }
            IterKind::Seq(obj, idx) => {
                let i = idx.get();
                idx.set(i + 1);
                match ops::item::getitem(rt, obj, &Value::Int(i)) {
                    Ok(v) => Ok(Some(v)),
                    Err(Fail::Raise(e)) if ops::exc_matches(&e, &rt.types.index_error) || ops::exc_matches(&e, &rt.types.stop_iteration) => Ok(None),
                    Err(e) => Err(e),
                }
            }
            IterKind::Callable(f, sentinel) => {
                let v = ops::call::call_value(rt, f.clone(), vec![])?;
                if ops::cmp::eq(rt, &v, sentinel)? {
                    return Ok(None);
                }
                Ok(Some(v))
            }
        }
    }
}

impl Object for NativeIter {
    fn class(&self, rt: &Runtime) -> Rc<Class> {
        rt.types.other(self.name())
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn iter(&self, _rt: &mut Runtime, this: &Value) -> Option<PyResult<Value>> {
        Some(Ok(this.clone()))
    }
    fn next(&self, rt: &mut Runtime, _this: &Value) -> Option<PyResult<Option<Value>>> {
        Some(self.advance(rt))
    }
    fn traverse(&self, visit: &mut Visit<'_>) -> bool {
        match &self.kind {
            IterKind::Enumerate(it, count) => {
                visit.value(it);
                let Ok(c) = count.try_borrow() else { return false };
                visit.value(&c);
            }
            IterKind::Zip(its, _) => its.iter().for_each(|v| visit.value(v)),
            IterKind::Map(f, its) => {
                visit.value(f);
                its.iter().for_each(|v| visit.value(v));
            }
            IterKind::Filter(a, b) | IterKind::Callable(a, b) => {
                visit.value(a);
                visit.value(b);
            }
            IterKind::Reversed(v, _) | IterKind::Seq(v, _) => visit.value(v),
            IterKind::DictRev(d, ..) => visit.rc(d),
        }
        true
    }
}

fn make(kind: IterKind) -> Value {
    crate::runtime::gc::new_obj(NativeIter { kind, done: Cell::new(false), last: Cell::new(None) })
}

/// `zip`'s iterator `i` is exhausted: the end, or with `strict=True` the error for
/// iterables of different lengths.
#[cold]
fn zip_short(rt: &mut Runtime, its: &[Value], strict: bool, i: usize) -> PyResult<Option<Value>> {
    if strict {
        if i > 0 {
            let plural = if i == 1 { " " } else { "s 1-" };
            return ops::raise(rt.value_error(format!("zip() argument {} is shorter than argument{plural}{}", i + 1, i)));
        }
        for (j, other) in its.iter().enumerate().skip(1) {
            if ops::iter::next(rt, other)?.is_some() {
                let plural = if j == 1 { " " } else { "s 1-" };
                return ops::raise(rt.value_error(format!("zip() argument {} is longer than argument{plural}{}", j + 1, j)));
            }
        }
    }
    Ok(None)
}

/// Iteration through `__getitem__`.
pub fn seq_iter(obj: Value) -> Value {
    make(IterKind::Seq(obj, Cell::new(0)))
}

/// `iter(callable, sentinel)`.
pub fn callable_iter(f: Value, sentinel: Value) -> Value {
    make(IterKind::Callable(f, sentinel))
}

/// Whether a value is one of these iterator objects.
pub fn is_iterator_obj(v: &Value) -> bool {
    downcast::<NativeIter>(v).is_some()
}

/// `enumerate(iterable, start=0)`.
pub fn enumerate(rt: &mut Runtime, it: &Value, start: Value) -> PyResult {
    let it = ops::iter::iter(rt, it)?;
    Ok(make(IterKind::Enumerate(it, RefCell::new(start))))
}

/// `zip(*iterables, strict=False)`.
pub fn zip(rt: &mut Runtime, items: &[Value], strict: bool) -> PyResult {
    let mut its = Vec::with_capacity(items.len());
    for (i, x) in items.iter().enumerate() {
        let _ = i;
        its.push(ops::iter::iter(rt, x)?);
    }
    Ok(make(IterKind::Zip(its, strict)))
}

/// `map(f, *iterables)`.
pub fn map(rt: &mut Runtime, f: Value, items: &[Value]) -> PyResult {
    let mut its = Vec::with_capacity(items.len());
    for x in items {
        its.push(ops::iter::iter(rt, x)?);
    }
    Ok(make(IterKind::Map(f, its)))
}

/// `filter(f, iterable)`.
pub fn filter(rt: &mut Runtime, f: Value, it: &Value) -> PyResult {
    let it = ops::iter::iter(rt, it)?;
    Ok(make(IterKind::Filter(f, it)))
}

/// `reversed(seq)`.
pub fn reversed(rt: &mut Runtime, v: &Value) -> PyResult {
    use crate::runtime::iter::{IterObj, IterState};
    match v {
        Value::List(l) => Ok(Value::Iter(IterObj::new(IterState::ListRev(l.clone(), l.len())))),
        // CPython's generic `reversed` object; a string's or bytes' items are made
        // once into a tuple, so each step is an O(1) index.
        Value::Tuple(t) => Ok(make(IterKind::Reversed(v.clone(), Cell::new(t.items().len() as i64 - 1)))),
        Value::Bytes(b) => {
            let items: Vec<Value> = b.data.iter().map(|c| Value::Int(*c as i64)).collect();
            let n = items.len() as i64;
            Ok(make(IterKind::Reversed(Value::tuple(items), Cell::new(n - 1))))
        }
        Value::Str(s) => {
            let items: Vec<Value> = s.as_str().chars().map(|c| Value::string(c.to_string())).collect();
            let n = items.len() as i64;
            Ok(make(IterKind::Reversed(Value::tuple(items), Cell::new(n - 1))))
        }
        Value::Range(r) => {
            let rev = Value::Range(Rc::new(r.reversed()));
            Ok(ops::iter::builtin_iter(&rev).unwrap_or(rev))
        }
        Value::Dict(d) => Ok(dict_reversed(d, DictPart::Keys)),
        _ => {
            if let Some(m) = ops::attr::lookup_special(rt, v, "__reversed__") {
                return ops::call::call_value(rt, m, vec![v.clone()]);
            }
            if ops::attr::lookup_special(rt, v, "__getitem__").is_some() {
                let n = ops::item::len(rt, v)? as i64;
                return Ok(make(IterKind::Reversed(v.clone(), Cell::new(n - 1))));
            }
            if let Some((d, part)) = super::dictviews::view_parts(v) {
                return Ok(dict_reversed(&d, part));
            }
            let tn = ops::type_name(rt, v);
            ops::raise(rt.type_error(format!("'{tn}' object is not reversible")))
        }
    }
}

/// `reversed(d)` over one part of a dict, from its last entry.
fn dict_reversed(d: &Rc<Dict>, part: DictPart) -> Value {
    let t = d.borrow();
    make(IterKind::DictRev(d.clone(), Cell::new(t.raw_len()), t.len(), part))
}

/// Nothing to register: the iterator types are constructed through `types`.
pub fn install(_rt: &mut Runtime) {}
