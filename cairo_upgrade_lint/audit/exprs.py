"""Small readers over expressions for the audit's data flow: the comparisons a condition
requires, what decides when a loop ends, the parts a value is computed from."""

from __future__ import annotations

from collections.abc import Iterator

from ..model.facts import is_self, strip_wrappers, unwind
from ..model.operators import COMPARISONS, NEGATED
from ..syntax import ast as A
from ..syntax.positions import Lines
from ..syntax.walk import walk

ASSIGNMENTS = frozenset({"=", "+=", "-=", "*=", "/=", "%="})
SYNTHETIC = A.Span(0, 0, 0, Lines(b""))  # expressions the audit makes up: `x.is_zero()` reads `x == 0`

__all__ = ["is_self", "strip_wrappers", "unwind"]


def conjuncts(condition: A.Expr, negate: bool = False) -> Iterator[tuple[str, A.Expr, A.Expr]]:
    """The comparisons that must hold for ``condition`` to be true (``negate``: to be false);
    ``x.is_zero()`` compares with 0 and a bare boolean ``b`` reads ``b == true``."""
    expr = strip_wrappers(condition)
    if isinstance(expr, A.Binary) and expr.op == ("||" if negate else "&&"):
        yield from conjuncts(expr.left, negate)
        yield from conjuncts(expr.right, negate)
    elif isinstance(expr, A.Binary) and expr.op in COMPARISONS:
        yield (NEGATED[expr.op] if negate else expr.op), expr.left, expr.right
    elif isinstance(expr, A.Unary) and expr.op == "!":
        yield from conjuncts(expr.operand, not negate)
    elif isinstance(expr, A.MethodCall) and expr.name in ("is_zero", "is_non_zero") and not expr.args:
        equal = (expr.name == "is_zero") != negate
        yield ("==" if equal else "!="), expr.receiver, _ZERO
    elif not (isinstance(expr, A.Binary) and expr.op in ("&&", "||")):
        yield ("!=" if negate else "=="), expr, _TRUE


_ZERO = A.Literal("int", "0", 0, None, SYNTHETIC)
_TRUE = A.Literal("bool", "true", True, None, SYNTHETIC)


def field_value(field: A.StructField) -> A.Expr:
    return field.value or A.PathExpr(A.Path((A.PathSegment(field.name, None, field.span),), field.span), field.span)


def root_local(expr: A.Expr) -> str | None:
    """``x``, ``x.f`` or ``x.f.g`` -> 'x' (None for anything else, ``self`` included)."""
    expr = strip_wrappers(expr)
    while isinstance(expr, A.FieldAccess):
        expr = strip_wrappers(expr.receiver)
    if isinstance(expr, A.PathExpr) and len(expr.path.segments) == 1 and not is_self(expr):
        return expr.path.text
    return None


def identifiers(expr: A.Expr) -> set[str]:
    """The plain names (locals, parameters) an expression mentions, map keys and arguments included."""
    return {n.path.text for n in walk(expr) if isinstance(n, A.PathExpr) and len(n.path.segments) == 1}


def condition_of(node: object) -> tuple[A.Expr | None, bool]:
    """The condition of an assertion node and whether it must be false (``if c { panic }``)."""
    if isinstance(node, (A.Call, A.MacroCall)) and node.args:
        return node.args[0].value, False
    if isinstance(node, A.If) and node.conditions and not isinstance(node.conditions[0], A.LetCondition):
        return node.conditions[0], True
    return None, False


def exits(loop: A.Loop | A.While | A.For) -> Iterator[A.Expr]:
    """What decides when a loop ends: ``while c``'s c, ``if c { break }`` at the top of a loop body,
    a ``for`` loop's range end or iterable."""
    if isinstance(loop, A.While):
        yield from (c for c in loop.conditions if not isinstance(c, A.LetCondition))
    elif isinstance(loop, A.For):
        iterable = strip_wrappers(loop.iterable)
        yield iterable.end if isinstance(iterable, A.Range) and iterable.end is not None else iterable
    else:
        for statement in loop.body.statements:
            expr = statement.expr if isinstance(statement, A.ExprStatement) else None
            breaking = isinstance(expr, A.If) and _breaks(expr.then) and len(expr.conditions) == 1
            if breaking and not isinstance(expr.conditions[0], A.LetCondition):  # type: ignore[union-attr]
                yield expr.conditions[0]  # type: ignore[union-attr]


def sides(condition: A.Expr) -> list[A.Expr]:
    """The operands of the comparisons in a condition (the condition itself when it has none)."""
    sides = [side for n in walk(condition) if isinstance(n, A.Binary) and n.op in COMPARISONS for side in (n.left, n.right)]
    return sides or [condition]


def parts(expr: A.Expr) -> list[A.Expr | None]:
    """The sub-expressions a compound value is computed from."""
    if isinstance(expr, A.Binary):
        return [expr.left, expr.right]
    if isinstance(expr, A.Unary):
        return [expr.operand]
    if isinstance(expr, A.If):
        return [expr.then, expr.otherwise]
    if isinstance(expr, A.Block):
        tail = expr.statements[-1] if expr.statements else None
        return [tail.expr] if isinstance(tail, A.ExprStatement) and not tail.semicolon else []
    if isinstance(expr, A.Match):
        return [arm.body for arm in expr.arms]
    if isinstance(expr, A.StructLiteral):
        return [field_value(f) for f in expr.fields]
    if isinstance(expr, (A.TupleExpr, A.FixedArrayExpr)):
        return list(expr.elements)
    if isinstance(expr, A.MacroCall):
        return [a.value for a in expr.args or ()]
    return []


def _breaks(block: A.Block) -> bool:
    return any(
        isinstance(s, A.ExprStatement) and isinstance(strip_wrappers(s.expr), (A.Break, A.Return)) for s in block.statements
    )
