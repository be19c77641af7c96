//! Lowering: the AST plus scope analysis becomes the evaluator's tree (`eval::ir`), with
//! names as slots, constants as values, comprehensions as nested functions, and the fast
//! flag set on nodes that can be computed without leaving Rust.

use super::scope::{comp_name, Res, ScopeKind, ScopeTable};
use crate::eval::ir::*;
use crate::runtime::intern::intern;
use crate::runtime::str::PyStr;
use crate::runtime::value::Value;
use crate::span::{SourceFile, Span};
use crate::syntax::ast::{self, FuncKind};
use crate::diagnostic::Diagnostic;
use crate::eval::frame::MAX_LOCALS;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

/// Nodes deeper than this are never tried on the fast path (keeps Rust recursion small).
const FAST_HEIGHT: u32 = 40;

fn leak<T>(v: T) -> &'static T {
    Box::leak(Box::new(v))
}

/// Per-code lowering context.
struct Ctx<'t> {
    table: &'t ScopeTable,
    /// Errors found while lowering (a code with too many local slots).
    errors: &'t RefCell<Vec<Diagnostic>>,
    scope: usize,
    source: Rc<SourceFile>,
    slots: HashMap<Rc<str>, u32>,
    cells: HashMap<Rc<str>, u32>,
    varnames: Vec<Rc<PyStr>>,
    qualname: String,
    /// Extra hidden slots (comprehension results).
    hidden: u32,
}

/// Lower a module to its code object.
pub fn lower_module(module: &ast::Module, table: &ScopeTable, source: Rc<SourceFile>) -> Result<&'static Code, Vec<Diagnostic>> {
    lower_module_as(module, table, source, false, FuncKind::Plain)
}

/// Lower a module; `interactive` shows the value of top-level expression statements
/// (the REPL), and `func_kind` is `Coroutine` for REPL input using top-level `await`.
/// A code with more than [`MAX_LOCALS`] local slots is an error (a `SyntaxError`).
pub fn lower_module_as(module: &ast::Module, table: &ScopeTable, source: Rc<SourceFile>, interactive: bool, func_kind: FuncKind) -> Result<&'static Code, Vec<Diagnostic>> {
    let errors = RefCell::new(Vec::new());
    let mut cx = Ctx::new(table, &errors, 0, source.clone(), String::new());
    let mut body = cx.block(&module.body);
    if interactive {
        display_statements(&mut body);
    }
    cx.check_locals("<module>", Span::default());
    if !errors.borrow().is_empty() {
        return Err(errors.take());
    }
    Ok(leak(Code {
        name: intern("<module>"),
        qualname: intern("<module>"),
        source,
        kind: CodeKind::Module,
        func_kind,
        sig: Signature::default(),
        varnames: cx.varnames,
        cellvars: vec![],
        freevars: vec![],
        cell_params: vec![],
        body,
        firstline: 1,
        doc: if interactive { None } else { docstring(&module.body) },
        simple_call: false,
        simple_gen: false,
        plain_return: false,
        hints: Default::default(),
    }))
}

/// Interactive mode: expression statements of the input (in its nested blocks too,
/// but not inside functions or classes) show their value.
fn display_statements(b: &mut Block) {
    for s in b.0.iter_mut() {
        match &mut s.kind {
            StmtKind::Expr(_) => {
                let StmtKind::Expr(e) = std::mem::replace(&mut s.kind, StmtKind::Pass) else { unreachable!() };
                s.kind = StmtKind::Display(e);
            }
            StmtKind::If(_, a, b) | StmtKind::While(_, a, b) => {
                display_statements(a);
                display_statements(b);
            }
            StmtKind::For(f) => {
                display_statements(&mut f.body);
                display_statements(&mut f.orelse);
            }
            StmtKind::Try(t) => {
                display_statements(&mut t.body);
                for h in t.handlers.iter_mut() {
                    display_statements(&mut h.body);
                }
                display_statements(&mut t.orelse);
                display_statements(&mut t.finalbody);
            }
            StmtKind::With(w) => display_statements(&mut w.body),
            _ => {}
        }
    }
}

