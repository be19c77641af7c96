//! Case mapping and character classes of `str`: `upper`, `lower`, `casefold`,
//! `swapcase`, `capitalize`, `title` (with CPython's final-sigma rule and title-case
//! mappings) and the `is...` predicates.

use super::{add_method, check_method, raise};
use crate::eval::native::{Args, NativeImpl, Ret};
use crate::ops;
use crate::runtime::str::PyStr;
use crate::runtime::value::Value;
use crate::runtime::Runtime;
use std::rc::Rc;

fn this(a: &Args) -> Rc<PyStr> {
    match &a.pos[0] {
        Value::Str(s) => s.clone(),
        _ => Rc::new(PyStr::new("")),
    }
}

/// Title-case letters (general category Lt).
fn is_title(c: char) -> bool {
    matches!(c as u32, 0x1C5 | 0x1C8 | 0x1CB | 0x1F2 | 0x1F88..=0x1F8F | 0x1F98..=0x1F9F | 0x1FA8..=0x1FAF | 0x1FBC | 0x1FCC | 0x1FFC)
}

/// Cased characters (`Lowercase`, `Uppercase` or title case).
fn is_cased(c: char) -> bool {
    c.is_lowercase() || c.is_uppercase() || is_title(c)
}

/// Case-ignorable characters (an approximation of the Unicode property: the
/// ASCII ones, modifier letters/symbols and combining marks).
fn is_case_ignorable(c: char) -> bool {
    matches!(c as u32, 0x27 | 0x2E | 0x3A | 0x5E | 0x60 | 0xA8 | 0xAD | 0xAF | 0xB4 | 0xB7 | 0xB8
        | 0x2B0..=0x36F | 0x374 | 0x375 | 0x37A | 0x384 | 0x385 | 0x387 | 0x483..=0x489 | 0x559 | 0x55F
        | 0x591..=0x5BD | 0x200B..=0x200F | 0x2018 | 0x2019 | 0x2024 | 0x2027 | 0x1DC0..=0x1DFF | 0x20D0..=0x20F0
        | 0xFE00..=0xFE0F | 0xFE20..=0xFE2F)
}

/// Lower case of `chars[i]`, with the final-sigma rule for capital sigma.
fn lower_at(chars: &[char], i: usize, out: &mut String) {
    let c = chars[i];
    if c != '\u{3A3}' {
        out.extend(c.to_lowercase());
        return;
    }
    let before = chars[..i].iter().rev().find(|c| !is_case_ignorable(**c));
    let mut fin = before.is_some_and(|c| is_cased(*c));
    if fin {
        let after = chars[i + 1..].iter().find(|c| !is_case_ignorable(**c));
        fin = after.is_none_or(|c| !is_cased(*c));
    }
    out.push(if fin { '\u{3C2}' } else { '\u{3C3}' });
}

/// The title-case mapping of a character.
fn title_of(c: char, out: &mut String) {
    let u = c as u32;
    let single = match u {
        0x1C4..=0x1C6 => Some(0x1C5),
        0x1C7..=0x1C9 => Some(0x1C8),
        0x1CA..=0x1CC => Some(0x1CB),
        0x1F1..=0x1F3 => Some(0x1F2),
        0x1F80..=0x1F87 | 0x1F90..=0x1F97 | 0x1FA0..=0x1FA7 => Some(u + 8),
        0x1F88..=0x1F8F | 0x1F98..=0x1F9F | 0x1FA8..=0x1FAF => Some(u),
        0x1FB3 => Some(0x1FBC),
        0x1FC3 => Some(0x1FCC),
        0x1FF3 => Some(0x1FFC),
        _ => None,
    };
    if let Some(t) = single.and_then(char::from_u32) {
        out.push(t);
        return;
    }
    // Otherwise the upper case, with any further characters in lower case
    // (`'ß'` gives `'Ss'`, `'ﬁ'` gives `'Fi'`).
    let mut up = c.to_uppercase();
    if let Some(first) = up.next() {
        out.push(first);
        for rest in up {
            out.extend(rest.to_lowercase());
        }
    }
}

