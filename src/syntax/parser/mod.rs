//! The chumsky parser over the logical token stream, run as CPython runs its parser.
//!
//! **Pass 1** is the plain grammar. A valid program parses in this pass alone. It runs
//! first with chumsky's zero-size error type ([`EmptyErr`]), for which chumsky records
//! no failed alternative, and only when that fails again with [`PErr`] (a bit set, not a
//! list), whose furthest failure says where the error is.
//!
//! **Pass 2** runs only when pass 1 fails. It adds CPython's `invalid_*` rules, which
//! match common mistakes and *raise* a specialised message ("expected ':'", "cannot
//! assign to literal", ...), and recovers at statement level so that `coro check` can
//! list up to [`MAX_ERRORS`] errors.
//!
//! The error CPython reports (the first of the list) is the first *event*: a raise, the
//! parser reaching a lexical error token ([`Tok::Error`]), or else a generic "invalid
//! syntax" at the furthest token pass 1 reached. Then, as CPython does, a raising lexical
//! error later in the file replaces it, and so does a bracket left open at end of file
//! on an earlier line.

mod args;
mod compound;
mod error;
mod expr;
mod fast;
mod fast_expr;
mod fast_stmt;
mod recover;
mod stmt;
mod targets;

pub use error::{PErr, PassErr};

use super::ast::Module;
use super::lexer::{lex, Lexed};
use super::token::{Kw, Pool, RawTok, Tok};
use std::rc::Rc;
use crate::diagnostic::Diagnostic;
use crate::span::Span;
use chumsky::input::{Emitter, MappedInput};
use chumsky::error::EmptyErr;
use chumsky::inspector::SimpleState;
use chumsky::prelude::*;

/// The parser's input: logical tokens with their byte spans.
pub type In<'a> = MappedInput<'a, Tok, Span, &'a [(Tok, Span)]>;
/// Parser extras: the error type `E` ([`EmptyErr`] or [`PErr`]) and the parse state.
pub type Extra<'a, E> = extra::Full<E, State, ()>;
/// A boxed parser producing `O`.
pub type P<'a, O, E> = Boxed<'a, 'a, In<'a>, O, Extra<'a, E>>;

/// At most this many errors are reported for one source.
pub const MAX_ERRORS: usize = 20;

/// The first error event of a parse: what CPython would report.
#[derive(Clone, Debug)]
pub enum First {
    /// A specialised error raised by a rule.
    Raise(Diagnostic),
    /// The parser reached the lexical error with this index.
    Lex(u32),
    /// A statement failed with no specialised message.
    Generic,
}

/// The parse state as chumsky holds it.
pub type State = SimpleState<St>;

/// Parse state that backtracking does not undo.
#[derive(Default)]
pub struct St {
    /// The payloads the tokens index (names, literals, texts).
    pub pool: Rc<Pool>,
    /// The first error event, once there is one.
    pub first: Option<First>,
    /// Statements skipped by recovery so far; at [`MAX_ERRORS`] the rest is skipped.
    pub recovered: usize,
    /// Atoms pass 2 may still try (see [`fuel`]); pass 1 is linear and unlimited.
    pub fuel: u64,
    /// Pass 2 ran out of fuel: its errors are dropped and pass 1's are reported.
    pub starved: bool,
    /// Statements of the blocks being parsed by pass 1's first run, innermost last
    /// (`fast_stmt.rs`): each block's are moved out into a vector of their exact number.
    pub stmts: Vec<super::ast::Stmt>,
    /// Call arguments being parsed by pass 1's first run, innermost call last
    /// (`fast_expr.rs`): each call's are moved out into a vector of their exact number.
    pub args: Vec<(super::ast::Arg, bool)>,
}

