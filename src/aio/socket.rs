//! Non-blocking TCP sockets (listening and connected) registered with a loop's poller
//! (`net.rs`), and the socket methods asyncio's transports call: `recv`/`send` return
//! None when the call would block, which clears the readiness the poller remembers.

use super::address::{addr_from, addr_tuple};
use super::classes::Classes;
use super::event_loop::{running_or_err, Loop};
use super::net::SockState;
use super::oserror::{os_error, os_error_code, strerror};
use crate::builtins::{add_method, raise};
use crate::eval::native::{Args, Ret};
use crate::runtime::bytes::PyBytes;
use crate::runtime::class::{Class, Exc};
use crate::runtime::object::{downcast, Object};
use crate::runtime::str::PyStr;
use crate::runtime::value::Value;
use crate::runtime::Runtime;
use mio::net::{TcpListener, TcpStream};
use mio::{Interest, Token};
use std::cell::{Cell, RefCell};
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr};
use std::os::fd::AsRawFd;
use std::rc::{Rc, Weak};

enum Inner {
    Listener(TcpListener),
    Stream(TcpStream),
    Closed,
}

thread_local! {
    static NEXT_ID: Cell<u64> = const { Cell::new(1) };
    /// The buffer `recv` reads into (allocated once, not per call).
    static SCRATCH: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// A non-blocking TCP socket registered with a loop's poller.
pub struct Sock {
    id: u64,
    fd: Cell<i32>,
    inner: RefCell<Inner>,
    lp: Weak<Loop>,
    v6: bool,
}

impl Sock {
    fn new(rt: &Runtime, lp: &Rc<Loop>, mut inner: Inner, v6: bool) -> Result<Rc<Sock>, Exc> {
        let id = NEXT_ID.with(|n| {
            let v = n.get();
            n.set(v + 1);
            v
        });
        let fd = match &inner {
            Inner::Listener(l) => l.as_raw_fd(),
            Inner::Stream(s) => s.as_raw_fd(),
            Inner::Closed => -1,
        };
        {
            let mut io = lp.io.borrow_mut();
            let reg = io.registry().map_err(|e| os_error(rt, &e))?;
            let r = match &mut inner {
                Inner::Listener(l) => reg.register(l, Token(fd as usize), Interest::READABLE),
                Inner::Stream(s) => reg.register(s, Token(fd as usize), Interest::READABLE | Interest::WRITABLE),
                Inner::Closed => Ok(()),
            };
            r.map_err(|e| os_error(rt, &e))?;
            io.socks.insert(fd, SockState { owner: id, ..Default::default() });
        }
        Ok(Rc::new(Sock { id, fd: Cell::new(fd), inner: RefCell::new(inner), lp: Rc::downgrade(lp), v6 }))
    }

    /// The descriptor (-1 once closed).
    pub(super) fn fd(&self) -> i32 {
        self.fd.get()
    }

    fn flag(&self, read: bool, value: bool) {
        if let Some(lp) = self.lp.upgrade() {
            lp.io.borrow_mut().set_flag(self.fd.get(), self.id, read, value);
        }
    }

    /// Close the socket: unregister it and release the descriptor.
    pub fn close(&self) {
        let fd = self.fd.replace(-1);
        let inner = std::mem::replace(&mut *self.inner.borrow_mut(), Inner::Closed);
        if fd < 0 {
            return;
        }
        if let Some(lp) = self.lp.upgrade() {
            if let Ok(mut io) = lp.io.try_borrow_mut() {
                let mine = io.socks.get(&fd).is_some_and(|s| s.owner == self.id);
                if mine {
                    if let Some(st) = io.socks.remove(&fd) {
                        if let Some(h) = st.reader {
                            h.cancel();
                        }
                        if let Some(h) = st.writer {
                            h.cancel();
                        }
                    }
                    io.hot.remove(&fd);
                }
                if let Some(p) = &io.poll {
                    let _ = match inner {
                        Inner::Listener(mut l) => p.registry().deregister(&mut l),
                        Inner::Stream(mut s) => p.registry().deregister(&mut s),
                        Inner::Closed => Ok(()),
                    };
                }
            }
        }
    }

    fn local(&self) -> std::io::Result<SocketAddr> {
        match &*self.inner.borrow() {
            Inner::Listener(l) => l.local_addr(),
            Inner::Stream(s) => s.local_addr(),
            Inner::Closed => Err(std::io::Error::from_raw_os_error(9)),
        }
    }

    fn peer(&self) -> std::io::Result<SocketAddr> {
        match &*self.inner.borrow() {
            Inner::Stream(s) => s.peer_addr(),
            Inner::Listener(_) => Err(std::io::Error::from_raw_os_error(107)),
            Inner::Closed => Err(std::io::Error::from_raw_os_error(9)),
        }
    }
}

impl Drop for Sock {
    fn drop(&mut self) {
        self.close();
    }
}

impl Object for Sock {
    fn class(&self, _rt: &Runtime) -> Rc<Class> {
        super::classes::with(|c| c.socket.clone())
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn get_attr(&self, _rt: &mut Runtime, name: &PyStr, _this: &Value) -> Option<Value> {
        match name.as_str() {
            "family" => Some(Value::Int(if self.v6 { 10 } else { 2 })),
            "type" => Some(Value::Int(1)),
            "proto" => Some(Value::Int(6)),
            _ => None,
        }
    }
    fn repr(&self, _rt: &mut Runtime, _this: &Value) -> Option<String> {
        let fam = if self.v6 { "AF_INET6" } else { "AF_INET" };
        let mut s = format!("<asyncio.TransportSocket fd={}, family={fam}, type=SOCK_STREAM, proto=6", self.fd.get());
        if let Ok(a) = self.local() {
            s.push_str(&format!(", laddr=('{}', {})", a.ip(), a.port()));
        }
        if let Ok(a) = self.peer() {
            s.push_str(&format!(", raddr=('{}', {})", a.ip(), a.port()));
        }
        s.push('>');
        Some(s)
    }
}


fn sock_this<'a>(rt: &Runtime, a: &Args<'a>) -> Result<&'a Sock, Exc> {
    a.pos.first().and_then(|v| downcast::<Sock>(v)).ok_or_else(|| rt.type_error("a socket is required"))
}

