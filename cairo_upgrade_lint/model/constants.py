"""Module-level ``const`` items and their values where they are computable from the source:
literals, arithmetic on other constants, ``selector!("name")``. Timelock-delay and threshold
policies are checked against these values.
"""

from __future__ import annotations

from collections.abc import Callable

from ..findings import Location
from ..records import record
from ..syntax import ast as A
from .hashing import FIELD_PRIME, sn_keccak
from .loading import EXTERNAL_KINDS
from .scope import Scope, ScopeIndex
from .syntax_utils import location

MAX_DEPTH = 16
_ARITHMETIC: dict[str, Callable[[int, int], int | None]] = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a // b if b else None,
    "%": lambda a, b: a % b if b else None,
}


@record
class Constant:
    qualified: str
    name: str
    value: int | None
    text: str
    location: Location


class ConstantEvaluator:
    """Evaluates constant expressions, following paths to other constants (memoised)."""

    def __init__(self, index: ScopeIndex) -> None:
        self.index = index
        self._values: dict[int, int | None] = {}

    def value(self, scope: Scope, item: A.Const, depth: int = 0) -> int | None:
        key = id(item)
        if key not in self._values:
            self._values[key] = None
            if item.value is not None and depth < MAX_DEPTH:
                self._values[key] = self.evaluate(scope, item.value, depth + 1)
        return self._values[key]

    def resolve(self, scope: Scope, segments: tuple[str, ...], depth: int = 0) -> int | None:
        found = self.index.resolve(scope, segments)
        if found is not None and isinstance(found.item, A.Const) and found.member is None:
            return self.value(found.scope, found.item, depth + 1)
        return None

    def evaluate(self, scope: Scope, expr: A.Expr, depth: int = 0) -> int | None:
        if depth > MAX_DEPTH:
            return None
        if isinstance(expr, A.Literal):
            return expr.value if isinstance(expr.value, int) and not isinstance(expr.value, bool) else None
        if isinstance(expr, A.Paren):
            return self.evaluate(scope, expr.inner, depth + 1)
        if isinstance(expr, A.Unary) and expr.op == "-":
            inner = self.evaluate(scope, expr.operand, depth + 1)
            return None if inner is None else -inner % FIELD_PRIME
        if isinstance(expr, A.Binary) and expr.op in _ARITHMETIC:
            left = self.evaluate(scope, expr.left, depth + 1)
            right = self.evaluate(scope, expr.right, depth + 1)
            return None if left is None or right is None else _ARITHMETIC[expr.op](left, right)
        if isinstance(expr, A.PathExpr):
            return self.resolve(scope, tuple(s.name for s in expr.path.segments), depth + 1)
        if isinstance(expr, A.MacroCall) and expr.path.text == "selector" and expr.args:
            name = expr.args[0].value
            if isinstance(name, A.Literal) and isinstance(name.value, str):
                return sn_keccak(name.value)
        return None


def module_constants(index: ScopeIndex, evaluator: ConstantEvaluator, texts: dict[str, bytes]) -> tuple[Constant, ...]:
    """Every module-level constant of the analysed crates with its value (None if not computable)."""
    out = []
    for scope in index.all_scopes():
        if scope.crate.kind in EXTERNAL_KINDS:
            continue
        for item in scope.items:
            if isinstance(item, A.Const):
                data = texts.get(scope.file.path, b"")
                text = data[item.value.span.start : item.value.span.end].decode("utf-8", "replace") if item.value else ""
                out.append(
                    Constant(
                        scope.qualify(item.name),
                        item.name,
                        evaluator.value(scope, item),
                        " ".join(text.split()),
                        location(scope.file.path, item.span),
                    )
                )
    return tuple(out)
