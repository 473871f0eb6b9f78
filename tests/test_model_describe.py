"""The `layout` description: versioned JSON shape and its text rendering."""

from __future__ import annotations

import json
from pathlib import Path

from cairo_upgrade_lint.model import (
    LAYOUT_VERSION,
    analyze,
    describe_project,
    render_text,
)
from cairo_upgrade_lint.model.hashing import selector_hex, sn_keccak

FIXTURES = Path(__file__).parent / "fixtures"


def test_json_shape() -> None:
    description = describe_project(analyze(str(FIXTURES / "model" / "layout.cairo")))
    assert json.loads(json.dumps(description)) == description
    assert description["version"] == LAYOUT_VERSION
    (contract,) = description["contracts"]
    assert set(contract) == {
        "name", "qualified_name", "kind", "location", "storage", "collisions",
        "entry_points", "events", "components", "unresolved",
    }  # fmt: skip
    config = next(m for m in contract["storage"] if m["name"] == "config")
    assert config["address"] == hex(sn_keccak("config")) and config["size"] == 4
    assert [(f["name"], f["offset"]) for f in config["layout"]["fields"]] == [
        ("fee", 0),
        ("cap", 1),
        ("admin", 3),
    ]
    plain = next(m for m in contract["storage"] if m["name"] == "plain")
    assert [(v["name"], v["indicator"]) for v in plain["layout"]["variants"]] == [
        ("A", 1),
        ("B", 2),
        ("C", 3),
    ]
    nested = next(m for m in contract["storage"] if m["name"] == "nested")["layout"]
    assert (nested["keys"], nested["value"]["type"]) == (["ContractAddress", "u256"], "bool")


def test_entry_points_in_json_and_text() -> None:
    description = describe_project(analyze(str(FIXTURES / "compiler" / "probes")))
    probe = description["contracts"][0]
    upgrade = next(e for e in probe["entry_points"] if e["name"] == "upgrade")
    assert upgrade == {
        "name": "upgrade",
        "selector": selector_hex("upgrade"),
        "kind": "external",
        "signature": "upgrade(new_class_hash: ClassHash)",
        "params": [{"name": "new_class_hash", "type": "ClassHash"}],
        "returns": None,
        "origin": "StorageProbeImpl",
        "component": None,
        "location": upgrade["location"],
    }
    text = render_text(description)
    assert "contract probes::storage_probe::StorageProbe" in text
    assert f"{selector_hex('get_value')}" in text and "get_value() -> felt252" in text
    assert f"{hex(sn_keccak('config'))}  config: Config  size 2" in text
    assert "+1 paused: bool" in text
