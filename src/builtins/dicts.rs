//! `dict`: lookups with Python hashing and equality (user `__eq__` runs outside any
//! borrow of the table), the methods, and the key/value/item views.

use super::{add_method, check_clinic, check_method, raise, ret};
use crate::eval::native::{Args, Ret};
use crate::ops::{self, PyResult};
use crate::runtime::dict::Dict;
use crate::runtime::iter::DictPart;
use crate::runtime::value::Value;
use crate::runtime::Runtime;
use std::rc::Rc;

/// Find the position of `key` (hash `h`) in `d`.
fn find(rt: &mut Runtime, d: &Dict, key: &Value, h: i64) -> PyResult<Option<usize>> {
    let mut needs_script = false;
    {
        let t = d.borrow();
        let pos = t.find(h, |k| {
            if k.is(key) {
                return true;
            }
            match ops::cmp::eq_builtin(k, key) {
                Some(b) => b,
                None => {
                    needs_script = true;
                    false
                }
            }
        });
        if pos.is_some() || !needs_script {
            return Ok(pos);
        }
    }
    let cands = d.borrow().candidates(h);
    for p in cands {
        let k = d.borrow().entry_opt(p).map(|e| e.key.clone());
        if let Some(k) = k {
            if ops::cmp::eq(rt, &k, key)? {
                return Ok(Some(p));
            }
        }
    }
    Ok(None)
}

/// `d.get(key)` as an option.
pub fn dict_get(rt: &mut Runtime, d: &Dict, key: &Value) -> PyResult<Option<Value>> {
    if let Value::Str(s) = key {
        // One probe: a `str` key matches `str` keys by text; only a key of another
        // type with the same hash (an instance with `__eq__`) needs the general path.
        let t = d.borrow();
        let mut other = false;
        let pos = t.find(s.hash(), |k| match k {
            Value::Str(x) => Rc::ptr_eq(x, s) || x.same_text(s),
            _ => {
                other = true;
                false
            }
        });
        if let Some(p) = pos {
            return Ok(Some(t.entry(p).value.clone()));
        }
        if !other {
            return Ok(None);
        }
        // (the table is released before the general path, which may run script code)
        drop(t);
    }
    let h = ops::cmp::hash(rt, key)?;
    let pos = find(rt, d, key, h)?;
    Ok(pos.and_then(|p| d.borrow().entry_opt(p).map(|e| e.value.clone())))
}

/// `d[key] = value`.
pub fn dict_set(rt: &mut Runtime, d: &Dict, key: Value, value: Value) -> PyResult<()> {
    if let Value::Str(s) = &key {
        // One probe, as `dict_get` makes it (the probe is written out in both: one
        // shared closure would keep the table's `find` out of line in each).
        let t = d.borrow();
        let mut other = false;
        let h = s.hash();
        let pos = t.find(h, |k| match k {
            Value::Str(x) => Rc::ptr_eq(x, s) || x.same_text(s),
            _ => {
                other = true;
                false
            }
        });
        drop(t);
        match pos {
            Some(p) => {
                // (the old value is dropped after the table is released)
                let old = d.borrow_mut().set_value(p, value);
                drop(old);
                return Ok(());
            }
            None if !other => {
                d.borrow_mut().push(h, key, value);
                return Ok(());
            }
            None => {}
        }
    }
    let h = ops::cmp::hash(rt, &key)?;
    match find(rt, d, &key, h)? {
        Some(p) => {
            let old = d.borrow_mut().set_value(p, value);
            drop(old);
        }
        None => d.borrow_mut().push(h, key, value),
    }
    Ok(())
}

/// `del d[key]`: the removed value, or `None` if absent.
pub fn dict_del(rt: &mut Runtime, d: &Dict, key: &Value) -> PyResult<Option<Value>> {
    let h = ops::cmp::hash(rt, key)?;
    match find(rt, d, key, h)? {
        Some(p) => {
            let e = d.borrow_mut().remove_at(p);
            Ok(Some(e.value))
        }
        None => Ok(None),
    }
}

/// A shallow copy.
pub fn dict_copy(d: &Dict) -> Rc<Dict> {
    crate::runtime::gc::new_dict(Dict::from_table(d.borrow().clone()))
}