/// Full case folding of a character (lower case, plus the folds that differ).
fn fold_of(c: char, out: &mut String) {
    let s = match c as u32 {
        0xDF | 0x1E9E => "ss",
        0x149 => "\u{2BC}n",
        0x17F => "s",
        0x1F0 => "j\u{30C}",
        0x345 | 0x3B9 => "\u{3B9}",
        0x390 => "\u{3B9}\u{308}\u{301}",
        0x3B0 => "\u{3C5}\u{308}\u{301}",
        0x3C2 => "\u{3C3}",
        0x3D0 => "\u{3B2}",
        0x3D1 => "\u{3B8}",
        0x3D5 => "\u{3C6}",
        0x3D6 => "\u{3C0}",
        0x3F0 => "\u{3BA}",
        0x3F1 => "\u{3C1}",
        0x3F5 => "\u{3B5}",
        0x587 => "\u{565}\u{582}",
        0x1E96 => "h\u{331}",
        0x1E97 => "t\u{308}",
        0x1E98 => "w\u{30A}",
        0x1E99 => "y\u{30A}",
        0x1E9A => "a\u{2BE}",
        0x1E9B => "\u{1E61}",
        0xFB00 => "ff",
        0xFB01 => "fi",
        0xFB02 => "fl",
        0xFB03 => "ffi",
        0xFB04 => "ffl",
        0xFB05 | 0xFB06 => "st",
        _ => {
            out.extend(c.to_lowercase());
            return;
        }
    };
    out.push_str(s);
}

fn upper(s: &str) -> String {
    s.to_uppercase()
}

fn lower(s: &str) -> String {
    if s.is_ascii() {
        return s.to_ascii_lowercase();
    }
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for i in 0..chars.len() {
        lower_at(&chars, i, &mut out);
    }
    out
}

fn casefold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        fold_of(c, &mut out);
    }
    out
}

