//! Expression rules: from atoms up to `expression`, `star_expressions` and targets.
//!
//! Each builder's doc comment names the rule of `grammar/coro.ebnf` it implements.

use super::{kw, name, op, sp, Extra, In, P};
use crate::span::Span;
use crate::syntax::ast::*;
use crate::syntax::token::{Kw, Lit, RawTok as R, Tok};
use chumsky::prelude::*;
use std::rc::Rc;

/// The expression parsers other rules build on.
#[derive(Clone)]
pub struct ExprParsers<'a> {
    /// `expression`: a conditional expression or lambda.
    pub expression: P<'a, Expr>,
    /// `named_expression`: `NAME := expression` or `expression`.
    pub named: P<'a, Expr>,
    /// `star_expressions`: a comma list (a tuple when it has a comma).
    pub star_expressions: P<'a, Expr>,
    /// `star_named_expressions` inside brackets, as a list of items.
    pub disjunction: P<'a, Expr>,
    /// `bitwise_or`.
    pub bitwise_or: P<'a, Expr>,
    /// `star_targets`: for-loop and comprehension targets.
    pub star_targets: P<'a, Expr>,
    /// `star_target`: one target, as in `with ... as target`.
    pub star_target: P<'a, Expr>,
    /// `yield_expr`.
    pub yield_expr: P<'a, Expr>,
    /// `params` of a `def` (annotations allowed).
    pub def_params: P<'a, Params>,
    /// `args` of a call, without the parentheses.
    pub call_args: P<'a, Vec<Arg>>,
}

fn bin(l: Expr, o: BinOp, r: Expr) -> Expr {
    let span = l.span.to(r.span);
    Expr::new(ExprKind::Binary(Box::new(l), o, Box::new(r)), span)
}

/// Wrap a comma list into a tuple unless it is a single item without a trailing comma.
fn tuple_or_single(mut items: Vec<Expr>, trailing: bool, span: Span) -> Expr {
    if items.len() == 1 && !trailing {
        items.pop().unwrap()
    } else {
        Expr::new(ExprKind::Tuple(items), span)
    }
}

/// A comma-separated list of `item`, returning the items and whether a comma ended it.
fn comma_list<'a>(item: P<'a, Expr>) -> impl Parser<'a, In<'a>, (Vec<Expr>, bool), Extra<'a>> + Clone {
    item.clone()
        .then(op(R::Comma).ignore_then(item).repeated().collect::<Vec<_>>())
        .then(op(R::Comma).or_not())
        .map(|((first, mut rest), comma)| {
            rest.insert(0, first);
            (rest, comma.is_some())
        })
}

