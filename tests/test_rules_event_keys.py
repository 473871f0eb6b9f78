"""CUL205 and the emitted key path: an event is matched by the selectors that lead its keys, and an
unresolved component variant hides only what it could really emit (DOMAIN.md sections 2c and 3)."""

from __future__ import annotations

from pathlib import Path

from rule_cases import analyse_sources

from cairo_upgrade_lint.diff.interface import diff_events
from cairo_upgrade_lint.findings import Finding
from cairo_upgrade_lint.model.project import analyze
from cairo_upgrade_lint.records import replace


def contract(enum: str, structs: str = "", uses: str = "", top: str = "") -> str:
    """A ``Vault`` whose ``Event`` enum has the variants ``enum``; it can replace its class."""
    return f"""{top}
#[starknet::contract]
mod Vault {{
    use starknet::ContractAddress;
    {uses}
    #[storage]
    struct Storage {{
        value: u128,
    }}

    #[event]
    #[derive(Drop, starknet::Event)]
    enum Event {{
{enum}
    }}
{structs}
    #[external(v0)]
    fn upgrade(ref self: ContractState, new_class: starknet::ClassHash) {{
        assert(starknet::get_caller_address() == starknet::contract_address_const::<0x123>(), 'only admin');
        starknet::syscalls::replace_class_syscall(new_class).unwrap();
    }}
}}
"""


PAUSED = """
    #[derive(Drop, starknet::Event)]
    struct Paused {
        account: ContractAddress,
    }
"""
PAUSABLE = """
#[starknet::component]
pub mod Pausable {
    #[storage]
    pub struct Storage {}

    #[event]
    #[derive(Drop, starknet::Event)]
    pub enum Event {
        Paused: Paused,
    }

    #[derive(Drop, starknet::Event)]
    pub struct Paused {
        pub account: starknet::ContractAddress,
    }
}
"""
LOCAL = "        {flat}PausableEvent: super::Pausable::Event,"
DEPENDENCY = "        {flat}PausableEvent: pausable_dep::Pausable::Event,"
FLAT = "#[flat]\n        "


def compared(tmp: Path, old: str, new: str) -> list[Finding]:
    return [f for f in analyse_sources(tmp, old=old, new=new) if f.rule_id == "CUL205"]


def test_event_path_records_each_enclosing_variant_and_whether_it_is_flat(tmp_path: Path) -> None:
    source = tmp_path / "vault.cairo"
    source.write_text(contract("        Own: Paused,\n" + LOCAL.format(flat=FLAT), PAUSED, top=PAUSABLE))
    events = {e.selectors: e for e in analyze(str(source)).contract("Vault").events}
    assert events[("Own",)].via == ()
    assert events[("Paused",)].via == (("PausableEvent", True),)
    source.write_text(contract(LOCAL.format(flat=""), top=PAUSABLE))
    [nested] = analyze(str(source)).contract("Vault").events
    assert nested.selectors == ("PausableEvent", "Paused") and nested.via == (("PausableEvent", False),)


def test_own_event_removed_next_to_an_unresolved_flat_component_is_reported(tmp_path: Path) -> None:
    component = DEPENDENCY.format(flat=FLAT)
    old = contract(component + "\n        Own: Paused,", PAUSED)
    [finding] = compared(tmp_path, old, contract(component))
    assert "event `Own` is gone" in finding.message


def test_a_flat_component_moved_into_a_dependency_may_still_emit_its_events(tmp_path: Path) -> None:
    old = contract(LOCAL.format(flat=FLAT), top=PAUSABLE)
    assert compared(tmp_path, old, contract(DEPENDENCY.format(flat=FLAT))) == []
    renamed = DEPENDENCY.format(flat=FLAT).replace("PausableEvent:", "PauseEvents:")
    assert compared(tmp_path, old, contract(renamed)) == []


def test_a_flat_component_moved_into_a_dependency_hides_nothing_under_another_old_name(tmp_path: Path) -> None:
    """The new version keeps an unresolved ``#[flat]`` variant the old version had: it emits what it
    emitted then, so the local component dropped beside it is a removal."""
    other = "        #[flat]\n        RolesEvent: roles_dep::Roles::Event,\n"
    old = contract(other + LOCAL.format(flat=FLAT), top=PAUSABLE)
    [finding] = compared(tmp_path, old, contract(other.rstrip("\n")))
    assert "event `Paused` is gone" in finding.message


def test_flattening_a_component_that_moved_into_a_dependency_changes_the_keys(tmp_path: Path) -> None:
    """Old keys start with selector!("PausableEvent"); an unresolved ``#[flat]`` variant emits its
    component's own variant selectors first, so the old key path is gone."""
    old = contract(LOCAL.format(flat=""), top=PAUSABLE)
    [finding] = compared(tmp_path, old, contract(DEPENDENCY.format(flat=FLAT)))
    assert "event `PausableEvent::Paused` is gone" in finding.message
    assert compared(tmp_path, old, contract(DEPENDENCY.format(flat=""))) == []


def test_moving_an_own_event_into_a_component_compares_the_key_path(tmp_path: Path) -> None:
    old = contract("        Paused: Paused,", PAUSED)
    [finding] = compared(tmp_path, old, contract(LOCAL.format(flat=""), top=PAUSABLE))
    assert "renamed to `PausableEvent::Paused`" in finding.message
    assert compared(tmp_path, old, contract(LOCAL.format(flat=FLAT), top=PAUSABLE)) == []
    [gone] = compared(tmp_path, old, contract(DEPENDENCY.format(flat="")))
    assert "event `Paused` is gone" in gone.message


def test_unknown_applies_at_the_level_of_the_unresolved_variant(tmp_path: Path) -> None:
    """A ``#[flat]`` variant nested in a local enum hides the events of the old component it
    replaces at that level only."""
    outer = """
    #[derive(Drop, starknet::Event)]
    enum Admin {{
        {inner}
    }}
"""
    old_src = tmp_path / "old.cairo"
    new_src = tmp_path / "new.cairo"
    enum = "        #[flat]\n        AdminEvent: Admin,"
    inner = "#[flat]\n        PausableEvent: {}::Pausable::Event,"
    old_src.write_text(contract(enum, outer.format(inner=inner.format("super")), top=PAUSABLE))
    new_src.write_text(contract(enum, outer.format(inner=inner.format("pausable_dep"))))
    old, new = (analyze(str(p)).contract("Vault").events for p in (old_src, new_src))
    changes = diff_events(old, new)
    assert [(c.kind, c.name) for c in changes if c.kind in ("unknown", "removed")] == [("unknown", "Paused")]


def test_a_lock_file_event_without_its_path_is_judged_as_before(tmp_path: Path) -> None:
    """Lock files written before ``via`` existed read it as (): a nested event whose carrier is not
    recorded may still come from an unresolved ``#[flat]`` variant."""
    old_src, new_src = tmp_path / "old.cairo", tmp_path / "new.cairo"
    roles = "        #[flat]\n        RolesEvent: roles_dep::Roles::Event,"
    old_src.write_text(contract(roles + "\n" + LOCAL.format(flat=FLAT), top=PAUSABLE))
    new_src.write_text(contract(roles))
    old = analyze(str(old_src)).contract("Vault").events
    new = analyze(str(new_src)).contract("Vault").events
    assert [(c.kind, c.name) for c in diff_events(old, new) if c.kind in ("removed", "unknown")] == [("removed", "Paused")]
    legacy = tuple(replace(e, via=()) for e in old)
    assert [(c.kind, c.name) for c in diff_events(legacy, new) if c.kind in ("removed", "unknown")] == [("unknown", "Paused")]
