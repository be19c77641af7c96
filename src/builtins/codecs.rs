//! Text codecs: `str.encode` and `bytes.decode` in UTF-8, ASCII and Latin-1, with the
//! `errors` handlers (`strict`, `ignore`, `replace`, `backslashreplace`,
//! `xmlcharrefreplace`) and CPython's error messages; `bytes.hex` and `bytes.fromhex`.

use super::{check_method, check_pos, raise, ret};
use crate::eval::native::{Args, Ret};
use crate::ops;
use crate::runtime::class::Exc;
use crate::runtime::value::Value;
use crate::runtime::Runtime;

/// Decode bytes with a codec CPython knows (UTF-8, ASCII, Latin-1), honouring `errors`.
pub fn decode_bytes(rt: &Runtime, data: &[u8], encoding: &str, errors: &str) -> Result<String, Exc> {
    let norm = encoding.to_ascii_lowercase().replace(['-', ' '], "_");
    let codec = match norm.as_str() {
        "utf_8" | "utf8" | "u8" | "utf" | "cp65001" => "utf-8",
        "ascii" | "us_ascii" | "646" => "ascii",
        "latin_1" | "latin1" | "iso_8859_1" | "iso8859_1" | "l1" | "8859" | "cp819" | "latin" => "latin-1",
        _ => return Err(rt.exc_named("LookupError", format!("unknown encoding: {encoding}"))),
    };
    match codec {
        "latin-1" => Ok(data.iter().map(|&c| c as char).collect()),
        "ascii" => {
            let mut out = String::new();
            for (i, &c) in data.iter().enumerate() {
                if c < 128 {
                    out.push(c as char);
                } else {
                    match errors {
                        "ignore" => {}
                        "replace" => out.push('\u{fffd}'),
                        "backslashreplace" => out.push_str(&format!("\\x{c:02x}")),
                        _ => {
                            return Err(rt.exc_named(
                                "UnicodeDecodeError",
                                format!("'ascii' codec can't decode byte 0x{c:02x} in position {i}: ordinal not in range(128)"),
                            ))
                        }
                    }
                }
            }
            Ok(out)
        }
        _ => {
            let mut out = String::new();
            let mut rest = data;
            let mut base = 0;
            loop {
                match std::str::from_utf8(rest) {
                    Ok(s) => {
                        out.push_str(s);
                        return Ok(out);
                    }
                    Err(e) => {
                        let good = e.valid_up_to();
                        out.push_str(std::str::from_utf8(&rest[..good]).unwrap_or_default());
                        let bad_len = e.error_len().unwrap_or(rest.len() - good);
                        let pos = base + good;
                        match errors {
                            "ignore" => {}
                            "replace" => out.push('\u{fffd}'),
                            "backslashreplace" => {
                                for c in &rest[good..good + bad_len] {
                                    out.push_str(&format!("\\x{c:02x}"));
                                }
                            }
                            _ => {
                                let c = rest[good];
                                let reason = if e.error_len().is_none() {
                                    "unexpected end of data"
                                } else if (0x80..0xc0).contains(&c) || c >= 0xf8 {
                                    "invalid start byte"
                                } else {
                                    "invalid continuation byte"
                                };
                                let msg = if e.error_len().is_none() && bad_len > 1 {
                                    format!("'utf-8' codec can't decode bytes in position {pos}-{}: {reason}", pos + bad_len - 1)
                                } else {
                                    format!("'utf-8' codec can't decode byte 0x{c:02x} in position {pos}: {reason}")
                                };
                                return Err(rt.exc_named("UnicodeDecodeError", msg));
                            }
                        }
                        rest = &rest[good + bad_len..];
                        base += good + bad_len;
                    }
                }
            }
        }
    }
}

/// Encode text with UTF-8, ASCII or Latin-1, honouring `errors`.
pub fn encode_str(rt: &Runtime, text: &str, encoding: &str, errors: &str) -> Result<Vec<u8>, Exc> {
    let norm = encoding.to_ascii_lowercase().replace(['-', ' '], "_");
    let (codec, limit) = match norm.as_str() {
        "utf_8" | "utf8" | "u8" | "utf" | "cp65001" => return Ok(text.as_bytes().to_vec()),
        "ascii" | "us_ascii" | "646" => ("ascii", 128u32),
        "latin_1" | "latin1" | "iso_8859_1" | "iso8859_1" | "l1" | "8859" | "cp819" | "latin" => ("latin-1", 256u32),
        _ => return Err(rt.exc_named("LookupError", format!("unknown encoding: {encoding}"))),
    };
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if (c as u32) < limit {
            out.push(c as u32 as u8);
            i += 1;
            continue;
        }
        match errors {
            "ignore" => {}
            "replace" => out.push(b'?'),
            "backslashreplace" => {
                let u = c as u32;
                let esc = if u < 0x100 { format!("\\x{u:02x}") } else if u < 0x10000 { format!("\\u{u:04x}") } else { format!("\\U{u:08x}") };
                out.extend_from_slice(esc.as_bytes());
            }
            "xmlcharrefreplace" => out.extend_from_slice(format!("&#{};", c as u32).as_bytes()),
            _ => {
                let mut j = i;
                while j < chars.len() && chars[j] as u32 >= limit {
                    j += 1;
                }
                let u = c as u32;
                let ch = if u < 0x100 { format!("'\\x{u:02x}'") } else if u < 0x10000 { format!("'\\u{u:04x}'") } else { format!("'\\U{u:08x}'") };
                let msg = if j - i == 1 {
                    format!("'{codec}' codec can't encode character {ch} in position {i}: ordinal not in range({limit})")
                } else {
                    format!("'{codec}' codec can't encode characters in position {i}-{}: ordinal not in range({limit})", j - 1)
                };
                return Err(rt.exc_named("UnicodeEncodeError", msg));
            }
        }
        i += 1;
    }
    Ok(out)
}