impl<'t> Ctx<'t> {
    fn new(table: &'t ScopeTable, errors: &'t RefCell<Vec<Diagnostic>>, scope: usize, source: Rc<SourceFile>, qualname: String) -> Ctx<'t> {
        let s = &table.scopes[scope];
        let mut slots = HashMap::new();
        let mut varnames = Vec::new();
        if matches!(s.kind, ScopeKind::Function | ScopeKind::Comprehension) {
            for p in &s.params {
                slots.insert(p.clone(), varnames.len() as u32);
                varnames.push(intern(p));
            }
            for l in s.locals() {
                if !slots.contains_key(&l) {
                    slots.insert(l.clone(), varnames.len() as u32);
                    varnames.push(intern(&l));
                }
            }
        }
        let mut cells = HashMap::new();
        for (i, c) in s.cellvars.iter().chain(&s.freevars).enumerate() {
            cells.entry(c.clone()).or_insert(i as u32);
        }
        Ctx { table, errors, scope, source, slots, cells, varnames, qualname, hidden: 0 }
    }

    /// A frame counts its local slots in a `u16` (`eval::localvec::LocalVec`): a code with
    /// more than [`MAX_LOCALS`] is a `SyntaxError` at `span` (CPython has no such limit;
    /// no real function comes near it).
    fn check_locals(&self, name: &str, span: Span) {
        if self.varnames.len() > MAX_LOCALS {
            let msg = format!("too many local variables in '{name}' ({}; at most {MAX_LOCALS})", self.varnames.len());
            self.errors.borrow_mut().push(Diagnostic::syntax(span, msg));
        }
    }

    fn kind(&self) -> ScopeKind {
        self.table.scopes[self.scope].kind
    }

    fn line(&self, span: Span) -> u32 {
        self.source.line_of(span.start) as u32
    }

    fn res(&self, name: &str) -> Res {
        self.table.scopes[self.scope].resolve(name)
    }

    /// A new hidden local slot (for comprehension results).
    fn hidden_slot(&mut self) -> u32 {
        let slot = self.varnames.len() as u32;
        self.hidden += 1;
        self.varnames.push(intern(&format!(".{}", self.hidden)));
        slot
    }

    fn load(&self, name: &Rc<str>) -> ExprKind {
        match self.res(name) {
            Res::Local => ExprKind::Local(self.slots[name]),
            Res::Cell | Res::Free => ExprKind::Cell(self.cells[name]),
            Res::Global => ExprKind::Global(global(name)),
            Res::Name => {
                if self.kind() == ScopeKind::Module {
                    ExprKind::Global(global(name))
                } else {
                    ExprKind::Name(intern(name))
                }
            }
            Res::ClassDeref => match self.cells.get(name) {
                Some(&c) => ExprKind::ClassDeref(intern(name), c),
                None => ExprKind::Name(intern(name)),
            },
        }
    }

    fn store(&self, name: &Rc<str>) -> Target {
        match self.res(name) {
            Res::Local => Target::Local(self.slots[name]),
            Res::Cell | Res::Free => Target::Cell(self.cells[name]),
            Res::Global => Target::Global(global(name)),
            Res::Name | Res::ClassDeref => {
                if self.kind() == ScopeKind::Module {
                    Target::Global(global(name))
                } else {
                    Target::Name(intern(name))
                }
            }
        }
    }

    fn block(&mut self, b: &[ast::Stmt]) -> Block {
        let mut out = Vec::with_capacity(b.len());
        for s in b {
            self.stmt(s, &mut out);
        }
        Block(out.into_boxed_slice())
    }

    fn stmt(&mut self, s: &ast::Stmt, out: &mut Vec<Stmt>) {
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.stmt_inner(s, out))
    }

    fn stmt_inner(&mut self, s: &ast::Stmt, out: &mut Vec<Stmt>) {
        use ast::StmtKind as S;
        let line = self.line(s.span);
        let kind = match &s.kind {
            S::Expr(e) => StmtKind::Expr(self.expr(e)),
            S::Assign { targets, value } => {
                let v = self.expr(value);
                if targets.len() == 1 {
                    StmtKind::Assign(self.target(&targets[0]), v)
                } else {
                    StmtKind::AssignMany(targets.iter().map(|t| self.target(t)).collect(), v)
                }
            }
            S::AugAssign { target, op, value } => StmtKind::AugAssign(self.target(target), *op, self.expr(value)),
            S::AnnAssign { target, value, .. } => match value {
                Some(v) => StmtKind::Assign(self.target(target), self.expr(v)),
                None => StmtKind::Pass,
            },
            S::Del(ts) => StmtKind::Del(ts.iter().map(|t| self.target(t)).collect()),
            S::Pass | S::Global(_) | S::Nonlocal(_) => StmtKind::Pass,
            S::Break => StmtKind::Break,
            S::Continue => StmtKind::Continue,
            S::Return(v) => StmtKind::Return(v.as_ref().map(|v| self.expr(v))),
            S::Raise { exc, cause } => {
                StmtKind::Raise(exc.as_ref().map(|e| self.expr(e)), cause.as_ref().map(|e| self.expr(e)))
            }
            S::Assert { test, msg } => StmtKind::Assert(self.expr(test), msg.as_ref().map(|m| self.expr(m))),
            S::Import(aliases) => {
                for a in aliases {
                    let (module, bound) = match &a.asname {
                        Some(n) => (a.name.name.clone(), n.name.clone()),
                        None => (Rc::from(a.name.name.split('.').next().unwrap()), Rc::from(a.name.name.split('.').next().unwrap())),
                    };
                    let t = self.store(&bound);
                    out.push(Stmt::new(StmtKind::Import(intern(&module), t), line));
                }
                return;
            }
            S::ImportFrom { module, names } => {
                let items = names
                    .iter()
                    .map(|a| {
                        let bound = a.asname.as_ref().unwrap_or(&a.name);
                        (intern(&a.name.name), self.store(&bound.name))
                    })
                    .collect();
                StmtKind::ImportFrom(intern(&module.name), items)
            }
            S::If { test, body, orelse } => StmtKind::If(self.expr(test), self.block(body), self.block(orelse)),
            S::While { test, body, orelse } => StmtKind::While(self.expr(test), self.block(body), self.block(orelse)),
            S::For { is_async, target, iter, body, orelse } => StmtKind::For(Box::new(ForX {
                iter: self.expr(iter),
                target: self.target(target),
                body: self.block(body),
                orelse: self.block(orelse),
                is_async: *is_async,
                is_iterator: false,
                fused: false,
            })),
            S::Try { body, handlers, orelse, finalbody } => {
                let body = self.block(body);
                let handlers = handlers
                    .iter()
                    .map(|h| HandlerX {
                        typ: h.typ.as_ref().map(|t| self.expr(t)),
                        name: h.name.as_ref().map(|n| self.store(&n.name)),
                        body: self.block(&h.body),
                        line: self.line(h.span),
                    })
                    .collect();
                StmtKind::Try(Box::new(TryX { body, handlers, orelse: self.block(orelse), finalbody: self.block(finalbody) }))
            }
            S::With { is_async, items, body } => {
                // `with a, b: body` is `with a: with b: body`.
                let mut inner = self.block(body);
                for (i, it) in items.iter().enumerate().rev() {
                    let w = WithX {
                        context: self.expr(&it.context),
                        target: it.target.as_ref().map(|t| self.target(t)),
                        body: inner,
                        is_async: *is_async,
                    };
                    let st = Stmt::new(StmtKind::With(Box::new(w)), line);
                    if i == 0 {
                        out.push(st);
                        return;
                    }
                    inner = Block(vec![st].into_boxed_slice());
                }
                return;
            }
            S::FunctionDef(f) => {
                let def = self.function(f);
                StmtKind::FuncDef(def, self.store(&f.name.name))
            }
            S::ClassDef(c) => {
                let def = self.class(c);
                StmtKind::ClassDef(def, self.store(&c.name.name))
            }
        };
        out.push(Stmt::new(kind, line));
    }

    fn child_qualname(&self, name: &str) -> String {
        match self.kind() {
            ScopeKind::Module => name.to_string(),
            ScopeKind::Class => format!("{}.{name}", self.qualname),
            _ => format!("{}.<locals>.{name}", self.qualname),
        }
    }

    fn closure_of(&self, child: usize) -> Box<[CellRef]> {
        self.table.scopes[child]
            .freevars
            .iter()
            .map(|n| CellRef(*self.cells.get(n).expect("free variable has a cell in the parent")))
            .collect()
    }

    fn function(&mut self, f: &Rc<ast::FunctionDef>) -> &'static FuncDefX {
        let scope = self.table.by_node[&(Rc::as_ptr(f) as usize)];
        let p = &f.params;
        let defaults = p.posonly.iter().chain(&p.args).filter_map(|x| x.default.as_ref()).map(|d| self.expr(d)).collect();
        let kwdefaults = p
            .kwonly
            .iter()
            .enumerate()
            .filter_map(|(i, x)| x.default.as_ref().map(|d| (i as u32, d)))
            .map(|(i, d)| (i, self.expr(d)))
            .collect();
        let decorators = f.decorators.iter().map(|d| self.expr(d)).collect();
        let qualname = self.child_qualname(&f.name.name);
        let mut cx = Ctx::new(self.table, self.errors, scope, self.source.clone(), qualname.clone());
        let body = cx.block(&f.body);
        let sig = Signature {
            posonly: p.posonly.len() as u32,
            args: (p.posonly.len() + p.args.len()) as u32,
            kwonly: p.kwonly.len() as u32,
            vararg: p.vararg.is_some(),
            kwarg: p.kwarg.is_some(),
        };
        let doc = if f.is_lambda { None } else { docstring(&f.body) };
        cx.check_locals(&qualname, f.span);
        let code = cx.finish(&f.name.name, qualname, f.kind.get(), sig, body, self.line(f.span), doc);
        leak(FuncDefX { code, defaults, kwdefaults, decorators, closure: self.closure_of(scope) })
    }

    /// Build the code object for this context.
    #[allow(clippy::too_many_arguments)]
    fn finish(self, name: &str, qualname: String, func_kind: FuncKind, sig: Signature, body: Block, firstline: u32, doc: Option<Value>) -> &'static Code {
        let s = &self.table.scopes[self.scope];
        let cell_params = s
            .params
            .iter()
            .enumerate()
            .filter_map(|(i, p)| s.cellvars.iter().position(|c| c == p).map(|c| (i as u32, c as u32)))
            .collect();
        let kind = if s.kind == ScopeKind::Class { CodeKind::Class } else { CodeKind::Function };
        let positional = kind == CodeKind::Function
            && !sig.vararg
            && !sig.kwarg
            && sig.kwonly == 0
            && s.cellvars.is_empty()
            && s.freevars.is_empty();
        let simple_call = positional && func_kind == FuncKind::Plain;
        let simple_gen = positional && func_kind != FuncKind::Plain;
        let plain_return = !body.has_cleanup();
        leak(Code {
            name: intern(name),
            qualname: intern(&qualname),
            source: self.source,
            kind,
            func_kind,
            sig,
            varnames: self.varnames,
            cellvars: s.cellvars.iter().map(|c| intern(c)).collect(),
            freevars: s.freevars.iter().map(|c| intern(c)).collect(),
            cell_params,
            body,
            firstline,
            doc,
            simple_call,
            simple_gen,
            plain_return,
            hints: Default::default(),
        })
    }

    fn class(&mut self, c: &Rc<ast::ClassDef>) -> &'static ClassDefX {
        let scope = self.table.by_node[&(Rc::as_ptr(c) as usize)];
        let mut bases = Vec::new();
        let mut star_bases = Vec::new();
        let mut keywords = Vec::new();
        for a in &c.args {
            match a {
                ast::Arg::Positional(e) => {
                    bases.push(self.expr(e));
                    star_bases.push(false);
                }
                ast::Arg::Star(e) => {
                    bases.push(self.expr(e));
                    star_bases.push(true);
                }
                ast::Arg::Keyword(n, e) => keywords.push((intern(&n.name), self.expr(e))),
                ast::Arg::DoubleStar(e) => keywords.push((intern("**"), self.expr(e))),
            }
        }
        let decorators = c.decorators.iter().map(|d| self.expr(d)).collect();
        let qualname = self.child_qualname(&c.name.name);
        let mut cx = Ctx::new(self.table, self.errors, scope, self.source.clone(), qualname.clone());
        let body = cx.block(&c.body);
        let class_cell = cx.table.scopes[scope].cellvars.iter().position(|n| &**n == "__class__").map(|i| i as u32);
        let doc = docstring(&c.body);
        cx.check_locals(&qualname, c.span);
        let code = cx.finish(&c.name.name, qualname.clone(), FuncKind::Plain, Signature::default(), body, self.line(c.span), doc);
        leak(ClassDefX {
            name: intern(&c.name.name),
            qualname: intern(&qualname),
            bases: bases.into_boxed_slice(),
            star_bases: star_bases.into_boxed_slice(),
            keywords: keywords.into_boxed_slice(),
            decorators,
            body: code,
            closure: self.closure_of(scope),
            class_cell,
        })
    }

    fn comprehension(&mut self, c: &Rc<ast::Comprehension>, span: Span) -> &'static CompX {
        let scope = self.table.by_node[&(Rc::as_ptr(c) as usize)];
        let iter = self.expr(&c.generators[0].iter);
        let name = comp_name(c.kind);
        let qualname = self.child_qualname(name);
        let mut cx = Ctx::new(self.table, self.errors, scope, self.source.clone(), qualname.clone());
        let line = self.line(span);
        let kind = match c.kind {
            ast::CompKind::List => CompKindX::List,
            ast::CompKind::Set => CompKindX::Set,
            ast::CompKind::Dict => CompKindX::Dict,
            ast::CompKind::Gen => CompKindX::Gen,
        };
        let result = (kind != CompKindX::Gen).then(|| cx.hidden_slot());
        // The innermost statement: add the element, or yield it.
        let elt = cx.expr(&c.elt);
        let mut inner = match result {
            Some(slot) => Stmt::new(StmtKind::CompAppend(slot, elt, c.value.as_ref().map(|v| cx.expr(v))), line),
            None => Stmt::new(StmtKind::Expr(Expr { kind: ExprKind::Yield(Some(Box::new(elt))), fast: false, int_tree: false, line }), line),
        };
        for (i, g) in c.generators.iter().enumerate().rev() {
            for cond in g.ifs.iter().rev() {
                let test = cx.expr(cond);
                inner = Stmt::new(StmtKind::If(test, Block(vec![inner].into_boxed_slice()), Block::empty()), line);
            }
            let iter = if i == 0 {
                Expr { kind: ExprKind::Local(0), fast: true, int_tree: false, line }
            } else {
                cx.expr(&g.iter)
            };
            let target = cx.target(&g.target);
            let body = Block(vec![inner].into_boxed_slice());
            let fused = crate::eval::comploop::fusable(&target, &body, g.is_async);
            let fx = ForX { target, iter, body, orelse: Block::empty(), is_async: g.is_async, is_iterator: i == 0, fused };
            inner = Stmt::new(StmtKind::For(Box::new(fx)), line);
        }
        let mut body = Vec::new();
        if let Some(slot) = result {
            let empty = match kind {
                CompKindX::List => ExprKind::List(Box::new([]), false),
                CompKindX::Set => ExprKind::Set(Box::new([]), false),
                _ => ExprKind::Dict(Box::new([])),
            };
            body.push(Stmt::new(StmtKind::Assign(Target::Local(slot), Expr { kind: empty, fast: true, int_tree: false, line }), line));
        }
        body.push(inner);
        if let Some(slot) = result {
            body.push(Stmt::new(StmtKind::Return(Some(Expr { kind: ExprKind::Local(slot), fast: true, int_tree: false, line })), line));
        }
        let is_async = c.generators.iter().any(|g| g.is_async) || contains_await(c);
        let func_kind = match (kind, is_async) {
            (CompKindX::Gen, false) => FuncKind::Generator,
            (CompKindX::Gen, true) => FuncKind::AsyncGenerator,
            (_, false) => FuncKind::Plain,
            (_, true) => FuncKind::Coroutine,
        };
        let sig = Signature { posonly: 0, args: 1, kwonly: 0, vararg: false, kwarg: false };
        cx.check_locals(&qualname, span);
        let code = cx.finish(name, qualname, func_kind, sig, Block(body.into_boxed_slice()), line, None);
        leak(CompX { kind, code, iter, first_async: c.generators[0].is_async, closure: self.closure_of(scope) })
    }

    fn target(&mut self, e: &ast::Expr) -> Target {
        use ast::ExprKind as E;
        match &e.kind {
            E::Name(n) => self.store(n),
            E::Attribute(v, n) => Target::Attr(self.expr(v), intern(n), Box::default()),
            E::Subscript(v, i) => Target::Subscript(self.expr(v), self.expr(i)),
            E::Tuple(items) | E::List(items) => {
                let star = items.iter().position(|i| matches!(i.kind, E::Starred(_))).map(|p| p as u32);
                let ts = items
                    .iter()
                    .map(|i| match &i.kind {
                        E::Starred(v) => self.target(v),
                        _ => self.target(i),
                    })
                    .collect::<Box<[Target]>>();
                let locals = star.is_none() && ts.iter().all(|t| matches!(t, Target::Local(_)));
                Target::Unpack(ts, star, locals)
            }
            E::Starred(v) => self.target(v),
            // Validated by the parser; unreachable for valid trees.
            _ => Target::Name(intern("<invalid>")),
        }
    }

    fn mk(&self, kind: ExprKind, span: Span, fast: bool) -> Expr {
        let int_tree = is_int_tree(&kind);
        Expr { kind, fast, int_tree, line: self.line(span) }
    }

    fn expr(&mut self, e: &ast::Expr) -> Expr {
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || {
            let (x, _) = self.expr_h(e);
            x
        })
    }

    /// Lower an expression; also returns its height (for the fast-path limit).
    fn expr_h(&mut self, e: &ast::Expr) -> (Expr, u32) {
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.expr_inner(e))
    }

    fn expr_inner(&mut self, e: &ast::Expr) -> (Expr, u32) {
        use ast::ExprKind as E;
        let span = e.span;
        let leaf = |me: &Self, k: ExprKind| (me.mk(k, span, true), 1);
        let combine = |me: &Self, k: ExprKind, parts: &[(bool, u32)], pure: bool| {
            let h = parts.iter().map(|p| p.1).max().unwrap_or(0) + 1;
            let fast = pure && h <= FAST_HEIGHT && parts.iter().all(|p| p.0);
            (me.mk(k, span, fast), h)
        };
        match &e.kind {
            E::Name(n) => {
                let k = self.load(n);
                leaf(self, k)
            }
            E::Const(c) => leaf(self, ExprKind::Const(constant(c))),
            E::FString(parts) => {
                let mut info = Vec::new();
                let parts = self.fparts(parts, &mut info);
                combine(self, ExprKind::FString(parts), &info, true)
            }
            E::Unary(op, v) => {
                let (v, h) = self.expr_h(v);
                let info = [(v.fast, h)];
                combine(self, ExprKind::Unary(*op, Box::new(v)), &info, true)
            }
            E::Binary(l, op, r) => {
                let (l, hl) = self.expr_h(l);
                let (r, hr) = self.expr_h(r);
                let info = [(l.fast, hl), (r.fast, hr)];
                combine(self, ExprKind::Binary(Box::new(l), *op, Box::new(r)), &info, true)
            }
            E::BoolOp(op, vs) => {
                let mut info = Vec::new();
                let items: Box<[Expr]> = vs
                    .iter()
                    .map(|v| {
                        let (x, h) = self.expr_h(v);
                        info.push((x.fast, h));
                        x
                    })
                    .collect();
                let k = match op {
                    ast::BoolOp::And => ExprKind::And(items),
                    ast::BoolOp::Or => ExprKind::Or(items),
                };
                combine(self, k, &info, true)
            }
            E::Compare(l, rest) => {
                let (l, h) = self.expr_h(l);
                let mut info = vec![(l.fast, h)];
                let rest: Box<[(ast::CmpOp, Expr)]> = rest
                    .iter()
                    .map(|(op, v)| {
                        let (x, h) = self.expr_h(v);
                        info.push((x.fast, h));
                        (*op, x)
                    })
                    .collect();
                combine(self, ExprKind::Compare(Box::new(l), rest), &info, true)
            }
            E::IfExp { test, body, orelse } => {
                let (t, ht) = self.expr_h(test);
                let (b, hb) = self.expr_h(body);
                let (o, ho) = self.expr_h(orelse);
                let info = [(t.fast, ht), (b.fast, hb), (o.fast, ho)];
                combine(self, ExprKind::IfExp(Box::new((t, b, o))), &info, true)
            }
            E::Lambda(f) => {
                let def = self.function(f);
                (self.mk(ExprKind::Lambda(def), span, false), 1)
            }
            E::NamedExpr(n, v) => {
                let v = self.expr(v);
                let t = self.store(&n.name);
                (self.mk(ExprKind::Named(Box::new((t, v))), span, false), 1)
            }
            E::Call(f, args) => self.call(f, args, span),
            E::Attribute(v, n) => {
                let (v, h) = self.expr_h(v);
                let info = [(v.fast, h)];
                combine(self, ExprKind::Attr(Box::new(v), intern(n), Box::default()), &info, true)
            }
            E::Subscript(v, i) => {
                let (v, hv) = self.expr_h(v);
                let (i, hi) = self.expr_h(i);
                let info = [(v.fast, hv), (i.fast, hi)];
                combine(self, ExprKind::Subscript(Box::new((v, i))), &info, true)
            }
            E::Slice(a, b, c) => {
                let mut info = Vec::new();
                let mut part = |me: &mut Self, x: &Option<Box<ast::Expr>>| {
                    x.as_ref().map(|x| {
                        let (x, h) = me.expr_h(x);
                        info.push((x.fast, h));
                        x
                    })
                };
                let parts = [part(self, a), part(self, b), part(self, c)];
                combine(self, ExprKind::Slice(Box::new(parts)), &info, true)
            }
            E::Tuple(items) | E::List(items) | E::Set(items) => {
                let mut info = Vec::new();
                let mut star = false;
                let xs: Box<[Expr]> = items
                    .iter()
                    .map(|v| {
                        star |= matches!(v.kind, E::Starred(_));
                        let (x, h) = self.expr_h(v);
                        info.push((x.fast, h));
                        x
                    })
                    .collect();
                let k = match &e.kind {
                    E::Tuple(_) => ExprKind::Tuple(xs, star),
                    E::List(_) => ExprKind::List(xs, star),
                    _ => ExprKind::Set(xs, star),
                };
                combine(self, k, &info, !star)
            }
            E::Dict(items) => {
                let mut info = Vec::new();
                let mut star = false;
                let xs = items
                    .iter()
                    .map(|(k, v)| {
                        star |= k.is_none();
                        let k = k.as_ref().map(|k| {
                            let (x, h) = self.expr_h(k);
                            info.push((x.fast, h));
                            x
                        });
                        let (v, h) = self.expr_h(v);
                        info.push((v.fast, h));
                        (k, v)
                    })
                    .collect();
                combine(self, ExprKind::Dict(xs), &info, !star)
            }
            E::Starred(v) => {
                let v = self.expr(v);
                (self.mk(ExprKind::Starred(Box::new(v)), span, false), 1)
            }
            E::Comp(c) => {
                let comp = self.comprehension(c, span);
                (self.mk(ExprKind::Comp(comp), span, false), 1)
            }
            E::Await(v) => {
                let v = self.expr(v);
                (self.mk(ExprKind::Await(Box::new(v)), span, false), 1)
            }
            E::Yield(v) => {
                let v = v.as_ref().map(|v| Box::new(self.expr(v)));
                (self.mk(ExprKind::Yield(v), span, false), 1)
            }
            E::YieldFrom(v) => {
                let v = self.expr(v);
                (self.mk(ExprKind::YieldFrom(Box::new(v)), span, false), 1)
            }
        }
    }

    fn fparts(&mut self, parts: &[ast::FPart], info: &mut Vec<(bool, u32)>) -> Box<[FPartX]> {
        parts
            .iter()
            .flat_map(|p| match p {
                ast::FPart::Text(t) => vec![FPartX::Text(intern(t))],
                ast::FPart::Field(f) => {
                    let (value, h) = self.expr_h(&f.value);
                    info.push((value.fast, h));
                    let spec = f.spec.as_ref().map(|s| self.fparts(s, info));
                    let conv = match (f.conversion, &f.debug, &spec) {
                        (Some(c), _, _) => c as u8,
                        (None, Some(_), None) => b'r',
                        _ => 0,
                    };
                    let field = FPartX::Field { value, conv, spec };
                    match &f.debug {
                        Some(d) => vec![FPartX::Text(intern(d)), field],
                        None => vec![field],
                    }
                }
            })
            .collect()
    }

    fn call(&mut self, f: &ast::Expr, args: &[ast::Arg], span: Span) -> (Expr, u32) {
        use ast::Arg as A;
        let line = self.line(span);
        // Zero-argument super() inside a method: super(__class__, first_argument).
        if let ast::ExprKind::Name(n) = &f.kind {
            if &**n == "super" && args.is_empty() && self.res("super") == Res::Global {
                if let (Some(&cls), Some(first)) = (self.cells.get("__class__"), self.table.scopes[self.scope].params.first()) {
                    let first = first.clone();
                    let self_arg = self.load(&first);
                    let call = CallX {
                        func: Expr { kind: ExprKind::Global(global(n)), fast: true, int_tree: false, line },
                        method: None,
                        args: Box::new([
                            Expr { kind: ExprKind::Cell(cls), fast: true, int_tree: false, line },
                            Expr { kind: self_arg, fast: true, int_tree: false, line },
                        ]),
                        kwnames: Box::new([]),
                        general: None,
                        direct: true,
                        send: false,
                        site: Default::default(),
                    };
                    return (Expr { kind: ExprKind::Call(Box::new(call)), fast: false, int_tree: false, line }, 1);
                }
            }
        }
        let general = args.iter().any(|a| matches!(a, A::Star(_) | A::DoubleStar(_)))
            || args.iter().skip_while(|a| matches!(a, A::Positional(_))).any(|a| matches!(a, A::Positional(_)));
        let (func, method) = match &f.kind {
            ast::ExprKind::Attribute(obj, name) if !general => (self.expr(obj), Some(intern(name))),
            _ => (self.expr(f), None),
        };
        let call = if general {
            // CPython evaluates positional and `*` arguments first, then keywords.
            let ordered = args
                .iter()
                .filter(|a| matches!(a, A::Positional(_) | A::Star(_)))
                .chain(args.iter().filter(|a| matches!(a, A::Keyword(..) | A::DoubleStar(_))));
            let items = ordered
                .map(|a| match a {
                    A::Positional(e) => ArgX::Pos(self.expr(e)),
                    A::Star(e) => ArgX::Star(self.expr(e)),
                    A::Keyword(n, e) => ArgX::Kw(intern(&n.name), self.expr(e)),
                    A::DoubleStar(e) => ArgX::DoubleStar(self.expr(e)),
                })
                .collect();
            CallX { func, method, args: Box::new([]), kwnames: Box::new([]), general: Some(items), direct: false, send: false, site: Default::default() }
        } else {
            let mut vals = Vec::new();
            let mut names = Vec::new();
            for a in args {
                match a {
                    A::Positional(e) => vals.push(self.expr(e)),
                    A::Keyword(n, e) => {
                        vals.push(self.expr(e));
                        names.push(intern(&n.name));
                    }
                    _ => unreachable!(),
                }
            }
            let direct = func.fast && vals.iter().all(|a| a.fast);
            let send = direct && vals.len() == 1 && names.is_empty() && method.as_ref().is_some_and(|m| m.as_str() == "send");
            CallX { func, method, args: vals.into_boxed_slice(), kwnames: names.into_boxed_slice(), general: None, direct, send, site: Default::default() }
        };
        (Expr { kind: ExprKind::Call(Box::new(call)), fast: false, int_tree: false, line }, 1)
    }
}

