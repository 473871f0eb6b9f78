"""Running the analyzer the way the CLI does, for rule tests: fixture cases and catalogue examples."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from cairo_upgrade_lint import analysis
from cairo_upgrade_lint.analysis import Options
from cairo_upgrade_lint.config import Config
from cairo_upgrade_lint.findings import Finding

RULE_FIXTURES = Path(__file__).parent / "fixtures" / "rules"


@dataclass(frozen=True)
class Case:
    """One folder of tests/fixtures/rules/<RULE>/<case>/ with its expect.toml."""

    folder: Path
    rule: str
    findings: int
    file: str | None
    line: int | None
    contains: str | None
    errors: int | None = None  # error-level findings of every rule, when the case says

    @property
    def id(self) -> str:
        return f"{self.rule}/{self.folder.name}"


def cases() -> list[Case]:
    out = []
    for expect in sorted(RULE_FIXTURES.glob("*/*/expect.toml")):
        data = tomllib.loads(expect.read_text())
        out.append(
            Case(expect.parent, data["rule"], data["findings"], data.get("file"), data.get("line"),
                 data.get("contains"), data.get("errors"))
        )  # fmt: skip
    return out


def analyse(folder: Path) -> list[Finding]:
    """All findings for a case folder: old.cairo + new.cairo compared, or contract.cairo checked."""
    options = Options(Config(), use_cache=False)
    contract = folder / "contract.cairo"
    if contract.exists():
        return analysis.check([str(contract)], options).findings
    return analysis.compare(str(folder / "old.cairo"), str(folder / "new.cairo"), options, {}).findings


def analyse_sources(tmp: Path, code: str | None = None, old: str | None = None, new: str | None = None) -> list[Finding]:
    """All findings for inline sources (catalogue examples)."""
    if code is not None:
        (tmp / "contract.cairo").write_text(code)
    else:
        (tmp / "old.cairo").write_text(old or "")
        (tmp / "new.cairo").write_text(new or "")
    return analyse(tmp)
