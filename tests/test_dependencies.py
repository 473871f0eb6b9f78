"""Scarb dependency resolution: Scarb's cache layout, ``scarb metadata`` (a stand-in script),
``--dependency``, and bad input degrading to "unknown" with one line."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys

import pytest

from cairo_upgrade_lint.model import dependencies as deps
from cairo_upgrade_lint.model.loading import load

HERE = os.path.dirname(os.path.abspath(__file__))
SCARB = os.path.join(HERE, "fixtures", "scarb")
CACHE = os.path.join(SCARB, "cache")
MOVED, REGISTRY = os.path.join(SCARB, "moved"), os.path.join(SCARB, "registry")
CHECKOUT = os.path.join(CACHE, "registry", "git", "checkouts", "guards-0q8bv2n1l5o3g", "4f1c2a9", "packages", "guards")
LINT = [sys.executable, "-m", "cairo_upgrade_lint.cli"]


def lint(*args: str, env: dict[str, str] | None = None, fmt: str = "json") -> dict:
    command = [os.path.join(os.path.dirname(sys.executable), "lint-upgrade"), "--no-cache", "--format", fmt, *args]
    done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=60)
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout) if fmt == "json" else {"text": done.stdout}


def stand_in(tmp_path, body: str) -> dict[str, str]:
    """A ``scarb`` on PATH running ``body`` (a shell script); the environment to use it."""
    folder = tmp_path / "bin"
    folder.mkdir(exist_ok=True)
    script = folder / "scarb"
    script.write_text("#!/bin/sh\n" + body)
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return {"PATH": f"{folder}{os.pathsep}{os.environ['PATH']}", "SCARB_CACHE": str(tmp_path / "empty-cache")}


def metadata_document(workspace: str) -> dict:
    """A metadata document following the ``scarb-metadata`` crate's schema (version 1)."""
    source = "git+https://github.com/Example/guards.git?tag=v1.0.0#4f1c2a9e8b7d6c5f4e3d2c1b0a9f8e7d6c5b4a39"
    app = os.path.join(workspace, "app")
    return {
        "version": 1,
        "app_exe": "scarb",
        "app_version_info": {"version": "2.9.2", "cairo": {"version": "2.9.2"}},
        "target_dir": os.path.join(workspace, "target"),
        "workspace": {
            "manifest_path": os.path.join(workspace, "Scarb.toml"),
            "root": workspace,
            "members": ["app 0.1.0 (path+file://" + app + "/Scarb.toml)"],
        },
        "packages": [
            {
                "id": "app 0.1.0 (path+file://" + app + "/Scarb.toml)",
                "name": "app",
                "version": "0.1.0",
                "edition": "2024_07",
                "source": "path+file://" + app + "/Scarb.toml",
                "root": app,
                "manifest_path": os.path.join(app, "Scarb.toml"),
                "dependencies": [{"name": "guards", "version_req": "*", "source": source, "kind": None}],
                "targets": [
                    {
                        "kind": "starknet-contract",
                        "name": "app",
                        "params": {},
                        "source_path": os.path.join(app, "src", "lib.cairo"),
                    }
                ],
                "manifest_metadata": {},
            },
            {
                "id": f"guards 1.0.0 ({source})",
                "name": "guards",
                "version": "1.0.0",
                "edition": "2024_07",
                "source": source,
                "root": CHECKOUT,
                "manifest_path": os.path.join(CHECKOUT, "Scarb.toml"),
                "dependencies": [],
                "targets": [
                    {"kind": "lib", "name": "guards", "params": {}, "source_path": os.path.join(CHECKOUT, "src", "lib.cairo")}
                ],
                "manifest_metadata": {},
            },
            {
                "id": "core 2.9.2 (std)",
                "name": "core",
                "version": "2.9.2",
                "source": "std",
                "root": "/nonexistent/core",
                "manifest_path": "/nonexistent/core/Scarb.toml",
                "dependencies": [],
                "targets": [],
                "manifest_metadata": {},
            },
        ],
        "compilation_units": [
            {
                "id": "app-unit",
                "package": "app 0.1.0",
                "target": {"kind": "starknet-contract", "name": "app"},
                "components": [
                    {"package": "app 0.1.0", "name": "app", "source_path": os.path.join(app, "src", "lib.cairo")},
                    {
                        "package": f"guards 1.0.0 ({source})",
                        "name": "guards",
                        "source_path": os.path.join(CHECKOUT, "src", "lib.cairo"),
                    },
                ],
                "cairo_plugins": [],
                "cfg": [{"name": "target", "value": "starknet-contract"}],
            },
        ],
    }


# ----------------------------------------------------------------------------- Scarb's cache


