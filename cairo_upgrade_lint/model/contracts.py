"""Contracts, components and interfaces: storage layout, entry points, events and the components
they use (``component!`` and ``#[with_components(...)]``).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence

from ..findings import Location
from ..records import record
from ..syntax import ast as A
from ..syntax.walk import walk
from .callgraph import Parameter, function_id
from .hashing import felt_hex, selector
from .known_components import WITH_COMPONENTS
from .layout import AddressCollision, LayoutBuilder, StorageMember, UnresolvedLayout, collisions
from .loading import EXTERNAL_KINDS
from .scope import Scope, ScopeIndex
from .syntax_utils import (
    attribute_args,
    expr_name,
    functions_of,
    has_attribute,
    location,
    macro_arg,
    self_param,
)
from .types import CairoType, TypeResolver, generic_parameters

CONTRACT = "starknet::contract"
COMPONENT = "starknet::component"
INTERFACE = "starknet::interface"
EMBEDDABLE_AS = ("embeddable_as", "starknet::embeddable_as")


@record
class EntryPoint:
    """An entry point of a class. kind: 'external', 'view', 'constructor' or 'l1_handler'.
    ``origin`` names the impl (or 'function' for a free function); ``component`` the qualified
    component module it was embedded from; ``function`` the call-graph id of its code;
    ``embedded_at`` the ``#[abi(embed_v0)] impl X = ...;`` line that embeds it (None when the
    contract declares it); ``serde`` the encodings of its parameters and return value
    (``TypeResolver.serde``: what callers' calldata must match, whatever the type names)."""

    name: str
    kind: str
    params: tuple[Parameter, ...]
    returns: str | None
    origin: str
    component: str | None
    function: str
    location: Location
    embedded_at: Location | None = None
    serde: tuple[tuple[str, ...], str | None] = ((), None)

    @property
    def selector(self) -> int:
        return selector(self.name)

    @property
    def selector_hex(self) -> str:
        return felt_hex(self.selector)

    @property
    def signature(self) -> str:
        params = ", ".join(f"{p.name}: {p.type}" for p in self.params)
        return f"{self.name}({params})" + (f" -> {self.returns}" if self.returns else "")


@record
class EventField:
    """``serde`` is the field's encoding (``TypeResolver.serde``), "" when not computed."""

    name: str
    type: str
    key: bool
    serde: str = ""


@record
class Event:
    """One emitted event shape. ``selectors`` are the variant names whose selectors lead its
    keys (one, or several through non-``#[flat]`` nested enums); ``resolved`` is False when the
    payload type is unknown (then ``fields`` is empty). ``embedded_at`` is the variant of the
    contract's own ``Event`` enum (or the injecting attribute) it is nested under, None for a
    direct variant; ``flat`` marks an unresolved ``#[flat]`` variant (it may emit any event
    under the enum it is in). ``via`` names the variants it is nested under, from the contract's
    ``Event`` enum down, each with whether it is ``#[flat]`` (the ones that are not lead
    ``selectors``); () for a variant of the contract's own enum."""

    name: str
    selectors: tuple[str, ...]
    fields: tuple[EventField, ...]
    component: str | None
    resolved: bool
    location: Location
    embedded_at: Location | None = None
    flat: bool = False
    via: tuple[tuple[str, bool], ...] = ()

    @property
    def keys(self) -> tuple[EventField, ...]:
        return tuple(f for f in self.fields if f.key)

    @property
    def data(self) -> tuple[EventField, ...]:
        return tuple(f for f in self.fields if not f.key)


@record
class EmbeddedImpl:
    """An ``#[abi(embed_v0)] impl name = target;`` of a contract. ``resolved`` is False when the
    impl behind ``target`` is not in the analysed source: its entry points are then unknown (not
    absent). ``entry_points`` are the names it gives when resolved."""

    name: str
    target: str
    resolved: bool
    location: Location
    entry_points: tuple[str, ...] = ()


@record
class ComponentUse:
    """A component declared in a contract. ``component`` is its qualified module (None when it
    does not resolve); ``known`` when it comes from the shipped OpenZeppelin knowledge;
    ``injected`` when ``#[with_components]`` declared it."""

    path: str
    storage: str
    event: str
    component: str | None
    known: bool
    injected: bool
    location: Location


@record
class Contract:
    """A ``#[starknet::contract]`` (kind 'contract') or ``#[starknet::component]`` module.
    ``location`` spans the module with its attributes; ``declaration`` is its ``mod`` name and
    ``event_enum`` the name of its ``enum Event`` (None without one); ``storage_location`` the name
    of its ``#[storage] struct Storage`` (None without one); ``embedded`` its
    ``#[abi(embed_v0)] impl X = path;`` aliases, resolved or not."""

    name: str
    qualified_name: str
    kind: str
    crate: str
    location: Location
    storage: tuple[StorageMember, ...]
    collisions: tuple[AddressCollision, ...]
    entry_points: tuple[EntryPoint, ...]
    events: tuple[Event, ...]
    components: tuple[ComponentUse, ...]
    functions: tuple[str, ...]
    unresolved: tuple[str, ...]
    known: bool = False
    declaration: Location | None = None
    event_enum: Location | None = None
    storage_location: Location | None = None
    embedded: tuple[EmbeddedImpl, ...] = ()
    origin: str = ""  # the Scarb dependency it comes from ("name version (source)"), if any

    def member(self, name: str) -> StorageMember | None:
        return next((m for m in self.storage if m.name == name), None)

    def entry_point(self, name: str) -> EntryPoint | None:
        return next((e for e in self.entry_points if e.name == name), None)


@record
class InterfaceFunction:
    """A function of a ``#[starknet::interface]`` trait; ``serde`` the encodings of its parameters
    and return value, as ``EntryPoint.serde`` (what its dispatcher sends and decodes)."""

    name: str
    kind: str
    params: tuple[Parameter, ...]
    returns: str | None
    serde: tuple[tuple[str, ...], str | None] = ((), None)


@record
class Interface:
    name: str
    qualified_name: str
    functions: tuple[InterfaceFunction, ...]
    location: Location

    def function(self, name: str) -> InterfaceFunction | None:
        return next((f for f in self.functions if f.name == name), None)


def is_contract_module(scope: Scope) -> bool:
    return has_attribute(scope, CONTRACT, COMPONENT)


class ContractBuilder:
    """Builds ``Contract`` records from contract and component module scopes."""

    def __init__(self, index: ScopeIndex, resolver: TypeResolver, layouts: LayoutBuilder) -> None:
        self.index = index
        self.resolver = resolver
        self.layouts = layouts

    def build(self, scope: Scope, function_ids: Sequence[str]) -> Contract:
        """The contract or component of module ``scope``; ``function_ids`` are the call graph's
        function ids, sorted."""
        notes: list[str] = []
        components = self.components(scope, notes)
        storage = self._storage(scope, components, notes)
        notes += [f"storage member {m.display}: {m.layout.reason}" for m in storage if isinstance(m.layout, UnresolvedLayout)]
        prefix = scope.qualified + "::"
        path = scope.file.path
        aliases: list[EmbeddedImpl] = []
        entry_points = self._entry_points(scope, notes, aliases)
        return Contract(
            name=scope.name,
            qualified_name=scope.qualified,
            kind="component" if has_attribute(scope, COMPONENT) else "contract",
            crate=scope.crate.name,
            location=location(path, scope.span) if scope.span else Location(path, 1, 1, 1, 1),
            storage=tuple(storage),
            collisions=collisions(storage),
            entry_points=tuple(entry_points),
            events=tuple(self._events(scope, components, notes)),
            components=tuple(components),
            functions=tuple(function_ids[bisect_left(function_ids, prefix) : bisect_left(function_ids, prefix[:-1] + ";")]),
            unresolved=tuple(notes),
            known=scope.crate.kind in EXTERNAL_KINDS,
            declaration=_declaration(scope),
            event_enum=_named(scope, "Event", A.Enum),
            storage_location=_named(scope, "Storage", A.Struct),
            embedded=tuple(aliases),
            origin=scope.crate.origin,
        )

    # ------------------------------------------------------------ components

    def components(self, scope: Scope, notes: list[str] | None = None) -> list[ComponentUse]:
        """``component!(path:, storage:, event:)`` declarations and injected components."""
        uses = []
        for item in scope.items:
            if isinstance(item, A.MacroItem) and item.call.path.text == "component":
                path, storage, event = (macro_arg(item.call, k) for k in ("path", "storage", "event"))
                path_text = expr_name(path) if path is not None else ""
                uses.append(
                    self._component(
                        scope,
                        path_text,
                        expr_name(storage) if storage else "",
                        expr_name(event) if event else "",
                        False,
                        item.span,
                        notes,
                    )
                )
        for name in attribute_args(scope, "with_components") or ():
            injected = WITH_COMPONENTS.get(name)
            if injected is None:
                if notes is not None:
                    notes.append(f"#[with_components]: unknown component {name}")
                continue
            if not any(u.storage == injected.storage for u in uses):
                span = next(a.span for a in scope.attributes if a.name == "with_components")
                uses.append(self._component(scope, injected.path, injected.storage, injected.event, True, span, notes))
        return uses

    def _component(
        self,
        scope: Scope,
        path: str,
        storage: str,
        event: str,
        injected: bool,
        span: A.Span,
        notes: list[str] | None,
    ) -> ComponentUse:
        found = self.index.resolve(scope, path.split("::")) if path else None
        component = found.scope if found is not None and found.item is None and has_attribute(found.scope, COMPONENT) else None
        if component is None and notes is not None:
            notes.append(f"component {path or '?'} (storage {storage}) not found")
        return ComponentUse(
            path=path,
            storage=storage,
            event=event,
            component=component.qualified if component else None,
            known=component is not None and component.crate.kind in EXTERNAL_KINDS,
            injected=injected,
            location=location(scope.file.path, span),
        )

    # ------------------------------------------------------------ storage

    def _storage(self, scope: Scope, components: list[ComponentUse], notes: list[str]) -> list[StorageMember]:
        struct = scope.declared.get("Storage")
        members: list[StorageMember] = []
        if isinstance(struct, A.Struct):
            members = self.layouts.members(scope, struct)
        flattened = {m.via[0] for m in members if m.via}
        for other in self._shared_states(scope):
            inner = other.declared.get("Storage")
            if isinstance(inner, A.Struct):
                members += self.layouts.members(other, inner, via=(other.name,))
        for use in components:
            if not use.injected or use.storage in flattened:
                continue
            target = self.index.resolve(scope, use.path.split("::")) if use.component else None
            inner = target.scope.declared.get("Storage") if target is not None else None
            if target is not None and isinstance(inner, A.Struct):
                members += self.layouts.members(target.scope, inner, via=(use.storage,))
            else:
                notes.append(f"storage of injected component {use.path} not found")
        return members

    def _shared_states(self, scope: Scope) -> list[Scope]:
        """Other contract modules whose state this module's code opens with
        ``Other::unsafe_new_contract_state()`` (Cairo 2.0-2.4 storage sharing): their ``#[storage]``
        members live at their own names in this contract's storage (DOMAIN.md section 2d)."""
        found: dict[str, Scope] = {}
        for item in scope.items:
            if isinstance(item, A.Module):
                continue
            for node in walk(item):
                if not isinstance(node, A.PathExpr) or len(node.path.segments) < 2:
                    continue
                *module, last = (s.name for s in node.path.segments)
                if last != "unsafe_new_contract_state":
                    continue
                target = self.index.resolve(scope, module)
                if (
                    target is not None
                    and target.item is None
                    and target.scope is not scope
                    and has_attribute(target.scope, CONTRACT)
                ):
                    found.setdefault(target.scope.qualified, target.scope)
        return list(found.values())

    # ------------------------------------------------------------ entry points

    def _entry_points(self, scope: Scope, notes: list[str], aliases: list[EmbeddedImpl]) -> list[EntryPoint]:
        """The entry points ``scope`` declares or embeds; its ``#[abi(embed_v0)]`` impl aliases are
        added to ``aliases``."""
        out: list[EntryPoint] = []
        for item in scope.items:
            if isinstance(item, A.Function):
                kind = _attribute_kind(item)
                if kind is not None:
                    out.append(self._entry_point(scope, None, item, kind, "function", None))
            elif isinstance(item, A.Impl) and item.items is not None:
                per_item = attribute_args(item, "abi") == ("per_item",)
                embedded = attribute_args(item, "abi") == ("embed_v0",) or has_attribute(item, "external")
                for function in functions_of(item.items):
                    kind = _attribute_kind(function) if per_item else _method_kind(function) if embedded else None
                    if kind is not None:
                        out.append(self._entry_point(scope, item, function, kind, item.name, None))
            elif isinstance(item, A.ImplAlias) and attribute_args(item, "abi") == ("embed_v0",):
                found = self._embedded(scope, item, notes)
                aliases.append(
                    EmbeddedImpl(
                        item.name,
                        _target_text(item.target),
                        found is not None,
                        location(scope.file.path, item.name_span),
                        tuple(e.name for e in found or ()),
                    )
                )
                out += found or ()
        return out

    def _embedded(self, scope: Scope, alias: A.ImplAlias, notes: list[str]) -> list[EntryPoint] | None:
        """Entry points of ``#[abi(embed_v0)] impl X = path::Name<ContractState>;`` (None when the
        impl is not in the analysed source: unknown, not empty)."""
        segments = [s.name for s in alias.target.segments]
        found = self.index.resolve(scope, segments[:-1]) if len(segments) > 1 else None
        module = found.scope if found is not None and found.item is None else None
        impl = _embeddable(module, segments[-1]) if module is not None else None
        if impl is None:
            direct = self.index.resolve(scope, segments)
            if direct is not None and isinstance(direct.item, A.Impl) and direct.member is None:
                module, impl = direct.scope, direct.item
        if impl is None or module is None:
            notes.append(f"embedded impl {alias.target.text} not found: its entry points are unknown")
            return None
        component = module.qualified if has_attribute(module, COMPONENT) else None
        origin = f"{module.name}::{segments[-1]}"
        site = location(scope.file.path, alias.name_span)
        return [
            self._entry_point(module, impl, function, kind, origin, component, site)
            for function in functions_of(impl.items)
            if (kind := _method_kind(function)) is not None
        ]

    def _entry_point(
        self,
        scope: Scope,
        impl: A.Impl | None,
        function: A.Function,
        kind: str,
        origin: str,
        component: str | None,
        embedded_at: Location | None = None,
    ) -> EntryPoint:
        types, result = self._types(scope, function, impl.generics if impl else ())
        params, returns = _signature(function, types, result)
        serde = self._serde(types, result)
        return EntryPoint(
            name=function.name,
            kind=kind,
            params=params,
            returns=returns,
            origin=origin,
            component=component,
            function=function_id(scope, impl.name if impl else None, function.name),
            location=location(scope.file.path, function.span),
            embedded_at=embedded_at,
            serde=serde,
        )

    def _serde(self, types: tuple[CairoType, ...], result: CairoType | None) -> tuple[tuple[str, ...], str | None]:
        """The encodings of parameters of ``types`` and of a ``result`` (None: no return value)."""
        return tuple(self.resolver.serde(t) for t in types), self.resolver.serde(result) if result else None

    def _types(
        self, scope: Scope, function: A.Function, outer: tuple[A.GenericParam, ...]
    ) -> tuple[tuple[CairoType, ...], CairoType | None]:
        """The resolved parameter types (``self`` excluded) and return type of ``function``."""
        generics = generic_parameters(function.generics, outer)
        types = tuple(self.resolver.resolve(scope, p.type, generics) for p in function.params if p.name != "self")
        returns = function.return_type
        return types, self.resolver.resolve(scope, returns, generics) if returns is not None else None

    # ------------------------------------------------------------ events

    def _events(self, scope: Scope, components: list[ComponentUse], notes: list[str]) -> list[Event]:
        enum = scope.declared.get("Event")
        out: list[Event] = []
        if isinstance(enum, A.Enum):
            out = self._variants(scope, enum, (), None, notes, 0, None)
        named = {e.selectors[0] for e in out} | {e.component for e in out if e.component}
        for use in components:
            if use.injected and use.event not in named and use.component not in named:
                target = self.index.resolve(scope, use.path.split("::")) if use.component else None
                inner = target.scope.declared.get("Event") if target is not None else None
                if target is not None and isinstance(inner, A.Enum):
                    via = ((use.event, True),)
                    out += self._variants(target.scope, inner, (), use.component, notes, 1, use.location, via)
        return out

    def _variants(
        self,
        scope: Scope,
        enum: A.Enum,
        prefix: tuple[str, ...],
        component: str | None,
        notes: list[str],
        depth: int,
        site: Location | None,
        via: tuple[tuple[str, bool], ...] = (),
    ) -> list[Event]:
        """Events of ``enum``'s variants; ``site`` is the contract's variant they are nested under,
        ``via`` the variants (name, ``#[flat]``) that lead to ``enum``."""
        out: list[Event] = []
        for variant in enum.variants:
            chain = prefix if has_attribute(variant, "flat") else prefix + (variant.name,)
            where = location(scope.file.path, variant.span)
            if variant.type is None:
                out.append(Event(variant.name, prefix + (variant.name,), (), component, True, where, site, via=via))
                continue
            payload = self.resolver.resolve(scope, variant.type)
            found = self.resolver.definition(payload)
            if found is not None and isinstance(found.item, A.Enum) and depth < 8:
                inner_component = found.scope.qualified if has_attribute(found.scope, COMPONENT) else component
                inner_via = via + ((variant.name, has_attribute(variant, "flat")),)
                out += self._variants(found.scope, found.item, chain, inner_component, notes, depth + 1, site or where, inner_via)
            elif found is not None and isinstance(found.item, A.Struct):
                fields = tuple(
                    EventField(m.name, t.text, has_attribute(m, "key"), self.resolver.serde(t))
                    for m, t in self.resolver.members(payload)
                )
                out.append(Event(variant.name, prefix + (variant.name,), fields, component, True, where, site, via=via))
            elif payload.category == "tuple" and not payload.args:
                out.append(Event(variant.name, prefix + (variant.name,), (), component, True, where, site, via=via))
            elif self._eventless_component(scope, variant.type):
                continue
            else:
                notes.append(f"event {variant.name}: payload type {payload.text} not found")
                flat = has_attribute(variant, "flat")
                out.append(Event(variant.name, prefix + (variant.name,), (), component, False, where, site, flat, via))
        return out

    def _eventless_component(self, scope: Scope, payload: A.TypeExpr) -> bool:
        """``Comp::Event`` of a component that declares no ``Event`` (it emits nothing)."""
        if not isinstance(payload, A.PathType) or payload.path.last.name != "Event":
            return False
        found = self.index.resolve(scope, [s.name for s in payload.path.segments[:-1]])
        return (
            found is not None
            and found.item is None
            and has_attribute(found.scope, COMPONENT)
            and "Event" not in found.scope.declared
        )

    # ------------------------------------------------------------ interfaces

    def interface(self, scope: Scope, trait: A.Trait) -> Interface:
        functions = []
        for function in functions_of(trait.items):
            types, result = self._types(scope, function, trait.generics)
            params, returns = _signature(function, types, result)
            serde = self._serde(types, result)
            functions.append(InterfaceFunction(function.name, _method_kind(function) or "function", params, returns, serde))
        return Interface(trait.name, scope.qualify(trait.name), tuple(functions), location(scope.file.path, trait.span))


def _attribute_kind(function: A.Function) -> str | None:
    if has_attribute(function, "constructor"):
        return "constructor"
    if has_attribute(function, "l1_handler"):
        return "l1_handler"
    if has_attribute(function, "external"):
        return _method_kind(function)
    return None


def _method_kind(function: A.Function) -> str | None:
    """'view' for ``self: @State``, 'external' for ``ref self``; None without a self parameter."""
    receiver = self_param(function)
    if receiver is None:
        return None
    return "view" if isinstance(receiver.type, A.SnapshotType) else "external"


def _embeddable(module: Scope, name: str) -> A.Impl | None:
    """The impl of ``module`` embeddable as ``name`` (``#[embeddable_as(name)]`` or an
    ``#[starknet::embeddable]`` impl called ``name``)."""
    for item in module.items:
        if isinstance(item, A.Impl):
            for attr in EMBEDDABLE_AS:
                if attribute_args(item, attr) == (name,):
                    return item
            if item.name == name and has_attribute(item, "starknet::embeddable"):
                return item
    return None


def _signature(
    function: A.Function, types: tuple[CairoType, ...], result: CairoType | None
) -> tuple[tuple[Parameter, ...], str | None]:
    """The parameters (``self`` excluded) and return type of ``function`` as written, given their
    resolved ``types`` and ``result``."""
    names = [p.name for p in function.params if p.name != "self"]
    params = tuple(Parameter(name, t.text) for name, t in zip(names, types, strict=True))
    return params, result.text if result is not None else None


def _target_text(path: A.Path) -> str:
    """``a::b::C<ContractState>``: the path as written, generic arguments included."""
    span = path.span
    return "".join(span.lines.source[span.start : span.end].decode("utf-8", "replace").split())


def _declaration(scope: Scope) -> Location | None:
    """The name of the ``mod`` item that declares ``scope``."""
    siblings = scope.parent.items if scope.parent is not None else ()
    module = next(
        (i for i in siblings if isinstance(i, A.Module) and i.name == scope.name and i.span == scope.span),
        None,
    )
    return location(scope.file.path, module.name_span) if module is not None else None


def _named(scope: Scope, name: str, kind: type[A.Struct | A.Enum]) -> Location | None:
    """The name of the item ``name`` declared in ``scope`` when it is a ``kind``."""
    item = scope.declared.get(name)
    return location(scope.file.path, item.name_span) if isinstance(item, kind) else None