/// Build all expression parsers.
pub fn expr_parsers<'a>() -> ExprParsers<'a> {
    let mut expression: Recursive<chumsky::recursive::Indirect<'a, 'a, In<'a>, Expr, Extra<'a>>> =
        Recursive::declare();
    let expr: P<'a, Expr> = expression.clone().boxed();

    // named_expression: NAME ':=' expression | expression !':='
    let named = name()
        .then_ignore(op(R::Walrus))
        .then(expr.clone())
        .map_with(|(n, v), e| Expr::new(ExprKind::NamedExpr(n, Box::new(v)), sp(e.span())))
        .or(expr.clone())
        .boxed();

    // Filled in below, once `bitwise_or` exists.
    let mut star_named: Recursive<chumsky::recursive::Indirect<'a, 'a, In<'a>, Expr, Extra<'a>>> =
        Recursive::declare();
    let mut disjunction_r: Recursive<chumsky::recursive::Indirect<'a, 'a, In<'a>, Expr, Extra<'a>>> =
        Recursive::declare();
    let mut star_targets_r: Recursive<chumsky::recursive::Indirect<'a, 'a, In<'a>, Expr, Extra<'a>>> =
        Recursive::declare();
    let mut bitwise_or_r: Recursive<chumsky::recursive::Indirect<'a, 'a, In<'a>, Expr, Extra<'a>>> =
        Recursive::declare();
    let star_named_b = star_named.clone().boxed();
    let disjunction_b = disjunction_r.clone().boxed();
    let star_targets_b = star_targets_r.clone().boxed();

    // star_expressions: star_expression (',' star_expression)* [',']
    let star_expression = op(R::Star)
        .ignore_then(bitwise_or_r.clone())
        .map_with(|v, e| Expr::new(ExprKind::Starred(Box::new(v)), sp(e.span())))
        .or(expr.clone())
        .boxed();
    let star_expressions = comma_list(star_expression)
        .map_with(|(items, trailing), e| tuple_or_single(items, trailing, sp(e.span())))
        .boxed();

    // yield_expr: 'yield' 'from' expression | 'yield' [star_expressions]
    let yield_expr = kw(Kw::Yield)
        .ignore_then(
            kw(Kw::From)
                .ignore_then(expr.clone())
                .map(|v| Ok(Box::new(v)))
                .or(star_expressions.clone().or_not().map(|v| Err(v.map(Box::new)))),
        )
        .map_with(|v, e| {
            let kind = match v {
                Ok(from) => ExprKind::YieldFrom(from),
                Err(value) => ExprKind::Yield(value),
            };
            Expr::new(kind, sp(e.span()))
        })
        .boxed();

    // for_if_clauses: (['async'] 'for' star_targets 'in' disjunction ('if' disjunction)*)+
    let for_if_clauses = kw(Kw::Async)
        .or_not()
        .then_ignore(kw(Kw::For))
        .then(star_targets_b.clone())
        .then_ignore(kw(Kw::In))
        .then(disjunction_b.clone())
        .then(kw(Kw::If).ignore_then(disjunction_b.clone()).repeated().collect::<Vec<_>>())
        .map(|(((is_async, target), iter), ifs)| CompFor { is_async: is_async.is_some(), target, iter, ifs })
        .repeated()
        .at_least(1)
        .collect::<Vec<_>>()
        .boxed();

    let comp = |kind: CompKind, elt: Expr, value: Option<Expr>, generators: Vec<CompFor>, span: Span| {
        Expr::new(ExprKind::Comp(Rc::new(Comprehension { kind, elt, value, generators })), span)
    };

    // After a first element: a comprehension's clauses, or the rest of a comma list.
    // Parsing the first element once keeps nested brackets linear (no re-parsing).
    let rest_of_list = op(R::Comma)
        .ignore_then(star_named_b.clone())
        .repeated()
        .collect::<Vec<_>>()
        .then(op(R::Comma).or_not())
        .map(|(rest, comma)| (rest, comma.is_some()));
    let after_first = for_if_clauses
        .clone()
        .map(ListTail::Comp)
        .or(rest_of_list.clone().map(|(rest, trailing)| ListTail::Items(rest, trailing)))
        .boxed();

    // group | tuple | genexp: '(' [yield_expr | star_named_expression (for_if_clauses | (',' star_named_expression)* [','])] ')'
    let paren = op(R::LParen)
        .ignore_then(
            yield_expr
                .clone()
                .map(|y| (y, ListTail::Items(vec![], false)))
                .or(star_named_b.clone().then(after_first.clone()))
                .or_not(),
        )
        .then_ignore(op(R::RParen))
        .map_with(move |inner, e| {
            let span = sp(e.span());
            match inner {
                None => Expr::new(ExprKind::Tuple(vec![]), span),
                Some((elt, ListTail::Comp(gens))) => comp(CompKind::Gen, elt, None, gens, span),
                Some((mut first, ListTail::Items(rest, trailing))) => {
                    if rest.is_empty() && !trailing {
                        if matches!(first.kind, ExprKind::Tuple(_)) {
                            first.span = span;
                        }
                        first
                    } else {
                        let mut items = vec![first];
                        items.extend(rest);
                        Expr::new(ExprKind::Tuple(items), span)
                    }
                }
            }
        })
        .boxed();

    // list | listcomp: '[' [star_named_expression (for_if_clauses | (',' star_named_expression)* [','])] ']'
    let list = op(R::LBracket)
        .ignore_then(star_named_b.clone().then(after_first.clone()).or_not())
        .then_ignore(op(R::RBracket))
        .map_with(move |inner, e| {
            let span = sp(e.span());
            match inner {
                None => Expr::new(ExprKind::List(vec![]), span),
                Some((elt, ListTail::Comp(gens))) => comp(CompKind::List, elt, None, gens, span),
                Some((first, ListTail::Items(rest, _))) => {
                    let mut items = vec![first];
                    items.extend(rest);
                    Expr::new(ExprKind::List(items), span)
                }
            }
        })
        .boxed();

    // dict | set | dictcomp | setcomp: '{' ... '}'
    let dict_item = op(R::DoubleStar)
        .ignore_then(bitwise_or_r.clone())
        .map(|v| (None, v))
        .or(expr.clone().then_ignore(op(R::Colon)).then(expr.clone()).map(|(k, v)| (Some(k), v)));
    let rest_of_dict = op(R::Comma)
        .ignore_then(dict_item.clone())
        .repeated()
        .collect::<Vec<_>>()
        .then_ignore(op(R::Comma).or_not());
    let brace = op(R::LBrace)
        .ignore_then(
            choice((
                op(R::DoubleStar)
                    .ignore_then(bitwise_or_r.clone())
                    .then(rest_of_dict.clone())
                    .map(|(v, rest)| {
                        let mut items = vec![(None, v)];
                        items.extend(rest);
                        BraceInner::Dict(items)
                    }),
                star_named_b
                    .clone()
                    .then(
                        op(R::Colon)
                            .ignore_then(expr.clone())
                            .then(for_if_clauses.clone().map(Ok).or(rest_of_dict.map(Err)))
                            .map(Ok)
                            .or(after_first.clone().map(Err)),
                    )
                    .map(|(first, tail)| match tail {
                        Ok((v, Ok(gens))) => BraceInner::DictComp(first, v, gens),
                        Ok((v, Err(rest))) => {
                            let mut items = vec![(Some(first), v)];
                            items.extend(rest);
                            BraceInner::Dict(items)
                        }
                        Err(ListTail::Comp(gens)) => BraceInner::SetComp(first, gens),
                        Err(ListTail::Items(rest, _)) => {
                            let mut items = vec![first];
                            items.extend(rest);
                            BraceInner::Set(items)
                        }
                    }),
            ))
            .or_not(),
        )
        .then_ignore(op(R::RBrace))
        .map_with(move |inner, e| {
            let span = sp(e.span());
            match inner {
                None => Expr::new(ExprKind::Dict(vec![]), span),
                Some(BraceInner::Dict(items)) => Expr::new(ExprKind::Dict(items), span),
                Some(BraceInner::Set(items)) => Expr::new(ExprKind::Set(items), span),
                Some(BraceInner::DictComp(k, v, g)) => comp(CompKind::Dict, k, Some(v), g, span),
                Some(BraceInner::SetComp(elt, g)) => comp(CompKind::Set, elt, None, g, span),
            }
        })
        .boxed();

    let strings = strings(star_expressions.clone(), yield_expr.clone());

    // atom: NAME | 'True' | 'False' | 'None' | strings | NUMBER | tuple | group | genexp | list | dict | set | '...'
    let atom = choice((
        select! {
            Tok::Name(n) = e => Expr::new(ExprKind::Name(n), sp(e.span())),
            Tok::Kw(Kw::True) = e => Expr::new(ExprKind::Const(Constant::Bool(true)), sp(e.span())),
            Tok::Kw(Kw::False) = e => Expr::new(ExprKind::Const(Constant::Bool(false)), sp(e.span())),
            Tok::Kw(Kw::None) = e => Expr::new(ExprKind::Const(Constant::None), sp(e.span())),
            Tok::Int(v) = e => Expr::new(ExprKind::Const(Constant::Int(v)), sp(e.span())),
            Tok::BigInt(v) = e => Expr::new(ExprKind::Const(Constant::BigInt(v)), sp(e.span())),
            Tok::Float(v) = e => Expr::new(ExprKind::Const(Constant::Float(v)), sp(e.span())),
            Tok::Op(R::Ellipsis) = e => Expr::new(ExprKind::Const(Constant::Ellipsis), sp(e.span())),
        },
        strings,
        paren,
        list,
        brace,
    ))
    .labelled("expression")
    .boxed();

    // slices: slice | slice (',' slice)* [',']
    // slice: [expression] ':' [expression] [':' [expression]] | named_expression | '*' bitwise_or
    let slice_rest = op(R::Colon)
        .ignore_then(expr.clone().or_not())
        .then(op(R::Colon).ignore_then(expr.clone().or_not()).or_not());
    let slice = choice((
        slice_rest.clone().map(|r| (None, Some(r))),
        named.clone().then(slice_rest.or_not()).map(|(lo, r)| (Some(lo), r)),
        star_expression_in_index(bitwise_or_r.clone().boxed()).map(|s| (Some(s), None)),
    ))
    .map_with(|(lo, rest), e| match rest {
        None => lo.unwrap(),
        Some((hi, step)) => Expr::new(
            ExprKind::Slice(lo.map(Box::new), hi.map(Box::new), step.flatten().map(Box::new)),
            sp(e.span()),
        ),
    })
    .boxed();
    let slices = comma_list(slice).map_with(|(items, trailing), e| tuple_or_single(items, trailing, sp(e.span())));

    // args: arg (',' arg)* [','] where arg is positional, '*' e, NAME '=' e, '**' e, or a bare genexp
    let arg = choice((
        op(R::Star).ignore_then(expr.clone()).map(|v| (Arg::Star(v), false)),
        op(R::DoubleStar).ignore_then(expr.clone()).map(|v| (Arg::DoubleStar(v), false)),
        name().then_ignore(op(R::Assign)).then(expr.clone()).map(|(n, v)| (Arg::Keyword(n, v), false)),
        named.clone().then(for_if_clauses.clone().or_not()).map_with(move |(elt, gens), e| match gens {
            None => (Arg::Positional(elt), false),
            Some(g) => (Arg::Positional(comp(CompKind::Gen, elt, None, g, sp(e.span()))), true),
        }),
    ));
    let call_args = arg
        .separated_by(op(R::Comma))
        .allow_trailing()
        .collect::<Vec<_>>()
        .validate(|args, _, em| {
            if args.len() > 1 {
                for (a, bare) in &args {
                    if let (Arg::Positional(g), true) = (a, bare) {
                        em.emit(Rich::custom(SimpleSpan::from(g.span.range()), "Generator expression must be parenthesized"));
                    }
                }
            }
            args.into_iter().map(|(a, _)| a).collect::<Vec<_>>()
        })
        .boxed();

    enum Trailer {
        Attr(Ident),
        Call(Vec<Arg>),
        Index(Expr),
    }
    let trailer = choice((
        op(R::Dot).ignore_then(name()).map(Trailer::Attr),
        call_args.clone().delimited_by(op(R::LParen), op(R::RParen)).map(Trailer::Call),
        slices.delimited_by(op(R::LBracket), op(R::RBracket)).map(Trailer::Index),
    ));

    // primary: atom ('.' NAME | '(' args ')' | '[' slices ']')*
    let primary = atom
        .foldl_with(trailer.repeated(), |a, t, e| {
            let span = sp(e.span());
            let kind = match t {
                Trailer::Attr(n) => ExprKind::Attribute(Box::new(a), n),
                Trailer::Call(args) => ExprKind::Call(Box::new(a), args),
                Trailer::Index(i) => ExprKind::Subscript(Box::new(a), Box::new(i)),
            };
            Expr::new(kind, span)
        })
        .boxed();

    // await_primary: 'await' primary | primary
    let await_primary = kw(Kw::Await)
        .ignore_then(primary.clone())
        .map_with(|v, e| Expr::new(ExprKind::Await(Box::new(v)), sp(e.span())))
        .or(primary.clone())
        .boxed();

    // factor: ('+' | '-' | '~') factor | power;  power: await_primary ['**' factor]
    let factor = recursive(|factor| {
        let power = await_primary
            .clone()
            .then(op(R::DoubleStar).ignore_then(factor).or_not())
            .map(|(base, exp)| match exp {
                Some(exp) => bin(base, BinOp::Pow, exp),
                None => base,
            });
        let unary = select! {
            Tok::Op(R::Minus) => UnaryOp::Neg,
            Tok::Op(R::Plus) => UnaryOp::Pos,
            Tok::Op(R::Tilde) => UnaryOp::Invert,
        }
        .map_with(|o, e| (o, sp(e.span())));
        unary.repeated().foldr(power, |(o, s), v: Expr| {
            let span = s.to(v.span);
            Expr::new(ExprKind::Unary(o, Box::new(v)), span)
        })
    })
    .boxed();

    let binary_level = |lower: P<'a, Expr>, ops: Vec<(R, BinOp)>| -> P<'a, Expr> {
        let op_parser = choice(ops.into_iter().map(|(r, b)| op(r).to(b).boxed()).collect::<Vec<_>>());
        lower
            .clone()
            .foldl(op_parser.then(lower).repeated(), |l, (o, r)| bin(l, o, r))
            .boxed()
    };
    // term, sum, shift_expr, bitwise_and, bitwise_xor, bitwise_or
    let term = binary_level(
        factor,
        vec![(R::Star, BinOp::Mul), (R::Slash, BinOp::Div), (R::DoubleSlash, BinOp::FloorDiv), (R::Percent, BinOp::Mod), (R::At, BinOp::MatMul)],
    );
    let sum = binary_level(term, vec![(R::Plus, BinOp::Add), (R::Minus, BinOp::Sub)]);
    let shift = binary_level(sum, vec![(R::LShift, BinOp::LShift), (R::RShift, BinOp::RShift)]);
    let band = binary_level(shift, vec![(R::Amp, BinOp::BitAnd)]);
    let bxor = binary_level(band, vec![(R::Caret, BinOp::BitXor)]);
    let bor = binary_level(bxor, vec![(R::Pipe, BinOp::BitOr)]);
    bitwise_or_r.define(bor.clone());

    // comparison: bitwise_or (compare_op bitwise_or)*
    let cmp_op = choice((
        select! {
            Tok::Op(R::EqEq) => CmpOp::Eq,
            Tok::Op(R::NotEq) => CmpOp::NotEq,
            Tok::Op(R::Lt) => CmpOp::Lt,
            Tok::Op(R::Le) => CmpOp::LtE,
            Tok::Op(R::Gt) => CmpOp::Gt,
            Tok::Op(R::Ge) => CmpOp::GtE,
            Tok::Kw(Kw::In) => CmpOp::In,
        },
        kw(Kw::Not).then(kw(Kw::In)).to(CmpOp::NotIn),
        kw(Kw::Is).then(kw(Kw::Not)).to(CmpOp::IsNot),
        kw(Kw::Is).to(CmpOp::Is),
    ));
    let comparison = bor
        .clone()
        .then(cmp_op.then(bor.clone()).repeated().collect::<Vec<_>>())
        .map_with(|(first, rest), e| {
            if rest.is_empty() {
                first
            } else {
                Expr::new(ExprKind::Compare(Box::new(first), rest), sp(e.span()))
            }
        })
        .boxed();

    // inversion: 'not' inversion | comparison
    let inversion = kw(Kw::Not)
        .map_with(|_, e| sp(e.span()))
        .repeated()
        .foldr(comparison, |s, v: Expr| {
            let span = s.to(v.span);
            Expr::new(ExprKind::Unary(UnaryOp::Not, Box::new(v)), span)
        })
        .boxed();

    let bool_level = |lower: P<'a, Expr>, k: Kw, o: BoolOp| -> P<'a, Expr> {
        lower
            .clone()
            .then(kw(k).ignore_then(lower).repeated().collect::<Vec<_>>())
            .map_with(move |(first, mut rest), e| {
                if rest.is_empty() {
                    first
                } else {
                    rest.insert(0, first);
                    Expr::new(ExprKind::BoolOp(o, rest), sp(e.span()))
                }
            })
            .boxed()
    };
    // conjunction, disjunction
    let conjunction = bool_level(inversion, Kw::And, BoolOp::And);
    let disjunction = bool_level(conjunction, Kw::Or, BoolOp::Or);
    disjunction_r.define(disjunction.clone());

    let lambda_params = params(expr.clone(), false);
    // lambdef: 'lambda' [lambda_params] ':' expression
    let lambdef = kw(Kw::Lambda)
        .map_with(|_, e| sp(e.span()))
        .then(lambda_params.or_not())
        .then_ignore(op(R::Colon))
        .then(expr.clone())
        .map_with(|((kw_span, params), body), e| {
            let span = sp(e.span());
            let ret = Stmt { span: body.span, kind: StmtKind::Return(Some(body)) };
            Expr::new(
                ExprKind::Lambda(Rc::new(FunctionDef {
                    name: Ident { name: Rc::from("<lambda>"), span: kw_span },
                    params: params.unwrap_or_default(),
                    body: vec![ret],
                    decorators: vec![],
                    is_async: false,
                    is_lambda: true,
                    returns: None,
                    kind: Default::default(),
                    span,
                })),
                span,
            )
        });

    // expression: disjunction ['if' disjunction 'else' expression] | lambdef
    let conditional = disjunction
        .clone()
        .then(kw(Kw::If).ignore_then(disjunction.clone()).then_ignore(kw(Kw::Else)).then(expression.clone()).or_not())
        .map_with(|(body, rest), e| match rest {
            None => body,
            Some((test, orelse)) => Expr::new(
                ExprKind::IfExp { test: Box::new(test), body: Box::new(body), orelse: Box::new(orelse) },
                sp(e.span()),
            ),
        });
    expression.define(lambdef.or(conditional));

    // star_named_expression: '*' bitwise_or | named_expression
    star_named.define(
        op(R::Star)
            .ignore_then(bor.clone())
            .map_with(|v, e| Expr::new(ExprKind::Starred(Box::new(v)), sp(e.span())))
            .or(named.clone()),
    );

    // star_targets: star_target (',' star_target)* [','];  star_target: ['*'] target_primary
    let star_target = op(R::Star)
        .ignore_then(primary.clone())
        .map_with(|v, e| Expr::new(ExprKind::Starred(Box::new(v)), sp(e.span())))
        .or(primary.clone())
        .boxed();
    star_targets_r.define(
        comma_list(star_target.clone()).map_with(|(items, trailing), e| tuple_or_single(items, trailing, sp(e.span()))),
    );

    ExprParsers {
        expression: expr.clone(),
        named,
        star_expressions,
        disjunction: disjunction_b,
        bitwise_or: bor,
        star_targets: star_targets_b,
        star_target,
        yield_expr,
        def_params: params(expr.clone(), true),
        call_args,
    }
}

