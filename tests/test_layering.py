"""The package's layers, read from the import statements of its modules (``ast``, nothing imported):

    syntax <- model <- semantics <- rules, audit <- report <- cli

``diff`` sits beside ``semantics`` (it depends on the model only); ``rules`` and ``audit`` never
import each other; lower layers never import higher ones.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "cairo_upgrade_lint"
HIGHER = ("pipeline", "analysis", "cli")
FORBIDDEN = {
    "syntax": ("model", "semantics", "diff", "rules", "audit", "report", *HIGHER),
    "model": ("semantics", "diff", "rules", "audit", "report", *HIGHER),
    "diff": ("semantics", "rules", "audit", "report", *HIGHER),
    "semantics": ("rules", "audit", "report", *HIGHER),
    "rules": ("audit", "report", *HIGHER),
    "audit": ("rules", "cli"),
    "guide": ("rules", "audit", "report", *HIGHER),
    "report": ("audit", "cli"),
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> set[str]:
    """The absolute names of the modules ``path`` imports (relative imports resolved; for
    ``from X import name``, both X and X.name, since the name may be a submodule)."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.add(module)
            found |= {f"{module}.{alias.name}" for alias in node.names}
    return found


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "cairo_upgrade_lint" else None


def _edges() -> list[tuple[str, str, str]]:
    """(importing module, its layer, imported module) for every import inside the package."""
    edges = []
    for path in sorted(PACKAGE.rglob("*.py")):
        source = _module_name(path)
        layer = _layer(source)
        for target in imported_modules(path):
            if layer is not None and _layer(target) is not None:
                edges.append((source, layer, target))
    return edges


def test_the_import_reader_resolves_relative_imports() -> None:
    found = imported_modules(PACKAGE / "audit" / "base.py")
    assert "cairo_upgrade_lint.semantics.guards" in found
    assert "cairo_upgrade_lint.audit.flow" in found
    assert "cairo_upgrade_lint.records.record" in found


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_a_layer_imports_no_higher_layer(layer: str) -> None:
    wrong = [
        f"{source} imports {target}"
        for source, source_layer, target in _edges()
        if source_layer == layer and _layer(target) in FORBIDDEN[layer]
    ]
    assert wrong == []


def test_semantics_is_shared_by_rules_and_audit() -> None:
    users = {layer for _, layer, target in _edges() if _layer(target) == "semantics" and layer != "semantics"}
    assert {"rules", "audit"} <= users
