"""The call graph of the analysed crates (and the shipped component knowledge): one node per
function with a body, edges for calls resolved inside the crates, and pseudo-nodes
``syscall::<name>`` for the syscalls each function makes.

Function ids: ``<module path>::<fn>`` for free functions, ``<module path>::<Impl>::<fn>`` for impl
methods and ``<module path>::<Trait>::<fn>`` for trait default methods.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING

from ..findings import Location
from ..records import field, record
from ..syntax import ast as A
from .constants import ConstantEvaluator
from .facts import FunctionAnalyzer, FunctionFacts
from .loading import EXTERNAL_KINDS
from .scope import Scope, ScopeIndex
from .syntax_utils import attribute_args, functions_of, location, self_param
from .types import TypeResolver, generic_parameters

if TYPE_CHECKING:
    import networkx as nx

SYSCALL_PREFIX = "syscall::"


@record
class Parameter:
    name: str
    type: str


@record
class FunctionInfo:
    """A function with a body. ``owner`` is the contract or component module it belongs to;
    ``self_kind`` is 'ref', 'snapshot' or None; ``known`` marks shipped component knowledge.
    ``location`` spans the function with its attributes; ``name_location`` is its name."""

    id: str
    name: str
    module: str
    owner: str | None
    impl: str | None
    trait: str | None
    params: tuple[Parameter, ...]
    returns: str | None
    self_kind: str | None
    attributes: tuple[str, ...]
    location: Location
    known: bool
    facts: FunctionFacts
    name_location: Location | None = None


@record
class CallGraph:
    """Functions and the calls between them: ``edges`` maps a function id to its callees (function
    ids and ``syscall::<name>`` nodes) in the order the body makes the calls.

    Plain successor lists rather than a networkx graph on the hot path: importing networkx costs more
    than a whole single-contract run. ``digraph()`` gives the networkx view for graph exports.
    """

    edges: Mapping[str, tuple[str, ...]] = field(hash=False)
    functions: Mapping[str, FunctionInfo] = field(hash=False)
    _descendants: dict[str, frozenset[str]] = field(default_factory=dict, hash=False, compare=False, repr=False)

    def get(self, function_id: str) -> FunctionInfo | None:
        return self.functions.get(function_id)

    def callees(self, function_id: str) -> list[str]:
        return list(self.edges.get(function_id, ()))

    def descendants(self, function_id: str) -> frozenset[str]:
        """Every node reachable from ``function_id`` by one call or more (computed once per node)."""
        found = self._descendants.get(function_id)
        if found is None:
            seen: set[str] = set()
            stack = list(self.edges.get(function_id, ()))
            while stack:
                node = stack.pop()
                if node not in seen:
                    seen.add(node)
                    stack.extend(self.edges.get(node, ()))
            found = self._descendants[function_id] = frozenset(seen)
        return found

    def reachable(self, function_id: str) -> set[str]:
        """Function ids reachable from ``function_id`` (itself included; syscall nodes excluded)."""
        if function_id not in self.edges:
            return set()
        return {n for n in self.descendants(function_id) | {function_id} if n in self.functions}

    def syscalls_reached(self, function_id: str) -> set[str]:
        return {n[len(SYSCALL_PREFIX) :] for n in self.descendants(function_id) if n.startswith(SYSCALL_PREFIX)}

    def path(self, source: str, target: str) -> list[str] | None:
        """A shortest call path from ``source`` to ``target`` (a function id or ``syscall::name``)."""
        if source == target:
            return [source] if source in self.edges else None
        for node, found in self._breadth_first(source):
            if node == target:
                return found
        return None

    def paths(self, source: str, target: str, limit: int = 64) -> Iterator[list[str]]:
        """Simple call paths from ``source`` to ``target`` (depth first), at most ``limit`` of them."""
        if source not in self.edges or source == target:
            return
        count = 0
        path, on_path = [source], {source}
        stack = [iter(self.edges[source])]
        while stack:
            node = next(stack[-1], None)
            if node is None:
                stack.pop()
                on_path.discard(path.pop())
            elif node == target:
                yield [*path, node]
                count += 1
                if count >= limit:
                    return
            elif node not in on_path and node in self.edges:
                path.append(node)
                on_path.add(node)
                stack.append(iter(self.edges[node]))

    def find(self, source: str, predicate: Callable[[FunctionInfo], bool]) -> list[str] | None:
        """The shortest path from ``source`` to a reachable function satisfying ``predicate``."""
        for node, found in self._breadth_first(source):
            info = self.functions.get(node)
            if info is not None and predicate(info):
                return found
        return None

    def _breadth_first(self, source: str) -> Iterator[tuple[str, list[str]]]:
        """(node, a shortest path to it) for ``source`` and every node it reaches, nearest first."""
        if source not in self.edges:
            return
        parents: dict[str, str | None] = {source: None}
        level = [source]
        while level:
            following = []
            for node in level:
                yield node, self._path_to(parents, node)
                for callee in self.edges.get(node, ()):
                    if callee not in parents:
                        parents[callee] = node
                        following.append(callee)
            level = following

    @staticmethod
    def _path_to(parents: Mapping[str, str | None], node: str) -> list[str]:
        found = [node]
        while (parent := parents[found[-1]]) is not None:
            found.append(parent)
        return found[::-1]

    def digraph(self) -> nx.DiGraph[str]:
        """The graph as a ``networkx.DiGraph`` (for exports and graph algorithms off the hot path)."""
        import networkx as nx

        graph: nx.DiGraph[str] = nx.DiGraph()
        graph.add_nodes_from(self.functions)
        graph.add_edges_from((caller, callee) for caller, callees in self.edges.items() for callee in callees)
        return graph


def function_id(scope: Scope, container: str | None, name: str) -> str:
    return scope.qualify(f"{container}::{name}" if container else name)


def owner_scope(scope: Scope) -> Scope | None:
    """The nearest enclosing ``#[starknet::contract]`` / ``#[starknet::component]`` module."""
    current: Scope | None = scope
    while current is not None:
        if any(a.name in ("starknet::contract", "starknet::component") for a in current.attributes):
            return current
        current = current.parent
    return None


