"""Storage layout as Starknet computes it (DOMAIN.md section 2).

A member's base address is ``sn_keccak`` of its name (or of its ``#[rename]``); Store structs are
positional; Store enums keep an indicator felt at offset 0; ``Map``/``Vec`` entries and storage-node
members hang off Pedersen-folded paths; ``#[substorage(v0)]`` and ``#[flat]`` flatten a component's
or node's members into the parent namespace. What cannot be known is marked, never guessed:
custom ``StorePacking``/``Store`` impls give a ``CustomLayout``, unknown types an ``UnresolvedLayout``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import ClassVar

from ..digest import new_digest
from ..findings import Location
from ..records import record
from ..syntax import ast as A
from ..syntax.walk import walk
from .hashing import node_member_path, sn_keccak, storage_address
from .scope import Scope
from .syntax_utils import attribute_args, derives, fingerprint, has_attribute, location
from .types import UNIT, CairoType, TypeResolver

MAX_NESTING = 32
FELT_KINDS = frozenset({"felt", "bool", "int", "address", "class_hash", "storage_address", "bytes31"})
_WIDE_SCALARS = {"u256": 2, "u512": 4}
COLLISION_ALLOW = "starknet::colliding_storage_paths"


@record
class ScalarLayout:
    """A value in ``size`` consecutive felts: ``encoding`` is a FELT_KINDS name, 'u256' or 'u512'."""

    type: CairoType
    encoding: str
    size: int
    kind: ClassVar[str] = "scalar"


@record
class FieldLayout:
    name: str
    offset: int | None
    layout: Layout


@record
class StructLayout:
    """A ``#[derive(starknet::Store)]`` struct, a tuple or a fixed-size array: positional fields."""

    type: CairoType
    fields: tuple[FieldLayout, ...]
    size: int | None
    kind: ClassVar[str] = "struct"


@record
class VariantLayout:
    name: str
    indicator: int
    payload: Layout | None


@record
class EnumLayout:
    """A Store enum (also ``Option``/``Result``): indicator at offset 0, payload from offset 1."""

    type: CairoType
    variants: tuple[VariantLayout, ...]
    size: int | None
    default: str | None
    kind: ClassVar[str] = "enum"

    def indicator(self, variant: str) -> int | None:
        return next((v.indicator for v in self.variants if v.name == variant), None)


@record
class MapLayout:
    """``Map``/``LegacyMap`` (nested maps merged, tuple keys split into their elements, which hash
    the same way): ``keys`` in folding order, ``key_felts`` the
    serialized key felt by felt (None when a key type's serialization is unknown)."""

    type: CairoType
    keys: tuple[CairoType, ...]
    key_felts: tuple[str, ...] | None
    value: Layout
    size: ClassVar[None] = None
    kind: ClassVar[str] = "map"


@record
class VecLayout:
    """``Vec<T>``: length (u64) at the base, element i at pedersen(base, i)."""

    type: CairoType
    element: Layout
    size: ClassVar[None] = None
    kind: ClassVar[str] = "vec"


@record
class NodeLayout:
    """A ``#[starknet::storage_node]`` struct: member m at pedersen(path, sn_keccak(m))."""

    type: CairoType
    members: tuple[StorageMember, ...]
    size: ClassVar[None] = None
    kind: ClassVar[str] = "node"


@record
class ByteArrayLayout:
    """``ByteArray``: length at the base, data in Poseidon-derived chunks (one felt in a struct)."""

    type: CairoType
    size: ClassVar[int] = 1
    kind: ClassVar[str] = "byte_array"


@record
class CustomLayout:
    """A type stored through its own ``StorePacking`` or ``Store`` impl. ``code`` is a fingerprint
    of the impl, of the type's declaration and of the crate's functions and constants it names,
    transitively; ``methods`` one of the crate's impl methods named like those it calls on values
    (which of them runs depends on types not known here). Both equal in two versions: the same
    code, so the same encoding; otherwise the encoding is unverifiable."""

    type: CairoType
    packed: Layout | None
    reason: str
    code: str = ""
    methods: str = ""
    kind: ClassVar[str] = "custom"

    @property
    def size(self) -> int | None:
        return self.packed.size if self.packed is not None else None


@record
class UnresolvedLayout:
    """A type whose storage encoding is unknown (not found, or not storable)."""

    type: CairoType
    reason: str
    size: ClassVar[None] = None
    kind: ClassVar[str] = "unresolved"


Layout = (
    ScalarLayout
    | StructLayout
    | EnumLayout
    | MapLayout
    | VecLayout
    | NodeLayout
    | ByteArrayLayout
    | CustomLayout
    | UnresolvedLayout
)


