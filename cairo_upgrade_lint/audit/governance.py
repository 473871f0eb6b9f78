"""Governance readiness: a multisig threshold and signer count at policy, a timelock at policy
between approval and execution, no double execution (both in ``execution``), a cancel, and
self-administration only through governance.

The profile applies by structure: a contract is governance when an entry point executes approved
proposals (``execution.executions``: a generic call gated by proposal state another entry point
writes, or an OpenZeppelin governance component's ``execute``), or when it declares a StarkWare-style
replaceability component (``replaceability``: an implementation proposed, then executed by
``replace_to`` after the upgrade delay, judged from the knowledge data when its code is not there). A member named like ``threshold``
or ``delay`` does not make a contract governance, and an account (SRC6 ``__execute__`` and
``__validate__``) never is one. Within a governance contract the policy members are recognised by
name: the threshold (``threshold``, ``quorum``), the signer set (a word ``signer(s)``, ``owner(s)``,
``member(s)``) and the delay (``delay``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from ..config import Config
from ..model import Contract
from ..semantics.durations import duration_text
from ..semantics.guards import write_sites
from . import knowledge, replaceability
from .base import Audit, Evaluate, Evidence, Profile, Requirement, Verdict, absent, at, external, failed, not_found, passed, worst
from .bounds import constant, member_floor
from .execution import execution_facts, single_execution, timelock_policy
from .flow import Check, Flow
from .powers import cancel_consent, cancels
from .roles import authorities, governance_only, guard_evidence, unguarded

FromData = Callable[[Audit, Contract, replaceability.Known], Verdict]
THRESHOLD = re.compile(r"threshold|quorum", re.IGNORECASE)
SIGNERS = re.compile(r"(^|_)(signers?|owners?|members?)(_|$)", re.IGNORECASE)
DELAY = re.compile(r"delay", re.IGNORECASE)
ROLE_GUARD = re.compile(r"role", re.IGNORECASE)
CANCEL = re.compile(r"cancel|veto|reject|remove_implementation", re.IGNORECASE)


def members(contract: Contract, pattern: re.Pattern[str]) -> list[str]:
    """The contract's members named like ``pattern``, and the threshold member the governance
    knowledge names for a component the contract embeds (its storage may not be listed)."""
    found = [m.name for m in contract.storage if pattern.search(m.name)]
    known = knowledge.setting(contract, "threshold")
    if known is not None and known[1].startswith("member:") and pattern is THRESHOLD:
        found.append(known[1].split(":", 1)[1])
    return list(dict.fromkeys(found))


def detect(audit: Audit, contract: Contract) -> bool:
    return bool(execution_facts(audit, contract)) or knowledge.replaceability(contract) is not None


def by_structure_or_knowledge(from_code: Evaluate, from_data: FromData) -> Evaluate:
    """``from_code`` when the contract's executions are in the analysed code, else ``from_data`` for a
    StarkWare-style replaceability component known only from the knowledge data."""

    def evaluate(audit: Audit, contract: Contract) -> Verdict:
        known = knowledge.replaceability(contract)
        if known is not None and not execution_facts(audit, contract):
            return from_data(audit, contract, known)
        return from_code(audit, contract)

    return evaluate


def threshold_policy(audit: Audit, contract: Contract) -> Verdict:
    minimum = audit.config.multisig_threshold_min
    known = knowledge.setting(contract, "threshold")
    if known is not None and known[1] == "votes":
        message = (
            f"token-vote governance ({known[0]}): the quorum is a share of voting power, not a signer count; "
            "a signer threshold does not apply"
        )
        return not_found(message)
    outcomes = []
    for member in members(contract, THRESHOLD):
        floor = member_floor(audit, contract, member)
        if floor.weakest is None:
            outcomes.append(not_found(f"no write of `{member}` was found on the contract's call graph"))
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


def cancel_exists(audit: Audit, contract: Contract) -> Verdict:
    """A cancel is an entry point named like one (``cancel``, ``veto``, ``reject``) that writes the
    proposal state an execution reads, or a governance component's cancel (knowledge data)."""
    state, entries = cancels(audit, contract, CANCEL)
    evidence = []
    for entry, known in entries:
        if known:
            evidence.append(at(entry, f"{entry.name}: cancels ({knowledge.component_name(entry.component)})"))
        else:
            write = next((w for _, w in audit.writes(entry, state)), None)
            if write is not None:
                evidence.append(Evidence(write.location, f"{entry.name}: writes `{write.member}`, the proposal state"))
    if not evidence:
        return absent(contract, "no cancel entry point: an approved proposal cannot be stopped during its timelock")
    names = ", ".join(f"`{e.note.split(':')[0]}`" for e in evidence)
    return passed(f"{names} cancels proposals", evidence)


def cancel_needs_consent(audit: Audit, contract: Contract) -> Verdict:
    return cancel_consent(audit, contract, CANCEL, frozenset(members(contract, THRESHOLD)))


def self_administration(audit: Audit, contract: Contract) -> Verdict:
    governed = frozenset(members(contract, THRESHOLD) + members(contract, SIGNERS) + members(contract, DELAY))
    outcomes = []
    for entry in external(contract):
        written = sorted({w.member for _, w in audit.writes(entry, governed)})
        if not written or entry.name.startswith("renounce"):  # a key can only give up its own power
            continue
        guard = audit.guard(contract, entry, write_sites(governed.__contains__))
        names = authorities(audit, entry, guard)
        shown = ", ".join(f"`{n}`" for n in sorted(names))
        if not guard.guarded:
            message = f"`{entry.name}` changes `{written[0]}` with no auth check"
            outcomes.append(unguarded(audit, entry, guard, message))
        elif governance_only(names):
            outcomes.append(passed(f"`{entry.name}` runs only through governance ({shown})", [guard_evidence(entry, guard)]))
        elif names and all(ROLE_GUARD.search(n) for n in names):
            message = (
                f"`{entry.name}` changes `{written[0]}` for holders of a role ({shown}): who holds its admin "
                "role is decided at deployment (grant_role), not in the code"
            )
            outcomes.append(not_found(message, [guard_evidence(entry, guard)]))
        else:
            message = f"`{entry.name}` changes `{written[0]}` on the word of {shown} alone, not through a proposal"
            outcomes.append(failed(message, [guard_evidence(entry, guard)]))
    if not outcomes:
        return passed("no entry point changes the signers, threshold or delay: they are fixed at deployment")
    return worst(outcomes, "")


def _signer_floors(audit: Audit, contract: Contract) -> Iterator[Verdict]:
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
    "no governance contract (no entry point executes proposals that another entry point approved)",
    (
        Requirement("CUL501", _threshold_title, by_structure_or_knowledge(threshold_policy, replaceability.threshold)),
        Requirement("CUL502", _timelock_title, by_structure_or_knowledge(timelock_policy, replaceability.timelock)),
        Requirement(
            "CUL503",
            lambda _: "a proposal cannot be executed twice",
            by_structure_or_knowledge(single_execution, replaceability.single_execution),
        ),
        Requirement(
            "CUL504", lambda _: "a cancel entry point exists", by_structure_or_knowledge(cancel_exists, replaceability.cancel)
        ),
        Requirement(
            "CUL505",
            lambda _: "signer, threshold and delay changes go through governance",
            by_structure_or_knowledge(self_administration, replaceability.self_administration),
        ),
        Requirement(
            "CUL506",
            lambda _: "a cancel needs a threshold of signers or the proposer first",
            by_structure_or_knowledge(cancel_needs_consent, replaceability.cancel_consent),
        ),
    ),
)
