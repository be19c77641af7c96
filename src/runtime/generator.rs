//! Generator, coroutine and async generator objects: an explicit state and the frame
//! they park while suspended.

use super::str::PyStr;
use crate::eval::frame::FrameBox;
use crate::eval::ir::Code;
use std::cell::{Cell, UnsafeCell};
use std::rc::Rc;

/// Which of the three kinds of suspendable function object this is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GenKind {
    /// A generator (`def` with `yield`).
    Generator,
    /// A coroutine (`async def`).
    Coroutine,
    /// An async generator (`async def` with `yield`).
    AsyncGenerator,
}

/// Where a generator is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GenState {
    /// Created, not yet started.
    Created,
    /// Parked at a `yield` or `await`.
    Suspended,
    /// Its frame is on the running stack.
    Running,
    /// Returned or raised; no frame any more.
    Finished,
}

/// A generator, coroutine or async generator.
pub struct Generator {
    /// Which kind.
    pub kind: GenKind,
    /// Its state.
    pub state: Cell<GenState>,
    /// The parked frame (present while created or suspended), used through
    /// [`Generator::frame`].
    frame_cell: UnsafeCell<Option<FrameBox>>,
    /// The borrow state of `frame_cell` (as a `RefCell`'s: readers, or -1 while
    /// borrowed mutably): a byte beside the other flags, so a generator is 32 bytes.
    frame_flag: Cell<i8>,
    /// The function's code, and `__name__` and `__qualname__` when they differ from
    /// the code's (a renamed function, an assignment: rare), in one word, so a
    /// generator is 24 bytes and its `Rc` block 40 (read through [`Generator::code`]).
    names: CodeNames,
    /// For coroutines: set once awaited by `await` so a second await is refused.
    pub awaited: Cell<bool>,
    /// For async generators: an `asend`/`athrow` is in progress.
    pub ag_running: Cell<bool>,
    /// For async generators: `aclose()` or finalization started.
    pub ag_closed: Cell<bool>,
    /// For async generators: the first iteration hook ran (asyncio's tracking).
    pub ag_hooked: Cell<bool>,
}

impl Generator {
    /// A new, not yet started generator around a prepared frame.
    pub fn new(kind: GenKind, code: &'static Code, frame: FrameBox, name: Rc<PyStr>, qualname: Rc<PyStr>) -> Generator {
        Generator {
            kind,
            state: Cell::new(GenState::Created),
            frame_cell: UnsafeCell::new(Some(frame)),
            frame_flag: Cell::new(0),
            names: CodeNames::new(code, name, qualname),
            awaited: Cell::new(false),
            ag_running: Cell::new(false),
            ag_closed: Cell::new(false),
            ag_hooked: Cell::new(false),
        }
    }

    /// The parked frame's slot, with `RefCell`'s borrow methods.
    #[inline(always)]
    pub fn frame(&self) -> FrameSlot<'_> {
        FrameSlot { flag: &self.frame_flag, cell: &self.frame_cell }
    }

    /// The function's code.
    #[inline]
    pub fn code(&self) -> &'static Code {
        self.names.code()
    }

    fn names(&self) -> (Rc<PyStr>, Rc<PyStr>) {
        self.names.names()
    }

    /// `__name__`.
    pub fn name(&self) -> Rc<PyStr> {
        self.names().0
    }

    /// `__qualname__`.
    pub fn qualname(&self) -> Rc<PyStr> {
        self.names().1
    }

    /// Set `__name__` and/or `__qualname__`.
    pub fn set_names(&self, name: Option<Rc<PyStr>>, qualname: Option<Rc<PyStr>>) {
        let (n, q) = self.names();
        self.names.set(name.unwrap_or(n), qualname.unwrap_or(q));
    }

    /// The type name CPython shows (`generator`, `coroutine`, `async_generator`).
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            GenKind::Generator => "generator",
            GenKind::Coroutine => "coroutine",
            GenKind::AsyncGenerator => "async_generator",
        }
    }
}

impl Generator {
    /// Hand the parked frame of a suspended generator to the finalizer queue, as dropping
    /// the generator would (the cycle collector found it unreachable): it is closed at
    /// the driver's next safe point. Returns whether a frame was queued.
    pub fn orphan(&self) -> bool {
        if self.state.get() != GenState::Suspended {
            return false;
        }
        let Some(frame) = self.frame().try_borrow_mut().ok().and_then(|mut f| f.take()) else { return false };
        self.state.set(GenState::Finished);
        if self.kind != GenKind::AsyncGenerator && crate::eval::finalize::closes_quietly(&frame) {
            // Nothing to close: freed now, as closing it would have.
            drop(frame);
            return false;
        }
        let qualname = self.qualname();
        let frame = if self.kind == GenKind::AsyncGenerator && self.ag_hooked.get() {
            crate::aio::asyncgen_dropped(frame, qualname.clone())
        } else {
            Some(frame)
        };
        if let Some(frame) = frame {
            crate::eval::finalize::queue_orphan(frame, self.kind, qualname);
        }
        true
    }
}

