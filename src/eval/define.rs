//! Definitions: `def`, `lambda`, `class` and comprehensions turn code into objects.

use super::exec::call_then;
use super::expr::{eval, Ev};
use super::frame::{Activation, Frame, ReturnMode};
use super::ir::*;
use super::machine::Act;
use super::step::Step;
use super::store;
use crate::ops::{self, Fail};
use crate::runtime::class::{Class, Exc, Kind};
use crate::runtime::descr::Property;
use crate::runtime::dict::Dict;
use crate::runtime::function::{CellObj, Function};
use crate::runtime::intern::intern;
use crate::runtime::object::{downcast, Object};
use crate::runtime::value::Value;
use crate::runtime::Runtime;
use crate::syntax::ast::FuncKind;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// State offset: decorators are being applied.
const DECORATE: u32 = 1 << 20;
/// State: a class body returned its namespace.
const BODY_DONE: u32 = 1 << 19;

/// The cells a new function closes over, taken from the defining frame.
fn closure(f: &Frame, refs: &[CellRef]) -> Box<[Rc<CellObj>]> {
    refs.iter().map(|r| f.cells()[r.0 as usize].clone()).collect()
}

/// Create a function object.
fn make_function(f: &Frame, def: &'static FuncDefX, defaults: Vec<Value>, kwvals: Vec<Value>) -> Value {
    let code = def.code;
    let mut kwdefaults = vec![None; code.sig.kwonly as usize];
    for ((i, _), v) in def.kwdefaults.iter().zip(kwvals) {
        kwdefaults[*i as usize] = Some(v);
    }
    let func = Rc::new(Function {
        code,
        globals: f.globals.clone(),
        defaults: RefCell::new(defaults),
        kwdefaults: RefCell::new(kwdefaults),
        closure: closure(f, &def.closure),
        name: RefCell::new(code.name.clone()),
        qualname: RefCell::new(code.qualname.clone()),
        dict: RefCell::new(None),
        doc: RefCell::new(code.doc.clone().unwrap_or(Value::None)),
    });
    crate::runtime::gc::track_func(&func);
    Value::Func(func)
}

