//! The abstract syntax tree. Every node carries the byte span it was parsed from.
//!
//! The tree is plain data: the resolver (`crate::compile`) reads it once and lowers it to
//! the evaluator's tree, which is what heap frames hold.

use crate::span::Span;
use std::cell::Cell;
use std::rc::Rc;

/// An identifier with its span.
#[derive(Clone, Debug, PartialEq)]
pub struct Ident {
    /// The name.
    pub name: Rc<str>,
    /// Where it was written.
    pub span: Span,
}

/// A whole module (file, `-c` string or REPL input).
#[derive(Debug, Default, Clone)]
pub struct Module {
    /// The top-level statements.
    pub body: Vec<Stmt>,
}

/// A statement with its span.
#[derive(Debug, Clone)]
pub struct Stmt {
    /// What kind of statement.
    pub kind: StmtKind,
    /// Its source text.
    pub span: Span,
}

/// A block of statements (the body of a compound statement).
pub type Block = Vec<Stmt>;

/// The kinds of statement. Expressions beside blocks or other expressions are boxed
/// (the large variants), and so are `try`'s `else` and `finally` blocks, so a statement
/// is at most 80 bytes instead of 160: parsing moves statements by value through every
/// combinator, and a module holds many.
#[derive(Debug, Clone)]
pub enum StmtKind {
    /// An expression evaluated for its effect.
    Expr(Expr),
    /// `a = b = value`.
    Assign { targets: Vec<Expr>, value: Expr },
    /// `target op= value`.
    AugAssign { target: Expr, op: BinOp, value: Box<Expr> },
    /// `target: annotation = value` (annotation parsed and ignored).
    AnnAssign { target: Box<Expr>, annotation: Box<Expr>, value: Option<Box<Expr>> },
    /// `del a, b[0]`.
    Del(Vec<Expr>),
    /// `pass`.
    Pass,
    /// `break`.
    Break,
    /// `continue`.
    Continue,
    /// `return [value]`.
    Return(Option<Expr>),
    /// `raise [exc [from cause]]`.
    Raise { exc: Option<Expr>, cause: Option<Box<Expr>> },
    /// `global a, b`.
    Global(Vec<Ident>),
    /// `nonlocal a, b`.
    Nonlocal(Vec<Ident>),
    /// `assert test[, msg]`.
    Assert { test: Expr, msg: Option<Box<Expr>> },
    /// `import a.b as c, d`.
    Import(Vec<Alias>),
    /// `from module import a as b, c` (or `*`: `names` empty).
    ImportFrom { module: Ident, names: Vec<Alias> },
    /// `if test: body [elif ...] [else: orelse]` (elif chains nest in `orelse`).
    If { test: Box<Expr>, body: Block, orelse: Block },
    /// `while test: body [else: orelse]`.
    While { test: Box<Expr>, body: Block, orelse: Block },
    /// `[async] for target in iter: body [else: orelse]`.
    For { is_async: bool, target: Box<Expr>, iter: Box<Expr>, body: Block, orelse: Block },
    /// `try` with handlers, `else` and `finally`.
    Try { body: Block, handlers: Vec<Handler>, orelse: Box<Block>, finalbody: Box<Block> },
    /// `[async] with a as b, c: body`.
    With { is_async: bool, items: Vec<WithItem>, body: Block },
    /// `def` / `async def`.
    FunctionDef(Rc<FunctionDef>),
    /// `class`.
    ClassDef(Rc<ClassDef>),
}

// Kept small: see `StmtKind`.
const _: () = assert!(std::mem::size_of::<Stmt>() <= 80);

/// `name [as asname]` in an import.
#[derive(Debug, Clone)]
pub struct Alias {
    /// The (dotted) imported name.
    pub name: Ident,
    /// The local name, if renamed.
    pub asname: Option<Ident>,
}

/// One `except [type [as name]]:` clause.
#[derive(Debug, Clone)]
pub struct Handler {
    /// The exception type(s) matched; `None` for a bare `except:`.
    pub typ: Option<Expr>,
    /// The name bound to the exception.
    pub name: Option<Ident>,
    /// The handler body.
    pub body: Block,
    /// The `except` line.
    pub span: Span,
}

/// One `expr [as target]` in a `with` statement.
#[derive(Debug, Clone)]
pub struct WithItem {
    /// The context manager expression.
    pub context: Expr,
    /// Where `__enter__`'s result goes.
    pub target: Option<Expr>,
}

/// What a function's body makes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum FuncKind {
    /// A plain function.
    #[default]
    Plain,
    /// A generator function (contains `yield`).
    Generator,
    /// An `async def` without `yield`.
    Coroutine,
    /// An `async def` with `yield`.
    AsyncGenerator,
}

/// One parameter.
#[derive(Debug, Clone)]
pub struct Param {
    /// Its name.
    pub name: Ident,
    /// Its default value.
    pub default: Option<Expr>,
    /// Its annotation (ignored).
    pub annotation: Option<Expr>,
}

