"""Shared test helpers."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"

pytest.register_assert_rewrite("contracts_support", "report_sample")  # support modules, not collected

# The session fixtures of contracts_support that compile contracts/ with the real Cairo compiler
# (``compiler``) or deploy it on the Cairo VM (``vm``): a test using one, directly or through another
# fixture, gets the markers. Tests that call the toolchain themselves carry the markers in their module.
TOOLCHAIN_FIXTURES = {"contract_classes": ("compiler",), "seeded_system": ("compiler", "vm")}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        for marker in sorted({m for name, marks in TOOLCHAIN_FIXTURES.items() if name in fixtures for m in marks}):
            item.add_marker(marker)


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Keep the tool's cache of every test run away from the user's."""
    os.environ["CAIRO_UPGRADE_LINT_CACHE"] = str(tmp_path_factory.mktemp("cul-cache"))


def lint_upgrade_imports(args: list[str], watched: list[str], cwd: Path | None = None) -> tuple[str, list[str]]:
    """``lint-upgrade ARGS`` in a fresh interpreter: its stdout, and the modules of ``watched`` (or
    below them) loaded when it ends. They are dropped from ``sys.modules`` first: an editable
    install's import hook loads ``pathlib`` before the tool starts."""
    code = (
        f"import sys\nwatched = {watched!r}\n"
        "def seen():\n    return sorted(m for m in sys.modules if any(m == w or m.startswith(w + '.') for w in watched))\n"
        "for name in seen():\n    del sys.modules[name]\n"
        "from cairo_upgrade_lint.cli import lint_upgrade\n"
        "try:\n    lint_upgrade()\nexcept SystemExit:\n    pass\n"
        "print(seen(), file=sys.stderr)"
    )
    run = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=cwd, check=False)
    return run.stdout, ast.literal_eval(run.stderr.splitlines()[-1])
