//! The driver loop: steps the top activation of a stack of heap frames. A call pushes
//! a frame, a return pops it and hands the value down, an exception unwinds frame by
//! frame as data, a `yield` parks the generator's frame in its generator object. Script
//! calls never recurse in Rust. Built-ins that call back into script code in the common
//! cases (`sorted(key=)`, `sum(genexpr)`, `map`...) run as native tasks on the same
//! stack (`eval::native::Task`); only the uncommon ones start a nested run of this loop.

use super::frame::{Activation, FrameBox, ReturnMode, TaskFrame};
use super::native::{Input, TaskStep};
use crate::runtime::class::Exc;
use crate::runtime::generator::GenState;
use crate::runtime::str::PyStr;
use crate::runtime::value::Value;
use crate::runtime::Runtime;
use std::rc::Rc;

/// What one step asks the driver to do.
pub enum Act {
    /// Keep stepping the same frame.
    Next,
    /// Push a new activation (a call).
    Call(Activation),
    /// Raise an exception in the current frame.
    Raise(Exc),
    /// The current frame returns (its `finally` blocks have run).
    Return(Value),
    /// The current (generator) frame yields.
    Yield(Value),
    /// Read attribute `name` of the frame of a generator that is running further down
    /// the stack (a function it called asks for `g.gi_frame.f_lineno`): only the driver
    /// can see that frame. The value goes onto the current frame's value stack.
    FrameAttr(Rc<crate::runtime::generator::Generator>, Rc<PyStr>),
    /// The current activation (a native task advancing an iterator in
    /// `ReturnMode::Iter`) reports that the iterator is exhausted.
    Exhausted,
}

/// How a run of the driver ended.
pub enum Outcome {
    /// The base frame returned.
    Return(Value),
    /// The base frame (a generator) yielded.
    Yield(Value),
    /// The base frame raised.
    Raise(Exc),
}

/// Nested driver runs allowed beyond the recursion limit (a nested run normally holds
/// at least one script frame, so the recursion limit stops a deep recursion through
/// built-ins first; this bounds runs that hold none).
const EXTRA_NESTING: usize = 3000;

/// Whether the evaluator's fast path is running (so script code may not run).
pub fn in_fast_path(rt: &Runtime) -> bool {
    rt.fast
}

/// Run `first` (and everything it calls) until it returns, yields or raises.
pub fn run(rt: &mut Runtime, first: Activation) -> Outcome {
    if rt.nesting >= rt.opts.recursion_limit.saturating_add(EXTRA_NESTING) {
        let e = rt.exc_msg(&rt.types.recursion_error, "maximum recursion depth exceeded");
        discard(rt, first);
        return Outcome::Raise(e);
    }
    rt.nesting += 1;
    let mut stack: Vec<Activation> = Vec::with_capacity(16);
    if let Activation::Script(_) = &first {
        rt.depth += 1;
    }
    stack.push(first);
    if let Some(Activation::Script(f)) = stack.last_mut() {
        f.set_handled_base(rt.handled.len());
        if !f.no_saved_handled() {
            f.restore_saved_handled(&mut rt.handled);
        }
        if f.has_owner() && matches!(f.work.last(), Some(super::step::Step::Delegate)) && rt.trace.is_none() {
            super::suspend::descend(rt, &mut stack);
        }
    }
    // Built-ins that call back into script code (those not yet written as tasks or
    // continuations) nest a run of this loop: the Rust stack grows on the heap in
    // segments when it runs low, so such a recursion ends in RecursionError at the
    // configured limit, never in a stack overflow.
    let out = stacker::maybe_grow(256 * 1024, 16 * 1024 * 1024, || drive(rt, &mut stack));
    rt.nesting -= 1;
    out
}

fn discard(rt: &mut Runtime, a: Activation) {
    if let Activation::Script(f) = a {
        if !f.has_owner() {
            rt.recycle(f);
        }
    }
}

fn drive(rt: &mut Runtime, stack: &mut Vec<Activation>) -> Outcome {
    loop {
        let act = match stack.last_mut() {
            Some(Activation::Script(f)) => {
                // Step the top frame as long as its steps ask for nothing else: the
                // frame is read off the stack once, not once per step. A generator
                // finalization queued by a step runs before the next one (below).
                let mut f = f;
                loop {
                    let act = if let Some(e) = f.take_throw() {
                        super::suspend::throw_at_suspension(rt, f, e)
                    } else {
                        super::exec::step(rt, f)
                    };
                    if let Act::Next = act {
                        // Nothing to drop: without this the compiler calls
                        // drop_in_place::<Act> on every step (~14 instructions).
                        std::mem::forget(act);
                        if !super::finalize::pending() {
                            continue;
                        }
                        break Act::Next;
                    }
                    // Calls and returns are carried out here too, and the loop goes on
                    // with the new top frame: a script call or return costs no round
                    // through the outer loop.
                    match act {
                        Act::Call(a) => push(rt, stack, a),
                        Act::Return(v) => {
                            if let Some(o) = finish(rt, stack, v) {
                                if super::finalize::pending() {
                                    super::finalize::run_pending(rt);
                                }
                                return o;
                            }
                        }
                        act => break act,
                    }
                    if super::finalize::pending() {
                        break Act::Next;
                    }
                    match stack.last_mut() {
                        Some(Activation::Script(g)) => f = g,
                        _ => break Act::Next,
                    }
                }
            }
            Some(Activation::Task(t)) => task_step(rt, t),
            None => unreachable!("driver ran with an empty stack"),
        };
        let out = if let Act::Next = act {
            // Nothing to drop: without this the compiler calls drop_in_place::<Act> on
            // every step (~14 instructions).
            std::mem::forget(act);
            None
        } else {
            // Calls, returns and yields here, the rest through `apply`.
            match act {
                Act::Call(a) => {
                    push(rt, stack, a);
                    None
                }
                Act::Return(v) => finish(rt, stack, v),
                Act::Yield(v) => yield_(rt, stack, v),
                act => apply(rt, stack, act),
            }
        };
        if super::finalize::pending() {
            super::finalize::run_pending(rt);
        }
        if let Some(o) = out {
            return o;
        }
    }
}

