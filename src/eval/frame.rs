//! Frames: the heap-allocated state of one running (or parked) code object.

use super::ir::Code;
use super::native::{Input, Task};
use super::step::Step;
use crate::runtime::class::Exc;
use crate::runtime::dict::Dict;
use crate::runtime::function::CellObj;
use crate::runtime::generator::Generator;
use crate::runtime::value::Value;
use std::mem::ManuallyDrop;
use std::rc::Rc;

pub use super::framebuf::{FrameBox, FrameVec, Hints};
pub use super::localvec::{LocalVec, MAX_LOCALS};

/// How a finished (or yielding) frame hands its result to the frame below it. One
/// byte (checked below), so it sits beside the frame header's other small fields.
#[derive(Clone, Copy)]
pub enum ReturnMode {
    /// Push the return value on the caller's value stack.
    Value,
    /// `__init__`: the call's result is the instance at the bottom of the frame's value
    /// stack (slot 0, pushed before the frame runs, below everything the body pushes);
    /// `__init__` must return None.
    Init,
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

/// The rarely used parts of a frame (cells, a class body's namespace, pending
/// completions, saved exceptions, an exception to throw): boxed on first use, so a
/// frame (above all a parked generator's) is small. While boxed it also holds the
/// frame's owner ([`Link`]).
#[derive(Default)]
pub struct FrameExtra {
    /// The generator that owns the frame while it runs (see [`Frame::owner`]).
    owner: Option<Rc<Generator>>,
    /// Cells: the code's own cells, then the closure's.
    pub cells: Vec<Rc<CellObj>>,
    /// The class namespace, for class bodies.
    pub ns: Option<Rc<Dict>>,
    /// Completions waiting for `finally` blocks or `__exit__` calls.
    pub pending: Vec<Completion>,
    /// Exceptions being handled in this frame, saved while a generator is parked.
    pub saved_handled: Vec<Exc>,
    /// An exception to raise at the suspension point when the frame next runs
    /// (`throw()`/`close()` on a generator); [`Frame::throwing`] says whether one is set.
    pub throw: Option<Exc>,
}

/// The word of a [`Link`], one of four states told apart by its bits: 0 (no owner, no
/// extra part); non-zero with bits 0 and 1 clear, an `Rc<Generator>` (the owner only: an
/// `Rc`'s pointer is 8-aligned and never null); bit 1 set, the address of a generator
/// whose reference the resumer keeps (a borrowed owner, not counted:
/// [`Frame::set_owner_borrowed`]) with that bit added; bit 0 set, a `Box<FrameExtra>`'s
/// raw pointer with that bit added (the extra part, holding a counted owner if there is
/// one).
union LinkWord {
    owner: ManuallyDrop<Rc<Generator>>,
    extra: *mut FrameExtra,
    bits: usize,
}

const _: () = assert!(std::mem::size_of::<Rc<Generator>>() == std::mem::size_of::<usize>());
const _: () = assert!(std::mem::size_of::<*mut FrameExtra>() == std::mem::size_of::<usize>());
const _: () = assert!(std::mem::align_of::<FrameExtra>() >= 2);
const _: () = assert!(std::mem::align_of::<Generator>() >= 4);

/// The tag bit of a [`LinkWord`] holding a borrowed owner's address.
const BORROWED: usize = 2;

/// A frame's owner taken out of it ([`Frame::take_owner_ref`]): the generator (the
/// value inside its `Rc`), and whether the frame held a counted reference to it (given
/// up when this is dropped) or a borrowed one, whose resumer keeps it alive. Used at
/// once (to park the frame in it, or to mark it finished), not kept.
pub struct Owner {
    g: std::ptr::NonNull<Generator>,
    counted: bool,
}

impl std::ops::Deref for Owner {
    type Target = Generator;
    #[inline(always)]
    fn deref(&self) -> &Generator {
        // SAFETY: a counted owner holds a reference; a borrowed owner's resumer keeps
        // the generator alive while its frame runs, and an `Owner` is used only before
        // that resumer goes on.
        unsafe { self.g.as_ref() }
    }
}

impl Drop for Owner {
    #[inline(always)]
    fn drop(&mut self) {
        if self.counted {
            // SAFETY: a counted owner came from `Rc::into_raw` (`Link::take_owner_ref`).
            drop(unsafe { Rc::from_raw(self.g.as_ptr()) });
        }
    }
}

impl Owner {
    /// The owner of a frame that held the counted reference `g`.
    #[inline(always)]
    fn counted(g: Rc<Generator>) -> Owner {
        // SAFETY: `Rc::into_raw` never gives a null pointer.
        Owner { g: unsafe { std::ptr::NonNull::new_unchecked(Rc::into_raw(g) as *mut Generator) }, counted: true }
    }

