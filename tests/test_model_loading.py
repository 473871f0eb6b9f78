"""Crate loading: single files, plain folders, Scarb packages and workspaces, cairo_project.toml,
and input errors that name the path instead of raising tracebacks."""

from __future__ import annotations

from pathlib import Path

import pytest

from cairo_upgrade_lint.model import InputError, analyze, load

FIXTURES = Path(__file__).parent / "fixtures" / "model"


def test_scarb_package_follows_mod_files_and_folders() -> None:
    sources = load(str(FIXTURES / "scarb_package"))
    (crate,) = sources.crates
    assert (crate.name, crate.kind) == ("vault_pkg", "scarb")
    assert [m.path for m in crate.modules] == [(), ("token",), ("token", "types"), ("utils",)]
    (note,) = sources.notes
    assert note.path.endswith("lib.cairo") and note.line == 3 and "missing.cairo" in note.message


def test_scarb_package_resolves_aliases_across_files() -> None:
    project = analyze(str(FIXTURES / "scarb_package"))
    token = project.contract("Token")
    assert token is not None and token.qualified_name == "vault_pkg::token::Token"
    balances = token.member("balances")
    assert balances is not None and balances.layout.value.type.text == "u256"
    fee = project.call_graph.get("vault_pkg::token::Token::fee")
    assert fee is not None
    assert [c.target for c in fee.facts.calls] == ["vault_pkg::utils::helper_fee"]


def test_workspace_members_resolve_each_other() -> None:
    project = analyze(str(FIXTURES / "workspace"))
    assert sorted(c.name for c in load(str(FIXTURES / "workspace")).crates) == ["app", "shared"]
    config = project.contract("App").member("config")
    assert config.layout.kind == "struct"
    assert [(f.name, f.offset) for f in config.layout.fields] == [("fee", 0), ("cap", 1), ("admin", 3)]


def test_cairo_project_crate_roots() -> None:
    (crate,) = load(str(FIXTURES / "cairo_project")).crates
    assert (crate.name, crate.kind) == ("demo", "cairo_project")
    assert analyze(str(FIXTURES / "cairo_project" / "cairo_project.toml")).contract("Demo") is not None


def test_plain_folder_resolves_sibling_names_by_simple_name() -> None:
    project = analyze(str(FIXTURES / "plain_folder"))
    positions = project.contract("Positions")
    assert positions.unresolved == ()
    assert positions.member("position").layout.kind == "struct"
    assert [v.indicator for v in positions.member("level").layout.variants] == [1, 2]


def test_single_file() -> None:
    (crate,) = load(str(FIXTURES / "layout.cairo")).crates
    assert (crate.name, crate.kind, len(crate.modules)) == ("layout", "file", 1)


def test_syntax_error_in_one_file_keeps_the_others() -> None:
    project = analyze(str(FIXTURES / "broken"))
    assert {c.name for c in project.contracts} == {"Good", "Bad"}
    (diagnostic,) = project.diagnostics
    assert diagnostic.path.endswith("bad.cairo")
    assert project.contract("Bad").entry_point("still_here") is not None


def test_missing_path_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as raised:
        load(str(tmp_path / "nope"))
    assert raised.value.path.endswith("nope") and "no such file" in raised.value.reason


def test_binary_and_non_utf8_files_are_input_errors(tmp_path: Path) -> None:
    binary = tmp_path / "blob.cairo"
    binary.write_bytes(b"\x00\x01\x02mod x;")
    with pytest.raises(InputError, match="binary"):
        load(str(binary))
    latin = tmp_path / "latin.cairo"
    latin.write_bytes("// caf\xe9\n".encode("latin-1"))
    with pytest.raises(InputError, match="UTF-8") as raised:
        load(str(latin))
    assert raised.value.path == str(latin)


def test_invalid_scarb_toml_is_an_input_error(tmp_path: Path) -> None:
    (tmp_path / "Scarb.toml").write_text("[package\nname = 1\n")
    with pytest.raises(InputError, match="invalid TOML") as raised:
        load(str(tmp_path))
    assert raised.value.path.endswith("Scarb.toml")


def test_unreadable_file_in_a_folder_is_skipped_with_an_error(tmp_path: Path) -> None:
    (tmp_path / "good.cairo").write_text("fn f() {}\n")
    (tmp_path / "loop.cairo").symlink_to(tmp_path / "loop.cairo")
    sources = load(str(tmp_path))
    (error,) = sources.errors
    assert error.path.endswith("loop.cairo") and "cannot read" in error.reason
    assert [f.path for f in sources.files] == [str(tmp_path / "good.cairo")]


def test_a_dropped_model_is_freed_without_the_cycle_collector() -> None:
    """The model holds no reference cycle: dropping it frees every scope and syntax node by
    reference counting (a cycle made the collector walk the whole tree, 0.2 s on a 2 MB input)."""
    import gc

    from cairo_upgrade_lint.model.scope import Scope
    from cairo_upgrade_lint.syntax import ast as A

    enabled = gc.isenabled()
    gc.disable()
    try:
        gc.collect()
        project = analyze(str(FIXTURES / "workspace"))
        assert project.contract("App") is not None
        del project
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        left = [type(o).__name__ for o in gc.garbage if isinstance(o, (Scope, A.SourceFile, A.Span))]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        if enabled:
            gc.enable()
    assert left == []