/// Carry out what a step asked for.
fn apply(rt: &mut Runtime, stack: &mut Vec<Activation>, act: Act) -> Option<Outcome> {
    match act {
        Act::Next => None,
        Act::Call(a) => {
            push(rt, stack, a);
            None
        }
        Act::Raise(e) => raise(rt, stack, e),
        Act::Return(v) => finish(rt, stack, v),
        Act::Yield(v) => yield_(rt, stack, v),
        Act::FrameAttr(g, name) => frame_attr(rt, stack, &g, &name),
        Act::Exhausted => {
            pop(rt, stack);
            done_iter(stack);
            None
        }
    }
}

/// Answer `Act::FrameAttr` from the generator's frame on this run's stack (when it
/// runs in an outer run of the driver, which this one cannot see, the generic lookup
/// answers as for a frame that has not started).
#[cold]
fn frame_attr(rt: &mut Runtime, stack: &mut Vec<Activation>, g: &Rc<crate::runtime::generator::Generator>, name: &Rc<PyStr>) -> Option<Outcome> {
    let found = stack.iter().rev().find_map(|a| match a {
        Activation::Script(f) if f.owner().is_some_and(|o| std::ptr::eq(o, &**g)) => {
            crate::builtins::generators::frame_attr_of(f, name)
        }
        _ => None,
    });
    let r = match found {
        Some(v) => Ok(v),
        None => crate::ops::attr::getattr(rt, &crate::builtins::generators::frame_view(g), name),
    };
    match r {
        Ok(v) => {
            if let Some(Activation::Script(f)) = stack.last_mut() {
                f.push(v);
            }
            None
        }
        Err(e) => raise(rt, stack, crate::ops::expect_raise(e)),
    }
}

/// Resume the top native task. What it asks for that completes at once (a native
/// call, the item of a built-in iterator) is answered in this loop; a script frame to
/// run is pushed, and the task resumes when it finishes.
fn task_step(rt: &mut Runtime, t: &mut TaskFrame) -> Act {
    let mut input = t.input.take().unwrap_or(Input::Start);
    loop {
        input = match t.task.resume(rt, input) {
            TaskStep::Return(v) => return Act::Return(v),
            TaskStep::Raise(e) => return Act::Raise(e),
            TaskStep::Done => {
                return match t.mode {
                    ReturnMode::Iter => Act::Exhausted,
                    _ => Act::Raise(rt.new_exc(&rt.types.stop_iteration, vec![])),
                }
            }
            TaskStep::Call(f, args) => match super::call::prepare_call(rt, &f, &args, &[]) {
                super::call::Prep::Value(v) => Input::Value(v),
                super::call::Prep::Raise(e) => Input::Raise(e),
                super::call::Prep::Push(a) => return Act::Call(a),
            },
            TaskStep::Next(it) => match super::iterate::next_step(rt, &it) {
                super::iterate::Step::Item(v) => Input::Value(v),
                super::iterate::Step::Done => Input::Done,
                super::iterate::Step::Raise(e) => Input::Raise(e),
                super::iterate::Step::Push(a) => return Act::Call(a),
            },
        };
    }
}

/// Push an activation, enforcing the recursion limit.
#[inline(always)]
fn push(rt: &mut Runtime, stack: &mut Vec<Activation>, a: Activation) {
    match a {
        Activation::Script(fr) => push_frame(rt, stack, fr),
        a => push_general(rt, stack, a),
    }
}

/// [`push`] of a script frame, the activation built here from the frame's pointer:
/// it is stored as its two words, and the next step's read of the frame pointer from
/// the stack takes it from that store. The builds that made fib 25-45% slower
/// (profile-guided, `panic = "abort"`) pushed the `Activation` read from the act as
/// one 16-byte move, which cannot take its bytes from the two 8-byte stores that had
/// just written them (a store-forwarding stall), and every step of the new frame
/// waited for its pointer (notes/issue7-calls.md, session 11).
#[inline(always)]
fn push_frame(rt: &mut Runtime, stack: &mut Vec<Activation>, fr: FrameBox) {
    // The common case: a new plain function frame, or a generator's frame resumed
    // (nothing saved to restore, no tracer).
    if fr.no_saved_handled() && rt.depth < rt.opts.recursion_limit && rt.trace.is_none() {
        rt.depth += 1;
        let mut fr = fr;
        fr.set_handled_base(rt.handled.len());
        let delegating = fr.has_owner() && matches!(fr.work.last(), Some(super::step::Step::Delegate));
        // Room first, then the activation written into its slot: `stack.push(a)`
        // builds `a` in a temporary before its capacity test and copies it after, in
        // one 16-byte move (the release build did, and was as slow as the others).
        if stack.len() == stack.capacity() {
            stack.reserve(1);
        }
        // SAFETY: len < capacity now: the slot is inside the buffer and unused.
        unsafe {
            let len = stack.len();
            stack.as_mut_ptr().add(len).write(Activation::Script(fr));
            stack.set_len(len + 1);
        }
        if delegating {
            super::suspend::descend(rt, stack);
        }
        return;
    }
    push_general(rt, stack, Activation::Script(fr))
}