/// `*expr` inside a subscript (`a[*b]`), accepted by 3.11.
fn star_expression_in_index<'a>(bor: P<'a, Expr>) -> P<'a, Expr> {
    op(R::Star)
        .ignore_then(bor)
        .map_with(|v, e| Expr::new(ExprKind::Starred(Box::new(v)), sp(e.span())))
        .boxed()
}

#[derive(Clone)]
enum ListTail {
    Comp(Vec<CompFor>),
    Items(Vec<Expr>, bool),
}

enum BraceInner {
    Dict(Vec<(Option<Expr>, Expr)>),
    Set(Vec<Expr>),
    DictComp(Expr, Expr, Vec<CompFor>),
    SetComp(Expr, Vec<CompFor>),
}

/// One parameter slot while parsing a parameter list.
enum ParamItem {
    Plain(Param),
    Slash(Span),
    Star(Option<Param>, Span),
    DoubleStar(Param),
}

/// `params` (for `def`, with annotations) or `lambda_params` (without).
pub fn params<'a>(expr: P<'a, Expr>, annotations: bool) -> P<'a, Params> {
    let annotation = if annotations {
        op(R::Colon).ignore_then(expr.clone()).or_not().boxed()
    } else {
        empty().to(None).boxed()
    };
    let param = name().then(annotation.clone());
    let item = choice((
        op(R::DoubleStar)
            .ignore_then(param.clone())
            .map(|(name, annotation)| ParamItem::DoubleStar(Param { name, default: None, annotation })),
        op(R::Star)
            .map_with(|_, e| sp(e.span()))
            .then(param.clone().or_not())
            .map(|(s, p)| ParamItem::Star(p.map(|(name, annotation)| Param { name, default: None, annotation }), s)),
        op(R::Slash).map_with(|_, e| ParamItem::Slash(sp(e.span()))),
        param
            .then(op(R::Assign).ignore_then(expr).or_not())
            .map(|((name, annotation), default)| ParamItem::Plain(Param { name, default, annotation })),
    ));
    item.separated_by(op(R::Comma))
        .at_least(1)
        .allow_trailing()
        .collect::<Vec<_>>()
        .validate(|items, e, emitter| build_params(items, sp(e.span()), emitter))
        .boxed()
}

