"""``audit PATH --type T --testing``: the test strategy of one contract's upgrade machinery as a
checklist, and a Starknet Foundry (snforge) file with one test per item, written against the
contract's own names, selectors and storage members.

The contract is deployed from its own class and upgraded, through its own upgrade entry point, to
``<Name>Next``: the next version, which the user provides (a copy of the contract with its module
renamed checks the machinery alone). Items: data continuity per stored member, governance refusals
per entry point with a power over the upgrade machinery (upgrade, pause, resume, roll back, execute
proposals, migrations), the timelock, the pause, each migration running once, and a rollback keeping
the data. What the audit fails or does not find and ``audit --implementation`` generates code for (a
timelock, a pause, a storage version) is tested against the names that plan adds: those tests fail
until the plan is applied. A requirement without generated code is listed without a test.

The audit's facts come in as ``Audited`` records (the guide does not import the audit)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..model.contracts import Contract, EntryPoint
from ..model.layout import ScalarLayout, StorageMember
from ..model.project import Project
from ..records import record
from ..semantics.context import Context
from ..semantics.guards import entry_guard
from ..semantics.migrations import MemberResolver, Migration, entry_accesses, migrations
from .plan import CheckItem, Plan, Step
from .requirements import Gap
from .testing import CALLS, SNFORGE_IMPORTS, felts, prelude, setup_function, slot, stored, test_function, value_layout

PENDING = " (added by `audit --implementation`: fails until its plan is applied)"


@record
class Power:
    """A guarded entry point's power over the upgrade machinery, as the audit's design view finds it:
    ``power`` is 'upgrade', 'pause', 'resume', 'roll back' or 'execute approved proposals ...';
    ``authorities`` the roles its guard admits; ``replaces_class``: it reaches replace_class."""

    entry_point: str
    power: str
    authorities: tuple[str, ...] = ()
    replaces_class: bool = False


@record
class Audited:
    """What the audit found for one contract: the requirements it passes (ids), those it fails or
    does not find (``gaps``), and the powers of its guarded entry points."""

    passed: tuple[str, ...] = ()
    gaps: tuple[Gap, ...] = ()
    powers: tuple[Power, ...] = ()


def _short(text: str) -> str:
    """A Cairo short string (at most 31 characters, no quote)."""
    return "'" + text.replace("'", "")[:31] + "'"


def _function_names(code: str) -> list[str]:
    return re.findall(r"\bfn (\w+)\(", code)


class _Machinery:
    def __init__(self, project: Project, contract: Contract, audited: Audited, ctx: Context, planned: Sequence[Step],
                 delay: int) -> None:  # fmt: skip
        self.contract, self.audited, self.ctx, self.delay = contract, audited, ctx, delay
        self.graph = project.call_graph
        self.resolver = MemberResolver(contract)
        self.steps = {s.id: s for s in planned}
        self.items: list[CheckItem] = []
        self.tests: list[str] = []
        self.notes: list[str] = []
        self.powers: dict[str, Power] = {}
        for power in audited.powers:
            self.powers.setdefault(power.entry_point, power)
        self.gaps = {g.requirement for g in audited.gaps}
        self.migrations = [m for m in migrations(ctx, contract) if not m.external_initializer and m.entry.kind == "external"]
        upgrades = [self.entry(p.entry_point) for p in self.powers.values() if p.power == "upgrade" and p.replaces_class]
        self.upgrade = next(
            (e for e in upgrades if e and self.class_param(e) is not None and self.arguments(e, "class_hash") is not None), None
        )
        eta = self.steps.get("upgrade-eta")
        self.eta = eta.code.strip().split(":")[0] if eta else "upgrade_eta"
        execute = self.steps.get("upgrade-execute")
        names = _function_names(execute.code) if execute else []
        self.execute_upgrade = names[0] if names else None

    # -- names and calldata ---------------------------------------------------------------------

    def entry(self, name: str) -> EntryPoint | None:
        return self.contract.entry_point(name)

    @staticmethod
    def class_param(entry: EntryPoint) -> int | None:
        return next((i for i, p in enumerate(entry.params) if p.type.split("::")[-1] == "ClassHash"), None)

    def arguments(self, entry: EntryPoint, class_hash: str = "next") -> str | None:
        """The calldata of ``entry`` (a class hash is ``class_hash``); None when a parameter's encoding
        is not understood."""
        out: list[str] = []
        for serde in entry.serde[0]:
            part = [f"{class_hash}.into()"] if serde.split("::")[-1] == "ClassHash" else felts(serde)
            if part is None:
                return None
            out += part
        return ", ".join(out)

    def call(self, name: str, caller: str, class_hash: str = "next", planned: str = "") -> str | None:
        """A call of ``name`` by ``caller``; an entry point the plan adds (not in the contract) takes the
        calldata ``planned``."""
        entry = self.entry(name)
        args = self.arguments(entry, class_hash) if entry else planned
        return None if args is None else f'call_as(address, {caller}, selector!("{name}"), array![{args}])'

    def writes(self, name: str) -> set[str]:
        entry = self.entry(name)
        return {a.key for a in entry_accesses(self.graph, entry, self.resolver) if a.writes} if entry else set()

    def reads(self, entry: EntryPoint) -> set[str]:
        return {a.key for a in entry_accesses(self.graph, entry, self.resolver) if not a.writes}

    def add(self, category: str, what: str, name: str, body: Sequence[str]) -> None:
        """An item and its test: ``body`` runs after ``setup()``, with ``address``, ``current`` (the
        contract's class) and ``next`` (the next version's class)."""
        used = ["current" if re.search(r"\bcurrent\b", "\n".join(body)) else "_"]
        used.append("next" if re.search(r"\bnext\b", "\n".join(body)) else "_")
        self.items.append(CheckItem(name, category, what, name))
        self.tests.append(test_function(name, [f"let (address, {used[0]}, {used[1]}) = setup();", *body]))

    def listed(self, category: str, what: str, id: str) -> None:
        """An item without a generated test (``what`` says why)."""
        self.items.append(CheckItem(id, category, what, ""))

    def members(self, skip: set[str]) -> list[tuple[StorageMember, bool, list[str], int]]:
        """(member, is a map entry, the felts written, its size) of each member whose value a test can
        write and read back, but the ones in ``skip``."""
        found = []
        for number, member in enumerate(self.contract.storage):
            shape = value_layout(member)
            if member.via or member.key in skip or shape is None or shape[0].size is None:
                continue
            values = stored(shape[0], 11 + 10 * number)
            if values is not None:
                found.append((member, shape[1], values, shape[0].size))
        return found

    def version_resets(self, migration: Migration, planned: bool) -> list[str]:
        """Statements that set the storage version ``migration`` checks to 0, as on a deployment that
        predates it (with ``planned``, the version ``audit --implementation`` adds too)."""
        keys = sorted(migration.version_members)
        step = self.steps.get("storage-version") if planned else None
        keys += [m.group(1) for m in [re.match(r"\s*(\w+)\s*:", step.code)] if m] if step else []
        scalars = [k for k in keys if (m := self.contract.member(k)) is None or isinstance(m.layout, ScalarLayout)]
        return [f'store(address, selector!("{k}"), array![0].span());' for k in scalars]

    # -- items ----------------------------------------------------------------------------------

    def continuity(self) -> None:
        if self.upgrade is None:
            other = [f"`{p.entry_point}`" for p in self.powers.values() if p.power == "upgrade"]
            why = f" ({', '.join(other)} changes what the contract delegates to, not its class)" if other else ""
            self.notes.append(f"no guarded upgrade entry point replacing the class was found{why}: data continuity and "
                              "rollback are not tested")  # fmt: skip
            return
        written = self.writes(self.upgrade.name)
        if written:
            self.notes.append(f"`{self.upgrade.name}` itself writes {', '.join(f'`{k}`' for k in sorted(written))}: "
                              "no continuity test for those")  # fmt: skip
        for member, is_map, values, size in self.members(written):
            felt_list = ", ".join(values)
            where = "an entry of " if is_map else ""
            self.add("data continuity", f"{where}`{member.name}` written before the upgrade reads the same after it",
                     f"test_continuity_{member.key}", [
                f"store(address, {slot(member, is_map)}, array![{felt_list}].span());",
                "upgrade_to(address, next);",
                f"assert_eq!(load(address, {slot(member, is_map)}, {size}), array![{felt_list}]);",
            ])  # fmt: skip

    def prepared(self, power: str) -> list[str]:
        """What puts the contract in the state where ``name`` would run for its rightful caller, so
        that only the caller differs: paused before a resume, upgraded before a roll back ..."""
        if power == "resume":
            pause = next((p.entry_point for p in self.powers.values() if p.power == "pause"), None)
            call = self.call(pause, "OWNER") if pause else None
            return [f"{call}.unwrap_syscall();"] if call else []
        if power == "roll back":
            return ["upgrade_to(address, next);"] if self.upgrade else []
        return []

    def refusal(self, name: str, power: str, authorities: Sequence[str], before: Sequence[str], pending: bool,
                calldata: str = "") -> None:  # fmt: skip
        """``name`` refuses OUTSIDER once ``before`` has run (``calldata``: of an entry point the plan adds)."""
        call = self.call(name, "OUTSIDER", planned=calldata)
        if call is None:
            self.listed("governance", f"`{name}` ({power}) refuses an outsider: its calldata is not understood, "
                        "write the test by hand", f"governance-{name}")  # fmt: skip
            return
        who = f" (admitted: {', '.join(f'`{a}`' for a in authorities)})" if authorities else ""
        self.add("governance", f"`{name}` ({power}) refuses a caller it does not admit{who}" + (PENDING if pending else ""),
                 f"test_{name}_refuses_outsider", [
            *before,
            f"let result = {call};",
            f"assert(result.is_err(), {_short(f'outsider ran {name}')});",
        ])  # fmt: skip

    def governance(self) -> None:
        migrating = {m.entry.name: m for m in self.migrations}
        for entry in self.contract.entry_points:
            power = self.powers.get(entry.name)
            if power is not None:
                before = self.prepared(power.power)
                self.refusal(entry.name, power.power.split(",")[0], power.authorities, before, False)
            elif entry.name in migrating and migrating[entry.name].guarded:
                self.refusal(entry.name, "migration", (), self.version_resets(migrating[entry.name], False), False)
        planned = self.planned_pause()
        if planned is not None:
            pause, resume = planned
            self.refusal(pause, "pause", (), [], True)
            self.refusal(
                resume, "resume", (), [f'call_as(address, OWNER, selector!("{pause}"), array![]).unwrap_syscall();'], True
            )
        if self.execute_upgrade and self.upgrade:
            propose = f"{self.call(self.upgrade.name, 'OWNER')}.unwrap_syscall();"
            before = [propose, f"start_cheat_block_timestamp(address, T0 + {self.delay});"]
            self.refusal(self.execute_upgrade, "upgrade", (), before, True, "next.into()")

    def planned_pause(self) -> tuple[str, str] | None:
        """The pause and resume entry points ``audit --implementation`` adds, if it plans them."""
        step = self.steps.get("pause-entry-points")
        names = _function_names(step.code) if step else []
        return (names[0], names[1]) if len(names) == 2 else None

    def timelock(self) -> None:
        if "CUL502" in self.audited.passed:
            self.listed("timelock", "the execution of an approved upgrade reverts one second before the delay and succeeds "
                        "at it (cheat the block timestamp): the delay starts at an approval the contract's own flow grants "
                        "(proposal, signatures ...), which this generator does not drive; write the test by hand",
                        "timelock")  # fmt: skip
            return
        if "CUL502" not in self.gaps:
            return
        if self.execute_upgrade is None or self.upgrade is None:
            self.listed("timelock", "no timelock on the upgrade (the audit's CUL502) and no code generated for one: "
                        "see the review step of `audit --implementation`; no test", "timelock")  # fmt: skip
            return
        execute = f'call_as(address, OWNER, selector!("{self.execute_upgrade}"), array![next.into()])'
        self.add("timelock", f"`{self.execute_upgrade}` reverts one second before the {self.delay} s delay after "
                 f"`{self.upgrade.name}` proposed the class, and installs it at the delay" + PENDING,
                 "test_timelock_holds_the_upgrade_until_the_delay", [
            f"{self.call(self.upgrade.name, 'OWNER')}.unwrap_syscall();",
            f"start_cheat_block_timestamp(address, T0 + {self.delay} - 1);",
            f"assert({execute}.is_err(), 'installed before the delay');",
            f"start_cheat_block_timestamp(address, T0 + {self.delay});",
            f"{execute}.unwrap_syscall();",
            "assert(get_class_hash(address) == next, 'class not installed');",
        ])  # fmt: skip

    def paused_entry(self, flags: set[str]) -> tuple[EntryPoint, str] | None:
        """A state-changing entry point that reads a pause flag (``flags``), with its calldata; one
        that admits any caller first."""
        skip = set(self.powers) | {m.entry.name for m in self.migrations}
        found = []
        for entry in self.contract.entry_points:
            args = self.arguments(entry)
            if entry.kind != "external" or entry.name in skip or args is None or self.class_param(entry) is not None:
                continue
            if flags & self.reads(entry):
                found.append((entry_guard(self.ctx, self.contract, entry).guarded, entry, args))
        found.sort(key=lambda item: item[0])
        return (found[0][1], found[0][2]) if found else None

    def pause(self) -> None:
        pause = next((p.entry_point for p in self.powers.values() if p.power == "pause"), None)
        resume = next((p.entry_point for p in self.powers.values() if p.power == "resume"), None)
        pending = False
        target: tuple[EntryPoint, str] | None = None
        planned = self.planned_pause()
        if pause is not None:
            target = self.paused_entry(self.writes(pause))
        elif planned is not None:
            (pause, resume), pending = planned, True
            checked = [self.entry(i.removeprefix("pause-check-")) for i in self.steps if i.startswith("pause-check-")]
            target = next(
                ((e, a) for e in checked if e and self.class_param(e) is None and (a := self.arguments(e)) is not None), None
            )
        elif "CUL511" in self.gaps:
            self.listed("pause", "no emergency pause (the audit's CUL511) and no code generated for one; no test", "pause")
            return
        if pause is None:
            return
        pause_call = self.call(pause, "OWNER")
        resume_call = self.call(resume, "OWNER") if resume else None
        if target is None or pause_call is None:
            self.listed("pause", f"no state-changing entry point checks what `{pause}` sets (or a calldata is not "
                        "understood); no test", "pause")  # fmt: skip
            return
        entry, args = target
        run = f'call_as(address, OWNER, selector!("{entry.name}"), array![{args}])'
        body = [f"{pause_call}.unwrap_syscall();",
                f"assert({run}.is_err(), {_short(f'{entry.name} ran while paused')});"]  # fmt: skip
        what = f"`{entry.name}` reverts while `{pause}` is in force"
        if resume_call is not None:
            body += [f"{resume_call}.unwrap_syscall();", f"{run}.unwrap_syscall();"]
            what += f" and works after `{resume}`"
        self.add("pause", what + (PENDING if pending else ""), f"test_pause_stops_{entry.name}", body)

    def migration(self) -> None:
        pending = bool({"CUL521", "CUL522"} & self.gaps) and any(i.startswith("migration-check-") for i in self.steps)
        for migration in self.migrations:
            call = self.call(migration.entry.name, "OWNER")
            name = migration.entry.name
            if call is None:
                self.listed("migration", f"`{name}` runs once: its calldata is not understood, write the test by hand",
                            f"migration-{name}")  # fmt: skip
                continue
            what = f"`{name}` runs once: a second call refuses"
            if pending:
                what += "; the storage version check it needs is" + PENDING
            self.add("migration", what, f"test_{name}_runs_once", [
                *self.version_resets(migration, True),
                f"{call}.unwrap_syscall();",
                f"assert({call}.is_err(), {_short(f'{name} ran twice')});",
            ])  # fmt: skip

    def rollback(self) -> None:
        if self.upgrade is None:
            return
        back = next((p.entry_point for p in self.powers.values() if p.power == "roll back" and p.replaces_class), None)
        written = self.writes(self.upgrade.name) | (self.writes(back) if back else set())
        scalars = [m for m in self.members(written) if not m[1]]
        scalars.sort(key=lambda m: set(m[2]) <= {"OWNER", "0", "1"})  # a distinctive value first
        back_call = self.call(back, "OWNER", "current") if back else None
        if not scalars:
            return
        member, _, values, size = scalars[0]
        felt_list = ", ".join(values)
        how = f"`{back}`" if back_call else f"`{self.contract.name}Next`'s `{self.upgrade.name}` back to the previous class"
        self.add("rollback", f"rolling back with {how} restores the class and keeps `{member.name}`", "test_rollback_keeps_data", [
            f"store(address, {slot(member, False)}, array![{felt_list}].span());",
            "upgrade_to(address, next);",
            f"{back_call}.unwrap_syscall();" if back_call else "upgrade_to(address, current);",
            "assert(get_class_hash(address) == current, 'class not restored');",
            f"assert_eq!(load(address, {slot(member, False)}, {size}), array![{felt_list}]);",
        ])  # fmt: skip

    # -- the file -------------------------------------------------------------------------------

    def helpers(self, subject: str) -> str:
        name = self.contract.name
        constructor = next((e for e in self.contract.entry_points if e.kind == "constructor"), None)
        args = self.arguments(constructor, "(*current.class_hash)") if constructor else ""
        header = (
            f"Tests of {name}'s upgrade machinery ({subject}), generated by cairo-upgrade-lint.\n"
            f"The contract is deployed from its own class and upgraded to `{name}Next`, your next version: until\n"
            f"you have one, make it a copy of {name} with the module renamed (the tests then check the machinery).\n"
            "setup() passes OWNER for every address of the constructor (the caller the tests govern with), the\n"
            "class for a class hash, an empty array for an array and 1 for any other value: adjust it where your\n"
            "constructor or an entry point needs more (signers, a registered user ...).\n"
            "Tests whose checklist item says `fails until its plan is applied` cover what `audit --implementation`\n"
            "adds to the contract."
        )
        upgrade = ""
        if self.upgrade is not None:
            call = self.call(self.upgrade.name, "OWNER", "class_hash")
            upgrade = f"\n// `{self.upgrade.name}` replaces the class (replace_class_syscall).\n"
            upgrade += f"fn upgrade_to(address: ContractAddress, class_hash: ClassHash) {{\n    {call}.unwrap_syscall();\n"
            if self.execute_upgrade:
                upgrade += (
                    f"    // with the timelock of `audit --implementation`, `{self.upgrade.name}` proposes and "
                    f"`{self.execute_upgrade}` installs when `{self.eta}` allows\n    if get_class_hash(address) != class_hash {{\n"
                    f'        let slot = map_entry_address(selector!("{self.eta}"), array![class_hash.into()].span());\n'
                    "        start_cheat_block_timestamp(address, (*load(address, slot, 1).at(0)).try_into().unwrap());\n"
                    f'        call_as(address, OWNER, selector!("{self.execute_upgrade}"), array![class_hash.into()]).unwrap_syscall();\n'
                    "    }\n"
                )  # fmt: skip
            upgrade += "}\n"
        constructor_args = args if args is not None else "/* the constructor arguments */"
        imports = sorted({*SNFORGE_IMPORTS, "get_class_hash"}, key=lambda n: (n[0].islower(), n))
        comment = (
            f"Deploys {name} (constructor {constructor.signature if constructor else 'none'}); returns its address, its class\n"
            "and the next version's class."
        )
        setup = setup_function(comment, ("current", name), ("next", f"{name}Next"), constructor_args)
        return f"""{prelude(header, imports)}
{setup}

{CALLS}
{upgrade}"""


def machinery_testing(project: Project, contract: Contract, audited: Audited, ctx: Context, planned: Plan, delay: int,
                      subject: str) -> Plan:  # fmt: skip
    """The test strategy of ``contract``'s upgrade machinery (``planned``: the ``audit --implementation``
    plan for its gaps, whose names the tests of missing requirements use; ``delay``: its timelock)."""
    machinery = _Machinery(project, contract, audited, ctx, planned.steps, delay)
    machinery.continuity()
    machinery.governance()
    machinery.timelock()
    machinery.pause()
    machinery.migration()
    machinery.rollback()
    text = machinery.helpers(subject) + "\n" + "\n\n".join(machinery.tests) + "\n"
    snake = re.sub(r"(?<!^)(?=[A-Z])", "_", contract.name).lower()
    return Plan("testing", contract.name, subject, planned.edition, (), tuple(machinery.items), text,
                f"tests/test_{snake}_upgrade_machinery.cairo", tuple(machinery.notes))  # fmt: skip
