//! What the REPL reports for exceptions that escape an input: the exception lines of
//! each traceback on stderr (the transcripts in `tests/repl` compare stdout only).
//! Expected lines are those `python3 -m asyncio` prints for the same input (checked
//! with CPython 3.11.7): an input without `await` runs as plain code, so a
//! `StopIteration` escaping it is reported as itself; an input with `await` is a
//! coroutine, where PEP 479 turns it into a `RuntimeError`, as in any coroutine.

mod common;

/// The lines of a traceback that name an exception (not the header, the entries or
/// the chaining sentences).
fn exception_lines(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with(' ') && !l.starts_with("Traceback") && !l.starts_with("The above") && !l.starts_with("During handling"))
        .collect()
}

#[test]
fn stop_iteration_escaping_inputs() {
    let input = "def g():\n    x = yield 1\n\nit = g(); next(it)\nit.send(5)\nraise StopIteration(3)\n\
                 def h():\n    yield next(iter([]))\n\nnext(h())\nimport asyncio\n\
                 await asyncio.sleep(0); raise StopIteration\n1+1\n";
    let out = common::run_repl(input);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "1\n2\n");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        exception_lines(&err),
        [
            "StopIteration",
            "StopIteration: 3",
            "StopIteration",
            "RuntimeError: generator raised StopIteration",
            "StopIteration",
            "RuntimeError: coroutine raised StopIteration",
        ],
        "stderr was:\n{err}"
    );
}
