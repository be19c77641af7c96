//! `list` and `tuple` methods, and those of `range` and `slice`.

use super::{add_method, check_clinic, check_method, raise};
use crate::eval::native::{Args, Ret};
use crate::ops;
use crate::runtime::list::List;
use crate::runtime::value::Value;
use crate::runtime::Runtime;
use std::rc::Rc;

fn this(a: &Args) -> Rc<List> {
    match &a.pos[0] {
        Value::List(l) => l.clone(),
        _ => Rc::new(List::new(vec![])),
    }
}

fn append(rt: &mut Runtime, a: Args) -> Ret {
    if a.pos.len() != 2 || a.has_kw() {
        if let Err(e) = check_method(rt, &a, "list.append", 1, 1) {
            return raise(e);
        }
    }
    if let Value::List(l) = &a.pos[0] {
        l.borrow_mut().push(a.pos[1].clone());
    }
    Ret::Val(Value::None)
}

fn extend(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_method(rt, &a, "list.extend", 1, 1) {
        return raise(e);
    }
    match ops::iter::collect(rt, &a.pos[1]) {
        Ok(items) => {
            this(&a).borrow_mut().extend(items);
            Ret::Val(Value::None)
        }
        Err(e) => raise(ops::expect_raise(e)),
    }
}

fn norm(i: i64, len: usize) -> i64 {
    if i < 0 { i + len as i64 } else { i }
}

fn pop(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_clinic(rt, &a, "list.pop", 0, 1) {
        return raise(e);
    }
    let l = this(&a);
    let len = l.len();
    if len == 0 {
        return raise(rt.exc_msg(&rt.types.index_error, "pop from empty list"));
    }
    let i = match a.pos.get(1) {
        None => len as i64 - 1,
        Some(v) => match ops::int_arg(rt, v) {
            Ok(i) => norm(i, len),
            Err(e) => return raise(ops::expect_raise(e)),
        },
    };
    if i < 0 || i as usize >= len {
        return raise(rt.exc_msg(&rt.types.index_error, "pop index out of range"));
    }
    let v = l.borrow_mut().remove(i as usize);
    Ret::Val(v)
}

fn insert(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_clinic(rt, &a, "list.insert", 2, 2) {
        return raise(e);
    }
    let l = this(&a);
    let len = l.len();
    let i = match ops::int_arg(rt, &a.pos[1]) {
        Ok(i) => norm(i, len).clamp(0, len as i64) as usize,
        Err(e) => return raise(ops::expect_raise(e)),
    };
    l.borrow_mut().insert(i, a.pos[2].clone());
    Ret::Val(Value::None)
}

/// Position of the first item equal to `x` in `items[start..end]`.
fn position(rt: &mut Runtime, items: &[Value], x: &Value) -> Result<Option<usize>, crate::runtime::class::Exc> {
    for (i, v) in items.iter().enumerate() {
        if v.is(x) || ops::cmp::eq(rt, v, x).map_err(ops::expect_raise)? {
            return Ok(Some(i));
        }
    }
    Ok(None)
}

fn remove(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_method(rt, &a, "list.remove", 1, 1) {
        return raise(e);
    }
    let l = this(&a);
    let items = l.snapshot();
    match position(rt, &items, &a.pos[1]) {
        Ok(Some(i)) => {
            let old = l.borrow_mut().remove(i);
            drop(old);
            Ret::Val(Value::None)
        }
        Ok(None) => raise(rt.value_error("list.remove(x): x not in list")),
        Err(e) => raise(e),
    }
}

fn seq_items(a: &Args) -> Vec<Value> {
    match &a.pos[0] {
        Value::List(l) => l.snapshot(),
        Value::Tuple(t) => t.items().to_vec(),
        _ => vec![],
    }
}

fn index(rt: &mut Runtime, a: Args) -> Ret {
    let kind = if matches!(a.pos[0], Value::List(_)) { "list" } else { "tuple" };
    if let Err(e) = check_clinic(rt, &a, &format!("{kind}.index"), 1, 3) {
        return raise(e);
    }
    let items = seq_items(&a);
    let len = items.len();
    let bound = |rt: &mut Runtime, i: usize, d: i64| -> Result<usize, crate::runtime::class::Exc> {
        match a.pos.get(i) {
            None => Ok(d as usize),
            Some(v) => {
                let x = ops::slice_bound(rt, v, false).map_err(ops::expect_raise)?;
                Ok(norm(x, len).clamp(0, len as i64) as usize)
            }
        }
    };
    let (st, en) = match (bound(rt, 2, 0), bound(rt, 3, len as i64)) {
        (Ok(s), Ok(e)) => (s, e),
        (Err(e), _) | (_, Err(e)) => return raise(e),
    };
    let found = if st >= en { Ok(None) } else { position(rt, &items[st..en], &a.pos[1]) };
    match found {
        Ok(Some(i)) => Ret::Val(Value::Int((st + i) as i64)),
        Ok(None) => {
            let msg = if kind == "list" {
                let r = ops::repr::repr(rt, &a.pos[1]).map(|s| s.as_str().to_string()).unwrap_or_default();
                format!("{r} is not in list")
            } else {
                "tuple.index(x): x not in tuple".to_string()
            };
            raise(rt.value_error(msg))
        }
        Err(e) => raise(e),
    }
}

