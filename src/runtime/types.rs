//! The built-in types and the exception hierarchy, as `Class` objects.

use super::class::{Class, Kind};
use super::dict::Dict;
use super::intern::intern;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

/// Make a built-in class.
pub fn builtin_class(name: &str, module: &str, bases: Vec<Rc<Class>>, kind: Kind) -> Rc<Class> {
    let mro = super::mro::c3(&bases).unwrap_or_default();
    let dict = Dict::new();
    dict.borrow_mut().class_ns = true;
    Rc::new(Class {
        name: RefCell::new(intern(name)),
        qualname: RefCell::new(intern(name)),
        module: RefCell::new(intern(module)),
        bases: RefCell::new(bases),
        mro: RefCell::new(mro),
        dict: Rc::new(dict),
        kind,
        builtin: true,
        has_getattr: Cell::new(false),
        has_eq: Cell::new(false),
        attr_cache: Default::default(),
    })
}

/// The built-in types.
pub struct Types {
    pub object: Rc<Class>,
    pub type_: Rc<Class>,
    pub none: Rc<Class>,
    pub bool: Rc<Class>,
    pub int: Rc<Class>,
    pub float: Rc<Class>,
    pub str: Rc<Class>,
    pub bytes: Rc<Class>,
    pub list: Rc<Class>,
    pub tuple: Rc<Class>,
    pub dict: Rc<Class>,
    pub set: Rc<Class>,
    pub frozenset: Rc<Class>,
    pub range: Rc<Class>,
    pub slice: Rc<Class>,
    pub function: Rc<Class>,
    pub builtin_function: Rc<Class>,
    pub method: Rc<Class>,
    pub generator: Rc<Class>,
    pub coroutine: Rc<Class>,
    pub async_generator: Rc<Class>,
    pub property: Rc<Class>,
    pub staticmethod: Rc<Class>,
    pub classmethod: Rc<Class>,
    pub module: Rc<Class>,
    pub not_implemented: Rc<Class>,
    pub ellipsis: Rc<Class>,
    pub base_exception: Rc<Class>,
    pub exception: Rc<Class>,
    pub type_error: Rc<Class>,
    pub value_error: Rc<Class>,
    pub key_error: Rc<Class>,
    pub index_error: Rc<Class>,
    pub attribute_error: Rc<Class>,
    pub name_error: Rc<Class>,
    pub unbound_local_error: Rc<Class>,
    pub zero_division_error: Rc<Class>,
    pub stop_iteration: Rc<Class>,
    pub stop_async_iteration: Rc<Class>,
    pub generator_exit: Rc<Class>,
    pub runtime_error: Rc<Class>,
    pub recursion_error: Rc<Class>,
    pub overflow_error: Rc<Class>,
    pub assertion_error: Rc<Class>,
    pub keyboard_interrupt: Rc<Class>,
    pub memory_error: Rc<Class>,
    /// Every built-in exception class by name.
    pub excs: HashMap<&'static str, Rc<Class>>,
    /// Other built-in types by name (iterator types, views, ...), created on demand.
    pub others: RefCell<HashMap<&'static str, Rc<Class>>>,
}

/// (name, base) pairs of the built-in exception hierarchy, parents first.
const EXCEPTIONS: &[(&str, &str)] = &[
    ("GeneratorExit", "BaseException"),
    ("KeyboardInterrupt", "BaseException"),
    ("SystemExit", "BaseException"),
    ("Exception", "BaseException"),
    ("ArithmeticError", "Exception"),
    ("FloatingPointError", "ArithmeticError"),
    ("OverflowError", "ArithmeticError"),
    ("ZeroDivisionError", "ArithmeticError"),
    ("AssertionError", "Exception"),
    ("AttributeError", "Exception"),
    ("BufferError", "Exception"),
    ("EOFError", "Exception"),
    ("ImportError", "Exception"),
    ("ModuleNotFoundError", "ImportError"),
    ("LookupError", "Exception"),
    ("IndexError", "LookupError"),
    ("KeyError", "LookupError"),
    ("MemoryError", "Exception"),
    ("NameError", "Exception"),
    ("UnboundLocalError", "NameError"),
    ("OSError", "Exception"),
    ("BlockingIOError", "OSError"),
    ("ChildProcessError", "OSError"),
    ("ConnectionError", "OSError"),
    ("BrokenPipeError", "ConnectionError"),
    ("ConnectionAbortedError", "ConnectionError"),
    ("ConnectionRefusedError", "ConnectionError"),
    ("ConnectionResetError", "ConnectionError"),
    ("FileExistsError", "OSError"),
    ("FileNotFoundError", "OSError"),
    ("InterruptedError", "OSError"),
    ("IsADirectoryError", "OSError"),
    ("NotADirectoryError", "OSError"),
    ("PermissionError", "OSError"),
    ("ProcessLookupError", "OSError"),
    ("TimeoutError", "OSError"),
    ("ReferenceError", "Exception"),
    ("RuntimeError", "Exception"),
    ("NotImplementedError", "RuntimeError"),
    ("RecursionError", "RuntimeError"),
    ("StopAsyncIteration", "Exception"),
    ("StopIteration", "Exception"),
    ("SyntaxError", "Exception"),
    ("IndentationError", "SyntaxError"),
    ("TabError", "IndentationError"),
    ("SystemError", "Exception"),
    ("TypeError", "Exception"),
    ("ValueError", "Exception"),
    ("UnicodeError", "ValueError"),
    ("UnicodeDecodeError", "UnicodeError"),
    ("UnicodeEncodeError", "UnicodeError"),
    ("UnicodeTranslateError", "UnicodeError"),
    ("Warning", "Exception"),
    ("DeprecationWarning", "Warning"),
    ("PendingDeprecationWarning", "Warning"),
    ("RuntimeWarning", "Warning"),
    ("SyntaxWarning", "Warning"),
    ("UserWarning", "Warning"),
    ("FutureWarning", "Warning"),
    ("ImportWarning", "Warning"),
    ("UnicodeWarning", "Warning"),
    ("BytesWarning", "Warning"),
    ("ResourceWarning", "Warning"),
    ("EncodingWarning", "Warning"),
];

