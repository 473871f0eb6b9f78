"""Iterative traversal of the syntax tree (trees can be deeper than Python's recursion limit)."""

from __future__ import annotations

from functools import cache
from typing import Iterator

from ..records import field_names
from .ast import Span, Token


@cache
def _child_fields(cls: type) -> tuple[str, ...]:
    return tuple(name for name in field_names(cls) if name != "span")


@cache
def _is_node(cls: type) -> bool:
    return bool(field_names(cls)) and not issubclass(cls, (Span, Token))


def children(node: object, prune: tuple[type, ...] = ()) -> Iterator[object]:
    """The direct child nodes of ``node``, in source order, leaving out instances of ``prune``."""
    for name in _child_fields(type(node)):
        value = getattr(node, name)
        if type(value) is tuple:
            for element in value:
                if _is_node(type(element)) and not isinstance(element, prune):
                    yield element
        elif _is_node(type(value)) and not isinstance(value, prune):
            yield value


def walk(node: object) -> Iterator[object]:
    """``node`` and all its descendants, depth-first in source order."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(list(children(current))))
