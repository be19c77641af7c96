//! printf-style `%` formatting (`str.__mod__`), compatible with CPython 3.11.
//!
//! The interpreter implements [`PercentValue`] for its values and calls
//! [`percent_format`] with the right-hand operand wrapped in
//! [`PercentArgs`]: a tuple, a mapping (for `%(name)s`), or a single value.

use num_bigint::BigInt;
use num_traits::FromPrimitive;

use super::format::{FormatError, IntRef, MAX_OUTPUT_CHARS, char_from_code, double_to_string};

/// An owned Python integer as handed over by [`PercentValue::as_int`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IntValue {
    /// A value that fits in an `i64`.
    Small(i64),
    /// An arbitrary-precision value.
    Big(BigInt),
}

impl IntValue {
    /// Borrows the value as an [`IntRef`].
    pub fn as_ref(&self) -> IntRef<'_> {
        match self {
            IntValue::Small(v) => IntRef::Small(*v),
            IntValue::Big(b) => IntRef::Big(b),
        }
    }
}

/// What `%` formatting needs to know about an interpreter value.
pub trait PercentValue {
    /// The interpreter's exception type, returned by `to_str`, `to_repr`
    /// and the mapping lookup, and passed through unchanged.
    type Error;
    /// The integer value of an `int` or `bool` (or an object with
    /// `__index__`); `None` for everything else, including floats.
    fn as_int(&self) -> Option<IntValue>;
    /// The value of a `float` (or an object with `__float__`); not consulted
    /// when `as_int` returns `Some`, so ints may return `None` here.
    fn as_float(&self) -> Option<f64>;
    /// The text of a `str` instance; `None` for other types.
    fn as_str(&self) -> Option<&str>;
    /// `str(self)`.
    fn to_str(&self) -> Result<String, Self::Error>;
    /// `repr(self)`.
    fn to_repr(&self) -> Result<String, Self::Error>;
    /// `type(self).__name__`, for error messages.
    fn type_name(&self) -> String;
}

/// A mapping lookup used for `%(key)s`: `mapping[key]`.
pub type Lookup<'a, V> = &'a mut dyn FnMut(&str) -> Result<V, <V as PercentValue>::Error>;

/// The right-hand operand of `fmt % args`.
pub enum PercentArgs<'a, V: PercentValue> {
    /// A value that is neither a tuple nor a mapping (nor subscriptable).
    Single(&'a V),
    /// A tuple: its items are consumed one per conversion.
    Tuple(&'a [V]),
    /// Any non-tuple, non-str object with `__getitem__` (dict, list, ...):
    /// `%(key)s` calls `lookup`, a plain `%s` formats `value` itself, and
    /// surplus-argument checks are skipped, as in CPython.
    Mapping {
        /// The mapping object itself.
        value: &'a V,
        /// `value[key]` for a `str` key.
        lookup: Lookup<'a, V>,
    },
}

/// A `%` formatting failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PercentError<E> {
    /// An error raised by the formatting itself (type and message).
    Format(FormatError),
    /// An error raised by the interpreter's `str`/`repr`/lookup callbacks.
    Value(E),
}

impl<E> From<FormatError> for PercentError<E> {
    fn from(e: FormatError) -> Self {
        PercentError::Format(e)
    }
}

const F_LJUST: u8 = 1;
const F_SIGN: u8 = 2;
const F_BLANK: u8 = 4;
const F_ALT: u8 = 8;
const F_ZERO: u8 = 16;

enum Current<'a, V> {
    Whole(&'a V),
    Owned(V),
    Tuple(&'a [V]),
}

struct Ctx<'a, V: PercentValue> {
    cur: Current<'a, V>,
    arglen: isize,
    argidx: isize,
    lookup: Option<Lookup<'a, V>>,
}

impl<V: PercentValue> Ctx<'_, V> {
    fn next_arg(&mut self) -> Result<&V, PercentError<V::Error>> {
        if self.argidx < self.arglen {
            let idx = self.argidx;
            self.argidx += 1;
            match &self.cur {
                Current::Whole(v) => return Ok(v),
                Current::Owned(v) => return Ok(v),
                Current::Tuple(t) if self.arglen >= 0 => return Ok(&t[idx as usize]),
                Current::Tuple(_) => {}
            }
        }
        Err(type_error("not enough arguments for format string"))
    }
}

fn type_error<E>(msg: &str) -> PercentError<E> {
    PercentError::Format(FormatError::type_error(msg))
}

