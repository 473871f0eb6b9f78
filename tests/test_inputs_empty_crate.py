"""A crate none of whose files can be read (a folder holding only a binary or a dangling link) has no
modules: every command reports the input error and exits 2, none crashes on the empty crate."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cairo_upgrade_lint.cli import main
from cairo_upgrade_lint.model.loading import CrateSource, load
from cairo_upgrade_lint.model.scope import ScopeIndex


def unreadable_only(tmp_path: Path, kind: str) -> Path:
    """A folder whose one ``.cairo`` file is binary or a link to nothing."""
    folder = tmp_path / kind
    folder.mkdir()
    if kind == "binary":
        (folder / "blob.cairo").write_bytes(b"\xff\xfe\x00\x01" * 8)
    else:
        (folder / "gone.cairo").symlink_to(tmp_path / "nowhere.cairo")
    return folder


@pytest.mark.parametrize("kind", ["binary", "dangling"])
def test_loading_gives_a_crate_without_modules_and_scoping_accepts_it(tmp_path: Path, kind: str) -> None:
    sources = load(str(unreadable_only(tmp_path, kind)))
    assert [c.modules for c in sources.crates] == [()] and sources.errors
    index = ScopeIndex(sources.crates)
    assert index.roots == {} and index.scopes == []


def test_an_empty_crate_next_to_a_real_one_keeps_the_real_one(tmp_path: Path) -> None:
    real = tmp_path / "real.cairo"
    real.write_text("#[starknet::contract]\nmod Counter {\n    #[storage]\n    struct Storage { value: u32 }\n}\n")
    crates = [CrateSource("empty", "folder", str(tmp_path), ()), *load(str(real)).crates]
    assert set(ScopeIndex(crates).roots) == {"real"}


@pytest.mark.parametrize("kind", ["binary", "dangling"])
@pytest.mark.parametrize(
    ("command", "code"),
    [
        (["audit"], 2),
        (["audit", "--design"], 2),
        (["audit", "--graph", "dot"], 2),
        (["check"], 2),
        (["diff", "SELF"], 2),
        (["layout"], 2),
        (["snapshot"], 2),
    ],
)
def test_no_command_crashes_on_it(tmp_path: Path, kind: str, command: list[str], code: int) -> None:
    folder = str(unreadable_only(tmp_path, kind))
    args = [folder if a == "SELF" else a for a in command]
    result = CliRunner().invoke(main, [args[0], folder, *args[1:]])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "internal error" not in result.output and "Traceback" not in result.output
    assert result.exit_code == code, result.output
