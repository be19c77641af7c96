//! Generator and coroutine objects from script code: `send`, `throw`, `close`,
//! `__next__`, `__await__`, and introspection (`gi_frame`, `cr_await`, `gi_code`...).

use super::{add_method, raise};
use crate::eval::frame::ReturnMode;
use crate::eval::suspend::{resume_frame, Resume, ResumeErr};
use crate::eval::ir::Code;
use crate::eval::native::{Args, Ret};
use crate::ops;
use crate::runtime::class::{Class, Exc};
use crate::runtime::generator::{GenKind, GenState, Generator};
use crate::runtime::object::{downcast, Object};
use crate::runtime::str::PyStr;
use crate::runtime::value::Value;
use crate::runtime::Runtime;
use std::rc::Rc;

fn this(a: &Args) -> Option<Rc<Generator>> {
    match &a.pos[0] {
        Value::Gen(g) => Some(g.clone()),
        v => downcast::<CoroWrapper>(v).map(|w| w.0.clone()),
    }
}

/// Start or resume `g` with `input`, as the result of the current call.
fn resume(rt: &mut Runtime, g: &Rc<Generator>, input: Resume, mode: ReturnMode) -> Ret {
    let throwing = match &input {
        Resume::Throw(e) => Some(e.clone()),
        _ => None,
    };
    match resume_frame(rt, g, input, mode) {
        Ok(fr) => Ret::Frame(fr),
        Err(ResumeErr::Finished) if throwing.is_some() => raise(throwing.unwrap()),
        Err(err) => raise(send_failed(rt, g.kind(), err)),
    }
}

/// The exception a `send` (or `next`) to a generator of `kind` raises when it could not
/// resume it: StopIteration when it has finished (a RuntimeError for a coroutine).
#[cold]
pub fn send_failed(rt: &mut Runtime, kind: GenKind, err: ResumeErr) -> Exc {
    match err {
        ResumeErr::Finished if kind == GenKind::Coroutine => rt.exc_msg(&rt.types.runtime_error, "cannot reuse already awaited coroutine"),
        ResumeErr::Finished => rt.new_exc(&rt.types.stop_iteration, vec![]),
        ResumeErr::Raise(e) => e,
    }
}

/// `g.send(v)` on a generator or coroutine, as the result of the current call (the
/// call path's shortcut for a `send` method call).
#[inline]
pub fn send_to(rt: &mut Runtime, g: &Rc<Generator>, v: Value) -> Ret {
    resume(rt, g, Resume::Send(v), ReturnMode::Send)
}

fn send(rt: &mut Runtime, a: Args) -> Ret {
    if let [Value::Gen(g), v] = a.pos {
        // The common case: no wrapper, one argument.
        return resume(rt, g, Resume::Send(v.clone()), ReturnMode::Send);
    }
    let Some(g) = this(&a) else { return Ret::Val(Value::None) };
    if a.pos.len() != 2 {
        return raise(rt.type_error(format!("{}.send() takes exactly one argument ({} given)", g.type_name(), a.pos.len() - 1)));
    }
    resume(rt, &g, Resume::Send(a.pos[1].clone()), ReturnMode::Send)
}

fn next(rt: &mut Runtime, a: Args) -> Ret {
    if rt.trace.is_none() {
        if let [Value::Gen(g)] = a.pos {
            return resume(rt, g, Resume::Send(Value::None), ReturnMode::Send);
        }
    }
    let Some(g) = this(&a) else { return Ret::Val(Value::None) };
    if rt.trace.is_some() {
        crate::trace::mark_next(rt);
    }
    resume(rt, &g, Resume::Send(Value::None), ReturnMode::Send)
}

/// Build the exception for `throw(typ[, val[, tb]])`.
pub fn throw_exception(rt: &mut Runtime, args: &[Value]) -> Result<Exc, Exc> {
    let typ = &args[0];
    let val = args.get(1).cloned().unwrap_or(Value::None);
    match typ {
        Value::Class(c) if c.is_subclass(&rt.types.base_exception) => {
            if let Value::Inst(i) = &val {
                if i.is_exception() && i.class().is_subclass(c) {
                    return Ok(i.clone());
                }
            }
            let cargs = match val {
                Value::None => vec![],
                Value::Tuple(t) => t.items().to_vec(),
                v => vec![v],
            };
            match ops::call::call_value(rt, typ.clone(), cargs) {
                Ok(Value::Inst(i)) if i.is_exception() => Ok(i),
                Ok(_) => Err(rt.type_error("exceptions must derive from BaseException")),
                Err(e) => Err(ops::expect_raise(e)),
            }
        }
        Value::Inst(i) if i.is_exception() => {
            if !val.is_none() {
                return Err(rt.type_error("instance exception may not have a separate value"));
            }
            Ok(i.clone())
        }
        other => {
            let tn = ops::type_name(rt, other);
            Err(rt.type_error(format!("exceptions must be classes or instances deriving from BaseException, not {tn}")))
        }
    }
}

