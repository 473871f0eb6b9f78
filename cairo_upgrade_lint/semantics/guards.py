"""The shared guard analysis: does every call path from an entry point to a sensitive operation
pass an auth check first? And where does a value used by that operation come from?

An *auth check* is one of
- an assertion (``assert``, ``assert!``, ``assert_eq!``, ``if .. { panic }``) that requires the caller
  (or a hash of it) to equal a stored value, a getter's result, a constant address or a local
  holding one (kind 'caller_check'; not a parameter: ``caller == account`` only says who acts),
  the contract itself (``assert_only_self``, kind 'self_only') or zero (only the protocol, kind
  'protocol_only'); or that tests a stored flag keyed by the caller (``is_signer.read(caller)``,
  ``has_role(ROLE, caller)``, kind 'membership');
- a call to a known guard function (OpenZeppelin ``assert_only_owner`` ..., and the configured
  ``guard-functions``; kind 'guard_call') or to a function that does not resolve but is named like a
  guard by convention (``only_*``, ``assert_only_*``, ``require_owner``, ``check_caller_is_admin``
  ...); on another contract (through a dispatcher) only when the caller is passed to it;
- a call to a crate function that performs one of these anywhere in its body (resolved through the
  call graph, so helpers and component internals count). A helper's parameters are read as what
  the call passes when that is the caller's address or a stored or fixed value
  (``self.assert_admin(get_caller_address())``, ``assert_same(caller, self.owner.read())``), as if
  the helper were written out at the call.
- an assertion that a stored per-proposal status equals a passed value (kind 'vote'): one side is a
  non-zero literal or constant (``1``, ``PASSED``), the other a read of a keyed storage member or a
  getter whose call graph reads keyed members (``get_proposal_status(prop_id)`` over the tallies), and
  every entry point that writes one of those members at a key from its calldata is a voting path (it
  reads the member at a key before writing it, a tally, and the caller's address enters it: the
  voter's record, weight or balance) or has an auth check of its own, with at least one such
  writer; an entry point that writes them at a key it allocates itself (a new proposal) must not
  write the passed value (konoha's ``apply_passed_proposal``: the vote is the authority).
A statement of the body that always panics (``panic!``, ``panic_with_felt252``, a call to a function
that always panics) stops every path too (kind 'panics'); a call in a branch does not. When the
function returns early before it (``if cond { return; }``), it is an auth check if every such
condition is one (``if self.is_owner(resource, caller) { return; } .. panic``: the function returns
only for an authorised caller), and no check at all otherwise.

A helper returning bool guards where it is tested (``assert(self.is_caller_owner())``, ``if
!self.is_owner(caller) { panic!(..) }``) when what it returns is an auth check: a caller check, a
membership test of the caller, a helper that does either, or a disjunction of such helpers
(``self.is_owner() || self.is_operator()``, every alternative restricting the caller).

Ordering is respected inside a function: the events of a body (checks, calls, sensitive operations)
are taken in source order, and a check only protects what comes after it. Branches and loops are
not modelled: a check anywhere earlier in the body counts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from ..findings import Location
from ..model import Contract, EntryPoint
from ..model.callgraph import SYSCALL_PREFIX, CallGraph, FunctionInfo
from ..model.facts import GUARD_FUNCTIONS, SELF_GUARDS, Assertion, CallSite, Operand, SignatureCheck, SyscallUse
from ..model.hashing import selector
from ..model.syscalls import LIBRARY_CALL, REPLACE_CLASS
from ..records import record, replace
from .context import Context
from .entry_points import PROTOCOL_ENTRY_POINTS
from .values import arguments

Sites = Callable[[FunctionInfo], tuple[Location, ...]]
"""The sensitive operations inside a function (their locations); empty when it has none."""

_MAYBE_GUARD = re.compile(
    r"only|auth|permission|allowed|require|ensure|verify|check|assert|guard|restrict"
    r"|is_(owner|admin|governor)",
    re.IGNORECASE,
)
# Names that are guards by every convention, trusted even when the code cannot be analysed.
_GUARD_NAME = re.compile(
    r"^_?(assert_)?only_[a-z0-9_]+$"
    r"|^_?(assert|require|check|ensure)_(caller_)?(is_|has_)?(only_)?"
    r"(owner|admin|governor|governance|role|guardian|self)",
)
# A contract is an account when it has ``__validate__`` and ``__execute__`` or is declared
# ``#[starknet::contract(account)]``.
_ACCOUNT_ATTRIBUTE = re.compile(rb"#\[\s*starknet::contract\s*\(\s*account\s*\)\s*\]")
_FIXED = ("storage", "call", "const", "literal")
_NOT_AUTHORITIES = ("param", "caller", "tx_account", "timestamp", "block_number")
_SELECTOR_MACRO = re.compile(r'selector!\(\s*"(\w+)"\s*\)')
_ASSERT_FORMS = {"assert": "assert({})", "assert_macro": "assert!({})", "if_panic": "if {} {{ panic }}"}


@record
class Guard:
    """The verdict for one entry point and one kind of sensitive operation.

    ``kind``: 'caller_check', 'self_only', 'protocol_only', 'membership', 'guard_call', 'signature',
    'vote', 'panics' (what the first check on the path is), 'protocol_entry' (an account's protocol
    entry point), 'none' (a path reaches the operation unchecked) or
    'not_reached' (the entry point does not reach the operation). ``evidence`` / ``description``
    show the check, ``subject`` what the caller is checked against (``owner``, ``timelock``,
    ``assert_only_owner``);
    ``unguarded_path`` the call-graph ids from the entry point to the function doing the unchecked
    operation, ``site`` that operation; ``unresolved`` the names of calls before it that do not
    resolve in the analysed code but may check the caller (then the verdict is uncertain).
    """

    guarded: bool
    kind: str
    evidence: Location | None
    description: str
    unguarded_path: tuple[str, ...] = ()
    site: Location | None = None
    unresolved: tuple[str, ...] = ()
    subject: str = ""

    @property
    def certain(self) -> bool:
        return not self.unresolved


@record
class _Check:
    kind: str
    location: Location
    description: str
    subject: str


@record
class _FirstMet:
    """What walking one function found first: a check (everything after it is protected) or an
    unchecked sensitive operation (``site``, reached through the functions of ``path``), or neither;
    ``unresolved`` lists the unanalysable, guard-like calls met on the way."""

    check: _Check | None = None
    path: tuple[str, ...] = ()
    site: Location | None = None
    unresolved: tuple[str, ...] = ()


def entry_guard(
    ctx: Context,
    contract: Contract,
    entry: EntryPoint,
    target: Callable[[FunctionInfo], bool] | None = None,
) -> Guard:
    """Whether every path from ``entry`` to a function satisfying ``target`` (default: the entry
    point itself, "is it guarded at all") passes an auth check; a check anywhere in the target
    function counts."""
    predicate = target or (lambda info: info.id == entry.function)
    return sites_guard(ctx, contract, entry, lambda info: _whole(info) if predicate(info) else ())


def sites_guard(ctx: Context, contract: Contract, entry: EntryPoint, sites: Sites) -> Guard:
    """Whether every path from ``entry`` to an operation returned by ``sites`` passes an auth check
    before it (source order inside each function)."""
    names = GUARD_FUNCTIONS | frozenset(ctx.config.guard_functions)
    if entry.name in PROTOCOL_ENTRY_POINTS and is_account(ctx, contract):
        description = f"`{entry.name}` of an account: called by the protocol after the account's signature check"
        return Guard(True, "protocol_entry", entry.location, description)
    votes: _Votes = ctx.once("guards.votes", dict)
    outcome = _Walker(ctx.project.call_graph, contract, names, sites, votes).walk(entry.function)
    if outcome.site is not None:
        return Guard(False, "none", None, "no auth check", outcome.path, outcome.site, outcome.unresolved)
    if outcome.check is not None:
        check = outcome.check
        return Guard(True, check.kind, check.location, check.description, subject=check.subject)
    return Guard(True, "not_reached", None, "the operation is not reached", unresolved=outcome.unresolved)


def is_account(ctx: Context, contract: Contract) -> bool:
    """An account contract (SRC6): ``__validate__`` and ``__execute__`` entry points, or
    ``#[starknet::contract(account)]``."""
    names = {e.name for e in contract.entry_points}
    if {"__validate__", "__execute__"} <= names:
        return True
    text = ctx.project.texts.get(contract.location.path)
    if text is None:
        return False
    lines = text.splitlines()[max(contract.location.line - 1, 0) : contract.location.line + 8]
    return bool(_ACCOUNT_ATTRIBUTE.search(b"\n".join(lines)))


