//! `ObjRef`: the 12-byte handle behind `Value::Obj`, so that `Value` is 16 bytes.
//!
//! An `Rc<dyn Object>` is a fat pointer (data pointer plus vtable pointer, 16 bytes),
//! which made `Value` 24 bytes: every local, stack slot and container element paid
//! 8 bytes for the one variant that needs a vtable. `ObjRef` keeps the same object in
//! the same `Rc` allocation (so a typed `Rc<Fut>` held elsewhere and the value share
//! one count), but stores the vtable pointer as a 32-bit offset from an anchor in
//! this binary: vtables are static data of the one executable image, a few MB apart,
//! so the offset always fits (checked when a handle is made). The struct is packed to
//! 4-byte alignment, 12 bytes, and sits in `Value` right after its tag.

use super::object::Object;
use std::rc::Rc;

/// A point in this binary's static data that vtable offsets are measured from.
static ANCHOR: u8 = 0;

/// A counted reference to a built-in object (`Rc<dyn Object>` in 12 bytes).
#[repr(C, packed(4))]
pub struct ObjRef {
    /// The vtable's address minus `ANCHOR`'s.
    vt: i32,
    /// What `Rc::into_raw` gave: the object inside its `Rc` allocation.
    ptr: std::ptr::NonNull<u8>,
}

#[inline(always)]
fn anchor() -> isize {
    &ANCHOR as *const u8 as isize
}

impl ObjRef {
    /// A new object in its own `Rc`.
    #[inline]
    pub fn new<T: Object>(x: T) -> ObjRef {
        ObjRef::from_rc(Rc::new(x))
    }

    /// A handle for an existing typed `Rc` (the count is taken over, not copied).
    #[inline]
    pub fn from_rc<T: Object>(r: Rc<T>) -> ObjRef {
        // The collector reads the weak count just before an object (gc.rs, `Marks`),
        // which holds for alignments up to 16.
        const { assert!(std::mem::align_of::<T>() <= 16) };
        let r: Rc<dyn Object> = r;
        ObjRef::from_dyn(r)
    }

    /// A handle for an `Rc<dyn Object>` (the count is taken over, not copied).
    #[inline]
    pub fn from_dyn(r: Rc<dyn Object>) -> ObjRef {
        let fat: *const dyn Object = Rc::into_raw(r);
        // SAFETY: a `*const dyn Trait` is a (data pointer, vtable pointer) pair (not
        // guaranteed by the language, so the data half is checked against the thin
        // cast below, and the unit test round-trips calls through the vtable).
        let [data, vt]: [usize; 2] = unsafe { std::mem::transmute(fat) };
        assert_eq!(data, fat as *const u8 as usize, "fat pointer layout is not (data, vtable)");
        let off = vt as isize - anchor();
        let vt = i32::try_from(off).expect("vtable outside the binary's static data");
        // SAFETY: `Rc::into_raw` never gives null.
        ObjRef { vt, ptr: unsafe { std::ptr::NonNull::new_unchecked(data as *mut u8) } }
    }

    /// The fat pointer this handle stands for.
    #[inline(always)]
    fn fat(&self) -> *const dyn Object {
        let data = self.ptr.as_ptr() as usize;
        let vt = (anchor() + self.vt as isize) as usize;
        // SAFETY: the inverse of the split in `from_dyn`.
        unsafe { std::mem::transmute::<[usize; 2], *const dyn Object>([data, vt]) }
    }

    /// A counted `Rc<dyn Object>` for the same object.
    #[inline]
    pub fn to_rc(&self) -> Rc<dyn Object> {
        let p = self.fat();
        // SAFETY: `p` came from `Rc::into_raw` and this handle holds one count.
        unsafe {
            Rc::increment_strong_count(p);
            Rc::from_raw(p)
        }
    }

    /// A weak reference to the object.
    #[inline]
    pub fn downgrade(&self) -> std::rc::Weak<dyn Object> {
        // SAFETY: borrows the count this handle holds without giving it back.
        let rc = std::mem::ManuallyDrop::new(unsafe { Rc::from_raw(self.fat()) });
        Rc::downgrade(&rc)
    }

