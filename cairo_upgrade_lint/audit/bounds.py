"""Numeric bounds the code enforces: the least value a stored policy parameter (threshold, delay)
can take, and whether a loop bound is capped. A bound is a constant value, or an assertion that
compares the same expression with a constant (``assert(delay >= MIN_DELAY)``)."""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Contract
from ..model.operators import LOWER_BOUND, UPPER_BOUND
from ..records import record
from ..syntax import ast as A
from .base import Audit, Evidence
from .flow import Check, Flow


@record
class Floor:
    """The least value a member can be written with (None: some write is unbounded; no writes
    at all give None and no evidence), the bound of every write, and the weakest of them."""

    value: int | None
    evidence: tuple[Evidence, ...]
    weakest: Evidence | None


def constant(flow: Flow, expr: A.Expr) -> int | None:
    """The value of ``expr`` when it is one constant or literal."""
    sources = flow.sources(expr)
    if len(sources) == 1:
        (source,) = sources
        return source.value if source.kind in ("const", "literal") else None
    return None


def nonzero_checks(flow: Flow) -> Iterator[Check]:
    """The assertions of ``flow`` that a value is not zero, written ``value != 0`` (mirrored if need be)."""
    for check in flow.checks:
        for side in (check, check.mirrored()):
            if side.op == "!=" and constant(flow, side.right) == 0:
                yield side


def asserted(flow: Flow, text: str, lower: bool) -> tuple[int, Evidence] | None:
    """The tightest bound an assertion of ``flow`` puts on the expression written ``text``: the
    least value it can have (``lower``) or the greatest."""
    table = LOWER_BOUND if lower else UPPER_BOUND
    found: list[tuple[int, Evidence]] = []
    for check in flow.checks:
        for side in (check, check.mirrored()):
            value = constant(flow, side.right)
            if side.op in table and value is not None and flow.text(side.left) == text:
                shown = f"{flow.info.name}: asserts {text} {side.op} {flow.text(side.right)} ({value})"
                found.append((value + table[side.op], Evidence(side.location, shown)))
    if not found:
        return None
    return max(found, key=lambda f: f[0]) if lower else min(found, key=lambda f: f[0])


def lower_bound(flow: Flow, expr: A.Expr) -> tuple[int, Evidence] | None:
    """The least value ``expr`` can have: the least of its constants when it is only constants
    (``if t == 0 { DEFAULT } else { 5 }``), else an asserted lower bound."""
    sources = flow.sources(expr)
    if sources and all(s.kind in ("const", "literal") and s.value is not None for s in sources):
        value = min(s.value for s in sources if s.value is not None)
        return value, Evidence(flow.where(expr.span), f"{flow.info.name}: {flow.text(expr)} ({value})")
    return asserted(flow, flow.text(expr), lower=True)


def member_floor(audit: Audit, contract: Contract, member: str) -> Floor:
    """The least value any function of ``contract`` (constructor included) writes into ``member``."""
    value: int | None = None
    evidence: list[Evidence] = []
    weakest: Evidence | None = None
    for flow in audit.all_flows(contract):
        for write in flow.writes:
            if write.member != member:
                continue
            bound = lower_bound(flow, write.value)
            if bound is None:
                unbounded = Evidence(write.location, f"{flow.info.name}: writes {flow.text(write.value)}, unbounded")
                return Floor(None, (unbounded,), unbounded)
            evidence.append(bound[1])
            if value is None or bound[0] < value:
                value, weakest = bound[0], bound[1]
    return Floor(value, tuple(evidence), weakest)


def capped(flow: Flow, expr: A.Expr) -> Evidence | None:
    """Evidence that ``expr`` cannot exceed a constant: it is one, an assertion caps it, or it is
    computed from a parameter that an assertion caps (``batch_size <= MAX_BATCH``)."""
    value = constant(flow, expr)
    if value is not None:
        return Evidence(flow.where(expr.span), f"{flow.info.name}: bounded by {flow.text(expr)} ({value})")
    params = sorted(s.name for s in flow.sources(expr) if s.kind == "param")
    for text in (flow.text(expr), *params):
        bound = asserted(flow, text, lower=False)
        if bound is not None:
            return bound[1]
    return None