fn build_params(
    items: Vec<ParamItem>,
    span: Span,
    emitter: &mut chumsky::input::Emitter<Rich<'_, Tok, SimpleSpan>>,
) -> Params {
    let mut p = Params::default();
    let mut seen_star = false;
    let mut seen_default = false;
    let mut err = |s: Span, msg: &str| emitter.emit(Rich::custom(SimpleSpan::from(s.range()), msg));
    let n = items.len();
    for (i, item) in items.into_iter().enumerate() {
        if p.kwarg.is_some() {
            err(span, "arguments cannot follow var-keyword argument");
            break;
        }
        match item {
            ParamItem::Plain(param) => {
                if seen_star {
                    p.kwonly.push(param);
                } else {
                    if param.default.is_some() {
                        seen_default = true;
                    } else if seen_default {
                        err(param.name.span, "non-default argument follows default argument");
                    }
                    p.args.push(param);
                }
            }
            ParamItem::Slash(s) => {
                if seen_star || !p.posonly.is_empty() || p.args.is_empty() {
                    err(s, if seen_star { "/ must be ahead of *" } else { "at least one argument must precede /" });
                }
                p.posonly = std::mem::take(&mut p.args);
            }
            ParamItem::Star(param, s) => {
                if seen_star {
                    err(s, "* argument may appear only once");
                }
                seen_star = true;
                if param.is_none() && (i + 1 == n) {
                    err(s, "named arguments must follow bare *");
                }
                p.vararg = param;
            }
            ParamItem::DoubleStar(param) => p.kwarg = Some(param),
        }
    }
    if seen_star && p.vararg.is_none() && p.kwonly.is_empty() && n > 0 {
        err(span, "named arguments must follow bare *");
    }
    p
}

