"""A diff on several cores: the old version is built in a second process, and the outcome is the same
as a serial run's, input errors and the old version's syntax errors included, also when no process
can be started or it dies."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES

from cairo_upgrade_lint import pipeline
from cairo_upgrade_lint.analysis import Unit, process_pool
from cairo_upgrade_lint.config import Config
from cairo_upgrade_lint.model import Project, Sources

BROKEN = FIXTURES / "syntax" / "invalid" / "missing_semicolon.cairo"


def _no_children_left() -> bool:
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def _trees(root: Path) -> tuple[Path, Path]:
    """Old and new folders of every fixture pair, a syntax error in each version, and a binary
    file in the old one."""
    old, new = root / "old", root / "new"
    for pair in sorted(p.parent for p in FIXTURES.rglob("old.cairo") if (p.parent / "new.cairo").exists()):
        name = "_".join(pair.relative_to(FIXTURES).parts) + ".cairo"
        for side, folder in (("old", old), ("new", new)):
            folder.mkdir(exist_ok=True)
            shutil.copyfile(pair / f"{side}.cairo", folder / name)
    for folder in (old, new):
        shutil.copyfile(BROKEN, folder / "broken.cairo")
    (old / "blob.cairo").write_bytes(b"\x7fELF\x00\x01")
    return old, new


def test_a_parallel_diff_equals_the_serial_one(tmp_path: Path) -> None:
    old, new = _trees(tmp_path)
    unit = Unit(str(new), str(old))
    serial = pipeline.analyse(unit, Config())
    parallel = pipeline.analyse(unit, Config(), parallel=True)
    assert (parallel.findings, parallel.files, parallel.read) == (serial.findings, serial.files, serial.read)
    assert [str(e) for e in parallel.input_errors] == [str(e) for e in serial.input_errors]
    assert [str(e) for e in serial.input_errors] == [f"{old / 'blob.cairo'}: binary file, not Cairo source"]
    rules = {f.rule_id for f in serial.findings}
    assert {"CUL000", "CUL101", "CUL202"} <= rules, rules
    broken = [f.location.path for f in serial.findings if f.rule_id == "CUL000"]
    assert sorted(broken) == sorted(str(f / "broken.cairo") for f in (old, new))
    assert any(r.location.path.startswith(str(old)) for f in serial.findings for r in f.related)


@pytest.mark.parametrize("side", ["old", "new"])
def test_an_unusable_version_is_an_input_error_in_parallel(tmp_path: Path, side: str) -> None:
    old, new = _trees(tmp_path)
    missing = tmp_path / "missing"
    unit = Unit(str(missing if side == "new" else new), str(missing if side == "old" else old))
    for outcome in (pipeline.analyse(unit, Config(), parallel=True), pipeline.analyse(unit, Config())):
        assert (outcome.findings, outcome.files) == ([], 0)
        assert [str(e) for e in outcome.input_errors] == [f"{missing}: no such file or directory"]
    assert _no_children_left()


def test_the_pool_runs_work_in_another_process() -> None:
    with process_pool(1) as pool:
        assert pool.submit(os.getpid).result() != os.getpid()
    assert _no_children_left()


def test_without_a_process_to_spare_the_old_version_is_built_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old, new = _trees(tmp_path)
    unit = Unit(str(new), str(old))
    serial = pipeline.analyse(unit, Config())

    def refused() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", refused)
    parallel = pipeline.analyse(unit, Config(), parallel=True)
    assert (parallel.findings, parallel.files) == (serial.findings, serial.files)


def test_a_process_that_dies_is_replaced_by_building_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old, new = _trees(tmp_path)
    unit = Unit(str(new), str(old))
    serial = pipeline.analyse(unit, Config())
    parent, build = os.getpid(), pipeline.build

    def dies_in_a_child(sources: Sources) -> Project:
        if os.getpid() != parent:
            os._exit(1)
        return build(sources)

    monkeypatch.setattr(pipeline, "build", dies_in_a_child)
    parallel = pipeline.analyse(unit, Config(), parallel=True)
    assert (parallel.findings, parallel.files) == (serial.findings, serial.files)
    assert _no_children_left()