@record
class StorageMember:
    """One storage member.

    ``key`` is the name its address derives from (its ``#[rename]`` or its name); ``path`` is the
    Pedersen path state and ``address`` the slot (both None under a ``Map``/``Vec``, where they
    depend on the entry). ``via`` lists the ``#[substorage]``/``#[flat]`` members it was flattened
    through; ``owner`` is the qualified name of the struct that declares it. ``flattened``: a
    ``#[substorage]``/``#[flat]`` member whose type was not found, so the members it flattens into
    the parent namespace are unknown (not absent).
    """

    name: str
    key: str
    path: int | None
    address: int | None
    layout: Layout
    location: Location
    owner: str
    via: tuple[str, ...] = ()
    collision_allowed: bool = False
    flattened: bool = False

    @property
    def renamed(self) -> bool:
        return self.key != self.name

    @property
    def display(self) -> str:
        return ".".join(self.via + (self.name,))

    @property
    def type_text(self) -> str:
        return self.layout.type.text


@record
class AddressCollision:
    """Storage paths (by display name) that share one address."""

    address: int
    members: tuple[str, ...]
    allowed: bool


class LayoutBuilder:
    """Computes layouts of storage structs and the types they hold."""

    def __init__(self, resolver: TypeResolver, custom_store: dict[str, tuple[Scope, A.Impl, str]]) -> None:
        self.resolver = resolver
        self.custom_store = custom_store
        self._methods: dict[str, list[tuple[Scope, A.Function]]] | None = None

    # ------------------------------------------------------------ storage structs

    def members(
        self,
        scope: Scope,
        struct: A.Struct,
        parent: int | None = None,
        dynamic: bool = False,
        via: tuple[str, ...] = (),
        generics: dict[str, CairoType] | None = None,
        depth: int = 0,
    ) -> list[StorageMember]:
        """Members of a ``#[storage]`` struct (``parent`` None: the root namespace) or of a storage
        node under path ``parent`` (``dynamic``: under a map or vec, so no fixed address)."""
        owner = scope.qualify(struct.name)
        allowed = _allows_collision(struct)
        out: list[StorageMember] = []
        for member in struct.members:
            t = self.resolver.resolve(scope, member.type, generics)
            flattened = has_attribute(member, "substorage", "flat")
            if flattened and depth < MAX_NESTING:
                nested = self._storage_struct(t)
                if nested is not None:
                    inner_scope, inner, bound = nested
                    out += self.members(inner_scope, inner, parent, dynamic, via + (member.name,), bound, depth + 1)
                    continue
            key = _renamed(member) or member.name
            if dynamic:
                path = None
            elif parent is None:
                path = sn_keccak(key)
            else:
                path = node_member_path(parent, key)
            if flattened:
                layout: Layout = UnresolvedLayout(t, f"flattened storage type {t.text} not found")
            else:
                layout = self.layout(t, path, dynamic or path is None, depth + 1)
            out.append(
                StorageMember(
                    name=member.name,
                    key=key,
                    path=path,
                    address=storage_address(path) if path is not None else None,
                    layout=layout,
                    location=location(scope.file.path, member.span),
                    owner=owner,
                    via=via,
                    collision_allowed=allowed or _allows_collision(member),
                    flattened=flattened,
                )
            )
        return out

    def _storage_struct(self, t: CairoType) -> tuple[Scope, A.Struct, dict[str, CairoType]] | None:
        """The declaration of a component ``Storage`` or a storage node type."""
        found = self.resolver.definition(t)
        if found is None or not isinstance(found.item, A.Struct):
            return None
        params = [p.name for p in found.item.generics if p.kind == "type" and p.name]
        return found.scope, found.item, dict(zip(params, t.args))

    # ------------------------------------------------------------ types

    def layout(self, t: CairoType, path: int | None = None, dynamic: bool = False, depth: int = 0) -> Layout:
        """How a value of type ``t`` is stored. ``path``: its storage path (for node members)."""
        if depth > MAX_NESTING:
            return UnresolvedLayout(t, "type nesting too deep (recursive type?)")
        if t.category == "unresolved":
            return UnresolvedLayout(t, f"type {t.text} not found")
        if t.category == "generic":
            return UnresolvedLayout(t, f"generic type parameter {t.name}")
        if t.category == "tuple":
            return self._positional(t, [(str(i), a) for i, a in enumerate(t.args)], depth)
        if t.category == "fixed_array":
            if t.length is None:
                return UnresolvedLayout(t, "fixed-size array length is not a literal")
            return self._positional(t, [(str(i), t.args[0]) for i in range(t.length)], depth)
        if t.category == "builtin":
            return self._builtin(t, path, dynamic, depth)
        if t.category == "dispatcher":
            library = t.qualified.endswith("::library")
            field = CairoType("ClassHash" if library else "ContractAddress", "builtin")
            return self._positional(t, [("class_hash" if library else "contract_address", field)], depth)
        custom = self.custom_store.get(t.qualified)
        if custom is not None:
            return self._custom(t, custom, depth)
        found = self.resolver.definition(t)
        if found is None:
            return UnresolvedLayout(t, f"type {t.text} not found")
        if isinstance(found.item, A.Struct) and has_attribute(found.item, "starknet::storage_node"):
            params = [p.name for p in found.item.generics if p.kind == "type" and p.name]
            members = self.members(
                found.scope,
                found.item,
                path,
                dynamic or path is None,
                (),
                dict(zip(params, t.args)),
                depth + 1,
            )
            return NodeLayout(t, tuple(members))
        if "Store" not in derives(found.item):
            return UnresolvedLayout(t, f"{t.text} has no Store impl in the analysed source")
        if isinstance(found.item, A.Struct):
            return self._positional(t, [(m.name, mt) for m, mt in self.resolver.members(t)], depth)
        return self._enum(t, found.item, depth)

    def _builtin(self, t: CairoType, path: int | None, dynamic: bool, depth: int) -> Layout:
        kind = t.builtin_kind
        if kind in FELT_KINDS:
            return ScalarLayout(t, kind, 1)
        if kind in _WIDE_SCALARS:
            return ScalarLayout(t, kind, _WIDE_SCALARS[kind])
        if kind == "byte_array":
            return ByteArrayLayout(t)
        if kind == "non_zero" and t.args:
            return self.layout(t.args[0], path, dynamic, depth + 1)
        if kind == "map" and len(t.args) == 2:
            return self._map(t, depth)
        if kind == "vec" and t.args:
            return VecLayout(t, self.layout(t.args[0], None, True, depth + 1))
        if kind == "option" and t.args:
            payload = self.layout(t.args[0], None, True, depth + 1)
            variants = (VariantLayout("None", 0, None), VariantLayout("Some", 1, payload))
            return EnumLayout(t, variants, _plus_one(payload.size), None)
        if kind == "result" and len(t.args) == 2:
            ok, err = (self.layout(a, None, True, depth + 1) for a in t.args)
            size = _plus_one(max(ok.size, err.size) if ok.size is not None and err.size is not None else None)
            return EnumLayout(t, (VariantLayout("Ok", 0, ok), VariantLayout("Err", 1, err)), size, None)
        return UnresolvedLayout(t, f"{t.text} is not a storable type")

    def _positional(self, t: CairoType, fields: list[tuple[str, CairoType]], depth: int) -> StructLayout:
        offset: int | None = 0
        out = []
        for name, field_type in fields:
            layout = self.layout(field_type, None, True, depth + 1)
            out.append(FieldLayout(name, offset, layout))
            offset = offset + layout.size if offset is not None and layout.size is not None else None
        return StructLayout(t, tuple(out), offset)

    def _enum(self, t: CairoType, item: A.Enum, depth: int) -> EnumLayout:
        variants = self.resolver.variants(t)
        default = next((i for i, (v, _) in enumerate(variants) if has_attribute(v, "default")), None)
        out = []
        for i, (variant, payload_type) in enumerate(variants):
            payload = None
            if payload_type is not None and payload_type != UNIT:
                payload = self.layout(payload_type, None, True, depth + 1)
            out.append(VariantLayout(variant.name, stored_indicator(i, default), payload))
        sizes = [v.payload.size if v.payload is not None else 0 for v in out]
        known = [s for s in sizes if s is not None]
        size = 1 + max(known, default=0) if len(known) == len(sizes) else None
        return EnumLayout(t, tuple(out), size, variants[default][0].name if default is not None else None)

    def _map(self, t: CairoType, depth: int) -> MapLayout:
        keys: list[CairoType] = []
        value = t
        while value.category == "builtin" and value.builtin_kind == "map" and len(value.args) == 2:
            keys += _key_parts(value.args[0])
            value = value.args[1]
        felts: list[str] | None = []
        for key in keys:
            part = self.key_felts(key)
            felts = felts + part if felts is not None and part is not None else None
        return MapLayout(
            t,
            tuple(keys),
            tuple(felts) if felts is not None else None,
            self.layout(value, None, True, depth + 1),
        )

    def key_felts(self, t: CairoType) -> list[str] | None:
        """The felts a key hashes as (its ``Hash`` serialization), by type name; None if unknown."""
        if t.category == "snapshot":
            return self.key_felts(t.args[0])
        if t.category == "tuple":
            out: list[str] = []
            for arg in t.args:
                part = self.key_felts(arg)
                if part is None:
                    return None
                out += part
            return out
        kind = t.builtin_kind
        if kind in FELT_KINDS:
            return [t.name]
        if kind == "u256":
            return ["u128", "u128"]
        found = self.resolver.definition(t)
        if found is not None and isinstance(found.item, A.Struct) and "Hash" in derives(found.item):
            return self.key_felts(CairoType("()", "tuple", tuple(mt for _, mt in self.resolver.members(t))))
        return None

    def _custom(self, t: CairoType, custom: tuple[Scope, A.Impl, str], depth: int) -> CustomLayout:
        scope, impl, trait = custom
        args = impl.trait.last.generic_args or ()
        found = self.resolver.definition(t)
        declaration = (found.item,) if found is not None and found.item is not None else ()
        named, methods = self._uses(scope, impl)
        code = f"{fingerprint(impl, *declaration)}+{named}"
        if trait == "StorePacking" and len(args) == 2:
            packed_type = self.resolver.resolve(scope, args[1].value)
            packed = self.layout(packed_type, None, True, depth + 1)
            return CustomLayout(t, packed, f"custom StorePacking impl {impl.name}", code, methods)
        return CustomLayout(t, None, f"hand-written Store impl {impl.name}", code, methods)

    def _uses(self, scope: Scope, impl: A.Impl) -> tuple[str, str]:
        """Digests, whatever their order or file, of the crate's functions and constants that
        ``impl`` names and those they name in turn (a packing's meaning lives in its masks and
        helpers too), and of the crate's impl methods named like the methods that code calls."""
        named: dict[int, str] = {}
        called: set[str] = set()
        todo: list[tuple[Scope, object]] = [(scope, impl)]
        while todo:
            where, code = todo.pop()
            for node in walk(code):
                if isinstance(node, A.MethodCall):
                    called.add(node.name)
                for target in self._named(where, node):
                    if id(target[1]) not in named:
                        named[id(target[1])] = fingerprint(target[1])
                        todo.append(target)
        methods = [fingerprint(function) for name in called for _, function in self._methods_named(name)]
        return _digest(named.values()), _digest(methods)

    def _named(self, where: Scope, node: object) -> list[tuple[Scope, A.Function | A.Const]]:
        """The function or constant of the crate a path expression names, if any."""
        if not isinstance(node, A.PathExpr):
            return []
        found = self.resolver.index.resolve(where, [s.name for s in node.path.segments])
        if found is None or found.item is None:
            return []
        if found.member is not None and isinstance(found.item, (A.Impl, A.Trait)):
            functions = (f for f in found.item.items or () if isinstance(f, A.Function) and f.name == found.member)
            return [(found.scope, f) for f in functions]
        return [(found.scope, found.item)] if isinstance(found.item, (A.Function, A.Const)) else []

    def _methods_named(self, name: str) -> list[tuple[Scope, A.Function]]:
        if self._methods is None:
            self._methods = defaultdict(list)
            for scope in self.resolver.index.all_scopes():
                for item in scope.declared.values():
                    for function in item.items or () if isinstance(item, A.Impl) else ():
                        if isinstance(function, A.Function):
                            self._methods[function.name].append((scope, function))
        return self._methods.get(name, [])


