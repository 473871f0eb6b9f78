"""Light data flow inside function bodies, for the audit: where a value comes from (storage members,
parameters, constants, literals, the block timestamp, as ``Operand`` records made by
``semantics.values.value_source``), what a function writes to storage and to the fields of its
locals, which comparisons its assertions require, and its loops.

Locals are followed through ``let`` bindings and assignments (every assignment counts, branches
are merged); ``self.helper(..)`` results follow the helper's return value with its parameters
replaced by the arguments. The assertions themselves are the model's (``FunctionFacts.assertions``):
this module only re-reads their conditions to compare sub-expressions.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import cached_property
from typing import Any

from ..findings import Location
from ..model import Project
from ..model.callgraph import FunctionInfo
from ..model.facts import Operand
from ..model.operators import MIRRORED
from ..model.syntax_utils import location
from ..records import record
from ..semantics.values import value_source
from ..syntax import ast as A
from ..syntax.walk import walk
from .exprs import (
    ASSIGNMENTS,
    SYNTHETIC,
    condition_of,
    conjuncts,
    exits,
    field_value,
    identifiers,
    is_self,
    parts,
    root_local,
    sides,
    strip_wrappers,
    unwind,
)

MAX_DEPTH = 8
_ENVIRONMENT = {"get_block_timestamp": "timestamp", "get_caller_address": "caller"}
_ZERO_CALLS = frozenset({"zero", "default"})


@record
class Write:
    """``self.member...write(key.., value)`` (``key``: the first argument of a map write)."""

    member: str
    key: A.Expr | None
    value: A.Expr
    location: Location


@record
class FieldSet:
    """``local.field = value``, or a struct literal's ``field: value``."""

    field: str
    value: A.Expr
    location: Location


@record
class Check:
    """A comparison an assertion requires to hold (``left op right``), at the assertion whose
    condition reads ``text``."""

    op: str
    left: A.Expr
    right: A.Expr
    location: Location
    text: str

    def mirrored(self) -> Check:
        return Check(MIRRORED[self.op], self.right, self.left, self.location, self.text)


@record
class LoopInfo:
    """A loop and the expressions its exit depends on that the loop body does not change (the
    bound: ``to_index`` in ``if index == to_index { break; }``); ``exits`` is False when no exit
    condition was recognised."""

    location: Location
    bounds: tuple[A.Expr, ...]
    exits: bool


