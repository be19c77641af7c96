//! printf-style `str % args`.

use crate::ops::{self, Fail, PyResult};
use crate::runtime::percent::{percent_format, IntValue, PercentArgs, PercentError, PercentValue};
use crate::runtime::value::Value;
use crate::runtime::Runtime;
use std::cell::RefCell;

/// A value seen by the `%` engine, with access to the runtime for `str()`/`repr()`.
struct PV<'a, 'r> {
    v: Value,
    rt: &'a RefCell<&'r mut Runtime>,
}

impl PercentValue for PV<'_, '_> {
    type Error = Fail;
    fn as_int(&self) -> Option<IntValue> {
        match &self.v {
            Value::Int(i) => Some(IntValue::Small(*i)),
            Value::Bool(b) => Some(IntValue::Small(*b as i64)),
            Value::BigInt(b) => Some(IntValue::Big((**b).clone())),
            Value::Inst(i) => match i.base.borrow().clone() {
                Some(Value::Int(i)) => Some(IntValue::Small(i)),
                Some(Value::BigInt(b)) => Some(IntValue::Big((*b).clone())),
                _ => None,
            },
            _ => None,
        }
    }
    fn as_float(&self) -> Option<f64> {
        match &self.v {
            Value::Float(f) => Some(*f),
            Value::Inst(i) => match i.base.borrow().clone() {
                Some(Value::Float(f)) => Some(f),
                _ => None,
            },
            _ => None,
        }
    }
    fn as_str(&self) -> Option<&str> {
        match &self.v {
            Value::Str(s) => Some(s.as_str()),
            _ => None,
        }
    }
    fn to_str(&self) -> Result<String, Fail> {
        let mut rt = self.rt.borrow_mut();
        Ok(ops::repr::to_str(&mut rt, &self.v)?.as_str().to_string())
    }
    fn to_repr(&self) -> Result<String, Fail> {
        let mut rt = self.rt.borrow_mut();
        Ok(ops::repr::repr(&mut rt, &self.v)?.as_str().to_string())
    }
    fn type_name(&self) -> String {
        ops::type_name(&self.rt.borrow(), &self.v)
    }
}

/// `fmt % args`.
pub fn percent(rt: &mut Runtime, fmt: &str, args: &Value) -> PyResult {
    let is_mapping = match args {
        Value::Dict(_) | Value::List(_) => true,
        Value::Inst(_) => ops::attr::lookup_special(rt, args, "__getitem__").is_some(),
        _ => false,
    };
    let cell = RefCell::new(rt);
    let r = match args {
        Value::Tuple(t) => {
            let items: Vec<PV> = t.items().iter().map(|v| PV { v: v.clone(), rt: &cell }).collect();
            percent_format(fmt, PercentArgs::Tuple(&items))
        }
        _ if is_mapping => {
            let whole = PV { v: args.clone(), rt: &cell };
            let mut lookup = |key: &str| -> Result<PV, Fail> {
                let v = {
                    let mut rt = cell.borrow_mut();
                    ops::item::getitem(&mut rt, args, &Value::str(key))?
                };
                Ok(PV { v, rt: &cell })
            };
            percent_format(fmt, PercentArgs::Mapping { value: &whole, lookup: &mut lookup })
        }
        _ => {
            let one = PV { v: args.clone(), rt: &cell };
            percent_format(fmt, PercentArgs::Single(&one))
        }
    };
    let rt = cell.into_inner();
    match r {
        Ok(s) => Ok(Value::string(s)),
        Err(PercentError::Format(e)) => Err(super::format::format_error(rt, e)),
        Err(PercentError::Value(f)) => Err(f),
    }
}
