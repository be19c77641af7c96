//! The evaluator's tree: the AST after name resolution, with every name turned into a
//! slot (local, cell or global), constants turned into values, and common shapes marked
//! for the fast path. It is built once, leaked (it lives as long as the process, as a
//! module's code does in CPython) and shared by every frame that runs it, so steps can
//! point into it with plain `&'static` references.

use crate::runtime::str::PyStr;
use crate::runtime::value::Value;
use crate::span::SourceFile;
use crate::syntax::ast::{BinOp, CmpOp, FuncKind, UnaryOp};
use std::cell::Cell;
use std::rc::Rc;

/// What kind of code object this is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeKind {
    /// A module body (names are globals).
    Module,
    /// A class body (names live in the class namespace).
    Class,
    /// A function, lambda or comprehension.
    Function,
}

/// The parameter layout of a function.
#[derive(Clone, Debug, Default)]
pub struct Signature {
    /// Number of positional-only parameters.
    pub posonly: u32,
    /// Number of positional parameters (including positional-only).
    pub args: u32,
    /// Number of keyword-only parameters.
    pub kwonly: u32,
    /// Whether there is `*args` (its slot follows the keyword-only ones).
    pub vararg: bool,
    /// Whether there is `**kwargs` (its slot follows `*args`).
    pub kwarg: bool,
}

impl Signature {
    /// Number of parameter slots.
    pub fn slots(&self) -> u32 {
        self.args + self.kwonly + self.vararg as u32 + self.kwarg as u32
    }
}

/// A compiled body: module, class body, function or comprehension. 128-byte aligned
/// (codes are few and live for the whole run), so a generator's word that points to its
/// code has seven low bits for its kind and flags (`runtime::generator::CodeNames`).
#[repr(align(128))]
pub struct Code {
    /// `co_name`.
    pub name: Rc<PyStr>,
    /// `__qualname__` of functions defined by this code.
    pub qualname: Rc<PyStr>,
    /// The source it came from (file name for tracebacks, lines for `f_lineno`).
    pub source: Rc<SourceFile>,
    /// Module, class body or function.
    pub kind: CodeKind,
    /// Plain function, generator, coroutine or async generator.
    pub func_kind: FuncKind,
    /// Parameters (for functions).
    pub sig: Signature,
    /// Names of the local slots: parameters first, in CPython's `co_varnames` order.
    pub varnames: Vec<Rc<PyStr>>,
    /// Names of cells created by this frame (variables captured by inner functions).
    pub cellvars: Vec<Rc<PyStr>>,
    /// Names of cells received from the enclosing function.
    pub freevars: Vec<Rc<PyStr>>,
    /// Parameters that are also cells: (local slot, cell index), copied in at entry.
    pub cell_params: Vec<(u32, u32)>,
    /// The body.
    pub body: Block,
    /// The line of the `def` (or 1 for modules).
    pub firstline: u32,
    /// The docstring, if the body starts with one.
    pub doc: Option<Value>,
    /// A plain function with only positional parameters and no cells: a call with
    /// exactly `sig.args` positional arguments just moves them into the locals.
    pub simple_call: bool,
    /// A generator, coroutine or async generator function with only positional
    /// parameters and no cells: a call with exactly `sig.args` positional arguments
    /// makes its parked frame with the arguments moved into the locals, with no
    /// argument binding (`call::parked_frame`).
    pub simple_gen: bool,
    /// The body has no `try` or `with` statement (outside nested definitions), so a
    /// `return` has no `finally` block, `__exit__` call or handled exception to run
    /// or restore on its way out: it just ends the frame.
    pub plain_return: bool,
    /// Value-stack and work-stack room for new generator frames of this code, learnt
    /// from earlier ones (`eval::framebuf::Hints`).
    pub hints: super::framebuf::Hints,
}

impl Code {
    /// Number of local slots.
    pub fn nlocals(&self) -> usize {
        self.varnames.len()
    }

