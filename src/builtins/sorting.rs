//! `sorted()` and `list.sort()`: a stable sort on keys computed once per item, in
//! order. When the iterable's items or the key function come from script code, the
//! collecting and the key calls run as a native task on the driver's stack ([`Sort`]),
//! so recursion through `sorted(key=f)` needs no Rust recursion; otherwise a native
//! loop does everything.

use super::consume::{calls_script, might_run_script, source};
use super::raise;
use crate::eval::native::{Args, Input, Ret, Task, TaskStep};
use crate::ops::{self, Fail, PyResult};
use crate::runtime::class::Exc;
use crate::runtime::list::List;
use crate::runtime::value::Value;
use crate::runtime::Runtime;
use std::rc::Rc;

/// Sort values in place with optional key and reverse, as `list.sort` does (keys and
/// comparisons through nested driver runs when they are script code).
pub fn sort_values(rt: &mut Runtime, items: &mut Vec<Value>, key: Option<Value>, reverse: bool) -> PyResult<()> {
    let keys = match key {
        Some(k) => {
            let mut ks = Vec::with_capacity(items.len());
            for x in items.iter() {
                ks.push(ops::call::call_value(rt, k.clone(), vec![x.clone()])?);
            }
            Some(ks)
        }
        None => None,
    };
    sort_by_keys(rt, items, keys, reverse)
}

/// Sort `items` by `keys` (the items themselves when `None`), stably; `reverse` keeps
/// equal items in their original order, as CPython does.
pub fn sort_by_keys(rt: &mut Runtime, items: &mut Vec<Value>, keys: Option<Vec<Value>>, reverse: bool) -> PyResult<()> {
    let keys: &[Value] = match &keys {
        Some(k) => k,
        None => items,
    };
    let mut idx: Vec<usize> = (0..keys.len()).collect();
    if reverse {
        idx.reverse();
    }
    let mut err: Option<Fail> = None;
    idx.sort_by(|&i, &j| {
        if err.is_some() {
            return std::cmp::Ordering::Equal;
        }
        let (ki, kj) = (&keys[i], &keys[j]);
        if let (Value::Int(x), Value::Int(y)) = (ki, kj) {
            return x.cmp(y);
        }
        if let (Value::Str(x), Value::Str(y)) = (ki, kj) {
            return x.as_str().cmp(y.as_str());
        }
        if let Some(o) = ops::cmp::builtin_order(ki, kj, 0) {
            return o;
        }
        let lt = crate::syntax::ast::CmpOp::Lt;
        match ops::cmp::compare(rt, lt, ki, kj).and_then(|r| ops::cmp::truthy(rt, &r)) {
            Ok(true) => std::cmp::Ordering::Less,
            Ok(false) => match ops::cmp::compare(rt, lt, kj, ki).and_then(|r| ops::cmp::truthy(rt, &r)) {
                Ok(true) => std::cmp::Ordering::Greater,
                Ok(false) => std::cmp::Ordering::Equal,
                Err(e) => {
                    err = Some(e);
                    std::cmp::Ordering::Equal
                }
            },
            Err(e) => {
                err = Some(e);
                std::cmp::Ordering::Equal
            }
        }
    });
    if let Some(e) = err {
        return Err(e);
    }
    if reverse {
        idx.reverse();
    }
    let sorted: Vec<Value> = idx.into_iter().map(|i| items[i].clone()).collect();
    *items = sorted;
    Ok(())
}

/// Read `key=` and `reverse=` keyword arguments.
pub fn sort_options(rt: &mut Runtime, a: &Args, name: &str) -> Result<(Option<Value>, bool), Exc> {
    let mut key = None;
    let mut reverse = false;
    for (n, v) in a.names.iter().zip(a.kw) {
        match n.as_str() {
            "key" => key = (!v.is_none()).then(|| v.clone()),
            "reverse" => reverse = ops::cmp::truthy(rt, v).map_err(ops::expect_raise)?,
            other => return Err(rt.type_error(format!("'{other}' is an invalid keyword argument for {name}()"))),
        }
    }
    Ok((key, reverse))
}

