"""Calls the contract makes to other contracts: CUL208.

An upgraded contract that calls other contracts through the dispatcher of an interface they implement
(callbacks, hooks, receivers) keeps calling the counterparties deployed against the old interface: the
new version must send calldata they decode and read the return values they send. Interfaces are the
``#[starknet::interface]`` traits of the analysed source (not of dependencies); a dispatcher names its
trait (``IFooDispatcher`` -> ``IFoo``), and only contract calls count (a library call runs a class, not a
deployed counterparty). An interface whose implementations in the project may all be upgraded (none
provably lacks an upgrade path) is upgraded in lockstep with its callers (CUL202 reports the callee
side), so it is not reported. Nor is a function merely added to the interface and called: a locally
declared interface of another protocol often gains functions its deployed contracts already have.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..diff import ContractDiff
from ..findings import Finding, Location, Related
from ..model import Contract, Interface, Project
from ..model.contracts import InterfaceFunction
from ..model.encoding import Mismatch, extends, mismatch
from ..model.selectors import dispatcher_trait
from ..model.syscalls import CALL_CONTRACT
from ..model.upgrades import upgrade_paths
from ..records import record
from ..semantics.context import Context
from ..semantics.entry_points import callable_entry_points
from .base import Report, diff_rule
from .in_place import no_upgrade_path

_LABEL = re.compile(r"%[\w:]+ ?")  # the struct or enum a group of encoded values belongs to


@record
class DispatcherCall:
    """``dispatcher.function(...)`` on another contract, ``interface`` being the dispatcher's trait."""

    interface: Interface
    function: str
    dispatcher: str
    location: Location


def dispatcher_calls(project: Project, contract: Contract) -> list[DispatcherCall]:
    """The contract calls through dispatchers of the project's interfaces that its callable entry
    points reach, in source order (the shipped component knowledge left out)."""
    graph = project.call_graph
    reached = set[str]().union(*(graph.reachable(e.function) for e in callable_entry_points(contract)))
    found = []
    for function_id in reached:
        info = graph.get(function_id)
        if info is None or info.known:
            continue
        for use in info.facts.syscalls:
            if use.via != "dispatcher" or use.name != CALL_CONTRACT or not use.entry_point or not use.dispatcher:
                continue
            interface = _interface(project, dispatcher_trait(use.dispatcher), info.module)
            if interface is not None:
                found.append(DispatcherCall(interface, use.entry_point, use.dispatcher, use.location))
    return sorted(found, key=lambda c: (c.location.path, c.location.line, c.location.column))


def _interface(project: Project, name: str, module: str) -> Interface | None:
    """The interface trait ``name`` as seen from ``module``: the only one of that name, else the one
    declared nearest (the longest common module path); None when that does not decide."""
    candidates = [i for i in project.interfaces if i.name == name]
    if len(candidates) <= 1:
        return candidates[0] if candidates else None
    caller = module.split("::")

    def shared(interface: Interface) -> int:
        path = interface.qualified_name.split("::")[:-1]
        return next((n for n, (a, b) in enumerate(zip(path, caller, strict=False)) if a != b), min(len(path), len(caller)))

    ranked = sorted(candidates, key=shared, reverse=True)
    return ranked[0] if shared(ranked[0]) > shared(ranked[1]) else None


def _counterpart(old: Project, interface: Interface) -> Interface | None:
    """The old version of ``interface``: the same path in its crate (the crate may be named after the
    file), else the only one of its name."""
    same = [i for i in old.interfaces if _in_crate(i) == _in_crate(interface)]
    named = [i for i in old.interfaces if i.name == interface.name]
    return same[0] if same else named[0] if len(named) == 1 else None


def _in_crate(interface: Interface) -> str:
    return interface.qualified_name.partition("::")[2]


def _implementers(project: Project, interface: Interface) -> list[Contract]:
    """The project's contracts with an entry point implementing ``interface`` (an impl of its trait)."""
    graph = project.call_graph
    return [
        c
        for c in project.contracts
        if c.kind == "contract"
        and any((info := graph.get(e.function)) is not None and info.trait == interface.name for e in c.entry_points)
    ]


def _plain(encoding: str) -> str:
    return _LABEL.sub("", encoding)


def _calldata(function: InterfaceFunction) -> str:
    return ", ".join(function.serde[0])


