//! From source text to the evaluator's tree: parse, validate, analyse scopes, lower.

pub mod lower;
pub mod scope;

use crate::diagnostic::Diagnostic;
use crate::eval::ir::Code;
use crate::span::SourceFile;
use crate::syntax::{self, ValidateOptions};
use std::rc::Rc;

/// Compile a module. The returned code lives for the rest of the process.
pub fn compile(source: Rc<SourceFile>, opts: ValidateOptions) -> Result<&'static Code, Vec<Diagnostic>> {
    let module = syntax::parse(&source.text, opts)?;
    let table = scope::analyze(&module)?;
    let code = lower::lower_module(&module, &table, source);
    // The syntax tree is not needed any more. It is not dropped: a tree nested 100,000
    // deep (a long `1+1+...` chain) would recurse that deep in its destructor, and the
    // process keeps the lowered tree anyway.
    std::mem::forget(module);
    Ok(code)
}
