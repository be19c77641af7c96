//! The interactive front end: rustyline with history, Tab completion of names,
//! keywords and attributes, and syntax highlighting from the logos lexer.

use super::input::{status, Status};
use super::Session;
use crate::syntax::token::{Kw, RawTok};
use logos::Logos;
use rustyline::completion::{Completer, Pair};
use rustyline::error::ReadlineError;
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::Hinter;
use rustyline::validate::Validator;
use rustyline::{Context, Editor, Helper};
use std::borrow::Cow;
use std::cell::RefCell;
use std::path::PathBuf;
use std::rc::Rc;

/// Names visible at the prompt, refreshed after every input.
#[derive(Default)]
struct Names {
    globals: Vec<String>,
    builtins: Vec<String>,
}

/// The rustyline helper.
struct CoroHelper {
    names: Rc<RefCell<Names>>,
    session: *mut Session,
}

const KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del",
    "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal",
    "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
];

impl CoroHelper {
    /// Attribute names of the value a dotted name refers to.
    fn attributes(&self, path: &str) -> Vec<String> {
        // SAFETY: the session outlives the editor, and readline (which calls this) runs
        // only while the session is not executing code.
        let session = unsafe { &mut *self.session };
        let mut parts = path.split('.');
        let Some(first) = parts.next() else { return vec![] };
        let key = crate::runtime::intern::intern(first);
        let mut v = match session.globals.get_str(&key).or_else(|| session.rt.builtins.get_str(&key)) {
            Some(v) => v,
            None => return vec![],
        };
        for p in parts {
            let k = crate::runtime::intern::intern(p);
            // Only plain namespace lookups: completion must not run user code.
            let next = match &v {
                crate::runtime::value::Value::Inst(i) => i.get_attr(&k).or_else(|| crate::ops::attr::class_lookup_str(&i.class(), &k)),
                crate::runtime::value::Value::Class(c) => crate::ops::attr::class_lookup_str(c, &k),
                crate::runtime::value::Value::Obj(_) => match crate::runtime::object::downcast::<crate::runtime::descr::Module>(&v) {
                    Some(m) => m.dict.get_str(&k),
                    None => None,
                },
                _ => None,
            };
            match next {
                Some(n) => v = n,
                None => return vec![],
            }
        }
        crate::builtins::functions::dir_names(&mut session.rt, &v)
    }
}

impl Completer for CoroHelper {
    type Candidate = Pair;

    fn complete(&self, line: &str, pos: usize, _ctx: &Context<'_>) -> rustyline::Result<(usize, Vec<Pair>)> {
        let before = &line[..pos];
        let start = before.rfind(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.')).map_or(0, |i| i + 1);
        let word = &before[start..];
        let mut out: Vec<String> = Vec::new();
        let (base, prefix, offset) = match word.rfind('.') {
            Some(d) => (Some(&word[..d]), &word[d + 1..], start + d + 1),
            None => (None, word, start),
        };
        match base {
            Some(b) => {
                for n in self.attributes(b) {
                    if n.starts_with(prefix) && (prefix.starts_with('_') || !n.starts_with('_')) {
                        out.push(n);
                    }
                }
            }
            None => {
                let names = self.names.borrow();
                for n in names.globals.iter().chain(names.builtins.iter()).map(String::as_str).chain(KEYWORDS.iter().copied()) {
                    if n.starts_with(prefix) && !n.starts_with('_') && !out.iter().any(|o| o == n) {
                        out.push(n.to_string());
                    }
                }
            }
        }
        out.sort();
        out.dedup();
        Ok((offset, out.into_iter().map(|n| Pair { display: n.clone(), replacement: n }).collect()))
    }
}

impl Hinter for CoroHelper {
    type Hint = String;
}

impl Validator for CoroHelper {}

impl Helper for CoroHelper {}

/// ANSI colour for a raw token.
fn colour(tok: &RawTok, text: &str) -> Option<&'static str> {
    match tok {
        RawTok::Name if Kw::from_str(text).is_some() => Some("\x1b[35m"),
        RawTok::Name if matches!(text, "print" | "len" | "range" | "self") => Some("\x1b[36m"),
        RawTok::Str => Some("\x1b[32m"),
        RawTok::Int | RawTok::RadixInt | RawTok::Float => Some("\x1b[33m"),
        RawTok::Comment => Some("\x1b[90m"),
        _ => None,
    }
}

