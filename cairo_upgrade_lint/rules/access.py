"""Guard rules (single version): CUL301-CUL308.

The rules judge a contract's entry points other than the constructor, its own and those it embeds
from components (a component is judged where a contract embeds it: the finding points at the
``impl X = Comp::Impl<ContractState>;`` line, the message names the component's code); the shipped
OpenZeppelin components are never judged by themselves. Findings point at the entry point's ``fn``
name, or at the constant / constructor write at fault. The guard analysis is in ``semantics/guards.py``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from ..findings import Finding, Location, Severity
from ..model import Contract, EntryPoint
from ..model.callgraph import CallGraph, FunctionInfo
from ..model.constants import Constant
from ..model.facts import Comparison, Operand, StorageAccess, SyscallUse
from ..model.hashing import selector
from ..model.layout import MapLayout, StorageMember
from ..model.selectors import SelectorValues, literal_selector
from ..model.syscalls import CALL_CONTRACT, LIBRARY_CALL, REPLACE_CLASS
from ..semantics.context import Context
from ..semantics.durations import duration_text
from ..semantics.guards import (
    Guard,
    Sites,
    auth_check,
    call_paths,
    entry_guard,
    functions_with_syscall,
    one_shot,
    path_names,
    sites_guard,
    upgrade_sites,
)
from ..semantics.values import Origin, param_checks, rejects_zero, trace_origin
from .base import Report, contract_rule

# Admin state (CUL302): a member whose name has one of these words (component prefix dropped:
# ``Ownable_owner`` -> owner), or the pair class+hash, unless its last word says it is bookkeeping.
ADMIN_WORDS = frozenset(
    {
        "owner", "owners", "admin", "admins", "administrator", "governance", "governor", "guardian",
        "guardians", "role", "roles", "signer", "signers", "threshold", "quorum", "timelock", "delay",
        "paused", "pause", "implementation", "facet", "facets", "upgrade", "upgrades", "upgrader",
    }
)  # fmt: skip
ADMIN_PAIRS = (("class", "hash"),)
BOOKKEEPING_LAST_WORDS = frozenset({"attempt", "attempts", "nonce", "nonces", "counter", "log", "history"})
SELF_SERVICE_WORDS = frozenset({"renounce", "resign", "leave"})
# StarkWare's external initializer (EIC): run through library_call by the guarded upgrade flow, on
# the upgrading contract's storage; called directly it only touches the EIC's own storage.
LIBRARY_ONLY = frozenset({"eic_initialize"})
# Initializer / migration entry points (CUL307), by exact name; the REPEATABLE ones run once per
# upgrade by design, so only their caller check is required.
INITIALIZER_NAMES = frozenset(
    {
        "initialize", "initializer", "initialise", "init", "reinitialize", "setup", "set_up", "migrate",
        "migration", "run_migration", "upgrade_and_call", "execute_after_upgrade", "post_upgrade",
        "after_upgrade",
    }
)  # fmt: skip
REPEATABLE = frozenset({"upgrade_and_call", "execute_after_upgrade", "post_upgrade", "after_upgrade"})
APPROVAL_WORDS = frozenset({"approved", "approval", "approvals", "confirmations", "votes", "proposal"})
THRESHOLD_WORDS = frozenset({"threshold", "quorum"})
SIGNER_WORDS = frozenset({"signer", "signers"})
# CUL303, cross-contract: an approval step of a governance ``execute`` (signatures counted against a
# threshold, confirmations, votes ...), and the entry points of another contract that upgrade it.
CROSS_APPROVAL_WORDS = APPROVAL_WORDS | THRESHOLD_WORDS | frozenset({"signatures", "confirmed", "approvals"})
UPGRADE_ENTRY_NAMES = frozenset(
    {
        "upgrade", "upgrade_to", "upgrade_and_call", "replace_class", "replace_class_hash", "set_implementation",
        "set_class_hash",
    }
)  # fmt: skip
CLOCKS = ("timestamp", "block_number")
KNOWN_DELAY_MEMBERS = frozenset({"TimelockController_min_delay"})
FIXED_ORIGINS = ("storage", "const", "literal")
_COMPONENT_PREFIX = re.compile(r"^[A-Z][A-Za-z0-9]*_(?=.)")
_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")


# ---------------------------------------------------------------- shared


def words(name: str) -> tuple[str, ...]:
    """The lower-case words of an identifier without its component prefix
    (``Ownable_pending_classHash`` -> pending, class, hash)."""
    return tuple(w.lower() for w in _WORD.findall(_COMPONENT_PREFIX.sub("", name)))


def _entries(contract: Contract) -> list[EntryPoint]:
    """What callers reach after deployment (components: where a contract embeds them)."""
    if contract.known or contract.kind == "component":
        return []
    return [e for e in contract.entry_points if e.kind != "constructor"]


def _upgrading(graph: CallGraph, contract: Contract) -> list[EntryPoint]:
    return [e for e in _entries(contract) if REPLACE_CLASS in graph.syscalls_reached(e.function)]


def _constructor(contract: Contract) -> EntryPoint | None:
    return next((e for e in contract.entry_points if e.kind == "constructor"), None)


def _where(ctx: Context, entry: EntryPoint) -> Location:
    """The embedding line of a component's entry point, else the ``fn`` name (a span may start at
    an attribute)."""
    if entry.embedded_at is not None:
        return entry.embedded_at
    info = ctx.project.call_graph.get(entry.function)
    return info.name_location if info is not None and info.name_location else entry.location


def _confidence(report: Report, guard: Guard) -> str:
    return report.doc.confidence if guard.certain else "low"


def _uncertainty(guard: Guard) -> str:
    if guard.certain:
        return ""
    names = ", ".join(sorted(set(guard.unresolved)))
    return f" (unless {names}, which could not be analysed, checks the caller)"


def _severity(guard: Guard) -> Severity | None:
    """An unknown guard is unknown: a path whose only possible check could not be analysed is a
    warning that says so, never an error."""
    return None if guard.certain else Severity.WARNING


def _chain(graph: CallGraph, path: tuple[str, ...], last: str) -> str:
    return " -> ".join([*path_names(graph, path), last])


def _reachable(graph: CallGraph, entry: EntryPoint) -> list[FunctionInfo]:
    return [info for fid in sorted(graph.reachable(entry.function)) if (info := graph.get(fid)) is not None]


def _last(graph: CallGraph, guard: Guard) -> FunctionInfo | None:
    return graph.get(guard.unguarded_path[-1]) if guard.unguarded_path else None


def _origins(graph: CallGraph, entry: EntryPoint, syscall: str) -> Iterator[tuple[tuple[str, ...], Origin, Location]]:
    """(call path, origin of the class hash, syscall site) of each use of ``syscall`` that
    ``entry`` reaches, along each call path."""
    for info in functions_with_syscall(graph, entry.function, syscall):
        uses = [s for s in info.facts.syscalls if s.name == syscall and s.args]
        for path in call_paths(graph, entry.function, info.id):
            for use in uses:
                yield path, trace_origin(graph, path, use.args[0]), use.location


def _comparisons(info: FunctionInfo) -> Iterator[Comparison]:
    return (c for a in info.facts.assertions for c in a.comparisons)


def _asserted(functions: list[FunctionInfo], auth: bool = True) -> set[str]:
    """Members read in the assertions of ``functions`` (``auth=False``: outside caller checks)."""
    return {
        o.name
        for info in functions
        for a in info.facts.assertions
        if auth or auth_check(a) is None
        for o in a.operands
        if o.kind == "storage"
    }


def _in_module(constant: Constant, contract: Contract) -> bool:
    """A constant of the contract's module tree."""
    return constant.qualified.startswith(contract.qualified_name + "::")


