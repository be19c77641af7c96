//! The interface between the evaluator and code written in Rust: how built-in
//! functions receive arguments and return results, and native tasks (built-ins that
//! must call back into script code without recursing in Rust).

use crate::eval::frame::{FrameBox, ReturnMode, TaskFrame};
use crate::runtime::class::Exc;
use crate::runtime::str::PyStr;
use crate::runtime::value::Value;
use crate::runtime::Runtime;
use std::rc::Rc;

/// Arguments of a call to a built-in: positional values, then keyword values whose
/// names are in `names` (as CPython's vectorcall passes them).
#[derive(Clone, Copy)]
pub struct Args<'a> {
    /// Positional arguments.
    pub pos: &'a [Value],
    /// Keyword argument values.
    pub kw: &'a [Value],
    /// Keyword argument names.
    pub names: &'a [Rc<PyStr>],
}

impl<'a> Args<'a> {
    /// Split a value slice whose last `names.len()` items are keyword values.
    pub fn new(all: &'a [Value], names: &'a [Rc<PyStr>]) -> Args<'a> {
        let n = all.len() - names.len();
        Args { pos: &all[..n], kw: &all[n..], names }
    }

    /// Only positional arguments.
    pub fn pos(pos: &'a [Value]) -> Args<'a> {
        Args { pos, kw: &[], names: &[] }
    }

    /// The keyword argument `name`, if given.
    pub fn kw(&self, name: &str) -> Option<&'a Value> {
        self.names.iter().position(|n| n.as_str() == name).map(|i| &self.kw[i])
    }

    /// Whether keyword arguments were given.
    pub fn has_kw(&self) -> bool {
        !self.names.is_empty()
    }
}

/// What a built-in returns.
pub enum Ret {
    /// A value.
    Val(Value),
    /// An exception to raise.
    Raise(Exc),
    /// A script frame to run; its result is the call's result.
    Frame(FrameBox),
    /// A native task to run; its result is the call's result (see [`Ret::task`]).
    Task(Box<TaskFrame>),
}

impl Ret {
    /// Run `task` as the call's activation.
    pub fn task<T: Task + 'static>(task: T) -> Ret {
        Ret::Task(TaskFrame::boxed(task, ReturnMode::Value))
    }
}

impl From<Value> for Ret {
    fn from(v: Value) -> Ret {
        Ret::Val(v)
    }
}

/// The signature of a built-in function.
pub type NativeImpl = fn(&mut Runtime, Args<'_>) -> Ret;

/// What a native task is given when it resumes.
pub enum Input {
    /// First resumption.
    Start,
    /// The result of the call or `next` it asked for.
    Value(Value),
    /// The iterator it advanced is exhausted.
    Done,
    /// The call it asked for raised.
    Raise(Exc),
}

/// What a native task asks the driver to do next.
pub enum TaskStep {
    /// Finish with this value.
    Return(Value),
    /// Finish by raising.
    Raise(Exc),
    /// Call a callable and resume with its result (or exception).
    Call(Value, Vec<Value>),
    /// Advance an iterator; resume with `Value` or `Done` (or the exception).
    Next(Value),
    /// Finish as an exhausted iterator: a task that advances an iterator for a `for`
    /// loop or another task (`ReturnMode::Iter`) reports exhaustion; called as a
    /// function, it raises `StopIteration`.
    Done,
}

/// A built-in that calls back into script code step by step: the driver keeps it on
/// the frame stack like a script frame, so script recursion through it needs no Rust
/// recursion.
pub trait Task {
    /// Resume with the result of the last request.
    fn resume(&mut self, rt: &mut Runtime, input: Input) -> TaskStep;
}
