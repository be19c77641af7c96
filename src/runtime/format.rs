//! Python 3.11 compatible formatting of built-in numbers and strings.
//!
//! This module implements `format(value, spec)` (and therefore f-string
//! format specs and `str.format`) for `int`, `float` and `str`, plus
//! `repr()`/`str()` of floats. The output matches CPython 3.11 byte for
//! byte, including its error messages. Printf-style `%` formatting lives in
//! the sibling `percent` module; the float-to-digits engine (shared by both)
//! lives in the sibling `floatrepr` module and is re-exported here.
//!
//! The module depends only on `std`, `num-bigint` and `num-traits`; it knows
//! nothing about interpreter values.

use std::fmt;

use num_bigint::BigInt;
use num_traits::{Signed, ToPrimitive};

pub use super::floatrepr::{double_to_string, float_repr};

/// Upper bound on the length (in characters) of any string produced here.
///
/// CPython happily builds strings of a few gigabytes when asked for a huge
/// width or precision and raises `MemoryError` beyond what it can allocate.
/// Rust aborts the process on allocation failure, so anything longer than
/// this limit is reported as a `MemoryError` instead.
pub const MAX_OUTPUT_CHARS: usize = 1 << 32;

/// The Python exception type that a formatting error maps to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// `ValueError`.
    ValueError,
    /// `TypeError`.
    TypeError,
    /// `OverflowError`.
    OverflowError,
    /// `MemoryError` (the message is empty).
    MemoryError,
}

/// A formatting failure: the Python exception type and CPython's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatError {
    /// Which Python exception to raise.
    pub kind: ErrorKind,
    /// The exception message, exactly as CPython 3.11 words it.
    pub message: String,
}

impl FormatError {
    /// Builds a `ValueError`.
    pub fn value(message: impl Into<String>) -> Self {
        FormatError {
            kind: ErrorKind::ValueError,
            message: message.into(),
        }
    }
    /// Builds a `TypeError`.
    pub fn type_error(message: impl Into<String>) -> Self {
        FormatError {
            kind: ErrorKind::TypeError,
            message: message.into(),
        }
    }
    /// Builds an `OverflowError`.
    pub fn overflow(message: impl Into<String>) -> Self {
        FormatError {
            kind: ErrorKind::OverflowError,
            message: message.into(),
        }
    }
    /// Builds a `MemoryError` with an empty message.
    pub fn memory() -> Self {
        FormatError {
            kind: ErrorKind::MemoryError,
            message: String::new(),
        }
    }
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self.kind {
            ErrorKind::ValueError => "ValueError",
            ErrorKind::TypeError => "TypeError",
            ErrorKind::OverflowError => "OverflowError",
            ErrorKind::MemoryError => "MemoryError",
        };
        if self.message.is_empty() {
            write!(f, "{name}")
        } else {
            write!(f, "{name}: {}", self.message)
        }
    }
}

impl std::error::Error for FormatError {}

/// Fails with `MemoryError` when `n` exceeds [`MAX_OUTPUT_CHARS`].
pub(super) fn check_len(n: usize) -> Result<(), FormatError> {
    if n > MAX_OUTPUT_CHARS {
        Err(FormatError::memory())
    } else {
        Ok(())
    }
}

/// A parsed format specification
/// (`[[fill]align][sign][z][#][0][width][grouping][.precision][type]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatSpec {
    /// Explicit fill character (only present together with an alignment).
    pub fill: Option<char>,
    /// Explicit alignment: one of `<`, `>`, `^`, `=`.
    pub align: Option<char>,
    /// Sign option: `+`, `-` or space.
    pub sign: Option<char>,
    /// The `z` option (coerce negative zero to positive zero).
    pub no_neg_0: bool,
    /// The `#` option (alternate form).
    pub alternate: bool,
    /// The `0` option was given (and no explicit fill).
    pub zero: bool,
    /// Minimum field width.
    pub width: Option<usize>,
    /// Thousands separator: `,` or `_`.
    pub grouping: Option<char>,
    /// Precision.
    pub precision: Option<usize>,
    /// Presentation type; the caller's default when the spec has none
    /// (`None` only for float's "no type" presentation).
    pub ty: Option<char>,
}

impl FormatSpec {
    /// The fill character in effect (explicit fill, `0` option, or space).
    pub fn fill_char(&self) -> char {
        self.fill.unwrap_or(if self.zero { '0' } else { ' ' })
    }

