//! The validation pass: placement rules CPython's compiler enforces (`return`, `yield`,
//! `await`, `break`, `continue`, `async for/with`, starred expressions, nesting limits),
//! and marking each function as plain, generator, coroutine or async generator.

use super::ast::*;
use crate::diagnostic::Diagnostic;
use crate::span::Span;

/// CPython's limit on statically nested blocks (`CO_MAXBLOCKS`).
const MAX_BLOCKS: usize = 20;

/// Options for validation.
#[derive(Clone, Copy, Debug, Default)]
pub struct ValidateOptions {
    /// Allow `await`, `async for` and `async with` at module level (the REPL).
    pub top_level_await: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Scope {
    Module,
    Class,
    Function { is_async: bool, is_lambda: bool },
}

struct FuncInfo {
    has_yield: bool,
    return_value: Option<Span>,
}

struct Validator {
    opts: ValidateOptions,
    errors: Vec<Diagnostic>,
    scope: Scope,
    in_loop: bool,
    blocks: usize,
    /// The comprehension kind we are directly inside, if any.
    comp: Option<CompKind>,
    /// Names bound by the `for` targets of the comprehensions we are inside.
    comp_vars: Vec<std::rc::Rc<str>>,
    /// Inside a comprehension's iterable expression (a walrus is not allowed there).
    comp_iter: usize,
    funcs: Vec<FuncInfo>,
}

/// Check placement rules on a parsed module and mark function kinds. Returns the errors
/// in the order found (the first is CPython's).
pub fn validate(module: &Module, opts: ValidateOptions) -> Result<(), Vec<Diagnostic>> {
    let mut v = Validator {
        opts,
        errors: Vec::new(),
        scope: Scope::Module,
        in_loop: false,
        blocks: 0,
        comp: None,
        comp_vars: Vec::new(),
        comp_iter: 0,
        funcs: Vec::new(),
    };
    v.block(&module.body);
    if v.errors.is_empty() { Ok(()) } else { Err(v.errors) }
}

impl Validator {
    fn err(&mut self, span: Span, msg: impl Into<String>) {
        self.errors.push(Diagnostic::syntax(span, msg));
    }

    fn async_ok(&self) -> bool {
        match self.scope {
            Scope::Function { is_async, .. } => is_async,
            Scope::Module => self.opts.top_level_await,
            Scope::Class => false,
        }
    }

    fn block(&mut self, body: &[Stmt]) {
        for s in body {
            self.stmt(s);
        }
    }

    fn nested_block(&mut self, body: &[Stmt], span: Span) {
        self.blocks += 1;
        if self.blocks > MAX_BLOCKS {
            self.err(span, "too many statically nested blocks");
        } else {
            self.block(body);
        }
        self.blocks -= 1;
    }

    fn loop_body(&mut self, body: &[Stmt], span: Span) {
        let saved = std::mem::replace(&mut self.in_loop, true);
        self.nested_block(body, span);
        self.in_loop = saved;
    }

    /// A store target: `__debug__` cannot be assigned.
    fn store(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Name(n) if &**n == "__debug__" => self.err(e.span, "cannot assign to __debug__"),
            ExprKind::Tuple(items) | ExprKind::List(items) => items.iter().for_each(|i| self.store(i)),
            ExprKind::Starred(v) => self.store(v),
            _ => {}
        }
    }

    fn no_star(&mut self, e: &Expr) {
        if let ExprKind::Starred(_) = e.kind {
            self.err(e.span, "can't use starred expression here");
        }
    }