fn throw(rt: &mut Runtime, a: Args) -> Ret {
    let Some(g) = this(&a) else { return Ret::Val(Value::None) };
    if a.pos.len() < 2 || a.pos.len() > 4 {
        return raise(rt.type_error(format!("throw expected at least 1 argument, got {}", a.pos.len() - 1)));
    }
    let e = match throw_exception(rt, &a.pos[1..]) {
        Ok(e) => e,
        Err(x) => return raise(x),
    };
    if g.state() == GenState::Created {
        // Nothing ran yet: the generator ends, raising the exception (as raised in its
        // frame, so PEP 479 turns a StopIteration into RuntimeError).
        g.set_state(GenState::Finished);
        g.frame().borrow_mut().take();
        return raise(crate::eval::suspend::convert_stop(rt, &g, e));
    }
    resume(rt, &g, Resume::Throw(e), ReturnMode::Send)
}

fn close(rt: &mut Runtime, a: Args) -> Ret {
    let Some(g) = this(&a) else { return Ret::Val(Value::None) };
    match g.state() {
        GenState::Finished => Ret::Val(Value::None),
        GenState::Created => {
            g.set_state(GenState::Finished);
            if let Some(fr) = g.frame().borrow_mut().take() {
                rt.recycle(fr);
            }
            Ret::Val(Value::None)
        }
        _ => {
            let exit = rt.new_exc(&rt.types.generator_exit, vec![]);
            match resume_frame(rt, &g, Resume::Throw(exit), ReturnMode::Close) {
                Ok(fr) => Ret::Frame(fr),
                Err(ResumeErr::Finished) => Ret::Val(Value::None),
                Err(ResumeErr::Raise(e)) => raise(e),
            }
        }
    }
}

fn iter_self(_rt: &mut Runtime, a: Args) -> Ret {
    Ret::Val(a.pos[0].clone())
}

/// The iterator `coro.__await__()` returns.
pub struct CoroWrapper(pub Rc<Generator>);

