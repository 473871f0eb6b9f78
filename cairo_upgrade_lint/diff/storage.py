"""Storage members old vs new. Members are matched by address (their ``sn_keccak`` key), so a
reorder is no change, a ``#[rename]`` that keeps the old key is an explicit rename, and a member
removed and another added with the same encoding in one step is reported as an implicit rename."""

from __future__ import annotations

from collections import defaultdict

from ..model.layout import AddressCollision, StorageMember
from .changes import Compatibility, StorageChange, worst
from .layouts import compare, signature


def diff_storage(
    old: tuple[StorageMember, ...], new: tuple[StorageMember, ...]
) -> tuple[list[StorageChange], list[tuple[StorageMember, StorageMember]]]:
    """Changed members, and the (old, new) pairs that are unchanged."""
    old_by_key = {m.key: m for m in old}
    new_by_key = {m.key: m for m in new}
    changes: list[StorageChange] = []
    unchanged: list[tuple[StorageMember, StorageMember]] = []
    for member in old:
        match = new_by_key.get(member.key)
        if match is None:
            continue
        details = tuple(compare(member.layout, match.layout, match.display))
        compatibility = worst([d.compatibility for d in details])
        if match.name != member.name:
            changes.append(StorageChange("renamed", member, match, compatibility, details, explicit=True))
        elif (
            details
            and all(d.kind in ("unresolved", "custom_packing") for d in details)
            and member.type_text == match.type_text
        ):
            changes.append(StorageChange("unverifiable", member, match, compatibility, details))
        elif details:
            changes.append(StorageChange("retyped", member, match, compatibility, details))
        else:
            unchanged.append((member, match))
    removed = [m for m in old if m.key not in new_by_key]
    added = [m for m in new if m.key not in old_by_key]
    renamed = _implicit_renames(removed, added)
    for old_member, new_member in renamed:
        changes.append(StorageChange("renamed", old_member, new_member, Compatibility.INCOMPATIBLE))
    paired = {id(m) for pair in renamed for m in pair}
    changes += [
        StorageChange("removed", m, None, Compatibility.INCOMPATIBLE) for m in removed if id(m) not in paired
    ]
    changes += [
        StorageChange("added", None, m, Compatibility.COMPATIBLE) for m in added if id(m) not in paired
    ]
    return changes, unchanged


def _implicit_renames(
    removed: list[StorageMember], added: list[StorageMember]
) -> list[tuple[StorageMember, StorageMember]]:
    """Pairs of a removed and an added member with one encoding, when that pairing is unique."""
    by_shape_old: dict[str, list[StorageMember]] = defaultdict(list)
    by_shape_new: dict[str, list[StorageMember]] = defaultdict(list)
    for member in removed:
        by_shape_old[signature(member.layout)].append(member)
    for member in added:
        by_shape_new[signature(member.layout)].append(member)
    return [
        (by_shape_old[shape][0], by_shape_new[shape][0])
        for shape in by_shape_old
        if len(by_shape_old[shape]) == 1 and len(by_shape_new.get(shape, ())) == 1
    ]


def new_collisions(
    old: tuple[AddressCollision, ...], new: tuple[AddressCollision, ...]
) -> tuple[AddressCollision, ...]:
    """Collisions of the new version that the old version did not have."""
    before = {(c.address, c.members) for c in old}
    return tuple(c for c in new if (c.address, c.members) not in before)