def one_shot(ctx: Context, entry: EntryPoint, anywhere: bool = False) -> str | None:
    """How ``entry`` can run only once, if it can: on its way it asserts that a stored value (read
    through any path: a member, a getter, raw ``storage_read_syscall`` / ``Store`` reads at a
    ``selector!`` address or one a helper computes) is zero, and the same path writes that slot
    (``assert(get_first_signer(SignerType::Stark) == 0, ..)`` then adding the signer). Receiver calls
    that do not resolve (``key.add_signer()``) are followed into the project's functions of that name.
    The written value is not evaluated: a write that may store zero again is not told apart.
    ``anywhere``: the assertion may follow other calls (a second run is refused all the same)."""
    functions = _one_shot_functions(ctx, entry.function)
    written = {slot for info in functions for slot in _slots(info, "write")}
    for info in functions:
        for assertion in info.facts.assertions:
            if not anywhere and not _before_effects(info, assertion):
                continue
            for comparison in assertion.comparisons:
                if comparison.op != "==":
                    continue
                for side, other in ((comparison.left, comparison.right), (comparison.right, comparison.left)):
                    if not (other.kind == "literal" and (other.value == 0 or other.text == "false")):
                        continue
                    read = _stored_slots(ctx, side)
                    if read & written:
                        return f"{_text(assertion)} in `{info.name}`, then a write of `{sorted(read & written)[0]}`"
    return None


