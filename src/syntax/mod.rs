//! The syntax layer: tokens, the indentation pass, the AST, the parser and the
//! validation pass. Nothing here depends on the runtime.

pub mod ast;
pub mod lexer;
pub mod literal;
pub mod parser;
pub mod token;
pub mod validate;

pub use parser::parse_module;
pub use validate::ValidateOptions;

use crate::diagnostic::Diagnostic;

/// Parse and validate a module: the whole front end before name resolution.
pub fn parse(src: &str, opts: ValidateOptions) -> Result<ast::Module, Vec<Diagnostic>> {
    let module = parse_module(src)?;
    validate::validate(&module, opts)?;
    Ok(module)
}
