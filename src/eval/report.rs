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

/// The notes added with `add_note`, one line each, printed after `Type: message`.
fn notes(e: &Exc) -> String {
    let mut out = String::new();
    if let Some(Value::List(l)) = &e.exc_data().extra {
        for note in l.borrow().iter() {
            if let Value::Str(s) = note {
                out.push_str(s.as_str());
                out.push('\n');
            }
        }
    }
    out
}

fn traceback_lines(e: &Exc, out: &mut String) {
    let d = e.exc_data();
    if d.traceback.is_empty() {
        return;
    }
    out.push_str("Traceback (most recent call last):\n");
    // As CPython's traceback module: a run of identical entries (recursion) shows its
    // first three, then how many more there were.
    const CUTOFF: usize = 3;
    let repeated = |out: &mut String, count: usize| {
        if count > CUTOFF {
            let n = count - CUTOFF;
            out.push_str(&format!("  [Previous line repeated {n} more time{}]\n", if n > 1 { "s" } else { "" }));
        }
    };
    let mut last: Option<&crate::runtime::class::TbEntry> = None;
    let mut count = 0;
    for entry in d.traceback.iter().rev() {
        let same = last.is_some_and(|l| l.line == entry.line && l.source().code_name() == entry.source().code_name() && l.name() == entry.name());
        if !same {
            repeated(out, count);
            count = 0;
        }
        last = Some(entry);
        count += 1;
        if count > CUTOFF {
            continue;
        }
        out.push_str(&format!("  File \"{}\", line {}, in {}\n", entry.source().code_name(), entry.line, entry.name()));
        let text = entry.source().line_text(entry.line as usize).trim();
        if !text.is_empty() {
            out.push_str(&format!("    {text}\n"));
        }
    }
    repeated(out, count);
}

/// The whole report for an uncaught exception, chained exceptions first; exception
/// groups are drawn with their members in CPython's boxed layout.
pub fn format_exception(rt: &mut Runtime, e: &Exc) -> String {
    let mut out = String::new();
    let mut ctx = GroupCtx { depth: 0, need_close: false, seen: Vec::new() };
    format_chain(rt, e, &mut ctx, &mut out);
    out
}

/// Where a report is inside nested exception groups.
struct GroupCtx {
    depth: usize,
    need_close: bool,
    seen: Vec<usize>,
}

impl GroupCtx {
    fn indent(&self) -> String {
        " ".repeat(2 * self.depth)
    }

    /// Append `text`, each line prefixed by the group margin.
    fn emit(&self, text: &str, margin: char, out: &mut String) {
        let mut prefix = self.indent();
        if self.depth > 0 {
            prefix.push(margin);
            prefix.push(' ');
        }
        for line in text.split_inclusive('\n') {
            out.push_str(&prefix);
            out.push_str(line);
        }
    }
}

/// Members of an exception group (empty for other exceptions).
fn group_members(rt: &Runtime, e: &Exc) -> Vec<Exc> {
    if !e.class().is_subclass(&rt.types.exc("BaseExceptionGroup")) {
        return Vec::new();
    }
    let items = match e.exc_data().args.get(1) {
        Some(Value::List(l)) => l.snapshot(),
        Some(Value::Tuple(t)) => t.items().to_vec(),
        _ => Vec::new(),
    };
    items.into_iter().filter_map(|v| if let Value::Inst(i) = v { Some(i) } else { None }).collect()
}

fn format_chain(rt: &mut Runtime, e: &Exc, ctx: &mut GroupCtx, out: &mut String) {
    // Walk the chain (newest last), guarding against cycles.
    let mut chain: Vec<(Exc, &'static str)> = vec![(e.clone(), "")];
    ctx.seen.push(std::rc::Rc::as_ptr(e) as usize);
    loop {
        let Some((cur, _)) = chain.last().cloned() else { break };
        let (next, link) = {
            let d = cur.exc_data();
            match (&d.cause, &d.context, d.suppress_context) {
                (Some(Value::Inst(c)), _, _) => (Some(c.clone()), "\nThe above exception was the direct cause of the following exception:\n\n"),
                (_, Some(Value::Inst(c)), false) => (Some(c.clone()), "\nDuring handling of the above exception, another exception occurred:\n\n"),
                _ => (None, ""),
            }
        };
        match next {
            Some(n) if !ctx.seen.contains(&(std::rc::Rc::as_ptr(&n) as usize)) && chain.len() < 1000 => {
                ctx.seen.push(std::rc::Rc::as_ptr(&n) as usize);
                if let Some(last) = chain.last_mut() {
                    last.1 = link;
                }
                chain.push((n, ""));
            }
            _ => break,
        }
    }
    for i in (0..chain.len()).rev() {
        let ex = chain[i].0.clone();
        format_one(rt, &ex, ctx, out);
        if i > 0 {
            ctx.emit(chain[i - 1].1, '|', out);
        }
    }
}

fn format_one(rt: &mut Runtime, ex: &Exc, ctx: &mut GroupCtx, out: &mut String) {
    let members = group_members(rt, ex);
    let mut tb = String::new();
    traceback_lines(ex, &mut tb);
    if members.is_empty() {
        ctx.emit(&tb, '|', out);
        let line = exception_line(rt, ex);
        ctx.emit(&format!("{line}\n{}", notes(ex)), '|', out);
        return;
    }
    if ctx.depth > 10 {
        ctx.emit("... (max_group_depth is 10)\n", '|', out);
        return;
    }
    let top = ctx.depth == 0;
    if top {
        ctx.depth += 1;
    }
    if let Some(rest) = tb.strip_prefix("Traceback (most recent call last):\n") {
        ctx.emit("Exception Group Traceback (most recent call last):\n", if top { '+' } else { '|' }, out);
        ctx.emit(rest, '|', out);
    }
    let line = exception_line(rt, ex);
    ctx.emit(&format!("{line}\n{}", notes(ex)), '|', out);
    const WIDTH: usize = 15;
    let n = if members.len() <= WIDTH { members.len() } else { WIDTH + 1 };
    ctx.need_close = false;
    for i in 0..n {
        let last = i == n - 1;
        if last {
            ctx.need_close = true;
        }
        let truncated = i >= WIDTH;
        let title = if truncated { "...".to_string() } else { (i + 1).to_string() };
        out.push_str(&format!("{}{}+---------------- {title} ----------------\n", ctx.indent(), if i == 0 { "+-" } else { "  " }));
        ctx.depth += 1;
        if truncated {
            let remaining = members.len() - WIDTH;
            ctx.emit(&format!("and {remaining} more exception{}\n", if remaining > 1 { "s" } else { "" }), '|', out);
        } else {
            format_chain(rt, &members[i], ctx, out);
        }
        if last && ctx.need_close {
            out.push_str(&format!("{}+------------------------------------\n", ctx.indent()));
            ctx.need_close = false;
        }
        ctx.depth -= 1;
    }
    if top {
        ctx.depth = 0;
    }
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