def _before_effects(info: FunctionInfo, assertion: Assertion) -> bool:
    """The assertion comes before every call and write of its function (a precondition, not a
    check of the outcome)."""
    end = (assertion.location.end_line, assertion.location.end_column)
    facts = info.facts
    effects = [c.location for c in (*facts.calls, *facts.receiver_calls)]
    effects += [a.location for a in (*facts.storage, *facts.raw_storage, *facts.computed_storage) if a.op == "write"]
    return all((loc.line, loc.column) >= end or (loc.line >= assertion.location.line and (loc.line, loc.column) < end)
               for loc in effects)  # fmt: skip


def _one_shot_functions(ctx: Context, source: str) -> list[FunctionInfo]:
    graph = ctx.project.call_graph
    by_name = ctx.once("functions_by_name", lambda: _by_name(graph))
    seen: set[str] = set()
    todo = [source]
    while todo:
        for fid in graph.reachable(todo.pop()) | set():
            if fid in seen or (info := graph.get(fid)) is None:
                continue
            seen.add(fid)
            todo += [t for c in info.facts.receiver_calls if c.target is None for t in by_name.get(c.name, ())]
    return [info for fid in sorted(seen) if (info := graph.get(fid)) is not None]


def _by_name(graph: CallGraph) -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for fid, info in graph.functions.items():
        out.setdefault(info.name, []).append(fid)
    return {name: tuple(ids) for name, ids in out.items()}


def _slots(info: FunctionInfo, op: str) -> set[str]:
    facts = info.facts
    slots = {a.member for a in facts.storage if a.op == op}
    slots |= {a.member for a in facts.raw_storage if a.op == op}
    return slots | {f"{a.member}()" for a in facts.computed_storage if a.op == op}


def _stored_slots(ctx: Context, operand: Operand) -> set[str]:
    """The storage slots a value reads: a member, or everything a getter reads."""
    if operand.kind == "storage":
        return {operand.name}
    if operand.kind == "call" and operand.target is not None:
        graph = ctx.project.call_graph
        return {slot for fid in graph.reachable(operand.target) if (info := graph.get(fid)) for slot in _slots(info, "read")}
    return set()


def syscall_sites(*names: str) -> Sites:
    """Sites: the function's uses of the named syscalls."""
    return lambda info: tuple(s.location for s in info.facts.syscalls if s.name in names)


def write_sites(members: Callable[[str], bool]) -> Sites:
    """Sites: the function's storage writes to members satisfying ``members``."""
    return lambda info: tuple(a.location for a in info.facts.storage if a.op == "write" and members(a.member))


