"""Guards of this round that decide upgrade and migration findings: a passed proposal's status (the
vote is the authority, CUL301) and one-shot initializers as version guards (CUL401). Fixtures under
tests/fixtures/rules/CUL301/*proposal* and CUL401/*one_shot*, *zero_check*."""

from __future__ import annotations

from pathlib import Path

from cairo_upgrade_lint.catalogue import load_catalogue
from cairo_upgrade_lint.config import Config
from cairo_upgrade_lint.model import analyze
from cairo_upgrade_lint.model.syscalls import REPLACE_CLASS
from cairo_upgrade_lint.semantics.context import Context
from cairo_upgrade_lint.semantics.guards import sites_guard, syscall_sites
from cairo_upgrade_lint.semantics.migrations import migrations

FIXTURES = Path(__file__).parent / "fixtures" / "rules"


def _load(path: Path):
    project = analyze(str(path))
    (contract,) = [c for c in project.contracts if c.kind == "contract"]
    return Context(project, Config(), load_catalogue()), contract


def _upgrade_guard(path: Path):
    ctx, contract = _load(path)
    return sites_guard(ctx, contract, contract.entry_point("apply_passed_proposal"), syscall_sites(REPLACE_CLASS))


def test_a_passed_proposal_status_that_only_votes_move_guards_the_upgrade() -> None:
    guard = _upgrade_guard(FIXTURES / "CUL301" / "ok_upgrade_by_passed_proposal" / "contract.cairo")
    assert guard.guarded and guard.kind == "vote" and guard.subject == "get_proposal_status"
    assert "`total_yay`" in guard.description and "`vote` (a vote)" in guard.description


def test_a_status_set_from_the_tally_by_the_vote_guards_it_too(tmp_path: Path) -> None:
    """The vote writes the status itself once the tally crosses a threshold (read-then-write at the
    proposal's key, the voter's balance queried): still the vote's decision."""
    source = (FIXTURES / "CUL301" / "tp_proposal_created_passed" / "contract.cairo").read_text()
    creation = "            self.status.write(prop_id, 1);\n            prop_id\n"
    assert creation in source
    (tmp_path / "contract.cairo").write_text(source.replace(creation, "            prop_id\n"))
    guard = _upgrade_guard(tmp_path / "contract.cairo")
    assert guard.guarded and guard.kind == "vote"


def test_a_status_anyone_writes_or_a_proposal_created_passed_is_no_guard() -> None:
    for case in ("tp_proposal_status_anyone_sets", "tp_proposal_created_passed"):
        guard = _upgrade_guard(FIXTURES / "CUL301" / case / "contract.cairo")
        assert not guard.guarded and guard.kind == "none", case


def test_a_one_shot_initializer_is_a_version_guarded_migration() -> None:
    """The first signer asserted empty, then written through `key.add_signer()` (a receiver call into
    a free function writing raw storage): the migration can run once (braavos initializer)."""
    ctx, contract = _load(FIXTURES / "CUL401" / "ok_one_shot_initializer" / "new.cairo")
    (initializer,) = [m for m in migrations(ctx, contract) if m.entry.name == "initializer"]
    assert initializer.version_checked and not initializer.version_members
    assert "get_first_signer" in initializer.one_shot and "signers_base()" in initializer.one_shot
    ctx, contract = _load(FIXTURES / "CUL401" / "tp_zero_check_never_written" / "new.cairo")
    (initializer,) = [m for m in migrations(ctx, contract) if m.entry.name == "initializer"]
    assert not initializer.version_checked and not initializer.one_shot
