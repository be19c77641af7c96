//! The indentation pass: turns logos's raw tokens into the logical token stream.
//!
//! It keeps an indent stack (with CPython's second "tab size 1" column to detect
//! ambiguous tab/space mixes), a bracket stack (newlines inside brackets are ignored),
//! emits NEWLINE at the end of each logical line and pending DEDENTs at end of file,
//! decodes number and string literals, and splits f-strings into their parts, whose
//! expressions are lexed again by this same pass.

use super::literal::{decode_bytes, decode_str, StrPrefix};
use super::token::{Kw, Lit, Pool, RawError, RawTok, Tok};
use crate::diagnostic::{DiagKind, Diagnostic};
use crate::span::Span;
use logos::Logos;
use std::rc::Rc;

/// CPython's limit on nested brackets.
const MAX_BRACKETS: usize = 200;
/// CPython's limit on indentation levels.
const MAX_INDENT: usize = 100;

/// The logical tokens of a source text and the lexical errors found in it. Each error
/// also stands in the token stream as a [`Tok::Error`] at the place it was found;
/// lexing goes on after most errors, so that later statements are still checked.
#[derive(Debug, Default)]
pub struct Lexed {
    /// Tokens with their byte spans.
    pub tokens: Vec<(Tok, Span)>,
    /// The tokens' names, literals and texts.
    pub pool: Pool,
    /// Lexical errors, in source order.
    pub errors: Vec<Diagnostic>,
    /// For each error, whether CPython's tokenizer raises it as soon as it sees it, so
    /// that it wins over a syntax error found earlier in the file (CPython tokenizes the
    /// rest of the file after a syntax error, and such errors replace it). Indentation
    /// errors, a stray ASCII character and end of file inside brackets are not raising.
    pub raising: Vec<bool>,
    /// The innermost bracket still open at end of input (for "'(' was never closed").
    pub unclosed: Option<(char, Span)>,
}

/// Lex a whole module.
pub fn lex(src: &str) -> Lexed {
    let mut lx = Lexer { src, out: Lexed::default(), brackets: Vec::new(), spare: Vec::new(), names: hashbrown::HashMap::new(), newlines: None };
    // About one token per 3.5 bytes of typical code: reserve once, with no copy on growth.
    lx.out.tokens.reserve(src.len() / 3);
    if let Some(i) = src.find('\0') {
        lx.error_tok(DiagKind::Syntax, Span::new(i, i + 1), "source code cannot contain null bytes", true);
        return lx.out;
    }
    lx.run(0, src.len(), false);
    lx.out
}

struct Lexer<'a> {
    src: &'a str,
    out: Lexed,
    brackets: Vec<(char, Span)>,
    /// An empty bracket stack kept for f-string fields (each lexes with its own).
    spare: Vec<(char, Span)>,
    /// Identifiers seen so far, as their tokens: each distinct name is allocated once,
    /// and whether it is a keyword is decided once.
    names: hashbrown::HashMap<&'a str, Tok>,
    /// Offsets of the newlines in the source, built when an error first needs a line.
    newlines: Option<Vec<u32>>,
}

impl<'a> Lexer<'a> {
    /// How many newlines come before byte `off` (so errors on many lines stay linear).
    fn newlines_before(&mut self, off: usize) -> usize {
        let src = self.src;
        let nl = self.newlines.get_or_insert_with(|| {
            src.bytes().enumerate().filter(|&(_, b)| b == b'\n').map(|(i, _)| i as u32).collect()
        });
        nl.partition_point(|&i| (i as usize) < off)
    }

    /// Record a raising error without a token: the caller decides.
    fn error(&mut self, kind: DiagKind, span: Span, msg: impl Into<String>) {
        self.out.errors.push(Diagnostic::new(kind, span, msg));
        self.out.raising.push(true);
    }

