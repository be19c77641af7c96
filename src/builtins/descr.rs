//! Method descriptors: what `str.upper` or `int.__add__` evaluate to (a built-in
//! method looked up on its class rather than on an instance). Calling one checks the
//! receiver's type as CPython does, then runs the method with it.

use crate::eval::native::{Args, NativeImpl, Ret};
use crate::ops;
use crate::runtime::class::{Class, Kind};
use crate::runtime::object::{downcast, Object};
use crate::runtime::str::PyStr;
use crate::runtime::value::Value;
use crate::runtime::Runtime;
use std::rc::Rc;

/// The dunder names CPython implements as slot wrappers (`<slot wrapper ...>`);
/// other built-in methods are method descriptors (`<method ...>`).
const SLOT_NAMES: &[&str] = &[
    "__repr__", "__str__", "__hash__", "__call__", "__getattribute__", "__setattr__", "__delattr__", "__lt__",
    "__le__", "__eq__", "__ne__", "__gt__", "__ge__", "__iter__", "__next__", "__get__", "__set__", "__delete__",
    "__init__", "__new__", "__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__", "__mod__", "__rmod__",
    "__divmod__", "__rdivmod__", "__pow__", "__rpow__", "__neg__", "__pos__", "__abs__", "__bool__", "__invert__",
    "__lshift__", "__rlshift__", "__rshift__", "__rrshift__", "__and__", "__rand__", "__xor__", "__rxor__", "__or__",
    "__ror__", "__int__", "__float__", "__iadd__", "__isub__", "__imul__", "__imod__", "__ipow__", "__ilshift__",
    "__irshift__", "__iand__", "__ixor__", "__ior__", "__floordiv__", "__rfloordiv__", "__truediv__", "__rtruediv__",
    "__ifloordiv__", "__itruediv__", "__index__", "__matmul__", "__rmatmul__", "__imatmul__", "__len__",
    "__getitem__", "__setitem__", "__delitem__", "__contains__", "__await__", "__aiter__", "__anext__",
];

/// Whether a built-in method name is a slot wrapper in CPython.
pub fn is_slot(name: &str) -> bool {
    SLOT_NAMES.contains(&name)
}

/// A built-in method seen through its class: `str.upper`, `int.__add__`.
pub struct MethodDescr {
    /// The class that defines it.
    pub class: Rc<Class>,
    /// The method's name.
    pub name: &'static str,
    /// The implementation (the receiver is its first argument).
    pub func: NativeImpl,
}

impl Object for MethodDescr {
    fn class(&self, rt: &Runtime) -> Rc<Class> {
        rt.types.other(if is_slot(self.name) { "wrapper_descriptor" } else { "method_descriptor" })
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn get_attr(&self, _rt: &mut Runtime, name: &PyStr, _this: &Value) -> Option<Value> {
        match name.as_str() {
            "__name__" => Some(Value::str(self.name)),
            "__qualname__" => Some(Value::string(format!("{}.{}", self.class.name_str(), self.name))),
            "__objclass__" => Some(Value::Class(self.class.clone())),
            "__doc__" => Some(Value::None),
            _ => None,
        }
    }
    fn repr(&self, _rt: &mut Runtime, _this: &Value) -> Option<String> {
        let kind = if is_slot(self.name) { "slot wrapper" } else { "method" };
        Some(format!("<{kind} '{}' of '{}' objects>", self.name, self.class.name_str()))
    }
    fn dir(&self) -> Vec<&'static str> {
        vec!["__name__", "__qualname__", "__objclass__", "__call__", "__get__", "__text_signature__"]
    }
}

/// Wrap a built-in method found on class `owner` for access through a class.
pub fn method_descr(owner: &Rc<Class>, name: &'static str, func: NativeImpl) -> Value {
    Value::Obj(crate::runtime::objref::ObjRef::new(MethodDescr { class: owner.clone(), name, func }))
}

/// The receiver a built-in method of `cls` works on: the value itself, or the
/// built-in value inside an instance of a user subclass of a built-in type.
pub fn receiver_for(cls: &Class, v: &Value) -> Value {
    match v {
        Value::Inst(i) if cls.kind != Kind::Object && cls.kind != Kind::Exception => {
            i.base.borrow().clone().unwrap_or_else(|| v.clone())
        }
        _ => v.clone(),
    }
}

