"""Generated inputs for the benchmarks: one big file, and old/new trees of the test fixtures."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
CONTRACT = ROOT / "examples" / "vault" / "v2.cairo"


def big_file(path: Path, size: int) -> int:
    """Write a realistic contract repeated as modules ``copy_N`` until ``size`` bytes; return the size."""
    body = CONTRACT.read_text()
    copies, written = [], 0
    while written < size:
        copies.append(f"mod copy_{len(copies)} {{\n{body}}}\n")
        written += len(copies[-1].encode())
    path.write_text("".join(copies))
    return path.stat().st_size


def trees(root: Path, size: int) -> tuple[Path, Path, int]:
    """Old and new plain-folder trees made of the fixture pairs (``old.cairo``/``new.cairo``)
    repeated in ``copy_N`` folders until the new tree holds ``size`` bytes; (old, new, bytes)."""
    pairs = sorted(p.parent for p in FIXTURES.rglob("old.cairo") if (p.parent / "new.cairo").exists())
    old, new = root / "old", root / "new"
    written = copy = 0
    while written < size:
        for pair in pairs:
            name = "_".join(pair.relative_to(FIXTURES).parts).lower() + ".cairo"
            for side, folder in (("old", old), ("new", new)):
                target = folder / f"copy_{copy}" / name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes((pair / f"{side}.cairo").read_bytes())
            written += (pair / "new.cairo").stat().st_size
        copy += 1
    return old, new, written
