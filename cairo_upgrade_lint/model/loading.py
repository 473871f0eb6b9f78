"""Find and parse the Cairo files of an input: a file, a plain folder, a Scarb package or
workspace, or a ``cairo_project.toml`` crate set.

Module files follow Cairo's rule: the file of module ``a::b`` of a crate is ``<root>/a/b.cairo``,
where ``<root>`` is the folder of the crate's ``lib.cairo``; ``mod x;`` inside module ``P`` names
``<root>/P/x.cairo``. ``#[cfg(test)]`` modules are not loaded.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from ..errors import InputError
from ..records import field, record
from ..syntax import ast as A
from ..syntax.cairo0 import is_cairo0
from ..syntax.parser import parse
from . import dependencies as deps
from .syntax_utils import is_test_only
from .toml_tables import Table, table

if TYPE_CHECKING:
    from ..selection import Selection

SKIPPED_DIRS = frozenset({"target", "node_modules", "__pycache__"})
EXTERNAL_KINDS = frozenset({"known", "dependency"})  # crates that are not the input's own code


@record
class SourceModule:
    """A module whose items come from one file; ``path`` is its module path inside the crate."""

    path: tuple[str, ...]
    file: A.SourceFile


@record
class CrateSource:
    """One crate: its name, how it was found and its file modules (the root module first).

    ``kind`` is 'scarb', 'cairo_project', 'folder' or 'file', or 'dependency' for a Scarb
    dependency found outside the input (``origin`` then names its package, version and source).
    In a 'folder' crate the files are siblings: a name no module path resolves is looked up by its
    simple name across them.
    """

    name: str
    kind: str
    directory: str
    modules: tuple[SourceModule, ...]
    origin: str = ""

    @property
    def siblings(self) -> bool:
        return self.kind == "folder"


@record
class LoadNote:
    """Something that could not be loaded but did not stop the analysis (a missing module file)."""

    path: str
    line: int
    message: str


@record
class Sources:
    """Everything read from one input: crates, raw file bytes (for excerpts), load notes, the
    files that could not be read (skipped; the others are analysed), and the absolute paths of every
    file read, manifests included (path dependencies may lie outside the input)."""

    input: str
    crates: tuple[CrateSource, ...]
    notes: tuple[LoadNote, ...]
    texts: Mapping[str, bytes] = field(hash=False, compare=False)
    errors: tuple[InputError, ...] = ()
    read: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()  # test and mock files left out (see ``selection``)
    dependencies: deps.Resolution = deps.Resolution()  # what was found, what is unknown and why

    @property
    def files(self) -> tuple[A.SourceFile, ...]:
        """The input's own files (dependencies' files are read, not analysed or reported on)."""
        return tuple(m.file for c in self.crates if c.kind != "dependency" for m in c.modules)


def load(path: str, selection: Selection | None = None, dependencies: deps.Options | None = None) -> Sources:
    """Load the input at ``path``; raise ``InputError`` when the input itself is unusable.

    A file found inside a folder or package that cannot be read (permissions, binary, not UTF-8)
    is skipped and recorded in ``Sources.errors``; the other files are still loaded. The
    dependencies of its Scarb packages are then looked for (``dependencies``) and loaded as
    'dependency' crates.
    """
    if not os.path.exists(path):
        reason = "broken or looping symbolic link" if os.path.islink(path) else "no such file or directory"
        raise InputError(path, reason)
    loader = _Loader(selection, path)  # selection: test and mock files are skipped (``selection``)
    if os.path.isfile(path):
        name = os.path.basename(path)
        if name == "Scarb.toml":
            loader.scarb(os.path.dirname(path) or ".")
        elif name == "cairo_project.toml":
            loader.cairo_project(os.path.dirname(path) or ".")
        else:
            loader.single_file(path)
    else:
        loader.directory(path)
    if not loader.texts and not loader.errors:
        hint = f" ({len(loader.skipped)} test or mock files skipped: --include-tests)" if loader.skipped else ""
        raise InputError(path, "no .cairo files found" + hint)
    _refuse_only_cairo0(path, loader)
    resolution = loader.dependencies(dependencies or deps.Options()) if loader.packages else deps.Resolution()
    read = tuple(sorted({os.path.abspath(p) for p in loader.texts} | loader.manifests))
    skipped = tuple(sorted(set(loader.skipped)))
    return Sources(path, tuple(loader.crates), tuple(loader.notes), loader.texts, tuple(loader.errors), read, skipped,
                   resolution)  # fmt: skip


def _refuse_only_cairo0(path: str, loader: _Loader) -> None:
    """An input whose every file is Cairo 0 is unusable (``InputError``, one message). Where other
    files can be analysed, each Cairo 0 file is reported once, as its one syntax diagnostic."""
    files = [m.file for c in loader.crates for m in c.modules]
    if files and not loader.errors and all(is_cairo0(f) for f in files):
        what = "Cairo 0 source" if len(files) == 1 else f"Cairo 0 source ({len(files)} files)"
        raise InputError(path, f"{what} is not supported")


def read_source(path: str) -> bytes:
    """The bytes of a Cairo file, or ``InputError`` if it is unreadable, binary or not UTF-8."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as error:
        raise InputError(path, f"cannot read: {error.strerror or error}") from None
    if b"\0" in data[:8192]:
        raise InputError(path, "binary file, not Cairo source")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(path, f"not UTF-8 text (byte {error.start})") from None
    return data


