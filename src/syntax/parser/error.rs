//! The parser's error type: cheap to create and merge (the parser backtracks a lot, and
//! every failed alternative records what it expected), and the conversion of a generic
//! failure into a diagnostic worded as CPython words it.

use super::In;
use crate::diagnostic::{DiagKind, Diagnostic};
use crate::span::Span;
use crate::syntax::token::{op_str, Kw, RawTok, Tok};
use chumsky::error::{EmptyErr, Error, LabelError};
use chumsky::util::MaybeRef;
use chumsky::DefaultExpected;

/// A parse error: where the parser failed, the token it found, a bit set of what it
/// expected there, or a finished diagnostic for a specialised error (a "raise").
#[derive(Clone, Debug)]
pub struct PErr {
    /// The span of the token found (empty at the end of input).
    pub span: Span,
    /// What kind of token was found, `None` at the end of input.
    pub found: Option<Found>,
    /// What was expected, as bits (see [`expect_bit`]).
    pub expected: u128,
    /// A specialised error with its own message.
    pub custom: Option<Box<Diagnostic>>,
}

/// What the parser rules need of an error type: [`PErr`] (with where and why) or
/// chumsky's zero-size [`EmptyErr`] (pass 1's first run, where a valid module costs no
/// error bookkeeping at all).
pub trait PassErr<'a>:
    Error<'a, In<'a>> + LabelError<'a, In<'a>, DefaultExpected<'a, Tok>> + LabelError<'a, In<'a>, &'static str> + Clone + 'a
{
    /// A specialised error carrying its diagnostic.
    fn custom(d: Diagnostic) -> Self;
    /// A bare failure at `span` with nothing expected (for hand-written parsers).
    fn at(span: Span, found: Option<Found>) -> Self;
    /// The lexical error token a generic failure stopped at, if any.
    fn generic_lex_error(&self) -> Option<u32>;
    /// The error of `just(want)` finding `found` at `span` (built only when it is kept).
    fn expected_token(want: &Tok, found: Option<&'a Tok>, span: Span) -> Self;
}

impl<'a> PassErr<'a> for PErr {
    fn custom(d: Diagnostic) -> Self {
        PErr::custom(d)
    }

    fn at(span: Span, found: Option<Found>) -> Self {
        PErr::at(span, found)
    }

    fn generic_lex_error(&self) -> Option<u32> {
        match (&self.custom, self.found) {
            (None, Some(Found::Error(k))) => Some(k),
            _ => None,
        }
    }

    fn expected_token(want: &Tok, found: Option<&'a Tok>, span: Span) -> Self {
        let expected = [DefaultExpected::Token(MaybeRef::Val(want.clone()))];
        <PErr as LabelError<'a, In<'a>, DefaultExpected<'a, Tok>>>::expected_found(expected, found.map(MaybeRef::Ref), span)
    }
}

impl<'a> PassErr<'a> for EmptyErr {
    fn custom(_: Diagnostic) -> Self {
        EmptyErr::default()
    }

    fn at(_: Span, _: Option<Found>) -> Self {
        EmptyErr::default()
    }

    fn generic_lex_error(&self) -> Option<u32> {
        None
    }

    fn expected_token(_: &Tok, _: Option<&'a Tok>, _: Span) -> Self {
        EmptyErr::default()
    }
}

/// The kind of token a parse failed at: all that messages need (the text is in the
/// source at the error's span), and cheap to copy, as errors are made all the time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Found {
    /// A lexical error token, with its index.
    Error(u32),
    /// INDENT.
    Indent,
    /// DEDENT.
    Dedent,
    /// NEWLINE.
    Newline,
    /// Any other token.
    Other,
}

impl Found {
    /// The kind of a token.
    pub fn of(t: &Tok) -> Found {
        match t {
            Tok::Error(k) => Found::Error(*k),
            Tok::Indent => Found::Indent,
            Tok::Dedent => Found::Dedent,
            Tok::Newline => Found::Newline,
            _ => Found::Other,
        }
    }
}

thread_local! {
    /// Whether errors record what was expected. Pass 1 does not (its failures are many
    /// and only the last matters; pass 2 supplies the help line), which saves a set
    /// merge for every failed alternative.
    static TRACK: std::cell::Cell<bool> = const { std::cell::Cell::new(true) };
}

/// Turn the recording of expected tokens on or off for this thread.
pub fn track_expected(on: bool) {
    TRACK.with(|t| t.set(on));
}

fn tracking() -> bool {
    TRACK.with(|t| t.get())
}

/// Bit for "an expression" (set by `labelled("expression")`).
const EXPR_BIT: u32 = 124;
/// Bit for anything not a single token.
const OTHER_BIT: u32 = 125;

/// The bit standing for an expected token.
pub fn expect_bit(t: &Tok) -> u32 {
    match t {
        Tok::Op(r) => *r as u32,
        Tok::Kw(k) => 64 + *k as u32,
        Tok::Newline => 110,
        Tok::Indent => 111,
        Tok::Dedent => 112,
        Tok::Name(_) => 113,
        _ => OTHER_BIT,
    }
}

impl PErr {
    /// A specialised error carrying its diagnostic.
    pub fn custom(d: Diagnostic) -> PErr {
        let span = d.span;
        PErr { span, found: None, expected: 0, custom: Some(Box::new(d)) }
    }

    /// A bare failure at `span` with nothing expected (for hand-written parsers).
    pub fn at(span: Span, found: Option<Found>) -> PErr {
        PErr { span, found, expected: 0, custom: None }
    }

