"""Which Cairo the contract is written for, as far as the generated code needs to know: whether
``Map`` and components exist (2.7+ / 2.4+) and whether ``#[rename]`` keeps a storage address
(2.9+, DOMAIN.md section 2). Read from the nearest Scarb.toml (``cairo-version``, the ``starknet``
dependency), else from what the source uses."""

from __future__ import annotations

import os
import re
import tomllib

from ..records import record

RENAME_SINCE = (2, 9)
MAP_SINCE = (2, 7)
COMPONENTS_SINCE = (2, 4)


@record
class Edition:
    """``version``: the Cairo version the code is written for (a lower bound when ``exact`` is
    false); ``reason``: where that comes from."""

    version: tuple[int, int]
    exact: bool
    reason: str

    @property
    def has_map(self) -> bool:
        return self.version >= MAP_SINCE

    @property
    def has_rename(self) -> bool:
        """``#[rename]`` is certainly available (a lower bound below 2.9 does not prove it)."""
        return self.version >= RENAME_SINCE

    @property
    def map_type(self) -> str:
        return "Map" if self.has_map else "LegacyMap"

    def describe(self) -> str:
        bound = "" if self.exact else "+"
        return f"Cairo {self.version[0]}.{self.version[1]}{bound} ({self.reason})"


_VERSION = re.compile(r"(\d+)\.(\d+)")


def detect(path: str, source: str) -> Edition:
    """The edition of the code at ``path`` (a file or folder) whose text is ``source``."""
    declared = _manifest_version(path)
    if declared is not None:
        return Edition(declared[0], True, declared[1])
    if re.search(r"#\[rename\(", source):
        return Edition(RENAME_SINCE, False, "the source uses #[rename]")
    if re.search(r"\bMap\s*<|\bVec\s*<|storage::Map\b", source):
        return Edition(MAP_SINCE, False, "the source uses Map")
    if "component!(" in source or re.search(r"\bpub\s+(mod|fn|struct|trait)\b", source):
        return Edition(COMPONENTS_SINCE, False, "the source uses components or pub")
    return Edition((2, 1), False, "LegacyMap-era source without components")


def _manifest_version(path: str) -> tuple[tuple[int, int], str] | None:
    folder = os.path.abspath(path if os.path.isdir(path) else os.path.dirname(path) or ".")
    while True:
        manifest = os.path.join(folder, "Scarb.toml")
        if os.path.isfile(manifest):
            return _read_manifest(manifest)
        parent = os.path.dirname(folder)
        if parent == folder or os.path.isdir(os.path.join(folder, ".git")):
            return None
        folder = parent


def _read_manifest(manifest: str) -> tuple[tuple[int, int], str] | None:
    try:
        with open(manifest, "rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError):
        return None
    package = data.get("package")
    package = package if isinstance(package, dict) else {}
    dependencies = data.get("dependencies")
    dependencies = dependencies if isinstance(dependencies, dict) else {}
    for value, what in ((package.get("cairo-version"), "cairo-version"), (dependencies.get("starknet"), "starknet dependency")):
        text = value if isinstance(value, str) else ""
        match = _VERSION.search(text)
        if match:
            return (int(match.group(1)), int(match.group(2))), f"Scarb.toml {what} {text}"
    return None
