"""Run the parser over every .cairo file under the given folders; print files, bytes, errors, MB/s.

The cycle collector is off while parsing, as the console entry points turn it off for a run (cli.py).

Usage: python benchmarks/parse_folder.py FOLDER [FOLDER ...] [--show N]
"""

from __future__ import annotations

import argparse
import gc
import pathlib
import time

from cairo_upgrade_lint.syntax.parser import parse


def main() -> None:
    cli = argparse.ArgumentParser(description=__doc__)
    cli.add_argument("folders", nargs="+", type=pathlib.Path)
    cli.add_argument("--show", type=int, default=10, help="print the first N diagnostics")
    args = cli.parse_args()
    files = sorted(p for folder in args.folders for p in folder.rglob("*.cairo"))
    sources = [(p, p.read_bytes()) for p in files]
    total = sum(len(data) for _, data in sources)
    failing: list[tuple[pathlib.Path, str]] = []
    gc.disable()
    start = time.perf_counter()
    for path, data in sources:
        tree = parse(data, str(path))
        if tree.diagnostics:
            failing.append((path, str(tree.diagnostics[0])))
    elapsed = time.perf_counter() - start
    for _, first in failing[: args.show]:
        print(first)
    print(
        f"files={len(files)} bytes={total} files_with_errors={len(failing)} "
        f"seconds={elapsed:.2f} MB/s={total / 1e6 / max(elapsed, 1e-9):.2f}"
    )


if __name__ == "__main__":
    main()