    /// Record an error and put its [`Tok::Error`] into the token stream.
    fn error_tok(&mut self, kind: DiagKind, span: Span, msg: impl Into<String>, raising: bool) {
        let idx = self.out.errors.len() as u32;
        self.out.errors.push(Diagnostic::new(kind, span, msg));
        self.out.raising.push(raising);
        self.push(Tok::Error(idx), span);
    }

    /// Put the last recorded error into the token stream at `span`.
    fn last_error_tok(&mut self, span: Span) {
        let idx = self.out.errors.len().saturating_sub(1) as u32;
        self.push(Tok::Error(idx), span);
    }

    fn push(&mut self, tok: Tok, span: Span) {
        self.out.tokens.push((tok, span));
    }

    /// Lex `src[start..end]`. `nested` is true for an f-string expression: no
    /// indentation or newline tokens are produced there, and the first error stops it
    /// (returning false). At top level, lexing goes on after most errors.
    fn run(&mut self, start: usize, end: usize, nested: bool) -> bool {
        let text = &self.src[start..end];
        let mut raw = RawTok::lexer(text).spanned();
        // An f-string expression (nested) has no indentation: no stack allocated for it.
        let mut indents: Vec<(usize, usize)> = if nested { Vec::new() } else { vec![(0, 0)] };
        let mut at_line_start = !nested;
        // Where the current physical line starts (after the last newline or continuation).
        let mut line_start = start;
        let mut line_has_tokens = false;
        let base_depth = self.brackets.len();
        while let Some((res, range)) = raw.next() {
            let span = Span::new(range.start + start, range.end + start);
            let tok = match res {
                Ok(t) => t,
                Err(RawError::Unterminated { triple }) => {
                    let upto = &self.src[..span.end as usize];
                    let line = self.newlines_before(upto.len()) + 1 - usize::from(upto.ends_with('\n'));
                    let what = if triple { "unterminated triple-quoted string literal" } else { "unterminated string literal" };
                    let at = Span::new(span.start as usize, span.start as usize + 1);
                    if at_line_start && !self.indent(&mut indents, line_start, at) {
                        return false;
                    }
                    at_line_start = false;
                    line_has_tokens = true;
                    self.error_tok(DiagKind::Syntax, at, format!("{what} (detected at line {line})"), true);
                    if nested || triple {
                        return false;
                    }
                    continue;
                }
                Err(RawError::Invalid) => {
                    let c = self.src[span.start as usize..].chars().next().unwrap_or('?');
                    let msg = if c.is_ascii() || c.is_whitespace() && c != '\u{a0}' {
                        "invalid syntax".to_string()
                    } else {
                        format!("invalid character '{c}' (U+{:04X})", c as u32)
                    };
                    if at_line_start && !self.indent(&mut indents, line_start, span) {
                        return false;
                    }
                    at_line_start = false;
                    line_has_tokens = true;
                    // A stray ASCII character is only a syntax error where the parser meets it.
                    self.error_tok(DiagKind::Syntax, span, msg, !c.is_ascii());
                    if nested {
                        return false;
                    }
                    continue;
                }
            };
            match tok {
                RawTok::Comment => {
                    if nested {
                        self.error(DiagKind::Syntax, span, "f-string expression part cannot include '#'");
                        return false;
                    }
                    continue;
                }
                RawTok::Continuation => {
                    line_start = span.end as usize;
                    if nested {
                        self.error(DiagKind::Syntax, span, "f-string expression part cannot include a backslash");
                        return false;
                    }
                    if span.end as usize == self.src.len() {
                        let eof = Span::new(span.end as usize, span.end as usize);
                        self.error_tok(DiagKind::Syntax, eof, "unexpected EOF while parsing", false);
                        return false;
                    }
                    continue;
                }
                RawTok::StrayBackslash => {
                    if nested {
                        self.error(DiagKind::Syntax, span, "f-string expression part cannot include a backslash");
                        return false;
                    }
                    line_has_tokens = true;
                    self.error_tok(DiagKind::Syntax, span, "unexpected character after line continuation character", false);
                    continue;
                }
                RawTok::Newline => {
                    line_start = span.end as usize;
                    if nested || self.brackets.len() > base_depth {
                        continue;
                    }
                    if line_has_tokens {
                        self.push(Tok::Newline, span);
                        line_has_tokens = false;
                    }
                    at_line_start = true;
                    continue;
                }
                _ => {}
            }
            if at_line_start {
                at_line_start = false;
                if !self.indent(&mut indents, line_start, span) {
                    return false;
                }
            }
            line_has_tokens = true;
            if !self.token(tok, span, nested) {
                return false;
            }
        }
        if nested {
            return true;
        }
        let eof = Span::new(end, end);
        if let Some(&(c, sp)) = self.brackets.last() {
            self.out.unclosed = Some((c, sp));
            self.error_tok(DiagKind::Syntax, sp, format!("'{c}' was never closed"), false);
            // The token goes at the end, where the parser meets it.
            if let Some(last) = self.out.tokens.last_mut() {
                last.1 = eof;
            }
            return false;
        }
        if line_has_tokens {
            self.push(Tok::Newline, eof);
        }
        for _ in 1..indents.len() {
            self.push(Tok::Dedent, eof);
        }
        true
    }

