"""Compare the stored encoding of one value in two versions (DOMAIN.md section 2)."""

from __future__ import annotations

from ..model.layout import (
    CustomLayout,
    EnumLayout,
    Layout,
    MapLayout,
    NodeLayout,
    ScalarLayout,
    StructLayout,
    UnresolvedLayout,
    VariantLayout,
    VecLayout,
)
from ..model.types import BUILTIN_TYPES, INTEGER_WIDTHS, CairoType
from .changes import Compatibility, LayoutChange

C = Compatibility

# Value domains of one-felt scalars, for widening: a value of a type reads back unchanged as any
# type whose domain contains it.
_FELT_DOMAIN = 252
_ADDRESS_DOMAIN = 251
_DOMAINS = {
    "felt": _FELT_DOMAIN,
    "address": _ADDRESS_DOMAIN,
    "class_hash": _ADDRESS_DOMAIN,
    "storage_address": _ADDRESS_DOMAIN,
    "bytes31": 248,
    "bool": 1,
}


def compare(old: Layout, new: Layout, path: str) -> list[LayoutChange]:
    """Differences between the old and new encoding of the value at ``path``.

    Decided on the stored felts, not on names (DOMAIN.md section 2b): a one-member struct is
    stored as its member, Store-struct members are positional and enum variants are their
    indicators, so renames that keep the encoding are compatible differences.
    """
    if isinstance(old, UnresolvedLayout) or isinstance(new, UnresolvedLayout):
        if _same_unknown(old, new):
            return []
        reason = next(side.reason for side in (old, new) if isinstance(side, UnresolvedLayout))
        return [LayoutChange("unresolved", path, old.type.text, new.type.text, C.UNVERIFIABLE, reason)]
    if isinstance(old, CustomLayout) or isinstance(new, CustomLayout):
        return _custom(old, new, path)
    if old.kind != new.kind:
        inner_old, inner_new = unwrap(old), unwrap(new)
        if inner_old is not old or inner_new is not new:
            return compare(inner_old, inner_new, path)
        return [_encoding(old, new, path, f"{old.kind} -> {new.kind}")]
    if isinstance(old, ScalarLayout) and isinstance(new, ScalarLayout):
        return _scalar(old, new, path)
    if isinstance(old, StructLayout) and isinstance(new, StructLayout):
        return _struct(old, new, path)
    if isinstance(old, EnumLayout) and isinstance(new, EnumLayout):
        return _enum(old, new, path)
    if isinstance(old, MapLayout) and isinstance(new, MapLayout):
        return _map(old, new, path)
    if isinstance(old, VecLayout) and isinstance(new, VecLayout):
        return compare(old.element, new.element, f"{path}[]")
    if isinstance(old, NodeLayout) and isinstance(new, NodeLayout):
        return _node(old, new, path)
    return []


def signature(layout: Layout) -> str:
    """A structural fingerprint of an encoding: equal fingerprints store identically."""
    if isinstance(layout, ScalarLayout):
        return layout.type.name
    if isinstance(layout, StructLayout):
        return "{" + ",".join(f"{f.name}:{signature(f.layout)}" for f in layout.fields) + "}"
    if isinstance(layout, EnumLayout):
        return (
            "<" + ",".join(f"{v.name}={v.indicator}:{signature(v.payload) if v.payload else ''}" for v in layout.variants) + ">"
        )
    if isinstance(layout, MapLayout):
        keys = ",".join(layout.key_felts) if layout.key_felts is not None else "?" + ",".join(k.identity for k in layout.keys)
        return f"map({keys})->{signature(layout.value)}"
    if isinstance(layout, VecLayout):
        return f"vec({signature(layout.element)})"
    if isinstance(layout, NodeLayout):
        return "node{" + ",".join(f"{m.key}:{signature(m.layout)}" for m in layout.members) + "}"
    if isinstance(layout, CustomLayout):
        return f"custom({layout.type.identity})"
    if isinstance(layout, UnresolvedLayout):
        return f"unresolved({layout.type.identity})"
    return layout.kind


