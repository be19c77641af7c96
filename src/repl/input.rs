//! Deciding when REPL input is complete, with the real lexer and parser: unclosed
//! brackets or strings and blocks still open at the end of the text need more lines;
//! a compound statement ends with a blank line, as in Python's interactive mode.

use crate::syntax;

/// What to do with the text typed so far.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Nothing but blanks and comments.
    Empty,
    /// More lines are needed.
    Incomplete,
    /// Run it (it may still contain a syntax error, reported when compiled).
    Complete,
}

/// Whether `src` starts a compound statement (which a blank line ends).
fn is_compound(src: &str) -> bool {
    let first = src.lines().map(str::trim).find(|l| !l.is_empty() && !l.starts_with('#')).unwrap_or("");
    let kw = first.split(|c: char| !c.is_alphanumeric() && c != '_').next().unwrap_or("");
    first.starts_with('@')
        || matches!(kw, "if" | "while" | "for" | "try" | "with" | "def" | "class" | "async")
        || src.lines().skip(1).any(|l| l.starts_with([' ', '\t']))
}

/// Classify the text typed so far (`src` ends with the line just entered).
pub fn status(src: &str) -> Status {
    if src.lines().all(|l| {
        let t = l.trim();
        t.is_empty() || t.starts_with('#')
    }) {
        return Status::Empty;
    }
    let lexed = syntax::lexer::lex(src);
    if lexed.unclosed.is_some() {
        return Status::Incomplete;
    }
    if lexed.errors.iter().any(|d| d.message.starts_with("unterminated triple-quoted")) {
        return Status::Incomplete;
    }
    let trimmed_len = src.trim_end().len() as u32;
    if src.trim_end().ends_with('\\') {
        return Status::Incomplete;
    }
    let last_blank = src.lines().last().is_none_or(|l| l.trim().is_empty()) || src.ends_with("\n\n");
    match syntax::parse_module(src) {
        Ok(_) => {
            if is_compound(src) && !last_blank {
                Status::Incomplete
            } else {
                Status::Complete
            }
        }
        Err(diags) => {
            let d = &diags[0];
            let at_end = d.span.start >= trimmed_len;
            let needs_block = d.message.starts_with("expected an indented block") && d.span.start + 1 >= trimmed_len;
            if (at_end || needs_block) && !last_blank {
                Status::Incomplete
            } else if is_compound(src) && !last_blank {
                Status::Incomplete
            } else {
                Status::Complete
            }
        }
    }
}
