//! Coro: a Python-3.11-subset interpreter built around first-class coroutines.
//!
//! The pipeline: [`syntax`] (tokens, indentation, parser, validation) → [`compile`]
//! (scopes to slots, lowering) → [`eval`] (heap frames stepped by one driver loop) over
//! [`runtime`] objects and the [`ops`] object protocol, with [`builtins`] and the
//! [`aio`] event loop. See `src/README.md` for the module map.

pub mod aio;
pub mod alloc;
pub mod builtins;
pub mod cli;
pub mod compile;
pub mod diagnostic;
pub mod eval;
pub mod limits;
pub mod ops;
pub mod repl;
pub mod runtime;
pub mod span;
pub mod stdin;
pub mod syntax;
pub mod trace;

use runtime::dict::Dict;
use runtime::value::Value;
use runtime::{Options, Output, Runtime};
use span::SourceFile;
use std::rc::Rc;

/// Exit status for an uncaught `KeyboardInterrupt`, as a shell reports SIGINT.
pub const EXIT_INTERRUPTED: i32 = 130;

/// Run a program: compile it, run it, report an uncaught exception on stderr.
/// Returns the process exit status.
pub fn run_source(source: Rc<SourceFile>, out: Output, opts: Options) -> i32 {
    let mut rt = Runtime::new(out, opts);
    if aio::signals::in_script_mode() {
        limits::poll_interrupts(&mut rt);
    }
    let status = run_in(&mut rt, source);
    match limits::final_flush(&mut rt) {
        Some(msg) => {
            eprintln!("{msg}");
            if status == 0 { 1 } else { status }
        }
        None => status,
    }
}

/// Run a program in an existing runtime; returns the exit status.
pub fn run_in(rt: &mut Runtime, source: Rc<SourceFile>) -> i32 {
    let code = match compile::compile(source.clone(), Default::default()) {
        Ok(c) => c,
        Err(diags) => {
            let text = diagnostic::render(&diags[0], &source, false);
            eprint!("{text}");
            return 1;
        }
    };
    let globals = Rc::new(Dict::new());
    globals.set_str(runtime::intern::intern("__name__"), Value::str("__main__"));
    globals.set_str(runtime::intern::intern("__doc__"), code.doc.clone().unwrap_or(Value::None));
    if let Some(path) = &source.path {
        globals.set_str(runtime::intern::intern("__file__"), Value::str(path));
    }
    builtins::modules::set_main_globals(globals.clone());
    let mut frame = rt.new_frame(code, globals.clone());
    if !code.body.is_empty() {
        frame.work.push(eval::step::Step::Block(&code.body, 0));
    }
    let result = eval::machine::run_frame(rt, frame);
    let status = match result {
        Ok(_) => 0,
        Err(e) => exit_status(rt, &e),
    };
    // Interpreter shutdown: drop the module's names so suspended generators close.
    rt.flush_out();
    let entries = std::mem::take(&mut *globals.borrow_mut());
    drop(entries);
    if eval::finalize::pending() {
        eval::finalize::run_pending(rt);
    }
    runtime::gc::report_stats();
    status
}

/// The exit status for an uncaught exception, printing its traceback (or, for
/// `SystemExit`, its message).
pub fn exit_status(rt: &mut Runtime, e: &runtime::class::Exc) -> i32 {
    if limits::is_quiet_halt(e) {
        return 0;
    }
    if e.class().is_subclass(&rt.types.exc("SystemExit")) {
        let code = e.exc_data().args.first().cloned().unwrap_or(Value::None);
        return match code {
            Value::None => 0,
            Value::Int(i) => i as i32,
            Value::Bool(b) => b as i32,
            other => {
                rt.flush_out();
                if let Ok(s) = ops::repr::to_str(rt, &other) {
                    eprintln!("{}", s.as_str());
                }
                1
            }
        };
    }
    eval::report::print_exception(rt, e);
    if e.class().is_subclass(&rt.types.keyboard_interrupt) { EXIT_INTERRUPTED } else { 1 }
}