def _digest(fingerprints: Iterable[str]) -> str:
    return new_digest("\0".join(sorted(fingerprints)).encode()).hexdigest()


def stored_indicator(index: int, default: int | None) -> int:
    """The felt a Store enum writes for variant ``index`` (DOMAIN.md: the ``#[default]`` rule)."""
    if default is None:
        return index + 1
    if index == default:
        return 0
    return index + 1 if index < default else index


def collisions(members: list[StorageMember]) -> tuple[AddressCollision, ...]:
    """Fixed addresses used by more than one storage path (nested node members included)."""
    by_address: dict[int, list[StorageMember]] = defaultdict(list)
    for member in with_nested(members):
        if member.address is not None:
            by_address[member.address].append(member)
    return tuple(
        AddressCollision(address, tuple(m.display for m in group), all(m.collision_allowed for m in group))
        for address, group in by_address.items()
        if len(group) > 1
    )


def with_nested(members: list[StorageMember] | tuple[StorageMember, ...]) -> list[StorageMember]:
    """The members and, depth first, the members of the storage nodes among them."""
    out = []
    for member in members:
        out.append(member)
        if isinstance(member.layout, NodeLayout):
            out += with_nested(member.layout.members)
    return out


def _key_parts(key: CairoType) -> list[CairoType]:
    """A tuple key hashes its elements in order, like nested maps with those keys: its parts."""
    if key.category == "tuple":
        return [part for arg in key.args for part in _key_parts(arg)]
    return [key]


def _renamed(member: A.Member) -> str | None:
    args = attribute_args(member, "rename")
    return args[0] if args else None


def _allows_collision(node: object) -> bool:
    args = attribute_args(node, "allow")
    return args is not None and COLLISION_ALLOW in args


def _plus_one(size: int | None) -> int | None:
    return None if size is None else size + 1
