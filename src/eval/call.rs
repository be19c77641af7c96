//! Calls: evaluating a call expression, binding arguments to parameters with CPython's
//! errors, and turning a callee into a new frame, a value, or a native task.

use super::expr::{eval, Ev};
use super::frame::{Activation, Frame, FrameBox, ReturnMode};
use super::ir::*;
use super::machine::Act;
use super::native::{Args, Ret};
use super::step::Step;
use crate::ops::{self, Fail};
use crate::runtime::class::{Class, Exc, Instance, Kind};
use crate::runtime::dict::Dict;
use crate::runtime::function::{CellObj, Function};
use crate::runtime::generator::{GenKind, Generator};
use crate::runtime::str::PyStr;
use crate::runtime::value::Value;
use crate::runtime::Runtime;
use crate::syntax::ast::FuncKind;
use std::rc::Rc;

/// What calling something amounts to.
pub enum Prep {
    /// The call completed with this value.
    Value(Value),
    /// The call raised.
    Raise(Exc),
    /// Run this activation; its result is the call's result.
    Push(Activation),
}

impl From<Ret> for Prep {
    fn from(r: Ret) -> Prep {
        match r {
            Ret::Val(v) => Prep::Value(v),
            Ret::Raise(e) => Prep::Raise(e),
            Ret::Frame(f) => Prep::Push(Activation::Script(f)),
            Ret::Task(t) => Prep::Push(Activation::Task(t)),
        }
    }
}

/// Prepare a call of `callee` with positional values then keyword values (named by
/// `kwnames`).
pub fn prepare_call(rt: &mut Runtime, callee: &Value, args: &[Value], kwnames: &[Rc<PyStr>]) -> Prep {
    match callee {
        Value::Func(func) if func.code.simple_call && kwnames.is_empty() && args.len() == func.code.sig.args as usize => {
            Prep::Push(Activation::Script(simple_frame(rt, func, None, args)))
        }
        Value::Func(func) => match function_frame(rt, func, args, kwnames) {
            Ok(fr) => match func.code.func_kind {
                FuncKind::Plain => Prep::Push(Activation::Script(fr)),
                k => Prep::Value(make_generator(func, k, fr)),
            },
            Err(e) => Prep::Raise(e),
        },
        Value::Native(n) => match &n.bound {
            None => (n.func)(rt, Args::new(args, kwnames)).into(),
            Some(recv) => {
                let mut all = Vec::with_capacity(args.len() + 1);
                all.push(recv.clone());
                all.extend_from_slice(args);
                (n.func)(rt, Args::new(&all, kwnames)).into()
            }
        },
        Value::Method(m) => {
            if let Value::Func(func) = &m.func {
                if func.code.simple_call && kwnames.is_empty() && args.len() + 1 == func.code.sig.args as usize {
                    return Prep::Push(Activation::Script(simple_frame(rt, func, Some(&m.receiver), args)));
                }
                if func.code.simple_gen && kwnames.is_empty() && args.len() + 1 == func.code.sig.args as usize {
                    let fr = parked_frame(func, Some(&m.receiver), args);
                    return Prep::Value(make_generator(func, func.code.func_kind, fr));
                }
            }
            let mut all = Vec::with_capacity(args.len() + 1);
            all.push(m.receiver.clone());
            all.extend_from_slice(args);
            prepare_call(rt, &m.func, &all, kwnames)
        }
        Value::Class(c) => instantiate(rt, c, args, kwnames),
        Value::Inst(_) | Value::Obj(_) => {
            if let Some(m) = ops::attr::lookup_special(rt, callee, "__call__") {
                let mut all = Vec::with_capacity(args.len() + 1);
                all.push(callee.clone());
                all.extend_from_slice(args);
                return prepare_call(rt, &m, &all, kwnames);
            }
            if let Some(r) = crate::builtins::attrs::call_object(rt, callee, Args::new(args, kwnames)) {
                return r.into();
            }
            not_callable(rt, callee)
        }
        _ => not_callable(rt, callee),
    }
}

fn not_callable(rt: &Runtime, v: &Value) -> Prep {
    Prep::Raise(rt.type_error(format!("'{}' object is not callable", ops::type_name(rt, v))))
}

/// A frame for a call of `func` (a `Code::simple_call` function) given exactly its
/// positional parameters: `recv` (a method's receiver) and `args` are copied into its
/// locals, with no argument binding.
#[inline]
pub fn simple_frame(rt: &mut Runtime, func: &Function, recv: Option<&Value>, args: &[Value]) -> FrameBox {
    let code = func.code;
    let mut fr = rt.frame_for(code, &func.globals);
    if let Some(r) = recv {
        fr.locals.push(Some(r.clone()));
    }
    for a in args {
        fr.locals.push(Some(a.clone()));
    }
    while fr.locals.len() < code.nlocals() {
        fr.locals.push(None);
    }
    if !code.body.is_empty() {
        fr.work.push(Step::Block(&code.body, 0));
    }
    fr
}

/// Wrap a prepared frame into a generator, coroutine or async generator object.
pub fn make_generator(func: &Function, kind: FuncKind, fr: FrameBox) -> Value {
    let gk = match kind {
        FuncKind::Generator => GenKind::Generator,
        FuncKind::Coroutine => GenKind::Coroutine,
        _ => GenKind::AsyncGenerator,
    };
    let g = {
        let (name, qual) = (func.name.borrow(), func.qualname.borrow());
        if Rc::ptr_eq(&name, &func.code.name) && Rc::ptr_eq(&qual, &func.code.qualname) {
            // The function was not renamed: the generator's names are its code's.
            Generator::new_as_code(gk, func.code, fr)
        } else {
            Generator::new(gk, func.code, fr, name.clone(), qual.clone())
        }
    };
    let g = Rc::new(g);
    crate::runtime::gc::track_gen(&g);
    Value::Gen(g)
}

