"""Iterative traversal of the syntax tree (trees can be deeper than Python's recursion limit)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..records import field_names
from .ast import If, Token

_LEAF_NAMES = frozenset({"str", "int", "bool", "None", "Span", "Token", "tuple"})


class _ChildFields(dict[type, tuple[str, ...]]):
    """Node class -> the fields that can hold child nodes: all but those whose annotation names
    only leaf types (``name: str``, ``span: Span``, ``tokens: tuple[Token, ...]``)."""

    def __missing__(self, cls: type) -> tuple[str, ...]:
        hints: dict[str, object] = {}
        for base in reversed(cls.__mro__):
            hints.update(getattr(base, "__annotations__", {}))
        fields = self[cls] = tuple(name for name in field_names(cls) if not _is_leaf(hints.get(name)))
        return fields


def _is_leaf(annotation: object) -> bool:
    return isinstance(annotation, str) and set(re.findall(r"\w+", annotation)) <= _LEAF_NAMES


class _IsNode(dict[type, bool]):
    """Class -> whether its instances are syntax nodes (records other than tokens; a span is not a
    record)."""

    def __missing__(self, cls: type) -> bool:
        is_node = self[cls] = bool(field_names(cls)) and not issubclass(cls, Token)
        return is_node


_CHILD_FIELDS = _ChildFields()
_IS_NODE = _IsNode()


def children(node: object, prune: tuple[type, ...] = ()) -> Iterator[object]:
    """The direct child nodes of ``node``, in source order, leaving out instances of ``prune``.

    An ``else if`` chain is a list of branches, not nesting: the first ``If`` of a chain has as
    children its conditions and block, then every later ``If`` of the chain, then the final
    ``else`` block; a chained ``If`` (``If.chained``) has only its own conditions and block. A walk
    thus meets each node once, in source order, and a 5,000-branch chain is two levels deep."""
    if type(node) is If:
        return _if_children(node, prune)
    return _fields_children(node, prune)


def _if_children(node: If, prune: tuple[type, ...]) -> Iterator[object]:
    """The children of an ``If`` as ``children`` describes them (pruning a chained ``If`` prunes
    the rest of the chain, which it holds)."""
    yield from _kept(node.conditions, prune)
    yield from _kept((node.then,), prune)
    if node.chained:
        return
    branch = node.otherwise
    while type(branch) is If:
        if prune and isinstance(branch, prune):
            return
        yield branch
        branch = branch.otherwise
    if branch is not None:
        yield from _kept((branch,), prune)


def _kept(values: tuple[object, ...], prune: tuple[type, ...]) -> Iterator[object]:
    """The nodes among ``values`` that are not instances of ``prune``."""
    is_node = _IS_NODE
    for value in values:
        if is_node[type(value)] and not (prune and isinstance(value, prune)):
            yield value


def _fields_children(node: object, prune: tuple[type, ...]) -> Iterator[object]:
    """The child nodes held in the fields of ``node``, leaving out instances of ``prune``."""
    is_node = _IS_NODE
    for name in _CHILD_FIELDS[type(node)]:
        value = getattr(node, name)
        if type(value) is tuple:
            for element in value:
                if is_node[type(element)] and not (prune and isinstance(element, prune)):
                    yield element
        elif is_node[type(value)] and not (prune and isinstance(value, prune)):
            yield value


def walk(node: object) -> Iterator[object]:
    """``node`` and all its descendants, depth-first in source order."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(list(children(current))))
