//! What each object the cycle collector tracks refers to ([`children`]), and how an
//! unreachable one lets go of its references ([`clear`]); built-in objects of the
//! [`Object`] trait answer both themselves through a [`Visit`].

use super::dict::{Dict, DictTable};
use super::gc::{addr, value_addr, visit_value, Obj};
use super::generator::GenState;
use super::iter::IterState;
use super::value::Value;
use super::Runtime;
use crate::eval::frame::{Completion, Frame};
use std::rc::Rc;

/// What a built-in object's [`Object::traverse`](super::object::Object::traverse)
/// reports its references to: each strong reference it holds, as often as it holds it.
pub struct Visit<'a> {
    f: &'a mut dyn FnMut(usize),
}

impl Visit<'_> {
    /// A value the object holds.
    #[inline]
    pub fn value(&mut self, v: &Value) {
        if let Some(a) = value_addr(v) {
            (self.f)(a);
        }
    }

    /// An object the object holds through an `Rc` of the object's own type (a future,
    /// a generator, an exception, a dict).
    #[inline]
    pub fn rc<T: ?Sized>(&mut self, r: &Rc<T>) {
        (self.f)(addr(r));
    }
}

/// Visit a dict held by an object: its entries count as the object's own when the
/// object holds the only reference (instance, class and function namespaces are not
/// registered by themselves), otherwise the dict is a reference like any other.
fn visit_owned_dict(d: &Rc<Dict>, f: &mut impl FnMut(usize)) -> bool {
    if Rc::strong_count(d) == 1 {
        let Ok(t) = d.try_borrow_table() else { return false };
        for e in t.iter() {
            visit_value(&e.key, f);
            visit_value(&e.value, f);
        }
    } else {
        f(addr(d));
    }
    true
}

fn visit_frame(fr: &Frame, f: &mut impl FnMut(usize)) {
    for v in fr.locals.iter().flatten() {
        visit_value(v, f);
    }
    for c in fr.cells() {
        f(addr(c));
    }
    for v in &fr.stack {
        visit_value(v, f);
    }
    f(addr(&fr.globals));
    if let Some(ns) = fr.ns() {
        f(addr(ns));
    }
    if let Some(g) = fr.owner() {
        f(g as *const _ as *const u8 as usize);
    }
    for c in fr.pending() {
        match c {
            Completion::Return(v) => visit_value(v, f),
            Completion::Raise(e) => f(addr(e)),
            _ => {}
        }
    }
    for e in fr.saved_handled() {
        f(addr(e));
    }
    if let Some(e) = fr.throw_ref() {
        f(addr(e));
    }
}

/// Call `f` with the address of every object `o` holds a strong reference to (each
/// reference once). Returns false when a borrow failed (some references were skipped).
pub(super) fn children(o: &Obj, f: &mut impl FnMut(usize)) -> bool {
    match o {
        Obj::List(l) => {
            let Ok(items) = l.try_borrow_items() else { return false };
            for v in items.iter() {
                visit_value(v, f);
            }
        }
        Obj::Dict(d) => {
            let Ok(t) = d.try_borrow_table() else { return false };
            for e in t.iter() {
                visit_value(&e.key, f);
                visit_value(&e.value, f);
            }
        }
        Obj::Tuple(t) => {
            for v in t.items() {
                visit_value(v, f);
            }
        }
        Obj::Inst(i) => {
            let Ok(c) = i.class.try_borrow() else { return false };
            f(addr(&c));
            match i.shared_dict() {
                Some(d) => {
                    if !visit_owned_dict(d, f) {
                        return false;
                    }
                }
                None => {
                    let Some(vals) = i.try_values() else { return false };
                    for v in vals.iter() {
                        visit_value(v, f);
                    }
                }
            }
            if let Some(x) = &i.exc {
                let Ok(x) = x.try_borrow() else { return false };
                for v in &x.args {
                    visit_value(v, f);
                }
                for v in [&x.cause, &x.context, &x.extra, &x.name, &x.obj].into_iter().flatten() {
                    visit_value(v, f);
                }
                for tb in &x.traceback {
                    for v in &tb.keep {
                        visit_value(v, f);
                    }
                }
            }
            let Ok(b) = i.base.try_borrow() else { return false };
            if let Some(v) = &*b {
                visit_value(v, f);
            }
        }
        Obj::Class(c) => {
            if !visit_owned_dict(&c.dict, f) {
                return false;
            }
            let (Ok(bases), Ok(mro)) = (c.bases.try_borrow(), c.mro.try_borrow()) else { return false };
            for b in bases.iter().chain(mro.iter()) {
                f(addr(b));
            }
        }
        Obj::Func(func) => {
            f(addr(&func.globals));
            let (Ok(d), Ok(k), Ok(dict), Ok(doc)) = (func.defaults.try_borrow(), func.kwdefaults.try_borrow(), func.dict.try_borrow(), func.doc.try_borrow()) else {
                return false;
            };
            for v in d.iter().chain(k.iter().flatten()) {
                visit_value(v, f);
            }
            for c in func.closure.iter() {
                f(addr(c));
            }
            if let Some(dict) = &*dict {
                if !visit_owned_dict(dict, f) {
                    return false;
                }
            }
            visit_value(&doc, f);
        }
        Obj::Cell(c) => {
            let Ok(v) = c.value.try_borrow() else { return false };
            if let Some(v) = &*v {
                visit_value(v, f);
            }
        }
        Obj::Method(m) => {
            visit_value(&m.func, f);
            visit_value(&m.receiver, f);
        }
        Obj::Set(s) => {
            let Ok(t) = s.try_borrow() else { return false };
            for (v, _) in t.iter() {
                visit_value(v, f);
            }
        }
        Obj::Gen(g) => {
            let Ok(fr) = g.frame().try_borrow() else { return false };
            if let Some(fr) = &*fr {
                visit_frame(fr, f);
            }
        }
        Obj::Native(n) => {
            if let Some(b) = &n.bound {
                visit_value(b, f);
            }
        }
        Obj::Iter(it) => {
            let Ok(st) = it.state.try_borrow() else { return false };
            match &*st {
                IterState::List(l, _) | IterState::ListRev(l, _) => f(addr(l)),
                IterState::Tuple(t, _) => f(addr(t)),
                IterState::Dict(d, ..) => f(addr(d)),
                IterState::Set(s, items, ..) => {
                    f(addr(s));
                    for v in items {
                        visit_value(v, f);
                    }
                }
                IterState::Values(items, _) => {
                    for v in items {
                        visit_value(v, f);
                    }
                }
                IterState::Range(..) | IterState::BigRange(..) | IterState::Str(..) | IterState::Bytes(..) | IterState::Done => {}
            }
        }
        Obj::Obj(o) => return o.traverse(&mut Visit { f }),
    }
    true
}

