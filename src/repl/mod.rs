//! The REPL: an interactive session (line editing, history, completion, highlighting,
//! top-level `await` on a persistent event loop) and a batch mode for piped input that
//! echoes like Python's interactive mode, for transcript tests.

pub mod commands;
pub mod editor;
pub mod input;

use crate::runtime::dict::Dict;
use crate::runtime::generator::{GenKind, Generator};
use crate::runtime::intern::intern;
use crate::runtime::value::Value;
use crate::runtime::{Options, Output, Runtime};
use crate::span::SourceFile;
use std::io::IsTerminal;
use std::rc::Rc;

/// A REPL session: the runtime and the `__main__` namespace, kept across inputs.
pub struct Session {
    /// The interpreter state.
    pub rt: Runtime,
    /// The namespace inputs run in.
    pub globals: Rc<Dict>,
    /// Number of inputs run (for `<stdin-N>` file names).
    pub count: usize,
    /// Whether output goes to a terminal (colour in diagnostics).
    pub color: bool,
    /// The session's event loop, made on the first input and kept: every input runs
    /// as a task on it, so tasks started by one input run while later inputs await.
    pub event_loop: Option<Rc<crate::aio::event_loop::Loop>>,
}

impl Session {
    /// A new session writing to `out`.
    pub fn new(out: Output, opts: Options, color: bool) -> Session {
        let mut rt = Runtime::new(out, opts);
        let globals = Rc::new(Dict::new());
        globals.set_str(intern("__name__"), Value::str("__main__"));
        globals.set_str(intern("__doc__"), Value::None);
        crate::builtins::modules::set_main_globals(globals.clone());
        crate::limits::poll_interrupts(&mut rt);
        Session { rt, globals, count: 0, color, event_loop: None }
    }

    /// Run one complete input. Errors are reported on stderr; the session goes on.
    /// Returns false when the input asked to leave (`exit()`).
    pub fn run_input(&mut self, text: &str) -> bool {
        self.count += 1;
        let source = Rc::new(SourceFile::new("<stdin>", text.to_string()));
        let (code, is_async) = match crate::compile::compile_interactive(source.clone()) {
            Ok(c) => c,
            Err(diags) => {
                self.rt.flush_out();
                eprint!("{}", crate::diagnostic::render(&diags[0], &source, self.color));
                return true;
            }
        };
        let _ = is_async; // every input runs as a task; awaiting or not
        let lp = self.event_loop.get_or_insert_with(crate::aio::event_loop::Loop::new).clone();
        let rt = &mut self.rt;
        let mut frame = rt.new_frame(code, self.globals.clone());
        if !code.body.is_empty() {
            frame.work.push(crate::eval::step::Step::Block(&code.body, 0));
        }
        // As `python3 -m asyncio` does, every input runs inside the loop (so
        // `create_task` and `get_running_loop` work even without `await`): the input's
        // code is the body of a coroutine that runs as a task until it is done.
        let g = Rc::new(Generator::new(GenKind::Coroutine, code, frame, intern("<module>"), intern("<module>")));
        let result = run_task(rt, &lp, Value::Gen(g));
        let mut keep_going = true;
        if let Err(e) = result {
            if e.class().is_subclass(&rt.types.exc("SystemExit")) {
                keep_going = false;
            } else {
                crate::eval::report::print_exception(rt, &e);
            }
        }
        if crate::eval::finalize::pending() {
            crate::eval::finalize::run_pending(rt);
        }
        rt.flush_out();
        keep_going
    }
}

/// Run the REPL on standard input; returns the exit status.
pub fn run(opts: Options) -> i32 {
    let stdin_tty = std::io::stdin().is_terminal();
    let stdout_tty = std::io::stdout().is_terminal();
    let out = Output::Stdout(std::io::BufWriter::new(std::io::stdout()), stdout_tty);
    let mut session = Session::new(out, opts, stdout_tty && std::io::stderr().is_terminal());
    if stdin_tty {
        editor::interactive(&mut session)
    } else {
        batch(&mut session, crate::stdin::lines())
    }
}

/// Piped input (the lines of standard input, see [`crate::stdin::lines`]): no banner,
/// no prompts; inputs end as in interactive mode.
pub fn batch(session: &mut Session, input: impl Iterator<Item = std::io::Result<String>>) -> i32 {
    let mut buf = String::new();
    for line in input {
        let Ok(line) = line else { break };
        if buf.is_empty() && line.trim_start().starts_with(':') {
            commands::run(session, line.trim());
            continue;
        }
        buf.push_str(&line);
        buf.push('\n');
        match input::status(&buf) {
            input::Status::Empty => buf.clear(),
            input::Status::Incomplete => {}
            input::Status::Complete => {
                let text = std::mem::take(&mut buf);
                if !session.run_input(&text) {
                    return 0;
                }
            }
        }
    }
    if !buf.trim().is_empty() {
        session.run_input(&buf);
    }
    0
}

/// Run one input's coroutine as a task on the session loop until it is done; other
/// tasks on the loop make progress meanwhile.
///
/// Ctrl-C while it runs cancels the input's task (its `finally` blocks and `with`
/// exits run, background tasks are left alone) and the input ends with
/// `KeyboardInterrupt`, as in `python3 -m asyncio`.
fn run_task(rt: &mut Runtime, lp: &Rc<crate::aio::event_loop::Loop>, coro: Value) -> Result<Value, crate::runtime::class::Exc> {
    use crate::aio::signals;
    let task = crate::aio::task::create_task(rt, lp, coro, None)?;
    signals::enter_repl_run(lp, &task);
    let r = lp.run_until_complete(rt, &task, true);
    let interrupted = signals::interrupts() > 0;
    signals::leave_run(lp);
    match r {
        Err(e) if interrupted && crate::aio::classes::is_cancelled_error(&e) => {
            let _ = e;
            Err(rt.new_exc(&rt.types.keyboard_interrupt, vec![]))
        }
        r => r,
    }
}
