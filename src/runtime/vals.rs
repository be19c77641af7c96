//! A split instance's attribute values (`super::layout`): a vector whose first
//! [`INLINE`] values live inside the instance itself, so a small instance is one
//! allocation (its `Rc`) rather than two, and dropping it frees no second block. Past
//! that room the values move to a heap buffer of their own, as a `Vec`'s would.

use super::value::Value;
use std::mem::{ManuallyDrop, MaybeUninit};
use std::ptr::{self, NonNull};

/// Values held inside the instance: most classes' instances set at most this many
/// attributes (two for a point, four for a body of the bench's particle simulation).
pub const INLINE: usize = 4;

/// The buffer: inline room while `Vals::cap` is at most [`INLINE`], else a heap block.
union Buf {
    inline: ManuallyDrop<[MaybeUninit<Value>; INLINE]>,
    heap: NonNull<Value>,
}

/// The values' vector (see the module doc). Derefs to a slice of the values held.
pub struct Vals {
    len: u32,
    /// [`INLINE`] for the inline room, else the heap block's capacity.
    cap: u32,
    buf: Buf,
}

impl Default for Vals {
    #[inline]
    fn default() -> Self {
        Vals::new()
    }
}

impl Vals {
    /// An empty vector using the inline room.
    #[inline(always)]
    pub const fn new() -> Self {
        Vals { len: 0, cap: INLINE as u32, buf: Buf { inline: ManuallyDrop::new([const { MaybeUninit::uninit() }; INLINE]) } }
    }

    /// Whether the values are in a heap block.
    #[inline(always)]
    fn on_heap(&self) -> bool {
        self.cap as usize > INLINE
    }

    #[inline(always)]
    fn ptr(&self) -> *const Value {
        if self.on_heap() {
            // SAFETY: `cap` says the heap variant is in use.
            unsafe { self.buf.heap.as_ptr() }
        } else {
            // SAFETY: `cap` says the inline variant is in use.
            unsafe { (*self.buf.inline).as_ptr() as *const Value }
        }
    }

    #[inline(always)]
    fn ptr_mut(&mut self) -> *mut Value {
        if self.on_heap() {
            // SAFETY: as in `ptr`.
            unsafe { self.buf.heap.as_ptr() }
        } else {
            // SAFETY: as in `ptr`.
            unsafe { (*self.buf.inline).as_mut_ptr() as *mut Value }
        }
    }

    /// Append `v`.
    #[inline]
    pub fn push(&mut self, v: Value) {
        if self.len == self.cap {
            self.grow();
        }
        // SAFETY: `len < cap` after `grow`; the slot is uninitialised.
        unsafe { ptr::write(self.ptr_mut().add(self.len as usize), v) };
        self.len += 1;
    }

    /// Move the values to a heap block of twice the room.
    #[inline(never)]
    #[cold]
    fn grow(&mut self) {
        let cap = (self.cap as usize * 2).max(INLINE * 2);
        let layout = std::alloc::Layout::array::<Value>(cap).expect("instance values");
        // SAFETY: the layout is not zero-sized.
        let p = unsafe { std::alloc::alloc(layout) } as *mut Value;
        let Some(p) = NonNull::new(p) else { std::alloc::handle_alloc_error(layout) };
        // SAFETY: both buffers hold at least `len` values and do not overlap; the old
        // one is released after its values moved.
        unsafe {
            ptr::copy_nonoverlapping(self.ptr(), p.as_ptr(), self.len as usize);
            self.free_heap();
        }
        self.buf = Buf { heap: p };
        self.cap = cap as u32;
    }

    /// Release the heap block (its values already moved or dropped).
    ///
    /// # Safety
    /// No value in the block may be used afterwards.
    #[inline]
    unsafe fn free_heap(&mut self) {
        if self.on_heap() {
            let layout = std::alloc::Layout::array::<Value>(self.cap as usize).expect("instance values");
            // SAFETY: the block was allocated with this layout.
            unsafe { std::alloc::dealloc(self.buf.heap.as_ptr() as *mut u8, layout) };
        }
    }

    /// The values moved out into a `Vec`, leaving the vector empty (inline again).
    pub fn take_vec(&mut self) -> Vec<Value> {
        let n = self.len as usize;
        let mut out = Vec::with_capacity(n);
        // SAFETY: the first `len` slots hold values, moved out here exactly once
        // (`len` is reset before the block is released).
        unsafe {
            ptr::copy_nonoverlapping(self.ptr(), out.as_mut_ptr(), n);
            out.set_len(n);
            self.len = 0;
            self.free_heap();
            // (written over, not assigned: the old vector's block is already released)
            ptr::write(self, Vals::new());
        }
        out
    }
}

impl std::ops::Deref for Vals {
    type Target = [Value];
    #[inline(always)]
    fn deref(&self) -> &[Value] {
        // SAFETY: the first `len` slots hold values.
        unsafe { std::slice::from_raw_parts(self.ptr(), self.len as usize) }
    }
}

impl std::ops::DerefMut for Vals {
    #[inline(always)]
    fn deref_mut(&mut self) -> &mut [Value] {
        // SAFETY: as in `deref`.
        unsafe { std::slice::from_raw_parts_mut(self.ptr_mut(), self.len as usize) }
    }
}

impl Drop for Vals {
    #[inline]
    fn drop(&mut self) {
        // SAFETY: the first `len` slots hold values, dropped once; then the block goes.
        unsafe {
            ptr::drop_in_place(&mut **self as *mut [Value]);
            self.free_heap();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Values past the inline room move to the heap and stay in order; taking them
    /// out leaves an empty inline vector; drops run once (the `Rc` counts come back).
    #[test]
    fn grows_past_the_inline_room_and_takes() {
        let s = std::rc::Rc::new(super::super::str::PyStr::new("x"));
        let mut v = Vals::new();
        for i in 0..20 {
            v.push(if i % 2 == 0 { Value::Int(i) } else { Value::Str(s.clone()) });
            assert_eq!(v.len(), i as usize + 1);
        }
        assert!(matches!(v[4], Value::Int(4)) && matches!(v[19], Value::Str(_)));
        assert_eq!(std::rc::Rc::strong_count(&s), 11);
        let out = v.take_vec();
        assert_eq!((out.len(), v.len()), (20, 0));
        drop(out);
        assert_eq!(std::rc::Rc::strong_count(&s), 1);
        v.push(Value::Str(s.clone()));
        v[0] = Value::Int(7);
        assert_eq!(std::rc::Rc::strong_count(&s), 1);
        v.push(Value::Str(s.clone()));
        drop(v);
        assert_eq!(std::rc::Rc::strong_count(&s), 1);
    }
}
