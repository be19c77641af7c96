//! Classes and instances: user classes, built-in types (also `Class` objects, so
//! `type(x)`, `isinstance` and unbound methods work uniformly), and exception data.

use super::dict::Dict;
use super::str::PyStr;
use super::layout::DICT_POS;
use super::value::Value;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// Which built-in type a class is (or derives its instance layout from).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    Object, Type, NoneType, Bool, Int, Float, Str, Bytes, List, Tuple, Dict, Set, FrozenSet,
    Range, Slice, Function, BuiltinFunction, Method, Generator, Coroutine, AsyncGenerator,
    Property, StaticMethod, ClassMethod, Module, NotImplementedType, EllipsisType, Iterator,
    Exception, Other,
}

/// A class: a name, bases, the method resolution order and a namespace.
pub struct Class {
    /// `__name__`.
    pub name: RefCell<Rc<PyStr>>,
    /// `__qualname__`.
    pub qualname: RefCell<Rc<PyStr>>,
    /// `__module__` (`builtins`, `__main__`, `asyncio.exceptions`...).
    pub module: RefCell<Rc<PyStr>>,
    /// Direct bases.
    pub bases: RefCell<Vec<Rc<Class>>>,
    /// The MRO without the class itself.
    pub mro: RefCell<Vec<Rc<Class>>>,
    /// The class namespace.
    pub dict: Rc<Dict>,
    /// The built-in type this class is, or whose instance layout it inherits.
    pub kind: Kind,
    /// Whether this is a built-in type (its namespace cannot be changed).
    pub builtin: bool,
    /// Cached: whether the class or a base defines `__getattr__`.
    pub has_getattr: Cell<bool>,
    /// Cached: whether instances need dunder dispatch for `==`/hash (a user `__eq__`).
    pub has_eq: Cell<bool>,
    /// Cache of attribute lookups through the MRO (see [`AttrCache`]).
    pub attr_cache: AttrCache,
}

/// Counts changes to the keys of any class namespace; every class's [`AttrCache`] is
/// valid only for the epoch it was filled in. (Shared by all threads: a change in one
/// runtime only makes the others' caches miss once.)
static CLASS_EPOCH: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// The current class-namespace epoch.
#[inline]
pub fn class_epoch() -> u64 {
    CLASS_EPOCH.load(std::sync::atomic::Ordering::Relaxed)
}

/// A key was added to or removed from some class namespace: drop every cached lookup.
#[inline]
pub fn bump_class_epoch() {
    CLASS_EPOCH.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
}

/// Number of slots of a class's attribute cache (direct-mapped by name hash).
const CACHE_SLOTS: usize = 128;

/// One cached lookup: where `name` was found (or that it was not).
#[derive(Clone)]
struct CacheSlot {
    /// The name looked up (None: empty slot); it keeps `text` alive.
    name: Option<Rc<PyStr>>,
    /// The address and length of `name`'s text (so a hit compares without looking
    /// inside the `PyStr`).
    text: (*const u8, usize),
    /// `epoch << 1 | user_only`: the class epoch the slot was filled in and whether
    /// built-in classes were skipped (`lookup_special`'s rule); 0 for an empty slot
    /// (epochs start at 1).
    tag: u64,
    /// Index in the full MRO (0: the class itself) of the defining class; u32::MAX: absent.
    at: u32,
    /// Entry position in that class's namespace.
    pos: u32,
}

impl Default for CacheSlot {
    fn default() -> CacheSlot {
        CacheSlot { name: None, text: (std::ptr::null(), 0), tag: 0, at: 0, pos: 0 }
    }
}

/// A per-class cache of MRO lookups. It stores positions, not values, so assigning a
/// new value to an existing class attribute needs no invalidation; adding or removing
/// a key in any class namespace bumps the global epoch and empties every cache.
/// Also: the class's id, the shared attribute names of its instances
/// ([`super::layout::Keys`]), and where the class's `__init__` is for
/// [`Class::plain_init`] (epoch, MRO index, position), and where the class's forward
/// binary dunders last asked for are ([`Class::binary_dunder`]).
pub struct AttrCache(RefCell<Vec<CacheSlot>>, u64, pub RefCell<super::layout::Keys>, Cell<(u64, u32, u32)>, [Cell<(u64, u32, u32)>; 2]);

