//! Displays (`(...)`, `[...]`, `{...}`), strings, call arguments and parameter lists,
//! with CPython's second-pass rules for their common mistakes.

use super::expr::prepend;
use super::targets::leftmost;
use super::{name, op, raise, sp, Ctx, Extra, First, In, PassErr, State, P};
use crate::diagnostic::Diagnostic;
use crate::span::Span;
use crate::syntax::ast::*;
use crate::syntax::token::{Kw, Lit, RawTok as R, Tok};
use chumsky::input::Emitter;
use chumsky::prelude::*;
use std::rc::Rc;

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

fn comp(kind: CompKind, elt: Expr, value: Option<Expr>, mut generators: Vec<CompFor>, span: Span) -> Expr {
    // The tree keeps these vectors: no room for four clauses (or conditions) where one
    // is typical.
    generators.shrink_to_fit();
    for g in &mut generators {
        g.ifs.shrink_to_fit();
    }
    Expr::new(ExprKind::Comp(Rc::new(Comprehension { kind, elt, value, generators })), span)
}

/// A placeholder expression for a construct a raise has replaced.
fn placeholder(span: Span) -> Expr {
    Expr::new(ExprKind::Const(Constant::None), span)
}

/// `group | tuple | genexp`, `list | listcomp` and `dict | set | dictcomp | setcomp`.
#[allow(clippy::too_many_arguments, clippy::type_complexity)]
pub fn displays<'a, E: PassErr<'a>>(
    _c: &'a Ctx<'a>,
    invalid: bool,
    expr: P<'a, Expr, E>,
    _named: P<'a, Expr, E>,
    star_named: P<'a, Expr, E>,
    bor: P<'a, Expr, E>,
    yield_expr: P<'a, Expr, E>,
    for_if_clauses: P<'a, Vec<CompFor>, E>,
) -> (P<'a, Expr, E>, P<'a, Expr, E>, P<'a, Expr, E>) {
    // After a first element: a comprehension's clauses, or the rest of a comma list.
    // Parsing the first element once keeps nested brackets linear (no re-parsing).
    let rest_of_list = op(R::Comma)
        .ignore_then(star_named.clone())
        .repeated()
        .collect::<Vec<_>>()
        .then(op(R::Comma).or_not())
        .map(|(rest, comma)| (rest, comma.is_some()));
    let after_first = for_if_clauses
        .clone()
        .map(ListTail::Comp)
        .or(rest_of_list.map(|(rest, trailing)| ListTail::Items(rest, trailing)))
        .boxed();

    // group | tuple | genexp: '(' [yield_expr | star_named_expression (for_if_clauses | (',' star_named_expression)* [','])] ')'
    let paren = op(R::LParen)
        .ignore_then(
            yield_expr
                .map(|y| (y, ListTail::Items(vec![], false)))
                .or(star_named.clone().then(after_first.clone()))
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
                        Expr::new(ExprKind::Tuple(prepend(first, rest)), span)
                    }
                }
            }
        })
        .boxed();

    // list | listcomp: '[' [star_named_expression (for_if_clauses | (',' star_named_expression)* [','])] ']'
    let list = op(R::LBracket)
        .ignore_then(star_named.clone().then(after_first.clone()).or_not())
        .then_ignore(op(R::RBracket))
        .map_with(move |inner, e| {
            let span = sp(e.span());
            match inner {
                None => Expr::new(ExprKind::List(vec![]), span),
                Some((elt, ListTail::Comp(gens))) => comp(CompKind::List, elt, None, gens, span),
                Some((first, ListTail::Items(rest, _))) => {
                    Expr::new(ExprKind::List(prepend(first, rest)), span)
                }
            }
        })
        .boxed();

    // double_starred_kvpair: '**' bitwise_or | expression ':' expression
    let kvpair = op(R::DoubleStar)
        .ignore_then(bor.clone())
        .map(|v| (None, v))
        .or(expr.clone().then_ignore(op(R::Colon)).then(expr.clone()).map(|(k, v)| (Some(k), v)))
        .boxed();
    let dict_item = if invalid {
        // invalid_kvpair: a key without ':' or a ':' without a value, after a first pair.
        // The key is parsed once and what follows it decides (a failed pair re-parsing
        // it doubled the work per nested display).
        let dstar_pair = op(R::DoubleStar).ignore_then(bor.clone()).map(|v| (None, v));
        let after_key = choice((
            op(R::Colon).ignore_then(expr.clone()).map(Ok),
            op(R::Colon).then(choice((op(R::RBrace), op(R::Comma))).rewind()).or_not().map(Err),
        ));
        dstar_pair
            .or(expr.clone().then(after_key).validate(|(k, tail), e, em| match tail {
                Ok(v) => (Some(k), v),
                Err(colon) => {
                    let (msg, label) = match colon {
                        None => ("':' expected after dictionary key", "this key has no ':' and value"),
                        Some(_) => ("expression expected after dictionary key and ':'", "this key has no value"),
                    };
                    raise(e.state(), em, Diagnostic::syntax(k.span, msg).with_label(label));
                    // A placeholder value: the key again would double the tree per
                    // nested display (pass 2's trees are only for its messages).
                    let v = placeholder(k.span);
                    (Some(k), v)
                }
            }))
            .boxed()
    } else {
        kvpair
    };
    let rest_of_dict = op(R::Comma)
        .ignore_then(dict_item)
        .repeated()
        .collect::<Vec<_>>()
        .then_ignore(op(R::Comma).or_not());
    let brace = op(R::LBrace)
        .ignore_then(
            choice((
                op(R::DoubleStar).ignore_then(bor.clone()).then(rest_of_dict.clone()).map(|(v, rest)| {
                    BraceInner::Dict(prepend((None, v), rest))
                }),
                star_named
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
                            BraceInner::Dict(prepend((Some(first), v), rest))
                        }
                        Err(ListTail::Comp(gens)) => BraceInner::SetComp(first, gens),
                        Err(ListTail::Items(rest, _)) => {
                            BraceInner::Set(prepend(first, rest))
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
    (paren, list, brace)
}

/// What follows the first expression of pass 2's `named_expression` (see
/// [`invalid_named`]).
#[derive(Clone)]
pub enum NamedTail {
    /// `':=' expression`.
    Walrus(Expr),
    /// `'=' bitwise_or` not followed by `'='` or `':='`.
    Assign(Expr),
}

/// The tail of pass 2's `named_expression` after its first expression: `':=' expression`,
/// `'=' bitwise_or !('=' | ':=')`, or nothing.
fn named_tail<'a, E: PassErr<'a>>(
    expr: P<'a, Expr, E>,
    bor: P<'a, Expr, E>,
) -> impl Parser<'a, In<'a>, Option<NamedTail>, Extra<'a, E>> + Clone {
    let not_assign = choice((op(R::Assign), op(R::Walrus))).not();
    choice((
        op(R::Walrus).ignore_then(expr).map(NamedTail::Walrus),
        op(R::Assign).ignore_then(bor).then_ignore(not_assign).map(NamedTail::Assign),
    ))
    .or_not()
}

/// Pass 2's `named_expression` from its first expression `a` and its tail; `span` is
/// what the whole took. A name (one token at the start) with `':='` is the valid
/// `NAME ':=' expression`; the rest is CPython's `invalid_named_expression`.
fn finish_named<'a, E: PassErr<'a>>(a: Expr, tail: Option<NamedTail>, span: Span, st: &mut State, em: &mut Emitter<E>) -> Expr {
    match tail {
        None => a,
        Some(NamedTail::Walrus(v)) => {
            if let (ExprKind::Name(n), true) = (&a.kind, a.span.start == span.start) {
                let target = Ident { name: n.clone(), span: a.span };
                return Expr::new(ExprKind::NamedExpr(Box::new(target), Box::new(v)), span);
            }
            let msg = format!("cannot use assignment expressions with {}", a.describe());
            raise(st, em, Diagnostic::syntax(a.span, msg).with_label("only a name can be assigned with ':='"));
            a
        }
        Some(NamedTail::Assign(v)) => {
            let plain = !matches!(
                a.kind,
                ExprKind::Compare(..) | ExprKind::BoolOp(..) | ExprKind::Unary(UnaryOp::Not, _) | ExprKind::IfExp { .. } | ExprKind::Lambda(_)
            );
            let excluded = matches!(
                leftmost(&a).kind,
                ExprKind::List(_) | ExprKind::Tuple(_) | ExprKind::Const(Constant::None | Constant::Bool(_))
            ) || matches!(&leftmost(&a).kind, ExprKind::Comp(c) if c.kind == CompKind::Gen);
            if let ExprKind::Name(_) = a.kind {
                let d = Diagnostic::syntax(a.span.to(v.span), "invalid syntax. Maybe you meant '==' or ':=' instead of '='?")
                    .with_label("'=' assigns; it cannot be used in an expression")
                    .with_help("use '==' to compare, or ':=' to assign inside an expression");
                raise(st, em, d);
            } else if plain && !excluded {
                let msg = format!("cannot assign to {} here. Maybe you meant '==' instead of '='?", a.describe());
                raise(st, em, Diagnostic::syntax(a.span, msg).with_label("'=' assigns; '==' compares"));
            } else {
                st.first.get_or_insert(First::Generic);
                em.emit(E::custom(Diagnostic::syntax(a.span.to(v.span), "invalid syntax")));
            }
            a
        }
    }
}

/// Pass 2's `named_expression`: the valid `NAME ':=' expression`, or CPython's
/// `invalid_named_expression` (`expression ':=' expression`, `NAME '=' bitwise_or`,
/// `bitwise_or '=' bitwise_or`), or else a plain `expression`. The first expression is
/// parsed once and the token after it decides (trying `NAME ':='` first and then
/// `expression` again would parse a nested walrus's value twice per level).
pub fn invalid_named<'a, E: PassErr<'a>>(expr: P<'a, Expr, E>, bor: P<'a, Expr, E>) -> P<'a, Expr, E> {
    expr.clone()
        .then(named_tail(expr, bor))
        .validate(|(a, tail), e, em| finish_named(a, tail, sp(e.span()), e.state(), em))
        .boxed()
}

