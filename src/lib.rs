//! Coro: a Python-3.11-subset interpreter built around first-class coroutines.
//!
//! See `src/README.md` for the module map.

pub mod cli;
pub mod diagnostic;
pub mod span;
pub mod syntax;
