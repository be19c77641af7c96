//! Ctrl-C (SIGINT) during `coro run`: KeyboardInterrupt is raised where the program
//! is, so its `finally` blocks run and the traceback ends in `KeyboardInterrupt`, with
//! exit status 130, as CPython does; a long `time.sleep` is interrupted at once; inside
//! `asyncio.run` the main task is cancelled first (its `finally` runs) and the program
//! ends with KeyboardInterrupt. Expected outputs are CPython 3.11's (checked by hand
//! with `kill -INT`).

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Run `src`, wait for its first line `ready`, send SIGINT, and collect the rest.
fn interrupt(src: &str) -> (String, String, i32, Duration) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_coro"))
        .arg("-c")
        .arg(src)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    out.read_line(&mut first).unwrap();
    assert_eq!(first, "ready\n");
    std::thread::sleep(Duration::from_millis(200));
    let t0 = Instant::now();
    // SAFETY: sending a signal to our own child.
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) };
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