/// Pass 2 may try this many atoms per token (plus [`PASS2_FUEL_BASE`]): a backstop. Its
/// `invalid_*` rules parse a call argument, a named expression's operand and a
/// conditional's condition once and decide on the token after it (trying each rule with
/// its own parse doubled the work per nesting level: `f(f(f(... 1 +)))` took minutes at
/// depth 190). Should some shape still re-parse per level, the specialised message is
/// given up when the fuel runs out (pass 1's "invalid syntax" at the same place is
/// reported) instead of hanging. Ordinary errors use a few atoms per token.
pub const PASS2_FUEL_PER_TOKEN: u64 = 100;
/// See [`PASS2_FUEL_PER_TOKEN`].
pub const PASS2_FUEL_BASE: u64 = 50_000;

/// Pass 2's fuel check, run before each atom: fails (and marks the state starved) once
/// the fuel is spent, so an exponential backtrack ends quickly.
pub fn fuel<'a, E: PassErr<'a>>() -> impl Parser<'a, In<'a>, (), Extra<'a, E>> + Clone {
    empty().try_map_with(|(), e| {
        let span = sp(e.span());
        let st: &mut State = e.state();
        if st.fuel == 0 {
            st.starved = true;
            return Err(E::at(span, None));
        }
        st.fuel -= 1;
        Ok(())
    })
}

/// What rules may consult while parsing: line numbers, the tokens, and whether the
/// second pass's rules are on.
pub struct Ctx<'a> {
    /// Line starts, for "on line N" in messages (indexed on first use).
    lines: std::cell::OnceCell<LineIndex>,
    /// The source text.
    src: &'a str,
    /// The tokens being parsed.
    pub toks: &'a [(Tok, Span)],
    /// Pass 2: CPython's `invalid_*` rules and recovery are on.
    pub invalid: bool,
    /// Per token: bracket depth (f-string fields count) and f-string field depth.
    depth: Vec<(u16, u16)>,
}

impl<'a> Ctx<'a> {
    fn new(src: &'a str, toks: &'a [(Tok, Span)], invalid: bool) -> Ctx<'a> {
        let mut depth = Vec::new();
        if invalid {
            let (mut d, mut f) = (0u16, 0u16);
            depth.reserve(toks.len());
            for (t, _) in toks {
                match t {
                    Tok::Op(RawTok::LParen | RawTok::LBracket | RawTok::LBrace) => d = d.saturating_add(1),
                    Tok::Op(RawTok::RParen | RawTok::RBracket | RawTok::RBrace) => d = d.saturating_sub(1),
                    Tok::FFieldStart => {
                        d = d.saturating_add(1);
                        f = f.saturating_add(1);
                    }
                    _ => {}
                }
                depth.push((d, f));
                if let Tok::FFieldEnd = t {
                    d = d.saturating_sub(1);
                    f = f.saturating_sub(1);
                }
            }
        }
        Ctx { lines: std::cell::OnceCell::new(), src, toks, invalid, depth }
    }

    /// The index of the last token starting before byte `off`.
    fn index_before(&self, off: u32) -> Option<usize> {
        self.toks.partition_point(|(_, s)| s.start < off).checked_sub(1)
    }

    /// The token after the one ending at byte `end`.
    pub fn token_after(&self, end: u32) -> Option<&'a (Tok, Span)> {
        self.index_before(end).and_then(|i| self.toks.get(i + 1))
    }

    /// Whether the token ending at byte `end` is inside brackets (pass 2 only).
    pub fn in_brackets(&self, end: u32) -> bool {
        self.index_before(end).and_then(|i| self.depth.get(i)).is_some_and(|d| d.0 > 0)
    }

    /// Whether byte `off` is inside an f-string replacement field (pass 2 only).
    pub fn in_fstring_field(&self, off: u32) -> bool {
        self.index_before(off + 1).and_then(|i| self.depth.get(i)).is_some_and(|d| d.1 > 0)
    }

    /// The 1-based line of a span's start.
    pub fn line(&self, s: Span) -> usize {
        self.lines.get_or_init(|| LineIndex::new(self.src)).line_of(s.start)
    }
}

/// Byte offsets of line starts, for "on line N" in messages built while parsing.
pub struct LineIndex(Vec<u32>);