def _encoding(old: Layout, new: Layout, path: str, detail: str) -> LayoutChange:
    return LayoutChange("encoding_changed", path, old.type.text, new.type.text, C.INCOMPATIBLE, detail)


def _scalar(old: ScalarLayout, new: ScalarLayout, path: str) -> list[LayoutChange]:
    if old.type.name == new.type.name:
        return []
    if old.size != new.size:
        return [_encoding(old, new, path, f"{old.size} felt(s) -> {new.size} felt(s)")]
    if new.encoding == "bool" and old.encoding in ("int", "felt"):
        return [
            LayoutChange(
                "scalar_to_bool",
                path,
                old.type.text,
                new.type.text,
                C.UNVERIFIABLE,
                "a stored bool is read as felt != 0, so every non-zero old value reads back as true: "
                "check that this is the meaning the new code expects",
            )
        ]
    old_int, new_int = old.type.integer, new.type.integer
    if old_int is not None and new_int is not None:
        (old_bits, old_signed), (new_bits, new_signed) = old_int, new_int
        if new_bits > old_bits and (old_signed == new_signed or not old_signed):
            return [
                LayoutChange(
                    "integer_widened",
                    path,
                    old.type.text,
                    new.type.text,
                    C.COMPATIBLE,
                    "every old value fits",
                )
            ]
        kind = "integer_narrowed" if new_bits < old_bits else "scalar_retyped"
        return [
            LayoutChange(
                kind,
                path,
                old.type.text,
                new.type.text,
                C.INCOMPATIBLE,
                "old values may not fit or read differently",
            )
        ]
    identities = {BUILTIN_TYPES.get(old.type.name), BUILTIN_TYPES.get(new.type.name)}
    if identities == {"address", "class_hash"}:
        return [
            LayoutChange(
                "identity_reread",
                path,
                old.type.text,
                new.type.text,
                C.UNVERIFIABLE,
                f"the stored felt keeps its value, but a {old.type.text} now reads as a {new.type.text}: a "
                "contract and a class are different things, so check that the field was not repurposed",
            )
        ]
    if _widens(old.type.name, new.type.name):
        return [
            LayoutChange(
                "scalar_widened",
                path,
                old.type.text,
                new.type.text,
                C.COMPATIBLE,
                "the stored felt reads back unchanged",
            )
        ]
    return [
        LayoutChange(
            "scalar_retyped",
            path,
            old.type.text,
            new.type.text,
            C.INCOMPATIBLE,
            "the stored felt is reinterpreted",
        )
    ]


def _domain(name: str) -> int | None:
    """Bits of a one-felt scalar's value range (signed integers use the whole field)."""
    if name in INTEGER_WIDTHS:
        bits, signed = INTEGER_WIDTHS[name]
        return _FELT_DOMAIN if signed else bits
    return _DOMAINS.get(BUILTIN_TYPES.get(name, ""))


def _widens(old: str, new: str) -> bool:
    """Every value of one-felt type ``old`` is a valid value of ``new``."""
    a, b = _domain(old), _domain(new)
    return old == new or (a is not None and b is not None and a <= b)


def unwrap(layout: Layout) -> Layout:
    """The layout a one-member struct or tuple is stored as: its member's, innermost first."""
    while isinstance(layout, StructLayout) and len(layout.fields) == 1:
        layout = layout.fields[0].layout
    return layout


def _same_unknown(old: Layout, new: Layout) -> bool:
    """Two unresolved types written the same way and found under the same path: the same type."""
    return (
        isinstance(old, UnresolvedLayout)
        and isinstance(new, UnresolvedLayout)
        and (old.type.text, portable(old.type)) == (new.type.text, portable(new.type))
    )


