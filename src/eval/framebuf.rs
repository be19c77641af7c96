//! A frame's storage in one allocation: [`FrameBox`] holds the frame header and, after
//! it, the first buffers of its locals, value stack and work stack ([`FrameVec`]s
//! pointing into that tail), so a new frame (above all a parked generator's) is one
//! `malloc`, sized from its code ([`Hints`]).

use super::frame::Frame;
use super::localvec::{LocalVec, MAX_LOCALS};
use super::ir::{Block, Code, StmtKind};
use super::step::Step;
use crate::runtime::dict::Dict;
use crate::runtime::value::Value;
use std::alloc::{alloc, dealloc, handle_alloc_error, Layout};
use std::cell::Cell;
use std::marker::PhantomData;
use std::mem::{align_of, size_of, ManuallyDrop};
use std::ptr::{self, NonNull};
use std::rc::Rc;

/// Set in `FrameVec::cap` when the buffer is a heap block of its own (the vector
/// outgrew the room in its frame's allocation).
const OWNED: u32 = 1 << 31;

/// A vector with `Vec`'s methods whose first buffer is a region of its frame's own
/// allocation. Past that room it moves to a heap buffer of its own, as a `Vec` grows
/// (and keeps it, as a `Vec` keeps its capacity when cleared). 16 bytes.
pub struct FrameVec<T> {
    ptr: NonNull<T>,
    len: u32,
    /// Capacity, with [`OWNED`] set for a heap buffer.
    cap: u32,
    _own: PhantomData<T>,
}

impl<T> FrameVec<T> {
    /// An empty vector with no room (the first push allocates).
    pub const fn new() -> Self {
        FrameVec { ptr: NonNull::dangling(), len: 0, cap: 0, _own: PhantomData }
    }

    /// An empty vector using `cap` elements of room at `ptr`, which must stay valid
    /// (and not be used otherwise) for as long as the vector lives.
    unsafe fn inline(ptr: *mut T, cap: usize) -> Self {
        debug_assert!(cap < OWNED as usize);
        // SAFETY: the caller gives a pointer into its frame's allocation (not null).
        FrameVec { ptr: unsafe { NonNull::new_unchecked(ptr) }, len: 0, cap: cap as u32, _own: PhantomData }
    }

    /// Number of elements.
    #[inline(always)]
    pub fn len(&self) -> usize {
        self.len as usize
    }

    /// Whether there are none.
    #[inline(always)]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Room for elements without moving the buffer.
    #[inline(always)]
    pub fn capacity(&self) -> usize {
        (self.cap & !OWNED) as usize
    }

    /// Whether the vector outgrew its room in the frame's allocation.
    #[inline(always)]
    pub fn spilled(&self) -> bool {
        self.cap & OWNED != 0
    }

    /// Append an element.
    #[inline(always)]
    pub fn push(&mut self, v: T) {
        if self.len == self.cap & !OWNED {
            self.grow(1);
        }
        // SAFETY: len < capacity now, so the slot is inside the buffer and unused.
        unsafe { self.ptr.as_ptr().add(self.len as usize).write(v) };
        self.len += 1;
    }

    /// Append an element without the capacity test, into the slot a [`FrameVec::pop`]
    /// just freed.
    ///
    /// # Safety
    /// The vector must have had at least one more element since its buffer last
    /// changed (an element was popped and nothing pushed since), so `len < capacity`.
    #[inline(always)]
    pub unsafe fn push_popped(&mut self, v: T) {
        debug_assert!(self.len < self.cap & !OWNED);
        // SAFETY: len < capacity (the caller's promise): the slot is in the buffer.
        unsafe { self.ptr.as_ptr().add(self.len as usize).write(v) };
        self.len += 1;
    }

    /// Remove the last element.
    #[inline(always)]
    pub fn pop(&mut self) -> Option<T> {
        if self.len == 0 {
            return None;
        }
        self.len -= 1;
        // SAFETY: the slot held an initialised element, no longer counted by len.
        Some(unsafe { self.ptr.as_ptr().add(self.len as usize).read() })
    }

