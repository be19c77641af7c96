//! Validation of assignment, `for`, `with` and `del` targets, with CPython's messages.

use crate::span::Span;
use crate::syntax::ast::*;

/// Where a target appears (the messages differ).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum TargetCtx {
    /// `target = value` (the first target of a single `=`).
    Assign,
    /// A later target of a chained assignment.
    AssignChained,
    /// `target op= value`.
    Aug,
    /// `for target in ...`.
    For,
    /// `with ... as target`.
    With,
}

/// Whether a failing target gets CPython's "here. Maybe you meant '==' ..." hint.
fn hint_applies(e: &Expr) -> bool {
    !matches!(
        e.kind,
        ExprKind::Compare(..)
            | ExprKind::BoolOp(..)
            | ExprKind::Unary(UnaryOp::Not, _)
            | ExprKind::IfExp { .. }
            | ExprKind::Lambda(_)
            | ExprKind::NamedExpr(..)
            | ExprKind::Const(Constant::None | Constant::Bool(_))
            | ExprKind::Tuple(_)
            | ExprKind::List(_)
            | ExprKind::Starred(_)
    )
}

/// Check that `e` can be assigned to.
pub fn check_target(e: &Expr, ctx: TargetCtx) -> Result<(), (Span, String)> {
    if ctx == TargetCtx::Aug {
        return match e.kind {
            ExprKind::Name(_) | ExprKind::Attribute(..) | ExprKind::Subscript(..) => Ok(()),
            _ => Err((e.span, format!("'{}' is an illegal expression for augmented assignment", e.describe()))),
        };
    }
    if let ExprKind::Starred(_) = e.kind {
        return Err((e.span, "starred assignment target must be in a list or tuple".into()));
    }
    check_inner(e, ctx, true)
}

fn check_inner(e: &Expr, ctx: TargetCtx, last: bool) -> Result<(), (Span, String)> {
    match &e.kind {
        ExprKind::Name(_) | ExprKind::Attribute(..) | ExprKind::Subscript(..) => Ok(()),
        ExprKind::Tuple(items) | ExprKind::List(items) => {
            let stars = items.iter().filter(|i| matches!(i.kind, ExprKind::Starred(_))).count();
            for (i, item) in items.iter().enumerate() {
                let inner = match &item.kind {
                    ExprKind::Starred(v) => v,
                    _ => item,
                };
                // Only a bare tuple's last item gets CPython's "here" hint.
                let bare = matches!(e.kind, ExprKind::Tuple(_)) && items.first().is_some_and(|f| f.span.start == e.span.start);
                check_inner(inner, ctx, last && i + 1 == items.len() && bare)?;
            }
            if stars > 1 {
                return Err((e.span, "multiple starred expressions in assignment".into()));
            }
            Ok(())
        }
        _ => {
            let what = e.describe();
            let msg = if ctx == TargetCtx::Assign && last && hint_applies(e) {
                format!("cannot assign to {what} here. Maybe you meant '==' instead of '='?")
            } else {
                format!("cannot assign to {what}")
            };
            Err((e.span, msg))
        }
    }
}

/// Check that `e` can be deleted.
pub fn check_del_target(e: &Expr) -> Result<(), (Span, String)> {
    match &e.kind {
        ExprKind::Name(_) | ExprKind::Attribute(..) | ExprKind::Subscript(..) => Ok(()),
        ExprKind::Tuple(items) | ExprKind::List(items) => items.iter().try_for_each(check_del_target),
        _ => Err((e.span, format!("cannot delete {}", e.describe()))),
    }
}

/// The leftmost atom of an expression (`[1][0].x` gives the list `[1]`).
pub fn leftmost(mut e: &Expr) -> &Expr {
    loop {
        match &e.kind {
            ExprKind::Binary(l, ..) | ExprKind::Compare(l, _) | ExprKind::Attribute(l, _) | ExprKind::Subscript(l, _)
            | ExprKind::Call(l, _) => e = l,
            ExprKind::BoolOp(_, items) if !items.is_empty() => e = &items[0],
            ExprKind::IfExp { body, .. } => e = body,
            _ => return e,
        }
    }
}