def portable(t: CairoType) -> str:
    """A type's identity without the crate of each user type: two versions analysed from two
    folders name one crate differently (``old::Price``, ``new::Price``)."""
    if t.category in ("struct", "enum", "dispatcher"):
        base = t.qualified.partition("::")[2] or t.qualified
    elif t.category in ("tuple", "snapshot", "fixed_array"):
        return f"{t.category}({', '.join(portable(a) for a in t.args)};{t.length})"
    else:
        base = t.name
    return f"{base}<{', '.join(portable(a) for a in t.args)}>" if t.args else base


def _struct(old: StructLayout, new: StructLayout, path: str) -> list[LayoutChange]:
    if _positional_only(old) or _positional_only(new):
        return _by_position(old, new, path)
    same_felts = None if _moved_names(old, new) else _same_positions(old, new, path)
    if same_felts is not None:
        return same_felts
    return _by_name(old, new, path)


def _moved_names(old: StructLayout, new: StructLayout) -> bool:
    """A member name of the old struct found at another position in the new one: its values now
    sit under another name (a reorder or a swap), whatever the felts say."""
    old_index = {f.name: i for i, f in enumerate(old.fields)}
    return any(old_index.get(f.name, i) != i for i, f in enumerate(new.fields))


def _same_positions(old: StructLayout, new: StructLayout, path: str) -> list[LayoutChange] | None:
    """The differences when every old member's felts are read back by the new member at the same
    position (renamed in place, wrapped, widened) and the new ones are appended; None otherwise."""
    if len(new.fields) < len(old.fields):
        return None
    out: list[LayoutChange] = []
    last = len(old.fields) - 1
    for index, (before, after) in enumerate(zip(old.fields, new.fields, strict=False)):
        where = f"{path}.{after.name}"
        inner = compare(before.layout, after.layout, where)
        if any(d.compatibility is not C.COMPATIBLE for d in inner):
            return None
        if index < last and before.layout.size != after.layout.size:
            return None
        if before.name != after.name:
            out.append(
                LayoutChange(
                    "struct_member_renamed",
                    where,
                    before.name,
                    after.name,
                    C.COMPATIBLE,
                    "same position and encoding: stored values read back under the new name",
                )
            )
        out += inner
    for field in new.fields[len(old.fields) :]:
        out.append(_appended(f"{path}.{field.name}", field.layout.type.text))
    return out


def _appended(where: str, type_text: str) -> LayoutChange:
    return LayoutChange("struct_member_appended", where, None, type_text, C.COMPATIBLE, "appended after every old member")


def _by_name(old: StructLayout, new: StructLayout, path: str) -> list[LayoutChange]:
    """Differences of two structs whose positions do not line up, explained by member name."""
    old_names = [f.name for f in old.fields]
    new_names = [f.name for f in new.fields]
    new_by_name = {f.name: f for f in new.fields}
    out: list[LayoutChange] = []
    common = [n for n in old_names if n in new_by_name]
    if [n for n in new_names if n in common] != common:
        out.append(
            LayoutChange(
                "struct_member_reordered",
                path,
                ", ".join(old_names),
                ", ".join(new_names),
                C.INCOMPATIBLE,
                "positional members moved",
            )
        )
    for name in old_names:
        if name not in new_by_name:
            out.append(
                LayoutChange(
                    "struct_member_removed",
                    f"{path}.{name}",
                    name,
                    None,
                    C.INCOMPATIBLE,
                    "later members shift",
                )
            )
    prefix_end = max((new_names.index(n) for n in common), default=-1)
    for index, name in enumerate(new_names):
        if name not in old_names:
            if index > prefix_end:
                out.append(_appended(f"{path}.{name}", new_by_name[name].layout.type.text))
            else:
                out.append(
                    LayoutChange(
                        "struct_member_inserted",
                        f"{path}.{name}",
                        None,
                        new_by_name[name].layout.type.text,
                        C.INCOMPATIBLE,
                        "later members shift",
                    )
                )
    for field in old.fields:
        match = new_by_name.get(field.name)
        if match is None:
            continue
        inner = compare(field.layout, match.layout, f"{path}.{field.name}")
        if field.layout.size != match.layout.size and field.layout.size is not None and match.layout.size is not None:
            out.append(
                LayoutChange(
                    "struct_member_resized",
                    f"{path}.{field.name}",
                    f"{field.layout.size} felt(s)",
                    f"{match.layout.size} felt(s)",
                    C.INCOMPATIBLE,
                    "later members shift",
                )
            )
        out += inner
    return out


