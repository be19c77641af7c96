//! Micro-benchmarks for the hot paths of the front end and the evaluator.
//!
//! Run with `cargo bench --bench micro` (add a name filter to run one group, e.g.
//! `cargo bench --bench micro -- eval::generator_resume`). See bench/README.md.
//!
//! The `eval` benchmarks run a small script through the library API (`coro::run_in`
//! on a fresh `Runtime` writing to `Output::Buffer`); the runtime is built outside
//! the timed region, so each sample times compiling the script (tiny) and running its
//! loop of `N` operations. Throughput is reported per operation; compare with
//! `eval::loop_baseline` (the same loop doing nothing) to see the cost of the
//! operation itself.

use coro::runtime::{Options, Output, Runtime};
use coro::span::SourceFile;
use divan::counter::{BytesCount, ItemsCount};
use divan::Bencher;
use std::cell::RefCell;
use std::rc::Rc;

fn main() {
    divan::main();
}

/// Operations per script run in the `eval` benchmarks.
const N: usize = 20_000;

/// A fresh runtime whose `print` writes to a buffer.
fn runtime() -> Runtime {
    Runtime::new(Output::Buffer(Rc::new(RefCell::new(Vec::new()))), Options::default())
}

/// Run `script` once outside the measurement and check that it succeeds, so a
/// benchmark never silently times an early exception.
fn checked(name: &str, script: &str) -> Rc<SourceFile> {
    let source = Rc::new(SourceFile::new(format!("<bench {name}>"), script.replace("{N}", &N.to_string())));
    let buf = Rc::new(RefCell::new(Vec::new()));
    let status = coro::run_source(source.clone(), Output::Buffer(buf.clone()), Options::default());
    assert_eq!(status, 0, "benchmark script {name} failed");
    assert!(!buf.borrow().is_empty(), "benchmark script {name} printed nothing");
    source
}

fn bench_script(bencher: Bencher, name: &str, script: &str) {
    let source = checked(name, script);
    bencher
        .counter(ItemsCount::new(N))
        .with_inputs(runtime)
        .bench_local_refs(|rt| coro::run_in(rt, source.clone()));
}

mod eval {
    use super::*;

    /// The loop alone: `for i in range(N): pass` inside a function.
    #[divan::bench(max_time = 3)]
    fn loop_baseline(b: Bencher) {
        bench_script(b, "loop_baseline", "def main():\n    for i in range({N}):\n        pass\n    print(i)\nmain()\n");
    }

    /// Frame push/pop: calling an empty function.
    #[divan::bench(max_time = 3)]
    fn frame_push_pop(b: Bencher) {
        bench_script(
            b,
            "frame_push_pop",
            "def f():\n    pass\n\ndef main():\n    for i in range({N}):\n        f()\n    print(i)\nmain()\n",
        );
    }

    /// Generator resume: `next()` on a suspended generator.
    #[divan::bench(max_time = 3)]
    fn generator_resume(b: Bencher) {
        bench_script(
            b,
            "generator_resume",
            "def gen():\n    while True:\n        yield 1\n\n\
             def main():\n    g = gen()\n    t = 0\n    for i in range({N}):\n        t += next(g)\n    print(t)\nmain()\n",
        );
    }

    /// Attribute lookup: two instance attributes, one class attribute and a bound method call per iteration.
    #[divan::bench(max_time = 3)]
    fn attribute_lookup(b: Bencher) {
        bench_script(
            b,
            "attribute_lookup",
            "class P:\n    K = 3\n    def __init__(self):\n        self.x = 1\n        self.y = 2\n    def m(self):\n        return self.x\n\n\
             def main():\n    p = P()\n    t = 0\n    for i in range({N}):\n        t += p.x + p.y + p.K + p.m()\n    print(t)\nmain()\n",
        );
    }

    /// Integer arithmetic on locals: multiply, add, modulo, compare.
    #[divan::bench(max_time = 3)]
    fn int_arithmetic(b: Bencher) {
        bench_script(
            b,
            "int_arithmetic",
            "def main():\n    x = 1\n    for i in range({N}):\n        x = (x * 31 + i) % 1000003\n        if x < 17:\n            x += 1\n    print(x)\nmain()\n",
        );
    }
}

/// A generated module of about `units` function/class/async units (~500 bytes each).
fn generated_source(units: usize) -> String {
    let mut s = String::from("import asyncio\n\n");
    for n in 0..units {
        let unit = match n % 4 {
            0 => format!(
                "def compute_{n}(values, limit={n}, *, scale=2):\n    total = 0\n    for i, v in enumerate(values):\n        if v < limit and i % 3 != 1:\n            total += v * scale - (i // 2)\n        else:\n            continue\n    return total\n\n\n"
            ),
            1 => format!(
                "class Record{n}(Base):\n    kind = \"record-{n}\"\n\n    def __init__(self, name, size=0):\n        super().__init__()\n        self.name = name\n        self.size = size\n\n    def __repr__(self):\n        return f\"Record{n}({{self.name!r}}, size={{self.size:>6}})\"\n\n\n"
            ),
            2 => format!(
                "async def fetch_{n}(session, urls):\n    results = {{}}\n    for url in urls:\n        try:\n            async with session.get(url) as response:\n                results[url] = await response.text()\n        except (TimeoutError, ConnectionError) as err:\n            await asyncio.sleep(0.01)\n    return results\n\n\n"
            ),
            _ => format!(
                "TABLE_{n} = {{\"id\": {n}, \"name\": 'unit_{n}', \"pairs\": [(a, b) for a in range(5) for b in range(a) if (a + b) & 1]}}\nWORDS_{n} = sorted(set(\"alpha beta {n}\".split()), key=lambda w: (-len(w), w))\n\n\n"
            ),
        };
        s.push_str(&unit);
    }
    s
}

mod front_end {
    use super::*;

    /// Lexing (logos tokens, the indentation pass, literal decoding) of ~100 KB.
    #[divan::bench(max_time = 3)]
    fn lexer(b: Bencher) {
        let src = generated_source(250);
        assert!(coro::syntax::lexer::lex(&src).errors.is_empty());
        b.counter(BytesCount::of_str(&src)).bench_local(|| coro::syntax::lexer::lex(divan::black_box(&src)));
    }

    /// Parsing (lexing, then the parser to an AST) of ~100 KB.
    #[divan::bench(max_time = 3)]
    fn parser(b: Bencher) {
        let src = generated_source(250);
        assert!(coro::syntax::parse_module(&src).is_ok());
        b.counter(BytesCount::of_str(&src)).bench_local(|| coro::syntax::parse_module(divan::black_box(&src)));
    }

    /// The whole front end as `coro check` runs it: lex, parse and validate.
    #[divan::bench(max_time = 3)]
    fn parse_and_validate(b: Bencher) {
        let src = generated_source(250);
        assert!(coro::syntax::parse(&src, Default::default()).is_ok());
        b.counter(BytesCount::of_str(&src)).bench_local(|| coro::syntax::parse(divan::black_box(&src), Default::default()));
    }
}
