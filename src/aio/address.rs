//! Socket addresses: resolving `(host, port)` as CPython's `getaddrinfo` does for
//! asyncio, and addresses back to tuples.

use crate::eval::native::{Args, Ret};
use crate::builtins::raise;
use crate::runtime::class::Exc;
use crate::runtime::value::Value;
use crate::runtime::Runtime;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};

/// `(host, port)` as a tuple.
pub fn addr_tuple(a: &SocketAddr) -> Value {
    match a {
        SocketAddr::V4(v) => Value::tuple(vec![Value::string(v.ip().to_string()), Value::Int(v.port() as i64)]),
        SocketAddr::V6(v) => Value::tuple(vec![
            Value::string(v.ip().to_string()),
            Value::Int(v.port() as i64),
            Value::Int(v.flowinfo() as i64),
            Value::Int(v.scope_id() as i64),
        ]),
    }
}


fn resolve(rt: &Runtime, host: &Value, port: &Value, passive: bool) -> Result<Vec<SocketAddr>, Exc> {
    let port = match port {
        Value::None => 0,
        Value::Int(p) if (0..=65535).contains(p) => *p as u16,
        Value::Int(_) => return Err(rt.exc_named("OverflowError", "getsockaddrarg: port must be 0-65535.")),
        Value::Str(s) => match s.as_str().parse::<u16>() {
            Ok(p) => p,
            Err(_) => return Err(rt.exc_named("OSError", "[Errno -8] Servname not supported for ai_socktype")),
        },
        _ => return Err(rt.type_error("port must be an int")),
    };
    let host = match host {
        Value::None => None,
        Value::Str(s) if s.is_empty() => None,
        Value::Str(s) => Some(s.as_str().to_string()),
        _ => return Err(rt.type_error("host must be a str")),
    };
    match host {
        None if passive => Ok(vec![SocketAddr::new(IpAddr::from([0u8, 0, 0, 0]), port)]),
        None => Ok(vec![SocketAddr::new(IpAddr::from([127u8, 0, 0, 1]), port)]),
        Some(h) => {
            if let Ok(ip) = h.parse::<IpAddr>() {
                return Ok(vec![SocketAddr::new(ip, port)]);
            }
            match (h.as_str(), port).to_socket_addrs() {
                Ok(it) => {
                    let mut v: Vec<SocketAddr> = Vec::new();
                    for a in it {
                        if !v.contains(&a) {
                            v.push(a);
                        }
                    }
                    if v.is_empty() {
                        return Err(rt.exc_named("OSError", format!("getaddrinfo({h:?}) returned empty list")));
                    }
                    Ok(v)
                }
                Err(_) => Err(rt.new_exc(
                    &rt.types.exc("OSError"),
                    vec![Value::Int(-2), Value::str("Name or service not known")],
                )),
            }
        }
    }
}

/// `_resolve(host, port, passive)`: the addresses as `(host, port)` tuples.
pub fn py_resolve(rt: &mut Runtime, a: Args) -> Ret {
    let host = a.pos.first().cloned().unwrap_or(Value::None);
    let port = a.pos.get(1).cloned().unwrap_or(Value::None);
    let passive = matches!(a.pos.get(2), Some(Value::Bool(true)));
    match resolve(rt, &host, &port, passive) {
        Ok(v) => Ret::Val(Value::list(v.iter().map(addr_tuple).collect())),
        Err(e) => raise(e),
    }
}

pub(super) fn addr_from(rt: &Runtime, v: &Value) -> Result<SocketAddr, Exc> {
    let Value::Tuple(t) = v else { return Err(rt.type_error("an address tuple is required")) };
    let items = t.items();
    let (Some(h), Some(p)) = (items.first(), items.get(1)) else { return Err(rt.type_error("an address tuple is required")) };
    let addrs = resolve(rt, h, p, false)?;
    addrs.into_iter().next().ok_or_else(|| rt.exc_named("OSError", "no address"))
}