    /// The alignment in effect, given the type's default alignment
    /// (`>` for numbers, `<` for strings).
    pub fn align_char(&self, default_align: char) -> char {
        match self.align {
            Some(a) => a,
            None if self.zero && default_align == '>' => '=',
            None => default_align,
        }
    }
}

/// Unicode code points whose general category is `Nd` and whose decimal
/// value is zero; each starts a run of ten consecutive digits (Unicode 14).
const DECIMAL_ZEROS: [u32; 66] = [
    0x30, 0x660, 0x6f0, 0x7c0, 0x966, 0x9e6, 0xa66, 0xae6, 0xb66, 0xbe6, 0xc66, 0xce6, 0xd66,
    0xde6, 0xe50, 0xed0, 0xf20, 0x1040, 0x1090, 0x17e0, 0x1810, 0x1946, 0x19d0, 0x1a80, 0x1a90,
    0x1b50, 0x1bb0, 0x1c40, 0x1c50, 0xa620, 0xa8d0, 0xa900, 0xa9d0, 0xa9f0, 0xaa50, 0xabf0, 0xff10,
    0x104a0, 0x10d30, 0x11066, 0x110f0, 0x11136, 0x111d0, 0x112f0, 0x11450, 0x114d0, 0x11650,
    0x116c0, 0x11730, 0x118e0, 0x11950, 0x11c50, 0x11d50, 0x11da0, 0x16a60, 0x16ac0, 0x16b50,
    0x1d7ce, 0x1d7d8, 0x1d7e2, 0x1d7ec, 0x1d7f6, 0x1e140, 0x1e2f0, 0x1e950, 0x1fbf0,
];

/// Decimal value of a Unicode decimal digit (like `Py_UNICODE_TODECIMAL`).
fn decimal_value(c: char) -> Option<usize> {
    if c.is_ascii() {
        return c.is_ascii_digit().then(|| c as usize - '0' as usize);
    }
    let c = c as u32;
    let i = DECIMAL_ZEROS.partition_point(|&z| z <= c);
    if i == 0 {
        return None;
    }
    let d = c - DECIMAL_ZEROS[i - 1];
    if d < 10 { Some(d as usize) } else { None }
}

/// Parses a run of decimal digits starting at `*pos`; `Ok(None)` if none.
fn get_integer(s: &[char], pos: &mut usize) -> Result<Option<usize>, FormatError> {
    let mut acc: usize = 0;
    let start = *pos;
    while let Some(d) = s.get(*pos).and_then(|&c| decimal_value(c)) {
        if acc > (isize::MAX as usize - d) / 10 {
            return Err(FormatError::value(
                "Too many decimal digits in format string",
            ));
        }
        acc = acc * 10 + d;
        *pos += 1;
    }
    Ok(if *pos == start { None } else { Some(acc) })
}

fn char_for_message(c: char) -> String {
    let u = c as u32;
    if u > 32 && u < 128 {
        c.to_string()
    } else {
        format!("\\x{u:x}")
    }
}

