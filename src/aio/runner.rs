//! `asyncio.run`: a fresh loop runs the main coroutine as a task, then (as CPython's
//! `Runner.close`) cancels the tasks left over and waits for them, closes the async
//! generators first iterated under the loop, runs the (empty) executor shutdown, and
//! closes the loop.

use super::event_loop::{running, Loop};
use super::future::{arg, Fut};
use super::task::{create_task, is_coroutine, pending_tasks};
use crate::builtins::raise;
use crate::eval::native::{Args, Ret};
use crate::runtime::class::Exc;
use crate::runtime::value::Value;
use crate::runtime::Runtime;
use std::rc::Rc;

/// `asyncio.run(main, *, debug=None)`.
pub fn aio_run(rt: &mut Runtime, a: Args) -> Ret {
    let Some(main) = arg(&a, 0, "main").cloned() else {
        return raise(rt.type_error("run() missing 1 required positional argument: 'main'"));
    };
    if running().is_some() {
        return raise(rt.exc_msg(&rt.types.runtime_error, "asyncio.run() cannot be called from a running event loop"));
    }
    if !is_coroutine(rt, &main) {
        let r = super::future::repr_str(rt, &main);
        return raise(rt.value_error(format!("a coroutine was expected, got {r}")));
    }
    let lp = Loop::new();
    let r = match create_task(rt, &lp, main, None) {
        Ok(t) => {
            super::signals::enter_run(&lp, &t);
            match lp.run_until_complete(rt, &t, false) {
                Err(e) if super::classes::is_cancelled_error(&e) && super::signals::interrupts() > 0 => {
                    // Cancelled by Ctrl-C: unless the task swallowed it, it becomes a
                    // KeyboardInterrupt raised while handling the CancelledError.
                    let d = t.task.as_ref().map(|d| &d.num_cancels);
                    let left = d.map(|n| {
                        n.set((n.get() - 1).max(0));
                        n.get()
                    });
                    if left == Some(0) {
                        let kb = rt.new_exc(&rt.types.keyboard_interrupt, vec![]);
                        kb.exc_data_mut().context = Some(Value::Inst(e));
                        Err(kb)
                    } else {
                        Err(e)
                    }
                }
                r => r,
            }
        }
        Err(e) => Err(e),
    };
    let c = close(rt, &lp);
    super::signals::leave_run(&lp);
    if super::log::has_deferred() {
        super::log::flush_deferred(rt);
    }
    match (r, c) {
        (_, Err(e)) => raise(e),
        (Ok(v), Ok(())) => Ret::Val(v),
        (Err(e), Ok(())) => raise(e),
    }
}

/// `Runner.close()`: cancel leftovers, close async generators, shut down, close.
fn close(rt: &mut Runtime, lp: &Rc<Loop>) -> Result<(), Exc> {
    let r = cleanup(rt, lp);
    lp.close();
    r
}

fn cleanup(rt: &mut Runtime, lp: &Rc<Loop>) -> Result<(), Exc> {
    cancel_all_tasks(rt, lp)?;
    let agens: Vec<Value> = lp.asyncgens.borrow_mut().drain(..).filter_map(|w| w.upgrade()).map(Value::Gen).collect();
    let shutdown = super::lib::get(rt, "_shutdown_asyncgens")?;
    let coro = crate::eval::machine::call_nested(rt, &shutdown, &[Value::list(agens)], &[])?;
    run_coro(rt, lp, coro)?;
    let exec = super::lib::get(rt, "_shutdown_default_executor")?;
    let coro = crate::eval::machine::call_nested(rt, &exec, &[], &[])?;
    run_coro(rt, lp, coro)?;
    Ok(())
}

fn run_coro(rt: &mut Runtime, lp: &Rc<Loop>, coro: Value) -> Result<Value, Exc> {
    let t = create_task(rt, lp, coro, None)?;
    lp.run_until_complete(rt, &t, true)
}

/// `_cancel_all_tasks(loop)`.
fn cancel_all_tasks(rt: &mut Runtime, lp: &Rc<Loop>) -> Result<(), Exc> {
    let to_cancel: Vec<Rc<Fut>> = pending_tasks(lp);
    if to_cancel.is_empty() {
        return Ok(());
    }
    for t in &to_cancel {
        t.cancel(rt, Value::None)?;
    }
    let gather = super::lib::get(rt, "gather")?;
    let mut args: Vec<Value> = to_cancel.iter().map(|t| t.val()).collect();
    args.push(Value::Bool(true));
    let names = [crate::runtime::intern::intern("return_exceptions")];
    let g = crate::eval::machine::call_nested(rt, &gather, &args, &names)?;
    if let Some(gf) = crate::runtime::object::downcast::<Fut>(&g).and_then(|f| f.rc()) {
        lp.run_until_complete(rt, &gf, false)?;
    }
    for t in &to_cancel {
        if t.cancelled() {
            continue;
        }
        if let Ok(Some(e)) = t.exception(rt) {
            super::log::error(rt, "unhandled exception during asyncio.run() shutdown", &e);
        }
    }
    Ok(())
}