/// `sorted(iterable, key=None, reverse=False)`: the items are collected first, then
/// the keyword arguments checked (as CPython's `list.sort` on the new list does).
pub fn sorted(rt: &mut Runtime, a: Args) -> Ret {
    if a.pos.len() != 1 {
        return raise(rt.type_error(format!("sorted expected 1 argument, got {}", a.pos.len())));
    }
    let (key, reverse, opts_err) = match sort_options(rt, &a, "sort") {
        Ok((k, r)) => (k, r, None),
        Err(e) => (None, false, Some(e)),
    };
    let (src, script) = if might_run_script(&a.pos[0]) {
        match source(rt, &a.pos[0]) {
            Ok(s) => s,
            Err(e) => return raise(e),
        }
    } else {
        (a.pos[0].clone(), false)
    };
    let (it, items) = if script {
        (Some(src), Vec::new())
    } else {
        match ops::iter::collect(rt, &src) {
            Ok(items) => (None, items),
            Err(e) => return raise(ops::expect_raise(e)),
        }
    };
    if script || key.as_ref().is_some_and(calls_script) {
        let task = Sort { it, items, key, keys: Vec::new(), reverse, opts_err, list: None };
        return Ret::task(task);
    }
    if let Some(e) = opts_err {
        return raise(e);
    }
    let mut items = items;
    match sort_values(rt, &mut items, key, reverse) {
        Ok(()) => Ret::Val(Value::list(items)),
        Err(e) => raise(ops::expect_raise(e)),
    }
}

/// `l.sort(key=key, reverse=reverse)`: the list is empty while the keys are computed
/// and sorted; `ValueError: list modified during sort` if something filled it.
pub fn list_sort(rt: &mut Runtime, l: Rc<List>, key: Option<Value>, reverse: bool) -> Ret {
    let items = std::mem::take(&mut *l.borrow_mut());
    if key.as_ref().is_some_and(calls_script) {
        let task = Sort { it: None, items, key, keys: Vec::new(), reverse, opts_err: None, list: Some(l) };
        return Ret::task(task);
    }
    let mut items = items;
    let r = sort_values(rt, &mut items, key, reverse);
    let modified = !l.is_empty();
    *l.borrow_mut() = items;
    match r {
        Err(e) => raise(ops::expect_raise(e)),
        Ok(()) if modified => raise(rt.value_error("list modified during sort")),
        Ok(()) => Ret::Val(Value::None),
    }
}

/// `sorted()` or `list.sort()` as a native task: collect the items (when `it` is set),
/// call the key function on each item in order, then sort natively.
pub struct Sort {
    /// The iterator still being collected.
    it: Option<Value>,
    items: Vec<Value>,
    key: Option<Value>,
    keys: Vec<Value>,
    reverse: bool,
    /// A bad keyword argument of `sorted()`, raised once the items are collected.
    opts_err: Option<Exc>,
    /// For `list.sort()`: the list, emptied meanwhile.
    list: Option<Rc<List>>,
}

impl Sort {
    /// Ask for the next key, or sort.
    fn next_key(&mut self, rt: &mut Runtime) -> TaskStep {
        if let Some(k) = &self.key {
            if let Some(x) = self.items.get(self.keys.len()) {
                return TaskStep::Call(k.clone(), vec![x.clone()]);
            }
        }
        let keys = self.key.is_some().then(|| std::mem::take(&mut self.keys));
        let mut items = std::mem::take(&mut self.items);
        let r = sort_by_keys(rt, &mut items, keys, self.reverse);
        match self.list.take() {
            Some(l) => {
                let modified = !l.is_empty();
                *l.borrow_mut() = items;
                match r {
                    Err(e) => TaskStep::Raise(ops::expect_raise(e)),
                    Ok(()) if modified => TaskStep::Raise(rt.value_error("list modified during sort")),
                    Ok(()) => TaskStep::Return(Value::None),
                }
            }
            None => match r {
                Err(e) => TaskStep::Raise(ops::expect_raise(e)),
                Ok(()) => TaskStep::Return(Value::list(items)),
            },
        }
    }

    /// Give `list.sort()`'s list its items back, unsorted (after an error).
    fn restore(&mut self) {
        if let Some(l) = self.list.take() {
            *l.borrow_mut() = std::mem::take(&mut self.items);
        }
    }
}

impl Task for Sort {
    fn resume(&mut self, rt: &mut Runtime, input: Input) -> TaskStep {
        match input {
            Input::Start => {
                if let Some(it) = &self.it {
                    return TaskStep::Next(it.clone());
                }
                if let Some(e) = self.opts_err.take() {
                    return TaskStep::Raise(e);
                }
            }
            Input::Value(v) => match &self.it {
                Some(it) => {
                    self.items.push(v);
                    return TaskStep::Next(it.clone());
                }
                None => self.keys.push(v),
            },
            Input::Done => {
                self.it = None;
                if let Some(e) = self.opts_err.take() {
                    return TaskStep::Raise(e);
                }
            }
            Input::Raise(e) => {
                self.restore();
                return TaskStep::Raise(e);
            }
        }
        self.next_key(rt)
    }
}

impl Drop for Sort {
    fn drop(&mut self) {
        self.restore();
    }
}
