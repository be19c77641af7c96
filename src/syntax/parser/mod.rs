//! The chumsky parser over the logical token stream, and the conversion of its errors
//! into diagnostics worded as CPython words them.

mod expr;
mod stmt;
mod targets;

use super::ast::Module;
use super::lexer::{lex, Lexed};
use super::token::{Kw, RawTok, Tok};
use crate::diagnostic::{DiagKind, Diagnostic};
use crate::span::Span;
use chumsky::error::RichReason;
use chumsky::input::MappedInput;
use chumsky::prelude::*;
use std::rc::Rc;

/// The parser's input: logical tokens with their spans.
pub type In<'a> = MappedInput<'a, Tok, SimpleSpan, &'a [(Tok, SimpleSpan)]>;
/// Parser extras: rich errors, no state.
pub type Extra<'a> = extra::Err<Rich<'a, Tok, SimpleSpan>>;
/// A boxed parser producing `O`.
pub type P<'a, O> = Boxed<'a, 'a, In<'a>, O, Extra<'a>>;

/// At most this many errors are reported for one source.
pub const MAX_ERRORS: usize = 20;

fn sp(s: SimpleSpan) -> Span {
    Span::new(s.start, s.end)
}

fn op<'a>(r: RawTok) -> impl Parser<'a, In<'a>, Tok, Extra<'a>> + Clone {
    just(Tok::Op(r))
}

fn kw<'a>(k: Kw) -> impl Parser<'a, In<'a>, Tok, Extra<'a>> + Clone {
    just(Tok::Kw(k))
}

fn name<'a>() -> impl Parser<'a, In<'a>, super::ast::Ident, Extra<'a>> + Clone {
    select! { Tok::Name(n) = e => super::ast::Ident { name: n, span: sp(e.span()) } }.labelled("name")
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

/// Parse a module. On failure, returns the diagnostics in source order (the first is
/// the one CPython would report), at most [`MAX_ERRORS`].
pub fn parse_module(src: &str) -> Result<Module, Vec<Diagnostic>> {
    let lexed = lex(src);
    parse_tokens(src, lexed)
}

fn parse_tokens(src: &str, lexed: Lexed) -> Result<Module, Vec<Diagnostic>> {
    let toks: Vec<(Tok, SimpleSpan)> =
        lexed.tokens.iter().map(|(t, s)| (t.clone(), SimpleSpan::from(s.range()))).collect();
    let lines = LineIndex::new(src);
    let eoi = SimpleSpan::from(src.len()..src.len());
    let parser = stmt::module_parser(&lines);
    let (out, errs) = parser.parse(toks.as_slice().split_token_span(eoi)).into_output_errors();
    let lex_err = lexed.errors.first().cloned();
    let mut diags: Vec<Diagnostic> = errs.iter().map(|e| convert(e, &toks, src, &lexed)).collect();
    diags.sort_by_key(|d| d.span.start);
    diags.dedup_by(|a, b| a.span.start == b.span.start);
    if let Some(le) = lex_err {
        // Tokens stop at a lexical error: a parse error at or after it is only its echo.
        diags.retain(|d| d.span.start < le.span.start && d.span.end <= le.span.start);
        diags.push(le);
    }
    diags.truncate(MAX_ERRORS);
    match out {
        Some(body) if diags.is_empty() => Ok(Module { body }),
        _ if diags.is_empty() => Err(vec![Diagnostic::syntax(Span::new(0, 0), "invalid syntax")]),
        _ => Err(diags),
    }
}

/// Turn one chumsky error into a diagnostic with CPython's wording.
fn convert(e: &Rich<'_, Tok, SimpleSpan>, toks: &[(Tok, SimpleSpan)], src: &str, lexed: &Lexed) -> Diagnostic {
    let span = sp(*e.span());
    if let RichReason::Custom(msg) = e.reason() {
        if let Some(m) = msg.strip_prefix("IndentationError: ") {
            return Diagnostic::new(DiagKind::Indentation, span, m);
        }
        return Diagnostic::syntax(span, msg.clone());
    }
    let found = e.found();
    let idx = toks.iter().position(|(_, s)| s.start >= span.start as usize).unwrap_or(toks.len());
    let at_end = found.is_none()
        || toks[idx..].iter().all(|(t, _)| matches!(t, Tok::Newline | Tok::Dedent));
    if at_end {
        if let Some((c, s)) = lexed.unclosed {
            return Diagnostic::syntax(s, format!("'{c}' was never closed"));
        }
    }
    let expected: Vec<String> = e.expected().map(|p| p.to_string()).collect();
    match found {
        Some(Tok::Indent) => {
            return Diagnostic::new(DiagKind::Indentation, span, "unexpected indent");
        }
        Some(Tok::Newline) if expected.iter().any(|x| x == "':'") => {
            return Diagnostic::syntax(span, "expected ':'").with_label("expected ':' here");
        }
        _ => {}
    }
    if let Some(d) = special_cases(idx, toks, src, span) {
        return d;
    }
    let label = match found {
        Some(t) => format!("unexpected {t}"),
        None => "unexpected end of input".to_string(),
    };
    Diagnostic::syntax(span, "invalid syntax").with_label(label)
}

/// CPython's friendlier messages for common mistakes.
fn special_cases(idx: usize, toks: &[(Tok, SimpleSpan)], _src: &str, span: Span) -> Option<Diagnostic> {
    let starts_atom = |t: &Tok| {
        matches!(t, Tok::Name(_) | Tok::Int(_) | Tok::BigInt(_) | Tok::Float(_) | Tok::Lit(_) | Tok::FStart)
            || matches!(t, Tok::Kw(Kw::None | Kw::True | Kw::False))
    };
    let ends_atom = |t: &Tok| {
        matches!(t, Tok::Name(_) | Tok::Int(_) | Tok::BigInt(_) | Tok::Float(_) | Tok::Lit(_) | Tok::FEnd)
            || matches!(t, Tok::Kw(Kw::None | Kw::True | Kw::False))
            || matches!(t, Tok::Op(RawTok::RParen | RawTok::RBracket | RawTok::RBrace))
    };
    let here = toks.get(idx).map(|(t, _)| t)?;
    // `print "x"`: a statement starting with `print` followed by an expression.
    let line_start = idx == 1 || idx >= 2 && matches!(toks[idx - 2].0, Tok::Newline | Tok::Indent | Tok::Dedent);
    if idx >= 1 && line_start && toks[idx - 1].0 == Tok::Name(Rc::from("print")) && starts_atom(here) {
        let s = Span::new(toks[idx - 1].1.start, span.end as usize);
        return Some(Diagnostic::syntax(s, "Missing parentheses in call to 'print'. Did you mean print(...)?"));
    }
    // Two expressions side by side inside brackets.
    let mut depth = 0i32;
    for (t, _) in &toks[..idx] {
        match t {
            Tok::Op(RawTok::LParen | RawTok::LBracket | RawTok::LBrace) => depth += 1,
            Tok::Op(RawTok::RParen | RawTok::RBracket | RawTok::RBrace) => depth -= 1,
            _ => {}
        }
    }
    if depth > 0 && idx >= 1 && ends_atom(&toks[idx - 1].0) && starts_atom(here) {
        let name_then_string = matches!(toks[idx - 1].0, Tok::Name(_)) && matches!(here, Tok::Lit(_) | Tok::FStart);
        if !name_then_string {
            let s = Span::new(toks[idx - 1].1.start, span.end as usize);
            return Some(
                Diagnostic::syntax(s, "invalid syntax. Perhaps you forgot a comma?")
                    .with_label("these two expressions need a comma between them"),
            );
        }
    }
    None
}
