//! Load test of the built-in event loop's TCP: `tests/load/echo_1000.coro` runs an
//! echo server and 1,000 concurrent clients on loopback, each sending 100 lines. Every
//! byte must come back, and the process's peak memory must stay bounded. The
//! connection rate the script prints is a benchmark figure, not an assertion.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Peak resident memory of a running process, in KiB (Linux `/proc`).
fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[test]
fn echo_server_1000_clients_100_lines() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/load");
    let mut child = Command::new(env!("CARGO_BIN_EXE_coro"))
        .arg("run")
        .arg("echo_1000.coro")
        .current_dir(&dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start coro");
    let pid = child.id();
    let mut stdout = child.stdout.take().expect("stdout");
    let mut stderr = child.stderr.take().expect("stderr");
    let out_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let start = Instant::now();
    let limit = Duration::from_secs(600);
    let mut peak = 0;
    let status = loop {
        if let Some(p) = peak_rss_kib(pid) {
            peak = peak.max(p);
        }
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("load test timed out after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let out = out_reader.join().unwrap_or_default();
    let err = err_reader.join().unwrap_or_default();
    println!("{out}");
    println!("peak resident memory: {} MiB", peak / 1024);
    assert!(status.success(), "load test failed ({status}):\n{out}\n{err}");
    assert!(out.contains("clients ok: 1000/1000"), "{out}\n{err}");
    assert!(out.lines().any(|l| l.starts_with("bytes sent: ") && {
        let w: Vec<&str> = l.split_whitespace().collect();
        w.len() == 5 && w[2] == w[4]
    }), "{out}");
    assert!(peak < 512 * 1024, "peak memory {peak} KiB is not bounded");
}
