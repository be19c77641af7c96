//! The control-transfer trace (`coro run --trace`): one event per hand-over of control
//! between `send`/`throw`/`close`, `yield`, `await` and the event loop, as text lines or
//! Chrome trace-event JSON.
//!
//! The tracer lives in `Runtime::trace`; every hook is behind one `rt.trace.is_some()`
//! check placed at a suspension or resumption point (starting or resuming a generator
//! frame, a yield, a generator's return or exception, an `await`) or in the loop (task
//! steps, timers, I/O), never per evaluated node. While a hook runs, the tracer is taken
//! out of the runtime, so script code run by a `repr` inside a hook is not traced.

use crate::eval::frame::{Activation, Frame, ReturnMode};
use crate::eval::step::Step;
use crate::runtime::class::Exc;
use crate::runtime::generator::{GenKind, GenState, Generator};
use crate::runtime::value::Value;
use crate::runtime::Runtime;
use std::io::Write;
use std::rc::Rc;

/// Values are shown by `repr`, cut to this many characters.
const MAX_REPR: usize = 60;

/// How trace events are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// One line per event.
    Text,
    /// Chrome trace-event JSON (an array of events; one track per task).
    Json,
}

/// How a pending resumption was asked for.
struct Pending {
    /// The generator (only compared: a strong reference would delay its finalization
    /// when the resumption is not pushed through the traced paths).
    g: *const Generator,
    /// `send(42)`, `next()`, `throw(...)`, `close()`.
    call: String,
    /// What the resumed frame receives (`resumed with 42`, `starts`...).
    receives: String,
}

/// Who resumed a running generator: where its yield or return goes.
#[derive(Clone)]
enum Who {
    /// A script frame calling `send`/`next`/`throw`/`close` or a `for` loop.
    Caller { loc: String, call: String },
    /// A delegating frame (`await`, `yield from`).
    Delegator(String),
    /// The event loop, stepping a task.
    Loop(String),
    /// Rust code (a nested run: finalization, iteration inside a built-in).
    Native,
}

/// The task the loop is stepping.
struct TaskCtx {
    name: String,
    tid: u64,
    nesting: usize,
}

/// The trace sink.
pub struct Tracer {
    format: Format,
    /// Text lines go to the program's standard output (the REPL's `:trace on`).
    to_stdout: bool,
    out: Box<dyn Write>,
    pending: Option<Pending>,
    resumers: Vec<(*const Generator, Who)>,
    task: Option<TaskCtx>,
    /// The next resumption is a `next()` call.
    next_call: bool,
    /// The yield being traced passes out through delegating frames.
    in_chain: bool,
    /// JSON: events written so far, the last timestamp, tracks named.
    events: usize,
    last_ts: f64,
    named: Vec<u64>,
}

impl Tracer {
    /// A tracer writing to standard error, or to `path` when given.
    pub fn new(format: Format, path: Option<&str>) -> Tracer {
        let out: Box<dyn Write> = match path.map(std::fs::File::create) {
            Some(Ok(f)) => Box::new(std::io::BufWriter::new(f)),
            Some(Err(e)) => {
                eprintln!("coro: cannot write the trace to {}: {e}", path.unwrap_or(""));
                Box::new(std::io::stderr())
            }
            None => Box::new(std::io::stderr()),
        };
        let mut t = Tracer {
            format,
            to_stdout: false,
            out,
            pending: None,
            resumers: Vec::new(),
            task: None,
            next_call: false,
            in_chain: false,
            events: 0,
            last_ts: 0.0,
            named: Vec::new(),
        };
        if format == Format::Json {
            let _ = t.out.write_all(b"[\n");
            t.json_raw("M", "process_name", 0, "", serde_args(&[("name", "coro")]));
            t.name_track(0, "outside tasks");
        }
        t
    }

    /// A text tracer writing into the program's standard output, in order with what
    /// the program prints (the REPL's `:trace on` and `:step`).
    pub fn to_stdout() -> Tracer {
        let mut t = Tracer::new(Format::Text, None);
        t.out = Box::new(std::io::sink());
        t.to_stdout = true;
        t
    }