    /// Handle the indentation of the first token of a logical line, on the physical line
    /// starting at `line_start`.
    fn indent(&mut self, indents: &mut Vec<(usize, usize)>, line_start: usize, tok: Span) -> bool {
        let (mut col, mut alt) = (0usize, 0usize);
        for b in self.src[line_start..tok.start as usize].bytes() {
            match b {
                b' ' => {
                    col += 1;
                    alt += 1;
                }
                b'\t' => {
                    col = (col / 8 + 1) * 8;
                    alt += 1;
                }
                b'\x0c' => {
                    col = 0;
                    alt = 0;
                }
                _ => break,
            }
        }
        let here = Span::new(line_start, tok.start as usize);
        let (top, top_alt) = *indents.last().unwrap();
        if col == top {
            if alt != top_alt {
                self.tab_error(here);
            }
        } else if col > top {
            if alt <= top_alt {
                self.tab_error(here);
                return true;
            }
            if indents.len() >= MAX_INDENT {
                self.error_tok(DiagKind::Indentation, tok, "too many levels of indentation", false);
                return false;
            }
            indents.push((col, alt));
            self.push(Tok::Indent, here);
        } else {
            while indents.len() > 1 && col < indents.last().unwrap().0 {
                indents.pop();
                self.push(Tok::Dedent, tok);
            }
            let (top, top_alt) = *indents.last().unwrap();
            if col != top {
                self.error_tok(DiagKind::Indentation, tok, "unindent does not match any outer indentation level", false);
            } else if alt != top_alt {
                self.tab_error(here);
            }
        }
        true
    }

    fn tab_error(&mut self, span: Span) {
        self.error_tok(DiagKind::Tab, span, "inconsistent use of tabs and spaces in indentation", false);
    }

