//! Ctrl-C during `asyncio.run` (CPython's `Runner._on_sigint`): the first SIGINT
//! cancels the main task, so its `finally` blocks run and `asyncio.run` then raises
//! KeyboardInterrupt; a second one raises KeyboardInterrupt out of the loop at once.
//!
//! The signal handler (signal-hook) only writes a byte to a socket pair whose read end
//! the loop's poller watches. Outside `asyncio.run` SIGINT keeps its default action.

use super::event_loop::Loop;
use super::future::Fut;
use crate::runtime::class::Exc;
use crate::runtime::Runtime;
use std::cell::{Cell, RefCell};
use std::io::Read;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

/// The poller token of the signal socket.
pub const TOKEN: usize = usize::MAX - 1;

/// SIGINT's number.
const SIGINT: i32 = 2;

/// True while no `asyncio.run` is handling SIGINT: the default action applies.
static OUTSIDE: AtomicBool = AtomicBool::new(true);

/// Script mode (`coro run`): SIGINT raises KeyboardInterrupt where the program is,
/// outside `asyncio.run`, instead of killing the process.
static SCRIPT: AtomicBool = AtomicBool::new(false);

/// Set by the handler too, for code that runs without returning to the loop (a busy
/// `while` in the REPL): the evaluator's periodic checkpoint polls it.
static SYNC: OnceLock<Arc<AtomicBool>> = OnceLock::new();

thread_local! {
    static READ_END: RefCell<Option<mio::net::UnixStream>> = const { RefCell::new(None) };
    static INSTALLED: Cell<bool> = const { Cell::new(false) };
    static PENDING: Cell<bool> = const { Cell::new(false) };
    /// The main task of the running `asyncio.run` and the SIGINTs seen so far.
    static RUN: RefCell<Option<(Rc<Fut>, u32)>> = const { RefCell::new(None) };
    /// Whether code running inside the current run is interrupted where it is too
    /// (a REPL input), not only by cancelling the main task (`asyncio.run`).
    static SYNC_IN_RUN: Cell<bool> = const { Cell::new(false) };
}

fn install() -> bool {
    if INSTALLED.get() {
        return READ_END.with(|r| r.borrow().is_some());
    }
    INSTALLED.set(true);
    let Ok((read, write)) = std::os::unix::net::UnixStream::pair() else { return false };
    if read.set_nonblocking(true).is_err() {
        return false;
    }
    if signal_hook::low_level::pipe::register(SIGINT, write).is_err() {
        return false;
    }
    if signal_hook::flag::register_conditional_default(SIGINT, &OUTSIDE).is_err() {
        return false;
    }
    let sync = SYNC.get_or_init(|| Arc::new(AtomicBool::new(false)));
    if signal_hook::flag::register(SIGINT, sync.clone()).is_err() {
        return false;
    }
    READ_END.with(|r| *r.borrow_mut() = Some(mio::net::UnixStream::from_std(read)));
    true
}

/// `asyncio.run` starts: SIGINT now cancels `main`.
pub fn enter_run(lp: &Rc<Loop>, main: &Rc<Fut>) {
    if !install() {
        return;
    }
    READ_END.with(|r| {
        if let Some(s) = r.borrow_mut().as_mut() {
            lp.io.borrow_mut().register_signal_socket(s, TOKEN);
        }
    });
    // A SIGINT already handled (by the checkpoint) must not cancel this run.
    drain();
    RUN.with(|r| *r.borrow_mut() = Some((main.clone(), 0)));
    OUTSIDE.store(false, Ordering::SeqCst);
}

/// A REPL input starts: as [`enter_run`], and code that never awaits is interrupted
/// where it is (the checkpoint polls the flag).
pub fn enter_repl_run(lp: &Rc<Loop>, main: &Rc<Fut>) {
    enter_run(lp, main);
    SYNC_IN_RUN.set(true);
}

/// `coro run`: from now on SIGINT raises KeyboardInterrupt in the program (polled by
/// the evaluator's checkpoint and by `time.sleep`), as CPython's default handler does.
/// Returns false when the handler could not be installed (SIGINT then kills).
pub fn script_mode() -> bool {
    if !install() {
        return false;
    }
    SCRIPT.store(true, Ordering::SeqCst);
    OUTSIDE.store(false, Ordering::SeqCst);
    true
}