def _change(old: InterfaceFunction, new: InterfaceFunction) -> str | None:
    """What a counterparty built for ``old`` cannot decode of a call built for ``new``: the calldata
    the new dispatcher sends (the generated wrapper rejects calldata too short or too long), or the
    return value it reads from the old implementation (values it does not read are ignored)."""
    sent, read = _calldata(new), _calldata(old)
    why = mismatch(sent, read)
    if why is not None and not why.unknown:
        return (
            f"it now sends ({_plain(sent)}) where implementations of the old interface read ({_plain(read)}): "
            f"{_detail(why)}; their generated wrapper {_rejects(why)}"
        )
    returned, expected = old.serde[1], new.serde[1]
    why = mismatch(returned, expected)
    if why is not None and not why.unknown and not extends(returned, expected):
        return (
            f"it now decodes the return value as {_plain(expected or '()')} where implementations of the old "
            f"interface return {_plain(returned or '()')}: {_detail(why)}; decoding their answer fails or misreads it"
        )
    return None


def _rejects(why: Mismatch) -> str:
    """What the callee's wrapper does with the calldata: a length it does not expect is always
    rejected; a changed value may be misread or rejected, depending on the value."""
    counted = why.sent.endswith((" value", " values")) and why.read.endswith((" value", " values"))
    return "rejects the calldata" if counted else "misreads or rejects the calldata"


def _detail(why: Mismatch) -> str:
    return f"{why.sent} sent, {why.read} read{why.where}"


def _signature(function: InterfaceFunction) -> str:
    params = ", ".join(f"{p.name}: {p.type}" for p in function.params)
    return f"{function.name}({params})" + (f" -> {function.returns}" if function.returns else "")


def _renamed(old: Interface, new: Interface, called_before: set[str]) -> list[str]:
    """Functions of the old interface the contract called that the new interface no longer has."""
    kept = {f.name for f in new.functions}
    return [f.name for f in old.functions if f.name in called_before and f.name not in kept]


def _whose(old: Project, interface: Interface) -> str | None:
    """Who implements the old ``interface``, for the message; None when every implementation in the
    project may be upgraded by the project itself (not provably without an upgrade path), in lockstep."""
    found = _implementers(old, interface)
    fixed = [c.name for c in found if no_upgrade_path(c, upgrade_paths(old.call_graph, c))]
    if found and not fixed:
        return None
    if fixed:
        return (
            f"Its implementation in this project ({', '.join(fixed)}) cannot be upgraded, and other deployments of it may exist."
        )
    return "No contract of this project implements it: its implementations are deployed by others."


@record
class _Change:
    """What changed about one called function: ``was`` (the old signature, or the functions its call
    replaces), ``now`` (the new signature), ``why`` (what old implementations cannot serve) and the old
    call site."""

    was: str
    now: str
    why: str
    old_site: Location | None


def _changed(call: DispatcherCall, old: Interface, before: list[DispatcherCall]) -> _Change | None:
    """The change of ``call``'s function between the ``old`` interface and the new one, as seen by
    implementations of the old one; ``before`` are the old version's calls through ``old``."""
    new_function = call.interface.function(call.function)
    old_function = old.function(call.function)
    sites = {c.function: c.location for c in reversed(before)}
    if new_function is None:
        return None
    if old_function is not None:
        why = _change(old_function, new_function)
        return _Change(_signature(old_function), _signature(new_function), why, sites.get(call.function)) if why else None
    gone = _renamed(old, call.interface, set(sites))
    if not gone:
        return None  # only added to the interface (see the module docstring)
    why = (
        f"the old interface has no `{call.function}` (it had {', '.join(f'`{g}`' for g in gone)}, which this version "
        "no longer calls): implementations deployed against it have no such selector"
    )
    return _Change(" / ".join(gone), _signature(new_function), why, sites[gone[0]])


@diff_rule("CUL208")
def called_interface_changed(diff: ContractDiff, ctx: Context, report: Report) -> Iterator[Finding]:
    """A function the contract calls through an interface's dispatcher changed selector or encoding."""
    if ctx.old is None:
        return
    before: dict[str, list[DispatcherCall]] = {}
    for old_call in dispatcher_calls(ctx.old, diff.old):
        before.setdefault(old_call.interface.qualified_name, []).append(old_call)
    reported: set[tuple[str, str]] = set()
    for call in dispatcher_calls(ctx.project, diff.new):
        old = _counterpart(ctx.old, call.interface)
        key = (call.interface.qualified_name, call.function)
        if old is None or old.qualified_name not in before or key in reported:
            continue
        change = _changed(call, old, before[old.qualified_name])
        whose = _whose(ctx.old, old) if change is not None else None
        if change is None or whose is None:
            continue
        reported.add(key)
        message = (
            f"`{call.interface.name}::{call.function}`, which {diff.new.name} calls on other contracts through "
            f"{call.dispatcher}, changed from {change.was} to {change.now}; "
            f"{change.why}. {whose}"
        )
        related = (Related(change.old_site, "old call site"),) if change.old_site else ()
        yield report(message, call.location, related=related)