/// Add every entry of `src` to `d`.
pub fn dict_update_from(rt: &mut Runtime, d: &Dict, src: &Dict) -> PyResult<()> {
    let entries: Vec<(Value, Value)> = src.borrow().iter().map(|e| (e.key.clone(), e.value.clone())).collect();
    for (k, v) in entries {
        dict_set(rt, d, k, v)?;
    }
    Ok(())
}

/// The (key, value) pairs of a mapping-like value (`keys()` and `__getitem__`), or
/// `None` when it is not a mapping.
pub fn mapping_items(rt: &mut Runtime, v: &Value) -> PyResult<Option<Vec<(Value, Value)>>> {
    if let Value::Dict(d) = v {
        return Ok(Some(d.borrow().iter().map(|e| (e.key.clone(), e.value.clone())).collect()));
    }
    let keys = match ops::attr::getattr(rt, v, &crate::runtime::intern::intern("keys")) {
        Ok(k) => k,
        Err(_) => return Ok(None),
    };
    let keys = ops::call::call_value(rt, keys, vec![])?;
    let mut out = Vec::new();
    for k in ops::iter::collect(rt, &keys)? {
        let val = ops::item::getitem(rt, v, &k)?;
        out.push((k, val));
    }
    Ok(Some(out))
}

/// `d.update(other)` for a mapping or an iterable of pairs.
pub fn dict_update_any(rt: &mut Runtime, d: &Dict, other: &Value) -> PyResult<()> {
    if let Some(items) = mapping_items(rt, other)? {
        for (k, v) in items {
            dict_set(rt, d, k, v)?;
        }
        return Ok(());
    }
    let it = match ops::iter::iter(rt, other) {
        Ok(it) => it,
        Err(ops::Fail::Raise(e)) if ops::exc_matches(&e, &rt.types.type_error) => {
            let tn = ops::type_name(rt, other);
            return ops::raise(rt.type_error(format!("'{tn}' object is not iterable")));
        }
        Err(e) => return Err(e),
    };
    let mut i = 0;
    while let Some(item) = ops::iter::next(rt, &it)? {
        dict_add_pair(rt, d, i, &item)?;
        i += 1;
    }
    Ok(())
}

/// Add item number `i` of `dict(iterable)` or `d.update(iterable)`: a key-value pair.
pub fn dict_add_pair(rt: &mut Runtime, d: &Dict, i: usize, item: &Value) -> PyResult<()> {
    let pair = match ops::iter::collect(rt, item) {
        Ok(p) => p,
        Err(_) => {
            return ops::raise(rt.type_error(format!("cannot convert dictionary update sequence element #{i} to a sequence")));
        }
    };
    if pair.len() != 2 {
        return ops::raise(rt.value_error(format!(
            "dictionary update sequence element #{i} has length {}; 2 is required",
            pair.len()
        )));
    }
    let mut it = pair.into_iter();
    let k = it.next().unwrap();
    let v = it.next().unwrap();
    dict_set(rt, d, k, v)
}

/// `a == b` for dicts.
pub fn dict_eq(rt: &mut Runtime, a: &Dict, b: &Dict) -> PyResult<bool> {
    if a.len() != b.len() {
        return Ok(false);
    }
    let entries: Vec<(Value, Value)> = a.borrow().iter().map(|e| (e.key.clone(), e.value.clone())).collect();
    ops::cmp::enter_recursive(rt, " in comparison")?;
    let res = dict_entries_eq(rt, entries, b);
    rt.repr_depth -= 1;
    res
}

fn dict_entries_eq(rt: &mut Runtime, entries: Vec<(Value, Value)>, b: &Dict) -> PyResult<bool> {
    for (k, v) in entries {
        match dict_get(rt, b, &k)? {
            Some(w) => {
                if !v.is(&w) && !ops::cmp::eq(rt, &v, &w)? {
                    return Ok(false);
                }
            }
            None => return Ok(false),
        }
    }
    Ok(true)
}

fn this(a: &Args) -> Rc<Dict> {
    match &a.pos[0] {
        Value::Dict(d) => d.clone(),
        _ => Rc::new(Dict::new()),
    }
}

fn view(a: Args, part: DictPart) -> Ret {
    Ret::Val(super::dictviews::view(this(&a), part))
}

fn keys(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_method(rt, &a, "dict.keys", 0, 0) {
        return raise(e);
    }
    view(a, DictPart::Keys)
}

fn values(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_method(rt, &a, "dict.values", 0, 0) {
        return raise(e);
    }
    view(a, DictPart::Values)
}