impl Drop for Generator {
    fn drop(&mut self) {
        if self.state.get() == GenState::Suspended {
            if let Some(frame) = self.frame_cell.get_mut().take() {
                if self.kind != GenKind::AsyncGenerator && crate::eval::finalize::closes_quietly(&frame) {
                    // Nothing to close and nothing that could recurse: freed now.
                    return;
                }
                // An async generator iterated under an event loop is closed by the loop
                // (asyncio's finalizer hook), as a task.
                let frame = if self.kind == GenKind::AsyncGenerator && self.ag_hooked.get() {
                    crate::aio::asyncgen_dropped(frame, self.qualname())
                } else {
                    Some(frame)
                };
                if let Some(frame) = frame {
                    crate::eval::finalize::queue_orphan(frame, self.kind, self.qualname());
                }
            }
        }
    }
}

/// A generator's frame slot: a `RefCell<Option<FrameBox>>` split in two, so its borrow
/// flag packs with the generator's other one-byte fields. Borrowing twice mutably, or
/// mutably while read, panics as `RefCell` does; the `try_` forms return `Err(())`.
pub struct FrameSlot<'a> {
    flag: &'a Cell<i8>,
    cell: &'a UnsafeCell<Option<FrameBox>>,
}

impl<'a> FrameSlot<'a> {
    /// Read the slot (panics if it is borrowed mutably).
    #[inline]
    pub fn borrow(self) -> FrameRef<'a> {
        self.try_borrow().expect("generator frame already mutably borrowed")
    }

    /// Change the slot (panics if it is borrowed).
    #[inline]
    pub fn borrow_mut(self) -> FrameMut<'a> {
        self.try_borrow_mut().expect("generator frame already borrowed")
    }

    /// A raw pointer to the slot's contents (as `RefCell::as_ptr`: no borrow taken).
    #[inline(always)]
    pub fn as_ptr(self) -> *mut Option<FrameBox> {
        self.cell.get()
    }

    /// Read the slot, unless it is borrowed mutably.
    #[inline]
    pub fn try_borrow(self) -> Result<FrameRef<'a>, ()> {
        let n = self.flag.get();
        if n < 0 || n == i8::MAX {
            return Err(());
        }
        self.flag.set(n + 1);
        // SAFETY: no mutable borrow is live (flag >= 0) and none can start while this
        // one is counted.
        Ok(FrameRef { flag: self.flag, v: unsafe { &*self.cell.get() } })
    }

    /// Change the slot, unless it is borrowed.
    #[inline]
    pub fn try_borrow_mut(self) -> Result<FrameMut<'a>, ()> {
        if self.flag.get() != 0 {
            return Err(());
        }
        self.flag.set(-1);
        // SAFETY: no other borrow is live (flag was 0) and none can start while this
        // one holds the flag at -1.
        Ok(FrameMut { flag: self.flag, v: unsafe { &mut *self.cell.get() } })
    }
}

/// A shared borrow of a generator's frame slot.
pub struct FrameRef<'a> {
    flag: &'a Cell<i8>,
    v: &'a Option<FrameBox>,
}

impl std::ops::Deref for FrameRef<'_> {
    type Target = Option<FrameBox>;
    #[inline(always)]
    fn deref(&self) -> &Option<FrameBox> {
        self.v
    }
}

impl Drop for FrameRef<'_> {
    #[inline(always)]
    fn drop(&mut self) {
        self.flag.set(self.flag.get() - 1);
    }
}

/// A mutable borrow of a generator's frame slot.
pub struct FrameMut<'a> {
    flag: &'a Cell<i8>,
    v: &'a mut Option<FrameBox>,
}

impl std::ops::Deref for FrameMut<'_> {
    type Target = Option<FrameBox>;
    #[inline(always)]
    fn deref(&self) -> &Option<FrameBox> {
        self.v
    }
}

impl std::ops::DerefMut for FrameMut<'_> {
    #[inline(always)]
    fn deref_mut(&mut self) -> &mut Option<FrameBox> {
        self.v
    }
}

impl Drop for FrameMut<'_> {
    #[inline(always)]
    fn drop(&mut self) {
        self.flag.set(0);
    }
}

/// A generator's code and, when they differ from the code's, its `__name__` and
/// `__qualname__`: one tagged word. Low bit clear: a `&'static Code`; set: a
/// `Box<Renamed>` (which also holds the code), owned by this word.
struct CodeNames(Cell<usize>);

