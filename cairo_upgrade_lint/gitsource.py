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


def _git(args: list[str], cwd: str, stdin: bytes | None = None) -> bytes:
    import subprocess  # only `--base` runs git; the import costs a run without it 4 ms

    try:
        done = subprocess.run(["git", *args], cwd=cwd, input=stdin, capture_output=True, check=False)
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
    """Write ``path`` (a file or folder of the work tree) as it was at ``ref`` under ``destination``,
    with every other Cairo source and manifest of the repository at ``ref``: the path and workspace
    dependencies of a package (``path = "../token"``, ``workspace = true``) are then found at ``ref``
    too, as the compiler would see them, instead of missing (which would read as removed code)."""
    top = repository_root(path)
    rel = os.path.relpath(os.path.abspath(path), top).replace(os.sep, "/")
    rel = "" if rel == "." else rel
    _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], top)
    names = _tree_files(ref, top)
    inside = [n for n in names if not rel or n == rel or n.startswith(rel + "/")]
    renamed_from = None
    if not inside and os.path.isfile(path):
        renamed_from = _renamed_source(ref, rel, top)
        if renamed_from is None:
            return OldTree(ref, None, None)
    elif not inside:
        return OldTree(ref, None, None)
    for name, blob in _blobs(ref, names, top).items():
        target = os.path.join(destination, *(rel if name == renamed_from else name).split("/"))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as handle:
            handle.write(blob)
    return OldTree(ref, os.path.join(destination, *rel.split("/")) if rel else destination, renamed_from)


def _tree_files(ref: str, top: str) -> list[str]:
    """Cairo sources and manifests of the repository at ``ref``."""
    listing = _git(["ls-tree", "-r", "-z", "--name-only", ref], top)
    names = [n for n in listing.decode("utf-8", "replace").split("\0") if n]
    keep = (".cairo", "Scarb.toml", "Scarb.lock", "cairo_project.toml")
    return [n for n in names if n.endswith(keep)]


def _blobs(ref: str, names: list[str], top: str) -> dict[str, bytes]:
    """The contents of ``names`` at ``ref``, read by one ``git cat-file --batch``."""
    request = "".join(f"{ref}:{name}\n" for name in names).encode()
    output = _git(["cat-file", "--batch"], top, stdin=request)
    out: dict[str, bytes] = {}
    at = 0
    for name in names:
        end = output.index(b"\n", at)
        header = output[at:end].split()
        at = end + 1
        if len(header) != 3:  # "<object> missing": a submodule or an unreadable entry
            continue
        size = int(header[2])
        out[name] = output[at : at + size]
        at += size + 1
    return out


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
