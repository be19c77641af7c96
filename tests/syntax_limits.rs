//! Limits and robustness of the front end, through the `coro` binary: CPython's limits
//! with its messages, huge and hostile inputs that must end in one diagnostic and exit
//! status 1 quickly (no panic, no stack overflow), a 100,000-term sum that parses and
//! runs, and unreadable inputs. The big inputs are generated here, never checked in.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

/// The CPU-time budget for inputs that must fail fast. The goal is one second; these
/// inputs take about 0.3 s of CPU in a release build, and the budget leaves room for a
/// busy machine. Unoptimised builds are many times slower.
fn budget() -> Duration {
    if cfg!(debug_assertions) { Duration::from_secs(30) } else { Duration::from_secs(2) }
}

/// The budget for the 5 MB file, which both passes of the parser read to its end: about
/// 1.2 s of CPU in a release build today (4-5 MB/s; see `bench/parse_throughput.sh`).
fn big_budget() -> Duration {
    if cfg!(debug_assertions) { Duration::from_secs(60) } else { Duration::from_secs(6) }
}

/// An input size: the full one in release builds, a smaller one in unoptimised builds
/// (whose parser is many times slower), so that `cargo test` stays quick.
fn size(full: usize, debug: usize) -> usize {
    if cfg!(debug_assertions) { debug } else { full }
}

fn temp(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("coro-limits-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::File::create(&p).unwrap().write_all(bytes).unwrap();
    p
}

struct Run {
    status: i32,
    stdout: String,
    stderr: String,
    /// CPU time (user + system) of the run: the budgets are about the work the front
    /// end does, and CPU time, unlike wall time, does not grow when other processes
    /// keep the machine busy.
    took: Duration,
}

fn coro(args: &[&str]) -> Run {
    use std::io::Read;
    let mut child = Command::new(env!("CARGO_BIN_EXE_coro"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run coro");
    let mut so = child.stdout.take().unwrap();
    let mut se = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = so.read_to_end(&mut b);
        b
    });
    let mut err = Vec::new();
    let _ = se.read_to_end(&mut err);
    let out = reader.join().unwrap();
    // wait4 reaps this one child and reports its own resource usage.
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: rusage is plain data; wait4 fills it for the child we spawned.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut ru) };
    assert_eq!(r, pid, "wait4 failed");
    let tv = |t: libc::timeval| Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64);
    Run {
        status: if libc::WIFEXITED(status) { libc::WEXITSTATUS(status) } else { -1 },
        stdout: String::from_utf8_lossy(&out).into_owned(),
        stderr: String::from_utf8_lossy(&err).into_owned(),
        took: tv(ru.ru_utime) + tv(ru.ru_stime),
    }
}

fn last_line(s: &str) -> &str {
    s.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("")
}

/// `coro run` and `coro check` both fail with `want` as the last line, in time.
fn fails_with(name: &str, src: &[u8], want: &str) {
    fails_within(name, src, want, budget())
}

fn fails_within(name: &str, src: &[u8], want: &str, budget: Duration) {
    let p = temp(name, src);
    let path = p.to_str().unwrap();
    for cmd in ["run", "check"] {
        let r = coro(&[cmd, path]);
        assert_eq!(r.status, 1, "{name} ({cmd}): status {}; stderr:\n{}", r.status, r.stderr);
        assert!(r.took < budget, "{name} ({cmd}) took {:?}", r.took);
        assert!(!r.stderr.contains("panicked"), "{name} ({cmd}) panicked:\n{}", r.stderr);
        if cmd == "run" {
            assert_eq!(last_line(&r.stderr), want, "{name} ({cmd})");
        } else {
            assert!(r.stderr.contains(want), "{name} ({cmd}): no {want:?} in\n{}", r.stderr);
        }
    }
}

fn nested_parens(n: usize) -> String {
    format!("x = {}1{}\n", "(".repeat(n), ")".repeat(n))
}

fn nested_ifs(n: usize) -> String {
    let mut s = String::new();
    for i in 0..n {
        s.push_str(&" ".repeat(i));
        s.push_str("if True:\n");
    }
    s.push_str(&" ".repeat(n));
    s.push_str("pass\n");
    s
}

fn nested_loops(n: usize) -> String {
    let mut s = String::new();
    for i in 0..n {
        s.push_str(&"    ".repeat(i));
        s.push_str(if i % 2 == 0 { "for i in range(1):\n" } else { "while True:\n" });
    }
    s.push_str(&"    ".repeat(n));
    s.push_str("pass\n");
    s
}

#[test]
fn cpython_limits_with_its_messages() {
    fails_with("parens_201.coro", nested_parens(201).as_bytes(), "SyntaxError: too many nested parentheses");
    fails_with("indent_101.coro", nested_ifs(101).as_bytes(), "IndentationError: too many levels of indentation");
    fails_with("blocks_21.coro", nested_loops(21).as_bytes(), "SyntaxError: too many statically nested blocks");
}

