"""Upgrade-identity rules (old vs new, DOMAIN.md section 3): CUL206, CUL207.

CUL206: upgradeable components such as Ekubo's ``Upgradeable::replace_class_hash`` library-call
the class being installed for an identifier (``get_primary_interface_id``) and assert that it equals
the running class's own: a version whose identifier function returns another constant cannot be
installed over the old one. The check is found structurally in an upgrade path (a function reaching
``replace_class_syscall`` that library-calls the identifier's selector, directly or through a library
dispatcher, and asserts an equality with the contract's own call of it); without it in the analysed
source, an identifier function by its usual name or trait (``IHasInterface::get_primary_interface_id``)
still counts when the old contract has code that is not analysed (an unresolved component or embedded
impl, where such a check usually lives). Returned values are constant-folded on both sides
(literals, short strings, ``selector!("..")``, module constants and arithmetic on them).

CUL207: SRC5 interface ids registered (``register_interface(ID)``) on the new version's constructor
path and never by the old version are not registered on an upgraded deployment (``replace_class``
does not run the constructor) unless a migration of the new version registers them too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from ..diff import ContractDiff
from ..findings import Finding, Location, Related
from ..model import Contract, EntryPoint, Project
from ..model.callgraph import SYSCALL_PREFIX, CallGraph, FunctionInfo
from ..model.constants import ConstantEvaluator
from ..model.facts import Assertion, Operand, SyscallUse
from ..model.hashing import felt_hex, selector
from ..model.scope import Scope
from ..model.syntax_utils import location
from ..model.syscalls import LIBRARY_CALL, REPLACE_CLASS
from ..records import record
from ..semantics.context import Context
from ..semantics.migrations import migrations
from ..syntax import ast as A
from ..syntax.parser import parse
from .base import Report, diff_rule
from .in_place import cannot_upgrade

REGISTER = "register_interface"
# an identifier function by its usual names (Ekubo's IHasInterface), when the check is not visible
_IDENTITY_NAME = re.compile(r"(get_)?(primary_)?interface_id")
_IDENTITY_TRAITS = frozenset({"IHasInterface"})
_SELECTOR = re.compile(r'^selector!\s*\(\s*"([^"]*)"\s*\)$')
# shipped component knowledge whose real initializers register SRC5 ids the stubs do not show
_REGISTERING_COMPONENTS = re.compile(r"ERC721|ERC1155|AccessControl|Account|SRC9|Governor|Votes")


# ---------------------------------------------------------------- CUL206


@record
class IdentityCheck:
    """An upgrade path's comparison of the new class's ``name()`` with the running class's."""

    name: str
    entry: str
    function: str
    assertion: Location
    library_call: Location


@record
class Returned:
    """The constant a function returns: its value, source text and location; ``selector`` is the
    string inside ``selector!("..")`` when the value is one."""

    value: int
    text: str
    location: Location
    selector: str | None = None
    definition: str | None = None

    def describe(self) -> str:
        """``VAULT_ID = 'vault' (0x7661756c74)``, ``selector!("a::B") (0x...)``."""
        shown = self.text if self.definition is None else f"{self.text} = {self.definition}"
        hexed = felt_hex(self.value)
        return hexed if shown.lower() in (hexed, str(self.value)) else f"{shown} ({hexed})"


@diff_rule("CUL206")
def identity_changed(diff: ContractDiff, ctx: Context, report: Report) -> Iterator[Finding]:
    old_project = ctx.old
    if diff.new.kind != "contract" or old_project is None:
        return
    old_checks = _checks(old_project, diff.old)
    new_checks = _checks(ctx.project, diff.new)
    for entry in diff.new.entry_points:
        old_entry = diff.old.entry_point(entry.name)
        if entry.kind not in ("view", "external") or entry.params or old_entry is None or old_entry.params:
            continue
        check = old_checks.get(entry.name)
        in_old = check is not None
        check = check or new_checks.get(entry.name)
        if check is None and not _identity_without_check(ctx.project, diff.old, entry):
            continue
        new_value = returned_constant(ctx, ctx.project, entry)
        old_value = returned_constant(ctx, old_project, old_entry)
        if new_value is None or old_value is None or new_value.value == old_value.value:
            continue
        yield _identity_finding(report, diff, entry, old_value, new_value, check, in_old)


