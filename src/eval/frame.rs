//! Frames: the heap-allocated state of one running (or parked) code object.

use super::ir::Code;
use super::native::{Input, Task};
use super::step::Step;
use crate::runtime::class::Exc;
use crate::runtime::dict::Dict;
use crate::runtime::function::CellObj;
use crate::runtime::generator::Generator;
use crate::runtime::value::Value;
use std::rc::Rc;

pub use super::framebuf::{FrameBox, FrameVec, Hints};

/// How a finished (or yielding) frame hands its result to the frame below it.
#[derive(Clone)]
pub enum ReturnMode {
    /// Push the return value on the caller's value stack.
    Value,
    /// `__init__`: the call's result is this instance; `__init__` must return None.
    Init(Value),
    /// One step of iteration for a `for` loop: a yield or a return value is an item;
    /// a generator's return or a `StopIteration` from `__next__` ends the loop.
    Iter,
    /// `next(g)` / `g.send(v)`: a yield is the result; a return raises StopIteration.
    Send,
    /// Delegation (`yield from`, `await`): a yield passes out through the caller; a
    /// return is the value of the `yield from`.
    Delegate,
    /// The base frame of a nested run: hand the outcome back to Rust.
    Base,
    /// Discard the result.
    Discard,
    /// `g.close()`: a yield is "generator ignored GeneratorExit"; GeneratorExit or a
    /// return ends the close quietly.
    Close,
    /// An async generator driven by one of its awaitables (`__anext__`, `aclose`...).
    AgenStep(crate::builtins::agen::AgMode),
}

/// A pending completion, held while a `finally` block (or `__exit__`) runs.
#[derive(Clone)]
pub enum Completion {
    /// Fell off the end of the block.
    Normal,
    /// `return value`.
    Return(Value),
    /// `break`.
    Break,
    /// `continue`.
    Continue,
    /// An exception.
    Raise(Exc),
}

/// A vector for a frame's rarely used lists (cells, pending completions, saved
/// exceptions): one word while empty, with the `Vec` itself boxed on first use, so a
/// frame (above all a parked generator's) is small. Reads go through the slice it
/// derefs to.
pub struct LazyVec<T>(Option<Box<Vec<T>>>);

impl<T> LazyVec<T> {
    /// An empty vector (no allocation).
    #[inline]
    pub const fn new() -> Self {
        LazyVec(None)
    }

    /// Append an element.
    #[inline]
    pub fn push(&mut self, v: T) {
        self.0.get_or_insert_with(Box::default).push(v);
    }

    /// Remove the last element.
    #[inline]
    pub fn pop(&mut self) -> Option<T> {
        self.0.as_mut()?.pop()
    }

    /// Remove every element (keeping the allocation, as `Vec::clear`).
    #[inline]
    pub fn clear(&mut self) {
        if let Some(v) = &mut self.0 {
            v.clear();
        }
    }

    /// Move every element to the end of `to`.
    #[inline]
    pub fn append_to(&mut self, to: &mut Vec<T>) {
        if let Some(v) = &mut self.0 {
            to.append(v);
        }
    }
}

impl<T: Clone> LazyVec<T> {
    /// Append clones of the elements of an iterator.
    pub fn extend<I: IntoIterator<Item = T>>(&mut self, it: I) {
        let mut it = it.into_iter().peekable();
        if it.peek().is_some() {
            self.0.get_or_insert_with(Box::default).extend(it);
        }
    }
}

impl<T> Default for LazyVec<T> {
    fn default() -> Self {
        LazyVec(None)
    }
}

impl<T> From<Vec<T>> for LazyVec<T> {
    fn from(v: Vec<T>) -> Self {
        if v.is_empty() { LazyVec(None) } else { LazyVec(Some(Box::new(v))) }
    }
}

impl<T> std::ops::Deref for LazyVec<T> {
    type Target = [T];
    #[inline]
    fn deref(&self) -> &[T] {
        match &self.0 {
            Some(v) => v,
            None => &[],
        }
    }
}

impl<T> std::ops::DerefMut for LazyVec<T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut [T] {
        match &mut self.0 {
            Some(v) => v,
            None => &mut [],
        }
    }
}

