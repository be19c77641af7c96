//! The loop's I/O poller, on the operating system's readiness API (mio, epoll on Linux).
//!
//! The loop API mirrors CPython's selector loop: `_add_reader(fd, callback, *args)`
//! and friends register a handle per socket and direction; each turn the poller
//! reports the sockets whose registered direction is ready and their handles are
//! queued. mio is edge-triggered, so readiness is remembered per socket (set by an
//! event, cleared when an operation would block) to report it turn after turn as a
//! level-triggered selector does. The transports and streams built on these sockets
//! are Coro code (`streams.coro`); the sockets themselves are in `socket.rs`.

use super::classes::Classes;
use super::event_loop::{Entry, Loop};
use super::handle::Handle;
use super::socket::Sock;
use crate::builtins::{add_method, raise};
use crate::eval::native::{Args, Ret};
use crate::runtime::class::Exc;
use crate::runtime::object::downcast;
use crate::runtime::value::Value;
use crate::runtime::Runtime;
use mio::{Interest, Token};
use std::collections::{BTreeSet, HashMap};
use std::io::ErrorKind;
use std::rc::Rc;

/// What the loop knows about one registered socket.
#[derive(Default)]
pub(super) struct SockState {
    /// Which socket object owns this entry (fds are reused).
    pub(super) owner: u64,
    /// Readable (or at EOF, or failed) since it last would have blocked.
    pub(super) readable: bool,
    /// Writable since it last would have blocked.
    pub(super) writable: bool,
    /// The peer closed its side or the socket failed (reads return at once from now on).
    pub(super) hup: bool,
    /// The handle `_add_reader` registered.
    pub(super) reader: Option<Rc<Handle>>,
    /// The handle `_add_writer` registered.
    pub(super) writer: Option<Rc<Handle>>,
}

impl SockState {
    fn wants(&self) -> bool {
        (self.readable && self.reader.is_some()) || (self.writable && self.writer.is_some())
    }
}

/// The poller and registered sockets of one loop.
#[derive(Default)]
pub struct Io {
    pub(super) poll: Option<mio::Poll>,
    events: Option<mio::Events>,
    pub(super) socks: HashMap<i32, SockState>,
    /// Sockets with a ready direction that has a handle.
    pub(super) hot: BTreeSet<i32>,
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

    pub(super) fn registry(&mut self) -> std::io::Result<&mio::Registry> {
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

    pub(super) fn set_flag(&mut self, fd: i32, owner: u64, read: bool, value: bool) {
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


// ---- registering readers and writers ----

fn fd_arg(rt: &Runtime, v: Option<&Value>) -> Result<i32, Exc> {
    match v {
        Some(Value::Int(i)) => Ok(*i as i32),
        Some(o) => match downcast::<Sock>(o) {
            Some(s) => Ok(s.fd()),
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


/// Add the loop's reader/writer registration methods.
pub fn install(c: &Classes) {
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
