"""Entry points and events old vs new: matched by name (the selector) and by selector chain."""

from __future__ import annotations

from collections import defaultdict

from ..model.contracts import Contract, EmbeddedImpl, EntryPoint, Event
from .changes import EntryPointChange, EventChange


def diff_entry_points(
    old: tuple[EntryPoint, ...],
    new: tuple[EntryPoint, ...],
    unknown: tuple[EmbeddedImpl, ...] = (),
    old_aliases: tuple[EmbeddedImpl, ...] = (),
) -> list[EntryPointChange]:
    """``unknown``: the new version's embedded impls that are not in the analysed source
    (``unknown_impls``); ``old_aliases``: the old version's embedded impls. An old entry point
    the new version lacks may come from one of them (``hiding``): 'unknown', not 'removed'."""
    old_by_name = {e.name: e for e in old}
    new_by_name = {e.name: e for e in new}
    changes: list[EntryPointChange] = []
    for name, before in old_by_name.items():
        after = new_by_name.get(name)
        roots = hiding(before, unknown, old_aliases) if after is None else []
        if roots:
            shown = ", ".join(f"impl {u.name} = {u.target}" for u in roots)
            changes.append(EntryPointChange("unknown", name, before, None, f"may come from {shown}"))
            continue
        if after is None:
            changes.append(EntryPointChange("removed", name, before, None, before.signature))
            continue
        old_types = [p.type for p in before.params]
        new_types = [p.type for p in after.params]
        if old_types != new_types or before.returns != after.returns:
            changes.append(EntryPointChange("signature_changed", name, before, after, f"{before.signature} -> {after.signature}"))
        elif [p.name for p in before.params] != [p.name for p in after.params]:
            changes.append(
                EntryPointChange("parameters_renamed", name, before, after, f"{before.signature} -> {after.signature}")
            )
        if before.kind != after.kind:
            changes.append(EntryPointChange("kind_changed", name, before, after, f"{before.kind} -> {after.kind}"))
    changes += [EntryPointChange("added", n, None, e, e.signature) for n, e in new_by_name.items() if n not in old_by_name]
    return changes


def hiding(entry: EntryPoint, unknown: tuple[EmbeddedImpl, ...], old_aliases: tuple[EmbeddedImpl, ...]) -> list[EmbeddedImpl]:
    """The unresolved embedded impls of the new version that may serve the old ``entry``: the
    one declared under the name of the old impl that embedded it, else those under a name the
    old version did not embed (code that moved into a dependency comes back through a new
    alias). An impl the old version also embedded under that name serves what it served then."""
    source = next((a for a in old_aliases if entry.name in a.entry_points), None)
    same = [u for u in unknown if source is not None and u.name == source.name]
    if same:
        return same
    declared = {a.name for a in old_aliases}
    return [u for u in unknown if u.name not in declared]


def unknown_impls(old: Contract, new: Contract) -> tuple[EmbeddedImpl, ...]:
    """The new version's embedded impls that are not in the analysed source and whose declaration
    changed (another target, or one the old version resolved or lacked): the old version's entry
    points it may now provide are unknown. One declared alike and unresolved in both versions
    explains no difference between them."""
    before = {e.name: e for e in old.embedded}
    return tuple(
        e for e in new.embedded if not e.resolved and ((b := before.get(e.name)) is None or b.resolved or b.target != e.target)
    )


