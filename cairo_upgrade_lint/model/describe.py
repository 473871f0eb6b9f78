"""``layout`` output: a JSON-able description of each contract's storage and entry points, and a
text rendering of it. The JSON shape is documented in LAYOUT_FORMAT.md (bump LAYOUT_VERSION
when it changes)."""

from __future__ import annotations

from typing import NotRequired, TypedDict

from ..findings import Location
from .contracts import Contract, EntryPoint, Event
from .hashing import felt_hex
from .layout import (
    CustomLayout,
    EnumLayout,
    Layout,
    MapLayout,
    NodeLayout,
    StorageMember,
    StructLayout,
    UnresolvedLayout,
    VecLayout,
)
from .project import Project

LAYOUT_VERSION = 1


class JsonLocation(TypedDict):
    path: str
    line: int
    column: int


class JsonField(TypedDict):
    name: str
    offset: int | None
    layout: JsonLayout


class JsonVariant(TypedDict):
    name: str
    indicator: int
    payload: JsonLayout | None


class JsonLayout(TypedDict):
    """A value's storage encoding; the keys after ``size`` are those of its ``kind``."""

    kind: str
    type: str
    size: int | None
    fields: NotRequired[list[JsonField]]  # struct
    default: NotRequired[str | None]  # enum
    variants: NotRequired[list[JsonVariant]]  # enum
    keys: NotRequired[list[str]]  # map
    key_felts: NotRequired[list[str] | None]  # map
    value: NotRequired[JsonLayout]  # map
    element: NotRequired[JsonLayout]  # vec
    members: NotRequired[list[JsonMember]]  # node
    packed: NotRequired[JsonLayout | None]  # custom
    reason: NotRequired[str]  # custom, unresolved


class JsonMember(TypedDict):
    name: str
    key: str
    type: str
    address: str | None
    size: int | None
    owner: str
    location: JsonLocation
    layout: JsonLayout
    origin: NotRequired[str | None]  # top-level members of a described project


class JsonCollision(TypedDict):
    address: str
    members: list[str]
    allowed: bool


class JsonParam(TypedDict):
    name: str
    type: str


class JsonEntryPoint(TypedDict):
    name: str
    selector: str
    kind: str
    signature: str
    params: list[JsonParam]
    returns: str | None
    origin: str
    component: str | None
    location: JsonLocation


class JsonEvent(TypedDict):
    name: str
    selectors: list[str]
    keys: list[JsonParam]
    data: list[JsonParam]
    component: str | None
    resolved: bool


class JsonComponent(TypedDict):
    path: str
    storage: str
    event: str
    component: str | None
    known: bool
    injected: bool
    origin: str | None


class JsonContract(TypedDict):
    name: str
    qualified_name: str
    kind: str
    location: JsonLocation
    storage: list[JsonMember]
    collisions: list[JsonCollision]
    entry_points: list[JsonEntryPoint]
    events: list[JsonEvent]
    components: list[JsonComponent]
    unresolved: list[str]


class JsonDependency(TypedDict):
    name: str
    version: str
    source: str
    root: str


class JsonUnknownDependency(TypedDict):
    name: str
    reason: str


class JsonDependencies(TypedDict):
    found: list[JsonDependency]
    unknown: list[JsonUnknownDependency]


class JsonNote(TypedDict):
    path: str
    line: int
    message: str


class JsonProject(TypedDict):
    """``describe_project``'s result, documented in LAYOUT_FORMAT.md."""

    version: int
    input: str
    contracts: list[JsonContract]
    dependencies: JsonDependencies
    notes: list[JsonNote]


def describe_project(project: Project) -> JsonProject:
    return {
        "version": LAYOUT_VERSION,
        "input": project.input,
        "contracts": [describe_contract(c, project) for c in project.contracts],
        "dependencies": {
            "found": [
                {"name": d.name, "version": d.version, "source": d.source, "root": d.root} for d in project.dependencies.found
            ],
            "unknown": [{"name": m.name, "reason": m.reason} for m in project.dependencies.missing],
        },
        "notes": [{"path": n.path, "line": n.line, "message": n.message} for n in project.notes],
    }


def describe_contract(contract: Contract, project: Project | None = None) -> JsonContract:
    """One contract; with ``project``, each member and component says which dependency package it
    comes from (``origin``, None for the input's own code)."""
    origin = project.origin if project is not None else (lambda _: "")
    return {
        "name": contract.name,
        "qualified_name": contract.qualified_name,
        "kind": contract.kind,
        "location": _location(contract.location),
        "storage": [{**_member(m), "origin": origin(m.owner) or None} for m in contract.storage],
        "collisions": [
            {"address": felt_hex(c.address), "members": list(c.members), "allowed": c.allowed} for c in contract.collisions
        ],
        "entry_points": [_entry_point(e) for e in contract.entry_points],
        "events": [_event(e) for e in contract.events],
        "components": [
            {
                "path": u.path,
                "storage": u.storage,
                "event": u.event,
                "component": u.component,
                "known": u.known,
                "injected": u.injected,
                "origin": origin(u.component or "") or None,
            }
            for u in contract.components
        ],
        "unresolved": list(contract.unresolved),
    }


def _location(where: Location) -> JsonLocation:
    return {"path": where.path, "line": where.line, "column": where.column}


