"""Every audit requirement both ways: each profile's complete fixture passes all its requirements,
each broken fixture fails exactly the requirement it breaks, and each catalogue example behaves as
documented (the bad one fails its requirement, the fixed one passes it)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from cairo_upgrade_lint.audit import PROFILES, REQUIREMENT_IDS, run
from cairo_upgrade_lint.audit.checklist import AuditRun
from cairo_upgrade_lint.catalogue import load_catalogue
from cairo_upgrade_lint.config import Config

FIXTURES = Path(__file__).parent / "fixtures" / "audit"
CATALOGUE = load_catalogue()
PROFILE_OF = {r.id: name for name, p in PROFILES.items() for r in p.requirements}


def statuses(result: AuditRun) -> dict[str, str]:
    return {r.requirement.id: r.outcome.status.value for r in result.results}


def audit_source(folder: Path, source: str, profile: str, contract: str | None = None) -> AuditRun:
    (folder / "contract.cairo").write_text(source)
    return run(str(folder), Config(), (profile,), contract)


def broken_cases() -> list[tuple[str, dict]]:
    cases = []
    for profile in sorted(PROFILES):
        for case in tomllib.loads((FIXTURES / profile / "broken.toml").read_text())["case"]:
            cases.append((profile, case))
    return cases


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_complete_fixture_passes_every_requirement(profile: str) -> None:
    result = run(str(FIXTURES / profile / "ok.cairo"), Config(), (profile,))
    assert not result.audit.project.diagnostics
    assert result.results and all(r.contract is not None for r in result.results)
    assert set(statuses(result).values()) == {"pass"}, [(r.requirement.id, r.outcome.message) for r in result.results]
    assert not result.failed


@pytest.mark.parametrize(("profile", "case"), broken_cases(), ids=lambda v: v if isinstance(v, str) else v["name"])
def test_broken_fixture_fails_exactly_its_requirement(profile: str, case: dict, tmp_path: Path) -> None:
    source = (FIXTURES / profile / "ok.cairo").read_text()
    for old, new in case["replace"]:
        assert old in source, f"{case['name']}: {old!r} not in ok.cairo"
        source = source.replace(old, new)
    ok = audit_source(tmp_path, (FIXTURES / profile / "ok.cairo").read_text(), profile)
    result = audit_source(tmp_path, source, profile, contract=ok.results[0].contract.name)  # type: ignore[union-attr]
    failing = {rid for rid, status in statuses(result).items() if status == "fail"}
    assert failing == {case["id"], *case.get("also", ())}, [r.outcome.message for r in result.results]
    assert result.failed


def test_every_profile_has_broken_fixtures_for_every_requirement() -> None:
    covered = {case["id"] for _, case in broken_cases()}
    assert covered == REQUIREMENT_IDS


def test_catalogue_documents_exactly_the_requirements() -> None:
    assert {i for i in CATALOGUE if i.startswith("CUL5")} == REQUIREMENT_IDS
    assert all(not CATALOGUE[i].bad.is_diff and "audit" in CATALOGUE[i].tags for i in REQUIREMENT_IDS)


@pytest.mark.parametrize("rule_id", sorted(REQUIREMENT_IDS))
@pytest.mark.parametrize(("side", "expected"), [("bad", "fail"), ("fixed", "pass")])
def test_catalogue_example(rule_id: str, side: str, expected: str, tmp_path: Path) -> None:
    code = getattr(CATALOGUE[rule_id], side).code
    (tmp_path / "contract.cairo").write_text(code)
    probe = run(str(tmp_path), Config(), ())
    contracts = [c.name for c in probe.audit.project.contracts if c.kind == "contract"]
    assert len(contracts) == 1 and not probe.audit.project.diagnostics
    result = run(str(tmp_path), Config(), (PROFILE_OF[rule_id],), contracts[0])
    outcome = next(r.outcome for r in result.results if r.requirement.id == rule_id)
    assert outcome.status.value == expected, outcome.message