/// Parses a format spec like CPython's `parse_internal_render_format_spec`.
///
/// `default_type` is the type used when the spec has none (`Some('d')` for
/// int, `None` for float, `Some('s')` for str); `type_name` is only used in
/// the "Invalid format specifier" message.
pub fn parse_spec(
    spec: &str,
    default_type: Option<char>,
    type_name: &str,
) -> Result<FormatSpec, FormatError> {
    let s: Vec<char> = spec.chars().collect();
    let is_align = |c: char| matches!(c, '<' | '>' | '=' | '^');
    let mut out = FormatSpec {
        fill: None,
        align: None,
        sign: None,
        no_neg_0: false,
        alternate: false,
        zero: false,
        width: None,
        grouping: None,
        precision: None,
        ty: default_type,
    };
    let mut pos = 0;
    if s.len() >= 2 && is_align(s[1]) {
        out.fill = Some(s[0]);
        out.align = Some(s[1]);
        pos = 2;
    } else if !s.is_empty() && is_align(s[0]) {
        out.align = Some(s[0]);
        pos = 1;
    }
    if let Some(&c) = s.get(pos).filter(|&&c| matches!(c, '+' | '-' | ' ')) {
        out.sign = Some(c);
        pos += 1;
    }
    if s.get(pos) == Some(&'z') {
        out.no_neg_0 = true;
        pos += 1;
    }
    if s.get(pos) == Some(&'#') {
        out.alternate = true;
        pos += 1;
    }
    if out.fill.is_none() && s.get(pos) == Some(&'0') {
        out.zero = true;
        pos += 1;
    }
    out.width = get_integer(&s, &mut pos)?;
    if s.get(pos) == Some(&',') {
        out.grouping = Some(',');
        pos += 1;
    }
    if s.get(pos) == Some(&'_') {
        if out.grouping.is_some() {
            return Err(FormatError::value("Cannot specify both ',' and '_'."));
        }
        out.grouping = Some('_');
        pos += 1;
    }
    if s.get(pos) == Some(&',') && out.grouping == Some('_') {
        return Err(FormatError::value("Cannot specify both ',' and '_'."));
    }
    if s.get(pos) == Some(&'.') {
        pos += 1;
        out.precision = get_integer(&s, &mut pos)?;
        if out.precision.is_none() {
            return Err(FormatError::value("Format specifier missing precision"));
        }
    }
    if s.len() - pos > 1 {
        return Err(FormatError::value(format!(
            "Invalid format specifier '{spec}' for object of type '{type_name}'"
        )));
    }
    if s.len() - pos == 1 {
        out.ty = Some(s[pos]);
    }
    if let Some(g) = out.grouping {
        match out.ty {
            None | Some('\0' | 'd' | 'e' | 'f' | 'g' | 'E' | 'G' | '%' | 'F') => {}
            Some('b' | 'o' | 'x' | 'X') if g == '_' => {}
            Some(t) => {
                return Err(FormatError::value(format!(
                    "Cannot specify '{g}' with '{}'.",
                    char_for_message(t)
                )));
            }
        }
    }
    Ok(out)
}

fn unknown_presentation_type(t: char, type_name: &str) -> FormatError {
    FormatError::value(format!(
        "Unknown format code '{}' for object of type '{type_name}'",
        char_for_message(t)
    ))
}

/// Inserts thousands separators (and zero padding up to `min_width`) into
/// an ASCII digit string, exactly like `_PyUnicode_InsertThousandsGrouping`.
fn group_digits(digits: &[u8], min_width: isize, group: Option<(char, usize)>) -> Vec<char> {
    let mut min_width = min_width.max(0);
    let mut remaining = digits.len() as isize;
    let mut end = digits.len();
    // Built right to left, reversed at the end.
    let mut rev: Vec<char> = Vec::with_capacity(digits.len().max(min_width as usize) + 8);
    let mut emit = |rev: &mut Vec<char>, sep: Option<char>, n_chars: isize, n_zeros: isize| {
        if let Some(c) = sep {
            rev.push(c);
        }
        for _ in 0..n_chars {
            end -= 1;
            rev.push(digits[end] as char);
        }
        for _ in 0..n_zeros {
            rev.push('0');
        }
    };
    let mut use_sep = None;
    let mut broken = false;
    if let Some((sep, size)) = group {
        let size = size as isize;
        loop {
            let len = size.min(remaining.max(min_width).max(1));
            let n_zeros = (len - remaining).max(0);
            let n_chars = remaining.min(len).max(0);
            emit(&mut rev, use_sep, n_chars, n_zeros);
            use_sep = Some(sep);
            remaining -= n_chars;
            min_width -= len;
            if remaining <= 0 && min_width <= 0 {
                broken = true;
                break;
            }
            min_width -= 1;
        }
    }
    if !broken {
        let len = remaining.max(min_width).max(1);
        let n_zeros = (len - remaining).max(0);
        let n_chars = remaining.min(len).max(0);
        emit(&mut rev, use_sep, n_chars, n_zeros);
    }
    rev.reverse();
    rev
}

/// The pieces of a formatted number, before padding and grouping.
struct NumberParts<'a> {
    negative: bool,
    prefix: &'a str,
    digits: &'a [u8],
    decimal: bool,
    remainder: &'a str,
}

