//! Source positions: byte spans, spanned values, and a source map that turns byte
//! offsets into 1-based line and column numbers.

use std::fmt;

/// A half-open byte range `start..end` into one source text.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    /// First byte of the range.
    pub start: u32,
    /// One past the last byte of the range.
    pub end: u32,
}

impl Span {
    /// A span from two byte offsets.
    pub fn new(start: usize, end: usize) -> Span {
        Span { start: start as u32, end: end as u32 }
    }

    /// The smallest span covering both `self` and `other`.
    pub fn to(self, other: Span) -> Span {
        Span { start: self.start.min(other.start), end: self.end.max(other.end) }
    }

    /// The span as a `usize` range, for slicing and for ariadne.
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

impl fmt::Debug for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

impl From<std::ops::Range<usize>> for Span {
    fn from(r: std::ops::Range<usize>) -> Span {
        Span::new(r.start, r.end)
    }
}

/// A value together with the span of source text it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Spanned<T> {
    /// The value.
    pub node: T,
    /// Where it came from.
    pub span: Span,
}

/// A named source text with a table of line starts, for line/column lookups. The table
/// is built on the first lookup (`coro check` of a valid file never needs it).
#[derive(Debug)]
pub struct SourceFile {
    /// The name shown in diagnostics (a path as the user typed it, `<stdin>`, `<string>`).
    pub name: String,
    /// A script file's absolute path, as CPython's `co_filename` and `__file__` have it
    /// (the working directory, `/`, then the path typed); `None` for other sources.
    pub path: Option<String>,
    /// The whole text.
    pub text: String,
    line_starts: std::cell::OnceCell<Vec<u32>>,
}

impl SourceFile {
    /// A source text under a display name.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> SourceFile {
        SourceFile { name: name.into(), path: None, text: text.into(), line_starts: std::cell::OnceCell::new() }
    }

    /// A script file read from `path` (as typed): its absolute path is kept for
    /// tracebacks, `co_filename` and `__file__`, as CPython makes it absolute.
    pub fn script(path: &str, text: impl Into<String>) -> SourceFile {
        let abs = if path.starts_with('/') {
            path.to_string()
        } else {
            match std::env::current_dir() {
                Ok(cwd) => format!("{}/{path}", cwd.display()),
                Err(_) => path.to_string(),
            }
        };
        SourceFile { path: Some(abs), ..SourceFile::new(path, text) }
    }

    /// The name code from this source reports at run time (tracebacks, `co_filename`,
    /// task reprs): the absolute path of a script, else the display name.
    pub fn code_name(&self) -> &str {
        self.path.as_deref().unwrap_or(&self.name)
    }

    /// Byte offsets of the line starts, indexed on first use.
    fn line_starts(&self) -> &[u32] {
        self.line_starts.get_or_init(|| {
            let mut starts = vec![0];
            for (i, b) in self.text.bytes().enumerate() {
                if b == b'\n' {
                    starts.push(i as u32 + 1);
                }
            }
            starts
        })
    }

    /// 1-based line number of a byte offset.
    pub fn line_of(&self, offset: u32) -> usize {
        match self.line_starts().binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        }
    }

    /// 1-based (line, column) of a byte offset; the column counts characters.
    pub fn line_col(&self, offset: u32) -> (usize, usize) {
        let line = self.line_of(offset);
        let start = self.line_starts()[line - 1] as usize;
        let end = (offset as usize).min(self.text.len());
        let col = self.text.get(start..end).map_or(end - start, |s| s.chars().count());
        (line, col + 1)
    }

    /// The text of a 1-based line, without its line ending.
    pub fn line_text(&self, line: usize) -> &str {
        let starts = self.line_starts();
        if line == 0 || line > starts.len() {
            return "";
        }
        let start = starts[line - 1] as usize;
        let end = starts.get(line).map_or(self.text.len(), |&e| e as usize);
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }
}
