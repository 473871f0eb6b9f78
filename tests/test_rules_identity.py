"""CUL206 on folder inputs whose old version is built in a child process without syntax trees or
file texts (a parallel diff): the old identifier function is read again from its file."""

from __future__ import annotations

import shutil
from pathlib import Path

from rule_cases import RULE_FIXTURES

from cairo_upgrade_lint import analysis
from cairo_upgrade_lint.analysis import Options
from cairo_upgrade_lint.config import Config

CASE = RULE_FIXTURES / "CUL206" / "tp_identity_constant_changed"


def _package(root: Path, source: Path) -> str:
    (root / "src").mkdir(parents=True)
    (root / "cairo_project.toml").write_text('[crate_roots]\nproj = "src"\n')
    shutil.copy(source, root / "src" / "lib.cairo")
    return str(root)


def test_identity_change_is_found_when_the_old_version_is_built_apart(tmp_path: Path) -> None:
    old = _package(tmp_path / "old", CASE / "old.cairo")
    new = _package(tmp_path / "new", CASE / "new.cairo")
    for jobs in (1, 2):
        found = analysis.compare(old, new, Options(Config(), jobs, use_cache=False), {}).findings
        identity = [f for f in found if f.rule_id == "CUL206"]
        assert len(identity) == 1, (jobs, [f.message for f in found])
        assert 'selector!("proj::positions::Positions")' in identity[0].message
        assert identity[0].related and identity[0].related[0].location.path.endswith("lib.cairo")
