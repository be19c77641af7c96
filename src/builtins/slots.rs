//! The dunder methods of the built-in types (`int.__add__`, `list.__len__`,
//! `str.__eq__`...), so that `(1).__add__(2)`, `list.__len__(x)` and
//! `super().__eq__(other)` work as in CPython. The interpreter itself never calls
//! these: operators on built-in values go straight to `crate::ops`; these wrappers
//! call the same operations, returning `NotImplemented` where CPython's slot does.

use super::{add_method, raise, ret};
use crate::eval::native::{Args, NativeImpl, Ret};
use crate::ops::{self, PyResult};
use crate::runtime::class::Class;
use crate::runtime::intern::intern;
use crate::runtime::value::Value;
use crate::runtime::Runtime;
use crate::syntax::ast::{BinOp, CmpOp, UnaryOp};
use std::rc::Rc;

/// Check that a slot got exactly `n` arguments besides the receiver.
fn arity(rt: &Runtime, a: &Args, n: usize) -> Result<(), crate::runtime::class::Exc> {
    if a.has_kw() {
        let name = "slot wrapper";
        return Err(rt.type_error(format!("{name} takes no keyword arguments")));
    }
    let got = a.pos.len().saturating_sub(1);
    if got != n {
        let s = if n == 1 { "" } else { "s" };
        return Err(rt.type_error(format!("expected {n} argument{s}, got {got}")));
    }
    Ok(())
}

/// The built-in value behind an operand (the payload of a built-in subclass instance).
fn plain(v: &Value) -> Value {
    ops::num::base_value(v).unwrap_or_else(|| v.clone())
}

fn is_intlike(v: &Value) -> bool {
    matches!(v, Value::Int(_) | Value::Bool(_) | Value::BigInt(_))
}

/// Whether the built-in slot of `x`'s type handles `y` for a numeric or set operator.
fn accepts(x: &Value, y: &Value) -> bool {
    match x {
        Value::Int(_) | Value::Bool(_) | Value::BigInt(_) => is_intlike(y),
        Value::Float(_) => is_intlike(y) || matches!(y, Value::Float(_)),
        Value::Set(_) => matches!(y, Value::Set(_)),
        Value::Dict(_) => matches!(y, Value::Dict(_)),
        _ => false,
    }
}

/// Whether the sequence types match for `+` on sequences.
fn same_seq(x: &Value, y: &Value) -> bool {
    matches!((x, y), (Value::Str(_), Value::Str(_)) | (Value::List(_), Value::List(_)) | (Value::Tuple(_), Value::Tuple(_)) | (Value::Bytes(_), Value::Bytes(_)))
}

fn is_seq(x: &Value) -> bool {
    matches!(x, Value::Str(_) | Value::List(_) | Value::Tuple(_) | Value::Bytes(_))
}

/// `x.__op__(y)` (or `x.__rop__(y)` when `reflected`) for a built-in receiver.
fn binop_slot(rt: &mut Runtime, a: Args, op: BinOp, reflected: bool) -> Ret {
    if op == BinOp::Pow {
        if a.pos.len() == 3 && !a.has_kw() {
            let (x, y, m) = (plain(&a.pos[0]), plain(&a.pos[1]), a.pos[2].clone());
            if !accepts(&x, &y) {
                return Ret::Val(Value::NotImplemented);
            }
            let (b, e) = if reflected { (y, x) } else { (x, y) };
            if m.is_none() {
                return ret(ops::num::binary(rt, op, &b, &e));
            }
            return ret(super::numbers::pow3(rt, &b, &e, &m));
        }
    }
    if let Err(e) = arity(rt, &a, 1) {
        return raise(e);
    }
    let (x, y) = (plain(&a.pos[0]), plain(&a.pos[1]));
    if is_seq(&x) {
        let r = match op {
            BinOp::Add if !reflected => {
                if !same_seq(&x, &y) {
                    return ret(Err(ops::num::unsupported(rt, op, &x, &y)));
                }
                ops::num::binary(rt, op, &x, &y)
            }
            BinOp::Mul => match ops::to_index(rt, &y) {
                Ok(Some(_)) => ops::num::binary(rt, op, &x, &y),
                Ok(None) => {
                    let tn = ops::type_name(rt, &y);
                    return raise(rt.type_error(format!("'{tn}' object cannot be interpreted as an integer")));
                }
                Err(e) => Err(e),
            },
            BinOp::Mod if matches!((&x, reflected), (Value::Str(_), false) | (Value::Bytes(_), false)) => {
                ops::num::binary(rt, op, &x, &y)
            }
            BinOp::Mod if matches!((&x, &y), (Value::Str(_), Value::Str(_)) | (Value::Bytes(_), Value::Bytes(_))) => {
                ops::num::binary(rt, op, &y, &x)
            }
            _ => return Ret::Val(Value::NotImplemented),
        };
        return ret(r);
    }
    if !accepts(&x, &y) {
        return Ret::Val(Value::NotImplemented);
    }
    let (l, r) = if reflected { (&y, &x) } else { (&x, &y) };
    if op == BinOp::MatMul {
        return Ret::Val(Value::NotImplemented);
    }
    ret(ops::num::binary(rt, op, l, r))
}