    /// A counted reference to the generator (for the tracer, which keeps some).
    pub fn rc(&self) -> Rc<Generator> {
        // SAFETY: the generator is alive (see `deref`) and held by an `Rc`.
        unsafe {
            Rc::increment_strong_count(self.g.as_ptr());
            Rc::from_raw(self.g.as_ptr())
        }
    }

    /// The counted reference (taken now for a borrowed owner).
    #[inline(always)]
    fn into_rc(self) -> Rc<Generator> {
        let this = ManuallyDrop::new(self);
        // SAFETY: as in `rc`; a counted owner's reference moves out (not dropped by
        // `this`).
        unsafe {
            if !this.counted {
                Rc::increment_strong_count(this.g.as_ptr());
            }
            Rc::from_raw(this.g.as_ptr())
        }
    }
}

/// A frame's owner (the generator running it) and its extra part in one word, so the
/// header is 8 bytes smaller: most frames have neither, a running generator frame
/// only an owner, and the few with an extra part keep the owner inside it.
pub(super) struct Link(LinkWord);

impl Link {
    /// Neither an owner nor an extra part.
    const NONE: Link = Link(LinkWord { bits: 0 });

    /// The word's bits (which of the three states).
    #[inline(always)]
    fn bits(&self) -> usize {
        // SAFETY: every state of the union is a word whose bits are a valid usize.
        unsafe { self.0.bits }
    }

    /// The extra part's pointer, if the word holds one.
    #[inline(always)]
    fn extra_ptr(&self) -> Option<*mut FrameExtra> {
        if self.bits() & 1 != 0 {
            // SAFETY: bit 0 set: the word was written as `extra` (a tagged box pointer).
            Some(unsafe { self.0.extra }.map_addr(|a| a & !1))
        } else {
            None
        }
    }

    /// The extra part, if boxed.
    #[inline(always)]
    fn extra(&self) -> Option<&FrameExtra> {
        // SAFETY: the box is owned by this word and lives as long as it (borrowed
        // through `&self`).
        self.extra_ptr().map(|p| unsafe { &*p })
    }

    /// The extra part, if boxed, to change.
    #[inline(always)]
    fn extra_mut(&mut self) -> Option<&mut FrameExtra> {
        // SAFETY: as in `extra`, and `&mut self` makes the borrow unique.
        self.extra_ptr().map(|p| unsafe { &mut *p })
    }

    /// The extra part, boxed now if it was not (taking the owner into it).
    #[inline]
    fn extra_or_box(&mut self) -> &mut FrameExtra {
        if self.bits() & 1 == 0 {
            let owner = self.take_owner();
            let b = Box::new(FrameExtra { owner, ..FrameExtra::default() });
            self.0 = LinkWord { extra: Box::into_raw(b).map_addr(|a| a | 1) };
        }
        self.extra_mut().expect("boxed just now")
    }

    /// The owner, if any.
    #[inline(always)]
    fn owner(&self) -> Option<&Generator> {
        let b = self.bits();
        if b == 0 {
            None
        } else if b & 3 == 0 {
            // SAFETY: non-zero with bits 0 and 1 clear: the word was written as `owner`.
            Some(unsafe { &**self.0.owner })
        } else if b & 1 == 0 {
            // SAFETY: bit 1 set: a borrowed owner's address, alive while the frame runs
            // (`Frame::set_owner_borrowed`).
            Some(unsafe { &*((b & !BORROWED) as *const Generator) })
        } else {
            self.extra().and_then(|x| x.owner.as_deref())
        }
    }