def test_cache_folder_follows_scarb(monkeypatch):
    monkeypatch.setenv("SCARB_CACHE", "/c")
    assert deps.cache_dir() == "/c"
    monkeypatch.delenv("SCARB_CACHE")
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("XDG_CACHE_HOME", "/x")
    assert deps.cache_dir() == os.path.join("/x", "scarb")
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert deps.cache_dir() == os.path.join(os.path.expanduser("~"), ".cache", "scarb")
    monkeypatch.setattr(sys, "platform", "darwin")
    assert deps.cache_dir().endswith(os.path.join("Library", "Caches", "com.swmansion.scarb"))


def test_git_and_workspace_dependency_found_in_cache(monkeypatch):
    monkeypatch.setenv("SCARB_CACHE", CACHE)
    monkeypatch.setenv("PATH", "/nonexistent")
    sources = load(os.path.join(MOVED, "new"))
    (found,) = sources.dependencies.found
    assert (found.name, found.version, found.root) == ("guards", "1.0.0", CHECKOUT)
    assert not sources.dependencies.missing
    crate = next(c for c in sources.crates if c.kind == "dependency")
    assert crate.name == "guards" and crate.origin.startswith("guards 1.0.0 (git+")
    assert all(not f.path.startswith(CACHE) for f in sources.files)  # read, not analysed as the input


def test_registry_dependency_by_locked_version(monkeypatch):
    monkeypatch.setenv("SCARB_CACHE", CACHE)
    for side, version in (("old", "1.0.0"), ("new", "1.1.0")):
        (found,) = deps.resolve(os.path.join(REGISTRY, side), {"treasury"}, deps.Options(scarb="")).found
        assert found.root.endswith(f"vault_types-{version}") and found.source == "registry+https://scarbs.xyz/"


def test_moved_component_compares_unchanged_through_cache():
    out = lint(os.path.join(MOVED, "old"), os.path.join(MOVED, "new"), env={"SCARB_CACHE": CACHE})
    assert out["findings"] == [] and out["summary"].get("unknown_dependencies", []) == []


def test_registry_upgrade_inserting_a_store_member_is_cul104():
    out = lint(os.path.join(REGISTRY, "old"), os.path.join(REGISTRY, "new"), env={"SCARB_CACHE": CACHE})
    (finding,) = out["findings"]
    assert finding["rule_id"] == "CUL104" and finding["severity"] == "error"
    assert "`paused` inserted" in finding["message"] and "vault_types 1.1.0" in finding["message"]
    assert "old: vault_types 1.0.0" in finding["message"]


@pytest.mark.parametrize("project", [os.path.join(MOVED, "new"), os.path.join(REGISTRY, "new")])
def test_self_comparison_found_and_not_found(project, tmp_path):
    found = lint(project, project, env={"SCARB_CACHE": CACHE})
    assert found["findings"] == [] and found["summary"].get("unknown_dependencies", []) == []
    missing = lint(project, project, env={"SCARB_CACHE": str(tmp_path)})
    assert missing["findings"] == []
    (line,) = missing["summary"]["unknown_dependencies"]  # once, though both sides miss it
    assert "not found" in line and "not in Scarb's cache" in line
    text = lint(project, project, env={"SCARB_CACHE": str(tmp_path)}, fmt="text")["text"]
    assert text.count("Unknown (not reported as changed)") == 1


def test_missing_dependency_counts_what_depends_on_it(tmp_path):
    out = lint(os.path.join(MOVED, "new"), os.path.join(MOVED, "new"), env={"SCARB_CACHE": str(tmp_path)})
    assert "1 embedded impl(s) of 1 contract(s)" in out["summary"]["unknown_dependencies"][0]


def test_cache_missing_the_locked_version(tmp_path, monkeypatch):
    (tmp_path / "registry" / "src" / "scarbs.xyz-abc" / "vault_types-1.0.0").mkdir(parents=True)
    monkeypatch.setenv("SCARB_CACHE", str(tmp_path))
    resolution = deps.resolve(os.path.join(REGISTRY, "new"), {"treasury"}, deps.Options(scarb=""))
    assert not resolution.found
    assert resolution.missing == (
        deps.Missing("vault_types", f"1.1.0 (registry+https://scarbs.xyz/) not in Scarb's cache {tmp_path}"),
    )


def test_corrupt_lock_is_one_line(tmp_path, monkeypatch):
    project = tmp_path / "p"
    (project / "src").mkdir(parents=True)
    (project / "Scarb.toml").write_text('[package]\nname = "p"\nversion = "0.1.0"\n\n[dependencies]\nvault_types = "1.0.0"\n')
    (project / "Scarb.lock").write_text("[[package]\nname = ")
    (project / "src" / "lib.cairo").write_text("fn f() {}\n")
    monkeypatch.setenv("SCARB_CACHE", CACHE)
    resolution = deps.resolve(str(project), {"p"}, deps.Options(scarb=""))
    assert resolution.missing == (deps.Missing("vault_types", "Scarb.lock unreadable"),)
    (note,) = resolution.notes
    assert "Scarb.lock: unreadable" in note


# ----------------------------------------------------------------------------- by hand