/// `divmod` slots.
fn divmod_slot(rt: &mut Runtime, a: Args, reflected: bool) -> Ret {
    if let Err(e) = arity(rt, &a, 1) {
        return raise(e);
    }
    let (x, y) = (plain(&a.pos[0]), plain(&a.pos[1]));
    if !accepts(&x, &y) {
        return Ret::Val(Value::NotImplemented);
    }
    let (l, r) = if reflected { (y, x) } else { (x, y) };
    ret(super::numbers::divmod(rt, &l, &r))
}

fn divmod_fwd(rt: &mut Runtime, a: Args) -> Ret {
    divmod_slot(rt, a, false)
}

fn divmod_rev(rt: &mut Runtime, a: Args) -> Ret {
    divmod_slot(rt, a, true)
}

macro_rules! bin_slots {
    ($($f:ident, $r:ident => $op:expr;)*) => {
        $(
            fn $f(rt: &mut Runtime, a: Args) -> Ret {
                binop_slot(rt, a, $op, false)
            }
            fn $r(rt: &mut Runtime, a: Args) -> Ret {
                binop_slot(rt, a, $op, true)
            }
        )*
    };
}

bin_slots! {
    add_f, add_r => BinOp::Add;
    sub_f, sub_r => BinOp::Sub;
    mul_f, mul_r => BinOp::Mul;
    truediv_f, truediv_r => BinOp::Div;
    floordiv_f, floordiv_r => BinOp::FloorDiv;
    mod_f, mod_r => BinOp::Mod;
    pow_f, pow_r => BinOp::Pow;
    lshift_f, lshift_r => BinOp::LShift;
    rshift_f, rshift_r => BinOp::RShift;
    and_f, and_r => BinOp::BitAnd;
    or_f, or_r => BinOp::BitOr;
    xor_f, xor_r => BinOp::BitXor;
}

/// In-place slots of mutable containers (`list.__iadd__`, `set.__ior__`...).
fn inplace_slot(rt: &mut Runtime, a: Args, op: BinOp) -> Ret {
    if let Err(e) = arity(rt, &a, 1) {
        return raise(e);
    }
    let (x, y) = (a.pos[0].clone(), plain(&a.pos[1]));
    match (&x, op) {
        (Value::List(l), BinOp::Add) => match ops::iter::collect(rt, &y) {
            Ok(items) => {
                l.borrow_mut().extend(items);
                Ret::Val(x.clone())
            }
            Err(e) => ret(Err(e)),
        },
        (Value::List(l), BinOp::Mul) => {
            let n = match ops::to_index(rt, &y) {
                Ok(Some(n)) => num_traits::ToPrimitive::to_i64(&n).unwrap_or(i64::MAX),
                Ok(None) => {
                    let tn = ops::type_name(rt, &y);
                    return raise(rt.type_error(format!("'{tn}' object cannot be interpreted as an integer")));
                }
                Err(e) => return ret(Err(e)),
            };
            let items = l.snapshot();
            if n <= 0 {
                l.borrow_mut().clear();
            } else if items.len().saturating_mul(n as usize) > 1 << 34 {
                return raise(rt.new_exc(&rt.types.memory_error, vec![]));
            } else {
                let mut v = Vec::with_capacity(items.len() * n as usize);
                for _ in 0..n {
                    v.extend(items.iter().cloned());
                }
                *l.borrow_mut() = v;
            }
            Ret::Val(x.clone())
        }
        (Value::Set(_), _) if matches!(y, Value::Set(_)) => ret(super::sets::set_inplace(rt, op, &x, &y)),
        (Value::Dict(d), BinOp::BitOr) => match super::dicts::dict_update_any(rt, d, &y) {
            Ok(()) => Ret::Val(x.clone()),
            Err(e) => ret(Err(e)),
        },
        _ => Ret::Val(Value::NotImplemented),
    }
}

