//! Advancing `map`, `filter`, `enumerate`, `zip` and `iter(f, sentinel)` objects for
//! the evaluator (a `for` loop, a comprehension) or a native task, without Rust
//! recursion when that runs script code: the script function's frame, or a small
//! native task standing for one `__next__`, is pushed on the driver's stack in
//! `ReturnMode::Iter` (its value is the item; `StopIteration` or `TaskStep::Done`
//! is exhaustion). Consumed by native code (`ops::iter::next`), they still advance
//! through `iters::NativeIter::advance` and nested driver runs.

use super::consume::{calls_script, runs_script};
use super::iters::{IterKind, NativeIter};
use crate::eval::call::{prepare_call, Prep};
use crate::eval::frame::{Activation, ReturnMode, TaskFrame};
use crate::eval::iterate::Step;
use crate::eval::native::{Input, Task, TaskStep};
use crate::ops;
use crate::runtime::iter::IterNext;
use crate::runtime::object::downcast;
use crate::runtime::value::Value;
use crate::runtime::Runtime;

/// Whether advancing this `map`/`filter`/`enumerate`/`zip`/`iter(f, x)` object runs
/// script code (false for any other value).
pub fn native_iter_runs_script(v: &Value) -> bool {
    let Some(n) = downcast::<NativeIter>(v) else { return false };
    match &n.kind {
        IterKind::Map(f, its) => calls_script(f) || its.iter().any(runs_script),
        IterKind::Filter(f, it) => (!f.is_none() && calls_script(f)) || runs_script(it),
        IterKind::Enumerate(it, _) => runs_script(it),
        IterKind::Zip(its, _) => its.iter().any(runs_script),
        IterKind::Callable(f, _) => calls_script(f),
        IterKind::Reversed(..) | IterKind::Seq(..) | IterKind::DictRev(..) => false,
    }
}

/// The next item of a `map`/`filter`/`enumerate`/`zip`/`reversed` object that
/// [`step`] leaves to native code (its advance calls no script function, or only
/// through a nested driver as `reversed` of a user sequence does, as before), advanced
/// now (`Ok(None)` when exhausted); `None`, with nothing done, for any other value.
#[inline]
pub fn next_native(rt: &mut Runtime, it: &Value) -> Option<ops::PyResult<Option<Value>>> {
    if !matches!(it, Value::Obj(_)) || downcast::<NativeIter>(it).is_none() || native_iter_runs_script(it) {
        return None;
    }
    Some(ops::iter::next(rt, it))
}

/// One step of a native iterator object whose advance runs script code; `None` for
/// the others (the caller advances them natively).
pub fn step(rt: &mut Runtime, it: &Value) -> Option<Step> {
    let n = downcast::<NativeIter>(it)?;
    if n.done.get() {
        return Some(Step::Done);
    }
    if !native_iter_runs_script(it) {
        return None;
    }
    if let IterKind::Map(f, its) = &n.kind {
        let direct = match f {
            Value::Func(_) => true,
            Value::Method(m) => matches!(m.func, Value::Func(_)),
            _ => false,
        };
        if direct && its.iter().all(|i| matches!(i, Value::Iter(_))) {
            return Some(map_direct(rt, n, f, its));
        }
    }
    let it = it.clone();
    let mode = ReturnMode::Iter;
    let task = match &n.kind {
        IterKind::Map(..) => TaskFrame::boxed(MapStep { it, args: Vec::new(), called: false }, mode),
        IterKind::Filter(..) => TaskFrame::boxed(FilterStep { it, item: None }, mode),
        IterKind::Enumerate(..) => TaskFrame::boxed(EnumerateStep { it }, mode),
        IterKind::Zip(..) => TaskFrame::boxed(ZipStep { it, items: Vec::new(), checking: None }, mode),
        IterKind::Callable(..) => TaskFrame::boxed(CallableStep { it }, mode),
        IterKind::Reversed(..) | IterKind::Seq(..) | IterKind::DictRev(..) => return None,
    };
    Some(Step::Push(Activation::Task(task)))
}

/// `map(f, ...)` of a script function over built-in iterators: take the arguments
/// now and push `f`'s frame, whose return value is the item.
fn map_direct(rt: &mut Runtime, n: &NativeIter, f: &Value, its: &[Value]) -> Step {
    let mut args = Vec::with_capacity(its.len());
    for i in its {
        let Value::Iter(i) = i else { unreachable!() };
        match i.next() {
            IterNext::Item(v) => args.push(v),
            IterNext::Done => {
                n.done.set(true);
                return Step::Done;
            }
            IterNext::Changed(msg) => return Step::Raise(rt.exc_msg(&rt.types.runtime_error, msg)),
        }
    }
    match prepare_call(rt, f, &args, &[]) {
        Prep::Value(v) => Step::Item(v),
        Prep::Raise(e) => Step::Raise(e),
        Prep::Push(Activation::Script(mut fr)) if matches!(fr.mode, ReturnMode::Value) => {
            fr.mode = ReturnMode::Iter;
            Step::Push(Activation::Script(fr))
        }
        // Not reached for functions and their bound methods (always a script frame
        // returning a value); whatever else, its value is the item.
        Prep::Push(a) => Step::Push(a),
    }
}

fn native(it: &Value) -> &NativeIter {
    downcast::<NativeIter>(it).expect("a native iterator")
}

/// The outcome of resuming a step task with an exhausted inner iterator.
fn exhausted(it: &Value) -> TaskStep {
    native(it).done.set(true);
    TaskStep::Done
}

/// One `__next__` of `map(f, *its)`: advance each iterator, then call `f`.
struct MapStep {
    it: Value,
    args: Vec<Value>,
    called: bool,
}