    fn depth(&self) -> usize {
        self.resumers.len()
    }

    fn tid(&self) -> u64 {
        self.task.as_ref().map(|t| t.tid).unwrap_or(0)
    }

    fn name_track(&mut self, tid: u64, name: &str) {
        if self.named.contains(&tid) {
            return;
        }
        self.named.push(tid);
        self.json_raw("M", "thread_name", tid, "", serde_args(&[("name", name)]));
    }

    fn json_raw(&mut self, ph: &str, name: &str, tid: u64, extra: &str, args: String) {
        let sep = if self.events == 0 { "" } else { ",\n" };
        self.events += 1;
        let ts = if ph == "M" {
            0.0
        } else {
            let clock = crate::aio::event_loop::running().map(|_| clock_now() * 1e6).unwrap_or(0.0);
            let ts = clock.max(self.last_ts + 1.0);
            self.last_ts = ts;
            ts
        };
        let _ = write!(
            self.out,
            "{sep}{{\"name\":{},\"ph\":\"{ph}\",\"ts\":{ts:.0},\"pid\":1,\"tid\":{tid}{extra},\"args\":{args}}}",
            json_str(name)
        );
    }

    /// Write one event: `loc` is where it happens, `kind` a short tag, `text` the line.
    fn emit(&mut self, rt: &mut Runtime, indent: usize, loc: &str, kind: &str, text: &str) {
        match self.format {
            Format::Text if self.to_stdout => {
                let _ = rt.write_out(&format!("[{loc}] {:indent$}{text}\n", "", indent = indent * 2));
            }
            Format::Text => {
                rt.flush_out();
                let _ = writeln!(self.out, "[{loc}] {:indent$}{text}", "", indent = indent * 2);
            }
            Format::Json => {
                let tid = self.tid();
                let args = serde_args(&[("at", loc), ("what", text)]);
                self.json_raw("i", kind, tid, ",\"s\":\"t\"", args);
            }
        }
    }
}

impl Drop for Tracer {
    fn drop(&mut self) {
        if self.format == Format::Json {
            let _ = self.out.write_all(b"\n]\n");
        }
        let _ = self.out.flush();
    }
}

fn json_str(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 2);
    o.push('"');
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            c if (c as u32) < 0x20 => o.push_str(&format!("\\u{:04x}", c as u32)),
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

fn serde_args(kv: &[(&str, &str)]) -> String {
    let parts: Vec<String> = kv.iter().map(|(k, v)| format!("{}:{}", json_str(k), json_str(v))).collect();
    format!("{{{}}}", parts.join(","))
}

std::thread_local! {
    /// Absolute script paths seen in traced frames, with the names typed for them.
    static PATHS: std::cell::RefCell<Vec<(String, String)>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// `repr(v)`, cut to 60 characters. A script's absolute path in it (a task's repr
/// names its coroutine's file as CPython does) is shown as typed, as in [`loc`], so
/// traces do not depend on where the script lies.
fn show(rt: &mut Runtime, v: &Value) -> String {
    let mut s = match crate::ops::repr::repr(rt, v) {
        Ok(s) => s.as_str().to_string(),
        Err(_) => format!("<{} object>", crate::ops::type_name(rt, v)),
    };
    PATHS.with(|p| {
        for (abs, name) in p.borrow().iter() {
            if s.contains(abs.as_str()) {
                s = s.replace(abs.as_str(), name);
            }
        }
    });
    cut(&s)
}

fn cut(s: &str) -> String {
    if s.chars().count() <= MAX_REPR {
        return s.to_string();
    }
    let mut o: String = s.chars().take(MAX_REPR - 3).collect();
    o.push_str("...");
    o
}

fn show_exc(rt: &mut Runtime, e: &Exc) -> String {
    show(rt, &Value::Inst(e.clone()))
}

fn kind_word(k: GenKind) -> &'static str {
    match k {
        GenKind::Generator => "generator",
        GenKind::Coroutine => "coroutine",
        GenKind::AsyncGenerator => "async generator",
    }
}

