"""Governance readiness: a multisig threshold and signer count at policy, a timelock at policy
between approval and execution, no double execution (both in ``execution``), a cancel, and
self-administration only through governance.

Members are recognised by name: the threshold (``threshold``, ``quorum``), the signer set (a word
``signer(s)``, ``owner(s)``, ``member(s)``) and the delay (``delay``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..config import Config
from ..model import Contract
from ..rules.access import duration_text
from ..rules.guards import write_sites
from .base import Audit, Evidence, Outcome, Profile, Requirement, absent, at, external, failed, not_found, passed, worst
from .bounds import constant, member_floor
from .execution import single_execution, timelock_policy
from .flow import Check, Flow
from .roles import authorities, governance_only, guard_evidence, unguarded

THRESHOLD = re.compile(r"threshold|quorum", re.IGNORECASE)
SIGNERS = re.compile(r"(^|_)(signers?|owners?|members?)(_|$)", re.IGNORECASE)
DELAY = re.compile(r"delay", re.IGNORECASE)
CANCEL = re.compile(r"cancel|veto|revoke|reject", re.IGNORECASE)


def members(contract: Contract, pattern: re.Pattern[str]) -> list[str]:
    return [m.name for m in contract.storage if pattern.search(m.name)]


def detect(audit: Audit, contract: Contract) -> bool:
    return bool(members(contract, THRESHOLD) or members(contract, DELAY))


def threshold_policy(audit: Audit, contract: Contract) -> Outcome:
    minimum = audit.config.multisig_threshold_min
    outcomes = []
    for member in members(contract, THRESHOLD):
        floor = member_floor(audit, contract, member)
        if floor.weakest is None:
            outcomes.append(not_found(f"`{member}` is never written"))
        elif floor.value is None:
            outcomes.append(failed(f"`{member}` can be written with no lower bound", floor.evidence))
        elif floor.value < minimum:
            message = f"`{member}` can be set to {floor.value}, below the policy minimum {minimum}"
            outcomes.append(failed(message, [floor.weakest]))
        else:
            outcomes.append(passed(f"`{member}` is at least {floor.value} on every write", floor.evidence))
    if not outcomes:
        return not_found("no threshold member (named like `threshold` or `quorum`)")
    return worst([*outcomes, *_signer_floors(audit, contract)], "")


def cancel_exists(audit: Audit, contract: Contract) -> Outcome:
    cancels = [e for e in external(contract) if CANCEL.search(e.name) and any(f.writes for f in audit.reach(e))]
    if not cancels:
        return absent(contract, "no cancel entry point: an approved proposal cannot be stopped during its timelock")
    return passed(f"`{cancels[0].name}` cancels proposals", [at(e, f"{e.name}: cancels") for e in cancels])


def self_administration(audit: Audit, contract: Contract) -> Outcome:
    governed = frozenset(members(contract, THRESHOLD) + members(contract, SIGNERS) + members(contract, DELAY))
    outcomes = []
    for entry in external(contract):
        written = sorted({w.member for _, w in audit.writes(entry, governed)})
        if not written:
            continue
        guard = audit.guard(contract, entry, write_sites(governed.__contains__))
        names = authorities(audit, entry, guard)
        shown = ", ".join(f"`{n}`" for n in sorted(names))
        if not guard.guarded:
            message = f"`{entry.name}` changes `{written[0]}` with no auth check"
            outcomes.append(unguarded(audit, entry, guard, message))
        elif governance_only(names):
            outcomes.append(
                passed(f"`{entry.name}` runs only through governance ({shown})", [guard_evidence(entry, guard)])
            )
        else:
            message = f"`{entry.name}` changes `{written[0]}` on the word of {shown} alone, not through a proposal"
            outcomes.append(failed(message, [guard_evidence(entry, guard)]))
    if not outcomes:
        return passed("no entry point changes the signers, threshold or delay: they are fixed at deployment")
    return worst(outcomes, "")


def _signer_floors(audit: Audit, contract: Contract) -> Iterator[Outcome]:
    """Where the signer set is established (constructor) or shrinks (a signer flag set to false),
    a minimum signer count must be asserted."""
    signers = members(contract, SIGNERS)
    places = [e for e in contract.entry_points if e.kind == "constructor" and any(audit.writes(e, signers))]
    places += [e for e in external(contract) if any(constant(f, w.value) == 0 for f, w in audit.writes(e, signers))]
    minimum = audit.config.multisig_signers_min
    if not places:
        yield not_found("where the signer set is established was not found")
    for entry in places:
        floors = [b for f in audit.reach(entry) for c in f.checks if (b := _signer_bound(f, c)) is not None]
        best = max(floors, key=lambda f: f[0], default=None)
        if best is None:
            message = f"`{entry.name}` changes the signer set without asserting a minimum signer count"
            yield failed(message, [at(entry, entry.name)])
        elif best[0] < minimum:
            yield failed(f"`{entry.name}` allows {best[0]} signers, below the policy minimum {minimum}", [best[1]])
        else:
            yield passed(f"`{entry.name}` keeps at least {best[0]} signers", [best[1]])


def _signer_bound(flow: Flow, check: Check) -> tuple[int, Evidence] | None:
    """The least signer count ``check`` allows: a lower bound on something computed from a signer
    member or parameter (``signers.len() >= MIN``, ``count - 1 >= MIN``)."""
    for side in (check, check.mirrored()):
        value = constant(flow, side.right)
        names = {s.name for s in flow.sources(side.left) if s.kind in ("storage", "param")}
        if side.op in (">=", ">") and value is not None and any(SIGNERS.search(n) for n in names):
            shown = f"{flow.text(side.left)} {side.op} {flow.text(side.right)} ({value})"
            return value + (side.op == ">"), Evidence(side.location, f"{flow.info.name}: asserts {shown}")
    return None


def _threshold_title(config: Config) -> str:
    return f"multisig threshold >= {config.multisig_threshold_min} of >= {config.multisig_signers_min} signers"


def _timelock_title(config: Config) -> str:
    return f"timelock >= {duration_text(config.timelock_min_seconds)} between approval and execution"


PROFILE = Profile(
    "governance",
    detect,
    "no governance contract (no storage member named like `threshold`, `quorum` or `delay`)",
    (
        Requirement("CUL501", _threshold_title, threshold_policy),
        Requirement("CUL502", _timelock_title, timelock_policy),
        Requirement("CUL503", lambda _: "a proposal cannot be executed twice", single_execution),
        Requirement("CUL504", lambda _: "a cancel entry point exists", cancel_exists),
        Requirement(
            "CUL505", lambda _: "signer, threshold and delay changes go through governance", self_administration
        ),
    ),
)