fn count(rt: &mut Runtime, a: Args) -> Ret {
    let qual = if matches!(a.pos[0], Value::List(_)) { "list.count" } else { "tuple.count" };
    if let Err(e) = check_method(rt, &a, qual, 1, 1) {
        return raise(e);
    }
    let items = seq_items(&a);
    let mut n = 0;
    for v in &items {
        match ops::cmp::eq(rt, v, &a.pos[1]) {
            Ok(true) => n += 1,
            Ok(false) => {}
            Err(e) => return raise(ops::expect_raise(e)),
        }
    }
    Ret::Val(Value::Int(n))
}

fn sort(rt: &mut Runtime, a: Args) -> Ret {
    if a.pos.len() > 3 {
        return raise(rt.type_error(format!("sort() takes at most 2 arguments ({} given)", a.pos.len() - 1)));
    }
    if a.pos.len() != 1 {
        return raise(rt.type_error("sort() takes no positional arguments"));
    }
    let (key, reverse) = match super::sorting::sort_options(rt, &a, "sort") {
        Ok(o) => o,
        Err(e) => return raise(e),
    };
    super::sorting::list_sort(rt, this(&a), key, reverse)
}

fn reverse(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_method(rt, &a, "list.reverse", 0, 0) {
        return raise(e);
    }
    this(&a).borrow_mut().reverse();
    Ret::Val(Value::None)
}

fn copy(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_method(rt, &a, "list.copy", 0, 0) {
        return raise(e);
    }
    Ret::Val(Value::list(this(&a).snapshot()))
}

fn clear(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_method(rt, &a, "list.clear", 0, 0) {
        return raise(e);
    }
    let l = this(&a);
    let mut old = std::mem::take(&mut *l.borrow_mut());
    // CPython frees the items last to first.
    while old.pop().is_some() {}
    Ret::Val(Value::None)
}

fn range_index_count(rt: &mut Runtime, a: Args, name: &str) -> Ret {
    if let Err(e) = check_method(rt, &a, &format!("range.{name}"), 1, 1) {
        return raise(e);
    }
    let Value::Range(r) = &a.pos[0] else { return Ret::Val(Value::None) };
    let x = &a.pos[1];
    if matches!(x, Value::Int(_) | Value::BigInt(_)) {
        let i = ops::to_index(rt, x).ok().flatten().unwrap_or_default();
        let pos = r.index_of(&i);
        return match (name, pos) {
            ("count", p) => Ret::Val(Value::Int(p.is_some() as i64)),
            (_, Some(p)) => Ret::Val(Value::from_bigint(p)),
            (_, None) => {
                let rep = ops::repr::repr(rt, x).map(|s| s.as_str().to_string()).unwrap_or_default();
                raise(rt.value_error(format!("{rep} is not in range")))
            }
        };
    }
    // Other values are compared with every item, as CPython's sequence search does.
    let it = match ops::iter::iter(rt, &a.pos[0]) {
        Ok(it) => it,
        Err(e) => return raise(ops::expect_raise(e)),
    };
    let (mut n, mut k) = (0i64, 0i64);
    loop {
        match ops::iter::next(rt, &it) {
            Ok(Some(v)) => match ops::cmp::eq(rt, &v, x) {
                Ok(true) if name == "index" => return Ret::Val(Value::Int(k)),
                Ok(true) => n += 1,
                Ok(false) => {}
                Err(e) => return raise(ops::expect_raise(e)),
            },
            Ok(None) => break,
            Err(e) => return raise(ops::expect_raise(e)),
        }
        k += 1;
    }
    if name == "index" {
        return raise(rt.value_error("sequence.index(x): x not in sequence"));
    }
    Ret::Val(Value::Int(n))
}

fn range_index(rt: &mut Runtime, a: Args) -> Ret {
    range_index_count(rt, a, "index")
}

fn range_count(rt: &mut Runtime, a: Args) -> Ret {
    range_index_count(rt, a, "count")
}

fn slice_indices(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_method(rt, &a, "slice.indices", 1, 1) {
        return raise(e);
    }
    let Value::Slice(s) = &a.pos[0] else { return Ret::Val(Value::None) };
    let len = match ops::int_arg(rt, &a.pos[1]) {
        Ok(n) if n < 0 => return raise(rt.value_error("length should not be negative")),
        Ok(n) => n,
        Err(e) => return raise(ops::expect_raise(e)),
    };
    match ops::item::slice_indices(rt, s, len) {
        Ok(idx) => Ret::Val(Value::tuple(vec![Value::Int(idx.start), Value::Int(idx.stop), Value::Int(idx.step)])),
        Err(e) => raise(ops::expect_raise(e)),
    }
}

/// Register list, tuple, range and slice methods.
pub fn install(rt: &mut Runtime) {
    let l = rt.types.list.clone();
    add_method(&l, "append", append);
    add_method(&l, "extend", extend);
    add_method(&l, "pop", pop);
    add_method(&l, "insert", insert);
    add_method(&l, "remove", remove);
    add_method(&l, "index", index);
    add_method(&l, "count", count);
    add_method(&l, "sort", sort);
    add_method(&l, "reverse", reverse);
    add_method(&l, "copy", copy);
    add_method(&l, "clear", clear);
    let t = rt.types.tuple.clone();
    add_method(&t, "index", index);
    add_method(&t, "count", count);
    add_method(&rt.types.range.clone(), "index", range_index);
    add_method(&rt.types.range.clone(), "count", range_count);
    add_method(&rt.types.slice.clone(), "indices", slice_indices);
}
