"""Shared test helpers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Keep the tool's cache of every test run away from the user's."""
    os.environ["CAIRO_UPGRADE_LINT_CACHE"] = str(tmp_path_factory.mktemp("cul-cache"))