    /// Whether there is an owner.
    #[inline(always)]
    fn has_owner(&self) -> bool {
        let b = self.bits();
        b != 0 && (b & 1 == 0 || self.extra().is_some_and(|x| x.owner.is_some()))
    }

    /// Take the owner out (none left), as a counted reference (a borrowed owner's count
    /// is taken now).
    #[inline(always)]
    fn take_owner(&mut self) -> Option<Rc<Generator>> {
        let b = self.bits();
        if b == 0 {
            None
        } else if b & 3 == 0 {
            // SAFETY: the word was written as `owner`; it is overwritten with 0 at once,
            // so the `Rc` moves out exactly once.
            let g = unsafe { ManuallyDrop::take(&mut self.0.owner) };
            self.0 = LinkWord { bits: 0 };
            Some(g)
        } else if b & 1 == 0 {
            Some(self.take_borrowed_owner())
        } else {
            self.extra_mut().and_then(|x| x.owner.take())
        }
    }

    /// [`Link::take_owner`] of a borrowed owner, out of line (the paths that take a
    /// counted owner are the common ones there).
    #[cold]
    #[inline(never)]
    fn take_borrowed_owner(&mut self) -> Rc<Generator> {
        self.take_owner_ref().map(Owner::into_rc).expect("a borrowed owner")
    }

    /// Take the owner out (none left) as it is held: counted or borrowed.
    #[inline(always)]
    fn take_owner_ref(&mut self) -> Option<Owner> {
        let b = self.bits();
        if b == 0 {
            None
        } else if b & 3 == 0 {
            // SAFETY: the word was written as `owner`; it is overwritten with 0 at once,
            // so the `Rc` moves out exactly once.
            let g = unsafe { ManuallyDrop::take(&mut self.0.owner) };
            self.0 = LinkWord { bits: 0 };
            Some(Owner::counted(g))
        } else if b & 1 == 0 {
            self.0 = LinkWord { bits: 0 };
            // SAFETY: bit 1 set: the word is a generator's address with the tag added.
            Some(Owner { g: unsafe { std::ptr::NonNull::new_unchecked((b & !BORROWED) as *mut Generator) }, counted: false })
        } else {
            self.extra_mut().and_then(|x| x.owner.take()).map(Owner::counted)
        }
    }

    /// Set a borrowed owner (see [`Frame::set_owner_borrowed`]): one store when the word
    /// is 0 (a parked frame being resumed), else a counted owner as [`Link::set_owner`].
    #[inline(always)]
    unsafe fn set_owner_borrowed(&mut self, g: &Generator) {
        if self.bits() == 0 {
            self.0 = LinkWord { bits: g as *const Generator as usize | BORROWED };
            return;
        }
        // SAFETY: per `Frame::set_owner_borrowed`, `g` is held by an `Rc`.
        let g = unsafe {
            Rc::increment_strong_count(g as *const Generator);
            Rc::from_raw(g as *const Generator)
        };
        self.set_owner(g);
    }