/// The parse extras of an argument's tail after its first expression, which they carry
/// (with its span) as their context.
type ArgExtra<'a, 'p, E> = chumsky::input::MapExtra<'a, 'p, In<'a>, chumsky::extra::Full<E, State, (Expr, Span)>>;

/// `arguments`: positional, `*e`, `NAME=e`, `**e`, or a sole bare generator expression.
pub fn call_args<'a, E: PassErr<'a>>(
    _c: &'a Ctx<'a>,
    invalid: bool,
    expr: P<'a, Expr, E>,
    named: P<'a, Expr, E>,
    bor: P<'a, Expr, E>,
    for_if_clauses: P<'a, Vec<CompFor>, E>,
) -> P<'a, Vec<Arg>, E> {
    let star = op(R::Star).ignore_then(expr.clone()).map(|v| (Arg::Star(v), false));
    let dstar = op(R::DoubleStar).ignore_then(expr.clone()).map(|v| (Arg::DoubleStar(v), false));
    let arg = if invalid {
        // invalid_kwarg
        let keyword_const = select_ref! {
            Tok::Kw(Kw::True) => "True", Tok::Kw(Kw::False) => "False", Tok::Kw(Kw::None) => "None",
        }
        .map_with(|k, e| (k, sp(e.span())))
        .then_ignore(op(R::Assign))
        .then(expr.clone().or_not())
        .validate(|((k, s), _), e, em| {
            raise(e.state(), em, Diagnostic::syntax(s, format!("cannot assign to {k}")));
            (Arg::Positional(placeholder(s)), false)
        });
        // NAME '=' expression, then either for_if_clauses (invalid_kwarg's "Maybe you
        // meant '=='": a keyword argument cannot be a bare generator) or nothing.
        let kwarg = name().then_ignore(op(R::Assign)).then(expr.clone()).then(for_if_clauses.clone().or_not()).validate(
            |((n, v), gens), e, em| {
                if gens.is_some() {
                    let d = Diagnostic::syntax(n.span.to(v.span), "invalid syntax. Maybe you meant '==' or ':=' instead of '='?");
                    raise(e.state(), em, d);
                }
                (Arg::Keyword(Box::new(n), v), false)
            },
        );
        // Else an expression, parsed once; the token after it decides: '=' is
        // invalid_kwarg's "expression cannot contain assignment", anything else the
        // rest of `named_expression` and an optional bare generator. (Trying each rule
        // with its own parse of the expression doubled the work per nested call.)
        let assign = op(R::Assign).ignore_then(expr.clone().or_not()).with_ctx(()).validate(|_, e: &mut ArgExtra<'a, '_, E>, em| {
            let a = e.ctx().0.clone();
            let d = Diagnostic::syntax(a.span, "expression cannot contain assignment, perhaps you meant \"==\"?")
                .with_label("only a name can be a keyword argument");
            raise(e.state(), em, d);
            (Arg::Positional(a), false)
        });
        let rest_of_named = named_tail(expr.clone(), bor)
            .map_with(|t, e| (t, sp(e.span())))
            .with_ctx(())
            .validate(|(tail, s), e: &mut ArgExtra<'a, '_, E>, em| {
                let (a, a_span) = e.ctx();
                let span = if tail.is_some() { a_span.to(s) } else { *a_span };
                finish_named(a.clone(), tail, span, e.state(), em)
            })
            .then(for_if_clauses.clone().or_not().with_ctx(()))
            .map_with(|(elt, gens), e: &mut ArgExtra<'a, '_, E>| match gens {
                None => (Arg::Positional(elt), false),
                Some(g) => {
                    let start = e.ctx().1;
                    let span = start.to(sp(e.span()));
                    (Arg::Positional(comp(CompKind::Gen, elt, None, g, span)), true)
                }
            });
        let expr_first = expr.clone().map_with(|a, e| (a, sp(e.span()))).ignore_with_ctx(assign.or(rest_of_named));
        choice((star, dstar, keyword_const, kwarg, expr_first)).boxed()
    } else {
        let kwarg = name().then_ignore(op(R::Assign)).then(expr.clone()).map(|(n, v)| (Arg::Keyword(Box::new(n), v), false));
        let positional = named.clone().then(for_if_clauses.clone().or_not()).map_with(move |(elt, gens), e| match gens {
            None => (Arg::Positional(elt), false),
            Some(g) => (Arg::Positional(comp(CompKind::Gen, elt, None, g, sp(e.span()))), true),
        });
        if super::fast::enabled::<E>() {
            // Pass 1's first run: each argument by its first tokens (`fast_expr.rs`).
            let list = super::fast_expr::call_args(star.boxed(), dstar.boxed(), kwarg.boxed(), positional.boxed());
            return list.validate(|args, e, em| check_bare_generators(args, e, em)).boxed();
        }
        choice((star, dstar, kwarg, positional)).boxed()
    };
    arg.separated_by(op(R::Comma)).allow_trailing().collect::<Vec<_>>().validate(|args, e, em| check_bare_generators(args, e, em)).boxed()
}

