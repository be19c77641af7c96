//! Golden tests: every `*.coro` under `tests/cases`, `tests/syntax` and `examples` is
//! run with the `coro` binary and compared with the expectations CPython 3.11 produced
//! (`tests/regen`): stdout byte for byte (addresses normalised), and for failing
//! programs the exit status and the last line of stderr.
//!
//! `CORO_BIN=path` runs another build of `coro` over the same cases (for example the
//! profile-guided one from `bench/pgo-build`) instead of the one cargo just built.

use datatest_stable::Utf8Path;
use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod common;
use common::normalise;

/// The binary under test: `CORO_BIN` if set (made absolute, as cases run in their own
/// directory), else the one cargo built.
fn coro_bin() -> std::path::PathBuf {
    match std::env::var_os("CORO_BIN") {
        Some(p) => std::path::absolute(p).expect("CORO_BIN names a path"),
        None => env!("CARGO_BIN_EXE_coro").into(),
    }
}

/// Run the binary on a file, with a time limit.
fn run(path: &Utf8Path, limit: Duration) -> Result<(Vec<u8>, String, i32), String> {
    let dir = path.parent().unwrap();
    let mut child = Command::new(coro_bin())
        .arg("run")
        .arg(path.file_name().unwrap())
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start coro: {e}"))?;
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = stdout.read_to_end(&mut v);
        v
    });
    let err_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = stderr.read_to_end(&mut v);
        v
    });
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().map_err(|e| e.to_string())? {
            break s;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("timed out after {limit:?}"));
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let out = out_reader.join().unwrap();
    let err = String::from_utf8_lossy(&err_reader.join().unwrap()).into_owned();
    Ok((out, err, status.code().unwrap_or(-1)))
}

fn golden(path: &Utf8Path) -> datatest_stable::Result<()> {
    let expected_out = std::fs::read(path.with_extension("out")).unwrap_or_default();
    let expected_err = std::fs::read_to_string(path.with_extension("err")).ok();
    let (out, err, code) = run(path, Duration::from_secs(60))?;
    let got = normalise(&String::from_utf8_lossy(&out));
    let want = normalise(&String::from_utf8_lossy(&expected_out));
    let mut problems = Vec::new();
    if got != want {
        let diff = similar_diff(&want, &got);
        problems.push(format!("stdout differs:\n{diff}"));
    }
    let last_err = err.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("").to_string();
    match &expected_err {
        Some(e) => {
            let mut lines = e.lines();
            let want_code: i32 = lines.next().and_then(|l| l.trim().parse().ok()).unwrap_or(1);
            let want_last = lines.next().unwrap_or("");
            if code != want_code {
                problems.push(format!("exit status {code}, expected {want_code}"));
            }
            if normalise(&last_err) != normalise(want_last) {
                problems.push(format!("last stderr line:\n  got:  {last_err}\n  want: {want_last}"));
            }
        }
        None => {
            if code != 0 {
                problems.push(format!("exit status {code}, expected 0; stderr:\n{}", tail(&err, 12)));
            }
        }
    }
    if problems.is_empty() { Ok(()) } else { Err(problems.join("\n").into()) }
}

fn tail(s: &str, n: usize) -> String {
    let lines: Vec<&str> = s.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

fn similar_diff(want: &str, got: &str) -> String {
    let w: Vec<&str> = want.lines().collect();
    let g: Vec<&str> = got.lines().collect();
    let mut out = String::new();
    let n = w.len().max(g.len());
    let mut shown = 0;
    for i in 0..n {
        let (a, b) = (w.get(i).copied(), g.get(i).copied());
        if a != b {
            out.push_str(&format!("  line {}:\n    want: {}\n    got:  {}\n", i + 1, a.unwrap_or("<none>"), b.unwrap_or("<none>")));
            shown += 1;
            if shown >= 5 {
                out.push_str("  ...\n");
                break;
            }
        }
    }
    if want.ends_with('\n') != got.ends_with('\n') {
        out.push_str("  (trailing newline differs)\n");
    }
    out
}

fn golden_test(path: &Utf8Path, _contents: String) -> datatest_stable::Result<()> {
    golden(path)
}

datatest_stable::harness! {
    { test = golden_test, root = "tests/cases", pattern = r"\.coro$" },
    { test = golden_test, root = "tests/syntax", pattern = r"\.coro$" },
    { test = golden_test, root = "examples", pattern = r"\.coro$" },
}