macro_rules! sock_or_raise {
    ($rt:expr, $a:expr) => {
        match sock_this($rt, &$a) {
            Ok(s) => s,
            Err(e) => return raise(e),
        }
    };
}

fn s_fileno(rt: &mut Runtime, a: Args) -> Ret {
    let s = sock_or_raise!(rt, a);
    Ret::Val(Value::Int(s.fd.get() as i64))
}

fn s_getsockname(rt: &mut Runtime, a: Args) -> Ret {
    let s = sock_or_raise!(rt, a);
    match s.local() {
        Ok(addr) => Ret::Val(addr_tuple(&addr)),
        Err(e) => raise(os_error(rt, &e)),
    }
}

fn s_getpeername(rt: &mut Runtime, a: Args) -> Ret {
    let s = sock_or_raise!(rt, a);
    match s.peer() {
        Ok(addr) => Ret::Val(addr_tuple(&addr)),
        Err(e) => raise(os_error(rt, &e)),
    }
}

/// `accept()`: `(sock, address)`, or None when no connection is waiting.
fn s_accept(rt: &mut Runtime, a: Args) -> Ret {
    let s = sock_or_raise!(rt, a);
    let r = match &*s.inner.borrow() {
        Inner::Listener(l) => l.accept(),
        _ => Err(std::io::Error::from_raw_os_error(22)),
    };
    match r {
        Ok((stream, addr)) => {
            let Some(lp) = s.lp.upgrade() else { return raise(rt.exc_msg(&rt.types.runtime_error, "Event loop is closed")) };
            let _ = stream.set_nodelay(true);
            match Sock::new(rt, &lp, Inner::Stream(stream), addr.is_ipv6()) {
                Ok(c) => Ret::Val(Value::tuple(vec![Value::Obj(c.into()), addr_tuple(&addr)])),
                Err(e) => raise(e),
            }
        }
        Err(e) if e.kind() == ErrorKind::WouldBlock => {
            s.flag(true, false);
            Ret::Val(Value::None)
        }
        Err(e) if e.kind() == ErrorKind::Interrupted || e.kind() == ErrorKind::ConnectionAborted => Ret::Val(Value::None),
        Err(e) => raise(os_error(rt, &e)),
    }
}

pub(super) fn int_arg(v: Option<&Value>, default: i64) -> i64 {
    match v {
        Some(Value::Int(i)) => *i,
        Some(Value::Bool(b)) => *b as i64,
        _ => default,
    }
}

