//! Expression rules: from atoms up to `expression`, `star_expressions` and targets.
//!
//! Each builder's doc comment names the rule of `grammar/coro.ebnf` it implements. The
//! binary operators from `bitwise_or` down to `term` are one precedence-climbing loop
//! over a flat operand list, so a 100,000-term sum neither recurses nor re-parses.

use super::args::{call_args, strings};
use super::fast;
use super::targets::{check_target, TargetCtx};
use super::{kw, name, op, pool, raise, sp, Ctx, Extra, In, PassErr, P};
use crate::diagnostic::Diagnostic;
use crate::span::Span;
use crate::syntax::ast::*;
use crate::syntax::token::{Kw, RawTok as R, Tok};
use chumsky::prelude::*;
use std::rc::Rc;

type Rec<'a, E> = Recursive<chumsky::recursive::Indirect<'a, 'a, In<'a>, Expr, Extra<'a, E>>>;

/// The expression parsers other rules build on.
#[derive(Clone)]
pub struct ExprParsers<'a, E: PassErr<'a>> {
    /// `expression`: a conditional expression or lambda.
    pub expression: P<'a, Expr, E>,
    /// `named_expression`: `NAME := expression` or `expression`.
    pub named: P<'a, Expr, E>,
    /// `star_expressions`: a comma list (a tuple when it has a comma).
    pub star_expressions: P<'a, Expr, E>,
    /// `star_targets`: for-loop and comprehension targets.
    pub star_targets: P<'a, Expr, E>,
    /// `star_target`: one target, as in `with ... as target`.
    pub star_target: P<'a, Expr, E>,
    /// `yield_expr`.
    pub yield_expr: P<'a, Expr, E>,
    /// `params` of a `def` (annotations allowed).
    pub def_params: P<'a, Params, E>,
    /// `arguments` of a call, without the parentheses.
    pub call_args: P<'a, Vec<Arg>, E>,
}

/// `a op b`.
pub fn bin(l: Expr, o: BinOp, r: Expr) -> Expr {
    let span = l.span.to(r.span);
    Expr::new(ExprKind::Binary(Box::new(l), o, Box::new(r)), span)
}

/// Wrap a comma list into a tuple unless it is a single item without a trailing comma.
pub fn tuple_or_single(first: Expr, rest: Vec<Expr>, trailing: bool, span: Span) -> Expr {
    if rest.is_empty() && !trailing {
        return first;
    }
    Expr::new(ExprKind::Tuple(prepend(first, rest)), span)
}

/// `first` followed by `rest`, in a vector of their exact number (`vec![first]` then
/// `extend` would keep room for at least four, which the tree then holds).
pub fn prepend<T>(first: T, rest: Vec<T>) -> Vec<T> {
    let mut items = Vec::with_capacity(rest.len() + 1);
    items.push(first);
    items.extend(rest);
    items
}

/// A comma-separated list of `item`: the first item, the others, and whether a comma
/// ended it (no vector is built for a single item).
pub fn comma_list<'a, E: PassErr<'a>>(
    item: P<'a, Expr, E>,
) -> impl Parser<'a, In<'a>, (Expr, Vec<Expr>, bool), Extra<'a, E>> + Clone {
    item.clone()
        .then(op(R::Comma).ignore_then(item).repeated().collect::<Vec<_>>())
        .then(op(R::Comma).or_not())
        .map(|((first, rest), comma)| (first, rest, comma.is_some()))
}

