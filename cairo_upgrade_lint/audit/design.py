"""The detected upgrade architecture: per contract its patterns, components, roles (who each
guarded entry point admits), unguarded entry points and upgrade paths; as data and as a text tree."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ..model import Contract, upgrade_paths
from ..model.syscalls import REPLACE_CLASS
from ..semantics.guards import entry_guard
from .base import external
from .checklist import PROFILES, AuditRun, detects
from .execution import execution_facts
from .proxy import upgrades as proxy_upgrades
from .report import report_context
from .roles import authorities, governance_only
from .rollback import pause_flags, rollbacks, sets_flag

Tree = tuple[str, Sequence["Tree"]]


def describe(run: AuditRun) -> list[dict[str, Any]]:
    """One record per contract and component (only ``run.contract`` when one was named; with a
    ``--type`` other than all, only the contracts that implement one of the chosen patterns)."""
    contracts = [run.contract] if run.contract else list(run.audit.project.contracts)
    context = report_context(run)
    records = [_contract(run, c, context.relative(c.location.path).path) for c in contracts]
    if set(run.profiles) != set(PROFILES) and not run.contract:
        records = [r for r in records if r["patterns"]]
    return records


EXECUTES = "execute approved proposals"


def _power(audit: Any, contract: Contract, entry: Any) -> str | None:
    """What a guarded entry point can do to the upgrade machinery: upgrade, pause, resume, or
    execute proposals another step approved (the approval decides what runs, not the caller)."""
    syscalls = audit.graph.syscalls_reached(entry.function)
    if REPLACE_CLASS in syscalls:
        return "roll back" if entry in rollbacks(audit, contract) else "upgrade"
    if entry in proxy_upgrades(audit, contract)[1]:
        # A proxy's implementation change: with a class hash in the calldata an upgrade, without
        # one (the class comes from the contract's own history) a rollback.
        return "upgrade" if any("ClassHash" in p.type for p in entry.params) else "roll back"
    flags = pause_flags(contract)
    if flags and sets_flag(audit, entry, flags, 1):
        return "pause"
    if flags and sets_flag(audit, entry, flags, 0):
        return "resume"
    execution = next((x for x in execution_facts(audit, contract) if x.entry is entry), None)
    if execution is None:
        return None
    gate = ", ".join(f"`{name}`" for name in execution.state)
    return f"{EXECUTES}, gated by {gate}" if gate else EXECUTES


def _contract(run: AuditRun, contract: Contract, path: str) -> dict[str, Any]:
    audit = run.audit
    roles: dict[str, list[str]] = {}
    unguarded = []
    relations = []
    single_key = []
    for entry in external(contract):
        guard = entry_guard(audit.ctx, contract, entry)
        power = _power(audit, contract, entry)
        if guard.guarded:
            names = sorted(authorities(audit, entry, guard))
            for name in names:
                roles.setdefault(name, []).append(entry.name)
            if power is not None:
                relations += [{"authority": n, "entry_point": entry.name, "power": power} for n in names]
                single_key += [
                    {"authority": n, "entry_point": entry.name, "power": power}
                    for n in names
                    if not governance_only(frozenset({n})) and not power.startswith(EXECUTES)
                ]  # executing a proposal runs what its approvals decided: no power of the caller alone
        else:
            unguarded.append(entry.name)
    graph = audit.graph
    paths = [
        {
            "entry_point": p.entry_point,
            "syscall": p.syscall,
            "path": [info.name if (info := graph.get(f)) else f for f in p.path],
        }
        for p in upgrade_paths(graph, contract)
    ]
    where = contract.declaration or contract.location
    return {
        "name": contract.name,
        "kind": contract.kind,
        "location": f"{path}:{where.line}",
        "patterns": [name for name, profile in PROFILES.items() if name in run.profiles and detects(audit, profile, contract)],
        "governed_by": relations,
        "single_key_powers": single_key,
        "components": [{"storage": u.storage, "component": u.component or u.path} for u in contract.components],
        "roles": dict(sorted(roles.items())),
        "unguarded": unguarded,
        "upgrade_paths": paths,
    }


def render_json(run: AuditRun) -> str:
    return json.dumps({"version": 1, "contracts": describe(run)}, indent=2) + "\n"


def render_text(run: AuditRun) -> str:
    """The architecture as a tree, one branch per contract."""
    branches = [_tree(record) for record in describe(run)]
    return "\n".join(_lines((run.path, branches))) + "\n"


def _tree(record: dict[str, Any]) -> Tree:
    patterns = f"  [{', '.join(record['patterns'])}]" if record["patterns"] else ""
    components = [(f"{c['storage']}: {c['component']}", ()) for c in record["components"]]
    roles = [(f"{name}: {', '.join(entries)}", ()) for name, entries in record["roles"].items()]
    relations: list[Tree] = [(f"{r['authority']} -> {r['entry_point']} ({r['power']})", ()) for r in record["governed_by"]]
    single: list[Tree] = [
        (f"{r['authority']} alone can {r['power']} ({r['entry_point']})", ()) for r in record["single_key_powers"]
    ]
    paths = [(" -> ".join([p["entry_point"], *p["path"][1:], p["syscall"]]), ()) for p in record["upgrade_paths"]]
    children: list[Tree] = [
        ("components" + ("" if components else ": none"), components),
        ("roles" + ("" if roles else ": none"), roles),
        ("unguarded entry points: " + (", ".join(record["unguarded"]) or "none"), ()),
        ("governed by" + ("" if relations else ": none"), relations),
        ("single-key powers" + ("" if single else ": none"), single),
        ("upgrade paths" + ("" if paths else ": none"), paths),
    ]
    return f"{record['name']} ({record['kind']}, {record['location']}){patterns}", children


def _lines(tree: Tree, prefix: str = "", last: bool = True, root: bool = True) -> list[str]:
    label, children = tree
    out = [label if root else f"{prefix}{'└── ' if last else '├── '}{label}"]
    inner = "" if root else prefix + ("    " if last else "│   ")
    for index, child in enumerate(children):
        out += _lines(child, inner, index == len(children) - 1, False)
    return out
