//! Generator, coroutine and async generator objects: an explicit state and the frame
//! they park while suspended.

use super::str::PyStr;
use crate::eval::frame::FrameBox;
use crate::eval::ir::Code;
use std::cell::{Cell, UnsafeCell};
use std::rc::Rc;

/// Which of the three kinds of suspendable function object this is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
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
#[repr(u8)]
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
    /// The parked frame (present while created or suspended), used through
    /// [`Generator::frame`].
    frame_cell: UnsafeCell<Option<FrameBox>>,
    /// The function's code, and `__name__` and `__qualname__` when they differ from
    /// the code's (a renamed function, an assignment: rare), with the kind, four flags,
    /// the state and the frame slot's borrow state in the same word ([`CodeNames`]), so
    /// a generator is 16 bytes and its `Rc` block 32. Read through [`Generator::code`],
    /// [`Generator::kind`], [`Generator::state`] and the flags' accessors.
    names: CodeNames,
}

impl Generator {
    /// A new, not yet started generator around a prepared frame.
    pub fn new(kind: GenKind, code: &'static Code, frame: FrameBox, name: Rc<PyStr>, qualname: Rc<PyStr>) -> Generator {
        Generator::with_names(kind, frame, CodeNames::new(code, name, qualname))
    }

    /// [`Generator::new`] named as its code is (`code.name`, `code.qualname`): nothing
    /// to clone or compare.
    pub fn new_as_code(kind: GenKind, code: &'static Code, frame: FrameBox) -> Generator {
        Generator::with_names(kind, frame, CodeNames(Cell::new(CodeNames::code_word(code))))
    }

    #[inline(always)]
    fn with_names(kind: GenKind, frame: FrameBox, names: CodeNames) -> Generator {
        names.set_field(KIND_SHIFT, 3, kind as usize);
        names.set_byte(STATE_BYTE, GenState::Created as u8);
        Generator { frame_cell: UnsafeCell::new(Some(frame)), names }
    }

    /// Which kind.
    #[inline(always)]
    pub fn kind(&self) -> GenKind {
        match self.names.field(KIND_SHIFT, 3) {
            0 => GenKind::Generator,
            1 => GenKind::Coroutine,
            _ => GenKind::AsyncGenerator,
        }
    }

    /// Its state.
    #[inline(always)]
    pub fn state(&self) -> GenState {
        match self.names.byte(STATE_BYTE) {
            0 => GenState::Created,
            1 => GenState::Suspended,
            2 => GenState::Running,
            _ => GenState::Finished,
        }
    }

    /// Set its state.
    #[inline(always)]
    pub fn set_state(&self, s: GenState) {
        self.names.set_byte(STATE_BYTE, s as u8);
    }

    /// For coroutines: set once awaited by `await` so a second await is refused.
    #[inline(always)]
    pub fn awaited(&self) -> bool {
        self.names.field(AWAITED, 1) != 0
    }

    /// Set [`Generator::awaited`].
    #[inline(always)]
    pub fn set_awaited(&self, v: bool) {
        self.names.set_field(AWAITED, 1, v as usize);
    }

    /// For async generators: an `asend`/`athrow` is in progress.
    #[inline(always)]
    pub fn ag_running(&self) -> bool {
        self.names.field(AG_RUNNING, 1) != 0
    }

    /// Set [`Generator::ag_running`].
    #[inline(always)]
    pub fn set_ag_running(&self, v: bool) {
        self.names.set_field(AG_RUNNING, 1, v as usize);
    }

    /// For async generators: `aclose()` or finalization started.
    #[inline(always)]
    pub fn ag_closed(&self) -> bool {
        self.names.field(AG_CLOSED, 1) != 0
    }

    /// Set [`Generator::ag_closed`].
    #[inline(always)]
    pub fn set_ag_closed(&self, v: bool) {
        self.names.set_field(AG_CLOSED, 1, v as usize);
    }

    /// For async generators: the first iteration hook ran (asyncio's tracking).
    #[inline(always)]
    pub fn ag_hooked(&self) -> bool {
        self.names.field(AG_HOOKED, 1) != 0
    }

    /// Set [`Generator::ag_hooked`].
    #[inline(always)]
    pub fn set_ag_hooked(&self, v: bool) {
        self.names.set_field(AG_HOOKED, 1, v as usize);
    }

