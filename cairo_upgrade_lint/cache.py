"""The tool's cache folder: the only place besides ``--output`` it ever writes to."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

from platformdirs import user_cache_dir

ENV = "CAIRO_UPGRADE_LINT_CACHE"


def cache_dir() -> str:
    """``$CAIRO_UPGRADE_LINT_CACHE``, else the user cache folder (``~/.cache/cairo-upgrade-lint``)."""
    return os.environ.get(ENV) or user_cache_dir("cairo-upgrade-lint", appauthor=False)


@contextmanager
def scratch(purpose: str) -> Iterator[str]:
    """A private folder inside the cache, removed afterwards."""
    parent = os.path.join(cache_dir(), purpose)
    os.makedirs(parent, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=parent) as folder:
        yield folder
