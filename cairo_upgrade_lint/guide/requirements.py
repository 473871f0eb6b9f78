"""``audit PATH --type T --implementation``: the steps that make a contract meet the audit
requirements it fails or that were not found, with Cairo written against its own names.

Generated code exists for three gaps: a timelock on the upgrade (CUL502: the statement of the upgrade
entry point that reaches replace_class, a syscall or a component's ``upgrade``, becomes a schedule, and
``execute_upgrade`` runs that statement once the delay has passed), a version-guarded migration
(CUL521/CUL522: a ``storage_version`` the migration asserts and bumps) and an emergency pause (CUL511:
a ``paused`` flag, or the contract's own, set by a guarded ``pause``, cleared by an ``unpause`` only
governance may call where the contract has governance (CUL514), checked by the state-changing entry
points). Every other gap becomes a ``review`` step with the audit's message. The code follows the
edition: ``Map`` and the storage imports it needs on 2.7+, ``LegacyMap`` before. The audit results
come in as ``Gap`` records (the guide does not import the audit)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from ..model.callgraph import SYSCALL_PREFIX
from ..model.contracts import Contract, EntryPoint
from ..model.project import Project
from ..model.syscalls import REPLACE_CLASS
from ..model.upgrades import upgrade_paths
from ..records import record
from ..semantics.authorities import pause_flags
from .edition import Edition
from .imports import storage_imports
from .plan import Plan, Step
from .source import body_line, closing_line, function_text, indent, indent_of, statement

SKIP_IN_PAUSE = re.compile(r"^(pause|unpause|resume|upgrade|execute_upgrade|migrate\w*|cancel\w*|veto\w*)$")
"""Entry points a pause leaves open: the brake itself, the upgrade and migration that fix an incident, cancelling."""


@record
class Gap:
    """A requirement the audit did not pass for a contract: ``status`` 'fail' or 'not-found', the
    audit's ``message``, and the lines of its evidence in the contract's file."""

    requirement: str
    title: str
    status: str
    message: str
    lines: tuple[int, ...] = ()


class _Builder:
    def __init__(self, project: Project, contract: Contract, edition: Edition, guard: str, governance: str, delay: int) -> None:
        self.project, self.contract, self.edition, self.guard, self.delay = project, contract, edition, guard, delay
        self.governance = governance
        self.path = contract.location.path
        self.text = project.texts.get(self.path, b"").decode("utf-8", errors="replace")
        self.steps: list[Step] = []
        self.notes: list[str] = []
        self.upgrades = {p.entry_point for p in upgrade_paths(project.call_graph, contract)}

    # -- places -------------------------------------------------------------------------------

    def fresh(self, wanted: str) -> str:
        """``wanted``, or with ``_`` appended until no storage member or identifier of the source has it."""
        while re.search(rf"\b{re.escape(wanted)}\b", self.text):
            wanted += "_"
        return wanted

    def storage_step(self, id: str, title: str, why: str, members: Sequence[str], verify: str) -> bool:
        where = self.contract.storage_location
        end = closing_line(self.text, where.line) if where else None
        if end is None:
            self.review(id, title, why + " (the #[storage] struct was not found)", "\n".join(members))
            return False
        self.edit(id, title, why, verify, end, indent("\n".join(members), indent_of(self.text, end - 1)))
        return True

    def module_step(self, id: str, title: str, why: str, code: str, verify: str, after: tuple[str, ...]) -> None:
        declaration = self.contract.declaration or self.contract.location
        prefix = indent_of(self.text, declaration.line) + "    "
        self.edit(id, title, why, verify, self.contract.location.end_line, "\n" + indent(code, prefix), after)

    def body_start(self, entry: EntryPoint) -> int | None:
        return body_line(self.text, entry.location.line) if entry.location.path == self.path else None

    def edit(self, id: str, title: str, why: str, verify: str, line: int, code: str, after: tuple[str, ...] = ()) -> None:
        self.steps.append(Step(id, title, why, "insert", verify, self.path, line, code, after=after))

    def review(self, id: str, title: str, why: str, code: str = "") -> None:
        self.steps.append(Step(id, title, why, "review", "edit by hand, then re-run the audit", self.path, None, code))

    def guarded(self, body: str, check: str | None = None) -> str:
        """``body`` behind ``check`` (default: the upgrade path's caller check)."""
        check = self.guard if check is None else check
        return f"{check}\n{body}" if check else body

    def entries_at(self, lines: Sequence[int]) -> list[EntryPoint]:
        """The contract's entry points whose function holds one of ``lines``."""
        found = []
        for entry in self.contract.entry_points:
            start = entry.location.line
            end = closing_line(self.text, start) if entry.location.path == self.path else None
            if end is not None and any(start <= line <= end for line in lines) and entry not in found:
                found.append(entry)
        return found

    def replacing_statement(self, entry: EntryPoint) -> tuple[int, str] | None:
        """(line, text) of the one statement in ``entry``'s own body that replaces the class: the
        replace_class syscall, or a call (a helper, a component's ``upgrade``) whose callees make it;
        None unless there is exactly one and it fits on its line."""
        graph = self.project.call_graph
        info = graph.get(entry.function)
        if info is None or entry.location.path != self.path:
            return None
        sites = [s.location.line for s in info.facts.syscalls if s.name == REPLACE_CLASS]
        sites += [c.location.line for c in info.facts.calls
                  if c.target is not None and graph.path(c.target, SYSCALL_PREFIX + REPLACE_CLASS) is not None]  # fmt: skip
        if len(set(sites)) != 1:
            return None
        found = statement(self.text, sites[0], 0)
        return (sites[0], found) if found and found == self.text.split("\n")[sites[0] - 1].strip() else None

    # -- CUL511: an emergency pause -------------------------------------------------------------

    def pause(self, gaps: Sequence[Gap]) -> None:
        gap = next((g for g in gaps if g.requirement == "CUL511"), None)
        taken = [name for name in ("pause", "unpause") if self.contract.entry_point(name) is not None]
        if gap is None or taken:
            for other in gaps:
                why = f"{other.status}: {other.message}" + (f" (`{'`, `'.join(taken)}` already exist)" if taken else "")
                self.review(f"review-{other.requirement}", f"meet {other.requirement}: {other.title}", why)
            return
        own = sorted(m.name for m in self.contract.storage if not m.via and m.name in pause_flags(self.contract))
        flag = own[0] if own else self.fresh("paused")
        verify = f"`audit --type rollback` passes {gap.requirement}: `pause` sets `{flag}`, guarded"
        if not own and not self.storage_step("pause-flag", f"add the pause flag `{flag}`",
                                             "an emergency pause needs a stored flag the entry points check",
                                             [f"{flag}: bool,"], "the contract compiles; the flag reads false on a deployed contract"):  # fmt: skip
            return
        after = () if own else ("pause-flag",)
        resume, resume_why = self.resume_check()
        code = "\n\n".join(
            f"#[external(v0)]\nfn {name}(ref self: ContractState) {{\n{indent(self.guarded(f'self.{flag}.write({value});', check), '    ')}\n}}"
            for name, value, check in (("pause", "true", self.guard), ("unpause", "false", resume))
        )
        why = (f"the emergency authority stops user operations while an incident or upgrade is handled, behind the "
               f"contract's own caller check (`{self.guard or 'none found'}`)"
               + (f"; the contract's own flag `{flag}` is reused" if own else "") + f"; {resume_why}")  # fmt: skip
        if self.governance:
            verify += "; CUL514 passes: `unpause` admits governance only"
        self.module_step("pause-entry-points", "add guarded `pause` and `unpause`", why, code, verify, after)
        for entry in self.contract.entry_points:
            line = self.body_start(entry)
            if entry.kind != "external" or line is None or entry.name in self.upgrades or SKIP_IN_PAUSE.match(entry.name):
                continue
            if re.search(rf"\bself\.{re.escape(flag)}\.read\(", function_text(self.text, entry.location.line)):
                continue  # it checks the flag already
            check = f"assert(!self.{flag}.read(), 'paused');"
            self.edit(f"pause-check-{entry.name}", f"refuse `{entry.name}` while paused",
                      f"`{entry.name}` changes state: it must stop when the contract is paused",
                      f"`{entry.name}` reverts with 'paused' after `pause`", line, indent(check, indent_of(self.text, line)),
                      after)  # fmt: skip

    def resume_check(self) -> tuple[str, str]:
        """The caller check of ``unpause`` and why: governance only where the contract has it
        (CUL514), else the pause's own check, with a note on what CUL514 then still needs."""
        if self.governance:
            return (
                self.governance,
                f"only governance lifts the pause (`{self.governance}`): the emergency key cannot undo its own brake",
            )
        missing = ("no governance authority (a timelock or multisig address, a member named like `governance`) was "
                   "found: `unpause` repeats the pause's caller check, so CUL514 (resume is governance-only) will still "
                   "fail; add the governance address to the storage, set it in the constructor, and gate `unpause` with "
                   "`assert(starknet::get_caller_address() == self.governance.read(), 'only governance');`")  # fmt: skip
        self.notes.append(missing)
        return self.guard, missing

    # -- CUL521/CUL522: a version-guarded migration ---------------------------------------------

    def migration(self, gaps: Sequence[Gap]) -> None:
        entries = [e for e in self.entries_at([line for g in gaps for line in g.lines]) if e.kind == "external"]
        ids = "/".join(g.requirement for g in gaps)
        if not entries:
            self.review("migration-version", "add a guarded, versioned migration",
                        f"{ids}: {gaps[0].message}; `lint-upgrade OLD NEW --implementation` generates one for an "
                        "upgrade pair")  # fmt: skip
            return
        existing = [m.name for m in self.contract.storage if re.search(r"version", m.name, re.IGNORECASE)]
        member = existing[0] if existing else self.fresh("storage_version")
        const = self.fresh("STORAGE_VERSION")
        if not existing and not self.storage_step(
            "storage-version", f"add the storage version `{member}`",
            "the storage records which layout it is on; a deployed contract reads 0 (a new member)", [f"{member}: u64,"],
            f"the contract compiles; `{member}` reads 0 on a deployed contract",
        ):  # fmt: skip
            return
        self.module_step("storage-version-constant", f"declare `{const}`", "the layout version this code writes",
                         f"const {const}: u64 = 1;", "the contract compiles", ())  # fmt: skip
        verify = f"`audit --type migration` passes {ids}; a second call reverts with 'already migrated'"
        for entry in entries:
            start = self.body_start(entry)
            end = closing_line(self.text, entry.location.line)
            if start is None or end is None or entry.returns:
                self.review(
                    f"migration-version-{entry.name}",
                    f"check and record the storage version in `{entry.name}`",
                    f"{ids}: {gaps[0].message}",
                    f"assert(self.{member}.read() < {const}, 'already migrated');",
                )
                continue
            prefix = indent_of(self.text, start)
            self.edit(f"migration-check-{entry.name}", f"refuse `{entry.name}` once the version is current",
                      "a migration must run once, on the layout it converts", verify, start,
                      indent(f"assert(self.{member}.read() < {const}, 'already migrated');", prefix),
                      ("storage-version",))  # fmt: skip
            self.edit(f"migration-bump-{entry.name}", f"record the version when `{entry.name}` completes",
                      "the next call (and the next migration) sees the layout this one produced", verify, end,
                      indent(f"self.{member}.write({const});", prefix), (f"migration-check-{entry.name}",))  # fmt: skip
        constructor = next((e for e in self.contract.entry_points if e.kind == "constructor"), None)
        line = self.body_start(constructor) if constructor else None
        if line is not None:
            self.edit("constructor-version", f"start fresh deployments at `{const}`",
                      "a fresh deployment already has this layout: the migration must refuse to run there",
                      "on a fresh deployment the migration reverts with 'already migrated'", line,
                      indent(f"self.{member}.write({const});", indent_of(self.text, line)), ("storage-version",))  # fmt: skip

    # -- CUL502: a timelocked upgrade -----------------------------------------------------------

    def timelock(self, gap: Gap) -> None:
        entry = next((e for e in self.contract.entry_points if e.name in self.upgrades and e.kind == "external"), None)
        param = next((p.name for p in entry.params if p.type.split("::")[-1] == "ClassHash"), None) if entry else None
        found = self.replacing_statement(entry) if entry else None
        if entry is None or param is None or found is None or not re.search(rf"\b{re.escape(param)}\b", found[1]):
            self.review("timelock", "put the upgrade behind a timelock",
                        f"{gap.requirement}: {gap.message}; no upgrade entry point taking a ClassHash with one one-line "
                        "statement that replaces the class (a replace_class_syscall, or a call that reaches one) was "
                        "found to schedule instead")  # fmt: skip
            return
        line, replaced = found
        eta = self.fresh("upgrade_eta")
        delay = self.fresh("UPGRADE_DELAY")
        key = f"core::traits::Into::<starknet::ClassHash, felt252>::into({param})"
        if not self.storage_step("upgrade-eta", f"add `{eta}`, the earliest time each proposed class may be installed",
                                 "a timelock needs the approval time of each proposed class hash (0: not proposed)",
                                 [f"{eta}: {self.edition.map_type}<felt252, u64>,"],
                                 "the contract compiles"):  # fmt: skip
            return
        schedule = f"self.{eta}.write({key}, starknet::get_block_timestamp() + {delay});"
        self.steps.append(Step(
            "upgrade-propose", f"make `{entry.name}` schedule the class instead of installing it",
            f"`{entry.name}` replaced the class at once; it now records when `{param}` may be installed, "
            f"{self.delay} s from now, so users can react (exit, or governance can cancel) before the new code runs",
            "replace", f"`{entry.name}` no longer replaces the class", self.path, line, schedule, replaced,
            after=("upgrade-eta",),
        ))  # fmt: skip
        execute = self.fresh("execute_upgrade")
        body = "\n".join([
            f"let key = {key};",
            f"let eta = self.{eta}.read(key);",
            "assert(eta != 0, 'upgrade not proposed');",
            "assert(starknet::get_block_timestamp() >= eta, 'timelock not expired');",
            f"self.{eta}.write(key, 0);",
            replaced,
        ])  # fmt: skip
        code = (
            f"// The least time between proposing a class hash and installing it ({self.delay} s).\n"
            f"const {delay}: u64 = {self.delay};\n\n"
            f"#[external(v0)]\nfn {execute}(ref self: ContractState, {param}: starknet::ClassHash) {{\n"
            f"{indent(self.guarded(body), '    ')}\n}}"
        )
        self.module_step("upgrade-execute", f"add `{execute}`, which installs a proposed class after the delay",
                         f"the class is replaced (`{replaced}`, as `{entry.name}` did) only once `{delay}` has passed since "
                         f"`{entry.name}` proposed it; each proposal is installed once", code,
                         f"`audit --type governance --contract {self.contract.name}` passes {gap.requirement}; "
                         f"`{execute}` reverts with 'timelock not expired' before the delay",
                         ("upgrade-propose",))  # fmt: skip


GENERATED: dict[str, Callable[[_Builder, list[Gap]], None]] = {
    "CUL511": lambda b, gaps: b.pause(gaps),
    "CUL521": lambda b, gaps: b.migration(gaps),
    "CUL502": lambda b, gaps: b.timelock(gaps[0]),
}
"""The gaps with generated code, in plan order (pause and storage version before the timelocked
upgrade, which changes the upgrade entry point last). CUL522 is planned with CUL521, CUL514 (the
resume) with CUL511."""
TOGETHER = {"CUL522": "CUL521", "CUL514": "CUL511"}


def requirement_plan(project: Project, contract: Contract, gaps: Sequence[Gap], edition: Edition, guard: str | None,
                     governance: str | None, delay: int, subject: str) -> Plan:  # fmt: skip
    """The implementation plan that makes ``contract`` meet ``gaps`` (``guard``: the caller check
    its upgrade path uses, repeated in the entry points added; ``governance``: a check admitting
    governance only, for the resume; ``delay``: the timelock in seconds)."""
    builder = _Builder(project, contract, edition, guard or "", governance or "", delay)
    if not guard:
        builder.notes.append("no caller check was found on the upgrade path: the entry points below have none; "
                             "add the contract's guard as their first statement")  # fmt: skip
    grouped: dict[str, list[Gap]] = {}
    for gap in gaps:
        grouped.setdefault(TOGETHER.get(gap.requirement, gap.requirement), []).append(gap)
    for requirement, make in GENERATED.items():
        if requirement in grouped:
            make(builder, grouped.pop(requirement))
    for requirement, found in grouped.items():
        gap = found[0]
        builder.review(f"review-{requirement}", f"meet {requirement}: {gap.title}", f"{gap.status}: {gap.message}")
    imports = storage_imports(builder.steps, contract, builder.text, edition)
    steps = [imports, *builder.steps] if imports else builder.steps
    return Plan("implementation", contract.name, subject, edition.describe(), tuple(steps), notes=tuple(builder.notes))