/// The parked frame of a call of `func` (a `Code::simple_gen` function) given exactly
/// its positional parameters: `recv` (a method's receiver) and `args` are copied into
/// its locals, with no argument binding; the body is scheduled.
#[inline]
pub fn parked_frame(func: &Function, recv: Option<&Value>, args: &[Value]) -> FrameBox {
    let code = func.code;
    let mut fr = Frame::new_parked_empty(code, func.globals.clone());
    if let Some(r) = recv {
        fr.locals.push(Some(r.clone()));
    }
    for a in args {
        fr.locals.push(Some(a.clone()));
    }
    parked_rest(fr)
}

/// A parked frame whose arguments are in its locals: the other locals unbound, the
/// body scheduled.
#[inline(always)]
fn parked_rest(mut fr: FrameBox) -> FrameBox {
    let code = fr.code;
    while fr.locals.len() < code.nlocals() {
        fr.locals.push(None);
    }
    if !code.body.is_empty() {
        fr.work.push(Step::Block(&code.body, 0));
    }
    fr
}

/// A new frame for `func` with its arguments bound, cells made and body scheduled.
pub fn function_frame(rt: &mut Runtime, func: &Rc<Function>, args: &[Value], kwnames: &[Rc<PyStr>]) -> Result<FrameBox, Exc> {
    let code = func.code;
    if code.simple_gen && kwnames.is_empty() && args.len() == code.sig.args as usize {
        return Ok(parked_frame(func, None, args));
    }
    let mut fr = if code.func_kind == FuncKind::Plain {
        rt.new_frame(code, func.globals.clone())
    } else {
        Frame::new_parked(code, func.globals.clone())
    };
    if let Err(e) = bind_args(rt, func, &mut fr, args, kwnames) {
        rt.recycle(fr);
        return Err(e);
    }
    if code.ncells() > 0 {
        for _ in 0..code.cellvars.len() {
            fr.cells_mut().push(CellObj::new(None));
        }
        fr.cells_mut().extend(func.closure.iter().cloned());
        for &(slot, cell) in &code.cell_params {
            let v = fr.locals[slot as usize].take();
            *fr.cells()[cell as usize].value.borrow_mut() = v;
        }
    }
    if !code.body.is_empty() {
        fr.work.push(Step::Block(&code.body, 0));
    }
    Ok(fr)
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 { format!("{n} {word}") } else { format!("{n} {word}s") }
}

fn name_list(names: &[&str]) -> String {
    let q: Vec<String> = names.iter().map(|n| format!("'{n}'")).collect();
    match q.len() {
        0 => String::new(),
        1 => q[0].clone(),
        2 => format!("{} and {}", q[0], q[1]),
        n => format!("{}, and {}", q[..n - 1].join(", "), q[n - 1]),
    }
}

/// Bind call arguments to the parameter slots of `fr`.
fn bind_args(rt: &mut Runtime, func: &Function, fr: &mut Frame, args: &[Value], kwnames: &[Rc<PyStr>]) -> Result<(), Exc> {
    let code = func.code;
    let sig = &code.sig;
    let nargs = sig.args as usize;
    let npos = args.len() - kwnames.len();
    if kwnames.is_empty() && !sig.vararg && !sig.kwarg && sig.kwonly == 0 && npos == nargs {
        for (slot, a) in fr.locals.iter_mut().zip(args) {
            *slot = Some(a.clone());
        }
        return Ok(());
    }
    let fname = || func.qualname.borrow().as_str().to_string();
    let defaults = func.defaults.borrow();
    let ndef = defaults.len();
    for i in 0..npos.min(nargs) {
        fr.locals[i] = Some(args[i].clone());
    }
    let vararg_slot = nargs + sig.kwonly as usize;
    let kwarg_slot = vararg_slot + sig.vararg as usize;
    if npos > nargs {
        if sig.vararg {
            fr.locals[vararg_slot] = Some(Value::tuple(args[nargs..npos].to_vec()));
        } else {
            let takes = if ndef > 0 {
                format!("from {} to {} positional arguments", nargs - ndef, nargs)
            } else {
                plural(nargs, "positional argument")
            };
            let given = if npos == 1 { "1 was given".to_string() } else { format!("{npos} were given") };
            let kwonly_given = kwnames
                .iter()
                .filter(|n| code.varnames[nargs..nargs + sig.kwonly as usize].iter().any(|v| v.as_str() == n.as_str()))
                .count();
            let extra = if kwonly_given > 0 {
                format!(
                    " positional argument{} (and {} keyword-only argument{}) were given",
                    if npos == 1 { "" } else { "s" },
                    kwonly_given,
                    if kwonly_given == 1 { "" } else { "s" }
                )
            } else {
                String::new()
            };
            let msg = if extra.is_empty() {
                format!("{}() takes {takes} but {given}", fname())
            } else {
                format!("{}() takes {takes} but {npos}{extra}", fname())
            };
            return Err(rt.type_error(msg));
        }
    } else if sig.vararg {
        fr.locals[vararg_slot] = Some(Value::tuple(vec![]));
    }
    let kwdict = if sig.kwarg { Some(crate::runtime::gc::new_dict(Dict::new())) } else { None };
    let mut posonly_as_kw: Vec<&str> = Vec::new();
    for (i, name) in kwnames.iter().enumerate() {
        let val = &args[npos + i];
        let found = code.varnames[..nargs + sig.kwonly as usize].iter().position(|v| v.as_str() == name.as_str());
        match found {
            Some(idx) if idx < sig.posonly as usize => match &kwdict {
                Some(d) => d.set_str(name.clone(), val.clone()),
                None => posonly_as_kw.push(name.as_str()),
            },
            Some(idx) => {
                if fr.locals[idx].is_some() {
                    return Err(rt.type_error(format!("{}() got multiple values for argument '{name}'", fname())));
                }
                fr.locals[idx] = Some(val.clone());
            }
            None => match &kwdict {
                Some(d) => d.set_str(name.clone(), val.clone()),
                None => {
                    return Err(rt.type_error(format!("{}() got an unexpected keyword argument '{name}'", fname())));
                }
            },
        }
    }
    if !posonly_as_kw.is_empty() {
        return Err(rt.type_error(format!(
            "{}() got some positional-only arguments passed as keyword arguments: '{}'",
            fname(),
            posonly_as_kw.join(", ")
        )));
    }
    let mut missing: Vec<&str> = Vec::new();
    for i in 0..nargs {
        if fr.locals[i].is_none() {
            if i + ndef >= nargs {
                fr.locals[i] = Some(defaults[i + ndef - nargs].clone());
            } else {
                missing.push(code.varnames[i].as_str());
            }
        }
    }
    if !missing.is_empty() {
        return Err(rt.type_error(format!(
            "{}() missing {} required positional argument{}: {}",
            fname(),
            missing.len(),
            if missing.len() == 1 { "" } else { "s" },
            name_list(&missing)
        )));
    }
    let kwdefaults = func.kwdefaults.borrow();
    for j in 0..sig.kwonly as usize {
        let slot = nargs + j;
        if fr.locals[slot].is_none() {
            match kwdefaults.get(j).cloned().flatten() {
                Some(d) => fr.locals[slot] = Some(d),
                None => missing.push(code.varnames[slot].as_str()),
            }
        }
    }
    if !missing.is_empty() {
        return Err(rt.type_error(format!(
            "{}() missing {} required keyword-only argument{}: {}",
            fname(),
            missing.len(),
            if missing.len() == 1 { "" } else { "s" },
            name_list(&missing)
        )));
    }
    if let Some(d) = kwdict {
        fr.locals[kwarg_slot] = Some(Value::Dict(d));
    }
    Ok(())
}