def _read_toml(path: str) -> Table:
    import tomllib  # only for Scarb.toml / cairo_project.toml inputs

    data = read_source(path)
    try:
        return tomllib.loads(data.decode("utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise InputError(path, f"invalid TOML: {error}") from None


def crate_name(text: str) -> str:
    """A usable crate identifier from a package or folder name."""
    name = re.sub(r"\W", "_", text.replace("-", "_")) or "crate"
    return name if not name[0].isdigit() else f"_{name}"


def _cairo_files(root: str) -> list[str]:
    return [os.path.join(d, f) for d, _, names in _walk_dirs(root) for f in names if f.endswith(".cairo")]


def _walk_dirs(root: str) -> Iterator[tuple[str, list[str], list[str]]]:
    """``os.walk`` without following symbolic links (so a link loop cannot recurse), in name order."""
    for directory, dirs, files in os.walk(root, followlinks=False):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS and not d.startswith("."))
        yield directory, dirs, sorted(files)


class _Loader:
    """Accumulates crates, notes and file bytes while an input is walked."""

    def __init__(self, selection: Selection | None = None, root: str = "") -> None:
        self.selection, self.root = selection, root
        self.skipped: list[str] = []
        self.crates: list[CrateSource] = []
        self.notes: list[LoadNote] = []
        self.texts: dict[str, bytes] = {}
        self.errors: list[InputError] = []
        self.real: dict[str, str] = {}
        self.manifests: set[str] = set()
        self.packages: dict[str, str] = {}  # Scarb package folder -> package name

    # ------------------------------------------------------------ input kinds

    def directory(self, path: str) -> None:
        """A folder: its manifest, else the manifests below it, else its files as siblings.
        A manifest that yields no crate (a missing root file) falls back to the plain folder."""
        before, skipped = len(self.crates), len(self.skipped)
        if os.path.isfile(os.path.join(path, "Scarb.toml")):
            self.scarb(path)
        elif os.path.isfile(os.path.join(path, "cairo_project.toml")):
            self.cairo_project(path)
        else:
            for manifest in self._nested_manifests(path):
                self.directory(os.path.dirname(manifest))
        if len(self.crates) == before and len(self.skipped) == skipped:  # not a skipped test crate
            self.folder(path)

    def scarb(self, directory: str) -> None:
        import glob  # with fnmatch: only Scarb packages need it

        manifest = os.path.normpath(os.path.join(directory, "Scarb.toml"))
        if not self.first_visit(manifest):
            return
        data = _read_toml(manifest)
        for pattern in table(data, "workspace").get("members", []):
            for member in sorted(glob.glob(os.path.join(directory, str(pattern)))):
                if os.path.isfile(os.path.join(member, "Scarb.toml")):
                    self.scarb(member)
        package = data.get("package")
        if isinstance(package, dict) and "name" in package:
            self.packages[os.path.abspath(directory)] = str(package["name"])
            name = crate_name(str(table(data, "lib").get("name") or package["name"]))
            self.crate(name, "scarb", os.path.join(directory, "src"), manifest)
        for dependency in _path_dependencies(data):
            target = os.path.normpath(os.path.join(directory, dependency))
            if os.path.isfile(os.path.join(target, "Scarb.toml")):
                self.scarb(target)

    def cairo_project(self, directory: str) -> None:
        manifest = os.path.normpath(os.path.join(directory, "cairo_project.toml"))
        if not self.first_visit(manifest):
            return
        roots = _read_toml(manifest).get("crate_roots", {})
        for name, root in roots.items() if isinstance(roots, dict) else ():
            root_dir = os.path.normpath(os.path.join(directory, str(root)))
            self.crate(crate_name(name), "cairo_project", root_dir, manifest)

    def single_file(self, path: str) -> None:
        stem = os.path.splitext(os.path.basename(path))[0]
        root = self.parse_file(path)
        modules = [SourceModule((), root)]
        self.submodules(os.path.dirname(path), (), root, modules)
        self.crates.append(CrateSource(crate_name(stem), "file", os.path.dirname(path), tuple(modules)))

    def folder(self, path: str) -> None:
        """A folder without a manifest: ``lib.cairo`` is the root if present, every other file
        not reached through ``mod x;`` is a top-level module named after its file."""
        files = _cairo_files(path)
        modules: list[SourceModule] = []
        lib = os.path.join(path, "lib.cairo")
        root = self.parse_member(lib) if lib in files else None
        if root is not None:
            modules.append(SourceModule((), root))
            self.submodules(path, (), root, modules)
        reached = {m.file.path for m in modules}
        for file in files:
            if file in reached:
                continue
            rel = os.path.relpath(os.path.splitext(file)[0], path).split(os.sep)
            module_path = tuple(crate_name(part) for part in rel)
            tree = self.parse_member(file)
            if tree is None:
                continue
            first = len(modules)
            modules.append(SourceModule(module_path, tree))
            self.submodules(path, module_path, tree, modules)
            reached.update(m.file.path for m in modules[first:])
        name = crate_name(os.path.basename(os.path.abspath(path)))
        self.crates.append(CrateSource(name, "folder", path, tuple(modules)))

    def dependencies(self, options: deps.Options) -> deps.Resolution:
        """Find the dependencies of every Scarb package loaded (``dependencies``) and load them."""
        members = set(self.packages.values())
        roots = sorted({_lock_root(d) for d in self.packages})
        found: dict[str, deps.Dependency] = {}
        missing: dict[str, deps.Missing] = {}
        notes: list[str] = []
        for root in roots:
            resolution = deps.resolve(root, members, options)
            found.update((d.name, d) for d in resolution.found if d.name not in found)
            missing.update((m.name, m) for m in resolution.missing if m.name not in found)
            notes += resolution.notes
        for dependency in found.values():
            self.dependency(dependency)
        unknown = tuple(m for n, m in sorted(missing.items()) if n not in found)
        return deps.Resolution(tuple(found.values()), unknown, tuple(notes))

    def dependency(self, dependency: deps.Dependency) -> None:
        """Load a dependency package's crate (kind 'dependency'); one that cannot be read is unknown."""
        manifest = os.path.normpath(os.path.join(dependency.root, "Scarb.toml"))
        if not os.path.isfile(manifest):  # a folder named by hand may be a bare source folder
            name = crate_name(dependency.name)
            root = (
                dependency.root
                if os.path.isfile(os.path.join(dependency.root, "lib.cairo"))
                else os.path.join(dependency.root, "src")
            )
            self.crate(name, "dependency", root, dependency.root, dependency.origin)
            return
        if not self.first_visit(manifest):
            return
        try:
            data = _read_toml(manifest)
        except InputError as error:
            self.notes.append(LoadNote(manifest, 1, f"dependency {dependency.name}: {error.reason}"))
            return
        name = crate_name(str(table(data, "lib").get("name") or dependency.name))
        self.crate(name, "dependency", os.path.join(dependency.root, "src"), manifest, dependency.origin)

    # ------------------------------------------------------------ helpers

    def crate(self, name: str, kind: str, root_dir: str, manifest: str, origin: str = "") -> None:
        lib = os.path.join(root_dir, "lib.cairo")
        if not os.path.isfile(lib):
            self.notes.append(LoadNote(manifest, 1, f"crate '{name}' has no {lib}"))
            return
        if kind == "dependency":  # read whole: tests and mocks of a dependency are its own business
            selection, self.selection = self.selection, None
            try:
                root = self.parse_member(lib)
                modules = [SourceModule((), root)] if root is not None else []
                if root is not None:
                    self.submodules(root_dir, (), root, modules)
            finally:
                self.selection = selection
            if modules:
                self.crates.append(CrateSource(name, kind, root_dir, tuple(modules), origin))
            return
        if self.selection is not None and self.selection.skips_crate(name, root_dir, self.root):
            self.skipped += _cairo_files(root_dir)
            return
        root = self.parse_member(lib)
        if root is None:
            return
        modules = [SourceModule((), root)]
        self.submodules(root_dir, (), root, modules)
        self.crates.append(CrateSource(name, kind, root_dir, tuple(modules)))

    def first_visit(self, manifest: str) -> bool:
        """Record a manifest by its real path; False when it was seen (a cycle or a symlinked copy)."""
        real = os.path.realpath(manifest)
        if real in self.manifests:
            return False
        self.manifests.add(real)
        return True

    def parse_file(self, path: str) -> A.SourceFile:
        """Read and parse one file; ``InputError`` when it cannot be read."""
        data = read_source(path)
        self.texts[path] = data
        return parse(data, path)

    def parse_member(self, path: str) -> A.SourceFile | None:
        """Parse a file found inside the input; one that cannot be read is recorded (once) and skipped."""
        if any(e.path == path for e in self.errors):
            return None
        if self.selection is not None and self.selection.skips(path, self.root):
            self.skipped.append(path)
            return None
        try:
            return self.parse_file(path)
        except InputError as error:
            self.errors.append(error)
            return None

    def already_loaded(self, file: str, loaded: list[SourceModule]) -> bool:
        """True when ``file`` is, through symbolic links, a file already loaded into this crate."""
        real = self.realpath(file)
        return any(self.realpath(m.file.path) == real for m in loaded)

    def realpath(self, path: str) -> str:
        if path not in self.real:
            self.real[path] = os.path.realpath(path)
        return self.real[path]

    def submodules(
        self,
        root_dir: str,
        module_path: tuple[str, ...],
        tree: A.SourceFile,
        out: list[SourceModule],
        items: tuple[A.Item, ...] | None = None,
    ) -> None:
        """Load the files of the ``mod x;`` declarations of ``tree`` (recursively)."""
        for item in tree.items if items is None else items:
            if not isinstance(item, A.Module) or is_test_only(item):
                continue
            child = module_path + (item.name,)
            if item.items is not None:
                self.submodules(root_dir, child, tree, out, item.items)
                continue
            file = os.path.join(root_dir, *child) + ".cairo"
            if not os.path.isfile(file):
                self.notes.append(LoadNote(tree.path, item.span.line, f"module file {file} for `mod {item.name};` not found"))
                continue
            if self.already_loaded(file, out):
                note = f"`mod {item.name};` loops back to {file}"
                self.notes.append(LoadNote(tree.path, item.span.line, note))
                continue
            child_tree = self.parse_member(file)
            if child_tree is None:
                continue
            out.append(SourceModule(child, child_tree))
            self.submodules(root_dir, child, child_tree, out)

    def _nested_manifests(self, path: str) -> list[str]:
        """Manifests below ``path`` that no other found manifest's folder contains."""
        found: list[str] = []
        for directory, dirs, files in _walk_dirs(path):
            if "Scarb.toml" in files or "cairo_project.toml" in files:
                name = "Scarb.toml" if "Scarb.toml" in files else "cairo_project.toml"
                found.append(os.path.join(directory, name))
                dirs[:] = []
        return found


def _lock_root(package: str) -> str:
    """Where a package's Scarb.lock is: the nearest folder at or above it with a Scarb.toml and a
    Scarb.lock (its workspace root), else the package folder itself."""
    folder = package
    while True:
        if os.path.isfile(os.path.join(folder, "Scarb.lock")) and os.path.isfile(os.path.join(folder, "Scarb.toml")):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder or os.path.isdir(os.path.join(folder, ".git")):
            return package
        folder = parent


def _path_dependencies(manifest: Table) -> Iterator[str]:
    for key in ("dependencies", "dev-dependencies"):
        for spec in table(manifest, key).values():
            if isinstance(spec, dict) and isinstance(spec.get("path"), str):
                yield spec["path"]