/// [`push`] for generator frames, native tasks, the tracer and the recursion limit.
#[inline(never)]
fn push_general(rt: &mut Runtime, stack: &mut Vec<Activation>, a: Activation) {
    if let Activation::Script(f) = &a {
        if rt.depth >= rt.opts.recursion_limit {
            let e = rt.exc_msg(&rt.types.recursion_error, "maximum recursion depth exceeded");
            // The frame never ran: give a generator back its frame, drop others.
            match a {
                Activation::Script(mut f) => {
                    if let Some(g) = f.take_owner() {
                        let s = if f.started() { GenState::Suspended } else { GenState::Created };
                        g.park(f, s);
                    } else {
                        rt.recycle(f);
                    }
                }
                Activation::Task(_) => {}
            }
            deliver_raise_to_top(rt, stack, e);
            return;
        }
        let _ = f;
        if rt.trace.is_some() {
            crate::trace::pushed(rt, stack.last(), &a);
        }
        rt.depth += 1;
    }
    stack.push(a);
    if let Some(Activation::Script(f)) = stack.last_mut() {
        f.set_handled_base(rt.handled.len());
        if !f.no_saved_handled() {
            f.restore_saved_handled(&mut rt.handled);
        }
        if f.has_owner() && matches!(f.work.last(), Some(super::step::Step::Delegate)) && rt.trace.is_none() {
            super::suspend::descend(rt, stack);
        }
    }
}

/// Make the top activation raise `e` (used when a push fails).
fn deliver_raise_to_top(_rt: &mut Runtime, stack: &mut [Activation], e: Exc) {
    match stack.last_mut() {
        Some(Activation::Script(f)) => {
            // A delegation (`yield from`, `await`) whose sub-generator could not start:
            // the error is the delegation's result, not something to throw into it.
            if matches!(f.work.last(), Some(super::step::Step::Delegate)) {
                f.work.pop();
                f.stack.pop();
            }
            f.set_throw(Some(e))
        }
        Some(Activation::Task(t)) => t.input = Some(Input::Raise(e)),
        None => {}
    }
}

/// Pop the top activation after it finished (or parked: then the caller saves the
/// exceptions it was handling before they are dropped here).
#[inline(always)]
fn pop(rt: &mut Runtime, stack: &mut Vec<Activation>) -> Activation {
    let mut a = stack.pop().unwrap();
    if let Activation::Script(f) = &mut a {
        rt.depth -= 1;
        let base = f.handled_base().min(rt.handled.len());
        if f.has_owner() && rt.handled.len() > base {
            // A generator frame parks with the exceptions it is handling.
            f.set_saved_handled(rt.handled.split_off(base));
        } else {
            rt.handled.truncate(base);
        }
    }
    a
}

fn mode_of(a: &Activation) -> ReturnMode {
    match a {
        Activation::Script(f) => f.mode,
        Activation::Task(t) => t.mode,
    }
}

/// The instance an `__init__` frame ([`ReturnMode::Init`]) was called for: its value
/// stack's bottom slot (what a `return` inside a `for` left above it is dropped).
fn init_instance(f: &mut super::frame::Frame) -> Value {
    f.stack.truncate(1);
    f.stack.pop().expect("__init__ frame without its instance")
}

/// The top frame returned `v`.
#[inline]
fn finish(rt: &mut Runtime, stack: &mut Vec<Activation>, mut v: Value) -> Option<Outcome> {
    loop {
        // The common case first: a plain function frame whose value goes to its caller.
        if let Some(Activation::Script(f)) = stack.last() {
            if !f.has_owner() && matches!(f.mode, ReturnMode::Value) {
                let Some(Activation::Script(f)) = stack.pop() else { unreachable!() };
                rt.depth -= 1;
                if rt.handled.len() > f.handled_base() {
                    rt.handled.truncate(f.handled_base());
                }
                rt.recycle_unowned(f);
                match stack.last_mut() {
                    Some(Activation::Script(f)) => match tail_return(f, v) {
                        // `return <this call>`: the caller returns the value too.
                        Some(x) => {
                            v = x;
                            continue;
                        }
                        None => {}
                    },
                    _ => give(stack, v),
                }
                return None;
            }
        }
        return finish_general(rt, stack, v);
    }
}