def upgrade_sites(ctx: Context) -> Sites:
    """Sites: ``replace_class_syscall``, and library calls to an entry point of some class of the
    project that replaces the class with no auth check of its own (``ILibraryDispatcher{..}
    .upgrade(..)``, ``selector!("upgrade")``): a guarded one still checks the caller when it runs
    on this contract's storage."""
    replacing = replacing_selectors(ctx)
    return lambda info: tuple(
        s.location
        for s in info.facts.syscalls
        if s.name == REPLACE_CLASS or (s.name == LIBRARY_CALL and library_selector(s) in replacing)
    )


def replacing_selectors(ctx: Context) -> frozenset[int]:
    """Selectors of the entry points (of any class in the project) that can reach replace_class
    with no auth check."""
    return ctx.once("replacing_selectors", lambda: _replacing_selectors(ctx))


def _replacing_selectors(ctx: Context) -> frozenset[int]:
    graph = ctx.project.call_graph
    replace = syscall_sites(REPLACE_CLASS)
    return frozenset(
        e.selector
        for c in ctx.project.all_contracts
        for e in c.entry_points
        if REPLACE_CLASS in graph.syscalls_reached(e.function) and not sites_guard(ctx, c, e, replace).guarded
    )


def library_selector(syscall: SyscallUse) -> int | None:
    """The selector a library call invokes, when the source names it."""
    if syscall.via == "dispatcher":
        return selector(syscall.entry_point) if syscall.entry_point else None
    named = syscall.args[1] if len(syscall.args) > 1 else None
    if named is None:
        return None
    if named.kind == "const" and named.value is not None:
        return named.value
    found = _SELECTOR_MACRO.search(named.text)
    return selector(found.group(1)) if found else None


def call_paths(graph: CallGraph, source: str, target: str) -> Iterator[tuple[str, ...]]:
    """Call paths (function ids) from ``source`` to the function ``target``, itself included."""
    if source == target:
        yield (source,)
        return
    for found in graph.paths(source, target):
        yield tuple(found)


def functions_with_syscall(graph: CallGraph, source: str, name: str) -> list[FunctionInfo]:
    """The functions reachable from ``source`` that make syscall ``name`` themselves."""
    return [
        info
        for fid in sorted(graph.reachable(source))
        if (info := graph.get(fid)) is not None and SYSCALL_PREFIX + name in graph.callees(fid)
    ]


def path_names(graph: CallGraph, path: tuple[str, ...]) -> list[str]:
    """Function names along a call path of ids; those of another contract or component than the
    first are prefixed with its name (``upgrade -> UpgradeableComponent::upgrade``)."""
    first = graph.get(path[0]) if path else None
    home = first.owner if first else None
    names = []
    for fid in path:
        info = graph.get(fid)
        if info is None:
            names.append(fid.rsplit("::", 1)[-1])
        elif info.owner and info.owner != home:
            names.append(f"{info.owner.rsplit('::', 1)[-1]}::{info.name}")
        else:
            names.append(info.name)
    return names


def auth_check(assertion: Assertion) -> tuple[str, str] | None:
    """(kind, subject) of the auth check an assertion is, or None if it does not restrict the caller."""
    for comparison in assertion.comparisons:
        other = comparison.other("caller")
        if comparison.op != "==" or other is None:
            continue
        if other.kind == "contract_address":
            return "self_only", "self"
        if other.kind == "literal" and other.value == 0:
            return "protocol_only", "protocol"
        if other.kind not in _NOT_AUTHORITIES:
            return "caller_check", other.text if other.kind == "call" else other.name or other.text
    if any(o.kind == "caller" for o in assertion.tested_args):
        tested = [o.name for o in assertion.operands if o.kind in ("storage", "call")]
        return "membership", tested[0] if tested else ""
    if any(o.kind == "caller" for o in assertion.operands):
        return _derived_caller_check(assertion)
    return None


def _derived_caller_check(assertion: Assertion) -> tuple[str, str] | None:
    """``hash(get_caller_address()) == 0x..``: a function of the caller equal to a fixed value."""
    for comparison in assertion.comparisons:
        for side, other in ((comparison.left, comparison.right), (comparison.right, comparison.left)):
            fixed = other.kind in _FIXED and not (other.kind == "literal" and other.value == 0)
            if comparison.op == "==" and side.kind == "call" and fixed:
                return "caller_check", side.name
    return None


