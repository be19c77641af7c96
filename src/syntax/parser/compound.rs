//! Compound statements: `if`, `while`, `for`, `with`, `try`, `def`, `class`, with
//! CPython's forced tokens (`&&':'`) and its second-pass rules for missing colons,
//! missing blocks and unparenthesized exception tuples.
//!
//! Each builder's doc comment names the rule of `grammar/coro.ebnf` it implements.

use super::expr::ExprParsers;
use super::stmt::MaybeBlock;
use super::targets::{check_target, TargetCtx};
use super::{forced, kw, name, op, raise, sp, Ctx, PassErr, State, P};
use crate::diagnostic::{DiagKind, Diagnostic};
use crate::span::Span;
use crate::syntax::ast::*;
use crate::syntax::token::{Kw, RawTok as R, Tok};
use chumsky::input::Emitter;
use chumsky::prelude::*;
use std::rc::Rc;

/// The ':' ending a compound statement's header. In pass 2, a NEWLINE where it should be
/// raises CPython's "expected ':'" (its `invalid_*_stmt` rules), with a help line saying
/// where the colon goes.
fn colon<'a, E: PassErr<'a>>(invalid: bool, after: &'static str) -> P<'a, (), E> {
    if !invalid {
        return op(R::Colon).ignored().boxed();
    }
    op(R::Colon)
        .ignored()
        .or(just(Tok::Newline).map_with(|_, e| sp(e.span())).rewind().validate(move |s, e, em| {
            let d = Diagnostic::syntax(s, "expected ':'")
                .with_label("the header ends here without ':'")
                .with_help(format!("add ':' {after}"));
            raise(e.state(), em, d);
        }))
        .boxed()
}

/// `compound_stmt`: function_def | if_stmt | class_def | with_stmt | for_stmt |
/// try_stmt | while_stmt (with their `async` and decorated forms).
pub fn compound_stmt<'a, E: PassErr<'a>>(c: &'a Ctx<'a>, ex: &ExprParsers<'a, E>, block: P<'a, MaybeBlock, E>) -> P<'a, Stmt, E> {
    let invalid = c.invalid;
    let kw_span = |k: Kw| kw(k).map_with(|_, e| sp(e.span()));
    // A block after a header that starts at `at`: report a missing indented block as
    // CPython's `invalid_*_stmt_indent` rules do.
    let need = move |b: MaybeBlock, what: &str, at: Span, st: &mut State, em: &mut Emitter<E>| -> Block {
        match b {
            Ok(b) => b,
            Err(here) => {
                let line = c.line(at);
                let d = Diagnostic::new(DiagKind::Indentation, here, format!("expected an indented block after {what} on line {line}"))
                    .with_label("expected an indented block here")
                    .with_help("indent the body of the statement (or write `pass`)");
                raise(st, em, d);
                vec![]
            }
        }
    };

    // else_block: 'else' &&':' block
    let else_block = kw_span(Kw::Else)
        .then_ignore(forced(R::Colon))
        .then(block.clone())
        .validate(move |(at, b), e, em| need(b, "'else' statement", at, e.state(), em))
        .boxed();

    // if_stmt: 'if' named_expression ':' block (elif_stmt | [else_block]);
    // elif_stmt: 'elif' named_expression ':' block (elif_stmt | [else_block])
    let if_stmt = kw_span(Kw::If)
        .then(ex.named.clone())
        .then_ignore(colon(invalid, "after the condition of 'if'"))
        .then(block.clone())
        .then(
            kw_span(Kw::Elif)
                .then(ex.named.clone())
                .then_ignore(colon(invalid, "after the condition of 'elif'"))
                .then(block.clone())
                .repeated()
                .collect::<Vec<_>>(),
        )
        .then(else_block.clone().or_not())
        .validate(move |((((at, test), body), elifs), orelse), e, em| {
            let span = sp(e.span());
            let st: &mut State = e.state();
            let body = need(body, "'if' statement", at, st, em);
            let mut orelse = orelse.unwrap_or_default();
            let mut bodies: Vec<_> = elifs.into_iter().map(|((eat, etest), ebody)| (eat, etest, ebody)).collect();
            let mut done = Vec::new();
            for (eat, etest, ebody) in bodies.drain(..) {
                done.push((eat, etest, need(ebody, "'elif' statement", eat, st, em)));
            }
            for (eat, etest, ebody) in done.into_iter().rev() {
                let s = Span { start: eat.start, end: span.end };
                orelse = vec![Stmt { kind: StmtKind::If { test: Box::new(etest), body: ebody, orelse }, span: s }];
            }
            StmtKind::If { test: Box::new(test), body, orelse }
        })
        .boxed();

    // while_stmt: 'while' named_expression ':' block [else_block]
    let while_stmt = kw_span(Kw::While)
        .then(ex.named.clone())
        .then_ignore(colon(invalid, "after the condition of 'while'"))
        .then(block.clone())
        .then(else_block.clone().or_not())
        .validate(move |(((at, test), body), orelse), e, em| StmtKind::While {
            test: Box::new(test),
            body: need(body, "'while' statement", at, e.state(), em),
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
        .then_ignore(colon(invalid, "after the iterable of 'for'"))
        .then(block.clone())
        .then(else_block.clone().or_not())
        .validate(move |(((((is_async, at), target), iter), body), orelse), e, em| {
            let st: &mut State = e.state();
            if let Err((s, msg)) = check_target(&target, TargetCtx::For) {
                raise(st, em, Diagnostic::syntax(s, msg));
            }
            StmtKind::For {
                is_async: is_async.is_some(),
                target: Box::new(target),
                iter: Box::new(iter),
                body: need(body, "'for' statement", at, st, em),
                orelse: orelse.unwrap_or_default(),
            }
        })
        .boxed();

    // with_stmt: ['async'] 'with' ('(' with_item (',' with_item)* [','] ')' | with_item (',' with_item)*) ':' block
    let with_item = ex
        .expression
        .clone()
        .then(kw(Kw::As).ignore_then(ex.star_target.clone()).or_not())
        .validate(|(context, target), e, em| {
            if let Some(t) = &target {
                if let Err((s, msg)) = check_target(t, TargetCtx::With) {
                    raise(e.state(), em, Diagnostic::syntax(s, msg));
                }
            }
            WithItem { context, target }
        })
        .boxed();
    let with_colon = colon(invalid, "after the items of 'with'");
    let with_items = choice((
        with_item
            .clone()
            .separated_by(op(R::Comma))
            .at_least(1)
            .allow_trailing()
            .collect::<Vec<_>>()
            .delimited_by(op(R::LParen), op(R::RParen))
            .then_ignore(with_colon.clone()),
        with_item.separated_by(op(R::Comma)).at_least(1).collect::<Vec<_>>().then_ignore(with_colon),
    ));
    let with_stmt = kw(Kw::Async)
        .or_not()
        .then(kw_span(Kw::With))
        .then(with_items)
        .then(block.clone())
        .validate(move |(((is_async, at), items), body), e, em| StmtKind::With {
            is_async: is_async.is_some(),
            items,
            body: need(body, "'with' statement", at, e.state(), em),
        })
        .boxed();

    // except_block: 'except' [expression ['as' NAME]] ':' block
    let except_head = ex.expression.clone().then(kw(Kw::As).ignore_then(name()).or_not()).or_not();
    let except_head = if invalid {
        // invalid_except_stmt: 'except' expression ',' expressions ['as' NAME] ':'
        let tuple = ex
            .expression
            .clone()
            .then_ignore(op(R::Comma))
            .then(ex.expression.clone().separated_by(op(R::Comma)).at_least(1).allow_trailing().collect::<Vec<_>>())
            .then(kw(Kw::As).ignore_then(name()).or_not())
            .then_ignore(op(R::Colon).rewind())
            .validate(|((first, rest), n), e, em| {
                let end = rest.last().map_or(first.span, |r| r.span);
                let d = Diagnostic::syntax(first.span.to(end), "multiple exception types must be parenthesized")
                    .with_label("these exception types need parentheses")
                    .with_help("write `except (A, B):`");
                raise(e.state(), em, d);
                Some((first, n))
            });
        tuple.or(except_head).boxed()
    } else {
        except_head.boxed()
    };
    let except_block = kw_span(Kw::Except)
        .then(except_head)
        .then_ignore(colon(invalid, "after the 'except' clause"))
        .then(block.clone())
        .validate(move |((at, clause), body), e, em| {
            let (typ, name) = match clause {
                Some((t, n)) => (Some(t), n),
                None => (None, None),
            };
            Handler { typ, name, body: need(body, "'except' statement", at, e.state(), em), span: sp(e.span()) }
        })
        .boxed();
    // finally_block: 'finally' &&':' block
    let finally_block = kw_span(Kw::Finally)
        .then_ignore(forced(R::Colon))
        .then(block.clone())
        .validate(move |(at, b), e, em| need(b, "'finally' statement", at, e.state(), em))
        .boxed();
    // try_stmt: 'try' &&':' block (finally_block | except_block+ [else_block] [finally_block])
    let handlers = choice((
        finally_block.clone().map(|f| (vec![], None, Some(f))),
        except_block
            .repeated()
            .at_least(1)
            .collect::<Vec<_>>()
            .then(else_block.clone().or_not())
            .then(finally_block.or_not())
            .map(|((h, e), f)| (h, e, f)),
    ));
    let handlers = if invalid {
        // invalid_try_stmt: 'try' ':' block !('except' | 'finally')
        choice((kw(Kw::Except), kw(Kw::Finally)))
            .not()
            .ignore_then(super::peek_tok())
            .validate(|(_, s), e, em| {
                let d = Diagnostic::syntax(s, "expected 'except' or 'finally' block")
                    .with_label("the 'try' block ends here")
                    .with_help("add an 'except' or 'finally' clause");
                raise(e.state(), em, d);
                (vec![], None, None)
            })
            .or(handlers)
            .boxed()
    } else {
        handlers.boxed()
    };
    let try_stmt = kw_span(Kw::Try)
        .then_ignore(forced(R::Colon))
        .then(block.clone())
        .validate(move |(at, body), e, em| need(body, "'try' statement", at, e.state(), em))
        .then(handlers)
        .map(move |(body, (handlers, orelse, finalbody))| StmtKind::Try {
            body,
            handlers,
            orelse: Box::new(orelse.unwrap_or_default()),
            finalbody: Box::new(finalbody.unwrap_or_default()),
        })
        .boxed();

    // decorators: ('@' named_expression NEWLINE)*
    let decorators = op(R::At)
        .ignore_then(ex.named.clone())
        .then_ignore(just(Tok::Newline))
        .repeated()
        .collect::<Vec<_>>()
        .map(|mut v| {
            // The tree keeps the vector: no unused room.
            v.shrink_to_fit();
            v
        })
        .boxed();

    // function_def: decorators ['async'] 'def' NAME &&'(' [params] ')' ['->' expression] &&':' block
    let func = kw(Kw::Async)
        .or_not()
        .then(kw_span(Kw::Def))
        .then(name())
        .then_ignore(forced(R::LParen))
        .then(ex.def_params.clone().or_not())
        .then_ignore(op(R::RParen))
        .then(op(R::Arrow).ignore_then(ex.expression.clone()).or_not())
        .then_ignore(forced(R::Colon))
        .then(block.clone())
        .map_with(|v, e| (v, sp(e.span())))
        .boxed();
    // class_def: decorators 'class' NAME ['(' [arguments] ')'] ':' block
    let class = kw_span(Kw::Class)
        .then(name())
        .then(ex.call_args.clone().delimited_by(op(R::LParen), op(R::RParen)).or_not())
        .then_ignore(colon(invalid, "after the class name and bases"))
        .then(block)
        .map_with(|v, e| (v, sp(e.span())))
        .boxed();
    let definition = decorators
        .then(func.map(Ok).or(class.map(Err)))
        .validate(move |(decorators, def), e, em| match def {
            Ok(((((((is_async, at), name), params), returns), body), span)) => {
                let body = need(body, "function definition", at, e.state(), em);
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
                let body = need(body, "class definition", at, e.state(), em);
                let span = if decorators.is_empty() { span } else { sp(e.span()) };
                StmtKind::ClassDef(Rc::new(ClassDef { name, args: args.unwrap_or_default(), body, decorators, span }))
            }
        })
        .boxed();

    let kinds = if super::fast::enabled::<E>() {
        super::fast_stmt::compound([if_stmt, while_stmt, for_stmt, with_stmt, try_stmt, definition]).boxed()
    } else {
        choice((if_stmt, while_stmt, for_stmt, with_stmt, try_stmt, definition)).boxed()
    };
    kinds.map_with(|kind, e| Stmt { kind, span: sp(e.span()) }).boxed()
}
