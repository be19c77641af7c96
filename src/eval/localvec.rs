//! A frame's local slots: a vector like [`FrameVec`](super::framebuf::FrameVec) (its
//! first buffer in the frame's own allocation, a heap buffer past that room) whose
//! length and capacity are 16-bit, packed to 12 bytes, so the frame header is 80 bytes.
//! A code has at most [`MAX_LOCALS`] local slots (checked when it is compiled).

use super::framebuf::Drain;
use std::marker::PhantomData;
use std::mem::ManuallyDrop;
use std::ptr::{self, NonNull};

/// Set in `LocalVec::cap` when the buffer is a heap block of its own.
const OWNED: u16 = 1 << 15;

/// The most local slots a code may have (a [`LocalVec`] counts in a `u16` whose top
/// bit marks a heap buffer): a code with more is a `SyntaxError` when it is lowered
/// (`compile::lower`). CPython has no such limit.
pub const MAX_LOCALS: usize = OWNED as usize - 1;

/// The locals' vector: `Vec`'s methods that frames use on their locals, over a first
/// buffer in the frame's allocation. 12 bytes (4-byte aligned), at most [`MAX_LOCALS`]
/// elements.
#[repr(C, packed(4))]
pub struct LocalVec<T> {
    ptr: NonNull<T>,
    len: u16,
    /// Capacity, with [`OWNED`] set for a heap buffer.
    cap: u16,
    _own: PhantomData<T>,
}

impl<T> LocalVec<T> {
    /// An empty vector using `cap` (at most [`MAX_LOCALS`]) elements of room at `ptr`.
    ///
    /// # Safety
    /// `ptr` must stay valid for `cap` elements (and not be used otherwise) for as long
    /// as the vector lives.
    pub(super) unsafe fn inline(ptr: *mut T, cap: usize) -> Self {
        debug_assert!(cap <= MAX_LOCALS);
        // SAFETY: the caller gives a pointer into its frame's allocation (not null).
        LocalVec { ptr: unsafe { NonNull::new_unchecked(ptr) }, len: 0, cap: cap as u16, _own: PhantomData }
    }

    /// The buffer (read out of the packed struct).
    #[inline(always)]
    fn buf(&self) -> *mut T {
        let p = self.ptr;
        p.as_ptr()
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
            self.grow();
        }
        // SAFETY: len < capacity now, so the slot is inside the buffer and unused.
        unsafe { self.buf().add(self.len as usize).write(v) };
        self.len += 1;
    }

    /// Append the element `make` builds, built after the capacity test: the compiler
    /// then writes its fields straight into the slot, where `push(v)` of a value built
    /// before the test copies it from a stack temporary in one 16-byte move that cannot
    /// take its bytes from the two narrower stores that just wrote them (a
    /// store-forwarding stall the new frame's first read of the slot waits for).
    #[inline(always)]
    pub fn push_with(&mut self, make: impl FnOnce() -> T) {
        if self.len == self.cap & !OWNED {
            self.grow();
        }
        // SAFETY: len < capacity now, so the slot is inside the buffer and unused.
        unsafe { self.buf().add(self.len as usize).write(make()) };
        self.len += 1;
    }

    /// Drop every element (keeping the buffer).
    #[inline]
    pub fn clear(&mut self) {
        let old = self.len as usize;
        if old > 0 {
            self.len = 0;
            // SAFETY: elements 0..old were initialised and are no longer counted.
            unsafe { ptr::drop_in_place(ptr::slice_from_raw_parts_mut(self.buf(), old)) };
        }
    }

    /// Drop every element by `drop_one`, first to last (keeping the buffer): a caller
    /// whose elements are mostly trivial to drop tests that inline instead of calling
    /// the element type's drop for each (as `FrameVec::clear_each`).
    #[inline(always)]
    pub fn clear_each(&mut self, mut drop_one: impl FnMut(T)) {
        let n = self.len as usize;
        // The elements stop being counted first: should `drop_one` panic, the rest leak
        // rather than being dropped twice.
        self.len = 0;
        let p = self.buf();
        for i in 0..n {
            // SAFETY: elements 0..n were initialised and are no longer counted; each is
            // read (moved out) once.
            drop_one(unsafe { p.add(i).read() });
        }
    }

    /// Remove every element (the range must be `..`), yielding them in order (those
    /// not taken are dropped with the iterator).
    #[inline]
    pub fn drain(&mut self, _all: std::ops::RangeFull) -> Drain<'_, T> {
        let end = self.len as usize;
        self.len = 0;
        // SAFETY: the elements 0..end were initialised and now belong to the iterator,
        // which borrows the vector.
        unsafe { Drain::new(self.buf(), 0, end) }
    }

    /// Append every element of an iterator.
    pub fn extend<I: IntoIterator<Item = T>>(&mut self, it: I) {
        for x in it {
            self.push(x);
        }
    }

    /// Move the elements to a heap buffer twice as large (at most [`MAX_LOCALS`]: no
    /// code has more locals, so a full vector at the limit is never pushed to).
    #[cold]
    #[inline(never)]
    fn grow(&mut self) {
        let len = self.len();
        let cap = (self.capacity() * 2).clamp(4, MAX_LOCALS);
        assert!(cap > len, "more than {MAX_LOCALS} local slots");
        let mut v: Vec<T> = Vec::with_capacity(cap);
        // SAFETY: the elements move to the new buffer; the old one is freed (if it is
        // a heap buffer) without dropping them.
        unsafe {
            ptr::copy_nonoverlapping(self.buf(), v.as_mut_ptr(), len);
            self.free_heap();
            let mut v = ManuallyDrop::new(v);
            self.ptr = NonNull::new_unchecked(v.as_mut_ptr());
            self.cap = cap as u16 | OWNED;
        }
    }

    /// Free a heap buffer (not its elements).
    unsafe fn free_heap(&mut self) {
        if self.spilled() {
            // SAFETY: a spilled buffer came from a Vec of exactly this capacity.
            drop(unsafe { Vec::from_raw_parts(self.buf(), 0, self.capacity()) });
        }
    }
}

impl<T> Drop for LocalVec<T> {
    fn drop(&mut self) {
        self.clear();
        // SAFETY: the elements are gone; a heap buffer is ours to free.
        unsafe { self.free_heap() };
    }
}

impl<T> std::ops::Deref for LocalVec<T> {
    type Target = [T];
    #[inline(always)]
    fn deref(&self) -> &[T] {
        // SAFETY: the first len elements are initialised.
        unsafe { std::slice::from_raw_parts(self.buf(), self.len as usize) }
    }
}

impl<T> std::ops::DerefMut for LocalVec<T> {
    #[inline(always)]
    fn deref_mut(&mut self) -> &mut [T] {
        // SAFETY: the first len elements are initialised, and `&mut self` is unique.
        unsafe { std::slice::from_raw_parts_mut(self.buf(), self.len as usize) }
    }
}

impl<'a, T> IntoIterator for &'a LocalVec<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<'a, T> IntoIterator for &'a mut LocalVec<T> {
    type Item = &'a mut T;
    type IntoIter = std::slice::IterMut<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter_mut()
    }
}