def _whole(info: FunctionInfo) -> tuple[Location, ...]:
    """A site at the end of the function: a check anywhere in it comes first."""
    end = info.location
    return (Location(end.path, end.end_line, end.end_column, end.end_line, end.end_column),)


_Event = tuple[tuple[int, int, int], "Assertion | _Check | CallSite | Location | str"]
_Votes = dict[tuple[str, frozenset[str], str], tuple[str, ...]]
"""The voting writers found for (contract, status members, passed value), shared across walks."""
_Bindings = frozenset[tuple[str, Operand]]
"""A helper's parameters and what its call passes for them."""
_Auth = tuple[str, str, str]
"""An auth check found in a condition: its kind, subject and how it was found."""
_BINDABLE = ("caller", "contract_address", "storage", "const", "literal", "call")
"""What a parameter is read as inside a helper: the caller's address, the contract's own, or a stored
or fixed value (the authority side of a check); anything else stays a parameter."""


class _Walker:
    """Walks the call graph from one entry point for one kind of sensitive operation (memoised)."""

    def __init__(
        self,
        graph: CallGraph,
        contract: Contract,
        names: frozenset[str],
        sites: Sites,
        votes: _Votes | None = None,
    ) -> None:
        self.graph = graph
        self.contract = contract
        self.votes = {} if votes is None else votes
        self.storage_of = {u.component: u.storage for u in contract.components if u.component}
        self.opaque = {u.storage for u in contract.components if u.component is None}
        self.names = names
        self.sites = sites
        self.memo: dict[tuple[str, _Bindings], _FirstMet] = {}
        self.active: set[str] = set()

    def walk(self, function_id: str, bindings: _Bindings = frozenset()) -> _FirstMet:
        """What ``function_id`` meets first, its parameters read as ``bindings`` says."""
        key = (function_id, bindings)
        if key in self.memo:
            return self.memo[key]
        info = self.graph.get(function_id)
        if info is None or function_id in self.active:
            return _FirstMet()
        self.active.add(function_id)
        outcome = self._body(info, dict(bindings))
        self.active.discard(function_id)
        self.memo[key] = outcome
        return outcome

    def _body(self, info: FunctionInfo, bound: dict[str, Operand]) -> _FirstMet:
        unresolved: list[str] = []
        for _, event in sorted(self._events(info, bound), key=lambda e: e[0]):
            if isinstance(event, Assertion):
                check = self._assertion_check(event, bound) or self._vote_check(info, event)
                if check is not None:
                    return _FirstMet(check)
                _pin(info, event, bound)
                continue
            if isinstance(event, _Check):
                return self._stop(info, event, event.location, bound, unresolved)
            if isinstance(event, Location):
                return _FirstMet(None, (info.id,), event, tuple(unresolved))
            if isinstance(event, str):
                unresolved.append(event)
                continue
            outcome = self._call(event, bound)
            if outcome.site is not None:
                return _FirstMet(None, (info.id, *outcome.path), outcome.site, (*unresolved, *outcome.unresolved))
            if outcome.check is not None and outcome.check.kind == "panics":
                if event.location in info.facts.statement_calls:
                    return self._stop(info, outcome.check, event.location, bound, unresolved)
                continue  # a call in a branch that always panics: the other paths go on
            if outcome.check is not None:
                return outcome
            unresolved += outcome.unresolved
        return _FirstMet(unresolved=tuple(unresolved))

    def _stop(
        self, info: FunctionInfo, check: _Check, at: Location, bound: dict[str, Operand], unresolved: list[str]
    ) -> _FirstMet:
        """What a check met at ``at`` in ``info`` means for the paths that go on: a panic after early
        returns guards them only when every early return is an auth check (then it is that check)."""
        if check.kind != "panics":
            return _FirstMet(check)
        returns = [r for r in info.facts.early_returns if (r.location.line, r.location.column) < (at.line, at.column)]
        if not returns:
            return _FirstMet(check)
        found = [self._condition_auth(_bound_assertion(r, bound) if bound else r, frozenset()) for r in returns]
        auths = [a for a in found if a is not None]
        if len(auths) < len(found):
            return _FirstMet(unresolved=tuple(unresolved))  # it returns early without an auth check
        subject = " or ".join(dict.fromkeys(a[1] for a in auths if a[1]))
        text = f"{info.name} panics unless {' or '.join(r.text for r in returns)} (then it returns early)"
        return _FirstMet(_Check(auths[0][0], returns[0].location, text, subject))

    def _events(self, info: FunctionInfo, bound: dict[str, Operand]) -> Iterator[_Event]:
        """Each check, call, site and guard-like call on another contract (its name) with its
        source position; checks sort first on ties."""
        for assertion in info.facts.assertions:
            yield _at(assertion.location, 0), assertion
        for syscall in info.facts.syscalls:
            name = syscall.entry_point or ""
            passes_caller = any(_bound_operand(a, bound).kind == "caller" for a in syscall.args)
            if passes_caller and (name in self.names or _GUARD_NAME.match(name)):
                yield _at(syscall.location, 0), _Check("guard_call", syscall.location, f"{name}()", name)
            elif name and _MAYBE_GUARD.search(name):
                yield _at(syscall.location, 1), name
        for abort in info.facts.aborts:
            yield _at(abort, 0), _Check("panics", abort, f"{info.name} always panics", "")
        for call in (*info.facts.calls, *info.facts.receiver_calls, *self._opaque_component_calls(info)):
            yield _at(call.location, 1), call
        for site in self.sites(info):
            yield _at(site, 2), site

    def _assertion_check(self, assertion: Assertion, bound: dict[str, Operand]) -> _Check | None:
        """The auth check an assertion is, its parameters read as ``bound`` says: a caller check,
        a signature verified against an authentic key over signed data, or a tested helper whose
        returned condition is a caller check (``if !self.is_caller_owner() { panic!(..) }``)."""
        auth = auth_check(_bound_assertion(assertion, bound) if bound else assertion)
        if auth is not None:
            return _Check(auth[0], assertion.location, _text(assertion), auth[1])
        for signature in assertion.signatures:
            key = _authentic_key(signature, bound)
            if key is not None and any(m.kind in ("param", "tx_hash") for m in signature.message):
                text = f"{_text(assertion)} (a signature by the stored key `{key}`)"
                return _Check("signature", assertion.location, text, key)
        helper = self._helpers_auth(assertion, frozenset())
        if helper is not None:
            return _Check(helper[0], assertion.location, f"{_text(assertion)} -> {helper[2]}", helper[1])
        return None

    def _helpers_auth(self, condition: Assertion, seen: frozenset[str]) -> _Auth | None:
        """The auth check ``condition`` makes through the helpers returning bool it tests: one it
        requires (``self.is_caller_owner()``), or every one of its alternatives (``a() || b()``)."""
        for tested in condition.tested_calls:
            found = self._returned_auth(tested.target, seen)
            if found is not None:
                return found
        found_all = [self._returned_auth(a.target, seen) for a in condition.alternatives]
        auths = [a for a in found_all if a is not None]
        if not auths or len(auths) < len(found_all):
            return None
        return auths[0][0], " or ".join(dict.fromkeys(a[1] for a in auths if a[1])), "; ".join(a[2] for a in auths)

    def _returned_auth(self, target: str | None, seen: frozenset[str]) -> _Auth | None:
        """The auth check the function ``target`` returns, when it is a helper returning bool whose
        returned condition restricts the caller."""
        callee = self.graph.get(target) if target else None
        if callee is None or callee.id in seen:
            return None
        for condition in callee.facts.returns:
            auth = self._condition_auth(condition, seen | {callee.id})
            if auth is not None:
                return auth[0], auth[1], f"{callee.name} returns {condition.text}"
        return None

    def _condition_auth(self, condition: Assertion, seen: frozenset[str]) -> _Auth | None:
        """The auth check ``condition`` holding makes: by itself or through the helpers it tests."""
        auth = auth_check(condition)
        return (auth[0], auth[1], condition.text) if auth is not None else self._helpers_auth(condition, seen)

    def _vote_check(self, info: FunctionInfo, assertion: Assertion) -> _Check | None:
        """``assert(get_proposal_status(prop_id) == 1)`` where only votes move that status (see the
        module docstring): the vote is the authority."""
        for comparison in assertion.comparisons:
            if comparison.op != "==":
                continue
            for side, other in ((comparison.left, comparison.right), (comparison.right, comparison.left)):
                if not _passed_value(other):
                    continue
                members = self._keyed_reads(info, side)
                if not members:
                    continue
                key = (self.contract.qualified_name, members, other.text)
                if key not in self.votes:
                    self.votes[key] = _voting_writers(self.graph, self.contract, members, other)
                writers = self.votes[key]
                if writers:
                    text = (
                        f"{_text(assertion)} (a proposal status that only votes change: "
                        f"{', '.join(f'`{m}`' for m in sorted(members))} written by {', '.join(writers)})"
                    )
                    return _Check("vote", assertion.location, text, side.name or side.text)
        return None

    def _keyed_reads(self, info: FunctionInfo, side: Operand) -> frozenset[str]:
        """The keyed storage members (maps) a compared value reads: the member itself, or what the
        getter's call graph reads at a key."""
        if side.kind == "storage":
            keyed = any(a.member == side.name and a.op == "read" and a.args for a in info.facts.storage)
            return frozenset({side.name}) if keyed else frozenset()
        if side.kind == "call" and side.target is not None:
            return frozenset(
                a.member
                for fid in self.graph.reachable(side.target)
                if (callee := self.graph.get(fid)) is not None
                for a in callee.facts.storage
                if a.op == "read" and a.args
            )
        return frozenset()

    def _call(self, call: CallSite, bound: dict[str, Operand]) -> _FirstMet:
        callee = self.graph.get(call.target) if call.target else None
        if call.name in self.names or (callee is None and _GUARD_NAME.match(call.name)):
            kind = "self_only" if call.name in SELF_GUARDS else "guard_call"
            return _FirstMet(_Check(kind, call.location, self._call_text(call), call.name))
        if callee is None:
            return _FirstMet(unresolved=(call.name,) if _MAYBE_GUARD.search(call.name) else ())
        passed = ((name, _bound_operand(arg, bound)) for arg, name in arguments(call, callee))
        inner = self.walk(callee.id, frozenset((name, arg) for name, arg in passed if arg.kind in _BINDABLE))
        if inner.check is not None:
            via = f"{self._call_text(call)} -> {inner.check.description}"
            return _FirstMet(_Check(inner.check.kind, inner.check.location, via, inner.check.subject))
        return inner

    def _opaque_component_calls(self, info: FunctionInfo) -> Iterator[CallSite]:
        """``self.roles.only_admin()`` on a component that does not resolve (recorded as a storage
        access) as an unresolved component call."""
        for access in info.facts.storage:
            if access.member in self.opaque and access.methods:
                yield CallSite(access.methods[0], "component", None, access.args, access.location)

    def _call_text(self, call: CallSite) -> str:
        storage = self.storage_of.get(call.component) if call.component else None
        return f"{storage}.{call.name}()" if storage else f"{call.name}()"