    /// Number of cells a frame of this code holds (own cells then free ones).
    pub fn ncells(&self) -> usize {
        self.cellvars.len() + self.freevars.len()
    }
}

/// A sequence of statements.
pub struct Block(pub Box<[Stmt]>);

impl Block {
    /// Whether a `try` or `with` statement occurs in this block or the blocks nested
    /// in its statements (not in nested function or class bodies).
    pub fn has_cleanup(&self) -> bool {
        // An explicit work list: statement nesting can be deep.
        let mut todo: Vec<&Block> = vec![self];
        while let Some(b) = todo.pop() {
            for s in b.0.iter() {
                match &s.kind {
                    StmtKind::Try(_) | StmtKind::With(_) => return true,
                    StmtKind::If(_, body, orelse) | StmtKind::While(_, body, orelse) => {
                        todo.push(body);
                        todo.push(orelse);
                    }
                    StmtKind::For(fx) => {
                        todo.push(&fx.body);
                        todo.push(&fx.orelse);
                    }
                    _ => {}
                }
            }
        }
        false
    }

    /// An empty block.
    pub fn empty() -> Block {
        Block(Box::new([]))
    }

    /// Whether there are no statements.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A statement with its line.
pub struct Stmt {
    /// What to do.
    pub kind: StmtKind,
    /// 1-based source line (for tracebacks).
    pub line: u32,
    /// An `if` or `while` whose test has a shape the statement code computes in place
    /// when its values allow (`eval::exec`'s `quick_test`; [`test_atom`] lists them):
    /// small-int comparisons, `is None`, `a[i]`, a local, `not` / `and` / `or` of these.
    /// Also set for `x = e` and `x op= e` of a local `x` whose value `e` is an
    /// [`Expr::int_tree`]: those too start from `eval::exec`'s `quick_stmt`, computed in
    /// place when they are small ints (`x += 1` stays in `exec`, which does it inline).
    pub quick_test: bool,
}

impl Stmt {
    /// A statement of `kind` at `line`, its flags decided from its shape.
    pub fn new(kind: StmtKind, line: u32) -> Stmt {
        let quick_test = match &kind {
            StmtKind::If(t, ..) | StmtKind::While(t, ..) => test_shape(t),
            StmtKind::Assign(Target::Local(_), e) => e.int_tree,
            StmtKind::AugAssign(Target::Local(_), _, e) => e.int_tree,
            _ => false,
        };
        Stmt { kind, line, quick_test }
    }
}

/// Whether a test is one of the shapes of [`Stmt::quick_test`]: a test atom, `not` of
/// one, or `and`/`or` of them.
fn test_shape(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Unary(UnaryOp::Not, x) => test_atom(x),
        ExprKind::And(items) | ExprKind::Or(items) => items.iter().all(test_atom),
        _ => test_atom(e),
    }
}

/// A test atom (`eval::exec`'s `quick_atom`): a comparison of two small-int operands
/// (a local, a constant, or a binary operator on two of them), `x is None` or
/// `x is not None` of a local or constant, `a[i]` of a local at a local or constant
/// index, a local or constant alone, or a binary operator on two locals/constants.
fn test_atom(e: &Expr) -> bool {
    let simple = |e: &Expr| matches!(e.kind, ExprKind::Local(_) | ExprKind::Const(_));
    let operand = |e: &Expr| match &e.kind {
        ExprKind::Binary(l, _, r) => simple(l) && simple(r),
        _ => simple(e),
    };
    match &e.kind {
        ExprKind::Compare(l, rest) if rest.len() == 1 => match rest[0].0 {
            CmpOp::Is | CmpOp::IsNot => simple(l) && matches!(rest[0].1.kind, ExprKind::Const(Value::None)),
            CmpOp::In | CmpOp::NotIn => false,
            _ => operand(l) && operand(&rest[0].1),
        },
        ExprKind::Subscript(b) => matches!(b.0.kind, ExprKind::Local(_)) && simple(&b.1),
        ExprKind::Binary(..) => operand(e),
        _ => simple(e),
    }
}