    /// Drop the elements from index `n` on.
    #[inline]
    pub fn truncate(&mut self, n: usize) {
        let old = self.len as usize;
        if n < old {
            self.len = n as u32;
            // SAFETY: elements n..old were initialised and are no longer counted.
            unsafe { ptr::drop_in_place(ptr::slice_from_raw_parts_mut(self.ptr.as_ptr().add(n), old - n)) };
        }
    }

    /// Drop every element (keeping the buffer).
    #[inline]
    pub fn clear(&mut self) {
        self.truncate(0);
    }

    /// Drop every element by `drop_one`, first to last (keeping the buffer): a caller
    /// whose elements are mostly trivial to drop tests that inline instead of calling
    /// the element type's drop for each.
    #[inline(always)]
    pub fn clear_each(&mut self, mut drop_one: impl FnMut(T)) {
        let n = self.len as usize;
        // The elements stop being counted first: should `drop_one` panic, the rest leak
        // rather than being dropped twice.
        self.len = 0;
        for i in 0..n {
            // SAFETY: elements 0..n were initialised and are no longer counted; each is
            // read (moved out) once.
            drop_one(unsafe { self.ptr.as_ptr().add(i).read() });
        }
    }

    /// Move the elements from index `at` on into a new `Vec`.
    pub fn split_off(&mut self, at: usize) -> Vec<T> {
        let len = self.len as usize;
        assert!(at <= len, "split_off index out of bounds");
        let n = len - at;
        let mut v = Vec::with_capacity(n);
        // SAFETY: elements at..len are initialised; they move to `v` and stop being
        // counted here.
        unsafe {
            ptr::copy_nonoverlapping(self.ptr.as_ptr().add(at), v.as_mut_ptr(), n);
            v.set_len(n);
        }
        self.len = at as u32;
        v
    }

    /// Remove the elements from the range's start to the end (`at..` or `..`),
    /// yielding them in order (those not taken are dropped with the iterator).
    #[inline]
    pub fn drain<R: std::ops::RangeBounds<usize>>(&mut self, range: R) -> Drain<'_, T> {
        use std::ops::Bound;
        let end = self.len as usize;
        let at = match range.start_bound() {
            Bound::Included(&n) => n,
            Bound::Excluded(&n) => n + 1,
            Bound::Unbounded => 0,
        };
        assert!(matches!(range.end_bound(), Bound::Unbounded), "FrameVec::drain takes a range to the end");
        assert!(at <= end, "drain index out of bounds");
        // The elements at..end now belong to the iterator.
        self.len = at as u32;
        Drain { ptr: self.ptr.as_ptr(), idx: at, end, _vec: PhantomData }
    }

    /// Append every element of an iterator.
    pub fn extend<I: IntoIterator<Item = T>>(&mut self, it: I) {
        for x in it {
            self.push(x);
        }
    }

    /// Make room for at least `n` more elements.
    pub fn reserve_exact(&mut self, n: usize) {
        if self.capacity() - self.len() < n {
            self.grow_to(self.len() + n);
        }
    }

    /// Shrink a heap buffer to room for `min` elements (or the length if larger).
    pub fn shrink_to(&mut self, min: usize) {
        let want = min.max(self.len());
        if self.spilled() && self.capacity() > want {
            self.grow_to(want);
        }
    }

    #[cold]
    #[inline(never)]
    fn grow(&mut self, extra: usize) {
        let want = (self.capacity() * 2).max(self.len() + extra).max(4);
        self.grow_to(want);
    }

    /// Move the elements to a new heap buffer with room for `cap`.
    fn grow_to(&mut self, cap: usize) {
        let len = self.len();
        let mut v: Vec<T> = Vec::with_capacity(cap);
        assert!(v.capacity() < OWNED as usize, "frame vector too large");
        // SAFETY: the elements move to the new buffer; the old one is freed (if it is
        // a heap buffer) without dropping them.
        unsafe {
            ptr::copy_nonoverlapping(self.ptr.as_ptr(), v.as_mut_ptr(), len);
            self.free_heap();
            let mut v = ManuallyDrop::new(v);
            self.ptr = NonNull::new_unchecked(v.as_mut_ptr());
            self.cap = v.capacity() as u32 | OWNED;
        }
    }

    /// Free a heap buffer (not its elements).
    unsafe fn free_heap(&mut self) {
        if self.spilled() {
            // SAFETY: a spilled buffer came from a Vec of this capacity.
            drop(unsafe { Vec::from_raw_parts(self.ptr.as_ptr(), 0, self.capacity()) });
        }
    }
}