    /// Convert one raw token (not a newline, comment or continuation).
    fn token(&mut self, tok: RawTok, span: Span, nested: bool) -> bool {
        match tok {
            RawTok::Name => {
                let src: &'a str = self.src;
                let text = &src[span.range()];
                let pool = &mut self.out.pool;
                let t = *self.names.entry(text).or_insert_with(|| match Kw::from_str(text) {
                    Some(k) => Tok::Kw(k),
                    None => {
                        pool.names.push(Rc::from(text));
                        Tok::Name((pool.names.len() - 1) as u32)
                    }
                });
                self.push(t, span);
            }
            RawTok::Int | RawTok::RadixInt | RawTok::Float => return self.number(tok, span),
            RawTok::Str => return self.string(span),
            RawTok::LParen | RawTok::LBracket | RawTok::LBrace => {
                if self.brackets.len() >= MAX_BRACKETS {
                    self.error_tok(DiagKind::Syntax, span, "too many nested parentheses", true);
                    return false;
                }
                self.brackets.push((bracket_char(tok), span));
                self.push(Tok::Op(tok), span);
            }
            RawTok::RParen | RawTok::RBracket | RawTok::RBrace => {
                let close = bracket_char(tok);
                match self.brackets.pop() {
                    None => {
                        self.error_tok(DiagKind::Syntax, span, format!("unmatched '{close}'"), true);
                        return true;
                    }
                    Some((open, open_span)) => {
                        let want = match open {
                            '(' => ')',
                            '[' => ']',
                            _ => '}',
                        };
                        if want != close {
                            let open_line = self.newlines_before(open_span.start as usize);
                            let here_line = self.newlines_before(span.start as usize);
                            let msg = if open_line == here_line {
                                format!("closing parenthesis '{close}' does not match opening parenthesis '{open}'")
                            } else {
                                format!("closing parenthesis '{close}' does not match opening parenthesis '{open}' on line {}", open_line + 1)
                            };
                            self.error_tok(DiagKind::Syntax, span, msg, true);
                            return true;
                        }
                    }
                }
                self.push(Tok::Op(tok), span);
            }
            _ => {
                let _ = nested;
                self.push(Tok::Op(tok), span);
            }
        }
        true
    }

    /// Validate and convert a number literal.
    fn number(&mut self, tok: RawTok, span: Span) -> bool {
        let text = &self.src[span.range()];
        let after = self.src[span.end as usize..].chars().next();
        let bad = |me: &mut Self, what: &str| {
            me.error_tok(DiagKind::Syntax, span, format!("invalid {what} literal"), true);
            true
        };
        if matches!(after, Some('j' | 'J')) {
            self.error_tok(DiagKind::Syntax, Span::new(span.start as usize, span.end as usize + 1),
                "imaginary literals are not supported (Coro has no complex numbers)", true);
            return true;
        }
        let name_follows = after.is_some_and(|c| c == '_' || c.is_alphanumeric());
        match tok {
            RawTok::Int => {
                if name_follows || !underscores_ok(text) {
                    return bad(self, "decimal");
                }
                if text.len() < 19 && !text.contains('_') && (text.len() == 1 || !text.starts_with('0')) {
                    // The common case: a short plain literal.
                    let v = text.bytes().fold(0i64, |v, b| v * 10 + (b - b'0') as i64);
                    let t = self.out.pool.int_tok(v);
                    self.push(t, span);
                    return true;
                }
                let digits: String = text.chars().filter(|&c| c != '_').collect();
                if digits.len() > 1 && digits.starts_with('0') && digits.bytes().any(|b| b != b'0') {
                    self.error_tok(DiagKind::Syntax, span,
                        "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers", true);
                    return true;
                }
                let t = match digits.parse::<i64>() {
                    Ok(v) => self.out.pool.int_tok(v),
                    Err(_) => Tok::BigInt(self.out.pool.text(Rc::from(digits.trim_start_matches('0')))),
                };
                self.push(t, span);
            }
            RawTok::RadixInt => {
                let (radix, what) = match text.as_bytes()[1] {
                    b'x' | b'X' => (16, "hexadecimal"),
                    b'o' | b'O' => (8, "octal"),
                    _ => (2, "binary"),
                };
                let body = &text[2..];
                if let Some(c) = body.chars().find(|&c| c != '_' && !c.is_digit(radix)) {
                    if c.is_ascii_digit() {
                        self.error_tok(DiagKind::Syntax, span, format!("invalid digit '{c}' in {what} literal"), true);
                        return true;
                    }
                    return bad(self, what);
                }
                let inner = &text[1..];
                if body.is_empty() || name_follows || !underscores_ok(inner) {
                    return bad(self, what);
                }
                let digits: String = body.chars().filter(|&c| c != '_').collect();
                let t = match i64::from_str_radix(&digits, radix) {
                    Ok(v) => self.out.pool.int_tok(v),
                    Err(_) => {
                        let big = num_bigint::BigUint::parse_bytes(digits.as_bytes(), radix).unwrap_or_default();
                        Tok::BigInt(self.out.pool.text(Rc::from(big.to_string())))
                    }
                };
                self.push(t, span);
            }
            _ => {
                let ok = !name_follows
                    && float_ok(text)
                    && text.split(['.', 'e', 'E']).all(|p| {
                        let p = p.trim_start_matches(['+', '-']);
                        p.is_empty() || underscores_ok(p)
                    });
                if !ok {
                    return bad(self, "decimal");
                }
                let clean: String = text.chars().filter(|&c| c != '_').collect();
                match clean.parse::<f64>() {
                    Ok(v) => {
                        self.out.pool.floats.push(v);
                        self.push(Tok::Float((self.out.pool.floats.len() - 1) as u32), span)
                    }
                    Err(_) => return bad(self, "decimal"),
                }
            }
        }
        true
    }

