"""Introduced findings: which single-version findings of the new version the old version has too.

A *single-version* rule judges one version on its own (guards, timelocks, selector collisions,
migrations, suppression comments): the old version may have the same hazard, and a team that adopts the tool
in CI wants to hear about the hazards an upgrade *introduces*. Old-vs-new rules (storage, ABI,
events, upgradeability removed) are about the change itself and are always reported.

A finding's *identity* is ``(rule id, scope, message)`` where the scope is the contract or component
whose module holds the primary location (the new name of a paired contract, so a renamed contract
keeps its findings' identity), or the file for a finding outside any contract, and the message has
file positions and line numbers removed: the same hazard moved by an edit above it keeps its identity,
the same hazard in another function or contract does not. The old identities are a multiset: two old
findings of one identity hide at most two new ones, so a second copy of a hazard is reported.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from .findings import Finding

if TYPE_CHECKING:
    from .model import Contract

# rule ids (or prefixes) of the rules that judge one version only
SINGLE_VERSION = ("CUL001", "CUL106", "CUL201", "CUL3", "CUL4")
# diff rules among them that can find something when a version is compared with itself
SELF_DIFF_RULES = ("CUL401", "CUL403")

Identity = tuple[str, str, str]  # rule id, scope, normalised message
OldIdentity = tuple[str, str, str, str]  # rule id, scope (qualified name or file), scope's name, message

_POSITIONS = re.compile(r"(?:[\w.~/\\-]*\.cairo)?(?::\d+){1,2}\b|\b(?:lines?|column) \d+(?:\s*-\s*\d+)?")
_FILES = re.compile(r"[\w.~/\\-]+\.cairo\b")


def is_single_version(rule_id: str) -> bool:
    return rule_id.startswith(SINGLE_VERSION)


def normalise(message: str) -> str:
    """The message without file positions, line numbers and file paths."""
    return _FILES.sub("<file>", _POSITIONS.sub("", message))


class Scopes:
    """The innermost contract or component holding a location, per file of one version."""

    def __init__(self, contracts: Iterable[Contract], root: str) -> None:
        self.by_path: dict[str, list[Contract]] = {}
        for contract in contracts:
            self.by_path.setdefault(contract.location.path, []).append(contract)
        self.root = root

    def of(self, finding: Finding) -> tuple[str, str]:
        """(qualified name, name) of the scope; a file outside any contract is scoped by its path
        relative to the version's root (empty for a single-file input)."""
        loc = finding.location
        best = None
        for contract in self.by_path.get(loc.path, ()):
            where = contract.location
            if where.line <= loc.line <= where.end_line and (best is None or where.line >= best.location.line):
                best = contract
        if best is not None:
            return best.qualified_name, best.name
        return "file:" + _relative(loc.path, self.root), ""


def _relative(path: str, root: str) -> str:
    import os

    if not root or os.path.isfile(root) or root.endswith(".json"):
        return ""
    return os.path.relpath(os.path.abspath(path), os.path.abspath(root)).replace(os.sep, "/")


def old_identities(findings: Iterable[Finding], scopes: Scopes) -> tuple[OldIdentity, ...]:
    """The identities of the old version's single-version findings, sorted (deterministic)."""
    out = []
    for finding in findings:
        if is_single_version(finding.rule_id):
            qualified, name = scopes.of(finding)
            out.append((finding.rule_id, qualified, name, normalise(finding.message)))
    return tuple(sorted(out))


def split(
    findings: list[Finding],
    old: Iterable[OldIdentity],
    scopes: Scopes,
    renamed: Mapping[str, tuple[str, str]],
) -> tuple[list[Finding], list[Finding]]:
    """(introduced, already present in the old version). ``renamed``: old qualified name -> (new
    qualified name, new name) of each paired contract."""
    budget: Counter[Identity] = Counter()
    for rule_id, qualified, name, message in old:
        if qualified in renamed:
            new_qualified, new_name = renamed[qualified]
            if name and new_name != name:
                message = re.sub(rf"\b{re.escape(name)}\b", new_name, message)
            qualified = new_qualified
        elif not qualified.startswith("file:"):
            qualified = "old:" + qualified  # an unpaired old contract: nothing in the new version matches
        budget[(rule_id, qualified, message)] += 1
    if not budget:
        return findings, []
    introduced, present = [], []
    for finding in findings:
        if is_single_version(finding.rule_id):
            key = (finding.rule_id, scopes.of(finding)[0], normalise(finding.message))
            if budget[key] > 0:
                budget[key] -= 1
                present.append(finding)
                continue
        introduced.append(finding)
    return introduced, present