def _passed_value(operand: Operand) -> bool:
    """A fixed value other than zero or false (``1``, ``true``, a ``PASSED`` constant)."""
    if operand.kind == "literal":
        return operand.text == "true" or operand.value not in (None, 0)
    return operand.kind == "const" and operand.value != 0


def _voting_writers(graph: CallGraph, contract: Contract, members: frozenset[str], passed: Operand) -> tuple[str, ...]:
    """The entry points of ``contract`` that change ``members`` at a key from their calldata, when each
    is a voting path or checks the caller (empty otherwise, or when none writes them, or when an entry
    point stores the passed value at a key it allocates itself)."""
    found: list[str] = []
    for entry in contract.entry_points:
        if entry.kind not in ("external", "l1_handler"):
            continue
        functions = [info for fid in sorted(graph.reachable(entry.function)) if (info := graph.get(fid)) is not None]
        writes = [(info, a) for info in functions for a in info.facts.storage if a.op == "write" and a.member in members]
        keyed = [a for info, a in writes if a.args and _from_params(info, a.args[0])]
        created = [a for info, a in writes if not (a.args and _from_params(info, a.args[0]))]
        if any(_same_value(a.args[-1], passed) for a in created if a.args):
            return ()
        if not keyed:
            continue
        if _tallies(functions, members) and _caller_enters(functions):
            found.append(f"`{entry.name}` (a vote)")
        elif any(auth_check(a) is not None for info in functions for a in info.facts.assertions):
            found.append(f"`{entry.name}` (caller-checked)")
        else:
            return ()
    return tuple(found)


