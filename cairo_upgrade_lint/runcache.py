"""Reuse the outcome of a unit whose inputs did not change since the last run.

The key hashes the tool version, the unit's settings and the path and content of every Cairo source
and manifest under its inputs; the outcome (findings, input errors, file count) is pickled under
the cache folder with the content hash of each file the analysis read outside its inputs (a path
dependency, a crate root elsewhere, a single file's module files), and is reused only while those
are unchanged too. ``--no-cache`` bypasses it.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator

from . import __version__
from .cache import cache_dir
from .digest import new_digest
from .errors import InputError
from .findings import Finding
from .records import field, record

_KEPT = (".cairo", "Scarb.toml", "cairo_project.toml")
_SKIPPED = frozenset({"target", "node_modules", "__pycache__"})


@record(frozen=False)
class Outcome:
    """What one unit produced."""

    findings: list[Finding]
    input_errors: list[InputError]
    files: int
    read: tuple[str, ...] = ()  # the absolute path of every file the analysis read
    present: list[Finding] = field(default_factory=list)  # single-version findings the old version has too
    skipped_tests: int = 0  # test and mock files of the (new) input left out
    dependencies: tuple[str, ...] = ()  # one line per Scarb dependency not found (or fallback taken)


@functools.cache
def _tool_fingerprint() -> str:
    """A hash of the analyzer's own code and catalogue files (path, size, modification time), so
    that any change to them invalidates; reading them all would cost more than a small run."""
    digest = new_digest(__version__.encode())
    for directory, dirs, files in os.walk(os.path.dirname(__file__)):  # the catalogue is a subpackage
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(f for f in files if f.endswith((".py", ".toml"))):
            info = os.stat(os.path.join(directory, name))
            digest.update(f"{directory}/{name}\0{info.st_size}\0{info.st_mtime_ns}\0".encode())
    return digest.hexdigest()


def key(inputs: list[str], settings: str) -> str | None:
    """The content key of a unit, or None when an input cannot be read (no caching then)."""
    digest = new_digest(f"{_tool_fingerprint()}\0{settings}\0".encode())
    try:
        for path in inputs:
            for file in _files(path):
                with open(file, "rb") as handle:
                    data = handle.read()
                digest.update(f"{os.path.abspath(file)}\0{len(data)}\0".encode())
                digest.update(data)
    except OSError:
        return None
    return digest.hexdigest()


def _files(path: str) -> Iterator[str]:
    if os.path.isfile(path):
        yield path
        return
    if not os.path.isdir(path):
        raise FileNotFoundError(path)
    for folder, dirs, files in os.walk(path):
        dirs[:] = sorted(d for d in dirs if d not in _SKIPPED and not d.startswith("."))
        yield from (os.path.join(folder, f) for f in sorted(files) if f.endswith(_KEPT))


def _entry(key: str) -> str:
    return os.path.join(cache_dir(), "results", key[:2], key + ".pickle")


def lookup(key: str) -> Outcome | None:
    """The stored outcome for ``key``, if any and if the files it read outside the key's inputs are
    unchanged (a corrupt entry counts as none)."""
    import pickle  # here, not at the top: a --no-cache run never needs it

    try:
        with open(_entry(key), "rb") as handle:
            outcome, outside = pickle.load(handle)
    except Exception:
        return None
    if not isinstance(outcome, Outcome) or any(_content_hash(path) != known for path, known in outside):
        return None
    return outcome


def store(key: str, outcome: Outcome, inputs: list[str]) -> None:
    """Remember ``outcome`` of the unit on ``inputs`` (atomically; a read-only or full disk, or a
    file that is gone, only means no caching)."""
    import pickle

    entry = _entry(key)
    try:
        covered = {os.path.abspath(file) for path in inputs for file in _files(path)}
        outside = [(path, _content_hash(path)) for path in outcome.read if path not in covered]
        if any(known is None for _, known in outside):
            return
        os.makedirs(os.path.dirname(entry), exist_ok=True)
        temporary = f"{entry}.{os.getpid()}.tmp"
        with open(temporary, "wb") as handle:
            pickle.dump((outcome, outside), handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, entry)
    except (OSError, pickle.PicklingError):
        return


def _content_hash(path: str) -> str | None:
    """The hash of a file's bytes (None when it cannot be read)."""
    try:
        with open(path, "rb") as handle:
            return new_digest(handle.read()).hexdigest()
    except OSError:
        return None
