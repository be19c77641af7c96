//! Generator, coroutine and async generator objects: an explicit state and the frame
//! they park while suspended.

use super::str::PyStr;
use crate::eval::frame::FrameBox;
use crate::eval::ir::Code;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// Which of the three kinds of suspendable function object this is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GenKind {
    /// A generator (`def` with `yield`).
    Generator,
    /// A coroutine (`async def`).
    Coroutine,
    /// An async generator (`async def` with `yield`).
    AsyncGenerator,
}

/// Where a generator is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GenState {
    /// Created, not yet started.
    Created,
    /// Parked at a `yield` or `await`.
    Suspended,
    /// Its frame is on the running stack.
    Running,
    /// Returned or raised; no frame any more.
    Finished,
}

/// A generator, coroutine or async generator.
pub struct Generator {
    /// Which kind.
    pub kind: GenKind,
    /// Its state.
    pub state: Cell<GenState>,
    /// The parked frame (present while created or suspended).
    pub frame: RefCell<Option<FrameBox>>,
    /// The function's code.
    pub code: &'static Code,
    /// `__name__` and `__qualname__` when they differ from the code's (a renamed
    /// function, an assignment): rare, so boxed, and one word while absent.
    names: Cell<Option<Box<(Rc<PyStr>, Rc<PyStr>)>>>,
    /// For coroutines: set once awaited by `await` so a second await is refused.
    pub awaited: Cell<bool>,
    /// For async generators: an `asend`/`athrow` is in progress.
    pub ag_running: Cell<bool>,
    /// For async generators: `aclose()` or finalization started.
    pub ag_closed: Cell<bool>,
    /// For async generators: the first iteration hook ran (asyncio's tracking).
    pub ag_hooked: Cell<bool>,
}

impl Generator {
    /// A new, not yet started generator around a prepared frame.
    pub fn new(kind: GenKind, code: &'static Code, frame: FrameBox, name: Rc<PyStr>, qualname: Rc<PyStr>) -> Generator {
        Generator {
            kind,
            state: Cell::new(GenState::Created),
            frame: RefCell::new(Some(frame)),
            code,
            names: Cell::new(Generator::names_box(code, name, qualname)),
            awaited: Cell::new(false),
            ag_running: Cell::new(false),
            ag_closed: Cell::new(false),
            ag_hooked: Cell::new(false),
        }
    }

    fn names_box(code: &'static Code, name: Rc<PyStr>, qualname: Rc<PyStr>) -> Option<Box<(Rc<PyStr>, Rc<PyStr>)>> {
        if Rc::ptr_eq(&name, &code.name) && Rc::ptr_eq(&qualname, &code.qualname) {
            None
        } else {
            Some(Box::new((name, qualname)))
        }
    }

    fn names(&self) -> (Rc<PyStr>, Rc<PyStr>) {
        let b = self.names.take();
        let r = match &b {
            Some(b) => (b.0.clone(), b.1.clone()),
            None => (self.code.name.clone(), self.code.qualname.clone()),
        };
        self.names.set(b);
        r
    }

    /// `__name__`.
    pub fn name(&self) -> Rc<PyStr> {
        self.names().0
    }

    /// `__qualname__`.
    pub fn qualname(&self) -> Rc<PyStr> {
        self.names().1
    }

    /// Set `__name__` and/or `__qualname__`.
    pub fn set_names(&self, name: Option<Rc<PyStr>>, qualname: Option<Rc<PyStr>>) {
        let (n, q) = self.names();
        self.names.set(Generator::names_box(self.code, name.unwrap_or(n), qualname.unwrap_or(q)));
    }

    /// The type name CPython shows (`generator`, `coroutine`, `async_generator`).
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            GenKind::Generator => "generator",
            GenKind::Coroutine => "coroutine",
            GenKind::AsyncGenerator => "async_generator",
        }
    }
}

impl Generator {
    /// Hand the parked frame of a suspended generator to the finalizer queue, as dropping
    /// the generator would (the cycle collector found it unreachable): it is closed at
    /// the driver's next safe point. Returns whether a frame was queued.
    pub fn orphan(&self) -> bool {
        if self.state.get() != GenState::Suspended {
            return false;
        }
        let Some(frame) = self.frame.try_borrow_mut().ok().and_then(|mut f| f.take()) else { return false };
        self.state.set(GenState::Finished);
        let qualname = self.qualname();
        let frame = if self.kind == GenKind::AsyncGenerator && self.ag_hooked.get() {
            crate::aio::asyncgen_dropped(frame, qualname.clone())
        } else {
            Some(frame)
        };
        if let Some(frame) = frame {
            crate::eval::finalize::queue_orphan(frame, self.kind, qualname);
        }
        true
    }
}

impl Drop for Generator {
    fn drop(&mut self) {
        if self.state.get() == GenState::Suspended {
            if let Some(frame) = self.frame.get_mut().take() {
                // An async generator iterated under an event loop is closed by the loop
                // (asyncio's finalizer hook), as a task.
                let frame = if self.kind == GenKind::AsyncGenerator && self.ag_hooked.get() {
                    crate::aio::asyncgen_dropped(frame, self.qualname())
                } else {
                    Some(frame)
                };
                if let Some(frame) = frame {
                    crate::eval::finalize::queue_orphan(frame, self.kind, self.qualname());
                }
            }
        }
    }
}