fn gen_desc(g: &Generator) -> String {
    format!("{} {}", kind_word(g.kind()), g.qualname().as_str())
}

/// A short description of an awaited or delegated-to object.
fn desc(rt: &mut Runtime, v: &Value) -> String {
    match v {
        Value::Gen(g) => gen_desc(g),
        _ => show(rt, v),
    }
}

/// `file:line` of a frame; built-in sources (asyncio, the prelude) without a line, so
/// traces do not change when they are edited.
fn loc(f: &Frame) -> String {
    let name = &f.code.source.name;
    if let Some(abs) = &f.code.source.path {
        PATHS.with(|p| {
            let mut p = p.borrow_mut();
            if !p.iter().any(|(a, _)| a == abs) {
                p.push((abs.clone(), name.clone()));
            }
        });
    }
    if name.starts_with("asyncio/") || name.starts_with("<prelude") {
        return name.clone();
    }
    format!("{}:{}", name, f.line)
}

fn frame_name(f: &Frame) -> String {
    match f.owner() {
        Some(g) => g.qualname().as_str().to_string(),
        None => f.code.qualname.as_str().to_string(),
    }
}

/// The loop's clock, read without moving the virtual clock.
fn clock_now() -> f64 {
    crate::aio::steer::peek().unwrap_or_else(crate::aio::event_loop::now)
}

fn clock_loc() -> String {
    format!("loop t={:.3}", clock_now())
}

/// Run `f` with the tracer taken out of the runtime (nothing is traced meanwhile).
#[inline]
fn with<R>(rt: &mut Runtime, f: impl FnOnce(&mut Runtime, &mut Tracer) -> R) -> Option<R> {
    let mut t = rt.trace.take()?;
    let r = f(rt, &mut t);
    rt.trace = Some(t);
    Some(r)
}

/// Turn tracing on (`Some`) or off in a runtime.
pub fn set(rt: &mut Runtime, format: Option<Format>) {
    rt.trace = format.map(|f| Box::new(Tracer::new(f, None)));
}

/// The next resumption is a `next()` call (so it is not shown as `send(None)`).
pub fn mark_next(rt: &mut Runtime) {
    if let Some(t) = rt.trace.as_mut() {
        t.next_call = true;
    }
}

/// `resume_frame` is about to start or resume `g` with `input`.
pub fn resuming(rt: &mut Runtime, g: &Rc<Generator>, input: &crate::eval::suspend::Resume, mode: &ReturnMode) {
    with(rt, |rt, t| {
        let next = std::mem::take(&mut t.next_call) || matches!(mode, ReturnMode::Iter);
        let first = g.state() == GenState::Created;
        let (call, receives) = match input {
            crate::eval::suspend::Resume::Send(v) => {
                let s = show(rt, v);
                let call = if next && v.is_none() { "next()".to_string() } else { format!("send({s})") };
                let receives = if first { "starts".to_string() } else { format!("resumed with {s} (the value of its yield)") };
                (call, receives)
            }
            crate::eval::suspend::Resume::Throw(e) => {
                let s = show_exc(rt, e);
                if matches!(mode, ReturnMode::Close) || crate::ops::exc_matches(e, &rt.types.generator_exit) {
                    ("close()".to_string(), "resumed by close(): GeneratorExit raised at its yield".to_string())
                } else {
                    (format!("throw({s})"), format!("resumed by throw(): {s} raised at its yield"))
                }
            }
        };
        t.pending = Some(Pending { g: Rc::as_ptr(g), call, receives });
    });
}