fn value_error<E>(msg: &str) -> PercentError<E> {
    PercentError::Format(FormatError::value(msg))
}

fn overflow_error<E>(msg: &str) -> PercentError<E> {
    PercentError::Format(FormatError::overflow(msg))
}

fn read(chars: &[char], pos: &mut usize, ch: &mut char) -> bool {
    match chars.get(*pos) {
        Some(&c) => {
            *ch = c;
            *pos += 1;
            true
        }
        None => false,
    }
}

/// Evaluates `fmt % args` like CPython's `PyUnicode_Format`.
pub fn percent_format<V: PercentValue>(
    fmt: &str,
    args: PercentArgs<'_, V>,
) -> Result<String, PercentError<V::Error>> {
    let mut ctx = match args {
        PercentArgs::Single(v) => Ctx {
            cur: Current::Whole(v),
            arglen: -1,
            argidx: -2,
            lookup: None,
        },
        PercentArgs::Tuple(t) => Ctx {
            cur: Current::Tuple(t),
            arglen: t.len() as isize,
            argidx: 0,
            lookup: None,
        },
        PercentArgs::Mapping { value, lookup } => Ctx {
            cur: Current::Whole(value),
            arglen: -1,
            argidx: -2,
            lookup: Some(lookup),
        },
    };
    let has_dict = ctx.lookup.is_some();
    let chars: Vec<char> = fmt.chars().collect();
    let n = chars.len();
    let mut out = String::with_capacity(fmt.len() + 16);
    let mut pos = 0;
    while pos < n {
        if chars[pos] != '%' {
            while pos < n && chars[pos] != '%' {
                out.push(chars[pos]);
                pos += 1;
            }
            continue;
        }
        pos += 1;
        if chars.get(pos) == Some(&'%') {
            out.push('%');
            pos += 1;
            continue;
        }
        format_one(&chars, &mut pos, &mut ctx, &mut out)?;
        if has_dict && ctx.argidx < ctx.arglen {
            return Err(type_error(
                "not all arguments converted during string formatting",
            ));
        }
    }
    if ctx.argidx < ctx.arglen && !has_dict {
        return Err(type_error(
            "not all arguments converted during string formatting",
        ));
    }
    Ok(out)
}

