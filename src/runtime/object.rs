//! The `Object` trait: built-in object kinds without a dedicated `Value` variant
//! (property, module, frame views, futures, streams...). Each says what class it is and
//! may answer attribute lookups, `repr` and iteration natively.

use super::class::Class;
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
}

/// Downcast an object value to a concrete type.
pub fn downcast<T: 'static>(v: &Value) -> Option<&T> {
    match v {
        Value::Obj(o) => o.as_any().downcast_ref::<T>(),
        _ => None,
    }
}
