//! Functions: Coro-defined functions (code plus defaults and closure cells), built-in
//! functions implemented in Rust, and bound methods.

use super::dict::Dict;
use super::str::PyStr;
use super::value::Value;
use crate::eval::ir::Code;
use crate::eval::native::NativeImpl;
use std::cell::RefCell;
use std::rc::Rc;

/// A closure cell: a variable shared between a function and the functions nested in it.
#[derive(Default)]
pub struct CellObj {
    /// The value; `None` while the variable is unbound.
    pub value: RefCell<Option<Value>>,
}

impl CellObj {
    /// A new cell holding `v`.
    pub fn new(v: Option<Value>) -> Rc<CellObj> {
        let c = Rc::new(CellObj { value: RefCell::new(v) });
        super::gc::track_cell(&c);
        c
    }
}

/// A function defined by `def` or `lambda`.
pub struct Function {
    /// The compiled body and signature.
    pub code: &'static Code,
    /// The module namespace it was defined in.
    pub globals: Rc<Dict>,
    /// Defaults of the last positional parameters.
    pub defaults: RefCell<Vec<Value>>,
    /// Defaults of keyword-only parameters, by position among them.
    pub kwdefaults: RefCell<Vec<Option<Value>>>,
    /// Cells of the free variables, in `code.freevars` order.
    pub closure: Box<[Rc<CellObj>]>,
    /// `__name__`.
    pub name: RefCell<Rc<PyStr>>,
    /// `__qualname__`.
    pub qualname: RefCell<Rc<PyStr>>,
    /// `__dict__` (function attributes), created on first use.
    pub dict: RefCell<Option<Rc<Dict>>>,
    /// `__doc__`.
    pub doc: RefCell<Value>,
}

/// A built-in function or method.
pub struct NativeFn {
    /// `__name__`.
    pub name: &'static str,
    /// The class name for methods (`list` in `list.append`), for reprs and messages.
    pub owner: Option<&'static str>,
    /// The implementation.
    pub func: NativeImpl,
    /// The receiver, for a method bound to an object.
    pub bound: Option<Value>,
}

impl NativeFn {
    /// A new unbound built-in.
    pub fn new(name: &'static str, func: NativeImpl) -> NativeFn {
        NativeFn { name, owner: None, func, bound: None }
    }
}

/// A bound method: a callable with its receiver (`obj.method`).
pub struct BoundMethod {
    /// The function (a `Func`, or anything callable).
    pub func: Value,
    /// The receiver passed as the first argument.
    pub receiver: Value,
}
