//! Statement shortcuts for the first run of pass 1 (zero-size errors, see `fast.rs`):
//! the statements of a block go into one vector by one loop (the rules build a vector
//! per line and a vector of those, then copy them into a third), and a compound
//! statement goes to its rule by its first tokens instead of trying each in turn.
//!
//! The trees are the rules' own: each statement is still parsed by `simple_stmt` or by
//! the compound statement's rule, and every step takes and gives back input exactly as
//! `repeated`, `separated_by(..).allow_trailing()` and `choice` do.

use super::{Extra, In, PassErr, P};
use crate::span::Span;
use crate::syntax::ast::{Stmt, StmtKind};
use crate::syntax::token::{Kw, RawTok as R, Tok};
use chumsky::prelude::*;

type Inp<'a, 'p, E> = chumsky::input::InputRef<'a, 'p, In<'a>, Extra<'a, E>>;

/// The parse state's statement stack.
fn stack<'a, 'i, E: PassErr<'a>>(inp: &'i mut Inp<'a, '_, E>) -> &'i mut Vec<Stmt> {
    let st: &mut super::State = inp.state();
    &mut st.stmts
}

/// Whether a statement starting with `t` is tried as a compound statement first (the
/// rules' one-token lookahead in `stmt.rs`).
pub fn starts_compound(t: &Tok) -> bool {
    matches!(t, Tok::Kw(Kw::If | Kw::While | Kw::For | Kw::With | Kw::Try | Kw::Def | Kw::Class | Kw::Async) | Tok::Op(R::At))
}

/// `simple_stmts`: `simple_stmt (';' simple_stmt)* [';'] NEWLINE`, the statements pushed
/// onto the state's statement stack. On failure the caller rewinds the input and
/// truncates the stack.
fn simple_line<'a, E: PassErr<'a>>(inp: &mut Inp<'a, '_, E>, simple: &P<'a, Stmt, E>) -> bool {
    match inp.parse(simple) {
        Ok(s) => stack(inp).push(s),
        Err(_) => return false,
    }
    while let Some(Tok::Op(R::Semi)) = inp.peek_ref() {
        inp.skip();
        // A statement failing after ';' leaves the ';' taken (a trailing separator).
        let before_item = inp.save();
        match inp.parse(simple) {
            Ok(s) => stack(inp).push(s),
            Err(_) => {
                inp.rewind(before_item);
                break;
            }
        }
    }
    if let Some(Tok::Newline) = inp.peek_ref() {
        inp.skip();
        return true;
    }
    false
}

/// `statement*` (`min` 0) or `statement+` (`min` 1), with `statement: compound_stmt |
/// simple_stmts`: a compound statement where its first token says so, falling back to
/// `simple_stmts` when it fails, as the rules' `or` does. The statements collect on the
/// parse state's stack (nested blocks above them) and move into a vector of their exact
/// number at the end, as the rules' `flatten` made it (a vector grown per statement
/// would keep up to half its room unused, a few bytes per source byte).
pub fn statements<'a, E: PassErr<'a>>(
    compound: P<'a, Stmt, E>,
    simple: P<'a, Stmt, E>,
    min: usize,
) -> impl Parser<'a, In<'a>, Vec<Stmt>, Extra<'a, E>> + Clone {
    custom(move |inp| {
        let mark = stack(inp).len();
        let mut lines = 0;
        loop {
            let before = inp.save();
            let len = stack(inp).len();
            if inp.peek_ref().is_some_and(starts_compound) {
                match inp.parse(&compound) {
                    Ok(s) => {
                        stack(inp).push(s);
                        lines += 1;
                        continue;
                    }
                    Err(_) => {
                        inp.rewind(before);
                    }
                }
            }
            let before = inp.save();
            if simple_line(inp, &simple) {
                lines += 1;
                continue;
            }
            stack(inp).truncate(len);
            inp.rewind(before);
            break;
        }
        let stmts = &mut stack(inp);
        if lines < min {
            stmts.truncate(mark);
            return Err(E::at(Span::default(), None));
        }
        Ok(stmts.drain(mark..).collect())
    })
}

/// `compound_stmt` by its first tokens: `rules` are the `if`, `while`, `for`, `with`,
/// `try` and definition rules, in that order. A statement no rule starts with fails.
pub fn compound<'a, E: PassErr<'a>>(rules: [P<'a, StmtKind, E>; 6]) -> impl Parser<'a, In<'a>, StmtKind, Extra<'a, E>> + Clone {
    custom(move |inp| {
        let i = match inp.peek_ref() {
            Some(Tok::Kw(Kw::If)) => 0,
            Some(Tok::Kw(Kw::While)) => 1,
            Some(Tok::Kw(Kw::For)) => 2,
            Some(Tok::Kw(Kw::With)) => 3,
            Some(Tok::Kw(Kw::Try)) => 4,
            Some(Tok::Kw(Kw::Def | Kw::Class) | Tok::Op(R::At)) => 5,
            Some(Tok::Kw(Kw::Async)) => {
                let before = inp.save();
                inp.skip();
                let next = inp.peek_ref();
                let i = match next {
                    Some(Tok::Kw(Kw::For)) => 2,
                    Some(Tok::Kw(Kw::With)) => 3,
                    Some(Tok::Kw(Kw::Def)) => 5,
                    _ => 6,
                };
                inp.rewind(before);
                i
            }
            _ => 6,
        };
        match rules.get(i) {
            Some(rule) => inp.parse(rule),
            None => Err(E::at(Span::default(), None)),
        }
    })
}