def test_dependency_named_by_hand(tmp_path):
    guards = os.path.join(MOVED, "old", "guards")
    out = lint(
        "--dependency",
        f"guards={guards}",
        os.path.join(MOVED, "old"),
        os.path.join(MOVED, "new"),
        env={"SCARB_CACHE": str(tmp_path)},
    )
    assert out["findings"] == [] and out["summary"].get("unknown_dependencies", []) == []


def test_config_dependencies_table(tmp_path):
    from cairo_upgrade_lint import config

    path = tmp_path / ".cairo-upgrade-lint.toml"
    path.write_text('[dependencies]\nguards = "vendor/guards"\n')
    loaded = config.load(str(path))
    assert loaded.dependencies == (("guards", os.path.join(str(tmp_path), "vendor/guards")),)


# ----------------------------------------------------------------------------- scarb metadata


def test_metadata_stand_in_finds_the_git_dependency(tmp_path):
    document = tmp_path / "metadata.json"
    workspace = os.path.join(MOVED, "new")
    document.write_text(json.dumps(metadata_document(workspace)))
    env = stand_in(tmp_path, f'[ "$1 $2" = "--offline metadata" ] || exit 3\ncat "{document}"\n')
    out = lint(os.path.join(MOVED, "old"), workspace, env=env)
    assert out["findings"] == [] and out["summary"].get("unknown_dependencies", []) == []


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("echo 'error: cannot fetch in offline mode' >&2\nexit 1\n", "scarb metadata failed (exit 1: error: cannot fetch"),
        ("echo '{not json'\n", "printed no usable metadata"),
        ('echo \'{"packages": [{"name": 1}]}\'\n', "printed no usable metadata"),
        ("sleep 5\n", "timed out"),
    ],
)
def test_bad_metadata_falls_back_with_one_line(tmp_path, monkeypatch, body, expected):
    env = stand_in(tmp_path, body)
    monkeypatch.setenv("PATH", env["PATH"])
    monkeypatch.setenv("SCARB_CACHE", CACHE)
    monkeypatch.setattr(deps, "TIMEOUT", 0.5)
    resolution = deps.resolve(os.path.join(MOVED, "new"), {"app"})
    (note,) = resolution.notes
    assert expected in note and note.endswith("reading Scarb.lock instead")
    assert [d.name for d in resolution.found] == ["guards"]  # found in the cache after all


def test_explicit_scarb_that_does_not_exist(tmp_path, monkeypatch):
    monkeypatch.setenv("SCARB_CACHE", str(tmp_path))
    resolution = deps.resolve(os.path.join(MOVED, "new"), {"app"}, deps.Options(scarb=str(tmp_path / "nope")))
    assert len(resolution.notes) == 1 and "cannot run" in resolution.notes[0]
    assert [m.name for m in resolution.missing] == ["guards"]


def test_layout_names_the_origin_package(monkeypatch):
    from cairo_upgrade_lint.model import build, describe_project

    monkeypatch.setenv("SCARB_CACHE", CACHE)
    monkeypatch.setenv("PATH", "/nonexistent")
    description = describe_project(build(load(os.path.join(MOVED, "new"))))
    (vault,) = description["contracts"]
    origins = {m["name"]: m["origin"] for m in vault["storage"]}
    assert origins["balance"] is None and origins["owned.Owned_owner"].startswith("guards 1.0.0 (git+")


# ----------------------------------------------------------------------------- --base REF


def test_base_ref_resolves_the_old_lock_from_the_cache(tmp_path):
    """`--base REF`: the old side's dependencies are those its own Scarb.lock at REF pins (vault_types
    1.0.0), the work tree's those of the current lock (1.1.0); 1.1.0 inserted a member into the stored
    `Config`, which is a CUL104 naming the member and both versions of the dependency."""
    repo = tmp_path / "repo"
    shutil.copytree(os.path.join(REGISTRY, "old"), repo)
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t", "GIT_CONFIG_GLOBAL": os.devnull}  # fmt: skip
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "v1"], ["tag", "deployed"]):
        subprocess.run(["git", *command], cwd=repo, env=env, check=True, capture_output=True)
    same = lint("--base", "deployed", str(repo), env={"SCARB_CACHE": CACHE})
    assert same["findings"] == [] and same["summary"].get("unknown_dependencies", []) == []
    for name in ("Scarb.toml", "Scarb.lock"):
        shutil.copy(os.path.join(REGISTRY, "new", name), repo / name)
    out = lint("--base", "deployed", str(repo), env={"SCARB_CACHE": CACHE})
    (finding,) = out["findings"]
    assert finding["rule_id"] == "CUL104" and finding["severity"] == "error"
    assert "`paused` inserted" in finding["message"] and "vault_types 1.1.0" in finding["message"]
    assert "old: vault_types 1.0.0" in finding["message"]
    assert out["summary"].get("unknown_dependencies", []) == []
