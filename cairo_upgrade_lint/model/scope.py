"""Module scopes and path resolution across the crates of one input.

A path resolves the way Cairo resolves it: ``crate``/``super``/``self``, items declared in the
module, ``use`` imports (aliases and globs), then crate names. Two fallbacks apply only when that
fails: in a plain folder a name is looked up by its simple name across the folder's files, and a
path into ``openzeppelin*`` that is not in the input resolves into the shipped component knowledge.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import cached_property

from ..records import field, record
from ..syntax import ast as A
from .known_components import WITH_COMPONENTS
from .loading import CrateSource
from .syntax_utils import attribute_args, has_attribute, is_test_only

MAX_DEPTH = 24
INTERFACE = "starknet::interface"
# What ``#[starknet::interface] trait IFoo`` generates next to it: ``IFoo`` + suffix (longest first).
GENERATED_SUFFIXES = (
    "SafeLibraryDispatcher",
    "LibraryDispatcherTrait",
    "SafeDispatcherTrait",
    "LibraryDispatcher",
    "SafeDispatcher",
    "DispatcherTrait",
    "Dispatcher",
)
KNOWN_PREFIX = "openzeppelin"
_NO_CHILDREN: dict[str, Scope] = {}

Declared = (
    A.Function | A.Struct | A.Enum | A.Const | A.TypeAlias | A.ExternType | A.Trait | A.Impl | A.ImplAlias | A.AssociatedImpl
)
"""An item a module declares by name (modules are scopes; ``use`` and macro items declare nothing)."""


@record(eq=False, frozen=False, slots=False)  # slots=False: `qualified` is a cached_property
class Scope:
    """One module: its items by name and its imports (read-only once built). Its child modules are
    in the ``ScopeIndex``: a scope refers up to its parent only, so that a model is freed by
    reference counting, not by a pass of the cycle collector over every syntax node it holds."""

    crate: CrateSource
    path: tuple[str, ...]
    file: A.SourceFile
    attributes: tuple[A.Attribute, ...]
    parent: Scope | None
    items: tuple[A.Item, ...] = ()
    declared: dict[str, Declared] = field(default_factory=dict)
    imports: dict[str, tuple[str, ...]] = field(default_factory=dict)
    globs: list[tuple[str, ...]] = field(default_factory=list)
    span: A.Span | None = None

    @cached_property
    def qualified(self) -> str:
        return "::".join(self.path)

    @property
    def name(self) -> str:
        return self.path[-1]

    @property
    def root(self) -> Scope:
        scope = self
        while scope.parent is not None:
            scope = scope.parent
        return scope

    def qualify(self, name: str) -> str:
        return f"{self.qualified}::{name}"


@record(eq=False)
class Resolved:
    """What a path names: a module (``item`` None), an item of ``scope``, or a ``member`` of that
    item (an enum variant, or a function of a trait or impl)."""

    scope: Scope
    item: Declared | None = None
    member: str | None = None

    @property
    def qualified(self) -> str:
        if self.item is None:
            return self.scope.qualified
        name = self.scope.qualify(self.item.name)
        return f"{name}::{self.member}" if self.member else name


class ScopeIndex:
    """Scopes of every module of every crate, and path resolution between them."""

    def __init__(self, crates: Sequence[CrateSource], known: CrateSource | None = None) -> None:
        self.roots: dict[str, Scope] = {}
        self.scopes: list[Scope] = []
        self._children: dict[Scope, dict[str, Scope]] = {}  # by parent: the child modules by name
        self._simple: dict[str, dict[str, list[Resolved]]] = {}
        self._resolved: dict[tuple[Scope, tuple[str, ...]], Resolved | None] = {}
        for crate in crates:
            if crate.modules:  # a crate whose every file was unreadable has nothing to scope
                self.roots.setdefault(crate.name, self._build_crate(crate))
        self.known_root = self._build_crate(known) if known is not None else None
        if self.known_root is not None:
            self.roots.setdefault(self.known_root.crate.name, self.known_root)

    # ------------------------------------------------------------ building

    def _build_crate(self, crate: CrateSource) -> Scope:
        files = {m.path: m.file for m in crate.modules}
        root_file = files.get(()) or crate.modules[0].file
        root = Scope(crate, (crate.name,), root_file, (), None)
        self._fill(root, root_file.items if () in files else (), files)
        attached = {s.path for s in self.scopes if s.crate is crate}
        for module_path, file in files.items():
            if (crate.name,) + module_path not in attached:
                parent = self._virtual_parents(root, module_path[:-1])
                child = Scope(crate, parent.path + module_path[-1:], file, (), parent)
                self._children.setdefault(parent, {})[module_path[-1]] = child
                self._fill(child, file.items, files)
        self._index_simple(crate.name, root)
        return root

    def _virtual_parents(self, root: Scope, path: tuple[str, ...]) -> Scope:
        """The scope at ``path`` below ``root``, creating empty modules where no file declares one."""
        scope = root
        for name in path:
            children = self._children.setdefault(scope, {})
            if name not in children:
                children[name] = Scope(scope.crate, scope.path + (name,), scope.file, (), scope)
                self.scopes.append(children[name])
            scope = children[name]
        return scope

    def _fill(self, scope: Scope, items: tuple[A.Item, ...], files: dict[tuple[str, ...], A.SourceFile]) -> None:
        self.scopes.append(scope)
        for name in attribute_args(scope, "with_components") or ():
            if name in WITH_COMPONENTS:
                injected = WITH_COMPONENTS[name]
                scope.imports[injected.component] = tuple(injected.path.split("::"))
        scope.items = tuple(item for item in items if not is_test_only(item))
        for item in scope.items:
            if isinstance(item, A.Module):
                rel = scope.path[1:] + (item.name,)
                file = files.get(rel) if item.items is None else scope.file
                if file is None:
                    continue
                child = Scope(scope.crate, scope.path + (item.name,), file, item.attributes, scope, span=item.span)
                self._children.setdefault(scope, {})[item.name] = child
                self._fill(child, item.items if item.items is not None else file.items, files)
            elif isinstance(item, A.Use):
                for entry in item.entries:
                    self._add_import(scope, entry)
            elif isinstance(item, (A.MacroItem, A.MacroDeclaration)):
                continue
            elif item.name not in scope.declared:
                scope.declared[item.name] = item

    @staticmethod
    def _add_import(scope: Scope, entry: A.UseEntry) -> None:
        path = entry.path[:-1] if entry.path and entry.path[-1] == "self" else entry.path
        if entry.star:
            scope.globs.append(path)
        elif path:
            scope.imports[entry.alias or path[-1]] = path

    def _index_simple(self, crate: str, root: Scope) -> None:
        table: dict[str, list[Resolved]] = {}
        stack = [root]
        while stack:
            scope = stack.pop()
            for name, child in self._children.get(scope, {}).items():
                table.setdefault(name, []).append(Resolved(child))
                stack.append(child)
            for name, item in scope.declared.items():
                table.setdefault(name, []).append(Resolved(scope, item))
        self._simple[crate] = table

    # ------------------------------------------------------------ queries

    def all_scopes(self) -> Iterator[Scope]:
        yield from self.scopes

    def resolve(self, scope: Scope, segments: Sequence[str]) -> Resolved | None:
        """What ``segments`` names from inside ``scope``, or None."""
        if not segments:
            return None
        key = (scope, tuple(segments))
        if key in self._resolved:  # the same names are looked up in a module many times
            return self._resolved[key]
        found = self._resolve(scope, key[1], 0)
        if found is None and segments[0] not in scope.imports:
            found = self._fallback(scope, key[1])
        self._resolved[key] = found
        return found

    def generated(self, scope: Scope, segments: Sequence[str], depth: int = 0) -> tuple[Resolved, str] | None:
        """The ``#[starknet::interface]`` trait that generates the item ``segments`` names from
        inside ``scope`` (``IFooDispatcher``, ``IFooDispatcherTrait``, ``IFooLibraryDispatcher``,
        ``IFooSafeDispatcher`` ...), with the suffix; followed through ``use`` imports and globs
        like a written item. None when it names no generated item."""
        if not segments or depth > MAX_DEPTH:
            return None
        *head, last = segments
        where = scope
        if head:
            module = self.resolve(scope, head)
            if module is None or module.item is not None:
                return None
            where = module.scope
        imported = where.imports.get(last)
        if imported is not None and tuple(imported) != tuple(segments):
            found = self.generated(where, imported, depth + 1)
            if found is not None:
                return found
        for suffix in GENERATED_SUFFIXES:
            if last.endswith(suffix) and len(last) > len(suffix):
                trait = self.resolve(where, [last[: -len(suffix)]])
                if (
                    trait is not None
                    and isinstance(trait.item, A.Trait)
                    and trait.member is None
                    and has_attribute(trait.item, INTERFACE)
                ):
                    return trait, suffix
                break
        for glob in where.globs:
            target = self.resolve(where, glob)
            if target is not None and target.item is None and target.scope is not where:
                found = self.generated(target.scope, [last], depth + 1)
                if found is not None:
                    return found
        return None

    def _fallback(self, scope: Scope, segments: tuple[str, ...]) -> Resolved | None:
        """Outside-the-rules lookups for a path that does not resolve: into the shipped knowledge
        for ``openzeppelin*`` paths, else (plain folders) by the simple name of its first segment."""
        if segments[0].startswith(KNOWN_PREFIX):
            if self.known_root is None or (segments[0] in self.roots and self.roots[segments[0]] is not self.known_root):
                return None
            return self._by_simple_name(self.known_root.crate.name, segments[1:])
        if scope.crate.siblings:
            return self._by_simple_name(scope.crate.name, segments[:1], segments[1:])
        return None

    def _resolve(self, scope: Scope, segments: tuple[str, ...], depth: int) -> Resolved | None:
        if depth > MAX_DEPTH:
            return None
        current = self._first(scope, segments[0], depth)
        for name in segments[1:]:
            if current is None:
                return None
            current = self._member(current, name, depth)
        return current

    def _first(self, scope: Scope, name: str, depth: int) -> Resolved | None:
        if name == "crate":
            return Resolved(scope.root)
        if name == "super":
            return Resolved(scope.parent or scope)
        if name == "self":
            return Resolved(scope)
        found = self._in_module(scope, name, depth)
        if found is None and name in self.roots:
            return Resolved(self.roots[name])
        return found

    def _in_module(self, scope: Scope, name: str, depth: int) -> Resolved | None:
        child = self._children.get(scope, _NO_CHILDREN).get(name)
        if child is not None:
            return Resolved(child)
        if name in scope.declared:
            return Resolved(scope, scope.declared[name])
        if name in scope.imports:
            imported = scope.imports[name]
            if imported == (name,):
                return Resolved(self.roots[name]) if name in self.roots else None
            found = self._resolve(scope, imported, depth + 1)
            if found is None and imported[0].startswith(KNOWN_PREFIX):
                found = self._fallback(scope, imported)
            elif found is None and scope.crate.siblings:
                found = self._by_simple_name(scope.crate.name, imported[-1:])
            return found
        for glob in scope.globs:
            target = self._resolve(scope, glob, depth + 1)
            if target is not None and target.item is None and target.scope is not scope:
                found = self._in_module(target.scope, name, depth + 1)
                if found is not None:
                    return found
        return None

    def _member(self, current: Resolved, name: str, depth: int) -> Resolved | None:
        if current.member is not None:
            return None
        item = current.item
        if item is None:
            return self._in_module(current.scope, name, depth + 1)
        if isinstance(item, A.Enum) and any(v.name == name for v in item.variants):
            return Resolved(current.scope, item, name)
        if isinstance(item, (A.Trait, A.Impl)) and any(isinstance(f, A.Function) and f.name == name for f in item.items or ()):
            return Resolved(current.scope, item, name)
        return None

    def _by_simple_name(self, crate: str, candidates: Sequence[str], rest: Sequence[str] = ()) -> Resolved | None:
        """The first of ``candidates`` (left to right) that a simple-name lookup in ``crate`` knows
        and from which the segments after it (then ``rest``) resolve."""
        table = self._simple.get(crate, {})
        for start, name in enumerate(candidates):
            for candidate in table.get(name, ()):
                current: Resolved | None = candidate
                for segment in tuple(candidates[start + 1 :]) + tuple(rest):
                    current = self._member(current, segment, 0) if current else None
                if current is not None:
                    return current
        return None
