"""The OpenZeppelin governance knowledge (``model/governance_components.toml``): what each
component's entry points do in a proposal's life (execute, propose, approve, cancel, other), how
execution is delayed and how an executed proposal is refused. The audit still reads the code when
it is analysed; the data names what the code alone does not show (a hook the call graph cannot
resolve, a delay decided at deployment)."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from ..model import Contract, EntryPoint

DATA = Path(__file__).resolve().parent.parent / "model" / "governance_components.toml"
ROLES = ("execute", "propose", "approve", "cancel", "other")


@cache
def components() -> dict[str, dict[str, Any]]:
    with DATA.open("rb") as handle:
        return tomllib.load(handle)


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
