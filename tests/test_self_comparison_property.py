"""The self-comparison property on generated code: any source compared with an identical copy of
itself has no storage or ABI finding (CUL1xx, CUL2xx), whatever the source is: fixture contracts
with lines deleted, duplicated or swapped, including code that no longer parses or resolves.
CUL201 (two entry points of one selector in the new version) is the one honestly single-version
rule among them and may stay."""

from __future__ import annotations

from pathlib import Path

from conftest import FIXTURES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cairo_upgrade_lint import analysis
from cairo_upgrade_lint.analysis import Options
from cairo_upgrade_lint.config import Config

SEEDS = sorted(
    p.read_bytes().decode(errors="replace")
    for p in FIXTURES.rglob("*.cairo")
    if "invalid" not in p.parts and "syntax" not in p.parts and p.stat().st_size < 6000
)
SINGLE_VERSION = frozenset({"CUL201"})


@st.composite
def mutated(draw: st.DrawFn) -> str:
    """A fixture contract with whole lines deleted, duplicated or swapped."""
    lines = draw(st.sampled_from(SEEDS)).splitlines()
    for _ in range(draw(st.integers(0, 4))):
        if not lines:
            break
        at = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["delete", "duplicate", "swap"]))
        if action == "delete":
            del lines[at]
        elif action == "duplicate":
            lines.insert(at, lines[at])
        else:
            other = draw(st.integers(0, len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
    return "\n".join(lines) + "\n"


def storage_and_abi_findings(tmp: Path, source: str) -> list[str]:
    """CUL1xx/CUL2xx findings of ``source`` compared with a copy of itself."""
    (tmp / "old").mkdir(exist_ok=True)
    (tmp / "new").mkdir(exist_ok=True)
    (tmp / "old" / "contract.cairo").write_text(source)
    (tmp / "new" / "contract.cairo").write_text(source)
    old, new = str(tmp / "old" / "contract.cairo"), str(tmp / "new" / "contract.cairo")
    run = analysis.compare(old, new, Options(Config(), use_cache=False), {})
    return [
        f"{f.rule_id}: {f.message}" for f in run.findings if f.rule_id[:4] in ("CUL1", "CUL2") and f.rule_id not in SINGLE_VERSION
    ]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(source=mutated())
def test_generated_code_compared_with_itself_has_no_storage_or_abi_finding(tmp_path: Path, source: str) -> None:
    assert storage_and_abi_findings(tmp_path, source) == []
