//! `with` and `async with`: `__enter__`/`__exit__` around a block, on every way out.

use super::exec::{call_then, push_block};
use super::expr::{eval, Ev};
use super::frame::{Completion, Frame};
use super::ir::*;
use super::machine::Act;
use super::step::Step;
use crate::ops;
use crate::runtime::class::Exc;
use crate::runtime::intern::intern;
use crate::runtime::value::Value;
use crate::runtime::Runtime;

/// States of a `with` statement.
const ENTERED: u32 = 2;
const EXITED_EXC: u32 = 3;
const AENTER_AWAITED: u32 = 4;
const AEXIT_AWAITED: u32 = 5;
const AEXIT_AWAITED_NORMAL: u32 = 6;

fn method(rt: &mut Runtime, obj: &Value, name: &str) -> Option<Value> {
    match ops::attr::lookup_special(rt, obj, name) {
        Some(m) => Some(m),
        None => {
            let cls = ops::type_of(rt, obj);
            ops::attr::class_lookup(&cls, name)
        }
    }
}

/// Start a `with` (state 0) or continue it.
pub fn start(rt: &mut Runtime, f: &mut Frame, s: &'static Stmt, st: u32) -> Act {
    let StmtKind::With(w) = &s.kind else { unreachable!() };
    match st {
        0 => match eval(rt, f, &w.context, Step::Stmt(s, 1)) {
            Ev::Val(v) => {
                f.push(v);
                start(rt, f, s, 1)
            }
            Ev::Pending(a) => a,
            Ev::Raise(x) => Act::Raise(x),
        },
        1 => {
            let ctx = f.pop();
            let (en, ex) = if w.is_async { ("__aenter__", "__aexit__") } else { ("__enter__", "__exit__") };
            let (Some(enter), Some(exit)) = (method(rt, &ctx, en), method(rt, &ctx, ex)) else {
                let tn = ops::type_name(rt, &ctx);
                let msg = if w.is_async {
                    format!("'{tn}' object does not support the asynchronous context manager protocol")
                } else {
                    format!("'{tn}' object does not support the context manager protocol")
                };
                return Act::Raise(rt.type_error(msg));
            };
            // `__exit__` and its receiver stay on the stack: a script `__exit__` is
            // called with the receiver as first argument (no bound method).
            f.push(exit);
            f.push(ctx.clone());
            if w.is_async {
                f.work.push(Step::Stmt(s, AENTER_AWAITED));
                let awaitable = match ops::call::call_value(rt, enter, vec![ctx]) {
                    Ok(a) => a,
                    Err(e) => return Act::Raise(ops::expect_raise(e)),
                };
                return await_cm(rt, f, awaitable, "__aenter__");
            }
            call_then(rt, f, &enter, &[ctx], Step::Stmt(s, ENTERED))
        }
        ENTERED | AENTER_AWAITED => {
            let r = f.pop();
            let h = f.stack.len() as u32;
            f.work.push(Step::WithExit(s, h));
            push_block(f, &w.body);
            match &w.target {
                Some(t) => super::store::store(rt, f, t, r),
                None => Act::Next,
            }
        }
        EXITED_EXC | AEXIT_AWAITED => {
            // `__exit__` returned after an exception: true suppresses it.
            let r = f.pop();
            let Value::Inst(e) = f.pop() else { unreachable!() };
            match ops::cmp::truthy(rt, &r) {
                Ok(true) => Act::Next,
                Ok(false) => super::unwind::reraise(e),
                Err(x) => Act::Raise(ops::expect_raise(x)),
            }
        }
        AEXIT_AWAITED_NORMAL => {
            f.pop();
            Act::Next
        }
        _ => Act::Next,
    }
}

/// Await what `__aenter__`/`__aexit__` returned, with `async with`'s wording when it
/// is not awaitable.
fn await_cm(rt: &mut Runtime, f: &mut Frame, awaitable: Value, which: &str) -> Act {
    match super::suspend::awaitable_iter(rt, awaitable.clone()) {
        Ok(it) => super::suspend::start_delegation(rt, f, it),
        Err(e) => {
            if e.exc_data().args.first().and_then(|a| a.as_pystr().map(|s| s.as_str().contains("can't be used in 'await' expression"))).unwrap_or(false) {
                let tn = ops::type_name(rt, &awaitable);
                return Act::Raise(rt.type_error(format!("'async with' received an object from {which} that does not implement __await__: {tn}")));
            }
            Act::Raise(e)
        }
    }
}

