"""Where a Scarb package's dependencies live, found the way Scarb finds them.

Order: a folder named by hand (``--dependency NAME=PATH``, config ``[dependencies]``) wins; then
``scarb metadata --format-version 1 --offline`` when a ``scarb`` executable is given or on PATH;
then ``Scarb.toml`` + ``Scarb.lock`` looked up in Scarb's cache. Anything that goes wrong (a corrupt
lock, a failing, hanging or garbled ``scarb``, a version missing from the cache) leaves the
dependency *unknown*, with one line saying why: never an exception.

The cache layout is Scarb's own (software-mansion/scarb): the cache folder is ``$SCARB_CACHE`` or
``ProjectDirs("com", "swmansion", "scarb").cache_dir()`` (``scarb/src/core/dirs.rs``), its registry
folder ``<cache>/registry``; a registry package is extracted to
``registry/src/<host>-<hash>/<name>-<version>`` (``core/registry/package_source_store.rs``,
``SourceId::ident``, ``PackageId::tarball_basename``); a git dependency is checked out to
``registry/git/checkouts/<repo>-<hash>/<short commit>`` (``sources/git/mod.rs``,
``CanonicalUrl::ident``), the package being any ``Scarb.toml`` below it with that name. The
``<hash>`` is Scarb's stable hash of the source URL, matched here as ``*``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable

from ..records import record
from .toml_tables import Table, table

BUILTIN = frozenset({"core", "starknet", "cairo_test", "assert_macros", "snforge_std", "snforge_scarb_plugin"})
TIMEOUT = 20.0


@record
class Options:
    """How dependencies are found: folders named by hand, and the ``scarb`` to run (None: the one on
    PATH, "" : never run one)."""

    folders: tuple[tuple[str, str], ...] = ()
    scarb: str | None = None


@record
class Dependency:
    """A dependency package found on disk: ``root`` holds its ``Scarb.toml``."""

    name: str
    version: str
    source: str
    root: str

    @property
    def origin(self) -> str:
        where = f" ({self.source})" if self.source else ""
        return f"{self.name} {self.version}{where}".replace("  ", " ")


@record
class Missing:
    """A dependency whose sources were not found, and why."""

    name: str
    reason: str


@record
class Resolution:
    found: tuple[Dependency, ...] = ()
    missing: tuple[Missing, ...] = ()
    notes: tuple[str, ...] = ()  # one line per fallback (a failed ``scarb metadata``, a corrupt lock)


def cache_dir() -> str:
    """Scarb's cache folder on this machine."""
    if os.environ.get("SCARB_CACHE"):
        return os.environ["SCARB_CACHE"]
    home = os.path.expanduser("~")
    if sys.platform == "darwin":
        return os.path.join(home, "Library", "Caches", "com.swmansion.scarb")
    if sys.platform == "win32":
        return os.path.join(os.environ.get("LOCALAPPDATA", home), "swmansion", "scarb", "cache")
    return os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.join(home, ".cache"), "scarb")


NO_OPTIONS = Options()
"""No folders named by hand; the ``scarb`` on PATH."""


def resolve(root: str, members: Iterable[str], options: Options = NO_OPTIONS) -> Resolution:
    """The dependencies of the Scarb workspace or package at ``root`` (a folder with a Scarb.toml)
    that are not among ``members`` (package names of the input itself)."""
    members = set(members) | BUILTIN
    wanted = _declared(root) - members
    by_hand = {name: os.path.abspath(path) for name, path in options.folders}
    found = [Dependency(n, "", "by hand", p) for n, p in by_hand.items()]
    notes: list[str] = []
    metadata = _metadata(root, options.scarb, notes) if wanted - set(by_hand) else None
    if metadata is not None:
        packages = [d for d in metadata if d.name not in members and d.name not in by_hand]
        absent = sorted(wanted - set(by_hand) - {d.name for d in packages})
        unlisted = tuple(Missing(n, "not in scarb metadata's packages") for n in absent)
        return Resolution(tuple(found + packages), unlisted, tuple(notes))
    locked, lock_note = _lock(root)
    if lock_note:
        notes.append(lock_note)
    missing: list[Missing] = []
    todo, seen = sorted(wanted), set(members)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        if name in by_hand:
            continue
        entry = locked.get(name)
        if entry is None:
            missing.append(Missing(name, "not in Scarb.lock" if not lock_note else "Scarb.lock unreadable"))
            continue
        version, source, deps = entry
        todo += [d for d in deps if d not in seen]
        folder = _in_cache(name, version, source)
        if folder is None:
            missing.append(Missing(name, f"{version} ({source}) not in Scarb's cache {cache_dir()}"))
        else:
            found.append(Dependency(name, version, source, folder))
    return Resolution(tuple(found), tuple(sorted(missing, key=lambda m: m.name)), tuple(notes))


def _toml(path: str) -> Table:
    import tomllib

    with open(path, "rb") as handle:
        return tomllib.load(handle)


