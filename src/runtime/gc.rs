//! The cycle collector: trial deletion over the container objects, as CPython's `gc`.
//!
//! Reference counting frees everything but cycles. Container objects that can be part of
//! one (lists, dicts, sets, tuples holding containers, instances and exceptions, user classes,
//! functions, cells, bound methods, generators and coroutines with their parked frames,
//! built-in methods bound to a container, built-in iterators over containers, and
//! built-in objects of the `Object` trait that hold references: `property`,
//! `staticmethod`, `classmethod`, `super`, `enumerate`/`zip`/`map`/`filter`..., dict
//! views, asyncio futures, tasks and handles) are registered when created, as a `Weak` pointer pushed on a per-thread list: no
//! header in the object, one push per allocation. A collection upgrades the entries of a
//! generation (dead ones are simply dropped, which frees their memory), sets each
//! object's `gc_refs` to its strong count, subtracts one for every reference from another
//! object of the generation (`gc_refs.rs` lists an object's references; built-in objects
//! report theirs through `Object::traverse`), marks everything
//! reachable from objects with references from outside, and clears the rest: their
//! contents are taken out and dropped outside any borrow, which breaks the cycles.
//!
//! Three generations, as CPython's. New objects are young; a young collection runs once
//! `YOUNG_LIMIT` objects were registered since the last one (the driver runs it at its
//! next safe point, where finalizers run: never from `Drop`) and moves the survivors to
//! the middle generation. Every `MIDDLE_SPACING`-th collection takes the middle
//! generation with the young one and promotes the survivors to the old generation. A
//! full collection takes that one's place when the old generation grew by a quarter
//! since the last full one (CPython's rule for its oldest generation) and at least
//! `FULL_SPACING` middle collections ran since, so collecting is amortised O(1) per
//! allocation and a long-lived object is scanned about twice (young, middle) plus its
//! share of the rare full collections.
//!
//! Suspended generators found in garbage are closed first, like CPython's PEP 442
//! finalization: their frame goes to the finalizer queue (`eval/finalize.rs`), which
//! runs their `finally` blocks, and nothing is cleared in that collection; what is still
//! unreachable afterwards is cleared by the next one.
//!
//! The collector is conservative where it cannot see: references from objects it does
//! not track (modules, the event loop and its queues, async generator awaitables,
//! `asyncio.sleep` objects, running frames, Rust locals) count as references from outside, and an object whose cell is
//! borrowed at collection time is treated as reachable.

use super::class::{Class, Instance};
use super::dict::Dict;
use super::function::{BoundMethod, CellObj, Function, NativeFn};
pub(super) use super::gc_entry::{addr, Obj};
use super::gc_entry::{Entry, Held, Tracked, ADDR_MASK};
use super::gc_refs::{children, clear};
use super::iter::{IterObj, IterState};
use super::object::Object;
use super::objref::{ObjRef, WeakObj};
use super::generator::{GenState, Generator};
use super::list::List;
use super::set::SetObj;
use super::tuple::Tuple;
use super::value::Value;
use super::Runtime;
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

/// Registrations since the last young collection that trigger the next one (the
/// environment variable `CORO_GC_THRESHOLD` overrides it, for tests).
const YOUNG_LIMIT: usize = 2000;

/// Young collections per collection of the middle generation (CPython's spacing of its
/// middle generation).
const MIDDLE_SPACING: u32 = 10;

/// Middle collections at least between two full ones (besides the old generation's
/// growth by a quarter). CPython collects its oldest generation after ten collections
/// of the middle one, each after ten of the youngest. With two generations and full
/// collections ten young ones apart, a program that builds up its live data (a
/// growing heap) scanned each long-lived object about three times (100,000 suspended
/// generators: 4 full collections of 51); with the middle generation about twice.
const FULL_SPACING: u32 = 10;

/// Which generations a collection takes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Level {
    /// The young generation; survivors go to the middle one.
    Young,
    /// The young and middle generations; survivors go to the old one.
    Middle,
    /// Everything.
    Full,
}