impl LineIndex {
    /// Index the lines of `src`.
    pub fn new(src: &str) -> LineIndex {
        let mut v = vec![0];
        v.extend(src.bytes().enumerate().filter(|&(_, b)| b == b'\n').map(|(i, _)| i as u32 + 1));
        LineIndex(v)
    }

    /// 1-based line of a byte offset.
    pub fn line_of(&self, offset: u32) -> usize {
        match self.0.binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        }
    }
}

/// A byte span from a chumsky span (the parser's input uses [`Span`] itself).
#[inline(always)]
pub fn sp(s: Span) -> Span {
    s
}

/// Chumsky spans the token slice with our own [`Span`], so the lexer's tokens are the
/// parser's input as they are (no second, wider copy of the token list).
impl chumsky::span::Span for Span {
    type Context = ();
    type Offset = u32;

    fn new(_: (), range: std::ops::Range<u32>) -> Span {
        Span { start: range.start, end: range.end }
    }

    fn context(&self) {}

    fn start(&self) -> u32 {
        self.start
    }

    fn end(&self) -> u32 {
        self.end
    }
}

/// An operator or delimiter token.
pub fn op<'a, E: PassErr<'a>>(r: RawTok) -> impl Parser<'a, In<'a>, (), Extra<'a, E>> + Clone {
    token(Tok::Op(r), move |t| matches!(t, Tok::Op(o) if *o == r))
}

/// A keyword token.
pub fn kw<'a, E: PassErr<'a>>(k: Kw) -> impl Parser<'a, In<'a>, (), Extra<'a, E>> + Clone {
    token(Tok::Kw(k), move |t| matches!(t, Tok::Kw(o) if *o == k))
}

/// One token for which `is` holds, taken as `just(want).ignored()` would take it (with
/// the same error), without comparing or cloning whole tokens: `op` and `kw` fail
/// several times per token parsed, in every `or` and at the end of every repetition.
fn token<'a, E: PassErr<'a>>(
    want: Tok,
    is: impl Fn(&Tok) -> bool + Clone + 'a,
) -> impl Parser<'a, In<'a>, (), Extra<'a, E>> + Clone {
    custom(move |inp| {
        let before = inp.save();
        match inp.next_ref() {
            Some(t) if is(t) => Ok(()),
            found => {
                let span = inp.span_since(before.cursor());
                inp.rewind(before);
                Err(E::expected_token(&want, found, span))
            }
        }
    })
}

/// The token payloads, from a mapping closure's extra (`select_ref! { .. = e => .. }`).
pub fn pool<'x, 'a, 'b, E: PassErr<'a>>(e: &'x mut chumsky::input::MapExtra<'a, 'b, In<'a>, Extra<'a, E>>) -> &'x Pool {
    let st: &'x mut State = e.state();
    &st.pool
}

/// A name token, as an identifier.
pub fn name<'a, E: PassErr<'a>>() -> impl Parser<'a, In<'a>, super::ast::Ident, Extra<'a, E>> + Clone {
    select_ref! { Tok::Name(n) = e => {
        let span = sp(e.span());
        let st: &mut State = e.state();
        super::ast::Ident { name: Rc::clone(&st.pool.names[*n as usize]), span }
    } }
}

/// Raise a specialised error: it becomes the parse's first error if none came before
/// (backtracking does not undo that, as in CPython, where a raise ends the parse), and it
/// is emitted for the error list (backtracking does undo that).
pub fn raise<'a, E: PassErr<'a>>(st: &mut State, em: &mut Emitter<E>, d: Diagnostic) {
    if st.first.is_none() {
        st.first = Some(First::Raise(d.clone()));
    }
    em.emit(E::custom(d));
}

/// The next token and its span, without consuming it.
pub fn peek_tok<'a, E: PassErr<'a>>() -> impl Parser<'a, In<'a>, (Tok, Span), Extra<'a, E>> + Clone {
    any().map_with(|t: Tok, e| (t, sp(e.span()))).rewind()
}