    /// Park frame `f` in the generator and set its state to `s` (a yield, or a frame
    /// given back) without a borrow guard: the slot's borrow byte is only tested.
    /// Panics, as `borrow_mut` would, if the slot is borrowed.
    #[inline(always)]
    pub fn park(&self, f: FrameBox, s: GenState) {
        assert!(self.names.byte(BORROW_BYTE) == 0, "generator frame already borrowed");
        // SAFETY: no borrow of the slot is live (its byte is 0), and none can start
        // before this returns.
        let old = unsafe { (*self.frame_cell.get()).replace(f) };
        self.names.set_byte(STATE_BYTE, s as u8);
        drop(old);
    }

    /// The resume fast path: if the generator is suspended with its frame parked (and
    /// the slot not borrowed), take the frame out and set the state to running;
    /// otherwise change nothing.
    #[inline(always)]
    pub fn unpark_suspended(&self) -> Option<FrameBox> {
        if self.names.byte(STATE_BYTE) != GenState::Suspended as u8 || self.names.byte(BORROW_BYTE) != 0 {
            return None;
        }
        // SAFETY: no borrow of the slot is live (its byte is 0), and none can start
        // before this returns.
        let f = unsafe { (*self.frame_cell.get()).take() }?;
        self.names.set_byte(STATE_BYTE, GenState::Running as u8);
        Some(f)
    }

    /// Take the parked frame out (the state is the caller's). Panics, as `borrow_mut`
    /// would, if the slot is borrowed.
    #[inline(always)]
    pub fn take_frame(&self) -> Option<FrameBox> {
        assert!(self.names.byte(BORROW_BYTE) == 0, "generator frame already borrowed");
        // SAFETY: no borrow of the slot is live (its byte is 0), and none can start
        // before this returns.
        unsafe { (*self.frame_cell.get()).take() }
    }

    /// The parked frame's slot, with `RefCell`'s borrow methods.
    #[inline(always)]
    pub fn frame(&self) -> FrameSlot<'_> {
        FrameSlot { flag: BorrowFlag(&self.names), cell: &self.frame_cell }
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
        match self.kind() {
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
        if self.state() != GenState::Suspended {
            return false;
        }
        let Some(frame) = self.frame().try_borrow_mut().ok().and_then(|mut f| f.take()) else { return false };
        self.set_state(GenState::Finished);
        if self.kind() != GenKind::AsyncGenerator && crate::eval::finalize::closes_quietly(&frame) {
            // Nothing to close: freed now, as closing it would have.
            drop(frame);
            return false;
        }
        let qualname = self.qualname();
        let frame = if self.kind() == GenKind::AsyncGenerator && self.ag_hooked() {
            crate::aio::asyncgen_dropped(frame, qualname.clone())
        } else {
            Some(frame)
        };
        if let Some(frame) = frame {
            crate::eval::finalize::queue_orphan(frame, self.kind(), qualname);
        }
        true
    }
}

impl Drop for Generator {
    fn drop(&mut self) {
        if self.state() == GenState::Suspended {
            if let Some(frame) = self.frame_cell.get_mut().take() {
                if self.kind() != GenKind::AsyncGenerator && crate::eval::finalize::closes_quietly(&frame) {
                    // Nothing to close and nothing that could recurse: freed now.
                    return;
                }
                // An async generator iterated under an event loop is closed by the loop
                // (asyncio's finalizer hook), as a task.
                let frame = if self.kind() == GenKind::AsyncGenerator && self.ag_hooked() {
                    crate::aio::asyncgen_dropped(frame, self.qualname())
                } else {
                    Some(frame)
                };
                if let Some(frame) = frame {
                    crate::eval::finalize::queue_orphan(frame, self.kind(), self.qualname());
                }
            }
        }
    }
}

/// A generator's frame slot: a `RefCell<Option<FrameBox>>` split in two, so its borrow
/// flag packs with the generator's other small fields (the top byte of its
/// [`CodeNames`] word). Borrowing twice mutably, or
/// mutably while read, panics as `RefCell` does; the `try_` forms return `Err(())`.
pub struct FrameSlot<'a> {
    flag: BorrowFlag<'a>,
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
    flag: BorrowFlag<'a>,
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
    flag: BorrowFlag<'a>,
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

/// The borrow state of a generator's frame slot (as a `RefCell`'s: the number of
/// readers, or -1 while borrowed mutably), kept in a byte of its [`CodeNames`] word
/// ([`BORROW_BYTE`]).
#[derive(Clone, Copy)]
struct BorrowFlag<'a>(&'a CodeNames);