class Flow:
    """The data flow of one function."""

    def __init__(self, flows: Flows, info: FunctionInfo, node: A.Function) -> None:
        self.flows = flows
        self.info = info
        self.node = node
        self.path = info.location.path
        self.params = [p.name for p in node.params if p.name != "self"]
        self.bindings: dict[str, list[A.Expr]] = {}
        for child in walk(node.body) if node.body else ():
            if isinstance(child, A.Let) and isinstance(child.pattern, A.IdentPattern) and child.value:
                self.bindings.setdefault(child.pattern.name, []).append(child.value)
            elif isinstance(child, A.Binary) and child.op in ASSIGNMENTS:
                target = root_local(child.left)
                if target is not None:
                    self.bindings.setdefault(target, []).append(child.right)

    # ------------------------------------------------------------ sources

    def sources(self, expr: A.Expr | None, depth: int = 0, seen: frozenset[str] = frozenset()) -> frozenset[Operand]:
        """Everything ``expr``'s value is computed from (map keys excluded)."""
        if expr is None or depth > MAX_DEPTH * 4:
            return frozenset()
        expr = strip_wrappers(expr)
        if isinstance(expr, A.Literal):
            return frozenset({_literal(expr)})
        if isinstance(expr, A.PathExpr):
            return self._path(expr, depth, seen)
        if isinstance(expr, A.Call):
            return self._call(expr, depth, seen)
        if isinstance(expr, (A.MethodCall, A.FieldAccess)):
            return self._chain(expr, depth, seen)
        return self.union(parts(expr), depth, seen)

    def union(self, exprs: Iterable[A.Expr | None], depth: int, seen: frozenset[str]) -> frozenset[Operand]:
        return frozenset().union(*(self.sources(e, depth + 1, seen) for e in exprs))

    def _path(self, expr: A.PathExpr, depth: int, seen: frozenset[str]) -> frozenset[Operand]:
        name = expr.path.text
        own = frozenset({value_source("param", name)}) if name in self.params else frozenset()
        if name in self.bindings:
            return own if name in seen else own | self.union(self.bindings[name], depth, seen | {name})
        if own or name in seen:
            return own
        last = expr.path.last.name
        return frozenset({value_source("const", last, self.flows.constant(self.info.module, last))})

    def _call(self, expr: A.Call, depth: int, seen: frozenset[str]) -> frozenset[Operand]:
        args = self.union((a.value for a in expr.args), depth, seen)
        if not isinstance(expr.function, A.PathExpr):
            return args
        name = expr.function.path.last.name
        if name in _ENVIRONMENT:
            return frozenset({value_source(_ENVIRONMENT[name], name)})
        if name in _ZERO_CALLS and not expr.args:
            return frozenset({value_source("literal", "0", 0)})
        followed = self._follow(expr, [a.value for a in expr.args], depth, path_call=True)
        return followed if followed is not None else args | {value_source("call", name)}

    def _chain(self, expr: A.MethodCall | A.FieldAccess, depth: int, seen: frozenset[str]) -> frozenset[Operand]:
        root, steps = unwind(expr)
        if is_self(root) and steps:
            first = steps[0]
            if isinstance(first, A.FieldAccess):
                return frozenset({value_source("storage", first.name)})
            return self._helper(first, depth)
        if any(s.name == "block_timestamp" for s in steps):
            return frozenset({value_source("timestamp", "block_timestamp")})
        calls = [a.value for s in steps if isinstance(s, A.MethodCall) for a in s.args]
        return self.sources(root, depth + 1, seen) | self.union(calls, depth, seen)

    def _helper(self, call: A.MethodCall, depth: int) -> frozenset[Operand]:
        """``self.helper(args)``: the helper's return sources, its parameters replaced by the arguments."""
        followed = self._follow(call, [a.value for a in call.args], depth)
        if followed is None:
            args = [self.sources(a.value, depth + 1) for a in call.args]
            return frozenset({value_source("call", call.name)}).union(*args)
        return followed

    def _follow(self, call: A.Expr, values: list[A.Expr], depth: int, path_call: bool = False) -> frozenset[Operand] | None:
        """The return sources of the function ``call`` resolves to (None when it does not resolve);
        a path call's first argument is ``self`` when the callee takes it (``Timelock::f(@self)``)."""
        start = (call.span.line, call.span.column)
        target = next((c.target for c in self.info.facts.calls if (c.location.line, c.location.column) == start), None)
        callee = self.flows.of(target) if target and depth < MAX_DEPTH else None
        if callee is None:
            return None
        if path_call and callee.info.self_kind is not None and values:
            values = values[1:]
        args = [self.sources(v, depth + 1) for v in values]
        found: set[Operand] = set()
        for source in callee.returns(depth + 1):
            if source.kind == "param" and source.name in callee.params:
                index = callee.params.index(source.name)
                found |= args[index] if index < len(args) else set()
            else:
                found.add(source)
        return frozenset(found)

    def returns(self, depth: int = 0) -> frozenset[Operand]:
        """What the function returns is computed from."""
        if self.node.body is None:
            return frozenset()
        values = [self.node.body] + [r.value for r in walk(self.node.body) if isinstance(r, A.Return) and r.value]
        return frozenset().union(*(self.sources(v, depth) for v in values))

    # ------------------------------------------------------------ statements

    @cached_property
    def writes(self) -> tuple[Write, ...]:
        out = []
        for node in self._nodes(A.MethodCall):
            root, steps = unwind(node)
            if node.name == "write" and node.args and is_self(root) and isinstance(steps[0], A.FieldAccess):
                key = node.args[0].value if len(node.args) > 1 else None
                out.append(Write(steps[0].name, key, node.args[-1].value, self.where(node.span)))
        return tuple(out)

    @cached_property
    def field_sets(self) -> tuple[FieldSet, ...]:
        """Field assignments and struct literal fields; an event's fields (a literal inside
        ``self.emit(..)``) are not state and are left out."""
        events = [n.span for n in self._nodes(A.MethodCall) if n.name == "emit"]
        out = []
        for node in self._nodes((A.Binary, A.StructLiteral)):
            if isinstance(node, A.StructLiteral):
                if any(e.start <= node.span.start and node.span.end <= e.end for e in events):
                    continue
                out += [FieldSet(f.name, field_value(f), self.where(f.span)) for f in node.fields]
            elif node.op == "=" and isinstance(target := strip_wrappers(node.left), A.FieldAccess):
                out.append(FieldSet(target.name, node.right, self.where(node.span)))
        return tuple(out)

    @cached_property
    def checks(self) -> tuple[Check, ...]:
        """The comparisons each of the model's assertions in this function requires."""
        by_place = {(n.span.line, n.span.column): n for n in self._nodes((A.Call, A.MacroCall, A.If))}
        out = []
        for assertion in self.info.facts.assertions:
            node = by_place.get((assertion.location.line, assertion.location.column))
            condition, negate = condition_of(node)
            if condition is not None:
                for op, left, right in conjuncts(condition, negate):
                    out.append(Check(op, left, right, assertion.location, assertion.text))
        return tuple(out)

    @cached_property
    def loops(self) -> tuple[LoopInfo, ...]:
        out = []
        for node in self._nodes((A.Loop, A.While, A.For)):
            changed = {
                t
                for n in walk(node.body)
                if isinstance(n, A.Binary) and n.op in ASSIGNMENTS
                if (t := root_local(n.left)) is not None
            }
            ends = list(exits(node))
            bounds = tuple(side for condition in ends for side in sides(condition) if not identifiers(side) & changed)
            out.append(LoopInfo(self.where(node.span), bounds, bool(ends)))
        return tuple(out)

    # ------------------------------------------------------------ helpers

    def where(self, span: A.Span) -> Location:
        return location(self.path, span)

    def text(self, expr: A.Expr) -> str:
        if expr.span is SYNTHETIC:
            return expr.text  # type: ignore[union-attr]
        data = self.flows.project.texts.get(self.path, b"")
        return " ".join(data[expr.span.start : expr.span.end].decode("utf-8", "replace").split())

    def _nodes(self, kinds: type | tuple[type, ...]) -> Iterator[Any]:
        return (n for n in walk(self.node.body) if isinstance(n, kinds)) if self.node.body else iter(())