/// A bound method for `__exit__` (functions found on the class need the receiver).
fn bind(m: Value, obj: &Value) -> Value {
    match &m {
        Value::Func(_) => Value::Method(std::rc::Rc::new(crate::runtime::function::BoundMethod { func: m, receiver: obj.clone() })),
        Value::Native(n) if n.bound.is_none() => crate::runtime::gc::new_native(crate::runtime::function::NativeFn {
            name: n.name,
            owner: n.owner,
            func: n.func,
            bound: Some(obj.clone()),
        }),
        _ => m,
    }
}

fn is_async(s: &'static Stmt) -> bool {
    matches!(&s.kind, StmtKind::With(w) if w.is_async)
}

/// Pop `__exit__` and its receiver, which `start` left on the stack.
fn pop_exit(f: &mut Frame) -> (Value, Value) {
    let ctx = f.pop();
    (f.pop(), ctx)
}

/// Call `__exit__(*args)` on `ctx`, awaiting the result for `async with`, continuing
/// at `then`.
fn call_exit(rt: &mut Runtime, f: &mut Frame, s: &'static Stmt, (exit, ctx): (Value, Value), args: [Value; 3], then: Step) -> Act {
    if is_async(s) {
        f.work.push(then);
        let awaitable = match ops::call::call_value(rt, bind(exit, &ctx), args.to_vec()) {
            Ok(a) => a,
            Err(e) => return Act::Raise(ops::expect_raise(e)),
        };
        return await_cm(rt, f, awaitable, "__aexit__");
    }
    if let Value::Func(_) = exit {
        let [a, b, c] = args;
        return call_then(rt, f, &exit, &[ctx, a, b, c], then);
    }
    call_then(rt, f, &bind(exit, &ctx), &args, then)
}

/// The body finished normally: `__exit__(None, None, None)`.
pub fn normal_exit(rt: &mut Runtime, f: &mut Frame, s: &'static Stmt, _h: u32) -> Act {
    let then = if is_async(s) { Step::Stmt(s, AEXIT_AWAITED_NORMAL) } else { Step::WithDone(s) };
    let exit = pop_exit(f);
    call_exit(rt, f, s, exit, [Value::None, Value::None, Value::None], then)
}

/// An exception left the body: `__exit__(type, value, traceback)`.
pub fn exit_on_raise(rt: &mut Runtime, f: &mut Frame, s: &'static Stmt, e: Exc) -> super::machine::Act {
    let exit = pop_exit(f);
    let k = rt.handled.len().saturating_sub(f.handled_base());
    rt.handled.push(e.clone());
    f.work.push(Step::ExceptBody(k as u32));
    f.push(Value::Inst(e.clone()));
    let tb = ops::attr::getattr(rt, &Value::Inst(e.clone()), &intern("__traceback__")).unwrap_or(Value::None);
    let args = [Value::Class(e.class()), Value::Inst(e), tb];
    let then = if is_async(s) { Step::Stmt(s, AEXIT_AWAITED) } else { Step::Stmt(s, EXITED_EXC) };
    call_exit(rt, f, s, exit, args, then)
}

/// `return`/`break`/`continue` left the body: `__exit__(None, None, None)`, then carry on.
pub fn exit_on_completion(rt: &mut Runtime, f: &mut Frame, s: &'static Stmt, c: Completion) -> Act {
    let exit = pop_exit(f);
    f.push_pending(c);
    f.work.push(Step::EndFinally);
    call_exit(rt, f, s, exit, [Value::None, Value::None, Value::None], Step::Pop)
}

/// Unused name kept for clarity of the protocol (`__exit__` is looked up once).
pub fn exit_name() -> std::rc::Rc<crate::runtime::str::PyStr> {
    intern("__exit__")
}
