"""Resolved Cairo types: syntax types turned into canonical names with aliases and generics
substituted, user structs and enums named by their qualified path.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ..records import record
from ..syntax import ast as A
from .scope import Resolved, Scope, ScopeIndex
from .syntax_utils import fingerprint

# Corelib and starknet types the model knows by name. Values: the category used by the layout.
BUILTIN_TYPES: dict[str, str] = {
    "felt252": "felt",
    "felt": "felt",
    "bool": "bool",
    "ContractAddress": "address",
    "EthAddress": "address",
    "ClassHash": "class_hash",
    "StorageAddress": "storage_address",
    "StorageBaseAddress": "storage_address",
    "bytes31": "bytes31",
    "u256": "u256",
    "u512": "u512",
    "ByteArray": "byte_array",
    "Map": "map",
    "LegacyMap": "map",
    "Vec": "vec",
    "Option": "option",
    "Result": "result",
    "NonZero": "non_zero",
    "Array": "array",
    "Span": "array",
    "Felt252Dict": "dict",
    "Box": "box",
}
INTEGER_WIDTHS: dict[str, tuple[int, bool]] = {
    **{f"u{bits}": (bits, False) for bits in (8, 16, 32, 64, 128)},
    **{f"i{bits}": (bits, True) for bits in (8, 16, 32, 64, 128)},
    "usize": (32, False),
}


@record
class CairoType:
    """A resolved type.

    ``category``: 'builtin' (a corelib type; ``name`` is its bare name), 'struct' / 'enum' (a user
    type; ``qualified`` is its path), 'dispatcher' (a generated ``IFoo(Library)Dispatcher``;
    ``qualified`` is the interface, suffixed ``::library`` for library dispatchers), 'tuple',
    'snapshot', 'fixed_array' (``length``), 'generic' (an unbound type parameter) or
    'unresolved' (``name`` is the source text).
    """

    name: str
    category: str
    args: tuple[CairoType, ...] = ()
    qualified: str = ""
    length: int | None = None

    @property
    def text(self) -> str:
        if self.category == "tuple":
            inner = ", ".join(a.text for a in self.args)
            return f"({inner},)" if len(self.args) == 1 else f"({inner})"
        if self.category == "snapshot":
            return f"@{self.args[0].text}"
        if self.category == "fixed_array":
            return f"[{self.args[0].text}; {self.length}]"
        if self.args:
            return f"{self.name}<{', '.join(a.text for a in self.args)}>"
        return self.name

    @property
    def identity(self) -> str:
        """Like ``text`` but with user types by their qualified path."""
        if self.category in ("struct", "enum", "dispatcher"):
            base = self.qualified
        elif self.category in ("tuple", "snapshot", "fixed_array"):
            return self.text if not self.args else _structural_identity(self)
        else:
            base = self.name
        return f"{base}<{', '.join(a.identity for a in self.args)}>" if self.args else base

    @property
    def integer(self) -> tuple[int, bool] | None:
        """(bits, signed) for the integer types that fit one felt."""
        return INTEGER_WIDTHS.get(self.name) if self.category == "builtin" else None

    @property
    def builtin_kind(self) -> str | None:
        if self.category != "builtin":
            return None
        return "int" if self.name in INTEGER_WIDTHS else BUILTIN_TYPES.get(self.name)


def _structural_identity(t: CairoType) -> str:
    parts = ", ".join(a.identity for a in t.args)
    if t.category == "tuple":
        return f"({parts})"
    if t.category == "snapshot":
        return f"@{parts}"
    return f"[{parts}; {t.length}]"


UNIT = CairoType("()", "tuple")
SERDE_DEPTH = 24
_TYPE_EXPRS = (A.PathType, A.SnapshotType, A.TupleType, A.FixedArrayType, A.ImplType, A.WildcardType)


def unresolved(text: str) -> CairoType:
    return CairoType(text, "unresolved")


@record(eq=False)
class Definition:
    """Where a user struct or enum is declared."""

    scope: Scope
    item: A.Struct | A.Enum


class TypeResolver:
    """Resolves syntax types inside a scope; remembers the user definitions it met."""

    def __init__(self, index: ScopeIndex) -> None:
        self.index = index
        self.definitions: dict[str, Definition] = {}
        self._expanding: set[str] = set()  # the type aliases being expanded
        self._serde_impls: dict[str, A.Impl] | None = None  # hand-written Serde impls by type

    def resolve(
        self, scope: Scope, expr: A.TypeExpr | A.Expr | None, generics: Mapping[str, CairoType] | None = None
    ) -> CairoType:
        """The type ``expr`` names in ``scope`` (None: the unit type); a generic argument that is an
        expression (a const generic) names no type: unresolved."""
        generics = generics or {}
        if expr is None:
            return UNIT
        if isinstance(expr, A.SnapshotType):
            return CairoType("@", "snapshot", (self.resolve(scope, expr.inner, generics),))
        if isinstance(expr, A.TupleType):
            elements = tuple(self.resolve(scope, e, generics) for e in expr.elements)
            return CairoType("()", "tuple", elements)
        if isinstance(expr, A.FixedArrayType):
            length = expr.size.value if isinstance(expr.size, A.Literal) and isinstance(expr.size.value, int) else None
            return CairoType("[]", "fixed_array", (self.resolve(scope, expr.element, generics),), length=length)
        if isinstance(expr, A.PathType):
            return self._path(scope, expr.path, generics)
        return unresolved(type(expr).__name__)

    def _path(self, scope: Scope, path: A.Path, generics: Mapping[str, CairoType]) -> CairoType:
        names = [s.name for s in path.segments]
        if len(names) == 1 and names[0] in generics:
            return generics[names[0]]
        args = tuple(
            self.resolve(scope, arg.value, generics)
            for segment in path.segments
            for arg in segment.generic_args or ()
            if isinstance(arg.value, _TYPE_EXPRS)
        )
        found = self.index.resolve(scope, names)
        if found is not None and found.item is not None and found.member is None:
            return self._item(found, args)
        last = names[-1]
        if last in BUILTIN_TYPES or last in INTEGER_WIDTHS:
            return CairoType(last, "builtin", args)
        dispatcher = self._dispatcher(scope, names)
        if dispatcher is not None:
            return dispatcher
        return unresolved(path.text + (f"<{', '.join(a.text for a in args)}>" if args else ""))

    def _dispatcher(self, scope: Scope, names: list[str]) -> CairoType | None:
        """``IFooDispatcher`` / ``IFooLibraryDispatcher`` (and their ``Safe`` twins), generated by
        ``#[starknet::interface] trait IFoo``, reached like a written item (imports, paths, globs)."""
        found = self.index.generated(scope, names)
        if found is None or not found[1].endswith("Dispatcher"):
            return None
        trait, suffix = found
        library = "Library" in suffix
        return CairoType(names[-1], "dispatcher", (), trait.qualified + ("::library" if library else ""))

    def _item(self, found: Resolved, args: tuple[CairoType, ...]) -> CairoType:
        item = found.item
        if isinstance(item, A.TypeAlias) and item.target is not None:
            qualified = found.qualified
            if qualified in self._expanding:
                return unresolved(qualified)  # `type A = B; type B = A;`: a cycle, not a type
            self._expanding.add(qualified)
            try:
                bound = dict(zip(_type_params(item.generics), args))
                return self.resolve(found.scope, item.target, bound)
            finally:
                self._expanding.discard(qualified)
        if isinstance(item, (A.Struct, A.Enum)):
            qualified = found.qualified
            self.definitions.setdefault(qualified, Definition(found.scope, item))
            category = "struct" if isinstance(item, A.Struct) else "enum"
            return CairoType(item.name, category, args, qualified)
        if isinstance(item, A.ExternType) and (item.name in BUILTIN_TYPES or item.name in INTEGER_WIDTHS):
            return CairoType(item.name, "builtin", args)
        return unresolved(found.qualified)

    def definition(self, t: CairoType) -> Definition | None:
        return self.definitions.get(t.qualified)

    def members(self, t: CairoType) -> list[tuple[A.Member, CairoType]]:
        """A user struct's members with their types, generic parameters substituted."""
        found = self.definition(t)
        if found is None or not isinstance(found.item, A.Struct):
            return []
        bound = dict(zip(_type_params(found.item.generics), t.args))
        return [(m, self.resolve(found.scope, m.type, bound)) for m in found.item.members]

    def variants(self, t: CairoType) -> list[tuple[A.Variant, CairoType | None]]:
        """A user enum's variants with their payload types (None for unit variants)."""
        found = self.definition(t)
        if found is None or not isinstance(found.item, A.Enum):
            return []
        bound = dict(zip(_type_params(found.item.generics), t.args))
        return [(v, self.resolve(found.scope, v.type, bound) if v.type is not None else None) for v in found.item.variants]

    def serde(self, t: CairoType, depth: int = 0, expanding: tuple[str, ...] = ()) -> str:
        """How ``t`` is serialized in calldata, events and return data, type names left out: a
        struct or tuple as its members in braces (braces only group: the felts are flat), an enum
        (``Option``, ``Result`` too) as ``enum<payload | ...>`` in variant order, ``Span`` as
        ``Array``, ``u256`` as its two ``u128`` halves, a dispatcher as its address or class hash,
        a snapshot as its type. A user type is its definition wherever it is declared: a type
        met again inside itself is ``^n`` (the one being expanded n levels up), so recursive
        types that only moved compare equal. A struct or enum group is labelled ``%path`` (for
        messages only). Unknown encodings are ``?name``: an unresolved type by its text as
        written, a type with a hand-written ``Serde`` impl by a digest of that impl and the
        type's declaration (the same code, the same encoding). Compared with ``encoding``."""
        if t.category in ("struct", "enum"):
            key = t.identity
            if key in expanding:
                return f"^{len(expanding) - expanding.index(key)}"
            if depth > SERDE_DEPTH:
                return "?" + _word(key)
            custom = self._custom_serde(t)
            if custom is not None:
                return custom
            inner_expanding = (*expanding, key)
            if self.definition(t) is None:
                return "?" + _word(t.text)
            if t.category == "struct":
                members = [self.serde(m, depth + 1, inner_expanding) for _, m in self.members(t)]
                return "{%" + t.qualified + " " + ", ".join(members) + "}"
            payloads = [self.serde(v, depth + 1, inner_expanding) if v is not None else "()" for _, v in self.variants(t)]
            return _enum(payloads, t.qualified)
        if depth > SERDE_DEPTH:
            return "?" + _word(t.identity)
        if t.category == "unresolved":
            return "?" + _word(t.name)
        inner = [self.serde(a, depth + 1, expanding) for a in t.args]
        if t.category in ("tuple", "fixed_array"):
            return "{" + ", ".join(inner) + "}" if t.category == "tuple" else f"[{inner[0]}; {t.length}]"
        if t.category == "snapshot":
            return inner[0]
        if t.category == "dispatcher":
            return "{ClassHash}" if t.qualified.endswith("::library") else "{ContractAddress}"
        if t.category == "builtin" and t.name == "u256":
            return "{u128, u128}"
        if t.category == "builtin" and t.name in ("Option", "Result") and inner:
            return _enum([inner[0], "()"] if t.name == "Option" else inner)
        name = "Array" if t.category == "builtin" and t.name == "Span" else t.name
        return f"{name}<{', '.join(inner)}>" if inner else name

    def _custom_serde(self, t: CairoType) -> str | None:
        """``?serde_<digest>`` for a user type serialized by a hand-written ``Serde`` impl (of the
        impl and the type's declaration), None when it derives ``Serde``."""
        if self._serde_impls is None:
            self._serde_impls = {}
            for scope in self.index.all_scopes():
                for item in scope.items:
                    if not isinstance(item, A.Impl) or item.trait.last.name != "Serde":
                        continue
                    args = item.trait.last.generic_args or ()
                    if args and isinstance(args[0].value, _TYPE_EXPRS):
                        target = self.resolve(scope, args[0].value)
                        if target.category in ("struct", "enum"):
                            self._serde_impls.setdefault(target.qualified, item)
        impl = self._serde_impls.get(t.qualified)
        found = self.definition(t)
        if impl is None or found is None:
            return None
        return "?serde_" + fingerprint(impl, found.item)[:16]


def _word(text: str) -> str:
    """``text`` as one word (an ``encoding`` token): equal texts, equal words."""
    return re.sub(r"\W+", "_", text).strip("_")


def _enum(payloads: list[str], label: str = "") -> str:
    return "enum" + (f"%{label}" if label else "") + "<" + " | ".join(payloads) + ">"


def _type_params(generics: tuple[A.GenericParam, ...]) -> list[str]:
    """The names of the type and const parameters, in order."""
    return [p.name for p in generics if p.kind in ("type", "const") and p.name]


def generic_parameters(*lists: tuple[A.GenericParam, ...]) -> dict[str, CairoType]:
    """Unbound type parameters of an item (and its enclosing impl), each as a 'generic' type."""
    return {name: CairoType(name, "generic") for params in lists for name in _type_params(params)}
