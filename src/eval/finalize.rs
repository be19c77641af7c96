//! Finalization of generators dropped while suspended: their frame is queued by `Drop`
//! (which may not run script code) and closed by the driver at the next safe point, so
//! `finally` blocks run when the last reference went away, as in CPython.

use super::frame::{Frame, FrameBox};
use crate::runtime::generator::{GenKind, GenState, Generator};
use crate::runtime::str::PyStr;
use crate::runtime::Runtime;
use super::step::Step;
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

thread_local! {
    static QUEUE: RefCell<VecDeque<(FrameBox, GenKind, Rc<PyStr>)>> = const { RefCell::new(VecDeque::new()) };
    static PENDING: Cell<bool> = const { Cell::new(false) };
    static RUNNING: Cell<bool> = const { Cell::new(false) };
}

/// Whether the parked frame of a suspended generator being dropped can simply be freed
/// now instead of queued: closing it could run no code ([`can_run_code_on_close`]: no
/// handler, `finally`, `__exit__` or sub-iterator), and freeing it frees only values
/// whose drop is shallow ([`Frame::drop_is_shallow`]: no `Drop` of another generator
/// can recurse from here). Closing such a frame only throws `GeneratorExit` through
/// it, which is not observable. 100,000 suspended generators dropped at once no longer
/// make a queue of 100,000 frames at a program's end.
#[inline]
pub fn closes_quietly(frame: &Frame) -> bool {
    !can_run_code_on_close(frame) && frame.drop_is_shallow()
}

/// Queue the frame of a suspended generator that was just dropped.
pub fn queue_orphan(frame: FrameBox, kind: GenKind, qualname: Rc<PyStr>) {
    QUEUE.with(|q| q.borrow_mut().push_back((frame, kind, qualname)));
    PENDING.with(|p| p.set(true));
}

/// Ask the driver to call [`run_pending`] at its next safe point (the cycle collector
/// is due).
pub fn wake() {
    PENDING.with(|p| p.set(true));
}

/// Whether orphans wait to be closed.
#[inline]
pub fn pending() -> bool {
    PENDING.with(|p| p.get())
}

/// Close every queued orphan generator (in the order they were dropped). Not
/// re-entrant: orphans dropped while one is being closed wait their turn.
pub fn run_pending(rt: &mut Runtime) {
    if RUNNING.with(|r| r.replace(true)) {
        return;
    }
    PENDING.with(|p| p.set(false));
    if crate::runtime::gc::due() {
        crate::runtime::gc::collect_if_due(rt);
    }
    loop {
        let item = QUEUE.with(|q| {
            let mut q = q.borrow_mut();
            q.pop_front()
        });
        let Some((frame, kind, qualname)) = item else { break };
        PENDING.with(|p| p.set(false));
        if !can_run_code_on_close(&frame) {
            // GeneratorExit would pass straight out: closing is dropping the frame.
            rt.recycle(frame);
            continue;
        }
        let code = frame.code;
        let g = Rc::new(Generator::new(kind, code, frame, qualname.clone(), qualname.clone()));
        g.set_state(GenState::Suspended);
        let r = super::suspend::close_nested(rt, &g);
        if g.state() == GenState::Suspended {
            // It yielded again: drop it without closing a second time.
            g.set_state(GenState::Finished);
            g.frame().borrow_mut().take();
        }
        if let Err(e) = r {
            let id = Rc::as_ptr(&g) as usize;
            crate::eval::report::exception_ignored(rt, &format!("<{} object {} at {:#x}>", gen_type(kind), qualname, id), &e);
        }
    }
    PENDING.with(|p| p.set(false));
    RUNNING.with(|r| r.set(false));
}

/// Whether throwing `GeneratorExit` into this parked frame could run script code: an
/// `except` clause to match, a `finally` block, an `__exit__`, or a sub-iterator to close.
fn can_run_code_on_close(f: &Frame) -> bool {
    f.work.iter().any(|s| {
        matches!(s, Step::Handler(..) | Step::Finally(..) | Step::WithExit(..) | Step::Delegate | Step::AsyncForEnd(..))
    })
}

fn gen_type(kind: GenKind) -> &'static str {
    match kind {
        GenKind::Generator => "generator",
        GenKind::Coroutine => "coroutine",
        GenKind::AsyncGenerator => "async_generator",
    }
}
