//! Fuzz target: the front end (lexer, indentation pass, parser, validation, scope
//! analysis) on arbitrary bytes. Any input must give a tree or diagnostics, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    // The CLI runs the front end on a thread with a 1 GiB stack; so does this target.
    let h = std::thread::Builder::new().stack_size(1 << 30).spawn(move || {
        // As `coro check` does, but dropping the tree (the CLI leaks it on purpose, which
        // would grow the fuzzer's memory without bound).
        if let Ok(module) = coro::syntax::parse(&text, Default::default()) {
            let _ = coro::compile::scope::analyze(&module);
        }
    });
    h.expect("spawn").join().expect("the front end panicked");
});
