"""Account readiness: an SRC6 account (``__validate__`` and ``__execute__``) is judged by what an
account's upgrade needs, not by the governance, migration or rollback profiles (which it is excluded
from: its signers approve every call through ``__execute__``, and its upgrade hooks run inside the
upgrade, not as a batch migration of many users' data).

- the class is replaced only through the account's own ``__execute__``: the upgrade checks that the
  caller is the account itself (or a signature by its key); an entry point with no parameter cannot
  let its caller choose the class it installs;
- the new class is checked to be an account (an interface id asserted on the class hash) before the
  switch, since a wrong class hash leaves an address nobody can sign for;
- upgrade hooks (``perform_upgrade``, ``execute_after_upgrade``, ``migrate_storage``) run only inside
  an upgrade or as the account's own call: ``__validate__``/``__execute__`` refuse a direct call to
  them, they always panic, they can run only once (a stored value asserted and then cleared or set),
  or they check that the caller is the account itself; a hook anyone can call again rewrites the
  migrated signers;
- signer and threshold changes are self-only (they need the account's own signature).
"""

from __future__ import annotations

import re

from ..model import Contract, EntryPoint
from ..model.syscalls import LIBRARY_CALL, REPLACE_CLASS
from ..semantics.guards import entry_guard, is_account, one_shot, syscall_sites, write_sites
from ..semantics.migrations import migrations
from ..semantics.values import value_source
from .base import Audit, Evidence, Profile, Requirement, Verdict, at, external, failed, not_found, passed, worst
from .bounds import constant, nonzero_checks
from .roles import guard_evidence, unguarded

PROTOCOL = ("__validate__", "__execute__")
SELF_KINDS = frozenset({"self_only", "signature", "panics"})  # the account's own signature, or never
INTERFACE_ID = re.compile(r"(^|_)ID$|INTERFACE", re.IGNORECASE)
SIGNER_STATE = re.compile(r"threshold|quorum|(^|_)(signers?|owners?|guardians?)(_|$)|signer_list", re.IGNORECASE)
_REFUSED = re.compile(r'selector!\(\s*"(\w+)"\s*\)')
NOT_APPLICABLE = "not applicable: an account (SRC6 `__execute__`/`__validate__`), judged by the account profile"


def detect(audit: Audit, contract: Contract) -> bool:
    return is_account(audit.ctx, contract)


def upgrades(audit: Audit, contract: Contract) -> list[EntryPoint]:
    """External entry points that replace the class or hand it to a library call (the upgrade)."""
    found = []
    for entry in external(contract):
        reached = audit.graph.syscalls_reached(entry.function)
        if REPLACE_CLASS in reached or (LIBRARY_CALL in reached and class_params(entry)):
            found.append(entry)
    return found


def class_params(entry: EntryPoint) -> list[str]:
    return [p.name for p in entry.params if p.type.replace(" ", "").endswith("ClassHash")]


def refused_calls(audit: Audit, contract: Contract) -> dict[str, Evidence]:
    """Entry points the protocol entry points refuse as a call target (``__validate__`` or
    ``__execute__`` asserting ``selector != selector!("x")``): no signed call can reach them."""
    refused: dict[str, Evidence] = {}
    for entry in contract.entry_points:
        if entry.name not in PROTOCOL:
            continue
        for flow in audit.reach(entry):
            for check in flow.checks:
                if check.op == "!=":
                    for name in _REFUSED.findall(check.text):
                        refused.setdefault(name, Evidence(check.location, f"{flow.info.name}: refuses a call to `{name}`"))
    return refused


def self_only_upgrade(audit: Audit, contract: Contract) -> Verdict:
    outcomes = []
    for entry in upgrades(audit, contract):
        guard = audit.guard(contract, entry, syscall_sites(REPLACE_CLASS, LIBRARY_CALL))
        if guard.guarded and guard.kind in SELF_KINDS:
            outcomes.append(passed(f"`{entry.name}` runs only as the account's own call", [guard_evidence(entry, guard)]))
        elif not entry.params and not guard.guarded:
            message = f"`{entry.name}` can be called by anyone but takes no parameter: the caller cannot choose the class"
            outcomes.append(passed(message, [at(entry, f"{entry.name}: no parameter")]))
        elif guard.guarded:
            message = f"`{entry.name}` replaces the class on a check other than the account's own signature ({guard.description})"
            outcomes.append(failed(message, [guard_evidence(entry, guard)]))
        else:
            outcomes.append(unguarded(audit, entry, guard, f"`{entry.name}` replaces the account's class for any caller"))
    return worst(outcomes, "the account has no upgrade entry point (nothing replaces its class)")


def target_checked(audit: Audit, contract: Contract) -> Verdict:
    refused = refused_calls(audit, contract)
    outcomes = []
    for entry in upgrades(audit, contract):
        params = class_params(entry)
        if not params or entry.name in refused:
            continue  # the class is not chosen here (a hook the upgrade calls on the new class)
        check = _interface_check(audit, entry, params)
        if check is not None:
            outcomes.append(passed(f"`{entry.name}` checks that the new class is an account", [check]))
        else:
            message = (
                f"`{entry.name}` does not check that the new class is an account (an interface id asserted on "
                f"`{params[0]}`): a wrong class hash leaves an address nobody can sign for"
            )
            outcomes.append(failed(message, [at(entry, f"{entry.name}: takes the class hash `{params[0]}`")]))
    return worst(outcomes, "no upgrade entry point takes the new class hash from its caller")


