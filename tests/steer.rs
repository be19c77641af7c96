//! Steering the loop from the command line: `--virtual-time` (an hour of sleeps in
//! well under a second, with CPython's output), `--schedule-seed` (same seed, same
//! output), `--explore` (finds the seed that breaks `examples/ordering_bug.coro`, and
//! that seed replays the bug), and `--trace=json` (well-formed trace events).

use std::process::{Command, Output, Stdio};

mod common;
use std::time::{Duration, Instant};

fn coro(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_coro")).args(args).stdin(Stdio::null()).output().expect("run coro")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn virtual_time_sleeps_an_hour_at_once() {
    let start = Instant::now();
    let o = coro(&["run", "--virtual-time", "tests/steer/sleep_hour.coro"]);
    let wall = start.elapsed();
    assert!(o.status.success(), "stderr: {}", String::from_utf8_lossy(&o.stderr));
    let want = std::fs::read_to_string("tests/steer/sleep_hour.out").unwrap();
    assert_eq!(stdout(&o), want, "output differs from CPython's (tests/steer/sleep_hour.out)");
    assert!(wall < Duration::from_secs(1), "took {wall:?} of wall time");
}

#[test]
fn virtual_clock_is_what_loop_time_and_monotonic_report() {
    let code = "import asyncio, time\n\
                async def main():\n    loop = asyncio.get_running_loop()\n    t = loop.time()\n    \
                await asyncio.sleep(2.5)\n    print(round(loop.time() - t, 6), round(time.monotonic() - t, 6))\n    \
                time.sleep(1)\n    print(round(loop.time() - t, 6))\n\
                asyncio.run(main())\n";
    let path = std::env::temp_dir().join(format!("coro_vclock_{}.coro", std::process::id()));
    std::fs::write(&path, code).unwrap();
    let o = coro(&["run", "--virtual-time", path.to_str().unwrap()]);
    let _ = std::fs::remove_file(&path);
    assert_eq!(stdout(&o), "2.5 2.5\n3.5\n");
}

#[test]
fn same_seed_same_output_and_fifo_matches_cpython() {
    let fifo = coro(&["run", "--virtual-time", "examples/ordering_bug.coro"]);
    assert_eq!(stdout(&fifo), std::fs::read_to_string("examples/ordering_bug.out").unwrap());
    for seed in ["1", "2", "3", "17"] {
        let a = coro(&["run", "--schedule-seed", seed, "examples/ordering_bug.coro"]);
        let b = coro(&["run", "--schedule-seed", seed, "examples/ordering_bug.coro"]);
        assert_eq!(stdout(&a), stdout(&b), "seed {seed} gave two different outputs");
    }
}

#[test]
fn explore_finds_the_ordering_bug_and_the_seed_replays_it() {
    let o = coro(&["run", "--explore", "50", "examples/ordering_bug.coro"]);
    let text = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "explore found nothing:\n{text}");
    // "seed N: line L is "..." (FIFO: "...")"
    let line = text.lines().find(|l| l.starts_with("seed ")).expect("a differing seed is reported");
    let seed = line["seed ".len()..].split(':').next().unwrap();
    let lineno: usize = line.split("line ").nth(1).unwrap().split(' ').next().unwrap().parse().unwrap();
    let shown = line.split(" is ").nth(1).unwrap().split(" (FIFO: ").next().unwrap();
    let replay = coro(&["run", "--virtual-time", "--schedule-seed", seed, "examples/ordering_bug.coro"]);
    let got = stdout(&replay);
    assert_ne!(got, std::fs::read_to_string("examples/ordering_bug.out").unwrap(), "seed {seed} does not replay the bug");
    let at = got.lines().nth(lineno - 1).map(|l| format!("{l:?}")).unwrap_or("missing".into());
    assert_eq!(at, shown, "the replay's line {lineno} is not what explore reported");
    assert!(text.contains(&format!("--schedule-seed {seed}")), "no replay command in:\n{text}");
}

