//! Steering the loop: a virtual clock (`--virtual-time`) that jumps to the next timer
//! instead of sleeping, and seeded schedules (`--schedule-seed N`) that run the
//! callbacks ready at the same moment in an order drawn from a small PRNG.

use std::cell::Cell;

/// The switches behind `--trace`, `--virtual-time` and `--schedule-seed`.
#[derive(Clone, Debug, Default)]
pub struct Steering {
    /// Write the control-transfer trace in this format.
    pub trace: Option<crate::trace::Format>,
    /// Write the trace to this file instead of standard error.
    pub trace_file: Option<String>,
    /// Simulate the loop's clock.
    pub virtual_time: bool,
    /// Run ready callbacks in an order drawn from this seed.
    pub schedule_seed: Option<u64>,
}

thread_local! {
    /// The virtual clock, when it is on.
    static VIRTUAL: Cell<Option<f64>> = const { Cell::new(None) };
    /// The schedule PRNG's state, when a seed was given.
    static RNG: Cell<Option<u64>> = const { Cell::new(None) };
}

/// Turn the virtual clock on (starting at 0.0) or off, and set the schedule seed
/// (`None`: FIFO order, as CPython).
pub fn configure(virtual_time: bool, seed: Option<u64>) {
    VIRTUAL.with(|v| v.set(if virtual_time { Some(0.0) } else { None }));
    RNG.with(|r| r.set(seed.map(|s| s ^ 0x5EED_C0DE_0BAD_F00D)));
}

/// How far the virtual clock moves each time the program reads it. As a real clock
/// does while code runs, so that timers created one after another with the same delay
/// get increasing deadlines (and run in creation order), and a measured interval is
/// never a rounding error shorter than the sleep it measures.
const TICK: f64 = 1e-9;

/// The virtual clock, when `--virtual-time` is on (each read moves it by a tick).
pub fn virtual_now() -> Option<f64> {
    VIRTUAL.with(|v| {
        let t = v.get()? + TICK;
        v.set(Some(t));
        Some(t)
    })
}

/// The virtual clock without moving it (for the trace: looking must not change timing).
pub fn peek() -> Option<f64> {
    VIRTUAL.with(|v| v.get())
}

/// Whether the clock is virtual.
pub fn is_virtual() -> bool {
    peek().is_some()
}

/// Move the virtual clock forward to `t` (never back).
fn advance_to(t: f64) {
    VIRTUAL.with(|v| {
        if let Some(now) = v.get() {
            v.set(Some(now.max(t)));
        }
    });
}

/// Advance the virtual clock by `secs` (nothing when time is real); true if it moved.
pub fn advance(secs: f64) -> bool {
    VIRTUAL.with(|v| match v.get() {
        Some(t) => {
            v.set(Some(t + secs.max(0.0)));
            true
        }
        None => false,
    })
}

/// One wait of the loop for I/O or the first timer (`timeout`: None waits for ever).
/// With the virtual clock and no I/O pending, the clock jumps to the timer instead of
/// sleeping; with I/O pending it waits for real and advances by the time waited.
pub fn poll(rt: &mut crate::runtime::Runtime, lp: &std::rc::Rc<super::event_loop::Loop>, timeout: Option<f64>) {
    let Some(now) = peek() else {
        return super::net::poll(rt, lp, timeout);
    };
    let waiting = lp.io.borrow().waiting();
    match timeout {
        Some(t) if t > 0.0 && !waiting => {
            super::net::poll(rt, lp, Some(0.0));
            if rt.trace.is_some() {
                crate::trace::clock_jump(rt, now, now + t);
            }
            advance_to(now + t);
        }
        _ if waiting => {
            let start = std::time::Instant::now();
            super::net::poll(rt, lp, timeout);
            let waited = start.elapsed().as_secs_f64();
            advance(timeout.map_or(waited, |t| waited.min(t)));
        }
        _ => super::net::poll(rt, lp, timeout),
    }
}

/// splitmix64: one step of the generator.
fn next_u64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Whether a schedule seed is in force.
pub fn seeded() -> bool {
    RNG.with(|r| r.get().is_some())
}

/// Shuffle `items` (Fisher-Yates) with the schedule PRNG; FIFO (untouched) without a seed.
pub fn shuffle<T>(items: &mut [T]) {
    RNG.with(|r| {
        let Some(mut s) = r.get() else { return };
        for i in (1..items.len()).rev() {
            let j = (next_u64(&mut s) % (i as u64 + 1)) as usize;
            items.swap(i, j);
        }
        r.set(Some(s));
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_order() {
        let run = |seed| {
            configure(false, Some(seed));
            let mut v: Vec<u32> = (0..10).collect();
            shuffle(&mut v);
            v
        };
        assert_eq!(run(7), run(7));
        assert_ne!(run(7), run(8));
        configure(false, None);
        let mut v: Vec<u32> = (0..10).collect();
        shuffle(&mut v);
        assert_eq!(v, (0..10).collect::<Vec<_>>());
    }

    #[test]
    fn virtual_clock_advances() {
        configure(true, None);
        assert_eq!(peek(), Some(0.0));
        assert!(advance(3600.0));
        assert_eq!(peek(), Some(3600.0));
        assert!(virtual_now().unwrap() > 3600.0);
        configure(false, None);
        assert!(!advance(1.0));
    }
}
