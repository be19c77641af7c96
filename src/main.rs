//! The `coro` command line: parse arguments, call the library, map results to exit codes.

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "coro", version, about = "Coro: a Python 3.11 subset built around coroutines", args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Run this code instead of a file.
    #[arg(short = 'c', value_name = "CODE")]
    code: Option<String>,
    /// A file to run (same as `coro run FILE`).
    file: Option<String>,
    #[command(flatten)]
    limits: Limits,
}

#[derive(clap::Args, Clone, Default)]
struct Limits {
    /// Maximum depth of nested calls before RecursionError.
    #[arg(long, default_value_t = 1000)]
    recursion_limit: usize,
    /// Stop the program (an uncatchable error) after N evaluation steps.
    #[arg(long, value_name = "N")]
    max_steps: Option<u64>,
    /// Raise MemoryError when the heap grows past MB megabytes.
    #[arg(long, value_name = "MB")]
    max_memory: Option<u64>,
    /// Stop the program (an uncatchable error) after SECONDS of wall-clock time.
    #[arg(long, value_name = "SECONDS")]
    timeout: Option<f64>,
}

impl Limits {
    /// The resource limits (off unless given), for `coro::limits::configure`.
    fn config(&self) -> coro::limits::Config {
        coro::limits::Config { max_steps: self.max_steps, timeout: self.timeout, max_memory_mb: self.max_memory }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Run a program.
    Run {
        /// The file to run.
        file: String,
        #[command(flatten)]
        limits: Limits,
        #[command(flatten)]
        steer: coro::cli::SteerArgs,
    },
    /// Check that files parse; report every syntax error found.
    Check {
        /// Files to check.
        files: Vec<String>,
    },
    /// Start the interactive REPL (also what `coro` alone does).
    Repl {
        #[command(flatten)]
        limits: Limits,
    },
    /// Print the syntax tree of a file (for debugging).
    Parse {
        /// The file to parse.
        file: String,
    },
}

/// The interpreter runs on a thread with a large stack: the front end recurses over
/// deeply nested source (a 100,000-term expression), though script calls never do.
const STACK: usize = 1 << 30;

fn on_big_stack<F: FnOnce() -> i32 + Send + 'static>(f: F) -> i32 {
    match std::thread::Builder::new().stack_size(STACK).spawn(f) {
        Ok(h) => {
            leave_sigint_to_interpreter();
            h.join().unwrap_or(101)
        }
        Err(e) => {
            eprintln!("coro: cannot start the interpreter thread: {e}");
            1
        }
    }
}

/// Block SIGINT in this thread (the main one, which only waits for the interpreter
/// thread), so that the kernel delivers it to the interpreter thread: a handler that
/// runs on the thread blocked in a system call interrupts that call before the call's
/// own result is seen (Ctrl-C during `input()` wins over a line or an end of file
/// arriving just after it, as in CPython, where signals go to the main thread).
fn leave_sigint_to_interpreter() {
    // SAFETY: libc calls on a signal set that lives on this stack frame and is
    // initialised by `sigemptyset` before use.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGINT);
        libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
    }
}

fn run(source: coro::span::SourceFile, limits: Limits) -> i32 {
    run_steered(source, limits, Default::default())
}

fn run_steered(source: coro::span::SourceFile, limits: Limits, steer: coro::aio::steer::Steering) -> i32 {
    on_big_stack(move || {
        let opts = coro::runtime::Options { recursion_limit: limits.recursion_limit, steer, ..Default::default() };
        coro::cli::run_program(source, opts)
    })
}

fn repl(limits: Limits) -> i32 {
    on_big_stack(move || {
        let opts = coro::runtime::Options { recursion_limit: limits.recursion_limit, ..Default::default() };
        coro::repl::run(opts)
    })
}

/// Opt out of transparent huge pages and ask for a small first arena before anything
/// allocates: an `.init_array` entry with priority 100 runs before mimalloc's own
/// constructor (priority 101), which maps and touches its first arena.
#[cfg(target_os = "linux")]
#[used]
#[unsafe(link_section = ".init_array.00100")]
static NO_HUGE_PAGES: extern "C" fn() = {
    extern "C" fn no_huge_pages() {
        coro::alloc::no_huge_pages();
        coro::alloc::small_first_arena();
    }
    no_huge_pages
};

fn main() -> ExitCode {
    coro::cli::reset_sigpipe();
    let cli = Cli::parse();
    let limits = match &cli.command {
        Some(Command::Run { limits, .. }) | Some(Command::Repl { limits }) => limits,
        _ => &cli.limits,
    };
    coro::limits::configure(limits.config());
    let status = match cli.command {
        Some(Command::Check { files }) => {
            let mut ok = true;
            for f in files {
                ok &= coro::cli::check_file(&f);
            }
            if ok { 0 } else { 1 }
        }
        Some(Command::Parse { file }) => {
            if coro::cli::parse_file(&file) { 0 } else { 1 }
        }
        Some(Command::Repl { limits }) => repl(limits),
        Some(Command::Run { file, limits, steer }) => match (steer.explore, coro::cli::read_source(&file)) {
            (Some(k), Some(_)) => coro::cli::explore(&file, k, limits.recursion_limit),
            (None, Some(src)) => run_steered(src, limits, steer.steering()),
            (_, None) => 1,
        },
        None => match (cli.code, cli.file) {
            (Some(code), _) => run(coro::span::SourceFile::new("<string>", code), cli.limits),
            (None, Some(file)) => match coro::cli::read_source(&file) {
                Some(src) => run(src, cli.limits),
                None => 1,
            },
            (None, None) => repl(cli.limits),
        },
    };
    ExitCode::from(status.clamp(0, 255) as u8)
}
