//! Fuzz target: the whole interpreter on arbitrary programs, with a step budget and a
//! small recursion limit. Output goes to a buffer. A program may raise anything; the
//! interpreter must not panic, overflow its stack or hang.
#![no_main]

use libfuzzer_sys::fuzz_target;

/// Words whose programs would wait on the outside world (sleeps, stdin, sockets):
/// skipped, as a step budget does not bound their wall-clock time.
const SKIP: &[&str] = &["sleep", "input", "connection", "server", "wait_for", "timeout", "call_later", "time"];

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if SKIP.iter().any(|w| text.contains(w)) {
        return;
    }
    let text = text.to_string();
    let h = std::thread::Builder::new().stack_size(1 << 30).spawn(move || {
        let out = coro::runtime::Output::Buffer(Default::default());
        let opts = coro::runtime::Options { recursion_limit: 200, max_steps: Some(20_000), ..Default::default() };
        let src = std::rc::Rc::new(coro::span::SourceFile::new("<fuzz>", text));
        coro::run_source(src, out, opts)
    });
    h.expect("spawn").join().expect("the interpreter panicked");
});
