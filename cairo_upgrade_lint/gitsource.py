"""The old version of a path as it was at a git reference, read with git plumbing.

The working tree and the index are never touched: blobs are read with ``git cat-file`` and written
into a temporary folder that mirrors the repository layout.
"""

from __future__ import annotations

import os

from .errors import InputError
from .records import record


@record
class OldTree:
    """Where the old version of ``path`` was written (None: the path did not exist at ``ref``)."""

    ref: str
    path: str | None
    renamed_from: str | None


def _git(args: list[str], cwd: str) -> bytes:
    import subprocess  # only `--base` runs git; the import costs a run without it 4 ms

    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except OSError as error:
        raise InputError(cwd, f"cannot run git: {error.strerror or error}") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise InputError(cwd, f"git {' '.join(args[:2])}: {message[-1] if message else 'failed'}")
    return done.stdout


def repository_root(path: str) -> str:
    """The top folder of the git work tree holding ``path``."""
    folder = path if os.path.isdir(path) else os.path.dirname(os.path.abspath(path))
    if not os.path.exists(folder):
        raise InputError(path, "no such file or directory")
    return _git(["rev-parse", "--show-toplevel"], folder).decode().strip()


def materialize(ref: str, path: str, destination: str) -> OldTree:
    """Write ``path`` (a file or folder of the work tree) as it was at ``ref`` under ``destination``."""
    top = repository_root(path)
    rel = os.path.relpath(os.path.abspath(path), top).replace(os.sep, "/")
    rel = "" if rel == "." else rel
    _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], top)
    names = _tree_files(ref, rel, top)
    renamed_from = None
    if not names and os.path.isfile(path):
        renamed_from = _renamed_source(ref, rel, top)
        names = [renamed_from] if renamed_from else []
    if not names:
        return OldTree(ref, None, None)
    for name in names:
        target = os.path.join(destination, *(rel if name == renamed_from else name).split("/"))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as handle:
            handle.write(_git(["cat-file", "blob", f"{ref}:{name}"], top))
    return OldTree(ref, os.path.join(destination, *rel.split("/")) if rel else destination, renamed_from)


def _tree_files(ref: str, rel: str, top: str) -> list[str]:
    """Cairo sources and manifests under ``rel`` at ``ref``."""
    listing = _git(["ls-tree", "-r", "-z", "--name-only", ref, "--", rel or "."], top)
    names = [n for n in listing.decode("utf-8", "replace").split("\0") if n]
    keep = (".cairo", "Scarb.toml", "cairo_project.toml")
    return [n for n in names if n.endswith(keep)]


def _renamed_source(ref: str, rel: str, top: str) -> str | None:
    """The old name of a file that git sees as renamed since ``ref``."""
    status = _git(["diff", "-M", "--name-status", "-z", ref, "--"], top).decode("utf-8", "replace")
    fields = status.split("\0")
    i = 0
    while i < len(fields) - 1:
        code = fields[i]
        if code.startswith(("R", "C")):
            old, new = fields[i + 1], fields[i + 2]
            if new == rel:
                return old
            i += 3
        else:
            i += 2
    return None
