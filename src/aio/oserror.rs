//! `OSError` and its subclasses for operating-system error numbers, worded as CPython
//! words them (`[Errno 111] Connection refused` raised as `ConnectionRefusedError`).

use super::socket::int_arg;
use crate::eval::native::{Args, Ret};
use crate::runtime::class::Exc;
use crate::runtime::value::Value;
use crate::runtime::Runtime;

pub(super) fn strerror(code: i32) -> Option<&'static str> {
    Some(match code {
        1 => "Operation not permitted",
        4 => "Interrupted system call",
        9 => "Bad file descriptor",
        11 => "Resource temporarily unavailable",
        13 => "Permission denied",
        22 => "Invalid argument",
        24 => "Too many open files",
        32 => "Broken pipe",
        97 => "Address family not supported by protocol",
        98 => "Address already in use",
        99 => "Cannot assign requested address",
        100 => "Network is down",
        101 => "Network is unreachable",
        103 => "Software caused connection abort",
        104 => "Connection reset by peer",
        107 => "Transport endpoint is not connected",
        110 => "Connection timed out",
        111 => "Connection refused",
        113 => "No route to host",
        115 => "Operation now in progress",
        _ => return None,
    })
}

fn class_for_errno(code: i32) -> &'static str {
    crate::builtins::exceptions::os_error_class_name(code as i64).unwrap_or("OSError")
}

/// `OSError(errno, msg)` of the subclass CPython picks for the errno.
pub fn os_error_code(rt: &Runtime, code: i32, msg: &str) -> Exc {
    let cls = rt.types.exc(class_for_errno(code));
    rt.new_exc(&cls, vec![Value::Int(code as i64), Value::str(msg)])
}

/// The exception for an I/O error.
pub fn os_error(rt: &Runtime, e: &std::io::Error) -> Exc {
    match e.raw_os_error() {
        Some(code) => {
            let text = match strerror(code) {
                Some(s) => s.to_string(),
                None => {
                    let t = e.to_string();
                    match t.find(" (os error") {
                        Some(i) => t[..i].to_string(),
                        None => t,
                    }
                }
            };
            os_error_code(rt, code, &text)
        }
        None => rt.exc_named("OSError", e.to_string()),
    }
}


/// `_os_error(errno, message)`: the OSError subclass for the errno.
pub fn py_os_error(rt: &mut Runtime, a: Args) -> Ret {
    let code = int_arg(a.pos.first(), 0) as i32;
    let msg = match a.pos.get(1) {
        Some(Value::Str(s)) => s.as_str().to_string(),
        _ => strerror(code).unwrap_or("error").to_string(),
    };
    Ret::Val(Value::Inst(os_error_code(rt, code, &msg)))
}

