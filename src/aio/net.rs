//! Non-blocking TCP on the operating system's readiness API (mio, epoll on Linux).
//!
//! The loop API mirrors CPython's selector loop: `_add_reader(fd, callback, *args)`
//! and friends register a handle per socket and direction; each turn the poller
//! reports the sockets whose registered direction is ready and their handles are
//! queued. mio is edge-triggered, so readiness is remembered per socket (set by an
//! event, cleared when an operation would block) to report it turn after turn as a
//! level-triggered selector does. The transports and streams built on these sockets
//! are Coro code (`streams.coro`).

use super::classes::Classes;
use super::event_loop::{running_or_err, Entry, Loop};
use super::handle::Handle;
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
use std::collections::{BTreeSet, HashMap};
use std::io::{ErrorKind, Read, Write};
use std::net::{IpAddr, Shutdown, SocketAddr, ToSocketAddrs};
use std::os::fd::AsRawFd;
use std::rc::{Rc, Weak};

/// What the loop knows about one registered socket.
#[derive(Default)]
struct SockState {
    /// Which socket object owns this entry (fds are reused).
    owner: u64,
    /// Readable (or at EOF, or failed) since it last would have blocked.
    readable: bool,
    /// Writable since it last would have blocked.
    writable: bool,
    /// The peer closed its side or the socket failed (reads return at once from now on).
    hup: bool,
    /// The handle `_add_reader` registered.
    reader: Option<Rc<Handle>>,
    /// The handle `_add_writer` registered.
    writer: Option<Rc<Handle>>,
}

impl SockState {
    fn wants(&self) -> bool {
        (self.readable && self.reader.is_some()) || (self.writable && self.writer.is_some())
    }
}

/// The poller and registered sockets of one loop.
#[derive(Default)]
pub struct Io {
    poll: Option<mio::Poll>,
    events: Option<mio::Events>,
    socks: HashMap<i32, SockState>,
    /// Sockets with a ready direction that has a handle.
    hot: BTreeSet<i32>,
}

impl Io {
    /// Whether a socket has a reader or writer registered (I/O is pending).
    pub fn waiting(&self) -> bool {
        self.socks.values().any(|s| s.reader.is_some() || s.writer.is_some())
    }

    /// Close the poller (sockets are closed by their objects).
    pub fn close(&mut self) {
        for st in self.socks.values_mut() {
            if let Some(h) = st.reader.take() {
                h.cancel();
            }
            if let Some(h) = st.writer.take() {
                h.cancel();
            }
        }
        self.socks.clear();
        self.hot.clear();
        self.poll = None;
        self.events = None;
    }

    fn registry(&mut self) -> std::io::Result<&mio::Registry> {
        if self.poll.is_none() {
            self.poll = Some(mio::Poll::new()?);
            self.events = Some(mio::Events::with_capacity(1024));
        }
        match &self.poll {
            Some(p) => Ok(p.registry()),
            None => Err(std::io::Error::other("no poller")),
        }
    }

    /// Watch the signal socket (see `signals`).
    pub fn register_signal_socket(&mut self, s: &mut mio::net::UnixStream, token: usize) {
        if let Ok(reg) = self.registry() {
            let _ = reg.register(s, Token(token), Interest::READABLE);
        }
    }

    /// Stop watching the signal socket.
    pub fn deregister_signal_socket(&mut self, s: &mut mio::net::UnixStream) {
        if let Some(p) = &self.poll {
            let _ = p.registry().deregister(s);
        }
    }

    fn update_hot(&mut self, fd: i32) {
        match self.socks.get(&fd) {
            Some(st) if st.wants() => {
                self.hot.insert(fd);
            }
            _ => {
                self.hot.remove(&fd);
            }
        }
    }

    fn set_flag(&mut self, fd: i32, owner: u64, read: bool, value: bool) {
        if let Some(st) = self.socks.get_mut(&fd) {
            if st.owner != owner || (read && !value && st.hup) {
                return;
            }
            if read {
                st.readable = value;
            } else {
                st.writable = value;
            }
            self.update_hot(fd);
        }
    }
}

fn ceil_ms(t: f64) -> std::time::Duration {
    std::time::Duration::from_secs_f64((t * 1e3).ceil().max(0.0) / 1e3)
}

