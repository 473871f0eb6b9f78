"""A project compared with itself has no storage or ABI finding (DOMAIN.md 2c): whatever cannot be
resolved is unknown on both sides, never a removal, a rename or an encoding change.

Every fixture file (tests/fixtures/rules/*/*/old.cairo, new.cairo and contract.cairo,
tests/fixtures/diff/*/old.cairo and new.cairo) and the folder contracts/ is diffed against itself.
``PREFIXES`` are the rule families that must stay silent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cairo_upgrade_lint import analysis
from cairo_upgrade_lint.analysis import Options
from cairo_upgrade_lint.config import Config

ROOT = Path(__file__).parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
PREFIXES = ("CUL1", "CUL2")

INPUTS = sorted(
    [
        *FIXTURES.glob("rules/*/*/old.cairo"),
        *FIXTURES.glob("rules/*/*/new.cairo"),
        *FIXTURES.glob("rules/*/*/contract.cairo"),
        *FIXTURES.glob("diff/*/old.cairo"),
        *FIXTURES.glob("diff/*/new.cairo"),
    ]
) + [ROOT / "contracts"]


def findings_against_itself(path: Path, prefix: str) -> list[str]:
    """Findings of rules ``prefix*`` when ``path`` is compared with itself."""
    result = analysis.compare(str(path), str(path), Options(Config(), use_cache=False), {})
    return [f"{f.rule_id} {f.location.line}: {f.message}" for f in result.findings if f.rule_id.startswith(prefix)]


@pytest.mark.parametrize("prefix", PREFIXES)
@pytest.mark.parametrize("path", INPUTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_project_compared_with_itself_has_no_finding(path: Path, prefix: str) -> None:
    assert findings_against_itself(path, prefix) == []
