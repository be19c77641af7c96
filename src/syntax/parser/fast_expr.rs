//! More shortcuts for the first run of pass 1 (zero-size errors, see `fast.rs`):
//! `primary` with its trailers, call arguments, `named_expression`, `expression` and
//! comma lists, each deciding by its first tokens where the rules try alternatives in
//! turn. Every part is still parsed by the rules' own parsers, and input is taken and
//! given back exactly as `repeated`, `separated_by(..).allow_trailing()`, `or` and
//! `or_not` do, so the trees are the rules' trees.

use super::fast::{atom_of, continues, Level};
use super::{Extra, In, PassErr, P};
use crate::span::Span;
use crate::syntax::ast::{Arg, Expr, ExprKind};
use crate::syntax::token::{Kw, RawTok as R, Tok};
use chumsky::prelude::*;

/// A trailer of `primary`, parsed.
enum Trailer {
    Attr(std::rc::Rc<str>),
    Call(Vec<Arg>),
    Index(Expr),
}

/// `primary`: `atom ('.' NAME | '(' [arguments] ')' | '[' slices ']')*` in one loop: a
/// one-token atom is taken at once (any other goes through the `atom` rule), and each
/// trailer goes by its first token to the rules' `call_args` and `slices`. Spans are the
/// rules' (`foldl_with`: from the atom to the end of each trailer); a trailer that fails
/// gives back its input and ends the loop, as `repeated` does.
pub fn primary<'a, E: PassErr<'a>>(
    atom: P<'a, Expr, E>,
    call_args: P<'a, Vec<Arg>, E>,
    slices: P<'a, Expr, E>,
) -> impl Parser<'a, In<'a>, Expr, Extra<'a, E>> + Clone {
    custom(move |inp| {
        let start = inp.cursor();
        let before = inp.save();
        let one = match inp.next_ref() {
            Some(
                t @ (Tok::Name(_)
                | Tok::Int(_)
                | Tok::Float(_)
                | Tok::BigInt(_)
                | Tok::Kw(Kw::True | Kw::False | Kw::None)
                | Tok::Op(R::Ellipsis)),
            ) => {
                let span = inp.span_since(&start);
                let st: &mut super::State = inp.state();
                atom_of(t, span, &st.pool)
            }
            _ => None,
        };
        let mut e = match one {
            Some(e) => e,
            None => {
                inp.rewind(before);
                inp.parse(&atom)?
            }
        };
        loop {
            let save = inp.save();
            let t = match inp.next_ref() {
                Some(Tok::Op(R::Dot)) => {
                    match inp.next_ref() {
                        Some(Tok::Name(n)) => {
                            let st: &mut super::State = inp.state();
                            Some(Trailer::Attr(std::rc::Rc::clone(&st.pool.names[*n as usize])))
                        }
                        _ => None,
                    }
                }
                Some(Tok::Op(R::LParen)) => match inp.parse(&call_args) {
                    Ok(args) => matches!(inp.next_ref(), Some(Tok::Op(R::RParen))).then_some(Trailer::Call(args)),
                    Err(_) => None,
                },
                Some(Tok::Op(R::LBracket)) => match inp.parse(&slices) {
                    Ok(i) => matches!(inp.next_ref(), Some(Tok::Op(R::RBracket))).then_some(Trailer::Index(i)),
                    Err(_) => None,
                },
                _ => None,
            };
            let Some(t) = t else {
                inp.rewind(save);
                break;
            };
            let span = inp.span_since(&start);
            let kind = match t {
                Trailer::Attr(n) => ExprKind::Attribute(Box::new(e), n),
                Trailer::Call(args) => ExprKind::Call(Box::new(e), args.into_boxed_slice()),
                Trailer::Index(i) => ExprKind::Subscript(Box::new(e), Box::new(i)),
            };
            e = Expr::new(kind, span);
        }
        Ok(e)
    })
}

/// `named_expression`: `NAME ':=' expression | expression !':='`, decided by the first
/// two tokens: a name and `:=` go to the rules' `walrus` (should it fail, so would the
/// rule's second alternative, stopped by its `!':='`), anything else to `expression`.
pub fn named<'a, E: PassErr<'a>>(walrus: P<'a, Expr, E>, expression: P<'a, Expr, E>) -> impl Parser<'a, In<'a>, Expr, Extra<'a, E>> + Clone {
    custom(move |inp| {
        let before = inp.save();
        let is_walrus = matches!(inp.next_ref(), Some(Tok::Name(_))) && matches!(inp.peek_ref(), Some(Tok::Op(R::Walrus)));
        inp.rewind(before);
        if is_walrus {
            return inp.parse(&walrus);
        }
        let before = inp.save();
        let e = inp.parse(&expression)?;
        if let Some(Tok::Op(R::Walrus)) = inp.peek_ref() {
            inp.rewind(before);
            return Err(E::at(Span::default(), None));
        }
        Ok(e)
    })
}

