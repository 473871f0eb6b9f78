"""Upgrade guides: ``--implementation`` (the steps and code that make an upgrade, or a profile's
requirements, safe) and ``--testing`` (the test strategy and a Starknet Foundry test file).
Plans are data (``plan``), built from the models and diffs, rendered by ``render``."""

from __future__ import annotations

from collections.abc import Mapping

from ..catalogue import load_catalogue
from ..config import Config
from ..diff import diff_projects
from ..errors import InputError
from ..model import build, load
from ..model.contracts import Contract
from ..model.project import Project
from ..semantics.context import Context
from .audit_testing import Audited, Power, machinery_testing
from .edition import detect
from .guards import governance_guard, upgrade_guard
from .migration import implementation
from .plan import CheckItem, Plan, Step, as_data
from .render import FORMATS, render
from .requirements import Gap, requirement_plan
from .testing import testing

__all__ = [
    "FORMATS",
    "Audited",
    "CheckItem",
    "Gap",
    "Plan",
    "Power",
    "Step",
    "as_data",
    "audit_plan",
    "audit_testing",
    "render",
    "upgrade_plans",
]


def upgrade_plans(old_path: str, new_path: str, config: Config, pairs: Mapping[str, str], mode: str) -> list[Plan]:
    """One plan per paired contract of ``old_path`` -> ``new_path`` (``mode``: 'implementation'
    or 'testing'); ``pairs`` (old -> new names) restricts it to those contracts."""
    old = _project(old_path, config)
    new = _project(new_path, config)
    diff = diff_projects(old, new, dict(pairs) or None)
    chosen = [d for d in diff.contracts if not pairs or {d.old.name, d.old.qualified_name} & set(pairs)]
    if pairs and not chosen:
        raise InputError(old_path, f"--contract {next(iter(pairs))}: no such contract or component on both sides")
    plans = []
    for contract_diff in chosen:
        if contract_diff.new.kind != "contract":
            continue
        text = new.texts.get(contract_diff.new.location.path, b"").decode("utf-8", errors="replace")
        edition = detect(new_path, text)
        guard = upgrade_guard(new, contract_diff.new, config) or upgrade_guard(old, contract_diff.old, config)
        subject = f"{old_path} -> {new_path}"
        outline = implementation(contract_diff, old, new, edition, guard, subject)
        plans.append(outline.plan if mode == "implementation" else testing(contract_diff, outline))
    return plans


def audit_plan(project: Project, contract: Contract, gaps: list[Gap], config: Config, subject: str) -> Plan:
    """The implementation plan that makes ``contract`` of ``project`` meet the audit requirements
    it fails or that were not found (``gaps``, from the audit's results)."""
    text = project.texts.get(contract.location.path, b"").decode("utf-8", errors="replace")
    edition = detect(contract.location.path, text)
    guard = upgrade_guard(project, contract, config)
    governance = governance_guard(project, contract, config)
    return requirement_plan(project, contract, gaps, edition, guard, governance, config.timelock_min_seconds, subject)


def audit_testing(project: Project, contract: Contract, audited: Audited, config: Config, subject: str) -> Plan:
    """The test strategy of ``contract``'s upgrade machinery, from what the audit found (``audited``); the
    requirements it does not pass are tested against the names ``audit_plan`` adds for them."""
    planned = audit_plan(project, contract, list(audited.gaps), config, subject)
    ctx = Context(project, config, load_catalogue())
    return machinery_testing(project, contract, audited, ctx, planned, config.timelock_min_seconds, subject)


def _project(path: str, config: Config) -> Project:
    return build(load(path, config.selection, config.dependency_options))