# ---------------------------------------------------------------- CUL301


@contract_rule("CUL301")
def unguarded_upgrade(contract: Contract, ctx: Context, report: Report) -> Iterator[Finding]:
    """An entry point reaches replace_class (directly, through helpers, a component or a library
    call into replacing code) with a class hash the caller chooses, on a path with no auth check.
    Triggering an upgrade to a hash already stored (by guarded code) is not reported."""
    graph = ctx.project.call_graph
    sites = upgrade_sites(ctx)
    for entry in _entries(contract):
        guard = sites_guard(ctx, contract, entry, sites)
        last = _last(graph, guard)
        use = next((s for s in last.facts.syscalls if s.location == guard.site), None) if last else None
        if guard.guarded or use is None:
            continue
        replacing = use.name == REPLACE_CLASS and use.args  # no argument: does not compile, still analysed
        origin = trace_origin(graph, guard.unguarded_path, use.args[0]) if replacing else None
        if origin is not None and origin.operand.kind in FIXED_ORIGINS:
            continue
        yield report(
            f"`{entry.name}` replaces the contract's class with no auth check on the path "
            f"{_chain(graph, guard.unguarded_path, _label(use))}{_uncertainty(guard)}: anyone can upgrade it",
            _where(ctx, entry),
            fix=f"check the caller in `{entry.name}` (or in the shared helper) before the upgrade, for "
            "example `self.ownable.assert_only_owner()`",
            severity=_severity(guard),
            confidence=_confidence(report, guard),
        )


