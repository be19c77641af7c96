//! The `Object` trait: built-in object kinds without a dedicated `Value` variant
//! (property, module, frame views, futures, streams...). Each says what class it is and
//! may answer attribute lookups, `repr` and iteration natively.

use super::class::Class;
use super::gc_refs::Visit;
use super::str::PyStr;
use super::value::Value;
use super::Runtime;
use std::any::Any;
use std::rc::Rc;

/// A built-in object kind.
pub trait Object: Any {
    /// The object's class (what `type()` returns).
    fn class(&self, rt: &Runtime) -> Rc<Class>;

    /// For downcasting to the concrete type.
    fn as_any(&self) -> &dyn Any;

    /// An attribute stored on the object itself (not found on its class), if any.
    /// `Some(Err(..))` is not used: errors come from the generic lookup.
    /// A name the object's class has a method for must be answered by every object of
    /// the class or by none: a method call site that found the class's method once
    /// (this answered `None`) calls it for any object of the class without asking.
    fn get_attr(&self, _rt: &mut Runtime, _name: &PyStr, _this: &Value) -> Option<Value> {
        None
    }

    /// Set an attribute on the object. Returns false when the object has no such
    /// settable attribute (the caller raises `AttributeError`).
    fn set_attr(&self, _rt: &mut Runtime, _name: &PyStr, _value: Value) -> bool {
        false
    }

    /// `repr()` text, when the object has its own (otherwise the default
    /// `<NAME object at 0x...>` is used).
    fn repr(&self, _rt: &mut Runtime, _this: &Value) -> Option<String> {
        None
    }

    /// `str()` text, when it differs from the `repr`.
    fn str(&self, _rt: &mut Runtime, _this: &Value) -> Option<String> {
        None
    }

    /// `iter()` of the object, if it is iterable natively.
    fn iter(&self, _rt: &mut Runtime, _this: &Value) -> Option<crate::ops::PyResult<Value>> {
        None
    }

    /// `next()` of the object, if it is an iterator implemented natively; `Ok(None)`
    /// when exhausted.
    fn next(&self, _rt: &mut Runtime, _this: &Value) -> Option<crate::ops::PyResult<Option<Value>>> {
        None
    }

    /// `item in obj`, if the object answers membership natively.
    fn contains(&self, _rt: &mut Runtime, _this: &Value, _item: &Value) -> Option<crate::ops::PyResult<bool>> {
        None
    }

    /// `obj[key]`, if the object is subscriptable natively.
    fn getitem(&self, _rt: &mut Runtime, _this: &Value, _key: &Value) -> Option<crate::ops::PyResult<Value>> {
        None
    }

    /// `len()` of the object, if it has one natively.
    fn len(&self) -> Option<usize> {
        None
    }

    /// Names for `dir()` beyond the class's.
    fn dir(&self) -> Vec<&'static str> {
        Vec::new()
    }

    /// For the cycle collector (objects registered with `gc::track_obj`): report every
    /// strong reference the object holds to another object, each as often as it is
    /// held (reporting one it does not hold would let the collector clear live
    /// objects). Returns false when a borrow in progress hid some (the object then
    /// counts as reachable). The default holds nothing.
    fn traverse(&self, _visit: &mut Visit<'_>) -> bool {
        true
    }

    /// For the cycle collector: the object is unreachable garbage; drop the references
    /// it holds, taking them out of any `RefCell` first and dropping them after the
    /// borrow ended. The default does nothing, which is right for objects that cannot
    /// change what they refer to after they are made (a cycle through them also goes
    /// through a container that can, and that one is cleared).
    fn clear_refs(&self) {}
}

/// Downcast an object value to a concrete type.
pub fn downcast<T: 'static>(v: &Value) -> Option<&T> {
    match v {
        Value::Obj(o) => o.as_any().downcast_ref::<T>(),
        _ => None,
    }
}
