//! From source text to the evaluator's tree: parse, validate, analyse scopes, lower.

pub mod interactive;
pub mod lower;
pub mod scope;

use crate::diagnostic::Diagnostic;
use crate::eval::ir::Code;
use crate::span::SourceFile;
use crate::syntax::{self, ValidateOptions};
use std::rc::Rc;

/// Compile one REPL input: top-level `await` is allowed (the code is then a coroutine,
/// reported by the flag) and expression statements show their value.
pub fn compile_interactive(source: Rc<SourceFile>) -> Result<(&'static Code, bool), Vec<Diagnostic>> {
    let module = syntax::parse(&source.text, ValidateOptions { top_level_await: true })?;
    let table = scope::analyze(&module)?;
    let is_async = interactive::uses_top_level_await(&module);
    let kind = if is_async { crate::syntax::ast::FuncKind::Coroutine } else { crate::syntax::ast::FuncKind::Plain };
    let code = lower::lower_module_as(&module, &table, source, true, kind);
    std::mem::forget(module);
    Ok((code?, is_async))
}

/// Compile a module. The returned code lives for the rest of the process.
pub fn compile(source: Rc<SourceFile>, opts: ValidateOptions) -> Result<&'static Code, Vec<Diagnostic>> {
    let module = syntax::parse(&source.text, opts)?;
    let table = scope::analyze(&module)?;
    let code = lower::lower_module(&module, &table, source);
    // The syntax tree is not needed any more. It is not dropped: a tree nested 100,000
    // deep (a long `1+1+...` chain) would recurse that deep in its destructor, and the
    // process keeps the lowered tree anyway.
    std::mem::forget(module);
    code
}
