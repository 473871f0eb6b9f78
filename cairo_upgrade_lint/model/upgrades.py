"""Upgrade paths: entry points whose code reaches ``replace_class_syscall`` (or a
``library_call_syscall``, which runs another class on this contract's storage and can replace it)."""

from __future__ import annotations

from ..records import record
from .callgraph import SYSCALL_PREFIX, CallGraph
from .contracts import Contract
from .syscalls import UPGRADE_SYSCALLS


@record
class UpgradePath:
    """``entry_point`` reaches ``syscall`` through the functions in ``path`` (ids, in call order)."""

    entry_point: str
    syscall: str
    path: tuple[str, ...]


def upgrade_paths(graph: CallGraph, contract: Contract) -> tuple[UpgradePath, ...]:
    found = []
    for entry in contract.entry_points:
        for syscall in UPGRADE_SYSCALLS:
            path = graph.path(entry.function, SYSCALL_PREFIX + syscall)
            if path is not None:
                found.append(UpgradePath(entry.name, syscall, tuple(path[:-1])))
    return tuple(found)