/// `cls(*args)`: create an instance and run `__init__`.
pub fn instantiate(rt: &mut Runtime, cls: &Rc<Class>, args: &[Value], kwnames: &[Rc<PyStr>]) -> Prep {
    if cls.builtin && cls.kind != Kind::Exception {
        let a = Args::new(args, kwnames);
        if let Some(r) = crate::builtins::consume::constructor_task(rt, cls, &a) {
            return r.into();
        }
        return crate::builtins::types::construct(rt, cls, a).into();
    }
    if cls.kind == Kind::Object {
        // The common `__init__(self, a, b)` of a class with no user `__new__`: the
        // instance and the arguments go straight into the frame's locals, the instance
        // also on its value stack for the return.
        if let Some(func) = cls.plain_init_func() {
            if func.code.simple_call && kwnames.is_empty() && args.len() + 1 == func.code.sig.args as usize {
                debug_assert!(!cls.builtin);
                let obj = Value::Inst(Instance::new_rc(cls.clone()));
                let mut fr = simple_frame(rt, &func, Some(&obj), args);
                fr.stack.push(obj);
                fr.mode = ReturnMode::Init;
                return Prep::Push(Activation::Script(fr));
            }
        }
    }
    // (`lookup_special` on the class itself would look in its metaclass, always the
    // built-in `type`, whose `__new__` is not a user one.)
    // A class recorded as having a plain `__init__` has no user `__new__` (for this
    // class epoch), so both lookups are skipped.
    let user_new = if cls.no_user_new() { None } else { user_attr(cls, "__new__") };
    let has_new = user_new.is_some();
    let obj = if let Some(new) = user_new {
        let new = match crate::runtime::object::downcast::<crate::runtime::descr::StaticMethod>(&new) {
            Some(s) => s.0.clone(),
            None => new,
        };
        let mut all = Vec::with_capacity(args.len() + 1);
        all.push(Value::Class(cls.clone()));
        all.extend_from_slice(args);
        match ops::call::call_with(rt, &new, &all, kwnames) {
            Ok(v) => {
                if !ops::isinstance(rt, &v, cls) {
                    return Prep::Value(v);
                }
                v
            }
            Err(Fail::Raise(e)) => return Prep::Raise(e),
            Err(Fail::Slow) => unreachable!(),
        }
    } else {
        let class = if cls.kind == Kind::Exception && cls.builtin && (2..=5).contains(&(args.len() - kwnames.len())) {
            // `OSError(errno, ...)` makes the subclass for the errno, as CPython's `OSError.__new__`.
            crate::builtins::exceptions::os_error_subclass(rt, cls, &args[0]).unwrap_or_else(|| cls.clone())
        } else {
            cls.clone()
        };
        let inst = Instance::new_rc(class);
        if cls.kind == Kind::Exception {
            inst.exc_data_mut().args = args[..args.len() - kwnames.len()].to_vec();
        } else if cls.kind != Kind::Object {
            match crate::builtins::types::base_payload(rt, cls, Args::new(args, kwnames)) {
                Ok(Some(p)) => *inst.base.borrow_mut() = Some(p),
                Ok(None) => {}
                Err(e) => return Prep::Raise(e),
            }
        }
        Value::Inst(inst)
    };
    let init = match cls.plain_init() {
        Some(init) => Some(init),
        None => {
            let init = user_attr(cls, "__init__");
            if !has_new && matches!(init, Some(Value::Func(_))) && user_attr(cls, "__new__").is_none() {
                cls.note_plain_init();
            }
            init
        }
    };
    match init {
        Some(Value::Func(func)) if func.code.simple_call && kwnames.is_empty() && args.len() + 1 == func.code.sig.args as usize => {
            // The common `__init__(self, a, b)`: the instance and the arguments go
            // straight into the frame's locals.
            // (`frame_for` keeps a pooled frame's module namespace without a reference
            // count change; the arguments are pushed one by one, as `extend` did not
            // inline.)
            let code = func.code;
            let mut fr = rt.frame_for(code, &func.globals);
            fr.locals.push(Some(obj.clone()));
            for a in args {
                fr.locals.push(Some(a.clone()));
            }
            for _ in args.len() + 1..code.nlocals() {
                fr.locals.push(None);
            }
            if !code.body.is_empty() {
                fr.work.push(Step::Block(&code.body, 0));
            }
            fr.stack.push(obj);
            fr.mode = ReturnMode::Init;
            Prep::Push(Activation::Script(fr))
        }
        Some(Value::Func(func)) if func.code.func_kind == FuncKind::Plain => {
            let mut all = Vec::with_capacity(args.len() + 1);
            all.push(obj.clone());
            all.extend_from_slice(args);
            match function_frame(rt, &func, &all, kwnames) {
                Ok(mut fr) => {
                    debug_assert!(fr.stack.is_empty());
                    fr.stack.push(obj);
                    fr.mode = ReturnMode::Init;
                    Prep::Push(Activation::Script(fr))
                }
                Err(e) => Prep::Raise(e),
            }
        }
        Some(other) => {
            let mut all = Vec::with_capacity(args.len() + 1);
            all.push(obj.clone());
            all.extend_from_slice(args);
            // A generator or coroutine `__init__` lands here too: calling it makes the
            // generator, which is then the wrong return value, as in CPython.
            match ops::call::call_with(rt, &other, &all, kwnames) {
                Ok(Value::None) => Prep::Value(obj),
                Ok(v) => {
                    let tn = ops::type_name(rt, &v);
                    Prep::Raise(rt.type_error(format!("__init__() should return None, not '{tn}'")))
                }
                Err(Fail::Raise(e)) => Prep::Raise(e),
                Err(Fail::Slow) => unreachable!(),
            }
        }
        None => {
            if !args.is_empty() && !has_new && cls.kind == Kind::Object {
                return Prep::Raise(rt.type_error(format!("{}() takes no arguments", cls.name_str())));
            }
            if cls.kind == Kind::Exception && !kwnames.is_empty() {
                return Prep::Raise(rt.type_error(format!("{}() takes no keyword arguments", cls.name_str())));
            }
            Prep::Value(obj)
        }
    }
}

