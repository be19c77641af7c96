//! Statement rules: simple statements, compound statements and blocks.
//!
//! Each builder's doc comment names the rule of `grammar/coro.ebnf` it implements.

use super::expr::{expr_parsers, ExprParsers};
use super::targets::{check_del_target, check_target, TargetCtx};
use super::{kw, name, op, sp, Extra, In, LineIndex, P};
use crate::span::Span;
use crate::syntax::ast::*;
use crate::syntax::token::{Kw, RawTok as R, Tok};
use chumsky::input::Emitter;
use chumsky::prelude::*;
use std::rc::Rc;

type Em<'e, 'a> = Emitter<Rich<'a, Tok, SimpleSpan>>;

fn emit(emitter: &mut Em<'_, '_>, span: Span, msg: impl Into<String>) {
    let msg: String = msg.into();
    emitter.emit(Rich::custom(SimpleSpan::from(span.range()), msg));
}

/// What follows the first expression of a simple statement.
#[derive(Clone)]
enum Tail {
    None,
    Assign(Vec<Expr>),
    Aug(BinOp, Expr),
    Ann(Expr, Option<Expr>),
}

/// A block that may be missing its indentation (reported by the caller, who knows
/// which statement it belongs to).
type MaybeBlock = Option<Block>;

/// Build the module parser: `file: [statements] ENDMARKER`.
pub fn module_parser<'a>(lines: &'a LineIndex) -> P<'a, Vec<Stmt>> {
    let ex = expr_parsers();
    let mut stmt: Recursive<chumsky::recursive::Indirect<'a, 'a, In<'a>, Vec<Stmt>, Extra<'a>>> =
        Recursive::declare();
    let stmts = stmt.clone().repeated().at_least(1).collect::<Vec<Vec<Stmt>>>().map(|v| v.concat()).boxed();

    let simple = simple_stmts(&ex);
    // block: NEWLINE INDENT statements DEDENT | simple_stmts
    let block: P<'a, MaybeBlock> = just(Tok::Newline)
        .ignore_then(
            just(Tok::Indent)
                .ignore_then(stmts.clone())
                .then_ignore(just(Tok::Dedent))
                .map(Some)
                .or(empty().to(None)),
        )
        .or(simple.clone().map(Some))
        .boxed();

    let compound = compound_stmt(&ex, block, lines);
    stmt.define(compound.map(|s| vec![s]).or(simple));
    just(Tok::Newline)
        .repeated()
        .ignore_then(stmt.repeated().collect::<Vec<Vec<Stmt>>>().map(|v| v.concat()))
        .then_ignore(end())
        .boxed()
}

/// `simple_stmts: simple_stmt (';' simple_stmt)* [';'] NEWLINE`
fn simple_stmts<'a>(ex: &ExprParsers<'a>) -> P<'a, Vec<Stmt>> {
    simple_stmt(ex)
        .separated_by(op(R::Semi))
        .at_least(1)
        .allow_trailing()
        .collect::<Vec<_>>()
        .then_ignore(just(Tok::Newline))
        .boxed()
}