impl<'a, T> IntoIterator for &'a LazyVec<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// A script frame: locals, cells, a value stack and a work stack. It lives in a
/// [`FrameBox`]: one allocation holding this header and, after it, the first buffers of
/// `locals`, `stack` and `work` (see [`FrameVec`]).
pub struct Frame {
    /// The code being run.
    pub code: &'static Code,
    /// Fast local slots (`None` while unbound).
    pub locals: FrameVec<Option<Value>>,
    /// Cells: the code's own cells, then the closure's.
    pub cells: LazyVec<Rc<CellObj>>,
    /// Intermediate values.
    pub stack: FrameVec<Value>,
    /// Pending work; the top is next.
    pub work: FrameVec<Step>,
    /// The module namespace.
    pub globals: Rc<Dict>,
    /// The class namespace, for class bodies.
    pub ns: Option<Rc<Dict>>,
    /// The current line (for tracebacks and `f_lineno`).
    pub line: u32,
    /// Size of the rest of this frame's allocation after the header, in 8-byte words
    /// (its layout on free).
    pub(super) tail: u16,
    /// What to do with the result.
    pub mode: ReturnMode,
    /// The generator that owns this frame, while it runs.
    pub owner: Option<Rc<Generator>>,
    /// Completions waiting for `finally` blocks or `__exit__` calls.
    pub pending: LazyVec<Completion>,
    /// Exceptions being handled in this frame, saved while a generator is parked.
    pub saved_handled: LazyVec<Exc>,
    /// Set when an iteration step reports exhaustion instead of pushing an item.
    pub iter_done: bool,
    /// Whether a generator frame has started running.
    pub started: bool,
    /// Length of the runtime's handled-exception stack when this frame was (re)entered.
    pub handled_base: usize,
    /// An exception to raise at the suspension point when the frame next runs
    /// (`throw()`/`close()` on a generator).
    pub throw: Option<Exc>,
}

/// A native task on the frame stack (one allocation: the task is the unsized last
/// field, so `Box<TaskFrame<SomeTask>>` coerces to `Box<TaskFrame>`).
pub struct TaskFrame<T: ?Sized = dyn Task> {
    /// What to give it when it resumes.
    pub input: Option<Input>,
    /// What to do with its result.
    pub mode: ReturnMode,
    /// The task.
    pub task: T,
}

impl<T: Task + 'static> TaskFrame<T> {
    /// A task frame for `task`, whose result is given back as `mode` says.
    pub fn boxed(task: T, mode: ReturnMode) -> Box<TaskFrame> {
        Box::new(TaskFrame { input: None, mode, task })
    }
}

/// An entry of the running stack.
pub enum Activation {
    /// A script frame.
    Script(FrameBox),
    /// A native task.
    Task(Box<TaskFrame>),
}

impl Frame {
    /// The variables bound so far, by name (locals, then cells and free variables):
    /// what `locals()` and `f_locals` show for a function frame.
    pub fn locals_dict(&self) -> Rc<Dict> {
        let d = Rc::new(Dict::new());
        for (i, v) in self.locals.iter().enumerate() {
            if let Some(v) = v {
                d.set_str(self.code.varnames[i].clone(), v.clone());
            }
        }
        let names = self.code.cellvars.iter().chain(self.code.freevars.iter());
        for (name, cell) in names.zip(self.cells.iter()) {
            if let Some(v) = cell.value.borrow().clone() {
                d.set_str(name.clone(), v);
            }
        }
        d
    }

    /// A fresh frame for `code` with unbound locals.
    pub fn new(code: &'static Code, globals: Rc<Dict>) -> FrameBox {
        let mut f = FrameBox::alloc(code, globals, 8, 8);
        for _ in 0..code.nlocals() {
            f.locals.push(None);
        }
        f
    }

    /// A fresh frame for a generator, coroutine or async generator, with unbound
    /// locals: it may stay parked for a long time, so its value and work stacks start
    /// as small as its code's earlier frames needed ([`Hints`]), all in one allocation.
    pub fn new_parked(code: &'static Code, globals: Rc<Dict>) -> FrameBox {
        let (stack, work) = code.hints.get();
        let mut f = FrameBox::alloc(code, globals, stack, work);
        for _ in 0..code.nlocals() {
            f.locals.push(None);
        }
        f
    }

    /// A frame is freed: if its stacks outgrew the room its allocation had, the next
    /// generator frames of its code get more.
    #[inline]
    pub fn learn_depths(&self) {
        if (self.stack.spilled() || self.work.spilled()) && self.code.func_kind != crate::syntax::ast::FuncKind::Plain {
            self.code.hints.learn(self.stack.capacity(), self.work.capacity());
        }
    }

    /// Push a value.
    #[inline]
    pub fn push(&mut self, v: Value) {
        self.stack.push(v);
    }

    /// Push the value sent into a resumed generator frame.
    #[inline]
    pub fn push_sent(&mut self, v: Value) {
        self.stack.push(v);
    }

    /// Pop a value (the evaluator only pops what it pushed).
    #[inline]
    pub fn pop(&mut self) -> Value {
        self.stack.pop().unwrap_or(Value::None)
    }
}