/// Source of [`AttrCache`] ids: every class gets a number no other class of the
/// process has (unlike its address, which a later class may reuse).
static NEXT_CLASS_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

impl Default for AttrCache {
    fn default() -> AttrCache {
        AttrCache(RefCell::new(Vec::new()), NEXT_CLASS_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed), RefCell::default(), Cell::new((0, 0, 0)), Default::default())
    }
}

/// Store `new` in a two-way site cache: over the way already holding class `id`, else in
/// the first way, the entry there moving to the second.
#[inline]
fn two_way_set<T: Copy>(ways: &[Cell<T>; 2], id: u64, class_of: impl Fn(&T) -> u64, new: T) {
    if class_of(&ways[0].get()) == id {
        ways[0].set(new);
    } else if class_of(&ways[1].get()) == id {
        ways[1].set(new);
    } else {
        ways[1].set(ways[0].get());
        ways[0].set(new);
    }
}

/// A cache at one `obj.name` site (an attribute load in the evaluator's tree): the
/// class (by id) and class epoch for which `name` is in no class namespace of the
/// MRO, and where instances of that class hold `name`: a position in the class's
/// shared keys (`super::layout`), valid for every split instance holding more values
/// than that, or (with `layout::DICT_POS` set) an entry position where an instance
/// dict held it (the key there is checked by pointer: a dict laid out differently
/// just misses).
#[derive(Default)]
pub struct InstAttrSite([Cell<(u64, u64, u32)>; 2]);

impl InstAttrSite {
    /// The remembered dict position for instances of `inst`'s class, if one of the
    /// site's two ways (a class and a subclass sharing a method's code) applies.
    #[inline]
    fn pos_for(&self, inst: &Instance) -> Option<u32> {
        // SAFETY: only `__class__` assignment borrows the class mutably, and not while
        // this reads its id.
        let id = unsafe { inst.class.try_borrow_unguarded() }.ok()?.attr_cache.1;
        let epoch = class_epoch();
        for w in &self.0 {
            let (i, e, pos) = w.get();
            if i == id && e == epoch {
                return Some(pos);
            }
        }
        None
    }

    /// `inst.name` from the instance dict, if the site's class and position apply.
    #[inline]
    pub fn get(&self, inst: &Instance, name: &Rc<PyStr>) -> Option<Value> {
        let pos = self.pos_for(inst)?;
        match inst.shared.get() {
            None => {
                if pos & DICT_POS != 0 {
                    return None;
                }
                // SAFETY: nothing below mutates the values (cloning a value runs no code).
                let vals = unsafe { inst.vals.try_borrow_unguarded() }.ok()?;
                vals.get(pos as usize).cloned()
            }
            Some(d) => {
                // SAFETY: nothing below mutates the namespace (cloning a value runs no code).
                let t = unsafe { d.try_borrow_table_unguarded() }?;
                match t.entry_opt((pos & !DICT_POS) as usize) {
                    Some(e) if matches!(&e.key, Value::Str(k) if Rc::ptr_eq(k, name)) => Some(e.value.clone()),
                    _ => None,
                }
            }
        }
    }