def _label(use: SyscallUse) -> str:
    """``library_call_syscall (upgrade)`` for a library call through a dispatcher."""
    return f"{use.name} ({use.entry_point})" if use.entry_point else use.name


# ---------------------------------------------------------------- CUL302


def admin_members(ctx: Context, contract: Contract) -> frozenset[str]:
    """Members holding admin state: named like it, or a single stored value the contract checks
    the caller against (maps are per-user or per-object records)."""
    graph = ctx.project.call_graph
    checked = {
        other.name
        for fid in contract.functions
        if (info := graph.get(fid)) is not None
        for c in _comparisons(info)
        if c.op == "==" and (other := c.other("caller")) is not None and other.kind == "storage"
    }
    scalars = {m.name for m in contract.storage if not isinstance(m.layout, MapLayout)}
    named = {m.name for m in contract.storage if _admin_named(m)}
    return frozenset(named | (checked & scalars))


def _admin_named(member: StorageMember) -> bool:
    found = words(member.name)
    admin = set(found) & ADMIN_WORDS or any(all(w in found for w in pair) for pair in ADMIN_PAIRS)
    if not admin or found[-1] in BOOKKEEPING_LAST_WORDS:
        return False
    return not (_object_keyed(member) and set(found) & ADMIN_WORDS <= {"owner", "owners"})


def _object_keyed(member: StorageMember) -> bool:
    """A map keyed by something else than an address (token ids, positions ...)."""
    layout = member.layout
    return isinstance(layout, MapLayout) and bool(layout.keys) and layout.keys[0].name != "ContractAddress"


@contract_rule("CUL302")
def unguarded_admin_write(contract: Contract, ctx: Context, report: Report) -> Iterator[Finding]:
    """An entry point writes admin state with no auth check. Initializers are CUL307's; entry
    points named renounce/resign/leave give up the caller's own rights and are not judged; clearing
    (writing zero to) a member the entry point asserted on the way is consuming a one-shot value
    (a pending upgrade, a legacy slot), not a takeover."""
    admin = admin_members(ctx, contract)
    if not admin:
        return
    graph = ctx.project.call_graph
    for entry in _entries(contract):
        if entry.name in INITIALIZER_NAMES | LIBRARY_ONLY or set(words(entry.name)) & SELF_SERVICE_WORDS:
            continue
        consumed = _asserted(_reachable(graph, entry))
        guard = sites_guard(ctx, contract, entry, _admin_writes(admin, consumed))
        last = _last(graph, guard)
        access = next((a for a in last.facts.storage if a.location == guard.site), None) if last else None
        if guard.guarded or access is None or one_shot(ctx, entry) is not None:
            continue
        path = _chain(graph, guard.unguarded_path, f"{access.member}.write")
        if _state_derived(graph, entry, access):
            yield report(
                f"`{entry.name}` writes admin state `{access.member}` with no auth check ({path}), but it takes "
                "no arguments, writes only values derived from the contract's own state and runs only when "
                "the state assertions on the way hold: anyone can trigger it, nobody can choose the value",
                _where(ctx, entry),
                severity=Severity.NOTE,
                confidence="low",
            )
            continue
        yield report(
            f"`{entry.name}` writes admin state `{access.member}` with no auth check ({path})"
            f"{_uncertainty(guard)}: anyone can change it",
            _where(ctx, entry),
            fix=f"check the caller in `{entry.name}` before writing `{access.member}`",
            severity=_severity(guard),
            confidence=_confidence(report, guard),
        )