impl Object for CoroWrapper {
    fn class(&self, rt: &Runtime) -> Rc<Class> {
        let c = rt.types.other("coroutine_wrapper");
        if c.dict.is_empty() {
            add_method(&c, "send", send);
            add_method(&c, "throw", throw);
            add_method(&c, "close", close);
            add_method(&c, "__next__", next);
            add_method(&c, "__iter__", iter_self);
        }
        c
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

fn await_method(_rt: &mut Runtime, a: Args) -> Ret {
    match this(&a) {
        Some(g) => {
            g.set_awaited(true);
            Ret::Val(Value::Obj(crate::runtime::objref::ObjRef::new(CoroWrapper(g))))
        }
        None => Ret::Val(Value::None),
    }
}

/// A view of a generator's frame (`gi_frame`).
pub struct FrameView(pub Rc<Generator>);

impl Object for FrameView {
    fn class(&self, rt: &Runtime) -> Rc<Class> {
        rt.types.other("frame")
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn get_attr(&self, _rt: &mut Runtime, name: &PyStr, _this: &Value) -> Option<Value> {
        let g = &self.0;
        let fr = g.frame().borrow();
        match name.as_str() {
            "f_locals" => {
                let d = fr.as_ref().map(|f| f.locals_dict()).unwrap_or_else(|| Rc::new(crate::runtime::dict::Dict::new()));
                Some(Value::Dict(d))
            }
            "f_lineno" => Some(Value::Int(fr.as_ref().map_or(g.code().firstline, |f| f.line) as i64)),
            "f_code" => Some(code_value(g.code())),
            "f_globals" => fr.as_ref().map(|f| Value::Dict(f.globals.clone())),
            "f_back" => Some(Value::None),
            _ => None,
        }
    }
    fn repr(&self, _rt: &mut Runtime, this: &Value) -> Option<String> {
        let g = &self.0;
        let line = g.frame().borrow().as_ref().map_or(g.code().firstline, |f| f.line);
        Some(format!("<frame at {:#x}, file '{}', line {}, code {}>", this.id(), g.code().source.code_name(), line, g.code().name))
    }
}

/// How the step reading attribute `name` of `obj` must get it when `obj` is the frame
/// view of a running generator: a running generator's frame is not in its generator
/// object but on the driver's stack. `Some(Ok(v))`: the frame is the one the step holds
/// (the generator reads its own frame); `Some(Err(g))`: it is further down the stack, so
/// the step hands the read to the driver (`Act::FrameAttr`); `None`: not such a view
/// (the generic attribute lookup answers).
pub fn running_frame_attr(obj: &Value, frame: &crate::eval::frame::Frame, name: &PyStr) -> Option<Result<Value, Rc<Generator>>> {
    let Value::Obj(o) = obj else { return None };
    let view = o.as_any().downcast_ref::<FrameView>()?;
    if view.0.state() != GenState::Running || !matches!(name.as_str(), "f_locals" | "f_lineno") {
        return None;
    }
    if frame.owner().is_some_and(|g| std::ptr::eq(g, &*view.0)) {
        return frame_attr_of(frame, name).map(Ok);
    }
    Some(Err(view.0.clone()))
}

/// `f_locals` or `f_lineno` of a frame that is running.
pub fn frame_attr_of(frame: &crate::eval::frame::Frame, name: &PyStr) -> Option<Value> {
    match name.as_str() {
        "f_locals" => Some(Value::Dict(frame.locals_dict())),
        "f_lineno" => Some(Value::Int(frame.line as i64)),
        _ => None,
    }
}

/// A new `gi_frame` view of `g`.
pub fn frame_view(g: &Rc<Generator>) -> Value {
    Value::Obj(crate::runtime::objref::ObjRef::new(FrameView(g.clone())))
}

/// A view of a code object (`gi_code`, `f_code`).
pub struct CodeView(pub &'static Code);

impl Object for CodeView {
    fn class(&self, rt: &Runtime) -> Rc<Class> {
        rt.types.other("code")
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn get_attr(&self, _rt: &mut Runtime, name: &PyStr, _this: &Value) -> Option<Value> {
        let c = self.0;
        Some(match name.as_str() {
            "co_name" => Value::Str(c.name.clone()),
            "co_qualname" => Value::Str(c.qualname.clone()),
            "co_filename" => Value::str(c.source.code_name()),
            "co_firstlineno" => Value::Int(c.firstline as i64),
            "co_argcount" => Value::Int(c.sig.args as i64),
            "co_varnames" => Value::tuple(c.varnames.iter().map(|v| Value::Str(v.clone())).collect()),
            _ => return None,
        })
    }
    fn repr(&self, _rt: &mut Runtime, this: &Value) -> Option<String> {
        let c = self.0;
        Some(format!("<code object {} at {:#x}, file \"{}\", line {}>", c.name, this.id(), c.source.code_name(), c.firstline))
    }
}

thread_local! {
    static CODES: std::cell::RefCell<std::collections::HashMap<usize, Value>> = std::cell::RefCell::new(std::collections::HashMap::new());
}

/// The (shared) code object value for a code.
pub fn code_value(code: &'static Code) -> Value {
    let key = code as *const Code as usize;
    CODES.with(|c| c.borrow_mut().entry(key).or_insert_with(|| Value::Obj(crate::runtime::objref::ObjRef::new(CodeView(code)))).clone())
}

/// Attributes of generators, coroutines and async generators.
pub fn gen_attr(g: &Rc<Generator>, name: &str) -> Option<Value> {
    let prefix = match g.kind() {
        GenKind::Generator => "gi_",
        GenKind::Coroutine => "cr_",
        GenKind::AsyncGenerator => "ag_",
    };
    if let Some(rest) = name.strip_prefix(prefix) {
        let state = g.state();
        return Some(match rest {
            "frame" => {
                if state == GenState::Finished {
                    Value::None
                } else {
                    frame_view(g)
                }
            }
            "running" => Value::Bool(state == GenState::Running || (g.kind() == GenKind::AsyncGenerator && g.ag_running())),
            "suspended" if g.kind() != GenKind::AsyncGenerator => Value::Bool(state == GenState::Suspended),
            "code" => code_value(g.code()),
            "yieldfrom" if g.kind() == GenKind::Generator => delegate_of(g),
            "await" if g.kind() != GenKind::Generator => delegate_of(g),
            "origin" if g.kind() == GenKind::Coroutine => Value::None,
            _ => return None,
        });
    }
    match name {
        "__name__" => Some(Value::Str(g.name())),
        "__qualname__" => Some(Value::Str(g.qualname())),
        _ => None,
    }
}

fn delegate_of(g: &Generator) -> Value {
    // A running generator is not parked in a `yield from` (CPython 3.11 answers None
    // while its frame executes, also for the middle of a chain that passes values).
    if g.state() == GenState::Running {
        return Value::None;
    }
    g.frame().borrow().as_ref().and_then(|f| crate::eval::suspend::delegating_to(f)).unwrap_or(Value::None)
}

/// Register generator and coroutine methods.
pub fn install(rt: &mut Runtime) {
    let g = rt.types.generator.clone();
    add_method(&g, "send", send);
    add_method(&g, "throw", throw);
    add_method(&g, "close", close);
    add_method(&g, "__next__", next);
    add_method(&g, "__iter__", iter_self);
    let c = rt.types.coroutine.clone();
    add_method(&c, "send", send);
    add_method(&c, "throw", throw);
    add_method(&c, "close", close);
    add_method(&c, "__await__", await_method);
}