    /// `inst.name = v` for a store site: when the site's class applies (a plain
    /// dict store is all it takes), the value goes to the remembered position if the
    /// key is there, else into the dict. `Ok` with the replaced value (to drop after
    /// the dict is released), `Err(v)` when the site does not apply.
    #[inline]
    pub fn store(&self, inst: &Instance, name: &Rc<PyStr>, v: Value) -> Result<Option<Value>, Value> {
        let Some(pos) = self.pos_for(inst) else { return Err(v) };
        match inst.shared.get() {
            None => {
                if pos & DICT_POS == 0 {
                    let mut vals = inst.vals.borrow_mut();
                    let p = pos as usize;
                    if p < vals.len() {
                        return Ok(Some(std::mem::replace(&mut vals[p], v)));
                    }
                    // The key at `pos` is `name`: with `pos` values held, this one is next.
                    if p == vals.len() {
                        vals.push(v);
                        return Ok(None);
                    }
                }
                Ok(inst.set_attr(name, v))
            }
            Some(d) => {
                let mut t = d.borrow_mut();
                let p = (pos & !DICT_POS) as usize;
                if matches!(t.entry_opt(p), Some(e) if matches!(&e.key, Value::Str(k) if Rc::ptr_eq(k, name))) {
                    return Ok(Some(t.set_value(p, v)));
                }
                drop(t);
                Ok(inst.set_attr(name, v))
            }
        }
    }

    /// Remember that instances of `cls` (which has no attribute of this name) hold
    /// it at dict position `pos`. The way already holding `cls` is replaced; else the
    /// newest class takes the first way and the one there moves to the second.
    pub fn set(&self, cls: &Class, pos: u32) {
        let id = cls.attr_cache.1;
        two_way_set(&self.0, id, |w| w.0, (id, class_epoch(), pos));
    }
}

/// A cache at one method call site `obj.name(...)`: the class (by id) and class epoch
/// for which the MRO lookup of `name` found a script function, and where (MRO index,
/// 0 for the class itself, and entry position, as [`AttrCache`] keeps them), with the
/// shadowing bound: every split instance of the class holding at most that many values
/// lacks `name` (its position among the class's shared keys, or their number when it
/// is none of them: keys only ever get appended). Two ways, as [`InstAttrSite`]: a
/// class and a subclass calling through the same code.
#[derive(Default)]
pub struct MethodSite([Cell<(u64, u64, u32, u32)>; 2]);

/// Bits of a [`MethodSite`] way's third field holding the shadowing bound (the MRO
/// index is above them).
const BOUND_BITS: u32 = 8;

impl MethodSite {
    /// The script function `inst.name` finds in its class's MRO, when the site applies
    /// (same class and epoch), the entry there still holds a function (assigning a new
    /// value to a class attribute bumps no epoch) and the instance has no attribute of
    /// that name shadowing it. `None`: ask the usual way.
    #[inline]
    pub fn method(&self, inst: &Instance, name: &PyStr) -> Option<Value> {
        // SAFETY: only `__class__` assignment borrows the class mutably, and nothing
        // below assigns it (reading a namespace entry and cloning a value run no code).
        let cls = unsafe { inst.class.try_borrow_unguarded() }.ok()?;
        let id = cls.attr_cache.1;
        let epoch = class_epoch();
        for w in &self.0 {
            let (i, e, at, pos) = w.get();
            if i == id && e == epoch {
                let f = cls.cached_func(at >> BOUND_BITS, pos)?;
                if !inst.is_split() {
                    return inst.lacks_attr(name).then_some(Value::Func(f));
                }
                // SAFETY: the values are borrowed mutably only by attribute stores,
                // which do not run while this reads their number.
                let n = unsafe { inst.vals.try_borrow_unguarded() }.ok()?.len() as u32;
                if n <= at & ((1 << BOUND_BITS) - 1) {
                    return Some(Value::Func(f));
                }
                // More values than when the bound was taken: take it again (exact from
                // then on for this class's keys as they are).
                let bound = key_bound(&cls, name)?;
                w.set((i, e, at & !((1 << BOUND_BITS) - 1) | bound, pos));
                return (n <= bound).then_some(Value::Func(f));
            }
        }
        None
    }

    /// For a receiver that is not an instance of a user class (a built-in value or a
    /// built-in object, of class `cls`): the value at the place the site remembers for
    /// `cls` (the caller checks it is still a callable it calls with the receiver
    /// first, as it found there when it filled the site). `None`: ask the usual way.
    #[inline]
    pub fn builtin_method(&self, cls: &Class) -> Option<Value> {
        let id = cls.attr_cache.1;
        let epoch = class_epoch();
        for w in &self.0 {
            let (i, e, at, pos) = w.get();
            if i == id && e == epoch {
                return cls.cached_entry(at >> BOUND_BITS, pos);
            }
        }
        None
    }