/// Wait for I/O readiness for at most `timeout` seconds (None: no limit), then queue
/// the handles of the sockets ready in a registered direction.
pub fn poll(rt: &mut Runtime, lp: &Rc<Loop>, timeout: Option<f64>) {
    let mut io = lp.io.borrow_mut();
    let timeout = if io.hot.is_empty() { timeout } else { Some(0.0) };
    if io.poll.is_none() {
        drop(io);
        match timeout {
            Some(t) if t > 0.0 => std::thread::sleep(ceil_ms(t)),
            Some(_) => {}
            None => loop {
                std::thread::sleep(std::time::Duration::from_secs(3600));
            },
        }
        return;
    }
    let io = &mut *io;
    let (Some(p), Some(events)) = (io.poll.as_mut(), io.events.as_mut()) else { return };
    loop {
        match p.poll(events, timeout.map(ceil_ms)) {
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            _ => break,
        }
    }
    let mut changed = Vec::new();
    for ev in events.iter() {
        if ev.token().0 == super::signals::TOKEN {
            super::signals::note_readable();
            continue;
        }
        let fd = ev.token().0 as i32;
        if let Some(st) = io.socks.get_mut(&fd) {
            if ev.is_readable() || ev.is_read_closed() || ev.is_error() {
                st.readable = true;
            }
            if ev.is_read_closed() || ev.is_error() {
                st.hup = true;
            }
            if ev.is_writable() || ev.is_write_closed() || ev.is_error() {
                st.writable = true;
            }
            changed.push(fd);
        }
    }
    for fd in changed {
        io.update_hot(fd);
    }
    let mut ready = lp.ready.borrow_mut();
    let mut woke = Vec::new();
    for fd in &io.hot {
        let Some(st) = io.socks.get(fd) else { continue };
        if st.readable {
            if let Some(h) = &st.reader {
                if !h.cancelled.get() {
                    ready.push_back(Entry::Handle(h.clone()));
                    if rt.trace.is_some() {
                        woke.push((*fd, "readable"));
                    }
                }
            }
        }
        if st.writable {
            if let Some(h) = &st.writer {
                if !h.cancelled.get() {
                    ready.push_back(Entry::Handle(h.clone()));
                    if rt.trace.is_some() {
                        woke.push((*fd, "writable"));
                    }
                }
            }
        }
    }
    drop(ready);
    for (fd, what) in woke {
        crate::trace::io_ready(rt, fd, what);
    }
}

// ---- errors ----

fn strerror(code: i32) -> Option<&'static str> {
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
    match code {
        11 | 115 => "BlockingIOError",
        4 => "InterruptedError",
        32 => "BrokenPipeError",
        103 => "ConnectionAbortedError",
        104 => "ConnectionResetError",
        111 => "ConnectionRefusedError",
        110 => "TimeoutError",
        1 | 13 => "PermissionError",
        _ => "OSError",
    }
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

// ---- sockets ----

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
        super::classes::get().expect("asyncio classes").socket.clone()
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

