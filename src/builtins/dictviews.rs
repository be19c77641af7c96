//! `dict_keys`, `dict_values` and `dict_items`: live views of a dict, with the set
//! operations and comparisons CPython gives keys and items views.

use super::{add_method, check_method, raise, ret};
use crate::eval::native::{Args, Ret};
use crate::ops::{self, PyResult};
use crate::runtime::class::Class;
use crate::runtime::dict::Dict;
use crate::runtime::iter::{DictPart, IterObj, IterState};
use crate::runtime::object::{downcast, Object};
use crate::runtime::str::PyStr;
use crate::runtime::value::Value;
use crate::runtime::Runtime;
use crate::syntax::ast::{BinOp, CmpOp};
use std::rc::Rc;

/// A `dict_keys`, `dict_values` or `dict_items` view.
pub struct DictView {
    /// The dict.
    pub dict: Rc<Dict>,
    /// Which part it shows.
    pub part: DictPart,
}

impl DictView {
    fn name(&self) -> &'static str {
        match self.part {
            DictPart::Keys => "dict_keys",
            DictPart::Values => "dict_values",
            DictPart::Items => "dict_items",
        }
    }

    /// The current contents.
    fn values(&self) -> Vec<Value> {
        self.dict
            .borrow()
            .iter()
            .map(|e| match self.part {
                DictPart::Keys => e.key.clone(),
                DictPart::Values => e.value.clone(),
                DictPart::Items => Value::tuple(vec![e.key.clone(), e.value.clone()]),
            })
            .collect()
    }

    /// Keys and items views behave like sets; values views do not.
    fn is_setlike(&self) -> bool {
        self.part != DictPart::Values
    }

    /// `item in view`.
    fn has(&self, rt: &mut Runtime, item: &Value) -> PyResult<bool> {
        match self.part {
            DictPart::Keys => Ok(super::dicts::dict_get(rt, &self.dict, item)?.is_some()),
            DictPart::Items => {
                let Value::Tuple(t) = item else { return Ok(false) };
                if t.len() != 2 {
                    return Ok(false);
                }
                let (k, v) = (&t.items()[0], &t.items()[1]);
                match super::dicts::dict_get(rt, &self.dict, k)? {
                    Some(found) => Ok(found.is(v) || ops::cmp::eq(rt, &found, v)?),
                    None => Ok(false),
                }
            }
            DictPart::Values => {
                for x in self.values() {
                    if x.is(item) || ops::cmp::eq(rt, &x, item)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
        }
    }
}

impl Object for DictView {
    fn class(&self, rt: &Runtime) -> Rc<Class> {
        rt.types.other(self.name())
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn repr(&self, rt: &mut Runtime, _this: &Value) -> Option<String> {
        let items = Value::list(self.values());
        let inner = ops::repr::repr(rt, &items).ok()?;
        Some(format!("{}({})", self.name(), inner))
    }
    fn iter(&self, _rt: &mut Runtime, _this: &Value) -> Option<PyResult<Value>> {
        let d = self.dict.clone();
        let n = d.len();
        Some(Ok(Value::Iter(IterObj::new(IterState::Dict(d, 0, n, self.part)))))
    }
    fn len(&self) -> Option<usize> {
        Some(self.dict.len())
    }
    fn traverse(&self, visit: &mut crate::runtime::gc_refs::Visit<'_>) -> bool {
        visit.rc(&self.dict);
        true
    }
    fn contains(&self, rt: &mut Runtime, _this: &Value, item: &Value) -> Option<PyResult<bool>> {
        Some(self.has(rt, item))
    }
    fn get_attr(&self, _rt: &mut Runtime, name: &PyStr, _this: &Value) -> Option<Value> {
        (name.as_str() == "mapping").then(|| Value::Obj(crate::runtime::objref::ObjRef::new(MappingProxy(self.dict.clone(), None))))
    }
}

/// The read-only `mappingproxy` of a class's `__dict__` (with the class, so that
/// built-in methods read from it are method descriptors) or of a view's `mapping`.
pub struct MappingProxy(pub Rc<Dict>, pub Option<Rc<Class>>);

impl MappingProxy {
    /// A built-in method stored in a class namespace, as seen through the proxy.
    fn wrap(&self, v: Value) -> Value {
        match (&v, &self.1) {
            (Value::Native(n), Some(c)) if n.owner.is_some() && n.bound.is_none() => super::descr::method_descr(c, n.name, n.func),
            _ => v,
        }
    }
}

impl Object for MappingProxy {
    fn class(&self, rt: &Runtime) -> Rc<Class> {
        rt.types.other("mappingproxy")
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn repr(&self, rt: &mut Runtime, _this: &Value) -> Option<String> {
        let inner = ops::repr::repr(rt, &Value::Dict(self.0.clone())).ok()?;
        Some(format!("mappingproxy({inner})"))
    }
    fn str(&self, rt: &mut Runtime, _this: &Value) -> Option<String> {
        ops::repr::repr(rt, &Value::Dict(self.0.clone())).ok().map(|s| s.as_str().to_string())
    }
    fn iter(&self, rt: &mut Runtime, _this: &Value) -> Option<PyResult<Value>> {
        Some(ops::iter::iter(rt, &Value::Dict(self.0.clone())))
    }
    fn len(&self) -> Option<usize> {
        Some(self.0.len())
    }
    fn contains(&self, rt: &mut Runtime, _this: &Value, item: &Value) -> Option<PyResult<bool>> {
        Some(super::dicts::dict_get(rt, &self.0, item).map(|v| v.is_some()))
    }
    fn getitem(&self, rt: &mut Runtime, _this: &Value, key: &Value) -> Option<PyResult> {
        Some(ops::item::getitem(rt, &Value::Dict(self.0.clone()), key).map(|v| self.wrap(v)))
    }
}

/// A `mappingproxy` method: the same method of the underlying dict (read-only ones).
fn proxy_call(rt: &mut Runtime, a: Args, name: &str) -> Ret {
    let Some(p) = downcast::<MappingProxy>(&a.pos[0]) else { return Ret::Val(Value::None) };
    let d = Value::Dict(p.0.clone());
    let r = ops::attr::getattr(rt, &d, &crate::runtime::intern::intern(name)).and_then(|m| {
        let mut all = a.pos[1..].to_vec();
        all.extend_from_slice(a.kw);
        ops::call::call_with(rt, &m, &all, a.names)
    });
    ret(r.map(|v| p.wrap(v)))
}

macro_rules! proxy_methods {
    ($($f:ident => $name:expr;)*) => {
        $(
            fn $f(rt: &mut Runtime, a: Args) -> Ret {
                proxy_call(rt, a, $name)
            }
        )*
    };
}

proxy_methods! {
    proxy_keys => "keys";
    proxy_values => "values";
    proxy_items => "items";
    proxy_get => "get";
    proxy_copy => "copy";
}

/// The contents of a dict view (for `reversed`, `list()`).
pub fn view_values(v: &Value) -> Option<Vec<Value>> {
    downcast::<DictView>(v).map(|dv| dv.values())
}

/// The dict and part of a dict view, if `v` is one (for `reversed`).
pub fn view_parts(v: &Value) -> Option<(Rc<Dict>, DictPart)> {
    downcast::<DictView>(v).map(|dv| (dv.dict.clone(), dv.part))
}

/// A new view of `d`.
pub fn view(d: Rc<Dict>, part: DictPart) -> Value {
    crate::runtime::gc::new_obj(DictView { dict: d, part })
}

/// A set-like view (keys or items), if `v` is one.
fn setlike(v: &Value) -> Option<&DictView> {
    downcast::<DictView>(v).filter(|d| d.is_setlike())
}

/// `set(view)` as CPython's `dictviews_to_set` builds it (a keys view from its dict).
fn to_set(rt: &mut Runtime, v: &Value) -> PyResult {
    match downcast::<DictView>(v) {
        Some(d) if d.part == DictPart::Keys => super::sets::set_from_iterable(rt, &Value::Dict(d.dict.clone()), false),
        _ => super::sets::set_from_iterable(rt, v, false),
    }
}

/// Call a method of a set value with one argument.
fn set_method(rt: &mut Runtime, s: &Value, name: &str, arg: &Value) -> PyResult {
    let m = ops::attr::getattr(rt, s, &crate::runtime::intern::intern(name))?;
    ops::call::call_value(rt, m, vec![arg.clone()])
}

/// `a op b` when either operand is a keys or items view: `Some` result, or `None`
/// when neither is one (or the operator is not a set operator).
pub fn view_binop(rt: &mut Runtime, op: BinOp, a: &Value, b: &Value) -> Option<PyResult> {
    if setlike(a).is_none() && setlike(b).is_none() {
        return None;
    }
    let r = match op {
        BinOp::BitAnd => intersect(rt, a, b),
        BinOp::BitOr | BinOp::BitXor | BinOp::Sub => (|| {
            let s = to_set(rt, a)?;
            let name = match op {
                BinOp::BitOr => "update",
                BinOp::BitXor => "symmetric_difference_update",
                _ => "difference_update",
            };
            set_method(rt, &s, name, b)?;
            Ok(s)
        })(),
        _ => return None,
    };
    Some(r)
}

/// CPython's `_PyDictView_Intersect`.
fn intersect(rt: &mut Runtime, a: &Value, b: &Value) -> PyResult {
    let (mut this, mut other) = if setlike(a).is_some() { (a, b) } else { (b, a) };
    let len_self = setlike(this).map_or(0, |d| d.dict.len());
    if let Value::Set(s) = other {
        if !s.frozen && len_self <= s.len() {
            return set_method(rt, other, "intersection", this);
        }
    }
    if let Some(o) = setlike(other) {
        if o.dict.len() > len_self {
            std::mem::swap(&mut this, &mut other);
        }
    }
    let view = setlike(this).map(|d| DictView { dict: d.dict.clone(), part: d.part });
    let items = ops::iter::collect(rt, other)?;
    let mut found = Vec::new();
    for x in items {
        let has = match &view {
            Some(v) => v.has(rt, &x)?,
            None => false,
        };
        if has {
            found.push(x);
        }
    }
    super::sets::set_from_values(rt, found, false)
}

/// Every item of `a` is in `b`.
fn all_in(rt: &mut Runtime, a: &Value, b: &Value) -> PyResult<bool> {
    for x in ops::iter::collect(rt, a)? {
        if !ops::cmp::contains(rt, b, &x)? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Comparisons involving a keys or items view (`None` when neither is one, or when
/// the other operand is neither a set nor a view: CPython's `NotImplemented`).
pub fn view_compare(rt: &mut Runtime, op: CmpOp, a: &Value, b: &Value) -> Option<PyResult> {
    let (x, y, op) = if setlike(a).is_some() {
        (a, b, op)
    } else if setlike(b).is_some() {
        let flipped = match op {
            CmpOp::Lt => CmpOp::Gt,
            CmpOp::Gt => CmpOp::Lt,
            CmpOp::LtE => CmpOp::GtE,
            CmpOp::GtE => CmpOp::LtE,
            o => o,
        };
        (b, a, flipped)
    } else {
        return None;
    };
    if !matches!(y, Value::Set(_)) && setlike(y).is_none() {
        return None;
    }
    let lx = ops::item::len(rt, x);
    let ly = ops::item::len(rt, y);
    let (lx, ly) = match (lx, ly) {
        (Ok(p), Ok(q)) => (p, q),
        (Err(e), _) | (_, Err(e)) => return Some(Err(e)),
    };
    let r = (|| -> PyResult<bool> {
        Ok(match op {
            CmpOp::Eq => lx == ly && all_in(rt, x, y)?,
            CmpOp::NotEq => !(lx == ly && all_in(rt, x, y)?),
            CmpOp::Lt => lx < ly && all_in(rt, x, y)?,
            CmpOp::LtE => lx <= ly && all_in(rt, x, y)?,
            CmpOp::Gt => lx > ly && all_in(rt, y, x)?,
            CmpOp::GtE => lx >= ly && all_in(rt, y, x)?,
            _ => false,
        })
    })();
    Some(r.map(Value::Bool))
}

fn isdisjoint(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_method(rt, &a, "isdisjoint", 1, 1) {
        return raise(e);
    }
    let Some(v) = downcast::<DictView>(&a.pos[0]) else { return Ret::Val(Value::None) };
    let view = DictView { dict: v.dict.clone(), part: v.part };
    let r = (|| -> PyResult<bool> {
        for x in ops::iter::collect(rt, &a.pos[1])? {
            if view.has(rt, &x)? {
                return Ok(false);
            }
        }
        Ok(true)
    })();
    ret(r.map(Value::Bool))
}

fn reversed(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = check_method(rt, &a, "__reversed__", 0, 0) {
        return raise(e);
    }
    let mut items = view_values(&a.pos[0]).unwrap_or_default();
    items.reverse();
    Ret::Val(Value::Iter(IterObj::new(IterState::Values(items, 0))))
}

/// Register the view and mappingproxy methods.
pub fn install(rt: &mut Runtime) {
    let mp = rt.types.other("mappingproxy");
    for (name, f) in [("keys", proxy_keys as crate::eval::native::NativeImpl), ("values", proxy_values), ("items", proxy_items), ("get", proxy_get), ("copy", proxy_copy)] {
        add_method(&mp, name, f);
    }
    for name in ["dict_keys", "dict_values", "dict_items"] {
        let c = rt.types.other(name);
        add_method(&c, "__reversed__", reversed);
        if name != "dict_values" {
            add_method(&c, "isdisjoint", isdisjoint);
        }
    }
}