/// The registry of one thread's tracked objects.
struct Registry {
    /// Registered since the last collection.
    young: Vec<Tracked>,
    /// Survivors of young collections since the last middle or full one.
    middle: Vec<Tracked>,
    /// Survivors of middle collections (dead entries stay until the next full
    /// collection).
    old: Vec<Tracked>,
    /// Built-in objects of the `Object` trait registered since the last collection
    /// (their weak references carry a vtable: 12 bytes, so a list of their own).
    young_dyn: Vec<WeakObj>,
    /// The middle generation's built-in objects of the `Object` trait.
    middle_dyn: Vec<WeakObj>,
    /// The old generation's built-in objects of the `Object` trait.
    old_dyn: Vec<WeakObj>,
    /// Live old objects after the last full collection.
    old_base: usize,
    /// The young collection threshold (0 until the first collection reads it).
    limit: usize,
    /// Young collections since the last middle or full one.
    youngs: u32,
    /// Middle collections since the last full one.
    middles: u32,
}

thread_local! {
    static REG: RefCell<Registry> = const {
        RefCell::new(Registry {
            young: Vec::new(),
            middle: Vec::new(),
            old: Vec::new(),
            young_dyn: Vec::new(),
            middle_dyn: Vec::new(),
            old_dyn: Vec::new(),
            old_base: 0,
            limit: 0,
            youngs: 0,
            middles: 0,
        })
    };
    static DUE: Cell<bool> = const { Cell::new(false) };
    static STATS: Cell<Stats> = const { Cell::new(Stats { collections: 0, full: 0, collected: 0, finalized: 0 }) };
}

/// Counters of this thread's collector (`CORO_GC_STATS=1` prints them at exit).
#[derive(Clone, Copy, Debug, Default)]
pub struct Stats {
    /// Collections run.
    pub collections: u64,
    /// Of which full collections.
    pub full: u64,
    /// Unreachable objects cleared.
    pub collected: u64,
    /// Suspended generators found unreachable and handed to the finalizer queue.
    pub finalized: u64,
}

/// This thread's collector counters.
pub fn stats() -> Stats {
    STATS.with(|s| s.get())
}

/// Number of entries in the registry (live or not yet pruned), for tests.
pub fn tracked() -> usize {
    REG.with(|r| r.try_borrow().map(|r| r.young.len() + r.middle.len() + r.old.len() + r.young_dyn.len() + r.middle_dyn.len() + r.old_dyn.len()).unwrap_or(0))
}

#[inline]
fn track(t: Entry) {
    REG.with(|r| {
        if let Ok(mut r) = r.try_borrow_mut() {
            match t {
                Entry::Typed(t) => r.young.push(t),
                Entry::Dyn(t) => r.young_dyn.push(t),
            }
            if r.young.len() + r.young_dyn.len() >= r.limit {
                DUE.with(|d| d.set(true));
                crate::eval::finalize::wake();
            }
        }
    })
}

/// Register a new list.
#[inline]
pub fn track_list(l: &Rc<List>) {
    track(Entry::Typed(Tracked::new(Rc::downgrade(l))));
}

/// Register a new dict (one script code can reach as a value).
#[inline]
pub fn track_dict(d: &Rc<Dict>) {
    track(Entry::Typed(Tracked::new(Rc::downgrade(d))));
}

/// Register a new tuple if it holds a value that could lead back to it.
#[inline]
pub fn track_tuple(t: &Rc<Tuple>) {
    if t.items().iter().any(may_hold_cycle) {
        track(Entry::Typed(Tracked::new(Rc::downgrade(t))));
    }
}

/// Register a new instance (or exception).
#[inline]
pub fn track_inst(i: &Rc<Instance>) {
    track(Entry::Typed(Tracked::new(Rc::downgrade(i))));
}

/// Register a new user class.
pub fn track_class(c: &Rc<Class>) {
    track(Entry::Typed(Tracked::new(Rc::downgrade(c))));
}