/// Call a method descriptor: check the receiver, then run the method.
pub fn call_descr(rt: &mut Runtime, d: &MethodDescr, a: Args) -> Ret {
    let qual = format!("{}.{}", d.class.name_str(), d.name);
    let Some(recv) = a.pos.first() else {
        let msg = if is_slot(d.name) {
            format!("descriptor '{}' of '{}' object needs an argument", d.name, d.class.name_str())
        } else {
            format!("unbound method {qual}() needs an argument")
        };
        return Ret::Raise(rt.type_error(msg));
    };
    if !ops::isinstance(rt, recv, &d.class) {
        let tn = ops::type_name(rt, recv);
        let msg = if is_slot(d.name) {
            format!("descriptor '{}' requires a '{}' object but received a '{tn}'", d.name, d.class.name_str())
        } else {
            format!("descriptor '{}' for '{}' objects doesn't apply to a '{tn}' object", d.name, d.class.name_str())
        };
        return Ret::Raise(rt.type_error(msg));
    }
    let mut all = Vec::with_capacity(a.pos.len() + a.kw.len());
    all.push(receiver_for(&d.class, recv));
    all.extend_from_slice(&a.pos[1..]);
    all.extend_from_slice(a.kw);
    let n = all.len() - a.kw.len();
    (d.func)(rt, Args { pos: &all[..n], kw: &all[n..], names: a.names })
}

/// If `v` is a method descriptor, call it.
pub fn try_call(rt: &mut Runtime, v: &Value, a: Args) -> Option<Ret> {
    if let Some(d) = downcast::<MethodDescr>(v) {
        return Some(call_descr(rt, d, a));
    }
    call_alias(rt, v, a)
}

/// Whether `v` is a callable object defined here.
pub fn is_callable(v: &Value) -> bool {
    downcast::<MethodDescr>(v).is_some() || downcast::<GenericAlias>(v).is_some()
}

/// `list[int]`: a parameterised built-in type (`types.GenericAlias`). Calling it
/// calls the type; it prints as written.
pub struct GenericAlias {
    /// The type subscripted (`list`).
    pub origin: Value,
    /// The arguments.
    pub args: Vec<Value>,
}

/// How a type argument prints inside `list[...]`.
fn alias_arg_repr(rt: &mut Runtime, v: &Value) -> String {
    match v {
        Value::Class(c) => {
            let module = c.module.borrow();
            if module.as_str() == "builtins" {
                c.qualname.borrow().as_str().to_string()
            } else {
                format!("{}.{}", module, c.qualname.borrow())
            }
        }
        Value::Ellipsis => "...".to_string(),
        Value::Obj(o) => match downcast::<GenericAlias>(v) {
            Some(g) => g.text(rt),
            None => o.repr(rt, v).unwrap_or_default(),
        },
        other => ops::repr::repr(rt, other).map(|s| s.as_str().to_string()).unwrap_or_default(),
    }
}

impl GenericAlias {
    fn text(&self, rt: &mut Runtime) -> String {
        let origin = alias_arg_repr(rt, &self.origin);
        let args: Vec<String> = self.args.iter().map(|a| alias_arg_repr(rt, a)).collect();
        format!("{origin}[{}]", args.join(", "))
    }
}

impl Object for GenericAlias {
    fn class(&self, rt: &Runtime) -> Rc<Class> {
        rt.types.other("GenericAlias")
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn repr(&self, rt: &mut Runtime, _this: &Value) -> Option<String> {
        Some(self.text(rt))
    }
    fn get_attr(&self, _rt: &mut Runtime, name: &PyStr, _this: &Value) -> Option<Value> {
        match name.as_str() {
            "__origin__" => Some(self.origin.clone()),
            "__args__" => Some(Value::tuple(self.args.clone())),
            _ => None,
        }
    }
}

/// `cls.__class_getitem__(item)` for the built-in generic types.
pub fn class_getitem(_rt: &mut Runtime, a: Args) -> Ret {
    let (Some(origin), Some(item)) = (a.pos.first(), a.pos.get(1)) else { return Ret::Val(Value::None) };
    let args = match item {
        Value::Tuple(t) => t.items().to_vec(),
        v => vec![v.clone()],
    };
    Ret::Val(Value::Obj(crate::runtime::objref::ObjRef::new(GenericAlias { origin: origin.clone(), args })))
}

/// Call a generic alias: call its origin.
pub fn call_alias(rt: &mut Runtime, v: &Value, a: Args) -> Option<Ret> {
    let g = downcast::<GenericAlias>(v)?;
    let mut all = a.pos.to_vec();
    all.extend_from_slice(a.kw);
    Some(match ops::call::call_with(rt, &g.origin, &all, a.names) {
        Ok(v) => Ret::Val(v),
        Err(e) => Ret::Raise(ops::expect_raise(e)),
    })
}