/// `arguments` without the parentheses: `arg (',' arg)* [',']` (possibly empty), each
/// argument by its first tokens: `*` and `**` to their rules, a name and `=` to the
/// keyword rule (then, should it fail, the positional one, as `choice` tries next), the
/// rest to the positional rule. Each item is `(argument, bare generator)`. The items
/// collect on the parse state's argument stack (nested calls' above them) and move into
/// a vector of their exact number: grown by `push`, a one-argument call kept room for
/// four (~290 bytes where 72 are used).
pub fn call_args<'a, E: PassErr<'a>>(
    star: P<'a, (Arg, bool), E>,
    dstar: P<'a, (Arg, bool), E>,
    kwarg: P<'a, (Arg, bool), E>,
    positional: P<'a, (Arg, bool), E>,
) -> impl Parser<'a, In<'a>, Vec<(Arg, bool)>, Extra<'a, E>> + Clone {
    custom(move |inp| {
        let mark = arg_stack(inp).len();
        let mut n = 0usize;
        loop {
            if n > 0 {
                if let Some(Tok::Op(R::Comma)) = inp.peek_ref() {
                    inp.skip();
                } else {
                    break;
                }
            }
            // A failed argument gives back its input; a comma before it stays taken.
            let before = inp.save();
            let arg = match inp.next_ref() {
                Some(Tok::Op(R::Star)) => {
                    inp.rewind(before.clone());
                    inp.parse(&star)
                }
                Some(Tok::Op(R::DoubleStar)) => {
                    inp.rewind(before.clone());
                    inp.parse(&dstar)
                }
                Some(Tok::Name(_)) if matches!(inp.peek_ref(), Some(Tok::Op(R::Assign))) => {
                    inp.rewind(before.clone());
                    match inp.parse(&kwarg) {
                        Ok(a) => Ok(a),
                        Err(_) => {
                            inp.rewind(before.clone());
                            inp.parse(&positional)
                        }
                    }
                }
                _ => {
                    inp.rewind(before.clone());
                    inp.parse(&positional)
                }
            };
            match arg {
                Ok(a) => {
                    arg_stack(inp).push(a);
                    n += 1;
                }
                Err(_) => {
                    inp.rewind(before);
                    break;
                }
            }
        }
        Ok(arg_stack(inp).drain(mark..).collect())
    })
}

/// The parse state's call-argument stack.
fn arg_stack<'a, 'i, E: PassErr<'a>>(inp: &'i mut chumsky::input::InputRef<'a, '_, In<'a>, Extra<'a, E>>) -> &'i mut Vec<(Arg, bool)> {
    let st: &mut super::State = inp.state();
    &mut st.args
}

/// `expression`: a lambda where the first token is `lambda` (no other alternative starts
/// so), else a one-token operand no token continues ([`atom`]), else `climb` (the
/// conditional expression): the rules' `atom.or(lambdef).or(climb)` without trying each.
pub fn expression<'a, E: PassErr<'a>>(lambdef: P<'a, Expr, E>, climb: P<'a, Expr, E>) -> impl Parser<'a, In<'a>, Expr, Extra<'a, E>> + Clone {
    custom(move |inp| {
        let before = inp.save();
        let start = inp.cursor();
        match inp.next_ref() {
            Some(Tok::Kw(Kw::Lambda)) => {
                inp.rewind(before);
                return inp.parse(&lambdef);
            }
            Some(t) => {
                let span = inp.span_since(&start);
                if !continues(inp.peek_ref(), Level::Expression) {
                    let st: &mut super::State = inp.state();
                    if let Some(e) = atom_of(t, span, &st.pool) {
                        return Ok(e);
                    }
                }
            }
            None => {}
        }
        inp.rewind(before);
        inp.parse(&climb)
    })
}

/// A comma list of `item` as `star_expressions` builds it (`comma_list` and
/// `tuple_or_single`): a tuple when it has a comma, the item itself otherwise. An item
/// failing after a comma gives the comma back, which then ends the list as its trailing
/// comma.
pub fn comma_list<'a, E: PassErr<'a>>(item: P<'a, Expr, E>) -> impl Parser<'a, In<'a>, Expr, Extra<'a, E>> + Clone {
    custom(move |inp| {
        let start = inp.cursor();
        let first = inp.parse(&item)?;
        let mut rest = Vec::new();
        let mut trailing = false;
        while let Some(Tok::Op(R::Comma)) = inp.peek_ref() {
            let save = inp.save();
            inp.skip();
            match inp.parse(&item) {
                Ok(e) => rest.push(e),
                Err(_) => {
                    inp.rewind(save);
                    break;
                }
            }
        }
        if let Some(Tok::Op(R::Comma)) = inp.peek_ref() {
            inp.skip();
            trailing = true;
        }
        let span = inp.span_since(&start);
        Ok(super::expr::tuple_or_single(first, rest, trailing, span))
    })
}