/// An attribute defined by a user class in the MRO (built-in types skipped).
pub fn user_attr(cls: &Rc<Class>, name: &str) -> Option<Value> {
    cls.lookup_cached_str(name, true)
}

/// Start evaluating a call expression.
pub fn call_start(rt: &mut Runtime, f: &mut Frame, e: &'static Expr, c: &'static CallX) -> Act {
    if let (Some(name), ExprKind::Call(sc)) = (&c.method, &c.func.kind) {
        if let Some((m, recv)) = super_method_call(rt, f, sc, name) {
            // As state 1 leaves a method found on its receiver: no `super` object made.
            f.push(m);
            f.push(recv);
            return call_cont(rt, f, e, c, 3);
        }
    }
    match eval(rt, f, &c.func, Step::Cont(e, 1)) {
        Ev::Val(v) => {
            f.push(v);
            call_cont(rt, f, e, c, 1)
        }
        Ev::Pending(a) => a,
        Ev::Raise(x) => Act::Raise(x),
    }
}

/// `super(cls, obj).name(...)` (also the lowered `super()`) where `super` is the
/// built-in type and `cls`, `obj` are plain loads: the callable (a script function or
/// a built-in type's method) and the receiver to pass first, found without making the
/// `super` object ([`ops::attr::super_method`]). `None` for anything else; the caller
/// then evaluates the receiver as usual (the two loads again, which changes nothing).
fn super_method_call(rt: &mut Runtime, f: &Frame, sc: &'static CallX, name: &PyStr) -> Option<(Value, Value)> {
    let ExprKind::Global(g) = &sc.func.kind else { return None };
    if sc.method.is_some() || sc.general.is_some() || !sc.kwnames.is_empty() || sc.args.len() != 2 {
        return None;
    }
    if !sc.args.iter().all(|a| matches!(a.kind, ExprKind::Local(_) | ExprKind::Cell(_))) {
        return None;
    }
    let Ok(Value::Class(sup)) = super::expr::load_global(rt, &f.globals, g) else { return None };
    if !(sup.builtin && sup.kind == Kind::Other && sup.name.borrow().as_str() == "super") {
        return None;
    }
    let cls = super::expr::fast_value(rt, f, &sc.args[0]).ok()?;
    let obj = super::expr::fast_value(rt, f, &sc.args[1]).ok()?;
    ops::attr::super_method(&cls, &obj, name)
}

/// Continue a call expression: state 1 has the callee (or receiver) on the stack;
/// state `2 + (i << 1 | s)` has `i` arguments evaluated (`s`: a receiver was pushed).
pub fn call_cont(rt: &mut Runtime, f: &mut Frame, e: &'static Expr, c: &'static CallX, st: u32) -> Act {
    if let Some(items) = &c.general {
        return general_cont(rt, f, e, items, st);
    }
    let (mut i, s) = if st == 1 {
        let mut s = 0;
        if let Some(name) = &c.method {
            let mut recv = f.pop();
            if is_direct_send(rt, &recv, c, name) {
                // `g.send(v)`: the receiver stands in for the method (see `direct_send`).
                f.push(recv.clone());
                f.push(recv);
                s = 1;
            } else {
                match ops::attr::load_method(rt, &mut recv, name, &c.site) {
                    Ok((m, true)) => {
                        f.push(m);
                        f.push(recv);
                        s = 1;
                    }
                    Ok((m, false)) => f.push(m),
                    Err(x) => return Act::Raise(ops::expect_raise(x)),
                }
            }
        }
        (0usize, s)
    } else {
        (((st - 2) >> 1) as usize, (st - 2) & 1)
    };
    while i < c.args.len() {
        let next = 2 + (((i as u32 + 1) << 1) | s);
        match eval(rt, f, &c.args[i], Step::Cont(e, next)) {
            Ev::Val(v) => {
                f.push(v);
                i += 1;
            }
            Ev::Pending(a) => return a,
            Ev::Raise(x) => return Act::Raise(x),
        }
    }
    let base = f.stack.len() - c.args.len() - s as usize - 1;
    let prep = invoke(rt, f, c, base);
    finish_prep(f, prep)
}

