//! Tokens: the raw tokens logos finds in the text, and the logical tokens the parser
//! reads (after the indentation pass in `lexer.rs` has added NEWLINE, INDENT and DEDENT,
//! decoded literals and split f-strings into their parts).

use logos::Logos;
use std::fmt;
use std::rc::Rc;

/// Why logos could not produce a raw token.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum RawError {
    /// A character that starts no token.
    #[default]
    Invalid,
    /// A string literal that reaches the end of its line (or of the file, for triple quotes).
    Unterminated {
        /// Whether it was a triple-quoted literal.
        triple: bool,
    },
}

/// The tokens logos recognises directly in the source text.
#[derive(Logos, Clone, Copy, Debug, PartialEq, Eq)]
#[logos(error = RawError)]
#[logos(skip r"[ \t\x0c]+")]
pub enum RawTok {
    /// A backslash joining this line to the next.
    #[regex(r"\\\r?\n")]
    Continuation,
    /// A backslash not followed by a line end.
    #[token("\\")]
    StrayBackslash,
    /// A comment up to the end of the line.
    #[regex(r"#[^\r\n]*", allow_greedy = true)]
    Comment,
    /// A physical line end.
    #[regex(r"\r?\n|\r")]
    Newline,
    /// An identifier or keyword.
    #[regex(r"[\p{XID_Start}_][\p{XID_Continue}]*")]
    Name,
    /// A decimal integer literal (digits validated by the indentation pass).
    #[regex(r"[0-9][0-9_]*")]
    Int,
    /// A hexadecimal, octal or binary integer literal.
    #[regex(r"0[xXoObB][0-9a-zA-Z_]*")]
    RadixInt,
    /// A float literal.
    #[regex(r"[0-9][0-9_]*\.[0-9_]*([eE][+-]?[0-9_]*)?")]
    #[regex(r"\.[0-9][0-9_]*([eE][+-]?[0-9_]*)?")]
    #[regex(r"[0-9][0-9_]*[eE][+-]?[0-9_]*")]
    Float,
    /// A string or bytes literal, with its prefix and quotes.
    #[regex(r#"([rRbBuUfF]|[rR][bBfF]|[bBfF][rR])?['"]"#, lex_string)]
    Str,
    /// Operators and delimiters.
    #[token("(")] LParen,
    #[token(")")] RParen,
    #[token("[")] LBracket,
    #[token("]")] RBracket,
    #[token("{")] LBrace,
    #[token("}")] RBrace,
    #[token(",")] Comma,
    #[token(":")] Colon,
    #[token(";")] Semi,
    #[token(".")] Dot,
    #[token("...")] Ellipsis,
    #[token("->")] Arrow,
    #[token(":=")] Walrus,
    #[token("=")] Assign,
    #[token("+")] Plus,
    #[token("-")] Minus,
    #[token("*")] Star,
    #[token("/")] Slash,
    #[token("//")] DoubleSlash,
    #[token("%")] Percent,
    #[token("**")] DoubleStar,
    #[token("@")] At,
    #[token("<<")] LShift,
    #[token(">>")] RShift,
    #[token("&")] Amp,
    #[token("|")] Pipe,
    #[token("^")] Caret,
    #[token("~")] Tilde,
    #[token("<")] Lt,
    #[token(">")] Gt,
    #[token("<=")] Le,
    #[token(">=")] Ge,
    #[token("==")] EqEq,
    #[token("!=")] NotEq,
    #[token("!")] Bang,
    #[token("+=")] PlusEq,
    #[token("-=")] MinusEq,
    #[token("*=")] StarEq,
    #[token("/=")] SlashEq,
    #[token("//=")] DoubleSlashEq,
    #[token("%=")] PercentEq,
    #[token("**=")] DoubleStarEq,
    #[token("@=")] AtEq,
    #[token("<<=")] LShiftEq,
    #[token(">>=")] RShiftEq,
    #[token("&=")] AmpEq,
    #[token("|=")] PipeEq,
    #[token("^=")] CaretEq,
}

/// Finds the end of a string literal whose prefix and opening quote were just matched.
fn lex_string(lex: &mut logos::Lexer<RawTok>) -> Result<(), RawError> {
    let quote = lex.slice().as_bytes()[lex.slice().len() - 1];
    let rest = lex.remainder().as_bytes();
    let triple = rest.len() >= 2 && rest[0] == quote && rest[1] == quote;
    let mut i = if triple { 2 } else { 0 };
    while i < rest.len() {
        let b = rest[i];
        if b == b'\\' {
            i += 2;
            continue;
        }
        if b == quote {
            if !triple {
                lex.bump(i + 1);
                return Ok(());
            }
            if rest.get(i + 1) == Some(&quote) && rest.get(i + 2) == Some(&quote) {
                lex.bump(i + 3);
                return Ok(());
            }
        } else if (b == b'\n' || b == b'\r') && !triple {
            lex.bump(i);
            return Err(RawError::Unterminated { triple: false });
        }
        i += 1;
    }
    lex.bump(rest.len());
    Err(RawError::Unterminated { triple })
}