def _identity_finding(
    report: Report,
    diff: ContractDiff,
    entry: EntryPoint,
    old: Returned,
    new: Returned,
    check: IdentityCheck | None,
    in_old: bool,
) -> Finding:
    changed = f"`{entry.name}` of `{diff.new.name}` returns {new.describe()} in this version, {old.describe()} in the old one"
    related = [Related(old.location, "the old version's value")]
    if check is not None:
        where = "the old version's" if in_old else "the new version's"
        reason = (
            f"; {where} upgrade path ({_path(check)}) library-calls "
            f"the class being installed for `{entry.name}` and asserts it equals the running class's value, "
            "so upgrading a deployed old version to this class reverts at that assertion"
            + ("" if in_old else " (the check is shown in the new version: the old one is assumed to have it)")
        )
        related.append(Related(check.assertion, "the identifier check"))
        confidence = None
    else:
        reason = (
            f"; `{entry.name}` exists to identify the class to an upgradeable component whose check is not in "
            "the analysed source (the old contract embeds code that is not analysed): such a component "
            "compares the installed class's value with the running class's and reverts on a mismatch, so "
            "the old version cannot be upgraded to this one"
        )
        confidence = "medium"
    return report(
        changed + reason,
        new.location,
        related=tuple(related),
        fix=f"Return the old value from `{entry.name}` ({old.describe()}).",
        confidence=confidence,
    )


def _path(check: IdentityCheck) -> str:
    if check.entry == check.function:
        return f"`{_short(check.entry)}`"
    return f"`{_short(check.entry)}`, in `{_short(check.function)}`"


def _short(function_id: str) -> str:
    return "::".join(function_id.split("::")[-2:])


def _identity_without_check(project: Project, old: Contract, entry: EntryPoint) -> bool:
    """An identifier function by name or trait, on a contract whose old version hides code."""
    info = project.call_graph.get(entry.function)
    named = _IDENTITY_NAME.fullmatch(entry.name) is not None or (info is not None and info.trait in _IDENTITY_TRAITS)
    hides = any(u.component is None for u in old.components) or any(not e.resolved for e in old.embedded)
    return named and hides


def _checks(project: Project, contract: Contract) -> dict[str, IdentityCheck]:
    """The identifier checks on the upgrade paths of ``contract``, by identifier function name."""
    graph = project.call_graph
    names = {e.name for e in contract.entry_points}
    found: dict[str, IdentityCheck] = {}
    for entry in contract.entry_points:
        if SYSCALL_PREFIX + REPLACE_CLASS not in graph.descendants(entry.function):
            continue
        for function in sorted(graph.reachable(entry.function)):
            info = graph.get(function)
            if info is None:
                continue
            for call in info.facts.syscalls:
                name = _library_called(call, names) if call.name == LIBRARY_CALL else None
                assertion = _compared(info.facts.assertions, name) if name is not None else None
                if name is not None and assertion is not None:
                    found.setdefault(
                        name,
                        IdentityCheck(
                            name=name,
                            entry=entry.function,
                            function=function,
                            assertion=assertion.location,
                            library_call=call.location,
                        ),
                    )
    return found


def _library_called(call: SyscallUse, names: set[str]) -> str | None:
    """The entry point a library call invokes: the dispatcher's method, or the selector argument
    (``selector!("name")`` or a constant whose value is the selector of one of ``names``)."""
    if call.via == "dispatcher":
        return call.entry_point
    if len(call.args) < 2:
        return None
    argument = call.args[1]
    match = _SELECTOR.match(argument.text)
    if match is not None:
        return match.group(1)
    if argument.value is not None:
        return next((n for n in sorted(names) if selector(n) == argument.value), None)
    return None


def _compared(assertions: tuple[Assertion, ...], name: str) -> Assertion | None:
    """An equality assertion with a call of ``name`` on one side."""
    for assertion in assertions:
        for comparison in assertion.comparisons:
            if comparison.op == "==" and any(o.kind == "call" and o.name == name for o in (comparison.left, comparison.right)):
                return assertion
    return None


# ---------------------------------------------------------------- returned constants