/// A call whose callee (or receiver) and arguments are fast nodes (`CallX::direct`):
/// they are computed by the fast path straight onto the value stack, and the call is
/// made from here. A call that completes at once (a built-in) gives its value with no
/// step pushed; a script frame to run gets `then` pushed below it. If an argument
/// needs script code, the call goes on step by step from that argument
/// ([`call_cont`]), so nothing already evaluated is evaluated again.
///
/// The commonest shape, a global callee with positional arguments only (`f(a, b)`), has
/// a small function of its own ([`direct_global`]); the rest is [`direct_rest`].
#[inline(always)]
pub fn direct(rt: &mut Runtime, f: &mut Frame, e: &'static Expr, c: &'static CallX, then: Step) -> Ev {
    if let ExprKind::Global(g) = &c.func.kind {
        if c.method.is_none() && c.kwnames.is_empty() {
            return direct_global(rt, f, e, c, g, then);
        }
    }
    if c.send {
        return send_site(rt, f, e, c, then);
    }
    direct_rest(rt, f, e, c, then)
}

/// [`direct`] for `x.send(v)` (`CallX::send`): when `x` is a local holding a generator
/// or coroutine, it is resumed at once ([`direct_send_now`], as [`direct_rest`] would
/// after reading `x`, finding the method name and testing [`is_direct_send`]); any
/// other receiver goes on as [`direct_rest`].
#[inline(never)]
fn send_site(rt: &mut Runtime, f: &mut Frame, e: &'static Expr, c: &'static CallX, then: Step) -> Ev {
    if let ExprKind::Local(i) = &c.func.kind {
        if let Some(Value::Gen(g)) = &f.locals[*i as usize] {
            if g.kind() != GenKind::AsyncGenerator && rt.trace.is_none() {
                let recv = Value::Gen(g.clone());
                return direct_send_now(rt, f, e, c, then, recv);
            }
        }
    }
    direct_rest(rt, f, e, c, then)
}

/// [`direct`] for a global callee and positional arguments: a plain function given
/// exactly its parameters gets its frame here, its arguments computed into the locals
/// ([`fill_args`]); anything else goes on as [`direct_rest`]. A function of its own, so
/// the common call does not pay for the registers and stack of the general one.
#[inline(never)]
fn direct_global(rt: &mut Runtime, f: &mut Frame, e: &'static Expr, c: &'static CallX, g: &GlobalName, then: Step) -> Ev {
    match global_frame(rt, f, g, c.args.len()) {
        Some(fr) => fill_args(rt, f, e, c, then, fr, None, 0),
        None => direct_rest(rt, f, e, c, then),
    }
}

/// [`direct`] past its commonest shape: any callee, a method call, keyword arguments.
#[inline(never)]
fn direct_rest(rt: &mut Runtime, f: &mut Frame, e: &'static Expr, c: &'static CallX, then: Step) -> Ev {
    let mut v = match super::expr::fast_value(rt, f, &c.func) {
        Ok(v) => v,
        Err(Fail::Raise(x)) => return Ev::Raise(x),
        Err(Fail::Slow) => {
            f.work.push(then);
            return Ev::Pending(super::expr::expand(rt, f, e));
        }
    };
    let (callee, recv) = match &c.method {
        None => (v, None),
        Some(name) if is_direct_send(rt, &v, c, name) => return direct_send_now(rt, f, e, c, then, v),
        Some(name) => match ops::attr::load_method(rt, &mut v, name, &c.site) {
            Ok((m, true)) => (m, Some(v)),
            Ok((m, false)) => (m, None),
            Err(x) => return Ev::Raise(ops::expect_raise(x)),
        },
    };
    let s = recv.is_some() as u32;
    if c.kwnames.is_empty() {
        if let Value::Func(func) = &callee {
            if func.code.simple_call && c.args.len() + s as usize == func.code.sig.args as usize {
                // A plain function given exactly its positional parameters: the
                // arguments are computed straight into the new frame's locals.
                let mut fr = rt.frame_for(func.code, &func.globals);
                if let Some(r) = recv {
                    fr.locals.push(Some(r));
                }
                let ev = fill_args(rt, f, e, c, then, fr, Some(&callee), s);
                drop(callee);
                return ev;
            }
            if func.code.simple_gen && c.args.len() + s as usize == func.code.sig.args as usize {
                // A generator or coroutine function given exactly its positional
                // parameters: the arguments straight into the new parked frame.
                return new_generator(rt, f, e, c, then, callee, recv);
            }
        }
    }
    let base = f.stack.len();
    f.push(callee);
    if let Some(r) = recv {
        f.push(r);
    }
    for (i, a) in c.args.iter().enumerate() {
        match super::expr::fast_value(rt, f, a) {
            Ok(v) => f.push(v),
            Err(Fail::Raise(x)) => {
                f.stack.truncate(base);
                return Ev::Raise(x);
            }
            Err(Fail::Slow) => {
                f.work.push(then);
                return Ev::Pending(call_cont(rt, f, e, c, 2 + (((i as u32) << 1) | s)));
            }
        }
    }
    match invoke(rt, f, c, base) {
        Prep::Value(v) => Ev::Val(v),
        Prep::Raise(x) => Ev::Raise(x),
        Prep::Push(a) => {
            f.work.push(then);
            Ev::Pending(Act::Call(a))
        }
    }
}

/// A frame for the call `g(...)` of a global `g` that holds a plain function taking
/// exactly `nargs` positional parameters (else None), read from the module namespace
/// by reference through the node's position cache: the function is not cloned.
#[inline(always)]
fn global_frame(rt: &mut Runtime, f: &Frame, g: &GlobalName, nargs: usize) -> Option<FrameBox> {
    // SAFETY: nothing here changes a dict or runs script code while `t` lives (taking
    // a pooled frame may drop its old namespace, never this frame's own, which `f`
    // holds); a table borrowed to change gives None (the general path).
    let t = unsafe { f.globals.try_borrow_table_unguarded() }?;
    let (ver, bver, pos) = g.cache.get();
    if ver != t.version || bver != u32::MAX {
        return None;
    }
    match &t.entry(pos).value {
        Value::Func(func) if func.code.simple_call && nargs == func.code.sig.args as usize => {
            Some(rt.frame_for(func.code, &func.globals))
        }
        _ => None,
    }
}