/// A generator frame prepared by `resume_frame` is pushed on the running stack by
/// `caller` (None: by Rust, e.g. the loop stepping a task).
pub fn pushed(rt: &mut Runtime, caller: Option<&Activation>, a: &Activation) {
    let Activation::Script(f) = a else { return };
    let Some(g) = f.owner() else { return };
    with(rt, |rt, t| {
        let Some(p) = t.pending.take() else { return };
        if !std::ptr::eq(p.g, g) {
            return;
        }
        let target = gen_desc(g);
        let d = t.depth();
        let who = match caller {
            Some(Activation::Script(cf)) => {
                let cl = loc(cf);
                match f.mode {
                    ReturnMode::Delegate | ReturnMode::AgenStep(_) => {
                        let cq = frame_name(cf);
                        t.emit(rt, d, &cl, "delegate", &format!("{cq}: passes {} on to {target}", p.call));
                        Who::Delegator(cq)
                    }
                    ReturnMode::Iter => {
                        t.emit(rt, d, &cl, "next", &format!("for loop: next() -> {target}"));
                        Who::Caller { loc: cl, call: "for loop's next()".into() }
                    }
                    _ => {
                        t.emit(rt, d, &cl, "send", &format!("{} -> {target}", p.call));
                        let call = p.call.split('(').next().unwrap_or("send").to_string();
                        Who::Caller { loc: cl, call: format!("{call}()") }
                    }
                }
            }
            Some(Activation::Task(_)) => {
                t.emit(rt, d, "native", "send", &format!("{} -> {target}", p.call));
                Who::Native
            }
            None => match &t.task {
                Some(tc) if tc.nesting == rt.nesting => {
                    let name = tc.name.clone();
                    t.emit(rt, d, &clock_loc(), "send", &format!("{name}: {} -> {target}", p.call));
                    Who::Loop(name)
                }
                _ => {
                    t.emit(rt, d, "native", "send", &format!("{} -> {target}", p.call));
                    Who::Native
                }
            },
        };
        let fl = loc(f);
        let receives = if matches!(f.work.last(), Some(Step::Delegate)) {
            // Suspended in an `await`/`yield from`: what it receives goes on down.
            p.receives.replace(" (the value of its yield)", ", to pass on to what it awaits").replace(" at its yield", " at its await")
        } else {
            p.receives
        };
        t.emit(rt, d + 1, &fl, "resume", &format!("{}: {receives}", g.qualname().as_str()));
        t.resumers.push((g as *const Generator, who));
    });
}

fn pop_who(t: &mut Tracer, g: &Rc<Generator>) -> Who {
    let p = Rc::as_ptr(g);
    if !t.resumers.iter().any(|(q, _)| *q == p) {
        return Who::Native;
    }
    while let Some((q, w)) = t.resumers.pop() {
        if q == p {
            return w;
        }
    }
    Who::Native
}

/// `await v` in frame `f` reached the iterator `it`.
pub fn awaited(rt: &mut Runtime, f: &Frame, v: &str, it: &Value, yield_from: bool) {
    with(rt, |rt, t| {
        let what = if yield_from { "yield from" } else { "await" };
        let itd = desc(rt, it);
        let reached = if itd == v && matches!(it, Value::Gen(_)) {
            String::new()
        } else if itd == v {
            "(its own iterator)".to_string()
        } else if yield_from {
            format!("-> iterator {itd}")
        } else {
            format!("-> __await__() gives {itd}")
        };
        let d = t.depth();
        let line = format!("{}: {what} {v} {reached}", frame_name(f));
        t.emit(rt, d, &loc(f), "await", line.trim_end());
    });
}

/// The repr shown for an awaited value (before `__await__` runs).
pub fn awaited_value(rt: &mut Runtime, v: &Value) -> String {
    with(rt, |rt, _| desc(rt, v)).unwrap_or_default()
}