/// Pads and groups a number like CPython's `calc_number_widths` +
/// `fill_number`.
fn layout_number(
    p: &NumberParts<'_>,
    spec: &FormatSpec,
    group: Option<(char, usize)>,
    upper: bool,
) -> Result<String, FormatError> {
    let fill = spec.fill_char();
    let align = spec.align_char('>');
    let width = spec.width.map_or(-1, |w| w as isize);
    check_len(width.max(0) as usize)?;
    let sign = match spec.sign {
        Some('+') => Some(if p.negative { '-' } else { '+' }),
        Some(' ') => Some(if p.negative { '-' } else { ' ' }),
        _ => p.negative.then_some('-'),
    };
    let n_remainder = p.remainder.chars().count();
    let n_non_digit = sign.is_some() as isize
        + p.prefix.len() as isize
        + p.decimal as isize
        + n_remainder as isize;
    let min_width = if fill == '0' && align == '=' {
        width - n_non_digit
    } else {
        0
    };
    let mut grouped = if p.digits.is_empty() {
        Vec::new()
    } else {
        group_digits(p.digits, min_width, group)
    };
    if upper {
        grouped.iter_mut().for_each(|c| c.make_ascii_uppercase());
    }
    let padding = (width - (n_non_digit + grouped.len() as isize)).max(0) as usize;
    let (lpad, spad, rpad) = match align {
        '<' => (0, 0, padding),
        '^' => (padding / 2, 0, padding - padding / 2),
        '=' => (0, padding, 0),
        _ => (padding, 0, 0),
    };
    let mut out = String::with_capacity(grouped.len() + n_non_digit as usize + padding + 4);
    out.extend(std::iter::repeat_n(fill, lpad));
    out.extend(sign);
    if upper {
        out.push_str(&p.prefix.to_ascii_uppercase());
    } else {
        out.push_str(p.prefix);
    }
    out.extend(std::iter::repeat_n(fill, spad));
    out.extend(grouped);
    if p.decimal {
        out.push('.');
    }
    out.push_str(p.remainder);
    out.extend(std::iter::repeat_n(fill, rpad));
    Ok(out)
}

/// A borrowed Python integer: either a machine integer or a big one.
#[derive(Debug, Clone, Copy)]
pub enum IntRef<'a> {
    /// A value that fits in an `i64`.
    Small(i64),
    /// An arbitrary-precision value.
    Big(&'a BigInt),
}

impl IntRef<'_> {
    /// Whether the value is below zero.
    pub fn is_negative(self) -> bool {
        match self {
            IntRef::Small(v) => v < 0,
            IntRef::Big(b) => b.is_negative(),
        }
    }

    /// Lower-case digits of the absolute value in `base` (2, 8, 10 or 16).
    pub fn abs_digits(self, base: u32) -> String {
        match self {
            IntRef::Small(v) => {
                let a = v.unsigned_abs();
                match base {
                    2 => format!("{a:b}"),
                    8 => format!("{a:o}"),
                    16 => format!("{a:x}"),
                    _ => a.to_string(),
                }
            }
            IntRef::Big(b) => b.magnitude().to_str_radix(base),
        }
    }

    /// The value as an `i64`, if it fits.
    pub fn to_i64(self) -> Option<i64> {
        match self {
            IntRef::Small(v) => Some(v),
            IntRef::Big(b) => b.to_i64(),
        }
    }

    /// Correctly rounded conversion to float, like `float(int)`.
    pub fn to_f64(self) -> Result<f64, FormatError> {
        match self {
            IntRef::Small(v) => Ok(v as f64),
            IntRef::Big(b) => bigint_to_f64(b),
        }
    }
}

/// Correctly rounded (half-even) `float(int)`; `OverflowError` if too large.
pub fn bigint_to_f64(b: &BigInt) -> Result<f64, FormatError> {
    let overflow = || FormatError::overflow("int too large to convert to float");
    let mag = b.magnitude();
    let bits = mag.bits();
    let abs = if bits <= 64 {
        mag.to_u64().unwrap_or(0) as f64
    } else if bits > 1024 {
        return Err(overflow());
    } else {
        let shift = bits - 64;
        let mut top = (mag >> shift).to_u64().unwrap_or(0);
        if mag.trailing_zeros().unwrap_or(0) < shift {
            top |= 1; // sticky bit: 64 > 53 + 1, so this rounds correctly
        }
        (top as f64) * 2f64.powi(shift as i32)
    };
    if abs.is_infinite() {
        return Err(overflow());
    }
    Ok(if b.is_negative() { -abs } else { abs })
}