/// The iterator of [`FrameVec::drain`]: owns the drained elements until taken, while
/// it borrows the vector (so nothing else can touch its buffer).
pub struct Drain<'a, T> {
    ptr: *mut T,
    idx: usize,
    end: usize,
    _vec: PhantomData<&'a mut [T]>,
}

impl<T> Drain<'_, T> {
    /// An iterator owning the elements `idx..end` at `ptr`, for as long as it borrows
    /// their vector.
    ///
    /// # Safety
    /// The elements `idx..end` at `ptr` must be initialised and no longer counted by
    /// their vector, which the iterator's lifetime borrows.
    pub(super) unsafe fn new(ptr: *mut T, idx: usize, end: usize) -> Self {
        Drain { ptr, idx, end, _vec: PhantomData }
    }
}

impl<T> Iterator for Drain<'_, T> {
    type Item = T;
    #[inline]
    fn next(&mut self) -> Option<T> {
        if self.idx == self.end {
            return None;
        }
        // SAFETY: idx < end: an initialised element the iterator owns, read once.
        let v = unsafe { self.ptr.add(self.idx).read() };
        self.idx += 1;
        Some(v)
    }

    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.end - self.idx;
        (n, Some(n))
    }
}

impl<T> ExactSizeIterator for Drain<'_, T> {}

impl<T> Drop for Drain<'_, T> {
    fn drop(&mut self) {
        // SAFETY: the elements idx..end were not taken and are owned here.
        unsafe { ptr::drop_in_place(ptr::slice_from_raw_parts_mut(self.ptr.add(self.idx), self.end - self.idx)) };
    }
}

impl<T> Drop for FrameVec<T> {
    fn drop(&mut self) {
        self.clear();
        // SAFETY: the elements are gone; a heap buffer is ours to free.
        unsafe { self.free_heap() };
    }
}

impl<T> Default for FrameVec<T> {
    fn default() -> Self {
        FrameVec::new()
    }
}

impl<T> std::ops::Deref for FrameVec<T> {
    type Target = [T];
    #[inline(always)]
    fn deref(&self) -> &[T] {
        // SAFETY: the first len elements are initialised.
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr(), self.len as usize) }
    }
}

impl<T> std::ops::DerefMut for FrameVec<T> {
    #[inline(always)]
    fn deref_mut(&mut self) -> &mut [T] {
        // SAFETY: the first len elements are initialised, and `&mut self` is unique.
        unsafe { std::slice::from_raw_parts_mut(self.ptr.as_ptr(), self.len as usize) }
    }
}

impl<'a, T> IntoIterator for &'a FrameVec<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<'a, T> IntoIterator for &'a mut FrameVec<T> {
    type Item = &'a mut T;
    type IntoIter = std::slice::IterMut<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter_mut()
    }
}

/// How much value-stack and work-stack room a new generator frame of a code gets:
/// first estimated from the code's statements ([`Hints::get`]), then raised by the
/// earlier frames of that code whose stacks outgrew what they had
/// ([`Frame::learn_depths`], when such a frame is freed), so a parked frame is usually
/// one allocation. Both zero until the first estimate. Also holds the code's spare
/// frame: the frame of its last finished generator, reset, for the next one
/// ([`Hints::take_spare`], `Frame::retire`).
pub struct Hints(Cell<u8>, Cell<u8>, Cell<Option<FrameBox>>);