/// Generator `g` (frame `f`, resumed in `mode`) yields `v`; `below` is the stack under it.
pub fn yielded(rt: &mut Runtime, g: &Rc<Generator>, f: &Frame, mode: &ReturnMode, v: &Value, below: &[Activation]) {
    with(rt, |rt, t| {
        // An async generator's own item (not an awaited value passing out).
        let item = g.kind() == crate::runtime::generator::GenKind::AsyncGenerator && crate::eval::suspend::yields_item(f);
        let sv = if item { format!("{} (an async generator item)", show(rt, v)) } else { show(rt, v) };
        let q = g.qualname().as_str().to_string();
        let first = !std::mem::take(&mut t.in_chain);
        let delegating = matches!(f.work.last(), Some(Step::Delegate));
        let head = if !first {
            format!("{q}: passes {sv} out of its await")
        } else if delegating {
            let from = f.stack.last().map(|it| desc(rt, it)).unwrap_or_default();
            format!("{q}: {from} yields {sv}")
        } else {
            format!("{q}: yield {sv}")
        };
        let who = pop_who(t, g);
        let d = t.depth();
        let fl = loc(f);
        match (mode, &who) {
            (ReturnMode::AgenStep(_), Who::Delegator(dq)) if item => {
                t.emit(rt, d + 1, &fl, "yield", &format!("{head}; suspends, the item is the value of the await in {dq}"));
            }
            (ReturnMode::Delegate | ReturnMode::AgenStep(_), Who::Delegator(dq)) => {
                t.in_chain = true;
                t.emit(rt, d + 1, &fl, "yield", &format!("{head}; suspends, the value goes out through {dq}"));
            }
            (ReturnMode::Delegate, _) => {
                t.in_chain = true;
                t.emit(rt, d + 1, &fl, "yield", &format!("{head}; suspends, the value goes out through its caller"));
            }
            (_, Who::Loop(name)) => {
                t.emit(rt, d + 1, &fl, "yield", &format!("{head}; suspends, the value goes to the loop ({name})"));
            }
            (_, Who::Caller { loc: cl, call }) => {
                t.emit(rt, d + 1, &fl, "yield", &format!("{head}; suspends, the value goes to the caller of {call}"));
                let _ = below;
                t.emit(rt, d, cl, "receive", &format!("{call} returns {sv}"));
            }
            _ => {
                t.emit(rt, d + 1, &fl, "yield", &format!("{head}; suspends, the value goes to its (native) caller"));
            }
        }
    });
}

/// Generator `g` returns `v`.
pub fn returned(rt: &mut Runtime, g: &Rc<Generator>, f: &Frame, mode: &ReturnMode, v: &Value) {
    with(rt, |rt, t| {
        t.in_chain = false;
        let sv = show(rt, v);
        let q = g.qualname().as_str().to_string();
        let who = pop_who(t, g);
        let d = t.depth();
        let fl = loc(f);
        match (mode, &who) {
            (ReturnMode::Delegate, Who::Delegator(dq)) => {
                t.emit(rt, d + 1, &fl, "return", &format!("{q}: return {sv}; finished, the value of the await in {dq}"));
            }
            (ReturnMode::AgenStep(_), Who::Delegator(dq)) => {
                t.emit(rt, d + 1, &fl, "return", &format!("{q}: return {sv}; finished, the await in {dq} gets StopAsyncIteration"));
            }
            (_, Who::Loop(name)) => {
                t.emit(rt, d + 1, &fl, "return", &format!("{q}: return {sv}; finished, {name} is done"));
            }
            (ReturnMode::Send, Who::Caller { loc: cl, call }) => {
                let stop = show_exc(rt, &crate::eval::suspend::stop_iteration(rt, v.clone()));
                t.emit(rt, d + 1, &fl, "return", &format!("{q}: return {sv}; finished, {stop} goes to the caller of {call}"));
                t.emit(rt, d, cl, "receive", &format!("{call} raises {stop}"));
            }
            (ReturnMode::Iter, Who::Caller { loc: cl, .. }) => {
                t.emit(rt, d + 1, &fl, "return", &format!("{q}: return {sv}; finished"));
                t.emit(rt, d, cl, "receive", "for loop ends");
            }
            (ReturnMode::Close, Who::Caller { loc: cl, call }) => {
                t.emit(rt, d + 1, &fl, "return", &format!("{q}: return {sv}; finished"));
                t.emit(rt, d, cl, "receive", &format!("{call} returns None"));
            }
            _ => {
                t.emit(rt, d + 1, &fl, "return", &format!("{q}: return {sv}; finished"));
            }
        }
    });
}

