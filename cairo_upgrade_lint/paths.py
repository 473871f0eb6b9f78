"""Path questions on plain strings. ``pathlib`` is not imported on the hot path: with what it pulls
in (``urllib.parse``, ``ipaddress``, ``fnmatch``) it cost 16 M instructions, 5% of a
single-contract run."""

from __future__ import annotations

import os


def within(path: str, folder: str) -> bool:
    """Whether the absolute ``path`` is ``folder`` or lies below it (lexically, as
    ``PurePath.is_relative_to``; case-insensitive where the platform is)."""
    path, folder = os.path.normcase(path), os.path.normcase(folder)
    return path == folder or path.startswith(folder if folder.endswith(os.sep) else folder + os.sep)


def posix(path: str) -> str:
    """``path`` with forward slashes (``PurePath.as_posix``)."""
    return path.replace(os.sep, "/") if os.sep != "/" else path


def relative_posix(path: str, folder: str) -> str:
    """``path`` (inside ``folder``, both absolute) relative to ``folder``, forward slashes."""
    return posix(os.path.relpath(path, folder))
