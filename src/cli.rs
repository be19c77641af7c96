//! Commands behind the CLI, kept in the library so tests can call them.

use crate::diagnostic::render;
use crate::span::SourceFile;
use std::io::IsTerminal;

/// Read a source file, or print one clear line saying why it cannot be read.
pub fn read_source(path: &str) -> Option<SourceFile> {
    match std::fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => Some(SourceFile::script(path, text)),
            Err(e) => {
                eprintln!("coro: {path}: file is not valid UTF-8 (byte {})", e.utf8_error().valid_up_to());
                None
            }
        },
        Err(e) if e.kind() == std::io::ErrorKind::IsADirectory => {
            eprintln!("coro: {path}: is a directory");
            None
        }
        Err(e) => {
            let why = match e.kind() {
                std::io::ErrorKind::NotFound => "no such file".to_string(),
                std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
                _ => e.to_string(),
            };
            eprintln!("coro: can't open file '{path}': {why}");
            None
        }
    }
}

/// The front end without running anything: parse, validate, analyse scopes.
pub fn check_source(text: &str) -> Result<(), Vec<crate::diagnostic::Diagnostic>> {
    let module = crate::syntax::parse(text, Default::default())?;
    let result = crate::compile::scope::analyze(&module).map(|_| ());
    // A tree nested 100,000 deep would recurse that deep to drop; the process ends soon.
    std::mem::forget(module);
    result
}

/// `coro check FILE`: report every syntax error; true when the file parses. Runs on a
/// thread with a large stack, as the front end recurses over deeply nested source.
pub fn check_file(path: &str) -> bool {
    let path = path.to_string();
    let run = move || check_file_here(&path);
    match std::thread::Builder::new().stack_size(1 << 30).spawn(run) {
        Ok(h) => h.join().unwrap_or(false),
        Err(_) => false,
    }
}

fn check_file_here(path: &str) -> bool {
    let Some(file) = read_source(path) else { return false };
    match check_source(&file.text) {
        Ok(()) => true,
        Err(diags) => {
            let color = std::io::stderr().is_terminal();
            for d in &diags {
                eprint!("{}", render(d, &file, color));
            }
            false
        }
    }
}

/// `coro parse FILE`: print the syntax tree.
pub fn parse_file(path: &str) -> bool {
    let Some(file) = read_source(path) else { return false };
    match crate::syntax::parse(&file.text, Default::default()) {
        Ok(m) => {
            println!("{:#?}", m.body);
            true
        }
        Err(diags) => {
            for d in &diags {
                eprint!("{}", render(d, &file, false));
            }
            false
        }
    }
}

/// Run a program with standard output, returning the exit status.
pub fn run_program(source: SourceFile, opts: crate::runtime::Options) -> i32 {
    // Ctrl-C raises KeyboardInterrupt where the program is (its `finally` blocks run,
    // the traceback is printed, status 130), as in CPython.
    crate::aio::signals::script_mode();
    let out = crate::runtime::Output::Stdout(std::io::BufWriter::with_capacity(1 << 16, std::io::stdout()), std::io::stdout().is_terminal());
    crate::run_source(std::rc::Rc::new(source), out, opts)
}

/// Ignore SIGPIPE: a write to a closed pipe fails with `EPIPE` instead of killing the
/// process, and the interpreter then ends the program quietly with status 0 (see
/// `limits::stdout_closed`), as `python3 ... | head` does with SIGPIPE handling.
pub fn reset_sigpipe() {
    #[cfg(unix)]
    unsafe {
        // SAFETY: setting a signal disposition to "ignore" has no preconditions.
        libc_signal(13, 1);
    }
}

#[cfg(unix)]
unsafe extern "C" {
    #[link_name = "signal"]
    fn libc_signal(sig: i32, handler: usize) -> usize;
}

/// The options of `coro run` that show and steer the event loop.
#[derive(clap::Args, Clone, Debug, Default)]
pub struct SteerArgs {
    /// Write one line per transfer of control (send, yield, await, task switch...) to
    /// stderr; `--trace=json` writes Chrome trace-event JSON instead.
    #[arg(long, value_name = "FORMAT", num_args = 0..=1, require_equals = true, default_missing_value = "text", value_parser = ["text", "json"])]
    pub trace: Option<String>,
    /// Write the trace to this file instead of stderr.
    #[arg(long, value_name = "FILE")]
    pub trace_file: Option<String>,
    /// Simulate the loop's clock: when nothing is ready, jump to the next timer.
    #[arg(long)]
    pub virtual_time: bool,
    /// Run callbacks that are ready at the same moment in an order drawn from seed N.
    #[arg(long, value_name = "N")]
    pub schedule_seed: Option<u64>,
    /// Run seeds 1..=K (with virtual time) and report those whose output differs from FIFO order.
    #[arg(long, value_name = "K")]
    pub explore: Option<u64>,
}

