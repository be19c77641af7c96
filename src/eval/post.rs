//! Dunder protocols that run after a call returns (`Step::Post`), and the entry points
//! that start them: truth values, binary operators, `not`.

use super::frame::Frame;
use super::machine::Act;
use super::step::Post;
use crate::ops;
use crate::runtime::value::Value;
use crate::runtime::Runtime;
use crate::syntax::ast::BinOp;

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
    let r = match inplace {
        Some(name) => ops::num::binary_dunder(rt, op, &a, &b, Some(name)),
        None => ops::num::binary(rt, op, &a, &b),
    };
    super::expr::done(f, r)
}

/// Continue a protocol after its dunder call returned (the result is on the stack).
pub fn post(rt: &mut Runtime, f: &mut Frame, p: Post) -> Act {
    match p {
        Post::Truth(_) => {
            let v = f.pop();
            start_truth(rt, f, v)
        }
        Post::Not => {
            let v = f.pop();
            not(rt, f, v)
        }
        Post::Discard => {
            f.pop();
            Act::Next
        }
        _ => Act::Next,
    }
}