/// The names of a renamed generator, with its code.
struct Renamed {
    code: &'static Code,
    name: Rc<PyStr>,
    qualname: Rc<PyStr>,
}

/// The tag bit of a [`CodeNames`] word that holds a `Box<Renamed>`.
const RENAMED: usize = 1;

const _: () = assert!(std::mem::align_of::<Code>() > RENAMED && std::mem::align_of::<Renamed>() > RENAMED);

impl CodeNames {
    /// The word for `code` named `name` and `qualname` (boxed only if they are not the
    /// code's own).
    fn new(code: &'static Code, name: Rc<PyStr>, qualname: Rc<PyStr>) -> CodeNames {
        CodeNames(Cell::new(CodeNames::word(code, name, qualname)))
    }

    fn word(code: &'static Code, name: Rc<PyStr>, qualname: Rc<PyStr>) -> usize {
        if Rc::ptr_eq(&name, &code.name) && Rc::ptr_eq(&qualname, &code.qualname) {
            code as *const Code as usize
        } else {
            Box::into_raw(Box::new(Renamed { code, name, qualname })) as usize | RENAMED
        }
    }

    /// The boxed names, if the word holds them.
    #[inline(always)]
    fn renamed(&self) -> Option<&Renamed> {
        let w = self.0.get();
        if w & RENAMED == 0 {
            return None;
        }
        // SAFETY: a tagged word came from `Box::into_raw` in `word` and is owned by
        // this `CodeNames` until `set` or `drop` replaces it; nothing else frees it, and
        // the reference does not outlive `&self` (`set` takes `&self` too, but callers
        // only hold the clones `names` returns, never this reference, across it).
        Some(unsafe { &*((w & !RENAMED) as *const Renamed) })
    }

    /// The code.
    #[inline(always)]
    fn code(&self) -> &'static Code {
        match self.renamed() {
            Some(r) => r.code,
            // SAFETY: an untagged word is the address of a `&'static Code` (`word`).
            None => unsafe { &*(self.0.get() as *const Code) },
        }
    }

    /// `(__name__, __qualname__)`.
    fn names(&self) -> (Rc<PyStr>, Rc<PyStr>) {
        match self.renamed() {
            Some(r) => (r.name.clone(), r.qualname.clone()),
            None => {
                let c = self.code();
                (c.name.clone(), c.qualname.clone())
            }
        }
    }

    /// Rename (the code stays).
    fn set(&self, name: Rc<PyStr>, qualname: Rc<PyStr>) {
        let w = CodeNames::word(self.code(), name, qualname);
        let old = self.0.replace(w);
        CodeNames::free(old);
    }

    fn free(w: usize) {
        if w & RENAMED != 0 {
            // SAFETY: a tagged word owns its box (`word`), and it was just taken out of
            // its `CodeNames`, so this is the only release.
            drop(unsafe { Box::from_raw((w & !RENAMED) as *mut Renamed) });
        }
    }
}

impl Drop for CodeNames {
    fn drop(&mut self) {
        CodeNames::free(self.0.get());
    }
}

const _: () = assert!(std::mem::size_of::<Generator>() == 24);

#[cfg(test)]
mod tests {
    use super::*;

    /// The code and names in one word: the code's own names are not boxed, a rename
    /// boxes them (the code is still found), renaming back frees the box, and the
    /// names' reference counts come back exactly (a double free or a leak of the box
    /// would show in them).
    #[test]
    fn code_and_names_share_a_word() {
        let src = Rc::new(crate::span::SourceFile::new("<test>", "x = 1\n"));
        let code = crate::compile::compile(src, Default::default()).expect("compiles");
        let cn = CodeNames::new(code, code.name.clone(), code.qualname.clone());
        assert_eq!(cn.0.get() & RENAMED, 0);
        assert!(std::ptr::eq(cn.code(), code));
        let other: Rc<PyStr> = Rc::new(PyStr::new("g"));
        let before = Rc::strong_count(&other);
        cn.set(other.clone(), code.qualname.clone());
        assert_eq!(cn.0.get() & RENAMED, RENAMED);
        assert!(std::ptr::eq(cn.code(), code));
        let (n, q) = cn.names();
        assert!(Rc::ptr_eq(&n, &other) && Rc::ptr_eq(&q, &code.qualname));
        drop((n, q));
        assert_eq!(Rc::strong_count(&other), before + 1);
        cn.set(code.name.clone(), code.qualname.clone());
        assert_eq!(cn.0.get() & RENAMED, 0);
        assert_eq!(Rc::strong_count(&other), before);
        cn.set(other.clone(), other.clone());
        assert_eq!(Rc::strong_count(&other), before + 2);
        drop(cn);
        assert_eq!(Rc::strong_count(&other), before);
    }
}