impl Task for MapStep {
    fn resume(&mut self, _rt: &mut Runtime, input: Input) -> TaskStep {
        match input {
            Input::Start => {}
            Input::Value(v) if self.called => return TaskStep::Return(v),
            Input::Value(v) => self.args.push(v),
            Input::Done => return exhausted(&self.it),
            Input::Raise(e) => return TaskStep::Raise(e),
        }
        let IterKind::Map(f, its) = &native(&self.it).kind else { unreachable!() };
        match its.get(self.args.len()) {
            Some(i) => TaskStep::Next(i.clone()),
            None => {
                self.called = true;
                TaskStep::Call(f.clone(), std::mem::take(&mut self.args))
            }
        }
    }
}

/// One `__next__` of `filter(f, it)`: items until one whose `f(item)` (or the item
/// itself, for `filter(None, it)`) is true.
struct FilterStep {
    it: Value,
    /// The item `f` was called with.
    item: Option<Value>,
}

impl Task for FilterStep {
    fn resume(&mut self, rt: &mut Runtime, input: Input) -> TaskStep {
        let IterKind::Filter(f, inner) = &native(&self.it).kind else { unreachable!() };
        let v = match input {
            Input::Start => return TaskStep::Next(inner.clone()),
            Input::Value(v) => v,
            Input::Done => return exhausted(&self.it),
            Input::Raise(e) => return TaskStep::Raise(e),
        };
        let (item, verdict) = match self.item.take() {
            Some(item) => (item, v),
            None if f.is_none() => (v.clone(), v),
            None => {
                self.item = Some(v.clone());
                return TaskStep::Call(f.clone(), vec![v]);
            }
        };
        match ops::cmp::truthy(rt, &verdict) {
            Ok(true) => TaskStep::Return(item),
            Ok(false) => TaskStep::Next(inner.clone()),
            Err(e) => TaskStep::Raise(ops::expect_raise(e)),
        }
    }
}

/// One `__next__` of `enumerate(it, start)`.
struct EnumerateStep {
    it: Value,
}

impl Task for EnumerateStep {
    fn resume(&mut self, rt: &mut Runtime, input: Input) -> TaskStep {
        let IterKind::Enumerate(inner, count) = &native(&self.it).kind else { unreachable!() };
        match input {
            Input::Start => TaskStep::Next(inner.clone()),
            Input::Value(x) => {
                let n = count.borrow().clone();
                match ops::num::binary(rt, crate::syntax::ast::BinOp::Add, &n, &Value::Int(1)) {
                    Ok(next) => *count.borrow_mut() = next,
                    Err(e) => return TaskStep::Raise(ops::expect_raise(e)),
                }
                TaskStep::Return(Value::tuple(vec![n, x]))
            }
            Input::Done => exhausted(&self.it),
            Input::Raise(e) => TaskStep::Raise(e),
        }
    }
}

/// One `__next__` of `zip(*its, strict=)`: an item of each iterator in turn; with
/// `strict`, the length checks of CPython's zip.
struct ZipStep {
    it: Value,
    items: Vec<Value>,
    /// With `strict`, the first iterator ended: the index of the one being checked.
    checking: Option<usize>,
}

impl Task for ZipStep {
    fn resume(&mut self, rt: &mut Runtime, input: Input) -> TaskStep {
        let IterKind::Zip(its, strict) = &native(&self.it).kind else { unreachable!() };
        let plural = |i: usize| if i == 1 { " " } else { "s 1-" };
        if let Some(j) = self.checking {
            return match input {
                Input::Value(_) => TaskStep::Raise(rt.value_error(format!("zip() argument {} is longer than argument{}{}", j + 1, plural(j), j))),
                Input::Raise(e) => TaskStep::Raise(e),
                _ if j + 1 < its.len() => {
                    self.checking = Some(j + 1);
                    TaskStep::Next(its[j + 1].clone())
                }
                _ => exhausted(&self.it),
            };
        }
        match input {
            Input::Start => {}
            Input::Value(v) => self.items.push(v),
            Input::Done => {
                let i = self.items.len();
                if *strict {
                    if i > 0 {
                        return TaskStep::Raise(rt.value_error(format!("zip() argument {} is shorter than argument{}{}", i + 1, plural(i), i)));
                    }
                    if its.len() > 1 {
                        self.checking = Some(1);
                        return TaskStep::Next(its[1].clone());
                    }
                }
                return exhausted(&self.it);
            }
            Input::Raise(e) => return TaskStep::Raise(e),
        }
        match its.get(self.items.len()) {
            Some(i) => TaskStep::Next(i.clone()),
            None => TaskStep::Return(Value::tuple(std::mem::take(&mut self.items))),
        }
    }
}

/// One `__next__` of `iter(f, sentinel)`: call `f`; the sentinel ends the iteration.
struct CallableStep {
    it: Value,
}

impl Task for CallableStep {
    fn resume(&mut self, rt: &mut Runtime, input: Input) -> TaskStep {
        let IterKind::Callable(f, sentinel) = &native(&self.it).kind else { unreachable!() };
        match input {
            Input::Start => TaskStep::Call(f.clone(), vec![]),
            Input::Value(v) => match ops::cmp::eq(rt, &v, sentinel) {
                Ok(true) => exhausted(&self.it),
                Ok(false) => TaskStep::Return(v),
                Err(e) => TaskStep::Raise(ops::expect_raise(e)),
            },
            Input::Done => exhausted(&self.it),
            Input::Raise(e) => TaskStep::Raise(e),
        }
    }
}