macro_rules! inplace_slots {
    ($($f:ident => $op:expr;)*) => {
        $(
            fn $f(rt: &mut Runtime, a: Args) -> Ret {
                inplace_slot(rt, a, $op)
            }
        )*
    };
}

inplace_slots! {
    iadd => BinOp::Add;
    imul => BinOp::Mul;
    isub => BinOp::Sub;
    iand => BinOp::BitAnd;
    ior => BinOp::BitOr;
    ixor => BinOp::BitXor;
}

/// Whether the built-in comparison of `x`'s type handles `y`.
fn comparable(x: &Value, y: &Value, op: CmpOp) -> bool {
    let ordered = !matches!(op, CmpOp::Eq | CmpOp::NotEq);
    match x {
        Value::Int(_) | Value::Bool(_) | Value::BigInt(_) => is_intlike(y),
        Value::Float(_) => is_intlike(y) || matches!(y, Value::Float(_)),
        Value::Str(_) => matches!(y, Value::Str(_)),
        Value::Bytes(_) => matches!(y, Value::Bytes(_)),
        Value::List(_) => matches!(y, Value::List(_)),
        Value::Tuple(_) => matches!(y, Value::Tuple(_)),
        Value::Set(_) => matches!(y, Value::Set(_)),
        Value::Slice(_) => matches!(y, Value::Slice(_)),
        Value::Dict(_) => !ordered && matches!(y, Value::Dict(_)),
        Value::Range(_) => !ordered && matches!(y, Value::Range(_)),
        _ => false,
    }
}

/// `x.__eq__(y)` and the other comparison slots of built-in types (`object`'s are
/// identity-based and defined in `types.rs`).
fn cmp_slot(rt: &mut Runtime, a: Args, op: CmpOp) -> Ret {
    if let Err(e) = arity(rt, &a, 1) {
        return raise(e);
    }
    let (x, y) = (plain(&a.pos[0]), plain(&a.pos[1]));
    if !comparable(&x, &y, op) {
        return Ret::Val(Value::NotImplemented);
    }
    ret(ops::cmp::compare(rt, op, &x, &y))
}

macro_rules! cmp_slots {
    ($($f:ident => $op:expr;)*) => {
        $(
            fn $f(rt: &mut Runtime, a: Args) -> Ret {
                cmp_slot(rt, a, $op)
            }
        )*
    };
}

cmp_slots! {
    eq => CmpOp::Eq;
    ne => CmpOp::NotEq;
    lt => CmpOp::Lt;
    le => CmpOp::LtE;
    gt => CmpOp::Gt;
    ge => CmpOp::GtE;
}

/// A slot taking only the receiver.
fn unary(rt: &mut Runtime, a: &Args, f: fn(&mut Runtime, &Value) -> PyResult) -> Ret {
    if let Err(e) = arity(rt, a, 0) {
        return raise(e);
    }
    let x = a.pos[0].clone();
    ret(f(rt, &x))
}

macro_rules! unary_slots {
    ($($f:ident => $body:expr;)*) => {
        $(
            fn $f(rt: &mut Runtime, a: Args) -> Ret {
                unary(rt, &a, $body)
            }
        )*
    };
}

