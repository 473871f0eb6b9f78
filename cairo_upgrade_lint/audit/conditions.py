"""The conditions that hold where a statement runs: the enclosing ``if`` branches, the assertions
and early exits (``if c { return .. }``) before it in its blocks, and the same at each call site on
the call path from an entry point to the function that holds it."""

from __future__ import annotations

from itertools import pairwise

from ..findings import Location
from ..model.callgraph import CallGraph
from ..records import record
from ..syntax import ast as A
from ..syntax.walk import walk
from .exprs import condition_of, strip_wrappers
from .flow import Flow, Flows


@record
class Condition:
    """``expr`` is true (false when ``negate``) wherever the statement runs; ``location`` is the
    assertion or ``if`` that establishes it, in ``flow``."""

    expr: A.Expr
    negate: bool
    location: Location
    flow: Flow


def holding_at(flows: Flows, graph: CallGraph, path: tuple[str, ...], location: Location) -> list[Condition]:
    """The conditions that hold at ``location`` in the last function of ``path`` (call-graph ids from
    the entry point), and at every call site on the way there."""
    out: list[Condition] = []
    for caller, callee in pairwise(path):
        flow, info = flows.of(caller), graph.get(caller)
        site = next((c.location for c in info.facts.calls if c.target == callee), None) if info else None
        if flow is None or site is None:
            return out
        out += _in_function(flow, site)
    last = flows.of(path[-1]) if path else None
    return out + (_in_function(last, location) if last is not None else [])


def _in_function(flow: Flow, location: Location) -> list[Condition]:
    body = flow.node.body
    if body is None:
        return []
    found = _in_block(flow, body, (location.line, location.column))
    return found or []


def _in_block(flow: Flow, block: A.Block, target: tuple[int, int]) -> list[Condition] | None:
    """The conditions established in ``block`` before the statement holding ``target``, and inside
    it; None when ``block`` does not hold ``target``."""
    before: list[Condition] = []
    for statement in block.statements:
        if _holds(statement.span, target):
            inner = _in_node(flow, statement, target)
            return before + inner
        before += _established(flow, statement)
    return None


def _in_node(flow: Flow, node: object, target: tuple[int, int]) -> list[Condition]:
    """Conditions inside ``node`` (which holds ``target``): the branch of an ``if`` taken, nested blocks."""
    if isinstance(node, A.If):
        condition = _plain_condition(node)
        where = flow.where(node.span)
        if _holds(node.then.span, target):
            head = [Condition(condition, False, where, flow)] if condition is not None else []
            return head + (_in_block(flow, node.then, target) or [])
        if node.otherwise is not None and _holds(node.otherwise.span, target):
            head = [Condition(condition, True, where, flow)] if condition is not None else []
            return head + _in_node(flow, node.otherwise, target)
        return []
    if isinstance(node, A.Block):
        return _in_block(flow, node, target) or []
    for child in _children(node):
        if child.span is not None and _holds(child.span, target):
            return _in_node(flow, child, target)
    return []


def _established(flow: Flow, statement: A.Statement) -> list[Condition]:
    """What a statement that completes guarantees afterwards: an assertion's condition, the negation
    of an ``if`` whose only branch always exits."""
    expr = strip_wrappers(statement.expr) if isinstance(statement, A.ExprStatement) else None
    if isinstance(expr, (A.Call, A.MacroCall)) and _is_assertion(flow, expr):
        asserted, negate = condition_of(expr)
        return [Condition(asserted, negate, flow.where(expr.span), flow)] if asserted is not None else []
    if isinstance(expr, A.If) and expr.otherwise is None and _exits(expr.then):
        condition = _plain_condition(expr)
        return [Condition(condition, True, flow.where(expr.span), flow)] if condition is not None else []
    return []


def _plain_condition(node: A.If) -> A.Expr | None:
    """The condition of an ``if`` with a single, non-``let`` condition."""
    condition = node.conditions[0] if len(node.conditions) == 1 else None
    return None if condition is None or isinstance(condition, A.LetCondition) else condition


def _is_assertion(flow: Flow, node: A.Call | A.MacroCall) -> bool:
    start = (node.span.line, node.span.column)
    return any((a.location.line, a.location.column) == start for a in flow.info.facts.assertions)


def _exits(block: A.Block) -> bool:
    """The block always leaves the function (``return``, a panic) as its last statement."""
    last = block.statements[-1] if block.statements else None
    expr = strip_wrappers(last.expr) if isinstance(last, A.ExprStatement) else None
    if isinstance(expr, A.Return):
        return True
    name = expr.function.path.last.name if isinstance(expr, A.Call) and isinstance(expr.function, A.PathExpr) else None
    macro = expr.path.last.name if isinstance(expr, A.MacroCall) else None
    return name in ("panic", "panic_with_felt252") or macro == "panic"


def _children(node: object) -> list[A.Block | A.If]:
    """The blocks and ``if``s directly under ``node`` (through any expression nesting)."""
    out: list[A.Block | A.If] = []
    for child in walk(node):
        if child is not node and isinstance(child, (A.Block, A.If)) and not any(_inside(child, o) for o in out):
            out.append(child)
    return out


def _inside(node: A.Block | A.If, outer: A.Block | A.If) -> bool:
    return outer.span.start <= node.span.start and node.span.end <= outer.span.end


def _holds(span: A.Span, target: tuple[int, int]) -> bool:
    start, end = (span.line, span.column), (span.end_line, span.end_column)
    return start <= target <= end