def _positional_only(layout: StructLayout) -> bool:
    """Tuples and fixed-size arrays: their members have positions, not names."""
    return layout.type.category in ("tuple", "fixed_array")


def _by_position(old: StructLayout, new: StructLayout, path: str) -> list[LayoutChange]:
    """A tuple against a tuple or a struct (``(felt252, felt252)`` -> ``Fees { a, b }``): the members
    are matched by position, so only sizes and encodings matter."""
    out: list[LayoutChange] = []
    for before, after in zip(old.fields, new.fields, strict=False):
        out += compare(before.layout, after.layout, f"{path}.{after.name}")
    for field in old.fields[len(new.fields) :]:
        out.append(
            LayoutChange(
                "struct_member_removed",
                f"{path}.{field.name}",
                field.name,
                None,
                C.INCOMPATIBLE,
                "its data is dropped",
            )
        )
    for field in new.fields[len(old.fields) :]:
        out.append(_appended(f"{path}.{field.name}", field.layout.type.text))
    return out


def _enum(old: EnumLayout, new: EnumLayout, path: str) -> list[LayoutChange]:
    """Variants matched by the indicator they are stored as (names are not stored). A stored
    indicator that now decodes as another variant of the old enum, or whose variant name now has
    another indicator, changed meaning; one that decodes as a variant of a new name is a rename."""
    out: list[LayoutChange] = []
    new_by_indicator = {v.indicator: v for v in new.variants}
    old_names = {v.name: v for v in old.variants}
    new_names = {v.name: v for v in new.variants}
    for variant in old.variants:
        where = f"{path}::{variant.name}"
        match = new_by_indicator.get(variant.indicator)
        moved = match is not None and match.name != variant.name and (match.name in old_names or variant.name in new_names)
        if match is None or moved:
            out.append(_lost_variant(variant, new_names.get(variant.name), where))
            continue
        if match.name != variant.name:
            out.append(
                LayoutChange(
                    "enum_variant_renamed",
                    where,
                    variant.name,
                    match.name,
                    C.COMPATIBLE,
                    "same indicator and payload: stored values decode as the new name",
                )
            )
        if (variant.payload is None) != (match.payload is None):
            out.append(
                LayoutChange(
                    "enum_payload_changed",
                    where,
                    _text(variant.payload),
                    _text(match.payload),
                    C.INCOMPATIBLE,
                    "payload added or removed",
                )
            )
        elif variant.payload is not None and match.payload is not None:
            out += compare(variant.payload, match.payload, where)
    old_indicators = {v.indicator for v in old.variants}
    for variant in new.variants:
        if variant.indicator not in old_indicators:
            out.append(_added_variant(path, variant, clash=False))
        elif variant.name in old_names and old_names[variant.name].indicator != variant.indicator:
            continue  # reported with the old variant as an indicator change
        elif new_by_indicator[variant.indicator] is variant and _taken(old, variant, new_names):
            out.append(_added_variant(path, variant, clash=True))
    return out


def _added_variant(path: str, variant: VariantLayout, clash: bool) -> LayoutChange:
    """A new variant: on a new indicator, or (``clash``) on one an old variant still holds."""
    return LayoutChange(
        "enum_variant_added",
        f"{path}::{variant.name}",
        None,
        str(variant.indicator),
        C.INCOMPATIBLE if clash else C.COMPATIBLE,
        "reuses an old variant's indicator" if clash else "new indicator",
    )


