//! The REPL in a real pseudo-terminal (rexpect): a multi-line `def` typed line by line,
//! Tab completion of an attribute, Ctrl-C during `await asyncio.sleep(10)` returning to
//! the prompt within a second with state intact (and in a busy loop that never awaits),
//! history recall with the Up arrow after a restart, and lines sent all at once (a paste
//! without bracketed paste, or typing ahead) each run at their own prompt.

use rexpect::session::{spawn_command, PtySession};
use std::process::Command;
use std::time::{Duration, Instant};

fn start(data_home: &std::path::Path) -> PtySession {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_coro"));
    cmd.env("XDG_DATA_HOME", data_home).env("TERM", "xterm-256color").env_remove("NO_COLOR");
    let mut p = spawn_command(cmd, Some(10_000)).expect("spawn coro in a pty");
    p.exp_string("Ctrl-D").expect("banner");
    p.exp_string(&fresh(">>> ")).expect("first prompt");
    p
}

/// What rustyline draws for a fresh, empty prompt: the prompt, then the cursor moved
/// to just after it (redraws of a line being typed show its text after the prompt).
fn fresh(prompt: &str) -> String {
    format!("{prompt}\r\x1b[4C")
}

/// Type one line as a user would, then wait for the next empty prompt.
fn line(p: &mut PtySession, text: &str, prompt: &str) {
    p.send_line(text).unwrap();
    p.exp_string(&fresh(prompt)).unwrap_or_else(|e| panic!("no {prompt:?} after {text:?}: {e}"));
}

#[test]
fn repl_in_a_pseudo_terminal() {
    let dir = std::env::temp_dir().join(format!("coro-pty-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut p = start(&dir);

    // A multi-line def, line by line: continuation prompts, a blank line ends it.
    line(&mut p, "def double(x):", "... ");
    line(&mut p, "    return x * 2", "... ");
    line(&mut p, "", ">>> ");
    p.send_line("double(21)").unwrap();
    p.exp_string("42").expect("the function works");
    p.exp_string(&fresh(">>> ")).unwrap();

    // Tab completes an attribute after a dot.
    line(&mut p, "class Box: pass", "... ");
    line(&mut p, "", ">>> ");
    line(&mut p, "b = Box()", ">>> ");
    line(&mut p, "b.unusual_attribute_name = 7", ">>> ");
    p.send("b.unusual_at").unwrap();
    p.send("\t").unwrap();
    p.flush().unwrap();
    std::thread::sleep(Duration::from_millis(200));
    p.send_line(" + 1").unwrap();
    p.exp_string("8").expect("Tab completed b.unusual_attribute_name");
    p.exp_string(&fresh(">>> ")).unwrap();

    // Ctrl-C also stops code that never returns to the event loop.
    line(&mut p, "n = 0", ">>> ");
    line(&mut p, "while True:", "... ");
    line(&mut p, "    n += 1", "... ");
    p.send_line("").unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let t0 = Instant::now();
    p.send_control('c').unwrap();
    p.exp_string("KeyboardInterrupt").expect("KeyboardInterrupt in a busy loop");
    p.exp_string(&fresh(">>> ")).expect("prompt back after a busy loop");
    assert!(t0.elapsed() < Duration::from_secs(1), "Ctrl-C in a busy loop took {:?}", t0.elapsed());
    p.send_line("n > 1000").unwrap();
    p.exp_string("True").expect("the loop ran, and its state is kept");
    p.exp_string(&fresh(">>> ")).unwrap();

    // Ctrl-C during a top-level await: KeyboardInterrupt, the finally ran, the
    // prompt is back within a second, and the session's state is intact.
    line(&mut p, "import asyncio", ">>> ");
    line(&mut p, "try:", "... ");
    line(&mut p, "    await asyncio.sleep(10)", "... ");
    line(&mut p, "finally:", "... ");
    line(&mut p, "    print('cleanup ran')", "... ");
    p.send_line("").unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let t0 = Instant::now();
    p.send_control('c').unwrap();
    p.exp_string("cleanup ran").expect("finally ran on Ctrl-C");
    p.exp_string("KeyboardInterrupt").expect("KeyboardInterrupt shown");
    p.exp_string(&fresh(">>> ")).expect("prompt back");
    let took = t0.elapsed();
    assert!(took < Duration::from_secs(1), "Ctrl-C took {took:?} to return to the prompt");
    p.send_line("double(5)").unwrap();
    p.exp_string("10").expect("state intact after Ctrl-C");
    p.exp_string(&fresh(">>> ")).unwrap();

    // Leave with Ctrl-D; history is saved and recalled with Up after a restart.
    p.send_control('d').unwrap();
    p.exp_eof().expect("Ctrl-D leaves");
    let mut p = start(&dir);
    line(&mut p, "double = lambda x: x * 3", ">>> ");
    p.send("\x1b[A").unwrap(); // Up: the line just typed
    p.send("\x1b[A").unwrap(); // Up again: the last line of the previous session
    p.flush().unwrap();
    std::thread::sleep(Duration::from_millis(200));
    p.send_line("").unwrap();
    p.exp_string("15").expect("Up recalled double(5) from the previous session");
    p.exp_string(&fresh(">>> ")).unwrap();

    // Several lines at once (no bracketed paste): none is lost between prompts.
    p.send("t1 = 40\rt2 = 2\rdef add(a, b):\r    return a + b\r\rprint('sum', add(t1, t2))\r").unwrap();
    p.flush().unwrap();
    p.exp_string("sum 42").expect("lines sent together all ran");
    p.exp_string(&fresh(">>> ")).unwrap();
    p.send_control('d').unwrap();
    p.exp_eof().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}
