//! The byte buffers asyncio's streams and transports keep (`_new_buffer()`): bytes
//! appended at the back and consumed from the front without moving the rest each time.

use super::oserror::os_error;
use super::socket::{bytes_of, int_arg, send_bytes, Sock};
use crate::builtins::{add_method, raise};
use crate::eval::native::{Args, Ret};
use crate::runtime::bytes::PyBytes;
use crate::runtime::class::{Class, Exc};
use crate::runtime::object::{downcast, Object};
use crate::runtime::value::Value;
use crate::runtime::Runtime;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// A growable byte buffer consumed from the front (stream and transport buffers).
pub struct Buffer {
    data: RefCell<Vec<u8>>,
    head: Cell<usize>,
}

impl Buffer {
    fn compact(&self) {
        let head = self.head.get();
        let mut d = self.data.borrow_mut();
        if head > 0 && (head >= d.len() || head >= 65536 && head * 2 >= d.len()) {
            d.drain(..head);
            self.head.set(0);
        }
    }

    fn consume(&self, n: usize) {
        let len = self.data.borrow().len() - self.head.get();
        self.head.set(self.head.get() + n.min(len));
        self.compact();
    }

    fn live(&self) -> std::cell::Ref<'_, [u8]> {
        let head = self.head.get();
        std::cell::Ref::map(self.data.borrow(), |d| &d[head.min(d.len())..])
    }
}

impl Object for Buffer {
    fn class(&self, rt: &Runtime) -> Rc<Class> {
        let c = rt.types.other("_Buffer");
        if c.dict.is_empty() {
            add_method(&c, "extend", b_extend);
            add_method(&c, "find", b_find);
            add_method(&c, "take", b_take);
            add_method(&c, "peek", b_peek);
            add_method(&c, "clear", b_clear);
            add_method(&c, "startswith", b_startswith);
            add_method(&c, "send_to", b_send_to);
        }
        c
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn len(&self) -> Option<usize> {
        Some(self.data.borrow().len() - self.head.get())
    }
}

/// `_new_buffer()`.
pub fn new_buffer(_rt: &mut Runtime, _a: Args) -> Ret {
    Ret::Val(Value::Obj(crate::runtime::objref::ObjRef::new(Buffer { data: RefCell::new(Vec::new()), head: Cell::new(0) })))
}

fn buf_this<'a>(rt: &Runtime, a: &Args<'a>) -> Result<&'a Buffer, Exc> {
    a.pos.first().and_then(|v| downcast::<Buffer>(v)).ok_or_else(|| rt.type_error("a buffer is required"))
}

macro_rules! buf_or_raise {
    ($rt:expr, $a:expr) => {
        match buf_this($rt, &$a) {
            Ok(b) => b,
            Err(e) => return raise(e),
        }
    };
}

fn b_extend(rt: &mut Runtime, a: Args) -> Ret {
    let b = buf_or_raise!(rt, a);
    match a.pos.get(1).map(|v| bytes_of(rt, v)) {
        Some(Ok(d)) => {
            b.data.borrow_mut().extend_from_slice(&d.data);
            Ret::Val(Value::None)
        }
        Some(Err(e)) => raise(e),
        None => raise(rt.type_error("extend() takes exactly one argument")),
    }
}

fn b_find(rt: &mut Runtime, a: Args) -> Ret {
    let b = buf_or_raise!(rt, a);
    let sep = match a.pos.get(1).map(|v| bytes_of(rt, v)) {
        Some(Ok(d)) => d,
        Some(Err(e)) => return raise(e),
        None => return raise(rt.type_error("find() takes at least one argument")),
    };
    let start = int_arg(a.pos.get(2), 0).max(0) as usize;
    let live = b.live();
    let sep = &sep.data;
    let found = if sep.is_empty() {
        (start <= live.len()).then_some(start)
    } else if start + sep.len() <= live.len() {
        live[start..].windows(sep.len()).position(|w| w == &sep[..]).map(|p| p + start)
    } else {
        None
    };
    Ret::Val(Value::Int(found.map(|p| p as i64).unwrap_or(-1)))
}

fn b_startswith(rt: &mut Runtime, a: Args) -> Ret {
    let b = buf_or_raise!(rt, a);
    let sep = match a.pos.get(1).map(|v| bytes_of(rt, v)) {
        Some(Ok(d)) => d,
        Some(Err(e)) => return raise(e),
        None => return raise(rt.type_error("startswith() takes at least one argument")),
    };
    let start = int_arg(a.pos.get(2), 0).max(0) as usize;
    let live = b.live();
    Ret::Val(Value::Bool(start <= live.len() && live[start..].starts_with(&sep.data)))
}

/// `take(n)`: remove and return the first n bytes (all when n < 0).
fn b_take(rt: &mut Runtime, a: Args) -> Ret {
    let b = buf_or_raise!(rt, a);
    let n = int_arg(a.pos.get(1), -1);
    let out = {
        let live = b.live();
        let k = if n < 0 { live.len() } else { (n as usize).min(live.len()) };
        live[..k].to_vec()
    };
    b.consume(out.len());
    Ret::Val(Value::Bytes(Rc::new(PyBytes::new(out))))
}

fn b_peek(rt: &mut Runtime, a: Args) -> Ret {
    let b = buf_or_raise!(rt, a);
    let out = b.live().to_vec();
    Ret::Val(Value::Bytes(Rc::new(PyBytes::new(out))))
}

fn b_clear(rt: &mut Runtime, a: Args) -> Ret {
    let b = buf_or_raise!(rt, a);
    b.data.borrow_mut().clear();
    b.head.set(0);
    Ret::Val(Value::None)
}

/// `send_to(sock)`: send from the front of the buffer; the bytes sent are removed.
/// None when the socket would block.
fn b_send_to(rt: &mut Runtime, a: Args) -> Ret {
    let b = buf_or_raise!(rt, a);
    let Some(s) = a.pos.get(1).and_then(|v| downcast::<Sock>(v)) else { return raise(rt.type_error("a socket is required")) };
    let r = {
        let live = b.live();
        send_bytes(s, &live)
    };
    match r {
        Ok(Some(k)) => {
            b.consume(k);
            Ret::Val(Value::Int(k as i64))
        }
        Ok(None) => Ret::Val(Value::None),
        Err(e) => raise(os_error(rt, &e)),
    }
}

/// `_bytes_join(items)`: `b''.join(items)`.
pub fn bytes_join(rt: &mut Runtime, a: Args) -> Ret {
    let items = match a.pos.first() {
        Some(v) => match crate::ops::iter::collect(rt, v) {
            Ok(i) => i,
            Err(e) => return raise(crate::ops::expect_raise(e)),
        },
        None => vec![],
    };
    let mut out = Vec::new();
    for it in &items {
        match bytes_of(rt, it) {
            Ok(b) => out.extend_from_slice(&b.data),
            Err(e) => return raise(e),
        }
    }
    Ret::Val(Value::Bytes(Rc::new(PyBytes::new(out))))
}

