"""Whether an old-vs-new finding can reach a deployed contract (DOMAIN.md section 1).

Stored data is misread, and callers break, only where a deployed instance of the OLD class is
upgraded to the new one: through ``replace_class_syscall`` reached from one of its entry points, or
by another contract library-calling its code. A contract whose old version provably has neither
cannot be upgraded in place: its storage, entry-point and event changes matter to fresh deployments
only, so they are notes saying so. Provably means: no upgrade path in the old version, nothing
unresolved in it that could hide one (a component or embedded impl not found), and no contract of
the old version that library-calls another class. The findings about the new code itself (address
collisions, selector clashes, guards) are not concerned.
"""

from __future__ import annotations

from ..diff import ContractDiff
from ..findings import Finding, Severity
from ..model import Contract
from ..model.syscalls import LIBRARY_CALL
from ..model.upgrades import UpgradePath, upgrade_paths
from ..records import replace
from ..semantics.context import Context

UPGRADE_ONLY = frozenset(
    {"CUL101", "CUL102", "CUL103", "CUL104", "CUL105", "CUL107", "CUL108", "CUL202", "CUL203", "CUL205", "CUL208", "CUL402"}
)


def for_deployments(diff: ContractDiff, ctx: Context, finding: Finding) -> Finding:
    """``finding`` as a note when it concerns an upgrade the old version cannot make."""
    if finding.rule_id not in UPGRADE_ONLY or finding.severity is Severity.NOTE or not cannot_upgrade(diff, ctx):
        return finding
    reason = (
        f"; the old {diff.old.name} cannot replace its class (no path to replace_class_syscall or "
        "library_call_syscall), so no deployed instance is upgraded to this version: only fresh "
        "deployments run it"
    )
    return replace(finding, severity=Severity.NOTE, message=finding.message.rstrip(".") + reason)


def cannot_upgrade(diff: ContractDiff, ctx: Context) -> bool:
    """The old version of the contract provably has no way to run new code on its storage."""
    if not no_upgrade_path(diff.old, diff.old_upgrade_paths):
        return False
    return not ctx.once("in_place.library_callers", lambda: _library_calls(ctx))


def no_upgrade_path(contract: Contract, paths: tuple[UpgradePath, ...]) -> bool:
    """A deployable contract whose own code (``paths``: its upgrade paths) provably cannot replace
    its class: none found, and no component or embedded impl outside the analysed source that could
    hold one."""
    if contract.kind != "contract" or paths:
        return False
    return not any(u.component is None for u in contract.components) and all(e.resolved for e in contract.embedded)


def _library_calls(ctx: Context) -> bool:
    """Whether any contract of the old version can library-call another class (which may run this
    contract's code on its own storage)."""
    old = ctx.old
    if old is None:
        return True
    return any(path.syscall == LIBRARY_CALL for contract in old.contracts for path in upgrade_paths(old.call_graph, contract))
