//! Descriptor and namespace objects: `property`, `staticmethod`, `classmethod`, `super`
//! and modules.

use super::class::Class;
use super::dict::Dict;
use super::gc_refs::Visit;
use super::object::Object;
use super::str::PyStr;
use super::value::Value;
use super::Runtime;
use std::any::Any;
use std::cell::RefCell;
use std::rc::Rc;

/// A `property`.
pub struct Property {
    /// Getter.
    pub fget: Value,
    /// Setter.
    pub fset: Value,
    /// Deleter.
    pub fdel: Value,
    /// Docstring.
    pub doc: Value,
    /// The attribute name it was assigned to (from `__set_name__`), for messages.
    pub name: RefCell<Option<Rc<PyStr>>>,
}

impl Object for Property {
    fn class(&self, rt: &Runtime) -> Rc<Class> {
        rt.types.property.clone()
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn get_attr(&self, _rt: &mut Runtime, name: &PyStr, _this: &Value) -> Option<Value> {
        match name.as_str() {
            "fget" => Some(self.fget.clone()),
            "fset" => Some(self.fset.clone()),
            "fdel" => Some(self.fdel.clone()),
            "__doc__" => Some(self.doc.clone()),
            _ => None,
        }
    }
    fn traverse(&self, visit: &mut Visit<'_>) -> bool {
        for v in [&self.fget, &self.fset, &self.fdel, &self.doc] {
            visit.value(v);
        }
        true
    }
}

/// A `staticmethod`.
pub struct StaticMethod(pub Value);

impl Object for StaticMethod {
    fn class(&self, rt: &Runtime) -> Rc<Class> {
        rt.types.staticmethod.clone()
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn get_attr(&self, _rt: &mut Runtime, name: &PyStr, _this: &Value) -> Option<Value> {
        (name.as_str() == "__func__").then(|| self.0.clone())
    }
    fn traverse(&self, visit: &mut Visit<'_>) -> bool {
        visit.value(&self.0);
        true
    }
}

/// A `classmethod`.
pub struct ClassMethod(pub Value);

impl Object for ClassMethod {
    fn class(&self, rt: &Runtime) -> Rc<Class> {
        rt.types.classmethod.clone()
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn get_attr(&self, _rt: &mut Runtime, name: &PyStr, _this: &Value) -> Option<Value> {
        (name.as_str() == "__func__").then(|| self.0.clone())
    }
    fn traverse(&self, visit: &mut Visit<'_>) -> bool {
        visit.value(&self.0);
        true
    }
}

/// A `super()` object: attribute lookup starting after `class` in the MRO of `obj`'s type.
pub struct Super {
    /// The class whose method called `super()`.
    pub class: Rc<Class>,
    /// The receiver.
    pub obj: Value,
    /// The type whose MRO is searched (the receiver's type, or the receiver for classes).
    pub obj_type: Rc<Class>,
}

impl Object for Super {
    fn class(&self, rt: &Runtime) -> Rc<Class> {
        rt.types.other("super")
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn repr(&self, _rt: &mut Runtime, _this: &Value) -> Option<String> {
        Some(format!("<super: <class '{}'>, <{} object>>", self.class.name_str(), self.obj_type.name_str()))
    }
    fn traverse(&self, visit: &mut Visit<'_>) -> bool {
        visit.rc(&self.class);
        visit.value(&self.obj);
        visit.rc(&self.obj_type);
        true
    }
}

/// A module: a name and a namespace.
pub struct Module {
    /// `__name__`.
    pub name: Rc<PyStr>,
    /// The namespace.
    pub dict: Rc<Dict>,
}

impl Object for Module {
    fn class(&self, rt: &Runtime) -> Rc<Class> {
        rt.types.module.clone()
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn repr(&self, _rt: &mut Runtime, _this: &Value) -> Option<String> {
        Some(format!("<module '{}' (built-in)>", self.name))
    }
}
