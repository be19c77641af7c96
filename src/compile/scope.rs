//! Scope analysis, as CPython's symtable does it: which names are local, cells, free
//! (closure) or global in every function, class, comprehension and the module, with
//! CPython's errors for misused `global`/`nonlocal`.

use crate::diagnostic::Diagnostic;
use crate::span::Span;
use crate::syntax::ast::*;
use hashbrown::{DefaultHashBuilder, HashMap, HashSet};
use std::rc::Rc;

/// Symbol tables keep CPython's first-occurrence order; hashed with hashbrown's default
/// hasher (foldhash), several times faster than std's SipHash on short names.
type IndexMap<K, V> = indexmap::IndexMap<K, V, DefaultHashBuilder>;

/// The kind of a scope.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScopeKind {
    /// The module.
    Module,
    /// A class body.
    Class,
    /// A function or lambda.
    Function,
    /// A comprehension or generator expression.
    Comprehension,
}

/// How a name is reached in a scope, after analysis.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Res {
    /// A fast local of a function.
    Local,
    /// A local of a function captured by an inner scope.
    Cell,
    /// A variable of an enclosing function.
    Free,
    /// A global (declared, or not bound anywhere enclosing).
    Global,
    /// A name in the class or module namespace.
    Name,
    /// In a class body: a name free in the class (namespace first, then the cell).
    ClassDeref,
}

#[derive(Clone, Copy, Default, Debug)]
struct Flags {
    param: bool,
    bound: bool,
    used: bool,
    global: bool,
    nonlocal: bool,
    /// Where the global/nonlocal declaration was, for errors.
    decl_span: Option<Span>,
    first_bind: Option<Span>,
    first_use: Option<Span>,
    /// The name's resolution, set by `analyze_scope`.
    res: Option<Res>,
}

/// One analysed scope.
#[derive(Debug)]
pub struct Scope {
    /// Its kind.
    pub kind: ScopeKind,
    /// Its name (function or class name).
    pub name: Rc<str>,
    /// Parameters in CPython's `co_varnames` order.
    pub params: Vec<Rc<str>>,
    /// Each name's flags and, after analysis, its resolution (one table: a name is
    /// hashed once per scope).
    symbols: IndexMap<Rc<str>, Flags>,
    /// Names of cells this scope creates, in order.
    pub cellvars: Vec<Rc<str>>,
    /// Names of free variables this scope receives, in order.
    pub freevars: Vec<Rc<str>>,
    /// Child scopes in source order.
    pub children: Vec<usize>,
    /// For classes: whether a method uses `super`/`__class__` (an implicit cell).
    pub needs_class_cell: bool,
    /// For functions directly inside a class: whether `super` or `__class__` is used.
    pub uses_class: bool,
    /// The parent scope.
    pub parent: Option<usize>,
}

impl Scope {
    /// Local variable names (non-parameters) in first-occurrence order.
    pub fn locals(&self) -> Vec<Rc<str>> {
        self.symbols
            .iter()
            .filter(|(_, f)| f.bound && !f.param && matches!(f.res, Some(Res::Local | Res::Cell)))
            .map(|(n, _)| n.clone())
            .collect()
    }

    /// How `name` resolves here.
    pub fn resolve(&self, name: &str) -> Res {
        match self.symbols.get(name).and_then(|f| f.res) {
            Some(r) => r,
            None => match self.kind {
                ScopeKind::Module | ScopeKind::Class => Res::Name,
                _ => Res::Global,
            },
        }
    }
}

/// All scopes of a module, addressed by the AST node that opens each.
pub struct ScopeTable {
    /// Scopes; index 0 is the module.
    pub scopes: Vec<Scope>,
    /// Scope index by AST node address.
    pub by_node: HashMap<usize, usize>,
}

/// Analyse a module. `interactive` keeps module names as namespace lookups (always).
pub fn analyze(module: &Module) -> Result<ScopeTable, Vec<Diagnostic>> {
    let mut b = Builder { scopes: Vec::new(), by_node: HashMap::new(), stack: Vec::new(), errors: Vec::new() };
    let root = b.push(ScopeKind::Module, Rc::from("<module>"), None);
    for s in &module.body {
        b.stmt(s);
    }
    b.pop();
    debug_assert_eq!(root, 0);
    let mut errors = std::mem::take(&mut b.errors);
    let mut table = ScopeTable { scopes: b.scopes, by_node: b.by_node };
    analyze_scope(&mut table, 0, &HashSet::new(), &mut errors);
    if errors.is_empty() { Ok(table) } else { Err(errors) }
}

