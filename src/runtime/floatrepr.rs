//! Float-to-text engine shared by `format` and `percent`: CPython's
//! `PyOS_double_to_string` (repr, `e`, `f`, `g` with any precision).
//!
//! Digits come from Rust's exact float formatting (correctly rounded,
//! round-half-even on the binary value, like David Gay's dtoa); the only
//! difference, the choice between two equally near shortest candidates, is
//! resolved here the way dtoa does (towards the even digit).

use super::format::{FormatError, check_len};

/// `repr(v)` / `str(v)` of a float: the shortest string that round-trips,
/// switching to exponent notation below 1e-4 and from 1e16 on.
pub fn float_repr(v: f64) -> String {
    // 'r' with add_dot_0 never fails (its output is at most ~25 chars).
    double_to_string(v, 'r', 0, false, true, false).unwrap_or_default()
}

/// CPython's `PyOS_double_to_string` (without the sign flag).
///
/// `code` is one of `e E f F g G r`; `precision` is the number of digits
/// after the point (`e`, `f`) or of significant digits (`g`); it is ignored
/// for `r`. `add_dot_0` adds `.0` to integral results; `no_neg_0` drops the
/// sign of a result that rounds to zero.
pub fn double_to_string(
    x: f64,
    code: char,
    precision: usize,
    alt: bool,
    add_dot_0: bool,
    no_neg_0: bool,
) -> Result<String, FormatError> {
    let upper = code.is_ascii_uppercase();
    let code = code.to_ascii_lowercase();
    if x.is_nan() {
        return Ok(if upper { "NAN" } else { "nan" }.to_string());
    }
    let mut negative = x.is_sign_negative();
    if x.is_infinite() {
        let inf = if upper { "INF" } else { "inf" };
        return Ok(if negative {
            format!("-{inf}")
        } else {
            inf.to_string()
        });
    }
    let a = x.abs();
    let mut precision = precision as i64;
    let (digits, decpt) = match code {
        'e' => {
            precision += 1;
            digits_sig(a, precision as usize)
        }
        'f' => digits_fixed(a, precision as usize),
        'g' => {
            if precision == 0 {
                precision = 1;
            }
            digits_sig(a, precision as usize)
        }
        _ => digits_shortest(a),
    };
    if no_neg_0 && digits == b"0" {
        negative = false;
    }
    let style = Style {
        code,
        precision,
        add_dot_0,
        alt,
        upper,
        negative,
    };
    render_digits(&digits, decpt as i64, &style)
}

/// Splits Rust's `{:e}` output ("d.ddde-5") into digits and `decpt`.
fn split_exp(s: &str) -> (Vec<u8>, i32) {
    let (mant, exp) = s.split_once('e').unwrap_or((s, "0"));
    let mut digits = Vec::with_capacity(mant.len());
    digits.extend(mant.bytes().filter(u8::is_ascii_digit));
    (digits, exp.parse::<i32>().unwrap_or(0) + 1)
}

/// Removes trailing zeros; zero becomes `("0", 1)`.
fn normalize(mut digits: Vec<u8>, mut decpt: i32) -> (Vec<u8>, i32) {
    let lead = digits.iter().take_while(|&&d| d == b'0').count();
    if lead == digits.len() {
        return (b"0".to_vec(), 1);
    }
    digits.drain(..lead);
    decpt -= lead as i32;
    while digits.last() == Some(&b'0') {
        digits.pop();
    }
    (digits, decpt)
}

/// `n` correctly rounded significant digits of finite `a >= 0`
/// (dtoa mode 2): value = 0.DIGITS × 10^decpt.
fn digits_sig(a: f64, n: usize) -> (Vec<u8>, i32) {
    // A double has at most 767 significant decimal digits: beyond that the
    // expansion is exact and the missing digits are zeros.
    let n = n.clamp(1, 800);
    let (d, p) = split_exp(&format!("{:.*e}", n - 1, a));
    normalize(d, p)
}

/// `a` correctly rounded to `p` digits after the point (dtoa mode 3).
fn digits_fixed(a: f64, p: usize) -> (Vec<u8>, i32) {
    // At most 1074 fractional digits are non-zero.
    let s = format!("{:.*}", p.min(1100), a);
    let int_len = s.find('.').unwrap_or(s.len());
    let digits: Vec<u8> = s.bytes().filter(u8::is_ascii_digit).collect();
    normalize(digits, int_len as i32)
}

