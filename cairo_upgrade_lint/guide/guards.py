"""The caller checks a plan reuses: the one on the contract's upgrade path, and one that admits
governance only (for a resume that CUL514 accepts: the authorities are read as the audit reads them)."""

from __future__ import annotations

from collections.abc import Iterator

from ..catalogue import load_catalogue
from ..config import Config
from ..model.contracts import Contract
from ..model.project import Project
from ..model.upgrades import upgrade_paths
from ..semantics.authorities import GOVERNANCE, admitted, governance_only
from ..semantics.context import Context
from ..semantics.guards import entry_guard
from .source import statement


def upgrade_guard(project: Project, contract: Contract, config: Config) -> str | None:
    """The first statement of the auth check on ``contract``'s upgrade path (``assert(...)``,
    ``self.ownable.assert_only_owner();`` ...), or None when none is found."""
    return next((found for found, _ in _upgrade_checks(project, contract, config)), None)


def governance_guard(project: Project, contract: Contract, config: Config) -> str | None:
    """A statement that admits governance only: the upgrade path's own check when every authority
    it admits is governance-like (a timelock, a multisig, ``governance``), else a caller check
    against a ``ContractAddress`` storage member named so; None when the contract has neither."""
    for found, names in _upgrade_checks(project, contract, config):
        if governance_only(names):
            return found
    members = [m.name for m in contract.storage if not m.via and m.type_text.split("::")[-1] == "ContractAddress"]
    member = next((name for name in members if GOVERNANCE.search(name)), None)
    if member is None:
        return None
    return f"assert(starknet::get_caller_address() == self.{member}.read(), 'only governance');"


def _upgrade_checks(project: Project, contract: Contract, config: Config) -> Iterator[tuple[str, frozenset[str]]]:
    """(statement, the authorities it admits) of each auth check on an upgrade entry point."""
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
            yield found, admitted(project.call_graph, entry, guard)