/// Register a new function.
#[inline]
pub fn track_func(f: &Rc<Function>) {
    track(Entry::Typed(Tracked::new(Rc::downgrade(f))));
}

/// Register a new closure cell.
#[inline]
pub fn track_cell(c: &Rc<CellObj>) {
    track(Entry::Typed(Tracked::new(Rc::downgrade(c))));
}

/// Register a new bound method.
#[inline]
pub fn track_method(m: &Rc<BoundMethod>) {
    track(Entry::Typed(Tracked::new(Rc::downgrade(m))));
}

/// Register a new generator, coroutine or async generator.
#[inline]
pub fn track_gen(g: &Rc<Generator>) {
    track(Entry::Typed(Tracked::new(Rc::downgrade(g))));
}

/// Register a new set or frozenset.
#[inline]
pub fn track_set(s: &Rc<SetObj>) {
    track(Entry::Typed(Tracked::new(Rc::downgrade(s))));
}

/// Register a new built-in function bound to a receiver (`l.append`) if the receiver
/// could lead back to it.
#[inline]
pub fn track_native(n: &Rc<NativeFn>) {
    if n.bound.as_ref().is_some_and(may_hold_cycle) {
        track(Entry::Typed(Tracked::new(Rc::downgrade(n))));
    }
}

/// Register a new built-in iterator if it holds a container (iterators over ranges,
/// strings and bytes cannot be part of a cycle).
#[inline]
pub fn track_iter(it: &Rc<IterObj>) {
    let holds = match &*it.state.borrow() {
        IterState::List(..) | IterState::ListRev(..) | IterState::Dict(..) | IterState::Set(..) => true,
        IterState::Tuple(t, _) => t.items().iter().any(may_hold_cycle),
        IterState::Values(v, _) => v.iter().any(may_hold_cycle),
        _ => false,
    };
    if holds {
        track(Entry::Typed(Tracked::new(Rc::downgrade(it))));
    }
}

/// Register a new built-in object that holds references (it says which through
/// [`Object::traverse`] and drops them in [`Object::clear_refs`]).
#[inline]
pub fn track_obj<T: Object>(o: &Rc<T>) {
    let w: Weak<T> = Rc::downgrade(o);
    let w: Weak<dyn Object> = w;
    track(Entry::Dyn(WeakObj::new(w)));
}

/// A new registered built-in object, as a value.
#[inline]
pub fn new_obj<T: Object>(o: T) -> Value {
    let r = Rc::new(o);
    track_obj(&r);
    Value::Obj(r.into())
}

/// A new built-in function or method, registered if it is bound to a receiver that
/// could lead back to it.
#[inline]
pub fn new_native(n: NativeFn) -> Value {
    let r = Rc::new(n);
    track_native(&r);
    Value::Native(r)
}

/// Whether a value is (or may contain) a tracked container.
#[inline]
pub(super) fn may_hold_cycle(v: &Value) -> bool {
    matches!(
        v,
        Value::List(_) | Value::Dict(_) | Value::Tuple(_) | Value::Inst(_) | Value::Class(_) | Value::Func(_) | Value::Method(_) | Value::Gen(_) | Value::Set(_) | Value::Obj(_) | Value::Native(_) | Value::Iter(_)
    )
}

/// Whether a collection is due (checked by the finalizer pass of the driver).
#[inline]
pub fn due() -> bool {
    DUE.with(|d| d.get())
}

/// The address of a value's object, if it is of a tracked kind.
#[inline]
pub(super) fn value_addr(v: &Value) -> Option<usize> {
    Some(match v {
        Value::List(r) => addr(r),
        Value::Dict(r) => addr(r),
        Value::Tuple(r) => addr(r),
        Value::Inst(r) => addr(r),
        Value::Class(r) => addr(r),
        Value::Func(r) => addr(r),
        Value::Method(r) => addr(r),
        Value::Gen(r) => addr(r),
        Value::Set(r) => addr(r),
        Value::Native(r) => addr(r),
        Value::Iter(r) => addr(r),
        Value::Obj(r) => r.as_ptr() as usize,
        _ => return None,
    })
}

