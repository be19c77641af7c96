//! The evaluator: heap frames stepped by one driver loop.

pub mod call;
pub mod chain;
pub mod comploop;
pub mod define;
pub mod display;
pub mod exec;
pub mod expr;
pub mod fast;
pub mod finalize;
pub mod frame;
pub mod genpull;
pub mod framebuf;
pub mod localvec;
pub mod suspend;
pub mod ir;
pub mod iterate;
pub mod machine;
pub mod native;
pub mod post;
pub mod raise;
pub mod report;
pub mod step;
pub mod store;
pub mod unwind;
pub mod with;
