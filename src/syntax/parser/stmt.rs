//! Statement rules: the module, blocks, simple statements.
//!
//! Each builder's doc comment names the rule of `grammar/coro.ebnf` it implements.

use super::compound::compound_stmt;
use super::expr::{expr_parsers, ExprParsers};
use super::recover::skip_statement;
use super::targets::{check_del_target, check_target, TargetCtx};
use super::{kw, name, op, raise, sp, Ctx, Extra, In, PassErr, P};
use crate::diagnostic::Diagnostic;
use crate::span::Span;
use crate::syntax::ast::*;
use crate::syntax::token::{Kw, RawTok as R, Tok};
use chumsky::prelude::*;
use std::rc::Rc;

/// What follows the first expression of a simple statement.
#[derive(Clone)]
enum Tail {
    None,
    Assign(Vec<Expr>),
    Aug(BinOp, Expr),
    Ann(Expr, Option<Expr>),
}

/// A parsed block, or where the indented block was expected (reported by the compound
/// statement, which knows its own name and line).
pub type MaybeBlock = Result<Block, Span>;

/// `file: [statements] ENDMARKER`, with `statements: statement+` and
/// `statement: compound_stmt | simple_stmts`. In pass 2 a failing statement is skipped
/// (see `recover.rs`).
pub fn module_parser<'a, E: PassErr<'a>>(c: &'a Ctx<'a>) -> P<'a, Vec<Stmt>, E> {
    let invalid = c.invalid;
    let ex = expr_parsers(c, invalid);
    let fast = super::fast::enabled::<E>();
    let mut stmt: Recursive<chumsky::recursive::Indirect<'a, 'a, In<'a>, Vec<Stmt>, Extra<'a, E>>> =
        Recursive::declare();
    // Pass 1's first run: a block's statements by one loop (`fast_stmt.rs`), defined
    // once the compound rules exist.
    let mut fast_stmts: Recursive<chumsky::recursive::Indirect<'a, 'a, In<'a>, Vec<Stmt>, Extra<'a, E>>> =
        Recursive::declare();
    let stmts = if fast {
        fast_stmts.clone().boxed()
    } else {
        stmt.clone().repeated().at_least(1).collect::<Vec<Vec<Stmt>>>().map(flatten).boxed()
    };

    let simple_one = simple_stmt(&ex, invalid);
    let simple = simple_stmts(simple_one.clone());
    // block: NEWLINE INDENT statements DEDENT | simple_stmts
    let block: P<'a, MaybeBlock, E> = just(Tok::Newline)
        .ignore_then(
            just(Tok::Indent)
                .ignore_then(stmts)
                .then_ignore(just(Tok::Dedent))
                .map(Ok)
                .or(just(Tok::Indent).not().ignore_then(choice((
                    // A lexical error where the block should start is reported as itself.
                    super::peek_tok().filter(|(t, _)| !matches!(t, Tok::Error(_))).map(|(_, s)| Err(s)),
                    end().map_with(|_, e| Err(sp(e.span()))),
                )))),
        )
        .or(simple.clone().map(Ok))
        .boxed();

    let compound = compound_stmt(c, &ex, block);
    if fast {
        fast_stmts.define(super::fast_stmt::statements(compound.clone(), simple_one.clone(), 1));
        return just(Tok::Newline)
            .repeated()
            .ignore_then(super::fast_stmt::statements(compound, simple_one, 0))
            .then_ignore(end())
            .boxed();
    }
    // One token of lookahead picks the kind of statement (cheaper than trying each).
    let starts_compound = select_ref! {
        Tok::Kw(Kw::If | Kw::While | Kw::For | Kw::With | Kw::Try | Kw::Def | Kw::Class | Kw::Async) => (),
        Tok::Op(R::At) => (),
    };
    let one = starts_compound.rewind().ignore_then(compound.map(|s| vec![s])).or(simple);
    if invalid {
        stmt.define(one.recover_with(via_parser(skip_statement())));
    } else {
        stmt.define(one);
    }
    just(Tok::Newline)
        .repeated()
        .ignore_then(stmt.repeated().collect::<Vec<Vec<Stmt>>>().map(flatten))
        .then_ignore(end())
        .boxed()
}

/// The statements of a block, in order (moved, where `concat` would clone each).
fn flatten(v: Vec<Vec<Stmt>>) -> Vec<Stmt> {
    let mut out = Vec::with_capacity(v.iter().map(Vec::len).sum());
    for s in v {
        out.extend(s);
    }
    out
}