impl SteerArgs {
    /// The runtime switches these options ask for.
    pub fn steering(&self) -> crate::aio::steer::Steering {
        crate::aio::steer::Steering {
            trace: self.trace.as_deref().map(|f| if f == "json" { crate::trace::Format::Json } else { crate::trace::Format::Text }),
            trace_file: self.trace_file.clone(),
            virtual_time: self.virtual_time,
            schedule_seed: self.schedule_seed,
        }
    }
}

/// What one run of a program printed, and how it ended.
#[derive(PartialEq, Eq)]
struct RunResult {
    stdout: String,
    status: Option<i32>,
}

/// Run this executable on `file` with virtual time (and a seed), for `--explore`.
fn run_child(exe: &std::path::Path, file: &str, seed: Option<u64>, recursion_limit: usize) -> Result<RunResult, String> {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let mut c = Command::new(exe);
    c.arg("run").arg("--virtual-time").arg(format!("--recursion-limit={recursion_limit}"));
    if let Some(s) = seed {
        c.arg(format!("--schedule-seed={s}"));
    }
    c.arg(file).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::null());
    let mut child = c.spawn().map_err(|e| format!("cannot run {}: {e}", exe.display()))?;
    let mut out = child.stdout.take().ok_or("no stdout")?;
    let reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = out.read_to_end(&mut v);
        v
    });
    let start = std::time::Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().map_err(|e| e.to_string())? {
            break s.code();
        }
        if start.elapsed() > std::time::Duration::from_secs(EXPLORE_TIMEOUT_SECS) {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(std::time::Duration::from_millis(1));
    };
    let stdout = String::from_utf8_lossy(&reader.join().unwrap_or_default()).into_owned();
    Ok(RunResult { stdout, status })
}

/// A run under `--explore` taking longer than this (wall time) is stopped.
const EXPLORE_TIMEOUT_SECS: u64 = 20;

fn status_word(s: Option<i32>) -> String {
    match s {
        Some(c) => format!("exit status {c}"),
        None => format!("killed after {EXPLORE_TIMEOUT_SECS} s"),
    }
}

/// `coro run --explore K FILE`: run the program in FIFO order and with seeds 1..=K (all
/// with virtual time, each in a child process), and report the seeds whose output or
/// exit status differs, with the first differing line. Exit status 1 if any differ.
pub fn explore(file: &str, k: u64, recursion_limit: usize) -> i32 {
    let exe = match std::env::current_exe() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("coro: cannot find my own executable: {e}");
            return 2;
        }
    };
    let base = match run_child(&exe, file, None, recursion_limit) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("coro: {e}");
            return 2;
        }
    };
    println!("explore {file}: FIFO order prints {} lines, {}", base.stdout.lines().count(), status_word(base.status));
    let mut differing = Vec::new();
    for seed in 1..=k {
        let r = match run_child(&exe, file, Some(seed), recursion_limit) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("coro: {e}");
                return 2;
            }
        };
        if r == base {
            continue;
        }
        differing.push(seed);
        let (a, b): (Vec<&str>, Vec<&str>) = (base.stdout.lines().collect(), r.stdout.lines().collect());
        match (0..a.len().max(b.len())).find(|&i| a.get(i) != b.get(i)) {
            Some(i) => println!(
                "seed {seed}: line {} is {} (FIFO: {})",
                i + 1,
                b.get(i).map(|l| format!("{l:?}")).unwrap_or("missing".into()),
                a.get(i).map(|l| format!("{l:?}")).unwrap_or("missing".into())
            ),
            None => println!("seed {seed}: same output, {} (FIFO: {})", status_word(r.status), status_word(base.status)),
        }
    }
    if differing.is_empty() {
        println!("explore: all {k} seeds give the FIFO output");
        0
    } else {
        println!(
            "explore: {} of {k} seeds differ; replay one with: coro run --virtual-time --schedule-seed {} {file}",
            differing.len(),
            differing[0]
        );
        1
    }
}