fn items(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_method(rt, &a, "dict.items", 0, 0) {
        return raise(e);
    }
    view(a, DictPart::Items)
}

fn get(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_clinic(rt, &a, "dict.get", 1, 2) {
        return raise(e);
    }
    match dict_get(rt, &this(&a), &a.pos[1]) {
        Ok(Some(v)) => Ret::Val(v),
        Ok(None) => Ret::Val(a.pos.get(2).cloned().unwrap_or(Value::None)),
        Err(e) => raise(ops::expect_raise(e)),
    }
}

fn setdefault(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_clinic(rt, &a, "dict.setdefault", 1, 2) {
        return raise(e);
    }
    let d = this(&a);
    match dict_get(rt, &d, &a.pos[1]) {
        Ok(Some(v)) => Ret::Val(v),
        Ok(None) => {
            let dv = a.pos.get(2).cloned().unwrap_or(Value::None);
            ret(dict_set(rt, &d, a.pos[1].clone(), dv.clone()).map(|_| dv))
        }
        Err(e) => raise(ops::expect_raise(e)),
    }
}

fn pop(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_clinic(rt, &a, "dict.pop", 1, 2) {
        return raise(e);
    }
    match dict_del(rt, &this(&a), &a.pos[1]) {
        Ok(Some(v)) => Ret::Val(v),
        Ok(None) => match a.pos.get(2) {
            Some(d) => Ret::Val(d.clone()),
            None => raise(rt.new_exc(&rt.types.key_error, vec![a.pos[1].clone()])),
        },
        Err(e) => raise(ops::expect_raise(e)),
    }
}

fn popitem(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_method(rt, &a, "dict.popitem", 0, 0) {
        return raise(e);
    }
    let e = this(&a).borrow_mut().pop_last();
    match e {
        Some(e) => Ret::Val(Value::tuple(vec![e.key, e.value])),
        None => raise(rt.exc_msg(&rt.types.key_error, "popitem(): dictionary is empty")),
    }
}

fn update(rt: &mut Runtime, a: Args) -> Ret {
    if a.pos.len() > 2 {
        return raise(rt.type_error(format!("update expected at most 1 argument, got {}", a.pos.len() - 1)));
    }
    let d = this(&a);
    if let Some(o) = a.pos.get(1) {
        if let Err(e) = dict_update_any(rt, &d, o) {
            return raise(ops::expect_raise(e));
        }
    }
    for (k, v) in a.names.iter().zip(a.kw) {
        d.set_str(k.clone(), v.clone());
    }
    Ret::Val(Value::None)
}

fn copy(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_method(rt, &a, "dict.copy", 0, 0) {
        return raise(e);
    }
    Ret::Val(Value::Dict(dict_copy(&this(&a))))
}

fn clear(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_method(rt, &a, "dict.clear", 0, 0) {
        return raise(e);
    }
    let old = std::mem::take(&mut *this(&a).borrow_mut());
    drop(old);
    Ret::Val(Value::None)
}

fn fromkeys(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_clinic(rt, &a, "dict.fromkeys", 1, 2) {
        return raise(e);
    }
    let (it, val) = (a.pos[1].clone(), a.pos.get(2).cloned().unwrap_or(Value::None));
    let d = crate::runtime::gc::new_dict(Dict::new());
    let keys = match ops::iter::collect(rt, &it) {
        Ok(k) => k,
        Err(e) => return raise(ops::expect_raise(e)),
    };
    for k in keys {
        if let Err(e) = dict_set(rt, &d, k, val.clone()) {
            return raise(ops::expect_raise(e));
        }
    }
    Ret::Val(Value::Dict(d))
}

/// Register dict methods.
pub fn install(rt: &mut Runtime) {
    let d = rt.types.dict.clone();
    add_method(&d, "keys", keys);
    add_method(&d, "values", values);
    add_method(&d, "items", items);
    add_method(&d, "get", get);
    add_method(&d, "setdefault", setdefault);
    add_method(&d, "pop", pop);
    add_method(&d, "popitem", popitem);
    add_method(&d, "update", update);
    add_method(&d, "copy", copy);
    add_method(&d, "clear", clear);
    let fk = super::native("fromkeys", fromkeys);
    d.dict.set_str(crate::runtime::intern::intern("fromkeys"), Value::Obj(crate::runtime::objref::ObjRef::new(crate::runtime::descr::ClassMethod(fk))));
}