/// Shortest round-tripping digits (dtoa mode 0), ties resolved to even.
fn digits_shortest(a: f64) -> (Vec<u8>, i32) {
    let (digits, decpt) = split_exp(&format!("{a:e}"));
    let (digits, decpt) = normalize(digits, decpt);
    let n = digits.len();
    // Rust picks the upper neighbour on an exact tie; CPython (dtoa) the
    // even one. Ties only happen when the exact value has n + 1 digits.
    if let Some((exact, edecpt)) = exact_short_digits(a)
        && exact.len() == n + 1
        && exact.last() == Some(&b'5')
    {
        let mut cand = exact[..n].to_vec();
        let mut cdecpt = edecpt;
        if (cand[n - 1] - b'0') % 2 == 1 {
            let mut i = n;
            loop {
                if i == 0 {
                    cand.insert(0, b'1');
                    cand.pop();
                    cdecpt += 1;
                    break;
                }
                i -= 1;
                if cand[i] == b'9' {
                    cand[i] = b'0';
                } else {
                    cand[i] += 1;
                    break;
                }
            }
        }
        let text = format!("0.{}e{}", String::from_utf8_lossy(&cand), cdecpt);
        if text.parse::<f64>().ok() == Some(a) {
            return normalize(cand, cdecpt);
        }
    }
    (digits, decpt)
}

/// The exact decimal expansion of finite `a > 0` when it has few
/// significant digits (at most ~34), else `None`.
fn exact_short_digits(a: f64) -> Option<(Vec<u8>, i32)> {
    let bits = a.to_bits();
    let exp_bits = ((bits >> 52) & 0x7ff) as i32;
    let frac = bits & ((1u64 << 52) - 1);
    let (mut m, mut e) = if exp_bits == 0 {
        (frac, -1074)
    } else {
        (frac | (1u64 << 52), exp_bits - 1075)
    };
    if m == 0 {
        return None;
    }
    let tz = m.trailing_zeros();
    m >>= tz;
    e += tz as i32;
    let (s, decpt) = if e >= 0 {
        if e > 22 {
            return None;
        }
        let s = ((m as u128) << e).to_string();
        let len = s.len() as i32;
        (s.trim_end_matches('0').to_string(), len)
    } else {
        let k = (-e) as u32;
        if k > 25 {
            return None;
        }
        let s = (m as u128 * 5u128.pow(k)).to_string();
        let decpt = s.len() as i32 - k as i32;
        (s, decpt)
    };
    Some((s.into_bytes(), decpt))
}

/// How [`render_digits`] lays out a digit string.
#[derive(Clone, Copy)]
struct Style {
    /// One of `e`, `f`, `g`, `r` (lower case).
    code: char,
    /// Digits after the point (`f`), digit count (`e` = precision + 1, `g`).
    precision: i64,
    add_dot_0: bool,
    alt: bool,
    upper: bool,
    negative: bool,
}

/// CPython's `format_float_short` layout step: places the decimal point,
/// pads with zeros, appends the exponent and prefixes the sign.
fn render_digits(digits: &[u8], decpt: i64, st: &Style) -> Result<String, FormatError> {
    let Style {
        code,
        precision,
        add_dot_0,
        alt,
        upper,
        negative,
    } = *st;
    let digits_len = digits.len() as i64;
    let mut decpt = decpt;
    let mut vdigits_end = digits_len;
    let mut use_exp = false;
    match code {
        'e' => {
            use_exp = true;
            vdigits_end = precision;
        }
        'f' => vdigits_end = decpt + precision,
        'g' => {
            if decpt <= -4 || decpt > (if add_dot_0 { precision - 1 } else { precision }) {
                use_exp = true;
            }
            if alt {
                vdigits_end = precision;
            }
        }
        _ => use_exp = decpt <= -4 || decpt > 16,
    }
    let mut exp = 0;
    if use_exp {
        exp = decpt - 1;
        decpt = 1;
    }
    let vdigits_start = if decpt <= 0 { decpt - 1 } else { 0 };
    vdigits_end = if !use_exp && add_dot_0 {
        vdigits_end.max(decpt + 1)
    } else {
        vdigits_end.max(decpt)
    };
    let total = (vdigits_end - vdigits_start) as u64 + 8;
    check_len(usize::try_from(total).unwrap_or(usize::MAX))?;
    let mut out = String::with_capacity(total as usize);
    if negative {
        out.push('-');
    }
    let zeros = |out: &mut String, n: i64| out.extend(std::iter::repeat_n('0', n.max(0) as usize));
    if decpt <= 0 {
        zeros(&mut out, decpt - vdigits_start);
        out.push('.');
        zeros(&mut out, -decpt);
    } else {
        zeros(&mut out, -vdigits_start);
    }
    let dstr = std::str::from_utf8(digits).unwrap_or("0");
    if 0 < decpt && decpt <= digits_len {
        out.push_str(&dstr[..decpt as usize]);
        out.push('.');
        out.push_str(&dstr[decpt as usize..]);
    } else {
        out.push_str(dstr);
    }
    if digits_len < decpt {
        zeros(&mut out, decpt - digits_len);
        out.push('.');
        zeros(&mut out, vdigits_end - decpt);
    } else {
        zeros(&mut out, vdigits_end - digits_len);
    }
    if out.ends_with('.') && !alt {
        out.pop();
    }
    if use_exp {
        out.push(if upper { 'E' } else { 'e' });
        out.push(if exp < 0 { '-' } else { '+' });
        let e = exp.unsigned_abs();
        if e < 10 {
            out.push('0');
        }
        out.push_str(&e.to_string());
    }
    Ok(out)
}
