"""Who a guard admits and which authorities are governance: shared by the audit (CUL514, the
powers and design views) and the guide (the resume it generates must pass CUL514)."""

from __future__ import annotations

import re

from ..model import Contract, EntryPoint
from ..model.callgraph import CallGraph
from .guards import Guard, auth_check

GOVERNANCE = re.compile(r"govern|timelock|multisig|dao|only_self|^self$", re.IGNORECASE)
PAUSE_FLAG = re.compile(r"paus|halt|frozen|freez|stopped", re.IGNORECASE)


def admitted(graph: CallGraph, entry: EntryPoint, guard: Guard) -> frozenset[str]:
    """Every authority the guard's check admits: each side of ``caller == a || caller == b``, the
    member tested for membership, the guard function called, or 'self'."""
    if not guard.guarded or guard.evidence is None:
        return frozenset()
    for info in (graph.get(f) for f in graph.reachable(entry.function)):
        for assertion in info.facts.assertions if info is not None else ():
            check = auth_check(assertion) if assertion.location == guard.evidence else None
            if check is not None and check[0] == "caller_check":
                others = (c.other("caller") for c in assertion.comparisons if c.op == "==")
                return frozenset(o.name or o.text for o in others if o is not None)
    return frozenset({guard.subject})


def governance_only(names: frozenset[str]) -> bool:
    return bool(names) and all(GOVERNANCE.search(n) for n in names)


def pause_flags(contract: Contract) -> frozenset[str]:
    """The bool storage members named like ``paused`` (the emergency pause flags)."""
    return frozenset(m.name for m in contract.storage if m.type_text == "bool" and PAUSE_FLAG.search(m.name))