def hooks_inside_upgrade(audit: Audit, contract: Contract) -> Verdict:
    refused = refused_calls(audit, contract)
    outcomes = []
    for entry in hooks(audit, contract):
        name = entry.name
        guard = entry_guard(audit.ctx, contract, entry)
        if name in refused:
            outcomes.append(passed(f"`{name}`: a signed call cannot reach it directly", [refused[name]]))
        elif guard.kind == "panics":
            outcomes.append(passed(f"`{name}` always panics", [guard_evidence(entry, guard)]))
        elif (once := _runs_once(audit, entry)) is not None:
            outcomes.append(passed(f"`{name}` can run only once", [once]))
        elif (shot := one_shot(audit.ctx, entry, anywhere=True)) is not None:
            outcomes.append(passed(f"`{name}` can run only once: {shot}", [at(entry, name)]))
        elif guard.guarded and guard.kind in SELF_KINDS:
            outcomes.append(passed(f"`{name}` runs only as the account's own call", [guard_evidence(entry, guard)]))
        elif guard.guarded:
            message = f"`{name}` runs on a check other than the account's own signature ({guard.description}) and can run again"
            outcomes.append(failed(message, [guard_evidence(entry, guard)]))
        else:
            message = f"`{name}` can be called by anyone, again after the upgrade: a second run rewrites migrated data"
            outcomes.append(unguarded(audit, entry, guard, message))
    return worst(outcomes, "no upgrade hook apart from the entry points that replace the class (CUL551)")


def hooks(audit: Audit, contract: Contract) -> list[EntryPoint]:
    """The upgrade hooks and initializers (``semantics.migrations``) other than the upgrade entry points
    a signed call makes (those replace the class and are judged by CUL551)."""
    upgrading = {e.name for e in upgrades(audit, contract)}
    return [m.entry for m in migrations(audit.ctx, contract) if m.entry.kind == "external" and m.entry.name not in upgrading]


def signer_changes_self_only(audit: Audit, contract: Contract) -> Verdict:
    """Signer and threshold writes outside the upgrade path (hooks move signers between layouts and
    are judged by CUL551 and CUL553)."""
    governed = frozenset(m.name for m in contract.storage if SIGNER_STATE.search(m.name))
    skipped = {e.name for e in (*upgrades(audit, contract), *hooks(audit, contract))} | set(PROTOCOL)
    outcomes = []
    for entry in external(contract):
        if entry.name in skipped or not any(audit.writes(entry, governed)):
            continue
        guard = audit.guard(contract, entry, write_sites(governed.__contains__))
        if not guard.guarded and (shot := one_shot(audit.ctx, entry, anywhere=True)) is not None:
            outcomes.append(passed(f"`{entry.name}` sets the signers once (initialisation): {shot}", [at(entry, entry.name)]))
        elif not guard.guarded:
            outcomes.append(unguarded(audit, entry, guard, f"`{entry.name}` changes the signers or threshold for any caller"))
        elif guard.kind in SELF_KINDS or guard.kind == "not_reached":
            outcomes.append(passed(f"`{entry.name}` needs the account's own signature", [guard_evidence(entry, guard)]))
        else:
            message = f"`{entry.name}` changes the signers or threshold on a check other than the account's signature"
            outcomes.append(failed(message, [guard_evidence(entry, guard)]))
    if not governed:
        return not_found("no signer or threshold member (named like `signer`, `owner`, `guardian`, `threshold`)")
    return worst(outcomes, "no entry point changes the signers or threshold: they are fixed at deployment")


def _interface_check(audit: Audit, entry: EntryPoint, params: list[str]) -> Evidence | None:
    """An assertion computed from the class hash parameter and an interface id constant."""
    wanted = {value_source("param", p) for p in params}
    for flow in audit.reach(entry):
        for check in flow.checks:
            sources = flow.sources(check.left) | flow.sources(check.right)
            ids = sorted(s.name for s in sources if s.kind == "const" and INTERFACE_ID.search(s.name))
            if ids and wanted & sources:
                return Evidence(check.location, f"{flow.info.name}: the new class must support `{ids[0]}`: asserts {check.text}")
    return None


def _runs_once(audit: Audit, entry: EntryPoint) -> Evidence | None:
    """An assertion that a stored value is not zero, with a write of zero to it on the same path."""
    flows = audit.reach(entry)
    cleared = {w.member for f in flows for w in f.writes if constant(f, w.value) == 0}
    for flow in flows:
        for check in nonzero_checks(flow):
            member = next((s.name for s in flow.sources(check.left) if s.kind == "storage" and s.name in cleared), None)
            if member is not None:
                return Evidence(check.location, f"{flow.info.name}: asserts {check.text}, and the migration clears `{member}`")
    return None


PROFILE = Profile(
    "account",
    detect,
    "no account (no contract with SRC6 `__validate__` and `__execute__`)",
    (
        Requirement("CUL551", lambda _: "the class is replaced only through the account's own call", self_only_upgrade),
        Requirement("CUL552", lambda _: "the upgrade checks that the new class is an account", target_checked),
        Requirement(
            "CUL553", lambda _: "upgrade hooks run only inside an upgrade or as the account's own call", hooks_inside_upgrade
        ),
        Requirement(
            "CUL554", lambda _: "signer and threshold changes need the account's own signature", signer_changes_self_only
        ),
    ),
)