def _from_params(info: FunctionInfo, key: Operand) -> bool:
    """A storage key that is, or (a tuple key) contains, a parameter of the function."""
    if key.kind == "param":
        return True
    params = {p.name for p in info.params}
    return key.kind == "other" and bool(params & set(re.findall(r"\w+", key.text)))


def _same_value(value: Operand, passed: Operand) -> bool:
    return value.kind == passed.kind and (value.text == passed.text or (value.value is not None and value.value == passed.value))


def _tallies(functions: list[FunctionInfo], members: frozenset[str]) -> bool:
    """One of ``members`` is written at a key at which the path also reads storage (a tally
    accumulated, or a status set from the tally)."""
    reads = {a.args[0].text for info in functions for a in info.facts.storage if a.op == "read" and a.args}
    return any(
        a.args[0].text in reads
        for info in functions
        for a in info.facts.storage
        if a.op == "write" and a.member in members and a.args
    )


def _caller_enters(functions: list[FunctionInfo]) -> bool:
    """The caller's address keys a storage access or is passed to a call or another contract (the
    voter's record, weight or token balance)."""
    for info in functions:
        facts = info.facts
        operands = [o for a in facts.storage for o in a.args] + [o for c in (*facts.calls, *facts.receiver_calls) for o in c.args]
        operands += [o for s in facts.syscalls for o in s.args]
        if any(o.kind == "caller" for o in operands):
            return True
    return False


