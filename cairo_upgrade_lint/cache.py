"""The tool's cache folder: the only place besides ``--output`` it ever writes to."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

ENV = "CAIRO_UPGRADE_LINT_CACHE"
APP = "cairo-upgrade-lint"


def cache_dir() -> str:
    """``$CAIRO_UPGRADE_LINT_CACHE``, else the platform's user cache folder: ``$XDG_CACHE_HOME`` or
    ``~/.cache`` (Linux and other Unix), ``~/Library/Caches`` (macOS), ``%LOCALAPPDATA%`` (Windows),
    with ``cairo-upgrade-lint`` appended (Windows: ``cairo-upgrade-lint\\Cache``), as platformdirs
    lays them out."""
    chosen = os.environ.get(ENV)
    if chosen:
        return chosen
    if sys.platform == "win32":
        local = os.environ.get("LOCALAPPDATA") or os.path.join(os.path.expanduser("~"), "AppData", "Local")
        return os.path.join(local, APP, "Cache")
    if sys.platform == "darwin":
        return os.path.join(os.path.expanduser("~/Library/Caches"), APP)
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    return os.path.join(xdg if os.path.isabs(xdg) else os.path.expanduser("~/.cache"), APP)


@contextmanager
def scratch(purpose: str) -> Iterator[str]:
    """A private folder inside the cache, removed afterwards."""
    import tempfile  # only `--base` needs it

    parent = os.path.join(cache_dir(), purpose)
    os.makedirs(parent, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=parent) as folder:
        yield folder
