"""Shared sample for the report tests: an old and a new version on disk, findings built by hand."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from cairo_upgrade_lint.catalogue import RuleDoc, load_catalogue
from cairo_upgrade_lint.findings import Finding, Location, Related, Severity
from cairo_upgrade_lint.records import replace
from cairo_upgrade_lint.report import ReportContext

NEW_FILES = {
    "src/token.cairo": (
        "#[storage]\nstruct Storage {\n\tbalances: Map<ContractAddress, u256>, // 残高 ✓\n    名前: felt252,\n}\n"
    ),
    "src/lib.cairo": ("mod token;\nfn f() {\n    let a = 1;\n\n    let b = 2;\n    let c = 3;\n    let d = 4;\n}\nfn g("),
    "src/naïve file.cairo": "fn x() {}\n",
}
OLD_FILES = {
    "src/token.cairo": "#[storage]\nstruct Storage {\n    balance: Map<ContractAddress, u256>,\n}\n",
}


def write_project(directory: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        path = directory / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")
    return directory


def catalogue() -> dict[str, RuleDoc]:
    """The shipped catalogue plus three stand-in rules (one tagged security)."""
    base = load_catalogue()["CUL000"]
    extra = [
        replace(base, id="CUL102", name="storage-member-renamed", tags=("storage",)),
        replace(
            base,
            id="CUL108",
            name="storage-layout-unverifiable",
            severity=Severity.WARNING,
            confidence="medium",
            tags=("storage",),
        ),
        replace(base, id="CUL301", name="unguarded-upgrade", tags=("guards", "security"), security_severity="9.1"),
    ]
    return {**load_catalogue(), **{d.id: d for d in extra}}


@dataclasses.dataclass
class Sample:
    new: Path
    old: Path
    context: ReportContext
    findings: list[Finding]


def sample(tmp_path: Path, **context_options: object) -> Sample:
    new = write_project(tmp_path / "new project", NEW_FILES)
    old = write_project(tmp_path / "old", OLD_FILES)
    token, lib = str(new / "src/token.cairo"), str(new / "src/lib.cairo")
    findings = [
        Finding("CUL999", Severity.NOTE, "event field renamed", Location(token, 4, 5, 4, 6)),
        Finding(
            "CUL102",
            Severity.ERROR,
            "storage member `balance` was renamed to `balances`",
            Location(token, 3, 2, 3, 9),
            related=(Related(Location(str(old / "src/token.cairo"), 3, 5, 3, 11), "old declaration"),),
            fix='add #[rename("balance")] to keep the old address',
        ),
        Finding("CUL000", Severity.ERROR, "expected `)`, found end of file", Location(lib, 9, 6, 9, 6)),
        Finding(
            "CUL108",
            Severity.WARNING,
            "layout of `f` cannot be verified",
            Location(lib, 2, 4, 8, 1),
            confidence="medium",
            properties={"unknown": "StorePacking"},
        ),
    ]
    options: dict = {
        "root": new,
        "old_root": old,
        "catalogue": catalogue(),
        "files_analysed": 3,
        "elapsed": 0.25,
        "version": "9.9.9",
        "information_uri": "https://example.org/cul",
    }
    options.update(context_options)
    return Sample(new, old, ReportContext(**options), findings)