/// Hand `v` to script frame `f`, whose work was waiting for it. Its next step is done
/// here when it is one that needs no script code, saving a round through the driver:
/// `return` of the value when nothing runs on the way out (`Code::plain_return`: the
/// value is returned as the frame's own result, `Some`), a store into a local
/// (`x = f(...)`), or dropping it (`f(...)` as a statement). Else `v` is pushed on the
/// frame's value stack for the next step.
/// A binary operator waiting for this value as its right operand is applied here
/// ([`bin_apply_return`]).
#[inline(always)]
pub fn tail_return(f: &mut super::frame::Frame, v: Value) -> Option<Value> {
    if let Some(super::step::Step::BinApply(e)) = f.work.last() {
        return bin_apply_return(f, e, v);
    }
    route(f, v)
}

/// [`tail_return`] past a binary operator: `v` where a call's value goes.
#[inline(always)]
fn route(f: &mut super::frame::Frame, v: Value) -> Option<Value> {
    match f.work.last() {
        Some(super::step::Step::Return) if f.code.plain_return => {
            f.work.clear();
            return Some(v);
        }
        Some(super::step::Step::Store(super::ir::Target::Local(i))) => {
            let i = *i as usize;
            f.work.pop();
            // Dropping the old value may queue a generator's finalization: it runs
            // after this step, before the next statement.
            super::expr::drop_value(std::mem::replace(&mut f.locals[i], Some(v)));
            return None;
        }
        Some(super::step::Step::Pop) => {
            f.work.pop();
            drop(v);
            return None;
        }
        _ => {}
    }
    f.stack.push(v);
    None
}

/// `v` is the right operand of binary node `e`, whose left operand is on the stack
/// (`x + g(b)`, `f(a) + g(b)`): with two small ints and a small-int result the
/// operator is applied now, and so are the enclosing operators waiting for it whose
/// other operand is a small int ([`enclosing_int_ops`]: `(a + g(b)) % m`); the result
/// goes on as [`route`] says. Otherwise `v` is pushed for `Step::BinApply`.
#[inline(never)]
fn bin_apply_return(f: &mut super::frame::Frame, e: &'static super::ir::Expr, v: Value) -> Option<Value> {
    if let (super::ir::ExprKind::Binary(_, op, _), Value::Int(y), Some(Value::Int(x))) = (&e.kind, &v, f.stack.last()) {
        if let Some(z) = super::expr::int_binop(*op, *x, *y) {
            // Both operands are ints: nothing to drop.
            std::mem::forget(f.stack.pop());
            std::mem::forget(v);
            f.work.pop();
            if matches!(f.work.last(), Some(super::step::Step::BinRight(_) | super::step::Step::BinApply(_))) {
                let z = enclosing_int_ops(f, z);
                return route(f, Value::Int(z));
            }
            return route(f, Value::Int(z));
        }
    }
    f.stack.push(v);
    None
}

/// Small int `z` has just been computed for a binary node of frame `f` whose operator
/// steps are taken off: the enclosing binary operators waiting for it are applied too
/// while their other operand is a small int and so is the result. A `Step::BinRight`
/// (`z` is the left operand) takes a bound local or a constant as its right operand,
/// read now as its step would read it; a `Step::BinApply` (`z` is the right operand)
/// takes the left one from the stack. Returns the last result; the first operator that
/// cannot be applied so is left to its step.
#[inline(never)]
fn enclosing_int_ops(f: &mut super::frame::Frame, mut z: i64) -> i64 {
    use super::ir::ExprKind;
    use super::step::Step;
    loop {
        match f.work.last() {
            Some(Step::BinRight(e)) => {
                let ExprKind::Binary(_, op, r) = &e.kind else { return z };
                let Some(Value::Int(y)) = super::expr::peek(f, r) else { return z };
                let Some(w) = super::expr::int_binop(*op, z, *y) else { return z };
                f.work.pop();
                z = w;
            }
            Some(Step::BinApply(e)) => {
                let ExprKind::Binary(_, op, _) = &e.kind else { return z };
                let Some(Value::Int(x)) = f.stack.last() else { return z };
                let Some(w) = super::expr::int_binop(*op, *x, z) else { return z };
                // An int: nothing to drop.
                std::mem::forget(f.stack.pop());
                f.work.pop();
                z = w;
            }
            _ => return z,
        }
    }
}

