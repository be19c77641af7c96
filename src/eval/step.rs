//! The work items of a frame: what the evaluator still has to do there. A frame's work
//! stack holds these; the driver pops and runs the top one.

use super::ir::{Block, Expr, Stmt, Target};
use crate::syntax::ast::{BinOp, CmpOp};

/// A pending piece of work in a frame. 16 bytes.
#[derive(Clone, Copy)]
pub enum Step {
    /// Run statements of a block from this index.
    Block(&'static Block, u32),
    /// Continue a statement at the given state.
    Stmt(&'static Stmt, u32),
    /// Evaluate an expression and push its value (fast path allowed).
    Eval(&'static Expr),
    /// Evaluate an expression by expansion (its fast path already gave up).
    EvalSlow(&'static Expr),
    /// Continue an expression at the given state.
    Cont(&'static Expr, u32),
    /// A binary node whose left operand is on the stack: its right operand, then the
    /// operator.
    BinRight(&'static Expr),
    /// A binary node whose operands are on the stack (the right one on top): apply the
    /// operator. A call's value arriving for the right operand is combined at the
    /// return (`machine::tail_return`) when both are small ints.
    BinApply(&'static Expr),
    /// `return <expr>` whose value came later: pop it and return.
    Return,
    /// Pop a value and store it into a target.
    Store(&'static Target),
    /// Continue a store at the given state.
    StoreCont(&'static Target, u32),
    /// Pop and discard a value.
    Pop,
    /// Continue a dunder protocol (binary op retry, truthiness check...).
    Post(Post),
    /// A `for` loop waiting for its next item; the iterator is at this stack height.
    ForIter(&'static Stmt, u32),
    /// A `while` loop's test; the stack height to restore on `break`.
    While(&'static Stmt, u32),
    /// A `try` with `except` clauses: handlers active while its body runs.
    Handler(&'static Stmt, u32),
    /// A `try` with `finally`: the block to run on any exit.
    Finally(&'static Stmt, u32),
    /// End of a `finally` block: resume the pending completion.
    EndFinally,
    /// Inside an `except` body: how many handled exceptions to keep on exit.
    ExceptBody(u32),
    /// A `with` block: `__exit__` must run on any exit. (stmt, stack height)
    WithExit(&'static Stmt, u32),
    /// Marks the end of a `with` block's normal exit.
    WithDone(&'static Stmt),
    /// `yield from`/`await` in progress: the sub-iterator is below the value sent in
    /// (or, with the frame's `iter_done` flag, below its return value).
    Delegate,
    /// An `async for` awaiting its next item: `StopAsyncIteration` ends the loop.
    /// (stmt, stack height of the iterator)
    AsyncForEnd(&'static Stmt, u32),
}

/// Continuations of dunder protocols, whose operands sit on the value stack.
#[derive(Clone, Copy, Debug)]
pub enum Post {
    /// A dunder of `a op b` returned (`a op= b` if the flag is set); `a` and `b` are
    /// below its result. `NotImplemented` continues the dispatch at this stage
    /// (`ops::num::binary_stage`).
    Binary(BinOp, bool, u8),
    /// A dunder of the rich comparison `a op b` returned; `a` and `b` are below its
    /// result. `NotImplemented` continues at this stage (`ops::cmp::cmp_stage`);
    /// otherwise the value is the result (negated if the flag is set).
    Compare(CmpOp, bool, u8),
    /// `__contains__` returned; negate for `not in`.
    Contains(bool),
    /// Discard the call's result and keep the value below it.
    Discard,
}