/// Parses and formats one conversion; `pos` is just past the `%`.
fn format_one<V: PercentValue>(
    chars: &[char],
    pos: &mut usize,
    ctx: &mut Ctx<'_, V>,
    out: &mut String,
) -> Result<(), PercentError<V::Error>> {
    let mut ch = '\0';
    let mut exhausted = false;
    if chars.get(*pos) == Some(&'(') {
        let Some(lookup) = ctx.lookup.as_mut() else {
            return Err(type_error("format requires a mapping"));
        };
        *pos += 1;
        let keystart = *pos;
        let mut pcount = 1;
        while pcount > 0 {
            if !read(chars, pos, &mut ch) {
                exhausted = true;
                break;
            }
            match ch {
                ')' => pcount -= 1,
                '(' => pcount += 1,
                _ => {}
            }
        }
        if exhausted || pcount > 0 {
            return Err(value_error("incomplete format key"));
        }
        let key: String = chars[keystart..*pos - 1].iter().collect();
        let v = lookup(&key).map_err(PercentError::Value)?;
        ctx.cur = Current::Owned(v);
        ctx.arglen = -1;
        ctx.argidx = -2;
    }
    let mut flags = 0u8;
    loop {
        if !read(chars, pos, &mut ch) {
            exhausted = true;
            break;
        }
        flags |= match ch {
            '-' => F_LJUST,
            '+' => F_SIGN,
            ' ' => F_BLANK,
            '#' => F_ALT,
            '0' => F_ZERO,
            _ => break,
        };
    }
    let mut width: isize = -1;
    let mut prec: i64 = -1;
    if ch == '*' {
        let v = ctx.next_arg()?;
        let w = v.as_int().ok_or_else(|| type_error("* wants int"))?;
        let w = w
            .as_ref()
            .to_i64()
            .and_then(|w| isize::try_from(w).ok())
            .ok_or_else(|| overflow_error("Python int too large to convert to C ssize_t"))?;
        if w < 0 {
            flags |= F_LJUST;
        }
        // CPython negates without an overflow check: isize::MIN stays
        // negative and then behaves like "no width".
        width = w.wrapping_abs();
        exhausted |= !read(chars, pos, &mut ch);
    } else if ch.is_ascii_digit() {
        width = (ch as u8 - b'0') as isize;
        loop {
            if !read(chars, pos, &mut ch) {
                exhausted = true;
                break;
            }
            let Some(d) = ch.to_digit(10).filter(|_| ch.is_ascii_digit()) else {
                break;
            };
            if width > (isize::MAX - d as isize) / 10 {
                return Err(value_error("width too big"));
            }
            width = width * 10 + d as isize;
        }
    }
    if ch == '.' {
        prec = 0;
        exhausted |= !read(chars, pos, &mut ch);
        if ch == '*' {
            let v = ctx.next_arg()?;
            let p = v.as_int().ok_or_else(|| type_error("* wants int"))?;
            let p = p
                .as_ref()
                .to_i64()
                .and_then(|p| i32::try_from(p).ok())
                .ok_or_else(|| overflow_error("Python int too large to convert to C int"))?;
            prec = p.max(0) as i64;
            exhausted |= !read(chars, pos, &mut ch);
        } else if ch.is_ascii_digit() {
            prec = (ch as u8 - b'0') as i64;
            loop {
                if !read(chars, pos, &mut ch) {
                    exhausted = true;
                    break;
                }
                let Some(d) = ch.to_digit(10).filter(|_| ch.is_ascii_digit()) else {
                    break;
                };
                if prec > (i32::MAX as i64 - d as i64) / 10 {
                    return Err(value_error("precision too big"));
                }
                prec = prec * 10 + d as i64;
            }
        }
    }
    if !exhausted && matches!(ch, 'h' | 'l' | 'L') {
        exhausted |= !read(chars, pos, &mut ch);
    }
    if exhausted {
        return Err(value_error("incomplete format"));
    }
    let v = ctx.next_arg()?;
    let mut sign = false;
    let text = match ch {
        's' => v.to_str().map_err(PercentError::Value)?,
        'r' => v.to_repr().map_err(PercentError::Value)?,
        'a' => ascii_escape(&v.to_repr().map_err(PercentError::Value)?),
        'i' | 'd' | 'u' | 'o' | 'x' | 'X' => {
            sign = true;
            format_long_arg(v, flags & F_ALT != 0, prec, ch)?
        }
        'e' | 'E' | 'f' | 'F' | 'g' | 'G' => {
            sign = true;
            let x = real_value(v)?;
            let p = if prec < 0 { 6 } else { prec as usize };
            double_to_string(x, ch, p, flags & F_ALT != 0, false, false)?
        }
        'c' => format_char_arg(v)?.to_string(),
        _ => {
            let shown = if (31..=126).contains(&(ch as u32)) {
                ch
            } else {
                '?'
            };
            return Err(value_error(&format!(
                "unsupported format character '{shown}' (0x{:x}) at index {}",
                ch as u32,
                *pos - 1
            )));
        }
    };
    if width > 0 && width as usize > MAX_OUTPUT_CHARS {
        return Err(PercentError::Format(FormatError::memory()));
    }
    write_arg(out, &text, ch, flags, width, prec, sign);
    Ok(())
}

/// `ascii()` applied to an already computed `repr()`.
pub fn ascii_escape(repr: &str) -> String {
    let mut out = String::with_capacity(repr.len());
    for c in repr.chars() {
        let u = c as u32;
        if u < 0x80 {
            out.push(c);
        } else if u < 0x100 {
            out.push_str(&format!("\\x{u:02x}"));
        } else if u < 0x10000 {
            out.push_str(&format!("\\u{u:04x}"));
        } else {
            out.push_str(&format!("\\U{u:08x}"));
        }
    }
    out
}

/// `PyFloat_AsDouble`: ints are converted (with overflow check).
fn real_value<V: PercentValue>(v: &V) -> Result<f64, PercentError<V::Error>> {
    if let Some(i) = v.as_int() {
        return Ok(i.as_ref().to_f64()?);
    }
    v.as_float()
        .ok_or_else(|| type_error(&format!("must be real number, not {}", v.type_name())))
}