#[inline]
pub(super) fn visit_value(v: &Value, f: &mut impl FnMut(usize)) {
    if let Some(a) = value_addr(v) {
        f(a);
    }
}

/// Run a collection if one is due (called by the driver's finalizer pass).
pub fn collect_if_due(rt: &mut Runtime) {
    if !DUE.with(|d| d.replace(false)) {
        return;
    }
    let level = REG.with(|r| {
        let mut r = r.borrow_mut();
        if r.limit == 0 {
            r.limit = std::env::var("CORO_GC_THRESHOLD").ok().and_then(|s| s.parse().ok()).filter(|&n| n > 0).unwrap_or(YOUNG_LIMIT);
        }
        if r.youngs + 1 < MIDDLE_SPACING {
            Level::Young
        } else if r.middles + 1 >= FULL_SPACING && (r.old.len() + r.old_dyn.len()).saturating_sub(r.old_base) > r.old_base / 4 + r.limit {
            Level::Full
        } else {
            Level::Middle
        }
    });
    collect(rt, level);
}

/// A generation being collected, held strongly: the typed objects, then the built-in
/// objects of the `Object` trait, numbered in that order.
struct Scan {
    held: Vec<Held>,
    dyns: Vec<ObjRef>,
}

impl Scan {
    fn len(&self) -> usize {
        self.held.len() + self.dyns.len()
    }

    /// The address of object `i` (no dispatch on its kind).
    #[inline(always)]
    fn addr(&self, i: usize) -> usize {
        match self.held.get(i) {
            Some(h) => h.0 & ADDR_MASK,
            None => self.dyns[i - self.held.len()].as_ptr() as usize,
        }
    }

    /// Object `i` as an [`Obj`] that borrows the scan's count (never dropped).
    #[inline]
    fn view(&self, i: usize) -> std::mem::ManuallyDrop<Obj> {
        match self.held.get(i) {
            Some(h) => h.view(),
            // SAFETY: a bitwise copy of a handle the scan keeps; the copy is never
            // dropped, so the count is not given back twice.
            None => std::mem::ManuallyDrop::new(Obj::Obj(unsafe { std::ptr::read(&self.dyns[i - self.held.len()]) })),
        }
    }
}

