//! `raise` statements, exception chaining, and matching `except` clauses.

use super::exec::push_block;
use super::expr::{eval, Ev};
use super::frame::Frame;
use super::ir::*;
use super::machine::Act;
use super::step::Step;
use crate::ops::{self, Fail};
use crate::runtime::class::Exc;
use crate::runtime::value::Value;
use crate::runtime::Runtime;

/// Set `__context__` of a newly raised exception to the one being handled.
pub fn set_context(rt: &mut Runtime, e: &Exc) {
    let Some(cur) = rt.handled.last().cloned() else { return };
    if std::rc::Rc::ptr_eq(&cur, e) {
        return;
    }
    let has = e.exc_data().context.is_some();
    if has {
        return;
    }
    // Avoid cycles: do not chain to an exception whose context chain contains `e`.
    let mut c = Some(Value::Inst(cur.clone()));
    let mut depth = 0;
    while let Some(Value::Inst(x)) = c {
        if std::rc::Rc::ptr_eq(&x, e) || depth > 10_000 {
            return;
        }
        c = x.exc_data().context.clone();
        depth += 1;
    }
    e.exc_data_mut().context = Some(Value::Inst(cur));
}

/// Make an exception instance from what was raised (a class or an instance).
fn to_exception(rt: &mut Runtime, v: Value, what: &str) -> Result<Exc, Exc> {
    match v {
        Value::Inst(i) if i.is_exception() => Ok(i),
        Value::Class(c) if c.is_subclass(&rt.types.base_exception) => {
            match ops::call::call_value(rt, Value::Class(c), vec![]) {
                Ok(Value::Inst(i)) if i.is_exception() => Ok(i),
                Ok(other) => {
                    let tn = ops::type_name(rt, &other);
                    Err(rt.type_error(format!("calling the exception class should have returned an instance of BaseException, not {tn}")))
                }
                Err(Fail::Raise(e)) => Err(e),
                Err(Fail::Slow) => unreachable!(),
            }
        }
        _ => Err(rt.type_error(what.to_string())),
    }
}

/// `raise [exc [from cause]]`: state 0 evaluates, 1 has exc, 2 has exc and cause.
pub fn raise_stmt(rt: &mut Runtime, f: &mut Frame, s: &'static Stmt, st: u32) -> Act {
    let StmtKind::Raise(exc, cause) = &s.kind else { unreachable!() };
    let Some(exc) = exc else {
        return match rt.handled.last() {
            Some(e) => super::unwind::reraise(e.clone()),
            None => Act::Raise(rt.exc_msg(&rt.types.runtime_error, "No active exception to reraise")),
        };
    };
    if st == 0 {
        match eval(rt, f, exc, Step::Stmt(s, 1)) {
            Ev::Val(v) => f.push(v),
            Ev::Pending(a) => return a,
            Ev::Raise(x) => return Act::Raise(x),
        }
    }
    if st <= 1 {
        if let Some(c) = cause {
            match eval(rt, f, c, Step::Stmt(s, 2)) {
                Ev::Val(v) => f.push(v),
                Ev::Pending(a) => return a,
                Ev::Raise(x) => return Act::Raise(x),
            }
        }
    }
    let cause_v = if cause.is_some() { Some(f.pop()) } else { None };
    let v = f.pop();
    let e = match to_exception(rt, v, "exceptions must derive from BaseException") {
        Ok(e) => e,
        Err(x) => return Act::Raise(x),
    };
    if let Some(c) = cause_v {
        let c = match c {
            Value::None => None,
            other => match to_exception(rt, other, "exception causes must derive from BaseException") {
                Ok(ce) => Some(Value::Inst(ce)),
                Err(x) => return Act::Raise(x),
            },
        };
        let mut d = e.exc_data_mut();
        d.cause = c;
        d.suppress_context = true;
    }
    Act::Raise(e)
}

/// Whether exception `e` matches the `except` type value `t`.
fn matches(rt: &mut Runtime, e: &Exc, t: &Value) -> Result<bool, Exc> {
    match t {
        Value::Class(c) if c.is_subclass(&rt.types.base_exception) => Ok(ops::exc_matches(e, c)),
        Value::Tuple(items) => {
            for x in items.items() {
                if matches(rt, e, x)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        _ => Err(rt.type_error("catching classes that do not inherit from BaseException is not allowed")),
    }
}

/// `except` matching. States: `10 + i` try handler `i` (exception on the stack);
/// `1000 + i` its type was evaluated; `2000 + i` the handler body finished normally.
pub fn handler_cont(rt: &mut Runtime, f: &mut Frame, s: &'static Stmt, st: u32) -> Act {
    let StmtKind::Try(t) = &s.kind else { unreachable!() };
    if st >= 2000 {
        let i = (st - 2000) as usize;
        if let Some(name) = &t.handlers[i].name {
            unbind(f, name);
        }
        return Act::Next;
    }
    let (i, typ) = if st >= 1000 {
        let typ = f.pop();
        ((st - 1000) as usize, Some(typ))
    } else {
        ((st - 10) as usize, None)
    };
    let Value::Inst(e) = f.stack.last().cloned().unwrap_or(Value::None) else { unreachable!() };
    let h = &t.handlers[i];
    let hit = match (&h.typ, typ) {
        (None, _) => true,
        (Some(_), Some(tv)) => match matches(rt, &e, &tv) {
            Ok(b) => b,
            Err(x) => {
                f.pop();
                return Act::Raise(x);
            }
        },
        (Some(te), None) => match eval(rt, f, te, Step::Stmt(s, 1000 + i as u32)) {
            Ev::Val(tv) => match matches(rt, &e, &tv) {
                Ok(b) => b,
                Err(x) => {
                    f.pop();
                    return Act::Raise(x);
                }
            },
            Ev::Pending(a) => return a,
            Ev::Raise(x) => {
                f.pop();
                return Act::Raise(x);
            }
        },
    };
    if !hit {
        if i + 1 < t.handlers.len() {
            return handler_cont(rt, f, s, 10 + i as u32 + 1);
        }
        f.pop();
        return super::unwind::reraise(e);
    }
    // Enter handler i.
    f.pop();
    f.line = h.line;
    let k = rt.handled.len() - f.handled_base();
    rt.handled.push(e.clone());
    f.work.push(Step::Stmt(s, 2000 + i as u32));
    f.work.push(Step::ExceptBody(k as u32));
    push_block(f, &h.body);
    match &h.name {
        Some(name) => super::store::store(rt, f, name, Value::Inst(e)),
        None => Act::Next,
    }
}

fn unbind(f: &mut Frame, t: &'static Target) {
    match t {
        Target::Local(i) => f.locals[*i as usize] = None,
        Target::Cell(i) => *f.cells()[*i as usize].value.borrow_mut() = None,
        Target::Global(n) => {
            f.globals.del_str(&n.name);
        }
        Target::Name(n) => {
            if let Some(ns) = f.ns() {
                ns.del_str(n);
            }
        }
        _ => {}
    }
}
