"""Storage members old vs new. Members are matched by address (their ``sn_keccak`` key), so a
reorder is no change, a ``#[rename]`` that keeps the old key is an explicit rename, and a member
removed and another added with the same encoding in one step is reported as an implicit rename."""

from __future__ import annotations

from collections import defaultdict

from ..model.contracts import Contract
from ..model.layout import AddressCollision, StorageMember
from .changes import Compatibility, StorageChange, worst
from .layouts import compare, signature


def diff_storage(
    old: tuple[StorageMember, ...],
    new: tuple[StorageMember, ...],
    old_unknown: frozenset[str] = frozenset(),
    new_unknown: frozenset[str] = frozenset(),
) -> tuple[list[StorageChange], list[tuple[StorageMember, StorageMember]]]:
    """Changed members, and the (old, new) pairs that are unchanged.

    ``old_unknown``/``new_unknown`` name the ``#[substorage]`` members of each version whose
    component was not found: what they flatten in is unknown on that side, so an old member
    flattened through one of them is not removed, a new one not added (DOMAIN.md section 2c).
    """
    matched = _by_address(old, new)
    changes: list[StorageChange] = []
    unchanged: list[tuple[StorageMember, StorageMember]] = []
    for member, match in matched:
        details = tuple(compare(member.layout, match.layout, match.display))
        compatibility = worst([d.compatibility for d in details])
        if match.name != member.name:
            changes.append(StorageChange("renamed", member, match, compatibility, details, explicit=True))
        elif details and all(d.kind in ("unresolved", "custom_packing") for d in details) and member.type_text == match.type_text:
            changes.append(StorageChange("unverifiable", member, match, compatibility, details))
        elif details:
            changes.append(StorageChange("retyped", member, match, compatibility, details))
        else:
            unchanged.append((member, match))
    paired_old = {id(a) for a, _ in matched}
    paired_new = {id(b) for _, b in matched}
    removed = [m for m in old if id(m) not in paired_old and not _hidden(m, new_unknown)]
    added = [m for m in new if id(m) not in paired_new and not _hidden(m, old_unknown)]
    renamed = _implicit_renames(removed, added)
    for old_member, new_member in renamed:
        changes.append(StorageChange("renamed", old_member, new_member, Compatibility.INCOMPATIBLE))
    paired = {id(m) for pair in renamed for m in pair}
    changes += [StorageChange("removed", m, None, Compatibility.INCOMPATIBLE) for m in removed if id(m) not in paired]
    changes += [StorageChange("added", None, m, Compatibility.COMPATIBLE) for m in added if id(m) not in paired]
    return changes, unchanged


def _by_address(old: tuple[StorageMember, ...], new: tuple[StorageMember, ...]) -> list[tuple[StorageMember, StorageMember]]:
    """Old and new members at one address (same key). Where several members share a key (a
    collision, or two components declaring one name), the one reached through the same
    ``#[substorage]`` path is its counterpart, then declaration order decides."""
    candidates: dict[str, list[StorageMember]] = defaultdict(list)
    for member in new:
        candidates[member.key].append(member)
    pairs: list[tuple[StorageMember, StorageMember]] = []
    waiting: list[StorageMember] = []
    for member in old:
        same = [m for m in candidates[member.key] if m.display == member.display]
        if same:
            pairs.append((member, same[0]))
            candidates[member.key].remove(same[0])
        else:
            waiting.append(member)
    for member in waiting:
        if candidates[member.key]:
            pairs.append((member, candidates[member.key].pop(0)))
    return pairs


def _hidden(member: StorageMember, unknown: frozenset[str]) -> bool:
    """Neither added nor removed: a member flattened through a ``#[substorage]`` member whose
    component the other version does not resolve (its counterpart may be there, unseen), or an
    unresolved ``#[substorage]`` member itself (it has no slot of its own)."""
    return member.flattened or (bool(member.via) and member.via[0] in unknown)


def unknown_substorage(contract: Contract) -> frozenset[str]:
    """The ``#[substorage]`` members of ``contract`` whose members are unknown."""
    unresolved = {m.name for m in contract.storage if m.flattened}
    unresolved |= {u.storage for u in contract.components if u.component is None}
    return frozenset(unresolved)


def _implicit_renames(removed: list[StorageMember], added: list[StorageMember]) -> list[tuple[StorageMember, StorageMember]]:
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


def new_collisions(old: tuple[AddressCollision, ...], new: tuple[AddressCollision, ...]) -> tuple[AddressCollision, ...]:
    """Collisions of the new version that the old version did not have."""
    before = {(c.address, c.members) for c in old}
    return tuple(c for c in new if (c.address, c.members) not in before)
