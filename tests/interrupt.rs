//! Ctrl-C (SIGINT) during `coro run`: KeyboardInterrupt is raised where the program
//! is, so its `finally` blocks run and the traceback ends in `KeyboardInterrupt`, with
//! exit status 130, as CPython does; a long `time.sleep` is interrupted at once; inside
//! `asyncio.run` the main task is cancelled first (its `finally` runs) and the program
//! ends with KeyboardInterrupt. Expected outputs are CPython 3.11's (checked by hand
//! with `kill -INT`).

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Run `src`, wait for its first line `ready`, send SIGINT, and collect the rest.
fn interrupt(src: &str) -> (String, String, i32, Duration) {
    interrupt_with(src, None, 1, None)
}

/// Run `src` with `input` (if any) on a pipe to its stdin that stays open, wait for
/// its first line `ready`, send SIGINT `kills` times (200 ms apart), then write
/// `after` (if any), close stdin and collect the rest of stdout, stderr, the exit status
/// and the time from the first SIGINT to the end.
fn interrupt_with(src: &str, input: Option<&str>, kills: usize, after: Option<&str>) -> (String, String, i32, Duration) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_coro"))
        .arg("-c")
        .arg(src)
        .stdin(if input.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take();
    if let (Some(pipe), Some(text)) = (stdin.as_mut(), input) {
        pipe.write_all(text.as_bytes()).unwrap();
        pipe.flush().unwrap();
    }
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    out.read_line(&mut first).unwrap();
    assert_eq!(first, "ready\n");
    std::thread::sleep(Duration::from_millis(200));
    let t0 = Instant::now();
    for k in 0..kills {
        if k > 0 {
            std::thread::sleep(Duration::from_millis(200));
        }
        // SAFETY: sending a signal to our own child.
        unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) };
    }
    if let (Some(pipe), Some(text)) = (stdin.as_mut(), after) {
        std::thread::sleep(Duration::from_millis(200));
        // The child may be gone already (then the write fails and the test's
        // expectations tell).
        let _ = pipe.write_all(text.as_bytes());
        let _ = pipe.flush();
    }
    drop(stdin);
    let mut rest = String::new();
    out.read_to_string(&mut rest).unwrap();
    let mut err = String::new();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    let status = child.wait().unwrap();
    (rest, err, status.code().unwrap_or(-1), t0.elapsed())
}

fn last_line(s: &str) -> &str {
    s.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("")
}

#[test]
fn busy_loop_gets_keyboard_interrupt() {
    let (out, err, code, took) = interrupt("print('ready', flush=True)\ntry:\n    while True:\n        pass\nfinally:\n    print('finally ran')\n");
    assert_eq!(out, "finally ran\n", "stderr: {err}");
    assert_eq!(last_line(&err), "KeyboardInterrupt");
    assert!(err.starts_with("Traceback (most recent call last):"), "stderr: {err}");
    assert_eq!(code, 130);
    assert!(took < Duration::from_secs(2), "took {took:?}");
}

#[test]
fn sleep_is_interrupted_at_once() {
    let (out, err, code, took) = interrupt("import time\nprint('ready', flush=True)\ntry:\n    time.sleep(30)\nexcept KeyboardInterrupt:\n    print('caught')\n");
    assert_eq!(out, "caught\n", "stderr: {err}");
    assert_eq!(code, 0);
    assert!(took < Duration::from_secs(2), "took {took:?}");
}

#[test]
fn asyncio_run_cancels_the_main_task() {
    let src = "import asyncio\nasync def main():\n    print('ready', flush=True)\n    try:\n        await asyncio.sleep(30)\n    finally:\n        print('main finally')\nasyncio.run(main())\n";
    let (out, err, code, took) = interrupt(src);
    assert_eq!(out, "main finally\n", "stderr: {err}");
    assert_eq!(last_line(&err), "KeyboardInterrupt");
    assert_eq!(code, 130);
    assert!(took < Duration::from_secs(2), "took {took:?}");
}

#[test]
fn input_is_interrupted_at_once() {
    // python3: the prompt, then `fin` from the finally block; the traceback ends in
    // KeyboardInterrupt (python3 then kills itself with SIGINT: status 130 in a shell).
    let src = "print('ready', flush=True)\ntry:\n    input('p> ')\nfinally:\n    print('fin')\n";
    let (out, err, code, took) = interrupt_with(src, Some(""), 1, None);
    assert_eq!(out, "p> fin\n", "stderr: {err}");
    assert!(err.starts_with("Traceback (most recent call last):"), "stderr: {err}");
    assert!(err.contains("line 3, in <module>"), "stderr: {err}");
    assert_eq!(last_line(&err), "KeyboardInterrupt");
    assert_eq!(code, 130);
    assert!(took < Duration::from_secs(2), "took {took:?}");
}

#[test]
fn input_keeps_lines_already_read() {
    // `a` and `b` arrive in one read: `b` is kept for the second input(). The third
    // waits on the partial line `c`, which the interrupt drops (as CPython's readline
    // does); the line written after it is read next.
    let src = "a = input()\nprint('ready', flush=True)\nprint(a)\nprint(input())\ntry:\n    input('p> ')\nexcept KeyboardInterrupt:\n    print('caught')\nprint(repr(input()))\ntry:\n    input()\nexcept EOFError as e:\n    print('EOFError:', e)\n";
    let (out, err, code, _) = interrupt_with(src, Some("a\nb\nc"), 1, Some("d\n"));
    assert_eq!(out, "a\nb\np> caught\n'd'\nEOFError: EOF when reading a line\n", "stderr: {err}");
    assert_eq!(err, "");
    assert_eq!(code, 0);
}

#[test]
fn input_in_asyncio_run_cancels_then_interrupts() {
    // As CPython's `Runner._on_sigint`: the first SIGINT cancels the main task (input()
    // keeps waiting), the second raises KeyboardInterrupt at the input() call.
    let src = "import asyncio\nasync def main():\n    print('ready', flush=True)\n    try:\n        input('p> ')\n    finally:\n        print('main finally')\nasyncio.run(main())\n";
    let (out, err, code, _) = interrupt_with(src, Some(""), 2, None);
    assert_eq!(out, "p> main finally\n", "stderr: {err}");
    assert_eq!(last_line(&err), "KeyboardInterrupt");
    assert_eq!(code, 130);
}

#[test]
fn sleep_in_asyncio_run_cancels_the_main_task_first() {
    // python3: the first SIGINT cancels the main task and time.sleep goes on; the
    // cancellation arrives at the next await, and asyncio.run raises KeyboardInterrupt.
    let src = "import asyncio, time\nasync def main():\n    print('ready', flush=True)\n    try:\n        time.sleep(1)\n        print('slept')\n        await asyncio.sleep(0)\n    finally:\n        print('main finally')\nasyncio.run(main())\n";
    let (out, err, code, _) = interrupt(src);
    assert_eq!(out, "slept\nmain finally\n", "stderr: {err}");
    assert_eq!(last_line(&err), "KeyboardInterrupt");
    assert_eq!(code, 130);
}