def diff_events(old: tuple[Event, ...], new: tuple[Event, ...]) -> list[EventChange]:
    old_by_key = {e.selectors: e for e in old}
    new_by_key = {e.selectors: e for e in new}
    changes: list[EventChange] = []
    for key, before in old_by_key.items():
        after = new_by_key.get(key)
        name = "::".join(key)
        if after is None:
            continue
        if not before.resolved or not after.resolved:
            changes.append(EventChange("unverifiable", name, before, after, "payload type unknown"))
        elif _shape(before) != _shape(after):
            changes.append(EventChange("changed", name, before, after, f"{describe_event(before)} -> {describe_event(after)}"))
    removed = [e for k, e in old_by_key.items() if k not in new_by_key]
    opaque = [e for e in new if not e.resolved]
    unknown = [e for e in removed if any(_may_emit(u, e, old) for u in opaque)]
    changes += [
        EventChange("unknown", "::".join(e.selectors), e, None, "may be emitted through an unresolved payload") for e in unknown
    ]
    removed = [e for e in removed if e not in unknown]
    added = [e for k, e in new_by_key.items() if k not in old_by_key]
    renamed = _renames(removed, added)
    for before, after in renamed:
        changes.append(
            EventChange(
                "renamed",
                "::".join(before.selectors),
                before,
                after,
                f"{'::'.join(before.selectors)} -> {'::'.join(after.selectors)}",
            )
        )
    paired = {id(e) for pair in renamed for e in pair}
    changes += [
        EventChange("removed", "::".join(e.selectors), e, None, describe_event(e)) for e in removed if id(e) not in paired
    ]
    changes += [EventChange("added", "::".join(e.selectors), None, e, describe_event(e)) for e in added if id(e) not in paired]
    return changes


def _may_emit(opaque: Event, event: Event, old: tuple[Event, ...]) -> bool:
    """Whether the new version's unresolved variant ``opaque`` may emit the old ``event`` with
    its old keys. A non-``#[flat]`` one emits keys that start with its own selector chain: any
    event nested under it. A ``#[flat]`` one emits what its component's variants emit, so it may
    stand for an event the old version emitted through a ``#[flat]`` variant of the same enum:
    one of that name, or any when ``opaque`` is a name the old enum did not have (a component
    that moved into a dependency). A variant declared in that enum itself (the contract's own
    event) is not a component's, and an unresolved variant the old version had under the same
    name emitted then what it emits now (``hiding`` does the same for entry points)."""
    if not opaque.flat:
        return event.selectors[: len(opaque.selectors)] == opaque.selectors
    level = _names(opaque.via)
    if event.selectors[: len(opaque.selectors) - 1] != opaque.selectors[:-1]:
        return False
    if not event.via and event.embedded_at is not None:
        return True  # nested, read from a lock file written before ``via``: its carrier is unknown
    if _names(event.via[: len(level)]) != level or len(event.via) <= len(level):
        return False
    carrier, flat = event.via[len(level)]
    if not flat:
        return False
    old_names = {_path(e)[len(level)] for e in old if _names(e.via[: len(level)]) == level}
    return carrier == opaque.name or opaque.name not in old_names


def _names(via: tuple[tuple[str, bool], ...]) -> tuple[str, ...]:
    return tuple(name for name, _ in via)


def _path(event: Event) -> tuple[str, ...]:
    """The variant names from the contract's ``Event`` enum down to ``event``'s own."""
    return (*_names(event.via), event.name)


Shape = tuple[tuple[str, str, bool], ...]
"""An event's fields as (name, type, is a key), in order."""


def _shape(event: Event) -> Shape:
    return tuple((f.name, f.type, f.key) for f in event.fields)


def describe_event(event: Event) -> str:
    """``Transfer keys(from: ContractAddress) data(amount: u256)``."""
    keys = ", ".join(f"{f.name}: {f.type}" for f in event.keys)
    data = ", ".join(f"{f.name}: {f.type}" for f in event.data)
    return f"{'::'.join(event.selectors)} keys({keys}) data({data})"


def _renames(removed: list[Event], added: list[Event]) -> list[tuple[Event, Event]]:
    by_old: dict[Shape, list[Event]] = defaultdict(list)
    by_new: dict[Shape, list[Event]] = defaultdict(list)
    for event in removed:
        if event.resolved and event.fields:
            by_old[_shape(event)].append(event)
    for event in added:
        if event.resolved and event.fields:
            by_new[_shape(event)].append(event)
    return [
        (events[0], by_new[shape][0]) for shape, events in by_old.items() if len(events) == 1 and len(by_new.get(shape, ())) == 1
    ]