/// At most this much room is learnt (a one-off deep expression should not make every
/// later frame of its code big).
const MAX_HINT: usize = 24;

impl Hints {
    /// (value-stack room, work-stack room) for a new generator frame of `code`.
    #[inline]
    pub fn get(&self, code: &Code) -> (usize, usize) {
        if self.0.get() == 0 {
            let (s, w) = estimate(&code.body);
            self.0.set(s.min(MAX_HINT) as u8);
            self.1.set(w.min(MAX_HINT) as u8);
        }
        (self.0.get() as usize, self.1.get() as usize)
    }

    /// The code's spare frame, if a finished generator of it left one: reset, no
    /// locals (the caller pushes them), ready to run this code again.
    #[inline(always)]
    pub fn take_spare(&self) -> Option<FrameBox> {
        self.2.take()
    }

    /// Whether the code has a spare frame.
    #[inline(always)]
    pub fn has_spare(&self) -> bool {
        // SAFETY: a read of the cell's contents while no reference into it exists
        // (the cell is only ever taken from or replaced, never borrowed).
        unsafe { (*self.2.as_ptr()).is_some() }
    }

    /// Keep `f` (a reset frame of this code) as its spare; an older spare is freed.
    #[inline(always)]
    pub fn put_spare(&self, f: FrameBox) {
        drop(self.2.replace(Some(f)));
    }

    /// A frame of this code needed room for `stack` values and `work` items.
    pub fn learn(&self, stack: usize, work: usize) {
        let s = stack.min(MAX_HINT) as u8;
        let w = work.min(MAX_HINT) as u8;
        if s > self.0.get() {
            self.0.set(s);
        }
        if w > self.1.get() {
            self.1.set(w);
        }
    }
}

impl Default for Hints {
    fn default() -> Self {
        Hints(Cell::new(0), Cell::new(0), Cell::new(None))
    }
}

/// The room a parked frame of a function with body `b` needs, estimated from its
/// statements (not its expressions): on the value stack, the value sent in when it
/// resumes plus what its `for` and `with` statements keep there (their iterator or
/// context manager) while a yield inside them is parked; on the work stack, two items
/// plus a loop's or `if`'s step for each level of nesting and two for each `try` or
/// `with` (their cleanup steps). A yield inside a larger expression may need more: the
/// frame's stacks then move out of its block, and the hints learn from it when it is
/// freed.
fn estimate(b: &Block) -> (usize, usize) {
    fn walk(b: &Block, kept: usize, nest: usize, best: &mut (usize, usize)) {
        best.0 = best.0.max(kept);
        best.1 = best.1.max(nest);
        for s in b.0.iter() {
            match &s.kind {
                StmtKind::If(_, a, e) | StmtKind::While(_, a, e) => {
                    walk(a, kept, nest + 1, best);
                    walk(e, kept, nest + 1, best);
                }
                StmtKind::For(fx) => {
                    walk(&fx.body, kept + 1, nest + 1, best);
                    walk(&fx.orelse, kept, nest + 1, best);
                }
                StmtKind::With(wx) => walk(&wx.body, kept + 1, nest + 2, best),
                StmtKind::Try(tx) => {
                    walk(&tx.body, kept, nest + 2, best);
                    for h in tx.handlers.iter() {
                        walk(&h.body, kept, nest + 2, best);
                    }
                    walk(&tx.orelse, kept, nest + 2, best);
                    walk(&tx.finalbody, kept, nest + 2, best);
                }
                _ => {}
            }
        }
    }
    let mut best = (0, 0);
    walk(b, 0, 0, &mut best);
    (1 + best.0, 2 + best.1)
}