/// Python keywords (soft keywords like `match` are plain names here).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kw {
    False, None, True, And, As, Assert, Async, Await, Break, Class, Continue, Def, Del, Elif,
    Else, Except, Finally, For, From, Global, If, Import, In, Is, Lambda, Nonlocal, Not, Or,
    Pass, Raise, Return, Try, While, With, Yield,
}

impl Kw {
    /// The keyword spelled by `s`, if any.
    pub fn from_str(s: &str) -> Option<Kw> {
        Some(match s {
            "False" => Kw::False, "None" => Kw::None, "True" => Kw::True, "and" => Kw::And,
            "as" => Kw::As, "assert" => Kw::Assert, "async" => Kw::Async, "await" => Kw::Await,
            "break" => Kw::Break, "class" => Kw::Class, "continue" => Kw::Continue,
            "def" => Kw::Def, "del" => Kw::Del, "elif" => Kw::Elif, "else" => Kw::Else,
            "except" => Kw::Except, "finally" => Kw::Finally, "for" => Kw::For,
            "from" => Kw::From, "global" => Kw::Global, "if" => Kw::If, "import" => Kw::Import,
            "in" => Kw::In, "is" => Kw::Is, "lambda" => Kw::Lambda, "nonlocal" => Kw::Nonlocal,
            "not" => Kw::Not, "or" => Kw::Or, "pass" => Kw::Pass, "raise" => Kw::Raise,
            "return" => Kw::Return, "try" => Kw::Try, "while" => Kw::While, "with" => Kw::With,
            "yield" => Kw::Yield,
            _ => return None,
        })
    }

    /// How the keyword is spelled.
    pub fn as_str(self) -> &'static str {
        match self {
            Kw::False => "False", Kw::None => "None", Kw::True => "True", Kw::And => "and",
            Kw::As => "as", Kw::Assert => "assert", Kw::Async => "async", Kw::Await => "await",
            Kw::Break => "break", Kw::Class => "class", Kw::Continue => "continue",
            Kw::Def => "def", Kw::Del => "del", Kw::Elif => "elif", Kw::Else => "else",
            Kw::Except => "except", Kw::Finally => "finally", Kw::For => "for",
            Kw::From => "from", Kw::Global => "global", Kw::If => "if", Kw::Import => "import",
            Kw::In => "in", Kw::Is => "is", Kw::Lambda => "lambda", Kw::Nonlocal => "nonlocal",
            Kw::Not => "not", Kw::Or => "or", Kw::Pass => "pass", Kw::Raise => "raise",
            Kw::Return => "return", Kw::Try => "try", Kw::While => "while", Kw::With => "with",
            Kw::Yield => "yield",
        }
    }
}

/// A decoded string-like literal piece.
#[derive(Clone, Debug, PartialEq)]
pub enum Lit {
    /// A `str` literal's decoded text.
    Str(Rc<str>),
    /// A `bytes` literal's decoded bytes.
    Bytes(Rc<[u8]>),
}

/// The payloads of the tokens of one source, which the tokens name by `u32` index, so
/// a token is 8 bytes (16 with its span) and has no destructor: a name token is its
/// index into [`Pool::names`] (each distinct name is allocated once), a literal its index
/// into [`Pool::lits`], a float into [`Pool::floats`], the text of a big integer, of
/// f-string literal text or of a field's `=` into [`Pool::texts`]; an integer literal
/// holds its value when it fits in 31 bits (see [`Pool::int`]).
#[derive(Debug, Default)]
pub struct Pool {
    /// Identifiers, by `Tok::Name` index.
    pub names: Vec<Rc<str>>,
    /// Decoded string and bytes literals, by `Tok::Lit` index.
    pub lits: Vec<Lit>,
    /// Big integers' digits and f-string texts, by `Tok::BigInt`, `FText`, `FDebug` index.
    pub texts: Vec<Rc<str>>,
    /// Float literals, by `Tok::Float` index.
    pub floats: Vec<f64>,
    /// Integer literals of 31 bits or more, by `Tok::Int` index (high bit set).
    pub ints: Vec<i64>,
}

/// `Tok::Int` payloads with this bit set index [`Pool::ints`]; others are the value.
const WIDE: u32 = 1 << 31;

impl Pool {
    /// The payload of a `Tok::Int` for value `v`.
    pub fn int_tok(&mut self, v: i64) -> Tok {
        if (0..WIDE as i64).contains(&v) {
            return Tok::Int(v as u32);
        }
        self.ints.push(v);
        Tok::Int(WIDE | (self.ints.len() - 1) as u32)
    }

    /// The value of a `Tok::Int` payload.
    #[inline]
    pub fn int(&self, x: u32) -> i64 {
        if x & WIDE == 0 { x as i64 } else { self.ints[(x & !WIDE) as usize] }
    }

