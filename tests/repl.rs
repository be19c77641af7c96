//! REPL transcript tests: each `tests/repl/*.input` (and the notebook's `.input` cells
//! in `examples/notebook`) is piped into `coro repl`; stdout must equal the `.out`
//! that CPython 3.11 produced for it (`tests/repl/regen.py`), addresses normalised.
//! `tests/repl_commands/` holds transcripts of Coro's own `:` commands, reviewed by hand.

use datatest_stable::Utf8Path;
use std::io::Write;
use std::process::{Command, Stdio};

mod common;
use common::normalise;

fn transcript(path: &Utf8Path, input: String) -> datatest_stable::Result<()> {
    let want = std::fs::read_to_string(path.with_extension("out"))?;
    let mut child = Command::new(env!("CARGO_BIN_EXE_coro"))
        .arg("repl")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    child.stdin.take().unwrap().write_all(input.as_bytes())?;
    let out = child.wait_with_output()?;
    let got = String::from_utf8_lossy(&out.stdout);
    if normalise(&got) != normalise(&want) {
        return Err(format!(
            "stdout differs\n--- want\n{want}--- got\n{got}--- stderr\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    Ok(())
}

datatest_stable::harness! {
    { test = transcript, root = "tests/repl", pattern = r"\.input$" },
    { test = transcript, root = "examples/notebook", pattern = r"\.input$" },
    { test = transcript, root = "tests/repl_commands", pattern = r"\.input$" },
}