/// The binary operators of `bitwise_or` down to `term`, with their precedence: the one
/// table of the `binop` rule and of pass 1's loops (`fast.rs`).
pub(super) fn binop_of(t: &Tok) -> Option<(BinOp, u8)> {
    Some(match t {
        Tok::Op(R::Pipe) => (BinOp::BitOr, 1),
        Tok::Op(R::Caret) => (BinOp::BitXor, 2),
        Tok::Op(R::Amp) => (BinOp::BitAnd, 3),
        Tok::Op(R::LShift) => (BinOp::LShift, 4),
        Tok::Op(R::RShift) => (BinOp::RShift, 4),
        Tok::Op(R::Plus) => (BinOp::Add, 5),
        Tok::Op(R::Minus) => (BinOp::Sub, 5),
        Tok::Op(R::Star) => (BinOp::Mul, 6),
        Tok::Op(R::Slash) => (BinOp::Div, 6),
        Tok::Op(R::DoubleSlash) => (BinOp::FloorDiv, 6),
        Tok::Op(R::Percent) => (BinOp::Mod, 6),
        Tok::Op(R::At) => (BinOp::MatMul, 6),
        _ => return None,
    })
}

/// Fold a flat `operand (op operand)*` list by precedence (all left-associative).
pub(super) fn climb(first: Expr, rest: Vec<((BinOp, u8), Expr)>) -> Expr {
    if rest.len() <= 1 {
        // No operator, or one (the common cases): nothing to order.
        return match rest.into_iter().next() {
            Some(((o, _), rhs)) => bin(first, o, rhs),
            None => first,
        };
    }
    let mut operands = Vec::with_capacity(rest.len() + 1);
    operands.push(first);
    let mut ops: Vec<(BinOp, u8)> = Vec::with_capacity(rest.len());
    let reduce = |operands: &mut Vec<Expr>, o: BinOp| {
        if let (Some(r), Some(l)) = (operands.pop(), operands.pop()) {
            operands.push(bin(l, o, r));
        }
    };
    for ((o, p), rhs) in rest {
        while let Some(&(top, tp)) = ops.last() {
            if tp < p {
                break;
            }
            ops.pop();
            reduce(&mut operands, top);
        }
        ops.push((o, p));
        operands.push(rhs);
    }
    while let Some((top, _)) = ops.pop() {
        reduce(&mut operands, top);
    }
    operands.pop().unwrap_or_else(|| Expr::new(ExprKind::Tuple(vec![]), Span::default()))
}

/// Group `a and b or c and d` as `(a and b) or (c and d)`: each run of `and` is one
/// `BoolOp` spanning its operands' tokens, the `or`s one around them spanning `span`.
pub(super) fn bool_ops(first: (Expr, Span), rest: Vec<(BoolOp, (Expr, Span))>, span: Span) -> Expr {
    if rest.is_empty() {
        return first.0;
    }
    let conj = |mut items: Vec<Expr>, span: Span| match items.len() {
        1 => items.pop().unwrap_or_else(|| Expr::new(ExprKind::Tuple(vec![]), span)),
        _ => {
            // The tree keeps the vector: no unused room.
            items.shrink_to_fit();
            Expr::new(ExprKind::BoolOp(BoolOp::And, items), span)
        }
    };
    let mut ors = Vec::new();
    let (mut cur, mut cur_span) = (vec![first.0], first.1);
    for (op, (e, s)) in rest {
        if op == BoolOp::Or {
            ors.push(conj(std::mem::take(&mut cur), cur_span));
            cur_span = s;
        } else {
            cur_span.end = s.end;
        }
        cur.push(e);
    }
    let last = conj(cur, cur_span);
    if ors.is_empty() {
        return last;
    }
    ors.push(last);
    ors.shrink_to_fit();
    Expr::new(ExprKind::BoolOp(BoolOp::Or, ors), span)
}

/// What follows a disjunction in `expression`.
enum CondTail {
    IfElse(Expr, Expr),
    MissingElse(Span),
    Juxtaposed(Expr),
}

