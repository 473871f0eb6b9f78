"""Who an entry point's guard admits: the authorities its auth check compares the caller with."""

from __future__ import annotations

from ..model import EntryPoint
from ..semantics.authorities import GOVERNANCE as GOVERNANCE
from ..semantics.authorities import admitted
from ..semantics.authorities import governance_only as governance_only
from ..semantics.guards import Guard, path_names
from .base import Audit, Evidence, Verdict, failed, not_found


def authorities(audit: Audit, entry: EntryPoint, guard: Guard) -> frozenset[str]:
    """Every authority the guard's check admits (``semantics.authorities.admitted``)."""
    return admitted(audit.graph, entry, guard)


def guard_evidence(entry: EntryPoint, guard: Guard) -> Evidence:
    """Where the guard of ``entry`` checks the caller (the entry point when the check is elsewhere)."""
    where = guard.evidence or entry.embedded_at or entry.location
    return Evidence(where, f"{entry.name}: {guard.description}")


def unguarded(audit: Audit, entry: EntryPoint, guard: Guard, message: str) -> Verdict:
    """A failure at the unguarded operation, with the call path that reaches it; not-found when
    calls on the way did not resolve and may check the caller."""
    chain = " -> ".join(path_names(audit.graph, guard.unguarded_path)) or entry.name
    site = None if _function_end(audit, guard) else guard.site
    evidence = [Evidence(site or entry.embedded_at or entry.location, f"{entry.name}: no auth check on {chain}")]
    if guard.certain:
        return failed(message, evidence)
    calls = ", ".join(f"`{name}`" for name in guard.unresolved)
    return not_found(f"{message}, unless {calls} (not analysed) checks the caller", evidence)


def _function_end(audit: Audit, guard: Guard) -> bool:
    """The unchecked site stands for a whole function (the point at its end), not an operation."""
    info = audit.graph.get(guard.unguarded_path[-1]) if guard.unguarded_path else None
    end = info.location if info is not None else None
    return end is not None and guard.site is not None and (guard.site.line, guard.site.column) == (end.end_line, end.end_column)