/// `recv(n)`: bytes (empty at EOF), or None when it would block.
fn s_recv(rt: &mut Runtime, a: Args) -> Ret {
    let s = sock_or_raise!(rt, a);
    let n = int_arg(a.pos.get(1), 65536).max(0) as usize;
    let r = SCRATCH.with(|scratch| {
        let mut buf = scratch.borrow_mut();
        if buf.len() < n {
            buf.resize(n, 0);
        }
        let r = match &mut *s.inner.borrow_mut() {
            Inner::Stream(st) => st.read(&mut buf[..n]),
            _ => Err(std::io::Error::from_raw_os_error(107)),
        };
        r.map(|k| buf[..k].to_vec())
    });
    match r {
        Ok(data) => {
            let k = data.len();
            if k > 0 && k < n {
                // A short read drained the socket; the next arrival is a new edge.
                s.flag(true, false);
            }
            Ret::Val(Value::Bytes(Rc::new(PyBytes::new(data))))
        }
        Err(e) if e.kind() == ErrorKind::WouldBlock => {
            s.flag(true, false);
            Ret::Val(Value::None)
        }
        Err(e) if e.kind() == ErrorKind::Interrupted => Ret::Val(Value::None),
        Err(e) => raise(os_error(rt, &e)),
    }
}

pub(super) fn bytes_of(rt: &Runtime, v: &Value) -> Result<Rc<PyBytes>, Exc> {
    match v {
        Value::Bytes(b) => Ok(b.clone()),
        _ => Err(rt.type_error(format!(
            "data argument must be a bytes-like object, not '{}'",
            crate::ops::type_name(rt, v)
        ))),
    }
}

pub(super) fn send_bytes(s: &Sock, data: &[u8]) -> std::io::Result<Option<usize>> {
    let r = match &mut *s.inner.borrow_mut() {
        Inner::Stream(st) => st.write(data),
        _ => Err(std::io::Error::from_raw_os_error(107)),
    };
    match r {
        Ok(k) => {
            if k < data.len() {
                s.flag(false, false);
            }
            Ok(Some(k))
        }
        Err(e) if e.kind() == ErrorKind::WouldBlock => {
            s.flag(false, false);
            Ok(None)
        }
        Err(e) if e.kind() == ErrorKind::Interrupted => Ok(None),
        Err(e) => Err(e),
    }
}

/// `send(data)`: bytes sent, or None when it would block.
fn s_send(rt: &mut Runtime, a: Args) -> Ret {
    let s = sock_or_raise!(rt, a);
    let data = match a.pos.get(1).map(|v| bytes_of(rt, v)) {
        Some(Ok(b)) => b,
        Some(Err(e)) => return raise(e),
        None => return raise(rt.type_error("send() takes at least 1 argument (0 given)")),
    };
    match send_bytes(s, &data.data) {
        Ok(Some(k)) => Ret::Val(Value::Int(k as i64)),
        Ok(None) => Ret::Val(Value::None),
        Err(e) => raise(os_error(rt, &e)),
    }
}

fn s_shutdown(rt: &mut Runtime, a: Args) -> Ret {
    let s = sock_or_raise!(rt, a);
    let how = match int_arg(a.pos.get(1), 1) {
        0 => Shutdown::Read,
        1 => Shutdown::Write,
        _ => Shutdown::Both,
    };
    let r = match &*s.inner.borrow() {
        Inner::Stream(st) => st.shutdown(how),
        _ => Ok(()),
    };
    match r {
        Ok(()) => Ret::Val(Value::None),
        Err(e) if e.raw_os_error() == Some(107) => Ret::Val(Value::None),
        Err(e) => raise(os_error(rt, &e)),
    }
}

fn s_close(rt: &mut Runtime, a: Args) -> Ret {
    let s = sock_or_raise!(rt, a);
    s.close();
    Ret::Val(Value::None)
}

/// `getsockopt(SOL_SOCKET, SO_ERROR)`: the pending error number (0 if none).
fn s_getsockopt(rt: &mut Runtime, a: Args) -> Ret {
    let s = sock_or_raise!(rt, a);
    let r = match &*s.inner.borrow() {
        Inner::Stream(st) => st.take_error(),
        Inner::Listener(l) => l.take_error(),
        Inner::Closed => Ok(Some(std::io::Error::from_raw_os_error(9))),
    };
    match r {
        Ok(None) => Ret::Val(Value::Int(0)),
        Ok(Some(e)) => Ret::Val(Value::Int(e.raw_os_error().unwrap_or(5) as i64)),
        Err(e) => raise(os_error(rt, &e)),
    }
}