/// Evaluate expressions `list[from..]` onto the stack, continuing at state `base + i`.
fn eval_seq(rt: &mut Runtime, f: &mut Frame, list: &[&'static Expr], from: usize, cont: impl Fn(u32) -> Step) -> Result<(), Act> {
    for (i, x) in list.iter().enumerate().skip(from) {
        match eval(rt, f, x, cont(i as u32 + 1)) {
            Ev::Val(v) => f.push(v),
            Ev::Pending(a) => return Err(a),
            Ev::Raise(x) => return Err(Act::Raise(x)),
        }
    }
    Ok(())
}

fn func_exprs(def: &'static FuncDefX, with_decorators: bool) -> Vec<&'static Expr> {
    let mut v: Vec<&'static Expr> = Vec::new();
    if with_decorators {
        v.extend(def.decorators.iter());
    }
    v.extend(def.defaults.iter());
    v.extend(def.kwdefaults.iter().map(|(_, x)| x));
    v
}

/// `def`: evaluate decorators and defaults, create the function, decorate, store.
pub fn func_def(rt: &mut Runtime, f: &mut Frame, s: &'static Stmt, st: u32) -> Act {
    let StmtKind::FuncDef(def, target) = &s.kind else { unreachable!() };
    if st >= DECORATE {
        return decorate(rt, f, s, st - DECORATE, target);
    }
    let exprs = func_exprs(def, true);
    if let Err(a) = eval_seq(rt, f, &exprs, st as usize, |i| Step::Stmt(s, i)) {
        return a;
    }
    let nk = def.kwdefaults.len();
    let nd = def.defaults.len();
    let kwvals = f.stack.split_off(f.stack.len() - nk);
    let defaults = f.stack.split_off(f.stack.len() - nd);
    let func = make_function(f, def, defaults, kwvals);
    f.push(func);
    decorate(rt, f, s, def.decorators.len() as u32, target)
}

/// Apply the `k` decorators left below the value on top of the stack, innermost first,
/// then store the result.
fn decorate(rt: &mut Runtime, f: &mut Frame, s: &'static Stmt, k: u32, target: &'static Target) -> Act {
    if k == 0 {
        let v = f.pop();
        return store::store(rt, f, target, v);
    }
    let v = f.pop();
    let d = f.pop();
    call_then(rt, f, &d, &[v], Step::Stmt(s, DECORATE + k - 1))
}

/// `lambda`: evaluate defaults and create the function.
pub fn lambda(rt: &mut Runtime, f: &mut Frame, e: &'static Expr, def: &'static FuncDefX, st: u32) -> Act {
    let exprs = func_exprs(def, false);
    if let Err(a) = eval_seq(rt, f, &exprs, st as usize, |i| Step::Cont(e, i)) {
        return a;
    }
    let kwvals = f.stack.split_off(f.stack.len() - def.kwdefaults.len());
    let defaults = f.stack.split_off(f.stack.len() - def.defaults.len());
    let func = make_function(f, def, defaults, kwvals);
    f.push(func);
    Act::Next
}

/// The `__class__` cell handed from a class body to the class it creates.
pub struct ClassCell(pub Rc<CellObj>);

impl Object for ClassCell {
    fn class(&self, rt: &Runtime) -> Rc<Class> {
        rt.types.other("cell")
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// `class`: evaluate decorators, bases and keywords, run the body, build the class.
pub fn class_def(rt: &mut Runtime, f: &mut Frame, s: &'static Stmt, st: u32) -> Act {
    let StmtKind::ClassDef(def, target) = &s.kind else { unreachable!() };
    if st >= DECORATE {
        return decorate(rt, f, s, st - DECORATE, target);
    }
    if st == BODY_DONE {
        let ns = match f.pop() {
            Value::Dict(d) => d,
            _ => Rc::new(Dict::new()),
        };
        let nkw = def.keywords.len();
        let _kw = f.stack.split_off(f.stack.len() - nkw);
        let mut bases = f.stack.split_off(f.stack.len() - def.bases.len());
        if def.star_bases.iter().any(|s| *s) {
            let mut flat = Vec::with_capacity(bases.len());
            for (b, star) in bases.into_iter().zip(def.star_bases.iter()) {
                if !*star {
                    flat.push(b);
                    continue;
                }
                match crate::ops::iter::collect(rt, &b) {
                    Ok(xs) => flat.extend(xs),
                    Err(e) => return Act::Raise(crate::ops::expect_raise(e)),
                }
            }
            bases = flat;
        }
        return match build_class(rt, def.name.clone(), def.qualname.clone(), bases, ns) {
            Ok(cls) => {
                f.push(cls);
                decorate(rt, f, s, def.decorators.len() as u32, target)
            }
            Err(e) => Act::Raise(e),
        };
    }
    let mut exprs: Vec<&'static Expr> = def.decorators.iter().collect();
    exprs.extend(def.bases.iter());
    exprs.extend(def.keywords.iter().map(|(_, x)| x));
    if let Err(a) = eval_seq(rt, f, &exprs, st as usize, |i| Step::Stmt(s, i)) {
        return a;
    }
    // Run the body with a fresh namespace.
    let code = def.body;
    let ns = Rc::new(Dict::new());
    let module = f.globals.get_str(&intern("__name__")).unwrap_or_else(|| Value::str("__main__"));
    ns.set_str(intern("__module__"), module);
    ns.set_str(intern("__qualname__"), Value::Str(def.qualname.clone()));
    if let Some(doc) = &code.doc {
        ns.set_str(intern("__doc__"), doc.clone());
    }
    let mut body = rt.new_frame(code, f.globals.clone());
    for _ in 0..code.cellvars.len() {
        body.cells_mut().push(CellObj::new(None));
    }
    body.cells_mut().extend(closure(f, &def.closure).iter().cloned());
    if let Some(idx) = def.class_cell {
        ns.set_str(intern("__classcell__"), Value::Obj(crate::runtime::objref::ObjRef::new(ClassCell(body.cells()[idx as usize].clone()))));
    }
    body.set_ns(Some(ns));
    body.mode = ReturnMode::Value;
    if !code.body.is_empty() {
        body.work.push(Step::Block(&code.body, 0));
    }
    f.work.push(Step::Stmt(s, BODY_DONE));
    Act::Call(Activation::Script(body))
}

/// Create a class from its name, bases and namespace (what `type(name, bases, ns)` does).
pub fn build_class(rt: &mut Runtime, name: Rc<crate::runtime::str::PyStr>, qualname: Rc<crate::runtime::str::PyStr>, bases: Vec<Value>, ns: Rc<Dict>) -> Result<Value, Exc> {
    let mut base_classes = Vec::new();
    for b in bases {
        match b {
            Value::Class(c) => base_classes.push(c),
            other => {
                let tn = ops::type_name(rt, &other);
                return Err(rt.type_error(format!("bases must be types, not {tn}")));
            }
        }
    }
    if base_classes.is_empty() {
        base_classes.push(rt.types.object.clone());
    }
    for (i, b) in base_classes.iter().enumerate() {
        if base_classes[..i].iter().any(|x| Rc::ptr_eq(x, b)) {
            return Err(rt.type_error(format!("duplicate base class {}", b.name_str())));
        }
    }
    let mro = crate::runtime::mro::c3(&base_classes).map_err(|m| rt.type_error(m))?;
    let kind = if base_classes.iter().any(|b| b.kind == Kind::Exception) {
        Kind::Exception
    } else {
        base_classes.iter().map(|b| b.kind).find(|k| *k != Kind::Object).unwrap_or(Kind::Object)
    };
    let module = match ns.get_str(&intern("__module__")) {
        Some(Value::Str(m)) => m,
        _ => intern("__main__"),
    };
    let cell = ns.del_str(&intern("__classcell__"));
    ns.borrow_mut().class_ns = true;
    let cls = Rc::new(Class {
        name: RefCell::new(name),
        qualname: RefCell::new(qualname),
        module: RefCell::new(module),
        bases: RefCell::new(base_classes),
        mro: RefCell::new(mro),
        dict: ns.clone(),
        kind,
        builtin: false,
        has_getattr: Cell::new(false),
        has_eq: Cell::new(false),
        attr_cache: Default::default(),
    });
    crate::runtime::gc::track_class(&cls);
    cls.has_getattr.set(ops::attr::class_lookup(&cls, "__getattr__").is_some());
    cls.has_eq.set(super::call::user_attr(&cls, "__eq__").is_some());
    if let Some(c) = cell.as_ref().and_then(|c| downcast::<ClassCell>(c)) {
        *c.0.value.borrow_mut() = Some(Value::Class(cls.clone()));
    }
    // `__set_name__` for properties (used in their error messages).
    let entries: Vec<(Value, Value)> = ns.borrow().iter().map(|e| (e.key.clone(), e.value.clone())).collect();
    for (k, v) in entries {
        if let (Value::Str(k), Some(p)) = (&k, downcast::<Property>(&v)) {
            *p.name.borrow_mut() = Some(k.clone());
        }
    }
    Ok(Value::Class(cls))
}

/// A comprehension: evaluate the first iterable, then run the comprehension's code.
pub fn comprehension(rt: &mut Runtime, f: &mut Frame, e: &'static Expr, c: &'static CompX, st: u32) -> Act {
    if st == 0 {
        return match eval(rt, f, &c.iter, Step::Cont(e, 1)) {
            Ev::Val(v) => {
                f.push(v);
                comprehension(rt, f, e, c, 1)
            }
            Ev::Pending(a) => a,
            Ev::Raise(x) => Act::Raise(x),
        };
    }
    if st == 2 {
        // An async comprehension's coroutine finished: its value is the result.
        return Act::Next;
    }
    let iterable = f.pop();
    let it = if c.first_async {
        match super::iterate::aiter(rt, &iterable) {
            Ok(v) => v,
            Err(x) => return Act::Raise(x),
        }
    } else {
        match ops::iter::iter(rt, &iterable) {
            Ok(v) => v,
            Err(Fail::Raise(x)) => return Act::Raise(x),
            Err(Fail::Slow) => unreachable!(),
        }
    };
    let code = c.code;
    let mut fr = rt.new_frame(code, f.globals.clone());
    fr.locals[0] = Some(it);
    if code.ncells() > 0 {
        for _ in 0..code.cellvars.len() {
            fr.cells_mut().push(CellObj::new(None));
        }
        fr.cells_mut().extend(closure(f, &c.closure).iter().cloned());
        for &(slot, cell) in &code.cell_params {
            let v = fr.locals[slot as usize].take();
            *fr.cells()[cell as usize].value.borrow_mut() = v;
        }
    }
    if !code.body.is_empty() {
        fr.work.push(Step::Block(&code.body, 0));
    }
    match code.func_kind {
        FuncKind::Plain => Act::Call(Activation::Script(fr)),
        k => {
            let gk = match k {
                FuncKind::Generator => crate::runtime::generator::GenKind::Generator,
                FuncKind::Coroutine => crate::runtime::generator::GenKind::Coroutine,
                _ => crate::runtime::generator::GenKind::AsyncGenerator,
            };
            let g = Rc::new(crate::runtime::generator::Generator::new(gk, code, fr, code.name.clone(), code.qualname.clone()));
            if gk == crate::runtime::generator::GenKind::Coroutine {
                // `[x async for ...]` inside a coroutine: await it right away.
                f.work.push(Step::Cont(e, 2));
                return super::suspend::await_now(rt, f, Value::Gen(g));
            }
            f.push(Value::Gen(g));
            Act::Next
        }
    }
}