def _declared(root: str) -> set[str]:
    """Names in the ``[dependencies]`` of the package at ``root`` and of its workspace members
    (``name.workspace = true`` entries name the root's ``[workspace.dependencies]``; a path
    dependency is part of the input, not a dependency to find)."""
    import glob

    names: set[str] = set()
    try:
        data = _toml(os.path.join(root, "Scarb.toml"))
    except (OSError, ValueError):
        return names
    manifests = [data]
    workspace = table(data, "workspace")
    inherited = table(workspace, "dependencies")
    for pattern in workspace.get("members", []) if isinstance(workspace.get("members"), list) else []:
        for member in sorted(glob.glob(os.path.join(root, str(pattern), "Scarb.toml"))):
            try:
                manifests.append(_toml(member))
            except (OSError, ValueError):
                continue
    for manifest in manifests:
        deps = manifest.get("dependencies")
        for name, spec in deps.items() if isinstance(deps, dict) else ():
            if isinstance(spec, dict) and spec.get("workspace") is True:
                spec = inherited.get(name, spec)
            if not (isinstance(spec, dict) and "path" in spec):
                names.add(str(name))
    return names


def _lock(root: str) -> tuple[dict[str, tuple[str, str, tuple[str, ...]]], str]:
    """``Scarb.lock``'s packages with a source: name -> (version, source, dependencies), and a note
    when the file is there but unusable."""
    path = os.path.join(root, "Scarb.lock")
    if not os.path.isfile(path):
        return {}, ""
    try:
        packages = _toml(path).get("package", [])
        out = {}
        for p in packages:
            if isinstance(p, dict) and isinstance(p.get("source"), str):
                deps = tuple(str(d).split(" ")[0] for d in p.get("dependencies", ()))
                out[str(p["name"])] = (str(p["version"]), p["source"], deps)
        return out, ""
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as error:
        return {}, f"{path}: unreadable ({error}); its dependencies are unknown"


def _in_cache(name: str, version: str, source: str) -> str | None:
    """The folder of a locked package in Scarb's cache, if it is there."""
    import glob

    registry = os.path.join(cache_dir(), "registry")
    kind, _, url = source.partition("+")
    if kind == "registry":
        host = url.split("://", 1)[-1].split("/", 1)[0].split(":")[0]
        pattern = os.path.join(registry, "src", glob.escape(host) + "-*", glob.escape(f"{name}-{version}"))
        return next((p for p in sorted(glob.glob(pattern)) if os.path.isfile(os.path.join(p, "Scarb.toml"))), None)
    if kind == "git" and "#" in url:
        url, _, commit = url.rpartition("#")
        repo = url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1].removesuffix(".git")
        if "github.com" in url:
            repo = repo.lower()
        pattern = os.path.join(registry, "git", "checkouts", glob.escape(repo) + "-*", "*")
        checkouts = [
            p for p in sorted(glob.glob(pattern)) if len(os.path.basename(p)) >= 4 and commit.startswith(os.path.basename(p))
        ]
        for checkout in checkouts:
            found = _package_below(checkout, name)
            if found:
                return found
    return None


def _package_below(folder: str, name: str) -> str | None:
    """The folder below ``folder`` whose Scarb.toml declares package ``name``."""
    for directory, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in ("target", "node_modules"))
        if "Scarb.toml" in files:
            try:
                package = _toml(os.path.join(directory, "Scarb.toml")).get("package")
            except (OSError, ValueError):
                continue
            if isinstance(package, dict) and package.get("name") == name:
                return directory
    return None


def _metadata(root: str, scarb: str | None, notes: list[str]) -> list[Dependency] | None:
    """Every package of ``scarb metadata``, or None (with a note when a ``scarb`` ran and failed)."""
    import json
    import shutil
    import subprocess

    executable = shutil.which("scarb") if scarb is None else (shutil.which(scarb) or scarb if scarb else None)
    if not executable:
        return None
    command = [executable, "--offline", "metadata", "--format-version", "1"]
    try:
        done = subprocess.run(command, cwd=root, capture_output=True, timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        notes.append(f"scarb metadata timed out after {TIMEOUT:g} s in {root}; reading Scarb.lock instead")
        return None
    except OSError as error:
        notes.append(f"cannot run {executable}: {error.strerror or error}; reading Scarb.lock instead")
        return None
    if done.returncode != 0:
        last = (done.stderr or done.stdout).decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        notes.append(f"scarb metadata failed (exit {done.returncode}: {last[0][:200]}); reading Scarb.lock instead")
        return None
    try:
        document = json.loads(done.stdout)
        packages = [
            Dependency(str(p["name"]), str(p.get("version", "")), str(p.get("source", "")), str(p["root"]))
            for p in document["packages"]
        ]
    except (ValueError, KeyError, TypeError) as error:
        notes.append(f"scarb metadata printed no usable metadata ({error}); reading Scarb.lock instead")
        return None
    return [p for p in packages if not p.source.startswith(("std", "path+")) and os.path.isdir(p.root)]