/// [`finish`] for generator frames, native tasks and the other return modes.
fn finish_general(rt: &mut Runtime, stack: &mut Vec<Activation>, v: Value) -> Option<Outcome> {
    if let Some(Activation::Script(f)) = stack.last() {
        if matches!(f.mode, ReturnMode::Delegate) && f.has_owner() && rt.trace.is_none() {
            return delegate_return(rt, stack, v);
        }
        if matches!(f.mode, ReturnMode::Init) && !f.has_owner() && v.is_none() {
            return init_return(rt, stack);
        }
    }
    let done = pop(rt, stack);
    let mode = mode_of(&done);
    let mut inst = None;
    let was_gen = match done {
        Activation::Script(mut f) => {
            if matches!(mode, ReturnMode::Init) {
                inst = Some(init_instance(&mut f));
            }
            let g = f.take_owner();
            let is_gen = g.is_some();
            if let Some(g) = g {
                g.set_state(GenState::Finished);
                g.set_ag_running(false);
                f.set_saved_handled(Vec::new());
                if rt.trace.is_some() {
                    crate::trace::returned(rt, &g, &f, &mode, &v);
                }
                super::frame::Frame::retire(f);
            } else {
                rt.recycle(f);
            }
            is_gen
        }
        Activation::Task(_) => false,
    };
    match mode {
        ReturnMode::Base => return Some(Outcome::Return(v)),
        ReturnMode::Value => give(stack, v),
        ReturnMode::Delegate => {
            // The value of the `yield from`/`await`; flag it so the delegating step
            // does not take it for a value sent in. The step belongs to the frame's
            // parent, which is parked when `descend` skipped a chain's middle.
            super::suspend::surface_parent(rt, stack);
            if let Some(Activation::Script(f)) = stack.last_mut() {
                f.set_iter_done();
            }
            give(stack, v)
        }
        ReturnMode::Discard => give_nothing(stack),
        ReturnMode::Init => {
            let inst = inst.expect("__init__ frame without its instance");
            if !v.is_none() {
                let tn = crate::ops::type_name(rt, &v);
                let e = rt.type_error(format!("__init__() should return None, not '{tn}'"));
                return raise(rt, stack, e);
            }
            if let Some(Activation::Script(f)) = stack.last_mut() {
                // `return Cls(...)`: the caller returns the instance too.
                if let Some(x) = tail_return(f, inst) {
                    return finish(rt, stack, x);
                }
                return None;
            }
            give(stack, inst)
        }
        ReturnMode::Iter => {
            if was_gen {
                done_iter(stack);
            } else {
                give(stack, v);
            }
        }
        ReturnMode::Send => {
            let e = super::suspend::stop_iteration(rt, v);
            return raise(rt, stack, e);
        }
        ReturnMode::Close => give(stack, Value::None),
        ReturnMode::AgenStep(mode) => {
            if mode == crate::builtins::agen::AgMode::Close {
                if let Some(Activation::Script(f)) = stack.last_mut() {
                    f.set_iter_done();
                }
                give(stack, Value::None);
            } else {
                let e = rt.new_exc(&rt.types.stop_async_iteration, vec![]);
                return raise(rt, stack, e);
            }
        }
    }
    None
}

/// The top frame, an `__init__` run by a class call (`ReturnMode::Init`, no owner),
/// returned `None`: it is popped as [`finish`] pops a plain frame and recycled as one
/// (its mode set back to `Value` once its instance is taken off its value stack), and
/// the instance goes where the call's value goes ([`tail_return`]), without
/// `finish_general`'s general pop and [`Runtime::recycle_rest`].
#[inline(never)]
fn init_return(rt: &mut Runtime, stack: &mut Vec<Activation>) -> Option<Outcome> {
    let Some(Activation::Script(mut f)) = stack.pop() else { unreachable!() };
    rt.depth -= 1;
    if rt.handled.len() > f.handled_base() {
        rt.handled.truncate(f.handled_base());
    }
    let inst = init_instance(&mut f);
    f.mode = ReturnMode::Value;
    rt.recycle_unowned(f);
    if let Some(Activation::Script(b)) = stack.last_mut() {
        // `return Cls(...)`: the caller returns the instance too.
        if let Some(x) = tail_return(b, inst) {
            return finish(rt, stack, x);
        }
        return None;
    }
    give(stack, inst);
    None
}

/// The top frame, a generator's run in `ReturnMode::Delegate` (for the `yield from` or
/// `await` of the frame below), returned `v`: the generator finishes and `v` is the
/// value of that `yield from`/`await`. When the frame below (its parent, pushed again
/// if `descend` skipped a chain's middle) waits in its delegation step, that step is
/// done here: the sub-generator comes off its stack and `v` goes where a call's value
/// would go ([`tail_return`]: a local's store, a dropped statement value), without a
/// driver step. No tracer.
#[inline(never)]
fn delegate_return(rt: &mut Runtime, stack: &mut Vec<Activation>, v: Value) -> Option<Outcome> {
    let Some(Activation::Script(mut f)) = stack.pop() else { unreachable!() };
    rt.depth -= 1;
    // The exceptions the frame was handling end with it.
    if rt.handled.len() > f.handled_base() {
        rt.handled.truncate(f.handled_base());
    }
    if let Some(g) = f.take_owner_ref() {
        g.set_state(GenState::Finished);
        g.set_ag_running(false);
        super::frame::Frame::retire(f);
    }
    super::suspend::surface_parent(rt, stack);
    match stack.last_mut() {
        Some(Activation::Script(b)) => {
            if matches!(b.work.last(), Some(super::step::Step::Delegate)) && !b.stack.is_empty() {
                b.work.pop();
                let it = b.stack.pop();
                drop(it);
                // `return await ...` returns in the frame's own step (no Rust recursion
                // down a chain of such returns).
                if matches!(b.work.last(), Some(super::step::Step::Return)) {
                    b.stack.push(v);
                } else if let Some(x) = tail_return(b, v) {
                    // `return y + await ...`: the operator was applied at the return
                    // and the frame returns the result, in its own step as above.
                    b.stack.push(x);
                    b.work.push(super::step::Step::Return);
                }
            } else {
                b.set_iter_done();
                b.stack.push(v);
            }
        }
        _ => give(stack, v),
    }
    None
}

/// Hand a value to the activation now on top.
#[inline]
fn give(stack: &mut [Activation], v: Value) {
    match stack.last_mut() {
        Some(Activation::Script(f)) => f.stack.push(v),
        Some(Activation::Task(t)) => t.input = Some(Input::Value(v)),
        None => {}
    }
}