@record(eq=False, frozen=False)
class _Method:
    id: str
    container: A.Impl | A.Trait


class CallGraphBuilder:
    """Collects every function, analyses its body and links its calls."""

    def __init__(
        self,
        index: ScopeIndex,
        resolver: TypeResolver,
        constants: ConstantEvaluator,
        texts: Mapping[str, bytes],
        components: Mapping[str, Mapping[str, str]],
    ) -> None:
        self.index = index
        self.resolver = resolver
        self.constants = constants
        self.texts = texts
        self.components = components
        self.methods: dict[str, dict[str, list[_Method]]] = {}
        self.generated: dict[str, dict[str, dict[str, str]]] = {}
        self.trait_impls: dict[str, list[tuple[Scope, A.Impl]]] = {}
        self._aliased: dict[str, dict[str, str]] = {}
        self._index_methods()

    def aliased_methods(self, scope: Scope) -> dict[str, str]:
        """Methods brought in by the module's impl aliases (``impl O = comp::OwnableImpl<..>;``),
        by name; ``#[embeddable_as]`` names resolve to the impl they label."""
        if scope.qualified not in self._aliased:
            found: dict[str, str] = {}
            for item in scope.items:
                if isinstance(item, A.ImplAlias):
                    target = self._alias_target(scope, [s.name for s in item.target.segments])
                    if target is not None:
                        module, impl = target
                        for function in functions_of(impl.items):
                            found.setdefault(function.name, function_id(module, impl.name, function.name))
            self._aliased[scope.qualified] = found
        return self._aliased[scope.qualified]

    def _alias_target(self, scope: Scope, segments: list[str]) -> tuple[Scope, A.Impl] | None:
        direct = self.index.resolve(scope, segments)
        if direct is not None and isinstance(direct.item, A.Impl) and direct.member is None:
            return direct.scope, direct.item
        module = self.index.resolve(scope, segments[:-1]) if len(segments) > 1 else None
        if module is None or module.item is not None:
            return None
        for item in module.scope.items:
            if isinstance(item, A.Impl) and attribute_args(item, "embeddable_as") == (segments[-1],):
                return module.scope, item
        return None

    def _index_methods(self) -> None:
        for scope in self.index.all_scopes():
            table = self.methods.setdefault(scope.qualified, {})
            for item in scope.items:
                if isinstance(item, (A.Impl, A.Trait)):
                    for function in functions_of(item.items):
                        if isinstance(item, A.Trait) and function.body is None:
                            continue
                        table.setdefault(function.name, []).append(_Method(function_id(scope, item.name, function.name), item))
                if isinstance(item, A.Impl):
                    trait = self.index.resolve(scope, [s.name for s in item.trait.segments])
                    key = (
                        trait.qualified
                        if trait is not None and isinstance(trait.item, A.Trait)
                        else scope.qualify(item.trait.text)
                    )
                    self.trait_impls.setdefault(key, []).append((scope, item))
                    names = self.generated.setdefault(scope.qualified, {}).setdefault(item.trait.last.name, {})
                    for function in functions_of(item.items):
                        names[function.name] = function_id(scope, item.name, function.name)

    def build(self) -> CallGraph:
        functions: dict[str, FunctionInfo] = {}
        for scope in self.index.all_scopes():
            for container, function in _functions(scope):
                info = self._function(scope, container, function)
                functions[info.id] = info
        edges = {
            info.id: tuple(
                dict.fromkeys(
                    [c.target for c in info.facts.calls if c.target in functions]
                    + [SYSCALL_PREFIX + s.name for s in info.facts.syscalls]
                )
            )
            for info in functions.values()
        }
        return CallGraph(edges, functions)

    def _function(self, scope: Scope, container: A.Impl | A.Trait | None, function: A.Function) -> FunctionInfo:
        owner = owner_scope(scope)
        generics = generic_parameters(function.generics, container.generics if container else ())
        params = tuple(
            Parameter(p.name, self.resolver.resolve(scope, p.type, generics).text) for p in function.params if p.name != "self"
        )
        returns = self.resolver.resolve(scope, function.return_type, generics).text if function.return_type else None
        linker = _FunctionLinker(self, scope, owner, container if isinstance(container, A.Impl) else None)
        facts = FunctionAnalyzer(function, scope.file.path, self.texts.get(scope.file.path, b""), linker).analyze()
        receiver = self_param(function)
        self_kind = None
        if receiver is not None:
            self_kind = (
                "snapshot" if isinstance(receiver.type, A.SnapshotType) else "ref" if "ref" in receiver.modifiers else "value"
            )
        return FunctionInfo(
            id=function_id(scope, container.name if container else None, function.name),
            name=function.name,
            module=scope.qualified,
            owner=owner.qualified if owner else None,
            impl=container.name if isinstance(container, A.Impl) else None,
            trait=(container.trait.last.name if isinstance(container, A.Impl) else container.name) if container else None,
            params=params,
            returns=returns,
            self_kind=self_kind,
            attributes=tuple(a.name for a in function.attributes),
            location=location(scope.file.path, function.span),
            known=scope.crate.kind in EXTERNAL_KINDS,
            facts=facts,
            name_location=location(scope.file.path, function.name_span),
        )


