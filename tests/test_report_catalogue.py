"""The rule catalogue: loading, validation and rendering."""

from __future__ import annotations

import pytest

from cairo_upgrade_lint.catalogue import CatalogueError, load_catalogue, parse_rule, render_markdown, render_text
from cairo_upgrade_lint.findings import Severity

VALID = '''
id = "CUL102"
name = "storage-member-renamed"
severity = "error"
confidence = "high"
tags = ["storage"]
summary = "A rename moves the address."
why = "The address is sn_keccak of the name."
fix = "Add `#[rename(\\"old\\")]`."
suppress = "// cairo-upgrade-lint: allow(CUL102) reason"

[bad]
old = "struct Storage { balance: u256 }"
new = "struct Storage { balances: u256 }"

[fixed]
old = "struct Storage { balance: u256 }"
new = """struct Storage {
    #[rename(\\"balance\\")]
    balances: u256,
}
"""
'''


def test_shipped_catalogue_has_the_parse_error_rule() -> None:
    catalogue = load_catalogue()
    assert list(catalogue) == sorted(catalogue)
    doc = catalogue["CUL000"]
    assert (doc.name, doc.severity, doc.confidence, doc.tags) == ("parse-error", Severity.ERROR, "high", ("parse",))
    assert doc.summary == "The file did not parse; analysis of it may be incomplete."
    assert doc.bad.code and doc.fixed.code and not doc.bad.is_diff
    assert "let current = self.value.read() //" in doc.bad.code
    assert "let current = self.value.read();" in doc.fixed.code
    assert "CUL999" not in catalogue and catalogue.get("CUL999") is None and catalogue.get("parse-error") is None
    assert len(catalogue) == len(list(catalogue.values()))


def test_parse_valid_old_new_rule() -> None:
    doc = parse_rule(VALID, "CUL102.toml")
    assert doc.bad.is_diff and doc.bad.old == "struct Storage { balance: u256 }"
    assert doc.security_severity is None


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("fix = ", "fixes = "), "missing required field(s): fix"),
        (('tags = ["storage"]', 'tags = ["storage"]\nextra = 1'), "unknown field(s): extra"),
        (('name = "storage-member-renamed"', 'name = "Storage_Renamed"'), "must be kebab-case"),
        (('id = "CUL102"', 'id = "CUL12"'), "must look like CUL123 and match the file name"),
        (('severity = "error"', 'severity = "fatal"'), "severity must be one of"),
        (('confidence = "high"', 'confidence = "sure"'), "confidence must be one of"),
        (('summary = "A rename moves the address."', 'summary = """one\ntwo"""'), "summary must be one line"),
        (('tags = ["storage"]', 'tags = "storage"'), "tags must be a list"),
        (('tags = ["storage"]', 'tags = ["security"]'), "need a security_severity"),
        (('tags = ["storage"]', 'tags = ["security"]\nsecurity_severity = "11"'), "between 0.0 and 10.0"),
        (('[bad]\nold = "struct Storage { balance: u256 }"\n', '[bad]\ncode = "x"\n'), "[bad] must hold"),
        (('why = "The address is sn_keccak of the name."', 'why = "  "'), "'why' must be a non-empty string"),
        (("[fixed]", "[fixed"), "invalid TOML"),
    ],
)
def test_validation_errors_name_the_file_and_the_problem(edit: tuple[str, str], message: str) -> None:
    broken = VALID.replace(*edit, 1)
    assert broken != VALID
    with pytest.raises(CatalogueError) as error:
        parse_rule(broken, "CUL102.toml")
    assert str(error.value).startswith("rule catalogue file CUL102.toml: ")
    assert message in str(error.value)


def test_file_name_must_match_the_id() -> None:
    with pytest.raises(CatalogueError, match="match the file name"):
        parse_rule(VALID, "CUL103.toml")


def test_mixed_example_kinds_are_rejected() -> None:
    mixed = VALID.replace('[fixed]\nold = "struct Storage { balance: u256 }"\nnew = """', '[fixed]\ncode = """')
    with pytest.raises(CatalogueError, match="both use 'code' or both use 'old' and 'new'"):
        parse_rule(mixed, "CUL102.toml")


def test_render_markdown_of_an_old_new_rule() -> None:
    markdown = render_markdown(parse_rule(VALID, "CUL102.toml"))
    assert markdown.startswith("# CUL102 storage-member-renamed\n\n**Severity:** error · **Confidence:** high")
    sections = [
        "## Why it matters",
        "## Example",
        "Old version:",
        "New version (flagged):",
        "New version (fixed):",
        "## How to fix",
        "## How to suppress",
    ]
    positions = [markdown.index(s) for s in sections]
    assert positions == sorted(positions)
    assert "Old version (for the fix)" not in markdown  # the same old version is shown once
    assert '```cairo\nstruct Storage {\n    #[rename("balance")]\n    balances: u256,\n}\n```' in markdown


def test_fences_outgrow_backticks_in_the_code() -> None:
    doc = parse_rule(
        VALID.replace('new = "struct Storage { balances: u256 }"', 'new = "// ```` odd\\nstruct Storage { balances: u256 }"'),
        "CUL102.toml",
    )
    assert "`````cairo\n// ```` odd\n" in render_markdown(doc)


def test_render_text() -> None:
    text = render_text(load_catalogue()["CUL000"])
    lines = text.splitlines()
    assert lines[:4] == [
        "CUL000 parse-error",
        "severity: error   confidence: high   tags: parse",
        "",
        "The file did not parse; analysis of it may be incomplete.",
    ]
    for heading in ("WHY IT MATTERS", "FLAGGED", "FIXED", "HOW TO FIX", "HOW TO SUPPRESS"):
        assert heading in lines
    assert "    #[starknet::contract]" in lines


def test_two_rules_may_not_share_a_name(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cairo_upgrade_lint.catalogue import loader as module

    (tmp_path / "CUL102.toml").write_text(VALID, encoding="utf-8")
    (tmp_path / "CUL109.toml").write_text(VALID.replace('id = "CUL102"', 'id = "CUL109"'), encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a rule", encoding="utf-8")
    monkeypatch.setattr(module, "FOLDER", str(tmp_path))
    module._load_all.cache_clear()
    try:
        with pytest.raises(CatalogueError, match="CUL102 and CUL109 share the name 'storage-member-renamed'"):
            dict(load_catalogue())
    finally:
        module._load_all.cache_clear()