/// Build all expression parsers. `invalid` turns on CPython's second-pass rules.
pub fn expr_parsers<'a, E: PassErr<'a>>(c: &'a Ctx<'a>, invalid: bool) -> ExprParsers<'a, E> {
    // Pass 2 needs the plain `expression` too (CPython's `expression_without_invalid`).
    let plain = if invalid { Some(expr_parsers(c, false).expression) } else { None };
    let mut expression: Rec<'a, E> = Recursive::declare();
    let expr: P<'a, Expr, E> = expression.clone().boxed();
    let mut star_named: Rec<'a, E> = Recursive::declare();
    let mut disjunction_r: Rec<'a, E> = Recursive::declare();
    let mut star_targets_r: Rec<'a, E> = Recursive::declare();
    let mut bitwise_or_r: Rec<'a, E> = Recursive::declare();
    let mut named_r: Rec<'a, E> = Recursive::declare();
    let star_named_b = star_named.clone().boxed();
    let disjunction_b = disjunction_r.clone().boxed();
    let star_targets_b = star_targets_r.clone().boxed();
    let bor_b = bitwise_or_r.clone().boxed();
    let named: P<'a, Expr, E> = named_r.clone().boxed();

    // star_expressions: star_expression (',' star_expression)* [',']
    let star_expression = op(R::Star)
        .ignore_then(bor_b.clone())
        .map_with(|v, e| Expr::new(ExprKind::Starred(Box::new(v)), sp(e.span())))
        .or(expr.clone())
        .boxed();
    let star_expressions = if fast::enabled::<E>() {
        super::fast_expr::comma_list(star_expression).boxed()
    } else {
        comma_list(star_expression).map_with(|(first, rest, trailing), e| tuple_or_single(first, rest, trailing, sp(e.span()))).boxed()
    };

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
        .validate(|(((is_async, target), iter), ifs), e, em| {
            if let Err((s, msg)) = check_target(&target, TargetCtx::For) {
                raise(e.state(), em, Diagnostic::syntax(s, msg));
            }
            CompFor { is_async: is_async.is_some(), target, iter, ifs }
        })
        .repeated()
        .at_least(1)
        .collect::<Vec<_>>()
        .boxed();

    let (paren, list, brace) = super::args::displays(
        c,
        invalid,
        expr.clone(),
        named.clone(),
        star_named_b.clone(),
        bor_b.clone(),
        yield_expr.clone(),
        for_if_clauses.clone(),
    );
    let strings = strings(star_expressions.clone(), yield_expr.clone());

    // atom: NAME | 'True' | 'False' | 'None' | strings | NUMBER | '...' | tuple | group | genexp | list | dict | set
    let atom = choice((
        select_ref! {
            Tok::Name(n) = e => { let span = sp(e.span()); Expr::new(ExprKind::Name(Rc::clone(&pool(e).names[*n as usize])), span) },
            Tok::Kw(Kw::True) = e => Expr::new(ExprKind::Const(Constant::Bool(true)), sp(e.span())),
            Tok::Kw(Kw::False) = e => Expr::new(ExprKind::Const(Constant::Bool(false)), sp(e.span())),
            Tok::Kw(Kw::None) = e => Expr::new(ExprKind::Const(Constant::None), sp(e.span())),
            Tok::Int(v) = e => { let span = sp(e.span()); Expr::new(ExprKind::Const(Constant::Int(pool(e).int(*v))), span) },
            Tok::BigInt(v) = e => { let span = sp(e.span()); Expr::new(ExprKind::Const(Constant::BigInt(Rc::clone(&pool(e).texts[*v as usize]))), span) },
            Tok::Float(v) = e => { let span = sp(e.span()); Expr::new(ExprKind::Const(Constant::Float(pool(e).floats[*v as usize])), span) },
            Tok::Op(R::Ellipsis) = e => Expr::new(ExprKind::Const(Constant::Ellipsis), sp(e.span())),
        },
        strings,
        paren,
        list,
        brace,
    ))
    .labelled("expression")
    .boxed();
    let atom = if invalid { super::fuel().ignore_then(atom).boxed() } else { atom };

    // slices: slice (',' slice)* [',']
    // slice: [expression] ':' [expression] [':' [expression]] | named_expression | '*' bitwise_or
    let slice_rest = op(R::Colon)
        .ignore_then(expr.clone().or_not())
        .then(op(R::Colon).ignore_then(expr.clone().or_not()).or_not());
    let slice = choice((
        slice_rest.clone().map(|r| (None, Some(r))),
        named.clone().then(slice_rest.or_not()).map(|(lo, r)| (Some(lo), r)),
        op(R::Star)
            .ignore_then(bor_b.clone())
            .map_with(|v, e| (Some(Expr::new(ExprKind::Starred(Box::new(v)), sp(e.span()))), None)),
    ))
    .map_with(|(lo, rest), e| match (lo, rest) {
        (Some(lo), None) => lo,
        (lo, rest) => {
            let (hi, step) = rest.unwrap_or((None, None));
            Expr::new(ExprKind::Slice(lo.map(Box::new), hi.map(Box::new), step.flatten().map(Box::new)), sp(e.span()))
        }
    })
    .boxed();
    let slices = comma_list(slice).map_with(|(first, rest, trailing), e| tuple_or_single(first, rest, trailing, sp(e.span()))).boxed();

    let call_args = call_args(c, invalid, expr.clone(), named.clone(), bor_b.clone(), for_if_clauses.clone());

    enum Trailer {
        Attr(Ident),
        Call(Vec<Arg>),
        Index(Expr),
    }
    let starts_trailer = select_ref! { Tok::Op(R::Dot | R::LParen | R::LBracket) => () };
    let trailer = starts_trailer.rewind().ignore_then(choice((
        op(R::Dot).ignore_then(name()).map(Trailer::Attr),
        call_args.clone().delimited_by(op(R::LParen), op(R::RParen)).map(Trailer::Call),
        slices.clone().delimited_by(op(R::LBracket), op(R::RBracket)).map(Trailer::Index),
    )));

    // primary: atom ('.' NAME | '(' [arguments] ')' | '[' slices ']')*
    let fast_primary = fast::enabled::<E>().then(|| super::fast_expr::primary(atom.clone(), call_args.clone(), slices.clone()).boxed());
    let primary = atom
        .foldl_with(trailer.repeated(), |a, t, e| {
            let span = sp(e.span());
            let kind = match t {
                Trailer::Attr(n) => ExprKind::Attribute(Box::new(a), n.name),
                Trailer::Call(args) => ExprKind::Call(Box::new(a), args.into_boxed_slice()),
                Trailer::Index(i) => ExprKind::Subscript(Box::new(a), Box::new(i)),
            };
            Expr::new(kind, span)
        })
        .boxed();
    let primary = fast_primary.unwrap_or(primary);

    // await_primary: 'await' primary | primary
    let await_primary = kw(Kw::Await)
        .ignore_then(primary.clone())
        .map_with(|v, e| Expr::new(ExprKind::Await(Box::new(v)), sp(e.span())))
        .or(primary.clone())
        .boxed();

    // factor: ('+' | '-' | '~') factor | power;  power: await_primary ['**' factor]
    let full_factor = recursive(|factor| {
        let power = await_primary
            .clone()
            .then(op(R::DoubleStar).ignore_then(factor).or_not())
            .map(|(base, exp)| match exp {
                Some(exp) => bin(base, BinOp::Pow, exp),
                None => base,
            });
        let unary = select_ref! {
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
    let factor = if fast::enabled::<E>() { fast::factor(primary.clone(), full_factor).boxed() } else { full_factor };

    // bitwise_or, bitwise_xor, bitwise_and, shift_expr, sum, term: factor (binop factor)*
    let binop = chumsky::primitive::select_ref(|t, _| binop_of(t));
    let bor = factor
        .clone()
        .then(binop.then(factor.clone()).repeated().collect::<Vec<_>>())
        .map(|(first, rest)| climb(first, rest))
        .boxed();
    bitwise_or_r.define(bor.clone());

    // comparison: bitwise_or (compare_op bitwise_or)*
    let starts_cmp = select_ref! {
        Tok::Op(R::EqEq | R::NotEq | R::Lt | R::Le | R::Gt | R::Ge) => (),
        Tok::Kw(Kw::In | Kw::Not | Kw::Is) => (),
    };
    let cmp_op = starts_cmp.rewind().ignore_then(choice((
        select_ref! {
            Tok::Op(R::EqEq) => CmpOp::Eq,
            Tok::Op(R::NotEq) => CmpOp::NotEq,
            Tok::Op(R::Lt) => CmpOp::Lt,
            Tok::Op(R::Le) => CmpOp::LtE,
            Tok::Op(R::Gt) => CmpOp::Gt,
            Tok::Op(R::Ge) => CmpOp::GtE,
            Tok::Kw(Kw::In) => CmpOp::In,
        },
        kw(Kw::Not).then(kw(Kw::In)).to(CmpOp::NotIn),
        kw(Kw::Is).ignore_then(kw(Kw::Not).or_not()).map(|n| if n.is_some() { CmpOp::IsNot } else { CmpOp::Is }),
    )));
    let comparison = bor
        .clone()
        .then(cmp_op.then(bor.clone()).repeated().collect::<Vec<_>>())
        .map_with(|(first, rest), e| {
            if rest.is_empty() { first } else { Expr::new(ExprKind::Compare(Box::new(first), rest.into_boxed_slice()), sp(e.span())) }
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

    // disjunction: conjunction ('or' conjunction)*;  conjunction: inversion ('and' inversion)*
    // One loop over `inversion (('and' | 'or') inversion)*`, grouped by precedence
    // (one parser layer and one failed keyword less per expression than two levels).
    let bool_op = kw(Kw::And).to(BoolOp::And).or(kw(Kw::Or).to(BoolOp::Or));
    let operand = inversion.map_with(|v, e| (v, sp(e.span())));
    let disjunction = operand
        .clone()
        .then(bool_op.then(operand).repeated().collect::<Vec<_>>())
        .map_with(|(first, rest), e| bool_ops(first, rest, sp(e.span())))
        .boxed();
    if fast::enabled::<E>() {
        disjunction_r.define(fast::disjunction(factor.clone()));
    } else {
        disjunction_r.define(disjunction.clone());
    }

    // lambdef: 'lambda' [lambda_params] ':' expression
    let lambdef = kw(Kw::Lambda)
        .map_with(|_, e| sp(e.span()))
        .then(super::args::params(c, invalid, expr.clone(), false).or_not())
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
    let if_else = kw(Kw::If)
        .ignore_then(disjunction.clone())
        .then_ignore(kw(Kw::Else))
        .then(expression.clone())
        .map(|(t, o)| CondTail::IfElse(t, o));
    let tail = match &plain {
        // Pass 2: invalid_expression and invalid_legacy_expression first, then the
        // condition, parsed once: neither 'else' nor ':' after it is invalid_expression's
        // missing 'else', else 'else' and an expression. Trying each with its own parse
        // of the condition doubled the work per nested conditional.
        Some(plain) => choice((
            plain.clone().map(CondTail::Juxtaposed),
            kw(Kw::If).ignore_then(disjunction.clone()).map_with(|t, e| (t, sp(e.span()))).then(
                choice((kw(Kw::Else), op(R::Colon))).not().to(None).or(kw(Kw::Else).ignore_then(expression.clone()).map(Some)),
            )
            .map(|((test, s), orelse)| match orelse {
                Some(orelse) => CondTail::IfElse(test, orelse),
                None => CondTail::MissingElse(s),
            }),
        ))
        .boxed(),
        None => if_else.boxed(),
    };
    let conditional = disjunction.clone().then(tail.or_not()).validate(move |(body, rest), e, em| {
        let span = sp(e.span());
        match rest {
            None => body,
            Some(CondTail::IfElse(test, orelse)) => Expr::new(
                ExprKind::IfExp { test: Box::new(test), body: Box::new(body), orelse: Box::new(orelse) },
                span,
            ),
            Some(CondTail::MissingElse(s)) => {
                let d = Diagnostic::syntax(body.span.to(s), "expected 'else' after 'if' expression")
                    .with_label("this conditional expression has no 'else'")
                    .with_help("write `a if condition else b`");
                raise(e.state(), em, d);
                body
            }
            Some(CondTail::Juxtaposed(next)) => {
                juxtaposed(c, &body, &next, e.state(), em);
                body
            }
        }
    });
    if fast::enabled::<E>() {
        let climb = fast::conditional(factor.clone(), expr.clone());
        expression.define(super::fast_expr::expression(lambdef.boxed(), climb.boxed()));
    } else {
        expression.define(lambdef.or(conditional));
    }

    // named_expression: NAME ':=' expression | expression !':='
    let walrus = name()
        .then_ignore(op(R::Walrus))
        .then(expr.clone())
        .map_with(|(n, v), e| Expr::new(ExprKind::NamedExpr(Box::new(n), Box::new(v)), sp(e.span())));
    if invalid {
        named_r.define(super::args::invalid_named(expr.clone(), bor.clone()));
    } else if fast::enabled::<E>() {
        named_r.define(super::fast_expr::named(walrus.boxed(), expr.clone()));
    } else {
        named_r.define(walrus.or(expr.clone().then_ignore(op(R::Walrus).not())));
    }

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
        comma_list(star_target.clone()).map_with(|(first, rest, trailing), e| tuple_or_single(first, rest, trailing, sp(e.span()))),
    );

    ExprParsers {
        expression: expr.clone(),
        named,
        star_expressions,
        star_targets: star_targets_b,
        star_target,
        yield_expr,
        def_params: super::args::params(c, invalid, expr.clone(), true),
        call_args,
    }
}

/// Two expressions side by side (pass 2): CPython's `invalid_legacy_expression`
/// ("Missing parentheses in call to 'print'") and `invalid_expression` ("Perhaps you
/// forgot a comma?", inside brackets only). Elsewhere it is a plain syntax error.
fn juxtaposed<'a, E: PassErr<'a>>(c: &Ctx<'_>, a: &Expr, b: &Expr, st: &mut super::State, em: &mut chumsky::input::Emitter<E>) {
    let generic = |st: &mut super::State, em: &mut chumsky::input::Emitter<E>| {
        st.first.get_or_insert(super::First::Generic);
        let d = Diagnostic::syntax(b.span, "invalid syntax").with_label("an expression cannot follow another here");
        em.emit(E::custom(d));
    };
    if let ExprKind::Name(n) = &a.kind {
        if &**n == "print" || &**n == "exec" {
            let d = Diagnostic::syntax(a.span.to(b.span), format!("Missing parentheses in call to '{n}'. Did you mean {n}(...)?"))
                .with_label(format!("'{n}' is a function in Python 3"))
                .with_help(format!("write {n}(...)"));
            return raise(st, em, d);
        }
        let mut left = b;
        while let ExprKind::Binary(l, ..) | ExprKind::Compare(l, _) | ExprKind::Attribute(l, _) | ExprKind::Subscript(l, _)
        | ExprKind::Call(l, _) = &left.kind
        {
            left = l;
        }
        let soft = matches!(&**n, "match" | "case" | "_");
        let name_string = matches!(left.kind, ExprKind::Const(Constant::Str(_) | Constant::Bytes(_)) | ExprKind::FString(_));
        if soft || name_string {
            return generic(st, em);
        }
    }
    // Parsing `b` looked at the token after it: a lexical error there comes first.
    if let Some((Tok::Error(k), _)) = c.token_after(b.span.end) {
        st.first.get_or_insert(super::First::Lex(*k));
        return;
    }
    if c.in_brackets(b.span.end) {
        let d = Diagnostic::syntax(a.span.to(b.span), "invalid syntax. Perhaps you forgot a comma?")
            .with_label("these two expressions need a comma between them");
        return raise(st, em, d);
    }
    generic(st, em)
}
