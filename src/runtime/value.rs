//! `Value`: what every Coro expression evaluates to.
//!
//! Small values (`None`, bools, 64-bit ints, floats) live unboxed in the enum; everything
//! else is a reference-counted object, so cloning a value is a tag copy or an `Rc`
//! increment. Objects die when their last reference goes, as in CPython.

use super::class::{Class, Instance};
use super::dict::Dict;
use super::function::{BoundMethod, Function, NativeFn};
use super::generator::Generator;
use super::iter::IterObj;
use super::list::List;
use super::objref::ObjRef;
use super::range::{RangeObj, SliceObj};
use super::set::SetObj;
use super::str::PyStr;
use super::tuple::Tuple;
use super::bytes::PyBytes;
use num_bigint::BigInt;
use std::rc::Rc;

/// A Coro value.
pub enum Value {
    /// `None`.
    None,
    /// `True` / `False`.
    Bool(bool),
    /// An int that fits in 64 bits (always used when it fits).
    Int(i64),
    /// A float.
    Float(f64),
    /// An int that does not fit in 64 bits.
    BigInt(Rc<BigInt>),
    /// A `str`.
    Str(Rc<PyStr>),
    /// A `bytes`.
    Bytes(Rc<PyBytes>),
    /// A `tuple`.
    Tuple(Rc<Tuple>),
    /// A `list`.
    List(Rc<List>),
    /// A `dict`.
    Dict(Rc<Dict>),
    /// A `set` or `frozenset`.
    Set(Rc<SetObj>),
    /// A `range`.
    Range(Rc<RangeObj>),
    /// A `slice`.
    Slice(Rc<SliceObj>),
    /// A function defined in Coro code.
    Func(Rc<Function>),
    /// A built-in function (possibly bound to a receiver).
    Native(Rc<NativeFn>),
    /// A bound method: a callable with its receiver.
    Method(Rc<BoundMethod>),
    /// A class (user-defined or built-in type).
    Class(Rc<Class>),
    /// An instance of a user-defined class (including exceptions).
    Inst(Rc<Instance>),
    /// A generator, coroutine or async generator.
    Gen(Rc<Generator>),
    /// A built-in iterator over a container or range.
    Iter(Rc<IterObj>),
    /// Any other built-in object (property, module, future, ...).
    Obj(ObjRef),
    /// `NotImplemented`.
    NotImplemented,
    /// `...`.
    Ellipsis,
}

impl Clone for Value {
    /// Unboxed values are copied inline; the reference-counted ones take an
    /// out-of-line increment.
    #[inline(always)]
    fn clone(&self) -> Value {
        match self {
            Value::None | Value::Bool(_) | Value::Int(_) | Value::Float(_) | Value::NotImplemented | Value::Ellipsis => {
                // SAFETY: these variants hold only `Copy` data, so a bitwise copy is a
                // clone (nothing is shared or counted).
                unsafe { std::ptr::read(self) }
            }
            _ => self.clone_counted(),
        }
    }
}

impl Value {
    /// Clone a reference-counted value (an `Rc` increment).
    #[inline(never)]
    fn clone_counted(&self) -> Value {
        match self {
            Value::None => Value::None,
            Value::Bool(b) => Value::Bool(*b),
            Value::Int(i) => Value::Int(*i),
            Value::Float(x) => Value::Float(*x),
            Value::BigInt(r) => Value::BigInt(r.clone()),
            Value::Str(r) => Value::Str(r.clone()),
            Value::Bytes(r) => Value::Bytes(r.clone()),
            Value::Tuple(r) => Value::Tuple(r.clone()),
            Value::List(r) => Value::List(r.clone()),
            Value::Dict(r) => Value::Dict(r.clone()),
            Value::Set(r) => Value::Set(r.clone()),
            Value::Range(r) => Value::Range(r.clone()),
            Value::Slice(r) => Value::Slice(r.clone()),
            Value::Func(r) => Value::Func(r.clone()),
            Value::Native(r) => Value::Native(r.clone()),
            Value::Method(r) => Value::Method(r.clone()),
            Value::Class(r) => Value::Class(r.clone()),
            Value::Inst(r) => Value::Inst(r.clone()),
            Value::Gen(r) => Value::Gen(r.clone()),
            Value::Iter(r) => Value::Iter(r.clone()),
            Value::Obj(r) => Value::Obj(r.clone()),
            Value::NotImplemented => Value::NotImplemented,
            Value::Ellipsis => Value::Ellipsis,
        }
    }

    /// Whether dropping this value (this reference) frees nothing that holds other
    /// objects: a number, a string or bytes, a range, a singleton, or a shared object
    /// (another reference keeps it alive, so dropping only decrements its count). Such
    /// a drop cannot run a finalizer or recurse into other objects' drops.
    #[inline]
    pub fn drop_is_shallow(&self) -> bool {
        match self {
            Value::None | Value::Bool(_) | Value::Int(_) | Value::Float(_) | Value::NotImplemented | Value::Ellipsis => true,
            Value::BigInt(_) | Value::Str(_) | Value::Bytes(_) | Value::Range(_) => true,
            Value::Tuple(r) => Rc::strong_count(r) > 1,
            Value::List(r) => Rc::strong_count(r) > 1,
            Value::Dict(r) => Rc::strong_count(r) > 1,
            Value::Set(r) => Rc::strong_count(r) > 1,
            Value::Slice(r) => Rc::strong_count(r) > 1,
            Value::Func(r) => Rc::strong_count(r) > 1,
            Value::Native(r) => Rc::strong_count(r) > 1,
            Value::Method(r) => Rc::strong_count(r) > 1,
            Value::Class(r) => Rc::strong_count(r) > 1,
            Value::Inst(r) => Rc::strong_count(r) > 1,
            Value::Gen(r) => Rc::strong_count(r) > 1,
            Value::Iter(r) => Rc::strong_count(r) > 1,
            Value::Obj(r) => r.strong_count() > 1,
        }
    }