/// `format(v, spec)` for an `int`.
pub fn format_int(v: &BigInt, spec: &str) -> Result<String, FormatError> {
    format_int_as(IntRef::Big(v), spec, "int")
}

/// `format(v, spec)` for an `int` that fits in an `i64` (fast path).
pub fn format_i64(v: i64, spec: &str) -> Result<String, FormatError> {
    format_int_as(IntRef::Small(v), spec, "int")
}

/// `int.__format__` for any int-like value; `type_name` is used in error
/// messages (e.g. `"bool"`). An empty spec yields the decimal digits; for
/// `bool` the caller must return `str(value)` itself in that case.
pub fn format_int_as(v: IntRef<'_>, spec: &str, type_name: &str) -> Result<String, FormatError> {
    if spec.is_empty() {
        let d = v.abs_digits(10);
        return Ok(if v.is_negative() { format!("-{d}") } else { d });
    }
    let s = parse_spec(spec, Some('d'), type_name)?;
    match s.ty {
        Some('b' | 'c' | 'd' | 'o' | 'x' | 'X' | 'n') => format_long(v, &s),
        Some('e' | 'E' | 'f' | 'F' | 'g' | 'G' | '%') => format_float_spec(v.to_f64()?, &s),
        Some(t) => Err(unknown_presentation_type(t, type_name)),
        None => format_long(v, &s),
    }
}

fn format_long(v: IntRef<'_>, s: &FormatSpec) -> Result<String, FormatError> {
    if s.precision.is_some() {
        return Err(FormatError::value(
            "Precision not allowed in integer format specifier",
        ));
    }
    if s.no_neg_0 {
        return Err(FormatError::value(
            "Negative zero coercion (z) not allowed in integer format specifier",
        ));
    }
    let ty = s.ty.unwrap_or('d');
    if ty == 'c' {
        if s.sign.is_some() {
            return Err(FormatError::value(
                "Sign not allowed with integer format specifier 'c'",
            ));
        }
        if s.alternate {
            return Err(FormatError::value(
                "Alternate form (#) not allowed with integer format specifier 'c'",
            ));
        }
        let x = v
            .to_i64()
            .ok_or_else(|| FormatError::overflow("Python int too large to convert to C long"))?;
        let ch = char_from_code(x)?;
        let text = ch.to_string();
        let parts = NumberParts {
            negative: false,
            prefix: "",
            digits: b"",
            decimal: false,
            remainder: &text,
        };
        return layout_number(&parts, s, None, false);
    }
    let (base, prefix) = match ty {
        'b' => (2, "0b"),
        'o' => (8, "0o"),
        'x' | 'X' => (16, "0x"),
        _ => (10, ""),
    };
    let digits = v.abs_digits(base);
    let group = match (s.grouping, ty) {
        (_, 'n') | (None, _) => None,
        (Some('_'), 'b' | 'o' | 'x' | 'X') => Some(('_', 4)),
        (Some(g), _) => Some((g, 3)),
    };
    let parts = NumberParts {
        negative: v.is_negative(),
        prefix: if s.alternate { prefix } else { "" },
        digits: digits.as_bytes(),
        decimal: false,
        remainder: "",
    };
    layout_number(&parts, s, group, ty == 'X')
}

/// Converts a code point for `%c` / `{:c}`; `OverflowError` outside
/// `range(0x110000)`. Lone surrogates (not representable in a Rust string)
/// become U+FFFD.
pub fn char_from_code(x: i64) -> Result<char, FormatError> {
    if !(0..=0x10ffff).contains(&x) {
        return Err(FormatError::overflow("%c arg not in range(0x110000)"));
    }
    Ok(char::from_u32(x as u32).unwrap_or('\u{fffd}'))
}

/// `format(v, spec)` for a `str`: fill, alignment, width and precision
/// (truncation), all counted in code points.
pub fn format_str(v: &str, spec: &str) -> Result<String, FormatError> {
    format_str_as(v, spec, "str")
}