def _member(member: StorageMember) -> JsonMember:
    return {
        "name": member.display,
        "key": member.key,
        "type": member.type_text,
        "address": felt_hex(member.address) if member.address is not None else None,
        "size": member.layout.size,
        "owner": member.owner,
        "location": _location(member.location),
        "layout": _layout(member.layout),
    }


def _layout(layout: Layout) -> JsonLayout:
    out: JsonLayout = {"kind": layout.kind, "type": layout.type.text, "size": layout.size}
    if isinstance(layout, StructLayout):
        out["fields"] = [{"name": f.name, "offset": f.offset, "layout": _layout(f.layout)} for f in layout.fields]
    elif isinstance(layout, EnumLayout):
        out["default"] = layout.default
        out["variants"] = [
            {"name": v.name, "indicator": v.indicator, "payload": _layout(v.payload) if v.payload else None}
            for v in layout.variants
        ]
    elif isinstance(layout, MapLayout):
        out["keys"] = [k.text for k in layout.keys]
        out["key_felts"] = list(layout.key_felts) if layout.key_felts is not None else None
        out["value"] = _layout(layout.value)
    elif isinstance(layout, VecLayout):
        out["element"] = _layout(layout.element)
    elif isinstance(layout, NodeLayout):
        out["members"] = [_member(m) for m in layout.members]
    elif isinstance(layout, CustomLayout):
        out["packed"] = _layout(layout.packed) if layout.packed else None
        out["reason"] = layout.reason
    elif isinstance(layout, UnresolvedLayout):
        out["reason"] = layout.reason
    return out


def _entry_point(entry: EntryPoint) -> JsonEntryPoint:
    return {
        "name": entry.name,
        "selector": entry.selector_hex,
        "kind": entry.kind,
        "signature": entry.signature,
        "params": [{"name": p.name, "type": p.type} for p in entry.params],
        "returns": entry.returns,
        "origin": entry.origin,
        "component": entry.component,
        "location": _location(entry.location),
    }


def _event(event: Event) -> JsonEvent:
    return {
        "name": event.name,
        "selectors": list(event.selectors),
        "keys": [{"name": f.name, "type": f.type} for f in event.keys],
        "data": [{"name": f.name, "type": f.type} for f in event.data],
        "component": event.component,
        "resolved": event.resolved,
    }


# ---------------------------------------------------------------- text


def render_text(description: JsonProject) -> str:
    """A readable rendering of ``describe_project``'s result."""
    lines: list[str] = []
    for contract in description["contracts"]:
        where = contract["location"]
        lines.append(f"{contract['kind']} {contract['qualified_name']}  ({where['path']}:{where['line']})")
        lines.append("  storage:")
        for member in contract["storage"] or []:
            lines += _member_lines(member, "    ")
        if not contract["storage"]:
            lines.append("    (none)")
        for collision in contract["collisions"]:
            allowed = " (allowed)" if collision["allowed"] else ""
            lines.append(f"  collision {collision['address']}: {', '.join(collision['members'])}{allowed}")
        lines.append("  entry points:")
        for entry in contract["entry_points"]:
            lines.append(f"    {entry['selector']:<66} {entry['kind']:<11} {entry['signature']}  [{entry['origin']}]")
        if not contract["entry_points"]:
            lines.append("    (none)")
        for unresolved in contract["unresolved"]:
            lines.append(f"  unresolved: {unresolved}")
        lines.append("")
    for note in description["notes"]:
        lines.append(f"note: {note['path']}:{note['line']}: {note['message']}")
    for unknown in description.get("dependencies", {}).get("unknown", []):
        lines.append(f"note: dependency {unknown['name']} not found ({unknown['reason']})")
    return "\n".join(lines).rstrip() + "\n"


def _member_lines(member: JsonMember, indent: str) -> list[str]:
    size = member["size"] if member["size"] is not None else "-"
    address = member["address"] or "(per entry)"
    key = f" (key {member['key']})" if member["key"] != member["name"].rsplit(".", 1)[-1] else ""
    origin = f"  from {member['origin']}" if member.get("origin") else ""
    lines = [f"{indent}{address:<66} {member['name']}: {member['type']}  size {size}{key}{origin}"]
    return lines + _layout_lines(member["layout"], indent + "    ")


def _layout_lines(layout: JsonLayout, indent: str) -> list[str]:
    kind = layout["kind"]
    if kind == "struct":
        return [
            line
            for f in layout["fields"]
            for line in [f"{indent}+{f['offset'] if f['offset'] is not None else '?'} {f['name']}: {f['layout']['type']}"]
            + _layout_lines(f["layout"], indent + "    ")
        ]
    if kind == "enum":
        return [
            f"{indent}{v['indicator']} => {v['name']}" + (f"({v['payload']['type']})" if v["payload"] else "")
            for v in layout["variants"]
        ]
    if kind == "map":
        felts = ", ".join(layout["key_felts"]) if layout["key_felts"] is not None else "unknown"
        return [f"{indent}key felts: {felts}; value: {layout['value']['type']}"] + _layout_lines(layout["value"], indent + "    ")
    if kind == "vec":
        return [f"{indent}element: {layout['element']['type']}"] + _layout_lines(layout["element"], indent + "    ")
    if kind == "node":
        return [line for m in layout["members"] for line in _member_lines(m, indent)]
    if kind in ("custom", "unresolved"):
        return [f"{indent}{kind}: {layout['reason']}"]
    return []
