"""The real Cairo 2.1.0 compiler and cairo-lang 0.14's Sierra-to-CASM compiler, set up on demand.

`starknet-compile` 2.1.0 and its corelib ship inside the sdist of cairo-lang 0.12.3 on PyPI.
`ensure_toolchain` fetches that sdist with pip once and keeps only the binary and the corelib,
in `<toolchain_dir>/compiler`; every compile result is cached in `<toolchain_dir>/builds` under
the hash of its inputs.
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

TOOLCHAIN_ENV = "CUL_TOOLCHAIN_DIR"
DEFAULT_TOOLCHAIN_DIR = Path.home() / ".cache" / "cairo-upgrade-lint" / "toolchain" / "cairo-2.1.0"
SDIST_REQUIREMENT = "cairo-lang==0.12.3"
SDIST_NAME = "cairo-lang-0.12.3.zip"
SDIST_SHA256 = "651abdaa5f911d1d8f5605749e3540e7fc4efb7fb625925e5a499c4ca04fcc85"
# Inside the sdist; the compiler looks for `corelib/src` two folders above its executable.
SDIST_COMPILER_ROOT = "cairo-lang-0.12.3/starkware/starknet/compiler/v1/sierra-compiler-major-1/"
COMPILER_RELPATH = "bin/starknet-compile"
CORELIB_PREFIX = "corelib/"
SIERRA_COMPILER_RELPATH = "sierra-compiler-major-1/bin/starknet-sierra-compile"
CRATE_NAME = "probe"

Json = dict[str, Any]


class CompileError(RuntimeError):
    """A compiler run failed; the message holds the compiler's own output."""


def toolchain_dir() -> Path:
    """The toolchain folder: `$CUL_TOOLCHAIN_DIR`, else the default under ~/.cache."""
    override = os.environ.get(TOOLCHAIN_ENV)
    return Path(override).expanduser() if override else DEFAULT_TOOLCHAIN_DIR


def ensure_toolchain() -> Path:
    """Install Cairo 2.1.0 under `toolchain_dir()` unless present; return `starknet-compile`."""
    root = toolchain_dir()
    compiler = root / "compiler" / COMPILER_RELPATH
    if compiler.exists():
        return compiler
    root.mkdir(parents=True, exist_ok=True)
    with _file_lock(root / ".install.lock"):
        if not compiler.exists():
            _install_toolchain(root / "compiler")
    return compiler


def compile_contract(crate_dir: Path | str, contract_path: str) -> Json:
    """Compile contract `crate::module::Contract` of the crate in `crate_dir` to Sierra JSON."""
    crate_dir = Path(crate_dir)
    compiler = ensure_toolchain()
    key = _hash_inputs("starknet-compile 2.1.0", contract_path, *_crate_files(crate_dir))

    def build(out: Path) -> None:
        _run([str(compiler), str(crate_dir), "-c", contract_path, str(out)])

    return _cached(f"{key}.sierra.json", build)


def compile_source(source: str | Path, contract: str) -> Json:
    """Compile the contract module `contract` of one .cairo file (a path or its text)."""
    text = source.read_text(encoding="utf-8") if isinstance(source, Path) else source
    with tempfile.TemporaryDirectory(prefix="cul-crate-") as crate:
        root = Path(crate)
        (root / "src").mkdir()
        (root / "src" / "lib.cairo").write_text(text, encoding="utf-8")
        (root / "cairo_project.toml").write_text(f'[crate_roots]\n{CRATE_NAME} = "src"\n', encoding="utf-8")
        return compile_contract(root, f"{CRATE_NAME}::{contract}")


def sierra_to_casm(sierra: Json) -> Json:
    """Compile Sierra JSON to CASM with pythonic hints, as cairo-lang 0.14's Python VM needs."""
    compiler = sierra_compiler_path()
    sierra_text = json.dumps(sierra, sort_keys=True)
    key = _hash_inputs(f"cairo-lang {importlib.metadata.version('cairo-lang')}", sierra_text)

    def build(out: Path) -> None:
        source = out.with_name(out.name + ".sierra")
        source.write_text(sierra_text, encoding="utf-8")
        try:
            _run([str(compiler), "--add-pythonic-hints", str(source), str(out)])
        finally:
            source.unlink()

    return _cached(f"{key}.casm.json", build)


def sierra_compiler_path() -> Path:
    """`starknet-sierra-compile` as shipped inside the installed cairo-lang package."""
    spec = importlib.util.find_spec("starkware.starknet.compiler.v1")
    if spec is None or not spec.submodule_search_locations:
        raise CompileError("cairo-lang is not installed (starkware.starknet.compiler.v1 missing)")
    return Path(next(iter(spec.submodule_search_locations))) / SIERRA_COMPILER_RELPATH


def _install_toolchain(directory: Path) -> None:
    """Download the sdist, extract compiler and corelib to a temp folder, rename into place."""
    with tempfile.TemporaryDirectory(prefix=".install-", dir=directory.parent) as work:
        staging = Path(work) / "toolchain"
        _extract_toolchain(_download_sdist(Path(work)), staging)
        staging.rename(directory)


def _download_sdist(destination: Path) -> Path:
    """Fetch the cairo-lang 0.12.3 sdist with pip and check its hash."""
    pip = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps"]
    _run([*pip, "--no-binary", ":all:", "--dest", str(destination), SDIST_REQUIREMENT])
    sdist = destination / SDIST_NAME
    digest = hashlib.sha256(sdist.read_bytes()).hexdigest()
    if digest != SDIST_SHA256:
        raise CompileError(f"{SDIST_NAME}: sha256 {digest}, expected {SDIST_SHA256}")
    return sdist


def _extract_toolchain(sdist: Path, staging: Path) -> None:
    """Copy `bin/starknet-compile` and `corelib/` out of the sdist, keeping file modes."""
    with zipfile.ZipFile(sdist) as archive:
        for info in archive.infolist():
            relative = info.filename.removeprefix(SDIST_COMPILER_ROOT)
            wanted = relative == COMPILER_RELPATH or relative.startswith(CORELIB_PREFIX)
            if relative == info.filename or not wanted or info.is_dir():
                continue
            target = staging / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(info) as src, open(target, "wb") as dst:
                shutil.copyfileobj(src, dst)
            target.chmod((info.external_attr >> 16) & 0o777 or 0o644)


def _crate_files(crate_dir: Path) -> Iterator[str]:
    """Relative path and text of every compiler input of a crate, in a stable order."""
    for path in sorted(crate_dir.rglob("*")):
        if path.suffix == ".cairo" or path.name == "cairo_project.toml":
            yield path.relative_to(crate_dir).as_posix()
            yield path.read_text(encoding="utf-8")


def _hash_inputs(*parts: str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()


def _cached(name: str, build: Callable[[Path], None]) -> Json:
    """Load build output `name` from the cache, or run `build(temp_path)` and publish atomically."""
    cache_file = toolchain_dir() / "builds" / name
    if not cache_file.exists():
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=cache_file.parent) as work:
            out = Path(work) / cache_file.name
            build(out)
            os.replace(out, cache_file)
    return json.loads(cache_file.read_text(encoding="utf-8"))


def _run(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise CompileError(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}")


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive advisory lock on `path` (created if missing)."""
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