/// A parameter list.
#[derive(Debug, Default, Clone)]
pub struct Params {
    /// Positional-only parameters (before `/`).
    pub posonly: Vec<Param>,
    /// Ordinary parameters.
    pub args: Vec<Param>,
    /// `*args` (boxed, as `kwarg`: most functions have neither, and a `Param` is ~100 bytes).
    pub vararg: Option<Box<Param>>,
    /// Keyword-only parameters (after `*` or `*args`).
    pub kwonly: Vec<Param>,
    /// `**kwargs`.
    pub kwarg: Option<Box<Param>>,
}

/// A `def`, `async def` or `lambda`.
#[derive(Debug, Clone)]
pub struct FunctionDef {
    /// The function's name (`<lambda>` for lambdas).
    pub name: Ident,
    /// Its parameters.
    pub params: Params,
    /// Its body (a lambda's body is one `return` statement).
    pub body: Block,
    /// Decorators, outermost first.
    pub decorators: Vec<Expr>,
    /// `async def`.
    pub is_async: bool,
    /// Whether this is a lambda.
    pub is_lambda: bool,
    /// The return annotation (ignored).
    pub returns: Option<Expr>,
    /// Set by the validation pass.
    pub kind: Cell<FuncKind>,
    /// The span of the whole definition.
    pub span: Span,
}

/// A `class` statement.
#[derive(Debug, Clone)]
pub struct ClassDef {
    /// The class name.
    pub name: Ident,
    /// Base classes and keyword arguments.
    pub args: Vec<Arg>,
    /// The class body.
    pub body: Block,
    /// Decorators.
    pub decorators: Vec<Expr>,
    /// The whole statement.
    pub span: Span,
}

/// An expression with its span.
#[derive(Debug, Clone)]
pub struct Expr {
    /// What kind of expression.
    pub kind: ExprKind,
    /// Its source text.
    pub span: Span,
}

/// A literal constant.
#[derive(Debug, Clone, PartialEq)]
pub enum Constant {
    /// `None`.
    None,
    /// `True` / `False`.
    Bool(bool),
    /// `...`.
    Ellipsis,
    /// An int that fits in 64 bits.
    Int(i64),
    /// A larger int, as decimal digits.
    BigInt(Rc<str>),
    /// A float.
    Float(f64),
    /// A string (after concatenation of adjacent literals).
    Str(Rc<str>),
    /// A bytes literal.
    Bytes(Rc<[u8]>),
}

/// Part of an f-string.
#[derive(Debug, Clone)]
pub enum FPart {
    /// Literal text.
    Text(Rc<str>),
    /// A replacement field.
    Field(Box<FField>),
}

/// A replacement field `{value!conv:spec}`.
#[derive(Debug, Clone)]
pub struct FField {
    /// The expression.
    pub value: Expr,
    /// The `=` text (`x = `) for self-documenting fields.
    pub debug: Option<Rc<str>>,
    /// `r`, `s` or `a`.
    pub conversion: Option<char>,
    /// The format spec, itself an f-string.
    pub spec: Option<Vec<FPart>>,
}

/// Binary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Add, Sub, Mul, MatMul, Div, FloorDiv, Mod, Pow, LShift, RShift, BitOr, BitXor, BitAnd,
}

impl BinOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+", BinOp::Sub => "-", BinOp::Mul => "*", BinOp::MatMul => "@",
            BinOp::Div => "/", BinOp::FloorDiv => "//", BinOp::Mod => "%", BinOp::Pow => "**",
            BinOp::LShift => "<<", BinOp::RShift => ">>", BinOp::BitOr => "|",
            BinOp::BitXor => "^", BinOp::BitAnd => "&",
        }
    }
}

/// Unary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    /// `-x`.
    Neg,
    /// `+x`.
    Pos,
    /// `~x`.
    Invert,
    /// `not x`.
    Not,
}

/// `and` / `or`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BoolOp {
    /// `and`.
    And,
    /// `or`.
    Or,
}

/// Comparison operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    Eq, NotEq, Lt, LtE, Gt, GtE, Is, IsNot, In, NotIn,
}

impl CmpOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "==", CmpOp::NotEq => "!=", CmpOp::Lt => "<", CmpOp::LtE => "<=",
            CmpOp::Gt => ">", CmpOp::GtE => ">=", CmpOp::Is => "is", CmpOp::IsNot => "is not",
            CmpOp::In => "in", CmpOp::NotIn => "not in",
        }
    }
}

/// A call argument.
#[derive(Debug, Clone)]
pub enum Arg {
    /// `value`.
    Positional(Expr),
    /// `*value`.
    Star(Expr),
    /// `name=value` (the name boxed: an argument is 48 bytes, not 64).
    Keyword(Box<Ident>, Expr),
    /// `**value`.
    DoubleStar(Expr),
}

// Kept small: see `Arg::Keyword`.
const _: () = assert!(std::mem::size_of::<Arg>() <= 48);