/// Generator `g` ends with exception `e`.
pub fn raised(rt: &mut Runtime, g: &Rc<Generator>, f: &Frame, e: &Exc) {
    with(rt, |rt, t| {
        t.in_chain = false;
        let se = show_exc(rt, e);
        let q = g.qualname().as_str().to_string();
        let who = pop_who(t, g);
        let d = t.depth();
        let fl = loc(f);
        let to = match &who {
            Who::Delegator(dq) => format!("raised at the await in {dq}"),
            Who::Loop(name) => format!("{name} is done"),
            Who::Caller { call, .. } => format!("raised to the caller of {call}"),
            Who::Native => "raised to its (native) caller".to_string(),
        };
        t.emit(rt, d + 1, &fl, "raise", &format!("{q}: raises {se}; finished, {to}"));
    });
}

/// The loop starts a step of task `task` (a `Fut`), throwing `exc` in if given.
pub fn task_step(rt: &mut Runtime, task: &crate::aio::future::Fut, exc: Option<&Exc>) {
    with(rt, |rt, t| {
        let Some(d) = task.task.as_ref() else { return };
        let name = match &*d.name.borrow() {
            Value::Str(s) => s.as_str().to_string(),
            v => show(rt, v),
        };
        let tid = d.seq + 1;
        let coro = desc(rt, &d.coro);
        t.task = Some(TaskCtx { name: name.clone(), tid, nesting: rt.nesting });
        if t.format == Format::Json {
            t.name_track(tid, &name);
            t.json_raw("B", &name, tid, "", serde_args(&[("coro", &coro)]));
        }
        let how = match exc {
            Some(e) => format!(", throwing {}", show_exc(rt, e)),
            None => String::new(),
        };
        let dd = t.depth();
        t.emit(rt, dd, &clock_loc(), "step", &format!("task switch: step {name} ({coro}){how}"));
    });
}

/// The loop's task step ended.
pub fn task_step_end(rt: &mut Runtime) {
    with(rt, |_rt, t| {
        if let Some(tc) = t.task.take() {
            if t.format == Format::Json {
                let name = tc.name.clone();
                t.json_raw("E", &name, tc.tid, "", "{}".into());
            }
        }
    });
}

/// A timer became due.
pub fn timer(rt: &mut Runtime, h: &crate::aio::handle::Handle) {
    with(rt, |rt, t| {
        let cb = h.callback.borrow().clone();
        let args = h.args.borrow().clone();
        let c = cut(&crate::aio::log::format_callback(rt, &cb, &args));
        let d = t.depth();
        t.emit(rt, d, &clock_loc(), "timer", &format!("timer fires (due {:.3}): {c}", h.when));
    });
}

/// The loop runs a plain callback (`call_soon`, a done callback).
pub fn callback(rt: &mut Runtime, cb: &Value, args: &[Value]) {
    with(rt, |rt, t| {
        let c = cut(&crate::aio::log::format_callback(rt, cb, args));
        let d = t.depth();
        t.emit(rt, d, &clock_loc(), "callback", &format!("callback {c}"));
    });
}

/// A socket became ready.
pub fn io_ready(rt: &mut Runtime, fd: i32, what: &str) {
    with(rt, |rt, t| {
        let d = t.depth();
        t.emit(rt, d, &clock_loc(), "io", &format!("I/O wake-up: fd {fd} {what}"));
    });
}

/// The virtual clock jumps from `from` to the next timer.
pub fn clock_jump(rt: &mut Runtime, from: f64, to: f64) {
    with(rt, |rt, t| {
        let d = t.depth();
        t.emit(rt, d, &format!("loop t={from:.3}"), "clock", &format!("idle: the virtual clock jumps to {to:.3}"));
    });
}