def _state_derived(graph: CallGraph, entry: EntryPoint, access: StorageAccess) -> bool:
    """A state transition nobody steers: the entry point takes no arguments, nothing on its way
    reads the caller or the transaction's account, the written value carries no parameter of
    the writing function that is not itself fixed (traced back along the path), and the way asserts on
    stored state (a precondition such as "only in the half-upgraded legacy state")."""
    entry_info = graph.get(entry.function)
    if entry_info is None or entry_info.params:
        return False
    functions = _reachable(graph, entry)
    if any(e.name in ("caller", "tx_account") for info in functions for e in info.facts.environment):
        return False
    if not _asserted(functions, auth=False):
        return False
    writer = next((info for info in functions if access in info.facts.storage), None)
    path = next(call_paths(graph, entry.function, writer.id), None) if writer else None
    if path is None:
        return False
    for value in access.values:
        if value.kind in ("caller", "tx_account"):
            return False
        if value.kind == "param" and trace_origin(graph, path, value).operand.kind not in (*FIXED_ORIGINS, "call"):
            return False
    return True


def _admin_writes(admin: frozenset[str], consumed: set[str]) -> Sites:
    return lambda info: tuple(
        a.location
        for a in info.facts.storage
        if a.op == "write" and a.member in admin and not (a.member in consumed and _zero_write(a))
    )


# ---------------------------------------------------------------- CUL303


@contract_rule("CUL303")
def missing_timelock(contract: Contract, ctx: Context, report: Report) -> Iterator[Finding]:
    """A proposed or approved upgrade executes with no delay. Proposed: the class hash comes from a
    member another entry point stores from its calldata (a member the upgrade path itself fills with
    the then-current class is a rollback history, not a proposal); approved: an approval/vote member
    is asserted. Also an approved upgrade of *another* contract: an entry point asserts an approval
    step (signatures against a threshold ...) and calls an upgrade entry point of another contract
    (``call_contract_syscall`` with an upgrade selector, or a stored selector where the contract
    proposes one; a dispatcher's ``upgrade``). A plain owner-guarded ``upgrade(class_hash)`` has no
    proposal step and is not reported, nor is an upgrade that compares a clock on the way or that
    only a timelock may call."""
    graph = ctx.project.call_graph
    for entry in _entries(contract):
        reachable = _reachable(graph, entry)
        chosen: Sites | None
        if REPLACE_CLASS in graph.syscalls_reached(entry.function):
            mechanism = _proposal(graph, contract, entry) or _approval(reachable)
            chosen, what = upgrade_sites(ctx), REPLACE_CLASS
        else:
            cross = _cross_upgrade(ctx, contract, entry, reachable)
            approval = _approval(reachable, CROSS_APPROVAL_WORDS, fields=True) if cross else None
            mechanism = f"{approval}, then {cross[1]}" if cross and approval else None
            chosen, what = (_only(cross[0]) if cross else None), "the cross-contract upgrade call"
        if mechanism is None or chosen is None or _clock_checked(reachable):
            continue
        guard = sites_guard(ctx, contract, entry, chosen)
        if guard.guarded and "timelock" in words(guard.subject):
            continue
        yield report(
            f"`{entry.name}` executes an upgrade as soon as it is approved ({mechanism}): no stored ETA is "
            f"compared with get_block_timestamp() before {what}",
            _where(ctx, entry),
        )


def _proposal(graph: CallGraph, contract: Contract, entry: EntryPoint) -> str | None:
    """The member holding the class hash ``entry`` installs, when another entry point stores it
    (a history write, see ``_history_write``, is not a proposal)."""
    stored = {o.operand.name for _, o, _ in _origins(graph, entry, REPLACE_CLASS) if o.operand.kind == "storage"}
    for other in _entries(contract):
        if other.function == entry.function:
            continue
        upgrading = REPLACE_CLASS in graph.syscalls_reached(other.function)
        for info in _reachable(graph, other):
            for access in info.facts.storage:
                if access.op != "write" or access.member not in stored or _zero_write(access):
                    continue
                if upgrading and _history_write(graph, other, info, access):
                    continue
                return f"the class hash `{access.member}` that `{other.name}` proposes"
    return None


