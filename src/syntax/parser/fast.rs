//! Shortcuts for the first run of pass 1, the one with chumsky's zero-size error, where
//! only whether the module parses and its tree count (a failure runs the passes with
//! [`super::PErr`] again, on the rules as they are, for the messages).
//!
//! An operand that is one token (a name, a number, a plain string, `True`...) followed
//! by a token that cannot continue it is taken at once, instead of descending through
//! every precedence level to the atom and failing at each level's operator on the way
//! back. The tree is the one the full rules build: a token that continues no level
//! between the atom and the rule leaves each level with its single operand.

use super::{Extra, In, PassErr, P};
use crate::span::Span;
use crate::syntax::ast::{BinOp, BoolOp, CmpOp, Constant, Expr, ExprKind, UnaryOp};
use crate::syntax::token::{Kw, Lit, Pool, RawTok as R, Tok};
use chumsky::prelude::*;
use std::rc::Rc;

/// Whether the shortcuts are on: only for chumsky's zero-size error type, where which
/// alternatives failed where is not recorded (with [`super::PErr`] they would be).
pub fn enabled<'a, E: PassErr<'a>>() -> bool {
    std::mem::size_of::<E>() == 0
}

/// The rule level a shortcut stands in for.
#[derive(Clone, Copy)]
pub enum Level {
    /// `factor`: only trailers, `**` and adjacent string literals continue an atom.
    Factor,
    /// `expression`: any operator, comparison, `and`/`or` or `if` also does.
    Expression,
}

/// Whether `t` (after a one-token atom) could continue it at `level` or below.
pub(super) fn continues(t: Option<&Tok>, level: Level) -> bool {
    let Some(t) = t else { return false };
    let below = matches!(
        t,
        Tok::Op(R::Dot | R::LParen | R::LBracket | R::DoubleStar) | Tok::Lit(_) | Tok::FStart
    );
    below
        || matches!(level, Level::Expression)
            && matches!(
                t,
                Tok::Op(
                    R::Pipe | R::Caret | R::Amp | R::LShift | R::RShift | R::Plus | R::Minus | R::Star | R::Slash
                        | R::DoubleSlash | R::Percent | R::At | R::EqEq | R::NotEq | R::Lt | R::Le | R::Gt | R::Ge
                ) | Tok::Kw(Kw::In | Kw::Not | Kw::Is | Kw::And | Kw::Or | Kw::If)
            )
}

/// The expression a one-token atom is, as the `atom` and `strings` rules build it.
pub(super) fn atom_of(t: &Tok, span: Span, pool: &Pool) -> Option<Expr> {
    let kind = match *t {
        Tok::Name(n) => ExprKind::Name(Rc::clone(&pool.names[n as usize])),
        Tok::Kw(Kw::True) => ExprKind::Const(Constant::Bool(true)),
        Tok::Kw(Kw::False) => ExprKind::Const(Constant::Bool(false)),
        Tok::Kw(Kw::None) => ExprKind::Const(Constant::None),
        Tok::Int(v) => ExprKind::Const(Constant::Int(pool.int(v))),
        Tok::BigInt(v) => ExprKind::Const(Constant::BigInt(Rc::clone(&pool.texts[v as usize]))),
        Tok::Float(v) => ExprKind::Const(Constant::Float(pool.floats[v as usize])),
        Tok::Op(R::Ellipsis) => ExprKind::Const(Constant::Ellipsis),
        Tok::Lit(l) => match &pool.lits[l as usize] {
            Lit::Str(s) => ExprKind::Const(Constant::Str(s.clone())),
            Lit::Bytes(b) => ExprKind::Const(Constant::Bytes(b.clone())),
        },
        _ => return None,
    };
    Some(Expr::new(kind, span))
}