def returned_constant(ctx: Context, project: Project, entry: EntryPoint) -> Returned | None:
    """The constant the entry point's function returns on its only path, or None."""
    info = project.call_graph.get(entry.function)
    if info is None or info.known:
        return None
    found = _function_node(ctx, project, info)
    if found is None or found[0].body is None:
        return None
    function, data = found
    assert function.body is not None
    expr = _only_result(function.body)
    if expr is None:
        return None
    folder = ctx.once(f"identity.folder {id(project)}", lambda: _Folder(project))
    value = folder.fold(info.module, expr)
    if value is None:
        return None
    text = _text(data, expr.span)
    return Returned(
        value=value % _PRIME,
        text=text,
        location=location(info.location.path, expr.span),
        selector=folder.selector_name(info.module, expr),
        definition=folder.definition(info.module, expr),
    )


_PRIME = 2**251 + 17 * 2**192 + 1


def _only_result(body: A.Block) -> A.Expr | None:
    """The value of a body that is one ``return X;`` or a tail ``X`` (nothing else that returns)."""
    statements = [s for s in body.statements if not isinstance(s, A.ItemStatement)]
    if len(statements) != 1 or not isinstance(statements[0], A.ExprStatement):
        return None
    statement = statements[0]
    expr = statement.expr
    if isinstance(expr, A.Return):
        return expr.value
    return None if statement.semicolon else expr


def _function_node(ctx: Context, project: Project, info: FunctionInfo) -> tuple[A.Function, bytes] | None:
    """The syntax of the function and its file's text. A project built without them (the old version
    of a parallel diff keeps no trees or texts) has them read again from the file, which is there
    while the run lasts; a version read from a lock file has neither."""
    path = info.location.path
    table, text = ctx.once(f"identity.functions {id(project)} {path}", lambda: _functions_in(project, path))
    function = table.get((info.location.line, info.location.column))
    return (function, text) if function is not None else None


def _functions_in(project: Project, path: str) -> tuple[dict[tuple[int, int], A.Function], bytes]:
    """The functions with a body of one file, by the position their span starts at; the file's text."""
    files = [f for f in project.files if f.path == path]
    text = project.texts.get(path)
    if not files or text is None:
        try:
            with open(path, "rb") as handle:
                text = handle.read()
        except OSError:
            return {}, b""
        files = [parse(text, path)]
    found: dict[tuple[int, int], A.Function] = {}
    stack: list[Iterable[A.Item]] = [f.items for f in files]
    while stack:
        for item in stack.pop():
            if isinstance(item, A.Function) and item.body is not None:
                found[(item.span.line, item.span.column)] = item
            elif isinstance(item, (A.Module, A.Impl, A.Trait)) and item.items:
                stack.append(item.items)
    return found, text


def _text(data: bytes, span: A.Span) -> str:
    return " ".join(data[span.start : span.end].decode("utf-8", "replace").split())


class _Folder(ConstantEvaluator):
    """Constant folding over a built project: paths resolve to the project's module constants
    (the one in the nearest enclosing module first, a qualified path by its suffix)."""

    def __init__(self, project: Project) -> None:
        super().__init__(None)  # type: ignore[arg-type]
        self.by_name: dict[str, list[tuple[str, int | None, str]]] = {}
        for constant in project.constants:
            self.by_name.setdefault(constant.name, []).append((constant.qualified, constant.value, constant.text))

    def fold(self, module: str, expr: A.Expr) -> int | None:
        return self.evaluate(_ModuleScope(qualified=module), expr)  # type: ignore[arg-type]

    def resolve(self, scope: Scope, segments: tuple[str, ...], depth: int = 0) -> int | None:
        found = self._constant(scope.qualified, segments)
        return found[1] if found is not None else None

    def selector_name(self, module: str, expr: A.Expr) -> str | None:
        """The string inside ``selector!("..")`` when ``expr`` is one or names a constant that is."""
        if isinstance(expr, A.MacroCall) and expr.path.text == "selector" and expr.args:
            value = expr.args[0].value
            return value.value if isinstance(value, A.Literal) and isinstance(value.value, str) else None
        match = _SELECTOR.match(self.definition(module, expr) or "")
        return match.group(1) if match is not None else None

    def definition(self, module: str, expr: A.Expr) -> str | None:
        """The source text of the constant a path expression names."""
        if isinstance(expr, A.PathExpr):
            found = self._constant(module, tuple(s.name for s in expr.path.segments))
            return found[2] if found is not None else None
        return None

    def _constant(self, module: str, segments: tuple[str, ...]) -> tuple[str, int | None, str] | None:
        candidates = self.by_name.get(segments[-1], [])
        if len(segments) > 1:
            suffix = "::" + "::".join(s for s in segments if s not in ("crate", "super", "self"))
            candidates = [c for c in candidates if c[0].endswith(suffix)] or candidates
        enclosing = [
            c for c in candidates if module == c[0].rsplit("::", 1)[0] or module.startswith(c[0].rsplit("::", 1)[0] + "::")
        ]
        if enclosing:
            return max(enclosing, key=lambda c: len(c[0]))
        values = {c[1] for c in candidates}
        return candidates[0] if len(values) == 1 else None