/// Compute the arguments of a direct call to a simple function straight into the
/// locals of its new frame `fr` (which holds the receiver already when `s` is 1) and
/// return the call. `callee` is the function (the caller keeps it), or None when it is
/// the global named by the call's callee node (read again only if an argument needs
/// script code: then what was computed goes onto the value stack and the call goes on
/// step by step).
///
/// The commonest arguments inline: a small-int operator on two locals/constants
/// (`n - 1`, written straight into the slot) and a bound local or a constant (cloned).
/// From the first other argument on, [`fill_args_rest`] (out of line, so the common
/// call keeps few registers and a small stack frame).
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn fill_args(
    rt: &mut Runtime,
    f: &mut Frame,
    e: &'static Expr,
    c: &'static CallX,
    then: Step,
    mut fr: FrameBox,
    callee: Option<&Value>,
    s: u32,
) -> Ev {
    for (i, a) in c.args.iter().enumerate() {
        if let Some(z) = super::expr::quick_int_op(f, a) {
            fr.locals.push_with(|| Some(Value::Int(z)));
            continue;
        }
        match &a.kind {
            ExprKind::Local(j) if f.locals[*j as usize].is_some() => fr.locals.push(f.locals[*j as usize].clone()),
            ExprKind::Const(v) => fr.locals.push(Some(v.clone())),
            _ => return fill_args_rest(rt, f, e, c, then, fr, callee, s, i),
        }
    }
    enter_frame(rt, f, then, fr)
}

/// [`fill_args`] from argument `from` on, each computed by the fast path; one that
/// needs script code makes the call go on step by step from there.
#[inline(never)]
#[allow(clippy::too_many_arguments)]
fn fill_args_rest(
    rt: &mut Runtime,
    f: &mut Frame,
    e: &'static Expr,
    c: &'static CallX,
    then: Step,
    mut fr: FrameBox,
    callee: Option<&Value>,
    s: u32,
    from: usize,
) -> Ev {
    for (i, a) in c.args.iter().enumerate().skip(from) {
        // A small-int operator on two locals/constants (`n - 1`, `i + 1`) is written
        // straight into the slot, without the general result of `fast_value`.
        if let Some(z) = super::expr::quick_int_op(f, a) {
            fr.locals.push(Some(Value::Int(z)));
            continue;
        }
        match super::expr::fast_value(rt, f, a) {
            Ok(v) => fr.locals.push(Some(v)),
            Err(Fail::Raise(x)) => {
                rt.recycle(fr);
                return Ev::Raise(x);
            }
            Err(Fail::Slow) => {
                // Go on step by step from this argument, with the callee, receiver and
                // the arguments so far on the stack.
                let callee = match callee {
                    Some(v) => v.clone(),
                    None => match super::expr::fast_value(rt, f, &c.func) {
                        Ok(v) => v,
                        Err(x) => {
                            rt.recycle(fr);
                            return Ev::Raise(ops::expect_raise(x));
                        }
                    },
                };
                f.push(callee);
                f.stack.extend(fr.locals.drain(..).flatten());
                rt.recycle(fr);
                f.work.push(then);
                return Ev::Pending(call_cont(rt, f, e, c, 2 + (((i as u32) << 1) | s)));
            }
        }
    }
    enter_frame(rt, f, then, fr)
}

/// [`direct_rest`] for a `Code::simple_gen` callee (`callee`, a function; `recv` the
/// receiver of a method call) given exactly its positional parameters: the arguments
/// are computed by the fast path straight into the locals of the parked frame, and
/// the generator, coroutine or async generator object is the call's value. If an
/// argument needs script code, the call goes on step by step from it (as in
/// [`fill_args_rest`]).
#[inline(never)]
fn new_generator(rt: &mut Runtime, f: &mut Frame, e: &'static Expr, c: &'static CallX, then: Step, callee: Value, recv: Option<Value>) -> Ev {
    let Value::Func(func) = &callee else { unreachable!() };
    let mut fr = Frame::new_parked_empty(func.code, func.globals.clone());
    let s = recv.is_some() as u32;
    if let Some(r) = recv {
        fr.locals.push(Some(r));
    }
    for (i, a) in c.args.iter().enumerate() {
        if let Some(z) = super::expr::quick_int_op(f, a) {
            fr.locals.push(Some(Value::Int(z)));
            continue;
        }
        match super::expr::fast_value(rt, f, a) {
            Ok(v) => fr.locals.push(Some(v)),
            Err(Fail::Raise(x)) => return Ev::Raise(x),
            Err(Fail::Slow) => {
                // Go on step by step from this argument, with the callee, receiver and
                // the arguments so far on the stack.
                f.push(callee);
                f.stack.extend(fr.locals.drain(..).flatten());
                f.work.push(then);
                return Ev::Pending(call_cont(rt, f, e, c, 2 + (((i as u32) << 1) | s)));
            }
        }
    }
    if let Err(x) = crate::limits::tick(rt) {
        return Ev::Raise(x);
    }
    let fr = parked_rest(fr);
    Ev::Val(make_generator(func, func.code.func_kind, fr))
}

/// The call of frame `fr`, whose arguments are in its locals: a step counted, the
/// other locals unbound, the body to run, `then` waiting in the caller.
#[inline(always)]
fn enter_frame(rt: &mut Runtime, f: &mut Frame, then: Step, mut fr: FrameBox) -> Ev {
    let code = fr.code;
    if let Err(x) = crate::limits::tick(rt) {
        return tick_failed(rt, fr, x);
    }
    while fr.locals.len() < code.nlocals() {
        fr.locals.push(None);
    }
    if !code.body.is_empty() {
        fr.work.push(Step::Block(&code.body, 0));
    }
    f.work.push(then);
    Ev::Pending(Act::Call(Activation::Script(fr)))
}

