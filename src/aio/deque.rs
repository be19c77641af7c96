//! The `collections.deque` part asyncio's queues and locks use (`asyncio._deque()`):
//! a native double-ended queue, so that a queue's `len()`, truth test, `append` and
//! `popleft` are built-in calls rather than script frames, as with CPython's deque.

use super::classes::Classes;
use crate::builtins::{add_method, raise};
use crate::eval::native::{Args, Ret};
use crate::ops::{self, PyResult};
use crate::runtime::class::Class;
use crate::runtime::gc_refs::Visit;
use crate::runtime::object::{downcast, Object};
use crate::runtime::value::Value;
use crate::runtime::Runtime;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

/// A deque of values.
#[derive(Default)]
pub struct Deque {
    /// The items, left to right.
    pub items: RefCell<VecDeque<Value>>,
}

impl Deque {
    /// A snapshot of the items, left to right.
    fn values(&self) -> Vec<Value> {
        self.items.borrow().iter().cloned().collect()
    }
}

impl Object for Deque {
    fn class(&self, _rt: &Runtime) -> Rc<Class> {
        super::classes::with(|c| c.deque.clone())
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn len(&self) -> Option<usize> {
        Some(self.items.borrow().len())
    }
    fn repr(&self, rt: &mut Runtime, _this: &Value) -> Option<String> {
        let inner = ops::repr::repr(rt, &Value::list(self.values())).ok()?;
        Some(format!("deque({inner})"))
    }
    fn iter(&self, rt: &mut Runtime, _this: &Value) -> Option<PyResult<Value>> {
        Some(ops::iter::iter(rt, &Value::list(self.values())))
    }
    fn contains(&self, rt: &mut Runtime, _this: &Value, item: &Value) -> Option<PyResult<bool>> {
        Some(position(rt, self, item).map(|p| p.is_some()))
    }
    fn traverse(&self, visit: &mut Visit<'_>) -> bool {
        let Ok(items) = self.items.try_borrow() else { return false };
        items.iter().for_each(|v| visit.value(v));
        true
    }
    fn clear_refs(&self) {
        let items = self.items.try_borrow_mut().map(|mut i| std::mem::take(&mut *i));
        drop(items);
    }
}

/// The index of the first item that is `item` or equal to it (the comparison may run
/// script code, so the items are read one at a time).
fn position(rt: &mut Runtime, d: &Deque, item: &Value) -> PyResult<Option<usize>> {
    let mut i = 0;
    loop {
        let Some(v) = d.items.borrow().get(i).cloned() else { return Ok(None) };
        if v.is(item) || ops::cmp::eq(rt, &v, item)? {
            return Ok(Some(i));
        }
        i += 1;
    }
}

/// `_deque()`: a new empty deque.
pub fn new_deque(_rt: &mut Runtime, _a: Args) -> Ret {
    Ret::Val(crate::runtime::gc::new_obj(Deque::default()))
}

fn this<'a>(rt: &Runtime, a: &Args<'a>) -> Result<&'a Deque, Ret> {
    match a.pos.first().and_then(|v| downcast::<Deque>(v)) {
        Some(d) => Ok(d),
        None => Err(raise(rt.type_error("descriptor requires a 'collections.deque' object"))),
    }
}

macro_rules! deque_or_ret {
    ($rt:expr, $a:expr) => {
        match this($rt, &$a) {
            Ok(d) => d,
            Err(r) => return r,
        }
    };
}

fn one_arg(rt: &Runtime, a: &Args, name: &str) -> Result<Value, Ret> {
    match a.pos {
        [_, v] => Ok(v.clone()),
        _ => Err(raise(rt.type_error(format!("deque.{name}() takes exactly one argument ({} given)", a.pos.len().saturating_sub(1))))),
    }
}

fn m_append(rt: &mut Runtime, a: Args) -> Ret {
    let d = deque_or_ret!(rt, a);
    match one_arg(rt, &a, "append") {
        Ok(v) => d.items.borrow_mut().push_back(v),
        Err(r) => return r,
    }
    Ret::Val(Value::None)
}

fn m_appendleft(rt: &mut Runtime, a: Args) -> Ret {
    let d = deque_or_ret!(rt, a);
    match one_arg(rt, &a, "appendleft") {
        Ok(v) => d.items.borrow_mut().push_front(v),
        Err(r) => return r,
    }
    Ret::Val(Value::None)
}

fn m_popleft(rt: &mut Runtime, a: Args) -> Ret {
    let d = deque_or_ret!(rt, a);
    let v = d.items.borrow_mut().pop_front();
    match v {
        Some(v) => Ret::Val(v),
        None => raise(rt.exc_msg(&rt.types.index_error, "pop from an empty deque")),
    }
}

fn m_pop(rt: &mut Runtime, a: Args) -> Ret {
    let d = deque_or_ret!(rt, a);
    let v = d.items.borrow_mut().pop_back();
    match v {
        Some(v) => Ret::Val(v),
        None => raise(rt.exc_msg(&rt.types.index_error, "pop from an empty deque")),
    }
}

fn m_remove(rt: &mut Runtime, a: Args) -> Ret {
    let d = deque_or_ret!(rt, a);
    let item = match one_arg(rt, &a, "remove") {
        Ok(v) => v,
        Err(r) => return r,
    };
    match position(rt, d, &item) {
        Ok(Some(i)) => {
            let v = d.items.borrow_mut().remove(i);
            drop(v);
            Ret::Val(Value::None)
        }
        Ok(None) => raise(rt.value_error("deque.remove(x): x not in deque")),
        Err(e) => raise(ops::expect_raise(e)),
    }
}

fn m_clear(rt: &mut Runtime, a: Args) -> Ret {
    let d = deque_or_ret!(rt, a);
    let items = std::mem::take(&mut *d.items.borrow_mut());
    drop(items);
    Ret::Val(Value::None)
}

fn m_len(rt: &mut Runtime, a: Args) -> Ret {
    let d = deque_or_ret!(rt, a);
    Ret::Val(Value::Int(d.items.borrow().len() as i64))
}

/// Add the deque methods.
pub fn install(c: &Classes) {
    let d = &c.deque;
    add_method(d, "append", m_append);
    add_method(d, "appendleft", m_appendleft);
    add_method(d, "popleft", m_popleft);
    add_method(d, "pop", m_pop);
    add_method(d, "remove", m_remove);
    add_method(d, "clear", m_clear);
    add_method(d, "__len__", m_len);
}
