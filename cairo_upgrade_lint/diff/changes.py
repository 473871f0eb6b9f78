"""The facts a diff of two versions produces. Each storage change carries a compatibility
classification (DOMAIN.md section 2); what is dangerous enough to report is the rules' call."""

from __future__ import annotations

from enum import Enum

from ..model.contracts import Contract, EntryPoint, Event
from ..model.layout import AddressCollision, StorageMember
from ..model.upgrades import UpgradePath
from ..records import record


class Compatibility(str, Enum):
    """Whether existing storage reads back correctly under the new code."""

    COMPATIBLE = "compatible"
    UNVERIFIABLE = "unverifiable"
    INCOMPATIBLE = "incompatible"

    @property
    def rank(self) -> int:
        return _RANKS[self]


_RANKS = {Compatibility.COMPATIBLE: 0, Compatibility.UNVERIFIABLE: 1, Compatibility.INCOMPATIBLE: 2}


def worst(values: list[Compatibility] | tuple[Compatibility, ...]) -> Compatibility:
    return max(values, key=lambda c: c.rank, default=Compatibility.COMPATIBLE)


@record
class LayoutChange:
    """One difference inside a member's stored encoding.

    kind: 'encoding_changed', 'integer_widened', 'integer_narrowed', 'scalar_widened',
    'scalar_retyped', 'scalar_to_bool' (an integer read as a flag), 'identity_reread' (a class hash read as
    an address or the reverse), 'struct_member_appended', 'struct_member_inserted', 'struct_member_removed',
    'struct_member_reordered', 'struct_member_resized', 'struct_member_renamed' (same position and
    encoding), 'enum_indicator_changed', 'enum_variant_added', 'enum_variant_removed',
    'enum_variant_renamed' (same indicator and payload), 'enum_payload_changed', 'map_key_changed',
    'map_key_retyped', 'node_member_added', 'node_member_removed', 'custom_packing', 'unresolved'.
    ``path`` locates it inside the member (``config.fee``, ``balances[]``, ``status::Active``).
    """

    kind: str
    path: str
    old: str | None
    new: str | None
    compatibility: Compatibility
    detail: str


@record
class StorageChange:
    """A storage member that differs between versions.

    kind: 'added', 'removed', 'renamed' (``explicit`` when ``#[rename]`` keeps the address),
    'retyped' (same address, different encoding) or 'unverifiable' (same declared type, but an
    unresolved type or custom packing hides the encoding).
    """

    kind: str
    old: StorageMember | None
    new: StorageMember | None
    compatibility: Compatibility
    changes: tuple[LayoutChange, ...] = ()
    explicit: bool = False

    @property
    def name(self) -> str:
        member = self.new or self.old
        assert member is not None
        return member.display


@record
class EntryPointChange:
    """kind: 'added', 'removed', 'unknown' (not found in the new version, which embeds an impl
    that is not in the analysed source), 'signature_changed' (parameter types, count or return
    type), 'parameters_renamed' (same types) or 'kind_changed' (view <-> external ...)."""

    kind: str
    name: str
    old: EntryPoint | None
    new: EntryPoint | None
    detail: str


@record
class EventChange:
    """kind: 'added', 'removed', 'renamed' (same fields, other name), 'changed' (keys or data),
    'unverifiable' (a payload type is unknown) or 'unknown' (not found in the new version, where
    an unresolved payload may emit it)."""

    kind: str
    name: str
    old: Event | None
    new: Event | None
    detail: str


@record
class ContractDiff:
    """Old vs new of one contract or component."""

    old: Contract
    new: Contract
    storage: tuple[StorageChange, ...]
    unchanged: tuple[tuple[StorageMember, StorageMember], ...]
    new_collisions: tuple[AddressCollision, ...]
    entry_points: tuple[EntryPointChange, ...]
    events: tuple[EventChange, ...]
    old_upgrade_paths: tuple[UpgradePath, ...]
    new_upgrade_paths: tuple[UpgradePath, ...]

    @property
    def upgradeability_removed(self) -> bool:
        return bool(self.old_upgrade_paths) and not self.new_upgrade_paths

    @property
    def compatibility(self) -> Compatibility:
        return worst([c.compatibility for c in self.storage])


@record
class ProjectDiff:
    """``pairings``: the pairs made without a shared name, (old, new, the evidence as a sentence)."""

    contracts: tuple[ContractDiff, ...]
    unpaired_old: tuple[Contract, ...]
    unpaired_new: tuple[Contract, ...]
    pairings: tuple[tuple[Contract, Contract, str], ...] = ()