def _history_write(graph: CallGraph, writer: EntryPoint, info: FunctionInfo, access: StorageAccess) -> bool:
    """A write by an upgrading entry point of a value that is not its calldata (the current class
    hash read from storage, ``get_class_hash_at`` ...): recording the class being replaced, so that
    reinstalling it later is a rollback to an already-approved class, not an approval-based upgrade."""
    for value in access.values:
        if value.kind != "param":
            continue
        if any(trace_origin(graph, path, value).from_entry for path in call_paths(graph, writer.function, info.id)):
            return False
    return True


def _cross_upgrade(
    ctx: Context, contract: Contract, entry: EntryPoint, reachable: list[FunctionInfo]
) -> tuple[Location, str] | None:
    """(site, description) of a call from ``entry`` to an upgrade entry point of another contract:
    a dispatcher call named like one, or ``call_contract_syscall`` whose selector is an upgrade
    selector (by name, or the selector of an entry point of the project that reaches replace_class),
    or is read from state (a stored proposal) while the contract writes down an upgrade selector."""
    graph = ctx.project.call_graph
    values = SelectorValues(graph, [info.id for info in _contract_functions(graph, contract)])
    stored = None
    for info in reachable:
        for use in (s for s in info.facts.syscalls if s.name == CALL_CONTRACT):
            if use.via == "dispatcher":
                if use.entry_point in UPGRADE_ENTRY_NAMES:
                    return use.location, f"`{use.dispatcher}.{use.entry_point}()`"
                continue
            if len(use.args) < 2:
                continue
            operand = use.args[1]
            upgrades = _upgrade_selectors(ctx)  # hashed on first use: most contracts make no such call
            if values.of(info.id, operand) & upgrades:
                return use.location, f"call_contract_syscall with the upgrade selector `{operand.text}`"
            if operand.kind in ("storage", "other", "local"):
                stored = stored if stored is not None else _written_upgrade_selector(ctx, contract, upgrades)
                if stored:
                    return use.location, (
                        f"call_contract_syscall with the stored selector `{operand.text}` (the contract proposes `{stored}`)"
                    )
    return None


def _upgrade_selectors(ctx: Context) -> frozenset[int]:
    """Selectors of upgrade entry points: the usual names, and the project's entry points that reach
    replace_class."""
    return ctx.once("upgrade_selectors", lambda: _project_upgrade_selectors(ctx))


def _project_upgrade_selectors(ctx: Context) -> frozenset[int]:
    graph = ctx.project.call_graph
    own = {
        e.selector
        for c in ctx.project.all_contracts
        for e in c.entry_points
        if e.kind != "constructor" and REPLACE_CLASS in graph.syscalls_reached(e.function)
    }
    return frozenset({selector(name) for name in UPGRADE_ENTRY_NAMES} | own)


def _written_upgrade_selector(ctx: Context, contract: Contract, upgrades: frozenset[int]) -> str:
    """The text of an upgrade selector the contract's code passes to a call or stores, or a constant
    holding one declared in its module tree or its file (a proposal struct built with it): '' if none."""
    graph = ctx.project.call_graph
    for info in _contract_functions(graph, contract):
        operands = [o for c in info.facts.calls for o in c.args]
        operands += [o for a in info.facts.storage if a.op == "write" for o in (*a.args, *a.values)]
        for operand in operands:
            if literal_selector(operand) in upgrades:
                return operand.text
    for constant in ctx.project.constants:
        near = _in_module(constant, contract) or constant.location.path == contract.location.path
        if near and constant.value in upgrades:
            return constant.name
    return ""


def _zero_write(access: StorageAccess) -> bool:
    return bool(access.values) and all(v.kind == "literal" and v.value == 0 for v in access.values)


def _approval(functions: list[FunctionInfo], vocabulary: frozenset[str] = APPROVAL_WORDS, fields: bool = False) -> str | None:
    """An asserted member (``fields``: or struct field, ``proposal.signatures``) named like an
    approval."""
    names = _asserted(functions) | (_asserted_fields(functions) if fields else set())
    approvals = sorted(name for name in names if set(words(name)) & vocabulary)
    return f"the approval `{approvals[0]}`" if approvals else None


