"""The governance knowledge: OpenZeppelin's components (``model/governance_components.toml``) and
StarkWare's replaceability (``model/starkware_components.toml``): what each component's entry points
do in a proposal's life (execute, propose, approve, cancel, other), how execution is delayed and how
an executed proposal is refused. The audit still reads the code when it is analysed; the data names
what the code alone does not show (a hook the call graph cannot resolve, a delay decided at
deployment, a component from a dependency that is not checked out)."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from ..findings import Location
from ..model import Contract, EntryPoint

MODEL = Path(__file__).resolve().parent.parent / "model"
DATA = (MODEL / "governance_components.toml", MODEL / "starkware_components.toml")
ROLES = ("execute", "propose", "approve", "cancel", "other")


@cache
def components() -> dict[str, dict[str, Any]]:
    """Every known component by module name, from all the knowledge files."""
    found: dict[str, dict[str, Any]] = {}
    for path in DATA:
        with path.open("rb") as handle:
            found.update(tomllib.load(handle))
    return found


def component_name(path: str | None) -> str:
    return (path or "").rsplit("::", 1)[-1]


def of_entry(entry: EntryPoint) -> dict[str, Any] | None:
    return components().get(component_name(entry.component)) if entry.component else None


def role(entry: EntryPoint) -> str | None:
    """What ``entry`` does in a proposal's life, when it comes from a known governance component."""
    data = of_entry(entry)
    return next((r for r in ROLES if data and entry.name in data.get(r, ())), None)


def used(contract: Contract) -> list[tuple[str, dict[str, Any]]]:
    """The known governance components ``contract`` embeds (by its entry points or its components)."""
    names = {component_name(u.component or u.path) for u in contract.components}
    names |= {component_name(e.component) for e in contract.entry_points if e.component}
    return [(n, d) for n, d in components().items() if n in names]


def setting(contract: Contract, key: str) -> tuple[str, str, str] | None:
    """(component, value, note) of the first used component that sets ``key``; an extension's
    setting (Governor's execution extension) wins over the core's."""
    found = [(n, d) for n, d in used(contract) if key in d]
    found.sort(key=lambda item: item[1].get("kind") != "governance-extension")
    return (found[0][0], str(found[0][1][key]), str(found[0][1].get("note", ""))) if found else None


def kinds(contract: Contract) -> set[str]:
    return {str(d.get("kind")) for _, d in used(contract)}


def replaceability(contract: Contract) -> tuple[str, dict[str, Any], Location] | None:
    """(component, data, the ``component!`` line) of a StarkWare-style replaceability component the
    contract declares: upgrades proposed with a delay and executed by ``replace_to``."""
    for use in contract.components:
        name = component_name(use.component or use.path)
        data = components().get(name)
        if data is not None and data.get("kind") == "replaceability":
            return name, data, use.location
    return None
