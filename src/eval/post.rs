//! Dunder protocols that run after a call returns (`Step::Post`), and the entry points
//! that start them: truth values, binary operators, `not`.

use super::frame::Frame;
use super::machine::Act;
use super::call::Prep;
use super::step::{Post, Step};
use crate::ops;
use crate::runtime::value::Value;
use crate::runtime::Runtime;
use crate::syntax::ast::{BinOp, CmpOp};

/// Compute `bool(v)` and push it (user `__bool__`/`__len__` included).
pub fn start_truth(rt: &mut Runtime, f: &mut Frame, v: Value) -> Act {
    match ops::cmp::truthy(rt, &v) {
        Ok(b) => {
            f.push(Value::Bool(b));
            Act::Next
        }
        Err(e) => Act::Raise(ops::expect_raise(e)),
    }
}

/// `not v`.
pub fn not(rt: &mut Runtime, f: &mut Frame, v: Value) -> Act {
    match ops::cmp::truthy(rt, &v) {
        Ok(b) => {
            f.push(Value::Bool(!b));
            Act::Next
        }
        Err(e) => Act::Raise(ops::expect_raise(e)),
    }
}

/// `a op b` (or `a op= b` when `inplace`), pushing the result.
pub fn binary(rt: &mut Runtime, f: &mut Frame, op: BinOp, a: Value, b: Value, inplace: Option<&str>) -> Act {
    if let (Value::Int(x), Value::Int(y)) = (&a, &b) {
        if let Some(z) = super::expr::int_binop(op, *x, *y) {
            f.push(Value::Int(z));
            return Act::Next;
        }
    }
    if inplace.is_none() && (is_user(&a) || is_user(&b)) {
        if let Some(r) = ops::num::binary_builtin(rt, op, &a, &b) {
            return super::expr::done(f, r);
        }
        return binary_user(rt, f, op, a, b, false, 0);
    }
    let r = match inplace {
        Some(name) => ops::num::binary_dunder(rt, op, &a, &b, Some(name)),
        None => ops::num::binary(rt, op, &a, &b),
    };
    super::expr::done(f, r)
}

/// An operand whose class's dunders decide a binary operator.
#[inline]
pub fn is_user(v: &Value) -> bool {
    matches!(v, Value::Inst(_) | Value::Class(_))
}

/// The dunders of `a op b` (`a op= b` when `inplace`) from stage `stage` on, each
/// called as a frame of this driver run (no Rust recursion per script call): a dunder
/// written in script code is pushed with `Post::Binary` below it, which tries the next
/// candidate if it returns `NotImplemented`.
pub fn binary_user(rt: &mut Runtime, f: &mut Frame, op: BinOp, a: Value, b: Value, inplace: bool, mut stage: u8) -> Act {
    if !inplace && stage <= 1 {
        if let Some(fr) = same_class_frame(rt, op, &a, &b) {
            // (no reflected method is tried between instances of one class)
            f.push(a);
            f.push(b);
            f.work.push(Step::Post(Post::Binary(op, false, 2)));
            return Act::Call(super::frame::Activation::Script(fr));
        }
    }
    loop {
        match ops::num::binary_stage(rt, op, &a, &b, inplace, stage) {
            ops::num::BinStep::Call { method, swapped, next } => {
                let args = if swapped { [b.clone(), a.clone()] } else { [a.clone(), b.clone()] };
                match super::call::prepare_call(rt, &method, &args, &[]) {
                    Prep::Value(Value::NotImplemented) => stage = next,
                    Prep::Value(v) => {
                        f.push(v);
                        return Act::Next;
                    }
                    Prep::Raise(e) => return Act::Raise(e),
                    Prep::Push(act) => {
                        f.push(a);
                        f.push(b);
                        f.work.push(Step::Post(Post::Binary(op, inplace, next)));
                        return Act::Call(act);
                    }
                }
            }
            ops::num::BinStep::Fallback => return super::expr::done(f, ops::num::binary_fallback(rt, op, &a, &b, inplace)),
        }
    }
}

/// The frame of the forward dunder of `a op b` when both are instances of one class
/// and it is a script function taking exactly two positional parameters
/// (`def __add__(self, o)`), found through
/// [`crate::runtime::class::Class::binary_dunder`]. Out of line, so
/// the evaluator's callers of `binary_user` compile as before.
#[inline(never)]
fn same_class_frame(rt: &mut Runtime, op: BinOp, a: &Value, b: &Value) -> Option<super::frame::FrameBox> {
    let (Value::Inst(x), Value::Inst(y)) = (a, b) else { return None };
    let func = {
        let cx = x.class.borrow();
        if !std::rc::Rc::ptr_eq(&cx, &y.class.borrow()) {
            return None;
        }
        cx.binary_dunder(op as u8, ops::num::dunders(op).0)?
    };
    if !(func.code.simple_call && func.code.sig.args == 2) {
        return None;
    }
    Some(super::call::simple_frame(rt, &func, Some(a), std::slice::from_ref(b)))
}

