"""Whether values serialized for one type decode as another: compares ``TypeResolver.serde`` texts.

Serde writes felts flat (struct braces and tuples only group them); an enum writes its variant
index, then the payload. A reader decodes what a writer sent when the felts line up and each
scalar the writer can send is accepted by the reader: a one-felt scalar read as a wider one
(u32 -> u128 -> felt252, an address -> felt252), an enum read by one with more variants appended.
"""

from __future__ import annotations

import re

from ..records import record

UNSIGNED_BITS = {"bool": 1, "u8": 8, "u16": 16, "u32": 32, "usize": 32, "u64": 64, "u128": 128}
ONE_FELT = frozenset({*UNSIGNED_BITS, "ContractAddress", "ClassHash", "EthAddress", "felt252"})
_TOKEN = re.compile(r"\w+|[^\w\s]")


@record
class Node:
    """A serialized value: a scalar ``name``, a generic ``name<args>`` (``Array`` ...), an
    ``enum`` (``args`` are the variants' payloads) or a fixed array ``[arg; size]``."""

    name: str
    args: tuple[tuple[Node, ...], ...] = ()
    size: str = ""


def decodes_as(sent: str | None, read: str | None) -> bool:
    """Whether every value serialized as ``sent`` decodes as ``read`` (None: the unit type)."""
    return mismatch(sent, read) is None


def mismatch(sent: str | None, read: str | None) -> tuple[str, str] | None:
    """The first part of ``sent`` that does not decode as its counterpart in ``read``
    (``("u64", "u32")``, ``("3 values", "2 values")``...), None when it all decodes."""
    return _sequence_mismatch(_parse(sent or "()"), _parse(read or "()"))


def _sequence_mismatch(sent: tuple[Node, ...], read: tuple[Node, ...]) -> tuple[str, str] | None:
    if len(sent) != len(read):
        return _values(len(sent)), _values(len(read))
    return next((m for a, b in zip(sent, read, strict=True) if (m := _mismatch(a, b))), None)


def _mismatch(sent: Node, read: Node) -> tuple[str, str] | None:
    if sent.name != read.name:
        plain = not sent.args and not read.args
        return None if plain and widens(sent.name, read.name) else (sent.name, read.name)
    if sent.size != read.size:
        return f"[{sent.size}]", f"[{read.size}]"
    appended = sent.name == "enum" and len(sent.args) < len(read.args)
    if len(sent.args) != len(read.args) and not appended:
        # Appended enum variants are only ever read; any other change of arity breaks decoding.
        return f"{sent.name} of {len(sent.args)}", f"{sent.name} of {len(read.args)}"
    pairs = zip(sent.args, read.args, strict=False)
    return next((m for a, b in pairs if (m := _sequence_mismatch(a, b))), None)


def _values(count: int) -> str:
    return f"{count} value" + ("" if count == 1 else "s")


def widens(narrow: str, wide: str) -> bool:
    """Whether every value of the one-felt scalar ``narrow`` is a valid ``wide``."""
    if wide == "felt252":
        return narrow in ONE_FELT
    bits = UNSIGNED_BITS
    return narrow in bits and wide in bits and bits[narrow] <= bits[wide]


def _parse(text: str) -> tuple[Node, ...]:
    tokens = _TOKEN.findall(text)
    nodes, _ = _sequence(tokens, 0, frozenset())
    return nodes


def _sequence(tokens: list[str], at: int, stops: frozenset[str]) -> tuple[tuple[Node, ...], int]:
    """Nodes up to a token in ``stops`` (or the end), braces and parentheses flattened."""
    nodes: list[Node] = []
    while at < len(tokens) and tokens[at] not in stops:
        token = tokens[at]
        if token in "{(":
            inner, at = _sequence(tokens, at + 1, frozenset("})"))
            nodes += inner
            at += 1
        elif token == ",":
            at += 1
        elif token == "[":
            element, at = _sequence(tokens, at + 1, frozenset(";"))
            nodes.append(Node("[]", (element,), tokens[at + 1] if at + 1 < len(tokens) else ""))
            at += 3
        else:
            node, at = _item(tokens, at)
            nodes.append(node)
    return tuple(nodes), at


def _item(tokens: list[str], at: int) -> tuple[Node, int]:
    """``name`` or ``name<a, b>`` (``enum<a | b>``: one argument per variant)."""
    name = tokens[at]
    if at + 1 >= len(tokens) or tokens[at + 1] != "<":
        return Node(name), at + 1
    separator = "|" if name == "enum" else ","
    args: list[tuple[Node, ...]] = []
    at += 2
    while at < len(tokens) and tokens[at - 1] != ">":
        arg, at = _sequence(tokens, at, frozenset({separator, ">"}))
        args.append(arg)
        at += 1
    return Node(name, tuple(args)), at
