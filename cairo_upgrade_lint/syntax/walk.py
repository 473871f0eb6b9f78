"""Iterative traversal of the syntax tree (trees can be deeper than Python's recursion limit)."""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from functools import cache
from typing import Iterator

from .ast import Span, Token


@cache
def _child_fields(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls) if f.name != "span")


def children(node: object) -> Iterator[object]:
    """The direct child nodes of ``node``, in source order."""
    for name in _child_fields(type(node)):
        value = getattr(node, name)
        if isinstance(value, tuple):
            for element in value:
                if is_dataclass(element) and not isinstance(element, (Span, Token)):
                    yield element
        elif is_dataclass(value) and not isinstance(value, (Span, Token)):
            yield value


def walk(node: object) -> Iterator[object]:
    """``node`` and all its descendants, depth-first in source order."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(list(children(current))))