/// `simple_stmts: simple_stmt (';' simple_stmt)* [';'] NEWLINE`
fn simple_stmts<'a, E: PassErr<'a>>(simple_stmt: P<'a, Stmt, E>) -> P<'a, Vec<Stmt>, E> {
    simple_stmt
        .separated_by(op(R::Semi))
        .at_least(1)
        .allow_trailing()
        .collect::<Vec<_>>()
        .then_ignore(just(Tok::Newline))
        .boxed()
}

/// `simple_stmt`: assignment, expression, return, raise, pass, del, assert, break,
/// continue, global, nonlocal, import.
fn simple_stmt<'a, E: PassErr<'a>>(ex: &ExprParsers<'a, E>, invalid: bool) -> P<'a, Stmt, E> {
    let rhs = ex.yield_expr.clone().or(ex.star_expressions.clone()).boxed();
    // augassign: '+=' | '-=' | ...
    let augop = select_ref! {
        Tok::Op(R::PlusEq) => BinOp::Add, Tok::Op(R::MinusEq) => BinOp::Sub,
        Tok::Op(R::StarEq) => BinOp::Mul, Tok::Op(R::SlashEq) => BinOp::Div,
        Tok::Op(R::DoubleSlashEq) => BinOp::FloorDiv, Tok::Op(R::PercentEq) => BinOp::Mod,
        Tok::Op(R::DoubleStarEq) => BinOp::Pow, Tok::Op(R::AtEq) => BinOp::MatMul,
        Tok::Op(R::LShiftEq) => BinOp::LShift, Tok::Op(R::RShiftEq) => BinOp::RShift,
        Tok::Op(R::AmpEq) => BinOp::BitAnd, Tok::Op(R::PipeEq) => BinOp::BitOr,
        Tok::Op(R::CaretEq) => BinOp::BitXor,
    };
    let tail = choice((
        op(R::Colon)
            .ignore_then(ex.expression.clone())
            .then(op(R::Assign).ignore_then(rhs.clone()).or_not())
            .map(|(a, v)| Tail::Ann(a, v)),
        augop.then(rhs.clone()).map(|(o, v)| Tail::Aug(o, v)),
        op(R::Assign).ignore_then(rhs.clone()).repeated().at_least(1).collect::<Vec<_>>().map(Tail::Assign),
        empty().to(Tail::None),
    ));
    // assignment: (star_targets '=')+ (yield_expr | star_expressions) | single_target augassign ... | star_expressions
    let expr_stmt = rhs.clone().then(tail).validate(|(first, tail), e, em| {
        let span = sp(e.span());
        let mut fail = |s: Span, msg: String| raise(e.state(), em, Diagnostic::syntax(s, msg));
        let kind = match tail {
            Tail::None => StmtKind::Expr(first),
            Tail::Assign(mut values) => {
                let value = values.pop().unwrap_or_else(|| first.clone());
                let targets = super::expr::prepend(first, values);
                let single = targets.len() == 1;
                for (i, t) in targets.iter().enumerate() {
                    if let ExprKind::Yield(_) | ExprKind::YieldFrom(_) = t.kind {
                        fail(t.span, "assignment to yield expression not possible".into());
                        continue;
                    }
                    let ctx = if i == 0 && single { TargetCtx::Assign } else { TargetCtx::AssignChained };
                    if let Err((s, msg)) = check_target(t, ctx) {
                        fail(s, msg);
                    }
                }
                StmtKind::Assign { targets, value }
            }
            Tail::Aug(o, value) => {
                if let Err((s, msg)) = check_target(&first, TargetCtx::Aug) {
                    fail(s, msg);
                }
                StmtKind::AugAssign { target: first, op: o, value: Box::new(value) }
            }
            Tail::Ann(annotation, value) => {
                let ok = matches!(first.kind, ExprKind::Name(_) | ExprKind::Attribute(..) | ExprKind::Subscript(..));
                if !ok {
                    let what = match first.kind {
                        ExprKind::Tuple(_) => "only single target (not tuple) can be annotated",
                        ExprKind::List(_) => "only single target (not list) can be annotated",
                        _ => "illegal target for annotation",
                    };
                    fail(first.span, what.into());
                }
                StmtKind::AnnAssign { target: Box::new(first), annotation: Box::new(annotation), value: value.map(Box::new) }
            }
        };
        Stmt { kind, span }
    });

    let names = name().separated_by(op(R::Comma)).at_least(1).collect::<Vec<_>>();
    // dotted_name: NAME ('.' NAME)*
    let dotted = name().separated_by(op(R::Dot)).at_least(1).collect::<Vec<_>>().map(|parts: Vec<Ident>| {
        let span = parts[0].span.to(parts[parts.len() - 1].span);
        let joined: Vec<&str> = parts.iter().map(|p| &*p.name).collect();
        Ident { name: Rc::from(joined.join(".")), span }
    });
    // dotted_as_name: dotted_name ['as' NAME];  import_from_as_name: NAME ['as' NAME]
    let alias = dotted.clone().then(kw(Kw::As).ignore_then(name()).or_not()).map(|(name, asname)| Alias { name, asname });
    let from_alias = name().then(kw(Kw::As).ignore_then(name()).or_not()).map(|(name, asname)| Alias { name, asname });
    // import_from_targets: '(' import_from_as_names [','] ')' | import_from_as_names | '*'
    let from_names = choice((
        op(R::Star).to(vec![]),
        from_alias
            .clone()
            .separated_by(op(R::Comma))
            .at_least(1)
            .allow_trailing()
            .collect::<Vec<_>>()
            .delimited_by(op(R::LParen), op(R::RParen)),
        from_alias.separated_by(op(R::Comma)).at_least(1).collect::<Vec<_>>(),
    ));
    let from_names = if invalid {
        // invalid_import_from_targets: import_from_as_names ',' NEWLINE
        from_names
            .then(op(R::Comma).map_with(|_, e| sp(e.span())).then_ignore(just(Tok::Newline).rewind()).or_not())
            .validate(|(names, comma), e, em| {
                if let Some(s) = comma {
                    let d = Diagnostic::syntax(s, "trailing comma not allowed without surrounding parentheses");
                    raise(e.state(), em, d);
                }
                names
            })
            .boxed()
    } else {
        from_names.boxed()
    };

    let other = choice((
        kw(Kw::Pass).to(StmtKind::Pass),
        kw(Kw::Break).to(StmtKind::Break),
        kw(Kw::Continue).to(StmtKind::Continue),
        // return_stmt: 'return' [star_expressions]
        kw(Kw::Return).ignore_then(ex.star_expressions.clone().or_not()).map(StmtKind::Return),
        // raise_stmt: 'raise' expression ['from' expression] | 'raise'
        kw(Kw::Raise)
            .ignore_then(ex.expression.clone().then(kw(Kw::From).ignore_then(ex.expression.clone()).or_not()).or_not())
            .map(|v| match v {
                None => StmtKind::Raise { exc: None, cause: None },
                Some((e, c)) => StmtKind::Raise { exc: Some(e), cause: c.map(Box::new) },
            }),
        // global_stmt: 'global' NAME (',' NAME)*;  nonlocal_stmt: 'nonlocal' NAME (',' NAME)*
        kw(Kw::Global).ignore_then(names.clone()).map(StmtKind::Global),
        kw(Kw::Nonlocal).ignore_then(names).map(StmtKind::Nonlocal),
        // del_stmt: 'del' del_targets
        kw(Kw::Del).ignore_then(ex.star_expressions.clone()).validate(|t, e, em| {
            let items = match t.kind {
                ExprKind::Tuple(items) => items,
                _ => vec![t],
            };
            for item in &items {
                if let Err((s, msg)) = check_del_target(item) {
                    raise(e.state(), em, Diagnostic::syntax(s, msg));
                }
            }
            StmtKind::Del(items)
        }),
        // assert_stmt: 'assert' expression [',' expression]
        kw(Kw::Assert)
            .ignore_then(ex.expression.clone())
            .then(op(R::Comma).ignore_then(ex.expression.clone()).or_not())
            .map(|(test, msg)| StmtKind::Assert { test, msg: msg.map(Box::new) }),
        // import_name: 'import' dotted_as_names
        kw(Kw::Import).ignore_then(alias.separated_by(op(R::Comma)).at_least(1).collect::<Vec<_>>()).map(StmtKind::Import),
        // import_from: 'from' dotted_name 'import' import_from_targets
        kw(Kw::From)
            .ignore_then(dotted)
            .then_ignore(kw(Kw::Import))
            .then(from_names)
            .map(|(module, names)| StmtKind::ImportFrom { module, names }),
    ))
    .map_with(|kind, e| Stmt { kind, span: sp(e.span()) });
    let starts_other = select_ref! {
        Tok::Kw(Kw::Pass | Kw::Break | Kw::Continue | Kw::Return | Kw::Raise | Kw::Global | Kw::Nonlocal
            | Kw::Del | Kw::Assert | Kw::Import | Kw::From) => (),
    };
    starts_other.rewind().ignore_then(other).or(expr_stmt).boxed()
}