struct Builder {
    scopes: Vec<Scope>,
    by_node: HashMap<usize, usize>,
    stack: Vec<usize>,
    errors: Vec<Diagnostic>,
}

impl Builder {
    fn push(&mut self, kind: ScopeKind, name: Rc<str>, node: Option<usize>) -> usize {
        let id = self.scopes.len();
        let parent = self.stack.last().copied();
        self.scopes.push(Scope {
            kind,
            name,
            params: Vec::new(),
            // Room for a typical function's names at once (grown from empty, a table is
            // rehashed at 3, 7 and 14 names).
            symbols: IndexMap::with_capacity_and_hasher(if kind == ScopeKind::Comprehension { 4 } else { 8 }, DefaultHashBuilder::default()),
            cellvars: Vec::new(),
            freevars: Vec::new(),
            children: Vec::new(),
            needs_class_cell: false,
            uses_class: false,
            parent,
        });
        if let Some(p) = parent {
            self.scopes[p].children.push(id);
        }
        if let Some(n) = node {
            self.by_node.insert(n, id);
        }
        self.stack.push(id);
        id
    }

    fn pop(&mut self) {
        self.stack.pop();
    }

    fn cur(&mut self) -> &mut Scope {
        let i = *self.stack.last().unwrap();
        &mut self.scopes[i]
    }

    fn err(&mut self, span: Span, msg: String) {
        self.errors.push(Diagnostic::syntax(span, msg));
    }

    fn bind(&mut self, name: &Rc<str>, span: Span) {
        let f = self.cur().symbols.entry(name.clone()).or_default();
        f.bound = true;
        f.first_bind.get_or_insert(span);
    }

    fn use_name(&mut self, name: &Rc<str>, span: Span) {
        let kind = self.cur().kind;
        let f = self.cur().symbols.entry(name.clone()).or_default();
        f.used = true;
        f.first_use.get_or_insert(span);
        if (&**name == "super" || &**name == "__class__") && kind == ScopeKind::Function {
            self.cur().uses_class = true;
        }
    }

    /// The scope a walrus target binds in: the nearest non-comprehension scope.
    fn walrus_bind(&mut self, name: &Rc<str>, span: Span) {
        let mut i = self.stack.len() - 1;
        while self.scopes[self.stack[i]].kind == ScopeKind::Comprehension && i > 0 {
            let id = self.stack[i];
            let f = self.scopes[id].symbols.entry(name.clone()).or_default();
            f.used = true;
            f.nonlocal_walrus(span);
            i -= 1;
        }
        let id = self.stack[i];
        let f = self.scopes[id].symbols.entry(name.clone()).or_default();
        f.bound = true;
        f.first_bind.get_or_insert(span);
    }

