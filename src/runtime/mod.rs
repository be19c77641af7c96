//! Runtime objects and the `Runtime`: the interpreter state shared by every frame
//! (built-in types, the builtins namespace, output, limits, the event loop).

pub mod bytes;
pub mod class;
pub mod descr;
pub mod dict;
pub mod floatrepr;
pub mod format;
pub mod function;
pub mod gc;
mod gc_entry;
pub mod gc_refs;
pub mod generator;
pub mod hash;
pub mod intern;
pub mod iter;
pub mod layout;
pub mod list;
pub mod mro;
pub mod object;
pub mod objref;
pub mod percent;
pub mod range;
pub mod set;
pub mod setops;
pub mod str;
pub mod tuple;
pub mod types;
pub mod value;
pub mod vals;

use crate::eval::frame::{Frame, FrameBox};
use class::{Class, Exc};
use dict::Dict;
use std::cell::RefCell;
use std::collections::HashMap;
use std::io::Write;
use std::rc::Rc;
use str::PyStr;
use types::Types;
use value::Value;

/// Where `print` writes.
pub enum Output {
    /// The process's standard output, buffered.
    Stdout(std::io::BufWriter<std::io::Stdout>, bool),
    /// A buffer (tests and embedding).
    Buffer(Rc<RefCell<Vec<u8>>>),
}

impl Output {
    /// Write text; a closed pipe is remembered and later writes are dropped.
    pub fn write(&mut self, s: &str) -> std::io::Result<()> {
        match self {
            Output::Stdout(w, line_buffered) => {
                w.write_all(s.as_bytes())?;
                if *line_buffered && s.contains('\n') {
                    w.flush()?;
                }
                Ok(())
            }
            Output::Buffer(b) => {
                b.borrow_mut().extend_from_slice(s.as_bytes());
                Ok(())
            }
        }
    }

    /// Flush buffered output.
    pub fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Output::Stdout(w, _) => w.flush(),
            Output::Buffer(_) => Ok(()),
        }
    }
}

/// Interpreter-wide limits and switches.
#[derive(Clone, Debug)]
pub struct Options {
    /// Maximum depth of script frames (`RecursionError` beyond).
    pub recursion_limit: usize,
    /// Stop after this many evaluation steps (an uncatchable error), if set.
    pub max_steps: Option<u64>,
    /// Seeing and steering the loop: trace, virtual time, schedule seed.
    pub steer: crate::aio::steer::Steering,
}

impl Default for Options {
    fn default() -> Options {
        Options { recursion_limit: 1000, max_steps: None, steer: Default::default() }
    }
}

/// The interpreter state shared by all frames.
pub struct Runtime {
    /// Built-in types and exception classes.
    pub types: Types,
    /// The `builtins` namespace.
    pub builtins: Rc<Dict>,
    /// Where `print` writes.
    pub out: Output,
    /// Limits.
    pub opts: Options,
    /// Script frames currently on running stacks (for the recursion limit).
    pub depth: usize,
    /// Nested driver runs (Rust recursion through natives that call script code).
    pub nesting: usize,
    /// Exceptions currently being handled (innermost last), for `raise` and `__context__`.
    pub handled: Vec<Exc>,
    /// Imported modules by name.
    pub modules: HashMap<String, Value>,
    /// Recycled frames.
    pub frame_pool: Vec<FrameBox>,
    /// Depth of nested `repr`/`==` on containers (for `RecursionError`).
    pub repr_depth: usize,
    /// Objects whose repr is in progress (for `[...]` on recursive containers).
    pub repr_stack: Vec<usize>,
    /// Steps run so far (for `--max-steps`).
    pub steps: u64,
    /// When `steps` reaches this, the resource limits are checked (`limits.rs`).
    pub next_check: u64,
    /// The event loop state, when `asyncio` is in use.
    pub aio: Option<Box<dyn std::any::Any>>,
    /// Set when stdout was closed (broken pipe): stop writing, exit quietly.
    pub stdout_closed: bool,
    /// True while the evaluator's fast path runs (no script code may run then).
    pub fast: bool,
    /// The control-transfer trace (`--trace`), when on; hooks check `is_some()`.
    pub trace: Option<Box<crate::trace::Tracer>>,
    /// The delegation chain whose middle was skipped last (`eval::chain`).
    pub chain: crate::eval::chain::ChainMemo,
}

impl Runtime {
    /// A runtime writing to `out`.
    pub fn new(out: Output, opts: Options) -> Runtime {
        let types = Types::new();
        let builtins = Rc::new(Dict::new());
        let next_check = crate::limits::start(&opts);
        let mut rt = Runtime {
            types,
            builtins,
            out,
            opts,
            depth: 0,
            nesting: 0,
            handled: Vec::new(),
            modules: HashMap::new(),
            frame_pool: Vec::new(),
            repr_depth: 0,
            repr_stack: Vec::new(),
            steps: 0,
            next_check,
            aio: None,
            stdout_closed: false,
            fast: false,
            trace: None,
            chain: crate::eval::chain::ChainMemo::new(),
        };
        crate::builtins::install(&mut rt);
        crate::aio::steer::configure(rt.opts.steer.virtual_time, rt.opts.steer.schedule_seed);
        if let Some(f) = rt.opts.steer.trace {
            rt.trace = Some(Box::new(crate::trace::Tracer::new(f, rt.opts.steer.trace_file.as_deref())));
        }
        rt
    }

