"""A diff on several cores: the old version is built in a forked child, and the outcome is the same
as a serial run's, input errors and the old version's syntax errors included."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES

from cairo_upgrade_lint import pipeline
from cairo_upgrade_lint.analysis import Unit
from cairo_upgrade_lint.config import Config
from cairo_upgrade_lint.errors import InputError
from cairo_upgrade_lint.forked import forked

BROKEN = FIXTURES / "syntax" / "invalid" / "missing_semicolon.cairo"


def _no_children_left() -> bool:
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def test_the_value_is_computed_in_a_child() -> None:
    with forked(os.getpid) as result:
        child = result()
    assert child != os.getpid()
    assert _no_children_left()


def test_an_expected_exception_is_raised_here() -> None:
    def unusable() -> None:
        raise InputError("old.cairo", "no such file or directory")

    with forked(unusable, (InputError,)) as result, pytest.raises(InputError, match="old.cairo: no such file"):
        result()


def test_a_child_that_cannot_deliver_is_replaced_by_computing_here() -> None:
    parent = os.getpid()

    def fails_in_a_child() -> int:
        if os.getpid() != parent:
            raise RuntimeError("only in the child")
        return 7

    with forked(fails_in_a_child) as result:
        assert result() == 7
    with forked(lambda: (lambda: 3) if os.getpid() != parent else 4) as result:  # a lambda does not pickle
        assert result() == 4


def test_without_a_process_to_spare_the_value_is_computed_here(monkeypatch: pytest.MonkeyPatch) -> None:
    def refused() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", refused)
    with forked(os.getpid) as result:
        assert result() == os.getpid()


def test_the_child_is_reaped_when_its_value_is_not_asked_for() -> None:
    with forked(lambda: sum(range(10**8))):
        pass
    assert _no_children_left()


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
