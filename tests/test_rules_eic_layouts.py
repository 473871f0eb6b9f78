"""External initializer contracts (EICs) are linked to their host in every repository layout: in the
host's file, in another file of its package, in another package of its Scarb workspace, or in a package
the host's package path-depends on (fixtures under tests/fixtures/eic_layouts/, see its README).

In each, CUL402 sees that the EIC initialises the member the new constructor sets (no finding), and the
EIC's ``eic_initialize`` is a migration of the host, run only by the host's caller-checked upgrade: no
CUL401 (storage-version guard), CUL302 or CUL307 on it."""

from __future__ import annotations

from pathlib import Path

import pytest

from cairo_upgrade_lint import analysis
from cairo_upgrade_lint.analysis import Options
from cairo_upgrade_lint.catalogue import load_catalogue
from cairo_upgrade_lint.config import Config
from cairo_upgrade_lint.findings import Severity
from cairo_upgrade_lint.model import analyze
from cairo_upgrade_lint.model.syscalls import LIBRARY_CALL
from cairo_upgrade_lint.semantics.context import Context
from cairo_upgrade_lint.semantics.guards import sites_guard, syscall_sites
from cairo_upgrade_lint.semantics.migrations import migrations

LAYOUTS = Path(__file__).parent / "fixtures" / "eic_layouts"
# (layout, the folder or file linted inside old/ and new/)
CASES = [
    ("same_file", "vault.cairo"),
    ("same_package", "."),
    ("workspace", "."),
    ("path_dependency", "packages/vault"),
]


def _paths(layout: str, inner: str) -> tuple[str, str]:
    return str(LAYOUTS / layout / "old" / inner), str(LAYOUTS / layout / "new" / inner)


@pytest.mark.parametrize(("layout", "inner"), CASES, ids=[c[0] for c in CASES])
def test_the_eic_initialises_the_new_member(layout: str, inner: str) -> None:
    old, new = _paths(layout, inner)
    findings = analysis.compare(old, new, Options(Config(), use_cache=False), {}).findings
    assert not [f for f in findings if f.rule_id in ("CUL000", "CUL401", "CUL402", "CUL302", "CUL307")], findings
    (pairing,) = [f for f in findings if f.rule_id == "CUL002"]
    assert pairing.severity is Severity.NOTE and "`VaultEIC` is an external initializer" in pairing.message


@pytest.mark.parametrize(("layout", "inner"), CASES, ids=[c[0] for c in CASES])
def test_eic_initialize_runs_only_through_the_guarded_upgrade(layout: str, inner: str) -> None:
    project = analyze(_paths(layout, inner)[1])
    ctx = Context(project, Config(), load_catalogue())
    vault = project.contract("Vault")
    (eic,) = [m for m in migrations(ctx, vault) if m.external_initializer]
    assert eic.name == "VaultEIC::eic_initialize" and eic.guarded and "fee_bps" in eic.writes
    # the only way in: Vault::upgrade's library call, behind its owner check
    upgrade = vault.entry_point("upgrade")
    guard = sites_guard(ctx, vault, upgrade, syscall_sites(LIBRARY_CALL))
    assert guard.guarded and guard.kind == "caller_check" and guard.subject == "owner"


def test_without_the_eic_the_member_is_constructor_only() -> None:
    """The control: the same upgrade with no EIC anywhere is a CUL402 warning."""
    old, _ = _paths("same_file", "vault.cairo")
    new = str(LAYOUTS / "workspace" / "new" / "packages" / "vault" / "src" / "vault.cairo")
    findings = analysis.compare(old, new, Options(Config(), use_cache=False), {}).findings
    (constructor_only,) = [f for f in findings if f.rule_id == "CUL402"]
    assert "`fee_bps`" in constructor_only.message