/// `factor`, by its first token: a prefix operator (`-`, `+`, `~`, `await`) goes to the
/// full rule `full`; otherwise it is `primary` (a one-token atom without even parsing
/// that), then `['**' factor]` as `power` has it, with `full` for the exponent. Each
/// part is parsed once: a failure is the factor's (the full rule would fail the same
/// way), so nested brackets stay linear.
pub fn factor<'a, E: PassErr<'a>>(
    primary: P<'a, Expr, E>,
    full: P<'a, Expr, E>,
) -> impl Parser<'a, In<'a>, Expr, Extra<'a, E>> + Clone {
    custom(move |inp| {
        let before = inp.save();
        let start = inp.cursor();
        match inp.next_ref() {
            Some(t @ (Tok::Name(_) | Tok::Int(_) | Tok::Float(_) | Tok::Kw(Kw::True | Kw::False | Kw::None))) => {
                let span = inp.span_since(&start);
                if !continues(inp.peek_ref(), Level::Factor) {
                    let st: &mut super::State = inp.state();
                    if let Some(e) = atom_of(t, span, &st.pool) {
                        return Ok(e);
                    }
                }
            }
            Some(Tok::Op(R::LParen | R::LBracket | R::LBrace | R::Ellipsis) | Tok::Lit(_) | Tok::FStart | Tok::BigInt(_)) => {}
            Some(Tok::Op(R::Minus | R::Plus | R::Tilde) | Tok::Kw(Kw::Await)) => {
                inp.rewind(before);
                return inp.parse(&full);
            }
            // No primary starts here (the full rule fails too).
            _ => {
                inp.rewind(before);
                return Err(E::at(Span::default(), None));
            }
        }
        inp.rewind(before);
        let base = inp.parse(&primary)?;
        if let Some(Tok::Op(R::DoubleStar)) = inp.peek_ref() {
            let at_op = inp.save();
            inp.skip();
            match inp.parse(&full) {
                Ok(exp) => return Ok(super::expr::bin(base, BinOp::Pow, exp)),
                Err(_) => inp.rewind(at_op),
            }
        }
        Ok(base)
    })
}

type Inp<'a, 'p, E> = chumsky::input::InputRef<'a, 'p, In<'a>, Extra<'a, E>>;

/// `bitwise_or`: `factor (binop factor)*`, folded by precedence.
fn bor<'a, E: PassErr<'a>>(inp: &mut Inp<'a, '_, E>, factor: &P<'a, Expr, E>) -> Result<Expr, E> {
    let first = inp.parse(factor)?;
    let mut rest = Vec::new();
    while let Some(op) = inp.peek_ref().and_then(super::expr::binop_of) {
        let save = inp.save();
        inp.skip();
        match inp.parse(factor) {
            Ok(e) => rest.push((op, e)),
            Err(_) => {
                inp.rewind(save);
                break;
            }
        }
    }
    Ok(super::expr::climb(first, rest))
}

/// `comparison`: `bitwise_or (compare_op bitwise_or)*`.
fn comparison<'a, E: PassErr<'a>>(inp: &mut Inp<'a, '_, E>, factor: &P<'a, Expr, E>) -> Result<Expr, E> {
    let start = inp.cursor();
    let first = bor(inp, factor)?;
    let mut rest = Vec::new();
    loop {
        let save = inp.save();
        let op = match inp.next_ref() {
            Some(Tok::Op(R::EqEq)) => CmpOp::Eq,
            Some(Tok::Op(R::NotEq)) => CmpOp::NotEq,
            Some(Tok::Op(R::Lt)) => CmpOp::Lt,
            Some(Tok::Op(R::Le)) => CmpOp::LtE,
            Some(Tok::Op(R::Gt)) => CmpOp::Gt,
            Some(Tok::Op(R::Ge)) => CmpOp::GtE,
            Some(Tok::Kw(Kw::In)) => CmpOp::In,
            Some(Tok::Kw(Kw::Not)) if matches!(inp.peek_ref(), Some(Tok::Kw(Kw::In))) => {
                inp.skip();
                CmpOp::NotIn
            }
            Some(Tok::Kw(Kw::Is)) => {
                if let Some(Tok::Kw(Kw::Not)) = inp.peek_ref() {
                    inp.skip();
                    CmpOp::IsNot
                } else {
                    CmpOp::Is
                }
            }
            _ => {
                inp.rewind(save);
                break;
            }
        };
        match bor(inp, factor) {
            Ok(e) => rest.push((op, e)),
            Err(_) => {
                inp.rewind(save);
                break;
            }
        }
    }
    if rest.is_empty() {
        return Ok(first);
    }
    // The tree keeps the comparisons: no room for four where one is typical.
    let span = inp.span_since(&start);
    Ok(Expr::new(ExprKind::Compare(Box::new(first), rest.into_boxed_slice()), span))
}