fn swapcase(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for (i, &c) in chars.iter().enumerate() {
        if c.is_uppercase() {
            lower_at(&chars, i, &mut out);
        } else if c.is_lowercase() {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn capitalize(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for i in 0..chars.len() {
        if i == 0 {
            title_of(chars[0], &mut out);
        } else {
            lower_at(&chars, i, &mut out);
        }
    }
    out
}

fn title(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut prev_cased = false;
    for (i, &c) in chars.iter().enumerate() {
        if prev_cased {
            lower_at(&chars, i, &mut out);
        } else {
            title_of(c, &mut out);
        }
        prev_cased = is_cased(c);
    }
    out
}

/// Decimal digits (general category Nd): the blocks of ten digits of the scripts.
fn is_decimal(c: char) -> bool {
    decimal_value(c).is_some()
}

/// The value of a decimal digit of any script (`'٣'` is 3).
pub fn decimal_value(c: char) -> Option<u32> {
    const STARTS: &[u32] = &[
        0x30, 0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66, 0xDE6, 0xE50,
        0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50, 0x1BB0, 0x1C40,
        0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10, 0x104A0, 0x10D30, 0x11066,
        0x110F0, 0x11136, 0x111D0, 0x112F0, 0x11450, 0x114D0, 0x11650, 0x116C0, 0x11730, 0x118E0, 0x11950,
        0x11C50, 0x11D50, 0x11DA0, 0x16A60, 0x16AC0, 0x16B50, 0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6,
        0x1E140, 0x1E2F0, 0x1E950, 0x1FBF0,
    ];
    let u = c as u32;
    STARTS.iter().find(|&&s| (s..s + 10).contains(&u)).map(|s| u - s)
}

/// CPython's `_PyUnicode_TransformDecimalAndSpaceToASCII`: decimal digits of any
/// script become ASCII digits and white space a plain space (used by `int()` and
/// `float()` before parsing).
pub fn ascii_digits(s: &str) -> String {
    s.chars()
        .map(|c| match decimal_value(c) {
            Some(d) if !c.is_ascii() => char::from(b'0' + d as u8),
            _ if !c.is_ascii() && is_space(c) => ' ',
            _ => c,
        })
        .collect()
}

/// Digits (`Numeric_Type` Digit or Decimal): decimals, superscripts, subscripts,
/// circled and parenthesised digits.
fn is_digit(c: char) -> bool {
    is_decimal(c)
        || matches!(c as u32, 0xB2 | 0xB3 | 0xB9 | 0x1369..=0x1371 | 0x19DA | 0x2070 | 0x2074..=0x2079 | 0x2080..=0x2089
            | 0x2460..=0x2468 | 0x2474..=0x247C | 0x2488..=0x2490 | 0x24EA | 0x24F5..=0x24FD | 0x24FF | 0x2776..=0x277E
            | 0x2780..=0x2788 | 0x278A..=0x2792 | 0x10A40..=0x10A43 | 0x1F100..=0x1F10A)
}

/// Python's `str.isspace` characters (White_Space plus the ASCII separators).
fn is_space(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\x1c'..='\x1f')
}

fn is_upper(s: &str) -> bool {
    let mut cased = false;
    for c in s.chars() {
        if c.is_lowercase() || is_title(c) {
            return false;
        }
        cased |= c.is_uppercase();
    }
    cased
}

fn is_lower(s: &str) -> bool {
    let mut cased = false;
    for c in s.chars() {
        if c.is_uppercase() || is_title(c) {
            return false;
        }
        cased |= c.is_lowercase();
    }
    cased
}

fn is_titled(s: &str) -> bool {
    let (mut cased, mut prev) = (false, false);
    for c in s.chars() {
        if c.is_uppercase() || is_title(c) {
            if prev {
                return false;
            }
            prev = true;
            cased = true;
        } else if c.is_lowercase() {
            if !prev {
                return false;
            }
            prev = true;
            cased = true;
        } else {
            prev = false;
        }
    }
    cased
}

fn is_identifier(s: &str) -> bool {
    let mut cs = s.chars();
    match cs.next() {
        Some(c) => (c == '_' || c.is_alphabetic()) && cs.all(|c| c == '_' || c.is_alphanumeric() || matches!(c as u32, 0x300..=0x36F | 0xB7)),
        None => false,
    }
}

macro_rules! str_methods {
    ($($name:ident, $qual:literal => $f:expr;)*) => {
        $(
            fn $name(rt: &mut Runtime, a: Args) -> Ret {
                if let Err(e) = check_method(rt, &a, $qual, 0, 0) {
                    return raise(e);
                }
                let s = this(&a);
                let f: fn(&str) -> Value = $f;
                Ret::Val(f(s.as_str()))
            }
        )*
        /// The methods defined here, for registration.
        const METHODS: &[(&'static str, NativeImpl)] = &[$((stringify!($name), $name as NativeImpl)),*];
    };
}

str_methods! {
    m_upper, "str.upper" => |s| Value::string(upper(s));
    m_lower, "str.lower" => |s| Value::string(lower(s));
    m_casefold, "str.casefold" => |s| Value::string(casefold(s));
    m_swapcase, "str.swapcase" => |s| Value::string(swapcase(s));
    m_capitalize, "str.capitalize" => |s| Value::string(capitalize(s));
    m_title, "str.title" => |s| Value::string(title(s));
    m_isdigit, "str.isdigit" => |s| Value::Bool(!s.is_empty() && s.chars().all(is_digit));
    m_isdecimal, "str.isdecimal" => |s| Value::Bool(!s.is_empty() && s.chars().all(is_decimal));
    m_isnumeric, "str.isnumeric" => |s| Value::Bool(!s.is_empty() && s.chars().all(|c| c.is_numeric()));
    m_isalpha, "str.isalpha" => |s| Value::Bool(!s.is_empty() && s.chars().all(|c| c.is_alphabetic()));
    m_isalnum, "str.isalnum" => |s| Value::Bool(!s.is_empty() && s.chars().all(|c| c.is_alphabetic() || c.is_numeric()));
    m_isspace, "str.isspace" => |s| Value::Bool(!s.is_empty() && s.chars().all(is_space));
    m_isupper, "str.isupper" => |s| Value::Bool(is_upper(s));
    m_islower, "str.islower" => |s| Value::Bool(is_lower(s));
    m_isascii, "str.isascii" => |s| Value::Bool(s.is_ascii());
    m_isidentifier, "str.isidentifier" => |s| Value::Bool(is_identifier(s));
    m_istitle, "str.istitle" => |s| Value::Bool(is_titled(s));
    m_isprintable, "str.isprintable" => |s| Value::Bool(s.chars().all(ops::repr::is_printable));
}

/// Register the case and character-class methods of `str`.
pub fn install(rt: &mut Runtime) {
    let s = rt.types.str.clone();
    for &(name, f) in METHODS {
        let name: &'static str = name;
        add_method(&s, &name[2..], f);
    }
}