#[test]
fn just_under_the_limits_is_fine() {
    for (name, src) in [("parens_200.coro", nested_parens(200)), ("indent_99.coro", nested_ifs(99)), ("blocks_20.coro", nested_loops(20))] {
        let p = temp(name, src.as_bytes());
        let r = coro(&["check", p.to_str().unwrap()]);
        assert_eq!(r.status, 0, "{name}: {}", r.stderr);
    }
}

#[test]
fn ten_thousand_nested_brackets_and_blocks() {
    fails_with("parens_10000.coro", nested_parens(10_000).as_bytes(), "SyntaxError: too many nested parentheses");
    let brackets = format!("x = {}\n", "[".repeat(10_000));
    fails_with("brackets_10000.coro", brackets.as_bytes(), "SyntaxError: too many nested parentheses");
    // 10,000 levels of one-space indentation is a 50 MB file.
    let n = size(10_000, 1_000);
    fails_with("indent_10000.coro", nested_ifs(n).as_bytes(), "IndentationError: too many levels of indentation");
    let mut tabs = String::new();
    for i in 0..n {
        tabs.push_str(&"\t".repeat(i));
        tabs.push_str("while x:\n");
    }
    fails_with("tabs_10000.coro", tabs.as_bytes(), "IndentationError: too many levels of indentation");
}

/// Brackets nested 190 deep with an error at the innermost level: every level is parsed
/// a bounded number of times also when the parse fails (an alternative that re-parsed
/// its bracket would double the work per level).
#[test]
fn nested_brackets_with_an_error_inside() {
    for (i, (open, close)) in [("(", ")"), ("[", "]"), ("{", "}"), ("x[", "]"), ("-(", ")"), ("(x)**(", ")")].iter().enumerate() {
        let src = format!("x = {}1 +{}\n", open.repeat(190), close.repeat(190));
        fails_with(&format!("nested_error_{i}.coro"), src.as_bytes(), "SyntaxError: invalid syntax");
    }
}

/// Calls nested 190 deep with an error in the innermost argument, and conditional
/// expressions nested past the bracket limit: the second pass's alternatives re-parse
/// an argument once per rule they try, so without its fuel limit (`parser::fuel`) the
/// work doubled per level (minutes at this depth). CPython's messages, in time.
#[test]
fn nested_calls_with_an_error_inside() {
    for (i, open) in ["f(", "f(a, ", "g(k=1, *"].iter().enumerate() {
        let src = format!("x = {}1 +{}\n", open.repeat(190), ")".repeat(190));
        fails_with(&format!("nested_call_error_{i}.coro"), src.as_bytes(), "SyntaxError: invalid syntax");
    }
    let src = format!("y = {}1{}\n", "(x if ".repeat(250), " else 1)".repeat(250));
    fails_with("nested_conditional_250.coro", src.as_bytes(), "SyntaxError: too many nested parentheses");
}

/// The same nesting, 190 deep, around a mistake the second pass names: it parses each
/// argument and each condition once and decides on the token after it, so CPython's
/// specialised message comes in time at any depth (the fuel is only a backstop).
#[test]
fn nested_calls_keep_specialised_messages() {
    let cases = [
        ("f(", "True = 1", ")", "SyntaxError: cannot assign to True"),
        ("f(a, ", "a.b = 1", ")", "SyntaxError: expression cannot contain assignment, perhaps you meant \"==\"?"),
        ("f(", "a=x for x in y", ")", "SyntaxError: invalid syntax. Maybe you meant '==' or ':=' instead of '='?"),
        ("f(k=", "a b", ")", "SyntaxError: invalid syntax. Perhaps you forgot a comma?"),
        ("f(a := ", "a b", ")", "SyntaxError: invalid syntax. Perhaps you forgot a comma?"),
        ("f(", "a if b", ")", "SyntaxError: expected 'else' after 'if' expression"),
        ("(x if ", "a b", " else 1)", "SyntaxError: expected 'else' after 'if' expression"),
    ];
    for (i, (open, core, close, want)) in cases.iter().enumerate() {
        let src = format!("x = {}{core}{}\n", open.repeat(190), close.repeat(190));
        fails_with(&format!("nested_specialised_{i}.coro"), src.as_bytes(), want);
    }
}

/// A large valid body with one error at the very end (so both passes read it all).
#[test]
fn five_megabytes_with_an_error_at_the_end() {
    let chunk = "def f(a, b=2, *c, **d):\n    return [x * a + b for x in range(10) if x % 3] or {'k': (a, b)}\n\n";
    let mut src = String::new();
    while src.len() < size(5_000_000, 200_000) {
        src.push_str(chunk);
    }
    src.push_str("y = = 1\n");
    fails_within("five_mb.coro", src.as_bytes(), "SyntaxError: invalid syntax", big_budget());
}

/// A small deterministic generator, so failures reproduce.
fn xorshift(seed: &mut u64) -> u64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    *seed
}