/// A bare generator expression must be a call's only argument; the arguments without
/// that flag.
fn check_bare_generators<'a, 'p, E: PassErr<'a>>(
    args: Vec<(Arg, bool)>,
    e: &mut chumsky::input::MapExtra<'a, 'p, In<'a>, Extra<'a, E>>,
    em: &mut Emitter<E>,
) -> Vec<Arg> {
    if args.len() > 1 {
        for (a, bare) in &args {
            if let (Arg::Positional(g), true) = (a, bare) {
                let d = Diagnostic::syntax(g.span, "Generator expression must be parenthesized")
                    .with_label("this generator expression is not the only argument");
                raise(e.state(), em, d);
            }
        }
    }
    args.into_iter().map(|(a, _)| a).collect::<Vec<_>>()
}

/// One parameter slot while parsing a parameter list.
enum ParamItem {
    Plain(Param),
    Slash(Span),
    Star(Option<Param>, Span, Option<Span>),
    DoubleStar(Param, Option<Span>),
}

/// `params` (for `def`, with annotations) or `lambda_params` (without).
pub fn params<'a, E: PassErr<'a>>(_c: &'a Ctx<'a>, _invalid: bool, expr: P<'a, Expr, E>, annotations: bool) -> P<'a, Params, E> {
    let annotation = if annotations { op(R::Colon).ignore_then(expr.clone()).or_not().boxed() } else { empty().to(None).boxed() };
    let param = name().then(annotation.clone());
    let default = op(R::Assign).map_with(|_, e| sp(e.span())).then_ignore(expr.clone()).or_not();
    let item = choice((
        op(R::DoubleStar)
            .ignore_then(param.clone())
            .then(default.clone())
            .map(|((name, annotation), d)| ParamItem::DoubleStar(Param { name, default: None, annotation }, d)),
        op(R::Star)
            .map_with(|_, e| sp(e.span()))
            .then(param.clone().or_not())
            .then(default.clone())
            .map(|((s, p), d)| ParamItem::Star(p.map(|(name, annotation)| Param { name, default: None, annotation }), s, d)),
        op(R::Slash).map_with(|_, e| ParamItem::Slash(sp(e.span()))),
        param
            .then(op(R::Assign).ignore_then(expr).or_not())
            .map(|((name, annotation), default)| ParamItem::Plain(Param { name, default, annotation })),
    ));
    item.separated_by(op(R::Comma))
        .at_least(1)
        .allow_trailing()
        .collect::<Vec<_>>()
        .validate(|items, e, em| {
            let span = sp(e.span());
            build_params(items, span, e.state(), em)
        })
        .boxed()
}

fn build_params<'a, E: PassErr<'a>>(items: Vec<ParamItem>, span: Span, st: &mut State, em: &mut Emitter<E>) -> Params {
    let mut p = Params::default();
    let mut seen_star = false;
    let mut seen_slash = false;
    let mut seen_default = false;
    let mut err = |s: Span, msg: &str| raise(st, em, Diagnostic::syntax(s, msg));
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
                if seen_slash {
                    err(s, "/ may appear only once");
                } else if seen_star {
                    err(s, "/ must be ahead of *");
                } else if p.args.is_empty() {
                    err(s, "at least one argument must precede /");
                }
                seen_slash = true;
                p.posonly.append(&mut p.args);
            }
            ParamItem::Star(param, s, default) => {
                if let Some(d) = default {
                    err(d, "var-positional argument cannot have default value");
                }
                if seen_star {
                    err(s, "* argument may appear only once");
                }
                seen_star = true;
                if param.is_none() && (i + 1 == n) {
                    err(s, "named arguments must follow bare *");
                }
                p.vararg = param.map(Box::new);
            }
            ParamItem::DoubleStar(param, default) => {
                if let Some(d) = default {
                    err(d, "var-keyword argument cannot have default value");
                }
                p.kwarg = Some(Box::new(param));
            }
        }
    }
    if seen_star && p.vararg.is_none() && p.kwonly.is_empty() && n > 0 {
        err(span, "named arguments must follow bare *");
    }
    // The tree keeps these: no room for four 120-byte parameters where one is used.
    p.posonly.shrink_to_fit();
    p.args.shrink_to_fit();
    p.kwonly.shrink_to_fit();
    p
}

