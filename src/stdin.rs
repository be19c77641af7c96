//! Standard input, read by our own buffered reader on fd 0, shared by `input()` and the
//! piped REPL: `input()` waits for a line in short slices, checking for Ctrl-C between
//! them, so a script blocked in `input()` gets KeyboardInterrupt at once (std's stdin
//! retries interrupted reads and would wait for the next line).
//!
//! Bytes read past a newline stay in the buffer for the next reader (the REPL's next
//! input or the next `input()`), so no line that arrived is ever lost. An interrupted
//! read drops the partial line read so far, as CPython's `readline` does.

use std::cell::RefCell;
use std::io;
use std::time::Duration;

/// How long one wait for input lasts before the caller's interrupt check runs again.
const SLICE: Duration = Duration::from_millis(20);

/// Bytes read from fd 0 at a time.
const CHUNK: usize = 8192;

thread_local! {
    /// Bytes read from fd 0 and not yet handed out.
    static BUF: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// The outcome of [`read_line`].
#[derive(Debug)]
pub enum Line<E> {
    /// A line, with its `\n` unless it was the last one before end of file.
    Text(Vec<u8>),
    /// End of file with nothing read.
    Eof,
    /// Standard input is closed (fd 0 is not open).
    Closed,
    /// The interrupt check stopped the wait with this error.
    Stopped(E),
    /// Reading failed.
    Failed(io::Error),
}

/// Take one line from the buffer if a whole one is there.
fn take_buffered_line() -> Option<Vec<u8>> {
    BUF.with(|b| {
        let mut b = b.borrow_mut();
        let pos = b.iter().position(|&c| c == b'\n')?;
        Some(b.drain(..=pos).collect())
    })
}

/// One `read` of fd 0 into the buffer: the number of bytes read (0 at end of file).
fn fill_once() -> io::Result<usize> {
    let mut chunk = [0u8; CHUNK];
    let n = rustix::io::read(rustix::stdio::stdin(), &mut chunk).map_err(io::Error::from)?;
    BUF.with(|b| b.borrow_mut().extend_from_slice(&chunk[..n]));
    Ok(n)
}

/// Whether fd 0 has something to read (or an end or error to report) within `wait`
/// (`None`: as long as it takes).
fn wait_readable(wait: Option<Duration>) -> io::Result<bool> {
    use rustix::event::{PollFd, PollFlags, Timespec};
    let stdin = rustix::stdio::stdin();
    let mut fds = [PollFd::new(&stdin, PollFlags::IN)];
    let timeout = wait.map(|w| Timespec { tv_sec: w.as_secs() as _, tv_nsec: w.subsec_nanos() as _ });
    match rustix::event::poll(&mut fds, timeout.as_ref()) {
        Ok(n) => Ok(n > 0),
        Err(rustix::io::Errno::INTR) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Read one line from standard input. Between waits of a few milliseconds `check` runs;
/// when it fails, the partial line is dropped and its error returned as
/// [`Line::Stopped`].
pub fn read_line<E>(check: impl FnMut() -> Result<(), E>) -> Line<E> {
    next_line(Some(SLICE), check)
}

fn next_line<E>(slice: Option<Duration>, mut check: impl FnMut() -> Result<(), E>) -> Line<E> {
    loop {
        if let Some(line) = take_buffered_line() {
            return Line::Text(line);
        }
        let ready = match wait_readable(slice) {
            Ok(r) => r,
            Err(e) => return Line::Failed(e),
        };
        if let Err(e) = check() {
            BUF.with(|b| b.borrow_mut().clear());
            return Line::Stopped(e);
        }
        if !ready {
            continue;
        }
        match fill_once() {
            Ok(0) => {
                let rest = BUF.with(|b| std::mem::take(&mut *b.borrow_mut()));
                return if rest.is_empty() { Line::Eof } else { Line::Text(rest) };
            }
            Ok(_) => {}
            Err(e) if matches!(e.kind(), io::ErrorKind::Interrupted | io::ErrorKind::WouldBlock) => {}
            Err(e) if e.raw_os_error() == Some(rustix::io::Errno::BADF.raw_os_error()) => return Line::Closed,
            Err(e) => return Line::Failed(e),
        }
    }
}

/// The lines of standard input without their `\n` (or `\r\n`), from the same buffer as
/// [`read_line`], waiting without interrupt checks: the piped REPL reads its inputs
/// here, so an input calling `input()` reads the lines that follow it. Ends at end of
/// file, at a closed fd 0, or with an error (text that is not UTF-8, a failed read).
pub fn lines() -> impl Iterator<Item = io::Result<String>> {
    std::iter::from_fn(|| match next_line(None, || Ok::<(), std::convert::Infallible>(())) {
        Line::Text(mut bytes) => {
            if bytes.last() == Some(&b'\n') {
                bytes.pop();
                if bytes.last() == Some(&b'\r') {
                    bytes.pop();
                }
            }
            Some(String::from_utf8(bytes).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e)))
        }
        Line::Eof | Line::Closed => None,
        Line::Stopped(never) => match never {},
        Line::Failed(e) => Some(Err(e)),
    })
}