/// [`enter_frame`] when the step limit (or an interrupt) stops the call: the frame is
/// given back and the error raised in the caller.
#[cold]
#[inline(never)]
fn tick_failed(rt: &mut Runtime, fr: FrameBox, x: Exc) -> Ev {
    rt.recycle(fr);
    Ev::Raise(x)
}

/// Make the call whose callee is at `f.stack[base]`, above it the receiver (for a
/// method) and the arguments: they are taken off the stack.
#[inline(always)]
fn invoke(rt: &mut Runtime, f: &mut Frame, c: &'static CallX, base: usize) -> Prep {
    if let Err(e) = crate::limits::tick(rt) {
        f.stack.truncate(base);
        return Prep::Raise(e);
    }
    if c.args.len() == 1 && f.stack.len() - base == 3 {
        if let Value::Gen(_) = &f.stack[base] {
            return direct_send(rt, f);
        }
    }
    if c.kwnames.is_empty() {
        // A plain function (or a bound method of one) given exactly its positional
        // parameters: move the receiver and arguments into the new frame.
        let nargs = f.stack.len() - base - 1;
        let simple = match &f.stack[base] {
            Value::Func(func) if func.code.simple_call && nargs == func.code.sig.args as usize => {
                Some((rt.frame_for(func.code, &func.globals), None))
            }
            Value::Method(m) => match &m.func {
                Value::Func(func) if func.code.simple_call && nargs + 1 == func.code.sig.args as usize => {
                    Some((rt.frame_for(func.code, &func.globals), Some(m.receiver.clone())))
                }
                _ => None,
            },
            _ => None,
        };
        if let Some((mut fr, recv)) = simple {
            let code = fr.code;
            if let Some(r) = recv {
                fr.locals.push(Some(r));
            }
            fr.locals.extend(f.stack.drain(base + 1..).map(Some));
            while fr.locals.len() < code.nlocals() {
                fr.locals.push(None);
            }
            f.stack.pop();
            if !code.body.is_empty() {
                fr.work.push(Step::Block(&code.body, 0));
            }
            return Prep::Push(Activation::Script(fr));
        }
    }
    let prep = {
        let (callee, rest) = f.stack[base..].split_first().unwrap();
        match rest.is_empty().then(|| scope_query(f, callee)).flatten() {
            Some(v) => Prep::Value(v),
            None => prepare_call(rt, callee, rest, &c.kwnames),
        }
    };
    f.stack.truncate(base);
    prep
}

/// Whether `recv.name(...)` is `g.send(v)` on a generator or coroutine: the method is
/// always the built-in `send` (their types are immutable and their objects have no
/// attribute dictionary), so the call resumes the generator without looking the method
/// up or building an argument vector. Not under the tracer, which sees every call.
#[inline]
fn is_direct_send(rt: &Runtime, recv: &Value, c: &CallX, name: &PyStr) -> bool {
    match recv {
        Value::Gen(g) => {
            g.kind() != GenKind::AsyncGenerator
                && c.args.len() == 1
                && c.kwnames.is_empty()
                && name.as_str() == "send"
                && rt.trace.is_none()
        }
        _ => false,
    }
}

/// Make the call `g.send(v)` for [`is_direct_send`]: the stack ends with the generator
/// (in the callee's place), the generator (receiver) and `v`.
#[inline]
fn direct_send(rt: &mut Runtime, f: &mut Frame) -> Prep {
    let v = f.pop();
    let g = f.pop();
    f.stack.pop();
    let Value::Gen(g) = g else { unreachable!("direct send without a generator") };
    crate::builtins::generators::send_to(rt, &g, v).into()
}

/// `g.send(x)` as a direct call ([`is_direct_send`]; `g` is `recv`): the argument by the
/// fast path, then the generator resumes with nothing put on the value stack. If the
/// argument needs script code, the call goes on step by step from it ([`call_cont`],
/// the receiver standing in for the method as in [`direct_send`]).
#[inline(never)]
fn direct_send_now(rt: &mut Runtime, f: &mut Frame, e: &'static Expr, c: &'static CallX, then: Step, recv: Value) -> Ev {
    let x = match super::expr::fast_value(rt, f, &c.args[0]) {
        Ok(x) => x,
        Err(Fail::Raise(x)) => return Ev::Raise(x),
        Err(Fail::Slow) => {
            f.push(recv.clone());
            f.push(recv);
            f.work.push(then);
            return Ev::Pending(call_cont(rt, f, e, c, 3));
        }
    };
    if let Err(x) = crate::limits::tick(rt) {
        return Ev::Raise(x);
    }
    let Value::Gen(g) = recv else { unreachable!("direct send without a generator") };
    // The receiver's reference becomes the resumed frame's owner.
    let kind = g.kind();
    match super::suspend::resume_frame_owned(rt, g, super::suspend::Resume::Send(x), ReturnMode::Send) {
        Ok(fr) => {
            f.work.push(then);
            Ev::Pending(Act::Call(Activation::Script(fr)))
        }
        Err(err) => Ev::Raise(crate::builtins::generators::send_failed(rt, kind, err)),
    }
}

/// Push a prepared call's value, or return the act that runs it.
#[inline]
pub fn finish_prep(f: &mut Frame, prep: Prep) -> Act {
    match prep {
        Prep::Value(v) => {
            f.push(v);
            Act::Next
        }
        Prep::Raise(x) => Act::Raise(x),
        Prep::Push(a) => Act::Call(a),
    }
}