def _asserted_fields(functions: list[FunctionInfo]) -> set[str]:
    return {o.name for info in functions for a in info.facts.assertions for o in a.operands if o.kind == "other" and o.name}


def _clock_checked(functions: list[FunctionInfo]) -> bool:
    return any(c.involves(clock) for info in functions for c in _comparisons(info) for clock in CLOCKS)


# ---------------------------------------------------------------- CUL304


@contract_rule("CUL304")
def timelock_too_short(contract: Contract, ctx: Context, report: Report) -> Iterator[Finding]:
    """A delay that feeds the upgrade ETA (a constant, or a constructor default of the delay
    member) is below ``timelock-min-seconds``."""
    if contract.known:
        return
    graph = ctx.project.call_graph
    minimum = ctx.config.timelock_min_seconds
    constants, members = _delay_sources(ctx, contract)
    for constant in constants:
        if constant.value is not None and constant.value < minimum:
            yield report(
                f"upgrade delay `{constant.name}` = {duration_text(constant.value)} is below the policy minimum "
                f"{duration_text(minimum)}",
                constant.location,
            )
    constructor = _constructor(contract)
    for value, access in _constructor_values(graph, constructor, members) if constructor else ():
        if value < minimum:
            yield report(
                f"the constructor sets the upgrade delay `{access.member}` to {duration_text(value)}, below the "
                f"policy minimum {duration_text(minimum)}",
                access.location,
            )


def _delay_sources(ctx: Context, contract: Contract) -> tuple[list[Constant], set[str]]:
    """Constants and members added to the clock where an upgrade ETA is stored (the ETA: a member
    compared with the block timestamp on an upgrade path), and OpenZeppelin's timelock delay."""
    graph = ctx.project.call_graph
    eta = {
        other.name
        for entry in _upgrading(graph, contract)
        for info in _reachable(graph, entry)
        for c in _comparisons(info)
        if (other := c.other("timestamp")) is not None and other.kind == "storage"
    }
    members = {m.name for m in contract.storage if m.name in KNOWN_DELAY_MEMBERS}
    used: set[tuple[str, int | None]] = set()
    for info in _contract_functions(graph, contract):
        for access in info.facts.storage:
            values = access.values
            if access.op != "write" or access.member not in eta or all(v.kind != "timestamp" for v in values):
                continue
            used |= {(v.name, v.value) for v in values if v.kind == "const"}
            members |= {v.name for v in values if v.kind == "storage"}
            for param in (v.name for v in values if v.kind == "param"):
                members |= _lower_bounding_members(graph, info.id, param)
    candidates = [c for c in ctx.project.constants if (c.name, c.value) in used]
    return [c for c in candidates if _in_module(c, contract)] or candidates, members


def _lower_bounding_members(graph: CallGraph, function_id: str, param: str) -> set[str]:
    """Members a parameter is asserted to be at least (``delay >= self.min_delay.read()``)."""
    checks = param_checks(graph, function_id, param)
    return {other.name for op, other in checks if op in (">=", ">") and other.kind == "storage"}


def _contract_functions(graph: CallGraph, contract: Contract) -> list[FunctionInfo]:
    """The contract's own functions and everything its entry points reach."""
    ids = set(contract.functions).union(*(graph.reachable(e.function) for e in contract.entry_points))
    return [info for fid in sorted(ids) if (info := graph.get(fid)) is not None]


def _constructor_values(graph: CallGraph, constructor: EntryPoint, members: set[str]) -> Iterator[tuple[int, StorageAccess]]:
    """(value, write) for each computable value the constructor stores in one of ``members``."""
    for info in _reachable(graph, constructor):
        for access in (a for a in info.facts.storage if a.op == "write" and a.member in members):
            path = next(call_paths(graph, constructor.function, info.id), None)
            if path is None:
                continue
            for value in access.values:
                known = trace_origin(graph, path, value).operand if value.kind == "param" else value
                if known.kind in ("literal", "const") and known.value is not None:
                    yield known.value, access


# ---------------------------------------------------------------- CUL305


