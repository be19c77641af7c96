//! The collector's registry entries (`gc.rs`): each registered object as one tagged
//! word, a `Weak` (while registered) or an `Rc` (held during a collection) with the
//! object's kind in the top byte, and `Obj`, a held object as a typed enum.

use super::class::{Class, Instance};
use super::dict::Dict;
use super::function::{BoundMethod, CellObj, Function, NativeFn};
use super::generator::Generator;
use super::iter::IterObj;
use super::list::List;
use super::objref::{ObjRef, WeakObj};
use super::set::SetObj;
use super::tuple::Tuple;
use std::rc::{Rc, Weak};

/// The kinds of registered objects with a typed `Rc` (built-in objects of the
/// `Object` trait are registered apart, as [`WeakObj`]s: they need their vtable).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(u8)]
pub(super) enum Kind {
    List = 1,
    Dict,
    Tuple,
    Inst,
    Class,
    Func,
    Cell,
    Method,
    Gen,
    Set,
    Native,
    Iter,
}

/// Where an entry keeps its kind: above the address (user-space addresses are below
/// 2^48 on every 64-bit target we run on; checked when an entry is made).
pub(super) const KIND_SHIFT: u32 = 56;
/// The address bits of an entry.
pub(super) const ADDR_MASK: usize = (1 << KIND_SHIFT) - 1;

/// `match` on a [`Kind`] with `$T` the Rust type of its objects (and `$V`, if given,
/// its [`Obj`] variant).
macro_rules! by_kind {
    ($k:expr, |$T:ident| $body:expr) => {
        by_kind!(@arms $k, $T, {}, $body)
    };
    ($k:expr, |$T:ident, $V:ident| $body:expr) => {
        by_kind!(@arms $k, $T, { $V }, $body)
    };
    (@arms $k:expr, $T:ident, { $($V:ident)? }, $body:expr) => {
        match $k {
            Kind::List => { type $T = List; $(use self::Obj::List as $V;)? $body }
            Kind::Dict => { type $T = Dict; $(use self::Obj::Dict as $V;)? $body }
            Kind::Tuple => { type $T = Tuple; $(use self::Obj::Tuple as $V;)? $body }
            Kind::Inst => { type $T = Instance; $(use self::Obj::Inst as $V;)? $body }
            Kind::Class => { type $T = Class; $(use self::Obj::Class as $V;)? $body }
            Kind::Func => { type $T = Function; $(use self::Obj::Func as $V;)? $body }
            Kind::Cell => { type $T = CellObj; $(use self::Obj::Cell as $V;)? $body }
            Kind::Method => { type $T = BoundMethod; $(use self::Obj::Method as $V;)? $body }
            Kind::Gen => { type $T = Generator; $(use self::Obj::Gen as $V;)? $body }
            Kind::Set => { type $T = SetObj; $(use self::Obj::Set as $V;)? $body }
            Kind::Native => { type $T = NativeFn; $(use self::Obj::Native as $V;)? $body }
            Kind::Iter => { type $T = IterObj; $(use self::Obj::Iter as $V;)? $body }
        }
    };
}

/// The Rust types of the typed kinds, with their [`Kind`] (so an entry's tag always
/// matches the type its pointer came from).
pub(super) trait Kinded {
    const KIND: Kind;
}

macro_rules! kinded {
    ($($T:ty => $K:ident),*) => { $(impl Kinded for $T { const KIND: Kind = Kind::$K; })* };
}

kinded!(List => List, Dict => Dict, Tuple => Tuple, Instance => Inst, Class => Class, Function => Func, CellObj => Cell, BoundMethod => Method, Generator => Gen, SetObj => Set, NativeFn => Native, IterObj => Iter);

/// A registered object of a typed kind: what `Weak::into_raw` gave, with its
/// [`Kind`] in the top byte (8 bytes). It owns that weak count.
pub(super) struct Tracked(pub(super) usize);

/// A registered object held strongly during a collection: what `Rc::into_raw` gave,
/// tagged as [`Tracked`] is (8 bytes, so a generation is upgraded in its own buffer).
/// It owns that strong count.
pub(super) struct Held(pub(super) usize);