/// `simple_stmt`: assignment, expression, return, raise, pass, del, assert, break,
/// continue, global, nonlocal, import.
fn simple_stmt<'a>(ex: &ExprParsers<'a>) -> P<'a, Stmt> {
    let rhs = ex.yield_expr.clone().or(ex.star_expressions.clone()).boxed();
    let augop = select! {
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
    // assignment | star_expressions
    let expr_stmt = rhs
        .clone()
        .then(tail)
        .validate(|(first, tail), e, em| {
            let span = sp(e.span());
            let kind = match tail {
                Tail::None => StmtKind::Expr(first),
                Tail::Assign(mut values) => {
                    let value = values.pop().unwrap();
                    let mut targets = vec![first];
                    targets.extend(values);
                    let single = targets.len() == 1;
                    for (i, t) in targets.iter().enumerate() {
                        let ctx = if i == 0 && single { TargetCtx::Assign } else { TargetCtx::AssignChained };
                        if let Err((s, msg)) = check_target(t, ctx) {
                            emit(em, s, msg);
                        }
                    }
                    StmtKind::Assign { targets, value }
                }
                Tail::Aug(o, value) => {
                    if let Err((s, msg)) = check_target(&first, TargetCtx::Aug) {
                        emit(em, s, msg);
                    }
                    StmtKind::AugAssign { target: first, op: o, value }
                }
                Tail::Ann(annotation, value) => {
                    let ok = matches!(first.kind, ExprKind::Name(_) | ExprKind::Attribute(..) | ExprKind::Subscript(..));
                    if !ok {
                        let what = match first.kind {
                            ExprKind::Tuple(_) => "only single target (not tuple) can be annotated".to_string(),
                            ExprKind::List(_) => "only single target (not list) can be annotated".to_string(),
                            _ => "illegal target for annotation".to_string(),
                        };
                        emit(em, first.span, what);
                    }
                    StmtKind::AnnAssign { target: first, annotation, value }
                }
            };
            Stmt { kind, span }
        });

    let names = name().separated_by(op(R::Comma)).at_least(1).collect::<Vec<_>>();
    let dotted = name()
        .separated_by(op(R::Dot))
        .at_least(1)
        .collect::<Vec<_>>()
        .map(|parts: Vec<Ident>| {
            let span = parts[0].span.to(parts[parts.len() - 1].span);
            let joined: Vec<&str> = parts.iter().map(|p| &*p.name).collect();
            Ident { name: Rc::from(joined.join(".")), span }
        });
    let alias = dotted.clone().then(kw(Kw::As).ignore_then(name()).or_not()).map(|(name, asname)| Alias { name, asname });
    let from_alias = name().then(kw(Kw::As).ignore_then(name()).or_not()).map(|(name, asname)| Alias { name, asname });
    let from_names = choice((
        op(R::Star).to(vec![]),
        from_alias.clone().separated_by(op(R::Comma)).at_least(1).allow_trailing().collect::<Vec<_>>()
            .delimited_by(op(R::LParen), op(R::RParen)),
        from_alias.separated_by(op(R::Comma)).at_least(1).collect::<Vec<_>>(),
    ));

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
                Some((e, c)) => StmtKind::Raise { exc: Some(e), cause: c },
            }),
        // global_stmt / nonlocal_stmt
        kw(Kw::Global).ignore_then(names.clone()).map(StmtKind::Global),
        kw(Kw::Nonlocal).ignore_then(names).map(StmtKind::Nonlocal),
        // del_stmt: 'del' del_targets
        kw(Kw::Del)
            .ignore_then(ex.star_targets.clone())
            .validate(|t, _, em| {
                let items = match t.kind {
                    ExprKind::Tuple(items) => items,
                    _ => vec![t],
                };
                for item in &items {
                    if let Err((s, msg)) = check_del_target(item) {
                        emit(em, s, msg);
                    }
                }
                StmtKind::Del(items)
            }),
        // assert_stmt: 'assert' expression [',' expression]
        kw(Kw::Assert)
            .ignore_then(ex.expression.clone())
            .then(op(R::Comma).ignore_then(ex.expression.clone()).or_not())
            .map(|(test, msg)| StmtKind::Assert { test, msg }),
        // import_name: 'import' dotted_as_names
        kw(Kw::Import)
            .ignore_then(alias.separated_by(op(R::Comma)).at_least(1).collect::<Vec<_>>())
            .map(StmtKind::Import),
        // import_from: 'from' dotted_name 'import' import_from_as_names
        kw(Kw::From)
            .ignore_then(dotted)
            .then_ignore(kw(Kw::Import))
            .then(from_names)
            .map(|(module, names)| StmtKind::ImportFrom { module, names }),
    ))
    .map_with(|kind, e| Stmt { kind, span: sp(e.span()) });
    other.or(expr_stmt).boxed()
}

