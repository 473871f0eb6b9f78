"""Whether values serialized for one type decode as another: compares ``TypeResolver.serde`` texts.

Serde writes felts flat (struct braces and tuples only group them); an enum writes its variant
index, then the payload. A reader decodes what a writer sent when the felts line up and each
scalar the writer can send is accepted by the reader: a one-felt scalar read as a wider one
(u32 -> u128 -> felt252, an address -> felt252), an enum read by one with more variants appended.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..records import record

UNSIGNED_BITS = {"bool": 1, "u8": 8, "u16": 16, "u32": 32, "usize": 32, "u64": 64, "u128": 128}
ONE_FELT = frozenset({*UNSIGNED_BITS, "ContractAddress", "ClassHash", "EthAddress", "felt252"})
# ``?name``: an encoding not known here (an unresolved type, a custom Serde impl: equal names, same
# encoding); ``^n``: the user type being expanded n levels up (recursion); ``%path``: the struct or
# enum a group of values belongs to (shown in messages, never compared).
_TOKEN = re.compile(r"[?^]\w+|%[\w:]+|\w+|[^\w\s]")


@record
class Node:
    """A serialized value: a scalar ``name``, a generic ``name<args>`` (``Array`` ...), an
    ``enum`` (``args`` are the variants' payloads; ``label`` its path) or a fixed array
    ``[arg; size]``. ``owner`` is the struct or enum it belongs to (its path), "" at the top."""

    name: str
    args: tuple[tuple[Node, ...], ...] = ()
    size: str = ""
    owner: str = ""
    label: str = ""

    @property
    def unknown(self) -> bool:
        return self.name.startswith("?")


@record
class Mismatch:
    """The first part of the sent encoding that does not decode as its counterpart in the read
    one: ``sent`` -> ``read`` (``u64`` -> ``u32``, ``3 values`` -> ``2 values``), inside the
    struct or enum ``owner`` ("" when at the top). ``unknown``: one side is not known here, so
    nothing can be said (not a proven difference)."""

    sent: str
    read: str
    owner: str = ""
    unknown: bool = False

    def reversed(self) -> Mismatch:
        return Mismatch(self.read, self.sent, self.owner, self.unknown)

    @property
    def where(self) -> str:
        """`` in `path::Type` `` or ""."""
        return f" in `{self.owner}`" if self.owner else ""


def decodes_as(sent: str | None, read: str | None) -> bool:
    """Whether every value serialized as ``sent`` decodes as ``read`` (None: the unit type); an
    unknown part is not a proven difference."""
    why = mismatch(sent, read)
    return why is None or why.unknown


def extends(sent: str | None, read: str | None) -> bool:
    """Whether ``sent`` is ``read`` followed by more values: a reader that stops after what it
    knows (a dispatcher decoding a return value: it does not check the length) reads it unchanged."""
    sent_nodes, read_nodes = _parse(sent or "()"), _parse(read or "()")
    head = sent_nodes[: len(read_nodes)]
    return len(sent_nodes) > len(read_nodes) and all(map(_same, head, read_nodes))


def _same(a: Node, b: Node) -> bool:
    """The same encoding exactly (no widening: a widened value followed by more values may be a
    wider type, felt252 -> u256)."""
    return (
        (a.name, a.size) == (b.name, b.size)
        and not a.unknown
        and len(a.args) == len(b.args)
        and all(len(x) == len(y) and all(map(_same, x, y)) for x, y in zip(a.args, b.args, strict=True))
    )


def mismatch(sent: str | None, read: str | None) -> Mismatch | None:
    """The first part of ``sent`` that does not decode as its counterpart in ``read``, None when
    it all decodes (None: the unit type)."""
    return _sequence_mismatch(_parse(sent or "()"), _parse(read or "()"))


def _sequence_mismatch(sent: tuple[Node, ...], read: tuple[Node, ...]) -> Mismatch | None:
    found = _first_proven(_mismatch(a, b) for a, b in zip(sent, read, strict=False))
    if (found is not None and not found.unknown) or len(sent) == len(read):
        return found
    extra = (sent if len(sent) > len(read) else read)[min(len(sent), len(read))]
    unknown = any(n.unknown for n in (*sent, *read))
    return Mismatch(_values(len(sent)), _values(len(read)), extra.owner, unknown)


def _first_proven(found: Iterable[Mismatch | None]) -> Mismatch | None:
    """The first proven mismatch, else the first unknown one: a part not known here must not hide
    a proven difference further on (a custom-Serde variant before a changed one)."""
    unknown = None
    for mismatch in found:
        if mismatch is not None and not mismatch.unknown:
            return mismatch
        unknown = unknown or mismatch
    return unknown


def _mismatch(sent: Node, read: Node) -> Mismatch | None:
    owner = sent.owner or read.owner
    if sent.name != read.name:
        if sent.unknown or read.unknown:
            return Mismatch(_shown(sent), _shown(read), owner, True)
        plain = not sent.args and not read.args
        return None if plain and widens(sent.name, read.name) else Mismatch(_shown(sent), _shown(read), owner)
    if sent.size != read.size:
        return Mismatch(f"[{sent.size}]", f"[{read.size}]", owner)
    enum = sent.name == "enum"
    appended = enum and len(sent.args) < len(read.args)
    if len(sent.args) != len(read.args) and not appended:
        # Appended enum variants are only ever read; any other change of arity breaks decoding.
        if enum:
            return Mismatch(_variants(len(sent.args)), _variants(len(read.args)), sent.label or owner)
        return Mismatch(f"{sent.name} of {len(sent.args)}", f"{read.name} of {len(read.args)}", owner)
    return _first_proven(_sequence_mismatch(a, b) for a, b in zip(sent.args, read.args, strict=False))


def _shown(node: Node) -> str:
    if node.name.startswith("^"):
        return f"a recursive reference {node.name[1:]} level(s) up"
    if node.unknown:
        return node.name[1:] or "an unknown type"
    if node.name == "enum":
        return f"enum `{node.label}`" if node.label else "an enum"
    return node.name


def _values(count: int) -> str:
    return f"{count} value" + ("" if count == 1 else "s")


def _variants(count: int) -> str:
    return f"{count} variant" + ("" if count == 1 else "s")


def widens(narrow: str, wide: str) -> bool:
    """Whether every value of the one-felt scalar ``narrow`` is a valid ``wide``."""
    if wide == "felt252":
        return narrow in ONE_FELT
    bits = UNSIGNED_BITS
    return narrow in bits and wide in bits and bits[narrow] <= bits[wide]


def _parse(text: str) -> tuple[Node, ...]:
    tokens = _TOKEN.findall(text)
    nodes, _ = _sequence(tokens, 0, frozenset(), "")
    return nodes


def _sequence(tokens: list[str], at: int, stops: frozenset[str], owner: str) -> tuple[tuple[Node, ...], int]:
    """Nodes up to a token in ``stops`` (or the end), braces and parentheses flattened; a
    ``%path`` label names the owner of the group it opens."""
    nodes: list[Node] = []
    while at < len(tokens) and tokens[at] not in stops:
        token = tokens[at]
        if token in "{(":
            at += 1
            inner_owner = owner
            if at < len(tokens) and tokens[at].startswith("%"):
                inner_owner = tokens[at][1:]
                at += 1
            inner, at = _sequence(tokens, at, frozenset("})"), inner_owner)
            nodes += inner
            at += 1
        elif token == "," or token.startswith("%"):
            at += 1
        elif token == "[":
            element, at = _sequence(tokens, at + 1, frozenset(";"), owner)
            nodes.append(Node("[]", (element,), tokens[at + 1] if at + 1 < len(tokens) else "", owner))
            at += 3
        else:
            node, at = _item(tokens, at, owner)
            nodes.append(node)
    return tuple(nodes), at


def _item(tokens: list[str], at: int, owner: str) -> tuple[Node, int]:
    """``name`` or ``name<a, b>`` (``enum%path<a | b>``: one argument per variant, the payloads
    owned by the enum)."""
    name = tokens[at]
    label = ""
    if at + 1 < len(tokens) and tokens[at + 1].startswith("%"):
        label = tokens[at + 1][1:]
        at += 1
    if at + 1 >= len(tokens) or tokens[at + 1] != "<":
        return Node(name, owner=owner, label=label), at + 1
    separator = "|" if name == "enum" else ","
    args: list[tuple[Node, ...]] = []
    at += 2
    inner_owner = label or owner
    while at < len(tokens) and tokens[at - 1] != ">":
        arg, at = _sequence(tokens, at, frozenset({separator, ">"}), inner_owner)
        args.append(arg)
        at += 1
    return Node(name, tuple(args), owner=owner, label=label), at