/// Collect the generations `level` says. Returns the number of unreachable objects
/// cleared.
fn collect(rt: &mut Runtime, level: Level) -> usize {
    let full = level == Level::Full;
    // Take the generations out so that no borrow of the registry is held while objects
    // are dropped (dropping never registers, but finalizer hooks might).
    let (entries, dyn_entries) = REG.with(|r| {
        let mut r = r.borrow_mut();
        let mut entries = std::mem::take(&mut r.young);
        let mut dyn_entries = std::mem::take(&mut r.young_dyn);
        if level != Level::Young {
            // The largest generation's buffer takes the others (no copy of it).
            let mut middle = std::mem::take(&mut r.middle);
            middle.append(&mut entries);
            entries = middle;
            let mut middle_dyn = std::mem::take(&mut r.middle_dyn);
            middle_dyn.append(&mut dyn_entries);
            dyn_entries = middle_dyn;
        }
        if full {
            let mut old = std::mem::take(&mut r.old);
            old.append(&mut entries);
            entries = old;
            let mut old_dyn = std::mem::take(&mut r.old_dyn);
            old_dyn.append(&mut dyn_entries);
            dyn_entries = old_dyn;
        }
        (entries, dyn_entries)
    });

    // Live objects with gc_refs = their strong count. The entries are upgraded in
    // their own buffers (`Tracked` and `Held` are both 8 bytes, `WeakObj` and `ObjRef`
    // both 12: `upgrade_in_place`), dead ones dropped (which frees dead objects'
    // memory), and the survivors go back into them: a collection of n objects needs
    // about 4 + 1 bytes of scratch memory per object besides the entries, plus the
    // mark stack of one root at a time (it runs at the peak of a program's memory, so
    // this scratch memory is part of the peak).
    let objs = Scan { held: upgrade_in_place(entries), dyns: upgrade_dyn_in_place(dyn_entries) };
    let n = objs.len();
    // Each object's index in `objs` is kept in its `Rc` allocation's weak count while
    // the generation is scanned (see `Marks`): an edge is one load instead of a hash
    // lookup, and there is no index map at the memory peak.
    let mut refs: Vec<i32> = Vec::with_capacity(n);
    // One byte of flags per object ([`REACHABLE`], [`LINKED`]).
    let mut flags = vec![0u8; n];
    let marks = Marks::set(&objs, &mut flags);
    for i in 0..n {
        refs.push(objs.view(i).strong().min(i32::MAX as usize) as i32);
    }
    // Subtract references from inside the generation, noting which objects have any
    // (the others are leaves of this generation's graph: marking stops at them).
    for i in 0..n {
        if flags[i] != 0 {
            continue; // a duplicate entry (`Marks::set`)
        }
        let mut linked = false;
        let ok = children(&objs.view(i), &mut |a| {
            if let Some(j) = Marks::index(a) {
                refs[j] -= 1;
                linked = true;
            }
        });
        flags[i] = if !ok { REACHABLE } else if linked { LINKED } else { 0 };
    }
    // A duplicate entry (its object is scanned through its first entry) and an object
    // whose references could not be read count as referenced from outside (and are
    // walked when marked, as if linked).
    for i in 0..n {
        if flags[i] & REACHABLE != 0 {
            refs[i] = 1;
            flags[i] = LINKED;
        }
    }
    // Mark what is reachable from outside, one root at a time: the mark stack holds
    // what is found from that root, not every root at once. An object that refers to
    // nothing in the generation is marked without walking its references again.
    let mut work: Vec<u32> = Vec::new();
    for i in 0..n {
        if refs[i] <= 0 || flags[i] & REACHABLE != 0 {
            continue;
        }
        flags[i] |= REACHABLE;
        if flags[i] & LINKED == 0 {
            continue;
        }
        work.push(i as u32);
        while let Some(k) = work.pop() {
            children(&objs.view(k as usize), &mut |a| {
                if let Some(j) = Marks::index(a) {
                    let fj = flags[j];
                    if fj & REACHABLE == 0 {
                        flags[j] = fj | REACHABLE;
                        if fj & LINKED != 0 {
                            work.push(j as u32);
                        }
                    }
                }
            });
        }
    }
    drop(refs);
    drop(work);
    marks.clear(&objs);

    let mut garbage: Vec<Obj> = Vec::new();
    let (survivors, survivors_dyn) = survivors_in_place(objs, &flags, &mut garbage);
    drop(flags);

    // Suspended generators first: their `finally` blocks run before anything is
    // cleared (they may use the other unreachable objects).
    let mut finalizing = 0;
    for o in &garbage {
        if let Obj::Gen(g) = o {
            if g.state() == GenState::Suspended && g.orphan() {
                finalizing += 1;
            }
        }
    }
    let collected = if finalizing > 0 {
        // Try again after the finalizers ran: the garbage stays in its generation.
        REG.with(|r| {
            let mut r = r.borrow_mut();
            // Unreachable objects only refer to each other and to old objects: the
            // next young collection sees them whole again.
            for o in &garbage {
                match o.downgrade() {
                    Entry::Typed(t) => r.young.push(t),
                    Entry::Dyn(t) => r.young_dyn.push(t),
                }
            }
        });
        DUE.with(|d| d.set(true));
        drop(garbage);
        0
    } else {
        for o in &garbage {
            clear(rt, o);
        }
        let k = garbage.len();
        drop(garbage);
        k
    };

    REG.with(|r| {
        let mut r = r.borrow_mut();
        // The survivors join the next generation; into an empty one (after a full
        // collection, or before the first promotion) their buffer moves, no copy.
        let r = &mut *r;
        let (to, to_dyn) = match level {
            Level::Young => (&mut r.middle, &mut r.middle_dyn),
            Level::Middle | Level::Full => (&mut r.old, &mut r.old_dyn),
        };
        if to.is_empty() {
            *to = survivors;
        } else {
            to.extend(survivors);
        }
        if to_dyn.is_empty() {
            *to_dyn = survivors_dyn;
        } else {
            to_dyn.extend(survivors_dyn);
        }
        let old = r.old.len() + r.old_dyn.len();
        match level {
            Level::Young => r.youngs = r.youngs.saturating_add(1),
            Level::Middle => {
                r.youngs = 0;
                r.middles = r.middles.saturating_add(1);
            }
            Level::Full => {
                r.youngs = 0;
                r.middles = 0;
            }
        }
        if full {
            r.old_base = old;
        } else if level == Level::Middle && old > 4 * (r.old_base + r.limit) {
            // Many promoted objects died since: prune the dead entries of the old
            // generation without a full collection (keeps dead objects' memory bounded).
            r.old.retain(Tracked::alive);
            r.old_dyn.retain(|w| w.strong_count() > 0);
        }
    });
    STATS.with(|s| {
        let mut st = s.get();
        st.collections += 1;
        st.full += full as u64;
        st.collected += collected as u64;
        st.finalized += finalizing as u64;
        s.set(st);
    });
    collected
}