    /// A `str` value from Rust text.
    pub fn str(s: &str) -> Value {
        Value::Str(Rc::new(PyStr::new(s)))
    }

    /// A `str` value from an owned string.
    pub fn string(s: String) -> Value {
        Value::Str(Rc::new(PyStr::from(s)))
    }

    /// A `tuple` value.
    pub fn tuple(items: Vec<Value>) -> Value {
        let t = Rc::new(Tuple::new(items));
        super::gc::track_tuple(&t);
        Value::Tuple(t)
    }

    /// A `list` value.
    pub fn list(items: Vec<Value>) -> Value {
        let l = Rc::new(List::new(items));
        super::gc::track_list(&l);
        Value::List(l)
    }

    /// An int value from a big integer, normalised to `Int` when it fits.
    pub fn from_bigint(b: BigInt) -> Value {
        use num_traits::ToPrimitive;
        match b.to_i64() {
            Some(i) => Value::Int(i),
            None => Value::BigInt(Rc::new(b)),
        }
    }

    /// Whether this is `None`.
    #[inline]
    pub fn is_none(&self) -> bool {
        matches!(self, Value::None)
    }

    /// Identity comparison (`is`).
    pub fn is(&self, other: &Value) -> bool {
        use Value::*;
        match (self, other) {
            (None, None) | (NotImplemented, NotImplemented) | (Ellipsis, Ellipsis) => true,
            (Bool(a), Bool(b)) => a == b,
            // Small ints are cached in CPython; equal ints compare identical here.
            (Int(a), Int(b)) => a == b,
            (Float(a), Float(b)) => a.to_bits() == b.to_bits(),
            (BigInt(a), BigInt(b)) => Rc::ptr_eq(a, b),
            (Str(a), Str(b)) => Rc::ptr_eq(a, b) || (a.len() <= 1 && a.as_str() == b.as_str()),
            (Bytes(a), Bytes(b)) => Rc::ptr_eq(a, b),
            (Tuple(a), Tuple(b)) => Rc::ptr_eq(a, b) || (a.is_empty() && b.is_empty()),
            (List(a), List(b)) => Rc::ptr_eq(a, b),
            (Dict(a), Dict(b)) => Rc::ptr_eq(a, b),
            (Set(a), Set(b)) => Rc::ptr_eq(a, b),
            (Range(a), Range(b)) => Rc::ptr_eq(a, b),
            (Slice(a), Slice(b)) => Rc::ptr_eq(a, b),
            (Func(a), Func(b)) => Rc::ptr_eq(a, b),
            (Native(a), Native(b)) => Rc::ptr_eq(a, b),
            (Method(a), Method(b)) => Rc::ptr_eq(a, b),
            (Class(a), Class(b)) => Rc::ptr_eq(a, b),
            (Inst(a), Inst(b)) => Rc::ptr_eq(a, b),
            (Gen(a), Gen(b)) => Rc::ptr_eq(a, b),
            (Iter(a), Iter(b)) => Rc::ptr_eq(a, b),
            (Obj(a), Obj(b)) => ObjRef::ptr_eq(a, b),
            _ => false,
        }
    }

    /// A stable address-like number for `id()` and default reprs.
    pub fn id(&self) -> usize {
        use Value::*;
        fn p<T: ?Sized>(r: &Rc<T>) -> usize {
            Rc::as_ptr(r) as *const u8 as usize
        }
        match self {
            None => 0x7f00_0000_1000,
            Bool(b) => 0x7f00_0000_2000 + *b as usize * 32,
            NotImplemented => 0x7f00_0000_3000,
            Ellipsis => 0x7f00_0000_4000,
            Int(i) => 0x7e00_0000_0000usize.wrapping_add((*i as usize).wrapping_mul(32)),
            Float(f) => 0x7d00_0000_0000usize ^ (f.to_bits() as usize),
            BigInt(r) => p(r),
            Str(r) => p(r),
            Bytes(r) => p(r),
            Tuple(r) => p(r),
            List(r) => p(r),
            Dict(r) => p(r),
            Set(r) => p(r),
            Range(r) => p(r),
            Slice(r) => p(r),
            Func(r) => p(r),
            Native(r) => p(r),
            Method(r) => p(r),
            Class(r) => p(r),
            Inst(r) => p(r),
            Gen(r) => p(r),
            Iter(r) => p(r),
            Obj(r) => r.as_ptr() as usize,
        }
    }

    /// The `str` inside, if this is a string.
    #[inline]
    pub fn as_pystr(&self) -> Option<&Rc<PyStr>> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The class instance inside, if this is one.
    pub fn as_inst(&self) -> Option<&Rc<Instance>> {
        match self {
            Value::Inst(i) => Some(i),
            _ => None,
        }
    }
}

// Every payload is one word or less (the object handle is 12 bytes packed after the
// tag), so a value is two words; `Option<Value>` uses a spare tag.
const _: () = assert!(std::mem::size_of::<Value>() == 16);
const _: () = assert!(std::mem::size_of::<Option<Value>>() == 16);

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Value {
        Value::Int(i)
    }
}

impl From<usize> for Value {
    fn from(i: usize) -> Value {
        Value::Int(i as i64)
    }
}

impl From<f64> for Value {
    fn from(f: f64) -> Value {
        Value::Float(f)
    }
}

impl From<Rc<PyStr>> for Value {
    fn from(s: Rc<PyStr>) -> Value {
        Value::Str(s)
    }
}