    fn stmt(&mut self, s: &Stmt) {
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.stmt_inner(s))
    }

    fn stmt_inner(&mut self, s: &Stmt) {
        match &s.kind {
            StmtKind::Expr(e) => {
                self.no_star(e);
                self.expr(e);
            }
            StmtKind::Assign { targets, value } => {
                for t in targets {
                    self.store(t);
                    self.expr(t);
                }
                self.no_star(value);
                self.expr(value);
            }
            StmtKind::AugAssign { target, value, .. } => {
                self.store(target);
                self.expr(target);
                self.expr(value);
            }
            StmtKind::AnnAssign { target, annotation, value } => {
                self.store(target);
                self.expr(target);
                self.expr(annotation);
                if let Some(v) = value {
                    self.expr(v);
                }
            }
            StmtKind::Del(ts) => ts.iter().for_each(|t| self.expr(t)),
            StmtKind::Pass | StmtKind::Global(_) | StmtKind::Nonlocal(_) | StmtKind::Import(_) => {}
            StmtKind::ImportFrom { names, .. } => {
                if names.is_empty() && self.scope != Scope::Module {
                    self.err(s.span, "import * only allowed at module level");
                }
            }
            StmtKind::Break => {
                if !self.in_loop {
                    self.err(s.span, "'break' outside loop");
                }
            }
            StmtKind::Continue => {
                if !self.in_loop {
                    self.err(s.span, "'continue' not properly in loop");
                }
            }
            StmtKind::Return(v) => {
                if !matches!(self.scope, Scope::Function { .. }) {
                    self.err(s.span, "'return' outside function");
                }
                if let Some(v) = v {
                    if let Some(f) = self.funcs.last_mut() {
                        f.return_value.get_or_insert(s.span);
                    }
                    self.no_star(v);
                    self.expr(v);
                }
            }
            StmtKind::Raise { exc, cause } => {
                for e in exc.iter().chain(cause.as_deref()) {
                    self.expr(e);
                }
            }
            StmtKind::Assert { test, msg } => {
                self.expr(test);
                if let Some(m) = msg {
                    self.expr(m);
                }
            }
            StmtKind::If { test, body, orelse } => {
                self.expr(test);
                self.block(body);
                self.block(orelse);
            }
            StmtKind::While { test, body, orelse } => {
                self.expr(test);
                self.loop_body(body, s.span);
                self.block(orelse);
            }
            StmtKind::For { is_async, target, iter, body, orelse } => {
                if *is_async && !self.async_ok() {
                    self.err(s.span, "'async for' outside async function");
                }
                self.store(target);
                self.expr(target);
                self.no_star(iter);
                self.expr(iter);
                self.loop_body(body, s.span);
                self.block(orelse);
            }
            StmtKind::Try { body, handlers, orelse, finalbody } => {
                self.nested_block(body, s.span);
                for h in handlers.iter().take(handlers.len().saturating_sub(1)) {
                    if h.typ.is_none() {
                        self.err(h.span, "default 'except:' must be last");
                    }
                }
                for h in handlers {
                    if let Some(t) = &h.typ {
                        self.expr(t);
                    }
                    self.nested_block(&h.body, h.span);
                }
                self.block(orelse);
                self.nested_block(finalbody, s.span);
            }
            StmtKind::With { is_async, items, body } => {
                if *is_async && !self.async_ok() {
                    self.err(s.span, "'async with' outside async function");
                }
                for it in items {
                    self.expr(&it.context);
                    if let Some(t) = &it.target {
                        self.store(t);
                        self.expr(t);
                    }
                }
                self.nested_block(body, s.span);
            }
            StmtKind::FunctionDef(f) => self.function(f),
            StmtKind::ClassDef(c) => {
                for d in &c.decorators {
                    self.expr(d);
                }
                for a in &c.args {
                    self.arg(a);
                }
                let saved = (self.scope, self.in_loop, self.blocks, self.comp);
                let comp_saved = (std::mem::take(&mut self.comp_vars), std::mem::take(&mut self.comp_iter));
                self.scope = Scope::Class;
                self.in_loop = false;
                self.blocks = 0;
                self.comp = None;
                self.block(&c.body);
                (self.scope, self.in_loop, self.blocks, self.comp) = saved;
                (self.comp_vars, self.comp_iter) = comp_saved;
            }
        }
    }

    fn params(&mut self, p: &Params) {
        let all = p.posonly.iter().chain(&p.args).chain(p.vararg.as_deref()).chain(&p.kwonly).chain(p.kwarg.as_deref());
        let mut seen: Vec<&str> = Vec::new();
        for param in all {
            if seen.contains(&&*param.name.name) {
                self.err(param.name.span, format!("duplicate argument '{}' in function definition", param.name.name));
            }
            seen.push(&param.name.name);
        }
        for param in p.posonly.iter().chain(&p.args).chain(&p.kwonly) {
            if let Some(d) = &param.default {
                self.expr(d);
            }
        }
    }

    fn function(&mut self, f: &FunctionDef) {
        for d in &f.decorators {
            self.expr(d);
        }
        self.params(&f.params);
        let saved = (self.scope, self.in_loop, self.blocks, self.comp);
        let comp_saved = (std::mem::take(&mut self.comp_vars), std::mem::take(&mut self.comp_iter));
        self.scope = Scope::Function { is_async: f.is_async, is_lambda: f.is_lambda };
        self.in_loop = false;
        self.blocks = 0;
        self.comp = None;
        self.funcs.push(FuncInfo { has_yield: false, return_value: None });
        self.block(&f.body);
        let info = self.funcs.pop().unwrap();
        (self.scope, self.in_loop, self.blocks, self.comp) = saved;
        (self.comp_vars, self.comp_iter) = comp_saved;
        let kind = match (f.is_async, info.has_yield) {
            (false, false) => FuncKind::Plain,
            (false, true) => FuncKind::Generator,
            (true, false) => FuncKind::Coroutine,
            (true, true) => FuncKind::AsyncGenerator,
        };
        if kind == FuncKind::AsyncGenerator && !f.is_lambda {
            if let Some(span) = info.return_value {
                self.err(span, "'return' with value in async generator");
            }
        }
        f.kind.set(kind);
    }

    fn arg(&mut self, a: &Arg) {
        match a {
            Arg::Positional(e) | Arg::Star(e) | Arg::Keyword(_, e) | Arg::DoubleStar(e) => self.expr(e),
        }
    }

    fn yield_here(&mut self, span: Span, from: bool) {
        if let Some(kind) = self.comp {
            let what = match kind {
                CompKind::List => "list comprehension",
                CompKind::Set => "set comprehension",
                CompKind::Dict => "dict comprehension",
                CompKind::Gen => "generator expression",
            };
            self.err(span, format!("'yield' inside {what}"));
            return;
        }
        match self.scope {
            Scope::Function { is_async, .. } => {
                if from && is_async {
                    self.err(span, "'yield from' inside async function");
                }
                if let Some(f) = self.funcs.last_mut() {
                    f.has_yield = true;
                }
            }
            _ => self.err(span, "'yield' outside function"),
        }
    }

    fn expr(&mut self, e: &Expr) {
        // A name or constant (about half of all expressions) checks nothing and
        // recurses no further: no stack check for it.
        if let ExprKind::Name(_) | ExprKind::Const(_) = e.kind {
            return;
        }
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.expr_inner(e))
    }

    fn expr_inner(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Name(_) | ExprKind::Const(_) => {}
            ExprKind::FString(parts) => self.fparts(parts),
            ExprKind::Unary(_, v) | ExprKind::Starred(v) | ExprKind::Attribute(v, _) => self.expr(v),
            ExprKind::Binary(l, _, r) | ExprKind::Subscript(l, r) => {
                self.expr(l);
                self.expr(r);
            }
            ExprKind::BoolOp(_, vs) | ExprKind::Tuple(vs) | ExprKind::List(vs) | ExprKind::Set(vs) => {
                vs.iter().for_each(|v| self.expr(v))
            }
            ExprKind::Compare(l, rest) => {
                self.expr(l);
                rest.iter().for_each(|(_, v)| self.expr(v));
            }
            ExprKind::IfExp { test, body, orelse } => {
                self.expr(test);
                self.expr(body);
                self.expr(orelse);
            }
            ExprKind::Lambda(f) => self.function(f),
            ExprKind::NamedExpr(n, v) => {
                if &*n.name == "__debug__" {
                    self.err(n.span, "cannot assign to __debug__");
                } else if self.comp_iter > 0 {
                    self.err(e.span, "assignment expression cannot be used in a comprehension iterable expression");
                } else if self.comp.is_some() && self.comp_vars.contains(&n.name) {
                    self.err(n.span, format!("assignment expression cannot rebind comprehension iteration variable '{}'", n.name));
                }
                self.expr(v)
            }
            ExprKind::Call(f, args) => {
                self.expr(f);
                for a in args {
                    self.arg(a);
                }
                let mut kw_seen: Vec<&str> = Vec::new();
                let mut seen_kw = false;
                let mut seen_dstar = false;
                for a in args {
                    match a {
                        Arg::Positional(p) => {
                            if seen_dstar {
                                self.err(p.span, "positional argument follows keyword argument unpacking");
                            } else if seen_kw {
                                self.err(p.span, "positional argument follows keyword argument");
                            }
                        }
                        Arg::Star(s) => {
                            if seen_dstar {
                                self.err(s.span, "iterable argument unpacking follows keyword argument unpacking");
                            }
                        }
                        Arg::Keyword(n, _) => {
                            seen_kw = true;
                            if kw_seen.contains(&&*n.name) {
                                self.err(n.span, format!("keyword argument repeated: {}", n.name));
                            }
                            kw_seen.push(&n.name);
                        }
                        Arg::DoubleStar(_) => seen_dstar = true,
                    }
                }
            }
            ExprKind::Slice(a, b, c) => {
                for v in [a, b, c].into_iter().flatten() {
                    self.expr(v);
                }
            }
            ExprKind::Dict(items) => {
                for (k, v) in items {
                    if let Some(k) = k {
                        self.expr(k);
                    }
                    self.expr(v);
                }
            }
            ExprKind::Comp(c) => self.comprehension(c, e.span),
            ExprKind::Await(v) => {
                if !self.async_ok() && !(self.comp == Some(CompKind::Gen) && matches!(self.scope, Scope::Function { .. })) {
                    let msg = match self.scope {
                        Scope::Function { .. } => "'await' outside async function",
                        _ => "'await' outside function",
                    };
                    if self.comp.is_some() && matches!(self.scope, Scope::Function { .. }) {
                        self.err(e.span, "asynchronous comprehension outside of an asynchronous function");
                    } else {
                        self.err(e.span, msg);
                    }
                }
                self.expr(v);
            }
            ExprKind::Yield(v) => {
                self.yield_here(e.span, false);
                if let Some(v) = v {
                    self.expr(v);
                }
            }
            ExprKind::YieldFrom(v) => {
                self.yield_here(e.span, true);
                self.expr(v);
            }
        }
    }

    fn fparts(&mut self, parts: &[FPart]) {
        for p in parts {
            if let FPart::Field(f) = p {
                self.expr(&f.value);
                if let Some(spec) = &f.spec {
                    self.fparts(spec);
                }
            }
        }
    }

    fn comprehension(&mut self, c: &Comprehension, span: Span) {
        // The first iterable is evaluated in the enclosing scope.
        if let Some(first) = c.generators.first() {
            self.comp_iter += 1;
            self.expr(&first.iter);
            self.comp_iter -= 1;
        }
        let vars_mark = self.comp_vars.len();
        for g in &c.generators {
            collect_names(&g.target, &mut self.comp_vars);
        }
        let saved = self.comp;
        self.comp = Some(c.kind);
        let is_async = c.generators.iter().any(|g| g.is_async);
        if is_async && c.kind != CompKind::Gen && !self.async_ok() {
            self.err(span, "asynchronous comprehension outside of an asynchronous function");
        }
        for (i, g) in c.generators.iter().enumerate() {
            self.store(&g.target);
            self.expr(&g.target);
            if i > 0 {
                self.comp_iter += 1;
                self.expr(&g.iter);
                self.comp_iter -= 1;
            }
            for cond in &g.ifs {
                self.expr(cond);
            }
        }
        self.expr(&c.elt);
        if let Some(v) = &c.value {
            self.expr(v);
        }
        self.comp_vars.truncate(vars_mark);
        self.comp = saved;
    }
}


/// The names a target binds.
fn collect_names(e: &Expr, out: &mut Vec<std::rc::Rc<str>>) {
    match &e.kind {
        ExprKind::Name(n) => out.push(n.clone()),
        ExprKind::Tuple(items) | ExprKind::List(items) => items.iter().for_each(|i| collect_names(i, out)),
        ExprKind::Starred(v) => collect_names(v, out),
        _ => {}
    }
}
