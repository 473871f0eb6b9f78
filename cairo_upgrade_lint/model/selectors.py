"""Selector values in code: what a ``library_call_syscall`` forwards and which selectors a
router writes into a registry, from ``selector!("name")``, constants and literals, following a
parameter back to the arguments its callers pass (for helpers such as ``delegate(SELECTOR, ..)``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator

from ..findings import Location
from ..records import record
from .callgraph import CallGraph
from .facts import CallSite, Operand
from .hashing import sn_keccak

MAX_DEPTH = 8
_SELECTOR_MACRO = re.compile(r'selector!\(\s*"([^"]*)"\s*\)')
_DISPATCHER_SUFFIXES = ("SafeLibraryDispatcher", "LibraryDispatcher", "SafeDispatcher", "Dispatcher")


def literal_selector(operand: Operand) -> int | None:
    """The value of ``selector!("x")``, a constant or a numeric literal (None otherwise)."""
    if operand.kind in ("const", "literal"):
        return operand.value
    match = _SELECTOR_MACRO.fullmatch(operand.text)
    return sn_keccak(match.group(1)) if match else None


def dispatcher_trait(dispatcher: str) -> str:
    """``IFooLibraryDispatcher`` (or ``IFooSafeDispatcher`` ...) -> ``IFoo``."""
    for suffix in _DISPATCHER_SUFFIXES:
        if dispatcher.endswith(suffix) and len(dispatcher) > len(suffix):
            return dispatcher[: -len(suffix)]
    return dispatcher


@record
class Source:
    """Where a selector value is written down, as ``text``: in ``function``, at ``location``
    (the write or the call that passes it on)."""

    value: int
    text: str
    function: str
    location: Location | None


class SelectorValues:
    """Known values of an argument inside ``functions`` (call-graph ids): literal selectors, and
    for a parameter the values its callers in ``functions`` pass."""

    def __init__(self, graph: CallGraph, functions: Iterable[str]) -> None:
        self.graph = graph
        self.callers: dict[str, list[tuple[str, CallSite]]] = defaultdict(list)
        for caller in functions:
            info = graph.get(caller)
            for call in info.facts.calls if info is not None else ():
                if call.target is not None:
                    self.callers[call.target].append((caller, call))

    def of(self, function: str, operand: Operand) -> frozenset[int]:
        return frozenset(s.value for s in self.sources(function, operand, None))

    def sources(self, function: str, operand: Operand, where: Location | None, depth: int = 0) -> Iterator[Source]:
        """The literal selectors ``operand`` (used at ``where`` in ``function``) can hold."""
        value = literal_selector(operand)
        if value is not None:
            yield Source(value, operand.text, function, where)
            return
        info = self.graph.get(function)
        if operand.kind != "param" or info is None or depth >= MAX_DEPTH:
            return
        index = next((i for i, p in enumerate(info.params) if p.name == operand.name), None)
        if index is None:
            return
        for caller, call in self.callers.get(function, ()):
            position = index + _receiver_offset(call, info.self_kind)
            if position < len(call.args):
                yield from self.sources(caller, call.args[position], call.location, depth + 1)


def _receiver_offset(call: CallSite, self_kind: str | None) -> int:
    """1 when ``self`` is passed as the first argument (``Trait::m(self, ..)``), else 0."""
    return 1 if self_kind is not None and call.kind in ("function", "trait") else 0
