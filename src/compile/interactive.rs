//! REPL input: whether a module uses `await`, `async for` or `async with` outside any
//! function (which makes the input run as a coroutine on the REPL's event loop).

use crate::syntax::ast::*;

/// Whether the module's top level (not inside a def, lambda or class) awaits.
pub fn uses_top_level_await(m: &Module) -> bool {
    m.body.iter().any(stmt)
}

fn block(b: &[Stmt]) -> bool {
    b.iter().any(stmt)
}

fn stmt(s: &Stmt) -> bool {
    match &s.kind {
        StmtKind::Expr(e) => expr(e),
        StmtKind::Assign { targets, value } => targets.iter().any(expr) || expr(value),
        StmtKind::AugAssign { target, value, .. } => expr(target) || expr(value),
        StmtKind::AnnAssign { target, value, .. } => expr(target) || value.as_deref().is_some_and(expr),
        StmtKind::Del(ts) => ts.iter().any(expr),
        StmtKind::Return(v) => v.as_ref().is_some_and(expr),
        StmtKind::Raise { exc, cause } => exc.as_ref().is_some_and(expr) || cause.as_deref().is_some_and(expr),
        StmtKind::Assert { test, msg } => expr(test) || msg.as_deref().is_some_and(expr),
        StmtKind::If { test, body, orelse } | StmtKind::While { test, body, orelse } => expr(test) || block(body) || block(orelse),
        StmtKind::For { is_async, target, iter, body, orelse } => *is_async || expr(target) || expr(iter) || block(body) || block(orelse),
        StmtKind::Try { body, handlers, orelse, finalbody } => {
            block(body) || handlers.iter().any(|h| h.typ.as_ref().is_some_and(expr) || block(&h.body)) || block(orelse) || block(finalbody)
        }
        StmtKind::With { is_async, items, body } => *is_async || items.iter().any(|i| expr(&i.context)) || block(body),
        StmtKind::FunctionDef(f) => f.decorators.iter().any(expr),
        StmtKind::ClassDef(c) => c.decorators.iter().any(expr),
        _ => false,
    }
}

fn expr(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Await(_) => true,
        ExprKind::Lambda(_) => false,
        ExprKind::Comp(c) => c.generators.iter().any(|g| g.is_async || expr(&g.iter) || g.ifs.iter().any(expr)) || expr(&c.elt),
        ExprKind::Name(_) | ExprKind::Const(_) => false,
        ExprKind::FString(parts) => parts.iter().any(|p| matches!(p, FPart::Field(f) if expr(&f.value))),
        ExprKind::Unary(_, v) | ExprKind::Starred(v) | ExprKind::Attribute(v, _) | ExprKind::YieldFrom(v) => expr(v),
        ExprKind::Binary(l, _, r) | ExprKind::Subscript(l, r) => expr(l) || expr(r),
        ExprKind::BoolOp(_, vs) | ExprKind::Tuple(vs) | ExprKind::List(vs) | ExprKind::Set(vs) => vs.iter().any(expr),
        ExprKind::Compare(l, rest) => expr(l) || rest.iter().any(|(_, v)| expr(v)),
        ExprKind::IfExp { test, body, orelse } => expr(test) || expr(body) || expr(orelse),
        ExprKind::NamedExpr(_, v) => expr(v),
        ExprKind::Call(f, args) => {
            expr(f) || args.iter().any(|a| match a {
                Arg::Positional(x) | Arg::Star(x) | Arg::Keyword(_, x) | Arg::DoubleStar(x) => expr(x),
            })
        }
        ExprKind::Slice(a, b, c) => [a, b, c].into_iter().flatten().any(|v| expr(v)),
        ExprKind::Dict(items) => items.iter().any(|(k, v)| k.as_ref().is_some_and(expr) || expr(v)),
        ExprKind::Yield(v) => v.as_ref().is_some_and(|v| expr(v)),
    }
}