/// A token CPython's grammar forces (`&&':'`): when it is missing, raise
/// "expected ':'" at the token found instead, and go on as if it were there.
pub fn forced<'a, E: PassErr<'a>>(r: RawTok) -> impl Parser<'a, In<'a>, (), Extra<'a, E>> + Clone {
    op(r).ignored().or(peek_tok().validate(move |(t, span), e, em| {
        let st = e.state();
        match t {
            Tok::Error(k) => {
                st.first.get_or_insert(First::Lex(k));
            }
            t => {
                let msg = format!("expected '{}'", crate::syntax::token::op_str(r));
                let label = match t {
                    Tok::Newline => format!("{msg} at the end of this line"),
                    t => format!("{msg} before {}", t.describe(&st.pool)),
                };
                let d = Diagnostic::syntax(span, msg).with_label(label);
                raise(st, em, d);
            }
        }
    }))
}

/// Parse a module. On failure, returns the diagnostics: first the one CPython reports,
/// then any others found by recovering (in source order), at most [`MAX_ERRORS`].
pub fn parse_module(src: &str) -> Result<Module, Vec<Diagnostic>> {
    let mut lexed = lex(src);
    let toks = std::mem::take(&mut lexed.tokens);
    let pool = Rc::new(std::mem::take(&mut lexed.pool));
    let eoi = Span::new(src.len(), src.len());

    // Pass 1: the plain grammar, with no error bookkeeping; then again with errors.
    if let (Some(body), errs, _) = run_pass::<EmptyErr>(src, &toks, &pool, eoi, false) {
        if errs.is_empty() {
            return Ok(Module { body });
        }
    }
    let (out, errs, first1) = run_pass::<PErr>(src, &toks, &pool, eoi, false);
    if let (Some(body), true) = (out, errs.is_empty()) {
        return Ok(Module { body });
    }
    let fail1 = errs.into_iter().find(|e| e.custom.is_none());
    let lex_diag = |k: u32| lexed.errors[k as usize].clone();

    // Pass 2: specialised errors, and recovery for the rest of the list. Everything
    // before the top-level statement where pass 1 failed parsed, so it starts there.
    let from = fail1.as_ref().map_or(0, |e| top_level_start(&toks, e.span.start));
    let (_, errs2, first2) = run_pass::<PErr>(src, &toks[from..], &pool, eoi, true);
    let ctx = Ctx::new(src, &toks, true);
    let generic = |e: &PErr| {
        let mut d = error::generic(e, src, &lex_diag);
        if !matches!(e.found, Some(error::Found::Error(_))) {
            fstring_prefix(&ctx, &mut d);
        }
        d
    };
    let mut primary = match first1.or(first2) {
        Some(First::Lex(k)) => lex_diag(k),
        Some(First::Raise(mut d)) => {
            fstring_prefix(&ctx, &mut d);
            d
        }
        _ => match &fail1 {
            Some(e) => {
                // Pass 1 records no expectations: take them from pass 2 at the same token.
                let mut e = e.clone();
                if let Some(e2) = errs2.iter().find(|e2| e2.custom.is_none() && e2.span == e.span) {
                    e.expected = e2.expected;
                }
                generic(&e)
            }
            None => Diagnostic::syntax(Span::new(0, 0), "invalid syntax"),
        },
    };
    primary = cpython_overrides(primary, &lexed, &ctx);

    let mut rest: Vec<Diagnostic> = errs2
        .iter()
        .map(|e| match &e.custom {
            Some(d) => {
                let mut d = (**d).clone();
                fstring_prefix(&ctx, &mut d);
                d
            }
            None => generic(e),
        })
        .collect();
    rest.sort_by_key(|d| d.span.start);
    // After a lexical error that ended the token stream, later errors are its echoes.
    if let Some((Tok::Error(k), _)) = toks.last() {
        let stop = lexed.errors[*k as usize].span.start;
        rest.retain(|d| d.span.start < stop);
    }
    let primary_line = ctx.line(primary.span);
    let mut seen_lines = vec![primary_line];
    rest.retain(|d| {
        let line = ctx.line(d.span);
        if seen_lines.contains(&line) {
            return false;
        }
        seen_lines.push(line);
        true
    });
    let mut diags = vec![primary];
    diags.extend(rest);
    diags.truncate(MAX_ERRORS);
    Err(diags)
}