    fn target(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Name(n) => self.bind(n, e.span),
            ExprKind::Tuple(items) | ExprKind::List(items) => items.iter().for_each(|i| self.target(i)),
            ExprKind::Starred(v) => self.target(v),
            ExprKind::Attribute(v, _) => self.expr(v),
            ExprKind::Subscript(v, i) => {
                self.expr(v);
                self.expr(i);
            }
            _ => self.expr(e),
        }
    }

    fn block(&mut self, b: &[Stmt]) {
        for s in b {
            self.stmt(s);
        }
    }

    fn declare(&mut self, names: &[Ident], global: bool) {
        for n in names {
            let kind = self.cur().kind;
            let f = self.cur().symbols.get(&n.name).copied().unwrap_or_default();
            let what = if global { "global" } else { "nonlocal" };
            if !global && kind == ScopeKind::Module {
                self.err(n.span, "nonlocal declaration not allowed at module level".into());
                continue;
            }
            if f.param {
                self.err(n.span, format!("name '{}' is parameter and {what}", n.name));
                continue;
            }
            if (global && f.nonlocal) || (!global && f.global) {
                self.err(n.span, format!("name '{}' is nonlocal and global", n.name));
                continue;
            }
            if f.bound && !f.global && !f.nonlocal {
                self.err(n.span, format!("name '{}' is assigned to before {what} declaration", n.name));
                continue;
            }
            if f.used && !f.global && !f.nonlocal {
                self.err(n.span, format!("name '{}' is used prior to {what} declaration", n.name));
                continue;
            }
            let f = self.cur().symbols.entry(n.name.clone()).or_default();
            if global {
                f.global = true;
            } else {
                f.nonlocal = true;
            }
            f.decl_span.get_or_insert(n.span);
        }
    }

    fn stmt(&mut self, s: &Stmt) {
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.stmt_inner(s))
    }

    fn stmt_inner(&mut self, s: &Stmt) {
        match &s.kind {
            StmtKind::Expr(e) => self.expr(e),
            StmtKind::Assign { targets, value } => {
                self.expr(value);
                targets.iter().for_each(|t| self.target(t));
            }
            StmtKind::AugAssign { target, value, .. } => {
                if let ExprKind::Name(n) = &target.kind {
                    self.use_name(n, target.span);
                }
                self.expr(value);
                self.target(target);
            }
            StmtKind::AnnAssign { target, annotation, value } => {
                self.expr(annotation);
                if let Some(v) = value {
                    self.expr(v);
                    self.target(target);
                } else if !matches!(target.kind, ExprKind::Name(_)) {
                    self.target(target);
                } else if let ExprKind::Name(n) = &target.kind {
                    // A bare annotation still makes the name local in a function.
                    self.bind(n, target.span);
                }
            }
            StmtKind::Del(ts) => ts.iter().for_each(|t| self.target(t)),
            StmtKind::Pass | StmtKind::Break | StmtKind::Continue => {}
            StmtKind::Return(v) => {
                if let Some(v) = v {
                    self.expr(v);
                }
            }
            StmtKind::Raise { exc, cause } => {
                exc.iter().chain(cause.as_deref()).for_each(|e| self.expr(e));
            }
            StmtKind::Global(names) => self.declare(names, true),
            StmtKind::Nonlocal(names) => self.declare(names, false),
            StmtKind::Assert { test, msg } => {
                self.expr(test);
                if let Some(m) = msg {
                    self.expr(m);
                }
            }
            StmtKind::Import(aliases) => {
                for a in aliases {
                    let bound = match &a.asname {
                        Some(n) => n.name.clone(),
                        None => Rc::from(a.name.name.split('.').next().unwrap()),
                    };
                    self.bind(&bound, a.name.span);
                }
            }
            StmtKind::ImportFrom { names, .. } => {
                for a in names {
                    let n = a.asname.as_ref().unwrap_or(&a.name);
                    self.bind(&n.name, n.span);
                }
            }
            StmtKind::If { test, body, orelse } | StmtKind::While { test, body, orelse } => {
                self.expr(test);
                self.block(body);
                self.block(orelse);
            }
            StmtKind::For { target, iter, body, orelse, .. } => {
                self.expr(iter);
                self.target(target);
                self.block(body);
                self.block(orelse);
            }
            StmtKind::Try { body, handlers, orelse, finalbody } => {
                self.block(body);
                for h in handlers {
                    if let Some(t) = &h.typ {
                        self.expr(t);
                    }
                    if let Some(n) = &h.name {
                        self.bind(&n.name, n.span);
                    }
                    self.block(&h.body);
                }
                self.block(orelse);
                self.block(finalbody);
            }
            StmtKind::With { items, body, .. } => {
                for it in items {
                    self.expr(&it.context);
                    if let Some(t) = &it.target {
                        self.target(t);
                    }
                }
                self.block(body);
            }
            StmtKind::FunctionDef(f) => {
                f.decorators.iter().for_each(|d| self.expr(d));
                self.function(f);
                self.bind(&f.name.name, f.name.span);
            }
            StmtKind::ClassDef(c) => {
                c.decorators.iter().for_each(|d| self.expr(d));
                for a in &c.args {
                    match a {
                        Arg::Positional(e) | Arg::Star(e) | Arg::Keyword(_, e) | Arg::DoubleStar(e) => self.expr(e),
                    }
                }
                self.push(ScopeKind::Class, c.name.name.clone(), Some(Rc::as_ptr(c) as usize));
                self.block(&c.body);
                self.pop();
                self.bind(&c.name.name, c.name.span);
            }
        }
    }

    fn function(&mut self, f: &Rc<FunctionDef>) {
        let p = &f.params;
        for param in p.posonly.iter().chain(&p.args).chain(&p.kwonly) {
            if let Some(d) = &param.default {
                self.expr(d);
            }
        }
        for param in p.posonly.iter().chain(&p.args).chain(p.vararg.as_deref()).chain(&p.kwonly).chain(p.kwarg.as_deref()) {
            if let Some(a) = &param.annotation {
                self.expr(a);
            }
        }
        if let Some(r) = &f.returns {
            self.expr(r);
        }
        self.push(ScopeKind::Function, f.name.name.clone(), Some(Rc::as_ptr(f) as usize));
        let order = p.posonly.iter().chain(&p.args).chain(&p.kwonly).chain(p.vararg.as_deref()).chain(p.kwarg.as_deref());
        for param in order {
            self.cur().params.push(param.name.name.clone());
            let fl = self.cur().symbols.entry(param.name.name.clone()).or_default();
            fl.param = true;
            fl.bound = true;
        }
        self.block(&f.body);
        self.pop();
    }

    fn expr(&mut self, e: &Expr) {
        // A name or constant (about half of all expressions) recurses no further: no
        // stack check for it.
        match &e.kind {
            ExprKind::Name(n) => self.use_name(n, e.span),
            ExprKind::Const(_) => {}
            _ => stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.expr_inner(e)),
        }
    }

    fn expr_inner(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Name(n) => self.use_name(n, e.span),
            ExprKind::Const(_) => {}
            ExprKind::FString(parts) => self.fparts(parts),
            ExprKind::Unary(_, v) | ExprKind::Starred(v) | ExprKind::Attribute(v, _) | ExprKind::Await(v) | ExprKind::YieldFrom(v) => {
                self.expr(v)
            }
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
                self.expr(v);
                self.walrus_bind(&n.name, n.span);
            }
            ExprKind::Call(f, args) => {
                self.expr(f);
                for a in args {
                    match a {
                        Arg::Positional(e) | Arg::Star(e) | Arg::Keyword(_, e) | Arg::DoubleStar(e) => self.expr(e),
                    }
                }
            }
            ExprKind::Slice(a, b, c) => [a, b, c].into_iter().flatten().for_each(|v| self.expr(v)),
            ExprKind::Dict(items) => {
                for (k, v) in items {
                    if let Some(k) = k {
                        self.expr(k);
                    }
                    self.expr(v);
                }
            }
            ExprKind::Comp(c) => {
                self.expr(&c.generators[0].iter);
                self.push(ScopeKind::Comprehension, Rc::from(comp_name(c.kind)), Some(Rc::as_ptr(c) as usize));
                self.cur().params.push(Rc::from(".0"));
                let fl = self.cur().symbols.entry(Rc::from(".0")).or_default();
                fl.param = true;
                fl.bound = true;
                for (i, g) in c.generators.iter().enumerate() {
                    if i > 0 {
                        self.expr(&g.iter);
                    }
                    self.comp_target(&g.target);
                    g.ifs.iter().for_each(|x| self.expr(x));
                }
                self.expr(&c.elt);
                if let Some(v) = &c.value {
                    self.expr(v);
                }
                self.pop();
            }
            ExprKind::Yield(v) => {
                if let Some(v) = v {
                    self.expr(v);
                }
            }
        }
    }

    fn comp_target(&mut self, e: &Expr) {
        self.target(e);
    }

    fn fparts(&mut self, parts: &[FPart]) {
        for p in parts {
            if let FPart::Field(f) = p {
                self.expr(&f.value);
                if let Some(s) = &f.spec {
                    self.fparts(s);
                }
            }
        }
    }
}