unary_slots! {
    neg => |rt, x| ops::num::unary(rt, UnaryOp::Neg, x);
    pos => |rt, x| ops::num::unary(rt, UnaryOp::Pos, x);
    invert => |rt, x| ops::num::unary(rt, UnaryOp::Invert, x);
    abs_ => |rt, x| match x {
        Value::Float(f) => Ok(Value::Float(f.abs())),
        Value::Int(_) | Value::Bool(_) | Value::BigInt(_) => {
            if ops::cmp::compare(rt, CmpOp::Lt, x, &Value::Int(0))?.is(&Value::Bool(true)) {
                ops::num::unary(rt, UnaryOp::Neg, x)
            } else {
                ops::num::unary(rt, UnaryOp::Pos, x)
            }
        }
        _ => Ok(Value::NotImplemented),
    };
    bool_ => |rt, x| ops::cmp::truthy(rt, x).map(Value::Bool);
    int_ => |rt, x| super::types::make_int(rt, &Args::pos(std::slice::from_ref(x)));
    float_ => |rt, x| super::numbers::to_f64(rt, x).map(Value::Float);
    index => |rt, x| match ops::to_index(rt, x)? {
        Some(b) => Ok(Value::from_bigint(b)),
        None => {
            let tn = ops::type_name(rt, x);
            ops::raise(rt.type_error(format!("'{tn}' object cannot be interpreted as an integer")))
        }
    };
    trunc => |rt, x| super::types::make_int(rt, &Args::pos(std::slice::from_ref(x)));
    floor => |rt, x| match x {
        Value::Float(f) => super::types::make_int(rt, &Args::pos(&[Value::Float(f.floor())])),
        _ => super::types::make_int(rt, &Args::pos(std::slice::from_ref(x))),
    };
    ceil => |rt, x| match x {
        Value::Float(f) => super::types::make_int(rt, &Args::pos(&[Value::Float(f.ceil())])),
        _ => super::types::make_int(rt, &Args::pos(std::slice::from_ref(x))),
    };
    repr => |rt, x| ops::repr::repr(rt, x).map(Value::Str);
    str_ => |rt, x| ops::repr::to_str(rt, x).map(Value::Str);
    hash => |rt, x| ops::cmp::hash(rt, x).map(Value::Int);
    len => |rt, x| ops::item::len(rt, x).map(|n| Value::Int(n as i64));
    iter => |rt, x| ops::iter::iter(rt, x);
    reversed => |rt, x| super::iters::reversed(rt, x);
    next => |rt, x| match ops::iter::next(rt, x)? {
        Some(v) => Ok(v),
        None => ops::raise(rt.new_exc(&rt.types.stop_iteration, vec![])),
    };
    length_hint => |_rt, x| Ok(match x {
        Value::Iter(i) => Value::Int(i.remaining().unwrap_or(0) as i64),
        _ => Value::Int(0),
    });
    getnewargs => |_rt, x| Ok(Value::tuple(vec![x.clone()]));
    bytes_ => |_rt, x| Ok(x.clone());
}

fn round_(rt: &mut Runtime, a: Args) -> Ret {
    if a.pos.len() > 2 || a.has_kw() {
        return raise(rt.type_error(format!("__round__ expected at most 1 argument, got {}", a.pos.len() - 1)));
    }
    let nd = a.pos.get(1).cloned().unwrap_or(Value::None);
    ret(super::numbers::round(rt, &a.pos[0], &nd))
}

fn getitem(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = arity(rt, &a, 1) {
        return raise(e);
    }
    ret(ops::item::getitem(rt, &a.pos[0], &a.pos[1]))
}

fn setitem(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = arity(rt, &a, 2) {
        return raise(e);
    }
    ret(ops::item::setitem(rt, &a.pos[0], &a.pos[1], a.pos[2].clone()).map(|_| Value::None))
}

fn delitem(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = arity(rt, &a, 1) {
        return raise(e);
    }
    ret(ops::item::delitem(rt, &a.pos[0], &a.pos[1]).map(|_| Value::None))
}

fn contains(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = arity(rt, &a, 1) {
        return raise(e);
    }
    ret(ops::cmp::contains(rt, &a.pos[0], &a.pos[1]).map(Value::Bool))
}