/// The position of the bracket matching the one at (or just before) `pos`.
fn matching_bracket(line: &str, pos: usize) -> Option<(usize, usize)> {
    let bytes = line.as_bytes();
    let at = [pos, pos.wrapping_sub(1)].into_iter().find(|&p| p < bytes.len() && b"()[]{}".contains(&bytes[p]))?;
    let c = bytes[at];
    let (open, close, forward) = match c {
        b'(' => (b'(', b')', true),
        b'[' => (b'[', b']', true),
        b'{' => (b'{', b'}', true),
        b')' => (b'(', b')', false),
        b']' => (b'[', b']', false),
        _ => (b'{', b'}', false),
    };
    let mut depth = 0i32;
    if forward {
        for (i, &b) in bytes.iter().enumerate().skip(at) {
            if b == open {
                depth += 1;
            } else if b == close {
                depth -= 1;
                if depth == 0 {
                    return Some((at, i));
                }
            }
        }
    } else {
        for i in (0..=at).rev() {
            let b = bytes[i];
            if b == close {
                depth += 1;
            } else if b == open {
                depth -= 1;
                if depth == 0 {
                    return Some((at, i));
                }
            }
        }
    }
    None
}

impl Highlighter for CoroHelper {
    fn highlight<'l>(&self, line: &'l str, pos: usize) -> Cow<'l, str> {
        let brackets = matching_bracket(line, pos);
        let mut out = String::with_capacity(line.len() + 32);
        let mut last = 0;
        let mut lexer = RawTok::lexer(line).spanned();
        for (tok, span) in lexer.by_ref() {
            let text = &line[span.clone()];
            out.push_str(&line[last..span.start]);
            let is_bracket = brackets.is_some_and(|(a, b)| span.start == a || span.start == b) && text.len() == 1;
            match (tok.ok().and_then(|t| colour(&t, text)), is_bracket) {
                (_, true) => {
                    out.push_str("\x1b[1;4m");
                    out.push_str(text);
                    out.push_str("\x1b[0m");
                }
                (Some(c), false) => {
                    out.push_str(c);
                    out.push_str(text);
                    out.push_str("\x1b[0m");
                }
                (None, false) => out.push_str(text),
            }
            last = span.end;
        }
        out.push_str(&line[last..]);
        Cow::Owned(out)
    }

    fn highlight_char(&self, _line: &str, _pos: usize, _kind: CmdKind) -> bool {
        true
    }
}

/// Where history is kept across sessions.
pub fn history_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_DATA_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))?;
    Some(base.join("coro").join("history"))
}

fn refresh_names(session: &Session, names: &Rc<RefCell<Names>>) {
    let mut n = names.borrow_mut();
    n.globals = session.globals.borrow().iter().filter_map(|e| e.key.as_pystr().map(|s| s.as_str().to_string())).collect();
    n.builtins = session.rt.builtins.borrow().iter().filter_map(|e| e.key.as_pystr().map(|s| s.as_str().to_string())).collect();
}

/// Run the interactive session on a terminal.
pub fn interactive(session: &mut Session) -> i32 {
    let config = rustyline::Config::builder().auto_add_history(false).completion_type(rustyline::CompletionType::List).build();
    let mut ed: Editor<CoroHelper, rustyline::history::DefaultHistory> = match Editor::with_config(config) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("coro: cannot start line editing: {e}");
            return super::batch(session, crate::stdin::lines());
        }
    };
    let names = Rc::new(RefCell::new(Names::default()));
    refresh_names(session, &names);
    ed.set_helper(Some(CoroHelper { names: names.clone(), session: session as *mut Session }));
    let hist = history_path();
    if let Some(h) = &hist {
        let _ = ed.load_history(h);
    }
    println!("Coro {} (a Python 3.11 subset with top-level await)", env!("CARGO_PKG_VERSION"));
    println!("Type exit() or press Ctrl-D to leave, :help for REPL commands.");
    let mut buf = String::new();
    loop {
        let prompt = if buf.is_empty() { ">>> " } else { "... " };
        match ed.readline(prompt) {
            Ok(line) => {
                if buf.is_empty() && line.trim_start().starts_with(':') {
                    let _ = ed.add_history_entry(line.trim());
                    super::commands::run(session, line.trim());
                    continue;
                }
                buf.push_str(&line);
                buf.push('\n');
                match status(&buf) {
                    Status::Empty => buf.clear(),
                    Status::Incomplete => {}
                    Status::Complete => {
                        let text = std::mem::take(&mut buf);
                        let _ = ed.add_history_entry(text.trim_end());
                        if let Some(h) = &hist {
                            if let Some(dir) = h.parent() {
                                let _ = std::fs::create_dir_all(dir);
                            }
                            let _ = ed.save_history(h);
                        }
                        let go_on = session.run_input(&text);
                        refresh_names(session, &names);
                        if !go_on {
                            return 0;
                        }
                    }
                }
            }
            Err(ReadlineError::Interrupted) => {
                println!("KeyboardInterrupt");
                buf.clear();
            }
            Err(ReadlineError::Eof) => {
                println!();
                return 0;
            }
            Err(e) => {
                eprintln!("coro: {e}");
                return 1;
            }
        }
    }
}