@record
class _ModuleScope:
    """What the folder needs of a scope: the module the expression is in."""

    qualified: str


# ---------------------------------------------------------------- CUL207


@record
class Registration:
    """A ``register_interface(id)`` call: the id's folded value (None when unknown), its name (a
    constant's name or the expression text), where, and in which function."""

    value: int | None
    name: str
    text: str
    location: Location
    function: str

    def describe(self) -> str:
        return f"`{self.text}` ({felt_hex(self.value)})" if self.value is not None else f"`{self.text}`"


@diff_rule("CUL207")
def interface_registration_missing(diff: ContractDiff, ctx: Context, report: Report) -> Iterator[Finding]:
    old_project = ctx.old
    if diff.new.kind != "contract" or old_project is None or cannot_upgrade(diff, ctx):
        return
    constructors = [e for e in diff.new.entry_points if e.kind == "constructor"]
    if not constructors:
        return
    graph = ctx.project.call_graph
    old_graph = old_project.call_graph
    old_entries = list(diff.old.entry_points)
    if _opaque(old_graph, [e for e in old_entries if e.kind == "constructor"]):
        return
    old = _registrations(old_graph, old_entries)
    migrated = _registrations(graph, [m.entry for m in migrations(ctx, diff.new)])
    seen: set[tuple[int | None, str]] = set()
    direct = {e.function for e in constructors}
    for registration in _registrations(graph, constructors):
        key = (registration.value, registration.name if registration.value is None else "")
        if key in seen or _among(registration, old) or _among(registration, migrated):
            continue
        seen.add(key)
        where = "" if registration.function in direct else f" (in `{_short(registration.function)}`)"
        message = (
            f"interface id {registration.describe()} is registered by the constructor of `{diff.new.name}`{where} "
            "and never by the old version; replace_class does not run "
            "the constructor, so on upgraded deployments supports_interface answers false for it"
        )
        yield report(
            message,
            registration.location,
            fix=f"Register {registration.text} in a guarded migration of the new version (or in the upgrade call).",
        )


def _registrations(graph: CallGraph, entries: list[EntryPoint]) -> list[Registration]:
    """The ``register_interface`` calls on the call graphs of ``entries`` (ids passed as parameters
    are left out: their values come from the callers)."""
    found: list[Registration] = []
    functions = sorted({f for e in entries for f in graph.reachable(e.function)})
    for function in functions:
        info = graph.get(function)
        if info is None:
            continue
        for call in (*info.facts.calls, *info.facts.receiver_calls):
            if call.name != REGISTER or not call.args:
                continue
            argument: Operand = call.args[-1]
            if argument.kind == "param":
                continue
            name = argument.name if argument.kind == "const" and argument.name else argument.text
            found.append(
                Registration(value=argument.value, name=name, text=argument.text, location=call.location, function=function)
            )
    return found


def _among(registration: Registration, others: list[Registration]) -> bool:
    """Whether ``others`` register the same id: the same value when both fold, else the same name."""
    for other in others:
        if registration.value is not None and other.value is not None:
            if registration.value == other.value:
                return True
        elif registration.name == other.name:
            return True
    return False


def _opaque(graph: CallGraph, constructors: list[EntryPoint]) -> bool:
    """Whether the old constructor path may register ids that are not visible: an unresolved
    initializer or component call, or a shipped component's initializer whose real code does."""
    for function in {f for e in constructors for f in graph.reachable(e.function)}:
        info = graph.get(function)
        if info is None:
            continue
        if info.known and info.name == "initializer" and _REGISTERING_COMPONENTS.search(info.owner or ""):
            return True
        for call in (*info.facts.calls, *info.facts.receiver_calls):
            if call.target is None and (call.name == "initializer" or call.kind == "component"):
                return True
    return False
