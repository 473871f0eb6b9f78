"""Inputs on which ``scripts/fuzz.py`` found a crash or a hang: each must now be analysed like any
other (parse, build, single-version rules, diff against the seed it was mutated from), quickly."""

from __future__ import annotations

import signal
from pathlib import Path
from types import FrameType

import pytest
from conftest import FIXTURES

from cairo_upgrade_lint.config import Config
from cairo_upgrade_lint.diff import diff_projects
from cairo_upgrade_lint.model import Project, Sources, build
from cairo_upgrade_lint.model.loading import CrateSource, SourceModule
from cairo_upgrade_lint.rules.base import Context
from cairo_upgrade_lint.rules.catalogue import load_catalogue
from cairo_upgrade_lint.rules.registry import check_contracts, check_diff
from cairo_upgrade_lint.syntax import parse

FOUND = sorted((FIXTURES / "fuzz").glob("*.new.cairo"))


def project(data: bytes, path: str) -> Project:
    """The single-file model of raw bytes (the fuzzer's inputs need not be UTF-8)."""
    crate = CrateSource("fuzz", "file", ".", (SourceModule((), parse(data, path)),))
    return build(Sources(path, (crate,), (), {path: data}))


def _timeout(signum: int, frame: FrameType | None) -> None:
    raise TimeoutError("the analysis took longer than 10 s")


@pytest.mark.parametrize("new", FOUND, ids=[p.name.split(".")[0] for p in FOUND])
def test_reproducer_is_analysed(new: Path) -> None:
    old = new.with_name(new.name.replace(".new.", ".old."))
    previous = signal.signal(signal.SIGALRM, _timeout)
    signal.alarm(10)
    try:
        before, after = project(old.read_bytes(), "old.cairo"), project(new.read_bytes(), "new.cairo")
        catalogue, config = load_catalogue(), Config()
        single = check_contracts(after.contracts, Context(after, config, catalogue))
        paired = check_diff(diff_projects(before, after), Context(after, config, catalogue, old=before))
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert all(f.rule_id.startswith("CUL") for f in single + paired)