/// Continue a protocol after its dunder call returned (the result is on the stack).
pub fn post(rt: &mut Runtime, f: &mut Frame, p: Post) -> Act {
    match p {
        Post::Binary(op, inplace, next) => {
            let r = f.pop();
            if matches!(r, Value::NotImplemented) {
                let b = f.pop();
                let a = f.pop();
                return binary_user(rt, f, op, a, b, inplace, next);
            }
            // The result takes the left operand's place and the operands are dropped
            // (left first), with no pops of an empty stack's `None` to drop.
            let n = f.stack.len();
            let a = std::mem::replace(&mut f.stack[n - 2], r);
            let b = f.stack.pop();
            drop(a);
            drop(b);
            Act::Next
        }
        Post::Compare(op, negate, next) => {
            let r = f.pop();
            let b = f.pop();
            let a = f.pop();
            compare_result(rt, f, op, a, b, r, negate, next)
        }
        Post::Contains(negate) => {
            let r = f.pop();
            match ops::cmp::truthy(rt, &r) {
                Ok(t) => {
                    f.push(Value::Bool(t != negate));
                    Act::Next
                }
                Err(e) => Act::Raise(ops::expect_raise(e)),
            }
        }
        Post::Discard => {
            f.pop();
            Act::Next
        }
    }
}

/// The dunders of the rich comparison `a op b` (an operand is an instance) from stage
/// `stage` on, each called as a frame of this driver run with `Post::Compare` below it;
/// the comparison's value is pushed.
pub fn compare_user(rt: &mut Runtime, f: &mut Frame, op: CmpOp, a: Value, b: Value, mut stage: u8) -> Act {
    loop {
        match ops::cmp::cmp_stage(rt, op, &a, &b, stage) {
            ops::cmp::CmpStep::Call { method, swapped, negate, next } => {
                let args = if swapped { [b.clone(), a.clone()] } else { [a.clone(), b.clone()] };
                match super::call::prepare_call(rt, &method, &args, &[]) {
                    Prep::Value(Value::NotImplemented) => stage = next,
                    Prep::Value(r) => return compare_result(rt, f, op, a, b, r, negate, next),
                    Prep::Raise(e) => return Act::Raise(e),
                    Prep::Push(act) => {
                        f.push(a);
                        f.push(b);
                        f.work.push(Step::Post(Post::Compare(op, negate, next)));
                        return Act::Call(act);
                    }
                }
            }
            ops::cmp::CmpStep::Fallback => return super::expr::done(f, ops::cmp::cmp_fallback(rt, op, &a, &b)),
        }
    }
}

/// A comparison dunder returned `r`: `NotImplemented` goes on to the next candidate;
/// anything else is the value (negated for `!=` answered by `__eq__`).
#[allow(clippy::too_many_arguments)]
fn compare_result(rt: &mut Runtime, f: &mut Frame, op: CmpOp, a: Value, b: Value, r: Value, negate: bool, next: u8) -> Act {
    if matches!(r, Value::NotImplemented) {
        return compare_user(rt, f, op, a, b, next);
    }
    if negate {
        return not(rt, f, r);
    }
    f.push(r);
    Act::Next
}

/// Call `method(args)` as a frame of this driver run (a built-in method is called at
/// once); its result is pushed, then `then` (if any) continues with it on the stack.
pub fn call_then(rt: &mut Runtime, f: &mut Frame, method: &Value, args: &[Value], then: Option<Post>) -> Act {
    match super::call::prepare_call(rt, method, args, &[]) {
        Prep::Value(v) => {
            f.push(v);
            match then {
                Some(p) => post(rt, f, p),
                None => Act::Next,
            }
        }
        Prep::Raise(e) => Act::Raise(e),
        Prep::Push(act) => {
            if let Some(p) = then {
                f.work.push(Step::Post(p));
            }
            Act::Call(act)
        }
    }
}

/// The special method `name` of an instance `args[0]`, called as a frame (see
/// [`call_then`]) when its class has it: `obj[k]`, `obj[k] = v`, `del obj[k]`, `-obj`,
/// `x in obj` from the evaluator, so recursion through them needs no nested run.
/// `None` when `args[0]` is not an instance or its class lacks the method (the generic
/// operation answers, with its error messages).
pub fn special_call(rt: &mut Runtime, f: &mut Frame, name: &str, args: &[Value], then: Option<Post>) -> Option<Act> {
    if !matches!(args[0], Value::Inst(_)) {
        return None;
    }
    let m = ops::attr::lookup_special(rt, &args[0], name)?;
    Some(call_then(rt, f, &m, args, then))
}
