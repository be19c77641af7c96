//! Golden tests of the control-transfer trace: every `tests/trace/*.coro` runs with
//! `coro run --virtual-time --trace`, standard output and standard error going to one
//! pipe (so program output and trace lines interleave in program order), and must
//! print exactly the `.trace` file beside it, addresses normalised. There is no CPython
//! oracle for traces: expectations are reviewed by hand (against the notebook's labels
//! A1..A5, B1..B3 for cell 01). `CORO_BLESS=1 cargo test --release --test trace`
//! rewrites them; review the diff.

use datatest_stable::Utf8Path;
use std::process::{Command, Stdio};

mod common;
use common::normalise;

fn trace(path: &Utf8Path, _contents: String) -> datatest_stable::Result<()> {
    let dir = path.parent().unwrap();
    let exe = env!("CARGO_BIN_EXE_coro");
    let script = format!("exec '{exe}' run --virtual-time --trace '{}' 2>&1", path.file_name().unwrap());
    let out = Command::new("sh").arg("-c").arg(script).current_dir(dir).stdin(Stdio::null()).output()?;
    let got = normalise(&String::from_utf8_lossy(&out.stdout));
    let expected = path.with_extension("trace");
    if std::env::var_os("CORO_BLESS").is_some() {
        std::fs::write(&expected, &got)?;
        return Ok(());
    }
    let want = std::fs::read_to_string(&expected).map_err(|e| format!("{expected}: {e}"))?;
    if got != want {
        let (w, g): (Vec<&str>, Vec<&str>) = (want.lines().collect(), got.lines().collect());
        let i = (0..w.len().max(g.len())).find(|&i| w.get(i) != g.get(i)).unwrap_or(0);
        return Err(format!(
            "trace differs from {expected} at line {}:\n  want: {}\n  got:  {}",
            i + 1,
            w.get(i).unwrap_or(&"<none>"),
            g.get(i).unwrap_or(&"<none>")
        )
        .into());
    }
    Ok(())
}

datatest_stable::harness! {
    { test = trace, root = "tests/trace", pattern = r"\.coro$" },
}