fn s_noop(_rt: &mut Runtime, _a: Args) -> Ret {
    Ret::Val(Value::None)
}

/// `listen(backlog)`: set the accept queue length of a listening socket.
fn s_listen(rt: &mut Runtime, a: Args) -> Ret {
    let s = sock_or_raise!(rt, a);
    let backlog = int_arg(a.pos.get(1), 128).clamp(0, i32::MAX as i64) as i32;
    let r = match &*s.inner.borrow() {
        Inner::Listener(l) => rustix::net::listen(l, backlog).map_err(std::io::Error::from),
        _ => Ok(()),
    };
    match r {
        Ok(()) => Ret::Val(Value::None),
        Err(e) => raise(os_error(rt, &e)),
    }
}


/// The running loop and the address `name(address)` was given, resolved.
fn loop_and_address(rt: &Runtime, a: &Args, name: &str) -> Result<(Rc<Loop>, SocketAddr), Exc> {
    let lp = running_or_err(rt)?;
    match a.pos.first() {
        Some(v) => Ok((lp, addr_from(rt, v)?)),
        None => Err(rt.type_error(format!("{name}() needs an address"))),
    }
}

/// An address as CPython's messages show it: `('127.0.0.1', 80)`, `('::1', 80, 0, 0)`.
fn addr_text(addr: &SocketAddr) -> String {
    match addr {
        SocketAddr::V4(v) => format!("('{}', {})", v.ip(), v.port()),
        SocketAddr::V6(v) => format!("('{}', {}, 0, 0)", v.ip(), v.port()),
    }
}

/// `_tcp_listen(address)`: a listening socket bound to `(host, port)`.
pub fn tcp_listen(rt: &mut Runtime, a: Args) -> Ret {
    let (lp, addr) = match loop_and_address(rt, &a, "_tcp_listen") {
        Ok(x) => x,
        Err(e) => return raise(e),
    };
    match TcpListener::bind(addr) {
        Ok(l) => match Sock::new(rt, &lp, Inner::Listener(l), addr.is_ipv6()) {
            Ok(s) => Ret::Val(Value::Obj(s.into())),
            Err(e) => raise(e),
        },
        Err(e) => {
            let code = e.raw_os_error().unwrap_or(0);
            let what = strerror(code).map(|s| s.to_lowercase()).unwrap_or_else(|| e.to_string());
            let host = addr_text(&addr);
            raise(os_error_code(rt, code, &format!("error while attempting to bind on address {host}: {what}")))
        }
    }
}

/// `_tcp_connect(address)`: a socket whose connection is in progress.
pub fn tcp_connect(rt: &mut Runtime, a: Args) -> Ret {
    let (lp, addr) = match loop_and_address(rt, &a, "_tcp_connect") {
        Ok(x) => x,
        Err(e) => return raise(e),
    };
    match TcpStream::connect(addr) {
        Ok(s) => {
            let _ = s.set_nodelay(true);
            match Sock::new(rt, &lp, Inner::Stream(s), addr.is_ipv6()) {
                Ok(s) => Ret::Val(Value::Obj(s.into())),
                Err(e) => raise(e),
            }
        }
        Err(e) => {
            let code = e.raw_os_error().unwrap_or(0);
            raise(os_error_code(rt, code, &format!("Connect call failed {}", addr_text(&addr))))
        }
    }
}


/// Add the socket methods.
pub fn install(c: &Classes) {
    let s = &c.socket;
    add_method(s, "fileno", s_fileno);
    add_method(s, "getsockname", s_getsockname);
    add_method(s, "getpeername", s_getpeername);
    add_method(s, "accept", s_accept);
    add_method(s, "recv", s_recv);
    add_method(s, "send", s_send);
    add_method(s, "shutdown", s_shutdown);
    add_method(s, "close", s_close);
    add_method(s, "getsockopt", s_getsockopt);
    add_method(s, "setsockopt", s_noop);
    add_method(s, "setblocking", s_noop);
    add_method(s, "listen", s_listen);
}
