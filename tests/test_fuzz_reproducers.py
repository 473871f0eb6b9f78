"""Inputs on which ``scripts/fuzz.py`` found a crash: each must now go through the fuzzer's own
analysis (parse, build, single-version rules, diff against the seed it was mutated from) quickly."""

from __future__ import annotations

import signal
from pathlib import Path
from types import FrameType

import pytest
from conftest import FIXTURES
from fuzz import analyse

FOUND = sorted((FIXTURES / "fuzz").glob("*.new.cairo"))


def _timeout(signum: int, frame: FrameType | None) -> None:
    raise TimeoutError("the analysis took longer than 10 s")


@pytest.mark.parametrize("new", FOUND, ids=[p.name.split(".")[0] for p in FOUND])
def test_reproducer_is_analysed(new: Path) -> None:
    old = new.with_name(new.name.replace(".new.", ".old."))
    previous = signal.signal(signal.SIGALRM, _timeout)
    signal.alarm(10)
    try:
        found = analyse(old.read_bytes(), new.read_bytes())
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert all(f.rule_id.startswith("CUL") for f in found)
