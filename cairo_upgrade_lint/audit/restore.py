"""Rolling a migration back restores the live data, not a snapshot taken when it ran.

A migration *copies* a record member ``M`` into another member when it writes that member from
``M``'s value. A *restore* writes ``M`` back from such a copy ``B``. ``B`` is *live* when an entry
point that is neither a migration nor a restore path writes it (deposits, trades, registrations
after the migration), else it is a *snapshot*, written only at migration time. A restore from a
snapshot is stale when another copy of ``M`` that the migration made is live: everything written
there since the migration (new balances, counts, users) is lost when the snapshot overwrites ``M``.
The correct rollback is a reverse migration that reads the live copy.
"""

from __future__ import annotations

from ..model import Contract, EntryPoint
from ..model.facts import Operand
from ..model.layout import MapLayout, VecLayout
from ..records import record
from ..semantics.migrations import migrations
from .base import Audit, Evidence, Verdict, external, failed, passed, worst
from .flow import Flow, Write


@record
class Copy:
    """``flow`` writes ``write.member`` from record member ``source``."""

    source: str
    flow: Flow
    write: Write

    @property
    def member(self) -> str:
        return self.write.member


def restores_live_data(audit: Audit, contract: Contract) -> Verdict:
    found = migrations(audit.ctx, contract)
    records = {m.name for m in contract.storage if isinstance(m.layout, (MapLayout, VecLayout))}
    copies = [c for m in found for c in _copies(audit.reach(m.entry), records)]
    restores = [r for r in _copies(audit.contract_flows(contract), records) if any(_reverses(r, c) for c in copies)]
    rollback_paths = {m.entry.function for m in found} | {
        e.function for e in external(contract) if any(f.info.id in {r.flow.info.id for r in restores} for f in audit.reach(e))
    }
    live = _live_writers(audit, contract, rollback_paths)
    outcomes = []
    stale: dict[tuple[str, str, str], list[Copy]] = {}
    for restore in restores:
        source = f"`{restore.source}`"
        newer = next((c for c in copies if c.source == restore.member and c.member != restore.source and c.member in live), None)
        if restore.source in live:
            note = f"{restore.flow.info.name}: writes `{restore.member}` from {source}, the live data"
            outcomes.append(passed(f"the rollback rebuilds `{restore.member}` from live data", [_at(restore, note)]))
        elif newer is None:
            note = f"{restore.flow.info.name}: writes `{restore.member}` from {source}"
            message = f"`{restore.member}` is restored from {source}, and no copy the migration made is written afterwards"
            outcomes.append(passed(message, [_at(restore, note)]))
        else:
            stale.setdefault((restore.flow.info.name, restore.source, newer.member), []).append(restore)
    for (function, snapshot, current), group in stale.items():
        restored = ", ".join(f"`{r.member}`" for r in group)
        writers = sorted({e.name for e, _ in live[current]})
        shown = ", ".join(f"`{n}`" for n in writers)
        message = (
            f"`{function}` writes {restored} back from `{snapshot}`, a snapshot taken when the migration ran, "
            f"while `{current}` (the migrated data) is still written afterwards by {shown}: a rollback loses every "
            "deposit, trade and user since the migration, and totals no longer match the records"
        )
        entry, write = live[current][0]
        evidence = [_at(r, f"{function}: writes `{r.member}` from the snapshot `{snapshot}`") for r in group]
        evidence.append(Evidence(write.location, f"{entry.name}: writes `{current}` after the migration"))
        outcomes.append(failed(message, evidence))
    return worst(outcomes, "") if outcomes else passed("no rollback path writes migrated data back from a copy")


def _copies(flows: list[Flow], records: set[str]) -> list[Copy]:
    """Writes of one member from another record member's value."""
    out = []
    for flow in flows:
        for write in flow.writes:
            sources = flow.sources(write.value)
            out += [Copy(s.name, flow, write) for s in sorted(sources, key=_name) if _copied(s, write, records)]
    return out


def _copied(source: Operand, write: Write, records: set[str]) -> bool:
    return source.kind == "storage" and source.name in records and source.name != write.member


def _reverses(restore: Copy, copy: Copy) -> bool:
    return restore.member == copy.source and restore.source == copy.member


def _live_writers(audit: Audit, contract: Contract, excluded: set[str]) -> dict[str, list[tuple[EntryPoint, Write]]]:
    """Member -> the entry points outside migrations and restores that write it, each with its first write."""
    out: dict[str, list[tuple[EntryPoint, Write]]] = {}
    for entry in external(contract):
        if entry.function in excluded:
            continue
        first = {w.member: w for f in audit.reach(entry) for w in reversed(f.writes)}
        for member, write in first.items():
            out.setdefault(member, []).append((entry, write))
    return out


def _at(copy: Copy, note: str) -> Evidence:
    return Evidence(copy.write.location, note)


def _name(source: Operand) -> str:
    return source.name