impl Flags {
    fn nonlocal_walrus(&mut self, _span: Span) {
        // A walrus inside a comprehension makes the name free there (bound outside).
        self.used = true;
    }
}

/// The `co_name` of a comprehension's function.
pub fn comp_name(kind: CompKind) -> &'static str {
    match kind {
        CompKind::List => "<listcomp>",
        CompKind::Set => "<setcomp>",
        CompKind::Dict => "<dictcomp>",
        CompKind::Gen => "<genexpr>",
    }
}

/// Resolve names in scope `id` given the names bound by enclosing functions; returns
/// the free variables this scope needs from its parent.
fn analyze_scope(t: &mut ScopeTable, id: usize, bound: &HashSet<Rc<str>>, errors: &mut Vec<Diagnostic>) -> Vec<Rc<str>> {
    let kind = t.scopes[id].kind;
    let is_fn = matches!(kind, ScopeKind::Function | ScopeKind::Comprehension);
    let mut free: Vec<Rc<str>> = Vec::new();
    // Taken out while the children are analysed (they never read it), put back at the end.
    let mut symbols = std::mem::take(&mut t.scopes[id].symbols);
    for (name, f) in symbols.iter_mut() {
        let r = if f.global {
            Res::Global
        } else if f.nonlocal {
            if !bound.contains(name) {
                errors.push(Diagnostic::syntax(f.decl_span.unwrap_or_default(), format!("no binding for nonlocal '{name}' found")));
            }
            free.push(name.clone());
            Res::Free
        } else if f.bound {
            if is_fn { Res::Local } else { Res::Name }
        } else if bound.contains(name) && kind != ScopeKind::Module {
            free.push(name.clone());
            if kind == ScopeKind::Class { Res::ClassDeref } else { Res::Free }
        } else if is_fn {
            Res::Global
        } else {
            Res::Name
        };
        f.res = Some(r);
    }
    // Names visible to children as enclosing-function bindings: built only when there
    // are children (most functions have none).
    let children = std::mem::take(&mut t.scopes[id].children);
    let mut child_bound = HashSet::new();
    if !children.is_empty() {
        child_bound = bound.clone();
        if is_fn {
            for (name, f) in &symbols {
                if matches!(f.res, Some(Res::Local)) {
                    child_bound.insert(name.clone());
                }
            }
            for name in &free {
                child_bound.insert(name.clone());
            }
        }
        if kind == ScopeKind::Class {
            // Methods see the implicit `__class__` cell.
            child_bound.insert(Rc::from("__class__"));
        }
    }
    let mut cells: Vec<Rc<str>> = Vec::new();
    for &c in &children {
        let child_free = analyze_scope(t, c, &child_bound, errors);
        for name in child_free {
            if kind == ScopeKind::Class && &*name == "__class__" {
                t.scopes[id].needs_class_cell = true;
                if !cells.contains(&name) {
                    cells.push(name);
                }
                continue;
            }
            let res = symbols.get(&name).and_then(|f| f.res);
            match res {
                Some(Res::Local) if is_fn => {
                    symbols.entry(name.clone()).or_default().res = Some(Res::Cell);
                    if !cells.contains(&name) {
                        cells.push(name);
                    }
                }
                Some(Res::Cell) => {}
                Some(Res::Free) | Some(Res::ClassDeref) => {}
                _ => {
                    // Passes through this scope: free here too.
                    if !free.contains(&name) {
                        free.push(name.clone());
                    }
                    if kind == ScopeKind::Class {
                        // Bound in the class is invisible to children: keep the class's own view.
                        if res.is_none() {
                            symbols.entry(name.clone()).or_default().res = Some(Res::ClassDeref);
                        }
                    } else if !matches!(res, Some(Res::Local | Res::Cell)) {
                        symbols.entry(name.clone()).or_default().res = Some(Res::Free);
                    }
                }
            }
        }
    }
    // A method using super()/__class__ receives the class cell.
    if t.scopes[id].uses_class {
        if let Some(p) = t.scopes[id].parent {
            if t.scopes[p].kind == ScopeKind::Class && !free.iter().any(|n| &**n == "__class__") {
                free.push(Rc::from("__class__"));
                symbols.entry(Rc::from("__class__")).or_default().res = Some(Res::Free);
            }
        }
    }
    // Cells first in parameter order, then others, as CPython orders co_cellvars.
    let s = &mut t.scopes[id];
    let mut ordered: Vec<Rc<str>> = s.params.iter().filter(|p| cells.contains(p)).cloned().collect();
    for c in cells {
        if !ordered.contains(&c) {
            ordered.push(c);
        }
    }
    s.symbols = symbols;
    s.children = children;
    s.cellvars = ordered;
    s.freevars = free.clone();
    free
}