/// The `encoding` and `errors` arguments of `decode`/`encode` (after the receiver).
pub fn codec_args(rt: &Runtime, a: &Args, name: &str) -> Result<(String, String), Exc> {
    if a.pos.len() > 3 {
        return Err(rt.type_error(format!("{name}() takes at most 2 arguments ({} given)", a.pos.len() - 1)));
    }
    let get = |i: usize, kw: &str, default: &str| -> Result<String, Exc> {
        match a.pos.get(i).or(a.kw(kw)) {
            None => Ok(default.to_string()),
            Some(Value::Str(s)) => Ok(s.as_str().to_string()),
            Some(other) => Err(rt.type_error(format!("{name}() argument '{kw}' must be str, not {}", ops::type_name(rt, other)))),
        }
    };
    Ok((get(1, "encoding", "utf-8")?, get(2, "errors", "strict")?))
}

/// `bytes.hex([sep[, bytes_per_sep]])`.
pub fn hex(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_pos(rt, &a, "hex", 2) {
        return raise(e);
    }
    let Value::Bytes(b) = &a.pos[0] else { return Ret::Val(Value::None) };
    let sep = match a.pos.get(1).or(a.kw("sep")) {
        None => None,
        Some(Value::Str(s)) if s.len() == 1 => Some(s.as_str().to_string()),
        Some(Value::Bytes(s)) if s.data.len() == 1 => Some((s.data[0] as char).to_string()),
        Some(_) => return raise(rt.value_error("sep must be length 1.")),
    };
    let per = match a.pos.get(2).or(a.kw("bytes_per_sep")) {
        None => 1,
        Some(v) => match ops::int_arg(rt, v) {
            Ok(n) => n,
            Err(e) => return raise(ops::expect_raise(e)),
        },
    };
    let digits: Vec<String> = b.data.iter().map(|c| format!("{c:02x}")).collect();
    let Some(sep) = sep.filter(|_| per != 0) else {
        return Ret::Val(Value::string(digits.concat()));
    };
    let n = per.unsigned_abs() as usize;
    let groups: Vec<String> = if per > 0 {
        // Groups are counted from the right.
        let first = digits.len() % n;
        let mut g = Vec::new();
        if first > 0 {
            g.push(digits[..first].concat());
        }
        g.extend(digits[first..].chunks(n).map(|c| c.concat()));
        g
    } else {
        digits.chunks(n).map(|c| c.concat()).collect()
    };
    Ret::Val(Value::string(groups.join(&sep)))
}

/// `bytes.fromhex(string)` (a class method).
pub fn fromhex(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_method(rt, &a, "bytes.fromhex", 1, 1) {
        return raise(e);
    }
    let arg = &a.pos[1];
    let Value::Str(s) = arg else {
        let tn = ops::type_name(rt, arg);
        return raise(rt.type_error(format!("fromhex() argument must be str, not {tn}")));
    };
    let chars: Vec<char> = s.as_str().chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let hi = chars[i].to_digit(16);
        let lo = chars.get(i + 1).and_then(|c| c.to_digit(16));
        match (hi, lo) {
            (Some(h), Some(l)) => out.push((h * 16 + l) as u8),
            (Some(_), None) if i + 1 >= chars.len() || !chars[i + 1].is_ascii_hexdigit() => {
                let pos = i + 1;
                return raise(rt.value_error(format!("non-hexadecimal number found in fromhex() arg at position {pos}")));
            }
            _ => return raise(rt.value_error(format!("non-hexadecimal number found in fromhex() arg at position {i}"))),
        }
        i += 2;
    }
    let r = super::bytes::bytes_value(out);
    match a.pos.first() {
        Some(Value::Class(c)) if !c.builtin => ret(ops::call::call_value(rt, a.pos[0].clone(), vec![r])),
        _ => Ret::Val(r),
    }
}