fn format_(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = arity(rt, &a, 1) {
        return raise(e);
    }
    let spec = match &a.pos[1] {
        Value::Str(s) => s.as_str().to_string(),
        other => {
            let tn = ops::type_name(rt, other);
            return raise(rt.type_error(format!("__format__() argument must be str, not {tn}")));
        }
    };
    ret(super::format::format_value(rt, &a.pos[0], &spec).map(Value::string))
}

fn sizeof(rt: &mut Runtime, a: Args) -> Ret {
    if let Err(e) = arity(rt, &a, 0) {
        return raise(e);
    }
    let n = match &a.pos[0] {
        Value::Str(s) => 49 + s.as_str().len(),
        Value::Bytes(b) => 33 + b.data.len(),
        Value::List(l) => 40 + 8 * l.len(),
        Value::Tuple(t) => 24 + 8 * t.len(),
        Value::Int(_) | Value::Bool(_) => 28,
        Value::Float(_) => 24,
        _ => 48,
    };
    Ret::Val(Value::Int(n as i64))
}

/// The slots every numeric type has.
const NUMBER: &[(&str, NativeImpl)] = &[
    ("__add__", add_f), ("__radd__", add_r), ("__sub__", sub_f), ("__rsub__", sub_r), ("__mul__", mul_f),
    ("__rmul__", mul_r), ("__truediv__", truediv_f), ("__rtruediv__", truediv_r), ("__floordiv__", floordiv_f),
    ("__rfloordiv__", floordiv_r), ("__mod__", mod_f), ("__rmod__", mod_r), ("__divmod__", divmod_fwd),
    ("__rdivmod__", divmod_rev), ("__pow__", pow_f), ("__rpow__", pow_r), ("__neg__", neg), ("__pos__", pos),
    ("__abs__", abs_), ("__bool__", bool_), ("__int__", int_), ("__float__", float_), ("__trunc__", trunc),
    ("__floor__", floor), ("__ceil__", ceil), ("__round__", round_), ("__getnewargs__", getnewargs),
];

/// The bitwise slots of `int`.
const BITWISE: &[(&str, NativeImpl)] = &[
    ("__lshift__", lshift_f), ("__rlshift__", lshift_r), ("__rshift__", rshift_f), ("__rrshift__", rshift_r),
    ("__and__", and_f), ("__rand__", and_r), ("__or__", or_f), ("__ror__", or_r), ("__xor__", xor_f),
    ("__rxor__", xor_r), ("__invert__", invert), ("__index__", index),
];

/// Rich comparisons.
const COMPARE: &[(&str, NativeImpl)] = &[("__eq__", eq), ("__ne__", ne), ("__lt__", lt), ("__le__", le), ("__gt__", gt), ("__ge__", ge)];

/// `repr`, `hash` and `format`.
const BASIC: &[(&str, NativeImpl)] = &[("__repr__", repr), ("__hash__", hash), ("__format__", format_), ("__sizeof__", sizeof)];

/// Sequence slots of immutable sequences.
const SEQUENCE: &[(&str, NativeImpl)] = &[
    ("__len__", len), ("__getitem__", getitem), ("__contains__", contains), ("__iter__", iter), ("__add__", add_f),
    ("__mul__", mul_f), ("__rmul__", mul_r),
];

/// Set algebra slots.
const SET_OPS: &[(&str, NativeImpl)] = &[
    ("__len__", len), ("__contains__", contains), ("__iter__", iter), ("__or__", or_f), ("__ror__", or_r),
    ("__and__", and_f), ("__rand__", and_r), ("__sub__", sub_f), ("__rsub__", sub_r), ("__xor__", xor_f),
    ("__rxor__", xor_r),
];

