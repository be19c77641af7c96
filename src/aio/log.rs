//! The loop's error log (CPython's default exception handler): errors in callbacks,
//! task exceptions never retrieved, errors during shutdown. Everything goes to stderr.

use crate::ops;
use crate::runtime::class::Exc;
use crate::runtime::value::Value;
use crate::runtime::Runtime;
use std::cell::RefCell;

thread_local! {
    /// Messages recorded where no runtime is at hand (object finalizers), printed at
    /// the loop's next safe point.
    static DEFERRED: RefCell<Vec<(String, Exc)>> = const { RefCell::new(Vec::new()) };
}

/// `name(args)` as CPython's `_format_callback_source` shows a callback.
pub fn format_callback(rt: &mut Runtime, cb: &Value, args: &[Value]) -> String {
    let name = callable_name(rt, cb);
    let mut parts = Vec::new();
    for a in args {
        parts.push(match ops::repr::repr(rt, a) {
            Ok(s) => s.as_str().to_string(),
            Err(_) => "...".to_string(),
        });
    }
    format!("{name}({})", parts.join(", "))
}

fn callable_name(rt: &mut Runtime, cb: &Value) -> String {
    let q = crate::runtime::intern::intern("__qualname__");
    match ops::attr::getattr(rt, cb, &q) {
        Ok(Value::Str(s)) => s.as_str().to_string(),
        _ => match ops::repr::repr(rt, cb) {
            Ok(s) => s.as_str().to_string(),
            Err(_) => "<callback>".to_string(),
        },
    }
}

/// Log `message` with the exception's traceback to stderr.
pub fn error(rt: &mut Runtime, message: &str, e: &Exc) {
    rt.flush_out();
    let text = crate::eval::report::format_exception(rt, e);
    use std::io::Write;
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{message}");
    let _ = err.write_all(text.as_bytes());
    let _ = err.flush();
}

/// Log a message without an exception.
pub fn message(rt: &mut Runtime, message: &str) {
    rt.flush_out();
    eprintln!("{message}");
}

/// Record a message to print later (from a destructor).
pub fn defer(message: String, e: Exc) {
    DEFERRED.with(|d| d.borrow_mut().push((message, e)));
}

/// Print the deferred messages.
pub fn flush_deferred(rt: &mut Runtime) {
    loop {
        let item = DEFERRED.with(|d| {
            let mut d = d.borrow_mut();
            if d.is_empty() { None } else { Some(d.remove(0)) }
        });
        let Some((msg, e)) = item else { break };
        error(rt, &msg, &e);
    }
}

/// Whether deferred messages wait.
pub fn has_deferred() -> bool {
    DEFERRED.with(|d| !d.borrow().is_empty())
}
