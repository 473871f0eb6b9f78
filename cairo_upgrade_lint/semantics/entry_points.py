"""Entry-point facts shared by the interface rules and the audit: which entry points callers reach
after deployment, where an entry point is shown, which selectors a proxy forwards to its
implementation, and which of its own entry points shadow one of them."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Location
from ..model import Contract, EntryPoint, Interface, Project
from ..model.callgraph import CallGraph
from ..model.hashing import selector
from ..model.known_components import KNOWN_PATH
from ..model.layout import MapLayout
from ..model.selectors import SelectorValues, dispatcher_trait
from ..model.syscalls import LIBRARY_CALL
from ..records import record

# The account protocol (SRC6): the sequencer calls these (caller address 0) after the account's own
# signature check, with a nonce preventing replay; other contracts do not (DOMAIN.md section 3).
PROTOCOL_ENTRY_POINTS = frozenset({"__validate__", "__execute__", "__validate_declare__", "__validate_deploy__"})


def callable_entry_points(contract: Contract) -> list[EntryPoint]:
    """Entry points callers reach after deployment (constructors never run again)."""
    return [e for e in contract.entry_points if e.kind != "constructor"]


def shown(where: Location, embedded_at: Location | None) -> Location:
    """``where`` unless it lies in the shipped component knowledge: then the embedding line."""
    return embedded_at if where.path == KNOWN_PATH and embedded_at is not None else where


def name_location(entry: EntryPoint, project: Project | None) -> Location:
    """The entry point's function name (its whole span when the call graph lacks it)."""
    info = project.call_graph.get(entry.function) if project is not None else None
    return info.name_location if info is not None and info.name_location is not None else entry.location


def entry_site(entry: EntryPoint, project: Project | None) -> Location:
    """Where an entry point is shown: its name, or the line embedding it from the shipped knowledge."""
    return shown(name_location(entry, project), entry.embedded_at)


def is_registry(layout: object) -> bool:
    """A selector -> class hash map (a router's facet registry)."""
    return isinstance(layout, MapLayout) and "ClassHash" in layout.value.type.text


def forwarded_selectors(graph: CallGraph, entry: EntryPoint) -> tuple[frozenset[int], frozenset[str]]:
    """Selectors ``entry`` forwards with library calls to a stored class hash, and the
    interfaces of the library dispatchers it uses."""
    reachable = graph.reachable(entry.function)
    values = SelectorValues(graph, reachable)
    selectors: set[int] = set()
    traits: set[str] = set()
    for function in reachable:
        info = graph.get(function)
        for call in info.facts.syscalls if info is not None else ():
            if call.name != LIBRARY_CALL or not call.args or call.args[0].kind != "storage":
                continue
            if call.entry_point is not None:
                selectors.add(selector(call.entry_point))
                traits.add(dispatcher_trait(call.dispatcher or ""))
            elif len(call.args) > 1:
                selectors |= values.of(function, call.args[1])
    return frozenset(selectors), frozenset(traits)


@record
class ShadowedSelector:
    """A proxy's own entry point ``entry`` with the selector of a function of ``interface``, an
    implementation the proxy forwards calls to."""

    contract: Contract
    entry: EntryPoint
    interface: Interface

    @property
    def description(self) -> str:
        entry = self.entry
        return (
            f"{self.contract.name} forwards calls to an implementation class with {LIBRARY_CALL}, "
            f"and its own entry point `{entry.name}` has the selector {entry.selector_hex} of "
            f"{self.interface.name}::{entry.name}: calls to `{entry.name}` run the proxy's function and never "
            "reach the implementation's."
        )


def shadowed_selectors(project: Project, contract: Contract) -> Iterator[ShadowedSelector]:
    """A proxy's own entry points named like a function of the implementation it forwards to."""
    graph = project.call_graph
    entries = callable_entry_points(contract)
    forwarded = {e.function: forwarded_selectors(graph, e) for e in entries}
    selectors = frozenset[int]().union(*(s for s, _ in forwarded.values()))
    traits = frozenset[str]().union(*(t for _, t in forwarded.values()))
    if not selectors:
        return
    own = {info.trait for e in entries if (info := graph.get(e.function)) is not None}
    implementations = [
        i
        for i in project.interfaces
        if i.name not in own and (i.name in traits or any(selector(f.name) in selectors for f in i.functions))
    ]
    for entry in entries:
        if entry.selector in forwarded[entry.function][0]:
            continue
        interface = next((i for i in implementations if entry.name in {f.name for f in i.functions}), None)
        if interface is not None:
            yield ShadowedSelector(contract, entry, interface)
