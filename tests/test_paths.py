"""``paths``: the string stand-ins for ``pathlib`` agree with it."""

from __future__ import annotations

import os
from pathlib import Path, PurePath

import pytest

from cairo_upgrade_lint.paths import posix, relative_posix, within

ROOT = os.path.abspath(os.sep)


@pytest.mark.parametrize(
    ("path", "folder"),
    [
        ("a/b/c.cairo", "a/b"),
        ("a/b", "a/b"),
        ("a/bc/d.cairo", "a/b"),  # a sibling sharing the folder's name as a prefix
        ("a", "a/b"),
        ("a/b/c", ""),  # the file system's root
        ("x/y", "a"),
    ],
)
def test_within_and_relative_agree_with_pathlib(path: str, folder: str) -> None:
    path, folder = os.path.join(ROOT, path), os.path.join(ROOT, folder)
    expected = PurePath(path).is_relative_to(folder)
    assert within(path, folder) == expected
    if expected:
        assert relative_posix(path, folder) == PurePath(path).relative_to(folder).as_posix()


def test_posix_separators(tmp_path: Path) -> None:
    inner = tmp_path / "src" / "lib.cairo"
    assert posix(str(inner)) == inner.as_posix()
    assert relative_posix(str(inner), str(tmp_path)) == "src/lib.cairo"