fn give_nothing(stack: &mut [Activation]) {
    if let Some(Activation::Task(t)) = stack.last_mut() {
        t.input = Some(Input::Value(Value::None));
    }
}

fn done_iter(stack: &mut [Activation]) {
    match stack.last_mut() {
        Some(Activation::Script(f)) => f.set_iter_done(),
        Some(Activation::Task(t)) => t.input = Some(Input::Done),
        None => {}
    }
}

/// The top (generator) frame yields `v`: park it, and pass the value down.
///
/// When the value went to a script frame below, that frame goes on here, step by step,
/// as long as its steps ask for nothing else ([`step_below`]); when it yields in turn
/// (the next stage of a generator pipeline) it is parked by the same loop, so a chain of
/// yields through a pipeline takes one round through the driver, not one per stage.
#[inline(never)]
fn yield_(rt: &mut Runtime, stack: &mut Vec<Activation>, mut v: Value) -> Option<Outcome> {
    // The common case first: a generator resumed by `next`, `send` or a `for` loop
    // (the value goes to the activation below), a coroutine stepped by a task (the
    // base of a nested run: the value is the run's outcome), or an async generator's
    // item under its `__anext__`/`asend` awaitable (the value of the await below),
    // handling no exception, no tracer.
    while let Some(Activation::Script(f)) = stack.last() {
        let plain = matches!(f.mode, ReturnMode::Iter | ReturnMode::Send | ReturnMode::Value | ReturnMode::Base);
        let agen_item = !plain
            && matches!(f.mode, ReturnMode::AgenStep(crate::builtins::agen::AgMode::Step))
            && super::suspend::yields_item(f);
        if (plain || agen_item) && f.has_owner() && rt.handled.len() <= f.handled_base() && rt.trace.is_none() {
            let Some(Activation::Script(mut f)) = stack.pop() else { unreachable!() };
            rt.depth -= 1;
            let base = matches!(f.mode, ReturnMode::Base);
            if let Some(g) = f.take_owner_ref() {
                // The parked frame keeps its mode: `resume_frame` sets it again.
                f.set_started();
                g.park(f, GenState::Suspended);
                if agen_item {
                    g.set_ag_running(false);
                }
            }
            if base {
                return Some(Outcome::Yield(v));
            }
            let Some(Activation::Script(b)) = stack.last_mut() else {
                give(stack, v);
                return None;
            };
            if agen_item {
                agen_item_to(b, v);
            } else if let Some(x) = yield_to(b, v) {
                // `return next(g)`: the frame below returns the item.
                return finish(rt, stack, x);
            }
            match step_below(rt, b) {
                Act::Yield(w) => v = w,
                // A call (`g.send(x)`, `next(g)`, a `for` over a generator resuming
                // it): pushed here, not through `apply`'s dispatch.
                Act::Call(a) => {
                    push(rt, stack, a);
                    return None;
                }
                act => return apply(rt, stack, act),
            }
            continue;
        }
        break;
    }
    yield_general(rt, stack, v)
}

/// Step frame `b` (on top of the driver's stack, given a yielded value by [`yield_`])
/// as the driver would, until a step asks for something else: that `Act` is returned.
/// `Act::Next` when a generator's finalization is queued: the driver runs it before
/// `b`'s next step.
#[inline(always)]
fn step_below(rt: &mut Runtime, b: &mut super::frame::Frame) -> Act {
    loop {
        if super::finalize::pending() {
            return Act::Next;
        }
        let act = if let Some(e) = b.take_throw() {
            super::suspend::throw_at_suspension(rt, b, e)
        } else {
            super::exec::step(rt, b)
        };
        if let Act::Next = act {
            // Nothing to drop (as in `drive`).
            std::mem::forget(act);
            continue;
        }
        return act;
    }
}

/// Hand the value a generator yielded to frame `b` below it, which resumed it: the
/// next item of a `for` loop with a local target is stored there and the loop body
/// pushed ([`super::exec::for_item_local`]: no step for the loop's continuation), else
/// the value goes where a call's value would go ([`tail_return`]).
#[inline(always)]
fn yield_to(b: &mut super::frame::Frame, v: Value) -> Option<Value> {
    if let Some(super::step::Step::Stmt(s, st)) = b.work.last() {
        let (s, st) = (*s, *st);
        if let super::ir::StmtKind::For(fx) = &s.kind {
            if st >= 3 && !fx.is_async {
                if let super::ir::Target::Local(i) = fx.target {
                    b.work.pop();
                    super::exec::for_item_local(b, s, fx, st - 3, i as usize, v);
                    return None;
                }
            }
        }
    }
    tail_return(b, v)
}

