"""``audit``: check contracts against the requirement checklist of their upgrade pattern (proxy,
diamond, governance, migration, rollback, account), and describe the detected upgrade architecture.

    result = run(path, config, profile_names("all"))
    text = render(result, "text")                 # or "json", "sarif"; design / graph views

The package loads its modules on first use, so that commands other than ``audit`` do not pay
for importing them.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

PROFILE_NAMES = ("proxy-pattern", "diamond-pattern", "governance", "migration", "rollback", "account")  # the keys of PROFILES
_EXPORTS = {
    "PROFILES": "checklist",
    "REQUIREMENT_IDS": "checklist",
    "AuditRun": "checklist",
    "profile_names": "checklist",
    "run": "checklist",
    "render": "views",
}


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f".{_EXPORTS[name]}", __name__), name)


__all__ = ["PROFILES", "PROFILE_NAMES", "REQUIREMENT_IDS", "AuditRun", "profile_names", "render", "run"]
