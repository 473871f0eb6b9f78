"""Call graph and per-function facts of tests/fixtures/model/calls.cairo (and of OZ components)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cairo_upgrade_lint.model import Project, analyze, upgrade_paths
from cairo_upgrade_lint.model.hashing import sn_keccak

FIXTURES = Path(__file__).parent / "fixtures" / "model"
CALLS = "calls::Calls::"


@pytest.fixture(scope="module")
def project() -> Project:
    return analyze(str(FIXTURES / "calls.cairo"))


def facts(project: Project, name: str):
    info = project.call_graph.get(CALLS + name)
    assert info is not None
    return info.facts


def test_method_and_trait_calls_resolve(project: Project) -> None:
    helper = CALLS + "InternalImpl::only_owner"
    assert [(c.kind, c.target) for c in facts(project, "schedule").calls] == [("method", helper)]
    assert [(c.kind, c.target) for c in facts(project, "execute").calls] == [("trait", helper)]
    assert project.call_graph.callees(CALLS + "schedule") == [helper]


def test_storage_reads_and_writes(project: Project) -> None:
    grant = facts(project, "grant")
    assert [(a.member, a.op) for a in grant.storage] == [
        ("owner", "read"),
        ("roles", "write"),
        ("log", "write"),
        ("legacy", "write"),
    ]
    assert facts(project, "schedule").writes == {"pending", "eta"}
    assert facts(project, "execute").reads == {"eta", "pending"}


def test_syscalls_direct_imported_and_through_dispatchers(project: Project) -> None:
    (replace,) = facts(project, "execute").syscalls
    assert (replace.name, [a.kind for a in replace.args]) == ("replace_class_syscall", ["storage"])
    (library,) = facts(project, "raw").syscalls
    assert (library.name, library.args[0].kind, library.args[0].name) == (
        "library_call_syscall",
        "param",
        "class_hash",
    )
    (dispatched,) = facts(project, "delegate").syscalls
    assert (dispatched.name, dispatched.via, dispatched.entry_point) == (
        "library_call_syscall",
        "dispatcher",
        "run",
    )
    assert dispatched.args[0].name == "class_hash"


def test_assertions_record_compared_operands(project: Project) -> None:
    helper = project.call_graph.get(CALLS + "InternalImpl::only_owner").facts
    (check,) = helper.caller_checks
    assert (check.op, check.other("caller").kind, check.other("caller").name) == ("==", "storage", "owner")
    # `if caller != owner { panic }` is recorded as what must hold, through the local `caller`
    (grant_check,) = facts(project, "grant").caller_checks
    assert (grant_check.op, grant_check.left.kind, grant_check.right.name) == ("==", "caller", "owner")
    timing, zero = facts(project, "execute").assertions
    (deadline,) = timing.comparisons
    assert (deadline.op, deadline.left.kind, deadline.right.name) == (">=", "timestamp", "eta")
    assert zero.kind == "if_panic" and zero.comparisons[0].op == "!="
    assert [e.name for e in facts(project, "schedule").environment] == ["timestamp"]


def test_graph_queries(project: Project) -> None:
    graph = project.call_graph
    execute = CALLS + "execute"
    assert graph.reachable(execute) == {execute, CALLS + "InternalImpl::only_owner"}
    assert graph.syscalls_reached(execute) == {"replace_class_syscall"}
    assert list(graph.paths(CALLS + "schedule", CALLS + "InternalImpl::only_owner")) == [
        [CALLS + "schedule", CALLS + "InternalImpl::only_owner"]
    ]
    assert graph.path(CALLS + "grant", "syscall::replace_class_syscall") is None


def test_constants_are_evaluated(project: Project) -> None:
    values = {c.name: c.value for c in project.constants}
    assert values == {"HOUR": 3600, "MIN_DELAY": 48 * 3600, "ADMIN_ROLE": sn_keccak("ADMIN_ROLE")}


def test_upgrade_paths(project: Project) -> None:
    paths = {(p.entry_point, p.syscall) for p in upgrade_paths(project.call_graph, project.contract("Calls"))}
    assert paths == {
        ("execute", "replace_class_syscall"),
        ("delegate", "library_call_syscall"),
        ("raw", "library_call_syscall"),
    }


def test_component_calls_reach_known_guards_and_syscalls() -> None:
    project = analyze(str(FIXTURES / "contracts.cairo"))
    graph = project.call_graph
    upgrade = "contracts::Injected::upgrade"
    assert graph.path(upgrade, "syscall::replace_class_syscall") == [
        upgrade,
        "openzeppelin::UpgradeableComponent::InternalImpl::upgrade",
        "syscall::replace_class_syscall",
    ]
    guard = graph.find(upgrade, lambda f: bool(f.facts.caller_checks))
    assert guard == [upgrade, "openzeppelin::OwnableComponent::InternalImpl::assert_only_owner"]
    assert [c.name for c in graph.get(upgrade).facts.guard_calls] == ["assert_only_owner"]
    set_price = graph.get("contracts::Shop::ShopImpl::set_price")
    assert [(c.kind, c.component) for c in set_price.facts.calls] == [("component", "openzeppelin::OwnableComponent")]


def test_dependency_components_resolve_through_impl_parameters() -> None:
    project = analyze(str(FIXTURES / "contracts.cairo"))
    schedule = "openzeppelin::TimelockControllerComponent::Timelock::schedule"
    path = project.call_graph.find(schedule, lambda f: f.name == "assert_only_role" and "AccessControl" in f.id)
    assert path is not None and path[-1] == "openzeppelin::AccessControlComponent::InternalImpl::assert_only_role"