/// Hand an async generator's item to frame `b` below it, which awaits the generator's
/// `__anext__`/`asend` awaitable (on top of its stack): the item ends that await. When
/// the await is an `async for`'s (`Delegate` over `AsyncForEnd` over the loop's
/// continuation), the awaitable is finished and taken off here and the item goes to
/// the loop (a local target is stored and the body pushed, as [`yield_to`] does): no
/// steps for the delegation's end and the loop's continuation. Else the item waits on
/// `b`'s stack for its delegation step.
#[inline(always)]
fn agen_item_to(b: &mut super::frame::Frame, v: Value) {
    use super::step::Step;
    let n = b.work.len();
    if n >= 3 {
        if let (Step::Delegate, Step::AsyncForEnd(s, h), Step::Stmt(_, st)) = (b.work[n - 1], b.work[n - 2], b.work[n - 3]) {
            if let super::ir::StmtKind::For(fx) = &s.kind {
                if st == h + 3 && b.stack.len() == h as usize + 2 {
                    b.work.truncate(n - 2);
                    let aw = b.stack.pop().unwrap_or(Value::None);
                    crate::builtins::agen::finish_awaitable(&aw);
                    drop(aw);
                    if let super::ir::Target::Local(i) = fx.target {
                        b.work.pop();
                        super::exec::for_item_local(b, s, fx, h, i as usize, v);
                    } else {
                        b.stack.push(v);
                    }
                    return;
                }
            }
        }
    }
    b.set_iter_done();
    b.stack.push(v);
}

/// [`yield_`] for delegation chains, async generators, handled exceptions, the tracer
/// and the other return modes.
#[inline(never)]
fn yield_general(rt: &mut Runtime, stack: &mut Vec<Activation>, v: Value) -> Option<Outcome> {
    loop {
        let a = pop(rt, stack);
        let Activation::Script(mut f) = a else { unreachable!("a native task cannot yield") };
        // A parked frame's mode is never read: `resume_frame` sets it again.
        let mode = std::mem::replace(&mut f.mode, ReturnMode::Value);
        let Some(g) = f.take_owner_ref() else {
            // Only generator frames can yield; anything else is an internal error.
            let e = rt.exc_msg(&rt.types.runtime_error, "internal error: yield outside a generator frame");
            rt.recycle(f);
            return raise(rt, stack, e);
        };
        // An async generator's own item (not an awaited value passing out).
        let item = g.kind() == crate::runtime::generator::GenKind::AsyncGenerator && super::suspend::yields_item(&f);
        if let ReturnMode::AgenStep(_) = mode {
            if item {
                g.set_ag_running(false);
            }
        }
        f.set_started();
        if rt.trace.is_some() {
            crate::trace::yielded(rt, &g.rc(), &f, &mode, &v, stack);
        }
        g.park(f, GenState::Suspended);
        match mode {
            ReturnMode::Base => return Some(Outcome::Yield(v)),
            ReturnMode::Iter | ReturnMode::Send | ReturnMode::Value => {
                // The value reached the frame that resumed the chain: handed over as
                // the fast path does (a `for` item stored, a `send` result stored),
                // without a driver step for it.
                if rt.trace.is_none() {
                    if let Some(Activation::Script(b)) = stack.last_mut() {
                        if let Some(x) = yield_to(b, v) {
                            return finish(rt, stack, x);
                        }
                        return None;
                    }
                }
                give(stack, v);
                return None;
            }
            ReturnMode::Delegate => {
                // The delegating frame below passes the value out too (after the middle
                // of its chain, if `descend` skipped one, is parked again).
                match stack.last() {
                    Some(Activation::Script(below)) => {
                        super::suspend::park_middle(rt, below);
                        continue;
                    }
                    _ => {
                        give(stack, v);
                        return None;
                    }
                }
            }
            ReturnMode::Discard | ReturnMode::Init => {
                give(stack, v);
                return None;
            }
            ReturnMode::Close => {
                let e = rt.exc_msg(&rt.types.runtime_error, format!("{} ignored GeneratorExit", gen_word(&g)));
                return raise(rt, stack, e);
            }
            ReturnMode::AgenStep(m) => match item {
                true => {
                    if m == crate::builtins::agen::AgMode::Close {
                        let e = rt.exc_msg(&rt.types.runtime_error, "async generator ignored GeneratorExit");
                        return raise(rt, stack, e);
                    }
                    if let Some(Activation::Script(f)) = stack.last_mut() {
                        f.set_iter_done();
                    }
                    give(stack, v);
                    return None;
                }
                false => match stack.last() {
                    Some(Activation::Script(_)) => continue,
                    _ => {
                        give(stack, v);
                        return None;
                    }
                },
            },
        }
    }
}

fn gen_word(g: &crate::runtime::generator::Generator) -> &'static str {
    match g.kind() {
        crate::runtime::generator::GenKind::Generator => "generator",
        crate::runtime::generator::GenKind::Coroutine => "coroutine",
        crate::runtime::generator::GenKind::AsyncGenerator => "async generator",
    }
}

