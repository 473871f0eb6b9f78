"""Every old/new fixture pair under tests/fixtures/diff produces exactly the diff in its expected.json.

Each summary line is ``<change kind> <member or name> <compatibility> [<detail kind>@<path> ...]``;
the cases cover every compatible change DOMAIN.md names (reorder, LegacyMap -> Map, tuple key ->
nested Map, alias, widening, struct append, enum reorder keeping indicators, additions, #[rename])
and the incompatible ones (removal, implicit rename, re-encoding, narrowing, struct and enum layout
changes, key changes, node members, custom packing, unresolved types, collisions, entry points,
events, lost upgrade path).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cairo_upgrade_lint.diff import ContractDiff, diff_projects
from cairo_upgrade_lint.model import analyze

CASES = Path(__file__).parent / "fixtures" / "diff"


def summarize(diff: ContractDiff) -> dict[str, object]:
    return {
        "pair": [diff.old.name, diff.new.name],
        "storage": sorted(
            f"{c.kind} {c.name} {c.compatibility.value}"
            + (" explicit" if c.explicit else "")
            + "".join(f" {d.kind}@{d.path}:{d.compatibility.value}" for d in c.changes)
            for c in diff.storage
        ),
        "entry_points": sorted(f"{c.kind} {c.name}" for c in diff.entry_points),
        "events": sorted(f"{c.kind} {c.name}" for c in diff.events),
        "new_collisions": sorted(" = ".join(c.members) for c in diff.new_collisions),
        "upgradeability_removed": diff.upgradeability_removed,
    }


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir() if p.is_dir()))
def test_fixture_diff(case: str) -> None:
    folder = CASES / case
    result = diff_projects(analyze(str(folder / "old.cairo")), analyze(str(folder / "new.cairo")))
    assert not result.unpaired_old and not result.unpaired_new
    assert [summarize(d) for d in result.contracts] == json.loads((folder / "expected.json").read_text())
