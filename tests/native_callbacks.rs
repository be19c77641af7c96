//! Built-ins that call back into script code run as native tasks on the driver's stack
//! (`eval::native::Task`), not as nested runs of the driver: recursion through
//! `sorted(key=)`, `min`/`max(key=)`, `list.sort(key=)`, `map`, `filter`, generators
//! consumed by `sum`/`any`/`all`/`list`/`tuple`/`set`/`dict`/`str.join`/`enumerate`/`zip`,
//! and user iterators goes 20,000 deep with `--recursion-limit 100000` (nested runs
//! stopped at 3,000), and the default limit still gives `RecursionError`. Expected
//! outputs are CPython 3.11's, run in a thread with `threading.stack_size(1 << 30)` and
//! `sys.setrecursionlimit(400000)`.

use std::process::Command;

fn coro(args: &[&str], src: &str) -> (String, String, i32) {
    let out = Command::new(env!("CARGO_BIN_EXE_coro")).args(args).arg("-c").arg(src).output().unwrap();
    (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned(), out.status.code().unwrap_or(-1))
}

/// (name, program, CPython's output)
const DEEP: &[(&str, &str, &str)] = &[
    ("sum_genexpr", "def f(n):\n    return 0 if n == 0 else 1 + sum(f(n - 1) for _ in (0,))\nprint(f(20000))\n", "20000\n"),
    ("sorted_key", "def f(n):\n    return 0 if n == 0 else 1 + sorted([n], key=lambda x: f(x - 1))[0] - n + f(0)\nprint(f(20000))\n", "1\n"),
    ("list_sort_key", "depth = [0]\ndef f(n):\n    depth[0] = max(depth[0], n)\n    xs = [n, n + 1]\n    if n < 20000:\n        xs.sort(key=lambda x: f(n + 1) if x == n else -1)\n    return xs[0]\nprint(f(0), depth[0])\n", "1 20000\n"),
    ("min_max_key", "def f(n):\n    if n == 0:\n        return 0\n    return min([n], key=lambda x: f(x - 1)) - n + 1 + max([0], key=lambda x: 0) + f(0)\nprint(f(20000))\n", "1\n"),
    ("min_generator", "def f(n):\n    return 0 if n == 0 else max(f(n - 1) + 1 for _ in (0,))\nprint(f(20000))\n", "20000\n"),
    ("map_list", "def f(n):\n    return 0 if n == 0 else list(map(f, [n - 1]))[0] + 1\nprint(f(20000))\n", "20000\n"),
    ("map_for", "def f(n):\n    if n == 0:\n        return 0\n    for v in map(f, [n - 1]):\n        return v + 1\nprint(f(20000))\n", "20000\n"),
    ("filter_comprehension", "def f(n):\n    return 0 if n == 0 else [x for x in filter(lambda x: f(x - 1) >= 0, [n])][0] - n + 1 + f(0)\nprint(f(20000))\n", "1\n"),
    ("any_all", "def f(n):\n    return n == 0 or (any(f(k) for k in (n - 1,)) if n % 2 else all(f(k) for k in (n - 1,)))\nprint(f(20000))\n", "True\n"),
    ("join_genexpr", "def f(n):\n    return '' if n == 0 else ''.join(f(k) for k in (n - 1,)) + ('x' if n % 1000 == 0 else '')\nprint(f(20000))\n", "xxxxxxxxxxxxxxxxxxxx\n"),
    ("list_tuple_set_dict", "def f(n):\n    if n == 0:\n        return 0\n    k = n % 4\n    if k == 0: return list(f(n - 1) + 1 for _ in (0,))[0]\n    if k == 1: return tuple(f(n - 1) + 1 for _ in (0,))[0]\n    if k == 2: return set(f(n - 1) + 1 for _ in (0,)).pop()\n    return dict((f(n - 1) + 1, 0) for _ in (0,)).popitem()[0]\nprint(f(20000))\n", "20000\n"),
    ("enumerate_zip", "def f(n):\n    if n == 0:\n        return 0\n    if n % 2:\n        for i, v in enumerate(f(n - 1) for _ in (0,)):\n            return v + 1\n    return list(zip('a', (f(n - 1) for _ in (0,))))[0][1] + 1\nprint(f(20000))\n", "20000\n"),
    ("user_iterator", "class It:\n    def __init__(self, n):\n        self.n = n\n    def __iter__(self):\n        return self\n    def __next__(self):\n        if self.n is None:\n            raise StopIteration\n        n, self.n = self.n, None\n        return 0 if n == 0 else sum(It(n - 1)) + 1\nprint(sum(It(20000)))\n", "20000\n"),
];

#[test]
fn recursion_through_callback_builtins_reaches_the_recursion_limit() {
    let mut failed = Vec::new();
    for (name, src, want) in DEEP {
        let (out, err, code) = coro(&["--recursion-limit", "100000"], src);
        if (out.as_str(), code) != (*want, 0) {
            failed.push(format!("{name}: status {code}, stdout {out:?}, want {want:?}; stderr: {}", err.lines().last().unwrap_or("")));
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

#[test]
fn the_default_limit_gives_recursion_error_through_callback_builtins() {
    let mut failed = Vec::new();
    for (name, src, _) in DEEP {
        let (out, err, code) = coro(&[], src);
        let last = err.trim_end().lines().last().unwrap_or("");
        if !(out.is_empty() && code == 1 && last == "RecursionError: maximum recursion depth exceeded") {
            failed.push(format!("{name}: status {code}, stdout {out:?}, last stderr line {last:?}"));
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

/// An exception raised in a key function, called by `sorted` in a function called by
/// a generator consumed by `sum`, in a function called by `map` consumed by `list`:
/// CPython's traceback, with no lines for the built-ins (CPython also underlines the
/// expression, which Coro does not).
const TRACEBACK: &str = "def key(x):\n    return 1 // (x - 2)\n\ndef g(n):\n    return sorted(range(n), key=key)\n\ndef h(xs):\n    return sum(len(g(x)) for x in xs)\n\nprint(list(map(h, [[1], [3]])))\n";

#[test]
fn tracebacks_through_tasks_show_only_script_frames() {
    let (out, err, code) = coro(&[], TRACEBACK);
    assert_eq!((out.as_str(), code), ("", 1));
    let want = "Traceback (most recent call last):
  File \"<string>\", line 10, in <module>
  File \"<string>\", line 8, in h
  File \"<string>\", line 8, in <genexpr>
  File \"<string>\", line 5, in g
  File \"<string>\", line 2, in key
ZeroDivisionError: integer division or modulo by zero
";
    let got: String = err.lines().filter(|l| !l.starts_with("    ")).map(|l| format!("{l}\n")).collect();
    assert_eq!(got, want, "stderr: {err}");
}