/// `strings`: adjacent string, bytes and f-string literals, concatenated.
pub fn strings<'a, E: PassErr<'a>>(star_expressions: P<'a, Expr, E>, yield_expr: P<'a, Expr, E>) -> P<'a, Expr, E> {
    let field_value = yield_expr.or(star_expressions);
    let fstring = recursive(|field| {
        let text = select_ref! { Tok::FText(t) = e => FPart::Text(Rc::clone(&super::pool(e).texts[*t as usize])) };
        let spec = just(Tok::FSpec).ignore_then(text.or(field).repeated().collect::<Vec<_>>());
        just(Tok::FFieldStart)
            .ignore_then(field_value.clone())
            .then(select_ref! { Tok::FDebug(d) = e => Rc::clone(&super::pool(e).texts[*d as usize]) }.or_not())
            .then(select_ref! { Tok::FConv(c) => *c }.or_not())
            .then(spec.or_not())
            .then_ignore(just(Tok::FFieldEnd))
            .map(|(((value, debug), conversion), spec)| FPart::Field(Box::new(FField { value, debug, conversion, spec })))
    });
    let text = select_ref! { Tok::FText(t) = e => FPart::Text(Rc::clone(&super::pool(e).texts[*t as usize])) };
    let fstr = just(Tok::FStart)
        .ignore_then(text.or(fstring).repeated().collect::<Vec<_>>())
        .then_ignore(just(Tok::FEnd))
        .map(Piece::F);
    let lit = select_ref! { Tok::Lit(l) = e => Piece::L(Lit::clone(&super::pool(e).lits[*l as usize])) };
    lit.or(fstr)
        .map_with(|p, e| (p, sp(e.span())))
        .repeated()
        .at_least(1)
        .collect::<Vec<_>>()
        .validate(|pieces, e, emitter| concat_strings(pieces, sp(e.span()), e.state(), emitter))
        .boxed()
}

enum Piece {
    L(Lit),
    F(Vec<FPart>),
}

fn concat_strings<'a, E: PassErr<'a>>(pieces: Vec<(Piece, Span)>, span: Span, st: &mut State, em: &mut Emitter<E>) -> Expr {
    let is_bytes = |p: &Piece| matches!(p, Piece::L(Lit::Bytes(_)));
    let any_bytes = pieces.iter().any(|(p, _)| is_bytes(p));
    if any_bytes && !pieces.iter().all(|(p, _)| is_bytes(p)) {
        raise(st, em, Diagnostic::syntax(span, "cannot mix bytes and nonbytes literals"));
        return placeholder(span);
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
            return placeholder(span);
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
