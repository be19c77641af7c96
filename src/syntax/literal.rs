//! String and bytes literal decoding: prefixes and backslash escapes, with CPython's
//! error messages.

/// What a string literal's prefix asks for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StrPrefix {
    /// `r`: backslashes are kept.
    pub raw: bool,
    /// `b`: a bytes literal.
    pub bytes: bool,
    /// `f`: an f-string.
    pub fstring: bool,
}

impl StrPrefix {
    /// Read a prefix such as `rb` or `F`.
    pub fn parse(prefix: &str) -> StrPrefix {
        let mut p = StrPrefix::default();
        for c in prefix.chars() {
            match c.to_ascii_lowercase() {
                'r' => p.raw = true,
                'b' => p.bytes = true,
                'f' => p.fstring = true,
                _ => {}
            }
        }
        p
    }
}

fn unicode_error(start: usize, end: usize, what: &str) -> String {
    format!("(unicode error) 'unicodeescape' codec can't decode bytes in position {start}-{end}: {what}")
}

/// Decode the body of a `str` literal (between the quotes).
/// Borrowed when there is nothing to decode (the common case: no copy, no search).
pub fn decode_str(body: &str, raw: bool) -> Result<std::borrow::Cow<'_, str>, String> {
    if raw || !body.contains('\\') {
        if !body.contains('\r') {
            return Ok(std::borrow::Cow::Borrowed(body));
        }
        return Ok(std::borrow::Cow::Owned(body.replace("\r\n", "\n")));
    }
    let mut out = String::with_capacity(body.len());
    let mut chars = body.char_indices().peekable();
    while let Some((pos, c)) = chars.next() {
        if c != '\\' {
            if c == '\r' {
                if chars.peek().map(|&(_, c)| c) == Some('\n') {
                    continue;
                }
                out.push('\n');
                continue;
            }
            out.push(c);
            continue;
        }
        let Some((_, e)) = chars.next() else {
            out.push('\\');
            break;
        };
        match e {
            '\n' => {}
            '\r' => {
                if chars.peek().map(|&(_, c)| c) == Some('\n') {
                    chars.next();
                }
            }
            '\\' => out.push('\\'),
            '\'' => out.push('\''),
            '"' => out.push('"'),
            'a' => out.push('\x07'),
            'b' => out.push('\x08'),
            'f' => out.push('\x0c'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'v' => out.push('\x0b'),
            '0'..='7' => {
                let mut v = e.to_digit(8).unwrap();
                for _ in 0..2 {
                    match chars.peek() {
                        Some(&(_, d)) if d.is_digit(8) => {
                            v = v * 8 + d.to_digit(8).unwrap();
                            chars.next();
                        }
                        _ => break,
                    }
                }
                out.push(char::from_u32(v).unwrap_or('\u{fffd}'));
            }
            'x' | 'u' | 'U' => {
                let n = match e {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let mut v: u32 = 0;
                let mut got = 0;
                while got < n {
                    match chars.peek() {
                        Some(&(_, d)) if d.is_ascii_hexdigit() => {
                            v = v * 16 + d.to_digit(16).unwrap();
                            chars.next();
                            got += 1;
                        }
                        _ => break,
                    }
                }
                let end = pos + 1 + got;
                if got < n {
                    let what = match e {
                        'x' => "truncated \\xXX escape",
                        'u' => "truncated \\uXXXX escape",
                        _ => "truncated \\UXXXXXXXX escape",
                    };
                    return Err(unicode_error(pos, end, what));
                }
                match char::from_u32(v) {
                    Some(ch) => out.push(ch),
                    None => return Err(unicode_error(pos, end, "illegal Unicode character")),
                }
            }
            'N' => {
                let rest = &body[pos + 2..];
                let name = rest.strip_prefix('{').and_then(|r| r.find('}').map(|i| &r[..i]));
                match name {
                    Some(name) => {
                        let end = pos + 2 + name.len() + 1;
                        match unicode_names2::character(name) {
                            Some(ch) => out.push(ch),
                            None => return Err(unicode_error(pos, end, "unknown Unicode character name")),
                        }
                        while chars.peek().is_some_and(|&(i, _)| i <= end) {
                            chars.next();
                        }
                    }
                    None => return Err(unicode_error(pos, pos + 1, "malformed \\N character escape")),
                }
            }
            other => {
                out.push('\\');
                out.push(other);
            }
        }
    }
    Ok(std::borrow::Cow::Owned(out))
}

/// Decode the body of a `bytes` literal.
pub fn decode_bytes(body: &str, raw: bool) -> Result<Vec<u8>, String> {
    if !body.is_ascii() {
        return Err("bytes can only contain ASCII literal characters".into());
    }
    let b = body.as_bytes();
    if raw {
        return Ok(b.to_vec());
    }
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        i += 1;
        if c != b'\\' {
            out.push(c);
            continue;
        }
        let Some(&e) = b.get(i) else {
            out.push(b'\\');
            break;
        };
        i += 1;
        match e {
            b'\n' => {}
            b'\\' => out.push(b'\\'),
            b'\'' => out.push(b'\''),
            b'"' => out.push(b'"'),
            b'a' => out.push(7),
            b'b' => out.push(8),
            b'f' => out.push(12),
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'v' => out.push(11),
            b'0'..=b'7' => {
                let mut v = (e - b'0') as u32;
                for _ in 0..2 {
                    match b.get(i) {
                        Some(&d) if (b'0'..=b'7').contains(&d) => {
                            v = v * 8 + (d - b'0') as u32;
                            i += 1;
                        }
                        _ => break,
                    }
                }
                out.push((v & 0xff) as u8);
            }
            b'x' => {
                let hex = b.get(i..i + 2).filter(|h| h.iter().all(u8::is_ascii_hexdigit));
                match hex {
                    Some(h) => {
                        out.push(u8::from_str_radix(std::str::from_utf8(h).unwrap(), 16).unwrap());
                        i += 2;
                    }
                    None => {
                        return Err(format!(
                            "(value error) invalid \\x escape at position {}",
                            i - 2
                        ))
                    }
                }
            }
            other => {
                out.push(b'\\');
                out.push(other);
            }
        }
    }
    Ok(out)
}