/// `strings`: adjacent string, bytes and f-string literals, concatenated.
fn strings<'a>(star_expressions: P<'a, Expr>, yield_expr: P<'a, Expr>) -> P<'a, Expr> {
    let field_value = yield_expr.or(star_expressions);
    let fstring = recursive(|field| {
        let text = select! { Tok::FText(t) => FPart::Text(t) };
        let spec = just(Tok::FSpec).ignore_then(text.or(field).repeated().collect::<Vec<_>>());
        just(Tok::FFieldStart)
            .ignore_then(field_value.clone())
            .then(select! { Tok::FDebug(d) => d }.or_not())
            .then(select! { Tok::FConv(c) => c }.or_not())
            .then(spec.or_not())
            .then_ignore(just(Tok::FFieldEnd))
            .map(|(((value, debug), conversion), spec)| {
                FPart::Field(Box::new(FField { value, debug, conversion, spec }))
            })
    });
    let text = select! { Tok::FText(t) => FPart::Text(t) };
    let fstr = just(Tok::FStart)
        .ignore_then(text.or(fstring).repeated().collect::<Vec<_>>())
        .then_ignore(just(Tok::FEnd))
        .map(Piece::F);
    let lit = select! { Tok::Lit(l) => Piece::L(l) };
    lit.or(fstr)
        .map_with(|p, e| (p, sp(e.span())))
        .repeated()
        .at_least(1)
        .collect::<Vec<_>>()
        .validate(|pieces, e, emitter| concat_strings(pieces, sp(e.span()), emitter))
        .boxed()
}