    /// The expected tokens, spelled for a help line (at most a few).
    pub fn expected_list(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.expected & (1 << EXPR_BIT) != 0 {
            out.push("an expression".to_string());
        }
        for bit in 0..EXPR_BIT {
            if self.expected & (1u128 << bit) == 0 {
                continue;
            }
            let name = match bit {
                0..=63 => RAW_OPS.iter().find(|r| **r as u32 == bit).map(|r| format!("'{}'", op_str(*r))),
                64..=109 => KWS.iter().find(|k| 64 + **k as u32 == bit).map(|k| format!("'{}'", k.as_str())),
                110 => Some("a newline".into()),
                111 => Some("an indented block".into()),
                113 => Some("a name".into()),
                _ => None,
            };
            out.extend(name);
        }
        out
    }
}

/// Operators that can appear in an expected set.
const RAW_OPS: &[RawTok] = {
    use RawTok::*;
    &[
        LParen, RParen, LBracket, RBracket, LBrace, RBrace, Comma, Colon, Semi, Dot, Ellipsis, Arrow, Walrus,
        Assign, Plus, Minus, Star, Slash, DoubleSlash, Percent, DoubleStar, At, LShift, RShift, Amp, Pipe,
        Caret, Tilde, Lt, Gt, Le, Ge, EqEq, NotEq,
    ]
};

/// Keywords that can appear in an expected set.
const KWS: &[Kw] = &[
    Kw::As, Kw::Else, Kw::Except, Kw::Finally, Kw::For, Kw::If, Kw::Import, Kw::In, Kw::Def, Kw::Class,
];

impl<'a> LabelError<'a, In<'a>, DefaultExpected<'a, Tok>> for PErr {
    fn expected_found<E: IntoIterator<Item = DefaultExpected<'a, Tok>>>(
        expected: E,
        found: Option<MaybeRef<'a, Tok>>,
        span: Span,
    ) -> Self {
        let mut bits = 0u128;
        let expected = expected.into_iter().take(if tracking() { usize::MAX } else { 0 });
        for e in expected {
            bits |= 1u128 << match e {
                DefaultExpected::Token(t) => expect_bit(&t),
                _ => OTHER_BIT,
            };
        }
        PErr { span, found: found.map(|t| Found::of(&t)), expected: bits, custom: None }
    }

    fn merge_expected_found<E: IntoIterator<Item = DefaultExpected<'a, Tok>>>(
        mut self,
        expected: E,
        _found: Option<MaybeRef<'a, Tok>>,
        _span: Span,
    ) -> Self {
        if !tracking() {
            return self;
        }
        for e in expected {
            self.expected |= 1u128 << match e {
                DefaultExpected::Token(t) => expect_bit(&t),
                _ => OTHER_BIT,
            };
        }
        self
    }
}

impl<'a> LabelError<'a, In<'a>, &'static str> for PErr {
    fn expected_found<E: IntoIterator<Item = &'static str>>(
        expected: E,
        found: Option<MaybeRef<'a, Tok>>,
        span: Span,
    ) -> Self {
        let mut e = PErr { span, found: found.map(|t| Found::of(&t)), expected: 0, custom: None };
        for l in expected {
            e.label_with(l);
        }
        e
    }

    fn label_with(&mut self, label: &'static str) {
        if self.custom.is_none() && label == "expression" {
            self.expected = 1 << EXPR_BIT;
        }
    }
}

impl<'a> Error<'a, In<'a>> for PErr {
    fn merge(mut self, other: Self) -> Self {
        if self.custom.is_none() {
            self.custom = other.custom;
        }
        self.expected |= other.expected;
        self
    }
}

/// The diagnostic for a failure with no specialised message. `lex` gives the lexical
/// error a [`Tok::Error`] stands for.
pub fn generic(e: &PErr, src: &str, lex: &dyn Fn(u32) -> Diagnostic) -> Diagnostic {
    let src_len = src.len();
    let span = e.span;
    match &e.found {
        Some(Found::Error(k)) => lex(*k),
        Some(Found::Indent) => Diagnostic::new(DiagKind::Indentation, span, "unexpected indent")
            .with_label("this line is indented more than the block it is in"),
        Some(Found::Dedent) => Diagnostic::new(DiagKind::Indentation, span, "unexpected unindent")
            .with_label("the block ends here, but the statement is not finished"),
        found => {
            let text = src.get(span.range()).unwrap_or("");
            let label = match found {
                Some(Found::Newline) => "unexpected end of line".to_string(),
                Some(_) if text.is_empty() => "unexpected end of the f-string".to_string(),
                Some(_) if text.starts_with(['"', '\'']) || text.len() > 24 => "unexpected string".to_string(),
                Some(_) => format!("unexpected '{text}'"),
                None => "unexpected end of input".to_string(),
            };
            let span = if found.is_none() { Span::new(src_len, src_len) } else { span };
            let mut d = Diagnostic::syntax(span, "invalid syntax").with_label(label);
            // Only what structures the code: operators that could continue an
            // expression are always possible and would only add noise.
            const SHOWN: &[&str] = &[
                "')'", "']'", "'}'", "':'", "','", "'('", "'in'", "'import'", "'as'", "'except'", "'finally'",
                "a name", "an expression", "an indented block",
            ];
            let expected: Vec<String> = e.expected_list().into_iter().filter(|x| SHOWN.contains(&x.as_str())).collect();
            if !expected.is_empty() && expected.len() <= 4 {
                d = d.with_help(format!("expected {}", expected.join(" or ")));
            }
            d
        }
    }
}