/// Take a dict's entries out (to drop them after the borrow ends).
fn take_table(d: &Dict) -> Option<DictTable> {
    let mut t = d.try_borrow_table_mut().ok()?;
    let old = std::mem::take(&mut *t);
    t.version = old.version.wrapping_add(1);
    Some(old)
}

/// Drop the references an unreachable object holds (the cycle breaks here). Whatever
/// is taken out is dropped after its borrow ended.
pub(super) fn clear(rt: &mut Runtime, o: &Obj) {
    match o {
        Obj::List(l) => {
            let items = l.try_borrow_items_mut().map(|mut v| std::mem::take(&mut *v));
            drop(items);
        }
        Obj::Dict(d) => drop(take_table(d)),
        // Objects that cannot change what they refer to after they are made: a cycle
        // through them also goes through a container that can, which is cleared.
        Obj::Tuple(_) | Obj::Method(_) | Obj::Native(_) | Obj::Iter(_) => {}
        Obj::Obj(o) => o.clear_refs(),
        Obj::Set(s) => {
            let t = s.try_borrow_mut().map(|mut t| std::mem::take(&mut *t));
            drop(t);
        }
        Obj::Inst(i) => {
            match i.shared_dict() {
                Some(d) if Rc::strong_count(d) == 1 => drop(take_table(d)),
                Some(_) => {}
                None => drop(i.take_values()),
            }
            if let Some(x) = &i.exc {
                let data = x.try_borrow_mut().map(|mut x| std::mem::take(&mut *x));
                drop(data);
            }
            let base = i.base.try_borrow_mut().map(|mut b| b.take());
            drop(base);
        }
        Obj::Class(c) => {
            if Rc::strong_count(&c.dict) == 1 {
                drop(take_table(&c.dict));
            }
        }
        Obj::Func(func) => {
            let d = func.defaults.try_borrow_mut().map(|mut d| std::mem::take(&mut *d));
            let k = func.kwdefaults.try_borrow_mut().map(|mut k| std::mem::take(&mut *k));
            let dict = func.dict.try_borrow_mut().map(|mut d| d.take());
            let doc = func.doc.try_borrow_mut().map(|mut d| std::mem::replace(&mut *d, Value::None));
            drop((d, k, dict, doc));
        }
        Obj::Cell(c) => {
            let v = c.value.try_borrow_mut().map(|mut v| v.take());
            drop(v);
        }
        Obj::Gen(g) => {
            if g.state() == GenState::Created {
                let fr = g.frame().try_borrow_mut().ok().and_then(|mut f| f.take());
                g.set_state(GenState::Finished);
                if let Some(fr) = fr {
                    rt.recycle(fr);
                }
            }
        }
    }
}

