"""Diamond-pattern readiness: a facet registry, registration that refuses a taken selector,
guarded registration, and the router's own selectors reserved.

A router forwards calls with ``library_call_syscall`` to a class hash read from a registry, a
storage map of selector -> ``ClassHash``; a *registration* writes a non-zero class hash into it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator

from ..model import Contract, EntryPoint
from ..semantics.guards import write_sites
from ..syntax import ast as A
from .base import Audit, Evidence, Profile, Requirement, Verdict, absent, at, external, failed, passed, worst
from .bounds import constant
from .exprs import identifiers
from .flow import Check, Flow, Write
from .proxy import class_hash_members
from .roles import guard_evidence, unguarded


def registries(audit: Audit, contract: Contract) -> dict[str, list[Evidence]]:
    return class_hash_members(audit, contract, registry=True)


def detect(audit: Audit, contract: Contract) -> bool:
    return bool(registries(audit, contract))


def registrations(audit: Audit, contract: Contract) -> list[tuple[EntryPoint, list[Write]]]:
    """Entry points writing a non-zero class hash into a registry, with those writes."""
    members = set(registries(audit, contract))
    found = []
    for entry in external(contract):
        writes = [w for f, w in audit.writes(entry, members) if constant(f, w.value) != 0]
        if writes:
            found.append((entry, writes))
    return found


def facet_registry(audit: Audit, contract: Contract) -> Verdict:
    found = registries(audit, contract)
    if not found:
        return absent(contract, "no facet registry: no library call reads its class hash from a selector map")
    names = ", ".join(f"`{m}`" for m in found)
    return passed(f"facets are registered in {names}", [e for m in found.values() for e in m])


def refuses_taken(audit: Audit, contract: Contract) -> Verdict:
    members = set(registries(audit, contract))
    outcomes = []
    for entry, _ in registrations(audit, contract):
        check = next(_checks(audit, entry, lambda f, side: bool(members & _stored(f, side.left))), None)
        if check is None:
            message = f"`{entry.name}` does not check the selector's current facet: it silently replaces it"
            outcomes.append(failed(message, [at(entry, f"{entry.name}: registers a facet")]))
        else:
            outcomes.append(passed(f"`{entry.name}` checks the selector's current facet first", [check]))
    return worst(outcomes, "no entry point registers a facet")


def registration_guarded(audit: Audit, contract: Contract) -> Verdict:
    members = set(registries(audit, contract))
    outcomes = []
    for entry in (e for e in external(contract) if any(audit.writes(e, members))):
        guard = audit.guard(contract, entry, write_sites(members.__contains__))
        if guard.guarded:
            outcomes.append(passed(f"`{entry.name}` is guarded", [guard_evidence(entry, guard)]))
        else:
            message = f"`{entry.name}` edits the facet registry with no auth check: anyone runs code on its storage"
            outcomes.append(unguarded(audit, entry, guard, message))
    return worst(outcomes, "no entry point edits the facet registry")


def selectors_reserved(audit: Audit, contract: Contract) -> Verdict:
    """Each registration refuses the router's selectors, unless it only replaces an existing entry
    (then the selector was refused when it was first registered)."""
    members = set(registries(audit, contract))
    own = {e.selector for e in contract.entry_points if e.kind != "constructor"}
    outcomes = []
    for entry, writes in registrations(audit, contract):
        keys = frozenset(n for w in writes if w.key is not None for n in identifiers(w.key))
        reserves = functools.partial(_reserves, keys=keys, members=members, own=own)
        check = next(_checks(audit, entry, reserves), None)
        replaces = next(_checks(audit, entry, functools.partial(_existing, members=members)), None)
        if check is not None:
            outcomes.append(passed(f"`{entry.name}` refuses the router's reserved selectors", [check]))
        elif replaces is not None:
            outcomes.append(passed(f"`{entry.name}` only replaces an existing registration", [replaces]))
        else:
            names = ", ".join(f"`{e.name}`" for e in external(contract))
            message = f"`{entry.name}` accepts any selector, the router's own ({names}) included"
            outcomes.append(failed(message, [at(entry, f"{entry.name}: registers a facet")]))
    return worst(outcomes, "no entry point registers a facet")


def _checks(audit: Audit, entry: EntryPoint, predicate: Callable[[Flow, Check], bool]) -> Iterator[Evidence]:
    """The assertions on ``entry``'s call graph with a side satisfying ``predicate``."""
    for flow in audit.reach(entry):
        for check in flow.checks:
            if any(predicate(flow, side) for side in (check, check.mirrored())):
                yield Evidence(check.location, f"{flow.info.name}: asserts {check.text}")


def _reserves(flow: Flow, side: Check, keys: frozenset[str], members: set[str], own: set[int]) -> bool:
    """A lookup of the registered key in another stored set (reserved selectors), or a comparison of
    the key with one of the router's own selectors."""
    if identifiers(side.left) & keys and _stored(flow, side.left) - members:
        return True
    return flow.text(side.left) in keys and constant(flow, side.right) in own


def _existing(flow: Flow, side: Check, members: set[str]) -> bool:
    """``registry[selector] != 0``: the selector must already be registered."""
    return side.op == "!=" and constant(flow, side.right) == 0 and bool(members & _stored(flow, side.left))


def _stored(flow: Flow, expr: A.Expr) -> set[str]:
    return {s.name for s in flow.sources(expr) if s.kind == "storage"}


PROFILE = Profile(
    "diamond-pattern",
    detect,
    "no router (no library call runs a class hash read from a selector -> ClassHash map)",
    (
        Requirement("CUL541", lambda _: "a facet registry exists", facet_registry),
        Requirement("CUL542", lambda _: "no selector is registered twice (registration refuses a taken one)", refuses_taken),
        Requirement("CUL543", lambda _: "registration is guarded", registration_guarded),
        Requirement("CUL544", lambda _: "the router's own selectors are reserved", selectors_reserved),
    ),
)