/// The kind in an entry's word.
#[inline(always)]
pub(super) fn kind_of(w: usize) -> Kind {
    // SAFETY: words are only made by `tag`, whose top byte is a `Kind`'s value.
    unsafe { std::mem::transmute::<u8, Kind>((w >> KIND_SHIFT) as u8) }
}

/// An address tagged with its kind.
#[inline(always)]
pub(super) fn tag(k: Kind, p: usize) -> usize {
    assert!(p & !ADDR_MASK == 0, "address above 2^56: cannot tag a collector entry");
    p | (k as usize) << KIND_SHIFT
}

#[inline]
pub(super) fn addr<T: ?Sized>(r: &Rc<T>) -> usize {
    Rc::as_ptr(r) as *const u8 as usize
}

impl Tracked {
    /// The entry for a weak reference (its count is taken over).
    #[inline(always)]
    pub(super) fn new<T: Kinded>(w: Weak<T>) -> Tracked {
        Tracked(tag(T::KIND, Weak::into_raw(w) as usize))
    }

    /// The object, held strongly, if it is alive (the entry is consumed).
    #[inline]
    pub(super) fn upgrade(self) -> Option<Held> {
        let t = std::mem::ManuallyDrop::new(self);
        let (k, p) = (kind_of(t.0), t.0 & ADDR_MASK);
        // SAFETY: `p` came from `Weak::<T>::into_raw` for this kind's `T` and the entry
        // owned that weak count, which `from_raw` takes back (the entry is not dropped).
        by_kind!(k, |T| {
            let w = unsafe { Weak::from_raw(p as *const T) };
            w.upgrade().map(Held::new::<T>)
        })
    }

    /// Whether the object is alive.
    #[inline]
    pub(super) fn alive(&self) -> bool {
        let (k, p) = (kind_of(self.0), self.0 & ADDR_MASK);
        // SAFETY: as in `upgrade`; the `Weak` is borrowed, not dropped.
        by_kind!(k, |T| std::mem::ManuallyDrop::new(unsafe { Weak::from_raw(p as *const T) }).strong_count() > 0)
    }
}

impl Drop for Tracked {
    fn drop(&mut self) {
        let (k, p) = (kind_of(self.0), self.0 & ADDR_MASK);
        // SAFETY: gives back the weak count this entry owns (as in `upgrade`).
        by_kind!(k, |T| drop(unsafe { Weak::from_raw(p as *const T) }))
    }
}

impl Held {
    /// A strong reference held for a collection (its count is taken over).
    #[inline(always)]
    pub(super) fn new<T: Kinded>(r: Rc<T>) -> Held {
        Held(tag(T::KIND, Rc::into_raw(r) as usize))
    }

    /// The object as an [`Obj`] that does not own a count (never drop it: the
    /// `ManuallyDrop` keeps it so).
    #[inline]
    pub(super) fn view(&self) -> std::mem::ManuallyDrop<Obj> {
        let (k, p) = (kind_of(self.0), self.0 & ADDR_MASK);
        // SAFETY: `p` came from `Rc::<T>::into_raw` for this kind's `T` and this
        // `Held` owns that count for as long as the view (borrowing it) lives; the
        // view is never dropped, so the count is not given back twice.
        by_kind!(k, |T, V| std::mem::ManuallyDrop::new(V(unsafe { Rc::from_raw(p as *const T) })))
    }

    /// The object as an owned [`Obj`] (the count moves to it).
    #[inline]
    pub(super) fn into_obj(self) -> Obj {
        let h = std::mem::ManuallyDrop::new(self);
        std::mem::ManuallyDrop::into_inner(h.view())
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        // SAFETY: the count this `Held` owns goes to the view, dropped once here.
        drop(std::mem::ManuallyDrop::into_inner(self.view()));
    }
}

/// A registered object held strongly during a collection.
pub(super) enum Obj {
    List(Rc<List>),
    Dict(Rc<Dict>),
    Tuple(Rc<Tuple>),
    Inst(Rc<Instance>),
    Class(Rc<Class>),
    Func(Rc<Function>),
    Cell(Rc<CellObj>),
    Method(Rc<BoundMethod>),
    Gen(Rc<Generator>),
    Set(Rc<SetObj>),
    Native(Rc<NativeFn>),
    Iter(Rc<IterObj>),
    Obj(ObjRef),
}