/// `compound_stmt`: function_def | if_stmt | class_def | with_stmt | for_stmt |
/// try_stmt | while_stmt (with their `async` and decorated forms).
fn compound_stmt<'a>(ex: &ExprParsers<'a>, block: P<'a, MaybeBlock>, lines: &'a LineIndex) -> P<'a, Stmt> {
    let kw_span = |k: Kw| kw(k).map_with(|_, e| sp(e.span()));
    // A block after a header that starts at `at`: report a missing indent.
    let need = move |b: MaybeBlock, what: &str, at: Span, em: &mut Em<'_, 'a>| -> Block {
        match b {
            Some(b) => b,
            None => {
                let line = lines.line_of(at.start);
                emit(em, at, format!("IndentationError: expected an indented block after {what} on line {line}"));
                vec![]
            }
        }
    };
    let colon = op(R::Colon).labelled("':'");

    // else_block: 'else' ':' block
    let else_block = kw_span(Kw::Else)
        .then_ignore(colon.clone())
        .then(block.clone())
        .validate(move |(at, b), _, em| need(b, "'else' statement", at, em))
        .boxed();

    // if_stmt: 'if' named_expression ':' block (elif_stmt | [else_block]);
    // elif_stmt: 'elif' named_expression ':' block (elif_stmt | [else_block])
    let if_stmt = kw_span(Kw::If)
        .then(ex.named.clone())
        .then_ignore(colon.clone())
        .then(block.clone())
        .then(
            kw_span(Kw::Elif)
                .then(ex.named.clone())
                .then_ignore(colon.clone())
                .then(block.clone())
                .repeated()
                .collect::<Vec<_>>(),
        )
        .then(else_block.clone().or_not())
        .validate(move |((((at, test), body), elifs), orelse), e, em| {
            let body = need(body, "'if' statement", at, em);
            let mut orelse = orelse.unwrap_or_default();
            let span = sp(e.span());
            for ((eat, etest), ebody) in elifs.into_iter().rev() {
                let ebody = need(ebody, "'elif' statement", eat, em);
                let s = Span { start: eat.start, end: span.end };
                orelse = vec![Stmt { kind: StmtKind::If { test: etest, body: ebody, orelse }, span: s }];
            }
            StmtKind::If { test, body, orelse }
        })
        .boxed();

    // while_stmt: 'while' named_expression ':' block [else_block]
    let while_stmt = kw_span(Kw::While)
        .then(ex.named.clone())
        .then_ignore(colon.clone())
        .then(block.clone())
        .then(else_block.clone().or_not())
        .validate(move |(((at, test), body), orelse), _, em| StmtKind::While {
            test,
            body: need(body, "'while' statement", at, em),
            orelse: orelse.unwrap_or_default(),
        })
        .boxed();

    // for_stmt: ['async'] 'for' star_targets 'in' star_expressions ':' block [else_block]
    let for_stmt = kw(Kw::Async)
        .or_not()
        .then(kw_span(Kw::For))
        .then(ex.star_targets.clone())
        .then_ignore(kw(Kw::In))
        .then(ex.star_expressions.clone())
        .then_ignore(colon.clone())
        .then(block.clone())
        .then(else_block.clone().or_not())
        .validate(move |(((((is_async, at), target), iter), body), orelse), _, em| {
            if let Err((s, msg)) = check_target(&target, TargetCtx::For) {
                emit(em, s, msg);
            }
            StmtKind::For {
                is_async: is_async.is_some(),
                target,
                iter,
                body: need(body, "'for' statement", at, em),
                orelse: orelse.unwrap_or_default(),
            }
        })
        .boxed();

    // with_stmt: ['async'] 'with' ('(' with_item (',' with_item)* [','] ')' | with_item (',' with_item)*) ':' block
    let with_item = ex
        .expression
        .clone()
        .then(kw(Kw::As).ignore_then(ex.star_target.clone()).or_not())
        .validate(|(context, target), _, em| {
            if let Some(t) = &target {
                if let Err((s, msg)) = check_target(t, TargetCtx::With) {
                    emit(em, s, msg);
                }
            }
            WithItem { context, target }
        })
        .boxed();
    let with_items = choice((
        with_item
            .clone()
            .separated_by(op(R::Comma))
            .at_least(1)
            .allow_trailing()
            .collect::<Vec<_>>()
            .delimited_by(op(R::LParen), op(R::RParen))
            .then_ignore(colon.clone()),
        with_item.separated_by(op(R::Comma)).at_least(1).collect::<Vec<_>>().then_ignore(colon.clone()),
    ));
    let with_stmt = kw(Kw::Async)
        .or_not()
        .then(kw_span(Kw::With))
        .then(with_items)
        .then(block.clone())
        .validate(move |(((is_async, at), items), body), _, em| StmtKind::With {
            is_async: is_async.is_some(),
            items,
            body: need(body, "'with' statement", at, em),
        })
        .boxed();

    // try_stmt: 'try' ':' block (finally_block | except_block+ [else_block] [finally_block])
    let except_block = kw_span(Kw::Except)
        .then(ex.expression.clone().then(kw(Kw::As).ignore_then(name()).or_not()).or_not())
        .then_ignore(colon.clone())
        .then(block.clone())
        .validate(move |((at, clause), body), e, em| {
            let (typ, name) = match clause {
                Some((t, n)) => (Some(t), n),
                None => (None, None),
            };
            Handler { typ, name, body: need(body, "'except' statement", at, em), span: sp(e.span()) }
        })
        .boxed();
    let finally_block = kw_span(Kw::Finally)
        .then_ignore(colon.clone())
        .then(block.clone())
        .validate(move |(at, b), _, em| need(b, "'finally' statement", at, em))
        .boxed();
    let try_stmt = kw_span(Kw::Try)
        .then_ignore(colon.clone())
        .then(block.clone())
        .then(except_block.repeated().collect::<Vec<_>>())
        .then(else_block.clone().or_not())
        .then(finally_block.or_not())
        .validate(move |((((at, body), handlers), orelse), finalbody), e, em| {
            let body = need(body, "'try' statement", at, em);
            if handlers.is_empty() && finalbody.is_none() {
                emit(em, sp(e.span()), "expected 'except' or 'finally' block");
            }
            if handlers.is_empty() && orelse.is_some() {
                emit(em, sp(e.span()), "expected 'except' or 'finally' block");
            }
            for h in handlers.iter().take(handlers.len().saturating_sub(1)) {
                if h.typ.is_none() {
                    emit(em, h.span, "default 'except:' must be last");
                }
            }
            StmtKind::Try { body, handlers, orelse: orelse.unwrap_or_default(), finalbody: finalbody.unwrap_or_default() }
        })
        .boxed();

    // decorators: ('@' named_expression NEWLINE)*
    let decorators = op(R::At)
        .ignore_then(ex.named.clone())
        .then_ignore(just(Tok::Newline))
        .repeated()
        .collect::<Vec<_>>()
        .boxed();

    // function_def: decorators ['async'] 'def' NAME '(' [params] ')' ['->' expression] ':' block
    let func = kw(Kw::Async)
        .or_not()
        .then(kw_span(Kw::Def))
        .then(name())
        .then(ex.def_params.clone().or_not().delimited_by(op(R::LParen), op(R::RParen)))
        .then(op(R::Arrow).ignore_then(ex.expression.clone()).or_not())
        .then_ignore(colon.clone())
        .then(block.clone())
        .map_with(|v, e| (v, sp(e.span())))
        .boxed();
    // class_def: decorators 'class' NAME ['(' [arguments] ')'] ':' block
    let class = kw_span(Kw::Class)
        .then(name())
        .then(ex.call_args.clone().delimited_by(op(R::LParen), op(R::RParen)).or_not())
        .then_ignore(colon.clone())
        .then(block.clone())
        .map_with(|v, e| (v, sp(e.span())))
        .boxed();
    let definition = decorators
        .then(func.map(Ok).or(class.map(Err)))
        .validate(move |(decorators, def), e, em| match def {
            Ok(((((((is_async, at), name), params), returns), body), span)) => {
                let body = need(body, "function definition", at, em);
                let span = if decorators.is_empty() { span } else { sp(e.span()) };
                StmtKind::FunctionDef(Rc::new(FunctionDef {
                    name,
                    params: params.unwrap_or_default(),
                    body,
                    decorators,
                    is_async: is_async.is_some(),
                    is_lambda: false,
                    returns,
                    kind: Default::default(),
                    span,
                }))
            }
            Err(((((at, name), args), body), span)) => {
                let body = need(body, "class definition", at, em);
                let span = if decorators.is_empty() { span } else { sp(e.span()) };
                StmtKind::ClassDef(Rc::new(ClassDef { name, args: args.unwrap_or_default(), body, decorators, span }))
            }
        })
        .boxed();

    choice((if_stmt, while_stmt, for_stmt, with_stmt, try_stmt, definition))
        .map_with(|kind, e| Stmt { kind, span: sp(e.span()) })
        .boxed()
}
