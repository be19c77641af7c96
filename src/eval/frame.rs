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

/// A script frame: locals, cells, a value stack and a work stack.
pub struct Frame {
    /// The code being run.
    pub code: &'static Code,
    /// Fast local slots (`None` while unbound).
    pub locals: Vec<Option<Value>>,
    /// Cells: the code's own cells, then the closure's.
    pub cells: Vec<Rc<CellObj>>,
    /// Intermediate values.
    pub stack: Vec<Value>,
    /// Pending work; the top is next.
    pub work: Vec<Step>,
    /// The module namespace.
    pub globals: Rc<Dict>,
    /// The class namespace, for class bodies.
    pub ns: Option<Rc<Dict>>,
    /// The current line (for tracebacks and `f_lineno`).
    pub line: u32,
    /// What to do with the result.
    pub mode: ReturnMode,
    /// The generator that owns this frame, while it runs.
    pub owner: Option<Rc<Generator>>,
    /// Completions waiting for `finally` blocks or `__exit__` calls.
    pub pending: Vec<Completion>,
    /// Exceptions being handled in this frame, saved while a generator is parked.
    pub saved_handled: Vec<Exc>,
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

/// A native task on the frame stack.
pub struct TaskFrame {
    /// The task.
    pub task: Box<dyn Task>,
    /// What to give it when it resumes.
    pub input: Option<Input>,
    /// What to do with its result.
    pub mode: ReturnMode,
}

/// An entry of the running stack.
pub enum Activation {
    /// A script frame.
    Script(Box<Frame>),
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
    pub fn new(code: &'static Code, globals: Rc<Dict>) -> Box<Frame> {
        Frame::with_capacity(code, globals, 8, 8)
    }

    fn with_capacity(code: &'static Code, globals: Rc<Dict>, stack: usize, work: usize) -> Box<Frame> {
        Box::new(Frame {
            code,
            locals: vec![None; code.nlocals()],
            cells: Vec::new(),
            stack: Vec::with_capacity(stack),
            work: Vec::with_capacity(work),
            globals,
            ns: None,
            line: code.firstline,
            mode: ReturnMode::Value,
            owner: None,
            pending: Vec::new(),
            saved_handled: Vec::new(),
            iter_done: false,
            started: false,
            handled_base: 0,
            throw: None,
        })
    }

    /// A fresh frame for a generator, coroutine or async generator: it may stay parked
    /// for a long time, so its value stack starts empty (no allocation until the first
    /// push) and its work stack small, instead of a pooled frame's grown buffers.
    pub fn new_parked(code: &'static Code, globals: Rc<Dict>) -> Box<Frame> {
        Frame::with_capacity(code, globals, 0, 4)
    }

    /// Push a value.
    #[inline]
    pub fn push(&mut self, v: Value) {
        self.stack.push(v);
    }

    /// Pop a value (the evaluator only pops what it pushed).
    #[inline]
    pub fn pop(&mut self) -> Value {
        self.stack.pop().unwrap_or(Value::None)
    }
}
