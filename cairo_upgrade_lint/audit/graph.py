"""The call graph restricted to upgrade paths (entry point -> ... -> replace_class_syscall or
library_call_syscall), from the model's networkx graph, exported as Graphviz DOT or Mermaid."""

from __future__ import annotations

import networkx as nx

from ..model.callgraph import SYSCALL_PREFIX
from ..model.syscalls import UPGRADE_SYSCALLS
from ..semantics.guards import syscall_sites
from .checklist import AuditRun
from .roles import authorities

Node = tuple[str, str]
"""(contract name, function id or syscall)."""


def upgrade_graph(run: AuditRun) -> nx.DiGraph[Node]:
    """Nodes ``(contract, function id or syscall)`` with ``label`` and ``kind`` ('entry', 'function',
    'syscall'); entry points also carry ``guard``, the authorities their auth check admits (None
    when a path to a syscall is unguarded)."""
    contracts = [run.contract] if run.contract else list(run.audit.project.contracts)
    calls = run.audit.graph.digraph()
    out: nx.DiGraph[Node] = nx.DiGraph()
    entries: dict[tuple[str, str], list[str | None]] = {}
    for contract in contracts:
        for entry in contract.entry_points:
            for syscall in UPGRADE_SYSCALLS:
                target = SYSCALL_PREFIX + syscall
                if entry.function not in calls or target not in calls or not nx.has_path(calls, entry.function, target):
                    continue
                above: set[str] = nx.ancestors(calls, target)  # typed: `&` would make networkx's node type object
                nodes = (nx.descendants(calls, entry.function) | {entry.function}) & above
                out.add_edges_from(((contract.name, a), (contract.name, b)) for a, b in calls.subgraph(nodes | {target}).edges)
                guard = run.audit.guard(contract, entry, syscall_sites(syscall))
                admitted = " | ".join(sorted(authorities(run.audit, entry, guard))) if guard.guarded else None
                entries.setdefault((contract.name, entry.function), []).append(admitted)
                out.nodes[(contract.name, entry.function)]["label"] = entry.name
    for node, data in out.nodes(data=True):
        info = run.audit.graph.get(node[1])
        if node in entries:
            guards = entries[node]
            data.update(kind="entry", guard=None if None in guards else guards[0])
        else:
            data.update(
                label=info.name if info else node[1].removeprefix(SYSCALL_PREFIX),
                kind="function" if info else "syscall",
            )
    return out


def render(run: AuditRun, fmt: str) -> str:
    """The upgrade graph as 'dot' or 'mermaid' text."""
    graph = upgrade_graph(run)
    ids = {node: f"n{i}" for i, node in enumerate(sorted(graph.nodes))}
    return (_dot if fmt == "dot" else _mermaid)(graph, ids)


def _clusters(graph: nx.DiGraph[Node]) -> dict[str, list[Node]]:
    out: dict[str, list[Node]] = {}
    for node in sorted(graph.nodes):
        out.setdefault(node[0], []).append(node)
    return out


def _text(graph: nx.DiGraph[Node], node: Node) -> tuple[str, str]:
    """(label, guard note) of a node."""
    data = graph.nodes[node]
    if data["kind"] != "entry":
        return data["label"], ""
    return data["label"], f"guard: {data['guard']}" if data["guard"] else "UNGUARDED"


def _dot(graph: nx.DiGraph[Node], ids: dict[Node, str]) -> str:
    lines = ["digraph upgrade_paths {", "  rankdir=LR;", '  node [shape=box, fontname="monospace"];']
    for index, (contract, nodes) in enumerate(_clusters(graph).items()):
        lines += [f"  subgraph cluster_{index} {{", f'    label="{_dot_escape(contract)}";']
        for node in nodes:
            label, note = _text(graph, node)
            shape = {"syscall": "hexagon", "entry": "box", "function": "ellipse"}[graph.nodes[node]["kind"]]
            color = ", color=red" if note == "UNGUARDED" else ""
            shown = _dot_escape(label + (f"\n{note}" if note else ""))
            lines.append(f'    {ids[node]} [label="{shown}", shape={shape}{color}];')
        lines.append("  }")
    lines += [f"  {ids[a]} -> {ids[b]};" for a, b in sorted(graph.edges)]
    return "\n".join([*lines, "}"]) + "\n"


def _mermaid(graph: nx.DiGraph[Node], ids: dict[Node, str]) -> str:
    lines = ["flowchart LR"]
    unguarded = []
    for index, (contract, nodes) in enumerate(_clusters(graph).items()):
        lines.append(f'  subgraph c{index}["{_mermaid_escape(contract)}"]')
        for node in nodes:
            label, note = _text(graph, node)
            shown = _mermaid_escape(label) + (f"<br/>{_mermaid_escape(note)}" if note else "")
            open_, close = ("{{", "}}") if graph.nodes[node]["kind"] == "syscall" else ("[", "]")
            lines.append(f'    {ids[node]}{open_}"{shown}"{close}')
            if note == "UNGUARDED":
                unguarded.append(ids[node])
        lines.append("  end")
    lines += [f"  {ids[a]} --> {ids[b]}" for a, b in sorted(graph.edges)]
    if unguarded:
        lines += [
            "  classDef unguarded stroke:#d00,stroke-width:2px",
            f"  class {','.join(unguarded)} unguarded",
        ]
    return "\n".join(lines) + "\n"


def _dot_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _mermaid_escape(text: str) -> str:
    return text.replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")