    /// Remember where `cls`'s MRO has `name` (a script function the caller found). The
    /// way already holding `cls` is replaced; else the newest class takes the first
    /// way and the one there moves to the second. `__hash__` is never remembered (its
    /// lookup has a rule of its own).
    pub fn fill(&self, cls: &Rc<Class>, name: &PyStr) {
        if name.as_str() == "__hash__" {
            return;
        }
        let mro = cls.mro.borrow();
        let Some((at, pos)) = std::iter::once(cls).chain(mro.iter()).enumerate().find_map(|(at, c)| {
            c.dict.borrow().find(name.hash(), |k| matches!(k, Value::Str(s) if std::ptr::eq(&**s, name) || s.as_str() == name.as_str())).map(|p| (at, p))
        }) else {
            return;
        };
        let (Ok(at), Ok(pos)) = (u32::try_from(at), u32::try_from(pos)) else { return };
        if at >= 1 << (32 - BOUND_BITS) {
            return;
        }
        let Some(bound) = key_bound(cls, name) else { return };
        let id = cls.attr_cache.1;
        two_way_set(&self.0, id, |w| w.0, (id, class_epoch(), at << BOUND_BITS | bound, pos));
    }
}

/// The shadowing bound of `name` for `cls`'s split instances (see [`MethodSite`]):
/// its position among the shared keys, else their number. `None` while the keys are
/// borrowed to change.
fn key_bound(cls: &Class, name: &PyStr) -> Option<u32> {
    // SAFETY: the keys are borrowed mutably only by `set_attr`, which does not run
    // while this reads.
    let keys = unsafe { cls.attr_cache.2.try_borrow_unguarded() }.ok()?;
    let n = &keys.names;
    let i = n.iter().position(|k| std::ptr::eq(&**k, name) || k.as_str() == name.as_str()).unwrap_or(n.len());
    u32::try_from(i).ok().filter(|&i| i < 1 << BOUND_BITS)
}

/// Whether two names have the same text: by address first (an interned name), then
/// inline for names of 4 to 16 bytes (dunders), else by `memcmp`.
#[inline(always)]
fn same_text(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if a.as_ptr() == b.as_ptr() {
        return true;
    }
    if (8..=16).contains(&n) {
        return word8(a) == word8(b) && word8(&a[n - 8..]) == word8(&b[n - 8..]);
    }
    if (4..8).contains(&n) {
        return word4(a) == word4(b) && word4(&a[n - 4..]) == word4(&b[n - 4..]);
    }
    a == b
}

/// The first 8 bytes of `s` (at least 8 long) as one word.
#[inline(always)]
fn word8(s: &[u8]) -> u64 {
    u64::from_le_bytes(s[..8].try_into().unwrap())
}

/// The first 4 bytes of `s` (at least 4 long) as one word.
#[inline(always)]
fn word4(s: &[u8]) -> u32 {
    u32::from_le_bytes(s[..4].try_into().unwrap())
}

impl Class {
    /// Look `name` up through the class and its MRO (skipping built-in classes when
    /// `user_only`), through the cache.
    #[inline]
    pub fn lookup_cached(self: &Rc<Class>, name: &PyStr, user_only: bool) -> Option<Value> {
        let idx = (name.hash() as usize).wrapping_add(user_only as usize) & (CACHE_SLOTS - 1);
        self.lookup_at(idx, name.as_str(), user_only)
    }

    /// [`Class::lookup_cached`] for a name given as Rust text (usually a literal: its
    /// address picks the cache slot, so no hashing or interning is needed on a hit).
    #[inline]
    pub fn lookup_cached_str(self: &Rc<Class>, name: &str, user_only: bool) -> Option<Value> {
        let idx = ((name.as_ptr() as usize >> 3) ^ name.len()).wrapping_add(user_only as usize) & (CACHE_SLOTS - 1);
        self.lookup_at(idx, name, user_only)
    }