fn global(name: &str) -> GlobalName {
    GlobalName { name: intern(name), cache: std::cell::Cell::new((u64::MAX, 0, 0)) }
}

/// The runtime value of a literal.
pub fn constant(c: &ast::Constant) -> Value {
    match c {
        ast::Constant::None => Value::None,
        ast::Constant::Bool(b) => Value::Bool(*b),
        ast::Constant::Ellipsis => Value::Ellipsis,
        ast::Constant::Int(i) => Value::Int(*i),
        ast::Constant::BigInt(s) => {
            Value::from_bigint(s.parse::<num_bigint::BigInt>().unwrap_or_default())
        }
        ast::Constant::Float(f) => Value::Float(*f),
        ast::Constant::Str(s) => Value::Str(intern_if_short(s)),
        ast::Constant::Bytes(b) => Value::Bytes(Rc::new(crate::runtime::bytes::PyBytes::new(b.to_vec()))),
    }
}

/// String constants that look like identifiers are interned (as CPython does).
fn intern_if_short(s: &str) -> Rc<PyStr> {
    if s.len() <= 40 && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        intern(s)
    } else {
        Rc::new(PyStr::new(s))
    }
}

fn docstring(body: &[ast::Stmt]) -> Option<Value> {
    match body.first().map(|s| &s.kind) {
        Some(ast::StmtKind::Expr(ast::Expr { kind: ast::ExprKind::Const(ast::Constant::Str(s)), .. })) => {
            Some(Value::str(s))
        }
        _ => None,
    }
}