/// An exception is raised in the top activation: unwind it, frame by frame.
fn raise(rt: &mut Runtime, stack: &mut Vec<Activation>, mut e: Exc) -> Option<Outcome> {
    super::raise::set_context(rt, &e);
    loop {
        match stack.last_mut() {
            Some(Activation::Script(f)) => {
                super::unwind::add_traceback(rt, f, &e);
                match super::unwind::unwind_raise(rt, f, e) {
                    Ok(act) => return apply(rt, stack, act),
                    Err(exc) => e = exc,
                }
            }
            Some(Activation::Task(_)) => {}
            None => unreachable!(),
        }
        // Not handled here: the frame ends with the exception.
        let done = pop(rt, stack);
        let mode = mode_of(&done);
        if let Activation::Script(mut f) = done {
            if let Some(g) = f.take_owner() {
                g.set_state(GenState::Finished);
                g.set_ag_running(false);
                e = super::suspend::convert_stop(rt, &g, e);
                if rt.trace.is_some() {
                    crate::trace::raised(rt, &g, &f, &e);
                }
            } else {
                // The traceback keeps the frame's values alive, as in CPython (those
                // with an identity: a number, bool or None owns nothing).
                let keep: Vec<Value> = f
                    .locals
                    .drain(..)
                    .flatten()
                    .filter(|v| {
                        !matches!(v, Value::None | Value::Bool(_) | Value::Int(_) | Value::Float(_) | Value::NotImplemented | Value::Ellipsis)
                    })
                    .collect();
                if !keep.is_empty() {
                    if let Some(entry) = e.exc_data_mut().traceback.last_mut() {
                        entry.keep = keep;
                    }
                }
                rt.recycle(f);
            }
        }
        match mode {
            ReturnMode::Base => return Some(Outcome::Raise(e)),
            // The exception goes on in the `yield from`/`await` that waited for the
            // frame (its parent's frame, parked when `descend` skipped a chain's middle).
            ReturnMode::Delegate => super::suspend::surface_parent(rt, stack),
            ReturnMode::Iter if crate::ops::exc_matches(&e, &rt.types.stop_iteration) => {
                done_iter(stack);
                return None;
            }
            ReturnMode::Close
                if crate::ops::exc_matches(&e, &rt.types.generator_exit) || crate::ops::exc_matches(&e, &rt.types.stop_iteration) =>
            {
                give(stack, Value::None);
                return None;
            }
            ReturnMode::AgenStep(crate::builtins::agen::AgMode::Close)
                if crate::ops::exc_matches(&e, &rt.types.generator_exit) || crate::ops::exc_matches(&e, &rt.types.stop_async_iteration) =>
            {
                if let Some(Activation::Script(f)) = stack.last_mut() {
                    f.set_iter_done();
                }
                give(stack, Value::None);
                return None;
            }
            _ => {}
        }
        if let Some(Activation::Task(t)) = stack.last_mut() {
            t.input = Some(Input::Raise(e));
            return None;
        }
    }
}

/// Call `f(args)` from Rust and wait for its result (a nested driver run).
pub fn call_nested(rt: &mut Runtime, f: &Value, args: &[Value], kwnames: &[Rc<PyStr>]) -> Result<Value, Exc> {
    match super::call::prepare_call(rt, f, args, kwnames) {
        super::call::Prep::Value(v) => Ok(v),
        super::call::Prep::Raise(e) => Err(e),
        super::call::Prep::Push(mut a) => {
            let mut inst = None;
            let mode = match &mut a {
                Activation::Script(fr) => {
                    if matches!(fr.mode, ReturnMode::Init) {
                        inst = fr.stack.first().cloned();
                    }
                    std::mem::replace(&mut fr.mode, ReturnMode::Base)
                }
                Activation::Task(t) => std::mem::replace(&mut t.mode, ReturnMode::Base),
            };
            let out = run(rt, a);
            nested_result(rt, mode, inst, out)
        }
    }
}

/// What a nested run's outcome means for a frame that was prepared with `mode` (and,
/// for `__init__`, the instance `inst`).
fn nested_result(rt: &mut Runtime, mode: ReturnMode, inst: Option<Value>, out: Outcome) -> Result<Value, Exc> {
    let is = |e: &Exc, cls: &std::rc::Rc<crate::runtime::class::Class>| crate::ops::exc_matches(e, cls);
    match (mode, out) {
        (ReturnMode::Send, Outcome::Yield(v)) | (ReturnMode::Iter, Outcome::Yield(v)) => Ok(v),
        (ReturnMode::Send, Outcome::Return(v)) => Err(super::suspend::stop_iteration(rt, v)),
        (ReturnMode::Iter, Outcome::Return(v)) => Err(super::suspend::stop_iteration(rt, v)),
        (ReturnMode::Close, Outcome::Yield(_)) => Err(rt.exc_msg(&rt.types.runtime_error, "generator ignored GeneratorExit")),
        (ReturnMode::Close, Outcome::Return(_)) => Ok(Value::None),
        (ReturnMode::Close, Outcome::Raise(e)) if is(&e, &rt.types.generator_exit) || is(&e, &rt.types.stop_iteration) => Ok(Value::None),
        (ReturnMode::Init, Outcome::Return(v)) => {
            if v.is_none() {
                Ok(inst.expect("__init__ frame without its instance"))
            } else {
                let tn = crate::ops::type_name(rt, &v);
                Err(rt.type_error(format!("__init__() should return None, not '{tn}'")))
            }
        }
        (_, Outcome::Return(v)) => Ok(v),
        (_, Outcome::Raise(e)) => Err(e),
        (_, Outcome::Yield(_)) => Err(rt.exc_msg(&rt.types.runtime_error, "unexpected yield in a nested call")),
    }
}

/// Run a module-level frame to completion.
pub fn run_frame(rt: &mut Runtime, mut f: FrameBox) -> Result<Value, Exc> {
    f.mode = ReturnMode::Base;
    match run(rt, Activation::Script(f)) {
        Outcome::Return(v) => Ok(v),
        Outcome::Raise(e) => Err(e),
        Outcome::Yield(_) => Err(rt.exc_msg(&rt.types.runtime_error, "unexpected yield at module level")),
    }
}