def _root(operand: Operand) -> str:
    """The variable an operand reads (``key`` for ``key.pub_key``, ``*key``)."""
    return operand.text.lstrip("*@ (").split(".", 1)[0].split("[", 1)[0].strip()


def _pin(info: FunctionInfo, assertion: Assertion, bound: dict[str, Operand]) -> None:
    """After ``assert(key.pub_key == self.stored_key.read().pub_key)``, the parameter ``key`` holds
    the stored value: bind it so that later checks (and helpers it is handed to) read it so."""
    params = {p.name for p in info.params}
    for comparison in assertion.comparisons:
        if comparison.op != "==":
            continue
        for side, other in ((comparison.left, comparison.right), (comparison.right, comparison.left)):
            root = _root(side)
            if other.kind == "storage" and root in params and side.kind in ("param", "other", "call"):
                bound[root] = other


def _authentic_key(signature: SignatureCheck, bound: dict[str, Operand]) -> str | None:
    """The stored value a signature is verified against (None when the key may be the caller's
    choice: a parameter nobody compared with storage)."""
    key = _bound_operand(signature.key, bound)
    if key.kind == "storage":
        return key.name or key.text
    if key.kind in ("const", "literal") or (key.kind == "call" and key.target is not None):
        return key.text
    pinned = bound.get(_root(key))
    return (pinned.name or pinned.text) if pinned is not None and pinned.kind == "storage" else None


def _bound_operand(operand: Operand, bound: dict[str, Operand]) -> Operand:
    """What a parameter operand holds at this call (itself when not bound)."""
    return bound.get(operand.name, operand) if operand.kind == "param" else operand


def _bound_assertion(assertion: Assertion, bound: dict[str, Operand]) -> Assertion:
    """``assertion`` with its bound parameters read as the values passed for them."""

    def read(operand: Operand) -> Operand:
        return _bound_operand(operand, bound)

    return replace(
        assertion,
        comparisons=tuple(replace(c, left=read(c.left), right=read(c.right)) for c in assertion.comparisons),
        operands=tuple(map(read, assertion.operands)),
        tested_args=tuple(map(read, assertion.tested_args)),
    )


def _at(location: Location, rank: int) -> tuple[int, int, int]:
    return location.line, location.column, rank


def _text(assertion: Assertion) -> str:
    return _ASSERT_FORMS.get(assertion.kind, "{}").format(assertion.text)
