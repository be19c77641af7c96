//! Classes and instances: user classes, built-in types (also `Class` objects, so
//! `type(x)`, `isinstance` and unbound methods work uniformly), and exception data.

use super::dict::Dict;
use super::str::PyStr;
use super::value::Value;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// Which built-in type a class is (or derives its instance layout from).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    Object, Type, NoneType, Bool, Int, Float, Str, Bytes, List, Tuple, Dict, Set, FrozenSet,
    Range, Slice, Function, BuiltinFunction, Method, Generator, Coroutine, AsyncGenerator,
    Property, StaticMethod, ClassMethod, Module, NotImplementedType, EllipsisType, Iterator,
    Exception, Other,
}

/// A class: a name, bases, the method resolution order and a namespace.
pub struct Class {
    /// `__name__`.
    pub name: RefCell<Rc<PyStr>>,
    /// `__qualname__`.
    pub qualname: RefCell<Rc<PyStr>>,
    /// `__module__` (`builtins`, `__main__`, `asyncio.exceptions`...).
    pub module: RefCell<Rc<PyStr>>,
    /// Direct bases.
    pub bases: RefCell<Vec<Rc<Class>>>,
    /// The MRO without the class itself.
    pub mro: RefCell<Vec<Rc<Class>>>,
    /// The class namespace.
    pub dict: Rc<Dict>,
    /// The built-in type this class is, or whose instance layout it inherits.
    pub kind: Kind,
    /// Whether this is a built-in type (its namespace cannot be changed).
    pub builtin: bool,
    /// Cached: whether the class or a base defines `__getattr__`.
    pub has_getattr: Cell<bool>,
    /// Cached: whether instances need dunder dispatch for `==`/hash (a user `__eq__`).
    pub has_eq: Cell<bool>,
}

impl Class {
    /// The class's name as text.
    pub fn name_str(&self) -> String {
        self.name.borrow().as_str().to_string()
    }

    /// Whether `self` is `other` or derives from it.
    pub fn is_subclass(self: &Rc<Class>, other: &Rc<Class>) -> bool {
        Rc::ptr_eq(self, other) || self.mro.borrow().iter().any(|c| Rc::ptr_eq(c, other))
    }

    /// The full MRO, starting with the class itself.
    pub fn full_mro(self: &Rc<Class>) -> Vec<Rc<Class>> {
        let mut v = vec![self.clone()];
        v.extend(self.mro.borrow().iter().cloned());
        v
    }

    /// The name CPython prints for this class in the last line of a traceback:
    /// qualified by its module unless that is `builtins` or `__main__`.
    pub fn display_name(&self) -> String {
        let module = self.module.borrow();
        let qual = self.qualname.borrow();
        match module.as_str() {
            "builtins" | "__main__" => qual.as_str().to_string(),
            m => format!("{m}.{qual}"),
        }
    }
}

/// One traceback entry: where an exception passed through.
#[derive(Clone)]
pub struct TbEntry {
    /// The source (file name and text).
    pub source: Rc<crate::span::SourceFile>,
    /// 1-based line.
    pub line: u32,
    /// The function (or `<module>`).
    pub name: Rc<PyStr>,
    /// The frame's local values, kept alive by the traceback as CPython's frame
    /// objects are (objects a failed call held die when the exception does).
    pub keep: Vec<Value>,
}

/// The state of an exception instance.
#[derive(Default)]
pub struct ExcData {
    /// `args`.
    pub args: Vec<Value>,
    /// `__cause__`.
    pub cause: Option<Value>,
    /// `__context__`.
    pub context: Option<Value>,
    /// `__suppress_context__`.
    pub suppress_context: bool,
    /// Frames the exception passed through, innermost last.
    pub traceback: Vec<TbEntry>,
    /// `__notes__` / extra state used by the runtime (e.g. ExceptionGroup members).
    pub extra: Option<Value>,
    /// `name` of an `AttributeError` or `NameError` (for "Did you mean" suggestions).
    pub name: Option<Value>,
    /// `obj` of an `AttributeError`: the object that lacked the attribute.
    pub obj: Option<Value>,
}

/// An instance of a user-defined class, or of any exception class.
pub struct Instance {
    /// Its class.
    pub class: RefCell<Rc<Class>>,
    /// Its attributes (`__dict__`).
    pub dict: Rc<Dict>,
    /// Exception state, for instances of exception classes.
    pub exc: Option<RefCell<ExcData>>,
    /// The built-in value inside an instance of a subclass of a built-in type
    /// (`class Stack(list)`).
    pub base: RefCell<Option<Value>>,
}

impl Instance {
    /// A new instance with an empty namespace.
    pub fn new(class: Rc<Class>) -> Instance {
        let exc = (class.kind == Kind::Exception).then(|| RefCell::new(ExcData::default()));
        Instance { class: RefCell::new(class), dict: Rc::new(Dict::new()), exc, base: RefCell::new(None) }
    }

    /// The instance's class.
    #[inline]
    pub fn class(&self) -> Rc<Class> {
        self.class.borrow().clone()
    }

    /// The exception state; panics are impossible because callers check `is_exception`.
    pub fn exc_data(&self) -> std::cell::Ref<'_, ExcData> {
        self.exc.as_ref().expect("exception instance").borrow()
    }

    /// Mutable exception state.
    pub fn exc_data_mut(&self) -> std::cell::RefMut<'_, ExcData> {
        self.exc.as_ref().expect("exception instance").borrow_mut()
    }

    /// Whether this is an exception instance.
    pub fn is_exception(&self) -> bool {
        self.exc.is_some()
    }
}

/// A raised exception: always an exception instance.
pub type Exc = Rc<Instance>;
