"""The profiles, and running them: which contracts implement each pattern, and every requirement's
outcome for each of them."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence

from ..catalogue import RuleDoc, load_catalogue
from ..config import Config
from ..model import Contract, InputError, build, load
from ..records import record
from ..semantics.context import Context
from . import account, diamond, governance, migration_profile, proxy, rollback
from .base import Audit, Profile, Requirement, Status, Verdict, not_found

PROFILES: dict[str, Profile] = {
    p.name: p
    for p in (proxy.PROFILE, diamond.PROFILE, governance.PROFILE, migration_profile.PROFILE, rollback.PROFILE, account.PROFILE)
}
REQUIREMENT_IDS = frozenset(r.id for p in PROFILES.values() for r in p.requirements)


@record
class Result:
    """One requirement's outcome for one contract (None: no contract implements the profile)."""

    profile: str
    requirement: Requirement
    contract: Contract | None
    outcome: Verdict


@record
class Excluded:
    """A contract a profile's detection matched but which that profile does not judge (an account is
    judged by the account profile only): ``reason`` is the one-line verdict."""

    profile: str
    contract: Contract
    reason: str


@record
class AuditRun:
    """Everything an audit produced, for the report and design views (``catalogue``: the rule docs the
    report shows; ``excluded``: the contracts a profile matched but does not judge)."""

    path: str
    profiles: tuple[str, ...]
    audit: Audit
    contract: Contract | None
    results: tuple[Result, ...]
    input_errors: tuple[InputError, ...]
    files: int
    elapsed: float
    catalogue: Mapping[str, RuleDoc]
    excluded: tuple[Excluded, ...] = ()

    @property
    def config(self) -> Config:
        return self.audit.config

    @property
    def failed(self) -> bool:
        return any(r.outcome.status is Status.FAIL for r in self.results) or bool(self.audit.project.diagnostics)


def profile_names(kind: str) -> tuple[str, ...]:
    """``--type`` value -> profile names (``all``: every profile)."""
    return tuple(PROFILES) if kind == "all" else (kind,)


def run(
    path: str,
    config: Config,
    profiles: Sequence[str],
    contract: str | None = None,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
) -> AuditRun:
    """Load and model ``path`` and evaluate ``profiles``; ``contract`` names the one contract to
    audit (taken to implement every profile); ``select``/``ignore`` keep or drop requirement ids by
    prefix. Raises ``InputError`` for an unusable input."""
    started = time.perf_counter()
    sources = load(path)
    project = build(sources)
    target = project.contract(contract) if contract else None
    if contract and target is None:
        raise InputError(path, f"--contract {contract}: no such contract or component")
    catalogue = load_catalogue()
    audit = Audit(Context(project, config, catalogue))
    results = tuple(
        r
        for name in profiles
        for r in evaluate(audit, PROFILES[name], target)
        if (not select or r.requirement.id.startswith(tuple(select))) and not r.requirement.id.startswith(tuple(ignore))
    )
    excluded = () if target else tuple(x for name in profiles for x in exclusions(audit, PROFILES[name]))
    elapsed = time.perf_counter() - started
    return AuditRun(
        path, tuple(profiles), audit, target, results, sources.errors, len(sources.files), elapsed, catalogue, excluded
    )


def evaluate(audit: Audit, profile: Profile, contract: Contract | None) -> list[Result]:
    """``profile``'s requirements for ``contract``, or for every contract that implements it."""
    subjects = [contract] if contract else [c for c in audit.project.contracts if detects(audit, profile, c)]
    if not subjects:
        return [Result(profile.name, r, None, not_found(profile.absent)) for r in profile.requirements]
    return [Result(profile.name, r, c, r.evaluate(audit, c)) for c in subjects for r in profile.requirements]


def detects(audit: Audit, profile: Profile, contract: Contract) -> bool:
    """Whether ``profile`` judges ``contract``: it implements the pattern, and an account only
    the account profile."""
    if contract.kind != "contract" or (profile is not account.PROFILE and account.detect(audit, contract)):
        return False
    return profile.detect(audit, contract)


def exclusions(audit: Audit, profile: Profile) -> list[Excluded]:
    """The accounts ``profile`` would match if accounts were not judged by the account profile."""
    if profile is account.PROFILE:
        return []
    return [
        Excluded(profile.name, c, account.NOT_APPLICABLE)
        for c in audit.project.contracts
        if c.kind == "contract" and account.detect(audit, c) and profile.detect(audit, c)
    ]
