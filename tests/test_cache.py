"""The cache folder's location, and the result cache: a hit reports what a fresh run reports, and
any change to an input, a setting or an entry's bytes is never served stale."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import lint_upgrade_imports

from cairo_upgrade_lint import pipeline
from cairo_upgrade_lint.cache import ENV, cache_dir
from cairo_upgrade_lint.cli import lint_upgrade, main

EXAMPLE = Path(__file__).parent.parent / "examples" / "vault"


def test_the_environment_variable_wins(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(ENV, str(tmp_path / "chosen"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == str(tmp_path / "chosen")


@pytest.mark.parametrize(
    ("platform", "xdg", "expected"),
    [
        ("linux", "/xdg", "/xdg/cairo-upgrade-lint"),
        ("linux", "relative/ignored", "HOME/.cache/cairo-upgrade-lint"),
        ("linux", "", "HOME/.cache/cairo-upgrade-lint"),
        ("freebsd14", "", "HOME/.cache/cairo-upgrade-lint"),
        ("darwin", "/xdg", "HOME/Library/Caches/cairo-upgrade-lint"),
    ],
)
def test_platform_cache_folders(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, platform: str, xdg: str, expected: str) -> None:
    monkeypatch.delenv(ENV)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CACHE_HOME", xdg)
    monkeypatch.setattr(sys, "platform", platform)
    assert cache_dir() == expected.replace("HOME", str(tmp_path))


def test_windows_cache_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV)
    monkeypatch.setenv("LOCALAPPDATA", "/local")
    monkeypatch.setattr(sys, "platform", "win32")
    assert Path(cache_dir()) == Path("/local", "cairo-upgrade-lint", "Cache")


def _lint(old: Path, new: Path, *options: str) -> tuple[int, object]:
    """Exit code and JSON report (without its elapsed time) of ``lint-upgrade``."""
    result = CliRunner().invoke(lint_upgrade, [str(old), str(new), "--format", "json", *options])
    report = json.loads(result.stdout)
    del report["summary"]["elapsed_seconds"]
    return result.exit_code, report


def test_a_cache_hit_reports_what_a_fresh_run_reports(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(ENV, str(tmp_path / "cache"))
    old, new = tmp_path / "v1.cairo", tmp_path / "v2.cairo"
    shutil.copy(EXAMPLE / "v1.cairo", old)
    shutil.copy(EXAMPLE / "v2.cairo", new)
    fresh = _lint(old, new, "--no-cache")
    assert not (tmp_path / "cache").exists()  # --no-cache neither reads nor writes
    assert _lint(old, new) == fresh
    entries = list((tmp_path / "cache" / "results").rglob("*.pickle"))
    assert len(entries) == 1

    analysed = []
    monkeypatch.setattr(pipeline, "analyse", lambda *args: analysed.append(args))
    assert _lint(old, new) == fresh and not analysed  # served from the entry
    monkeypatch.undo()
    monkeypatch.setenv(ENV, str(tmp_path / "cache"))

    assert _lint(old, new, "--ignore", "CUL1") != fresh  # other settings, another entry
    new.write_text(old.read_text())  # the edit must be seen: identical versions, no finding
    code, report = _lint(old, new)
    assert (code, report) == _lint(old, new, "--no-cache") and report != fresh[1]
    assert len(list((tmp_path / "cache" / "results").rglob("*.pickle"))) == 3


def test_a_cache_hit_loads_none_of_the_analysis_code(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """In a fresh interpreter, as a pre-commit hook runs: the parser, model and rules stay unimported."""
    monkeypatch.setenv(ENV, str(tmp_path / "cache"))
    analysis = ["cairo_upgrade_lint.pipeline", "cairo_upgrade_lint.syntax", "cairo_upgrade_lint.model",
                "cairo_upgrade_lint.rules.registry"]  # fmt: skip
    args = [str(EXAMPLE / "v1.cairo"), str(EXAMPLE / "v2.cairo"), "--format", "json"]
    (miss, loaded_by_miss), (hit, loaded_by_hit) = [lint_upgrade_imports(args, analysis) for _ in range(2)]
    assert json.loads(miss)["findings"] == json.loads(hit)["findings"] and json.loads(hit)["findings"]
    assert "cairo_upgrade_lint.pipeline" in loaded_by_miss  # the miss analysed
    assert loaded_by_hit == []  # the hit did not


APP_MANIFEST = '[package]\nname = "app"\nversion = "0.1.0"\n\n[dependencies]\nlib = { path = "../lib" }\n'
APP = """#[starknet::contract]
mod Vault {
    use starknet::{ClassHash, ContractAddress, get_caller_address};
    use starknet::syscalls::replace_class_syscall;

    #[storage]
    struct Storage {
        admin: ContractAddress,
    }

    #[external(v0)]
    fn upgrade(ref self: ContractState, new_class_hash: ClassHash) {
        lib::check_admin(get_caller_address(), self.admin.read());
        assert(new_class_hash.into() != 0, 'zero');
        replace_class_syscall(new_class_hash).unwrap();
    }
}
"""
LIB = """pub fn check_admin(caller: starknet::ContractAddress, admin: starknet::ContractAddress) {
    assert(caller == admin, 'not admin');
}
"""


def test_an_edit_to_a_path_dependency_outside_the_input_is_seen(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """``check app`` where app's Scarb.toml depends on ``../lib``: the key covers only app's files, so
    the entry also records lib's; breaking lib's guard must not be served from the cache."""
    monkeypatch.setenv(ENV, str(tmp_path / "cache"))
    for folder, manifest, source in (("app", APP_MANIFEST, APP), ("lib", '[package]\nname = "lib"\nversion = "0.1.0"\n', LIB)):
        (tmp_path / folder / "src").mkdir(parents=True)
        (tmp_path / folder / "Scarb.toml").write_text(manifest)
        (tmp_path / folder / "src" / "lib.cairo").write_text(source)

    def check() -> list[str]:
        result = CliRunner().invoke(main, ["check", str(tmp_path / "app"), "--format", "json"])
        return [f["rule_id"] for f in json.loads(result.stdout)["findings"]]

    assert check() == [] and check() == []  # guarded by the dependency's helper; the second run is a hit
    (tmp_path / "lib" / "src" / "lib.cairo").write_text(LIB.replace("caller == admin", "caller != admin"))
    assert check() == ["CUL301"]
    assert check() == ["CUL301"]  # and that outcome is cached in turn


def test_a_corrupt_entry_is_recomputed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(ENV, str(tmp_path / "cache"))
    fresh = _lint(EXAMPLE / "v1.cairo", EXAMPLE / "v2.cairo", "--no-cache")
    _lint(EXAMPLE / "v1.cairo", EXAMPLE / "v2.cairo")
    (entry,) = (tmp_path / "cache" / "results").rglob("*.pickle")
    entry.write_bytes(b"not a pickle")
    assert _lint(EXAMPLE / "v1.cairo", EXAMPLE / "v2.cairo") == fresh