/// The live objects of a generation's typed entries, held strongly, in the entries'
/// own buffer (std's in-place `collect`: `Tracked` and `Held` have one size and
/// alignment).
fn upgrade_in_place(entries: Vec<Tracked>) -> Vec<Held> {
    entries.into_iter().filter_map(|t| if t.alive() { t.upgrade() } else { None }).collect()
}

/// The same for the built-in objects of the `Object` trait (`WeakObj` and `ObjRef`).
fn upgrade_dyn_in_place(entries: Vec<WeakObj>) -> Vec<ObjRef> {
    entries.into_iter().filter_map(|w| w.upgrade()).collect()
}

/// A collection's flag: the object is reachable from outside the generation (after
/// marking; before it, a duplicate entry or an object whose references could not be
/// read).
const REACHABLE: u8 = 1;
/// A collection's flag: the object refers to at least one object of the generation
/// (found while subtracting), so marking walks its references.
const LINKED: u8 = 2;

/// The reachable objects' entries ([`REACHABLE`] set in `flags`), in the scan's own
/// buffers (as [`upgrade_in_place`]); the others go to `garbage`.
fn survivors_in_place(objs: Scan, flags: &[u8], garbage: &mut Vec<Obj>) -> (Vec<Tracked>, Vec<WeakObj>) {
    let n1 = objs.held.len();
    let typed = objs
        .held
        .into_iter()
        .enumerate()
        .filter_map(|(i, h)| {
            if flags[i] & REACHABLE != 0 {
                let o = h.view();
                match o.downgrade() {
                    Entry::Typed(t) => Some(t),
                    Entry::Dyn(_) => unreachable!("a typed object"),
                }
            } else {
                garbage.push(h.into_obj());
                None
            }
        })
        .collect();
    let dyns = objs
        .dyns
        .into_iter()
        .enumerate()
        .filter_map(|(i, o)| {
            if flags[n1 + i] & REACHABLE != 0 {
                Some(o.downgrade_thin())
            } else {
                garbage.push(Obj::Obj(o));
                None
            }
        })
        .collect();
    (typed, dyns)
}

const _: () = assert!(std::mem::size_of::<Tracked>() == 8 && std::mem::size_of::<Held>() == 8);
const _: () = assert!(std::mem::align_of::<Tracked>() == std::mem::align_of::<Held>());
const _: () = assert!(std::mem::size_of::<WeakObj>() == std::mem::size_of::<ObjRef>() && std::mem::align_of::<WeakObj>() == std::mem::align_of::<ObjRef>());

