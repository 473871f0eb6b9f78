"""Configuration files: a malformed one is an input error, never a crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from cairo_upgrade_lint.config import discover, load
from cairo_upgrade_lint.errors import InputError


@pytest.mark.parametrize("value", ["5", '"CUL1"', "[1, 2]"])
def test_a_tool_section_that_is_not_a_table_is_an_input_error(tmp_path: Path, value: str) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(f"[tool]\ncairo-upgrade-lint = {value}\n")
    for read in (lambda: load(str(pyproject)), lambda: discover(str(tmp_path))):
        with pytest.raises(InputError, match=r"tool\.cairo-upgrade-lint must be a table"):
            read()


def test_the_tool_section_is_read_from_pyproject(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[tool.cairo-upgrade-lint]\nselect = "cul1"\nexclude = ["  ", "mocks/**"]\n')
    config = load(str(pyproject))
    assert config.select == ("CUL1",) and config.exclude == ("mocks/**",) and config.source == str(pyproject)


@pytest.mark.parametrize(("line", "message"), [("select = 5", "not 5"), ("exclude = [1]", "lists of glob strings")])
def test_a_value_of_the_wrong_kind_is_an_input_error(tmp_path: Path, line: str, message: str) -> None:
    config = tmp_path / ".cairo-upgrade-lint.toml"
    config.write_text(line + "\n")
    with pytest.raises(InputError, match="invalid config value") as raised:
        load(str(config))
    assert message in str(raised.value)
