//! Heap frames, proven: script recursion far deeper than any Rust stack completes when
//! the recursion limit allows it, a deep recursion under the default limit is a clean
//! `RecursionError`, and a 10,000-deep `yield from` chain passes values both ways.
//! Expected outputs are CPython 3.11's (with `sys.setrecursionlimit` raised where
//! CPython needs it; Coro takes `--recursion-limit`).

use std::process::Command;

fn coro(args: &[&str], src: &str) -> (String, String, i32) {
    let out = Command::new(env!("CARGO_BIN_EXE_coro")).args(args).arg("-c").arg(src).output().unwrap();
    (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned(), out.status.code().unwrap_or(-1))
}

const RECURSE: &str = "def depth(n):\n    if n == 0:\n        return 0\n    return depth(n - 1) + 1\n";

#[test]
fn two_hundred_thousand_deep_recursion_completes() {
    let (out, err, code) = coro(&["--recursion-limit", "1000000"], &format!("{RECURSE}print(depth(200000))\n"));
    assert_eq!((out.as_str(), code), ("200000\n", 0), "stderr: {err}");
}

#[test]
fn deep_recursion_under_the_default_limit_is_a_recursion_error() {
    let (out, err, code) = coro(&[], &format!("{RECURSE}print(depth(100000))\n"));
    assert_eq!(out, "");
    assert_eq!(code, 1);
    assert_eq!(err.trim_end().lines().last(), Some("RecursionError: maximum recursion depth exceeded"), "stderr: {err}");
    // The traceback is CPython's, repeated lines folded.
    assert!(err.contains("[Previous line repeated"), "stderr: {err}");
}

/// Run `body` with `N = 20000`: under `--recursion-limit 100000` it prints `expected`;
/// under the default limit it ends with RecursionError, exit status 1. (The expected
/// outputs are CPython 3.11's with sys.setrecursionlimit(200000), run in a thread with a
/// 1 GiB stack: on its default stack CPython overflows the C stack.)
fn assert_deep_recursion(body: &str, expected: &str) {
    let src = format!("N = 20000\n{body}");
    let (out, err, code) = coro(&["--recursion-limit", "100000"], &src);
    assert_eq!((out.as_str(), code), (expected, 0), "stderr: {err}");
    let (out, err, code) = coro(&[], &src);
    assert_eq!((out.as_str(), code), ("", 1));
    assert_eq!(err.trim_end().lines().last(), Some("RecursionError: maximum recursion depth exceeded"), "stderr: {err}");
}

const CHAIN: &str = r#"
def leaf():
    total = 0
    while True:
        x = yield total
        if x is None:
            return total
        total += x

def chain(n):
    if n == 0:
        return (yield from leaf())
    return (yield from chain(n - 1))

g = chain(10_000)
print(next(g))
for v in (1, 2, 3, 4):
    print(g.send(v))
try:
    g.send(None)
except StopIteration as e:
    print("returned", e.value)
g = chain(10_000)
next(g)
try:
    g.throw(ValueError("deep"))
except ValueError as e:
    print("thrown back out:", e)
"#;

#[test]
fn ten_thousand_deep_yield_from_chain_both_ways() {
    let (out, err, code) = coro(&["--recursion-limit", "50000"], CHAIN);
    assert_eq!(out, "0\n1\n3\n6\n10\nreturned 10\nthrown back out: deep\n", "stderr: {err}");
    assert_eq!(code, 0);
}

/// Recursion through operator dunders: each `__add__`, `__radd__`, `__iadd__`, `__eq__`,
/// `__ne__`-through-`__eq__` and `__lt__` is a frame of the one driver run, so it goes as
/// deep as the recursion limit allows (nested Rust runs would stop at a few thousand).
const DUNDERS: &str = r#"
class A:
    def __init__(s, n): s.n = n
    def __add__(s, o):
        return 0 if s.n == 0 else (A(s.n - 1) + o) + 1
    def __radd__(s, o):
        return 0 if s.n == 0 else (o + A(s.n - 1)) + 1
    def __iadd__(s, o):
        if s.n == 0:
            return 0
        x = A(s.n - 1)
        x += o
        return x + 1
class R:
    def __init__(s, n): s.n = n
    def __eq__(s, o):
        return True if s.n == 0 else R(s.n - 1) == o
    def __lt__(s, o):
        return s.n if s.n == 0 else R(s.n - 1) < o
class Q:
    def __init__(s, n): s.n = n
    def __eq__(s, o):
        return s.n == 0 or Q(s.n - 1) != o
x = A(N)
x += 1
print(A(N) + 1, 1 + A(N), x)
print(R(N) == R(1), R(N) < 5, R(N) < 3 < 4, Q(N) != Q(1))
"#;

#[test]
fn recursion_through_operator_dunders_reaches_the_recursion_limit() {
    assert_deep_recursion(DUNDERS, "20000 20000 20000\nTrue 0 0 False\n");
}

/// Recursion through `__getitem__`, `__setitem__`, `__delitem__`, `__neg__`,
/// `__contains__` and a `property` getter, each reached from the evaluator.
const ITEM_DUNDERS: &str = r#"
class T:
    def __init__(s, n): s.n = n
    def __getitem__(s, k): return 0 if s.n == 0 else T(s.n - 1)[k] + 1
    def __setitem__(s, k, v):
        if s.n: T(s.n - 1)[k] = v + 1
        else: seen.append(v)
    def __delitem__(s, k):
        if s.n: del T(s.n - 1)[k]
        else: seen.append("del")
    def __neg__(s): return 0 if s.n == 0 else -T(s.n - 1) + 1
    def __contains__(s, x): return True if s.n == 0 else x in T(s.n - 1)
    @property
    def depth(s): return 0 if s.n == 0 else T(s.n - 1).depth + 1
seen = []
t = T(N)
t["k"] = 0
del t["k"]
print(t[0], -t, 5 in t, 5 not in t, t.depth, seen)
"#;

#[test]
fn recursion_through_item_and_attribute_dunders_reaches_the_recursion_limit() {
    assert_deep_recursion(ITEM_DUNDERS, "20000 20000 True False 20000 [20000, 'del']\n");
}

/// Built-ins that call back into script code (`repr`, `str`, `len`, `hash`, truth
/// tests through `__bool__`, a dict lookup through `__eq__`): recursion through them
/// also ends only at the recursion limit (their nested runs grow the Rust stack on the
/// heap), and closing a 10,000-deep `yield from` chain runs the innermost `finally`.
const CALLBACKS: &str = r#"
class T:
    def __init__(s, n): s.n = n
    def __repr__(s): return "x" if s.n == 0 else repr(T(s.n - 1))
    def __str__(s): return "y" if s.n == 0 else str(T(s.n - 1))
    def __len__(s): return 0 if s.n == 0 else len(T(s.n - 1)) + 1
    def __hash__(s): return 0 if s.n == 0 else hash(T(s.n - 1)) + 1
    def __bool__(s): return True if s.n == 0 else not not T(s.n - 1)
print(repr(T(N)), str(T(N)), len(T(N)), hash(T(N)), bool(T(N)))
def leaf():
    try:
        yield 1
    finally:
        print("leaf closed")
def chain(n):
    if n == 0:
        return (yield from leaf())
    return (yield from chain(n - 1))
g = chain(N // 2)
next(g)
g.close()
"#;

#[test]
fn recursion_through_builtins_calling_back_reaches_the_recursion_limit() {
    assert_deep_recursion(CALLBACKS, "x y 20000 20000 True\nleaf closed\n");
}
