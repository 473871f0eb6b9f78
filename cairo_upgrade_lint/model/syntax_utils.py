"""Small readers over the syntax tree shared by the model builders."""

from __future__ import annotations

from collections.abc import Iterator

from ..digest import new_digest
from ..findings import Location
from ..records import field_names
from ..syntax import ast as A


def location(path: str, span: A.Span) -> Location:
    return Location(path, *span.positions())


def has_attribute(node: object, *names: str) -> bool:
    return any(attr.name in names for attr in getattr(node, "attributes", ()))


def attribute_args(node: object, name: str) -> tuple[str, ...] | None:
    """The arguments of ``#[name(a, b)]`` as text (paths, literals), or None when absent."""
    for attr in getattr(node, "attributes", ()):
        if attr.name == name:
            return tuple(expr_name(arg.value) for arg in attr.args or ())
    return None


def derives(node: object) -> set[str]:
    """Names in ``#[derive(...)]``, each also by its last segment (``starknet::Store`` -> both)."""
    names: set[str] = set()
    for attr in getattr(node, "attributes", ()):
        if attr.name == "derive":
            for arg in attr.args or ():
                text = expr_name(arg.value)
                names.update({text, text.rsplit("::", 1)[-1]})
    return names


def is_test_only(item: A.Item) -> bool:
    """Items compiled only for tests: ``#[cfg(test)]`` and ``#[test]``."""
    for attr in getattr(item, "attributes", ()):
        if attr.name == "test":
            return True
        if attr.name == "cfg" and attr.args and expr_name(attr.args[0].value) == "test":
            return True
    return False


def expr_name(expr: A.Expr) -> str:
    """The text of a path or literal expression (attribute and macro arguments), else ''."""
    if isinstance(expr, A.PathExpr):
        return expr.path.text
    if isinstance(expr, A.Literal):
        return str(expr.value)
    return ""


def functions_of(items: tuple[A.Item, ...] | None) -> Iterator[A.Function]:
    for item in items or ():
        if isinstance(item, A.Function) and not is_test_only(item):
            yield item


def self_param(function: A.Function) -> A.Param | None:
    """The ``self`` parameter of a method, if it has one."""
    if function.params and function.params[0].name == "self":
        return function.params[0]
    return None


def macro_arg(call: A.MacroCall, name: str) -> A.Expr | None:
    """The value of argument ``name: value`` of a macro call such as ``component!``."""
    for arg in call.args or ():
        if arg.name == name:
            return arg.value
    return None


def fingerprint(*nodes: object) -> str:
    """A digest of syntax trees that ignores positions, formatting, comments, visibility and
    attributes: equal digests, same code."""
    digest = new_digest()
    stack = list(reversed(nodes))
    while stack:
        current = stack.pop()
        digest.update(type(current).__name__.encode())
        children = []
        for name in field_names(type(current)):
            if name in _UNFINGERPRINTED:
                continue
            value = getattr(current, name)
            for part in value if isinstance(value, tuple) else (value,):
                if isinstance(part, A.Token):
                    digest.update(b"\x00" + part.text.encode())
                elif isinstance(part, (str, int, bool)) or part is None:
                    digest.update(b"\x01" + repr(part).encode())
                elif field_names(type(part)):
                    children.append(part)
        stack.extend(reversed(children))
    return digest.hexdigest()


_UNFINGERPRINTED = frozenset({"span", "name_span", "visibility", "attributes"})
