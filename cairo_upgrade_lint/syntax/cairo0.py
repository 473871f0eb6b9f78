"""Recognise Cairo 0 source (``%lang starknet``, ``func``, ``@external``, ``@storage_var``).

Cairo 0 is a different language: parsing it as Cairo 1/2 gives dozens of meaningless errors. A file
is taken for Cairo 0 only when it does not parse as Cairo 1/2 and, outside any bracket, it has one of
these markers (none of which is valid Cairo 1/2 at item level):

- a directive ``%lang <name>`` or ``%builtins <name>``;
- a Cairo 0 decorator followed by ``func`` or ``namespace`` (``@external func``, ``@storage_var func``);
- a declaration ``func name(`` or ``func name{`` (implicit arguments);
- an import ``from starkware.`` (Cairo 0's ``from a.b import c``).
"""

from __future__ import annotations

from . import ast as A
from .lexer import Tokens

MESSAGE = "Cairo 0 source is not supported: this file was not analysed"
EXPECTED = "Cairo 1 or 2 source"
FOUND = "Cairo 0 source"

_DIRECTIVES = frozenset({"lang", "builtins"})
_DECORATORS = frozenset(
    {"external", "view", "storage_var", "event", "constructor", "l1_handler", "contract_interface", "known_ap_change"}
)
_DECLARED = frozenset({"func", "namespace"})
_OPEN = frozenset({"(", "[", "{"})
_CLOSE = frozenset({")", "]", "}"})


def cairo0_marker(toks: Tokens) -> int | None:
    """The index of the first Cairo 0 marker outside brackets, or None."""
    kinds, texts = toks.kinds, toks.texts
    depth = 0
    for i, kind in enumerate(kinds):
        if kind == "EOF":
            return None
        if kind in _OPEN:
            depth += 1
        elif kind in _CLOSE:
            depth = max(depth - 1, 0)
        elif depth == 0 and _is_marker(kinds, texts, i):
            return i
    return None


def _is_marker(kinds: list[str], texts: list[str], i: int) -> bool:
    """Whether a Cairo 0 construct starts at token ``i`` (``kinds`` ends with EOF padding)."""
    kind = kinds[i]
    if kind == "%":
        return kinds[i + 1] == "IDENT" and texts[i + 1] in _DIRECTIVES and kinds[i + 2] == "IDENT"
    if kind == "@":
        return kinds[i + 1] == "IDENT" and texts[i + 1] in _DECORATORS and kinds[i + 2] == "IDENT" and texts[i + 2] in _DECLARED
    if kind != "IDENT":
        return False
    if texts[i] == "func":
        return kinds[i + 1] == "IDENT" and kinds[i + 2] in ("(", "{")
    return texts[i] == "from" and texts[i + 1] == "starkware" and kinds[i + 2] == "."


def cairo0_file(toks: Tokens, path: str, size: int) -> A.SourceFile | None:
    """For a file with syntax errors: an empty tree with the one Cairo 0 diagnostic when the file
    is Cairo 0, else None."""
    marker = cairo0_marker(toks)
    if marker is None:
        return None
    at = toks.span_from(toks.starts[marker], marker)
    diagnostic = A.Diagnostic(path, MESSAGE, at, EXPECTED, FOUND)
    return A.SourceFile(path, (), tuple(toks.comments), (diagnostic,), size)


def is_cairo0(tree: A.SourceFile) -> bool:
    """Whether the parser took ``tree``'s file for Cairo 0 (and so read nothing from it)."""
    return not tree.items and any(d.found == FOUND for d in tree.diagnostics)
