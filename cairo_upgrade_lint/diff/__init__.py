"""Old model vs new model: storage, entry-point, event and upgrade-path changes (facts only)."""

from __future__ import annotations

from collections.abc import Mapping

from ..model.callgraph import CallGraph
from ..model.contracts import Contract
from ..model.project import Project
from ..model.upgrades import upgrade_paths
from .changes import (
    Compatibility,
    ContractDiff,
    EntryPointChange,
    EventChange,
    LayoutChange,
    ProjectDiff,
    StorageChange,
)
from .interface import diff_entry_points, diff_events, unknown_impls
from .pairing import pair_with_evidence
from .storage import diff_storage, new_collisions, unknown_substorage

__all__ = [
    "Compatibility",
    "ContractDiff",
    "EntryPointChange",
    "EventChange",
    "LayoutChange",
    "ProjectDiff",
    "StorageChange",
    "diff_contracts",
    "diff_projects",
]


def diff_projects(old: Project, new: Project, pairs: Mapping[str, str] | None = None) -> ProjectDiff:
    """Diff every paired contract and component of two versions (``pairs``: old -> new names)."""
    matched, unpaired_old, unpaired_new, evidence = pair_with_evidence(old.contracts, new.contracts, pairs)
    diffs = tuple(diff_contracts(a, b, old.call_graph, new.call_graph) for a, b in matched)
    return ProjectDiff(diffs, tuple(unpaired_old), tuple(unpaired_new), tuple(evidence))


def diff_contracts(old: Contract, new: Contract, old_graph: CallGraph, new_graph: CallGraph) -> ContractDiff:
    storage, unchanged = diff_storage(old.storage, new.storage, unknown_substorage(old), unknown_substorage(new))
    return ContractDiff(
        old=old,
        new=new,
        storage=tuple(storage),
        unchanged=tuple(unchanged),
        new_collisions=new_collisions(old.collisions, new.collisions),
        entry_points=tuple(diff_entry_points(old.entry_points, new.entry_points, unknown_impls(old, new), old.embedded)),
        events=tuple(diff_events(old.events, new.events)),
        old_upgrade_paths=upgrade_paths(old_graph, old),
        new_upgrade_paths=upgrade_paths(new_graph, new),
    )