/// The size mimalloc hands out for a request of `n` bytes (its size classes: 8-byte
/// steps up to 64, then four per power of two), so the rounding goes to the stacks'
/// room instead of being lost.
fn good_size(n: usize) -> usize {
    if n <= 64 {
        return (n + 7) & !7;
    }
    let step = n.next_power_of_two() / 8;
    n.div_ceil(step) * step
}

/// The most bytes a frame's allocation holds after its header (`Frame::tail` counts
/// 8-byte words in a `u16`), with room for rounding up to a size class.
const TAIL_MAX: usize = 60_000 * 8;

/// An owning pointer to a [`Frame`] and the tail of its allocation (the first buffers
/// of its locals and stacks). Used like a `FrameBox`.
pub struct FrameBox(NonNull<Frame>);

impl FrameBox {
    /// A fresh frame for `code` (no locals yet) with room in its own allocation for
    /// its locals, `stack` values and at least `work` work items.
    pub fn alloc(code: &'static Code, globals: Rc<Dict>, stack: usize, work: usize) -> FrameBox {
        const { assert!(align_of::<Value>() <= align_of::<Frame>() && align_of::<Step>() <= align_of::<Frame>()) };
        const { assert!(size_of::<Option<Value>>() % 8 == 0 && size_of::<Value>() % 8 == 0 && size_of::<Step>() % 8 == 0 && align_of::<Frame>() == 8) };
        let hdr = size_of::<Frame>();
        let mut nl = code.nlocals();
        debug_assert!(nl <= MAX_LOCALS);
        let mut lb = nl * size_of::<Option<Value>>();
        let (mut stack, mut work) = (stack, work);
        if lb + stack * size_of::<Value>() + work * size_of::<Step>() > TAIL_MAX {
            // A huge function: its locals go to a heap buffer of their own.
            (nl, lb, stack, work) = (0, 0, 8, 8);
        }
        let sb = stack * size_of::<Value>();
        let total = good_size(hdr + lb + sb + work * size_of::<Step>());
        let work = (total - hdr - lb - sb) / size_of::<Step>();
        let layout = Layout::from_size_align(total, align_of::<Frame>()).expect("frame layout");
        // SAFETY: the block is big enough for the header (at its start, aligned) and
        // the three regions after it (each aligned: the header size and the region
        // sizes are multiples of the header's alignment); each region is handed to
        // exactly one FrameVec; the header records the tail size for `drop`.
        unsafe {
            let p = alloc(layout);
            if p.is_null() {
                handle_alloc_error(layout);
            }
            let t = p.add(hdr);
            let frame = Frame::fresh(
                code,
                globals,
                LocalVec::inline(t as *mut Option<Value>, nl),
                FrameVec::inline(t.add(lb) as *mut Value, stack),
                FrameVec::inline(t.add(lb + sb) as *mut Step, work),
                ((total - hdr) / 8) as u16,
            );
            (p as *mut Frame).write(frame);
            FrameBox(NonNull::new_unchecked(p as *mut Frame))
        }
    }
}

impl Drop for FrameBox {
    fn drop(&mut self) {
        // SAFETY: the frame was written by `alloc` with a block of this layout; its
        // fields (the FrameVecs drop their elements in the tail) go before the block.
        unsafe {
            let p = self.0.as_ptr();
            let size = size_of::<Frame>() + (*p).tail as usize * 8;
            (*p).learn_depths();
            ptr::drop_in_place(p);
            dealloc(p as *mut u8, Layout::from_size_align_unchecked(size, align_of::<Frame>()));
        }
    }
}

impl std::ops::Deref for FrameBox {
    type Target = Frame;
    #[inline(always)]
    fn deref(&self) -> &Frame {
        // SAFETY: the pointer is to a live frame this box owns.
        unsafe { self.0.as_ref() }
    }
}

impl std::ops::DerefMut for FrameBox {
    #[inline(always)]
    fn deref_mut(&mut self) -> &mut Frame {
        // SAFETY: the pointer is to a live frame this box owns uniquely.
        unsafe { self.0.as_mut() }
    }
}
