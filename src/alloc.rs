//! The global allocator: mimalloc, counting live heap bytes once `--max-memory` is set, so a program over its limit gets `MemoryError` rather than the operating system's kill.
//!
//! mimalloc rather than the system's malloc: measured with callgrind, -12% instructions
//! on `strings.coro`, -4% on `objects.coro` (notes/issue7.md).
//!
//! Without the flag the only cost is one relaxed load of a flag per allocation. With it,
//! every allocation and free adjusts a counter. Over the limit, [`over_limit`] turns true
//! and the evaluator raises `MemoryError` at its next limit check (see `limits.rs`);
//! builders of big objects ask [`would_exceed`] first. An allocation that would take the
//! heap past twice the limit (plus a margin for the program to unwind) is not attempted:
//! the process prints `MemoryError` and exits with status 1.

use libmimalloc_sys as ffi;
use mimalloc::MiMalloc as Inner;
use std::alloc::{GlobalAlloc, Layout};
use std::sync::atomic::{AtomicBool, AtomicIsize, AtomicUsize, Ordering::Relaxed};

/// The allocator Coro's binaries use.
pub struct Counting;

static ON: AtomicBool = AtomicBool::new(false);
static LIVE: AtomicIsize = AtomicIsize::new(0);
static LIMIT: AtomicUsize = AtomicUsize::new(usize::MAX);
static HARD: AtomicUsize = AtomicUsize::new(usize::MAX);

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Start counting, with a limit of `bytes` of live heap.
pub fn set_limit(bytes: usize) {
    LIMIT.store(bytes, Relaxed);
    HARD.store(bytes.saturating_mul(2).saturating_add(64 << 20), Relaxed);
    ON.store(true, Relaxed);
}

/// Live heap bytes counted since the limit was set.
pub fn live() -> usize {
    LIVE.load(Relaxed).max(0) as usize
}

/// Whether the live heap is over the limit.
pub fn over_limit() -> bool {
    ON.load(Relaxed) && live() > LIMIT.load(Relaxed)
}

/// Whether allocating `bytes` more would take the heap over the limit.
pub fn would_exceed(bytes: usize) -> bool {
    ON.load(Relaxed) && live().saturating_add(bytes) > LIMIT.load(Relaxed)
}

#[cold]
fn out_of_memory() -> ! {
    // No allocation here: write the message straight to stderr and leave.
    use std::io::Write;
    let _ = std::io::stderr().write_all(b"MemoryError: out of memory (over --max-memory)\n");
    std::process::exit(1)
}

/// The alignment every block from mimalloc's plain `mi_malloc` has at least, for
/// blocks of at least this size (`MI_MAX_ALIGN_SIZE` on 64-bit targets).
const PLAIN_ALIGN: usize = 16;

/// Whether `layout` can come from the plain `mi_malloc`: its alignment is one every
/// block of that size has anyway. The `mimalloc` crate always calls `mi_malloc_aligned`,
/// whose fast path needs a free block already in the size's page; otherwise it takes a
/// generic path that over-allocates from a larger size class (measured: 12% of
/// `strings.coro`'s instructions were in `mi_malloc_aligned` and its slow paths).
#[inline]
fn plain(layout: Layout) -> bool {
    layout.align() <= PLAIN_ALIGN && layout.align() <= layout.size()
}

#[inline]
fn add(n: usize) {
    if ON.load(Relaxed) {
        let now = LIVE.fetch_add(n as isize, Relaxed) + n as isize;
        if now > 0 && now as usize > HARD.load(Relaxed) {
            ON.store(false, Relaxed);
            out_of_memory();
        }
    }
}

#[inline]
fn sub(n: usize) {
    if ON.load(Relaxed) {
        LIVE.fetch_sub(n as isize, Relaxed);
    }
}

// SAFETY: every method forwards to mimalloc (`Inner`) with the same layout; the counting has no
// effect on the memory returned.
unsafe impl GlobalAlloc for Counting {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        add(layout.size());
        if plain(layout) {
            // SAFETY: mimalloc's plain malloc, aligned enough for `layout` (see `plain`).
            return unsafe { ffi::mi_malloc(layout.size()) as *mut u8 };
        }
        unsafe { Inner.alloc(layout) }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        add(layout.size());
        if plain(layout) {
            // SAFETY: as in `alloc`.
            return unsafe { ffi::mi_zalloc(layout.size()) as *mut u8 };
        }
        unsafe { Inner.alloc_zeroed(layout) }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        sub(layout.size());
        unsafe { Inner.dealloc(ptr, layout) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size >= layout.size() {
            add(new_size - layout.size());
        } else {
            sub(layout.size() - new_size);
        }
        if plain(Layout::from_size_align(new_size, layout.align()).unwrap_or(layout)) && plain(layout) {
            // SAFETY: `ptr` came from mimalloc; the new block is aligned enough (see `plain`).
            return unsafe { ffi::mi_realloc(ptr as *mut std::ffi::c_void, new_size) as *mut u8 };
        }
        unsafe { Inner.realloc(ptr, layout, new_size) }
    }
}

/// Opt this process out of transparent huge pages (Linux; a no-op elsewhere). With THP
/// set to `always`, mimalloc's aligned segments are backed by 2 MiB pages and an empty
/// run's resident memory doubles (measured: `coro -c pass` 12.3 MB -> 6.9 MB, 100,000
/// suspended generators 95.4 MB -> 80.5 MB). The interpreter's heaps are small and
/// scattered, so huge pages buy it little. The `coro` binary calls it before mimalloc
/// initialises (see `main.rs`): the setting applies to pages touched afterwards.
pub fn no_huge_pages() {
    #[cfg(target_os = "linux")]
    {
        const PR_SET_THP_DISABLE: i32 = 41;
        unsafe extern "C" {
            fn prctl(option: i32, ...) -> i32;
        }
        // SAFETY: PR_SET_THP_DISABLE takes one integer argument (1: disable) and only
        // sets a flag on this process; the unused arguments must be zero.
        unsafe {
            prctl(PR_SET_THP_DISABLE, 1u64, 0u64, 0u64, 0u64);
        }
    }
}

/// mimalloc's `mi_option_arena_reserve`: its position in v3's `mi_option_e`
/// (`libmimalloc-sys` declares the option functions only with its `extended` feature,
/// and names only the older options).
const MI_OPTION_ARENA_RESERVE: i32 = 23;

unsafe extern "C" {
    /// mimalloc's `void mi_option_set(mi_option_t option, long value)`.
    fn mi_option_set(option: i32, value: std::ffi::c_long);
}

/// Start with a 32 MiB arena (mimalloc's smallest) instead of its default 1 GiB. The
/// bitmaps of a 1 GiB arena are ~35 pages that every run touches, a tenth of the page
/// faults of `coro -c pass` (each ~1.7 us here); bigger programs get more arenas, each
/// reserved larger than the last (mimalloc doubles the size every eight), so a heap of
/// any size is still a few dozen arenas. Called, like [`no_huge_pages`], before
/// mimalloc initialises (see `main.rs`); an option set later would not apply to the
/// first arena.
pub fn small_first_arena() {
    // SAFETY: sets one option value (in KiB) in mimalloc's option table; valid before
    // and after mimalloc's initialisation.
    unsafe { mi_option_set(MI_OPTION_ARENA_RESERVE, 32 * 1024) }
}