    #[inline]
    fn lookup_at(self: &Rc<Class>, idx: usize, name: &str, user_only: bool) -> Option<Value> {
        let tag = class_epoch() << 1 | user_only as u64;
        // SAFETY: the cache is only mutably borrowed in `lookup_fill`, which does not
        // run while this shared reference lives (nothing below calls out).
        if let Ok(c) = unsafe { self.attr_cache.0.try_borrow_unguarded() } {
            if let Ok(c) = <&[CacheSlot; CACHE_SLOTS]>::try_from(c.as_slice()) {
                // Two-way: the name's slot and its neighbour.
                for i in [idx & (CACHE_SLOTS - 1), (idx ^ 1) & (CACHE_SLOTS - 1)] {
                    let s = &c[i];
                    if s.tag == tag && s.text.1 == name.len() {
                        // SAFETY: `text` is the text of `s.name`, which the slot holds.
                        let t = unsafe { std::str::from_utf8_unchecked(std::slice::from_raw_parts(s.text.0, s.text.1)) };
                        if same_text(t, name) {
                            return self.cached_value(s.at, s.pos);
                        }
                    }
                }
            }
        }
        self.lookup_fill(name, user_only, tag >> 1, idx)
    }

    /// The value a cache slot points at (`at`: index in the full MRO, u32::MAX: absent).
    #[inline]
    fn cached_value(self: &Rc<Class>, at: u32, pos: u32) -> Option<Value> {
        if at != u32::MAX {
            if let Some(v) = self.cached_entry(at, pos) {
                return Some(v);
            }
        }
        self.cached_value_guarded(at, pos)
    }

    /// [`Class::cached_value`] through the `RefCell` guards (when the in-place read
    /// found no entry: an absent name, or a namespace borrowed to change).
    #[inline(never)]
    fn cached_value_guarded(self: &Rc<Class>, at: u32, pos: u32) -> Option<Value> {
        if at == 0 {
            return Some(self.dict.borrow().entry(pos as usize).value.clone());
        }
        if at == u32::MAX {
            return None;
        }
        Some(self.mro.borrow()[at as usize - 1].dict.borrow().entry(pos as usize).value.clone())
    }

    /// The script function a cache position points at (`at`: index in the full MRO),
    /// read in place: `None` if the entry is gone or holds anything else.
    #[inline]
    fn cached_func(&self, at: u32, pos: u32) -> Option<Rc<super::function::Function>> {
        match self.cached_ref(at, pos, |v| match v {
            Value::Func(f) => Some(f.clone()),
            _ => None,
        }) {
            Some(Some(f)) => Some(f),
            _ => None,
        }
    }

    /// The value a cache position points at, cloned in place (`None`: the entry is gone).
    #[inline]
    fn cached_entry(&self, at: u32, pos: u32) -> Option<Value> {
        self.cached_ref(at, pos, Value::clone)
    }

    /// `f` of the value at a cache position (`at`: index in the full MRO), read without
    /// `RefCell` guards.
    #[inline(always)]
    fn cached_ref<T>(&self, at: u32, pos: u32, f: impl FnOnce(&Value) -> T) -> Option<T> {
        // SAFETY: namespaces and the MRO are borrowed mutably only by code that changes
        // them, which does not run while this reads (`f` clones an `Rc`, no script code).
        let d = if at == 0 {
            &self.dict
        } else {
            &unsafe { self.mro.try_borrow_unguarded() }.ok()?.get(at as usize - 1)?.dict
        };
        let t = unsafe { d.try_borrow_table_unguarded() }?;
        Some(f(&t.entry_opt(pos as usize)?.value))
    }