/// Print the collector's counters on stderr if `CORO_GC_STATS` is set (at exit).
pub fn report_stats() {
    if std::env::var_os("CORO_GC_STATS").is_some() {
        let s = stats();
        eprintln!("gc: {} collections ({} full), {} objects collected, {} generators finalized, {} tracked", s.collections, s.full, s.collected, s.finalized, tracked());
    }
}

/// Tags a word with an index in the generation being collected.
const MARK: usize = 1 << 63;
/// Where the weak count is kept in a marked word (the index is in the low 32 bits).
const WEAK_SHIFT: u32 = 32;

/// The collection's index of its objects, kept in their `Rc` allocations: while the
/// generation is scanned, each object's weak count (the word before the value in an
/// `Rc`'s block: `RcInner` is `repr(C)` { strong, weak, value }) holds [`MARK`], the
/// real weak count and the object's index, and is restored before anything can
/// create or drop a `Weak` (only `children`, which reads, runs in between). An edge
/// to an object is then one load: marked, it is in the generation. Checked on the
/// first object of each collection against `Rc::weak_count`.
struct Marks(());

impl Marks {
    /// The weak-count word of the `Rc` allocation whose value is at `a`.
    #[inline(always)]
    fn word(a: usize) -> *mut usize {
        (a - std::mem::size_of::<usize>()) as *mut usize
    }

    /// Mark every object with its index; a second entry of an object already marked
    /// is flagged [`REACHABLE`] (its object is scanned once, through the first).
    fn set(objs: &Scan, dup: &mut [u8]) -> Marks {
        if objs.len() > 0 {
            let (a, weak) = objs.view(0).weak_word();
            // SAFETY: `a` is the value of a live `Rc` allocation (held by `objs`).
            assert_eq!(unsafe { *Marks::word(a) }, weak, "Rc layout: the weak count is not the word before the value");
        }
        for i in 0..objs.len() {
            let w = Marks::word(objs.addr(i));
            // SAFETY: the weak count of a live `Rc` allocation (held by `objs`); no
            // `Weak` of it is made or dropped until `clear`.
            unsafe {
                let weak = *w;
                if weak & MARK != 0 {
                    dup[i] = REACHABLE;
                    continue;
                }
                assert!(weak < 1 << 31, "weak count too large to keep beside a mark");
                *w = MARK | weak << WEAK_SHIFT | i;
            }
        }
        Marks(())
    }

    /// The index of the object at address `a` (the value of a live `Rc`), if it is in
    /// the generation.
    #[inline(always)]
    fn index(a: usize) -> Option<usize> {
        // SAFETY: every address `children` reports is the value of a live `Rc`
        // allocation (objects with an alignment above 16 are refused by `ObjRef`).
        let w = unsafe { *Marks::word(a) };
        if w & MARK != 0 { Some(w & 0xFFFF_FFFF) } else { None }
    }

    /// Restore every object's weak count.
    fn clear(self, objs: &Scan) {
        for i in 0..objs.len() {
            let w = Marks::word(objs.addr(i));
            // SAFETY: as in `set`.
            unsafe {
                if *w & MARK != 0 {
                    *w = (*w & !MARK) >> WEAK_SHIFT;
                }
            }
        }
    }
}