    /// The number of strong references to the object.
    #[inline]
    pub fn strong_count(&self) -> usize {
        // SAFETY: as in `downgrade`.
        let rc = std::mem::ManuallyDrop::new(unsafe { Rc::from_raw(self.fat()) });
        Rc::strong_count(&rc)
    }

    /// The object's address (identity).
    #[inline(always)]
    pub fn as_ptr(&self) -> *const u8 {
        self.ptr.as_ptr()
    }

    /// Whether two handles refer to the same object.
    #[inline]
    pub fn ptr_eq(a: &ObjRef, b: &ObjRef) -> bool {
        a.as_ptr() == b.as_ptr()
    }

    /// A typed counted reference, if the object is a `T`.
    pub fn downcast_rc<T: Object>(&self) -> Option<Rc<T>> {
        if !self.as_any().is::<T>() {
            return None;
        }
        let p = self.as_ptr() as *const T;
        // SAFETY: the object is a `T` living in an `Rc<T>` allocation (made by
        // `from_rc::<T>`), and this handle holds one count.
        unsafe {
            Rc::increment_strong_count(p);
            Some(Rc::from_raw(p))
        }
    }
}

/// A weak reference to a built-in object in 12 bytes (a `Weak<dyn Object>` with its
/// vtable pointer kept as [`ObjRef`] keeps it), for the cycle collector's registry.
#[repr(C, packed(4))]
pub struct WeakObj {
    /// The vtable's address minus `ANCHOR`'s.
    vt: i32,
    /// What `Weak::into_raw` gave: the object's place in its `Rc` allocation.
    ptr: std::ptr::NonNull<u8>,
}

impl WeakObj {
    /// The 12-byte form of a `Weak` (its count is taken over). The `Weak` must come from
    /// an `Rc` (not `Weak::new()`).
    #[inline]
    pub fn new(w: std::rc::Weak<dyn Object>) -> WeakObj {
        let fat: *const dyn Object = std::rc::Weak::into_raw(w);
        // SAFETY: as in `ObjRef::from_dyn` (the layout is checked the same way).
        let [data, vt]: [usize; 2] = unsafe { std::mem::transmute(fat) };
        assert_eq!(data, fat as *const u8 as usize, "fat pointer layout is not (data, vtable)");
        let vt = i32::try_from(vt as isize - anchor()).expect("vtable outside the binary's static data");
        // SAFETY: a `Weak` made from an `Rc` points at its value, never null.
        WeakObj { vt, ptr: unsafe { std::ptr::NonNull::new_unchecked(data as *mut u8) } }
    }

    /// The fat pointer this handle stands for.
    #[inline(always)]
    fn fat(&self) -> *const dyn Object {
        let data = self.ptr.as_ptr() as usize;
        let vt = (anchor() + self.vt as isize) as usize;
        // SAFETY: the inverse of the split in `ObjRef::downgrade_thin`.
        unsafe { std::mem::transmute::<[usize; 2], *const dyn Object>([data, vt]) }
    }

    /// The `Weak` this handle holds, borrowed (not dropped when done).
    #[inline(always)]
    fn weak(&self) -> std::mem::ManuallyDrop<std::rc::Weak<dyn Object>> {
        // SAFETY: `fat()` came from `Weak::into_raw` and this handle holds that weak count.
        std::mem::ManuallyDrop::new(unsafe { std::rc::Weak::from_raw(self.fat()) })
    }

    /// A counted handle, if the object is alive.
    #[inline]
    pub fn upgrade(&self) -> Option<ObjRef> {
        let rc = self.weak().upgrade()?;
        // The same allocation and vtable: no layout check needed again.
        let ptr = self.ptr;
        std::mem::forget(rc);
        Some(ObjRef { vt: self.vt, ptr })
    }

    /// The number of strong references to the object (0 once it is dropped).
    #[inline]
    pub fn strong_count(&self) -> usize {
        self.weak().strong_count()
    }
}

impl Drop for WeakObj {
    #[inline]
    fn drop(&mut self) {
        // SAFETY: gives back the weak count this handle held.
        unsafe { drop(std::rc::Weak::from_raw(self.fat())) }
    }
}