/// `inversion`: `'not'* comparison`.
fn inversion<'a, E: PassErr<'a>>(inp: &mut Inp<'a, '_, E>, factor: &P<'a, Expr, E>) -> Result<Expr, E> {
    let mut nots = Vec::new();
    while let Some(Tok::Kw(Kw::Not)) = inp.peek_ref() {
        let at = inp.cursor();
        inp.skip();
        nots.push(inp.span_since(&at));
    }
    let mut v = comparison(inp, factor)?;
    for s in nots.into_iter().rev() {
        let span = s.to(v.span);
        v = Expr::new(ExprKind::Unary(UnaryOp::Not, Box::new(v)), span);
    }
    Ok(v)
}

/// `disjunction` (with `conjunction`): `inversion (('and' | 'or') inversion)*`, grouped
/// by precedence.
fn disjunction_in<'a, E: PassErr<'a>>(inp: &mut Inp<'a, '_, E>, factor: &P<'a, Expr, E>) -> Result<Expr, E> {
    let start = inp.cursor();
    let first = inversion(inp, factor)?;
    let first = (first, inp.span_since(&start));
    let mut rest = Vec::new();
    loop {
        let op = match inp.peek_ref() {
            Some(Tok::Kw(Kw::And)) => BoolOp::And,
            Some(Tok::Kw(Kw::Or)) => BoolOp::Or,
            _ => break,
        };
        let save = inp.save();
        inp.skip();
        let at = inp.cursor();
        match inversion(inp, factor) {
            Ok(e) => {
                let s = inp.span_since(&at);
                rest.push((op, (e, s)));
            }
            Err(_) => {
                inp.rewind(save);
                break;
            }
        }
    }
    let span = inp.span_since(&start);
    Ok(super::expr::bool_ops(first, rest, span))
}

/// `disjunction` as one loop per level over `factor`, in place of a parser layer per
/// level (the rules in `expr.rs` build the same tree).
pub fn disjunction<'a, E: PassErr<'a>>(factor: P<'a, Expr, E>) -> impl Parser<'a, In<'a>, Expr, Extra<'a, E>> + Clone {
    custom(move |inp| disjunction_in(inp, &factor))
}

/// `disjunction ['if' disjunction 'else' expression]`, as [`disjunction`].
pub fn conditional<'a, E: PassErr<'a>>(
    factor: P<'a, Expr, E>,
    expression: P<'a, Expr, E>,
) -> impl Parser<'a, In<'a>, Expr, Extra<'a, E>> + Clone {
    custom(move |inp| {
        let start = inp.cursor();
        let body = disjunction_in(inp, &factor)?;
        if let Some(Tok::Kw(Kw::If)) = inp.peek_ref() {
            let save = inp.save();
            inp.skip();
            if let Ok(test) = disjunction_in(inp, &factor) {
                if let Some(Tok::Kw(Kw::Else)) = inp.peek_ref() {
                    inp.skip();
                    if let Ok(orelse) = inp.parse(&expression) {
                        let span = inp.span_since(&start);
                        let kind = ExprKind::IfExp { test: Box::new(test), body: Box::new(body), orelse: Box::new(orelse) };
                        return Ok(Expr::new(kind, span));
                    }
                }
            }
            inp.rewind(save);
        }
        Ok(body)
    })
}

