"""Contracts, components, entry points and events of tests/fixtures/model/contracts.cairo."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cairo_upgrade_lint.model import Project, analyze, known_components
from cairo_upgrade_lint.model.hashing import sn_keccak

FIXTURES = Path(__file__).parent / "fixtures" / "model"


@pytest.fixture(scope="module")
def project() -> Project:
    return analyze(str(FIXTURES / "contracts.cairo"))


def test_contracts_components_and_interfaces(project: Project) -> None:
    assert [(c.name, c.kind) for c in project.contracts] == [
        ("counter_component", "component"),
        ("Shop", "contract"),
        ("Injected", "contract"),
    ]
    assert [c.qualified_name for c in project.known_components] == [
        "openzeppelin::OwnableComponent",
        "openzeppelin::UpgradeableComponent",
    ]
    (interface,) = project.interfaces
    assert [(f.name, f.kind) for f in interface.functions] == [("get", "view"), ("bump", "external")]


def test_entry_points_of_every_origin(project: Project) -> None:
    shop = project.contract("Shop")
    summary = [(e.name, e.kind, e.origin, e.component) for e in shop.entry_points]
    assert summary == [
        ("owner", "view", "OwnableComponent::OwnableImpl", "openzeppelin::OwnableComponent"),
        ("transfer_ownership", "external", "OwnableComponent::OwnableImpl", "openzeppelin::OwnableComponent"),
        ("renounce_ownership", "external", "OwnableComponent::OwnableImpl", "openzeppelin::OwnableComponent"),
        ("get", "view", "counter_component::CounterImpl", "contracts::counter_component"),
        ("bump", "external", "counter_component::CounterImpl", "contracts::counter_component"),
        ("constructor", "constructor", "function", None),
        ("set_price", "external", "ShopImpl", None),
        ("price", "view", "ShopImpl", None),
        ("on_deposit", "l1_handler", "function", None),
    ]
    bump = shop.entry_point("bump")
    assert bump.selector == sn_keccak("bump")
    assert bump.signature == "bump(by: u64)"
    assert bump.function == "contracts::counter_component::Counter::bump"
    assert project.call_graph.get(bump.function) is not None


def test_substorage_components_are_flattened_under_their_own_names(project: Project) -> None:
    shop = project.contract("Shop")
    assert [(m.display, m.address == sn_keccak(m.name)) for m in shop.storage] == [
        ("ownable.Ownable_owner", True),
        ("ownable.Ownable_pending_owner", True),
        ("counter.Counter_value", True),
        ("price", True),
    ]
    assert [(u.storage, u.component, u.known) for u in shop.components] == [
        ("ownable", "openzeppelin::OwnableComponent", True),
        ("counter", "contracts::counter_component", False),
    ]


def test_events_keys_flat_and_nested(project: Project) -> None:
    shop = project.contract("Shop")
    events = {e.selectors: e for e in shop.events}
    assert set(events) == {
        ("OwnershipTransferred",),
        ("OwnershipTransferStarted",),
        ("CounterEvent", "Bumped"),
        ("PriceSet",),
        ("Ping",),
    }
    price_set = events[("PriceSet",)]
    assert [(f.name, f.type) for f in price_set.keys] == [("by", "ContractAddress")]
    assert [(f.name, f.type) for f in price_set.data] == [("price", "u128")]
    assert events[("CounterEvent", "Bumped")].component == "contracts::counter_component"


def test_with_components_injects_storage_events_and_imports(project: Project) -> None:
    injected = project.contract("Injected")
    assert [(u.storage, u.event, u.injected) for u in injected.components] == [
        ("ownable", "OwnableEvent", True),
        ("upgradeable", "UpgradeableEvent", True),
    ]
    assert [m.display for m in injected.storage] == ["ownable.Ownable_owner", "ownable.Ownable_pending_owner"]
    assert ("Upgraded",) in {e.selectors for e in injected.events}
    assert injected.unresolved == ()


def test_openzeppelin_stubs_are_package_data_marked_with_their_versions() -> None:
    folder = Path(known_components.__file__).parent / known_components.STUB_FOLDER
    assert sorted(p.stem for p in folder.glob("*.cairo")) == sorted(known_components.STUB_FILES)
    for name in known_components.STUB_FILES:
        header = (folder / f"{name}.cairo").read_text().split("\n\n", 1)[0]
        assert header.startswith("// ") and re.search(r"v\d+\.\d+\.\d+ \.\. v\d+\.\d+\.\d+", header), name
    pyproject = (Path(__file__).parent.parent / "pyproject.toml").read_text()
    assert f'"{known_components.STUB_FOLDER}/*.cairo"' in pyproject
    text = known_components.stubs()
    assert "OpenZeppelin Contracts for Cairo v" not in text and "pub mod ERC721Component" in text