impl ObjRef {
    /// A 12-byte weak reference to the object.
    #[inline]
    pub fn downgrade_thin(&self) -> WeakObj {
        WeakObj::new(self.downgrade())
    }
}

impl std::ops::Deref for ObjRef {
    type Target = dyn Object;
    #[inline(always)]
    fn deref(&self) -> &dyn Object {
        // SAFETY: the handle keeps the object alive.
        unsafe { &*self.fat() }
    }
}

impl Clone for ObjRef {
    #[inline]
    fn clone(&self) -> ObjRef {
        // SAFETY: `fat()` came from `Rc::into_raw` and the handle holds one count.
        unsafe { Rc::increment_strong_count(self.fat()) };
        ObjRef { vt: self.vt, ptr: self.ptr }
    }
}

impl Drop for ObjRef {
    #[inline]
    fn drop(&mut self) {
        // SAFETY: gives back the count this handle held.
        unsafe { drop(Rc::from_raw(self.fat())) }
    }
}

impl<T: Object> From<Rc<T>> for ObjRef {
    #[inline]
    fn from(r: Rc<T>) -> ObjRef {
        ObjRef::from_rc(r)
    }
}

const _: () = assert!(std::mem::size_of::<ObjRef>() == 12);
const _: () = assert!(std::mem::size_of::<WeakObj>() == 12);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::class::Class;
    use crate::runtime::Runtime;
    use std::any::Any;

    /// A test object with a method of its own (`len`) and one of the defaults.
    struct Probe(usize, std::cell::Cell<bool>);

    impl Object for Probe {
        fn class(&self, _rt: &Runtime) -> Rc<Class> {
            unreachable!("not called")
        }
        fn as_any(&self) -> &dyn Any {
            self
        }
        fn len(&self) -> Option<usize> {
            self.1.set(true);
            Some(self.0)
        }
    }

    impl Drop for Probe {
        fn drop(&mut self) {
            DROPS.with(|d| d.set(d.get() + 1));
        }
    }

    thread_local! {
        static DROPS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    }

    #[test]
    fn round_trips_through_the_handle() {
        let typed = Rc::new(Probe(7, std::cell::Cell::new(false)));
        let h = ObjRef::from_rc(typed.clone());
        assert_eq!(Rc::strong_count(&typed), 2);
        assert_eq!(h.strong_count(), 2);
        // Calls through the vtable reach the object's own method and the default.
        assert_eq!(h.len(), Some(7));
        assert!(typed.1.get());
        assert!(h.dir().is_empty());
        assert_eq!(h.as_ptr(), Rc::as_ptr(&typed) as *const u8);
        // Clone and drop move the shared count.
        let h2 = h.clone();
        assert!(ObjRef::ptr_eq(&h, &h2));
        assert_eq!(Rc::strong_count(&typed), 3);
        drop(h2);
        assert_eq!(Rc::strong_count(&typed), 2);
        // Typed and dynamic views of the same allocation.
        let back: Rc<Probe> = h.downcast_rc::<Probe>().expect("a Probe");
        assert!(Rc::ptr_eq(&back, &typed));
        assert_eq!(Rc::strong_count(&typed), 3);
        drop(back);
        let d: Rc<dyn Object> = h.to_rc();
        assert_eq!(Rc::strong_count(&typed), 3);
        let h3 = ObjRef::from_dyn(d);
        assert_eq!(h3.len(), Some(7));
        assert_eq!(Rc::strong_count(&typed), 3);
        let w = h3.downgrade();
        assert_eq!(w.strong_count(), 3);
        drop(h3);
        drop(h);
        assert_eq!(Rc::strong_count(&typed), 1);
        assert_eq!(DROPS.with(|d| d.get()), 0);
        drop(typed);
        assert_eq!(DROPS.with(|d| d.get()), 1);
        assert!(w.upgrade().is_none());
        // A handle made from a value owns it alone.
        let h = ObjRef::new(Probe(3, std::cell::Cell::new(false)));
        assert_eq!(h.len(), Some(3));
        assert!(h.downcast_rc::<Probe>().is_some());
        drop(h);
        assert_eq!(DROPS.with(|d| d.get()), 2);
    }
}
