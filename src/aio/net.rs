//! Non-blocking TCP on the operating system's readiness API (mio): the poller, and the
//! sockets registered with it.

use super::classes::Classes;
use super::event_loop::Loop;
use crate::runtime::class::Exc;
use crate::runtime::Runtime;
use std::rc::Rc;

/// The poller and registered sockets of one loop.
#[derive(Default)]
pub struct Io {}

impl Io {
    /// Close every registered socket.
    pub fn close(&mut self) {}
}

/// An I/O readiness callback.
pub struct IoEvent {}

/// Wait for I/O readiness for at most `timeout` seconds (None: no limit), queueing
/// the callbacks of ready sockets.
pub fn poll(_rt: &mut Runtime, _lp: &Rc<Loop>, timeout: Option<f64>) {
    let t = timeout.unwrap_or(super::event_loop::now());
    if t > 0.0 {
        let ms = (t * 1e3).ceil() / 1e3;
        std::thread::sleep(std::time::Duration::from_secs_f64(ms));
    }
}

/// Run an I/O callback.
pub fn dispatch(_rt: &mut Runtime, _lp: &Rc<Loop>, _ev: &IoEvent) -> Result<(), Exc> {
    Ok(())
}

/// Add the socket and transport methods.
pub fn install(_c: &Classes) {}

/// `_tcp_listen(host, port)`.
pub fn tcp_listen(rt: &mut Runtime, _a: crate::eval::native::Args) -> crate::eval::native::Ret {
    crate::builtins::raise(rt.exc_named("NotImplementedError", "TCP is not available yet"))
}

/// `_tcp_connect(host, port)`.
pub fn tcp_connect(rt: &mut Runtime, _a: crate::eval::native::Args) -> crate::eval::native::Ret {
    crate::builtins::raise(rt.exc_named("NotImplementedError", "TCP is not available yet"))
}