@contract_rule("CUL305")
def zero_class_hash_unchecked(contract: Contract, ctx: Context, report: Report) -> Iterator[Finding]:
    """An entry point passes its class hash argument to replace_class with no non-zero check on
    the way (in a function the value passes through, or a helper it is handed to). A library call
    on the hash first counts as a check: it fails for an undeclared class."""
    graph = ctx.project.call_graph
    for entry in _entries(contract):
        unchecked = (
            (path, origin)
            for path, origin, _ in _origins(graph, entry, REPLACE_CLASS)
            if origin.from_entry
            and not any(rejects_zero(graph, fid, name) for fid, name in origin.aliases)
            and not _executing_class(ctx, contract, entry, origin.operand.name)
        )
        found = next(unchecked, None)
        if found is not None:
            path, origin = found
            yield report(
                f"`{entry.name}` passes its argument `{origin.operand.name}` to replace_class_syscall "
                f"({_chain(graph, path, REPLACE_CLASS)}) without rejecting a zero class hash",
                _where(ctx, entry),
            )


def _executing_class(ctx: Context, contract: Contract, entry: EntryPoint, param: str) -> bool:
    """``param`` is the class hash of the code being executed: the project library-calls ``entry``
    on a class hash and passes that same hash for ``param`` (Argent's ``upgrade()`` runs
    ``ILibraryDispatcher { class_hash: new }.perform_upgrade(new, data)``), and ``entry`` checks
    its caller (so it cannot be called directly with another value by a stranger). A class that is
    running is declared: it is not zero."""
    graph = ctx.project.call_graph
    info = graph.get(entry.function)
    names = [p.name for p in info.params] if info else []
    if param not in names or not entry_guard(ctx, contract, entry).guarded:
        return False
    index = names.index(param)
    for caller in graph.functions.values():
        for use in caller.facts.syscalls:
            if use.name != LIBRARY_CALL or use.via != "dispatcher" or use.entry_point != entry.name or not use.args:
                continue
            passed = use.args[1:]
            if index < len(passed) and passed[index].text == use.args[0].text:
                return True
    return False


# ---------------------------------------------------------------- CUL306


@contract_rule("CUL306")
def controlled_library_call(contract: Contract, ctx: Context, report: Report) -> Iterator[Finding]:
    """library_call_syscall with a class hash from the entry point's calldata, and no auth check
    before it."""
    graph = ctx.project.call_graph
    for entry in _entries(contract):
        for path, origin, site in _origins(graph, entry, LIBRARY_CALL):
            if not origin.from_entry:
                continue
            guard = sites_guard(ctx, contract, entry, _only(site))
            if guard.guarded:
                continue
            yield report(
                f"`{entry.name}` library-calls the class hash `{origin.operand.name}` taken from calldata with "
                f"no auth check ({_chain(graph, path, LIBRARY_CALL)}){_uncertainty(guard)}: the caller chooses "
                "code that runs on this contract's storage",
                _where(ctx, entry),
                severity=_severity(guard),
                confidence=_confidence(report, guard),
            )
            break


def _only(site: Location) -> Sites:
    """Sites: exactly the syscall at ``site``."""
    return lambda info: tuple(s.location for s in info.facts.syscalls if s.location == site)


# ---------------------------------------------------------------- CUL307


@contract_rule("CUL307")
def unprotected_initializer(contract: Contract, ctx: Context, report: Report) -> Iterator[Finding]:
    """An initializer/migration entry point (by name) callable by anyone, or more than once. An
    entry point that upgrades is judged for its caller check by CUL301."""
    graph = ctx.project.call_graph
    for entry in _entries(contract):
        if entry.name not in INITIALIZER_NAMES:  # LIBRARY_ONLY initializers are not judged
            continue
        guard = entry_guard(ctx, contract, entry)
        if guard.kind == "panics":
            continue
        upgrades = REPLACE_CLASS in graph.syscalls_reached(entry.function)
        problems = [] if guard.guarded or upgrades else [f"anyone can call it{_uncertainty(guard)}"]
        if entry.name not in REPEATABLE and not _once_guarded(_reachable(graph, entry)) and not one_shot(ctx, entry):
            problems.append("it can run more than once (no initialized flag or storage version is checked and then written)")
        if problems:
            yield report(
                f"initializer `{entry.name}`: {' and '.join(problems)}",
                _where(ctx, entry),
                severity=_severity(guard) if not guard.guarded and len(problems) == 1 else None,
                confidence=_confidence(report, guard),
            )