def _functions(scope: Scope) -> Iterator[tuple[A.Impl | A.Trait | None, A.Function]]:
    for item in scope.items:
        if isinstance(item, A.Function) and item.body is not None:
            yield None, item
        elif isinstance(item, (A.Impl, A.Trait)):
            for function in functions_of(item.items):
                if function.body is not None:
                    yield item, function


class _FunctionLinker:
    """Resolves the calls of one function (the ``facts.Linker`` protocol)."""

    def __init__(self, builder: CallGraphBuilder, scope: Scope, owner: Scope | None, impl: A.Impl | None) -> None:
        self.builder = builder
        self.scope = scope
        self.owner = owner
        self.impl = impl

    def path_call(self, segments: tuple[str, ...]) -> tuple[str | None, str]:
        if segments[0] == "Self" and self.impl is not None and len(segments) == 2:
            return function_id(self.scope, self.impl.name, segments[1]), "trait"
        found = self.builder.index.resolve(self.scope, segments)
        if found is not None and isinstance(found.item, A.Function) and found.member is None:
            return function_id(found.scope, None, found.item.name), "function"
        if found is not None and isinstance(found.item, A.Impl) and found.member:
            return function_id(found.scope, found.item.name, found.member), "trait"
        if found is not None and isinstance(found.item, A.Trait) and found.member:
            return self._trait_method(found.qualified.rsplit("::", 1)[0], found.member), "trait"
        if found is not None and isinstance(found.item, (A.Enum, A.Struct)):
            return None, "variant"
        if len(segments) >= 2:
            for module in self._modules():
                target = self.builder.generated.get(module.qualified, {}).get(segments[-2], {}).get(segments[-1])
                if target is not None:
                    return target, "trait"
        return None, "function"

    def _trait_method(self, trait: str, name: str) -> str | None:
        for scope, impl in self.builder.trait_impls.get(trait, ()):
            if any(f.name == name for f in functions_of(impl.items)):
                return function_id(scope, impl.name, name)
        for method in self.builder.methods.get(trait.rsplit("::", 1)[0], {}).get(name, ()):
            if isinstance(method.container, A.Trait):
                return method.id
        return None

    def _modules(self) -> list[Scope]:
        modules = [self.scope]
        if self.owner is not None and self.owner is not self.scope:
            modules.append(self.owner)
        return modules

    def self_method(self, name: str) -> str | None:
        for module in self._modules():
            candidates = self.builder.methods.get(module.qualified, {}).get(name, [])
            if candidates:
                return candidates[0].id
        for module in self._modules():
            aliased = self.builder.aliased_methods(module).get(name)
            if aliased is not None:
                return aliased
        return None

    def component_of_storage(self, member: str) -> str | None:
        if self.owner is None:
            return None
        return self.builder.components.get(self.owner.qualified, {}).get(member)

    def component_method(self, component: str, name: str) -> str | None:
        candidates = self.builder.methods.get(component, {}).get(name, [])
        return candidates[0].id if candidates else None

    def dependency(self, impl_name: str) -> str | None:
        """The component a ``get_dep_component!(self, Name)`` names through the impl's
        ``impl Name: path::HasComponent<..>`` parameter."""
        for param in self.impl.generics if self.impl is not None else ():
            if param.kind == "impl" and param.name == impl_name and isinstance(param.bound, A.PathType):
                segments = [s.name for s in param.bound.path.segments][:-1]
                found = self.builder.index.resolve(self.scope, segments) if segments else None
                if found is not None and found.item is None:
                    return found.scope.qualified
        return None

    def constant(self, segments: tuple[str, ...]) -> int | None:
        return self.builder.constants.resolve(self.scope, segments)

    def bound_method(self, name: str) -> str | None:
        """``name`` as a method of a trait the enclosing impl is bounded by (``+Ownable<T>``,
        ``impl O: Ownable<T>``)."""
        for param in self.impl.generics if self.impl is not None else ():
            if param.kind in ("anon_impl", "impl") and isinstance(param.bound, A.PathType):
                found = self.builder.index.resolve(self.scope, [s.name for s in param.bound.path.segments])
                if found is not None and isinstance(found.item, A.Trait) and found.member is None:
                    target = self._trait_method(found.qualified, name)
                    if target is not None:
                        return target
        return None
