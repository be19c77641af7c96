//! The entries of a traceback (file line, function) and its last line, as python3 prints
//! them for the same program: re-raising (a bare `raise`, the end of a `finally`, an
//! `__exit__` that does not suppress, no `except` clause matching) adds no entry, as
//! CPython's `RERAISE`; raising a saved exception object again does. Expected entries
//! were taken from `python3 prog.py` (paths differ: CPython prints absolute ones, so only
//! the line numbers and names are compared).

use std::process::Command;

/// (name, program, expected (line, function) entries outermost first, last stderr line)
const CASES: &[(&str, &str, &[(u32, &str)], &str)] = &[
    ("bare_raise_in_except", "try:\n    raise ValueError('a')\nexcept ValueError:\n    x = 1\n    raise\n", &[(2, "<module>")], "ValueError: a"),
    ("finally_reraises", "def f():\n    try:\n        raise ValueError('b')\n    finally:\n        x = 1\nf()\n", &[(6, "<module>"), (3, "f")], "ValueError: b"),
    ("no_except_matches", "try:\n    raise ValueError('c')\nexcept KeyError:\n    pass\n", &[(2, "<module>")], "ValueError: c"),
    (
        "exit_does_not_suppress",
        "class C:\n    def __enter__(self):\n        return self\n    def __exit__(self, *a):\n        return False\nwith C():\n    x = 1\n    raise ValueError('d')\n",
        &[(8, "<module>")],
        "ValueError: d",
    ),
    (
        "raise_saved_exception_adds_entry",
        "try:\n    raise ValueError('e')\nexcept ValueError as e:\n    err = e\nx = 1\nraise err\n",
        &[(6, "<module>"), (2, "<module>")],
        "ValueError: e",
    ),
    (
        "bare_raise_of_callee_exception",
        "def g():\n    raise KeyError('f')\ndef f():\n    try:\n        g()\n    except KeyError:\n        x = 1\n        raise\nf()\n",
        &[(9, "<module>"), (5, "f"), (2, "g")],
        "KeyError: 'f'",
    ),
];

/// The `(line, function)` of each `  File "...", line N, in NAME` line.
fn entries(stderr: &str) -> Vec<(u32, String)> {
    stderr
        .lines()
        .filter_map(|l| l.strip_prefix("  File \""))
        .filter_map(|l| {
            let rest = &l[l.find("\", line ")? + 8..];
            let (n, name) = rest.split_once(", in ")?;
            Some((n.parse().ok()?, name.to_string()))
        })
        .collect()
}

#[test]
fn traceback_entries_match_python3() {
    let dir = std::env::temp_dir().join(format!("coro-tracebacks-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut failures = Vec::new();
    for (name, src, want, last) in CASES {
        let path = dir.join(format!("{name}.py"));
        std::fs::write(&path, src).unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_coro")).arg("run").arg(&path).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        let got = entries(&err);
        let want: Vec<(u32, String)> = want.iter().map(|(n, f)| (*n, f.to_string())).collect();
        if got != want || err.trim_end().lines().last() != Some(*last) || out.status.code() != Some(1) {
            failures.push(format!("{name}: got {got:?}, want {want:?}\n{err}"));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
