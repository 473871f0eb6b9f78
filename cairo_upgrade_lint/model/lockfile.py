"""The layout lock file: each contract's storage layout, entry points, events and upgrade paths as
deterministic, diff-friendly JSON, so that a later version can be checked against what was deployed
(``cairo-upgrade-lint snapshot`` writes it; ``lint-upgrade --against`` reads it).

Model records are written field by field with their class name under ``"~"``; reading rebuilds the
same records, so the diff and the rules treat a lock exactly like a parsed old version.
"""

from __future__ import annotations

import json
import os
from enum import Enum
from typing import Any

from .. import __version__, findings
from ..errors import InputError
from ..records import fields, is_record
from . import callgraph, contracts, layout, types, upgrades
from .project import Project

LOCK_VERSION = 1
_MODULES = (callgraph, contracts, layout, types, upgrades, findings)
_CLASSES = {
    name: cls
    for module in _MODULES
    for name, cls in vars(module).items()
    if isinstance(cls, type) and is_record(cls) and cls.__module__ == module.__name__
}


def snapshot(project: Project, root: str, identities: tuple[tuple[str, ...], ...] = ()) -> str:
    """The lock file text for ``project``; locations are written relative to ``root``.
    ``identities``: those of the version's single-version findings (see ``baseline``), kept so that
    ``--against`` hides the findings the recorded version already had."""
    document = {
        "version": LOCK_VERSION,
        "tool": f"cairo-upgrade-lint {__version__}",
        "contracts": [
            {
                "contract": _encode(contract, root),
                "upgrade_paths": _encode(upgrades.upgrade_paths(project.call_graph, contract), root),
            }
            for contract in sorted(project.contracts, key=lambda c: c.qualified_name)
        ],
        "findings": [list(identity) for identity in sorted(identities)],
    }
    return json.dumps(document, indent=1, sort_keys=True) + "\n"


def read(
    path: str,
) -> tuple[Project, dict[str, tuple[upgrades.UpgradePath, ...]], tuple[tuple[str, str, str, str], ...]]:
    """The old version recorded in a lock file, each contract's recorded upgrade paths, and the
    identities of its single-version findings (none in a lock file written before they were kept)."""
    try:
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
    except OSError as error:
        raise InputError(path, f"cannot read lock file: {error.strerror or error}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise InputError(path, f"invalid lock file: {error}") from None
    if not isinstance(document, dict) or document.get("version") != LOCK_VERSION:
        raise InputError(path, f"not a version {LOCK_VERSION} layout lock file")
    base = os.path.dirname(os.path.abspath(path))
    try:
        entries = [(_decode(e["contract"], base), _decode(e["upgrade_paths"], base)) for e in document["contracts"]]
        identities = tuple((str(r), str(q), str(n), str(m)) for r, q, n, m in document.get("findings", ()))
    except (KeyError, TypeError, ValueError) as error:
        raise InputError(path, f"invalid lock file: {error}") from None
    project = Project(
        input=path,
        files=(),
        contracts=tuple(c for c, _ in entries),
        known_components=(),
        interfaces=(),
        constants=(),
        call_graph=callgraph.CallGraph({}, {}),
        notes=(),
        texts={},
    )
    return project, {c.qualified_name: tuple(paths) for c, paths in entries}, identities


def _encode(value: Any, root: str) -> Any:
    if isinstance(value, findings.Location):
        return {"~": "Location", **{f.name: getattr(value, f.name) for f in fields(value)},
                "path": os.path.relpath(os.path.abspath(value.path), root).replace(os.sep, "/")}  # fmt: skip
    if is_record(value):
        out = {f.name: _encode(getattr(value, f.name), root) for f in fields(value) if f.init}
        return {"~": type(value).__name__, **out}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (tuple, list)):
        return [_encode(v, root) for v in value]
    if isinstance(value, (frozenset, set)):
        return sorted(_encode(v, root) for v in value)
    if isinstance(value, dict):
        return {str(k): _encode(v, root) for k, v in value.items()}
    return value


def _decode(value: Any, base: str) -> Any:
    if isinstance(value, list):
        return tuple(_decode(v, base) for v in value)
    if not isinstance(value, dict):
        return value
    name = value.get("~")
    if name is None:
        return {k: _decode(v, base) for k, v in value.items()}
    cls = _CLASSES.get(name)
    if cls is None:
        raise ValueError(f"unknown record type {name!r}")
    data = {k: _decode(v, base) for k, v in value.items() if k != "~"}
    if cls is findings.Location:
        data["path"] = os.path.normpath(os.path.join(base, data["path"]))
    return cls(**data)