fn int_arg(v: Option<&Value>, default: i64) -> i64 {
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

fn bytes_of(rt: &Runtime, v: &Value) -> Result<Rc<PyBytes>, Exc> {
    match v {
        Value::Bytes(b) => Ok(b.clone()),
        _ => Err(rt.type_error(format!(
            "data argument must be a bytes-like object, not '{}'",
            crate::ops::type_name(rt, v)
        ))),
    }
}

fn send_bytes(s: &Sock, data: &[u8]) -> std::io::Result<Option<usize>> {
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

fn addr_from(rt: &Runtime, v: &Value) -> Result<SocketAddr, Exc> {
    let Value::Tuple(t) = v else { return Err(rt.type_error("an address tuple is required")) };
    let items = t.items();
    let (Some(h), Some(p)) = (items.first(), items.get(1)) else { return Err(rt.type_error("an address tuple is required")) };
    let addrs = resolve(rt, h, p, false)?;
    addrs.into_iter().next().ok_or_else(|| rt.exc_named("OSError", "no address"))
}

/// `_tcp_listen(address)`: a listening socket bound to `(host, port)`.
pub fn tcp_listen(rt: &mut Runtime, a: Args) -> Ret {
    let lp = match running_or_err(rt) {
        Ok(l) => l,
        Err(e) => return raise(e),
    };
    let addr = match a.pos.first().map(|v| addr_from(rt, v)) {
        Some(Ok(x)) => x,
        Some(Err(e)) => return raise(e),
        None => return raise(rt.type_error("_tcp_listen() needs an address")),
    };
    match TcpListener::bind(addr) {
        Ok(l) => match Sock::new(rt, &lp, Inner::Listener(l), addr.is_ipv6()) {
            Ok(s) => Ret::Val(Value::Obj(s.into())),
            Err(e) => raise(e),
        },
        Err(e) => {
            let code = e.raw_os_error().unwrap_or(0);
            let what = strerror(code).map(|s| s.to_lowercase()).unwrap_or_else(|| e.to_string());
            let host = match addr.ip() {
                IpAddr::V4(ip) => format!("('{ip}', {})", addr.port()),
                IpAddr::V6(ip) => format!("('{ip}', {}, 0, 0)", addr.port()),
            };
            raise(os_error_code(rt, code, &format!("error while attempting to bind on address {host}: {what}")))
        }
    }
}

/// `_tcp_connect(address)`: a socket whose connection is in progress.
pub fn tcp_connect(rt: &mut Runtime, a: Args) -> Ret {
    let lp = match running_or_err(rt) {
        Ok(l) => l,
        Err(e) => return raise(e),
    };
    let addr = match a.pos.first().map(|v| addr_from(rt, v)) {
        Some(Ok(x)) => x,
        Some(Err(e)) => return raise(e),
        None => return raise(rt.type_error("_tcp_connect() needs an address")),
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
            let text = strerror(code).unwrap_or("Connect call failed");
            let _ = text;
            let r = match addr {
                SocketAddr::V4(v) => format!("('{}', {})", v.ip(), v.port()),
                SocketAddr::V6(v) => format!("('{}', {}, 0, 0)", v.ip(), v.port()),
            };
            raise(os_error_code(rt, code, &format!("Connect call failed {r}")))
        }
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

// ---- registering readers and writers ----

fn fd_arg(rt: &Runtime, v: Option<&Value>) -> Result<i32, Exc> {
    match v {
        Some(Value::Int(i)) => Ok(*i as i32),
        Some(o) => match downcast::<Sock>(o) {
            Some(s) => Ok(s.fd.get()),
            None => Err(rt.type_error("an integer file descriptor or a socket is required")),
        },
        None => Err(rt.type_error("a file descriptor is required")),
    }
}

fn loop_this(rt: &Runtime, a: &Args) -> Result<Rc<Loop>, Exc> {
    a.pos.first().and_then(|v| downcast::<Loop>(v)).and_then(|l| l.rc()).ok_or_else(|| rt.type_error("an event loop is required"))
}

fn add_handler(rt: &mut Runtime, a: Args, read: bool) -> Ret {
    let lp = match loop_this(rt, &a) {
        Ok(l) => l,
        Err(e) => return raise(e),
    };
    if lp.closed.get() {
        return raise(rt.exc_msg(&rt.types.runtime_error, "Event loop is closed"));
    }
    let fd = match fd_arg(rt, a.pos.get(1)) {
        Ok(f) => f,
        Err(e) => return raise(e),
    };
    let Some(cb) = a.pos.get(2) else { return raise(rt.type_error("a callback is required")) };
    let h = Handle::new(&lp, cb.clone(), a.pos[3..].to_vec(), None);
    let mut io = lp.io.borrow_mut();
    let Some(st) = io.socks.get_mut(&fd) else {
        return raise(rt.value_error(format!("File descriptor {fd} is not registered with this loop")));
    };
    let old = if read { st.reader.replace(h.clone()) } else { st.writer.replace(h.clone()) };
    if let Some(o) = old {
        o.cancel();
    }
    io.update_hot(fd);
    Ret::Val(Value::Obj(h.into()))
}

fn remove_handler(rt: &mut Runtime, a: Args, read: bool) -> Ret {
    let lp = match loop_this(rt, &a) {
        Ok(l) => l,
        Err(e) => return raise(e),
    };
    if lp.closed.get() {
        return Ret::Val(Value::Bool(false));
    }
    let fd = match fd_arg(rt, a.pos.get(1)) {
        Ok(f) => f,
        Err(e) => return raise(e),
    };
    let mut io = lp.io.borrow_mut();
    let Some(st) = io.socks.get_mut(&fd) else { return Ret::Val(Value::Bool(false)) };
    let old = if read { st.reader.take() } else { st.writer.take() };
    io.update_hot(fd);
    match old {
        Some(h) => {
            h.cancel();
            Ret::Val(Value::Bool(true))
        }
        None => Ret::Val(Value::Bool(false)),
    }
}

fn l_add_reader(rt: &mut Runtime, a: Args) -> Ret {
    add_handler(rt, a, true)
}

fn l_add_writer(rt: &mut Runtime, a: Args) -> Ret {
    add_handler(rt, a, false)
}

fn l_remove_reader(rt: &mut Runtime, a: Args) -> Ret {
    remove_handler(rt, a, true)
}

fn l_remove_writer(rt: &mut Runtime, a: Args) -> Ret {
    remove_handler(rt, a, false)
}

// ---- byte buffers ----

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

/// Add the socket methods and the loop's reader/writer registration.
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
    let l = &c.event_loop;
    add_method(l, "_add_reader", l_add_reader);
    add_method(l, "_add_writer", l_add_writer);
    add_method(l, "_remove_reader", l_remove_reader);
    add_method(l, "_remove_writer", l_remove_writer);
    add_method(l, "add_reader", l_add_reader);
    add_method(l, "add_writer", l_add_writer);
    add_method(l, "remove_reader", l_remove_reader);
    add_method(l, "remove_writer", l_remove_writer);
}
