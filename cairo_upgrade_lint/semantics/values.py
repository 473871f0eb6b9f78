"""Where a value comes from, and what a parameter is checked against.

The value-origin model is ``model.facts.Operand`` (kind, text, name, value, target): the model reads
it from comparisons and calls, ``trace_origin`` follows one back along a call path to the argument an
entry point receives, and the audit's data flow (``audit.flow``) reports the sources of a value as
operands made with ``value_source``.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model.callgraph import CallGraph, FunctionInfo
from ..model.facts import CallSite, Operand
from ..model.operators import MIRRORED
from ..model.syscalls import LIBRARY_CALL
from ..records import record

_MAX_HELPER_DEPTH = 3


def value_source(kind: str, name: str, value: int | None = None) -> Operand:
    """An operand the data flow found a value computed from: ``kind`` as in ``Operand``, ``name``
    the member, parameter, constant, callee or literal text (also its text), ``value`` when known."""
    return Operand(kind, name, name=name, value=value)


@record
class Origin:
    """Where a value used in the last function of a call path comes from: ``operand`` as the first
    function of the path sees it (a 'param' of the entry point when ``from_entry``), and the
    (function id, parameter name) pairs it passes through, innermost first."""

    operand: Operand
    aliases: tuple[tuple[str, str], ...]
    from_entry: bool


def trace_origin(graph: CallGraph, path: tuple[str, ...], operand: Operand) -> Origin:
    """Follow ``operand`` (a value in the last function of ``path``) back through parameters to the
    argument the callers on ``path`` pass."""
    aliases: list[tuple[str, str]] = []
    current = operand
    for index in range(len(path) - 1, -1, -1):
        if current.kind != "param":
            break
        aliases.append((path[index], current.name))
        if index == 0:
            return Origin(current, tuple(aliases), True)
        passed = _passed(graph.get(path[index - 1]), graph.get(path[index]), current.name)
        if passed is None:
            break
        current = passed
    return Origin(current, tuple(aliases), False)


def param_checks(graph: CallGraph, function_id: str, param: str, depth: int = 0) -> Iterator[tuple[str, Operand]]:
    """(op, other side) of each asserted comparison of parameter ``param`` of ``function_id``,
    oriented with the parameter on the left, in the function and in helpers it hands ``param`` to;
    a library call on the parameter (the class must exist) yields ('library_call', the call's
    first operand)."""
    info = graph.get(function_id)
    if info is None or depth > _MAX_HELPER_DEPTH:
        return
    for comparison in (c for a in info.facts.assertions for c in a.comparisons):
        if _is_param(comparison.left, param):
            yield comparison.op, comparison.right
        elif _is_param(comparison.right, param):
            yield MIRRORED.get(comparison.op, comparison.op), comparison.left
    for syscall in info.facts.syscalls:
        if syscall.name == LIBRARY_CALL and syscall.args and _is_param(syscall.args[0], param):
            yield "library_call", syscall.args[0]
    for call in info.facts.calls:
        callee = graph.get(call.target) if call.target else None
        if callee is None:
            continue
        for arg, name in arguments(call, callee):
            if _is_param(arg, param):
                yield from param_checks(graph, callee.id, name, depth + 1)


def rejects_zero(graph: CallGraph, function_id: str, param: str) -> bool:
    """Whether ``function_id`` (or a helper it hands the parameter to) asserts ``param != 0``, or
    library-calls it (the class must exist)."""
    return any(op == "library_call" or (op == "!=" and _is_zero(other)) for op, other in param_checks(graph, function_id, param))


def _is_zero(operand: Operand) -> bool:
    return operand.kind == "literal" and (operand.value == 0 or "::<0>" in operand.text.replace(" ", ""))


def _is_param(operand: Operand, name: str) -> bool:
    return operand.kind == "param" and operand.name == name


def _passed(caller: FunctionInfo | None, callee: FunctionInfo | None, param: str) -> Operand | None:
    """The argument ``caller`` passes for ``callee``'s parameter ``param`` (first call site)."""
    if caller is None or callee is None:
        return None
    call = next((c for c in caller.facts.calls if c.target == callee.id), None)
    return next((arg for arg, name in arguments(call, callee) if name == param), None) if call else None


def arguments(call: CallSite, callee: FunctionInfo) -> list[tuple[Operand, str]]:
    """(argument, parameter name) pairs of a call (an explicit ``self`` argument dropped)."""
    names = [p.name for p in callee.params]
    args = call.args[1:] if len(call.args) == len(names) + 1 else call.args
    return list(zip(args, names))