enum Piece {
    L(Lit),
    F(Vec<FPart>),
}

fn concat_strings(
    pieces: Vec<(Piece, Span)>,
    span: Span,
    emitter: &mut chumsky::input::Emitter<Rich<'_, Tok, SimpleSpan>>,
) -> Expr {
    let is_bytes = |p: &Piece| matches!(p, Piece::L(Lit::Bytes(_)));
    let any_bytes = pieces.iter().any(|(p, _)| is_bytes(p));
    if any_bytes && !pieces.iter().all(|(p, _)| is_bytes(p)) {
        emitter.emit(Rich::custom(SimpleSpan::from(span.range()), "cannot mix bytes and nonbytes literals"));
        return Expr::new(ExprKind::Const(Constant::None), span);
    }
    if any_bytes {
        let mut out = Vec::new();
        for (p, _) in pieces {
            if let Piece::L(Lit::Bytes(b)) = p {
                out.extend_from_slice(&b);
            }
        }
        return Expr::new(ExprKind::Const(Constant::Bytes(Rc::from(out))), span);
    }
    if pieces.iter().all(|(p, _)| matches!(p, Piece::L(_))) {
        if pieces.len() == 1 {
            if let Some((Piece::L(Lit::Str(s)), _)) = pieces.into_iter().next() {
                return Expr::new(ExprKind::Const(Constant::Str(s)), span);
            }
            unreachable!()
        }
        let mut out = String::new();
        for (p, _) in pieces {
            if let Piece::L(Lit::Str(s)) = p {
                out.push_str(&s);
            }
        }
        return Expr::new(ExprKind::Const(Constant::Str(Rc::from(out))), span);
    }
    let mut parts: Vec<FPart> = Vec::new();
    let push_text = |parts: &mut Vec<FPart>, t: Rc<str>| {
        if let Some(FPart::Text(prev)) = parts.last_mut() {
            let joined = format!("{prev}{t}");
            *prev = Rc::from(joined);
        } else if !t.is_empty() {
            parts.push(FPart::Text(t));
        }
    };
    for (p, _) in pieces {
        match p {
            Piece::L(Lit::Str(s)) => push_text(&mut parts, s),
            Piece::L(Lit::Bytes(_)) => {}
            Piece::F(fparts) => {
                for fp in fparts {
                    match fp {
                        FPart::Text(t) => push_text(&mut parts, t),
                        field => parts.push(field),
                    }
                }
            }
        }
    }
    Expr::new(ExprKind::FString(parts), span)
}