#[test]
fn random_bytes() {
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    for round in 0..4 {
        let bytes: Vec<u8> = (0..100_000).map(|_| xorshift(&mut seed) as u8).collect();
        let p = temp(&format!("random_{round}.coro"), &bytes);
        let r = coro(&["check", p.to_str().unwrap()]);
        assert_eq!(r.status, 1);
        assert!(r.took < budget(), "took {:?}", r.took);
        assert_eq!(r.stderr.lines().count(), 1, "one line for non-UTF-8 input:\n{}", r.stderr);
        assert!(r.stderr.contains("not valid UTF-8"), "{}", r.stderr);
    }
    // Random printable text is UTF-8: a list of at most 20 diagnostics, no panic.
    let alphabet = b" \t\n\n\n()[]{}:;.,=+-*/%<>!\"'#\\abcxyz019_ ifdefor";
    for round in 0..4 {
        let text: Vec<u8> = (0..size(200_000, 20_000)).map(|_| alphabet[(xorshift(&mut seed) % alphabet.len() as u64) as usize]).collect();
        let p = temp(&format!("random_text_{round}.coro"), &text);
        for cmd in ["check", "run"] {
            let r = coro(&[cmd, p.to_str().unwrap()]);
            assert_eq!(r.status, 1, "{cmd}: {}", r.stderr);
            assert!(r.took < budget(), "{cmd} took {:?}", r.took);
            assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
            let heads = ["SyntaxError: ", "IndentationError: ", "TabError: "];
            let reports = r.stderr.lines().filter(|l| heads.iter().any(|h| l.starts_with(h))).count();
            assert!((1..=20).contains(&reports), "{cmd}: {reports} reports");
            if cmd == "run" {
                assert_eq!(reports, 1);
            }
        }
    }
}

#[test]
fn hundred_thousand_term_sum_parses_and_runs() {
    let mut src = String::from("x = 1");
    for _ in 1..100_000 {
        src.push_str("+1");
    }
    src.push_str("\nprint(x)\n");
    let p = temp("sum.coro", src.as_bytes());
    let r = coro(&["check", p.to_str().unwrap()]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let r = coro(&["run", p.to_str().unwrap()]);
    assert_eq!((r.status, r.stdout.as_str()), (0, "100000\n"), "{}", r.stderr);
}

#[test]
fn unreadable_inputs_give_one_line() {
    let dir = std::env::temp_dir();
    let missing = dir.join("coro-no-such-file.coro");
    let bad = temp("latin1.coro", b"x = '\xe9'\n");
    for path in [missing.to_str().unwrap(), dir.to_str().unwrap(), bad.to_str().unwrap()] {
        for cmd in ["check", "run", "parse"] {
            let r = coro(&[cmd, path]);
            assert_eq!(r.status, 1, "{cmd} {path}");
            assert_eq!(r.stderr.lines().count(), 1, "{cmd} {path}:\n{}", r.stderr);
        }
    }
}

/// The body of a function with `n` locals `v0`..`v{n-1}` (each assigned).
fn many_locals(n: usize) -> String {
    (0..n).map(|i| format!("    v{i} = {i}\n")).collect()
}

/// A frame counts its locals in 16 bits (`eval::localvec::MAX_LOCALS`, 32,767 slots,
/// comprehension results included): a function at the limit runs (its locals spill to a
/// heap buffer that grows to exactly the limit), one slot more is a `SyntaxError` with
/// a clear message at compile time, never a panic or a wrapped count. CPython has no
/// such limit (a deviation for absurd functions only); `coro check` does not lower the
/// code, so only `run` reports it.
#[test]
fn local_slot_limit() {
    let max = 32_767;
    // At the limit: a plain function, and a generator parked and resumed with its
    // locals alive.
    let body = many_locals(max);
    let last = max - 1;
    let src = format!("def f():\n{body}    return v{last}\n\ndef g():\n{body}    yield v0\n    yield v{last}\n\nprint(f())\nit = g()\nprint(next(it), next(it))\n");
    let p = temp("locals_max.coro", src.as_bytes());
    let r = coro(&["run", p.to_str().unwrap()]);
    assert_eq!((r.status, r.stdout.as_str()), (0, "32766\n0 32766\n"), "{}", r.stderr);
    // One more.
    let src = format!("print('not run')\n\ndef f():\n{}    return 1\n", many_locals(max + 1));
    let p = temp("locals_over.coro", src.as_bytes());
    let r = coro(&["run", p.to_str().unwrap()]);
    assert_eq!((r.status, r.stdout.as_str()), (1, ""), "{}", r.stderr);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    let want = format!("SyntaxError: too many local variables in 'f' ({}; at most {max})", max + 1);
    assert_eq!(last_line(&r.stderr), want);
    // The hidden slot of a list comprehension's result counts too: a comprehension
    // has its iterator's slot (`.0`), its target's names (here one fewer than the
    // limit) and the result's slot: one slot more than the limit.
    let names: Vec<String> = (0..max - 1).map(|i| format!("a{i}")).collect();
    let names = format!("[0 for ({}) in ()]", names.join(", "));
    let src = format!("def h():\n    return {names}\n\nprint(h())\n");
    let p = temp("locals_comp.coro", src.as_bytes());
    let r = coro(&["run", p.to_str().unwrap()]);
    assert_eq!(r.status, 1, "{}", r.stderr);
    let want = format!("SyntaxError: too many local variables in 'h.<locals>.<listcomp>' ({}; at most {max})", max + 1);
    assert_eq!(last_line(&r.stderr), want);
}
