"""Make cairo-lang 0.14 importable on Python 3.11 without touching site-packages.

`starkware/cairo/lang/instances.py` declares a dataclass field with a mutable default,
`field(default=CpuInstanceDef())`, which Python 3.11 rejects at class creation. A
`sys.meta_path` finder serves that one module from its own source with the default turned
into `default_factory=CpuInstanceDef`; every other module loads as usual.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import sys
from collections.abc import Sequence
from types import ModuleType

PATCHED_MODULE = "starkware.cairo.lang.instances"
_BROKEN = "field(default=CpuInstanceDef())"
_FIXED = "field(default_factory=CpuInstanceDef)"


class _PatchedSourceLoader(importlib.abc.Loader):
    """Executes a module's source after the mutable-default fix; writes no bytecode cache."""

    def __init__(self, origin: str) -> None:
        self.origin = origin

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return None

    def exec_module(self, module: ModuleType) -> None:
        with open(self.origin, encoding="utf-8") as handle:
            source = handle.read().replace(_BROKEN, _FIXED)
        exec(compile(source, self.origin, "exec"), module.__dict__)


class _InstancesFinder(importlib.abc.MetaPathFinder):
    """Finds `PATCHED_MODULE` on the normal path and hands it to the patching loader."""

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != PATCHED_MODULE:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.origin is None:
            return None
        loader = _PatchedSourceLoader(spec.origin)
        return importlib.util.spec_from_file_location(fullname, spec.origin, loader=loader)


def install() -> None:
    """Register the finder once, ahead of the standard path finder."""
    if not any(isinstance(finder, _InstancesFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, _InstancesFinder())