impl BorrowFlag<'_> {
    #[inline(always)]
    fn get(self) -> i8 {
        self.0.byte(BORROW_BYTE) as i8
    }

    #[inline(always)]
    fn set(self, n: i8) {
        self.0.set_byte(BORROW_BYTE, n as u8);
    }
}

/// A generator's code and, when they differ from the code's, its `__name__` and
/// `__qualname__`, with the generator's small fields: one word. Bits 7-47: the address
/// of a `&'static Code` or, with bit 0 ([`RENAMED`]) set, of a `Box<Renamed>` (which
/// also holds the code) owned by this word (both types are 128-byte aligned and
/// user-space addresses are below 2^48, checked when a word is made). Bits 1-6: the
/// kind ([`KIND_SHIFT`]) and the flags [`AWAITED`], [`AG_RUNNING`], [`AG_CLOSED`],
/// [`AG_HOOKED`]. Byte 6: the frame slot's borrow state ([`BORROW_BYTE`]); byte 7: the
/// state ([`STATE_BYTE`]): whole bytes, so the driver reads and writes them with one
/// byte access, as when they were fields of their own.
struct CodeNames(Cell<usize>);

/// The address bits of a [`CodeNames`] word.
const ADDR: usize = ((1 << 48) - 1) & !127;
/// [`GenKind`]: bits 1-2.
const KIND_SHIFT: u32 = 1;
/// Flag bit: a coroutine was awaited.
const AWAITED: u32 = 3;
/// Flag bit: an async generator's `asend`/`athrow` is in progress.
const AG_RUNNING: u32 = 4;
/// Flag bit: an async generator's `aclose()` or finalization started.
const AG_CLOSED: u32 = 5;
/// Flag bit: an async generator's first iteration hook ran.
const AG_HOOKED: u32 = 6;
/// The byte of the frame slot's borrow state (little-endian: bits 48-55).
const BORROW_BYTE: usize = 6;
/// The byte of the [`GenState`] (bits 56-63).
const STATE_BYTE: usize = 7;

const _: () = assert!(usize::BITS == 64 && cfg!(target_endian = "little"));
const _: () = assert!(std::mem::align_of::<Code>() >= 128 && std::mem::align_of::<Renamed>() >= 128);

/// The names of a renamed generator, with its code (aligned as [`Code`] is, so its
/// address leaves [`CodeNames`]' low bits free).
#[repr(align(128))]
struct Renamed {
    code: &'static Code,
    name: Rc<PyStr>,
    qualname: Rc<PyStr>,
}

/// The tag bit of a [`CodeNames`] word that holds a `Box<Renamed>`.
const RENAMED: usize = 1;

impl CodeNames {
    /// The word for `code` named `name` and `qualname` (boxed only if they are not the
    /// code's own).
    fn new(code: &'static Code, name: Rc<PyStr>, qualname: Rc<PyStr>) -> CodeNames {
        CodeNames(Cell::new(CodeNames::word(code, name, qualname)))
    }

    /// The pointer bits for `code` named `name` and `qualname`.
    fn word(code: &'static Code, name: Rc<PyStr>, qualname: Rc<PyStr>) -> usize {
        if Rc::ptr_eq(&name, &code.name) && Rc::ptr_eq(&qualname, &code.qualname) {
            return CodeNames::code_word(code);
        }
        let w = Box::into_raw(Box::new(Renamed { code, name, qualname })) as usize | RENAMED;
        assert!(w & !(ADDR | RENAMED) == 0, "code address above 2^48 or not 128-byte aligned");
        w
    }

    /// The pointer bits for `code` under its own names.
    #[inline(always)]
    fn code_word(code: &'static Code) -> usize {
        let w = code as *const Code as usize;
        assert!(w & !ADDR == 0, "code address above 2^48 or not 128-byte aligned");
        w
    }

    /// Byte `i` of the word (little-endian).
    #[inline(always)]
    fn byte(&self, i: usize) -> u8 {
        // SAFETY: the byte is inside the cell's word; reading it through the cell's
        // pointer is a read of part of the `Cell`'s contents (no reference to the word
        // is held anywhere: `Cell` hands out copies only).
        unsafe { *(self.0.as_ptr() as *const u8).add(i) }
    }