def _once_guarded(functions: list[FunctionInfo]) -> bool:
    """A member asserted (other than in a caller check) and written on the way, or OpenZeppelin's
    InitializableComponent ``initialize()`` (unresolved component call)."""
    asserted = _asserted(functions, auth=False)
    written = {w for info in functions for w in info.facts.writes}
    initializable = any(
        c.kind == "component" and c.name == "initialize" and c.target is None for info in functions for c in info.facts.calls
    )
    return bool(asserted & written) or initializable


# ---------------------------------------------------------------- CUL308


@contract_rule("CUL308")
def weak_multisig_threshold(contract: Contract, ctx: Context, report: Report) -> Iterator[Finding]:
    """In a multisig (signer members or OpenZeppelin's MultisigComponent): a threshold constant or
    constant default below policy, or a write of an argument that can make it 0 (no lower bound)
    or exceed the signer count (no upper bound). The value of an argument is the signers' (or the
    deployer's) decision, so a bounded argument below policy is not reported."""
    if contract.known or not _multisig(contract):
        return
    minimum = ctx.config.multisig_threshold_min
    for constant in ctx.project.constants:
        named = set(words(constant.name)) & THRESHOLD_WORDS
        low = constant.value is not None and constant.value < minimum
        if named and low and _in_module(constant, contract):
            yield report(
                f"multisig threshold `{constant.name}` = {constant.value} is below the policy minimum {minimum}",
                constant.location,
            )
    graph = ctx.project.call_graph
    constructor = _constructor(contract)
    for entry in _entries(contract) + ([constructor] if constructor else []):
        problem = _threshold_problem(graph, entry, minimum)
        if problem is not None:
            yield report(f"`{entry.name}` {problem}", _where(ctx, entry))


def _multisig(contract: Contract) -> bool:
    signers = any(set(words(m.name)) & SIGNER_WORDS for m in contract.storage)
    return signers or any(u.component and u.component.endswith("MultisigComponent") for u in contract.components)


def _threshold_problem(graph: CallGraph, entry: EntryPoint, minimum: int) -> str | None:
    """What is wrong with the first threshold write ``entry`` reaches: a constant below ``minimum``,
    or an argument whose bounds let it be 0 or above the signer count (shipped component code is
    trusted)."""
    for info in _reachable(graph, entry):
        writes = [a for a in info.facts.storage if a.op == "write" and set(words(a.member)) & THRESHOLD_WORDS]
        path = next(call_paths(graph, entry.function, info.id), None) if writes and not info.known else None
        if path is None:
            continue
        for access in writes:
            for value in access.values:
                problem = _value_problem(graph, path, value, access.member, minimum)
                if problem:
                    return problem
    return None


def _value_problem(graph: CallGraph, path: tuple[str, ...], value: Operand, member: str, minimum: int) -> str | None:
    if value.kind in ("literal", "const") and value.value is not None and value.value < minimum:
        return f"sets the threshold `{member}` to {value.value}, below the policy minimum {minimum}"
    origin = trace_origin(graph, path, value) if value.kind == "param" else None
    if origin is None or not origin.from_entry:
        return None
    lower, upper = _bounds(graph, origin.aliases)
    source = f"the threshold `{member}` from `{origin.operand.name}`"
    if lower is None or lower < 1:
        return f"writes {source} with no lower bound: it can be set to 0"
    return None if upper else f"writes {source} with no upper bound: it can exceed the signer count"


def _bounds(graph: CallGraph, aliases: tuple[tuple[str, str], ...]) -> tuple[int | None, bool]:
    """(lowest value the assertions allow, whether a non-constant upper bound is asserted)."""
    lows: list[int] = []
    upper = False
    for fid, name in aliases:
        for op, other in param_checks(graph, fid, name):
            constant = other.value if other.kind in ("literal", "const") else None
            low = _LOWER[op](constant) if op in _LOWER else None
            if low is not None:
                lows.append(low)
            upper = upper or (op in ("<=", "<") and constant is None)
    return (max(lows) if lows else None), upper


_LOWER: dict[str, Callable[[int | None], int | None]] = {
    ">=": lambda c: c,
    ">": lambda c: None if c is None else c + 1,
    "!=": lambda c: 1 if c == 0 else None,
}
