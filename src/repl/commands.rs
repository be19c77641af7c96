//! REPL commands (`:help`, `:tasks`, ...), which look at the event loop.

use super::Session;
use crate::runtime::generator::{GenState, Generator};
use crate::runtime::value::Value;
use crate::runtime::Runtime;

/// The commands and what they do.
const HELP: &[(&str, &str)] = &[
    (":help", "list these commands"),
    (":tasks", "list the event loop's live tasks: state and where each is suspended"),
    (":trace", ":trace on|off: show every transfer of control (send, yield, await, task switch...)"),
    (":step", "run one turn of the event loop (the background tasks) and show what ran"),
    (":clock", "show the event loop's clock (loop.time()) and the next timer"),
];

/// Run a `:command` line.
pub fn run(session: &mut Session, line: &str) {
    let mut words = line.split_whitespace();
    let cmd = words.next().unwrap_or("");
    let out = match cmd {
        ":help" => HELP.iter().map(|(c, d)| format!("{c:<10} {d}")).collect::<Vec<_>>().join("\n"),
        ":tasks" => tasks(session),
        ":trace" => steer::trace(session, words.next()),
        ":step" => steer::step(session),
        ":clock" => steer::clock(session),
        other => format!("unknown command {other} (try :help)"),
    };
    let _ = session.rt.write_out(&format!("{out}\n"));
    session.rt.flush_out();
}

/// One line per task of the session loop that is not done: its name, state, and the
/// chain of coroutines it is suspended in, innermost last, with the awaited object.
fn tasks(session: &mut Session) -> String {
    let Some(lp) = session.event_loop.clone() else { return "no tasks".to_string() };
    let live = crate::aio::task::pending_tasks(&lp);
    if live.is_empty() {
        return "no tasks".to_string();
    }
    let rt = &mut session.rt;
    let mut lines = Vec::new();
    for t in live {
        let Some(d) = t.task.as_ref() else { continue };
        let name_v = d.name.borrow().clone();
        let name = match &name_v {
            Value::Str(s) => s.as_str().to_string(),
            other => short_repr(rt, other),
        };
        let state = if d.must_cancel.get() { "cancelling" } else { "pending" };
        lines.push(format!("{name} ({state})"));
        let mut cur = d.coro.clone();
        // Follow the await chain down to the object the innermost coroutine waits on.
        for _ in 0..64 {
            let Value::Gen(g) = &cur else {
                // A future's iterator stands for the future the task waits on.
                let waited = d.fut_waiter.borrow().as_ref().map(|w| w.val()).unwrap_or(cur.clone());
                lines.push(format!("    awaiting {}", short_repr(rt, &waited)));
                break;
            };
            lines.push(format!("    {}", where_(g)));
            let next = g.frame().borrow().as_ref().and_then(|f| crate::eval::suspend::delegating_to(f));
            match next {
                Some(v) => cur = v,
                None => {
                    if g.state() == GenState::Suspended {
                        if let Some(w) = d.fut_waiter.borrow().as_ref() {
                            let v = w.val();
                            lines.push(format!("    awaiting {}", short_repr(rt, &v)));
                        }
                    }
                    break;
                }
            }
        }
    }
    lines.join("\n")
}

/// `qualname() at FILE:LINE` (or its state when it has no frame to point at).
fn where_(g: &Generator) -> String {
    let q = g.qualname();
    let file = &g.code().source.name;
    match (g.state(), g.frame().borrow().as_ref()) {
        (GenState::Created, _) => format!("{q}() not started, defined at {file}:{}", g.code().firstline),
        (GenState::Running, _) => format!("{q}() running"),
        (_, Some(f)) => format!("{q}() at {file}:{}", f.line),
        (_, None) => format!("{q}() done"),
    }
}

/// A repr cut to one readable line.
fn short_repr(rt: &mut Runtime, v: &Value) -> String {
    let s = match crate::ops::repr::repr(rt, v) {
        Ok(s) => s.as_str().to_string(),
        Err(_) => "<unprintable>".to_string(),
    };
    if s.chars().count() > 72 { format!("{}...", s.chars().take(69).collect::<String>()) } else { s }
}

/// `:trace`, `:step` and `:clock` (issue 9): seeing and steering the session loop.
mod steer {
    use super::Session;

    /// `:trace on|off`: trace lines go to standard output, in order with the program's.
    pub fn trace(session: &mut Session, arg: Option<&str>) -> String {
        match arg {
            Some("on") => {
                session.rt.trace = Some(Box::new(crate::trace::Tracer::to_stdout()));
                "trace on".to_string()
            }
            Some("off") => {
                session.rt.trace = None;
                "trace off".to_string()
            }
            _ => format!("trace is {} (:trace on|off)", if session.rt.trace.is_some() { "on" } else { "off" }),
        }
    }

    /// `:step`: one turn of the session loop, traced to standard output.
    pub fn step(session: &mut Session) -> String {
        let Some(lp) = session.event_loop.clone() else { return "nothing to run (no event loop yet)".to_string() };
        let rt = &mut session.rt;
        let saved = rt.trace.replace(Box::new(crate::trace::Tracer::to_stdout()));
        let r = lp.run_one(rt);
        rt.trace = saved;
        if crate::eval::finalize::pending() {
            crate::eval::finalize::run_pending(rt);
        }
        match r {
            Ok(false) => "nothing to run: no callback ready, no timer, no I/O".to_string(),
            Ok(true) => format!("step done; {}", clock_line(&lp)),
            Err(e) => {
                crate::eval::report::print_exception(rt, &e);
                "step interrupted".to_string()
            }
        }
    }

    fn clock_line(lp: &crate::aio::event_loop::Loop) -> String {
        let now = crate::aio::event_loop::now();
        let kind = if crate::aio::steer::is_virtual() { "virtual" } else { "monotonic" };
        let ready = lp.ready.borrow().len();
        let next = lp.timers.borrow().iter().filter(|h| !h.cancelled.get()).map(|h| h.when).fold(f64::INFINITY, f64::min);
        let timer = if next.is_finite() { format!("next timer in {:.3} s", (next - now).max(0.0)) } else { "no timer".to_string() };
        format!("clock {now:.3} ({kind}), {ready} ready, {timer}")
    }

    /// `:clock`: the loop's clock, and what is scheduled.
    pub fn clock(session: &mut Session) -> String {
        match &session.event_loop {
            Some(lp) => clock_line(lp),
            None => format!("clock {:.3} (no event loop yet)", crate::aio::event_loop::now()),
        }
    }
}