/// A call with `*args` or `**kwargs`: evaluate every argument, then flatten.
fn general_cont(rt: &mut Runtime, f: &mut Frame, e: &'static Expr, items: &'static [ArgX], st: u32) -> Act {
    let mut i = (st - 1) as usize;
    while i < items.len() {
        let x = match &items[i] {
            ArgX::Pos(x) | ArgX::Star(x) | ArgX::Kw(_, x) | ArgX::DoubleStar(x) => x,
        };
        match eval(rt, f, x, Step::Cont(e, i as u32 + 2)) {
            Ev::Val(v) => {
                f.push(v);
                i += 1;
            }
            Ev::Pending(a) => return a,
            Ev::Raise(x) => return Act::Raise(x),
        }
    }
    let base = f.stack.len() - items.len() - 1;
    let vals = f.stack.split_off(base + 1);
    let callee = f.pop();
    let mut pos: Vec<Value> = Vec::new();
    let mut kwv: Vec<Value> = Vec::new();
    let mut kwn: Vec<Rc<PyStr>> = Vec::new();
    let fname = || -> String {
        let target = match &callee {
            Value::Method(m) => &m.func,
            c => c,
        };
        match target {
            // CPython's _PyObject_FunctionStr: `module.qualname()` unless the
            // module is builtins or unknown.
            Value::Func(func) => match func.globals.get_str(&crate::runtime::intern::intern("__name__")) {
                Some(Value::Str(m)) if m.as_str() != "builtins" => format!("{m}.{}()", func.qualname.borrow()),
                _ => format!("{}()", func.qualname.borrow()),
            },
            Value::Native(n) => match n.owner {
                Some(o) => format!("{o}.{}()", n.name),
                None => format!("{}()", n.name),
            },
            Value::Class(c) => match c.module.borrow().as_str() {
                "builtins" => format!("{}()", c.qualname.borrow()),
                m => format!("{m}.{}()", c.qualname.borrow()),
            },
            _ => "function".to_string(),
        }
    };
    for (item, v) in items.iter().zip(vals) {
        match item {
            ArgX::Pos(_) => pos.push(v),
            ArgX::Star(_) => match ops::iter::collect(rt, &v) {
                Ok(xs) => pos.extend(xs),
                Err(Fail::Raise(x)) => {
                    if ops::exc_matches(&x, &rt.types.type_error) && !has_iter(rt, &v) {
                        let tn = ops::type_name(rt, &v);
                        // `f(*xs)` passes `xs` itself (CALL_FUNCTION_EX names the callee in
                        // its error); with any other positional part CPython first builds a
                        // list (LIST_EXTEND's wording).
                        let lone_star = items.iter().filter(|i| matches!(i, ArgX::Pos(_) | ArgX::Star(_))).count() == 1;
                        let msg = if lone_star { format!("{} argument after * must be an iterable, not {tn}", fname()) } else { format!("Value after * must be an iterable, not {tn}") };
                        return Act::Raise(rt.type_error(msg));
                    }
                    return Act::Raise(x);
                }
                Err(Fail::Slow) => unreachable!(),
            },
            ArgX::Kw(name, _) => {
                if kwn.iter().any(|n| n.as_str() == name.as_str()) {
                    return Act::Raise(rt.type_error(format!("{} got multiple values for keyword argument '{name}'", fname())));
                }
                kwn.push(name.clone());
                kwv.push(v);
            }
            ArgX::DoubleStar(_) => {
                let entries: Vec<(Value, Value)> = match &v {
                    Value::Dict(d) => d.borrow().iter().map(|e| (e.key.clone(), e.value.clone())).collect(),
                    _ => match crate::builtins::dicts::mapping_items(rt, &v) {
                        Ok(Some(items)) => items,
                        Ok(None) => {
                            let tn = ops::type_name(rt, &v);
                            return Act::Raise(rt.type_error(format!("{} argument after ** must be a mapping, not {tn}", fname())));
                        }
                        Err(x) => return Act::Raise(ops::expect_raise(x)),
                    },
                };
                for (k, val) in entries {
                    let Value::Str(k) = k else {
                        return Act::Raise(rt.type_error("keywords must be strings"));
                    };
                    if kwn.iter().any(|n| n.as_str() == k.as_str()) {
                        return Act::Raise(rt.type_error(format!("{} got multiple values for keyword argument '{k}'", fname())));
                    }
                    kwn.push(k);
                    kwv.push(val);
                }
            }
        }
    }
    pos.extend(kwv);
    if pos.is_empty() {
        if let Some(v) = scope_query(f, &callee) {
            f.push(v);
            return Act::Next;
        }
    }
    let prep = prepare_call(rt, &callee, &pos, &kwn);
    finish_prep(f, prep)
}

/// `locals()`, `vars()` and `dir()` without arguments read the calling frame, which
/// built-ins cannot see: answer them here (None for any other call). The test is one
/// tag compare for anything but a free built-in function.
#[inline]
fn scope_query(f: &Frame, callee: &Value) -> Option<Value> {
    match callee {
        Value::Native(n) if n.owner.is_none() && n.bound.is_none() && matches!(n.name, "locals" | "vars" | "dir") => {
            Some(scope_value(f, n.name))
        }
        _ => None,
    }
}

/// The value of [`scope_query`] for the built-in `name` called in `f`.
#[cold]
#[inline(never)]
fn scope_value(f: &Frame, name: &str) -> Value {
    let d = match f.ns() {
        Some(ns) => ns.clone(),
        None if f.code.kind == CodeKind::Module => f.globals.clone(),
        None => f.locals_dict(),
    };
    if name != "dir" {
        return Value::Dict(d);
    }
    let mut names: Vec<Rc<PyStr>> = d.borrow().iter().filter_map(|e| e.key.as_pystr().cloned()).collect();
    names.sort_by(|a, b| a.as_str().cmp(b.as_str()));
    Value::list(names.into_iter().map(Value::Str).collect())
}

/// Whether `v` can be iterated (CPython: a `tp_iter` or the sequence protocol), to tell a
/// non-iterable's `TypeError` from one raised inside an `__iter__`.
pub(super) fn has_iter(rt: &Runtime, v: &Value) -> bool {
    ops::iter::builtin_iter(v).is_some()
        || matches!(v, Value::Iter(_) | Value::Gen(_))
        || ops::attr::lookup_special(rt, v, "__iter__").is_some()
        || ops::attr::lookup_special(rt, v, "__getitem__").is_some()
}
