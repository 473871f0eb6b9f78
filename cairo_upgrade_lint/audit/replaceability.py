"""StarkWare-style replaceability judged as governance (knowledge in ``model/starkware_components.toml``):
``add_new_implementation`` proposes an implementation (class hash, optional EIC, final flag),
``replace_to`` executes it once the upgrade delay has passed, ``remove_implementation`` cancels it.
The upgrade delay is the timelock: its value is read from the contract's own code, the
``initialize(upgrade_delay: ..)`` call its constructor makes on the component's storage. The rest comes
from the data, with the ``component!`` line as evidence (the component is usually a dependency that
is not checked out)."""

from __future__ import annotations

from typing import Any

from ..findings import Location
from ..model import Contract
from ..model.syntax_utils import location as syntax_location
from ..semantics.durations import duration_text
from ..syntax import ast as A
from ..syntax.walk import walk
from .base import Audit, Evidence, Verdict, failed, not_found, passed
from .bounds import constant
from .flow import Flow

Known = tuple[str, dict[str, Any], Location]


def _named(data: dict[str, Any], key: str) -> str:
    """The name in a ``kind:name`` knowledge value (``role:upgrade_governor`` -> ``upgrade_governor``)."""
    return str(data.get(key, "")).partition(":")[2]


def _at(known: Known, note: str) -> Evidence:
    return Evidence(known[2], f"{known[0]}: {note}")


def threshold(audit: Audit, contract: Contract, known: Known) -> Verdict:
    name, data, _ = known
    role = _named(data, "threshold") or "a role"
    message = (
        f"upgrades are proposed and executed by one holder of `{role}` ({name}): no signer threshold in the code; "
        "who holds the role is decided by role grants, not code"
    )
    return not_found(message, [_at(known, f"`{role}` proposes and executes")])


def timelock(audit: Audit, contract: Contract, known: Known) -> Verdict:
    """The upgrade delay the constructor gives the component, against the policy."""
    name, data, _ = known
    member = _named(data, "delay")
    minimum = audit.config.timelock_min_seconds
    found = _initial_delay(audit, contract, known)
    if found is None:
        message = (
            f"the timelock is `{member}` ({name}), but the constructor does not call the component's `initialize`: "
            "it is whatever an earlier version set (0 on a fresh deployment)"
        )
        return not_found(message, [_at(known, "declared, never initialised here")])
    value, evidence = found
    if value is None:
        message = f"the timelock is `{member}` ({name}), set at deployment from a value that is not a constant: check it"
        return not_found(message, [evidence])
    if value < minimum:
        message = f"the upgrade delay `{member}` is {duration_text(value)}, below the policy {duration_text(minimum)} ({name})"
        return failed(message, [evidence])
    return passed(f"`replace_to` waits the upgrade delay, {duration_text(value)} ({name})", [evidence])


def single_execution(audit: Audit, contract: Contract, known: Known) -> Verdict:
    name, data, _ = known
    return passed(f"`replace_to` cannot run the same proposal twice ({name}: {data.get('done', '')})", [_at(known, "replace_to")])


def cancel(audit: Audit, contract: Contract, known: Known) -> Verdict:
    name, data, _ = known
    names = ", ".join(f"`{n}`" for n in data.get("cancel", ()))
    return passed(f"{names} cancels a proposed implementation ({name})", [_at(known, f"{names}: cancels")])


def cancel_consent(audit: Audit, contract: Contract, known: Known) -> Verdict:
    name, data, _ = known
    names = ", ".join(f"`{n}`" for n in data.get("cancel", ()))
    role = _named(data, "threshold")
    message = (
        f"{names} is gated by `{role}`, the role that adds and executes implementations ({name}): cancelling "
        "gives it no power it does not already have"
    )
    return passed(message, [_at(known, f"{names}: cancels")])


def self_administration(audit: Audit, contract: Contract, known: Known) -> Verdict:
    name, data, _ = known
    member = _named(data, "delay")
    role = _named(data, "threshold")
    message = (
        f"`{member}` has no setter ({name}); who holds `{role}` changes by role grants (its admin role is decided at "
        "deployment, not in the code)"
    )
    return not_found(message, [_at(known, f"`{member}` set once, at deployment")])


def _initial_delay(audit: Audit, contract: Contract, known: Known) -> tuple[int | None, Evidence] | None:
    """(constant value or None, where) of the delay the contract's constructor passes to the
    component's ``initialize`` (named ``upgrade_delay`` or the first argument)."""
    storage = next((u.storage for u in contract.components if u.location == known[2]), None)
    for entry in contract.entry_points:
        if entry.kind != "constructor":
            continue
        for flow in audit.reach(entry):
            for call in _initialize_calls(flow, storage):
                arg = next((a for a in call.args if a.name == "upgrade_delay"), call.args[0] if call.args else None)
                if arg is None:
                    continue
                location = syntax_location(flow.path, call.span)
                value = constant(flow, arg.value)
                shown = f"{flow.info.name}: initialize(upgrade_delay: {flow.text(arg.value)})"
                return value, Evidence(location, shown)
    return None


def _initialize_calls(flow: Flow, storage: str | None) -> list[A.MethodCall]:
    body = flow.node.body
    found: list[A.MethodCall] = []
    for node in walk(body) if body else ():
        if not isinstance(node, A.MethodCall) or node.name != "initialize":
            continue
        if isinstance(node.receiver, A.FieldAccess) and storage in (None, node.receiver.name):
            found.append(node)
    return found
