//! Delegation chains (`yield from`, `await`) resumed without their middle: a frame
//! resumed while it delegates to a suspended generator hands the sent value straight to
//! the innermost generator of the chain, whose frame alone is pushed ([`descend`]); the
//! skipped middle frames stay parked and are suspended again when the innermost yields
//! ([`park_middle`]) or pushed one by one as the chain returns ([`surface_parent`]).

use super::frame::{Activation, Frame, FrameBox, ReturnMode};
use super::step::Step;
use crate::runtime::generator::{GenState, Generator};
use crate::runtime::value::Value;
use crate::runtime::Runtime;
use std::rc::Rc;

/// A generator frame was just pushed, resumed by `send(v)` while it delegates
/// (`yield from`, `await`) to a suspended generator: hand `v` straight to the innermost
/// generator of the chain and push only that one's frame. The frames in between (the
/// chain's *middle*) stay parked in their generators, which are marked running (so a
/// `send` into one of them is "already executing", as in CPython) and counted in
/// `rt.depth` (the recursion limit sees the whole chain). Nothing in between needs to
/// run: a delegating frame that is resumed by `send` only passes the value on, and when
/// the innermost generator yields, each passes the value out. So a value travels down
/// and up a chain of any depth with one frame push and one park, plus one cheap pass
/// over the middle generators each way (their state); [`park_middle`] ends the pass when
/// the innermost frame yields, [`surface_parent`] pushes its parent's frame when it
/// returns or raises (the parent then takes the result as its `yield from` value).
///
/// A frame is a middle only when it delegates to a suspended generator, is not being
/// thrown into, and handles no exception (an empty `saved_handled`: the exceptions a
/// parked frame is handling must be on `rt.handled` while anything below it runs). The
/// first generator that is not a middle gets `v`, its frame pushed in
/// `ReturnMode::Delegate`; when it delegates to something else (an iterator, an
/// awaitable object), its own `Step::Delegate` passes `v` on. The walk also stops where
/// one more frame would pass the recursion limit: that frame then fails to push its
/// delegate in the normal step, as it would have step by step. A loop, not a recursion:
/// a 10,000-deep chain costs no Rust stack.
pub fn descend(rt: &mut Runtime, stack: &mut Vec<Activation>) {
    let Some(Activation::Script(top)) = stack.last_mut() else { return };
    // The top frame has the sent value above the sub-generator on its stack.
    let n = top.stack.len();
    if n < 2 || !parked_delegating(top) {
        return;
    }
    let limit = rt.opts.recursion_limit;
    let mut depth = rt.depth;
    let first: *const Rc<Generator> = match &top.stack[n - 2] {
        Value::Gen(g) if can_run(g, depth, limit) => g,
        _ => return,
    };
    let v = top.stack.pop().unwrap_or(Value::None);
    let below: *const Frame = &**top;
    // SAFETY: `first` stays on `top`'s stack (only the value above it was popped), and
    // `top` waits on the driver's stack while the chain runs.
    let first = unsafe { &*first };
    let mut g = first;
    let mut parent: Option<&Rc<Generator>> = None;
    loop {
        // `g` is suspended with its frame parked: it runs (as a middle, or it gets `v`).
        depth += 1;
        g.set_state(GenState::Running);
        // SAFETY: nothing else touches the parked frames of the chain during the walk.
        let Some(f) = (unsafe { parked_frame(g) }) else { break };
        if !f.no_saved_handled() || !parked_delegating(f) {
            break;
        }
        match f.stack.last() {
            Some(Value::Gen(h)) if can_run(h, depth, limit) => {
                parent = Some(g);
                g = h;
            }
            _ => break,
        }
    }
    rt.depth = depth;
    if let Some(p) = parent {
        rt.chain.remember(below, first, p);
    }
    // SAFETY: `g` is on its parent's stack (`top`'s, or a middle frame's, parked while
    // the chain runs).
    let mut fr = unsafe { unpark_delegate(rt, g) };
    fr.push_sent(v);
    stack.push(Activation::Script(fr));
}

/// Takes the frame parked in generator `g` (of a chain [`descend`] walked) to run it
/// again in `ReturnMode::Delegate`, with the exceptions it was handling back on the
/// runtime's list. Its owner is borrowed ([`Frame::set_owner_borrowed`]).
///
/// # Safety
/// `g` is held by an `Rc` on the stack of its parent in the chain (the frame on the
/// driver's stack the chain hangs from, or a middle frame, parked while the chain
/// runs), which keeps it while the frame runs.
unsafe fn unpark_delegate(rt: &mut Runtime, g: &Generator) -> FrameBox {
    let Some(mut fr) = g.take_frame() else {
        unreachable!("a generator of a delegation chain without its frame")
    };
    // SAFETY: per the caller.
    unsafe { fr.set_owner_borrowed(g) };
    fr.mode = ReturnMode::Delegate;
    fr.set_handled_base(rt.handled.len());
    if !fr.no_saved_handled() {
        fr.restore_saved_handled(&mut rt.handled);
    }
    fr
}

/// The frame parked in generator `g`, read without a borrow guard (the chain walks of
/// [`descend`], [`park_middle`] and [`surface_parent`] read one pointer per level).
///
/// # Safety
/// Nothing may take or change `g`'s frame while the reference is in use.
#[inline(always)]
unsafe fn parked_frame(g: &Generator) -> Option<&Frame> {
    // SAFETY: per the caller, no mutable borrow of the cell is live.
    unsafe { (*g.frame().as_ptr()).as_deref() }
}