    #[inline(never)]
    fn lookup_fill(self: &Rc<Class>, name: &str, user_only: bool, epoch: u64, idx: usize) -> Option<Value> {
        let key = super::intern::intern(name);
        let key = &*key;
        let mut found: Option<(u32, u32, Value)> = None;
        let mro = self.mro.borrow();
        for (at, c) in std::iter::once(self).chain(mro.iter()).enumerate() {
            if user_only && c.builtin {
                continue;
            }
            let t = c.dict.borrow();
            if let Some(pos) = t.find(key.hash(), |k| matches!(k, Value::Str(s) if std::ptr::eq(&**s, key) || s.as_str() == key.as_str())) {
                found = Some((at as u32, pos as u32, t.entry(pos).value.clone()));
                break;
            }
        }
        drop(mro);
        let mut c = self.attr_cache.0.borrow_mut();
        if c.is_empty() {
            c.resize(CACHE_SLOTS, CacheSlot::default());
        }
        let (at, pos, v) = match found {
            Some((at, pos, v)) => (at, pos, Some(v)),
            None => (u32::MAX, 0, None),
        };
        // The newest entry takes the name's slot; what was there moves to the neighbour
        // unless that is free or stale.
        let name = super::intern::intern(name);
        let text = (name.as_str().as_ptr(), name.as_str().len());
        let tag = epoch << 1 | user_only as u64;
        let slot = CacheSlot { name: Some(name), text, tag, at, pos };
        if c[idx].tag >> 1 == epoch && c[idx].name.is_some() {
            let old = std::mem::replace(&mut c[idx], slot);
            c[idx ^ 1] = old;
        } else {
            c[idx] = slot;
        }
        v
    }
}

impl Class {
    /// For `instantiate`: the class's `__init__` when it is a script function and no
    /// user class of the MRO defines `__new__`, as recorded by
    /// [`Class::note_plain_init`] in the current class epoch (adding or removing any
    /// class attribute forgets it; a value replaced at the position is checked here).
    #[inline]
    pub fn plain_init(&self) -> Option<Value> {
        let (epoch, at, pos) = self.attr_cache.3.get();
        if epoch != class_epoch() {
            return None;
        }
        let v = if at == 0 {
            self.dict.borrow().entry_opt(pos as usize)?.value.clone()
        } else {
            self.mro.borrow().get(at as usize - 1)?.dict.borrow().entry_opt(pos as usize)?.value.clone()
        };
        matches!(v, Value::Func(_)).then_some(v)
    }

    /// [`Class::plain_init`] as the function itself, read in place (no `RefCell` guards,
    /// no `Value` made).
    #[inline]
    pub fn plain_init_func(&self) -> Option<Rc<super::function::Function>> {
        let (epoch, at, pos) = self.attr_cache.3.get();
        if epoch != class_epoch() {
            return None;
        }
        self.cached_func(at, pos)
    }

    /// The script function `lookup_special` finds for the forward dunder of binary
    /// operator `op` (`__add__` for `+`: `name`), read in place: a cache of two ways,
    /// each `(epoch << 4 | op, MRO index, position)`, filled on a miss when the lookup
    /// finds a script function in a user class of the MRO. `None`: not a script
    /// function there (or none): ask `lookup_special`.
    #[inline]
    pub fn binary_dunder(self: &Rc<Class>, op: u8, name: &'static str) -> Option<Rc<super::function::Function>> {
        let tag = class_epoch() << 4 | op as u64;
        for w in &self.attr_cache.4 {
            let (t, at, pos) = w.get();
            if t == tag {
                return self.cached_func(at, pos);
            }
        }
        self.binary_dunder_fill(tag, name)
    }

    #[inline(never)]
    fn binary_dunder_fill(self: &Rc<Class>, tag: u64, name: &'static str) -> Option<Rc<super::function::Function>> {
        let key = super::intern::intern(name);
        let mro = self.mro.borrow();
        for (at, c) in std::iter::once(self).chain(mro.iter()).enumerate() {
            if c.builtin {
                continue;
            }
            let t = c.dict.borrow();
            let Some(pos) = t.find(key.hash(), |k| matches!(k, Value::Str(s) if s.as_str() == name)) else { continue };
            let Value::Func(f) = &t.entry(pos).value else { return None };
            if let (Ok(at), Ok(pos)) = (u32::try_from(at), u32::try_from(pos)) {
                // The newest op takes the first way; the one there moves to the second.
                let w = &self.attr_cache.4;
                if w[0].get().0 != tag {
                    w[1].set(w[0].get());
                }
                w[0].set((tag, at, pos));
            }
            return Some(f.clone());
        }
        None
    }