    /// Set the owner (dropping the previous one). The common case first: a parked
    /// frame being resumed has neither an owner nor an extra part (`yield_` took the
    /// owner out), so the word is 0 and the owner is one store.
    #[inline(always)]
    fn set_owner(&mut self, g: Rc<Generator>) {
        if self.bits() == 0 {
            self.0 = LinkWord { owner: ManuallyDrop::new(g) };
            return;
        }
        if let Some(x) = self.extra_mut() {
            x.owner = Some(g);
            return;
        }
        drop(self.take_owner());
        self.0 = LinkWord { owner: ManuallyDrop::new(g) };
    }
}

impl Drop for Link {
    fn drop(&mut self) {
        if let Some(p) = self.extra_ptr() {
            // SAFETY: the pointer came from `Box::into_raw` in `extra_or_box` and is
            // owned by this word alone.
            drop(unsafe { Box::from_raw(p) });
        } else if self.bits() != 0 && self.bits() & BORROWED == 0 {
            // SAFETY: the word holds an `Rc` (written as `owner`), dropped once (a
            // borrowed owner is not counted: nothing to drop).
            unsafe { ManuallyDrop::drop(&mut self.0.owner) };
        }
    }
}

/// A script frame: locals, cells, a value stack and a work stack. It lives in a
/// [`FrameBox`]: one allocation holding this header and, after it, the first buffers of
/// `locals`, `stack` and `work` (see [`FrameVec`]). 80 bytes.
pub struct Frame {
    /// The code being run.
    pub code: &'static Code,
    /// Fast local slots (`None` while unbound); at most [`MAX_LOCALS`] of them.
    pub locals: LocalVec<Option<Value>>,
    /// Intermediate values.
    pub stack: FrameVec<Value>,
    /// Pending work; the top is next.
    pub work: FrameVec<Step>,
    /// The module namespace.
    pub globals: Rc<Dict>,
    /// The generator that owns this frame while it runs, and the cells, class
    /// namespace, pending completions, saved exceptions and a pending throw, boxed
    /// while any was used: one word (read through the accessors below).
    link: Link,
    /// What to do with the result.
    pub mode: ReturnMode,
    /// The current line (for tracebacks and `f_lineno`).
    pub line: u32,
    /// Length of the runtime's handled-exception stack when this frame was (re)entered
    /// (read and set through [`Frame::handled_base`] and [`Frame::set_handled_base`]).
    handled_base: u32,
    /// Size of the rest of this frame's allocation after the header, in 8-byte words
    /// (its layout on free).
    pub(super) tail: u16,
    /// [`ITER_DONE`], [`STARTED`] and [`THROWING`] (read and set through the
    /// accessors below): one byte, so the header is 80 bytes.
    flags: u8,
}

/// Frame flag: an iteration step reported exhaustion instead of pushing an item.
const ITER_DONE: u8 = 1;
/// Frame flag: a generator frame has started running.
const STARTED: u8 = 2;
/// Frame flag: an exception is set to be thrown at the suspension point (the exception
/// is in the extra part: the driver tests this bit on every step).
const THROWING: u8 = 4;

const _: () = assert!(std::mem::size_of::<ReturnMode>() == 1);
const _: () = assert!(std::mem::size_of::<Frame>() == 80);

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
        for (name, cell) in names.zip(self.cells().iter()) {
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
    /// The frame a finished generator of the same code left ([`Frame::retire`]) is
    /// taken first: no allocation.
    pub fn new_parked(code: &'static Code, globals: Rc<Dict>) -> FrameBox {
        let mut f = Frame::new_parked_empty(code, globals);
        for _ in 0..code.nlocals() {
            f.locals.push(None);
        }
        f
    }

    /// [`Frame::new_parked`] with no locals yet (the caller pushes all of them): the
    /// code's spare frame ([`Frame::retire`]) if it has one, else a new allocation.
    #[inline]
    pub fn new_parked_empty(code: &'static Code, globals: Rc<Dict>) -> FrameBox {
        match code.hints.take_spare() {
            Some(mut f) => {
                if !Rc::ptr_eq(&f.globals, &globals) {
                    f.globals = globals;
                }
                f
            }
            None => {
                let (stack, work) = code.hints.get(code);
                FrameBox::alloc(code, globals, stack, work)
            }
        }
    }

    /// The frame of a generator that has finished (returned), its owner taken out:
    /// when it is plain (no extra part, stacks of ordinary size) it is reset as
    /// [`Frame::new_parked`] makes a frame and kept as its code's spare, so the next
    /// generator or coroutine of that code (`await q.get()` in a loop, an
    /// `__await__` per await) takes it instead of allocating; else (or when the code
    /// has a spare already: many of its generators were alive at once) it is freed.
    /// Its locals are dropped here as a freed frame's would be.
    #[inline]
    pub fn retire(mut f: FrameBox) {
        if f.link.bits() != 0 || f.code.hints.has_spare() || f.stack.capacity() > 64 || f.work.capacity() > 64 {
            drop(f);
            return;
        }
        f.locals.clear_each(crate::eval::expr::drop_value);
        if !f.stack.is_empty() {
            f.stack.clear();
        }
        f.work.clear();
        f.learn_depths();
        f.mode = ReturnMode::Value;
        f.line = f.code.firstline;
        f.handled_base = 0;
        f.flags = 0;
        f.code.hints.put_spare(f);
    }

    /// A frame is freed: if its stacks outgrew the room its allocation had, the next
    /// generator frames of its code get more.
    #[inline]
    pub fn learn_depths(&self) {
        if (self.stack.spilled() || self.work.spilled()) && self.code.func_kind != crate::syntax::ast::FuncKind::Plain {
            self.code.hints.learn(self.stack.capacity(), self.work.capacity());
        }
    }

    /// Whether dropping this (parked) frame frees nothing but its own block and values
    /// whose drop is shallow ([`Value::drop_is_shallow`]): no extra part (cells,
    /// pending completions, saved exceptions), no owner, and a module namespace that
    /// something else keeps. Dropping such a frame runs no code and cannot recurse.
    pub fn drop_is_shallow(&self) -> bool {
        let mode = !matches!(self.mode, ReturnMode::AgenStep(_));
        mode && self.link.bits() == 0
            && Rc::strong_count(&self.globals) > 1
            && self.locals.iter().all(|v| v.as_ref().is_none_or(Value::drop_is_shallow))
            && self.stack.iter().all(Value::drop_is_shallow)
    }

    /// A frame header's fields as a fresh frame has them (no extra part).
    #[inline(always)]
    pub(super) fn fresh(code: &'static Code, globals: Rc<Dict>, locals: LocalVec<Option<Value>>, stack: FrameVec<Value>, work: FrameVec<Step>, tail: u16) -> Frame {
        Frame {
            code,
            locals,
            stack,
            work,
            globals,
            link: Link::NONE,
            mode: ReturnMode::Value,
            line: code.firstline,
            handled_base: 0,
            tail,
            flags: 0,
        }
    }

    /// The extra part, boxed on first use.
    #[inline]
    fn extra_mut(&mut self) -> &mut FrameExtra {
        self.link.extra_or_box()
    }

    /// The generator that owns this frame, while it runs.
    #[inline(always)]
    pub fn owner(&self) -> Option<&Generator> {
        self.link.owner()
    }

    /// Whether a generator owns this frame (it is running as that generator's).
    #[inline(always)]
    pub fn has_owner(&self) -> bool {
        self.link.has_owner()
    }

    /// Take the owning generator out (the frame is parked or finished).
    #[inline(always)]
    pub fn take_owner(&mut self) -> Option<Rc<Generator>> {
        self.link.take_owner()
    }

    /// The generator `g` runs this frame.
    #[inline(always)]
    pub fn set_owner(&mut self, g: Rc<Generator>) {
        self.link.set_owner(g)
    }

    /// Take the owning generator out as it is held (counted, or borrowed from its
    /// resumer): the yield and return paths park the frame in it or mark it finished
    /// without a reference count taken per resume.
    #[inline(always)]
    pub fn take_owner_ref(&mut self) -> Option<Owner> {
        self.link.take_owner_ref()
    }

    /// The generator `g` runs this frame, and its resumer keeps its own reference to
    /// `g` as long as the frame runs, so the frame's owner is `g`'s address, not counted
    /// (a `for` loop's iterator on its frame's stack, a `yield from`/`await` whose
    /// sub-generator is on the delegating frame's stack: neither can change while the
    /// frame above runs). Taken out as [`Owner::Borrowed`] by [`Frame::take_owner_ref`];
    /// [`Frame::take_owner`] and boxing the extra part turn it into a counted one.
    ///
    /// # Safety
    /// `g` is held by an `Rc` (`&**rc`), and a strong reference to it must outlive the
    /// frame's run: until its owner is taken out (it yields, returns or raises) or the
    /// frame is dropped.
    #[inline(always)]
    pub unsafe fn set_owner_borrowed(&mut self, g: &Generator) {
        // SAFETY: per the caller.
        unsafe { self.link.set_owner_borrowed(g) }
    }

    /// Length of the runtime's handled-exception stack when this frame was (re)entered.
    #[inline(always)]
    pub fn handled_base(&self) -> usize {
        self.handled_base as usize
    }

    /// Record the handled-exception stack's length at (re)entry.
    #[inline(always)]
    pub fn set_handled_base(&mut self, n: usize) {
        debug_assert!(n <= u32::MAX as usize);
        self.handled_base = n as u32;
    }

    /// The frame's cells: the code's own cells, then the closure's.
    #[inline(always)]
    pub fn cells(&self) -> &[Rc<CellObj>] {
        match self.link.extra() {
            Some(x) => &x.cells,
            None => &[],
        }
    }

    /// The cells, to add to (boxes the extra part).
    #[inline]
    pub fn cells_mut(&mut self) -> &mut Vec<Rc<CellObj>> {
        &mut self.extra_mut().cells
    }

    /// The class namespace of a class body.
    #[inline(always)]
    pub fn ns(&self) -> Option<&Rc<Dict>> {
        self.link.extra().and_then(|x| x.ns.as_ref())
    }

    /// Set the class namespace.
    pub fn set_ns(&mut self, ns: Option<Rc<Dict>>) {
        if ns.is_some() || self.link.extra().is_some() {
            self.extra_mut().ns = ns;
        }
    }

    /// Completions waiting for `finally` blocks or `__exit__` calls.
    #[inline(always)]
    pub fn pending(&self) -> &[Completion] {
        match self.link.extra() {
            Some(x) => &x.pending,
            None => &[],
        }
    }

    /// Add a pending completion.
    #[inline]
    pub fn push_pending(&mut self, c: Completion) {
        self.extra_mut().pending.push(c);
    }

    /// Take the last pending completion.
    #[inline]
    pub fn pop_pending(&mut self) -> Option<Completion> {
        self.link.extra_mut()?.pending.pop()
    }

    /// Exceptions being handled in this frame, saved while a generator is parked.
    #[inline(always)]
    pub fn saved_handled(&self) -> &[Exc] {
        match self.link.extra() {
            Some(x) => &x.saved_handled,
            None => &[],
        }
    }

    /// Whether no handled exceptions are saved.
    #[inline(always)]
    pub fn no_saved_handled(&self) -> bool {
        self.link.extra().is_none_or(|x| x.saved_handled.is_empty())
    }

    /// Save the handled exceptions of a parked generator frame.
    pub fn set_saved_handled(&mut self, v: Vec<Exc>) {
        if !v.is_empty() || self.link.extra().is_some() {
            self.extra_mut().saved_handled = v;
        }
    }

    /// Move the saved handled exceptions to the end of `to`.
    #[inline]
    pub fn restore_saved_handled(&mut self, to: &mut Vec<Exc>) {
        if let Some(x) = self.link.extra_mut() {
            to.append(&mut x.saved_handled);
        }
    }

    /// Whether an exception is set to be thrown at the suspension point.
    #[inline(always)]
    pub fn throwing(&self) -> bool {
        self.flags & THROWING != 0
    }

    /// Whether the last iteration step reported exhaustion (see [`Frame::set_iter_done`]).
    #[inline(always)]
    pub fn iter_done(&self) -> bool {
        self.flags & ITER_DONE != 0
    }

    /// Record that an iteration step reported exhaustion instead of pushing an item.
    #[inline(always)]
    pub fn set_iter_done(&mut self) {
        self.flags |= ITER_DONE;
    }

    /// Whether an iteration step reported exhaustion, clearing the flag.
    #[inline(always)]
    pub fn take_iter_done(&mut self) -> bool {
        let done = self.flags & ITER_DONE != 0;
        if done {
            self.flags &= !ITER_DONE;
        }
        done
    }

    /// Whether a generator frame has started running.
    #[inline(always)]
    pub fn started(&self) -> bool {
        self.flags & STARTED != 0
    }

    /// A generator frame starts running.
    #[inline(always)]
    pub fn set_started(&mut self) {
        self.flags |= STARTED;
    }

    /// A pooled frame is taken for a new code: not started, no exhausted iteration
    /// (a pooled frame has no pending throw: [`Frame::clear_extra`] cleared it).
    #[inline(always)]
    pub fn reset_flags(&mut self) {
        debug_assert!(self.flags & THROWING == 0);
        self.flags = 0;
    }

    /// The exception to throw at the suspension point, if any.
    pub fn throw_ref(&self) -> Option<&Exc> {
        self.link.extra().and_then(|x| x.throw.as_ref())
    }

    /// Set (or clear) the exception to throw at the suspension point.
    pub fn set_throw(&mut self, e: Option<Exc>) {
        if e.is_some() {
            self.flags |= THROWING;
        } else {
            self.flags &= !THROWING;
        }
        if e.is_some() || self.link.extra().is_some() {
            self.extra_mut().throw = e;
        }
    }

    /// Take the exception to throw at the suspension point.
    #[inline(always)]
    pub fn take_throw(&mut self) -> Option<Exc> {
        if self.flags & THROWING == 0 {
            return None;
        }
        self.flags &= !THROWING;
        self.link.extra_mut().and_then(|x| x.throw.take())
    }

    /// Whether the frame has an extra part (boxed on first use, kept by a pooled
    /// frame); without one no pending throw can be set either.
    #[inline(always)]
    pub fn has_extra(&self) -> bool {
        self.link.extra().is_some()
    }

    /// Drop the extra part's contents but the owner (keeping its box), for a frame
    /// going back to the pool.
    #[inline]
    pub fn clear_extra(&mut self) {
        self.flags &= !THROWING;
        if let Some(x) = self.link.extra_mut() {
            x.cells.clear();
            x.ns = None;
            x.pending.clear();
            x.saved_handled.clear();
            x.throw = None;
        }
    }

    /// Push a value.
    #[inline]
    pub fn push(&mut self, v: Value) {
        self.stack.push(v);
    }

    /// Hand the value sent into a resumed generator frame to its `yield`: pushed, or
    /// dropped at once when the `yield` is an expression statement, or stored when it is
    /// the value of `local = yield ...` (the next step would only pop it: one driver step
    /// less per resume of such `yield` statements). Dropping a local's old value may
    /// queue a generator's finalization: the driver runs it before the frame's next step.
    /// Inlined into the resume path (`suspend::resume_frame`), which runs it on every
    /// `send`/`next` of a suspended generator.
    #[inline(always)]
    pub fn push_sent(&mut self, v: Value) {
        match self.work.last() {
            Some(Step::Pop) => {
                self.work.pop();
                super::expr::drop_value(Some(v));
            }
            Some(Step::Store(super::ir::Target::Local(i))) => {
                let i = *i as usize;
                self.work.pop();
                super::expr::drop_value(std::mem::replace(&mut self.locals[i], Some(v)));
            }
            _ => self.stack.push(v),
        }
    }

    /// Pop a value (the evaluator only pops what it pushed).
    #[inline]
    pub fn pop(&mut self) -> Value {
        self.stack.pop().unwrap_or(Value::None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::generator::GenKind;

    /// A frame's owner and extra part in one word: the owner alone, then moved into the
    /// extra part when that is boxed, taken and set again through the box, cleared for
    /// the pool, and the frame dropped in each state; the generator's reference count
    /// comes back exactly each time (an owner dropped twice or leaked would show in it),
    /// and the box's other contents stay where they were put.
    #[test]
    fn owner_and_extra_share_a_word() {
        let src = Rc::new(crate::span::SourceFile::new("<test>", "x = 1\n"));
        let code = crate::compile::compile(src, Default::default()).expect("compiles");
        let globals = Rc::new(Dict::new());
        let g = Rc::new(Generator::new(GenKind::Generator, code, Frame::new(code, globals.clone()), code.name.clone(), code.qualname.clone()));
        let count = || Rc::strong_count(&g);
        let mut f = Frame::new(code, globals.clone());
        assert!(!f.has_owner() && f.owner().is_none() && f.link.extra().is_none() && f.link.bits() == 0);
        f.set_owner(g.clone());
        assert_eq!(count(), 2);
        assert!(f.has_owner() && std::ptr::eq(f.owner().unwrap(), &*g) && f.link.extra().is_none());
        f.set_owner(g.clone());
        assert_eq!(count(), 2);
        // Boxing the extra part keeps the owner (now inside the box).
        let cell = CellObj::new(None);
        f.cells_mut().push(cell.clone());
        assert!(f.link.bits() & 1 == 1 && f.cells().len() == 1 && Rc::ptr_eq(&f.cells()[0], &cell));
        assert!(f.has_owner() && std::ptr::eq(f.owner().unwrap(), &*g));
        assert_eq!(count(), 2);
        let t = f.take_owner().expect("owner");
        assert!(!f.has_owner() && f.owner().is_none() && f.cells().len() == 1);
        f.set_owner(t);
        assert_eq!(count(), 2);
        f.clear_extra();
        assert!(f.has_owner() && f.cells().is_empty() && f.link.bits() & 1 == 1);
        assert_eq!((count(), Rc::strong_count(&cell)), (2, 1));
        drop(f.take_owner());
        assert!(!f.has_owner());
        assert_eq!(count(), 1);
        f.set_owner(g.clone());
        drop(f);
        assert_eq!(count(), 1);
        // An owner only, dropped with its frame; then taken out.
        let mut f = Frame::new(code, globals.clone());
        f.set_owner(g.clone());
        drop(f);
        assert_eq!(count(), 1);
        let mut f = Frame::new(code, globals);
        f.set_owner(g.clone());
        let t = f.take_owner();
        assert!(f.link.bits() == 0 && t.is_some());
        drop(t);
        f.cells_mut();
        assert!(f.link.bits() & 1 == 1 && !f.has_owner());
        f.set_owner(g.clone());
        assert_eq!(count(), 2);
        drop(f);
        assert_eq!(count(), 1);
    }

    /// A borrowed owner is not counted: set, read and taken out as borrowed without
    /// touching the count; taken as a counted one, or moved into a boxed extra part, it
    /// takes a count then; a frame dropped with it set leaves the count alone.
    #[test]
    fn borrowed_owner_is_not_counted() {
        let src = Rc::new(crate::span::SourceFile::new("<test>", "x = 1\n"));
        let code = crate::compile::compile(src, Default::default()).expect("compiles");
        let globals = Rc::new(Dict::new());
        let g = Rc::new(Generator::new(GenKind::Generator, code, Frame::new(code, globals.clone()), code.name.clone(), code.qualname.clone()));
        let count = || Rc::strong_count(&g);
        let mut f = Frame::new(code, globals.clone());
        // SAFETY: `g` outlives every frame here.
        unsafe { f.set_owner_borrowed(&g) };
        assert!(f.has_owner() && std::ptr::eq(f.owner().unwrap(), &*g) && f.link.extra().is_none());
        assert_eq!(count(), 1);
        let o = f.take_owner_ref().expect("owner");
        assert!(!f.has_owner() && std::ptr::eq(&*o, &*g) && f.link.bits() == 0);
        drop(o);
        assert_eq!(count(), 1);
        unsafe { f.set_owner_borrowed(&g) };
        let t = f.take_owner().expect("owner");
        assert_eq!(count(), 2);
        drop(t);
        unsafe { f.set_owner_borrowed(&g) };
        f.cells_mut();
        assert!(f.has_owner() && std::ptr::eq(f.owner().unwrap(), &*g) && f.link.bits() & 1 == 1);
        assert_eq!(count(), 2);
        let o = f.take_owner_ref().expect("owner");
        assert_eq!(count(), 2);
        drop(o);
        assert_eq!(count(), 1);
        // A counted owner taken as an `Owner` gives its count back when dropped.
        f.set_owner(g.clone());
        assert_eq!(count(), 2);
        drop(f.take_owner_ref());
        assert_eq!(count(), 1);
        let mut f = Frame::new(code, globals);
        unsafe { f.set_owner_borrowed(&g) };
        drop(f);
        assert_eq!(count(), 1);
    }
}
