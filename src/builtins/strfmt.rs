//! printf-style `str % args`.

use crate::ops::{self, Fail, PyResult};
use crate::runtime::percent::{percent_format, IntValue, PercentArgs, PercentError, PercentValue};
use crate::runtime::value::Value;
use crate::runtime::Runtime;
use std::cell::RefCell;

/// A value seen by the `%` engine, with access to the runtime for `str()`/`repr()`.
/// For `bytes % args`, `bytes` holds the Latin-1 text of a bytes argument (the format
/// runs on Latin-1 text and the result is encoded back).
struct PV<'a, 'r> {
    v: Value,
    rt: &'a RefCell<&'r mut Runtime>,
    bytes: Option<Option<String>>,
}

impl<'a, 'r> PV<'a, 'r> {
    fn new(v: Value, rt: &'a RefCell<&'r mut Runtime>, bytes_mode: bool) -> Self {
        let bytes = bytes_mode.then(|| match &v {
            Value::Bytes(b) => Some(b.data.iter().map(|&c| c as char).collect()),
            _ => None,
        });
        PV { v, rt, bytes }
    }
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
        match (&self.bytes, &self.v) {
            (Some(Some(b)), _) => Some(b.as_str()),
            (Some(None), _) => None,
            (None, Value::Str(s)) => Some(s.as_str()),
            _ => None,
        }
    }
    fn to_str(&self) -> Result<String, Fail> {
        let mut rt = self.rt.borrow_mut();
        match &self.bytes {
            Some(Some(b)) => Ok(b.clone()),
            Some(None) => {
                if let Some(m) = ops::attr::lookup_special(&rt, &self.v, "__bytes__") {
                    if let Value::Bytes(b) = ops::call::call_value(&mut rt, m, vec![self.v.clone()])? {
                        return Ok(b.data.iter().map(|&c| c as char).collect());
                    }
                }
                let tn = ops::type_name(&rt, &self.v);
                Err(Fail::Raise(rt.type_error(format!("%b requires a bytes-like object, or an object that implements __bytes__, not '{tn}'"))))
            }
            None => Ok(ops::repr::to_str(&mut rt, &self.v)?.as_str().to_string()),
        }
    }
    fn to_repr(&self) -> Result<String, Fail> {
        let mut rt = self.rt.borrow_mut();
        let r = ops::repr::repr(&mut rt, &self.v)?;
        Ok(match self.bytes {
            Some(_) => super::strings::ascii_of(&r),
            None => r.as_str().to_string(),
        })
    }
    fn type_name(&self) -> String {
        ops::type_name(&self.rt.borrow(), &self.v)
    }
}

/// `fmt % args` for bytes: formatted on Latin-1 text, `%s`/`%b` take bytes-like
/// arguments, `%r`/`%a` give ASCII reprs.
pub fn bytes_percent(rt: &mut Runtime, fmt: &[u8], args: &Value) -> PyResult {
    // `%b` is `%s` for bytes.
    let mut text = String::with_capacity(fmt.len());
    let mut i = 0;
    while i < fmt.len() {
        let c = fmt[i];
        text.push(c as char);
        i += 1;
        if c != b'%' {
            continue;
        }
        if fmt.get(i) == Some(&b'(') {
            while i < fmt.len() && fmt[i] != b')' {
                text.push(fmt[i] as char);
                i += 1;
            }
        }
        while i < fmt.len() && (b"-+ #.*()".contains(&fmt[i]) || fmt[i].is_ascii_digit()) {
            text.push(fmt[i] as char);
            i += 1;
        }
        if i < fmt.len() {
            text.push(if fmt[i] == b'b' { 's' } else { fmt[i] as char });
            i += 1;
        }
    }
    let out = match percent_impl(rt, &text, args, true) {
        Ok(s) => s,
        Err(Fail::Raise(e)) => {
            let d = e.exc_data();
            let msg = d.args.first().and_then(|m| m.as_pystr().map(|s| s.as_str().to_string()));
            drop(d);
            return match msg.as_deref() {
                Some("not all arguments converted during string formatting") => {
                    ops::raise(rt.type_error("not all arguments converted during bytes formatting"))
                }
                Some("%c requires int or char") => ops::raise(rt.type_error("%c requires an integer in range(256) or a single byte")),
                _ => Err(Fail::Raise(e)),
            };
        }
        Err(e) => return Err(e),
    };
    if out.chars().any(|c| c as u32 > 255) {
        return ops::raise(rt.exc_msg(&rt.types.overflow_error, "%c arg not in range(256)"));
    }
    Ok(super::bytes::bytes_value(out.chars().map(|c| c as u32 as u8).collect()))
}

/// `fmt % args`.
pub fn percent(rt: &mut Runtime, fmt: &str, args: &Value) -> PyResult {
    percent_impl(rt, fmt, args, false).map(Value::string)
}

fn percent_impl(rt: &mut Runtime, fmt: &str, args: &Value, bytes_mode: bool) -> PyResult<String> {
    let is_mapping = match args {
        Value::Dict(_) | Value::List(_) => true,
        Value::Inst(_) => ops::attr::lookup_special(rt, args, "__getitem__").is_some(),
        _ => false,
    };
    let cell = RefCell::new(rt);
    let r = match args {
        Value::Tuple(t) => {
            let items: Vec<PV> = t.items().iter().map(|v| PV::new(v.clone(), &cell, bytes_mode)).collect();
            percent_format(fmt, PercentArgs::Tuple(&items))
        }
        _ if is_mapping => {
            let whole = PV::new(args.clone(), &cell, bytes_mode);
            let mut lookup = |key: &str| -> Result<PV, Fail> {
                let v = {
                    let mut rt = cell.borrow_mut();
                    let k = if bytes_mode { super::bytes::bytes_value(key.chars().map(|c| c as u32 as u8).collect()) } else { Value::str(key) };
                    ops::item::getitem(&mut rt, args, &k)?
                };
                Ok(PV::new(v, &cell, bytes_mode))
            };
            percent_format(fmt, PercentArgs::Mapping { value: &whole, lookup: &mut lookup })
        }
        _ => {
            let one = PV::new(args.clone(), &cell, bytes_mode);
            percent_format(fmt, PercentArgs::Single(&one))
        }
    };
    let rt = cell.into_inner();
    match r {
        Ok(s) => Ok(s),
        Err(PercentError::Format(e)) => Err(super::format::format_error(rt, e)),
        Err(PercentError::Value(f)) => Err(f),
    }
}
