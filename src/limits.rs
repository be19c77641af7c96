//! Resource limits for untrusted scripts (`--max-steps`, `--timeout`, `--max-memory`):
//! one counter compare per evaluation step, the slower checks every few thousand steps.
//!
//! The evaluator counts steps in `Runtime::steps` (a statement, a loop iteration, a
//! call) and compares the count with `Runtime::next_check`, which is `u64::MAX` when no
//! limit is set. Past that mark [`checkpoint`] runs: it stops the program when the step
//! budget or the wall-clock deadline is spent, raises `MemoryError` when the live heap is
//! over `--max-memory`, and sets the next mark.
//!
//! Stopping is an uncatchable `coro.ResourceLimitExceeded`: once raised, `except`
//! clauses, `finally` blocks and `__exit__` calls are skipped while it unwinds (see
//! [`halted`]), and every later step raises it again, so no script code runs after it.
//! The event loop treats it as it treats `KeyboardInterrupt`: it stops the loop.
//!
//! Limits set on the command line apply to the whole process ([`configure`]); a library
//! user sets `Options::max_steps` for one runtime. A watchdog thread started by
//! [`configure`] ends the process a little after the deadline if the interpreter is
//! stuck where no step is counted (a long native loop such as `sum(range(10**15))`).

use crate::runtime::class::{Class, Exc, Kind};
use crate::runtime::types::builtin_class;
use crate::runtime::Runtime;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Steps between clock and memory checks when a timeout or memory limit is set.
const CHECK_EVERY: u64 = 1 << 12;

/// How long after the deadline the watchdog ends a process stuck outside the evaluator.
const WATCHDOG_GRACE: Duration = Duration::from_secs(2);

/// The largest single allocation Coro attempts for a container, string or bytes object
/// even without `--max-memory` (beyond it: `MemoryError`, as CPython's malloc fails).
pub const MAX_SINGLE_ALLOC: usize = 1 << 36;

/// Process-wide limits from the command line.
#[derive(Clone, Copy, Debug, Default)]
pub struct Config {
    /// Stop after this many evaluation steps.
    pub max_steps: Option<u64>,
    /// Stop after this many seconds of wall-clock time.
    pub timeout: Option<f64>,
    /// `MemoryError` when the live heap grows past this many megabytes.
    pub max_memory_mb: Option<u64>,
}

struct Global {
    config: Config,
    deadline: Option<Instant>,
}

static GLOBAL: OnceLock<Global> = OnceLock::new();

thread_local! {
    /// Set once a limit stopped the program: handlers are skipped while it unwinds.
    static HALTED: Cell<Option<&'static str>> = const { Cell::new(None) };
    /// The step budget of the runtime on this thread.
    static MAX_STEPS: Cell<u64> = const { Cell::new(u64::MAX) };
    /// Whether the checkpoint also polls for Ctrl-C (the REPL, where SIGINT is handled).
    static POLL_SIGINT: Cell<bool> = const { Cell::new(false) };
    /// The class of the exception that stops a program (not in any namespace).
    static HALT_CLASS: RefCell<Option<Rc<Class>>> = const { RefCell::new(None) };
}

/// Set the process-wide limits (once, before any runtime starts). Starts the clock of
/// `--timeout` and its watchdog, and the allocator's accounting for `--max-memory`.
pub fn configure(config: Config) {
    let deadline = config.timeout.map(|s| Instant::now() + Duration::from_secs_f64(s.clamp(0.0, 1e9)));
    if GLOBAL.set(Global { config, deadline }).is_err() {
        return;
    }
    if let Some(mb) = config.max_memory_mb {
        crate::alloc::set_limit(mb.saturating_mul(1 << 20) as usize);
    }
    if let (Some(d), Some(secs)) = (deadline, config.timeout) {
        let _ = std::thread::Builder::new().name("coro-watchdog".into()).spawn(move || {
            let end = d + WATCHDOG_GRACE;
            loop {
                let now = Instant::now();
                if now >= end {
                    break;
                }
                std::thread::sleep(end - now);
            }
            eprintln!("coro.ResourceLimitExceeded: time limit of {secs} s exceeded (--timeout)");
            std::process::exit(1);
        });
    }
}

fn config() -> Config {
    GLOBAL.get().map(|g| g.config).unwrap_or_default()
}

fn deadline() -> Option<Instant> {
    GLOBAL.get().and_then(|g| g.deadline)
}

/// The first value of `Runtime::next_check` for a runtime with these options (and the
/// process-wide limits); also clears a previous halt on this thread.
pub fn start(opts: &crate::runtime::Options) -> u64 {
    HALTED.with(|h| h.set(None));
    let steps = match (opts.max_steps, config().max_steps) {
        (Some(a), Some(b)) => a.min(b),
        (a, b) => a.or(b).unwrap_or(u64::MAX),
    };
    MAX_STEPS.with(|m| m.set(steps));
    next_mark(0, steps)
}

fn next_mark(steps: u64, max_steps: u64) -> u64 {
    let c = config();
    if c.timeout.is_some() || c.max_memory_mb.is_some() || POLL_SIGINT.with(|p| p.get()) { max_steps.min(steps.saturating_add(CHECK_EVERY)) } else { max_steps }
}

/// Count one evaluation step; past the next mark, run the limit checks.
#[inline(always)]
pub fn tick(rt: &mut Runtime) -> Result<(), Exc> {
    rt.steps += 1;
    if rt.steps >= rt.next_check {
        return checkpoint(rt);
    }
    Ok(())
}