/// Whether a frame is parked in a `yield from`/`await` (not finished, not being thrown
/// into): its work ends with `Step::Delegate` and the sub-iterator is on its stack.
#[inline(always)]
fn parked_delegating(f: &Frame) -> bool {
    matches!(f.work.last(), Some(Step::Delegate)) && !f.iter_done() && !f.throwing()
}

/// For [`descend`]: whether generator `g` (a frame's delegate) can run now: it is
/// suspended with its frame parked, and the recursion limit allows one more frame.
#[inline(always)]
fn can_run(g: &Generator, depth: usize, limit: usize) -> bool {
    // SAFETY: only whether a frame is there is read.
    g.state() == GenState::Suspended && depth < limit && unsafe { parked_frame(g) }.is_some()
}

/// The middle generator a parked frame delegates to, if any: a running generator whose
/// frame is parked (a generator running on the driver's stack has no frame in it).
#[inline(always)]
fn middle_below(f: &Frame) -> Option<&Rc<Generator>> {
    match f.stack.last() {
        Some(Value::Gen(h)) if h.state() == GenState::Running => Some(h),
        _ => None,
    }
}

/// The delegating frame `below` is on top of the driver's stack again after the frame
/// it was running for (in `ReturnMode::Delegate`) yielded: if a chain's middle was
/// skipped between them ([`descend`]), the middle generators are suspended again and
/// leave `rt.depth`. Nothing to do when `below` ran its sub-generator itself: that
/// generator has just been parked, so it is not running.
#[inline]
pub fn park_middle(rt: &mut Runtime, below: &Frame) {
    let Some(mut g) = middle_below(below) else { return };
    let mut n = 0;
    loop {
        g.set_state(GenState::Suspended);
        n += 1;
        // SAFETY: the middle's frames stay parked during the walk.
        match unsafe { parked_frame(g) }.and_then(middle_below) {
            Some(h) => g = h,
            None => break,
        }
    }
    rt.depth -= n;
    if std::ptr::eq(rt.chain.below, below) {
        rt.chain.below = std::ptr::null();
    }
}

/// A frame running in `ReturnMode::Delegate` has just ended (returned or raised, its
/// generator finished) and is off the stack: if the frame now on top reaches it through
/// a skipped middle ([`descend`]), push the frame of its parent (the last middle
/// generator, which stays running and counted in `rt.depth`) so the `yield from` that
/// waited for it takes the result, as if every level had been on the stack.
///
/// The parent comes from [`ChainMemo`] when it holds this chain (the one [`descend`]
/// recorded, then each further one in turn), else from a walk down the middle that
/// records the levels above the parent: a chain of any depth returns level by level in
/// linear time.
#[inline]
pub fn surface_parent(rt: &mut Runtime, stack: &mut Vec<Activation>) {
    let Some(Activation::Script(below)) = stack.last() else { return };
    let Some(first) = middle_below(below) else { return };
    let below: *const Frame = &**below;
    let memo = &mut rt.chain;
    let p = match memo.parents.last() {
        Some(&p) if std::ptr::eq(memo.below, below) && std::ptr::eq(memo.first, Rc::as_ptr(first)) => {
            memo.parents.pop();
            // SAFETY: the memo holds this chain (its `below` frame is on the stack and
            // delegates to `first`), whose parked frames own its generators.
            unsafe { &*p }
        }
        _ => {
            memo.below = below;
            memo.first = Rc::as_ptr(first);
            memo.parents.clear();
            let mut p = first;
            // SAFETY: the middle's frames stay parked during the walk.
            while let Some(h) = unsafe { parked_frame(p) }.and_then(middle_below) {
                memo.parents.push(Rc::as_ptr(p));
                p = h;
            }
            &**p
        }
    };
    // SAFETY: `p` is on the stack of its parent in the chain: `below`'s, or a middle
    // frame's, parked (its generator running) until `p`'s frame has returned.
    let fr = unsafe { unpark_delegate(rt, p) };
    stack.push(Activation::Script(fr));
}

/// The middle of the delegation chain [`descend`] skipped last, for [`surface_parent`]:
/// the frame on the driver's stack the chain hangs from (`below`), the first middle
/// generator (`below`'s delegate), and the middle generators still parked above the
/// next one to surface, outermost first. The pointers are not counted references: a
/// memo is only read when `below` and `first` match the chain on the stack, and every
/// chain with a middle is made by [`descend`], which writes the memo, so a matching memo
/// is this chain's and its generators are owned by the chain's parked frames. A memo
/// another chain overwrote is simply not used (the walk writes it again).
pub struct ChainMemo {
    below: *const Frame,
    first: *const Generator,
    parents: Vec<*const Generator>,
}

impl ChainMemo {
    /// An empty memo (matches no chain).
    pub fn new() -> ChainMemo {
        ChainMemo { below: std::ptr::null(), first: std::ptr::null(), parents: Vec::new() }
    }

    /// [`descend`] skipped the middle of the chain from frame `below` through `first`;
    /// `parent` is the innermost generator's parent.
    #[inline]
    fn remember(&mut self, below: *const Frame, first: &Rc<Generator>, parent: &Rc<Generator>) {
        self.below = below;
        self.first = Rc::as_ptr(first);
        self.parents.clear();
        self.parents.push(Rc::as_ptr(parent));
    }
}

impl Default for ChainMemo {
    fn default() -> ChainMemo {
        ChainMemo::new()
    }
}
