"""The caller check a contract already uses on its upgrade path, as a statement to reuse."""

from __future__ import annotations

from ..catalogue import load_catalogue
from ..config import Config
from ..model.contracts import Contract
from ..model.project import Project
from ..model.upgrades import upgrade_paths
from ..semantics.context import Context
from ..semantics.guards import entry_guard
from .source import statement


def upgrade_guard(project: Project, contract: Contract, config: Config) -> str | None:
    """The first statement of the auth check on ``contract``'s upgrade path (``assert(...)``,
    ``self.ownable.assert_only_owner();`` ...), or None when none is found."""
    ctx = Context(project, config, load_catalogue())
    names = {p.entry_point for p in upgrade_paths(project.call_graph, contract)}
    for entry in contract.entry_points:
        if entry.name not in names:
            continue
        guard = entry_guard(ctx, contract, entry)
        where = guard.evidence
        if not guard.guarded or where is None or guard.kind in ("protocol_entry", "not_reached"):
            continue
        text = project.texts.get(where.path, b"").decode("utf-8", errors="replace")
        found = statement(text, where.line, where.column)
        if found and not found.startswith(("let ", "return ")):
            return found
    return None