/// Statement kinds.
pub enum StmtKind {
    /// Evaluate and discard.
    Expr(Expr),
    /// `target = value`.
    Assign(Target, Expr),
    /// `a = b = value` (targets stored left to right).
    AssignMany(Box<[Target]>, Expr),
    /// `target op= value`.
    AugAssign(Target, BinOp, Expr),
    /// `del targets`.
    Del(Box<[Target]>),
    /// `pass` (and statements with no runtime effect).
    Pass,
    /// `break`.
    Break,
    /// `continue`.
    Continue,
    /// `return [value]`.
    Return(Option<Expr>),
    /// `raise [exc [from cause]]`.
    Raise(Option<Expr>, Option<Expr>),
    /// `assert test[, msg]`.
    Assert(Expr, Option<Expr>),
    /// `if test: body else: orelse`.
    If(Expr, Block, Block),
    /// `while test: body else: orelse`.
    While(Expr, Block, Block),
    /// `[async] for`.
    For(Box<ForX>),
    /// `try`.
    Try(Box<TryX>),
    /// `[async] with` (one item; several items nest).
    With(Box<WithX>),
    /// `def`: build the function and store it.
    FuncDef(&'static FuncDefX, Target),
    /// `class`: run the body, build the class and store it.
    ClassDef(&'static ClassDefX, Target),
    /// `import module [as name]`.
    Import(Rc<PyStr>, Target),
    /// `from module import a as b, ...` (empty list: `*`).
    ImportFrom(Rc<PyStr>, Box<[(Rc<PyStr>, Target)]>),
    /// Inside a comprehension: add an element (or key and value) to the collection in
    /// the local slot.
    CompAppend(u32, Expr, Option<Expr>),
    /// An expression statement typed at the REPL: show its `repr` unless None, bind `_`.
    Display(Expr),
}

/// A `for` loop.
pub struct ForX {
    /// Loop target.
    pub target: Target,
    /// The iterable.
    pub iter: Expr,
    /// Body.
    pub body: Block,
    /// `else` block.
    pub orelse: Block,
    /// `async for`.
    pub is_async: bool,
    /// The iterable is already an iterator (a comprehension's `.0`): no `iter()` call.
    pub is_iterator: bool,
    /// A comprehension's loop that `eval::comploop` runs as one Rust loop
    /// (`comploop::fusable`).
    pub fused: bool,
}

/// One `except` clause.
pub struct HandlerX {
    /// The type(s) to match; `None` for bare `except:`.
    pub typ: Option<Expr>,
    /// Where the exception is bound (`as name`).
    pub name: Option<Target>,
    /// The handler body.
    pub body: Block,
    /// Line of the `except`.
    pub line: u32,
}

/// A `try` statement.
pub struct TryX {
    /// The protected block.
    pub body: Block,
    /// `except` clauses.
    pub handlers: Box<[HandlerX]>,
    /// `else` block.
    pub orelse: Block,
    /// `finally` block.
    pub finalbody: Block,
}

/// A `with` statement with one context manager.
pub struct WithX {
    /// The context manager expression.
    pub context: Expr,
    /// `as` target.
    pub target: Option<Target>,
    /// Body.
    pub body: Block,
    /// `async with`.
    pub is_async: bool,
}

/// Where a free variable's cell comes from when a function is created.
#[derive(Clone, Copy, Debug)]
pub struct CellRef(pub u32);

/// A `def` or `lambda`.
pub struct FuncDefX {
    /// The function body.
    pub code: &'static Code,
    /// Default values of trailing positional parameters.
    pub defaults: Box<[Expr]>,
    /// Defaults of keyword-only parameters: (index among keyword-only, value).
    pub kwdefaults: Box<[(u32, Expr)]>,
    /// Decorators, outermost first.
    pub decorators: Box<[Expr]>,
    /// For each of `code.freevars`: the cell index in the defining frame.
    pub closure: Box<[CellRef]>,
}

/// A `class` statement.
pub struct ClassDefX {
    /// Class name.
    pub name: Rc<PyStr>,
    /// `__qualname__`.
    pub qualname: Rc<PyStr>,
    /// Base class expressions.
    pub bases: Box<[Expr]>,
    /// Which base expressions are `*iterable` (unpacked into several bases).
    pub star_bases: Box<[bool]>,
    /// Keyword arguments (`metaclass=` is ignored; `**mapping` has the name `**`).
    pub keywords: Box<[(Rc<PyStr>, Expr)]>,
    /// Decorators.
    pub decorators: Box<[Expr]>,
    /// The body, run like a function whose namespace becomes the class dict.
    pub body: &'static Code,
    /// Cells of the body's free variables, from the defining frame.
    pub closure: Box<[CellRef]>,
    /// Index of the body's `__class__` cell (set to the new class), if methods use it.
    pub class_cell: Option<u32>,
}

/// What a comprehension builds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompKindX {
    /// `[...]`.
    List,
    /// `{...}`.
    Set,
    /// `{k: v ...}`.
    Dict,
    /// `(...)`: a generator.
    Gen,
}

/// A comprehension: a nested function called on the first iterable's iterator.
pub struct CompX {
    /// What it builds.
    pub kind: CompKindX,
    /// Its body (slot 0 is the iterator `.0`).
    pub code: &'static Code,
    /// The first iterable, evaluated in the enclosing scope.
    pub iter: Expr,
    /// Whether the first `for` is `async for`.
    pub first_async: bool,
    /// Cells for the comprehension's free variables.
    pub closure: Box<[CellRef]>,
}

/// An assignment target.
pub enum Target {
    /// A fast local slot.
    Local(u32),
    /// A cell (captured variable).
    Cell(u32),
    /// A module global (with a cache of its position, shared with loads).
    Global(GlobalName),
    /// A name in a class namespace.
    Name(Rc<PyStr>),
    /// `obj.name`, with the site's instance-attribute cache (for stores).
    Attr(Expr, Rc<PyStr>, Box<crate::runtime::class::InstAttrSite>),
    /// `obj[index]`.
    Subscript(Expr, Expr),
    /// `a, *b, c`: sub-targets and the index of the starred one. The flag is set when
    /// there is no starred target and every sub-target is a local: the values are
    /// stored at once, with no step per sub-target (`store::unpack_locals`).
    Unpack(Box<[Target]>, Option<u32>, bool),
}

/// An expression node.
pub struct Expr {
    /// What to compute.
    pub kind: ExprKind,
    /// True when the node can be computed directly, without script calls or
    /// suspension, unless a value turns out to need dunder dispatch.
    pub fast: bool,
    /// True for a binary operator whose operands are locals, constants or such binary
    /// operators, all the way down (`(total + step + got) % m`): computed at once when
    /// they all hold small ints (`fast::int_tree`).
    pub int_tree: bool,
    /// Line of the node, for tracebacks of multi-line statements.
    pub line: u32,
}

/// Whether a node of this kind is an [`Expr::int_tree`] (its children already built).
pub fn is_int_tree(kind: &ExprKind) -> bool {
    let leaf_or_tree = |e: &Expr| e.int_tree || matches!(e.kind, ExprKind::Local(_) | ExprKind::Const(Value::Int(_)));
    matches!(kind, ExprKind::Binary(l, _, r) if leaf_or_tree(l) && leaf_or_tree(r))
}

/// A replacement field or literal part of an f-string.
pub enum FPartX {
    /// Literal text.
    Text(Rc<PyStr>),
    /// `{value!conv:spec}`.
    Field {
        /// The expression.
        value: Expr,
        /// 0, `r`, `s` or `a`.
        conv: u8,
        /// The format spec parts (itself an f-string), if any.
        spec: Option<Box<[FPartX]>>,
    },
}

/// A global name with a lookup cache.
pub struct GlobalName {
    /// The name.
    pub name: Rc<PyStr>,
    /// Cached (dict version, entry position) from the last successful lookup in globals.
    pub cache: Cell<(u64, u32, usize)>,
}

/// A call: positional arguments then keyword arguments whose names are `kwnames`.
pub struct CallX {
    /// The callee (for method calls: the receiver).
    pub func: Expr,
    /// For `obj.name(...)`: the method name, looked up without binding.
    pub method: Option<Rc<PyStr>>,
    /// Positional then keyword argument values.
    pub args: Box<[Expr]>,
    /// Names of the trailing keyword arguments.
    pub kwnames: Box<[Rc<PyStr>]>,
    /// When the call has `*args`/`**kwargs`: every argument in order, tagged.
    pub general: Option<Box<[ArgX]>>,
    /// No `*args`/`**kwargs`, and the callee (or receiver) and every argument are fast
    /// nodes: the call is made straight from the expression (`call::direct`), its
    /// operands computed by the fast path, without a step per operand.
    pub direct: bool,
    /// A direct call `x.send(v)` (one positional argument): when `x` is a local holding
    /// a generator or coroutine, `call::send_site` resumes it without the general
    /// method-call path.
    pub send: bool,
    /// For method calls: where the receiver's class had the method last time
    /// (`ops::attr::load_method`'s cache, kept by the objects code).
    pub site: crate::runtime::class::MethodSite,
}

/// One argument of a general call.
pub enum ArgX {
    /// `value`.
    Pos(Expr),
    /// `*value`.
    Star(Expr),
    /// `name=value`.
    Kw(Rc<PyStr>, Expr),
    /// `**value`.
    DoubleStar(Expr),
}

/// Expression kinds.
pub enum ExprKind {
    /// A constant.
    Const(Value),
    /// Read a fast local.
    Local(u32),
    /// Read a cell.
    Cell(u32),
    /// Read a global (then a builtin).
    Global(GlobalName),
    /// Read a name in a class body: namespace, then globals, then builtins.
    Name(Rc<PyStr>),
    /// In a class body, a name that is free: namespace first, then the cell.
    ClassDeref(Rc<PyStr>, u32),
    /// Unary operator.
    Unary(UnaryOp, Box<Expr>),
    /// Binary operator.
    Binary(Box<Expr>, BinOp, Box<Expr>),
    /// Chained comparison.
    Compare(Box<Expr>, Box<[(CmpOp, Expr)]>),
    /// `a and b and ...`.
    And(Box<[Expr]>),
    /// `a or b or ...`.
    Or(Box<[Expr]>),
    /// `body if test else orelse`: (test, body, orelse).
    IfExp(Box<(Expr, Expr, Expr)>),
    /// `obj.name`, with the site's instance-attribute cache.
    Attr(Box<Expr>, Rc<PyStr>, Box<crate::runtime::class::InstAttrSite>),
    /// `obj[index]`.
    Subscript(Box<(Expr, Expr)>),
    /// `lo:hi:step`.
    Slice(Box<[Option<Expr>; 3]>),
    /// A call.
    Call(Box<CallX>),
    /// `(a, b)`; the flag is set when an item is starred.
    Tuple(Box<[Expr]>, bool),
    /// `[a, b]`.
    List(Box<[Expr]>, bool),
    /// `{a, b}`.
    Set(Box<[Expr]>, bool),
    /// `{k: v, **m}` (`None` key: `**` unpacking).
    Dict(Box<[(Option<Expr>, Expr)]>),
    /// `*value` inside a display or call.
    Starred(Box<Expr>),
    /// An f-string.
    FString(Box<[FPartX]>),
    /// `lambda`.
    Lambda(&'static FuncDefX),
    /// A comprehension or generator expression.
    Comp(&'static CompX),
    /// `target := value`.
    Named(Box<(Target, Expr)>),
    /// `await value`.
    Await(Box<Expr>),
    /// `yield [value]`.
    Yield(Option<Box<Expr>>),
    /// `yield from value`.
    YieldFrom(Box<Expr>),
}
