//! Shared-key instance layouts: a class keeps the attribute names its instances set,
//! in the order they were first set (append-only); an instance whose attributes are a
//! prefix of those names holds only their values, by position. Anything else (a name
//! set out of order, a deletion, `__dict__`, `__class__` assignment, too many names)
//! moves the instance to a dict of its own for good, as CPython's split tables do.

use super::class::Instance;
use super::dict::{Dict, DictTable};
use super::str::PyStr;
use super::value::Value;
use std::rc::Rc;

/// The most names a class's shared keys hold; an instance that would need more gets a
/// dict.
const MAX_KEYS: usize = 30;

/// A class's shared attribute names (see the module doc). Names never change position,
/// so a position found for a class stays right for every instance of it that holds
/// that many values.
#[derive(Default)]
pub struct Keys {
    /// The names, in the order instances set them.
    pub names: Vec<Rc<PyStr>>,
    /// One bit (`hash & 63`) per name: a name whose bit is clear is no key (the
    /// method-shadowing test of a method call answers without a scan).
    pub bloom: u64,
}

/// The bit of a hash in [`Keys::bloom`].
#[inline(always)]
pub(super) fn bloom_bit(hash: i64) -> u64 {
    1u64 << (hash as u64 & 63)
}

/// Position of `name` among `names` (interned names match by address).
#[inline]
fn key_pos(names: &[Rc<PyStr>], name: &PyStr) -> Option<usize> {
    if let Some(i) = names.iter().position(|k| std::ptr::eq(&**k, name)) {
        return Some(i);
    }
    let h = name.hash();
    names.iter().position(|k| k.hash() == h && k.as_str() == name.as_str())
}

/// A site position ([`super::class::InstAttrSite`]) that is an entry position in an
/// instance's own dict rather than a key position of its class.
pub const DICT_POS: u32 = 1 << 31;

impl Instance {
    /// Whether the instance holds its attributes by its class's keys (no dict yet).
    #[inline]
    pub fn is_split(&self) -> bool {
        self.shared.get().is_none()
    }

    /// The instance's dict, made from its values the first time (the instance keeps it
    /// from then on).
    pub fn materialize(&self) -> &Rc<Dict> {
        if let Some(d) = self.shared.get() {
            return d;
        }
        let vals = self.vals.borrow_mut().take_vec();
        let mut t = DictTable::with_capacity(vals.len());
        {
            let cls = self.class.borrow();
            let keys = cls.attr_cache.2.borrow();
            for (k, v) in keys.names.iter().zip(vals) {
                t.push(k.hash(), Value::Str(k.clone()), v);
            }
        }
        self.shared.get_or_init(|| Rc::new(Dict::from_table(t)))
    }

    /// The value of attribute `name` in the instance's namespace.
    #[inline]
    pub fn get_attr(&self, name: &PyStr) -> Option<Value> {
        match self.shared.get() {
            Some(d) => d.get_str(name),
            None => {
                let cls = self.class.borrow();
                let keys = cls.attr_cache.2.borrow();
                let vals = self.vals.borrow();
                let i = key_pos(&keys.names[..vals.len()], name)?;
                Some(vals[i].clone())
            }
        }
    }

    /// The value of `name` with the position a site remembers for it (a key position,
    /// or an entry position with [`DICT_POS`] set).
    pub fn find_attr(&self, name: &PyStr) -> Option<(u32, Value)> {
        match self.shared.get() {
            Some(d) => {
                let t = d.borrow();
                let pos = t.find(name.hash(), |k| matches!(k, Value::Str(s) if std::ptr::eq(&**s, name) || s.as_str() == name.as_str()))?;
                let p = u32::try_from(pos).ok().filter(|p| p & DICT_POS == 0)?;
                Some((p | DICT_POS, t.entry(pos).value.clone()))
            }
            None => {
                let cls = self.class.borrow();
                let keys = cls.attr_cache.2.borrow();
                let vals = self.vals.borrow();
                let i = key_pos(&keys.names[..vals.len()], name)?;
                Some((i as u32, vals[i].clone()))
            }
        }
    }

    /// Whether the namespace has no attribute `name` (the test that a class's method is
    /// not shadowed by an instance attribute).
    #[inline]
    pub fn lacks_attr(&self, name: &PyStr) -> bool {
        match self.shared.get() {
            Some(d) => d.is_empty_or_lacks(name),
            None => {
                let cls = self.class.borrow();
                let keys = cls.attr_cache.2.borrow();
                if keys.bloom & bloom_bit(name.hash()) == 0 {
                    return true;
                }
                let n = self.vals.borrow().len();
                key_pos(&keys.names[..n], name).is_none()
            }
        }
    }

    /// `name = value` in the namespace; returns the replaced value (for the caller to
    /// drop after every borrow here ended).
    pub fn set_attr(&self, name: &Rc<PyStr>, value: Value) -> Option<Value> {
        if self.shared.get().is_none() {
            let cls = self.class.borrow();
            let mut keys = cls.attr_cache.2.borrow_mut();
            let mut vals = self.vals.borrow_mut();
            let n = vals.len();
            if let Some(i) = key_pos(&keys.names[..n], name) {
                return Some(std::mem::replace(&mut vals[i], value));
            }
            if n < keys.names.len() {
                let k = &keys.names[n];
                if Rc::ptr_eq(k, name) || k.as_str() == name.as_str() {
                    vals.push(value);
                    return None;
                }
            } else if n < MAX_KEYS {
                keys.bloom |= bloom_bit(name.hash());
                keys.names.push(name.clone());
                vals.push(value);
                return None;
            }
        }
        // Out of the class's order, or too many names: a dict of its own.
        let d = self.materialize();
        let mut t = d.borrow_mut();
        let h = name.hash();
        match t.find(h, |k| matches!(k, Value::Str(s) if Rc::ptr_eq(s, name) || s.as_str() == name.as_str())) {
            Some(pos) => Some(t.set_value(pos, value)),
            None => {
                t.push(h, Value::Str(name.clone()), value);
                None
            }
        }
    }

    /// The position a site would remember for `name` (see [`Instance::find_attr`]).
    pub fn attr_pos(&self, name: &PyStr) -> Option<u32> {
        match self.shared.get() {
            Some(d) => {
                let t = d.borrow();
                let pos = t.find(name.hash(), |k| matches!(k, Value::Str(s) if std::ptr::eq(&**s, name) || s.as_str() == name.as_str()))?;
                u32::try_from(pos).ok().filter(|p| p & DICT_POS == 0).map(|p| p | DICT_POS)
            }
            None => {
                let cls = self.class.borrow();
                let keys = cls.attr_cache.2.borrow();
                let n = self.vals.borrow().len();
                key_pos(&keys.names[..n], name).map(|i| i as u32)
            }
        }
    }

    /// The values while the instance is split (for the cycle collector, which must not
    /// panic: `None` while they are borrowed to change).
    pub fn try_values(&self) -> Option<std::cell::Ref<'_, [Value]>> {
        self.vals.try_borrow().ok().map(|v| std::cell::Ref::map(v, |v| &**v))
    }

    /// Take the values out (the cycle collector breaking a cycle).
    pub fn take_values(&self) -> Vec<Value> {
        self.vals.try_borrow_mut().map(|mut v| v.take_vec()).unwrap_or_default()
    }
}