    /// Decode a string, bytes or f-string literal token.
    fn string(&mut self, span: Span) -> bool {
        let text = &self.src[span.range()];
        let qpos = text.find(['\'', '"']).unwrap();
        let prefix = StrPrefix::parse(&text[..qpos]);
        let q = &text[qpos..];
        let qlen = if q.len() >= 6 && (q.starts_with("'''") || q.starts_with("\"\"\"")) { 3 } else { 1 };
        let body_start = span.start as usize + qpos + qlen;
        let body_end = span.end as usize - qlen;
        if prefix.fstring {
            return self.fstring(prefix, span, body_start, body_end);
        }
        let body = &self.src[body_start..body_end];
        let result = if prefix.bytes {
            decode_bytes(body, prefix.raw).map(|b| Lit::Bytes(Rc::from(b)))
        } else {
            decode_str(body, prefix.raw).map(|s| Lit::Str(Rc::from(s)))
        };
        match result {
            Ok(lit) => {
                self.out.pool.lits.push(lit);
                self.push(Tok::Lit((self.out.pool.lits.len() - 1) as u32), span);
                true
            }
            Err(msg) => {
                self.error_tok(DiagKind::Syntax, span, msg, true);
                true
            }
        }
    }

    /// Split an f-string body into literal text and replacement fields. On an error the
    /// f-string's tokens are replaced by one [`Tok::Error`] and lexing goes on after it.
    fn fstring(&mut self, prefix: StrPrefix, lit: Span, start: usize, end: usize) -> bool {
        let mark = self.out.tokens.len();
        self.push(Tok::FStart, Span::new(lit.start as usize, start));
        if !self.fstring_body(prefix, start, end, 0) {
            self.out.tokens.truncate(mark);
            let at = self.out.errors.last().map_or(Span::new(start, end), |e| e.span);
            self.last_error_tok(at);
            return true;
        }
        self.push(Tok::FEnd, Span::new(end, lit.end as usize));
        true
    }

    /// Lex literal text and fields of `src[start..end]`; `depth` counts format-spec nesting.
    fn fstring_body(&mut self, prefix: StrPrefix, start: usize, end: usize, depth: usize) -> bool {
        let bytes = self.src.as_bytes();
        let mut lit_start = start;
        let mut i = start;
        while i < end {
            let b = bytes[i];
            if b == b'{' || b == b'}' {
                let doubled = i + 1 < end && bytes[i + 1] == b;
                if doubled || b == b'}' {
                    if !doubled {
                        self.error(DiagKind::Syntax, Span::new(i, i + 1), "f-string: single '}' is not allowed");
                        return false;
                    }
                    if !self.flush_text(prefix, lit_start, i + 1) {
                        return false;
                    }
                    i += 2;
                    lit_start = i;
                    continue;
                }
                if !self.flush_text(prefix, lit_start, i) {
                    return false;
                }
                match self.field(prefix, i, end, depth) {
                    Some(next) => {
                        i = next;
                        lit_start = i;
                    }
                    None => return false,
                }
                continue;
            }
            if b == b'\\' && !prefix.raw {
                i += 1;
            }
            i += 1;
        }
        self.flush_text(prefix, lit_start, end.min(i.max(lit_start)))
    }