/// A new registered dict.
#[inline]
pub fn new_dict(d: Dict) -> Rc<Dict> {
    let r = Rc::new(d);
    track_dict(&r);
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::gc_entry::{kind_of, Kind};

    /// The collector's index kept in the weak counts: set, read through any `Rc` of
    /// the object, absent for an object outside the generation, and the counts come
    /// back exactly (a `Weak` made afterwards still works).
    #[test]
    fn marks_keep_the_index_in_the_weak_count() {
        let a = Rc::new(List::new(vec![]));
        let b = Rc::new(Dict::new());
        let outside = Rc::new(List::new(vec![]));
        let wa = Rc::downgrade(&a);
        let (wa2, wb) = (Rc::downgrade(&a), Rc::downgrade(&b));
        let objs = Scan { held: vec![Held::new(b.clone()), Held::new(a.clone()), Held::new(a.clone())], dyns: vec![] };
        let mut dup = vec![0u8; 3];
        let marks = Marks::set(&objs, &mut dup);
        assert_eq!(dup, [0, 0, REACHABLE]);
        assert_eq!(Marks::index(addr(&b)), Some(0));
        assert_eq!(Marks::index(addr(&a)), Some(1));
        assert_eq!(Marks::index(addr(&outside)), None);
        marks.clear(&objs);
        assert_eq!(Rc::weak_count(&a), 2);
        assert_eq!(Rc::weak_count(&b), 1);
        assert_eq!(Rc::weak_count(&outside), 0);
        drop((wa2, wb));
        assert_eq!(Rc::weak_count(&a), 1);
        drop(objs);
        assert_eq!(Rc::strong_count(&a), 1);
        assert!(wa.upgrade().is_some());
        drop(a);
        assert!(wa.upgrade().is_none());
    }

    /// A collection's scratch memory: the entries are upgraded and downgraded again in
    /// their own buffers (no second buffer per object at the memory peak); dead
    /// entries are dropped, unreachable objects set aside; typed entries are 8 bytes
    /// with their kind in the top byte, and built-in objects' thin weak references
    /// work both ways; every count comes back exactly.
    #[test]
    fn entries_are_upgraded_and_kept_in_place() {
        let a = Rc::new(List::new(vec![]));
        let b = Rc::new(Dict::new());
        let dead = Rc::new(List::new(vec![]));
        let o = ObjRef::new(crate::runtime::descr::StaticMethod(Value::None));
        let o2 = ObjRef::new(crate::runtime::descr::StaticMethod(Value::None));
        let entries = vec![Tracked::new(Rc::downgrade(&a)), Tracked::new(Rc::downgrade(&dead)), Tracked::new(Rc::downgrade(&b))];
        assert_eq!(kind_of(entries[2].0), Kind::Dict);
        assert_eq!(entries[0].0 & ADDR_MASK, addr(&a));
        let dyn_entries = vec![o.downgrade_thin(), o2.downgrade_thin()];
        drop(dead);
        let (buf, dbuf) = (entries.as_ptr() as usize, dyn_entries.as_ptr() as usize);
        let objs = Scan { held: upgrade_in_place(entries), dyns: upgrade_dyn_in_place(dyn_entries) };
        assert_eq!(objs.held.as_ptr() as usize, buf);
        assert_eq!(objs.dyns.as_ptr() as usize, dbuf);
        assert_eq!(objs.len(), 4);
        assert!(matches!(&*objs.view(1), Obj::Dict(d) if Rc::ptr_eq(d, &b)));
        assert!(matches!(&*objs.view(3), Obj::Obj(r) if ObjRef::ptr_eq(r, &o2)));
        assert_eq!((Rc::strong_count(&a), o.strong_count(), Rc::strong_count(&b)), (2, 2, 2));
        let mut garbage = Vec::new();
        let (survivors, survivors_dyn) = survivors_in_place(objs, &[REACHABLE, 0, REACHABLE | LINKED, LINKED], &mut garbage);
        assert_eq!(survivors.as_ptr() as usize, buf);
        assert_eq!(survivors_dyn.as_ptr() as usize, dbuf);
        assert_eq!((survivors.len(), survivors_dyn.len(), garbage.len()), (1, 1, 2));
        drop(garbage);
        assert_eq!((Rc::strong_count(&a), o.strong_count(), Rc::strong_count(&b), o2.strong_count()), (1, 1, 1, 1));
        assert!(survivors.iter().all(Tracked::alive));
        assert_eq!(Rc::weak_count(&b), 0);
        drop(a);
        assert!(!survivors[0].alive());
        drop(o);
        assert_eq!(survivors_dyn[0].strong_count(), 0);
        let mut survivors = survivors;
        assert!(survivors.pop().unwrap().upgrade().is_none());
        drop((survivors, survivors_dyn));
    }
}