    /// Set byte `i` of the word (little-endian).
    #[inline(always)]
    fn set_byte(&self, i: usize, v: u8) {
        // SAFETY: as in `byte`: a write to part of the `Cell`'s contents.
        unsafe { *(self.0.as_ptr() as *mut u8).add(i) = v }
    }

    /// The field of `mask` at bit `shift` of the low bits.
    #[inline(always)]
    fn field(&self, shift: u32, mask: usize) -> usize {
        (self.0.get() >> shift) & mask
    }

    /// Set the field of `mask` at bit `shift` to `v`.
    #[inline(always)]
    fn set_field(&self, shift: u32, mask: usize, v: usize) {
        let w = self.0.get() & !(mask << shift);
        self.0.set(w | (v & mask) << shift);
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
        Some(unsafe { &*((w & ADDR) as *const Renamed) })
    }

    /// The code.
    #[inline(always)]
    fn code(&self) -> &'static Code {
        match self.renamed() {
            Some(r) => r.code,
            // SAFETY: an untagged word is the address of a `&'static Code` (`word`).
            None => unsafe { &*((self.0.get() & ADDR) as *const Code) },
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
        let old = self.0.get();
        self.0.set(w | (old & !(ADDR | RENAMED)));
        CodeNames::free(old);
    }

    /// Free the box of a word's rename, if it has one.
    fn free(w: usize) {
        if w & RENAMED != 0 {
            // SAFETY: a tagged word owns its box (`word`), and it was just taken out of
            // its `CodeNames`, so this is the only release.
            drop(unsafe { Box::from_raw((w & ADDR) as *mut Renamed) });
        }
    }
}

impl Drop for CodeNames {
    fn drop(&mut self) {
        CodeNames::free(self.0.get());
    }
}

const _: () = assert!(std::mem::size_of::<Generator>() == 16);

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

    /// The kind, state, flags and the frame slot's borrow state share the code's word:
    /// each reads back what was set, whatever the others hold, through renames (which
    /// keep them) and borrows of the frame slot (which change only their byte).
    #[test]
    fn small_fields_share_the_code_word() {
        let src = Rc::new(crate::span::SourceFile::new("<test>", "x = 1\n"));
        let code = crate::compile::compile(src, Default::default()).expect("compiles");
        let globals = Rc::new(crate::runtime::dict::Dict::new());
        for kind in [GenKind::Generator, GenKind::Coroutine, GenKind::AsyncGenerator] {
            let frame = crate::eval::frame::Frame::new(code, globals.clone());
            let g = Generator::new(kind, code, frame, code.name.clone(), code.qualname.clone());
            assert_eq!((g.kind(), g.state()), (kind, GenState::Created));
            assert!(!g.awaited() && !g.ag_running() && !g.ag_closed() && !g.ag_hooked());
            for st in [GenState::Suspended, GenState::Running, GenState::Finished, GenState::Created] {
                g.set_state(st);
                assert_eq!((g.kind(), g.state()), (kind, st));
            }
            g.set_ag_running(true);
            g.set_awaited(true);
            assert!(g.awaited() && g.ag_running() && !g.ag_closed() && !g.ag_hooked());
            g.set_ag_hooked(true);
            g.set_ag_running(false);
            g.set_ag_closed(true);
            assert!(g.awaited() && !g.ag_running() && g.ag_closed() && g.ag_hooked());
            g.set_names(Some(Rc::new(PyStr::new("renamed"))), None);
            assert_eq!(g.name().as_str(), "renamed");
            assert!(std::ptr::eq(g.code(), code) && g.kind() == kind && g.awaited() && g.ag_closed());
            {
                let r1 = g.frame().borrow();
                let r2 = g.frame().borrow();
                assert!(r1.is_some() && r2.is_some() && g.frame().try_borrow_mut().is_err());
                g.set_state(GenState::Suspended);
            }
            {
                let mut m = g.frame().borrow_mut();
                assert!(g.frame().try_borrow().is_err());
                g.set_awaited(false);
                assert!(m.take().is_some());
            }
            assert!(g.frame().try_borrow_mut().is_ok());
            assert_eq!((g.kind(), g.state()), (kind, GenState::Suspended));
            assert!(!g.awaited() && g.ag_closed() && g.ag_hooked() && std::ptr::eq(g.code(), code));
            assert_eq!(g.qualname().as_str(), code.qualname.as_str());
        }
    }
}
