"""Facts read from one function body: calls, syscalls, storage reads and writes, environment
reads (caller, timestamp, contract address), assertions with their compared operands, emitted
events. No judgement here: the rules decide what a guard is.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Protocol

from ..findings import Location
from ..records import record
from ..syntax import ast as A
from ..syntax.walk import children
from . import syscalls
from .operators import COMPARISONS, NEGATED
from .syntax_utils import location

SYSCALLS = frozenset(
    {
        syscalls.REPLACE_CLASS,
        syscalls.LIBRARY_CALL,
        syscalls.CALL_CONTRACT,
        syscalls.DEPLOY,
        syscalls.STORAGE_WRITE,
        syscalls.STORAGE_READ,
        syscalls.SEND_MESSAGE_TO_L1,
        syscalls.GET_CLASS_HASH_AT,
    }
)
ENVIRONMENT = {
    "get_caller_address": "caller",
    "get_contract_address": "contract_address",
    "get_block_timestamp": "timestamp",
    "get_block_number": "block_number",
    "get_tx_info": "tx_info",
    "get_execution_info": "execution_info",
    "get_block_info": "block_info",
    syscalls.GET_EXECUTION_INFO: "execution_info",
    syscalls.GET_EXECUTION_INFO_V2: "execution_info",
}
ENVIRONMENT_FIELDS = {
    "caller_address": "caller",
    "contract_address": "contract_address",
    "block_timestamp": "timestamp",
    "block_number": "block_number",
    "account_contract_address": "tx_account",
}
SELF_GUARDS = frozenset({"assert_only_self", "only_self"})  # the caller must be the contract itself
GUARD_FUNCTIONS = frozenset(
    {
        "assert_only_owner",
        "assert_only_role",
        "assert_only_role_or_open_role",
        "assert_only_self",
        "assert_only_governance",
        "assert_one_of_signers",
        "only_owner",
        "only_admin",
        "only_role",
        "only_self",
    }
)
# Calls that verify a signature (true when it is valid): ``check_ecdsa_signature(hash, key, r, s)``,
# ``key.validate_signature(hash, sig)``, an account's ``is_valid_signature(hash, sig)``.
SIGNATURE_CALL = re.compile(
    r"^_?(check_ecdsa_signature|(is_)?valid(ate)?_(\w+_)?signature|verify(_\w+)?_signature|is_valid_(\w+_)?signature"
    r"|check_(\w+_)?signature)$"
)
RAW_STORAGE = {
    syscalls.STORAGE_WRITE: "write",
    syscalls.STORAGE_READ: "read",
    "Store::write": "write",
    "Store::read": "read",
    "read_at_offset": "read",
    "write_at_offset": "write",
}
STORAGE_WRITES = frozenset({"write", "push", "append", "pop", "allocate"})
ASSERT_MACROS = {
    "assert_eq": "==",
    "assert_ne": "!=",
    "assert_lt": "<",
    "assert_le": "<=",
    "assert_gt": ">",
    "assert_ge": ">=",
}
PANICS = frozenset({"panic", "panic_with_felt252", "panic_with_byte_array", "panic_with_const_felt252"})
_TRANSPARENT_METHODS = frozenset({"into", "try_into", "unwrap", "expect", "unbox", "clone", "deref", "unwrap_syscall"})
_MAX_LOCAL_DEPTH = 8
_PRUNED = (A.Path,)


@record
class Operand:
    """A value classified by where it comes from: one side of a comparison, an argument, or a
    source the audit's data flow finds a value computed from (the one value-origin model).

    kind: 'caller', 'contract_address', 'timestamp', 'block_number', 'tx_account' (environment
    reads); 'storage' (``name`` = member read); 'param' (``name``); 'literal' (``value``); 'const'
    (``name``, ``value`` when it is a literal); 'call' (``name`` = callee, ``target`` = resolved
    function id); 'local' (an unclassified local); 'other'.
    """

    kind: str
    text: str
    name: str = ""
    value: int | None = None
    target: str | None = None


@record
class Comparison:
    op: str
    left: Operand
    right: Operand

    def involves(self, kind: str) -> bool:
        return self.left.kind == kind or self.right.kind == kind

    def other(self, kind: str) -> Operand | None:
        """The operand opposite the one of ``kind`` (None if neither side is of that kind)."""
        if self.left.kind == kind:
            return self.right
        if self.right.kind == kind:
            return self.left
        return None


@record
class Assertion:
    """A check that aborts the call: ``assert(...)``, ``assert!``/``assert_eq!``..., or an ``if``
    whose body panics (kind 'if_panic'; its comparisons are negated into what must hold).
    ``operands`` are every classified leaf of the condition, calls' arguments included.
    ``tested_args`` are the arguments (tuple keys flattened) of the calls and storage reads in the
    conjuncts that must be true and are not comparisons: ``self.is_signer.read(caller)``,
    ``self.has_role(ROLE, caller)``, ``!self.is_admin(caller)`` in an ``if .. { panic }``.
    ``alternatives`` are the boolean calls of a condition that holds when one of them is true and
    only then (``self.is_owner() || self.is_operator()``, ``if !a() && !b() { panic }``)."""

    kind: str
    text: str
    comparisons: tuple[Comparison, ...]
    operands: tuple[Operand, ...]
    location: Location
    tested_args: tuple[Operand, ...] = ()
    tested_calls: tuple[Operand, ...] = ()
    signatures: tuple[SignatureCheck, ...] = ()
    alternatives: tuple[Operand, ...] = ()


@record
class SignatureCheck:
    """A signature verification an assertion requires to succeed: ``key`` is the public key or
    signer it is checked against (``check_ecdsa_signature``'s second argument, the receiver of
    ``key.validate_signature(..)``; kind 'storage' with an empty name for the contract's own
    ``self.is_valid_signature(..)``); ``message`` the classified leaves of the signed hash (through
    locals and the arguments of the calls that compute it)."""

    name: str
    key: Operand
    message: tuple[Operand, ...]
    location: Location


@record
class StorageAccess:
    """``self.member...read()/write()``; ``path`` adds nested node members (``a.b``); ``args``
    are the arguments of the chain's method calls in order (``write(k, v)`` and
    ``entry(k).write(v)`` both give (k, v)); ``values`` are the classified leaves of the value a
    write stores (``timestamp`` and ``const DELAY`` for ``write(get_block_timestamp() + DELAY)``);
    ``methods`` the names of the chain's method calls in order (on the storage of a component that
    does not resolve, ``self.roles.only_admin()`` is such an access). ``copied`` (writes only)
    names the members whose storage reads the written value carries unchanged, through ``let``
    bindings, struct literal fields, tuples, snapshots and conversions (``backup`` in
    ``let backup = Backup { fee: self.fee.read() }; self.fee_backup.write(backup)`` gives
    ``fee``); arithmetic and calls other than conversions are not followed."""

    member: str
    op: str
    path: tuple[str, ...]
    location: Location
    args: tuple[Operand, ...] = ()
    values: tuple[Operand, ...] = ()
    methods: tuple[str, ...] = ()
    copied: tuple[str, ...] = ()


@record
class CallSite:
    """A call. kind: 'function' (path call), 'method' (``self.m()``), 'component'
    (``self.comp.m()`` / ``get_dep_component!``), 'trait' (``Trait::m(...)``).
    ``target`` is the resolved function id, None when it does not resolve in the analysed code."""

    name: str
    kind: str
    target: str | None
    args: tuple[Operand, ...]
    location: Location
    component: str | None = None


@record
class SyscallUse:
    """A syscall, direct or through a (library) dispatcher (``via`` 'dispatcher', with the
    called ``entry_point`` and the ``dispatcher`` type, e.g. ``IERC20LibraryDispatcher``);
    ``args`` are the classified arguments (class hash first for library calls and
    ``replace_class``; for a dispatcher, its class hash or address)."""

    name: str
    args: tuple[Operand, ...]
    location: Location
    via: str = "direct"
    entry_point: str | None = None
    dispatcher: str | None = None


@record
class EnvironmentRead:
    name: str
    location: Location


@record
class FunctionFacts:
    """``receiver_calls`` are method calls on another receiver than ``self``'s storage, components
    and dispatchers: a contract state (``self.get_contract().require_owner()``) or a local or
    parameter (``this.require_owner()``), kind 'receiver'; ``target`` is resolved through the trait
    bounds of the enclosing impl (``+Ownable<TContractState>``) or, on a state derived from ``self``,
    among the module's methods; else None. They are not call-graph edges. ``aborts`` are the
    statements of the body itself (not nested in a branch) that always panic. ``raw_storage`` are
    accesses by address rather than through ``self``: ``storage_write_syscall`` / ``Store::write``
    (and the reads) at an address built from ``selector!("name")``, ``member`` being that name (the
    key of the member whose slot it is). ``computed_storage`` are raw accesses at an address a
    function computes (``member`` is that function's name: one family of slots). ``returns`` are the
    function's tail and ``return`` values read as conditions (kind 'returns'). ``early_returns`` are
    the conditions of ``if cond { return; }`` (a branch that only returns, at any depth) read as
    holding when the function returns there (kind 'if_return'). ``statement_calls`` are the
    locations of the calls that are whole statements of the body itself (``self.fail();``, a tail
    call): a call to a function that always panics stops every path only there."""

    calls: tuple[CallSite, ...] = ()
    syscalls: tuple[SyscallUse, ...] = ()
    storage: tuple[StorageAccess, ...] = ()
    environment: tuple[EnvironmentRead, ...] = ()
    assertions: tuple[Assertion, ...] = ()
    emits: tuple[str, ...] = ()
    receiver_calls: tuple[CallSite, ...] = ()
    aborts: tuple[Location, ...] = ()
    raw_storage: tuple[StorageAccess, ...] = ()
    returns: tuple[Assertion, ...] = ()
    computed_storage: tuple[StorageAccess, ...] = ()
    early_returns: tuple[Assertion, ...] = ()
    statement_calls: tuple[Location, ...] = ()

    @property
    def reads(self) -> frozenset[str]:
        return frozenset(a.member for a in self.storage if a.op == "read")

    @property
    def writes(self) -> frozenset[str]:
        return frozenset(a.member for a in self.storage if a.op == "write")

    @property
    def guard_calls(self) -> tuple[CallSite, ...]:
        """Calls to functions named like the known guards (``assert_only_owner``...)."""
        return tuple(c for c in self.calls if c.name in GUARD_FUNCTIONS)

    @property
    def caller_checks(self) -> tuple[Comparison, ...]:
        """Asserted comparisons with the caller on one side."""
        return tuple(c for a in self.assertions for c in a.comparisons if c.involves("caller"))


class Linker(Protocol):
    """Resolves what a call in a function names (implemented by the call-graph builder)."""

    def path_call(self, segments: tuple[str, ...]) -> tuple[str | None, str]: ...

    def self_method(self, name: str) -> str | None: ...

    def component_of_storage(self, member: str) -> str | None: ...

    def component_method(self, component: str, name: str) -> str | None: ...

    def dependency(self, impl_name: str) -> str | None: ...

    def constant(self, segments: tuple[str, ...]) -> int | None: ...

    def bound_method(self, name: str) -> str | None: ...


class FunctionAnalyzer:
    """Walks one function body and collects its facts."""

    def __init__(self, function: A.Function, path: str, text: bytes, linker: Linker) -> None:
        self.function = function
        self.path = path
        self.text = text
        self.linker = linker
        self.params = {p.name for p in function.params}
        self.locals: dict[str, A.Expr] = {}
        self.calls: list[CallSite] = []
        self.syscalls: list[SyscallUse] = []
        self.storage: list[StorageAccess] = []
        self.environment: list[EnvironmentRead] = []
        self.assertions: list[Assertion] = []
        self.emits: list[str] = []
        self.receiver_calls: list[CallSite] = []
        self.raw_storage: list[StorageAccess] = []
        self.computed_storage: list[StorageAccess] = []
        self.bindings: list[tuple[int, str, A.Expr]] = []
        self.early_returns: list[Assertion] = []

    def analyze(self) -> FunctionFacts:
        statements = self.function.body.statements if self.function.body else ()
        if self.function.body is not None:
            self._collect_locals(self.function.body)
            self._visit(self.function.body)
        return FunctionFacts(
            tuple(self.calls),
            tuple(self.syscalls),
            tuple(self.storage),
            tuple(self.environment),
            tuple(self.assertions),
            tuple(self.emits),
            receiver_calls=tuple(self.receiver_calls),
            raw_storage=tuple(self.raw_storage),
            returns=tuple(self._returns()),
            computed_storage=tuple(self.computed_storage),
            aborts=tuple(self._loc(s.span) for s in statements if _panic_statement(s)),
            early_returns=tuple(self.early_returns),
            statement_calls=tuple(
                self._loc(s.expr.span)
                for s in statements
                if isinstance(s, A.ExprStatement) and isinstance(s.expr, (A.Call, A.MethodCall))
            ),
        )

    def _returns(self) -> Iterator[Assertion]:
        """What a function returns, read as a condition (kind 'returns'): its tail expression and
        each ``return`` value (``get_caller_address() == self.owner.read()`` in ``is_caller_owner``)."""
        body = self.function.body
        if body is None:
            return
        values = [n.value for n in _descendants(body) if isinstance(n, A.Return) and n.value is not None]
        tail = body.statements[-1] if body.statements else None
        if isinstance(tail, A.ExprStatement) and not tail.semicolon:
            values.append(tail.expr)
        for value in values:
            if isinstance(strip_wrappers(value), (A.Binary, A.Unary, A.MethodCall, A.Call, A.PathExpr)):
                yield self.condition("returns", value, value.span)

    # ------------------------------------------------------------ walking

    def _collect_locals(self, node: object) -> None:
        for child in _descendants(node):
            if isinstance(child, A.Let) and isinstance(child.pattern, A.IdentPattern) and child.value is not None:
                self.locals[child.pattern.name] = child.value
                self.bindings.append((child.span.start, child.pattern.name, child.value))

    def _visit(self, node: object) -> None:
        if isinstance(node, (A.MethodCall, A.FieldAccess)):
            self._chain(node)
            return
        if isinstance(node, A.Call):
            self._call(node)
        elif isinstance(node, A.MacroCall):
            self._macro(node)
        elif isinstance(node, A.If):
            self._if(node)
        for child in _children(node):
            self._visit(child)

    def _loc(self, span: A.Span) -> Location:
        return location(self.path, span)

    def _text(self, span: A.Span) -> str:
        return " ".join(self.text[span.start : span.end].decode("utf-8", "replace").split())[:200]

    # ------------------------------------------------------------ calls

    def _call(self, node: A.Call) -> None:
        if not isinstance(node.function, A.PathExpr):
            return
        segments = tuple(s.name for s in node.function.path.segments)
        name = segments[-1]
        target, kind = self.linker.path_call(segments)
        args = tuple(self.operand(a.value) for a in node.args)
        self._raw_storage(node, segments, args)
        if target is None and name in SYSCALLS:
            self.syscalls.append(SyscallUse(name, args, self._loc(node.span)))
        elif target is None and name in ENVIRONMENT:
            self.environment.append(EnvironmentRead(ENVIRONMENT[name], self._loc(node.span)))
        elif target is None and name == "assert" and node.args:
            self._assertion("assert", node.args[0].value, node.span)
        elif target is None and (name in PANICS or name[:1].isupper() or kind == "variant"):
            return
        else:
            self.calls.append(CallSite(name, kind, target, args, self._loc(node.span)))

    def _raw_storage(self, node: A.Call, segments: tuple[str, ...], args: tuple[Operand, ...]) -> None:
        """``storage_write_syscall(domain, address, value)`` or ``Store::write(domain, base, value)``
        (and reads) whose address derives from ``selector!("name")``."""
        op = RAW_STORAGE.get(segments[-1]) or RAW_STORAGE.get("::".join(segments[-2:]))
        if op is None or len(node.args) < 2:
            return
        member = self._selector_in(node.args[1].value, node.span.start, 0)
        if member is not None:
            self.raw_storage.append(StorageAccess(member, op, (), self._loc(node.span), args[2:]))
        else:
            computed = self._address_function(node.args[1].value, node.span.start)
            if computed is not None:
                self.computed_storage.append(StorageAccess(computed, op, (), self._loc(node.span), args[2:]))

    def _address_function(self, expr: A.Expr, before: int) -> str | None:
        """The function computing a raw storage address (``let address = base_address(kind);
        Store::read_at_offset(0, address, i)``), through locals bound before ``before``."""
        for _ in range(_MAX_LOCAL_DEPTH):
            expr = strip_wrappers(expr)
            if isinstance(expr, A.PathExpr) and len(expr.path.segments) == 1:
                bound = self._binding(expr.path.text, before)
                if bound is None:
                    return None
                before, expr = bound
            elif isinstance(expr, A.Call) and isinstance(expr.function, A.PathExpr):
                return expr.function.path.last.name
            else:
                return None
        return None

    def _selector_in(self, expr: A.Expr, before: int, depth: int) -> str | None:
        """The name in a ``selector!("name")`` the expression is built from, through the locals
        bound before offset ``before``."""
        for child in _descendants(expr):
            if isinstance(child, A.MacroCall) and child.path.text == "selector" and child.args:
                value = child.args[0].value
                if isinstance(value, A.Literal) and isinstance(value.value, str):
                    return value.value
            if isinstance(child, A.PathExpr) and len(child.path.segments) == 1 and depth < _MAX_LOCAL_DEPTH:
                bound = self._binding(child.path.text, before)
                found = self._selector_in(bound[1], bound[0], depth + 1) if bound is not None else None
                if found is not None:
                    return found
        return None

    def _binding(self, name: str, before: int) -> tuple[int, A.Expr] | None:
        """The value of the last ``let name = ...`` before offset ``before``."""
        earlier = [(at, value) for at, bound, value in self.bindings if bound == name and at < before]
        return max(earlier, key=lambda b: b[0], default=None)

    def _macro(self, node: A.MacroCall) -> None:
        name = node.path.text
        args = node.args or ()
        if name == "assert" and args:
            self._assertion("assert_macro", args[0].value, node.span)
        elif name in ASSERT_MACROS and len(args) >= 2:
            comparison = Comparison(ASSERT_MACROS[name], self.operand(args[0].value), self.operand(args[1].value))
            operands = (comparison.left, comparison.right)
            self.assertions.append(Assertion(name, self._text(node.span), (comparison,), operands, self._loc(node.span)))

    def _if(self, node: A.If) -> None:
        if len(node.conditions) != 1 or isinstance(node.conditions[0], A.LetCondition):
            return
        condition = node.conditions[0]
        if node.otherwise is None and _only_returns(node.then):
            self.early_returns.append(self.condition("if_return", condition, node.span))
        if not _panics(node.then):
            return
        comparisons = tuple(_negate(c) for c in self.comparisons(condition, negate_ors=True))
        operands = tuple(self._leaves(condition))
        tested = tuple(self._tested_args(condition, must_hold=False))
        required = list(self._required_calls(condition, must_hold=False))
        self.assertions.append(
            Assertion(
                "if_panic", self._text(condition.span), comparisons, operands, self._loc(node.span), tested,
                tuple(self.operand(c) for c in required), tuple(self._signatures(required)),
                self._alternatives(condition, must_hold=False),
            )
        )  # fmt: skip

    def _assertion(self, kind: str, condition: A.Expr, span: A.Span) -> None:
        self.assertions.append(self.condition(kind, condition, span))

    def condition(self, kind: str, condition: A.Expr, span: A.Span) -> Assertion:
        """``condition`` read as an assertion that it holds."""
        comparisons = tuple(self.comparisons(condition))
        operands = tuple(self._leaves(condition))
        tested = tuple(self._tested_args(condition))
        required = list(self._required_calls(condition))
        return Assertion(
            kind, self._text(condition.span), comparisons, operands, self._loc(span), tested,
            tuple(self.operand(c) for c in required), tuple(self._signatures(required)),
            self._alternatives(condition),
        )  # fmt: skip

    def _alternatives(self, expr: A.Expr, must_hold: bool = True) -> tuple[Operand, ...]:
        """The boolean calls of which one must be true for ``expr`` to be ``must_hold`` (two or
        more; empty when a disjunct is not such a call)."""
        calls = _disjunct_calls(expr, must_hold)
        return tuple(self.operand(c) for c in calls) if calls and len(calls) > 1 else ()

    def _required_calls(self, expr: A.Expr, must_hold: bool = True, depth: int = 0) -> Iterator[A.Expr]:
        """The boolean calls ``expr`` needs to be true for ``expr`` to be ``must_hold``: conjuncts
        (disjuncts of a negated condition), ``!``, ``call == true`` / ``call == false``, through
        locals (``let valid = check(..); assert(valid, ..)``)."""
        expr = strip_wrappers(expr)
        if depth > _MAX_LOCAL_DEPTH:
            return
        if isinstance(expr, A.Binary) and expr.op == ("&&" if must_hold else "||"):
            yield from self._required_calls(expr.left, must_hold, depth + 1)
            yield from self._required_calls(expr.right, must_hold, depth + 1)
        elif isinstance(expr, A.Unary) and expr.op == "!":
            yield from self._required_calls(expr.operand, not must_hold, depth + 1)
        elif isinstance(expr, A.Binary) and expr.op in ("==", "!="):
            for side, other in ((expr.left, expr.right), (expr.right, expr.left)):
                other = strip_wrappers(other)
                if isinstance(other, A.Literal) and isinstance(other.value, bool):
                    holds = other.value if expr.op == "==" else not other.value
                    yield from self._required_calls(side, must_hold == holds, depth + 1)
                elif isinstance(other, A.PathExpr) and other.path.last.name == "VALIDATED":  # SRC6
                    yield from self._required_calls(side, must_hold == (expr.op == "=="), depth + 1)
        elif isinstance(expr, A.PathExpr) and len(expr.path.segments) == 1 and expr.path.text in self.locals:
            yield from self._required_calls(self.locals[expr.path.text], must_hold, depth + 1)
        elif must_hold and isinstance(expr, (A.Call, A.MethodCall)):
            yield expr

    def _signatures(self, calls: list[A.Expr]) -> Iterator[SignatureCheck]:
        for call in calls:
            if isinstance(call, A.Call) and isinstance(call.function, A.PathExpr):
                name = call.function.path.last.name
                args = [a.value for a in call.args]
                if not SIGNATURE_CALL.match(name) or not args:
                    continue
                key = (
                    self.operand(args[1])
                    if name == "check_ecdsa_signature" and len(args) > 1
                    else Operand("other", self._text(call.span))
                )
            elif isinstance(call, A.MethodCall) and SIGNATURE_CALL.match(call.name) and call.args:
                args = [a.value for a in call.args]
                root, steps = unwind(call.receiver)
                if is_self(call.receiver) or (is_self(root) and steps and self.linker.component_of_storage(steps[0].name)):
                    key = Operand("storage", self._text(call.receiver.span))
                else:
                    key = self.operand(call.receiver)
            else:
                continue
            name = name if isinstance(call, A.Call) else call.name
            yield SignatureCheck(name, key, tuple(self._mentions(args[0])), self._loc(call.span))

    def _mentions(self, expr: A.Expr, depth: int = 0) -> Iterator[Operand]:
        """Every name ``expr`` is computed from, through locals: parameters, storage reads,
        constants; ``transaction_hash`` fields as kind 'tx_hash'."""
        for node in _descendants(expr):
            if isinstance(node, A.FieldAccess) and node.name == "transaction_hash":
                yield Operand("tx_hash", self._text(node.span), name=node.name)
            elif isinstance(node, A.PathExpr) and len(node.path.segments) == 1:
                name = node.path.text
                if name in self.locals and depth < _MAX_LOCAL_DEPTH:
                    yield from self._mentions(self.locals[name], depth + 1)
                elif name in self.params:
                    yield Operand("param", name, name=name)
            elif isinstance(node, (A.MethodCall, A.FieldAccess)) and is_self(unwind(node)[0]):
                yield self.operand(node)

    def _tested_args(self, expr: A.Expr, must_hold: bool = True) -> Iterator[Operand]:
        """Arguments of the boolean calls/reads that ``expr`` needs to be ``must_hold``."""
        expr = strip_wrappers(expr)
        if isinstance(expr, A.Binary) and expr.op in ("&&", "||"):
            yield from self._tested_args(expr.left, must_hold)
            yield from self._tested_args(expr.right, must_hold)
        elif isinstance(expr, A.Unary) and expr.op == "!":
            yield from self._tested_args(expr.operand, not must_hold)
        elif must_hold and isinstance(expr, (A.Call, A.MethodCall, A.FieldAccess)):
            for node in _descendants(expr):
                for arg in node.args if isinstance(node, (A.Call, A.MethodCall)) else ():
                    value = strip_wrappers(arg.value)
                    elements = value.elements if isinstance(value, A.TupleExpr) else (value,)
                    yield from (self.operand(e) for e in elements)

    def _chain(self, node: A.MethodCall | A.FieldAccess) -> None:
        root, steps = unwind(node)
        for step in steps:
            for arg in step.args if isinstance(step, A.MethodCall) else ():
                self._visit(arg.value)
        if is_self(root) and steps:
            self._self_chain(node, steps)
            return
        if isinstance(root, (A.PathExpr, A.MacroCall, A.StructLiteral)) and steps and isinstance(steps[0], A.MethodCall):
            self._receiver_call(root, steps[0])
        if not isinstance(root, A.PathExpr):
            self._visit(root)
        elif root.path.text in ENVIRONMENT:
            return

    def _self_chain(self, node: A.Expr, steps: list[A.MethodCall | A.FieldAccess]) -> None:
        first = steps[0]
        if isinstance(first, A.MethodCall):
            if first.name == "emit":
                self.emits.extend(_event_name(a.value) for a in first.args)
                return
            args = tuple(self.operand(a.value) for a in first.args)
            self.calls.append(CallSite(first.name, "method", self.linker.self_method(first.name), args, self._loc(first.span)))
            for step in steps[1:]:
                if isinstance(step, A.MethodCall):
                    self._on_receiver(step, state=True)
            return
        component = self.linker.component_of_storage(first.name)
        if component is not None and len(steps) > 1 and isinstance(steps[1], A.MethodCall):
            call = steps[1]
            args = tuple(self.operand(a.value) for a in call.args)
            target = self.linker.component_method(component, call.name)
            self.calls.append(CallSite(call.name, "component", target, args, self._loc(call.span), component))
            return
        fields = tuple(s.name for s in steps if isinstance(s, A.FieldAccess))
        methods = {s.name for s in steps if isinstance(s, A.MethodCall)}
        op = "write" if methods & STORAGE_WRITES else "read"
        args = tuple(self.operand(a.value) for s in steps if isinstance(s, A.MethodCall) for a in s.args)
        written = [s.args[-1].value for s in steps if isinstance(s, A.MethodCall) and s.name == "write" and s.args]
        values = tuple(self._leaves(written[-1])) if written else ()
        names = tuple(s.name for s in steps if isinstance(s, A.MethodCall))
        copied = tuple(sorted(set(self._copied(written[-1])))) if written and op == "write" else ()
        self.storage.append(StorageAccess(first.name, op, fields, self._loc(node.span), args, values, names, copied))

    def _copied(self, expr: A.Expr, depth: int = 0, field: str | None = None) -> Iterator[str]:
        """Members whose storage reads ``expr`` carries unchanged (see ``StorageAccess.copied``);
        ``field`` selects one field when ``expr`` is a struct literal (``backup.fee``)."""
        expr = strip_wrappers(expr)
        if depth > _MAX_LOCAL_DEPTH:
            return
        if isinstance(expr, A.PathExpr) and len(expr.path.segments) == 1:
            bound = self.locals.get(expr.path.text)
            if bound is not None:
                yield from self._copied(bound, depth + 1, field)
        elif isinstance(expr, A.StructLiteral):
            for f in expr.fields:
                if field is not None and f.name != field:
                    continue
                value = f.value or A.PathExpr(A.Path((A.PathSegment(f.name, None, f.span),), f.span), f.span)
                yield from self._copied(value, depth + 1)
            if expr.base is not None and (field is None or all(f.name != field for f in expr.fields)):
                yield from self._copied(expr.base, depth + 1, field)
        elif isinstance(expr, A.FieldAccess) and not is_self(unwind(expr)[0]):
            yield from self._copied(expr.receiver, depth + 1, expr.name)
        elif isinstance(expr, (A.MethodCall, A.FieldAccess)):
            root, steps = unwind(expr)
            if is_self(root) and steps and isinstance(steps[0], A.FieldAccess):
                methods = {s.name for s in steps if isinstance(s, A.MethodCall)}
                if "read" in methods and not methods & STORAGE_WRITES:
                    yield steps[0].name
        elif isinstance(expr, A.TupleExpr):
            for element in expr.elements:
                yield from self._copied(element, depth + 1)

    def _receiver_call(self, root: A.Expr, call: A.MethodCall) -> None:
        """``local.m()`` on a dependency component or a (library) dispatcher."""
        value = self._local_value(root)
        args = tuple(self.operand(a.value) for a in call.args)
        if isinstance(value, A.MacroCall) and value.path.text.startswith("get_dep_component") and value.args:
            impl_name = value.args[-1].value
            component = self.linker.dependency(impl_name.path.text) if isinstance(impl_name, A.PathExpr) else None
            target = self.linker.component_method(component, call.name) if component else None
            self.calls.append(CallSite(call.name, "component", target, args, self._loc(call.span), component))
        elif isinstance(value, A.StructLiteral) and value.path.last.name.endswith("Dispatcher"):
            library = value.path.last.name.endswith("LibraryDispatcher")
            field = "class_hash" if library else "contract_address"
            address = next(
                (
                    f.value or A.PathExpr(A.Path((A.PathSegment(f.name, None, f.span),), f.span), f.span)
                    for f in value.fields
                    if f.name == field
                ),
                None,
            )
            operands = (self.operand(address),) if address is not None else ()
            name = syscalls.LIBRARY_CALL if library else syscalls.CALL_CONTRACT
            self.syscalls.append(
                SyscallUse(name, operands + args, self._loc(call.span), "dispatcher", call.name, value.path.last.name)
            )
        elif isinstance(root, A.PathExpr) and len(root.path.segments) == 1:
            self._on_receiver(call, state=is_self(unwind(value)[0]))

    def _on_receiver(self, call: A.MethodCall, state: bool) -> None:
        """A receiver call; on a contract/component state (derived from ``self``) the module's own
        methods are candidates too."""
        args = tuple(self.operand(a.value) for a in call.args)
        target = self.linker.bound_method(call.name) or (self.linker.self_method(call.name) if state else None)
        self.receiver_calls.append(CallSite(call.name, "receiver", target, args, self._loc(call.span)))

    def _local_value(self, expr: A.Expr) -> A.Expr:
        for _ in range(_MAX_LOCAL_DEPTH):
            if isinstance(expr, A.PathExpr) and len(expr.path.segments) == 1 and expr.path.text in self.locals:
                expr = self.locals[expr.path.text]
            else:
                break
        return expr

    # ------------------------------------------------------------ conditions and operands

    def comparisons(self, expr: A.Expr, negate_ors: bool = False) -> Iterator[Comparison]:
        expr = strip_wrappers(expr)
        if isinstance(expr, A.Binary) and expr.op in ("&&", "||"):
            yield from self.comparisons(expr.left, negate_ors)
            yield from self.comparisons(expr.right, negate_ors)
        elif isinstance(expr, A.Binary) and expr.op in COMPARISONS:
            yield Comparison(expr.op, self.operand(expr.left), self.operand(expr.right))
        elif isinstance(expr, A.Unary) and expr.op == "!":
            inner = strip_wrappers(expr.operand)
            if isinstance(inner, A.MethodCall) and inner.name in ("is_zero", "is_non_zero"):
                op = "!=" if inner.name == "is_zero" else "=="
                yield Comparison(op, self.operand(inner.receiver), Operand("literal", "0", value=0))
        elif isinstance(expr, A.MethodCall) and expr.name in ("is_zero", "is_non_zero"):
            op = "==" if expr.name == "is_zero" else "!="
            yield Comparison(op, self.operand(expr.receiver), Operand("literal", "0", value=0))

    def _leaves(self, expr: A.Expr, depth: int = 0) -> Iterator[Operand]:
        """The operands ``expr`` combines, looking through calls into their arguments (``depth``
        calls deep at most: ``let x = f(x);`` would otherwise be followed forever)."""
        expr = strip_wrappers(expr)
        if isinstance(expr, A.Binary):
            yield from self._leaves(expr.left, depth)
            yield from self._leaves(expr.right, depth)
        elif isinstance(expr, A.Unary):
            yield from self._leaves(expr.operand, depth)
        else:
            operand = self.operand(expr)
            yield operand
            if operand.kind == "call" and depth < _MAX_LOCAL_DEPTH:
                for arg in _call_args(strip_wrappers(self._local_value(expr))):
                    yield from self._leaves(arg, depth + 1)

    def operand(self, expr: A.Expr, depth: int = 0) -> Operand:
        """Classify an expression used as a value."""
        expr = strip_wrappers(expr)
        text = self._text(expr.span)
        if isinstance(expr, A.Literal):
            value = expr.value if isinstance(expr.value, int) and not isinstance(expr.value, bool) else None
            return Operand("literal", text, value=value)
        if isinstance(expr, A.PathExpr):
            return self._path_operand(expr, text, depth)
        if isinstance(expr, A.Call) and isinstance(expr.function, A.PathExpr):
            segments = tuple(s.name for s in expr.function.path.segments)
            if segments[-1] in ENVIRONMENT and segments[-1] not in (
                "get_execution_info",
                "get_tx_info",
                "get_block_info",
            ):
                return Operand(ENVIRONMENT[segments[-1]], text, name=segments[-1])
            if segments[-1] in ("zero", "contract_address_const", "class_hash_const") and not expr.args:
                return Operand("literal", text, value=0 if segments[-1] == "zero" else None)
            target, _ = self.linker.path_call(segments)
            return Operand("call", text, name=segments[-1], target=target)
        if (
            isinstance(expr, A.FieldAccess)
            and expr.name in ENVIRONMENT_FIELDS
            and (_reads_environment(expr.receiver) or self._local_environment(expr.receiver))
        ):
            return Operand(ENVIRONMENT_FIELDS[expr.name], text, name=expr.name)
        if isinstance(expr, (A.MethodCall, A.FieldAccess)):
            return self._chain_operand(expr, text)
        return Operand("other", text)

    def _local_environment(self, expr: A.Expr) -> bool:
        """A local bound to an environment read (``let info = get_execution_info_v2_syscall()
        .unwrap_syscall().unbox(); info.caller_address``)."""
        root, _ = unwind(expr)
        value = self._local_value(root)
        return value is not root and _reads_environment(value)

    def _path_operand(self, expr: A.PathExpr, text: str, depth: int) -> Operand:
        segments = tuple(s.name for s in expr.path.segments)
        if len(segments) == 1 and segments[0] in self.locals and depth < _MAX_LOCAL_DEPTH:
            inner = self.operand(self.locals[segments[0]], depth + 1)
            return inner if inner.kind != "other" else Operand("local", text, name=segments[0])
        if len(segments) == 1 and segments[0] in self.params:
            return Operand("param", text, name=segments[0])
        value = self.linker.constant(segments)
        if value is not None or segments[-1].isupper():
            return Operand("const", text, name=segments[-1], value=value)
        return Operand("other", text, name=segments[-1])

    def _chain_operand(self, expr: A.MethodCall | A.FieldAccess, text: str) -> Operand:
        root, steps = unwind(expr)
        if is_self(root) and steps:
            first = steps[0]
            if isinstance(first, A.FieldAccess):
                component = self.linker.component_of_storage(first.name)
                if component is not None and len(steps) > 1 and isinstance(steps[1], A.MethodCall):
                    target = self.linker.component_method(component, steps[1].name)
                    return Operand("call", text, name=steps[1].name, target=target)
                return Operand("storage", text, name=first.name)
            return Operand("call", text, name=first.name, target=self.linker.self_method(first.name))
        value = self._local_value(root)
        if isinstance(value, A.MacroCall) and value.path.text.startswith("get_dep_component") and steps:
            impl_name = value.args[-1].value if value.args else None
            component = self.linker.dependency(impl_name.path.text) if isinstance(impl_name, A.PathExpr) else None
            name = steps[0].name
            return Operand(
                "call",
                text,
                name=name,
                target=self.linker.component_method(component, name) if component else None,
            )
        if isinstance(expr, A.MethodCall):
            return Operand("call", text, name=expr.name)
        return Operand("other", text, name=expr.name)


# ---------------------------------------------------------------- tree helpers


def _children(node: object) -> Iterator[object]:
    """Child nodes, not descending into paths (their generic arguments are types, not values)."""
    return children(node, _PRUNED)


def _descendants(node: object) -> Iterator[object]:
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(_children(current))


def unwind(node: A.Expr) -> tuple[A.Expr, list[A.MethodCall | A.FieldAccess]]:
    """``a.b.c()`` -> (a, [b, c()]) with transparent conversions (``into``...) skipped."""
    steps: list[A.MethodCall | A.FieldAccess] = []
    current: A.Expr = node
    while True:
        current = strip_wrappers(current)
        if isinstance(current, (A.MethodCall, A.FieldAccess)):
            if not (isinstance(current, A.MethodCall) and current.name in _TRANSPARENT_METHODS and steps == []):
                steps.append(current)
            current = current.receiver
        else:
            break
    steps.reverse()
    return current, steps


def strip_wrappers(expr: A.Expr) -> A.Expr:
    """Drop parentheses, snapshots/desnaps and value conversions around an expression."""
    while type(expr) in _WRAPPERS:  # most expressions are none: one set lookup
        if isinstance(expr, A.Paren):
            expr = expr.inner
        elif isinstance(expr, A.Unary) and expr.op in ("@", "*", "&"):
            expr = expr.operand
        elif isinstance(expr, A.Try):
            expr = expr.inner
        elif isinstance(expr, A.MethodCall) and expr.name in _TRANSPARENT_METHODS and not is_self(expr.receiver):
            expr = expr.receiver
        else:
            return expr
    return expr


_WRAPPERS = frozenset({A.Paren, A.Unary, A.Try, A.MethodCall})


def is_self(expr: A.Expr) -> bool:
    expr = strip_wrappers(expr)
    return isinstance(expr, A.PathExpr) and expr.path.text == "self"


def _reads_environment(expr: A.Expr) -> bool:
    root, _ = unwind(expr)
    return isinstance(root, A.Call) and isinstance(root.function, A.PathExpr) and root.function.path.last.name in ENVIRONMENT


def _call_args(expr: A.Expr) -> tuple[A.Expr, ...]:
    if isinstance(expr, A.Call):
        return tuple(a.value for a in expr.args)
    if isinstance(expr, A.MethodCall):
        return tuple(a.value for a in expr.args)
    return ()


def _disjunct_calls(expr: A.Expr, must_hold: bool, depth: int = 0) -> list[A.Expr] | None:
    """The calls of which one must be true for ``expr`` to be ``must_hold`` (``a() || b()``, or
    ``!a() && !b()`` being false), or None when some way of being ``must_hold`` is not a call."""
    expr = strip_wrappers(expr)
    if depth > _MAX_LOCAL_DEPTH:
        return None
    if isinstance(expr, A.Unary) and expr.op == "!":
        return _disjunct_calls(expr.operand, not must_hold, depth + 1)
    if isinstance(expr, A.Binary) and expr.op == ("||" if must_hold else "&&"):
        left, right = _disjunct_calls(expr.left, must_hold, depth + 1), _disjunct_calls(expr.right, must_hold, depth + 1)
        return left + right if left is not None and right is not None else None
    if must_hold and isinstance(expr, (A.Call, A.MethodCall)):
        return [expr]
    return None


def _only_returns(block: A.Block) -> bool:
    """A branch whose only statement is ``return`` (with or without a value)."""
    if len(block.statements) != 1:
        return False
    statement = block.statements[0]
    return isinstance(statement, A.ExprStatement) and isinstance(statement.expr, A.Return)


def _panics(block: A.Block) -> bool:
    return any(_panic_statement(statement) for statement in block.statements)


def _panic_statement(statement: A.Statement) -> bool:
    """``panic!(..)``, ``panic_with_felt252(..)`` and friends, ``assert(false, ..)``."""
    expr = statement.expr if isinstance(statement, A.ExprStatement) else None
    if isinstance(expr, A.MacroCall) and expr.path.text == "panic":
        return True
    if isinstance(expr, A.Call) and isinstance(expr.function, A.PathExpr):
        if expr.function.path.last.name in PANICS:
            return True
        if expr.function.path.text == "assert":
            first = expr.args[0].value if expr.args else None
            return isinstance(first, A.Literal) and first.value is False
    return False


def _negate(comparison: Comparison) -> Comparison:
    return Comparison(NEGATED.get(comparison.op, comparison.op), comparison.left, comparison.right)


def _event_name(expr: A.Expr) -> str:
    """``Event::X(...)``, ``X { .. }`` or ``Event::X(X { .. })`` -> 'X'."""
    expr = strip_wrappers(expr)
    if isinstance(expr, A.Call) and isinstance(expr.function, A.PathExpr):
        return expr.function.path.last.name
    if isinstance(expr, A.StructLiteral):
        return expr.path.last.name
    if isinstance(expr, A.PathExpr):
        return expr.path.last.name
    return ""