    /// Emit literal f-string text `src[start..end]` (escapes decoded) as one FText, if
    /// it decodes to any text: straight from the source or the decoded copy into the pool.
    fn flush_text(&mut self, prefix: StrPrefix, start: usize, end: usize) -> bool {
        if end <= start {
            return true;
        }
        let src: &'a str = self.src;
        match decode_str(&src[start..end], prefix.raw) {
            Ok(s) if s.is_empty() => true,
            Ok(s) => {
                let t = self.out.pool.text(Rc::from(&*s));
                self.push(Tok::FText(t), Span::new(start, end));
                true
            }
            Err(msg) => {
                self.error(DiagKind::Syntax, Span::new(start, end), msg);
                false
            }
        }
    }

    /// Lex one replacement field starting at the `{` at `open`; returns the offset after its `}`.
    fn field(&mut self, prefix: StrPrefix, open: usize, end: usize, depth: usize) -> Option<usize> {
        if depth >= 2 {
            self.error(DiagKind::Syntax, Span::new(open, open + 1), "f-string: expressions nested too deeply");
            return None;
        }
        let bytes = self.src.as_bytes();
        let expr_start = open + 1;
        let mut i = expr_start;
        let mut nest = 0usize;
        let mut quote: Option<u8> = None;
        let mut stop = None;
        while i < end {
            let b = bytes[i];
            if b == b'\\' {
                self.error(DiagKind::Syntax, Span::new(i, i + 1), "f-string expression part cannot include a backslash");
                return None;
            }
            if let Some(q) = quote {
                if b == q {
                    quote = None;
                }
                i += 1;
                continue;
            }
            match b {
                b'\'' | b'"' => quote = Some(b),
                b'(' | b'[' | b'{' => nest += 1,
                b')' | b']' | b'}' if nest > 0 => nest -= 1,
                b'}' => {
                    stop = Some(i);
                    break;
                }
                b'\\' => {
                    self.error(DiagKind::Syntax, Span::new(i, i + 1), "f-string expression part cannot include a backslash");
                    return None;
                }
                b'#' => {
                    self.error(DiagKind::Syntax, Span::new(i, i + 1), "f-string expression part cannot include '#'");
                    return None;
                }
                b'!' if nest == 0 && bytes.get(i + 1) != Some(&b'=') => {
                    stop = Some(i);
                    break;
                }
                b':' if nest == 0 => {
                    stop = Some(i);
                    break;
                }
                b'=' if nest == 0 => {
                    let prev = if i > expr_start { bytes[i - 1] } else { b' ' };
                    let next = bytes.get(i + 1).copied().unwrap_or(b'}');
                    if next != b'=' && !matches!(prev, b'=' | b'!' | b'<' | b'>') {
                        stop = Some(i);
                        break;
                    }
                    if next == b'=' {
                        i += 1;
                    }
                }
                _ => {}
            }
            i += 1;
        }
        let Some(mut stop) = stop else {
            self.error(DiagKind::Syntax, Span::new(open, end), "f-string: expecting '}'");
            return None;
        };
        let expr_text = &self.src[expr_start..stop];
        if expr_text.trim().is_empty() {
            self.error(DiagKind::Syntax, Span::new(open, stop + 1), "f-string: empty expression not allowed");
            return None;
        }
        self.push(Tok::FFieldStart, Span::new(open, open + 1));
        // The field's own bracket stack (the spare one: no allocation per field).
        let spare = std::mem::take(&mut self.spare);
        let saved = std::mem::replace(&mut self.brackets, spare);
        self.brackets.push(('(', Span::new(open, open + 1)));
        let before = self.out.errors.len();
        self.run(expr_start, stop, true);
        let open_inside = self.brackets.len() > 1;
        self.spare = std::mem::replace(&mut self.brackets, saved);
        self.spare.clear();
        if self.out.errors.len() > before {
            return None;
        }
        if open_inside {
            self.error(DiagKind::Syntax, Span::new(open, stop), "f-string: expecting '}'");
            return None;
        }
        if bytes[stop] == b'=' {
            let mut j = stop + 1;
            while j < end && bytes[j].is_ascii_whitespace() {
                j += 1;
            }
            let debug = &self.src[expr_start..j];
            let t = self.out.pool.text(Rc::from(debug));
            self.push(Tok::FDebug(t), Span::new(expr_start, j));
            stop = j;
        }
        if stop < end && bytes[stop] == b'!' {
            let conv = self.src[stop + 1..end].chars().next();
            match conv {
                Some(c @ ('r' | 's' | 'a')) if matches!(bytes.get(stop + 2), Some(b'}' | b':')) => {
                    self.push(Tok::FConv(c), Span::new(stop, stop + 2));
                    stop += 2;
                }
                Some('r' | 's' | 'a') if stop + 2 < end => {
                    self.error(DiagKind::Syntax, Span::new(stop + 2, stop + 3), "f-string: expecting '}'");
                    return None;
                }
                _ => {
                    self.error(DiagKind::Syntax, Span::new(stop, stop + 1),
                        "f-string: invalid conversion character: expected 's', 'r', or 'a'");
                    return None;
                }
            }
        }
        if stop < end && bytes[stop] == b':' {
            self.push(Tok::FSpec, Span::new(stop, stop + 1));
            let spec_start = stop + 1;
            let mut j = spec_start;
            let mut nest = 0usize;
            while j < end {
                match bytes[j] {
                    b'{' => nest += 1,
                    b'}' if nest == 0 => break,
                    b'}' => nest -= 1,
                    _ => {}
                }
                j += 1;
            }
            if j >= end {
                self.error(DiagKind::Syntax, Span::new(open, end), "f-string: expecting '}'");
                return None;
            }
            if !self.fstring_body(prefix, spec_start, j, depth + 1) {
                return None;
            }
            stop = j;
        }
        if stop >= end || bytes[stop] != b'}' {
            self.error(DiagKind::Syntax, Span::new(open, end.min(stop + 1)), "f-string: expecting '}'");
            return None;
        }
        self.push(Tok::FFieldEnd, Span::new(stop, stop + 1));
        Some(stop + 1)
    }
}

/// The character of a bracket token.
fn bracket_char(tok: RawTok) -> char {
    match tok {
        RawTok::LParen => '(',
        RawTok::RParen => ')',
        RawTok::LBracket => '[',
        RawTok::RBracket => ']',
        RawTok::LBrace => '{',
        _ => '}',
    }
}

/// Whether underscores in a digit string sit only between digits.
fn underscores_ok(text: &str) -> bool {
    let b = text.as_bytes();
    if b.last() == Some(&b'_') || b.first() == Some(&b'_') {
        return false;
    }
    !b.windows(2).any(|w| w[0] == b'_' && (w[1] == b'_' || !w[1].is_ascii_alphanumeric()))
        && !b.windows(2).any(|w| !w[0].is_ascii_alphanumeric() && w[1] == b'_')
}

/// Whether a float literal has digits where Python needs them.
fn float_ok(text: &str) -> bool {
    match text.find(['e', 'E']) {
        Some(i) => text[i + 1..].trim_start_matches(['+', '-']).starts_with(|c: char| c.is_ascii_digit()),
        None => true,
    }
}
