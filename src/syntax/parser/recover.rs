//! Statement-level error recovery (pass 2 only): a statement that fails is skipped to
//! the end of its logical line, together with the indented block under it and any
//! `elif`/`else`/`except`/`finally` clauses that belong to it, and parsing goes on.

use super::{Extra, First, In, PassErr};
use crate::syntax::ast::Stmt;
use crate::syntax::token::{Kw, Tok};
use chumsky::prelude::*;

/// The recovery parser: consumes a failed statement's tokens (at least one), and notes a
/// generic error as the parse's first event if nothing came before.
pub fn skip_statement<'a, E: PassErr<'a>>() -> impl Parser<'a, In<'a>, Vec<Stmt>, Extra<'a, E>> + Clone {
    custom(|inp| {
        let before = inp.cursor();
        let st: &mut super::State = inp.state();
        st.recovered += 1;
        if st.recovered > super::MAX_ERRORS {
            // Enough errors: skip the rest of the input (failing if there is none, as a
            // parser that consumes nothing inside a repetition must).
            let mut any = false;
            while inp.next().is_some() {
                any = true;
            }
            if any {
                return Ok(Vec::new());
            }
            return Err(E::at(inp.span_since(&before), None));
        }
        let mut depth = 0usize;
        let mut consumed = false;
        loop {
            let Some(t) = inp.peek() else { break };
            match t {
                Tok::Dedent if depth == 0 => break,
                Tok::Dedent => {
                    inp.skip();
                    depth -= 1;
                    if depth == 0 && !continues_clause(inp.peek().as_ref()) {
                        break;
                    }
                }
                Tok::Indent => {
                    inp.skip();
                    depth += 1;
                }
                Tok::Newline => {
                    inp.skip();
                    if depth == 0 {
                        let next = inp.peek();
                        if !matches!(next, Some(Tok::Indent)) && !continues_clause(next.as_ref()) {
                            consumed = true;
                            break;
                        }
                    }
                }
                _ => inp.skip(),
            }
            consumed = true;
        }
        if !consumed {
            let found = inp.peek().map(|t| super::error::Found::of(&t));
            return Err(E::at(inp.span_since(&before), found));
        }
        let st: &mut super::State = inp.state();
        st.first.get_or_insert(First::Generic);
        Ok(Vec::new())
    })
}

/// Whether a token continues a compound statement whose block just ended.
fn continues_clause(t: Option<&Tok>) -> bool {
    matches!(t, Some(Tok::Kw(Kw::Else | Kw::Elif | Kw::Except | Kw::Finally)))
}