def _lost_variant(variant: VariantLayout, renamed_to: VariantLayout | None, where: str) -> LayoutChange:
    """An old variant whose indicator no longer decodes as it: moved to another indicator or gone."""
    if renamed_to is not None:
        return LayoutChange(
            "enum_indicator_changed",
            where,
            str(variant.indicator),
            str(renamed_to.indicator),
            C.INCOMPATIBLE,
            "stored indicator now decodes as another variant",
        )
    return LayoutChange(
        "enum_variant_removed",
        where,
        str(variant.indicator),
        None,
        C.INCOMPATIBLE,
        "stored values of this variant no longer decode",
    )


def _taken(old: EnumLayout, variant: VariantLayout, new_names: dict[str, VariantLayout]) -> bool:
    """A new variant name standing on an old indicator whose old variant still exists elsewhere."""
    holder = next(v for v in old.variants if v.indicator == variant.indicator)
    return holder.name != variant.name and holder.name in new_names


def _map(old: MapLayout, new: MapLayout, path: str) -> list[LayoutChange]:
    out: list[LayoutChange] = []
    old_keys = ", ".join(k.text for k in old.keys)
    new_keys = ", ".join(k.text for k in new.keys)
    if old.key_felts is None or new.key_felts is None:
        if [portable(k) for k in old.keys] != [portable(k) for k in new.keys]:
            out.append(
                LayoutChange(
                    "map_key_changed",
                    path,
                    old_keys,
                    new_keys,
                    C.UNVERIFIABLE,
                    "a key type's hashing is unknown",
                )
            )
    elif len(old.key_felts) != len(new.key_felts):
        out.append(
            LayoutChange(
                "map_key_changed",
                path,
                old_keys,
                new_keys,
                C.INCOMPATIBLE,
                f"key is {len(old.key_felts)} felt(s), now {len(new.key_felts)}: every entry moves",
            )
        )
    elif old.key_felts != new.key_felts:
        pairs = list(zip(old.key_felts, new.key_felts))
        compatible = all(_widens(a, b) for a, b in pairs)
        out.append(
            LayoutChange(
                "map_key_retyped",
                path,
                old_keys,
                new_keys,
                C.COMPATIBLE if compatible else C.INCOMPATIBLE,
                "same key felts hash to the same entries" if compatible else "keys hash differently or lose range",
            )
        )
    return out + compare(old.value, new.value, f"{path}[]")


def _node(old: NodeLayout, new: NodeLayout, path: str) -> list[LayoutChange]:
    out: list[LayoutChange] = []
    new_by_key = {m.key: m for m in new.members}
    old_keys = {m.key for m in old.members}
    for member in old.members:
        match = new_by_key.get(member.key)
        where = f"{path}.{member.name}"
        if match is None:
            out.append(
                LayoutChange(
                    "node_member_removed",
                    where,
                    member.type_text,
                    None,
                    C.INCOMPATIBLE,
                    "its data is orphaned",
                )
            )
        else:
            out += compare(member.layout, match.layout, where)
    for member in new.members:
        if member.key not in old_keys:
            out.append(
                LayoutChange(
                    "node_member_added",
                    f"{path}.{member.name}",
                    None,
                    member.type_text,
                    C.COMPATIBLE,
                    "new path",
                )
            )
    return out


def _custom(old: Layout, new: Layout, path: str) -> list[LayoutChange]:
    if (
        isinstance(old, CustomLayout)
        and isinstance(new, CustomLayout)
        and old.code
        and (old.code, old.methods) == (new.code, new.methods)
    ):
        # the same impl, type declaration and crate code it uses: the same encoding, given the same
        # packed value (whose type may be declared elsewhere)
        if old.packed is not None and new.packed is not None:
            return compare(old.packed, new.packed, path)
        return []
    custom = old if isinstance(old, CustomLayout) else new
    assert isinstance(custom, CustomLayout)
    return [LayoutChange("custom_packing", path, old.type.text, new.type.text, C.UNVERIFIABLE, custom.reason)]


def _text(layout: Layout | None) -> str:
    """A payload's type as written; a variant without payload carries the unit type."""
    return layout.type.text if layout is not None else "()"
