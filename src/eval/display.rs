//! Displays that need more than the generic path: dicts (keys and values, `**`
//! unpacking) and tuples/lists/sets with `*` unpacking.

use super::expr::{eval, Ev};
use super::frame::Frame;
use super::ir::*;
use super::machine::Act;
use super::step::Step;
use crate::ops::{self, Fail};
use crate::runtime::dict::Dict;
use crate::runtime::value::Value;
use crate::runtime::Runtime;

/// Start a dict display: a dict is built on the stack as items are evaluated.
pub fn dict_start(rt: &mut Runtime, f: &mut Frame, e: &'static Expr) -> Act {
    f.push(Value::Dict(crate::runtime::gc::new_dict(Dict::new())));
    dict_cont(rt, f, e, 0)
}

/// State `2*i`: evaluate item `i`'s key (or the `**` mapping); `2*i+1`: its value.
pub fn dict_cont(rt: &mut Runtime, f: &mut Frame, e: &'static Expr, mut st: u32) -> Act {
    let ExprKind::Dict(items) = &e.kind else { unreachable!() };
    loop {
        let i = (st / 2) as usize;
        if st % 2 == 1 {
            // Key (or mapping) and value are on the stack above the dict.
            let v = f.pop();
            let (k, is_unpack) = match &items[i].0 {
                Some(_) => (Some(f.pop()), false),
                None => (None, true),
            };
            let Value::Dict(d) = f.stack.last().unwrap().clone() else { unreachable!() };
            let r = if is_unpack {
                crate::builtins::dicts::dict_update_any(rt, &d, &v).map_err(|x| match x {
                    Fail::Raise(ex) if ops::exc_matches(&ex, &rt.types.attribute_error) || ops::exc_matches(&ex, &rt.types.type_error) => {
                        let tn = ops::type_name(rt, &v);
                        Fail::Raise(rt.type_error(format!("'{tn}' object is not a mapping")))
                    }
                    other => other,
                })
            } else {
                crate::builtins::dicts::dict_set(rt, &d, k.unwrap(), v)
            };
            if let Err(x) = r {
                return Act::Raise(ops::expect_raise(x));
            }
            st += 1;
            continue;
        }
        if i == items.len() {
            return Act::Next;
        }
        // Evaluate the key (if any) then the value.
        if let Some(k) = &items[i].0 {
            match eval(rt, f, k, Step::Cont(e, st + 100_000)) {
                Ev::Val(v) => f.push(v),
                Ev::Pending(a) => return a,
                Ev::Raise(x) => return Act::Raise(x),
            }
        }
        match eval(rt, f, &items[i].1, Step::Cont(e, st + 1)) {
            Ev::Val(v) => {
                f.push(v);
                st += 1;
            }
            Ev::Pending(a) => return a,
            Ev::Raise(x) => return Act::Raise(x),
        }
    }
}

/// Resume after a dict key was evaluated by steps (state offset 100000).
pub fn dict_key_done(rt: &mut Runtime, f: &mut Frame, e: &'static Expr, st: u32) -> Act {
    let ExprKind::Dict(items) = &e.kind else { unreachable!() };
    let i = (st / 2) as usize;
    match eval(rt, f, &items[i].1, Step::Cont(e, st + 1)) {
        Ev::Val(v) => {
            f.push(v);
            dict_cont(rt, f, e, st + 1)
        }
        Ev::Pending(a) => a,
        Ev::Raise(x) => Act::Raise(x),
    }
}

/// A tuple, list or set display with `*` items: a list accumulates on the stack.
pub fn starred(rt: &mut Runtime, f: &mut Frame, e: &'static Expr, st: u32) -> Act {
    let items = match &e.kind {
        ExprKind::Tuple(items, _) | ExprKind::List(items, _) | ExprKind::Set(items, _) => items,
        _ => unreachable!(),
    };
    let set = matches!(e.kind, ExprKind::Set(..));
    let mut i = st as usize;
    if i == 0 {
        f.push(Value::list(vec![]));
    } else {
        // Item i-1 was evaluated by steps: add it.
        let v = f.pop();
        if let Err(x) = add_item(rt, f, &items[i - 1], v, set) {
            return Act::Raise(x);
        }
    }
    while i < items.len() {
        let x = match &items[i].kind {
            ExprKind::Starred(inner) => &**inner,
            _ => &items[i],
        };
        match eval(rt, f, x, Step::Cont(e, i as u32 + 1)) {
            Ev::Val(v) => {
                if let Err(x) = add_item(rt, f, &items[i], v, set) {
                    return Act::Raise(x);
                }
                i += 1;
            }
            Ev::Pending(a) => return a,
            Ev::Raise(x) => return Act::Raise(x),
        }
    }
    let Value::List(l) = f.pop() else { unreachable!() };
    let vals = std::mem::take(&mut *l.borrow_mut());
    let r = match &e.kind {
        ExprKind::Tuple(..) => Ok(Value::tuple(vals)),
        ExprKind::List(..) => Ok(Value::list(vals)),
        _ => crate::builtins::sets::set_from_values(rt, vals, false),
    };
    super::expr::done(f, r)
}

/// Adds one item of a starred display to the list on the stack; `*v` adds `v`'s items.
/// A `*v` that is not iterable gets the message of the instruction CPython uses:
/// `LIST_EXTEND` for tuples and lists, `SET_UPDATE` (the plain one) for sets.
fn add_item(rt: &mut Runtime, f: &mut Frame, item: &Expr, v: Value, set: bool) -> Result<(), crate::runtime::class::Exc> {
    let Value::List(acc) = f.stack.last().unwrap().clone() else { unreachable!() };
    if let ExprKind::Starred(_) = item.kind {
        let xs = match ops::iter::collect(rt, &v) {
            Ok(xs) => xs,
            Err(Fail::Raise(x)) => {
                if ops::exc_matches(&x, &rt.types.type_error) && !super::call::has_iter(rt, &v) {
                    let tn = ops::type_name(rt, &v);
                    let msg = if set { format!("'{tn}' object is not iterable") } else { format!("Value after * must be an iterable, not {tn}") };
                    return Err(rt.type_error(msg));
                }
                return Err(x);
            }
            Err(Fail::Slow) => unreachable!(),
        };
        acc.borrow_mut().extend(xs);
    } else {
        acc.borrow_mut().push(v);
    }
    Ok(())
}