/// The slow part of [`tick`]: stop on a spent budget or deadline, `MemoryError` over the
/// memory limit, then set the next mark.
#[cold]
#[inline(never)]
pub fn checkpoint(rt: &mut Runtime) -> Result<(), Exc> {
    if let Some(why) = HALTED.with(|h| h.get()) {
        rt.next_check = rt.steps;
        return Err(halt_exc(rt, why));
    }
    let max_steps = MAX_STEPS.with(|m| m.get());
    if rt.steps >= max_steps {
        return Err(halt(rt, "steps"));
    }
    if POLL_SIGINT.with(|p| p.get()) && crate::aio::signals::take_sync_interrupt() {
        rt.next_check = next_mark(rt.steps, max_steps);
        return Err(rt.new_exc(&rt.types.keyboard_interrupt, vec![]));
    }
    if deadline().is_some_and(|d| Instant::now() >= d) {
        return Err(halt(rt, "time"));
    }
    rt.next_check = next_mark(rt.steps, max_steps);
    if crate::alloc::over_limit() {
        return Err(rt.new_exc(&rt.types.memory_error, vec![]));
    }
    Ok(())
}

/// From now on, check every few thousand steps whether Ctrl-C was pressed and raise
/// `KeyboardInterrupt` where the program is (the REPL: a busy loop must be stoppable
/// without leaving the session).
pub fn poll_interrupts(rt: &mut Runtime) {
    POLL_SIGINT.with(|p| p.set(true));
    rt.next_check = rt.next_check.min(rt.steps.saturating_add(CHECK_EVERY));
}

/// Check the deadline outside the step counter (the event loop after a wait).
pub fn check_deadline(rt: &mut Runtime) -> Result<(), Exc> {
    if let Some(why) = HALTED.with(|h| h.get()) {
        return Err(halt_exc(rt, why));
    }
    if deadline().is_some_and(|d| Instant::now() >= d) {
        return Err(halt(rt, "time"));
    }
    Ok(())
}

/// Shorten the event loop's wait (seconds; `None` waits forever) so it wakes at the deadline.
pub fn clamp_wait(timeout: Option<f64>) -> Option<f64> {
    match deadline() {
        None => timeout,
        Some(d) => {
            let left = d.saturating_duration_since(Instant::now()).as_secs_f64();
            Some(timeout.map_or(left, |t| t.min(left)))
        }
    }
}

/// Whether a limit stopped the program on this thread (its exception is unwinding:
/// `except`, `finally` and `__exit__` are skipped).
pub fn halted() -> bool {
    HALTED.with(|h| h.get().is_some())
}

/// Standard output was closed under us (a broken pipe): end the program quietly, with
/// status 0, at the next step (no script code runs after it, as for a spent limit).
pub fn stdout_closed(rt: &mut Runtime) {
    HALTED.with(|h| h.set(Some("pipe")));
    rt.next_check = rt.steps;
}

/// Whether `e` ends the program without a message and with status 0 (stdout closed).
pub fn is_quiet_halt(e: &Exc) -> bool {
    is_halt(e) && HALTED.with(|h| h.get()) == Some("pipe")
}

/// An I/O error as CPython words it: `[Errno 28] No space left on device`.
pub fn os_error(e: std::io::Error) -> std::io::Error {
    match e.raw_os_error() {
        Some(code) => {
            let text = e.to_string();
            let text = text.strip_suffix(&format!(" (os error {code})")).unwrap_or(&text).to_string();
            std::io::Error::new(e.kind(), format!("[Errno {code}] {text}"))
        }
        None => e,
    }
}

/// Flush standard output at the end of a run: the message to print when that fails
/// (a full disk), nothing when it worked or the pipe was closed (which ends quietly).
pub fn final_flush(rt: &mut Runtime) -> Option<String> {
    if rt.stdout_closed {
        return None;
    }
    match rt.out.flush() {
        Ok(()) => None,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => None,
        Err(e) => Some(format!("OSError: {}", os_error(e))),
    }
}

/// Whether `e` is the uncatchable exception of a spent limit.
pub fn is_halt(e: &Exc) -> bool {
    let c = e.class();
    c.name.borrow().as_str() == "ResourceLimitExceeded" && c.module.borrow().as_str() == "coro"
}

fn halt(rt: &mut Runtime, why: &'static str) -> Exc {
    HALTED.with(|h| h.set(Some(why)));
    rt.next_check = rt.steps;
    halt_exc(rt, why)
}

fn halt_exc(rt: &mut Runtime, why: &str) -> Exc {
    let msg = match why {
        "steps" => format!("step limit of {} exceeded (--max-steps)", MAX_STEPS.with(|m| m.get())),
        "pipe" => "standard output was closed".to_string(),
        _ => format!("time limit of {} s exceeded (--timeout)", config().timeout.unwrap_or(0.0)),
    };
    let cls = HALT_CLASS.with(|c| {
        c.borrow_mut()
            .get_or_insert_with(|| builtin_class("ResourceLimitExceeded", "coro", vec![rt.types.base_exception.clone()], Kind::Exception))
            .clone()
    });
    rt.exc_msg(&cls, msg)
}

/// A `MemoryError` if an object of `bytes` bytes is beyond what Coro allocates at once,
/// or would take the heap past `--max-memory`; call before building big objects.
pub fn check_alloc(rt: &Runtime, bytes: usize) -> Result<(), Exc> {
    if bytes > MAX_SINGLE_ALLOC || crate::alloc::would_exceed(bytes) {
        return Err(rt.new_exc(&rt.types.memory_error, vec![]));
    }
    Ok(())
}

/// [`check_alloc`] for `n` items of `size` bytes each.
pub fn check_items(rt: &Runtime, n: usize, size: usize) -> Result<(), Exc> {
    check_alloc(rt, n.saturating_mul(size))
}
