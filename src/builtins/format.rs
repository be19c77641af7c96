//! `format(value, spec)`: built-in numbers and strings through the format-spec
//! engine, user classes through `__format__`.

use crate::ops::{self, PyResult};
use crate::runtime::format::{self as fmt, ErrorKind, FormatError, IntRef};
use crate::runtime::value::Value;
use crate::runtime::Runtime;

/// Turn a formatting error into the Python exception it names.
pub fn format_error(rt: &Runtime, e: FormatError) -> ops::Fail {
    let cls = match e.kind {
        ErrorKind::ValueError => rt.types.value_error.clone(),
        ErrorKind::TypeError => rt.types.type_error.clone(),
        ErrorKind::OverflowError => rt.types.overflow_error.clone(),
        ErrorKind::MemoryError => rt.types.memory_error.clone(),
    };
    ops::Fail::Raise(rt.exc_msg(&cls, e.message))
}

/// `format(v, spec)`.
pub fn format_value(rt: &mut Runtime, v: &Value, spec: &str) -> PyResult<String> {
    let r = match v {
        Value::Str(s) => fmt::format_str(s.as_str(), spec),
        Value::Int(i) => fmt::format_i64(*i, spec),
        Value::BigInt(b) => fmt::format_int(b, spec),
        Value::Bool(b) => {
            if spec.is_empty() {
                return Ok(if *b { "True" } else { "False" }.to_string());
            }
            fmt::format_int_as(IntRef::Small(*b as i64), spec, "bool")
        }
        Value::Float(f) => fmt::format_float(*f, spec),
        Value::Inst(_) | Value::Obj(_) => {
            if let Some(m) = ops::attr::lookup_special(rt, v, "__format__") {
                let r = ops::call::call_value(rt, m, vec![v.clone(), Value::str(spec)])?;
                return match r {
                    Value::Str(s) => Ok(s.as_str().to_string()),
                    other => {
                        let tn = ops::type_name(rt, &other);
                        ops::raise(rt.type_error(format!("__format__ must return a str, not {tn}")))
                    }
                };
            }
            if let Some(b) = ops::num::base_value(v) {
                // The built-in `__format__` with an empty spec is `str(self)`.
                if !spec.is_empty() {
                    return format_value(rt, &b, spec);
                }
            }
            return object_format(rt, v, spec);
        }
        _ => return object_format(rt, v, spec),
    };
    r.map_err(|e| format_error(rt, e))
}

/// `object.__format__`: only the empty spec is allowed; it means `str(v)`.
fn object_format(rt: &mut Runtime, v: &Value, spec: &str) -> PyResult<String> {
    if !spec.is_empty() {
        let tn = ops::type_name(rt, v);
        return ops::raise(rt.type_error(format!("unsupported format string passed to {tn}.__format__")));
    }
    Ok(ops::repr::to_str(rt, v)?.as_str().to_string())
}
