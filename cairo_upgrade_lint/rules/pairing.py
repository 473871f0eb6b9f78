"""CUL002 contract-pairing: every contract and component of either version accounted for.

A project-level rule (it reads the whole pairing, not one contract pair): a pair made by similarity
says its evidence; an old deployable contract without a counterpart is a warning; new contracts,
components, external initializer contracts and old contracts that cannot replace their class are
notes.
"""

from __future__ import annotations

from ..diff import ProjectDiff
from ..diff.pairing import external_initializer, rivals
from ..findings import Finding, Related, Severity
from ..model import Contract, UpgradePath
from ..model.upgrades import upgrade_paths
from ..semantics.context import Context
from .base import Report
from .in_place import no_upgrade_path


def pairing_findings(
    diff: ProjectDiff, ctx: Context, recorded: dict[str, tuple[UpgradePath, ...]] | None = None
) -> list[Finding]:
    """CUL002: every contract accounted for. A pair made by similarity says its evidence (a note);
    an old deployable contract without a counterpart is a warning, anything else unpaired a note:
    an external initializer contract (never deployed), and an old contract that cannot replace its
    class (its deployments cannot be upgraded to anything). ``recorded``: the old version's upgrade
    paths when it is read from a lock file."""
    report = Report("CUL002", ctx.catalogue)
    out = []
    for old, new, evidence in diff.pairings:
        message = f"{evidence}; if `{new.name}` is not the new version of `{old.name}`, name the right pair with --contract"
        related = (Related(old.declaration or old.location, f"`{old.name}` in the old version"),)
        out.append(report(message, new.declaration or new.location, related=related, severity=Severity.NOTE))
    # a component that moved between the input and a dependency is the same code to the compiler:
    # the contracts that use it compare it
    moved = {c.qualified_name for p in (ctx.project, ctx.old) if p is not None for c in p.known_components}
    unpaired_old = [c for c in diff.unpaired_old if c.kind == "contract" or c.qualified_name not in moved]
    out += [f for old in unpaired_old if (f := _removed(old, diff, ctx, report, recorded)) is not None]
    for new in diff.unpaired_new:
        if new.kind != "contract" and new.qualified_name in moved:
            continue
        what = "contract" if new.kind == "contract" else "component"
        if external_initializer(new):
            message = (
                f"`{new.name}` is an external initializer contract (it implements eic_initialize and has no "
                "constructor): it is never deployed, it runs as a library call from its host's upgrade on the "
                "host's storage, so it is not compared as a contract of its own (its eic_initialize counts as "
                "a migration of the contract whose storage it declares)"
            )
        else:
            message = (
                f"{what} `{new.name}` is new: it has no counterpart in OLD, so it was not compared "
                f"(if it is a renamed one, pair it with --contract OLD_NAME={new.name})"
            )
        out.append(report(message, new.declaration or new.location, severity=Severity.NOTE))
    return out


def _removed(
    old: Contract, diff: ProjectDiff, ctx: Context, report: Report, recorded: dict[str, tuple[UpgradePath, ...]] | None
) -> Finding | None:
    """CUL002 for an old contract or component without a counterpart (none for an old external
    initializer contract that the new version still has)."""
    where = old.declaration or old.location
    if external_initializer(old):
        if any(external_initializer(c) and c.name == old.name for c in diff.unpaired_new):
            return None  # the new one's note covers both
        message = (
            f"`{old.name}` (an external initializer contract: it implements eic_initialize and has no "
            "constructor) has no counterpart in NEW; it is never deployed, only library-called by its "
            "host's upgrade, so no deployment depends on it"
        )
        return report(message, where, severity=Severity.NOTE)
    what = "" if old.kind == "contract" else "component "
    message = f"{what}`{old.name}` has no counterpart in NEW: removed, or renamed? pair it with --contract {old.name}=NEW_NAME"
    candidates = rivals(old, diff.unpaired_new)
    if candidates:
        names = " and ".join(f"`{c.name}`" for c in candidates)
        message += f" ({names} are as similar to it and no name decides between them)"
    if old.kind != "contract":
        return report(message, where, severity=Severity.NOTE)
    if _cannot_replace_class(old, ctx, recorded):
        message += (
            f"; the old {old.name} cannot replace its class (no path to replace_class_syscall or "
            "library_call_syscall), so its deployments cannot be upgraded to any new version"
        )
        return report(message, where, severity=Severity.NOTE)
    return report(message, where, severity=Severity.WARNING)


def _cannot_replace_class(old: Contract, ctx: Context, recorded: dict[str, tuple[UpgradePath, ...]] | None) -> bool:
    """Whether the deployments of a removed contract provably cannot run new code (another contract
    that library-calls its class runs that class's code as it is, whatever the repository does)."""
    if ctx.old is None:
        return False
    paths = recorded.get(old.qualified_name, ()) if recorded is not None else upgrade_paths(ctx.old.call_graph, old)
    return no_upgrade_path(old, paths)
