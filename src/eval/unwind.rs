//! Unwinding a frame's work stack as data: exceptions look for handlers, and
//! `return`/`break`/`continue` run the `finally` blocks and `__exit__` calls they leave.

use super::exec::push_block;
use super::frame::{Completion, Frame};
use super::ir::StmtKind;
use super::machine::Act;
use super::step::Step;
use crate::runtime::class::{Exc, TbEntry};
use crate::runtime::value::Value;
use crate::runtime::Runtime;

thread_local! {
    /// The exception [`reraise`] marked: its next traceback entry is not added.
    static RERAISE: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Re-raise `e` in the current frame without a new traceback entry, as CPython's
/// `RERAISE` does: a bare `raise`, the end of a `finally` block, an `__exit__` that
/// does not suppress, no `except` clause matching.
pub fn reraise(e: Exc) -> Act {
    RERAISE.with(|r| r.set(std::rc::Rc::as_ptr(&e) as usize));
    Act::Raise(e)
}

/// Record that an exception passed through frame `f` at its current line.
pub fn add_traceback(_rt: &mut Runtime, f: &Frame, e: &Exc) {
    if RERAISE.with(|r| r.replace(0)) == std::rc::Rc::as_ptr(e) as usize {
        return;
    }
    if let Some(exc) = &e.exc {
        let mut d = exc.borrow_mut();
        let frame = f as *const Frame as usize;
        if let Some(last) = d.traceback.last() {
            if last.frame == frame && last.line == f.line && std::ptr::eq(last.code, f.code) {
                return;
            }
        }
        d.traceback.push(TbEntry { code: f.code, line: f.line, frame, keep: Vec::new() });
    }
}

/// Unwind `f` for exception `e`: `Ok(act)` when a handler took it, `Err(e)` when the
/// frame has none left (it ends with the exception).
pub fn unwind_raise(rt: &mut Runtime, f: &mut Frame, e: Exc) -> Result<Act, Exc> {
    loop {
        let Some(step) = f.work.pop() else { return Err(e) };
        if matches!(step, Step::Handler(..) | Step::Finally(..) | Step::WithExit(..)) && crate::limits::halted() {
            // A spent resource limit is uncatchable and runs no more script code.
            continue;
        }
        match step {
            Step::Handler(s, h) => {
                f.stack.truncate(h as usize);
                f.push(Value::Inst(e));
                return Ok(super::raise::handler_cont(rt, f, s, 10));
            }
            Step::Finally(s, h) => {
                f.stack.truncate(h as usize);
                // While the `finally` block runs, the exception counts as handled
                // (for `__context__` of anything raised there).
                let k = rt.handled.len().saturating_sub(f.handled_base());
                rt.handled.push(e.clone());
                f.push_pending(Completion::Raise(e));
                f.work.push(Step::EndFinally);
                f.work.push(Step::ExceptBody(k as u32));
                if let StmtKind::Try(t) = &s.kind {
                    push_block(f, &t.finalbody);
                }
                return Ok(Act::Next);
            }
            Step::WithExit(s, h) => {
                f.stack.truncate(h as usize);
                return Ok(super::with::exit_on_raise(rt, f, s, e));
            }
            Step::AsyncForEnd(s, h) => {
                if crate::ops::exc_matches(&e, &rt.types.stop_async_iteration) {
                    // The async iterator is exhausted: leave the loop normally.
                    f.work.pop();
                    f.stack.truncate(h as usize);
                    if let StmtKind::For(fx) = &s.kind {
                        push_block(f, &fx.orelse);
                    }
                    return Ok(Act::Next);
                }
            }
            Step::ExceptBody(k) => rt.handled.truncate(f.handled_base() + k as usize),
            Step::EndFinally => {
                // An exception inside a `finally` replaces the completion it was for.
                f.pop_pending();
            }
            _ => {}
        }
    }
}

/// `return v` from the current point of `f`: at once when the code has no `try` or
/// `with` (nothing to run on the way out), else through [`resume`].
#[inline]
pub fn ret(rt: &mut Runtime, f: &mut Frame, v: Value) -> Act {
    if f.code.plain_return {
        f.work.clear();
        return Act::Return(v);
    }
    resume(rt, f, Completion::Return(v))
}

/// Carry out a completion (return, break, continue, or a re-raise) from the current
/// point of `f`, running the `finally` blocks and `__exit__` calls it leaves.
pub fn resume(rt: &mut Runtime, f: &mut Frame, c: Completion) -> Act {
    if let Completion::Raise(e) = c {
        return reraise(e);
    }
    if let Completion::Normal = c {
        return Act::Next;
    }
    loop {
        let Some(step) = f.work.pop() else {
            return match c {
                Completion::Return(v) => Act::Return(v),
                // `break`/`continue` outside a loop were rejected when compiling.
                _ => Act::Return(Value::None),
            };
        };
        match step {
            Step::ForIter(s, h) | Step::While(s, h) if matches!(c, Completion::Break | Completion::Continue) => {
                if let Completion::Continue = c {
                    f.stack.truncate(h as usize + matches!(step, Step::ForIter(..)) as usize);
                    f.work.push(step);
                } else {
                    f.stack.truncate(h as usize);
                }
                let _ = s;
                return Act::Next;
            }
            Step::Finally(s, h) => {
                f.stack.truncate(h as usize);
                f.push_pending(c);
                f.work.push(Step::EndFinally);
                if let StmtKind::Try(t) = &s.kind {
                    push_block(f, &t.finalbody);
                }
                return Act::Next;
            }
            Step::WithExit(s, h) => {
                f.stack.truncate(h as usize);
                return super::with::exit_on_completion(rt, f, s, c);
            }
            Step::ExceptBody(k) => rt.handled.truncate(f.handled_base() + k as usize),
            Step::EndFinally => {
                // `return`/`break` in a `finally` block drops its pending completion.
                f.pop_pending();
            }
            _ => {}
        }
    }
}