fn add_all(cls: &Rc<Class>, slots: &[(&'static str, NativeImpl)]) {
    for (name, f) in slots {
        add_method(cls, name, *f);
    }
}

/// Make instances of `cls` unhashable (`__hash__ = None`).
fn unhashable(cls: &Rc<Class>) {
    cls.dict.set_str(intern("__hash__"), Value::None);
}

/// Register the dunder methods of the built-in types and of the built-in iterators.
pub fn install(rt: &mut Runtime) {
    let t = &rt.types;
    let (int, float, boolean) = (t.int.clone(), t.float.clone(), t.bool.clone());
    add_all(&int, COMPARE);
    add_all(&int, BASIC);
    add_all(&int, NUMBER);
    add_all(&int, BITWISE);
    add_all(&float, COMPARE);
    add_all(&float, BASIC);
    add_all(&float, NUMBER);
    add_method(&boolean, "__repr__", repr);
    for (name, f) in [("__and__", and_f as NativeImpl), ("__rand__", and_r), ("__or__", or_f), ("__ror__", or_r), ("__xor__", xor_f), ("__rxor__", xor_r)] {
        add_method(&boolean, name, f);
    }
    for cls in [t.str.clone(), t.bytes.clone(), t.tuple.clone()] {
        add_all(&cls, COMPARE);
        add_all(&cls, BASIC);
        add_all(&cls, SEQUENCE);
    }
    for cls in [t.str.clone(), t.bytes.clone()] {
        add_method(&cls, "__mod__", mod_f);
        add_method(&cls, "__rmod__", mod_r);
    }
    add_method(&t.str, "__str__", str_);
    add_method(&t.bytes, "__str__", str_);
    let list = t.list.clone();
    add_all(&list, COMPARE);
    add_all(&list, BASIC);
    add_all(&list, SEQUENCE);
    for (name, f) in [("__setitem__", setitem as NativeImpl), ("__delitem__", delitem), ("__iadd__", iadd), ("__imul__", imul), ("__reversed__", reversed)] {
        add_method(&list, name, f);
    }
    unhashable(&list);
    let dict = t.dict.clone();
    add_all(&dict, COMPARE);
    add_all(&dict, BASIC);
    for (name, f) in [
        ("__len__", len as NativeImpl), ("__getitem__", getitem), ("__setitem__", setitem), ("__delitem__", delitem),
        ("__contains__", contains), ("__iter__", iter), ("__reversed__", reversed), ("__or__", or_f), ("__ror__", or_r),
        ("__ior__", ior),
    ] {
        add_method(&dict, name, f);
    }
    unhashable(&dict);
    for cls in [t.set.clone(), t.frozenset.clone()] {
        add_all(&cls, COMPARE);
        add_all(&cls, BASIC);
        add_all(&cls, SET_OPS);
    }
    for (name, f) in [("__ior__", ior as NativeImpl), ("__iand__", iand), ("__isub__", isub), ("__ixor__", ixor)] {
        add_method(&t.set, name, f);
    }
    unhashable(&t.set);
    let range = t.range.clone();
    add_all(&range, COMPARE);
    add_all(&range, BASIC);
    for (name, f) in [("__len__", len as NativeImpl), ("__getitem__", getitem), ("__contains__", contains), ("__iter__", iter), ("__reversed__", reversed), ("__bool__", bool_)] {
        add_method(&range, name, f);
    }
    add_all(&t.slice, COMPARE);
    add_method(&t.slice, "__repr__", repr);
    unhashable(&t.slice);
    let cgi = super::native("__class_getitem__", super::descr::class_getitem);
    for cls in [&t.list, &t.dict, &t.set, &t.frozenset, &t.tuple, &t.type_] {
        cls.dict.set_str(intern("__class_getitem__"), Value::Obj(crate::runtime::objref::ObjRef::new(crate::runtime::descr::ClassMethod(cgi.clone()))));
    }
    for cls in [&t.str, &t.bytes, &t.tuple] {
        add_method(cls, "__getnewargs__", getnewargs);
    }
    add_method(&t.bytes, "__bytes__", bytes_);
    add_method(&t.none, "__repr__", repr);
    add_method(&t.none, "__bool__", bool_);
    let iter_types = [
        "list_iterator", "list_reverseiterator", "tuple_iterator", "range_iterator", "longrange_iterator",
        "str_ascii_iterator", "str_iterator", "bytes_iterator", "dict_keyiterator", "dict_valueiterator",
        "dict_itemiterator", "set_iterator", "iterator", "enumerate", "zip", "map", "filter", "reversed",
        "callable_iterator",
    ];
    for name in iter_types {
        let c = rt.types.other(name);
        add_method(&c, "__iter__", iter);
        add_method(&c, "__next__", next);
        add_method(&c, "__length_hint__", length_hint);
    }
}