/// `str.__format__` with the object's type name for error messages.
pub fn format_str_as(v: &str, spec: &str, type_name: &str) -> Result<String, FormatError> {
    if spec.is_empty() {
        return Ok(v.to_string());
    }
    let s = parse_spec(spec, Some('s'), type_name)?;
    match s.ty {
        Some('s') | None => {}
        Some(t) => return Err(unknown_presentation_type(t, type_name)),
    }
    match s.sign {
        Some(' ') => {
            return Err(FormatError::value(
                "Space not allowed in string format specifier",
            ));
        }
        Some(_) => {
            return Err(FormatError::value(
                "Sign not allowed in string format specifier",
            ));
        }
        None => {}
    }
    if s.no_neg_0 {
        return Err(FormatError::value(
            "Negative zero coercion (z) not allowed in string format specifier",
        ));
    }
    if s.alternate {
        return Err(FormatError::value(
            "Alternate form (#) not allowed in string format specifier",
        ));
    }
    let align = s.align_char('<');
    if align == '=' {
        return Err(FormatError::value(
            "'=' alignment not allowed in string format specifier",
        ));
    }
    let mut len = v.chars().count();
    let text = match s.precision {
        Some(p) if p < len => {
            len = p;
            match v.char_indices().nth(p) {
                Some((i, _)) => &v[..i],
                None => v,
            }
        }
        _ => v,
    };
    let width = s.width.unwrap_or(0);
    check_len(width)?;
    Ok(pad_aligned(text, len, width, align, s.fill_char()))
}

/// Pads `text` (which has `len` code points) to `width` with `fill`.
fn pad_aligned(text: &str, len: usize, width: usize, align: char, fill: char) -> String {
    let total = width.max(len);
    let lpad = match align {
        '>' => total - len,
        '^' => (total - len) / 2,
        _ => 0,
    };
    let rpad = total - len - lpad;
    let mut out = String::with_capacity(text.len() + (lpad + rpad) * fill.len_utf8());
    out.extend(std::iter::repeat_n(fill, lpad));
    out.push_str(text);
    out.extend(std::iter::repeat_n(fill, rpad));
    out
}

/// `format(v, spec)` for a `float`. An empty spec gives `str(v)`.
pub fn format_float(v: f64, spec: &str) -> Result<String, FormatError> {
    format_float_as(v, spec, "float")
}

/// `float.__format__` with the object's type name for error messages.
pub fn format_float_as(v: f64, spec: &str, type_name: &str) -> Result<String, FormatError> {
    if spec.is_empty() {
        return Ok(float_repr(v));
    }
    let mut s = parse_spec(spec, None, type_name)?;
    if s.ty == Some('\0') {
        // A literal NUL type character is CPython's "no type" sentinel.
        s.ty = None;
    }
    match s.ty {
        None | Some('e' | 'E' | 'f' | 'F' | 'g' | 'G' | 'n' | '%') => format_float_spec(v, &s),
        Some(t) => Err(unknown_presentation_type(t, type_name)),
    }
}

/// CPython's `format_float_internal` for an already validated spec.
fn format_float_spec(val: f64, s: &FormatSpec) -> Result<String, FormatError> {
    if s.precision.is_some_and(|p| p > i32::MAX as usize) {
        return Err(FormatError::value("precision too big"));
    }
    let mut code = s.ty.unwrap_or('r');
    let mut default_precision = 6;
    let add_dot_0 = code == 'r';
    if add_dot_0 {
        default_precision = 0;
    }
    if code == 'n' {
        code = 'g';
    }
    let mut val = val;
    let add_pct = code == '%';
    if add_pct {
        code = 'f';
        val *= 100.0;
    }
    let precision = match s.precision {
        None => default_precision,
        Some(p) => {
            if code == 'r' {
                code = 'g';
            }
            p
        }
    };
    let mut buf = double_to_string(val, code, precision, s.alternate, add_dot_0, s.no_neg_0)?;
    if add_pct {
        buf.push('%');
    }
    let (negative, body) = match buf.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, buf.as_str()),
    };
    let n_digits = body.bytes().take_while(u8::is_ascii_digit).count();
    let decimal = body.as_bytes().get(n_digits) == Some(&b'.');
    let parts = NumberParts {
        negative,
        prefix: "",
        digits: &body.as_bytes()[..n_digits],
        decimal,
        remainder: &body[n_digits + decimal as usize..],
    };
    let group = if s.ty == Some('n') {
        None
    } else {
        s.grouping.map(|g| (g, 3))
    };
    layout_number(&parts, s, group, false)
}

#[cfg(test)]
#[path = "format_tests.rs"]
mod tests;