    /// Whether [`Class::note_plain_init`] ran in the current class epoch: no user class
    /// of the MRO defines `__new__`.
    #[inline]
    pub fn no_user_new(&self) -> bool {
        self.attr_cache.3.get().0 == class_epoch()
    }

    /// Record where `__init__` is, for [`Class::plain_init`]; the caller found no user
    /// `__new__` and a script function as `__init__` in this epoch.
    pub fn note_plain_init(self: &Rc<Class>) {
        let key = super::intern::intern("__init__");
        let mro = self.mro.borrow();
        for (at, c) in std::iter::once(self).chain(mro.iter()).enumerate() {
            if c.builtin {
                continue;
            }
            let pos = c.dict.borrow().find(key.hash(), |k| matches!(k, Value::Str(s) if s.as_str() == "__init__"));
            if let Some(pos) = pos {
                if let (Ok(at), Ok(pos)) = (u32::try_from(at), u32::try_from(pos)) {
                    self.attr_cache.3.set((class_epoch(), at, pos));
                }
                return;
            }
        }
    }

    /// The class's name as text.
    pub fn name_str(&self) -> String {
        self.name.borrow().as_str().to_string()
    }

    /// Whether `self` is `other` or derives from it.
    pub fn is_subclass(self: &Rc<Class>, other: &Rc<Class>) -> bool {
        Rc::ptr_eq(self, other) || self.mro.borrow().iter().any(|c| Rc::ptr_eq(c, other))
    }

    /// The full MRO, starting with the class itself.
    pub fn full_mro(self: &Rc<Class>) -> Vec<Rc<Class>> {
        let mut v = vec![self.clone()];
        v.extend(self.mro.borrow().iter().cloned());
        v
    }

    /// The name CPython prints for this class in the last line of a traceback:
    /// qualified by its module unless that is `builtins` or `__main__`.
    pub fn display_name(&self) -> String {
        let module = self.module.borrow();
        let qual = self.qualname.borrow();
        match module.as_str() {
            "builtins" | "__main__" => qual.as_str().to_string(),
            m => format!("{m}.{qual}"),
        }
    }
}

/// One traceback entry: where an exception passed through.
#[derive(Clone)]
pub struct TbEntry {
    /// The code that was running (its source file and function name, read through
    /// [`TbEntry::source`] and [`TbEntry::name`]): no reference count per entry.
    pub code: &'static crate::eval::ir::Code,
    /// 1-based line.
    pub line: u32,
    /// The address of the frame it was recorded in (recursive calls of one function
    /// at one line are separate entries; one frame is recorded once).
    pub frame: usize,
    /// The frame's local values, kept alive by the traceback as CPython's frame
    /// objects are (objects a failed call held die when the exception does).
    pub keep: Vec<Value>,
}

impl TbEntry {
    /// The source (file name and text).
    pub fn source(&self) -> &crate::span::SourceFile {
        &self.code.source
    }

    /// The function (or `<module>`).
    pub fn name(&self) -> &Rc<PyStr> {
        &self.code.name
    }
}

/// The state of an exception instance.
#[derive(Default)]
pub struct ExcData {
    /// `args`.
    pub args: Vec<Value>,
    /// `__cause__`.
    pub cause: Option<Value>,
    /// `__context__`.
    pub context: Option<Value>,
    /// `__suppress_context__`.
    pub suppress_context: bool,
    /// Frames the exception passed through, innermost last.
    pub traceback: Vec<TbEntry>,
    /// `__notes__` / extra state used by the runtime (e.g. ExceptionGroup members).
    pub extra: Option<Value>,
    /// `name` of an `AttributeError` or `NameError` (for "Did you mean" suggestions).
    pub name: Option<Value>,
    /// `obj` of an `AttributeError`: the object that lacked the attribute.
    pub obj: Option<Value>,
}