impl Types {
    /// Create all built-in types.
    pub fn new() -> Types {
        let object = builtin_class("object", "builtins", vec![], Kind::Object);
        let t = |name: &str, kind: Kind| builtin_class(name, "builtins", vec![object.clone()], kind);
        let int = t("int", Kind::Int);
        let bool_ = builtin_class("bool", "builtins", vec![int.clone()], Kind::Bool);
        let base_exception = t("BaseException", Kind::Exception);
        let mut excs: HashMap<&'static str, Rc<Class>> = HashMap::new();
        excs.insert("BaseException", base_exception.clone());
        for (name, base) in EXCEPTIONS {
            let b = excs[base].clone();
            let c = builtin_class(name, "builtins", vec![b], Kind::Exception);
            excs.insert(name, c);
        }
        let group_base = builtin_class("BaseExceptionGroup", "builtins", vec![base_exception.clone()], Kind::Exception);
        excs.insert("BaseExceptionGroup", group_base.clone());
        let group = builtin_class("ExceptionGroup", "builtins", vec![group_base, excs["Exception"].clone()], Kind::Exception);
        excs.insert("ExceptionGroup", group);
        let e = |n: &str| excs[n].clone();
        Types {
            type_: t("type", Kind::Type),
            none: t("NoneType", Kind::NoneType),
            bool: bool_,
            float: t("float", Kind::Float),
            str: t("str", Kind::Str),
            bytes: t("bytes", Kind::Bytes),
            list: t("list", Kind::List),
            tuple: t("tuple", Kind::Tuple),
            dict: t("dict", Kind::Dict),
            set: t("set", Kind::Set),
            frozenset: t("frozenset", Kind::FrozenSet),
            range: t("range", Kind::Range),
            slice: t("slice", Kind::Slice),
            function: t("function", Kind::Function),
            builtin_function: t("builtin_function_or_method", Kind::BuiltinFunction),
            method: t("method", Kind::Method),
            generator: t("generator", Kind::Generator),
            coroutine: t("coroutine", Kind::Coroutine),
            async_generator: t("async_generator", Kind::AsyncGenerator),
            property: t("property", Kind::Property),
            staticmethod: t("staticmethod", Kind::StaticMethod),
            classmethod: t("classmethod", Kind::ClassMethod),
            module: t("module", Kind::Module),
            not_implemented: t("NotImplementedType", Kind::NotImplementedType),
            ellipsis: t("ellipsis", Kind::EllipsisType),
            exception: e("Exception"),
            type_error: e("TypeError"),
            value_error: e("ValueError"),
            key_error: e("KeyError"),
            index_error: e("IndexError"),
            attribute_error: e("AttributeError"),
            name_error: e("NameError"),
            unbound_local_error: e("UnboundLocalError"),
            zero_division_error: e("ZeroDivisionError"),
            stop_iteration: e("StopIteration"),
            stop_async_iteration: e("StopAsyncIteration"),
            generator_exit: e("GeneratorExit"),
            runtime_error: e("RuntimeError"),
            recursion_error: e("RecursionError"),
            overflow_error: e("OverflowError"),
            assertion_error: e("AssertionError"),
            keyboard_interrupt: e("KeyboardInterrupt"),
            memory_error: e("MemoryError"),
            base_exception,
            int,
            object,
            excs,
            others: RefCell::new(HashMap::new()),
        }
    }

    /// The built-in exception class `name` (falls back to `Exception`).
    pub fn exc(&self, name: &str) -> Rc<Class> {
        self.excs.get(name).cloned().unwrap_or_else(|| self.exception.clone())
    }

    /// A built-in type by name, created (deriving from `object`) on first use.
    pub fn other(&self, name: &'static str) -> Rc<Class> {
        if let Some(c) = self.others.borrow().get(name) {
            return c.clone();
        }
        let c = builtin_class(name, "builtins", vec![self.object.clone()], Kind::Other);
        self.others.borrow_mut().insert(name, c.clone());
        c
    }
}

impl Default for Types {
    fn default() -> Types {
        Types::new()
    }
}