/// Whether a comprehension awaits (which makes it asynchronous).
fn contains_await(c: &ast::Comprehension) -> bool {
    fn walk(e: &ast::Expr) -> bool {
        use ast::ExprKind as E;
        match &e.kind {
            E::Await(_) => true,
            E::Lambda(_) => false,
            // A nested list/set/dict comprehension that is async makes this one async
            // too (CPython's symtable propagates it); its first iterable is ours.
            E::Comp(inner) => {
                walk(&inner.generators[0].iter)
                    || (inner.kind != ast::CompKind::Gen && (inner.generators.iter().any(|g| g.is_async) || contains_await(inner)))
            }
            E::Unary(_, v) | E::Starred(v) | E::Attribute(v, _) | E::YieldFrom(v) => walk(v),
            E::Binary(l, _, r) | E::Subscript(l, r) => walk(l) || walk(r),
            E::BoolOp(_, vs) | E::Tuple(vs) | E::List(vs) | E::Set(vs) => vs.iter().any(walk),
            E::Compare(l, rest) => walk(l) || rest.iter().any(|(_, v)| walk(v)),
            E::IfExp { test, body, orelse } => walk(test) || walk(body) || walk(orelse),
            E::NamedExpr(_, v) => walk(v),
            E::Call(f, args) => {
                walk(f)
                    || args.iter().any(|a| match a {
                        ast::Arg::Positional(e) | ast::Arg::Star(e) | ast::Arg::Keyword(_, e) | ast::Arg::DoubleStar(e) => walk(e),
                    })
            }
            E::Slice(a, b, c) => [a, b, c].into_iter().flatten().any(|v| walk(v)),
            E::Dict(items) => items.iter().any(|(k, v)| k.as_ref().is_some_and(walk) || walk(v)),
            E::Yield(v) => v.as_ref().is_some_and(|v| walk(v)),
            E::FString(parts) => parts.iter().any(|p| matches!(p, ast::FPart::Field(f) if walk(&f.value))),
            E::Name(_) | E::Const(_) => false,
        }
    }
    walk(&c.elt)
        || c.value.as_ref().is_some_and(walk)
        || c.generators.iter().enumerate().any(|(i, g)| (i > 0 && walk(&g.iter)) || g.ifs.iter().any(walk))
}