/// An instance of a user-defined class, or of any exception class.
pub struct Instance {
    /// Its class.
    pub class: RefCell<Rc<Class>>,
    /// Its attributes' values while it is split (`shared` unset): value `i` is that of
    /// its class's shared key `i` (see `super::layout`); the first few inside the
    /// instance (`super::vals`).
    pub(super) vals: RefCell<super::vals::Vals>,
    /// The namespace as a dict object of its own, once the instance left its class's
    /// shared keys (`vals` is empty and unused from then on).
    pub(super) shared: std::cell::OnceCell<Rc<Dict>>,
    /// Exception state, for instances of exception classes (boxed: most instances
    /// are not exceptions, and an instance is copied into its `Rc` when created).
    pub exc: Option<Box<RefCell<ExcData>>>,
    /// The built-in value inside an instance of a subclass of a built-in type
    /// (`class Stack(list)`).
    pub base: RefCell<Option<Value>>,
}

impl Instance {
    /// A new instance with an empty namespace, in its `Rc` and registered with the
    /// cycle collector. Its fields are written in place in the new block (the inline
    /// value room is left uninitialised): `Rc::new` of the whole struct copied its
    /// 136 bytes through a `memcpy` call, and `Rc::new_uninit` allocates out of line.
    #[inline]
    pub fn new_rc(class: Rc<Class>) -> Rc<Instance> {
        let exc = if class.kind == Kind::Exception { Some(Box::new(RefCell::new(ExcData::default()))) } else { None };
        let mut rc = Rc::new(std::mem::MaybeUninit::<Instance>::uninit());
        let p = Rc::get_mut(&mut rc).expect("a new Rc is unique").as_mut_ptr();
        // SAFETY: every field is written once before the block is taken as an
        // `Instance` (`MaybeUninit<T>` has `T`'s layout, so the `Rc` block is one of
        // an `Instance`); `Vals::new` leaves its inline room uninitialised, which its
        // length (0) says.
        let rc = unsafe {
            std::ptr::addr_of_mut!((*p).class).write(RefCell::new(class));
            std::ptr::addr_of_mut!((*p).vals).write(RefCell::new(super::vals::Vals::new()));
            std::ptr::addr_of_mut!((*p).shared).write(std::cell::OnceCell::new());
            std::ptr::addr_of_mut!((*p).exc).write(exc);
            std::ptr::addr_of_mut!((*p).base).write(RefCell::new(None));
            Rc::from_raw(Rc::into_raw(rc) as *const Instance)
        };
        super::gc::track_inst(&rc);
        rc
    }

    /// Its attributes (`__dict__`) as a dict: an instance still split moves to a dict
    /// of its own (see [`Instance::materialize`]). Hot paths use the attribute
    /// methods of `super::layout` instead.
    #[inline]
    pub fn dict(&self) -> &Dict {
        self.materialize()
    }

    /// Its attributes as a dict object (`obj.__dict__`), the same object every time.
    pub fn dict_obj(&self) -> Rc<Dict> {
        self.materialize().clone()
    }

    /// The namespace's dict object, if `__dict__` made one (for the cycle collector).
    pub fn shared_dict(&self) -> Option<&Rc<Dict>> {
        self.shared.get()
    }

    /// The instance's class.
    #[inline]
    pub fn class(&self) -> Rc<Class> {
        self.class.borrow().clone()
    }

    /// The exception state; panics are impossible because callers check `is_exception`.
    pub fn exc_data(&self) -> std::cell::Ref<'_, ExcData> {
        self.exc.as_ref().expect("exception instance").borrow()
    }

    /// Mutable exception state.
    pub fn exc_data_mut(&self) -> std::cell::RefMut<'_, ExcData> {
        self.exc.as_ref().expect("exception instance").borrow_mut()
    }

    /// Whether this is an exception instance.
    pub fn is_exception(&self) -> bool {
        self.exc.is_some()
    }
}

/// A raised exception: always an exception instance.
pub type Exc = Rc<Instance>;