    /// Write text to standard output (errors other than a closed pipe are reported
    /// as `OSError` by the caller; a closed pipe silences further output).
    pub fn write_out(&mut self, s: &str) -> Result<(), std::io::Error> {
        if self.stdout_closed {
            return Ok(());
        }
        match self.out.write(s) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                self.stdout_closed = true;
                crate::limits::stdout_closed(self);
                Ok(())
            }
            r => r.map_err(crate::limits::os_error),
        }
    }

    /// Flush standard output.
    pub fn flush_out(&mut self) {
        if self.stdout_closed {
            return;
        }
        if let Err(e) = self.out.flush() {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                self.stdout_closed = true;
                crate::limits::stdout_closed(self);
            }
        }
    }

    /// A new exception instance of class `cls` with the given args.
    pub fn new_exc(&self, cls: &Rc<Class>, args: Vec<Value>) -> Exc {
        let inst = class::Instance::new_rc(cls.clone());
        inst.exc_data_mut().args = args;
        inst
    }

    /// A new exception of class `cls` with one string message.
    pub fn exc_msg(&self, cls: &Rc<Class>, msg: impl Into<String>) -> Exc {
        self.new_exc(cls, vec![Value::string(msg.into())])
    }

    /// `TypeError(msg)`.
    pub fn type_error(&self, msg: impl Into<String>) -> Exc {
        self.exc_msg(&self.types.type_error, msg)
    }

    /// `ValueError(msg)`.
    pub fn value_error(&self, msg: impl Into<String>) -> Exc {
        self.exc_msg(&self.types.value_error, msg)
    }

    /// An exception of a built-in class named `name` (e.g. `"KeyError"`).
    pub fn exc_named(&self, name: &str, msg: impl Into<String>) -> Exc {
        let cls = self.types.exc(name);
        self.exc_msg(&cls, msg)
    }

    /// Take a frame from the pool (or allocate one) for `code`.
    pub fn new_frame(&mut self, code: &'static crate::eval::ir::Code, globals: Rc<Dict>) -> FrameBox {
        match self.frame_pool.pop() {
            Some(f) => {
                let mut f = reuse_frame(f, code, globals);
                for _ in 0..code.nlocals() {
                    f.locals.push(None);
                }
                f
            }
            None => Frame::new(code, globals),
        }
    }

    /// A frame from the pool with no locals yet (the caller fills them).
    #[inline]
    pub fn new_frame_empty(&mut self, code: &'static crate::eval::ir::Code, globals: Rc<Dict>) -> FrameBox {
        match self.frame_pool.pop() {
            Some(f) => reuse_frame(f, code, globals),
            None => FrameBox::alloc(code, globals, 8, 8),
        }
    }

    /// A frame from the pool with no locals yet, for a function whose module namespace
    /// is `globals`: the pooled frame keeps its namespace when it is the same one (no
    /// reference count change; frames of one module's functions share it).
    #[inline(always)]
    pub fn frame_for(&mut self, code: &'static crate::eval::ir::Code, globals: &Rc<Dict>) -> FrameBox {
        match self.frame_pool.pop() {
            Some(mut f) => {
                f.code = code;
                if !Rc::ptr_eq(&f.globals, globals) {
                    f.globals = globals.clone();
                }
                f.line = code.firstline;
                f.reset_flags();
                f
            }
            None => FrameBox::alloc(code, globals.clone(), 8, 8),
        }
    }

    /// Give a finished frame back to the pool (its mode and pending throw reset, so a
    /// frame taken from the pool needs neither). The common case inline: a plain
    /// function's frame after its return (no owner, mode `Value`, no extra part, an
    /// empty value stack, small buffers) needs only its locals dropped and its work
    /// stack emptied; every other frame goes through [`Runtime::recycle_rest`].
    #[inline(always)]
    pub fn recycle(&mut self, f: FrameBox) {
        if !f.has_owner() && matches!(f.mode, crate::eval::frame::ReturnMode::Value) {
            self.recycle_unowned(f);
        } else {
            self.recycle_rest(f);
        }
    }

    /// [`Runtime::recycle`] for a frame known to have no owner and mode `Value` (a
    /// plain function's frame that returned to its caller): those two tests not made
    /// again.
    #[inline(always)]
    pub fn recycle_unowned(&mut self, mut f: FrameBox) {
        if !f.has_extra()
            && f.stack.is_empty()
            && f.stack.capacity() <= 256
            && f.work.capacity() <= 256
            && self.frame_pool.len() < 64
        {
            f.locals.clear_each(crate::eval::expr::drop_value);
            f.work.clear();
            self.frame_pool.push(f);
            return;
        }
        self.recycle_rest(f)
    }

    /// [`Runtime::recycle`] for every frame but the common case: every field reset.
    #[inline(never)]
    pub fn recycle_rest(&mut self, mut f: FrameBox) {
        if self.frame_pool.len() < 64 {
            if !matches!(f.mode, crate::eval::frame::ReturnMode::Value) {
                f.mode = crate::eval::frame::ReturnMode::Value;
            }
            f.clear_extra();
            f.locals.clear();
            if !f.stack.is_empty() {
                f.stack.clear();
            }
            f.work.clear();
            if f.has_owner() {
                drop(f.take_owner());
            }
            if f.stack.capacity() > 256 {
                f.stack.shrink_to(16);
            }
            if f.work.capacity() > 256 {
                f.work.shrink_to(16);
            }
            self.frame_pool.push(f);
        }
    }

    /// Intern a name.
    pub fn intern(&self, s: &str) -> Rc<PyStr> {
        intern::intern(s)
    }
}

/// A pooled frame set up for `code` (its locals still empty; the stacks, mode and
/// pending throw were reset when it was recycled).
#[inline(always)]
fn reuse_frame(mut f: FrameBox, code: &'static crate::eval::ir::Code, globals: Rc<Dict>) -> FrameBox {
    f.code = code;
    f.globals = globals;
    f.line = code.firstline;
    f.reset_flags();
    f
}
