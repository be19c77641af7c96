//! Diagnostics as plain data, rendered in one place with ariadne.
//!
//! Every error the front end finds becomes a [`Diagnostic`]: the Python exception kind
//! (`SyntaxError`, `IndentationError`, `TabError`), CPython's message, the span it points
//! at, a label for that span and an optional help line. [`render`] draws it; colour is
//! used only when asked for (on a terminal), never in tests.

use crate::span::{SourceFile, Span};
use ariadne::{Color, Config, IndexType, Label, Report, ReportKind, Source};

/// The Python exception class a diagnostic corresponds to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DiagKind {
    /// `SyntaxError`.
    Syntax,
    /// `IndentationError` (a subclass of `SyntaxError`).
    Indentation,
    /// `TabError` (a subclass of `IndentationError`).
    Tab,
}

impl DiagKind {
    /// The exception class name as CPython prints it.
    pub fn name(self) -> &'static str {
        match self {
            DiagKind::Syntax => "SyntaxError",
            DiagKind::Indentation => "IndentationError",
            DiagKind::Tab => "TabError",
        }
    }
}

/// One error found in source text, as data.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    /// Which exception class this is.
    pub kind: DiagKind,
    /// CPython's message, e.g. `invalid syntax` or `'(' was never closed`.
    pub message: String,
    /// The offending text.
    pub span: Span,
    /// What the label under the span says.
    pub label: String,
    /// An optional hint on how to fix it.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A `SyntaxError` at `span` with the given message; the label repeats the message.
    pub fn syntax(span: Span, message: impl Into<String>) -> Diagnostic {
        let message = message.into();
        Diagnostic { kind: DiagKind::Syntax, label: message.clone(), message, span, help: None }
    }

    /// A diagnostic of another kind.
    pub fn new(kind: DiagKind, span: Span, message: impl Into<String>) -> Diagnostic {
        let message = message.into();
        Diagnostic { kind, label: message.clone(), message, span, help: None }
    }

    /// Replace the label under the span.
    pub fn with_label(mut self, label: impl Into<String>) -> Diagnostic {
        self.label = label.into();
        self
    }

    /// Add a help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// The last line of the report: `Kind: message`, as CPython ends its traceback.
    pub fn headline(&self) -> String {
        format!("{}: {}", self.kind.name(), self.message)
    }
}

/// Render one diagnostic against its source: an ariadne report with file, line and
/// column, the labelled span and any help, then CPython's `Kind: message` line.
pub fn render(diag: &Diagnostic, file: &SourceFile, color: bool) -> String {
    let mut out = Vec::new();
    let len = file.text.len();
    let start = (diag.span.start as usize).min(len);
    let end = (diag.span.end as usize).clamp(start, len);
    let (line, col) = file.line_col(start as u32);
    let name = file.name.as_str();
    let mut report = Report::build(ReportKind::Error, (name, start..end))
        .with_config(Config::default().with_index_type(IndexType::Byte).with_color(color))
        .with_message(format!("{} at {}:{}:{}", diag.kind.name(), name, line, col))
        .with_label(Label::new((name, start..end)).with_message(&diag.label).with_color(Color::Red));
    if let Some(help) = &diag.help {
        report = report.with_help(help);
    }
    // Writing into a Vec cannot fail.
    let _ = report.finish().write((name, Source::from(file.text.as_str())), &mut out);
    let mut text = String::from_utf8_lossy(&out).into_owned();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(&diag.headline());
    text.push('\n');
    text
}