/// A registry entry of either form.
pub(super) enum Entry {
    Typed(Tracked),
    Dyn(WeakObj),
}

impl Obj {
    /// The kind of a typed object (`None` for a built-in object of the `Object` trait).
    #[inline]
    pub(super) fn kind(&self) -> Option<Kind> {
        Some(match self {
            Obj::List(_) => Kind::List,
            Obj::Dict(_) => Kind::Dict,
            Obj::Tuple(_) => Kind::Tuple,
            Obj::Inst(_) => Kind::Inst,
            Obj::Class(_) => Kind::Class,
            Obj::Func(_) => Kind::Func,
            Obj::Cell(_) => Kind::Cell,
            Obj::Method(_) => Kind::Method,
            Obj::Gen(_) => Kind::Gen,
            Obj::Set(_) => Kind::Set,
            Obj::Native(_) => Kind::Native,
            Obj::Iter(_) => Kind::Iter,
            Obj::Obj(_) => return None,
        })
    }

    pub(super) fn addr(&self) -> usize {
        match self {
            Obj::List(r) => addr(r),
            Obj::Dict(r) => addr(r),
            Obj::Tuple(r) => addr(r),
            Obj::Inst(r) => addr(r),
            Obj::Class(r) => addr(r),
            Obj::Func(r) => addr(r),
            Obj::Cell(r) => addr(r),
            Obj::Method(r) => addr(r),
            Obj::Gen(r) => addr(r),
            Obj::Set(r) => addr(r),
            Obj::Native(r) => addr(r),
            Obj::Iter(r) => addr(r),
            Obj::Obj(r) => r.as_ptr() as usize,
        }
    }

    /// The object's address and what its `Rc` allocation's weak-count word holds
    /// (`Rc::weak_count` plus the one weak count all strong references share).
    pub(super) fn weak_word(&self) -> (usize, usize) {
        let w = match self {
            Obj::List(r) => Rc::weak_count(r),
            Obj::Dict(r) => Rc::weak_count(r),
            Obj::Tuple(r) => Rc::weak_count(r),
            Obj::Inst(r) => Rc::weak_count(r),
            Obj::Class(r) => Rc::weak_count(r),
            Obj::Func(r) => Rc::weak_count(r),
            Obj::Cell(r) => Rc::weak_count(r),
            Obj::Method(r) => Rc::weak_count(r),
            Obj::Gen(r) => Rc::weak_count(r),
            Obj::Set(r) => Rc::weak_count(r),
            Obj::Native(r) => Rc::weak_count(r),
            Obj::Iter(r) => Rc::weak_count(r),
            Obj::Obj(r) => Rc::weak_count(&r.to_rc()),
        };
        (self.addr(), w + 1)
    }

    /// References held by the collector's own `Rc` excluded.
    pub(super) fn strong(&self) -> usize {
        match self {
            Obj::List(r) => Rc::strong_count(r),
            Obj::Dict(r) => Rc::strong_count(r),
            Obj::Tuple(r) => Rc::strong_count(r),
            Obj::Inst(r) => Rc::strong_count(r),
            Obj::Class(r) => Rc::strong_count(r),
            Obj::Func(r) => Rc::strong_count(r),
            Obj::Cell(r) => Rc::strong_count(r),
            Obj::Method(r) => Rc::strong_count(r),
            Obj::Gen(r) => Rc::strong_count(r),
            Obj::Set(r) => Rc::strong_count(r),
            Obj::Native(r) => Rc::strong_count(r),
            Obj::Iter(r) => Rc::strong_count(r),
            Obj::Obj(r) => r.strong_count(),
        }
        .saturating_sub(1)
    }

    /// A registry entry for the object.
    pub(super) fn downgrade(&self) -> Entry {
        match self {
            Obj::Obj(r) => Entry::Dyn(r.downgrade_thin()),
            _ => {
                let k = self.kind().expect("a typed object");
                by_kind!(k, |T| {
                    let p = self.addr() as *const T;
                    // SAFETY: `p` is the value of the `Rc<T>` this `Obj` holds; the
                    // copy borrows its count for the downgrade only (never dropped).
                    let r = std::mem::ManuallyDrop::new(unsafe { Rc::from_raw(p) });
                    Entry::Typed(Tracked::new::<T>(Rc::downgrade(&r)))
                })
            }
        }
    }
}