class Flows:
    """The flows of a project's functions (built on demand, cached)."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.graph = project.call_graph
        self._nodes = {
            (tree.path, n.span.line, n.span.column): n
            for tree in project.files
            for n in walk(tree)
            if isinstance(n, A.Function) and n.body is not None
        }
        self._flows: dict[str, Flow | None] = {}
        self._constants: dict[str, list[tuple[str, int | None]]] = {}
        for constant in project.constants:
            self._constants.setdefault(constant.name, []).append((constant.qualified, constant.value))

    def of(self, function_id: str) -> Flow | None:
        if function_id not in self._flows:
            info = self.graph.get(function_id)
            key = (info.location.path, info.location.line, info.location.column) if info else None
            node = self._nodes.get(key) if key else None
            self._flows[function_id] = Flow(self, info, node) if info and node else None
        return self._flows[function_id]

    def reachable(self, function_id: str) -> list[Flow]:
        """The flows of every function reachable from ``function_id`` (itself included), by id."""
        return [f for fid in sorted(self.graph.reachable(function_id)) if (f := self.of(fid)) is not None]

    def constant(self, module: str, name: str) -> int | None:
        """The value of constant ``name`` as seen from ``module`` (its own or an enclosing module's
        first, else the only constant of that name)."""
        candidates = self._constants.get(name, [])
        scoped = [v for q, v in candidates if module.startswith(q.rsplit("::", 1)[0])]
        if scoped:
            return scoped[-1]
        return candidates[0][1] if len(candidates) == 1 else None


def _literal(expr: A.Literal) -> Operand:
    value = expr.value
    if isinstance(value, bool):
        return value_source("literal", expr.text, int(value))
    return value_source("literal", expr.text, value if isinstance(value, int) else None)
