"""The semantic model of one input: ``analyze(path)`` = ``build(load(path))``."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from ..records import field, record
from ..syntax import ast as A
from ..syntax.parser import parse
from .callgraph import CallGraph, CallGraphBuilder
from .constants import Constant, ConstantEvaluator, module_constants
from .contracts import (
    INTERFACE,
    Contract,
    ContractBuilder,
    Interface,
    is_contract_module,
)
from .dependencies import Resolution
from .known_components import KNOWN_CRATE, KNOWN_PATH, stubs
from .layout import LayoutBuilder
from .loading import EXTERNAL_KINDS, CrateSource, LoadNote, SourceModule, Sources, load
from .scope import KNOWN_PREFIX, Scope, ScopeIndex
from .syntax_utils import has_attribute
from .types import TypeResolver

CUSTOM_STORE_TRAITS = ("StorePacking", "Store")
_KNOWN_MARKERS = (KNOWN_PREFIX.encode(), b"with_components")


@record
class Project:
    """Everything the rules read about one version of the code.

    ``contracts`` holds the contracts and components of the input; ``known_components`` the
    shipped OpenZeppelin components it uses; ``files`` the parsed files (with their syntax
    diagnostics); ``notes`` what could not be loaded.
    """

    input: str
    files: tuple[A.SourceFile, ...]
    contracts: tuple[Contract, ...]
    known_components: tuple[Contract, ...]
    interfaces: tuple[Interface, ...]
    constants: tuple[Constant, ...]
    call_graph: CallGraph
    notes: tuple[LoadNote, ...]
    texts: Mapping[str, bytes] = field(hash=False, compare=False, repr=False)
    dependencies: Resolution = Resolution()  # the Scarb dependencies found and those unknown
    origins: tuple[tuple[str, str], ...] = ()  # dependency crate name -> its package origin

    def origin(self, qualified: str) -> str:
        """The dependency package a qualified name comes from ('' for the input's own code)."""
        return dict(self.origins).get(qualified.split("::", 1)[0], "")

    def contract(self, name: str) -> Contract | None:
        """A contract or component by module name or qualified name."""
        return next((c for c in self.all_contracts if name in (c.name, c.qualified_name)), None)

    @property
    def all_contracts(self) -> tuple[Contract, ...]:
        return self.contracts + self.known_components

    @property
    def diagnostics(self) -> tuple[A.Diagnostic, ...]:
        return tuple(d for f in self.files for d in f.diagnostics)


def unknown_dependencies(project: Project) -> tuple[str, ...]:
    """One line per Scarb dependency not found (with what in the input depends on it: unresolved
    storage members, components and embedded impls of contracts whose file names it), and one per
    fallback taken while looking."""
    import re

    lines = []
    for missing in project.dependencies.missing:
        named = re.compile(rf"\b{re.escape(missing.name)}::|\buse {re.escape(missing.name)}\b".encode())
        users = [c for c in project.contracts if named.search(project.texts.get(c.location.path, b""))]
        members = sum(1 for c in users for m in c.storage if m.flattened or _unresolved(m.layout))
        impls = sum(1 for c in users for e in c.embedded if not e.resolved)
        what = (
            f"; {members} storage member(s) and {impls} embedded impl(s) of {len(users)} contract(s) depend on it"
            if users
            else ""
        )
        lines.append(f"dependency {missing.name} not found ({missing.reason}){what}")
    return tuple(lines) + project.dependencies.notes


def _unresolved(layout: object) -> bool:
    """Whether a layout is, or contains, a type whose encoding is unknown."""
    if getattr(layout, "kind", "") == "unresolved":
        return True
    children = [getattr(f, "layout", None) for f in getattr(layout, "fields", ())]
    children += [v.payload for v in getattr(layout, "variants", ())]
    children += [getattr(m, "layout", None) for m in getattr(layout, "members", ())]
    children += [getattr(layout, "value", None), getattr(layout, "element", None)]
    return any(_unresolved(c) for c in children if c is not None)


def analyze(path: str) -> Project:
    """Load and model the input at ``path`` (``InputError`` if the input itself is unusable)."""
    return build(load(path))


@lru_cache(maxsize=1)
def known_crate() -> CrateSource:
    """The shipped OpenZeppelin knowledge as a crate (parsed once)."""
    return CrateSource(KNOWN_CRATE, "known", "", (SourceModule((), parse(stubs(), KNOWN_PATH)),))


def build(sources: Sources) -> Project:
    texts = dict(sources.texts)
    # the component knowledge is only reachable through `openzeppelin` paths and OpenZeppelin's
    # `#[with_components]`: an input naming neither does not pay for analysing it
    known = known_crate() if any(w in t for t in texts.values() for w in _KNOWN_MARKERS) else None
    if known is not None:
        texts[KNOWN_PATH] = stubs().encode()
    index = ScopeIndex(sources.crates, known)
    resolver = TypeResolver(index)
    layouts = LayoutBuilder(resolver, _custom_store_impls(index, resolver))
    contracts = ContractBuilder(index, resolver, layouts)
    evaluator = ConstantEvaluator(index)

    modules = [s for s in index.all_scopes() if is_contract_module(s)]
    component_maps = {s.qualified: {u.storage: u.component for u in contracts.components(s) if u.component} for s in modules}
    graph = CallGraphBuilder(index, resolver, evaluator, texts, component_maps).build()
    ids = sorted(graph.functions)  # ids under a module share its prefix: a contract's are a slice
    built = [contracts.build(s, ids) for s in modules if s.crate.kind not in EXTERNAL_KINDS]
    used = {u.component for c in built for u in c.components if u.known}
    known_built = [contracts.build(s, ids) for s in modules if s.crate.kind in EXTERNAL_KINDS and s.qualified in used]
    interfaces = [
        contracts.interface(scope, item)
        for scope in index.all_scopes()
        if scope.crate.kind not in EXTERNAL_KINDS
        for item in scope.items
        if isinstance(item, A.Trait) and has_attribute(item, INTERFACE)
    ]
    return Project(
        input=sources.input,
        files=sources.files,
        contracts=tuple(built),
        known_components=tuple(known_built),
        interfaces=tuple(interfaces),
        constants=module_constants(index, evaluator, texts),
        call_graph=graph,
        notes=sources.notes,
        texts=texts,
        dependencies=sources.dependencies,
        origins=tuple((c.name, c.origin) for c in sources.crates if c.kind == "dependency"),
    )


def _custom_store_impls(index: ScopeIndex, resolver: TypeResolver) -> dict[str, tuple[Scope, A.Impl, str]]:
    """User types with a hand-written ``StorePacking`` or ``Store`` impl, by qualified name."""
    found: dict[str, tuple[Scope, A.Impl, str]] = {}
    for scope in index.all_scopes():
        for item in scope.items:
            if not isinstance(item, A.Impl) or item.trait.last.name not in CUSTOM_STORE_TRAITS:
                continue
            args = item.trait.last.generic_args or ()
            if not args:
                continue
            stored = resolver.resolve(scope, args[0].value)
            if stored.category in ("struct", "enum"):
                found.setdefault(stored.qualified, (scope, item, item.trait.last.name))
    return found