/// The index of the first token of the top-level statement containing byte `at`: a
/// line start at indentation depth 0 that does not continue a compound statement
/// (`elif`, `else`, `except`, `finally`) and does not follow a decorator line.
fn top_level_start(toks: &[(Tok, Span)], at: u32) -> usize {
    let mut depth = 0usize;
    let mut start = 0;
    let mut line_start = true;
    let mut decorated = false;
    for (i, (t, s)) in toks.iter().enumerate() {
        if s.start >= at {
            break;
        }
        match t {
            Tok::Indent => depth += 1,
            Tok::Dedent => depth = depth.saturating_sub(1),
            Tok::Newline => line_start = true,
            _ if line_start => {
                line_start = false;
                let continues = matches!(t, Tok::Kw(Kw::Elif | Kw::Else | Kw::Except | Kw::Finally));
                if depth == 0 && !continues && !decorated {
                    start = i;
                }
                decorated = depth == 0 && matches!(t, Tok::Op(RawTok::At));
            }
            _ => {}
        }
    }
    start
}

/// Run one pass; returns the output, the errors and the first error event.
fn run_pass<E: for<'b> PassErr<'b>>(
    src: &str,
    toks: &[(Tok, Span)],
    pool: &Rc<Pool>,
    eoi: Span,
    invalid: bool,
) -> (Option<Vec<super::ast::Stmt>>, Vec<E>, Option<First>) {
    let ctx = Ctx::new(src, toks, invalid);
    let parser = stmt::module_parser(&ctx);
    let mut state = SimpleState(St { pool: Rc::clone(pool), ..St::default() });
    state.0.fuel = if invalid { PASS2_FUEL_PER_TOKEN * toks.len() as u64 + PASS2_FUEL_BASE } else { u64::MAX };
    error::track_expected(invalid);
    let (out, errs) = parser.parse_with_state(toks.split_token_span(eoi), &mut state).into_output_errors();
    error::track_expected(true);
    if state.0.starved {
        return (None, Vec::new(), None);
    }
    let mut first = state.0.first;
    if first.is_none() && !invalid {
        // Pass 1 stopping at a lexical error token reports that error.
        if let Some(k) = errs.iter().find_map(|e: &E| <E as PassErr<'_>>::generic_lex_error(e)) {
            first = Some(First::Lex(k));
        }
    }
    (out, errs, first)
}

/// Errors inside an f-string's replacement field read "f-string: ...", as CPython 3.11
/// parses those expressions on their own.
fn fstring_prefix(ctx: &Ctx<'_>, d: &mut Diagnostic) {
    if ctx.in_fstring_field(d.span.start) && !d.message.starts_with("f-string") {
        d.message = format!("f-string: {}", d.message);
    }
}

/// After a syntax error CPython tokenizes the rest of the file: a raising lexical error
/// there replaces it, and so does a bracket never closed that opened on an earlier line.
fn cpython_overrides(primary: Diagnostic, lexed: &Lexed, ctx: &Ctx<'_>) -> Diagnostic {
    if lexed.errors.iter().any(|e| *e == primary) {
        return primary;
    }
    let later = lexed.errors.iter().zip(&lexed.raising).find(|(e, r)| **r && e.span.start > primary.span.start);
    if let Some((e, _)) = later {
        return e.clone();
    }
    if let Some((c, s)) = lexed.unclosed {
        if ctx.line(s) < ctx.line(primary.span) {
            return Diagnostic::syntax(s, format!("'{c}' was never closed"));
        }
    }
    primary
}