/// One `[async] for target in iter if cond...` clause of a comprehension.
#[derive(Debug, Clone)]
pub struct CompFor {
    /// `async for`.
    pub is_async: bool,
    /// The loop target.
    pub target: Expr,
    /// The iterable.
    pub iter: Expr,
    /// The `if` conditions.
    pub ifs: Vec<Expr>,
}

/// What a comprehension builds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompKind {
    /// `[...]`.
    List,
    /// `{...}`.
    Set,
    /// `{k: v ...}`.
    Dict,
    /// `(...)`.
    Gen,
}

/// A comprehension or generator expression.
#[derive(Debug, Clone)]
pub struct Comprehension {
    /// What it builds.
    pub kind: CompKind,
    /// The element (the key, for dict comprehensions).
    pub elt: Expr,
    /// The value, for dict comprehensions.
    pub value: Option<Expr>,
    /// The `for` clauses, outermost first.
    pub generators: Vec<CompFor>,
}

/// The kinds of expression.
#[derive(Debug, Clone)]
pub enum ExprKind {
    /// A name.
    Name(Rc<str>),
    /// A literal.
    Const(Constant),
    /// An f-string (possibly concatenated with plain literals).
    FString(Vec<FPart>),
    /// `-x`, `not x`...
    Unary(UnaryOp, Box<Expr>),
    /// `a + b`...
    Binary(Box<Expr>, BinOp, Box<Expr>),
    /// `a and b and c`.
    BoolOp(BoolOp, Vec<Expr>),
    /// `a < b <= c`.
    Compare(Box<Expr>, Box<[(CmpOp, Expr)]>),
    /// `body if test else orelse`.
    IfExp { test: Box<Expr>, body: Box<Expr>, orelse: Box<Expr> },
    /// `lambda params: body`.
    Lambda(Rc<FunctionDef>),
    /// `name := value`.
    NamedExpr(Box<Ident>, Box<Expr>),
    /// `func(args)`.
    Call(Box<Expr>, Box<[Arg]>),
    /// `value.attr` (the name is the last token of the expression's span).
    Attribute(Box<Expr>, Rc<str>),
    /// `value[index]`.
    Subscript(Box<Expr>, Box<Expr>),
    /// `lower:upper:step` inside a subscript.
    Slice(Option<Box<Expr>>, Option<Box<Expr>>, Option<Box<Expr>>),
    /// `(a, b)`.
    Tuple(Vec<Expr>),
    /// `[a, b]`.
    List(Vec<Expr>),
    /// `{a, b}`.
    Set(Vec<Expr>),
    /// `{k: v, **m}` (a `None` key is a `**` unpacking).
    Dict(Vec<(Option<Expr>, Expr)>),
    /// `*value` in a display, call or target.
    Starred(Box<Expr>),
    /// A comprehension or generator expression.
    Comp(Rc<Comprehension>),
    /// `await value`.
    Await(Box<Expr>),
    /// `yield [value]`.
    Yield(Option<Box<Expr>>),
    /// `yield from value`.
    YieldFrom(Box<Expr>),
}

// Kept small: a module holds ~120,000 expressions per MB of source, and parsing moves
// them by value. A variant's payload is at most 24 bytes (boxed slices, not vectors,
// where the length is final).
const _: () = assert!(std::mem::size_of::<Expr>() <= 40);

impl Expr {
    /// A new expression node.
    pub fn new(kind: ExprKind, span: Span) -> Expr {
        Expr { kind, span }
    }

    /// What CPython calls this kind of expression in "cannot assign to ..." messages.
    pub fn describe(&self) -> &'static str {
        match &self.kind {
            ExprKind::Name(_) => "name",
            ExprKind::Const(Constant::None) => "None",
            ExprKind::Const(Constant::Bool(true)) => "True",
            ExprKind::Const(Constant::Bool(false)) => "False",
            ExprKind::Const(Constant::Ellipsis) => "ellipsis",
            ExprKind::Const(_) => "literal",
            ExprKind::FString(_) => "f-string expression",
            ExprKind::Unary(..) | ExprKind::Binary(..) => "expression",
            ExprKind::BoolOp(..) => "expression",
            ExprKind::Compare(..) => "comparison",
            ExprKind::IfExp { .. } => "conditional expression",
            ExprKind::Lambda(_) => "lambda",
            ExprKind::NamedExpr(..) => "named expression",
            ExprKind::Call(..) => "function call",
            ExprKind::Attribute(..) => "attribute",
            ExprKind::Subscript(..) => "subscript",
            ExprKind::Slice(..) => "slice",
            ExprKind::Tuple(_) => "tuple",
            ExprKind::List(_) => "list",
            ExprKind::Set(_) => "set display",
            ExprKind::Dict(_) => "dict literal",
            ExprKind::Starred(_) => "starred",
            ExprKind::Comp(c) => match c.kind {
                CompKind::List => "list comprehension",
                CompKind::Set => "set comprehension",
                CompKind::Dict => "dict comprehension",
                CompKind::Gen => "generator expression",
            },
            ExprKind::Await(_) => "await expression",
            ExprKind::Yield(_) | ExprKind::YieldFrom(_) => "yield expression",
        }
    }
}