    /// A new text payload's index.
    pub fn text(&mut self, t: Rc<str>) -> u32 {
        self.texts.push(t);
        (self.texts.len() - 1) as u32
    }
}

/// The logical tokens the parser reads: 8 bytes each, payloads in a [`Pool`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Tok {
    /// End of a logical line.
    Newline,
    /// The start of a more-indented block.
    Indent,
    /// The end of an indented block.
    Dedent,
    /// An identifier (index into [`Pool::names`]).
    Name(u32),
    /// A keyword.
    Kw(Kw),
    /// An integer literal that fits in 64 bits (see [`Pool::int`]).
    Int(u32),
    /// A larger integer literal, as its decimal digits (index into [`Pool::texts`]).
    BigInt(u32),
    /// A float literal (index into [`Pool::floats`]).
    Float(u32),
    /// An imaginary literal (complex numbers are not part of Coro).
    Imag,
    /// A plain string or bytes literal (index into [`Pool::lits`]).
    Lit(u32),
    /// Start of an f-string.
    FStart,
    /// Literal text inside an f-string or its format spec (index into [`Pool::texts`]).
    FText(u32),
    /// `{` opening a replacement field; carries the `=` debug text when present.
    FFieldStart,
    /// The self-documenting `=` of a field, with the exact text before it (`x = `; index
    /// into [`Pool::texts`]).
    FDebug(u32),
    /// `!r`, `!s` or `!a`.
    FConv(char),
    /// `:` starting a format spec.
    FSpec,
    /// `}` closing a replacement field.
    FFieldEnd,
    /// End of an f-string.
    FEnd,
    /// An operator or delimiter, as its raw token.
    Op(RawTok),
    /// A lexical error (index into the lexer's error list). The parser never matches
    /// it: reaching it reports that error, as CPython's tokenizer does when the parser
    /// asks for the bad token.
    Error(u32),
}

// Kept small: see `Pool`.
const _: () = assert!(std::mem::size_of::<Tok>() <= 8);

impl Tok {
    /// How the token is named in a message ("name 'x'", "'if'", "number"...): `pool`
    /// gives a name token's text.
    pub fn describe(&self, pool: &Pool) -> String {
        match self {
            Tok::Name(n) => format!("name '{}'", pool.names[*n as usize]),
            t => t.to_string(),
        }
    }
}

impl fmt::Display for Tok {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Tok::Newline => write!(f, "newline"),
            Tok::Indent => write!(f, "indent"),
            Tok::Dedent => write!(f, "dedent"),
            Tok::Name(_) => write!(f, "name"),
            Tok::Kw(k) => write!(f, "'{}'", k.as_str()),
            Tok::Int(_) | Tok::BigInt(_) | Tok::Float(_) | Tok::Imag => write!(f, "number"),
            Tok::Lit(_) | Tok::FStart => write!(f, "string"),
            Tok::FFieldStart => write!(f, "'{{'"),
            Tok::FFieldEnd => write!(f, "'}}'"),
            Tok::FSpec => write!(f, "':'"),
            Tok::FConv(c) => write!(f, "'!{c}'"),
            Tok::FDebug(_) => write!(f, "'='"),
            Tok::FText(_) | Tok::FEnd => write!(f, "the end of the f-string field"),
            Tok::Op(op) => write!(f, "'{}'", op_str(*op)),
            Tok::Error(_) => write!(f, "invalid token"),
        }
    }
}

/// How an operator or delimiter token is spelled.
pub fn op_str(op: RawTok) -> &'static str {
    use RawTok::*;
    match op {
        LParen => "(", RParen => ")", LBracket => "[", RBracket => "]", LBrace => "{",
        RBrace => "}", Comma => ",", Colon => ":", Semi => ";", Dot => ".", Ellipsis => "...",
        Arrow => "->", Walrus => ":=", Assign => "=", Plus => "+", Minus => "-", Star => "*",
        Slash => "/", DoubleSlash => "//", Percent => "%", DoubleStar => "**", At => "@",
        LShift => "<<", RShift => ">>", Amp => "&", Pipe => "|", Caret => "^", Tilde => "~",
        Lt => "<", Gt => ">", Le => "<=", Ge => ">=", EqEq => "==", NotEq => "!=", Bang => "!",
        PlusEq => "+=", MinusEq => "-=", StarEq => "*=", SlashEq => "/=", DoubleSlashEq => "//=",
        PercentEq => "%=", DoubleStarEq => "**=", AtEq => "@=", LShiftEq => "<<=",
        RShiftEq => ">>=", AmpEq => "&=", PipeEq => "|=", CaretEq => "^=",
        Continuation | StrayBackslash => "\\", Comment => "#", Newline => "newline",
        Name => "name", Int | RadixInt | Float => "number", Str => "string",
    }
}