#[test]
fn explore_reports_nothing_for_an_order_independent_program() {
    let o = coro(&["run", "--explore", "5", "examples/notebook/01_rock_await.coro"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("all 5 seeds give the FIFO output"));
}

#[test]
fn json_trace_is_well_formed() {
    let path = std::env::temp_dir().join(format!("coro_trace_{}.json", std::process::id()));
    let p = path.to_str().unwrap();
    let o = coro(&["run", "--virtual-time", "--trace=json", "--trace-file", p, "examples/notebook/04_event_loop_builtin.coro"]);
    assert!(o.status.success());
    let json = std::fs::read_to_string(&path).unwrap();
    let _ = std::fs::remove_file(&path);
    assert!(json.starts_with("[\n") && json.ends_with("\n]\n"), "not a JSON array");
    let events: Vec<&str> = json.lines().filter(|l| l.starts_with('{')).collect();
    assert!(events.len() > 20);
    for e in &events {
        let e = e.trim_end_matches(',');
        assert!(e.ends_with('}') && e.contains("\"ph\":") && e.contains("\"tid\":"), "bad event {e}");
    }
    let count = |s: &str| events.iter().filter(|e| e.contains(s)).count();
    assert_eq!(count("\"ph\":\"B\""), count("\"ph\":\"E\""), "unbalanced task slices");
    for task in ["Task-1", "Task-2", "Task-3", "Task-4"] {
        assert!(json.contains(&format!("\"args\":{{\"name\":\"{task}\"}}")), "no track named {task}");
    }
    // Timestamps never go back on one track.
    let mut last = std::collections::HashMap::new();
    for e in &events {
        let num = |k: &str| e.split(&format!("\"{k}\":")).nth(1).and_then(|r| r.split([',', '}']).next()).and_then(|n| n.parse::<f64>().ok());
        if let (Some(ts), Some(tid)) = (num("ts"), num("tid")) {
            let prev = last.insert(tid as u64, ts).unwrap_or(0.0);
            assert!(ts >= prev, "time goes back on track {tid}: {e}");
        }
    }
}

#[test]
fn trace_is_off_by_default() {
    let o = coro(&["run", "examples/notebook/01_rock_await.coro"]);
    assert!(o.stderr.is_empty());
}

fn repl(input: &str) -> String {
    String::from_utf8_lossy(&common::run_repl(input).stdout).into_owned()
}

#[test]
fn repl_trace_on_and_off() {
    let out = repl("def gen():\n    x = yield 1\n    return x\n\n:trace on\ng = gen()\nnext(g)\n:trace off\nnext(g, None)\n");
    let (on, off) = out.split_once("trace off\n").expect("trace off acknowledged");
    assert!(on.starts_with("trace on\n"), "{out}");
    // The input runs as a task's coroutine (<module>), so its calls are one level in.
    assert!(on.contains("]   next() -> generator gen\n"), "{out}");
    assert!(on.contains("]     gen: yield 1; suspends, the value goes to the caller of next()\n"), "{out}");
    assert!(on.contains("]   next() returns 1\n1\n"), "{out}");
    assert!(!off.contains('['), "still tracing after :trace off:\n{off}");
}

#[test]
fn repl_step_and_clock() {
    let input = "import asyncio\n:clock\n:step\n\
                 async def worker(n):\n    for i in range(2):\n        print(f\"worker {n} tick {i}\")\n        await asyncio.sleep(0)\n    return n\n\n\
                 t = asyncio.create_task(worker(1))\n:step\n:step\n:step\nt.done()\n";
    let out = repl(input);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("clock ") && lines[0].contains(", 0 ready, no timer"), "{out}");
    assert_eq!(lines[1], "nothing to run: no callback ready, no timer, no I/O");
    // The task's first step ran with the input that created it; each :step runs one more.
    let steps: Vec<&str> = out.split("step done; ").collect();
    assert_eq!(steps.len(), 3, "{out}");
    assert!(steps[0].contains("task switch: step Task-") && steps[0].contains("worker 1 tick 1\n"), "{out}");
    assert!(steps[1].contains("worker: return 1; finished"), "{out}");
    assert!(out.ends_with("nothing to run: no callback ready, no timer, no I/O\nTrue\n"), "{out}");
}