/// `mainformatlong` + `_PyUnicode_FormatLong` for `%d %i %u %o %x %X`.
fn format_long_arg<V: PercentValue>(
    v: &V,
    alt: bool,
    prec: i64,
    ch: char,
) -> Result<String, PercentError<V::Error>> {
    let wrong = || {
        let what = if matches!(ch, 'o' | 'x' | 'X') {
            "an integer is required"
        } else {
            "a real number is required"
        };
        type_error(&format!("%{ch} format: {what}, not {}", v.type_name()))
    };
    let iv = match v.as_int() {
        Some(i) => i,
        None if matches!(ch, 'o' | 'x' | 'X') => return Err(wrong()),
        None => match v.as_float() {
            Some(f) if f.is_nan() => {
                return Err(value_error("cannot convert float NaN to integer"));
            }
            Some(f) if f.is_infinite() => {
                return Err(overflow_error("cannot convert float infinity to integer"));
            }
            Some(f) => match BigInt::from_f64(f.trunc()) {
                Some(b) => IntValue::Big(b),
                None => return Err(wrong()),
            },
            None => return Err(wrong()),
        },
    };
    if prec > i32::MAX as i64 - 3 {
        return Err(overflow_error("precision too large"));
    }
    let iv = iv.as_ref();
    let (base, prefix) = match ch {
        'o' => (8, "0o"),
        'x' | 'X' => (16, "0x"),
        _ => (10, ""),
    };
    let digits = iv.abs_digits(base);
    let zeros = (prec.max(0) as usize).saturating_sub(digits.len());
    if zeros > MAX_OUTPUT_CHARS {
        return Err(PercentError::Format(FormatError::memory()));
    }
    let mut s = String::with_capacity(digits.len() + zeros + 3);
    if iv.is_negative() {
        s.push('-');
    }
    if alt {
        s.push_str(prefix);
    }
    s.extend(std::iter::repeat_n('0', zeros));
    s.push_str(&digits);
    if ch == 'X' {
        s.make_ascii_uppercase();
    }
    Ok(s)
}

/// `formatchar`: a one-character str or an int code point.
fn format_char_arg<V: PercentValue>(v: &V) -> Result<char, PercentError<V::Error>> {
    if let Some(s) = v.as_str() {
        let mut it = s.chars();
        return match (it.next(), it.next()) {
            (Some(c), None) => Ok(c),
            _ => Err(type_error("%c requires int or char")),
        };
    }
    match v.as_int() {
        Some(i) => match i.as_ref().to_i64() {
            Some(x) => Ok(char_from_code(x)?),
            None => Err(overflow_error("%c arg not in range(0x110000)")),
        },
        None => Err(type_error("%c requires int or char")),
    }
}

/// `unicode_format_arg_output`: sign, `0x` prefix, padding and truncation.
fn write_arg(
    out: &mut String,
    s: &str,
    ch: char,
    flags: u8,
    mut width: isize,
    prec: i64,
    mut sign: bool,
) {
    let fill = if sign && flags & F_ZERO != 0 {
        '0'
    } else {
        ' '
    };
    let chars: Vec<char> = s.chars().collect();
    let mut len = chars.len() as isize;
    if (width == -1 || width <= len)
        && (prec == -1 || prec >= len as i64)
        && flags & (F_SIGN | F_BLANK) == 0
    {
        out.push_str(s);
        return;
    }
    if matches!(ch, 's' | 'r' | 'a') && prec >= 0 && len as i64 > prec {
        len = prec as isize;
    }
    let mut pindex = 0usize;
    let mut signchar = '\0';
    if sign {
        match chars.first() {
            Some(&c @ ('-' | '+')) => {
                signchar = c;
                len -= 1;
                pindex = 1;
            }
            _ if flags & F_SIGN != 0 => signchar = '+',
            _ if flags & F_BLANK != 0 => signchar = ' ',
            _ => sign = false,
        }
    }
    if width < len {
        width = len;
    }
    if sign {
        if fill != ' ' {
            out.push(signchar);
        }
        if width > len {
            width -= 1;
        }
    }
    let alt_prefix = flags & F_ALT != 0 && matches!(ch, 'x' | 'X' | 'o');
    if alt_prefix {
        if fill != ' ' {
            out.push('0');
            out.push(ch);
            pindex += 2;
        }
        width = (width - 2).max(0);
        len -= 2;
    }
    if width > len && flags & F_LJUST == 0 {
        out.extend(std::iter::repeat_n(fill, (width - len) as usize));
        width = len;
    }
    if fill == ' ' {
        if sign {
            out.push(signchar);
        }
        if alt_prefix {
            out.push('0');
            out.push(ch);
            pindex += 2;
        }
    }
    let len = len.max(0) as usize;
    out.extend(chars.iter().skip(pindex).take(len));
    if width > len as isize {
        out.extend(std::iter::repeat_n(' ', (width - len as isize) as usize));
    }
}

#[cfg(test)]
#[path = "percent_tests.rs"]
mod tests;
