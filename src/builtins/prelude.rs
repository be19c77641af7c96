//! Built-in helpers written in Coro itself (compiled on first use).

use crate::runtime::class::Exc;
use crate::runtime::dict::Dict;
use crate::runtime::intern::intern;
use crate::runtime::value::Value;
use crate::runtime::Runtime;
use crate::span::SourceFile;
use std::cell::RefCell;
use std::rc::Rc;

const SOURCE: &str = include_str!("prelude.coro");

thread_local! {
    static NS: RefCell<Option<Rc<Dict>>> = const { RefCell::new(None) };
}

/// Run a built-in Coro source as a module and return its namespace.
pub fn load(rt: &mut Runtime, name: &str, source: &str) -> Result<Rc<Dict>, Exc> {
    let src = Rc::new(SourceFile::new(format!("<{name}>"), source));
    let code = match crate::compile::compile(src, Default::default()) {
        Ok(c) => c,
        Err(d) => return Err(rt.exc_msg(&rt.types.exc("SystemError"), format!("built-in module {name} failed to compile: {}", d[0].headline()))),
    };
    let ns = Rc::new(Dict::new());
    ns.set_str(intern("__name__"), Value::str(name));
    let mut f = rt.new_frame(code, ns.clone());
    if !code.body.is_empty() {
        f.work.push(crate::eval::step::Step::Block(&code.body, 0));
    }
    crate::eval::machine::run_frame(rt, f)?;
    Ok(ns)
}

/// A function defined in the prelude.
pub fn function(rt: &mut Runtime, name: &str) -> Result<Value, Exc> {
    let ns = match NS.with(|n| n.borrow().clone()) {
        Some(ns) => ns,
        None => {
            let ns = load(rt, "builtins", SOURCE)?;
            NS.with(|n| *n.borrow_mut() = Some(ns.clone()));
            ns
        }
    };
    ns.get_str(&intern(name)).ok_or_else(|| rt.exc_msg(&rt.types.exc("SystemError"), format!("missing built-in helper {name}")))
}
