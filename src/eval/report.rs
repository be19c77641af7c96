//! Printing uncaught exceptions as CPython does: the traceback of each exception in the
//! chain (`__cause__`, `__context__`), then `Type: message`.

use crate::ops;
use crate::runtime::class::Exc;
use crate::runtime::value::Value;
use crate::runtime::Runtime;

/// The last line of a traceback: `Type: message` (or just `Type`).
pub fn exception_line(rt: &mut Runtime, e: &Exc) -> String {
    let name = e.class().display_name();
    let msg = match ops::repr::to_str(rt, &Value::Inst(e.clone())) {
        Ok(s) => s.as_str().to_string(),
        Err(_) => "<exception str() failed>".to_string(),
    };
    if msg.is_empty() { name } else { format!("{name}: {msg}") }
}

fn traceback_lines(e: &Exc, out: &mut String) {
    let d = e.exc_data();
    if d.traceback.is_empty() {
        return;
    }
    out.push_str("Traceback (most recent call last):\n");
    for entry in d.traceback.iter().rev() {
        out.push_str(&format!("  File \"{}\", line {}, in {}\n", entry.source.name, entry.line, entry.name));
        let text = entry.source.line_text(entry.line as usize).trim();
        if !text.is_empty() {
            out.push_str(&format!("    {text}\n"));
        }
    }
}

/// The whole report for an uncaught exception, chained exceptions first.
pub fn format_exception(rt: &mut Runtime, e: &Exc) -> String {
    // Walk the chain (newest last), guarding against cycles.
    let mut chain: Vec<(Exc, &'static str)> = vec![(e.clone(), "")];
    let mut seen = vec![std::rc::Rc::as_ptr(e) as usize];
    loop {
        let (cur, _) = chain.last().unwrap().clone();
        let (next, link) = {
            let d = cur.exc_data();
            match (&d.cause, &d.context, d.suppress_context) {
                (Some(Value::Inst(c)), _, _) => (Some(c.clone()), "\nThe above exception was the direct cause of the following exception:\n\n"),
                (_, Some(Value::Inst(c)), false) => (Some(c.clone()), "\nDuring handling of the above exception, another exception occurred:\n\n"),
                _ => (None, ""),
            }
        };
        match next {
            Some(n) if !seen.contains(&(std::rc::Rc::as_ptr(&n) as usize)) && chain.len() < 1000 => {
                seen.push(std::rc::Rc::as_ptr(&n) as usize);
                chain.last_mut().unwrap().1 = link;
                chain.push((n, ""));
            }
            _ => break,
        }
    }
    let mut out = String::new();
    for i in (0..chain.len()).rev() {
        let ex = chain[i].0.clone();
        traceback_lines(&ex, &mut out);
        out.push_str(&exception_line(rt, &ex));
        out.push('\n');
        if i > 0 {
            out.push_str(chain[i - 1].1);
        }
    }
    out
}

/// Print an uncaught exception to stderr.
pub fn print_exception(rt: &mut Runtime, e: &Exc) {
    rt.flush_out();
    let text = format_exception(rt, e);
    use std::io::Write;
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(text.as_bytes());
    let _ = err.flush();
}

/// CPython's "Exception ignored in: ..." report (finalizers, callbacks).
pub fn exception_ignored(rt: &mut Runtime, what: &str, e: &Exc) {
    rt.flush_out();
    let text = format_exception(rt, e);
    use std::io::Write;
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "Exception ignored in: {what}");
    let _ = err.write_all(text.as_bytes());
}
