"""The detected upgrade architecture: per contract its patterns, components, roles (who each
guarded entry point admits), unguarded entry points and upgrade paths; as data and as a text tree."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ..model import Contract, upgrade_paths
from ..rules.guards import entry_guard
from .base import external
from .checklist import PROFILES, AuditRun, detects
from .report import report_context
from .roles import authorities

Tree = tuple[str, Sequence["Tree"]]


def describe(run: AuditRun) -> list[dict[str, Any]]:
    """One record per contract and component (only ``run.contract`` when one was named)."""
    contracts = [run.contract] if run.contract else list(run.audit.project.contracts)
    context = report_context(run)
    return [_contract(run, c, context.relative(c.location.path).path) for c in contracts]


def _contract(run: AuditRun, contract: Contract, path: str) -> dict[str, Any]:
    audit = run.audit
    roles: dict[str, list[str]] = {}
    unguarded = []
    for entry in external(contract):
        guard = entry_guard(audit.ctx, contract, entry)
        if guard.guarded:
            for name in sorted(authorities(audit, entry, guard)):
                roles.setdefault(name, []).append(entry.name)
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
        "patterns": [name for name, profile in PROFILES.items() if detects(audit, profile, contract)],
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
    paths = [(" -> ".join([p["entry_point"], *p["path"][1:], p["syscall"]]), ()) for p in record["upgrade_paths"]]
    children: list[Tree] = [
        ("components" + ("" if components else ": none"), components),
        ("roles" + ("" if roles else ": none"), roles),
        ("unguarded entry points: " + (", ".join(record["unguarded"]) or "none"), ()),
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
