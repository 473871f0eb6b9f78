"""The ``use starknet::storage::{...}`` a plan adds to a Cairo 2.7+ contract module: ``Map`` and the
storage access traits (not in the prelude since 2.7) that the code the plan inserts uses, less those
the module already imports. Older editions need none: ``LegacyMap`` and plain members have
``read``/``write`` built in."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..model.contracts import Contract
from .edition import Edition
from .plan import Step
from .source import body_line, indent, indent_of

TRAITS = ("Map", "StorageMapReadAccess", "StorageMapWriteAccess", "StoragePointerReadAccess", "StoragePointerWriteAccess")
_ACCESS = re.compile(r"\bself\.\w+\.(read|write)\(")
_USE = re.compile(r"\buse\s+([^;]+);")


def needed(codes: Iterable[str]) -> set[str]:
    """The names of ``TRAITS`` the snippets ``codes`` use: ``Map<`` for Map; ``self.m.read(key)``
    and ``self.m.write(key, value)`` are map accesses, ``read()`` and ``write(value)`` pointer ones."""
    found: set[str] = set()
    for code in codes:
        if re.search(r"\bMap\s*<", code):
            found.add("Map")
        for match in _ACCESS.finditer(code):
            method = match.group(1)
            keyed = _arguments(code, match.end()) == (1 if method == "read" else 2)
            found.add(f"Storage{'Map' if keyed else 'Pointer'}{method.capitalize()}Access")
    return found


def imported(module: str) -> set[str]:
    """The names of ``TRAITS`` the ``use`` items of the text ``module`` bring in (a glob of
    ``starknet::storage`` brings all)."""
    found: set[str] = set()
    for use in _USE.finditer(module):
        if re.search(r"\bstorage::\s*\*", use.group(1)):
            return set(TRAITS)
        found |= set(re.findall(r"\w+", use.group(1))) & set(TRAITS)
    return found


def storage_imports(steps: Iterable[Step], contract: Contract, text: str, edition: Edition) -> Step | None:
    """The step that imports what the code of ``steps`` needs into ``contract``'s module (whose
    file holds ``text``), or None when nothing is missing or the edition needs no import."""
    if not edition.has_map:
        return None
    declaration = contract.declaration or contract.location
    line = body_line(text, declaration.line)
    lines = text.split("\n")
    module = "\n".join(lines[declaration.line - 1 : contract.location.end_line])
    edits = [s for s in steps if s.action in ("insert", "replace") and s.file == contract.location.path]
    missing = [name for name in TRAITS if name in needed(s.code for s in edits) - imported(module)]
    if not missing or line is None:
        return None
    code = f"use starknet::storage::{{{', '.join(missing)}}};"
    return Step(
        "storage-imports", "import the storage types and traits the added code uses",
        f"{edition.describe()}: `Map` and the storage access traits behind `read`/`write` are not in the prelude; "
        f"the code below uses {', '.join(f'`{n}`' for n in missing)}, which the module does not import yet",
        "insert", "the contract compiles: no `read`/`write` method is missing", contract.location.path, line,
        indent(code, indent_of(text, declaration.line) + "    "),
    )  # fmt: skip


def _arguments(code: str, start: int) -> int:
    """The number of arguments of the call whose ``(`` ends just before ``start`` (commas inside
    brackets and turbofish generics ``::<A, B>`` do not count)."""
    closers: list[str] = []
    count, empty = 1, True
    for index in range(start, len(code)):
        char = code[index]
        if char in "([{" or (char == "<" and code.endswith("::", 0, index)):
            closers.append({"(": ")", "[": "]", "{": "}", "<": ">"}[char])
        elif closers and char == closers[-1]:
            closers.pop()
        elif char == ")" and not closers:
            return 0 if empty else count
        elif char == "," and not closers:
            count += 1
        empty = empty and char.isspace()
    return count