/// Whether [`script_mode`] is on.
pub fn in_script_mode() -> bool {
    SCRIPT.load(Ordering::SeqCst)
}

/// `asyncio.run` is over: SIGINT gets back what it did before (its default action, or
/// KeyboardInterrupt in script mode).
pub fn leave_run(lp: &Rc<Loop>) {
    OUTSIDE.store(!SCRIPT.load(Ordering::SeqCst), Ordering::SeqCst);
    SYNC_IN_RUN.set(false);
    RUN.with(|r| r.borrow_mut().take());
    READ_END.with(|r| {
        if let Some(s) = r.borrow_mut().as_mut() {
            lp.io.borrow_mut().deregister_signal_socket(s);
        }
    });
}

/// The poller saw the signal socket readable.
pub fn note_readable() {
    PENDING.set(true);
}

/// How many SIGINTs the current `asyncio.run` has seen.
pub fn interrupts() -> u32 {
    RUN.with(|r| r.borrow().as_ref().map(|(_, n)| *n).unwrap_or(0))
}

/// Handle the SIGINTs that arrived: cancel the main task on the first, raise
/// KeyboardInterrupt on later ones (or when the main task is done).
pub fn dispatch(rt: &mut Runtime) -> Result<(), Exc> {
    if !PENDING.replace(false) {
        return Ok(());
    }
    if let Some(sync) = SYNC.get() {
        sync.store(false, Ordering::SeqCst);
    }
    let count = read_pipe();
    for _ in 0..count.max(1) {
        let main = RUN.with(|r| {
            let mut r = r.borrow_mut();
            r.as_mut().map(|(t, n)| {
                *n += 1;
                (t.clone(), *n)
            })
        });
        let Some((task, n)) = main else { return Ok(()) };
        if n == 1 && !task.done() {
            task.cancel(rt, crate::runtime::value::Value::None)?;
        } else {
            return Err(rt.new_exc(&rt.types.keyboard_interrupt, vec![]));
        }
    }
    Ok(())
}

/// Read and count the bytes the handler wrote to the signal socket.
fn read_pipe() -> usize {
    let mut count = 0;
    READ_END.with(|r| {
        if let Some(s) = r.borrow_mut().as_mut() {
            let mut buf = [0u8; 64];
            while let Ok(n) = s.read(&mut buf) {
                if n == 0 {
                    break;
                }
                count += n;
            }
        }
    });
    count
}

/// Forget SIGINTs already seen.
fn drain() {
    PENDING.set(false);
    read_pipe();
    if let Some(sync) = SYNC.get() {
        sync.store(false, Ordering::SeqCst);
    }
}

/// Whether a SIGINT arrived while code ran without returning to the loop; taking it
/// also forgets it for the loop (one Ctrl-C, one KeyboardInterrupt).
pub fn take_sync_interrupt() -> bool {
    // Inside `asyncio.run`, SIGINT cancels the main task (the loop's business).
    if RUN.with(|r| r.borrow().is_some()) && !SYNC_IN_RUN.get() {
        return false;
    }
    let hit = SYNC.get().is_some_and(|s| s.swap(false, Ordering::SeqCst));
    if hit {
        drain();
    }
    hit
}

/// For a native call that blocks without returning to the loop (`input()`,
/// `time.sleep`), polled between its short waits: what CPython's signal handler does
/// when the signal interrupts such a call. Outside `asyncio.run` (script mode, a REPL
/// input) Ctrl-C raises KeyboardInterrupt there; inside `asyncio.run` the first one
/// cancels the main task and the call keeps waiting, a later one raises
/// KeyboardInterrupt (`Runner._on_sigint`).
pub fn check_blocking(rt: &mut Runtime) -> Result<(), Exc> {
    if take_sync_interrupt() {
        return Err(rt.new_exc(&rt.types.keyboard_interrupt, vec![]));
    }
    if RUN.with(|r| r.borrow().is_some()) && SYNC.get().is_some_and(|s| s.load(Ordering::SeqCst)) {
        PENDING.set(true);
        return dispatch(rt);
    }
    Ok(())
}
